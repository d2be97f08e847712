/* web_pages.c — the inventory's other pages: the impact view ("what stops
 * if this fails"), scan scope with the admin's confirmation, import with a
 * dry run, and the CSV export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "inventory/web_int.h"
#include "policy/policy.h"

/* ---- impact ---- */

static void impact_chooser(WebCtx *c, const char *cur_type, int64_t cur_id) {
  Buf *b = &c->resp->body;
  html_printf(b, "<form class=\"inline card\" method=\"get\" action=\"/org/%lld/inventar/konsekvens\">",
              (long long)c->org_id);
  html_raw(b, "<div><label for=\"imp-what\">Hva faller ut?</label><select id=\"imp-what\" name=\"valg\">");
  static const InvKind kinds[] = {INV_SYSTEM, INV_SUPPLIER, INV_HOST, INV_PRODUCT, INV_SERVICE};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    html_printf(b, "<optgroup label=\"%s\">", invw_title(kinds[i]));
    DbStmt *st;
    Err e = {0};
    const char *sql = arena_printf(c->a, "SELECT id, name FROM %s WHERE org_id = ? ORDER BY name", inv__table(kinds[i]));
    if (sql && !db_query(c->db, &st, &e, sql, "l", c->org_id)) {
      while (db_step(st, &e) == DB_ROW) {
        int sel = !strcmp(cur_type, inv_kind_name(kinds[i])) && db_col_int(st, 0) == cur_id;
        html_printf(b, "<option value=\"%s:%lld\"%s>%s</option>", inv_kind_name(kinds[i]),
                    (long long)db_col_int(st, 0), sel ? " selected" : "", db_col_text(st, 1));
      }
      db_finalize(st);
    }
    html_raw(b, "</optgroup>");
  }
  html_raw(b, "</select></div><button type=\"submit\">Vis konsekvens</button></form>");
}

static void impact_result(WebCtx *c, const InvImpact *im) {
  Buf *b = &c->resp->body;
  html_printf(b, "<section class=\"card\"><h2>Hvis %s «%s» faller ut</h2>", inv_kind_label(im->kind), im->name);
  html_printf(b, "<p><strong>%zu</strong> tjenester stopper, <strong>%zu</strong> av dem kritiske "
                 "(samfunnskritisk funksjon eller kritikalitet 4–5). %zu systemer er berørt.</p>",
              im->nsvc, im->ncritical, im->nsystems);
  if (!im->nsvc) {
    html_raw(b, "<p>Ingen registrerte tjenester avhenger av dette.</p></section>");
    return;
  }
  html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Tjeneste</th>"
              "<th scope=\"col\">Kritikalitet</th><th scope=\"col\">Samfunnskritisk</th>"
              "<th scope=\"col\">Avhengighetskjede</th></tr></thead><tbody>");
  for (size_t i = 0; i < im->nsvc; i++) {
    const InvImpactService *s = &im->svc[i];
    html_printf(b, "<tr><td><a href=\"%s\">%s</a>", invw_href(c, INV_SERVICE, s->id), s->name);
    if (s->critical_function || s->criticality >= 4) html_raw(b, " <span class=\"badge\">kritisk</span>");
    html_printf(b, "</td><td>%d</td><td>%s</td><td>%s</td></tr>", s->criticality, s->critical_function ? "ja" : "nei",
                s->path);
  }
  html_raw(b, "</tbody></table></div></section>");
}

void invw_get_impact(WebCtx *c) {
  const char *valg = web_query(c, "valg"), *type = web_query(c, "type"), *ids = web_query(c, "id");
  char tbuf[32] = "";
  int64_t id = 0;
  if (valg && strchr(valg, ':') && strchr(valg, ':') - valg < 31) {
    memcpy(tbuf, valg, (size_t)(strchr(valg, ':') - valg));
    id = atoll(strchr(valg, ':') + 1);
  } else if (type && ids) {
    snprintf(tbuf, sizeof tbuf, "%s", type);
    id = atoll(ids);
  }
  InvKind k;
  InvImpact im;
  Err e = {0};
  int have = tbuf[0] && id > 0;
  if (have && (inv_kind_parse(tbuf, &k) || inv_impact(c->db, c->a, c->org_id, k, id, &im, &e))) {
    web_error(c, 404, "Fant ikke det du valgte.");
    return;
  }
  web_page_begin(c, "Konsekvens");
  html_raw(&c->resp->body, "<h1>Konsekvensanalyse</h1>");
  invw_subnav(c, "konsekvens");
  impact_chooser(c, tbuf, id);
  if (have) impact_result(c, &im);
  web_page_end(c);
}

/* ---- scope ---- */

