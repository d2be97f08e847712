/* scan.h — findings from network scans (scan.c): a run's identified
 * services go through the same matcher as inventory products and into the
 * same findings table and lifecycle, carrying address, port, the scan's
 * confidence grade, the evidence and the run; the scanner's own failed
 * checks (certificates, TLS, HTTP headers, open Redis...) join them. src/scanjobs calls
 * find_scan_ingest for every finished run; the matching runs of run.c call
 * find_scan_rematch when the feeds changed. */
#ifndef VARDE_FINDINGS_SCAN_H
#define VARDE_FINDINGS_SCAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/err.h"
#include "findings/findings.h"

typedef struct Db Db;

/* One of the scanner's own checks that failed on a port (a "finding" line
 * of varde-scan(1)): id such as "tls-cert-expired", Norwegian title,
 * severity info|low|medium|high|critical, confidence low|medium|high. */
typedef struct FindScanCheck {
  const char *id, *title, *severity, *confidence, *evidence;
} FindScanCheck;

/* One open port of a run as the scanner identified it (any field but addr
 * may be NULL). confidence: "low", "medium" or "high" (varde-scan(1)). */
typedef struct FindScanService {
  const char *addr;
  unsigned port;
  const char *service, *product, *version, *cpe, *confidence, *method, *evidence, *cert;
  const FindScanCheck *check;    /* the port's failed checks */
  size_t ncheck;
} FindScanService;

typedef struct FindScanRun {
  int64_t org_id, run_id;
  bool complete;                 /* the whole confirmed scope, not interrupted */
  const char *scope;             /* the run's scope (comma list of ranges) */
  const char *ports;             /* the run's port list (varde-scan(1) syntax) */
  const char *const *timed_out;  /* addresses whose per-host time-out hit */
  size_t ntimed_out;
  const FindScanService *svc;    /* every open port the run saw */
  size_t n;
} FindScanRun;

/* Inside the caller's transaction (or its own): records the services, matches
 * every one whose CPE names a version against the stored feeds, creates or
 * updates findings (a fixed or verified one seen again reopens, history
 * naming the run), and moves to fixed (needs verification) the active scan
 * findings the run no longer saw: on a port where it identified another
 * version, and — when the run was complete — on every port in its scope and
 * port list it did not see open. Accepted risks and false positives keep
 * their status. Never deletes. */
int find_scan_ingest(Db *db, const Principal *who, const FindScanRun *run, FindMatchStats *st, Err *e);

/* The findings module's index of the stored feeds loaded now, in a read
 * transaction of its own, so that the write transaction of the
 * find_scan_ingest that follows does not hold the database while it loads
 * (seconds with a full NVD). Best effort: a failure is met again there. */
void find_cache_warm(Db *db);

/* Every service still seen, matched again against the current feeds (after
 * an import): new matches become findings, matches the feeds no longer
 * support move to fixed. Counts are added to *acc (may be NULL). */
int find_scan_rematch(Db *db, const Principal *who, FindMatchStats *acc, Err *e);

/* The finding's product is a scanned service (product_id < 0). */
#define FIND_IS_SCAN(product_id) ((product_id) < 0)

#endif
