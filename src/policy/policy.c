/* policy.c — the rule table (policy_decide) and the lookups that find the
 * principal's relation to an organisation (policy_check). See policy.h. */
#include "policy/policy.h"

#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "policy/policy_int.h"

enum { A = POLICY_ALLOW, D = POLICY_DENY, N = POLICY_NOT_VISIBLE };

/* Own organisation: one column per role (viewer, editor, admin, auditor). */
static const unsigned char own_table[POLICY_N_ACTIONS][AUTH_ROLE_LAST] = {
  [POLICY_ORG_VIEW] = {A, A, A, A},
  [POLICY_READ_AGGREGATE] = {A, A, A, A},
  [POLICY_READ_SUMMARY] = {A, A, A, A},
  [POLICY_READ] = {A, A, A, A},
  [POLICY_READ_PUBLISHED] = {A, A, A, A},
  [POLICY_WRITE] = {D, A, A, D},
  [POLICY_ORG_EDIT] = {D, D, A, D},
  [POLICY_SHARING_SET] = {D, D, A, D},
  [POLICY_MEMBERS_MANAGE] = {D, D, A, D},
  [POLICY_AUDIT_READ] = {D, D, A, A},
  [POLICY_SCOPE_CONFIRM] = {D, D, A, D},
  [POLICY_RISK_ACCEPT] = {D, D, A, D},
  [POLICY_SENSOR_ACT] = {D, D, D, D},  /* users are never sensors */
};

/* Ancestor reading: the lowest sharing level at which it is allowed
 * (-1 = never through sharing alone). */
static const signed char ancestor_read_min[POLICY_N_ACTIONS] = {
  [POLICY_ORG_VIEW] = POLICY_SHARE_NONE,
  [POLICY_READ_AGGREGATE] = POLICY_SHARE_AGGREGATE,
  [POLICY_READ_SUMMARY] = POLICY_SHARE_SUMMARY,
  [POLICY_READ] = POLICY_SHARE_FULL,
  [POLICY_READ_PUBLISHED] = POLICY_SHARE_FULL,
  [POLICY_WRITE] = -1,
  [POLICY_ORG_EDIT] = -1,
  [POLICY_SHARING_SET] = -1,
  [POLICY_MEMBERS_MANAGE] = -1,
  [POLICY_AUDIT_READ] = -1,
  [POLICY_SCOPE_CONFIRM] = -1,
  [POLICY_RISK_ACCEPT] = -1,
  [POLICY_SENSOR_ACT] = -1,
};

static PolicyResult decide_ancestor(AuthRole role, PolicySharing share, PolicyAction act) {
  int min = ancestor_read_min[act];
  if (min >= 0) return (int)share >= min ? POLICY_ALLOW : POLICY_NOT_VISIBLE;
  /* Beyond reading: the record is visible, the details only at "full". */
  PolicyResult hidden = share == POLICY_SHARE_FULL ? POLICY_DENY : POLICY_NOT_VISIBLE;
  switch (act) {
  case POLICY_ORG_EDIT:
    return role == AUTH_ROLE_ADMIN ? POLICY_ALLOW : POLICY_DENY;
  case POLICY_SHARING_SET:
  case POLICY_MEMBERS_MANAGE: /* bootstrap exception: see policy_check */
    return POLICY_DENY;
  case POLICY_AUDIT_READ:
    if (share != POLICY_SHARE_FULL) return POLICY_NOT_VISIBLE;
    return role == AUTH_ROLE_ADMIN ? POLICY_ALLOW : POLICY_DENY;
  default: /* POLICY_WRITE, POLICY_SCOPE_CONFIRM, POLICY_RISK_ACCEPT: consent to scanning and accepting a
            * risk are the organisation's own decisions; POLICY_SENSOR_ACT: no user is a sensor */
    return hidden;
  }
}

