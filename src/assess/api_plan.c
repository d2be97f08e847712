/* api_plan.c — the JSON API for campaigns, the task list and measures
 * (tiltaksplan) under /api/v1, with CSV export and import of measures. */
#include <stdlib.h>
#include <string.h>

#include "assess/api_int.h"
#include "db/db.h"
#include "web/web_int.h"

static json_t *campaign_json(const AssessCampaign *k) {
  return json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:I, s:I, s:I, s:I}", "id",
                   (json_int_t)k->id, "sender_org", (json_int_t)k->sender_org, "sender_name", k->sender_name,
                   "framework", (json_int_t)k->fw_id, "framework_name", k->fw_name, "framework_urn", k->fw_urn,
                   "title", k->title, "message", k->message, "deadline", k->deadline, "created_at",
                   (json_int_t)k->created_at, "closed", k->closed, "recipients", (json_int_t)k->n_recipients,
                   "started", (json_int_t)k->n_started, "done", (json_int_t)k->n_done, "late",
                   (json_int_t)k->n_late);
}

static void get_campaigns(WebCtx *c) {
  AssessCampaign *v;
  size_t n;
  Err e = {0};
  if (assess_campaign_list_sent(c->db, &c->p, c->org_id, c->a, &v, &n, &e)) return aapi_err(c, &e);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, campaign_json(&v[i]));
  aapi_send(c, 200, json_pack("{s:o}", "campaigns", arr));
}

/* {"framework": 3, "title": "...", "message": "...", "deadline": "2026-12-31"} */
static void post_campaign(WebCtx *c) {
  json_t *b = aapi_body(c);
  if (!b) return;
  long long fw = 0;
  const char *title = NULL, *msg = "", *deadline = NULL;
  aapi_int(b, "framework", &fw);
  aapi_str(b, "title", &title);
  aapi_str(b, "message", &msg);
  aapi_str(b, "deadline", &deadline);
  Err e = {0};
  int64_t id = 0;
  AssessFwInfo fi;
  int rc = fw > 0 ? assess_store_fw_info(c->db, c->a, fw, &fi, &e) : err_set(&e, VERR_INVALID, "Oppgi framework.");
  if (rc == VERR_NOTFOUND) rc = err_set(&e, VERR_INVALID, "Ukjent rammeverk.");
  if (!rc) rc = assess_campaign_publish(c->db, &c->p, c->org_id, fw, title, msg, deadline, &id, &e);
  json_decref(b);
  if (rc) return aapi_err(c, &e);
  aapi_send(c, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static json_t *recipients_json(const AssessRecipient *r, size_t n) {
  static const char *const st[] = {"sent", "started", "done"};
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:b, s:o, s:o}", "org_id", (json_int_t)r[i].org_id,
                                         "name", r[i].name, "status", st[r[i].status % 3], "late", r[i].late,
                                         "done_at", aapi_time(r[i].done_at), "reminded_at",
                                         aapi_time(r[i].reminded_at)));
  return arr;
}

/* The campaign as its sender sees it: progress per member and results. */
static void get_campaign(WebCtx *c) {
  AssessCampaign k;
  AssessRecipient *r;
  AssessOrgScore *s;
  size_t nr, ns;
  AssessAggregate agg;
  Err e = {0};
  int rc = assess_campaign_get(c->db, &c->p, c->args[0], c->a, &k, &e);
  if (!rc && k.sender_org != c->org_id) rc = err_set(&e, VERR_NOTFOUND, "Fant ikke kampanjen.");
  if (!rc) rc = assess_campaign_progress(c->db, &c->p, k.id, 0, c->a, &r, &nr, &e);
  if (!rc) rc = assess_campaign_results(c->db, &c->p, k.id, c->a, &s, &ns, &agg, &e);
  if (rc) return aapi_err(c, &e);
  json_t *j = campaign_json(&k);
  json_object_set_new(j, "progress", recipients_json(r, nr));
  json_object_set_new(j, "results", aapi_scores_json(s, ns));
  json_object_set_new(j, "aggregate", aapi_agg_json(&agg));
  aapi_send(c, 200, j);
}

