/* findings.h — vulnerability feeds stored in the database (NVD, KEV, EPSS,
 * CSAF), matching them against every organisation's inventory, and the
 * findings that come out: identity, priority, SLA, lifecycle and history.
 *
 * Feeds: each import runs in one transaction and is idempotent. A CVE (or
 * advisory, KEV entry, EPSS score) whose stored form is unchanged is left
 * alone; a changed one replaces the old and gets the import's generation
 * number, so matching knows what is new.
 *
 * Findings: one per (organisation, product, vulnerability id) — the UNIQUE
 * key, so re-matching never duplicates. Matching sets `matched` (the
 * inventory still satisfies the match). Lifecycle (FIND_ST_*):
 *   open -> in_progress | fixed | accepted | false_positive
 *   in_progress -> open | fixed | accepted | false_positive
 *   fixed (needs verification) -> verified (only once the match is gone) | open
 *   verified | accepted | false_positive -> open
 * accepted needs a reason, an expiry within FIND_ACCEPT_MAX_DAYS and the
 * director's authority (see README.md: the organisation's own admin);
 * false_positive needs a reason. Matching moves open/in_progress findings
 * whose match disappeared to fixed, and reopens fixed/verified ones that
 * match again (a regression). An expired acceptance reopens. Every change
 * writes a history row and an audit entry in the same transaction. */
#ifndef VARDE_FINDINGS_H
#define VARDE_FINDINGS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

typedef struct Db Db;
typedef struct VulnDb VulnDb;

/* ---- feeds (feeds.c) ---- */
typedef struct FindFeedStats {
  size_t records, added, updated, unchanged, bad;
  int64_t gen;            /* generation given to added/updated rows */
} FindFeedStats;

typedef enum { FIND_FEED_NVD, FIND_FEED_KEV, FIND_FEED_EPSS, FIND_FEED_CSAF } FindFeedKind;

/* Stores one document (already read and gunzipped) of the given kind.
 * Malformed records are reported (file and JSON path or line) to `report`
 * (a FILE *, may be NULL) and skipped. Opens its own transaction unless one
 * is open. progress (may be NULL) is called every few thousand records. */
typedef void (*FindProgress)(size_t done, size_t total_bytes, size_t at_byte, void *ctx);
int find_feed_store(Db *db, FindFeedKind kind, const char *name, const char *data, size_t len, void *report,
                    FindProgress progress, void *pctx, FindFeedStats *st, Err *e);
/* Reads a file (gzip or plain) into b (bounded). */
int find_read_file(const char *path, Buf *b, Err *e);

/* Small key/value state (sync cursor, matched generation). */
int find_state_get(Db *db, const char *name, char **out, Err *e);  /* *out NULL if absent */
int find_state_set(Db *db, const char *name, const char *value, Err *e);

/* Everything stored, as a VulnDb the matcher reads (NVD, KEV, EPSS, CSAF).
 * min_gen > 0 loads only CVEs/advisories with gen >= min_gen, and the KEV
 * and EPSS rows of those CVEs (all of them when advisories are among them). */
int find_load_vulndb(Db *db, int64_t min_gen, VulnDb **out, Err *e);

/* ---- matching (match.c) ---- */
typedef struct FindMatchStats {
  size_t products, matches, created, updated, reopened, closed;
  double ms_load, ms_match, ms_store;
} FindMatchStats;

/* Full re-match: every product of every organisation against all feeds. */
int find_match_all(Db *db, const Principal *who, FindMatchStats *st, Err *e);
/* Only what changed: inventory change log entries since the last run, and
 * CVEs/advisories imported since the last run (against every product), then
 * KEV/EPSS annotations refreshed. Equal in outcome to find_match_all. */
int find_match_incremental(Db *db, const Principal *who, FindMatchStats *st, Err *e);
/* One organisation's products (product_id 0 = all of them), e.g. from the
 * inventory change hook. */
int find_match_org(Db *db, const Principal *who, int64_t org_id, int64_t product_id, FindMatchStats *st, Err *e);
/* Drop the loaded feeds and their index (kept per process and feed
 * generation): the next run loads them again, as a new process would. */
void find_cache_flush(void);

/* ---- findings (lifecycle.c) ---- */
typedef enum FindStatus {
  FIND_ST_OPEN = 0, FIND_ST_IN_PROGRESS, FIND_ST_FIXED, FIND_ST_VERIFIED, FIND_ST_ACCEPTED,
  FIND_ST_FALSE_POSITIVE, FIND_ST_N
} FindStatus;

#define FIND_ACCEPT_MAX_DAYS 730
#define FIND_REASON_MAX 2000

const char *find_status_name(FindStatus s);       /* "open", "in_progress", ... */
const char *find_status_label(FindStatus s);      /* Norwegian */
int find_status_parse(const char *s, FindStatus *out);  /* 0 or VERR_INVALID */
const char *find_class_label(const char *cls);    /* "kritisk", "høy", ... */
/* Is from -> to a legal manual transition? (matched: the match still holds) */
bool find_transition_ok(FindStatus from, FindStatus to, bool matched);

