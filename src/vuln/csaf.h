/* csaf.h — CSAF 2.0 checks: required fields and the mandatory tests of
 * CSAF 2.0 §6.1 that can be checked cheaply (list in README.md). */
#ifndef VARDE_VULN_CSAF_H
#define VARDE_VULN_CSAF_H
#include <jansson.h>
#include <stddef.h>

/* 0 if doc passes; otherwise -1 with every failure, "; "-separated, as
 * "6.1.x <name>: <detail> at <path>" (or "required: ...") in msg. lenient skips 6.1.31 (a range written as a
 * product_version): CISA publishes "vers:all/" + "*" there in 177 advisories, and
 * the matcher evaluates such names as ranges anyway. */
int vuln_csaf_check(json_t *doc, int lenient, char *msg, size_t cap);

/* The mandatory test ids vuln_csaf_check implements, NULL-terminated. */
extern const char *const vuln_csaf_tests[];

#endif
