/* version.h — Varde's documented ordering of version strings (see README.md
 * in this folder), NVD range bounds, and `vers:` range evaluation for CSAF. */
#ifndef VARDE_VULN_VERSION_H
#define VARDE_VULN_VERSION_H

/* <0, 0, >0 like strcmp. Total order on all strings (unparseable text falls
 * back to the token rules), so it is safe for sorting. */
int vuln_version_cmp(const char *a, const char *b);

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
