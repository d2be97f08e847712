/* test_vuln_nvd.c — NVD API 2.0 parsing (real page and malformed records)
 * and exact configuration evaluation: AND/OR, negate, vulnerable:false
 * platform nodes, the four version bounds, update-attribute traps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "vuln/inventory.h"
#include "vuln/match.h"

static const char *shared(void) {
  const char *s = getenv("VARDE_SHARED");
  return s ? s : "../shared";
}

#define APP(v, extra) "{\"vulnerable\":" v ",\"criteria\":\"cpe:2.3:a:acme:web:*:*:*:*:*:*:*:*\",\"matchCriteriaId\":\"X\"" extra "}"
#define WIN "{\"vulnerable\":false,\"criteria\":\"cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*\",\"matchCriteriaId\":\"W\"}"
#define LINUX "{\"vulnerable\":false,\"criteria\":\"cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*\",\"matchCriteriaId\":\"L\"}"
#define NODE(op, neg, ms) "{\"operator\":\"" op "\",\"negate\":" neg ",\"cpeMatch\":[" ms "]}"
#define CVE(id, cfgs) "{\"cve\":{\"id\":\"" id "\",\"published\":\"2024-01-01T00:00:00\"," \
  "\"descriptions\":[{\"lang\":\"es\",\"value\":\"x\"},{\"lang\":\"en\",\"value\":\"desc " id "\"}]," \
  "\"metrics\":{\"cvssMetricV2\":[{\"source\":\"nvd\",\"type\":\"Primary\",\"cvssData\":{\"version\":\"2.0\",\"baseScore\":5.0}}]," \
  "\"cvssMetricV31\":[{\"source\":\"other\",\"type\":\"Secondary\",\"cvssData\":{\"version\":\"3.1\",\"baseScore\":9.8,\"vectorString\":\"S\"}}," \
  "{\"source\":\"nvd\",\"type\":\"Primary\",\"cvssData\":{\"version\":\"3.1\",\"baseScore\":7.5,\"vectorString\":\"CVSS:3.1/P\"}}]}," \
  "\"weaknesses\":[{\"description\":[{\"lang\":\"en\",\"value\":\"CWE-79\"}]}]," \
  "\"references\":[{\"url\":\"https://example.org/a\"}]," \
  "\"configurations\":[" cfgs "]}}"

static const char page[] =
    "{\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":["
    /* 0: AND(app 2.0 <= v < 3.0, vulnerable; windows, platform) */
    CVE("CVE-2024-0001", "{\"operator\":\"AND\",\"nodes\":[" NODE("OR", "false", APP("true", ",\"versionStartIncluding\":\"2.0\",\"versionEndExcluding\":\"3.0\"")) "," NODE("OR", "false", WIN) "]}") ","
    /* 1: OR node, all four bounds across two criteria */
    CVE("CVE-2024-0002", "{\"nodes\":[" NODE("OR", "false", APP("true", ",\"versionStartExcluding\":\"1.0\",\"versionEndIncluding\":\"1.5\"")) "]}") ","
    /* 2: AND(app any version, NOT linux) */
    CVE("CVE-2024-0003", "{\"operator\":\"AND\",\"nodes\":[" NODE("OR", "false", APP("true", "")) "," NODE("OR", "true", LINUX) "]}") ","
    /* 3: only a non-vulnerable criterion: never a finding */
    CVE("CVE-2024-0004", "{\"nodes\":[" NODE("OR", "false", WIN) "]}") ","
    /* 4: update trap: 9.8:p7 and 9.8:- only */
    CVE("CVE-2024-0005", "{\"nodes\":[" NODE("OR", "false",
        "{\"vulnerable\":true,\"criteria\":\"cpe:2.3:a:acme:os:9.8:p7:*:*:*:*:*:*\",\"matchCriteriaId\":\"A\"},"
        "{\"vulnerable\":true,\"criteria\":\"cpe:2.3:a:acme:os:9.8:-:*:*:*:*:*:*\",\"matchCriteriaId\":\"B\"}") "]}") ","
    /* 5: NVD 1.1-style nested children, tolerated */
    CVE("CVE-2024-0006", "{\"nodes\":[{\"operator\":\"AND\",\"children\":[" NODE("OR", "false", APP("true", ",\"versionEndExcluding\":\"0.5\"")) "," NODE("OR", "false", WIN) "]}]}") ","
    /* 6: AND node inside (both criteria must hold on the same system) */
    CVE("CVE-2024-0007\",\"cisaActionDue\":\"2024-02-01\",\"x\":\"", "{\"nodes\":[" NODE("AND", "false", APP("true", ",\"versionStartIncluding\":\"4.0\"") "," WIN) "]}")
    "]}";

