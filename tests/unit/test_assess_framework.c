/* test_assess_framework.c — the framework library: shipped frameworks validate,
 * each kind of error is reported with its line, export round-trips, versions map. */
#include "assess_util.h"
#include "test.h"

typedef struct Shipped {
  const char *file, *urn;
  int nodes, assessable;
} Shipped;

static const Shipped shipped[] = {
  {"frameworks/nsm-grunnprinsipper.yaml", "urn:varde:framework:nsm-grunnprinsipper", 25, 21},
  {"frameworks/ks-2021.yaml", "urn:varde:framework:ks-2021", 20, 15},
  {"frameworks/kdd-ks-2022.yaml", "urn:varde:framework:kdd-ks-2022", 11, 9},
  {"frameworks/nsm-effektive-tiltak.yaml", "urn:varde:framework:nsm-effektive-tiltak", 12, 10},
  {"frameworks/kommune-aktiviteter.yaml", "urn:varde:framework:ks-2023-kommuneaktiviteter", 10, 10},
};
#define NSHIPPED (sizeof shipped / sizeof shipped[0])

TEST(shipped_frameworks_validate_and_cite_sources) {
  for (size_t i = 0; i < NSHIPPED; i++) {
    AssessDiags d;
    AssessFramework *fw = t_load(shipped[i].file, &d);
    CHECK(fw != NULL);
    CHECK_INT(d.nerr, 0);
    CHECK_INT(d.nwarn, 0);
    if (!fw) { assess_diags_print(&d, stderr); assess_diags_free(&d); continue; }
    CHECK_STR(fw->urn, shipped[i].urn);
    CHECK_INT(fw->nnodes, shipped[i].nodes);
    CHECK_INT(assess_framework_assessable(fw), shipped[i].assessable);
    CHECK_STR(fw->locale, "nb");
    CHECK(fw->notes != NULL); /* every shipped file says what is unconfirmed */
    for (size_t j = 0; j < fw->nnodes; j++) {
      CHECK(fw->nodes[j].source && *fw->nodes[j].source);
      CHECK(fw->nodes[j].name && *fw->nodes[j].name);
    }
    assess_framework_free(fw);
    assess_diags_free(&d);
  }
}

TEST(nsm_principles_structure) {
  AssessDiags d;
  AssessFramework *fw = t_load("frameworks/nsm-grunnprinsipper.yaml", &d);
  CHECK(fw != NULL);
  if (!fw) return;
  const char *cats[] = {"1", "2", "3", "4"};
  const int per[] = {3, 10, 4, 4};
  for (int c = 0; c < 4; c++) {
    int ci = assess_framework_find(fw, cats[c]), k = 0;
    CHECK(ci >= 0 && !fw->nodes[ci].assessable && fw->nodes[ci].depth == 1);
    for (size_t j = 0; j < fw->nnodes; j++)
      if (fw->nodes[j].parent == ci) {
        k++;
        CHECK(fw->nodes[j].assessable);
      }
    CHECK_INT(k, per[c]);
  }
  CHECK(assess_framework_find(fw, "2.10") >= 0);
  CHECK(assess_framework_find(fw, "2.3.1") < 0); /* no invented measures */
  CHECK_STR(fw->scale.id, "varde-modenhet");
  CHECK(strstr(fw->scale.note, "NSM publiserer ingen") != NULL);
  assess_framework_free(fw);
  assess_diags_free(&d);
}

