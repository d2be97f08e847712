/* test_multipart.c — multipart/form-data bodies as browsers send them: text
 * fields into the form, files with name and content type, quoted and
 * unquoted boundaries, and every malformed shape refused. */
#include <stdlib.h>

#include "http/http.h"
#include "test.h"

static Arena *a;

/* http_file looks in a request; these tests hold only the parsed files. */
static const HttpFile *file_of(const HttpFiles *files, const char *field) {
  HttpReq r = {0};
  r.files = *files;
  return http_file(&r, field);
}

static int parse(const char *ct, const char *body, HttpParams *f, HttpFiles *files) {
  return http_parse_multipart(a, ct, body, strlen(body), f, files);
}

TEST(browser_form_with_file) {
  const char *body =
      "------WebKitFormBoundaryX\r\n"
      "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
      "tok123\r\n"
      "------WebKitFormBoundaryX\r\n"
      "Content-Disposition: form-data; name=\"fil\"; filename=\"inventar.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\n"
      "type;navn\r\ntjeneste;Skole\r\n\r\n"
      "------WebKitFormBoundaryX\r\n"
      "Content-Disposition: form-data; name=\"prov\"\r\n\r\n"
      "1\r\n"
      "------WebKitFormBoundaryX--\r\n";
  HttpParams f;
  HttpFiles files;
  CHECK_INT(parse("multipart/form-data; boundary=----WebKitFormBoundaryX", body, &f, &files), 0);
  CHECK_INT(f.n, 2);
  CHECK_STR(http_param(&f, "csrf"), "tok123");
  CHECK_STR(http_param(&f, "prov"), "1");
  CHECK_INT(files.n, 1);
  const HttpFile *x = file_of(&files, "fil");
  CHECK(x != NULL);
  if (!x) return;
  CHECK_STR(x->filename, "inventar.csv");
  CHECK_STR(x->content_type, "text/csv");
  CHECK_INT(x->len, strlen("type;navn\r\ntjeneste;Skole\r\n"));
  CHECK(!memcmp(x->data, "type;navn\r\ntjeneste;Skole\r\n", x->len));
  CHECK(file_of(&files, "annet") == NULL);
}

TEST(quoted_boundary_preamble_and_binary) {
  const char body[] = "preamble to ignore\r\n--b:1\r\nContent-Disposition: form-data; name=f; filename=\"x.bin\"\r\n\r\n"
                      "a\0b\r\n--b:1--";
  HttpParams f;
  HttpFiles files;
  CHECK_INT(http_parse_multipart(a, "multipart/form-data; boundary=\"b:1\"", body, sizeof body - 1, &f, &files), 0);
  CHECK_INT(files.n, 1);
  CHECK_INT(files.v[0].len, 3);
  CHECK(files.n && !memcmp(files.v[0].data, "a\0b", 3));
  CHECK_STR(files.v[0].field, "f");
}

TEST(empty_file_and_empty_field) {
  const char *body = "--B\r\nContent-Disposition: form-data; name=\"fil\"; filename=\"\"\r\n"
                     "Content-Type: application/octet-stream\r\n\r\n\r\n--B\r\n"
                     "Content-Disposition: form-data; name=\"innhold\"\r\n\r\n\r\n--B--\r\n";
  HttpParams f;
  HttpFiles files;
  CHECK_INT(parse("multipart/form-data; boundary=B", body, &f, &files), 0);
  CHECK_INT(files.n, 0);  /* a file input with nothing chosen is not a file */
  CHECK_STR(http_param(&f, "innhold"), "");
}

TEST(malformed_is_refused) {
  HttpParams f;
  HttpFiles files;
  const char *ok = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--";
  CHECK_INT(parse("multipart/form-data", ok, &f, &files), -1);                      /* no boundary */
  CHECK_INT(parse("multipart/form-data; boundary=", ok, &f, &files), -1);
  CHECK_INT(parse("multipart/form-data; boundary=C", ok, &f, &files), -1);         /* wrong boundary */
  CHECK_INT(parse("multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",
                  &f, &files), -1);                                                  /* not closed */
  CHECK_INT(parse("multipart/form-data; boundary=B", "--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--B--",
                  &f, &files), -1);
  CHECK_INT(parse("multipart/form-data; boundary=B", "--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--", &f, &files), -1);
  CHECK_INT(parse("multipart/form-data; boundary=B", "--B\r\nno colon here\r\n\r\nx\r\n--B--", &f, &files), -1);
  CHECK_INT(parse("multipart/form-data; boundary=B", "--Bjunk\r\n", &f, &files), -1);
  const char nul[] = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\0y\r\n--B--";
  CHECK_INT(http_parse_multipart(a, "multipart/form-data; boundary=B", nul, sizeof nul - 1, &f, &files), -1);
  char longb[100];
  memset(longb, 'x', sizeof longb);
  memcpy(longb, "multipart/form-data; boundary=", 30);
  longb[99] = '\0';
  CHECK_INT(parse(longb, ok, &f, &files), -1);                                      /* boundary > 70 */
}

TEST(part_count_is_bounded) {
  Buf b;
  buf_init(&b, 1 << 20);
  for (int i = 0; i < HTTP_MAX_PARAMS + 1; i++) buf_printf(&b, "--B\r\nContent-Disposition: form-data; name=\"p%d\"\r\n\r\nv\r\n", i);
  buf_puts(&b, "--B--");
  HttpParams f;
  HttpFiles files;
  CHECK_INT(http_parse_multipart(a, "multipart/form-data; boundary=B", b.p, b.n, &f, &files), -1);
  buf_free(&b);
}

int main(void) {
  a = arena_new(0);
  RUN(browser_form_with_file);
  RUN(quoted_boundary_preamble_and_binary);
  RUN(empty_file_and_empty_field);
  RUN(malformed_is_refused);
  RUN(part_count_is_bounded);
  arena_free(a);
  return TEST_DONE();
}
