/* test.h — the tiny assertion harness shared by Varde's C unit tests.
 * Each test file defines tests with TEST(name) and lists them in main via RUN(name). */
#ifndef VARDE_TEST_H
#define VARDE_TEST_H
#include <stdio.h>
#include <string.h>

static int t_failed, t_run, t_cur_failed;
#define TEST(name) static void name(void)
#define RUN(name) do { t_cur_failed = 0; t_run++; name(); \
  if (t_cur_failed) { t_failed++; printf("not ok %d - %s\n", t_run, #name); } \
  else printf("ok %d - %s\n", t_run, #name); } while (0)
#define CHECK(cond) do { if (!(cond)) { t_cur_failed = 1; \
  fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(a, b) do { const char *_a = (a), *_b = (b); \
  if (!_a || !_b || strcmp(_a, _b)) { t_cur_failed = 1; \
  fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, _a ? _a : "(null)", _b ? _b : "(null)"); } } while (0)
#define CHECK_INT(a, b) do { long long _a = (long long)(a), _b = (long long)(b); \
  if (_a != _b) { t_cur_failed = 1; \
  fprintf(stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #a, _a, _b); } } while (0)
#define TEST_DONE() (printf("1..%d\n", t_run), t_failed ? 1 : 0)
#endif
