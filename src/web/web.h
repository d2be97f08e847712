/* web.h — Varde's web application: the route table type with its fixed
 * prologue, the per-request context handlers get, and the page layout with
 * a registration table that capability modules use for navigation/dashboard. */
#ifndef VARDE_WEB_H
#define VARDE_WEB_H
#include <stdint.h>

#include "auth/auth.h"
#include "core/err.h"
#include "http/http.h"

typedef struct Db Db;

/* Route flags. Without WEB_PUBLIC a route needs a fully logged-in principal
 * (a user; for WEB_SENSOR routes a sensor instead). */
enum {
  WEB_PUBLIC = 1,     /* no log-in needed (log-in page, CSS) */
  WEB_API = 2,        /* JSON API: bearer token only, errors as JSON */
  WEB_CSRF = 4,       /* state-changing form: session CSRF token required */
  WEB_MFA_STEP = 8,   /* reachable while the MFA step or enrolment is due */
  WEB_SELF = 16,      /* acts on the principal's own account only (no org) */
  WEB_SENSOR = 32,    /* with WEB_API: a sensor credential, never a user; the
                       * policy target is the sensor's own organisation */
};

#define WEB_MAX_ARGS 4

typedef struct WebCtx WebCtx;
typedef void (*WebHandler)(WebCtx *c);

/* "No policy action": for WEB_PUBLIC and WEB_SELF routes, and for listing
 * routes that ask the policy per item (policy_allowed_orgs). */
#define WEB_NO_ACTION (-1)

/* One route. pattern segments: literal, "{org}" (an organisation id: the
 * policy target) or "{id}" (another numeric id, which the handler checks
 * belongs to the org). action is a PolicyAction (policy/policy.h) asked on
 * {org} before the handler runs; a route with {org} must name one. */
typedef struct WebRoute {
  const char *method;
  const char *pattern;
  WebHandler handler;
  int action;
  unsigned flags;
} WebRoute;

struct WebCtx {
  HttpReq *req;
  HttpResp *resp;
  Arena *a;
  Db *db;
  const AuthConfig *auth;
  const WebRoute *route;
  Principal p;                           /* user_id 0 when anonymous */
  char csrf[AUTH_TOKEN_B64_LEN + 1];     /* session's CSRF token, "" without */
  int64_t org_id;                        /* {org} from the path, else 0 */
  int64_t args[WEB_MAX_ARGS];            /* {id} captures in order */
  size_t nargs;
  int64_t now;
  /* Cache of web_orgs_visible for this request (layout and page share it). */
  struct WebOrg *visible;
  size_t nvisible;
  int visible_loaded;
};

/* The application passed to http_start as `app`. */
typedef struct WebApp {
  const char *db_path;
  AuthConfig auth;
  int tls;
} WebApp;

/* HttpHandler: the whole request path (route match, prologue, handler). */
void web_handle(void *app, HttpReq *req, HttpResp *resp);
/* Opens this thread's database handle (kept for the thread's life). */
Db *web_thread_db(const char *path, Err *e);

/* --- layout (layout.c) --- */
/* Starts a full page: <head>, top bar with navigation, org switcher, user
 * menu. Content goes to c->resp->body with html_printf; then web_page_end. */
void web_page_begin(WebCtx *c, const char *title);
void web_page_end(WebCtx *c);
/* Replaces whatever was written with an error page (status + message). */
void web_error(WebCtx *c, int status, const char *message);
/* Error page from an Err: VERR_NOTFOUND 404, VERR_DENIED 403, VERR_INVALID
 * 400, VERR_CONFLICT 409, others 500 (with a generic Norwegian message). */
void web_error_err(WebCtx *c, const Err *e);
/* Hidden CSRF input for forms. */
void web_csrf_field(WebCtx *c);
/* A flash message carried in the query string after a redirect (?ok=key). */
void web_flash(WebCtx *c);

/* Navigation entries and dashboard sections added by capability modules.
 * Register at start-up (before the server starts); entries are shown only
 * when the policy allows `action` on the current organisation. */
typedef struct WebNav {
  const char *label;      /* Norwegian */
  const char *path;       /* under /org/{id}, e.g. "/revisjon" */
  int action;             /* PolicyAction on the current org, or WEB_NO_ACTION */
  int order;
} WebNav;

typedef struct WebSection {
  const char *title;
  void (*render)(WebCtx *c);   /* writes a <section> into c->resp->body */
  int action;                  /* PolicyAction on the org, or WEB_NO_ACTION */
  int order;
} WebSection;

int web_register_nav(const WebNav *n);
int web_register_section(const WebSection *s);
/* Background jobs run by `varde serve` (one thread, its own database
 * handle): reminders, feed imports... env carries what the operator set on
 * the command line. Register at start-up, like routes. */
typedef struct WebJobEnv {
  const char *smtp_url;    /* --smtp or $VARDE_SMTP_URL; NULL = no e-mail */
  const char *smtp_from;   /* --smtp-from or $VARDE_SMTP_FROM */
  const char *base_url;    /* --base-url: links in e-mails; NULL if unknown */
} WebJobEnv;
typedef struct WebJob {
  const char *name;
  void (*run)(Db *db, const WebJobEnv *env);
  unsigned interval_s;     /* how often; the server's --job-interval overrides */
} WebJob;
int web_register_job(const WebJob *j);

/* How WEB_SENSOR routes check a bearer credential. The web foundation knows
 * nothing about sensors, so the module that owns them registers this at
 * start-up: 0 with the sensor and its organisation, VERR_NOTFOUND for an
 * unknown or revoked credential, another VERR_* with e set. Until one is
 * registered, every sensor route answers 401. */
typedef int (*WebSensorAuth)(Db *db, const char *cred, const char *addr, int64_t *sensor_id,
                             int64_t *org_id, Err *e);
void web_register_sensor_auth(WebSensorAuth fn);

/* Registers routes (a table ending with a NULL method). */
int web_register_routes(const WebRoute *routes);
/* Called once at serve start: registers the foundation's own routes, nav
 * entries and sections. */
void web_init(void);

/* --- shared helpers --- */
/* Policy question for the current principal on an organisation; 1 allowed. */
int web_may(WebCtx *c, int action, int64_t org_id);
const char *web_form(WebCtx *c, const char *name);   /* form field or "" */
const char *web_query(WebCtx *c, const char *name);  /* query value or NULL */
/* A path to return to after log-in, or NULL: only "/..." on this site (not
 * "//host" or "/\\host"), printable ASCII, at most 512 bytes. */
const char *web_safe_next(const char *next);
/* "/logg-inn?neste=<path>" style URL: base + "?neste=" + percent-encoded
 * next (base alone when next is not safe); in the request arena. */
const char *web_with_next(WebCtx *c, const char *base, const char *next);
/* "2026-11-27 14:05" in local time, allocated in the request arena. */
const char *web_time(WebCtx *c, int64_t t);
/* Sets the session cookie (with Secure under TLS). */
void web_set_session_cookie(WebCtx *c, const char *value);
void web_clear_session_cookie(WebCtx *c);

/* Serialises j (consumed; NULL = out of memory) as the JSON response body with
 * the given status. Every API module answers through this and web_api_error. */
struct json_t;
void web_api_json(WebCtx *c, int status, struct json_t *j);
void web_api_error(WebCtx *c, int status, const char *message);

#endif
