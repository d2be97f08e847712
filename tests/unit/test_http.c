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

#define MP_CT "multipart/form-data; boundary=----xYz"
static const char mp_body[] =
    "preamble ignored\r\n"
    "------xYz\r\n"
    "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
    "tok\r\n"
    "------xYz\r\n"
    "Content-Disposition: form-data; name=\"evidence\"; filename=\"C:\\\\docs\\\\plan \\\"v2\\\".pdf\"\r\n"
    "Content-Type: application/pdf\r\n\r\n"
    "%PDF\0bin\r\n--not-a-delimiter\r\n"
    "------xYz\r\n"
    "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
    "Content-Type: application/octet-stream\r\n\r\n"
    "\r\n"
    "------xYz\r\n"
    "Content-Disposition: form-data; name=\"comment\"; filename=\"%22a%22.txt\"\r\n\r\n"
    "x\r\n"
    "------xYz\r\n"
    "Content-Disposition: form-data; name=\"comment\"\r\n\r\n"
    "linje 1\r\nlinje 2 – ø\r\n"
    "------xYz--\r\nepilogue";

TEST(multipart) {
  Arena *a = arena_new(0);
  HttpParams f;
  HttpFiles fs;
  CHECK_INT(http_parse_multipart(a, MP_CT, mp_body, sizeof mp_body - 1, &f, &fs), 0);
  CHECK_INT(f.n, 2);
  CHECK_STR(http_param(&f, "csrf"), "tok");
  CHECK_STR(http_param(&f, "comment"), "linje 1\r\nlinje 2 – ø");
  CHECK_INT(fs.n, 2);   /* the empty file input is skipped */
  if (fs.n == 2) CHECK_STR(fs.v[1].filename, "\"a\".txt");
  if (fs.n >= 1) {
    CHECK_STR(fs.v[0].field, "evidence");
    CHECK_STR(fs.v[0].filename, "plan \"v2\".pdf");
    CHECK_STR(fs.v[0].content_type, "application/pdf");
    CHECK_INT(fs.v[0].len, 27);
    CHECK(fs.v[0].len == 27 && !memcmp(fs.v[0].data, "%PDF\0bin\r\n--not-a-delimiter", 27));
  }
  /* quoted boundary, body starting with the delimiter */
  const char *q = "--a b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b--";
  CHECK_INT(http_parse_multipart(a, "multipart/form-data; boundary=\"a b\"", q, strlen(q), &f, &fs), 0);
  CHECK_STR(http_param(&f, "x"), "1");
  arena_free(a);
}

TEST(multipart_bad) {
  Arena *a = arena_new(0);
  HttpParams f;
  HttpFiles fs;
  static const char *const bodies[] = {
      "",                                                       /* no delimiter */
      "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1",  /* no closing delimiter */
      "--b\r\nContent-Disposition: attachment; name=x\r\n\r\n1\r\n--b--",
      "--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--",   /* no name */
      "--b\r\nContent-Disposition: form-data; name=\"x\r\n\r\n1\r\n--b--",
      "--b\r\nno colon\r\n\r\n1\r\n--b--",
      "--bX\r\n",
  };
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
    CHECK_INT(http_parse_multipart(a, "multipart/form-data; boundary=b", bodies[i],
                                   strlen(bodies[i]), &f, &fs), -1);
  static const char nul[] = "--b\r\nContent-Disposition: form-data; name=x\r\n\r\na\0b\r\n--b--";
  CHECK_INT(http_parse_multipart(a, "multipart/form-data; boundary=b", nul, sizeof nul - 1, &f, &fs), -1);
  const char *ok = "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--";
  CHECK_INT(http_parse_multipart(a, "multipart/form-data", ok, strlen(ok), &f, &fs), -1);
  CHECK_INT(http_parse_multipart(a, "multipart/form-data; boundary=", ok, strlen(ok), &f, &fs), -1);
  CHECK_INT(http_parse_multipart(a, "text/plain; boundary=b", ok, strlen(ok), &f, &fs), -1);
  /* too many files */
  Buf b;
  buf_init(&b, 1 << 20);
  for (int i = 0; i <= HTTP_MAX_FILES; i++)
    buf_printf(&b, "--b\r\nContent-Disposition: form-data; name=f; filename=a%d\r\n\r\nx\r\n", i);
  buf_puts(&b, "--b--");
  CHECK_INT(http_parse_multipart(a, "multipart/form-data; boundary=b", b.p, b.n, &f, &fs), -1);
  buf_free(&b);
  arena_free(a);
}

TEST(dispatch_multipart) {
  HttpConfig cfg = {.handler = echo};
  Arena *a = arena_new(0);
  const char *body = "--b\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n--b--\r\n";
  HttpReq q = {.arena = a, .method = "POST", .raw_uri = "/u?q=1", .content_type =
               "multipart/form-data; boundary=b", .body = body, .body_len = strlen(body)};
  HttpResp r;
  http_resp_init(&r);
  http_dispatch(&cfg, &q, &r);
  CHECK_STR(buf_cstr(&r.body), "/u|1|v");
  http_resp_free(&r);
  HttpReq bad = q;
  bad.body = "--b\r\nbroken";
  bad.body_len = strlen(bad.body);
  memset(&bad.form, 0, sizeof bad.form);
  http_resp_init(&r);
  http_dispatch(&cfg, &bad, &r);
  CHECK_INT(r.status, 400);
  http_resp_free(&r);
  arena_free(a);
}

int main(void) {
  RUN(decode);
  RUN(form);
  RUN(form_limit);
  RUN(cookies);
  RUN(content_type);
  RUN(dispatch);
  RUN(multipart);
  RUN(multipart_bad);
  RUN(dispatch_multipart);
  return TEST_DONE();
}
