/* netio.c — one connection of the service phase: non-blocking connect via
 * the scope gate, then blocking I/O bounded by poll() deadlines and socket
 * time-outs, plain or over an OpenSSL session. */
#include "scan/netio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "scan/engine.h"

static int wait_fd(int fd, short ev, int ms) {
  struct pollfd p = {fd, ev, 0};
  int rc;
  do rc = poll(&p, 1, ms);
  while (rc < 0 && errno == EINTR);
  return rc > 0 ? 0 : -1;
}

int scan_conn_open(ScanConn *c, const ScanScope *scope, const ScanHost *h,
                   uint16_t port, int timeout_ms) {
  memset(c, 0, sizeof *c);
  c->fd = -1;
  c->timeout_ms = timeout_ms;
  struct sockaddr_storage sa;
  scan_host_sockaddr(h, port, &sa);
  int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (scan_connect(scope, fd, (struct sockaddr *)&sa, h->addrlen) != 0) {
    int err = 0;
    socklen_t len = sizeof err;
    if (errno != EINPROGRESS || wait_fd(fd, POLLOUT, timeout_ms) ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
      close(fd);
      return -1;
    }
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  c->fd = fd;
  return 0;
}

int scan_conn_send(ScanConn *c, const void *p, size_t n) {
  if (c->ssl) return SSL_write(c->ssl, p, (int)n) == (int)n ? 0 : -1;
  const char *s = p;
  while (n > 0) {
    ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    s += w;
    n -= (size_t)w;
  }
  return 0;
}

static ssize_t read_some(ScanConn *c, unsigned char *p, size_t n, int ms) {
  if (!(c->ssl && SSL_pending(c->ssl)) && wait_fd(c->fd, POLLIN, ms)) return -1;
  if (c->ssl) {
    int r = SSL_read(c->ssl, p, (int)n);
    return r > 0 ? r : 0;
  }
  ssize_t r;
  do r = recv(c->fd, p, n, 0);
  while (r < 0 && errno == EINTR);
  return r > 0 ? r : 0;
}

size_t scan_conn_read(ScanConn *c, unsigned char *buf, size_t max, int first_ms,
                      int idle_ms) {
  size_t got = 0;
  int64_t end = scan_now_ms() + c->timeout_ms * 2;
  while (got < max) {
    int ms = got ? idle_ms : first_ms;
    int64_t left = end - scan_now_ms();
    if (left <= 0) break;
    if (ms > left) ms = (int)left;
    ssize_t r = read_some(c, buf + got, max - got, ms);
    if (r <= 0) break;   /* quiet, closed or failed */
    got += (size_t)r;
  }
  return got;
}

void scan_conn_close(ScanConn *c) {
  if (c->ssl) {
    SSL_free(c->ssl);
    c->ssl = NULL;
  }
  if (c->ctx) {
    SSL_CTX_free(c->ctx);
    c->ctx = NULL;
  }
  if (c->fd >= 0) {
    struct linger lg = {1, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(c->fd);
    c->fd = -1;
  }
}
