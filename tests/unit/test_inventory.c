/* test_inventory.c — the inventory store: validation, organisation
 * isolation, dependency rules, impact over a graph with a cycle, end of
 * life, the facts matching reads, the change log, scan scope, CSV and
 * CycloneDX import (row errors, dry run, idempotence) and export round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "audit/audit.h"
#include "db/db.h"
#include "inventory/inventory.h"
#include "org/org.h"
#include "test.h"

static char dir[] = "/tmp/varde-test-inv-XXXXXX";
static Db *db;
static Principal cli;
static int64_t A, B;  /* two municipalities */
static Arena *ar;

static int64_t root;

static int64_t mkorg(const char *name, const char *nr) {
  int64_t id = 0;
  Err e = {0};
  OrgNew o = {.parent_id = root, .kind = ORG_MUNICIPALITY, .name = name, .kommunenummer = nr, .population = -1};
  if (org_create(db, &cli, &o, &id, &e)) fprintf(stderr, "mkorg: %s\n", e.msg);
  return id;
}

static int64_t svc(int64_t org, const char *name, int crit, bool cf) {
  Err e = {0};
  InvService s = {.org_id = org, .name = name, .criticality = crit, .critical_function = cf};
  if (inv_service_save(db, &cli, &s, &e)) fprintf(stderr, "svc %s: %s\n", name, e.msg);
  return s.id;
}

static int64_t sys_(int64_t org, const char *name, int64_t supplier) {
  Err e = {0};
  InvSystem s = {.org_id = org, .name = name, .supplier_id = supplier, .hosting = "onprem"};
  if (inv_system_save(db, &cli, &s, &e)) fprintf(stderr, "sys %s: %s\n", name, e.msg);
  return s.id;
}

static int64_t prod(int64_t org, const char *name, const char *cpe, const char *eol) {
  Err e = {0};
  InvProduct p = {.org_id = org, .name = name, .cpe = cpe, .eol_date = eol};
  if (inv_product_save(db, &cli, &p, &e)) fprintf(stderr, "prod %s: %s\n", name, e.msg);
  return p.id;
}

static int64_t host(int64_t org, const char *name, const char *addr, bool inet) {
  Err e = {0};
  InvHost h = {.org_id = org, .name = name, .addresses = addr, .internet_facing = inet};
  if (inv_host_save(db, &cli, &h, &e)) fprintf(stderr, "host %s: %s\n", name, e.msg);
  return h.id;
}

static int dep(int64_t org, InvKind fk, int64_t f, InvKind tk, int64_t t) {
  Err e = {0};
  return inv_dep_add(db, &cli, org, fk, f, tk, t, &e);
}

