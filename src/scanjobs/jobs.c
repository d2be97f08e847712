/* jobs.c — schedules and the jobs made from them: creation (scope and port
 * syntax checked first), "run now", due schedules turned into jobs when
 * their sensor asks, and the job list a sensor pulls. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "db/db.h"
#include "scan/ports.h"
#include "scanjobs/scanjobs.h"
#include "scanjobs/scanjobs_int.h"

static int ports_ok(const char *spec, Err *e) {
  ScanPorts *p = calloc(1, sizeof *p);
  if (!p) return err_set(e, VERR_NOMEM, "tomt for minne");
  Err pe = {0};
  int rc = spec && strlen(spec) <= 500 ? scan_ports_parse(p, spec, &pe) : VERR_INVALID;
  scan_ports_free(p);
  free(p);
  if (rc) return err_set(e, VERR_INVALID, "Ugyldige porter «%.100s»: %s", spec ? spec : "",
                         pe.msg[0] ? pe.msg : "bruk top100, top1000, all, 22,80,8000-8100");
  return 0;
}

static int schedule_check(Db *db, int64_t org, const ScanjobsSchedule *s, Err *e) {
  size_t n = s->name ? strlen(s->name) : 0;
  if (n < 1 || n > 100) return err_set(e, VERR_INVALID, "Planen trenger et navn (1–100 tegn).");
  if (s->interval_s < 0 || s->interval_s > 366 * 86400)
    return err_set(e, VERR_INVALID, "Ugyldig intervall.");
  if (s->targets && strlen(s->targets) > 2000) return err_set(e, VERR_INVALID, "For mange mål.");
  int rc = ports_ok(s->ports, e);
  if (rc) return rc;
  int64_t ok = 0;
  rc = db_int(db, e, &ok, "SELECT count(*) FROM scan_sensors WHERE id = ? AND org_id = ? AND"
              " revoked_at IS NULL", "ll", s->sensor_id, org);
  if (rc) return rc;
  if (!ok) return err_set(e, VERR_INVALID, "Velg en aktiv sensor i organisasjonen.");
  if (s->targets && s->targets[strspn(s->targets, ", \t\r\n")])
    return scanjobs_scope_check(db, org, s->targets, e);
  char *scope = NULL;
  if ((rc = scanjobs_scope_list(db, org, &scope, e))) return rc;
  int empty = !scope[0];
  free(scope);
  return empty ? err_set(e, VERR_DENIED, "Nektet: organisasjonen har ikke noe bekreftet "
                         "skanneomfang ennå.") : 0;
}

int scanjobs_schedule_create(Db *db, const Principal *who, int64_t org,
                             const ScanjobsSchedule *s, int64_t *id, Err *e) {
  int rc = schedule_check(db, org, s, e);
  if (rc) return rc;
  const char *targets = s->targets && s->targets[strspn(s->targets, ", \t\r\n")] ? s->targets : NULL;
  int64_t now = db_now();
  if ((rc = db_begin(db, e))) return rc;
  rc = db_int(db, e, id, "INSERT INTO scan_schedules (org_id, sensor_id, name, targets, ports,"
              " interval_s, next_run, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
              " NULLIF(?, 0), ?) RETURNING id", "llsssllll", org, s->sensor_id, s->name, targets,
              s->ports, s->interval_s, now, who->user_id, now);
  char det[256];
  snprintf(det, sizeof det, "%.60s: %.120s porter %.40s", s->name, targets ? targets : "hele omfanget",
           s->ports);
  AuditEvent ev = {who, org, "scan.schedule.create", "scan_schedule", NULL, det};
  if (rc == 0) rc = audit_append(db, &ev, NULL, e);
  if (rc == 0) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

/* Reads what a job needs from schedule sid; strings malloc'd. */
static int schedule_load(Db *db, int64_t org, int64_t sid, char **targets, char **ports,
                         int64_t *sensor, Err *e) {
  DbStmt *st;
  int rc = db_query(db, &st, e, "SELECT targets, ports, sensor_id FROM scan_schedules"
                    " WHERE id = ? AND org_id = ?", "ll", sid, org);
  if (rc) return rc;
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    *targets = db_col_is_null(st, 0) ? NULL : strdup(db_col_text(st, 0));
    *ports = strdup(db_col_text(st, 1));
    *sensor = db_col_int(st, 2);
  }
  db_finalize(st);
  if (rc < 0) return rc;
  return rc == DB_ROW ? 0 : err_set(e, VERR_NOTFOUND, "Fant ikke skanneplanen.");
}

int scanjobs__queue_job(Db *db, int64_t org, int64_t sid, int64_t *job_id, Err *e) {
  char *targets = NULL, *ports = NULL, *scope = NULL;
  int64_t sensor = 0;
  unsigned rate, conc;
  int rc = schedule_load(db, org, sid, &targets, &ports, &sensor, e);
  if (rc == 0) rc = scanjobs_scope_list(db, org, &scope, e);
  if (rc == 0 && !scope[0])
    rc = err_set(e, VERR_DENIED, "Nektet: organisasjonen har ikke noe bekreftet skanneomfang.");
  if (rc == 0 && targets) rc = scanjobs_scope_check(db, org, targets, e);
  if (rc == 0) rc = scanjobs_limits_get(db, org, &rate, &conc, e);
  if (rc == 0)
    rc = db_int(db, e, job_id, "INSERT INTO scan_jobs (org_id, schedule_id, sensor_id, targets,"
                " ports, scope, full_scope, rate, concurrency, created_at) VALUES (?, ?, ?, ?, ?,"
                " ?, ?, ?, ?, ?) RETURNING id", "lllsssiiil", org, sid, sensor,
                targets ? targets : scope, ports, scope, targets ? 0 : 1, (int)rate, (int)conc,
                db_now());
  free(targets);
  free(ports);
  free(scope);
  return rc;
}

