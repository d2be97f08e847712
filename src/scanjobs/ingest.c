/* ingest.c — result parts into runs: each (job, part) is stored once, and
 * when the last part is in, the report is checked with src/scan's parser,
 * the run and its per-port results are written, observations updated and
 * the run's services matched into findings (findings.c) — all in one
 * transaction, so a crash leaves either nothing or everything. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "db/db.h"
#include "findings/scan.h"
#include "scan/diff.h"
#include "scanjobs/scanjobs.h"
#include "scanjobs/scanjobs_int.h"

typedef struct JobRow {
  int64_t org, schedule;
  int full_scope;
  char state[16];
  char *scope;
} JobRow;

static int job_load(Db *db, int64_t sensor, int64_t job, JobRow *j, Err *e) {
  DbStmt *st;
  int rc = db_query(db, &st, e, "SELECT org_id, coalesce(schedule_id, 0), full_scope, state, scope"
                    " FROM scan_jobs WHERE id = ? AND sensor_id = ?", "ll", job, sensor);
  if (rc) return rc;
  rc = db_step(st, e);
  if (rc == DB_ROW) {
    j->org = db_col_int(st, 0);
    j->schedule = db_col_int(st, 1);
    j->full_scope = (int)db_col_int(st, 2);
    snprintf(j->state, sizeof j->state, "%s", db_col_text(st, 3));
    j->scope = strdup(db_col_text(st, 4));
  }
  db_finalize(st);
  if (rc < 0) return rc;
  return rc == DB_ROW ? 0 : err_set(e, VERR_NOTFOUND, "Ukjent jobb.");
}

/* The whole report, parts in order (malloc'd). */
static int assemble(Db *db, int64_t job, char **out, size_t *len, Err *e) {
  DbStmt *st;
  int rc = db_query(db, &st, e, "SELECT body FROM scan_job_parts WHERE job_id = ? ORDER BY part",
                    "l", job);
  if (rc) return rc;
  Buf b;
  buf_init(&b, (size_t)SCANJOBS_PARTS_MAX * SCANJOBS_PART_MAX);
  while ((rc = db_step(st, e)) == DB_ROW) buf_puts(&b, db_col_text(st, 0));
  db_finalize(st);
  if (rc < 0 || b.err) {
    buf_free(&b);
    return rc < 0 ? rc : err_set(e, VERR_NOMEM, "tomt for minne");
  }
  *len = b.n;
  *out = b.p ? buf_take(&b) : strdup("");
  return *out ? 0 : err_set(e, VERR_NOMEM, "tomt for minne");
}

static int64_t count_hosts(const char *report, size_t len) {
  const char *nl = memchr(report, '\n', len);
  json_t *o = json_loadb(report, nl ? (size_t)(nl - report) : len, 0, NULL);
  int64_t n = json_integer_value(json_object_get(o, "hosts"));
  json_decref(o);
  return n;
}

static int store_results(Db *db, int64_t run, const ScanSnap *s, int64_t *nfind, Err *e) {
  int rc = 0;
  *nfind = 0;
  for (size_t i = 0; rc == 0 && i < s->n; i++) {
    const ScanSnapPort *p = &s->v[i];
    if (p->findings) {
      (*nfind)++;
      for (const char *c = p->findings; *c; c++) *nfind += *c == ',';
    }
    rc = db_exec(db, e, "INSERT OR IGNORE INTO scan_results (run_id, addr, port, service,"
                 " product, version, cpe, cert, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 "lsissssss", run, p->addr, (int)p->port, p->service, p->product, p->version,
                 p->cpe, p->cert, p->findings);
  }
  return rc;
}

/* All parts are in: build the run. */
static int finish_job(Db *db, int64_t job, const JobRow *j, Err *e) {
  char *report = NULL;
  size_t len = 0;
  ScanSnap snap = {0};
  int64_t run = 0, nfind = 0;
  Err pe = {0};
  int rc = assemble(db, job, &report, &len, e);
  if (rc == 0 && scan_snap_parse(&snap, report, len, &pe))
    rc = err_set(e, VERR_INVALID, "Rapporten kunne ikke leses: %.300s", pe.msg);
  if (rc == 0)
    rc = db_int(db, e, &run, "INSERT INTO scan_runs (org_id, job_id, schedule_id, scope, full_scope,"
                " interrupted, hosts, open_ports, findings, report, received_at) VALUES (?, ?,"
                " NULLIF(?, 0), ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id", "lllsiills" "l", j->org, job,
                j->schedule, j->scope, j->full_scope, snap.interrupted, count_hosts(report, len),
                (int64_t)snap.n, report, db_now());
  if (rc == 0) rc = store_results(db, run, &snap, &nfind, e);
  if (rc == 0) rc = db_exec(db, e, "UPDATE scan_runs SET findings = ? WHERE id = ?", "ll", nfind, run);
  if (rc == 0)
    rc = db_exec(db, e, "UPDATE scan_jobs SET state = 'done', finished_at = ? WHERE id = ?", "ll",
                 db_now(), job);
  if (rc == 0) rc = db_exec(db, e, "DELETE FROM scan_job_parts WHERE job_id = ?", "l", job);
  if (rc == 0) rc = scanjobs_observe_run(db, run, e);
  if (rc == 0) rc = scanjobs__run_findings(db, run, e);
  char det[96];
  snprintf(det, sizeof det, "job=%lld run=%lld open=%zu", (long long)job, (long long)run, snap.n);
  AuditEvent ev = {NULL, j->org, "scan.run.receive", "scan_run", NULL, det};
  if (rc == 0) rc = audit_append(db, &ev, NULL, e);
  scan_snap_free(&snap);
  free(report);
  return rc;
}

