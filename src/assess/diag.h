/* diag.h — diagnostics collected while reading a framework or a CSV file:
 * each names the file, the line (or CSV row) and the problem, as error or warning. */
#ifndef VARDE_ASSESS_DIAG_H
#define VARDE_ASSESS_DIAG_H
#include <stdio.h>

enum { ASSESS_ERROR = 1, ASSESS_WARNING = 2 };
#define ASSESS_DIAG_MAX 500 /* further diagnostics are counted, not stored */

typedef struct AssessDiag {
  int severity;   /* ASSESS_ERROR or ASSESS_WARNING */
  int line;       /* 1-based line in the file; 0 = whole file */
  char *msg;      /* Norwegian, malloc'ed */
} AssessDiag;

typedef struct AssessDiags {
  const char *file;     /* name shown in messages; not owned */
  const char *unit;     /* "linje" (default) or "rad" for CSV rows */
  AssessDiag *v;
  size_t n, cap;
  int nerr, nwarn;      /* totals, including those past ASSESS_DIAG_MAX */
} AssessDiags;

void assess_diags_init(AssessDiags *d, const char *file);
void assess_diags_free(AssessDiags *d);
void assess_diag_add(AssessDiags *d, int severity, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define assess_err(d, line, ...) assess_diag_add((d), ASSESS_ERROR, (line), __VA_ARGS__)
#define assess_warn(d, line, ...) assess_diag_add((d), ASSESS_WARNING, (line), __VA_ARGS__)
/* Writes "FILE:LINE: feil: …" lines, one per diagnostic, in the order found. */
void assess_diags_print(const AssessDiags *d, FILE *f);
/* Finds the first diagnostic whose message contains needle (tests, tooling). */
const AssessDiag *assess_diags_find(const AssessDiags *d, const char *needle);

#endif
