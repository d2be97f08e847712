/* test_vuln_feeds.c — KEV and EPSS parsing (malformed entries and lines),
 * CSAF 2.0 validation against the OASIS mandatory test documents, product
 * tree flattening, product status, the real CISA advisories, and feed
 * detection. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "vuln/csaf.h"
#include "vuln/vuln.h"

static const char *shared(void) {
  const char *s = getenv("VARDE_SHARED");
  return s ? s : "../shared";
}

TEST(kev_entries) {
  static const char kev[] =
      "{\"title\":\"t\",\"catalogVersion\":\"2025.08.25\",\"count\":4,\"vulnerabilities\":["
      "{\"cveID\":\"CVE-2025-0001\",\"vendorProject\":\"V\",\"product\":\"P\",\"vulnerabilityName\":\"n\","
      "\"dateAdded\":\"2025-08-01\",\"shortDescription\":\"d\",\"requiredAction\":\"a\",\"dueDate\":\"2025-08-22\","
      "\"knownRansomwareCampaignUse\":\"Known\"},"
      "{\"cveID\":\"CVE-2025-0002\",\"vendorProject\":\"V\",\"product\":\"P\",\"vulnerabilityName\":\"n\","
      "\"dateAdded\":\"2025-08-01\",\"shortDescription\":\"d\",\"requiredAction\":\"a\"},"   /* no dueDate */
      "{\"cveID\":\"CVE-2025-0003\",\"vendorProject\":\"V\",\"product\":\"P\",\"vulnerabilityName\":\"n\","
      "\"dateAdded\":\"2025-08-01\",\"shortDescription\":\"d\",\"requiredAction\":\"a\",\"dueDate\":\"soon\"},"
      "{\"cveID\":\"CVE-2025-0004\",\"vendorProject\":\"V\",\"product\":\"P\",\"vulnerabilityName\":\"n\","
      "\"dateAdded\":\"2025-08-10\",\"shortDescription\":\"d\",\"requiredAction\":\"a\",\"dueDate\":\"2025-08-03\","
      "\"knownRansomwareCampaignUse\":\"Unknown\"}]}";   /* negative gap: kept as published */
  VulnDb *db = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  CHECK_INT(vuln_load_buffer(db, "kev.json", kev, sizeof kev - 1, &r, &e), 0);
  CHECK_INT(db->nkev, 2);
  CHECK_INT(r.nerr, 2);
  CHECK(strstr(r.last, "kev.json: $.vulnerabilities[2]") != NULL);
  vuln_db_finish(db);
  const VulnKev *k = vuln_db_kev(db, "CVE-2025-0001");
  CHECK(k && k->ransomware && !strcmp(k->due, "2025-08-22"));
  k = vuln_db_kev(db, "CVE-2025-0004");
  CHECK(k && !k->ransomware && !strcmp(k->due, "2025-08-03"));
  CHECK(vuln_db_kev(db, "CVE-2025-0002") == NULL);
  vuln_db_free(db);
}

TEST(kev_real_catalogue) {
  char path[1024];
  snprintf(path, sizeof path, "%s/data/kev/known_exploited_vulnerabilities.json", shared());
  VulnDb *db = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  if (vuln_load_path(db, path, &r, &e) == VERR_IO) {
    printf("# skip: %s missing\n", path);
  } else {
    CHECK_INT(db->nkev, 1404);
    CHECK_INT(r.nerr, 0);
    size_t known = 0;
    for (size_t i = 0; i < db->nkev; i++) known += db->kev[i].ransomware;
    CHECK_INT(known, 293);   /* the reference's count for catalogue 2025.08.25 */
    vuln_db_finish(db);
    const VulnKev *k = vuln_db_kev(db, "CVE-2025-48384");
    CHECK(k && !strcmp(k->due, "2025-09-15"));
  }
  vuln_db_free(db);
}

