/* assess_store.h — the assessment data in the database and its C API: stored
 * frameworks (several versions, organisation-local CSV layers), answers with
 * history and evidence, snapshots, campaigns, measures (tiltaksplan), CSV.
 *
 * Every function that takes a Principal asks src/policy itself (the web
 * prologue has usually asked already; asking twice is cheap and keeps the
 * command line and the API honest): reading answers, comments and evidence
 * needs POLICY_READ on the organisation; scores and snapshot series need
 * POLICY_READ_SUMMARY; totals over several organisations count only those with
 * POLICY_READ_AGGREGATE and are withheld below POLICY_K_MIN organisations;
 * every change needs POLICY_WRITE and is written with its history rows and an
 * audit entry in one transaction. Refusals: VERR_NOTFOUND (not visible) or
 * VERR_DENIED (visible, not allowed) — the API maps them to 404 and 403.
 *
 * Strings in the returned structs live in the caller's Arena unless noted.
 * Dates a person picks (deadlines, "assessed on") are text "YYYY-MM-DD";
 * moments the system records are Unix seconds (db_now()). */
#ifndef VARDE_ASSESS_STORE_H
#define VARDE_ASSESS_STORE_H
#include <stddef.h>
#include <stdint.h>

#include "assess/framework.h"
#include "assess/measures.h"
#include "assess/score.h"
#include "auth/principal.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

typedef struct Db Db;

/* ---- stored frameworks ---------------------------------------------------- */

typedef struct AssessFwInfo {
  int64_t id;
  const char *urn, *ref_id, *name, *edition;
  int version;
  int latest;          /* 1 = highest stored version of this URN */
  size_t nitems;       /* assessable items in the base framework */
} AssessFwInfo;

/* Stores fw (as its canonical YAML export plus one row per node). An already
 * stored (urn, version) with the same content is a no-op (*id = the existing
 * one, *added = 0); the same (urn, version) with other content is
 * VERR_CONFLICT (a changed library must raise its version). A new version of
 * a stored URN also stores the mapping proposal from assess_framework_map
 * against the previous version; old assessments keep their version. */
int assess_store_fw_put(Db *db, const Principal *who, const AssessFramework *fw, int64_t *id,
                        int *added, Err *e);
/* Stores every *.yaml framework in dir (varde init / demo); idempotent. */
int assess_store_fw_put_dir(Db *db, const Principal *who, const char *dir, int *added, Err *e);
/* The directory of shipped frameworks: $VARDE_FRAMEWORKS, ./frameworks, the
 * source tree next to the binary's build directory, or the installed
 * VARDE_FRAMEWORKS_DIR — the first that exists; NULL if none does. */
const char *assess_frameworks_dir(void);
/* Stores the shipped frameworks (varde init, varde demo); idempotent. */
int assess_store_ship(Db *db, const Principal *who, int *added, Err *e);
/* All stored frameworks and versions, by name then version descending. */
int assess_store_fw_list(Db *db, Arena *a, AssessFwInfo **out, size_t *n, Err *e);
/* Id of (urn, version); version 0 = the latest. VERR_NOTFOUND if absent. */
int assess_store_fw_find(Db *db, const char *urn, int version, int64_t *id, Err *e);
int assess_store_fw_info(Db *db, Arena *a, int64_t fw_id, AssessFwInfo *out, Err *e);

/* The framework as an organisation sees it: the base version plus the CSV
 * measure layers that apply to it (national layers, org_id 0, then the
 * organisation's own). org_id 0 = the base with national layers only.
 * The result is read-only; give it back with assess_store_fw_release. */
int assess_store_fw_load(Db *db, int64_t fw_id, int64_t org_id, const AssessFramework **out, Err *e);
void assess_store_fw_release(const AssessFramework *fw);
/* A private copy the caller may change (free with assess_framework_free). */
int assess_store_fw_load_copy(Db *db, int64_t fw_id, int64_t org_id, AssessFramework **out, Err *e);

