/* run.c — one scan from a job: ceiling, scope, exclusions, targets and
 * ports are all settled before the first packet; then the port pass and
 * the service pass. */
#include "scan/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scan/policy.h"

typedef struct Ctx {
  ScanScope scope;
  ScanRangeList excl;
  ScanPolicy pol;
  ScanPorts *ports;
  ScanOpts o;
} Ctx;

static int prepare(const ScanJob *j, Ctx *c, ScanReport *r, Err *e) {
  int rc = scan_policy_load(&c->pol, j->policy_path, e);
  if (rc) return rc;
  scan_policy_apply(&c->pol, &c->o, &c->scope, j->warn);
  if ((rc = scan_scope_load(&c->scope, j->scope ? j->scope : j->targets, e))) return rc;
  if (!j->scope)
    snprintf(c->scope.desc, sizeof c->scope.desc, "%s", j->scope_desc ? j->scope_desc : "målene");
  int file;
  if (j->exclude && (rc = scan_rangelist_load(&c->excl, j->exclude, &file, e))) return rc;
  ScanAddrList addrs = {0};
  rc = scan_targets_expand(&addrs, j->targets, &c->excl, e);
  if (rc == 0 && addrs.n == 0) rc = err_set(e, VERR_INVALID, "ingen mål igjen etter utelatelser");
  if (rc == 0) rc = scan_report_set_hosts(r, &addrs, &c->scope, e);
  scan_addrlist_free(&addrs);
  if (rc) return rc;
  if ((rc = scan_ports_parse(c->ports, j->ports, e))) return rc;
  if (!j->include_printer_ports && scan_ports_drop_printer(c->ports) && c->ports->n == 0)
    return err_set(e, VERR_INVALID, "bare skriverporter (9100-9107) igjen; bruk "
                   "--include-printer-ports");
  return 0;
}

int scan_run(const ScanJob *j, ScanReport *r, Err *e) {
  Ctx c;
  memset(&c, 0, sizeof c);
  memset(r, 0, sizeof *r);
  c.o = j->opts;
  c.ports = calloc(1, sizeof *c.ports);
  if (!c.ports || scan_report_init(r)) {
    free(c.ports);
    return err_set(e, VERR_NOMEM, "tomt for minne");
  }
  /* the connect counters are per process; a sensor runs many jobs */
  unsigned long conn0 = scan_connect_count(), ref0 = scan_connect_refused();
  int rc = prepare(j, &c, r, e);
  if (rc == 0) {
    r->started = time(NULL);
    rc = scan_engine_run(r, &c.scope, c.ports, &c.o, e);
    if (rc == 0 && c.o.service && !scan_stop_flag) scan_services_run(r, &c.scope, &c.o);
    if (scan_stop_flag) r->interrupted = 1;
    r->connects = scan_connect_count() - conn0;
    r->refused += scan_connect_refused() - ref0;
    r->finished = time(NULL);
  }
  scan_ports_free(c.ports);
  free(c.ports);
  scan_scope_free(&c.scope);
  scan_policy_free(&c.pol);
  scan_rangelist_free(&c.excl);
  return rc;
}
