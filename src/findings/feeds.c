/* feeds.c — NVD, KEV, EPSS and CSAF documents into the database: parsed and
 * checked by src/vuln, stored record by record, idempotently, each import in
 * one transaction with a new generation number for what it changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "audit/audit.h"
#include "db/db.h"
#include "findings/findings.h"
#include "findings/internal.h"
#include "vuln/json.h"
#include "vuln/vuln.h"

#define FEED_FILE_MAX ((size_t)2 << 30)

int find_read_file(const char *path, Buf *b, Err *e) {
  gzFile f = gzopen(path, "rb");
  if (!f) return err_set(e, VERR_IO, "%s: kan ikke åpne filen", path);
  char tmp[65536];
  int n;
  gzbuffer(f, 1 << 17);
  while ((n = gzread(f, tmp, sizeof tmp)) > 0) buf_append(b, tmp, (size_t)n);
  gzclose(f);
  if (n < 0) return err_set(e, VERR_IO, "%s: lesing eller gunzip feilet", path);
  if (b->err) return err_set(e, VERR_TOOBIG, "%s: større enn %zu byte", path, FEED_FILE_MAX);
  return 0;
}

int find_state_get(Db *db, const char *name, char **out, Err *e) {
  *out = NULL;
  int rc = db_text(db, e, out, "SELECT value FROM feed_state WHERE name = ?", "s", name);
  return rc == VERR_NOTFOUND ? 0 : rc;
}

int find_state_set(Db *db, const char *name, const char *value, Err *e) {
  return db_exec(db, e,
                 "INSERT INTO feed_state (name, value, updated_at) VALUES (?, ?, ?) "
                 "ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                 "ssl", name, value, db_now());
}

int64_t find_state_int(Db *db, const char *name) {
  char *v = NULL;
  Err e = {0};
  int64_t r = 0;
  if (!find_state_get(db, name, &v, &e) && v) r = strtoll(v, NULL, 10);
  free(v);
  return r;
}

int find_state_set_int(Db *db, const char *name, int64_t v, Err *e) {
  char s[32];
  snprintf(s, sizeof s, "%lld", (long long)v);
  return find_state_set(db, name, s, e);
}

/* ---- NVD: parsed by vuln_nvd_load (which reports bad records), stored from
 * a second streaming walk so each row keeps its record's exact JSON ---- */

typedef struct NvdStore {
  Db *db;
  VulnDb *vdb;
  size_t next;              /* next VulnCve expected in the walk */
  DbStmt *get, *put, *cfg;
  Buf blob;
  FindFeedStats *st;
  FindProgress progress;
  void *pctx;
  size_t len;
  int64_t now;
  Err *e;
} NvdStore;

static int nvd_put(NvdStore *s, const VulnCve *c, const char *rec) {
  int rc;
  db_reset(s->get);
  db_bind_text(s->get, 1, c->id);
  rc = db_step(s->get, s->e);
  if (rc == DB_ROW) {
    const char *old = db_col_text(s->get, 0), *oldmod = db_col_text(s->get, 1);
    if (!strcmp(old, rec) || (c->modified && strcmp(c->modified, oldmod) < 0)) {
      s->st->unchanged++;
      return 0;   /* same record, or an older version than the one stored */
    }
    s->st->updated++;
  } else if (rc == DB_DONE) {
    s->st->added++;
  } else {
    return rc;
  }
  db_reset(s->put);
  db_bind_text(s->put, 1, c->id);
  db_bind_text(s->put, 2, c->published);
  db_bind_text(s->put, 3, c->modified ? c->modified : "");
  if (c->cvss >= 0) {
    char v[16];
    snprintf(v, sizeof v, "%.1f", c->cvss);
    db_bind_text(s->put, 4, v);
  } else {
    db_bind_null(s->put, 4);
  }
  db_bind_text(s->put, 5, c->cvss_vector);
  db_bind_text(s->put, 6, c->cvss_severity);
  db_bind_text(s->put, 7, c->desc);
  db_bind_text(s->put, 8, rec);
  db_bind_int(s->put, 9, s->st->gen);
  db_bind_int(s->put, 10, s->now);
  rc = db_step(s->put, s->e);
  return rc < 0 ? rc : find_cfg_put(s->db, s->cfg, &s->blob, c, s->st->gen, s->e);
}

