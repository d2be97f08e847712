/* store_fw.c — frameworks in the database: store a version (canonical YAML +
 * nodes + mapping proposal to the previous version), list, find, load with
 * the CSV measure layers that apply to an organisation. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"

static int put_nodes(Db *db, int64_t id, const AssessFramework *fw, Err *e) {
  int rc = 0;
  for (size_t i = 0; i < fw->nnodes && !rc; i++) {
    const AssessNode *n = &fw->nodes[i];
    const char *pref = n->parent >= 0 ? fw->nodes[n->parent].ref_id : NULL;
    rc = db_exec(db, e, "INSERT INTO assess_nodes(framework_id, ord, ref_id, urn, parent_ref, name,"
                 " assessable, depth) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "lissssii", id, (int)i,
                 n->ref_id, n->urn, pref, n->name ? n->name : "", n->assessable, n->depth);
  }
  return rc;
}

static const AssessFramework *parse_source(const char *src, size_t n, Err *e) {
  AssessDiags d;
  assess_diags_init(&d, "database");
  AssessFramework *fw = assess_framework_parse(src, n, &d);
  if (!fw) err_set(e, VERR_DB, "Lagret rammeverk kan ikke leses: %s",
                   d.n ? d.v[0].msg : "ukjent feil");
  assess_diags_free(&d);
  return fw;
}

/* The mapping proposal against the highest stored version below this one. */
static int put_mapping(Db *db, int64_t id, const AssessFramework *fw, Err *e) {
  int64_t prev = 0;
  int rc = db_int(db, e, &prev, "SELECT id FROM assess_frameworks WHERE urn = ? AND version < ?"
                  " ORDER BY version DESC LIMIT 1", "si", fw->urn, fw->version);
  if (rc == VERR_NOTFOUND) { err_clear(e); return 0; }
  const AssessFramework *old = NULL;
  if (!rc) rc = assess_store_fw_load(db, prev, 0, &old, e);
  AssessMapping m = {0};
  if (!rc) rc = assess_framework_map(old, fw, &m, e);
  for (size_t i = 0; !rc && i < m.npairs; i++)
    rc = db_exec(db, e, "INSERT INTO assess_fw_mappings VALUES (?, ?, ?, ?, ?)", "llsss", prev, id,
                 old->nodes[m.pairs[i].old_idx].ref_id, fw->nodes[m.pairs[i].new_idx].ref_id,
                 m.pairs[i].changed ? "changed" : "kept");
  for (size_t i = 0; !rc && i < m.nremoved; i++)
    rc = db_exec(db, e, "INSERT INTO assess_fw_mappings VALUES (?, ?, ?, NULL, 'removed')", "lls",
                 prev, id, old->nodes[m.removed[i]].ref_id);
  for (size_t i = 0; !rc && i < m.nadded; i++)
    rc = db_exec(db, e, "INSERT INTO assess_fw_mappings VALUES (?, ?, NULL, ?, 'added')", "lls",
                 prev, id, fw->nodes[m.added[i]].ref_id);
  assess_mapping_free(&m);
  assess_store_fw_release(old);
  return rc;
}

static int put_new(Db *db, const Principal *who, const AssessFramework *fw, const Buf *y,
                   const char *sha, int64_t *id, Err *e) {
  int rc = db_begin(db, e);
  if (!rc) rc = db_int(db, e, id, "INSERT INTO assess_frameworks(urn, version, edition, ref_id, name,"
                       " nitems, source, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                       " RETURNING id", "sisssissl", fw->urn, fw->version, fw->edition,
                       fw->ref_id ? fw->ref_id : "", fw->name ? fw->name : "",
                       (int)assess_framework_assessable(fw), buf_cstr(y), sha, db_now());
  if (!rc) rc = put_nodes(db, *id, fw, e);
  if (!rc) rc = put_mapping(db, *id, fw, e);
  char det[300];
  snprintf(det, sizeof det, "urn=%.200s version=%d", fw->urn, fw->version);
  if (!rc) rc = st_audit(db, who, 0, "assess.framework.import", "framework", *id, det, e);
  if (!rc) rc = db_commit(db, e);
  if (rc) db_rollback(db);
  return rc;
}

int assess_store_fw_put(Db *db, const Principal *who, const AssessFramework *fw, int64_t *id,
                        int *added, Err *e) {
  if (added) *added = 0;
  if (!who || who->via != AUTH_VIA_CLI)
    return err_set(e, VERR_DENIED, "Bare driftsoperatøren (kommandolinjen) kan legge inn rammeverk.");
  Buf y;
  buf_init(&y, (size_t)64 << 20);
  int rc = assess_framework_export(fw, &y, e);
  char sha[65];
  if (!rc) st_sha256_hex(y.p, y.n, sha);
  char *have = NULL;
  int64_t fid = 0;
  int q = rc ? rc : db_text(db, e, &have, "SELECT sha256 FROM assess_frameworks WHERE urn = ? AND version = ?",
                            "si", fw->urn, fw->version);
  if (!rc && q == 0) {
    db_int(db, e, &fid, "SELECT id FROM assess_frameworks WHERE urn = ? AND version = ?", "si",
           fw->urn, fw->version);
    if (strcmp(have, sha))
      rc = err_set(e, VERR_CONFLICT, "%s versjon %d er allerede lagret med annet innhold; "
                   "et endret rammeverk må få høyere versjon.", fw->urn, fw->version);
  } else if (!rc && q == VERR_NOTFOUND) {
    err_clear(e);
    rc = put_new(db, who, fw, &y, sha, &fid, e);
    if (!rc && added) *added = 1;
  } else if (!rc) {
    rc = q;
  }
  free(have);
  buf_free(&y);
  if (id) *id = fid;
  return rc;
}

