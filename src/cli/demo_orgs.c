/* demo_orgs.c — the demo's organisation tree: a national centre, two regions
 * with every municipality of two real counties (names, numbers and
 * populations read at run time from ../shared/data/municipalities), a county,
 * an IKS and a supplier. Existing organisations are found, not added again. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/demo.h"
#include "db/db.h"
#include "org/org.h"

/* Finds an organisation by number, or by name under the same parent. */
static int demo_find(Db *db, const OrgNew *o, int64_t *id, Err *e) {
  int rc;
  if (o->kommunenummer) {
    rc = db_int(db, e, id, "SELECT id FROM organisations WHERE kommunenummer = ?", "s", o->kommunenummer);
  } else {
    rc = db_int(db, e, id, "SELECT id FROM organisations WHERE name = ? AND coalesce(parent_id, 0) = ?", "sl",
                o->name, o->parent_id);
  }
  if (rc == VERR_NOTFOUND) err_clear(e);
  return rc;
}

static int ensure(DemoCtx *c, OrgKind kind, const char *name, int64_t parent, const char *nr, int64_t pop,
                  int64_t *id, Err *e) {
  OrgNew o = {.parent_id = parent, .kind = kind, .name = name, .kommunenummer = nr, .population = pop};
  int rc = demo_find(c->db, &o, id, e);
  if (rc != VERR_NOTFOUND) return rc;
  rc = org_create(c->db, &c->cli, &o, id, e);
  if (!rc) c->orgs_added++;
  return rc;
}

/* The municipalities file: --shared if given, else $VARDE_SHARED, ../shared
 * from the working directory, or next to the source tree of the binary. */
static int data_path(char *out, size_t cap, const char *shared, Err *e) {
  const char *rel = "data/municipalities/data/municipalities-2025.json";
  char exe[2048];
  const char *cands[4] = {shared, getenv("VARDE_SHARED"), "../shared", NULL};
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 32);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) strcpy(slash, "/../../shared"); /* build dir inside the repo */
    cands[3] = exe;
  }
  struct stat sb;
  if (shared && *shared) { /* an explicit choice is the only candidate */
    cands[1] = cands[2] = cands[3] = NULL;
  }
  for (int i = 0; i < 4; i++) {
    if (!cands[i] || !*cands[i]) continue;
    snprintf(out, cap, "%s/%s", cands[i], rel);
    if (stat(out, &sb) == 0) return 0;
  }
  return err_set(e, VERR_NOTFOUND,
                 "Fant ikke kommunedataene (%s). Kjør fra repoets rotmappe, eller oppgi --shared MAPPE "
                 "eller VARDE_SHARED.", rel);
}

static int add_municipalities(DemoCtx *c, json_t *all, const char *county, int64_t region, int64_t *sum,
                              Err *e) {
  size_t i;
  json_t *m;
  int count = 0;
  json_array_foreach(all, i, m) {
    const char *id = json_string_value(json_object_get(m, "id"));
    const char *name = json_string_value(json_object_get(m, "name_no"));
    if (!name) name = json_string_value(json_object_get(m, "name"));
    json_t *pop = json_object_get(m, "population");
    if (!id || strncmp(id, county, 2) != 0) continue;
    if (!name || strlen(id) != 4 || !json_is_integer(pop) || json_integer_value(pop) < 0)
      return err_set(e, VERR_INVALID, "Kommunedataene har en ugyldig oppføring (nr. %zu).", i + 1);
    int64_t oid;
    int rc = ensure(c, ORG_MUNICIPALITY, name, region, id, json_integer_value(pop), &oid, e);
    if (rc) return rc;
    *sum += json_integer_value(pop);
    count++;
  }
  if (count == 0) return err_set(e, VERR_INVALID, "Fant ingen kommuner i fylke %s i kommunedataene.", county);
  return 0;
}

static int load_json(const char *shared, json_t **all, Err *e) {
  char path[4096];
  int rc = data_path(path, sizeof path, shared, e);
  if (rc) return rc;
  json_error_t je;
  *all = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if (!*all) return err_set(e, VERR_INVALID, "Kunne ikke lese %s: %s (linje %d).", path, je.text, je.line);
  if (!json_is_array(*all)) {
    json_decref(*all);
    return err_set(e, VERR_INVALID, "%s er ikke en JSON-liste.", path);
  }
  return 0;
}

int demo_orgs(DemoCtx *c, const char *shared, Err *e) {
  json_t *all;
  int rc = load_json(shared, &all, e);
  if (rc) return rc;
  int64_t inn_sum = 0, nor_sum = 0, county = 0;
  rc = ensure(c, ORG_NATIONAL, DEMO_NATIONAL, 0, NULL, -1, &c->national, e);
  if (!rc) rc = ensure(c, ORG_REGION, DEMO_REGION_INNLANDET, c->national, NULL, -1, &c->region_inn, e);
  if (!rc) rc = ensure(c, ORG_REGION, DEMO_REGION_NORDLAND, c->national, NULL, -1, &c->region_nor, e);
  if (!rc) rc = add_municipalities(c, all, "34", c->region_inn, &inn_sum, e);
  if (!rc) rc = add_municipalities(c, all, "18", c->region_nor, &nor_sum, e);
  json_decref(all);
  if (!rc) rc = ensure(c, ORG_COUNTY, "Innlandet fylkeskommune", c->region_inn, "34", inn_sum, &county, e);
  if (!rc) rc = ensure(c, ORG_IKS, DEMO_IKS, c->region_inn, NULL, -1, &c->iks, e);
  if (!rc) rc = ensure(c, ORG_SUPPLIER, DEMO_SUPPLIER, 0, NULL, -1, &c->supplier, e);
  if (!rc) rc = db_int(c->db, e, &c->municipality, "SELECT id FROM organisations WHERE kommunenummer = '3442'", "");
  (void)nor_sum;
  return rc;
}

/* A few different sharing choices, so the region's view shows each level.
 * Only set on the first run: later changes by the municipalities stand. */
int demo_sharing(DemoCtx *c, Err *e) {
  static const struct { const char *nr; PolicySharing s; } choices[] = {
    {"3442", POLICY_SHARE_SUMMARY}, {"3407", POLICY_SHARE_FULL}, {"3403", POLICY_SHARE_NONE},
    {"1804", POLICY_SHARE_SUMMARY}, {"1833", POLICY_SHARE_FULL},
  };
  if (!c->orgs_added) return 0;
  for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
    int64_t id;
    int rc = db_int(c->db, e, &id, "SELECT id FROM organisations WHERE kommunenummer = ?", "s", choices[i].nr);
    if (rc == VERR_NOTFOUND) continue;
    if (!rc) rc = org_set_sharing(c->db, &c->cli, id, choices[i].s, e);
    if (rc) return rc;
  }
  return 0;
}
