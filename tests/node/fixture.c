/* fixture.c — builds the database the HTTP and browser tests run against:
 * an organisation tree with one target per sharing level, users for every
 * role x relation, TOTP enrolled for admins. Prints the ids and secrets as
 * JSON on stdout for the node tests. Uses the library, not SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_store.h"
#include "auth/auth.h"
#include "db/db.h"
#include "org/org.h"
#include "user/user.h"

#define PASSWORD "Testpassord-for-Varde-1"

static Db *db;
static Principal cli;
static int first = 1;

static void die(const char *what, const Err *e) {
  fprintf(stderr, "fixture: %s: %s\n", what, e->msg);
  exit(2);
}

static int64_t org(const char *key, const char *name, OrgKind kind, int64_t parent,
                   const char *share) {
  Err e = {0};
  int64_t id = 0;
  OrgNew o = {.parent_id = parent, .kind = kind, .name = name, .population = -1};
  if (org_create(db, &cli, &o, &id, &e)) die(name, &e);
  PolicySharing s;
  if (share && (policy_sharing_parse(share, &s) || org_set_sharing(db, &cli, id, s, &e)))
    die("sharing", &e);
  printf("%s\"%s\": %lld", first ? "" : ", ", key, (long long)id);
  first = 0;
  return id;
}

/* Enrols TOTP with the code of the previous time step, so the tests may
 * use the current step at once without tripping the replay guard. */
static void enrol(int64_t uid, char secret[AUTH_TOTP_SECRET_B32_LEN + 1]) {
  Err e = {0};
  char code[AUTH_TOTP_DIGITS + 1], codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1];
  int64_t now = db_now();
  if (auth_totp_begin(db, &cli, uid, secret, &e)) die("totp_begin", &e);
  if (auth_totp_code(secret, now / AUTH_TOTP_STEP - 1, code, &e)) die("totp_code", &e);
  if (auth_totp_confirm(db, NULL, &cli, uid, code, now, codes, NULL, &e)) die("totp_confirm", &e);
  printf(", \"recovery\": [\"%s\", \"%s\"]", codes[0], codes[1]);
}

static void user(const char *name, const int64_t *orgs, size_t n, AuthRole role, int totp) {
  Err e = {0};
  int64_t uid = 0;
  if (user_create(db, &cli, name, NULL, PASSWORD, db_now(), &uid, &e)) die(name, &e);
  for (size_t i = 0; i < n; i++)
    if (user_membership_set(db, &cli, uid, orgs[i], role, &e)) die("membership", &e);
  printf("%s\"%s\": {\"id\": %lld, \"role\": \"%s\"", first ? "" : ",\n  ", name, (long long)uid,
         auth_role_name(role));
  first = 0;
  if (totp) {
    char secret[AUTH_TOTP_SECRET_B32_LEN + 1];
    enrol(uid, secret);
    printf(", \"totp\": \"%s\"", secret);
  }
  printf("}");
}

/* The shipped frameworks, and a completed NSM assessment (one snapshot) for
 * each organisation in orgs: level of item i is (i + k) % 6 for the k-th
 * organisation, so scores differ. Prints the framework id. */
static void assessments(const int64_t *orgs, size_t n) {
  Err e = {0};
  int added = 0;
  int64_t fw = 0, snap = 0;
  const AssessFramework *f = NULL;
  if (assess_store_ship(db, &cli, &added, &e)) die("frameworks", &e);
  if (assess_store_fw_find(db, "urn:varde:framework:nsm-grunnprinsipper", 0, &fw, &e)) die("nsm", &e);
  if (assess_store_fw_load(db, fw, 0, &f, &e)) die("load", &e);
  for (size_t k = 0; k < n; k++) {
    for (size_t i = 0; i < f->nnodes; i++) {
      if (!f->nodes[i].assessable) continue;
      AssessAnswerIn in = {.ref_id = f->nodes[i].ref_id, .fields = ASSESS_F_LEVEL,
                           .level = (int)((i % 4 + k) % 6), .target = -1};
      if (assess_store_save(db, &cli, orgs[k], fw, &in, &e)) die("save", &e);
    }
    if (assess_store_complete(db, &cli, orgs[k], fw, &snap, &e)) die("complete", &e);
  }
  assess_store_fw_release(f);
  printf(",\n \"fw\": {\"nsm\": %lld}", (long long)fw);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: fixture DB\n");
    return 2;
  }
  Err e = {0};
  if (db_open(&db, argv[1], DB_OPEN_CREATE, &e)) die("open", &e);
  auth_principal_cli(&cli);
  printf("{\"password\": \"%s\",\n \"orgs\": {", PASSWORD);
  int64_t nat = org("national", "Testsenteret", ORG_NATIONAL, 0, NULL);
  int64_t r1 = org("region", "Region Øst", ORG_REGION, nat, NULL);
  int64_t t[4];
  t[0] = org("t_none", "Ingendal kommune", ORG_MUNICIPALITY, r1, "none");
  t[1] = org("t_aggregate", "Summeby kommune", ORG_MUNICIPALITY, r1, "aggregate");
  t[2] = org("t_summary", "Oversiktsvik kommune", ORG_MUNICIPALITY, r1, "summary");
  t[3] = org("t_full", "Åpenstad kommune", ORG_MUNICIPALITY, r1, "full");
  int64_t sib = org("sibling", "Søskenvik kommune", ORG_MUNICIPALITY, r1, NULL);
  int64_t r2 = org("region2", "Region Vest", ORG_REGION, nat, NULL);
  int64_t unr = org("unrelated", "Fjernvik kommune", ORG_MUNICIPALITY, r2, NULL);
  int64_t boot = org("bootstrap", "Nyby kommune", ORG_MUNICIPALITY, r1, NULL);
  /* boot has no members: an ancestor admin may add its first ones */
  printf("}");
  /* Five members of Region Øst that count in totals (t_none does not), so
   * the region's totals are just at the k >= 5 limit; Region Vest has one. */
  const int64_t assessed[] = {t[0], t[1], t[2], t[3], sib, boot, unr};
  assessments(assessed, sizeof assessed / sizeof assessed[0]);
  printf(",\n \"users\": {");
  first = 1;
  char name[32];
  for (AuthRole role = AUTH_ROLE_VIEWER; role <= AUTH_ROLE_LAST; role++) {
    const char *rn = auth_role_name(role);
    int totp = role == AUTH_ROLE_ADMIN;
    snprintf(name, sizeof name, "own_%s", rn);
    user(name, t, 4, role, totp);
    snprintf(name, sizeof name, "parent_%s", rn);
    user(name, &r1, 1, role, totp);
    snprintf(name, sizeof name, "sibling_%s", rn);
    user(name, &sib, 1, role, totp);
    snprintf(name, sizeof name, "unrelated_%s", rn);
    user(name, &unr, 1, role, totp);
  }
  /* Users for single scenarios, so no test trips another's lockout or replay guard. */
  static const char *const extra[] = {"lockout", "expiry", "csrf", "token", "enrol", "browser"};
  for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
    user(extra[i], &sib, 1, AUTH_ROLE_VIEWER, 0);
  user("mfa_admin", &sib, 1, AUTH_ROLE_ADMIN, 1);
  user("browser_admin", &r1, 1, AUTH_ROLE_ADMIN, 1);
  user("enrol_admin", &sib, 1, AUTH_ROLE_ADMIN, 0);
  printf("}}\n");
  db_close(db);
  return 0;
}
