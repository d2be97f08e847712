/* reference.c — the slow, obviously-correct evaluator used by the
 * differential test and the benchmark: for every rule, check its logsource,
 * then walk its condition tree and evaluate each atom by scanning the event's
 * fields directly. No Hyperscan, no prefilter, no caches. */
#include <string.h>

#include "sigma/internal.h"

typedef struct Ref {
  SigmaEngine *e;
  const SigmaEvent *ev;
  int is4688;
  SEvView view;
} Ref;

static int field_is(const Ref *r, const SigmaField *f, uint32_t fid) {
  uint32_t ids[2];
  int n = sf_resolve(&r->e->fields, sev_name(r->ev, f), f->name_len, ids);
  for (int i = 0; i < n; i++)
    if (ids[i] == fid) return 1;
  if (r->is4688) {
    char buf[256];
    if (!sf_short(sev_name(r->ev, f), f->name_len, buf, sizeof buf)) return 0;
    const char *alias = sl_alias_4688(buf);
    return alias && sf_find(&r->e->fields, alias, strlen(alias)) == fid;
  }
  return 0;
}

static size_t values(const SEvView *v, uint32_t fid, const SigmaField **out, size_t cap) {
  const Ref *r = v->priv;
  size_t n = 0;
  for (uint32_t i = 0; i < r->ev->n && n < cap; i++)
    if (field_is(r, &r->ev->f[i], fid)) out[n++] = &r->ev->f[i];
  return n;
}

static int atom(void *ctx, uint32_t a) {
  Ref *r = ctx;
  return sm_atom(&r->e->atoms[a], &r->view, NULL);
}

static const SigmaField *first(Ref *r, uint32_t fid) {
  const SigmaField *f = NULL;
  return values(&r->view, fid, &f, 1) ? f : NULL;
}

size_t sref_match(SigmaEngine *e, const SigmaEvent *ev, uint32_t *out, size_t cap) {
  Ref r = {.e = e, .ev = ev};
  r.view = (SEvView){.ev = ev, .ft = &e->fields, .values = values, .priv = &r};
  const SigmaField *ch = first(&r, e->f_channel), *id = first(&r, e->f_eventid);
  SLogsrc ls;
  sl_classify(ev, ch ? sev_val(ev, ch) : NULL, ch ? ch->val_len : 0,
              id ? sev_val(ev, id) : NULL, id ? id->val_len : 0, &ls);
  r.is4688 = ls.windows && ls.has_eventid && ls.eventid == 4688 && !strcmp(ls.channel, "Security");
  size_t n = 0;
  for (size_t i = 0; i < e->nrules && n < cap; i++) {
    const SRule *rule = &e->rules[i];
    if (rule->is_filter || rule->corr || !rule->cond) continue;
    if (!sl_rule_applies(rule, &ls)) continue;
    if (sn_eval(rule->cond, atom, &r)) out[n++] = (uint32_t)i;
  }
  return n;
}
