/* web.c — the inventory's pages: registration (routes, navigation, the
 * dashboard section), the overview, and each kind's list with its add form.
 * The route prologue has already asked the policy about {org}. */
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "inventory/web_int.h"
#include "policy/policy.h"

static const char *const segs[INV_NKINDS] = {"tjenester", "systemer", "programvare", "maskiner", "leverandorer"};
static const char *const titles[INV_NKINDS] = {"Tjenester", "Systemer", "Programvare", "Maskiner", "Leverandører"};

const char *invw_seg(InvKind k) { return (unsigned)k < INV_NKINDS ? segs[k] : ""; }
const char *invw_title(InvKind k) { return (unsigned)k < INV_NKINDS ? titles[k] : ""; }

InvKind invw_kind(const WebCtx *c) {
  const char *p = strstr(c->route->pattern, "/inventar/");
  for (int k = 0; p && k < INV_NKINDS; k++) {
    size_t n = strlen(segs[k]);
    if (!strncmp(p + 10, segs[k], n) && (p[10 + n] == '/' || !p[10 + n])) return (InvKind)k;
  }
  return INV_SERVICE;
}

const char *invw_href(WebCtx *c, InvKind k, int64_t id) {
  if (!id) return arena_printf(c->a, "/org/%lld/inventar/%s", (long long)c->org_id, invw_seg(k));
  return arena_printf(c->a, "/org/%lld/inventar/%s/%lld", (long long)c->org_id, invw_seg(k), (long long)id);
}

void invw_redirect(WebCtx *c, InvKind k, int64_t id, const char *ok) {
  const char *base = invw_href(c, k, id);
  http_resp_redirect(c->resp, ok ? arena_printf(c->a, "%s?ok=%s", base, ok) : base);
}

void invw_flash(WebCtx *c) {
  static const struct { const char *k, *msg; } msgs[] = {
      {"lagret", "Lagret."}, {"slettet", "Slettet."}, {"lagt-til", "Avhengigheten er lagt til."},
      {"fjernet", "Avhengigheten er fjernet."}, {"bekreftet", "Omfanget er bekreftet og kan skannes."}};
  const char *ok = web_query(c, "ok");
  for (size_t i = 0; ok && i < sizeof msgs / sizeof msgs[0]; i++)
    if (!strcmp(ok, msgs[i].k)) html_printf(&c->resp->body, "<p class=\"notice\" role=\"status\">%s</p>", msgs[i].msg);
}

/* One link of the sub-navigation; the current page is marked for screen readers. */
static void tab(Buf *b, const char *href, const char *label, int current) {
  html_printf(b, "<a href=\"%s\"", href);
  if (current) html_raw(b, " aria-current=\"page\"");
  html_printf(b, ">%s</a>", label);
}

void invw_subnav(WebCtx *c, const char *current) {
  Buf *b = &c->resp->body;
  long long o = (long long)c->org_id;
  html_raw(b, "<nav class=\"actions\" aria-label=\"Inventar\">");
  tab(b, arena_printf(c->a, "/org/%lld/inventar", o), "Oversikt", !strcmp(current, ""));
  for (int k = 0; k < INV_NKINDS; k++) tab(b, invw_href(c, (InvKind)k, 0), titles[k], !strcmp(current, segs[k]));
  static const char *const extra[][2] = {{"konsekvens", "Konsekvens"}, {"omfang", "Skanneomfang"}, {"import", "Import"}};
  for (int i = 0; i < 3; i++)
    tab(b, arena_printf(c->a, "/org/%lld/inventar/%s", o, extra[i][0]), extra[i][1], !strcmp(current, extra[i][0]));
  html_printf(b, "<a href=\"/org/%lld/inventar.csv\">Last ned CSV</a></nav>", o);
}

/* ---- lists ---- */

static const char *crit_label(int c) {
  static const char *const l[] = {"", "1 lav", "2", "3 middels", "4 høy", "5 kritisk"};
  return c >= 1 && c <= 5 ? l[c] : "";
}

static const char *hosting_label(const char *h) {
  if (!strcmp(h, "onprem")) return "Egen drift";
  if (!strcmp(h, "cloud")) return "Sky (IaaS/PaaS)";
  if (!strcmp(h, "saas")) return "SaaS";
  return "Ukjent";
}

static void list_head(Buf *b, const char *const *cols) {
  html_raw(b, "<div class=\"table-wrap\"><table><thead><tr>");
  for (; *cols; cols++) html_printf(b, "<th scope=\"col\">%s</th>", *cols);
  html_raw(b, "</tr></thead><tbody>");
}

