/* test_auth.c — log-in, lockout, sessions (idle/absolute expiry with an
 * injected clock, rotation, log-out, CSRF), MFA enrolment and the MFA step,
 * recovery codes and API tokens, against a real migrated SQLite database. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "authdb.h"
#include "test.h"

#define T0 1700000000LL
#define PW "riktig hest batteri"
static AuthConfig cfg;

static int64_t mkuser(const char *name, AuthRole role) {
  int64_t id = 0;
  Err e = {0};
  Principal cli;
  auth_principal_cli(&cli);
  if (user_create(tdb, &cli, name, NULL, PW, T0, &id, &e)) fprintf(stderr, "mkuser: %s\n", e.msg);
  if (role && user_membership_set(tdb, &cli, id, torg, role, &e)) fprintf(stderr, "role: %s\n", e.msg);
  return id;
}

static int login(const char *name, const char *pw, const char *addr, int64_t now, AuthLogin *out) {
  Err e = {0};
  return auth_login(tdb, &cfg, name, pw, addr, now, out, &e);
}

static int lookup(const char *cookie, int64_t now, Principal *p) {
  Err e = {0};
  return auth_session_lookup(tdb, &cfg, cookie, "10.0.0.1", now, p, NULL, &e);
}

TEST(login_and_session) {
  AuthLogin l;
  Principal p;
  char csrf[AUTH_TOKEN_B64_LEN + 1];
  Err e = {0};
  int64_t id = mkuser("kari", AUTH_ROLE_EDITOR);
  CHECK_INT(login("Kari", PW, "10.0.0.1", T0, &l), 0); /* names are case-folded */
  CHECK_INT(l.user_id, id);
  CHECK_INT(l.stage, AUTH_STAGE_FULL);
  CHECK_INT(strlen(l.session.cookie), AUTH_TOKEN_B64_LEN);
  CHECK_INT(auth_session_lookup(tdb, &cfg, l.session.cookie, "10.0.0.1", T0 + 5, &p, csrf, &e), 0);
  CHECK_INT(p.user_id, id);
  CHECK_INT(p.via, AUTH_VIA_SESSION);
  CHECK_INT(p.current_org, torg);
  CHECK_STR(p.username, "kari");
  CHECK(auth_principal_ok(&p));
  CHECK_STR(csrf, l.session.csrf);
  CHECK(auth_csrf_ok(csrf, l.session.csrf));
  CHECK(!auth_csrf_ok(csrf, l.session.cookie));
  CHECK(!auth_csrf_ok(csrf, ""));
  CHECK(!auth_csrf_ok(csrf, NULL));
  /* The database holds only the hash of the cookie. */
  CHECK_INT(count_rows(tdb, "SELECT COUNT(*) FROM sessions WHERE user_id = ?"
                            " AND token_hash = csrf_token", id), 0);
  CHECK_INT(lookup("not-a-cookie", T0, &p), VERR_NOTFOUND);
  l.session.cookie[0] = l.session.cookie[0] == 'A' ? 'B' : 'A';
  CHECK_INT(lookup(l.session.cookie, T0, &p), VERR_NOTFOUND);
}

TEST(wrong_password_and_unknown_user) {
  AuthLogin l;
  Err e1 = {0}, e2 = {0};
  CHECK_INT(auth_login(tdb, &cfg, "kari", "feil passord!!", "10.0.0.2", T0, &l, &e1), VERR_DENIED);
  CHECK_INT(auth_login(tdb, &cfg, "ingen", "feil passord!!", "10.0.0.2", T0, &l, &e2), VERR_DENIED);
  CHECK_STR(e1.msg, e2.msg); /* no hint which one was wrong */
  /* A name that is not a user never reaches the permanent audit log. */
  int64_t n = -1;
  CHECK_INT(db_int(tdb, &e1, &n, "SELECT COUNT(*) FROM audit_log WHERE username = ?", "s", "ingen"), 0);
  CHECK_INT(n, 0);
  CHECK_INT(count_rows(tdb, "SELECT COUNT(*) FROM login_attempts WHERE success = 0 AND at = ?", T0), 2);
}

