/* engine.c — the connect scan's passes (host discovery, then the ports):
 * the global rate bucket and socket budget, the worker threads that share
 * them (worker.c), the global time-out, progress, and merging the results. */
#include "scan/engine.h"

#include "scan/pass.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t scan_stop_flag;

void scan_opts_default(ScanOpts *o) {
  memset(o, 0, sizeof *o);
  o->rate = 2000;
  o->concurrency = 512;
  o->timeout_ms = 1000;
  o->retries = 1;
  o->host_timeout_ms = 0;
  o->global_timeout_ms = 0;
  o->service = 1;
  o->probe_timeout_ms = 2000;
  o->probe_workers = 16;
  o->admin_pages = 1;
  o->discovery = -1;
}

int64_t scan_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int scan_report_set_hosts(ScanReport *r, const ScanAddrList *addrs,
                          const ScanScope *scope, Err *e) {
  for (size_t i = 0; i < addrs->n; i++) {
    int rc = scan_scope_check(scope, (const struct sockaddr *)&addrs->v[i].sa, e);
    if (rc) return rc;
  }
  r->hosts = calloc(addrs->n ? addrs->n : 1, sizeof *r->hosts);
  if (!r->hosts) return err_set(e, VERR_NOMEM, "tomt for minne");
  r->nhosts = addrs->n;
  for (size_t i = 0; i < addrs->n; i++) {
    ScanHost *h = &r->hosts[i];
    memcpy(&h->addr, &addrs->v[i].sa, addrs->v[i].len);
    h->addrlen = addrs->v[i].len;
    scan_addr_str((struct sockaddr *)&h->addr, h->addrstr, sizeof h->addrstr);
    if (addrs->v[i].name[0]) h->name = arena_strdup(r->arena, addrs->v[i].name);
  }
  return 0;
}

/* ---- one pass: its shared state, rate bucket and threads ---- */

unsigned scan_pass_take(ScanPass *p, unsigned want) {
  if (!p->o->rate) return want;
  pthread_mutex_lock(&p->mu);
  int64_t now = scan_now_ms();
  double burst = p->o->rate / 50.0 < 1 ? 1 : p->o->rate / 50.0;
  p->tokens += (double)(now - p->last_refill) * p->o->rate / 1000.0;
  if (p->tokens > burst) p->tokens = burst;
  p->last_refill = now;
  unsigned got = p->tokens < want ? (unsigned)p->tokens : want;
  p->tokens -= got;
  pthread_mutex_unlock(&p->mu);
  return got;
}

void scan_pass_give(ScanPass *p, unsigned n) {
  if (!p->o->rate) return;
  pthread_mutex_lock(&p->mu);
  p->tokens += n;
  pthread_mutex_unlock(&p->mu);
}

int scan_pass_token_wait(ScanPass *p) {
  if (!p->o->rate) return 0;
  pthread_mutex_lock(&p->mu);
  double missing = 1 - p->tokens - (double)(scan_now_ms() - p->last_refill) * p->o->rate / 1000.0;
  pthread_mutex_unlock(&p->mu);
  return missing <= 0 ? 0 : (int)(missing * 1000.0 / p->o->rate) + 1;
}

int scan_pass_stopping(ScanPass *p) {
  if (scan_stop_flag || __atomic_load_n(&p->stop, __ATOMIC_RELAXED)) return 1;
  int g = p->o->global_timeout_ms;
  if (g <= 0 || scan_now_ms() - p->started <= g) return 0;
  __atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED);
  return 1;
}

void scan_pass_progress(ScanPass *p, int final) {
  int64_t now = scan_now_ms();
  if (!p->o->progress) return;
  int64_t last = __atomic_load_n(&p->last_progress, __ATOMIC_RELAXED);
  if (!final && (now - last < 250 || !__atomic_compare_exchange_n(
                     &p->last_progress, &last, now, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)))
    return;   /* one worker prints at a time, four times a second */
  uint64_t done = __atomic_load_n(&p->done, __ATOMIC_RELAXED);
  double secs = (now - p->started) / 1000.0;
  double pct = p->total ? 100.0 * done / p->total : 100;
  double rate = secs > 0 ? done / secs : 0;
  double eta = rate > 0 ? (p->total - done) / rate : 0;
  fprintf(stderr, "\r[varde scan] %llu/%llu porter (%.1f %%), åpne %lu, %.0f/s, "
          "gjenstår ca. %.0f s   %s", (unsigned long long)done,
          (unsigned long long)p->total, pct, __atomic_load_n(&p->nopen, __ATOMIC_RELAXED),
          rate, eta, final ? "\n" : "");
}

static unsigned raise_nofile(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl)) return 1024;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur > 1u << 20 ? 1u << 20 : (unsigned)rl.rlim_cur;
}

/* Worker threads for a pass. --threads N asks for N; automatic (0) uses one
 * per CPU (at most 4) only where one thread would be the limit: no or a high
 * rate ceiling, enough probes, and enough sockets for each. */
static unsigned pick_workers(const ScanOpts *o, uint64_t total, unsigned sockets) {
  unsigned n = o->threads > 4 ? 4 : o->threads;
  if (n == 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    n = cpus < 1 ? 1 : cpus > 4 ? 4 : (unsigned)cpus;
    if ((o->rate && o->rate <= 20000) || total < 4096) n = 1;
  }
  while (n > 1 && sockets / n < 32) n--;
  return n ? n : 1;
}

/* Sets up p for a pass; the socket budget is the concurrency (capped by
 * RLIMIT_NOFILE), shared evenly by the workers. */
