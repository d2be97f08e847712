/* cmd_framework.c — `varde import framework` and `varde import framework-csv`:
 * validate a framework (or extend one with CSV measures), print a summary, and
 * unless --check store it in the database (a version, or a measure layer). */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_config.h"
#include "assess/assess_store.h"
#include "cli/cli.h"
#include "db/db.h"
#include "org/org.h"
#include "assess/framework.h"
#include "assess/measures.h"
#include "import/import.h"

/* Prints the stored mapping proposal from the previous version, if any. */
static void print_stored_mapping(Db *db, int64_t id, const AssessFramework *fw) {
  Err e = {0};
  int64_t prev = 0;
  if (db_int(db, &e, &prev, "SELECT id FROM assess_frameworks WHERE urn = ? AND version < ?"
             " ORDER BY version DESC LIMIT 1", "si", fw->urn, fw->version)) return;
  Arena *a = arena_new(0);
  AssessMapRow *m = NULL;
  size_t n = 0, kept = 0;
  if (a && !assess_store_fw_mapping(db, a, prev, id, &m, &n, &e)) {
    printf("Koblingsforslag fra forrige versjon (lagret; eldre vurderinger beholdes):\n");
    for (size_t i = 0; i < n; i++) {
      if (!strcmp(m[i].kind, "kept")) { kept++; continue; }
      printf("  %-8s %s\n", m[i].kind, m[i].new_ref ? m[i].new_ref : m[i].old_ref);
    }
    printf("  uendret: %zu\n", kept);
  }
  arena_free(a);
}

static int store_framework(const char *dbpath, const AssessFramework *fw) {
  Db *db = NULL;
  int rc = cli_open("import", dbpath, DB_OPEN_CREATE, &db);
  if (rc) return rc;
  Principal p;
  cli_principal(&p);
  Err e = {0};
  int64_t id = 0;
  int added = 0;
  rc = assess_store_fw_put(db, &p, fw, &id, &added, &e);
  if (!rc && added) printf("Lagret i databasen som rammeverk %lld (%s versjon %d).\n", (long long)id, fw->urn,
                           fw->version);
  else if (!rc) printf("Finnes allerede i databasen med samme innhold (rammeverk %lld).\n", (long long)id);
  if (!rc && added) print_stored_mapping(db, id, fw);
  db_close(db);
  return rc ? cli_fail("import", &e) : 0;
}

static void print_summary(const char *file, const AssessFramework *fw, const AssessDiags *d) {
  int maxdepth = 0, per[8] = {0};
  for (size_t i = 0; i < fw->nnodes; i++) {
    int dp = fw->nodes[i].depth;
    if (dp > maxdepth) maxdepth = dp;
    if (dp >= 1 && dp <= 8) per[dp - 1]++;
  }
  printf("%s: OK\n", file);
  printf("  URN:         %s\n  Versjon:     %d%s%s%s\n", fw->urn, fw->version,
         fw->edition ? " (utgave " : "", fw->edition ? fw->edition : "", fw->edition ? ")" : "");
  printf("  Navn:        %s\n  Språk:       %s", fw->name, fw->locale);
  for (size_t i = 0; i < fw->ntr; i++) printf("%s%s", i ? ", " : " (oversatt: ", fw->tr[i].lang);
  printf("%s\n", fw->ntr ? ")" : "");
  printf("  Skala:       %s (%d–%d)\n", fw->scale.name ? fw->scale.name : "egen", fw->scale.min,
         fw->scale.max);
  printf("  Punkter:     %zu i %d nivå(er), %zu vurderbare\n", fw->nnodes, maxdepth,
         assess_framework_assessable(fw));
  for (int i = 0; i < maxdepth && i < 8; i++) printf("    nivå %d: %d\n", i + 1, per[i]);
  if (fw->ngroups) {
    printf("  Grupper:    ");
    for (size_t i = 0; i < fw->ngroups; i++) printf(" %s", fw->groups[i].ref_id);
    printf("\n");
  }
  printf("  Advarsler:   %d\n", d->nwarn);
}

static int write_output(const AssessFramework *fw, const char *path) {
  Buf b;
  buf_init(&b, (size_t)64 << 20);
  Err e = {0};
  int rc = assess_framework_export(fw, &b, &e);
  FILE *f = rc == 0 ? (strcmp(path, "-") ? fopen(path, "wb") : stdout) : NULL;
  if (rc == 0 && !f) fprintf(stderr, "varde import: kan ikke skrive %s\n", path);
  if (rc) fprintf(stderr, "varde import: %s\n", e.msg);
  int ok = f && fwrite(b.p, 1, b.n, f) == b.n;
  if (f && f != stdout && fclose(f) != 0) ok = 0;
  buf_free(&b);
  return ok ? 0 : -1;
}

