/* test_scanfind.c — findings from network scans, through the sensor's
 * result path (scanjobs_part_store): a run seeing an old OpenSSH (Debian
 * banner: low confidence) and nginx with fixture CVEs in the stored feed
 * creates scan findings with confidence, evidence and run; a complete run
 * without them moves them to fixed (needs verification) — an accepted risk
 * stays accepted; a run seeing them again reopens; a partial or interrupted
 * run proves nothing; another version moves the old findings; inventory
 * matching runs leave scan findings alone; a new CVE reaches the scanned
 * services at the next matching run; list, CSV and history show it all; a
 * false positive keeps its state too. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "findings/findings.h"
#include "findings/scan.h"
#include "inventory/inventory.h"
#include "org/org.h"
#include "scanjobs/scanjobs.h"
#include "test.h"
#include "vuln/match.h"

static char dir[] = "/tmp/varde-test-scanfind-XXXXXX";
static Db *db;
static Principal cli;
static int64_t org, sensor, full_sched, part_sched;

/* Two fixture CVEs: OpenSSH before 9.3p2, nginx before 1.25.0. */
#define CVE(id, cpe, end, score)                                                                                   \
  "{\"cve\":{\"id\":\"" id "\",\"lastModified\":\"2099-01-01T00:00:00.000\",\"descriptions\":[{\"lang\":\"en\","   \
  "\"value\":\"fixture\"}],\"metrics\":{\"cvssMetricV31\":[{\"type\":\"Primary\",\"cvssData\":{\"version\":\"3.1\"," \
  "\"vectorString\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\",\"baseScore\":" score "}}]},"                    \
  "\"configurations\":[{\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[{\"vulnerable\":true,"       \
  "\"criteria\":\"" cpe "\",\"versionEndExcluding\":\"" end "\"}]}]}]}}"
static const char *feed = "{\"format\":\"NVD_CVE\",\"vulnerabilities\":["
    CVE("CVE-2099-1001", "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*", "9.3p2", "9.8") ","
    CVE("CVE-2099-1002", "cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*", "1.25.0", "7.5") "]}";
static const char *feed2 = "{\"format\":\"NVD_CVE\",\"vulnerabilities\":["
    CVE("CVE-2099-1003", "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*", "9.8p1", "5.3") "]}";

#define SCAN_REC(intr) "{\"type\":\"scan\",\"schema\":1,\"hosts\":2,\"interrupted\":" intr "}\n"
#define SSH(ver, extra, conf)                                                                                      \
  "{\"type\":\"port\",\"addr\":\"10.1.0.5\",\"port\":22}\n"                                                         \
  "{\"type\":\"service\",\"addr\":\"10.1.0.5\",\"port\":22,\"service\":\"ssh\",\"product\":\"OpenSSH\","          \
  "\"version\":\"" ver "\",\"cpe\":\"cpe:2.3:a:openbsd:openssh:" ver ":*:*:*:*:*:*:*\",\"extra\":\"" extra "\","   \
  "\"tls\":false,\"confidence\":\"" conf "\",\"method\":\"banner\",\"evidence\":\"SSH-2.0-OpenSSH_" ver " " extra  \
  "\\r\\n\"}\n"
#define NGINX                                                                                                      \
  "{\"type\":\"port\",\"addr\":\"10.1.0.6\",\"port\":80}\n"                                                         \
  "{\"type\":\"service\",\"addr\":\"10.1.0.6\",\"port\":80,\"service\":\"http\",\"product\":\"nginx\","           \
  "\"version\":\"1.18.0\",\"cpe\":\"cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*\",\"confidence\":\"medium\","          \
  "\"method\":\"probe:http\",\"evidence\":\"Server: nginx/1.18.0\"}\n"
#define BARE_SSH "{\"type\":\"port\",\"addr\":\"10.1.0.5\",\"port\":22}\n"

static int64_t count(const char *sql) {
  int64_t n = -1;
  Err e = {0};
  db_int(db, &e, &n, sql, "");
  return n;
}

