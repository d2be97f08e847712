/* scan.c — findings from network scans: a run's services are recorded
 * (finding_scan_services), each one whose CPE names a version is matched
 * like an inventory product and stored through match.c (product_id = -the
 * service's id) with the scan's confidence, evidence and run, and the
 * scanner's failed checks are stored beside them (source "scan"); what a
 * later run no longer sees moves to fixed (needs verification), never closed. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "db/db.h"
#include "findings/internal.h"
#include "findings/match_int.h"
#include "findings/scan.h"
#include "inventory/inventory.h"
#include "scan/ports.h"
#include "scan/target.h"
#include "vuln/inventory.h"

/* One service to match, with what produced it. */
typedef struct ScanSvc {
  int64_t id, org_id, run;
  const char *addr, *cpe, *confidence, *evidence;
  unsigned port;
} ScanSvc;

typedef struct ScanSet {
  Arena *a;
  ScanSvc *s;
  VulnItem *item;
  FindItemMeta *meta;
  size_t n, cap;
  bool feed;                    /* a re-match after a feed change, not a run */
} ScanSet;

/* The grade as a static string ("low" unless high or medium). */
static const char *conf_ok(const char *c) {
  return c && !strcmp(c, "high") ? "high" : c && !strcmp(c, "medium") ? "medium" : "low";
}

/* The value findings.confidence gets: the scan's grade, named as such. */
static const char *conf_column(const char *c) {
  c = conf_ok(c);
  return !strcmp(c, "high") ? "scan-high" : !strcmp(c, "medium") ? "scan-medium" : "scan-low";
}

static void set_free(ScanSet *x) {
  free(x->s);
  free(x->item);
  free(x->meta);
  arena_free(x->a);
  memset(x, 0, sizeof *x);
}

static int set_grow(ScanSet *x) {
  if (!x->a && !(x->a = arena_new((size_t)256 << 20))) return VERR_NOMEM;
  if (x->n < x->cap) return 0;
  size_t nc = x->cap ? x->cap * 2 : 64;
  ScanSvc *s = realloc(x->s, nc * sizeof *s);
  if (s) x->s = s;
  VulnItem *it = realloc(x->item, nc * sizeof *it);
  if (it) x->item = it;
  FindItemMeta *m = realloc(x->meta, nc * sizeof *m);
  if (m) x->meta = m;
  if (!s || !it || !m) return VERR_NOMEM;
  x->cap = nc;
  return 0;
}

/* "10.0.0.5:22", "[fd00::5]:22" */
static const char *addr_port(Arena *a, const char *addr, unsigned port) {
  return strchr(addr, ':') ? arena_printf(a, "[%s]:%u", addr, port) : arena_printf(a, "%s:%u", addr, port);
}

static int same_addr(const char *a, const char *b) {
  unsigned char x[16], y[16];
  int fa = strchr(a, ':') ? AF_INET6 : AF_INET, fb = strchr(b, ':') ? AF_INET6 : AF_INET;
  if (fa != fb || inet_pton(fa, a, x) != 1 || inet_pton(fb, b, y) != 1) return 0;
  return !memcmp(x, y, fa == AF_INET ? 4 : 16);
}

static int listed(const char *list, const char *addr) {
  char tok[64];
  for (const char *p = list; p && *p;) {
    size_t n = strcspn(p, " ,\t");
    if (n && n < sizeof tok) {
      memcpy(tok, p, n);
      tok[n] = '\0';
      if (same_addr(tok, addr)) return 1;
    }
    p += n;
    p += strspn(p, " ,\t");
  }
  return 0;
}

/* Exposure from the inventory: a host listing the address is internet
 * facing, and the services depending on it give the criticality. */
static void exposure(Db *db, int64_t org, const char *addr, bool *internet, int *crit) {
  Arena *a = arena_new((size_t)64 << 20);
  InvHost *h = NULL;
  size_t n = 0;
  Err e = {0};
  *internet = false;
  *crit = 0;
  if (!a || inv_host_list(db, a, org, &h, &n, &e)) n = 0;
  for (size_t i = 0; i < n; i++) {
    if (!listed(h[i].addresses, addr)) continue;
    *internet = *internet || h[i].internet_facing;
    InvImpact imp;
    if (inv_impact(db, a, org, INV_HOST, h[i].id, &imp, &e)) continue;
    for (size_t k = 0; k < imp.nsvc; k++)
      if (imp.svc[k].criticality > *crit) *crit = imp.svc[k].criticality;
  }
  arena_free(a);
}

