/* cmd_org.c — `varde org add|list|move|sharing`: the organisation tree from
 * the command line, acting as the local operator (audited as "cli"). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cmds.h"
#include "core/arena.h"
#include "core/csv.h"
#include "db/db.h"
#include "org/org.h"

static void org_help(void) {
  printf("Bruk: varde org KOMMANDO [VALG]\n"
         "Organisasjonstreet: nasjonalt senter → regioner → kommuner, fylkeskommuner og\n"
         "IKS; leverandører som egen type.\n\n"
         "Kommandoer:\n"
         "  add      legg til en organisasjon\n"
         "  list     vis treet (eller CSV med --csv)\n"
         "  move     flytt en organisasjon til en ny overordnet\n"
         "  sharing  sett delingsnivå (none, aggregate, summary, full)\n\n"
         "Felles valg: --db FIL (standard: $VARDE_DB eller %s), --help.\n"
         "En organisasjon oppgis som #id, kommunenummer (4 sifre), fylkesnummer\n"
         "(2 sifre), organisasjonsnummer (9 sifre) eller nøyaktig navn.\n"
         "Avslutningskoder: 0 ok, 2 feil.\n",
         DB_DEFAULT_PATH);
}

static void add_help(void) {
  printf("Bruk: varde org add --kind TYPE --name NAVN [--parent ORG] [--number NR]\n"
         "                    [--orgnr NR] [--population N] [--db FIL]\n"
         "Legger til en organisasjon.\n\n"
         "  --kind TYPE       national, region, municipality, county, iks, supplier\n"
         "                    (eller nasjonal, region, kommune, fylkeskommune, iks, leverandør)\n"
         "  --name NAVN       navnet (1–200 tegn)\n"
         "  --parent ORG      overordnet organisasjon (kreves for alt unntatt nasjonal\n"
         "                    og leverandør)\n"
         "  --number NR       kommunenummer (4 sifre) eller fylkesnummer (2 sifre)\n"
         "  --orgnr NR        organisasjonsnummer (9 sifre, kontrollsiffer sjekkes)\n"
         "  --population N    innbyggertall\n");
}

static int org_add(const char *dbpath, int argc, char **argv) {
  static const struct option opts[] = {
    {"kind", required_argument, 0, 'k'},   {"name", required_argument, 0, 'n'},
    {"parent", required_argument, 0, 'p'}, {"number", required_argument, 0, 'r'},
    {"orgnr", required_argument, 0, 'o'},  {"population", required_argument, 0, 'i'},
    {"db", required_argument, 0, 'd'},     {"help", no_argument, 0, 'h'},
    {0}};
  OrgNew o = {.kind = ORG_N_KINDS, .population = -1};
  const char *parent = NULL;
  int c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'k':
      if (org_kind_parse(optarg, &o.kind)) return cli_usage_error("org add", "ukjent type «%s».", optarg);
      break;
    case 'n': o.name = optarg; break;
    case 'p': parent = optarg; break;
    case 'r': o.kommunenummer = optarg; break;
    case 'o': o.orgnr = optarg; break;
    case 'i':
      if (cli_parse_int(optarg, 0, 100000000, &o.population))
        return cli_usage_error("org add", "innbyggertallet «%s» er ikke et gyldig tall.", optarg);
      break;
    case 'd': dbpath = optarg; break;
    case 'h': return add_help(), CLI_OK;
    default: return cli_usage_error("org add", "ukjent valg.");
    }
  }
  if (optind < argc) return cli_usage_error("org add", "uventet argument «%s».", argv[optind]);
  if (o.kind == ORG_N_KINDS) return cli_usage_error("org add", "--kind mangler.");
  if (!o.name) return cli_usage_error("org add", "--name mangler.");
  Db *db;
  int rc = cli_open("org add", dbpath, 0, &db);
  if (rc) return rc;
  Err e = {0};
  Org p;
  Principal cli;
  cli_principal(&cli);
  int64_t id = 0;
  if (parent && org_find(db, parent, &p, &e)) rc = CLI_ERROR;
  else o.parent_id = parent ? p.id : 0;
  if (!rc && org_create(db, &cli, &o, &id, &e)) rc = CLI_ERROR;
  db_close(db);
  if (rc) return cli_fail("org add", &e);
  printf("La til %s «%s» med id %" PRId64 ".\n", org_kind_label(o.kind), o.name, id);
  return CLI_OK;
}

static void print_tree(const Org *l, size_t n) {
  for (size_t i = 0; i < n; i++) {
    printf("%*s#%" PRId64 " %s [%s", l[i].depth * 2, "", l[i].id, l[i].name, org_kind_name(l[i].kind));
    if (l[i].kommunenummer[0]) printf(" %s", l[i].kommunenummer);
    if (l[i].orgnr[0]) printf(" orgnr %s", l[i].orgnr);
    if (l[i].population >= 0) printf(", %" PRId64 " innb.", l[i].population);
    printf(", deling %s]\n", policy_sharing_name(l[i].sharing));
  }
}

static void print_csv(const Org *l, size_t n) {
  Buf out;
  CsvWriter w;
  buf_init(&out, 0);
  csv_writer_init(&w, &out, ';', CSV_DIALECT_EXCEL_NO);
  const char *head[] = {"id", "overordnet", "type", "navn", "kommunenummer", "orgnr", "innbyggere", "deling"};
  for (size_t i = 0; i < 8; i++) csv_field(&w, head[i]);
  csv_end_row(&w);
  for (size_t i = 0; i < n; i++) {
    csv_field_int(&w, l[i].id);
    if (l[i].parent_id) csv_field_int(&w, l[i].parent_id);
    else csv_field(&w, "");
    csv_field(&w, org_kind_name(l[i].kind));
    csv_field(&w, l[i].name);
    csv_field(&w, l[i].kommunenummer);
    csv_field(&w, l[i].orgnr);
    if (l[i].population >= 0) csv_field_int(&w, l[i].population);
    else csv_field(&w, "");
    csv_field(&w, policy_sharing_name(l[i].sharing));
    csv_end_row(&w);
  }
  fwrite(out.p ? out.p : "", 1, out.n, stdout);
  buf_free(&out);
}

static int org_list_cmd(const char *dbpath, int argc, char **argv) {
  static const struct option opts[] = {
    {"csv", no_argument, 0, 'c'}, {"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0}};
  int c, csv = 0;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'c') csv = 1;
    else if (c == 'd') dbpath = optarg;
    else if (c == 'h') return printf("Bruk: varde org list [--csv] [--db FIL]\nViser organisasjonstreet; "
                                     "--csv gir CSV for regneark (semikolon, UTF-8 med BOM).\n"), CLI_OK;
    else return cli_usage_error("org list", "ukjent valg.");
  }
  Db *db;
  int rc = cli_open("org list", dbpath, DB_OPEN_READONLY, &db);
  if (rc) return rc;
  Arena *a = arena_new(0);
  Org *l;
  size_t n;
  Err e = {0};
  rc = a ? org_list(db, a, &l, &n, &e) : err_set(&e, VERR_NOMEM, "Tomt for minne.");
  if (!rc) csv ? print_csv(l, n) : print_tree(l, n);
  if (!rc && !csv && n == 0) printf("Ingen organisasjoner ennå. Se `varde org add --help`.\n");
  arena_free(a);
  db_close(db);
  return rc ? cli_fail("org list", &e) : CLI_OK;
}

/* Shared by move and sharing: ORG plus one value, with --db/--help. */
static int two_args(const char *cmd, const char *usage, const char **dbpath, int argc, char **argv,
                    const struct option *extra, int *flag) {
  struct option opts[4] = {{"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0}, {0}};
  if (extra) opts[2] = *extra;
  int c;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'd') *dbpath = optarg;
    else if (c == 'h') return printf("%s", usage), -1;
    else if (c == 'r' && flag) *flag = 1;
    else return cli_usage_error(cmd, "ukjent valg."), -2;
  }
  return optind;
}

