/* loop.c — the sensor's rounds: deliver the outbox (a part leaves the disk
 * only after the server acknowledged it), heartbeat, resume jobs a restart
 * interrupted, pull new jobs and run them. Enrolment happens first. */
#include <dirent.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan/engine.h"
#include "scanjobs/scanjobs.h"
#include "sensor/loop.h"
#include "sensor/sensor.h"

typedef struct Ctx {
  const SensorOpts *o;
  SensorHttp http;
  Buf resp;
} Ctx;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("varde sensor: ", stdout);
  vprintf(fmt, ap);
  putchar('\n');
  va_end(ap);
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of dir not starting with '.' (malloc'd). */
static char **list_dir(const char *dir, size_t *n) {
  DIR *d = opendir(dir);
  char **v = NULL;
  size_t cap = 0;
  *n = 0;
  if (!d) return NULL;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    if (*n == cap) {
      char **nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *v);
      if (!nv) break;
      v = nv;
    }
    if (!(v[*n] = strdup(de->d_name))) break;
    (*n)++;
  }
  closedir(d);
  if (v) qsort(v, *n, sizeof *v, cmp_names);
  return v;
}

static void free_list(char **v, size_t n) {
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

/* 0 delivered or set aside, -1 server away (try later). */
static int deliver_part(Ctx *c, const char *jobdir, const char *job, const char *name) {
  char path[4800], api[128];
  snprintf(path, sizeof path, "%s/%s", jobdir, name);
  char *doc = sensor_read_file(path, (size_t)4 << 20, NULL);
  if (!doc) return 0;
  snprintf(api, sizeof api, "/api/v1/sensor/jobs/%s/results", job);
  long st = 0;
  Err e = {0};
  sensor_http_call(&c->http, "POST", api, doc, &c->resp, &st, &e);
  free(doc);
  if (st == 200) {
    unlink(path);
    sensor_fsync_dir(jobdir);
    return 0;
  }
  if (st == 400 || st == 404 || st == 409) {
    char dest[4800];
    snprintf(dest, sizeof dest, "%s/rejected/%.255s-%.255s", c->o->state, job, name);
    rename(path, dest);
    say("jobb %s del %s avvist av tjeneren (%ld): %.300s; lagt i rejected/", job, name, st,
        buf_cstr(&c->resp));
    return 0;
  }
  say("tjeneren svarer ikke (%s); resultatene venter på disk", st ? "feil" : e.msg);
  return -1;
}

static int flush_job(Ctx *c, const char *outbox, const char *job) {
  char dir[4500];
  snprintf(dir, sizeof dir, "%s/%s", outbox, job);
  size_t n = 0;
  char **parts = list_dir(dir, &n);
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) rc = deliver_part(c, dir, job, parts[i]);
  free_list(parts, n);
  if (rc) return rc;
  char **left = list_dir(dir, &n);
  free_list(left, n);
  if (n) return 0;
  char donedir[4200];
  snprintf(donedir, sizeof donedir, "%s/done", c->o->state);
  Err e = {0};
  if (sensor_write_atomic(donedir, job, "", 0, &e) == 0 && rmdir(dir) == 0) {
    sensor_fsync_dir(outbox);
    say("jobb %s levert", job);
  }
  return 0;
}

static void flush_outbox(Ctx *c) {
  char outbox[4200];
  snprintf(outbox, sizeof outbox, "%s/outbox", c->o->state);
  size_t n = 0;
  char **jobs = list_dir(outbox, &n);
  for (size_t i = 0; i < n && !sensor_stop; i++)
    if (flush_job(c, outbox, jobs[i])) break;
  free_list(jobs, n);
}

static void heartbeat(Ctx *c) {
  char body[128];
  snprintf(body, sizeof body, "{\"version\":\"%s\",\"queued\":%ld}", VARDE_VERSION,
           sensor_outbox_count(c->o->state));
  long st = 0;
  Err e = {0};
  sensor_http_call(&c->http, "POST", "/api/v1/sensor/heartbeat", body, &c->resp, &st, &e);
  if (st == 401) say("tjeneren kjenner ikke sensornøkkelen (tilbakekalt?)");
}

/* Runs a job unless it is already queued or delivered; the job file is
 * written first and removed last, so a restart resumes it. */
static void run_job(Ctx *c, const SensorJob *j, int from_disk) {
  char jobs[4200], name[64];
  snprintf(jobs, sizeof jobs, "%s/jobs", c->o->state);
  snprintf(name, sizeof name, "%lld.json", (long long)j->id);
  if (sensor_exists(c->o->state, "outbox/%lld", (long long)j->id) ||
      sensor_exists(c->o->state, "done/%lld", (long long)j->id))
    return;
  Err e = {0};
  if (!from_disk) {
    char *doc = sensor_job_dump(j);
    int rc = doc ? sensor_write_atomic(jobs, name, doc, strlen(doc), &e) : VERR_NOMEM;
    free(doc);
    if (rc) {
      say("kan ikke lagre jobb %lld: %s", (long long)j->id, e.msg);
      return;
    }
    char api[96];
    long st = 0;
    snprintf(api, sizeof api, "/api/v1/sensor/jobs/%lld/start", (long long)j->id);
    sensor_http_call(&c->http, "POST", api, "{}", &c->resp, &st, &e);
  }
  say("jobb %lld startet: %s porter %s", (long long)j->id, j->targets, j->ports);
  scan_stop_flag = 0;
  int rc = sensor_job_run(c->o->state, j, &e);
  if (rc == 1) {
    say("jobb %lld avbrutt av stopp; kjøres på nytt ved neste oppstart", (long long)j->id);
    return;
  }
  if (rc) {
    say("jobb %lld: %s", (long long)j->id, e.msg);
    return;
  }
  say("jobb %lld ferdig; resultatet ligger i utboksen", (long long)j->id);
  char path[4400];
  snprintf(path, sizeof path, "%s/%s", jobs, name);
  unlink(path);
  sensor_fsync_dir(jobs);
}

