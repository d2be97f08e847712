/* store_members.c — scores over several organisations for regional and
 * national views: each member's latest snapshot (summary+), the total over
 * those that share aggregates (k >= POLICY_K_MIN), and a per-item distribution. */
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"

int st_ids(Db *db, const Principal *who, PolicyAction act, StIds *ids, Err *e) {
  ids->v = NULL;
  ids->n = 0;
  return policy_allowed_orgs(db, who, act, &ids->v, &ids->n, e);
}

static int cmp_id(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

int st_has(const StIds *ids, int64_t id) {
  return ids->n && bsearch(&id, ids->v, ids->n, sizeof id, cmp_id) != NULL;
}

static int agg_fill(const double *vals, size_t nv, AssessAggregate *agg, Err *e) {
  memset(agg, 0, sizeof *agg);
  agg->n = nv;
  if (!policy_aggregate_allowed(nv)) return 0;
  Err ge = {0};
  if (assess_group_stats(vals, nv, &agg->stats, &ge) == 0) agg->shown = 1;
  else if (ge.code != VERR_DENIED) return err_set(e, ge.code, "%s", ge.msg);
  return 0;
}

typedef struct Sets { StIds view, summary, aggregate; } Sets;

static void sets_free(Sets *s) { free(s->view.v); free(s->summary.v); free(s->aggregate.v); }

static int sets_load(Db *db, const Principal *who, Sets *s, Err *e) {
  memset(s, 0, sizeof *s);
  int rc = st_ids(db, who, POLICY_ORG_VIEW, &s->view, e);
  if (!rc) rc = st_ids(db, who, POLICY_READ_SUMMARY, &s->summary, e);
  if (!rc) rc = st_ids(db, who, POLICY_READ_AGGREGATE, &s->aggregate, e);
  return rc;
}

static int rows_read(DbStmt *st, const Sets *s, Arena *a, AssessOrgScore *v, size_t cap, size_t *k,
                     double *vals, size_t *nv, Err *e) {
  int rc;
  while ((rc = db_step(st, e)) == DB_ROW && *k < cap) {
    int64_t id = db_col_int(st, 0);
    if (!st_has(&s->view, id)) continue;
    AssessOrgScore *o = &v[(*k)++];
    int has = !db_col_is_null(st, 4) && db_col_int(st, 4) >= 0;
    o->org_id = id;
    o->name = arena_strdup(a, db_col_text(st, 1));
    o->kind = arena_strdup(a, db_col_text(st, 2));
    o->population = db_col_is_null(st, 3) ? -1 : db_col_int(st, 3);
    o->shown = st_has(&s->summary, id);
    o->total = o->shown && has ? st_unppm(db_col_int(st, 4)) : -1;
    o->at = o->shown && has ? db_col_int(st, 5) : 0;
    if (has && st_has(&s->aggregate, id)) vals[(*nv)++] = st_unppm(db_col_int(st, 4));
  }
  return rc < 0 ? rc : 0;
}

int st_org_scores(Db *db, const Principal *who, const char *sql, int64_t p1, int64_t p2, Arena *a,
                  AssessOrgScore **out, size_t *n, AssessAggregate *agg, Err *e) {
  *out = NULL;
  *n = 0;
  memset(agg, 0, sizeof *agg);
  Sets s;
  int rc = sets_load(db, who, &s, e);
  size_t cap = s.view.n;
  AssessOrgScore *v = cap ? arena_alloc(a, sizeof *v * cap) : NULL;
  double *vals = cap ? malloc(sizeof *vals * cap) : NULL;
  if (!rc && cap && (!v || !vals)) rc = err_set(e, VERR_NOMEM, "Tomt for minne.");
  DbStmt *st = NULL;
  size_t k = 0, nv = 0;
  if (!rc && cap) rc = db_query(db, &st, e, sql, "ll", p1, p2);
  if (!rc && cap) rc = rows_read(st, &s, a, v, cap, &k, vals, &nv, e);
  db_finalize(st);
  if (!rc) rc = agg_fill(vals, nv, agg, e);
  free(vals);
  sets_free(&s);
  if (rc) return rc;
  *out = v;
  *n = k;
  return 0;
}

/* Members below parent (municipality, county, IKS) with their latest
 * snapshot of the framework's URN. */
static const char members_sql[] =
    "WITH RECURSIVE sub(id) AS (SELECT id FROM organisations WHERE parent_id = ?1"
    " UNION ALL SELECT o.id FROM organisations o JOIN sub ON o.parent_id = sub.id),"
    " fws(id) AS (SELECT id FROM assess_frameworks WHERE urn = (SELECT urn FROM assess_frameworks WHERE id = ?2))"
    " SELECT o.id, o.name, o.kind, o.population, s.total_ppm, s.at FROM sub JOIN organisations o ON o.id = sub.id"
    " LEFT JOIN assess_snapshots s ON s.id = (SELECT id FROM assess_snapshots x WHERE x.org_id = o.id"
    "  AND x.framework_id IN (SELECT id FROM fws) ORDER BY x.at DESC, x.id DESC LIMIT 1)"
    " WHERE o.kind IN ('municipality','county','iks') ORDER BY o.name";

int assess_store_member_scores(Db *db, const Principal *who, int64_t parent_org, int64_t fw_id,
                               Arena *a, AssessOrgScore **out, size_t *n, AssessAggregate *agg,
                               Err *e) {
  int rc = st_allow(db, who, POLICY_ORG_VIEW, parent_org, e);
  if (rc) { *out = NULL; *n = 0; memset(agg, 0, sizeof *agg); return rc; }
  return st_org_scores(db, who, members_sql, parent_org, fw_id, a, out, n, agg, e);
}

static const char dist_sql[] =
    "WITH RECURSIVE sub(id) AS (SELECT id FROM organisations WHERE parent_id = ?1"
    " UNION ALL SELECT o.id FROM organisations o JOIN sub ON o.parent_id = sub.id),"
    " fws(id) AS (SELECT id FROM assess_frameworks WHERE urn = (SELECT urn FROM assess_frameworks WHERE id = ?2))"
    " SELECT o.id, sn.level, sn.na FROM sub JOIN organisations o ON o.id = sub.id"
    " JOIN assess_snapshots s ON s.id = (SELECT id FROM assess_snapshots x WHERE x.org_id = o.id"
    "  AND x.framework_id IN (SELECT id FROM fws) ORDER BY x.at DESC, x.id DESC LIMIT 1)"
    " JOIN assess_snapshot_nodes sn ON sn.snapshot_id = s.id AND sn.ref_id = ?3"
    " WHERE o.kind IN ('municipality','county','iks') AND (sn.level IS NOT NULL OR sn.na = 1)";

int assess_store_item_distribution(Db *db, const Principal *who, int64_t parent_org, int64_t fw_id,
                                   const char *ref_id, AssessItemDist *out, Err *e) {
  memset(out, 0, sizeof *out);
  int rc = st_allow(db, who, POLICY_ORG_VIEW, parent_org, e);
  const AssessFramework *fw = NULL;
  if (!rc) rc = assess_store_fw_load(db, fw_id, 0, &fw, e);
  int64_t min = fw ? fw->scale.min : 0;
  assess_store_fw_release(fw);
  StIds agg = {0};
  if (!rc) rc = st_ids(db, who, POLICY_READ_AGGREGATE, &agg, e);
  DbStmt *st = NULL;
  if (!rc) rc = db_query(db, &st, e, dist_sql, "lls", parent_org, fw_id, ref_id);
  AssessItemDist d = {0};
  while (!rc && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    if (!st_has(&agg, db_col_int(st, 0))) continue;
    d.n++;
    if (db_col_int(st, 2)) d.na++;
    else if (db_col_int(st, 1) - min >= 0 && db_col_int(st, 1) - min < 16) d.counts[db_col_int(st, 1) - min]++;
  }
  db_finalize(st);
  free(agg.v);
  if (rc < 0) return rc;
  if (policy_aggregate_allowed(d.n)) { *out = d; out->shown = 1; }
  else out->n = d.n;
  return 0;
}

/* dist_sql for every item: the latest snapshot's nodes of each member. */
static const char dists_sql[] =
    "WITH RECURSIVE sub(id) AS (SELECT id FROM organisations WHERE parent_id = ?1"
    " UNION ALL SELECT o.id FROM organisations o JOIN sub ON o.parent_id = sub.id),"
    " fws(id) AS (SELECT id FROM assess_frameworks WHERE urn = (SELECT urn FROM assess_frameworks WHERE id = ?2))"
    " SELECT o.id, sn.ref_id, sn.level, sn.na FROM sub JOIN organisations o ON o.id = sub.id"
    " JOIN assess_snapshots s ON s.id = (SELECT id FROM assess_snapshots x WHERE x.org_id = o.id"
    "  AND x.framework_id IN (SELECT id FROM fws) ORDER BY x.at DESC, x.id DESC LIMIT 1)"
    " JOIN assess_snapshot_nodes sn ON sn.snapshot_id = s.id"
    " WHERE o.kind IN ('municipality','county','iks') AND (sn.level IS NOT NULL OR sn.na = 1)";

static int dists_count(Db *db, const StIds *agg, const AssessFramework *fw, int64_t parent, int64_t fw_id,
                       int *slot, AssessItemDistRow *v, Err *e) {
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, dists_sql, "ll", parent, fw_id);
  while (!rc && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    int i = assess_framework_find(fw, db_col_text(st, 1));
    if (i < 0 || slot[i] < 0 || !st_has(agg, db_col_int(st, 0))) continue;
    AssessItemDist *d = &v[slot[i]].d;
    int64_t k = db_col_int(st, 2) - fw->scale.min;
    d->n++;
    if (db_col_int(st, 3)) d->na++;
    else if (k >= 0 && k < 16) d->counts[k]++;
  }
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

int assess_store_item_distributions(Db *db, const Principal *who, int64_t parent_org, int64_t fw_id,
                                    Arena *a, AssessItemDistRow **out, size_t *n, Err *e) {
  *out = NULL;
  *n = 0;
  const AssessFramework *fw = NULL;
  StIds agg = {0};
  int rc = st_allow(db, who, POLICY_ORG_VIEW, parent_org, e);
  if (!rc) rc = assess_store_fw_load(db, fw_id, 0, &fw, e);
  if (!rc) rc = st_ids(db, who, POLICY_READ_AGGREGATE, &agg, e);
  size_t nn = fw ? fw->nnodes : 0, k = 0;
  int *slot = !rc ? malloc((nn + 1) * sizeof *slot) : NULL;
  AssessItemDistRow *v = !rc ? arena_alloc(a, (nn + 1) * sizeof *v) : NULL;
  if (!rc && (!slot || !v)) rc = err_set(e, VERR_NOMEM, "Tomt for minne.");
  for (size_t i = 0; !rc && i < nn; i++) {
    slot[i] = fw->nodes[i].assessable ? (int)k : -1;
    if (fw->nodes[i].assessable)
      v[k++] = (AssessItemDistRow){arena_strdup(a, fw->nodes[i].ref_id),
                                   arena_strdup(a, fw->nodes[i].name ? fw->nodes[i].name : ""), {0}};
  }
  if (!rc) rc = dists_count(db, &agg, fw, parent_org, fw_id, slot, v, e);
  for (size_t i = 0; !rc && i < k; i++) {
    v[i].d.shown = policy_aggregate_allowed(v[i].d.n);
    if (!v[i].d.shown) v[i].d = (AssessItemDist){.n = v[i].d.n};   /* counts withheld below k */
  }
  free(slot);
  free(agg.v);
  assess_store_fw_release(fw);
  if (rc) return rc;
  *out = v;
  *n = k;
  return 0;
}

static const char bench_sql[] =
    "WITH fws(id) AS (SELECT id FROM assess_frameworks WHERE urn = (SELECT urn FROM assess_frameworks WHERE id = ?1))"
    " SELECT o.id, o.population, s.total_ppm FROM organisations o"
    " JOIN assess_snapshots s ON s.id = (SELECT id FROM assess_snapshots x WHERE x.org_id = o.id"
    "  AND x.framework_id IN (SELECT id FROM fws) ORDER BY x.at DESC, x.id DESC LIMIT 1)"
    " WHERE o.kind = 'municipality' AND o.population IS NOT NULL AND s.total_ppm >= 0 AND o.id <> ?2";

static int bench_peers(Db *db, const StIds *agg, int band, int64_t fw_id, int64_t org_id, double **vals,
                       size_t *nv, Err *e) {
  *vals = NULL;
  *nv = 0;
  if (!agg->n) return 0;
  double *v = malloc(sizeof *v * agg->n);
  if (!v) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, bench_sql, "ll", fw_id, org_id);
  while (!rc && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    if (*nv < agg->n && st_has(agg, db_col_int(st, 0)) && assess_pop_band(db_col_int(st, 1)) == band)
      v[(*nv)++] = st_unppm(db_col_int(st, 2));
  }
  db_finalize(st);
  if (rc < 0) { free(v); return rc; }
  *vals = v;
  return 0;
}

