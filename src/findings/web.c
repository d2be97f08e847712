/* web.c — the findings pages: list with filters, CSV export, detail with the
 * evidence of why it matched and its history, lifecycle actions (CSRF), the
 * dashboard section, and the exposure view of a region or the nation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "findings/findings.h"
#include "findings/web_int.h"
#include "html/html.h"
#include "inventory/inventory.h"
#include "policy/policy.h"
#include "web/web.h"

const char *find_web_day(WebCtx *c, int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  char d[16];
  if (t <= 0 || !gmtime_r(&tt, &tm)) return "";
  strftime(d, sizeof d, "%Y-%m-%d", &tm);
  return arena_strdup(c->a, d);
}

static const char *num1(WebCtx *c, double v) {
  return v < 0 ? "–" : arena_printf(c->a, "%.1f", v);
}

int find_web_filter(WebCtx *c, FindFilter *f) {
  memset(f, 0, sizeof *f);
  f->org_id = c->org_id;
  f->status = -2;
  f->kev = -1;
  const char *st = web_query(c, "status"), *k = web_query(c, "klasse"), *kev = web_query(c, "kev");
  FindStatus s;
  if (st && !strcmp(st, "alle")) f->status = -1;
  else if (st && *st && strcmp(st, "aktive")) {
    if (find_status_parse(st, &s)) return -1;
    f->status = (int)s;
  }
  if (k && *k) {
    if (find_class_index(k) < 0) return -1;
    f->cls = k;
  }
  if (kev && *kev) f->kev = !strcmp(kev, "1");
  f->overdue = web_query(c, "forfalt") && !strcmp(web_query(c, "forfalt"), "1");
  f->q = web_query(c, "q");
  if (f->q && strlen(f->q) > 200) return -1;
  const char *o = web_query(c, "opphav");
  if (o && *o && strcmp(o, "alle")) {
    if (!strcmp(o, "inventar")) f->origin = 1;
    else if (!strcmp(o, "skanning")) f->origin = 2;
    else return -1;
  }
  const char *t = web_query(c, "treff");
  if (t && *t && strcmp(t, "alle")) {
    if (!strcmp(t, "versjon")) f->named = 1;
    else if (!strcmp(t, "navn")) f->named = 2;
    else return -1;
  }
  return 0;
}

static void option(Buf *b, const char *value, const char *label, const char *cur) {
  if (cur && !strcmp(cur, value))
    html_printf(b, "<option value=\"%s\" selected>%s</option>", value, label);
  else
    html_printf(b, "<option value=\"%s\">%s</option>", value, label);
}

static void filter_form(WebCtx *c) {
  Buf *b = &c->resp->body;
  const char *st = web_query(c, "status"), *k = web_query(c, "klasse"), *q = web_query(c, "q");
  html_printf(b, "<form class=\"inline card\" method=\"get\" action=\"/org/%lld/funn\">", (long long)c->org_id);
  html_raw(b, "<div><label for=\"f-st\">Status</label><select id=\"f-st\" name=\"status\">");
  option(b, "aktive", "Aktive (åpne, under arbeid, utbedret)", st);
  option(b, "alle", "Alle", st);
  for (int i = 0; i < FIND_ST_N; i++) option(b, find_status_name((FindStatus)i), find_status_label((FindStatus)i), st);
  html_raw(b, "</select></div><div><label for=\"f-kl\">Klasse</label><select id=\"f-kl\" name=\"klasse\">");
  option(b, "", "Alle", k);
  static const char *const cls[] = {"critical", "high", "medium", "low"};
  for (int i = 0; i < 4; i++) option(b, cls[i], find_class_label(cls[i]), k);
  html_raw(b, "</select></div><div><label for=\"f-op\">Opphav</label><select id=\"f-op\" name=\"opphav\">");
  const char *op = web_query(c, "opphav");
  option(b, "alle", "Alle", op);
  option(b, "inventar", "Inventaret", op);
  option(b, "skanning", "Nettverksskanning", op);
  html_raw(b, "</select></div><div><label for=\"f-tr\">Treff</label><select id=\"f-tr\" name=\"treff\">");
  const char *tr = web_query(c, "treff");
  option(b, "alle", "Alle", tr);
  option(b, "versjon", "Versjonen kontrollert", tr);
  option(b, "navn", "Bare navnetreff i KEV (versjon ikke kontrollert)", tr);
  html_raw(b, "</select></div>");
  html_printf(b, "<div><label for=\"f-q\">Søk</label><input type=\"text\" id=\"f-q\" name=\"q\" value=\"%s\"></div>",
              q ? q : "");
  const char *kev = web_query(c, "kev"), *due = web_query(c, "forfalt");
  if (kev && !strcmp(kev, "1"))
    html_raw(b, "<div><label><input type=\"checkbox\" name=\"kev\" value=\"1\" checked> Bare KEV</label></div>");
  else
    html_raw(b, "<div><label><input type=\"checkbox\" name=\"kev\" value=\"1\"> Bare KEV</label></div>");
  if (due && !strcmp(due, "1"))
    html_raw(b, "<div><label><input type=\"checkbox\" name=\"forfalt\" value=\"1\" checked> Bare forfalte</label></div>");
  else
    html_raw(b, "<div><label><input type=\"checkbox\" name=\"forfalt\" value=\"1\"> Bare forfalte</label></div>");
  html_raw(b, "<button type=\"submit\">Filtrer</button></form>");
}

/* The product cell: a scan finding says so, with the scanner's confidence. */
const char *find_web_product(WebCtx *c, const Finding *f) {
  if (f->product_id >= 0) return f->product_name;
  return arena_printf(c->a, "%s · skanning, %s sikkerhet", f->product_name, find_scan_conf_label(f->scan_confidence));
}

