/* kevname.c — matches from the KEV catalogue by name: an item whose vendor
 * and product the catalogue names, for a CVE NVD has no configuration for
 * (yet). The version is not checked, so these carry confidence "name" and
 * say so in their reason; an NVD configuration for the CVE, once there,
 * decides instead. Used by `varde vuln check` and by src/findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "vuln/cpe.h"
#include "vuln/map.h"
#include "vuln/match.h"
#include "vuln/match_int.h"

struct VulnKevNames {
  const VulnDb *v;
  VulnMap *keys;        /* normalised "vendor:product" -> slot */
  uint32_t *first, *count, *order;
  VulnMap *configured;  /* CVE ids with at least one NVD configuration */
};

static size_t key_of(const char *vendor, const char *product, char *key, size_t cap) {
  char v[256], p[256];
  if (!vuln_name_norm(vendor, v, sizeof v) || !vuln_name_norm(product, p, sizeof p)) return 0;
  int n = snprintf(key, cap, "%s:%s", v, p);
  return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* The catalogue's entries grouped by key (a counting sort), and the CVEs
 * the loaded NVD records configure. */
static int build(VulnKevNames *x) {
  const VulnDb *v = x->v;
  size_t nk = v->nkev;
  uint32_t *slot = calloc(nk + 1, sizeof *slot);
  x->first = calloc(nk + 1, sizeof *x->first);
  x->count = calloc(nk + 1, sizeof *x->count);
  x->order = calloc(nk + 1, sizeof *x->order);
  if (!slot || !x->first || !x->count || !x->order) return free(slot), -1;
  char key[600];
  uint32_t nslots = 0;
  for (size_t i = 0; i < nk; i++) {
    size_t kl = key_of(v->kev[i].vendor, v->kev[i].product, key, sizeof key);
    slot[i] = UINT32_MAX;
    if (!kl) continue;
    uint32_t s = vuln_map_put(x->keys, key, kl, nslots);
    if (s == UINT32_MAX) return free(slot), -1;
    if (s == nslots) nslots++;
    slot[i] = s;
    x->count[s]++;
  }
  for (uint32_t s = 1; s < nslots; s++) x->first[s] = x->first[s - 1] + x->count[s - 1];
  uint32_t *fill = calloc(nslots + 1, sizeof *fill);
  if (!fill) return free(slot), -1;
  for (size_t i = 0; i < nk; i++)
    if (slot[i] != UINT32_MAX) x->order[x->first[slot[i]] + fill[slot[i]]++] = (uint32_t)i;
  free(fill);
  free(slot);
  for (size_t c = 0; c < v->ncve; c++)
    if (v->cve[c].ncfg && vuln_map_put(x->configured, v->cve[c].id, strlen(v->cve[c].id), 1) == UINT32_MAX) return -1;
  return 0;
}

VulnKevNames *vuln_kev_names_new(const VulnDb *v) {
  VulnKevNames *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->v = v;
  x->keys = vuln_map_new();
  x->configured = vuln_map_new();
  if (!x->keys || !x->configured || build(x)) {
    vuln_kev_names_free(x);
    return NULL;
  }
  return x;
}

int vuln_kev_names_configured(VulnKevNames *x, const char *ids, size_t len) {
  for (const char *id = ids; id && id < ids + len; id += strlen(id) + 1)
    if (vuln_map_put(x->configured, id, strlen(id), 1) == UINT32_MAX) return VERR_NOMEM;
  return 0;
}

void vuln_kev_names_free(VulnKevNames *x) {
  if (!x) return;
  vuln_map_free(x->keys);
  vuln_map_free(x->configured);
  free(x->first);
  free(x->count);
  free(x->order);
  free(x);
}

int vuln_kev_names_nvd_configured(const VulnKevNames *x, const char *cve) {
  return vuln_map_get(x->configured, cve, strlen(cve)) != UINT32_MAX;
}

static int in_list(const VulnMatch *m, size_t n, const char *cve) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(m[i].id, cve)) return 1;
  return 0;
}

/* Vendor and product of the item: its own fields, else its CPE's. */
static size_t item_key(const VulnItem *it, char *key, size_t cap) {
  char v[256] = "", p[256] = "";
  if (it->has_cpe) {
    vuln_cpe_unquote(it->cpe.v[CPE_VENDOR], v, sizeof v);
    vuln_cpe_unquote(it->cpe.v[CPE_PRODUCT], p, sizeof p);
  }
  size_t kl = it->vendor && it->product ? key_of(it->vendor, it->product, key, cap) : 0;
  return kl ? kl : key_of(v, p, key, cap);
}

int vuln_kev_names_match(const VulnKevNames *x, const VulnItem *it, size_t idx, const VulnMatch *have, size_t nhave,
                         VulnMatchList *out) {
  char key[600];
  size_t kl = item_key(it, key, sizeof key);
  uint32_t s = kl ? vuln_map_get(x->keys, key, kl) : UINT32_MAX;
  if (s == UINT32_MAX) return 0;
  for (uint32_t i = 0; i < x->count[s]; i++) {
    const VulnKev *k = &x->v->kev[x->order[x->first[s] + i]];
    if (vuln_kev_names_nvd_configured(x, k->cve) || in_list(have, nhave, k->cve)) continue;
    if (out->n == out->cap) {
      size_t cap = out->cap ? out->cap * 2 : 16;
      VulnMatch *m = realloc(out->m, cap * sizeof *m);
      if (!m) return VERR_NOMEM;
      out->m = m;
      out->cap = cap;
    }
    const VulnEpss *ep = vuln_db_epss(x->v, k->cve);
    VulnMatch *m = &out->m[out->n++];
    memset(m, 0, sizeof *m);
    m->item = idx;
    m->source = VULN_SRC_KEV;
    m->id = k->cve;
    m->cvss = -1;
    m->kev = true;
    m->kev_due = k->due;
    m->ransomware = k->ransomware;
    m->epss = ep ? ep->score : -1;
    m->epss_pct = ep ? ep->percentile : -1;
    m->confidence = "name";
    m->kev_entry = k;
    m->priority = vuln_priority(m->cvss, true, k->ransomware, m->epss_pct, it->internet, it->criticality,
                                &m->priority_class);
  }
  return 0;
}