/* Adds measures from CSV (assess_measures_import, so the same checks) as a
 * layer over the framework: org_id 0 = for everyone (operator only), else for
 * that organisation (POLICY_WRITE). Nothing is stored if any row is wrong;
 * diagnostics go to d. st may be NULL. */
int assess_store_fw_layer_add(Db *db, const Principal *who, int64_t fw_id, int64_t org_id,
                              const char *label, const char *csv, size_t n, AssessDiags *d,
                              AssessCsvStats *st, Err *e);

/* Mapping proposal stored with a new version: one row per item. */
typedef struct AssessMapRow {
  const char *old_ref, *new_ref;   /* NULL on the side where it is absent */
  const char *kind;                /* "kept", "changed", "removed", "added" */
} AssessMapRow;
int assess_store_fw_mapping(Db *db, Arena *a, int64_t old_fw, int64_t new_fw, AssessMapRow **out,
                            size_t *n, Err *e);
/* Copies an organisation's answers from an old version to a new one along
 * the stored mapping (kept and changed items; changed ones flagged for
 * review). The old assessment stays as it was. POLICY_WRITE. */
int assess_store_upgrade(Db *db, const Principal *who, int64_t org_id, int64_t old_fw,
                         int64_t new_fw, size_t *copied, Err *e);

/* ---- answers ----------------------------------------------------------------- */

/* One item's answer with its details (indexed like fw->nodes). */
typedef struct AssessItem {
  int set;                  /* answered (level or N/A) */
  int na;
  int level;                /* on fw->scale; -1 when not set or N/A */
  int target;               /* the organisation's own target, -1 = framework default */
  int needs_review;         /* a linked measure was completed since the answer */
  const char *comment, *responsible, *assessed_on;  /* "" when empty */
  int64_t updated_at;
  const char *updated_by;   /* user name */
  int n_evidence;
  int n_measures;           /* open measures linked to the item */
} AssessItem;

/* One organisation's assessment of one framework version, scored. */
typedef struct AssessView {
  const AssessFramework *fw;  /* from assess_store_fw_load (released by assess_view_free) */
  int64_t fw_id, org_id;
  int64_t assessment_id;      /* 0 = nothing saved yet */
  AssessItem *items;          /* fw->nnodes, arena */
  AssessAnswer *ans;          /* fw->nnodes, arena: the input to score.h */
  AssessScores scores;        /* malloc'ed; freed by assess_view_free */
  int64_t updated_at;
  int64_t last_snapshot_at;   /* 0 = never completed */
} AssessView;

/* Full view (POLICY_READ). */
int assess_store_view(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, Arena *a,
                      AssessView *out, Err *e);
/* Scores only (POLICY_READ_SUMMARY): items[] carry level/target/na but empty
 * comments, responsible and evidence counts. */
int assess_store_view_scores(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, Arena *a,
                             AssessView *out, Err *e);
void assess_view_free(AssessView *v);

/* Save as you go: one item at a time; only the fields named in `fields` are
 * changed. Each changed field gets a history row (old → new). */
enum {
  ASSESS_F_LEVEL = 1,        /* level (>= 0) or clear (-1) */
  ASSESS_F_NA = 2,
  ASSESS_F_TARGET = 4,       /* -1 = back to the framework default */
  ASSESS_F_COMMENT = 8,
  ASSESS_F_RESPONSIBLE = 16,
  ASSESS_F_DATE = 32,        /* assessed_on, "" clears */
};
#define ASSESS_TEXT_MAX 4000      /* comment */
#define ASSESS_NAME_MAX 200       /* responsible, titles, owners */
typedef struct AssessAnswerIn {
  const char *ref_id;
  unsigned fields;           /* ASSESS_F_* */
  int level, na, target;
  const char *comment, *responsible, *assessed_on;
} AssessAnswerIn;
int assess_store_save(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                      const AssessAnswerIn *in, Err *e);

