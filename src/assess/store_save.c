/* store_save.c — save-as-you-go of one item's answer: checks, a history row
 * per changed field (old -> new), the audit entry, all in one transaction;
 * and reading that history back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"

typedef struct Row {     /* the stored answer as text, for history */
  char level[12], na[4], target[12];
  char *comment, *responsible, *assessed_on;
} Row;

static void row_free(Row *r) {
  free(r->comment);
  free(r->responsible);
  free(r->assessed_on);
}

static int row_read(Db *db, int64_t aid, const char *ref, Row *r, int *exists, Err *e) {
  memset(r, 0, sizeof *r);
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, "SELECT level, na, target, comment, responsible, assessed_on"
                    " FROM assess_answers WHERE assessment_id = ? AND ref_id = ?", "ls", aid, ref);
  if (!rc) rc = db_step(st, e);
  *exists = rc == DB_ROW;
  if (rc == DB_ROW) {
    if (!db_col_is_null(st, 0)) snprintf(r->level, sizeof r->level, "%lld", (long long)db_col_int(st, 0));
    snprintf(r->na, sizeof r->na, "%s", db_col_int(st, 1) ? "ja" : "");
    if (!db_col_is_null(st, 2)) snprintf(r->target, sizeof r->target, "%lld", (long long)db_col_int(st, 2));
  }
  r->comment = strdup(rc == DB_ROW ? db_col_text(st, 3) : "");
  r->responsible = strdup(rc == DB_ROW ? db_col_text(st, 4) : "");
  r->assessed_on = strdup(rc == DB_ROW ? db_col_text(st, 5) : "");
  db_finalize(st);
  if (!r->comment || !r->responsible || !r->assessed_on) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  return rc < 0 ? rc : 0;
}

static int check_in(const AssessFramework *fw, const AssessAnswerIn *in, Err *e) {
  int i = in->ref_id ? assess_framework_find(fw, in->ref_id) : -1;
  if (i < 0) return err_set(e, VERR_INVALID, "Ukjent punkt «%.64s».", in->ref_id ? in->ref_id : "");
  if (!fw->nodes[i].assessable)
    return err_set(e, VERR_INVALID, "Punkt %s vurderes ikke direkte.", fw->nodes[i].ref_id);
  const AssessScale *s = &fw->scale;
  if ((in->fields & ASSESS_F_LEVEL) && in->level >= 0 && !assess_scale_level(s, in->level))
    return err_set(e, VERR_INVALID, "Nivå %d finnes ikke på skalaen (%d–%d).", in->level, s->min, s->max);
  if ((in->fields & ASSESS_F_TARGET) && in->target >= 0 && !assess_scale_level(s, in->target))
    return err_set(e, VERR_INVALID, "Målnivå %d finnes ikke på skalaen (%d–%d).", in->target, s->min, s->max);
  if ((in->fields & ASSESS_F_DATE) && in->assessed_on && *in->assessed_on && !st_date_ok(in->assessed_on))
    return err_set(e, VERR_INVALID, "Datoen må skrives ÅÅÅÅ-MM-DD.");
  int rc = 0;
  if (in->fields & ASSESS_F_COMMENT) rc = st_text_ok(in->comment, ASSESS_TEXT_MAX, "Kommentaren", e);
  if (!rc && (in->fields & ASSESS_F_RESPONSIBLE))
    rc = st_line_ok(in->responsible, ASSESS_NAME_MAX, "Ansvarlig", e);
  return rc;
}

static int hist(Db *db, const Principal *who, int64_t aid, const char *ref, const char *field,
                const char *old, const char *neu, int *changes, Err *e) {
  if (!strcmp(old, neu)) return 0;
  (*changes)++;
  return db_exec(db, e, "INSERT INTO assess_history(assessment_id, ref_id, field, old_value, new_value,"
                 " at, user_id, username) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "lssssl" "ls", aid, ref,
                 field, old, neu, db_now(), who->user_id, who->username);
}

