/* match.c — matching in the database: inventory products (src/inventory)
 * against the stored feeds through src/vuln's matcher, and the findings
 * reconciled with the result — created, updated, closed when the match
 * disappears, reopened when it comes back. Full and incremental runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "db/db.h"
#include "findings/findings.h"
#include "findings/internal.h"
#include "findings/match_int.h"
#include "inventory/inventory.h"
#include "vuln/inventory.h"
#include "vuln/match.h"

/* ---- inventory products as VulnItems ---- */

static int add_item(const InvMatchItem *mi, void *ctx) {
  FindItems *x = ctx;
  if (x->n == x->cap) {
    size_t nc = x->cap ? x->cap * 2 : 1024;
    VulnItem *it = realloc(x->item, nc * sizeof *it);
    FindItemMeta *m = realloc(x->meta, nc * sizeof *m);
    if (it) x->item = it;
    if (m) x->meta = m;
    if (!it || !m) return VERR_NOMEM;
    x->cap = nc;
  }
  const InvProduct *p = mi->p;
  VulnItem *it = &x->item[x->n];
  memset(it, 0, sizeof *it);
  Arena *a = x->arena;
  it->name = arena_strdup(a, p->name ? p->name : "");
  it->vendor = p->vendor && *p->vendor ? arena_strdup(a, p->vendor) : NULL;
  it->product = p->product && *p->product ? arena_strdup(a, p->product) : NULL;
  it->version = p->version && *p->version ? arena_strdup(a, p->version) : NULL;
  it->cpe_str = p->cpe && *p->cpe ? arena_strdup(a, p->cpe) : NULL;
  it->purl_str = p->purl && *p->purl ? arena_strdup(a, p->purl) : NULL;
  it->internet = mi->internet;
  it->criticality = mi->criticality;
  Err e = {0};
  if (vuln_item_prepare(a, it, p->platform, &e)) {
    x->skipped++;   /* no CPE/purl/vendor+product, or a malformed one: nothing to match */
    return 0;
  }
  x->meta[x->n] = (FindItemMeta){p->org_id, p->id};
  x->n++;
  return 0;
}

int find_items_org(Db *db, FindItems *x, int64_t org_id, int64_t product_id, Err *e) {
  if (!x->arena && !(x->arena = arena_new((size_t)8 << 30))) return err_set(e, VERR_NOMEM, "tomt for minne");
  return inv_match_items(db, org_id, product_id, add_item, x, e);
}

int find_items_all(Db *db, FindItems *x, Err *e) {
  DbStmt *st = NULL;
  int64_t *ids = NULL;
  size_t n = 0, cap = 0;
  int rc = db_query(db, &st, e, "SELECT id FROM organisations ORDER BY id", "");
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    if (n == cap) {
      cap = cap ? cap * 2 : 512;
      int64_t *q = realloc(ids, cap * sizeof *q);
      if (!q) {
        rc = VERR_NOMEM;
        break;
      }
      ids = q;
    }
    ids[n++] = db_col_int(st, 0);
  }
  db_finalize(st);
  if (rc == DB_DONE) rc = 0;
  for (size_t i = 0; !rc && i < n; i++) rc = find_items_org(db, x, ids[i], 0, e);
  free(ids);
  return rc;
}

void find_items_free(FindItems *x) {
  free(x->item);
  free(x->meta);
  arena_free(x->arena);
  memset(x, 0, sizeof *x);
}

/* ---- one item's matches into the findings table ---- */