TEST(letters_and_activities_items) {
  AssessDiags d;
  AssessFramework *ks = t_load("frameworks/ks-2021.yaml", &d);
  const char *ks_items[] = {"1a", "1b", "2a", "2b", "2c", "3a", "3b", "3c", "3d",
                            "4a", "4b", "4c", "4d", "5a", "5b"};
  for (size_t i = 0; ks && i < 15; i++) {
    int j = assess_framework_find(ks, ks_items[i]);
    CHECK(j >= 0 && ks->nodes[j].assessable);
  }
  assess_framework_free(ks);
  assess_diags_free(&d);
  AssessFramework *act = t_load("frameworks/kommune-aktiviteter.yaml", &d);
  CHECK(act != NULL);
  int a1 = act ? assess_framework_find(act, "A1") : -1, a8 = act ? assess_framework_find(act, "A8") : -1;
  CHECK(a1 >= 0 && a8 >= 0);
  if (a1 >= 0 && a8 >= 0) {
    CHECK_INT(act->nodes[a1].cost.once_min, 300000);
    CHECK_INT(act->nodes[a1].cost.once_max, 2500000);
    CHECK_INT(act->nodes[a8].cost.yearly_max, 8000000);
    CHECK_INT(act->nodes[a8].cost.once_min, -1);
  }
  for (size_t j = 0; act && j < act->nnodes; j++) CHECK(act->nodes[j].cost.present);
  assess_framework_free(act);
  assess_diags_free(&d);
}

typedef struct BadCase {
  const char *file;
  int line;
  const char *needle;
} BadCase;

static const BadCase bad[] = {
  {"dup_ref.yaml", 14, "ref_id «1» finnes allerede (linje 8)"},
  {"unknown_parent.yaml", 11, "ukjent forelder «urn:varde:test:forelder:9»"},
  {"cycle.yaml", 11, "sløyfe"},
  {"missing_field.yaml", 1, "mangler «name»"},
  {"missing_field.yaml", 7, "mangler «assessable»"},
  {"missing_field.yaml", 9, "mangler «ref_id»"},
  {"bad_scale.yaml", 11, "skalanivået 7 ligger utenfor"},
  {"bad_scale_range.yaml", 7, "min_score må være mindre enn max_score"},
  {"unknown_scale.yaml", 6, "ukjent skala «nsm-modenhet»"},
  {"wrong_type.yaml", 3, "«version» skal være et heltall"},
  {"wrong_type.yaml", 9, "«name» skal være tekst"},
  {"wrong_type.yaml", 10, "«assessable» skal være true eller false"},
  {"wrong_type.yaml", 11, "«weight» skal være et tall"},
  {"wrong_type.yaml", 15, "«target» = 9 ligger utenfor"},
  {"syntax.yaml", 6, "som startet på linje 4"},
  {"alias.yaml", 9, "YAML-alias"},
  {"unknown_group.yaml", 14, "ukjent implementeringsgruppe «utvidet»"},
  {"dup_key.yaml", 10, "nøkkelen «name» står to ganger"},
  {"null_score.yaml", 6, "«min_score» mangler verdi"},
};

TEST(each_error_names_its_line) {
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/frameworks/%s", bad[i].file);
    AssessDiags d;
    AssessFramework *fw = t_load(rel, &d);
    CHECK(fw == NULL);
    const AssessDiag *g = assess_diags_find(&d, bad[i].needle);
    if (!g) {
      fprintf(stderr, "%s: fant ikke «%s»\n", bad[i].file, bad[i].needle);
      assess_diags_print(&d, stderr);
    }
    CHECK(g != NULL);
    if (g) {
      CHECK_INT(g->line, bad[i].line);
      CHECK_INT(g->severity, ASSESS_ERROR);
    }
    assess_framework_free(fw);
    assess_diags_free(&d);
  }
}

TEST(unknown_keys_are_warnings) {
  AssessDiags d;
  AssessFramework *fw = t_load("tests/data/frameworks/unknown_key.yaml", &d);
  CHECK(fw != NULL);
  CHECK_INT(d.nerr, 0);
  CHECK_INT(d.nwarn, 2);
  const AssessDiag *g = assess_diags_find(&d, "«ekstra»");
  CHECK(g && g->line == 12 && g->severity == ASSESS_WARNING);
  assess_framework_free(fw);
  assess_diags_free(&d);
}