static VulnDb *db;
static VulnInventory inv;

static int match_ids(const char *cpe, const char *platforms, int relax, char *out, size_t cap) {
  VulnItem it = {0};
  Err e = {0};
  it.cpe_str = cpe;
  if (vuln_item_prepare(inv.arena, &it, platforms, &e)) return -1;
  VulnMatchOpts o = {relax != 0};
  VulnMatcher *m = vuln_matcher_new(db, &o);
  VulnMatchList l = {0};
  vuln_match_item(m, &it, 0, &l);
  out[0] = '\0';
  for (size_t i = 0; i < l.n; i++) {
    strncat(out, l.m[i].id + 9, cap - strlen(out) - 2);
    strncat(out, " ", cap - strlen(out) - 1);
  }
  int n = (int)l.n;
  vuln_match_list_free(&l);
  vuln_matcher_free(m);
  return n;
}

#define IDS(cpe, plat, want) do { char buf_[256]; match_ids(cpe, plat, 0, buf_, sizeof buf_); CHECK_STR(buf_, want); } while (0)
#define IDS_RELAX(cpe, plat, want) do { char buf_[256]; match_ids(cpe, plat, 1, buf_, sizeof buf_); CHECK_STR(buf_, want); } while (0)

TEST(parse_fields) {
  CHECK_INT(db->ncve, 7);
  const VulnCve *c = &db->cve[0];
  CHECK_STR(c->id, "CVE-2024-0001");
  CHECK_STR(c->desc, "desc CVE-2024-0001");       /* the English description */
  CHECK(c->cvss == 7.5);                           /* v3.1 Primary beats Secondary and v2 */
  CHECK_STR(c->cvss_vector, "CVSS:3.1/P");
  CHECK_INT(c->ncwe, 1);
  CHECK_STR(c->cwe[0], "CWE-79");
  CHECK_STR(c->refs[0], "https://example.org/a");
  CHECK_INT(c->ncfg, 1);
  CHECK(c->cfg[0].op_and);
  CHECK_INT(c->cfg[0].nnode, 2);
  CHECK(!c->cfg[0].node[1].match[0].vulnerable);
  CHECK_STR(c->cfg[0].node[0].match[0].vsi, "2.0");
  CHECK_STR(c->cfg[0].node[0].match[0].vee, "3.0");
}

TEST(and_with_platform) {
  IDS("cpe:2.3:a:acme:web:2.5:*:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", "0001 0003 ");
  IDS("cpe:2.3:a:acme:web:2.5:*:*:*:*:*:*:*", "", "0003 ");                    /* no platform: not 0001 */
  IDS("cpe:2.3:a:acme:web:2.0:*:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", "0001 0003 ");
  IDS("cpe:2.3:a:acme:web:3.0:*:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", "0003 ");  /* end excluded */
  IDS("cpe:2.3:a:acme:web:1.2:*:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", "0002 0003 ");
  IDS("cpe:2.3:a:acme:web:1.9:*:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", "0003 ");
  /* the platform itself is never reported for the app's CVE */
  IDS("cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", "cpe:2.3:a:acme:web:2.5:*:*:*:*:*:*:*", "");
}

TEST(four_bounds) {
  IDS("cpe:2.3:a:acme:web:1.0:*:*:*:*:*:*:*", "", "0003 ");     /* start excluded */
  IDS("cpe:2.3:a:acme:web:1.0.1:*:*:*:*:*:*:*", "", "0002 0003 ");
  IDS("cpe:2.3:a:acme:web:1.5:*:*:*:*:*:*:*", "", "0002 0003 "); /* end included */
  IDS("cpe:2.3:a:acme:web:1.5.1:*:*:*:*:*:*:*", "", "0003 ");
  IDS("cpe:2.3:a:acme:web:*:*:*:*:*:*:*:*", "", "0003 ");       /* unknown version: no ranged match */
  IDS("cpe:2.3:a:acme:web:-:*:*:*:*:*:*:*", "", "0003 ");
}

TEST(negated_node) {
  IDS("cpe:2.3:a:acme:web:5.0:*:*:*:*:*:*:*", "cpe:2.3:o:linux:linux_kernel:6.1:*:*:*:*:*:*:*", "");
  IDS("cpe:2.3:a:acme:web:5.0:*:*:*:*:*:*:*", "cpe:2.3:o:freebsd:freebsd:14:*:*:*:*:*:*:*", "0003 ");
}

