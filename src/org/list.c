/* list.c — all organisations in tree order (parent before children, siblings
 * by name) with their depth, for `varde org list` and the organisations page. */
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "org/org.h"

typedef struct Walk {
  Org *all;        /* loaded rows, ordered by name */
  size_t n;
  char *done;      /* emitted already */
  Org *out;
  size_t k;
} Walk;

static void emit(Walk *w, size_t i, int depth) {
  w->done[i] = 1;
  w->out[w->k] = w->all[i];
  w->out[w->k++].depth = depth;
  if (depth >= ORG_MAX_DEPTH) return;
  for (size_t j = 0; j < w->n; j++)
    if (!w->done[j] && w->all[j].parent_id == w->all[i].id) emit(w, j, depth + 1);
}

static int load(Db *db, Arena *a, Org **all, size_t *n, Err *e) {
  int64_t count = 0;
  int rc = db_int(db, e, &count, "SELECT count(*) FROM organisations", "");
  if (rc) return rc;
  *all = arena_alloc(a, (size_t)(count ? count : 1) * sizeof **all);
  if (!*all) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  DbStmt *st;
  rc = db_query(db, &st, e,
                "SELECT id, coalesce(parent_id, 0), kind, name, coalesce(kommunenummer, ''), coalesce(orgnr, ''),"
                " sharing_level, coalesce(population, -1) FROM organisations ORDER BY name, id",
                "");
  if (rc) return rc;
  *n = 0;
  while ((rc = db_step(st, e)) == DB_ROW && *n < (size_t)count) {
    Org *o = &(*all)[(*n)++];
    o->id = db_col_int(st, 0);
    o->parent_id = db_col_int(st, 1);
    if (org_kind_parse(db_col_text(st, 2), &o->kind)) o->kind = ORG_SUPPLIER;
    snprintf(o->name, sizeof o->name, "%s", db_col_text(st, 3));
    snprintf(o->kommunenummer, sizeof o->kommunenummer, "%s", db_col_text(st, 4));
    snprintf(o->orgnr, sizeof o->orgnr, "%s", db_col_text(st, 5));
    if (policy_sharing_parse(db_col_text(st, 6), &o->sharing)) o->sharing = POLICY_SHARE_NONE;
    o->population = db_col_int(st, 7);
  }
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

int org_list(Db *db, Arena *a, Org **out, size_t *n, Err *e) {
  Walk w = {0};
  *out = NULL;
  *n = 0;
  int rc = load(db, a, &w.all, &w.n, e);
  if (rc) return rc;
  w.done = arena_alloc(a, w.n + 1);
  w.out = arena_alloc(a, (w.n + 1) * sizeof *w.out);
  if (!w.done || !w.out) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  for (size_t i = 0; i < w.n; i++)
    if (!w.done[i] && w.all[i].parent_id == 0) emit(&w, i, 0);
  /* Anything unreachable from a root (a damaged tree) is still listed. */
  for (size_t i = 0; i < w.n; i++)
    if (!w.done[i]) emit(&w, i, 0);
  *out = w.out;
  *n = w.k;
  return 0;
}
