/* test_vuln_match.c — inventories (CSV incl. the Norwegian Excel dialect,
 * CycloneDX), the matcher's KEV/EPSS annotation and priority formula, and
 * CSAF product matching by purl, CPE, name+version and ranges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "vuln/inventory.h"
#include "vuln/match.h"

TEST(csv_comma) {
  static const char csv[] =
      "name,vendor,product,version,cpe,purl,platform,internet_facing,criticality\n"
      "Web,Acme,Web Server,2.5,,,cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*,yes,5\n"
      "\"Lib, quoted\",,,,,pkg:npm/lodash@4.17.20,,,\n"
      "Bad cpe,,,,cpe:2.3:a:x,,,,\n"
      "No id,,Thing,1.0,,,,,\n"
      ",,,,,,,,\n"
      "Crit,Acme,X,1,,,,,enormous\n"
      "\"Multi\nline\",Acme,X,1,,,,,\n";
  VulnInventory inv;
  VulnReport r = {0};
  Err e = {0};
  vuln_inventory_init(&inv);
  CHECK_INT(vuln_inventory_csv(&inv, "i.csv", csv, sizeof csv - 1, &r, &e), 0);
  CHECK_INT(inv.n, 3);
  CHECK_INT(r.nerr, 3);
  CHECK(strstr(r.last, "i.csv: line 7") != NULL);   /* criticality */
  const VulnItem *w = &inv.item[0];
  CHECK_STR(w->name, "Web");
  CHECK(w->derived && w->internet && w->criticality == 5 && w->nplatform == 1);
  CHECK_STR(w->cpe.v[CPE_PRODUCT], "web_server");
  CHECK_STR(w->cpe.v[CPE_VERSION], "2\\.5");
  CHECK_STR(inv.item[1].name, "Lib, quoted");
  CHECK(inv.item[1].has_purl && !inv.item[1].has_cpe);
  CHECK_STR(inv.item[2].name, "Multi\nline");
  CHECK_INT(inv.item[2].line, 8);
  vuln_inventory_free(&inv);
}

TEST(csv_norwegian_excel) {
  /* BOM, ';', CRLF, Norwegian headers, Windows-1252 "ø" in a name */
  static const char csv[] =
      "\xef\xbb\xbfNavn;Leverand\xf8r;Produkt;Versjon;CPE;Internett;Kritikalitet\r\n"
      "Sak/arkiv;Acme;Web;1,2;;ja;h\xf8y\r\n"
      "Brannmur;;;;cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*;nei;kritisk\r\n";
  VulnInventory inv;
  VulnReport r = {0};
  Err e = {0};
  vuln_inventory_init(&inv);
  CHECK_INT(vuln_inventory_csv(&inv, "n.csv", csv, sizeof csv - 1, &r, &e), 0);
  if (r.nerr) fprintf(stderr, "%s\n", r.last);
  CHECK_INT(inv.n, 2);
  CHECK_STR(inv.item[0].name, "Sak/arkiv");
  CHECK_STR(inv.item[0].vendor, "Acme");            /* "Leverandør" header understood */
  CHECK_STR(inv.item[0].version, "1,2");            /* ',' is data under ';' */
  CHECK_INT(inv.item[0].criticality, 4);            /* "høy" after cp1252 → UTF-8 */
  CHECK(inv.item[0].internet);
  CHECK(!inv.item[1].internet && inv.item[1].criticality == 5);
  CHECK_STR(inv.item[1].cpe.v[CPE_PRODUCT], "fortios");
  vuln_inventory_free(&inv);
}

TEST(csv_errors) {
  VulnInventory inv;
  VulnReport r = {0};
  Err e = {0};
  vuln_inventory_init(&inv);
  CHECK(vuln_inventory_csv(&inv, "h.csv", "foo,bar\n1,2\n", 12, &r, &e) != 0);  /* no usable header */
  CHECK(strstr(e.msg, "header") != NULL);
  static const char q[] = "cpe\ncpe:2.3:a:a:b:1:*:*:*:*:*:*:*\n\"unterminated\n";
  CHECK_INT(vuln_inventory_csv(&inv, "q.csv", q, sizeof q - 1, &r, &e), 0);
  CHECK_INT(inv.n, 1);
  CHECK(strstr(r.last, "q.csv: line 3: unterminated quote") != NULL);
  vuln_inventory_free(&inv);
}

