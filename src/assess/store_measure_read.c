/* store_measure_read.c — reading measures back (one, a list, the overdue
 * list), status changes and deletion, and a new measure from a gap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"

static const char m_cols[] =
    "SELECT id, org_id, title, description, owner, deadline, coalesce(cost_once, -1),"
    " coalesce(cost_yearly, -1), financing, status, created_at, updated_at, coalesce(done_at, 0),"
    " deadline <> '' AND deadline < ?1 AND status IN ('planned','active') FROM assess_measures";

static void m_row(DbStmt *st, Arena *a, AssessMeasure *m) {
  memset(m, 0, sizeof *m);
  m->id = db_col_int(st, 0);
  m->org_id = db_col_int(st, 1);
  m->title = arena_strdup(a, db_col_text(st, 2));
  m->description = arena_strdup(a, db_col_text(st, 3));
  m->owner = arena_strdup(a, db_col_text(st, 4));
  m->deadline = arena_strdup(a, db_col_text(st, 5));
  m->cost_once = db_col_int(st, 6);
  m->cost_yearly = db_col_int(st, 7);
  assess_financing_parse(db_col_text(st, 8), &m->financing);
  assess_mstatus_parse(db_col_text(st, 9), &m->status);
  m->created_at = db_col_int(st, 10);
  m->updated_at = db_col_int(st, 11);
  m->done_at = db_col_int(st, 12);
  m->overdue = (int)db_col_int(st, 13);
}

static int m_items(Db *db, Arena *a, AssessMeasure *m, Err *e) {
  int64_t cnt = 0;
  int rc = db_int(db, e, &cnt, "SELECT count(*) FROM assess_measure_items WHERE measure_id = ?", "l", m->id);
  if (rc || !cnt) return rc;
  m->items = arena_alloc(a, sizeof *m->items * (size_t)cnt);
  if (!m->items) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  DbStmt *st = NULL;
  rc = db_query(db, &st, e, "SELECT mi.framework_id, mi.ref_id, coalesce(n.name, ''), f.name"
                " FROM assess_measure_items mi JOIN assess_frameworks f ON f.id = mi.framework_id"
                " LEFT JOIN assess_nodes n ON n.framework_id = mi.framework_id AND n.ref_id = mi.ref_id"
                " WHERE mi.measure_id = ? ORDER BY f.name, n.ord", "l", m->id);
  while (!rc && m->nitems < (size_t)cnt && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    m->items[m->nitems++] = (AssessMeasureItem){db_col_int(st, 0), arena_strdup(a, db_col_text(st, 1)),
                                                arena_strdup(a, db_col_text(st, 2)), arena_strdup(a, db_col_text(st, 3))};
  }
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

static int m_org(Db *db, int64_t id, int64_t *org, Err *e) {
  int rc = db_int(db, e, org, "SELECT org_id FROM assess_measures WHERE id = ?", "l", id);
  if (rc == VERR_NOTFOUND) err_set(e, rc, "Fant ikke tiltaket.");
  return rc;
}

int assess_measure_get(Db *db, const Principal *who, int64_t id, Arena *a, AssessMeasure *out, Err *e) {
  int64_t org = 0;
  int rc = m_org(db, id, &org, e);
  if (!rc) rc = st_allow(db, who, POLICY_READ, org, e);
  char today[11], sql[600];
  st_today(today);
  snprintf(sql, sizeof sql, "%s WHERE id = ?2", m_cols);
  DbStmt *st = NULL;
  if (!rc) rc = db_query(db, &st, e, sql, "sl", today, id);
  if (!rc) rc = db_step(st, e);
  if (rc == DB_ROW) m_row(st, a, out), rc = 0;
  else if (rc == DB_DONE) rc = err_set(e, VERR_NOTFOUND, "Fant ikke tiltaket.");
  db_finalize(st);
  if (!rc) rc = m_items(db, a, out, e);
  return rc;
}

int assess_measure_list(Db *db, const Principal *who, int64_t org_id, int which, Arena *a,
                        AssessMeasure **out, size_t *n, Err *e) {
  *out = NULL;
  *n = 0;
  int64_t cnt = 0;
  int rc = st_allow(db, who, POLICY_READ, org_id, e);
  if (!rc) rc = db_int(db, e, &cnt, "SELECT count(*) FROM assess_measures WHERE org_id = ?", "l", org_id);
  if (rc || !cnt) return rc;
  AssessMeasure *v = arena_alloc(a, sizeof *v * (size_t)cnt);
  if (!v) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  char today[11], sql[800];
  st_today(today);
  snprintf(sql, sizeof sql, "%s WHERE org_id = ?2 ORDER BY deadline = '', deadline, id", m_cols);
  DbStmt *st = NULL;
  rc = db_query(db, &st, e, sql, "sl", today, org_id);
  size_t k = 0;
  while (!rc && k < (size_t)cnt && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    m_row(st, a, &v[k]);
    int open = v[k].status == ASSESS_MS_PLANNED || v[k].status == ASSESS_MS_ACTIVE;
    if ((which == ASSESS_ML_OPEN && !open) || (which == ASSESS_ML_OVERDUE && !v[k].overdue)) continue;
    k++;
  }
  db_finalize(st);
  for (size_t i = 0; !rc && i < k; i++) rc = m_items(db, a, &v[i], e);
  if (rc < 0) return rc;
  *out = v;
  *n = k;
  return 0;
}

int assess_measure_set_status(Db *db, const Principal *who, int64_t id, AssessMeasureStatus s, Err *e) {
  Arena *a = arena_new(1 << 20);
  if (!a) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  AssessMeasure m;
  int rc = assess_measure_get(db, who, id, a, &m, e);
  if (!rc) {
    m.status = s;
    rc = assess_measure_save(db, who, &m, NULL, e);
  }
  arena_free(a);
  return rc;
}

int assess_measure_delete(Db *db, const Principal *who, int64_t id, Err *e) {
  int64_t org = 0;
  int rc = m_org(db, id, &org, e);
  if (!rc) rc = st_allow(db, who, POLICY_WRITE, org, e);
  if (!rc) rc = db_begin(db, e);
  if (rc) return rc;
  rc = db_exec(db, e, "DELETE FROM assess_measures WHERE id = ?", "l", id);
  if (!rc) rc = st_audit(db, who, org, "assess.measure.delete", "measure", id, NULL, e);
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

/* Whole NOK from the item's estimate: the lower bound, else the upper. */
static long long cost_of(long long lo, long long hi) { return lo >= 0 ? lo : hi; }