static int org_move_cmd(const char *dbpath, int argc, char **argv) {
  static const char usage[] =
    "Bruk: varde org move ORG NY-OVERORDNET [--db FIL]\n"
    "      varde org move ORG --root [--db FIL]\n"
    "Flytter ORG (med alt under den) inn under NY-OVERORDNET. En organisasjon kan\n"
    "ikke flyttes inn under seg selv eller sine egne underorganisasjoner.\n";
  static const struct option root = {"root", no_argument, 0, 'r'};
  int to_root = 0;
  int i = two_args("org move", usage, &dbpath, argc, argv, &root, &to_root);
  if (i < 0) return i == -1 ? CLI_OK : CLI_ERROR;
  if (argc - i != (to_root ? 1 : 2)) return cli_usage_error("org move", "oppgi ORG og ny overordnet (eller --root).");
  Db *db;
  int rc = cli_open("org move", dbpath, 0, &db);
  if (rc) return rc;
  Err e = {0};
  Org o, p = {0};
  Principal cli;
  cli_principal(&cli);
  if (org_find(db, argv[i], &o, &e) || (!to_root && org_find(db, argv[i + 1], &p, &e)) ||
      org_move(db, &cli, o.id, to_root ? 0 : p.id, &e))
    rc = CLI_ERROR;
  db_close(db);
  if (rc) return cli_fail("org move", &e);
  if (to_root) printf("Flyttet «%s» til toppnivå.\n", o.name);
  else printf("Flyttet «%s» inn under «%s».\n", o.name, p.name);
  return CLI_OK;
}

