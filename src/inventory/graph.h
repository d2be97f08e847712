/* graph.h — an organisation's dependency graph in memory (graph.c): every
 * object as a node, every edge (and each system's supplier) both ways, and
 * the walk "who depends on this, transitively". Private to src/inventory. */
#ifndef VARDE_INVENTORY_GRAPH_H
#define VARDE_INVENTORY_GRAPH_H
#include "inventory/inv_int.h"

typedef struct InvGNode {
  uint64_t key;            /* kind << 48 | id */
  const char *name;
  int crit;                /* services: criticality */
  bool cf;                 /* services: critical function; hosts: internet-facing */
} InvGNode;

typedef struct InvGEdge {
  uint32_t from, to;       /* node indexes */
} InvGEdge;

typedef struct InvGraph {
  InvGNode *node;
  size_t nn;
  InvGEdge *rev, *fwd;     /* the same edges sorted by to, and by from */
  size_t ne;
} InvGraph;

typedef struct InvVisit {
  uint32_t node;
  int parent;              /* index into the visit array, -1 for the start */
  int depth;
} InvVisit;

#define INV_KEY(k, id) (((uint64_t)(k) << 48) | (uint64_t)(id))
#define INV_KEY_KIND(key) ((InvKind)((key) >> 48))
#define INV_KEY_ID(key) ((int64_t)((key) & 0xffffffffffffULL))

int inv_graph_load(Db *db, Arena *a, int64_t org_id, InvGraph *g, Err *e);
/* Node index of key, or -1. */
long inv_graph_find(const InvGraph *g, uint64_t key);
/* Breadth-first over reverse edges from node start ("what depends on it"):
 * every node at most once. *out in a; returns 0 or VERR_NOMEM. */
int inv_graph_up(Arena *a, const InvGraph *g, uint32_t start, InvVisit **out, size_t *n);

#endif