static void scope_row(WebCtx *c, const InvScope *s, int can_write, int can_confirm) {
  Buf *b = &c->resp->body;
  html_printf(b, "<tr><td>%s</td><td><code>%s</code></td><td>%s</td><td>", s->kind, s->value, s->note);
  if (s->confirmed_at) html_printf(b, "Bekreftet av %s %s", s->confirmed_by_name, web_time(c, s->confirmed_at));
  else if (can_confirm) {
    html_printf(b, "<form class=\"inline\" method=\"post\" action=\"/org/%lld/inventar/omfang/%lld/bekreft\">",
                (long long)c->org_id, (long long)s->id);
    web_csrf_field(c);
    html_printf(b, "<label><input type=\"checkbox\" name=\"samtykke\" value=\"ja\" required> Vi eier %s og "
                   "tillater skanning</label> <button type=\"submit\">Bekreft</button></form>", s->value);
  } else html_raw(b, "Venter på bekreftelse fra en administrator");
  html_raw(b, "</td><td>");
  if (can_write) {
    html_printf(b, "<form class=\"inline\" method=\"post\" action=\"/org/%lld/inventar/omfang/%lld/fjern\">",
                (long long)c->org_id, (long long)s->id);
    web_csrf_field(c);
    html_printf(b, "<button type=\"submit\" class=\"danger\" aria-label=\"Fjern %s\">Fjern</button></form>", s->value);
  }
  html_raw(b, "</td></tr>");
}

static void render_scope(WebCtx *c, int status, const char *error) {
  InvScope *s;
  size_t n = 0;
  Err e = {0};
  Buf *b = &c->resp->body;
  if (inv_scope_list(c->db, c->a, c->org_id, &s, &n, &e)) {
    web_error_err(c, &e);
    return;
  }
  int w = web_may(c, POLICY_WRITE, c->org_id), conf = web_may(c, POLICY_SCOPE_CONFIRM, c->org_id);
  buf_reset(b);
  c->resp->status = status;
  web_page_begin(c, "Skanneomfang");
  html_raw(b, "<h1>Skanneomfang</h1>");
  invw_subnav(c, "omfang");
  invw_flash(c);
  html_raw(b, "<p>Adresser og domener Varde kan skanne for organisasjonen. Ingenting skannes før en "
              "administrator i organisasjonen selv har bekreftet det.</p>");
  if (error) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", error);
  html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Type</th><th scope=\"col\">Verdi</th>"
              "<th scope=\"col\">Merknad</th><th scope=\"col\">Bekreftelse</th><th scope=\"col\">Endre</th></tr>"
              "</thead><tbody>");
  for (size_t i = 0; i < n; i++) scope_row(c, &s[i], w, conf);
  if (!n) html_raw(b, "<tr><td colspan=\"5\">Ingen ennå.</td></tr>");
  html_raw(b, "</tbody></table></div>");
  if (w) {
    html_printf(b, "<section class=\"card\"><h2>Legg til</h2><form class=\"stack\" method=\"post\" "
                   "action=\"/org/%lld/inventar/omfang\">", (long long)c->org_id);
    web_csrf_field(c);
    html_raw(b, "<div><label for=\"sc-kind\">Type</label><select id=\"sc-kind\" name=\"kind\">"
                "<option value=\"cidr\">Adresseområde (CIDR)</option><option value=\"domain\">Domene</option>"
                "</select></div><div><label for=\"sc-val\">Verdi <span class=\"hint\">(f.eks. 192.0.2.0/24 "
                "eller kommune.no)</span></label><input type=\"text\" id=\"sc-val\" name=\"value\" required></div>"
                "<div><label for=\"sc-note\">Merknad</label><input type=\"text\" id=\"sc-note\" name=\"note\"></div>"
                "<div><button type=\"submit\">Legg til</button></div></form></section>");
  }
  web_page_end(c);
}

void invw_get_scope(WebCtx *c) { render_scope(c, 200, NULL); }

void invw_post_scope(WebCtx *c) {
  InvScope s = {.org_id = c->org_id, .kind = web_form(c, "kind"), .value = web_form(c, "value"),
                .note = web_form(c, "note")};
  Err e = {0};
  int rc = inv_scope_add(c->db, &c->p, &s, &e);
  if (rc == VERR_INVALID || rc == VERR_CONFLICT) render_scope(c, 400, e.msg);
  else if (rc) web_error_err(c, &e);
  else http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/inventar/omfang?ok=lagret", (long long)c->org_id));
}

void invw_post_scope_confirm(WebCtx *c) {
  Err e = {0};
  if (strcmp(web_form(c, "samtykke"), "ja")) {
    web_error(c, 400, "Kryss av for at organisasjonen eier adressene og tillater skanning.");
    return;
  }
  if (inv_scope_confirm(c->db, &c->p, c->org_id, c->args[0], &e)) web_error_err(c, &e);
  else http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/inventar/omfang?ok=bekreftet", (long long)c->org_id));
}

