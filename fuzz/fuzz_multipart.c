/* fuzz_multipart.c — libFuzzer target for multipart/form-data bodies: the
 * first line of the input is the Content-Type header value, the rest the
 * body. Checks that every field and file lies inside the arena's copies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *nl = memchr(data, '\n', size);
  if (!nl) return 0;
  Arena *a = arena_new(0);
  char *ct = arena_strndup(a, (const char *)data, (size_t)(nl - (const char *)data));
  const char *body = nl + 1;
  size_t n = size - (size_t)(body - (const char *)data);
  HttpParams f;
  HttpFiles files;
  if (ct && http_parse_multipart(a, ct, body, n, &f, &files) == 0) {
    for (size_t i = 0; i < f.n; i++)
      if (!f.v[i].name || !f.v[i].value || strlen(f.v[i].value) > n) abort();
    for (size_t i = 0; i < files.n; i++)
      if (files.v[i].len > n || files.v[i].data[files.v[i].len] != '\0') abort();
  }
  arena_free(a);
  return 0;
}
