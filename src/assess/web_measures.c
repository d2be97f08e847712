/* web_measures.c — the measure plan (tiltaksplan) pages: list with filters,
 * create (freely or from a gap), edit, complete with a prompt to re-assess
 * the linked items, CSV export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/aweb.h"
#include "html/html.h"
#include "policy/policy.h"
#include "web/web.h"

#define MAX_LINKS 32

static void flash(WebCtx *c) {
  const char *ok = web_query(c, "ok");
  if (!ok) return;
  if (!strcmp(ok, "opprettet"))
    html_raw(&c->resp->body, "<p class=\"notice\" role=\"status\">Tiltaket er opprettet. Fyll ut "
                             "ansvarlig, frist og kostnad.</p>");
  else if (!strcmp(ok, "lagret"))
    html_raw(&c->resp->body, "<p class=\"notice\" role=\"status\">Tiltaket er lagret.</p>");
}

/* --- list ------------------------------------------------------------------ */

static const char *status_param(WebCtx *c, AssessMeasureStatus *st) {
  const char *s = web_query(c, "status");
  if (!s || !s[0] || assess_mstatus_parse(s, st)) return NULL;
  return s;
}

static void filter_form(WebCtx *c, const char *vis, const char *status) {
  Buf *b = &c->resp->body;
  html_printf(b, "<form class=\"inline filters\" method=\"get\" action=\"/org/%lld/tiltak\">"
                 "<div><label for=\"vis\">Vis</label><select id=\"vis\" name=\"vis\">",
              (long long)c->org_id);
  static const char *const vv[][2] = {{"apne", "Åpne tiltak"}, {"forfalte", "Over fristen"},
                                      {"alle", "Alle tiltak"}};
  for (size_t i = 0; i < 3; i++)
    html_printf(b, "<option value=\"%s\"%s>%s</option>", vv[i][0], !strcmp(vis, vv[i][0]) ? " selected" : "",
                vv[i][1]);
  html_raw(b, "</select></div><div><label for=\"status\">Status</label><select id=\"status\" name=\"status\">"
              "<option value=\"\">Alle</option>");
  for (int s = ASSESS_MS_PLANNED; s <= ASSESS_MS_CANCELLED; s++) {
    const char *name = assess_mstatus_name((AssessMeasureStatus)s);
    html_printf(b, "<option value=\"%s\"%s>%s</option>", name, status && !strcmp(status, name) ? " selected" : "",
                assess_mstatus_label((AssessMeasureStatus)s));
  }
  html_raw(b, "</select></div><button type=\"submit\">Vis</button></form>");
}

static void measure_row(WebCtx *c, const AssessMeasure *m) {
  Buf *b = &c->resp->body;
  html_printf(b, "<tr><th scope=\"row\"><a href=\"/org/%lld/tiltak/%lld\">%s</a></th><td>%s</td><td>%s",
              (long long)c->org_id, (long long)m->id, m->title, m->owner[0] ? m->owner : "–",
              assess_web_ymd(c->a, m->deadline));
  if (m->overdue) html_raw(b, " <span class=\"badge late\">over fristen</span>");
  html_printf(b, "</td><td>%s</td><td>%s<br><span class=\"hint\">%s per år</span></td><td>%s</td><td>",
              assess_mstatus_label(m->status), assess_web_nok(c->a, m->cost_once),
              assess_web_nok(c->a, m->cost_yearly), assess_financing_label(m->financing));
  for (size_t k = 0; k < m->nitems; k++) html_printf(b, "%s%s", k ? ", " : "", m->items[k].ref_id);
  html_raw(b, "</td></tr>");
}

