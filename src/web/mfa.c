/* mfa.c — TOTP enrolment from the profile (and the forced enrolment of
 * admins at log-in): QR code as inline SVG from src/auth, confirmation with
 * a first code, recovery codes shown once. */
#include "web/web_int.h"

#include <string.h>

#include "html/html.h"

/* A half-logged-in session (password only, TOTP due) must not enrol a new
 * second factor: that would bypass the one it has. */
static int refuse_half_login(WebCtx *c) {
  if (c->p.stage != AUTH_STAGE_NEED_TOTP) return 0;
  http_resp_redirect(c->resp, "/logg-inn/mfa");
  return 1;
}

static void get_mfa_setup(WebCtx *c) {
  if (refuse_half_login(c)) return;
  Buf *b = &c->resp->body;
  AuthMfaStatus st = {0};
  Err e = {0};
  if (auth_mfa_status(c->db, c->p.user_id, &st, &e)) {
    web_error_err(c, &e);
    return;
  }
  web_page_begin(c, "Tofaktorinnlogging");
  html_raw(b, "<h1>Tofaktorinnlogging</h1><div class=\"card\">");
  if (st.totp_enabled) {
    html_raw(b, "<p>Tofaktorinnlogging er allerede på for kontoen din.</p>"
                "<p><a href=\"/profil\">Tilbake til profilen</a></p></div>");
    web_page_end(c);
    return;
  }
  if (c->p.stage == AUTH_STAGE_NEED_ENROL)
    html_raw(b, "<p class=\"notice\" role=\"status\">Du er administrator, og må sette opp "
                "tofaktorinnlogging før du kan fortsette.</p>");
  html_raw(b, "<p>Du trenger en autentiseringsapp på telefonen (for eksempel Microsoft "
              "Authenticator, Google Authenticator eller FreeOTP).</p>"
              "<form method=\"post\" action=\"/profil/mfa/start\">");
  web_csrf_field(c);
  html_raw(b, "<button type=\"submit\">Start oppsett</button></form></div>");
  web_page_end(c);
}

static void confirm_form(WebCtx *c, const char *error) {
  Buf *b = &c->resp->body;
  if (error) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", error);
  html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/profil/mfa/bekreft\">");
  web_csrf_field(c);
  html_raw(b, "<div><label for=\"code\">Kode fra appen <span class=\"hint\">(6 sifre)</span>"
              "</label><input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" "
              "autocomplete=\"one-time-code\" pattern=\"[0-9 ]{6,8}\" required></div>"
              "<div><button type=\"submit\">Bekreft og slå på</button></div></form>");
}

static void post_mfa_start(WebCtx *c) {
  if (refuse_half_login(c)) return;
  char secret[AUTH_TOTP_SECRET_B32_LEN + 1];
  Err e = {0};
  if (auth_totp_begin(c->db, &c->p, c->p.user_id, secret, &e)) {
    web_error_err(c, &e);
    return;
  }
  Buf uri, svg;
  buf_init(&uri, 4096);
  buf_init(&svg, 1 << 20);
  auth_totp_uri(secret, c->p.username, &uri);
  int rc = auth_qr_svg(buf_cstr(&uri), "QR-kode for autentiseringsappen", &svg, NULL, &e);
  Buf *b = &c->resp->body;
  web_page_begin(c, "Sett opp tofaktorinnlogging");
  html_raw(b, "<h1>Sett opp tofaktorinnlogging</h1><div class=\"card\">"
              "<p>1. Skann QR-koden med autentiseringsappen.</p><div class=\"qr\">");
  if (rc == 0) html_raw_trusted_markup(b, svg.p, svg.n);
  html_printf(b, "</div><p>Eller skriv inn denne nøkkelen manuelt:</p>"
                 "<p class=\"secret\" id=\"totp-secret\">%s</p>"
                 "<p>2. Skriv inn koden appen viser.</p>", secret);
  confirm_form(c, NULL);
  html_raw(b, "</div>");
  web_page_end(c);
  buf_free(&uri);
  buf_free(&svg);
  memset(secret, 0, sizeof secret);
}

static void show_recovery(WebCtx *c, char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1]) {
  Buf *b = &c->resp->body;
  web_page_begin(c, "Tofaktorinnlogging er på");
  html_raw(b, "<h1>Tofaktorinnlogging er på</h1><div class=\"card\"><p>Dette er "
              "gjenopprettingskodene dine. Skriv dem ut eller lagre dem et trygt sted: hver "
              "kan brukes én gang hvis du mister telefonen. De vises ikke igjen.</p>"
              "<ul class=\"codes\" id=\"recovery-codes\">");
  for (int i = 0; i < AUTH_RECOVERY_COUNT; i++) html_printf(b, "<li>%s</li>", codes[i]);
  html_raw(b, "</ul><p><a class=\"button\" href=\"/\">Fortsett</a></p></div>");
  web_page_end(c);
}

static void post_mfa_confirm(WebCtx *c) {
  if (refuse_half_login(c)) return;
  char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1];
  AuthSessionNew rotated = {0};
  Err e = {0};
  int rc = auth_totp_confirm(c->db, c->auth, &c->p, c->p.user_id, web_form(c, "code"), c->now,
                             codes, &rotated, &e);
  if (rc == VERR_DENIED || rc == VERR_INVALID) {
    c->resp->status = 400;
    web_page_begin(c, "Sett opp tofaktorinnlogging");
    html_raw(&c->resp->body, "<h1>Sett opp tofaktorinnlogging</h1><div class=\"card\">"
                             "<p class=\"error\" role=\"alert\">Koden stemmer ikke.</p>"
                             "<form method=\"post\" action=\"/profil/mfa/start\">");
    web_csrf_field(c);
    html_raw(&c->resp->body, "<button type=\"submit\">Start på nytt</button></form></div>");
    web_page_end(c);
    return;
  }
  if (rc) {
    web_error_err(c, &e);
    return;
  }
  if (rotated.cookie[0]) {
    web_set_session_cookie(c, rotated.cookie);
    memcpy(c->csrf, rotated.csrf, sizeof c->csrf);
  }
  c->p.stage = AUTH_STAGE_FULL;
  show_recovery(c, codes);
  memset(codes, 0, sizeof codes);
}

const WebRoute web_routes_mfa[] = {
    {"GET", "/profil/mfa", get_mfa_setup, WEB_NO_ACTION, WEB_SELF | WEB_MFA_STEP},
    {"POST", "/profil/mfa/start", post_mfa_start, WEB_NO_ACTION, WEB_SELF | WEB_MFA_STEP | WEB_CSRF},
    {"POST", "/profil/mfa/bekreft", post_mfa_confirm, WEB_NO_ACTION,
     WEB_SELF | WEB_MFA_STEP | WEB_CSRF},
    {NULL, NULL, NULL, 0, 0},
};
