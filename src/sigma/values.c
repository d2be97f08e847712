/* values.c — turns one detection entry (`field|mod|mod: value(s)`) into a
 * tree of atoms: wildcard parsing and escapes, the value-transforming
 * modifiers (base64, base64offset, utf16*, windash, expand) and the typed
 * ones (re, cidr, exists, fieldref, lt/gt, time parts, neq, cased, all). */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/internal.h"

#define MAXV 4096   /* bytes of one transformed value */
#define MAXVAR 64   /* variants of one value (base64offset, expand) */

typedef struct Val {  /* a value as tokens: bytes with per-byte kind */
  uint8_t p[MAXV], t[MAXV];
  uint32_t n;
} Val;

typedef struct Mods {
  int contains, starts, ends, all, re, b64, cidr, exists, expand, fieldref, cased, neq;
  int cmp, tpart, any_cmp, windash, utf16;   /* utf16: 1 le, 2 be, 3 bom+le */
  uint32_t reflags;
  /* transform order: sequence of 'b' base64, 'o' base64offset, 'u' utf16, 'w' windash */
  char order[8];
  int norder;
} Mods;

static int err(char *msg, size_t sz, const char *fmt, const char *a) {
  snprintf(msg, sz, fmt, a);
  return -1;
}

static int add_order(Mods *m, char c) {
  if (m->norder >= 7) return -1;
  m->order[m->norder++] = c;
  return 0;
}

static int parse_mod(Mods *m, const char *s, char *msg, size_t sz) {
  static const char *tp[] = {"minute", "hour", "day", "week", "month", "year"};
  static const char *cmp[] = {"lt", "lte", "gt", "gte"};
  if (!strcmp(s, "contains")) m->contains = 1;
  else if (!strcmp(s, "startswith")) m->starts = 1;
  else if (!strcmp(s, "endswith")) m->ends = 1;
  else if (!strcmp(s, "all")) m->all = 1;
  else if (!strcmp(s, "re")) m->re = 1;
  else if (!strcmp(s, "i") || !strcmp(s, "ignorecase")) m->reflags |= 1;
  else if (!strcmp(s, "m") || !strcmp(s, "multiline")) m->reflags |= 2;
  else if (!strcmp(s, "s") || !strcmp(s, "dotall")) m->reflags |= 4;
  else if (!strcmp(s, "base64")) return add_order(m, 'b');
  else if (!strcmp(s, "base64offset")) return add_order(m, 'o');
  else if (!strcmp(s, "utf16le") || !strcmp(s, "wide")) { m->utf16 = 1; return add_order(m, 'u'); }
  else if (!strcmp(s, "utf16be")) { m->utf16 = 2; return add_order(m, 'u'); }
  else if (!strcmp(s, "utf16")) { m->utf16 = 3; return add_order(m, 'u'); }
  else if (!strcmp(s, "windash")) { m->windash = 1; return add_order(m, 'w'); }
  else if (!strcmp(s, "cidr")) m->cidr = 1;
  else if (!strcmp(s, "exists")) m->exists = 1;
  else if (!strcmp(s, "expand")) m->expand = 1;
  else if (!strcmp(s, "fieldref")) m->fieldref = 1;
  else if (!strcmp(s, "cased")) m->cased = 1;
  else if (!strcmp(s, "neq")) m->neq = 1;
  else {
    for (int i = 0; i < 4; i++)
      if (!strcmp(s, cmp[i])) { m->cmp = i + 1; m->any_cmp = 1; return 0; }
    for (int i = 0; i < 6; i++)
      if (!strcmp(s, tp[i])) { m->tpart = i + 1; return 0; }
    return err(msg, sz, "unknown modifier '%s'", s);
  }
  return 0;
}

/* Modifiers that decide what kind of test a value is (regex, network,
 * presence, number, date part, field reference) exclude each other and the
 * string ones they would silently ignore; such a chain is a rule error. */
