/* match.h — the in-memory matcher: inventory items against a loaded VulnDb
 * (NVD configurations indexed by vendor:product, CSAF products by purl, CPE
 * and vendor/product name), with KEV/EPSS annotation and a priority. */
#ifndef VARDE_VULN_MATCH_H
#define VARDE_VULN_MATCH_H
#include <stdbool.h>
#include <stddef.h>

#include "vuln/purl.h"
#include "vuln/vuln.h"

#define VULN_MAX_PLATFORMS 8

/* One inventory product. The matcher only reads it. */
typedef struct VulnItem {
  const char *name, *vendor, *product, *version, *cpe_str, *purl_str;
  const char *model;          /* a model/order number, for CSAF model_numbers */
  bool has_cpe, derived;      /* derived: cpe built from vendor/product/version */
  VulnCpe cpe;
  int nplatform;              /* CPEs of what it runs on (OS, hardware) */
  VulnCpe platform[VULN_MAX_PLATFORMS];
  bool has_purl;
  VulnPurl *purl;
  bool internet;              /* internet-facing */
  int criticality;            /* 1 (low) .. 5 (critical service); 0 unknown */
  size_t line;                /* where it came from (CSV line, SBOM index) */
} VulnItem;

/* KEV: a KEV catalogue entry naming the item's vendor and product
 * (kevname.c), not a matcher result. */
enum { VULN_SRC_NVD, VULN_SRC_CSAF, VULN_SRC_KEV };

typedef struct VulnMatch {
  size_t item;
  int source;                 /* VULN_SRC_* */
  const char *id;             /* CVE id (or the advisory id if it has none) */
  const char *advisory;       /* CSAF tracking id, NULL for NVD */
  const char *status;         /* CSAF product status key, NULL for NVD */
  double cvss;                /* -1 if unknown */
  const char *cvss_vector;
  bool kev, ransomware;
  const char *kev_due;
  double epss, epss_pct;      /* -1 if unknown */
  double priority;            /* 0..100, see README.md */
  const char *priority_class; /* critical, high, medium, low */
  const char *confidence;     /* exact, relaxed, name, text-range */
  unsigned relaxed;           /* CPE attributes relaxed (bit 1<<CPE_*) */
  /* why, kept as pointers into the VulnDb; vuln_match_reason() words it */
  const VulnConfig *cfg;      /* NVD: the configuration that held */
  uint32_t cfg_index;
  const VulnCpeMatch *hit;    /* NVD: the vulnerable criterion the item met */
  const VulnCsafProduct *prod; /* CSAF: the product the item is */
  int how;                    /* CSAF: VULN_HOW_* */
  const VulnKev *kev_entry;   /* KEV name match: the catalogue entry */
} VulnMatch;

enum { VULN_HOW_PURL, VULN_HOW_CPE, VULN_HOW_VERSION, VULN_HOW_RANGE, VULN_HOW_NAME, VULN_HOW_MODEL };

/* "configuration 0 (AND of 2 nodes, platform required and present):
 * cpe:2.3:... >=8.0 <=8.0.34" or "ADV-1 product P1 \"name\": purl ...".
 * Returns out. */
const char *vuln_match_reason(const VulnMatch *m, char *out, size_t cap);

typedef struct VulnMatchList {
  VulnMatch *m;
  size_t n, cap;
} VulnMatchList;

typedef struct VulnMatchOpts {
  bool relax;                 /* let inventory ANY match update/edition/…/other */
} VulnMatchOpts;

typedef struct VulnMatcher VulnMatcher;

VulnMatcher *vuln_matcher_new(const VulnDb *db, const VulnMatchOpts *o);
/* The CVEs appended to db since the matcher was made (or last extended)
 * into its index, as if it had been made now; for a db filled in parts.
 * 0 or VERR_NOMEM (the matcher is then unusable: free it). */
