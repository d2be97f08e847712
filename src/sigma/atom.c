/* atom.c — the engine's table of atoms (single value tests), deduplicated so
 * identical tests from different rules are matched once, plus regex setup. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/internal.h"

static uint64_t atom_hash(const SAtom *a) {
  uint64_t h = 1469598103934665603ull;
#define MIX(p, n) for (size_t _i = 0; _i < (n); _i++) h = (h ^ ((const uint8_t *)(p))[_i]) * 1099511628211ull
  MIX(&a->field, sizeof a->field);
  uint8_t small[6] = {a->kind, a->cased, a->cmp, a->tpart, a->want, a->frmode};
  MIX(small, sizeof small);
  MIX(&a->fref, sizeof a->fref);
  MIX(&a->num, sizeof a->num);
  if (a->plen) { MIX(a->pat, a->plen); MIX(a->tok, a->plen); }
  if (a->re) MIX(a->re, strlen(a->re));
  MIX(&a->reflags, sizeof a->reflags);
  MIX(a->net, sizeof a->net);
  MIX(&a->netbits, sizeof a->netbits);
#undef MIX
  return h;
}

static int atom_eq(const SAtom *a, const SAtom *b) {
  if (a->field != b->field || a->kind != b->kind || a->cased != b->cased || a->cmp != b->cmp ||
      a->tpart != b->tpart || a->want != b->want || a->frmode != b->frmode || a->fref != b->fref ||
      a->num != b->num || a->plen != b->plen || a->reflags != b->reflags ||
      a->netbits != b->netbits || a->v6 != b->v6 || memcmp(a->net, b->net, 16))
    return 0;
  if (a->plen && (memcmp(a->pat, b->pat, a->plen) || memcmp(a->tok, b->tok, a->plen))) return 0;
  if ((a->re == NULL) != (b->re == NULL)) return 0;
  return !a->re || !strcmp(a->re, b->re);
}

static int rehash(SigmaEngine *e) {
  size_t ncap = e->atom_hcap ? e->atom_hcap * 2 : 4096;
  uint32_t *h = calloc(ncap, sizeof *h);
  if (!h) return -1;
  for (size_t k = 0; k < e->natoms; k++) {
    size_t i = atom_hash(&e->atoms[k]) & (ncap - 1);
    while (h[i]) i = (i + 1) & (ncap - 1);
    h[i] = (uint32_t)k + 1;
  }
  free(e->atom_hash);
  e->atom_hash = h;
  e->atom_hcap = ncap;
  return 0;
}

uint32_t sa_add(SigmaEngine *e, const SAtom *a) {
  if ((e->natoms + 1) * 2 > e->atom_hcap && rehash(e)) return UINT32_MAX;
  size_t mask = e->atom_hcap - 1, i = atom_hash(a) & mask;
  for (; e->atom_hash[i]; i = (i + 1) & mask)
    if (atom_eq(&e->atoms[e->atom_hash[i] - 1], a)) {
      SAtom *old = &e->atoms[e->atom_hash[i] - 1];
      if (a->code) pcre2_code_free(a->code);
      (void)old;
      return e->atom_hash[i] - 1;
    }
  if (e->natoms == e->capatoms) {
    size_t cap = e->capatoms ? e->capatoms * 2 : 4096;
    SAtom *na = realloc(e->atoms, cap * sizeof *na);
    if (!na) return UINT32_MAX;
    e->atoms = na;
    e->capatoms = cap;
  }
  e->atoms[e->natoms] = *a;
  e->atom_hash[i] = (uint32_t)e->natoms + 1;
  return (uint32_t)e->natoms++;
}

/* Compiles a->re (without JIT) to check it and for the reference evaluator. */
int sa_prepare_regex(SAtom *a, char *msg, size_t msgsz) {
  int ec;
  PCRE2_SIZE off;
  pcre2_code *c = pcre2_compile((PCRE2_SPTR)a->re, PCRE2_ZERO_TERMINATED,
                                a->reflags, &ec, &off, NULL);
  if (!c) {
    char buf[160];
    pcre2_get_error_message(ec, (PCRE2_UCHAR *)buf, sizeof buf);
    snprintf(msg, msgsz, "invalid regular expression at offset %zu: %s", (size_t)off, buf);
    return -1;
  }
  a->code = c;
  return 0;
}

SNode *sn_new(Arena *a, int op, uint32_t n) {
  SNode *s = arena_alloc(a, sizeof *s);
  if (!s) return NULL;
  s->op = (uint8_t)op;
  s->n = n;
  if ((op == OP_AND || op == OP_OR || op == OP_NOT) && n) {
    s->kids = arena_alloc(a, n * sizeof *s->kids);
    if (!s->kids) return NULL;
  }
  return s;
}

int sn_eval(const SNode *n, SAtomFn fn, void *ctx) {
  switch (n->op) {
  case OP_FALSE: return 0;
  case OP_TRUE: return 1;
  case OP_ATOM: return fn(ctx, n->n);
  case OP_NOT: return !sn_eval(n->kids[0], fn, ctx);
  case OP_AND:
    for (uint32_t i = 0; i < n->n; i++)
      if (!sn_eval(n->kids[i], fn, ctx)) return 0;
    return 1;
  case OP_OR:
    for (uint32_t i = 0; i < n->n; i++)
      if (sn_eval(n->kids[i], fn, ctx)) return 1;
    return 0;
  }
  return 0;
}