TEST(account_lockout) {
  AuthLogin l;
  int64_t t = T0 + 10000;
  mkuser("ola", 0);
  for (int i = 0; i < 5; i++) CHECK_INT(login("ola", "galt galt galt", "10.1.0.1", t + i, &l), VERR_DENIED);
  /* Locked: even the right password is refused, from any address. */
  CHECK_INT(login("ola", PW, "10.9.9.9", t + 10, &l), VERR_BUSY);
  CHECK_INT(l.retry_after, 900 - 10);
  CHECK_INT(auth_lock_remaining(tdb, &cfg, "ola", NULL, t + 899), 1);
  CHECK_INT(login("ola", PW, "10.9.9.9", t + 900, &l), 0); /* oldest failure aged out */
  /* A success wipes the account's slate: 4 + success + 4 is not a lock. */
  for (int i = 0; i < 4; i++) login("ola", "galt galt galt", "10.1.0.1", t + 1000 + i, &l);
  CHECK_INT(login("ola", PW, "10.1.0.1", t + 1010, &l), 0);
  for (int i = 0; i < 4; i++) login("ola", "galt galt galt", "10.1.0.1", t + 1020 + i, &l);
  CHECK_INT(login("ola", PW, "10.1.0.1", t + 1030, &l), 0);
}

TEST(address_lockout) {
  AuthLogin l;
  int64_t t = T0 + 20000;
  char name[32];
  for (int i = 0; i < 20; i++) {
    snprintf(name, sizeof name, "gjett%d", i);
    CHECK_INT(login(name, "galt galt galt", "192.0.2.7", t, &l), VERR_DENIED);
  }
  CHECK_INT(login("kari", PW, "192.0.2.7", t + 1, &l), VERR_BUSY);
  CHECK_INT(login("kari", PW, "192.0.2.8", t + 1, &l), 0);
  CHECK_INT(login("kari", PW, "192.0.2.7", t + 900, &l), 0);
}

TEST(idle_timeout) {
  AuthLogin l;
  Principal p;
  int64_t t = T0 + 30000;
  CHECK_INT(login("kari", PW, "10.0.0.1", t, &l), 0);
  CHECK_INT(lookup(l.session.cookie, t + 1799, &p), 0);        /* refreshes last seen */
  CHECK_INT(lookup(l.session.cookie, t + 1799 + 1799, &p), 0);
  CHECK_INT(lookup(l.session.cookie, t + 1799 + 1799 + 1800, &p), VERR_NOTFOUND);
  CHECK_INT(count_rows(tdb, "SELECT COUNT(*) FROM sessions WHERE id = ?", l.session.id), 0);
}

TEST(absolute_timeout) {
  AuthLogin l;
  Principal p;
  int64_t t = T0 + 100000, s;
  CHECK_INT(login("kari", PW, "10.0.0.1", t, &l), 0);
  for (s = t + 1000; s < t + 43200; s += 1000) CHECK_INT(lookup(l.session.cookie, s, &p), 0);
  CHECK_INT(lookup(l.session.cookie, t + 43200, &p), VERR_NOTFOUND);
}

TEST(expired_rows_purged_on_login) {
  AuthLogin old, l;
  int64_t t = T0 + 150000;
  CHECK_INT(login("kari", PW, "10.0.0.1", t, &old), 0);
  CHECK_INT(count_rows(tdb, "SELECT COUNT(*) FROM sessions WHERE id = ?", old.session.id), 1);
  CHECK_INT(login("kari", PW, "10.0.0.1", t + 43200, &l), 0);
  CHECK_INT(count_rows(tdb, "SELECT COUNT(*) FROM sessions WHERE id = ?", old.session.id), 0);
  CHECK_INT(count_rows(tdb, "SELECT COUNT(*) FROM sessions WHERE id = ?", l.session.id), 1);
}

