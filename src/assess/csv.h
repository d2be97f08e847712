/* csv.h — a small CSV reader for measure imports: ';' ',' or TAB separator
 * (detected from the header, or an Excel "sep=" line), UTF-8 with or without BOM,
 * RFC 4180 quoting.
 * Self-contained so it can be swapped for a shared core CSV reader later. */
#ifndef VARDE_ASSESS_CSV_H
#define VARDE_ASSESS_CSV_H
#include <stddef.h>

#include "assess/diag.h"
#include "core/arena.h"

#define ASSESS_CSV_MAX_BYTES ((size_t)32 << 20)
#define ASSESS_CSV_MAX_ROWS 200000
#define ASSESS_CSV_MAX_FIELDS 256
#define ASSESS_CSV_MAX_FIELD ((size_t)64 << 10)

typedef struct AssessCsvRow {
  int line;        /* physical line where the record starts (1-based) */
  size_t nf;
  char **f;        /* fields, NUL-terminated */
} AssessCsvRow;

typedef struct AssessCsv {
  Arena *a;
  AssessCsvRow *rows;   /* rows[0] is the header when the file has one */
  size_t nrows, cap;
  char sep;
  int bom;              /* the file started with a UTF-8 BOM */
} AssessCsv;

/* Parses data; blank lines are skipped. Invalid UTF-8, an unterminated
 * quote or an oversize field is an error with its line in d; returns 0 or -1. */
int assess_csv_parse(const char *data, size_t n, AssessCsv *out, AssessDiags *d);
void assess_csv_free(AssessCsv *c);

#endif
