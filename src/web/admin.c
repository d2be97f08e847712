/* admin.c — administration of one organisation: its users and their roles,
 * its sharing level towards parent organisations. The policy has already
 * allowed the action on {org} before these handlers run. */
#include "web/web_int.h"

#include <string.h>

#include "html/html.h"
#include "policy/policy.h"
#include "user/user.h"

/* Labels of AUTH_ROLE_VIEWER..AUTH_ROLE_LAST, in that order. */
static const char *const role_labels[AUTH_ROLE_LAST] = {"Leser", "Redaktør", "Administrator", "Revisor"};

static const char *role_label(AuthRole r) {
  return r >= AUTH_ROLE_VIEWER && r <= AUTH_ROLE_LAST ? role_labels[r - AUTH_ROLE_VIEWER] : "Ingen";
}

static void role_select(Buf *b, const char *id, AuthRole current) {
  html_printf(b, "<select id=\"%s\" name=\"role\">", id);
  for (int r = AUTH_ROLE_VIEWER; r <= AUTH_ROLE_LAST; r++)
    html_printf(b, "<option value=\"%s\"%s>%s</option>", auth_role_name((AuthRole)r),
                current == (AuthRole)r ? " selected" : "", role_label((AuthRole)r));
  html_raw(b, "</select>");
}

static void member_row(WebCtx *c, const User *u, AuthRole role) {
  Buf *b = &c->resp->body;
  html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s%s</td><td><div class=\"actions\">", u->username,
              u->display_name, role_label(role), u->totp_enabled ? "på" : "av",
              u->disabled ? " · deaktivert" : "");
  html_printf(b, "<form class=\"inline\" method=\"post\" action=\"/org/%lld/brukere/%lld/rolle\">",
              (long long)c->org_id, (long long)u->id);
  web_csrf_field(c);
  const char *sel = arena_printf(c->a, "role-%lld", (long long)u->id);
  html_printf(b, "<label for=\"%s\" class=\"sr-only\">Ny rolle for %s</label>", sel, u->username);
  role_select(b, sel, role);
  html_raw(b, "<button type=\"submit\">Lagre</button></form>");
  html_printf(b, "<form method=\"post\" action=\"/org/%lld/brukere/%lld/fjern\">",
              (long long)c->org_id, (long long)u->id);
  web_csrf_field(c);
  html_printf(b, "<button type=\"submit\" class=\"danger\" aria-label=\"Fjern %s fra "
                 "organisasjonen\">Fjern</button></form>", u->username);
  if (u->id != c->p.user_id) {
    html_printf(b, "<form method=\"post\" action=\"/org/%lld/brukere/%lld/konto\">", (long long)c->org_id,
                (long long)u->id);
    web_csrf_field(c);
    if (u->disabled)
      html_printf(b, "<input type=\"hidden\" name=\"active\" value=\"ja\"><button type=\"submit\" "
                     "aria-label=\"Aktiver kontoen til %s\">Aktiver</button></form>", u->username);
    else
      html_printf(b, "<input type=\"hidden\" name=\"active\" value=\"nei\"><button type=\"submit\" "
                     "class=\"danger\" aria-label=\"Deaktiver kontoen til %s\">Deaktiver</button></form>",
                  u->username);
    if (u->totp_enabled) {
      html_printf(b, "<form method=\"post\" action=\"/org/%lld/brukere/%lld/tofaktor\">", (long long)c->org_id,
                  (long long)u->id);
      web_csrf_field(c);
      html_printf(b, "<button type=\"submit\" aria-label=\"Tilbakestill tofaktor for %s\">Tilbakestill tofaktor"
                     "</button></form>", u->username);
    }
  }
  html_raw(b, "</div></td></tr>");
}

static void add_form(WebCtx *c, const char *error) {
  Buf *b = &c->resp->body;
  html_raw(b, "<section class=\"card\"><h2>Legg til bruker</h2>");
  if (error) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", error);
  html_printf(b, "<form class=\"stack\" method=\"post\" action=\"/org/%lld/brukere\">",
              (long long)c->org_id);
  web_csrf_field(c);
  html_raw(b, "<div><label for=\"nu-name\">Brukernavn</label><input type=\"text\" id=\"nu-name\" "
              "name=\"username\" required autocapitalize=\"none\"></div>"
              "<div><label for=\"nu-display\">Fullt navn</label><input type=\"text\" "
              "id=\"nu-display\" name=\"display_name\"></div>"
              "<div><label for=\"nu-pass\">Startpassord <span class=\"hint\">(minst 12 tegn; "
              "trengs bare for nye brukere)</span></label><input type=\"password\" id=\"nu-pass\" "
              "name=\"password\" autocomplete=\"new-password\"></div>"
              "<div><label for=\"nu-role\">Rolle</label>");
  role_select(b, "nu-role", AUTH_ROLE_VIEWER);
  html_raw(b, "</div><div><button type=\"submit\">Legg til</button></div></form></section>");
}

