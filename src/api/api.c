/* api.c — the JSON API under /api/v1 (me, orgs, users): bearer tokens and
 * the same prologue and policy as the pages; jansson builds every document. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "user/user.h"
#include "web/web_int.h"

void web_api_json(WebCtx *c, int status, json_t *j) {
  HttpResp *r = c->resp;
  buf_reset(&r->body);
  r->status = status;
  r->content_type = "application/json; charset=utf-8";
  char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
  json_decref(j);
  if (!s) {
    r->status = 500;
    buf_lit(&r->body, "{\"error\":\"intern feil\"}");
    return;
  }
  buf_puts(&r->body, s);
  buf_putc(&r->body, '\n');
  free(s);
}

void web_api_error(WebCtx *c, int status, const char *message) {
  web_api_json(c, status, json_pack("{s:s, s:i}", "error", message, "status", status));
}

static void api_err(WebCtx *c, const Err *e) {
  int st = e->code == VERR_NOTFOUND ? 404 : e->code == VERR_DENIED ? 403
           : e->code == VERR_INVALID ? 400 : e->code == VERR_BUSY ? 503 : 500;
  web_api_error(c, st, st == 500 ? "intern feil" : e->msg);
}

/* One organisation as JSON, or NULL when it cannot be read. */
static json_t *api_org_json(WebCtx *c, int64_t id) {
  WebOrg o;
  Err e = {0};
  if (web_org_get(c, id, &o, &e)) return NULL;
  json_t *j = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)o.id, "name", o.name, "kind",
                        o.kind, "sharing_level", o.sharing);
  if (!j) return NULL;
  json_object_set_new(j, "parent_id", o.parent_id ? json_integer(o.parent_id) : json_null());
  json_object_set_new(j, "kommunenummer", o.number[0] ? json_string(o.number) : json_null());
  json_object_set_new(j, "orgnr", o.orgnr[0] ? json_string(o.orgnr) : json_null());
  json_object_set_new(j, "population", o.population >= 0 ? json_integer(o.population) : json_null());
  return j;
}

static void get_me(WebCtx *c) {
  UserMembership *m = NULL;
  size_t n = 0;
  Err e = {0};
  if (user_memberships(c->db, c->p.user_id, c->a, &m, &n, &e)) {
    api_err(c, &e);
    return;
  }
  json_t *ms = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(ms, json_pack("{s:I, s:s}", "org_id", (json_int_t)m[i].org_id, "role",
                                        auth_role_name(m[i].role)));
  AuthMfaStatus st = {0};
  auth_mfa_status(c->db, c->p.user_id, &st, &e);
  web_api_json(c, 200, json_pack("{s:I, s:s, s:s, s:o, s:b}", "id", (json_int_t)c->p.user_id,
                              "username", c->p.username, "display_name", c->p.display_name,
                              "memberships", ms, "mfa_enabled", st.totp_enabled));
}

static void get_orgs(WebCtx *c) {
  WebOrg *v = NULL;
  size_t n = 0;
  Err e = {0};
  if (web_orgs_visible(c, &v, &n, &e)) {
    api_err(c, &e);
    return;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *o = api_org_json(c, v[i].id);
    if (o) json_array_append_new(arr, o);
  }
  web_api_json(c, 200, json_pack("{s:o}", "orgs", arr));
}

static void get_org(WebCtx *c) {
  json_t *o = api_org_json(c, c->org_id);
  if (!o) web_api_error(c, 404, "fant ikke organisasjonen");
  else web_api_json(c, 200, o);
}

/* Users with a role in the organisation (policy: manage members). */
static void get_org_users(WebCtx *c) {
  User *u = NULL;
  size_t n = 0;
  Err e = {0};
  if (user_list(c->db, c->a, &u, &n, &e)) {
    api_err(c, &e);
    return;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    AuthRole role = AUTH_ROLE_NONE;
    if (user_role_in(c->db, u[i].id, c->org_id, &role, &e) || role == AUTH_ROLE_NONE) continue;
    json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:b, s:b}", "id", (json_int_t)u[i].id,
                                         "username", u[i].username, "display_name",
                                         u[i].display_name, "role", auth_role_name(role),
                                         "disabled", u[i].disabled, "mfa_enabled",
                                         u[i].totp_enabled));
  }
  web_api_json(c, 200, json_pack("{s:I, s:o}", "org_id", (json_int_t)c->org_id, "users", arr));
}

/* Users of every organisation whose members the principal may manage, each
 * with their roles in those organisations only. */
