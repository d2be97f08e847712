/* app.c — the fixed prologue every request passes before its handler:
 * route match, identity (session cookie, bearer token or sensor credential),
 * log-in and MFA stage, the policy check on the target organisation, and CSRF. */
#include "web/web_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db/db.h"
#include "html/html.h"
#include "policy/policy.h"

static pthread_key_t db_key;
static pthread_once_t db_once = PTHREAD_ONCE_INIT;

static void db_key_free(void *p) { db_close(p); }
static void db_key_make(void) { pthread_key_create(&db_key, db_key_free); }

Db *web_thread_db(const char *path, Err *e) {
  pthread_once(&db_once, db_key_make);
  Db *db = pthread_getspecific(db_key);
  if (db) return db;
  if (db_open(&db, path, 0, e)) return NULL;
  pthread_setspecific(db_key, db);
  return db;
}

static void deny(WebCtx *c, int status, const char *msg) {
  if (c->route && (c->route->flags & WEB_API)) web_api_error(c, status, msg);
  else web_error(c, status, msg);
}

/* WEB_SENSOR routes: only a live sensor credential counts, never a user's
 * token or session; its organisation becomes the policy target. */
static int identify_sensor(WebCtx *c) {
  const char *h = c->req->authorization;
  WebSensorAuth check = web_sensor_auth();
  Err e = {0};
  int64_t sid = 0, org = 0;
  int rc = VERR_NOTFOUND;
  if (check && h && !strncasecmp(h, "Bearer ", 7))
    rc = check(c->db, h + 7, c->req->remote_addr, &sid, &org, &e);
  if (rc == VERR_NOTFOUND) return 0;  /* stays anonymous: require_login answers 401 */
  if (rc) {
    web_error_err(c, &e);
    return -1;
  }
  auth_principal_sensor(&c->p, sid, org, c->req->remote_addr);
  c->org_id = org;
  return 0;
}

/* Bearer token for API routes, session cookie for pages, a sensor
 * credential for sensor routes. -1 on DB error. */
static int identify(WebCtx *c, const WebApp *app) {
  if (c->route->flags & WEB_SENSOR) return identify_sensor(c);
  Err e = {0};
  int rc = VERR_NOTFOUND, had_cookie = 0;
  if (c->route->flags & WEB_API) {
    const char *h = c->req->authorization;
    if (h && !strncasecmp(h, "Bearer ", 7))
      rc = auth_token_lookup(c->db, h + 7, c->req->remote_addr, c->now, &c->p, &e);
  } else {
    const char *cookie = http_param(&c->req->cookies, AUTH_SESSION_COOKIE);
    had_cookie = cookie != NULL;
    if (cookie)
      rc = auth_session_lookup(c->db, &app->auth, cookie, c->req->remote_addr, c->now,
                               &c->p, c->csrf, &e);
  }
  if (rc == 0 || rc == VERR_NOTFOUND || rc == VERR_INVALID) {
    if (rc) {
      memset(&c->p, 0, sizeof c->p);
      if (had_cookie) web_clear_session_cookie(c);  /* stale or forged: drop it */
    }
    return 0;
  }
  web_error_err(c, &e);
  return -1;
}

/* Where an unfinished log-in must go next. */
static const char *stage_page(const Principal *p) {
  return p->stage == AUTH_STAGE_NEED_ENROL ? "/profil/mfa" : "/logg-inn/mfa";
}

static int require_sensor(WebCtx *c) {
  if (c->p.via == AUTH_VIA_SENSOR) return 0;
  http_resp_header(c->resp, "WWW-Authenticate", "Bearer realm=\"varde-sensor\"");
  web_api_error(c, 401, "Mangler eller ugyldig sensornøkkel.");
  return -1;
}

/* Log-in and MFA stage (or the sensor). 0 to go on, -1 when a response was made. */
static int require_login(WebCtx *c) {
  unsigned f = c->route->flags;
  if (f & WEB_SENSOR) return require_sensor(c);
  if (f & WEB_PUBLIC) return 0;
  if (!c->p.user_id) {
    if (f & WEB_API) {
      http_resp_header(c->resp, "WWW-Authenticate", "Bearer realm=\"varde\"");
      web_api_error(c, 401, "Mangler eller ugyldig API-nøkkel (Authorization: Bearer ...).");
    } else {
      const char *back = !strcmp(c->req->method, "GET") ? c->req->raw_uri : NULL;
      http_resp_redirect(c->resp, web_with_next(c, "/logg-inn", back));
    }
    return -1;
  }
  if (c->p.stage != AUTH_STAGE_FULL && !(f & WEB_MFA_STEP)) {
    if (f & WEB_API) web_api_error(c, 401, "Innloggingen er ikke fullført.");
    else http_resp_redirect(c->resp, stage_page(&c->p));
    return -1;
  }
  return 0;
}

