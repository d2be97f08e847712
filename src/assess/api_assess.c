/* api_assess.c — the JSON API for self-assessments under /api/v1: stored
 * frameworks, an organisation's assessments (read, save an answer, complete),
 * history, snapshots, gaps, evidence, CSV, and member scores for a region. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/api_int.h"
#include "db/db.h"
#include "web/web_int.h"

void aapi_send(WebCtx *c, int status, json_t *j) {
  HttpResp *r = c->resp;
  buf_reset(&r->body);
  r->status = status;
  r->content_type = "application/json; charset=utf-8";
  char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
  json_decref(j);
  if (!s) {
    web_api_error(c, 500, "intern feil");
    return;
  }
  buf_puts(&r->body, s);
  buf_putc(&r->body, '\n');
  free(s);
}

void aapi_err(WebCtx *c, const Err *e) {
  int st = e->code == VERR_NOTFOUND ? 404 : e->code == VERR_DENIED ? 403 : e->code == VERR_INVALID ? 400
         : e->code == VERR_TOOBIG ? 413 : e->code == VERR_CONFLICT ? 409 : e->code == VERR_BUSY ? 503 : 500;
  web_api_error(c, st, st == 500 ? "intern feil" : e->msg);
}

json_t *aapi_body(WebCtx *c) {
  json_error_t je;
  json_t *j = c->req->body_len ? json_loadb(c->req->body, c->req->body_len, JSON_REJECT_DUPLICATES, &je) : NULL;
  if (!j || !json_is_object(j)) {
    json_decref(j);
    web_api_error(c, 400, "Forventet et JSON-objekt i forespørselen.");
    return NULL;
  }
  return j;
}

int aapi_str(json_t *o, const char *key, const char **out) {
  json_t *v = json_object_get(o, key);
  if (!v || !json_is_string(v)) return 0;
  *out = json_string_value(v);
  return 1;
}

int aapi_int(json_t *o, const char *key, long long *out) {
  json_t *v = json_object_get(o, key);
  if (v && json_is_null(v)) { *out = -1; return 1; }
  if (!v || !json_is_integer(v)) return 0;
  *out = json_integer_value(v);
  return 1;
}

json_t *aapi_score(double f) { return f < 0 ? json_null() : json_real((double)(long long)(f * 10000 + 0.5) / 10000); }
json_t *aapi_time(int64_t t) { return t ? json_integer(t) : json_null(); }

int aapi_fw(WebCtx *c, int64_t *fw_id) {
  AssessFwInfo fi;
  Err e = {0};
  *fw_id = c->args[0];
  if (assess_store_fw_info(c->db, c->a, *fw_id, &fi, &e)) {
    aapi_err(c, &e);
    return -1;
  }
  return 0;
}

static json_t *fw_json(const AssessFwInfo *f) {
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:i, s:b, s:I}", "id", (json_int_t)f->id, "urn", f->urn, "ref_id",
                        f->ref_id, "name", f->name, "version", f->version, "latest", f->latest, "items",
                        (json_int_t)f->nitems);
  if (j) json_object_set_new(j, "edition", f->edition ? json_string(f->edition) : json_null());
  return j;
}

static void get_frameworks(WebCtx *c) {
  AssessFwInfo *v;
  size_t n;
  Err e = {0};
  if (assess_store_fw_list(c->db, c->a, &v, &n, &e)) return aapi_err(c, &e);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, fw_json(&v[i]));
  aapi_send(c, 200, json_pack("{s:o}", "frameworks", arr));
}

/* The stored mapping proposal into framework {id} from its previous version
 * (or ?from=ID): kept, changed, removed and added items. */
