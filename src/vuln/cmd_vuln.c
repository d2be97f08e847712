/* cmd_vuln.c — `varde vuln check`: load feeds and an inventory from files,
 * match them in memory, print the matches (jsonl, csv or a table). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "vuln/cpe.h"
#include "vuln/inventory.h"
#include "vuln/match.h"

static const char usage_text[] =
    "Bruk: varde vuln check --feed FIL... --inventory FIL [--format jsonl|csv|table]\n"
    "                       [--relax] [--max-errors N]\n"
    "\n"
    "Sjekker et inventar (CSV eller CycloneDX JSON SBOM) mot sårbarhetsdata fra filer:\n"
    "NVD API 2.0 JSON (sider og årsfiler, også .gz), CISA KEV JSON, EPSS CSV og\n"
    "CSAF 2.0-varsler (en mappe leses rekursivt). Typen gjenkjennes ut fra innholdet.\n"
    "Et produkt som KEV-katalogen navngir, får treff etter navn (source=kev,\n"
    "confidence=name, versjonen ikke kontrollert) for CVE-er NVD-dataene ikke\n"
    "har konfigurasjon for, som i Varde-tjeneren.\n"
    "\n"
    "Valg:\n"
    "  --feed FIL...      en eller flere datakilder (kan gjentas)\n"
    "  --inventory FIL    inventaret: CSV med kolonnene vendor, product, version, cpe,\n"
    "                     purl, name (valgfritt platform, internet_facing, criticality,\n"
    "                     model;\n"
    "                     norske navn og Excel-format med ; godtas) eller CycloneDX JSON\n"
    "  --format F         jsonl (standard), csv eller table\n"
    "  --relax            la ukjente CPE-felt i inventaret (update, target_sw …) treffe;\n"
    "                     slike treff merkes med confidence=relaxed\n"
    "  --max-errors N     skriv høyst N feilmeldinger om ødelagte poster (standard 20)\n"
    "  --help             vis denne hjelpen\n"
    "\n"
    "Avslutningskoder: 0 ingen treff, 1 minst ett treff, 2 feil i bruk eller filer.\n";

typedef struct Opts {
  const char **feeds;
  int nfeeds;
  const char *inventory, *format;
  bool relax;
  size_t max_errors;
} Opts;

static int parse_args(int argc, char **argv, Opts *o) {
  o->feeds = calloc((size_t)argc + 1, sizeof *o->feeds);
  o->format = "jsonl";
  o->max_errors = 20;
  if (!o->feeds) return 2;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(usage_text, stdout); return 0; }
    if (!strcmp(a, "--relax")) { o->relax = true; continue; }
    if (i + 1 >= argc) { fprintf(stderr, "varde vuln: %s mangler verdi\n", a); return 2; }
    if (!strcmp(a, "--feed")) {
      while (i + 1 < argc && strncmp(argv[i + 1], "--", 2)) o->feeds[o->nfeeds++] = argv[++i];
    } else if (!strcmp(a, "--inventory")) o->inventory = argv[++i];
    else if (!strcmp(a, "--format")) o->format = argv[++i];
    else if (!strcmp(a, "--max-errors")) o->max_errors = strtoul(argv[++i], NULL, 10);
    else { fprintf(stderr, "varde vuln: ukjent valg «%s». Se `varde vuln check --help`.\n", a); return 2; }
  }
  if (!o->nfeeds || !o->inventory) { fputs("varde vuln check: --feed og --inventory må oppgis\n", stderr); return 2; }
  if (strcmp(o->format, "jsonl") && strcmp(o->format, "csv") && strcmp(o->format, "table")) {
    fprintf(stderr, "varde vuln check: ukjent format «%s» (jsonl, csv, table)\n", o->format);
    return 2;
  }
  return -1;
}

static int by_priority(const void *a, const void *b) {
  const VulnMatch *x = a, *y = b;
  if (x->priority != y->priority) return x->priority > y->priority ? -1 : 1;
  if (x->item != y->item) return x->item < y->item ? -1 : 1;
  return strcmp(x->id, y->id);
}

static const char *src_name(int source) {
  return source == VULN_SRC_NVD ? "nvd" : source == VULN_SRC_CSAF ? "csaf" : "kev";
}

static json_t *match_json(const VulnInventory *inv, const VulnMatch *m) {
  const VulnItem *it = &inv->item[m->item];
  json_t *o = json_object();
  json_object_set_new(o, "item", json_string(it->name ? it->name : ""));
  json_object_set_new(o, "line", json_integer((json_int_t)it->line));
  if (it->vendor) json_object_set_new(o, "vendor", json_string(it->vendor));
  if (it->product) json_object_set_new(o, "product", json_string(it->product));
  if (it->version) json_object_set_new(o, "version", json_string(it->version));
  if (it->cpe_str) json_object_set_new(o, "cpe", json_string(it->cpe_str));
  if (it->purl_str) json_object_set_new(o, "purl", json_string(it->purl_str));
  json_object_set_new(o, "id", json_string(m->id));
  json_object_set_new(o, "source", json_string(src_name(m->source)));
  if (m->advisory) json_object_set_new(o, "advisory", json_string(m->advisory));
  if (m->status) json_object_set_new(o, "status", json_string(m->status));
  json_object_set_new(o, "cvss", m->cvss >= 0 ? json_real(m->cvss) : json_null());
  if (m->cvss_vector) json_object_set_new(o, "cvss_vector", json_string(m->cvss_vector));
  json_object_set_new(o, "kev", json_boolean(m->kev));
  if (m->kev_due) json_object_set_new(o, "kev_due", json_string(m->kev_due));
  if (m->kev) json_object_set_new(o, "ransomware", json_boolean(m->ransomware));
  json_object_set_new(o, "epss", m->epss >= 0 ? json_real(m->epss) : json_null());
  json_object_set_new(o, "epss_percentile", m->epss_pct >= 0 ? json_real(m->epss_pct) : json_null());
  json_object_set_new(o, "priority", json_real((double)(long)(m->priority * 10 + 0.5) / 10));
  json_object_set_new(o, "priority_class", json_string(m->priority_class));
  json_object_set_new(o, "confidence", json_string(m->confidence));
  char why[600];
  json_object_set_new(o, "reason", json_string(vuln_match_reason(m, why, sizeof why)));
  return o;
}

static void csv_field(FILE *f, const char *s, int last) {
  s = s ? s : "";
  if (strpbrk(s, ",\"\r\n")) {
    fputc('"', f);
    for (; *s; s++) {
      if (*s == '"') fputc('"', f);
      fputc(*s, f);
    }
    fputc('"', f);
  } else {
    fputs(s, f);
  }
  fputc(last ? '\n' : ',', f);
}

/* Unknown scores (negative) print as an empty CSV field. */
static void num_or_blank(char out[32], double v, int decimals) {
  out[0] = '\0';
  if (v >= 0) snprintf(out, 32, "%.*f", decimals, v);
}

