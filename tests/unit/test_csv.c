/* test_csv.c — the CSV reader and writer: RFC 4180 quoting, the Norwegian
 * Excel dialect (BOM, `;`, CRLF, Windows-1252), bounds and error positions. */
#include <stdlib.h>

#include "core/csv.h"
#include "test.h"

/* Reads all rows of s and joins them as "a|b|c/..." for comparison. */
static int read_all(const char *s, size_t len, const CsvOptions *o, Buf *out, Err *e) {
  CsvReader r;
  CsvRow row;
  int rc = csv_reader_init(&r, s, len, o, e);
  if (rc) return rc;
  buf_reset(out);
  while ((rc = csv_read_row(&r, &row, e)) == 1) {
    for (size_t i = 0; i < row.n; i++) {
      if (i) buf_putc(out, '|');
      buf_puts(out, row.fields[i]);
    }
    buf_putc(out, '/');
  }
  csv_reader_free(&r);
  return rc;
}

#define READS(input, want)                                                   \
  do {                                                                       \
    Buf b_;                                                                  \
    Err e_ = {0};                                                            \
    buf_init(&b_, 0);                                                        \
    CHECK_INT(read_all((input), sizeof(input) - 1, NULL, &b_, &e_), 0);      \
    if (e_.code) fprintf(stderr, "  %s\n", e_.msg);                          \
    CHECK_STR(buf_cstr(&b_), (want));                                        \
    buf_free(&b_);                                                           \
  } while (0)

TEST(rfc4180_basics) {
  READS("a,b,c\r\n1,2,3\r\n", "a|b|c/1|2|3/");
  READS("a,b\n1,2", "a|b/1|2/");
  READS("\"x,y\",\"he said \"\"hi\"\"\"\r\n", "x,y|he said \"hi\"/");
  READS("\"multi\r\nline\",2\r\n", "multi\r\nline|2/");
  READS("a,,c,\r\n", "a||c|/");
  READS("\"\",x\n", "|x/");
  READS("a\r\rb\n\nc\n", "a/b/c/");    /* blank lines skipped, lone CR ends a row */
  READS("5\" disk,x\n", "5\" disk|x/"); /* a quote inside an unquoted field is text */
  READS("", "");
}

TEST(norwegian_excel_dialect) {
  READS("\xEF\xBB\xBFnavn;kommunenummer;innbyggere\r\nØstre Toten;3442;14800\r\n",
        "navn|kommunenummer|innbyggere/Østre Toten|3442|14800/");
  /* Windows-1252: Ø = 0xD8, å = 0xE5, € = 0x80 */
  READS("navn;pris\r\n\xD8stre Toten;10\x80\r\nV\xE5g\xE5;2\r\n", "navn|pris/Østre Toten|10€/Vågå|2/");
  READS("a,b;c\n", "a,b|c/");     /* detection: ; beats , on a tie */
  READS("\"a;b\",c,d\n", "a;b|c|d/"); /* separators inside quotes do not count */
}

static void expect_error(const char *input, size_t len, const CsvOptions *o, int code, const char *where) {
  Buf b;
  Err e = {0};
  buf_init(&b, 0);
  int rc = read_all(input, len, o, &b, &e);
  CHECK_INT(rc, code);
  if (where && !strstr(e.msg, where)) {
    CHECK(strstr(e.msg, where) != NULL);
    fprintf(stderr, "  message: %s\n", e.msg);
  }
  buf_free(&b);
}

