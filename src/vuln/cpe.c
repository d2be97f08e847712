/* cpe.c — CPE 2.3 formatted-string and URI (2.2) unbinding/binding into WFNs
 * (NISTIR 7695 §6) and attribute/name comparison (NISTIR 7696 §6-7). */
#include "vuln/cpe.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const vuln_cpe_attr_names[CPE_NATTR] = {
    "part", "vendor", "product", "version", "update", "edition",
    "language", "sw_edition", "target_sw", "target_hw", "other"};

typedef struct Out {
  char *p;
  size_t n, cap;
  int err;
} Out;

static void out_c(Out *o, char c) {
  if (o->n + 1 >= o->cap) {
    o->err = 1;
    return;
  }
  o->p[o->n++] = c;
}

static int is_wfn_plain(int c) { return isalnum(c) || c == '_'; }
static int has_unquoted_wildcard(const char *v);

/* Wildcards may only form a run at the start or the end of a value: one '*'
 * or one or more '?' (NISTIR 7695 §5.3.2). Checks a finished WFN value. */
static int wildcards_ok(const char *v) {
  size_t n = strlen(v), i = 0, lead = 0, tail;
  if (v[0] == '*') lead = 1;
  else while (v[lead] == '?') lead++;
  if (lead == n) return v[0] == '?' || n == 1;
  tail = n;
  if (v[n - 1] == '*' || v[n - 1] == '?') {
    /* a trailing wildcard only counts if it is not itself quoted */
    size_t bs = 0, k = n - 1;
    while (k > 0 && v[k - 1] == '\\') { bs++; k--; }
    if (bs % 2 == 0) {
      if (v[n - 1] == '*') tail = n - 1;
      else while (tail > lead && v[tail - 1] == '?') tail--;
    }
  }
  for (i = lead; i < tail; i++) {
    if (v[i] == '\\') { i++; continue; }
    if (v[i] == '*' || v[i] == '?') return 0;
  }
  return 1;
}

static int value_begin(VulnCpe *c, int attr, const char *comp, size_t len) {
  c->v[attr] = NULL;
  c->na[attr] = 0;
  if (len == 1 && comp[0] == '*') return 1;
  if (len == 1 && comp[0] == '-') { c->na[attr] = 1; return 1; }
  return 0;
}

/* Unbind one formatted-string component (NISTIR 7695 §6.2.3.2). */
static int unbind_fs_value(VulnCpe *c, int attr, const char *s, size_t len, Out *o, Err *e) {
  if (value_begin(c, attr, s, len)) return 0;
  if (len == 0) return err_set(e, VERR_INVALID, "CPE: empty %s", vuln_cpe_attr_names[attr]);
  size_t start = o->n;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch < 0x21 || ch > 0x7e)
      return err_set(e, VERR_INVALID, "CPE: non-printable character in %s", vuln_cpe_attr_names[attr]);
    if (is_wfn_plain(ch) || ch == '*' || ch == '?') {
      out_c(o, (char)tolower(ch));
    } else if (ch == '\\') {
      if (i + 1 >= len) return err_set(e, VERR_INVALID, "CPE: dangling backslash in %s", vuln_cpe_attr_names[attr]);
      ch = (unsigned char)s[++i];
      if (ch < 0x21 || ch > 0x7e) return err_set(e, VERR_INVALID, "CPE: bad escape in %s", vuln_cpe_attr_names[attr]);
      if (!is_wfn_plain(ch)) out_c(o, '\\');
      out_c(o, (char)tolower(ch));
    } else {
      out_c(o, '\\');
      out_c(o, (char)ch);
    }
  }
  out_c(o, '\0');
  if (o->err) return err_set(e, VERR_TOOBIG, "CPE: name too long");
  c->v[attr] = o->p + start;
  if (!wildcards_ok(c->v[attr]))
    return err_set(e, VERR_INVALID, "CPE: wildcard inside %s (only at the start or end)", vuln_cpe_attr_names[attr]);
  if (has_unquoted_wildcard(c->v[attr])) c->wild |= (unsigned short)(1u << attr);
  return 0;
}

static int check_part(const VulnCpe *c, Err *e) {
  const char *p = c->v[CPE_PART];
  if (p && !(p[1] == '\0' && (p[0] == 'a' || p[0] == 'o' || p[0] == 'h')))
    return err_set(e, VERR_INVALID, "CPE: part must be a, o or h");
  return 0;
}

