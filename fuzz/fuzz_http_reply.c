/* fuzz_http_reply.c — libFuzzer target for the scanner's HTTP reply parser,
 * header look-up and Server-header rules (src/scan/http.c, ident.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/http.h"
#include "scan/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *copy = malloc(size ? size : 1);   /* exact size: ASan sees overreads */
  if (!copy) return 0;
  memcpy(copy, data, size);
  ScanHttpReply r;
  if (scan_http_parse(copy, size, &r) == 0) {
    char v[512];
    static const char *names[] = {"Server", "X-Powered-By", "Content-Security-Policy",
                                  "Strict-Transport-Security", "X-Frame-Options"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
      const char *s = scan_http_header(&r, names[i], v, sizeof v);
      ScanIdent id;
      if (s) scan_ident_http_server(s, &id);
    }
    if (r.body && r.body_len) {
      volatile char last = r.body[r.body_len - 1];
      (void)last;
    }
  }
  free(copy);
  return 0;
}
