/* lifecycle.c — a finding's status: names, the legal transitions, manual
 * changes with reason and expiry, expiry of accepted risk, SLA days and due
 * dates, and the history every change writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "db/db.h"
#include "findings/findings.h"
#include "findings/internal.h"

static const char *const st_names[FIND_ST_N] = {"open", "in_progress", "fixed", "verified", "accepted",
                                                "false_positive"};
static const char *const st_labels[FIND_ST_N] = {"Åpen", "Under arbeid", "Utbedret (må verifiseres)",
                                                 "Verifisert utbedret", "Akseptert risiko", "Falsk positiv"};

const char *find_status_name(FindStatus s) { return s < FIND_ST_N ? st_names[s] : "open"; }
const char *find_status_label(FindStatus s) { return s < FIND_ST_N ? st_labels[s] : "?"; }

int find_status_parse(const char *s, FindStatus *out) {
  for (int i = 0; s && i < FIND_ST_N; i++)
    if (!strcmp(s, st_names[i])) {
      *out = (FindStatus)i;
      return 0;
    }
  return VERR_INVALID;
}

static const char *const classes[4] = {"critical", "high", "medium", "low"};

int find_class_index(const char *cls) {
  for (int i = 0; cls && i < 4; i++)
    if (!strcmp(cls, classes[i])) return i;
  return -1;
}

const char *find_class_label(const char *cls) {
  static const char *const l[4] = {"kritisk", "høy", "middels", "lav"};
  int i = find_class_index(cls);
  return i < 0 ? "?" : l[i];
}

bool find_transition_ok(FindStatus from, FindStatus to, bool matched) {
  if (from == to || to >= FIND_ST_N) return false;
  switch (from) {
  case FIND_ST_OPEN:
  case FIND_ST_IN_PROGRESS:
    return to != FIND_ST_VERIFIED;
  case FIND_ST_FIXED:
    return to == FIND_ST_OPEN || (to == FIND_ST_VERIFIED && !matched);
  case FIND_ST_VERIFIED:
  case FIND_ST_ACCEPTED:
  case FIND_ST_FALSE_POSITIVE:
    return to == FIND_ST_OPEN;
  default:
    return false;
  }
}

/* "YYYY-MM-DD" as Unix seconds at 23:59:59 UTC that day, or 0. */
static int64_t day_end(const char *d) {
  struct tm tm = {0};
  if (!d || strlen(d) != 10 || !strptime(d, "%Y-%m-%d", &tm)) return 0;
  return (int64_t)timegm(&tm) + 86399;
}

int64_t find_due(const int days[4], const char *cls, int64_t first_seen, const char *kev_due, const char *kev_added) {
  int i = find_class_index(cls);
  int64_t due = first_seen + (int64_t)days[i < 0 ? 3 : i] * 86400;
  int64_t k = day_end(kev_due), added = day_end(kev_added);
  if (k && added && k < first_seen) {
    int64_t window = k - added > 0 ? k - added : 0;   /* seven catalogue entries have a negative window */
    k = first_seen + window;
  }
  return k && k < due ? k : due;
}

int find_sla_get(Db *db, int days[4], Err *e) {
  static const int def[4] = {7, 30, 90, 180};
  memcpy(days, def, sizeof def);
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, "SELECT class, days FROM finding_sla", "");
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    int i = find_class_index(db_col_text(st, 0));
    if (i >= 0) days[i] = (int)db_col_int(st, 1);
  }
  db_finalize(st);
  return rc == DB_DONE ? 0 : rc;
}

/* A new SLA applies to every active finding's due date at once. */
int find_sla_set(Db *db, const Principal *who, const char *cls, int days, Err *e) {
  if (find_class_index(cls) < 0) return err_set(e, VERR_INVALID, "ukjent klasse «%s» (critical, high, medium, low)", cls);
  if (days < 1 || days > 3650) return err_set(e, VERR_INVALID, "antall dager må være 1–3650");
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = db_exec(db, e, "UPDATE finding_sla SET days = ? WHERE class = ?", "is", days, cls);
  int sla[4];
  if (!rc) rc = find_sla_get(db, sla, e);
  DbStmt *st = NULL;
  if (!rc)
    rc = db_query(db, &st, e, "SELECT id, class, first_seen, kev_due, kev_added FROM findings WHERE class = ?", "s", cls);
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    int64_t due = find_due(sla, db_col_text(st, 1), db_col_int(st, 2), db_col_is_null(st, 3) ? NULL : db_col_text(st, 3),
                           db_col_is_null(st, 4) ? NULL : db_col_text(st, 4));
    rc = db_exec(db, e, "UPDATE findings SET due_at = ? WHERE id = ?", "ll", due, db_col_int(st, 0));
    if (rc) break;
  }
  db_finalize(st);
  if (rc == DB_DONE) rc = 0;
  char d[64];
  snprintf(d, sizeof d, "%s=%d", cls, days);
  AuditEvent ev = {who, 0, "findings.sla", "finding_sla", cls, d};
  if (!rc) rc = audit_append(db, &ev, NULL, e);
  if (rc) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