int vuln_cpe_parse_fs(const char *s, VulnCpe *out, char *store, size_t cap, Err *e) {
  if (strlen(s) > VULN_CPE_MAX) return err_set(e, VERR_TOOBIG, "CPE: longer than %d bytes", VULN_CPE_MAX);
  if (strncasecmp(s, "cpe:2.3:", 8)) return err_set(e, VERR_INVALID, "CPE: formatted string must start with cpe:2.3:");
  Out o = {store, 0, cap, 0};
  const char *p = s + 8;
  int attr = 0;
  memset(out, 0, sizeof *out);
  for (;;) {
    const char *q = p;
    while (*q && *q != ':') q += (*q == '\\' && q[1]) ? 2 : 1;
    if (attr >= CPE_NATTR) return err_set(e, VERR_INVALID, "CPE: more than 11 attributes");
    int rc = unbind_fs_value(out, attr++, p, (size_t)(q - p), &o, e);
    if (rc) return rc;
    if (!*q) break;
    p = q + 1;
  }
  if (attr != CPE_NATTR) return err_set(e, VERR_INVALID, "CPE: %d attributes, want 11", attr);
  return check_part(out, e);
}

int vuln_cpe_plain(const char *v) {
  if (!v) return 0;
  for (; *v; v++) {
    if (*v == '\\' && v[1]) {
      v++;
      continue;
    }
    if (*v == '*' || *v == '?') return 0;
  }
  return 1;
}

size_t vuln_cpe_key(const VulnCpe *c, char *key, size_t cap) {
  const char *v = c->v[CPE_VENDOR], *p = c->v[CPE_PRODUCT];
  if (!vuln_cpe_plain(v) || !vuln_cpe_plain(p)) return 0;
  size_t lv = strlen(v), lp = strlen(p);
  if (lv + lp + 2 > cap) return 0;
  memcpy(key, v, lv);
  key[lv] = ':';
  memcpy(key + lv + 1, p, lp + 1);
  return lv + 1 + lp;
}

size_t vuln_cpe_fs_key(const char *s, size_t len, char *key, size_t cap) {
  char str[VULN_CPE_MAX + 1], store[2 * VULN_CPE_MAX + 16];
  if (len > VULN_CPE_MAX || len < 8 || strncasecmp(s, "cpe:2.3:", 8)) return 0;
  memcpy(str, s, len);
  str[len] = '\0';
  VulnCpe c;
  Out o = {store, 0, sizeof store, 0};
  Err e = {0};
  memset(&c, 0, sizeof c);
  const char *p = str + 8;
  for (int attr = 0; attr <= CPE_PRODUCT; attr++) {   /* split as vuln_cpe_parse_fs does */
    const char *q = p;
    while (*q && *q != ':') q += (*q == '\\' && q[1]) ? 2 : 1;
    if (unbind_fs_value(&c, attr, p, (size_t)(q - p), &o, &e) || (!*q && attr < CPE_PRODUCT)) return 0;
    p = *q ? q + 1 : q;
  }
  return vuln_cpe_key(&c, key, cap);
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = tolower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Unbind one URI component (NISTIR 7695 §6.1.3.3): %01 = '?', %02 = '*',
 * other %XX is a quoted character; '.', '-', '~' are quoted literals. */
static int unbind_uri_value(VulnCpe *c, int attr, const char *s, size_t len, Out *o, Err *e) {
  c->v[attr] = NULL;
  c->na[attr] = 0;
  if (len == 0) return 0;
  if (len == 1 && s[0] == '-') { c->na[attr] = 1; return 0; }
  size_t start = o->n;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '%') {
      int h = i + 2 < len ? hexval(s[i + 1]) : -1, l = h >= 0 ? hexval(s[i + 2]) : -1;
      if (h < 0 || l < 0) return err_set(e, VERR_INVALID, "CPE URI: bad percent-encoding in %s", vuln_cpe_attr_names[attr]);
      int v = h * 16 + l;
      i += 2;
      if (v == 1) out_c(o, '?');
      else if (v == 2) out_c(o, '*');
      else if (v < 0x21 || v > 0x7e) return err_set(e, VERR_INVALID, "CPE URI: non-printable %%%02x", v);
      else {
        if (!is_wfn_plain(v)) out_c(o, '\\');
        out_c(o, (char)tolower(v));
      }
    } else if (is_wfn_plain(ch)) {
      out_c(o, (char)tolower(ch));
    } else if (ch >= 0x21 && ch <= 0x7e) {
      out_c(o, '\\');
      out_c(o, (char)ch);
    } else {
      return err_set(e, VERR_INVALID, "CPE URI: non-printable character in %s", vuln_cpe_attr_names[attr]);
    }
  }
  out_c(o, '\0');
  if (o->err) return err_set(e, VERR_TOOBIG, "CPE: name too long");
  c->v[attr] = o->p + start;
  if (!wildcards_ok(c->v[attr]))
    return err_set(e, VERR_INVALID, "CPE URI: wildcard inside %s", vuln_cpe_attr_names[attr]);
  if (!strcmp(c->v[attr], "*")) c->v[attr] = NULL;  /* a lone "%02" is ANY, as "*" is in a formatted string */
  else if (has_unquoted_wildcard(c->v[attr])) c->wild |= (unsigned short)(1u << attr);
  return 0;
}