/* Several answers at once, all or nothing (CSV and JSON re-import). rows (may
 * be NULL) names each answer's row in the file for error messages.
 * *changed = fields changed (each also a history row). */
int assess_store_save_many(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, const AssessAnswerIn *v,
                           size_t n, const size_t *rows, size_t *changed, Err *e);

typedef struct AssessHist {
  int64_t at;
  const char *username, *ref_id, *field, *old_value, *new_value;  /* "" = empty */
} AssessHist;
/* Newest first; ref_id NULL = every item; limit 0 = 500. POLICY_READ. */
int assess_store_history(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                         const char *ref_id, int limit, Arena *a, AssessHist **out, size_t *n,
                         Err *e);

/* ---- evidence ----------------------------------------------------------------- */

#define ASSESS_EVIDENCE_MAX ((size_t)10 << 20)   /* larger uploads: VERR_TOOBIG */
typedef struct AssessEvidence {
  int64_t id, org_id, fw_id, size, created_at;
  const char *ref_id, *kind;         /* "file" or "link" */
  const char *name, *content_type, *sha256, *url, *created_by;
  const void *data;                  /* only from assess_evidence_get */
} AssessEvidence;
int assess_evidence_add_file(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                             const char *ref_id, const char *name, const char *content_type,
                             const void *data, size_t n, int64_t *id, Err *e);
/* url must be http:// or https://. */
int assess_evidence_add_link(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                             const char *ref_id, const char *title, const char *url, int64_t *id,
                             Err *e);
int assess_evidence_list(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                         const char *ref_id, Arena *a, AssessEvidence **out, size_t *n, Err *e);
/* One piece with its bytes (POLICY_READ on its organisation). */
int assess_evidence_get(Db *db, const Principal *who, int64_t id, Arena *a, AssessEvidence *out,
                        Err *e);
int assess_evidence_delete(Db *db, const Principal *who, int64_t id, Err *e);

/* ---- completion and snapshots --------------------------------------------------- */

/* Freezes the current answers and scores as a snapshot (POLICY_WRITE) and
 * marks the organisation done in open campaigns for this framework URN. */
int assess_store_complete(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                          int64_t *snapshot_id, Err *e);

typedef struct AssessSnapshot {
  int64_t id, fw_id, at;
  int version;
  double total;              /* fraction 0..1, -1 = nothing scored */
  int answered, na, open;
  const char *by;            /* user name */
} AssessSnapshot;
/* Snapshots of every version of fw's URN, oldest first (POLICY_READ_SUMMARY). */
int assess_store_snapshots(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, Arena *a,
                           AssessSnapshot **out, size_t *n, Err *e);
/* Per-node scores of one snapshot, for category trends. */
typedef struct AssessSnapScore {
  const char *ref_id;
  double score;              /* -1 = no score */
  int level, na, set;        /* the frozen answer (assessable items) */
} AssessSnapScore;
int assess_store_snapshot_scores(Db *db, const Principal *who, int64_t snapshot_id, Arena *a,
                                 AssessSnapScore **out, size_t *n, Err *e);

/* Gaps (assess_gaps) with item text and linked open measures. POLICY_READ. */
typedef struct AssessGapRow {
  AssessGap g;
  const char *ref_id, *name;
  int64_t measure_id;        /* an open measure already linked, 0 = none */
} AssessGapRow;
int assess_store_gaps(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, Arena *a,
                      AssessGapRow **out, size_t *n, Err *e);

/* ---- several organisations (regional and national views) ----------------------- */

