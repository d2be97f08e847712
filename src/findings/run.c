/* run.c — matching runs: full (every product against every feed), per
 * organisation (the inventory change hook), and incremental (changed
 * products against all feeds, new feed records against all products). The
 * loaded feeds and their index are cached per feed generation. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "db/db.h"
#include "findings/findings.h"
#include "findings/internal.h"
#include "findings/match_int.h"
#include "findings/scan.h"
#include "inventory/inventory.h"
#include "vuln/map.h"
#include "vuln/match.h"

/* ---- the seen set ---- */

int find_seen_add(FindRun *r, int64_t id) {
  if (r->nseen == r->capseen) {
    size_t nc = r->capseen ? r->capseen * 2 : 1024;
    int64_t *s = realloc(r->seen, nc * sizeof *s);
    if (!s) return VERR_NOMEM;
    r->seen = s;
    r->capseen = nc;
  }
  r->seen[r->nseen++] = id;
  return 0;
}

static int cmp64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

int find_close_scope(FindRun *r, const char *where, char type, int64_t lv, const char *sv, Err *e) {
  char sql[512];
  DbStmt *st = NULL;
  int64_t *gone = NULL;
  size_t n = 0, cap = 0;
  if (r->nseen) qsort(r->seen, r->nseen, sizeof *r->seen, cmp64);
  snprintf(sql, sizeof sql, "SELECT id FROM findings WHERE matched = 1 AND product_id > 0 AND %s", where);
  int rc = type == 'l' ? db_query(r->db, &st, e, sql, "l", lv) : type == 's' ? db_query(r->db, &st, e, sql, "s", sv)
                                                                           : db_query(r->db, &st, e, sql, "");
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    int64_t id = db_col_int(st, 0);
    if (r->nseen && bsearch(&id, r->seen, r->nseen, sizeof id, cmp64)) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      int64_t *g = realloc(gone, cap * sizeof *g);
      if (!g) {
        rc = err_set(e, VERR_NOMEM, "tomt for minne");
        break;
      }
      gone = g;
    }
    gone[n++] = id;
  }
  db_finalize(st);
  if (rc == DB_DONE) rc = find_close_ids(r, gone, n, e);
  free(gone);
  return rc;
}

/* ---- cached feeds ---- */

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
  VulnDb *v;
  VulnMatcher *m;
  VulnKevNames *kx;
  VulnMap *keys;        /* loaded in part: the item keys it serves (see find_cache_cover); NULL: every CVE */
  int64_t gen;
  char path[512];
} cache;

static void cache_clear(void) {
  vuln_matcher_free(cache.m);
  vuln_db_free(cache.v);
  vuln_kev_names_free(cache.kx);
  vuln_map_free(cache.keys);
  memset(&cache, 0, sizeof cache);
}

/* Loading the feeds on a thread of its own: read them through a read-only
 * connection of its own (when the database is a file), decode the binary
 * records, then index them (the first half while the second is decoded).
 * A full run hands the thread the keys of its items once it has read them
 * (keys_set); decoding waits for them and skips the CVEs none can reach. */
typedef struct FeedJob {
  const char *path;     /* read here first when f is NULL */
  int unread;           /* that connection could not be opened: read on the run's */
  FindFeeds *f;
  VulnDb *v;
  VulnMatcher *m;
  VulnKevNames *kx;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int keys_ready;
  const VulnMap *keys;  /* NULL: decode every record */
  char *configured;     /* skipped CVEs with configurations (find_feeds_configured) */
  size_t nconfigured;
  int rc;
  Err e;
} FeedJob;

static void keys_set(FeedJob *j, const VulnMap *keys) {
  pthread_mutex_lock(&j->mu);
  if (!j->keys_ready) j->keys = keys;
  j->keys_ready = 1;
  pthread_cond_signal(&j->cv);
  pthread_mutex_unlock(&j->mu);
}

static const VulnMap *keys_wait(FeedJob *j) {
  pthread_mutex_lock(&j->mu);
  while (!j->keys_ready) pthread_cond_wait(&j->cv, &j->mu);
  const VulnMap *k = j->keys;
  pthread_mutex_unlock(&j->mu);
  return k;
}

static int kev_index(FeedJob *j) {
  vuln_kev_names_free(j->kx);
  j->kx = vuln_kev_names_new(j->v);
  if (j->kx && !vuln_kev_names_configured(j->kx, j->configured, j->nconfigured)) return 0;
  return err_set(&j->e, VERR_NOMEM, "tomt for minne");
}

static int feed_index(FeedJob *j) {
  vuln_matcher_free(j->m);
  if (!(j->m = vuln_matcher_new(j->v, NULL))) return err_set(&j->e, VERR_NOMEM, "tomt for minne");
  return kev_index(j);
}

/* Between the two halves of decoding: the first half indexed while the
 * second is still being decoded (extended by the rest after). */