static void post_campaign_close(WebCtx *c) {
  AssessCampaign k;
  Err e = {0};
  int rc = assess_campaign_get(c->db, &c->p, c->args[0], c->a, &k, &e);
  if (!rc && k.sender_org != c->org_id) rc = err_set(&e, VERR_NOTFOUND, "Fant ikke kampanjen.");
  if (!rc) rc = assess_campaign_close(c->db, &c->p, k.id, &e);
  if (rc) return aapi_err(c, &e);
  aapi_send(c, 200, json_pack("{s:b}", "closed", 1));
}

static void get_tasks(WebCtx *c) {
  static const char *const st[] = {"sent", "started", "done"};
  AssessTask *t;
  size_t n;
  Err e = {0};
  if (assess_tasks(c->db, &c->p, c->org_id, c->a, &t, &n, &e)) return aapi_err(c, &e);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "campaign",
                                         (json_int_t)t[i].campaign_id, "framework", (json_int_t)t[i].fw_id,
                                         "title", t[i].title, "message", t[i].message, "deadline", t[i].deadline,
                                         "sender_name", t[i].sender_name, "framework_name", t[i].fw_name,
                                         "status", st[t[i].status % 3], "late", t[i].late, "reminded_at",
                                         aapi_time(t[i].reminded_at)));
  aapi_send(c, 200, json_pack("{s:o}", "tasks", arr));
}

static json_t *cost_json(long long v) { return v >= 0 ? json_integer(v) : json_null(); }

static json_t *measure_json(const AssessMeasure *m) {
  json_t *items = json_array();
  for (size_t i = 0; i < m->nitems; i++)
    json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s}", "framework", (json_int_t)m->items[i].fw_id,
                                           "ref_id", m->items[i].ref_id, "name", m->items[i].name ? m->items[i].name : "",
                                           "framework_name", m->items[i].fw_name ? m->items[i].fw_name : ""));
  json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:o}", "id", (json_int_t)m->id,
                        "org_id", (json_int_t)m->org_id, "title", m->title, "description", m->description, "owner",
                        m->owner, "deadline", m->deadline, "financing", assess_financing_name(m->financing),
                        "status", assess_mstatus_name(m->status), "overdue", m->overdue, "created_at",
                        (json_int_t)m->created_at, "updated_at", (json_int_t)m->updated_at, "items", items);
  json_object_set_new(j, "cost_once_nok", cost_json(m->cost_once));
  json_object_set_new(j, "cost_yearly_nok", cost_json(m->cost_yearly));
  json_object_set_new(j, "done_at", aapi_time(m->done_at));
  return j;
}

static void get_measures(WebCtx *c) {
  const char *w = web_query(c, "which");
  int which = w && !strcmp(w, "overdue") ? ASSESS_ML_OVERDUE : w && !strcmp(w, "open") ? ASSESS_ML_OPEN
                                                                                         : ASSESS_ML_ALL;
  AssessMeasure *v;
  size_t n;
  Err e = {0};
  if (assess_measure_list(c->db, &c->p, c->org_id, which, c->a, &v, &n, &e)) return aapi_err(c, &e);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, measure_json(&v[i]));
  aapi_send(c, 200, json_pack("{s:o}", "measures", arr));
}

