/* web_campaign.c — campaigns: the sender's pages (publish, progress, late
 * list, results within the sharing rules) and the member's task list. */
#include <stdlib.h>
#include <string.h>

#include "assess/aweb.h"
#include "html/html.h"
#include "policy/policy.h"
#include "web/web.h"

static const char *const status_label[] = {"Ikke startet", "Påbegynt", "Fullført"};

static void publish_form(WebCtx *c) {
  Buf *b = &c->resp->body;
  AssessFwInfo *v = NULL;
  size_t n = 0;
  Err e = {0};
  if (assess_store_fw_list(c->db, c->a, &v, &n, &e) || !n) return;
  html_printf(b, "<details class=\"card\"><summary>Send ut en ny kampanje</summary><form class=\"stack wide\" "
                 "method=\"post\" action=\"/org/%lld/kampanjer\">", (long long)c->org_id);
  web_csrf_field(c);
  html_raw(b, "<div><label for=\"tittel\">Tittel</label><input type=\"text\" id=\"tittel\" name=\"tittel\" "
              "maxlength=\"200\"></div><div><label for=\"rammeverk\">Rammeverk</label><select id=\"rammeverk\" "
              "name=\"rammeverk\">");
  for (size_t i = 0; i < n; i++)
    if (v[i].latest) html_printf(b, "<option value=\"%lld\">%s</option>", (long long)v[i].id, v[i].name);
  html_raw(b, "</select></div><div><label for=\"frist\">Frist</label><input type=\"date\" id=\"frist\" "
              "name=\"frist\"></div><div><label for=\"melding\">Melding til mottakerne</label><textarea "
              "id=\"melding\" name=\"melding\" rows=\"4\" maxlength=\"4000\"></textarea></div>"
              "<p class=\"hint\">Kampanjen går til alle kommuner, fylkeskommuner og IKS under denne "
              "organisasjonen. De ser den som en oppgave på sin oversikt.</p>"
              "<button type=\"submit\">Send ut kampanjen</button></form></details>");
}

static void get_list(WebCtx *c) {
  AssessCampaign *v = NULL;
  size_t n = 0;
  Err e = {0};
  if (assess_campaign_list_sent(c->db, &c->p, c->org_id, c->a, &v, &n, &e)) {
    web_error_err(c, &e);
    return;
  }
  web_page_begin(c, "Kampanjer");
  Buf *b = &c->resp->body;
  html_raw(b, "<h1>Kampanjer</h1><p>Ber medlemmene gjøre en egenvurdering innen en frist. Her ser du "
              "hvem som har svart, hvem som er forsinket, og samlede resultater.</p>");
  if (web_may(c, POLICY_WRITE, c->org_id)) publish_form(c);
  html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Kampanje</th><th scope=\"col\">"
              "Rammeverk</th><th scope=\"col\">Frist</th><th scope=\"col\">Fullført</th><th scope=\"col\">"
              "Forsinket</th></tr></thead><tbody>");
  for (size_t i = 0; i < n; i++)
    html_printf(b, "<tr><th scope=\"row\"><a href=\"/org/%lld/kampanjer/%lld\">%s</a>%s</th><td>%s</td>"
                   "<td>%s</td><td>%zu av %zu</td><td>%zu</td></tr>",
                (long long)c->org_id, (long long)v[i].id, v[i].title, v[i].closed ? " (avsluttet)" : "",
                v[i].fw_name, assess_web_ymd(c->a, v[i].deadline), v[i].n_done, v[i].n_recipients,
                v[i].n_late);
  if (!n) html_raw(b, "<tr><td colspan=\"5\">Ingen kampanjer er sendt ut herfra.</td></tr>");
  html_raw(b, "</tbody></table></div>");
  web_page_end(c);
}

static void post_publish(WebCtx *c) {
  const char *title = web_form(c, "tittel"), *deadline = web_form(c, "frist");
  int64_t fw = strtoll(web_form(c, "rammeverk"), NULL, 10), id = 0;
  if (!title[0] || fw <= 0 || !deadline[0]) {
    web_error(c, 400, "Kampanjen må ha tittel, rammeverk og frist.");
    return;
  }
  Err e = {0};
  if (assess_campaign_publish(c->db, &c->p, c->org_id, fw, title, web_form(c, "melding"), deadline, &id, &e)) {
    web_error_err(c, &e);
    return;
  }
  http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/kampanjer/%lld", (long long)c->org_id, (long long)id));
}

static void progress(WebCtx *c, const AssessCampaign *k) {
  Buf *b = &c->resp->body;
  AssessRecipient *r = NULL;
  size_t n = 0;
  Err e = {0};
  if (assess_campaign_progress(c->db, &c->p, k->id, 0, c->a, &r, &n, &e)) return;
  html_printf(b, "<section class=\"card\"><h2>Framdrift</h2><p><strong>%zu av %zu</strong> har fullført, %zu "
                 "har begynt, <strong>%zu</strong> er forsinket.</p>",
              k->n_done, k->n_recipients, k->n_started, k->n_late);
  size_t late = 0;
  for (size_t i = 0; i < n; i++) late += r[i].late;
  if (late) {
    html_raw(b, "<h3>Forsinket</h3><ul class=\"late-list\">");
    for (size_t i = 0; i < n; i++)
      if (r[i].late)
        html_printf(b, "<li>%s – %s%s</li>", r[i].name, status_label[r[i].status],
                    r[i].reminded_at ? arena_printf(c->a, ", påminnet %s", assess_web_date(c->a, r[i].reminded_at)) : "");
    html_raw(b, "</ul>");
  }
  html_raw(b, "<details><summary>Alle mottakere</summary><ul>");
  for (size_t i = 0; i < n; i++)
    html_printf(b, "<li>%s – %s%s</li>", r[i].name, status_label[r[i].status],
                r[i].done_at ? arena_printf(c->a, " %s", assess_web_date(c->a, r[i].done_at)) : "");
  html_raw(b, "</ul></details></section>");
}