/* Adds a service as a matcher item when its CPE names a version. */
static int set_add(Db *db, ScanSet *x, const ScanSvc *sv, const char *label) {
  if (!sv->cpe || !*sv->cpe) return 0;
  if (set_grow(x)) return VERR_NOMEM;
  VulnItem *it = &x->item[x->n];
  memset(it, 0, sizeof *it);
  it->name = arena_printf(x->a, "%s (%s)", label, addr_port(x->a, sv->addr, sv->port));
  it->cpe_str = arena_strdup(x->a, sv->cpe);
  Err e = {0};
  if (!it->name || !it->cpe_str) return VERR_NOMEM;
  if (vuln_item_prepare(x->a, it, NULL, &e) || !it->cpe.v[CPE_VERSION] || (it->cpe.wild & (1u << CPE_VERSION)))
    return 0;   /* no version: nothing to match, and nothing proven about earlier findings */
  exposure(db, sv->org_id, sv->addr, &it->internet, &it->criticality);
  ScanSvc *s = &x->s[x->n];
  *s = *sv;
  s->addr = arena_strdup(x->a, sv->addr);
  s->cpe = it->cpe_str;
  s->confidence = conf_ok(sv->confidence);
  s->evidence = sv->evidence ? arena_strdup(x->a, sv->evidence) : NULL;
  x->meta[x->n] = (FindItemMeta){sv->org_id, -sv->id};
  x->n++;
  return 0;
}

/* ---- moving what is no longer seen ---- */

/* matched = 0; open and in progress become fixed (needs verification),
 * other states stay; history says why, run (0: none) is recorded. */
static int gone(FindRun *r, int64_t id, int64_t run, const char *why, Err *e) {
  char *status = NULL;
  int rc = db_text(r->db, e, &status, "SELECT status FROM findings WHERE id = ?", "l", id);
  if (rc) return rc;
  bool fix = status && (!strcmp(status, "open") || !strcmp(status, "in_progress"));
  const char *to = fix ? "fixed" : status;
  char note[600];
  snprintf(note, sizeof note, "%s: %s", why, fix ? "utbedret, må verifiseres" : "status beholdt");
  rc = db_exec(r->db, e, "UPDATE findings SET matched = 0, status = ?, updated_at = ? WHERE id = ?", "sll", to,
               r->now, id);
  if (!rc) rc = find_history_add(r->db, r->who, id, status, to, note, e);
  if (!rc && run) rc = db_exec(r->db, e, "UPDATE finding_scan SET gone_run = ? WHERE finding_id = ?", "ll", run, id);
  free(status);
  if (!rc) r->st.closed++;
  return rc;
}

static int in_list(const int64_t *v, size_t n, int64_t id) {
  for (size_t i = 0; i < n; i++)
    if (v[i] == id) return 1;
  return 0;
}

/* Which of a service's findings: the vulnerabilities its version has, the
 * scanner's own checks, or both. */
typedef enum Kind { VULNS, CHECKS, ALL } Kind;

/* Active (matched) findings of that kind of service sid not among
 * keep[0..nkeep): gone. */
static int gone_except(FindRun *r, int64_t org, int64_t sid, Kind kind, const int64_t *keep, size_t nkeep,
                       int64_t run, const char *why, Err *e) {
  static const char *const sql[] = {
      "SELECT id FROM findings WHERE org_id = ? AND product_id = ? AND matched = 1 AND source <> 'scan'",
      "SELECT id FROM findings WHERE org_id = ? AND product_id = ? AND matched = 1 AND source = 'scan'",
      "SELECT id FROM findings WHERE org_id = ? AND product_id = ? AND matched = 1"};
  DbStmt *st = NULL;
  int64_t *ids = NULL;
  size_t n = 0, cap = 0;
  int rc = db_query(r->db, &st, e, sql[kind], "ll", org, -sid);
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    int64_t id = db_col_int(st, 0);
    if (in_list(keep, nkeep, id)) continue;
    if (n == cap) {
      int64_t *v = realloc(ids, (cap = cap ? cap * 2 : 16) * sizeof *v);
      if (!v) {
        rc = err_set(e, VERR_NOMEM, "tomt for minne");
        break;
      }
      ids = v;
    }
    ids[n++] = id;
  }
  db_finalize(st);
  if (rc == DB_DONE) rc = 0;
  for (size_t i = 0; !rc && i < n; i++) rc = gone(r, ids[i], run, why, e);
  free(ids);
  return rc;
}

