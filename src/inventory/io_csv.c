/* io_csv.c — Varde's inventory CSV: one row per object with a "type"
 * column, Norwegian or English headers, any dialect core/csv reads. Objects
 * are matched by name (update) or created; a column missing from the header
 * keeps the stored value; "avhenger_av" adds edges ("system:Navn | maskin:x"). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "db/db.h"
#include "inventory/io.h"

const char *const inv_col_names[INV_NCOL][5] = {
    [C_TYPE] = {"type", "kind", "objekttype", NULL},
    [C_NAME] = {"navn", "name", NULL},
    [C_DESC] = {"beskrivelse", "description", "merknad", "note", NULL},
    [C_CRIT] = {"kritikalitet", "criticality", NULL},
    [C_CF] = {"samfunnskritisk", "critical_function", NULL},
    [C_OWNER] = {"eier", "owner", "systemeier", NULL},
    [C_SUPPLIER] = {"leverandør", "supplier", "leverandor", NULL},
    [C_HOSTING] = {"drift", "hosting", NULL},
    [C_COUNTRY] = {"dataland", "data_country", "datalokasjon", NULL},
    [C_VENDOR] = {"produsent", "vendor", NULL},
    [C_PRODUCT] = {"produkt", "product", NULL},
    [C_VERSION] = {"versjon", "version", NULL},
    [C_CPE] = {"cpe", NULL},
    [C_PURL] = {"purl", NULL},
    [C_PLATFORM] = {"plattform", "platform", NULL},
    [C_EOL] = {"støtteslutt", "eol_date", "end_of_life", "eol", NULL},
    [C_ALIASES] = {"alias", "aliases", NULL},
    [C_ADDR] = {"adresser", "addresses", "ip", NULL},
    [C_INET] = {"internettvendt", "internet_facing", "internett", NULL},
    [C_ORGNR] = {"orgnr", "organisasjonsnummer", NULL},
    [C_CONTACT] = {"kontakt", "contact", NULL},
    [C_DEPS] = {"avhenger_av", "depends_on", NULL},
};

int inv_type_parse(const char *s, InvKind *k, int *scope) {
  static const struct { const char *w; int k; } words[] = {
      {"tjeneste", INV_SERVICE}, {"service", INV_SERVICE}, {"system", INV_SYSTEM},
      {"programvare", INV_PRODUCT}, {"produkt", INV_PRODUCT}, {"product", INV_PRODUCT},
      {"maskin", INV_HOST}, {"vert", INV_HOST}, {"server", INV_HOST}, {"host", INV_HOST},
      {"leverandør", INV_SUPPLIER}, {"leverandor", INV_SUPPLIER}, {"supplier", INV_SUPPLIER},
      {"omfang", -1}, {"scope", -1}};
  for (size_t i = 0; s && i < sizeof words / sizeof words[0]; i++)
    if (!strcasecmp(s, words[i].w)) {
      *scope = words[i].k < 0;
      *k = words[i].k < 0 ? INV_HOST : (InvKind)words[i].k;
      return 0;
    }
  return VERR_INVALID;
}

typedef struct Row {
  size_t line;
  InvKind kind;
  int scope;
  const char *f[INV_NCOL];   /* NULL: column absent from the file */
  int64_t id;                /* after saving */
} Row;

static const char *trimdup(Arena *a, const char *s) {
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1])) n--;
  return arena_strndup(a, s, n);
}

static int map_header(const CsvRow *h, int *map, Err *e) {
  for (int c = 0; c < INV_NCOL; c++) map[c] = -1;
  for (size_t i = 0; i < h->n; i++)
    for (int c = 0; c < INV_NCOL; c++)
      for (int k = 0; inv_col_names[c][k]; k++)
        if (map[c] < 0 && !strcasecmp(h->fields[i], inv_col_names[c][k])) map[c] = (int)i;
  if (map[C_TYPE] < 0 || map[C_NAME] < 0) return err_set(e, VERR_INVALID, "Linje 1 må ha kolonnene «type» og «navn».");
  return 0;
}

/* Reads every row into an array (strings in m->a); bad type words are
 * reported here. */