TEST(epss_lines) {
  static const char csv[] =
      "\xef\xbb\xbf#model_version:v2025.03.14,score_date:2025-03-20T00:00:00+0000\r\n"
      "cve,epss,percentile\r\n"
      "CVE-2024-0001,0.97000,0.99900\r\n"
      "CVE-2024-0002,5e-05,0.01\r\n"          /* scientific notation */
      "CVE-2024-0003,abc,0.5\r\n"             /* bad number */
      "CVE-2024-0004,0.5\r\n"                 /* missing column */
      "CVE-2024-0005,1.5,0.2\r\n"             /* out of range */
      "not-a-cve,0.1,0.1\r\n"
      "\r\n"
      "CVE-2024-0006,0.1,0.2";                /* no final newline */
  VulnDb *db = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  CHECK_INT(vuln_detect(csv, sizeof csv - 1), VULN_FEED_EPSS);
  CHECK_INT(vuln_load_buffer(db, "e.csv", csv, sizeof csv - 1, &r, &e), 0);
  CHECK_INT(db->nepss, 3);
  CHECK_INT(r.nerr, 4);
  CHECK(strstr(r.last, "e.csv: line 8") != NULL);
  CHECK_STR(db->epss_model, "v2025.03.14");
  vuln_db_finish(db);
  const VulnEpss *x = vuln_db_epss(db, "CVE-2024-0002");
  CHECK(x && x->score == 5e-05 && x->percentile == 0.01);
  CHECK(vuln_db_epss(db, "CVE-2024-0006") != NULL);
  vuln_db_free(db);
}

TEST(epss_real_example) {
  char path[1024];
  snprintf(path, sizeof path, "%s/data/epss/example-1.csv", shared());
  VulnDb *db = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  if (vuln_load_path(db, path, &r, &e) == VERR_IO) {
    printf("# skip: %s missing\n", path);
  } else {
    CHECK_INT(db->nepss, 5);
    CHECK_INT(r.nerr, 0);
    CHECK_STR(db->epss_model, "v2023.03.01");
    vuln_db_finish(db);
    const VulnEpss *x = vuln_db_epss(db, "CVE-1999-0005");
    CHECK(x && x->score == 0.91963 && x->percentile == 0.99214);
  }
  vuln_db_free(db);
}

static int implemented(const char *id) {
  for (int i = 0; vuln_csaf_tests[i]; i++)
    if (!strcmp(vuln_csaf_tests[i], id)) return 1;
  return 0;
}

/* Every invalid document of an implemented mandatory test is rejected with
 * that test's number; every valid document of any mandatory test passes. */
TEST(csaf_oasis_mandatory) {
  char dir[1024], path[1400], msg[512];
  snprintf(dir, sizeof dir, "%s/data/csaf/oasis/csaf_2.0/test/validator/data", shared());
  snprintf(path, sizeof path, "%s/testcases.json", dir);
  json_t *tc = json_load_file(path, 0, NULL), *t;
  if (!tc) {
    printf("# skip: %s missing\n", path);
    return;
  }
  size_t i, j, rejected = 0, accepted = 0, tests = 0;
  json_array_foreach(json_object_get(tc, "tests"), i, t) {
    const char *id = json_string_value(json_object_get(t, "id"));
    if (strcmp(json_string_value(json_object_get(t, "group")), "mandatory")) continue;
    int impl = implemented(id);
    tests += impl;
    for (int kind = 0; kind < 2; kind++) {
      json_t *f;
      json_array_foreach(json_object_get(t, kind ? "valid" : "failures"), j, f) {
        if (!kind && !impl) continue;
        snprintf(path, sizeof path, "%s/%s", dir, json_string_value(json_object_get(f, "name")));
        json_t *doc = json_load_file(path, 0, NULL);
        CHECK(doc != NULL);
        int rc = vuln_csaf_check(doc, 0, msg, sizeof msg);
        json_decref(doc);
        if (kind) {
          if (rc) fprintf(stderr, "valid %s rejected: %s\n", path, msg);
          CHECK_INT(rc, 0);
          accepted += !rc;
        } else {
          char want[32];
          snprintf(want, sizeof want, "; %s ", id);
          int ok = rc && (!strncmp(msg, want + 2, strlen(want + 2)) || strstr(msg, want));
          if (!ok) fprintf(stderr, "invalid %s (test %s): %s\n", path, id, rc ? msg : "accepted");
          CHECK(ok);
          rejected += ok;
        }
      }
    }
  }
  printf("# %zu mandatory tests implemented; %zu invalid documents rejected, %zu valid accepted\n", tests, rejected, accepted);
  CHECK(tests >= 35);
  CHECK(rejected >= 60);
  json_decref(tc);
}

TEST(csaf_required_fields) {
  char msg[256];
  json_t *doc = json_loads("{\"document\":{\"category\":\"csaf_base\",\"csaf_version\":\"2.0\",\"title\":\"t\","
                           "\"publisher\":{\"category\":\"vendor\",\"name\":\"n\",\"namespace\":\"https://x\"}}}", 0, NULL);
  CHECK_INT(vuln_csaf_check(doc, 0, msg, sizeof msg), -1);
  CHECK_STR(msg, "required: /document/tracking missing");
  json_decref(doc);
  doc = json_loads("[1,2]", 0, NULL);
  CHECK_INT(vuln_csaf_check(doc, 0, msg, sizeof msg), -1);
  json_decref(doc);
}

