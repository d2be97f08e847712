/* cmd_backup.c — `varde backup FILE`: an online, consistent copy of the
 * database while the server keeps running, checked after it is written. */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "cmds.h"
#include "core/buf.h"
#include "db/db.h"

static void backup_help(void) {
  printf("Bruk: varde backup [--db FIL] MÅLFIL\n"
         "Tar en konsistent sikkerhetskopi av databasen mens Varde kjører (SQLite\n"
         "VACUUM INTO: ett øyeblikksbilde, skrevet til en midlertidig fil og så gitt\n"
         "navnet MÅLFIL). Kopien kontrolleres etterpå. Overskriver aldri en fil.\n\n"
         "Valg:\n"
         "  --db FIL   databasen det tas kopi av (standard: $VARDE_DB eller %s)\n"
         "  --help     vis denne hjelpen\n\n"
         "Gjenoppretting: stopp varde, kopier MÅLFIL til databasefilen, start igjen.\n"
         "Nøkkelfilen som krypterer TOTP-hemmelighetene (databasefilen + .key, eller\n"
         "$VARDE_KEY_FILE) er med vilje ikke med i kopien: ta vare på den et annet sted.\n"
         "Uten den må alle med tofaktor settes opp på nytt (varde user mfa-reset).\n"
         "Avslutningskoder: 0 ok, 2 feil.\n",
         DB_DEFAULT_PATH);
}

/* Opens the fresh copy read-only and runs the integrity check on it. */
static int verify_copy(const char *dest, Err *e) {
  Db *copy;
  int rc = db_open(&copy, dest, DB_OPEN_READONLY, e);
  if (rc) return rc;
  Buf rep;
  buf_init(&rep, 1 << 16);
  rc = db_integrity_check(copy, &rep, e);
  buf_free(&rep);
  db_close(copy);
  return rc;
}

int cmd_backup(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0}};
  const char *path = db_default_path();
  int c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'd') path = optarg;
    else if (c == 'h') return backup_help(), CLI_OK;
    else return cli_usage_error("backup", "ukjent valg.");
  }
  if (optind != argc - 1) return cli_usage_error("backup", "oppgi nøyaktig én målfil.");
  const char *dest = argv[optind];
  Db *db;
  int rc = cli_open("backup", path, DB_OPEN_NO_MIGRATE, &db);
  if (rc) return rc;
  Err e = {0};
  char key[4096] = "";
  auth_key_file(db, key, sizeof key);
  rc = db_backup(db, dest, &e);
  db_close(db);
  if (rc) return cli_fail("backup", &e);
  if (verify_copy(dest, &e)) {
    fprintf(stderr, "varde backup: kopien %s ble skrevet, men kontrollen feilet: %s\n", dest, e.msg);
    return CLI_ERROR;
  }
  struct stat sb;
  long long size = stat(dest, &sb) == 0 ? (long long)sb.st_size : -1;
  printf("Sikkerhetskopi skrevet til %s (%lld byte) og kontrollert.\n", dest, size);
  if (!access(key, F_OK))
    printf("Nøkkelfilen %s er ikke med i kopien (med vilje): ta vare på den et annet sted.\n", key);
  return CLI_OK;
}