/* What the finding is about: the CVE id, or a scanner check's title. */
static const char *what(const Finding *f) {
  return !strcmp(f->source, "scan") && f->advisory[0] ? f->advisory : f->vuln_id;
}

static void list_rows(WebCtx *c, const Finding *x, size_t n) {
  Buf *b = &c->resp->body;
  html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Sårbarhet</th>"
              "<th scope=\"col\">Produkt</th><th scope=\"col\">Klasse</th><th scope=\"col\">Prioritet</th>"
              "<th scope=\"col\">CVSS</th><th scope=\"col\">KEV</th><th scope=\"col\">Status</th>"
              "<th scope=\"col\">Frist</th></tr></thead><tbody>");
  for (size_t i = 0; i < n; i++) {
    const Finding *f = &x[i];
    html_printf(b, "<tr><td><a href=\"/org/%lld/funn/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>"
                   "<td>%s</td><td>%s</td><td>%s</td><td>%s%s</td></tr>",
                (long long)c->org_id, (long long)f->id, what(f), find_web_product(c, f), find_class_label(f->cls),
                num1(c, f->priority), num1(c, f->cvss), f->kev ? "ja" : "", find_status_label(f->status),
                find_web_day(c, f->due_at), f->overdue ? " (forfalt)" : "");
  }
  if (!n) html_raw(b, "<tr><td colspan=\"8\">Ingen funn passer filteret.</td></tr>");
  html_raw(b, "</tbody></table></div>");
}

static void get_list(WebCtx *c) {
  FindFilter f;
  if (find_web_filter(c, &f)) {
    web_error(c, 400, "Ugyldig filter.");
    return;
  }
  Finding *x = NULL;
  size_t n = 0, expired = 0;
  Err e = {0};
  /* housekeeping before reading: acceptances past their date reopen */
  if (find_expire(c->db, db_now(), &expired, &e) || find_list(c->db, c->a, &f, &x, &n, &e)) {
    web_error_err(c, &e);
    return;
  }
  Buf *b = &c->resp->body;
  web_page_begin(c, "Funn");
  html_raw(b, "<h1>Sårbarhetsfunn</h1><p class=\"muted\">Programvare i inventaret som treffer kjente sårbarheter "
              "(NVD, CSAF), prioritert etter alvorlighet, KEV, EPSS, eksponering og tjenestenes kritikalitet.</p>");
  filter_form(c);
  const char *raw = c->req->raw_uri ? strchr(c->req->raw_uri, '?') : NULL;
  html_printf(b, "<p><a class=\"button\" href=\"/org/%lld/funn.csv%s\">Last ned som CSV</a></p>", (long long)c->org_id,
              raw ? raw : "");
  list_rows(c, x, n);
  web_page_end(c);
}

