/* tls.h — TLS checks of the scanner: protocol versions offered (OpenSSL at
 * security level 0), certificate facts, and weak cipher classes probed with
 * a hand-built ClientHello. */
#ifndef VARDE_SCAN_TLS_H
#define VARDE_SCAN_TLS_H
#include <stddef.h>
#include <stdint.h>

#include "scan/engine.h"
#include "scan/netio.h"

typedef struct ScanWeakClass {
  const char *name;
  const uint16_t *suites;
  size_t n;
} ScanWeakClass;
extern const ScanWeakClass scan_tls_weak_classes[];
extern const size_t scan_tls_nweak;

/* Writes a ClientHello record offering exactly suites; 0 when it does not fit. */
size_t scan_tls_client_hello(unsigned char *out, size_t cap, const uint16_t *suites,
                             size_t nsuites, const char *sni);
/* 1 = ServerHello (version, suite set), 0 = alert, -1 = not TLS/incomplete. */
int scan_tls_parse_server_hello(const unsigned char *p, size_t n,
                                unsigned *version, unsigned *suite);

/* Starts TLS on an open connection, fixed to one version (0 = any).
 * Security level 0 so old versions and weak suites can be negotiated. */
int scan_tls_start(ScanConn *c, const char *sni, int version);

/* Runs every TLS check for host:port and stores facts and findings on p.
 * starttls: NULL for TLS from the first byte, else "smtp", "imap" or "pop3"
 * (each connection first runs that protocol's upgrade). Returns 1 when the
 * port speaks TLS. */
int scan_tls_check(ScanReport *r, const ScanScope *scope, const ScanHost *h,
                   ScanPort *p, const ScanOpts *o, const char *starttls);

/* The plain-text upgrade of proto on an open connection: 0 when the server
 * agreed and the TLS handshake may start; 1 when its capabilities do not
 * offer it; 2 when offered but refused; -1 when it did not answer. */
int scan_starttls_preamble(ScanConn *c, const char *proto);
/* scan_conn_open, then the preamble when starttls is not NULL. */
int scan_conn_open_tls_ready(ScanConn *c, const ScanScope *scope, const ScanHost *h,
                             uint16_t port, int timeout_ms, const char *starttls);

/* "TLSv1.2" for SCAN_TLS12 etc. */
const char *scan_tls_version_name(unsigned bit);

#endif
