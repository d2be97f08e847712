/* gen.c — generates the assessment benchmark database: a national centre,
 * one region per county, all 357 municipalities (real names and populations
 * from ../shared/data/municipalities), five frameworks with five yearly
 * snapshots each, and measures from the gaps. Goes through the library's
 * store API, like the real pages do. Prints the ids and the log-ins. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/assess_store.h"
#include "auth/auth.h"
#include "db/db.h"
#include "org/org.h"
#include "user/user.h"

#define YEARS 5
#define YEAR (365 * 86400LL)
#define PASSWORD "Benk-passord-for-Varde-1"

static Db *db;
static Principal cli;

static void die(const char *what, const Err *e) {
  fprintf(stderr, "gen: %s: %s\n", what, e->msg);
  exit(2);
}

static uint64_t rng = 0x5EEDULL;
static unsigned rnd(unsigned n) {   /* xorshift64*, deterministic */
  rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
  return (unsigned)((rng * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

static void set_now(int64_t t) {
  char v[32];
  snprintf(v, sizeof v, "%lld", (long long)t);
  setenv("VARDE_NOW", v, 1);
}

static int64_t org(OrgKind kind, const char *name, int64_t parent, const char *nr, long long pop) {
  Err e = {0};
  int64_t id = 0;
  OrgNew o = {.parent_id = parent, .kind = kind, .name = name, .kommunenummer = nr, .population = pop};
  if (org_create(db, &cli, &o, &id, &e)) die(name, &e);
  return id;
}

/* One organisation, one framework: five yearly rounds, each completed. */
static void assess_org(int64_t o, int64_t fw_id, const AssessFramework *fw, int64_t t0) {
  Err e = {0};
  int *lv = calloc(fw->nnodes, sizeof *lv);
  int base = (int)rnd(3);
  for (int y = 0; y < YEARS; y++) {
    set_now(t0 + y * YEAR + (int64_t)rnd(86400 * 30));
    for (size_t i = 0; i < fw->nnodes; i++) {
      if (!fw->nodes[i].assessable) continue;
      int old = lv[i];
      if (y == 0) lv[i] = fw->scale.min + (base + (int)rnd(3)) % (fw->scale.max - fw->scale.min + 1);
      else if (lv[i] < fw->scale.max && rnd(10) < 4) lv[i]++;
      if (y > 0 && lv[i] == old) continue;   /* only what changed is saved again */
      AssessAnswerIn in = {.ref_id = fw->nodes[i].ref_id, .fields = ASSESS_F_LEVEL, .level = lv[i],
                           .target = -1};
      if (assess_store_save(db, &cli, o, fw_id, &in, &e)) die("save", &e);
    }
    int64_t snap;
    if (assess_store_complete(db, &cli, o, fw_id, &snap, &e)) die("complete", &e);
  }
  free(lv);
}

/* Measures from the three biggest gaps of the main framework, one overdue. */
static void measures(int64_t o, int64_t fw_id, Arena *a) {
  Err e = {0};
  AssessGapRow *g = NULL;
  size_t n = 0;
  if (assess_store_gaps(db, &cli, o, fw_id, a, &g, &n, &e)) die("gaps", &e);
  for (size_t i = 0; i < n && i < 3; i++) {
    int64_t id;
    if (assess_measure_from_gap(db, &cli, o, fw_id, g[i].ref_id, &id, &e)) die("measure", &e);
    if (i == 0 && rnd(3) == 0) {
      AssessMeasure m;
      if (assess_measure_get(db, &cli, id, a, &m, &e)) die("measure get", &e);
      m.deadline = "2025-06-30";
      m.status = ASSESS_MS_ACTIVE;
      if (assess_measure_save(db, &cli, &m, &id, &e)) die("measure save", &e);
    }
  }
}

static void user(const char *name, int64_t o, AuthRole role) {
  Err e = {0};
  int64_t uid;
  if (user_create(db, &cli, name, NULL, PASSWORD, db_now(), &uid, &e)) die(name, &e);
  if (user_membership_set(db, &cli, uid, o, role, &e)) die("membership", &e);
}

static const char *const share_by_digit[] = {"none", "aggregate", "aggregate", "aggregate", "summary",
                                              "summary", "summary", "summary", "full", "full"};

typedef struct Gen {
  AssessFwInfo *fws;
  size_t nfw;
  const AssessFramework *fw[8];
  int64_t main_fw, nat, first, t0, regions[100];
  size_t nm;
  Arena *a;
} Gen;

static void frameworks(Gen *g) {
  Err e = {0};
  int added;
  if (assess_store_ship(db, &cli, &added, &e)) die("frameworks", &e);
  if (assess_store_fw_list(db, g->a, &g->fws, &g->nfw, &e)) die("fw list", &e);
  if (g->nfw > 8) g->nfw = 8;
  for (size_t k = 0; k < g->nfw; k++)
    if (assess_store_fw_load(db, g->fws[k].id, 0, &g->fw[k], &e)) die("fw load", &e);
  if (assess_store_fw_find(db, "urn:varde:framework:nsm-grunnprinsipper", 0, &g->main_fw, &e)) die("nsm", &e);
}

/* One municipality from the JSON list: its region, sharing, assessments. */
static void municipality(Gen *g, json_t *m) {
  Err e = {0};
  const char *nr = json_string_value(json_object_get(m, "id"));
  const char *name = json_string_value(json_object_get(m, "name_no"));
  if (!nr || !name || strlen(nr) != 4) return;
  int county = atoi((char[3]){nr[0], nr[1], 0});
  if (county <= 0 || county >= 100) return;
  set_now(g->t0 - 86400);
  if (!g->regions[county]) {
    char rn[64];
    snprintf(rn, sizeof rn, "Region %02d (benk)", county);
    g->regions[county] = org(ORG_REGION, rn, g->nat, NULL, -1);
  }
  int64_t o = org(ORG_MUNICIPALITY, name, g->regions[county], nr,
                  (long long)json_integer_value(json_object_get(m, "population")));
  PolicySharing s;
  policy_sharing_parse(share_by_digit[g->nm % 10], &s);
  if (org_set_sharing(db, &cli, o, s, &e)) die("sharing", &e);
  if (!g->first && !strcmp(nr, "3401")) g->first = o;
  for (size_t k = 0; k < g->nfw; k++) assess_org(o, g->fws[k].id, g->fw[k], g->t0);
  measures(o, g->main_fw, g->a);
  if (++g->nm % 50 == 0) fprintf(stderr, "gen: %zu kommuner\n", g->nm);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "bruk: gen DB MUNICIPALITIES.json\n");
    return 2;
  }
  Err e = {0};
  if (db_open(&db, argv[1], DB_OPEN_CREATE, &e)) die("open", &e);
  db_exec(db, &e, "PRAGMA synchronous = OFF", "");   /* a throwaway benchmark database */
  auth_principal_cli(&cli);
  json_error_t je;
  json_t *all = json_load_file(argv[2], 0, &je);
  if (!json_is_array(all)) {
    fprintf(stderr, "gen: %s: %s\n", argv[2], je.text);
    return 2;
  }
  Gen g = {.a = arena_new(0)};
  frameworks(&g);
  g.t0 = db_now() - (YEARS - 1) * YEAR - 60 * 86400;
  g.nat = org(ORG_NATIONAL, "Nasjonalt senter (benk)", 0, NULL, -1);
  size_t i;
  json_t *m;
  json_array_foreach(all, i, m) municipality(&g, m);
  if (!g.first) g.first = g.nat + 2;
  unsetenv("VARDE_NOW");
  user("nasjonal", g.nat, AUTH_ROLE_VIEWER);
  user("kommune", g.first, AUTH_ROLE_EDITOR);
  printf("national %lld\nmunicipality %lld\nmunicipalities %zu\nframeworks %zu\npassword %s\n", (long long)g.nat,
         (long long)g.first, g.nm, g.nfw, PASSWORD);
  for (size_t k = 0; k < g.nfw; k++) assess_store_fw_release(g.fw[k]);
  arena_free(g.a);
  json_decref(all);
  db_close(db);
  return 0;
}