/* ---- storing one service's matches ---- */

/* The finding's scan row and its confidence column. */
static int scan_row(FindRun *r, const ScanSvc *s, int64_t fid, Err *e) {
  int rc = db_exec(r->db, e,
                   "INSERT INTO finding_scan (finding_id, service_id, cpe, confidence, evidence, first_run, last_run)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (finding_id) DO UPDATE SET cpe = excluded.cpe,"
                   " confidence = excluded.confidence, evidence = excluded.evidence, last_run = excluded.last_run,"
                   " gone_run = NULL",
                   "llsssll", fid, s->id, s->cpe, s->confidence, s->evidence, s->run, s->run);
  const char *col = conf_column(s->confidence);
  if (!rc)
    rc = db_exec(r->db, e, "UPDATE findings SET confidence = ? WHERE id = ? AND source <> 'kev' AND confidence IS NOT ?",
                 "sls", col, fid, col);
  return rc;
}

static int store_service(FindRun *r, ScanSet *x, size_t i, VulnMatchList *one, const VulnKevNames *kx, Err *e) {
  const ScanSvc *s = &x->s[i];
  const char *where = addr_port(x->a, s->addr, s->port);
  char reopen[200], why[400];
  snprintf(reopen, sizeof reopen, "%s (kjøring %lld, %s): gjenåpnet",
           x->feed ? "Treffer sårbarhetsdataene igjen, tjenesten sist sett i skanning" : "Sett igjen i skanning",
           (long long)s->run, where);
  if (x->feed)
    snprintf(why, sizeof why, "Treffer ikke lenger sårbarhetsdataene (%s %s, sist sett i kjøring %lld)", where,
             s->cpe, (long long)s->run);
  else
    snprintf(why, sizeof why, "Skanning (kjøring %lld) fant en annen versjon på %s (%s)", (long long)s->run, where,
             s->cpe);
  for (size_t k = 0; k < one->n; k++) one->m[k].confidence = conf_column(s->confidence);
  size_t from = r->nseen;
  r->reopen_note = reopen;
  r->st.products++;
  int rc = find_store_item(r, &x->meta[i], &x->item[i], one, 0, e);
  if (!rc && kx) rc = find_kev_match_item(r, kx, &x->meta[i], &x->item[i], one, e);
  r->reopen_note = NULL;
  for (size_t k = from; !rc && k < r->nseen; k++) rc = scan_row(r, s, r->seen[k], e);
  if (!rc)
    rc = gone_except(r, s->org_id, s->id, VULNS, r->seen ? r->seen + from : NULL, r->nseen - from, x->feed ? 0 : s->run,
                     why, e);
  return rc;
}

/* ---- the scanner's own checks ---- */

/* The CVSS-like base a check's severity counts as in the priority formula
 * (the cvss column stays empty); -1 for "info", which is no finding. */
static double check_base(const char *sev) {
  static const struct { const char *name; double base; } t[] = {
      {"critical", 9.5}, {"high", 7.5}, {"medium", 5.5}, {"low", 3.0}};
  for (size_t i = 0; sev && i < sizeof t / sizeof t[0]; i++)
    if (!strcmp(sev, t[i].name)) return t[i].base;
  return -1;
}

/* One failed check as a finding of service sv (source "scan", vuln_id the
 * check's id, advisory its title), with its scan row. */
