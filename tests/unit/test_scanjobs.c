/* test_scanjobs.c — the server side of scanning through the library:
 * confirmed scope containment, limits under the server ceiling, enrolment,
 * result parts (idempotent, conflicts, bounds), runs, and the not-seen
 * bridge that never closes anything. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/principal.h"
#include "db/db.h"
#include "org/org.h"
#include "scanjobs/scanjobs.h"
#include "test.h"

static char dir[] = "/tmp/varde-test-scanjobs-XXXXXX";
static Db *db;
static Principal cli;
static int64_t org;

static void setup(void) {
  char p[300];
  snprintf(p, sizeof p, "%s/t.db", dir);
  Err e = {0};
  if (db_open(&db, p, DB_OPEN_CREATE, &e)) fprintf(stderr, "%s\n", e.msg);
  auth_principal_cli(&cli);
  OrgNew o = {.kind = ORG_NATIONAL, .name = "Testvik", .population = -1};
  if (org_create(db, &cli, &o, &org, &e)) fprintf(stderr, "%s\n", e.msg);
}

static int64_t scope(const char *spec, int confirm) {
  int64_t id = 0;
  Err e = {0};
  CHECK_INT(scanjobs_scope_add(db, &cli, org, spec, "", &id, &e), 0);
  if (confirm) CHECK_INT(scanjobs_scope_confirm(db, &cli, org, id, 1, &e), 0);
  return id;
}

TEST(scope_only_confirmed_and_contained) {
  Err e = {0};
  int64_t pending = scope("10.1.0.0/24", 0);
  CHECK_INT(scanjobs_scope_check(db, org, "10.1.0.5", &e), VERR_DENIED);
  CHECK(strstr(e.msg, "ingen bekreftede nett") != NULL);
  CHECK_INT(scanjobs_scope_confirm(db, &cli, org, pending, 1, &e), 0);
  scope("fd00:5::/64", 1);
  CHECK_INT(scanjobs_scope_check(db, org, "10.1.0.5, 10.1.0.10-20 fd00:5::9", &e), 0);
  CHECK_INT(scanjobs_scope_check(db, org, "10.1.0.0/23", &e), VERR_DENIED);
  CHECK_INT(scanjobs_scope_check(db, org, "10.1.0.5,10.1.1.5", &e), VERR_DENIED);
  CHECK(strstr(e.msg, "Nektet: 10.1.1.5 er utenfor") != NULL);
  CHECK_INT(scanjobs_scope_check(db, org, "fd00:6::1", &e), VERR_DENIED);
  CHECK_INT(scanjobs_scope_check(db, org, "example.org", &e), VERR_INVALID);
  CHECK_INT(scanjobs_scope_check(db, org, " , ", &e), VERR_INVALID);
  int64_t id;
  CHECK_INT(scanjobs_scope_add(db, &cli, org, "www.example.org", "", &id, &e), VERR_INVALID);
  CHECK_INT(scanjobs_scope_add(db, &cli, org, "10.1.0.0/24", "", &id, &e), VERR_CONFLICT);
  char *list = NULL;
  CHECK_INT(scanjobs_scope_list(db, org, &list, &e), 0);
  CHECK_STR(list, "10.1.0.0/24,fd00:5::/64");
  free(list);
}

TEST(limits_lowered_by_server_ceiling) {
  Err e = {0};
  unsigned rate, conc;
  CHECK_INT(scanjobs_limits_get(db, org, &rate, &conc, &e), 0);
  CHECK_INT(rate, SCANJOBS_DEFAULT_RATE);
  CHECK_INT(scanjobs_limits_set(db, &cli, org, 0, 10, &e), VERR_INVALID);
  CHECK_INT(scanjobs_limits_set(db, &cli, org, 3000, 300, &e), 0);
  char conf[320];
  snprintf(conf, sizeof conf, "%s/scan.conf", dir);
  FILE *f = fopen(conf, "w");
  fputs("max_rate = 1000\n", f);
  fclose(f);
  if (access("/etc/varde/scan.conf", F_OK) != 0) {   /* a real ceiling on the machine wins */
    setenv("VARDE_SCAN_CONF", conf, 1);
    CHECK_INT(scanjobs_limits_get(db, org, &rate, &conc, &e), 0);
    CHECK_INT(rate, 1000);
    CHECK_INT(conc, 300);
    unsetenv("VARDE_SCAN_CONF");
  }
  CHECK_INT(scanjobs_limits_get(db, org, &rate, &conc, &e), 0);
  CHECK_INT(rate, 3000);
}