/* "~ed~sw~tsw~thw~other" packs five attributes into the edition component. */
static int unpack_edition(VulnCpe *c, const char *s, size_t len, Out *o, Err *e) {
  static const int attrs[5] = {CPE_EDITION, CPE_SW_EDITION, CPE_TARGET_SW, CPE_TARGET_HW, CPE_OTHER};
  const char *p = s + 1, *end = s + len;
  for (int k = 0; k < 5; k++) {
    const char *q = p;
    while (q < end && *q != '~') q++;
    if (k < 4 && q >= end) return err_set(e, VERR_INVALID, "CPE URI: packed edition needs 5 fields");
    if (k == 4 && q != end) return err_set(e, VERR_INVALID, "CPE URI: packed edition has more than 5 fields");
    int rc = unbind_uri_value(c, attrs[k], p, (size_t)(q - p), o, e);
    if (rc) return rc;
    p = q + 1;
  }
  return 0;
}

int vuln_cpe_parse_uri(const char *s, VulnCpe *out, char *store, size_t cap, Err *e) {
  if (strlen(s) > VULN_CPE_MAX) return err_set(e, VERR_TOOBIG, "CPE: longer than %d bytes", VULN_CPE_MAX);
  if (strncasecmp(s, "cpe:/", 5)) return err_set(e, VERR_INVALID, "CPE URI must start with cpe:/");
  static const int order[7] = {CPE_PART, CPE_VENDOR, CPE_PRODUCT, CPE_VERSION, CPE_UPDATE, CPE_EDITION, CPE_LANGUAGE};
  Out o = {store, 0, cap, 0};
  const char *p = s + 5;
  memset(out, 0, sizeof *out);
  for (int k = 0;; k++) {
    const char *q = strchr(p, ':');
    size_t len = q ? (size_t)(q - p) : strlen(p);
    if (k >= 7) return err_set(e, VERR_INVALID, "CPE URI: more than 7 components");
    int rc = (order[k] == CPE_EDITION && len > 0 && p[0] == '~')
                 ? unpack_edition(out, p, len, &o, e)
                 : unbind_uri_value(out, order[k], p, len, &o, e);
    if (rc) return rc;
    if (!q) break;
    p = q + 1;
  }
  return check_part(out, e);
}

int vuln_cpe_parse(const char *s, VulnCpe *out, char *store, size_t cap, Err *e) {
  if (!strncasecmp(s, "cpe:2.3:", 8)) return vuln_cpe_parse_fs(s, out, store, cap, e);
  if (!strncasecmp(s, "cpe:/", 5)) return vuln_cpe_parse_uri(s, out, store, cap, e);
  return err_set(e, VERR_INVALID, "not a CPE name (want cpe:2.3:... or cpe:/...)");
}

/* ---- binding ---- */

static void out_s(Out *o, const char *s) {
  while (*s) out_c(o, *s++);
}

static void bind_fs_value(const VulnCpe *c, int attr, Out *o) {
  const char *v = c->v[attr];
  if (!v) {
    out_c(o, c->na[attr] ? '-' : '*');
    return;
  }
  for (; *v; v++) {
    if (*v == '\\' && v[1]) {
      v++;
      /* the spec drops these quotes, but a lone literal '-' would read back as NA */
      if ((*v != '.' && *v != '-' && *v != '_') || !strcmp(c->v[attr], "\\-")) out_c(o, '\\');
    }
    out_c(o, *v);
  }
}

