/* compile.c — after loading: applies meta filters to the rules they target
 * (rule AND filter condition, pySigma semantics), resolves correlation
 * references by id or name, decides which rules emit their own alerts, and
 * builds the chosen evaluator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sigma/internal.h"

struct SigmaMatcher {
  SigmaEngine *e;
  SigmaMatcher *fast;
};

static int ref_is(const SRule *r, const char *ref) {
  return (r->info.id[0] && !strcmp(r->info.id, ref)) || (r->info.name[0] && !strcmp(r->info.name, ref));
}

static int same(const char *a, const char *b) { return !a || (b && !strcasecmp(a, b)); }

/* A filter applies when its logsource fields constrain the rule's equally. */
static int filter_targets(const SRule *f, const SRule *r) {
  if (r->is_filter || r->corr || !r->cond) return 0;
  if (!same(f->product, r->product) || !same(f->category, r->category) || !same(f->service, r->service))
    return 0;
  if (f->ftarget_any) return 1;
  for (size_t i = 0; i < f->nftargets; i++)
    if (ref_is(r, f->ftargets[i])) return 1;
  return 0;
}

static int apply_filters(SigmaEngine *e) {
  for (size_t i = 0; i < e->nrules; i++) {
    const SRule *f = &e->rules[i];
    if (!f->is_filter) continue;
    for (size_t k = 0; k < e->nrules; k++) {
      SRule *r = &e->rules[k];
      if (!filter_targets(f, r)) continue;
      SNode *and = sn_new(e->arena, OP_AND, 2);
      if (!and) return -1;
      and->kids[0] = r->cond;
      and->kids[1] = f->cond;
      r->cond = and;
    }
  }
  return 0;
}

static int resolve_corr(SigmaEngine *e, size_t ci, SigmaDiagFn diag, void *ctx) {
  SRule *c = &e->rules[ci];
  SCorr *k = c->corr;
  k->ref_rules = arena_alloc(e->arena, (k->nrefs + 1) * sizeof *k->ref_rules);
  if (!k->ref_rules) return -1;
  for (size_t i = 0; i < k->nrefs; i++) {
    size_t found = SIZE_MAX;
    for (size_t r = 0; r < e->nrules && found == SIZE_MAX; r++)
      if (r != ci && !e->rules[r].is_filter && ref_is(&e->rules[r], k->refs[i])) found = r;
    if (found == SIZE_MAX) {
      char msg[300];
      snprintf(msg, sizeof msg, "correlation references unknown rule '%s'", k->refs[i]);
      if (diag) diag(ctx, c->info.file, c->line, c->info.title, msg);
      return 1;
    }
    k->ref_rules[i] = (uint32_t)found;
  }
  return 0;
}

static int link_refs(SigmaEngine *e) {
  for (size_t ci = 0; ci < e->nrules; ci++) {
    SRule *c = &e->rules[ci];
    if (!c->corr) continue;
    for (size_t i = 0; i < c->corr->nrefs; i++) {
      SRule *r = &e->rules[c->corr->ref_rules[i]];
      uint32_t *nb = arena_alloc(e->arena, (r->nref_by + 1) * sizeof *nb);
      if (!nb) return -1;
      if (r->nref_by) memcpy(nb, r->ref_by, r->nref_by * sizeof *nb);
      nb[r->nref_by++] = (uint32_t)ci;
      r->ref_by = nb;
      r->referenced = 1;
      if (c->generate != 2) r->generate = 0;   /* generate: false hides referenced rules */
    }
  }
  return 0;
}

/* A filter naming a rule id or name that is not loaded filters nothing: a
 * warning through diag (the filter stays, other rules are untouched). */
static void warn_filter_targets(const SigmaEngine *e, SigmaDiagFn diag, void *ctx) {
  for (size_t i = 0; diag && i < e->nrules; i++) {
    const SRule *f = &e->rules[i];
    if (!f->is_filter || f->ftarget_any || f->corr) continue;
    for (size_t t = 0; t < f->nftargets; t++) {
      size_t k = 0;
      while (k < e->nrules && (e->rules[k].is_filter || !ref_is(&e->rules[k], f->ftargets[t]))) k++;
      if (k < e->nrules) continue;
      char msg[300];
      snprintf(msg, sizeof msg, "warning: filter names rule '%s', which is not loaded", f->ftargets[t]);
      diag(ctx, f->info.file, f->line, f->info.title, msg);
    }
  }
}

int sigma_compile(SigmaEngine *e, int evaluator, SigmaDiagFn diag, void *ctx, Err *err) {
  if (e->compiled) return err_set(err, VERR_INVALID, "already compiled");
  warn_filter_targets(e, diag, ctx);
  if (apply_filters(e)) return err_set(err, VERR_NOMEM, "out of memory");
  for (size_t i = 0; i < e->nrules; i++) {
    if (!e->rules[i].corr) continue;
    int rc = resolve_corr(e, i, diag, ctx);
    if (rc < 0) return err_set(err, VERR_NOMEM, "out of memory");
    if (rc > 0) { e->rules[i].corr = NULL; e->rules[i].is_filter = 1; }   /* disabled */
  }
  if (link_refs(e)) return err_set(err, VERR_NOMEM, "out of memory");
  e->evaluator = evaluator;
  e->compiled = 1;
  if (evaluator == SIGMA_FAST) return sfast_build(e, err);
  return 0;
}

SigmaMatcher *sigma_matcher_new(SigmaEngine *e) {
  SigmaMatcher *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->e = e;
  if (e->evaluator == SIGMA_FAST && !(m->fast = sfast_matcher_new(e))) { free(m); return NULL; }
  return m;
}

void sigma_matcher_free(SigmaMatcher *m) {
  if (!m) return;
  if (m->fast) sfast_matcher_free(m->fast);
  free(m);
}

size_t sigma_match(SigmaMatcher *m, const SigmaEvent *ev, uint32_t *out, size_t cap) {
  if (m->fast) return sfast_match(m->fast, ev, out, cap);
  return sref_match(m->e, ev, out, cap);
}