TEST(validation_and_isolation) {
  Err e = {0};
  InvService s = {.org_id = A, .name = "Sak", .criticality = 0};
  CHECK_INT(inv_service_save(db, &cli, &s, &e), VERR_INVALID);
  InvProduct p = {.org_id = A, .name = "x", .cpe = "cpe:2.3:a:bad"};
  CHECK_INT(inv_product_save(db, &cli, &p, &e), VERR_INVALID);
  CHECK(strstr(e.msg, "CPE") != NULL);
  InvProduct p2 = {.org_id = A, .name = "y", .vendor = "v", .product = "p", .eol_date = "2025-02-30"};
  CHECK_INT(inv_product_save(db, &cli, &p2, &e), VERR_INVALID);
  InvProduct p3 = {.org_id = A, .name = "z"};
  CHECK_INT(inv_product_save(db, &cli, &p3, &e), VERR_INVALID);
  InvHost h = {.org_id = A, .name = "h", .addresses = "10.0.0.1 999.1.1.1"};
  CHECK_INT(inv_host_save(db, &cli, &h, &e), VERR_INVALID);
  InvSystem y = {.org_id = A, .name = "Sys", .data_country = "no"};
  CHECK_INT(inv_system_save(db, &cli, &y, &e), VERR_INVALID);
  int64_t sid = svc(A, "Skole", 3, false);
  CHECK(sid > 0);
  InvService dup = {.org_id = A, .name = "Skole", .criticality = 2};
  CHECK_INT(inv_service_save(db, &cli, &dup, &e), VERR_CONFLICT);
  InvService same = {.org_id = B, .name = "Skole", .criticality = 2};
  CHECK_INT(inv_service_save(db, &cli, &same, &e), 0);
  /* B cannot touch A's service by id */
  InvService steal = {.id = sid, .org_id = B, .name = "Stjålet", .criticality = 1};
  CHECK_INT(inv_service_save(db, &cli, &steal, &e), VERR_NOTFOUND);
  CHECK_INT(inv_delete(db, &cli, B, INV_SERVICE, sid, &e), VERR_NOTFOUND);
  InvService got;
  CHECK_INT(inv_service_get(db, ar, A, sid, &got, &e), 0);
  CHECK_STR(got.name, "Skole");
  CHECK_INT(inv_service_get(db, ar, B, sid, &got, &e), VERR_NOTFOUND);
  InvHost ok = {.org_id = A, .name = "h1", .addresses = "10.0.0.1, 2001:db8::1"};
  CHECK_INT(inv_host_save(db, &cli, &ok, &e), 0);
  InvHost back;
  inv_host_get(db, ar, A, ok.id, &back, &e);
  CHECK_STR(back.addresses, "10.0.0.1 2001:db8::1");
}

TEST(dependency_rules) {
  Err e = {0};
  int64_t s = svc(A, "Rules-svc", 2, false), y = sys_(A, "Rules-sys", 0), h = host(A, "rules-host", "", false);
  int64_t p = prod(A, "Rules-prod", "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*", "");
  CHECK_INT(dep(A, INV_SERVICE, s, INV_SYSTEM, y), 0);
  CHECK_INT(dep(A, INV_SERVICE, s, INV_SYSTEM, y), 0); /* again: no error, no second edge */
  CHECK_INT(dep(A, INV_SYSTEM, y, INV_PRODUCT, p), 0);
  CHECK_INT(dep(A, INV_PRODUCT, p, INV_HOST, h), 0);
  CHECK_INT(dep(A, INV_HOST, h, INV_SYSTEM, y), VERR_INVALID);
  CHECK_INT(dep(A, INV_SERVICE, s, INV_HOST, h), VERR_INVALID);
  CHECK_INT(dep(A, INV_SYSTEM, y, INV_SYSTEM, y), VERR_INVALID);
  int64_t other = sys_(B, "B-sys", 0);
  CHECK_INT(dep(A, INV_SERVICE, s, INV_SYSTEM, other), VERR_NOTFOUND);
  InvDep *d;
  size_t n;
  CHECK_INT(inv_dep_list(db, ar, A, INV_SYSTEM, y, &d, &n, &e), 0);
  CHECK_INT(n, 2);
  /* deleting the system removes its edges */
  CHECK_INT(inv_delete(db, &cli, A, INV_SYSTEM, y, &e), 0);
  CHECK_INT(inv_dep_list(db, ar, A, INV_SERVICE, s, &d, &n, &e), 0);
  CHECK_INT(n, 0);
}

