/* test_http.c — the request parsers (percent-decoding, forms, cookies) and
 * the dispatch step that turns raw parts into a request or a 400. */
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "test.h"

TEST(decode) {
  Arena *a = arena_new(0);
  CHECK_STR(http_url_decode(a, "a%20b+c", 7, 1), "a b c");
  CHECK_STR(http_url_decode(a, "a%20b+c", 7, 0), "a b+c");
  CHECK(http_url_decode(a, "%2", 2, 1) == NULL);
  CHECK(http_url_decode(a, "%zz", 3, 1) == NULL);
  CHECK(http_url_decode(a, "x%00y", 5, 1) == NULL);
  CHECK_STR(http_url_decode(a, "%C3%B8", 6, 1), "ø");
  arena_free(a);
}

TEST(form) {
  Arena *a = arena_new(0);
  HttpParams p;
  CHECK_INT(http_parse_form(a, "a=1&b=x+y&&c&d=%26", 18, &p), 0);
  CHECK_INT(p.n, 4);
  CHECK_STR(http_param(&p, "a"), "1");
  CHECK_STR(http_param(&p, "b"), "x y");
  CHECK_STR(http_param(&p, "c"), "");
  CHECK_STR(http_param(&p, "d"), "&");
  CHECK(http_param(&p, "e") == NULL);
  CHECK_INT(http_parse_form(a, "a=%G1", 5, &p), -1);
  arena_free(a);
}

TEST(form_limit) {
  Arena *a = arena_new(0);
  char s[HTTP_MAX_PARAMS * 4 + 8];
  size_t n = 0;
  for (int i = 0; i <= HTTP_MAX_PARAMS; i++) n += (size_t)sprintf(s + n, "a=&");
  HttpParams p;
  CHECK_INT(http_parse_form(a, s, n, &p), -1);
  arena_free(a);
}

TEST(cookies) {
  Arena *a = arena_new(0);
  HttpParams p;
  CHECK_INT(http_parse_cookies(a, "a=1; varde_session=abc-_; bad; =x; q=\"v\"; sp=a b", &p), 0);
  CHECK_STR(http_param(&p, "a"), "1");
  CHECK_STR(http_param(&p, "varde_session"), "abc-_");
  CHECK_STR(http_param(&p, "q"), "v");
  CHECK(http_param(&p, "sp") == NULL);
  CHECK(http_param(&p, "bad") == NULL);
  CHECK_INT(http_parse_cookies(a, NULL, &p), 0);
  CHECK_INT(p.n, 0);
  arena_free(a);
}

TEST(content_type) {
  CHECK(http_content_type_is("application/x-www-form-urlencoded; charset=utf-8",
                             "application/x-www-form-urlencoded"));
  CHECK(http_content_type_is("Application/JSON", "application/json"));
  CHECK(!http_content_type_is("application/jsonx", "application/json"));
  CHECK(!http_content_type_is(NULL, "application/json"));
}

static int handled;
static void echo(void *app, HttpReq *req, HttpResp *resp) {
  handled++;
  buf_printf(&resp->body, "%s|%s|%s", req->path, http_param(&req->query, "q"),
             http_param(&req->form, "f"));
}

TEST(dispatch) {
  HttpConfig cfg = {.handler = echo};
  Arena *a = arena_new(0);
  HttpReq q = {.arena = a, .method = "POST", .raw_uri = "/a%20b?q=1",
               .content_type = "application/x-www-form-urlencoded", .body = "f=2", .body_len = 3};
  HttpResp r;
  http_resp_init(&r);
  http_dispatch(&cfg, &q, &r);
  CHECK_INT(r.status, 200);
  CHECK_STR(buf_cstr(&r.body), "/a b|1|2");
  http_resp_free(&r);
  const char *bad[] = {"nope", "/%zz", "/x?a=%", "/%00"};
  for (size_t i = 0; i < 4; i++) {
    HttpReq b = {.arena = a, .method = "GET", .raw_uri = bad[i]};
    http_resp_init(&r);
    handled = 0;
    http_dispatch(&cfg, &b, &r);
    CHECK_INT(r.status, 400);
    CHECK_INT(handled, 0);
    http_resp_free(&r);
  }
  arena_free(a);
}

int main(void) {
  RUN(decode);
  RUN(form);
  RUN(form_limit);
  RUN(cookies);
  RUN(content_type);
  RUN(dispatch);
  return TEST_DONE();
}