static int nvd_each(void *ctx, json_t *elem, size_t index) {
  NvdStore *s = ctx;
  const char *id = json_string_value(json_object_get(json_object_get(elem, "cve"), "id"));
  if (!id || s->next >= s->vdb->ncve || strcmp(id, s->vdb->cve[s->next].id)) return 0;  /* reported as bad */
  const VulnCve *c = &s->vdb->cve[s->next++];
  char *rec = json_dumps(elem, JSON_COMPACT);
  if (!rec) return VERR_NOMEM;
  int rc = nvd_put(s, c, rec);
  free(rec);
  s->st->records++;
  if (s->progress && index % 5000 == 4999) s->progress(index + 1, s->len, 0, s->pctx);
  return rc;
}

static int store_nvd(Db *db, const char *name, const char *data, size_t len, VulnReport *r, FindProgress pr,
                     void *pctx, FindFeedStats *st, Err *e) {
  VulnDb *vdb = vuln_db_new();
  if (!vdb) return err_set(e, VERR_NOMEM, "tomt for minne");
  int rc = vuln_nvd_load(vdb, name, data, len, r, e);
  char *kept = rc ? strstr(e->msg, " (records before it were kept)") : NULL;
  if (kept) snprintf(kept, sizeof e->msg - (size_t)(kept - e->msg), "; ingenting fra denne importen er lagret");
  NvdStore s = {db, vdb, 0, NULL, NULL, NULL, {0}, st, pr, pctx, len, db_now(), e};
  buf_init(&s.blob, (size_t)64 << 20);
  if (!rc) rc = db_prepare(db, &s.get, e, "SELECT record, modified FROM vuln_cves WHERE id = ?");
  if (!rc)
    rc = db_prepare(db, &s.put, e,
                    "INSERT OR REPLACE INTO vuln_cves (id, published, modified, cvss, cvss_vector, severity,"
                    " description, record, gen, imported_at) VALUES (?, ?, ?, CAST(? AS REAL), ?, ?, ?, ?, ?, ?)");
  if (!rc) rc = find_cfg_prepare(db, &s.cfg, e);
  json_t *top = NULL;
  Err je = {0};
  if (!rc) {
    rc = vuln_json_stream(data, len, "vulnerabilities", nvd_each, &s, &top, &je);
    if (rc && !e->code) err_set(e, rc, "%s: %s", name, je.msg);
  }
  json_decref(top);
  db_finalize(s.get);
  db_finalize(s.put);
  db_finalize(s.cfg);
  buf_free(&s.blob);
  vuln_db_free(vdb);
  return rc;
}

/* ---- KEV and EPSS: small; loaded whole, then compared row by row ---- */

static int store_kev(Db *db, const char *name, const char *data, size_t len, VulnReport *r, FindFeedStats *st,
                     Err *e) {
  VulnDb *v = vuln_db_new();
  if (!v) return err_set(e, VERR_NOMEM, "tomt for minne");
  int rc = vuln_kev_load(v, name, data, len, r, e);
  for (size_t i = 0; !rc && i < v->nkev; i++) {
    const VulnKev *k = &v->kev[i];
    int64_t same = 0;
    st->records++;
    rc = db_int(db, e, &same,
                "SELECT count(*) FROM vuln_kev WHERE cve = ? AND vendor IS ? AND product IS ? AND name IS ? "
                "AND added IS ? AND due IS ? AND action IS ? AND ransomware = ?",
                "sssssssi", k->cve, k->vendor, k->product, k->name, k->added, k->due, k->action, k->ransomware);
    if (rc || same) {
      st->unchanged += same != 0;
      continue;
    }
    int64_t had = 0;
    db_int(db, e, &had, "SELECT count(*) FROM vuln_kev WHERE cve = ?", "s", k->cve);
    if (had) st->updated++;
    else st->added++;
    rc = db_exec(db, e, "INSERT OR REPLACE INTO vuln_kev VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "sssssssil", k->cve,
                 k->vendor, k->product, k->name, k->added, k->due, k->action, k->ransomware, st->gen);
  }
  vuln_db_free(v);
  return rc;
}