int assess_store_benchmark(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                           AssessBenchmark *out, Err *e) {
  memset(out, 0, sizeof *out);
  out->band = -1;
  out->own = out->rank = -1;
  int rc = st_allow(db, who, POLICY_READ_SUMMARY, org_id, e);
  int64_t pop = -1, ppm = -1;
  if (!rc) rc = db_int(db, e, &pop, "SELECT coalesce(population, -1) FROM organisations WHERE id = ?", "l", org_id);
  if (!rc && db_int(db, e, &ppm, "SELECT s.total_ppm FROM assess_snapshots s JOIN assess_frameworks f"
                    " ON f.id = s.framework_id WHERE s.org_id = ? AND f.urn = (SELECT urn FROM"
                    " assess_frameworks WHERE id = ?) ORDER BY s.at DESC, s.id DESC LIMIT 1", "ll", org_id, fw_id))
    err_clear(e), ppm = -1;
  if (rc) return rc;
  out->own = st_unppm(ppm);
  out->band = pop >= 0 ? assess_pop_band(pop) : -1;
  if (out->band < 0) return 0;
  StIds agg = {0};
  double *vals = NULL;
  size_t nv = 0;
  rc = st_ids(db, who, POLICY_READ_AGGREGATE, &agg, e);
  if (!rc) rc = bench_peers(db, &agg, out->band, fw_id, org_id, &vals, &nv, e);
  if (!rc) rc = agg_fill(vals, nv, &out->agg, e);
  if (!rc && out->agg.shown && out->own >= 0) {
    Err ge = {0};
    if (assess_group_rank(vals, nv, out->own, &out->rank, &ge)) out->rank = -1;
  }
  free(vals);
  free(agg.v);
  return rc;
}