static int index_first_half(void *ctx, VulnDb *v) {
  FeedJob *j = ctx;
  return (j->m = vuln_matcher_new(v, NULL)) ? 0 : VERR_NOMEM;
}

static int feed_decode(FeedJob *j) {
  find_feeds_filter(j->f, keys_wait(j));
  int rc = find_feeds_decode(j->f, index_first_half, j, &j->e);
  size_t n = 0;
  const char *c = rc ? NULL : find_feeds_configured(j->f, &n);
  if (n && !(j->configured = malloc(n))) return err_set(&j->e, VERR_NOMEM, "tomt for minne");
  if (n) memcpy(j->configured, c, n);
  j->nconfigured = n;
  return rc;
}

static void *feed_job(void *arg) {
  FeedJob *j = arg;
  if (!j->f) {
    Db *rd = NULL;
    Err oe = {0};
    if (db_open(&rd, j->path, DB_OPEN_READONLY, &oe)) {
      j->unread = 1;
      return NULL;
    }
    j->rc = find_feeds_read(rd, 0, &j->f, &j->e);
    db_close(rd);
    if (j->rc) return NULL;
    j->v = find_feeds_db(j->f);
  }
  j->rc = feed_decode(j);
  if (!j->rc && j->m && vuln_matcher_extend(j->m)) j->rc = err_set(&j->e, VERR_NOMEM, "tomt for minne");
  if (!j->rc && j->m) j->rc = kev_index(j);
  if (!j->rc && !j->m) j->rc = feed_index(j);
  return NULL;
}

/* A load's result into the cache (with the keys it was filtered by). */
static void cache_adopt(Db *db, const FeedJob *j, VulnMap **keys) {
  cache.v = j->v;
  cache.m = j->m;
  cache.kx = j->kx;
  if (j->keys) {
    cache.keys = *keys;
    *keys = NULL;
  }
  cache.gen = find_state_int(db, "gen");
  snprintf(cache.path, sizeof cache.path, "%s", db_path(db));
}

/* With the cache locked: the feeds loaded into it (only the CVEs the keys
 * can reach when keys is given; the cache then owns keys). With work, the
 * loading runs on a second thread while work(ctx, job) reads the rest on
 * this one: the run holds the write lock (BEGIN IMMEDIATE) and has not
 * changed the feed tables, so the second connection reads what the run's
 * would. work hands the keys over with keys_set (or never: none). */
static int cache_load(Db *db, VulnMap **keys, int (*work)(void *, FeedJob *, Err *), void *ctx, double *ms,
                      Err *e) {
  FeedJob j = {.path = db_path(db), .keys_ready = !work, .keys = work ? NULL : *keys};
  int rc = 0, wrc = 0;
  pthread_t th;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  cache_clear();
  pthread_mutex_init(&j.mu, NULL);
  pthread_cond_init(&j.cv, NULL);
  int threaded = work && pthread_create(&th, NULL, feed_job, &j) == 0;
  if (!threaded) j.unread = 1;
  if (work) wrc = work(ctx, &j, e);
  keys_set(&j, NULL);   /* no-op if work gave them */
  if (threaded) pthread_join(th, NULL);
  if (j.unread) {   /* no thread or no second connection: one after the other here */
    rc = find_feeds_read(db, 0, &j.f, e);
    if (!rc) {
      j.v = find_feeds_db(j.f);
      feed_job(&j);
    }
  }
  if (!rc && j.rc) rc = err_set(e, j.rc, "%s", j.e.msg);
  if (!rc) rc = wrc;
  size_t added = 0;
  VulnDb *v = NULL;
  if (!rc) rc = find_feeds_finish(db, j.f, &v, &added, e);   /* frees j.f */
  else find_feeds_free(j.f);
  j.v = v;
  if (!rc && added) rc = feed_index(&j) ? err_set(e, VERR_NOMEM, "tomt for minne") : 0;   /* CVEs read from JSON */
  free(j.configured);
  pthread_mutex_destroy(&j.mu);
  pthread_cond_destroy(&j.cv);
  if (rc) {
    vuln_matcher_free(j.m);
    vuln_kev_names_free(j.kx);
    vuln_db_free(v);
    return rc;
  }
  cache_adopt(db, &j, keys);
  if (ms) *ms += find_ms_since(&t0);
  return 0;
}

static int cache_fresh(Db *db) {
  return cache.v && cache.gen == find_state_int(db, "gen") && !strcmp(cache.path, db_path(db));
}

/* Locks the cache; find_cache_release unlocks. The matcher is not
 * thread-safe, so holding the lock covers the matching too. */
int find_cache_acquire(Db *db, VulnDb **v, VulnMatcher **m, double *ms, Err *e) {
  pthread_mutex_lock(&cache_mu);
  VulnMap *none = NULL;
  int rc = cache_fresh(db) ? 0 : cache_load(db, &none, NULL, NULL, ms, e);
  if (rc) {
    pthread_mutex_unlock(&cache_mu);
    return rc;
  }
  *v = cache.v;
  *m = cache.m;
  return 0;
}

