/* fuzz_syslog.c — libFuzzer target for the syslog reader (RFC 5424, RFC
 * 3164 variants, Linux audit records). */
#include "sigma_fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sigma_fuzz_run(data, size, SFMT_SYSLOG);
  return 0;
}
