/* web_region.c — the regional and national view: members' maturity within
 * their sharing levels (per organisation at summary+, totals only over at
 * least POLICY_K_MIN), comparison by population band, distribution per
 * principle, campaign completion; and its summary section on the org page. */
#include <stdlib.h>
#include <string.h>

#include "assess/aweb.h"
#include "html/html.h"
#include "org/org.h"
#include "policy/policy.h"
#include "svg/svg.h"
#include "web/web.h"

#define MAX_ORG_BARS 40



typedef struct Members {
  int64_t fw_id;
  const AssessFwInfo *fi;
  AssessOrgScore *r;
  size_t n, shown;
  AssessAggregate agg;
} Members;

static int load(WebCtx *c, Members *m, Err *e) {
  memset(m, 0, sizeof *m);
  int rc = assess_web_main_fw(c->db, c->a, web_query(c, "rammeverk"), &m->fw_id, e);
  if (rc) return rc;
  AssessFwInfo *fi = arena_alloc(c->a, sizeof *fi);
  if (!fi) return err_set(e, VERR_NOMEM, "tomt for minne");
  if ((rc = assess_store_fw_info(c->db, c->a, m->fw_id, fi, e))) return rc;
  m->fi = fi;
  rc = assess_store_member_scores(c->db, &c->p, c->org_id, m->fw_id, c->a, &m->r, &m->n, &m->agg, e);
  for (size_t i = 0; !rc && i < m->n; i++) m->shown += m->r[i].shown && m->r[i].total >= 0;
  return rc;
}

static void aggregate(WebCtx *c, const Members *m) {
  Buf *b = &c->resp->body;
  if (m->agg.shown)
    html_printf(b, "<p class=\"big-line\">Gjennomsnitt <strong>%s</strong> for %zu organisasjoner (median %s; "
                   "halvparten ligger mellom %s og %s).</p>", assess_web_pct(c->a, m->agg.stats.mean), m->agg.n,
                assess_web_pct(c->a, m->agg.stats.median), assess_web_pct(c->a, m->agg.stats.p25),
                assess_web_pct(c->a, m->agg.stats.p75));
  else
    assess_web_k_note(b, m->agg.n);
}

static int by_total_desc(const void *x, const void *y) {
  double a = ((const AssessOrgScore *)x)->total, b = ((const AssessOrgScore *)y)->total;
  return a < b ? 1 : a > b ? -1 : 0;
}

/* One bar per organisation that shares its score. */
static void org_bars(WebCtx *c, const Members *m) {
  AssessOrgScore *v = arena_alloc(c->a, (m->shown ? m->shown : 1) * sizeof *v);
  SvgBar *bars = arena_alloc(c->a, (m->shown ? m->shown : 1) * sizeof *bars);
  if (!v || !bars) return;
  size_t k = 0;
  for (size_t i = 0; i < m->n; i++)
    if (m->r[i].shown && m->r[i].total >= 0) v[k++] = m->r[i];
  qsort(v, k, sizeof *v, by_total_desc);
  Buf desc;
  buf_init(&desc, 1 << 16);
  for (size_t i = 0; i < k; i++) {
    bars[i] = (SvgBar){v[i].name, v[i].total, -1, assess_web_pct(c->a, v[i].total)};
    buf_printf(&desc, "%s%s: %s", i ? "; " : "", v[i].name, bars[i].value_text);
  }
  SvgChart ch = {"medlemmer", "Modenhet per organisasjon som deler oversiktstall", buf_cstr(&desc), NULL};
  svg_bars(&c->resp->body, &ch, bars, k);
  buf_free(&desc);
}

/* Mean per population band over the organisations shown, each band only
 * with at least POLICY_K_MIN of them. */
static void band_bars(WebCtx *c, const Members *m) {
  SvgBar bars[16];
  size_t nb = assess_pop_nbands < 16 ? assess_pop_nbands : 16, full = 0;
  for (size_t k = 0; k < nb; k++) {
    size_t cnt = 0;
    for (size_t i = 0; i < m->n; i++)
      cnt += m->r[i].shown && m->r[i].total >= 0 && assess_pop_band(m->r[i].population) == (int)k;
    full += policy_aggregate_allowed(cnt);
  }
  if (!full) {
    html_printf(&c->resp->body, "<p class=\"k-note\">Ingen innbyggergruppe har minst %d medlemmer som deler "
                                "oversiktstall og har innbyggertall registrert, så sammenligningen vises ikke.</p>",
                POLICY_K_MIN);
    return;
  }
  Buf desc;
  buf_init(&desc, 1 << 14);
  for (size_t k = 0; k < nb; k++) {
    double sum = 0;
    size_t cnt = 0;
    for (size_t i = 0; i < m->n; i++)
      if (m->r[i].shown && m->r[i].total >= 0 && assess_pop_band(m->r[i].population) == (int)k)
        sum += m->r[i].total, cnt++;
    int ok = policy_aggregate_allowed(cnt);
    bars[k].label = arena_printf(c->a, "%s (%zu)", assess_pop_bands[k].name, cnt);
    bars[k].value = ok ? sum / (double)cnt : -1;
    bars[k].mark = -1;
    bars[k].value_text = ok ? assess_web_pct(c->a, sum / (double)cnt) : "for få";
    buf_printf(&desc, "%s%s: %s", k ? "; " : "", bars[k].label, bars[k].value_text);
  }
  SvgChart ch = {"bandsnitt", "Gjennomsnitt per innbyggergruppe", buf_cstr(&desc), NULL};
  svg_bars(&c->resp->body, &ch, bars, nb);
  buf_free(&desc);
  html_printf(&c->resp->body, "<p class=\"hint\">Tallet i parentes er hvor mange som deler oversiktstall i "
                              "gruppen. Grupper med færre enn %d vises ikke.</p>", POLICY_K_MIN);
}

