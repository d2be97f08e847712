/* scanjobs.h — the server side of scanning: confirmed scope per
 * organisation, limits, sensors and their credentials, schedules, jobs,
 * result ingestion into runs (whose identified services become findings,
 * src/findings/scan.h), and seen/not-seen observations per address and
 * port. Every write is audited in its transaction. */
#ifndef VARDE_SCANJOBS_H
#define VARDE_SCANJOBS_H
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

typedef struct Db Db;

#define SCANJOBS_CRED_PREFIX "vsensor_"
#define SCANJOBS_ENROL_PREFIX "venrol_"
#define SCANJOBS_SECRET_LEN 51           /* prefix + 43 base64url, at most */
#define SCANJOBS_ENROL_TTL (24 * 3600)
#define SCANJOBS_PART_MAX ((size_t)768 << 10)  /* one result part, bytes */
#define SCANJOBS_PARTS_MAX 4096
#define SCANJOBS_DEFAULT_RATE 500
#define SCANJOBS_DEFAULT_CONC 128

/* --- scope (scope.c) ---------------------------------------------------- */
/* Adds an unconfirmed entry (address, a.b.c.d-e, CIDR; no host names). */
int scanjobs_scope_add(Db *db, const Principal *who, int64_t org, const char *spec,
                       const char *note, int64_t *id, Err *e);
/* Confirms (or with confirm=0 withdraws) entry id of org. */
int scanjobs_scope_confirm(Db *db, const Principal *who, int64_t org, int64_t id, int confirm,
                           Err *e);
/* The confirmed scope as a comma list ("" when none), malloc'd. */
int scanjobs_scope_list(Db *db, int64_t org, char **out, Err *e);
/* 0 when every target spec lies inside one confirmed range; VERR_DENIED with
 * a Norwegian message naming the first one outside otherwise. */
int scanjobs_scope_check(Db *db, int64_t org, const char *targets, Err *e);
/* Limits: the organisation's (defaults when unset), lowered to the server
 * ceiling from scan.conf. */
int scanjobs_limits_get(Db *db, int64_t org, unsigned *rate, unsigned *conc, Err *e);
int scanjobs_limits_set(Db *db, const Principal *who, int64_t org, unsigned rate, unsigned conc,
                        Err *e);

/* --- sensors (sensor.c) ------------------------------------------------- */
/* New sensor with a one-time enrolment token (out, shown once). */
int scanjobs_sensor_create(Db *db, const Principal *who, int64_t org, const char *name,
                           char token[SCANJOBS_SECRET_LEN + 1], int64_t *id, Err *e);
/* Uses the token once; the sensor's own credential becomes its key.
 * Repeating the same token with the same credential answers the same sensor
 * (a lost reply is harmless). */
int scanjobs_sensor_enrol(Db *db, const char *token, const char *cred, const char *addr,
                          int64_t *sensor_id, int64_t *org, Err *e);
/* Credential -> sensor (not revoked); records last seen. VERR_NOTFOUND. */
int scanjobs_sensor_auth(Db *db, const char *cred, const char *addr, int64_t *sensor_id,
                         int64_t *org, Err *e);
int scanjobs_sensor_heartbeat(Db *db, int64_t sensor_id, const char *version, int64_t queued,
                              Err *e);
/* A fresh sensor credential ("vsensor_" + 43 base64url) for the sensor
 * side, which chooses its own credential at enrolment. */
void scanjobs__secret_public(char *out, size_t outsz);
int scanjobs_sensor_revoke(Db *db, const Principal *who, int64_t org, int64_t id, Err *e);
/* `varde demo`: a scope, a sensor, a schedule and two recorded runs in org
 * (demo.c; no packet is sent). Does nothing when the demo sensor exists. */
int scanjobs_demo(Db *db, const Principal *who, int64_t org, Err *e);

/* --- schedules and jobs (jobs.c) ---------------------------------------- */
typedef struct ScanjobsSchedule {
  const char *name;
  const char *targets;     /* NULL or "" = the whole confirmed scope */
  const char *ports;
  int64_t sensor_id;
  int64_t interval_s;      /* 0 = once */
} ScanjobsSchedule;
/* Checks targets against the confirmed scope and ports syntax first. */
int scanjobs_schedule_create(Db *db, const Principal *who, int64_t org,
                             const ScanjobsSchedule *s, int64_t *id, Err *e);
/* Queues a job of the schedule now (the scope is checked again). */
int scanjobs_schedule_run_now(Db *db, const Principal *who, int64_t org, int64_t schedule_id,
                              int64_t *job_id, Err *e);
/* Creates the jobs that are due for this sensor (schedules with next_run <=
 * now), then lists its queued and running jobs as a JSON document. */
int scanjobs_sensor_jobs(Db *db, int64_t sensor_id, int64_t now, Buf *json, Err *e);
int scanjobs_job_start(Db *db, int64_t sensor_id, int64_t job_id, Err *e);

/* --- results (ingest.c) ------------------------------------------------- */
typedef struct ScanjobsPart {
  int64_t part, total;
  const char *data;        /* JSON lines of the scan report (slice) */
  size_t len;
  const char *error;       /* set when the sensor reports a failed job */
} ScanjobsPart;
/* Parses a result-part document (strings point into arena). */
int scanjobs_part_parse(Arena *a, const char *body, size_t n, ScanjobsPart *out, Err *e);
/* Stores a part (idempotent on job/part: the same part again is fine, a
 * different body for the same part is VERR_CONFLICT). When the last part is
 * in, the run is built, results stored and observations updated, in the
 * same transaction. *complete = 1 when the job is done. */
int scanjobs_part_store(Db *db, int64_t sensor_id, int64_t job_id, const ScanjobsPart *p,
                        int *complete, Err *e);

/* --- observations (bridge.c): seen / not seen per address, port, key ---- */
/* Called by ingest for a finished run: marks what the run saw as seen and,
 * when the run covered the whole confirmed scope without interruption,
 * marks earlier observations in that scope it did not see as 'not_seen'
 * (needs verification). Never deletes. */
int scanjobs_observe_run(Db *db, int64_t run_id, Err *e);

typedef struct ScanjobsObservation {
  int64_t org_id;
  const char *addr;
  unsigned port;
  const char *kind, *key, *status;   /* kind port|cpe|finding; seen|not_seen */
  int64_t last_seen_run, last_seen_at, status_run, status_at;
} ScanjobsObservation;
/* Calls fn for org's observations (status NULL = all), newest change first. */
int scanjobs_observations(Db *db, int64_t org, const char *status,
                          int (*fn)(const ScanjobsObservation *, void *), void *ctx, Err *e);

/* --- diff (diff.c) ------------------------------------------------------ */
/* The run before run_id of the same schedule, or 0. */
int scanjobs_prev_run(Db *db, int64_t org, int64_t run_id, int64_t *prev, Err *e);
/* Changes from run `old` to run `cur` (both of org) via src/scan's diff.
 * The changes point into the two snapshots: the caller frees all three
 * (scan_snap_free, scan_diff_free), also after an error. */
struct ScanDiff;
struct ScanSnap;
int scanjobs_run_diff(Db *db, int64_t org, int64_t old, int64_t cur, struct ScanSnap *a,
                      struct ScanSnap *b, struct ScanDiff *out, Err *e);

/* Web pages and API routes (web.c, api.c). */
void scanjobs_web_init(void);

#endif
