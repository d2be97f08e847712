/* session.c — turns base-rule matches into alerts and runs correlation rules
 * (event_count, value_count, temporal, temporal_ordered, value_sum,
 * value_avg, value_percentile) with group-by, aliases, sliding time windows
 * and chains.
 *
 * Events may arrive in any time order (several files, newest-first exports):
 * a match of a rule that a correlation uses is queued, together with the
 * group-by values and field values it gives every correlation it can reach,
 * and the queue runs in time order when the session is flushed. A condition
 * with only a lower bound (gt, gte) fires as soon as it holds in the sliding
 * window; one with an upper bound (lt, lte, eq, neq) can only be decided when
 * its window, which opens at the group's first event, has closed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "sigma/internal.h"

#define GROUP_ITEMS_MAX 10000
#define GROUPS_MAX 100000
#define CHAIN_DEPTH 8
#define KEYS_MAX 64

/* What one queued match gives one correlation it reaches: the group key
 * (NULL when the event lacks a group-by field) and the correlation's value
 * field (NULL when absent). */
typedef struct Key {
  uint32_t ci, from;        /* correlation, and the rule or correlation feeding it */
  char *key, *val;
} Key;

typedef struct Keys {
  Key *k;
  uint32_t n;
} Keys;

typedef struct Pend {
  int64_t t;
  uint64_t seq;
  uint32_t rule;
  SigmaEventRef ref;
  Keys keys;
} Pend;

typedef struct Item {
  int64_t t;
  uint32_t rule;
  double num;
  int has_num;
  char *val;                /* value_count: the value */
  SigmaEventRef *refs;      /* the event, or a chained correlation's events */
  size_t nrefs;
  Keys chain;               /* keys for the correlations this one feeds */
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
  Pend *pend;               /* queued matches of referenced rules */
  size_t npend, cappend;
  uint64_t seq, untimed;
  char **srcs;              /* interned source names, alive with the session */
  size_t nsrcs, capsrcs;
  uint32_t buf[4096];
};

/* Room for one more element in a growing array (*p holds *cap of size
 * bytes, n used): 0, or -1 when memory ran out (the array is unchanged). */
static int room(void *p, size_t *cap, size_t n, size_t size, size_t first) {
  if (n < *cap) return 0;
  size_t nc = *cap ? *cap * 2 : first;
  void *np = realloc(*(void **)p, nc * size);
  if (!np) return -1;
  *(void **)p = np;
  *cap = nc;
  return 0;
}

SigmaSession *sigma_session_new(SigmaEngine *e, SigmaAlertFn fn, void *ctx) {
  SigmaSession *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->e = e; s->fn = fn; s->ctx = ctx;
  s->cs = calloc(e->nrules + 1, sizeof *s->cs);
  if (!s->cs) { free(s); return NULL; }
  return s;
}

static void keys_free(Keys *k) {
  for (uint32_t i = 0; i < k->n; i++) { free(k->k[i].key); free(k->k[i].val); }
  free(k->k);
  k->k = NULL;
  k->n = 0;
}

static void item_free(Item *it) { free(it->val); free(it->refs); keys_free(&it->chain); }

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
  for (size_t i = 0; i < s->npend; i++) keys_free(&s->pend[i].keys);
  free(s->pend);
  for (size_t i = 0; i < s->nsrcs; i++) free(s->srcs[i]);
  free(s->srcs);
  free(s->cs);
  sigma_matcher_free(s->m);
  free(s);
}

uint64_t sigma_session_untimed(const SigmaSession *s) { return s->untimed; }

/* Matches arrive file by file, so comparing with the last name is enough to
 * keep one copy per file. */