TEST(shortened_by_environment) {
  AuthConfig c;
  setenv("VARDE_SESSION_IDLE", "2", 1);
  setenv("VARDE_SESSION_ABSOLUTE", "5", 1);
  setenv("VARDE_LOCK_WINDOW", "garbage", 1);
  auth_config_init(&c);
  CHECK_INT(c.session_idle, 2);
  CHECK_INT(c.session_absolute, 5);
  CHECK_INT(c.lock_window, 900);
  CHECK_INT(c.lock_user_failures, 5);
  unsetenv("VARDE_SESSION_IDLE");
  unsetenv("VARDE_SESSION_ABSOLUTE");
  unsetenv("VARDE_LOCK_WINDOW");
  AuthLogin l;
  Principal p;
  Err e = {0};
  int64_t t = T0 + 200000;
  CHECK_INT(auth_login(tdb, &c, "kari", PW, "10.0.0.1", t, &l, &e), 0);
  CHECK_INT(auth_session_lookup(tdb, &c, l.session.cookie, "", t + 1, &p, NULL, &e), 0);
  CHECK_INT(auth_session_lookup(tdb, &c, l.session.cookie, "", t + 3, &p, NULL, &e), VERR_NOTFOUND);
}

TEST(rotate_logout_and_org) {
  AuthLogin l;
  AuthSessionNew n;
  Principal p;
  Err e = {0};
  int64_t t = T0 + 300000, org2 = 0;
  CHECK_INT(login("kari", PW, "10.0.0.1", t, &l), 0);
  CHECK_INT(auth_session_rotate(tdb, l.session.id, 0, t + 1, &n, &e), 0);
  CHECK(strcmp(n.cookie, l.session.cookie) != 0 && strcmp(n.csrf, l.session.csrf) != 0);
  CHECK_INT(lookup(l.session.cookie, t + 2, &p), VERR_NOTFOUND);
  CHECK_INT(lookup(n.cookie, t + 2, &p), 0);
  db_int(tdb, &e, &org2, "INSERT INTO organisations(kind, name, created_at, updated_at)"
         " VALUES ('county', 'Testfylke', 1, 1) RETURNING id", "");
  CHECK_INT(auth_session_set_org(tdb, p.session_id, org2, &e), 0);
  CHECK_INT(lookup(n.cookie, t + 3, &p), 0);
  CHECK_INT(p.current_org, org2);
  CHECK_INT(auth_session_logout(tdb, &p, &e), 0);
  CHECK_INT(lookup(n.cookie, t + 4, &p), VERR_NOTFOUND);
  CHECK_INT(count_rows(tdb, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.logout'"
                            " AND user_id = ?", p.user_id), 1);
}

/* Enrols `name` (an admin) in TOTP and returns the secret and recovery codes. */
static void enrol(const char *name, int64_t t, char secret[AUTH_TOTP_SECRET_B32_LEN + 1],
                  char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1]) {
  AuthLogin l;
  AuthSessionNew rot;
  Principal p;
  char code[7];
  Err e = {0};
  CHECK_INT(login(name, PW, "10.0.0.1", t, &l), 0);
  CHECK_INT(l.stage, AUTH_STAGE_NEED_ENROL);
  CHECK_INT(lookup(l.session.cookie, t, &p), 0);
  CHECK_INT(p.stage, AUTH_STAGE_NEED_ENROL);
  CHECK(!auth_principal_ok(&p));
  CHECK_INT(auth_totp_begin(tdb, &p, p.user_id, secret, &e), 0);
  CHECK_INT(auth_totp_code(secret, t / 30 + 5, code, &e), 0); /* far future: wrong now */
  CHECK_INT(auth_totp_confirm(tdb, &cfg, &p, p.user_id, code, t, codes, &rot, &e), VERR_DENIED);
  CHECK_INT(auth_totp_code(secret, t / 30, code, &e), 0);
  CHECK_INT(auth_totp_confirm(tdb, &cfg, &p, p.user_id, code, t, codes, &rot, &e), 0);
  CHECK_INT(lookup(l.session.cookie, t + 1, &p), VERR_NOTFOUND); /* rotated */
  CHECK_INT(lookup(rot.cookie, t + 1, &p), 0);
  CHECK_INT(p.stage, AUTH_STAGE_FULL);
  CHECK_INT(auth_session_logout(tdb, &p, &e), 0);
}

