/* test_findings.c — feeds in the database (idempotent import), matching an
 * inventory into findings, the lifecycle (illegal transitions refused),
 * SLA and due dates, expiry of accepted risk, regressions, and that a full
 * re-match after incremental runs changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "db/db.h"
#include "findings/findings.h"
#include "inventory/inventory.h"
#include "org/org.h"
#include "test.h"
#include "vuln/match.h"

static char dir[] = "/tmp/varde-test-findings-XXXXXX";
static Db *db;
static Principal cli;
static int64_t org, mysql_id, cms_id;
static char nvd_path[1024];

static int import_file(FindFeedKind k, const char *path, FindFeedStats *st) {
  Buf b;
  Err e = {0};
  buf_init(&b, (size_t)256 << 20);
  int rc = find_read_file(path, &b, &e);
  if (!rc) rc = find_feed_store(db, k, path, b.p, b.n, NULL, NULL, NULL, st, &e);
  if (rc) fprintf(stderr, "# import %s: %s\n", path, e.msg);
  buf_free(&b);
  return rc;
}

static int64_t product(const char *name, const char *cpe) {
  InvProduct p = {.org_id = org, .name = name, .cpe = cpe, .version = "", .vendor = "", .product = "", .purl = "",
                  .platform = "", .eol_date = ""};
  Err e = {0};
  if (inv_product_save(db, &cli, &p, &e)) fprintf(stderr, "# product: %s\n", e.msg);
  return p.id;
}

static int64_t count(const char *sql) {
  int64_t n = -1;
  Err e = {0};
  db_int(db, &e, &n, sql, "");
  return n;
}

static int64_t finding_id(const char *vuln) {
  int64_t id = 0;
  Err e = {0};
  db_int(db, &e, &id, "SELECT id FROM findings WHERE vuln_id = ?", "s", vuln);
  return id;
}

TEST(import_is_idempotent) {
  FindFeedStats a = {0}, b = {0};
  CHECK_INT(import_file(FIND_FEED_NVD, nvd_path, &a), 0);
  CHECK_INT(a.added, 38);
  CHECK_INT(import_file(FIND_FEED_NVD, nvd_path, &b), 0);
  CHECK_INT(b.added + b.updated, 0);
  CHECK_INT(b.unchanged, 38);
  CHECK_INT(count("SELECT count(*) FROM vuln_cves"), 38);
}

TEST(malformed_record_skipped) {
  const char *doc = "{\"format\":\"NVD_CVE\",\"vulnerabilities\":[{\"cve\":{\"id\":\"XYZ\"}},"
                    "{\"cve\":{\"id\":\"CVE-2099-0001\",\"lastModified\":\"2099-01-01\",\"configurations\":[]}}]}";
  FindFeedStats st = {0};
  Err e = {0};
  CHECK_INT(find_feed_store(db, FIND_FEED_NVD, "t.json", doc, strlen(doc), NULL, NULL, NULL, &st, &e), 0);
  CHECK_INT(st.bad, 1);
  CHECK_INT(st.added, 1);
  /* an updated CVE replaces the stored one; an older one does not */
  const char *newer = "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2099-0001\",\"lastModified\":\"2099-02-01\"}}]}";
  const char *older = "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2099-0001\",\"lastModified\":\"2098-02-01\"}}]}";
  FindFeedStats s2 = {0}, s3 = {0};
  CHECK_INT(find_feed_store(db, FIND_FEED_NVD, "n.json", newer, strlen(newer), NULL, NULL, NULL, &s2, &e), 0);
  CHECK_INT(s2.updated, 1);
  CHECK_INT(find_feed_store(db, FIND_FEED_NVD, "o.json", older, strlen(older), NULL, NULL, NULL, &s3, &e), 0);
  CHECK_INT(s3.unchanged, 1);
}