static int64_t sensor;
static const char *cred = "vsensor_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

TEST(enrolment_once_and_repeatable) {
  char tok[SCANJOBS_SECRET_LEN + 1];
  int64_t id = 0, s2 = 0, o = 0;
  Err e = {0};
  CHECK_INT(scanjobs_sensor_create(db, &cli, org, "", tok, &id, &e), VERR_INVALID);
  CHECK_INT(scanjobs_sensor_create(db, &cli, org, "rådhuset", tok, &id, &e), 0);
  CHECK(strncmp(tok, "venrol_", 7) == 0 && strlen(tok) == 50);
  CHECK_INT(scanjobs_sensor_enrol(db, tok, "kort", "127.0.0.1", &sensor, &o, &e), VERR_DENIED);
  CHECK_INT(scanjobs_sensor_enrol(db, tok, cred, "127.0.0.1", &sensor, &o, &e), 0);
  CHECK_INT(sensor, id);
  CHECK_INT(o, org);
  CHECK_INT(scanjobs_sensor_enrol(db, tok, cred, "127.0.0.1", &s2, &o, &e), 0);
  CHECK_INT(s2, id);
  CHECK_INT(scanjobs_sensor_enrol(db, tok, "vsensor_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "x", &s2, &o, &e),
            VERR_DENIED);
  CHECK_INT(scanjobs_sensor_auth(db, cred, "127.0.0.1", &s2, &o, &e), 0);
  CHECK_INT(scanjobs_sensor_auth(db, "vsensor_x", "127.0.0.1", &s2, &o, &e), VERR_NOTFOUND);
}

TEST(part_parse_bounds) {
  Arena *a = arena_new(0);
  ScanjobsPart p;
  Err e = {0};
  const char *ok = "{\"part\":1,\"total\":2,\"data\":\"x\\n\"}";
  CHECK_INT(scanjobs_part_parse(a, ok, strlen(ok), &p, &e), 0);
  CHECK_INT(p.part, 1);
  CHECK_INT(p.len, 2);
  const char *bad[] = {"{\"part\":2,\"total\":2,\"data\":\"\"}", "{\"part\":0,\"total\":0,\"data\":\"\"}",
                       "{\"part\":0,\"total\":1}", "{\"part\":0,\"total\":5000,\"data\":\"\"}",
                       "{\"part\":0,\"total\":1,\"data\":\"a\\u0000b\"}", "{\"error\":\"\"}", "[]", "{",
                       "{\"part\":0,\"part\":0,\"total\":1,\"data\":\"\"}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CHECK_INT(scanjobs_part_parse(a, bad[i], strlen(bad[i]), &p, &e), VERR_INVALID);
  const char *er = "{\"error\":\"nektet\"}";
  CHECK_INT(scanjobs_part_parse(a, er, strlen(er), &p, &e), 0);
  CHECK_STR(p.error, "nektet");
  arena_free(a);
}

/* Queues a job of a full-scope schedule and returns its id. */
static int64_t next_job(int64_t sched) {
  int64_t job = 0;
  Err e = {0};
  CHECK_INT(scanjobs_schedule_run_now(db, &cli, org, sched, &job, &e), 0);
  return job;
}

static int store(int64_t job, int part, int total, const char *data, int *complete) {
  ScanjobsPart p = {part, total, data, strlen(data), NULL};
  Err e = {0};
  return scanjobs_part_store(db, sensor, job, &p, complete, &e);
}

static const char *rep(int with_finding) {
  return with_finding
    ? "{\"type\":\"scan\",\"hosts\":1,\"interrupted\":false}\n"
      "{\"type\":\"port\",\"addr\":\"10.1.0.5\",\"port\":22}\n"
      "{\"type\":\"finding\",\"addr\":\"10.1.0.5\",\"port\":22,\"id\":\"ssh-weak\"}\n"
    : "{\"type\":\"scan\",\"hosts\":1,\"interrupted\":false}\n"
      "{\"type\":\"port\",\"addr\":\"10.1.0.5\",\"port\":22}\n";
}

static int64_t count(const char *sql) {
  int64_t n = -1;
  Err e = {0};
  db_int(db, &e, &n, sql, "");
  return n;
}

TEST(parts_runs_and_the_not_seen_bridge) {
  Err e = {0};
  int64_t sched = 0;
  ScanjobsSchedule bad = {"ute", "10.9.9.9", "22", sensor, 0};
  CHECK_INT(scanjobs_schedule_create(db, &cli, org, &bad, &sched, &e), VERR_DENIED);
  ScanjobsSchedule s = {"hele", NULL, "22", sensor, 0};
  CHECK_INT(scanjobs_schedule_create(db, &cli, org, &s, &sched, &e), 0);
  Buf b;
  buf_init(&b, 1 << 20);
  CHECK_INT(scanjobs_sensor_jobs(db, sensor, db_now(), &b, &e), 0);
  json_t *doc = json_loads(buf_cstr(&b), 0, NULL);
  json_t *j = json_array_get(json_object_get(doc, "jobs"), 0);
  int64_t job = json_integer_value(json_object_get(j, "id"));
  CHECK_STR(json_string_value(json_object_get(j, "scope")), "10.1.0.0/24,fd00:5::/64");
  json_decref(doc);
  buf_free(&b);
  int complete = -1;
  const char *r = rep(1);
  size_t cut = strchr(r, '\n') - r + 1;
  char first[256];
  snprintf(first, sizeof first, "%.*s", (int)cut, r);
  CHECK_INT(store(job, 0, 2, first, &complete), 0);
  CHECK_INT(complete, 0);
  CHECK_INT(store(job, 0, 2, first, &complete), 0);
  CHECK_INT(store(job, 0, 2, "{}\n", &complete), VERR_CONFLICT);
  CHECK_INT(count("SELECT count(*) FROM scan_job_parts"), 1);
  CHECK_INT(store(job, 1, 2, r + cut, &complete), 0);
  CHECK_INT(complete, 1);
  CHECK_INT(store(job, 1, 2, r + cut, &complete), 0);
  CHECK_INT(count("SELECT count(*) FROM scan_runs"), 1);
  CHECK_INT(count("SELECT count(*) FROM scan_observations WHERE status = 'seen'"), 2);
  /* a full run without the finding: not seen, needs verification */
  int64_t j2 = next_job(sched);
  CHECK_INT(store(j2, 0, 1, rep(0), &complete), 0);
  CHECK_INT(count("SELECT count(*) FROM scan_observations WHERE status = 'not_seen' AND"
                  " kind = 'finding' AND key = 'ssh-weak'"), 1);
  CHECK_INT(count("SELECT count(*) FROM scan_observations"), 2);
  /* an interrupted run proves nothing */
  int64_t j3 = next_job(sched);
  CHECK_INT(store(j3, 0, 1, "{\"type\":\"scan\",\"interrupted\":true}\n", &complete), 0);
  CHECK_INT(count("SELECT count(*) FROM scan_observations WHERE status = 'seen' AND kind = 'port'"), 1);
  /* seen again */
  int64_t j4 = next_job(sched);
  CHECK_INT(store(j4, 0, 1, rep(1), &complete), 0);
  CHECK_INT(count("SELECT count(*) FROM scan_observations WHERE status = 'not_seen'"), 0);
  /* a failed report is refused and leaves the job open */
  int64_t j5 = next_job(sched);
  CHECK_INT(store(j5, 0, 1, "ikke json\n", &complete), VERR_INVALID);
  CHECK_INT(count("SELECT count(*) FROM scan_job_parts"), 0);
  CHECK_INT(count("SELECT count(*) FROM scan_runs"), 4);
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  setenv("VARDE_SCAN_CONF", "/nonexistent/scan.conf", 1);
  setup();
  RUN(scope_only_confirmed_and_contained);
  RUN(limits_lowered_by_server_ceiling);
  RUN(enrolment_once_and_repeatable);
  RUN(part_parse_bounds);
  RUN(parts_runs_and_the_not_seen_bridge);
  db_close(db);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd)) {}
  return TEST_DONE();
}