static int read_rows(InvImp *m, const char *data, size_t len, Row **out, size_t *n, Err *e) {
  CsvReader r;
  CsvRow row;
  int map[INV_NCOL], rc = csv_reader_init(&r, data, len, NULL, e);
  size_t cap = 0;
  *out = NULL;
  *n = 0;
  if (rc) return rc;
  rc = csv_read_row(&r, &row, e);
  if (rc == 0) rc = err_set(e, VERR_INVALID, "Filen er tom.");
  if (rc == 1) rc = map_header(&row, map, e);
  while (rc == 0 && (rc = csv_read_row(&r, &row, e)) == 1) {
    rc = 0;
    m->res->rows++;
    if (*n == cap) {
      Row *b = arena_alloc(m->a, (cap = cap ? cap * 2 : 64) * sizeof *b);
      if (!b) { rc = err_set(e, VERR_NOMEM, "for lite minne"); break; }
      if (*n) memcpy(b, *out, *n * sizeof *b);
      *out = b;
    }
    Row *x = &(*out)[*n];
    memset(x, 0, sizeof *x);
    x->line = row.line;
    for (int c = 0; c < INV_NCOL; c++)
      x->f[c] = map[c] < 0 ? NULL : (size_t)map[c] < row.n ? trimdup(m->a, row.fields[map[c]]) : "";
    if (inv_type_parse(x->f[C_TYPE], &x->kind, &x->scope)) {
      char msg[160];
      snprintf(msg, sizeof msg, "ukjent type «%.60s» (tjeneste, system, programvare, maskin, leverandør, omfang).",
               x->f[C_TYPE] ? x->f[C_TYPE] : "");
      inv_imp_error(m, x->line, msg);
      continue;
    }
    (*n)++;
  }
  csv_reader_free(&r);
  if (rc < 0 && *n && rc != VERR_NOMEM) {
    inv_imp_error(m, 0, e->msg);  /* keep the rows before the broken one */
    err_clear(e);
    rc = 0;
  }
  return rc < 0 ? rc : 0;
}

static const char *pick(const char *cell, const char *old) { return cell ? cell : old; }

static int yesno(const char *s, bool old, bool *out) {
  static const char *const yes[] = {"ja", "j", "yes", "y", "true", "1", "x", NULL};
  static const char *const no[] = {"nei", "n", "no", "false", "0", "", NULL};
  if (!s) { *out = old; return 0; }
  for (int i = 0; yes[i]; i++) if (!strcasecmp(s, yes[i])) { *out = true; return 0; }
  for (int i = 0; no[i]; i++) if (!strcasecmp(s, no[i])) { *out = false; return 0; }
  return -1;
}

static int crit_parse(const char *s, int old, int *out) {
  static const struct { const char *w; int v; } words[] = {
      {"lav", 1}, {"low", 1}, {"middels", 3}, {"medium", 3}, {"høy", 4}, {"high", 4}, {"kritisk", 5},
      {"critical", 5}};
  if (!s) { *out = old ? old : 3; return 0; }
  if (!*s) { *out = 3; return 0; }
  if (s[0] >= '1' && s[0] <= '5' && !s[1]) { *out = s[0] - '0'; return 0; }
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (!strcasecmp(s, words[i].w)) { *out = words[i].v; return 0; }
  return -1;
}

static const char *hosting_parse(const char *s) {
  if (!s || !*s) return s;
  if (!strcasecmp(s, "onprem") || !strcasecmp(s, "lokalt") || !strcasecmp(s, "egen drift") ||
      !strcasecmp(s, "on-premises") || !strcasecmp(s, "lokal"))
    return "onprem";
  if (!strcasecmp(s, "cloud") || !strcasecmp(s, "sky") || !strcasecmp(s, "skytjeneste")) return "cloud";
  if (!strcasecmp(s, "saas")) return "saas";
  return s;  /* the saver reports it */
}


/* Runs a saver's result through the row rules: input errors skip the row,
 * anything else (database trouble) ends the import. */
static int row_result(InvImp *m, Row *x, int rc, Err *e) {
  if (rc == VERR_INVALID || rc == VERR_NOTFOUND || rc == VERR_CONFLICT) {
    inv_imp_error(m, x->line, e->msg);
    err_clear(e);
    return 0;
  }
  return rc;
}

static int save_service(InvImp *m, Row *x, Err *e) {
  InvService s = {0};
  int ch = 0, rc;
  int64_t id = inv__id_by_name(m->db, m->org_id, INV_SERVICE, x->f[C_NAME], NULL);
  if (id && (rc = inv_service_get(m->db, m->a, m->org_id, id, &s, e))) return rc;
  s.org_id = m->org_id;
  s.name = x->f[C_NAME];
  s.description = pick(x->f[C_DESC], s.description);
  if (crit_parse(x->f[C_CRIT], s.criticality, &s.criticality))
    return err_set(e, VERR_INVALID, "Kritikalitet må være 1–5 eller lav, middels, høy, kritisk.");
  if (yesno(x->f[C_CF], s.critical_function, &s.critical_function))
    return err_set(e, VERR_INVALID, "Samfunnskritisk må være ja eller nei.");
  if (!(rc = inv__service_put(m->db, m->who, &s, &ch, e))) inv_imp_saved(m, x->line, INV_SERVICE, s.name, id, ch);
  x->id = s.id;
  return rc;
}