TEST(match_creates_findings) {
  FindMatchStats st = {0};
  Err e = {0};
  mysql_id = product("MySQL på sakssystemet", "cpe:2.3:a:oracle:mysql:8.0.30:*:*:*:*:*:*:*");
  cms_id = product("Dreamer CMS", "cpe:2.3:a:dreamer_cms_project:dreamer_cms:4.1.3:*:*:*:*:*:*:*");
  product("Upatchet ingenting", "cpe:2.3:a:example:nothing:1.0:*:*:*:*:*:*:*");
  CHECK_INT(find_match_incremental(db, &cli, &st, &e), 0);
  CHECK_INT(st.created, 8);  /* CVE-2023-22068 + seven Dreamer CMS CVEs */
  FindMatchStats again = {0};
  CHECK_INT(find_match_incremental(db, &cli, &again, &e), 0);
  CHECK_INT(again.created + again.updated + again.closed, 0);
  CHECK_INT(count("SELECT count(*) FROM findings"), 8);
  /* no history row per new finding: its creation entry is derived */
  CHECK_INT(count("SELECT count(*) FROM finding_history"), 0);
  CHECK_INT(count("SELECT count(DISTINCT created_by) FROM findings"), 1);
  Arena *a = arena_new(0);
  Finding f;
  FindHistory *h = NULL;
  size_t nh = 0;
  CHECK_INT(find_get(db, a, org, finding_id("CVE-2023-22068"), &f, &e), 0);
  CHECK_INT(find_history(db, a, f.id, &h, &nh, &e), 0);
  CHECK_INT(nh, 1);
  CHECK_STR(h[0].from, "");
  CHECK_STR(h[0].to, "open");
  CHECK_STR(h[0].note, f.reason);
  CHECK_STR(h[0].username, cli.username);
  CHECK_INT(h[0].at, f.first_seen);
  /* the stored priority is the documented formula */
  const char *cls = NULL;
  double p = vuln_priority(f.cvss, f.kev, f.ransomware, f.epss_pct, f.internet, f.criticality, &cls);
  CHECK(f.priority > p - 0.01 && f.priority < p + 0.01);
  CHECK_STR(f.cls, cls);
  CHECK(strstr(f.reason, "oracle:mysql") != NULL);
  arena_free(a);
}

TEST(lifecycle_transitions) {
  Err e = {0};
  int64_t id = finding_id("CVE-2023-45901"), now = db_now();
  CHECK(!find_transition_ok(FIND_ST_OPEN, FIND_ST_VERIFIED, false));
  CHECK(!find_transition_ok(FIND_ST_ACCEPTED, FIND_ST_FIXED, false));
  CHECK(find_transition_ok(FIND_ST_FIXED, FIND_ST_VERIFIED, false));
  CHECK(!find_transition_ok(FIND_ST_FIXED, FIND_ST_VERIFIED, true));
  CHECK_INT(find_set_status(db, &cli, org, id, FIND_ST_VERIFIED, NULL, 0, &e), VERR_CONFLICT);
  CHECK_INT(find_set_status(db, &cli, org, id, FIND_ST_ACCEPTED, "", now + 86400, &e), VERR_INVALID);
  CHECK_INT(find_set_status(db, &cli, org, id, FIND_ST_ACCEPTED, "Kompenserende tiltak", now - 1, &e), VERR_INVALID);
  CHECK_INT(find_set_status(db, &cli, org, id, FIND_ST_FALSE_POSITIVE, NULL, 0, &e), VERR_INVALID);
  CHECK_INT(find_set_status(db, &cli, org + 999, id, FIND_ST_IN_PROGRESS, NULL, 0, &e), VERR_NOTFOUND);
  CHECK_INT(find_set_status(db, &cli, org, id, FIND_ST_IN_PROGRESS, NULL, 0, &e), 0);
  CHECK_INT(find_set_status(db, &cli, org, id, FIND_ST_ACCEPTED, "Kompenserende tiltak i brannmur", now + 86400, &e), 0);
  CHECK_INT(find_set_status(db, &cli, org, id, FIND_ST_IN_PROGRESS, NULL, 0, &e), VERR_CONFLICT);
  /* the fixed finding still matches: verification is refused */
  int64_t id2 = finding_id("CVE-2023-45902");
  CHECK_INT(find_set_status(db, &cli, org, id2, FIND_ST_FIXED, NULL, 0, &e), 0);
  CHECK_INT(find_set_status(db, &cli, org, id2, FIND_ST_VERIFIED, NULL, 0, &e), VERR_CONFLICT);
  /* expiry reopens */
  size_t n = 0;
  CHECK_INT(find_expire(db, now + 2 * 86400, &n, &e), 0);
  CHECK_INT(n, 1);
  CHECK_INT(count("SELECT count(*) FROM findings WHERE status = 'accepted'"), 0);
  CHECK_INT(count("SELECT count(*) FROM finding_history"), 4);   /* the changes; creation entries derived */
  Arena *a = arena_new(0);
  FindHistory *h = NULL;
  size_t nh = 0;
  CHECK_INT(find_history(db, a, id, &h, &nh, &e), 0);
  CHECK_INT(nh, 4);   /* created, in progress, accepted, expired */
  if (nh == 4) {
    CHECK_STR(h[0].from, "");
    CHECK_STR(h[1].from, "open");
    CHECK_STR(h[1].to, "in_progress");
    CHECK_STR(h[3].to, "open");
  }
  arena_free(a);
}

/* The derived creation entry keeps the evidence the finding was created
 * with: when the evidence changes, the entry is stored first (trigger). */