static void get_csv(WebCtx *c) {
  FindFilter f;
  if (find_web_filter(c, &f)) {
    web_error(c, 400, "Ugyldig filter.");
    return;
  }
  Err e = {0};
  HttpResp *r = c->resp;
  r->content_type = "text/csv; charset=utf-8";
  const char *disp = arena_printf(c->a, "attachment; filename=\"funn-%lld.csv\"", (long long)c->org_id);
  if (disp) http_resp_header(r, "Content-Disposition", disp);
  if (find_export_csv(c->db, &f, &r->body, &e)) web_error_err(c, &e);
}

static void facts(WebCtx *c, const Finding *f) {
  Buf *b = &c->resp->body;
  html_printf(b, "<section class=\"card\"><h2>Vurdering</h2><dl><dt>Produkt</dt><dd>%s</dd>"
                 "<dt>Klasse og prioritet</dt><dd>%s (%s av 100)</dd><dt>CVSS</dt><dd>%s %s</dd>",
              f->product_name, find_class_label(f->cls), num1(c, f->priority), num1(c, f->cvss),
              f->cvss_vector);
  html_printf(b, "<dt>KEV (kjent utnyttet)</dt><dd>%s%s%s%s</dd><dt>EPSS-persentil</dt><dd>%s</dd>",
              f->kev ? "ja" : "nei", f->kev && f->kev_due[0] ? ", CISA-frist " : "", f->kev ? f->kev_due : "",
              f->ransomware ? ", brukt i løsepengevirus" : "", f->epss_pct < 0 ? "–" : arena_printf(c->a, "%.3f", f->epss_pct));
  html_printf(b, "<dt>Eksponering</dt><dd>%s</dd><dt>Kritikalitet for avhengige tjenester</dt><dd>%s</dd>",
              f->internet ? "på en internetteksponert maskin" : "intern",
              f->criticality ? arena_printf(c->a, "%d av 5", f->criticality) : "ingen tjeneste er knyttet til produktet");
  if (f->status == FIND_ST_ACCEPTED)
    html_printf(b, "<dt>Akseptert til</dt><dd>%s (gjenåpnes da)</dd>", find_web_day(c, f->accepted_until));
  html_printf(b, "<dt>Status</dt><dd>%s%s%s</dd><dt>Frist</dt><dd>%s%s</dd></dl></section>",
              find_status_label(f->status), f->status_reason[0] ? " – " : "", f->status_reason,
              find_web_day(c, f->due_at), f->overdue ? " (forfalt)" : "");
  int check = !strcmp(f->source, "scan");
  html_printf(b, "<section class=\"card\"><h2>Hvorfor dette treffer</h2><p>Kilde: %s%s%s. Sikkerhet: %s.%s</p>"
                 "<p><code>%s</code></p><p class=\"muted\">%s</p></section>",
              check ? "skannerens egen kontroll " : f->source, check ? f->vuln_id : f->advisory[0] ? ", råd " : "",
              check ? "" : f->advisory, f->confidence,
              f->matched ? "" : f->product_id < 0 ? " Ikke lenger sett i skanning." : " Treffer ikke lenger inventaret.",
              f->reason, f->description);
}

static void history(WebCtx *c, const Finding *f) {
  FindHistory *h = NULL;
  size_t n = 0;
  Err e = {0};
  Buf *b = &c->resp->body;
  find_history(c->db, c->a, f->id, &h, &n, &e);
  html_raw(b, "<section class=\"card\"><h2>Historikk</h2><div class=\"table-wrap\"><table><thead><tr>"
              "<th scope=\"col\">Tid</th><th scope=\"col\">Av</th><th scope=\"col\">Endring</th>"
              "<th scope=\"col\">Merknad</th></tr></thead><tbody>");
  for (size_t i = 0; i < n; i++) {
    FindStatus fs = FIND_ST_OPEN, ts = FIND_ST_OPEN;
    int hf = !find_status_parse(h[i].from, &fs);
    find_status_parse(h[i].to, &ts);
    html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s%s%s</td><td>%s</td></tr>", web_time(c, h[i].at), h[i].username,
                hf ? find_status_label(fs) : "", hf ? " → " : "", find_status_label(ts), h[i].note);
  }
  html_raw(b, "</tbody></table></div></section>");
}

