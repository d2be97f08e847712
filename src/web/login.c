/* login.c — log-in (password, then the TOTP or recovery-code step), log-out,
 * the stylesheet and the front door. All session work is src/auth's. */
#include "web/web_int.h"

#include <stdio.h>
#include <string.h>

#include "html/html.h"

extern const unsigned char web_css[];
extern const size_t web_css_len;

/* Hidden "neste" field carrying where to go after log-in. */
static void next_field(WebCtx *c, const char *next) {
  if (web_safe_next(next))
    html_printf(&c->resp->body, "<input type=\"hidden\" name=\"neste\" value=\"%s\">", next);
}

static const char *next_of(WebCtx *c) {
  const char *n = http_param(&c->req->form, "neste");
  if (!n) n = web_query(c, "neste");
  return web_safe_next(n);
}

static void login_form(WebCtx *c, int status, const char *error, const char *username) {
  Buf *b = &c->resp->body;
  buf_reset(b);
  c->resp->status = status;
  web_page_begin(c, "Logg inn");
  html_raw(b, "<div class=\"login card\"><h1>Logg inn i Varde</h1>");
  if (error) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", error);
  html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/logg-inn\">");
  next_field(c, next_of(c));
  html_raw(b, "<div><label for=\"username\">Brukernavn</label>");
  html_printf(b, "<input type=\"text\" id=\"username\" name=\"username\" value=\"%s\" "
                 "autocomplete=\"username\" autocapitalize=\"none\" required autofocus></div>",
              username ? username : "");
  html_raw(b, "<div><label for=\"password\">Passord</label><input type=\"password\" id=\"password\" "
              "name=\"password\" autocomplete=\"current-password\" required></div>"
              "<div><button type=\"submit\">Logg inn</button></div></form></div>");
  web_page_end(c);
}

static void get_login(WebCtx *c) {
  if (c->p.user_id && c->p.stage == AUTH_STAGE_FULL) {
    http_resp_redirect(c->resp, "/");
    return;
  }
  login_form(c, 200, NULL, NULL);
}

static void set_retry_after(WebCtx *c, int64_t secs) {
  const char *v = arena_printf(c->a, "%lld", (long long)(secs > 0 ? secs : 1));
  if (v) http_resp_header(c->resp, "Retry-After", v);
}

static void post_login(WebCtx *c) {
  const char *user = web_form(c, "username"), *pass = web_form(c, "password");
  AuthLogin out = {0};
  Err e = {0};
  int rc = auth_login(c->db, c->auth, user, pass, c->req->remote_addr, c->now, &out, &e);
  if (rc == VERR_DENIED || rc == VERR_INVALID) {
    login_form(c, 401, "Feil brukernavn eller passord.", user);
  } else if (rc == VERR_BUSY) {
    set_retry_after(c, out.retry_after);
    const char *msg = arena_printf(c->a, "For mange mislykkede forsøk. Kontoen er midlertidig "
                                   "sperret; prøv igjen om %lld minutter.",
                                   (long long)(out.retry_after + 59) / 60);
    login_form(c, 429, msg ? msg : "For mange forsøk.", user);
  } else if (rc) {
    web_error_err(c, &e);
  } else {
    web_set_session_cookie(c, out.session.cookie);
    const char *next = next_of(c);
    http_resp_redirect(c->resp, out.stage == AUTH_STAGE_FULL ? (next ? next : "/")
                                : out.stage == AUTH_STAGE_NEED_ENROL
                                    ? "/profil/mfa"
                                    : web_with_next(c, "/logg-inn/mfa", next));
  }
}

static void mfa_form(WebCtx *c, int status, const char *error) {
  Buf *b = &c->resp->body;
  buf_reset(b);
  c->resp->status = status;
  web_page_begin(c, "Tofaktorkode");
  html_raw(b, "<div class=\"login card\"><h1>Bekreft med engangskode</h1>");
  if (error) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", error);
  html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/logg-inn/mfa\">");
  web_csrf_field(c);
  next_field(c, next_of(c));
  html_raw(b, "<div><label for=\"code\">Kode fra autentiseringsappen "
              "<span class=\"hint\">(6 sifre), eller en gjenopprettingskode</span></label>"
              "<input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" "
              "autocomplete=\"one-time-code\" required autofocus></div>"
              "<div><button type=\"submit\">Bekreft</button></div></form></div>");
  web_page_end(c);
}

static void get_mfa(WebCtx *c) {
  if (c->p.stage == AUTH_STAGE_FULL) http_resp_redirect(c->resp, "/");
  else if (c->p.stage == AUTH_STAGE_NEED_ENROL) http_resp_redirect(c->resp, "/profil/mfa");
  else mfa_form(c, 200, NULL);
}

static void post_mfa(WebCtx *c) {
  if (c->p.stage != AUTH_STAGE_NEED_TOTP) {
    http_resp_redirect(c->resp, "/");
    return;
  }
  AuthLogin out = {0};
  Err e = {0};
  int rc = auth_login_mfa(c->db, c->auth, &c->p, web_form(c, "code"), c->now, &out, &e);
  if (rc == VERR_DENIED || rc == VERR_INVALID) {
    mfa_form(c, 401, "Koden stemmer ikke. Prøv igjen med en ny kode.");
  } else if (rc == VERR_BUSY) {
    set_retry_after(c, out.retry_after);
    mfa_form(c, 429, "For mange mislykkede forsøk. Vent litt og prøv igjen.");
  } else if (rc) {
    web_error_err(c, &e);
  } else {
    web_set_session_cookie(c, out.session.cookie);
    const char *next = next_of(c);
    http_resp_redirect(c->resp, next ? next : "/");
  }
}

static void post_logout(WebCtx *c) {
  Err e = {0};
  auth_session_logout(c->db, &c->p, &e);
  web_clear_session_cookie(c);
  http_resp_redirect(c->resp, "/logg-inn");
}

static void get_css(WebCtx *c) {
  c->resp->content_type = "text/css; charset=utf-8";
  http_resp_header(c->resp, "Cache-Control", "public, max-age=3600");
  buf_append(&c->resp->body, web_css, web_css_len);
}

static void get_root(WebCtx *c) {
  int64_t org = web_current_org(c);
  if (!org) {
    web_page_begin(c, "Oversikt");
    html_raw(&c->resp->body, "<h1>Velkommen</h1><p>Du er ikke medlem av noen organisasjon ennå. "
                             "Be en administrator om tilgang.</p>");
    web_page_end(c);
    return;
  }
  const char *to = arena_printf(c->a, "/org/%lld", (long long)org);
  http_resp_redirect(c->resp, to ? to : "/organisasjoner");
}

const WebRoute web_routes_auth[] = {
    {"GET", "/", get_root, WEB_NO_ACTION, 0},
    {"GET", "/static/varde.css", get_css, WEB_NO_ACTION, WEB_PUBLIC},
    {"GET", "/logg-inn", get_login, WEB_NO_ACTION, WEB_PUBLIC},
    {"POST", "/logg-inn", post_login, WEB_NO_ACTION, WEB_PUBLIC},
    {"GET", "/logg-inn/mfa", get_mfa, WEB_NO_ACTION, WEB_MFA_STEP | WEB_SELF},
    {"POST", "/logg-inn/mfa", post_mfa, WEB_NO_ACTION, WEB_MFA_STEP | WEB_SELF | WEB_CSRF},
    {"POST", "/logg-ut", post_logout, WEB_NO_ACTION, WEB_MFA_STEP | WEB_SELF | WEB_CSRF},
    {NULL, NULL, NULL, 0, 0},
};