static int fail_job(Db *db, int64_t job, const JobRow *j, const char *why, Err *e) {
  if (strcmp(j->state, "queued") && strcmp(j->state, "running")) return 0;  /* repeated */
  int rc = db_exec(db, e, "UPDATE scan_jobs SET state = 'failed', error = ?, finished_at = ?"
                   " WHERE id = ?", "sll", why, db_now(), job);
  AuditEvent ev = {NULL, j->org, "scan.job.fail", "scan_job", NULL, why};
  if (rc == 0) rc = audit_append(db, &ev, NULL, e);
  return rc;
}

/* Inserts the part unless it is there; a different body or a different
 * number of parts than the ones already stored is a conflict. */
static int put_part(Db *db, int64_t job, const ScanjobsPart *p, Err *e) {
  char hash[65];
  scanjobs__sha256_hex(p->data, p->len, hash);
  int64_t other = 0;
  int rc = db_int(db, e, &other, "SELECT count(*) FROM scan_job_parts WHERE job_id = ? AND total <> ?",
                  "ll", job, p->total);
  if (rc) return rc;
  if (other) return err_set(e, VERR_CONFLICT, "Delene av jobben oppgir ulikt antall.");
  char *have = NULL;
  rc = db_text(db, e, &have, "SELECT sha256 FROM scan_job_parts WHERE job_id = ? AND part = ?",
               "ll", job, p->part);
  if (rc == 0) {
    int same = have && !strcmp(have, hash);
    free(have);
    return same ? 0 : err_set(e, VERR_CONFLICT, "Del %lld av jobb %lld er allerede mottatt med "
                              "annet innhold.", (long long)p->part, (long long)job);
  }
  if (rc != VERR_NOTFOUND) return rc;
  return db_exec(db, e, "INSERT INTO scan_job_parts (job_id, part, total, sha256, body, received_at)"
                 " VALUES (?, ?, ?, ?, ?, ?)", "lllssl", job, p->part, p->total, hash, p->data,
                 db_now());
}

/* Will this part complete the job (all the others are in)? Read before the
 * write transaction; a race only means the run loads the feeds itself. */
static int completes(Db *db, int64_t job, const ScanjobsPart *p) {
  int64_t others = -1;
  Err e = {0};
  db_int(db, &e, &others, "SELECT count(*) FROM scan_job_parts WHERE job_id = ? AND part <> ?", "ll", job, p->part);
  return others == p->total - 1;
}

int scanjobs_part_store(Db *db, int64_t sensor, int64_t job, const ScanjobsPart *p,
                        int *complete, Err *e) {
  JobRow j = {0};
  *complete = 0;
  if (!p->error && completes(db, job, p)) find_cache_warm(db);   /* feeds loaded outside the transaction */
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = job_load(db, sensor, job, &j, e);
  if (rc == 0 && p->error) rc = fail_job(db, job, &j, p->error, e);
  else if (rc == 0 && !strcmp(j.state, "done")) *complete = 1;   /* a repeat after the end */
  else if (rc == 0 && !strcmp(j.state, "failed"))
    rc = err_set(e, VERR_CONFLICT, "Jobben er avbrutt på tjenersiden.");
  else if (rc == 0) {
    int64_t have = 0;
    rc = put_part(db, job, p, e);
    if (rc == 0)
      rc = db_int(db, e, &have, "SELECT count(*) FROM scan_job_parts WHERE job_id = ?", "l", job);
    if (rc == 0 && have == p->total) {
      rc = finish_job(db, job, &j, e);
      *complete = rc == 0;
    }
  }
  if (rc == 0) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  free(j.scope);
  return rc;
}