static void pass_init(ScanPass *p, uint64_t total) {
  unsigned nofile = raise_nofile();
  unsigned want = p->o->concurrency ? p->o->concurrency : 512;
  if (want + 64 > nofile) want = nofile > 128 ? nofile - 64 : 64;
  p->total = total;
  p->nworkers = pick_workers(p->o, total, want);
  p->per_worker = want / p->nworkers;
  p->chunk = total / (p->nworkers * 16ull);
  p->chunk = p->chunk < 1 ? 1 : p->chunk > 256 ? 256 : p->chunk;
  p->started = p->last_refill = scan_now_ms();
  p->tokens = 1;
  pthread_mutex_init(&p->mu, NULL);
}

typedef struct Job {
  ScanPass *p;
  unsigned id;
  ScanTally *t;
  int rc;
  Err e;
} Job;

static void *job_main(void *arg) {
  Job *j = arg;
  j->rc = scan_worker_run(j->p, j->id, j->t, &j->e);
  if (j->rc) __atomic_store_n(&j->p->stop, 1, __ATOMIC_RELAXED);
  return NULL;
}

/* t: the host's tally in worker 0's array; the others follow every stride. */
static void tally_merge(ScanHost *h, const ScanTally *t, unsigned n, size_t stride) {
  for (unsigned w = 0; w < n; w++, t += stride) {
    h->nclosed += t->nclosed;
    h->nfiltered += t->nfiltered;
    h->nskipped += t->nskipped;
    h->timed_out |= t->timed_out;
    h->alive |= t->alive;
  }
}

static int port_cmp(const void *a, const void *b) {
  return (int)((const ScanPort *)a)->port - (int)((const ScanPort *)b)->port;
}

/* Runs the workers (the first on this thread) and merges their tallies;
 * open ports end up in port order whatever thread found them. */
static int pass_run(ScanPass *p, Job *jobs, ScanTally *tallies, Err *e) {
  ScanReport *r = p->r;
  pthread_t th[4];
  unsigned started = 1;
  for (unsigned w = 0; w < p->nworkers; w++) {   /* worker w: tallies[w * nhosts ...] */
    jobs[w] = (Job){.p = p, .id = w, .t = tallies + w * r->nhosts, .rc = 0};
  }
  /* a worker that could not start leaves its share of the work to the others */
  for (; started < p->nworkers; started++)
    if (pthread_create(&th[started - 1], NULL, job_main, &jobs[started])) break;
  job_main(&jobs[0]);
  for (unsigned w = 1; w < started; w++) pthread_join(th[w - 1], NULL);
  scan_pass_progress(p, 1);
  int rc = 0;
  for (unsigned w = 0; w < started && !rc; w++)
    if ((rc = jobs[w].rc)) err_set(e, rc, "%s", jobs[w].e.msg);
  for (size_t i = 0; i < r->nhosts; i++) {
    tally_merge(&r->hosts[i], &tallies[i], started, r->nhosts);
    if (r->hosts[i].nports > 1)
      qsort(r->hosts[i].ports, r->hosts[i].nports, sizeof *r->hosts[i].ports, port_cmp);
  }
  return rc;
}

static int run_pass(ScanReport *r, const ScanScope *scope, const ScanPorts *ports,
                    const ScanOpts *o, int discovery, Err *e) {
  ScanPass p = {.r = r, .scope = scope, .ports = ports, .o = o, .discovery = discovery};
  pass_init(&p, (uint64_t)r->nhosts * ports->n);
  Job *jobs = calloc(p.nworkers, sizeof *jobs);
  ScanTally *tallies = calloc(r->nhosts * p.nworkers, sizeof *tallies);
  int rc = jobs && tallies ? pass_run(&p, jobs, tallies, e)
                           : err_set(e, VERR_NOMEM, "tomt for minne");
  if (p.stop) scan_stop_flag = 1;   /* the global time-out: a partial report */
  if (scan_stop_flag) r->interrupted = 1;
  pthread_mutex_destroy(&p.mu);
  free(jobs);
  free(tallies);
  return rc;
}

/* Host discovery, like a TCP-connect ping: a few of the most common ports
 * per host, no retries. A SYN-ACK or an RST proves the host is there; hosts
 * that answer none are marked down and not port-scanned. Without this a
 * sparse /24 costs every port of every absent address a full time-out. */
static int discover(ScanReport *r, const ScanScope *scope, const ScanOpts *o, Err *e) {
  static const uint16_t probe[] = {80, 443, 22, 445, 3389, 135, 139, 21, 25, 8080};
  ScanPorts *p = calloc(1, sizeof *p);
  if (!p) return err_set(e, VERR_NOMEM, "tomt for minne");
  for (size_t i = 0; i < sizeof probe / sizeof probe[0]; i++) scan_ports_add(p, probe[i]);
  ScanOpts d = *o;
  d.retries = 0;
  d.progress = 0;
  int rc = run_pass(r, scope, p, &d, 1, e);
  scan_ports_free(p);
  free(p);
  for (size_t i = 0; i < r->nhosts; i++) {
    ScanHost *h = &r->hosts[i];
    h->down = !h->alive;
    h->first_ms = 0;
    h->unreachable = 0;
  }
  return rc;
}

int scan_engine_run(ScanReport *r, const ScanScope *scope, const ScanPorts *ports,
                    const ScanOpts *o, Err *e) {
  r->nports_planned = ports->n;
  if (r->nhosts == 0 || ports->n == 0) return 0;
  int disc = o->discovery < 0 ? r->nhosts > 1 : o->discovery;
  if (disc) {
    int rc = discover(r, scope, o, e);
    if (rc || scan_stop_flag) return rc;
  }
  return run_pass(r, scope, ports, o, 0, e);
}