/* The new row: the old one with the named fields replaced. */
static void row_apply(const Row *o, const AssessAnswerIn *in, Row *n) {
  *n = *o;
  if (in->fields & ASSESS_F_NA) snprintf(n->na, sizeof n->na, "%s", in->na ? "ja" : "");
  if (in->fields & ASSESS_F_LEVEL) {
    if (in->level >= 0) snprintf(n->level, sizeof n->level, "%d", in->level);
    else n->level[0] = 0;
  }
  if (in->fields & ASSESS_F_TARGET) {
    if (in->target >= 0) snprintf(n->target, sizeof n->target, "%d", in->target);
    else n->target[0] = 0;
  }
  if (in->fields & ASSESS_F_COMMENT) n->comment = (char *)(in->comment ? in->comment : "");
  if (in->fields & ASSESS_F_RESPONSIBLE) n->responsible = (char *)(in->responsible ? in->responsible : "");
  if (in->fields & ASSESS_F_DATE) n->assessed_on = (char *)(in->assessed_on ? in->assessed_on : "");
}

static int write_row(Db *db, const Principal *who, int64_t aid, const char *ref, const Row *n, Err *e) {
  return db_exec(db, e,
      "INSERT INTO assess_answers(assessment_id, ref_id, level, na, target, comment, responsible,"
      " assessed_on, needs_review, updated_at, updated_by) VALUES (?, ?, CAST(nullif(?, '') AS INTEGER),"
      " ?, CAST(nullif(?, '') AS INTEGER), ?, ?, ?, 0, ?, ?)"
      " ON CONFLICT (assessment_id, ref_id) DO UPDATE SET level = excluded.level, na = excluded.na,"
      " target = excluded.target, comment = excluded.comment, responsible = excluded.responsible,"
      " assessed_on = excluded.assessed_on, needs_review = 0, updated_at = excluded.updated_at,"
      " updated_by = excluded.updated_by", "lssissssls", aid, ref, n->level, n->na[0] != 0, n->target,
      n->comment, n->responsible, n->assessed_on, db_now(), who->username);
}

static int save_tx(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, const AssessAnswerIn *in,
                   Err *e) {
  int64_t aid = 0;
  int exists = 0, changes = 0;
  Row o, n;
  int rc = st_assessment(db, org_id, fw_id, 1, &aid, e);
  if (!rc) rc = row_read(db, aid, in->ref_id, &o, &exists, e);
  if (rc) { row_free(&o); return rc; }
  row_apply(&o, in, &n);
  const char *ref = in->ref_id;
  rc = hist(db, who, aid, ref, "level", o.level, n.level, &changes, e);
  if (!rc) rc = hist(db, who, aid, ref, "na", o.na, n.na, &changes, e);
  if (!rc) rc = hist(db, who, aid, ref, "target", o.target, n.target, &changes, e);
  if (!rc) rc = hist(db, who, aid, ref, "comment", o.comment, n.comment, &changes, e);
  if (!rc) rc = hist(db, who, aid, ref, "responsible", o.responsible, n.responsible, &changes, e);
  if (!rc) rc = hist(db, who, aid, ref, "assessed_on", o.assessed_on, n.assessed_on, &changes, e);
  if (!rc && (changes || !exists)) rc = write_row(db, who, aid, ref, &n, e);
  if (!rc && changes) {
    rc = db_exec(db, e, "UPDATE assess_assessments SET updated_at = ? WHERE id = ?", "ll", db_now(), aid);
    char det[120];
    snprintf(det, sizeof det, "item=%.64s changes=%d", ref, changes);
    if (!rc) rc = st_audit(db, who, org_id, "assess.answer", "assessment", aid, det, e);
    if (!rc) rc = st_campaign_touch(db, org_id, fw_id, ASSESS_RECIP_STARTED, e);
  }
  row_free(&o);
  return rc;
}

int st_save_in(Db *db, const Principal *who, const AssessFramework *fw, int64_t org_id, int64_t fw_id,
               const AssessAnswerIn *in, Err *e) {
  int rc = check_in(fw, in, e);
  return rc ? rc : save_tx(db, who, org_id, fw_id, in, e);
}

