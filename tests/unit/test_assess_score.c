/* test_assess_score.c — scales, weighted roll-up with N/A and empty categories,
 * the gap list, and benchmarks that refuse groups under five. */
#include <math.h>

#include "assess/score.h"
#include "assess_util.h"
#include "test.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

/* A: A1 (w1), A2 (w3); B: B1; C: C1; D: D1 (w0) — on Varde's maturity scale. */
static const char roll_yaml[] =
  "format: varde-framework/1\nurn: urn:varde:test:rull\nversion: 1\nname: Rull\nlocale: nb\n"
  "scale: varde-modenhet\ndefault_target: 3\nnodes:\n"
  "  - {ref_id: A, name: A, assessable: false}\n"
  "  - {ref_id: A1, name: A1, assessable: true, parent_urn: 'urn:varde:test:rull:a'}\n"
  "  - {ref_id: A2, name: A2, assessable: true, weight: 3, importance: mandatory,"
  " parent_urn: 'urn:varde:test:rull:a'}\n"
  "  - {ref_id: B, name: B, assessable: false}\n"
  "  - {ref_id: B1, name: B1, assessable: true, target: 5, importance: nice_to_have,"
  " parent_urn: 'urn:varde:test:rull:b'}\n"
  "  - {ref_id: C, name: C, assessable: false}\n"
  "  - {ref_id: C1, name: C1, assessable: true, parent_urn: 'urn:varde:test:rull:c'}\n"
  "  - {ref_id: D, name: D, assessable: true, weight: 0}\n";

static AssessFramework *roll(AssessDiags *d) {
  AssessFramework *fw = t_parse(roll_yaml, d);
  if (!fw) assess_diags_print(d, stderr);
  return fw;
}

static void answer(const AssessFramework *fw, AssessAnswer *a, const char *ref, int level) {
  int i = assess_framework_find(fw, ref);
  a[i] = (AssessAnswer){.set = 1, .na = level < 0, .level = level < 0 ? 0 : level, .target = -1};
}

static AssessAnswer *blank(const AssessFramework *fw) {
  AssessAnswer *a = calloc(fw->nnodes, sizeof *a);
  for (size_t i = 0; i < fw->nnodes; i++) a[i].target = -1;
  return a;
}

#define SCORE(fw, ref, s) ((s).node[assess_framework_find((fw), (ref))].score)

TEST(weighted_rollup_excludes_na_and_empty) {
  AssessDiags d;
  AssessFramework *fw = roll(&d);
  CHECK(fw != NULL);
  if (!fw) return;
  AssessAnswer *a = blank(fw);
  answer(fw, a, "A1", 5);
  answer(fw, a, "A2", 0);
  answer(fw, a, "B1", -1); /* ikke relevant */
  answer(fw, a, "D", 5);   /* weight 0: shown, not counted */
  AssessScores s;
  Err e = {0};
  CHECK_INT(assess_score(fw, a, &s, &e), 0);
  CHECK(NEAR(SCORE(fw, "A", s), 0.25));      /* (1·1 + 3·0) / 4 */
  CHECK(SCORE(fw, "B", s) < 0);              /* only N/A below */
  CHECK(SCORE(fw, "C", s) < 0);              /* nothing answered */
  CHECK(NEAR(SCORE(fw, "D", s), 1.0));
  CHECK(NEAR(s.total, 0.25));                /* B, C empty; D weight 0 */
  Buf b;
  buf_init(&b, 0);
  CHECK_INT(assess_score_explain(fw, a, &s, assess_framework_find(fw, "A"), &b), 0);
  CHECK(strstr(buf_cstr(&b), "(1 × 100 % + 3 × 0 %) / 4 = 25 % (1,3 av 5).") != NULL);
  CHECK(strstr(buf_cstr(&b), "Besvart: 2, ikke relevant: 0, ikke besvart: 0.") != NULL);
  buf_reset(&b);
  CHECK_INT(assess_score_explain(fw, a, &s, assess_framework_find(fw, "C"), &b), 0);
  CHECK(strstr(buf_cstr(&b), "ingen punkter med poeng") != NULL);
  buf_reset(&b);
  CHECK_INT(assess_score_explain(fw, a, &s, assess_framework_find(fw, "B1"), &b), 0);
  CHECK(strstr(buf_cstr(&b), "Ikke relevant") == buf_cstr(&b));
  buf_reset(&b);
  CHECK_INT(assess_score_explain(fw, a, &s, assess_framework_find(fw, "A1"), &b), 0);
  CHECK_STR(buf_cstr(&b), "Eget svar: nivå 5 (Forbedrende) av 0–5 = 100 %.");
  buf_reset(&b);
  CHECK_INT(assess_score_explain(fw, a, &s, -1, &b), 0);
  CHECK(strstr(buf_cstr(&b), "toppnivået: (1 × 25 %) / 1 = 25 %") != NULL);
  buf_free(&b);
  CHECK_INT(s.answered, 3);
  CHECK_INT(s.na, 1);
  CHECK_INT(s.open, 1);
  answer(fw, a, "B1", 4);
  assess_scores_free(&s);
  CHECK_INT(assess_score(fw, a, &s, &e), 0);
  CHECK(NEAR(SCORE(fw, "B", s), 0.8));
  CHECK(NEAR(s.total, (0.25 + 0.8) / 2));
  CHECK(NEAR(assess_score_on_scale(fw, s.total), 2.625));
  assess_scores_free(&s);
  free(a);
  assess_framework_free(fw);
  assess_diags_free(&d);
}