static const char *intern_src(SigmaSession *s, const char *src) {
  if (!src) src = "";
  if (s->nsrcs && !strcmp(s->srcs[s->nsrcs - 1], src)) return s->srcs[s->nsrcs - 1];
  if (room(&s->srcs, &s->capsrcs, s->nsrcs, sizeof *s->srcs, 16)) return NULL;
  if (!(s->srcs[s->nsrcs] = strdup(src))) return NULL;
  return s->srcs[s->nsrcs++];
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

/* The field a group-by name means for rule r (aliases). */
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

/* "field=value, ..." of the group-by fields, whole however long; NULL when
 * the event lacks one of them (it belongs to no group) or memory ran out. */
static char *group_key(const SigmaEngine *e, const SCorr *c, uint32_t r, const SigmaEvent *ev) {
  Buf b;
  buf_init(&b, (size_t)1 << 24);
  for (size_t i = 0; i < c->ngroup; i++) {
    const SigmaField *f = field_by_name(ev, group_field(e, c, c->group[i], r));
    if (!f || f->kind == SEV_NULL) { buf_free(&b); return NULL; }
    if (i) buf_append(&b, ", ", 2);
    buf_append(&b, c->group[i], strlen(c->group[i]));
    buf_append(&b, "=", 1);
    buf_append(&b, sev_val(ev, f), f->val_len);
  }
  buf_append(&b, "", 1);
  if (b.err) { buf_free(&b); return NULL; }
  return b.p;
}

static int add_key(const SigmaSession *s, uint32_t ci, uint32_t from, const SigmaEvent *ev, Keys *out) {
  for (uint32_t i = 0; i < out->n; i++)
    if (out->k[i].ci == ci && out->k[i].from == from) return 0;   /* reached twice */
  if (out->n >= KEYS_MAX) return 0;
  if (!out->k && !(out->k = calloc(KEYS_MAX, sizeof *out->k))) return -1;
  const SCorr *c = s->e->rules[ci].corr;
  Key *k = &out->k[out->n++];
  k->ci = ci;
  k->from = from;
  k->key = group_key(s->e, c, from, ev);
  if (c->field) {
    const SigmaField *f = field_by_name(ev, group_field(s->e, c, c->field, from));
    if (f && f->kind != SEV_NULL) k->val = strndup(sev_val(ev, f), f->val_len);
  }
  return 0;
}

/* Keys for every correlation reachable from rule r, chains included. */
static void collect_keys(const SigmaSession *s, uint32_t r, const SigmaEvent *ev, Keys *out, int depth) {
  const SRule *rule = &s->e->rules[r];
  for (size_t k = 0; k < rule->nref_by && depth < CHAIN_DEPTH; k++) {
    if (add_key(s, rule->ref_by[k], r, ev, out)) return;
    collect_keys(s, rule->ref_by[k], ev, out, depth + 1);
  }
}

static const Key *find_key(const Keys *ks, uint32_t ci, uint32_t from) {
  for (uint32_t i = 0; i < ks->n; i++)
    if (ks->k[i].ci == ci && ks->k[i].from == from) return &ks->k[i];
  return NULL;
}

static Keys keys_dup(const Keys *ks) {
  Keys d = {calloc(ks->n ? ks->n : 1, sizeof *d.k), 0};
  for (uint32_t i = 0; d.k && i < ks->n; i++, d.n++) {
    d.k[i] = ks->k[i];
    d.k[i].key = ks->k[i].key ? strdup(ks->k[i].key) : NULL;
    d.k[i].val = ks->k[i].val ? strdup(ks->k[i].val) : NULL;
  }
  return d;
}

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

static void drop_items(Group *g, size_t w) {
  if (!w) return;   /* also keeps memmove away from a group with no items yet */
  for (size_t i = 0; i < w; i++) item_free(&g->items[i]);
  memmove(g->items, g->items + w, (g->n - w) * sizeof *g->items);
  g->n -= w;
}

/* Items older than the window that ends at now. */
static void evict(Group *g, int64_t now, int64_t span) {
  size_t w = 0;
  while (w < g->n && g->items[w].t < now - span) w++;
  drop_items(g, w);
}

static int upper_bound(const SCorr *c) { return c->has[2] || c->has[3] || c->has[4] || c->has[5]; }

/* Drops groups with nothing left inside the window (state is bounded by
 * GROUPS_MAX live groups, not by how many keys were ever seen). Groups that
 * wait for their window to close are kept. */
static void sweep(CorrState *cs, const SCorr *c, int64_t now) {
  size_t k = 0;
  for (size_t i = 0; i < cs->n; i++) {
    Group *g = &cs->groups[i];
    if (!upper_bound(c)) evict(g, now, c->span_ms);
    if (g->n == 0) { free(g->items); free(g->key); continue; }
    cs->groups[k++] = *g;
  }
  cs->n = k;
  reindex(cs, cs->icap);
}

static Group *group_get(CorrState *cs, const SCorr *c, const char *key, int64_t now) {
  if (cs->icap) {
    for (size_t k = key_hash(key) & (cs->icap - 1); cs->index[k]; k = (k + 1) & (cs->icap - 1))
      if (!strcmp(cs->groups[cs->index[k] - 1].key, key)) return &cs->groups[cs->index[k] - 1];
  }
  if (cs->n >= GROUPS_MAX) sweep(cs, c, now);
  if (cs->n >= GROUPS_MAX) return NULL;
  if (room(&cs->groups, &cs->cap, cs->n, sizeof *cs->groups, 16)) return NULL;
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

static int scmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static double distinct_values(const Item *it, size_t n) {
  char **v = malloc((n + 1) * sizeof *v);
  size_t m = 0, d = 0;
  if (!v) return NAN;
  for (size_t i = 0; i < n; i++)
    if (it[i].val) v[m++] = it[i].val;
  qsort(v, m, sizeof *v, scmp);
  for (size_t i = 0; i < m; i++) d += i == 0 || strcmp(v[i - 1], v[i]);
  free(v);
  return (double)d;
}

/* temporal_ordered: the rules seen in the listed order. */
static int ordered(const SCorr *c, const Item *it, size_t n) {
  int64_t after = INT64_MIN;
  for (size_t r = 0; r < c->nrefs; r++) {
    int64_t best = INT64_MAX;
    for (size_t i = 0; i < n; i++)
      if (it[i].rule == c->ref_rules[r] && it[i].t >= after && it[i].t < best) best = it[i].t;
    if (best == INT64_MAX) return 0;
    after = best;
  }
  return 1;
}

static double aggregate(const SCorr *c, const Item *it, size_t n) {
  double sum = 0, *v = malloc((n + 1) * sizeof *v);
  size_t m = 0;
  if (!v) return NAN;
  for (size_t i = 0; i < n; i++)
    if (it[i].has_num) { v[m++] = it[i].num; sum += it[i].num; }
  double res = NAN;
  if (c->type == CT_VALUE_SUM) res = sum;
  else if (m && c->type == CT_VALUE_AVG) res = sum / (double)m;
  else if (m) {   /* nearest-rank percentile */
    qsort(v, m, sizeof *v, dcmp);
    size_t rank = (size_t)ceil(c->percentile / 100.0 * (double)m);
    res = v[rank ? rank - 1 : 0];
  }
  free(v);
  return res;
}

/* Does the condition hold over the first n items of a group? */
static int fires(const SCorr *c, const Item *it, size_t n) {
  switch (c->type) {
  case CT_EVENT_COUNT: return cmp_ok(c, (double)n);
  case CT_VALUE_COUNT: {
    double d = distinct_values(it, n);
    return !isnan(d) && cmp_ok(c, d);
  }
  case CT_TEMPORAL:
  case CT_TEMPORAL_ORDERED: {
    size_t have = 0;
    for (size_t r = 0; r < c->nrefs; r++) {
      size_t i = 0;
      while (i < n && it[i].rule != c->ref_rules[r]) i++;
      have += i < n;
    }
    int any = c->has[0] || c->has[1] || c->has[2] || c->has[3] || c->has[4] || c->has[5];
    if (any ? !cmp_ok(c, (double)have) : have < c->nrefs) return 0;
    return c->type == CT_TEMPORAL || ordered(c, it, n);
  }
  default: {
    double x = aggregate(c, it, n);
    return !isnan(x) && cmp_ok(c, x);
  }
  }
}

static void feed(SigmaSession *s, uint32_t ci, uint32_t from, const Keys *keys, int64_t t,
                 const SigmaEventRef *refs, size_t nrefs, int depth);

/* The first w items of g make an alert of correlation ci; they are used up. */
static void fire(SigmaSession *s, uint32_t ci, Group *g, size_t w, int64_t t, int depth) {
  SRule *c = &s->e->rules[ci];
  size_t nrefs = 0;
  for (size_t i = 0; i < w; i++) nrefs += g->items[i].nrefs;
  SigmaEventRef *refs = malloc((nrefs + 1) * sizeof *refs);
  if (refs) {
    nrefs = 0;
    for (size_t i = 0; i < w; i++) {
      memcpy(refs + nrefs, g->items[i].refs, g->items[i].nrefs * sizeof *refs);
      nrefs += g->items[i].nrefs;
    }
    if (c->generate) {
      SigmaAlert a = {.rule = &c->info, .refs = refs, .nrefs = nrefs, .group = g->key, .time_ms = t};
      s->fn(s->ctx, &a);
    }
    /* the chain reads its group from the event that completed this alert */
    Keys chain = g->items[w - 1].chain;
    g->items[w - 1].chain = (Keys){0};
    for (size_t k = 0; k < c->nref_by && depth < CHAIN_DEPTH; k++)
      feed(s, c->ref_by[k], ci, &chain, t, refs, nrefs, depth + 1);
    keys_free(&chain);
    free(refs);
  }
  drop_items(g, w);
}

/* Upper-bounded conditions: decide every window that closed before until. */
static void close_windows(SigmaSession *s, uint32_t ci, Group *g, int64_t until, int depth) {
  const SCorr *c = s->e->rules[ci].corr;
  while (g->n && (until == INT64_MAX || g->items[0].t + c->span_ms < until)) {
    size_t w = 0;
    while (w < g->n && g->items[w].t <= g->items[0].t + c->span_ms) w++;
    if (fires(c, g->items, w)) fire(s, ci, g, w, g->items[w - 1].t, depth);
    else drop_items(g, w);
  }
}

static void feed(SigmaSession *s, uint32_t ci, uint32_t from, const Keys *keys, int64_t t,
                 const SigmaEventRef *refs, size_t nrefs, int depth) {
  const SCorr *c = s->e->rules[ci].corr;
  const Key *k = find_key(keys, ci, from);
  if (!c || !k || !k->key) return;
  Group *g = group_get(&s->cs[ci], c, k->key, t);
  if (!g) return;
  if (upper_bound(c)) close_windows(s, ci, g, t, depth);
  else evict(g, t, c->span_ms);
  if (g->n >= GROUP_ITEMS_MAX) drop_items(g, 1);
  if (room(&g->items, &g->cap, g->n, sizeof *g->items, 8)) return;
  Item *it = &g->items[g->n];
  memset(it, 0, sizeof *it);
  it->t = t;
  it->rule = from;
  if (!(it->refs = malloc(nrefs * sizeof *refs))) return;
  memcpy(it->refs, refs, nrefs * sizeof *refs);
  it->nrefs = nrefs;
  if (k->val) {
    char *end;
    it->val = strdup(k->val);
    it->num = strtod(k->val, &end);
    it->has_num = end != k->val && *end == 0;
  }
  if (s->e->rules[ci].nref_by) it->chain = keys_dup(keys);
  g->n++;
  if (!upper_bound(c) && fires(c, g->items, g->n)) fire(s, ci, g, g->n, t, depth);
}

void sigma_session_post(SigmaSession *s, const SigmaEvent *ev, const uint32_t *rules, size_t n) {
  for (size_t i = 0; i < n; i++) {
    SRule *r = &s->e->rules[rules[i]];
    if (r->generate) {
      SigmaAlert a = {.rule = &r->info, .event = ev, .time_ms = ev->time_ms};
      s->fn(s->ctx, &a);
    }
    if (!r->nref_by) continue;
    if (ev->time_ms == INT64_MIN) { s->untimed++; continue; }   /* no place in a window */
    if (room(&s->pend, &s->cappend, s->npend, sizeof *s->pend, 64)) return;
    Pend *p = &s->pend[s->npend];
    memset(p, 0, sizeof *p);
    p->t = ev->time_ms;
    p->seq = s->seq++;
    p->rule = rules[i];
    p->ref = (SigmaEventRef){.source = intern_src(s, ev->source), .record = ev->record, .time_ms = ev->time_ms};
    if (!p->ref.source) return;
    collect_keys(s, rules[i], ev, &p->keys, 0);
    s->npend++;
  }
}

static int pend_cmp(const void *a, const void *b) {
  const Pend *x = a, *y = b;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void sigma_session_flush(SigmaSession *s) {
  if (s->npend) qsort(s->pend, s->npend, sizeof *s->pend, pend_cmp);
  for (size_t i = 0; i < s->npend; i++) {
    Pend *p = &s->pend[i];
    const SRule *r = &s->e->rules[p->rule];
    for (size_t k = 0; k < r->nref_by; k++) feed(s, r->ref_by[k], p->rule, &p->keys, p->t, &p->ref, 1, 0);
    keys_free(&p->keys);
  }
  s->npend = 0;
}

void sigma_session_finish(SigmaSession *s) {
  sigma_session_flush(s);
  /* a closing window may feed a chained correlation that was already
   * closed, so pass again until every upper-bounded window is decided */
  for (int pass = 0, more = 1; more && pass <= CHAIN_DEPTH; pass++) {
    more = 0;
    for (uint32_t ci = 0; ci < s->e->nrules; ci++) {
      const SCorr *c = s->e->rules[ci].corr;
      if (!c || !upper_bound(c)) continue;
      for (size_t g = 0; g < s->cs[ci].n; g++)
        if (s->cs[ci].groups[g].n) { more = 1; close_windows(s, ci, &s->cs[ci].groups[g], INT64_MAX, 0); }
    }
  }
}

void sigma_feed(SigmaSession *s, const SigmaEvent *ev) {
  if (!s->m && !(s->m = sigma_matcher_new(s->e))) return;
  size_t n = sigma_match(s->m, ev, s->buf, sizeof s->buf / sizeof s->buf[0]);
  sigma_session_post(s, ev, s->buf, n);
}
