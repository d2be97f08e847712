/* cmd_user.c — `varde user add|passwd|list|disable|enable|role|mfa-reset`:
 * user administration for the local operator, on found-auth's user and MFA
 * API. Passwords are read from standard input, never from the command line. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "cmds.h"
#include "core/arena.h"
#include "core/csv.h"
#include "db/db.h"
#include "org/org.h"
#include "user/user.h"

static void user_help(void) {
  printf("Bruk: varde user KOMMANDO [VALG]\n"
         "Brukere og roller, for driftsansvarlig på maskinen. Passord leses fra standard\n"
         "inn (spørres om to ganger på en terminal), aldri fra kommandolinjen.\n\n"
         "Kommandoer:\n"
         "  add BRUKER --org ORG --role ROLLE [--name NAVN] [--totp]\n"
         "                     ny bruker med rolle i en organisasjon; --totp slår på\n"
         "                     tofaktor straks og skriver ut hemmeligheten\n"
         "  passwd BRUKER      sett nytt passord (avslutter brukerens økter)\n"
         "  list [--csv]       vis brukere med roller\n"
         "  disable BRUKER     steng kontoen (avslutter øktene); enable åpner igjen\n"
         "  role BRUKER ORG ROLLE\n"
         "                     sett rolle (viewer, editor, admin, auditor, none = fjern)\n"
         "  mfa-reset BRUKER   fjern tofaktor og gjenopprettingskoder (mistet telefon)\n\n"
         "Roller: viewer (lese), editor (lese og skrive), admin (alt, også brukere og\n"
         "revisjonslogg), auditor (revisor: lese, og i tillegg se og eksportere revisjonsloggen).\n"
         "Felles valg: --db FIL (standard: $VARDE_DB eller %s), --help.\n"
         "Administratorer må ha tofaktor; uten --totp settes den opp ved første innlogging.\n"
         "Avslutningskoder: 0 ok, 2 feil.\n",
         DB_DEFAULT_PATH);
}

/* Reads a password; on a terminal it is asked for twice. */
static int read_password(char *pw, size_t cap, Err *e) {
  char again[AUTH_PASSWORD_MAX + 2];
  if (cli_read_secret("Passord: ", pw, cap)) return err_set(e, VERR_INVALID, "Fikk ikke noe passord på standard inn.");
  if (strlen(pw) >= cap - 1) return err_set(e, VERR_INVALID, "Passordet er for langt.");
  if (!isatty(0)) return 0;
  if (cli_read_secret("Gjenta passordet: ", again, sizeof again) || strcmp(pw, again))
    return err_set(e, VERR_INVALID, "Passordene er ikke like.");
  return 0;
}

/* Common option scan: --db, --help and the command's own options. */
typedef struct UserOpts {
  const char *db, *org, *role, *name;
  int totp, csv;
} UserOpts;

static int scan(const char *cmd, int argc, char **argv, UserOpts *o) {
  static const struct option opts[] = {
    {"db", required_argument, 0, 'd'},   {"org", required_argument, 0, 'o'},
    {"role", required_argument, 0, 'r'}, {"name", required_argument, 0, 'n'},
    {"totp", no_argument, 0, 't'},       {"csv", no_argument, 0, 'c'},
    {"help", no_argument, 0, 'h'},       {0}};
  int c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'd': o->db = optarg; break;
    case 'o': o->org = optarg; break;
    case 'r': o->role = optarg; break;
    case 'n': o->name = optarg; break;
    case 't': o->totp = 1; break;
    case 'c': o->csv = 1; break;
    case 'h': user_help(); return -1;
    default: cli_usage_error(cmd, "ukjent valg."); return -2;
    }
  }
  return optind;
}

