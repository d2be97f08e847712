/* engine.c — the connect scanner: non-blocking connect() under epoll, a
 * token bucket for the rate, a socket budget bounded only by RLIMIT_NOFILE,
 * per-attempt/per-host/global time-outs, retries of time-outs, progress. */
#include "scan/engine.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
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

/* ---- engine state ---- */

typedef struct Conn {
  int fd;                 /* -1 when free */
  uint32_t host;
  uint16_t port;
  uint8_t attempt;
  uint32_t gen;
  int64_t start_us, deadline;
} Conn;

typedef struct Pending { uint32_t host; uint16_t port; uint8_t attempt; } Pending;
typedef struct TimeEnt { int64_t deadline; uint32_t slot, gen; } TimeEnt;

typedef struct Engine {
  ScanReport *r;
  const ScanScope *scope;
  const ScanPorts *ports;
  const ScanOpts *o;
  int ep;
  Conn *conns;
  uint32_t *freelist;
  size_t nfree, nslots, active, limit;
  int *spare[2];          /* refused sockets kept for reuse, per family */
  size_t nspare[2];
  TimeEnt *heap;          /* min-heap of deadlines; stale entries skipped */
  size_t hn, hcap;
  Pending *retry;
  size_t nretry, capretry;
  int discovery;          /* this run only marks hosts alive */
  uint64_t next, total, done;
  double tokens;
  int64_t last_refill, started, last_progress;
  unsigned long nopen;
} Engine;

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

static int engine_init(Engine *g, Err *e) {
  unsigned nofile = raise_nofile();
  unsigned want = g->o->concurrency ? g->o->concurrency : 512;
  if (want + 64 > nofile) want = nofile > 128 ? nofile - 64 : 64;
  g->nslots = g->limit = want;
  g->conns = calloc(want, sizeof *g->conns);
  g->freelist = calloc(want, sizeof *g->freelist);
  g->hcap = want * 2;
  g->heap = calloc(g->hcap, sizeof *g->heap);
  g->ep = epoll_create1(EPOLL_CLOEXEC);
  g->spare[0] = calloc(want, sizeof(int));
  g->spare[1] = calloc(want, sizeof(int));
  if (!g->spare[0] || !g->spare[1])
    return err_set(e, VERR_NOMEM, "kan ikke sette opp skannemotoren");
  if (!g->conns || !g->freelist || !g->heap || g->ep < 0)
    return err_set(e, VERR_NOMEM, "kan ikke sette opp skannemotoren");
  for (size_t i = 0; i < want; i++) {
    g->conns[i].fd = -1;
    g->freelist[g->nfree++] = (uint32_t)(want - 1 - i);
  }
  g->total = (uint64_t)g->r->nhosts * g->ports->n;
  g->started = g->last_refill = scan_now_ms();
  g->tokens = 1;
  return 0;
}

static void engine_fini(Engine *g) {
  for (int f = 0; f < 2; f++) {
    for (size_t i = 0; i < g->nspare[f]; i++) close(g->spare[f][i]);
    free(g->spare[f]);
  }
  for (size_t i = 0; i < g->nslots && g->conns; i++)
    if (g->conns[i].fd >= 0) close(g->conns[i].fd);
  if (g->ep >= 0) close(g->ep);
  free(g->conns);
  free(g->freelist);
  free(g->heap);
  free(g->retry);
}

static int heap_push(Engine *g, TimeEnt t) {
  if (g->hn == g->hcap) {
    TimeEnt *v = realloc(g->heap, g->hcap * 2 * sizeof *v);
    if (!v) return -1;
    g->heap = v;
    g->hcap *= 2;
  }
  size_t i = g->hn++;
  while (i > 0 && g->heap[(i - 1) / 2].deadline > t.deadline) {
    g->heap[i] = g->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  g->heap[i] = t;
  return 0;
}

static void heap_pop(Engine *g) {
  TimeEnt last = g->heap[--g->hn];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= g->hn) break;
    if (c + 1 < g->hn && g->heap[c + 1].deadline < g->heap[c].deadline) c++;
    if (g->heap[c].deadline >= last.deadline) break;
    g->heap[i] = g->heap[c];
    i = c;
  }
  if (g->hn) g->heap[i] = last;
}

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Jacobson/Karels smoothing of the host's answer times (RFC 6298 gains). */
static void rtt_sample(ScanHost *h, int64_t us) {
  int r = us > 10000000 ? 10000000 : (int)us;
  if (!h->rtt_known) {
    h->srtt_us = r;
    h->rttvar_us = r / 2;
    h->rtt_known = 1;
    return;
  }
  int d = r > h->srtt_us ? r - h->srtt_us : h->srtt_us - r;
  h->rttvar_us += (d - h->rttvar_us) / 4;
  h->srtt_us += (r - h->srtt_us) / 8;
}