static int store_epss(Db *db, const char *name, const char *data, size_t len, VulnReport *r, FindFeedStats *st,
                      Err *e) {
  VulnDb *v = vuln_db_new();
  DbStmt *get = NULL, *put = NULL;
  if (!v) return err_set(e, VERR_NOMEM, "tomt for minne");
  int rc = vuln_epss_load(v, name, data, len, r, e);
  if (!rc) rc = db_prepare(db, &get, e, "SELECT score, percentile FROM vuln_epss WHERE cve = ?");
  if (!rc) rc = db_prepare(db, &put, e, "INSERT OR REPLACE INTO vuln_epss VALUES (?, ?, ?, ?, ?)");
  for (size_t i = 0; !rc && i < v->nepss; i++) {
    const VulnEpss *x = &v->epss[i];
    st->records++;
    db_reset(get);
    db_bind_text(get, 1, x->cve);
    int s = db_step(get, e);
    if (s == DB_ROW && db_col_text(get, 0) && strtod(db_col_text(get, 0), NULL) == x->score &&
        strtod(db_col_text(get, 1), NULL) == x->percentile) {
      st->unchanged++;
      continue;
    }
    if (s < 0) {
      rc = s;
      break;
    }
    if (s == DB_ROW) st->updated++;
    else st->added++;
    char sc[32], pc[32];
    snprintf(sc, sizeof sc, "%.17g", x->score);
    snprintf(pc, sizeof pc, "%.17g", x->percentile);
    db_reset(put);
    db_bind_text(put, 1, x->cve);
    db_bind_text(put, 2, sc);
    db_bind_text(put, 3, pc);
    db_bind_text(put, 4, v->epss_model);
    db_bind_int(put, 5, st->gen);
    int k = db_step(put, e);
    if (k < 0) rc = k;
  }
  db_finalize(get);
  db_finalize(put);
  vuln_db_free(v);
  return rc;
}

/* ---- CSAF: one advisory per document, stored as its text ---- */

static int store_csaf(Db *db, const char *name, const char *data, size_t len, VulnReport *r, FindFeedStats *st,
                      Err *e) {
  VulnDb *v = vuln_db_new();
  if (!v) return err_set(e, VERR_NOMEM, "tomt for minne");
  size_t bad = r->nerr;
  int rc = vuln_csaf_load(v, name, data, len, r, e);
  if (!rc && (v->ncsaf != 1 || r->nerr != bad)) {
    st->bad++;   /* rejected whole: reported by the loader */
  } else if (!rc) {
    const VulnCsaf *d = &v->csaf[0];
    char *old = NULL;
    st->records++;
    rc = db_text(db, e, &old, "SELECT document FROM vuln_csaf WHERE id = ?", "s", d->id);
    int same = !rc && old && strlen(old) == len && !memcmp(old, data, len), had = old != NULL;
    if (rc == VERR_NOTFOUND) rc = 0;
    free(old);
    if (!rc && same) {
      st->unchanged++;
    } else if (!rc) {
      if (had) st->updated++;
      else st->added++;
      char *doc = strndup(data, len);
      rc = doc ? db_exec(db, e, "INSERT OR REPLACE INTO vuln_csaf VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ssssssll", d->id,
                         d->title, d->publisher, d->tlp, d->category, doc, st->gen, db_now())
               : err_set(e, VERR_NOMEM, "tomt for minne");
      free(doc);
    }
  }
  vuln_db_free(v);
  return rc;
}

int find_feed_store(Db *db, FindFeedKind kind, const char *name, const char *data, size_t len, void *report,
                    FindProgress progress, void *pctx, FindFeedStats *st, Err *e) {
  VulnReport r = {.out = report, .keep = 50};
  int own = !db_in_transaction(db);
  int rc = own ? db_begin(db, e) : 0;
  if (rc) return rc;
  if (!st->gen) st->gen = find_state_int(db, "gen") + 1;   /* taken only if something changes */
  if (!rc) {
    switch (kind) {
    case FIND_FEED_NVD: rc = store_nvd(db, name, data, len, &r, progress, pctx, st, e); break;
    case FIND_FEED_KEV: rc = store_kev(db, name, data, len, &r, st, e); break;
    case FIND_FEED_EPSS: rc = store_epss(db, name, data, len, &r, st, e); break;
    default: rc = store_csaf(db, name, data, len, &r, st, e); break;
    }
  }
  st->bad += r.nerr;
  if (!rc && st->added + st->updated) rc = find_state_set_int(db, "gen", st->gen, e);
  if (rc) {
    if (own) db_rollback(db);
    return rc;
  }
  return own ? db_commit(db, e) : 0;
}