TEST(creation_entry_survives_new_evidence) {
  Err e = {0};
  int64_t id = finding_id("CVE-2023-45903");
  char *old = NULL;
  CHECK(id > 0);
  CHECK_INT(db_text(db, &e, &old, "SELECT reason FROM findings WHERE id = ?", "l", id), 0);
  CHECK_INT(db_exec(db, &e, "UPDATE findings SET reason = 'ny begrunnelse' WHERE id = ?", "l", id), 0);
  CHECK_INT(db_exec(db, &e, "UPDATE findings SET reason = 'enda en' WHERE id = ?", "l", id), 0);
  CHECK_INT(count("SELECT count(*) FROM findings WHERE created_by IS NOT NULL AND vuln_id = 'CVE-2023-45903'"), 0);
  Arena *a = arena_new(0);
  FindHistory *h = NULL;
  size_t nh = 0;
  CHECK_INT(find_history(db, a, id, &h, &nh, &e), 0);
  CHECK_INT(nh, 1);
  if (nh && old) {
    CHECK_STR(h[0].from, "");
    CHECK_STR(h[0].note, old);
  }
  CHECK_INT(db_exec(db, &e, "UPDATE findings SET reason = ? WHERE id = ?", "sl", old, id), 0);
  arena_free(a);
  free(old);
}

TEST(sla_and_due) {
  int d[4] = {7, 30, 90, 180};
  CHECK_INT(find_due(d, "high", 1000, NULL, NULL), 1000 + 30 * 86400);
  CHECK_INT(find_due(d, "low", 0, "1970-01-03", NULL), 2 * 86400 + 86399);   /* KEV date earlier: wins */
  CHECK_INT(find_due(d, "critical", 0, "2099-01-01", NULL), 7 * 86400);      /* SLA earlier: wins */
  /* a catalogue deadline already past when found: CISA's window (14 days) from first sight */
  int64_t seen = 1000 * 86400;
  CHECK_INT(find_due(d, "low", seen, "1970-01-15", "1970-01-01"), seen + 14 * 86400);
  CHECK_INT(find_due(d, "high", seen, "1970-01-15", "1970-01-15"), seen);     /* no window: due at once */
  Err e = {0};
  CHECK_INT(find_sla_set(db, &cli, "medium", 0, &e), VERR_INVALID);
  CHECK_INT(find_sla_set(db, &cli, "urgent", 5, &e), VERR_INVALID);
  CHECK_INT(find_sla_set(db, &cli, "high", 14, &e), 0);
  int got[4];
  CHECK_INT(find_sla_get(db, got, &e), 0);
  CHECK_INT(got[1], 14);
  CHECK_INT(count("SELECT count(*) FROM findings WHERE class = 'high' AND due_at != first_seen + 14 * 86400"
                  " AND kev_due IS NULL"), 0);
  FindFilter f = {.org_id = org, .status = -2, .kev = -1, .overdue = true};
  Arena *a = arena_new(0);
  Finding *x;
  size_t n;
  CHECK_INT(find_list(db, a, &f, &x, &n, &e), 0);
  CHECK_INT(n, 0);   /* nothing is overdue yet */
  arena_free(a);
}

TEST(upgrade_closes_and_regression_reopens) {
  Err e = {0};
  Arena *a = arena_new(0);
  InvProduct p;
  CHECK_INT(inv_product_get(db, a, org, mysql_id, &p, &e), 0);
  p.cpe = "cpe:2.3:a:oracle:mysql:8.0.35:*:*:*:*:*:*:*";
  CHECK_INT(inv_product_save(db, &cli, &p, &e), 0);
  FindMatchStats st = {0};
  CHECK_INT(find_match_incremental(db, &cli, &st, &e), 0);
  CHECK_INT(st.closed, 1);
  int64_t id = finding_id("CVE-2023-22068");
  CHECK_INT(count("SELECT count(*) FROM findings WHERE vuln_id = 'CVE-2023-22068' AND status = 'fixed'"
                  " AND matched = 0"), 1);
  CHECK_INT(find_set_status(db, &cli, org, id, FIND_ST_VERIFIED, NULL, 0, &e), 0);
  p.cpe = "cpe:2.3:a:oracle:mysql:8.0.30:*:*:*:*:*:*:*";
  CHECK_INT(inv_product_save(db, &cli, &p, &e), 0);
  FindMatchStats st2 = {0};
  CHECK_INT(find_match_incremental(db, &cli, &st2, &e), 0);
  CHECK_INT(st2.reopened, 1);
  CHECK_INT(finding_id("CVE-2023-22068"), id);   /* same identity */
  arena_free(a);
}