TEST(impact_with_cycle_and_supplier) {
  Err e = {0};
  InvSupplier sup = {.org_id = A, .name = "Driftspartner AS", .orgnr = "123456789"};
  CHECK_INT(inv_supplier_save(db, &cli, &sup, &e), 0);
  int64_t s1 = svc(A, "Saksbehandling", 4, false), s2 = svc(A, "Hjemmetjeneste", 5, true);
  int64_t s3 = svc(A, "Bibliotek", 1, false), s4 = svc(A, "Innbyggerportal", 2, false);
  int64_t ad = sys_(A, "Active Directory", 0), dns = sys_(A, "DNS", sup.id), ehr = sys_(A, "Gerica", 0);
  int64_t lib = sys_(A, "Bibliotekssystem", 0);
  dep(A, INV_SERVICE, s1, INV_SYSTEM, ad);
  dep(A, INV_SERVICE, s2, INV_SYSTEM, ehr);
  dep(A, INV_SYSTEM, ehr, INV_SYSTEM, ad);
  dep(A, INV_SYSTEM, ad, INV_SYSTEM, dns);
  dep(A, INV_SYSTEM, dns, INV_SYSTEM, ad); /* the cycle */
  dep(A, INV_SERVICE, s4, INV_SERVICE, s1);
  dep(A, INV_SERVICE, s3, INV_SYSTEM, lib);
  InvImpact im;
  CHECK_INT(inv_impact(db, ar, A, INV_SYSTEM, dns, &im, &e), 0);
  CHECK_INT(im.nsvc, 3);
  CHECK_INT(im.ncritical, 2);
  CHECK_INT(im.nsystems, 3);
  CHECK_STR(im.svc[0].name, "Hjemmetjeneste"); /* critical function first */
  CHECK_STR(im.svc[0].path, "Hjemmetjeneste → Gerica → Active Directory → DNS");
  CHECK_STR(im.svc[1].name, "Saksbehandling");
  CHECK_STR(im.svc[2].name, "Innbyggerportal");
  CHECK_INT(im.svc[2].depth, 3);
  /* a supplier fails the systems it supplies, and everything above them */
  CHECK_INT(inv_impact(db, ar, A, INV_SUPPLIER, sup.id, &im, &e), 0);
  CHECK_INT(im.nsvc, 3);
  CHECK_INT(inv_impact(db, ar, A, INV_SYSTEM, lib, &im, &e), 0);
  CHECK_INT(im.nsvc, 1);
  CHECK_INT(im.ncritical, 0);
  CHECK_INT(inv_impact(db, ar, B, INV_SYSTEM, dns, &im, &e), VERR_NOTFOUND);
}

typedef struct Seen {
  int n;
  InvMatchItem last;
  char name[64];
} Seen;

static int seen_item(const InvMatchItem *it, void *ctx) {
  Seen *s = ctx;
  s->n++;
  s->last = *it;
  snprintf(s->name, sizeof s->name, "%s", it->p->name);
  return 0;
}

TEST(eol_and_match_items) {
  Err e = {0};
  int64_t old = prod(A, "Windows Server 2012 R2", "cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*", "2023-10-10");
  int64_t fut = prod(A, "FortiOS 7.2.4", "cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*", "2999-01-01");
  InvProduct p;
  CHECK_INT(inv_product_get(db, ar, A, old, &p, &e), 0);
  CHECK(p.eol);
  CHECK_INT(inv_product_get(db, ar, A, fut, &p, &e), 0);
  CHECK(!p.eol);
  int64_t fw = host(A, "fw01", "192.0.2.1", true), srv = host(A, "srv01", "10.1.1.1", false);
  int64_t vpn = sys_(A, "Brannmur og VPN", 0), files = sys_(A, "Filserver", 0);
  int64_t s = svc(A, "Hjemmekontor", 4, false);
  dep(A, INV_SYSTEM, vpn, INV_PRODUCT, fut);
  dep(A, INV_SYSTEM, vpn, INV_HOST, fw);
  dep(A, INV_SERVICE, s, INV_SYSTEM, vpn);
  dep(A, INV_PRODUCT, old, INV_HOST, srv);
  dep(A, INV_SYSTEM, files, INV_PRODUCT, old);
  Seen seen = {0};
  CHECK_INT(inv_match_items(db, A, fut, seen_item, &seen, &e), 0);
  CHECK_INT(seen.n, 1);
  CHECK(seen.last.internet);
  CHECK_INT(seen.last.criticality, 4);
  CHECK_INT(seen.last.nservices, 1);
  memset(&seen, 0, sizeof seen);
  CHECK_INT(inv_match_items(db, A, old, seen_item, &seen, &e), 0);
  CHECK(!seen.last.internet);
  CHECK_INT(seen.last.criticality, 0);
  memset(&seen, 0, sizeof seen);
  CHECK_INT(inv_match_items(db, A, 0, seen_item, &seen, &e), 0);
  CHECK(seen.n >= 2);
  /* the host becoming internet-facing changes the old product's exposure */
  InvHost h;
  inv_host_get(db, ar, A, srv, &h, &e);
  h.internet_facing = true;
  CHECK_INT(inv_host_save(db, &cli, &h, &e), 0);
  CHECK_INT(inv_match_items(db, A, old, seen_item, &seen, &e), 0);
  CHECK(seen.last.internet);
}