static int print_totp(Db *db, const Principal *cli, int64_t uid, const char *username, Err *e) {
  char secret[AUTH_TOTP_SECRET_B32_LEN + 1];
  char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1];
  int rc = auth_totp_secret_new(secret, e);
  if (!rc) rc = auth_totp_enable_secret(db, cli, uid, secret, codes, e);
  if (rc) return rc;
  Buf uri;
  buf_init(&uri, 4096);
  auth_totp_uri(secret, username, &uri);
  printf("TOTP-hemmelighet: %s\n%s\nGjenopprettingskoder (vises bare nå):\n", secret, buf_cstr(&uri));
  for (int i = 0; i < AUTH_RECOVERY_COUNT; i++) printf("  %s\n", codes[i]);
  buf_free(&uri);
  return 0;
}

static int user_add(Db *db, const Principal *cli, int argc, char **argv, int i, const UserOpts *o, Err *e) {
  Org org;
  AuthRole role;
  char pw[AUTH_PASSWORD_MAX + 2];
  int64_t uid;
  if (argc - i != 1 || !o->org || !o->role)
    return err_set(e, VERR_INVALID, "Bruk: varde user add BRUKER --org ORG --role ROLLE.");
  if (auth_role_parse(o->role, &role)) return err_set(e, VERR_INVALID, "Ukjent rolle «%s» (viewer, editor, admin, auditor).", o->role);
  int rc = org_find(db, o->org, &org, e);
  if (!rc) rc = user_name_check(argv[i], e);
  if (!rc) rc = read_password(pw, sizeof pw, e);
  if (!rc) rc = user_create(db, cli, argv[i], o->name, pw, db_now(), &uid, e);
  memset(pw, 0, sizeof pw);
  if (!rc) rc = user_membership_set(db, cli, uid, org.id, role, e);
  if (rc) return rc;
  printf("La til %s som %s i «%s».\n", argv[i], auth_role_name(role), org.name);
  if (o->totp) return print_totp(db, cli, uid, argv[i], e);
  if (role == AUTH_ROLE_ADMIN) printf("Administratoren setter opp tofaktor ved første innlogging.\n");
  return 0;
}

static int find_user(Db *db, int argc, char **argv, int i, int want, User *u, Err *e) {
  if (argc - i != want) return err_set(e, VERR_INVALID, "Feil antall argumenter; se `varde user --help`.");
  return user_find(db, argv[i], u, e);
}

static void roles_text(Db *db, Arena *a, int64_t uid, Buf *out) {
  UserMembership *m;
  size_t n = 0;
  Err e = {0};
  buf_reset(out);
  if (user_memberships(db, uid, a, &m, &n, &e)) return;
  for (size_t k = 0; k < n; k++) {
    Org o;
    if (org_get(db, m[k].org_id, &o, &e)) snprintf(o.name, sizeof o.name, "#%" PRId64, m[k].org_id);
    buf_printf(out, "%s%s i %s", k ? ", " : "", auth_role_name(m[k].role), o.name);
  }
}

static int user_list_cmd(Db *db, const UserOpts *o, Err *e) {
  Arena *a = arena_new(0);
  User *u;
  size_t n = 0;
  Buf roles, out;
  CsvWriter w;
  if (!a) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  int rc = user_list(db, a, &u, &n, e);
  buf_init(&roles, 1 << 16);
  buf_init(&out, 0);
  csv_writer_init(&w, &out, ';', CSV_DIALECT_EXCEL_NO);
  if (o->csv) {
    const char *head[] = {"id", "brukernavn", "navn", "stengt", "tofaktor", "roller"};
    for (int k = 0; k < 6; k++) csv_field(&w, head[k]);
    csv_end_row(&w);
  }
  for (size_t k = 0; !rc && k < n; k++) {
    roles_text(db, a, u[k].id, &roles);
    if (!o->csv) {
      printf("%-20s %-28s %s%s %s\n", u[k].username, u[k].display_name, u[k].disabled ? "STENGT " : "",
             u[k].totp_enabled ? "[TOTP]" : "[uten TOTP]", buf_cstr(&roles));
      continue;
    }
    csv_field_int(&w, u[k].id);
    csv_field(&w, u[k].username);
    csv_field(&w, u[k].display_name);
    csv_field(&w, u[k].disabled ? "ja" : "nei");
    csv_field(&w, u[k].totp_enabled ? "ja" : "nei");
    csv_field(&w, buf_cstr(&roles));
    csv_end_row(&w);
  }
  if (!rc && o->csv) fwrite(out.p ? out.p : "", 1, out.n, stdout);
  if (!rc && !n && !o->csv) printf("Ingen brukere ennå. Se `varde user add --help`.\n");
  buf_free(&roles);
  buf_free(&out);
  arena_free(a);
  return rc;
}

