/* profile.c — the user's own page: password change, TOTP set-up with the QR
 * code, recovery codes, personal API tokens. Acts on the principal only. */
#include "web/web_int.h"

#include <string.h>

#include "html/html.h"
#include "user/user.h"

static void flash(Buf *b, const char *ok) {
  if (!ok) return;
  const char *msg = !strcmp(ok, "passord") ? "Passordet er endret."
                    : !strcmp(ok, "token-slettet") ? "API-nøkkelen er trukket tilbake."
                                                   : NULL;
  if (msg) html_printf(b, "<p class=\"notice\" role=\"status\">%s</p>", msg);
}

static void password_section(WebCtx *c, const char *error) {
  Buf *b = &c->resp->body;
  html_raw(b, "<section class=\"card\"><h2 id=\"passord\">Bytt passord</h2>");
  if (error) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", error);
  html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/profil/passord\">");
  web_csrf_field(c);
  html_raw(b, "<div><label for=\"old\">Nåværende passord</label><input type=\"password\" id=\"old\" "
              "name=\"old\" autocomplete=\"current-password\" required></div>"
              "<div><label for=\"new\">Nytt passord <span class=\"hint\">(minst 12 tegn)</span>"
              "</label><input type=\"password\" id=\"new\" name=\"new\" autocomplete=\"new-password\" "
              "minlength=\"12\" required></div>"
              "<div><label for=\"new2\">Gjenta nytt passord</label><input type=\"password\" "
              "id=\"new2\" name=\"new2\" autocomplete=\"new-password\" required></div>"
              "<div><button type=\"submit\">Bytt passord</button></div></form></section>");
}

static void mfa_section(WebCtx *c) {
  Buf *b = &c->resp->body;
  AuthMfaStatus st = {0};
  Err e = {0};
  auth_mfa_status(c->db, c->p.user_id, &st, &e);
  html_raw(b, "<section class=\"card\"><h2>Tofaktorinnlogging</h2>");
  if (st.totp_enabled) {
    html_printf(b, "<p>Tofaktorinnlogging med autentiseringsapp er <strong>på</strong>. "
                   "Du har %d ubrukte gjenopprettingskoder.</p>", st.recovery_left);
    html_raw(b, "<form method=\"post\" action=\"/profil/gjenopprettingskoder\">");
    web_csrf_field(c);
    html_raw(b, "<button type=\"submit\">Lag nye gjenopprettingskoder</button></form>");
  } else {
    html_raw(b, "<p>Tofaktorinnlogging er <strong>av</strong>.");
    if (st.required) html_raw(b, " Den er påkrevd fordi du er administrator.");
    html_raw(b, "</p><p><a class=\"button\" href=\"/profil/mfa\">Sett opp tofaktorinnlogging</a></p>");
  }
  html_raw(b, "</section>");
}

static void tokens_section(WebCtx *c) {
  Buf *b = &c->resp->body;
  AuthToken *t = NULL;
  size_t n = 0;
  Err e = {0};
  html_raw(b, "<section class=\"card\"><h2 id=\"tokens\">API-nøkler</h2>"
              "<p class=\"muted\">Brukes mot <code>/api/v1</code> med "
              "<code>Authorization: Bearer …</code>. Nøkkelen vises bare én gang.</p>");
  if (auth_token_list(c->db, c->p.user_id, c->a, &t, &n, &e) == 0 && n) {
    html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Navn</th>"
                "<th scope=\"col\">Laget</th><th scope=\"col\">Sist brukt</th>"
                "<th scope=\"col\"><span class=\"muted\">Handling</span></th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
      html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", t[i].name,
                  web_time(c, t[i].created_at), t[i].last_used_at ? web_time(c, t[i].last_used_at) : "aldri");
      html_printf(b, "<form method=\"post\" action=\"/profil/token/%lld/slett\">", (long long)t[i].id);
      web_csrf_field(c);
      html_printf(b, "<button type=\"submit\" class=\"danger\" aria-label=\"Trekk tilbake %s\">"
                     "Trekk tilbake</button></form></td></tr>", t[i].name);
    }
    html_raw(b, "</tbody></table></div>");
  }
  html_raw(b, "<form class=\"inline\" method=\"post\" action=\"/profil/token\">");
  web_csrf_field(c);
  html_raw(b, "<div><label for=\"token-name\">Navn på ny nøkkel</label><input type=\"text\" "
              "id=\"token-name\" name=\"name\" maxlength=\"64\" required></div>"
              "<button type=\"submit\">Lag API-nøkkel</button></form></section>");
}

