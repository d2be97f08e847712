/* fuzz_form.c — libFuzzer target for the query-string/urlencoded-form parser
 * and percent-decoding (src/http/parse.c). */
#include <stdint.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Arena *a = arena_new((size_t)8 << 20);
  HttpParams p;
  if (http_parse_form(a, (const char *)data, size, &p) == 0) {
    for (size_t i = 0; i < p.n; i++) {
      if (strlen(p.v[i].name) > size || strlen(p.v[i].value) > size) __builtin_trap();
      if (http_param(&p, p.v[i].name) == NULL) __builtin_trap();
    }
  }
  http_url_decode(a, (const char *)data, size, 0);
  arena_free(a);
  return 0;
}
