/* version.c — tokenising version comparison (digits, letters, pre-release
 * markers, Debian epochs and '~') and the range helpers built on it. */
#include "vuln/version.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct Tok {
  int kind;          /* TK_END, TK_NUM, TK_ALPHA, TK_TILDE */
  const char *p;     /* start of the token text */
  size_t n;          /* length */
  int digit_next;    /* a digit follows the token ("a1" vs "a") */
} Tok;

enum { TK_END, TK_NUM, TK_ALPHA, TK_TILDE };

/* Pre-release words sort before the release they precede, in this order. */
static int prerelease_rank(const Tok *t) {
  static const char *const words[] = {"dev", "snapshot", "alpha", "a", "beta", "b",
                                      "milestone", "m", "pre", "preview", "rc", "cr", NULL};
  static const int rank[] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6};
  if (t->kind == TK_TILDE) return 0;
  if (t->kind != TK_ALPHA) return -1;
  if (t->n == 1 && !t->digit_next) return -1;  /* "1.0.2a" is a letter release */
  for (int i = 0; words[i]; i++)
    if (strlen(words[i]) == t->n && !strncasecmp(words[i], t->p, t->n)) return rank[i];
  return -1;
}

/* Next token from *s; separators (anything not alphanumeric or '~') are
 * skipped, so "1.2-3", "1_2_3" and "1.2.3" tokenise alike. */
static Tok next_tok(const char **s) {
  const char *p = *s;
  Tok t = {TK_END, p, 0, 0};
  while (*p && !isalnum((unsigned char)*p) && *p != '~') p++;
  t.p = p;
  if (!*p) {
    *s = p;
    return t;
  }
  if (*p == '~') {
    t.kind = TK_TILDE;
    t.n = 1;
    *s = p + 1;
    return t;
  }
  int digit = isdigit((unsigned char)*p) != 0;
  while (*p && isalnum((unsigned char)*p) && (isdigit((unsigned char)*p) != 0) == digit) p++;
  t.kind = digit ? TK_NUM : TK_ALPHA;
  t.n = (size_t)(p - t.p);
  t.digit_next = !digit && isdigit((unsigned char)*p);
  *s = p;
  return t;
}

static int cmp_num(const Tok *a, const Tok *b) {
  const char *x = a->p, *y = b->p;
  size_t nx = a->n, ny = b->n;
  while (nx > 1 && *x == '0') { x++; nx--; }
  while (ny > 1 && *y == '0') { y++; ny--; }
  if (nx != ny) return nx < ny ? -1 : 1;
  int c = memcmp(x, y, nx);
  return c < 0 ? -1 : c > 0;
}

static int cmp_alpha(const Tok *a, const Tok *b) {
  size_t n = a->n < b->n ? a->n : b->n;
  int c = strncasecmp(a->p, b->p, n);
  if (c) return c < 0 ? -1 : 1;
  return a->n == b->n ? 0 : a->n < b->n ? -1 : 1;
}

/* Weight of a token when the other side has ended or differs in kind:
 * pre-release < end/zero < post-release letters < numbers. */
static int tail_weight(const Tok *t) {
  if (t->kind == TK_END) return 0;
  if (prerelease_rank(t) >= 0) return -1;
  if (t->kind == TK_NUM) return 2;
  return 1;
}

static int is_zero(const Tok *t) {
  for (size_t i = 0; i < t->n; i++)
    if (t->p[i] != '0') return 0;
  return t->kind == TK_NUM;
}

static int cmp_tok(const Tok *a, const Tok *b) {
  if (a->kind == TK_NUM && b->kind == TK_NUM) return cmp_num(a, b);
  int ra = prerelease_rank(a), rb = prerelease_rank(b);
  if (ra >= 0 && rb >= 0) return ra == rb ? 0 : ra < rb ? -1 : 1;
  if (a->kind == TK_ALPHA && b->kind == TK_ALPHA && (ra < 0) == (rb < 0)) return cmp_alpha(a, b);
  if (a->kind == b->kind) return 0;
  /* a trailing zero equals the end: "1.0" == "1.0.0" */
  if (a->kind == TK_END && is_zero(b)) return 0;
  if (b->kind == TK_END && is_zero(a)) return 0;
  int wa = tail_weight(a), wb = tail_weight(b);
  return wa < wb ? -1 : wa > wb;
}