static int64_t finding(const char *vuln) {
  int64_t id = 0;
  Err e = {0};
  db_int(db, &e, &id, "SELECT id FROM findings WHERE vuln_id = ? AND product_id < 0", "s", vuln);
  return id;
}

static const char *status(const char *vuln) {
  static char s[32];
  char *t = NULL;
  Err e = {0};
  s[0] = '\0';
  if (!db_text(db, &e, &t, "SELECT status FROM findings WHERE vuln_id = ? AND product_id < 0", "s", vuln) && t)
    snprintf(s, sizeof s, "%s", t);
  free(t);
  return s;
}

static int last_note(const char *vuln, const char *needle) {
  char *t = NULL;
  Err e = {0};
  db_text(db, &e, &t, "SELECT note FROM finding_history WHERE finding_id = ? ORDER BY id DESC LIMIT 1", "l",
          finding(vuln));
  int ok = t && strstr(t, needle);
  if (!ok) fprintf(stderr, "# last note of %s: %s (want %s)\n", vuln, t ? t : "(none)", needle);
  free(t);
  return ok;
}

/* Runs one job of the schedule with this report; returns the run id. */
static int64_t run(int64_t sched, const char *report) {
  int64_t job = 0, rid = 0;
  int complete = 0;
  Err e = {0};
  CHECK_INT(scanjobs_schedule_run_now(db, &cli, org, sched, &job, &e), 0);
  ScanjobsPart p = {0, 1, report, strlen(report), NULL};
  int rc = scanjobs_part_store(db, sensor, job, &p, &complete, &e);
  if (rc) fprintf(stderr, "# part_store: %s\n", e.msg);
  CHECK_INT(rc, 0);
  CHECK_INT(complete, 1);
  db_int(db, &e, &rid, "SELECT id FROM scan_runs WHERE job_id = ?", "l", job);
  return rid;
}

static void setup(void) {
  char p[300], tok[SCANJOBS_SECRET_LEN + 1];
  Err e = {0};
  int64_t id = 0, o = 0;
  snprintf(p, sizeof p, "%s/t.db", dir);
  if (db_open(&db, p, DB_OPEN_CREATE, &e)) fprintf(stderr, "%s\n", e.msg);
  auth_principal_cli(&cli);
  OrgNew on = {.kind = ORG_NATIONAL, .name = "Skannvik", .population = -1};
  if (org_create(db, &cli, &on, &org, &e)) fprintf(stderr, "%s\n", e.msg);
  CHECK_INT(scanjobs_scope_add(db, &cli, org, "10.1.0.0/24", "", &id, &e), 0);
  CHECK_INT(scanjobs_scope_confirm(db, &cli, org, id, 1, &e), 0);
  CHECK_INT(scanjobs_sensor_create(db, &cli, org, "rådhuset", tok, &id, &e), 0);
  CHECK_INT(scanjobs_sensor_enrol(db, tok, "vsensor_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "127.0.0.1", &sensor,
                                  &o, &e), 0);
  ScanjobsSchedule full = {"hele", NULL, "22,80", sensor, 0}, part = {"en", "10.1.0.6", "80", sensor, 0};
  CHECK_INT(scanjobs_schedule_create(db, &cli, org, &full, &full_sched, &e), 0);
  CHECK_INT(scanjobs_schedule_create(db, &cli, org, &part, &part_sched, &e), 0);
  FindFeedStats st = {0};
  CHECK_INT(find_feed_store(db, FIND_FEED_NVD, "fixture.json", feed, strlen(feed), NULL, NULL, NULL, &st, &e), 0);
  CHECK_INT(st.added, 2);
}

static int64_t r1, r2, r3;

