/* fwlink.c — the node tree of a framework: adding nodes, resolving parents,
 * finding duplicates and cycles, the ref_id index, and ref-id ordering. */
#include "assess/framework.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int assess_framework_add_node(AssessFramework *fw, const AssessNode *n) {
  if (fw->nnodes == fw->capnodes) {
    size_t cap = fw->capnodes ? fw->capnodes * 2 : 64;
    if (cap > 1000000) return -1;
    AssessNode *v = realloc(fw->nodes, cap * sizeof *v);
    if (!v) return -1;
    fw->nodes = v;
    fw->capnodes = cap;
  }
  fw->nodes[fw->nnodes++] = *n;
  return 0;
}

/* Comparators for index arrays; the node array comes in as qsort_r's argument
 * (no global sort state, so frameworks can be sorted on several threads). */
static int by_urn(const void *a, const void *b, void *arg) {
  const AssessNode *v = arg;
  return strcmp(v[*(const int *)a].urn, v[*(const int *)b].urn);
}
static int by_ref(const void *a, const void *b, void *arg) {
  const AssessNode *v = arg;
  int c = strcmp(v[*(const int *)a].ref_id, v[*(const int *)b].ref_id);
  return c ? c : *(const int *)a - *(const int *)b;
}

static int *sorted_index(const AssessFramework *fw, int (*cmp)(const void *, const void *, void *)) {
  int *ix = malloc((fw->nnodes + 1) * sizeof *ix);
  if (!ix) return NULL;
  for (size_t i = 0; i < fw->nnodes; i++) ix[i] = (int)i;
  qsort_r(ix, fw->nnodes, sizeof *ix, cmp, fw->nodes);
  return ix;
}

