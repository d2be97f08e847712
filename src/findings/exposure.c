/* exposure.c — the regional and national picture: how many organisations
 * below this one have an active finding of a known exploited (KEV)
 * vulnerability. Totals only over organisations that share at aggregate
 * level or more, and only when there are at least POLICY_K_MIN of them;
 * names only for those that share at summary level. */
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "db/db.h"
#include "findings/web_int.h"
#include "html/html.h"
#include "policy/policy.h"

/* Descendants of org (not org itself) that run services and so have
 * inventories — municipalities, counties, IKS — on which act is allowed. */
static int subtree_allowed(WebCtx *c, int act, int64_t **out, size_t *n, Err *e) {
  int64_t *ids = NULL;
  size_t na = 0;
  *out = NULL;
  *n = 0;
  int rc = policy_allowed_orgs(c->db, &c->p, act, &ids, &na, e);
  if (rc) return rc;
  int64_t *keep = arena_alloc(c->a, (na + 1) * sizeof *keep);
  for (size_t i = 0; keep && i < na; i++) {
    int64_t under = 0;
    Err qe = {0};
    db_int(c->db, &qe, &under,
           "WITH RECURSIVE up(id) AS (SELECT parent_id FROM organisations WHERE id = ?"
           " UNION SELECT o.parent_id FROM organisations o JOIN up ON o.id = up.id WHERE o.parent_id IS NOT NULL)"
           " SELECT count(*) FROM up WHERE id = ? AND (SELECT kind FROM organisations WHERE id = ?)"
           " IN ('municipality', 'county', 'iks')", "lll", ids[i], c->org_id, ids[i]);
    if (under) keep[(*n)++] = ids[i];
  }
  free(ids);
  *out = keep;
  return keep ? 0 : err_set(e, VERR_NOMEM, "tomt for minne");
}

static void totals(WebCtx *c, const int64_t *agg, size_t n) {
  Buf *b = &c->resp->body;
  FindExposure *x = NULL;
  size_t nx = 0;
  int64_t with_kev = 0;
  Err e = {0};
  if (find_exposure(c->db, c->a, agg, n, true, &x, &nx, &with_kev, &e)) return;
  html_printf(b, "<section class=\"card\"><h2>Kjent utnyttede sårbarheter (KEV)</h2><p><strong>%lld av %zu</strong> "
                 "kommuner, fylkeskommuner og IKS som deler tall, har minst ett aktivt funn med en KEV-listet "
                 "sårbarhet.</p>",
              (long long)with_kev, n);
  html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Sårbarhet</th>"
              "<th scope=\"col\">Organisasjoner</th></tr></thead><tbody>");
  size_t shown = 0;
  for (size_t i = 0; i < nx; i++) {
    if (!policy_aggregate_allowed((size_t)x[i].n_orgs)) continue;  /* small cells are not shown */
    html_printf(b, "<tr><td>%s</td><td>%lld</td></tr>", x[i].vuln_id, (long long)x[i].n_orgs);
    shown++;
  }
  if (!shown) html_printf(b, "<tr><td colspan=\"2\">Ingen sårbarhet er funnet hos %d eller flere.</td></tr>", POLICY_K_MIN);
  html_printf(b, "</tbody></table></div><p><a class=\"button\" href=\"/org/%lld/eksponering-kev.csv\">Last ned som "
                 "CSV</a></p></section>", (long long)c->org_id);
}

/* One organisation's row of the per-organisation table: its counts and
 * name (malloc'd). Non-zero when either cannot be read (the row is left out). */
static int org_row(WebCtx *c, int64_t id, FindCounts *k, char **name) {
  Err e = {0};
  return find_counts(c->db, id, k, &e) || db_text(c->db, &e, name, "SELECT name FROM organisations WHERE id = ?", "l", id);
}

static void named(WebCtx *c, const int64_t *ids, size_t n) {
  Buf *b = &c->resp->body;
  html_raw(b, "<section class=\"card\"><h2>Per organisasjon</h2><p class=\"muted\">Bare organisasjoner som deler "
              "sammendrag.</p><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Organisasjon</th>"
              "<th scope=\"col\">Aktive funn</th><th scope=\"col\">KEV</th><th scope=\"col\">Kritiske</th>"
              "<th scope=\"col\">Forfalte</th><th scope=\"col\">Bare navnetreff i KEV</th></tr></thead><tbody>");
  for (size_t i = 0; i < n; i++) {
    FindCounts k;
    char *name = NULL;
    if (org_row(c, ids[i], &k, &name)) continue;
    html_printf(b, "<tr><td>%s</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td></tr>",
                name ? name : "", (long long)k.active, (long long)k.kev, (long long)k.critical, (long long)k.overdue,
                (long long)k.named);
    free(name);
  }
  if (!n) html_raw(b, "<tr><td colspan=\"6\">Ingen organisasjoner deler sammendrag med dere.</td></tr>");
  html_printf(b, "</tbody></table></div><p><a class=\"button\" href=\"/org/%lld/eksponering.csv\">Last ned som "
                 "CSV</a></p></section>", (long long)c->org_id);
}

