/* web_runs.c — schedules, jobs and runs on the scanning page, the forms
 * that create a schedule or start it now, and one run with its results and
 * the difference to the run before it. */
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "html/html.h"
#include "scan/diff.h"
#include "scanjobs/scanjobs.h"
#include "scanjobs/web_int.h"

static void sensor_select(WebCtx *c) {
  Buf *b = &c->resp->body;
  DbStmt *st;
  Err e = {0};
  html_raw(b, "<div><label for=\"p-sensor\">Sensor</label><select id=\"p-sensor\" name=\"sensor\">");
  if (db_query(c->db, &st, &e, "SELECT id, name FROM scan_sensors WHERE org_id = ? AND revoked_at"
               " IS NULL ORDER BY name", "l", c->org_id) == 0) {
    while (db_step(st, &e) == DB_ROW)
      html_printf(b, "<option value=\"%lld\">%s</option>", (long long)db_col_int(st, 0),
                  db_col_text(st, 1));
    db_finalize(st);
  }
  html_raw(b, "</select></div>");
}

static void schedule_form(WebCtx *c) {
  Buf *b = &c->resp->body;
  html_printf(b, "<form class=\"stack\" method=\"post\" action=\"/org/%lld/skanning/planer\">",
              (long long)c->org_id);
  web_csrf_field(c);
  html_raw(b, "<div><label for=\"p-name\">Navn</label><input type=\"text\" id=\"p-name\" name=\"name\" "
              "required maxlength=\"100\"></div><div><label for=\"p-targets\">Mål <span class=\"hint\">"
              "(tomt = hele det bekreftede omfanget)</span></label><input type=\"text\" id=\"p-targets\" "
              "name=\"targets\"></div><div><label for=\"p-ports\">Porter</label><input type=\"text\" "
              "id=\"p-ports\" name=\"ports\" value=\"top1000\" required></div><div><label "
              "for=\"p-interval\">Gjentas hver <span class=\"hint\">(timer; 0 = én gang)</span></label>"
              "<input type=\"number\" id=\"p-interval\" name=\"interval_h\" min=\"0\" max=\"8784\" "
              "value=\"24\"></div>");
  sensor_select(c);
  html_raw(b, "<button type=\"submit\">Lag skanneplan</button></form>");
}

static void schedule_row(WebCtx *c, DbStmt *st, int write) {
  Buf *b = &c->resp->body;
  int64_t id = db_col_int(st, 0), iv = db_col_int(st, 4);
  html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
              db_col_text(st, 1), db_col_is_null(st, 2) ? "hele omfanget" : db_col_text(st, 2),
              db_col_text(st, 3), iv ? arena_printf(c->a, "hver %lld. time", (long long)(iv / 3600))
                                     : "én gang",
              db_col_text(st, 6), db_col_int(st, 7) ? scanjobs_when(c, db_col_int(st, 5)) : "stoppet");
  if (write) {
    html_printf(b, "<form class=\"inline\" method=\"post\" action=\"/org/%lld/skanning/planer/%lld/"
                "kjor\">", (long long)c->org_id, (long long)id);
    web_csrf_field(c);
    html_printf(b, "<button type=\"submit\" aria-label=\"Kjør %s nå\">Kjør nå</button></form>",
                db_col_text(st, 1));
  }
  html_raw(b, "</td></tr>");
}

void scanjobs_web_schedules(WebCtx *c, int write) {
  Buf *b = &c->resp->body;
  DbStmt *st;
  Err e = {0};
  html_raw(b, "<section class=\"card\" id=\"planer\"><h2>Skanneplaner</h2>");
  if (db_query(c->db, &st, &e, "SELECT p.id, p.name, p.targets, p.ports, p.interval_s,"
               " coalesce(p.next_run, 0), s.name, p.enabled FROM scan_schedules p JOIN scan_sensors s"
               " ON s.id = p.sensor_id WHERE p.org_id = ? ORDER BY p.id", "l", c->org_id) == 0) {
    html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th>Navn</th><th>Mål</th><th>Porter</th>"
                "<th>Gjentas</th><th>Sensor</th><th>Neste</th><th></th></tr></thead><tbody>");
    while (db_step(st, &e) == DB_ROW) schedule_row(c, st, write);
    db_finalize(st);
    html_raw(b, "</tbody></table></div>");
  }
  if (write) schedule_form(c);
  html_raw(b, "</section>");
}

static const char *state_label(const char *s) {
  return !strcmp(s, "queued") ? "i kø" : !strcmp(s, "running") ? "kjører"
         : !strcmp(s, "done") ? "ferdig" : "feilet";
}

