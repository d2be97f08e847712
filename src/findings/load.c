/* load.c — the stored feeds back into an in-memory VulnDb for the matcher:
 * NVD records re-read through src/vuln's parser, KEV and EPSS rows copied
 * straight in, CSAF advisories parsed one document at a time. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "findings/findings.h"
#include "findings/internal.h"
#include "vuln/vuln.h"

double find_ms_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The records are joined into one API-page-shaped document and parsed once. */
static int load_nvd(Db *db, VulnDb *v, int64_t min_gen, Err *e) {
  DbStmt *st = NULL;
  Buf b;
  buf_init(&b, (size_t)4 << 30);
  int rc = db_query(db, &st, e, "SELECT record FROM vuln_cves WHERE gen >= ?", "l", min_gen);
  buf_lit(&b, "{\"format\":\"NVD_CVE\",\"vulnerabilities\":[");
  int first = 1;
  if (!rc) while ((rc = db_step(st, e)) == DB_ROW) {
    if (!first) buf_putc(&b, ',');
    buf_puts(&b, db_col_text(st, 0));
    first = 0;
  }
  db_finalize(st);
  buf_lit(&b, "]}");
  if (rc == DB_DONE) rc = 0;
  if (!rc && b.err) rc = err_set(e, VERR_NOMEM, "for mye NVD-data til minnet");
  VulnReport r = {0};
  if (!rc) rc = vuln_nvd_load(v, "database", b.p, b.n, &r, e);
  buf_free(&b);
  return rc;
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

int find_load_vulndb(Db *db, int64_t min_gen, VulnDb **out, Err *e) {
  VulnDb *v = vuln_db_new();
  *out = NULL;
  if (!v) return err_set(e, VERR_NOMEM, "tomt for minne");
  int64_t csaf_new = 0;
  int rc = load_nvd(db, v, min_gen, e);
  if (!rc && min_gen > 0) rc = db_int(db, e, &csaf_new, "SELECT count(*) FROM vuln_csaf WHERE gen >= ?", "l", min_gen);
  /* advisories name CVEs NVD may not have: then every KEV/EPSS row */
  int64_t only = min_gen > 0 && !csaf_new ? min_gen : 0;
  if (!rc) rc = load_kev(db, v, only, e);
  if (!rc) rc = load_epss(db, v, only, e);
  if (!rc) rc = load_csaf(db, v, min_gen, e);
  if (!rc && vuln_db_finish(v)) rc = err_set(e, VERR_NOMEM, "tomt for minne");
  if (rc) {
    vuln_db_free(v);
    return rc;
  }
  *out = v;
  return 0;
}
