/* cpe.h — CPE 2.3 names: the formatted-string and 2.2 URI bindings, the
 * well-formed name (WFN) they unbind to, and NISTIR 7696 name matching. */
#ifndef VARDE_VULN_CPE_H
#define VARDE_VULN_CPE_H
#include <stddef.h>

#include "core/err.h"

/* The 11 attributes, in formatted-string order. */
enum {
  CPE_PART, CPE_VENDOR, CPE_PRODUCT, CPE_VERSION, CPE_UPDATE, CPE_EDITION,
  CPE_LANGUAGE, CPE_SW_EDITION, CPE_TARGET_SW, CPE_TARGET_HW, CPE_OTHER,
  CPE_NATTR
};

/* A WFN attribute value: ANY, NA, or a string in WFN form (lower case; every
 * character other than [a-z0-9_] is quoted with a backslash, except the
 * unquoted wildcards '*' and '?', which may only sit at either end). */
typedef struct VulnCpe {
  const char *v[CPE_NATTR];  /* NULL for ANY and NA */
  unsigned char na[CPE_NATTR]; /* 1 = NA ("-"); v == NULL && !na = ANY */
  unsigned short wild;         /* bit 1<<attr: the value has an unquoted wildcard */
} VulnCpe;

/* Attribute relations of NISTIR 7696 §6.1. */
typedef enum {
  CPE_REL_DISJOINT = 0, CPE_REL_SUBSET, CPE_REL_SUPERSET, CPE_REL_EQUAL,
  CPE_REL_UNDEFINED
} VulnCpeRel;

#define VULN_CPE_MAX 1024  /* longest binding accepted, in bytes */

/* Parse "cpe:2.3:..." (formatted string) or "cpe:/..." (URI). Strings are
 * stored in `store` (size `cap`, VULN_CPE_MAX*2 is always enough). */
int vuln_cpe_parse(const char *s, VulnCpe *out, char *store, size_t cap, Err *e);
int vuln_cpe_parse_fs(const char *s, VulnCpe *out, char *store, size_t cap, Err *e);
/* The matcher's "vendor:product" key (WFN values, as the parser unbinds
 * them) of the formatted string (s, len), without parsing the rest; 0 when
 * it has none: not a formatted string, a bad vendor or product, ANY, NA or
 * a wildcard in either, or longer than cap. */
size_t vuln_cpe_fs_key(const char *s, size_t len, char *key, size_t cap);
/* 1 if the WFN value is set (not ANY/NA) and has no unquoted wildcard. */
int vuln_cpe_plain(const char *v);
/* The "vendor:product" key (WFN) under which the matcher files NVD criteria
 * and looks an item's CPE up; 0 when either is ANY, NA or wildcarded (such
 * criteria are looked at for every item, such items meet only them), or the
 * key is longer than cap. The same key as vuln_cpe_fs_key reads from a
 * formatted string. */
size_t vuln_cpe_key(const VulnCpe *c, char *key, size_t cap);
int vuln_cpe_parse_uri(const char *s, VulnCpe *out, char *store, size_t cap, Err *e);

/* Bind back; return bytes written (excluding NUL) or -1 if cap is too small. */
int vuln_cpe_bind_fs(const VulnCpe *c, char *out, size_t cap);
int vuln_cpe_bind_uri(const VulnCpe *c, char *out, size_t cap);

/* Attribute comparison (source s, target t); attr is CPE_* and selects the
 * value pair. */
VulnCpeRel vuln_cpe_compare_attr(const VulnCpe *s, const VulnCpe *t, int attr);
/* Name comparison: DISJOINT if any attribute is, EQUAL if all are, SUPERSET if
 * all are SUPERSET or EQUAL, SUBSET likewise, UNDEFINED otherwise. */
VulnCpeRel vuln_cpe_compare(const VulnCpe *s, const VulnCpe *t);
/* NVD's test: every attribute SUPERSET or EQUAL. Attributes in relax_mask
 * (bit 1<<attr) may also be SUBSET because the target left them ANY; the bits
 * actually relaxed are stored in *relaxed (may be NULL). */
int vuln_cpe_matches(const VulnCpe *criteria, const VulnCpe *target,
                     unsigned relax_mask, unsigned *relaxed);

/* Unquote a WFN value into plain text (drops backslashes). */
void vuln_cpe_unquote(const char *v, char *out, size_t cap);
/* Quote plain text (e.g. a product name from a CSV) into WFN form: lower case,
 * spaces become '_', other punctuation quoted. */
int vuln_cpe_quote(const char *plain, char *out, size_t cap);
const char *vuln_cpe_rel_name(VulnCpeRel r);
extern const char *const vuln_cpe_attr_names[CPE_NATTR];

#endif
