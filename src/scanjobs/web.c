/* web.c — the scanning page of an organisation (bokmål): sensors with last
 * seen, confirmed scope, limits, schedules, jobs and runs, and the forms
 * that change them. The prologue has checked the policy action on {org};
 * forms carry the session's CSRF token. */
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "html/html.h"
#include "policy/policy.h"
#include "scanjobs/api_int.h"
#include "scanjobs/scanjobs.h"
#include "scanjobs/web_int.h"

const char *scanjobs_when(WebCtx *c, int64_t t) { return t ? web_time(c, t) : "–"; }

static void form_open(WebCtx *c, const char *path, const char *cls) {
  html_printf(&c->resp->body, "<form class=\"%s\" method=\"post\" action=\"/org/%lld/skanning%s\">",
              cls, (long long)c->org_id, path);
  web_csrf_field(c);
}

static void sensor_row(WebCtx *c, DbStmt *st, int admin) {
  Buf *b = &c->resp->body;
  int64_t id = db_col_int(st, 0), seen = db_col_int(st, 2);
  int revoked = !db_col_is_null(st, 5), enrolled = !db_col_is_null(st, 6);
  const char *state = revoked ? "tilbakekalt" : !enrolled ? "venter på registrering"
                      : c->now - seen > 300 ? "ikke sett på over 5 min" : "aktiv";
  html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%lld</td><td>", db_col_text(st, 1),
              state, scanjobs_when(c, seen), db_col_text(st, 3), (long long)db_col_int(st, 4));
  if (admin && !revoked) {
    form_open(c, arena_printf(c->a, "/sensorer/%lld/tilbakekall", (long long)id), "inline");
    html_printf(b, "<button type=\"submit\" class=\"danger\" aria-label=\"Tilbakekall sensoren %s\">"
                "Tilbakekall</button></form>", db_col_text(st, 1));
  }
  html_raw(b, "</td></tr>");
}

static void sensors(WebCtx *c, int admin) {
  Buf *b = &c->resp->body;
  DbStmt *st;
  Err e = {0};
  html_raw(b, "<section class=\"card\" id=\"sensorer\"><h2>Sensorer</h2>");
  if (db_query(c->db, &st, &e, "SELECT id, name, coalesce(last_seen, 0), coalesce(version, ''),"
               " queued, revoked_at, enrolled_at FROM scan_sensors WHERE org_id = ? ORDER BY id",
               "l", c->org_id) == 0) {
    html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th>Navn</th><th>Status</th>"
                "<th>Sist sett</th><th>Versjon</th><th>I kø</th><th></th></tr></thead><tbody>");
    while (db_step(st, &e) == DB_ROW) sensor_row(c, st, admin);
    db_finalize(st);
    html_raw(b, "</tbody></table></div>");
  }
  if (admin) {
    form_open(c, "/sensorer", "inline");
    html_raw(b, "<div><label for=\"s-name\">Ny sensor</label><input type=\"text\" id=\"s-name\" "
                "name=\"name\" required maxlength=\"64\"></div><button type=\"submit\">Lag "
                "registreringsnøkkel</button></form>");
  }
  html_raw(b, "</section>");
}

static void scope_row(WebCtx *c, DbStmt *st, int admin) {
  Buf *b = &c->resp->body;
  int64_t id = db_col_int(st, 0);
  int confirmed = !db_col_is_null(st, 3);
  html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td><div class=\"actions\">", db_col_text(st, 1),
              db_col_text(st, 2), confirmed ? "bekreftet" : "venter på bekreftelse");
  if (admin && !confirmed) {
    form_open(c, arena_printf(c->a, "/omfang/%lld/bekreft", (long long)id), "inline");
    html_printf(b, "<button type=\"submit\" aria-label=\"Bekreft %s\">Bekreft</button></form>",
                db_col_text(st, 1));
  }
  if (admin) {
    form_open(c, arena_printf(c->a, "/omfang/%lld/fjern", (long long)id), "inline");
    html_printf(b, "<button type=\"submit\" class=\"danger\" aria-label=\"Fjern %s\">Fjern</button>"
                "</form>", db_col_text(st, 1));
  }
  html_raw(b, "</div></td></tr>");
}

