/* cvss.h — CVSS base scores computed from vector strings (v3.0, v3.1 and
 * v2.0), for the CSAF consistency tests and for scores Varde derives. */
#ifndef VARDE_VULN_CVSS_H
#define VARDE_VULN_CVSS_H
#include <stddef.h>

/* The metric values a base vector sets, as CSAF/NVD JSON property values
 * ("NETWORK", "LOW", ...), indexed like vuln_cvss*_props. */
typedef struct VulnCvss {
  int version;            /* 30, 31 or 20 */
  double base;            /* the computed base score */
  const char *value[8];   /* property values; NULL for metrics not set */
} VulnCvss;

extern const char *const vuln_cvss3_props[8];  /* attackVector ... availabilityImpact */
extern const char *const vuln_cvss2_props[6];  /* accessVector ... availabilityImpact */

/* Parse "CVSS:3.x/AV:N/..." or a v2 vector "AV:N/AC:L/Au:N/C:P/I:P/A:P"
 * (temporal and environmental metrics are allowed and ignored). All base
 * metrics are required, each once. 0, or -1 with a reason in why. */
int vuln_cvss_parse(const char *vector, VulnCvss *out, char *why, size_t cap);
/* "NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL" for a v3 score. */
const char *vuln_cvss3_severity(double score);

#endif