static void print_mapping(const AssessFramework *o, const AssessFramework *n, const AssessMapping *m) {
  size_t changed = 0;
  for (size_t i = 0; i < m->npairs; i++) changed += m->pairs[i].changed != 0;
  printf("Koblingsforslag versjon %d → %d (samme ref_id = samme punkt):\n", o->version, n->version);
  printf("  beholdt: %zu (derav %zu med endret tekst eller plassering)\n", m->npairs, changed);
  for (size_t i = 0; i < m->npairs; i++)
    if (m->pairs[i].changed) printf("    ~ %s\n", n->nodes[m->pairs[i].new_idx].ref_id);
  printf("  fjernet: %zu\n", m->nremoved);
  for (size_t i = 0; i < m->nremoved; i++)
    printf("    - %s %s\n", o->nodes[m->removed[i]].ref_id,
           o->nodes[m->removed[i]].name ? o->nodes[m->removed[i]].name : "");
  printf("  nye:     %zu\n", m->nadded);
  for (size_t i = 0; i < m->nadded; i++)
    printf("    + %s %s\n", n->nodes[m->added[i]].ref_id,
           n->nodes[m->added[i]].name ? n->nodes[m->added[i]].name : "");
  if (n->version <= o->version)
    printf("  merk: versjon %d er ikke nyere enn %d\n", n->version, o->version);
}

static int compare_previous(const AssessFramework *fw, const char *prev) {
  AssessDiags d;
  assess_diags_init(&d, prev);
  AssessFramework *old = assess_framework_load(prev, &d);
  assess_diags_print(&d, stderr);
  assess_diags_free(&d);
  if (!old) return -1;
  AssessMapping m;
  Err e = {0};
  int rc = assess_framework_map(old, fw, &m, &e);
  if (rc == 0) print_mapping(old, fw, &m);
  else fprintf(stderr, "varde import: %s\n", e.msg);
  assess_mapping_free(&m);
  assess_framework_free(old);
  return rc ? -1 : 0;
}

static void framework_help(FILE *f) {
  fprintf(f,
    "Bruk: varde import framework FIL [--check] [--db FIL] [--previous GAMMEL.yaml] [--output UT.yaml]\n"
    "Kontrollerer et rammeverk i Vardes YAML-format (doc/framework-format.md) eller\n"
    "CISO Assistants bibliotekformat, skriver et sammendrag og lagrer det i databasen.\n"
    "En ny versjon lagres ved siden av de gamle (eldre vurderinger kan fortsatt leses),\n"
    "med et koblingsforslag fra forrige versjon.\n\n"
    "  --check            bare kontroller filen, lagre ingenting\n"
    "  --db FIL           databasen (standard $VARDE_DB eller varde.db)\n"
    "  --previous FIL     vis koblingsforslag fra en eldre versjon av samme rammeverk\n"
    "  --output FIL       skriv rammeverket tilbake som YAML («-» = standard ut)\n"
    "  --help             vis denne hjelpen\n\n"
    "Feil skrives som FIL:LINJE: feil: melding.\n"
    "Avslutningskoder: 0 filen er gyldig (og lagret), 2 feil i filen, i databasen eller i bruk.\n");
}

int assess_cmd_import_framework(int argc, char **argv) {
  static const struct option opts[] = {{"check", no_argument, 0, 'c'},
    {"previous", required_argument, 0, 'p'}, {"output", required_argument, 0, 'o'},
    {"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  int check = 0, c;
  const char *prev = NULL, *out = NULL, *dbpath = db_default_path();
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'c') check = 1;
    else if (c == 'p') prev = optarg;
    else if (c == 'o') out = optarg;
    else if (c == 'd') dbpath = optarg;
    else if (c == 'h') { framework_help(stdout); return 0; }
    else { framework_help(stderr); return 2; }
  }
  if (optind != argc - 1) { framework_help(stderr); return 2; }
  const char *file = argv[optind];
  AssessDiags d;
  assess_diags_init(&d, file);
  AssessFramework *fw = assess_framework_load(file, &d);
  assess_diags_print(&d, stderr);
  int rc = fw ? 0 : 2;
  if (rc == 0 && (!out || strcmp(out, "-"))) print_summary(file, fw, &d);
  if (rc == 0 && prev && compare_previous(fw, prev) < 0) rc = 2;
  if (rc == 0 && out && write_output(fw, out) < 0) rc = 2;
  if (rc == 0 && !check && store_framework(dbpath, fw)) rc = 2;
  assess_diags_free(&d);
  assess_framework_free(fw);
  return rc;
}