static void render_profile(WebCtx *c, int status, const char *pw_error) {
  Buf *b = &c->resp->body;
  buf_reset(b);
  c->resp->status = status;
  web_page_begin(c, "Min profil");
  html_printf(b, "<h1>Min profil</h1><p>Innlogget som <strong>%s</strong> (%s).</p>",
              c->p.display_name[0] ? c->p.display_name : c->p.username, c->p.username);
  flash(b, web_query(c, "ok"));
  password_section(c, pw_error);
  mfa_section(c);
  tokens_section(c);
  web_page_end(c);
}

static void get_profile(WebCtx *c) { render_profile(c, 200, NULL); }

static void post_password(WebCtx *c) {
  const char *n1 = web_form(c, "new"), *n2 = web_form(c, "new2");
  if (strcmp(n1, n2)) {
    render_profile(c, 400, "De to nye passordene er ikke like.");
    return;
  }
  Err e = {0};
  int rc = user_change_password(c->db, &c->p, web_form(c, "old"), n1, &e);
  if (rc == VERR_DENIED) render_profile(c, 400, "Nåværende passord stemmer ikke.");
  else if (rc == VERR_INVALID) render_profile(c, 400, e.msg);
  else if (rc) web_error_err(c, &e);
  else http_resp_redirect(c->resp, "/profil?ok=passord");
}

/* Shows a freshly issued secret (token or recovery codes) once. */
static void codes_page(WebCtx *c, const char *title, const char *intro,
                       char codes[][AUTH_RECOVERY_LEN + 1], size_t n) {
  Buf *b = &c->resp->body;
  web_page_begin(c, title);
  html_printf(b, "<h1>%s</h1><p>%s</p><ul class=\"codes\">", title, intro);
  for (size_t i = 0; i < n; i++) html_printf(b, "<li>%s</li>", codes[i]);
  html_raw(b, "</ul><p><a class=\"button\" href=\"/profil\">Tilbake til profilen</a></p>");
  web_page_end(c);
}

static void post_recovery(WebCtx *c) {
  char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1];
  Err e = {0};
  if (auth_recovery_regenerate(c->db, &c->p, c->p.user_id, codes, &e)) {
    web_error_err(c, &e);
    return;
  }
  codes_page(c, "Nye gjenopprettingskoder",
             "Skriv ut eller lagre kodene et trygt sted. Hver kode kan brukes én gang i stedet "
             "for engangskoden. De gamle kodene virker ikke lenger.",
             codes, AUTH_RECOVERY_COUNT);
  memset(codes, 0, sizeof codes);
}

static void post_token(WebCtx *c) {
  char tok[AUTH_API_TOKEN_LEN + 1];
  int64_t id = 0;
  Err e = {0};
  if (auth_token_create(c->db, &c->p, c->p.user_id, web_form(c, "name"), c->now, tok, &id, &e)) {
    web_error_err(c, &e);
    return;
  }
  Buf *b = &c->resp->body;
  c->resp->status = 201;
  web_page_begin(c, "Ny API-nøkkel");
  html_printf(b, "<h1>Ny API-nøkkel</h1><p>Kopier nøkkelen nå; den vises ikke igjen.</p>"
                 "<p class=\"card secret\" id=\"new-token\">%s</p>", tok);
  html_raw(b, "<p><a class=\"button\" href=\"/profil#tokens\">Tilbake til profilen</a></p>");
  web_page_end(c);
  memset(tok, 0, sizeof tok);
}

static void post_token_revoke(WebCtx *c) {
  Err e = {0};
  if (auth_token_revoke(c->db, &c->p, c->p.user_id, c->args[0], c->now, &e)) {
    web_error_err(c, &e);
    return;
  }
  http_resp_redirect(c->resp, "/profil?ok=token-slettet");
}

const WebRoute web_routes_profile[] = {
    {"GET", "/profil", get_profile, WEB_NO_ACTION, WEB_SELF},
    {"POST", "/profil/passord", post_password, WEB_NO_ACTION, WEB_SELF | WEB_CSRF},
    {"POST", "/profil/gjenopprettingskoder", post_recovery, WEB_NO_ACTION, WEB_SELF | WEB_CSRF},
    {"POST", "/profil/token", post_token, WEB_NO_ACTION, WEB_SELF | WEB_CSRF},
    {"POST", "/profil/token/{id}/slett", post_token_revoke, WEB_NO_ACTION, WEB_SELF | WEB_CSRF},
    {NULL, NULL, NULL, 0, 0},
};
