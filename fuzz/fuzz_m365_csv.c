/* fuzz_m365_csv.c — libFuzzer target for the M365 audit CSV reader (RFC
 * 4180 rows with an AuditData JSON column). */
#include "sigma_fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sigma_fuzz_run(data, size, SFMT_M365);
  return 0;
}