TEST(ciso_assistant_layout_reads) {
  AssessDiags d;
  AssessFramework *fw = t_load("tests/data/frameworks/ca_library.yaml", &d);
  CHECK(fw != NULL);
  if (!fw) { assess_diags_print(&d, stderr); assess_diags_free(&d); return; }
  CHECK_STR(fw->urn, "urn:intuitem:risk:framework:test-ca");
  CHECK(assess_framework_find(fw, "b") >= 0); /* ref_id from the URN tail */
  CHECK_INT(fw->version, 2);
  CHECK_INT(fw->scale.min, 1);
  CHECK_INT(fw->scale.max, 4);
  CHECK_INT(fw->scale.nlevels, 2);
  int i = assess_framework_find(fw, "A.1");
  CHECK(i >= 0);
  if (i >= 0) {
    const AssessNode *n = &fw->nodes[i];
    CHECK(n->name == NULL);
    CHECK_STR(n->description, "Do the first thing.");
    CHECK_INT(n->importance, ASSESS_IMP_MANDATORY);
    CHECK_INT(n->ngroups, 1);
    CHECK_INT(n->ntr, 1);
    CHECK_STR(n->tr[0].lang, "fr");
    CHECK_INT(n->depth, 2);
  }
  assess_framework_free(fw);
  assess_diags_free(&d);
}

static int same_str(const char *a, const char *b) {
  return (!a && !b) || (a && b && !strcmp(a, b));
}

static int same_node(const AssessNode *a, const AssessNode *b) {
  int ok = same_str(a->urn, b->urn) && same_str(a->ref_id, b->ref_id) &&
           same_str(a->parent_urn, b->parent_urn) && same_str(a->name, b->name) &&
           same_str(a->description, b->description) && same_str(a->source, b->source) &&
           same_str(a->annotation, b->annotation) && same_str(a->typical_evidence, b->typical_evidence) &&
           same_str(a->priority, b->priority) && a->assessable == b->assessable &&
           a->weight == b->weight && a->importance == b->importance && a->target == b->target &&
           a->ngroups == b->ngroups && a->ntr == b->ntr && a->cost.present == b->cost.present &&
           same_str(a->cost.text, b->cost.text) && a->cost.once_min == b->cost.once_min &&
           a->cost.once_max == b->cost.once_max && a->cost.yearly_min == b->cost.yearly_min &&
           a->cost.yearly_max == b->cost.yearly_max && a->depth == b->depth;
  for (size_t i = 0; ok && i < a->ntr; i++)
    ok = same_str(a->tr[i].lang, b->tr[i].lang) && same_str(a->tr[i].description, b->tr[i].description);
  return ok;
}

static int same_fw(const AssessFramework *a, const AssessFramework *b) {
  if (!same_str(a->urn, b->urn) || a->version != b->version || !same_str(a->name, b->name) ||
      !same_str(a->notes, b->notes) || !same_str(a->edition, b->edition) ||
      !same_str(a->scale.id, b->scale.id) || a->scale.min != b->scale.min ||
      a->scale.max != b->scale.max || a->scale.nlevels != b->scale.nlevels ||
      a->default_target != b->default_target || a->ngroups != b->ngroups ||
      a->nnodes != b->nnodes || a->ntr != b->ntr)
    return 0;
  for (size_t i = 0; i < a->nnodes; i++)
    if (!same_node(&a->nodes[i], &b->nodes[i])) return 0;
  return 1;
}

static void round_trip(const char *rel) {
  AssessDiags d;
  AssessFramework *fw = t_load(rel, &d);
  CHECK(fw != NULL);
  if (!fw) { assess_diags_free(&d); return; }
  Buf one, two;
  buf_init(&one, 0);
  buf_init(&two, 0);
  Err e = {0};
  CHECK_INT(assess_framework_export(fw, &one, &e), 0);
  AssessDiags d2;
  AssessFramework *again = t_parse(buf_cstr(&one), &d2);
  CHECK(again != NULL);
  CHECK_INT(d2.nwarn, 0);
  if (again) {
    CHECK(same_fw(fw, again));
    CHECK_INT(assess_framework_export(again, &two, &e), 0);
    CHECK_STR(buf_cstr(&one), buf_cstr(&two));
  } else {
    assess_diags_print(&d2, stderr);
  }
  buf_free(&one);
  buf_free(&two);
  assess_framework_free(fw);
  assess_framework_free(again);
  assess_diags_free(&d);
  assess_diags_free(&d2);
}

TEST(export_round_trips) {
  for (size_t i = 0; i < NSHIPPED; i++) round_trip(shipped[i].file);
  round_trip("tests/data/frameworks/ca_library.yaml");
  round_trip("tests/data/frameworks/good_small.yaml");
}

