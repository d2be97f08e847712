/* session.c — turns base-rule matches into alerts and runs correlation rules
 * (event_count, value_count, temporal, temporal_ordered, value_sum,
 * value_avg, value_percentile) with group-by, aliases, sliding time windows
 * and chains. Call in event order from one thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sigma/internal.h"

#define GROUP_ITEMS_MAX 10000
#define GROUPS_MAX 100000
#define KEY_MAX 1024

typedef struct Item {
  int64_t t;
  uint32_t rule;
  double num;
  int has_num;
  char *val;                /* value_count: the value */
  SigmaEventRef ref;        /* source is owned (strdup) */
} Item;

typedef struct Group {
  char *key;
  Item *items;
  size_t n, cap;
} Group;

typedef struct CorrState {
  Group *groups;
  size_t n, cap;
  uint32_t *index;          /* open addressing over groups: position + 1, 0 empty */
  size_t icap;
} CorrState;

struct SigmaSession {
  SigmaEngine *e;
  SigmaAlertFn fn;
  void *ctx;
  SigmaMatcher *m;
  CorrState *cs;            /* per rule index (only correlations used) */
  uint32_t buf[4096];
};

SigmaSession *sigma_session_new(SigmaEngine *e, SigmaAlertFn fn, void *ctx) {
  SigmaSession *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->e = e; s->fn = fn; s->ctx = ctx;
  s->cs = calloc(e->nrules + 1, sizeof *s->cs);
  if (!s->cs) { free(s); return NULL; }
  return s;
}

static void item_free(Item *it) { free(it->val); free((char *)it->ref.source); }

void sigma_session_free(SigmaSession *s) {
  if (!s) return;
  for (size_t r = 0; r < s->e->nrules; r++) {
    CorrState *c = &s->cs[r];
    for (size_t g = 0; g < c->n; g++) {
      for (size_t i = 0; i < c->groups[g].n; i++) item_free(&c->groups[g].items[i]);
      free(c->groups[g].items);
      free(c->groups[g].key);
    }
    free(c->groups);
    free(c->index);
  }
  free(s->cs);
  sigma_matcher_free(s->m);
  free(s);
}

/* Value of a named field (Sigma name, case-insensitive) in the raw event. */
static const SigmaField *field_by_name(const SigmaEvent *ev, const char *name) {
  char buf[256];
  for (uint32_t i = 0; i < ev->n; i++) {
    const SigmaField *f = &ev->f[i];
    if (f->name_len == strlen(name) && !strncasecmp(sev_name(ev, f), name, f->name_len)) return f;
    if (sf_short(sev_name(ev, f), f->name_len, buf, sizeof buf) && !strcasecmp(buf, name)) return f;
  }
  return NULL;
}

/* The field a group-by name means for rule r (aliases), */
static const char *group_field(const SigmaEngine *e, const SCorr *c, const char *g, uint32_t r) {
  const SRule *rule = &e->rules[r];
  for (size_t i = 0; i < c->naliases; i++) {
    const SAlias *a = &c->aliases[i];
    if (strcmp(a->alias, g)) continue;
    for (size_t k = 0; k < a->n; k++)
      if ((rule->info.id[0] && !strcmp(a->rule_ref[k], rule->info.id)) ||
          (rule->info.name[0] && !strcmp(a->rule_ref[k], rule->info.name)))
        return a->field[k];
  }
  return g;
}

static void group_key(const SigmaEngine *e, const SCorr *c, uint32_t r, const SigmaEvent *ev, char *key) {
  size_t n = 0;
  key[0] = 0;
  for (size_t i = 0; i < c->ngroup; i++) {
    const SigmaField *f = field_by_name(ev, group_field(e, c, c->group[i], r));
    int w = snprintf(key + n, KEY_MAX - n, "%s%s=%.*s", i ? ", " : "", c->group[i],
                     f ? (int)f->val_len : 0, f ? sev_val(ev, f) : "");
    if (w < 0 || (size_t)w >= KEY_MAX - n) break;
    n += (size_t)w;
  }
}

static void evict(struct Group *g, int64_t now, int64_t span);

static uint64_t key_hash(const char *k) {
  uint64_t h = 1469598103934665603ull;
  for (; *k; k++) h = (h ^ (uint8_t)*k) * 1099511628211ull;
  return h;
}

static int reindex(CorrState *cs, size_t icap) {
  uint32_t *ix = calloc(icap, sizeof *ix);
  if (!ix) return -1;
  for (size_t i = 0; i < cs->n; i++) {
    size_t k = key_hash(cs->groups[i].key) & (icap - 1);
    while (ix[k]) k = (k + 1) & (icap - 1);
    ix[k] = (uint32_t)i + 1;
  }
  free(cs->index);
  cs->index = ix;
  cs->icap = icap;
  return 0;
}