static void print_csv(const VulnInventory *inv, const VulnMatchList *l) {
  puts("priority,priority_class,id,source,advisory,status,item,line,vendor,product,version,cpe,purl,"
       "cvss,kev,kev_due,epss,epss_percentile,confidence,reason");
  for (size_t i = 0; i < l->n; i++) {
    const VulnMatch *m = &l->m[i];
    const VulnItem *it = &inv->item[m->item];
    char num[6][32], why[600];
    snprintf(num[0], 32, "%.1f", m->priority);
    snprintf(num[1], 32, "%zu", it->line);
    num_or_blank(num[2], m->cvss, 1);
    num_or_blank(num[3], m->epss, 5);
    num_or_blank(num[4], m->epss_pct, 5);
    const char *f[] = {num[0], m->priority_class, m->id, src_name(m->source),
                       m->advisory, m->status, it->name, num[1], it->vendor, it->product, it->version,
                       it->cpe_str, it->purl_str, num[2], m->kev ? "yes" : "no", m->kev_due, num[3],
                       num[4], m->confidence, vuln_match_reason(m, why, sizeof why)};
    size_t nf = sizeof f / sizeof f[0];
    for (size_t k = 0; k < nf; k++) csv_field(stdout, f[k], k + 1 == nf);
  }
}

static void print_table(const VulnInventory *inv, const VulnMatchList *l) {
  printf("%-8s %-5s %-18s %-28s %-12s %-4s %-3s %-10s %s\n", "PRIORITET", "", "ID", "PRODUKT", "VERSJON",
         "CVSS", "KEV", "EPSS-PCT", "GRUNN");
  for (size_t i = 0; i < l->n; i++) {
    const VulnMatch *m = &l->m[i];
    const VulnItem *it = &inv->item[m->item];
    char cvss[8] = "-", epss[12] = "-", why[600], ver[64] = "";
    if (m->cvss >= 0) snprintf(cvss, sizeof cvss, "%.1f", m->cvss);
    if (m->epss_pct >= 0) snprintf(epss, sizeof epss, "%.3f", m->epss_pct);
    if (it->version) snprintf(ver, sizeof ver, "%s", it->version);
    else if (it->has_cpe && vuln_cpe_plain(it->cpe.v[CPE_VERSION])) vuln_cpe_unquote(it->cpe.v[CPE_VERSION], ver, sizeof ver);
    printf("%-9s %5.1f %-18.18s %-28.28s %-12.12s %-4s %-3s %-10s %.90s\n", m->priority_class, m->priority,
           m->id, it->name ? it->name : "", ver, cvss, m->kev ? "ja" : "-", epss, vuln_match_reason(m, why, sizeof why));
  }
}

