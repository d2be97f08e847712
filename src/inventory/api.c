/* api.c — the inventory under /api/v1: the whole inventory of an
 * organisation as JSON, the impact of one object, and import (CSV or
 * CycloneDX in the body, ?dry_run=1 to only report). Same prologue and
 * policy as the pages. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/web_int.h"
#include "policy/policy.h"

static void fail(WebCtx *c, const Err *e) {
  int st = e->code == VERR_NOTFOUND ? 404 : e->code == VERR_INVALID || e->code == VERR_TOOBIG ? 400
           : e->code == VERR_CONFLICT ? 409 : e->code == VERR_BUSY ? 503 : 500;
  web_api_json(c, st, json_pack("{s:s, s:i}", "error", st == 500 ? "intern feil" : e->msg, "status", st));
}

static json_t *id_or_null(int64_t id) { return id ? json_integer(id) : json_null(); }

static json_t *objects(WebCtx *c, Err *e) {
  InvService *se; InvSystem *sy; InvProduct *pr; InvHost *ho; InvSupplier *su;
  size_t nse, nsy, npr, nho, nsu;
  if (inv_service_list(c->db, c->a, c->org_id, &se, &nse, e) || inv_system_list(c->db, c->a, c->org_id, &sy, &nsy, e) ||
      inv_product_list(c->db, c->a, c->org_id, &pr, &npr, e) || inv_host_list(c->db, c->a, c->org_id, &ho, &nho, e) ||
      inv_supplier_list(c->db, c->a, c->org_id, &su, &nsu, e))
    return NULL;
  json_t *j = json_object(), *a;
  json_object_set_new(j, "services", a = json_array());
  for (size_t i = 0; i < nse; i++)
    json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:i, s:b}", "id", (json_int_t)se[i].id, "name", se[i].name,
                                       "description", se[i].description, "criticality", se[i].criticality,
                                       "critical_function", se[i].critical_function));
  json_object_set_new(j, "systems", a = json_array());
  for (size_t i = 0; i < nsy; i++)
    json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s}", "id", (json_int_t)sy[i].id, "name",
                                       sy[i].name, "description", sy[i].description, "owner", sy[i].owner,
                                       "supplier_id", id_or_null(sy[i].supplier_id), "hosting", sy[i].hosting,
                                       "data_country", sy[i].data_country));
  json_object_set_new(j, "products", a = json_array());
  for (size_t i = 0; i < npr; i++)
    json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)pr[i].id,
                                       "name", pr[i].name, "vendor", pr[i].vendor, "product", pr[i].product,
                                       "version", pr[i].version, "cpe", pr[i].cpe, "purl", pr[i].purl, "platform",
                                       pr[i].platform, "eol_date", pr[i].eol_date, "eol", pr[i].eol));
  json_object_set_new(j, "hosts", a = json_array());
  for (size_t i = 0; i < nho; i++)
    json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)ho[i].id, "name",
                                       ho[i].name, "aliases", ho[i].aliases, "addresses", ho[i].addresses,
                                       "description", ho[i].description, "internet_facing", ho[i].internet_facing));
  json_object_set_new(j, "suppliers", a = json_array());
  for (size_t i = 0; i < nsu; i++)
    json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)su[i].id, "name", su[i].name,
                                       "orgnr", su[i].orgnr, "contact", su[i].contact));
  return j;
}

static int add_deps_scope(WebCtx *c, json_t *j, Err *e) {
  InvDep *d;
  InvScope *s;
  size_t nd, ns;
  if (inv_dep_list(c->db, c->a, c->org_id, INV_SERVICE, 0, &d, &nd, e) ||
      inv_scope_list(c->db, c->a, c->org_id, &s, &ns, e))
    return e->code;
  json_t *a;
  json_object_set_new(j, "dependencies", a = json_array());
  for (size_t i = 0; i < nd; i++)
    json_array_append_new(a, json_pack("{s:I, s:s, s:I, s:s, s:I}", "id", (json_int_t)d[i].id, "from_kind",
                                       inv_kind_name(d[i].from_kind), "from_id", (json_int_t)d[i].from_id,
                                       "to_kind", inv_kind_name(d[i].to_kind), "to_id", (json_int_t)d[i].to_id));
  json_object_set_new(j, "scope", a = json_array());
  for (size_t i = 0; i < ns; i++)
    json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:b, s:o}", "id", (json_int_t)s[i].id, "kind",
                                       s[i].kind, "value", s[i].value, "note", s[i].note, "confirmed",
                                       s[i].confirmed_at != 0, "confirmed_at",
                                       s[i].confirmed_at ? json_integer(s[i].confirmed_at) : json_null()));
  return 0;
}

static void get_inventory(WebCtx *c) {
  Err e = {0};
  json_t *j = objects(c, &e);
  if (!j || add_deps_scope(c, j, &e)) {
    json_decref(j);
    fail(c, &e);
    return;
  }
  json_object_set_new(j, "org_id", json_integer(c->org_id));
  web_api_json(c, 200, j);
}

static void get_impact(WebCtx *c) {
  const char *kn = web_query(c, "kind");
  InvKind k = INV_SYSTEM;
  InvImpact im;
  Err e = {0};
  if (kn && inv_kind_parse(kn, &k)) {
    web_api_json(c, 400, json_pack("{s:s, s:i}", "error", "ukjent kind", "status", 400));
    return;
  }
  if (inv_impact(c->db, c->a, c->org_id, k, c->args[0], &im, &e)) {
    fail(c, &e);
    return;
  }
  json_t *svc = json_array();
  for (size_t i = 0; i < im.nsvc; i++)
    json_array_append_new(svc, json_pack("{s:I, s:s, s:i, s:b, s:i, s:s}", "id", (json_int_t)im.svc[i].id, "name",
                                         im.svc[i].name, "criticality", im.svc[i].criticality, "critical_function",
                                         im.svc[i].critical_function, "depth", im.svc[i].depth, "path",
                                         im.svc[i].path));
  web_api_json(c, 200, json_pack("{s:s, s:I, s:s, s:I, s:I, s:I, s:o}", "kind", inv_kind_name(k), "id", (json_int_t)im.id,
                         "name", im.name, "services_stopped", (json_int_t)im.nsvc, "critical_stopped",
                         (json_int_t)im.ncritical, "systems_affected", (json_int_t)im.nsystems, "services", svc));
}

static void post_import(WebCtx *c) {
  const char *dry = web_query(c, "dry_run");
  bool is_dry = dry && (!strcmp(dry, "1") || !strcmp(dry, "true"));
  InvImportResult r;
  Err e = {0};
  int rc = inv_import(c->db, &c->p, c->org_id, "api", c->req->body ? c->req->body : "", c->req->body_len, is_dry, &r, &e);
  if (rc) fail(c, &e);
  else
    web_api_json(c, 200, json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:s}", "dry_run", is_dry, "rows", (json_int_t)r.rows,
                           "created", (json_int_t)r.created, "updated", (json_int_t)r.updated, "unchanged",
                           (json_int_t)r.unchanged, "errors", (json_int_t)r.errors, "log", buf_cstr(&r.log)));
  inv_import_result_free(&r);
}

const WebRoute inv_api_routes[] = {
    {"GET", "/api/v1/orgs/{org}/inventory", get_inventory, POLICY_READ, WEB_API},
    {"GET", "/api/v1/orgs/{org}/inventory/impact/{id}", get_impact, POLICY_READ, WEB_API},
    {"POST", "/api/v1/orgs/{org}/inventory/import", post_import, POLICY_WRITE, WEB_API},
    {NULL, NULL, NULL, 0, 0},
};
