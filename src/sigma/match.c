/* match.c — evaluates one atom against an event's values, directly (no
 * multi-pattern matcher): wildcard globs with case folding (ASCII, Latin-1
 * and Latin Extended-A letters), regex via
 * PCRE2, networks, numbers, time parts, existence, null and field references.
 * The reference evaluator uses only this; the fast path uses it for atoms
 * Hyperscan does not cover. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <arpa/inet.h>
#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sigma/internal.h"

static inline uint8_t fold(uint8_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Case pairs beyond ASCII: Latin-1 Supplement (U+00C0-U+00DE <-> U+00E0-
 * U+00FE, not the signs U+00D7/U+00F7) and Latin Extended-A (U+0100-U+017F,
 * Unicode's simple mappings; U+0178 pairs with U+00FF; U+0130/U+0131, whose
 * pairs are ASCII i/I, and the caseless U+0138, U+0149, U+017F are left
 * alone). The lower-case form of a letter with a pair, 0 for anything else. */
uint32_t sm_ulower(uint32_t cp) {
  if (cp >= 0xc0 && cp <= 0xfe && cp != 0xd7 && cp != 0xf7 && cp != 0xdf) return cp | 0x20;
  if (cp == 0xff || cp == 0x178) return 0xff;
  if ((cp >= 0x100 && cp <= 0x12f) || (cp >= 0x132 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177))
    return cp | 1;
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e)) return cp & 1 ? cp + 1 : cp;
  return 0;
}

uint32_t sm_uupper(uint32_t cp) {
  uint32_t lo = sm_ulower(cp);
  if (!lo) return 0;
  if (lo == 0xff) return 0x178;
  if (lo < 0x100) return lo & ~0x20u;
  if ((lo >= 0x13a && lo <= 0x148) || (lo >= 0x17a && lo <= 0x17e)) return lo - 1;
  return lo & ~1u;
}

/* The code point of a two-byte UTF-8 sequence at s[0..n), or 0. Every
 * letter with a case pair above is two bytes long in both cases. */
static inline uint32_t utf8_2(const uint8_t *s, size_t n) {
  if (n < 2 || s[0] < 0xc2 || s[0] > 0xdf || (s[1] & 0xc0) != 0x80) return 0;
  return ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3fu);
}

/* Pattern position i starts a letter folded beyond ASCII (both of its
 * bytes literal); its lower-case code point, or 0. */
uint32_t sm_ufold_at(const SAtom *a, uint32_t i) {
  if (a->cased || a->kind != A_GLOB || i + 1 >= a->plen || a->tok[i] != GT_LIT || a->tok[i + 1] != GT_LIT)
    return 0;
  return sm_ulower(utf8_2(a->pat + i, 2));
}

int sm_has_ufold(const SAtom *a) {
  for (uint32_t i = 0; i + 1 < a->plen; i++)
    if (a->pat[i] >= 0xc2 && sm_ufold_at(a, i)) return 1;
  return 0;
}

/* Length of the token at pattern position i matched at s[j], or -1; *adv
 * gets how many pattern positions it covers (2 for a folded letter). */
static int tok_len(const SAtom *a, uint32_t i, const uint8_t *s, size_t j, size_t n, uint32_t *adv) {
  *adv = 1;
  if (j >= n) return -1;
  if (a->ufold && a->pat[i] >= 0xc2) {
    uint32_t lo = sm_ufold_at(a, i);
    if (lo) {
      *adv = 2;
      return sm_ulower(utf8_2(s + j, n - j)) == lo ? 2 : -1;
    }
  }
  switch (a->tok[i]) {
  case GT_QMARK: return 1;
  case GT_DASH:
    if (s[j] == '-' || s[j] == '/') return 1;
    if (s[j] == 0xe2 && j + 2 < n && s[j + 1] == 0x80 && s[j + 2] >= 0x93 && s[j + 2] <= 0x95) return 3;
    return -1;
  default:
    if (a->cased) return s[j] == a->pat[i] ? 1 : -1;
    return fold(s[j]) == fold(a->pat[i]) ? 1 : -1;
  }
}

int sm_glob(const SAtom *a, const char *str, size_t n) {
  const uint8_t *s = (const uint8_t *)str;
  uint32_t i = 0, star = UINT32_MAX;
  size_t j = 0, back = 0;
  while (j < n) {
    int l;
    uint32_t adv;
    if (i < a->plen && a->tok[i] == GT_STAR) { star = i++; back = j; continue; }
    if (i < a->plen && (l = tok_len(a, i, s, j, n, &adv)) > 0) { i += adv; j += (size_t)l; continue; }
    if (star == UINT32_MAX) return 0;
    i = star + 1;
    j = ++back;
  }
  while (i < a->plen && a->tok[i] == GT_STAR) i++;
  return i == a->plen;
}

