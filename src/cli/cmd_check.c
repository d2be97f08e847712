/* cmd_check.c — `varde check`: schema version, SQLite integrity, foreign
 * keys, the audit log's guard triggers and its hash chain. Read-only. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "cmds.h"
#include "core/buf.h"
#include "db/db.h"

static void check_help(void) {
  printf("Bruk: varde check [--db FIL]\n"
         "Kontrollerer databasen uten å endre den: skjemaversjon, SQLite-integritet\n"
         "(PRAGMA integrity_check og fremmednøkler), vernet mot endring av\n"
         "revisjonsloggen og hele hash-kjeden i loggen (første brutte oppføring\n"
         "nevnes ved nummer), og at de lagrede TOTP-hemmelighetene er kryptert og lar\n"
         "seg låse opp med nøkkelfilen. Skriver kjedens siste hash; noter den et annet\n"
         "sted om du vil kunne oppdage at de nyeste oppføringene er fjernet.\n\n"
         "Valg:\n"
         "  --db FIL   databasen (standard: $VARDE_DB eller %s)\n"
         "  --help     vis denne hjelpen\n\n"
         "Avslutningskoder: 0 alt i orden, 1 problem funnet, 2 feil (kan ikke åpne).\n",
         DB_DEFAULT_PATH);
}

static int check_schema(Db *db, int *problems) {
  int v = 0;
  Err e = {0};
  if (db_schema_version(db, &v, &e)) return cli_fail("check", &e);
  if (v < db_latest_version()) {
    printf("FEIL  skjemaversjon %d, denne varde bruker %d: kjør `varde init` for å oppgradere.\n", v,
           db_latest_version());
    (*problems)++;
  } else {
    printf("ok    skjemaversjon %d\n", v);
  }
  return v == 0 ? CLI_FOUND : 0;
}

static int check_integrity(Db *db, int *problems) {
  Buf rep;
  Err e = {0};
  buf_init(&rep, 1 << 20);
  int rc = db_integrity_check(db, &rep, &e);
  if (rc == VERR_CONFLICT) {
    printf("FEIL  %s\n%s", e.msg, buf_cstr(&rep));
    (*problems)++;
    rc = 0;
  } else if (!rc) {
    printf("ok    SQLite-integritet og fremmednøkler\n");
  }
  buf_free(&rep);
  return rc ? cli_fail("check", &e) : 0;
}

static int check_audit(Db *db, int *problems) {
  Err e = {0};
  int64_t guards = 0, count = 0, bad = 0;
  char head[AUDIT_HASH_HEX + 1] = "";
  if (db_int(db, &e, &guards,
             "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
             " AND name IN ('audit_log_no_update', 'audit_log_no_delete')",
             ""))
    return cli_fail("check", &e);
  if (guards != 2) {
    printf("FEIL  revisjonsloggens vern mot endring og sletting (triggere) er fjernet.\n");
    (*problems)++;
  }
  int rc = audit_verify(db, &count, &bad, head, &e);
  if (rc == VERR_CONFLICT) {
    printf("FEIL  %s\n", e.msg);
    (*problems)++;
    return 0;
  }
  if (rc) return cli_fail("check", &e);
  printf("ok    revisjonsloggen: %" PRId64 " oppføringer, kjeden er hel\n", count);
  printf("      siste hash: %s\n", head);
  return 0;
}

static int check_secrets(Db *db, int *problems) {
  Err e = {0}, why = {0};
  int64_t ok = 0, clear = 0, bad = 0;
  char key[4096] = "";
  if (auth_secrets_check(db, &ok, &clear, &bad, &why, &e)) return cli_fail("check", &e);
  auth_key_file(db, key, sizeof key);
  if (clear) {
    printf("FEIL  %" PRId64 " TOTP-hemmelighet(er) lagret i klartekst: `varde init` krypterer dem.\n", clear);
    (*problems)++;
  }
  if (bad) {
    printf("FEIL  %" PRId64 " TOTP-hemmelighet(er) kan ikke låses opp med nøkkelfilen %s. %s\n", bad, key, why.msg);
    (*problems)++;
  }
  if (!clear && !bad) printf("ok    TOTP-hemmeligheter: %" PRId64 ", kryptert%s%s\n", ok, ok ? " med " : "", ok ? key : "");
  return 0;
}

int cmd_check(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0}};
  const char *path = db_default_path();
  int c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'd') path = optarg;
    else if (c == 'h') return check_help(), CLI_OK;
    else return cli_usage_error("check", "ukjent valg.");
  }
  if (optind < argc) return cli_usage_error("check", "uventet argument «%s».", argv[optind]);
  Db *db;
  int rc = cli_open("check", path, DB_OPEN_READONLY, &db);
  if (rc) return rc;
  int problems = 0;
  printf("Kontrollerer %s\n", path);
  rc = check_schema(db, &problems);
  if (rc == CLI_FOUND) {
    printf("FEIL  databasen har ingen tabeller; kjør `varde init`.\n");
    db_close(db);
    return CLI_FOUND;
  }
  if (!rc) rc = check_integrity(db, &problems);
  if (!rc) rc = check_audit(db, &problems);
  if (!rc) rc = check_secrets(db, &problems);
  db_close(db);
  if (rc) return rc;
  if (problems) printf("%d problem(er) funnet.\n", problems);
  else printf("Alt i orden.\n");
  return problems ? CLI_FOUND : CLI_OK;
}
