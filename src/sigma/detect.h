/* detect.h — internals of the `varde detect` command shared between its
 * driver (detect_cmd.c) and its output writers (detect_out.c). */
#ifndef VARDE_SIGMA_DETECT_H
#define VARDE_SIGMA_DETECT_H
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "sigma/sigma.h"

enum { DF_JSONL, DF_CSV, DF_TABLE };

typedef struct DetectHit {
  const SigmaRuleInfo *rule;
  size_t n;
} DetectHit;

typedef struct DetectOut {
  FILE *f;
  int format;
  Buf b;
  size_t alerts;
  uint64_t events;        /* events read, for the summary */
  DetectHit *hits;
  size_t nhits, caphits;
} DetectOut;

void sdo_header(DetectOut *o);
void sdo_alert(void *ctx, const SigmaAlert *a);   /* a SigmaAlertFn */
void sdo_finish(DetectOut *o);
void sdo_time(char *out, size_t n, int64_t ms);

#endif