static const char advisory[] =
    "{\"document\":{\"category\":\"csaf_security_advisory\",\"csaf_version\":\"2.0\",\"title\":\"Test advisory\","
    "\"publisher\":{\"category\":\"vendor\",\"name\":\"Acme PSIRT\",\"namespace\":\"https://acme.example\"},"
    "\"distribution\":{\"tlp\":{\"label\":\"WHITE\"}},"
    "\"tracking\":{\"id\":\"ACME-2024-01\",\"status\":\"final\",\"version\":\"1\",\"initial_release_date\":\"2024-01-01T00:00:00Z\","
    "\"current_release_date\":\"2024-01-01T00:00:00Z\",\"revision_history\":[{\"number\":\"1\",\"date\":\"2024-01-01T00:00:00Z\",\"summary\":\"s\"}]}},"
    "\"product_tree\":{\"branches\":[{\"category\":\"vendor\",\"name\":\"Acme\",\"branches\":["
    "{\"category\":\"product_name\",\"name\":\"Gateway\",\"branches\":["
    "{\"category\":\"product_version\",\"name\":\"2.1\",\"product\":{\"product_id\":\"GW21\",\"name\":\"Acme Gateway 2.1\","
    "\"product_identification_helper\":{\"cpe\":\"cpe:2.3:h:acme:gateway:2.1:*:*:*:*:*:*:*\"}}},"
    "{\"category\":\"product_version\",\"name\":\"2.2\",\"product\":{\"product_id\":\"GW22\",\"name\":\"Acme Gateway 2.2\"}},"
    "{\"category\":\"product_version_range\",\"name\":\"vers:generic/<2.0\",\"product\":{\"product_id\":\"GWOLD\",\"name\":\"Acme Gateway < 2.0\"}}]},"
    "{\"category\":\"product_name\",\"name\":\"libacme\",\"product\":{\"product_id\":\"LIB\",\"name\":\"libacme\","
    "\"product_identification_helper\":{\"purl\":\"pkg:generic/acme/libacme@1.4\"}}}]}],"
    "\"full_product_names\":[{\"product_id\":\"OS\",\"name\":\"Acme OS\"}],"
    "\"relationships\":[{\"category\":\"installed_on\",\"product_reference\":\"LIB\",\"relates_to_product_reference\":\"OS\","
    "\"full_product_name\":{\"product_id\":\"LIB-ON-OS\",\"name\":\"libacme on Acme OS\"}}]},"
    "\"vulnerabilities\":[{\"cve\":\"CVE-2024-1111\",\"notes\":[{\"category\":\"description\",\"text\":\"x\"}],"
    "\"product_status\":{\"known_affected\":[\"GW21\",\"GWOLD\",\"LIB-ON-OS\"],\"fixed\":[\"GW22\"],\"known_not_affected\":[\"OS\"]},"
    "\"scores\":[{\"products\":[\"GW21\"],\"cvss_v3\":{\"version\":\"3.1\",\"vectorString\":\"CVSS:3.1/AV:N\",\"baseScore\":8.1,\"baseSeverity\":\"HIGH\"}}]}]}";