TEST(and_node_and_children) {
  IDS("cpe:2.3:a:acme:web:4.1:*:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", "0003 0007 ");
  IDS("cpe:2.3:a:acme:web:0.4:*:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", "0003 0006 ");
  IDS("cpe:2.3:a:acme:web:0.4:*:*:*:*:*:*:*", "", "0003 ");
}

TEST(kev_copy_in_nvd) {
  VulnItem it = {0};
  Err e = {0};
  it.cpe_str = "cpe:2.3:a:acme:web:4.1:*:*:*:*:*:*:*";
  CHECK_INT(vuln_item_prepare(inv.arena, &it, "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", &e), 0);
  VulnMatcher *m = vuln_matcher_new(db, NULL);
  VulnMatchList l = {0};
  vuln_match_item(m, &it, 0, &l);
  int seen = 0;
  for (size_t i = 0; i < l.n; i++) {
    if (strcmp(l.m[i].id, "CVE-2024-0007")) {
      CHECK(!l.m[i].kev);
      continue;
    }
    seen = 1;
    CHECK(l.m[i].kev);                        /* no KEV file loaded: NVD's cisaActionDue */
    CHECK_STR(l.m[i].kev_due, "2024-02-01");
  }
  CHECK(seen);
  vuln_match_list_free(&l);
  vuln_matcher_free(m);
}

TEST(non_vulnerable_only) {
  IDS("cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", "", "");
}

TEST(update_trap) {
  IDS("cpe:2.3:a:acme:os:9.8:p7:*:*:*:*:*:*", "", "0005 ");
  IDS("cpe:2.3:a:acme:os:9.8:-:*:*:*:*:*:*", "", "0005 ");
  IDS("cpe:2.3:a:acme:os:9.8:p8:*:*:*:*:*:*", "", "");
  IDS("cpe:2.3:a:acme:os:9.8:*:*:*:*:*:*:*", "", "");          /* update unknown: strict says no */
  IDS_RELAX("cpe:2.3:a:acme:os:9.8:*:*:*:*:*:*:*", "", "0005 "); /* relaxed says yes */
  IDS_RELAX("cpe:2.3:a:acme:os:9.8:p8:*:*:*:*:*:*", "", "");     /* a different value never */
}

TEST(config_eval_hit) {
  VulnItem it = {0};
  Err e = {0};
  const VulnCpeMatch *hit = NULL;
  it.cpe_str = "cpe:2.3:a:acme:web:2.5:*:*:*:*:*:*:*";
  CHECK_INT(vuln_item_prepare(inv.arena, &it, "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", &e), 0);
  CHECK_INT(vuln_config_eval(&db->cve[0].cfg[0], &it, 0, &hit, NULL), 1);
  CHECK(hit == &db->cve[0].cfg[0].node[0].match[0]);
}

/* Matching each CVE against the indexed inventory gives exactly the pairs
 * that matching each item against the feed gives. */
TEST(reverse_equals_forward) {
  static const char *const cpes[][2] = {
      {"cpe:2.3:a:acme:web:2.5:*:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"},
      {"cpe:2.3:a:acme:web:2.5:*:*:*:*:*:*:*", ""},
      {"cpe:2.3:a:acme:web:1.2:*:*:*:*:*:*:*", "cpe:2.3:o:linux:linux_kernel:6.1:*:*:*:*:*:*:*"},
      {"cpe:2.3:a:acme:web:0.4:*:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"},
      {"cpe:2.3:a:acme:web:4.1:*:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"},
      {"cpe:2.3:a:acme:os:9.8:p7:*:*:*:*:*:*", ""},
      {"cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", ""},
  };
  enum { N = sizeof cpes / sizeof cpes[0] };
  VulnItem items[N];
  Err e = {0};
  memset(items, 0, sizeof items);
  for (int i = 0; i < N; i++) {
    items[i].cpe_str = cpes[i][0];
    CHECK_INT(vuln_item_prepare(inv.arena, &items[i], cpes[i][1], &e), 0);
  }
  VulnMatcher *m = vuln_matcher_new(db, NULL);
  VulnInvIndex *x = vuln_inv_index_new(items, N);
  VulnMatchList fwd = {0}, rev = {0};
  for (int i = 0; i < N; i++) vuln_match_item(m, &items[i], (size_t)i, &fwd);
  for (size_t c = 0; c < db->ncve; c++) vuln_match_cve(m, x, c, &rev);
  CHECK_INT(rev.n, fwd.n);
  CHECK_INT(fwd.n, 9);   /* 2+1+1+2+2+1+0, as in the tests above */
  for (size_t i = 0; i < fwd.n; i++) {
    int found = 0;
    for (size_t j = 0; j < rev.n; j++) found |= rev.m[j].item == fwd.m[i].item && !strcmp(rev.m[j].id, fwd.m[i].id);
    CHECK(found);
  }
  vuln_match_list_free(&fwd);
  vuln_match_list_free(&rev);
  vuln_inv_index_free(x);
  vuln_matcher_free(m);
}

