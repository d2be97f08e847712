/* bench.c — comparing one organisation with a group: mean, median, quartiles
 * and percentile rank, refused for groups under ASSESS_MIN_GROUP members. */
#include "assess/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int check_group(const double *v, size_t n, Err *e) {
  if (n < ASSESS_MIN_GROUP)
    return err_set(e, VERR_DENIED,
                   "gruppen har %zu medlemmer; sammenligning vises bare for grupper på minst %d",
                   n, ASSESS_MIN_GROUP);
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i])) return err_set(e, VERR_INVALID, "ugyldig verdi i gruppen");
  return 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Linear interpolation between closest ranks (same as R type 7 / numpy). */
static double quantile(const double *s, size_t n, double q) {
  double h = (double)(n - 1) * q;
  size_t lo = (size_t)floor(h);
  if (lo + 1 >= n) return s[n - 1];
  return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

int assess_group_stats(const double *v, size_t n, AssessGroupStats *out, Err *e) {
  memset(out, 0, sizeof *out);
  int rc = check_group(v, n, e);
  if (rc) return rc;
  double *s = malloc(n * sizeof *s);
  if (!s) return err_set(e, VERR_NOMEM, "tomt for minne");
  memcpy(s, v, n * sizeof *s);
  qsort(s, n, sizeof *s, cmp_double);
  double sum = 0;
  for (size_t i = 0; i < n; i++) sum += s[i];
  out->n = n;
  out->mean = sum / (double)n;
  out->median = quantile(s, n, 0.5);
  out->p25 = quantile(s, n, 0.25);
  out->p75 = quantile(s, n, 0.75);
  free(s);
  return 0;
}

int assess_group_rank(const double *v, size_t n, double x, double *pct, Err *e) {
  *pct = 0;
  int rc = check_group(v, n, e);
  if (rc) return rc;
  if (!isfinite(x)) return err_set(e, VERR_INVALID, "ugyldig verdi");
  double below = 0, equal = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i] < x) below++;
    else if (v[i] == x) equal++;
  }
  *pct = 100.0 * (below + equal / 2) / (double)n;
  return 0;
}

int assess_group_histogram(const int *levels, size_t n, int min, int max, size_t *counts, Err *e) {
  if (n < ASSESS_MIN_GROUP)
    return err_set(e, VERR_DENIED,
                   "gruppen har %zu svar; fordelingen vises bare for grupper på minst %d", n,
                   ASSESS_MIN_GROUP);
  if (max < min) return err_set(e, VERR_INVALID, "ugyldig skala");
  memset(counts, 0, (size_t)(max - min + 1) * sizeof *counts);
  for (size_t i = 0; i < n; i++) {
    if (levels[i] < min || levels[i] > max) {
      memset(counts, 0, (size_t)(max - min + 1) * sizeof *counts);
      return err_set(e, VERR_INVALID, "nivå %d ligger utenfor skalaen %d–%d", levels[i], min, max);
    }
    counts[levels[i] - min]++;
  }
  return 0;
}

const AssessBand assess_pop_bands[] = {
  {0, 2999, "under 3 000 innbyggere"},
  {3000, 4999, "3 000–4 999 innbyggere"},
  {5000, 9999, "5 000–9 999 innbyggere"},
  {10000, 19999, "10 000–19 999 innbyggere"},
  {20000, 49999, "20 000–49 999 innbyggere"},
  {50000, -1, "50 000 innbyggere eller flere"},
};
const size_t assess_pop_nbands = sizeof assess_pop_bands / sizeof assess_pop_bands[0];

int assess_pop_band(long long population) {
  for (size_t i = 0; i < assess_pop_nbands; i++)
    if (population >= assess_pop_bands[i].min &&
        (assess_pop_bands[i].max < 0 || population <= assess_pop_bands[i].max))
      return (int)i;
  return -1;
}