static void resume_jobs(Ctx *c) {
  char jobs[4200];
  snprintf(jobs, sizeof jobs, "%s/jobs", c->o->state);
  size_t n = 0;
  char **v = list_dir(jobs, &n);
  for (size_t i = 0; i < n && !sensor_stop; i++) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", jobs, v[i]);
    size_t len = 0;
    char *doc = sensor_read_file(path, 1 << 20, &len);
    SensorJob *js = NULL;
    size_t nj = 0;
    Err e = {0};
    if (doc && sensor_jobs_parse(doc, len, &js, &nj, &e) == 0 && nj == 1) run_job(c, &js[0], 1);
    sensor_jobs_free(js, nj);
    free(doc);
  }
  free_list(v, n);
}

static void poll_jobs(Ctx *c) {
  long st = 0;
  Err e = {0};
  if (sensor_http_call(&c->http, "GET", "/api/v1/sensor/jobs", NULL, &c->resp, &st, &e) || st != 200)
    return;
  SensorJob *js = NULL;
  size_t n = 0;
  if (sensor_jobs_parse(c->resp.p, c->resp.n, &js, &n, &e)) {
    say("ugyldig jobbliste fra tjeneren: %s", e.msg);
    return;
  }
  for (size_t i = 0; i < n && !sensor_stop; i++) {
    run_job(c, &js[i], 0);
    flush_outbox(c);
  }
  sensor_jobs_free(js, n);
}

/* Loads the credential, creating one (and enrolling with it) if needed.
 * 0 ready, 1 try again later, 2 fatal. */
static int enrol(Ctx *c) {
  char dir[4200], path[4400];
  snprintf(dir, sizeof dir, "%s", c->o->state);
  snprintf(path, sizeof path, "%s/credential", dir);
  char *cred = sensor_read_file(path, 128, NULL);
  Err e = {0};
  if (!cred) {
    if (!c->o->enrol) {
      fputs("varde sensor: ikke registrert ennå; start med --enrol NØKKEL\n", stderr);
      return 2;
    }
    char fresh[SCANJOBS_SECRET_LEN + 1];
    scanjobs__secret_public(fresh, sizeof fresh);
    if (sensor_write_atomic(dir, "credential", fresh, strlen(fresh), &e)) {
      fprintf(stderr, "varde sensor: %s\n", e.msg);
      return 2;
    }
    cred = strdup(fresh);
  }
  cred[strcspn(cred, "\r\n")] = '\0';
  snprintf(c->http.cred, sizeof c->http.cred, "%s", cred);
  free(cred);
  if (sensor_exists(dir, "enrolled")) return 0;
  if (!c->o->enrol) {
    fputs("varde sensor: registreringen ble ikke fullført; start med --enrol NØKKEL\n", stderr);
    return 2;
  }
  json_t *j = json_pack("{s:s, s:s}", "token", c->o->enrol, "credential", c->http.cred);
  char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  long st = 0;
  char save[sizeof c->http.cred];
  memcpy(save, c->http.cred, sizeof save);
  c->http.cred[0] = '\0';
  sensor_http_call(&c->http, "POST", "/api/v1/sensor/enrol", body, &c->resp, &st, &e);
  memcpy(c->http.cred, save, sizeof save);
  free(body);
  if (st == 200 && sensor_write_atomic(dir, "enrolled", c->resp.p, c->resp.n, &e) == 0) {
    say("registrert hos %s", c->http.base);
    return 0;
  }
  if (st == 401 || st == 403) {
    fprintf(stderr, "varde sensor: registreringen ble avvist: %s\n", buf_cstr(&c->resp));
    return 2;
  }
  say("kan ikke registrere nå (%s); prøver igjen", st ? buf_cstr(&c->resp) : e.msg);
  return 1;
}

static void pause_round(long s) {
  for (long i = 0; i < s * 10 && !sensor_stop; i++) usleep(100000);
}

int sensor_main(const SensorOpts *o) {
  Ctx c = {.o = o};
  Err e = {0};
  buf_init(&c.resp, SENSOR_RESP_MAX);
  int rc = strlen(o->state) > 1024 ? err_set(&e, VERR_INVALID, "--state er for lang (over 1024 tegn)")
                                   : sensor_state_open(o->state, &e);
  if (rc == 0) rc = sensor_http_init(&c.http, o->server, o->ca, 0, &e);
  if (rc) {
    fprintf(stderr, "varde sensor: %s\n", e.msg);
    buf_free(&c.resp);
    return 2;
  }
  int code = 0, ready = 0;
  say("starter (tilstand %s, tjener %s)", o->state, c.http.base);
  while (!sensor_stop) {
    if (!ready) {
      int r = enrol(&c);
      if (r == 2) { code = 2; break; }
      ready = r == 0;
    }
    if (ready) {
      flush_outbox(&c);
      heartbeat(&c);
      resume_jobs(&c);
      poll_jobs(&c);
      flush_outbox(&c);
    }
    if (o->once) break;
    pause_round(o->interval);
  }
  say("stopper");
  sensor_http_free(&c.http);
  buf_free(&c.resp);
  return code;
}
