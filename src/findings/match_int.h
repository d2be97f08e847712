/* match_int.h — the matching run shared by match.c (items, storing one
 * match) and run.c (full, incremental, per-organisation runs). */
#ifndef VARDE_FINDINGS_MATCH_INT_H
#define VARDE_FINDINGS_MATCH_INT_H
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "findings/findings.h"
#include "vuln/match.h"

typedef struct DbStmt DbStmt;
typedef struct VulnMap VulnMap;

typedef struct FindItemMeta {
  int64_t org_id, product_id;
} FindItemMeta;

/* Products as matcher items, with where each came from. */
typedef struct FindItems {
  Arena *arena;
  VulnItem *item;
  FindItemMeta *meta;
  size_t n, cap, skipped;
} FindItems;

int find_items_org(Db *db, FindItems *x, int64_t org_id, int64_t product_id, Err *e);
int find_items_all(Db *db, FindItems *x, Err *e);
void find_items_free(FindItems *x);

/* The stored findings in memory (known.c), for a full run's comparison. */
typedef struct FindKnownRow {
  int64_t id, due_at, first_seen;
  double priority;
  uint64_t digest;            /* find_known_digest(reason, product_name) */
  int criticality;
  unsigned char status, matched, kev, internet, seen;
  signed char source;         /* find_known_source */
} FindKnownRow;
typedef struct FindKnown FindKnown;
int find_known_load(Db *db, FindKnown **out, Err *e);
void find_known_free(FindKnown *k);
size_t find_known_count(const FindKnown *k);
int find_known_reserve(FindKnown *k, size_t more);   /* room for `more` new rows: 0 or VERR_NOMEM */
FindKnownRow *find_known_get(FindKnown *k, int64_t org, int64_t product, const char *vuln);
FindKnownRow *find_known_add(FindKnown *k, int64_t org, int64_t product, const char *vuln);
/* The row's position + 1 (0: none), and the row at a position: positions
 * stay valid while rows are added (pointers may not). find_known_find only
 * reads, so threads may call it together while nothing is added. */
size_t find_known_find(const FindKnown *k, int64_t org, int64_t product, const char *vuln);
FindKnownRow *find_known_at(FindKnown *k, size_t i);
/* Of one match, worked out before the serial storing (run.c, two threads):
 * its evidence digest and its stored row (position + 1, 0 none); in a
 * first run (nothing stored) its evidence text too (else NULL). */
typedef struct FindPre {
  uint64_t digest;
  size_t row, why_at;
  const char *why;
} FindPre;
int find_known_unseen(const FindKnown *k, int64_t **ids, size_t *n);
uint64_t find_known_digest(const char *reason, const char *name);
int find_known_source(const char *s);   /* "nvd" 0, "csaf" 1, "kev" 2, "scan" 3, else -1 */

typedef struct FindRun {
  Db *db;
  const Principal *who;
  int64_t now;
  int sla[4];
  DbStmt *sel, *ins, *upd, *kdel, *kins, *hist;
  int64_t *seen;              /* finding ids the run matched, for closing the rest */
  size_t nseen, capseen;
  FindMatchStats st;
  const VulnDb *kevdb;        /* the feeds being matched: KEV dates, EPSS of KEV name matches */
  const char *reopen_note;    /* history note of a regression; NULL: the inventory's wording */
  FindKnown *known;           /* full run: every stored finding (then seen stays empty) */
  struct FindBatch *batch;    /* full run: new findings written in batches (batch.c) */
  VulnMap *keys;              /* full run: stored finding_keys rows -> index in keyseen */
  unsigned char *keyseen;
  size_t nkeys;
  const FindPre *pre;         /* full run: per match of the item being stored, or NULL */
  const FindPre *cur;         /* the match find_store_match is given (set by find_store_item) */
  int64_t created_by;         /* this run's finding_runs row, once it has created a finding (0: not yet) */
  int first;                  /* full run, nothing stored at its start: an item's first match of an id is new */
  int fresh;                  /* the match being stored is such a one (no lookup needed) */
} FindRun;

typedef struct FindBatch FindBatch;
int find_run_open(FindRun *r, Db *db, const Principal *who, Err *e);
/* Shared by match.c and batch.c. */
int find_run_history(FindRun *r, int64_t id, const char *from, const char *to, const char *note, Err *e);
/* The run's finding_runs row (written with its first new finding): what a
 * new finding's created_by names instead of a creation history row. */