static void get_mapping(WebCtx *c) {
  int64_t fw, from = 0;
  if (aapi_fw(c, &fw)) return;
  Err e = {0};
  const char *q = web_query(c, "from");
  int rc = q ? (from = strtoll(q, NULL, 10), 0)
             : db_int(c->db, &e, &from, "SELECT old_fw FROM assess_fw_mappings WHERE new_fw = ?"
                      " ORDER BY old_fw DESC LIMIT 1", "l", fw);
  if (rc == VERR_NOTFOUND) rc = err_set(&e, VERR_NOTFOUND, "Rammeverket har ingen tidligere versjon.");
  AssessMapRow *m = NULL;
  size_t n = 0;
  if (!rc) rc = assess_store_fw_mapping(c->db, c->a, from, fw, &m, &n, &e);
  if (!rc && !n) rc = err_set(&e, VERR_NOTFOUND, "Det finnes ingen kobling mellom disse versjonene.");
  if (rc) return aapi_err(c, &e);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *j = json_pack("{s:s}", "kind", m[i].kind);
    json_object_set_new(j, "old_ref_id", m[i].old_ref ? json_string(m[i].old_ref) : json_null());
    json_object_set_new(j, "new_ref_id", m[i].new_ref ? json_string(m[i].new_ref) : json_null());
    json_array_append_new(arr, j);
  }
  aapi_send(c, 200, json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from, "to", (json_int_t)fw, "items", arr));
}

/* {"from": OLD_ID}: copy this organisation's answers from an older version
 * into framework {id} along the stored mapping (changed items flagged). */
static void post_upgrade(WebCtx *c) {
  int64_t fw;
  if (aapi_fw(c, &fw)) return;
  json_t *b = aapi_body(c);
  if (!b) return;
  long long from = 0;
  size_t copied = 0;
  Err e = {0};
  int rc = aapi_int(b, "from", &from) && from > 0
               ? assess_store_upgrade(c->db, &c->p, c->org_id, from, fw, &copied, &e)
               : err_set(&e, VERR_INVALID, "Oppgi from (id for den gamle versjonen).");
  json_decref(b);
  if (rc) return aapi_err(c, &e);
  aapi_send(c, 200, json_pack("{s:I}", "copied", (json_int_t)copied));
}

/* Every latest framework with this organisation's current score (summary+). */
static void get_assessments(WebCtx *c) {
  AssessFwInfo *v;
  size_t n;
  Err e = {0};
  if (assess_store_fw_list(c->db, c->a, &v, &n, &e)) return aapi_err(c, &e);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    if (!v[i].latest) continue;
    AssessView av;
    if (assess_store_view_scores(c->db, &c->p, c->org_id, v[i].id, c->a, &av, &e)) {
      assess_view_free(&av);
      json_decref(arr);
      return aapi_err(c, &e);
    }
    json_t *j = fw_json(&v[i]);
    json_object_set_new(j, "framework", json_integer(v[i].id));
    json_object_set_new(j, "score", aapi_score(av.scores.total));
    json_object_set_new(j, "answered", json_integer(av.scores.answered));
    json_object_set_new(j, "not_applicable", json_integer(av.scores.na));
    json_object_set_new(j, "open", json_integer(av.scores.open));
    json_object_set_new(j, "updated_at", aapi_time(av.updated_at));
    json_object_set_new(j, "last_completed_at", aapi_time(av.last_snapshot_at));
    json_array_append_new(arr, j);
    assess_view_free(&av);
  }
  aapi_send(c, 200, json_pack("{s:I, s:o}", "org_id", (json_int_t)c->org_id, "assessments", arr));
}