int find_history_add(Db *db, const Principal *who, int64_t finding_id, const char *from, const char *to,
                     const char *note, Err *e) {
  int64_t uid = who ? who->user_id : 0;
  return db_exec(db, e,
                 "INSERT INTO finding_history (finding_id, at, user_id, username, from_status, to_status, note)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)",
                 "lllssss", finding_id, db_now(), uid, who ? who->username : "system", from, to, note);
}

static int check_change(FindStatus from, FindStatus to, bool matched, const char *reason, int64_t until,
                        int64_t now, Err *e) {
  if (!find_transition_ok(from, to, matched)) {
    if (from == FIND_ST_FIXED && to == FIND_ST_VERIFIED)
      return err_set(e, VERR_CONFLICT, "Kan ikke verifisere: inventaret treffer fortsatt sårbarheten.");
    return err_set(e, VERR_CONFLICT, "Ulovlig statusendring: %s → %s.", find_status_label(from), find_status_label(to));
  }
  size_t rl = reason ? strlen(reason) : 0;
  if ((to == FIND_ST_ACCEPTED || to == FIND_ST_FALSE_POSITIVE) && rl < 3)
    return err_set(e, VERR_INVALID, "Begrunnelse er påkrevd.");
  if (rl > FIND_REASON_MAX) return err_set(e, VERR_INVALID, "Begrunnelsen er for lang (maks %d tegn).", FIND_REASON_MAX);
  if (to == FIND_ST_ACCEPTED && (until <= now || until > now + (int64_t)FIND_ACCEPT_MAX_DAYS * 86400))
    return err_set(e, VERR_INVALID, "Utløpsdato for akseptert risiko må være i fremtiden og innen %d dager.",
                   FIND_ACCEPT_MAX_DAYS);
  return 0;
}

int find_set_status(Db *db, const Principal *who, int64_t org_id, int64_t id, FindStatus to, const char *reason,
                    int64_t until, Err *e) {
  int rc = db_begin(db, e);
  if (rc) return rc;
  DbStmt *st = NULL;
  FindStatus from = FIND_ST_OPEN;
  bool matched = false;
  char vuln[64] = "";
  rc = db_query(db, &st, e, "SELECT status, matched, vuln_id FROM findings WHERE id = ? AND org_id = ?", "ll", id,
                org_id);
  if (!rc) rc = db_step(st, e);
  if (rc == DB_ROW) {
    find_status_parse(db_col_text(st, 0), &from);
    matched = db_col_int(st, 1) != 0;
    snprintf(vuln, sizeof vuln, "%s", db_col_text(st, 2));
    rc = 0;
  } else if (rc == DB_DONE) {
    rc = err_set(e, VERR_NOTFOUND, "Funnet finnes ikke.");
  }
  db_finalize(st);
  int64_t now = db_now();
  if (!rc) rc = check_change(from, to, matched, reason, until, now, e);
  if (!rc)
    rc = db_exec(db, e,
                 "UPDATE findings SET status = ?, status_reason = ?, accepted_until = ?, decided_by = ?,"
                 " updated_at = ? WHERE id = ?",
                 "ssllll", find_status_name(to), reason && *reason ? reason : NULL,
                 to == FIND_ST_ACCEPTED ? until : 0, who ? who->user_id : 0, now, id);
  if (!rc) rc = find_history_add(db, who, id, find_status_name(from), find_status_name(to), reason, e);
  char d[160];
  snprintf(d, sizeof d, "%s: %s -> %s", vuln, find_status_name(from), find_status_name(to));
  char oid[24];
  snprintf(oid, sizeof oid, "%lld", (long long)id);
  AuditEvent ev = {who, org_id, "finding.status", "finding", oid, d};
  if (!rc) rc = audit_append(db, &ev, NULL, e);
  if (rc) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

/* One batch of expired acceptances reopened; *n how many. */
static int expire_batch(Db *db, int64_t now, size_t *n, Err *e) {
  DbStmt *st = NULL;
  int64_t ids[256] = {0};
  *n = 0;
  int rc = db_query(db, &st, e, "SELECT id FROM findings WHERE status = 'accepted' AND accepted_until < ? LIMIT 256",
                    "l", now);
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW && *n < 256) ids[(*n)++] = db_col_int(st, 0);
  db_finalize(st);
  if (rc == DB_DONE || rc == DB_ROW) rc = 0;
  for (size_t i = 0; !rc && i < *n; i++) {
    rc = db_exec(db, e, "UPDATE findings SET status = 'open', updated_at = ? WHERE id = ?", "ll", now, ids[i]);
    if (!rc) rc = find_history_add(db, NULL, ids[i], "accepted", "open", "Akseptert risiko utløpt: gjenåpnet", e);
  }
  return rc;
}

int find_expire(Db *db, int64_t now, size_t *reopened, Err *e) {
  size_t n = 0;
  *reopened = 0;
  int own = !db_in_transaction(db);
  int rc = own ? db_begin(db, e) : 0;
  do {
    if (!rc) rc = expire_batch(db, now, &n, e);
    *reopened += n;
  } while (!rc && n == 256);
  if (!own) return rc;
  if (rc) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}
