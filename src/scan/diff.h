/* diff.h — the difference between two scans (JSON-lines reports): new and
 * closed ports, service/version changes, certificate changes, findings that
 * appeared or disappeared. The server's scan history builds on this. */
#ifndef VARDE_SCAN_DIFF_H
#define VARDE_SCAN_DIFF_H
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

/* What one scan said about one addr:port (strings owned by the snapshot). */
typedef struct ScanSnapPort {
  char *addr;
  unsigned port;
  char *service, *product, *version, *cpe;
  char *cert;        /* "subject|issuer|not_after", NULL without TLS */
  char *findings;    /* sorted, comma-joined finding ids */
} ScanSnapPort;

typedef struct ScanSnap {
  ScanSnapPort *v;
  size_t n, cap;
  int interrupted;   /* the scan record said it was incomplete */
} ScanSnap;

typedef struct ScanChange {
  const char *kind;  /* port-new, port-closed, service-changed, cert-changed,
                        finding-new, finding-gone */
  const char *addr;
  unsigned port;
  char detail_old[512], detail_new[512];
} ScanChange;

typedef struct ScanDiff {
  ScanChange *v;
  size_t n, cap;
} ScanDiff;

/* Reads a report written by `varde scan -f json`. */
int scan_snap_load(ScanSnap *s, const char *path, Err *e);
/* Same, from a string (one JSON object per line); used by tests and fuzzing. */
int scan_snap_parse(ScanSnap *s, const char *text, size_t n, Err *e);
void scan_snap_free(ScanSnap *s);
/* Computes changes from old to new; both are sorted in place. */
int scan_diff(ScanSnap *old, ScanSnap *cur, ScanDiff *out);
void scan_diff_free(ScanDiff *d);
void scan_diff_write(FILE *f, const ScanDiff *d, const char *format);

/* `varde scan --diff OLD NEW`: exit 0 no changes, 1 changes, 2 error. */
int scan_diff_cmd(const char *old_path, const char *new_path, const char *format,
                  const char *output);

#endif
