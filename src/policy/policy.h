/* policy.h — the one authorisation point: "may this principal do this action
 * on something that belongs to this organisation?". Every handler and command
 * asks here; nobody decides access on their own.
 *
 * Rules (the table in policy.c is the source of truth; tests/unit/test_policy.c
 * checks every role x relation x sharing level):
 *
 *  Relation of the acting user to the target organisation, from memberships:
 *   OWN         member of the organisation itself (role viewer/editor/admin/auditor)
 *   ANCESTOR    member of a parent, grand-parent... (region, national centre)
 *   DESCENDANT  member of a child (a municipality looking at its region)
 *   OTHER       sibling or unrelated: sees nothing, not even that it exists
 *  Several memberships: the most permissive answer wins.
 *
 *  Roles act only where they are held: an editor of a region cannot write in
 *  a member municipality. Writes happen inside one's own organisation.
 *  In their own organisation a viewer reads, an editor also writes, an admin
 *  may do everything (users, record, sharing, audit log, scope, risks). An
 *  auditor (control committee, audit) reads like a viewer and may also read
 *  and export the audit log, and nothing else. As a member of an ancestor an
 *  auditor is a viewer: the child's audit log is for ancestor admins only.
 *  What an ancestor may read is the child's choice (sharing_level):
 *   none       the organisation record only (name, number, place in the tree)
 *   aggregate  + its data may count in totals (the default), k >= 5 applies
 *   summary    + per-organisation scores
 *   full       + details (for assistance), and its audit log for ancestor admins
 *  Administration from above: an admin of an ancestor may edit the child's
 *  organisation record (name, numbers, population, children, moves inside
 *  the admin's subtree) but not its sharing level, and may not manage its
 *  users — that would let a parent grant itself what the child chose not to
 *  share. Exception (bootstrap): while a child has no admin at all, an
 *  ancestor admin may add its members, so a new municipality can be set up.
 *
 *  Answers: ALLOW; DENY (403: you can see it but may not do this);
 *  NOT_VISIBLE (404: as if it did not exist). Anything the actor cannot read
 *  answers NOT_VISIBLE, so refusals never confirm that an object exists.
 *  The local command line (Principal.via == AUTH_VIA_CLI) is the operator and
 *  is allowed everything but sensor_act; an anonymous or half-logged-in
 *  principal is denied.
 *
 *  Sensors (Principal.via == AUTH_VIA_SENSOR, user_id 0) are no members and
 *  hold no role: a sensor may do sensor_act ("act as this organisation's
 *  scan sensor": fetch its jobs, post their results) on its own organisation
 *  and nothing else — DENY for any other action there, NOT_VISIBLE anywhere
 *  else. No user, of whatever role, ever gets sensor_act (DENY where the
 *  organisation is visible, else NOT_VISIBLE); nor does the command line,
 *  which is no sensor. */
#ifndef VARDE_POLICY_H
#define VARDE_POLICY_H
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/err.h"

typedef struct Db Db;

typedef enum PolicyAction {
  POLICY_ORG_VIEW = 0,     /* see the organisation record */
  POLICY_READ_AGGREGATE,   /* count its data in totals (then check policy_aggregate_allowed) */
  POLICY_READ_SUMMARY,     /* per-organisation scores */
  POLICY_READ,             /* read details */
  POLICY_READ_PUBLISHED,   /* read what it publishes to its subtree (advisories, templates) */
  POLICY_WRITE,            /* create, change, delete its data */
  POLICY_ORG_EDIT,         /* edit its record, add child organisations, move it */
  POLICY_SHARING_SET,      /* change its sharing level */
  POLICY_MEMBERS_MANAGE,   /* add/remove its users and their roles */
  POLICY_AUDIT_READ,       /* read and export its audit log */
  POLICY_SCOPE_CONFIRM,    /* confirm what may be scanned (its own admins only) */
  POLICY_RISK_ACCEPT,      /* accept a risk on its behalf: the director's call (its own admins only) */
  POLICY_SENSOR_ACT,       /* act as its scan sensor (a sensor principal of that organisation only) */
  POLICY_N_ACTIONS
} PolicyAction;

typedef enum PolicyResult {
  POLICY_ALLOW = 0,
  POLICY_DENY = 1,
  POLICY_NOT_VISIBLE = 2,
} PolicyResult;

typedef enum PolicyRelation {
  POLICY_REL_OTHER = 0,
  POLICY_REL_DESCENDANT,
  POLICY_REL_ANCESTOR,
  POLICY_REL_OWN,
} PolicyRelation;

typedef enum PolicySharing {
  POLICY_SHARE_NONE = 0,
  POLICY_SHARE_AGGREGATE = 1,
  POLICY_SHARE_SUMMARY = 2,
  POLICY_SHARE_FULL = 3,
} PolicySharing;

/* Aggregates over fewer organisations than this are not shown. */
#define POLICY_K_MIN 5

/* The pure rule table: no database. role is the highest role held in that
 * relation (AUTH_ROLE_NONE for DESCENDANT/OTHER). */
PolicyResult policy_decide(PolicyRelation rel, AuthRole role, PolicySharing share, PolicyAction act);

/* The pure rule for a sensor principal; own_org is 1 when the target is the
 * sensor's own organisation. */
PolicyResult policy_decide_sensor(int own_org, PolicyAction act);

/* The authorisation point. Looks up the principal's memberships and the
 * target organisation. An unknown org_id answers NOT_VISIBLE. A database
 * error answers DENY with the message on e (e->code set). */
PolicyResult policy_check(Db *db, const Principal *who, PolicyAction act, int64_t org_id, Err *e);

/* Moving org under new_parent (0 = make it a root): needs POLICY_ORG_EDIT on
 * the organisation and on the new parent, so an admin moves things only
 * inside the subtree they administer. Only the command line creates roots.
 * The answer for the organisation itself wins when it is not ALLOW. */
PolicyResult policy_check_move(Db *db, const Principal *who, int64_t org_id, int64_t new_parent, Err *e);

/* Organisations on which `act` is allowed, ordered by id (malloc'd array;
 * caller frees *ids). For lists, the organisation switcher and aggregates. */
int policy_allowed_orgs(Db *db, const Principal *who, PolicyAction act, int64_t **ids, size_t *n, Err *e);

/* 1 if a total over n organisations may be shown (n >= POLICY_K_MIN). */
int policy_aggregate_allowed(size_t n_orgs);

/* Names, for messages, logs and tests. */
const char *policy_action_name(PolicyAction act);
const char *policy_result_name(PolicyResult r);
const char *policy_sharing_name(PolicySharing s);
/* "none"/"aggregate"/"summary"/"full" -> 0, or VERR_INVALID. */
int policy_sharing_parse(const char *s, PolicySharing *out);

#endif