static void get_list(WebCtx *c) {
  const char *vis = web_query(c, "vis");
  if (!vis || (strcmp(vis, "alle") && strcmp(vis, "forfalte"))) vis = "apne";
  AssessMeasureStatus st = ASSESS_MS_PLANNED;
  const char *status = status_param(c, &st);
  int which = !strcmp(vis, "alle") ? ASSESS_ML_ALL : !strcmp(vis, "forfalte") ? ASSESS_ML_OVERDUE : ASSESS_ML_OPEN;
  if (status && (st == ASSESS_MS_DONE || st == ASSESS_MS_CANCELLED)) which = ASSESS_ML_ALL;
  AssessMeasure *m = NULL;
  size_t n = 0;
  Err e = {0};
  if (assess_measure_list(c->db, &c->p, c->org_id, which, c->a, &m, &n, &e)) {
    web_error_err(c, &e);
    return;
  }
  web_page_begin(c, "Tiltaksplan");
  Buf *b = &c->resp->body;
  html_raw(b, "<h1>Tiltaksplan</h1><p>Tiltak som skal lukke gapene i egenvurderingen, med ansvarlig, "
              "frist og anslått kostnad.</p><div class=\"actions\">");
  if (web_may(c, POLICY_WRITE, c->org_id))
    html_printf(b, "<a class=\"button\" href=\"/org/%lld/tiltak/ny\">Nytt tiltak</a>", (long long)c->org_id);
  html_printf(b, "<a href=\"/org/%lld/tiltak/eksport.csv\">Last ned som CSV</a></div>", (long long)c->org_id);
  filter_form(c, vis, status);
  html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Tiltak</th><th scope=\"col\">"
              "Ansvarlig</th><th scope=\"col\">Frist</th><th scope=\"col\">Status</th><th scope=\"col\">"
              "Kostnad</th><th scope=\"col\">Finansiering</th><th scope=\"col\">Punkter</th></tr></thead><tbody>");
  size_t shown = 0;
  for (size_t i = 0; i < n; i++) {
    if (status && m[i].status != st) continue;
    measure_row(c, &m[i]);
    shown++;
  }
  if (!shown) html_raw(b, "<tr><td colspan=\"7\">Ingen tiltak her.</td></tr>");
  html_raw(b, "</tbody></table></div>");
  web_page_end(c);
}

/* --- the form ----------------------------------------------------------------- */

static void text_field(Buf *b, const char *id, const char *label, const char *type, const char *value,
                       const char *extra_hint) {
  html_printf(b, "<div><label for=\"%s\">%s", id, label);
  if (extra_hint) html_printf(b, " <span class=\"hint\">%s</span>", extra_hint);
  html_printf(b, "</label><input type=\"%s\" id=\"%s\" name=\"%s\" value=\"%s\"></div>", type, id, id,
              value ? value : "");
}

static const char *cost_text(Arena *a, long long v) { return v >= 0 ? arena_printf(a, "%lld", v) : ""; }