void find_cache_release(void) { pthread_mutex_unlock(&cache_mu); }

void find_cache_warm(Db *db) {
  VulnDb *v;
  VulnMatcher *m;
  Err e = {0};
  if (db_exec(db, &e, "BEGIN", "")) return;   /* one snapshot: the feeds and their generation agree */
  if (!find_cache_acquire(db, &v, &m, NULL, &e)) find_cache_release();
  if (db_exec(db, &e, "COMMIT", "")) db_exec(db, &e, "ROLLBACK", "");
}

const VulnKevNames *find_cache_kev(void) { return cache.kx; }

/* The matcher key of an item into keys (none: it meets only criteria
 * without one, which every load keeps). */
static int key_put(VulnMap *keys, const VulnCpe *c) {
  char key[2 * VULN_CPE_MAX + 2];
  size_t kl = vuln_cpe_key(c, key, sizeof key);
  return kl && vuln_map_put(keys, key, kl, 0) == UINT32_MAX ? VERR_NOMEM : 0;
}

int find_cache_cover(Db *db, const VulnItem *it, size_t n, VulnDb **v, VulnMatcher **m, double *ms, Err *e) {
  char key[2 * VULN_CPE_MAX + 2];
  int covered = 1;
  for (size_t i = 0; cache.keys && covered && i < n; i++) {
    size_t kl = it[i].has_cpe ? vuln_cpe_key(&it[i].cpe, key, sizeof key) : 0;
    covered = !kl || vuln_map_get(cache.keys, key, kl) != UINT32_MAX;
  }
  VulnMap *none = NULL;
  int rc = covered ? 0 : cache_load(db, &none, NULL, NULL, ms, e);
  if (v) *v = cache.v;
  if (m) *m = cache.m;
  return rc;
}

/* Every key a full run's items can have: its products' (x) and those of the
 * scanned services still seen (find_scan_rematch matches them after). */
static VulnMap *run_keys(Db *db, const FindItems *x, Err *e) {
  VulnMap *k = vuln_map_new();
  DbStmt *st = NULL;
  int rc = k ? 0 : VERR_NOMEM;
  for (size_t i = 0; !rc && i < x->n; i++)
    if (x->item[i].has_cpe) rc = key_put(k, &x->item[i].cpe);
  if (!rc) rc = db_query(db, &st, e, "SELECT cpe FROM finding_scan_services WHERE gone_run IS NULL AND cpe IS NOT NULL", "");
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    char store[2 * VULN_CPE_MAX + 16];
    VulnCpe c;
    if (!vuln_cpe_parse(db_col_text(st, 0), &c, store, sizeof store, NULL) && (rc = key_put(k, &c))) break;
  }
  db_finalize(st);
  if (rc == DB_DONE) return k;
  vuln_map_free(k);
  return NULL;   /* then every CVE is loaded */
}

/* find_cache_acquire for a full run: work(ctx, job) runs exactly once,
 * beside the loading when the feeds are not cached; it leaves the run's
 * item keys in *keys (taken by the cache when it loads in part). */
static int find_cache_acquire_with(Db *db, VulnDb **v, VulnMatcher **m, double *ms,
                                   int (*work)(void *, FeedJob *, Err *), void *ctx, VulnMap **keys,
                                   const FindItems *x, Err *e) {
  pthread_mutex_lock(&cache_mu);
  int rc;
  if (cache_fresh(db)) {
    rc = work(ctx, NULL, e);
    if (!rc) rc = find_cache_cover(db, x->item, x->n, NULL, NULL, ms, e);
  } else {
    rc = cache_load(db, keys, work, ctx, ms, e);
  }
  if (rc) {
    pthread_mutex_unlock(&cache_mu);
    return rc;
  }
  *v = cache.v;
  *m = cache.m;
  return 0;
}

void find_cache_flush(void) {
  pthread_mutex_lock(&cache_mu);
  cache_clear();
  pthread_mutex_unlock(&cache_mu);
}

/* ---- matching a set of items ---- */

/* A full run: each match's evidence digest and stored row (when findings
 * are stored) worked out on two threads before the serial storing, which
 * then only compares (formatting the evidence of 565,000 matches and
 * looking each up was most of a full run's storing when nothing changes).
 * With nothing stored yet (a first run) every match is a new row: its
 * evidence text is kept instead (text: the part's texts, NUL-separated). */
typedef struct PrePart {
  const FindRun *r;
  const FindItems *x;
  const VulnMatchList *l;
  FindPre *pre;
  size_t from, to;
  Buf text;
} PrePart;

typedef struct PreSet {
  FindPre *pre;
  PrePart part[2];
} PreSet;

