/* test_audit.c — the audit chain: appends inside transactions, verification,
 * tamper detection (changed, deleted and re-hashed entries), the triggers,
 * filtered listing and CSV export. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "audit/audit.h"
#include "db/db.h"
#include "test.h"

static char dir[] = "/tmp/varde-test-audit-XXXXXX";

static Db *fresh(const char *name) {
  char p[300];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  Db *db = NULL;
  Err e = {0};
  if (db_open(&db, p, DB_OPEN_CREATE, &e)) fprintf(stderr, "%s\n", e.msg);
  return db;
}

static Principal alice(void) {
  Principal p;
  memset(&p, 0, sizeof p);
  p.user_id = 7;
  strcpy(p.username, "alice");
  strcpy(p.remote_addr, "127.0.0.1");
  p.via = AUTH_VIA_SESSION;
  return p;
}

static void fill(Db *db, int n) {
  Principal p = alice();
  Err e = {0};
  for (int i = 0; i < n; i++) {
    char oid[16];
    snprintf(oid, sizeof oid, "%d", i);
    AuditEvent ev = {.who = i % 2 ? &p : NULL, .org_id = i % 3, .action = i % 2 ? "org.create" : "user.login",
                     .object_type = "organisation", .object_id = oid, .details = "navn=Østre Toten; \"sitat\""};
    if (audit_record(db, &ev, &e)) fprintf(stderr, "%s\n", e.msg);
  }
}

TEST(append_requires_transaction) {
  Db *db = fresh("a.db");
  Err e = {0};
  AuditEvent ev = {.action = "x"};
  CHECK_INT(audit_append(db, &ev, NULL, &e), VERR_INVALID);
  AuditEvent bad = {.action = ""};
  CHECK_INT(audit_record(db, &bad, &e), VERR_INVALID);
  int64_t n = -1;
  CHECK_INT(db_int(db, &e, &n, "SELECT count(*) FROM audit_log", ""), 0);
  CHECK_INT(n, 0);
  db_close(db);
}

TEST(chain_verifies_and_rollback_drops_entry) {
  Db *db = fresh("b.db");
  fill(db, 10);
  Err e = {0};
  int64_t count = 0, bad = 0;
  char head[AUDIT_HASH_HEX + 1];
  CHECK_INT(audit_verify(db, &count, &bad, head, &e), 0);
  CHECK_INT(count, 10);
  CHECK_INT(strlen(head), 64);
  /* An append in a transaction that is rolled back leaves no trace. */
  CHECK_INT(db_begin(db, &e), 0);
  AuditEvent ev = {.action = "org.delete"};
  int64_t id = 0;
  CHECK_INT(audit_append(db, &ev, &id, &e), 0);
  CHECK_INT(id, 11);
  db_rollback(db);
  CHECK_INT(audit_verify(db, &count, &bad, NULL, &e), 0);
  CHECK_INT(count, 10);
  db_close(db);
}

TEST(triggers_refuse_update_and_delete) {
  Db *db = fresh("c.db");
  fill(db, 3);
  Err e = {0};
  CHECK(db_exec(db, &e, "UPDATE audit_log SET details = 'x' WHERE id = 2", "") < 0);
  CHECK(strstr(e.msg, "kan ikke endres") != NULL);
  CHECK(db_exec(db, &e, "DELETE FROM audit_log WHERE id = 2", "") < 0);
  db_close(db);
}

static int tamper(Db *db, const char *sql) {
  Err e = {0};
  db_exec(db, &e, "DROP TRIGGER IF EXISTS audit_log_no_update", "");
  db_exec(db, &e, "DROP TRIGGER IF EXISTS audit_log_no_delete", "");
  return db_exec(db, &e, sql, "");
}

TEST(tampering_is_named) {
  struct {
    const char *sql;
    int64_t bad;
    const char *why;
  } cases[] = {
    {"UPDATE audit_log SET details = 'endret' WHERE id = 4", 4, "innholdet er endret"},
    {"UPDATE audit_log SET at = at + 1 WHERE id = 6", 6, "innholdet er endret"},
    {"DELETE FROM audit_log WHERE id = 3", 4, "mangler"},
    {"UPDATE audit_log SET hash = '0000000000000000000000000000000000000000000000000000000000000001' WHERE id = 5", 5,
     "innholdet er endret"},
    {"UPDATE audit_log SET username = 'mallory' WHERE id = 1", 1, "innholdet er endret"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char name[32];
    snprintf(name, sizeof name, "t%zu.db", i);
    Db *db = fresh(name);
    fill(db, 8);
    CHECK_INT(tamper(db, cases[i].sql), 0);
    Err e = {0};
    int64_t count = 0, bad = 0;
    CHECK_INT(audit_verify(db, &count, &bad, NULL, &e), VERR_CONFLICT);
    CHECK_INT(bad, cases[i].bad);
    CHECK(strstr(e.msg, cases[i].why) != NULL);
    char want[64];
    snprintf(want, sizeof want, "oppføring %lld", (long long)cases[i].bad);
    CHECK(strstr(e.msg, want) != NULL);
    db_close(db);
  }
}

static int count_cb(const AuditEntry *a, void *ctx) {
  int *n = ctx;
  (*n)++;
  return a->id > 0 ? 0 : 1;
}

TEST(listing_filters) {
  Db *db = fresh("l.db");
  fill(db, 12);
  Err e = {0};
  int n = 0;
  AuditFilter f = {.action_prefix = "org."};
  CHECK_INT(audit_list(db, &f, count_cb, &n, &e), 0);
  CHECK_INT(n, 6);
  n = 0;
  AuditFilter g = {.org_id = 2};
  CHECK_INT(audit_list(db, &g, count_cb, &n, &e), 0);
  CHECK_INT(n, 4);
  int64_t orgs[] = {1, 2};
  n = 0;
  AuditFilter h = {.org_ids = orgs, .n_org_ids = 2, .user_id = 7, .limit = 3};
  CHECK_INT(audit_list(db, &h, count_cb, &n, &e), 0);
  CHECK_INT(n, 3);
  n = 0;
  AuditFilter pct = {.action_prefix = "%"};
  CHECK_INT(audit_list(db, &pct, count_cb, &n, &e), 0);
  CHECK_INT(n, 0); /* a prefix is text, not a LIKE pattern */
  db_close(db);
}

TEST(csv_export) {
  Db *db = fresh("x.db");
  fill(db, 2);
  Principal p = alice();
  AuditEvent ev = {.who = &p, .action = "org.rename", .details = "=HYPERLINK(\"http://x\")"};
  Err e = {0};
  CHECK_INT(audit_record(db, &ev, &e), 0);
  Buf out;
  buf_init(&out, 0);
  CHECK_INT(audit_export_csv(db, NULL, &out, &e), 0);
  const char *s = buf_cstr(&out);
  CHECK(!strncmp(s, "\xEF\xBB\xBF" "nr;tidspunkt;bruker_id;bruker;", 33));
  CHECK(strstr(s, "\r\n3;") != NULL);                          /* newest first */
  CHECK(strstr(s, "\"'=HYPERLINK(\"\"http://x\"\")\"") != NULL); /* guarded and quoted */
  CHECK(strstr(s, "\"navn=Østre Toten; \"\"sitat\"\"\"") != NULL);
  buf_free(&out);
  db_close(db);
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  RUN(append_requires_transaction);
  RUN(chain_verifies_and_rollback_drops_entry);
  RUN(triggers_refuse_update_and_delete);
  RUN(tampering_is_named);
  RUN(listing_filters);
  RUN(csv_export);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd)) {}
  return TEST_DONE();
}