static void form(WebCtx *c, const AssessMeasure *m, const char *action) {
  Buf *b = &c->resp->body;
  html_printf(b, "<form class=\"stack wide\" method=\"post\" action=\"%s\">", action);
  web_csrf_field(c);
  text_field(b, "tittel", "Tittel", "text", m->title, NULL);
  html_printf(b, "<div><label for=\"beskrivelse\">Beskrivelse</label><textarea id=\"beskrivelse\" "
                 "name=\"beskrivelse\" rows=\"4\" maxlength=\"4000\">%s</textarea></div>",
              m->description ? m->description : "");
  text_field(b, "ansvarlig", "Ansvarlig", "text", m->owner, NULL);
  text_field(b, "frist", "Frist", "date", m->deadline, NULL);
  text_field(b, "engangskostnad", "Engangskostnad", "number", cost_text(c->a, m->cost_once), "kroner, anslag");
  text_field(b, "arlig", "Årlig kostnad", "number", cost_text(c->a, m->cost_yearly), "kroner per år, anslag");
  html_raw(b, "<div><label for=\"finansiering\">Finansiering</label><select id=\"finansiering\" name=\"finansiering\">");
  for (int f = ASSESS_FIN_SELF; f <= ASSESS_FIN_BASE; f++)
    html_printf(b, "<option value=\"%s\"%s>%s</option>", assess_financing_name((AssessFinancing)f),
                (int)m->financing == f ? " selected" : "", assess_financing_label((AssessFinancing)f));
  html_raw(b, "</select></div><div><label for=\"mstatus\">Status</label><select id=\"mstatus\" name=\"status\">");
  for (int s = ASSESS_MS_PLANNED; s <= ASSESS_MS_CANCELLED; s++)
    html_printf(b, "<option value=\"%s\"%s>%s</option>", assess_mstatus_name((AssessMeasureStatus)s),
                (int)m->status == s ? " selected" : "", assess_mstatus_label((AssessMeasureStatus)s));
  html_raw(b, "</select></div>");
  if (m->nitems) html_raw(b, "<fieldset><legend>Punkter tiltaket skal lukke</legend>");
  for (size_t k = 0; k < m->nitems && k < MAX_LINKS; k++) {
    const AssessMeasureItem *it = &m->items[k];
    html_printf(b, "<div><input type=\"checkbox\" id=\"pk%zu\" name=\"punkt\" value=\"%lld:%s\" checked>"
                   "<label for=\"pk%zu\">%s %s <span class=\"hint\">(%s)</span></label></div>",
                k, (long long)it->fw_id, it->ref_id, k, it->ref_id, it->name ? it->name : "",
                it->fw_name ? it->fw_name : "");
  }
  if (m->nitems) html_raw(b, "</fieldset>");
  html_raw(b, "<button type=\"submit\">Lagre tiltaket</button></form>");
}

/* Fills m from the form; NULL, or a Norwegian message. */
static const char *parse(WebCtx *c, AssessMeasure *m) {
  m->title = web_form(c, "tittel");
  if (!m->title[0]) return "Tiltaket må ha en tittel.";
  m->description = web_form(c, "beskrivelse");
  m->owner = web_form(c, "ansvarlig");
  m->deadline = web_form(c, "frist");
  const char *once = web_form(c, "engangskostnad"), *yearly = web_form(c, "arlig");
  char *end;
  m->cost_once = once[0] ? strtoll(once, &end, 10) : -1;
  if (once[0] && (*end || m->cost_once < 0)) return "Engangskostnaden må være et helt antall kroner.";
  m->cost_yearly = yearly[0] ? strtoll(yearly, &end, 10) : -1;
  if (yearly[0] && (*end || m->cost_yearly < 0)) return "Den årlige kostnaden må være et helt antall kroner.";
  if (assess_financing_parse(web_form(c, "finansiering"), &m->financing)) return "Ukjent finansieringsmodell.";
  if (assess_mstatus_parse(web_form(c, "status"), &m->status)) return "Ukjent status.";
  m->items = arena_alloc(c->a, MAX_LINKS * sizeof *m->items);
  if (!m->items) return "Tomt for minne.";
  for (size_t i = 0; i < c->req->form.n && m->nitems < MAX_LINKS; i++) {
    const HttpParam *p = &c->req->form.v[i];
    if (strcmp(p->name, "punkt")) continue;
    const char *colon = strchr(p->value, ':');
    if (!colon) return "Ugyldig punkt.";
    m->items[m->nitems].fw_id = strtoll(p->value, NULL, 10);
    m->items[m->nitems++].ref_id = colon + 1;
  }
  return NULL;
}

