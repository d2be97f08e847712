/* web_form.c — the add/edit form of each inventory kind: which fields it
 * has, their current values, and turning a posted form into a save. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/web_int.h"

enum { F_TEXT, F_AREA, F_DATE, F_CHECK, F_CRIT, F_HOSTING, F_SUPPLIER };

typedef struct Field {
  const char *name, *label, *hint;
  int type;
} Field;

static const Field fields[INV_NKINDS][9] = {
    [INV_SERVICE] = {{"name", "Navn", NULL, F_TEXT},
                     {"description", "Beskrivelse", NULL, F_AREA},
                     {"criticality", "Kritikalitet", "1 lav – 5 kritisk", F_CRIT},
                     {"critical_function", "Samfunnskritisk funksjon", NULL, F_CHECK}},
    [INV_SYSTEM] = {{"name", "Navn", NULL, F_TEXT},
                    {"description", "Beskrivelse", NULL, F_AREA},
                    {"owner", "Systemeier", NULL, F_TEXT},
                    {"supplier_id", "Leverandør", NULL, F_SUPPLIER},
                    {"hosting", "Drift", NULL, F_HOSTING},
                    {"data_country", "Land der dataene lagres", "to bokstaver, f.eks. NO", F_TEXT}},
    [INV_PRODUCT] = {{"name", "Navn", NULL, F_TEXT},
                     {"vendor", "Produsent", NULL, F_TEXT},
                     {"product", "Produkt", NULL, F_TEXT},
                     {"version", "Versjon", NULL, F_TEXT},
                     {"cpe", "CPE 2.3", "cpe:2.3:a:produsent:produkt:versjon:*:*:*:*:*:*:*", F_TEXT},
                     {"purl", "purl", "pkg:type/navnerom/navn@versjon", F_TEXT},
                     {"platform", "Kjører på (CPE-er)", "operativsystem eller maskinvare, skilt med mellomrom",
                      F_TEXT},
                     {"eol_date", "Støtteslutt", "ÅÅÅÅ-MM-DD", F_DATE}},
    [INV_HOST] = {{"name", "Navn", "vertsnavn", F_TEXT},
                  {"aliases", "Andre navn", NULL, F_TEXT},
                  {"addresses", "IP-adresser", "skilt med mellomrom", F_TEXT},
                  {"description", "Beskrivelse", NULL, F_AREA},
                  {"internet_facing", "Nås fra internett", NULL, F_CHECK}},
    [INV_SUPPLIER] = {{"name", "Navn", NULL, F_TEXT},
                      {"orgnr", "Organisasjonsnummer", "ni sifre", F_TEXT},
                      {"contact", "Kontakt", "navn, telefon, e-post", F_AREA}},
};

/* Current values of object (k, id) in field order; empty strings for id 0. */
static int values(WebCtx *c, InvKind k, int64_t id, const char *v[9], Err *e) {
  char num[24];
  for (int i = 0; i < 9; i++) v[i] = "";
  if (!id) {
    if (k == INV_SERVICE) v[2] = "3";
    return 0;
  }
  if (k == INV_SERVICE) {
    InvService x;
    if (inv_service_get(c->db, c->a, c->org_id, id, &x, e)) return e->code;
    snprintf(num, sizeof num, "%d", x.criticality);
    const char *r[] = {x.name, x.description, arena_strdup(c->a, num), x.critical_function ? "1" : ""};
    memcpy(v, r, sizeof r);
  } else if (k == INV_SYSTEM) {
    InvSystem x;
    if (inv_system_get(c->db, c->a, c->org_id, id, &x, e)) return e->code;
    snprintf(num, sizeof num, "%lld", (long long)x.supplier_id);
    const char *r[] = {x.name, x.description, x.owner, arena_strdup(c->a, num), x.hosting, x.data_country};
    memcpy(v, r, sizeof r);
  } else if (k == INV_PRODUCT) {
    InvProduct x;
    if (inv_product_get(c->db, c->a, c->org_id, id, &x, e)) return e->code;
    const char *r[] = {x.name, x.vendor, x.product, x.version, x.cpe, x.purl, x.platform, x.eol_date};
    memcpy(v, r, sizeof r);
  } else if (k == INV_HOST) {
    InvHost x;
    if (inv_host_get(c->db, c->a, c->org_id, id, &x, e)) return e->code;
    const char *r[] = {x.name, x.aliases, x.addresses, x.description, x.internet_facing ? "1" : ""};
    memcpy(v, r, sizeof r);
  } else {
    InvSupplier x;
    if (inv_supplier_get(c->db, c->a, c->org_id, id, &x, e)) return e->code;
    const char *r[] = {x.name, x.orgnr, x.contact};
    memcpy(v, r, sizeof r);
  }
  return 0;
}

static void select_field(WebCtx *c, const Field *f, const char *id, const char *val) {
  Buf *b = &c->resp->body;
  html_printf(b, "<select id=\"%s\" name=\"%s\">", id, f->name);
  if (f->type == F_CRIT) {
    static const char *const l[] = {"1 – lav", "2", "3 – middels", "4 – høy", "5 – kritisk"};
    for (int i = 1; i <= 5; i++)
      html_printf(b, "<option value=\"%d\"%s>%s</option>", i, atoi(val) == i ? " selected" : "", l[i - 1]);
  } else if (f->type == F_HOSTING) {
    static const char *const v[] = {"", "onprem", "cloud", "saas"};
    static const char *const l[] = {"Ukjent", "Egen drift", "Sky (IaaS/PaaS)", "SaaS"};
    for (int i = 0; i < 4; i++)
      html_printf(b, "<option value=\"%s\"%s>%s</option>", v[i], !strcmp(val, v[i]) ? " selected" : "", l[i]);
  } else {
    InvSupplier *s;
    size_t n = 0;
    Err e = {0};
    inv_supplier_list(c->db, c->a, c->org_id, &s, &n, &e);
    html_raw(b, "<option value=\"0\">Ingen</option>");
    for (size_t i = 0; i < n; i++)
      html_printf(b, "<option value=\"%lld\"%s>%s</option>", (long long)s[i].id,
                  atoll(val) == s[i].id ? " selected" : "", s[i].name);
  }
  html_raw(b, "</select>");
}