/* Looks in dir for a *.yaml framework with this URN; keeps the highest version. */
static void search_dir(const char *dir, const char *urn, AssessFramework **best, char **bestpath) {
  DIR *dp = opendir(dir);
  if (!dp) return;
  struct dirent *de;
  while ((de = readdir(dp))) {
    size_t n = strlen(de->d_name);
    if (n < 6 || strcmp(de->d_name + n - 5, ".yaml")) continue;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path) continue;
    AssessDiags d;
    assess_diags_init(&d, path);
    AssessFramework *fw = assess_framework_load(path, &d);
    assess_diags_free(&d);
    if (fw && !strcmp(fw->urn, urn) && (!*best || fw->version > (*best)->version)) {
      assess_framework_free(*best);
      free(*bestpath);
      *best = fw;
      *bestpath = strdup(path);
    } else {
      assess_framework_free(fw);
    }
  }
  closedir(dp);
}

static AssessFramework *find_framework(const char *urn, const char *library, char **path) {
  const char *dirs[] = {library, getenv("VARDE_FRAMEWORKS"), "frameworks", VARDE_FRAMEWORKS_DIR};
  AssessFramework *best = NULL;
  *path = NULL;
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0] && !best; i++)
    if (dirs[i] && *dirs[i]) search_dir(dirs[i], urn, &best, path);
  return best;
}

static void csv_help(FILE *f) {
  fprintf(f,
    "Bruk: varde import framework-csv FIL (--framework URN | --framework-file YAML)\n"
    "                                 [--check] [--org ORG] [--db FIL] [--library MAPPE] [--output UT.yaml]\n"
    "Leser tiltak fra en CSV-fil (f.eks. NSMs tiltaksregneark lagret som CSV) og legger dem\n"
    "som underpunkter under riktig prinsipp. Overskriftsraden må ha kolonner for tiltaksnummer\n"
    "og tittel (f.eks. «Tiltak» og «Tittel»), gjerne også «Prinsipp», «Beskrivelse» og\n"
    "«Prioritet». Skilletegn ; , eller tab; UTF-8 med eller uten BOM, eller Windows-1252.\n\n"
    "  --framework URN       rammeverket som utvides, hentet fra biblioteket\n"
    "  --framework-file FIL  rammeverket som utvides, fra en bestemt fil\n"
    "  --library MAPPE       let etter rammeverk her først (ellers $VARDE_FRAMEWORKS,\n"
    "                        ./frameworks og %s)\n"
    "  --check               bare kontroller, lagre ingenting\n"
    "  --org ORG             lagre tiltakene som et lokalt lag for denne organisasjonen\n"
    "                        (id, kommunenummer eller navn); uten --org gjelder laget alle\n"
    "  --db FIL              databasen (standard $VARDE_DB eller varde.db); rammeverket\n"
    "                        (--framework URN) hentes da fra databasen, nyeste versjon\n"
    "  --output FIL          skriv det utvidede rammeverket som YAML («-» = standard ut)\n"
    "  --help                vis denne hjelpen\n\n"
    "Feil skrives som FIL: rad N: feil: melding. Har én rad feil, legges ingenting inn.\n"
    "Avslutningskoder: 0 alle rader er gyldige, 2 feil i filen eller i bruk.\n",
    VARDE_FRAMEWORKS_DIR);
}

static char *read_all_file(const char *path, size_t max, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  Buf b;
  buf_init(&b, max);
  char tmp[65536];
  size_t k;
  while ((k = fread(tmp, 1, sizeof tmp, f)) > 0 && !b.err) buf_append(&b, tmp, k);
  int bad = ferror(f) || b.err;
  fclose(f);
  if (bad) { buf_free(&b); return NULL; }
  *n = b.n;
  return buf_take(&b);
}

typedef struct CsvOpts {
  int check;
  const char *urn, *fwfile, *library, *out, *file, *org, *db;
} CsvOpts;

static int csv_opts(int argc, char **argv, CsvOpts *o) {
  static const struct option opts[] = {{"check", no_argument, 0, 'c'},
    {"framework", required_argument, 0, 'f'}, {"framework-file", required_argument, 0, 'F'},
    {"library", required_argument, 0, 'l'}, {"output", required_argument, 0, 'o'},
    {"org", required_argument, 0, 'g'}, {"db", required_argument, 0, 'd'},
    {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  int c;
  memset(o, 0, sizeof *o);
  o->db = db_default_path();
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'c': o->check = 1; break;
    case 'f': o->urn = optarg; break;
    case 'F': o->fwfile = optarg; break;
    case 'l': o->library = optarg; break;
    case 'o': o->out = optarg; break;
    case 'g': o->org = optarg; break;
    case 'd': o->db = optarg; break;
    case 'h': csv_help(stdout); return 0;
    default: csv_help(stderr); return 2;
    }
  }
  if (optind != argc - 1 || (!o->urn == !o->fwfile) || (!o->check && !o->urn)) {
    csv_help(stderr);
    return 2;
  }
  o->file = argv[optind];
  return -1; /* go on */
}

