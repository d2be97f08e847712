/* sockpool.c — a scan worker's sockets. Spares: sockets whose attempt was
 * refused, left unconnected, kept per list (by family, or by bound source)
 * and per epoll registration. Bound sockets: once the kernel has picked a
 * host's source address, new sockets for it are bound to that address and
 * to a local port of their own (kept across reuse), so connect() needs one
 * route look-up instead of three and no search for a free port. */
#include "scan/sockpool.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MAX_POOLS = 18, UNKNOWN = 0xff, BIND_TRIES = 32 };

typedef struct Pool {
  struct sockaddr_storage src;   /* bound pools: the source address */
  socklen_t srclen;
  int *fd[2];                    /* spares, by in_ep */
  size_t n[2];
  int no_bind;                   /* binding kept failing: stop trying */
} Pool;

struct ScanSockPool {
  Pool pool[MAX_POOLS];          /* 0: AF_INET, 1: AF_INET6, 2..: bound sources */
  size_t npool, cap, nspare;
  uint8_t *host_pool;            /* per host: its bound pool, or UNKNOWN */
  unsigned port_lo, port_hi, port_next;
};

static void port_range(ScanSockPool *p, unsigned worker, unsigned nworkers) {
  unsigned lo = 32768, hi = 60999;
  FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
  if (f) {
    if (fscanf(f, "%u %u", &lo, &hi) != 2 || lo < 1024 || hi > 65535 || lo >= hi)
      lo = 32768, hi = 60999;
    fclose(f);
  }
  p->port_lo = lo;
  p->port_hi = hi;
  p->port_next = lo + (unsigned)((unsigned long)(hi - lo) * worker / nworkers);
}

ScanSockPool *scan_sockpool_new(size_t cap, size_t nhosts, unsigned worker,
                                unsigned nworkers) {
  ScanSockPool *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->cap = cap;
  p->npool = 2;
  p->pool[1].src.ss_family = AF_INET6;
  p->pool[0].src.ss_family = AF_INET;
  p->host_pool = malloc(nhosts ? nhosts : 1);
  if (!p->host_pool) {
    free(p);
    return NULL;
  }
  memset(p->host_pool, UNKNOWN, nhosts ? nhosts : 1);
  port_range(p, worker, nworkers);
  return p;
}

void scan_sockpool_free(ScanSockPool *p) {
  if (!p) return;
  for (size_t i = 0; i < p->npool; i++)
    for (int r = 0; r < 2; r++) {
      for (size_t k = 0; k < p->pool[i].n[r]; k++) close(p->pool[i].fd[r][k]);
      free(p->pool[i].fd[r]);
    }
  free(p->host_pool);
  free(p);
}

ScanSock scan_sockpool_fresh(int family) {
  ScanSock s = {socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
                family == AF_INET6, 0, 0};
  return s;
}

/* A new socket bound to pool i's source and the next free local port; an
 * unbound one when no port could be had. */
static ScanSock bound_socket(ScanSockPool *p, uint8_t i, int family) {
  Pool *pl = &p->pool[i];
  ScanSock s = scan_sockpool_fresh(family);
  if (s.fd < 0 || pl->no_bind) return s;
  struct sockaddr_storage a = pl->src;
  for (int t = 0; t < BIND_TRIES; t++) {
    unsigned port = p->port_next++;
    if (p->port_next > p->port_hi) p->port_next = p->port_lo;
    if (a.ss_family == AF_INET) ((struct sockaddr_in *)&a)->sin_port = htons((uint16_t)port);
    else ((struct sockaddr_in6 *)&a)->sin6_port = htons((uint16_t)port);
    if (bind(s.fd, (struct sockaddr *)&a, pl->srclen) == 0) {
      s.pool = i;
      return s;
    }
    if (errno != EADDRINUSE) break;
  }
  pl->no_bind = 1;   /* the range is crowded or binding is not allowed */
  close(s.fd);
  return scan_sockpool_fresh(family);
}

/* Closes one spare to free a descriptor. 0 when there was one. */
static int drop_spare(ScanSockPool *p) {
  for (size_t i = 0; i < p->npool; i++)
    for (int r = 0; r < 2; r++)
      if (p->pool[i].n[r] > 0) {
        close(p->pool[i].fd[r][--p->pool[i].n[r]]);
        p->nspare--;
        return 0;
      }
  return -1;
}

ScanSock scan_sockpool_take(ScanSockPool *p, uint32_t host, int family) {
  uint8_t i = p->host_pool[host];
  if (i == UNKNOWN || p->pool[i].src.ss_family != family) i = family == AF_INET6;
  Pool *pl = &p->pool[i];
  for (uint8_t r = 0; r < 2; r++)
    if (pl->n[r] > 0) {
      p->nspare--;
      return (ScanSock){pl->fd[r][--pl->n[r]], i, r, 1};
    }
  for (;;) {
    ScanSock s = i >= 2 ? bound_socket(p, i, family) : scan_sockpool_fresh(family);
    if (s.fd >= 0 || (errno != EMFILE && errno != ENFILE) || drop_spare(p)) return s;
  }
}

static int same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family) return 0;
  if (a->ss_family == AF_INET)
    return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
           ((const struct sockaddr_in *)b)->sin_addr.s_addr;
  const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
  return !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) &&
         x->sin6_scope_id == y->sin6_scope_id;
}

void scan_sockpool_learn(ScanSockPool *p, uint32_t host, const ScanSock *s) {
  if (p->host_pool[host] != UNKNOWN || s->pool >= 2) return;
  struct sockaddr_storage a;
  socklen_t len = sizeof a;
  memset(&a, 0, sizeof a);
  if (getsockname(s->fd, (struct sockaddr *)&a, &len)) return;
  if (a.ss_family == AF_INET) ((struct sockaddr_in *)&a)->sin_port = 0;
  else if (a.ss_family == AF_INET6) ((struct sockaddr_in6 *)&a)->sin6_port = 0;
  else return;
  size_t i = 2;
  while (i < p->npool && !same_addr(&p->pool[i].src, &a)) i++;
  if (i == MAX_POOLS) {   /* more sources than lists: this host stays unbound */
    p->host_pool[host] = a.ss_family == AF_INET6;
    return;
  }
  if (i == p->npool) {
    p->pool[i].src = a;
    p->pool[i].srclen = len;
    p->npool++;
  }
  p->host_pool[host] = (uint8_t)i;
}

int scan_sockpool_put(ScanSockPool *p, const ScanSock *s) {
  Pool *pl = &p->pool[s->pool];
  int r = s->in_ep != 0;
  if (p->nspare >= p->cap) return -1;
  if (!pl->fd[r] && !(pl->fd[r] = malloc(p->cap * sizeof(int)))) return -1;
  pl->fd[r][pl->n[r]++] = s->fd;
  p->nspare++;
  return 0;
}