typedef struct AssessOrgScore {
  int64_t org_id;
  const char *name, *kind;
  long long population;      /* -1 = unknown */
  int shown;                 /* 1 if this organisation's score may be shown (summary+) */
  double total;              /* latest snapshot of fw's URN; -1 = none or not shown */
  int64_t at;                /* when that snapshot was taken */
} AssessOrgScore;
typedef struct AssessAggregate {
  int shown;                 /* 0 = fewer than POLICY_K_MIN organisations count */
  size_t n;                  /* organisations counted (aggregate+ with a snapshot) */
  AssessGroupStats stats;    /* valid when shown */
} AssessAggregate;
/* Descendants of parent_org (municipalities, counties, IKS) with their latest
 * snapshot score of fw's URN, and the total over those that share at least
 * aggregates. Each organisation's row is there at POLICY_ORG_VIEW; its score
 * only at POLICY_READ_SUMMARY. */
int assess_store_member_scores(Db *db, const Principal *who, int64_t parent_org, int64_t fw_id,
                               Arena *a, AssessOrgScore **out, size_t *n, AssessAggregate *agg,
                               Err *e);
/* Distribution of levels for one item over the same set (aggregate+, k >= 5):
 * counts[level - scale.min] for levels min..max, plus N/A; shown = 0 below k. */
typedef struct AssessItemDist {
  int shown;
  size_t n, na;
  size_t counts[16];
} AssessItemDist;
int assess_store_item_distribution(Db *db, const Principal *who, int64_t parent_org, int64_t fw_id,
                                   const char *ref_id, AssessItemDist *out, Err *e);
/* The same for every assessable item at once (one query), in framework order. */
typedef struct AssessItemDistRow {
  const char *ref_id, *name;
  AssessItemDist d;
} AssessItemDistRow;
int assess_store_item_distributions(Db *db, const Principal *who, int64_t parent_org, int64_t fw_id,
                                    Arena *a, AssessItemDistRow **out, size_t *n, Err *e);

/* Benchmark of one organisation against municipalities of similar population
 * (assess_pop_band), nationwide. POLICY_READ_SUMMARY on org_id for its own
 * score; the peer group holds only the organisations the principal may count
 * in totals (POLICY_READ_AGGREGATE, i.e. its own subtree as the policy
 * stands), so a region or the national centre sees a real group while a
 * municipality on its own sees agg.shown = 0 unless the policy grows a
 * cross-sector benchmark action. The organisation itself is not in the group. */
typedef struct AssessBenchmark {
  int band;                  /* assess_pop_band of the organisation, -1 unknown */
  double own;                /* its latest snapshot total, -1 = none */
  AssessAggregate agg;       /* peers in the band with a snapshot of fw's URN */
  double rank;               /* assess_group_rank of own in the group (0..100), -1 n/a */
} AssessBenchmark;
int assess_store_benchmark(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                           AssessBenchmark *out, Err *e);

/* ---- campaigns ------------------------------------------------------------------ */

typedef enum AssessRecipStatus {
  ASSESS_RECIP_SENT = 0,     /* not started */
  ASSESS_RECIP_STARTED = 1,  /* answers saved after publication */
  ASSESS_RECIP_DONE = 2,     /* completed (snapshot) after publication */
} AssessRecipStatus;

typedef struct AssessCampaign {
  int64_t id, sender_org, fw_id, created_at;
  const char *title, *message, *deadline;   /* deadline "YYYY-MM-DD" */
  const char *sender_name, *fw_name, *fw_urn, *created_by;
  int closed;
  size_t n_recipients, n_started, n_done, n_late;
} AssessCampaign;

#define ASSESS_MESSAGE_MAX 4000
/* Publishes to every municipality, county and IKS below sender_org
 * (POLICY_WRITE on the sender). Each recipient gets an open task. */
int assess_campaign_publish(Db *db, const Principal *who, int64_t sender_org, int64_t fw_id,
                            const char *title, const char *message, const char *deadline,
                            int64_t *id, Err *e);
int assess_campaign_close(Db *db, const Principal *who, int64_t id, Err *e);
/* Campaigns sent by org (POLICY_READ on org), newest first. */
int assess_campaign_list_sent(Db *db, const Principal *who, int64_t org_id, Arena *a,
                              AssessCampaign **out, size_t *n, Err *e);