static int check_combination(const Mods *m, const char *key, char *msg, size_t sz) {
  const char *typed[6];
  int nt = 0;
  if (m->re) typed[nt++] = "re";
  if (m->cidr) typed[nt++] = "cidr";
  if (m->exists) typed[nt++] = "exists";
  if (m->fieldref) typed[nt++] = "fieldref";
  if (m->any_cmp) typed[nt++] = "lt/lte/gt/gte";
  else if (m->tpart) typed[nt++] = "minute/hour/day/week/month/year";
  const char *other = NULL;
  if (m->contains + m->starts + m->ends > 1) {
    snprintf(msg, sz, "modifiers |contains, |startswith and |endswith exclude each other in '%s'", key);
    return -1;
  }
  if (nt == 0) return 0;
  if (nt > 1) other = typed[1];
  else if ((m->contains || m->starts || m->ends) && !m->fieldref)
    other = m->contains ? "contains" : m->starts ? "startswith" : "endswith";
  else if (m->utf16) other = "utf16/wide";
  else if (m->norder && !m->windash) other = "base64/base64offset";
  else if (m->windash) other = "windash";
  else if (m->expand) other = "expand";
  else if (m->exists && m->all) other = "all";
  else if (m->exists && m->neq) other = "neq";
  else if (m->cased && !m->re && !m->fieldref) other = "cased";
  if (!other) return 0;
  snprintf(msg, sz, "modifier |%s cannot be combined with |%s in '%s'", typed[0], other, key);
  return -1;
}

/* Splits "field|m1|m2" into field (may be empty: keyword) and modifiers. */
static int parse_key(const char *key, char *field, size_t fsz, Mods *m, char *msg, size_t sz) {
  memset(m, 0, sizeof *m);
  const char *bar = strchr(key, '|');
  size_t fl = bar ? (size_t)(bar - key) : strlen(key);
  if (fl >= fsz) return err(msg, sz, "field name too long: %s", key);
  memcpy(field, key, fl);
  field[fl] = 0;
  while (bar) {
    const char *s = bar + 1;
    bar = strchr(s, '|');
    char mod[32];
    size_t ml = bar ? (size_t)(bar - s) : strlen(s);
    if (ml == 0 || ml >= sizeof mod) return err(msg, sz, "bad modifier in '%s'", key);
    memcpy(mod, s, ml);
    mod[ml] = 0;
    if (parse_mod(m, mod, msg, sz)) return -1;
  }
  if (m->reflags && !m->re) return err(msg, sz, "regex flag without |re in '%s'", key);
  return check_combination(m, key, msg, sz);
}

/* Sigma wildcard syntax: * and ? are wildcards; backslash escapes *, ? and
 * itself; a backslash before anything else is literal (pySigma semantics). */
static int parse_wild(const char *s, size_t n, Val *v) {
  v->n = 0;
  for (size_t i = 0; i < n; i++) {
    if (v->n >= MAXV) return -1;
    char c = s[i];
    if (c == '\\' && i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
      v->p[v->n] = (uint8_t)s[++i];
      v->t[v->n++] = GT_LIT;
    } else if (c == '*' || c == '?') {
      v->p[v->n] = (uint8_t)c;
      v->t[v->n++] = c == '*' ? GT_STAR : GT_QMARK;
    } else {
      v->p[v->n] = (uint8_t)c;
      v->t[v->n++] = GT_LIT;
    }
  }
  return 0;
}

static int has_wild(const Val *v) {
  for (uint32_t i = 0; i < v->n; i++)
    if (v->t[i] != GT_LIT) return 1;
  return 0;
}

static void b64(const uint8_t *in, size_t n, Val *out) {
  static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out->n = 0;
  for (size_t i = 0; i < n && out->n + 4 <= MAXV; i += 3) {
    uint32_t x = (uint32_t)in[i] << 16;
    if (i + 1 < n) x |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < n) x |= in[i + 2];
    char q[4] = {A[(x >> 18) & 63], A[(x >> 12) & 63], i + 1 < n ? A[(x >> 6) & 63] : '=',
                 i + 2 < n ? A[x & 63] : '='};
    for (int k = 0; k < 4; k++) { out->p[out->n] = (uint8_t)q[k]; out->t[out->n++] = GT_LIT; }
  }
}

