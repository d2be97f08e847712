/* test_assess_csv.c — the measure import from CSV (BOM, separators, quoting,
 * encodings via core/csv): good rows land under their principle, bad rows name their row. */
#include "assess/measures.h"
#include "assess_util.h"
#include "test.h"

static char *slurp(const char *rel, size_t *n) {
  FILE *f = fopen(t_path(rel), "rb");
  if (!f) return NULL;
  char *p = malloc(1 << 16);
  *n = fread(p, 1, (1 << 16) - 1, f);
  p[*n] = '\0';
  fclose(f);
  return p;
}

static AssessFramework *nsm(AssessDiags *d) {
  return t_load("frameworks/nsm-grunnprinsipper.yaml", d);
}

static int import_file(AssessFramework *fw, const char *rel, AssessDiags *d, AssessCsvStats *st) {
  size_t n;
  char *data = slurp(rel, &n);
  if (!data) return -99;
  assess_diags_init(d, rel);
  int rc = assess_measures_import(fw, data, n, "test.csv", d, st);
  free(data);
  return rc;
}

/* The file is read by core/csv (tested in test_csv.c); here: what the import
 * makes of BOM, separators, quoting, blank rows, Excel's sep= line, Windows-1252
 * and broken quoting. */
TEST(csv_dialects_through_the_import) {
  AssessDiags d;
  AssessCsvStats st;
  AssessFramework *fw = nsm(&d);
  assess_diags_free(&d);
  CHECK(fw != NULL);
  if (!fw) return;
  CHECK_INT(import_file(fw, "tests/data/csv/measures_good.csv", &d, &st), 0);
  CHECK(st.bom);
  CHECK_INT(st.sep, ';');
  CHECK_INT(st.rows, 3); /* the ";;;;" row is blank */
  int m1 = assess_framework_find(fw, "2.3.1"), m2 = assess_framework_find(fw, "3.2.1");
  CHECK(m1 >= 0 && m2 >= 0);
  if (m1 >= 0) CHECK_STR(fw->nodes[m1].description, "Tekst med ; og \"sitat\"");
  if (m2 >= 0) CHECK_STR(fw->nodes[m2].description, "To\r\nlinjer");
  int m3 = assess_framework_find(fw, "2.3.2");
  CHECK(m3 >= 0 && strstr(fw->nodes[m3].source, "rad 6") != NULL);  /* physical line after a quoted line break */
  assess_diags_free(&d);
  assess_framework_free(fw);
  fw = nsm(&d);
  assess_diags_free(&d);
  const char excel[] = "sep=,\r\nTiltak,Tittel,Merknad;a;b;c\r\n2.3.9,Med sep-linje,x\r\n";  /* without sep= it would split on ; */
  assess_diags_init(&d, "excel");
  CHECK_INT(assess_measures_import(fw, excel, sizeof excel - 1, "excel.csv", &d, &st), 0);
  CHECK_INT(st.sep, ',');
  m1 = assess_framework_find(fw, "2.3.9");
  CHECK(m1 >= 0 && strstr(fw->nodes[m1].source, "rad 3") != NULL);
  assess_diags_free(&d);
  CHECK_INT(import_file(fw, "tests/data/csv/measures_latin1.csv", &d, &st), 0);
  m1 = assess_framework_find(fw, "2.3.1");
  CHECK(m1 >= 0 && !strcmp(fw->nodes[m1].name, "Tiltak for mørke"));  /* Windows-1252, as Excel saves */
  assess_diags_free(&d);
  size_t before = fw->nnodes;
  CHECK_INT(import_file(fw, "tests/data/csv/measures_open_quote.csv", &d, &st), -1);
  const AssessDiag *g = assess_diags_find(&d, "lukkes aldri");
  CHECK(g && g->line == 2);
  CHECK_INT(fw->nnodes, before);
  assess_diags_free(&d);
  assess_framework_free(fw);
}

