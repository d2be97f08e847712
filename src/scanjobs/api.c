/* api.c — the scan side of the JSON API for users (bearer tokens, the same
 * prologue and policy as the pages): scope, sensors, schedules, jobs, runs
 * with their difference to the previous run, and observations. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "policy/policy.h"
#include "scan/diff.h"
#include "scanjobs/api_int.h"
#include "scanjobs/scanjobs.h"

void scanjobs_api_err(WebCtx *c, const Err *e) {
  int st = e->code == VERR_NOTFOUND ? 404 : e->code == VERR_DENIED ? 403
           : e->code == VERR_INVALID || e->code == VERR_TOOBIG ? 400
           : e->code == VERR_CONFLICT ? 409 : e->code == VERR_BUSY ? 503 : 500;
  web_api_error(c, st, st == 500 ? "intern feil" : e->msg);
}

/* Rows of a query as an array of objects. cols names the columns in
 * order, "name:i" for integers and "name" for text, comma-separated. */
static json_t *rows_json(WebCtx *c, const char *sql, const char *cols, int64_t a, int64_t b, Err *e) {
  DbStmt *st;
  if (db_query(c->db, &st, e, sql, "ll", a, b)) return NULL;
  json_t *arr = json_array();
  int rc, nc = db_col_count(st);
  while ((rc = db_step(st, e)) == DB_ROW) {
    json_t *o = json_object();
    const char *p = cols;
    for (int i = 0; i < nc && *p; i++) {
      size_t n = strcspn(p, ",:");
      char name[40];
      snprintf(name, sizeof name, "%.*s", (int)n, p);
      int isint = p[n] == ':';
      p += n + (isint ? 2 : 0);
      if (*p == ',') p++;
      if (db_col_is_null(st, i)) json_object_set_new(o, name, json_null());
      else if (isint) json_object_set_new(o, name, json_integer(db_col_int(st, i)));
      else json_object_set_new(o, name, json_string(db_col_text(st, i)));
    }
    json_array_append_new(arr, o);
  }
  db_finalize(st);
  if (rc < 0) {
    json_decref(arr);
    return NULL;
  }
  return arr;
}

static void list(WebCtx *c, const char *key, const char *cols, const char *sql) {
  Err e = {0};
  json_t *arr = rows_json(c, sql, cols, c->org_id, 0, &e);
  if (!arr) scanjobs_api_err(c, &e);
  else web_api_json(c, 200, json_pack("{s:I, s:o}", "org_id", (json_int_t)c->org_id, key, arr));
}

static void get_scope(WebCtx *c) {
  list(c, "scope", "id:i,spec,note,created_at:i,confirmed_at:i,confirmed:i",
       "SELECT id, spec, note, created_at, confirmed_at, confirmed_at IS NOT NULL AS"
       " confirmed FROM scan_scope WHERE org_id = ? AND ? = 0 ORDER BY id");
}

static void get_sensors(WebCtx *c) {
  list(c, "sensors", "id:i,name,created_at:i,enrolled_at:i,last_seen:i,last_addr,version,queued:i,revoked_at:i",
       "SELECT id, name, created_at, enrolled_at, last_seen, last_addr, version,"
       " queued, revoked_at FROM scan_sensors WHERE org_id = ? AND ? = 0 ORDER BY id");
}

static void get_schedules(WebCtx *c) {
  list(c, "schedules", "id:i,name,sensor_id:i,targets,ports,interval_s:i,next_run:i,enabled:i,full_scope:i",
       "SELECT id, name, sensor_id, targets, ports, interval_s, next_run, enabled,"
       " targets IS NULL AS full_scope FROM scan_schedules WHERE org_id = ? AND ? = 0 ORDER BY id");
}

static void get_jobs(WebCtx *c) {
  list(c, "jobs", "id:i,schedule_id:i,sensor_id:i,targets,ports,state,error,created_at:i,started_at:i,finished_at:i",
       "SELECT id, schedule_id, sensor_id, targets, ports, state, error, created_at,"
       " started_at, finished_at FROM scan_jobs WHERE org_id = ? AND ? = 0 ORDER BY id DESC LIMIT 500");
}

static void get_runs(WebCtx *c) {
  list(c, "runs", "id:i,job_id:i,schedule_id:i,full_scope:i,interrupted:i,hosts:i,open_ports:i,findings:i,received_at:i",
       "SELECT id, job_id, schedule_id, full_scope, interrupted, hosts, open_ports,"
       " findings, received_at FROM scan_runs WHERE org_id = ? AND ? = 0 ORDER BY id DESC LIMIT 500");
}

static int obs_push(const ScanjobsObservation *o, void *ctx) {
  json_array_append_new(ctx, json_pack("{s:s, s:i, s:s, s:s, s:s, s:I, s:I, s:I}", "addr", o->addr,
                                       "port", (int)o->port, "kind", o->kind, "key", o->key,
                                       "status", o->status, "last_seen_run",
                                       (json_int_t)o->last_seen_run, "last_seen_at",
                                       (json_int_t)o->last_seen_at, "status_run",
                                       (json_int_t)o->status_run));
  return 0;
}