static json_t *item_json(const AssessView *v, size_t i) {
  const AssessNode *nd = &v->fw->nodes[i];
  const AssessItem *it = &v->items[i];
  json_t *j = json_pack("{s:s, s:s, s:b, s:i}", "ref_id", nd->ref_id, "name", nd->name ? nd->name : "",
                        "assessable", nd->assessable, "depth", nd->depth);
  json_object_set_new(j, "parent", nd->parent >= 0 ? json_string(v->fw->nodes[nd->parent].ref_id) : json_null());
  json_object_set_new(j, "score", aapi_score(v->scores.node[i].score));
  if (!nd->assessable) return j;
  json_object_set_new(j, "level", it->set && !it->na ? json_integer(it->level) : json_null());
  json_object_set_new(j, "not_applicable", json_boolean(it->na));
  json_object_set_new(j, "target", it->target >= 0 ? json_integer(it->target) : json_null());
  int t = assess_target(v->fw, v->ans, i);
  json_object_set_new(j, "effective_target", t >= 0 ? json_integer(t) : json_null());
  json_object_set_new(j, "comment", json_string(it->comment));
  json_object_set_new(j, "responsible", json_string(it->responsible));
  json_object_set_new(j, "assessed_on", it->assessed_on[0] ? json_string(it->assessed_on) : json_null());
  json_object_set_new(j, "needs_review", json_boolean(it->needs_review));
  json_object_set_new(j, "evidence", json_integer(it->n_evidence));
  json_object_set_new(j, "open_measures", json_integer(it->n_measures));
  json_object_set_new(j, "updated_at", aapi_time(it->updated_at));
  json_object_set_new(j, "updated_by", json_string(it->updated_by));
  return j;
}

static void get_assessment(WebCtx *c) {
  int64_t fw;
  if (aapi_fw(c, &fw)) return;
  AssessView v;
  Err e = {0};
  if (assess_store_view(c->db, &c->p, c->org_id, fw, c->a, &v, &e)) {
    assess_view_free(&v);
    return aapi_err(c, &e);
  }
  json_t *items = json_array();
  for (size_t i = 0; i < v.fw->nnodes; i++) json_array_append_new(items, item_json(&v, i));
  json_t *j = json_pack("{s:I, s:I, s:s, s:i, s:{s:s, s:i, s:i}}", "org_id", (json_int_t)c->org_id, "framework",
                        (json_int_t)fw, "urn", v.fw->urn, "version", v.fw->version, "scale", "name",
                        v.fw->scale.name ? v.fw->scale.name : "", "min", v.fw->scale.min, "max", v.fw->scale.max);
  json_object_set_new(j, "score", aapi_score(v.scores.total));
  json_object_set_new(j, "answered", json_integer(v.scores.answered));
  json_object_set_new(j, "not_applicable", json_integer(v.scores.na));
  json_object_set_new(j, "open", json_integer(v.scores.open));
  json_object_set_new(j, "items", items);
  assess_view_free(&v);
  aapi_send(c, 200, j);
}

static int level_in(json_t *b, const char *key, long long v) {
  if (json_is_null(json_object_get(b, key))) return -1;
  return v < 0 || v > 1000 ? 1001 : (int)v;
}

/* {"ref_id": "1.1", "level": 3 | null, "not_applicable": false, "target": 4 | null,
 *  "comment": "...", "responsible": "...", "assessed_on": "2026-11-27"} — only the members given change. */
static void post_answer(WebCtx *c) {
  int64_t fw;
  if (aapi_fw(c, &fw)) return;
  json_t *b = aapi_body(c);
  if (!b) return;
  AssessAnswerIn in = {0};
  long long v;
  if (!aapi_str(b, "ref_id", &in.ref_id)) in.ref_id = NULL;
  /* null clears; a number off the scale (negative included) is refused by the store */
  if (aapi_int(b, "level", &v)) in.fields |= ASSESS_F_LEVEL, in.level = level_in(b, "level", v);
  if (aapi_int(b, "target", &v)) in.fields |= ASSESS_F_TARGET, in.target = level_in(b, "target", v);
  json_t *na = json_object_get(b, "not_applicable");
  if (json_is_boolean(na)) in.fields |= ASSESS_F_NA, in.na = json_is_true(na);
  if (aapi_str(b, "comment", &in.comment)) in.fields |= ASSESS_F_COMMENT;
  if (aapi_str(b, "responsible", &in.responsible)) in.fields |= ASSESS_F_RESPONSIBLE;
  if (aapi_str(b, "assessed_on", &in.assessed_on)) in.fields |= ASSESS_F_DATE;
  Err e = {0};
  int rc = !in.ref_id || !in.fields ? err_set(&e, VERR_INVALID, "Oppgi ref_id og minst ett felt som skal endres.")
                                    : assess_store_save(c->db, &c->p, c->org_id, fw, &in, &e);
  json_decref(b);
  if (rc) return aapi_err(c, &e);
  aapi_send(c, 200, json_pack("{s:b}", "saved", 1));
}

