/* netio.h — blocking-with-deadline connections for the service phase:
 * connect through the scope gate, send, read with time-outs, optional TLS. */
#ifndef VARDE_SCAN_NETIO_H
#define VARDE_SCAN_NETIO_H
#include <openssl/ssl.h>
#include <stddef.h>

#include "scan/scan.h"
#include "scan/target.h"

typedef struct ScanConn {
  int fd;
  SSL *ssl;
  SSL_CTX *ctx;
  int timeout_ms;
} ScanConn;

/* Connects to h:port through scan_connect. 0 or -1. */
int scan_conn_open(ScanConn *c, const ScanScope *scope, const ScanHost *h,
                   uint16_t port, int timeout_ms);
int scan_conn_send(ScanConn *c, const void *p, size_t n);
/* Reads until max bytes, EOF, or the line goes quiet: first_ms for the
 * first byte, then idle_ms between chunks. Returns bytes read (0 = none). */
size_t scan_conn_read(ScanConn *c, unsigned char *buf, size_t max, int first_ms,
                      int idle_ms);
void scan_conn_close(ScanConn *c);

#endif
