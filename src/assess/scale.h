/* scale.h — answer scales: Varde's own maturity scale 0–5 (NSM publishes none),
 * the yes/partly/no checklist scale, and custom scales read from a framework. */
#ifndef VARDE_ASSESS_SCALE_H
#define VARDE_ASSESS_SCALE_H
#include <stddef.h>

typedef struct AssessLevel {
  int score;
  const char *name;         /* short Norwegian name, e.g. "Definert" */
  const char *description;  /* one line: what this level means */
} AssessLevel;

typedef struct AssessScale {
  const char *id;           /* "varde-modenhet", "varde-sjekkliste", or NULL (custom) */
  const char *name;         /* shown as the scale's title */
  const char *note;         /* provenance shown with the scale, NULL if none */
  int min, max;
  const AssessLevel *levels;
  size_t nlevels;
} AssessScale;

/* Every answer may also be "ikke relevant" (not applicable); that is a flag on
 * the answer, never a score, so it is excluded from every roll-up. */
#define ASSESS_NA_NAME "Ikke relevant"

extern const AssessScale assess_scale_maturity;   /* id "varde-modenhet" */
extern const AssessScale assess_scale_checklist;  /* id "varde-sjekkliste" */

/* The built-in scale with this id, or NULL. */
const AssessScale *assess_scale_builtin(const char *id);
/* The level with this score, or NULL. */
const AssessLevel *assess_scale_level(const AssessScale *s, int score);
/* Score as a fraction of the scale: (score − min) / (max − min), in [0, 1]. */
double assess_scale_fraction(const AssessScale *s, int score);
/* Checks a custom scale: min < max, scores unique and within min..max, names
 * present. Returns NULL if fine, else a Norwegian message (static text). */
const char *assess_scale_check(const AssessScale *s);

#endif