TEST(mfa_enrol_and_login) {
  char secret[AUTH_TOTP_SECRET_B32_LEN + 1], codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1];
  char code[7];
  AuthLogin l, m;
  Principal p;
  AuthMfaStatus st;
  Err e = {0};
  int64_t t = T0 + 400000;
  int64_t id = mkuser("admin1", AUTH_ROLE_ADMIN);
  enrol("admin1", t, secret, codes);
  CHECK_INT(auth_mfa_status(tdb, id, &st, &e), 0);
  CHECK(st.totp_enabled && st.required);
  CHECK_INT(st.recovery_left, AUTH_RECOVERY_COUNT);
  /* Next log-in: password, then a code. The enrolment code's step is spent. */
  CHECK_INT(login("admin1", PW, "10.0.0.1", t + 10, &l), 0);
  CHECK_INT(l.stage, AUTH_STAGE_NEED_TOTP);
  CHECK_INT(lookup(l.session.cookie, t + 10, &p), 0);
  CHECK_INT(auth_totp_code(secret, t / 30, code, &e), 0);
  CHECK_INT(auth_login_mfa(tdb, &cfg, &p, code, t + 10, &m, &e), VERR_DENIED); /* reuse */
  CHECK_INT(auth_login_mfa(tdb, &cfg, &p, "000000x", t + 10, &m, &e), VERR_DENIED);
  CHECK_INT(auth_totp_code(secret, t / 30 + 1, code, &e), 0);
  CHECK_INT(auth_login_mfa(tdb, &cfg, &p, code, t + 10, &m, &e), 0); /* +1 step */
  CHECK_INT(m.stage, AUTH_STAGE_FULL);
  CHECK_INT(lookup(l.session.cookie, t + 11, &p), VERR_NOTFOUND);
  CHECK_INT(lookup(m.session.cookie, t + 11, &p), 0);
  CHECK(auth_principal_ok(&p));
  /* A fully logged-in session cannot take the MFA step again. */
  CHECK_INT(auth_login_mfa(tdb, &cfg, &p, code, t + 12, &m, &e), VERR_INVALID);
}

TEST(recovery_code_single_use) {
  char secret[AUTH_TOTP_SECRET_B32_LEN + 1], codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1];
  AuthLogin l, m;
  Principal p;
  AuthMfaStatus st;
  Err e = {0};
  int64_t t = T0 + 500000;
  int64_t id = mkuser("admin2", AUTH_ROLE_ADMIN);
  enrol("admin2", t, secret, codes);
  CHECK_INT(login("admin2", PW, "10.0.0.1", t + 100, &l), 0);
  CHECK_INT(lookup(l.session.cookie, t + 100, &p), 0);
  CHECK_INT(auth_login_mfa(tdb, &cfg, &p, codes[3], t + 100, &m, &e), 0);
  CHECK_INT(auth_mfa_status(tdb, id, &st, &e), 0);
  CHECK_INT(st.recovery_left, AUTH_RECOVERY_COUNT - 1);
  CHECK_INT(login("admin2", PW, "10.0.0.1", t + 200, &l), 0);
  CHECK_INT(lookup(l.session.cookie, t + 200, &p), 0);
  CHECK_INT(auth_login_mfa(tdb, &cfg, &p, codes[3], t + 200, &m, &e), VERR_DENIED);
  CHECK_INT(auth_login_mfa(tdb, &cfg, &p, "AAAA-BBBB-CCCC-DDDD", t + 200, &m, &e), VERR_DENIED);
  CHECK_INT(auth_login_mfa(tdb, &cfg, &p, codes[4], t + 200, &m, &e), 0);
  /* Wrong codes count towards the lockout like wrong passwords. */
  CHECK_INT(login("admin2", PW, "10.0.0.1", t + 300, &l), 0);
  CHECK_INT(lookup(l.session.cookie, t + 300, &p), 0);
  for (int i = 0; i < 5; i++)
    CHECK_INT(auth_login_mfa(tdb, &cfg, &p, "AAAA-BBBB-CCCC-DDDD", t + 300, &m, &e), VERR_DENIED);
  CHECK_INT(auth_login_mfa(tdb, &cfg, &p, codes[5], t + 301, &m, &e), VERR_BUSY);
}

