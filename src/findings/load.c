/* load.c — the stored feeds back into an in-memory VulnDb for the matcher:
 * NVD configurations from their binary records (JSON only where one is
 * missing), KEV and EPSS rows copied in, CSAF advisories parsed one by one. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "findings/findings.h"
#include "findings/internal.h"
#include "vuln/cfgbin.h"
#include "vuln/cpe.h"
#include "vuln/map.h"
#include "vuln/vuln.h"

double find_ms_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ---- NVD: the binary configuration records (vuln_cve_cfg), JSON for the
 * rest ---- */

int find_cfg_prepare(Db *db, DbStmt **st, Err *e) {
  return db_prepare(db, st, e, "INSERT OR REPLACE INTO vuln_cve_cfg (id, gen, cfg) VALUES (?, ?, ?)");
}

/* c's binary record beside its JSON; a CVE the format cannot hold keeps
 * only the JSON (and loses a stale record). */
int find_cfg_put(Db *db, DbStmt *st, Buf *b, const VulnCve *c, int64_t gen, Err *e) {
  buf_reset(b);
  int rc = vuln_cfgbin_encode(c, b);
  if (rc == VERR_TOOBIG) return db_exec(db, e, "DELETE FROM vuln_cve_cfg WHERE id = ?", "s", c->id);
  if (rc) return err_set(e, rc, "tomt for minne");
  db_reset(st);
  db_bind_text(st, 1, c->id);
  if (gen < 0) {   /* the statement takes the stored record's generation */
    db_bind_blob(st, 2, b->p, b->n);
  } else {
    db_bind_int(st, 2, gen);
    db_bind_blob(st, 3, b->p, b->n);
  }
  rc = db_step(st, e);
  db_reset(st);
  return rc < 0 ? rc : 0;
}

/* The stored feeds in three steps, so that a full run can read the
 * inventory and the stored findings while another core decodes: read (the
 * database), decode (memory only), finish (the database again: JSON for
 * CVEs without a usable binary record). */
struct FindFeeds {
  VulnDb *v;
  int64_t min_gen;
  Buf raw;              /* per record: u32 id length, id, u32 blob length, blob */
  size_t nraw, decoded, skipped;
  const VulnMap *keys;  /* decode only records naming one of these vendor:product keys (NULL: all) */
  Buf configured;       /* ids of skipped records with configurations, each NUL-terminated */
  Buf failed;           /* ids whose record did not decode, each NUL-terminated */
  Buf json;             /* records to parse from JSON, comma-separated */
};

static void put32(Buf *b, size_t v) {
  uint32_t x = (uint32_t)v;
  buf_append(b, &x, sizeof x);
}

static int read_blobs(Db *db, FindFeeds *f, Err *e) {
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, "SELECT id, cfg FROM vuln_cve_cfg WHERE gen >= ?", "l", f->min_gen);
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    size_t len = 0;
    const void *p = db_col_blob(st, 1, &len);
    const char *id = db_col_text(st, 0);
    size_t il = strlen(id);
    if (len > UINT32_MAX || il > 256) continue;   /* not a record this code wrote: read from JSON */
    put32(&f->raw, il);
    buf_append(&f->raw, id, il);
    put32(&f->raw, len);
    buf_append(&f->raw, p, len);
    f->nraw++;
  }
  db_finalize(st);
  if (rc == DB_DONE && f->raw.err) rc = err_set(e, VERR_NOMEM, "for mye NVD-data til minnet");
  return rc == DB_DONE ? 0 : rc;
}

/* One run of records (from the byte offset `at`, n of them) decoded into v;
 * the ids of those that do not decode go to `failed`. */
typedef struct DecodePart {
  const char *raw;
  size_t at, n, decoded, skipped;
  VulnDb *v;
  const VulnMap *keys;
  Buf failed, configured;
  int rc;
} DecodePart;

/* A vulnerable criterion the matcher could reach from an item: its
 * vendor:product key is one of the items', or it has none (the matcher's
 * wildcard list, looked at for every item). */
static int wanted(void *ctx, const char *c, size_t l) {
  char key[2 * VULN_CPE_MAX + 2];
  size_t kl = vuln_cpe_fs_key(c, l, key, sizeof key);
  return !kl || vuln_map_get(ctx, key, kl) != UINT32_MAX;
}

