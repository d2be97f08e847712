/* sigma_fuzz_common.h — shared body of the Sigma input fuzz targets: run a
 * memory input of a forced format to its end, touching every field. */
#ifndef VARDE_SIGMA_FUZZ_COMMON_H
#define VARDE_SIGMA_FUZZ_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/input/input.h"

static void sigma_fuzz_quiet(void *ctx, const char *file, SigmaPosKind kind, uint64_t off, const char *reason) {
  (void)kind;
  (void)ctx; (void)file; (void)off; (void)reason;
}

static void sigma_fuzz_run(const void *data, size_t size, SigmaFormat format) {
  SigmaInputOpts opts = {.format = format, .warn = sigma_fuzz_quiet, .max_record = 1 << 20};
  Err err = {0};
  SigmaInput *in = sigma_input_open_mem("fuzz", data, size, &opts, &err);
  if (!in) return;
  SigmaEvent ev;
  sev_init(&ev);
  size_t sum = 0;
  while (sigma_input_next(in, &ev, &err) == 1)
    for (uint32_t i = 0; i < ev.n; i++)
      sum += strlen(sev_name(&ev, &ev.f[i])) + strlen(sev_val(&ev, &ev.f[i]));
  if (sum == (size_t)-1) abort();        /* keeps the reads */
  sigma_input_close(in);
  sev_free(&ev);
}
#endif