TEST(change_log) {
  Err e = {0};
  InvChange *ch;
  size_t n;
  CHECK_INT(inv_changes_list(db, ar, 0, 0, &ch, &n, &e), 0);
  CHECK(n > 0);
  int64_t last = ch[n - 1].seq;
  CHECK_INT(inv_changes_clear(db, last, &e), 0);
  int64_t p = prod(A, "Citrix ADC 13.1", "cpe:2.3:a:citrix:adc:13.1:*:*:*:*:*:*:*", "");
  CHECK_INT(inv_changes_list(db, ar, last, 0, &ch, &n, &e), 0);
  CHECK_INT(n, 1);
  CHECK_INT(ch[0].product_id, p);
  CHECK_INT(ch[0].org_id, A);
  CHECK(!ch[0].deleted);
  /* saving the same values again logs nothing */
  InvProduct same = {.id = p, .org_id = A, .name = "Citrix ADC 13.1", .cpe = "cpe:2.3:a:citrix:adc:13.1:*:*:*:*:*:*:*"};
  CHECK_INT(inv_product_save(db, &cli, &same, &e), 0);
  CHECK_INT(inv_changes_list(db, ar, last, 0, &ch, &n, &e), 0);
  CHECK_INT(n, 1);
  CHECK_INT(inv_delete(db, &cli, A, INV_PRODUCT, p, &e), 0);
  CHECK_INT(inv_changes_list(db, ar, last, 0, &ch, &n, &e), 0);
  CHECK_INT(n, 2);
  CHECK(ch[1].deleted);
  CHECK_INT(ch[1].product_id, p);
  int64_t s = svc(A, "Endringstjeneste", 2, false);
  CHECK(s > 0);
  CHECK_INT(inv_changes_list(db, ar, ch[1].seq, 0, &ch, &n, &e), 0);
  CHECK_INT(n, 1);
  CHECK_INT(ch[0].product_id, 0);
}

