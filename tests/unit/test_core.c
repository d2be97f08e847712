/* test_core.c — unit tests for the core buffer, arena and error helpers. */
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "test.h"

TEST(buf_grows_and_terminates) {
  Buf b;
  buf_init(&b, 0);
  for (int i = 0; i < 1000; i++) buf_printf(&b, "%d,", i);
  CHECK(b.err == 0);
  CHECK(strncmp(buf_cstr(&b), "0,1,2,", 6) == 0);
  CHECK_INT(strlen(buf_cstr(&b)), b.n);
  buf_free(&b);
}

TEST(buf_bound_is_sticky) {
  Buf b;
  buf_init(&b, 8);
  CHECK_INT(buf_puts(&b, "12345678"), 0);
  CHECK_INT(buf_puts(&b, "9"), -1);
  CHECK_INT(b.err, BUF_ETOOBIG);
  CHECK_INT(buf_puts(&b, ""), -1); /* sticky even for an empty append */
  CHECK_STR(buf_cstr(&b), "12345678");
  buf_free(&b);
}

TEST(arena_limits_and_frees) {
  Arena *a = arena_new(20000);
  char *s = arena_printf(a, "org-%d", 42);
  CHECK_STR(s, "org-42");
  CHECK(arena_alloc(a, 9000) != NULL);
  CHECK(arena_alloc(a, 50000) == NULL); /* past the limit */
  CHECK(((size_t)arena_alloc(a, 3) & 15) == 0);
  arena_free(a);
}

TEST(arena_adopts_another) {
  Arena *a = arena_new(0), *b = arena_new(0), *empty = arena_new(0);
  char *x = arena_strdup(a, "fra a"), *y = arena_strdup(b, "fra b");
  CHECK(arena_alloc(b, 100000) != NULL);   /* a chunk of its own */
  size_t used = arena_used(a) + arena_used(b);
  arena_adopt(a, b);   /* b is freed; its strings live on in a */
  CHECK_INT(arena_used(a), used);
  CHECK_STR(y, "fra b");
  char *z = arena_strdup(a, "etterpå");
  CHECK_STR(x, "fra a");
  CHECK_STR(z, "etterpå");
  arena_adopt(empty, a);
  CHECK_STR(y, "fra b");
  arena_free(empty);   /* ASan reports a chunk freed twice or lost */
}

TEST(err_returns_code) {
  Err e;
  CHECK_INT(err_set(&e, VERR_INVALID, "felt %s mangler", "navn"), VERR_INVALID);
  CHECK_STR(e.msg, "felt navn mangler");
  CHECK_INT(err_set(NULL, VERR_IO, "x"), VERR_IO);
}

int main(void) {
  RUN(buf_grows_and_terminates);
  RUN(buf_bound_is_sticky);
  RUN(arena_limits_and_frees);
  RUN(arena_adopts_another);
  RUN(err_returns_code);
  return TEST_DONE();
}
