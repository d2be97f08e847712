/* target.h — what the scanner may touch and what it is asked to touch:
 * address ranges (single address, a.b.c.d-e, CIDR, names), the scope that
 * bounds every scan, and the one connect() gate every socket goes through. */
#ifndef VARDE_SCAN_TARGET_H
#define VARDE_SCAN_TARGET_H
#include <stdint.h>
#include <sys/socket.h>

#include "core/err.h"
#include "scan/scan.h"

/* Inclusive address range; addresses as big-endian bytes (4 or 16 used). */
typedef struct ScanRange {
  int family;            /* AF_INET or AF_INET6 */
  uint8_t lo[16], hi[16];
} ScanRange;

typedef struct ScanRangeList {
  ScanRange *v;
  size_t n, cap;
} ScanRangeList;

/* Where the scanner is allowed to send packets. */
typedef struct ScanScope {
  ScanRangeList allow;
  const ScanRangeList *ceiling;  /* administrator's outer bound, or NULL */
  char desc[256];        /* where it came from, for messages */
} ScanScope;

/* One concrete address to scan, with the name it came from. */
typedef struct ScanAddr {
  struct sockaddr_storage sa;
  socklen_t len;
  char name[256];        /* "" when given as an address */
} ScanAddr;

typedef struct ScanAddrList {
  ScanAddr *v;
  size_t n, cap;
} ScanAddrList;

#define SCAN_MAX_ADDRS (1u << 16)   /* a /16 of IPv4; larger scans are split */

/* Parses one spec (address, range a.b.c.d-e or a.b.c.d-a.b.c.e, CIDR) into
 * a range. Returns VERR_INVALID (with a message) for anything else, including
 * host names: the caller resolves those. */
int scan_range_parse(const char *spec, ScanRange *out, Err *e);
int scan_range_contains(const ScanRange *r, const struct sockaddr *sa);
int scan_rangelist_add(ScanRangeList *l, const ScanRange *r);
void scan_rangelist_free(ScanRangeList *l);
int scan_rangelist_contains(const ScanRangeList *l, const struct sockaddr *sa);
/* The same for an address written as text; 0 when it is not an address. */
int scan_rangelist_contains_text(const ScanRangeList *l, const char *addr);

/* Adds a comma-separated list of specs (addresses, ranges, CIDR, names;
 * names are resolved with getaddrinfo) to a range list. */
int scan_rangelist_add_specs(ScanRangeList *l, const char *specs, Err *e);

/* Adds arg to l: a file (one spec per line, # comments) when arg names an
 * existing regular file, else a comma list. *from_file says which. */
int scan_rangelist_load(ScanRangeList *l, const char *arg, int *from_file, Err *e);

/* Scope: from "CIDR,..." or from a file (one spec per line, # comments).
 * scan_scope_load treats arg as a file when it exists, else as a list. */
int scan_scope_load(ScanScope *s, const char *arg, Err *e);
void scan_scope_free(ScanScope *s);
/* 0 when allowed, VERR_DENIED with a Norwegian message otherwise. */
int scan_scope_check(const ScanScope *s, const struct sockaddr *sa, Err *e);

/* The one connect() of the scanner. Checks the scope again (the last line
 * of defence) and then calls connect(2). Returns connect's result, or -1
 * with errno = EACCES when the address is outside the scope. */
int scan_connect(const ScanScope *s, int fd, const struct sockaddr *sa,
                 socklen_t len);
/* The outcome of the attempt a non-blocking TCP socket fd started to sa
 * (scan_connect answered EINPROGRESS), asked by calling connect(2) on it
 * again, through the same gate but not counted as a connect. Linux answers
 * -1/EALREADY while the attempt is in flight, 0 once connected, or the
 * attempt's error (ECONNREFUSED ...) once it failed, and then leaves the
 * socket unconnected, ready for the next scan_connect; nothing is sent. */
int scan_connect_result(const ScanScope *s, int fd, const struct sockaddr *sa,
                        socklen_t len);
unsigned long scan_connect_count(void);
unsigned long scan_connect_refused(void);

/* Expands specs into concrete addresses, minus exclusions, deduplicated.
 * Fails (VERR_TOOBIG) past SCAN_MAX_ADDRS. */
int scan_targets_expand(ScanAddrList *out, const char *spec,
                        const ScanRangeList *exclude, Err *e);
void scan_addrlist_free(ScanAddrList *l);
void scan_addr_str(const struct sockaddr *sa, char *out, size_t n);

#endif