TEST(mfa_reset) {
  char secret[AUTH_TOTP_SECRET_B32_LEN + 1], codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1];
  AuthLogin l;
  Principal cli, p;
  AuthMfaStatus st;
  Err e = {0};
  int64_t t = T0 + 600000;
  int64_t id = mkuser("admin3", AUTH_ROLE_ADMIN);
  enrol("admin3", t, secret, codes);
  CHECK_INT(login("admin3", PW, "10.0.0.1", t + 10, &l), 0);
  auth_principal_cli(&cli);
  CHECK_INT(auth_mfa_reset(tdb, &cli, id, 0, &e), 0);
  CHECK_INT(lookup(l.session.cookie, t + 11, &p), VERR_NOTFOUND); /* sessions ended */
  CHECK_INT(auth_mfa_status(tdb, id, &st, &e), 0);
  CHECK(!st.totp_enabled);
  CHECK_INT(st.recovery_left, 0);
  CHECK_INT(login("admin3", PW, "10.0.0.1", t + 20, &l), 0);
  CHECK_INT(l.stage, AUTH_STAGE_NEED_ENROL);
  CHECK_INT(auth_mfa_reset(tdb, &cli, 999999, 0, &e), VERR_NOTFOUND);
}

TEST(enable_with_given_secret) {
  char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1], code[7];
  const char *secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  AuthLogin l, m;
  Principal cli, p;
  Err e = {0};
  int64_t t = T0 + 650000;
  int64_t id = mkuser("admin4", AUTH_ROLE_ADMIN);
  auth_principal_cli(&cli);
  CHECK_INT(auth_totp_enable_secret(tdb, &cli, id, "GEZDGNBV", codes, &e), VERR_INVALID);
  CHECK_INT(auth_totp_enable_secret(tdb, &cli, id, "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", codes, &e),
            VERR_INVALID);
  CHECK_INT(auth_totp_enable_secret(tdb, &cli, 999999, secret, codes, &e), VERR_NOTFOUND);
  CHECK_INT(auth_totp_enable_secret(tdb, &cli, id, secret, codes, &e), 0);
  CHECK_INT(login("admin4", PW, "10.0.0.1", t, &l), 0);
  CHECK_INT(l.stage, AUTH_STAGE_NEED_TOTP);
  CHECK_INT(lookup(l.session.cookie, t, &p), 0);
  CHECK_INT(auth_totp_code(secret, t / 30, code, &e), 0);
  CHECK_INT(auth_login_mfa(tdb, &cfg, &p, code, t, &m, &e), 0);
  CHECK_INT(m.stage, AUTH_STAGE_FULL);
}

static char *stored_secret(int64_t id) {
  char *v = NULL;
  Err e = {0};
  db_text(tdb, &e, &v, "SELECT totp_secret FROM users WHERE id = ?", "l", id);
  return v;
}

/* TOTP secrets are sealed under the key file beside the database: not in
 * the database in clear, bound to their user, refused when changed, and a
 * missing key is never silently replaced by a new one. */
