/* match_all.c — a whole inventory against the matcher: items that are the
 * same for matching are matched once and the result fanned out with each
 * item's own priority; distinct items are spread over worker threads and
 * the output keeps item order, so it equals item-at-a-time matching. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "vuln/match_int.h"

typedef struct Group {
  size_t rep;             /* first item of the group, the one matched */
  uint32_t worker;        /* whose list holds its matches */
  size_t from, n;         /* where in that list */
} Group;

typedef struct Worker {
  VulnMatcher m;          /* shallow copy: shared index, own seen/stamp */
  VulnMatchList out;
  Group *g;
  size_t ng, *next;       /* next group to take (shared, atomic) */
  const VulnItem *items;
  uint32_t id;
  int rc;
} Worker;

/* Length-prefixed (or absent) strings keep the key unambiguous. */
static void key_str(Buf *k, const char *s) {
  uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
  buf_append(k, &n, sizeof n);
  if (s) buf_append(k, s, n);
}

static void key_cpe(Buf *k, const VulnCpe *c) {
  buf_append(k, &c->wild, sizeof c->wild);
  buf_append(k, c->na, sizeof c->na);
  for (int a = 0; a < CPE_NATTR; a++) key_str(k, c->v[a]);
}

/* Everything vuln_match_item reads of an item except exposure and
 * criticality (which only feed the priority). */
static void item_key(Buf *k, const VulnItem *it) {
  char flags[4] = {(char)it->has_cpe, (char)it->derived, (char)it->has_purl, (char)it->nplatform};
  buf_reset(k);
  buf_append(k, flags, sizeof flags);
  if (it->has_cpe) key_cpe(k, &it->cpe);
  for (int i = 0; i < it->nplatform && i < VULN_MAX_PLATFORMS; i++) key_cpe(k, &it->platform[i]);
  key_str(k, it->has_purl ? it->purl_str : NULL);
  key_str(k, it->model);
  key_str(k, it->vendor);
  key_str(k, it->product);
  key_str(k, it->version);
}

uint32_t *vuln_items_group(const VulnItem *items, size_t n, size_t *ng) {
  VulnMap *map = vuln_map_new();
  uint32_t *grp = malloc((n + 1) * sizeof *grp);
  Buf k;
  size_t i = 0;
  buf_init(&k, (size_t)1 << 20);
  *ng = 0;
  for (; map && grp && n < UINT32_MAX && i < n; i++) {
    item_key(&k, &items[i]);
    uint32_t v = k.err ? UINT32_MAX : vuln_map_put(map, k.p, k.n, (uint32_t)*ng);
    if (v == UINT32_MAX) break;
    *ng += v == *ng;
    grp[i] = v;
  }
  vuln_map_free(map);
  buf_free(&k);
  if (grp && i == n) return grp;
  free(grp);
  return NULL;
}

/* The groups of the items, numbered in order of their first item. */
static Group *group_items(const VulnItem *items, size_t n, uint32_t **grp, size_t *ng) {
  *grp = vuln_items_group(items, n, ng);
  Group *g = *grp ? malloc((*ng + 1) * sizeof *g) : NULL;
  for (size_t i = 0, seen = 0; g && i < n; i++)
    if ((*grp)[i] == seen) g[seen++] = (Group){i, 0, 0, 0};
  return g;
}

static void *work(void *arg) {
  Worker *w = arg;
  for (;;) {
    size_t at = __atomic_fetch_add(w->next, 16, __ATOMIC_RELAXED);
    if (at >= w->ng) break;
    size_t end = at + 16 < w->ng ? at + 16 : w->ng;
    for (size_t i = at; i < end && !w->rc; i++) {
      Group *g = &w->g[i];
      g->worker = w->id;
      g->from = w->out.n;
      w->rc = vuln_match_item(&w->m, &w->items[g->rep], g->rep, &w->out);
      g->n = w->out.n - g->from;
    }
  }
  return NULL;
}