int assess_store_fw_put_dir(Db *db, const Principal *who, const char *dir, int *added, Err *e) {
  DIR *dp = opendir(dir);
  if (!dp) return err_set(e, VERR_IO, "Kan ikke åpne rammeverksmappen %s.", dir);
  struct dirent *de;
  int rc = 0, n = 0;
  while (!rc && (de = readdir(dp))) {
    size_t len = strlen(de->d_name);
    if (len < 6 || strcmp(de->d_name + len - 5, ".yaml")) continue;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path) continue;
    AssessDiags d;
    assess_diags_init(&d, path);
    AssessFramework *fw = assess_framework_load(path, &d);
    if (!fw) rc = err_set(e, VERR_INVALID, "%s: %s", path, d.n ? d.v[0].msg : "kan ikke leses");
    int a = 0;
    if (!rc) rc = assess_store_fw_put(db, who, fw, NULL, &a, e);
    n += a;
    assess_framework_free(fw);
    assess_diags_free(&d);
  }
  closedir(dp);
  if (added) *added = n;
  return rc;
}

static const char fw_cols[] =
    "SELECT f.id, f.urn, f.ref_id, f.name, f.edition, f.version, f.nitems,"
    " f.version = (SELECT max(version) FROM assess_frameworks g WHERE g.urn = f.urn)"
    " FROM assess_frameworks f";

static void fw_row(DbStmt *st, Arena *a, AssessFwInfo *o) {
  o->id = db_col_int(st, 0);
  o->urn = arena_strdup(a, db_col_text(st, 1));
  o->ref_id = arena_strdup(a, db_col_text(st, 2));
  o->name = arena_strdup(a, db_col_text(st, 3));
  o->edition = db_col_is_null(st, 4) ? NULL : arena_strdup(a, db_col_text(st, 4));
  o->version = (int)db_col_int(st, 5);
  o->nitems = (size_t)db_col_int(st, 6);
  o->latest = (int)db_col_int(st, 7);
}

int assess_store_fw_list(Db *db, Arena *a, AssessFwInfo **out, size_t *n, Err *e) {
  int64_t cnt = 0;
  *out = NULL;
  *n = 0;
  int rc = db_int(db, e, &cnt, "SELECT count(*) FROM assess_frameworks", "");
  if (rc || cnt == 0) return rc;
  AssessFwInfo *v = arena_alloc(a, sizeof *v * (size_t)cnt);
  if (!v) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  char sql[512];
  snprintf(sql, sizeof sql, "%s ORDER BY f.name, f.version DESC", fw_cols);
  DbStmt *st = NULL;
  rc = db_query(db, &st, e, sql, "");
  size_t k = 0;
  while (!rc && k < (size_t)cnt && (rc = db_step(st, e)) == DB_ROW) fw_row(st, a, &v[k++]), rc = 0;
  db_finalize(st);
  if (rc < 0) return rc;
  *out = v;
  *n = k;
  return 0;
}

int assess_store_fw_info(Db *db, Arena *a, int64_t fw_id, AssessFwInfo *out, Err *e) {
  char sql[512];
  snprintf(sql, sizeof sql, "%s WHERE f.id = ?", fw_cols);
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, sql, "l", fw_id);
  if (!rc) rc = db_step(st, e);
  if (rc == DB_ROW) fw_row(st, a, out), rc = 0;
  else if (rc == DB_DONE) rc = err_set(e, VERR_NOTFOUND, "Fant ikke rammeverket.");
  db_finalize(st);
  return rc;
}

int assess_store_fw_find(Db *db, const char *urn, int version, int64_t *id, Err *e) {
  int rc = version > 0
      ? db_int(db, e, id, "SELECT id FROM assess_frameworks WHERE urn = ? AND version = ?", "si", urn, version)
      : db_int(db, e, id, "SELECT id FROM assess_frameworks WHERE urn = ? ORDER BY version DESC LIMIT 1",
               "s", urn);
  if (rc == VERR_NOTFOUND) err_set(e, rc, "Fant ikke rammeverket %s.", urn);
  return rc;
}

