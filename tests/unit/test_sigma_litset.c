/* test_sigma_litset.c — the fast path's hashed equality/prefix/suffix
 * literal sets: ASCII case folding, cased literals, boundaries, empty values. */
#include <stdint.h>
#include <string.h>

#include "sigma/litset.h"
#include "test.h"

static uint32_t hits[16];
static int nhits;
static void on_hit(uint32_t id, void *ctx) {
  (void)ctx;
  if (nhits < 16) hits[nhits] = id;
  nhits++;
}
static int has(uint32_t id) {
  for (int i = 0; i < nhits && i < 16; i++)
    if (hits[i] == id) return 1;
  return 0;
}
static void run(const SLitSet *s, const char *v) {
  nhits = 0;
  slit_match(s, (const uint8_t *)v, strlen(v), on_hit, NULL);
}
static void add(SLitSet *s, int kind, const char *lit, int cased, uint32_t id) {
  CHECK_INT(slit_add(s, kind, (const uint8_t *)lit, strlen(lit), cased, id), 0);
}

TEST(equality_folds_ascii_case) {
  SLitSet *s = slit_new();
  add(s, SLIT_EQ, "C:\\Windows\\cmd.exe", 0, 1);
  add(s, SLIT_EQ, "Foo", 1, 2);
  CHECK_INT(slit_build(s), 0);
  run(s, "c:\\WINDOWS\\CMD.EXE");
  CHECK_INT(nhits, 1);
  CHECK(has(1));
  run(s, "c:\\windows\\cmd.ex");   /* one short */
  CHECK_INT(nhits, 0);
  run(s, "c:\\windows\\cmd.exe ");   /* one long */
  CHECK_INT(nhits, 0);
  run(s, "Foo");
  CHECK_INT(nhits, 1);
  CHECK(has(2));
  run(s, "foo");   /* cased: no folding */
  CHECK_INT(nhits, 0);
  run(s, "");
  CHECK_INT(nhits, 0);
  slit_free(s);
}

TEST(folding_is_ascii_only) {
  SLitSet *s = slit_new();
  add(s, SLIT_EQ, "\xc3\xa6r", 0, 1);   /* "ær": bytes >= 0x80 compare exactly */
  add(s, SLIT_EQ, "[x]", 0, 2);         /* '[' is 'A' - 6 + 32: not folded to '{' */
  CHECK_INT(slit_build(s), 0);
  run(s, "\xc3\xa6R");
  CHECK_INT(nhits, 1);
  run(s, "\xc3\x86r");   /* "Ær": a different byte, not a case variant here */
  CHECK_INT(nhits, 0);
  run(s, "{X}");
  CHECK_INT(nhits, 0);
  run(s, "[X]");
  CHECK_INT(nhits, 1);
  slit_free(s);
}

TEST(prefixes_and_suffixes_at_boundaries) {
  SLitSet *s = slit_new();
  add(s, SLIT_START, "C:\\Users\\", 0, 1);
  add(s, SLIT_START, "c", 0, 2);
  add(s, SLIT_END, "\\cmd.exe", 0, 3);
  add(s, SLIT_END, "E", 1, 4);
  add(s, SLIT_END, "\\CMD.EXE", 0, 5);   /* same literal folded: both reported */
  CHECK_INT(slit_build(s), 0);
  run(s, "c:\\users\\x\\CMD.exe");
  CHECK_INT(nhits, 4);
  CHECK(has(1) && has(2) && has(3) && has(5));
  run(s, "c:\\users\\");   /* the prefix is the whole value */
  CHECK_INT(nhits, 2);
  run(s, "c:\\user");   /* shorter than the prefix */
  CHECK_INT(nhits, 1);
  CHECK(has(2));
  run(s, "\\cmd.exe");   /* the suffix is the whole value */
  CHECK_INT(nhits, 2);
  CHECK(has(3) && has(5));
  run(s, "cmd.exe");   /* one byte shorter than the suffix */
  CHECK_INT(nhits, 1);
  CHECK(has(2));
  run(s, "xE");
  CHECK_INT(nhits, 1);
  CHECK(has(4));
  run(s, "xe");   /* cased suffix */
  CHECK_INT(nhits, 0);
  run(s, "\\cmd.exe\\");   /* suffix not at the end */
  CHECK_INT(nhits, 0);
  slit_free(s);
}

TEST(many_literals_and_limits) {
  SLitSet *s = slit_new();
  char lit[32];
  for (uint32_t i = 0; i < 500; i++) {
    snprintf(lit, sizeof lit, "\\tool%u.exe", i);
    add(s, SLIT_END, lit, 0, i);
  }
  uint8_t big[SLIT_MAXLEN + 1];
  memset(big, 'a', sizeof big);
  CHECK_INT(slit_add(s, SLIT_EQ, big, sizeof big, 0, 999), -1);   /* too long: stays with Hyperscan */
  CHECK_INT(slit_add(s, SLIT_EQ, big, 0, 0, 999), -1);            /* empty literal */
  CHECK_INT(slit_add(s, SLIT_EQ, big, SLIT_MAXLEN, 0, 1000), 0);
  CHECK_INT(slit_build(s), 0);
  CHECK_INT(slit_count(s), 501);
  run(s, "C:\\x\\TOOL417.EXE");
  CHECK_INT(nhits, 1);
  CHECK(has(417));
  run(s, "C:\\x\\tool4170.exe");
  CHECK_INT(nhits, 0);
  char v[SLIT_MAXLEN + 2];
  memset(v, 'A', SLIT_MAXLEN);
  v[SLIT_MAXLEN] = 0;
  run(s, v);
  CHECK_INT(nhits, 1);
  CHECK(has(1000));
  v[SLIT_MAXLEN] = 'a';
  v[SLIT_MAXLEN + 1] = 0;
  run(s, v);
  CHECK_INT(nhits, 0);
  slit_free(s);
}

TEST(empty_set) {
  SLitSet *s = slit_new();
  CHECK_INT(slit_build(s), 0);
  run(s, "anything");
  CHECK_INT(nhits, 0);
  slit_free(s);
}

int main(void) {
  RUN(equality_folds_ascii_case);
  RUN(folding_is_ascii_only);
  RUN(prefixes_and_suffixes_at_boundaries);
  RUN(many_literals_and_limits);
  RUN(empty_set);
  return TEST_DONE();
}