/* One item of {"items": [...]} (the shape GET returns) as an answer; 0 fields = skip. */
static void item_in(json_t *it, AssessAnswerIn *in) {
  long long v;
  memset(in, 0, sizeof *in);
  if (!json_is_object(it)) return;
  aapi_str(it, "ref_id", &in->ref_id);
  if (aapi_int(it, "level", &v)) in->fields |= ASSESS_F_LEVEL, in->level = level_in(it, "level", v);
  if (aapi_int(it, "target", &v)) in->fields |= ASSESS_F_TARGET, in->target = level_in(it, "target", v);
  json_t *na = json_object_get(it, "not_applicable");
  if (json_is_boolean(na)) in->fields |= ASSESS_F_NA, in->na = json_is_true(na);
  if (in->na) in->fields &= ~(unsigned)ASSESS_F_LEVEL;
  if (aapi_str(it, "comment", &in->comment)) in->fields |= ASSESS_F_COMMENT;
  if (aapi_str(it, "responsible", &in->responsible)) in->fields |= ASSESS_F_RESPONSIBLE;
  json_t *d = json_object_get(it, "assessed_on");
  if (json_is_string(d)) in->fields |= ASSESS_F_DATE, in->assessed_on = json_string_value(d);
  else if (json_is_null(d)) in->fields |= ASSESS_F_DATE, in->assessed_on = "";
}

/* Re-import of the document GET .../assessments/{id} returns: all or nothing. */
static void post_import(WebCtx *c) {
  int64_t fw;
  if (aapi_fw(c, &fw)) return;
  json_t *b = aapi_body(c);
  if (!b) return;
  json_t *items = json_object_get(b, "items");
  Err e = {0};
  size_t n = json_is_array(items) ? json_array_size(items) : 0, k = 0, changed = 0;
  AssessAnswerIn *v = n ? arena_alloc(c->a, n * sizeof *v) : NULL;
  int rc = !json_is_array(items) ? err_set(&e, VERR_INVALID, "Forventet items: [...].")
           : n > 100000 ? err_set(&e, VERR_TOOBIG, "For mange punkter.")
           : n && !v ? err_set(&e, VERR_NOMEM, "Tomt for minne.") : 0;
  for (size_t i = 0; !rc && i < n; i++) {
    item_in(json_array_get(items, i), &v[k]);
    if (v[k].fields) k++;
  }
  if (!rc) rc = assess_store_save_many(c->db, &c->p, c->org_id, fw, v, k, NULL, &changed, &e);
  json_decref(b);
  if (rc) return aapi_err(c, &e);
  aapi_send(c, 200, json_pack("{s:I}", "changed", (json_int_t)changed));
}

static void post_complete(WebCtx *c) {
  int64_t fw, sid = 0;
  if (aapi_fw(c, &fw)) return;
  Err e = {0};
  if (assess_store_complete(c->db, &c->p, c->org_id, fw, &sid, &e)) return aapi_err(c, &e);
  aapi_send(c, 201, json_pack("{s:I}", "snapshot", (json_int_t)sid));
}