TEST(scope_needs_confirmation) {
  Err e = {0};
  InvScope c = {.org_id = A, .kind = "cidr", .value = "192.0.2.77/24", .note = "DMZ"};
  CHECK_INT(inv_scope_add(db, &cli, &c, &e), 0);
  InvScope d = {.org_id = A, .kind = "domain", .value = "Toten.Example.NO."};
  CHECK_INT(inv_scope_add(db, &cli, &d, &e), 0);
  InvScope bad = {.org_id = A, .kind = "cidr", .value = "192.0.2.0/33"};
  CHECK_INT(inv_scope_add(db, &cli, &bad, &e), VERR_INVALID);
  InvScope bad2 = {.org_id = A, .kind = "domain", .value = "-x.no"};
  CHECK_INT(inv_scope_add(db, &cli, &bad2, &e), VERR_INVALID);
  InvScope again = {.org_id = A, .kind = "cidr", .value = "192.0.2.0/24"};
  CHECK_INT(inv_scope_add(db, &cli, &again, &e), VERR_CONFLICT);
  InvScope *s;
  size_t n;
  CHECK_INT(inv_scope_list(db, ar, A, &s, &n, &e), 0);
  CHECK_INT(n, 2);
  CHECK_STR(s[0].value, "192.0.2.0/24");
  CHECK_STR(s[1].value, "toten.example.no");
  CHECK_INT(s[0].confirmed_at, 0);
  CHECK_INT(inv_scope_allows(db, A, "192.0.2.5", &e), 0); /* not confirmed yet */
  CHECK_INT(inv_scope_confirm(db, &cli, B, c.id, &e), VERR_NOTFOUND);
  CHECK_INT(inv_scope_confirm(db, &cli, A, c.id, &e), 0);
  CHECK_INT(inv_scope_confirm(db, &cli, A, c.id, &e), VERR_CONFLICT);
  CHECK_INT(inv_scope_confirm(db, &cli, A, d.id, &e), 0);
  CHECK_INT(inv_scope_allows(db, A, "192.0.2.5", &e), 1);
  CHECK_INT(inv_scope_allows(db, A, "192.0.3.5", &e), 0);
  CHECK_INT(inv_scope_allows(db, B, "192.0.2.5", &e), 0);
  CHECK_INT(inv_scope_allows(db, A, "www.toten.example.no", &e), 1);
  CHECK_INT(inv_scope_allows(db, A, "toten.example.no", &e), 1);
  CHECK_INT(inv_scope_allows(db, A, "eviltoten.example.no", &e), 0);
  CHECK_INT(inv_scope_allows(db, A, "example.no", &e), 0);
  CHECK_INT(inv_scope_list(db, ar, A, &s, &n, &e), 0);
  CHECK(s[0].confirmed_at > 0);
  CHECK_STR(s[0].confirmed_by_name, "kommandolinje");
}

/* Norwegian Excel: BOM, ';', CRLF, Norwegian headers and words. */
static const char csv_ok[] =
    "\xef\xbb\xbftype;navn;kritikalitet;samfunnskritisk;leverandør;drift;dataland;produsent;produkt;versjon;cpe;"
    "støtteslutt;adresser;internettvendt;avhenger_av\r\n"
    "tjeneste;Byggesak;høy;nei;;;;;;;;;;;system:Acos WebSak\r\n"
    "system;Acos WebSak;;;Acos AS;onprem;no;;;;;;;;programvare:WebSak 7.0 | maskin:sak01\r\n"
    "programvare;WebSak 7.0;;;;;;Acos;WebSak;7.0;;2030-01-01;;;maskin:sak01\r\n"
    "maskin;sak01;;;;;;;;;;;10.2.0.10;nei;\r\n"
    "omfang;198.51.100.0/24;;;;;;;;;;;;;\r\n";

static const char csv_bad[] =
    "type;navn;kritikalitet;cpe;adresser;avhenger_av\n"
    "tjeneste;Skoleskyss;9;;;\n"
    "planet;Pluto;;;;\n"
    "programvare;Ødelagt;;cpe:2.3:x;;\n"
    "maskin;web01;;;300.1.1.1;\n"
    "tjeneste;Skolemat;2;;;system:Finnes ikke\n"
    "maskin;web02;;;192.0.2.80;\n";

static size_t count_products(int64_t org) {
  InvProduct *p;
  size_t n = 0;
  Err e = {0};
  inv_product_list(db, ar, org, &p, &n, &e);
  return n;
}