static void get_users(WebCtx *c) {
  int64_t *ids = NULL;
  size_t nids = 0;
  User *u = NULL;
  size_t n = 0;
  Err e = {0};
  if (policy_allowed_orgs(c->db, &c->p, POLICY_MEMBERS_MANAGE, &ids, &nids, &e) ||
      user_list(c->db, c->a, &u, &n, &e)) {
    free(ids);
    api_err(c, &e);
    return;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *roles = json_array();
    for (size_t k = 0; k < nids; k++) {
      AuthRole role = AUTH_ROLE_NONE;
      if (user_role_in(c->db, u[i].id, ids[k], &role, &e) == 0 && role != AUTH_ROLE_NONE)
        json_array_append_new(roles, json_pack("{s:I, s:s}", "org_id", (json_int_t)ids[k], "role",
                                               auth_role_name(role)));
    }
    if (json_array_size(roles) == 0) {
      json_decref(roles);
      continue;
    }
    json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:b, s:b, s:o}", "id", (json_int_t)u[i].id,
                                         "username", u[i].username, "display_name", u[i].display_name,
                                         "disabled", u[i].disabled, "mfa_enabled", u[i].totp_enabled,
                                         "memberships", roles));
  }
  free(ids);
  web_api_json(c, 200, json_pack("{s:o}", "users", arr));
}

static json_t *body_json(WebCtx *c) {
  json_error_t je;
  return json_loadb(c->req->body ? c->req->body : "", c->req->body_len, 0, &je);
}

/* A new organisation under {org} (org_edit): {"kind", "name", and optionally
 * "kommunenummer", "orgnr", "population"}; 201 with the organisation. */
static void post_child(WebCtx *c) {
  json_t *in = body_json(c);
  const char *kind = json_string_value(json_object_get(in, "kind"));
  const char *name = json_string_value(json_object_get(in, "name"));
  json_t *pop = json_object_get(in, "population");
  char pbuf[24] = "";
  if (json_is_integer(pop)) snprintf(pbuf, sizeof pbuf, "%lld", (long long)json_integer_value(pop));
  else if (pop && !json_is_null(pop)) snprintf(pbuf, sizeof pbuf, "x");   /* not a whole number: refused below */
  int64_t id = 0;
  Err e = {0};
  int rc = !json_is_object(in) ? err_set(&e, VERR_INVALID, "ventet et JSON-objekt")
           : !name ? err_set(&e, VERR_INVALID, "name mangler")
                   : web_org_create(c, c->org_id, kind, name, json_string_value(json_object_get(in, "kommunenummer")),
                                    json_string_value(json_object_get(in, "orgnr")), pbuf, &id, &e);
  json_decref(in);
  if (rc == VERR_CONFLICT) web_api_error(c, 409, e.msg);
  else if (rc) api_err(c, &e);
  else web_api_json(c, 201, api_org_json(c, id));
}

/* {org} under another organisation (policy_check_move: org_edit on both):
 * {"parent_id"}; 200 with the organisation. */
static void post_move(WebCtx *c) {
  json_t *in = body_json(c);
  json_t *p = json_object_get(in, "parent_id");
  json_int_t parent = json_is_integer(p) ? json_integer_value(p) : 0;
  json_decref(in);
  Err e = {0};
  if (parent <= 0) return web_api_error(c, 400, "parent_id mangler");
  if (web_org_move(c, c->org_id, parent, &e)) return api_err(c, &e);
  web_api_json(c, 200, api_org_json(c, c->org_id));
}

/* A member's account off or on (members_manage here and wherever else the
 * account belongs): {"active": true|false}; 200 with id and disabled. */
static void post_account(WebCtx *c) {
  json_t *in = body_json(c);
  json_t *a = json_object_get(in, "active");
  int ok = json_is_boolean(a), active = json_is_true(a);
  json_decref(in);
  Err e = {0};
  if (!ok) return web_api_error(c, 400, "active (true eller false) mangler");
  if (web_user_set_active(c, c->args[0], active, &e)) return api_err(c, &e);
  web_api_json(c, 200, json_pack("{s:I, s:b}", "id", (json_int_t)c->args[0], "disabled", !active));
}

/* A member's second factor removed (lost phone), under the same rule; 200
 * with id and mfa_enabled false. */
static void post_mfa_reset(WebCtx *c) {
  Err e = {0};
  if (web_user_mfa_reset(c, c->args[0], &e)) return api_err(c, &e);
  web_api_json(c, 200, json_pack("{s:I, s:b}", "id", (json_int_t)c->args[0], "mfa_enabled", 0));
}

const WebRoute api_routes_v1[] = {
    {"GET", "/api/v1/me", get_me, WEB_NO_ACTION, WEB_API | WEB_SELF},
    {"GET", "/api/v1/orgs", get_orgs, WEB_NO_ACTION, WEB_API},
    {"GET", "/api/v1/users", get_users, WEB_NO_ACTION, WEB_API},
    {"GET", "/api/v1/orgs/{org}", get_org, POLICY_ORG_VIEW, WEB_API},
    {"GET", "/api/v1/orgs/{org}/users", get_org_users, POLICY_MEMBERS_MANAGE, WEB_API},
    {"POST", "/api/v1/orgs/{org}/children", post_child, POLICY_ORG_EDIT, WEB_API},
    {"POST", "/api/v1/orgs/{org}/move", post_move, POLICY_ORG_EDIT, WEB_API},
    {"POST", "/api/v1/orgs/{org}/users/{id}/account", post_account, POLICY_MEMBERS_MANAGE, WEB_API},
    {"POST", "/api/v1/orgs/{org}/users/{id}/mfa-reset", post_mfa_reset, POLICY_MEMBERS_MANAGE, WEB_API},
    {NULL, NULL, NULL, 0, 0},
};