int assess_measure_from_gap(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                            const char *ref_id, int64_t *id, Err *e) {
  int rc = st_allow(db, who, POLICY_WRITE, org_id, e);
  const AssessFramework *fw = NULL;
  if (!rc) rc = assess_store_fw_load(db, fw_id, org_id, &fw, e);
  if (rc) return rc;
  int i = ref_id ? assess_framework_find(fw, ref_id) : -1;
  if (i < 0) {
    assess_store_fw_release(fw);
    return err_set(e, VERR_INVALID, "Ukjent punkt «%.64s».", ref_id ? ref_id : "");
  }
  const AssessNode *nd = &fw->nodes[i];
  char deadline[11];
  char title[ASSESS_NAME_MAX * 4];
  snprintf(title, sizeof title, "%s %s", nd->ref_id, nd->name ? nd->name : "");
  st_cut_utf8(title, ASSESS_NAME_MAX);
  st_date_plus(90, deadline);
  AssessMeasureItem it = {fw_id, nd->ref_id, NULL, NULL};
  AssessMeasure m = {.org_id = org_id, .title = title, .description = "", .owner = "", .deadline = deadline,
                     .cost_once = cost_of(nd->cost.once_min, nd->cost.once_max),
                     .cost_yearly = cost_of(nd->cost.yearly_min, nd->cost.yearly_max),
                     .financing = ASSESS_FIN_SELF, .status = ASSESS_MS_PLANNED, .items = &it, .nitems = 1};
  if (!nd->cost.present) m.cost_once = m.cost_yearly = -1;
  rc = assess_measure_save(db, who, &m, id, e);
  assess_store_fw_release(fw);
  return rc;
}