static void render_users(WebCtx *c, int status, const char *error) {
  User *u = NULL;
  size_t n = 0;
  Err e = {0};
  WebOrg o;
  if (web_org_get(c, c->org_id, &o, &e) || user_list(c->db, c->a, &u, &n, &e)) {
    web_error_err(c, &e);
    return;
  }
  Buf *b = &c->resp->body;
  buf_reset(b);
  c->resp->status = status;
  web_page_begin(c, "Brukere");
  html_printf(b, "<h1>Brukere i %s</h1>", o.name);
  html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Brukernavn</th>"
              "<th scope=\"col\">Navn</th><th scope=\"col\">Rolle</th><th scope=\"col\">Tofaktor</th>"
              "<th scope=\"col\">Endre</th></tr></thead><tbody>");
  for (size_t i = 0; i < n; i++) {
    AuthRole role = AUTH_ROLE_NONE;
    if (user_role_in(c->db, u[i].id, c->org_id, &role, &e) || role == AUTH_ROLE_NONE) continue;
    member_row(c, &u[i], role);
  }
  html_raw(b, "</tbody></table></div><p class=\"hint\">«Fjern» tar brukeren ut av denne organisasjonen. "
              "«Deaktiver» stenger kontoen helt: øktene avsluttes og API-nøklene slutter å virke. «Tilbakestill "
              "tofaktor» (mistet telefon) fjerner tofaktor og gjenopprettingskoder, så brukeren setter det opp på "
              "nytt ved neste innlogging. De to siste kan bare den som administrerer alle organisasjonene brukeren er "
              "med i.</p>");
  add_form(c, error);
  web_page_end(c);
}

static void get_users(WebCtx *c) { render_users(c, 200, NULL); }

static int parse_role(const char *s, AuthRole *out) {
  return auth_role_parse(s, out) == 0 && *out != AUTH_ROLE_NONE ? 0 : -1;
}

static void post_add_user(WebCtx *c) {
  AuthRole role;
  const char *name = web_form(c, "username");
  Err e = {0};
  if (parse_role(web_form(c, "role"), &role)) {
    render_users(c, 400, "Ugyldig rolle.");
    return;
  }
  User u;
  int rc = user_find(c->db, name, &u, &e);
  if (rc == VERR_NOTFOUND) {
    const char *disp = web_form(c, "display_name");
    rc = user_create(c->db, &c->p, name, disp[0] ? disp : NULL, web_form(c, "password"), c->now,
                     &u.id, &e);
  }
  if (!rc) rc = user_membership_set(c->db, &c->p, u.id, c->org_id, role, &e);
  if (rc == VERR_INVALID || rc == VERR_CONFLICT) render_users(c, 400, e.msg);
  else if (rc) web_error_err(c, &e);
  else http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/brukere", (long long)c->org_id));
}

/* The {id} user must already belong to {org}: 404 otherwise, so the form
 * cannot be used to probe or change users elsewhere. */
static int member_of_org(WebCtx *c) {
  AuthRole r = AUTH_ROLE_NONE;
  Err e = {0};
  if (user_role_in(c->db, c->args[0], c->org_id, &r, &e) || r == AUTH_ROLE_NONE) {
    web_error(c, 404, "Fant ikke brukeren i denne organisasjonen.");
    return 0;
  }
  return 1;
}

static void set_role(WebCtx *c, AuthRole role) {
  if (!member_of_org(c)) return;
  Err e = {0};
  if (user_membership_set(c->db, &c->p, c->args[0], c->org_id, role, &e)) {
    if (e.code == VERR_INVALID || e.code == VERR_CONFLICT) render_users(c, 400, e.msg);
    else web_error_err(c, &e);
    return;
  }
  http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/brukere", (long long)c->org_id));
}

static void post_role(WebCtx *c) {
  AuthRole role;
  if (parse_role(web_form(c, "role"), &role)) render_users(c, 400, "Ugyldig rolle.");
  else set_role(c, role);
}

static void post_remove(WebCtx *c) { set_role(c, AUTH_ROLE_NONE); }

/* Turns the account off (ends its sessions, its API tokens stop working)
 * or on again; "active" is "nei" or "ja". */