int vuln_matcher_extend(VulnMatcher *m);
void vuln_matcher_free(VulnMatcher *m);
/* Append the matches of one item (index idx) to out. 0 or VERR_NOMEM. */
int vuln_match_item(VulnMatcher *m, const VulnItem *it, size_t idx, VulnMatchList *out);
void vuln_match_list_free(VulnMatchList *l);
/* Append the matches of a whole inventory (items 0..n-1): the same list, in
 * the same order, as vuln_match_item on each item in turn. Items that are
 * the same for matching (CPE, platforms, purl, model, vendor, product,
 * version) are matched once and the result copied, each copy with its
 * item's own priority; distinct items are shared among `threads` workers
 * (0 = one per online CPU). 0 or VERR_NOMEM. */
int vuln_match_items(VulnMatcher *m, const VulnItem *items, size_t n, unsigned threads, VulnMatchList *out);
/* Index statistics: criteria indexed, distinct keys, wildcard criteria. */
void vuln_matcher_stats(const VulnMatcher *m, size_t *entries, size_t *keys, size_t *wild);
/* Work done so far: index entries looked at, configurations evaluated. */
void vuln_matcher_work(const VulnMatcher *m, size_t *scanned, size_t *evaluated);

/* The reverse direction, for a feed update: items indexed by the
 * vendor:product of their CPE, so one new or changed CVE is matched against
 * a whole inventory by reading only the items it can name. The index only
 * points into items, which must outlive it. */
typedef struct VulnInvIndex VulnInvIndex;
VulnInvIndex *vuln_inv_index_new(const VulnItem *items, size_t n);
void vuln_inv_index_free(VulnInvIndex *x);
/* Append the matches of CVE number cve (index into db->cve) against every
 * indexed item; item indexes are positions in the array given above.
 * Items that are the same for matching are evaluated once; the matches come
 * group by group (a group's items in ascending order). */
int vuln_match_cve(VulnMatcher *m, const VulnInvIndex *x, size_t cve, VulnMatchList *out);

/* KEV name matching (kevname.c): the catalogue names products (vendor and
 * product, compared as lower-case letters and digits) but no versions. An
 * item whose vendor and product (its own fields, else its CPE's) a KEV
 * entry names gets that CVE as a match with confidence "name", unless NVD
 * configures the CVE (then the configuration decides) or the item already
 * has it. */
typedef struct VulnKevNames VulnKevNames;
VulnKevNames *vuln_kev_names_new(const VulnDb *v);
void vuln_kev_names_free(VulnKevNames *x);
/* CVEs NVD configures that v does not hold (feeds loaded in part): ids
 * each NUL-terminated. 0 or VERR_NOMEM. */
int vuln_kev_names_configured(VulnKevNames *x, const char *ids, size_t len);
/* 1 if NVD has a configuration for this CVE. */
int vuln_kev_names_nvd_configured(const VulnKevNames *x, const char *cve);
/* Append item idx's KEV name matches to out, leaving out the CVEs in
 * have[0..nhave) (the item's other matches). 0 or VERR_NOMEM. */
int vuln_kev_names_match(const VulnKevNames *x, const VulnItem *it, size_t idx, const VulnMatch *have, size_t nhave,
                         VulnMatchList *out);

/* NVD configuration evaluation for a system made of `main` plus platforms;
 * returns 1 if the configuration holds AND main itself satisfies one of its
 * vulnerable criteria (that criterion goes to *hit). Exposed for tests and
 * the naive baseline. */
int vuln_config_eval(const VulnConfig *cfg, const VulnItem *it, unsigned relax_mask,
                     const VulnCpeMatch **hit, unsigned *relaxed);
/* One cpeMatch against one CPE: name match plus the version bounds. */
int vuln_cpematch_test(const VulnCpeMatch *m, const VulnCpe *target, unsigned relax_mask, unsigned *relaxed);

/* The priority formula (README.md); sets *cls. */
double vuln_priority(double cvss, bool kev, bool ransomware, double epss_pct, bool internet,
                     int criticality, const char **cls);

/* Relax masks the matcher uses. */
#define VULN_RELAX_CONTEXT ((1u << CPE_UPDATE) | (1u << CPE_EDITION) | (1u << CPE_LANGUAGE) | \
  (1u << CPE_SW_EDITION) | (1u << CPE_TARGET_SW) | (1u << CPE_TARGET_HW) | (1u << CPE_OTHER))

#endif