static int org_sharing_cmd(const char *dbpath, int argc, char **argv) {
  static const char usage[] =
    "Bruk: varde org sharing ORG NIVÅ [--db FIL]\n"
    "Setter hva overordnede organisasjoner får se av ORGs data:\n"
    "  none       bare at organisasjonen finnes\n"
    "  aggregate  inngår i summer over minst 5 organisasjoner (standard)\n"
    "  summary    + egne nøkkeltall per organisasjon\n"
    "  full       + detaljer (for å få hjelp)\n";
  int i = two_args("org sharing", usage, &dbpath, argc, argv, NULL, NULL);
  if (i < 0) return i == -1 ? CLI_OK : CLI_ERROR;
  if (argc - i != 2) return cli_usage_error("org sharing", "oppgi ORG og NIVÅ.");
  PolicySharing s;
  if (policy_sharing_parse(argv[i + 1], &s))
    return cli_usage_error("org sharing", "ukjent nivå «%s» (none, aggregate, summary, full).", argv[i + 1]);
  Db *db;
  int rc = cli_open("org sharing", dbpath, 0, &db);
  if (rc) return rc;
  Err e = {0};
  Org o;
  Principal cli;
  cli_principal(&cli);
  if (org_find(db, argv[i], &o, &e) || org_set_sharing(db, &cli, o.id, s, &e)) rc = CLI_ERROR;
  db_close(db);
  if (rc) return cli_fail("org sharing", &e);
  printf("«%s» deler nå på nivå %s.\n", o.name, policy_sharing_name(s));
  return CLI_OK;
}

int cmd_org(int argc, char **argv) {
  const char *dbpath = db_default_path();
  if (argc < 2) return org_help(), CLI_ERROR;
  const char *sub = argv[1];
  if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) return org_help(), CLI_OK;
  if (!strcmp(sub, "add")) return org_add(dbpath, argc - 1, argv + 1);
  if (!strcmp(sub, "list")) return org_list_cmd(dbpath, argc - 1, argv + 1);
  if (!strcmp(sub, "move")) return org_move_cmd(dbpath, argc - 1, argv + 1);
  if (!strcmp(sub, "sharing")) return org_sharing_cmd(dbpath, argc - 1, argv + 1);
  return cli_usage_error("org", "ukjent kommando «%s».", sub);
}