void assess_web_k_note(Buf *b, size_t n) {
  html_printf(b, "<p class=\"k-note\">Samlet resultat vises ikke: bare %zu organisasjon%s teller med, og "
                 "Varde viser aldri totaler over færre enn %d, slik at ingen enkeltkommunes svar kan leses "
                 "ut av tallene.</p>", n, n == 1 ? "" : "er", POLICY_K_MIN);
}

static void results(WebCtx *c, const AssessCampaign *k) {
  Buf *b = &c->resp->body;
  AssessOrgScore *r = NULL;
  size_t n = 0;
  AssessAggregate agg;
  Err e = {0};
  if (assess_campaign_results(c->db, &c->p, k->id, c->a, &r, &n, &agg, &e)) return;
  html_raw(b, "<section class=\"card\"><h2>Resultater</h2>");
  if (agg.shown)
    html_printf(b, "<p>Gjennomsnitt for %zu organisasjoner: <strong>%s</strong> (median %s, midterste "
                   "halvdel %s–%s).</p>", agg.n, assess_web_pct(c->a, agg.stats.mean),
                assess_web_pct(c->a, agg.stats.median), assess_web_pct(c->a, agg.stats.p25),
                assess_web_pct(c->a, agg.stats.p75));
  else
    assess_web_k_note(b, agg.n);
  size_t shown = 0;
  for (size_t i = 0; i < n; i++) shown += r[i].shown && r[i].total >= 0;
  if (shown) {
    html_raw(b, "<h3>Per organisasjon</h3><p class=\"hint\">Bare de som deler oversiktstall (nivå "
                "«oversikt» eller «full») vises enkeltvis.</p><ul>");
    for (size_t i = 0; i < n; i++)
      if (r[i].shown && r[i].total >= 0)
        html_printf(b, "<li>%s: %s</li>", r[i].name, assess_web_pct(c->a, r[i].total));
    html_raw(b, "</ul>");
  }
  html_raw(b, "</section>");
}

static void get_one(WebCtx *c) {
  AssessCampaign k;
  Err e = {0};
  if (assess_campaign_get(c->db, &c->p, c->args[0], c->a, &k, &e) || k.sender_org != c->org_id) {
    web_error(c, 404, "Fant ikke kampanjen.");
    return;
  }
  web_page_begin(c, k.title);
  Buf *b = &c->resp->body;
  html_printf(b, "<p class=\"crumbs\"><a href=\"/org/%lld/kampanjer\">Kampanjer</a></p><h1>%s</h1>"
                 "<p>%s · frist %s%s</p>", (long long)c->org_id, k.title, k.fw_name,
              assess_web_ymd(c->a, k.deadline), k.closed ? " · avsluttet" : "");
  if (k.message && k.message[0]) html_printf(b, "<blockquote>%s</blockquote>", k.message);
  progress(c, &k);
  results(c, &k);
  if (!k.closed && web_may(c, POLICY_WRITE, c->org_id)) {
    html_printf(b, "<form method=\"post\" action=\"/org/%lld/kampanjer/%lld/avslutt\">", (long long)c->org_id,
                (long long)k.id);
    web_csrf_field(c);
    html_raw(b, "<button type=\"submit\">Avslutt kampanjen</button></form>");
  }
  web_page_end(c);
}

static void post_close(WebCtx *c) {
  AssessCampaign k;
  Err e = {0};
  if (assess_campaign_get(c->db, &c->p, c->args[0], c->a, &k, &e) || k.sender_org != c->org_id) {
    web_error(c, 404, "Fant ikke kampanjen.");
    return;
  }
  if (assess_campaign_close(c->db, &c->p, k.id, &e)) {
    web_error_err(c, &e);
    return;
  }
  http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/kampanjer/%lld", (long long)c->org_id, (long long)k.id));
}

static const WebRoute routes[] = {
    {"GET", "/org/{org}/kampanjer", get_list, POLICY_READ, 0},
    {"POST", "/org/{org}/kampanjer", post_publish, POLICY_WRITE, WEB_CSRF},
    {"GET", "/org/{org}/kampanjer/{id}", get_one, POLICY_READ, 0},
    {"POST", "/org/{org}/kampanjer/{id}/avslutt", post_close, POLICY_WRITE, WEB_CSRF},
    {NULL, NULL, NULL, 0, 0},
};

void assess_web_routes_campaigns(void) {
  web_register_routes(routes);
  web_register_nav(&(WebNav){"Kampanjer", "/org/{org}/kampanjer", POLICY_READ, 26});
}