/* How common a byte is in log text (lower: rarer), for picking the byte a
 * contains-test searches for: spaces, letters and path characters are
 * everywhere, most punctuation is not. Case-folded. */
static int byte_rank(uint8_t c) {
  static const char letters[] = "zqxjkvbpygfwmucdlhrsnioate";   /* rarest first */
  c = fold(c);
  if (c >= 'a' && c <= 'z') return 4 + (int)(strchr(letters, c) - letters);
  if (c >= '0' && c <= '9') return 14;
  if (c == ' ' || c == 0) return 40;
  if (c == '\\' || c == '.' || c == '/' || c == ':' || c == '-' || c == '_') return 24;
  return 2;
}

void sm_glob_shape(SAtom *a) {
  uint32_t i = 0, end = a->plen;
  a->shape = GS_GENERIC;
  if (a->kind != A_GLOB) return;
  while (i < end && a->tok[i] == GT_STAR) i++;
  while (end > i && a->tok[end - 1] == GT_STAR) end--;
  if (i > 1 || a->plen - end > 1 || i == end) return;   /* "**" or no literal: generic */
  if (a->ufold) return;   /* letters folded beyond ASCII: the generic matcher has them */
  for (uint32_t k = i; k < end; k++)
    if (a->tok[k] != GT_LIT) return;
  a->lo = i;
  a->ll = end - i;
  a->shape = i ? (end < a->plen ? GS_CONTAINS : GS_END) : (end < a->plen ? GS_START : GS_EQ);
  a->anc = 0;
  for (uint32_t k = 1; k < a->ll; k++)
    if (byte_rank(a->pat[a->lo + k]) < byte_rank(a->pat[a->lo + a->anc])) a->anc = k;
}

static int lit_at(const SAtom *a, const uint8_t *s) {
  const uint8_t *p = a->pat + a->lo;
  if (a->cased) return memcmp(s, p, a->ll) == 0;
  for (uint32_t k = 0; k < a->ll; k++)
    if (fold(s[k]) != fold(p[k])) return 0;
  return 1;
}

/* Candidate starts come from memchr (vectorised) for the literal's anchor
 * byte (its rarest-looking one, at offset anc), in both cases when the
 * match is case-insensitive: every occurrence has its anchor in
 * [anc, last + anc]. */
static int contains(const SAtom *a, const uint8_t *s, size_t n) {
  size_t anc = a->anc, last = n - a->ll;   /* last possible start */
  uint8_t c0 = a->pat[a->lo + anc], lo = a->cased ? c0 : fold(c0);
  uint8_t up = !a->cased && lo >= 'a' && lo <= 'z' ? (uint8_t)(lo - 32) : lo;
  const uint8_t *b = s + anc;             /* anchor positions: b[0 .. last] */
  const uint8_t *pl = memchr(b, lo, last + 1), *pu = up != lo ? memchr(b, up, last + 1) : NULL;
  while (pl || pu) {
    const uint8_t *p = !pu || (pl && pl < pu) ? pl : pu;
    if (lit_at(a, s + (p - b))) return 1;
    size_t o = (size_t)(p - b) + 1;
    if (o > last) return 0;
    if (p == pl) pl = memchr(b + o, lo, last + 1 - o);
    else pu = memchr(b + o, up, last + 1 - o);
  }
  return 0;
}

/* First position >= j where token i (a literal or a dash) can match, n if
 * none; j itself for other tokens. */
static size_t skip_to(const SAtom *a, uint32_t i, const uint8_t *s, size_t j, size_t n) {
  if (i < a->plen && a->tok[i] == GT_DASH) {   /* '-', '/' or a UTF-8 dash (0xe2 ...) */
    while (j < n && s[j] != '-' && s[j] != '/' && s[j] != 0xe2) j++;
    return j;
  }
  if (i >= a->plen || a->tok[i] != GT_LIT) return j;
  if (a->ufold && sm_ufold_at(a, i)) return j;   /* its two cases may differ in the first byte */
  uint8_t c = a->pat[i];
  if (a->cased) {
    const uint8_t *p = j < n ? memchr(s + j, c, n - j) : NULL;
    return p ? (size_t)(p - s) : n;
  }
  c = fold(c);
  while (j < n && fold(s[j]) != c) j++;
  return j;
}