/* Debian-style epoch "N:" (digits then a colon); absent = 0. */
static long epoch_of(const char **s) {
  const char *p = *s;
  while (isdigit((unsigned char)*p)) p++;
  if (p > *s && *p == ':' && p - *s < 9) {
    long e = strtol(*s, NULL, 10);
    *s = p + 1;
    return e;
  }
  return 0;
}

static const char *skip_v(const char *s) {
  while (*s == ' ') s++;
  if ((*s == 'v' || *s == 'V') && isdigit((unsigned char)s[1])) s++;
  return s;
}

int vuln_version_cmp(const char *a, const char *b) {
  a = skip_v(a);
  b = skip_v(b);
  long ea = epoch_of(&a), eb = epoch_of(&b);
  if (ea != eb) return ea < eb ? -1 : 1;
  a = skip_v(a);
  b = skip_v(b);
  for (;;) {
    Tok ta = next_tok(&a), tb = next_tok(&b);
    if (ta.kind == TK_END && tb.kind == TK_END) return 0;
    int c = cmp_tok(&ta, &tb);
    if (c) return c;
  }
}

int vuln_version_in_range(const char *v, const char *si, const char *se, const char *ei, const char *ee) {
  if (!v || !*v) return !si && !se && !ei && !ee;
  if (si && vuln_version_cmp(v, si) < 0) return 0;
  if (se && vuln_version_cmp(v, se) <= 0) return 0;
  if (ei && vuln_version_cmp(v, ei) > 0) return 0;
  if (ee && vuln_version_cmp(v, ee) >= 0) return 0;
  return 1;
}

int vuln_version_numeric(const char *v, uint32_t out[VULN_VER_NUM]) {
  int n = 0;
  memset(out, 0, VULN_VER_NUM * sizeof *out);
  if (!v) return 0;
  while (*v) {
    if (*v == '.') {
      v++;
      continue;
    }
    uint32_t x = 0;
    int digits = 0;
    while (*v >= '0' && *v <= '9' && digits < 10) x = x * 10 + (uint32_t)(*v++ - '0'), digits++;
    if (!digits || digits > 9 || n == VULN_VER_NUM || (*v && *v != '.')) return 0;
    out[n++] = x;
  }
  return n > 0;
}

