/* tree.c — policy_allowed_orgs: the same rules as policy_check, evaluated
 * for every organisation at once from the tree and the user's memberships in
 * memory (three queries instead of three per organisation). */
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "policy/policy_int.h"

#define TREE_MAX_DEPTH 64

typedef struct PNode {
  int64_t id, parent;
  PolicySharing share;
  AuthRole role;      /* held directly here by the user */
  int has_admin;      /* anyone is admin here (for the bootstrap rule) */
  int desc_member;    /* the user is a member somewhere below */
} PNode;

typedef struct PTree {
  PNode *n;
  size_t len;
} PTree;

static PNode *find(PTree *t, int64_t id) {
  size_t lo = 0, hi = t->len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->n[mid].id == id) return &t->n[mid];
    if (t->n[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

static int load_nodes(Db *db, PTree *t, Err *e) {
  int64_t count = 0;
  int rc = db_int(db, e, &count, "SELECT count(*) FROM organisations", "");
  if (rc) return rc;
  t->n = calloc((size_t)count + 1, sizeof *t->n);
  if (!t->n) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  DbStmt *st;
  rc = db_query(db, &st, e, "SELECT id, coalesce(parent_id, 0), sharing_level FROM organisations ORDER BY id", "");
  if (rc) return rc;
  while ((rc = db_step(st, e)) == DB_ROW && t->len < (size_t)count) {
    PNode *p = &t->n[t->len++];
    p->id = db_col_int(st, 0);
    p->parent = db_col_int(st, 1);
    if (policy_sharing_parse(db_col_text(st, 2), &p->share)) p->share = POLICY_SHARE_NONE;
  }
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

/* Marks the user's roles, and every ancestor of a membership as having the
 * user below it; with admins=1 also marks where any admin exists. */
static int load_members(Db *db, PTree *t, int64_t user, int admins, Err *e) {
  DbStmt *st;
  int rc = admins ? db_query(db, &st, e, "SELECT DISTINCT org_id FROM memberships WHERE role = 'admin'", "")
                  : db_query(db, &st, e, "SELECT org_id, role FROM memberships WHERE user_id = ?", "l", user);
  if (rc) return rc;
  while ((rc = db_step(st, e)) == DB_ROW) {
    PNode *p = find(t, db_col_int(st, 0));
    if (!p) continue;
    if (admins) {
      p->has_admin = 1;
      continue;
    }
    p->role = policy__role_from_text(db_col_text(st, 1));
    PNode *up = find(t, p->parent);
    for (int d = 0; up && d < TREE_MAX_DEPTH; d++, up = find(t, up->parent)) up->desc_member = 1;
  }
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

static PolicyResult decide_node(PTree *t, const PNode *x, PolicyAction act) {
  PolicyResult res = POLICY_NOT_VISIBLE;
  int anc_admin = 0;
  if (x->role) res = policy__best(res, policy_decide(POLICY_REL_OWN, x->role, x->share, act));
  PNode *up = find(t, x->parent);
  for (int d = 0; up && d < TREE_MAX_DEPTH; d++, up = find(t, up->parent)) {
    if (!up->role) continue;
    if (up->role == AUTH_ROLE_ADMIN) anc_admin = 1;
    res = policy__best(res, policy_decide(POLICY_REL_ANCESTOR, up->role, x->share, act));
  }
  if (res != POLICY_ALLOW && x->desc_member)
    res = policy__best(res, policy_decide(POLICY_REL_DESCENDANT, AUTH_ROLE_NONE, x->share, act));
  if (res != POLICY_ALLOW && act == POLICY_MEMBERS_MANAGE && anc_admin && !x->has_admin) res = POLICY_ALLOW;
  return res;
}

/* The same answer policy_check gives for one node, for every kind of principal. */
static int node_allowed(PTree *t, const PNode *x, const Principal *who, PolicyAction act) {
  if (who->via == AUTH_VIA_CLI) return act != POLICY_SENSOR_ACT;
  if (who->via == AUTH_VIA_SENSOR)
    return who->sensor_id > 0 && policy_decide_sensor(x->id == who->sensor_org, act) == POLICY_ALLOW;
  return decide_node(t, x, act) == POLICY_ALLOW;
}

int policy_allowed_orgs(Db *db, const Principal *who, PolicyAction act, int64_t **ids, size_t *n, Err *e) {
  *ids = NULL;
  *n = 0;
  if (!who || (unsigned)act >= POLICY_N_ACTIONS) return 0;
  int user = who->via != AUTH_VIA_CLI && who->via != AUTH_VIA_SENSOR;
  if (user && (who->user_id <= 0 || who->stage != AUTH_STAGE_FULL)) return 0;
  PTree t = {0};
  int rc = load_nodes(db, &t, e);
  if (!rc && user) rc = load_members(db, &t, who->user_id, 0, e);
  if (!rc && user && act == POLICY_MEMBERS_MANAGE) rc = load_members(db, &t, 0, 1, e);
  int64_t *out = rc ? NULL : malloc((t.len + 1) * sizeof *out);
  if (!rc && !out) rc = err_set(e, VERR_NOMEM, "Tomt for minne.");
  size_t k = 0;
  for (size_t i = 0; !rc && i < t.len; i++)
    if (node_allowed(&t, &t.n[i], who, act)) out[k++] = t.n[i].id;
  free(t.n);
  if (rc) {
    free(out);
    return rc;
  }
  *ids = out;
  *n = k;
  return 0;
}