/* sm_glob with the same answers for the fast path: after a star, the next
 * start worth trying is where the following literal byte occurs, not every
 * byte (patterns like '*>?%TEMP%\*' over long command lines). */
static int glob_generic(const SAtom *a, const char *str, size_t n) {
  const uint8_t *s = (const uint8_t *)str;
  uint32_t i = 0, star = UINT32_MAX;
  size_t j = 0, back = 0;
  while (j < n) {
    int l;
    uint32_t adv;
    if (i < a->plen && a->tok[i] == GT_STAR) { star = i++; back = j = skip_to(a, i, s, j, n); continue; }
    if (i < a->plen && (l = tok_len(a, i, s, j, n, &adv)) > 0) { i += adv; j += (size_t)l; continue; }
    if (star == UINT32_MAX) return 0;
    i = star + 1;
    back = j = skip_to(a, i, s, back + 1, n);
  }
  while (i < a->plen && a->tok[i] == GT_STAR) i++;
  return i == a->plen;
}

/* sm_glob for shaped atoms (same answers, no backtracking); the reference
 * evaluator keeps using sm_glob, so the differential test checks this. */
static int glob_fast(const SAtom *a, const char *str, size_t n) {
  const uint8_t *s = (const uint8_t *)str;
  size_t ll = a->ll;
  switch (a->shape) {
  case GS_EQ: return n == ll && lit_at(a, s);
  case GS_START: return n >= ll && lit_at(a, s);
  case GS_END: return n >= ll && lit_at(a, s + n - ll);
  case GS_CONTAINS: return n >= ll && contains(a, s, n);
  default: return glob_generic(a, str, n);
  }
}

/* With a caller's match data (fast path) the JIT code is used and nothing is
 * allocated; without, the interpreter runs with temporary match data. */
static int re_match(const SAtom *a, const char *s, size_t n, void *umd) {
  const pcre2_code *c = umd && a->jcode ? a->jcode : a->code;
  if (!c) return 0;
  pcre2_match_data *md = umd ? umd : pcre2_match_data_create(1, NULL);
  if (!md) return 0;
  int rc = pcre2_match(c, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
  if (!umd) pcre2_match_data_free(md);
  return rc >= 0;
}

/* The address in a value, parsed once per value text and family per
 * thread: rules test one field against many networks in a row. */
static int parse_ip(const char *s, size_t n, int v6, uint8_t ip[16]) {
  static __thread struct { char text[64]; size_t n; int ok[2]; uint8_t ip[2][16]; } c;
  if (n == 0 || n >= sizeof c.text) return 0;
  if (n != c.n || memcmp(c.text, s, n)) {
    memcpy(c.text, s, n);
    c.text[n] = 0;
    c.n = n;
    c.ok[0] = c.ok[1] = -1;   /* not parsed yet */
  }
  if (c.ok[v6] < 0) c.ok[v6] = inet_pton(v6 ? AF_INET6 : AF_INET, c.text, c.ip[v6]) == 1;
  if (c.ok[v6]) memcpy(ip, c.ip[v6], 16);
  return c.ok[v6];
}

static int cidr_match(const SAtom *a, const char *s, size_t n) {
  uint8_t ip[16];
  if (!parse_ip(s, n, a->v6 != 0, ip)) return 0;
  int full = a->netbits / 8, rest = a->netbits % 8;
  if (memcmp(ip, a->net, (size_t)full)) return 0;
  if (!rest) return 1;
  uint8_t mask = (uint8_t)(0xff << (8 - rest));
  return (ip[full] & mask) == (a->net[full] & mask);
}

static int compare(double x, int cmp, double y) {
  switch (cmp) {
  case CMP_LT: return x < y;
  case CMP_LTE: return x <= y;
  case CMP_GT: return x > y;
  case CMP_GTE: return x >= y;
  default: return x == y;
  }
}

/* A value as a number: all of it must be one as strtod reads numbers,
 * without leading white space (values.c's parse_num agrees). */
static int num_of(const char *s, size_t n, double *out) {
  char buf[64], *end;
  if (n == 0 || n >= sizeof buf || isspace((unsigned char)s[0])) return -1;
  memcpy(buf, s, n);
  buf[n] = 0;
  *out = strtod(buf, &end);
  return end == buf || *end ? -1 : 0;
}

/* Date part of "YYYY-MM-DD[T ]hh:mm..." (no timezone handling, per spec). */
static int timepart(const char *s, size_t n, int part, double *out) {
  int y, mo, d, h = 0, mi = 0;
  char buf[64];
  if (n < 10 || n >= sizeof buf) return -1;
  memcpy(buf, s, n);
  buf[n] = 0;
  if (sscanf(buf, "%4d-%2d-%2d", &y, &mo, &d) != 3) return -1;
  if (n >= 16) sscanf(buf + 11, "%2d:%2d", &h, &mi);
  switch (part) {
  case TP_MINUTE: *out = mi; return 0;
  case TP_HOUR: *out = h; return 0;
  case TP_DAY: *out = d; return 0;
  case TP_MONTH: *out = mo; return 0;
  case TP_YEAR: *out = y; return 0;
  default: {
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = 12};
    time_t t = timegm(&tm);
    struct tm g;
    gmtime_r(&t, &g);
    char w[8];
    strftime(w, sizeof w, "%V", &g);
    *out = atoi(w);
    return 0;
  }
  }
}

