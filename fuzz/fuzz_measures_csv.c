/* fuzz_measures_csv.c — libFuzzer target for the CSV reader and the measure
 * import into a small fixed framework: bad input must end in diagnostics, never a crash. */
#include <stdlib.h>
#include <string.h>

#include "assess/measures.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char base[] =
  "format: varde-framework/1\nurn: urn:varde:fuzz\nversion: 1\nname: F\nlocale: nb\n"
  "scale: varde-modenhet\nnodes:\n"
  "  - {ref_id: '1', name: K, assessable: false}\n"
  "  - {ref_id: '1.1', name: P, assessable: true, parent_urn: 'urn:varde:fuzz:1'}\n"
  "  - {ref_id: '2.10', name: Q, assessable: true}\n";

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  if (size > (1u << 20)) return 0;
  AssessDiags d;
  assess_diags_init(&d, "base");
  AssessFramework *fw = assess_framework_parse(base, sizeof base - 1, &d);
  if (!fw) abort();
  size_t before = fw->nnodes;
  AssessCsvStats st;
  int rc = assess_measures_import(fw, (const char *)data, size, "fuzz.csv", &d, &st);
  if (rc != 0 && fw->nnodes != before) abort(); /* nothing half-imported */
  if (rc == 0 && fw->nnodes != before + st.added) abort();
  assess_framework_free(fw);
  assess_diags_free(&d);
  return 0;
}