/* UTF-8 -> UTF-16 (mode 1 LE, 2 BE, 3 BOM+LE); wildcard tokens are kept. */
static int utf16(const Val *in, int mode, Val *out) {
  out->n = 0;
  if (mode == 3) {
    out->p[0] = 0xff; out->p[1] = 0xfe; out->t[0] = out->t[1] = GT_LIT; out->n = 2;
  }
  for (uint32_t i = 0; i < in->n;) {
    if (out->n + 4 > MAXV) return -1;
    if (in->t[i] != GT_LIT) { out->p[out->n] = in->p[i]; out->t[out->n++] = in->t[i++]; continue; }
    uint32_t c = in->p[i], len = 1;
    if (c >= 0xf0 && i + 3 < in->n) { c = ((c & 7) << 18) | ((in->p[i+1] & 63u) << 12) | ((in->p[i+2] & 63u) << 6) | (in->p[i+3] & 63u); len = 4; }
    else if (c >= 0xe0 && i + 2 < in->n) { c = ((c & 15) << 12) | ((in->p[i+1] & 63u) << 6) | (in->p[i+2] & 63u); len = 3; }
    else if (c >= 0xc0 && i + 1 < in->n) { c = ((c & 31) << 6) | (in->p[i+1] & 63u); len = 2; }
    i += len;
    uint16_t u[2];
    int nu = 1;
    if (c >= 0x10000) { c -= 0x10000; u[0] = (uint16_t)(0xd800 | (c >> 10)); u[1] = (uint16_t)(0xdc00 | (c & 0x3ff)); nu = 2; }
    else u[0] = (uint16_t)c;
    for (int k = 0; k < nu; k++) {
      uint8_t lo = u[k] & 0xff, hi = u[k] >> 8;
      out->p[out->n] = mode == 2 ? hi : lo; out->t[out->n++] = GT_LIT;
      out->p[out->n] = mode == 2 ? lo : hi; out->t[out->n++] = GT_LIT;
    }
  }
  return 0;
}