int assess_campaign_get(Db *db, const Principal *who, int64_t id, Arena *a, AssessCampaign *out,
                        Err *e);

/* Per-recipient progress (the sender's view): each row at POLICY_ORG_VIEW on
 * the recipient — whether it has answered is what a campaign asks, not a
 * result; its score is only in assess_campaign_results. */
typedef struct AssessRecipient {
  int64_t org_id;
  const char *name;
  AssessRecipStatus status;
  int64_t done_at, reminded_at;
  int late;                  /* deadline passed and not done */
} AssessRecipient;
int assess_campaign_progress(Db *db, const Principal *who, int64_t id, int late_only, Arena *a,
                             AssessRecipient **out, size_t *n, Err *e);

/* Results: per-organisation scores at summary+, the total over aggregate+
 * recipients that are done, withheld below POLICY_K_MIN. */
int assess_campaign_results(Db *db, const Principal *who, int64_t id, Arena *a,
                            AssessOrgScore **out, size_t *n, AssessAggregate *agg, Err *e);

/* The task list of an organisation: open campaigns it has not completed
 * (POLICY_READ on org), earliest deadline first. */
typedef struct AssessTask {
  int64_t campaign_id, fw_id;
  const char *title, *message, *deadline, *sender_name, *fw_name;
  AssessRecipStatus status;
  int late;
  int64_t reminded_at;
} AssessTask;
int assess_tasks(Db *db, const Principal *who, int64_t org_id, Arena *a, AssessTask **out,
                 size_t *n, Err *e);

/* Reminders: for every open campaign whose deadline is within `days` days
 * (or passed) and every recipient not done and not reminded in the last 24 h,
 * mark the task reminded (in-app) and, when smtp_url is given (smtp:// or
 * smtps://), e-mail the recipient's admins and editors that have an address.
 * Run by `varde serve` periodically and by `varde campaign remind`. */
typedef struct AssessRemindStats {
  size_t tasks, mails, mail_errors;
} AssessRemindStats;
typedef struct AssessSmtp {
  const char *url;           /* smtp://host:port */
  const char *from;          /* envelope and header sender */
  const char *base_url;      /* link in the mail, e.g. https://varde.example/ ; may be NULL */
} AssessSmtp;
int assess_campaign_remind(Db *db, const AssessSmtp *smtp, int days, AssessRemindStats *st, Err *e);
#define ASSESS_REMIND_DAYS 7   /* remind from a week before the deadline */

/* ---- measures (tiltaksplan) ------------------------------------------------------ */

typedef enum AssessFinancing {
  ASSESS_FIN_SELF = 0,       /* "self": the organisation pays */
  ASSESS_FIN_SHARED = 1,     /* "shared": cost shared by a key (population, equal share) */
  ASSESS_FIN_BASE = 2,       /* "base": base-funded (grunnfinansiert) */
} AssessFinancing;
typedef enum AssessMeasureStatus {
  ASSESS_MS_PLANNED = 0, ASSESS_MS_ACTIVE = 1, ASSESS_MS_DONE = 2, ASSESS_MS_CANCELLED = 3,
} AssessMeasureStatus;

typedef struct AssessMeasureItem {
  int64_t fw_id;
  const char *ref_id, *name, *fw_name;   /* name/fw_name filled on read */
} AssessMeasureItem;

typedef struct AssessMeasure {
  int64_t id, org_id;
  const char *title, *description, *owner, *deadline;  /* deadline "YYYY-MM-DD" or "" */
  long long cost_once, cost_yearly;                    /* NOK, -1 = not estimated */
  AssessFinancing financing;
  AssessMeasureStatus status;
  int64_t created_at, updated_at, done_at;
  int overdue;                                         /* filled on read */
  AssessMeasureItem *items;
  size_t nitems;
} AssessMeasure;

