/* demo_assess.c — assessment demo data for `varde demo`: every municipality
 * gets two or three snapshots of NSM's basic principles and the KS 2021
 * checklist, some measures (a few overdue), and campaigns (a national one past
 * its deadline with some members late and reminded, a regional one still open). The values
 * are generated deterministically from the organisation id, so reruns and
 * different machines give the same picture; nothing is added twice. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"

#define DAY 86400
#define NSM_URN "urn:varde:framework:nsm-grunnprinsipper"
#define KS_URN "urn:varde:framework:ks-2021"
#define NAT_TITLE "Nasjonal kartlegging 2026: NSMs grunnprinsipper"
#define REG_TITLE "Regional oppfølging av KS-brevet 2021"

/* A small deterministic generator (splitmix64). */
static double rnd(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static const char *const people[] = {"Sikkerhetsleder", "IT-sjef", "Personvernombud", "Kommunalsjef",
                                     "Beredskapskoordinator"};

/* One round of answers: maturity drifts upwards round by round. */
static int demo_round(Db *db, const Principal *who, const AssessFramework *fw, int64_t org, int64_t fw_id,
                      int round, Err *e) {
  uint64_t s = (uint64_t)org * 7919 + (uint64_t)fw_id * 104729;
  double base = 0.2 + 0.45 * rnd(&s);
  s += (uint64_t)round * 31337;
  int span = fw->scale.max - fw->scale.min, rc = 0;
  for (size_t i = 0; i < fw->nnodes && !rc; i++) {
    if (!fw->nodes[i].assessable) continue;
    double f = base + 0.12 * round + 0.35 * (rnd(&s) - 0.5);
    int level = fw->scale.min + (int)lround(fmin(1, fmax(0, f)) * span);
    AssessAnswerIn in = {.ref_id = fw->nodes[i].ref_id, .fields = ASSESS_F_LEVEL | ASSESS_F_RESPONSIBLE,
                         .level = level, .responsible = people[(i + (size_t)org) % 5]};
    if (rnd(&s) < 0.04) in.fields |= ASSESS_F_NA, in.na = 1;
    rc = st_save_in(db, who, fw, org, fw_id, &in, e);
  }
  return rc;
}

/* Answers a round and freezes it at `at` (a date in the past). */
static int demo_snapshot(Db *db, const Principal *who, const AssessFramework *fw, int64_t org, int64_t fw_id,
                         int round, int64_t at, Err *e) {
  int64_t sid = 0;
  int rc = demo_round(db, who, fw, org, fw_id, round, e);
  if (!rc) rc = st_complete_in(db, who, org, fw_id, &sid, e);
  if (!rc) rc = db_exec(db, e, "UPDATE assess_snapshots SET at = ? WHERE id = ?", "ll", at, sid);
  return rc;
}

static int demo_measures(Db *db, const Principal *who, int64_t org, int64_t fw_id, Err *e) {
  Arena *a = arena_new(0);
  AssessGapRow *g = NULL;
  size_t ng = 0;
  int rc = a ? assess_store_gaps(db, who, org, fw_id, a, &g, &ng, e) : VERR_NOMEM;
  uint64_t s = (uint64_t)org * 12345;
  for (size_t i = 0; !rc && i < ng && i < 4; i++) {
    char deadline[11];
    int days = i == 0 && rnd(&s) < 0.6 ? -20 - (int)(rnd(&s) * 60) : 30 + (int)(rnd(&s) * 300);
    st_date_plus(days, deadline);
    AssessMeasureItem it = {fw_id, g[i].ref_id, NULL, NULL};
    char *title = arena_strdup(a, g[i].name);
    if (title) st_cut_utf8(title, ASSESS_NAME_MAX);
    AssessMeasure m = {.org_id = org, .title = title, .description = "Tiltak fra gapet i egenvurderingen.",
                       .owner = people[(i + (size_t)org) % 5], .deadline = deadline,
                       .cost_once = 10000 * (1 + (long long)(rnd(&s) * 30)),
                       .cost_yearly = rnd(&s) < 0.5 ? -1 : 5000 * (1 + (long long)(rnd(&s) * 20)),
                       .financing = (AssessFinancing)(i % 3),
                       .status = i == 3 ? ASSESS_MS_DONE : i == 1 ? ASSESS_MS_ACTIVE : ASSESS_MS_PLANNED,
                       .items = &it, .nitems = 1};
    rc = st_measure_save_in(db, who, &m, NULL, e);
  }
  arena_free(a);
  return rc;
}

typedef struct Demo {
  Db *db;
  const Principal *who;
  int64_t now, nsm, ks;
  const AssessFramework *fnsm, *fks;
  int64_t *fresh;
  size_t nfresh;
} Demo;

/* Municipalities without any snapshot yet get their history. */
static int demo_history(Demo *d, Err *e) {
  DbStmt *st = NULL;
  int64_t cnt = 0;
  int rc = db_int(d->db, e, &cnt, "SELECT count(*) FROM organisations WHERE kind = 'municipality'", "");
  if (rc || !cnt) return rc;
  d->fresh = calloc((size_t)cnt, sizeof *d->fresh);
  if (!d->fresh) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  rc = db_query(d->db, &st, e, "SELECT o.id FROM organisations o WHERE o.kind = 'municipality' AND NOT EXISTS"
                " (SELECT 1 FROM assess_snapshots s WHERE s.org_id = o.id) ORDER BY o.id", "");
  while (!rc && d->nfresh < (size_t)cnt && (rc = db_step(st, e)) == DB_ROW) d->fresh[d->nfresh++] = db_col_int(st, 0), rc = 0;
  db_finalize(st);
  for (size_t i = 0; rc >= 0 && i < d->nfresh; i++) {
    int64_t o = d->fresh[i], jitter = (o % 50) * DAY;
    rc = db_begin(d->db, e);
    for (int r = 0; !rc && r < 2; r++) {
      int64_t at = d->now - (730 - 365 * r) * DAY - jitter;
      rc = demo_snapshot(d->db, d->who, d->fnsm, o, d->nsm, r, at, e);
      if (!rc) rc = demo_snapshot(d->db, d->who, d->fks, o, d->ks, r, at + 3 * DAY, e);
    }
    if (!rc) rc = db_commit(d->db, e);
    if (rc) db_rollback(d->db);
  }
  return rc < 0 ? rc : 0;
}

static int demo_campaign(Demo *d, int64_t sender, int64_t fw_id, const char *title, const char *msg, int deadline_days,
                         int age_days, Err *e) {
  int64_t have = 0;
  int rc = db_int(d->db, e, &have, "SELECT count(*) FROM assess_campaigns WHERE sender_org = ? AND title = ?", "ls",
                  sender, title);
  if (rc || have) return rc;
  char deadline[11];
  st_date_plus(deadline_days, deadline);
  int64_t id = 0;
  rc = assess_campaign_publish(d->db, d->who, sender, fw_id, title, msg, deadline, &id, e);
  if (!rc) rc = db_exec(d->db, e, "UPDATE assess_campaigns SET created_at = ? WHERE id = ?", "ll",
                        d->now - (int64_t)age_days * DAY, id);
  return rc;
}

/* The third round: most answer the national campaign in time, some late. */
static int demo_latest(Demo *d, Err *e) {
  int rc = 0;
  for (size_t i = 0; !rc && i < d->nfresh; i++) {
    int64_t o = d->fresh[i];
    uint64_t s = (uint64_t)o * 4242;
    double u = rnd(&s);
    rc = db_begin(d->db, e);
    if (!rc && u < 0.65)
      rc = demo_snapshot(d->db, d->who, d->fnsm, o, d->nsm, 2, d->now - (12 + (int64_t)(rnd(&s) * 25)) * DAY, e);
    else if (!rc && u < 0.85)
      rc = demo_round(d->db, d->who, d->fnsm, o, d->nsm, 2, e);   /* started, not completed: late */
    if (!rc && rnd(&s) < 0.5)
      rc = demo_snapshot(d->db, d->who, d->fks, o, d->ks, 2, d->now - (1 + (int64_t)(rnd(&s) * 8)) * DAY, e);
    if (!rc) rc = demo_measures(d->db, d->who, o, d->nsm, e);
    if (!rc) rc = db_commit(d->db, e);
    if (rc) db_rollback(d->db);
  }
  return rc;
}

int assess_demo(Db *db, const Principal *who, int64_t national, int64_t region, Err *e) {
  Demo d = {.db = db, .who = who, .now = db_now()};
  int rc = assess_store_ship(db, who, NULL, e);
  if (!rc) rc = assess_store_fw_find(db, NSM_URN, 0, &d.nsm, e);
  if (!rc) rc = assess_store_fw_find(db, KS_URN, 0, &d.ks, e);
  if (!rc) rc = assess_store_fw_load(db, d.nsm, 0, &d.fnsm, e);
  if (!rc) rc = assess_store_fw_load(db, d.ks, 0, &d.fks, e);
  if (!rc) rc = demo_history(&d, e);
  if (!rc && national)
    rc = demo_campaign(&d, national, d.nsm, NAT_TITLE, "Alle kommuner bes vurdere NSMs grunnprinsipper for "
                       "IKT-sikkerhet og fullføre vurderingen innen fristen.", -10, 45, e);
  if (!rc && region)
    rc = demo_campaign(&d, region, d.ks, REG_TITLE, "Gå gjennom sjekklisten fra KS-brevet 2021 og fullfør "
                       "vurderingen før regionmøtet.", 30, 10, e);
  if (!rc) rc = demo_latest(&d, e);
  AssessRemindStats rs;   /* the late members see a reminder on their task at once */
  if (!rc) rc = assess_campaign_remind(db, NULL, ASSESS_REMIND_DAYS, &rs, e);
  assess_store_fw_release(d.fnsm);
  assess_store_fw_release(d.fks);
  free(d.fresh);
  return rc;
}
