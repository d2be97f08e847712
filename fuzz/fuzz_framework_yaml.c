/* fuzz_framework_yaml.c — libFuzzer target for the framework reader: any input
 * must give a framework or diagnostics, and a framework must survive export + re-read
 * with the same bytes on a second export. */
#include <stdlib.h>
#include <string.h>

#include "assess/framework.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  if (size > (1u << 20)) return 0;
  AssessDiags d;
  assess_diags_init(&d, "fuzz");
  AssessFramework *fw = assess_framework_parse((const char *)data, size, &d);
  if (fw) {
    Buf b;
    buf_init(&b, (size_t)64 << 20);
    Err e = {0};
    if (assess_framework_export(fw, &b, &e) == 0) {
      AssessDiags d2;
      assess_diags_init(&d2, "fuzz-again");
      AssessFramework *again = assess_framework_parse(buf_cstr(&b), b.n, &d2);
      if (!again || again->nnodes != fw->nnodes) abort(); /* export must be readable */
      Buf b2;
      buf_init(&b2, (size_t)64 << 20);
      if (assess_framework_export(again, &b2, &e) != 0) abort();
      if (b2.n != b.n || memcmp(b2.p, b.p, b.n)) abort(); /* and stable */
      buf_free(&b2);
      assess_framework_free(again);
      assess_diags_free(&d2);
    }
    buf_free(&b);
    assess_framework_free(fw);
  }
  assess_diags_free(&d);
  return 0;
}