/* Create (m->id == 0) or update; the item links are replaced by m->items.
 * Setting status DONE flags every linked item for re-assessment. */
int assess_measure_save(Db *db, const Principal *who, AssessMeasure *m, int64_t *id, Err *e);
/* Several at once into org_id, all or nothing (CSV and JSON re-import): an id
 * of this organisation's measure updates it, any other id creates one. */
int assess_measure_save_many(Db *db, const Principal *who, int64_t org_id, AssessMeasure *v, size_t n, Err *e);
int assess_measure_get(Db *db, const Principal *who, int64_t id, Arena *a, AssessMeasure *out,
                       Err *e);
int assess_measure_delete(Db *db, const Principal *who, int64_t id, Err *e);
int assess_measure_set_status(Db *db, const Principal *who, int64_t id, AssessMeasureStatus st,
                              Err *e);
enum { ASSESS_ML_ALL = 0, ASSESS_ML_OPEN = 1, ASSESS_ML_OVERDUE = 2 };
/* An organisation's measures (POLICY_READ), by deadline. */
int assess_measure_list(Db *db, const Principal *who, int64_t org_id, int which, Arena *a,
                        AssessMeasure **out, size_t *n, Err *e);
/* A new measure closing the gap on one item: title from the item, deadline
 * 90 days ahead, cost from the item's estimate when it has one. */
int assess_measure_from_gap(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                            const char *ref_id, int64_t *id, Err *e);

const char *assess_financing_name(AssessFinancing f);    /* "self" "shared" "base" */
const char *assess_financing_label(AssessFinancing f);   /* Norwegian */
int assess_financing_parse(const char *s, AssessFinancing *out);
const char *assess_mstatus_name(AssessMeasureStatus s);  /* "planned" "active" "done" "cancelled" */
const char *assess_mstatus_label(AssessMeasureStatus s); /* Norwegian */
int assess_mstatus_parse(const char *s, AssessMeasureStatus *out);

/* ---- CSV export and re-import (core/csv, Norwegian Excel dialect) ------------------ */

/* Columns: ref_id;punkt;nivå;ikke_relevant;mål;kommentar;ansvarlig;vurdert_dato */
int assess_csv_export_answers(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, Buf *out,
                              Err *e);
/* Reads the same columns back (header with ref_id required; columns absent
 * from the header are left as they are; punkt is ignored). An unknown ref_id,
 * a level off the scale or a bad date fails the whole file, naming its row.
 * *changed = fields changed (each also a history row). */
int assess_csv_import_answers(Db *db, const Principal *who, int64_t org_id, int64_t fw_id,
                              const char *data, size_t n, size_t *changed, Err *e);
/* Every snapshot of fw's URN (POLICY_READ_SUMMARY), one row per snapshot and
 * node plus a "totalt" row each: øyeblikksbilde;tidspunkt_utc;versjon;ref_id;
 * nivå;ikke_relevant;poeng_prosent. Snapshots are frozen: there is no re-import. */
int assess_csv_export_snapshots(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, Buf *out, Err *e);
/* Columns: id;tittel;beskrivelse;ansvarlig;frist;engangskostnad;årlig_kostnad;
 * finansiering;status;punkter (space-separated urn#ref) */
int assess_csv_export_measures(Db *db, const Principal *who, int64_t org_id, Buf *out, Err *e);
/* Rows with an id of this organisation's measure update it; rows without id
 * (or with an id from elsewhere) create one. *changed = rows written. */
int assess_csv_import_measures(Db *db, const Principal *who, int64_t org_id, const char *data,
                               size_t n, size_t *changed, Err *e);

/* ---- demo data (varde demo) ------------------------------------------------------- */

/* Ships the frameworks and gives every municipality without snapshots a
 * deterministic history (see demo_assess.c); campaigns from national and
 * region (0 = none). Idempotent. */
int assess_demo(Db *db, const Principal *who, int64_t national, int64_t region, Err *e);

#endif