TEST(secrets_sealed_at_rest) {
  char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1], got[AUTH_TOTP_SECRET_MAX + 1], key[512], other[600];
  const char *secret = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";
  Principal cli;
  Err e = {0}, why = {0};
  struct stat st;
  int64_t ok = 0, clear = 0, bad = 0, sealed = 0;
  int64_t a = mkuser("seal-a", AUTH_ROLE_ADMIN), b = mkuser("seal-b", AUTH_ROLE_ADMIN), c = mkuser("seal-c", 0);
  auth_principal_cli(&cli);
  CHECK_INT(auth_totp_enable_secret(tdb, &cli, a, secret, codes, &e), 0);
  char *v = stored_secret(a);
  CHECK(v && !strncmp(v, "s1:", 3) && !strstr(v, secret));
  CHECK_INT(auth_key_file(tdb, key, sizeof key), 0);
  CHECK(!stat(key, &st) && (st.st_mode & 0777) == 0600);
  CHECK_INT(auth_totp_secret_get(tdb, a, got, &e), 0);
  CHECK_STR(got, secret);

  /* a's sealed value in b's row does not open (the user id is bound in) */
  CHECK_INT(auth_totp_enable_secret(tdb, &cli, b, secret, codes, &e), 0);
  CHECK_INT(db_exec(tdb, &e, "UPDATE users SET totp_secret = ? WHERE id = ?", "sl", v, b), 0);
  CHECK_INT(auth_totp_secret_get(tdb, b, got, &e), VERR_IO);
  v[10] = v[10] == 'A' ? 'B' : 'A';   /* a changed value does not open either */
  CHECK_INT(db_exec(tdb, &e, "UPDATE users SET totp_secret = ? WHERE id = ?", "sl", v, a), 0);
  CHECK_INT(auth_totp_secret_get(tdb, a, got, &e), VERR_IO);
  free(v);

  /* a secret an older Varde stored in clear is read, then sealed */
  CHECK_INT(db_exec(tdb, &e, "UPDATE users SET totp_secret = ?, totp_enabled = 1 WHERE id = ?", "sl", secret, c), 0);
  CHECK_INT(auth_totp_secret_get(tdb, c, got, &e), 0);
  CHECK_STR(got, secret);
  CHECK_INT(auth_secrets_check(tdb, &ok, &clear, &bad, &why, &e), 0);
  CHECK(clear == 1 && bad == 2);
  CHECK(strstr(why.msg, "kan ikke låses opp") != NULL);
  CHECK_INT(auth_secrets_seal_all(tdb, &sealed, &e), 0);
  CHECK_INT(sealed, 1);
  CHECK_INT(auth_secrets_check(tdb, &ok, &clear, &bad, &why, &e), 0);
  CHECK(clear == 0 && bad == 2 && ok >= 1);
  CHECK_INT(auth_totp_secret_get(tdb, c, got, &e), 0);
  CHECK_STR(got, secret);

  /* a key file that is missing: nothing opens, and no new key is made */
  snprintf(other, sizeof other, "%s/elsewhere.key", tdir);
  setenv("VARDE_KEY_FILE", other, 1);
  CHECK_INT(auth_totp_secret_get(tdb, c, got, &e), VERR_IO);
  CHECK(strstr(e.msg, "finnes ikke") != NULL);
  CHECK_INT(auth_totp_enable_secret(tdb, &cli, a, secret, codes, &e), VERR_IO);
  CHECK(stat(other, &st) && errno == ENOENT);
  /* one that others can read is refused */
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "cp '%s' '%s' && chmod 644 '%s'", key, other, other);
  CHECK_INT(system(cmd), 0);
  CHECK_INT(auth_totp_secret_get(tdb, c, got, &e), VERR_IO);
  CHECK(strstr(e.msg, "chmod 600") != NULL);
  unsetenv("VARDE_KEY_FILE");
  CHECK_INT(auth_totp_secret_get(tdb, c, got, &e), 0);
}