TEST(csv_import_dry_run_errors_and_idempotence) {
  Err e = {0};
  int64_t C = mkorg("Importkommune", "3401");
  InvImportResult r;
  CHECK_INT(inv_import(db, &cli, C, "a.csv", csv_ok, sizeof csv_ok - 1, true, &r, &e), 0);
  CHECK_INT(r.rows, 5);
  CHECK_INT(r.errors, 0);
  CHECK(r.created >= 6); /* 5 objects + supplier + 4 edges */
  CHECK(strstr(r.log.p, "ville opprettet tjeneste «Byggesak»") != NULL);
  inv_import_result_free(&r);
  CHECK_INT(count_products(C), 0); /* dry run stored nothing */
  CHECK_INT(inv_import(db, &cli, C, "a.csv", csv_ok, sizeof csv_ok - 1, false, &r, &e), 0);
  size_t created = r.created;
  inv_import_result_free(&r);
  CHECK_INT(count_products(C), 1);
  InvSystem *sy;
  size_t n;
  inv_system_list(db, ar, C, &sy, &n, &e);
  CHECK_INT(n, 1);
  CHECK_STR(sy[0].supplier_name, "Acos AS");
  CHECK_STR(sy[0].data_country, "NO");
  InvImpact im;
  int64_t h = 0;
  InvHost *hs;
  inv_host_list(db, ar, C, &hs, &n, &e);
  h = hs[0].id;
  CHECK_INT(inv_impact(db, ar, C, INV_HOST, h, &im, &e), 0);
  CHECK_INT(im.nsvc, 1);
  CHECK_STR(im.svc[0].name, "Byggesak");
  CHECK_INT(im.svc[0].criticality, 4);
  /* the same file again changes nothing */
  CHECK_INT(inv_import(db, &cli, C, "a.csv", csv_ok, sizeof csv_ok - 1, false, &r, &e), 0);
  CHECK_INT(r.created + r.updated, 0);
  CHECK(r.unchanged >= 5);
  inv_import_result_free(&r);
  CHECK(created >= 6);
  /* row-level errors: bad rows skipped, good rows kept */
  CHECK_INT(inv_import(db, &cli, C, "b.csv", csv_bad, sizeof csv_bad - 1, false, &r, &e), 0);
  CHECK_INT(r.errors, 5);
  CHECK(strstr(r.log.p, "linje 2: feil: Kritikalitet") != NULL);
  CHECK(strstr(r.log.p, "linje 3: feil: ukjent type «planet»") != NULL);
  CHECK(strstr(r.log.p, "linje 4: feil: Ugyldig CPE") != NULL);
  CHECK(strstr(r.log.p, "linje 5: feil: Ugyldig IP-adresse «300.1.1.1»") != NULL);
  CHECK(strstr(r.log.p, "linje 6: feil: fant ikke «system:Finnes ikke»") != NULL);
  inv_import_result_free(&r);
  inv_host_list(db, ar, C, &hs, &n, &e);
  CHECK_INT(n, 2); /* sak01 and web02 */
  /* no header with type/navn: an error for the whole file, nothing stored */
  CHECK_INT(inv_import(db, &cli, C, "c.csv", "type;x\nfoo;bar\n", 16, false, &r, &e), VERR_INVALID);
  inv_import_result_free(&r);
}

TEST(export_round_trip) {
  Err e = {0};
  Buf out;
  buf_init(&out, 1 << 20);
  CHECK_INT(inv_export_csv(db, A, &out, &e), 0);
  CHECK(out.n > 3 && !memcmp(out.p, "\xef\xbb\xbf" "type;navn;", 13));
  CHECK(strstr(out.p, "tjeneste;Hjemmetjeneste;;5;ja;") != NULL);
  CHECK(strstr(out.p, "system:Gerica") != NULL);
  int64_t D = mkorg("Kopikommune", "3402");
  InvImportResult r;
  CHECK_INT(inv_import(db, &cli, D, "export.csv", out.p, out.n, false, &r, &e), 0);
  CHECK_INT(r.errors, 0);
  inv_import_result_free(&r);
  Buf again;
  buf_init(&again, 1 << 20);
  CHECK_INT(inv_export_csv(db, D, &again, &e), 0);
  CHECK_INT(again.n, out.n);
  CHECK(again.n == out.n && !memcmp(again.p, out.p, out.n));
  /* and importing the export over the original changes nothing */
  CHECK_INT(inv_import(db, &cli, A, "export.csv", out.p, out.n, false, &r, &e), 0);
  CHECK_INT(r.created + r.updated, 0);
  inv_import_result_free(&r);
  buf_free(&out);
  buf_free(&again);
}