TEST(incremental_equals_full) {
  Err e = {0};
  /* KEV and EPSS change priorities; a product deletion closes its findings */
  char kev[1024], epss[1024];
  snprintf(kev, sizeof kev, "%s/data/kev/known_exploited_vulnerabilities.json", getenv("VARDE_SHARED"));
  snprintf(epss, sizeof epss, "%s/data/epss/example-1.csv", getenv("VARDE_SHARED"));
  FindFeedStats s1 = {0}, s2 = {0};
  CHECK_INT(import_file(FIND_FEED_KEV, kev, &s1), 0);
  CHECK_INT(import_file(FIND_FEED_EPSS, epss, &s2), 0);
  const char *doc = "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2099-0002\",\"lastModified\":\"2099-01-01\","
                    "\"configurations\":[{\"nodes\":[{\"operator\":\"OR\",\"cpeMatch\":[{\"vulnerable\":true,"
                    "\"criteria\":\"cpe:2.3:a:example:nothing:*:*:*:*:*:*:*:*\",\"versionEndExcluding\":\"2.0\"}]}]}]}}]}";
  FindFeedStats s3 = {0};
  CHECK_INT(find_feed_store(db, FIND_FEED_NVD, "new.json", doc, strlen(doc), NULL, NULL, NULL, &s3, &e), 0);
  CHECK_INT(inv_delete(db, &cli, org, INV_PRODUCT, cms_id, &e), 0);
  FindMatchStats inc = {0}, full = {0};
  CHECK_INT(find_match_incremental(db, &cli, &inc, &e), 0);
  CHECK_INT(inc.created, 1);   /* the new CVE against the old product */
  CHECK_INT(count("SELECT count(*) FROM findings WHERE product_id = (SELECT product_id FROM findings"
                  " WHERE vuln_id = 'CVE-2023-45903') AND matched = 1"), 0);
  CHECK_INT(find_match_all(db, &cli, &full, &e), 0);
  CHECK_INT(full.created + full.updated + full.closed + full.reopened, 0);
}


static int64_t product_named(const char *name, const char *vendor, const char *prod, const char *version,
                             const char *cpe) {
  InvProduct p = {.org_id = org, .name = name, .cpe = cpe, .version = version, .vendor = vendor, .product = prod,
                  .purl = "", .platform = "", .eol_date = ""};
  Err e = {0};
  if (inv_product_save(db, &cli, &p, &e)) fprintf(stderr, "# product: %s\n", e.msg);
  return p.id;
}

TEST(kev_name_match_until_nvd_decides) {
  Err e = {0};
  int64_t pid = product_named("Brannmur", "Fortinet", "FortiOS", "7.0.12", "cpe:2.3:o:fortinet:fortios:7.0.12:*:*:*:*:*:*:*");
  FindMatchStats st = {0};
  CHECK_INT(find_match_incremental(db, &cli, &st, &e), 0);
  CHECK(st.created >= 5);   /* the catalogue names FortiOS in many entries */
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM findings WHERE product_id = %lld AND (source != 'kev' OR"
                            " confidence != 'name' OR kev != 1 OR class NOT IN ('high','critical'))", (long long)pid);
  CHECK_INT(count(sql), 0);
  /* the list's "treff" filter: name matches only, or only those whose version was checked */
  Arena *a = arena_new(0);
  Finding *x = NULL;
  size_t n_all = 0, n_name = 0, n_ver = 0;
  FindFilter f = {.org_id = org, .status = -1, .kev = -1};
  CHECK_INT(find_list(db, a, &f, &x, &n_all, &e), 0);
  f.named = 2;
  CHECK_INT(find_list(db, a, &f, &x, &n_name, &e), 0);
  for (size_t i = 0; i < n_name; i++) CHECK_STR(x[i].confidence, "name");
  f.named = 1;
  CHECK_INT(find_list(db, a, &f, &x, &n_ver, &e), 0);
  for (size_t i = 0; i < n_ver; i++) CHECK(!x[i].confidence || strcmp(x[i].confidence, "name"));
  CHECK(n_name >= 5 && n_ver > 0);
  CHECK_INT(n_name + n_ver, n_all);
  FindCounts k;
  CHECK_INT(find_counts(db, org, &k, &e), 0);
  CHECK_INT(k.named, (int64_t)n_name);   /* all of them are open here */
  arena_free(a);
  /* NVD now configures CVE-2018-13379 for versions before 6.0.5 only: the name match gives way */
  const char *doc = "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2018-13379\",\"lastModified\":\"2099-01-01\","
                    "\"configurations\":[{\"nodes\":[{\"operator\":\"OR\",\"cpeMatch\":[{\"vulnerable\":true,"
                    "\"criteria\":\"cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*\",\"versionEndExcluding\":\"6.0.5\"}]}]}]}}]}";
  FindFeedStats fs = {0};
  CHECK_INT(find_feed_store(db, FIND_FEED_NVD, "nvd.json", doc, strlen(doc), NULL, NULL, NULL, &fs, &e), 0);
  FindMatchStats s2 = {0}, full = {0};
  CHECK_INT(find_match_incremental(db, &cli, &s2, &e), 0);
  CHECK_INT(s2.closed, 1);
  CHECK_INT(count("SELECT count(*) FROM findings WHERE vuln_id = 'CVE-2018-13379' AND matched = 0"), 1);
  CHECK_INT(find_match_all(db, &cli, &full, &e), 0);
  CHECK_INT(full.created + full.updated + full.closed + full.reopened, 0);
}

