/* fuzz_scan_report.c — libFuzzer target for the JSON-lines report reader
 * behind `varde scan --diff` (and, later, sensor uploads): src/scan/diff.c. */
#include <stddef.h>
#include <stdint.h>

#include "scan/diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ScanSnap a = {0}, b = {0};
  ScanDiff d = {0};
  Err e;
  size_t half = size / 2;   /* two reports from one input: diff them */
  scan_snap_parse(&a, (const char *)data, half, &e);
  scan_snap_parse(&b, (const char *)data + half, size - half, &e);
  scan_diff(&a, &b, &d);
  scan_diff_free(&d);
  scan_snap_free(&a);
  scan_snap_free(&b);
  return 0;
}
