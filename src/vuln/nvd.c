/* nvd.c — NVD CVE API 2.0 JSON (response pages and yearly feeds) into
 * VulnCve records: descriptions, dates, CVSS, CWE, references and the
 * configuration trees the matcher evaluates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/json.h"
#include "vuln/vuln.h"

typedef struct Ctx {
  VulnDb *db;
  const char *file;
  VulnReport *r;
  char path[96];    /* JSON path of the record being read */
  int bad;          /* set when the current configuration must be dropped */
} Ctx;

static void *grow(void *p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return p;
  size_t nc = *cap ? *cap * 2 : 256;
  while (nc < need) nc *= 2;
  void *q = realloc(p, nc * size);
  if (q) *cap = nc;
  return q;
}

/* Operators are required and exactly "AND" or "OR". */
static int parse_op(json_t *o, bool *op_and) {
  const char *s = json_string_value(json_object_get(o, "operator"));
  if (!s) return -1;
  if (!strcmp(s, "AND")) *op_and = true;
  else if (!strcmp(s, "OR")) *op_and = false;
  else return -1;
  return 0;
}

static int parse_match(Ctx *c, json_t *m, VulnCpeMatch *out, const char *where) {
  Arena *a = c->db->arena;
  Err e = {0};
  json_t *vul = json_object_get(m, "vulnerable");
  const char *crit = json_string_value(json_object_get(m, "criteria"));
  if (!json_is_boolean(vul) || !crit) {
    vuln_report(c->r, c->file, where, "cpeMatch needs vulnerable and criteria; configuration dropped");
    return -1;
  }
  char *store = arena_alloc(a, strlen(crit) * 2 + 16);
  if (!store || vuln_cpe_parse(crit, &out->cpe, store, strlen(crit) * 2 + 16, &e)) {
    vuln_report(c->r, c->file, where, "%s (%s); configuration dropped", e.msg, crit);
    return -1;
  }
  out->vulnerable = json_is_true(vul);
  out->criteria = arena_strdup(a, crit);
  out->id = vuln_json_str(a, m, "matchCriteriaId");
  out->vsi = vuln_json_str(a, m, "versionStartIncluding");
  out->vse = vuln_json_str(a, m, "versionStartExcluding");
  out->vei = vuln_json_str(a, m, "versionEndIncluding");
  out->vee = vuln_json_str(a, m, "versionEndExcluding");
  return 0;
}

static int parse_node(Ctx *c, json_t *n, VulnNode *out, const char *where, int depth) {
  char sub[512];
  json_t *ms = json_object_get(n, "cpeMatch"), *ch = json_object_get(n, "children");
  if (depth > 8 || parse_op(n, &out->op_and) || (!json_is_array(ms) && !json_is_array(ch))) {
    vuln_report(c->r, c->file, where, "node needs operator AND/OR and cpeMatch; configuration dropped");
    return -1;
  }
  out->negate = json_is_true(json_object_get(n, "negate"));
  out->nmatch = (uint32_t)json_array_size(ms);
  out->nchild = (uint32_t)json_array_size(ch);
  if (out->nmatch + out->nchild == 0) {
    vuln_report(c->r, c->file, where, "node without cpeMatch; configuration dropped");
    return -1;
  }
  out->match = arena_alloc(c->db->arena, sizeof *out->match * (out->nmatch + 1));
  out->child = arena_alloc(c->db->arena, sizeof *out->child * (out->nchild + 1));
  if (!out->match || !out->child) return -1;
  for (uint32_t i = 0; i < out->nmatch; i++) {
    if (snprintf(sub, sizeof sub, "%s.cpeMatch[%u]", where, i) >= (int)sizeof sub) strcpy(sub + sizeof sub - 4, "...");   /* a path for messages */
    if (parse_match(c, json_array_get(ms, i), &out->match[i], sub)) return -1;
  }
  for (uint32_t i = 0; i < out->nchild; i++) {
    if (snprintf(sub, sizeof sub, "%s.children[%u]", where, i) >= (int)sizeof sub) strcpy(sub + sizeof sub - 4, "...");   /* a path for messages */
    if (parse_node(c, json_array_get(ch, i), &out->child[i], sub, depth + 1)) return -1;
  }
  return 0;
}

