/* detection.c — the `detection` block of a rule: each search identifier (map,
 * list of maps, keyword list) becomes an atom tree, and the condition (string
 * or list, OR-ed) is parsed over them into the rule's single tree. */
#include <stdio.h>
#include <string.h>

#include "sigma/internal.h"

static SNode *map_node(SigmaEngine *e, const YNode *map, char *msg, size_t sz, int *line) {
  if (map->n == 0) { snprintf(msg, sz, "empty selection"); *line = map->line; return NULL; }
  SNode *and = sn_new(e->arena, OP_AND, (uint32_t)(map->n / 2));
  if (!and) return NULL;
  for (size_t i = 0; i + 1 < map->n; i += 2) {
    const YNode *k = map->items[i];
    if (k->type != Y_SCALAR) { snprintf(msg, sz, "field name is not a string"); *line = k->line; return NULL; }
    if (sd_value_atoms(e, k->s, map->items[i + 1], &and->kids[i / 2], msg, sz)) {
      *line = k->line;
      return NULL;
    }
  }
  return and->n == 1 ? and->kids[0] : and;
}

static SNode *ident_node(SigmaEngine *e, const YNode *v, char *msg, size_t sz, int *line) {
  if (v->type == Y_MAP) return map_node(e, v, msg, sz, line);
  if (v->type == Y_SCALAR) {
    if (sy_is_null(v)) { snprintf(msg, sz, "empty search identifier"); *line = v->line; return NULL; }
    SNode *k;
    if (sd_value_atoms(e, "", v, &k, msg, sz)) { *line = v->line; return NULL; }
    return k;
  }
  if (v->n == 0) return sn_new(e->arena, OP_FALSE, 0);
  SNode *or = sn_new(e->arena, OP_OR, (uint32_t)v->n);
  if (!or) return NULL;
  for (size_t i = 0; i < v->n; i++) {
    const YNode *it = v->items[i];
    if (it->type == Y_MAP) {
      if (!(or->kids[i] = map_node(e, it, msg, sz, line))) return NULL;
    } else if (it->type == Y_SCALAR) {
      if (sd_value_atoms(e, "", it, &or->kids[i], msg, sz)) { *line = it->line; return NULL; }
    } else {
      snprintf(msg, sz, "nested list in search identifier");
      *line = it->line;
      return NULL;
    }
  }
  return or->n == 1 ? or->kids[0] : or;
}

SNode *sd_detection(SigmaEngine *e, const YNode *det, const char *cond_key, char *msg, size_t sz,
                    int *line) {
  if (!det || det->type != Y_MAP) { snprintf(msg, sz, "missing or invalid %s", cond_key); return NULL; }
  size_t np = det->n / 2, k = 0;
  char **names = arena_alloc(e->arena, (np + 1) * sizeof *names);
  SNode **trees = arena_alloc(e->arena, (np + 1) * sizeof *trees);
  const YNode *cond = NULL;
  if (!names || !trees) return NULL;
  for (size_t i = 0; i + 1 < det->n; i += 2) {
    const YNode *key = det->items[i];
    if (key->type != Y_SCALAR) { snprintf(msg, sz, "invalid identifier"); *line = key->line; return NULL; }
    if (!strcmp(key->s, "condition")) { cond = det->items[i + 1]; continue; }
    if (!strcmp(key->s, "timeframe") || !strcmp(key->s, "rules")) continue;
    names[k] = key->s;
    if (!(trees[k] = ident_node(e, det->items[i + 1], msg, sz, line))) return NULL;
    k++;
  }
  if (!cond || sy_is_null(cond)) { snprintf(msg, sz, "missing condition"); *line = det->line; return NULL; }
  size_t nc = cond->type == Y_SEQ ? cond->n : 1;
  if (cond->type == Y_MAP || nc == 0) { snprintf(msg, sz, "invalid condition"); *line = cond->line; return NULL; }
  SNode *or = sn_new(e->arena, OP_OR, (uint32_t)nc);
  if (!or) return NULL;
  for (size_t i = 0; i < nc; i++) {
    const YNode *c = cond->type == Y_SEQ ? cond->items[i] : cond;
    if (c->type != Y_SCALAR) { snprintf(msg, sz, "condition is not a string"); *line = c->line; return NULL; }
    if (!(or->kids[i] = sc_parse(e->arena, c->s, names, trees, k, msg, sz))) { *line = c->line; return NULL; }
  }
  return nc == 1 ? or->kids[0] : or;
}