int vuln_cpe_bind_fs(const VulnCpe *c, char *out, size_t cap) {
  Out o = {out, 0, cap, 0};
  out_s(&o, "cpe:2.3");
  for (int a = 0; a < CPE_NATTR; a++) {
    out_c(&o, ':');
    bind_fs_value(c, a, &o);
  }
  if (o.err || o.n >= cap) return -1;
  out[o.n] = '\0';
  return (int)o.n;
}

static void bind_uri_value(const VulnCpe *c, int attr, Out *o) {
  const char *v = c->v[attr];
  char hex[4];
  if (!v) {
    if (c->na[attr]) out_c(o, '-');
    return;
  }
  for (; *v; v++) {
    if (*v == '?' || *v == '*') {
      out_s(o, *v == '?' ? "%01" : "%02");
      continue;
    }
    if (*v == '\\' && v[1]) v++;
    if (is_wfn_plain((unsigned char)*v) || *v == '-' || *v == '.') {
      out_c(o, *v);
    } else {
      snprintf(hex, sizeof hex, "%%%02x", (unsigned char)*v);
      out_s(o, hex);
    }
  }
}

int vuln_cpe_bind_uri(const VulnCpe *c, char *out, size_t cap) {
  static const int order[7] = {CPE_PART, CPE_VENDOR, CPE_PRODUCT, CPE_VERSION, CPE_UPDATE, CPE_EDITION, CPE_LANGUAGE};
  Out o = {out, 0, cap, 0};
  int packed = 0;
  for (int a = CPE_SW_EDITION; a <= CPE_OTHER; a++)
    if (c->v[a] || c->na[a]) packed = 1;
  out_s(&o, "cpe:/");
  for (int k = 0; k < 7; k++) {
    if (k) out_c(&o, ':');
    if (order[k] == CPE_EDITION && packed) {
      for (int a = CPE_EDITION; a <= CPE_OTHER; a++) {
        if (a == CPE_LANGUAGE) continue;
        out_c(&o, '~');
        bind_uri_value(c, a, &o);
      }
    } else {
      bind_uri_value(c, order[k], &o);
    }
  }
  while (o.n > 5 && o.p[o.n - 1] == ':') o.n--;  /* trailing ANY components */
  if (o.err || o.n >= cap) return -1;
  out[o.n] = '\0';
  return (int)o.n;
}

/* ---- comparison ---- */

static int has_unquoted_wildcard(const char *v) {
  for (; *v; v++) {
    if (*v == '\\' && v[1]) { v++; continue; }
    if (*v == '*' || *v == '?') return 1;
  }
  return 0;
}

/* True if s[pos] is preceded by an odd run of backslashes. */
static int is_quoted(const char *s, size_t pos) {
  size_t bs = 0;
  while (pos > 0 && s[pos - 1] == '\\') { bs++; pos--; }
  return bs % 2 == 1;
}

static size_t logical_len(const char *v, size_t n) {
  size_t len = 0;
  for (size_t i = 0; i < n; i++, len++)
    if (v[i] == '\\' && i + 1 < n) i++;
  return len;
}

/* compare_strings of NISTIR 7696 §6.1.2.1, with one deliberate difference:
 * a run of n '?' matches exactly n characters (the prose of the standard),
 * where the reference pseudocode accepts fewer. */
static VulnCpeRel compare_strings(const char *s, const char *t) {
  size_t n = strlen(s), start = 0, end = n;
  long begins = 0, ends = 0;
  if (s[0] == '*') { start = 1; begins = -1; }
  else while (s[start] == '?') { start++; begins++; }
  if (end > start && s[end - 1] == '*' && !is_quoted(s, end - 1)) { end--; ends = -1; }
  else while (end > start && s[end - 1] == '?' && !is_quoted(s, end - 1)) { end--; ends++; }
  const char *mid = s + start;
  size_t mlen = end - start, mlog = logical_len(mid, mlen);
  size_t tlen = strlen(t), tlog = logical_len(t, tlen), before = 0;
  for (size_t i = 0; i <= tlen; i += (t[i] == '\\' && i + 1 < tlen) ? 2 : 1, before++) {
    if (i + mlen <= tlen && !memcmp(t + i, mid, mlen)) {
      size_t after = tlog - before - mlog;
      if ((begins < 0 || (size_t)begins == before) && (ends < 0 || (size_t)ends == after))
        return CPE_REL_SUPERSET;
    }
    if (i == tlen) break;
  }
  return CPE_REL_DISJOINT;
}

