/* version.h — Varde's documented ordering of version strings (see README.md
 * in this folder), NVD range bounds, and `vers:` range evaluation for CSAF. */
#ifndef VARDE_VULN_VERSION_H
#define VARDE_VULN_VERSION_H
#include <stdint.h>

/* <0, 0, >0 like strcmp. Total order on all strings (unparseable text falls
 * back to the token rules), so it is safe for sorting. */
int vuln_version_cmp(const char *a, const char *b);

/* Dotted decimal versions ("10.0.19041.1") as numbers, for comparing many
 * versions against the same bounds: returns 1 and fills out (missing parts
 * 0) if v is only digit runs separated by dots, at most VULN_VER_NUM runs of
 * at most 9 digits; comparing two such arrays part by part then gives
 * exactly vuln_version_cmp's order. Returns 0 for anything else. */
#define VULN_VER_NUM 4
int vuln_version_numeric(const char *v, uint32_t out[VULN_VER_NUM]);
/* <0, 0, >0 on two arrays from vuln_version_numeric. */
int vuln_version_numeric_cmp(const uint32_t a[VULN_VER_NUM], const uint32_t b[VULN_VER_NUM]);

/* NVD cpeMatch bounds; NULL means the bound is absent. Returns 1 if v lies in
 * the range. An empty v never lies in a bounded range. */
int vuln_version_in_range(const char *v, const char *start_incl, const char *start_excl,
                          const char *end_incl, const char *end_excl);

/* Evaluate a range against v. Understands `vers:<scheme>/<constraints>`
 * (purl-spec VERS, e.g. "vers:generic/>=1.0|<2.0" or "vers:all/" + "*") and the
 * simple free-text forms common in CSAF advisories: "<V4.33", "<= 2.1",
 * "All versions < V4.33", "vers >= 1.2". Returns 1 in range, 0 outside,
 * -1 if the range text cannot be evaluated (caller reports low confidence). */
int vuln_range_eval(const char *range, const char *v);

#endif
