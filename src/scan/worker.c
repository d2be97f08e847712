/* worker.c — one worker of a port-scan pass: non-blocking connect() under
 * its own epoll, its share of the sockets, a min-heap of deadlines, retries
 * of time-outs, and reuse of sockets whose attempt was refused. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "scan/pass.h"
#include "scan/sockpool.h"

typedef struct Conn {
  ScanSock s;             /* s.fd -1 when free */
  uint32_t host;
  uint16_t port;
  uint8_t attempt;
  uint32_t gen;
  int64_t start_us, deadline;
} Conn;

typedef struct Pending { uint32_t host; uint16_t port; uint8_t attempt; } Pending;
typedef struct TimeEnt { int64_t deadline; uint32_t slot, gen; } TimeEnt;

typedef struct Worker {
  ScanPass *p;
  ScanTally *t;
  unsigned id;
  int ep;
  Conn *conns;
  uint32_t *freelist;
  size_t nfree, nslots, active, limit;
  ScanSockPool *pool;
  TimeEnt *heap;          /* min-heap of deadlines; stale entries skipped */
  size_t hn, hcap;
  Pending *retry;
  size_t nretry, capretry;
  uint64_t cur, end;      /* claimed indices not yet launched */
  int ask_score;          /* how well asking at once has paid off lately */
  unsigned ask_tick;
} Worker;

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int worker_init(Worker *w, Err *e) {
  size_t n = w->p->per_worker;
  w->nslots = w->limit = n;
  w->conns = calloc(n, sizeof *w->conns);
  w->freelist = calloc(n, sizeof *w->freelist);
  w->hcap = n * 2;
  w->heap = calloc(w->hcap, sizeof *w->heap);
  w->ep = epoll_create1(EPOLL_CLOEXEC);
  w->pool = scan_sockpool_new(n, w->p->r->nhosts, w->id, w->p->nworkers);
  if (!w->conns || !w->freelist || !w->heap || w->ep < 0 || !w->pool)
    return err_set(e, VERR_NOMEM, "kan ikke sette opp skannemotoren");
  for (size_t i = 0; i < n; i++) {
    w->conns[i].s.fd = -1;
    w->freelist[w->nfree++] = (uint32_t)(n - 1 - i);
  }
  w->ask_score = 64;
  return 0;
}

static void worker_fini(Worker *w) {
  scan_sockpool_free(w->pool);
  for (size_t i = 0; i < w->nslots && w->conns; i++)
    if (w->conns[i].s.fd >= 0) close(w->conns[i].s.fd);
  if (w->ep >= 0) close(w->ep);
  free(w->conns);
  free(w->freelist);
  free(w->heap);
  free(w->retry);
}

static int heap_push(Worker *w, TimeEnt t) {
  if (w->hn == w->hcap) {
    TimeEnt *v = realloc(w->heap, w->hcap * 2 * sizeof *v);
    if (!v) return -1;
    w->heap = v;
    w->hcap *= 2;
  }
  size_t i = w->hn++;
  while (i > 0 && w->heap[(i - 1) / 2].deadline > t.deadline) {
    w->heap[i] = w->heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  w->heap[i] = t;
  return 0;
}

static void heap_pop(Worker *w) {
  TimeEnt last = w->heap[--w->hn];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= w->hn) break;
    if (c + 1 < w->hn && w->heap[c + 1].deadline < w->heap[c].deadline) c++;
    if (w->heap[c].deadline >= last.deadline) break;
    w->heap[i] = w->heap[c];
    i = c;
  }
  if (w->hn) w->heap[i] = last;
}

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* Jacobson/Karels smoothing of the host's answer times (RFC 6298 gains),
 * shared by the workers: two updating at once may lose one sample, which a
 * smoothed estimate does not mind. */
static void rtt_sample(ScanHost *h, int64_t us) {
  int r = us > 10000000 ? 10000000 : (int)us;
  if (!LOAD(h->rtt_known)) {
    STORE(h->srtt_us, r);
    STORE(h->rttvar_us, r / 2);
    STORE(h->rtt_known, 1);
    return;
  }
  int srtt = LOAD(h->srtt_us), var = LOAD(h->rttvar_us);
  int d = r > srtt ? r - srtt : srtt - r;
  STORE(h->rttvar_us, var + (d - var) / 4);
  STORE(h->srtt_us, srtt + (r - srtt) / 8);
}

