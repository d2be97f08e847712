/* api_sensor.c — the routes a `varde sensor` talks to. They carry no user:
 * the web prologue checks the sensor credential (WEB_SENSOR, through
 * scanjobs_sensor_auth registered in web.c) and the policy's sensor_act on
 * the sensor's organisation; handlers take the sensor from the principal.
 * Enrolment is public (its one-time token is the proof). A sensor acts only
 * on its own jobs (every query is scoped by sensor_id). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "policy/policy.h"
#include "scanjobs/api_int.h"
#include "scanjobs/scanjobs.h"

static json_t *body_json(WebCtx *c) {
  if (!c->req->body || !c->req->body_len) return NULL;
  return json_loadb(c->req->body, c->req->body_len, JSON_REJECT_DUPLICATES, NULL);
}

static void post_enrol(WebCtx *c) {
  json_t *j = body_json(c);
  const char *tok = json_string_value(json_object_get(j, "token"));
  const char *cred = json_string_value(json_object_get(j, "credential"));
  int64_t sid = 0, org = 0;
  Err e = {0};
  int rc = tok && cred ? scanjobs_sensor_enrol(c->db, tok, cred, c->req->remote_addr, &sid, &org, &e)
                       : VERR_DENIED;
  json_decref(j);
  if (rc == VERR_DENIED || rc == VERR_NOTFOUND)
    web_api_error(c, 401, "Ugyldig, brukt eller utløpt registreringsnøkkel.");
  else if (rc)
    scanjobs_api_err(c, &e);
  else
    web_api_json(c, 200, json_pack("{s:I, s:I}", "sensor_id", (json_int_t)sid, "org_id",
                                         (json_int_t)org));
}

static void post_heartbeat(WebCtx *c) {
  json_t *j = body_json(c);
  const char *ver = json_string_value(json_object_get(j, "version"));
  json_int_t q = json_integer_value(json_object_get(j, "queued"));
  Err e = {0};
  int rc = scanjobs_sensor_heartbeat(c->db, c->p.sensor_id, ver, q < 0 ? 0 : q, &e);
  json_decref(j);
  if (rc) scanjobs_api_err(c, &e);
  else web_api_json(c, 200, json_pack("{s:I, s:I}", "sensor_id", (json_int_t)c->p.sensor_id, "now",
                                            (json_int_t)c->now));
}

static void get_jobs(WebCtx *c) {
  Err e = {0};
  buf_reset(&c->resp->body);
  if (scanjobs_sensor_jobs(c->db, c->p.sensor_id, c->now, &c->resp->body, &e)) {
    scanjobs_api_err(c, &e);
    return;
  }
  buf_putc(&c->resp->body, '\n');
  c->resp->status = 200;
  c->resp->content_type = "application/json; charset=utf-8";
}

static void post_start(WebCtx *c) {
  Err e = {0};
  if (scanjobs_job_start(c->db, c->p.sensor_id, c->args[0], &e)) scanjobs_api_err(c, &e);
  else web_api_json(c, 200, json_pack("{s:I, s:s}", "job_id", (json_int_t)c->args[0],
                                            "state", "running"));
}

static void post_results(WebCtx *c) {
  ScanjobsPart p;
  Err e = {0};
  int complete = 0;
  if (scanjobs_part_parse(c->a, c->req->body, c->req->body_len, &p, &e) ||
      scanjobs_part_store(c->db, c->p.sensor_id, c->args[0], &p, &complete, &e)) {
    scanjobs_api_err(c, &e);
    return;
  }
  web_api_json(c, 200, json_pack("{s:I, s:I, s:b}", "job_id", (json_int_t)c->args[0],
                                       "part", (json_int_t)p.part, "complete", complete));
}

const WebRoute scanjobs_sensor_routes[] = {
    {"POST", "/api/v1/sensor/enrol", post_enrol, WEB_NO_ACTION, WEB_PUBLIC | WEB_API},
    {"POST", "/api/v1/sensor/heartbeat", post_heartbeat, POLICY_SENSOR_ACT, WEB_SENSOR | WEB_API},
    {"GET", "/api/v1/sensor/jobs", get_jobs, POLICY_SENSOR_ACT, WEB_SENSOR | WEB_API},
    {"POST", "/api/v1/sensor/jobs/{id}/start", post_start, POLICY_SENSOR_ACT, WEB_SENSOR | WEB_API},
    {"POST", "/api/v1/sensor/jobs/{id}/results", post_results, POLICY_SENSOR_ACT, WEB_SENSOR | WEB_API},
    {NULL, NULL, NULL, 0, 0},
};