/* The supplier named s (created if new); 0 for an empty name. */
static int supplier_ref(InvImp *m, Row *x, const char *s, int64_t *id, Err *e) {
  *id = 0;
  if (!s || !*s) return 0;
  if ((*id = inv__id_by_name(m->db, m->org_id, INV_SUPPLIER, s, NULL))) return 0;
  InvSupplier sup = {.org_id = m->org_id, .name = s};
  int ch = 0, rc = inv__supplier_put(m->db, m->who, &sup, &ch, e);
  if (!rc) inv_imp_saved(m, x->line, INV_SUPPLIER, s, 0, ch);
  *id = sup.id;
  return rc;
}

static int save_system(InvImp *m, Row *x, Err *e) {
  InvSystem s = {0};
  int ch = 0, rc;
  int64_t id = inv__id_by_name(m->db, m->org_id, INV_SYSTEM, x->f[C_NAME], NULL);
  if (id && (rc = inv_system_get(m->db, m->a, m->org_id, id, &s, e))) return rc;
  s.org_id = m->org_id;
  s.name = x->f[C_NAME];
  s.description = pick(x->f[C_DESC], s.description);
  s.owner = pick(x->f[C_OWNER], s.owner);
  s.hosting = hosting_parse(pick(x->f[C_HOSTING], s.hosting));
  s.data_country = pick(x->f[C_COUNTRY], s.data_country);
  if (s.data_country) {
    char *up = arena_strdup(m->a, s.data_country);
    for (char *p = up; p && *p; p++) *p = (char)toupper((unsigned char)*p);
    s.data_country = up;
  }
  if (x->f[C_SUPPLIER] && (rc = supplier_ref(m, x, x->f[C_SUPPLIER], &s.supplier_id, e))) return rc;
  if (!(rc = inv__system_put(m->db, m->who, &s, &ch, e))) inv_imp_saved(m, x->line, INV_SYSTEM, s.name, id, ch);
  x->id = s.id;
  return rc;
}

static const char *product_name(InvImp *m, Row *x) {
  const char *n = x->f[C_NAME];
  if (n && *n) return n;
  const char *p = x->f[C_PRODUCT], *v = x->f[C_VERSION];
  if (!p || !*p) return n;
  return v && *v ? arena_printf(m->a, "%s %s", p, v) : p;
}

static int save_product(InvImp *m, Row *x, Err *e) {
  InvProduct s = {0};
  int ch = 0, rc;
  const char *name = product_name(m, x);
  int64_t id = inv__id_by_name(m->db, m->org_id, INV_PRODUCT, name, NULL);
  if (id && (rc = inv_product_get(m->db, m->a, m->org_id, id, &s, e))) return rc;
  s.org_id = m->org_id;
  s.name = name;
  s.vendor = pick(x->f[C_VENDOR], s.vendor);
  s.product = pick(x->f[C_PRODUCT], s.product);
  s.version = pick(x->f[C_VERSION], s.version);
  s.cpe = pick(x->f[C_CPE], s.cpe);
  s.purl = pick(x->f[C_PURL], s.purl);
  s.platform = pick(x->f[C_PLATFORM], s.platform);
  s.eol_date = pick(x->f[C_EOL], s.eol_date);
  if (!(rc = inv__product_put(m->db, m->who, &s, &ch, e))) inv_imp_saved(m, x->line, INV_PRODUCT, s.name, id, ch);
  x->id = s.id;
  return rc;
}

static int save_host(InvImp *m, Row *x, Err *e) {
  InvHost s = {0};
  int ch = 0, rc;
  int64_t id = inv__id_by_name(m->db, m->org_id, INV_HOST, x->f[C_NAME], NULL);
  if (id && (rc = inv_host_get(m->db, m->a, m->org_id, id, &s, e))) return rc;
  s.org_id = m->org_id;
  s.name = x->f[C_NAME];
  s.description = pick(x->f[C_DESC], s.description);
  s.aliases = pick(x->f[C_ALIASES], s.aliases);
  s.addresses = pick(x->f[C_ADDR], s.addresses);
  if (yesno(x->f[C_INET], s.internet_facing, &s.internet_facing))
    return err_set(e, VERR_INVALID, "Internettvendt må være ja eller nei.");
  if (!(rc = inv__host_put(m->db, m->who, &s, &ch, e))) inv_imp_saved(m, x->line, INV_HOST, s.name, id, ch);
  x->id = s.id;
  return rc;
}

static int save_supplier(InvImp *m, Row *x, Err *e) {
  InvSupplier s = {0};
  int ch = 0, rc;
  int64_t id = inv__id_by_name(m->db, m->org_id, INV_SUPPLIER, x->f[C_NAME], NULL);
  if (id && (rc = inv_supplier_get(m->db, m->a, m->org_id, id, &s, e))) return rc;
  s.org_id = m->org_id;
  s.name = x->f[C_NAME];
  s.orgnr = pick(x->f[C_ORGNR], s.orgnr);
  s.contact = pick(x->f[C_CONTACT], s.contact);
  if (!(rc = inv__supplier_put(m->db, m->who, &s, &ch, e))) inv_imp_saved(m, x->line, INV_SUPPLIER, s.name, id, ch);
  x->id = s.id;
  return rc;
}

