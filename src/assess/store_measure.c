/* store_measure.c — measures (tiltaksplan): create, update, status (done
 * flags the linked items for re-assessment), delete, list, overdue, from a gap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"

static const char *const fin_names[] = {"self", "shared", "base"};
static const char *const fin_labels[] = {"Egenfinansiert", "Kostnadsdelt etter nøkkel", "Grunnfinansiert"};
static const char *const ms_names[] = {"planned", "active", "done", "cancelled"};
static const char *const ms_labels[] = {"Planlagt", "Pågår", "Fullført", "Avbrutt"};

const char *assess_financing_name(AssessFinancing f) { return (unsigned)f < 3 ? fin_names[f] : "self"; }
const char *assess_financing_label(AssessFinancing f) { return (unsigned)f < 3 ? fin_labels[f] : fin_labels[0]; }
const char *assess_mstatus_name(AssessMeasureStatus s) { return (unsigned)s < 4 ? ms_names[s] : "planned"; }
const char *assess_mstatus_label(AssessMeasureStatus s) { return (unsigned)s < 4 ? ms_labels[s] : ms_labels[0]; }

int assess_financing_parse(const char *s, AssessFinancing *out) {
  for (int i = 0; s && i < 3; i++)
    if (!strcmp(s, fin_names[i])) { *out = (AssessFinancing)i; return 0; }
  return VERR_INVALID;
}

int assess_mstatus_parse(const char *s, AssessMeasureStatus *out) {
  for (int i = 0; s && i < 4; i++)
    if (!strcmp(s, ms_names[i])) { *out = (AssessMeasureStatus)i; return 0; }
  return VERR_INVALID;
}

static int measure_check(Db *db, const AssessMeasure *m, Err *e) {
  if (!m->title || !*m->title) return err_set(e, VERR_INVALID, "Tiltaket må ha en tittel.");
  int rc = st_line_ok(m->title, ASSESS_NAME_MAX, "Tittelen", e);
  if (!rc) rc = st_text_ok(m->description ? m->description : "", ASSESS_TEXT_MAX, "Beskrivelsen", e);
  if (!rc) rc = st_line_ok(m->owner ? m->owner : "", ASSESS_NAME_MAX, "Ansvarlig", e);
  if (rc) return rc;
  if (m->deadline && *m->deadline && !st_date_ok(m->deadline))
    return err_set(e, VERR_INVALID, "Fristen må skrives ÅÅÅÅ-MM-DD.");
  if (m->cost_once < -1 || m->cost_yearly < -1 || m->cost_once > 1000000000000LL || m->cost_yearly > 1000000000000LL)
    return err_set(e, VERR_INVALID, "Kostnadene må være hele kroner (0 eller mer).");
  if ((unsigned)m->financing > 2 || (unsigned)m->status > 3)
    return err_set(e, VERR_INVALID, "Ukjent finansieringsmodell eller status.");
  for (size_t i = 0; i < m->nitems; i++) {
    int64_t ok = 0;
    int q = db_int(db, e, &ok, "SELECT count(*) FROM assess_nodes WHERE framework_id = ? AND ref_id = ?", "ls",
                   m->items[i].fw_id, m->items[i].ref_id ? m->items[i].ref_id : "");
    if (q) return q;
    if (!ok) return err_set(e, VERR_INVALID, "Ukjent punkt «%.64s» i tiltakets koblinger.",
                            m->items[i].ref_id ? m->items[i].ref_id : "");
  }
  return 0;
}

/* Every item linked to measure id is flagged for re-assessment. */
static int flag_items(Db *db, int64_t id, int64_t org, Err *e) {
  return db_exec(db, e, "UPDATE assess_answers SET needs_review = 1 WHERE (assessment_id, ref_id) IN"
                 " (SELECT a.id, mi.ref_id FROM assess_measure_items mi JOIN assess_assessments a"
                 " ON a.framework_id = mi.framework_id AND a.org_id = ? WHERE mi.measure_id = ?)", "ll", org, id);
}