PolicyResult policy_decide(PolicyRelation rel, AuthRole role, PolicySharing share, PolicyAction act) {
  if ((unsigned)act >= POLICY_N_ACTIONS) return POLICY_DENY;
  switch (rel) {
  case POLICY_REL_OWN:
    if (role < AUTH_ROLE_VIEWER || role > AUTH_ROLE_LAST) return POLICY_NOT_VISIBLE;
    return (PolicyResult)own_table[act][role - AUTH_ROLE_VIEWER];
  case POLICY_REL_ANCESTOR:
    if (role < AUTH_ROLE_VIEWER || role > AUTH_ROLE_LAST) return POLICY_NOT_VISIBLE;
    return decide_ancestor(role, share, act);
  case POLICY_REL_DESCENDANT:
    return act == POLICY_ORG_VIEW || act == POLICY_READ_PUBLISHED ? POLICY_ALLOW : POLICY_NOT_VISIBLE;
  default:
    return POLICY_NOT_VISIBLE;
  }
}

PolicyResult policy_decide_sensor(int own_org, PolicyAction act) {
  if (!own_org) return POLICY_NOT_VISIBLE;
  return act == POLICY_SENSOR_ACT ? POLICY_ALLOW : POLICY_DENY;
}

int policy_aggregate_allowed(size_t n_orgs) { return n_orgs >= POLICY_K_MIN; }

/* The most permissive of two answers: ALLOW beats DENY beats NOT_VISIBLE. */
PolicyResult policy__best(PolicyResult a, PolicyResult b) {
  static const int rank[] = {[POLICY_ALLOW] = 2, [POLICY_DENY] = 1, [POLICY_NOT_VISIBLE] = 0};
  return rank[a] >= rank[b] ? a : b;
}

AuthRole policy__role_from_text(const char *s) {
  AuthRole r;
  return auth_role_parse(s, &r) == 0 ? r : AUTH_ROLE_NONE;
}

/* Sharing level of org_id; VERR_NOTFOUND if there is no such organisation. */
static int org_sharing(Db *db, int64_t org_id, PolicySharing *share, Err *e) {
  char *s = NULL;
  int rc = db_text(db, e, &s, "SELECT sharing_level FROM organisations WHERE id = ?", "l", org_id);
  if (rc) return rc;
  rc = policy_sharing_parse(s ? s : "", share);
  free(s);
  return rc ? err_set(e, VERR_DB, "Ukjent delingsnivå i databasen.") : 0;
}

/* Own and ancestor memberships: the target and each organisation above it
 * (bounded depth, so even a corrupted tree with a cycle terminates). */