TEST(nothing_answered_gives_no_score) {
  AssessDiags d;
  AssessFramework *fw = roll(&d);
  if (!fw) return;
  AssessAnswer *a = blank(fw);
  AssessScores s;
  Err e = {0};
  CHECK_INT(assess_score(fw, a, &s, &e), 0);
  CHECK(s.total < 0);
  CHECK_INT(s.open, 5);
  CHECK_INT(s.answered, 0);
  assess_scores_free(&s);
  free(a);
  assess_framework_free(fw);
  assess_diags_free(&d);
}

static const char own_yaml[] =
  "format: varde-framework/1\nurn: urn:varde:test:egen\nversion: 1\nname: Egen\nlocale: nb\n"
  "scale: varde-sjekkliste\nnodes:\n"
  "  - {ref_id: '1', name: P, assessable: true}\n"
  "  - {ref_id: '1.1', name: M1, assessable: true, parent_urn: 'urn:varde:test:egen:1'}\n"
  "  - {ref_id: '1.2', name: M2, assessable: true, parent_urn: 'urn:varde:test:egen:1'}\n"
  "  - {ref_id: '2', name: Q, assessable: true}\n";

TEST(own_answer_wins_and_na_drops_branch) {
  AssessDiags d;
  AssessFramework *fw = t_parse(own_yaml, &d);
  CHECK(fw != NULL);
  if (!fw) return;
  AssessAnswer *a = blank(fw);
  answer(fw, a, "1.1", 2); /* ja */
  answer(fw, a, "1.2", 1); /* delvis */
  answer(fw, a, "2", 0);
  AssessScores s;
  Err e = {0};
  CHECK_INT(assess_score(fw, a, &s, &e), 0);
  CHECK(NEAR(SCORE(fw, "1", s), 0.75)); /* from the measures */
  CHECK(!s.node[assess_framework_find(fw, "1")].own);
  CHECK(NEAR(s.total, 0.375));
  assess_scores_free(&s);
  answer(fw, a, "1", 0); /* the principle's own answer wins */
  CHECK_INT(assess_score(fw, a, &s, &e), 0);
  CHECK(NEAR(SCORE(fw, "1", s), 0.0));
  CHECK(s.node[assess_framework_find(fw, "1")].own);
  assess_scores_free(&s);
  answer(fw, a, "1", -1); /* N/A on the principle takes the branch out */
  CHECK_INT(assess_score(fw, a, &s, &e), 0);
  CHECK(SCORE(fw, "1", s) < 0);
  CHECK(NEAR(s.total, 0.0));
  assess_scores_free(&s);
  free(a);
  assess_framework_free(fw);
  assess_diags_free(&d);
}