static int find_urn(const AssessFramework *fw, const int *ix, const char *urn) {
  size_t lo = 0, hi = fw->nnodes;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(fw->nodes[ix[mid]].urn, urn);
    if (c == 0) return ix[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

static int check_dups(AssessFramework *fw, const int *ix, int use_urn, AssessDiags *d) {
  int rc = 0;
  for (size_t i = 1; i < fw->nnodes; i++) {
    const AssessNode *a = &fw->nodes[ix[i - 1]], *b = &fw->nodes[ix[i]];
    const char *ka = use_urn ? a->urn : a->ref_id, *kb = use_urn ? b->urn : b->ref_id;
    if (strcmp(ka, kb)) continue;
    const AssessNode *later = a->line > b->line ? a : b, *first = later == a ? b : a;
    assess_err(d, later->line, "%s «%s» finnes allerede (linje %d)",
               use_urn ? "URN" : "ref_id", kb, first->line);
    rc = -1;
  }
  return rc;
}

static int resolve_parents(AssessFramework *fw, const int *urnix, AssessDiags *d) {
  int rc = 0;
  for (size_t i = 0; i < fw->nnodes; i++) {
    AssessNode *n = &fw->nodes[i];
    n->parent = -1;
    if (!n->parent_urn) continue;
    n->parent = find_urn(fw, urnix, n->parent_urn);
    if (n->parent < 0) {
      assess_err(d, n->line, "ukjent forelder «%s» for noden %s", n->parent_urn, n->ref_id);
      rc = -1;
    } else if (n->parent == (int)i) {
      assess_err(d, n->line, "noden %s er sin egen forelder", n->ref_id);
      rc = -1;
    }
  }
  return rc;
}

/* Depth of node i, walking up until a node whose depth is known. path[] holds
 * the walk; depth -1 marks "on the current walk", so meeting it again is a
 * cycle (every node on the walk then gets depth 0). Linear over all nodes. */
static int depth_of(AssessFramework *fw, int i, int *path) {
  size_t k = 0;
  int p = i;
  while (p >= 0 && fw->nodes[p].depth == 0) {
    fw->nodes[p].depth = -1;
    path[k++] = p;
    p = fw->nodes[p].parent;
  }
  int base = p < 0 ? 0 : fw->nodes[p].depth; /* -1: cycle found */
  while (k > 0) {
    int q = path[--k];
    fw->nodes[q].depth = base < 0 ? -2 : ++base;
  }
  return fw->nodes[i].depth;
}

static int compute_depths(AssessFramework *fw, AssessDiags *d) {
  int rc = 0, *path = malloc((fw->nnodes + 1) * sizeof *path);
  if (!path) return -1;
  for (size_t i = 0; i < fw->nnodes; i++) fw->nodes[i].depth = 0;
  for (size_t i = 0; i < fw->nnodes; i++) {
    int dp = fw->nodes[i].depth ? fw->nodes[i].depth : depth_of(fw, (int)i, path);
    if (dp == -2) {
      assess_err(d, fw->nodes[i].line, "noden %s ligger i eller under en sløyfe av foreldre (parent_urn)",
                 fw->nodes[i].ref_id);
      rc = -1;
    } else if (dp > 32) {
      assess_err(d, fw->nodes[i].line, "treet er for dypt ved noden %s (grense 32 nivåer)",
                 fw->nodes[i].ref_id);
      rc = -1;
    }
  }
  for (size_t i = 0; i < fw->nnodes; i++)
    if (fw->nodes[i].depth < 0) fw->nodes[i].depth = 0;
  free(path);
  return rc;
}

int assess_framework_link(AssessFramework *fw, AssessDiags *d) {
  int *urnix = sorted_index(fw, by_urn);
  int *refix = sorted_index(fw, by_ref);
  if (!urnix || !refix) {
    free(urnix);
    free(refix);
    assess_err(d, 0, "tomt for minne");
    return -1;
  }
  int rc = check_dups(fw, refix, 0, d);
  rc |= check_dups(fw, urnix, 1, d);
  rc |= resolve_parents(fw, urnix, d);
  rc |= compute_depths(fw, d);
  free(urnix);
  free(fw->by_ref);
  fw->by_ref = refix;
  return rc ? -1 : 0;
}

int assess_framework_find(const AssessFramework *fw, const char *ref_id) {
  if (!fw->by_ref || !ref_id) return -1;
  size_t lo = 0, hi = fw->nnodes;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(fw->nodes[fw->by_ref[mid]].ref_id, ref_id);
    if (c == 0) return fw->by_ref[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

size_t assess_framework_assessable(const AssessFramework *fw) {
  size_t k = 0;
  for (size_t i = 0; i < fw->nnodes; i++) k += fw->nodes[i].assessable != 0;
  return k;
}

int assess_refcmp(const char *a, const char *b) {
  while (*a && *b) {
    if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
      char *ea, *eb;
      unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
      if (x != y) return x < y ? -1 : 1;
      a = ea;
      b = eb;
      continue;
    }
    if (*a != *b) return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
    a++;
    b++;
  }
  return *a ? 1 : *b ? -1 : 0;
}

/* Pre-order walk with an explicit stack; kids[] lists children by parent. */
static void walk(const AssessFramework *fw, const int *first, const int *kids, int *stack,
                 int *order) {
  size_t k = 0, sp = 0;
  for (int i = (int)fw->nnodes - 1; i >= 0; i--)
    if (fw->nodes[i].parent < 0) stack[sp++] = i;
  while (sp) {
    int i = stack[--sp];
    order[k++] = i;
    for (int c = first[i + 1] - 1; c >= first[i]; c--) stack[sp++] = kids[c];
  }
}

int assess_framework_sort_tree(AssessFramework *fw, AssessDiags *d) {
  if (assess_framework_link(fw, d) < 0) return -1;
  size_t n = fw->nnodes;
  int *first = calloc(n + 2, sizeof *first), *kids = malloc((n + 1) * sizeof *kids);
  int *stack = malloc((n + 1) * sizeof *stack), *order = malloc((n + 1) * sizeof *order);
  AssessNode *v = malloc((n + 1) * sizeof *v);
  int rc = -1;
  if (!first || !kids || !stack || !order || !v) goto out;
  for (size_t i = 0; i < n; i++)
    if (fw->nodes[i].parent >= 0) first[fw->nodes[i].parent + 1]++;
  for (size_t i = 0; i < n; i++) first[i + 1] += first[i];
  int *fill = stack; /* reuse as a cursor per parent before the walk */
  memcpy(fill, first, n * sizeof *fill);
  for (size_t i = 0; i < n; i++)
    if (fw->nodes[i].parent >= 0) kids[fill[fw->nodes[i].parent]++] = (int)i;
  walk(fw, first, kids, stack, order);
  for (size_t i = 0; i < n; i++) v[i] = fw->nodes[order[i]];
  memcpy(fw->nodes, v, n * sizeof *v);
  rc = assess_framework_link(fw, d);
out:
  free(first); free(kids); free(stack); free(order); free(v);
  return rc;
}