typedef struct Finding {
  int64_t id, org_id, product_id;
  const char *vuln_id, *source, *advisory, *product_name, *cvss_vector, *kev_due, *cls, *confidence, *reason;
  const char *status_reason, *description;
  double cvss, epss, epss_pct, priority;    /* -1 unknown */
  bool kev, ransomware, internet, matched, overdue;
  int criticality;
  FindStatus status;
  int64_t first_seen, due_at, updated_at, accepted_until, decided_by;
  /* A finding from a network scan (src/findings/scan.h) has product_id < 0
   * and these set; an inventory finding has origin "inventory", the rest
   * "" and 0. scan_confidence is the scanner's grade (low, medium, high). */
  const char *origin, *scan_addr, *scan_cpe, *scan_confidence, *scan_evidence;
  int scan_port;
  int64_t scan_first_run, scan_last_run, scan_gone_run;
} Finding;

typedef struct FindFilter {
  int64_t org_id;              /* required unless org_ids is set */
  const int64_t *org_ids;
  size_t n_org_ids;
  int status;                  /* -1 any, -2 active (open/in_progress/fixed), else FIND_ST_* */
  const char *cls;             /* critical/high/medium/low or NULL */
  int kev;                     /* -1 any, 0/1 */
  bool overdue;                /* only overdue (active and past due) */
  const char *q;               /* substring of vuln id or product name */
  int origin;                  /* 0 any, 1 inventory products only, 2 scans only */
  int named;                   /* 0 any, 1 version checked (no KEV name matches), 2 KEV name matches only */
  int limit;                   /* 0 = 500, capped at 100000 */
} FindFilter;

/* Findings matching f, ordered by priority then due date; in arena a. */
int find_list(Db *db, Arena *a, const FindFilter *f, Finding **out, size_t *n, Err *e);
int find_get(Db *db, Arena *a, int64_t org_id, int64_t id, Finding *out, Err *e);

typedef struct FindHistory {
  int64_t at, user_id;
  const char *username, *from, *to, *note;
} FindHistory;
int find_history(Db *db, Arena *a, int64_t finding_id, FindHistory **out, size_t *n, Err *e);

/* A manual change of status. reason: required for accepted/false_positive;
 * until: expiry (Unix seconds) for accepted. The caller has checked the
 * policy (POLICY_WRITE; for accepted the director's authority). Illegal
 * transitions answer VERR_CONFLICT. */
int find_set_status(Db *db, const Principal *who, int64_t org_id, int64_t id, FindStatus to, const char *reason,
                    int64_t until, Err *e);
/* Reopens accepted findings whose acceptance expired before now. */
int find_expire(Db *db, int64_t now, size_t *reopened, Err *e);

/* SLA days per class (critical, high, medium, low). */
int find_sla_get(Db *db, int days[4], Err *e);
int find_sla_set(Db *db, const Principal *who, const char *cls, int days, Err *e);
/* Due time: first_seen + SLA days of cls, or the KEV deadline if earlier.
 * The KEV deadline is CISA's dueDate while that is still ahead when the
 * finding is first seen; a catalogue entry whose date had already passed
 * gets CISA's own window (dueDate - dateAdded) from first sight instead,
 * so a years-old entry is not overdue on the day it is found. kev_added
 * may be NULL (the NVD copy of the KEV flag has no date added). */
int64_t find_due(const int days[4], const char *cls, int64_t first_seen, const char *kev_due, const char *kev_added);
int find_class_index(const char *cls);   /* 0 critical .. 3 low, -1 unknown */

/* CSV (Norwegian Excel dialect) of the findings matching f. */
int find_export_csv(Db *db, const FindFilter *f, Buf *out, Err *e);

/* Counts for dashboards. */
typedef struct FindCounts {
  int64_t active, critical, high, kev, overdue, accepted;
  int64_t named;   /* active KEV name matches: version not checked */
} FindCounts;
int find_counts(Db *db, int64_t org_id, FindCounts *c, Err *e);

/* Per-vulnerability exposure among orgs: how many of `orgs` have an active
 * finding for each KEV-listed vulnerability (kev_only) or any. fn is called
 * per vulnerability with the count of organisations. */
typedef struct FindExposure {
  const char *vuln_id;
  int64_t n_orgs, n_findings;
  double max_priority;
} FindExposure;
int find_exposure(Db *db, Arena *a, const int64_t *orgs, size_t n, bool kev_only, FindExposure **out, size_t *nout,
                  int64_t *orgs_with_kev, Err *e);

/* ---- NVD API client (sync.c) ---- */
typedef struct FindSyncOpts {
  const char *base_url;        /* default https://services.nvd.nist.gov/rest/json/cves/2.0 */
  const char *api_key;         /* or NULL */
  int results_per_page;        /* default 2000 */
  int max_retries;             /* default 5 */
  double min_interval;         /* seconds between requests; <0 = from the published limits */
  int64_t start;               /* lastModStartDate if no cursor (Unix s); 0 = 120 days ago */
  int64_t end;                 /* 0 = now */
  int max_pages;               /* stop after this many pages (tests: interruption); 0 = no limit */
  bool quiet;
} FindSyncOpts;
int find_sync_nvd(Db *db, const FindSyncOpts *o, FindFeedStats *st, Err *e);

/* ---- demo and web ---- */
int find_demo(Db *db, const Principal *who, const char *shared, Err *e);
void findings_web_init(void);

#endif