TEST(bad_answers_are_refused) {
  AssessDiags d;
  AssessFramework *fw = roll(&d);
  if (!fw) return;
  AssessAnswer *a = blank(fw);
  AssessScores s;
  Err e = {0};
  answer(fw, a, "A1", 6);
  CHECK_INT(assess_score(fw, a, &s, &e), VERR_INVALID);
  CHECK(strstr(e.msg, "A1") != NULL);
  answer(fw, a, "A1", 2);
  answer(fw, a, "A", 2); /* a heading is not assessable */
  CHECK_INT(assess_score(fw, a, &s, &e), VERR_INVALID);
  CHECK(strstr(e.msg, "kan ikke vurderes") != NULL);
  free(a);
  assess_framework_free(fw);
  assess_diags_free(&d);
}

TEST(gaps_sorted_by_gap_times_importance) {
  AssessDiags d;
  AssessFramework *fw = roll(&d);
  if (!fw) return;
  AssessAnswer *a = blank(fw);
  answer(fw, a, "A1", 1);  /* target 3 (default), gap 2/5, recommended ×2 = 0.8 */
  answer(fw, a, "A2", 2);  /* target 3, gap 1/5, mandatory ×3 = 0.6 */
  answer(fw, a, "B1", 0);  /* target 5 (node), gap 5/5, nice ×1 = 1.0 */
  answer(fw, a, "D", 4);   /* at or above target: no gap */
  AssessGap *g;
  size_t n;
  Err e = {0};
  CHECK_INT(assess_gaps(fw, a, &g, &n, &e), 0);
  CHECK_INT(n, 3);
  if (n == 3) {
    CHECK_STR(fw->nodes[g[0].node].ref_id, "B1");
    CHECK_STR(fw->nodes[g[1].node].ref_id, "A1");
    CHECK_STR(fw->nodes[g[2].node].ref_id, "A2");
    CHECK_INT(g[0].target, 5);
    CHECK(NEAR(g[1].priority, 0.8));
  }
  free(g);
  a[assess_framework_find(fw, "A1")].target = 1; /* the organisation's own target */
  answer(fw, a, "B1", -1);                        /* N/A: never a gap */
  a[assess_framework_find(fw, "A1")].target = 1;
  CHECK_INT(assess_gaps(fw, a, &g, &n, &e), 0);
  CHECK_INT(n, 1);
  if (n == 1) CHECK_STR(fw->nodes[g[0].node].ref_id, "A2");
  free(g);
  free(a);
  assess_framework_free(fw);
  assess_diags_free(&d);
}

TEST(scales_are_labelled) {
  CHECK_INT(assess_scale_maturity.nlevels, 6);
  CHECK_INT(assess_scale_maturity.min, 0);
  CHECK_INT(assess_scale_maturity.max, 5);
  for (size_t i = 0; i < assess_scale_maturity.nlevels; i++) {
    CHECK_INT(assess_scale_maturity.levels[i].score, (int)i);
    CHECK(*assess_scale_maturity.levels[i].name && *assess_scale_maturity.levels[i].description);
  }
  CHECK(strstr(assess_scale_maturity.name, "Vardes") != NULL);
  CHECK(strstr(assess_scale_maturity.note, "NSM publiserer ingen") != NULL);
  CHECK_STR(assess_scale_level(&assess_scale_checklist, 1)->name, "Delvis");
  CHECK(NEAR(assess_scale_fraction(&assess_scale_checklist, 1), 0.5));
  CHECK(assess_scale_builtin("varde-modenhet") == &assess_scale_maturity);
  CHECK(assess_scale_builtin("nsm") == NULL);
  CHECK(strstr(assess_score_rule_nb, "ikke relevant") != NULL);
}