static int store_check(FindRun *r, const ScanSvc *sv, const VulnItem *it, const FindScanCheck *k, const char *where,
                       Err *e) {
  double base = check_base(k->severity);
  if (base < 0) return 0;
  VulnMatch m = {.source = FIND_SRC_SCAN, .id = k->id, .advisory = k->title, .cvss = -1, .epss = -1, .epss_pct = -1,
                 .confidence = conf_column(k->confidence)};
  m.priority = vuln_priority(base, false, false, -1, it->internet, it->criticality, &m.priority_class);
  char why[1024];
  snprintf(why, sizeof why, "%s (%s)%s%s", k->title ? k->title : k->id, where, k->evidence ? ": " : "",
           k->evidence ? k->evidence : "");
  FindItemMeta meta = {sv->org_id, -sv->id};
  ScanSvc row = *sv;
  row.cpe = sv->cpe ? sv->cpe : "";
  row.confidence = conf_ok(k->confidence);
  row.evidence = k->evidence;
  size_t from = r->nseen;
  int rc = find_store_match(r, &meta, it, &m, why, e);
  for (size_t i = from; !rc && i < r->nseen; i++) rc = scan_row(r, &row, r->seen[i], e);
  return rc;
}

static int timed_out(const FindScanRun *run, const char *addr) {
  for (size_t i = 0; i < run->ntimed_out; i++)
    if (same_addr(run->timed_out[i], addr)) return 1;
  return 0;
}

/* The port's failed checks stored; its earlier check findings this run did
 * not report again are gone (fixed, needs verification) — unless its host
 * timed out, when the checks may not have finished. */
static int store_checks(FindRun *r, const FindScanRun *run, const FindScanService *s, const ScanSvc *sv,
                        const char *label, Arena *a, Err *e) {
  const char *where = addr_port(a, s->addr, s->port);
  VulnItem it = {.name = arena_printf(a, "%s (%s)", label, where)};
  char reopen[200], why[300];
  if (!where || !it.name) return err_set(e, VERR_NOMEM, "tomt for minne");
  if (s->ncheck) exposure(r->db, sv->org_id, s->addr, &it.internet, &it.criticality);
  snprintf(reopen, sizeof reopen, "Sett igjen i skanning (kjøring %lld, %s): gjenåpnet", (long long)run->run_id, where);
  snprintf(why, sizeof why, "Skanning (kjøring %lld) fant ikke lenger feilen på %s", (long long)run->run_id, where);
  size_t from = r->nseen;
  int rc = 0;
  r->reopen_note = reopen;
  for (size_t k = 0; !rc && k < s->ncheck; k++) rc = store_check(r, sv, &it, &s->check[k], where, e);
  r->reopen_note = NULL;
  if (!rc && !timed_out(run, s->addr))
    rc = gone_except(r, sv->org_id, sv->id, CHECKS, r->seen ? r->seen + from : NULL, r->nseen - from, run->run_id,
                     why, e);
  return rc;
}

/* Every item of x matched against the cached feeds and stored. */
static int match_set(FindRun *r, ScanSet *x, Err *e) {
  VulnDb *v = NULL;
  VulnMatcher *m = NULL;
  VulnMatchList l = {0};
  int rc = find_cache_acquire(r->db, &v, &m, &r->st.ms_load, e);
  if (rc) return rc;
  rc = find_cache_cover(r->db, x->item, x->n, &v, &m, &r->st.ms_load, e);
  r->kevdb = v;
  if (!rc && vuln_match_items(m, x->item, x->n, 1, &l)) rc = err_set(e, VERR_NOMEM, "tomt for minne");
  for (size_t i = 0, k = 0; !rc && i < x->n; i++) {
    size_t from = k;
    while (k < l.n && l.m[k].item == i) k++;
    VulnMatchList one = {l.m ? l.m + from : NULL, k - from, k - from};
    r->st.matches += one.n;
    rc = store_service(r, x, i, &one, find_cache_kev(), e);
  }
  find_cache_release();
  r->kevdb = NULL;
  vuln_match_list_free(&l);
  return rc;
}

/* ---- a run ---- */

static const char *label_of(Arena *a, const FindScanService *s) {
  const char *what = s->product && *s->product ? s->product : s->service && *s->service ? s->service : "tjeneste";
  return s->version && *s->version ? arena_printf(a, "%s %s", what, s->version) : arena_strdup(a, what);
}

static int upsert_service(Db *db, const FindScanRun *run, const FindScanService *s, int64_t now, int64_t *id,
                          Err *e) {
  return db_int(db, e, id,
                "INSERT INTO finding_scan_services (org_id, addr, port, service, product, version, cpe, confidence,"
                " method, evidence, cert, first_run, last_run, last_seen_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (org_id, addr, port) DO UPDATE SET service = excluded.service,"
                " product = excluded.product, version = excluded.version, cpe = excluded.cpe,"
                " confidence = excluded.confidence, method = excluded.method, evidence = excluded.evidence,"
                " cert = excluded.cert, last_run = excluded.last_run, last_seen_at = excluded.last_seen_at,"
                " gone_run = NULL RETURNING id",
                "lsissssssss" "lll", run->org_id, s->addr, (int)s->port, s->service, s->product, s->version, s->cpe,
                conf_ok(s->confidence), s->method, s->evidence, s->cert, run->run_id, run->run_id, now);
}

