/* audit.h — the append-only, hash-chained audit log. Each entry's hash is
 * SHA-256 over the previous entry's hash and all of this entry's fields, so
 * changing, removing or reordering any entry breaks the chain from there on.
 * The table also has triggers that refuse UPDATE and DELETE; the chain catches
 * what someone with direct file access does anyway.
 *
 * Every write in Varde calls audit_append inside the same transaction as the
 * change it records (db_begin ... audit_append ... db_commit), so the log and
 * the data cannot disagree. A removal of the newest entries is only visible
 * against a head hash noted elsewhere: `varde check` prints the head. */
#ifndef VARDE_AUDIT_H
#define VARDE_AUDIT_H
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/buf.h"
#include "core/err.h"

typedef struct Db Db;

#define AUDIT_HASH_HEX 64
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_DETAILS_MAX 4000   /* longer details are refused (VERR_TOOBIG) */

/* One thing that happened. who supplies user id, name and remote address
 * (may be NULL for the system itself). action is a short dotted English verb
 * ("org.create", "user.login", "session.logout"); details a short free text
 * (Norwegian or key=value), never a secret. */
typedef struct AuditEvent {
  const Principal *who;
  int64_t org_id;           /* 0 = not tied to one organisation */
  const char *action;
  const char *object_type;  /* "organisation", "user", ... or NULL */
  const char *object_id;    /* as text, or NULL */
  const char *details;      /* or NULL */
} AuditEvent;

/* Appends ev. Must be called inside an open transaction (VERR_INVALID
 * otherwise). Returns 0 and the new entry's id in *id (id may be NULL). */
int audit_append(Db *db, const AuditEvent *ev, int64_t *id, Err *e);

/* Convenience: opens a transaction around one audit_append (for events that
 * change nothing else, such as a failed log-in). */
int audit_record(Db *db, const AuditEvent *ev, Err *e);

/* Walks the whole chain. Returns 0 if intact, VERR_CONFLICT naming the first
 * broken entry in e->msg (and its id in *bad_id), or another VERR_* on a
 * database error. *count = entries checked, head = newest hash (may be NULL). */
int audit_verify(Db *db, int64_t *count, int64_t *bad_id, char head[AUDIT_HASH_HEX + 1], Err *e);

/* Filters for listing; zero/NULL fields do not filter. */
typedef struct AuditFilter {
  int64_t org_id;           /* entries of this organisation */
  const int64_t *org_ids;   /* or: entries of any of these (from policy_allowed_orgs) */
  size_t n_org_ids;
  int64_t user_id;
  const char *action_prefix;  /* "org." matches org.create, org.move, ... */
  int64_t since, until;     /* Unix seconds, inclusive since, exclusive until */
  int64_t before_id;        /* paging: only entries with id < before_id */
  int limit;                /* 0 = 100; capped at 10000 */
} AuditFilter;

typedef struct AuditEntry {
  int64_t id, at, user_id, org_id;
  const char *username, *action, *object_type, *object_id, *remote_addr, *details, *hash;
} AuditEntry;

/* Calls fn for each matching entry, newest first. The strings are valid only
 * during the call. A non-zero return from fn stops the walk and is returned. */
int audit_list(Db *db, const AuditFilter *f, int (*fn)(const AuditEntry *, void *), void *ctx, Err *e);

/* Matching entries as CSV (header row, `;`-separated, UTF-8 BOM, CRLF — the
 * dialect Norwegian Excel opens directly; cells starting with = + - @ are
 * prefixed with ' so a spreadsheet does not run them as formulas). */
int audit_export_csv(Db *db, const AuditFilter *f, Buf *out, Err *e);

#endif