/* Time-out of one attempt. Before a host has answered: --timeout. After:
 * srtt + 4 × rttvar + 250 ms, doubled per retry, never above --timeout (on a
 * LAN that turns a filtered port from 1 s into about a quarter second). */
static int attempt_timeout(const Engine *g, const ScanHost *h, int attempt) {
  int cap = g->o->timeout_ms;
  if (!h->rtt_known) return cap;
  int64_t t = ((int64_t)h->srtt_us + 4 * (int64_t)h->rttvar_us) / 1000 + 250;
  t <<= attempt > 4 ? 4 : attempt;
  return t < cap ? (int)t : cap;
}

static int push_retry(Engine *g, uint32_t host, uint16_t port, uint8_t attempt) {
  if (g->nretry == g->capretry) {
    size_t cap = g->capretry ? g->capretry * 2 : 64;
    Pending *v = realloc(g->retry, cap * sizeof *v);
    if (!v) return -1;
    g->retry = v;
    g->capretry = cap;
  }
  g->retry[g->nretry++] = (Pending){host, port, attempt};
  return 0;
}

static void record(Engine *g, uint32_t host, uint16_t port, ScanPortState st,
                   int rtt) {
  ScanHost *h = &g->r->hosts[host];
  g->done++;
  if (g->discovery) {
    h->alive |= st != SPORT_FILTERED;
    return;
  }
  if (st == SPORT_OPEN) {
    ScanPort *p = scan_host_add_port(g->r, h, port);
    if (p) p->rtt_ms = rtt;
    g->nopen++;
  } else if (st == SPORT_CLOSED) {
    h->nclosed++;
  } else {
    h->nfiltered++;
  }
}

/* A socket whose connect was refused is dissolved (connect to AF_UNSPEC)
 * and kept: the next attempt reuses it, which saves socket(), close() and
 * the epoll registration — about a third of the kernel time per port. */
static int stash(Engine *g, int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(fd, (struct sockaddr *)&ss, &len)) return -1;
  int f = ss.ss_family == AF_INET6;
  struct sockaddr un = {.sa_family = AF_UNSPEC};
  if (g->nspare[f] >= g->nslots || connect(fd, &un, sizeof un)) return -1;
  g->spare[f][g->nspare[f]++] = fd;
  return 0;
}