int sm_atom_value(const SAtom *a, const SigmaEvent *ev, const SigmaField *f, void *md) {
  if (f->kind == SEV_NULL) return 0;
  const char *s = sev_val(ev, f);
  size_t n = f->val_len;
  double x;
  switch (a->kind) {
  case A_GLOB: return md ? glob_fast(a, s, n) : sm_glob(a, s, n);   /* md: fast path */
  case A_RE: return re_match(a, s, n, md);
  case A_CIDR: return cidr_match(a, s, n);
  case A_NUM: return num_of(s, n, &x) == 0 && compare(x, a->cmp, a->num);
  case A_TIMEPART: return timepart(s, n, a->tpart, &x) == 0 && compare(x, a->cmp, a->num);
  }
  return 0;
}

/* Whether x[0..n) equals y[0..n): without case unless the atom is cased,
 * for ASCII letters and the letters sm_ulower pairs (two bytes either way). */
static int ref_at(const SAtom *a, const uint8_t *x, const uint8_t *y, size_t n) {
  for (size_t k = 0; k < n; k++) {
    uint8_t c = x[k], d = y[k];
    if (!a->cased && c >= 0xc2 && d >= 0xc2) {
      uint32_t lc = sm_ulower(utf8_2(x + k, n - k));
      if (lc && lc == sm_ulower(utf8_2(y + k, n - k))) { k++; continue; }
    }
    if (a->cased ? c != d : fold(c) != fold(d)) return 0;
  }
  return 1;
}

static int ref_pair(const SAtom *a, const char *x, size_t xn, const char *y, size_t yn) {
  if (yn > xn) return 0;
  size_t off = a->frmode == FR_ENDS ? xn - yn : 0;
  size_t last = a->frmode == FR_CONTAINS ? xn - yn : off;
  if (a->frmode == FR_EQ && xn != yn) return 0;
  for (size_t o = off; o <= last; o++)
    if (ref_at(a, (const uint8_t *)x + o, (const uint8_t *)y, yn)) return 1;
  return 0;
}

#define MAXVALS 64

int sm_atom(const SAtom *a, const SEvView *v, void *md) {
  const SigmaField *fs[MAXVALS];
  if (a->field == SF_KEYWORD) {
    for (uint32_t i = 0; i < v->ev->n; i++)
      if (v->ev->f[i].kind != SEV_NULL && sm_atom_value(a, v->ev, &v->ev->f[i], md)) return 1;
    return 0;
  }
  size_t n = v->values(v, a->field, fs, MAXVALS);
  if (a->kind == A_EXISTS) return (n > 0) == (a->want != 0);   /* presence only: null and '' exist */
  if (a->kind == A_NULL) {
    for (size_t i = 0; i < n; i++)
      if (fs[i]->kind != SEV_NULL) return 0;
    return 1;
  }
  if (a->kind == A_FIELDREF) {
    const SigmaField *gs[MAXVALS];
    size_t m = v->values(v, a->fref, gs, MAXVALS);
    for (size_t i = 0; i < n; i++)
      for (size_t k = 0; k < m; k++)
        if (fs[i]->kind != SEV_NULL && gs[k]->kind != SEV_NULL &&
            ref_pair(a, sev_val(v->ev, fs[i]), fs[i]->val_len, sev_val(v->ev, gs[k]), gs[k]->val_len))
          return 1;
    return 0;
  }
  for (size_t i = 0; i < n; i++)
    if (sm_atom_value(a, v->ev, fs[i], md)) return 1;
  return 0;
}