static void get_observations(WebCtx *c) {
  const char *st = web_query(c, "status");
  if (st && strcmp(st, "seen") && strcmp(st, "not_seen")) {
    web_api_error(c, 400, "status må være seen eller not_seen.");
    return;
  }
  json_t *arr = json_array();
  Err e = {0};
  if (scanjobs_observations(c->db, c->org_id, st, obs_push, arr, &e)) {
    json_decref(arr);
    scanjobs_api_err(c, &e);
    return;
  }
  web_api_json(c, 200, json_pack("{s:I, s:o}", "org_id", (json_int_t)c->org_id,
                                       "observations", arr));
}

static json_t *diff_json(const ScanDiff *d) {
  json_t *arr = json_array();
  for (size_t i = 0; i < d->n; i++)
    json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:s, s:s}", "kind", d->v[i].kind, "addr",
                                         d->v[i].addr, "port", (int)d->v[i].port, "old",
                                         d->v[i].detail_old, "new", d->v[i].detail_new));
  return arr;
}

static void get_run(WebCtx *c) {
  Err e = {0};
  json_t *rows = rows_json(c, "SELECT id, job_id, schedule_id, scope, full_scope, interrupted, hosts,"
                           " open_ports, findings, received_at FROM scan_runs WHERE org_id = ? AND"
                           " id = ?", "id:i,job_id:i,schedule_id:i,scope,full_scope:i,interrupted:i,hosts:i,open_ports:i,"
                           "findings:i,received_at:i", c->org_id, c->args[0], &e);
  if (!rows || json_array_size(rows) == 0) {
    json_decref(rows);
    if (!e.code) err_set(&e, VERR_NOTFOUND, "Fant ikke kjøringen.");
    scanjobs_api_err(c, &e);
    return;
  }
  json_t *run = json_incref(json_array_get(rows, 0));
  json_decref(rows);
  json_object_set_new(run, "results", rows_json(c, "SELECT r.addr, r.port, r.service, r.product,"
                      " r.version, r.cpe, r.cert, r.findings FROM scan_results r JOIN scan_runs u"
                      " ON u.id = r.run_id WHERE u.org_id = ? AND r.run_id = ? ORDER BY r.addr,"
                      " r.port", "addr,port:i,service,product,version,cpe,cert,findings", c->org_id,
                      c->args[0], &e));
  int64_t prev = 0;
  ScanSnap a, b;
  ScanDiff d;
  if (scanjobs_prev_run(c->db, c->org_id, c->args[0], &prev, &e) == 0 && prev &&
      scanjobs_run_diff(c->db, c->org_id, prev, c->args[0], &a, &b, &d, &e) == 0)
    json_object_set_new(run, "changes", diff_json(&d));
  if (prev) {
    scan_snap_free(&a);
    scan_snap_free(&b);
    scan_diff_free(&d);
  }
  json_object_set_new(run, "previous_run", prev ? json_integer(prev) : json_null());
  web_api_json(c, 200, run);
}

static void post_schedule(WebCtx *c) {
  json_t *j = c->req->body_len ? json_loadb(c->req->body, c->req->body_len, JSON_REJECT_DUPLICATES,
                                            NULL) : NULL;
  if (!json_is_object(j)) {
    json_decref(j);
    web_api_error(c, 400, "Forventet et JSON-objekt med name, sensor_id, ports og targets.");
    return;
  }
  json_t *iv = json_object_get(j, "interval_s");
  ScanjobsSchedule s = {json_string_value(json_object_get(j, "name")),
                        json_string_value(json_object_get(j, "targets")),
                        json_string_value(json_object_get(j, "ports")),
                        json_integer_value(json_object_get(j, "sensor_id")),
                        iv ? json_integer_value(iv) : 0};
  if (!s.ports) s.ports = "top1000";
  int64_t id = 0;
  Err e = {0};
  int rc = scanjobs_schedule_create(c->db, &c->p, c->org_id, &s, &id, &e);
  json_decref(j);
  if (rc) scanjobs_api_err(c, &e);
  else web_api_json(c, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

const WebRoute scanjobs_api_routes[] = {
    {"GET", "/api/v1/orgs/{org}/scan/scope", get_scope, POLICY_READ, WEB_API},
    {"GET", "/api/v1/orgs/{org}/scan/sensors", get_sensors, POLICY_READ, WEB_API},
    {"GET", "/api/v1/orgs/{org}/scan/schedules", get_schedules, POLICY_READ, WEB_API},
    {"POST", "/api/v1/orgs/{org}/scan/schedules", post_schedule, POLICY_WRITE, WEB_API},
    {"GET", "/api/v1/orgs/{org}/scan/jobs", get_jobs, POLICY_READ, WEB_API},
    {"GET", "/api/v1/orgs/{org}/scan/runs", get_runs, POLICY_READ, WEB_API},
    {"GET", "/api/v1/orgs/{org}/scan/runs/{id}", get_run, POLICY_READ, WEB_API},
    {"GET", "/api/v1/orgs/{org}/scan/observations", get_observations, POLICY_READ, WEB_API},
    {NULL, NULL, NULL, 0, 0},
};