/* A configuration's operator may be absent; with several nodes NVD then
 * means OR (documented in README.md). */
static int parse_config(Ctx *c, json_t *cf, VulnConfig *out, const char *where) {
  char sub[512];
  json_t *nodes = json_object_get(cf, "nodes");
  if (!json_is_array(nodes) || json_array_size(nodes) == 0) {
    vuln_report(c->r, c->file, where, "configuration without nodes; dropped");
    return -1;
  }
  out->op_and = false;
  if (json_object_get(cf, "operator") && parse_op(cf, &out->op_and)) {
    vuln_report(c->r, c->file, where, "configuration operator must be AND or OR; dropped");
    return -1;
  }
  out->negate = json_is_true(json_object_get(cf, "negate"));
  out->nnode = (uint32_t)json_array_size(nodes);
  out->node = arena_alloc(c->db->arena, sizeof *out->node * out->nnode);
  if (!out->node) return -1;
  for (uint32_t i = 0; i < out->nnode; i++) {
    snprintf(sub, sizeof sub, "%.400s.nodes[%u]", where, i);
    if (parse_node(c, json_array_get(nodes, i), &out->node[i], sub, 0)) return -1;
  }
  return 0;
}

static void parse_configs(Ctx *c, json_t *cve, VulnCve *out) {
  char sub[512];
  json_t *cfgs = json_object_get(cve, "configurations");
  size_t n = json_array_size(cfgs);
  out->cfg = arena_alloc(c->db->arena, sizeof *out->cfg * (n + 1));
  out->ncfg = 0;
  for (size_t i = 0; out->cfg && i < n; i++) {
    snprintf(sub, sizeof sub, "%s.cve.configurations[%zu]", c->path, i);
    if (!parse_config(c, json_array_get(cfgs, i), &out->cfg[out->ncfg], sub)) out->ncfg++;
  }
}

/* The preferred metric of one cvssMetricVxx array: "Primary" over others. */
static json_t *pick_metric(json_t *arr) {
  json_t *first = NULL, *m;
  size_t i;
  json_array_foreach(arr, i, m) {
    if (!json_is_object(json_object_get(m, "cvssData"))) continue;
    const char *type = json_string_value(json_object_get(m, "type"));
    if (type && !strcmp(type, "Primary")) return m;
    if (!first) first = m;
  }
  return first;
}

/* CVSS v3.1, then v3.0, then v4.0, then v2 (the first family present wins). */
static void parse_metrics(Ctx *c, json_t *cve, VulnCve *out) {
  static const char *const keys[] = {"cvssMetricV31", "cvssMetricV30", "cvssMetricV40", "cvssMetricV2"};
  json_t *metrics = json_object_get(cve, "metrics");
  out->cvss = -1;
  for (size_t k = 0; k < 4; k++) {
    json_t *m = pick_metric(json_object_get(metrics, keys[k]));
    if (!m) continue;
    json_t *d = json_object_get(m, "cvssData");
    json_t *score = json_object_get(d, "baseScore");
    if (!json_is_number(score)) continue;
    out->cvss = json_number_value(score);
    out->cvss_version = vuln_json_str(c->db->arena, d, "version");
    out->cvss_vector = vuln_json_str(c->db->arena, d, "vectorString");
    out->cvss_severity = vuln_json_str(c->db->arena, d, "baseSeverity");
    if (!out->cvss_severity) out->cvss_severity = vuln_json_str(c->db->arena, m, "baseSeverity");
    return;
  }
}