int scanjobs_schedule_run_now(Db *db, const Principal *who, int64_t org, int64_t sid,
                              int64_t *job_id, Err *e) {
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = scanjobs__queue_job(db, org, sid, job_id, e);
  char det[64];
  snprintf(det, sizeof det, "schedule=%lld job=%lld", (long long)sid, (long long)*job_id);
  AuditEvent ev = {who, org, "scan.job.create", "scan_job", NULL, det};
  if (rc == 0) rc = audit_append(db, &ev, NULL, e);
  if (rc == 0) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

/* One due schedule: queue its job and move next_run (NULL for a one-off);
 * a schedule whose scope no longer holds is disabled, and says why. */
static int materialise_one(Db *db, int64_t sid, int64_t org, int64_t interval, int64_t now,
                           Err *e) {
  int64_t job = 0;
  int rc = db_begin(db, e);
  if (rc) return rc;
  Err qe = {0};
  int q = scanjobs__queue_job(db, org, sid, &job, &qe);
  if (q == VERR_DENIED || q == VERR_INVALID) {
    rc = db_exec(db, e, "UPDATE scan_schedules SET enabled = 0 WHERE id = ?", "l", sid);
    AuditEvent ev = {NULL, org, "scan.schedule.disable", "scan_schedule", NULL, qe.msg};
    if (rc == 0) rc = audit_append(db, &ev, NULL, e);
  } else if (q) {
    rc = err_set(e, q, "%s", qe.msg);
  } else {
    rc = db_exec(db, e, "UPDATE scan_schedules SET next_run = CASE WHEN ? > 0 THEN ? ELSE NULL"
                 " END WHERE id = ?", "lll", interval, now + interval, sid);
    char det[64];
    snprintf(det, sizeof det, "schedule=%lld job=%lld", (long long)sid, (long long)job);
    AuditEvent ev = {NULL, org, "scan.job.create", "scan_job", NULL, det};
    if (rc == 0) rc = audit_append(db, &ev, NULL, e);
  }
  if (rc == 0) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

static int materialise_due(Db *db, int64_t sensor, int64_t now, Err *e) {
  DbStmt *st;
  int rc = db_query(db, &st, e, "SELECT id, org_id, interval_s FROM scan_schedules WHERE"
                    " sensor_id = ? AND enabled = 1 AND next_run IS NOT NULL AND next_run <= ?"
                    " ORDER BY id LIMIT 20", "ll", sensor, now);
  if (rc) return rc;
  int64_t v[20][3];
  int n = 0;
  while (n < 20 && (rc = db_step(st, e)) == DB_ROW) {
    for (int k = 0; k < 3; k++) v[n][k] = db_col_int(st, k);
    n++;
  }
  db_finalize(st);
  if (rc < 0) return rc;
  for (int i = 0; i < n; i++)
    if ((rc = materialise_one(db, v[i][0], v[i][1], v[i][2], now, e))) return rc;
  return 0;
}

static json_t *job_json(DbStmt *st) {
  return json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:b}", "id", (json_int_t)db_col_int(st, 0),
                   "targets", db_col_text(st, 1), "ports", db_col_text(st, 2), "scope",
                   db_col_text(st, 3), "rate", (json_int_t)db_col_int(st, 4), "concurrency",
                   (json_int_t)db_col_int(st, 5), "state", db_col_text(st, 6), "full_scope",
                   (int)db_col_int(st, 7));
}

int scanjobs_sensor_jobs(Db *db, int64_t sensor, int64_t now, Buf *out, Err *e) {
  int rc = materialise_due(db, sensor, now, e);
  DbStmt *st;
  if (rc == 0)
    rc = db_query(db, &st, e, "SELECT id, targets, ports, scope, rate, concurrency, state,"
                  " full_scope FROM scan_jobs WHERE sensor_id = ? AND state IN ('queued','running')"
                  " ORDER BY id LIMIT 50", "l", sensor);
  if (rc) return rc;
  json_t *arr = json_array();
  while ((rc = db_step(st, e)) == DB_ROW) json_array_append_new(arr, job_json(st));
  db_finalize(st);
  json_t *doc = json_pack("{s:o}", "jobs", arr);
  char *s = rc >= 0 && doc ? json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
  json_decref(doc);
  if (rc < 0) return rc;
  if (!s) return err_set(e, VERR_NOMEM, "tomt for minne");
  buf_puts(out, s);
  free(s);
  return out->err ? err_set(e, VERR_NOMEM, "tomt for minne") : 0;
}

int scanjobs_job_start(Db *db, int64_t sensor, int64_t job, Err *e) {
  int rc = db_exec(db, e, "UPDATE scan_jobs SET state = 'running', started_at = coalesce("
                   "started_at, ?) WHERE id = ? AND sensor_id = ? AND state IN ('queued','running')",
                   "lll", db_now(), job, sensor);
  if (rc == 0 && db_changes(db) == 0) {
    int64_t n = 0;
    rc = db_int(db, e, &n, "SELECT count(*) FROM scan_jobs WHERE id = ? AND sensor_id = ?", "ll",
                job, sensor);
    if (rc == 0 && !n) rc = err_set(e, VERR_NOTFOUND, "Ukjent jobb.");
    else if (rc == 0) rc = err_set(e, VERR_CONFLICT, "Jobben er allerede avsluttet.");
  }
  return rc;
}
