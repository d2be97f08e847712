/* output.h — the three output formats of `varde scan`: JSON lines (the
 * stable interchange format, schema 1), CSV and a readable table. */
#ifndef VARDE_SCAN_OUTPUT_H
#define VARDE_SCAN_OUTPUT_H
#include <stdio.h>

#include "scan/scan.h"

void scan_write_json(FILE *f, const ScanReport *r);
void scan_write_csv(FILE *f, const ScanReport *r);
void scan_write_table(FILE *f, const ScanReport *r);

#endif
