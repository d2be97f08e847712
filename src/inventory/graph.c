/* graph.c — loading an organisation's dependency graph into memory and the
 * reverse walk every impact question uses (visited set, so cycles end). */
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "inventory/graph.h"

static const char nodes_sql[] =
    "SELECT 0, id, name, criticality, critical_function FROM inv_services WHERE org_id = ?"
    " UNION ALL SELECT 1, id, name, 0, 0 FROM inv_systems WHERE org_id = ?"
    " UNION ALL SELECT 2, id, name, 0, 0 FROM inv_products WHERE org_id = ?"
    " UNION ALL SELECT 3, id, name, 0, internet_facing FROM inv_hosts WHERE org_id = ?"
    " UNION ALL SELECT 4, id, name, 0, 0 FROM inv_suppliers WHERE org_id = ?";

/* Edges plus each system's supplier as the edge system -> supplier. */
static const char edges_sql[] =
    "SELECT CASE from_kind WHEN 'service' THEN 0 WHEN 'system' THEN 1 ELSE 2 END, from_id,"
    " CASE to_kind WHEN 'service' THEN 0 WHEN 'system' THEN 1 WHEN 'product' THEN 2 WHEN 'host' THEN 3 ELSE 4 END,"
    " to_id FROM inv_deps WHERE org_id = ?"
    " UNION SELECT 1, id, 4, supplier_id FROM inv_systems WHERE org_id = ? AND supplier_id IS NOT NULL";

static int cmp_node(const void *a, const void *b) {
  uint64_t x = ((const InvGNode *)a)->key, y = ((const InvGNode *)b)->key;
  return x < y ? -1 : x > y;
}
static int cmp_to(const void *a, const void *b) {
  const InvGEdge *x = a, *y = b;
  return x->to != y->to ? (x->to < y->to ? -1 : 1) : (x->from > y->from) - (x->from < y->from);
}
static int cmp_from(const void *a, const void *b) {
  const InvGEdge *x = a, *y = b;
  return x->from != y->from ? (x->from < y->from ? -1 : 1) : (x->to > y->to) - (x->to < y->to);
}

long inv_graph_find(const InvGraph *g, uint64_t key) {
  size_t lo = 0, hi = g->nn;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (g->node[mid].key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < g->nn && g->node[lo].key == key ? (long)lo : -1;
}

/* Grows *arr (in a) to hold one more element of size el. */
static void *grow(Arena *a, void *arr, size_t n, size_t *cap, size_t el) {
  if (n < *cap) return arr;
  size_t nc = *cap ? *cap * 2 : 64;
  void *b = arena_alloc(a, nc * el);
  if (b && n) memcpy(b, arr, n * el);
  *cap = nc;
  return b;
}

static int load_nodes(Db *db, Arena *a, int64_t org_id, InvGraph *g, Err *e) {
  DbStmt *st;
  size_t cap = 0;
  int rc = db_query(db, &st, e, nodes_sql, "lllll", org_id, org_id, org_id, org_id, org_id);
  if (rc) return rc;
  while ((rc = db_step(st, e)) == DB_ROW) {
    if (!(g->node = grow(a, g->node, g->nn, &cap, sizeof *g->node))) break;
    InvGNode *n = &g->node[g->nn++];
    n->key = INV_KEY(db_col_int(st, 0), db_col_int(st, 1));
    n->name = arena_strdup(a, db_col_text(st, 2));
    n->crit = (int)db_col_int(st, 3);
    n->cf = db_col_int(st, 4) != 0;
  }
  db_finalize(st);
  if (rc < 0) return rc;
  if (!g->node && cap) return err_set(e, VERR_NOMEM, "for lite minne");
  if (g->nn) qsort(g->node, g->nn, sizeof *g->node, cmp_node);
  return 0;
}

static int load_edges(Db *db, Arena *a, int64_t org_id, InvGraph *g, Err *e) {
  DbStmt *st;
  size_t cap = 0;
  int rc = db_query(db, &st, e, edges_sql, "ll", org_id, org_id);
  if (rc) return rc;
  while ((rc = db_step(st, e)) == DB_ROW) {
    long f = inv_graph_find(g, INV_KEY(db_col_int(st, 0), db_col_int(st, 1)));
    long t = inv_graph_find(g, INV_KEY(db_col_int(st, 2), db_col_int(st, 3)));
    if (f < 0 || t < 0) continue;  /* an edge to something deleted outside Varde */
    if (!(g->rev = grow(a, g->rev, g->ne, &cap, sizeof *g->rev))) break;
    g->rev[g->ne++] = (InvGEdge){(uint32_t)f, (uint32_t)t};
  }
  db_finalize(st);
  if (rc < 0) return rc;
  if (!g->rev && cap) return err_set(e, VERR_NOMEM, "for lite minne");
  g->fwd = arena_alloc(a, (g->ne + 1) * sizeof *g->fwd);
  if (!g->fwd) return err_set(e, VERR_NOMEM, "for lite minne");
  if (g->ne) memcpy(g->fwd, g->rev, g->ne * sizeof *g->fwd);
  if (g->ne) {
    qsort(g->rev, g->ne, sizeof *g->rev, cmp_to);
    qsort(g->fwd, g->ne, sizeof *g->fwd, cmp_from);
  }
  return 0;
}

int inv_graph_load(Db *db, Arena *a, int64_t org_id, InvGraph *g, Err *e) {
  memset(g, 0, sizeof *g);
  int rc = load_nodes(db, a, org_id, g, e);
  return rc ? rc : load_edges(db, a, org_id, g, e);
}

/* First edge in rev whose to == node. */
static size_t first_to(const InvGraph *g, uint32_t node) {
  size_t lo = 0, hi = g->ne;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (g->rev[mid].to < node) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

int inv_graph_up(Arena *a, const InvGraph *g, uint32_t start, InvVisit **out, size_t *n) {
  unsigned char *seen = arena_alloc(a, g->nn + 1);
  InvVisit *q = arena_alloc(a, (g->nn + 1) * sizeof *q);
  if (!seen || !q) return VERR_NOMEM;
  size_t head = 0, tail = 0;
  q[tail++] = (InvVisit){start, -1, 0};
  seen[start] = 1;
  while (head < tail) {
    InvVisit v = q[head];
    for (size_t i = first_to(g, v.node); i < g->ne && g->rev[i].to == v.node; i++) {
      uint32_t up = g->rev[i].from;
      if (seen[up]) continue;
      seen[up] = 1;
      q[tail++] = (InvVisit){up, (int)head, v.depth + 1};
    }
    head++;
  }
  *out = q;
  *n = tail;
  return 0;
}