int find_run_open(FindRun *r, Db *db, const Principal *who, Err *e) {
  memset(r, 0, sizeof *r);
  r->db = db;
  r->who = who;
  r->now = db_now();
  int rc = find_sla_get(db, r->sla, e);
  if (!rc)
    rc = db_prepare(db, &r->sel, e,
                    "SELECT id, status, matched, source, priority, reason, kev, epss_pct, internet, criticality,"
                    " due_at, first_seen, product_name FROM findings WHERE org_id = ? AND product_id = ? AND vuln_id = ?");
  if (!rc)
    rc = db_prepare(db, &r->ins, e,
                    "INSERT INTO findings (org_id, product_id, vuln_id, source, advisory, product_name, cvss,"
                    " cvss_vector, kev, kev_due, ransomware, epss, epss_pct, internet, criticality, priority, class,"
                    " confidence, reason, matched, status, first_seen, due_at, updated_at, kev_added, created_by)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,'open',?,?,?,?,?)");
  if (!rc)
    rc = db_prepare(db, &r->upd, e,
                    "UPDATE findings SET advisory = ?, product_name = ?, cvss = ?, cvss_vector = ?, kev = ?,"
                    " kev_due = ?, ransomware = ?, epss = ?, epss_pct = ?, internet = ?, criticality = ?,"
                    " priority = ?, class = ?, confidence = ?, reason = ?, matched = 1, status = ?, due_at = ?,"
                    " updated_at = ?, source = ?, kev_added = ? WHERE id = ?");
  if (!rc)
    rc = db_prepare(db, &r->hist, e,
                    "INSERT INTO finding_history (finding_id, at, user_id, username, from_status, to_status, note)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!rc) rc = db_prepare(db, &r->kdel, e, "DELETE FROM finding_keys WHERE org_id = ? AND product_id = ?");
  if (!rc) rc = db_prepare(db, &r->kins, e, "INSERT OR IGNORE INTO finding_keys VALUES (?, ?, ?)");
  return rc;
}

void find_run_close(FindRun *r) {
  find_batch_close(r);
  db_finalize(r->sel);
  db_finalize(r->ins);
  db_finalize(r->upd);
  db_finalize(r->kdel);
  db_finalize(r->kins);
  db_finalize(r->hist);
  r->sel = r->ins = r->upd = r->kdel = r->kins = r->hist = NULL;
}

/* One finding_history row through the run's prepared statement (the same
 * row as find_history_add writes). */
int find_run_history(FindRun *r, int64_t id, const char *from, const char *to, const char *note, Err *e) {
  DbStmt *h = r->hist;
  db_reset(h);
  db_bind_int(h, 1, id);
  db_bind_int(h, 2, db_now());
  db_bind_int(h, 3, r->who ? r->who->user_id : 0);
  db_bind_text(h, 4, r->who ? r->who->username : "system");
  db_bind_text(h, 5, from);
  db_bind_text(h, 6, to);
  db_bind_text(h, 7, note);
  int rc = db_step(h, e);
  db_reset(h);
  return rc < 0 ? rc : 0;
}

int find_run_creator(FindRun *r, int64_t *id, Err *e) {
  if (!r->created_by) {
    int rc = db_int(r->db, e, &r->created_by,
                    "INSERT INTO finding_runs (at, user_id, username) VALUES (?, ?, ?) RETURNING id", "lls", r->now,
                    (int64_t)(r->who ? r->who->user_id : 0), r->who ? r->who->username : "system");
    if (rc) return rc;
  }
  *id = r->created_by;
  return 0;
}

/* v to six decimals (as "%.6f" and back did: the values are CVSS and EPSS
 * figures of at most six), or NULL when absent (< 0). */
static void bind_real(DbStmt *st, int i, double v) {
  if (v < 0) db_bind_null(st, i);
  else db_bind_double(st, i, nearbyint(v * 1e6) / 1e6);
}

/* Common annotation columns of INSERT (from 7) and UPDATE (from 3); the
 * strings, the feeds' own, are bound in place (the callers step at once). */
void find_bind_annotations(DbStmt *st, int i, const VulnMatch *m, const VulnItem *it) {
  bind_real(st, i, m->cvss);
  db_bind_text_static(st, i + 1, m->cvss_vector);
  db_bind_int(st, i + 2, m->kev);
  db_bind_text_static(st, i + 3, m->kev_due);
  db_bind_int(st, i + 4, m->ransomware);
  bind_real(st, i + 5, m->epss);
  bind_real(st, i + 6, m->epss_pct);
  db_bind_int(st, i + 7, it->internet);
  db_bind_int(st, i + 8, it->criticality);
  db_bind_double(st, i + 9, find_priority_rounded(m->priority));
  db_bind_text_static(st, i + 10, m->priority_class);
  db_bind_text_static(st, i + 11, m->confidence);
}

/* The stored priority: two decimals, as its text "%.2f" reads back. */
double find_priority_rounded(double p) {
  char s[32];
  snprintf(s, sizeof s, "%.2f", p);
  return strtod(s, NULL);
}

/* A source's stored name; the source numbers are find_known_source's. */
const char *find_src_name(int source) {
  static const char *const names[FIND_NSRC] = {"nvd", "csaf", "kev", "scan"};
  _Static_assert(VULN_SRC_NVD == 0 && VULN_SRC_CSAF == 1, "source numbers index the names");
  return source >= 0 && source < FIND_NSRC ? names[source] : "csaf";
}

/* The date CISA added the CVE to the catalogue, when known. */
const char *find_kev_added(const FindRun *r, const VulnMatch *m) {
  const VulnKev *k = m->kev && r->kevdb ? vuln_db_kev(r->kevdb, m->id) : NULL;
  return k ? k->added : NULL;
}

static int insert_finding(FindRun *r, const FindItemMeta *meta, const VulnItem *it, const VulnMatch *m,
                          const char *why, int64_t *idp, Err *e) {
  int64_t due = find_due(r->sla, m->priority_class, r->now, m->kev_due, find_kev_added(r, m));
  DbStmt *st = r->ins;
  db_reset(st);
  db_bind_int(st, 1, meta->org_id);
  db_bind_int(st, 2, meta->product_id);
  db_bind_text(st, 3, m->id);
  db_bind_text(st, 4, find_src_name(m->source));
  db_bind_text(st, 5, m->advisory);
  db_bind_text(st, 6, it->name);
  find_bind_annotations(st, 7, m, it);
  db_bind_text(st, 19, why);
  db_bind_int(st, 20, r->now);
  db_bind_int(st, 21, due);
  db_bind_int(st, 22, r->now);
  db_bind_text(st, 23, find_kev_added(r, m));
  int64_t by = 0;
  int rc = find_run_creator(r, &by, e);
  if (rc) return rc;
  db_bind_int(st, 24, by);
  rc = db_step(st, e);
  if (rc < 0) return rc;
  int64_t id = db_last_id(r->db);   /* plain INSERT: RETURNING would buffer every row in a temporary table */
  db_reset(st);
  r->st.created++;
  if (idp) *idp = id;
  if (!r->known && find_seen_add(r, id)) return err_set(e, VERR_NOMEM, "tomt for minne");
  return 0;   /* its creation entry comes from created_by (schema.c, migration 8) */
}

static int changed(DbStmt *sel, const VulnMatch *m, const VulnItem *it, const char *why, int64_t due) {
  return !db_col_int(sel, 2) || find_priority_rounded(m->priority) != db_col_double(sel, 4) ||
         strcmp(why, db_col_text(sel, 5)) || db_col_int(sel, 6) != m->kev ||
         db_col_int(sel, 8) != it->internet || db_col_int(sel, 9) != it->criticality || db_col_int(sel, 10) != due ||
         strcmp(it->name, db_col_text(sel, 12)) || strcmp(find_src_name(m->source), db_col_text(sel, 3));
}

/* The stored finding `id` brought up to date with the match; status `to`. */
static int update_finding(FindRun *r, int64_t id, const VulnItem *it, const VulnMatch *m, const char *why,
                          FindStatus to, int64_t due, Err *e) {
  DbStmt *u = r->upd;
  db_reset(u);
  db_bind_text(u, 1, m->advisory);
  db_bind_text(u, 2, it->name);
  find_bind_annotations(u, 3, m, it);
  db_bind_text(u, 15, why);
  db_bind_text(u, 16, find_status_name(to));
  db_bind_int(u, 17, due);
  db_bind_int(u, 18, r->now);
  db_bind_text(u, 19, find_src_name(m->source));
  db_bind_text(u, 20, find_kev_added(r, m));
  db_bind_int(u, 21, id);
  int rc = db_step(u, e);
  if (rc < 0) return rc;
  r->st.updated++;
  return 0;
}

/* 1 when the stored row k already says what m says, with the evidence
 * digest `digest` (nothing to write); marks k seen either way. */
static int known_same(const FindRun *r, const VulnItem *it, const VulnMatch *m, FindKnownRow *k, uint64_t digest) {
  int src = m->source;
  k->seen = 1;
  if (m->source != VULN_SRC_NVD && k->source != src && k->matched) return 1;
  int64_t due = find_due(r->sla, m->priority_class, k->first_seen, m->kev_due, find_kev_added(r, m));
  int regress = !k->matched && (k->status == FIND_ST_FIXED || k->status == FIND_ST_VERIFIED);
  int differs = !k->matched || find_priority_rounded(m->priority) != k->priority || digest != k->digest ||
                k->kev != m->kev || k->internet != it->internet || k->criticality != it->criticality ||
                k->due_at != due || k->source != src;
  return !regress && !differs;
}

/* A full run's match against the stored findings read into memory: the same
 * decisions as find_store_match's query below, and the row kept current in
 * case the run stores the same finding again (CSAF, then NVD). */
static int store_known(FindRun *r, const FindItemMeta *meta, const VulnItem *it, const VulnMatch *m,
                       const char *why, const FindPre *p, Err *e) {
  int src = m->source;
  uint64_t digest = p ? p->digest : find_known_digest(why, it->name);
  FindKnownRow *k = r->fresh ? NULL : find_known_get(r->known, meta->org_id, meta->product_id, m->id);
  if (!k) {
    int64_t id = 0, due = find_due(r->sla, m->priority_class, r->now, m->kev_due, find_kev_added(r, m));
    int rc = r->batch ? find_batch_add(r, meta, it, m, why, due, &id, e) : insert_finding(r, meta, it, m, why, &id, e);
    if (rc) return rc;
    if (!(k = find_known_add(r->known, meta->org_id, meta->product_id, m->id))) return err_set(e, VERR_NOMEM, "tomt for minne");
    *k = (FindKnownRow){id, due, r->now, find_priority_rounded(m->priority), digest, it->criticality, FIND_ST_OPEN,
                        1, m->kev, it->internet, 1, (signed char)src};
    return 0;
  }
  if (known_same(r, it, m, k, digest)) return 0;
  int64_t due = find_due(r->sla, m->priority_class, k->first_seen, m->kev_due, find_kev_added(r, m));
  int regress = !k->matched && (k->status == FIND_ST_FIXED || k->status == FIND_ST_VERIFIED);
  double prio = find_priority_rounded(m->priority);
  FindStatus from = (FindStatus)k->status, to = regress ? FIND_ST_OPEN : from;
  int rc = find_batch_flush(r, e);   /* the row may still be in the batch */
  if (!rc) rc = update_finding(r, k->id, it, m, why, to, due, e);
  if (rc) return rc;
  *k = (FindKnownRow){k->id, due, k->first_seen, prio, digest, it->criticality, to, 1, m->kev, it->internet, 1,
                      (signed char)src};
  if (!regress) return 0;
  r->st.reopened++;
  return find_run_history(r, k->id, find_status_name(from), "open",
                          r->reopen_note ? r->reopen_note : "Treffer inventaret igjen (regresjon): gjenåpnet", e);
}

int find_store_match(FindRun *r, const FindItemMeta *meta, const VulnItem *it, const VulnMatch *m, const char *text,
                     Err *e) {
  char why[1024];
  const FindPre *p = text ? NULL : r->cur;
  r->cur = NULL;
  FindKnownRow *pk = p && p->row && r->known ? find_known_at(r->known, p->row - 1) : NULL;
  if (pk && known_same(r, it, m, pk, p->digest)) return 0;   /* worked out before: nothing changed */
  const char *w = why;
  if (text) snprintf(why, sizeof why, "%s", text);
  else if (p && p->why) w = p->why;   /* a first run's, worked out before */
  else vuln_match_reason(m, why, sizeof why);
  if (r->known) return store_known(r, meta, it, m, w, p, e);
  DbStmt *sel = r->sel;
  db_reset(sel);
  db_bind_int(sel, 1, meta->org_id);
  db_bind_int(sel, 2, meta->product_id);
  db_bind_text(sel, 3, m->id);
  int rc = db_step(sel, e);
  if (rc < 0) return rc;
  if (rc == DB_DONE) return insert_finding(r, meta, it, m, why, NULL, e);
  int64_t id = db_col_int(sel, 0), first = db_col_int(sel, 11);
  FindStatus st = FIND_ST_OPEN;
  find_status_parse(db_col_text(sel, 1), &st);
  int64_t due = find_due(r->sla, m->priority_class, first, m->kev_due, find_kev_added(r, m));
  /* A CSAF advisory naming a CVE already found through NVD adds nothing new;
   * nor does a KEV name match where an exact match exists. */
  if (m->source != VULN_SRC_NVD && strcmp(db_col_text(sel, 3), find_src_name(m->source)) &&
      db_col_int(sel, 2)) {
    db_reset(sel);
    return find_seen_add(r, id) ? err_set(e, VERR_NOMEM, "tomt for minne") : 0;
  }
  int regress = !db_col_int(sel, 2) && (st == FIND_ST_FIXED || st == FIND_ST_VERIFIED);
  if (!regress && !changed(sel, m, it, why, due)) {
    db_reset(sel);
    return find_seen_add(r, id) ? err_set(e, VERR_NOMEM, "tomt for minne") : 0;
  }
  db_reset(sel);
  if (find_seen_add(r, id)) return err_set(e, VERR_NOMEM, "tomt for minne");
  FindStatus to = regress ? FIND_ST_OPEN : st;
  rc = update_finding(r, id, it, m, why, to, due, e);
  if (rc || !regress) return rc;
  r->st.reopened++;
  return find_run_history(r, id, find_status_name(st), "open",
                          r->reopen_note ? r->reopen_note : "Treffer inventaret igjen (regresjon): gjenåpnet", e);
}

typedef struct IdPos {
  const char *id;
  size_t pos;
} IdPos;

static int cmp_idpos(const void *a, const void *b) {
  const IdPos *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* The matches l->m[from..] in (id, position) order, ix[k].pos their
 * offsets from `from`, and keep[k] for ix[k]: the first match of each
 * vulnerability id, and the first NVD match of an id whose first match came
 * from elsewhere. By sorting: products with thousands of matches made the
 * pairwise comparison quadratic. */
static void keep_marks(const VulnMatchList *l, size_t from, IdPos *ix, unsigned char *keep) {
  size_t n = l->n - from;
  for (size_t k = 0; k < n; k++) ix[k] = (IdPos){l->m[from + k].id, k};
  qsort(ix, n, sizeof *ix, cmp_idpos);
  for (size_t a = 0, b; a < n; a = b) {
    int nvd = 0;
    for (b = a; b < n && !strcmp(ix[b].id, ix[a].id); b++) {
      int is_nvd = l->m[from + ix[b].pos].source == VULN_SRC_NVD;
      keep[b] = b == a || (is_nvd && !nvd);
      nvd |= is_nvd;
    }
  }
}

/* Matches of one item: NVD before CSAF, one per vulnerability id, stored in
 * id order (a first run's new rows then go into the (org, product, id)
 * index at its end instead of all over it). The matches of one id keep
 * their order, which is all the storing depends on. */
int find_store_item(FindRun *r, const FindItemMeta *meta, const VulnItem *it, VulnMatchList *l, size_t from,
                      Err *e) {
  if (from >= l->n) return 0;
  size_t n = l->n - from;
  unsigned char *keep = malloc(n);
  IdPos *ix = malloc(n * sizeof *ix);
  if (!keep || !ix) {
    free(keep);
    free(ix);
    return err_set(e, VERR_NOMEM, "tomt for minne");
  }
  keep_marks(l, from, ix, keep);
  int rc = 0;
  for (size_t k = 0; !rc && k < n; k++) {
    if (!keep[k]) continue;
    size_t i = from + ix[k].pos;
    r->st.matches++;
    r->cur = r->pre ? &r->pre[i] : NULL;
    r->fresh = r->first && (k == 0 || strcmp(ix[k].id, ix[k - 1].id));   /* items come once each */
    rc = find_store_match(r, meta, it, &l->m[i], NULL, e);
    r->fresh = 0;
  }
  free(keep);
  free(ix);
  return rc;
}

int find_close_ids(FindRun *r, const int64_t *ids, size_t n, Err *e) {
  for (size_t i = 0; i < n; i++) {
    char *status = NULL;
    int rc = db_text(r->db, e, &status, "SELECT status FROM findings WHERE id = ?", "l", ids[i]);
    if (rc) return rc;
    int auto_fix = status && (!strcmp(status, "open") || !strcmp(status, "in_progress"));
    rc = db_exec(r->db, e, "UPDATE findings SET matched = 0, status = ?, updated_at = ? WHERE id = ?", "sll",
                 auto_fix ? "fixed" : status, r->now, ids[i]);
    if (!rc)
      rc = find_run_history(r, ids[i], status, auto_fix ? "fixed" : status,
                       auto_fix ? "Treffer ikke lenger inventaret: satt til utbedret (må verifiseres)"
                                : "Treffer ikke lenger inventaret", e);
    free(status);
    if (rc) return rc;
    r->st.closed++;
  }
  return 0;
}