/* Drops groups with nothing left inside the window (state is bounded by
 * GROUPS_MAX live groups, not by how many keys were ever seen). */
static void sweep(CorrState *cs, int64_t now, int64_t span) {
  size_t k = 0;
  for (size_t i = 0; i < cs->n; i++) {
    Group *g = &cs->groups[i];
    evict(g, now, span);
    if (g->n == 0) { free(g->items); free(g->key); continue; }
    cs->groups[k++] = *g;
  }
  cs->n = k;
  reindex(cs, cs->icap);
}

static Group *group_get(CorrState *cs, const char *key, int64_t now, int64_t span) {
  if (cs->icap) {
    for (size_t k = key_hash(key) & (cs->icap - 1); cs->index[k]; k = (k + 1) & (cs->icap - 1))
      if (!strcmp(cs->groups[cs->index[k] - 1].key, key)) return &cs->groups[cs->index[k] - 1];
  }
  if (cs->n >= GROUPS_MAX) sweep(cs, now, span);
  if (cs->n >= GROUPS_MAX) return NULL;
  if (cs->n == cs->cap) {
    size_t cap = cs->cap ? cs->cap * 2 : 16;
    Group *ng = realloc(cs->groups, cap * sizeof *ng);
    if (!ng) return NULL;
    cs->groups = ng;
    cs->cap = cap;
  }
  Group *g = &cs->groups[cs->n];
  memset(g, 0, sizeof *g);
  if (!(g->key = strdup(key))) return NULL;
  cs->n++;
  if ((cs->n * 2 > cs->icap && reindex(cs, cs->icap ? cs->icap * 2 : 64)) || !cs->icap) {
    cs->n--;
    free(g->key);
    return NULL;
  }
  size_t k = key_hash(key) & (cs->icap - 1);
  while (cs->index[k] && cs->index[k] != cs->n) k = (k + 1) & (cs->icap - 1);
  cs->index[k] = (uint32_t)cs->n;
  return g;
}

static void evict(Group *g, int64_t now, int64_t span) {
  size_t k = 0;
  for (size_t i = 0; i < g->n; i++) {
    if (g->items[i].t < now - span) item_free(&g->items[i]);
    else g->items[k++] = g->items[i];
  }
  g->n = k;
}

static int cmp_ok(const SCorr *c, double x) {
  if (c->has[0] && !(x > c->lim[0])) return 0;
  if (c->has[1] && !(x >= c->lim[1])) return 0;
  if (c->has[2] && !(x < c->lim[2])) return 0;
  if (c->has[3] && !(x <= c->lim[3])) return 0;
  if (c->has[4] && !(x == c->lim[4])) return 0;
  if (c->has[5] && !(x != c->lim[5])) return 0;
  return 1;
}

static int dcmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double distinct_values(const Group *g) {
  size_t d = 0;
  for (size_t i = 0; i < g->n; i++) {
    if (!g->items[i].val) continue;
    size_t k = 0;
    while (k < i && !(g->items[k].val && !strcmp(g->items[k].val, g->items[i].val))) k++;
    d += k == i;
  }
  return (double)d;
}

/* temporal_ordered: rules seen in the listed order inside the window. */
static int ordered(const SCorr *c, const Group *g) {
  int64_t after = INT64_MIN;
  for (size_t r = 0; r < c->nrefs; r++) {
    int64_t best = INT64_MAX;
    for (size_t i = 0; i < g->n; i++)
      if (g->items[i].rule == c->ref_rules[r] && g->items[i].t >= after && g->items[i].t < best)
        best = g->items[i].t;
    if (best == INT64_MAX) return 0;
    after = best;
  }
  return 1;
}

static double aggregate(const SCorr *c, const Group *g) {
  double sum = 0, *v = malloc((g->n + 1) * sizeof *v);
  size_t n = 0;
  for (size_t i = 0; i < g->n; i++)
    if (g->items[i].has_num && v) { v[n++] = g->items[i].num; sum += g->items[i].num; }
  double res = NAN;
  if (c->type == CT_VALUE_SUM) res = sum;
  else if (n && c->type == CT_VALUE_AVG) res = sum / (double)n;
  else if (n && v) {   /* nearest-rank percentile */
    qsort(v, n, sizeof *v, dcmp);
    size_t rank = (size_t)ceil(c->percentile / 100.0 * (double)n);
    res = v[rank ? rank - 1 : 0];
  }
  free(v);
  return res;
}

