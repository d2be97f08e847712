/* test_policy.c — the authorisation matrix: every role (viewer, editor,
 * admin, auditor) x relation (own, parent and grand-parent at each sharing
 * level, sibling, unrelated, child) x action, against a literal expectation
 * table, both through the pure rule table and through policy_check on a
 * real database; and the same for a sensor principal (own organisation or
 * any other) and the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/db.h"
#include "policy/policy.h"
#include "test.h"

static char path[] = "/tmp/varde-test-policy-XXXXXX";
static Db *db;
static int64_t N, R1, R2, M1, M2, M3;

/* Expected answers, one letter per action in PolicyAction order:
 * org_view agg summary read published write org_edit sharing members audit scope risk sensor */
static const char *expect(const char *rel, AuthRole role, PolicySharing s) {
  static const char *parent[AUTH_ROLE_LAST][4] = {
    /* none          aggregate     summary       full */
    {"ANNNNNDDDNNNN", "AANNNNDDDNNNN", "AAANNNDDDNNNN", "AAAAADDDDDDDD"}, /* viewer */
    {"ANNNNNDDDNNNN", "AANNNNDDDNNNN", "AAANNNDDDNNNN", "AAAAADDDDDDDD"}, /* editor */
    {"ANNNNNADDNNNN", "AANNNNADDNNNN", "AAANNNADDNNNN", "AAAAADADDADDD"}, /* admin */
    {"ANNNNNDDDNNNN", "AANNNNDDDNNNN", "AAANNNDDDNNNN", "AAAAADDDDDDDD"}, /* auditor */
  };
  static const char *own[AUTH_ROLE_LAST] = {"AAAAADDDDDDDD", "AAAAAADDDDDDD", "AAAAAAAAAAAAD", "AAAAADDDDADDD"};
  if (!strcmp(rel, "own")) return own[role - 1];
  if (!strcmp(rel, "parent") || !strcmp(rel, "grandparent")) return parent[role - 1][s];
  if (!strcmp(rel, "child")) return "ANNNANNNNNNNN";
  return "NNNNNNNNNNNNN"; /* sibling, unrelated */
}

static char letter(PolicyResult r) { return r == POLICY_ALLOW ? 'A' : r == POLICY_DENY ? 'D' : 'N'; }

static int64_t add_org(const char *kind, const char *name, int64_t parent) {
  int64_t id = 0;
  Err e = {0};
  if (db_int(db, &e, &id,
             "INSERT INTO organisations (parent_id, kind, name, created_at, updated_at)"
             " VALUES (nullif(?, 0), ?, ?, 1, 1) RETURNING id",
             "lss", parent, kind, name))
    fprintf(stderr, "add_org: %s\n", e.msg);
  return id;
}

static int64_t add_user(const char *name) {
  int64_t id = 0;
  Err e = {0};
  db_int(db, &e, &id,
         "INSERT INTO users (username, password_hash, password_changed_at, created_at, updated_at)"
         " VALUES (?, 'x', 1, 1, 1) RETURNING id",
         "s", name);
  return id;
}

static void member(int64_t user, int64_t org, const char *role) {
  Err e = {0};
  db_exec(db, &e, "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES (?, ?, ?, 1)", "lls", user,
          org, role);
}

static void set_sharing(int64_t org, PolicySharing s) {
  Err e = {0};
  db_exec(db, &e, "UPDATE organisations SET sharing_level = ? WHERE id = ?", "sl", policy_sharing_name(s), org);
}

static Principal session_for(int64_t user) {
  Principal p;
  memset(&p, 0, sizeof p);
  p.user_id = user;
  p.via = AUTH_VIA_SESSION;
  p.stage = AUTH_STAGE_FULL;
  return p;
}

static void setup(void) {
  Err e = {0};
  if (!mkdtemp(path)) exit(1);
  char file[300];
  snprintf(file, sizeof file, "%s/p.db", path);
  if (db_open(&db, file, DB_OPEN_CREATE, &e)) {
    fprintf(stderr, "%s\n", e.msg);
    exit(1);
  }
  N = add_org("national", "Senter", 0);
  R1 = add_org("region", "Region 1", N);
  R2 = add_org("region", "Region 2", N);
  M1 = add_org("municipality", "Kommune 1", R1);
  M2 = add_org("municipality", "Kommune 2", R1);
  M3 = add_org("municipality", "Kommune 3", R2);
  member(add_user("m1admin"), M1, "admin"); /* so the bootstrap rule stays out of the matrix */
}

