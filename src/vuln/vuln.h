/* vuln.h — the in-memory vulnerability database: NVD CVEs with their
 * configurations, KEV and EPSS annotations, CSAF advisories; the loaders'
 * shared error reporting. Everything a VulnDb holds lives in its arena. */
#ifndef VARDE_VULN_H
#define VARDE_VULN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "vuln/cpe.h"

/* Where parsers report malformed records: "<file>: <json path>: <message>".
 * Every report is counted; the first `keep` are printed to `out` if set. */
typedef struct VulnReport {
  void *out;            /* FILE *, or NULL to stay quiet */
  size_t nerr;          /* malformed records skipped */
  size_t nwarn;         /* records loaded despite a tolerated defect */
  size_t keep;          /* how many to print (0 = all) */
  char last[640];       /* the most recent message, for tests */
} VulnReport;

void vuln_report(VulnReport *r, const char *file, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A notice that loses no data (a file skipped as not a feed, a tolerated
 * defect): counted in nwarn, printed like a report. */
void vuln_warn(VulnReport *r, const char *file, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- NVD ---- */

typedef struct VulnCpeMatch {
  VulnCpe cpe;               /* parsed criteria */
  const char *criteria, *id; /* criteria string, matchCriteriaId */
  const char *vsi, *vse, *vei, *vee; /* versionStart/End Including/Excluding */
  bool vulnerable;
} VulnCpeMatch;

typedef struct VulnNode {
  bool op_and, negate;
  uint32_t nmatch, nchild;
  VulnCpeMatch *match;
  struct VulnNode *child;    /* NVD 1.1-style nesting, tolerated */
} VulnNode;

typedef struct VulnConfig {
  bool op_and, negate;
  uint32_t nnode;
  VulnNode *node;
} VulnConfig;

typedef struct VulnCve {
  const char *id, *desc, *published, *modified;
  double cvss;               /* best base score, -1 if none */
  const char *cvss_version, *cvss_vector, *cvss_severity;
  const char **cwe, **refs;
  uint32_t ncwe, nref, ncfg;
  VulnConfig *cfg;
  /* KEV copy fields NVD carries (cisaActionDue etc.); may be NULL */
  const char *cisa_due;
} VulnCve;

/* ---- KEV / EPSS ---- */

typedef struct VulnKev {
  const char *cve, *vendor, *product, *name, *added, *due, *action;
  bool ransomware;           /* knownRansomwareCampaignUse == "Known" */
} VulnKev;

typedef struct VulnEpss {
  const char *cve;
  double score, percentile;
} VulnEpss;

/* ---- CSAF ---- */

enum { CSAF_ST_AFFECTED, CSAF_ST_FIXED, CSAF_ST_NOT_AFFECTED, CSAF_ST_UNDER_INVESTIGATION,
       CSAF_ST_RECOMMENDED, CSAF_ST_N };

/* One product of the flattened tree: full name and the branch path it came
 * from (vendor, product name, version or version range), plus helpers. */
typedef struct VulnCsafProduct {
  const char *id, *name, *vendor, *product, *version, *range;
  const char *cpe, *purl;    /* helpers, may be NULL */
  const char *rel_component, *rel_platform, *rel_category; /* relationships */
} VulnCsafProduct;

typedef struct VulnCsafStatus {
  const char *product_id;
  int status;                /* CSAF_ST_* */
  const char *raw;           /* the product_status key it came from */
} VulnCsafStatus;

typedef struct VulnCsafVuln {
  const char *cve, *title;
  double cvss;               /* highest base score found, -1 if none */
  const char *cvss_vector;
  uint32_t nstatus;
  VulnCsafStatus *status;
} VulnCsafVuln;

typedef struct VulnCsaf {
  const char *id, *title, *category, *publisher, *tlp, *file;
  uint32_t nprod, nvuln;
  VulnCsafProduct *prod;
  VulnCsafVuln *vuln;
} VulnCsaf;

/* ---- the database ---- */

typedef struct VulnDb {
  Arena *arena;
  VulnCve *cve;       size_t ncve, capcve;
  VulnKev *kev;       size_t nkev, capkev;
  VulnEpss *epss;     size_t nepss, capepss;
  VulnCsaf *csaf;     size_t ncsaf, capcsaf;
  const char *epss_model;
  struct VulnMap *kev_idx, *epss_idx;  /* built by vuln_db_finish */
} VulnDb;

VulnDb *vuln_db_new(void);
void vuln_db_free(VulnDb *db);
/* Build the CVE-id lookups for KEV and EPSS. Call after loading. */
int vuln_db_finish(VulnDb *db);
const VulnKev *vuln_db_kev(const VulnDb *db, const char *cve);
const VulnEpss *vuln_db_epss(const VulnDb *db, const char *cve);

/* Feed kinds vuln_load_file recognises by content. */
typedef enum { VULN_FEED_UNKNOWN, VULN_FEED_NVD, VULN_FEED_KEV, VULN_FEED_EPSS, VULN_FEED_CSAF } VulnFeedKind;

/* Load one file (gzip-compressed or not) of any supported kind; a directory
 * loads every *.json / *.json.gz / *.csv below it (other JSON there, such as
 * ROLIE feeds, is skipped with a warning). Malformed records go to r and are
 * skipped. Returns 0, or <0 if the file as a whole is unusable
 * (VULN_NOT_A_FEED when its kind is not recognised). */
#define VULN_NOT_A_FEED (-100)
int vuln_load_path(VulnDb *db, const char *path, VulnReport *r, Err *e);
int vuln_load_buffer(VulnDb *db, const char *name, const char *data, size_t len, VulnReport *r, Err *e);
VulnFeedKind vuln_detect(const char *data, size_t len);

/* Loaders by kind, on an in-memory document (data need not be NUL-terminated). */
int vuln_nvd_load(VulnDb *db, const char *name, const char *data, size_t len, VulnReport *r, Err *e);
int vuln_kev_load(VulnDb *db, const char *name, const char *data, size_t len, VulnReport *r, Err *e);
int vuln_epss_load(VulnDb *db, const char *name, const char *data, size_t len, VulnReport *r, Err *e);
int vuln_csaf_load(VulnDb *db, const char *name, const char *data, size_t len, VulnReport *r, Err *e);

#endif