static void release(Engine *g, uint32_t slot, int how) {
  Conn *c = &g->conns[slot];
  if (how == 1) {   /* connected: RST on close, no TIME_WAIT pile-up */
    struct linger lg = {1, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  }
  if (how != 2 || stash(g, c->fd)) close(c->fd);
  c->fd = -1;
  c->gen++;
  g->freelist[g->nfree++] = slot;
  g->active--;
}

/* The attempt in slot ended with errno-style result err (0 = connected). */
static void finish(Engine *g, uint32_t slot, int err) {
  Conn *c = &g->conns[slot];
  int64_t rtt_us = now_us() - c->start_us;
  int rtt = (int)(rtt_us / 1000);
  uint32_t host = c->host;
  uint16_t port = c->port;
  uint8_t attempt = c->attempt;
  ScanHost *h = &g->r->hosts[host];
  release(g, slot, err == 0 ? 1 : err == ECONNREFUSED ? 2 : 0);
  if (err == 0 || err == ECONNREFUSED) rtt_sample(h, rtt_us);
  if (err == EHOSTUNREACH || err == ENETUNREACH) {
    /* no ARP/ND answer or an ICMP host-unreachable: the host is not there,
     * so its remaining ports are skipped instead of each timing out */
    if (!h->nports && !h->nclosed) h->unreachable = 1;
    record(g, host, port, SPORT_FILTERED, rtt);
  } else if (err == 0) record(g, host, port, SPORT_OPEN, rtt);
  else if (err == ECONNREFUSED || err == ECONNRESET) record(g, host, port, SPORT_CLOSED, rtt);
  else if (err == ETIMEDOUT && attempt < (uint8_t)g->o->retries &&
           !g->r->hosts[host].timed_out && push_retry(g, host, port, attempt + 1) == 0) {
  } else record(g, host, port, SPORT_FILTERED, rtt);
}

/* 1 when h is not to be probed any more (down, unreachable, or past its
 * --host-timeout); the port is then counted as skipped. */
static int skip_host(Engine *g, ScanHost *h, int64_t now) {
  if (!h->first_ms) h->first_ms = now;
  if (!h->down && !h->unreachable &&
      (g->o->host_timeout_ms <= 0 || now - h->first_ms <= g->o->host_timeout_ms))
    return 0;
  h->timed_out |= !h->unreachable && !h->down;
  h->nskipped++;
  g->done++;
  return 1;
}

/* Starts one attempt. Returns 0 when started or settled, 1 when settled
 * without sending anything, -1 when it must be tried again later
 * (descriptor or ephemeral port shortage). */
static int launch(Engine *g, uint32_t host, uint16_t port, uint8_t attempt) {
  ScanHost *h = &g->r->hosts[host];
  int64_t now = scan_now_ms();
  if (skip_host(g, h, now)) return 1;   /* settled without a packet: no token */
  struct sockaddr_storage sa;
  scan_host_sockaddr(h, port, &sa);
  int f = sa.ss_family == AF_INET6, reused = g->nspare[f] > 0;
  int fd = reused ? g->spare[f][--g->nspare[f]]
                  : socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (errno == EMFILE || errno == ENFILE) {
      if (g->limit > 16 && g->active > 0) g->limit = g->active;  /* shrink */
      return -1;
    }
    record(g, host, port, SPORT_FILTERED, 0);
    return 0;
  }
  uint32_t slot = g->freelist[--g->nfree];
  Conn *c = &g->conns[slot];
  *c = (Conn){fd, host, port, attempt, c->gen, now_us(),
              now + attempt_timeout(g, h, attempt)};
  g->active++;
  int rc = scan_connect(g->scope, fd, (struct sockaddr *)&sa, h->addrlen);
  if (rc == 0) {
    finish(g, slot, 0);
    return 0;
  }
  if (errno == EINPROGRESS) {
    /* one-shot: a stashed socket stays silent until it is armed again */
    struct epoll_event ev = {.events = EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLONESHOT,
                             .data.u32 = slot};
    if (epoll_ctl(g->ep, reused ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) == 0 &&
        heap_push(g, (TimeEnt){c->deadline, slot, c->gen}) == 0)
      return 0;
  }
  int err = errno;
  if (err == EADDRNOTAVAIL || err == EAGAIN) {  /* out of local ports: wait */
    release(g, slot, 0);
    return -1;
  }
  if (err == EACCES) {           /* refused by the scope gate */
    release(g, slot, 0);
    g->r->refused++;
    h->nskipped++;
    g->done++;
    return 0;
  }
  finish(g, slot, err);
  return 0;
}

static void refill(Engine *g, int64_t now) {
  if (!g->o->rate) {
    g->tokens = 1e9;
    return;
  }
  double burst = g->o->rate / 50.0 < 1 ? 1 : g->o->rate / 50.0;
  g->tokens += (double)(now - g->last_refill) * g->o->rate / 1000.0;
  if (g->tokens > burst) g->tokens = burst;
  g->last_refill = now;
}

static int have_work(const Engine *g) { return g->nretry > 0 || g->next < g->total; }

/* Launches as many attempts as tokens and free slots allow. */
static void launch_some(Engine *g) {
  int burst = 512;   /* then look at answers: keeps measured RTTs honest */
  while (burst-- > 0 && !scan_stop_flag && g->tokens >= 1 && g->nfree > 0 &&
         g->active < g->limit && have_work(g)) {
    Pending p;
    int from_retry = g->nretry > 0;
    if (from_retry) {
      p = g->retry[g->nretry - 1];
    } else {
      uint64_t i = g->next;
      p = (Pending){(uint32_t)(i % g->r->nhosts), g->ports->v[i / g->r->nhosts], 0};
    }
    int rc = launch(g, p.host, p.port, p.attempt);
    if (rc < 0) break;
    if (from_retry) g->nretry--;
    else g->next++;
    if (rc == 0) g->tokens -= 1;
  }
}

