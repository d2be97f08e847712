/* cmd_demo.c — `varde demo`: a populated demo database (see demo_orgs.c for
 * the tree) with a user for every role, printed with passwords and, for the
 * admins, their TOTP secrets. Running it again adds nothing twice. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

#include "assess/assess_store.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "cli/demo.h"
#include "findings/findings.h"
#include "cmds.h"
#include "db/db.h"
#include "inventory/inventory.h"
#include "org/org.h"
#include "scanjobs/scanjobs.h"
#include "user/user.h"

typedef enum { AT_MUNI, AT_REGION, AT_NATIONAL, AT_SUPPLIER } DemoWhere;

typedef struct DemoUser {
  const char *username, *display, *password, *persona;
  DemoWhere where;
  AuthRole role;
} DemoUser;

/* Demo passwords are fixed so a rerun can print them again; this database is
 * for trying Varde on 127.0.0.1, never for real data. */
static const DemoUser demo_users[] = {
  {"kommune-leser", "Kari Leser", "Lesehest-Toten-2026", "leser (viewer) i kommunen", AT_MUNI, AUTH_ROLE_VIEWER},
  {"kommune-redaktor", "Sigrid Sikkerhetsleder", "Brannmur-Mjosa-2026", "sikkerhetsleder (editor) i kommunen",
   AT_MUNI, AUTH_ROLE_EDITOR},
  {"kommune-admin", "Ola Admin", "Nokkelknippe-Lena-2026", "administrator i kommunen (TOTP)", AT_MUNI,
   AUTH_ROLE_ADMIN},
  {"direktor", "Kommunedirektør på Toten", "Utsikt-Skreia-2026", "kommunedirektør (leser)", AT_MUNI,
   AUTH_ROLE_VIEWER},
  {"revisor", "Kontrollutvalgets revisor", "Etterprovbar-Kapp-2026", "revisor (auditor: lesing og revisjonslogg)",
   AT_MUNI, AUTH_ROLE_AUDITOR},
  {"region-analytiker", "Regionanalytiker Innlandet", "Fjellvarde-Hamar-2026", "analytiker i regionen (RCSK)",
   AT_REGION, AUTH_ROLE_EDITOR},
  {"nasjonal-analytiker", "Analytiker i KommuneCERT", "Nordlys-Varsel-2026", "analytiker i nasjonalt senter",
   AT_NATIONAL, AUTH_ROLE_EDITOR},
  {"nasjonal-admin", "Driftsansvarlig KommuneCERT", "Vardebrann-Oslo-2026",
   "administrator i nasjonalt senter (TOTP)", AT_NATIONAL, AUTH_ROLE_ADMIN},
  {"leverandor", "Leverandørkontakt Fjordsky", "Skyskraper-Kontrakt-2026", "leverandør som svarer på skjema",
   AT_SUPPLIER, AUTH_ROLE_EDITOR},
};
#define N_DEMO_USERS (sizeof demo_users / sizeof demo_users[0])

static int64_t where_id(const DemoCtx *c, DemoWhere w) {
  switch (w) {
  case AT_MUNI: return c->municipality;
  case AT_REGION: return c->region_inn;
  case AT_NATIONAL: return c->national;
  default: return c->supplier;
  }
}

/* TOTP for an admin: an existing secret is read back so it can be printed
 * again; otherwise a new one is enabled (found-auth's operator set-up). */
static int ensure_totp(DemoCtx *c, int64_t uid, char secret[AUTH_TOTP_SECRET_B32_LEN + 1], Err *e) {
  char have[AUTH_TOTP_SECRET_MAX + 1];
  int rc = auth_totp_secret_get(c->db, uid, have, e);
  if (!rc && strlen(have) > AUTH_TOTP_SECRET_B32_LEN) rc = err_set(e, VERR_INVALID, "Uventet lang TOTP-hemmelighet.");
  if (!rc) memcpy(secret, have, strlen(have) + 1);
  sodium_memzero(have, sizeof have);
  if (rc != VERR_NOTFOUND) return rc;
  char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1];
  rc = auth_totp_secret_new(secret, e);
  if (!rc) rc = auth_totp_enable_secret(c->db, &c->cli, uid, secret, codes, e);
  return rc;
}

static int ensure_user(DemoCtx *c, const DemoUser *u, char secret[AUTH_TOTP_SECRET_B32_LEN + 1], Err *e) {
  User found;
  int64_t uid;
  int rc = user_find(c->db, u->username, &found, e);
  if (rc == VERR_NOTFOUND) {
    rc = user_create(c->db, &c->cli, u->username, u->display, u->password, db_now(), &uid, e);
    if (!rc) c->users_added++;
  } else if (!rc) {
    uid = found.id;
  }
  if (rc) return rc;
  AuthRole role = AUTH_ROLE_NONE;
  int64_t org = where_id(c, u->where);
  rc = user_role_in(c->db, uid, org, &role, e);
  if (!rc && role != u->role) rc = user_membership_set(c->db, &c->cli, uid, org, u->role, e);
  secret[0] = '\0';
  if (!rc && u->role == AUTH_ROLE_ADMIN) rc = ensure_totp(c, uid, secret, e);
  return rc;
}

