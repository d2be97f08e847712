/* policy.h — the administrator's scan ceiling (rate, concurrency, outer
 * scope) read from /etc/varde/scan.conf or $VARDE_SCAN_CONF. */
#ifndef VARDE_SCAN_POLICY_H
#define VARDE_SCAN_POLICY_H
#include <stdio.h>

#include "scan/engine.h"

#define SCAN_POLICY_PATH "/etc/varde/scan.conf"

typedef struct ScanPolicy {
  unsigned max_rate;          /* 0 = no ceiling */
  unsigned max_concurrency;   /* 0 = no ceiling */
  ScanRangeList scope;        /* outer scope */
  int has_scope;
} ScanPolicy;

/* "key = value" lines, # comments; keys max_rate, max_concurrency, scope
 * (comma list, may repeat). A missing file is no policy (returns 0). */
int scan_policy_load(ScanPolicy *p, const char *path, Err *e);
/* Lowers o's rate/concurrency to the ceiling (saying so on warn) and makes
 * the policy scope an outer bound of s. p must outlive s. */
void scan_policy_apply(const ScanPolicy *p, ScanOpts *o, ScanScope *s, FILE *warn);
void scan_policy_free(ScanPolicy *p);

#endif
