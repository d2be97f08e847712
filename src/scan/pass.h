/* pass.h — one port-scan pass shared by its worker threads (engine.c runs
 * the pass, worker.c one worker): the work counter, the global rate bucket,
 * the stop flag, and each worker's own tallies per host. */
#ifndef VARDE_SCAN_PASS_H
#define VARDE_SCAN_PASS_H
#include <pthread.h>

#include "scan/engine.h"

/* One worker's counts for one host during a pass; added into the ScanHost
 * when the pass ends. Workers never write each other's tallies. What the
 * workers learn together — the host's answer time, its first probe, that it
 * is unreachable — lives in the ScanHost itself, read and written with
 * atomic operations while the pass runs. */
typedef struct ScanTally {
  unsigned nopen, nclosed, nfiltered, nskipped;
  int timed_out, alive;
} ScanTally;

typedef struct ScanPass {
  ScanReport *r;
  const ScanScope *scope;
  const ScanPorts *ports;
  const ScanOpts *o;
  int discovery;              /* this pass only marks hosts alive */
  unsigned nworkers;
  unsigned per_worker;        /* sockets in flight per worker */
  uint64_t total;             /* hosts × ports; index i = port i / nhosts of host i % nhosts */
  uint64_t chunk;             /* indices a worker claims at a time */
  uint64_t next;              /* atomic: first unclaimed index */
  uint64_t done;              /* atomic: settled probes (progress) */
  unsigned long nopen;        /* atomic */
  int stop;                   /* atomic: global time-out reached */
  pthread_mutex_t mu;         /* guards the rate bucket */
  double tokens;
  int64_t last_refill, started, last_progress;
} ScanPass;

/* Takes up to want tokens from the global bucket (all of them when the rate
 * is unlimited) and returns how many it got; scan_pass_give returns unused ones. */
unsigned scan_pass_take(ScanPass *p, unsigned want);
void scan_pass_give(ScanPass *p, unsigned n);
/* Milliseconds until the bucket holds a token again (0 when it does). */
int scan_pass_token_wait(ScanPass *p);
/* 1 when the pass is to stop launching (SIGINT or the global time-out). */
int scan_pass_stopping(ScanPass *p);
void scan_pass_progress(ScanPass *p, int final);

/* Runs worker id until the pass's work is claimed and settled; t is its
 * tally array (nhosts entries). 0 or a VERR_* on e. */
int scan_worker_run(ScanPass *p, unsigned id, ScanTally *t, Err *e);

#endif