int find_run_creator(FindRun *r, int64_t *id, Err *e);
void find_bind_annotations(DbStmt *st, int i, const VulnMatch *m, const VulnItem *it);
const char *find_src_name(int source);
double find_priority_rounded(double p);   /* as stored: two decimals */
const char *find_kev_added(const FindRun *r, const VulnMatch *m);
/* batch.c: a full run's new findings (ids assigned at once, rows written at
 * the next flush; flush before anything else writes findings). */
int find_batch_open(FindRun *r, Err *e);
int find_batch_add(FindRun *r, const FindItemMeta *meta, const VulnItem *it, const VulnMatch *m, const char *why,
                   int64_t due, int64_t *id, Err *e);
int find_batch_flush(FindRun *r, Err *e);
void find_batch_close(FindRun *r);
void find_run_close(FindRun *r);
int find_seen_add(FindRun *r, int64_t id);
/* One match / all of one item's matches (from index `from` in l) stored.
 * why: the evidence text, or NULL for vuln_match_reason's. */
int find_store_match(FindRun *r, const FindItemMeta *meta, const VulnItem *it, const VulnMatch *m, const char *why,
                     Err *e);
int find_store_item(FindRun *r, const FindItemMeta *meta, const VulnItem *it, VulnMatchList *l, size_t from,
                    Err *e);
/* The feeds of the current generation, loaded and indexed once per process
 * (run.c). Acquire locks the cache (the matcher is not thread-safe), release
 * unlocks; find_cache_kev is the KEV name index while it is held. ms
 * accumulates the loading time when it happens. */
int find_cache_acquire(Db *db, VulnDb **v, VulnMatcher **m, double *ms, Err *e);
const struct VulnKevNames *find_cache_kev(void);
/* With the cache held, before matching items it against the cached feeds:
 * feeds a full run loaded in part (the CVEs its items' keys can reach) are
 * loaded whole when one of these items has a key outside that part. *v, *m
 * (when given): the cache's, which a reload replaces. */
int find_cache_cover(Db *db, const VulnItem *it, size_t n, VulnDb **v, VulnMatcher **m, double *ms, Err *e);
void find_cache_release(void);
/* Inventory findings (product_id > 0) with matched = 1 in the scope (WHERE
 * clause with one bound value of type 'l' or 's') that the run has not seen:
 * closed. Scan findings (product_id < 0, scan.c) have their own closing. */
int find_close_scope(FindRun *r, const char *where, char type, int64_t lv, const char *sv, Err *e);
int find_close_ids(FindRun *r, const int64_t *ids, size_t n, Err *e);

/* vuln_id-independent product keys (keys.c): "vendor:product" of an item's
 * CPE in WFN form, "*" when either has a wildcard, 0 without a CPE. */
size_t find_item_key(const VulnItem *it, char *key, size_t cap);
int find_keys_store(FindRun *r, const FindItemMeta *meta, const VulnItem *it, Err *e);
/* A full run: the stored keys read first (r->keys), and at the end the rows
 * no product gave again deleted; rows already stored are not rewritten. */
int find_keys_full_begin(FindRun *r, Err *e);
int find_keys_full_end(FindRun *r, Err *e);
/* Products a set of new CVEs can name; -1 in *all when every product must
 * be looked at (a wildcarded criterion, or keys not yet complete). */
int find_keys_candidates(FindRun *r, const VulnDb *v, int64_t (**pairs)[2], size_t *n, int *all, Err *e);

/* KEV entries by vendor and product name (src/vuln/kevname.c): for
 * products the catalogue names but NVD has no configuration for. Source
 * "kev", confidence "name": the version is not checked. */
#define FIND_SRC_KEV VULN_SRC_KEV
/* The scanner's own checks (scan.c): source "scan", vuln_id the check's id. */
#define FIND_SRC_SCAN 3
#define FIND_NSRC 4
/* Store the KEV name matches of one item (skipping CVEs NVD configures or
 * that l already holds for it). */
int find_kev_match_item(FindRun *r, const VulnKevNames *x, const FindItemMeta *meta, const VulnItem *it,
                        const VulnMatchList *l, Err *e);

#endif
