/* score.c — weighted roll-up of answers through the framework tree and the
 * gap list (the rule is assess_score_rule_nb, also in doc/scoring.md). */
#include "assess/score.h"

#include <stdlib.h>
#include <string.h>

const char assess_score_rule_nb[] =
    "Hvert besvart punkt gir en andel av skalaen: (nivå − laveste nivå) / (høyeste nivå − "
    "laveste nivå). Punkter merket «ikke relevant» og punkter som ikke er besvart, telles ikke "
    "med. En kategori får det vektede gjennomsnittet av sine underpunkter (vekt = «weight», "
    "standard 1); underpunkter uten poeng og med vekt 0 holdes utenfor. Har en kategori eller "
    "et prinsipp et eget svar, brukes det svaret i stedet for underpunktene, og «ikke relevant» "
    "der tar hele grenen ut. Rammeverket får det vektede gjennomsnittet av toppnivået. En "
    "kategori uten poenggivende punkter vises som «–» og påvirker ikke totalen. Resultatet "
    "vises som prosent og omregnet til rammeverkets skala.";

static int check_answer(const AssessFramework *fw, const AssessAnswer *a, size_t i, Err *e) {
  if (!a->set) return 0;
  const AssessNode *n = &fw->nodes[i];
  if (!n->assessable)
    return err_set(e, VERR_INVALID, "punktet %s kan ikke vurderes (assessable: false)", n->ref_id);
  if (!a->na && (a->level < fw->scale.min || a->level > fw->scale.max))
    return err_set(e, VERR_INVALID, "nivå %d for %s ligger utenfor skalaen %d–%d", a->level,
                   n->ref_id, fw->scale.min, fw->scale.max);
  return 0;
}

/* Node indices ordered deepest first, so children are done before parents. */
static int deeper_first(const void *a, const void *b, void *arg) {
  const AssessNode *v = arg;
  int da = v[*(const int *)a].depth, db = v[*(const int *)b].depth;
  return da != db ? db - da : *(const int *)a - *(const int *)b;
}

static void own_answer(const AssessFramework *fw, const AssessAnswer *a, AssessNodeScore *s) {
  if (a->na) {
    s->na++;
    s->score = -1;
    return;
  }
  s->answered++;
  s->own = 1;
  s->score = assess_scale_fraction(&fw->scale, a->level);
}

/* Folds child c into the running sums of its parent p. */
static void fold(AssessNodeScore *p, const AssessNodeScore *c, double w, double *sw, double *swv) {
  p->answered += c->answered;
  p->na += c->na;
  p->open += c->open;
  if (c->score >= 0 && w > 0) {
    *sw += w;
    *swv += w * c->score;
  }
}

static void finish_node(const AssessFramework *fw, const AssessAnswer *a, size_t i,
                        AssessNodeScore *s, double sw, double swv) {
  s->score = sw > 0 ? swv / sw : -1;
  if (!fw->nodes[i].assessable) return;
  if (a->set) {
    AssessNodeScore own = {0};
    own_answer(fw, a, &own);
    s->score = own.score;
    s->own = own.own;
    s->answered += own.answered;
    s->na += own.na;
  } else {
    s->open++;
  }
}

int assess_score(const AssessFramework *fw, const AssessAnswer *ans, AssessScores *out, Err *e) {
  memset(out, 0, sizeof *out);
  out->total = -1;
  for (size_t i = 0; i < fw->nnodes; i++)
    if (check_answer(fw, &ans[i], i, e)) return VERR_INVALID;
  size_t n = fw->nnodes;
  int *order = malloc((n + 1) * sizeof *order);
  double *sw = calloc(n + 1, sizeof *sw), *swv = calloc(n + 1, sizeof *swv);
  out->node = calloc(n + 1, sizeof *out->node);
  if (!order || !sw || !swv || !out->node) {
    free(order); free(sw); free(swv);
    assess_scores_free(out);
    return err_set(e, VERR_NOMEM, "tomt for minne");
  }
  for (size_t i = 0; i < n; i++) order[i] = (int)i;
  qsort_r(order, n, sizeof *order, deeper_first, fw->nodes);
  AssessNodeScore top = {0};
  double tw = 0, twv = 0;
  for (size_t k = 0; k < n; k++) {
    int i = order[k], p = fw->nodes[i].parent;
    AssessNodeScore *s = &out->node[i];
    finish_node(fw, &ans[i], (size_t)i, s, sw[i], swv[i]);
    if (p >= 0) fold(&out->node[p], s, fw->nodes[i].weight, &sw[p], &swv[p]);
    else fold(&top, s, fw->nodes[i].weight, &tw, &twv);
  }
  out->total = tw > 0 ? twv / tw : -1;
  out->answered = top.answered;
  out->na = top.na;
  out->open = top.open;
  free(order); free(sw); free(swv);
  return 0;
}

void assess_scores_free(AssessScores *s) {
  free(s->node);
  s->node = NULL;
}

double assess_score_on_scale(const AssessFramework *fw, double fraction) {
  return fw->scale.min + fraction * (fw->scale.max - fw->scale.min);
}

int assess_target(const AssessFramework *fw, const AssessAnswer *ans, size_t i) {
  if (ans && ans[i].target >= 0) return ans[i].target;
  if (fw->nodes[i].target >= 0) return fw->nodes[i].target;
  return fw->default_target;
}

static int gap_order(const void *pa, const void *pb, void *arg) {
  const AssessGap *a = pa, *b = pb;
  const AssessFramework *gap_fw = arg;
  if (a->priority != b->priority) return a->priority > b->priority ? -1 : 1;
  if (a->importance != b->importance) return b->importance - a->importance;
  return assess_refcmp(gap_fw->nodes[a->node].ref_id, gap_fw->nodes[b->node].ref_id);
}

int assess_gaps(const AssessFramework *fw, const AssessAnswer *ans, AssessGap **out, size_t *n,
                Err *e) {
  *out = NULL;
  *n = 0;
  for (size_t i = 0; i < fw->nnodes; i++)
    if (check_answer(fw, &ans[i], i, e)) return VERR_INVALID;
  AssessGap *v = calloc(fw->nnodes + 1, sizeof *v);
  if (!v) return err_set(e, VERR_NOMEM, "tomt for minne");
  double range = fw->scale.max - fw->scale.min;
  size_t k = 0;
  for (size_t i = 0; i < fw->nnodes; i++) {
    const AssessAnswer *a = &ans[i];
    int t = assess_target(fw, ans, i);
    if (!a->set || a->na || t < 0 || a->level >= t) continue;
    int imp = fw->nodes[i].importance ? fw->nodes[i].importance : ASSESS_IMP_RECOMMENDED;
    double gap = (t - a->level) / range;
    v[k++] = (AssessGap){(int)i, a->level, t, imp, gap, gap * imp};
  }
  qsort_r(v, k, sizeof *v, gap_order, (void *)fw);
  *out = v;
  *n = k;
  return 0;
}
