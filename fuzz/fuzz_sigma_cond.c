/* fuzz_sigma_cond.c — libFuzzer target for the Sigma condition parser:
 * arbitrary condition text over a fixed set of search identifiers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/internal.h"

static int atom_true(void *ctx, uint32_t a) { (void)ctx; return (a & 1) != 0; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  char *cond = malloc(size + 1);
  if (!cond) return 0;
  memcpy(cond, data, size);
  cond[size] = 0;
  Arena *a = arena_new(16u << 20);
  char *names[] = {"selection", "selection_img", "filter_main", "filter_opt", "_aux", "keywords"};
  SNode *trees[6];
  for (uint32_t i = 0; i < 6; i++) trees[i] = sn_new(a, OP_ATOM, i);
  char msg[256];
  SNode *t = sc_parse(a, cond, names, trees, 6, msg, sizeof msg);
  if (t) (void)sn_eval(t, atom_true, NULL);
  else if (!msg[0]) abort();   /* every refusal carries a reason */
  arena_free(a);
  free(cond);
  return 0;
}