/* Time-out of one attempt. Before a host has answered: --timeout. After:
 * srtt + 4 × rttvar + 250 ms, doubled per retry, never above --timeout (on a
 * LAN that turns a filtered port from 1 s into about a quarter second). */
static int attempt_timeout(const Worker *w, ScanHost *h, int attempt) {
  int cap = w->p->o->timeout_ms;
  if (!LOAD(h->rtt_known)) return cap;
  int64_t ms = ((int64_t)LOAD(h->srtt_us) + 4 * (int64_t)LOAD(h->rttvar_us)) / 1000 + 250;
  ms <<= attempt > 4 ? 4 : attempt;
  return ms < cap ? (int)ms : cap;
}

static int push_retry(Worker *w, uint32_t host, uint16_t port, uint8_t attempt) {
  if (w->nretry == w->capretry) {
    size_t cap = w->capretry ? w->capretry * 2 : 64;
    Pending *v = realloc(w->retry, cap * sizeof *v);
    if (!v) return -1;
    w->retry = v;
    w->capretry = cap;
  }
  w->retry[w->nretry++] = (Pending){host, port, attempt};
  return 0;
}

static void record(Worker *w, uint32_t host, uint16_t port, ScanPortState st,
                   int rtt) {
  ScanTally *t = &w->t[host];
  __atomic_add_fetch(&w->p->done, 1, __ATOMIC_RELAXED);
  if (w->p->discovery) {
    t->alive |= st != SPORT_FILTERED;
    return;
  }
  if (st == SPORT_OPEN) {
    scan_host_add_port(w->p->r, &w->p->r->hosts[host], port, rtt);   /* NULL: out of memory */
    t->nopen++;
    __atomic_add_fetch(&w->p->nopen, 1, __ATOMIC_RELAXED);
  } else if (st == SPORT_CLOSED) {
    t->nclosed++;
  } else {
    t->nfiltered++;
  }
}

/* A socket whose connect was refused is kept, unconnected, for the next
 * attempt: that saves socket(), close() and the epoll registration. One
 * the kernel already dissolved (its error was read by connecting again)
 * needs nothing more; others are dissolved by connecting to AF_UNSPEC. */
static int stash(Worker *w, const Conn *c, int dissolved) {
  struct sockaddr un = {.sa_family = AF_UNSPEC};
  if (!dissolved && connect(c->s.fd, &un, sizeof un)) return -1;
  return scan_sockpool_put(w->pool, &c->s);
}

enum { REL_CLOSE, REL_RESET, REL_KEEP, REL_KEEP_DISSOLVED };