/* A CVE NVD later rejects: its findings become false positives saying so
 * (not "fixed, needs verification"), in the incremental run and the full
 * run alike; an already verified one is left as it is. */
#define REJ(id, status, desc, cfg)                                                                                 \
  "{\"cve\":{\"id\":\"" id "\",\"lastModified\":\"" status "\",\"vulnStatus\":\"" status "\","                    \
  "\"descriptions\":[{\"lang\":\"en\",\"value\":\"" desc "\"}]" cfg "}}"
#define REJ_CFG                                                                                                    \
  ",\"configurations\":[{\"nodes\":[{\"operator\":\"OR\",\"cpeMatch\":[{\"vulnerable\":true,"                    \
  "\"criteria\":\"cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*\",\"versionEndExcluding\":\"2.0\"}]}]}]"
TEST(rejected_cve_findings_become_false_positives) {
  Err e = {0};
  FindFeedStats fs = {0};
  FindMatchStats st = {0};
  product("Widget", "cpe:2.3:a:acme:widget:1.5:*:*:*:*:*:*:*");
  const char *before = "{\"vulnerabilities\":[" REJ("CVE-2099-7001", "2099-01-01", "Overflow", REJ_CFG) ","
                       REJ("CVE-2099-7002", "2099-01-01", "Overflow", REJ_CFG) "]}";
  CHECK_INT(find_feed_store(db, FIND_FEED_NVD, "nvd.json", before, strlen(before), NULL, NULL, NULL, &fs, &e), 0);
  CHECK_INT(find_match_incremental(db, &cli, &st, &e), 0);
  CHECK_INT(count("SELECT count(*) FROM findings WHERE vuln_id LIKE 'CVE-2099-700_' AND status = 'open'"), 2);
  /* NVD rejects both; the configuration stays in one record and must not count */
  const char *after = "{\"vulnerabilities\":[" REJ("CVE-2099-7001", "Rejected", "Rejected reason: duplicate", REJ_CFG) ","
                      REJ("CVE-2099-7002", "Rejected", "Rejected reason: not a vulnerability", "") "]}";
  FindFeedStats fs2 = {0};
  CHECK_INT(find_feed_store(db, FIND_FEED_NVD, "nvd.json", after, strlen(after), NULL, NULL, NULL, &fs2, &e), 0);
  CHECK_INT(fs2.updated, 2);
  FindMatchStats s2 = {0}, full = {0};
  CHECK_INT(find_match_incremental(db, &cli, &s2, &e), 0);
  CHECK_INT(s2.closed, 2);
  CHECK_INT(count("SELECT count(*) FROM findings WHERE vuln_id LIKE 'CVE-2099-700_' AND status = 'false_positive'"
                  " AND matched = 0 AND status_reason LIKE 'NVD har avvist%'"), 2);
  CHECK_INT(count("SELECT count(*) FROM finding_history h JOIN findings f ON f.id = h.finding_id"
                  " WHERE f.vuln_id = 'CVE-2099-7001' AND h.from_status = 'open' AND h.to_status = 'false_positive'"), 1);
  CHECK_INT(find_match_all(db, &cli, &full, &e), 0);
  CHECK_INT(full.created + full.updated + full.closed + full.reopened, 0);
}

TEST(csaf_advisory_against_inventory) {
  char path[1024];
  snprintf(path, sizeof path, "%s/data/csaf/cisa/csaf_files/OT/white/2023/icsa-23-005-01.json", getenv("VARDE_SHARED"));
  int64_t pid = product_named("Nettelement", "Hitachi Energy", "UNEM", "R15B", "");
  FindMatchStats st = {0}, full = {0}, first = {0};
  Err e = {0};
  CHECK_INT(find_match_incremental(db, &cli, &first, &e), 0);   /* the new product, before the advisory */
  FindFeedStats fs = {0};
  CHECK_INT(import_file(FIND_FEED_CSAF, path, &fs), 0);
  CHECK_INT(fs.added, 1);
  CHECK_INT(find_match_incremental(db, &cli, &st, &e), 0);
  CHECK_INT(st.products, 1);   /* only the product the advisory names is read */
  char sql[200];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM findings WHERE product_id = %lld AND source = 'csaf'"
                            " AND advisory = 'ICSA-23-005-01'", (long long)pid);
  CHECK(count(sql) >= 2);
  CHECK_INT((int64_t)st.created, count(sql));
  CHECK_INT(find_match_all(db, &cli, &full, &e), 0);
  CHECK_INT(full.created + full.updated + full.closed + full.reopened, 0);
}