static void member_table(WebCtx *c, const Members *m) {
  Buf *b = &c->resp->body;
  html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Organisasjon</th><th scope=\"col\">"
              "Innbyggere</th><th scope=\"col\">Modenhet</th><th scope=\"col\">Sist fullført</th></tr></thead><tbody>");
  for (size_t i = 0; i < m->n; i++) {
    const AssessOrgScore *r = &m->r[i];
    const char *score = !r->shown ? "deler ikke enkelttall" : r->total < 0 ? "ingen fullført vurdering"
                                                                          : assess_web_pct(c->a, r->total);
    html_printf(b, "<tr><th scope=\"row\"><a href=\"/org/%lld\">%s</a></th><td>%s</td><td>%s</td><td>%s</td></tr>",
                (long long)r->org_id, r->name, r->population >= 0 ? arena_printf(c->a, "%lld", r->population) : "–",
                score, r->shown ? assess_web_date(c->a, r->at) : "–");
  }
  if (!m->n) html_raw(b, "<tr><td colspan=\"4\">Ingen medlemmer.</td></tr>");
  html_raw(b, "</tbody></table></div>");
}

static void distribution(WebCtx *c, const Members *m) {
  const AssessFramework *fw = NULL;
  AssessItemDistRow *v = NULL;
  size_t n = 0;
  Err e = {0};
  if (assess_store_fw_load(c->db, m->fw_id, 0, &fw, &e)) return;
  int min = fw->scale.min, nl = fw->scale.max - fw->scale.min + 1;
  assess_store_fw_release(fw);
  if (assess_store_item_distributions(c->db, &c->p, c->org_id, m->fw_id, c->a, &v, &n, &e)) return;
  Buf *b = &c->resp->body;
  html_raw(b, "<section class=\"card\"><h2>Fordeling per punkt</h2><p class=\"hint\">Hvor mange som har "
              "svart hvert nivå. Vises bare der minst 5 organisasjoner teller med.</p><div class=\"table-wrap\">"
              "<table class=\"dist\"><thead><tr><th scope=\"col\">Punkt</th>");
  for (int l = 0; l < nl; l++) html_printf(b, "<th scope=\"col\">%d</th>", min + l);
  html_raw(b, "<th scope=\"col\">Ikke relevant</th></tr></thead><tbody>");
  for (size_t i = 0; i < n; i++) {
    html_printf(b, "<tr><th scope=\"row\">%s %s</th>", v[i].ref_id, v[i].name);
    if (!v[i].d.shown) {
      html_printf(b, "<td colspan=\"%d\">for få svar</td></tr>", nl + 1);
      continue;
    }
    for (int l = 0; l < nl && l < 16; l++) html_printf(b, "<td>%zu</td>", v[i].d.counts[l]);
    html_printf(b, "<td>%zu</td></tr>", v[i].d.na);
  }
  html_raw(b, "</tbody></table></div></section>");
}

static void campaigns(WebCtx *c) {
  if (!web_may(c, POLICY_READ, c->org_id)) return;
  AssessCampaign *v = NULL;
  size_t n = 0;
  Err e = {0};
  if (assess_campaign_list_sent(c->db, &c->p, c->org_id, c->a, &v, &n, &e) || !n) return;
  Buf *b = &c->resp->body;
  html_raw(b, "<section class=\"card\"><h2>Kampanjer</h2><ul>");
  for (size_t i = 0; i < n; i++)
    html_printf(b, "<li><a href=\"/org/%lld/kampanjer/%lld\">%s</a>: %zu av %zu fullført, %zu forsinket (frist %s)</li>",
                (long long)c->org_id, (long long)v[i].id, v[i].title, v[i].n_done, v[i].n_recipients, v[i].n_late,
                assess_web_ymd(c->a, v[i].deadline));
  html_raw(b, "</ul></section>");
}

