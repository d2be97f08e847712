/* store_snap.c — completing an assessment (a frozen snapshot of answers and
 * scores), the snapshot series for trends, and the gap list with item text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"

static int snap_nodes(Db *db, int64_t sid, const AssessView *v, Err *e) {
  int rc = 0;
  for (size_t i = 0; i < v->fw->nnodes && !rc; i++) {
    const AssessNode *nd = &v->fw->nodes[i];
    const AssessItem *it = &v->items[i];
    if (nd->assessable && it->set)
      rc = db_exec(db, e, "INSERT INTO assess_snapshot_nodes VALUES (?, ?, ?, ?, ?, ?)", "lsliii",
                   sid, nd->ref_id, st_ppm(v->scores.node[i].score), it->level, it->na, assess_target(v->fw, v->ans, i));
    else
      rc = db_exec(db, e, "INSERT INTO assess_snapshot_nodes(snapshot_id, ref_id, score_ppm, target)"
                   " VALUES (?, ?, ?, ?)", "lsli", sid, nd->ref_id, st_ppm(v->scores.node[i].score),
                   assess_target(v->fw, v->ans, i));
  }
  return rc;
}

int st_complete_in(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, int64_t *snapshot_id,
                   Err *e) {
  Arena *a = arena_new(0);
  if (!a) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  AssessView v = {0};
  int rc = assess_store_view(db, who, org_id, fw_id, a, &v, e);
  if (!rc && !v.assessment_id) rc = err_set(e, VERR_INVALID, "Ingen punkter er besvart ennå.");
  int64_t sid = 0;
  if (!rc) rc = db_int(db, e, &sid, "INSERT INTO assess_snapshots(assessment_id, org_id, framework_id, at,"
                       " total_ppm, answered, na, open, username) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       "llllliiis", v.assessment_id, org_id, fw_id, db_now(), st_ppm(v.scores.total),
                       v.scores.answered, v.scores.na, v.scores.open, who->username);
  if (!rc) rc = snap_nodes(db, sid, &v, e);
  char det[120];
  snprintf(det, sizeof det, "snapshot=%lld total=%.3f", (long long)sid, v.scores.total);
  if (!rc) rc = st_audit(db, who, org_id, "assess.complete", "assessment", v.assessment_id, det, e);
  if (!rc) rc = st_campaign_touch(db, org_id, fw_id, ASSESS_RECIP_DONE, e);
  assess_view_free(&v);
  arena_free(a);
  if (!rc && snapshot_id) *snapshot_id = sid;
  return rc;
}

int assess_store_complete(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                          int64_t *snapshot_id, Err *e) {
  int rc = st_allow(db, who, POLICY_WRITE, org_id, e);
  if (!rc) rc = db_begin(db, e);
  if (rc) return rc;
  rc = st_complete_in(db, who, org_id, fw_id, snapshot_id, e);
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

int assess_store_snapshots(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, Arena *a,
                           AssessSnapshot **out, size_t *n, Err *e) {
  *out = NULL;
  *n = 0;
  int rc = st_allow(db, who, POLICY_READ_SUMMARY, org_id, e);
  int64_t cnt = 0;
  static const char where[] = " FROM assess_snapshots s JOIN assess_frameworks f ON f.id = s.framework_id"
      " WHERE s.org_id = ? AND f.urn = (SELECT urn FROM assess_frameworks WHERE id = ?)";
  char sql[600];
  snprintf(sql, sizeof sql, "SELECT count(*)%s", where);
  if (!rc) rc = db_int(db, e, &cnt, sql, "ll", org_id, fw_id);
  if (rc || !cnt) return rc;
  AssessSnapshot *v = arena_alloc(a, sizeof *v * (size_t)cnt);
  if (!v) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  snprintf(sql, sizeof sql, "SELECT s.id, s.framework_id, s.at, f.version, s.total_ppm, s.answered, s.na,"
           " s.open, s.username%s ORDER BY s.at, s.id", where);
  DbStmt *st = NULL;
  rc = db_query(db, &st, e, sql, "ll", org_id, fw_id);
  size_t k = 0;
  while (!rc && k < (size_t)cnt && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    v[k++] = (AssessSnapshot){db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2),
                              (int)db_col_int(st, 3), st_unppm(db_col_int(st, 4)), (int)db_col_int(st, 5),
                              (int)db_col_int(st, 6), (int)db_col_int(st, 7), arena_strdup(a, db_col_text(st, 8))};
  }
  db_finalize(st);
  if (rc < 0) return rc;
  *out = v;
  *n = k;
  return 0;
}

int assess_store_snapshot_scores(Db *db, const Principal *who, int64_t snapshot_id, Arena *a,
                                 AssessSnapScore **out, size_t *n, Err *e) {
  *out = NULL;
  *n = 0;
  int64_t org = 0, cnt = 0;
  int rc = db_int(db, e, &org, "SELECT org_id FROM assess_snapshots WHERE id = ?", "l", snapshot_id);
  if (rc == VERR_NOTFOUND) return err_set(e, rc, "Fant ikke øyeblikksbildet.");
  if (!rc) rc = st_allow(db, who, POLICY_READ_SUMMARY, org, e);
  if (!rc) rc = db_int(db, e, &cnt, "SELECT count(*) FROM assess_snapshot_nodes WHERE snapshot_id = ?", "l",
                       snapshot_id);
  if (rc || !cnt) return rc;
  AssessSnapScore *v = arena_alloc(a, sizeof *v * (size_t)cnt);
  if (!v) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  DbStmt *st = NULL;
  rc = db_query(db, &st, e, "SELECT sn.ref_id, sn.score_ppm, sn.level, sn.na FROM assess_snapshot_nodes sn"
                " JOIN assess_snapshots s ON s.id = sn.snapshot_id LEFT JOIN assess_nodes nd"
                " ON nd.framework_id = s.framework_id AND nd.ref_id = sn.ref_id"
                " WHERE sn.snapshot_id = ? ORDER BY coalesce(nd.ord, 1e9), sn.ref_id", "l", snapshot_id);
  size_t k = 0;
  while (!rc && k < (size_t)cnt && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    int na = (int)db_col_int(st, 3), set = !db_col_is_null(st, 2) || na;
    v[k++] = (AssessSnapScore){arena_strdup(a, db_col_text(st, 0)), st_unppm(db_col_int(st, 1)),
                               db_col_is_null(st, 2) ? -1 : (int)db_col_int(st, 2), na, set};
  }
  db_finalize(st);
  if (rc < 0) return rc;
  *out = v;
  *n = k;
  return 0;
}

int assess_store_gaps(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, Arena *a,
                      AssessGapRow **out, size_t *n, Err *e) {
  *out = NULL;
  *n = 0;
  AssessView v;
  int rc = assess_store_view(db, who, org_id, fw_id, a, &v, e);
  AssessGap *g = NULL;
  size_t ng = 0;
  if (!rc) rc = assess_gaps(v.fw, v.ans, &g, &ng, e);
  AssessGapRow *r = !rc && ng ? arena_alloc(a, sizeof *r * ng) : NULL;
  if (!rc && ng && !r) rc = err_set(e, VERR_NOMEM, "Tomt for minne.");
  for (size_t i = 0; !rc && i < ng; i++) {
    const AssessNode *nd = &v.fw->nodes[g[i].node];
    r[i].g = g[i];
    r[i].ref_id = arena_strdup(a, nd->ref_id);
    r[i].name = arena_strdup(a, nd->name ? nd->name : "");
    rc = db_int(db, e, &r[i].measure_id, "SELECT coalesce(min(m.id), 0) FROM assess_measure_items mi"
                " JOIN assess_measures m ON m.id = mi.measure_id WHERE m.org_id = ? AND mi.framework_id = ?"
                " AND mi.ref_id = ? AND m.status IN ('planned','active')", "lls", org_id, fw_id, nd->ref_id);
  }
  free(g);
  assess_view_free(&v);
  if (rc) return rc;
  *out = r;
  *n = ng;
  return 0;
}