TEST(api_tokens) {
  char tok[AUTH_API_TOKEN_LEN + 1], tok2[AUTH_API_TOKEN_LEN + 1];
  Principal p, cli;
  AuthToken *list;
  size_t n;
  int64_t tid, tid2, t = T0 + 700000;
  Err e = {0};
  User u;
  auth_principal_cli(&cli);
  CHECK_INT(user_find(tdb, "kari", &u, &e), 0);
  CHECK_INT(auth_token_create(tdb, &cli, u.id, "skript", t, tok, &tid, &e), 0);
  CHECK(strncmp(tok, "varde_", 6) == 0);
  CHECK_INT(strlen(tok), AUTH_API_TOKEN_LEN);
  CHECK_INT(auth_token_create(tdb, &cli, u.id, "skript", t, tok2, &tid2, &e), VERR_CONFLICT);
  CHECK_INT(auth_token_create(tdb, &cli, u.id, "", t, tok2, &tid2, &e), VERR_INVALID);
  CHECK_INT(auth_token_create(tdb, &cli, u.id, "annen", t, tok2, &tid2, &e), 0);
  CHECK(strcmp(tok, tok2) != 0);
  CHECK_INT(auth_token_lookup(tdb, tok, "10.0.0.9", t + 100, &p, &e), 0);
  CHECK_INT(p.user_id, u.id);
  CHECK_INT(p.via, AUTH_VIA_TOKEN);
  CHECK_INT(p.token_id, tid);
  CHECK(auth_principal_ok(&p));
  Arena *a = arena_new(0);
  CHECK_INT(auth_token_list(tdb, u.id, a, &list, &n, &e), 0);
  CHECK_INT(n, 2);
  CHECK_INT(list[0].id + list[1].id, tid + tid2);
  CHECK_INT(list[0].id == tid ? list[0].last_used_at : list[1].last_used_at, t + 100);
  /* Someone else's id, then the real revoke. */
  CHECK_INT(auth_token_revoke(tdb, &cli, u.id + 1000, tid, t + 200, &e), VERR_NOTFOUND);
  CHECK_INT(auth_token_revoke(tdb, &cli, u.id, tid, t + 200, &e), 0);
  CHECK_INT(auth_token_revoke(tdb, &cli, u.id, tid, t + 200, &e), VERR_NOTFOUND);
  CHECK_INT(auth_token_lookup(tdb, tok, "", t + 300, &p, &e), VERR_NOTFOUND);
  CHECK_INT(auth_token_list(tdb, u.id, a, &list, &n, &e), 0);
  CHECK_INT(n, 1);
  CHECK_INT(auth_token_lookup(tdb, "varde_short", "", t, &p, &e), VERR_NOTFOUND);
  CHECK_INT(auth_token_lookup(tdb, tok2 + 1, "", t, &p, &e), VERR_NOTFOUND);
  CHECK_INT(auth_token_lookup(tdb, NULL, "", t, &p, &e), VERR_NOTFOUND);
  /* Only a hash is stored. */
  CHECK_INT(count_rows(tdb, "SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND"
                            " instr(token_hash, 'varde_') > 0", u.id), 0);
  arena_free(a);
}

/* Only admin roles must enrol in TOTP: an auditor is fully logged in with
 * the password alone, while an admin in the same organisation is not. */
TEST(auditor_needs_no_enrolment) {
  AuthLogin l;
  int64_t t = T0 + 800000;
  mkuser("rita", AUTH_ROLE_AUDITOR);
  mkuser("admin5", AUTH_ROLE_ADMIN);
  CHECK_INT(login("rita", PW, "10.8.0.1", t, &l), 0);
  CHECK_INT(l.stage, AUTH_STAGE_FULL);
  CHECK_INT(login("admin5", PW, "10.8.0.1", t, &l), 0);
  CHECK_INT(l.stage, AUTH_STAGE_NEED_ENROL);
}

TEST(audit_chain_intact) {
  CHECK(chain_ok(tdb));
  Err e = {0};
  int64_t n = 0;
  CHECK_INT(db_int(tdb, &e, &n, "SELECT COUNT(*) FROM audit_log WHERE action IN"
                   " ('user.login', 'user.login_failed', 'user.mfa', 'user.totp_enable',"
                   " 'user.mfa_reset', 'token.create', 'token.revoke')", ""), 0);
  CHECK(n >= 7);
}

int main(void) {
  setup_env();
  auth_config_init(&cfg);
  tdb = open_fresh("auth.db");
  RUN(login_and_session);
  RUN(wrong_password_and_unknown_user);
  RUN(account_lockout);
  RUN(address_lockout);
  RUN(idle_timeout);
  RUN(absolute_timeout);
  RUN(expired_rows_purged_on_login);
  RUN(shortened_by_environment);
  RUN(rotate_logout_and_org);
  RUN(mfa_enrol_and_login);
  RUN(recovery_code_single_use);
  RUN(mfa_reset);
  RUN(enable_with_given_secret);
  RUN(secrets_sealed_at_rest);
  RUN(api_tokens);
  RUN(auditor_needs_no_enrolment);
  RUN(audit_chain_intact);
  db_close(tdb);
  cleanup_dir();
  return TEST_DONE();
}
