/* test_assess_store.c — the assessment store against a real database: stored
 * frameworks and a new version, answers with history, snapshots, campaigns
 * (progress, late list, aggregates hidden under 5), measures and overdue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assess/assess_store.h"
#include "audit/audit.h"
#include "db/db.h"
#include "test.h"

static char tdir[] = "/tmp/varde-test-astore-XXXXXX";
static Db *db;
static Principal cli;
static int64_t nat, reg, munis[7], other_reg, other_muni, nsm, ks;

static int64_t org(const char *kind, const char *name, int64_t parent, const char *share, int pop) {
  int64_t id = 0;
  Err e = {0};
  if (db_int(db, &e, &id, "INSERT INTO organisations(kind, name, parent_id, sharing_level, population,"
             " created_at, updated_at) VALUES (?, ?, nullif(?, 0), ?, nullif(?, -1), 1, 1) RETURNING id",
             "sslsi", kind, name, parent, share, pop)) {
    fprintf(stderr, "org: %s\n", e.msg);
    exit(2);
  }
  return id;
}

/* A logged-in user with one role in one organisation. */
static Principal user_in(const char *name, int64_t org_id, const char *role) {
  Principal p = {0};
  Err e = {0};
  db_int(db, &e, &p.user_id, "INSERT INTO users(username, password_hash, password_changed_at, created_at,"
         " updated_at) VALUES (?, 'x', 1, 1, 1) RETURNING id", "s", name);
  db_exec(db, &e, "INSERT INTO memberships VALUES (?, ?, ?, 1)", "lls", p.user_id, org_id, role);
  snprintf(p.username, sizeof p.username, "%s", name);
  p.via = AUTH_VIA_SESSION;
  p.stage = AUTH_STAGE_FULL;
  return p;
}

static void setup(void) {
  if (!mkdtemp(tdir)) exit(2);
  char path[300], fwdir[1024];
  snprintf(path, sizeof path, "%s/t.db", tdir);
  Err e = {0};
  if (db_open(&db, path, DB_OPEN_CREATE, &e)) { fprintf(stderr, "%s\n", e.msg); exit(2); }
  auth_principal_cli(&cli);
  nat = org("national", "Nasjonalt", 0, "aggregate", -1);
  reg = org("region", "Region A", nat, "aggregate", -1);
  static const char *shares[] = {"full", "summary", "summary", "aggregate", "aggregate", "aggregate", "none"};
  static const int pops[] = {3000, 3500, 4000, 4500, 2500, 40000, 3000};
  for (int i = 0; i < 7; i++) {
    char n[32];
    snprintf(n, sizeof n, "Kommune %d", i);
    munis[i] = org("municipality", n, reg, shares[i], pops[i]);
  }
  other_reg = org("region", "Region B", nat, "aggregate", -1);
  other_muni = org("municipality", "Annen kommune", other_reg, "full", 3200);
  const char *root = getenv("VARDE_SOURCE_ROOT");
  snprintf(fwdir, sizeof fwdir, "%s/frameworks", root ? root : ".");
  int added = 0;
  if (assess_store_fw_put_dir(db, &cli, fwdir, &added, &e)) { fprintf(stderr, "%s\n", e.msg); exit(2); }
  assess_store_fw_find(db, "urn:varde:framework:nsm-grunnprinsipper", 0, &nsm, &e);
  assess_store_fw_find(db, "urn:varde:framework:ks-2021", 0, &ks, &e);
}

