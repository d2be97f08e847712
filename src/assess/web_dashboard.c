/* web_dashboard.c — the director's dashboard: sections on the organisation
 * page (maturity, trend, gaps, overdue measures, campaigns due, comparison),
 * the printable one-page report, and registration of all assessment pages. */
#include <stdlib.h>
#include <string.h>

#include "assess/aweb.h"
#include "html/html.h"
#include "policy/policy.h"
#include "web/web.h"

void assess_web_cached(WebCtx *c, const char *part, void (*render)(WebCtx *c)) {
  char ver[128];
  Err e = {0};
  if (!assess_cache_enabled() || assess_cache_version(c->db, c->now, ver, sizeof ver, &e)) {
    render(c);
    return;
  }
  const char *key = arena_printf(c->a, "%s|%lld|%s|%s", part, (long long)c->p.user_id, c->csrf,
                                 c->req->raw_uri ? c->req->raw_uri : "");
  Buf *b = &c->resp->body;
  if (key && assess_cache_get(key, ver, b)) return;
  size_t start = b->n;
  render(c);
  if (key && !b->err && c->resp->status == 200 && b->n >= start) assess_cache_put(key, ver, b->p + start, b->n - start);
}

static const char *base_of(WebCtx *c) { return arena_printf(c->a, "/org/%lld", (long long)c->org_id); }

/* Loads the parts a section needs; 0 when there is something to show. */
static int load(WebCtx *c, unsigned what, AssessDash *d) {
  Err e = {0};
  int64_t fw = 0;
  if ((what & (ASSESS_DASH_SCORES | ASSESS_DASH_TREND | ASSESS_DASH_GAPS)) &&
      assess_web_main_fw(c->db, c->a, web_query(c, "rammeverk"), &fw, &e))
    return -1;
  return assess_dash_load(c->db, &c->p, c->org_id, fw, what, c->a, d, &e) ? -1 : 0;
}

/* The other frameworks, each a link that shows the dashboard for it. */
static void other_frameworks(WebCtx *c, const AssessDash *d) {
  Buf *b = &c->resp->body;
  int shown = 0;
  for (size_t i = 0; i < d->nfws; i++) {
    if (d->fws[i].id == d->fw_id || d->fw_total[i] < 0) continue;
    if (!shown++) html_raw(b, "<p class=\"no-print\">Andre rammeverk: ");
    else html_raw(b, " · ");
    html_printf(b, "<a href=\"/org/%lld?rammeverk=%lld#modenhet\">%s</a> (%s)", (long long)c->org_id,
                (long long)d->fws[i].id, d->fws[i].name, assess_web_pct(c->a, d->fw_total[i]));
  }
  if (shown) html_raw(b, "</p>");
}

static void section_maturity(WebCtx *c) {
  AssessDash d;
  if (load(c, ASSESS_DASH_SCORES | ASSESS_DASH_FWS, &d)) return;
  if (!d.have_view || (!d.view.assessment_id && !web_may(c, POLICY_WRITE, c->org_id))) {
    assess_dash_free(&d);
    return;
  }
  Buf *b = &c->resp->body;
  html_raw(b, "<section class=\"card dash\" id=\"modenhet\"><h2>Modenhet</h2>");
  assess_dash_maturity(b, c->a, &d, base_of(c));
  other_frameworks(c, &d);
  html_printf(b, "<p class=\"no-print\"><a href=\"%s/rapport?rammeverk=%lld\">Rapport på én side (for "
                 "utskrift)</a></p></section>", base_of(c), (long long)d.fw_id);
  assess_dash_free(&d);
}

static void section_trend(WebCtx *c) {
  AssessDash d;
  if (load(c, ASSESS_DASH_SCORES | ASSESS_DASH_TREND, &d)) return;
  if (d.have_view && d.nsnaps) {
    Buf *b = &c->resp->body;
    html_raw(b, "<section class=\"card dash\" id=\"utvikling\"><h2>Utvikling over tid</h2>");
    assess_dash_trend(b, c->a, &d);
    html_raw(b, "</section>");
  }
  assess_dash_free(&d);
}

static void section_gaps(WebCtx *c) {
  AssessDash d;
  if (load(c, ASSESS_DASH_SCORES | ASSESS_DASH_GAPS, &d)) return;
  if (d.have_view && d.view.assessment_id) {
    Buf *b = &c->resp->body;
    html_raw(b, "<section class=\"card dash\" id=\"gap\"><h2>Største gap mot målet</h2>");
    int w = web_may(c, POLICY_WRITE, c->org_id);
    assess_dash_gaps(b, c->a, &d, base_of(c), 5, w && c->csrf[0] ? c->csrf : NULL);
    html_raw(b, "</section>");
  }
  assess_dash_free(&d);
}

static void section_measures(WebCtx *c) {
  AssessDash d;
  if (load(c, ASSESS_DASH_MEASURES, &d)) return;
  if (d.nopen || d.noverdue) {
    Buf *b = &c->resp->body;
    html_raw(b, "<section class=\"card dash\" id=\"tiltak\"><h2>Tiltak over fristen</h2>");
    assess_dash_measures(b, c->a, &d, base_of(c), 8);
    html_printf(b, "<p><a href=\"%s/tiltak\">Hele tiltaksplanen</a></p></section>", base_of(c));
  }
  assess_dash_free(&d);
}

