/* fuzz_json_event.c — libFuzzer target for the JSON event reader (JSON
 * lines, arrays, pretty documents, Name/Value lifting). */
#include "sigma_fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sigma_fuzz_run(data, size, SFMT_JSON);
  return 0;
}