static void *pre_part(void *arg) {
  PrePart *p = arg;
  char why[1024];
  int first = !find_known_count(p->r->known);
  for (size_t j = p->from; j < p->to; j++) {
    const VulnMatch *m = &p->l->m[j];
    const FindItemMeta *meta = &p->x->meta[m->item];
    vuln_match_reason(m, why, sizeof why);
    p->pre[j].digest = find_known_digest(why, p->x->item[m->item].name);
    p->pre[j].row = first ? 0 : find_known_find(p->r->known, meta->org_id, meta->product_id, m->id);
    p->pre[j].why = NULL;
    p->pre[j].why_at = p->text.n;
    if (first) buf_append(&p->text, why, strlen(why) + 1);
  }
  return NULL;
}

static void pre_free(PreSet *s) {
  free(s->pre);
  buf_free(&s->part[0].text);
  buf_free(&s->part[1].text);
  memset(s, 0, sizeof *s);
}

/* s->pre stays NULL when there is nothing to work out or no memory for it
 * (then each match is worked out as it is stored). */
static void pre_compute(const FindRun *r, const FindItems *x, const VulnMatchList *l, PreSet *s) {
  memset(s, 0, sizeof *s);
  if (!r->known || !l->n || !(s->pre = malloc(l->n * sizeof *s->pre))) return;
  s->part[0] = (PrePart){r, x, l, s->pre, 0, l->n / 2, {0}};
  s->part[1] = (PrePart){r, x, l, s->pre, l->n / 2, l->n, {0}};
  buf_init(&s->part[0].text, (size_t)1 << 34);
  buf_init(&s->part[1].text, (size_t)1 << 34);
  pthread_t th;
  int threaded = l->n >= 4096 && pthread_create(&th, NULL, pre_part, &s->part[1]) == 0;
  if (!threaded) s->part[0].to = l->n;
  pre_part(&s->part[0]);
  if (threaded) pthread_join(th, NULL);
  if (s->part[0].text.err || s->part[1].text.err) {
    pre_free(s);
    return;
  }
  if (find_known_count(r->known)) return;
  for (size_t j = 0; j < l->n; j++)
    s->pre[j].why = (j < s->part[0].to ? s->part[0].text.p : s->part[1].text.p) + s->pre[j].why_at;
}

/* Items in (organisation, product id) order: the order a first run's new
 * findings go into the table's unique (org, product, vulnerability) index. */
typedef struct ItemKey {
  int64_t org, product;
  size_t i;
} ItemKey;