TEST(csaf_flatten_and_status) {
  VulnDb *db = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  CHECK_INT(vuln_detect(advisory, sizeof advisory - 1), VULN_FEED_CSAF);
  CHECK_INT(vuln_load_buffer(db, "a.json", advisory, sizeof advisory - 1, &r, &e), 0);
  if (r.nerr) fprintf(stderr, "%s\n", r.last);
  CHECK_INT(db->ncsaf, 1);
  const VulnCsaf *c = &db->csaf[0];
  CHECK_STR(c->id, "ACME-2024-01");
  CHECK_STR(c->tlp, "WHITE");
  CHECK_INT(c->nprod, 6);
  CHECK_STR(c->prod[0].id, "GW21");
  CHECK_STR(c->prod[0].vendor, "Acme");
  CHECK_STR(c->prod[0].product, "Gateway");
  CHECK_STR(c->prod[0].version, "2.1");
  CHECK_STR(c->prod[0].cpe, "cpe:2.3:h:acme:gateway:2.1:*:*:*:*:*:*:*");
  CHECK_STR(c->prod[2].range, "vers:generic/<2.0");
  CHECK_STR(c->prod[3].purl, "pkg:generic/acme/libacme@1.4");
  CHECK_STR(c->prod[5].id, "LIB-ON-OS");        /* relationship product inherits its component */
  CHECK_STR(c->prod[5].purl, "pkg:generic/acme/libacme@1.4");
  CHECK_STR(c->prod[5].rel_platform, "OS");
  CHECK_INT(c->nvuln, 1);
  CHECK(c->vuln[0].cvss == 8.1);
  CHECK_INT(c->vuln[0].nstatus, 5);
  int affected = 0, fixed = 0, notaff = 0;
  for (uint32_t i = 0; i < c->vuln[0].nstatus; i++) {
    affected += c->vuln[0].status[i].status == CSAF_ST_AFFECTED;
    fixed += c->vuln[0].status[i].status == CSAF_ST_FIXED;
    notaff += c->vuln[0].status[i].status == CSAF_ST_NOT_AFFECTED;
  }
  CHECK_INT(affected, 3);
  CHECK_INT(fixed, 1);
  CHECK_INT(notaff, 1);
  vuln_db_free(db);
}

TEST(csaf_rejected_and_broken) {
  VulnDb *db = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  char *bad = strdup(advisory);
  char *p = strstr(bad, "\"fixed\":[\"GW22\"]");
  memcpy(p, "\"fixed\":[\"GW21\"]", 16);   /* GW21 both affected and fixed */
  CHECK_INT(vuln_load_buffer(db, "bad.json", bad, strlen(bad), &r, &e), 0);
  CHECK_INT(db->ncsaf, 0);
  CHECK_INT(r.nerr, 1);
  CHECK(strstr(r.last, "rejected: 6.1.6 Contradicting Product Status: GW21") != NULL);
  CHECK(vuln_load_buffer(db, "cut.json", advisory, 100, &r, &e) != 0);  /* truncated JSON */
  CHECK(strstr(e.msg, "cut.json") != NULL);
  free(bad);
  vuln_db_free(db);
}

TEST(csaf_cisa_all) {
  char path[1024];
  snprintf(path, sizeof path, "%s/data/csaf/cisa/csaf_files", shared());
  VulnDb *db = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  int rc = vuln_load_path(db, path, &r, &e);
  if (rc == VERR_IO && db->ncsaf == 0) {
    printf("# skip: %s missing\n", path);
  } else {
    size_t prods = 0, vulns = 0, ranges = 0;
    for (size_t i = 0; i < db->ncsaf; i++) {
      prods += db->csaf[i].nprod;
      vulns += db->csaf[i].nvuln;
      for (uint32_t k = 0; k < db->csaf[i].nprod; k++) ranges += db->csaf[i].prod[k].range != NULL;
    }
    printf("# CISA: %zu advisories, %zu products (%zu ranges), %zu vulnerabilities; %zu notices, %zu rejected\n",
           db->ncsaf, prods, ranges, vulns, r.nwarn, r.nerr);
    CHECK_INT(db->ncsaf, 2383);   /* every advisory file */
    CHECK_INT(r.nerr, 0);
    CHECK_INT(r.nwarn, 2);        /* the two ROLIE feed files in the tree, skipped */
  }
  vuln_db_free(db);
}

TEST(detection) {
  CHECK_INT(vuln_detect("{\"resultsPerPage\":1,\"format\":\"NVD_CVE\",\"vulnerabilities\":[]}", 56), VULN_FEED_NVD);
  CHECK_INT(vuln_detect("{\"catalogVersion\":\"x\",\"vulnerabilities\":[]}", 43), VULN_FEED_KEV);
  CHECK_INT(vuln_detect("cve,epss,percentile\n", 20), VULN_FEED_EPSS);
  CHECK_INT(vuln_detect("hello", 5), VULN_FEED_UNKNOWN);
  CHECK_INT(vuln_detect("", 0), VULN_FEED_UNKNOWN);
}

int main(void) {
  RUN(kev_entries);
  RUN(kev_real_catalogue);
  RUN(epss_lines);
  RUN(epss_real_example);
  RUN(csaf_oasis_mandatory);
  RUN(csaf_required_fields);
  RUN(csaf_flatten_and_status);
  RUN(csaf_rejected_and_broken);
  RUN(csaf_cisa_all);
  RUN(detection);
  return TEST_DONE();
}
