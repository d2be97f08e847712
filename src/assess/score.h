/* score.h — scoring of one organisation's answers to a framework: weighted
 * roll-up per category and framework, the gap list, and group benchmarks. */
#ifndef VARDE_ASSESS_SCORE_H
#define VARDE_ASSESS_SCORE_H
#include <stddef.h>

#include "assess/framework.h"
#include "core/err.h"

typedef struct AssessAnswer {  /* one per node, indexed like fw->nodes */
  int set;                     /* 1 if the item has been answered */
  int na;                      /* answered "ikke relevant" */
  int level;                   /* a score on fw->scale (ignored when na) */
  int target;                  /* the organisation's target, -1 = framework default */
} AssessAnswer;

typedef struct AssessNodeScore {
  double score;                /* fraction of the scale 0..1, or -1 = no score */
  int own;                     /* 1 if the score is the node's own answer */
  int answered, na, open;      /* assessable items in this branch, by state */
} AssessNodeScore;

typedef struct AssessScores {
  AssessNodeScore *node;       /* fw->nnodes entries (malloc'ed) */
  double total;                /* framework score as a fraction, or -1 */
  int answered, na, open;      /* over all assessable items */
} AssessScores;

/* The rule in words, for the UI ("slik regnes det ut") and doc/scoring.md. */
extern const char assess_score_rule_nb[];

/* Scores answers (fw->nnodes entries). Refuses a level outside the scale or an
 * answer on an item that is not assessable (VERR_INVALID, message names it). */
int assess_score(const AssessFramework *fw, const AssessAnswer *ans, AssessScores *out, Err *e);
void assess_scores_free(AssessScores *s);
/* Appends to out, in Norwegian, how node's score (node = -1: the framework
 * total) was computed from s: its own answer, or the weighted terms, e.g.
 * "Vektet snitt av underpunktene: (1 × 100 % + 3 × 0 %) / 4 = 25 % (1.2 av 5)."
 * followed by the answered / N/A / open counts. Returns 0 or -1. */
int assess_score_explain(const AssessFramework *fw, const AssessAnswer *ans,
                         const AssessScores *s, int node, Buf *out);
/* A fraction shown on the framework's own scale, e.g. 0.54 → 2.7 on 0–5. */
double assess_score_on_scale(const AssessFramework *fw, double fraction);
/* The target that applies to node i: the answer's, else the node's, else the
 * framework's default; -1 if none. */
int assess_target(const AssessFramework *fw, const AssessAnswer *ans, size_t i);

typedef struct AssessGap {
  int node;                    /* index into fw->nodes */
  int level, target;           /* on the framework's scale */
  int importance;              /* ASSESS_IMP_*, NONE counted as RECOMMENDED */
  double gap;                  /* (target − level) / (max − min), 0..1 */
  double priority;             /* gap × importance factor; the sort key */
} AssessGap;

/* Items answered below their target (N/A and unanswered items excluded),
 * sorted by priority descending, then importance, then ref_id. *out is
 * malloc'ed (may be NULL when *n == 0). */
int assess_gaps(const AssessFramework *fw, const AssessAnswer *ans, AssessGap **out, size_t *n,
                Err *e);

/* Benchmarks: aggregates over fewer than ASSESS_MIN_GROUP organisations are
 * never computed, so no single organisation's answer can be read out of them. */
#define ASSESS_MIN_GROUP 5
typedef struct AssessGroupStats {
  size_t n;
  double mean, median, p25, p75;   /* min and max are deliberately absent */
} AssessGroupStats;
/* VERR_DENIED when n < ASSESS_MIN_GROUP; values must be finite. */
int assess_group_stats(const double *v, size_t n, AssessGroupStats *out, Err *e);
/* Percentile rank of x in the group: share below x plus half the share equal
 * to x, as 0..100. VERR_DENIED when n < ASSESS_MIN_GROUP. */
int assess_group_rank(const double *v, size_t n, double x, double *pct, Err *e);

/* Distribution of answered levels in a group (counts has max − min + 1
 * slots, one per level). VERR_DENIED when n < ASSESS_MIN_GROUP; a level
 * outside min..max is VERR_INVALID. */
int assess_group_histogram(const int *levels, size_t n, int min, int max, size_t *counts, Err *e);

/* Population bands for "municipalities of similar size" (Varde's own bands,
 * chosen so every band has well over ASSESS_MIN_GROUP of the 357 municipalities). */
typedef struct AssessBand {
  long long min, max;          /* inclusive; max = -1 for no upper bound */
  const char *name;            /* Norwegian label */
} AssessBand;
extern const AssessBand assess_pop_bands[];
extern const size_t assess_pop_nbands;
/* Index of the band holding population, or -1 for a negative population. */
int assess_pop_band(long long population);

#endif