static int cmp_item(const void *a, const void *b) {
  const ItemKey *x = a, *y = b;
  if (x->org != y->org) return x->org < y->org ? -1 : 1;
  if (x->product != y->product) return x->product < y->product ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* order[k].i: the k-th item in that order; at[i]..at[i + 1]: item i's
 * matches in l (which lists them item by item). NULL when out of memory. */
static ItemKey *item_order(const FindItems *x, const VulnMatchList *l, size_t **at) {
  ItemKey *order = malloc((x->n + 1) * sizeof *order);
  *at = malloc((x->n + 1) * sizeof **at);
  if (!order || !*at) {
    free(order);
    free(*at);
    return *at = NULL, NULL;
  }
  for (size_t i = 0, k = 0; i <= x->n; i++) {
    (*at)[i] = k;
    while (i < x->n && k < l->n && l->m[k].item == i) k++;
  }
  for (size_t i = 0; i < x->n; i++) order[i] = (ItemKey){x->meta[i].org_id, x->meta[i].product_id, i};
  qsort(order, x->n, sizeof *order, cmp_item);
  return order;
}

/* kx: KEV name matching too (runs over every feed); NULL for new records only.
 * The whole set is matched at once (identical products once, on every CPU);
 * the list comes item by item, in item order, as one call per item would. */
static int match_items(FindRun *r, const VulnDb *v, VulnMatcher *m, const VulnKevNames *kx, FindItems *x, Err *e) {
  VulnMatchList l = {0};
  struct timespec t0;
  r->kevdb = v;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = vuln_match_items(m, x->item, x->n, x->n < 256 ? 1 : 0, &l) ? err_set(e, VERR_NOMEM, "tomt for minne") : 0;
  r->st.ms_match += find_ms_since(&t0);
  /* nothing stored yet (a first full run): every match is a new row */
  int first = r->known && !find_known_count(r->known);
  if (!rc && first && find_known_reserve(r->known, l.n)) rc = err_set(e, VERR_NOMEM, "tomt for minne");
  PreSet ps = {0};
  if (!rc) pre_compute(r, x, &l, &ps);
  r->first = first && r->batch;
  FindPre *pre = ps.pre;
  size_t *at = NULL;
  ItemKey *order = rc ? NULL : item_order(x, &l, &at);
  if (!rc && !order) rc = err_set(e, VERR_NOMEM, "tomt for minne");
  for (size_t o = 0; !rc && o < x->n; o++) {
    size_t i = order[o].i, from = at[i], k = at[i + 1];
    VulnMatchList one = {l.m + from, k - from, k - from};
    r->pre = pre ? pre + from : NULL;
    rc = find_store_item(r, &x->meta[i], &x->item[i], &one, 0, e);
    r->pre = NULL;
    if (!rc && kx) rc = find_kev_match_item(r, kx, &x->meta[i], &x->item[i], &one, e);
    if (!rc) rc = find_keys_store(r, &x->meta[i], &x->item[i], e);
  }
  if (!rc) rc = find_batch_flush(r, e);   /* before the feeds' strings it points to are released */
  r->first = 0;
  r->st.products += x->n;
  free(order);
  free(at);
  pre_free(&ps);
  vuln_match_list_free(&l);
  return rc;
}

/* One audit entry per run that changed something (a rerun that changes
 * nothing leaves no trace, so `varde demo` twice adds nothing). */
static int finish(FindRun *r, const char *what, FindMatchStats *st, Err *e) {
  char d[256];
  if (st) *st = r->st;
  if (!r->st.created && !r->st.updated && !r->st.reopened && !r->st.closed) return 0;
  snprintf(d, sizeof d, "%s: produkter=%zu treff=%zu nye=%zu endret=%zu gjenåpnet=%zu lukket=%zu", what,
           r->st.products, r->st.matches, r->st.created, r->st.updated, r->st.reopened, r->st.closed);
  AuditEvent ev = {r->who, 0, "findings.match", "findings", NULL, d};
  return audit_append(r->db, &ev, NULL, e);
}

static int64_t max_gen(Db *db) {
  int64_t g = 0;
  Err e = {0};
  db_int(db, &e, &g, "SELECT max(coalesce((SELECT max(gen) FROM vuln_cves),0),"
                     " coalesce((SELECT max(gen) FROM vuln_csaf),0))", "");
  return g;
}

/* Remember what has been handled: the feed generation and the inventory
 * change log position. */
static int mark_done(Db *db, Err *e) {
  InvChange *ch = NULL;
  size_t n = 0;
  Arena *a = arena_new(0);
  int rc = a ? inv_changes_list(db, a, find_state_int(db, "inv_seq"), 0, &ch, &n, e) : VERR_NOMEM;
  int64_t last = n ? ch[n - 1].seq : 0;
  if (!rc && last) rc = inv_changes_clear(db, last, e);
  if (!rc && last) rc = find_state_set_int(db, "inv_seq", last, e);
  if (!rc) rc = find_state_set_int(db, "matched_gen", find_state_int(db, "gen"), e);
  arena_free(a);
  return rc;
}

static void run_free(FindRun *r) {
  find_run_close(r);
  free(r->seen);
  r->seen = NULL;
  find_known_free(r->known);
  r->known = NULL;
  vuln_map_free(r->keys);
  r->keys = NULL;
  free(r->keyseen);
  r->keyseen = NULL;
}

/* A full run: the stored findings still matched that it did not see close. */
static int close_unseen(FindRun *r, Err *e) {
  int64_t *ids = NULL;
  size_t n = 0;
  if (find_known_unseen(r->known, &ids, &n)) return err_set(e, VERR_NOMEM, "tomt for minne");
  int rc = find_close_ids(r, ids, n, e);
  free(ids);
  return rc;
}

/* CVEs NVD has rejected (withdrawn) since generation `since`: their
 * findings were never vulnerabilities, so every one still in play (open, in
 * progress, fixed awaiting verification, accepted) becomes a false
 * positive saying why, instead of "fixed, needs verification". The
 * description test is the cheap filter ("Rejected reason: ..."), the
 * record's vulnStatus the proof. With no finding stored (a first run) there
 * is nothing to look for: the scan of every changed CVE is skipped. */
static int withdraw_rejected(FindRun *r, int64_t since, Err *e) {
  static const char note[] = "NVD har avvist CVE-en (Rejected): den er ikke en sårbarhet";
  struct Row { int64_t id; char from[16]; } *v = NULL;
  size_t n = 0, cap = 0;
  DbStmt *st = NULL;
  int64_t any = 0;
  int rc = db_int(r->db, e, &any, "SELECT EXISTS (SELECT 1 FROM findings)", "");
  if (rc || !any) return rc;
  rc = db_query(r->db, &st, e, "SELECT f.id, f.status FROM vuln_cves c CROSS JOIN findings f ON f.vuln_id = c.id"
                    " WHERE c.gen > ? AND c.description LIKE 'Rejected reason:%'"
                    " AND json_extract(c.record, '$.cve.vulnStatus') = 'Rejected'"
                    " AND f.status IN ('open', 'in_progress', 'fixed', 'accepted')", "l", since);
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    struct Row *nv = n < cap ? v : realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *v);
    if (!nv) {
      rc = err_set(e, VERR_NOMEM, "tomt for minne");
      break;
    }
    v = nv;
    v[n].id = db_col_int(st, 0);
    snprintf(v[n++].from, sizeof v->from, "%s", db_col_text(st, 1));
  }
  db_finalize(st);
  if (rc == DB_DONE) rc = 0;
  for (size_t i = 0; !rc && i < n; i++) {
    rc = db_exec(r->db, e, "UPDATE findings SET matched = 0, status = 'false_positive', status_reason = ?,"
                 " accepted_until = NULL, updated_at = ? WHERE id = ?", "sll", note, r->now, v[i].id);
    if (!rc) rc = find_run_history(r, v[i].id, v[i].from, "false_positive", note, e);
    if (!rc) r->st.closed++;
  }
  free(v);
  return rc;
}