/* Prefill for "new measure" from ?rammeverk=&punkt= (a gap on the assessment page). */
static void prefill(WebCtx *c, AssessMeasure *m) {
  const char *fw = web_query(c, "rammeverk"), *ref = web_query(c, "punkt");
  if (!fw || !ref) return;
  AssessView v;
  Err e = {0};
  int64_t fw_id = strtoll(fw, NULL, 10);
  if (assess_store_view_scores(c->db, &c->p, c->org_id, fw_id, c->a, &v, &e)) return;
  int i = assess_framework_find(v.fw, ref);
  if (i >= 0) {
    const AssessNode *n = &v.fw->nodes[i];
    m->title = arena_printf(c->a, "Lukk gapet på %s %s", n->ref_id, n->name);
    m->items = arena_alloc(c->a, sizeof *m->items);
    if (m->items) {
      m->items[0] = (AssessMeasureItem){fw_id, arena_strdup(c->a, n->ref_id),
                                        arena_strdup(c->a, n->name), arena_strdup(c->a, v.fw->name)};
      m->nitems = 1;
    }
    if (n->cost.present) {
      m->cost_once = n->cost.once_min;
      m->cost_yearly = n->cost.yearly_min;
    }
  }
  assess_view_free(&v);
}

static void get_new(WebCtx *c) {
  AssessMeasure m = {.title = "", .owner = "", .deadline = "", .cost_once = -1, .cost_yearly = -1};
  prefill(c, &m);
  web_page_begin(c, "Nytt tiltak");
  html_printf(&c->resp->body, "<p class=\"crumbs\"><a href=\"/org/%lld/tiltak\">Tiltaksplan</a></p>"
                              "<h1>Nytt tiltak</h1>", (long long)c->org_id);
  form(c, &m, arena_printf(c->a, "/org/%lld/tiltak", (long long)c->org_id));
  web_page_end(c);
}

static void post_new(WebCtx *c) {
  AssessMeasure m = {.org_id = c->org_id};
  const char *bad = parse(c, &m);
  if (bad) {
    web_error(c, 400, bad);
    return;
  }
  int64_t id = 0;
  Err e = {0};
  if (assess_measure_save(c->db, &c->p, &m, &id, &e)) {
    web_error_err(c, &e);
    return;
  }
  http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/tiltak/%lld?ok=lagret", (long long)c->org_id,
                                           (long long)id));
}

static void post_from_gap(WebCtx *c) {
  int64_t fw = strtoll(web_form(c, "rammeverk"), NULL, 10), id = 0;
  const char *ref = web_form(c, "punkt");
  if (fw <= 0 || !ref[0]) {
    web_error(c, 400, "Mangler rammeverk eller punkt.");
    return;
  }
  Err e = {0};
  if (assess_measure_from_gap(c->db, &c->p, c->org_id, fw, ref, &id, &e)) {
    web_error_err(c, &e);
    return;
  }
  http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/tiltak/%lld?ok=opprettet", (long long)c->org_id,
                                           (long long)id));
}

/* --- one measure ---------------------------------------------------------------- */

static int load(WebCtx *c, AssessMeasure *m) {
  Err e = {0};
  if (assess_measure_get(c->db, &c->p, c->args[0], c->a, m, &e) || m->org_id != c->org_id) {
    web_error(c, 404, "Fant ikke tiltaket.");
    return -1;
  }
  return 0;
}

/* After completion: the linked items should be assessed again. */
static void reassess_prompt(WebCtx *c, const AssessMeasure *m) {
  Buf *b = &c->resp->body;
  html_raw(b, "<section class=\"notice\" role=\"status\"><h2>Tiltaket er fullført</h2><p>Vurder punktene "
              "det skulle lukke på nytt, slik at modenheten viser det som er gjort:</p><ul>");
  for (size_t k = 0; k < m->nitems; k++) {
    html_printf(b, "<li><a href=\"/org/%lld/vurdering/%lld?punkt=", (long long)c->org_id,
                (long long)m->items[k].fw_id);
    html_urlenc(b, m->items[k].ref_id);
    html_raw(b, "#p-");
    html_urlenc(b, m->items[k].ref_id);
    html_printf(b, "\">Vurder %s %s på nytt</a></li>", m->items[k].ref_id, m->items[k].name ? m->items[k].name : "");
  }
  html_raw(b, "</ul></section>");
}