static void get_history(WebCtx *c) {
  int64_t fw;
  if (aapi_fw(c, &fw)) return;
  AssessHist *h;
  size_t n;
  Err e = {0};
  if (assess_store_history(c->db, &c->p, c->org_id, fw, web_query(c, "ref_id"), 0, c->a, &h, &n, &e))
    return aapi_err(c, &e);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "at", (json_int_t)h[i].at, "user",
                                         h[i].username, "ref_id", h[i].ref_id, "field", h[i].field, "old",
                                         h[i].old_value, "new", h[i].new_value));
  aapi_send(c, 200, json_pack("{s:o}", "history", arr));
}

static void get_snapshots(WebCtx *c) {
  int64_t fw;
  if (aapi_fw(c, &fw)) return;
  AssessSnapshot *s;
  size_t n;
  Err e = {0};
  if (assess_store_snapshots(c->db, &c->p, c->org_id, fw, c->a, &s, &n, &e)) return aapi_err(c, &e);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *j = json_pack("{s:I, s:I, s:i, s:I, s:i, s:i, s:i, s:s}", "id", (json_int_t)s[i].id, "framework",
                          (json_int_t)s[i].fw_id, "version", s[i].version, "at", (json_int_t)s[i].at, "answered",
                          s[i].answered, "not_applicable", s[i].na, "open", s[i].open, "by", s[i].by);
    json_object_set_new(j, "score", aapi_score(s[i].total));
    json_array_append_new(arr, j);
  }
  aapi_send(c, 200, json_pack("{s:o}", "snapshots", arr));
}

/* One snapshot with every node's frozen answer and score (read_summary on its organisation). */
static void get_snapshot(WebCtx *c) {
  AssessSnapScore *v;
  size_t n;
  Err e = {0};
  int64_t org = 0;
  int rc = db_int(c->db, &e, &org, "SELECT org_id FROM assess_snapshots WHERE id = ?", "l", c->args[0]);
  if (rc == VERR_NOTFOUND || (!rc && org != c->org_id)) rc = err_set(&e, VERR_NOTFOUND, "Fant ikke øyeblikksbildet.");
  if (!rc) rc = assess_store_snapshot_scores(c->db, &c->p, c->args[0], c->a, &v, &n, &e);
  if (rc) return aapi_err(c, &e);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *j = json_pack("{s:s, s:b}", "ref_id", v[i].ref_id, "not_applicable", v[i].na);
    json_object_set_new(j, "score", aapi_score(v[i].score));
    json_object_set_new(j, "level", v[i].set && !v[i].na && v[i].level >= 0 ? json_integer(v[i].level) : json_null());
    json_array_append_new(arr, j);
  }
  aapi_send(c, 200, json_pack("{s:I, s:o}", "id", (json_int_t)c->args[0], "nodes", arr));
}

static void get_gaps(WebCtx *c) {
  int64_t fw;
  if (aapi_fw(c, &fw)) return;
  AssessGapRow *g;
  size_t n;
  Err e = {0};
  if (assess_store_gaps(c->db, &c->p, c->org_id, fw, c->a, &g, &n, &e)) return aapi_err(c, &e);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *j = json_pack("{s:s, s:s, s:i, s:i, s:i}", "ref_id", g[i].ref_id, "name", g[i].name, "level",
                          g[i].g.level, "target", g[i].g.target, "importance", g[i].g.importance);
    json_object_set_new(j, "gap", aapi_score(g[i].g.gap));
    json_object_set_new(j, "priority", aapi_score(g[i].g.priority));
    json_object_set_new(j, "measure", g[i].measure_id ? json_integer(g[i].measure_id) : json_null());
    json_array_append_new(arr, j);
  }
  aapi_send(c, 200, json_pack("{s:o}", "gaps", arr));
}