static void print_user(const DemoCtx *c, const DemoUser *u, const char *secret) {
  Org o;
  Err e = {0};
  if (org_get(c->db, where_id(c, u->where), &o, &e)) snprintf(o.name, sizeof o.name, "?");
  printf("  %-20s %-26s %s – %s\n", u->username, u->password, u->persona, o.name);
  if (!secret[0]) return;
  char code[AUTH_TOTP_DIGITS + 1] = "";
  if (auth_totp_code(secret, db_now() / AUTH_TOTP_STEP, code, &e)) code[0] = '\0';
  printf("  %-20s TOTP-hemmelighet: %s (kode akkurat nå: %s)\n", "", secret, code);
}

static void demo_help(void) {
  printf("Bruk: varde demo [--db FIL] [--shared MAPPE]\n"
         "Fyller databasen med demodata: et nasjonalt senter (KommuneCERT), to regioner,\n"
         "alle kommunene i Innlandet (34) og Nordland (18) med ekte navn, kommunenummer\n"
         "og innbyggertall, én fylkeskommune, ett IKS, én leverandør og brukere i hver\n"
         "rolle. Passordene og administratorenes TOTP-hemmeligheter skrives ut til slutt.\n"
         "Kan kjøres flere ganger: det som finnes, legges ikke inn på nytt.\n\n"
         "Valg:\n"
         "  --db FIL         databasen (opprettes om den mangler; standard $VARDE_DB eller %s)\n"
         "  --shared MAPPE   mappen med data/municipalities (standard $VARDE_SHARED eller ../shared)\n"
         "  --help           vis denne hjelpen\n\n"
         "Bare for utprøving: passordene er kjente. Avslutningskoder: 0 ok, 2 feil.\n",
         DB_DEFAULT_PATH);
}

static int demo_run(DemoCtx *c, const char *shared, Err *e) {
  char secrets[N_DEMO_USERS][AUTH_TOTP_SECRET_B32_LEN + 1];
  int rc = demo_orgs(c, shared, e);
  if (!rc) rc = demo_sharing(c, e);
  for (size_t i = 0; !rc && i < N_DEMO_USERS; i++) rc = ensure_user(c, &demo_users[i], secrets[i], e);
  if (!rc) rc = assess_demo(c->db, &c->cli, c->national, c->region_inn, e);
  size_t inv_new = 0;
  if (!rc) rc = inv_demo(c->db, &c->cli, &inv_new, e);
  if (!rc) rc = find_demo(c->db, &c->cli, shared, e);
  if (!rc) rc = scanjobs_demo(c->db, &c->cli, c->municipality, e);
  if (rc) return rc;
  int64_t n_orgs = 0;
  db_int(c->db, e, &n_orgs, "SELECT count(*) FROM organisations", "");
  printf("Demodata i %s: %" PRId64 " organisasjoner (%d nye), %zu demobrukere (%d nye).\n\n", db_path(c->db),
         n_orgs, c->orgs_added, N_DEMO_USERS, c->users_added);
  printf("Inventar for hver kommune: %zu nye objekter og avhengigheter.\n\n", inv_new);
  printf("Innlogging (brukernavn, passord, rolle – organisasjon):\n");
  for (size_t i = 0; i < N_DEMO_USERS; i++) print_user(c, &demo_users[i], secrets[i]);
  printf("\nLegg TOTP-hemmeligheten inn i en autentiseringsapp (eller: oathtool --totp -b HEMMELIGHET).\n");
  return 0;
}

int cmd_demo(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                       {"shared", required_argument, 0, 's'},
                                       {"help", no_argument, 0, 'h'},
                                       {0}};
  const char *path = db_default_path(), *shared = NULL;
  int c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'd') path = optarg;
    else if (c == 's') shared = optarg;
    else if (c == 'h') return demo_help(), CLI_OK;
    else return cli_usage_error("demo", "ukjent valg.");
  }
  if (optind < argc) return cli_usage_error("demo", "uventet argument «%s».", argv[optind]);
  DemoCtx ctx = {0};
  cli_principal(&ctx.cli);
  int rc = cli_open("demo", path, DB_OPEN_CREATE, &ctx.db);
  if (rc) return rc;
  Err e = {0};
  rc = demo_run(&ctx, shared, &e);
  db_close(ctx.db);
  return rc ? cli_fail("demo", &e) : CLI_OK;
}