TEST(benchmark_refuses_small_groups) {
  double v[] = {1, 2, 3, 4, 10};
  AssessGroupStats st;
  double pct;
  Err e = {0};
  CHECK_INT(assess_group_stats(v, 4, &st, &e), VERR_DENIED);
  CHECK(strstr(e.msg, "minst 5") != NULL);
  CHECK_INT(assess_group_rank(v, 4, 2, &pct, &e), VERR_DENIED);
  CHECK_INT(assess_group_stats(v, 0, &st, &e), VERR_DENIED);
  CHECK_INT(assess_group_stats(v, 5, &st, &e), 0);
  CHECK(NEAR(st.mean, 4.0));
  CHECK(NEAR(st.median, 3.0));
  CHECK(NEAR(st.p25, 2.0));
  CHECK(NEAR(st.p75, 4.0));
  CHECK_INT(assess_group_rank(v, 5, 3, &pct, &e), 0);
  CHECK(NEAR(pct, 50.0));
  CHECK_INT(assess_group_rank(v, 5, 11, &pct, &e), 0);
  CHECK(NEAR(pct, 100.0));
  double w[] = {0.5, 0.5, 0.5, NAN, 0.5};
  CHECK_INT(assess_group_stats(w, 5, &st, &e), VERR_INVALID);
  double six[] = {6, 1, 5, 2, 4, 3};
  CHECK_INT(assess_group_stats(six, 6, &st, &e), 0);
  CHECK(NEAR(st.median, 3.5));
  CHECK(NEAR(st.p25, 2.25));
}

TEST(histogram_refuses_small_groups) {
  int lv[] = {0, 3, 3, 5, 2, 3};
  size_t counts[6];
  Err e = {0};
  CHECK_INT(assess_group_histogram(lv, 4, 0, 5, counts, &e), VERR_DENIED);
  CHECK_INT(assess_group_histogram(lv, 6, 0, 5, counts, &e), 0);
  CHECK_INT(counts[3], 3);
  CHECK_INT(counts[0], 1);
  CHECK_INT(counts[1], 0);
  CHECK_INT(counts[5], 1);
  int bad[] = {0, 1, 2, 3, 9};
  CHECK_INT(assess_group_histogram(bad, 5, 0, 5, counts, &e), VERR_INVALID);
}

/* Every population band must hold at least ASSESS_MIN_GROUP real municipalities,
 * or "compare with similar municipalities" could never be shown for it. */
TEST(population_bands_cover_the_municipalities) {
  CHECK_INT(assess_pop_band(0), 0);
  CHECK_INT(assess_pop_band(2999), 0);
  CHECK_INT(assess_pop_band(3000), 1);
  CHECK_INT(assess_pop_band(50000), 5);
  CHECK_INT(assess_pop_band(709000), 5);
  CHECK_INT(assess_pop_band(-1), -1);
  const char *shared = getenv("VARDE_SHARED");
  char path[1024];
  snprintf(path, sizeof path, "%s/data/municipalities/data/municipalities-2025.json",
           shared ? shared : "../shared");
  FILE *f = fopen(path, "rb");
  if (!f) {
    printf("# SKIP: %s finnes ikke\n", path);
    return;
  }
  static char buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  size_t per[8] = {0}, total = 0;
  for (char *p = strstr(buf, "\"population\""); p; p = strstr(p + 1, "\"population\"")) {
    char *c = strchr(p, ':');
    if (!c) break;
    int b = assess_pop_band(strtoll(c + 1, NULL, 10));
    CHECK(b >= 0);
    if (b >= 0) per[b]++;
    total++;
  }
  CHECK_INT(total, 357);
  for (size_t i = 0; i < assess_pop_nbands; i++) CHECK(per[i] >= 2 * ASSESS_MIN_GROUP);
}

int main(void) {
  RUN(histogram_refuses_small_groups);
  RUN(population_bands_cover_the_municipalities);
  RUN(weighted_rollup_excludes_na_and_empty);
  RUN(nothing_answered_gives_no_score);
  RUN(own_answer_wins_and_na_drops_branch);
  RUN(bad_answers_are_refused);
  RUN(gaps_sorted_by_gap_times_importance);
  RUN(scales_are_labelled);
  RUN(benchmark_refuses_small_groups);
  return TEST_DONE();
}