/* ---- secondary indexes around a bulk insert ---- */

typedef struct Indexes {
  char *name[16], *sql[16];
  size_t n;
} Indexes;

static void indexes_free(Indexes *x) {
  for (size_t i = 0; i < x->n; i++) {
    free(x->name[i]);
    free(x->sql[i]);
  }
  memset(x, 0, sizeof *x);
}

/* With no finding stored yet, the secondary indexes of findings and
 * finding_history are dropped (their definitions kept as the schema holds
 * them) and built again after the insert: one sort each instead of half a
 * million inserts in random order (measured in README.md). */
static int indexes_drop(Db *db, Indexes *x, Err *e) {
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                                " AND tbl_name IN ('findings', 'finding_history')", "");
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW && x->n < 16) {
    x->name[x->n] = strdup(db_col_text(st, 0));
    x->sql[x->n] = strdup(db_col_text(st, 1));
    if (!x->name[x->n++] || !x->sql[x->n - 1]) {
      rc = err_set(e, VERR_NOMEM, "tomt for minne");
      break;
    }
  }
  db_finalize(st);
  if (rc != DB_DONE && rc != DB_ROW) return rc;
  if (rc == DB_ROW) return err_set(e, VERR_INVALID, "flere indekser enn ventet på findings");
  rc = 0;
  for (size_t i = 0; !rc && i < x->n; i++) {
    char sql[300];
    if (strchr(x->name[i], '"') || strlen(x->name[i]) > 200) return err_set(e, VERR_INVALID, "uventet indeksnavn");
    snprintf(sql, sizeof sql, "DROP INDEX \"%s\"", x->name[i]);
    rc = db_exec(db, e, sql, "");
  }
  return rc;
}

static int indexes_create(Db *db, Indexes *x, Err *e) {
  int rc = 0;
  for (size_t i = 0; !rc && i < x->n; i++) rc = db_exec(db, e, x->sql[i], "");
  return rc;
}

/* What a full run reads besides the feeds: every product, the stored
 * findings and keys; and the bulk-insert set-up. */
typedef struct FullPrep {
  FindRun *r;
  FindItems *x;
  Indexes *idx;
  VulnMap *keys;   /* the items' matcher keys, when the feeds are being loaded */
} FullPrep;

/* j: the loading of the feeds, which waits for the items' keys (NULL: the
 * feeds are cached). */
static int full_prep(void *ctx, FeedJob *j, Err *e) {
  FullPrep *p = ctx;
  int rc = find_items_all(p->r->db, p->x, e);
  if (!rc && j && (p->keys = run_keys(p->r->db, p->x, e))) keys_set(j, p->keys);
  if (!rc) rc = find_known_load(p->r->db, &p->r->known, e);
  if (!rc) rc = find_keys_full_begin(p->r, e);
  if (!rc) rc = find_batch_open(p->r, e);
  if (!rc && !find_known_count(p->r->known)) rc = indexes_drop(p->r->db, p->idx, e);
  return rc;
}