TEST(first_run_creates_scan_findings) {
  r1 = run(full_sched, SCAN_REC("false") SSH("8.4p1", "Debian-5+deb11u1", "low") NGINX);
  CHECK_INT(count("SELECT count(*) FROM findings WHERE product_id < 0"), 2);
  CHECK_INT(count("SELECT count(*) FROM findings WHERE product_id < 0 AND status = 'open' AND matched = 1"), 2);
  Arena *a = arena_new(0);
  Finding f;
  Err e = {0};
  CHECK_INT(find_get(db, a, org, finding("CVE-2099-1001"), &f, &e), 0);
  CHECK_STR(f.origin, "scan");
  CHECK_STR(f.source, "nvd");
  CHECK_STR(f.confidence, "scan-low");
  CHECK_STR(f.scan_confidence, "low");
  CHECK_STR(f.scan_addr, "10.1.0.5");
  CHECK_INT(f.scan_port, 22);
  CHECK_STR(f.scan_cpe, "cpe:2.3:a:openbsd:openssh:8.4p1:*:*:*:*:*:*:*");
  CHECK(strstr(f.scan_evidence, "SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u1") != NULL);
  CHECK_INT(f.scan_first_run, r1);
  CHECK_INT(f.scan_last_run, r1);
  CHECK_INT(f.scan_gone_run, 0);
  CHECK(strstr(f.product_name, "OpenSSH 8.4p1 (10.1.0.5:22)") != NULL);
  const char *cls = NULL;   /* priority and SLA like any finding */
  double pr = vuln_priority(f.cvss, f.kev, f.ransomware, f.epss_pct, f.internet, f.criticality, &cls);
  CHECK(f.priority > pr - 0.01 && f.priority < pr + 0.01);
  CHECK_STR(f.cls, cls);
  int sla[4];
  CHECK_INT(find_sla_get(db, sla, &e), 0);
  CHECK_INT(f.due_at, find_due(sla, f.cls, f.first_seen, NULL, NULL));
  CHECK(strstr(f.reason, "openbsd:openssh") != NULL);
  CHECK_INT(find_get(db, a, org, finding("CVE-2099-1002"), &f, &e), 0);
  CHECK_STR(f.confidence, "scan-medium");
  CHECK_STR(f.scan_evidence, "Server: nginx/1.18.0");
  arena_free(a);
  /* the same run content again creates nothing new */
  int64_t again = run(full_sched, SCAN_REC("false") SSH("8.4p1", "Debian-5+deb11u1", "low") NGINX);
  CHECK(again > r1);
  CHECK_INT(count("SELECT count(*) FROM findings"), 2);
  CHECK_INT(count("SELECT count(*) FROM finding_history"), 0);   /* creation entries are derived */
  CHECK_INT(count("SELECT count(*) FROM findings f JOIN finding_runs r ON r.id = f.created_by"), 2);
  CHECK_INT(count("SELECT count(*) FROM audit_log WHERE action = 'findings.scan'"), 1);
}

TEST(accepted_risk_and_complete_run_without_them) {
  Err e = {0};
  CHECK_INT(find_set_status(db, &cli, org, finding("CVE-2099-1002"), FIND_ST_ACCEPTED, "Bak brannmur, byttes i mars",
                            db_now() + 30 * 86400, &e), 0);
  /* a partial run (other targets) and an interrupted full run prove nothing */
  run(part_sched, SCAN_REC("false") NGINX);
  run(full_sched, SCAN_REC("true"));
  CHECK_STR(status("CVE-2099-1001"), "open");
  /* a port seen without a version leaves its findings as they are */
  run(full_sched, SCAN_REC("false") BARE_SSH NGINX);
  CHECK_STR(status("CVE-2099-1001"), "open");
  CHECK_INT(count("SELECT matched FROM findings WHERE vuln_id = 'CVE-2099-1001'"), 1);
  r2 = run(full_sched, SCAN_REC("false"));
  CHECK_STR(status("CVE-2099-1001"), "fixed");
  CHECK_INT(count("SELECT matched FROM findings WHERE vuln_id = 'CVE-2099-1001'"), 0);
  char want[96];
  snprintf(want, sizeof want, "Ikke sett i fullstendig skanning av omfanget (kjøring %lld): utbedret, må verifiseres",
           (long long)r2);
  CHECK(last_note("CVE-2099-1001", want));
  CHECK_STR(status("CVE-2099-1002"), "accepted");   /* the decision stands */
  CHECK(last_note("CVE-2099-1002", "status beholdt"));
  Arena *a = arena_new(0);
  Finding f;
  CHECK_INT(find_get(db, a, org, finding("CVE-2099-1001"), &f, &e), 0);
  CHECK_INT(f.scan_gone_run, r2);
  CHECK(find_transition_ok(f.status, FIND_ST_VERIFIED, f.matched));   /* verification is now possible */
  arena_free(a);
  CHECK_INT(count("SELECT count(*) FROM findings"), 2);   /* nothing deleted */
}