static void *decode_part(void *arg) {
  DecodePart *d = arg;
  VulnCfgDecoder *dec = vuln_cfgbin_decoder_new(d->v);
  if (!dec) return d->rc = VERR_NOMEM, NULL;
  char id[257];
  for (size_t at = d->at, i = 0; !d->rc && i < d->n; i++) {
    uint32_t il, bl;
    memcpy(&il, d->raw + at, 4);
    memcpy(id, d->raw + at + 4, il);
    id[il] = '\0';
    memcpy(&bl, d->raw + at + 4 + il, 4);
    const char *blob = d->raw + at + 8 + il;
    at += 8 + (size_t)il + bl;
    uint32_t ncfg = 0;
    if (d->keys && !vuln_cfgbin_wanted(blob, bl, wanted, (void *)d->keys, &ncfg)) {
      d->skipped++;
      if (ncfg) buf_append(&d->configured, id, il + 1);
      continue;
    }
    Err de = {0};
    int drc = vuln_cfgbin_decode(dec, id, blob, bl, &de);
    if (drc == VERR_NOMEM) d->rc = drc;
    else if (drc) buf_append(&d->failed, id, il + 1);
    else d->decoded++;
  }
  vuln_cfgbin_decoder_free(dec);
  if (d->failed.err || d->configured.err) d->rc = VERR_NOMEM;
  return NULL;
}

/* A part's failed and skipped ids and counts, added to the feeds'. */
static void part_tally(FindFeeds *f, const DecodePart *p) {
  buf_append(&f->failed, p->failed.p, p->failed.n);
  buf_append(&f->configured, p->configured.p, p->configured.n);
  f->decoded += p->decoded;
  f->skipped += p->skipped;
}

/* The second part's CVEs (and the arena holding them) appended to v, in
 * record order. */
static int decode_join(FindFeeds *f, DecodePart *p) {
  VulnDb *v = f->v, *w = p->v;
  if (v->ncve + w->ncve > v->capcve) {
    VulnCve *c = realloc(v->cve, (v->ncve + w->ncve) * sizeof *c);
    if (!c) return VERR_NOMEM;
    v->cve = c;
    v->capcve = v->ncve + w->ncve;
  }
  if (w->ncve) memcpy(v->cve + v->ncve, w->cve, w->ncve * sizeof *w->cve);
  v->ncve += w->ncve;
  arena_adopt(v->arena, w->arena);
  w->arena = NULL;
  part_tally(f, p);
  return f->failed.err || f->configured.err ? VERR_NOMEM : 0;
}

/* Decoding is memory only: with 10,000 records or more, the second half
 * goes to a thread of its own (into its own VulnDb, joined after). */
int find_feeds_decode(FindFeeds *f, int (*between)(void *, VulnDb *), void *ctx, Err *e) {
  size_t half = f->nraw >= 10000 ? f->nraw / 2 : f->nraw, at = 0;
  for (size_t i = 0; i < half; i++) {
    uint32_t il, bl;
    memcpy(&il, f->raw.p + at, 4);
    memcpy(&bl, f->raw.p + at + 4 + il, 4);
    at += 8 + (size_t)il + bl;
  }
  DecodePart a = {.raw = f->raw.p, .n = half, .v = f->v, .keys = f->keys},
             b = {.raw = f->raw.p, .at = at, .n = f->nraw - half, .keys = f->keys};
  buf_init(&a.failed, (size_t)1 << 30);
  buf_init(&b.failed, (size_t)1 << 30);
  buf_init(&a.configured, (size_t)1 << 30);
  buf_init(&b.configured, (size_t)1 << 30);
  pthread_t th;
  int threaded = 0;
  if (b.n && !(b.v = vuln_db_new())) b.rc = VERR_NOMEM;
  else if (b.n) threaded = pthread_create(&th, NULL, decode_part, &b) == 0;
  decode_part(&a);
  if (!a.rc && between && between(ctx, f->v)) a.rc = VERR_NOMEM;
  if (threaded) pthread_join(th, NULL);
  else if (b.v && !b.rc) decode_part(&b);
  int rc = a.rc ? a.rc : b.rc;
  part_tally(f, &a);
  if (!rc && b.v) rc = decode_join(f, &b);
  vuln_db_free(b.v);
  buf_free(&a.failed);
  buf_free(&b.failed);
  buf_free(&a.configured);
  buf_free(&b.configured);
  buf_free(&f->raw);
  if (!rc && (f->failed.err || f->configured.err || vuln_db_finish(f->v))) rc = VERR_NOMEM;
  return rc ? err_set(e, rc, "tomt for minne") : 0;
}

/* A CVE whose binary record does not decode: its JSON for the JSON pass. */
static int add_json(Db *db, FindFeeds *f, const char *id, Err *e) {
  char *rec = NULL;
  int rc = db_text(db, e, &rec, "SELECT record FROM vuln_cves WHERE id = ?", "s", id);
  if (rc == VERR_NOTFOUND) return 0;
  if (!rc && rec) {
    if (f->json.n) buf_putc(&f->json, ',');
    buf_puts(&f->json, rec);
  }
  free(rec);
  return rc;
}