int find_match_all(Db *db, const Principal *who, FindMatchStats *st, Err *e) {
  FindRun r;
  FindItems x = {0};
  VulnDb *v = NULL;
  VulnMatcher *m = NULL;
  Indexes idx = {0};
  size_t expired = 0;
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = find_run_open(&r, db, who, e);
  if (!rc) rc = db_exec(db, e, "PRAGMA cache_size = -131072", "");   /* 128 MiB: the findings indexes stay hot */
  if (!rc) rc = find_expire(db, r.now, &expired, e);
  if (!rc) rc = withdraw_rejected(&r, find_state_int(db, "matched_gen"), e);
  FullPrep prep = {&r, &x, &idx, NULL};
  if (!rc) rc = find_cache_acquire_with(db, &v, &m, &r.st.ms_load, full_prep, &prep, &prep.keys, &x, e);
  vuln_map_free(prep.keys);   /* NULL once the cache has it */
  if (!rc) {
    rc = match_items(&r, v, m, cache.kx, &x, e);
    find_cache_release();
  }
  if (!rc) rc = indexes_create(db, &idx, e);
  if (!rc) rc = close_unseen(&r, e);
  if (!rc) rc = find_keys_full_end(&r, e);
  if (!rc) rc = find_state_set_int(db, "keys_ok", 2, e);
  if (!rc) rc = find_scan_rematch(db, who, &r.st, e);
  if (!rc) rc = mark_done(db, e);
  if (!rc) rc = finish(&r, "full", st, e);
  run_free(&r);
  find_items_free(&x);
  indexes_free(&idx);
  if (rc) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

/* With the cache held. */
static int match_org_in(FindRun *r, int64_t org_id, int64_t product_id, Err *e) {
  FindItems x = {0};
  r->nseen = 0;
  int rc = find_items_org(r->db, &x, org_id, product_id, e);
  if (rc == VERR_NOTFOUND && product_id) rc = 0;   /* deleted: its findings close below */
  if (!rc) rc = find_cache_cover(r->db, x.item, x.n, NULL, NULL, &r->st.ms_load, e);
  if (!rc) rc = match_items(r, cache.v, cache.m, cache.kx, &x, e);
  if (!rc && product_id) {
    char where[96];
    snprintf(where, sizeof where, "org_id = %lld AND product_id = ?", (long long)org_id);
    rc = find_close_scope(r, where, 'l', product_id, NULL, e);
  } else if (!rc) {
    rc = find_close_scope(r, "org_id = ?", 'l', org_id, NULL, e);
  }
  find_items_free(&x);
  return rc;
}

int find_match_org(Db *db, const Principal *who, int64_t org_id, int64_t product_id, FindMatchStats *st, Err *e) {
  FindRun r;
  VulnDb *v = NULL;
  VulnMatcher *m = NULL;
  int own = !db_in_transaction(db);
  int rc = own ? db_begin(db, e) : 0;
  if (rc) return rc;
  rc = find_run_open(&r, db, who, e);
  if (!rc) rc = find_cache_acquire(db, &v, &m, &r.st.ms_load, e);
  if (!rc) {
    rc = match_org_in(&r, org_id, product_id, e);
    find_cache_release();
  }
  if (!rc && (r.st.created || r.st.reopened || r.st.closed)) rc = finish(&r, "inventar", st, e);
  else if (st) *st = r.st;
  run_free(&r);
  if (!own) return rc;
  if (rc) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

/* ---- incremental ---- */

/* Inventory changes since the last run: each changed product, or the whole
 * organisation when services, hosts or dependencies changed. */
static int inventory_changes(FindRun *r, Err *e) {
  InvChange *ch = NULL;
  size_t n = 0;
  Arena *a = arena_new(0);
  if (!a) return err_set(e, VERR_NOMEM, "tomt for minne");
  int rc = inv_changes_list(r->db, a, find_state_int(r->db, "inv_seq"), 0, &ch, &n, e);
  VulnDb *v = NULL;
  VulnMatcher *m = NULL;
  if (!rc && n) rc = find_cache_acquire(r->db, &v, &m, &r->st.ms_load, e);
  if (rc || !n) {
    arena_free(a);
    return rc;
  }
  for (size_t i = 0; !rc && i < n; i++) {
    int dup = 0;   /* an organisation-wide entry covers its products */
    for (size_t j = 0; j < n && !dup; j++)
      dup = j != i && ch[j].org_id == ch[i].org_id && !ch[j].product_id &&
            (ch[i].product_id || j < i);
    for (size_t j = 0; j < i && !dup; j++) dup = ch[j].org_id == ch[i].org_id && ch[j].product_id == ch[i].product_id;
    if (!dup) rc = match_org_in(r, ch[i].org_id, ch[i].product_id, e);
  }
  find_cache_release();
  arena_free(a);
  return rc;
}

/* Products whose findings carry a KEV or EPSS value that changed since the
 * last run get their annotations recomputed by matching them again. */
static int annotation_changes(FindRun *r, int64_t since, Err *e) {
  int64_t kev_changed = 0;
  int rc0 = db_int(r->db, e, &kev_changed, "SELECT count(*) FROM vuln_kev WHERE gen > ?", "l", since);
  if (rc0) return rc0;
  if (kev_changed) {   /* the catalogue names products: every product is looked up again */
    VulnDb *v = NULL;
    VulnMatcher *m = NULL;
    FindItems x = {0};
    int rc = find_cache_acquire(r->db, &v, &m, &r->st.ms_load, e);
    if (rc) return rc;
    r->nseen = 0;
    rc = find_items_all(r->db, &x, e);
    if (!rc) rc = find_cache_cover(r->db, x.item, x.n, &v, &m, &r->st.ms_load, e);
    if (!rc) rc = match_items(r, v, m, cache.kx, &x, e);
    find_cache_release();
    if (!rc) rc = find_close_scope(r, "1 = 1", 0, 0, NULL, e);
    find_items_free(&x);
    return rc;
  }
  DbStmt *st = NULL;
  int64_t (*pairs)[2] = NULL;
  size_t n = 0, cap = 0;
  int rc = db_query(r->db, &st, e,
                    "SELECT DISTINCT f.org_id, f.product_id FROM (SELECT cve FROM vuln_kev WHERE gen > ?"
                    " UNION SELECT cve FROM vuln_epss WHERE gen > ?) c CROSS JOIN findings f ON f.vuln_id = c.cve"
                    " WHERE f.matched = 1 AND f.product_id > 0",
                    "ll", since, since);
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      void *p = realloc(pairs, cap * sizeof *pairs);
      if (!p) {
        rc = err_set(e, VERR_NOMEM, "tomt for minne");
        break;
      }
      pairs = p;
    }
    pairs[n][0] = db_col_int(st, 0);
    pairs[n++][1] = db_col_int(st, 1);
  }
  db_finalize(st);
  if (rc == DB_DONE) rc = 0;
  VulnDb *v = NULL;
  VulnMatcher *m = NULL;
  if (!rc && n) {
    rc = find_cache_acquire(r->db, &v, &m, &r->st.ms_load, e);
    for (size_t i = 0; !rc && i < n; i++) rc = match_org_in(r, pairs[i][0], pairs[i][1], e);
    if (v) find_cache_release();
  }
  free(pairs);
  return rc;
}

