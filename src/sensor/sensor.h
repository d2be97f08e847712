/* sensor.h — `varde sensor`, the agent inside a municipality's network:
 * its HTTP client (libcurl, certificate verification on), its state
 * directory (credential, jobs in progress, the outbox of result parts that
 * survives restarts), and the job parser and runner. */
#ifndef VARDE_SENSOR_H
#define VARDE_SENSOR_H
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define SENSOR_PART_BYTES ((size_t)256 << 10)   /* raw JSON lines per part */
#define SENSOR_MAX_JOBS 50
#define SENSOR_RESP_MAX ((size_t)4 << 20)

/* --- client.c ------------------------------------------------------------ */
typedef struct SensorHttp {
  char base[512];          /* "https://host:port" without trailing slash */
  const char *ca;          /* --ca FILE or NULL (system store) */
  char cred[64];           /* "vsensor_..." or "" */
  void *curl;
} SensorHttp;

/* Checks the URL (https, or http to a loopback host only unless allow_http). */
int sensor_http_init(SensorHttp *h, const char *url, const char *ca, int allow_http, Err *e);
void sensor_http_free(SensorHttp *h);
/* method GET/POST on base+path with an optional JSON body. *status is the
 * HTTP status (0 when the server could not be reached: e says why). */
int sensor_http_call(SensorHttp *h, const char *method, const char *path, const char *body,
                     Buf *resp, long *status, Err *e);

/* --- state.c ------------------------------------------------------------- */
/* Creates dir (0700) and its jobs/, outbox/, done/ and rejected/. */
int sensor_state_open(const char *dir, Err *e);
/* Writes data to dir/name atomically (tmp, fsync, rename, fsync dir), 0600. */
int sensor_write_atomic(const char *dir, const char *name, const char *data, size_t n, Err *e);
/* Reads a small file (at most max bytes) into a malloc'd string. */
char *sensor_read_file(const char *path, size_t max, size_t *n);
int sensor_exists(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Fsyncs a directory (after rename/unlink inside it). */
int sensor_fsync_dir(const char *dir);
/* Number of result parts waiting in the outbox. */
long sensor_outbox_count(const char *state);

/* --- job.c --------------------------------------------------------------- */
typedef struct SensorJob {
  int64_t id;
  char *targets, *ports, *scope;
  unsigned rate, concurrency;
} SensorJob;

/* Parses {"jobs":[...]} from the server. Outside input: every field is
 * checked and bounded. *jobs is malloc'd; free with sensor_jobs_free. */
int sensor_jobs_parse(const char *text, size_t n, SensorJob **jobs, size_t *njobs, Err *e);
void sensor_jobs_free(SensorJob *jobs, size_t n);
/* One job as the JSON document stored in jobs/<id>.json (and back). */
char *sensor_job_dump(const SensorJob *j);
/* Runs the job with the engine inside the job's scope (and the local
 * scan.conf ceiling) and puts the report into outbox/<id>/ as numbered part
 * documents, atomically. A refusal becomes an error part. 1 when stopped
 * by a signal (nothing queued; the job runs again after a restart). */
int sensor_job_run(const char *state, const SensorJob *j, Err *e);
/* Splits a JSON-lines report into part documents (for tests and fuzzing):
 * calls fn(part, total, doc) for each. */
int sensor_split_report(const char *report, size_t n, int (*fn)(int part, int total,
                        const char *doc, void *ctx), void *ctx);

extern volatile sig_atomic_t sensor_stop;

#endif