/* The latest stored version of urn, as a private copy (for the check). */
static AssessFramework *open_stored(const CsvOpts *o) {
  Db *db = NULL;
  if (cli_open("import", o->db, 0, &db)) return NULL;
  Err e = {0};
  int64_t id = 0;
  AssessFramework *fw = NULL;
  if (assess_store_fw_find(db, o->urn, 0, &id, &e) || assess_store_fw_load_copy(db, id, 0, &fw, &e))
    cli_fail("import", &e);
  db_close(db);
  return fw;
}

static AssessFramework *open_target(const CsvOpts *o) {
  if (o->urn && !o->check) return open_stored(o);
  if (o->urn) {
    char *path = NULL;
    AssessFramework *fw = find_framework(o->urn, o->library, &path);
    if (!fw) fprintf(stderr, "varde import: fant ikke rammeverket %s i biblioteket\n", o->urn);
    free(path);
    return fw;
  }
  AssessDiags d;
  assess_diags_init(&d, o->fwfile);
  AssessFramework *fw = assess_framework_load(o->fwfile, &d);
  assess_diags_print(&d, stderr);
  assess_diags_free(&d);
  return fw;
}

static int import_csv(AssessFramework *fw, const CsvOpts *o) {
  size_t n = 0;
  char *data = read_all_file(o->file, (size_t)32 << 20, &n);
  if (!data) {
    fprintf(stderr, "varde import: kan ikke lese %s (finnes den, og er den under 32 MiB?)\n", o->file);
    return 2;
  }
  const char *base = strrchr(o->file, '/');
  AssessDiags d;
  assess_diags_init(&d, o->file);
  AssessCsvStats st;
  int rc = assess_measures_import(fw, data, n, base ? base + 1 : o->file, &d, &st);
  assess_diags_print(&d, stderr);
  if (rc == 0 && (!o->out || strcmp(o->out, "-")))
    printf("%s: OK – %zu tiltak lagt under %s (skilletegn «%s»%s)\n", o->file, st.added, fw->urn,
           st.sep == '\t' ? "tab" : st.sep == ';' ? ";" : ",", st.bom ? ", UTF-8 med BOM" : "");
  else if (rc < 0)
    fprintf(stderr, "%s: %d feil – ingen tiltak er lagt inn\n", o->file, d.nerr);
  assess_diags_free(&d);
  free(data);
  return rc < 0 ? 2 : 0;
}

/* Stores the CSV as a measure layer over the latest stored version of o->urn. */
static int store_layer(const CsvOpts *o) {
  Db *db = NULL;
  int rc = cli_open("import", o->db, 0, &db);
  if (rc) return rc;
  Principal p;
  cli_principal(&p);
  Err e = {0};
  Org org = {0};
  int64_t fw_id = 0;
  size_t n = 0;
  char *data = NULL;
  rc = assess_store_fw_find(db, o->urn, 0, &fw_id, &e);
  if (!rc && o->org) rc = org_find(db, o->org, &org, &e);
  if (!rc && !(data = read_all_file(o->file, (size_t)32 << 20, &n)))
    rc = err_set(&e, VERR_IO, "kan ikke lese %s", o->file);
  const char *base = strrchr(o->file, '/');
  AssessDiags d;
  assess_diags_init(&d, o->file);
  AssessCsvStats st = {0};
  if (!rc) rc = assess_store_fw_layer_add(db, &p, fw_id, org.id, base ? base + 1 : o->file, data, n, &d, &st, &e);
  assess_diags_print(&d, stderr);
  if (!rc) printf("Lagret i databasen: %zu tiltak som %s lag over %s.\n", st.added, org.id ? "lokalt" : "nasjonalt",
                  o->urn);
  assess_diags_free(&d);
  free(data);
  db_close(db);
  return rc ? cli_fail("import", &e) : 0;
}

int assess_cmd_import_framework_csv(int argc, char **argv) {
  CsvOpts o;
  int rc = csv_opts(argc, argv, &o);
  if (rc >= 0) return rc;
  AssessFramework *fw = open_target(&o);
  if (!fw) return 2;
  rc = import_csv(fw, &o);
  if (rc == 0 && o.out && write_output(fw, o.out) < 0) rc = 2;
  if (rc == 0 && !o.check && store_layer(&o)) rc = 2;
  assess_framework_free(fw);
  return rc;
}