static json_t *evidence_json(const AssessEvidence *v) {
  json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)v->id, "ref_id", v->ref_id, "kind",
                        v->kind, "name", v->name, "created_at", (json_int_t)v->created_at, "created_by", v->created_by);
  if (!strcmp(v->kind, "file")) {
    json_object_set_new(j, "size", json_integer(v->size));
    json_object_set_new(j, "sha256", json_string(v->sha256));
    json_object_set_new(j, "content_type", json_string(v->content_type));
  } else {
    json_object_set_new(j, "url", json_string(v->url));
  }
  return j;
}

static void get_evidence_list(WebCtx *c) {
  int64_t fw;
  if (aapi_fw(c, &fw)) return;
  AssessEvidence *v;
  size_t n;
  Err e = {0};
  if (assess_evidence_list(c->db, &c->p, c->org_id, fw, web_query(c, "ref_id"), c->a, &v, &n, &e))
    return aapi_err(c, &e);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, evidence_json(&v[i]));
  aapi_send(c, 200, json_pack("{s:o}", "evidence", arr));
}

/* A link as JSON {"ref_id", "url", "title"}, or a file as multipart/form-data
 * (fields ref_id and file). */
static void post_evidence(WebCtx *c) {
  int64_t fw, id = 0;
  if (aapi_fw(c, &fw)) return;
  Err e = {0};
  int rc;
  const HttpFile *f = http_file(c->req, "file");
  if (f) {
    rc = assess_evidence_add_file(c->db, &c->p, c->org_id, fw, web_form(c, "ref_id"), f->filename,
                                  f->content_type, f->data, f->len, &id, &e);
  } else {
    json_t *b = aapi_body(c);
    if (!b) return;
    const char *ref = NULL, *url = NULL, *title = NULL;
    aapi_str(b, "ref_id", &ref);
    aapi_str(b, "url", &url);
    aapi_str(b, "title", &title);
    rc = assess_evidence_add_link(c->db, &c->p, c->org_id, fw, ref, title, url, &id, &e);
    json_decref(b);
  }
  if (rc) return aapi_err(c, &e);
  aapi_send(c, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* The file itself, always as an attachment (never rendered by the browser). */
static void get_evidence(WebCtx *c) {
  AssessEvidence v;
  Err e = {0};
  if (assess_evidence_get(c->db, &c->p, c->args[0], c->a, &v, &e)) return aapi_err(c, &e);
  if (v.org_id != c->org_id) return web_api_error(c, 404, "Fant ikke dokumentasjonen.");
  if (strcmp(v.kind, "file")) return aapi_send(c, 200, evidence_json(&v));
  HttpResp *r = c->resp;
  buf_reset(&r->body);
  buf_append(&r->body, v.data, (size_t)v.size);
  r->status = 200;
  r->content_type = "application/octet-stream";
  http_resp_header(r, "Content-Disposition", "attachment");
  http_resp_header(r, "X-Content-SHA256", v.sha256);
}

static void post_evidence_delete(WebCtx *c) {
  AssessEvidence v;
  Err e = {0};
  int rc = assess_evidence_get(c->db, &c->p, c->args[0], c->a, &v, &e);
  if (!rc && v.org_id != c->org_id) rc = err_set(&e, VERR_NOTFOUND, "Fant ikke dokumentasjonen.");
  if (!rc) rc = assess_evidence_delete(c->db, &c->p, v.id, &e);
  if (rc) return aapi_err(c, &e);
  aapi_send(c, 200, json_pack("{s:b}", "deleted", 1));
}

static void get_csv(WebCtx *c) {
  int64_t fw;
  if (aapi_fw(c, &fw)) return;
  Err e = {0};
  buf_reset(&c->resp->body);
  if (assess_csv_export_answers(c->db, &c->p, c->org_id, fw, &c->resp->body, &e)) return aapi_err(c, &e);
  c->resp->status = 200;
  c->resp->content_type = "text/csv; charset=utf-8";
  http_resp_header(c->resp, "Content-Disposition", "attachment; filename=\"egenvurdering.csv\"");
}

static void get_snapshots_csv(WebCtx *c) {
  int64_t fw;
  if (aapi_fw(c, &fw)) return;
  Err e = {0};
  buf_reset(&c->resp->body);
  if (assess_csv_export_snapshots(c->db, &c->p, c->org_id, fw, &c->resp->body, &e)) return aapi_err(c, &e);
  c->resp->status = 200;
  c->resp->content_type = "text/csv; charset=utf-8";
  http_resp_header(c->resp, "Content-Disposition", "attachment; filename=\"oyeblikksbilder.csv\"");
}

static void post_csv(WebCtx *c) {
  int64_t fw;
  if (aapi_fw(c, &fw)) return;
  Err e = {0};
  size_t changed = 0;
  if (assess_csv_import_answers(c->db, &c->p, c->org_id, fw, c->req->body ? c->req->body : "", c->req->body_len,
                                &changed, &e))
    return aapi_err(c, &e);
  aapi_send(c, 200, json_pack("{s:I}", "changed", (json_int_t)changed));
}

static json_t *agg_json(const AssessAggregate *g) {
  json_t *j = json_pack("{s:b, s:I}", "shown", g->shown, "organisations", (json_int_t)g->n);
  if (g->shown) {
    json_object_set_new(j, "mean", aapi_score(g->stats.mean));
    json_object_set_new(j, "median", aapi_score(g->stats.median));
    json_object_set_new(j, "p25", aapi_score(g->stats.p25));
    json_object_set_new(j, "p75", aapi_score(g->stats.p75));
  }
  return j;
}

json_t *aapi_agg_json(const AssessAggregate *g) { return agg_json(g); }

json_t *aapi_scores_json(const AssessOrgScore *v, size_t n) {
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *j = json_pack("{s:I, s:s, s:s, s:b}", "org_id", (json_int_t)v[i].org_id, "name", v[i].name, "kind",
                          v[i].kind, "score_shown", v[i].shown);
    json_object_set_new(j, "score", v[i].shown ? aapi_score(v[i].total) : json_null());
    json_object_set_new(j, "at", v[i].shown ? aapi_time(v[i].at) : json_null());
    json_array_append_new(arr, j);
  }
  return arr;
}

/* Members below this organisation with their latest score of framework {id}. */
static void get_members(WebCtx *c) {
  int64_t fw;
  if (aapi_fw(c, &fw)) return;
  AssessOrgScore *v;
  size_t n;
  AssessAggregate agg;
  Err e = {0};
  AssessItemDistRow *d;
  size_t nd;
  if (assess_store_member_scores(c->db, &c->p, c->org_id, fw, c->a, &v, &n, &agg, &e) ||
      assess_store_item_distributions(c->db, &c->p, c->org_id, fw, c->a, &d, &nd, &e))
    return aapi_err(c, &e);
  const AssessFramework *f = NULL;
  if (assess_store_fw_load(c->db, fw, 0, &f, &e)) return aapi_err(c, &e);
  int span = f->scale.max - f->scale.min + 1;
  assess_store_fw_release(f);
  json_t *items = json_array();
  for (size_t i = 0; i < nd; i++) {
    json_t *j = json_pack("{s:s, s:b, s:I}", "ref_id", d[i].ref_id, "shown", d[i].d.shown, "organisations",
                          (json_int_t)d[i].d.n);
    if (d[i].d.shown) {
      json_t *counts = json_array();
      for (int k = 0; k < span && k < 16; k++) json_array_append_new(counts, json_integer((json_int_t)d[i].d.counts[k]));
      json_object_set_new(j, "levels", counts);
      json_object_set_new(j, "not_applicable", json_integer((json_int_t)d[i].d.na));
    }
    json_array_append_new(items, j);
  }
  aapi_send(c, 200, json_pack("{s:I, s:o, s:o, s:o}", "framework", (json_int_t)fw, "members",
                              aapi_scores_json(v, n), "aggregate", agg_json(&agg), "distribution", items));
}

static const WebRoute routes[] = {
  {"GET", "/api/v1/frameworks", get_frameworks, WEB_NO_ACTION, WEB_API},
  {"GET", "/api/v1/frameworks/{id}/mapping", get_mapping, WEB_NO_ACTION, WEB_API},
  {"GET", "/api/v1/orgs/{org}/assessments", get_assessments, POLICY_READ_SUMMARY, WEB_API},
  {"GET", "/api/v1/orgs/{org}/assessments/{id}", get_assessment, POLICY_READ, WEB_API},
  {"POST", "/api/v1/orgs/{org}/assessments/{id}", post_answer, POLICY_WRITE, WEB_API},
  {"POST", "/api/v1/orgs/{org}/assessments/{id}/complete", post_complete, POLICY_WRITE, WEB_API},
  {"POST", "/api/v1/orgs/{org}/assessments/{id}/import", post_import, POLICY_WRITE, WEB_API},
  {"POST", "/api/v1/orgs/{org}/assessments/{id}/upgrade", post_upgrade, POLICY_WRITE, WEB_API},
  {"GET", "/api/v1/orgs/{org}/snapshots/{id}", get_snapshot, POLICY_READ_SUMMARY, WEB_API},
  {"GET", "/api/v1/orgs/{org}/assessments/{id}/history", get_history, POLICY_READ, WEB_API},
  {"GET", "/api/v1/orgs/{org}/assessments/{id}/snapshots", get_snapshots, POLICY_READ_SUMMARY, WEB_API},
  {"GET", "/api/v1/orgs/{org}/assessments/{id}/snapshots.csv", get_snapshots_csv, POLICY_READ_SUMMARY, WEB_API},
  {"GET", "/api/v1/orgs/{org}/assessments/{id}/gaps", get_gaps, POLICY_READ, WEB_API},
  {"GET", "/api/v1/orgs/{org}/assessments/{id}/evidence", get_evidence_list, POLICY_READ, WEB_API},
  {"POST", "/api/v1/orgs/{org}/assessments/{id}/evidence", post_evidence, POLICY_WRITE, WEB_API},
  {"GET", "/api/v1/orgs/{org}/assessments/{id}/csv", get_csv, POLICY_READ, WEB_API},
  {"POST", "/api/v1/orgs/{org}/assessments/{id}/csv", post_csv, POLICY_WRITE, WEB_API},
  {"GET", "/api/v1/orgs/{org}/evidence/{id}", get_evidence, POLICY_READ, WEB_API},
  {"POST", "/api/v1/orgs/{org}/evidence/{id}/delete", post_evidence_delete, POLICY_WRITE, WEB_API},
  {"GET", "/api/v1/orgs/{org}/members/{id}", get_members, POLICY_ORG_VIEW, WEB_API},
  {NULL, NULL, NULL, 0, 0},
};

/* The periodic reminder run of `varde serve` (campaigns due within a week). */
static void remind_job(Db *db, const WebJobEnv *env) {
  AssessSmtp smtp = {env->smtp_url, env->smtp_from ? env->smtp_from : "varde@localhost.localdomain", env->base_url};
  AssessRemindStats st;
  Err e = {0};
  if (assess_campaign_remind(db, env->smtp_url ? &smtp : NULL, ASSESS_REMIND_DAYS, &st, &e))
    fprintf(stderr, "varde serve: påminnelser: %s\n", e.msg);
  else if (st.tasks)
    fprintf(stderr, "varde serve: påminnelser: %zu oppgaver, %zu e-poster sendt, %zu feilet\n", st.tasks, st.mails,
            st.mail_errors);
}

void assess_api_init(void) {
  web_register_routes(routes);
  web_register_routes(assess_api_plan_routes());
  web_register_job(&(WebJob){"kampanjepåminnelser", remind_job, 3600});
}