/* Origin must be this host when the browser sends one (log-in CSRF). */
static int origin_ok(const HttpReq *q) {
  if (!q->origin) return 1;
  if (!q->host) return 0;
  const char *o = q->origin;
  if (!strncmp(o, "https://", 8)) o += 8;
  else if (!strncmp(o, "http://", 7)) o += 7;
  else return 0;
  return !strcmp(o, q->host);
}

static int check_csrf(WebCtx *c) {
  int post = !strcmp(c->req->method, "POST");
  unsigned f = c->route->flags;
  if (!post || (f & WEB_API)) return 0;
  if (!origin_ok(c->req)) {
    deny(c, 403, "Forespørselen kom fra et annet nettsted og ble avvist.");
    return -1;
  }
  int need = (f & WEB_CSRF) || !(f & WEB_PUBLIC);
  if (!need) return 0;
  const char *tok = http_param(&c->req->form, "csrf");
  if (!c->csrf[0] || !tok || !auth_csrf_ok(c->csrf, tok)) {
    deny(c, 403, "Skjemaet er utløpt eller ugyldig (CSRF). Last siden på nytt og prøv igjen.");
    return -1;
  }
  return 0;
}

static int authorize(WebCtx *c) {
  const WebRoute *r = c->route;
  if (r->action == WEB_NO_ACTION) return 0;
  Err e = {0};
  int st = web_policy_status(c, r->action, c->org_id, &e);
  if (st == 0) return 0;
  if (st < 0) web_error_err(c, &e);
  else if (st == 404) deny(c, 404, "Fant ikke siden.");
  else deny(c, 403, "Du har ikke tilgang til dette.");
  return -1;
}

void web_handle(void *app_, HttpReq *req, HttpResp *resp) {
  const WebApp *app = app_;
  WebCtx c = {.req = req, .resp = resp, .a = req->arena, .auth = &app->auth};
  c.now = db_now();
  int mismatch = 0;
  c.route = web_route_find(&c, req->method, req->path, &mismatch);
  if (!c.route) {
    int api = !strncmp(req->path, "/api/", 5);
    WebRoute fake = {.flags = api ? WEB_API : 0};
    c.route = &fake;
    static const char *const allow[] = {"", "GET, HEAD", "POST", "GET, HEAD, POST"};
    if (mismatch) http_resp_header(resp, "Allow", allow[mismatch & 3]);
    deny(&c, mismatch ? 405 : 404, mismatch ? "Metoden er ikke tillatt her." : "Fant ikke siden.");
    return;
  }
  Err e = {0};
  c.db = web_thread_db(app->db_path, &e);
  if (!c.db) {
    deny(&c, 500, "Databasen er ikke tilgjengelig.");
    return;
  }
  if (identify(&c, app) || require_login(&c) || authorize(&c) || check_csrf(&c)) return;
  c.route->handler(&c);
  if (resp->body.err) deny(&c, 500, "Svaret ble for stort.");
}

const char *web_safe_next(const char *next) {
  if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\') return NULL;
  size_t n = 0;
  for (const char *p = next; *p; p++, n++)
    if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || n > 512) return NULL;
  return next;
}

const char *web_with_next(WebCtx *c, const char *base, const char *next) {
  if (!web_safe_next(next) || !strcmp(next, "/")) return base;
  Buf b;
  buf_init(&b, 4096);
  buf_puts(&b, base);
  buf_lit(&b, "?neste=");
  html_urlenc(&b, next);
  const char *r = b.err ? base : arena_strdup(c->a, buf_cstr(&b));
  buf_free(&b);
  return r ? r : base;
}

int web_policy_status(WebCtx *c, int action, int64_t org_id, Err *e) {
  PolicyResult r = policy_check(c->db, &c->p, (PolicyAction)action, org_id, e);
  if (r == POLICY_ALLOW) return 0;
  if (e->code) return -1;
  return r == POLICY_NOT_VISIBLE ? 404 : 403;
}

int web_may(WebCtx *c, int action, int64_t org_id) {
  if (action == WEB_NO_ACTION) return c->p.user_id != 0;
  Err e = {0};
  return web_policy_status(c, action, org_id, &e) == 0;
}
