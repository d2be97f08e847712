/* test_web.c — route matching (ids, captures, methods) and the same-site
 * check on the after-log-in redirect target. */
#include "test.h"
#include "web/web_int.h"

static void nop(WebCtx *c) { (void)c; }

static const WebRoute table[] = {
    {"GET", "/org/{org}", nop, 0, 0},
    {"GET", "/org/{org}/x/{id}/y", nop, 0, 0},
    {"POST", "/org/{org}/x/{id}/y", nop, 0, WEB_CSRF},
    {"GET", "/plain", nop, WEB_NO_ACTION, 0},
    {NULL, NULL, NULL, 0, 0},
};

TEST(matches_and_captures) {
  WebCtx c = {0};
  int mm = 0;
  const WebRoute *r = web_route_find(&c, "GET", "/org/42/x/7/y", &mm);
  CHECK(r == &table[1]);
  CHECK_INT(c.org_id, 42);
  CHECK_INT(c.nargs, 1);
  CHECK_INT(c.args[0], 7);
  CHECK(web_route_find(&c, "POST", "/org/42/x/7/y", &mm) == &table[2]);
  CHECK(web_route_find(&c, "HEAD", "/plain", &mm) == &table[3]);
}

TEST(rejects_bad_ids_and_shapes) {
  WebCtx c = {0};
  int mm = 0;
  const char *bad[] = {"/org/0", "/org/007", "/org/-1", "/org/1x", "/org/", "/org",
                       "/org/1/", "/org//1", "/org/1234567890123456789", "/plain/", "//plain", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK(web_route_find(&c, "GET", bad[i], &mm) == NULL);
    CHECK_INT(mm, 0);
  }
}

TEST(method_mismatch) {
  WebCtx c = {0};
  int mm = 0;
  CHECK(web_route_find(&c, "DELETE", "/org/5", &mm) == NULL);
  CHECK_INT(mm, 1);
  CHECK(web_route_find(&c, "POST", "/plain", &mm) == NULL);
  CHECK_INT(mm, 1);
  CHECK(web_route_find(&c, "PUT", "/org/5/x/1/y", &mm) == NULL);
  CHECK_INT(mm, 3);
}

TEST(safe_next) {
  CHECK_STR(web_safe_next("/org/1?a=b"), "/org/1?a=b");
  CHECK(web_safe_next("//evil.example") == NULL);
  CHECK(web_safe_next("/\\evil.example") == NULL);
  CHECK(web_safe_next("https://evil.example/") == NULL);
  CHECK(web_safe_next("/a b") == NULL);
  CHECK(web_safe_next("/a\r\nX: y") == NULL);
  CHECK(web_safe_next(NULL) == NULL);
  CHECK(web_safe_next("") == NULL);
}

int main(void) {
  web_register_routes(table);
  RUN(matches_and_captures);
  RUN(rejects_bad_ids_and_shapes);
  RUN(method_mismatch);
  RUN(safe_next);
  return TEST_DONE();
}
