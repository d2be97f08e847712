/* cli.c — shared pieces of the subcommands: opening the database, messages,
 * the operator principal, number parsing and reading a password. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth/auth.h"
#include "db/db.h"

int cli_fail(const char *cmd, const Err *e) {
  fprintf(stderr, "varde %s: %s\n", cmd, e && e->msg[0] ? e->msg : "ukjent feil");
  return CLI_ERROR;
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "varde %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nSe `varde %s --help`.\n", cmd);
  return CLI_ERROR;
}

/* A writable open also seals any TOTP secret an older Varde stored in
 * clear (src/auth/seal.c). */
int cli_open(const char *cmd, const char *path, int flags, Db **db) {
  Err e = {0};
  int64_t sealed = 0;
  if (db_open(db, path ? path : db_default_path(), flags, &e)) return cli_fail(cmd, &e);
  if (!(flags & (DB_OPEN_READONLY | DB_OPEN_NO_MIGRATE)) && auth_secrets_seal_all(*db, &sealed, &e)) {
    db_close(*db);
    *db = NULL;
    return cli_fail(cmd, &e);
  }
  char key[4096];
  if (sealed && !auth_key_file(*db, key, sizeof key))
    fprintf(stderr, "varde %s: %lld TOTP-hemmelighet(er) er nå kryptert med nøkkelfilen %s. Ta vare på den"
          " utenfor sikkerhetskopiene av databasen: uten den må tofaktor settes opp på nytt.\n",
            cmd, (long long)sealed, key);
  return CLI_OK;
}

void cli_principal(Principal *p) {
  memset(p, 0, sizeof *p);
  p->via = AUTH_VIA_CLI;
  snprintf(p->username, sizeof p->username, "cli");
  snprintf(p->display_name, sizeof p->display_name, "kommandolinje");
  snprintf(p->remote_addr, sizeof p->remote_addr, "lokal");
}

int cli_parse_int(const char *s, int64_t min, int64_t max, int64_t *out) {
  if (!s || !*s) return -1;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || *end || v < min || v > max) return -1;
  *out = v;
  return 0;
}

int cli_read_secret(const char *prompt, char *out, size_t cap) {
  struct termios old, quiet;
  int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    fprintf(stderr, "%s", prompt);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  char *got = fgets(out, (int)cap, stdin);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fprintf(stderr, "\n");
  }
  if (!got) return -1;
  out[strcspn(out, "\r\n")] = '\0';
  return 0;
}