static void release(Worker *w, uint32_t slot, int how) {
  Conn *c = &w->conns[slot];
  if (how == REL_RESET) {   /* connected: RST on close, no TIME_WAIT pile-up */
    struct linger lg = {1, 0};
    setsockopt(c->s.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  }
  if (c->s.fd >= 0 && (how < REL_KEEP || stash(w, c, how == REL_KEEP_DISSOLVED)))
    close(c->s.fd);
  c->s.fd = -1;
  c->gen++;
  w->freelist[w->nfree++] = slot;
  w->active--;
}

/* Answer time of a connected attempt: the kernel's own measure of the
 * handshake where it has one. Ours (start to now) also counts the time
 * the worker spent launching other attempts before it looked, and with
 * few answers (a firewalled host) that would swell every time-out. */
static int64_t handshake_us(const Conn *c) {
  struct tcp_info ti;
  socklen_t len = sizeof ti;
  int64_t ours = now_us() - c->start_us;
  if (getsockopt(c->s.fd, IPPROTO_TCP, TCP_INFO, &ti, &len) || ti.tcpi_rtt == 0) return ours;
  return ti.tcpi_rtt < ours ? ti.tcpi_rtt : ours;
}

/* The attempt in slot ended with errno-style result err (0 = connected);
 * dissolved: the kernel already left the socket unconnected. */
static void finish(Worker *w, uint32_t slot, int err, int dissolved) {
  Conn *c = &w->conns[slot];
  int64_t rtt_us = err ? now_us() - c->start_us : handshake_us(c);
  int rtt = (int)(rtt_us / 1000);
  uint32_t host = c->host;
  uint16_t port = c->port;
  uint8_t attempt = c->attempt;
  ScanTally *t = &w->t[host];
  ScanHost *h = &w->p->r->hosts[host];
  release(w, slot, err == 0 ? REL_RESET : err != ECONNREFUSED ? REL_CLOSE
                   : dissolved ? REL_KEEP_DISSOLVED : REL_KEEP);
  if (err == 0 || err == ECONNREFUSED) rtt_sample(h, rtt_us);
  if (err == EHOSTUNREACH || err == ENETUNREACH) {
    /* no ARP/ND answer or an ICMP host-unreachable from a host that never
     * answered: it is not there, so its remaining ports are skipped
     * instead of each timing out */
    if (!LOAD(h->rtt_known)) STORE(h->unreachable, 1);
    record(w, host, port, SPORT_FILTERED, rtt);
  } else if (err == 0) record(w, host, port, SPORT_OPEN, rtt);
  else if (err == ECONNREFUSED || err == ECONNRESET) record(w, host, port, SPORT_CLOSED, rtt);
  else if (err == ETIMEDOUT && attempt < (uint8_t)w->p->o->retries && !t->timed_out &&
           push_retry(w, host, port, attempt + 1) == 0) {
  } else record(w, host, port, SPORT_FILTERED, rtt);
}

/* 1 when the host is not to be probed any more (down, unreachable, or past
 * its --host-timeout); the port is then counted as skipped. */
static int skip_host(Worker *w, uint32_t host, int64_t now) {
  ScanTally *t = &w->t[host];
  ScanHost *h = &w->p->r->hosts[host];
  int64_t first = LOAD(h->first_ms);
  if (!first) {   /* the first probe of the host by any worker starts its clock */
    int64_t none = 0;
    first = __atomic_compare_exchange_n(&h->first_ms, &none, now, 0, __ATOMIC_RELAXED,
                                        __ATOMIC_RELAXED) ? now : none;
  }
  int hto = w->p->o->host_timeout_ms, unreachable = LOAD(h->unreachable);
  if (!h->down && !unreachable && (hto <= 0 || now - first <= hto)) return 0;
  t->timed_out |= !unreachable && !h->down;
  t->nskipped++;
  __atomic_add_fetch(&w->p->done, 1, __ATOMIC_RELAXED);
  return 1;
}

/* Whether to ask for the outcome right after connect(). Where the target
 * answers within the connect call itself (its stack runs on this machine,
 * or the link has next to no latency) that settles the port with one more
 * system call and no epoll round; where it does not, asking wastes a call,
 * so the worker stops asking while it keeps missing and tries now and then. */
static int ask_now(Worker *w) {
  return w->ask_score > 0 || (++w->ask_tick & 63) == 0;
}

static void asked(Worker *w, int hit) {
  if (hit) w->ask_score = w->ask_score > 56 ? 64 : w->ask_score + 8;
  else if (w->ask_score > 0) w->ask_score--;
}

/* Waits for the attempt in slot with epoll and its deadline. 0 or -1. */
static int arm(Worker *w, uint32_t slot) {
  Conn *c = &w->conns[slot];
  /* one-shot: a spare socket stays silent until it is armed again */
  struct epoll_event ev = {.events = EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLONESHOT,
                           .data.u32 = slot};
  if (epoll_ctl(w->ep, c->s.in_ep ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->s.fd, &ev)) return -1;
  c->s.in_ep = 1;
  return heap_push(w, (TimeEnt){c->deadline, slot, c->gen});
}

/* After scan_connect answered EINPROGRESS: settle at once if the answer is
 * already there, else arm. 0, or -1 with errno when arming failed. */
static int follow(Worker *w, uint32_t slot, const struct sockaddr_storage *sa,
                  socklen_t len) {
  Conn *c = &w->conns[slot];
  if (ask_now(w)) {
    int rc = scan_connect_result(w->p->scope, c->s.fd, (const struct sockaddr *)sa, len);
    int err = rc == 0 ? 0 : errno;
    asked(w, err != EALREADY);
    if (err != EALREADY) {
      finish(w, slot, err, 1);
      return 0;
    }
  }
  return arm(w, slot);
}

/* connect() failed at once on a socket that is not new: a spare the kernel
 * left in a state connect() cannot start from (EISCONN, EALREADY, EINVAL),
 * or a bound socket whose address pair is taken (EADDRNOTAVAIL). It is
 * closed and the attempt made again on a new unbound socket, so such an
 * answer never passes for the port's. Returns connect's result. */
static int on_fresh_socket(Worker *w, uint32_t slot, const struct sockaddr_storage *sa,
                           socklen_t len) {
  Conn *c = &w->conns[slot];
  int stale = c->s.reused && (errno == EISCONN || errno == EALREADY || errno == EINVAL);
  if (!stale && !(c->s.pool >= 2 && errno == EADDRNOTAVAIL)) return -1;
  close(c->s.fd);
  c->s = scan_sockpool_fresh(sa->ss_family);
  if (c->s.fd < 0) return -1;
  return scan_connect(w->p->scope, c->s.fd, (const struct sockaddr *)sa, len);
}

/* Makes the attempt on the slot's socket; 0 or connect's errno. */
static int start(Worker *w, uint32_t slot, const struct sockaddr_storage *sa,
                 socklen_t len) {
  Conn *c = &w->conns[slot];
  int rc = scan_connect(w->p->scope, c->s.fd, (const struct sockaddr *)sa, len);
  if (rc != 0 && (c->s.reused || c->s.pool >= 2)) rc = on_fresh_socket(w, slot, sa, len);
  int err = rc == 0 ? 0 : errno;
  if (c->s.fd >= 0 && (err == 0 || err == EINPROGRESS))
    scan_sockpool_learn(w->pool, c->host, &c->s);
  return err;
}

/* Starts one attempt. Returns 0 when started or settled, 1 when settled
 * without sending anything, -1 when it must be tried again later
 * (descriptor or ephemeral port shortage). */
static int launch(Worker *w, uint32_t host, uint16_t port, uint8_t attempt) {
  ScanHost *h = &w->p->r->hosts[host];
  int64_t now = scan_now_ms();
  if (skip_host(w, host, now)) return 1;   /* settled without a packet: no token */
  struct sockaddr_storage sa;
  scan_host_sockaddr(h, port, &sa);
  ScanSock s = scan_sockpool_take(w->pool, host, sa.ss_family);
  if (s.fd < 0) {
    if (errno != EMFILE && errno != ENFILE) {
      record(w, host, port, SPORT_FILTERED, 0);
      return 0;
    }
    if (w->limit > 16 && w->active > 0) w->limit = w->active;  /* shrink */
    return -1;
  }
  uint32_t slot = w->freelist[--w->nfree];
  Conn *c = &w->conns[slot];
  *c = (Conn){s, host, port, attempt, c->gen, now_us(),
              now + attempt_timeout(w, h, attempt)};
  w->active++;
  int err = start(w, slot, &sa, h->addrlen);
  if (c->s.fd < 0) {   /* no new socket to take the place of an unusable one */
    release(w, slot, REL_CLOSE);
    return -1;
  }
  if (err == 0) {
    finish(w, slot, 0, 0);
    return 0;
  }
  if (err == EINPROGRESS) {
    if (follow(w, slot, &sa, h->addrlen) == 0) return 0;
    err = errno;
  }
  if (err == EADDRNOTAVAIL || err == EAGAIN) {  /* out of local ports: wait */
    release(w, slot, REL_CLOSE);
    return -1;
  }
  if (err == EACCES) {           /* refused by the scope gate */
    release(w, slot, REL_CLOSE);
    __atomic_add_fetch(&w->p->r->refused, 1, __ATOMIC_RELAXED);
    w->t[host].nskipped++;
    __atomic_add_fetch(&w->p->done, 1, __ATOMIC_RELAXED);
    return 0;
  }
  finish(w, slot, err, 0);
  return 0;
}

/* Claims the next chunk of the pass's indices. 0 when none are left. */
static int claim(Worker *w) {
  ScanPass *p = w->p;
  if (scan_pass_stopping(p)) return 0;
  uint64_t s = __atomic_fetch_add(&p->next, p->chunk, __ATOMIC_RELAXED);
  if (s >= p->total) return 0;
  w->cur = s;
  w->end = s + p->chunk < p->total ? s + p->chunk : p->total;
  return 1;
}

static int have_work(Worker *w) {
  if (scan_pass_stopping(w->p)) return 0;
  return w->nretry > 0 || w->cur < w->end ||
         __atomic_load_n(&w->p->next, __ATOMIC_RELAXED) < w->p->total;
}

/* The next attempt to make, taken off the retry list or the claimed chunk. */
static int next_attempt(Worker *w, Pending *out, int *from_retry) {
  *from_retry = w->nretry > 0;
  if (*from_retry) {
    *out = w->retry[w->nretry - 1];
    return 1;
  }
  if (w->cur >= w->end && !claim(w)) return 0;
  size_t nh = w->p->r->nhosts;
  *out = (Pending){(uint32_t)(w->cur % nh), w->p->ports->v[w->cur / nh], 0};
  return 1;
}

/* Launches as many attempts as tokens and free slots allow. */
static void launch_some(Worker *w) {
  size_t room = w->limit > w->active ? w->limit - w->active : 0;
  if (room > w->nfree) room = w->nfree;
  if (room > 512) room = 512;   /* then look at answers: keeps measured RTTs honest */
  unsigned tokens = room && have_work(w) ? scan_pass_take(w->p, (unsigned)room) : 0;
  while (tokens > 0 && !scan_pass_stopping(w->p)) {
    Pending a;
    int from_retry;
    if (!next_attempt(w, &a, &from_retry)) break;
    int rc = launch(w, a.host, a.port, a.attempt);
    if (rc < 0) break;
    if (from_retry) w->nretry--;
    else w->cur++;
    if (rc == 0) tokens--;
  }
  if (tokens) scan_pass_give(w->p, tokens);
}

/* Result of a connect whose deadline passed. Its answer may already sit in
 * the epoll ready list (the thread was not scheduled, or more events were
 * ready than one epoll_wait returns), so look before calling it a time-out. */
static int settled_error(int fd) {
  struct pollfd p = {fd, POLLOUT, 0};
  if (poll(&p, 1, 0) <= 0) return ETIMEDOUT;
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)) return errno;
  return err;
}

