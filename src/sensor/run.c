/* run.c — one job through the scan engine: the job's confirmed scope is the
 * engine's scope (checked before any packet and again at every connect),
 * the local scan.conf ceiling applies on top, and the JSON-lines report is
 * queued in the outbox as part documents in one atomic directory rename. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "scan/engine.h"
#include "scan/output.h"
#include "scan/policy.h"
#include "sensor/sensor.h"

volatile sig_atomic_t sensor_stop;

typedef struct Queue {
  char dir[4200];
  Err *e;
} Queue;

static int put_part(int part, int total, const char *doc, void *ctx) {
  Queue *q = ctx;
  char name[32];
  (void)total;
  snprintf(name, sizeof name, "%05d.json", part);
  return sensor_write_atomic(q->dir, name, doc, strlen(doc), q->e);
}

static void clear_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *de;
  char p[4500];
  while ((de = readdir(d)))
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
      snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
      unlink(p);
    }
  closedir(d);
  rmdir(dir);
}

/* Writes the parts into outbox/.tmp-<id>, then renames it to outbox/<id>. */
static int queue_report(const char *state, int64_t id, const char *report, size_t n,
                        const char *error, Err *e) {
  Queue q = {.e = e};
  char out[4096], final[4200];
  snprintf(out, sizeof out, "%s/outbox", state);
  snprintf(q.dir, sizeof q.dir, "%s/.tmp-%lld", out, (long long)id);
  snprintf(final, sizeof final, "%s/%lld", out, (long long)id);
  /* a half-written temporary directory from a crash is started afresh */
  clear_dir(q.dir);
  if (mkdir(q.dir, 0700))
    return err_set(e, VERR_IO, "kan ikke lage «%s»: %s", q.dir, strerror(errno));
  int rc;
  if (error) {
    json_t *doc = json_pack("{s:s}", "error", error);
    char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    rc = s ? sensor_write_atomic(q.dir, "00000.json", s, strlen(s), e) : VERR_NOMEM;
    free(s);
  } else {
    rc = sensor_split_report(report, n, put_part, &q);
  }
  if (rc == 0 && (sensor_fsync_dir(q.dir) || rename(q.dir, final) || sensor_fsync_dir(out)))
    rc = err_set(e, VERR_IO, "kan ikke legge resultatet i utboksen: %s", strerror(errno));
  return rc;
}

/* Scope, ceiling, targets and ports: everything decided before a packet. */
static int prepare(const SensorJob *j, ScanScope *scope, ScanPolicy *pol, ScanOpts *o,
                   ScanPorts *ports, ScanReport *r, Err *e) {
  const char *conf = getenv("VARDE_SCAN_CONF");
  if (!conf || access(SCAN_POLICY_PATH, F_OK) == 0) conf = SCAN_POLICY_PATH;
  int rc = scan_policy_load(pol, conf, e);
  if (rc) return rc;
  o->rate = j->rate;
  o->concurrency = j->concurrency;
  scan_policy_apply(pol, o, scope, stderr);
  if ((rc = scan_rangelist_add_specs(&scope->allow, j->scope, e))) return rc;
  if (scope->allow.n == 0) return err_set(e, VERR_DENIED, "jobben har tomt omfang");
  snprintf(scope->desc, sizeof scope->desc, "%.200s", j->scope);
  ScanAddrList addrs = {0};
  ScanRangeList none = {0};
  rc = scan_targets_expand(&addrs, j->targets, &none, e);
  if (rc == 0) rc = scan_report_set_hosts(r, &addrs, scope, e);
  scan_addrlist_free(&addrs);
  if (rc == 0) rc = scan_ports_parse(ports, j->ports, e);
  if (rc == 0) scan_ports_drop_printer(ports);
  return rc;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *p, size_t left) {
  size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 && p[0] >= 0xc2 ? 2
             : (p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 && p[0] <= 0xf4 ? 4 : 0;
  if (n == 0 || n > left) return 0;
  for (size_t i = 1; i < n; i++)
    if ((p[i] & 0xc0) != 0x80) return 0;
  if (n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))) return 0;
  if (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))) return 0;
  return n;
}

/* A report must travel as a JSON string: bytes that are not UTF-8 (a
 * banner copied raw somewhere) become '?' rather than losing the result. */
static void utf8_scrub(char *s, size_t n) {
  unsigned char *p = (unsigned char *)s;
  for (size_t i = 0; i < n;) {
    size_t k = utf8_len(p + i, n - i);
    if (k) i += k;
    else p[i++] = '?';
  }
}

static char *report_json(const ScanReport *r, size_t *n) {
  char *p = NULL;
  FILE *f = open_memstream(&p, n);
  if (!f) return NULL;
  scan_write_json(f, r);
  if (fclose(f)) {
    free(p);
    return NULL;
  }
  return p;
}

int sensor_job_run(const char *state, const SensorJob *j, Err *e) {
  ScanScope scope = {0};
  ScanPolicy pol;
  memset(&pol, 0, sizeof pol);
  ScanOpts o;
  scan_opts_default(&o);
  o.progress = 0;
  ScanPorts *ports = calloc(1, sizeof *ports);
  ScanReport r = {0};
  Err pe = {0};
  int rc = ports && scan_report_init(&r) == 0 ? 0 : err_set(e, VERR_NOMEM, "tomt for minne");
  int refused = 0;
  /* the gate's counters are process-wide: this job's share is the delta */
  unsigned long c0 = scan_connect_count(), r0 = scan_connect_refused();
  if (rc == 0 && (refused = prepare(j, &scope, &pol, &o, ports, &r, &pe)) == 0) {
    r.started = time(NULL);
    refused = scan_engine_run(&r, &scope, ports, &o, &pe);
    if (refused == 0 && o.service && !sensor_stop) scan_services_run(&r, &scope, &o);
    r.interrupted = scan_stop_flag != 0;
    r.connects = scan_connect_count() - c0;
    r.refused += scan_connect_refused() - r0;
    r.finished = time(NULL);
  }
  if (rc == 0 && sensor_stop) rc = 1;      /* stopped: run again after restart */
  else if (rc == 0 && refused)
    rc = queue_report(state, j->id, NULL, 0, pe.msg[0] ? pe.msg : "jobben ble nektet", e);
  else if (rc == 0) {
    size_t n = 0;
    char *rep = report_json(&r, &n);
    if (rep) utf8_scrub(rep, n);
    rc = rep ? queue_report(state, j->id, rep, n, NULL, e) : err_set(e, VERR_NOMEM, "tomt for minne");
    free(rep);
  }
  if (ports) scan_ports_free(ports);
  free(ports);
  scan_scope_free(&scope);
  scan_policy_free(&pol);
  if (r.arena) scan_report_free(&r);
  return rc;
}