TEST(frameworks_stored_once) {
  Err e = {0};
  int added = -1;
  char fwdir[1024];
  const char *root = getenv("VARDE_SOURCE_ROOT");
  snprintf(fwdir, sizeof fwdir, "%s/frameworks", root ? root : ".");
  CHECK_INT(assess_store_fw_put_dir(db, &cli, fwdir, &added, &e), 0);
  CHECK_INT(added, 0);
  Arena *a = arena_new(0);
  AssessFwInfo *v;
  size_t n;
  CHECK_INT(assess_store_fw_list(db, a, &v, &n, &e), 0);
  CHECK(n >= 5);
  AssessFwInfo fi;
  CHECK_INT(assess_store_fw_info(db, a, nsm, &fi, &e), 0);
  CHECK_INT(fi.nitems, 21);
  CHECK_INT(fi.latest, 1);
  const AssessFramework *fw = NULL;
  CHECK_INT(assess_store_fw_load(db, nsm, 0, &fw, &e), 0);
  CHECK(fw && assess_framework_find(fw, "2.3") >= 0);
  assess_store_fw_release(fw);
  Principal u = user_in("fwuser", munis[0], "admin");
  CHECK_INT(assess_store_fw_put_dir(db, &u, fwdir, &added, &e), VERR_DENIED);
  arena_free(a);
}

static int save_level(const Principal *p, int64_t o, int64_t fw, const char *ref, int level) {
  Err e = {0};
  AssessAnswerIn in = {.ref_id = ref, .fields = ASSESS_F_LEVEL, .level = level};
  int rc = assess_store_save(db, p, o, fw, &in, &e);
  if (rc) fprintf(stderr, "save %s: %s\n", ref, e.msg);
  return rc;
}

TEST(answers_history_snapshots) {
  Err e = {0};
  Principal ed = user_in("redaktor0", munis[0], "editor");
  CHECK_INT(save_level(&ed, munis[0], nsm, "1.1", 2), 0);
  CHECK_INT(save_level(&ed, munis[0], nsm, "1.1", 3), 0);
  AssessAnswerIn in = {.ref_id = "1.2", .fields = ASSESS_F_NA | ASSESS_F_COMMENT, .na = 1, .comment = "Ikke aktuelt"};
  CHECK_INT(assess_store_save(db, &ed, munis[0], nsm, &in, &e), 0);
  in = (AssessAnswerIn){.ref_id = "1.1", .fields = ASSESS_F_LEVEL, .level = 9};
  CHECK_INT(assess_store_save(db, &ed, munis[0], nsm, &in, &e), VERR_INVALID);
  in = (AssessAnswerIn){.ref_id = "1", .fields = ASSESS_F_LEVEL, .level = 2};
  CHECK_INT(assess_store_save(db, &ed, munis[0], nsm, &in, &e), VERR_INVALID);   /* a category */
  Arena *a = arena_new(0);
  AssessHist *h;
  size_t nh;
  CHECK_INT(assess_store_history(db, &ed, munis[0], nsm, "1.1", 0, a, &h, &nh, &e), 0);
  CHECK_INT(nh, 2);
  CHECK_STR(h[0].old_value, "2");
  CHECK_STR(h[0].new_value, "3");
  CHECK_STR(h[1].old_value, "");
  CHECK_STR(h[0].username, "redaktor0");
  int64_t s1 = 0, s2 = 0;
  CHECK_INT(assess_store_complete(db, &ed, munis[0], nsm, &s1, &e), 0);
  CHECK_INT(save_level(&ed, munis[0], nsm, "1.3", 5), 0);
  CHECK_INT(assess_store_complete(db, &ed, munis[0], nsm, &s2, &e), 0);
  AssessSnapshot *sv;
  size_t ns;
  CHECK_INT(assess_store_snapshots(db, &ed, munis[0], nsm, a, &sv, &ns, &e), 0);
  CHECK_INT(ns, 2);
  CHECK(ns == 2 && sv[0].total >= 0 && sv[1].total > sv[0].total);   /* 3 of 5, then 3 and 5 */
  AssessSnapScore *ss;
  size_t nss;
  CHECK_INT(assess_store_snapshot_scores(db, &ed, s1, a, &ss, &nss, &e), 0);
  int found = 0;
  for (size_t i = 0; i < nss; i++)
    if (!strcmp(ss[i].ref_id, "1.1")) found = ss[i].level == 3 && ss[i].set;
  CHECK(found);
  AssessView v;
  CHECK_INT(assess_store_view(db, &ed, munis[0], nsm, a, &v, &e), 0);
  int i12 = assess_framework_find(v.fw, "1.2");
  CHECK(v.items[i12].na && !strcmp(v.items[i12].comment, "Ikke aktuelt"));
  CHECK_INT(v.scores.answered, 2);
  CHECK_INT(v.scores.na, 1);
  assess_view_free(&v);
  CHECK(audit_verify(db, &(int64_t){0}, &(int64_t){0}, NULL, &e) == 0);
  arena_free(a);
}

