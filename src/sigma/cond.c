/* cond.c — the Sigma condition language: and, or, not, parentheses,
 * `1 of`/`any of`/`all of` over `them` or identifier patterns with `*`.
 * Precedence from loosest: or < and < not < x of < ( ). */
#include <stdio.h>
#include <string.h>

#include "sigma/internal.h"

#define MAX_DEPTH 100

typedef struct P {
  Arena *a;
  const char *s;
  size_t i;
  char **names;
  SNode **trees;
  size_t n;
  char *msg;
  size_t sz;
  int depth;
  char tok[256];
  int tl;       /* token length; -1 at end */
} P;

static void lex(P *p) {
  while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r') p->i++;
  char c = p->s[p->i];
  if (!c) { p->tl = -1; p->tok[0] = 0; return; }
  if (c == '(' || c == ')' || c == '|') {
    p->tok[0] = c; p->tok[1] = 0; p->tl = 1; p->i++;
    return;
  }
  size_t k = 0;
  while ((c = p->s[p->i]) && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '(' && c != ')' && c != '|') {
    if (k + 1 < sizeof p->tok) p->tok[k++] = c;
    p->i++;
  }
  p->tok[k] = 0;
  p->tl = (int)k;
}

static SNode *fail(P *p, const char *fmt, const char *arg) {
  snprintf(p->msg, p->sz, fmt, arg);
  return NULL;
}

static int is(P *p, const char *w) { return p->tl > 0 && !strcmp(p->tok, w); }

/* Glob over identifier names: only * is special. */
static int name_match(const char *pat, const char *s) {
  const char *star = NULL, *back = NULL;
  while (*s) {
    if (*pat == '*') { star = pat++; back = s; }
    else if (*pat == *s) { pat++; s++; }
    else if (star) { pat = star + 1; s = ++back; }
    else return 0;
  }
  while (*pat == '*') pat++;
  return !*pat;
}

static SNode *expr(P *p);

static SNode *quant(P *p, int all) {
  lex(p);
  if (!is(p, "of")) return fail(p, "expected 'of' in condition, got '%s'", p->tok);
  lex(p);
  if (p->tl <= 0 || is(p, "(") || is(p, ")")) return fail(p, "%s", "expected identifier after 'of'");
  int them = is(p, "them");
  SNode *o = sn_new(p->a, all ? OP_AND : OP_OR, (uint32_t)p->n);
  if (!o) return NULL;
  o->n = 0;
  for (size_t i = 0; i < p->n; i++)
    if (them ? p->names[i][0] != '_' : name_match(p->tok, p->names[i])) o->kids[o->n++] = p->trees[i];
  if (!o->n) return fail(p, "no search identifier matches '%s'", p->tok);
  lex(p);
  return o->n == 1 ? o->kids[0] : o;
}

static SNode *primary(P *p) {
  if (p->tl < 0) return fail(p, "%s", "condition ends unexpectedly");
  if (is(p, "(")) {
    lex(p);
    SNode *e = expr(p);
    if (!e) return NULL;
    if (!is(p, ")")) return fail(p, "%s", "missing ')' in condition");
    lex(p);
    return e;
  }
  if (is(p, "1") || is(p, "any")) return quant(p, 0);
  if (is(p, "all")) return quant(p, 1);
  if (is(p, "|")) return fail(p, "%s", "aggregation (| count/near) is not part of Sigma 2; use a correlation rule");
  if (is(p, ")") || is(p, "and") || is(p, "or") || is(p, "of"))
    return fail(p, "unexpected '%s' in condition", p->tok);
  if (p->tok[0] >= '2' && p->tok[0] <= '9') return fail(p, "unsupported quantifier '%s of'", p->tok);
  for (size_t i = 0; i < p->n; i++)
    if (!strcmp(p->names[i], p->tok)) {
      lex(p);
      return p->trees[i];
    }
  if (strchr(p->tok, '*')) return fail(p, "pattern '%s' needs '1 of' or 'all of'", p->tok);
  return fail(p, "unknown search identifier '%s'", p->tok);
}

static SNode *unary(P *p) {
  if (++p->depth > MAX_DEPTH) return fail(p, "%s", "condition nested too deeply");
  SNode *r;
  if (is(p, "not")) {
    lex(p);
    SNode *k = unary(p);
    if (!k || !(r = sn_new(p->a, OP_NOT, 1))) return NULL;
    r->kids[0] = k;
  } else {
    r = primary(p);
  }
  p->depth--;
  return r;
}

static SNode *binary(P *p, const char *op, int code, SNode *(*sub)(P *)) {
  SNode *l = sub(p);
  if (!l) return NULL;
  while (is(p, op)) {
    lex(p);
    SNode *r = sub(p);
    if (!r) return NULL;
    SNode *b = sn_new(p->a, code, 2);
    if (!b) return NULL;
    b->kids[0] = l;
    b->kids[1] = r;
    l = b;
  }
  return l;
}

static SNode *conjunction(P *p) { return binary(p, "and", OP_AND, unary); }

static SNode *expr(P *p) {
  if (++p->depth > MAX_DEPTH) return fail(p, "%s", "condition nested too deeply");
  SNode *r = binary(p, "or", OP_OR, conjunction);
  p->depth--;
  return r;
}

SNode *sc_parse(Arena *a, const char *cond, char **names, SNode **trees, size_t n,
                char *msg, size_t msgsz) {
  P p = {.a = a, .s = cond, .names = names, .trees = trees, .n = n, .msg = msg, .sz = msgsz};
  lex(&p);
  SNode *r = expr(&p);
  if (r && p.tl >= 0) {
    if (is(&p, "|")) return fail(&p, "%s", "aggregation (| count/near) is not part of Sigma 2; use a correlation rule");
    return fail(&p, "unexpected '%s' in condition", p.tok);
  }
  return r;
}
