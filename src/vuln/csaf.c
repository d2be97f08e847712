/* csaf.c — CSAF 2.0 advisories into VulnCsaf: the product tree flattened
 * (branch path → vendor/product/version, helpers, relationships) and the
 * product status of each vulnerability. Validation lives in csaf_check.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/csaf.h"
#include "vuln/json.h"
#include "vuln/vuln.h"

typedef struct Flat {
  Arena *a;
  VulnCsafProduct *p;
  uint32_t n, cap;
} Flat;

typedef struct Path {
  const char *vendor, *product, *version, *range;
} Path;

static VulnCsafProduct *add_product(Flat *f, json_t *fpn, const Path *path) {
  const char *id = json_string_value(json_object_get(fpn, "product_id"));
  if (!id || f->n >= f->cap) return NULL;
  VulnCsafProduct *p = &f->p[f->n++];
  memset(p, 0, sizeof *p);
  p->id = arena_strdup(f->a, id);
  p->name = vj_str(f->a, fpn, "name");
  if (path) {
    p->vendor = path->vendor;
    p->product = path->product;
    p->version = path->version;
    p->range = path->range;
  }
  json_t *h = json_object_get(fpn, "product_identification_helper");
  p->cpe = vj_str(f->a, h, "cpe");
  p->purl = vj_str(f->a, h, "purl");
  return p;
}

static void walk_branches(Flat *f, json_t *branches, Path path, int depth) {
  json_t *b;
  size_t i;
  if (depth > 30) return;
  json_array_foreach(branches, i, b) {
    Path sub = path;
    const char *cat = json_string_value(json_object_get(b, "category"));
    const char *name = vj_str(f->a, b, "name");
    if (cat && name) {
      if (!strcmp(cat, "vendor")) sub.vendor = name;
      else if (!strcmp(cat, "product_name") || (!strcmp(cat, "product_family") && !sub.product)) sub.product = name;
      else if (!strcmp(cat, "product_version")) sub.version = name;
      else if (!strcmp(cat, "product_version_range")) sub.range = name;
    }
    json_t *prod = json_object_get(b, "product");
    if (json_is_object(prod)) add_product(f, prod, &sub);
    walk_branches(f, json_object_get(b, "branches"), sub, depth + 1);
  }
}

static size_t count_products(json_t *branches, int depth) {
  json_t *b;
  size_t i, n = 0;
  if (depth > 30) return 0;
  json_array_foreach(branches, i, b) {
    n += json_is_object(json_object_get(b, "product"));
    n += count_products(json_object_get(b, "branches"), depth + 1);
  }
  return n;
}

static const VulnCsafProduct *find_product(const Flat *f, const char *id) {
  for (uint32_t i = 0; id && i < f->n; i++)
    if (!strcmp(f->p[i].id, id)) return &f->p[i];
  return NULL;
}

/* Relationship products inherit the component's identity, so matching a
 * "X installed on Y" product looks at X (and names Y in the reason). */
static void add_relationships(Flat *f, json_t *rels) {
  json_t *r;
  size_t i;
  json_array_foreach(rels, i, r) {
    VulnCsafProduct *p = add_product(f, json_object_get(r, "full_product_name"), NULL);
    if (!p) continue;
    p->rel_category = vj_str(f->a, r, "category");
    p->rel_component = vj_str(f->a, r, "product_reference");
    p->rel_platform = vj_str(f->a, r, "relates_to_product_reference");
    const VulnCsafProduct *c = find_product(f, p->rel_component);
    if (c) {
      p->vendor = c->vendor;
      p->product = c->product ? c->product : c->name;
      p->version = c->version;
      p->range = c->range;
      p->cpe = c->cpe;
      p->purl = c->purl;
    }
  }
}

static int flatten(Arena *a, json_t *tree, VulnCsaf *out) {
  json_t *fpns = json_object_get(tree, "full_product_names"), *rels = json_object_get(tree, "relationships"), *x;
  size_t i;
  Flat f = {a, NULL, 0, 0};
  f.cap = (uint32_t)(count_products(json_object_get(tree, "branches"), 0) + json_array_size(fpns) +
                     json_array_size(rels));
  f.p = arena_alloc(a, sizeof *f.p * (f.cap + 1));
  if (!f.p) return VERR_NOMEM;
  Path none = {0};
  walk_branches(&f, json_object_get(tree, "branches"), none, 0);
  json_array_foreach(fpns, i, x) add_product(&f, x, &none);
  add_relationships(&f, rels);
  out->prod = f.p;
  out->nprod = f.n;
  return 0;
}

