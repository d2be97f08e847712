/* fuzz_multipart.c — libFuzzer target for the multipart/form-data parser
 * (src/http/multipart.c). The first input line is the Content-Type. */
#include <stdint.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  const char *nl = memchr(s, '\n', size);
  if (!nl) return 0;
  Arena *a = arena_new((size_t)8 << 20);
  char *ct = arena_strndup(a, s, (size_t)(nl - s));
  const char *body = nl + 1;
  size_t n = size - (size_t)(body - s);
  HttpParams f;
  HttpFiles fs;
  if (ct && http_parse_multipart(a, ct, body, n, &f, &fs) == 0) {
    if (f.n > HTTP_MAX_PARAMS || fs.n > HTTP_MAX_FILES) __builtin_trap();
    for (size_t i = 0; i < f.n; i++)
      if (strlen(f.v[i].value) > n) __builtin_trap();
    for (size_t i = 0; i < fs.n; i++) {
      /* every file lies inside the body */
      if (fs.v[i].data < body || fs.v[i].data + fs.v[i].len > body + n) __builtin_trap();
      if (strchr(fs.v[i].filename, '/') || strchr(fs.v[i].filename, '\\')) __builtin_trap();
    }
  }
  arena_free(a);
  return 0;
}