TEST(other_municipality_cannot_read) {
  Err e = {0};
  Principal other = user_in("annen", other_muni, "admin");
  Arena *a = arena_new(0);
  AssessView v;
  CHECK_INT(assess_store_view(db, &other, munis[0], nsm, a, &v, &e), VERR_NOTFOUND);
  assess_view_free(&v);
  CHECK_INT(save_level(&other, munis[0], nsm, "2.1", 1), VERR_NOTFOUND);
  AssessSnapshot *sv;
  size_t ns;
  CHECK_INT(assess_store_snapshots(db, &other, munis[0], nsm, a, &sv, &ns, &e), VERR_NOTFOUND);
  /* The region reads scores of a summary member but not its answers (what
   * it may not read answers as not visible, like the policy does). */
  Principal ra = user_in("regionleser", reg, "viewer");
  CHECK_INT(assess_store_view(db, &ra, munis[1], nsm, a, &v, &e), VERR_NOTFOUND);
  assess_view_free(&v);
  CHECK_INT(assess_store_view_scores(db, &ra, munis[1], nsm, a, &v, &e), 0);
  assess_view_free(&v);
  CHECK_INT(assess_store_view_scores(db, &ra, munis[3], nsm, a, &v, &e), VERR_NOTFOUND);
  assess_view_free(&v);
  arena_free(a);
}

TEST(campaign_progress_and_aggregates) {
  Err e = {0};
  Principal ra = user_in("regionredaktor", reg, "editor");
  int64_t cid = 0;
  CHECK_INT(assess_campaign_publish(db, &ra, reg, ks, "Sjekkliste 2026", "Svar innen fristen", "2020-01-01",
                                    &cid, &e), 0);
  Principal mu = user_in("kommunedeltaker", munis[6], "viewer");
  CHECK_INT(assess_campaign_publish(db, &mu, munis[6], ks, "x", "", "2030-01-01", &cid, &e) != 0, 1);
  Arena *a = arena_new(0);
  AssessCampaign c;
  CHECK_INT(assess_campaign_get(db, &ra, cid, a, &c, &e), 0);
  CHECK_INT(c.n_recipients, 7);
  CHECK_INT(c.n_late, 7);
  AssessTask *t;
  size_t nt;
  CHECK_INT(assess_tasks(db, &mu, munis[6], a, &t, &nt, &e), 0);
  CHECK_INT(nt, 1);
  const AssessFramework *fw = NULL;
  assess_store_fw_load(db, ks, 0, &fw, &e);
  const char *ref = NULL;
  for (size_t i = 0; fw && i < fw->nnodes && !ref; i++)
    if (fw->nodes[i].assessable) ref = fw->nodes[i].ref_id;
  /* Four members complete: the total over aggregate+ members stays hidden. */
  for (int i = 0; i < 4; i++) {
    CHECK_INT(save_level(&cli, munis[i], ks, ref, i % 3), 0);
    CHECK_INT(assess_store_complete(db, &cli, munis[i], ks, NULL, &e), 0);
  }
  AssessOrgScore *os;
  size_t no;
  AssessAggregate ag;
  CHECK_INT(assess_campaign_results(db, &ra, cid, a, &os, &no, &ag, &e), 0);
  CHECK_INT(no, 4);
  CHECK_INT(ag.n, 4);
  CHECK_INT(ag.shown, 0);
  int shown = 0;
  for (size_t i = 0; i < no; i++) shown += os[i].shown;
  CHECK_INT(shown, 3);   /* full + 2 summary; the aggregate member's score is not shown */
  for (int i = 4; i < 7; i++) {
    CHECK_INT(save_level(&cli, munis[i], ks, ref, 1), 0);
    CHECK_INT(assess_store_complete(db, &cli, munis[i], ks, NULL, &e), 0);
  }
  CHECK_INT(assess_campaign_results(db, &ra, cid, a, &os, &no, &ag, &e), 0);
  CHECK_INT(ag.n, 6);    /* the member sharing nothing does not count */
  CHECK_INT(ag.shown, 1);
  CHECK_INT(assess_campaign_get(db, &ra, cid, a, &c, &e), 0);
  CHECK_INT(c.n_done, 7);
  CHECK_INT(c.n_late, 0);
  CHECK_INT(assess_tasks(db, &mu, munis[6], a, &t, &nt, &e), 0);
  CHECK_INT(nt, 0);
  Principal other = user_in("annenregion", other_reg, "admin");
  AssessRecipient *r;
  size_t nr;
  CHECK_INT(assess_campaign_progress(db, &other, cid, 0, a, &r, &nr, &e), VERR_NOTFOUND);
  CHECK_INT(assess_campaign_progress(db, &ra, cid, 0, a, &r, &nr, &e), 0);
  CHECK_INT(nr, 7);
  assess_store_fw_release(fw);
  arena_free(a);
}