/* Applies the members present in b to m; 0 or VERR_INVALID on e. */
static int measure_from_json(WebCtx *c, json_t *b, AssessMeasure *m, Err *e) {
  long long v;
  const char *s;
  aapi_str(b, "title", &m->title);
  aapi_str(b, "description", &m->description);
  aapi_str(b, "owner", &m->owner);
  aapi_str(b, "deadline", &m->deadline);
  if (aapi_int(b, "cost_once_nok", &v)) m->cost_once = v < -1 ? -2 : v;
  if (aapi_int(b, "cost_yearly_nok", &v)) m->cost_yearly = v < -1 ? -2 : v;
  if (aapi_str(b, "financing", &s) && assess_financing_parse(s, &m->financing))
    return err_set(e, VERR_INVALID, "financing må være self, shared eller base.");
  if (aapi_str(b, "status", &s) && assess_mstatus_parse(s, &m->status))
    return err_set(e, VERR_INVALID, "status må være planned, active, done eller cancelled.");
  json_t *items = json_object_get(b, "items");
  if (!items) return 0;
  if (!json_is_array(items) || json_array_size(items) > 200)
    return err_set(e, VERR_INVALID, "items må være en liste (høyst 200).");
  m->nitems = json_array_size(items);
  m->items = arena_alloc(c->a, (m->nitems ? m->nitems : 1) * sizeof *m->items);
  for (size_t i = 0; m->items && i < m->nitems; i++) {
    json_t *it = json_array_get(items, i);
    long long fw = 0;
    const char *ref = NULL;
    if (!json_is_object(it) || !aapi_int(it, "framework", &fw) || !aapi_str(it, "ref_id", &ref))
      return err_set(e, VERR_INVALID, "Hvert punkt i items trenger framework og ref_id.");
    m->items[i] = (AssessMeasureItem){fw, ref, NULL, NULL};
  }
  return m->items ? 0 : err_set(e, VERR_NOMEM, "Tomt for minne.");
}