static void section_tasks(WebCtx *c) {
  AssessDash d;
  if (load(c, ASSESS_DASH_TASKS, &d)) return;
  if (d.ntasks) {
    Buf *b = &c->resp->body;
    html_raw(b, "<section class=\"card dash tasks\" id=\"oppgaver\"><h2>Kampanjer med frist</h2>");
    assess_dash_tasks(b, c->a, &d, base_of(c));
    html_raw(b, "</section>");
  }
  assess_dash_free(&d);
}

/* Comparison with municipalities of similar population (only a group the
 * principal may count in totals, at least POLICY_K_MIN of them). */
static void section_benchmark(WebCtx *c) {
  AssessBenchmark bm;
  Err e = {0};
  int64_t fw = 0;
  if (assess_web_main_fw(c->db, c->a, web_query(c, "rammeverk"), &fw, &e) ||
      assess_store_benchmark(c->db, &c->p, c->org_id, fw, &bm, &e) || bm.own < 0)
    return;
  Buf *b = &c->resp->body;
  if (bm.band < 0) {
    html_raw(b, "<section class=\"card dash\" id=\"sammenligning\"><h2>Sammenlignet med lignende kommuner</h2>"
                "<p>Sammenligningen vises ikke: innbyggertallet mangler. En administrator kan legge det inn "
                "på organisasjonen.</p></section>");
    return;
  }
  html_printf(b, "<section class=\"card dash\" id=\"sammenligning\"><h2>Sammenlignet med lignende kommuner</h2>"
                 "<p>Gruppe: kommuner med %s innbyggere.</p>", assess_pop_bands[bm.band].name);
  if (bm.agg.shown)
    html_printf(b, "<p>Dere: <strong>%s</strong>. Gruppen: gjennomsnitt %s, median %s, halvparten mellom %s og "
                   "%s (%zu kommuner). %s av gruppen ligger lavere enn dere.</p>",
                assess_web_pct(c->a, bm.own), assess_web_pct(c->a, bm.agg.stats.mean),
                assess_web_pct(c->a, bm.agg.stats.median), assess_web_pct(c->a, bm.agg.stats.p25),
                assess_web_pct(c->a, bm.agg.stats.p75), bm.agg.n, assess_web_pct(c->a, bm.rank / 100.0));
  else
    html_printf(b, "<p class=\"k-note\">Sammenligningen vises ikke: bare %zu kommuner i gruppen deler tall du "
                   "har tilgang til å telle med, og Varde viser aldri totaler over færre enn %d. Regionen og "
                   "det nasjonale senteret ser sammenligningen for sine medlemmer.</p>", bm.agg.n, POLICY_K_MIN);
  html_raw(b, "</section>");
}

/* The sections through the fragment cache (one key per section). */
static void cached_tasks(WebCtx *c) { assess_web_cached(c, "tasks", section_tasks); }
static void cached_maturity(WebCtx *c) { assess_web_cached(c, "maturity", section_maturity); }
static void cached_trend(WebCtx *c) { assess_web_cached(c, "trend", section_trend); }
static void cached_gaps(WebCtx *c) { assess_web_cached(c, "gaps", section_gaps); }
static void cached_measures(WebCtx *c) { assess_web_cached(c, "measures", section_measures); }
static void cached_benchmark(WebCtx *c) { assess_web_cached(c, "benchmark", section_benchmark); }

/* --- the printable report -------------------------------------------------------- */

static void report_body(WebCtx *c) {
  AssessDash d;
  Err e = {0};
  int64_t fw = 0;
  if (assess_web_main_fw(c->db, c->a, web_query(c, "rammeverk"), &fw, &e) ||
      assess_dash_load(c->db, &c->p, c->org_id, fw, ASSESS_DASH_ALL, c->a, &d, &e)) {
    web_error_err(c, &e);
    return;
  }
  assess_report_body(&c->resp->body, c->a, &d, c->now);
  assess_dash_free(&d);
}

static void get_report(WebCtx *c) {
  web_page_begin(c, "Rapport");
  html_printf(&c->resp->body, "<p class=\"no-print\"><a href=\"/org/%lld\">Tilbake til oversikten</a> · "
                              "Skriv ut siden (Ctrl+P) for én A4-side.</p>", (long long)c->org_id);
  assess_web_cached(c, "report", report_body);
  if (c->resp->status == 200) web_page_end(c);
}

static const WebRoute routes[] = {
    {"GET", "/org/{org}/rapport", get_report, POLICY_READ, 0},
    {NULL, NULL, NULL, 0, 0},
};

void assess_web_routes_dashboard(void) {
  web_register_routes(routes);
  static const WebSection s[] = {
      {"Kampanjer med frist", cached_tasks, POLICY_READ, 12},
      {"Modenhet", cached_maturity, POLICY_READ_SUMMARY, 20},
      {"Utvikling", cached_trend, POLICY_READ_SUMMARY, 22},
      {"Største gap", cached_gaps, POLICY_READ, 24},
      {"Tiltak over fristen", cached_measures, POLICY_READ, 26},
      {"Sammenligning", cached_benchmark, POLICY_READ_SUMMARY, 28},
  };
  for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) web_register_section(&s[i]);
}

/* Called once by web_init (src/web/modules.def). */
void assess_web_init(void);
void assess_web_init(void) {
  assess_web_routes_assessment();
  assess_web_routes_measures();
  assess_web_routes_campaigns();
  assess_web_routes_dashboard();
  assess_web_routes_region();
  assess_web_routes_csv();
}