static void scope(WebCtx *c, int admin, int write) {
  Buf *b = &c->resp->body;
  DbStmt *st;
  Err e = {0};
  html_raw(b, "<section class=\"card\" id=\"omfang\"><h2>Godkjent skanneomfang</h2><p class=\"hint\">"
              "Bare bekreftede nett kan skannes. Mål utenfor nektes før noe sendes.</p>");
  if (db_query(c->db, &st, &e, "SELECT id, spec, note, confirmed_at FROM scan_scope WHERE org_id = ?"
               " ORDER BY id", "l", c->org_id) == 0) {
    html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th>Nett</th><th>Merknad</th>"
                "<th>Status</th><th></th></tr></thead><tbody>");
    while (db_step(st, &e) == DB_ROW) scope_row(c, st, admin);
    db_finalize(st);
    html_raw(b, "</tbody></table></div>");
  }
  if (write) {
    form_open(c, "/omfang", "inline");
    html_raw(b, "<div><label for=\"o-spec\">Nett (CIDR, område eller adresse)</label><input "
                "type=\"text\" id=\"o-spec\" name=\"spec\" required></div><div><label for=\"o-note\">"
                "Merknad</label><input type=\"text\" id=\"o-note\" name=\"note\"></div><button "
                "type=\"submit\">Foreslå</button></form>");
  }
  unsigned rate, conc;
  if (scanjobs_limits_get(c->db, c->org_id, &rate, &conc, &e) == 0)
    html_printf(b, "<p>Fartsgrense: %u forbindelser/s, %u samtidige.</p>", rate, conc);
  if (admin) {
    form_open(c, "/grenser", "inline");
    html_printf(b, "<div><label for=\"g-rate\">Maks fart per sekund</label><input type=\"number\" "
                "id=\"g-rate\" name=\"rate\" min=\"1\" max=\"100000\" value=\"%u\"></div><div><label "
                "for=\"g-conc\">Maks samtidige</label><input type=\"number\" id=\"g-conc\" "
                "name=\"concurrency\" min=\"1\" max=\"10000\" value=\"%u\"></div><button "
                "type=\"submit\">Lagre grenser</button></form>", rate, conc);
  }
  html_raw(b, "</section>");
}

static void get_page(WebCtx *c) {
  int admin = web_may(c, POLICY_ORG_EDIT, c->org_id), write = web_may(c, POLICY_WRITE, c->org_id);
  web_page_begin(c, "Skanning");
  html_raw(&c->resp->body, "<h1>Nettverksskanning</h1>");
  sensors(c, admin);
  scope(c, admin, write);
  scanjobs_web_schedules(c, write);
  scanjobs_web_jobs(c);
  scanjobs_web_runs(c);
  scanjobs_web_not_seen(c);
  web_page_end(c);
}

static void done(WebCtx *c, int rc, const Err *e, const char *anchor) {
  if (rc) {
    web_error_err(c, e);
    return;
  }
  http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/skanning#%s", (long long)c->org_id, anchor));
}

static void post_sensor(WebCtx *c) {
  char tok[SCANJOBS_SECRET_LEN + 1];
  int64_t id = 0;
  Err e = {0};
  if (scanjobs_sensor_create(c->db, &c->p, c->org_id, web_form(c, "name"), tok, &id, &e)) {
    web_error_err(c, &e);
    return;
  }
  web_page_begin(c, "Ny sensor");
  Buf *b = &c->resp->body;
  c->resp->status = 201;
  html_printf(b, "<h1>Sensoren «%s» er opprettet</h1><p>Registreringsnøkkelen vises bare nå og "
              "gjelder i 24 timer, én gang:</p><p class=\"card secret\" id=\"enrol-token\">%s</p>"
              "<p>Start sensoren i kommunens nett med</p><pre class=\"card secret\">varde sensor "
              "--server URL --state /var/lib/varde-sensor --enrol %s</pre><p><a href=\"/org/%lld/"
              "skanning\">Tilbake til skanning</a></p>", web_form(c, "name"), tok, tok,
              (long long)c->org_id);
  web_page_end(c);
  memset(tok, 0, sizeof tok);
}

