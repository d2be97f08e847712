/* test_org.c — the organisation tree: field checks, parent-kind rules, moves
 * that would create a cycle, look-ups, tree order and the audit trail. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "audit/audit.h"
#include "db/db.h"
#include "org/org.h"
#include "test.h"

static char dir[] = "/tmp/varde-test-org-XXXXXX";
static Db *db;
static Principal cli;

static int64_t mk(OrgKind k, const char *name, int64_t parent, const char *nr) {
  int64_t id = 0;
  Err e = {0};
  OrgNew o = {.parent_id = parent, .kind = k, .name = name, .kommunenummer = nr, .population = -1};
  if (org_create(db, &cli, &o, &id, &e)) fprintf(stderr, "mk %s: %s\n", name, e.msg);
  return id;
}

TEST(field_checks) {
  Err e = {0};
  CHECK_INT(org_check_orgnr("974760673", &e), 0);
  CHECK_INT(org_check_orgnr("974760674", &e), VERR_INVALID);
  CHECK(strstr(e.msg, "kontrollsiffer") != NULL);
  CHECK_INT(org_check_orgnr("97476067", &e), VERR_INVALID);
  CHECK_INT(org_check_orgnr("97476067a", &e), VERR_INVALID);
  CHECK_INT(org_check_kommunenummer("3442", ORG_MUNICIPALITY, &e), 0);
  CHECK_INT(org_check_kommunenummer("344", ORG_MUNICIPALITY, &e), VERR_INVALID);
  CHECK_INT(org_check_kommunenummer("34", ORG_COUNTY, &e), 0);
  CHECK_INT(org_check_kommunenummer("3442", ORG_REGION, &e), VERR_INVALID);
  CHECK_INT(org_check_name("", &e), VERR_INVALID);
  CHECK_INT(org_check_name(" x", &e), VERR_INVALID);
  CHECK_INT(org_check_name("a\tb", &e), VERR_INVALID);
  CHECK_INT(org_check_name("Østre Toten", &e), 0);
  OrgKind k;
  CHECK_INT(org_kind_parse("kommune", &k), 0);
  CHECK_INT(k, ORG_MUNICIPALITY);
  CHECK_INT(org_kind_parse("planet", &k), VERR_INVALID);
}

TEST(parent_kind_rules) {
  Err e = {0};
  int64_t nat = mk(ORG_NATIONAL, "Senter", 0, NULL);
  int64_t reg = mk(ORG_REGION, "Innlandet region", nat, NULL);
  CHECK(nat > 0 && reg > 0);
  OrgNew bad1 = {.kind = ORG_MUNICIPALITY, .name = "Løs kommune", .population = -1};
  CHECK_INT(org_create(db, &cli, &bad1, NULL, &e), VERR_INVALID);
  CHECK(strstr(e.msg, "overordnet organisasjon") != NULL);
  OrgNew bad2 = {.kind = ORG_NATIONAL, .name = "Under", .parent_id = reg, .population = -1};
  CHECK_INT(org_create(db, &cli, &bad2, NULL, &e), VERR_INVALID);
  OrgNew bad3 = {.kind = ORG_REGION, .name = "R", .parent_id = 99999, .population = -1};
  CHECK_INT(org_create(db, &cli, &bad3, NULL, &e), VERR_NOTFOUND);
  int64_t m = mk(ORG_MUNICIPALITY, "Østre Toten", reg, "3442");
  CHECK(m > 0);
  OrgNew dup = {.kind = ORG_MUNICIPALITY, .name = "Kopi", .parent_id = reg, .kommunenummer = "3442",
                .population = -1};
  CHECK_INT(org_create(db, &cli, &dup, NULL, &e), VERR_CONFLICT);
  CHECK(mk(ORG_IKS, "Vertskommune-IKS", m, NULL) > 0);
  CHECK(mk(ORG_SUPPLIER, "Leverandør AS", 0, NULL) > 0);
}

TEST(moves_refuse_cycles) {
  Err e = {0};
  Org nat, reg, m, iks;
  CHECK_INT(org_find(db, "Senter", &nat, &e), 0);
  CHECK_INT(org_find(db, "Innlandet region", &reg, &e), 0);
  CHECK_INT(org_find(db, "3442", &m, &e), 0);
  CHECK_INT(org_find(db, "Vertskommune-IKS", &iks, &e), 0);
  int64_t reg2 = mk(ORG_REGION, "Nordland region", nat.id, NULL);
  /* Allowed: a municipality moves to another region, and back. */
  CHECK_INT(org_move(db, &cli, m.id, reg2, &e), 0);
  Org after;
  CHECK_INT(org_get(db, m.id, &after, &e), 0);
  CHECK_INT(after.parent_id, reg2);
  /* Cycles: under itself, under its own child or grand-child. */
  CHECK_INT(org_move(db, &cli, m.id, m.id, &e), VERR_INVALID);
  CHECK_INT(org_move(db, &cli, m.id, iks.id, &e), VERR_INVALID);
  CHECK(strstr(e.msg, "egne underorganisasjoner") != NULL);
  CHECK_INT(org_move(db, &cli, nat.id, m.id, &e), VERR_INVALID);
  /* Kind rules apply to moves too. */
  CHECK_INT(org_move(db, &cli, reg.id, 0, &e), VERR_INVALID);
  CHECK_INT(org_move(db, &cli, m.id, 0, &e), VERR_INVALID);
  CHECK_INT(org_move(db, &cli, m.id, reg.id, &e), 0);
  CHECK_INT(org_move(db, &cli, 424242, reg.id, &e), VERR_NOTFOUND);
  /* Nothing the refused moves tried is left behind. */
  CHECK_INT(org_get(db, nat.id, &after, &e), 0);
  CHECK_INT(after.parent_id, 0);
}

