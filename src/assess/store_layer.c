/* store_layer.c — CSV measure layers over a stored framework (national or
 * organisation-local), the stored mapping between versions, and copying an
 * organisation's answers to a new version along that mapping. */
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"

int assess_store_fw_layer_add(Db *db, const Principal *who, int64_t fw_id, int64_t org_id,
                              const char *label, const char *csv, size_t n, AssessDiags *d,
                              AssessCsvStats *st, Err *e) {
  int rc = org_id ? st_allow(db, who, POLICY_WRITE, org_id, e)
           : (who && who->via == AUTH_VIA_CLI) ? 0
           : err_set(e, VERR_DENIED, "Bare driftsoperatøren kan legge inn et nasjonalt tiltakslag.");
  if (rc) return rc;
  if (memchr(csv, 0, n)) return err_set(e, VERR_INVALID, "CSV-filen inneholder NUL-tegn.");
  AssessFramework *cfw = NULL;
  rc = assess_store_fw_load_copy(db, fw_id, org_id, &cfw, e);
  if (rc) return rc;
  AssessCsvStats tmp;
  if (!st) st = &tmp;
  /* Applied to a throw-away copy first: nothing is stored unless every row is right. */
  if (assess_measures_import(cfw, csv, n, label, d, st) < 0) {
    assess_framework_free(cfw);
    return err_set(e, VERR_INVALID, "%d feil i CSV-filen – ingenting er lagt inn.", d->nerr);
  }
  assess_framework_free(cfw);
  char sha[65], det[300];
  st_sha256_hex(csv, n, sha);
  char *text = strndup(csv, n);
  if (!text) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  int64_t id = 0;
  rc = db_begin(db, e);
  static const char ins[] = "INSERT INTO assess_fw_layers(framework_id, org_id, label, csv, sha256,"
                            " added, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
  /* org_id 0 = a national layer, stored as NULL. */
  if (!rc && org_id)
    rc = db_int(db, e, &id, ins, "llsssil", fw_id, org_id, label, text, sha, (int)st->added, db_now());
  else if (!rc)
    rc = db_int(db, e, &id, ins, "lnsssil", fw_id, label, text, sha, (int)st->added, db_now());
  snprintf(det, sizeof det, "framework=%lld added=%zu sha256=%s", (long long)fw_id, st->added, sha);
  if (!rc) rc = st_audit(db, who, org_id, "assess.framework.layer", "framework_layer", id, det, e);
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  free(text);
  return rc;
}

int assess_store_fw_mapping(Db *db, Arena *a, int64_t old_fw, int64_t new_fw, AssessMapRow **out,
                            size_t *n, Err *e) {
  int64_t cnt = 0;
  *out = NULL;
  *n = 0;
  int rc = db_int(db, e, &cnt, "SELECT count(*) FROM assess_fw_mappings WHERE old_fw = ? AND new_fw = ?",
                  "ll", old_fw, new_fw);
  if (rc || !cnt) return rc;
  AssessMapRow *v = arena_alloc(a, sizeof *v * (size_t)cnt);
  if (!v) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  DbStmt *st = NULL;
  rc = db_query(db, &st, e, "SELECT old_ref, new_ref, kind FROM assess_fw_mappings WHERE old_fw = ?"
                " AND new_fw = ? ORDER BY rowid", "ll", old_fw, new_fw);
  size_t k = 0;
  while (!rc && k < (size_t)cnt && (rc = db_step(st, e)) == DB_ROW) {
    v[k].old_ref = db_col_is_null(st, 0) ? NULL : arena_strdup(a, db_col_text(st, 0));
    v[k].new_ref = db_col_is_null(st, 1) ? NULL : arena_strdup(a, db_col_text(st, 1));
    v[k].kind = arena_strdup(a, db_col_text(st, 2));
    k++;
    rc = 0;
  }
  db_finalize(st);
  if (rc < 0) return rc;
  *out = v;
  *n = k;
  return 0;
}

static int copy_answers(Db *db, const Principal *who, int64_t from, int64_t to, int64_t old_fw,
                        int64_t new_fw, size_t *copied, Err *e) {
  int rc = db_exec(db, e,
      "INSERT OR IGNORE INTO assess_answers(assessment_id, ref_id, level, na, target, comment, responsible,"
      " assessed_on, needs_review, updated_at, updated_by)"
      " SELECT ?, m.new_ref, a.level, a.na, a.target, a.comment, a.responsible, a.assessed_on,"
      " m.kind = 'changed', ?, ? FROM assess_answers a JOIN assess_fw_mappings m"
      " ON m.old_fw = ? AND m.new_fw = ? AND m.old_ref = a.ref_id AND m.kind IN ('kept','changed')"
      " WHERE a.assessment_id = ?", "llslll", to, db_now(), who->username, old_fw, new_fw, from);
  if (!rc) *copied = (size_t)db_changes(db);
  return rc;
}

int assess_store_upgrade(Db *db, const Principal *who, int64_t org_id, int64_t old_fw,
                         int64_t new_fw, size_t *copied, Err *e) {
  *copied = 0;
  int rc = st_allow(db, who, POLICY_WRITE, org_id, e);
  if (rc) return rc;
  int64_t from = 0, to = 0, maps = 0;
  rc = db_int(db, e, &maps, "SELECT count(*) FROM assess_fw_mappings WHERE old_fw = ? AND new_fw = ?",
              "ll", old_fw, new_fw);
  if (!rc && !maps) return err_set(e, VERR_NOTFOUND, "Det finnes ingen kobling mellom disse versjonene.");
  if (!rc) rc = db_begin(db, e);
  if (!rc) rc = st_assessment(db, org_id, old_fw, 0, &from, e);
  if (!rc && !from) rc = err_set(e, VERR_NOTFOUND, "Organisasjonen har ingen vurdering av den gamle versjonen.");
  if (!rc) rc = st_assessment(db, org_id, new_fw, 1, &to, e);
  if (!rc) rc = copy_answers(db, who, from, to, old_fw, new_fw, copied, e);
  char det[120];
  snprintf(det, sizeof det, "from=%lld to=%lld copied=%zu", (long long)old_fw, (long long)new_fw, *copied);
  if (!rc) rc = st_audit(db, who, org_id, "assess.upgrade", "assessment", to, det, e);
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}