static void post_revoke(WebCtx *c) {
  Err e = {0};
  done(c, scanjobs_sensor_revoke(c->db, &c->p, c->org_id, c->args[0], &e), &e, "sensorer");
}

static void post_scope(WebCtx *c) {
  Err e = {0};
  int64_t id = 0;
  const char *spec = web_form(c, "spec");
  int rc = spec[0] ? scanjobs_scope_add(c->db, &c->p, c->org_id, spec, web_form(c, "note"), &id, &e)
                   : err_set(&e, VERR_INVALID, "Oppgi et nett.");
  done(c, rc, &e, "omfang");
}

static void post_confirm(WebCtx *c) {
  Err e = {0};
  done(c, scanjobs_scope_confirm(c->db, &c->p, c->org_id, c->args[0], 1, &e), &e, "omfang");
}

static void post_unscope(WebCtx *c) {
  Err e = {0};
  done(c, scanjobs_scope_confirm(c->db, &c->p, c->org_id, c->args[0], 0, &e), &e, "omfang");
}

static void post_limits(WebCtx *c) {
  Err e = {0};
  long r = strtol(web_form(c, "rate"), NULL, 10), n = strtol(web_form(c, "concurrency"), NULL, 10);
  int rc = r > 0 && r <= 100000 && n > 0 && n <= 10000
               ? scanjobs_limits_set(c->db, &c->p, c->org_id, (unsigned)r, (unsigned)n, &e)
               : err_set(&e, VERR_INVALID, "Fart må være 1–100000 og samtidighet 1–10000.");
  done(c, rc, &e, "omfang");
}

const WebRoute scanjobs_page_routes[] = {
    {"GET", "/org/{org}/skanning", get_page, POLICY_READ, 0},
    {"POST", "/org/{org}/skanning/sensorer", post_sensor, POLICY_ORG_EDIT, WEB_CSRF},
    {"POST", "/org/{org}/skanning/sensorer/{id}/tilbakekall", post_revoke, POLICY_ORG_EDIT, WEB_CSRF},
    {"POST", "/org/{org}/skanning/omfang", post_scope, POLICY_WRITE, WEB_CSRF},
    {"POST", "/org/{org}/skanning/omfang/{id}/bekreft", post_confirm, POLICY_ORG_EDIT, WEB_CSRF},
    {"POST", "/org/{org}/skanning/omfang/{id}/fjern", post_unscope, POLICY_ORG_EDIT, WEB_CSRF},
    {"POST", "/org/{org}/skanning/grenser", post_limits, POLICY_ORG_EDIT, WEB_CSRF},
    {"POST", "/org/{org}/skanning/planer", scanjobs_post_schedule, POLICY_WRITE, WEB_CSRF},
    {"POST", "/org/{org}/skanning/planer/{id}/kjor", scanjobs_post_run_now, POLICY_WRITE, WEB_CSRF},
    {"GET", "/org/{org}/skanning/kjoringer/{id}", scanjobs_get_run, POLICY_READ, 0},
    {NULL, NULL, NULL, 0, 0},
};

void scanjobs_web_init(void) {
  web_register_routes(scanjobs_page_routes);
  web_register_routes(scanjobs_api_routes);
  web_register_routes(scanjobs_sensor_routes);
  web_register_sensor_auth(scanjobs_sensor_auth);
  web_register_nav(&(WebNav){"Skanning", "/org/{org}/skanning", POLICY_READ, 60});
}
