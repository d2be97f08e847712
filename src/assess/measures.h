/* measures.h — extends a framework with measures read from a CSV file (e.g.
 * NSM's measure spreadsheet saved as CSV), as child nodes under their principle. */
#ifndef VARDE_ASSESS_MEASURES_H
#define VARDE_ASSESS_MEASURES_H
#include "assess/framework.h"

typedef struct AssessCsvStats {
  size_t rows;      /* data rows read (header excluded) */
  size_t added;     /* nodes added (0 when any row had an error) */
  char sep;         /* separator found */
  int bom;
} AssessCsvStats;

/* Reads the CSV, checks every row (diagnostics name the row), and only when
 * no row has an error adds all measures at once; nothing is half-imported.
 * label names the file in each new node's `source`. Returns 0 or -1. */
int assess_measures_import(AssessFramework *fw, const char *data, size_t n, const char *label,
                           AssessDiags *d, AssessCsvStats *st);

#endif