void find_web_exposure(WebCtx *c) {
  int64_t *agg = NULL, *sum = NULL;
  size_t na = 0, ns = 0;
  Err e = {0};
  if (subtree_allowed(c, POLICY_READ_AGGREGATE, &agg, &na, &e) || subtree_allowed(c, POLICY_READ_SUMMARY, &sum, &ns, &e)) {
    web_error_err(c, &e);
    return;
  }
  Buf *b = &c->resp->body;
  web_page_begin(c, "Eksponering");
  html_raw(b, "<h1>Eksponering under denne organisasjonen</h1>");
  if (policy_aggregate_allowed(na)) totals(c, agg, na);
  else
    html_printf(b, "<p class=\"card\">Tall vises bare når minst %d organisasjoner deler data; her deler %zu.</p>",
                POLICY_K_MIN, na);
  named(c, sum, ns);
  web_page_end(c);
}

/* ---- the same two tables as CSV (Norwegian Excel dialect), under the same
 * rules: KEV totals only over at least POLICY_K_MIN organisations that share
 * totals, rows per organisation only for those sharing summaries ---- */

static void csv_begin(WebCtx *c, CsvWriter *w, const char *name, const char *const *head, size_t n) {
  HttpResp *r = c->resp;
  r->content_type = "text/csv; charset=utf-8";
  const char *disp = arena_printf(c->a, "attachment; filename=\"%s-%lld.csv\"", name, (long long)c->org_id);
  if (disp) http_resp_header(r, "Content-Disposition", disp);
  csv_writer_init(w, &r->body, ';', CSV_DIALECT_EXCEL_NO);
  for (size_t i = 0; i < n; i++) csv_field(w, head[i]);
  csv_end_row(w);
}

void find_web_exposure_kev_csv(WebCtx *c) {
  static const char *const head[] = {"sårbarhet", "organisasjoner", "av_organisasjoner_som_deler_tall"};
  int64_t *agg = NULL, with_kev = 0;
  size_t na = 0, nx = 0;
  FindExposure *x = NULL;
  CsvWriter w;
  Err e = {0};
  if (subtree_allowed(c, POLICY_READ_AGGREGATE, &agg, &na, &e) ||
      (policy_aggregate_allowed(na) && find_exposure(c->db, c->a, agg, na, true, &x, &nx, &with_kev, &e))) {
    web_error_err(c, &e);
    return;
  }
  csv_begin(c, &w, "eksponering-kev", head, sizeof head / sizeof head[0]);
  for (size_t i = 0; policy_aggregate_allowed(na) && i < nx; i++) {
    if (!policy_aggregate_allowed((size_t)x[i].n_orgs)) continue;   /* small cells are not shown */
    csv_field(&w, x[i].vuln_id);
    csv_field_int(&w, x[i].n_orgs);
    csv_field_int(&w, (int64_t)na);
    csv_end_row(&w);
  }
}

void find_web_exposure_csv(WebCtx *c) {
  static const char *const head[] = {"organisasjon", "aktive_funn", "kev", "kritiske", "forfalte", "bare_navnetreff_kev"};
  int64_t *sum = NULL;
  size_t ns = 0;
  CsvWriter w;
  Err e = {0};
  if (subtree_allowed(c, POLICY_READ_SUMMARY, &sum, &ns, &e)) {
    web_error_err(c, &e);
    return;
  }
  csv_begin(c, &w, "eksponering", head, sizeof head / sizeof head[0]);
  for (size_t i = 0; i < ns; i++) {
    FindCounts k;
    char *name = NULL;
    if (org_row(c, sum[i], &k, &name)) continue;
    csv_field(&w, name);
    csv_field_int(&w, k.active);
    csv_field_int(&w, k.kev);
    csv_field_int(&w, k.critical);
    csv_field_int(&w, k.overdue);
    csv_field_int(&w, k.named);
    csv_end_row(&w);
    free(name);
  }
}
