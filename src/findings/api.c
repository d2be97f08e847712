/* api.c — the findings JSON API under /api/v1/orgs/{org}/findings: list
 * (same filters as the page), one finding with history, and a status change.
 * The web prologue has already checked the token and the policy. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "findings/web_int.h"
#include "policy/policy.h"

static void fail(WebCtx *c, int status, const char *msg) {
  web_api_json(c, status, json_pack("{s:s, s:i}", "error", msg, "status", status));
}

static void fail_err(WebCtx *c, const Err *e) {
  int st = e->code == VERR_NOTFOUND ? 404 : e->code == VERR_DENIED ? 403 : e->code == VERR_INVALID ? 400
           : e->code == VERR_CONFLICT ? 409 : 500;
  fail(c, st, st == 500 ? "intern feil" : e->msg);
}

static json_t *real(double v) { return v < 0 ? json_null() : json_real(v); }

static json_t *run_or_null(int64_t run) { return run ? json_integer((json_int_t)run) : json_null(); }

/* What the scan saw, for a finding from a network scan; null otherwise. */
static json_t *scan_json(const Finding *f) {
  if (f->product_id >= 0) return json_null();
  json_t *s = json_pack("{s:s, s:i, s:s, s:s, s:s?, s:b}", "address", f->scan_addr, "port", f->scan_port, "cpe",
                        f->scan_cpe, "confidence", f->scan_confidence, "evidence",
                        f->scan_evidence[0] ? f->scan_evidence : NULL, "needs_verification",
                        f->status == FIND_ST_FIXED);
  if (!s) return json_null();
  json_object_set_new(s, "first_run", run_or_null(f->scan_first_run));
  json_object_set_new(s, "last_run", run_or_null(f->scan_last_run));
  json_object_set_new(s, "not_seen_run", run_or_null(f->scan_gone_run));
  return s;
}

static json_t *one(WebCtx *c, const Finding *f) {
  json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:b, s:b, s:b, s:i, s:s, s:s, s:b}", "id",
                        (json_int_t)f->id, "vulnerability", f->vuln_id, "source", f->source, "product_id",
                        (json_int_t)f->product_id, "product", f->product_name, "class", f->cls, "status",
                        find_status_name(f->status), "kev", f->kev, "ransomware", f->ransomware, "internet_facing",
                        f->internet, "criticality", f->criticality, "due", find_web_day(c, f->due_at), "reason",
                        f->reason, "overdue", f->overdue);
  if (!j) return NULL;
  json_object_set_new(j, "priority", real(f->priority));
  json_object_set_new(j, "cvss", real(f->cvss));
  json_object_set_new(j, "epss_percentile", real(f->epss_pct));
  json_object_set_new(j, "kev_due", f->kev_due[0] ? json_string(f->kev_due) : json_null());
  json_object_set_new(j, "advisory", f->advisory[0] ? json_string(f->advisory) : json_null());
  json_object_set_new(j, "matched", json_boolean(f->matched));
  json_object_set_new(j, "status_reason", f->status_reason[0] ? json_string(f->status_reason) : json_null());
  json_object_set_new(j, "confidence", f->confidence[0] ? json_string(f->confidence) : json_null());
  json_object_set_new(j, "origin", json_string(f->origin));
  json_object_set_new(j, "scan", scan_json(f));
  const char *advice = find_check_advice(f);
  json_object_set_new(j, "advice", advice ? json_string(advice) : json_null());
  if (f->product_id < 0) json_object_set_new(j, "product_id", json_null());
  return j;
}

static void get_list(WebCtx *c) {
  FindFilter f;
  Finding *x = NULL;
  size_t n = 0;
  Err e = {0};
  size_t expired = 0;
  if (find_web_filter(c, &f)) return fail(c, 400, "ugyldig filter");
  if (find_expire(c->db, db_now(), &expired, &e) || find_list(c->db, c->a, &f, &x, &n, &e)) return fail_err(c, &e);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, one(c, &x[i]));
  web_api_json(c, 200, json_pack("{s:o}", "findings", arr));
}

static void get_one(WebCtx *c) {
  Finding f;
  FindHistory *h = NULL;
  size_t n = 0;
  Err e = {0};
  if (find_get(c->db, c->a, c->org_id, c->args[0], &f, &e) || find_history(c->db, c->a, f.id, &h, &n, &e))
    return fail_err(c, &e);
  json_t *j = one(c, &f), *hist = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(hist, json_pack("{s:I, s:s, s:s?, s:s, s:s}", "at", (json_int_t)h[i].at, "by", h[i].username,
                                          "from", h[i].from[0] ? h[i].from : NULL, "to", h[i].to, "note", h[i].note));
  json_object_set_new(j, "history", hist);
  web_api_json(c, 200, j);
}

static void post_status(WebCtx *c) {
  json_error_t je;
  json_t *in = json_loadb(c->req->body ? c->req->body : "", c->req->body_len, 0, &je);
  const char *st = json_string_value(json_object_get(in, "status"));
  const char *reason = json_string_value(json_object_get(in, "reason"));
  const char *until = json_string_value(json_object_get(in, "until"));
  FindStatus to;
  Err e = {0};
  if (!st || find_status_parse(st, &to)) {
    json_decref(in);
    return fail(c, 400, "status mangler eller er ukjent");
  }
  if (to == FIND_ST_ACCEPTED && !find_web_may_accept(c)) {
    json_decref(in);
    return fail(c, 403, "bare organisasjonens administrator (direktøren) kan akseptere risiko");
  }
  int64_t u = to == FIND_ST_ACCEPTED ? find_parse_day(until) : 0;
  int rc = find_set_status(c->db, &c->p, c->org_id, c->args[0], to, reason, u, &e);
  json_decref(in);
  if (rc) return fail_err(c, &e);
  get_one(c);
}

const WebRoute find_api_routes[] = {
    {"GET", "/api/v1/orgs/{org}/findings", get_list, POLICY_READ, WEB_API},
    {"GET", "/api/v1/orgs/{org}/findings/{id}", get_one, POLICY_READ, WEB_API},
    {"POST", "/api/v1/orgs/{org}/findings/{id}/status", post_status, POLICY_WRITE, WEB_API},
    {NULL, NULL, NULL, 0, 0},
};