TEST(seen_again_reopens) {
  r3 = run(full_sched, SCAN_REC("false") SSH("8.4p1", "Debian-5+deb11u1", "low") NGINX);
  CHECK_STR(status("CVE-2099-1001"), "open");
  char want[96];
  snprintf(want, sizeof want, "Sett igjen i skanning (kjøring %lld, 10.1.0.5:22): gjenåpnet", (long long)r3);
  CHECK(last_note("CVE-2099-1001", want));
  CHECK_STR(status("CVE-2099-1002"), "accepted");
  CHECK_INT(count("SELECT count(*) FROM findings WHERE matched = 1"), 2);
  CHECK_INT(count("SELECT count(*) FROM finding_scan WHERE gone_run IS NULL"), 2);
}

TEST(inventory_runs_leave_scan_findings_alone) {
  Err e = {0};
  FindMatchStats st = {0};
  InvProduct p = {.org_id = org, .name = "Upatchet", .cpe = "cpe:2.3:a:example:nothing:1.0:*:*:*:*:*:*:*",
                  .version = "", .vendor = "", .product = "", .purl = "", .platform = "", .eol_date = ""};
  CHECK_INT(inv_product_save(db, &cli, &p, &e), 0);
  CHECK_INT(find_match_all(db, &cli, &st, &e), 0);
  if (e.msg[0]) fprintf(stderr, "# %s\n", e.msg);
  CHECK_INT(st.closed, 0);
  CHECK_INT(find_match_org(db, &cli, org, 0, &st, &e), 0);
  CHECK_INT(find_match_incremental(db, &cli, &st, &e), 0);
  CHECK_INT(count("SELECT count(*) FROM findings WHERE matched = 1 AND product_id < 0"), 2);
  CHECK_STR(status("CVE-2099-1001"), "open");
  /* a new CVE reaches the scanned services at the next matching run */
  FindFeedStats fs = {0};
  CHECK_INT(find_feed_store(db, FIND_FEED_NVD, "ny.json", feed2, strlen(feed2), NULL, NULL, NULL, &fs, &e), 0);
  CHECK_INT(find_match_incremental(db, &cli, &st, &e), 0);
  CHECK_INT(st.created, 1);
  CHECK_STR(status("CVE-2099-1003"), "open");
  CHECK_INT(count("SELECT count(*) FROM finding_scan s JOIN findings f ON f.id = s.finding_id"
                  " WHERE f.vuln_id = 'CVE-2099-1003' AND s.confidence = 'low'"), 1);
}

TEST(other_version_moves_the_old_findings) {
  int64_t r4 = run(full_sched, SCAN_REC("false") SSH("9.6p1", "", "medium") NGINX);
  CHECK_STR(status("CVE-2099-1001"), "fixed");   /* 9.6p1 is past 9.3p2 */
  char want[96];
  snprintf(want, sizeof want, "Skanning (kjøring %lld) fant en annen versjon på 10.1.0.5:22", (long long)r4);
  CHECK(last_note("CVE-2099-1001", want));
  CHECK_STR(status("CVE-2099-1003"), "open");   /* 9.6p1 is before 9.8p1: the same finding, updated */
  CHECK_INT(count("SELECT count(*) FROM findings WHERE vuln_id = 'CVE-2099-1003'"), 1);
  CHECK_INT(count("SELECT count(*) FROM findings WHERE vuln_id = 'CVE-2099-1003' AND confidence = 'scan-medium'"), 1);
}