static int fires(const SCorr *c, const Group *g) {
  switch (c->type) {
  case CT_EVENT_COUNT: return cmp_ok(c, (double)g->n);
  case CT_VALUE_COUNT: return cmp_ok(c, distinct_values(g));
  case CT_TEMPORAL:
  case CT_TEMPORAL_ORDERED: {
    size_t have = 0;
    for (size_t r = 0; r < c->nrefs; r++) {
      size_t i = 0;
      while (i < g->n && g->items[i].rule != c->ref_rules[r]) i++;
      have += i < g->n;
    }
    int any = c->has[0] || c->has[1] || c->has[2] || c->has[3] || c->has[4] || c->has[5];
    if (any ? !cmp_ok(c, (double)have) : have < c->nrefs) return 0;
    return c->type == CT_TEMPORAL || ordered(c, g);
  }
  default: {
    double x = aggregate(c, g);
    return !isnan(x) && cmp_ok(c, x);
  }
  }
}

static void feed(SigmaSession *s, uint32_t ci, uint32_t from, const SigmaEvent *ev, int64_t t, int depth);

static void fire(SigmaSession *s, uint32_t ci, Group *g, const SigmaEvent *ev, int64_t t, int depth) {
  SRule *c = &s->e->rules[ci];
  SigmaEventRef *refs = malloc((g->n + 1) * sizeof *refs);
  if (!refs) return;
  for (size_t i = 0; i < g->n; i++) refs[i] = g->items[i].ref;
  if (c->generate) {
    SigmaAlert a = {.rule = &c->info, .refs = refs, .nrefs = g->n, .group = g->key, .time_ms = t};
    s->fn(s->ctx, &a);
  }
  free(refs);
  for (size_t i = 0; i < g->n; i++) item_free(&g->items[i]);
  g->n = 0;
  for (size_t k = 0; k < c->nref_by && depth < 8; k++) feed(s, c->ref_by[k], ci, ev, t, depth + 1);
}

static void feed(SigmaSession *s, uint32_t ci, uint32_t from, const SigmaEvent *ev, int64_t t, int depth) {
  const SCorr *c = s->e->rules[ci].corr;
  if (!c) return;
  char key[KEY_MAX];
  group_key(s->e, c, from, ev, key);
  Group *g = group_get(&s->cs[ci], key, t, c->span_ms);
  if (!g) return;
  evict(g, t, c->span_ms);
  if (g->n >= GROUP_ITEMS_MAX) { item_free(&g->items[0]); memmove(g->items, g->items + 1, --g->n * sizeof *g->items); }
  if (g->n == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 8;
    Item *ni = realloc(g->items, cap * sizeof *ni);
    if (!ni) return;
    g->items = ni;
    g->cap = cap;
  }
  Item *it = &g->items[g->n];
  memset(it, 0, sizeof *it);
  it->t = t;
  it->rule = from;
  it->ref.source = strdup(ev->source ? ev->source : "");
  it->ref.record = ev->record;
  it->ref.time_ms = t;
  if (c->field) {
    const SigmaField *f = field_by_name(ev, group_field(s->e, c, c->field, from));
    if (f && f->kind != SEV_NULL) {
      it->val = strndup(sev_val(ev, f), f->val_len);
      char *end;
      it->num = strtod(it->val ? it->val : "", &end);
      it->has_num = it->val && end != it->val && *end == 0;
    }
  }
  g->n++;
  if (fires(c, g)) fire(s, ci, g, ev, t, depth);
}

void sigma_session_post(SigmaSession *s, const SigmaEvent *ev, const uint32_t *rules, size_t n) {
  int64_t t = ev->time_ms == INT64_MIN ? 0 : ev->time_ms;
  for (size_t i = 0; i < n; i++) {
    SRule *r = &s->e->rules[rules[i]];
    if (r->generate) {
      SigmaAlert a = {.rule = &r->info, .event = ev, .time_ms = ev->time_ms};
      s->fn(s->ctx, &a);
    }
    for (size_t k = 0; k < r->nref_by; k++) feed(s, r->ref_by[k], rules[i], ev, t, 0);
  }
}

void sigma_feed(SigmaSession *s, const SigmaEvent *ev) {
  if (!s->m && !(s->m = sigma_matcher_new(s->e))) return;
  size_t n = sigma_match(s->m, ev, s->buf, sizeof s->buf / sizeof s->buf[0]);
  sigma_session_post(s, ev, s->buf, n);
}
