/* web_object.c — one inventory object's page: its fields (edit form), what
 * it depends on and what depends on it (with add and remove), what stops if
 * it fails, and deletion. {id} is checked to belong to {org} by the store. */
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "inventory/web_int.h"
#include "policy/policy.h"

static void dep_table(WebCtx *c, const InvDep *d, size_t n, int outgoing, int can_write) {
  Buf *b = &c->resp->body;
  html_printf(b, "<h3>%s</h3>", outgoing ? "Avhenger av" : "Brukes av");
  html_raw(b, "<ul>");
  size_t shown = 0;
  for (size_t i = 0; i < n; i++) {
    InvKind k = outgoing ? d[i].to_kind : d[i].from_kind;
    int64_t id = outgoing ? d[i].to_id : d[i].from_id;
    const char *name = outgoing ? d[i].to_name : d[i].from_name;
    if ((outgoing && (d[i].from_kind != invw_kind(c) || d[i].from_id != c->args[0])) ||
        (!outgoing && (d[i].to_kind != invw_kind(c) || d[i].to_id != c->args[0])))
      continue;
    shown++;
    html_printf(b, "<li>%s <a href=\"%s\">%s</a>", inv_kind_label(k), invw_href(c, k, id), name);
    if (can_write) {
      html_printf(b, " <form class=\"inline\" method=\"post\" action=\"/org/%lld/inventar/avhengighet/%lld/fjern\">",
                  (long long)c->org_id, (long long)d[i].id);
      web_csrf_field(c);
      html_printf(b, "<button type=\"submit\" class=\"danger\" aria-label=\"Fjern avhengigheten til %s\">Fjern</button>"
                     "</form>", name);
    }
    html_raw(b, "</li>");
  }
  if (!shown) html_raw(b, "<li>Ingen.</li>");
  html_raw(b, "</ul>");
}

/* A select of every object this kind may depend on: value "kind:id". */
static void dep_form(WebCtx *c, InvKind from) {
  Buf *b = &c->resp->body;
  html_printf(b, "<form class=\"inline\" method=\"post\" action=\"%s/avhengighet\">", invw_href(c, from, c->args[0]));
  web_csrf_field(c);
  html_raw(b, "<div><label for=\"dep-to\">Legg til avhengighet</label><select id=\"dep-to\" name=\"til\">");
  for (int k = 0; k < INV_NKINDS; k++) {
    if (!inv__dep_allowed(from, (InvKind)k)) continue;
    html_printf(b, "<optgroup label=\"%s\">", invw_title((InvKind)k));
    DbStmt *st;
    Err e = {0};
    const char *sql = arena_printf(c->a, "SELECT id, name FROM %s WHERE org_id = ? ORDER BY name", inv__table((InvKind)k));
    if (sql && !db_query(c->db, &st, &e, sql, "l", c->org_id)) {
      while (db_step(st, &e) == DB_ROW)
        if (!(k == (int)from && db_col_int(st, 0) == c->args[0]))
          html_printf(b, "<option value=\"%s:%lld\">%s</option>", inv_kind_name((InvKind)k),
                      (long long)db_col_int(st, 0), db_col_text(st, 1));
      db_finalize(st);
    }
    html_raw(b, "</optgroup>");
  }
  html_raw(b, "</select></div><button type=\"submit\">Legg til</button></form>");
}

static void impact_summary(WebCtx *c, InvKind k) {
  InvImpact im;
  Err e = {0};
  Buf *b = &c->resp->body;
  if (k == INV_SERVICE || inv_impact(c->db, c->a, c->org_id, k, c->args[0], &im, &e)) return;
  html_printf(b, "<section class=\"card\"><h2>Hvis dette faller ut</h2><p>%zu tjenester stopper, %zu av dem "
                 "kritiske. <a href=\"/org/%lld/inventar/konsekvens?type=%s&amp;id=%lld\">Se hele "
                 "konsekvensanalysen</a></p></section>",
              im.nsvc, im.ncritical, (long long)c->org_id, inv_kind_name(k), (long long)c->args[0]);
}

static int exposure_cb(const InvMatchItem *it, void *ctx) {
  *(InvMatchItem *)ctx = *it;
  return 0;
}

/* For a product: what the vulnerability priority will see (exposure and the
 * services behind it). */
static void product_exposure(WebCtx *c) {
  InvMatchItem it = {0};
  Err e = {0};
  if (inv_match_items(c->db, c->org_id, c->args[0], exposure_cb, &it, &e)) return;
  html_printf(&c->resp->body, "<section class=\"card\"><h2>Eksponering</h2><dl class=\"grid\"><dt>Kjører på en maskin "
                              "som nås fra internett</dt><dd>%s</dd><dt>Tjenester som avhenger av den</dt><dd>%zu</dd>"
                              "<dt>Høyeste kritikalitet blant dem</dt><dd>%d%s</dd></dl></section>",
              it.internet ? "ja" : "nei", it.nservices, it.criticality, it.critical_function ? " (samfunnskritisk)" : "");
}

