/* sockpool.h — one scan worker's sockets: unconnected spares kept for
 * reuse, and sockets bound to the source address the kernel chose for a
 * host plus a local port of their own, which makes each connect() cheaper. */
#ifndef VARDE_SCAN_SOCKPOOL_H
#define VARDE_SCAN_SOCKPOOL_H
#include <stddef.h>
#include <stdint.h>

typedef struct ScanSockPool ScanSockPool;

typedef struct ScanSock {
  int fd;          /* -1 with errno set when none could be had */
  uint8_t pool;    /* which spare list it returns to */
  uint8_t in_ep;   /* registered with the worker's epoll */
  uint8_t reused;  /* a spare, not a new socket */
} ScanSock;

/* cap: most spares kept per list; worker/nworkers spread the local ports. */
ScanSockPool *scan_sockpool_new(size_t cap, size_t nhosts, unsigned worker,
                                unsigned nworkers);
void scan_sockpool_free(ScanSockPool *p);

/* A socket for host (address family family): a spare epoll does not know,
 * then one it knows, else a new one — bound to the host's source address
 * and a free local port once that source is known. */
ScanSock scan_sockpool_take(ScanSockPool *p, uint32_t host, int family);
/* A new socket that is not bound (in place of one that cannot be used). */
ScanSock scan_sockpool_fresh(int family);
/* After the first connect() of an unbound socket to host: notes the source
 * address the kernel picked, so later sockets for the host are bound to it. */
void scan_sockpool_learn(ScanSockPool *p, uint32_t host, const ScanSock *s);
/* Keeps s, already unconnected, for reuse. -1 when full (then close it). */
int scan_sockpool_put(ScanSockPool *p, const ScanSock *s);

#endif