int vuln_version_numeric_cmp(const uint32_t a[VULN_VER_NUM], const uint32_t b[VULN_VER_NUM]) {
  for (int i = 0; i < VULN_VER_NUM; i++)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/* ---- ranges ---- */

enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

typedef struct Cons {
  int op;
  char v[96];
} Cons;

static int op_parse(const char **s) {
  const char *p = *s;
  int op = -1;
  if (p[0] == '<') op = p[1] == '=' ? OP_LE : OP_LT;
  else if (p[0] == '>') op = p[1] == '=' ? OP_GE : OP_GT;
  else if (p[0] == '!' && p[1] == '=') op = OP_NE;
  else if (p[0] == '=') op = OP_EQ;
  if (op < 0) return -1;
  *s = p + ((op == OP_LT || op == OP_GT || op == OP_EQ) ? 1 : 2);
  if (op == OP_EQ && **s == '=') (*s)++;
  return op;
}

static int cons_holds(const Cons *c, const char *v) {
  int r = vuln_version_cmp(v, c->v);
  switch (c->op) {
    case OP_EQ: return r == 0;
    case OP_NE: return r != 0;
    case OP_LT: return r < 0;
    case OP_LE: return r <= 0;
    case OP_GT: return r > 0;
    default: return r >= 0;
  }
}

/* Copy a version token: stops at blanks, '|' and characters that are never
 * part of a version in free text. */
static const char *copy_version(const char *p, char *out, size_t cap) {
  static const char *const tails[] = {"update ", "sp", "hf", "build ", "patch ", "service pack ", NULL};
  size_t n = 0;
  while (*p == ' ') p++;
  for (;;) {
    while (*p && (isalnum((unsigned char)*p) || strchr(".-+~:", *p)) && n + 1 < cap) out[n++] = *p++;
    /* "V15.1 Update 5", "V2010 SP3", "3.4.4 Build 16102416" are one version */
    const char *q = p;
    while (*q == ' ') q++;
    size_t more = 0;
    for (int k = 0; tails[k] && !more; k++) {
      size_t l = strlen(tails[k]);
      if (!strncasecmp(q, tails[k], l) && isdigit((unsigned char)q[l + (q[l] == ' ')])) more = l + (q[l] == ' ');
    }
    if (!more || n + more + 2 >= cap) break;
    out[n++] = ' ';
    memcpy(out + n, q, more);  /* the keyword and its blank; digits follow */
    n += more;
    p = q + more;
  }
  out[n] = '\0';
  return p;
}

/* vers: constraints as intervals in their canonical (sorted) order. */
static int vers_eval(const Cons *c, int n, const char *v) {
  int ranges = 0;
  for (int i = 0; i < n; i++) {
    if (c[i].op == OP_EQ && cons_holds(&c[i], v)) return 1;
    if (c[i].op == OP_NE && !cons_holds(&c[i], v)) return 0;
    if (c[i].op != OP_NE) ranges++;
  }
  for (int i = 0; i < n; i++) {
    if (c[i].op == OP_EQ || c[i].op == OP_NE) continue;
    if ((c[i].op == OP_GT || c[i].op == OP_GE) && i + 1 < n && (c[i + 1].op == OP_LT || c[i + 1].op == OP_LE)) {
      if (cons_holds(&c[i], v) && cons_holds(&c[i + 1], v)) return 1;
      i++;
    } else if (cons_holds(&c[i], v)) {
      return 1;
    }
  }
  return ranges == 0;
}

static int parse_vers(const char *r, const char *v) {
  const char *p = strchr(r, '/');
  Cons c[32];
  int n = 0;
  if (!p) return -1;
  p++;
  while (*p == ' ') p++;
  if (!strcmp(p, "*")) return 1;
  while (*p && n < 32) {
    while (*p == ' ' || *p == '|') p++;
    if (!*p) break;
    int op = op_parse(&p);
    c[n].op = op < 0 ? OP_EQ : op;
    p = copy_version(p, c[n].v, sizeof c[n].v);
    if (!c[n].v[0]) return -1;
    n++;
    while (*p && *p != '|') p++;
  }
  return n ? vers_eval(c, n, v) : -1;
}

/* Words for operators: "prior to 4.2", "4.1 and earlier", "4.2 and later". */
static int parse_words(const char *r, const char *v) {
  static const struct { const char *w; int op, after; } words[] = {
      {"prior to ", OP_LT, 1}, {"before ", OP_LT, 1}, {"up to ", OP_LE, 1},
      {" and earlier", OP_LE, 0}, {" or earlier", OP_LE, 0}, {" and prior", OP_LE, 0}, {" and below", OP_LE, 0},
      {" and later", OP_GE, 0}, {" or later", OP_GE, 0}, {" and above", OP_GE, 0}, {" and newer", OP_GE, 0}};
  for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
    const char *hit = strcasestr(r, words[k].w);
    if (!hit) continue;
    Cons c = {words[k].op, ""};
    if (words[k].after) {
      copy_version(hit + strlen(words[k].w), c.v, sizeof c.v);
    } else {  /* the version is the word before the phrase */
      const char *st = hit;
      while (st > r && st[-1] != ' ') st--;
      copy_version(st, c.v, sizeof c.v);
    }
    if (!c.v[0] || !isdigit((unsigned char)*skip_v(c.v))) return -1;
    return cons_holds(&c, v);
  }
  return -2;  /* no such words */
}

/* Free text: every "<op> version" found must hold ("> 2.0 < 3.0" is an AND). */
static int parse_free(const char *r, const char *v) {
  int found = 0;
  for (const char *p = r; *p; p++) {
    if (!strchr("<>=", *p) && !(*p == '!' && p[1] == '=')) continue;
    Cons c;
    const char *q = p;
    c.op = op_parse(&q);
    q = copy_version(q, c.v, sizeof c.v);
    if (c.op < 0 || !c.v[0] || !isdigit((unsigned char)*skip_v(c.v))) return -1;
    if (!cons_holds(&c, v)) return 0;
    found = 1;
    p = q - 1;
  }
  if (found) return 1;
  int w = parse_words(r, v);
  if (w != -2) return w;
  /* "All versions" (of whatever the branch names) and nothing else */
  char low[64];
  size_t n = 0;
  for (const char *p = r; *p && n + 1 < sizeof low; p++) low[n++] = (char)tolower((unsigned char)*p);
  while (n && low[n - 1] == ' ') n--;
  low[n] = '\0';
  return !strcmp(low, "all versions") || !strcmp(low, "all") ? 1 : -1;
}

int vuln_range_eval(const char *range, const char *v) {
  if (!range || !v || !*v) return -1;
  while (*range == ' ') range++;
  if (!strncasecmp(range, "vers:", 5)) return parse_vers(range + 5, v);
  return parse_free(range, v);
}
