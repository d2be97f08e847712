/* test_html.c — the escaping formatter: every %s escaped for text and
 * attributes, integers formatted, unsupported conversions refused. */
#include "html/html.h"
#include "test.h"

TEST(escapes_all_five) {
  Buf b;
  buf_init(&b, 0);
  html_printf(&b, "<p title=\"%s\">%s</p>", "a\"b'c", "<script>&</script>");
  CHECK_STR(buf_cstr(&b), "<p title=\"a&quot;b&#39;c\">&lt;script&gt;&amp;&lt;/script&gt;</p>");
  buf_free(&b);
}

TEST(integers_and_percent) {
  Buf b;
  buf_init(&b, 0);
  html_printf(&b, "%d|%lld|%zu|%u|%ld|100%%", -5, 1234567890123LL, (size_t)7, 3u, -9L);
  CHECK_STR(buf_cstr(&b), "-5|1234567890123|7|3|-9|100%");
  buf_free(&b);
}

TEST(null_string_prints_nothing) {
  Buf b;
  buf_init(&b, 0);
  const char *volatile none = NULL;
  html_printf(&b, "[%s]", none);
  CHECK_STR(buf_cstr(&b), "[]");
  buf_free(&b);
}

TEST(unsupported_conversion_is_an_error) {
  Buf b;
  buf_init(&b, 0);
  CHECK(html_printf(&b, "%c", 'x') != 0);
  CHECK(b.err != 0);
  buf_free(&b);
}

TEST(invalid_utf8_and_controls) {
  Buf b;
  buf_init(&b, 0);
  html_escape(&b, "a\xff" "b\x01" "cæ\xe2\x82", 9);
  CHECK_STR(buf_cstr(&b), "a\xEF\xBF\xBD" "bcæ\xEF\xBF\xBD\xEF\xBF\xBD");
  buf_free(&b);
}

TEST(raw_literal_and_urlenc) {
  Buf b;
  buf_init(&b, 0);
  html_raw(&b, "<br>");
  html_urlenc(&b, "a b/ø&");
  CHECK_STR(buf_cstr(&b), "<br>a%20b%2F%C3%B8%26");
  buf_free(&b);
}

int main(void) {
  RUN(escapes_all_five);
  RUN(integers_and_percent);
  RUN(null_string_prints_nothing);
  RUN(unsupported_conversion_is_an_error);
  RUN(invalid_utf8_and_controls);
  RUN(raw_literal_and_urlenc);
  return TEST_DONE();
}