static void action_button(WebCtx *c, const Finding *f, FindStatus to, const char *label) {
  if (!find_transition_ok(f->status, to, f->matched)) return;
  html_printf(&c->resp->body, "<form method=\"post\" action=\"/org/%lld/funn/%lld/status\">", (long long)c->org_id,
              (long long)f->id);
  web_csrf_field(c);
  html_printf(&c->resp->body, "<input type=\"hidden\" name=\"status\" value=\"%s\"><button type=\"submit\">%s</button>"
                              "</form>", find_status_name(to), label);
}

static void actions(WebCtx *c, const Finding *f) {
  if (!web_may(c, POLICY_WRITE, c->org_id)) return;
  Buf *b = &c->resp->body;
  html_raw(b, "<section class=\"card\"><h2>Behandling</h2><div class=\"actions\">");
  action_button(c, f, FIND_ST_IN_PROGRESS, "Under arbeid");
  action_button(c, f, FIND_ST_FIXED, "Utbedret");
  action_button(c, f, FIND_ST_VERIFIED, "Verifisert utbedret");
  action_button(c, f, FIND_ST_OPEN, "Gjenåpne");
  html_raw(b, "</div>");
  if (find_transition_ok(f->status, FIND_ST_FALSE_POSITIVE, f->matched)) {
    html_printf(b, "<form method=\"post\" action=\"/org/%lld/funn/%lld/status\"><h3>Falsk positiv</h3>",
                (long long)c->org_id, (long long)f->id);
    web_csrf_field(c);
    html_raw(b, "<input type=\"hidden\" name=\"status\" value=\"false_positive\"><label for=\"fp-r\">Begrunnelse"
                "</label><textarea id=\"fp-r\" name=\"begrunnelse\" required maxlength=\"2000\"></textarea>"
                "<button type=\"submit\">Merk som falsk positiv</button></form>");
  }
  if (find_transition_ok(f->status, FIND_ST_ACCEPTED, f->matched) && find_web_may_accept(c)) {
    html_printf(b, "<form method=\"post\" action=\"/org/%lld/funn/%lld/status\"><h3>Aksepter risiko</h3>",
                (long long)c->org_id, (long long)f->id);
    web_csrf_field(c);
    html_raw(b, "<input type=\"hidden\" name=\"status\" value=\"accepted\"><label for=\"ac-r\">Begrunnelse</label>"
                "<textarea id=\"ac-r\" name=\"begrunnelse\" required maxlength=\"2000\"></textarea>"
                "<label for=\"ac-u\">Gjelder til</label><input type=\"date\" id=\"ac-u\" name=\"til\" required>"
                "<button type=\"submit\">Aksepter risikoen</button></form>");
  }
  html_raw(b, "</section>");
}

static void get_detail(WebCtx *c) {
  Finding f;
  Err e = {0};
  if (find_get(c->db, c->a, c->org_id, c->args[0], &f, &e)) {
    web_error_err(c, &e);
    return;
  }
  Buf *b = &c->resp->body;
  web_page_begin(c, what(&f));
  const char *ok = web_query(c, "ok");
  if (ok && !strcmp(ok, "status")) html_raw(b, "<p class=\"notice\" role=\"status\">Status er endret.</p>");
  html_printf(b, "<p><a href=\"/org/%lld/funn\">← Alle funn</a></p><h1>%s i %s</h1>", (long long)c->org_id, what(&f),
              f.product_name);
  facts(c, &f);
  if (f.product_id < 0) find_web_scan_facts(c, &f);
  actions(c, &f);
  history(c, &f);
  web_page_end(c);
}

/* The director's authority: the organisation's own admin (README.md). */
int find_web_may_accept(WebCtx *c) { return web_may(c, POLICY_RISK_ACCEPT, c->org_id); }

int64_t find_parse_day(const char *s) {
  struct tm tm = {0};
  const char *end = s ? strptime(s, "%Y-%m-%d", &tm) : NULL;
  return end && !*end ? (int64_t)timegm(&tm) + 86399 : -1;
}