/* What a changed record no longer matches closes; a KEV name match gives
 * way once NVD configures the CVE. */
static int close_changed_feeds(FindRun *r, const VulnDb *v, int64_t since, Err *e) {
  static const char *const q[2][2] = {
      {"SELECT id FROM vuln_cves WHERE gen > ?", "source = 'nvd' AND vuln_id = ?"},
      {"SELECT id FROM vuln_csaf WHERE gen > ?", "source = 'csaf' AND advisory = ?"}};
  int rc = 0;
  for (size_t i = 0; !rc && i < v->ncve; i++)
    if (v->cve[i].ncfg) rc = find_close_scope(r, "source = 'kev' AND vuln_id = ?", 's', 0, v->cve[i].id, e);
  for (int k = 0; k < 2 && !rc; k++) {
    DbStmt *st = NULL;
    rc = db_query(r->db, &st, e, q[k][0], "l", since);
    if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
      char *id = strdup(db_col_text(st, 0));
      rc = id ? find_close_scope(r, q[k][1], 's', 0, id, e) : VERR_NOMEM;
      free(id);
      if (rc) break;
    }
    db_finalize(st);
    if (rc == DB_DONE) rc = 0;
  }
  return rc;
}

/* The products new records can name (finding_keys), or every product. */
static int feed_items(FindRun *r, const VulnDb *v, FindItems *x, Err *e) {
  int64_t (*pairs)[2] = NULL;
  size_t n = 0;
  int all = 1;
  int rc = find_keys_candidates(r, v, &pairs, &n, &all, e);
  if (!rc && all) {
    rc = find_items_all(r->db, x, e);
    if (!rc) rc = find_state_set_int(r->db, "keys_ok", 2, e);   /* every product's key is stored below */
  }
  for (size_t i = 0; !rc && !all && i < n; i++) {
    rc = find_items_org(r->db, x, pairs[i][0], pairs[i][1], e);
    if (rc == VERR_NOTFOUND) rc = 0;   /* deleted since: its findings closed with the change log */
  }
  free(pairs);
  return rc;
}

/* New or changed CVEs and advisories against every product: only those
 * records are loaded and indexed, then every item is looked up in them. */
static int feed_changes(FindRun *r, int64_t since, Err *e) {
  if (max_gen(r->db) <= since) return 0;
  VulnDb *v = NULL;
  VulnMatcher *m = NULL;
  FindItems x = {0};
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = find_load_vulndb(r->db, since + 1, &v, e);
  if (!rc && !(m = vuln_matcher_new(v, NULL))) rc = err_set(e, VERR_NOMEM, "tomt for minne");
  r->st.ms_load += find_ms_since(&t0);
  r->nseen = 0;
  if (!rc) rc = feed_items(r, v, &x, e);
  if (!rc) rc = match_items(r, v, m, NULL, &x, e);
  if (!rc) rc = close_changed_feeds(r, v, since, e);
  find_items_free(&x);
  vuln_matcher_free(m);
  vuln_db_free(v);
  return rc;
}

int find_match_incremental(Db *db, const Principal *who, FindMatchStats *st, Err *e) {
  FindRun r;
  size_t expired = 0;
  int64_t since = find_state_int(db, "matched_gen");
  int rc = db_begin(db, e);
  if (rc) return rc;
  rc = find_run_open(&r, db, who, e);
  if (!rc) rc = find_expire(db, r.now, &expired, e);
  if (!rc) rc = withdraw_rejected(&r, since, e);
  if (!rc) rc = inventory_changes(&r, e);
  if (!rc) rc = feed_changes(&r, since, e);
  if (!rc) rc = annotation_changes(&r, since, e);
  if (!rc && find_state_int(db, "gen") != since) rc = find_scan_rematch(db, who, &r.st, e);
  if (!rc) rc = mark_done(db, e);
  if (!rc) rc = finish(&r, "inkrementell", st, e);
  run_free(&r);
  if (rc) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}