/* Applies every layer for org (national first, then the organisation's). */
static int apply_layers(Db *db, AssessFramework *fw, int64_t fw_id, int64_t org_id, Err *e) {
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, "SELECT label, csv FROM assess_fw_layers WHERE framework_id = ?"
                    " AND (org_id IS NULL OR org_id = ?) ORDER BY org_id IS NOT NULL, id", "ll",
                    fw_id, org_id);
  while (!rc && (rc = db_step(st, e)) == DB_ROW) {
    const char *csv = db_col_text(st, 1);
    AssessDiags d;
    AssessCsvStats cs;
    assess_diags_init(&d, db_col_text(st, 0));
    rc = assess_measures_import(fw, csv, strlen(csv), db_col_text(st, 0), &d, &cs) ? -1 : 0;
    if (rc) rc = err_set(e, VERR_DB, "Lagret tiltakslag kan ikke brukes: %s", d.n ? d.v[0].msg : "");
    assess_diags_free(&d);
  }
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

/* Parsed frameworks shared between requests. A stored version never changes,
 * so an entry is keyed by the SHA-256 of its source (the same content in any
 * database is the same framework). Only bases without layers are shared;
 * entries in use are counted and never evicted. */
#define FW_CACHE 32
typedef struct FwCached {
  char sha[65];
  AssessFramework *fw;
  int refs;
  unsigned long used;
} FwCached;
static FwCached fw_cache[FW_CACHE];
static unsigned long fw_clock;
static pthread_mutex_t fw_mu = PTHREAD_MUTEX_INITIALIZER;

static const AssessFramework *cache_get(const char *sha) {
  const AssessFramework *fw = NULL;
  pthread_mutex_lock(&fw_mu);
  for (int i = 0; i < FW_CACHE && !fw; i++)
    if (fw_cache[i].fw && !strcmp(fw_cache[i].sha, sha)) {
      fw_cache[i].refs++;
      fw_cache[i].used = ++fw_clock;
      fw = fw_cache[i].fw;
    }
  pthread_mutex_unlock(&fw_mu);
  return fw;
}

/* Adds fw (already counted once for the caller) in an empty slot, else in
 * place of the least recently used entry nobody holds; 0 if every slot is held. */
static int cache_put(const char *sha, AssessFramework *fw) {
  int slot = -1;
  pthread_mutex_lock(&fw_mu);
  for (int i = 0; i < FW_CACHE && slot < 0; i++)
    if (!fw_cache[i].fw) slot = i;
  for (int i = 0; i < FW_CACHE && slot < 0; i++)
    if (!fw_cache[i].refs) slot = i;
  for (int i = slot + 1; slot >= 0 && fw_cache[slot].fw && i < FW_CACHE; i++)
    if (!fw_cache[i].refs && fw_cache[i].used < fw_cache[slot].used) slot = i;
  if (slot >= 0) {
    if (fw_cache[slot].fw) assess_framework_free(fw_cache[slot].fw);
    fw_cache[slot] = (FwCached){.fw = fw, .refs = 1, .used = ++fw_clock};
    snprintf(fw_cache[slot].sha, sizeof fw_cache[slot].sha, "%s", sha);
  }
  pthread_mutex_unlock(&fw_mu);
  return slot >= 0;
}

void assess_store_fw_release(const AssessFramework *fw) {
  if (!fw) return;
  int cached = 0;
  pthread_mutex_lock(&fw_mu);
  for (int i = 0; i < FW_CACHE && !cached; i++)
    if (fw_cache[i].fw == fw) fw_cache[i].refs--, cached = 1;
  pthread_mutex_unlock(&fw_mu);
  if (!cached) assess_framework_free((AssessFramework *)fw);
}

int assess_store_fw_load_copy(Db *db, int64_t fw_id, int64_t org_id, AssessFramework **out, Err *e) {
  *out = NULL;
  char *src = NULL;
  int rc = db_text(db, e, &src, "SELECT source FROM assess_frameworks WHERE id = ?", "l", fw_id);
  if (rc == VERR_NOTFOUND) return err_set(e, rc, "Fant ikke rammeverket.");
  if (rc) return rc;
  AssessFramework *fw = (AssessFramework *)parse_source(src, strlen(src), e);
  free(src);
  if (!fw) return e->code ? e->code : VERR_DB;
  rc = apply_layers(db, fw, fw_id, org_id, e);
  if (rc) { assess_framework_free(fw); return rc; }
  *out = fw;
  return 0;
}

int assess_store_fw_load(Db *db, int64_t fw_id, int64_t org_id, const AssessFramework **out, Err *e) {
  *out = NULL;
  char *sha = NULL;
  int64_t layers = 0;
  int rc = db_text(db, e, &sha, "SELECT sha256 FROM assess_frameworks WHERE id = ?", "l", fw_id);
  if (rc == VERR_NOTFOUND) return err_set(e, rc, "Fant ikke rammeverket.");
  if (!rc) rc = db_int(db, e, &layers, "SELECT count(*) FROM assess_fw_layers WHERE framework_id = ?"
                       " AND (org_id IS NULL OR org_id = ?)", "ll", fw_id, org_id);
  if (!rc && !layers && (*out = cache_get(sha))) { free(sha); return 0; }
  AssessFramework *fw = NULL;
  if (!rc) rc = assess_store_fw_load_copy(db, fw_id, org_id, &fw, e);
  if (!rc && !layers) cache_put(sha, fw);
  free(sha);
  if (!rc) *out = fw;
  return rc;
}
