/* fuzz_request.c — libFuzzer target for whole HTTP requests: raw bytes go
 * over a socketpair into a real MHD server running Varde's full web stack
 * (route table, prologue, pages, API) on a temporary database.
 *
 * So that mutations reach the handlers behind the log-in, the database holds
 * an organisation tree and an admin with TOTP, and before each input the
 * target gives that admin a fresh session and restores the memberships (an
 * input may log out or remove itself). In the input, @SID@, @CSRF@ and @TOK@
 * are replaced by the session cookie, its CSRF token and an API token. */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "db/db.h"
#include "http/http.h"
#include "org/org.h"
#include "user/user.h"
#include "web/web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static HttpServer *server;
static WebApp app;
static char dir[] = "/tmp/varde-fuzz-XXXXXX";
static Db *db;
static Principal cli;
static int64_t uid, orgs[2];
static char token[AUTH_API_TOKEN_LEN + 1];

/* Stops the server and removes the temporary database when libFuzzer exits. */
static void cleanup(void) {
  http_stop(server, 1);
  server = NULL;
  db_close(db);
  static const char *const suffix[] = {"", "-wal", "-shm"};
  char path[96];
  for (size_t i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s%s", app.db_path, suffix[i]);
    unlink(path);
  }
  rmdir(dir);
}

static void must(int rc, const Err *e, const char *what) {
  if (rc) {
    fprintf(stderr, "fuzz_request: %s: %s\n", what, e->msg);
    abort();
  }
}

/* National centre -> region -> municipality; an admin of the last two. */
static void populate(void) {
  Err e = {0};
  int64_t nat = 0;
  OrgNew n = {.kind = ORG_NATIONAL, .name = "Senter", .population = -1};
  must(org_create(db, &cli, &n, &nat, &e), &e, "org");
  OrgNew r = {.parent_id = nat, .kind = ORG_REGION, .name = "Region", .population = -1};
  must(org_create(db, &cli, &r, &orgs[0], &e), &e, "org");
  OrgNew m = {.parent_id = orgs[0], .kind = ORG_MUNICIPALITY, .name = "Kommune <b>&",
              .kommunenummer = "3442", .population = 1000};
  must(org_create(db, &cli, &m, &orgs[1], &e), &e, "org");
  must(user_create(db, &cli, "fuzz", "Fuzz \"Admin\"", "Langt-testpassord-1234", db_now(), &uid, &e),
       &e, "user");
  char secret[AUTH_TOTP_SECRET_B32_LEN + 1], code[AUTH_TOTP_DIGITS + 1];
  char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1];
  must(auth_totp_begin(db, &cli, uid, secret, &e), &e, "totp");
  must(auth_totp_code(secret, db_now() / AUTH_TOTP_STEP, code, &e), &e, "totp");
  must(auth_totp_confirm(db, &app.auth, &cli, uid, code, db_now(), codes, NULL, &e), &e, "totp");
  int64_t tid;
  must(auth_token_create(db, &cli, uid, "fuzz", db_now(), token, &tid, &e), &e, "token");
}

static void start(void) {
  if (!mkdtemp(dir)) abort();
  setenv("VARDE_PWHASH_FAST", "1", 1);
  static char path[64];
  snprintf(path, sizeof path, "%s/fuzz.db", dir);
  app.db_path = path;
  auth_config_init(&app.auth);
  auth_principal_cli(&cli);
  Err e = {0};
  must(db_open(&db, path, DB_OPEN_CREATE, &e), &e, "db");
  populate();
  web_init();
  HttpConfig cfg = {.listen = "127.0.0.1:0", .threads = 1, .timeout_s = 1,
                    .handler = web_handle, .app = &app};
  char err[256];
  server = http_start(&cfg, NULL, err, sizeof err);
  if (!server) {
    fprintf(stderr, "fuzz_request: %s\n", err);
    abort();
  }
  atexit(cleanup);
}

/* Copies data into out, replacing the placeholders. */
static void expand(Buf *out, const uint8_t *data, size_t size, const AuthSessionNew *s) {
  const struct { const char *key, *val; } subst[] = {
      {"@SID@", s->cookie}, {"@CSRF@", s->csrf}, {"@TOK@", token}};
  for (size_t i = 0; i < size;) {
    size_t k = 0;
    while (k < 3 && (size - i < strlen(subst[k].key) ||
                     memcmp(data + i, subst[k].key, strlen(subst[k].key))))
      k++;
    if (k < 3) {
      buf_puts(out, subst[k].val);
      i += strlen(subst[k].key);
    } else {
      buf_putc(out, data[i++]);
    }
  }
}

static void exchange(const char *req, size_t n) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) return;
  if (http_add_connection(server, sv[1])) {
    close(sv[0]);
    return;
  }
  for (size_t off = 0; off < n;) {
    ssize_t w = write(sv[0], req + off, n - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
  shutdown(sv[0], SHUT_WR);
  char buf[65536];
  struct pollfd pfd = {.fd = sv[0], .events = POLLIN};
  /* MHD answers complete requests at once; an incomplete one would wait for
   * the connection timeout, so give up on it after a short while. */
  while (poll(&pfd, 1, 200) > 0 && read(sv[0], buf, sizeof buf) > 0) {
  }
  close(sv[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!server) start();
  Err e = {0};
  AuthSessionNew s;
  for (int i = 0; i < 2; i++)
    if (user_membership_set(db, &cli, uid, orgs[i], AUTH_ROLE_ADMIN, &e)) return 0;
  if (auth_session_create(db, &app.auth, uid, 1, "127.0.0.1", db_now(), &s, &e)) return 0;
  Buf req;
  buf_init(&req, (size_t)4 << 20);
  expand(&req, data, size, &s);
  if (!req.err) exchange(buf_cstr(&req), req.n);
  buf_free(&req);
  return 0;
}