TEST(distributions_all_items_match_one_by_one) {
  Err e = {0};
  Principal rv = user_in("fordeling", reg, "viewer");
  Arena *a = arena_new(0);
  AssessItemDistRow *v;
  size_t n;
  CHECK_INT(assess_store_item_distributions(db, &rv, reg, ks, a, &v, &n, &e), 0);
  CHECK(n > 5);
  int shown = 0;
  for (size_t i = 0; i < n; i++) {
    AssessItemDist one;
    CHECK_INT(assess_store_item_distribution(db, &rv, reg, ks, v[i].ref_id, &one, &e), 0);
    CHECK(one.shown == v[i].d.shown && one.n == v[i].d.n && one.na == v[i].d.na &&
          !memcmp(one.counts, v[i].d.counts, sizeof one.counts));
    if (v[i].d.shown) {
      shown++;
      CHECK_INT(v[i].d.n, 6);   /* six members share at least aggregates; one shares nothing */
      size_t sum = v[i].d.na;
      for (int k = 0; k < 16; k++) sum += v[i].d.counts[k];
      CHECK_INT(sum, 6);
    }
  }
  CHECK_INT(shown, 1);           /* only the one item the members answered */
  Principal other = user_in("fordelingannen", other_muni, "admin");
  CHECK_INT(assess_store_item_distributions(db, &other, reg, ks, a, &v, &n, &e), VERR_NOTFOUND);
  arena_free(a);
}

