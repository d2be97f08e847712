/* scanjobs_int.h — helpers shared by the files of src/scanjobs only. */
#ifndef VARDE_SCANJOBS_INT_H
#define VARDE_SCANJOBS_INT_H
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

typedef struct Db Db;

/* Calls fn for each comma/space separated spec; fn(NULL) for an over-long
 * token. Stops at the first non-zero return. */
int scanjobs__each_spec(const char *list, int (*fn)(const char *spec, void *ctx), void *ctx);
/* SHA-256 of s as 64 hex characters. */
void scanjobs__sha256_hex(const char *s, size_t n, char out[65]);
/* prefix + 43 base64url characters of fresh randomness. */
void scanjobs__secret(const char *prefix, char *out, size_t outsz);
/* 1 when s is prefix + exactly 43 base64url characters. */
int scanjobs__secret_ok(const char *s, const char *prefix);
/* Queues a job for schedule sid (scope checked again); in an open
 * transaction. */
int scanjobs__queue_job(Db *db, int64_t org, int64_t sid, int64_t *job_id, Err *e);

/* A finished run's services into the findings module (findings.c): in the
 * caller's transaction. */
int scanjobs__run_findings(Db *db, int64_t run, Err *e);
/* A report's open ports with what was identified, and the hosts that timed
 * out (strings in a, cut to 2000 bytes); lines that are not JSON objects
 * are skipped. Zero-initialise; free with scanjobs__services_free. */
typedef struct ScanjobsServices {
  Arena *a;
  struct FindScanService *v;
  size_t n, cap;
  const char **tout;
  size_t ntout, captout;
} ScanjobsServices;
int scanjobs__services_parse(ScanjobsServices *c, const char *text, size_t n, Err *e);
void scanjobs__services_free(ScanjobsServices *c);

#endif
