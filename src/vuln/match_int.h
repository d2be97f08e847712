/* match_int.h — the matcher's private state, shared by match.c (the index
 * and one item) and match_all.c (a whole inventory, de-duplicated, threaded). */
#ifndef VARDE_VULN_MATCH_INT_H
#define VARDE_VULN_MATCH_INT_H
#include <stdint.h>

#include "vuln/map.h"
#include "vuln/match.h"
#include "vuln/version.h"

/* Lower-case letters and digits only ("Pulse Secure" = "pulse_secure"):
 * how names are compared (CSAF product names, KEV vendor and product).
 * The length written to out. */
size_t vuln_name_norm(const char *s, char *out, size_t cap);

typedef struct Entry {
  uint32_t a, b;              /* (CVE, configuration) or (CSAF document, product) */
  const VulnCpeMatch *m;      /* NVD: the vulnerable criterion filed here */
  uint16_t check;             /* NVD: attributes left to compare (bit 1<<attr), see match.c */
  char part;                  /* NVD: the criterion's part: a, o, h, '-' (NA) or 0 (ANY) */
  uint8_t ranged;             /* NVD: 0 no version bounds, 1 bounds as text, 2 numeric bounds below */
  uint8_t lo, hi;             /* numeric bounds: 0 absent, 1 including, 2 excluding */
  uint32_t vlo[VULN_VER_NUM], vhi[VULN_VER_NUM];
} Entry;

typedef struct Bucket {
  Entry *e;
  uint32_t n, cap;
} Bucket;

struct VulnMatcher {
  const VulnDb *db;
  VulnMatchOpts o;
  VulnMap *nvd_keys, *csaf_keys;
  Bucket *nvd, *csaf, wild;
  size_t nnvd, capnvd, ncsaf, capcsaf, entries;
  size_t indexed;     /* CVEs 0 .. indexed-1 are in the key index */
  uint32_t *seen;     /* per CVE: stamp of the last item it matched */
  uint32_t stamp;
  size_t scanned, evaluated;  /* work counters for the benchmark */
};

/* Items that are the same for matching (everything vuln_match_item reads
 * except exposure and criticality) share a group; groups are numbered in
 * order of their first item. Returns grp[n] (caller frees) and *ng, or
 * NULL on allocation failure. */
uint32_t *vuln_items_group(const VulnItem *items, size_t n, size_t *ng);

#endif