static int is_word(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* pySigma's windash: a '-' or '/' at a word start (regex \B[-/]\b) becomes the
 * class of dash characters - / en dash, em dash, horizontal bar. */
static void windash(Val *v) {
  for (uint32_t i = 0; i < v->n; i++) {
    if (v->t[i] != GT_LIT || (v->p[i] != '-' && v->p[i] != '/')) continue;
    int before_word = i > 0 && v->t[i - 1] == GT_LIT && is_word(v->p[i - 1]);
    int after_word = i + 1 < v->n && v->t[i + 1] == GT_LIT && is_word(v->p[i + 1]);
    if (!before_word && after_word) v->t[i] = GT_DASH;
  }
}

typedef struct Vars {
  Val v[MAXVAR];
  int n;
} Vars;

static int apply_transforms(const Mods *m, Vars *vs, char *msg, size_t sz) {
  static const int so[3] = {0, 2, 3}, eo[3] = {0, 3, 2};
  for (int k = 0; k < m->norder; k++) {
    char op = m->order[k];
    int n = vs->n;
    for (int i = 0; i < n; i++) {
      Val *v = &vs->v[i], tmp;
      if (op == 'w') { windash(v); continue; }
      if (op == 'u') { if (utf16(v, m->utf16, &tmp)) return err(msg, sz, "%s", "value too long"); *v = tmp; continue; }
      if (has_wild(v)) return err(msg, sz, "%s", "base64 of a value with wildcards or windash");
      if (op == 'b') { b64(v->p, v->n, &tmp); *v = tmp; continue; }
      /* base64offset: three shifted encodings with unstable edges trimmed */
      Val src = *v;
      for (int s = 0; s < 3; s++) {
        uint8_t buf[MAXV];
        if (src.n + 2 > MAXV) return err(msg, sz, "%s", "value too long");
        memset(buf, ' ', (size_t)s);
        memcpy(buf + s, src.p, src.n);
        Val enc;
        b64(buf, src.n + (size_t)s, &enc);
        uint32_t end = enc.n - (uint32_t)eo[(src.n + (uint32_t)s) % 3];
        uint32_t start = (uint32_t)so[s];
        Val *dst = s == 0 ? v : &vs->v[vs->n];
        if (s && vs->n >= MAXVAR) return err(msg, sz, "%s", "too many value variants");
        if (s) vs->n++;
        dst->n = end > start ? end - start : 0;
        memcpy(dst->p, enc.p + start, dst->n);
        memset(dst->t, GT_LIT, dst->n);
      }
    }
  }
  return 0;
}

static void wrap(Val *v, int front, int back) {
  if (front && !(v->n && v->t[0] == GT_STAR) && v->n + 1 < MAXV) {
    memmove(v->p + 1, v->p, v->n); memmove(v->t + 1, v->t, v->n);
    v->p[0] = '*'; v->t[0] = GT_STAR; v->n++;
  }
  if (back && !(v->n && v->t[v->n - 1] == GT_STAR) && v->n + 1 < MAXV) {
    v->p[v->n] = '*'; v->t[v->n++] = GT_STAR;
  }
}

static SNode *atom_node(SigmaEngine *e, const SAtom *a) {
  uint32_t id = sa_add(e, a);
  if (id == UINT32_MAX) return NULL;
  return sn_new(e->arena, OP_ATOM, id);
}

static SNode *glob_node(SigmaEngine *e, uint32_t fid, const Mods *m, const Val *v) {
  SAtom a = {.field = fid, .kind = A_GLOB, .cased = (uint8_t)m->cased, .plen = v->n};
  if (v->n) {
    a.pat = arena_alloc(e->arena, v->n);
    a.tok = arena_alloc(e->arena, v->n);
    if (!a.pat || !a.tok) return NULL;
    memcpy(a.pat, v->p, v->n);
    memcpy(a.tok, v->t, v->n);
    a.ufold = (uint8_t)sm_has_ufold(&a);
  }
  return atom_node(e, &a);
}

static SNode *or_of(SigmaEngine *e, SNode **kids, int n, int op) {
  if (n == 1) return kids[0];
  SNode *o = sn_new(e->arena, op, (uint32_t)n);
  if (!o) return NULL;
  memcpy(o->kids, kids, (size_t)n * sizeof *kids);
  return o;
}

#define MAXPH 8   /* placeholders in one value */

/* Replaces every %name% placeholder in s by each of its configured values:
 * the cartesian product over the placeholders, at most MAXVAR results (more
 * is a rule error, not a silent cut). Inserted values are not re-scanned. */
static int expand(SigmaEngine *e, const char *s, char out[MAXVAR][MAXV / 2], int *nout,
                  char *msg, size_t sz) {
  const char *lit[MAXPH + 1];          /* literal text before each placeholder, and after the last */
  size_t litn[MAXPH + 1];
  const YNode *list[MAXPH];
  size_t cnt[MAXPH], total = 1;
  int np = 0;
  const char *at = s;
  for (;;) {
    const char *p = strchr(at, '%'), *q = p ? strchr(p + 1, '%') : NULL;
    if (!p || !q) break;
    if (np == MAXPH) return err(msg, sz, "more than 8 placeholders in '%s'", s);
    char name[128];
    size_t nl = (size_t)(q - p - 1);
    if (nl >= sizeof name) return err(msg, sz, "%s", "placeholder name too long");
    memcpy(name, p + 1, nl);
    name[nl] = 0;
    const YNode *l = e->placeholders ? sy_get(e->placeholders, name) : NULL;
    if (!l) return err(msg, sz, "unresolved placeholder %%%s%%", name);
    cnt[np] = l->type == Y_SEQ ? l->n : 1;
    for (size_t i = 0; i < cnt[np]; i++)
      if ((l->type == Y_SEQ ? l->items[i] : l)->type != Y_SCALAR)
        return err(msg, sz, "placeholder %s: value is not a string", name);
    if (cnt[np] == 0) return err(msg, sz, "placeholder %s has no values", name);
    total *= cnt[np];
    if (total > MAXVAR) {
      snprintf(msg, sz, "placeholders in '%s' expand to more than %d values", s, MAXVAR);
      return -1;
    }
    lit[np] = at;
    litn[np] = (size_t)(p - at);
    list[np++] = l;
    at = q + 1;
  }
  lit[np] = at;
  litn[np] = strlen(at);
  for (size_t k = 0; k < total; k++) {   /* k as mixed-radix digits, the last placeholder fastest */
    size_t idx[MAXPH], r = k, len = 0;
    for (int j = np - 1; j >= 0; j--) { idx[j] = r % cnt[j]; r /= cnt[j]; }
    char *o = out[k];
    for (int j = 0; j <= np; j++) {
      const char *parts[2] = {lit[j], NULL};
      size_t pl[2] = {litn[j], 0};
      if (j < np) {
        const YNode *it = list[j]->type == Y_SEQ ? list[j]->items[idx[j]] : list[j];
        parts[1] = it->s;
        pl[1] = it->len;
      }
      for (int t = 0; t < 2; t++) {
        if (!parts[t]) continue;
        if (len + pl[t] >= MAXV / 2) return err(msg, sz, "expanded value too long: '%s'", s);
        memcpy(o + len, parts[t], pl[t]);
        len += pl[t];
      }
    }
    o[len] = 0;
  }
  *nout = (int)total;
  return 0;
}

static int parse_net(const char *s, SAtom *a) {
  char buf[64];
  const char *slash = strchr(s, '/');
  size_t n = slash ? (size_t)(slash - s) : strlen(s);
  if (n >= sizeof buf) return -1;
  memcpy(buf, s, n);
  buf[n] = 0;
  a->v6 = strchr(buf, ':') != NULL;
  if (inet_pton(a->v6 ? AF_INET6 : AF_INET, buf, a->net) != 1) return -1;
  int max = a->v6 ? 128 : 32;
  a->netbits = max;
  if (slash) {
    char *end;
    long b = strtol(slash + 1, &end, 10);
    if (*end || b < 0 || b > max || end == slash + 1) return -1;
    a->netbits = (int)b;
  }
  return 0;
}

/* Numbers as strtod reads them, but without its leading white space: " 3"
 * is as little a number as "3 " (match.c's num_of agrees). */
static int parse_num(const char *s, double *out) {
  char *end;
  if (!*s || isspace((unsigned char)*s)) return -1;
  *out = strtod(s, &end);
  return *end ? -1 : 0;
}

/* Whether a regex turns caseless matching on itself: (?i), (?si), (?i:...). */
static int inline_caseless(const char *s) {
  for (const char *p = strstr(s, "(?"); p; p = strstr(p + 2, "(?"))
    for (const char *q = p + 2; (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'); q++)
      if (*q == 'i') return 1;
  return 0;
}

/* One scalar value under the modifiers: a node (atom or OR of variants). */
static SNode *value_node(SigmaEngine *e, uint32_t fid, const Mods *m, const YNode *val,
                         char *msg, size_t sz) {
  SAtom a = {.field = fid, .cased = (uint8_t)m->cased};
  if (sy_is_null(val) && !m->exists) {
    a.kind = A_NULL;
    return atom_node(e, &a);
  }
  if (val->type != Y_SCALAR) { err(msg, sz, "%s", "value must be a scalar"); return NULL; }
  const char *s = val->s;
  if (m->exists) {
    a.kind = A_EXISTS;
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "yes")) a.want = 1;
    else if (strcmp(s, "false") && strcmp(s, "False") && strcmp(s, "no")) {
      err(msg, sz, "exists needs true or false, got '%s'", s);
      return NULL;
    }
    return atom_node(e, &a);
  }
  if (m->tpart || m->any_cmp) {
    a.kind = m->tpart ? A_TIMEPART : A_NUM;
    a.tpart = (uint8_t)(m->tpart ? m->tpart - 1 : 0);
    a.cmp = (uint8_t)m->cmp;
    if (parse_num(s, &a.num)) { err(msg, sz, "not a number: '%s'", s); return NULL; }
    return atom_node(e, &a);
  }
  if (m->cidr) {
    a.kind = A_CIDR;
    if (parse_net(s, &a)) { err(msg, sz, "invalid network '%s'", s); return NULL; }
    return atom_node(e, &a);
  }
  if (m->fieldref) {
    a.kind = A_FIELDREF;
    a.fref = sf_intern(&e->fields, s, strlen(s));
    a.frmode = (uint8_t)(m->contains ? FR_CONTAINS : m->starts ? FR_STARTS : m->ends ? FR_ENDS : FR_EQ);
    return atom_node(e, &a);
  }
  if (m->re) {
    a.kind = A_RE;
    a.re = arena_strdup(e->arena, s);
    a.reflags = 0;
    if (m->reflags & 1) a.reflags |= 0x00000008u;  /* PCRE2_CASELESS */
    /* caseless (|re|i, or (?i) in the pattern) with letters beyond ASCII:
     * UTF mode folds them (invalid UTF-8 in a value then simply does not
     * match there) */
    int caseless = (m->reflags & 1) || inline_caseless(s);
    for (const char *c = s; caseless && *c; c++)
      if ((unsigned char)*c >= 0x80) { a.reflags |= 0x00080000u | 0x04000000u; break; }   /* PCRE2_UTF | PCRE2_MATCH_INVALID_UTF */
    if (m->reflags & 2) a.reflags |= 0x00000400u;  /* PCRE2_MULTILINE */
    if (m->reflags & 4) a.reflags |= 0x00000020u;  /* PCRE2_DOTALL */
    if (!a.re || sa_prepare_regex(&a, msg, sz)) return NULL;
    return atom_node(e, &a);
  }
  return NULL;   /* string value: handled by string_node */
}

static int is_hex(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A value that is exactly a GUID, 8-4-4-4-12 hex digits, bare or in braces
 * (no wildcards), gets its other form as a second variant: EVTX renders
 * GUIDs braced, JSON exporters often bare, and rules are written either way. */
static int guid_variant(const Val *v, Val *alt) {
  uint32_t b = v->n == 38, n = v->n;
  if (n != 36 && n != 38) return 0;
  if (b && (v->p[0] != '{' || v->p[37] != '}')) return 0;
  for (uint32_t i = 0; i < n; i++)
    if (v->t[i] != GT_LIT) return 0;
  for (uint32_t i = 0; i < 36; i++) {
    uint8_t c = v->p[i + b];
    if (i == 8 || i == 13 || i == 18 || i == 23 ? c != '-' : !is_hex(c)) return 0;
  }
  alt->n = b ? 36 : 38;
  memset(alt->t, GT_LIT, alt->n);
  if (b) {
    memcpy(alt->p, v->p + 1, 36);
  } else {
    alt->p[0] = '{';
    memcpy(alt->p + 1, v->p, 36);
    alt->p[37] = '}';
  }
  return 1;
}

static SNode *string_node(SigmaEngine *e, uint32_t fid, const Mods *m, const char *s,
                          char *msg, size_t sz) {
  static char ex[MAXVAR][MAXV / 2];   /* loading runs on one thread */
  int nex = 1;
  if (m->expand) {
    if (expand(e, s, ex, &nex, msg, sz)) return NULL;
  } else {
    snprintf(ex[0], sizeof ex[0], "%s", s);
  }
  Vars *vs = malloc(sizeof *vs);
  SNode *kids[MAXVAR], *res = NULL;
  int nk = 0;
  if (!vs) return NULL;
  for (int x = 0; x < nex; x++) {
    vs->n = 1;
    if (parse_wild(ex[x], strlen(ex[x]), &vs->v[0])) { err(msg, sz, "%s", "value too long"); goto out; }
    if (apply_transforms(m, vs, msg, sz)) goto out;
    int kw = fid == SF_KEYWORD;
    if (!kw && !m->norder && !m->contains && !m->starts && !m->ends && guid_variant(&vs->v[0], &vs->v[1]))
      vs->n = 2;
    if (nk + vs->n > MAXVAR) { err(msg, sz, "%s", "too many value variants"); goto out; }
    for (int i = 0; i < vs->n; i++) {
      wrap(&vs->v[i], m->contains || m->ends || kw, m->contains || m->starts || kw);
      if (!(kids[nk++] = glob_node(e, fid, m, &vs->v[i]))) goto out;
    }
  }
  res = or_of(e, kids, nk, OP_OR);
out:
  free(vs);
  return res;
}

/* key = "field|mods" (field empty for keywords), val = scalar, null or list. */
int sd_value_atoms(SigmaEngine *e, const char *key, const YNode *val, SNode **out,
                   char *msg, size_t sz) {
  char field[256];
  Mods m;
  if (parse_key(key, field, sizeof field, &m, msg, sz)) return -1;
  uint32_t fid = field[0] ? sf_intern(&e->fields, field, strlen(field)) : SF_KEYWORD;
  if (fid == UINT32_MAX && field[0]) return err(msg, sz, "%s", "out of memory");
  if (val->type == Y_MAP) return err(msg, sz, "value of '%s' is a map", key);
  size_t n = val->type == Y_SEQ ? val->n : 1;
  if (m.all && val->type != Y_SEQ) return err(msg, sz, "|all on a single value in '%s'", key);
  if (m.fieldref && fid == SF_KEYWORD) return err(msg, sz, "%s", "fieldref needs a field");
  if (n == 0) { *out = sn_new(e->arena, OP_FALSE, 0); return *out ? 0 : -1; }
  SNode *node = sn_new(e->arena, m.all ? OP_AND : OP_OR, (uint32_t)n);
  if (!node) return err(msg, sz, "%s", "out of memory");
  for (size_t i = 0; i < n; i++) {
    const YNode *v = val->type == Y_SEQ ? val->items[i] : val;
    msg[0] = 0;
    SNode *k = value_node(e, fid, &m, v, msg, sz);
    if (!k && msg[0]) return -1;
    if (!k && v->type == Y_SCALAR) k = string_node(e, fid, &m, v->s, msg, sz);
    if (!k) return msg[0] ? -1 : err(msg, sz, "bad value for '%s'", key);
    node->kids[i] = k;
  }
  if (n == 1) node = node->kids[0];
  if (m.neq) {
    SNode *no = sn_new(e->arena, OP_NOT, 1);
    if (!no) return -1;
    no->kids[0] = node;
    node = no;
  }
  *out = node;
  return 0;
}