/* A new measure: from JSON fields, or {"from_gap": {"framework": 3, "ref_id": "2.1"}}. */
static void post_measure(WebCtx *c) {
  json_t *b = aapi_body(c);
  if (!b) return;
  Err e = {0};
  int64_t id = 0;
  int rc;
  json_t *gap = json_object_get(b, "from_gap");
  if (json_is_object(gap)) {
    long long fw = 0;
    const char *ref = NULL;
    AssessFwInfo fi;
    aapi_int(gap, "framework", &fw);
    aapi_str(gap, "ref_id", &ref);
    rc = fw > 0 && !assess_store_fw_info(c->db, c->a, fw, &fi, &e)
             ? assess_measure_from_gap(c->db, &c->p, c->org_id, fw, ref, &id, &e)
             : err_set(&e, VERR_INVALID, "Ukjent rammeverk i from_gap.");
  } else {
    AssessMeasure m = {.org_id = c->org_id, .title = "", .cost_once = -1, .cost_yearly = -1};
    rc = measure_from_json(c, b, &m, &e);
    if (!rc) rc = assess_measure_save(c->db, &c->p, &m, &id, &e);
  }
  json_decref(b);
  if (rc) return aapi_err(c, &e);
  aapi_send(c, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* The measure {id}, checked to belong to {org}. */
static int measure_here(WebCtx *c, AssessMeasure *m, Err *e) {
  int rc = assess_measure_get(c->db, &c->p, c->args[0], c->a, m, e);
  if (!rc && m->org_id != c->org_id) rc = err_set(e, VERR_NOTFOUND, "Fant ikke tiltaket.");
  return rc;
}

static void get_measure(WebCtx *c) {
  AssessMeasure m;
  Err e = {0};
  if (measure_here(c, &m, &e)) return aapi_err(c, &e);
  aapi_send(c, 200, measure_json(&m));
}

/* Changes the members given; "status": "done" flags the linked items for re-assessment. */
static void post_measure_update(WebCtx *c) {
  AssessMeasure m;
  Err e = {0};
  if (measure_here(c, &m, &e)) return aapi_err(c, &e);
  json_t *b = aapi_body(c);
  if (!b) return;
  int rc = measure_from_json(c, b, &m, &e);
  if (!rc) rc = assess_measure_save(c->db, &c->p, &m, NULL, &e);
  json_decref(b);
  if (rc) return aapi_err(c, &e);
  if (measure_here(c, &m, &e)) return aapi_err(c, &e);
  aapi_send(c, 200, measure_json(&m));
}

static void post_measure_delete(WebCtx *c) {
  AssessMeasure m;
  Err e = {0};
  if (measure_here(c, &m, &e) || assess_measure_delete(c->db, &c->p, m.id, &e)) return aapi_err(c, &e);
  aapi_send(c, 200, json_pack("{s:b}", "deleted", 1));
}

/* Re-import of the document GET .../measures returns: all or nothing. */
static void post_measures_import(WebCtx *c) {
  json_t *b = aapi_body(c);
  if (!b) return;
  json_t *list = json_object_get(b, "measures");
  Err e = {0};
  size_t n = json_is_array(list) ? json_array_size(list) : 0;
  AssessMeasure *v = n ? arena_alloc(c->a, n * sizeof *v) : NULL;
  int rc = !json_is_array(list) ? err_set(&e, VERR_INVALID, "Forventet measures: [...].")
           : n > 50000 ? err_set(&e, VERR_TOOBIG, "For mange tiltak.")
           : n && !v ? err_set(&e, VERR_NOMEM, "Tomt for minne.") : 0;
  for (size_t i = 0; !rc && i < n; i++) {
    json_t *m = json_array_get(list, i);
    long long id = 0;
    v[i] = (AssessMeasure){.title = "", .cost_once = -1, .cost_yearly = -1};
    if (!json_is_object(m)) rc = err_set(&e, VERR_INVALID, "Tiltak nr. %zu er ikke et objekt.", i + 1);
    else if (aapi_int(m, "id", &id) && id > 0) v[i].id = id;
    if (!rc) rc = measure_from_json(c, m, &v[i], &e);
  }
  if (!rc) rc = assess_measure_save_many(c->db, &c->p, c->org_id, v, n, &e);
  json_decref(b);
  if (rc) return aapi_err(c, &e);
  aapi_send(c, 200, json_pack("{s:I}", "changed", (json_int_t)n));
}

static void get_measures_csv(WebCtx *c) {
  Err e = {0};
  buf_reset(&c->resp->body);
  if (assess_csv_export_measures(c->db, &c->p, c->org_id, &c->resp->body, &e)) return aapi_err(c, &e);
  c->resp->status = 200;
  c->resp->content_type = "text/csv; charset=utf-8";
  http_resp_header(c->resp, "Content-Disposition", "attachment; filename=\"tiltaksplan.csv\"");
}

static void post_measures_csv(WebCtx *c) {
  Err e = {0};
  size_t changed = 0;
  if (assess_csv_import_measures(c->db, &c->p, c->org_id, c->req->body ? c->req->body : "", c->req->body_len,
                                 &changed, &e))
    return aapi_err(c, &e);
  aapi_send(c, 200, json_pack("{s:I}", "changed", (json_int_t)changed));
}

static const WebRoute routes[] = {
  {"GET", "/api/v1/orgs/{org}/campaigns", get_campaigns, POLICY_READ, WEB_API},
  {"POST", "/api/v1/orgs/{org}/campaigns", post_campaign, POLICY_WRITE, WEB_API},
  {"GET", "/api/v1/orgs/{org}/campaigns/{id}", get_campaign, POLICY_READ, WEB_API},
  {"POST", "/api/v1/orgs/{org}/campaigns/{id}/close", post_campaign_close, POLICY_WRITE, WEB_API},
  {"GET", "/api/v1/orgs/{org}/tasks", get_tasks, POLICY_READ, WEB_API},
  {"GET", "/api/v1/orgs/{org}/measures", get_measures, POLICY_READ, WEB_API},
  {"POST", "/api/v1/orgs/{org}/measures", post_measure, POLICY_WRITE, WEB_API},
  {"GET", "/api/v1/orgs/{org}/measures/{id}", get_measure, POLICY_READ, WEB_API},
  {"POST", "/api/v1/orgs/{org}/measures/{id}", post_measure_update, POLICY_WRITE, WEB_API},
  {"POST", "/api/v1/orgs/{org}/measures/{id}/delete", post_measure_delete, POLICY_WRITE, WEB_API},
  {"POST", "/api/v1/orgs/{org}/measures/import", post_measures_import, POLICY_WRITE, WEB_API},
  {"GET", "/api/v1/orgs/{org}/measures.csv", get_measures_csv, POLICY_READ, WEB_API},
  {"POST", "/api/v1/orgs/{org}/measures.csv", post_measures_csv, POLICY_WRITE, WEB_API},
  {NULL, NULL, NULL, 0, 0},
};

const WebRoute *assess_api_plan_routes(void) { return routes; }