static void print_matches(const Opts *o, const VulnInventory *inv, VulnMatchList *l) {
  if (l->n) qsort(l->m, l->n, sizeof *l->m, by_priority);
  if (!strcmp(o->format, "csv")) {
    print_csv(inv, l);
  } else if (!strcmp(o->format, "table")) {
    print_table(inv, l);
  } else {
    for (size_t i = 0; i < l->n; i++) {
      json_t *j = match_json(inv, &l->m[i]);
      char *s = json_dumps(j, JSON_COMPACT);
      if (s) puts(s);
      free(s);
      json_decref(j);
    }
  }
}

static int load_feeds(const Opts *o, VulnDb *db, VulnReport *r) {
  for (int i = 0; i < o->nfeeds; i++) {
    Err e = {0};
    if (vuln_load_path(db, o->feeds[i], r, &e)) {
      fprintf(stderr, "varde vuln check: %s\n", e.msg);
      return 2;
    }
  }
  return vuln_db_finish(db) ? 2 : 0;
}

/* The KEV name matches of every item (as the server's matching makes
 * them), appended to l, which lists its matches item by item. */
static int kev_names(const VulnDb *db, const VulnInventory *inv, VulnMatchList *l, size_t *added) {
  *added = 0;
  if (!db->nkev) return 0;
  VulnKevNames *x = vuln_kev_names_new(db);
  VulnMatchList k = {0};
  int rc = !x;
  for (size_t i = 0, at = 0; !rc && i < inv->n; i++) {
    size_t from = at;
    while (at < l->n && l->m[at].item == i) at++;
    rc = vuln_kev_names_match(x, &inv->item[i], i, l->m + from, at - from, &k);
  }
  if (!rc && k.n && l->n + k.n > l->cap) {
    VulnMatch *m = realloc(l->m, (l->n + k.n) * sizeof *m);
    if (!m) rc = VERR_NOMEM;
    else l->m = m, l->cap = l->n + k.n;
  }
  if (!rc && k.n) memcpy(l->m + l->n, k.m, k.n * sizeof *k.m), l->n += k.n;
  if (!rc) *added = k.n;
  vuln_match_list_free(&k);
  vuln_kev_names_free(x);
  return rc;
}

static int run_check(const Opts *o) {
  VulnDb *db = vuln_db_new();
  VulnInventory inv;
  VulnReport rf = {stderr, 0, 0, o->max_errors, ""}, ri = {stderr, 0, 0, o->max_errors, ""};
  VulnMatchList l = {0};
  Err e = {0};
  int rc = !db || vuln_inventory_init(&inv) ? 2 : 0;
  if (!rc) rc = load_feeds(o, db, &rf);
  if (!rc && vuln_inventory_load(&inv, o->inventory, &ri, &e)) {
    fprintf(stderr, "varde vuln check: %s\n", e.msg);
    rc = 2;
  }
  VulnMatchOpts mo = {o->relax};
  VulnMatcher *m = rc ? NULL : vuln_matcher_new(db, &mo);
  if (!rc && !m) rc = 2;
  if (!rc && vuln_match_items(m, inv.item, inv.n, 0, &l)) rc = 2;  /* same list as item by item */
  size_t by_name = 0;
  if (!rc && kev_names(db, &inv, &l, &by_name)) rc = 2;
  if (!rc) {
    print_matches(o, &inv, &l);
    fprintf(stderr, "varde vuln check: %zu CVE-er, %zu KEV, %zu EPSS, %zu CSAF-dokumenter; %zu ødelagte poster "
            "hoppet over i datakildene (%zu merknader); %zu produkter i inventaret (%zu rader avvist); %zu treff"
            " (%zu av dem bare etter navn i KEV)\n",
            db->ncve, db->nkev, db->nepss, db->ncsaf, rf.nerr, rf.nwarn, inv.n, ri.nerr, l.n, by_name);
    rc = l.n ? 1 : 0;
  }
  vuln_matcher_free(m);
  vuln_match_list_free(&l);
  if (db) vuln_inventory_free(&inv);
  vuln_db_free(db);
  return rc;
}

int cmd_vuln(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    fputs(usage_text, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (strcmp(argv[1], "check")) {
    fprintf(stderr, "varde vuln: ukjent underkommando «%s» (bare «check» finnes)\n", argv[1]);
    return 2;
  }
  Opts o = {0};
  int rc = parse_args(argc, argv, &o);
  if (rc < 0) rc = run_check(&o);
  free(o.feeds);
  return rc;
}