static int list_rows(WebCtx *c, InvKind k, Err *e) {
  Buf *b = &c->resp->body;
  size_t n = 0;
  if (k == INV_SERVICE) {
    InvService *x;
    if (inv_service_list(c->db, c->a, c->org_id, &x, &n, e)) return e->code;
    list_head(b, (const char *const[]){"Navn", "Kritikalitet", "Samfunnskritisk", NULL});
    for (size_t i = 0; i < n; i++)
      html_printf(b, "<tr><td><a href=\"%s\">%s</a></td><td>%s</td><td>%s</td></tr>", invw_href(c, k, x[i].id),
                  x[i].name, crit_label(x[i].criticality), x[i].critical_function ? "ja" : "nei");
  } else if (k == INV_SYSTEM) {
    InvSystem *x;
    if (inv_system_list(c->db, c->a, c->org_id, &x, &n, e)) return e->code;
    list_head(b, (const char *const[]){"Navn", "Eier", "Leverandør", "Drift", "Dataland", NULL});
    for (size_t i = 0; i < n; i++)
      html_printf(b, "<tr><td><a href=\"%s\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
                  invw_href(c, k, x[i].id), x[i].name, x[i].owner, x[i].supplier_name, hosting_label(x[i].hosting),
                  x[i].data_country);
  } else if (k == INV_PRODUCT) {
    InvProduct *x;
    if (inv_product_list(c->db, c->a, c->org_id, &x, &n, e)) return e->code;
    list_head(b, (const char *const[]){"Navn", "Versjon", "CPE / purl", "Støtteslutt", NULL});
    for (size_t i = 0; i < n; i++)
      html_printf(b, "<tr><td><a href=\"%s\">%s</a></td><td>%s</td><td><code>%s</code></td><td>%s%s</td></tr>",
                  invw_href(c, k, x[i].id), x[i].name, x[i].version, *x[i].cpe ? x[i].cpe : x[i].purl,
                  x[i].eol_date, x[i].eol ? " (utløpt)" : "");
  } else if (k == INV_HOST) {
    InvHost *x;
    if (inv_host_list(c->db, c->a, c->org_id, &x, &n, e)) return e->code;
    list_head(b, (const char *const[]){"Navn", "Adresser", "Internettvendt", NULL});
    for (size_t i = 0; i < n; i++)
      html_printf(b, "<tr><td><a href=\"%s\">%s</a></td><td>%s</td><td>%s</td></tr>", invw_href(c, k, x[i].id),
                  x[i].name, x[i].addresses, x[i].internet_facing ? "ja" : "nei");
  } else {
    InvSupplier *x;
    if (inv_supplier_list(c->db, c->a, c->org_id, &x, &n, e)) return e->code;
    list_head(b, (const char *const[]){"Navn", "Orgnr.", "Kontakt", NULL});
    for (size_t i = 0; i < n; i++)
      html_printf(b, "<tr><td><a href=\"%s\">%s</a></td><td>%s</td><td>%s</td></tr>", invw_href(c, k, x[i].id),
                  x[i].name, x[i].orgnr, x[i].contact);
  }
  if (!n) html_raw(b, "<tr><td colspan=\"5\">Ingen ennå.</td></tr>");
  html_raw(b, "</tbody></table></div>");
  return 0;
}

static void render_list(WebCtx *c, int status, const char *error) {
  InvKind k = invw_kind(c);
  Buf *b = &c->resp->body;
  Err e = {0};
  buf_reset(b);
  c->resp->status = status;
  web_page_begin(c, invw_title(k));
  html_printf(b, "<h1>%s</h1>", invw_title(k));
  invw_subnav(c, invw_seg(k));
  invw_flash(c);
  if (list_rows(c, k, &e)) {
    web_error_err(c, &e);
    return;
  }
  if (web_may(c, POLICY_WRITE, c->org_id)) {
    html_printf(b, "<section class=\"card\"><h2>Legg til %s</h2>", inv_kind_label(k));
    if (error) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", error);
    html_printf(b, "<form class=\"stack\" method=\"post\" action=\"%s\">", invw_href(c, k, 0));
    web_csrf_field(c);
    invw_form_fields(c, k, 0);
    html_raw(b, "<div><button type=\"submit\">Legg til</button></div></form></section>");
  }
  web_page_end(c);
}

static void get_list(WebCtx *c) { render_list(c, 200, NULL); }

static void post_create(WebCtx *c) {
  InvKind k = invw_kind(c);
  int64_t id = 0;
  Err e = {0};
  int rc = invw_form_save(c, k, &id, &e);
  if (rc == VERR_INVALID || rc == VERR_CONFLICT || rc == VERR_NOTFOUND) render_list(c, 400, e.msg);
  else if (rc) web_error_err(c, &e);
  else invw_redirect(c, k, id, "lagret");
}

/* ---- overview ---- */

static void count_line(WebCtx *c, const char *sql, const char *label, const char *href) {
  int64_t n = 0;
  Err e = {0};
  db_int(c->db, &e, &n, sql, "l", c->org_id);
  html_printf(&c->resp->body, "<dt><a href=\"%s\">%s</a></dt><dd>%lld</dd>", href, label, (long long)n);
}