/* Records every open port of the run; the versioned ones become items. */
static int collect_run(FindRun *r, const FindScanRun *run, ScanSet *x, Err *e) {
  int rc = 0;
  for (size_t i = 0; !rc && i < run->n; i++) {
    const FindScanService *s = &run->svc[i];
    int64_t id = 0;
    if (!s->addr || !*s->addr || s->port < 1 || s->port > 65535) continue;
    rc = upsert_service(r->db, run, s, r->now, &id, e);
    if (rc) break;
    if (!x->a && !(x->a = arena_new((size_t)256 << 20))) return err_set(e, VERR_NOMEM, "tomt for minne");
    ScanSvc sv = {id, run->org_id, run->run_id, s->addr, s->cpe, s->confidence, s->evidence, s->port};
    const char *label = label_of(x->a, s);
    if (!label || set_add(r->db, x, &sv, label)) rc = err_set(e, VERR_NOMEM, "tomt for minne");
    if (!rc) rc = store_checks(r, run, s, &sv, label, x->a, e);
  }
  return rc;
}

typedef struct Cover {
  ScanRangeList scope;
  ScanPorts *ports;
  const FindScanRun *run;
} Cover;

/* Was addr:port looked at by the run (in scope, in its ports, host done)? */
static int covered(const Cover *c, const char *addr, unsigned port) {
  if (!scan_rangelist_contains_text(&c->scope, addr)) return 0;
  if (port > 65535 || !(c->ports->seen[port >> 3] & (1u << (port & 7))) || scan_port_is_printer((uint16_t)port))
    return 0;
  return !timed_out(c->run, addr);
}

/* Services of the organisation the run covered and did not see. */
static int unseen_services(FindRun *r, const Cover *c, int64_t **ids, size_t *n, Err *e) {
  DbStmt *st = NULL;
  size_t cap = 0;
  int rc = db_query(r->db, &st, e, "SELECT id, addr, port FROM finding_scan_services WHERE org_id = ? AND"
                    " last_run <> ? AND gone_run IS NULL", "ll", c->run->org_id, c->run->run_id);
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    if (!covered(c, db_col_text(st, 1), (unsigned)db_col_int(st, 2))) continue;
    if (*n == cap) {
      int64_t *v = realloc(*ids, (cap = cap ? cap * 2 : 16) * sizeof *v);
      if (!v) {
        rc = err_set(e, VERR_NOMEM, "tomt for minne");
        break;
      }
      *ids = v;
    }
    (*ids)[(*n)++] = db_col_int(st, 0);
  }
  db_finalize(st);
  return rc == DB_DONE ? 0 : rc;
}

/* A complete run: what it covered and no longer saw is fixed, needs
 * verification (the service row keeps the run that missed it). */
static int not_seen(FindRun *r, const FindScanRun *run, Err *e) {
  Cover c = {.ports = calloc(1, sizeof *c.ports), .run = run};
  Err pe = {0};
  int64_t *ids = NULL;
  size_t n = 0;
  int rc = c.ports ? 0 : err_set(e, VERR_NOMEM, "tomt for minne");
  if (!rc && (scan_rangelist_add_specs(&c.scope, run->scope, &pe) || scan_ports_parse(c.ports, run->ports, &pe)))
    rc = err_set(e, VERR_INVALID, "Kjøringens omfang eller porter kan ikke leses: %s", pe.msg);
  if (!rc) rc = unseen_services(r, &c, &ids, &n, e);
  char why[200];
  snprintf(why, sizeof why, "Ikke sett i fullstendig skanning av omfanget (kjøring %lld)", (long long)run->run_id);
  for (size_t i = 0; !rc && i < n; i++) {
    rc = db_exec(r->db, e, "UPDATE finding_scan_services SET gone_run = ? WHERE id = ?", "ll", run->run_id, ids[i]);
    if (!rc) rc = gone_except(r, run->org_id, ids[i], ALL, NULL, 0, run->run_id, why, e);
  }
  free(ids);
  if (c.ports) scan_ports_free(c.ports);
  free(c.ports);
  scan_rangelist_free(&c.scope);
  return rc;
}