TEST(version_mapping_by_ref_id) {
  AssessDiags d1, d2, d3;
  AssessFramework *v1 = t_load("tests/data/frameworks/good_small.yaml", &d1);
  AssessFramework *v2 = t_load("tests/data/frameworks/v2_small.yaml", &d2);
  AssessFramework *other = t_load("tests/data/frameworks/unknown_key.yaml", &d3);
  CHECK(v1 && v2 && other);
  if (!v1 || !v2 || !other) return;
  AssessMapping m;
  Err e = {0};
  CHECK_INT(assess_framework_map(v1, v2, &m, &e), 0);
  CHECK_INT(m.npairs, 2);
  CHECK_INT(m.nremoved, 0);
  CHECK_INT(m.nadded, 1);
  CHECK_STR(v2->nodes[m.added[0]].ref_id, "1.2");
  int changed = 0;
  for (size_t i = 0; i < m.npairs; i++)
    if (m.pairs[i].changed) {
      changed++;
      CHECK_STR(v1->nodes[m.pairs[i].old_idx].ref_id, "1.1");
    }
  CHECK_INT(changed, 1);
  assess_mapping_free(&m);
  CHECK_INT(assess_framework_map(v2, v1, &m, &e), 0); /* backwards: 1.2 removed */
  CHECK_INT(m.nremoved, 1);
  CHECK_INT(m.nadded, 0);
  assess_mapping_free(&m);
  CHECK_INT(assess_framework_map(v1, other, &m, &e), VERR_INVALID);
  assess_framework_free(v1);
  assess_framework_free(v2);
  assess_framework_free(other);
  assess_diags_free(&d1);
  assess_diags_free(&d2);
  assess_diags_free(&d3);
}

TEST(ref_ids_compare_numerically) {
  CHECK(assess_refcmp("2.10", "2.9") > 0);
  CHECK(assess_refcmp("2.1.10", "2.1.2") > 0);
  CHECK(assess_refcmp("1a", "1b") < 0);
  CHECK(assess_refcmp("A10", "A9") > 0);
  CHECK_INT(assess_refcmp("3.4", "3.4"), 0);
  CHECK(assess_refcmp("3", "3.1") < 0);
}

TEST(limits_refuse_hostile_input) {
  AssessDiags d;
  /* deep nesting */
  char deep[400];
  size_t k = 0;
  for (int i = 0; i < 100; i++) deep[k++] = '[';
  deep[k] = '\0';
  CHECK(t_parse(deep, &d) == NULL);
  CHECK(assess_diags_find(&d, "for dypt") || assess_diags_find(&d, "ugyldig YAML"));
  assess_diags_free(&d);
  CHECK(t_parse("", &d) == NULL);
  CHECK(assess_diags_find(&d, "tom") != NULL);
  assess_diags_free(&d);
  CHECK(t_parse("- a\n- b\n", &d) == NULL);
  CHECK(assess_diags_find(&d, "toppnivået") != NULL);
  assess_diags_free(&d);
  CHECK(t_parse("format: \"x\\e[31m\\ny\"\n", &d) == NULL);
  const AssessDiag *g = assess_diags_find(&d, "ukjent format");
  CHECK(g && strstr(g->msg, "x?[31m?y") != NULL); /* no raw escape reaches a terminal */
  assess_diags_free(&d);
  CHECK(t_parse("a: 1\n---\nb: 2\n", &d) == NULL);
  CHECK(assess_diags_find(&d, "mer enn ett") != NULL);
  assess_diags_free(&d);
}

int main(void) {
  RUN(shipped_frameworks_validate_and_cite_sources);
  RUN(nsm_principles_structure);
  RUN(letters_and_activities_items);
  RUN(each_error_names_its_line);
  RUN(unknown_keys_are_warnings);
  RUN(ciso_assistant_layout_reads);
  RUN(export_round_trips);
  RUN(version_mapping_by_ref_id);
  RUN(ref_ids_compare_numerically);
  RUN(limits_refuse_hostile_input);
  return TEST_DONE();
}
