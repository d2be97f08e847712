/* purl.h — package URLs (pkg:type/namespace/name@version?qualifiers#subpath):
 * parsing with percent-decoding and type-specific normalisation, and the
 * advisory-side matching rule used for CSAF product helpers. */
#ifndef VARDE_VULN_PURL_H
#define VARDE_VULN_PURL_H
#include <stddef.h>

#include "core/err.h"

#define VULN_PURL_MAXQ 16

typedef struct VulnPurl {
  char *type, *ns, *name, *version, *subpath;  /* ns/version/subpath may be NULL */
  int nq;
  char *qk[VULN_PURL_MAXQ], *qv[VULN_PURL_MAXQ];  /* keys lower case, sorted */
  char buf[2048];                                 /* storage for the fields */
} VulnPurl;

int vuln_purl_parse(const char *s, VulnPurl *p, Err *e);
/* Canonical string form; returns length or -1 if cap is too small. */
int vuln_purl_format(const VulnPurl *p, char *out, size_t cap);
/* Does the advisory's purl `adv` name the package `inv` from an inventory?
 * Type, namespace and name must be equal; a version in adv must equal
 * inv's (by vuln_version_cmp); every qualifier adv carries must be present
 * with the same value in inv; a subpath in adv must equal inv's. */
int vuln_purl_match(const VulnPurl *adv, const VulnPurl *inv);

#endif