int assess_store_save(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                      const AssessAnswerIn *in, Err *e) {
  int rc = st_allow(db, who, POLICY_WRITE, org_id, e);
  if (rc) return rc;
  const AssessFramework *fw = NULL;
  rc = assess_store_fw_load(db, fw_id, org_id, &fw, e);
  if (!rc) rc = check_in(fw, in, e);
  assess_store_fw_release(fw);
  if (!rc) rc = db_begin(db, e);
  if (rc) return rc;
  rc = save_tx(db, who, org_id, fw_id, in, e);
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

static int many_tx(Db *db, const Principal *who, const AssessFramework *fw, int64_t org_id, int64_t fw_id,
                   const AssessAnswerIn *v, size_t n, const size_t *rows, size_t *changed, Err *e) {
  int64_t before = 0, after = 0;
  int rc = db_int(db, e, &before, "SELECT count(*) FROM assess_history", "");
  for (size_t i = 0; !rc && i < n; i++) {
    rc = st_save_in(db, who, fw, org_id, fw_id, &v[i], e);
    if (rc) {
      char msg[sizeof e->msg];
      snprintf(msg, sizeof msg, "%s", e->msg);
      err_set(e, rc, "%s %zu (punkt %.64s): %s", rows ? "Rad" : "Svar nr.", rows ? rows[i] : i + 1,
              v[i].ref_id ? v[i].ref_id : "", msg);
    }
  }
  if (!rc) rc = db_int(db, e, &after, "SELECT count(*) FROM assess_history", "");
  if (!rc) *changed = (size_t)(after - before);
  return rc;
}

int assess_store_save_many(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, const AssessAnswerIn *v,
                           size_t n, const size_t *rows, size_t *changed, Err *e) {
  *changed = 0;
  if (n > 100000) return err_set(e, VERR_TOOBIG, "For mange svar på én gang.");
  int rc = st_allow(db, who, POLICY_WRITE, org_id, e);
  const AssessFramework *fw = NULL;
  if (!rc) rc = assess_store_fw_load(db, fw_id, org_id, &fw, e);
  if (!rc) rc = db_begin(db, e);
  if (!rc) {
    rc = many_tx(db, who, fw, org_id, fw_id, v, n, rows, changed, e);
    if (!rc) rc = db_commit(db, e);
    if (rc) db_rollback(db), *changed = 0;
  }
  assess_store_fw_release(fw);
  return rc;
}

int assess_store_history(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                         const char *ref_id, int limit, Arena *a, AssessHist **out, size_t *n,
                         Err *e) {
  *out = NULL;
  *n = 0;
  int64_t aid = 0;
  int rc = st_allow(db, who, POLICY_READ, org_id, e);
  if (!rc) rc = st_assessment(db, org_id, fw_id, 0, &aid, e);
  if (rc || !aid) return rc;
  if (limit <= 0 || limit > 10000) limit = 500;
  AssessHist *v = arena_alloc(a, sizeof *v * (size_t)limit);
  if (!v) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  DbStmt *st = NULL;
  rc = db_query(db, &st, e, "SELECT at, username, ref_id, field, old_value, new_value FROM assess_history"
                " WHERE assessment_id = ? AND (? IS NULL OR ref_id = ?) ORDER BY id DESC LIMIT ?",
                "lssi", aid, ref_id, ref_id, limit);
  size_t k = 0;
  while (!rc && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    v[k] = (AssessHist){db_col_int(st, 0), arena_strdup(a, db_col_text(st, 1)),
                        arena_strdup(a, db_col_text(st, 2)), arena_strdup(a, db_col_text(st, 3)),
                        arena_strdup(a, db_col_text(st, 4)), arena_strdup(a, db_col_text(st, 5))};
    k++;
  }
  db_finalize(st);
  if (rc < 0) return rc;
  *out = v;
  *n = k;
  return 0;
}