static void fw_choice(WebCtx *c, int64_t cur) {
  AssessFwInfo *v = NULL;
  size_t n = 0;
  Err e = {0};
  if (assess_store_fw_list(c->db, c->a, &v, &n, &e) || n < 2) return;
  Buf *b = &c->resp->body;
  html_printf(b, "<form class=\"inline\" method=\"get\" action=\"/org/%lld/modenhet\"><div><label "
                 "for=\"fwsel\">Rammeverk</label><select id=\"fwsel\" name=\"rammeverk\">", (long long)c->org_id);
  for (size_t i = 0; i < n; i++)
    if (v[i].latest)
      html_printf(b, "<option value=\"%lld\"%s>%s</option>", (long long)v[i].id, v[i].id == cur ? " selected" : "",
                  v[i].name);
  html_raw(b, "</select></div><button type=\"submit\">Vis</button></form>");
}

static void members_body(WebCtx *c) {
  Members m;
  Err e = {0};
  if (load(c, &m, &e)) {
    web_error_err(c, &e);
    return;
  }
  Buf *b = &c->resp->body;
  html_printf(b, "<h1>Medlemmenes modenhet</h1><p>%s. Hver organisasjon bestemmer selv hva den deler: "
                 "enkelttall vises bare for dem som deler oversiktstall, og totaler bare når minst %d teller med.</p>",
              m.fi->name, POLICY_K_MIN);
  fw_choice(c, m.fw_id);
  html_raw(b, "<section class=\"card\"><h2>Samlet</h2>");
  aggregate(c, &m);
  if (m.shown && m.shown <= MAX_ORG_BARS) org_bars(c, &m);
  html_raw(b, "</section><section class=\"card\"><h2>Sammenlignet etter innbyggertall</h2>");
  band_bars(c, &m);
  html_raw(b, "</section><section class=\"card\"><h2>Per organisasjon</h2>");
  member_table(c, &m);
  html_raw(b, "</section>");
  html_printf(b, "<p><a href=\"/org/%lld/modenhet/fordeling%s%s\">Fordeling per punkt</a></p>",
              (long long)c->org_id, web_query(c, "rammeverk") ? "?rammeverk=" : "",
              web_query(c, "rammeverk") ? web_query(c, "rammeverk") : "");
  campaigns(c);
}

static void get_members(WebCtx *c) {
  web_page_begin(c, "Medlemmenes modenhet");
  assess_web_cached(c, "members", members_body);
  if (c->resp->status == 200) web_page_end(c);
}

/* The distribution per item: one query per item, so a page of its own. */
static void distribution_body(WebCtx *c) {
  Members m;
  Err e = {0};
  if (load(c, &m, &e)) {
    web_error_err(c, &e);
    return;
  }
  html_printf(&c->resp->body, "<p class=\"crumbs\"><a href=\"/org/%lld/modenhet\">Medlemmenes modenhet</a></p>"
                              "<h1>Fordeling per punkt</h1><p>%s.</p>", (long long)c->org_id, m.fi->name);
  distribution(c, &m);
}

static void get_distribution(WebCtx *c) {
  web_page_begin(c, "Fordeling per punkt");
  assess_web_cached(c, "distribution", distribution_body);
  if (c->resp->status == 200) web_page_end(c);
}

/* Only organisations that have members: the national centre and regions. */
static int has_members(WebCtx *c) {
  Org o;
  Err e = {0};
  return !org_get(c->db, c->org_id, &o, &e) && (o.kind == ORG_NATIONAL || o.kind == ORG_REGION);
}

static void section_members(WebCtx *c) {
  Members m;
  Err e = {0};
  if (!has_members(c) || load(c, &m, &e) || !m.n) return;
  Buf *b = &c->resp->body;
  html_printf(b, "<section class=\"card dash\" id=\"medlemmer\"><h2>Medlemmenes modenhet</h2><p>%s, %zu "
                 "medlemmer.</p>", m.fi->name, m.n);
  aggregate(c, &m);
  html_printf(b, "<p><a href=\"/org/%lld/modenhet\">Se alle medlemmer, fordeling og kampanjer</a></p></section>",
              (long long)c->org_id);
}

static void cached_members(WebCtx *c) { assess_web_cached(c, "members-section", section_members); }

static const WebRoute routes[] = {
    {"GET", "/org/{org}/modenhet", get_members, POLICY_ORG_VIEW, 0},
    {"GET", "/org/{org}/modenhet/fordeling", get_distribution, POLICY_ORG_VIEW, 0},
    {NULL, NULL, NULL, 0, 0},
};


void assess_web_routes_region(void) {
  web_register_routes(routes);
  web_register_section(&(WebSection){"Medlemmenes modenhet", cached_members, POLICY_ORG_VIEW, 18});
}