void invw_form_fields(WebCtx *c, InvKind k, int64_t id) {
  const char *v[9];
  Err e = {0};
  Buf *b = &c->resp->body;
  if (values(c, k, id, v, &e)) return;
  for (int i = 0; i < 9 && fields[k][i].name; i++) {
    const Field *f = &fields[k][i];
    const char *fid = arena_printf(c->a, "f-%s", f->name);
    if (f->type == F_CHECK) {
      html_printf(b, "<div><label><input type=\"checkbox\" name=\"%s\" value=\"1\"%s> %s</label></div>", f->name,
                  *v[i] ? " checked" : "", f->label);
      continue;
    }
    html_printf(b, "<div><label for=\"%s\">%s", fid, f->label);
    if (f->hint) html_printf(b, " <span class=\"hint\">(%s)</span>", f->hint);
    html_raw(b, "</label>");
    if (f->type == F_AREA) html_printf(b, "<textarea id=\"%s\" name=\"%s\" rows=\"3\">%s</textarea>", fid, f->name, v[i]);
    else if (f->type == F_CRIT || f->type == F_HOSTING || f->type == F_SUPPLIER) select_field(c, f, fid, v[i]);
    else
      html_printf(b, "<input type=\"%s\" id=\"%s\" name=\"%s\" value=\"%s\"%s>", f->type == F_DATE ? "date" : "text",
                  fid, f->name, v[i], i == 0 ? " required" : "");
    html_raw(b, "</div>");
  }
}

/* The values as a definition list: what readers and the printed page see. */
void invw_form_values(WebCtx *c, InvKind k, int64_t id) {
  const char *v[9];
  Err e = {0};
  Buf *b = &c->resp->body;
  if (values(c, k, id, v, &e)) return;
  html_raw(b, "<dl class=\"grid\">");
  for (int i = 0; i < 9 && fields[k][i].name; i++) {
    const Field *f = &fields[k][i];
    const char *val = v[i];
    if (f->type == F_CHECK) val = *v[i] ? "ja" : "nei";
    else if (f->type == F_HOSTING)
      val = !strcmp(v[i], "onprem") ? "Egen drift" : !strcmp(v[i], "cloud") ? "Sky (IaaS/PaaS)"
            : !strcmp(v[i], "saas") ? "SaaS" : "Ukjent";
    else if (f->type == F_SUPPLIER) val = atoll(v[i]) ? inv_object_name(c->db, c->a, c->org_id, INV_SUPPLIER, atoll(v[i])) : "";
    html_printf(b, "<dt>%s</dt><dd>%s</dd>", f->label, *val ? val : "–");
  }
  html_raw(b, "</dl>");
}

static const char *upper(WebCtx *c, const char *s) {
  char *u = arena_strdup(c->a, s);
  for (char *p = u; p && *p; p++) *p = (char)toupper((unsigned char)*p);
  return u ? u : "";
}

int invw_form_save(WebCtx *c, InvKind k, int64_t *id, Err *e) {
  int rc;
#define F(n) web_form(c, n)
  if (k == INV_SERVICE) {
    const char *crit = F("criticality");
    InvService x = {.id = *id, .org_id = c->org_id, .name = F("name"), .description = F("description"),
                    .criticality = crit[0] >= '1' && crit[0] <= '5' && !crit[1] ? crit[0] - '0' : 0,
                    .critical_function = F("critical_function")[0] != '\0'};
    rc = inv_service_save(c->db, &c->p, &x, e);
    *id = x.id;
  } else if (k == INV_SYSTEM) {
    InvSystem x = {.id = *id, .org_id = c->org_id, .name = F("name"), .description = F("description"),
                   .owner = F("owner"), .supplier_id = atoll(F("supplier_id")), .hosting = F("hosting"),
                   .data_country = upper(c, F("data_country"))};
    rc = inv_system_save(c->db, &c->p, &x, e);
    *id = x.id;
  } else if (k == INV_PRODUCT) {
    const char *name = F("name"), *prod = F("product"), *ver = F("version");
    if (!name[0] && prod[0]) name = ver[0] ? arena_printf(c->a, "%s %s", prod, ver) : prod;
    InvProduct x = {.id = *id, .org_id = c->org_id, .name = name ? name : "", .vendor = F("vendor"), .product = F("product"),
                    .version = F("version"), .cpe = F("cpe"), .purl = F("purl"), .platform = F("platform"),
                    .eol_date = F("eol_date")};
    rc = inv_product_save(c->db, &c->p, &x, e);
    *id = x.id;
  } else if (k == INV_HOST) {
    InvHost x = {.id = *id, .org_id = c->org_id, .name = F("name"), .aliases = F("aliases"),
                 .addresses = F("addresses"), .description = F("description"),
                 .internet_facing = F("internet_facing")[0] != '\0'};
    rc = inv_host_save(c->db, &c->p, &x, e);
    *id = x.id;
  } else {
    InvSupplier x = {.id = *id, .org_id = c->org_id, .name = F("name"), .orgnr = F("orgnr"), .contact = F("contact")};
    rc = inv_supplier_save(c->db, &c->p, &x, e);
    *id = x.id;
  }
#undef F
  return rc;
}