void scanjobs_web_jobs(WebCtx *c) {
  Buf *b = &c->resp->body;
  DbStmt *st;
  Err e = {0};
  html_raw(b, "<section class=\"card\" id=\"jobber\"><h2>Jobber</h2>");
  if (db_query(c->db, &st, &e, "SELECT j.id, s.name, j.state, coalesce(j.error, ''), j.created_at,"
               " coalesce(j.finished_at, 0) FROM scan_jobs j JOIN scan_sensors s ON s.id = j.sensor_id"
               " WHERE j.org_id = ? ORDER BY j.id DESC LIMIT 50", "l", c->org_id) == 0) {
    html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th>Jobb</th><th>Sensor</th><th>Status"
                "</th><th>Opprettet</th><th>Ferdig</th></tr></thead><tbody>");
    while (db_step(st, &e) == DB_ROW)
      html_printf(b, "<tr><td>%lld</td><td>%s</td><td>%s %s</td><td>%s</td><td>%s</td></tr>",
                  (long long)db_col_int(st, 0), db_col_text(st, 1), state_label(db_col_text(st, 2)),
                  db_col_text(st, 3), scanjobs_when(c, db_col_int(st, 4)),
                  scanjobs_when(c, db_col_int(st, 5)));
    db_finalize(st);
    html_raw(b, "</tbody></table></div>");
  }
  html_raw(b, "</section>");
}

void scanjobs_web_runs(WebCtx *c) {
  Buf *b = &c->resp->body;
  DbStmt *st;
  Err e = {0};
  html_raw(b, "<section class=\"card\" id=\"kjoringer\"><h2>Skanningshistorikk</h2>");
  if (db_query(c->db, &st, &e, "SELECT id, received_at, hosts, open_ports, findings, full_scope,"
               " interrupted FROM scan_runs WHERE org_id = ? ORDER BY id DESC LIMIT 50", "l",
               c->org_id) == 0) {
    html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th>Kjøring</th><th>Mottatt</th><th>"
                "Verter</th><th>Åpne porter</th><th>Funn</th><th>Omfang</th></tr></thead><tbody>");
    while (db_step(st, &e) == DB_ROW)
      html_printf(b, "<tr><td><a href=\"/org/%lld/skanning/kjoringer/%lld\">#%lld</a></td><td>%s</td>"
                  "<td>%lld</td><td>%lld</td><td>%lld</td><td>%s%s</td></tr>", (long long)c->org_id,
                  (long long)db_col_int(st, 0), (long long)db_col_int(st, 0),
                  scanjobs_when(c, db_col_int(st, 1)), (long long)db_col_int(st, 2),
                  (long long)db_col_int(st, 3), (long long)db_col_int(st, 4),
                  db_col_int(st, 5) ? "hele omfanget" : "utvalg",
                  db_col_int(st, 6) ? " (avbrutt)" : "");
    db_finalize(st);
    html_raw(b, "</tbody></table></div>");
  }
  html_raw(b, "</section>");
}

void scanjobs_post_schedule(WebCtx *c) {
  char *end;
  long hours = strtol(web_form(c, "interval_h"), &end, 10);
  ScanjobsSchedule s = {web_form(c, "name"), web_form(c, "targets"), web_form(c, "ports"),
                        strtoll(web_form(c, "sensor"), NULL, 10), hours * 3600};
  Err e = {0};
  int64_t id = 0;
  int rc = !web_form(c, "interval_h")[0] || *end || hours < 0 || hours > 8784
               ? err_set(&e, VERR_INVALID, "Ugyldig intervall (timer, 0–8784).")
               : scanjobs_schedule_create(c->db, &c->p, c->org_id, &s, &id, &e);
  if (rc) web_error_err(c, &e);
  else http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/skanning#planer", (long long)c->org_id));
}

void scanjobs_post_run_now(WebCtx *c) {
  Err e = {0};
  int64_t job = 0;
  if (scanjobs_schedule_run_now(c->db, &c->p, c->org_id, c->args[0], &job, &e)) web_error_err(c, &e);
  else http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/skanning#jobber", (long long)c->org_id));
}

static const char *change_label(const char *k) {
  static const char *const m[][2] = {{"port-new", "ny åpen port"}, {"port-closed", "port lukket"},
    {"service-changed", "tjeneste endret"}, {"cert-changed", "sertifikat endret"},
    {"finding-new", "nytt funn"}, {"finding-gone", "funn ikke sett"}};
  for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
    if (!strcmp(k, m[i][0])) return m[i][1];
  return k;
}