static const struct {
  const char *rel;
  int64_t *member_of, *target;
} relations[] = {
  {"own", &M1, &M1},       {"parent", &R1, &M1},    {"grandparent", &N, &M1},
  {"sibling", &M2, &M1},   {"unrelated", &M3, &M1}, {"unrelated", &R2, &M1},
  {"child", &M1, &R1},
};

TEST(pure_table_matches_expectations) {
  static const PolicyRelation rel_of[] = {POLICY_REL_OWN, POLICY_REL_ANCESTOR, POLICY_REL_ANCESTOR,
                                          POLICY_REL_OTHER, POLICY_REL_OTHER, POLICY_REL_OTHER,
                                          POLICY_REL_DESCENDANT};
  for (size_t r = 0; r < sizeof relations / sizeof relations[0]; r++)
    for (AuthRole role = AUTH_ROLE_VIEWER; role <= AUTH_ROLE_LAST; role++)
      for (PolicySharing s = POLICY_SHARE_NONE; s <= POLICY_SHARE_FULL; s++) {
        const char *want = expect(relations[r].rel, role, s);
        for (int a = 0; a < POLICY_N_ACTIONS; a++) {
          AuthRole held = rel_of[r] == POLICY_REL_OWN || rel_of[r] == POLICY_REL_ANCESTOR ? role : AUTH_ROLE_NONE;
          char got = letter(policy_decide(rel_of[r], held, s, (PolicyAction)a));
          if (got != want[a]) {
            CHECK(got == want[a]);
            fprintf(stderr, "  %s role=%s share=%s action=%s: got %c want %c\n", relations[r].rel,
                    auth_role_name(role), policy_sharing_name(s), policy_action_name(a), got, want[a]);
          }
        }
      }
  /* A value past the last role is no role at all, not "more than admin". */
  CHECK_INT(policy_decide(POLICY_REL_OWN, AUTH_ROLE_LAST + 1, POLICY_SHARE_FULL, POLICY_ORG_VIEW), POLICY_NOT_VISIBLE);
  CHECK_INT(policy_decide(POLICY_REL_ANCESTOR, AUTH_ROLE_LAST + 1, POLICY_SHARE_FULL, POLICY_READ), POLICY_NOT_VISIBLE);
}

TEST(database_matrix_matches_expectations) {
  static const char *roles[] = {NULL, "viewer", "editor", "admin", "auditor"};
  int cases = 0;
  for (size_t r = 0; r < sizeof relations / sizeof relations[0]; r++)
    for (AuthRole role = AUTH_ROLE_VIEWER; role <= AUTH_ROLE_LAST; role++) {
      char uname[64];
      snprintf(uname, sizeof uname, "u-%zu-%d", r, role);
      int64_t u = add_user(uname);
      member(u, *relations[r].member_of, roles[role]);
      Principal p = session_for(u);
      for (PolicySharing s = POLICY_SHARE_NONE; s <= POLICY_SHARE_FULL; s++) {
        set_sharing(*relations[r].target, s);
        const char *want = expect(relations[r].rel, role, s);
        for (int a = 0; a < POLICY_N_ACTIONS; a++, cases++) {
          Err e = {0};
          char got = letter(policy_check(db, &p, (PolicyAction)a, *relations[r].target, &e));
          CHECK_INT(e.code, 0);
          if (got != want[a]) {
            CHECK(got == want[a]);
            fprintf(stderr, "  db %s role=%s share=%s action=%s: got %c want %c\n", relations[r].rel,
                    roles[role], policy_sharing_name(s), policy_action_name(a), got, want[a]);
          }
        }
      }
    }
  set_sharing(M1, POLICY_SHARE_AGGREGATE);
  set_sharing(R1, POLICY_SHARE_AGGREGATE);
  CHECK_INT(cases, 7 * 4 * 4 * POLICY_N_ACTIONS);
}