TEST(errors_name_row_and_column) {
  expect_error("a,b\n1,\"open\n", 12, NULL, VERR_INVALID, "rad 2 (linje 2), kolonne 2");
  expect_error("a,b\nx,\"q\"z\n", 11, NULL, VERR_INVALID, "kolonne 2: uventet tegn");
  expect_error("a,b\nc,d\n\"x\",y\0z\n", 17, NULL, VERR_INVALID, "rad 3 (linje 3), kolonne 2: feltet inneholder et NUL");
  CsvOptions small = {.sep = ',', .max_field = 4, .max_fields = 3};
  expect_error("abcd,e\nabcde\n", 13, &small, VERR_TOOBIG, "rad 2 (linje 2), kolonne 1: feltet er for langt");
  expect_error("\"abcde\"\n", 8, &small, VERR_TOOBIG, "for langt");
  expect_error("a,b,c,d\n", 8, &small, VERR_TOOBIG, "kolonne 4: raden har for mange felt");
  expect_error("\xEF\xBB\xBF" "a\xFF\n", 6, NULL, VERR_INVALID, "UTF-8");
  CsvOptions badsep = {.sep = '|'};
  expect_error("a|b\n", 4, &badsep, VERR_INVALID, "skilletegn");
}

TEST(line_numbers_follow_quoted_newlines) {
  const char in[] = "h\n\"a\nb\nc\"\nx\n";
  CsvReader r;
  CsvRow row;
  Err e = {0};
  CHECK_INT(csv_reader_init(&r, in, sizeof in - 1, NULL, &e), 0);
  CHECK_INT(csv_read_row(&r, &row, &e), 1);
  CHECK_INT(row.line, 1);
  CHECK_INT(csv_read_row(&r, &row, &e), 1);
  CHECK_INT(row.line, 2);
  CHECK_INT(csv_read_row(&r, &row, &e), 1);
  CHECK_INT(row.line, 5);
  CHECK_INT(row.row, 3);
  CHECK_INT(csv_read_row(&r, &row, &e), 0);
  csv_reader_free(&r);
}

TEST(writer_round_trips) {
  const char *vals[] = {"plain", "with;semi", "with,comma", "quote\"d", "two\r\nlines", "", "=1+1", "-5", "Ø"};
  size_t nv = sizeof vals / sizeof vals[0];
  int dialects[] = {CSV_DIALECT_RFC, CSV_DIALECT_EXCEL_NO | CSV_LF};
  char seps[] = {',', ';'};
  for (int d = 0; d < 2; d++) {
    Buf out;
    buf_init(&out, 0);
    CsvWriter w;
    csv_writer_init(&w, &out, seps[d], dialects[d] & ~CSV_FORMULA_GUARD);
    for (size_t i = 0; i < nv; i++) csv_field(&w, vals[i]);
    csv_field_int(&w, -42);
    csv_end_row(&w);
    CsvReader r;
    CsvRow row;
    Err e = {0};
    CsvOptions o = {.sep = seps[d]};
    CHECK_INT(csv_reader_init(&r, out.p, out.n, &o, &e), 0);
    CHECK_INT(csv_read_row(&r, &row, &e), 1);
    CHECK_INT(row.n, nv + 1);
    for (size_t i = 0; i < nv && i < row.n; i++) CHECK_STR(row.fields[i], vals[i]);
    CHECK_STR(row.fields[nv], "-42");
    CHECK_INT(csv_read_row(&r, &row, &e), 0);
    csv_reader_free(&r);
    buf_free(&out);
  }
}

TEST(writer_guards_formulas) {
  Buf out;
  buf_init(&out, 0);
  CsvWriter w;
  csv_writer_init(&w, &out, ';', CSV_DIALECT_EXCEL_NO);
  csv_field(&w, "=cmd()");
  csv_field(&w, "@SUM(A1)");
  csv_field(&w, "ok");
  csv_field_int(&w, -3);
  csv_end_row(&w);
  CHECK_STR(buf_cstr(&out), "\xEF\xBB\xBF\"'=cmd()\";\"'@SUM(A1)\";ok;-3\r\n");
  buf_free(&out);
}

int main(void) {
  RUN(rfc4180_basics);
  RUN(norwegian_excel_dialect);
  RUN(errors_name_row_and_column);
  RUN(line_numbers_follow_quoted_newlines);
  RUN(writer_round_trips);
  RUN(writer_guards_formulas);
  return TEST_DONE();
}