TEST(list_filter_and_csv) {
  Err e = {0};
  Arena *a = arena_new(0);
  Finding *x = NULL;
  size_t n = 0;
  FindFilter f = {.org_id = org, .status = -1, .kev = -1, .origin = 2};
  CHECK_INT(find_list(db, a, &f, &x, &n, &e), 0);
  CHECK_INT(n, 3);
  f.origin = 1;
  CHECK_INT(find_list(db, a, &f, &x, &n, &e), 0);
  CHECK_INT(n, 0);
  f.origin = 0;
  Buf b;
  buf_init(&b, 1 << 20);
  CHECK_INT(find_export_csv(db, &f, &b, &e), 0);
  const char *csv = buf_cstr(&b);
  CHECK(strstr(csv, "opphav;sikkerhet;adresse;port;cpe;bevis") != NULL);
  CHECK(strstr(csv, "skanning;scan-medium;10.1.0.6;80;cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*;Server: nginx/1.18.0")
        != NULL);
  buf_free(&b);
  /* the exposure view's counts read the same table */
  FindExposure *ex = NULL;
  size_t nex = 0;
  int64_t with_kev = -1;
  CHECK_INT(find_exposure(db, a, &org, 1, false, &ex, &nex, &with_kev, &e), 0);
  CHECK_INT(nex, 1);   /* the open CVE-2099-1003; fixed and accepted ones are not exposure */
  if (nex) CHECK_STR(ex[0].vuln_id, "CVE-2099-1003");
  arena_free(a);
}

TEST(false_positive_keeps_its_state) {
  Err e = {0};
  CHECK_INT(find_set_status(db, &cli, org, finding("CVE-2099-1003"), FIND_ST_FALSE_POSITIVE,
                            "Pakken er rettet av leverandøren", 0, &e), 0);
  int64_t r = run(full_sched, SCAN_REC("false"));
  CHECK_STR(status("CVE-2099-1003"), "false_positive");
  CHECK_STR(status("CVE-2099-1002"), "accepted");
  CHECK_INT(count("SELECT count(*) FROM findings WHERE product_id < 0 AND matched = 1"), 0);
  char want[96];
  snprintf(want, sizeof want, "(kjøring %lld): status beholdt", (long long)r);
  CHECK(last_note("CVE-2099-1003", want));
  CHECK_INT(count("SELECT count(*) FROM finding_scan_services WHERE gone_run IS NULL"), 0);
}

/* A failed check of the scanner's on host .7 (outside the earlier tests). */
#define CHECK_LINE(port, id, sev)                                                                                  \
  "{\"type\":\"finding\",\"addr\":\"10.1.0.7\",\"port\":" #port ",\"id\":\"" id "\",\"title\":\"Tittel " id  \
  "\",\"severity\":\"" sev "\",\"confidence\":\"high\",\"evidence\":\"bevis " id "\"}\n"
#define PORT7(port) "{\"type\":\"port\",\"addr\":\"10.1.0.7\",\"port\":" #port "}\n"

/* The scanner's own checks are findings too: source "scan", the check's id
 * and title, priority from its severity; one the next look at the port
 * does not report again is fixed (needs verification) and reopens when
 * seen again; feed matching leaves them alone; a complete run without the
 * port fixes the rest; "info" is no finding. */