static const struct {
  const char *key;
  int status;
} status_keys[] = {
    {"first_affected", CSAF_ST_AFFECTED},   {"known_affected", CSAF_ST_AFFECTED},
    {"last_affected", CSAF_ST_AFFECTED},    {"first_fixed", CSAF_ST_FIXED},
    {"fixed", CSAF_ST_FIXED},               {"known_not_affected", CSAF_ST_NOT_AFFECTED},
    {"under_investigation", CSAF_ST_UNDER_INVESTIGATION}, {"recommended", CSAF_ST_RECOMMENDED},
};
#define NSTATUS (sizeof status_keys / sizeof status_keys[0])

static double best_score(json_t *scores, const char **vector, Arena *a) {
  double best = -1;
  json_t *s;
  size_t i;
  json_array_foreach(scores, i, s) {
    static const char *const kinds[] = {"cvss_v3", "cvss_v2"};
    for (int k = 0; k < 2; k++) {
      json_t *c = json_object_get(s, kinds[k]), *b = json_object_get(c, "baseScore");
      if (json_is_number(b) && json_number_value(b) > best) {
        best = json_number_value(b);
        *vector = vj_str(a, c, "vectorString");
      }
    }
  }
  return best;
}

static int parse_vuln(Arena *a, json_t *v, VulnCsafVuln *out) {
  json_t *ps = json_object_get(v, "product_status");
  size_t n = 0, i;
  for (size_t k = 0; k < NSTATUS; k++) n += json_array_size(json_object_get(ps, status_keys[k].key));
  out->cve = vj_str(a, v, "cve");
  out->title = vj_str(a, v, "title");
  out->cvss = best_score(json_object_get(v, "scores"), &out->cvss_vector, a);
  out->status = arena_alloc(a, sizeof *out->status * (n + 1));
  if (!out->status) return VERR_NOMEM;
  for (size_t k = 0; k < NSTATUS; k++) {
    json_t *id;
    json_array_foreach(json_object_get(ps, status_keys[k].key), i, id) {
      if (!json_is_string(id)) continue;
      VulnCsafStatus *s = &out->status[out->nstatus++];
      s->product_id = arena_strdup(a, json_string_value(id));
      s->status = status_keys[k].status;
      s->raw = status_keys[k].key;
    }
  }
  return 0;
}

static int add_doc(VulnDb *db, const char *name, json_t *doc) {
  Arena *a = db->arena;
  if (db->ncsaf == db->capcsaf) {
    size_t nc = db->capcsaf ? db->capcsaf * 2 : 64;
    VulnCsaf *x = realloc(db->csaf, nc * sizeof *x);
    if (!x) return VERR_NOMEM;
    db->csaf = x;
    db->capcsaf = nc;
  }
  VulnCsaf *c = &db->csaf[db->ncsaf];
  memset(c, 0, sizeof *c);
  json_t *d = json_object_get(doc, "document"), *vulns = json_object_get(doc, "vulnerabilities");
  c->id = vj_str(a, json_object_get(d, "tracking"), "id");
  c->title = vj_str(a, d, "title");
  c->category = vj_str(a, d, "category");
  c->publisher = vj_str(a, json_object_get(d, "publisher"), "name");
  c->tlp = vj_str(a, json_object_get(json_object_get(d, "distribution"), "tlp"), "label");
  c->file = arena_strdup(a, name);
  if (flatten(a, json_object_get(doc, "product_tree"), c)) return VERR_NOMEM;
  c->vuln = arena_alloc(a, sizeof *c->vuln * (json_array_size(vulns) + 1));
  if (!c->vuln) return VERR_NOMEM;
  json_t *v;
  size_t i;
  json_array_foreach(vulns, i, v) {
    memset(&c->vuln[c->nvuln], 0, sizeof c->vuln[0]);
    if (parse_vuln(a, v, &c->vuln[c->nvuln++])) return VERR_NOMEM;
  }
  db->ncsaf++;
  return 0;
}

int vuln_csaf_load(VulnDb *db, const char *name, const char *data, size_t len, VulnReport *r, Err *e) {
  json_error_t je;
  char msg[400];
  json_t *doc = json_loadb(data, len, 0, &je);
  if (!doc) return err_set(e, VERR_INVALID, "%s: JSON syntax error at line %d column %d: %s", name, je.line, je.column, je.text);
  int rc = 0;
  if (vuln_csaf_check(doc, 0, msg, sizeof msg)) {
    if (!strstr(msg, "6.1.31 ") || vuln_csaf_check(doc, 1, msg, sizeof msg)) {
      vuln_report(r, name, "$", "CSAF document rejected: %s", msg);
      json_decref(doc);
      return 0;
    }
    vuln_warn(r, name, "loaded despite %s (the name is evaluated as a range)", msg);
  }
  if ((rc = add_doc(db, name, doc))) err_set(e, rc, "%s: out of memory", name);
  json_decref(doc);
  return rc;
}
