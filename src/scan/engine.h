/* engine.h — the connect-scan engine (epoll, non-blocking connect, token
 * bucket rate, bounded concurrency, time-outs, retries) and its options. */
#ifndef VARDE_SCAN_ENGINE_H
#define VARDE_SCAN_ENGINE_H
#include <signal.h>

#include "scan/ports.h"
#include "scan/scan.h"
#include "scan/target.h"

typedef struct ScanOpts {
  unsigned rate;            /* connect() per second, 0 = unlimited */
  unsigned concurrency;     /* sockets in flight (capped by RLIMIT_NOFILE) */
  int timeout_ms;           /* one connect attempt */
  int retries;              /* extra attempts after a time-out */
  int host_timeout_ms;      /* 0 = none */
  int global_timeout_ms;    /* 0 = none */
  int progress;             /* print progress on stderr */
  int service;              /* run service identification on open ports */
  int probe_timeout_ms;     /* one read/connect in the service phase */
  int probe_workers;        /* parallel service probes */
  int admin_pages;          /* probe the short list of admin/default pages */
  int discovery;            /* host discovery: -1 auto (>1 host), 0 off, 1 on */
  unsigned threads;         /* port-scan threads (1-4), 0 = automatic */
} ScanOpts;

void scan_opts_default(ScanOpts *o);

/* Set from a signal handler; the engine stops launching, drains and returns
 * the partial report with r->interrupted = 1. */
extern volatile sig_atomic_t scan_stop_flag;

/* Fills r->hosts from addrs (every one must pass the scope; the first one
 * that does not is refused with VERR_DENIED before anything is sent). */
int scan_report_set_hosts(ScanReport *r, const ScanAddrList *addrs,
                          const ScanScope *scope, Err *e);

/* Port scan of every host × port. Open ports land in r->hosts[i].ports. */
int scan_engine_run(ScanReport *r, const ScanScope *scope, const ScanPorts *ports,
                    const ScanOpts *o, Err *e);

/* Service, TLS and HTTP identification of every open port (service.c). */
int scan_services_run(ScanReport *r, const ScanScope *scope, const ScanOpts *o);

int64_t scan_now_ms(void);

#endif
