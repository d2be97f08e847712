/* fwread.h — typed access to YAML values for the framework reader: each getter
 * checks the type and reports a wrong one with its line. Internal to src/assess. */
#ifndef VARDE_ASSESS_FWREAD_H
#define VARDE_ASSESS_FWREAD_H
#include "assess/framework.h"
#include "assess/ytree.h"

typedef struct AssessRd {
  AssessFramework *fw;
  AssessDiags *d;
  Arena *a;
  int ca;        /* reading CISO Assistant's layout */
} AssessRd;

/* Each returns 0 if y was absent/null (out untouched), 1 if read, -1 on a type error. */
int assess_rd_str(AssessRd *r, const AssessY *y, const char *key, const char **out);
int assess_rd_int(AssessRd *r, const AssessY *y, const char *key, long long lo, long long hi,
                  long long *out);
int assess_rd_num(AssessRd *r, const AssessY *y, const char *key, double *out);
int assess_rd_bool(AssessRd *r, const AssessY *y, const char *key, int *out);
/* Warns about unknown keys and reports non-text and repeated keys as errors.
 * allowed is NULL-terminated. Returns -1 if m is not a map. */
int assess_rd_keys(AssessRd *r, const AssessY *m, const char *const *allowed, const char *what);
/* Reads a `translations:` map {lang: {name:, description:}}. */
int assess_rd_translations(AssessRd *r, const AssessY *y, AssessTr **out, size_t *n);

#endif
