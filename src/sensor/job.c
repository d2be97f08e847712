/* job.c — scan jobs on the sensor: parsing what the server sends (outside
 * input, bounded), running one with the engine inside the job's confirmed
 * scope, and queueing the report as numbered result parts in the outbox. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scan/engine.h"
#include "scan/output.h"
#include "scan/policy.h"
#include "sensor/sensor.h"

static char *str_field(json_t *o, const char *k, size_t max) {
  const char *s = json_string_value(json_object_get(o, k));
  size_t n = s ? strlen(s) : 0;
  if (!s || n == 0 || n > max || n != json_string_length(json_object_get(o, k))) return NULL;
  return strdup(s);
}

static int job_from_json(json_t *o, SensorJob *j, Err *e) {
  memset(j, 0, sizeof *j);
  json_t *id = json_object_get(o, "id"), *rate = json_object_get(o, "rate");
  json_t *conc = json_object_get(o, "concurrency");
  if (!json_is_object(o) || !json_is_integer(id) || json_integer_value(id) < 1 ||
      !json_is_integer(rate) || json_integer_value(rate) < 1 || json_integer_value(rate) > 100000 ||
      !json_is_integer(conc) || json_integer_value(conc) < 1 || json_integer_value(conc) > 10000)
    return err_set(e, VERR_INVALID, "jobb uten gyldig id, rate eller concurrency");
  j->id = json_integer_value(id);
  j->rate = (unsigned)json_integer_value(rate);
  j->concurrency = (unsigned)json_integer_value(conc);
  j->targets = str_field(o, "targets", 20000);
  j->ports = str_field(o, "ports", 500);
  j->scope = str_field(o, "scope", 20000);
  if (!j->targets || !j->ports || !j->scope) {
    free(j->targets); free(j->ports); free(j->scope);
    memset(j, 0, sizeof *j);
    return err_set(e, VERR_INVALID, "jobb uten gyldige targets, ports eller scope");
  }
  return 0;
}

int sensor_jobs_parse(const char *text, size_t n, SensorJob **jobs, size_t *njobs, Err *e) {
  *jobs = NULL;
  *njobs = 0;
  json_t *doc = json_loadb(text, n, JSON_REJECT_DUPLICATES, NULL);
  json_t *arr = json_object_get(doc, "jobs");
  int rc = 0;
  if (!json_is_array(arr)) rc = err_set(e, VERR_INVALID, "svaret mangler «jobs»");
  else if (json_array_size(arr) > SENSOR_MAX_JOBS) rc = err_set(e, VERR_INVALID, "for mange jobber");
  else if (json_array_size(arr) && !(*jobs = calloc(json_array_size(arr), sizeof **jobs)))
    rc = err_set(e, VERR_NOMEM, "tomt for minne");
  for (size_t i = 0; rc == 0 && i < json_array_size(arr); i++) {
    rc = job_from_json(json_array_get(arr, i), &(*jobs)[i], e);
    if (rc == 0) (*njobs)++;
  }
  json_decref(doc);
  if (rc) {
    sensor_jobs_free(*jobs, *njobs);
    *jobs = NULL;
    *njobs = 0;
  }
  return rc;
}

void sensor_jobs_free(SensorJob *jobs, size_t n) {
  for (size_t i = 0; jobs && i < n; i++) {
    free(jobs[i].targets);
    free(jobs[i].ports);
    free(jobs[i].scope);
  }
  free(jobs);
}

char *sensor_job_dump(const SensorJob *j) {
  json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:I}", "id", (json_int_t)j->id, "targets",
                        j->targets, "ports", j->ports, "scope", j->scope, "rate",
                        (json_int_t)j->rate, "concurrency", (json_int_t)j->concurrency);
  json_t *doc = o ? json_pack("{s:[o]}", "jobs", o) : NULL;
  char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
  json_decref(doc);
  return s;
}

int sensor_split_report(const char *report, size_t n, int (*fn)(int, int, const char *, void *),
                        void *ctx) {
  /* count the parts first: every part ends at a line end */
  size_t starts[4096];
  int total = 0;
  size_t off = 0;
  while (off < n || total == 0) {
    if (total == 4096) return VERR_TOOBIG;
    starts[total++] = off;
    size_t end = off + SENSOR_PART_BYTES < n ? off + SENSOR_PART_BYTES : n;
    while (end < n && end > off && report[end - 1] != '\n') end--;
    if (end == off) end = off + SENSOR_PART_BYTES < n ? off + SENSOR_PART_BYTES : n;  /* huge line */
    off = end;
    if (n == 0) break;
  }
  for (int i = 0; i < total; i++) {
    size_t a = starts[i], b = i + 1 < total ? starts[i + 1] : n;
    json_t *doc = json_pack("{s:i, s:i, s:s%}", "part", i, "total", total, "data", report + a, b - a);
    char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    int rc = s ? fn(i, total, s, ctx) : VERR_NOMEM;
    free(s);
    if (rc) return rc;
  }
  return 0;
}