void invw_post_scope_delete(WebCtx *c) {
  Err e = {0};
  if (inv_scope_delete(c->db, &c->p, c->org_id, c->args[0], &e)) web_error_err(c, &e);
  else http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/inventar/omfang?ok=slettet", (long long)c->org_id));
}

/* ---- import and export ---- */

static void import_form(WebCtx *c, const char *text) {
  Buf *b = &c->resp->body;
  html_printf(b, "<section class=\"card\"><h2>Last opp eller lim inn</h2><form class=\"stack\" method=\"post\" "
                 "action=\"/org/%lld/inventar/import\" enctype=\"multipart/form-data\">", (long long)c->org_id);
  web_csrf_field(c);
  html_raw(b, "<div><label for=\"imp-file\">Fil <span class=\"hint\">(CSV eller CycloneDX JSON, høyst 1 MB)</span>"
              "</label><input type=\"file\" id=\"imp-file\" name=\"fil\" accept=\".csv,.json,.txt,text/csv,"
              "application/json\"></div>");
  html_printf(b, "<div><label for=\"imp-text\">… eller innhold <span class=\"hint\">(Vardes inventar-CSV med kolonnen "
                 "«type», en programvareliste med cpe/purl/produsent/produkt, eller en CycloneDX SBOM i JSON; "
                 "semikolon fra norsk Excel går fint)</span></label><textarea id=\"imp-text\" name=\"innhold\" "
                 "rows=\"10\">%s</textarea></div>", text ? text : "");
  html_raw(b, "<div><label><input type=\"checkbox\" name=\"prov\" value=\"1\" checked> Prøvekjøring: vis hva som "
              "ville blitt endret, men lagre ingenting</label></div><div><button type=\"submit\">Les inn</button>"
              "</div></form></section>");
}

void invw_get_import(WebCtx *c) {
  web_page_begin(c, "Import av inventar");
  html_raw(&c->resp->body, "<h1>Import av inventar</h1>");
  invw_subnav(c, "import");
  html_printf(&c->resp->body, "<p>Last ned <a href=\"/org/%lld/inventar.csv\">dagens inventar som CSV</a> for å se "
                              "formatet; den samme filen kan leses inn igjen.</p>", (long long)c->org_id);
  import_form(c, NULL);
  web_page_end(c);
}

void invw_post_import(WebCtx *c) {
  const HttpFile *f = http_file(c->req, "fil");
  const char *text = web_form(c, "innhold"), *name = "skjema";
  size_t len = strlen(text);
  if (f && f->len) {
    text = f->data;
    len = f->len;
    name = f->filename[0] ? f->filename : "fil";
  }
  int dry = web_form(c, "prov")[0] != '\0';
  InvImportResult r;
  Err e = {0};
  Buf *b = &c->resp->body;
  if (!len) {
    web_error(c, 400, "Velg en fil eller lim inn innholdet som skal leses inn.");
    return;
  }
  int rc = inv_import(c->db, &c->p, c->org_id, name, text, len, dry, &r, &e);
  if (rc && rc != VERR_INVALID && rc != VERR_TOOBIG) {
    inv_import_result_free(&r);
    web_error_err(c, &e);
    return;
  }
  c->resp->status = rc ? 400 : 200;
  web_page_begin(c, "Import av inventar");
  html_raw(b, "<h1>Import av inventar</h1>");
  invw_subnav(c, "import");
  if (rc) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", e.msg);
  else
    html_printf(b, "<section class=\"card\"><h2>%s</h2><p id=\"import-summary\">%zu rader: %zu nye, %zu endrede, "
                   "%zu uendrede, %zu feil.</p><pre class=\"log\">%s</pre></section>",
                dry ? "Prøvekjøring – ingenting er lagret" : "Lest inn", r.rows, r.created, r.updated, r.unchanged,
                r.errors, buf_cstr(&r.log));
  import_form(c, (dry || rc) && !(f && f->len) ? text : NULL);
  inv_import_result_free(&r);
  web_page_end(c);
}

void invw_get_csv(WebCtx *c) {
  Err e = {0};
  HttpResp *r = c->resp;
  r->content_type = "text/csv; charset=utf-8";
  const char *disp = arena_printf(c->a, "attachment; filename=\"inventar-%lld.csv\"", (long long)c->org_id);
  if (disp) http_resp_header(r, "Content-Disposition", disp);
  if (inv_export_csv(c->db, c->org_id, &r->body, &e)) web_error_err(c, &e);
}
