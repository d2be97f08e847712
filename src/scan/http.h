/* http.h — the HTTP reply parser of the scanner (status line and headers
 * of untrusted replies) and the HTTP checks built on it. */
#ifndef VARDE_SCAN_HTTP_H
#define VARDE_SCAN_HTTP_H
#include <stddef.h>

#include "scan/engine.h"

#define SCAN_HTTP_MAXHDR 64

typedef struct ScanHttpHeader {
  const char *name, *value;   /* point into the parsed buffer, not terminated */
  size_t nlen, vlen;
} ScanHttpHeader;

typedef struct ScanHttpReply {
  int status;                 /* 100..599 */
  int minor;                  /* HTTP/1.x */
  ScanHttpHeader h[SCAN_HTTP_MAXHDR];
  size_t nh;
  const char *body;
  size_t body_len;
  int truncated;              /* headers did not end inside the buffer */
} ScanHttpReply;

/* Parses p[0..n) as an HTTP/1.x reply. 0 on success, -1 when it is not one.
 * Lenient about bare LF, strict about the status line. */
int scan_http_parse(const char *p, size_t n, ScanHttpReply *out);
/* Value of the first header named name (case-insensitive), copied and
 * NUL-terminated into buf; NULL when absent. */
const char *scan_http_header(const ScanHttpReply *r, const char *name, char *buf,
                             size_t cap);

/* HTTP checks on an open port known to speak HTTP (tls = over TLS). */
void scan_http_check(ScanReport *r, const ScanScope *scope, const ScanHost *h,
                     ScanPort *p, const ScanOpts *o, int tls);

/* Sends GET path and reads the reply into buf. Returns bytes (0 = none). */
size_t scan_http_get(const ScanScope *scope, const ScanHost *h, uint16_t port,
                     int tls, const char *path, int timeout_ms, char *buf,
                     size_t cap);

#endif