static void run_diff(WebCtx *c, int64_t run) {
  Buf *b = &c->resp->body;
  int64_t prev = 0;
  Err e = {0};
  ScanSnap x, y;
  ScanDiff d;
  html_raw(b, "<section class=\"card\" id=\"endringer\"><h2>Endringer siden forrige kjøring</h2>");
  if (scanjobs_prev_run(c->db, c->org_id, run, &prev, &e) || !prev) {
    html_raw(b, "<p>Ingen tidligere kjøring av samme plan.</p></section>");
    return;
  }
  int rc = scanjobs_run_diff(c->db, c->org_id, prev, run, &x, &y, &d, &e);
  html_printf(b, "<p>Sammenlignet med <a href=\"/org/%lld/skanning/kjoringer/%lld\">#%lld</a>.</p>",
              (long long)c->org_id, (long long)prev, (long long)prev);
  if (rc == 0 && d.n == 0) html_raw(b, "<p>Ingen endringer.</p>");
  if (rc == 0 && d.n) {
    html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th>Endring</th><th>Adresse</th><th>Port"
                "</th><th>Før</th><th>Nå</th></tr></thead><tbody>");
    for (size_t i = 0; i < d.n; i++)
      html_printf(b, "<tr><td>%s</td><td>%s</td><td>%u</td><td>%s</td><td>%s</td></tr>",
                  change_label(d.v[i].kind), d.v[i].addr, d.v[i].port, d.v[i].detail_old,
                  d.v[i].detail_new);
    html_raw(b, "</tbody></table></div>");
  }
  scan_snap_free(&x);
  scan_snap_free(&y);
  scan_diff_free(&d);
  html_raw(b, "</section>");
}

void scanjobs_get_run(WebCtx *c) {
  DbStmt *st;
  Err e = {0};
  int64_t n = 0;
  if (db_int(c->db, &e, &n, "SELECT count(*) FROM scan_runs WHERE id = ? AND org_id = ?", "ll",
             c->args[0], c->org_id) || !n) {
    web_error(c, 404, "Fant ikke kjøringen.");
    return;
  }
  web_page_begin(c, "Skanning");
  Buf *b = &c->resp->body;
  html_printf(b, "<h1>Kjøring #%lld</h1><p><a href=\"/org/%lld/skanning\">Tilbake</a> · <a href=\"/org/%lld/funn?"
                 "opphav=skanning&amp;status=alle\">Sårbarhetsfunn fra skanningene</a></p>",
              (long long)c->args[0], (long long)c->org_id, (long long)c->org_id);
  run_diff(c, c->args[0]);
  html_raw(b, "<section class=\"card\"><h2>Åpne porter</h2><div class=\"table-wrap\"><table><thead><tr>"
              "<th>Adresse</th><th>Port</th><th>Tjeneste</th><th>Produkt</th><th>Versjon</th><th>CPE</th>"
              "<th>Funn</th></tr></thead><tbody>");
  if (db_query(c->db, &st, &e, "SELECT addr, port, service, product, version, cpe, findings FROM"
               " scan_results WHERE run_id = ? ORDER BY addr, port", "l", c->args[0]) == 0) {
    while (db_step(st, &e) == DB_ROW)
      html_printf(b, "<tr><td>%s</td><td>%lld</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s"
                  "</td></tr>", db_col_text(st, 0), (long long)db_col_int(st, 1), db_col_text(st, 2),
                  db_col_text(st, 3), db_col_text(st, 4), db_col_text(st, 5), db_col_text(st, 6));
    db_finalize(st);
  }
  html_raw(b, "</tbody></table></div></section>");
  web_page_end(c);
}

static int not_seen_row(const ScanjobsObservation *o, void *ctx) {
  WebCtx *c = ctx;
  html_printf(&c->resp->body, "<tr><td>%s</td><td>%u</td><td>%s</td><td>%s</td><td>#%lld</td>"
              "<td>%s</td></tr>", o->addr, o->port, !strcmp(o->kind, "port") ? "åpen port"
              : !strcmp(o->kind, "cpe") ? "programvare" : "funn", o->key,
              (long long)o->last_seen_run, scanjobs_when(c, o->status_at));
  return 0;
}

void scanjobs_web_not_seen(WebCtx *c) {
  Buf *b = &c->resp->body;
  Err e = {0};
  html_raw(b, "<section class=\"card\" id=\"ikke-sett\"><h2>Ikke sett — må verifiseres</h2><p class=\"hint\">"
              "Det en tidligere skanning fant, men som en senere fullstendig skanning av hele omfanget "
              "ikke så. Ingenting lukkes automatisk: sårbarhetsfunn på slike tjenester står som «Utbedret (må "
              "verifiseres)» under Funn.</p><div class=\"table-wrap\"><table><thead><tr>"
              "<th>Adresse</th><th>Port</th><th>Hva</th><th>Nøkkel</th><th>Sist sett i</th>"
              "<th>Ikke sett siden</th></tr></thead><tbody>");
  scanjobs_observations(c->db, c->org_id, "not_seen", not_seen_row, c, &e);
  html_raw(b, "</tbody></table></div></section>");
}