static void expire(Worker *w, int64_t now) {
  while (w->hn > 0) {
    TimeEnt t = w->heap[0];
    Conn *c = &w->conns[t.slot];
    int live = c->s.fd >= 0 && c->gen == t.gen;
    if (live && t.deadline > now) break;
    heap_pop(w);
    if (live) finish(w, t.slot, settled_error(c->s.fd), 0);
  }
}

static int wait_ms(Worker *w, int64_t now) {
  int ms = 100;
  if (w->hn > 0) {
    int64_t d = w->heap[0].deadline - now;
    if (d < ms) ms = d < 0 ? 0 : (int)d;
  }
  if (!have_work(w) || w->nfree == 0 || w->active >= w->limit) return ms;
  int need = scan_pass_token_wait(w->p);
  return need < ms ? need : ms;
}

static void handle_events(Worker *w, struct epoll_event *ev, int n) {
  for (int i = 0; i < n; i++) {
    uint32_t slot = ev[i].data.u32;
    Conn *c = &w->conns[slot];
    if (c->s.fd < 0) continue;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->s.fd, SOL_SOCKET, SO_ERROR, &err, &len)) err = errno;
    finish(w, slot, err, 0);
  }
}

int scan_worker_run(ScanPass *p, unsigned id, ScanTally *t, Err *e) {
  Worker w = {.p = p, .t = t, .id = id, .ep = -1};
  int rc = worker_init(&w, e);
  struct epoll_event ev[1024];
  while (rc == 0 && (have_work(&w) || w.active > 0)) {
    if (scan_pass_stopping(p)) w.cur = w.end, w.nretry = 0;   /* drain in-flight */
    launch_some(&w);
    if (w.active == 0 && !have_work(&w)) break;   /* all settled without epoll */
    int n = epoll_wait(w.ep, ev, 1024, wait_ms(&w, scan_now_ms()));
    if (n < 0 && errno != EINTR) {
      rc = err_set(e, VERR_IO, "epoll_wait: %s", strerror(errno));
      break;
    }
    if (n > 0) handle_events(&w, ev, n);
    expire(&w, scan_now_ms());
    scan_pass_progress(p, 0);
  }
  worker_fini(&w);
  return rc;
}