VulnCpeRel vuln_cpe_compare_attr(const VulnCpe *s, const VulnCpe *t, int attr) {
  const char *sv = s->v[attr], *tv = t->v[attr];
  int sany = !sv && !s->na[attr], tany = !tv && !t->na[attr];
  if (tv && (t->wild & (1u << attr))) return CPE_REL_UNDEFINED;
  if ((sany && tany) || (s->na[attr] && t->na[attr]) || (sv && tv && sv[0] == tv[0] && !strcmp(sv, tv)))
    return CPE_REL_EQUAL;
  if (sany) return CPE_REL_SUPERSET;
  if (tany) return CPE_REL_SUBSET;
  if (s->na[attr] || t->na[attr]) return CPE_REL_DISJOINT;
  if (!(s->wild & (1u << attr))) return CPE_REL_DISJOINT;  /* plain and unequal */
  return compare_strings(sv, tv);
}

VulnCpeRel vuln_cpe_compare(const VulnCpe *s, const VulnCpe *t) {
  int all_eq = 1, all_sup = 1, all_sub = 1;
  for (int a = 0; a < CPE_NATTR; a++) {
    VulnCpeRel r = vuln_cpe_compare_attr(s, t, a);
    if (r == CPE_REL_DISJOINT) return CPE_REL_DISJOINT;
    if (r != CPE_REL_EQUAL) all_eq = 0;
    if (r != CPE_REL_EQUAL && r != CPE_REL_SUPERSET) all_sup = 0;
    if (r != CPE_REL_EQUAL && r != CPE_REL_SUBSET) all_sub = 0;
  }
  return all_eq ? CPE_REL_EQUAL : all_sup ? CPE_REL_SUPERSET : all_sub ? CPE_REL_SUBSET : CPE_REL_UNDEFINED;
}

int vuln_cpe_matches(const VulnCpe *criteria, const VulnCpe *target, unsigned relax_mask, unsigned *relaxed) {
  /* vendor, product and version first: they decide most comparisons */
  static const int order[CPE_NATTR] = {CPE_VENDOR, CPE_PRODUCT, CPE_VERSION, CPE_PART, CPE_UPDATE, CPE_EDITION,
                                       CPE_LANGUAGE, CPE_SW_EDITION, CPE_TARGET_SW, CPE_TARGET_HW, CPE_OTHER};
  unsigned rel = 0;
  for (int k = 0; k < CPE_NATTR; k++) {
    int a = order[k];
    if (!criteria->v[a] && !criteria->na[a] && !(target->wild & (1u << a))) continue;  /* ANY ⊇ anything plain */
    VulnCpeRel r = vuln_cpe_compare_attr(criteria, target, a);
    if (r == CPE_REL_EQUAL || r == CPE_REL_SUPERSET) continue;
    if (r == CPE_REL_SUBSET && (relax_mask & (1u << a))) {
      rel |= 1u << a;
      continue;
    }
    return 0;
  }
  if (relaxed) *relaxed = rel;
  return 1;
}

void vuln_cpe_unquote(const char *v, char *out, size_t cap) {
  size_t n = 0;
  if (!cap) return;
  for (; v && *v && n + 1 < cap; v++) {
    if (*v == '\\' && v[1]) v++;
    out[n++] = *v;
  }
  out[n] = '\0';
}

int vuln_cpe_quote(const char *plain, char *out, size_t cap) {
  Out o = {out, 0, cap, 0};
  const unsigned char *p = (const unsigned char *)plain;
  while (*p == ' ') p++;
  for (; *p; p++) {
    unsigned char ch = *p;
    if (ch == ' ' || ch == '\t') {
      if (o.n && o.p[o.n - 1] != '_') out_c(&o, '_');
    } else if (is_wfn_plain(ch)) {
      out_c(&o, (char)tolower(ch));
    } else if (ch >= 0x21 && ch <= 0x7e) {
      out_c(&o, '\\');
      out_c(&o, (char)ch);
    } else {
      return -1;  /* CPE values are printable ASCII */
    }
  }
  while (o.n && o.p[o.n - 1] == '_') o.n--;
  if (o.err || o.n == 0) return -1;
  out[o.n] = '\0';
  return (int)o.n;
}

const char *vuln_cpe_rel_name(VulnCpeRel r) {
  static const char *names[] = {"DISJOINT", "SUBSET", "SUPERSET", "EQUAL", "UNDEFINED"};
  return (unsigned)r <= CPE_REL_UNDEFINED ? names[r] : "?";
}