static unsigned worker_count(unsigned threads, size_t ng) {
  if (!threads) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    threads = cpus > 0 ? (unsigned)cpus : 1;
  }
  if (threads > 16) threads = 16;
  if ((size_t)threads > ng / 64 + 1) threads = (unsigned)(ng / 64 + 1);
  return threads;
}

/* Run the workers; worker 0 is the calling thread on m itself. */
static int run_workers(VulnMatcher *m, Worker *w, unsigned nw) {
  pthread_t tid[16];
  unsigned started = 1;
  int rc = 0;
  for (unsigned i = 1; i < nw; i++) {
    w[i].m = *m;
    w[i].m.stamp = 0;
    w[i].m.scanned = w[i].m.evaluated = 0;
    w[i].m.seen = calloc(m->db->ncve + 1, sizeof *w[i].m.seen);
    if (!w[i].m.seen || pthread_create(&tid[i], NULL, work, &w[i])) {
      free(w[i].m.seen);
      w[i].m.seen = NULL;
      break;
    }
    started++;
  }
  work(&w[0]);
  for (unsigned i = 1; i < started; i++) pthread_join(tid[i], NULL);
  for (unsigned i = 0; i < nw; i++) rc |= w[i].rc;
  for (unsigned i = 1; i < started; i++) {
    m->scanned += w[i].m.scanned;
    m->evaluated += w[i].m.evaluated;
    free(w[i].m.seen);
  }
  return rc ? VERR_NOMEM : 0;
}

/* Copy each item's group result in item order, with its own priority. */
static int fan_out(const VulnItem *items, size_t n, const uint32_t *grp, const Group *g, Worker *w,
                   VulnMatchList *out) {
  size_t total = out->n;
  for (size_t i = 0; i < n; i++) total += g[grp[i]].n;
  if (total > out->cap) {
    VulnMatch *x = realloc(out->m, total * sizeof *x);
    if (!x) return VERR_NOMEM;
    out->m = x;
    out->cap = total;
  }
  for (size_t i = 0; i < n; i++) {
    const Group *gr = &g[grp[i]];
    if (!gr->n) continue;
    VulnMatch *dst = out->m + out->n;
    memcpy(dst, w[gr->worker].out.m + gr->from, gr->n * sizeof *dst);
    for (size_t k = 0; k < gr->n; k++) {
      VulnMatch *r = &dst[k];
      r->item = i;
      r->priority = vuln_priority(r->cvss, r->kev, r->ransomware, r->epss_pct, items[i].internet,
                                  items[i].criticality, &r->priority_class);
    }
    out->n += gr->n;
  }
  return 0;
}

int vuln_match_items(VulnMatcher *m, const VulnItem *items, size_t n, unsigned threads, VulnMatchList *out) {
  if (!n) return 0;
  uint32_t *grp = NULL;
  size_t ng = 0, next = 0;
  Group *g = group_items(items, n, &grp, &ng);
  unsigned nw = g ? worker_count(threads, ng) : 0;
  Worker *w = g ? calloc(nw, sizeof *w) : NULL;
  int rc = w ? 0 : VERR_NOMEM;
  for (unsigned i = 0; w && i < nw; i++) {
    w[i].g = g;
    w[i].ng = ng;
    w[i].next = &next;
    w[i].items = items;
    w[i].id = i;
  }
  if (w) w[0].m = *m;  /* worker 0 uses the caller's matcher state */
  if (!rc) rc = run_workers(&w[0].m, w, nw);
  if (w) {
    m->stamp = w[0].m.stamp;
    m->scanned = w[0].m.scanned;
    m->evaluated = w[0].m.evaluated;
  }
  if (!rc) rc = fan_out(items, n, grp, g, w, out);
  for (unsigned i = 0; w && i < nw; i++) vuln_match_list_free(&w[i].out);
  free(w);
  free(g);
  free(grp);
  return rc;
}
