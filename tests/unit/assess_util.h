/* assess_util.h — helpers shared by the assess unit tests: paths under the
 * source tree (VARDE_SOURCE_ROOT from Meson) and loading a framework quietly. */
#ifndef VARDE_TEST_ASSESS_UTIL_H
#define VARDE_TEST_ASSESS_UTIL_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/framework.h"

__attribute__((unused)) static const char *t_root(void) {
  const char *r = getenv("VARDE_SOURCE_ROOT");
  return r && *r ? r : ".";
}

/* Path of rel under the source root, in a rotating static buffer (tests only). */
__attribute__((unused)) static const char *t_path(const char *rel) {
  static char bufs[4][1024];
  static int k;
  char *b = bufs[k++ & 3];
  snprintf(b, 1024, "%s/%s", t_root(), rel);
  return b;
}

/* Loads a framework; diagnostics stay in d (caller frees them). */
__attribute__((unused)) static AssessFramework *t_load(const char *rel, AssessDiags *d) {
  assess_diags_init(d, rel);
  return assess_framework_load(t_path(rel), d);
}

__attribute__((unused)) static AssessFramework *t_parse(const char *yaml, AssessDiags *d) {
  assess_diags_init(d, "inline");
  return assess_framework_parse(yaml, strlen(yaml), d);
}

#endif