TEST(most_permissive_membership_wins) {
  int64_t u = add_user("two-hats");
  member(u, N, "viewer");
  member(u, M2, "editor");
  Principal p = session_for(u);
  Err e = {0};
  CHECK_INT(policy_check(db, &p, POLICY_WRITE, M2, &e), POLICY_ALLOW);
  CHECK_INT(policy_check(db, &p, POLICY_WRITE, M1, &e), POLICY_NOT_VISIBLE);
  CHECK_INT(policy_check(db, &p, POLICY_READ_AGGREGATE, M1, &e), POLICY_ALLOW);
  CHECK_INT(policy_check(db, &p, POLICY_READ, M1, &e), POLICY_NOT_VISIBLE);
}

TEST(bootstrap_first_admin_of_new_child) {
  int64_t fresh = add_org("municipality", "Ny kommune", R1);
  int64_t radmin = add_user("region-admin");
  member(radmin, R1, "admin");
  Principal p = session_for(radmin);
  Err e = {0};
  CHECK_INT(policy_check(db, &p, POLICY_MEMBERS_MANAGE, fresh, &e), POLICY_ALLOW);
  int64_t rview = add_user("region-viewer");
  member(rview, R1, "viewer");
  Principal v = session_for(rview);
  CHECK_INT(policy_check(db, &v, POLICY_MEMBERS_MANAGE, fresh, &e), POLICY_DENY);
  member(add_user("fresh-admin"), fresh, "admin");
  CHECK_INT(policy_check(db, &p, POLICY_MEMBERS_MANAGE, fresh, &e), POLICY_DENY);
  CHECK_INT(policy_check(db, &p, POLICY_SHARING_SET, fresh, &e), POLICY_DENY);
}

TEST(principals_without_full_login) {
  Err e = {0};
  Principal cli;
  memset(&cli, 0, sizeof cli);
  cli.via = AUTH_VIA_CLI;
  CHECK_INT(policy_check(db, &cli, POLICY_SHARING_SET, M1, &e), POLICY_ALLOW);
  int64_t u = add_user("half");
  member(u, M1, "admin");
  Principal half = session_for(u);
  half.stage = AUTH_STAGE_NEED_TOTP;
  CHECK_INT(policy_check(db, &half, POLICY_ORG_VIEW, M1, &e), POLICY_DENY);
  Principal anon;
  memset(&anon, 0, sizeof anon);
  CHECK_INT(policy_check(db, &anon, POLICY_ORG_VIEW, M1, &e), POLICY_DENY);
  CHECK_INT(policy_check(db, NULL, POLICY_ORG_VIEW, M1, &e), POLICY_DENY);
  Principal full = session_for(u);
  CHECK_INT(policy_check(db, &full, POLICY_ORG_VIEW, 999999, &e), POLICY_NOT_VISIBLE);
  CHECK_INT(e.code, 0);
  CHECK_INT(policy_check(db, &full, (PolicyAction)99, M1, &e), POLICY_DENY);
}

/* A sensor of M1: only sensor_act, only on M1; everything else on M1 is
 * refused, every other organisation is invisible. The letters are the
 * literal expectation, in PolicyAction order as above. */
TEST(sensor_principal_matrix) {
  static const char own[] = "DDDDDDDDDDDDA", other[] = "NNNNNNNNNNNNN";
  static const struct {
    int64_t *org;
    const char *want;
  } targets[] = {{&M1, own}, {&R1, other}, {&N, other}, {&M2, other}, {&M3, other}};
  CHECK_INT(sizeof own - 1, POLICY_N_ACTIONS);
  Principal p;
  auth_principal_sensor(&p, 7, M1, "127.0.0.1");
  CHECK_INT(p.user_id, 0);
  Err e = {0};
  for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++)
    for (int a = 0; a < POLICY_N_ACTIONS; a++) {
      char pure = letter(policy_decide_sensor(*targets[t].org == M1, (PolicyAction)a));
      char got = letter(policy_check(db, &p, (PolicyAction)a, *targets[t].org, &e));
      CHECK_INT(e.code, 0);
      if (got != targets[t].want[a] || pure != targets[t].want[a]) {
        CHECK(got == targets[t].want[a] && pure == targets[t].want[a]);
        fprintf(stderr, "  sensor on org %lld action %s: got %c/%c want %c\n", (long long)*targets[t].org,
                policy_action_name(a), pure, got, targets[t].want[a]);
      }
    }
  CHECK_INT(policy_check(db, &p, POLICY_SENSOR_ACT, 999999, &e), POLICY_NOT_VISIBLE);
  Principal nobody;
  auth_principal_sensor(&nobody, 0, M1, NULL); /* no sensor behind it */
  CHECK_INT(policy_check(db, &nobody, POLICY_SENSOR_ACT, M1, &e), POLICY_DENY);
}