TEST(measures_overdue_and_review) {
  Err e = {0};
  Principal ed = user_in("tiltaksredaktor", munis[0], "editor");
  int64_t id = 0, id2 = 0;
  CHECK_INT(assess_measure_from_gap(db, &ed, munis[0], nsm, "1.1", &id, &e), 0);
  AssessMeasureItem it = {nsm, "1.1", NULL, NULL};
  AssessMeasure m = {.org_id = munis[0], .title = "Gammelt tiltak", .deadline = "2001-02-03", .cost_once = 50000,
                     .cost_yearly = -1, .financing = ASSESS_FIN_SHARED, .items = &it, .nitems = 1};
  CHECK_INT(assess_measure_save(db, &ed, &m, &id2, &e), 0);
  m.deadline = "2001-02-30";
  m.id = 0;
  CHECK_INT(assess_measure_save(db, &ed, &m, NULL, &e), VERR_INVALID);
  Arena *a = arena_new(0);
  AssessMeasure *v;
  size_t n;
  CHECK_INT(assess_measure_list(db, &ed, munis[0], ASSESS_ML_OVERDUE, a, &v, &n, &e), 0);
  CHECK_INT(n, 1);
  CHECK(n == 1 && v[0].id == id2 && v[0].cost_once == 50000 && v[0].financing == ASSESS_FIN_SHARED);
  CHECK_INT(assess_measure_list(db, &ed, munis[0], ASSESS_ML_ALL, a, &v, &n, &e), 0);
  CHECK_INT(n, 2);
  CHECK_INT(assess_measure_set_status(db, &ed, id2, ASSESS_MS_DONE, &e), 0);
  AssessView av;
  CHECK_INT(assess_store_view(db, &ed, munis[0], nsm, a, &av, &e), 0);
  CHECK_INT(av.items[assess_framework_find(av.fw, "1.1")].needs_review, 1);
  assess_view_free(&av);
  CHECK_INT(assess_measure_list(db, &ed, munis[0], ASSESS_ML_OVERDUE, a, &v, &n, &e), 0);
  CHECK_INT(n, 0);
  Principal other = user_in("tiltaksnabo", other_muni, "admin");
  AssessMeasure got;
  CHECK_INT(assess_measure_get(db, &other, id, a, &got, &e), VERR_NOTFOUND);
  CHECK_INT(assess_measure_delete(db, &other, id, &e), VERR_NOTFOUND);
  arena_free(a);
}

TEST(new_version_keeps_old_answers) {
  Err e = {0};
  char *src = NULL;
  db_text(db, &e, &src, "SELECT source FROM assess_frameworks WHERE id = ?", "l", nsm);
  CHECK(src != NULL);
  char *p = src ? strstr(src, "\nversion: 1\n") : NULL;
  CHECK(p != NULL);
  if (!p) { free(src); return; }
  p[10] = '2';
  AssessDiags d;
  assess_diags_init(&d, "v2");
  AssessFramework *fw2 = assess_framework_parse(src, strlen(src), &d);
  free(src);
  CHECK(fw2 != NULL);
  if (!fw2) return;
  int k = assess_framework_find(fw2, "1.3");
  fw2->nodes[k].name = "Kartlegg brukere og tilgangsbehov (ny tekst)";
  int64_t id2 = 0;
  int added = 0;
  CHECK_INT(assess_store_fw_put(db, &cli, fw2, &id2, &added, &e), 0);
  CHECK_INT(added, 1);
  Arena *a = arena_new(0);
  AssessMapRow *mr;
  size_t nm;
  CHECK_INT(assess_store_fw_mapping(db, a, nsm, id2, &mr, &nm, &e), 0);
  int changed = 0;
  for (size_t i = 0; i < nm; i++) changed += !strcmp(mr[i].kind, "changed");
  CHECK_INT(changed, 1);
  size_t copied = 0;
  CHECK_INT(assess_store_upgrade(db, &cli, munis[0], nsm, id2, &copied, &e), 0);
  CHECK_INT(copied, 3);
  AssessView v;
  CHECK_INT(assess_store_view(db, &cli, munis[0], nsm, a, &v, &e), 0);   /* old one still readable */
  CHECK_INT(v.scores.answered, 2);
  assess_view_free(&v);
  CHECK_INT(assess_store_view(db, &cli, munis[0], id2, a, &v, &e), 0);
  CHECK_INT(v.items[assess_framework_find(v.fw, "1.3")].needs_review, 1);
  assess_view_free(&v);
  fw2->nodes[k].name = "Endret igjen uten ny versjon";
  CHECK_INT(assess_store_fw_put(db, &cli, fw2, &id2, &added, &e), VERR_CONFLICT);
  AssessSnapshot *sv;
  size_t ns;
  CHECK_INT(assess_store_snapshots(db, &cli, munis[0], id2, a, &sv, &ns, &e), 0);
  CHECK_INT(ns, 2);   /* the series spans versions */
  assess_framework_free(fw2);
  assess_diags_free(&d);
  arena_free(a);
}