/* Result of a connect whose deadline passed. Its answer may already sit in
 * the epoll ready list (the process was not scheduled, or more events were
 * ready than one epoll_wait returns), so look before calling it a time-out. */
static int settled_error(int fd) {
  struct pollfd p = {fd, POLLOUT, 0};
  if (poll(&p, 1, 0) <= 0) return ETIMEDOUT;
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)) return errno;
  return err;
}

static void expire(Engine *g, int64_t now) {
  while (g->hn > 0) {
    TimeEnt t = g->heap[0];
    Conn *c = &g->conns[t.slot];
    int live = c->fd >= 0 && c->gen == t.gen;
    if (live && t.deadline > now) break;
    heap_pop(g);
    if (live) finish(g, t.slot, settled_error(c->fd));
  }
}

static int wait_ms(const Engine *g, int64_t now) {
  int ms = 100;
  if (g->hn > 0) {
    int64_t d = g->heap[0].deadline - now;
    if (d < ms) ms = d < 0 ? 0 : (int)d;
  }
  int can_launch = have_work(g) && g->nfree > 0 && g->active < g->limit;
  if (can_launch && (!g->o->rate || g->tokens >= 1)) return 0;
  if (can_launch) {
    int need = (int)((1 - g->tokens) * 1000.0 / g->o->rate) + 1;
    if (need < ms) ms = need < 0 ? 0 : need;
  }
  return ms;
}

static void progress(Engine *g, int64_t now, int final) {
  if (!g->o->progress || (!final && now - g->last_progress < 250)) return;
  g->last_progress = now;
  double secs = (now - g->started) / 1000.0;
  double pct = g->total ? 100.0 * g->done / g->total : 100;
  double rate = secs > 0 ? g->done / secs : 0;
  double eta = rate > 0 ? (g->total - g->done) / rate : 0;
  fprintf(stderr, "\r[varde scan] %llu/%llu porter (%.1f %%), åpne %lu, %.0f/s, "
          "gjenstår ca. %.0f s   %s", (unsigned long long)g->done,
          (unsigned long long)g->total, pct, g->nopen, rate, eta, final ? "\n" : "");
}

static void handle_events(Engine *g, struct epoll_event *ev, int n) {
  for (int i = 0; i < n; i++) {
    uint32_t slot = ev[i].data.u32;
    Conn *c = &g->conns[slot];
    if (c->fd < 0) continue;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len)) err = errno;
    finish(g, slot, err);
  }
}

static int run_pass(ScanReport *r, const ScanScope *scope, const ScanPorts *ports,
                    const ScanOpts *o, int discovery, Err *e) {
  Engine g = {.r = r, .scope = scope, .ports = ports, .o = o, .ep = -1,
              .discovery = discovery};
  int rc = engine_init(&g, e);
  struct epoll_event ev[1024];
  while (rc == 0 && (have_work(&g) || g.active > 0)) {
    int64_t now = scan_now_ms();
    if (o->global_timeout_ms > 0 && now - g.started > o->global_timeout_ms)
      scan_stop_flag = 1;
    if (scan_stop_flag && g.active == 0) break;
    refill(&g, now);
    launch_some(&g);
    int n = epoll_wait(g.ep, ev, 1024, wait_ms(&g, scan_now_ms()));
    if (n < 0 && errno != EINTR) {
      rc = err_set(e, VERR_IO, "epoll_wait: %s", strerror(errno));
      break;
    }
    if (n > 0) handle_events(&g, ev, n);
    now = scan_now_ms();
    expire(&g, now);
    if (scan_stop_flag) g.next = g.total, g.nretry = 0;  /* drain in-flight */
    progress(&g, now, 0);
  }
  progress(&g, scan_now_ms(), 1);
  if (scan_stop_flag) r->interrupted = 1;
  engine_fini(&g);
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
