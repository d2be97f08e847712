/* fuzz_cookie.c — libFuzzer target for the Cookie header parser
 * (src/http/parse.c). Input is treated as one header value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  Arena *a = arena_new((size_t)8 << 20);
  HttpParams p;
  if (http_parse_cookies(a, s, &p) == 0) {
    if (p.n > HTTP_MAX_COOKIES) __builtin_trap();
    for (size_t i = 0; i < p.n; i++)
      if (!p.v[i].name[0] || strchr(p.v[i].value, ';')) __builtin_trap();
  }
  arena_free(a);
  free(s);
  return 0;
}
