/* db.c — VulnDb lifetime, the CVE-id lookups for KEV and EPSS, and the
 * malformed-record report every loader writes to. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/map.h"
#include "vuln/vuln.h"

void vuln_report(VulnReport *r, const char *file, const char *path, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (!r) return;
  snprintf(r->last, sizeof r->last, "%s: %s: %s", file ? file : "-", path ? path : "$", msg);
  r->nerr++;
  if (r->out && (!r->keep || r->nerr <= r->keep)) fprintf((FILE *)r->out, "%s\n", r->last);
}

void vuln_warn(VulnReport *r, const char *file, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (!r) return;
  r->nwarn++;
  if (r->out && (!r->keep || r->nwarn <= r->keep)) fprintf((FILE *)r->out, "%s: %s\n", file ? file : "-", msg);
}

VulnDb *vuln_db_new(void) {
  VulnDb *db = calloc(1, sizeof *db);
  if (!db) return NULL;
  db->arena = arena_new((size_t)16 << 30);
  if (!db->arena) {
    free(db);
    return NULL;
  }
  return db;
}

void vuln_db_free(VulnDb *db) {
  if (!db) return;
  arena_free(db->arena);
  free(db->cve);
  free(db->kev);
  free(db->epss);
  free(db->csaf);
  vuln_map_free(db->kev_idx);
  vuln_map_free(db->epss_idx);
  free(db);
}

static VulnMap *index_ids(const void *base, size_t n, size_t stride, size_t off) {
  VulnMap *m = vuln_map_new();
  for (size_t i = 0; m && i < n; i++) {
    const char *id = *(const char *const *)((const char *)base + i * stride + off);
    if (vuln_map_put(m, id, strlen(id), (uint32_t)i) == UINT32_MAX) {
      vuln_map_free(m);
      return NULL;
    }
  }
  return m;
}

int vuln_db_finish(VulnDb *db) {
  vuln_map_free(db->kev_idx);
  vuln_map_free(db->epss_idx);
  db->kev_idx = index_ids(db->kev, db->nkev, sizeof *db->kev, offsetof(VulnKev, cve));
  db->epss_idx = index_ids(db->epss, db->nepss, sizeof *db->epss, offsetof(VulnEpss, cve));
  return db->kev_idx && db->epss_idx ? 0 : VERR_NOMEM;
}

const VulnKev *vuln_db_kev(const VulnDb *db, const char *cve) {
  uint32_t i = db->kev_idx ? vuln_map_get(db->kev_idx, cve, strlen(cve)) : UINT32_MAX;
  return i == UINT32_MAX ? NULL : &db->kev[i];
}

const VulnEpss *vuln_db_epss(const VulnDb *db, const char *cve) {
  uint32_t i = db->epss_idx ? vuln_map_get(db->epss_idx, cve, strlen(cve)) : UINT32_MAX;
  return i == UINT32_MAX ? NULL : &db->epss[i];
}