TEST(malformed_records) {
  static const char bad[] =
      "{\"vulnerabilities\":["
      "{\"cve\":{\"id\":\"CVE-2024-1000\"}},"
      "{\"cve\":{\"descriptions\":[]}},"   /* no id */
      "{\"cve\":{\"id\":\"CVE-2024-1001\",\"configurations\":[{\"nodes\":[" NODE("OR", "false",
      "{\"vulnerable\":true,\"criteria\":\"cpe:2.3:a:b*d:x:*:*:*:*:*:*:*:*\"}") "]},"
      "{\"nodes\":[" NODE("XOR", "false", WIN) "]},"
      "{\"nodes\":[" NODE("OR", "false", APP("true", "")) "]}]}},"
      "{\"cve\":{\"id\":\"CVE-2024-1002\"}}"
      "]}";
  VulnDb *d = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  CHECK_INT(vuln_nvd_load(d, "bad.json", bad, sizeof bad - 1, &r, &e), 0);
  CHECK_INT(d->ncve, 3);                    /* the record without an id is skipped, the rest kept */
  CHECK_INT(r.nerr, 3);
  CHECK_INT(d->cve[1].ncfg, 1);             /* two broken configurations dropped, one kept */
  CHECK(strstr(r.last, "bad.json: $.vulnerabilities[2].cve.configurations[1].nodes[0]") != NULL);
  /* a syntax error stops the file but keeps what came before */
  static const char cut[] = "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2024-2000\"}},{\"cve\":{\"id\":";
  CHECK(vuln_nvd_load(d, "cut.json", cut, sizeof cut - 1, &r, &e) != 0);
  CHECK_INT(d->ncve, 4);
  CHECK(strstr(e.msg, "byte") != NULL);
  vuln_db_free(d);
}

TEST(real_page) {
  char path[1024];
  snprintf(path, sizeof path, "%s/data/nvd/api2-page-38-cves.json", shared());
  VulnDb *d = vuln_db_new();
  VulnReport r = {0};
  Err e = {0};
  int rc = vuln_load_path(d, path, &r, &e);
  if (rc == VERR_IO) {
    printf("# skip: %s not found\n", path);
  } else {
    CHECK_INT(rc, 0);
    CHECK_INT(d->ncve, 38);
    CHECK_INT(r.nerr, 0);
    size_t cfg = 0, crit = 0;
    for (size_t i = 0; i < d->ncve; i++)
      for (uint32_t k = 0; k < d->cve[i].ncfg; k++)
        for (uint32_t n = 0; n < d->cve[i].cfg[k].nnode; n++) {
          cfg += n == 0;
          crit += d->cve[i].cfg[k].node[n].nmatch;
        }
    CHECK_INT(cfg, 25);    /* counted independently with python's json module */
    CHECK_INT(crit, 56);
    CHECK_STR(d->cve[0].id, "CVE-2023-27314");
  }
  vuln_db_free(d);
}

int main(void) {
  Err e = {0};
  VulnReport r = {0};
  db = vuln_db_new();
  vuln_inventory_init(&inv);
  if (vuln_nvd_load(db, "inline", page, sizeof page - 1, &r, &e) || vuln_db_finish(db))
    fprintf(stderr, "load failed: %s %s\n", e.msg, r.last);
  RUN(parse_fields);
  RUN(and_with_platform);
  RUN(four_bounds);
  RUN(negated_node);
  RUN(and_node_and_children);
  RUN(kev_copy_in_nvd);
  RUN(non_vulnerable_only);
  RUN(update_trap);
  RUN(config_eval_hit);
  RUN(reverse_equals_forward);
  RUN(malformed_records);
  RUN(real_page);
  vuln_inventory_free(&inv);
  vuln_db_free(db);
  return TEST_DONE();
}