/* CVEs of generation >= min_gen without a usable binary record: their JSON
 * joined into one API-page-shaped document and parsed once; inside a
 * matching run's transaction their binary records are written. */
#define NO_BLOB "SELECT c.record FROM vuln_cves c WHERE c.gen >= ?1 AND NOT EXISTS (SELECT 1 FROM" \
  " vuln_cve_cfg b WHERE b.id = c.id AND b.gen = c.gen AND substr(b.cfg, 1, 4) = ?2)"

/* Binary records for the CVEs from..ncve-1 just parsed from JSON, with
 * their record's generation (only inside a write transaction). */
static int backfill(Db *db, VulnDb *v, size_t from, Err *e) {
  if (from == v->ncve || !db_in_transaction(db)) return 0;
  DbStmt *st = NULL;
  Buf b;
  buf_init(&b, (size_t)64 << 20);
  int rc = db_prepare(db, &st, e,
                      "INSERT OR REPLACE INTO vuln_cve_cfg (id, gen, cfg) SELECT id, gen, ?2 FROM vuln_cves WHERE id = ?1");
  for (size_t i = from; !rc && i < v->ncve; i++) rc = find_cfg_put(db, st, &b, &v->cve[i], -1, e);
  db_finalize(st);
  buf_free(&b);
  return rc;
}

static int load_json(Db *db, FindFeeds *f, Err *e) {
  DbStmt *st = NULL;
  char magic[4] = {'V', 'C', VULN_CFGBIN_VERSION, 0};
  int rc = db_query(db, &st, e, NO_BLOB, "lb", f->min_gen, magic, sizeof magic);
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    if (f->json.n) buf_putc(&f->json, ',');
    buf_puts(&f->json, db_col_text(st, 0));
  }
  db_finalize(st);
  if (rc == DB_DONE) rc = 0;
  if (rc || !f->json.n) return rc;
  Buf doc;
  buf_init(&doc, (size_t)4 << 30);
  buf_lit(&doc, "{\"format\":\"NVD_CVE\",\"vulnerabilities\":[");
  buf_append(&doc, f->json.p, f->json.n);
  buf_lit(&doc, "]}");
  if (doc.err || f->json.err) rc = err_set(e, VERR_NOMEM, "for mye NVD-data til minnet");
  VulnReport r = {0};
  size_t before = f->v->ncve;
  if (!rc) rc = vuln_nvd_load(f->v, "database", doc.p, doc.n, &r, e);
  buf_free(&doc);
  return rc ? rc : backfill(db, f->v, before, e);
}

/* With only new records loaded (only > 0), KEV and EPSS rows are needed
 * for those CVEs alone. */
#define KEV_COLS "k.cve, k.vendor, k.product, k.name, k.added, k.due, k.action, k.ransomware"

static int load_kev(Db *db, VulnDb *v, int64_t only, Err *e) {
  DbStmt *st = NULL;
  int64_t n = 0;
  int rc = only ? db_int(db, e, &n, "SELECT count(*) FROM vuln_cves c CROSS JOIN vuln_kev k ON k.cve = c.id"
                                     " WHERE c.gen >= ?", "l", only)
                : db_int(db, e, &n, "SELECT count(*) FROM vuln_kev", "");
  if (!rc && n > 0 && !(v->kev = calloc((size_t)n, sizeof *v->kev))) return err_set(e, VERR_NOMEM, "tomt for minne");
  v->capkev = (size_t)n;
  if (!rc && only)
    rc = db_query(db, &st, e, "SELECT " KEV_COLS " FROM vuln_cves c CROSS JOIN vuln_kev k ON k.cve = c.id"
                  " WHERE c.gen >= ?", "l", only);
  else if (!rc)
    rc = db_query(db, &st, e, "SELECT " KEV_COLS " FROM vuln_kev k", "");
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW && v->nkev < v->capkev) {
    VulnKev *k = &v->kev[v->nkev++];
    const char **f[] = {&k->cve, &k->vendor, &k->product, &k->name, &k->added, &k->due, &k->action};
    for (int i = 0; i < 7; i++) *f[i] = arena_strdup(v->arena, db_col_text(st, i));
    k->ransomware = db_col_int(st, 7) != 0;
  }
  db_finalize(st);
  return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
}