TEST(cyclonedx) {
  static const char bom[] =
      "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":["
      "{\"type\":\"library\",\"name\":\"lodash\",\"version\":\"4.17.20\",\"purl\":\"pkg:npm/lodash@4.17.20\"},"
      "{\"type\":\"application\",\"name\":\"Web\",\"version\":\"2.5\",\"supplier\":{\"name\":\"Acme\"},"
      " \"components\":[{\"name\":\"inner\",\"cpe\":\"cpe:2.3:a:acme:inner:1.0:*:*:*:*:*:*:*\"},"
      "                 {\"name\":\"broken\",\"cpe\":\"cpe:2.3:a:acme\"}]},"
      "{\"name\":\"anon\",\"version\":\"1\"},"
      "{\"version\":\"1\"}]}";
  VulnInventory inv;
  VulnReport r = {0};
  Err e = {0};
  vuln_inventory_init(&inv);
  CHECK_INT(vuln_inventory_cyclonedx(&inv, "b.json", bom, sizeof bom - 1, &r, &e), 0);
  CHECK_INT(inv.n, 3);
  CHECK_INT(r.nerr, 3);
  CHECK_STR(inv.item[1].vendor, "Acme");            /* supplier.name */
  CHECK(inv.item[1].derived);
  CHECK_STR(inv.item[2].name, "inner");             /* nested components */
  CHECK(strstr(r.last, "b.json: $.components[3]") != NULL);
  CHECK(vuln_inventory_cyclonedx(&inv, "x.json", "{\"bomFormat\":\"SPDX\"}", 20, &r, &e) != 0);
  vuln_inventory_free(&inv);
}

TEST(priority_formula) {
  const char *cls;
  CHECK(vuln_priority(9.8, false, false, 0.5, true, 3, &cls) > 81.2);
  CHECK_STR(cls, "critical");                       /* 58.8 + 7.5 + 10 + 5 = 81.3 */
  CHECK_INT((int)(vuln_priority(7.5, false, false, 0.1, false, 3, &cls) * 10 + 0.5), 515);
  CHECK_STR(cls, "medium");
  vuln_priority(4.0, true, false, -1, false, 1, &cls);
  CHECK_STR(cls, "high");                           /* KEV is at least high */
  vuln_priority(4.0, true, false, -1, true, 1, &cls);
  CHECK_STR(cls, "critical");                       /* KEV and internet-facing */
  CHECK(vuln_priority(10, true, true, 1.0, true, 5, &cls) == 100);  /* capped */
  CHECK_INT((int)vuln_priority(-1, false, false, -1, false, 0, &cls), 35);  /* unknowns: 30 + 5 */
  CHECK_STR(cls, "low");
}

static const char nvd[] =
    "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2025-0001\",\"metrics\":{\"cvssMetricV31\":[{\"type\":\"Primary\","
    "\"cvssData\":{\"baseScore\":9.8,\"vectorString\":\"CVSS:3.1/AV:N\"}}]},\"configurations\":[{\"nodes\":[{\"operator\":\"OR\","
    "\"cpeMatch\":[{\"vulnerable\":true,\"criteria\":\"cpe:2.3:a:acme:web_server:*:*:*:*:*:*:*:*\",\"versionEndExcluding\":\"3.0\"}]}]}]}}]}";
static const char kev[] =
    "{\"catalogVersion\":\"1\",\"vulnerabilities\":[{\"cveID\":\"CVE-2025-0001\",\"vendorProject\":\"Acme\",\"product\":\"Web\","
    "\"vulnerabilityName\":\"n\",\"dateAdded\":\"2025-01-01\",\"shortDescription\":\"d\",\"requiredAction\":\"a\","
    "\"dueDate\":\"2025-01-22\",\"knownRansomwareCampaignUse\":\"Known\"}]}";
static const char epss[] = "#model_version:v2025.03.14,score_date:x\ncve,epss,percentile\nCVE-2025-0001,0.9,0.99\n";
static const char csaf[] =
    "{\"document\":{\"category\":\"csaf_base\",\"csaf_version\":\"2.0\",\"title\":\"t\","
    "\"publisher\":{\"category\":\"vendor\",\"name\":\"Acme\",\"namespace\":\"https://acme.example\"},"
    "\"tracking\":{\"id\":\"ACME-1\",\"status\":\"final\",\"version\":\"1\",\"initial_release_date\":\"2024-01-01T00:00:00Z\","
    "\"current_release_date\":\"2024-01-01T00:00:00Z\",\"revision_history\":[{\"number\":\"1\",\"date\":\"2024-01-01T00:00:00Z\",\"summary\":\"s\"}]}},"
    "\"product_tree\":{\"branches\":[{\"category\":\"vendor\",\"name\":\"Siemens AG\",\"branches\":[{\"category\":\"product_name\",\"name\":\"SCALANCE X-200\","
    "\"branches\":[{\"category\":\"product_version_range\",\"name\":\"vers:generic/<5.2.5\",\"product\":{\"product_id\":\"P1\",\"name\":\"X-200 < 5.2.5\"}},"
    "{\"category\":\"product_version_range\",\"name\":\"All versions < V6.0\",\"product\":{\"product_id\":\"P2\",\"name\":\"X-200 < 6\"}},"
    "{\"category\":\"product_version\",\"name\":\"7.0\",\"product\":{\"product_id\":\"P3\",\"name\":\"X-200 7.0\"}}]},"
    "{\"category\":\"product_name\",\"name\":\"LOGO\",\"branches\":[{\"category\":\"product_version_range\",\"name\":\"<=the_first_5_digits_of_serial_number_24031\","
    "\"product\":{\"product_id\":\"P4\",\"name\":\"LOGO 8+\"}}]}]}],"
    "\"full_product_names\":[{\"product_id\":\"LD\",\"name\":\"lodash\",\"product_identification_helper\":{\"purl\":\"pkg:npm/lodash@4.17.20\"}},"
    "{\"product_id\":\"FW\",\"name\":\"FortiOS\",\"product_identification_helper\":{\"cpe\":\"cpe:2.3:o:fortinet:fortios:7.2.*:*:*:*:*:*:*:*\"}}]},"
    "\"vulnerabilities\":[{\"cve\":\"CVE-2025-0002\",\"product_status\":{\"known_affected\":[\"P1\",\"LD\",\"FW\"],\"fixed\":[\"P3\"]}},"
    "{\"cve\":\"CVE-2025-0003\",\"product_status\":{\"known_affected\":[\"P2\",\"P4\"],\"known_not_affected\":[\"LD\"]}}]}";

static VulnDb *feeds(void) {
  VulnDb *db = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  vuln_load_buffer(db, "nvd", nvd, sizeof nvd - 1, &r, &e);
  vuln_load_buffer(db, "kev", kev, sizeof kev - 1, &r, &e);
  vuln_load_buffer(db, "epss", epss, sizeof epss - 1, &r, &e);
  vuln_load_buffer(db, "csaf", csaf, sizeof csaf - 1, &r, &e);
  if (r.nerr || e.code) fprintf(stderr, "feeds: %s %s\n", r.last, e.msg);
  vuln_db_finish(db);
  return db;
}

static VulnMatchList run(VulnDb *db, const char *csv) {
  VulnInventory inv;
  VulnReport r = {0};
  Err e = {0};
  VulnMatchList l = {0};
  vuln_inventory_init(&inv);
  vuln_inventory_csv(&inv, "t.csv", csv, strlen(csv), &r, &e);
  if (r.nerr) fprintf(stderr, "inventory: %s\n", r.last);
  VulnMatcher *m = vuln_matcher_new(db, NULL);
  for (size_t i = 0; i < inv.n; i++) vuln_match_item(m, &inv.item[i], i, &l);
  vuln_matcher_free(m);
  vuln_inventory_free(&inv);
  return l;
}

TEST(annotation) {
  VulnDb *db = feeds();
  VulnMatchList l = run(db, "vendor,product,version,internet_facing,criticality\nAcme,Web Server,2.9,yes,4\nAcme,Web Server,3.0,yes,4\n");
  CHECK_INT(l.n, 1);
  if (l.n == 1) {
    VulnMatch *m = &l.m[0];
    CHECK_STR(m->id, "CVE-2025-0001");
    CHECK(m->kev && m->ransomware);
    CHECK_STR(m->kev_due, "2025-01-22");
    CHECK(m->epss == 0.9 && m->epss_pct == 0.99);
    CHECK(m->cvss == 9.8);
    CHECK_STR(m->priority_class, "critical");
    CHECK_INT((int)(m->priority * 100 + 0.5), 10000);   /* 58.8+20+5+14.85+10+7.5 capped */
    CHECK_STR(m->confidence, "derived");
    char why[600];
    CHECK(strstr(vuln_match_reason(m, why, sizeof why), "cpe:2.3:a:acme:web_server:*:*:*:*:*:*:*:* <3.0") != NULL);
  }
  vuln_match_list_free(&l);
  vuln_db_free(db);
}

TEST(csaf_products) {
  VulnDb *db = feeds();
  VulnMatchList l = run(db,
      "name,vendor,product,version,cpe,purl\n"
      "sw1,Siemens,SCALANCE X-200,5.2.4,,\n"     /* P1 (vers) and P2 (free text) */
      "sw2,siemens ag,scalance x200,5.9,,\n"     /* P2 only; names normalised */
      "sw3,Siemens,SCALANCE X-200,7.0,,\n"       /* P3 is fixed: nothing */
      "lib,,,,,pkg:npm/lodash@4.17.20\n"         /* affected by 0002, not_affected by 0003 */
      "lib2,,,,,pkg:npm/lodash@4.17.21\n"
      "fw,,,,cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*,\n"
      "fw2,,,,cpe:2.3:o:fortinet:fortios:7.4.1:*:*:*:*:*:*:*,\n"
      "logo,Siemens,LOGO,8.3,,\n");                /* range text not understood: low confidence */
  char got[512] = "";
  for (size_t i = 0; i < l.n; i++) {
    char one[64];
    snprintf(one, sizeof one, "%zu:%s:%s ", l.m[i].item, l.m[i].id + 9, l.m[i].confidence);
    strncat(got, one, sizeof got - strlen(got) - 1);
  }
  char why[600];
  CHECK(l.n > 3 && strstr(vuln_match_reason(&l.m[3], why, sizeof why), "ACME-1 product LD \"lodash\" (known_affected): purl pkg:npm/lodash@4.17.20"));
  CHECK_STR(got, "0:0002:name 0:0003:name 1:0003:name 3:0002:exact 5:0002:exact 7:0003:text-range ");
  vuln_match_list_free(&l);
  vuln_db_free(db);
}

int main(void) {
  RUN(csv_comma);
  RUN(csv_norwegian_excel);
  RUN(csv_errors);
  RUN(cyclonedx);
  RUN(priority_formula);
  RUN(annotation);
  RUN(csaf_products);
  return TEST_DONE();
}
