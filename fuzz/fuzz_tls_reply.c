/* fuzz_tls_reply.c — libFuzzer target for the parser of a server's first
 * TLS record (ServerHello or alert) used by the weak-cipher probes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned char *copy = malloc(size ? size : 1);
  if (!copy) return 0;
  memcpy(copy, data, size);
  unsigned ver = 0, suite = 0;
  scan_tls_parse_server_hello(copy, size, &ver, &suite);
  free(copy);
  return 0;
}
