/* fuzz_csv.c — libFuzzer target for the CSV reader (src/core/csv.h): every
 * input must end in rows or a clean error, never a crash or a leak. The first
 * byte picks separator and bounds so small limits are exercised too. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const char seps[] = {0, ',', ';', '\t'};
  CsvOptions o = {.sep = seps[data[0] & 3], .max_field = (data[0] & 4) ? 8 : 0,
                  .max_fields = (data[0] & 8) ? 4 : 0};
  CsvReader r;
  CsvRow row;
  Err e = {0};
  if (csv_reader_init(&r, (const char *)data + 1, size - 1, &o, &e)) return 0;
  size_t total = 0;
  while (csv_read_row(&r, &row, &e) == 1) {
    for (size_t i = 0; i < row.n; i++) total += strlen(row.fields[i]);
    if (row.n == 0) __builtin_trap(); /* a returned row always has a field */
  }
  csv_reader_free(&r);
  /* Writing any field and reading it back must give the same text. */
  Buf out;
  buf_init(&out, 1 << 20);
  CsvWriter w;
  char tmp[64];
  size_t n = size - 1 < sizeof tmp - 1 ? size - 1 : sizeof tmp - 1;
  memcpy(tmp, data + 1, n);
  tmp[n] = '\0';
  csv_writer_init(&w, &out, ';', 0);
  csv_field(&w, tmp);
  csv_end_row(&w);
  CsvOptions ro = {.sep = ';'};
  if (!csv_reader_init(&r, out.p, out.n, &ro, &e)) {
    int got = csv_read_row(&r, &row, &e);
    /* A field of only line breaks reads back as a blank line (skipped), and
     * non-UTF-8 bytes are re-read as Windows-1252: compare only clean text. */
    if (got == 1 && !r.was_cp1252 && strncmp(tmp, "\xEF\xBB\xBF", 3) != 0 && strlen(tmp) == n && strspn(tmp, "\r\n") != n && tmp[0] != '\0' &&
        strcmp(row.fields[0], tmp) != 0)
      __builtin_trap();
    csv_reader_free(&r);
  }
  buf_free(&out);
  (void)total;
  return 0;
}