static int load_epss(Db *db, VulnDb *v, int64_t only, Err *e) {
  DbStmt *st = NULL;
  int64_t n = 0;
  int rc = only ? db_int(db, e, &n, "SELECT count(*) FROM vuln_cves c CROSS JOIN vuln_epss x ON x.cve = c.id"
                                     " WHERE c.gen >= ?", "l", only)
                : db_int(db, e, &n, "SELECT count(*) FROM vuln_epss", "");
  if (!rc && n > 0 && !(v->epss = calloc((size_t)n, sizeof *v->epss))) return err_set(e, VERR_NOMEM, "tomt for minne");
  v->capepss = (size_t)n;
  if (!rc && only)
    rc = db_query(db, &st, e, "SELECT x.cve, x.score, x.percentile FROM vuln_cves c CROSS JOIN vuln_epss x"
                  " ON x.cve = c.id WHERE c.gen >= ?", "l", only);
  else if (!rc)
    rc = db_query(db, &st, e, "SELECT cve, score, percentile FROM vuln_epss", "");
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW && v->nepss < v->capepss) {
    VulnEpss *x = &v->epss[v->nepss++];
    x->cve = arena_strdup(v->arena, db_col_text(st, 0));
    x->score = strtod(db_col_text(st, 1), NULL);
    x->percentile = strtod(db_col_text(st, 2), NULL);
  }
  db_finalize(st);
  return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
}

static int load_csaf(Db *db, VulnDb *v, int64_t min_gen, Err *e) {
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, "SELECT id, document FROM vuln_csaf WHERE gen >= ?", "l", min_gen);
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    const char *doc = db_col_text(st, 1);
    VulnReport r = {0};
    Err le = {0};
    vuln_csaf_load(v, db_col_text(st, 0), doc, strlen(doc), &r, &le);  /* checked on import */
  }
  db_finalize(st);
  return rc == DB_DONE ? 0 : rc;
}

VulnDb *find_feeds_db(FindFeeds *f) { return f->v; }

void find_feeds_filter(FindFeeds *f, const VulnMap *keys) { f->keys = keys; }

const char *find_feeds_configured(const FindFeeds *f, size_t *len) {
  *len = f->configured.n;
  return f->configured.p;
}

void find_feeds_free(FindFeeds *f) {
  if (!f) return;
  vuln_db_free(f->v);
  buf_free(&f->raw);
  buf_free(&f->failed);
  buf_free(&f->configured);
  buf_free(&f->json);
  free(f);
}

int find_feeds_read(Db *db, int64_t min_gen, FindFeeds **out, Err *e) {
  FindFeeds *f = calloc(1, sizeof *f);
  *out = NULL;
  if (!f || !(f->v = vuln_db_new())) {
    free(f);
    return err_set(e, VERR_NOMEM, "tomt for minne");
  }
  f->min_gen = min_gen;
  buf_init(&f->raw, (size_t)4 << 30);
  buf_init(&f->failed, (size_t)1 << 30);
  buf_init(&f->configured, (size_t)1 << 30);
  buf_init(&f->json, (size_t)4 << 30);
  int64_t csaf_new = 0;
  int rc = read_blobs(db, f, e);
  if (!rc && min_gen > 0) rc = db_int(db, e, &csaf_new, "SELECT count(*) FROM vuln_csaf WHERE gen >= ?", "l", min_gen);
  /* advisories name CVEs NVD may not have: then every KEV/EPSS row */
  int64_t only = min_gen > 0 && !csaf_new ? min_gen : 0;
  if (!rc) rc = load_kev(db, f->v, only, e);
  if (!rc) rc = load_epss(db, f->v, only, e);
  if (!rc) rc = load_csaf(db, f->v, min_gen, e);
  if (rc) {
    find_feeds_free(f);
    return rc;
  }
  *out = f;
  return 0;
}

int find_feeds_finish(Db *db, FindFeeds *f, VulnDb **out, size_t *from_json, Err *e) {
  int64_t total = 0;
  size_t before = f->v->ncve;
  *out = NULL;
  int rc = 0;
  for (const char *id = f->failed.p; !rc && id && id < f->failed.p + f->failed.n; id += strlen(id) + 1)
    rc = add_json(db, f, id, e);
  /* every record decoded: no need to look for CVEs without one (that query
   * reads the whole JSON table) */
  if (!rc) rc = db_int(db, e, &total, "SELECT count(*) FROM vuln_cves WHERE gen >= ?", "l", f->min_gen);
  if (!rc && (f->json.n || (int64_t)(f->decoded + f->skipped) != total)) rc = load_json(db, f, e);
  if (from_json) *from_json = f->v->ncve - before;
  if (!rc) {
    *out = f->v;
    f->v = NULL;
  }
  find_feeds_free(f);
  return rc;
}

int find_load_vulndb(Db *db, int64_t min_gen, VulnDb **out, Err *e) {
  FindFeeds *f = NULL;
  *out = NULL;
  int rc = find_feeds_read(db, min_gen, &f, e);
  if (!rc && (rc = find_feeds_decode(f, NULL, NULL, e))) find_feeds_free(f);
  return rc ? rc : find_feeds_finish(db, f, out, NULL, e);
}