static int audit_counts(FindRun *r, int64_t org, int64_t run, Err *e) {
  if (!r->st.created && !r->st.updated && !r->st.reopened && !r->st.closed) return 0;
  char d[256], oid[24];
  snprintf(d, sizeof d, "skanning: tjenester=%zu treff=%zu nye=%zu endret=%zu gjenåpnet=%zu utbedret/ikke sett=%zu",
           r->st.products, r->st.matches, r->st.created, r->st.updated, r->st.reopened, r->st.closed);
  snprintf(oid, sizeof oid, "%lld", (long long)run);
  AuditEvent ev = {r->who, org, "findings.scan", "scan_run", oid, d};
  return audit_append(r->db, &ev, NULL, e);
}

static void run_end(FindRun *r, ScanSet *x, FindMatchStats *st) {
  if (st) *st = r->st;
  find_run_close(r);
  free(r->seen);
  r->seen = NULL;
  set_free(x);
}

int find_scan_ingest(Db *db, const Principal *who, const FindScanRun *run, FindMatchStats *st, Err *e) {
  int own = !db_in_transaction(db);
  int rc = own ? db_begin(db, e) : 0;
  if (rc) return rc;
  FindRun r;
  ScanSet x = {0};
  rc = find_run_open(&r, db, who, e);
  if (!rc) rc = collect_run(&r, run, &x, e);
  if (!rc && x.n) rc = match_set(&r, &x, e);
  if (!rc && run->complete) rc = not_seen(&r, run, e);
  if (!rc) rc = audit_counts(&r, run->org_id, run->run_id, e);
  run_end(&r, &x, st);
  if (!own) return rc;
  if (rc) {
    db_rollback(db);
    return rc;
  }
  return db_commit(db, e);
}

/* ---- after a feed change ---- */

static int load_current(FindRun *r, ScanSet *x, Err *e) {
  DbStmt *st = NULL;
  int rc = db_query(r->db, &st, e, "SELECT id, org_id, addr, port, service, product, version, cpe, confidence,"
                    " evidence, last_run FROM finding_scan_services WHERE gone_run IS NULL AND cpe IS NOT NULL"
                    " ORDER BY id", "");
  if (!rc && !x->a && !(x->a = arena_new((size_t)256 << 20))) rc = err_set(e, VERR_NOMEM, "tomt for minne");
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    FindScanService s = {db_col_text(st, 2), (unsigned)db_col_int(st, 3), db_col_text(st, 4), db_col_text(st, 5),
                         db_col_text(st, 6), NULL, NULL, NULL, NULL, NULL, NULL, 0};
    ScanSvc sv = {db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 10), db_col_text(st, 2), db_col_text(st, 7),
                  db_col_text(st, 8), db_col_is_null(st, 9) ? NULL : db_col_text(st, 9), s.port};
    if (set_add(r->db, x, &sv, label_of(x->a, &s))) {
      rc = err_set(e, VERR_NOMEM, "tomt for minne");
      break;
    }
  }
  db_finalize(st);
  return rc == DB_DONE ? 0 : rc;
}

int find_scan_rematch(Db *db, const Principal *who, FindMatchStats *acc, Err *e) {
  int64_t n = 0;
  int rc = db_int(db, e, &n, "SELECT count(*) FROM finding_scan_services WHERE gone_run IS NULL AND cpe IS NOT NULL",
                  "");
  if (rc || !n) return rc;
  FindRun r;
  ScanSet x = {.feed = true};
  FindMatchStats st = {0};
  rc = find_run_open(&r, db, who, e);
  if (!rc) rc = load_current(&r, &x, e);
  if (!rc && x.n) rc = match_set(&r, &x, e);   /* the caller's run audits the counts */
  run_end(&r, &x, &st);
  if (acc) {
    acc->products += st.products;
    acc->matches += st.matches;
    acc->created += st.created;
    acc->updated += st.updated;
    acc->reopened += st.reopened;
    acc->closed += st.closed;
    acc->ms_load += st.ms_load;
  }
  return rc;
}
