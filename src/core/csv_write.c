/* csv_write.c — the CSV writer of csv.h: quotes only where needed, CRLF rows,
 * optional BOM and a guard against spreadsheet formula injection. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/csv.h"

void csv_writer_init(CsvWriter *w, Buf *out, char sep, int flags) {
  w->out = out;
  w->sep = sep ? sep : ',';
  w->flags = flags;
  w->col = 0;
  if (flags & CSV_BOM) buf_lit(out, "\xEF\xBB\xBF");
}

static int needs_quotes(const char *s, char sep) {
  for (; *s; s++)
    if (*s == sep || *s == '"' || *s == '\r' || *s == '\n') return 1;
  return 0;
}

static int formula_start(const char *s) {
  return *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
}

static void put_sep(CsvWriter *w) {
  if (w->col++) buf_putc(w->out, w->sep);
}

void csv_field(CsvWriter *w, const char *s) {
  put_sep(w);
  if (!s) return;
  int guard = (w->flags & CSV_FORMULA_GUARD) && formula_start(s);
  if (!guard && !needs_quotes(s, w->sep)) {
    buf_puts(w->out, s);
    return;
  }
  buf_putc(w->out, '"');
  if (guard) buf_putc(w->out, '\'');
  for (const char *q = s; *q; q++) {
    if (*q == '"') buf_putc(w->out, '"');
    buf_putc(w->out, *q);
  }
  buf_putc(w->out, '"');
}

void csv_field_int(CsvWriter *w, int64_t v) {
  put_sep(w);
  buf_printf(w->out, "%" PRId64, v);
}

void csv_end_row(CsvWriter *w) {
  if (w->flags & CSV_LF) buf_putc(w->out, '\n');
  else buf_lit(w->out, "\r\n");
  w->col = 0;
}