static const char *english(Arena *a, json_t *arr) {
  json_t *d;
  size_t i;
  json_array_foreach(arr, i, d) {
    const char *lang = json_string_value(json_object_get(d, "lang"));
    if (lang && !strcmp(lang, "en")) return vuln_json_str(a, d, "value");
  }
  return NULL;
}

static void parse_lists(Ctx *c, json_t *cve, VulnCve *out) {
  Arena *a = c->db->arena;
  json_t *w = json_object_get(cve, "weaknesses"), *refs = json_object_get(cve, "references"), *x;
  size_t i, nw = 0;
  json_array_foreach(w, i, x) nw += json_array_size(json_object_get(x, "description"));
  out->cwe = arena_alloc(a, sizeof *out->cwe * (nw + 1));
  out->refs = arena_alloc(a, sizeof *out->refs * (json_array_size(refs) + 1));
  if (!out->cwe || !out->refs) return;
  json_array_foreach(w, i, x) {
    json_t *d;
    size_t j;
    json_array_foreach(json_object_get(x, "description"), j, d) {
      const char *v = vuln_json_str(a, d, "value");
      int dup = 0;
      for (uint32_t k = 0; v && k < out->ncwe; k++) dup |= !strcmp(out->cwe[k], v);
      if (v && !dup) out->cwe[out->ncwe++] = v;
    }
  }
  json_array_foreach(refs, i, x) {
    const char *u = vuln_json_str(a, x, "url");
    if (u) out->refs[out->nref++] = u;
  }
}

static int parse_cve(void *ctx, json_t *rec, size_t index) {
  Ctx *c = ctx;
  snprintf(c->path, sizeof c->path, "$.vulnerabilities[%zu]", index);
  json_t *cve = json_object_get(rec, "cve");
  const char *id = json_string_value(json_object_get(cve, "id"));
  if (!json_is_object(cve) || !id || strncmp(id, "CVE-", 4) || strlen(id) > 32) {
    vuln_report(c->r, c->file, c->path, "record without a valid cve.id; skipped");
    return 0;
  }
  VulnDb *db = c->db;
  VulnCve *nc = grow(db->cve, &db->capcve, db->ncve + 1, sizeof *db->cve);
  if (!nc) return VERR_NOMEM;
  db->cve = nc;
  VulnCve *out = &db->cve[db->ncve];
  memset(out, 0, sizeof *out);
  out->id = arena_strdup(db->arena, id);
  out->desc = english(db->arena, json_object_get(cve, "descriptions"));
  out->published = vuln_json_str(db->arena, cve, "published");
  out->modified = vuln_json_str(db->arena, cve, "lastModified");
  out->cisa_due = vuln_json_str(db->arena, cve, "cisaActionDue");
  parse_metrics(c, cve, out);
  parse_lists(c, cve, out);
  const char *status = json_string_value(json_object_get(cve, "vulnStatus"));
  parse_configs(c, status && !strcmp(status, "Rejected") ? NULL : cve, out);   /* withdrawn: matches nothing */
  if (!out->id || !out->cfg) return VERR_NOMEM;
  db->ncve++;
  return 0;
}

int vuln_nvd_load(VulnDb *db, const char *name, const char *data, size_t len, VulnReport *r, Err *e) {
  Ctx c = {db, name, r, "", 0};
  json_t *top = NULL;
  Err je = {0};
  int rc = vuln_json_stream(data, len, "vulnerabilities", parse_cve, &c, &top, &je);
  const char *fmt = json_string_value(json_object_get(top, "format"));
  if (rc == VERR_NOMEM) err_set(e, rc, "%s: out of memory", name);
  else if (rc) err_set(e, rc, "%s: %s (records before it were kept)", name, je.msg);
  else if (fmt && strcmp(fmt, "NVD_CVE")) rc = err_set(e, VERR_INVALID, "%s: format is %.40s, not NVD_CVE", name, fmt);
  json_decref(top);
  return rc;
}