static int save_scope(InvImp *m, Row *x, Err *e) {
  const char *v = x->f[C_NAME] ? x->f[C_NAME] : "";
  int ip = *v && (strchr(v, ':') || (strspn(v, "0123456789./") == strlen(v)));
  InvScope s = {.org_id = m->org_id, .kind = ip ? "cidr" : "domain", .value = v, .note = x->f[C_DESC]};
  int ch = 0, rc = inv__scope_put(m->db, m->who, &s, &ch, e);
  if (rc == VERR_CONFLICT) {
    m->res->unchanged++;
    err_clear(e);
    return 0;
  }
  if (!rc) {
    m->res->created++;
    inv_imp_note(m, x->line, "%s omfang «%s» (må bekreftes av en administrator)",
                 m->dry ? "ville lagt til" : "la til", v);
  }
  return rc;
}

/* One "kind:name" or "name" of the depends-on column, resolved. */
static int dep_target(InvImp *m, InvKind from, const char *tok, InvKind *k, int64_t *id) {
  const char *colon = strchr(tok, ':');
  int scope = 0;
  if (colon) {
    char kw[32];
    snprintf(kw, sizeof kw, "%.*s", (int)(colon - tok < 31 ? colon - tok : 31), tok);
    if (!inv_type_parse(trimdup(m->a, kw), k, &scope) && !scope) {
      *id = inv__id_by_name(m->db, m->org_id, *k, trimdup(m->a, colon + 1), NULL);
      return *id ? 0 : -1;
    }
  }
  static const InvKind order[] = {INV_SYSTEM, INV_PRODUCT, INV_HOST, INV_SERVICE, INV_SUPPLIER};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    if (!inv__dep_allowed(from, order[i])) continue;
    if ((*id = inv__id_by_name(m->db, m->org_id, order[i], tok, NULL))) {
      *k = order[i];
      return 0;
    }
  }
  return -1;
}

static int save_deps(InvImp *m, Row *x, Err *e) {
  const char *p = x->f[C_DEPS];
  while (p && *p) {
    size_t n = strcspn(p, "|\n");
    char *raw = arena_strndup(m->a, p, n);
    const char *tok = raw ? trimdup(m->a, raw) : NULL;
    p += n + (p[n] != '\0');
    if (!tok || !*tok) continue;
    InvKind tk;
    int64_t tid;
    int ch = 0, rc;
    if (dep_target(m, x->kind, tok, &tk, &tid)) {
      char msg[400];
      snprintf(msg, sizeof msg, "fant ikke «%.200s» som «%.100s» kan avhenge av.", tok, x->f[C_NAME]);
      m->res->errors++;
      inv_imp_note(m, x->line, "feil: %s", msg);
      continue;
    }
    rc = inv__dep_put(m->db, m->who, m->org_id, x->kind, x->id, tk, tid, &ch, e);
    if (rc && (rc = row_result(m, x, rc, e))) return rc;
    if (ch) {
      m->res->created++;
      inv_imp_note(m, x->line, "%s avhengighet «%s» → «%s»", m->dry ? "ville lagt til" : "la til", x->f[C_NAME], tok);
    }
  }
  return 0;
}

typedef int (*Saver)(InvImp *, Row *, Err *);

int inv_import_csv(InvImp *m, const char *data, size_t len, Err *e) {
  Row *rows;
  size_t n;
  int rc = read_rows(m, data, len, &rows, &n, e);
  static const InvKind order[] = {INV_SUPPLIER, INV_SERVICE, INV_PRODUCT, INV_HOST, INV_SYSTEM};
  static const Saver savers[] = {[INV_SERVICE] = save_service, [INV_SYSTEM] = save_system,
                                 [INV_PRODUCT] = save_product, [INV_HOST] = save_host,
                                 [INV_SUPPLIER] = save_supplier};
  for (size_t o = 0; !rc && o < sizeof order / sizeof order[0]; o++)
    for (size_t i = 0; !rc && i < n; i++)
      if (!rows[i].scope && rows[i].kind == order[o]) rc = row_result(m, &rows[i], savers[order[o]](m, &rows[i], e), e);
  for (size_t i = 0; !rc && i < n; i++)
    if (rows[i].scope) rc = row_result(m, &rows[i], save_scope(m, &rows[i], e), e);
  for (size_t i = 0; !rc && i < n; i++)
    if (!rows[i].scope && rows[i].id && rows[i].f[C_DEPS]) rc = save_deps(m, &rows[i], e);
  return rc;
}