TEST(find_and_list_order) {
  Err e = {0};
  Org o;
  CHECK_INT(org_find(db, "#1", &o, &e), 0);
  CHECK_STR(o.name, "Senter");
  CHECK_INT(org_find(db, "id:1", &o, &e), 0);
  CHECK_INT(org_find(db, "Finnes ikke", &o, &e), VERR_NOTFOUND);
  CHECK(strstr(e.msg, "Finnes ikke") != NULL);
  CHECK_INT(org_find(db, "", &o, &e), VERR_INVALID);
  Arena *a = arena_new(0);
  Org *list;
  size_t n;
  CHECK_INT(org_list(db, a, &list, &n, &e), 0);
  CHECK_INT(n, 6);
  /* Roots by name (Leverandør AS, Senter), each parent before its children. */
  const char *want[] = {"Leverandør AS", "Senter", "Innlandet region", "Østre Toten", "Vertskommune-IKS",
                        "Nordland region"};
  int depth[] = {0, 0, 1, 2, 3, 1};
  for (size_t i = 0; i < n && i < 6; i++) {
    CHECK_STR(list[i].name, want[i]);
    CHECK_INT(list[i].depth, depth[i]);
  }
  arena_free(a);
}

TEST(sharing_and_audit_trail) {
  Err e = {0};
  Org m;
  CHECK_INT(org_find(db, "3442", &m, &e), 0);
  CHECK_INT(m.sharing, POLICY_SHARE_AGGREGATE);
  CHECK_INT(org_set_sharing(db, &cli, m.id, POLICY_SHARE_SUMMARY, &e), 0);
  CHECK_INT(org_get(db, m.id, &m, &e), 0);
  CHECK_INT(m.sharing, POLICY_SHARE_SUMMARY);
  int64_t n = 0;
  CHECK_INT(db_int(db, &e, &n, "SELECT count(*) FROM audit_log WHERE action = 'org.create'", ""), 0);
  CHECK_INT(n, 6);
  CHECK_INT(db_int(db, &e, &n, "SELECT count(*) FROM audit_log WHERE action = 'org.move'", ""), 0);
  CHECK_INT(n, 2);
  CHECK_INT(db_int(db, &e, &n, "SELECT count(*) FROM audit_log WHERE action = 'org.sharing' AND org_id = ?", "l",
                   m.id),
            0);
  CHECK_INT(n, 1);
  int64_t count, bad;
  CHECK_INT(audit_verify(db, &count, &bad, NULL, &e), 0);
  /* Joining a caller's transaction: a rollback undoes the org and its audit entry. */
  CHECK_INT(db_begin(db, &e), 0);
  CHECK(mk(ORG_SUPPLIER, "Angret AS", 0, NULL) > 0);
  db_rollback(db);
  Org gone;
  CHECK_INT(org_find(db, "Angret AS", &gone, &e), VERR_NOTFOUND);
  CHECK_INT(audit_verify(db, &count, &bad, NULL, &e), 0);
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  char p[300];
  snprintf(p, sizeof p, "%s/o.db", dir);
  Err e = {0};
  if (db_open(&db, p, DB_OPEN_CREATE, &e)) return 1;
  memset(&cli, 0, sizeof cli);
  cli.via = AUTH_VIA_CLI;
  strcpy(cli.username, "cli");
  RUN(field_checks);
  RUN(parent_kind_rules);
  RUN(moves_refuse_cycles);
  RUN(find_and_list_order);
  RUN(sharing_and_audit_trail);
  db_close(db);
  snprintf(p, sizeof p, "rm -rf %s", dir);
  if (system(p)) {}
  return TEST_DONE();
}
