/* explain.c — the roll-up of one node (or the whole framework) in words and
 * numbers, so a page can show exactly how a score came about. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "assess/score.h"

/* Percent with at most one decimal and a Norwegian decimal comma: "62,5 %". */
static void pct(Buf *b, double fraction) {
  double v = round(fraction * 1000.0) / 10.0;
  long whole = (long)v;
  int tenth = (int)lround((v - (double)whole) * 10.0);
  if (tenth) buf_printf(b, "%ld,%d %%", whole, tenth);
  else buf_printf(b, "%ld %%", whole);
}

static void weight(Buf *b, double w) {
  char t[32];
  snprintf(t, sizeof t, "%g", w);
  for (char *p = t; *p; p++)
    if (*p == '.') *p = ',';
  buf_puts(b, t);
}

/* "(1 × 100 % + 3 × 0 %) / 4 = 25 %" over the scored children of parent p
 * (p = -1: the top level). Returns how many children had a score. */
static int weighted_terms(Buf *b, const AssessFramework *fw, const AssessScores *s, int p,
                          double *sum_w) {
  int k = 0;
  *sum_w = 0;
  for (size_t i = 0; i < fw->nnodes; i++) {
    if (fw->nodes[i].parent != p || s->node[i].score < 0 || fw->nodes[i].weight <= 0) continue;
    buf_puts(b, k++ ? " + " : "(");
    weight(b, fw->nodes[i].weight);
    buf_puts(b, " × ");
    pct(b, s->node[i].score);
    *sum_w += fw->nodes[i].weight;
  }
  if (k) {
    buf_puts(b, ") / ");
    weight(b, *sum_w);
  }
  return k;
}

static void counts(Buf *b, int answered, int na, int open) {
  buf_printf(b, " Besvart: %d, ikke relevant: %d, ikke besvart: %d.", answered, na, open);
}

int assess_score_explain(const AssessFramework *fw, const AssessAnswer *ans,
                         const AssessScores *s, int node, Buf *out) {
  if (node >= (int)fw->nnodes || !s->node) return -1;
  if (node >= 0 && ans[node].set && fw->nodes[node].assessable) {
    if (ans[node].na) {
      buf_puts(out, "Ikke relevant: punktet og alt under det holdes utenfor.");
      return out->err ? -1 : 0;
    }
    const AssessLevel *l = assess_scale_level(&fw->scale, ans[node].level);
    buf_printf(out, "Eget svar: nivå %d%s%s%s av %d–%d = ", ans[node].level, l ? " (" : "",
               l ? l->name : "", l ? ")" : "", fw->scale.min, fw->scale.max);
    pct(out, s->node[node].score);
    buf_puts(out, ".");
    return out->err ? -1 : 0;
  }
  double score = node >= 0 ? s->node[node].score : s->total, sw;
  buf_puts(out, node >= 0 ? "Vektet snitt av underpunktene: " : "Vektet snitt av toppnivået: ");
  if (weighted_terms(out, fw, s, node, &sw) == 0) buf_puts(out, "ingen punkter med poeng ennå (–).");
  else {
    buf_puts(out, " = ");
    pct(out, score);
    double v = round(assess_score_on_scale(fw, score) * 10.0) / 10.0;
    long whole = (long)v;
    buf_printf(out, " (%ld,%d av %d).", whole, (int)lround((v - (double)whole) * 10.0),
               fw->scale.max);
  }
  if (node >= 0) counts(out, s->node[node].answered, s->node[node].na, s->node[node].open);
  else counts(out, s->answered, s->na, s->open);
  return out->err ? -1 : 0;
}
