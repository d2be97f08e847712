/* test_sensor.c — the sensor's own parts without a server: the job parser
 * (bounds, round trip through the on-disk form), report splitting, atomic
 * state files, and running jobs: a target outside the job's scope is
 * refused before any connect() and queued as an error part; a loopback
 * job scans a socket this test listens on and queues a parsable report. */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/diff.h"
#include "scan/target.h"
#include "sensor/sensor.h"
#include "test.h"


static char dir[] = "/tmp/varde-test-sensor-XXXXXX";

TEST(job_parser_bounds_and_round_trip) {
  const char *ok = "{\"jobs\":[{\"id\":3,\"targets\":\"127.0.0.1\",\"ports\":\"22\",\"scope\":"
                   "\"127.0.0.0/8\",\"rate\":10,\"concurrency\":2,\"state\":\"queued\"}]}";
  SensorJob *j = NULL;
  size_t n = 0;
  Err e = {0};
  CHECK_INT(sensor_jobs_parse(ok, strlen(ok), &j, &n, &e), 0);
  CHECK_INT(n, 1);
  CHECK_STR(j[0].scope, "127.0.0.0/8");
  char *s = sensor_job_dump(&j[0]);
  SensorJob *k = NULL;
  size_t m = 0;
  CHECK_INT(sensor_jobs_parse(s, strlen(s), &k, &m, &e), 0);
  CHECK_INT(k[0].rate, 10);
  free(s);
  sensor_jobs_free(k, m);
  sensor_jobs_free(j, n);
  const char *bad[] = {"{}", "{\"jobs\":[{\"id\":0,\"targets\":\"a\",\"ports\":\"1\",\"scope\":\"a\","
                       "\"rate\":1,\"concurrency\":1}]}",
                       "{\"jobs\":[{\"id\":1,\"targets\":\"a\",\"ports\":\"1\",\"rate\":1,\"concurrency\":1}]}",
                       "{\"jobs\":[{\"id\":1,\"targets\":\"a\",\"ports\":\"1\",\"scope\":\"a\",\"rate\":0,"
                       "\"concurrency\":1}]}", "[", "{\"jobs\":[1]}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK_INT(sensor_jobs_parse(bad[i], strlen(bad[i]), &j, &n, &e), VERR_INVALID);
    CHECK(j == NULL && n == 0);
  }
}

typedef struct Parts {
  int n, total;
  size_t bytes;
} Parts;

static int count_part(int part, int total, const char *doc, void *ctx) {
  Parts *p = ctx;
  json_t *o = json_loads(doc, 0, NULL);
  if (o && json_integer_value(json_object_get(o, "part")) == part) {
    p->n++;
    p->total = total;
    p->bytes += json_string_length(json_object_get(o, "data"));
    const char *d = json_string_value(json_object_get(o, "data"));
    size_t len = json_string_length(json_object_get(o, "data"));
    if (part + 1 < total && (len == 0 || d[len - 1] != '\n')) p->n = -1000;  /* cut mid-line */
  }
  json_decref(o);
  return 0;
}

TEST(split_at_line_ends) {
  size_t n = SENSOR_PART_BYTES * 2 + 100;
  char *r = malloc(n + 1);
  for (size_t i = 0; i < n; i++) r[i] = i % 100 == 99 ? '\n' : 'x';
  r[n] = '\0';
  Parts p = {0};
  CHECK_INT(sensor_split_report(r, n, count_part, &p), 0);
  CHECK_INT(p.n, 3);
  CHECK_INT(p.total, 3);
  CHECK_INT(p.bytes, n);
  Parts z = {0};
  CHECK_INT(sensor_split_report("", 0, count_part, &z), 0);
  CHECK_INT(z.total, 1);
  free(r);
}

TEST(atomic_state_files) {
  Err e = {0};
  char st[300];
  snprintf(st, sizeof st, "%s/state", dir);
  CHECK_INT(sensor_state_open(st, &e), 0);
  struct stat s;
  CHECK(stat(st, &s) == 0 && (s.st_mode & 0777) == 0700);
  CHECK_INT(sensor_write_atomic(st, "credential", "hemmelig", 8, &e), 0);
  char p[400];
  snprintf(p, sizeof p, "%s/credential", st);
  CHECK(stat(p, &s) == 0 && (s.st_mode & 0777) == 0600);
  size_t n = 0;
  char *back = sensor_read_file(p, 100, &n);
  CHECK_STR(back, "hemmelig");
  free(back);
  CHECK(sensor_read_file(p, 4, &n) == NULL);   /* bounded */
  CHECK(sensor_exists(st, "credential") && !sensor_exists(st, ".credential.tmp"));
}

static char *outbox_part(const char *st, long long id) {
  char p[400];
  snprintf(p, sizeof p, "%s/outbox/%lld/00000.json", st, id);
  return sensor_read_file(p, 1 << 20, NULL);
}

TEST(refused_before_any_connect) {
  char st[300];
  snprintf(st, sizeof st, "%s/state", dir);
  SensorJob j = {11, "127.0.0.2", "22", "127.0.0.1/32", 100, 4};
  Err e = {0};
  unsigned long before = scan_connect_count();
  CHECK_INT(sensor_job_run(st, &j, &e), 0);
  CHECK_INT(scan_connect_count(), before);
  char *doc = outbox_part(st, 11);
  CHECK(doc && strstr(doc, "\"error\"") && strstr(doc, "127.0.0.2"));
  free(doc);
}

TEST(loopback_job_queues_a_report) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  CHECK(bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 8) == 0);
  socklen_t len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  char ports[16], st[300];
  snprintf(ports, sizeof ports, "%u", ntohs(a.sin_port));
  snprintf(st, sizeof st, "%s/state", dir);
  SensorJob j = {12, "127.0.0.1", ports, "127.0.0.1/32", 100, 4};
  Err e = {0};
  setenv("VARDE_SCAN_CONF", "/nonexistent", 1);
  CHECK_INT(sensor_job_run(st, &j, &e), 0);
  close(l);
  char *doc = outbox_part(st, 12);
  json_t *o = doc ? json_loads(doc, 0, NULL) : NULL;
  const char *data = json_string_value(json_object_get(o, "data"));
  ScanSnap s = {0};
  CHECK(data && scan_snap_parse(&s, data, strlen(data), &e) == 0);
  CHECK_INT(s.n, 1);
  if (s.n) CHECK_INT(s.v[0].port, ntohs(a.sin_port));
  scan_snap_free(&s);
  json_decref(o);
  free(doc);
  char tmp[400];
  snprintf(tmp, sizeof tmp, "%s/outbox/.tmp-12", st);
  CHECK(access(tmp, F_OK) != 0);   /* renamed into place */
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  RUN(job_parser_bounds_and_round_trip);
  RUN(split_at_line_ends);
  RUN(atomic_state_files);
  RUN(refused_before_any_connect);
  RUN(loopback_job_queues_a_report);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd)) {}
  return TEST_DONE();
}