static void render_object(WebCtx *c, int status, const char *error) {
  InvKind k = invw_kind(c);
  Err e = {0};
  Buf *b = &c->resp->body;
  const char *name = inv_object_name(c->db, c->a, c->org_id, k, c->args[0]);
  InvDep *d = NULL;
  size_t n = 0;
  if (!*name) {
    web_error(c, 404, "Fant ikke objektet.");
    return;
  }
  if (inv_dep_list(c->db, c->a, c->org_id, k, c->args[0], &d, &n, &e)) {
    web_error_err(c, &e);
    return;
  }
  int w = web_may(c, POLICY_WRITE, c->org_id);
  buf_reset(b);
  c->resp->status = status;
  web_page_begin(c, name);
  html_printf(b, "<p><a href=\"%s\">%s</a></p><h1>%s</h1>", invw_href(c, k, 0), invw_title(k), name);
  invw_flash(c);
  if (error) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", error);
  html_raw(b, "<section class=\"card\"><h2>Opplysninger</h2>");
  invw_form_values(c, k, c->args[0]);
  html_raw(b, "</section>");
  if (w) {
    html_printf(b, "<section class=\"card no-print\"><h2>Endre</h2><form class=\"stack\" method=\"post\" "
                   "action=\"%s\">", invw_href(c, k, c->args[0]));
    web_csrf_field(c);
    invw_form_fields(c, k, c->args[0]);
    html_raw(b, "<div><button type=\"submit\">Lagre</button></div></form></section>");
  }
  html_raw(b, "<section class=\"card\"><h2>Avhengigheter</h2>");
  dep_table(c, d, n, 1, w);
  dep_table(c, d, n, 0, w);
  if (w && k != INV_HOST && k != INV_SUPPLIER) dep_form(c, k);
  html_raw(b, "</section>");
  if (k == INV_PRODUCT) product_exposure(c);
  impact_summary(c, k);
  if (w) {
    html_printf(b, "<form method=\"post\" action=\"%s/fjern\">", invw_href(c, k, c->args[0]));
    web_csrf_field(c);
    html_printf(b, "<button type=\"submit\" class=\"danger\">Slett %s</button></form>", inv_kind_label(k));
  }
  web_page_end(c);
}

void invw_get_object(WebCtx *c) { render_object(c, 200, NULL); }

void invw_post_object(WebCtx *c) {
  InvKind k = invw_kind(c);
  int64_t id = c->args[0];
  Err e = {0};
  int rc = invw_form_save(c, k, &id, &e);
  if (rc == VERR_NOTFOUND) web_error(c, 404, "Fant ikke objektet.");
  else if ((rc == VERR_INVALID || rc == VERR_CONFLICT) && inv__exists(c->db, c->org_id, k, id, &e) == 1)
    render_object(c, 400, e.msg);
  else if (rc == VERR_INVALID || rc == VERR_CONFLICT) web_error(c, 400, e.msg);
  else if (rc) web_error_err(c, &e);
  else invw_redirect(c, k, id, "lagret");
}

void invw_post_delete(WebCtx *c) {
  InvKind k = invw_kind(c);
  Err e = {0};
  if (inv_delete(c->db, &c->p, c->org_id, k, c->args[0], &e)) web_error_err(c, &e);
  else invw_redirect(c, k, 0, "slettet");
}

/* "kind:id" from the form; 0 or -1. */
static int parse_target(const char *s, InvKind *k, int64_t *id) {
  const char *colon = strchr(s, ':');
  if (!colon || colon - s > 16) return -1;
  char kn[17];
  memcpy(kn, s, (size_t)(colon - s));
  kn[colon - s] = '\0';
  char *end;
  *id = strtoll(colon + 1, &end, 10);
  return inv_kind_parse(kn, k) || *end || *id <= 0 ? -1 : 0;
}

void invw_post_dep(WebCtx *c) {
  InvKind from = invw_kind(c), to;
  int64_t tid;
  Err e = {0};
  if (parse_target(web_form(c, "til"), &to, &tid)) {
    web_error(c, 400, "Velg hva det avhenger av.");
    return;
  }
  int rc = inv_dep_add(c->db, &c->p, c->org_id, from, c->args[0], to, tid, &e);
  if (rc) web_error_err(c, &e);
  else invw_redirect(c, from, c->args[0], "lagt-til");
}

void invw_post_dep_remove(WebCtx *c) {
  Err e = {0};
  InvDep *d = NULL;
  size_t n = 0;
  /* Back to the page of the object it left from, if it still exists. */
  InvKind k = INV_SERVICE;
  int64_t from = 0;
  if (!inv_dep_list(c->db, c->a, c->org_id, INV_SERVICE, 0, &d, &n, &e))
    for (size_t i = 0; i < n; i++)
      if (d[i].id == c->args[0]) {
        k = d[i].from_kind;
        from = d[i].from_id;
      }
  if (inv_dep_remove(c->db, &c->p, c->org_id, c->args[0], &e)) web_error_err(c, &e);
  else invw_redirect(c, k, from, "fjernet");
}