TEST(new_cve_reads_only_the_products_it_names) {
  const char *doc = "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2099-0003\",\"lastModified\":\"2099-01-01\","
                    "\"configurations\":[{\"nodes\":[{\"operator\":\"OR\",\"cpeMatch\":[{\"vulnerable\":true,"
                    "\"criteria\":\"cpe:2.3:a:oracle:mysql:*:*:*:*:*:*:*:*\",\"versionEndExcluding\":\"9.0\"}]}]}]}}]}";
  FindFeedStats fs = {0};
  FindMatchStats st = {0}, full = {0};
  Err e = {0};
  CHECK_INT(find_feed_store(db, FIND_FEED_NVD, "n.json", doc, strlen(doc), NULL, NULL, NULL, &fs, &e), 0);
  CHECK_INT(find_match_incremental(db, &cli, &st, &e), 0);
  CHECK_INT(st.products, 1);   /* the MySQL product only, not the other four */
  CHECK_INT(st.created, 1);
  CHECK_INT(find_match_all(db, &cli, &full, &e), 0);
  CHECK_INT(full.created + full.updated + full.closed + full.reopened, 0);
}

/* A full run that loads the feeds decodes only the CVEs its products'
 * vendor:product keys can reach; what it skipped is still known to be
 * configured (no KEV name match for it), and a product added afterwards
 * with another key is matched against every CVE. */
TEST(partial_feeds_after_a_full_run) {
  const char *nvd = "{\"vulnerabilities\":["
      "{\"cve\":{\"id\":\"CVE-2099-0100\",\"lastModified\":\"2099-01-01\",\"configurations\":[{\"nodes\":[{"
      "\"operator\":\"OR\",\"cpeMatch\":[{\"vulnerable\":true,\"criteria\":\"cpe:2.3:a:partialco:gadget:*:*:*:*:*:*:*:*\","
      "\"versionEndExcluding\":\"2.0\"}]}]}]}},"
      "{\"cve\":{\"id\":\"CVE-2099-0201\",\"lastModified\":\"2099-01-01\",\"configurations\":[{\"nodes\":[{"
      "\"operator\":\"OR\",\"cpeMatch\":[{\"vulnerable\":true,\"criteria\":\"cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*\","
      "\"versionEndExcluding\":\"0.5\"}]}]}]}}]}";
  const char *kev = "{\"vulnerabilities\":[{\"cveID\":\"CVE-2099-0201\",\"vendorProject\":\"Acme\",\"product\":"
      "\"Widget\",\"vulnerabilityName\":\"x\",\"dateAdded\":\"2099-01-01\",\"shortDescription\":\"x\","
      "\"requiredAction\":\"x\",\"dueDate\":\"2099-02-01\"}]}";
  FindFeedStats fs = {0}, ks = {0};
  FindMatchStats inc = {0}, full = {0}, added = {0}, again = {0};
  Err e = {0};
  CHECK_INT(find_feed_store(db, FIND_FEED_NVD, "p.json", nvd, strlen(nvd), NULL, NULL, NULL, &fs, &e), 0);
  CHECK_INT(find_feed_store(db, FIND_FEED_KEV, "k.json", kev, strlen(kev), NULL, NULL, NULL, &ks, &e), 0);
  /* named like the KEV entry, but its CPE (its matcher key) is another vendor's */
  product_named("Dings", "Acme", "Widget", "1.0", "cpe:2.3:a:othervendor:widget:1.0:*:*:*:*:*:*:*");
  CHECK_INT(find_match_incremental(db, &cli, &inc, &e), 0);
  find_cache_flush();
  CHECK_INT(find_match_all(db, &cli, &full, &e), 0);
  CHECK_INT(full.created + full.updated + full.closed + full.reopened, 0);
  CHECK_INT(count("SELECT count(*) FROM findings WHERE vuln_id IN ('CVE-2099-0100', 'CVE-2099-0201')"), 0);
  int64_t pid = product_named("Duppeditt", "", "", "", "cpe:2.3:a:partialco:gadget:1.0:*:*:*:*:*:*:*");
  CHECK_INT(find_match_incremental(db, &cli, &added, &e), 0);
  CHECK_INT(added.created, 1);
  char sql[160];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM findings WHERE vuln_id = 'CVE-2099-0100' AND product_id = %lld",
           (long long)pid);
  CHECK_INT(count(sql), 1);
  find_cache_flush();
  CHECK_INT(find_match_all(db, &cli, &again, &e), 0);
  CHECK_INT(again.created + again.updated + again.closed + again.reopened, 0);
}

/* A CVE without its binary configuration record (stored before migration
 * 6) or with a damaged one is read from its JSON, gives the same findings,
 * and gets its record back from the next run. */