static void post_status(WebCtx *c) {
  FindStatus to;
  Err e = {0};
  if (find_status_parse(web_form(c, "status"), &to)) {
    web_error(c, 400, "Ukjent status.");
    return;
  }
  if (to == FIND_ST_ACCEPTED && !find_web_may_accept(c)) {
    web_error(c, 403, "Bare kommunedirektøren (organisasjonens administrator) kan akseptere risiko.");
    return;
  }
  int64_t until = to == FIND_ST_ACCEPTED ? find_parse_day(web_form(c, "til")) : 0;
  if (find_set_status(c->db, &c->p, c->org_id, c->args[0], to, web_form(c, "begrunnelse"), until, &e)) {
    web_error_err(c, &e);
    return;
  }
  c->resp->status = 303;
  http_resp_header(c->resp, "Location",
                   arena_printf(c->a, "/org/%lld/funn/%lld?ok=status", (long long)c->org_id, (long long)c->args[0]));
}

static void section(WebCtx *c) {
  FindCounts n;
  Err e = {0};
  if (find_counts(c->db, c->org_id, &n, &e)) return;
  Buf *b = &c->resp->body;
  html_printf(b, "<section class=\"card\"><h2>Sårbarheter</h2><ul><li>%lld aktive funn, %lld kritiske og %lld høye"
                 "</li><li>%lld kjent utnyttet (KEV)</li><li>%lld over fristen</li><li>%lld med akseptert risiko</li>"
                 "</ul>", (long long)n.active, (long long)n.critical, (long long)n.high, (long long)n.kev,
              (long long)n.overdue, (long long)n.accepted);
  if (n.named && web_may(c, POLICY_READ, c->org_id))
    html_printf(b, "<p class=\"k-note\">%lld av de aktive funnene er bare navnetreff i CISAs KEV-katalog: produktet "
                   "heter det samme, men versjonen er ikke kontrollert. <a href=\"/org/%lld/funn?treff=navn\">Bekreft "
                   "eller avvis dem</a>.</p>", (long long)n.named, (long long)c->org_id);
  else if (n.named)
    html_printf(b, "<p class=\"k-note\">%lld av de aktive funnene er bare navnetreff i CISAs KEV-katalog: versjonen "
                   "er ikke kontrollert.</p>", (long long)n.named);
  if (web_may(c, POLICY_READ, c->org_id))
    html_printf(b, "<p><a href=\"/org/%lld/funn\">Alle funn</a> · <a href=\"/org/%lld/funn?forfalt=1\">Forfalte</a>"
                   "</p>", (long long)c->org_id, (long long)c->org_id);
  int64_t children = 0;
  db_int(c->db, &e, &children, "SELECT count(*) FROM organisations WHERE parent_id = ?", "l", c->org_id);
  if (children)
    html_printf(b, "<p><a href=\"/org/%lld/eksponering\">Eksponering under denne organisasjonen</a> "
                   "(kjent utnyttede sårbarheter, innenfor det medlemmene deler)</p>", (long long)c->org_id);
  html_raw(b, "</section>");
}

static const WebRoute routes[] = {
    {"GET", "/org/{org}/funn", get_list, POLICY_READ, 0},
    {"GET", "/org/{org}/funn.csv", get_csv, POLICY_READ, 0},
    {"GET", "/org/{org}/funn/{id}", get_detail, POLICY_READ, 0},
    {"POST", "/org/{org}/funn/{id}/status", post_status, POLICY_WRITE, WEB_CSRF},
    {"GET", "/org/{org}/eksponering", find_web_exposure, POLICY_ORG_VIEW, 0},
    {"GET", "/org/{org}/eksponering.csv", find_web_exposure_csv, POLICY_ORG_VIEW, 0},
    {"GET", "/org/{org}/eksponering-kev.csv", find_web_exposure_kev_csv, POLICY_ORG_VIEW, 0},
    {NULL, NULL, NULL, 0, 0},
};

/* Inventory writes in the server re-match that organisation at once. */
static void on_inventory_change(Db *db, int64_t org_id, void *ctx) {
  (void)ctx;
  Err e = {0};
  if (find_match_org(db, NULL, org_id, 0, NULL, &e)) fprintf(stderr, "varde: matching etter inventarendring: %s\n", e.msg);
}

void findings_web_init(void) {
  inv_set_change_hook(on_inventory_change, NULL);
  web_register_routes(routes);
  web_register_routes(find_api_routes);
  web_register_nav(&(WebNav){"Funn", "/org/{org}/funn", POLICY_READ, 26});
  web_register_nav(&(WebNav){"Eksponering", "/org/{org}/eksponering", POLICY_ORG_VIEW, 27});
  web_register_section(&(WebSection){"Sårbarheter", section, POLICY_READ_SUMMARY, 30});
}