TEST(measures_attach_under_principles) {
  AssessDiags d0, d;
  AssessFramework *fw = nsm(&d0);
  CHECK(fw != NULL);
  if (!fw) return;
  AssessCsvStats st;
  CHECK_INT(import_file(fw, "tests/data/csv/measures_good.csv", &d, &st), 0);
  CHECK_INT(st.rows, 3);
  CHECK_INT(st.added, 3);
  CHECK_INT(fw->nnodes, 28);
  int p = assess_framework_find(fw, "2.3"), m1 = assess_framework_find(fw, "2.3.1");
  int m2 = assess_framework_find(fw, "2.3.2"), m3 = assess_framework_find(fw, "3.2.1");
  CHECK(p >= 0 && m1 >= 0 && m2 >= 0 && m3 >= 0);
  if (m1 >= 0 && m2 >= 0 && m3 >= 0) {
    CHECK_INT(fw->nodes[m1].parent, p);
    CHECK_INT(fw->nodes[m1].depth, 3);
    CHECK_INT(m1, p + 1); /* tree order: measures follow their principle */
    CHECK_INT(m2, p + 2);
    CHECK_STR(fw->nodes[m3].parent_urn, "urn:varde:framework:nsm-grunnprinsipper:3.2");
    CHECK_STR(fw->nodes[m1].priority, "1");
    CHECK_STR(fw->nodes[m1].name, "Testtiltak én");
    CHECK(fw->nodes[m1].assessable);
    CHECK(strstr(fw->nodes[m1].source, "rad 2") != NULL);
  }
  /* the extended framework still round-trips through YAML */
  Buf b;
  buf_init(&b, 0);
  Err e = {0};
  CHECK_INT(assess_framework_export(fw, &b, &e), 0);
  AssessDiags d2;
  AssessFramework *again = t_parse(buf_cstr(&b), &d2);
  CHECK(again && again->nnodes == 28 && assess_framework_find(again, "3.2.1") >= 0);
  assess_framework_free(again);
  assess_diags_free(&d2);
  buf_free(&b);
  assess_framework_free(fw);
  assess_diags_free(&d0);
  assess_diags_free(&d);
}

TEST(principle_derived_from_measure_number) {
  AssessDiags d0, d;
  AssessFramework *fw = nsm(&d0);
  if (!fw) return;
  AssessCsvStats st;
  CHECK_INT(import_file(fw, "tests/data/csv/measures_derived.csv", &d, &st), 0);
  CHECK_INT(st.sep, ',');
  int m = assess_framework_find(fw, "2.10.1");
  CHECK(m >= 0 && fw->nodes[m].parent == assess_framework_find(fw, "2.10"));
  assess_framework_free(fw);
  assess_diags_free(&d0);
  assess_diags_free(&d);
}

TEST(number_cells_with_titles) {
  AssessDiags d0, d;
  AssessFramework *fw = nsm(&d0);
  if (!fw) return;
  AssessCsvStats st;
  CHECK_INT(import_file(fw, "tests/data/csv/measures_titled_cells.csv", &d, &st), 0);
  CHECK_INT(st.added, 2);
  int m = assess_framework_find(fw, "3.2.1");
  CHECK(m >= 0 && fw->nodes[m].parent == assess_framework_find(fw, "3.2"));
  assess_framework_free(fw);
  assess_diags_free(&d0);
  assess_diags_free(&d);
}

typedef struct RowErr { int row; const char *needle; } RowErr;

TEST(bad_rows_named_and_nothing_imported) {
  AssessDiags d0, d;
  AssessFramework *fw = nsm(&d0);
  if (!fw) return;
  size_t before = fw->nnodes;
  AssessCsvStats st;
  CHECK_INT(import_file(fw, "tests/data/csv/measures_bad.csv", &d, &st), -1);
  CHECK_INT(st.added, 0);
  CHECK_INT(fw->nnodes, before);
  CHECK(assess_framework_find(fw, "2.3.1") < 0);
  static const RowErr want[] = {
    {3, "ukjent prinsipp «9.9»"}, {4, "hører ikke til prinsipp 2.3"},
    {5, "tiltak 2.3.1 står to ganger (også rad 2)"}, {6, "mangler tittel"},
    {7, "raden har 5 kolonner, overskriften 3"},
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    const AssessDiag *g = assess_diags_find(&d, want[i].needle);
    if (!g) fprintf(stderr, "mangler: %s\n", want[i].needle);
    CHECK(g && g->line == want[i].row);
  }
  CHECK_INT(d.nerr, 5);
  assess_diags_free(&d);
  CHECK_INT(import_file(fw, "tests/data/csv/measures_no_title.csv", &d, &st), -1);
  CHECK(assess_diags_find(&d, "mangler kolonne for tittel") != NULL);
  assess_diags_free(&d);
  /* a measure that already exists is refused on a second import */
  CHECK_INT(import_file(fw, "tests/data/csv/measures_good.csv", &d, &st), 0);
  assess_diags_free(&d);
  CHECK_INT(import_file(fw, "tests/data/csv/measures_good.csv", &d, &st), -1);
  CHECK(assess_diags_find(&d, "finnes allerede") != NULL);
  CHECK_INT(fw->nnodes, before + 3);
  assess_framework_free(fw);
  assess_diags_free(&d0);
  assess_diags_free(&d);
}

int main(void) {
  RUN(csv_dialects_through_the_import);
  RUN(measures_attach_under_principles);
  RUN(principle_derived_from_measure_number);
  RUN(number_cells_with_titles);
  RUN(bad_rows_named_and_nothing_imported);
  return TEST_DONE();
}