TEST(evidence_files_and_links) {
  Err e = {0};
  Principal ed = user_in("bevisredaktor", munis[1], "editor");
  const char pdf[] = "%PDF-1.4 rutine";
  int64_t id = 0, link = 0;
  CHECK_INT(assess_evidence_add_file(db, &ed, munis[1], nsm, "2.2", "rutine.pdf", "application/pdf", pdf,
                                     sizeof pdf - 1, &id, &e), 0);
  CHECK_INT(assess_evidence_add_link(db, &ed, munis[1], nsm, "2.2", "Intranett", "https://intra.example/x", &link,
                                     &e), 0);
  CHECK_INT(assess_evidence_add_link(db, &ed, munis[1], nsm, "2.2", NULL, "file:///etc/passwd", NULL, &e),
            VERR_INVALID);
  CHECK_INT(assess_evidence_add_link(db, &ed, munis[1], nsm, "9.9", NULL, "https://x.example/", NULL, &e),
            VERR_INVALID);
  char *big = calloc(1, ASSESS_EVIDENCE_MAX + 1);
  CHECK_INT(assess_evidence_add_file(db, &ed, munis[1], nsm, "2.2", "stor.bin", NULL, big, ASSESS_EVIDENCE_MAX + 1,
                                     NULL, &e), VERR_TOOBIG);
  free(big);
  Arena *a = arena_new(0);
  AssessEvidence got, *v;
  size_t n;
  CHECK_INT(assess_evidence_get(db, &ed, id, a, &got, &e), 0);
  CHECK_INT(got.size, sizeof pdf - 1);
  CHECK(!memcmp(got.data, pdf, sizeof pdf - 1));
  /* sha256("%PDF-1.4 rutine"), computed independently with sha256sum */
  CHECK_STR(got.sha256, "82230fea0dbf6cc931026abc7063dc64dee435b70f3dc3eb3092c1712e2e51b9");
  CHECK_INT(assess_evidence_list(db, &ed, munis[1], nsm, "2.2", a, &v, &n, &e), 0);
  CHECK_INT(n, 2);
  Principal other = user_in("bevisnabo", other_muni, "admin");
  CHECK_INT(assess_evidence_get(db, &other, id, a, &got, &e), VERR_NOTFOUND);
  CHECK_INT(assess_evidence_delete(db, &other, id, &e), VERR_NOTFOUND);
  Principal ra = user_in("bevisregion", reg, "admin");
  CHECK_INT(assess_evidence_get(db, &ra, id, a, &got, &e), VERR_NOTFOUND);   /* munis[1] shares summary only */
  Principal rf = user_in("bevisregionfull", reg, "viewer");
  CHECK_INT(assess_evidence_list(db, &rf, munis[0], nsm, NULL, a, &v, &n, &e), 0);   /* munis[0] shares full */
  CHECK_INT(assess_evidence_delete(db, &ed, link, &e), 0);
  CHECK_INT(assess_evidence_list(db, &ed, munis[1], nsm, "2.2", a, &v, &n, &e), 0);
  CHECK_INT(n, 1);
  arena_free(a);
}

