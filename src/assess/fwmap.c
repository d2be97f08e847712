/* fwmap.c — mapping proposal between two versions of one framework URN:
 * the same ref_id is the same item; the rest is listed as added or removed. */
#include "assess/framework.h"

#include <stdlib.h>
#include <string.h>

static int str_differs(const char *a, const char *b) {
  if (!a || !b) return a != b;
  return strcmp(a, b) != 0;
}

static int node_changed(const AssessFramework *of, const AssessNode *o, const AssessFramework *nf,
                        const AssessNode *n) {
  const char *op = o->parent >= 0 ? of->nodes[o->parent].ref_id : NULL;
  const char *np = n->parent >= 0 ? nf->nodes[n->parent].ref_id : NULL;
  return str_differs(o->name, n->name) || str_differs(o->description, n->description) ||
         str_differs(op, np) || o->assessable != n->assessable;
}

int assess_framework_map(const AssessFramework *oldf, const AssessFramework *newf,
                         AssessMapping *m, Err *e) {
  memset(m, 0, sizeof *m);
  if (strcmp(oldf->urn, newf->urn))
    return err_set(e, VERR_INVALID, "ulike rammeverk (%s og %s) kan ikke kobles versjon til versjon",
                   oldf->urn, newf->urn);
  m->pairs = calloc(oldf->nnodes + 1, sizeof *m->pairs);
  m->removed = calloc(oldf->nnodes + 1, sizeof *m->removed);
  m->added = calloc(newf->nnodes + 1, sizeof *m->added);
  if (!m->pairs || !m->removed || !m->added) {
    assess_mapping_free(m);
    return err_set(e, VERR_NOMEM, "tomt for minne");
  }
  for (size_t i = 0; i < oldf->nnodes; i++) {
    const AssessNode *o = &oldf->nodes[i];
    int j = assess_framework_find(newf, o->ref_id);
    if (j < 0) {
      m->removed[m->nremoved++] = (int)i;
      continue;
    }
    m->pairs[m->npairs++] =
        (AssessMapPair){(int)i, j, node_changed(oldf, o, newf, &newf->nodes[j])};
  }
  for (size_t j = 0; j < newf->nnodes; j++)
    if (assess_framework_find(oldf, newf->nodes[j].ref_id) < 0) m->added[m->nadded++] = (int)j;
  return 0;
}

void assess_mapping_free(AssessMapping *m) {
  free(m->pairs);
  free(m->removed);
  free(m->added);
  memset(m, 0, sizeof *m);
}