static int user_role_cmd(Db *db, const Principal *cli, int argc, char **argv, int i, Err *e) {
  User u;
  Org o;
  AuthRole role = AUTH_ROLE_NONE;
  if (argc - i != 3) return err_set(e, VERR_INVALID, "Bruk: varde user role BRUKER ORG ROLLE.");
  if (strcmp(argv[i + 2], "none") && auth_role_parse(argv[i + 2], &role))
    return err_set(e, VERR_INVALID, "Ukjent rolle «%s» (viewer, editor, admin, auditor, none).", argv[i + 2]);
  int rc = user_find(db, argv[i], &u, e);
  if (!rc) rc = org_find(db, argv[i + 1], &o, e);
  if (!rc) rc = user_membership_set(db, cli, u.id, o.id, role, e);
  if (!rc) printf("%s har nå rollen %s i «%s».\n", u.username, auth_role_name(role), o.name);
  return rc;
}

static int user_simple(Db *db, const Principal *cli, const char *sub, int argc, char **argv, int i, Err *e) {
  User u;
  char pw[AUTH_PASSWORD_MAX + 2];
  int rc = find_user(db, argc, argv, i, 1, &u, e);
  if (rc) return rc;
  if (!strcmp(sub, "passwd")) {
    rc = read_password(pw, sizeof pw, e);
    if (!rc) rc = user_set_password(db, cli, u.id, pw, e);
    memset(pw, 0, sizeof pw);
    if (!rc) printf("Nytt passord satt for %s; brukerens økter er avsluttet.\n", u.username);
  } else if (!strcmp(sub, "disable") || !strcmp(sub, "enable")) {
    int off = !strcmp(sub, "disable");
    rc = user_set_disabled(db, cli, u.id, 0, off, e);
    if (!rc) printf("%s er %s.\n", u.username, off ? "stengt" : "åpnet igjen");
  } else {
    rc = auth_mfa_reset(db, cli, u.id, 0, e);
    if (!rc) printf("Tofaktor er fjernet for %s; settes opp på nytt ved neste innlogging.\n", u.username);
  }
  return rc;
}

int cmd_user(int argc, char **argv) {
  if (argc < 2) return user_help(), CLI_ERROR;
  const char *sub = argv[1];
  if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) return user_help(), CLI_OK;
  static const char *const known[] = {"add", "passwd", "list", "disable", "enable", "role", "mfa-reset"};
  size_t k = 0;
  while (k < sizeof known / sizeof known[0] && strcmp(sub, known[k])) k++;
  if (k == sizeof known / sizeof known[0]) return cli_usage_error("user", "ukjent kommando «%s».", sub);
  char cmd[32];
  snprintf(cmd, sizeof cmd, "user %s", sub);
  UserOpts o = {.db = db_default_path()};
  int i = scan(cmd, argc - 1, argv + 1, &o);
  if (i < 0) return i == -1 ? CLI_OK : CLI_ERROR;
  Db *db;
  int rc = cli_open(cmd, o.db, !strcmp(sub, "list") ? DB_OPEN_READONLY : 0, &db);
  if (rc) return rc;
  Principal cli;
  cli_principal(&cli);
  Err e = {0};
  int ac = argc - 1;
  char **av = argv + 1;
  if (!strcmp(sub, "add")) rc = user_add(db, &cli, ac, av, i, &o, &e);
  else if (!strcmp(sub, "list")) rc = user_list_cmd(db, &o, &e);
  else if (!strcmp(sub, "role")) rc = user_role_cmd(db, &cli, ac, av, i, &e);
  else rc = user_simple(db, &cli, sub, ac, av, i, &e);
  db_close(db);
  return rc ? cli_fail(cmd, &e) : CLI_OK;
}
