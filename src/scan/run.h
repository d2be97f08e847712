/* run.h — one whole scan as a library call: the job description the CLI,
 * the server's schedules and `varde sensor` all fill in, and scan_run. */
#ifndef VARDE_SCAN_RUN_H
#define VARDE_SCAN_RUN_H
#include <stdio.h>

#include "scan/engine.h"

typedef struct ScanJob {
  const char *targets;        /* comma/newline list of specs */
  const char *scope;          /* file or list; NULL = the targets themselves */
  const char *scope_desc;     /* how to name a NULL scope in messages */
  const char *exclude;        /* file or list, or NULL */
  const char *ports;          /* port spec, e.g. "top1000" */
  int include_printer_ports;
  const char *policy_path;    /* admin ceiling file (missing file = none) */
  FILE *warn;                 /* where ceiling adjustments are reported, or NULL */
  ScanOpts opts;
} ScanJob;

/* Runs job into r (initialised by scan_run; free with scan_report_free even
 * on failure). Nothing is sent unless every target passed the scope and the
 * ceiling. Returns 0 (r->interrupted tells a partial scan) or a VERR_* with
 * a Norwegian message on e. */
int scan_run(const ScanJob *job, ScanReport *r, Err *e);

#endif