static void overview_counts(WebCtx *c) {
  html_raw(&c->resp->body, "<dl class=\"grid\">");
  static const char *const q[INV_NKINDS] = {
      "SELECT count(*) FROM inv_services WHERE org_id = ?", "SELECT count(*) FROM inv_systems WHERE org_id = ?",
      "SELECT count(*) FROM inv_products WHERE org_id = ?", "SELECT count(*) FROM inv_hosts WHERE org_id = ?",
      "SELECT count(*) FROM inv_suppliers WHERE org_id = ?"};
  for (int k = 0; k < INV_NKINDS; k++) count_line(c, q[k], titles[k], invw_href(c, (InvKind)k, 0));
  html_raw(&c->resp->body, "</dl>");
}

static void eol_list(WebCtx *c) {
  InvProduct *p;
  size_t n = 0, shown = 0;
  Err e = {0};
  Buf *b = &c->resp->body;
  if (inv_product_list(c->db, c->a, c->org_id, &p, &n, &e)) return;
  html_raw(b, "<section class=\"card\"><h2>Programvare uten leverandørstøtte</h2><ul>");
  for (size_t i = 0; i < n; i++)
    if (p[i].eol) {
      html_printf(b, "<li><a href=\"%s\">%s</a> — støtten tok slutt %s</li>", invw_href(c, INV_PRODUCT, p[i].id),
                  p[i].name, p[i].eol_date);
      shown++;
    }
  if (!shown) html_raw(b, "<li>Ingen kjente.</li>");
  html_raw(b, "</ul></section>");
}

static void get_overview(WebCtx *c) {
  Buf *b = &c->resp->body;
  web_page_begin(c, "Inventar");
  html_raw(b, "<h1>Inventar</h1>");
  invw_subnav(c, "");
  html_raw(b, "<section class=\"card\"><h2>Innhold</h2>");
  overview_counts(c);
  html_raw(b, "</section>");
  eol_list(c);
  web_page_end(c);
}

/* Dashboard section: counts and the end-of-life warning. */
void invw_section(WebCtx *c) {
  InvProduct *p;
  size_t n = 0, eol = 0;
  Err e = {0};
  Buf *b = &c->resp->body;
  if (inv_product_list(c->db, c->a, c->org_id, &p, &n, &e)) return;
  for (size_t i = 0; i < n; i++) eol += p[i].eol;
  html_printf(b, "<section class=\"card\"><h2>Inventar</h2><p>%zu programvareprodukter, %zu uten "
                 "leverandørstøtte.</p><p><a href=\"/org/%lld/inventar\">Til inventaret</a></p></section>",
              n, eol, (long long)c->org_id);
}

#define KIND_ROUTES(seg)                                                                              \
  {"GET", "/org/{org}/inventar/" seg, get_list, POLICY_READ, 0},                                      \
  {"POST", "/org/{org}/inventar/" seg, post_create, POLICY_WRITE, WEB_CSRF},                          \
  {"GET", "/org/{org}/inventar/" seg "/{id}", invw_get_object, POLICY_READ, 0},                       \
  {"POST", "/org/{org}/inventar/" seg "/{id}", invw_post_object, POLICY_WRITE, WEB_CSRF},             \
  {"POST", "/org/{org}/inventar/" seg "/{id}/fjern", invw_post_delete, POLICY_WRITE, WEB_CSRF},       \
  {"POST", "/org/{org}/inventar/" seg "/{id}/avhengighet", invw_post_dep, POLICY_WRITE, WEB_CSRF}

static const WebRoute routes[] = {
    {"GET", "/org/{org}/inventar", get_overview, POLICY_READ, 0},
    {"GET", "/org/{org}/inventar.csv", invw_get_csv, POLICY_READ, 0},
    KIND_ROUTES("tjenester"),
    KIND_ROUTES("systemer"),
    KIND_ROUTES("programvare"),
    KIND_ROUTES("maskiner"),
    KIND_ROUTES("leverandorer"),
    {"POST", "/org/{org}/inventar/avhengighet/{id}/fjern", invw_post_dep_remove, POLICY_WRITE, WEB_CSRF},
    {"GET", "/org/{org}/inventar/konsekvens", invw_get_impact, POLICY_READ, 0},
    {"GET", "/org/{org}/inventar/omfang", invw_get_scope, POLICY_READ, 0},
    {"POST", "/org/{org}/inventar/omfang", invw_post_scope, POLICY_WRITE, WEB_CSRF},
    {"POST", "/org/{org}/inventar/omfang/{id}/bekreft", invw_post_scope_confirm, POLICY_SCOPE_CONFIRM, WEB_CSRF},
    {"POST", "/org/{org}/inventar/omfang/{id}/fjern", invw_post_scope_delete, POLICY_WRITE, WEB_CSRF},
    {"GET", "/org/{org}/inventar/import", invw_get_import, POLICY_WRITE, 0},
    {"POST", "/org/{org}/inventar/import", invw_post_import, POLICY_WRITE, WEB_CSRF},
    {NULL, NULL, NULL, 0, 0},
};

void inventory_web_init(void) {
  web_register_routes(routes);
  web_register_routes(inv_api_routes);
  web_register_nav(&(WebNav){"Inventar", "/inventar", POLICY_READ, 30});
  web_register_section(&(WebSection){"Inventar", invw_section, POLICY_READ, 30});
}