TEST(binary_records_fall_back_to_json) {
  int64_t cves = count("SELECT count(*) FROM vuln_cves");
  CHECK_INT(count("SELECT count(*) FROM vuln_cve_cfg"), cves);
  int64_t bytes = count("SELECT sum(length(cfg)) FROM vuln_cve_cfg");
  Err e = {0};
  CHECK_INT(db_exec(db, &e, "DELETE FROM vuln_cve_cfg WHERE id IN (SELECT vuln_id FROM findings WHERE source = 'nvd'"
                            " ORDER BY vuln_id LIMIT 3)", ""), 0);
  CHECK_INT(db_exec(db, &e, "UPDATE vuln_cve_cfg SET cfg = substr(cfg, 1, length(cfg) - 1) WHERE id IN"
                            " (SELECT vuln_id FROM findings WHERE source = 'nvd' ORDER BY vuln_id DESC LIMIT 2)", ""), 0);
  CHECK_INT(count("SELECT count(*) FROM vuln_cve_cfg"), cves - 3);
  find_cache_flush();
  FindMatchStats full = {0};
  CHECK_INT(find_match_all(db, &cli, &full, &e), 0);
  CHECK(full.matches > 5);
  CHECK_INT(full.created + full.updated + full.closed + full.reopened, 0);
  CHECK_INT(count("SELECT count(*) FROM vuln_cve_cfg"), cves);
  CHECK_INT(count("SELECT sum(length(cfg)) FROM vuln_cve_cfg"), bytes);   /* the damaged ones rewritten too */
  find_cache_flush();
  FindMatchStats again = {0};
  CHECK_INT(find_match_all(db, &cli, &again, &e), 0);
  CHECK_INT(again.matches, full.matches);
  CHECK_INT(again.created + again.updated + again.closed + again.reopened, 0);
}

TEST(exposure_counts_every_vulnerability) {
  Arena *a = arena_new(0);
  FindExposure *x = NULL;
  size_t n = 0;
  int64_t with_kev = -1;
  Err e = {0};
  CHECK_INT(find_exposure(db, a, &org, 1, false, &x, &n, &with_kev, &e), 0);
  CHECK(n >= 5);   /* one row per vulnerability with an active finding */
  CHECK_INT(with_kev, 1);
  for (size_t i = 0; i < n; i++) CHECK_INT(x[i].n_orgs, 1);
  arena_free(a);
}

TEST(export_csv) {
  FindFilter f = {.org_id = org, .status = -1, .kev = -1};
  Buf b;
  Err e = {0};
  buf_init(&b, 1 << 20);
  CHECK_INT(find_export_csv(db, &f, &b, &e), 0);
  CHECK(strstr(buf_cstr(&b), "sårbarhet;kilde") != NULL);
  CHECK(strstr(buf_cstr(&b), "CVE-2023-22068") != NULL);
  buf_free(&b);
}

/* A first full run (nothing stored) builds the findings' secondary indexes
 * after its bulk insert: the same indexes, the same findings, one history
 * row each, and a second run changes nothing. */
TEST(first_full_run_rebuilds_indexes) {
  const char *ix = "SELECT group_concat(name || ':' || sql, '|') FROM (SELECT name, sql FROM sqlite_master"
                   " WHERE type = 'index' AND tbl_name IN ('findings', 'finding_history') ORDER BY name)";
  char *before = NULL, *after = NULL;
  Err e = {0};
  CHECK_INT(db_text(db, &e, &before, ix, ""), 0);
  int64_t matched = count("SELECT count(*) FROM findings WHERE matched = 1");
  CHECK(matched > 5);
  CHECK_INT(db_exec(db, &e, "DELETE FROM finding_history", ""), 0);
  CHECK_INT(db_exec(db, &e, "DELETE FROM findings", ""), 0);
  FindMatchStats full = {0}, again = {0};
  CHECK_INT(find_match_all(db, &cli, &full, &e), 0);
  CHECK_INT(full.created, matched);
  CHECK_INT(count("SELECT count(*) FROM findings"), matched);
  CHECK_INT(count("SELECT count(*) FROM finding_history"), 0);
  CHECK_INT(count("SELECT count(*) FROM findings f JOIN finding_runs r ON r.id = f.created_by"
                  " WHERE r.username = 'cli' AND f.first_seen = r.at"), matched);
  CHECK_INT(db_text(db, &e, &after, ix, ""), 0);
  CHECK(before && after && !strcmp(before, after));
  CHECK_INT(find_match_all(db, &cli, &again, &e), 0);
  CHECK_INT(again.created + again.updated + again.closed + again.reopened, 0);
  char *ok = NULL;
  CHECK_INT(db_text(db, &e, &ok, "PRAGMA integrity_check", ""), 0);
  CHECK_STR(ok, "ok");
  free(ok);
  free(before);
  free(after);
}

/* 12,000 stored CVEs are decoded in two halves on two threads: every CVE
 * comes back once, in the stored order, with its own configuration, and a
 * damaged record in either half is read from its JSON instead. */