static const char sbom[] =
    "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\","
    "\"metadata\":{\"component\":{\"type\":\"application\",\"name\":\"Innbyggerportal\"}},"
    "\"components\":["
    "{\"type\":\"library\",\"name\":\"log4j-core\",\"version\":\"2.14.1\","
    "\"purl\":\"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1\"},"
    "{\"type\":\"library\",\"name\":\"openssl\",\"version\":\"3.0.7\","
    "\"cpe\":\"cpe:2.3:a:openssl:openssl:3.0.7:*:*:*:*:*:*:*\"},"
    "{\"type\":\"library\",\"version\":\"1\"},"
    "{\"type\":\"library\",\"name\":\"broken\",\"cpe\":\"cpe:2.3:a\"}]}";

TEST(cyclonedx_import) {
  Err e = {0};
  int64_t S = mkorg("Sbomkommune", "3403");
  InvImportResult r;
  CHECK_INT(inv_import(db, &cli, S, "sbom.json", sbom, sizeof sbom - 1, false, &r, &e), 0);
  CHECK_INT(r.errors, 2);
  CHECK(strstr(r.log.p, "$.components[2]") != NULL);
  CHECK(strstr(r.log.p, "$.components[3]") != NULL);
  inv_import_result_free(&r);
  InvProduct *p;
  size_t n;
  CHECK_INT(inv_product_list(db, ar, S, &p, &n, &e), 0);
  CHECK_INT(n, 2);
  CHECK_STR(p[0].name, "log4j-core 2.14.1");
  CHECK_STR(p[0].purl, "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
  CHECK_STR(p[1].cpe, "cpe:2.3:a:openssl:openssl:3.0.7:*:*:*:*:*:*:*");
  InvSystem *sy;
  CHECK_INT(inv_system_list(db, ar, S, &sy, &n, &e), 0);
  CHECK_INT(n, 1);
  CHECK_STR(sy[0].name, "Innbyggerportal");
  InvDep *d;
  CHECK_INT(inv_dep_list(db, ar, S, INV_SYSTEM, sy[0].id, &d, &n, &e), 0);
  CHECK_INT(n, 2);
  CHECK_INT(inv_import(db, &cli, S, "x.json", "{\"bomFormat\":\"SPDX\"}", 20, false, &r, &e), VERR_INVALID);
  inv_import_result_free(&r);
  CHECK_INT(inv_import(db, &cli, S, "x.json", "{nope", 5, false, &r, &e), VERR_INVALID);
  inv_import_result_free(&r);
}

TEST(audit_chain_intact) {
  Err e = {0};
  int64_t count = 0, bad = 0;
  CHECK_INT(audit_verify(db, &count, &bad, NULL, &e), 0);
  CHECK(count > 20);
  int64_t n = 0;
  db_int(db, &e, &n, "SELECT count(*) FROM audit_log WHERE action LIKE 'inventory.%'", "");
  CHECK(n > 20);
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  char p[300];
  snprintf(p, sizeof p, "%s/i.db", dir);
  Err e = {0};
  if (db_open(&db, p, DB_OPEN_CREATE, &e)) return 1;
  auth_principal_cli(&cli);
  ar = arena_new((size_t)256 << 20);
  OrgNew nat = {.kind = ORG_NATIONAL, .name = "Senter", .population = -1};
  if (org_create(db, &cli, &nat, &root, &e)) return 1;
  A = mkorg("Toten kommune", "3442");
  B = mkorg("Naboby kommune", "3443");
  RUN(validation_and_isolation);
  RUN(dependency_rules);
  RUN(impact_with_cycle_and_supplier);
  RUN(eol_and_match_items);
  RUN(change_log);
  RUN(scope_needs_confirmation);
  RUN(csv_import_dry_run_errors_and_idempotence);
  RUN(export_round_trip);
  RUN(cyclonedx_import);
  RUN(audit_chain_intact);
  arena_free(ar);
  db_close(db);
  snprintf(p, sizeof p, "rm -rf %s", dir);
  if (system(p)) {}
  return TEST_DONE();
}
