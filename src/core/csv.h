/* csv.h — CSV in and out: RFC 4180 and the dialect Norwegian Excel writes
 * and reads (`;` separator, UTF-8 byte-order mark, CRLF). Bounded: a field
 * and a row have maximum sizes, and errors name the row and column.
 *
 * Reading is lenient where real files need it and strict where data could be
 * misread: LF, CRLF or a lone CR end a row; blank lines are skipped; a quote
 * inside an unquoted field is kept as text; but an unclosed quoted field,
 * text after a closing quote, a NUL byte or an oversize field is an error.
 * Input that is not valid UTF-8 (and has no BOM) is taken as Windows-1252 —
 * what Excel's plain "CSV (semikolonseparert)" saves — and converted. */
#ifndef VARDE_CORE_CSV_H
#define VARDE_CORE_CSV_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define CSV_FIELD_MAX_DEFAULT ((size_t)64 << 10)
#define CSV_FIELDS_MAX_DEFAULT 1024
#define CSV_INPUT_MAX ((size_t)256 << 20)

typedef struct CsvOptions {
  char sep;           /* ',', ';' or '\t'; 0 = detect from the first row */
  size_t max_field;   /* bytes per field; 0 = CSV_FIELD_MAX_DEFAULT */
  size_t max_fields;  /* fields per row; 0 = CSV_FIELDS_MAX_DEFAULT */
} CsvOptions;

typedef struct CsvReader {
  const char *p, *end;   /* remaining input */
  char *owned;           /* converted copy (Windows-1252 input), or NULL */
  CsvOptions o;
  size_t row;            /* 1-based number of the last row returned */
  size_t line;           /* 1-based physical line where the next row starts */
  Buf data;              /* the current row's fields, NUL-separated */
  size_t *offs;          /* field start offsets into data */
  const char **fields;   /* pointers handed out in CsvRow */
  size_t cap;
  int was_cp1252;        /* 1 if the input was converted */
} CsvReader;

typedef struct CsvRow {
  size_t n;              /* number of fields */
  const char **fields;   /* NUL-terminated; valid until the next read */
  size_t row, line;      /* 1-based row number and its first physical line */
} CsvRow;

/* Prepares to read data[0..len). Strips a UTF-8 BOM. Does not copy the data
 * unless it must convert it; the data must outlive the reader. */
int csv_reader_init(CsvReader *r, const char *data, size_t len, const CsvOptions *o, Err *e);
/* 1 and the next row, 0 at the end, or a negative VERR_* with a Norwegian
 * message naming row, line and column. After an error, stop reading. */
int csv_read_row(CsvReader *r, CsvRow *row, Err *e);
void csv_reader_free(CsvReader *r);
char csv_reader_sep(const CsvReader *r);

/* ---- writing ---- */
enum {
  CSV_BOM = 1,            /* start with a UTF-8 byte-order mark */
  CSV_LF = 2,             /* end rows with LF instead of RFC 4180's CRLF */
  CSV_FORMULA_GUARD = 4,  /* prefix ' to text starting with = + - @ TAB CR */
};
#define CSV_DIALECT_RFC 0
#define CSV_DIALECT_EXCEL_NO (CSV_BOM | CSV_FORMULA_GUARD)

typedef struct CsvWriter {
  Buf *out;
  char sep;
  int flags;
  int col;                /* fields written in the current row */
} CsvWriter;

/* Writes the BOM at once if flags has CSV_BOM. sep: ',' or ';' (or '\t'). */
void csv_writer_init(CsvWriter *w, Buf *out, char sep, int flags);
void csv_field(CsvWriter *w, const char *s);          /* NULL = empty */
void csv_field_int(CsvWriter *w, int64_t v);          /* numbers are never guarded */
void csv_end_row(CsvWriter *w);
/* Errors are sticky on the Buf (out->err). */

#endif