/* The other direction: no user of any role anywhere in the tree, and not
 * the command line, may act as a sensor. */
TEST(only_sensors_act_as_sensors) {
  Err e = {0};
  int64_t nusers = 0, norgs = 0, asked = 0;
  CHECK_INT(db_int(db, &e, &nusers, "SELECT max(id) FROM users", ""), 0);
  CHECK_INT(db_int(db, &e, &norgs, "SELECT max(id) FROM organisations", ""), 0);
  for (int64_t u = 1; u <= nusers; u++)
    for (int64_t o = 1; o <= norgs; o++, asked++) {
      Principal p = session_for(u);
      CHECK(policy_check(db, &p, POLICY_SENSOR_ACT, o, &e) != POLICY_ALLOW);
      p.via = AUTH_VIA_TOKEN;
      CHECK(policy_check(db, &p, POLICY_SENSOR_ACT, o, &e) != POLICY_ALLOW);
    }
  CHECK(asked > 100);
  Principal cli;
  auth_principal_cli(&cli);
  CHECK_INT(policy_check(db, &cli, POLICY_SENSOR_ACT, M1, &e), POLICY_DENY);
  CHECK_INT(policy_check(db, &cli, POLICY_RISK_ACCEPT, M1, &e), POLICY_ALLOW);
  int64_t *ids = NULL;
  size_t n = 0;
  CHECK_INT(policy_allowed_orgs(db, &cli, POLICY_SENSOR_ACT, &ids, &n, &e), 0);
  CHECK_INT(n, 0);
  free(ids);
}

TEST(allowed_orgs_for_a_sensor) {
  Principal p;
  auth_principal_sensor(&p, 7, M2, NULL);
  Err e = {0};
  int64_t *ids = NULL;
  size_t n = 0;
  CHECK_INT(policy_allowed_orgs(db, &p, POLICY_SENSOR_ACT, &ids, &n, &e), 0);
  CHECK_INT(n, 1);
  CHECK(n == 1 && ids[0] == M2);
  free(ids);
  for (int a = 0; a < POLICY_SENSOR_ACT; a++) {
    CHECK_INT(policy_allowed_orgs(db, &p, (PolicyAction)a, &ids, &n, &e), 0);
    CHECK_INT(n, 0);
    free(ids);
  }
}

TEST(allowed_orgs_lists_exactly_the_visible) {
  int64_t u = add_user("region-analyst");
  member(u, R1, "viewer");
  Principal p = session_for(u);
  Err e = {0};
  int64_t *ids = NULL;
  size_t n = 0;
  CHECK_INT(policy_allowed_orgs(db, &p, POLICY_ORG_VIEW, &ids, &n, &e), 0);
  /* R1 itself, its parent N, and its children M1, M2, "Ny kommune". */
  CHECK_INT(n, 5);
  int saw_m3 = 0;
  for (size_t i = 0; i < n; i++) saw_m3 |= ids[i] == M3 || ids[i] == R2;
  CHECK(!saw_m3);
  free(ids);
  set_sharing(M2, POLICY_SHARE_NONE);
  CHECK_INT(policy_allowed_orgs(db, &p, POLICY_READ_AGGREGATE, &ids, &n, &e), 0);
  CHECK_INT(n, 3); /* R1, M1, Ny kommune (defaults); M2 chose none; N is above */
  free(ids);
  set_sharing(M2, POLICY_SHARE_AGGREGATE);
}

/* The whole-tree evaluation must agree with the single check for every
 * user, action and organisation in the test tree. */