TEST(csv_round_trip) {
  Err e = {0};
  Buf b;
  buf_init(&b, 1 << 20);
  AssessAnswerIn in = {.ref_id = "2.1", .fields = ASSESS_F_LEVEL | ASSESS_F_COMMENT | ASSESS_F_DATE, .level = 4,
                       .comment = "=Formel; med \"sitat\"\nog linjeskift", .assessed_on = "2026-03-01"};
  CHECK_INT(assess_store_save(db, &cli, munis[1], nsm, &in, &e), 0);
  CHECK_INT(assess_csv_export_answers(db, &cli, munis[1], nsm, &b, &e), 0);
  CHECK(b.n > 3 && !memcmp(b.p, "\xEF\xBB\xBF", 3));
  CHECK(strstr(buf_cstr(&b), "'=Formel") != NULL);   /* guarded against formula injection */
  /* The same file into another municipality gives the same answers... */
  size_t changed = 0;
  CHECK_INT(assess_csv_import_answers(db, &cli, munis[2], nsm, b.p, b.n, &changed, &e), 0);
  CHECK(changed >= 3);
  Buf b2;
  buf_init(&b2, 1 << 20);
  CHECK_INT(assess_csv_export_answers(db, &cli, munis[2], nsm, &b2, &e), 0);
  CHECK(b.n == b2.n && !memcmp(b.p, b2.p, b.n));
  /* ...and importing it again changes nothing. */
  CHECK_INT(assess_csv_import_answers(db, &cli, munis[2], nsm, b.p, b.n, &changed, &e), 0);
  CHECK_INT(changed, 0);
  /* A bad row fails the whole file and names the row. */
  const char bad[] = "ref_id;nivå\r\n2.2;3\r\n2.3;7\r\n";
  CHECK_INT(assess_csv_import_answers(db, &cli, munis[3], nsm, bad, sizeof bad - 1, &changed, &e), VERR_INVALID);
  CHECK(strstr(e.msg, "Rad 3") != NULL);
  int64_t n = -1;
  db_int(db, &e, &n, "SELECT count(*) FROM assess_answers a JOIN assess_assessments s ON s.id = a.assessment_id"
         " WHERE s.org_id = ? AND s.framework_id = ? AND a.ref_id = '2.2'", "ll", munis[3], nsm);
  CHECK_INT(n, 0);
  /* Measures round trip, in Windows-1252 semicolon CSV as Excel saves it. */
  buf_reset(&b);
  CHECK_INT(assess_csv_export_measures(db, &cli, munis[0], &b, &e), 0);
  CHECK_INT(assess_csv_import_measures(db, &cli, munis[4], b.p, b.n, &changed, &e), 0);
  CHECK_INT(changed, 2);
  buf_reset(&b2);
  CHECK_INT(assess_csv_export_measures(db, &cli, munis[4], &b2, &e), 0);
  const char *l1 = strchr(buf_cstr(&b), '\n'), *l2 = strchr(buf_cstr(&b2), '\n');
  CHECK(l1 && l2 && strstr(l2, "Gammelt tiltak;;;2001-02-03;50000;;shared;done;urn:varde:framework:nsm-grunnprinsipper#1.1"));
  const char cp[] = "tittel;ansvarlig;finansiering\r\nOppl\xE6ring \xE6\xF8\xE5;IT;base\r\n";
  CHECK_INT(assess_csv_import_measures(db, &cli, munis[5], cp, sizeof cp - 1, &changed, &e), 0);
  Arena *a = arena_new(0);
  AssessMeasure *mv;
  size_t nm;
  CHECK_INT(assess_measure_list(db, &cli, munis[5], ASSESS_ML_ALL, a, &mv, &nm, &e), 0);
  CHECK(nm == 1 && !strcmp(mv[0].title, "Opplæring æøå") && mv[0].financing == ASSESS_FIN_BASE);
  const char badm[] = "tittel;status\r\nEtt;planned\r\nTo;kanskje\r\n";
  CHECK_INT(assess_csv_import_measures(db, &cli, munis[6], badm, sizeof badm - 1, &changed, &e), VERR_INVALID);
  CHECK_INT(assess_measure_list(db, &cli, munis[6], ASSESS_ML_ALL, a, &mv, &nm, &e), 0);
  CHECK_INT(nm, 0);
  arena_free(a);
  buf_free(&b);
  buf_free(&b2);
}

int main(void) {
  setup();
  RUN(frameworks_stored_once);
  RUN(answers_history_snapshots);
  RUN(other_municipality_cannot_read);
  RUN(campaign_progress_and_aggregates);
  RUN(distributions_all_items_match_one_by_one);
  RUN(measures_overdue_and_review);
  RUN(new_version_keeps_old_answers);
  RUN(evidence_files_and_links);
  RUN(csv_round_trip);
  db_close(db);
  char cmd[100];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tdir);
  if (system(cmd)) return 2;
  return TEST_DONE();
}
