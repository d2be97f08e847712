/* cmd_init.c — `varde init`: create the database (or bring an existing one
 * up to this binary's schema). Safe to run again. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "assess/assess_store.h"
#include "cli/cli.h"
#include "cmds.h"
#include "db/db.h"

static void init_help(void) {
  printf("Bruk: varde init [--db FIL]\n"
         "Oppretter Varde-databasen (SQLite) og legger inn tabellene. Finnes databasen\n"
         "allerede, oppgraderes skjemaet om nødvendig; ingenting slettes.\n\n"
         "Valg:\n"
         "  --db FIL   databasefilen (standard: $VARDE_DB eller %s)\n"
         "  --help     vis denne hjelpen\n\n"
         "Avslutningskoder: 0 ok, 2 feil.\n",
         DB_DEFAULT_PATH);
}

int cmd_init(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0}};
  const char *path = db_default_path();
  int c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'd') path = optarg;
    else if (c == 'h') return init_help(), CLI_OK;
    else return cli_usage_error("init", "ukjent valg.");
  }
  if (optind < argc) return cli_usage_error("init", "uventet argument «%s».", argv[optind]);
  struct stat sb;
  int existed = stat(path, &sb) == 0;
  Db *db;
  int rc = cli_open("init", path, DB_OPEN_CREATE, &db);
  if (rc) return rc;
  int v = 0;
  Err e = {0};
  if (db_schema_version(db, &v, &e)) {
    db_close(db);
    return cli_fail("init", &e);
  }
  if (existed) printf("Databasen %s er klar (skjemaversjon %d).\n", path, v);
  else printf("Opprettet databasen %s (skjemaversjon %d).\n", path, v);
  /* The shipped frameworks go in at once; a missing folder is only a warning. */
  Principal p;
  cli_principal(&p);
  int added = 0;
  if (assess_store_ship(db, &p, &added, &e) == 0) printf("Rammeverk lagt inn: %d nye.\n", added);
  else fprintf(stderr, "varde init: advarsel: %s\n", e.msg);
  db_close(db);
  return CLI_OK;
}