TEST(allowed_orgs_agrees_with_policy_check) {
  Err e = {0};
  int64_t nusers = 0, norgs = 0;
  CHECK_INT(db_int(db, &e, &nusers, "SELECT max(id) FROM users", ""), 0);
  CHECK_INT(db_int(db, &e, &norgs, "SELECT max(id) FROM organisations", ""), 0);
  int compared = 0;
  for (int64_t u = 1; u <= nusers; u++) {
    Principal p = session_for(u);
    for (int a = 0; a < POLICY_N_ACTIONS; a++) {
      int64_t *ids = NULL;
      size_t n = 0, k = 0;
      CHECK_INT(policy_allowed_orgs(db, &p, (PolicyAction)a, &ids, &n, &e), 0);
      for (int64_t o = 1; o <= norgs; o++, compared++) {
        int listed = k < n && ids[k] == o;
        if (listed) k++;
        int allowed = policy_check(db, &p, (PolicyAction)a, o, &e) == POLICY_ALLOW;
        if (listed != allowed) {
          CHECK(listed == allowed);
          fprintf(stderr, "  user %lld action %s org %lld: list %d check %d\n", (long long)u,
                  policy_action_name(a), (long long)o, listed, allowed);
        }
      }
      CHECK_INT(k, n);
      free(ids);
    }
  }
  CHECK(compared > 1000);
}

TEST(moves_stay_inside_the_admins_subtree) {
  Err e = {0};
  int64_t ra = add_user("r1-admin-move");
  member(ra, R1, "admin");
  Principal p = session_for(ra);
  CHECK_INT(policy_check_move(db, &p, M1, R1, &e), POLICY_ALLOW);   /* within R1 */
  CHECK_INT(policy_check_move(db, &p, M1, R2, &e), POLICY_DENY);    /* into another region */
  CHECK_INT(policy_check_move(db, &p, M1, 0, &e), POLICY_DENY);     /* to the top */
  CHECK_INT(policy_check_move(db, &p, M3, R1, &e), POLICY_NOT_VISIBLE); /* not theirs */
  CHECK_INT(policy_check_move(db, &p, R1, N, &e), POLICY_DENY); /* the region itself: N is not theirs */
  int64_t na = add_user("n-admin-move");
  member(na, N, "admin");
  Principal q = session_for(na);
  CHECK_INT(policy_check_move(db, &q, M1, R2, &e), POLICY_ALLOW);
  Principal cli;
  memset(&cli, 0, sizeof cli);
  cli.via = AUTH_VIA_CLI;
  CHECK_INT(policy_check_move(db, &cli, M1, 0, &e), POLICY_ALLOW);
}

TEST(k_anonymity_threshold) {
  CHECK(!policy_aggregate_allowed(0));
  CHECK(!policy_aggregate_allowed(4));
  CHECK(policy_aggregate_allowed(5));
  CHECK(policy_aggregate_allowed(400));
}

TEST(names_round_trip) {
  PolicySharing s;
  for (int i = 0; i <= POLICY_SHARE_FULL; i++) {
    CHECK_INT(policy_sharing_parse(policy_sharing_name((PolicySharing)i), &s), 0);
    CHECK_INT(s, i);
  }
  CHECK_INT(policy_sharing_parse("FULL", &s), VERR_INVALID);
  CHECK_INT(policy_sharing_parse(NULL, &s), VERR_INVALID);
}

int main(void) {
  setup();
  RUN(pure_table_matches_expectations);
  RUN(database_matrix_matches_expectations);
  RUN(most_permissive_membership_wins);
  RUN(bootstrap_first_admin_of_new_child);
  RUN(principals_without_full_login);
  RUN(sensor_principal_matrix);
  RUN(only_sensors_act_as_sensors);
  RUN(allowed_orgs_for_a_sensor);
  RUN(allowed_orgs_lists_exactly_the_visible);
  RUN(allowed_orgs_agrees_with_policy_check);
  RUN(moves_stay_inside_the_admins_subtree);
  RUN(k_anonymity_threshold);
  RUN(names_round_trip);
  db_close(db);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", path);
  if (system(cmd)) {}
  return TEST_DONE();
}