TEST(scanner_checks_are_findings) {
  run(full_sched, SCAN_REC("false") PORT7(22) CHECK_LINE(22, "ssh-protocol-1", "high") PORT7(80)
      CHECK_LINE(80, "http-missing-csp", "low") CHECK_LINE(80, "http-server-header", "info"));
  CHECK_INT(count("SELECT count(*) FROM findings WHERE source = 'scan' AND status = 'open' AND matched = 1"), 2);
  CHECK_INT(finding("http-server-header"), 0);
  Arena *a = arena_new(0);
  Finding f;
  Err e = {0};
  CHECK_INT(find_get(db, a, org, finding("ssh-protocol-1"), &f, &e), 0);
  CHECK_STR(f.advisory, "Tittel ssh-protocol-1");
  CHECK_STR(f.confidence, "scan-high");
  CHECK_STR(f.scan_evidence, "bevis ssh-protocol-1");
  CHECK_STR(f.scan_addr, "10.1.0.7");
  CHECK(f.cvss < 0);
  const char *cls = NULL;
  double pr = vuln_priority(7.5, false, false, -1, f.internet, f.criticality, &cls);
  CHECK(f.priority > pr - 0.01 && f.priority < pr + 0.01);
  CHECK_STR(f.cls, cls);
  CHECK(strstr(f.reason, "Tittel ssh-protocol-1 (10.1.0.7:22): bevis ssh-protocol-1") != NULL);
  arena_free(a);
  /* port 80 looked at again without the header finding */
  int64_t r = run(full_sched, SCAN_REC("false") PORT7(22) CHECK_LINE(22, "ssh-protocol-1", "high") PORT7(80));
  CHECK_STR(status("http-missing-csp"), "fixed");
  char want[120];
  snprintf(want, sizeof want, "Skanning (kjøring %lld) fant ikke lenger feilen på 10.1.0.7:80", (long long)r);
  CHECK(last_note("http-missing-csp", want));
  CHECK_STR(status("ssh-protocol-1"), "open");
  r = run(full_sched, SCAN_REC("false") PORT7(22) CHECK_LINE(22, "ssh-protocol-1", "high") PORT7(80)
          CHECK_LINE(80, "http-missing-csp", "low"));
  CHECK_STR(status("http-missing-csp"), "open");
  snprintf(want, sizeof want, "Sett igjen i skanning (kjøring %lld, 10.1.0.7:80): gjenåpnet", (long long)r);
  CHECK(last_note("http-missing-csp", want));
  /* matching runs over the feeds do not touch them */
  FindMatchStats st = {0};
  CHECK_INT(find_match_all(db, &cli, &st, &e), 0);
  CHECK_INT(find_scan_rematch(db, &cli, &st, &e), 0);
  CHECK_INT(count("SELECT count(*) FROM findings WHERE source = 'scan' AND status = 'open' AND matched = 1"), 2);
  /* a complete run that does not see host .7 at all */
  run(full_sched, SCAN_REC("false"));
  CHECK_STR(status("ssh-protocol-1"), "fixed");
  CHECK_STR(status("http-missing-csp"), "fixed");
}

/* Migrations run with foreign keys off: migration 9 rebuilds findings, and
 * the history and scan rows that refer to it stay (run again here). */
TEST(findings_rebuild_keeps_what_refers_to_it) {
  int64_t hist = count("SELECT count(*) FROM finding_history"), scan = count("SELECT count(*) FROM finding_scan");
  int64_t n = count("SELECT count(*) FROM findings");
  CHECK(hist > 0 && scan > 0);
  Err e = {0};
  /* From 9 on, so the runner (which applies what lies above the highest
   * version) runs 9 again; the later ones are table rebuilds as well. */
  CHECK_INT(db_exec(db, &e, "DELETE FROM schema_version WHERE version >= 9", ""), 0);
  db_close(db);
  char p[300];
  snprintf(p, sizeof p, "%s/t.db", dir);
  CHECK_INT(db_open(&db, p, 0, &e), 0);
  CHECK_INT(count("SELECT count(*) FROM schema_version WHERE version >= 9"), db_latest_version() - 8);
  CHECK_INT(count("SELECT count(*) FROM finding_history"), hist);
  CHECK_INT(count("SELECT count(*) FROM finding_scan"), scan);
  CHECK_INT(count("SELECT count(*) FROM findings"), n);
  CHECK_INT(count("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'findings' AND type IN ('index', 'trigger')"
                  " AND sql IS NOT NULL"), 4);
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  setenv("VARDE_SCAN_CONF", "/nonexistent/scan.conf", 1);
  setup();
  RUN(first_run_creates_scan_findings);
  RUN(accepted_risk_and_complete_run_without_them);
  RUN(seen_again_reopens);
  RUN(inventory_runs_leave_scan_findings_alone);
  RUN(other_version_moves_the_old_findings);
  RUN(list_filter_and_csv);
  RUN(false_positive_keeps_its_state);
  RUN(scanner_checks_are_findings);
  RUN(findings_rebuild_keeps_what_refers_to_it);
  db_close(db);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd)) {}
  return TEST_DONE();
}