static int check_up(Db *db, int64_t user, int64_t org, PolicySharing share, PolicyAction act,
                    PolicyResult *res, int *ancestor_admin, Err *e) {
  DbStmt *st;
  int rc = db_query(db, &st, e,
                    "WITH RECURSIVE up(id, parent_id, depth) AS ("
                    " SELECT id, parent_id, 0 FROM organisations WHERE id = ?"
                    " UNION ALL SELECT o.id, o.parent_id, up.depth + 1 FROM organisations o"
                    " JOIN up ON o.id = up.parent_id WHERE up.depth < 64)"
                    " SELECT up.depth, m.role FROM up JOIN memberships m ON m.org_id = up.id AND m.user_id = ?",
                    "ll", org, user);
  if (rc) return rc;
  while ((rc = db_step(st, e)) == DB_ROW) {
    AuthRole role = policy__role_from_text(db_col_text(st, 1));
    PolicyRelation rel = db_col_int(st, 0) == 0 ? POLICY_REL_OWN : POLICY_REL_ANCESTOR;
    if (rel == POLICY_REL_ANCESTOR && role == AUTH_ROLE_ADMIN) *ancestor_admin = 1;
    *res = policy__best(*res, policy_decide(rel, role, share, act));
  }
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

/* Is org a proper ancestor of one of the user's memberships? Walks up from
 * the (few) memberships rather than down the (large) subtree. */
static int is_descendant_member(Db *db, int64_t user, int64_t org, int *yes, Err *e) {
  int64_t n = 0;
  int rc = db_int(db, e, &n,
                  "WITH RECURSIVE up(id, parent_id, depth) AS ("
                  " SELECT o.id, o.parent_id, 0 FROM organisations o"
                  " JOIN memberships m ON m.org_id = o.id WHERE m.user_id = ?"
                  " UNION ALL SELECT o.id, o.parent_id, up.depth + 1 FROM organisations o"
                  " JOIN up ON o.id = up.parent_id WHERE up.depth < 64)"
                  " SELECT EXISTS (SELECT 1 FROM up WHERE id = ? AND depth > 0)",
                  "ll", user, org);
  *yes = n != 0;
  return rc;
}

static int has_admin(Db *db, int64_t org, int *yes, Err *e) {
  int64_t n = 0;
  int rc = db_int(db, e, &n, "SELECT EXISTS (SELECT 1 FROM memberships WHERE org_id = ? AND role = 'admin')",
                  "l", org);
  *yes = n != 0;
  return rc;
}

static PolicyResult check_user(Db *db, const Principal *who, PolicyAction act, int64_t org, Err *e) {
  PolicySharing share;
  int rc = org_sharing(db, org, &share, e);
  if (rc == VERR_NOTFOUND) {
    err_clear(e);
    return POLICY_NOT_VISIBLE;
  }
  if (rc) return POLICY_DENY;
  PolicyResult res = POLICY_NOT_VISIBLE;
  int anc_admin = 0, yes = 0;
  if (check_up(db, who->user_id, org, share, act, &res, &anc_admin, e)) return POLICY_DENY;
  if (res != POLICY_ALLOW) {
    if (is_descendant_member(db, who->user_id, org, &yes, e)) return POLICY_DENY;
    if (yes) res = policy__best(res, policy_decide(POLICY_REL_DESCENDANT, AUTH_ROLE_NONE, share, act));
  }
  if (res != POLICY_ALLOW && act == POLICY_MEMBERS_MANAGE && anc_admin) {
    if (has_admin(db, org, &yes, e)) return POLICY_DENY;
    if (!yes) res = POLICY_ALLOW; /* bootstrap a new organisation's first admin */
  }
  return res;
}

PolicyResult policy_check(Db *db, const Principal *who, PolicyAction act, int64_t org_id, Err *e) {
  if ((unsigned)act >= POLICY_N_ACTIONS || !who) return POLICY_DENY;
  if (who->via == AUTH_VIA_SENSOR)
    return who->sensor_id > 0 ? policy_decide_sensor(org_id > 0 && org_id == who->sensor_org, act) : POLICY_DENY;
  if (who->via == AUTH_VIA_CLI) return act == POLICY_SENSOR_ACT ? POLICY_DENY : POLICY_ALLOW;
  if (who->user_id <= 0 || who->stage != AUTH_STAGE_FULL) return POLICY_DENY;
  if (org_id <= 0) return POLICY_NOT_VISIBLE;
  return check_user(db, who, act, org_id, e);
}

PolicyResult policy_check_move(Db *db, const Principal *who, int64_t org_id, int64_t new_parent, Err *e) {
  PolicyResult r = policy_check(db, who, POLICY_ORG_EDIT, org_id, e);
  if (r != POLICY_ALLOW) return r;
  if (new_parent == 0) return who->via == AUTH_VIA_CLI ? POLICY_ALLOW : POLICY_DENY;
  r = policy_check(db, who, POLICY_ORG_EDIT, new_parent, e);
  return r == POLICY_ALLOW ? POLICY_ALLOW : POLICY_DENY;
}

static const char *const action_names[POLICY_N_ACTIONS] = {
  "org_view", "read_aggregate", "read_summary", "read", "read_published",
  "write", "org_edit", "sharing_set", "members_manage", "audit_read", "scope_confirm", "risk_accept",
  "sensor_act",
};
static const char *const sharing_names[] = {"none", "aggregate", "summary", "full"};

const char *policy_action_name(PolicyAction act) {
  return (unsigned)act < POLICY_N_ACTIONS ? action_names[act] : "?";
}

const char *policy_result_name(PolicyResult r) {
  return r == POLICY_ALLOW ? "allow" : r == POLICY_DENY ? "deny" : "not_visible";
}

const char *policy_sharing_name(PolicySharing s) {
  return (unsigned)s <= POLICY_SHARE_FULL ? sharing_names[s] : "?";
}

int policy_sharing_parse(const char *s, PolicySharing *out) {
  for (int i = 0; i <= POLICY_SHARE_FULL; i++)
    if (s && !strcmp(s, sharing_names[i])) {
      *out = (PolicySharing)i;
      return 0;
    }
  return VERR_INVALID;
}