static void get_one(WebCtx *c) {
  AssessMeasure m;
  if (load(c, &m)) return;
  web_page_begin(c, m.title);
  Buf *b = &c->resp->body;
  html_printf(b, "<p class=\"crumbs\"><a href=\"/org/%lld/tiltak\">Tiltaksplan</a></p><h1>%s</h1>",
              (long long)c->org_id, m.title);
  flash(c);
  if (m.status == ASSESS_MS_DONE && m.nitems) reassess_prompt(c, &m);
  html_printf(b, "<p>Status: <strong>%s</strong>", assess_mstatus_label(m.status));
  if (m.overdue) html_raw(b, " <span class=\"badge late\">over fristen</span>");
  html_printf(b, " · frist %s · opprettet %s</p>", assess_web_ymd(c->a, m.deadline),
              assess_web_date(c->a, m.created_at));
  if (web_may(c, POLICY_WRITE, c->org_id)) {
    if (m.status != ASSESS_MS_DONE) {
      html_printf(b, "<form method=\"post\" action=\"/org/%lld/tiltak/%lld/status\">", (long long)c->org_id,
                  (long long)m.id);
      web_csrf_field(c);
      html_raw(b, "<input type=\"hidden\" name=\"status\" value=\"done\"><button type=\"submit\">"
                  "Marker som fullført</button></form>");
    }
    form(c, &m, arena_printf(c->a, "/org/%lld/tiltak/%lld", (long long)c->org_id, (long long)m.id));
  } else if (m.description && m.description[0]) {
    html_printf(b, "<p>%s</p>", m.description);
  }
  web_page_end(c);
}

static void post_one(WebCtx *c) {
  AssessMeasure old, m = {0};
  if (load(c, &old)) return;
  m.id = old.id;
  m.org_id = c->org_id;
  const char *bad = parse(c, &m);
  if (bad) {
    web_error(c, 400, bad);
    return;
  }
  int64_t id = 0;
  Err e = {0};
  if (assess_measure_save(c->db, &c->p, &m, &id, &e)) {
    web_error_err(c, &e);
    return;
  }
  http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/tiltak/%lld?ok=lagret", (long long)c->org_id,
                                           (long long)m.id));
}

static void post_status(WebCtx *c) {
  AssessMeasure m;
  if (load(c, &m)) return;
  AssessMeasureStatus st;
  if (assess_mstatus_parse(web_form(c, "status"), &st)) {
    web_error(c, 400, "Ukjent status.");
    return;
  }
  Err e = {0};
  if (assess_measure_set_status(c->db, &c->p, m.id, st, &e)) {
    web_error_err(c, &e);
    return;
  }
  http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/tiltak/%lld", (long long)c->org_id, (long long)m.id));
}

static const WebRoute routes[] = {
    {"GET", "/org/{org}/tiltak", get_list, POLICY_READ, 0},
    {"GET", "/org/{org}/tiltak/ny", get_new, POLICY_WRITE, 0},
    {"POST", "/org/{org}/tiltak", post_new, POLICY_WRITE, WEB_CSRF},
    {"POST", "/org/{org}/tiltak/fra-gap", post_from_gap, POLICY_WRITE, WEB_CSRF},
    {"GET", "/org/{org}/tiltak/{id}", get_one, POLICY_READ, 0},
    {"POST", "/org/{org}/tiltak/{id}", post_one, POLICY_WRITE, WEB_CSRF},
    {"POST", "/org/{org}/tiltak/{id}/status", post_status, POLICY_WRITE, WEB_CSRF},
    {NULL, NULL, NULL, 0, 0},
};

void assess_web_routes_measures(void) {
  web_register_routes(routes);
  web_register_nav(&(WebNav){"Tiltaksplan", "/org/{org}/tiltak", POLICY_READ, 24});
}
