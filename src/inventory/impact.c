/* impact.c — "if this system or supplier fails, which services stop": the
 * reverse walk over the dependency graph, worded with paths; and the facts
 * matching needs per product (exposure and criticality behind it). */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "db/db.h"
#include "inventory/graph.h"

/* "Service → System → Failed thing": the chain of dependencies from the
 * service down to the object that failed. */
static const char *path_of(Arena *a, const InvGraph *g, const InvVisit *v, size_t i) {
  Buf b;
  buf_init(&b, 4096);
  for (int k = (int)i, hops = 0; k >= 0 && hops < 64; k = v[k].parent, hops++) {
    if (b.n) buf_puts(&b, " → ");
    buf_puts(&b, g->node[v[k].node].name ? g->node[v[k].node].name : "?");
  }
  const char *r = arena_strdup(a, buf_cstr(&b));
  buf_free(&b);
  return r ? r : "";
}

static int svc_cmp(const void *pa, const void *pb) {
  const InvImpactService *x = pa, *y = pb;
  if (x->critical_function != y->critical_function) return x->critical_function ? -1 : 1;
  if (x->criticality != y->criticality) return y->criticality - x->criticality;
  return strcmp(x->name, y->name);
}

static void fill_impact(Arena *a, const InvGraph *g, const InvVisit *v, size_t nv, InvImpact *out) {
  for (size_t i = 0; i < nv; i++) {
    const InvGNode *n = &g->node[v[i].node];
    InvKind k = INV_KEY_KIND(n->key);
    if (k == INV_SYSTEM) out->nsystems++;
    if (k != INV_SERVICE) continue;
    InvImpactService *s = &out->svc[out->nsvc++];
    s->id = INV_KEY_ID(n->key);
    s->name = n->name ? n->name : "";
    s->criticality = n->crit;
    s->critical_function = n->cf;
    s->depth = v[i].depth;
    s->path = path_of(a, g, v, i);
    if (n->cf || n->crit >= 4) out->ncritical++;
  }
  if (out->nsvc) qsort(out->svc, out->nsvc, sizeof *out->svc, svc_cmp);
}

int inv_impact(Db *db, Arena *a, int64_t org_id, InvKind k, int64_t id, InvImpact *out, Err *e) {
  memset(out, 0, sizeof *out);
  InvGraph g;
  int rc = inv_graph_load(db, a, org_id, &g, e);
  if (rc) return rc;
  long start = inv_graph_find(&g, INV_KEY(k, id));
  if (start < 0) return err_set(e, VERR_NOTFOUND, "Fant ingen slik %s.", inv_kind_label(k));
  InvVisit *v;
  size_t nv;
  if (inv_graph_up(a, &g, (uint32_t)start, &v, &nv)) return err_set(e, VERR_NOMEM, "for lite minne");
  out->kind = k;
  out->id = id;
  out->name = g.node[start].name ? g.node[start].name : "";
  out->svc = arena_alloc(a, (nv + 1) * sizeof *out->svc);
  if (!out->svc) return err_set(e, VERR_NOMEM, "for lite minne");
  fill_impact(a, &g, v, nv, out);
  return 0;
}

/* ---- for matching ---- */

/* Hosts the product runs on: product -> host, and host of every system that
 * uses the product (system -> product, system -> host). */
static bool product_internet(const InvGraph *g, uint32_t p) {
  for (size_t i = 0; i < g->ne; i++) {
    const InvGEdge *x = &g->fwd[i];
    const InvGNode *to = &g->node[x->to];
    if (x->from == p && INV_KEY_KIND(to->key) == INV_HOST && to->cf) return true;
    if (x->to != p || INV_KEY_KIND(g->node[x->from].key) != INV_SYSTEM) continue;
    for (size_t j = 0; j < g->ne; j++) {
      const InvGNode *h = &g->node[g->fwd[j].to];
      if (g->fwd[j].from == x->from && INV_KEY_KIND(h->key) == INV_HOST && h->cf) return true;
    }
  }
  return false;
}

static void product_services(Arena *a, const InvGraph *g, uint32_t p, InvMatchItem *it) {
  InvVisit *v;
  size_t nv;
  if (inv_graph_up(a, g, p, &v, &nv)) return;
  for (size_t i = 0; i < nv; i++) {
    const InvGNode *n = &g->node[v[i].node];
    if (INV_KEY_KIND(n->key) != INV_SERVICE) continue;
    it->nservices++;
    if (n->crit > it->criticality) it->criticality = n->crit;
    if (n->cf) it->critical_function = true;
  }
}

static int match_walk(Db *db, Arena *a, int64_t org_id, int64_t product_id,
                      int (*fn)(const InvMatchItem *, void *), void *ctx, Err *e) {
  InvProduct *p = NULL;
  size_t np = 0;
  InvGraph g;
  int rc = product_id ? inv_product_get(db, a, org_id, product_id, (p = arena_alloc(a, sizeof *p)) ? p : NULL, e)
                      : inv_product_list(db, a, org_id, &p, &np, e);
  if (product_id && !rc) np = 1;
  if (!rc) rc = inv_graph_load(db, a, org_id, &g, e);
  for (size_t i = 0; !rc && i < np; i++) {
    InvMatchItem it = {.p = &p[i]};
    long node = inv_graph_find(&g, INV_KEY(INV_PRODUCT, p[i].id));
    if (node >= 0) {
      it.internet = product_internet(&g, (uint32_t)node);
      product_services(a, &g, (uint32_t)node, &it);
    }
    rc = fn(&it, ctx);
  }
  return rc;
}

int inv_match_items(Db *db, int64_t org_id, int64_t product_id, int (*fn)(const InvMatchItem *, void *), void *ctx,
                    Err *e) {
  Arena *a = arena_new((size_t)256 << 20);
  if (!a) return err_set(e, VERR_NOMEM, "for lite minne");
  int rc = match_walk(db, a, org_id, product_id, fn, ctx, e);
  arena_free(a);
  return rc;
}