static void post_account(WebCtx *c) {
  const char *v = web_form(c, "active");
  int off = !strcmp(v, "nei");
  if (!off && strcmp(v, "ja")) {
    render_users(c, 400, "Ugyldig valg for kontoen.");
    return;
  }
  Err e = {0};
  int rc = web_user_set_active(c, c->args[0], !off, &e);
  if (rc == VERR_INVALID || rc == VERR_DENIED) render_users(c, rc == VERR_INVALID ? 400 : 403, e.msg);
  else if (rc == VERR_NOTFOUND) web_error(c, 404, e.msg);
  else if (rc) web_error_err(c, &e);
  else http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/brukere", (long long)c->org_id));
}

/* Lost phone: the member's TOTP and recovery codes go, their sessions end,
 * and the next log-in asks them to set it up again (where required). */
static void post_mfa_reset(WebCtx *c) {
  Err e = {0};
  int rc = web_user_mfa_reset(c, c->args[0], &e);
  if (rc == VERR_INVALID || rc == VERR_DENIED) render_users(c, rc == VERR_INVALID ? 400 : 403, e.msg);
  else if (rc == VERR_NOTFOUND) web_error(c, 404, e.msg);
  else if (rc) web_error_err(c, &e);
  else http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/brukere", (long long)c->org_id));
}

/* --- sharing level ----------------------------------------------------- */

static void get_sharing(WebCtx *c) {
  WebOrg o;
  Err e = {0};
  if (web_org_get(c, c->org_id, &o, &e)) {
    web_error_err(c, &e);
    return;
  }
  static const char *const levels[] = {"none", "aggregate", "summary", "full"};
  Buf *b = &c->resp->body;
  web_page_begin(c, "Deling");
  html_printf(b, "<h1>Deling med overordnede</h1><p>Velg hva overordnede organisasjoner "
                 "(region og nasjonalt senter) kan se av dataene til %s. Summer over færre enn "
                 "%d organisasjoner vises aldri.</p>", o.name, POLICY_K_MIN);
  if (web_query(c, "ok")) html_raw(b, "<p class=\"notice\" role=\"status\">Delingsnivået er lagret.</p>");
  html_printf(b, "<form class=\"card stack\" method=\"post\" action=\"/org/%lld/deling\">"
                 "<fieldset><legend>Delingsnivå</legend>", (long long)c->org_id);
  web_csrf_field(c);
  for (int i = 0; i < 4; i++)
    html_printf(b, "<div><input type=\"radio\" id=\"lvl-%s\" name=\"level\" value=\"%s\"%s> "
                   "<label for=\"lvl-%s\">%s</label></div>", levels[i], levels[i],
                !strcmp(o.sharing, levels[i]) ? " checked" : "", levels[i],
                web_sharing_label(levels[i]));
  html_raw(b, "</fieldset><div><button type=\"submit\">Lagre</button></div></form>");
  web_page_end(c);
}

static void post_sharing(WebCtx *c) {
  PolicySharing s;
  const char *level = web_form(c, "level");
  Err e = {0};
  if (policy_sharing_parse(level, &s)) {
    web_error(c, 400, "Ugyldig delingsnivå.");
    return;
  }
  if (web_org_set_sharing(c, c->org_id, level, &e)) {
    web_error_err(c, &e);
    return;
  }
  http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/deling?ok=1", (long long)c->org_id));
}

const WebRoute web_routes_admin[] = {
    {"GET", "/org/{org}/brukere", get_users, POLICY_MEMBERS_MANAGE, 0},
    {"POST", "/org/{org}/brukere", post_add_user, POLICY_MEMBERS_MANAGE, WEB_CSRF},
    {"POST", "/org/{org}/brukere/{id}/rolle", post_role, POLICY_MEMBERS_MANAGE, WEB_CSRF},
    {"POST", "/org/{org}/brukere/{id}/fjern", post_remove, POLICY_MEMBERS_MANAGE, WEB_CSRF},
    {"POST", "/org/{org}/brukere/{id}/konto", post_account, POLICY_MEMBERS_MANAGE, WEB_CSRF},
    {"POST", "/org/{org}/brukere/{id}/tofaktor", post_mfa_reset, POLICY_MEMBERS_MANAGE, WEB_CSRF},
    {"GET", "/org/{org}/deling", get_sharing, POLICY_SHARING_SET, 0},
    {"POST", "/org/{org}/deling", post_sharing, POLICY_SHARING_SET, WEB_CSRF},
    {"GET", "/org/{org}/revisjon", web_audit_page, POLICY_AUDIT_READ, 0},
    {"GET", "/org/{org}/revisjon.csv", web_audit_csv, POLICY_AUDIT_READ, 0},
    {NULL, NULL, NULL, 0, 0},
};