TEST(decoding_splits_over_two_threads) {
  enum { N = 12000 };
  Buf doc;
  buf_init(&doc, (size_t)64 << 20);
  buf_lit(&doc, "{\"vulnerabilities\":[");
  for (int i = 0; i < N; i++)
    buf_printf(&doc, "%s{\"cve\":{\"id\":\"CVE-2031-%05d\",\"lastModified\":\"2099-01-01\",\"configurations\":"
               "[{\"nodes\":[{\"operator\":\"OR\",\"cpeMatch\":[{\"vulnerable\":true,\"criteria\":"
               "\"cpe:2.3:a:splitco:tool%d:*:*:*:*:*:*:*:*\",\"versionEndExcluding\":\"%d.0\"}]}]}]}}",
               i ? "," : "", i, i, i + 1);
  buf_lit(&doc, "]}");
  FindFeedStats fs = {0};
  Err e = {0};
  CHECK_INT(find_feed_store(db, FIND_FEED_NVD, "split.json", doc.p, doc.n, NULL, NULL, NULL, &fs, &e), 0);
  CHECK_INT(fs.added, N);
  buf_free(&doc);
  CHECK_INT(db_exec(db, &e, "UPDATE vuln_cve_cfg SET cfg = substr(cfg, 1, 9) WHERE id IN"
                            " ('CVE-2031-00007', 'CVE-2031-11993')", ""), 0);
  VulnDb *v = NULL;
  CHECK_INT(find_load_vulndb(db, 0, &v, &e), 0);
  int64_t total = count("SELECT count(*) FROM vuln_cves");
  CHECK(v && (int64_t)v->ncve == total);
  int seen[N] = {0}, bad = 0, last = -1, ordered = 1;
  for (size_t i = 0; v && i < v->ncve; i++) {
    int k;
    if (sscanf(v->cve[i].id, "CVE-2031-%d", &k) != 1 || k < 0 || k >= N) continue;
    seen[k]++;
    char want[64], product[32], end[32];
    snprintf(want, sizeof want, "cpe:2.3:a:splitco:tool%d:*:*:*:*:*:*:*:*", k);
    snprintf(product, sizeof product, "tool%d", k);
    snprintf(end, sizeof end, "%d.0", k + 1);
    const VulnCpeMatch *m = v->cve[i].ncfg ? &v->cve[i].cfg[0].node[0].match[0] : NULL;
    if (!m || strcmp(m->criteria, want) || !m->cpe.v[CPE_PRODUCT] || strcmp(m->cpe.v[CPE_PRODUCT], product) ||
        !m->vee || strcmp(m->vee, end))
      bad++;
    if (k != 7 && k != 11993) {   /* the JSON fallbacks come last */
      ordered &= k > last;
      last = k;
    }
  }
  for (int k = 0; k < N; k++) bad += seen[k] != 1;
  CHECK_INT(bad, 0);
  CHECK(ordered);
  vuln_db_free(v);
}

int main(void) {
  const char *shared = getenv("VARDE_SHARED");
  snprintf(nvd_path, sizeof nvd_path, "%s/data/nvd/api2-page-38-cves.json", shared ? shared : "../shared");
  FILE *f = fopen(nvd_path, "r");
  if (!f) {
    printf("1..0 # SKIP %s missing\n", nvd_path);
    return 0;
  }
  fclose(f);
  if (!mkdtemp(dir)) return 1;
  char p[300];
  snprintf(p, sizeof p, "%s/f.db", dir);
  Err e = {0};
  if (db_open(&db, p, DB_OPEN_CREATE, &e)) return fprintf(stderr, "# %s\n", e.msg), 1;
  memset(&cli, 0, sizeof cli);
  cli.via = AUTH_VIA_CLI;
  strcpy(cli.username, "cli");
  OrgNew root = {.kind = ORG_NATIONAL, .name = "Testsenter", .population = -1};
  int64_t region = 0;
  if (org_create(db, &cli, &root, &region, &e)) return fprintf(stderr, "# %s\n", e.msg), 1;
  OrgNew o = {.parent_id = region, .kind = ORG_MUNICIPALITY, .name = "Testkommune", .population = -1};
  if (org_create(db, &cli, &o, &org, &e)) return fprintf(stderr, "# %s\n", e.msg), 1;
  RUN(import_is_idempotent);
  RUN(malformed_record_skipped);
  RUN(match_creates_findings);
  RUN(lifecycle_transitions);
  RUN(creation_entry_survives_new_evidence);
  RUN(sla_and_due);
  RUN(upgrade_closes_and_regression_reopens);
  RUN(incremental_equals_full);
  RUN(kev_name_match_until_nvd_decides);
  RUN(csaf_advisory_against_inventory);
  RUN(new_cve_reads_only_the_products_it_names);
  RUN(partial_feeds_after_a_full_run);
  RUN(binary_records_fall_back_to_json);
  RUN(exposure_counts_every_vulnerability);
  RUN(export_csv);
  RUN(rejected_cve_findings_become_false_positives);
  RUN(first_full_run_rebuilds_indexes);
  RUN(decoding_splits_over_two_threads);
  db_close(db);
  return TEST_DONE();
}