static int write_measure(Db *db, const AssessMeasure *m, int64_t *id, Err *e) {
  int64_t now = db_now();
  const char *done = m->status == ASSESS_MS_DONE ? "1" : "0";
  int rc;
  if (!m->id)
    rc = db_int(db, e, id, "INSERT INTO assess_measures(org_id, title, description, owner, deadline, cost_once,"
                " cost_yearly, financing, status, created_at, updated_at, done_at) VALUES (?, ?, ?, ?, ?,"
                " nullif(?, -1), nullif(?, -1), ?, ?, ?, ?, CASE WHEN ? = '1' THEN ? END) RETURNING id",
                "lssssllsslls" "l", m->org_id, m->title, m->description ? m->description : "",
                m->owner ? m->owner : "", m->deadline ? m->deadline : "", (int64_t)m->cost_once,
                (int64_t)m->cost_yearly, assess_financing_name(m->financing), assess_mstatus_name(m->status),
                now, now, done, now);
  else {
    *id = m->id;
    rc = db_exec(db, e, "UPDATE assess_measures SET title = ?, description = ?, owner = ?, deadline = ?,"
                 " cost_once = nullif(?, -1), cost_yearly = nullif(?, -1), financing = ?, status = ?,"
                 " updated_at = ?, done_at = CASE WHEN ? = '1' THEN coalesce(done_at, ?) END WHERE id = ?",
                 "ssssllsslsll", m->title, m->description ? m->description : "", m->owner ? m->owner : "",
                 m->deadline ? m->deadline : "", (int64_t)m->cost_once, (int64_t)m->cost_yearly,
                 assess_financing_name(m->financing), assess_mstatus_name(m->status), now, done, now, m->id);
  }
  if (!rc && m->id) rc = db_exec(db, e, "DELETE FROM assess_measure_items WHERE measure_id = ?", "l", *id);
  for (size_t i = 0; !rc && i < m->nitems; i++)
    rc = db_exec(db, e, "INSERT OR IGNORE INTO assess_measure_items VALUES (?, ?, ?)", "lls", *id,
                 m->items[i].fw_id, m->items[i].ref_id);
  return rc;
}

/* Resolves the owner of an existing measure and checks the write. */
static int measure_owner(Db *db, const Principal *who, AssessMeasure *m, int64_t *was_done, Err *e) {
  *was_done = 0;
  if (m->id) {
    int64_t org = 0;
    int rc = db_int(db, e, &org, "SELECT org_id FROM assess_measures WHERE id = ?", "l", m->id);
    if (rc == VERR_NOTFOUND || (!rc && m->org_id && m->org_id != org))
      return err_set(e, VERR_NOTFOUND, "Fant ikke tiltaket.");
    if (rc) return rc;
    m->org_id = org;
  }
  int rc = st_allow(db, who, POLICY_WRITE, m->org_id, e);
  if (!rc) rc = measure_check(db, m, e);
  if (!rc && m->id) rc = db_int(db, e, was_done, "SELECT status = 'done' FROM assess_measures WHERE id = ?",
                                "l", m->id);
  return rc;
}

int st_measure_save_in(Db *db, const Principal *who, AssessMeasure *m, int64_t *id, Err *e) {
  int64_t mid = 0, was_done = 0;
  int rc = measure_owner(db, who, m, &was_done, e);
  if (!rc) rc = write_measure(db, m, &mid, e);
  if (!rc && m->status == ASSESS_MS_DONE && !was_done) rc = flag_items(db, mid, m->org_id, e);
  char det[300];
  snprintf(det, sizeof det, "status=%s title=%.200s", assess_mstatus_name(m->status), m->title);
  if (!rc) rc = st_audit(db, who, m->org_id, m->id ? "assess.measure.update" : "assess.measure.create", "measure",
                         mid, det, e);
  if (!rc && id) *id = mid;
  return rc;
}

int assess_measure_save(Db *db, const Principal *who, AssessMeasure *m, int64_t *id, Err *e) {
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = st_measure_save_in(db, who, m, id, e);
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

int assess_measure_save_many(Db *db, const Principal *who, int64_t org_id, AssessMeasure *v, size_t n, Err *e) {
  if (n > 50000) return err_set(e, VERR_TOOBIG, "For mange tiltak på én gang.");
  int rc = st_allow(db, who, POLICY_WRITE, org_id, e);
  for (size_t i = 0; !rc && i < n; i++) {
    int64_t owner = 0;
    if (v[i].id && (db_int(db, e, &owner, "SELECT org_id FROM assess_measures WHERE id = ?", "l", v[i].id) ||
                    owner != org_id))
      v[i].id = 0;   /* another organisation's id (or none): a new measure */
    err_clear(e);
    v[i].org_id = org_id;
  }
  if (!rc) rc = db_begin(db, e);
  if (rc) return rc;
  for (size_t i = 0; !rc && i < n; i++) {
    rc = st_measure_save_in(db, who, &v[i], NULL, e);
    if (rc) {
      char msg[sizeof e->msg];
      snprintf(msg, sizeof msg, "%s", e->msg);
      err_set(e, rc, "Tiltak nr. %zu: %s – ingenting er lagret.", i + 1, msg);
    }
  }
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}
