/* store_answer.c — one organisation's answers to a framework: the scored view,
 * save-as-you-go with a history row per changed field, and the history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"

static void item_blank(AssessItem *it, AssessAnswer *an) {
  memset(it, 0, sizeof *it);
  it->level = -1;
  it->target = -1;
  it->comment = it->responsible = it->assessed_on = it->updated_by = "";
  memset(an, 0, sizeof *an);
  an->target = -1;
}

static void item_row(DbStmt *st, Arena *a, AssessItem *it, AssessAnswer *an, int details) {
  it->na = (int)db_col_int(st, 2);
  it->level = db_col_is_null(st, 1) || it->na ? -1 : (int)db_col_int(st, 1);
  it->set = it->na || it->level >= 0;
  it->target = db_col_is_null(st, 3) ? -1 : (int)db_col_int(st, 3);
  it->needs_review = (int)db_col_int(st, 4);
  it->updated_at = db_col_int(st, 5);
  if (details) {
    it->comment = arena_strdup(a, db_col_text(st, 6));
    it->responsible = arena_strdup(a, db_col_text(st, 7));
    it->assessed_on = arena_strdup(a, db_col_text(st, 8));
    it->updated_by = arena_strdup(a, db_col_text(st, 9));
    it->n_evidence = (int)db_col_int(st, 10);
    it->n_measures = (int)db_col_int(st, 11);
  }
  an->set = it->set;
  an->na = it->na;
  an->level = it->level < 0 ? 0 : it->level;
  an->target = it->target;
}

int st_load_answers(Db *db, const AssessFramework *fw, int64_t assessment_id, Arena *a,
                    AssessItem *items, AssessAnswer *ans, int details, Err *e) {
  for (size_t i = 0; i < fw->nnodes; i++) item_blank(&items[i], &ans[i]);
  if (!assessment_id) return 0;
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e,
      "SELECT a.ref_id, a.level, a.na, a.target, a.needs_review, a.updated_at, a.comment, a.responsible,"
      " a.assessed_on, a.updated_by,"
      " (SELECT count(*) FROM assess_evidence v WHERE v.assessment_id = a.assessment_id AND v.ref_id = a.ref_id),"
      " (SELECT count(*) FROM assess_measure_items mi JOIN assess_measures m ON m.id = mi.measure_id"
      "  JOIN assess_assessments s ON s.id = a.assessment_id"
      "  WHERE mi.framework_id = s.framework_id AND mi.ref_id = a.ref_id AND m.org_id = s.org_id"
      "  AND m.status IN ('planned','active'))"
      " FROM assess_answers a WHERE a.assessment_id = ?", "l", assessment_id);
  while (!rc && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    int i = assess_framework_find(fw, db_col_text(st, 0));
    if (i < 0 || !fw->nodes[i].assessable) continue;   /* an item from an older layer */
    item_row(st, a, &items[i], &ans[i], details);
  }
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

static int view_load(Db *db, int64_t org_id, int64_t fw_id, Arena *a, AssessView *out, int details,
                     Err *e) {
  memset(out, 0, sizeof *out);
  out->fw_id = fw_id;
  out->org_id = org_id;
  int rc = assess_store_fw_load(db, fw_id, org_id, &out->fw, e);
  if (!rc) rc = st_assessment(db, org_id, fw_id, 0, &out->assessment_id, e);
  if (rc) return rc;
  size_t nn = out->fw->nnodes ? out->fw->nnodes : 1;
  out->items = arena_alloc(a, nn * sizeof *out->items);
  out->ans = arena_alloc(a, nn * sizeof *out->ans);
  if (!out->items || !out->ans) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  rc = st_load_answers(db, out->fw, out->assessment_id, a, out->items, out->ans, details, e);
  if (!rc && out->assessment_id) {
    db_int(db, e, &out->updated_at, "SELECT updated_at FROM assess_assessments WHERE id = ?", "l",
           out->assessment_id);
    db_int(db, e, &out->last_snapshot_at, "SELECT coalesce(max(at), 0) FROM assess_snapshots"
           " WHERE assessment_id = ?", "l", out->assessment_id);
  }
  if (!rc) rc = assess_score(out->fw, out->ans, &out->scores, e);
  return rc;
}

int assess_store_view(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, Arena *a,
                      AssessView *out, Err *e) {
  memset(out, 0, sizeof *out);
  int rc = st_allow(db, who, POLICY_READ, org_id, e);
  return rc ? rc : view_load(db, org_id, fw_id, a, out, 1, e);
}

int assess_store_view_scores(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, Arena *a,
                             AssessView *out, Err *e) {
  memset(out, 0, sizeof *out);
  int rc = st_allow(db, who, POLICY_READ_SUMMARY, org_id, e);
  return rc ? rc : view_load(db, org_id, fw_id, a, out, 0, e);
}

void assess_view_free(AssessView *v) {
  if (!v) return;
  assess_scores_free(&v->scores);
  assess_store_fw_release(v->fw);
  v->fw = NULL;
}
