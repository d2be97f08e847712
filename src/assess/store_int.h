/* store_int.h — helpers shared by the store files (policy answers as error
 * codes, assessment rows, audit, hashing, dates). Internal to src/assess. */
#ifndef VARDE_ASSESS_STORE_INT_H
#define VARDE_ASSESS_STORE_INT_H
#include "assess/assess_store.h"
#include "audit/audit.h"
#include "db/db.h"
#include "policy/policy.h"

/* policy_check as an error code: 0, VERR_NOTFOUND or VERR_DENIED (with a
 * Norwegian message that never confirms a hidden object exists). */
int st_allow(Db *db, const Principal *who, PolicyAction act, int64_t org_id, Err *e);
/* Id of the living assessment of (org, fw); create = 1 makes it. *id = 0
 * when absent and not created. */
int st_assessment(Db *db, int64_t org_id, int64_t fw_id, int create, int64_t *id, Err *e);
/* audit_append with this principal (inside the caller's transaction). */
int st_audit(Db *db, const Principal *who, int64_t org_id, const char *action, const char *type,
             int64_t obj, const char *details, Err *e);
void st_sha256_hex(const void *p, size_t n, char out[65]);
/* Today's date (db_now(), UTC) as YYYY-MM-DD, and a date `days` later. */
void st_today(char out[11]);
void st_date_plus(int days, char out[11]);
/* 1 if s is a valid YYYY-MM-DD date ("" is not). */
int st_date_ok(const char *s);
/* Shortens s in place to at most max bytes without splitting a UTF-8 character. */
void st_cut_utf8(char *s, size_t max);
/* Checks a text field's length (bytes) and UTF-8 validity. */
int st_text_ok(const char *s, size_t max, const char *what, Err *e);
/* The same for a one-line value (titles, names): no line breaks or tabs either. */
int st_line_ok(const char *s, size_t max, const char *what, Err *e);
/* The organisation an assessment belongs to (and its framework). */
int st_assessment_owner(Db *db, int64_t assessment_id, int64_t *org_id, int64_t *fw_id, Err *e);
/* Loads the answers of an assessment into items/ans (fw->nnodes each). */
int st_load_answers(Db *db, const AssessFramework *fw, int64_t assessment_id, Arena *a,
                    AssessItem *items, AssessAnswer *ans, int details, Err *e);
/* The bodies of assess_store_save and assess_store_complete, inside the
 * caller's transaction and after the caller's policy check (bulk loads). */
int st_save_in(Db *db, const Principal *who, const AssessFramework *fw, int64_t org_id, int64_t fw_id,
               const AssessAnswerIn *in, Err *e);
int st_complete_in(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, int64_t *snapshot_id,
                   Err *e);
/* assess_measure_save inside the caller's transaction (checks included). */
int st_measure_save_in(Db *db, const Principal *who, AssessMeasure *m, int64_t *id, Err *e);
/* Score fraction <-> stored millionths (-1 = no score both ways). */
int64_t st_ppm(double fraction);
double st_unppm(int64_t ppm);
/* Campaign bookkeeping when an organisation saves (started) or completes. */
int st_campaign_touch(Db *db, int64_t org_id, int64_t fw_id, int status, Err *e);

/* Organisation rows with a latest score from sql (columns: org id, name,
 * kind, population, score_ppm or NULL, at; the `?` parameters bound from
 * types/args as in db_query, at most two int64 values), filtered through
 * policy: a row needs ORG_VIEW, its score SUMMARY; the aggregate counts rows
 * with AGGREGATE and a score, shown only from POLICY_K_MIN on. */
int st_org_scores(Db *db, const Principal *who, const char *sql, int64_t p1, int64_t p2, Arena *a,
                  AssessOrgScore **out, size_t *n, AssessAggregate *agg, Err *e);
/* Org ids reachable with act (sorted), for membership tests with st_has. */
typedef struct StIds { int64_t *v; size_t n; } StIds;
int st_ids(Db *db, const Principal *who, PolicyAction act, StIds *ids, Err *e);
int st_has(const StIds *ids, int64_t id);

#endif
