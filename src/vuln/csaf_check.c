/* csaf_check.c — CSAF 2.0 required fields and the cheap mandatory tests of
 * §6.1 (product and group ids, product status, scores, revision history,
 * profiles, categories, remediations, flags). The first failure wins. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "vuln/csaf.h"
#include "vuln/cvss.h"
#include "vuln/map.h"
#include "vuln/purl.h"
#include "vuln/version.h"

const char *const vuln_csaf_tests[] = {
    "6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.1.5", "6.1.6", "6.1.7", "6.1.8", "6.1.9", "6.1.10", "6.1.12", "6.1.13", "6.1.14",
    "6.1.15", "6.1.16", "6.1.17", "6.1.18", "6.1.19", "6.1.20", "6.1.21", "6.1.22", "6.1.23",
    "6.1.24", "6.1.25", "6.1.26", "6.1.27.1", "6.1.27.2", "6.1.27.3", "6.1.27.4", "6.1.27.5",
    "6.1.27.6", "6.1.27.7", "6.1.27.8", "6.1.27.9", "6.1.27.10", "6.1.27.11", "6.1.28", "6.1.29",
    "6.1.30", "6.1.31", "6.1.32", "6.1.33", NULL};

typedef struct Ck {
  json_t *doc, *d, *tree, *vulns;
  char *msg;
  size_t cap;
  VulnMap *ids, *groups;   /* defined product ids / group ids */
  int lenient;             /* skip 6.1.31 (see vuln_csaf_check) */
} Ck;

static int fail(Ck *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Failures accumulate in msg, separated by "; ", so a document is judged
 * by every test, as the standard's validator does. */
static int fail(Ck *c, const char *fmt, ...) {
  va_list ap;
  size_t n = c->msg && c->cap ? strlen(c->msg) : 0;
  if (!c->msg || n + 3 >= c->cap) return -1;
  if (n) {
    memcpy(c->msg + n, "; ", 3);
    n += 2;
  }
  va_start(ap, fmt);
  vsnprintf(c->msg + n, c->cap - n, fmt, ap);
  va_end(ap);
  return -1;
}

static const char *sget(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* ---- required fields (the parts of the JSON schema Varde relies on) ---- */

static int required(Ck *c) {
  static const char *const doc_str[] = {"category", "csaf_version", "title"};
  static const char *const trk_str[] = {"current_release_date", "id", "initial_release_date", "status", "version"};
  static const char *const pub_str[] = {"category", "name", "namespace"};
  json_t *trk = json_object_get(c->d, "tracking"), *pub = json_object_get(c->d, "publisher");
  if (!json_is_object(c->doc) || !json_is_object(c->d)) return fail(c, "required: /document missing");
  for (size_t i = 0; i < 3; i++)
    if (!sget(c->d, doc_str[i])) return fail(c, "required: /document/%s missing", doc_str[i]);
  if (strcmp(sget(c->d, "csaf_version"), "2.0")) return fail(c, "required: /document/csaf_version must be 2.0");
  if (!json_is_object(pub)) return fail(c, "required: /document/publisher missing");
  for (size_t i = 0; i < 3; i++)
    if (!sget(pub, pub_str[i])) return fail(c, "required: /document/publisher/%s missing", pub_str[i]);
  if (!json_is_object(trk)) return fail(c, "required: /document/tracking missing");
  for (size_t i = 0; i < 5; i++)
    if (!sget(trk, trk_str[i])) return fail(c, "required: /document/tracking/%s missing", trk_str[i]);
  json_t *rh = json_object_get(trk, "revision_history"), *x;
  size_t i;
  if (!json_is_array(rh) || !json_array_size(rh)) return fail(c, "required: /document/tracking/revision_history missing");
  json_array_foreach(rh, i, x) if (!sget(x, "number") || !sget(x, "date") || !sget(x, "summary"))
    return fail(c, "required: revision_history[%zu] needs number, date, summary", i);
  if (c->tree && !json_is_object(c->tree)) return fail(c, "required: /product_tree must be an object");
  if (c->vulns && !json_is_array(c->vulns)) return fail(c, "required: /vulnerabilities must be an array");
  return 0;
}

/* ---- 6.1.1-6.1.5: product and group ids ---- */

static int define_id(Ck *c, json_t *fpn, const char *path) {
  const char *id = sget(fpn, "product_id");
  if (!id) return fail(c, "required: product_id missing at %s", path);
  uint32_t n = (uint32_t)vuln_map_count(c->ids);
  if (vuln_map_put(c->ids, id, strlen(id), n) != n)
    return fail(c, "6.1.2 Multiple Definition of Product ID: %s at %s", id, path);
  return 0;
}

static int define_branches(Ck *c, json_t *branches, const char *path, int depth) {
  json_t *b;
  size_t i;
  char sub[512];
  if (depth > 30) return fail(c, "required: branches nested deeper than 30 at %s", path);
  json_array_foreach(branches, i, b) {
    if (snprintf(sub, sizeof sub, "%s.branches[%zu]", path, i) >= (int)sizeof sub) strcpy(sub + sizeof sub - 4, "...");   /* a path for messages */
    json_t *p = json_object_get(b, "product");
    if (p && define_id(c, p, sub)) return -1;
    if (define_branches(c, json_object_get(b, "branches"), sub, depth + 1)) return -1;
  }
  return 0;
}

static int define_all(Ck *c) {
  json_t *x;
  size_t i;
  char p[128];
  if (define_branches(c, json_object_get(c->tree, "branches"), "$.product_tree", 0)) return -1;
  json_array_foreach(json_object_get(c->tree, "full_product_names"), i, x) {
    snprintf(p, sizeof p, "$.product_tree.full_product_names[%zu]", i);
    if (define_id(c, x, p)) return -1;
  }
  json_array_foreach(json_object_get(c->tree, "relationships"), i, x) {
    snprintf(p, sizeof p, "$.product_tree.relationships[%zu].full_product_name", i);
    if (define_id(c, json_object_get(x, "full_product_name"), p)) return -1;
  }
  json_array_foreach(json_object_get(c->tree, "product_groups"), i, x) {
    const char *g = sget(x, "group_id");
    uint32_t n = (uint32_t)vuln_map_count(c->groups);
    if (!g) return fail(c, "required: group_id missing at $.product_tree.product_groups[%zu]", i);
    if (vuln_map_put(c->groups, g, strlen(g), n) != n)
      return fail(c, "6.1.5 Multiple Definition of Product Group ID: %s at $.product_tree.product_groups[%zu]", g, i);
  }
  return 0;
}

/* Every string in arr must be a defined id (group ids if groups). */
static int refs(Ck *c, json_t *arr, const char *path, int groups) {
  json_t *x;
  size_t i;
  json_array_foreach(arr, i, x) {
    const char *id = json_string_value(x);
    if (!id) return fail(c, "required: id must be a string at %s[%zu]", path, i);
    if (vuln_map_get(groups ? c->groups : c->ids, id, strlen(id)) == UINT32_MAX)
      return groups ? fail(c, "6.1.4 Missing Definition of Product Group ID: %s at %s[%zu]", id, path, i)
                    : fail(c, "6.1.1 Missing Definition of Product ID: %s at %s[%zu]", id, path, i);
  }
  return 0;
}

static const char *const status_keys[] = {"first_affected", "known_affected", "last_affected",
                                          "first_fixed", "fixed", "known_not_affected",
                                          "under_investigation", "recommended", NULL};

static int vuln_refs(Ck *c, json_t *v, size_t vi) {
  static const struct { const char *arr, *field; int groups; } lists[] = {
      {"remediations", "product_ids", 0}, {"remediations", "group_ids", 1},
      {"scores", "products", 0},          {"threats", "product_ids", 0},
      {"threats", "group_ids", 1},        {"flags", "product_ids", 0},
      {"flags", "group_ids", 1}};
  char p[160];
  json_t *ps = json_object_get(v, "product_status"), *x;
  size_t i;
  for (int k = 0; status_keys[k]; k++) {
    snprintf(p, sizeof p, "$.vulnerabilities[%zu].product_status.%s", vi, status_keys[k]);
    if (refs(c, json_object_get(ps, status_keys[k]), p, 0)) return -1;
  }
  for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++)
    json_array_foreach(json_object_get(v, lists[k].arr), i, x) {
      snprintf(p, sizeof p, "$.vulnerabilities[%zu].%s[%zu].%s", vi, lists[k].arr, i, lists[k].field);
      if (refs(c, json_object_get(x, lists[k].field), p, lists[k].groups)) return -1;
    }
  return 0;
}

static int tree_refs(Ck *c) {
  json_t *x;
  size_t i;
  char p[128];
  json_array_foreach(json_object_get(c->tree, "product_groups"), i, x) {
    snprintf(p, sizeof p, "$.product_tree.product_groups[%zu].product_ids", i);
    if (refs(c, json_object_get(x, "product_ids"), p, 0)) return -1;
  }
  json_array_foreach(json_object_get(c->tree, "relationships"), i, x) {
    json_t *pair = json_array();
    json_array_append(pair, json_object_get(x, "product_reference"));
    json_array_append(pair, json_object_get(x, "relates_to_product_reference"));
    snprintf(p, sizeof p, "$.product_tree.relationships[%zu].references", i);
    int rc = refs(c, pair, p, 0);
    json_decref(pair);
    if (rc) return -1;
  }
  return 0;
}

/* 6.1.3: following relationships from a defined id must not reach it. */
static int reaches(json_t *rels, const char *from, const char *target, int depth) {
  json_t *x;
  size_t i;
  if (depth > 64) return 1;
  json_array_foreach(rels, i, x) {
    const char *id = sget(json_object_get(x, "full_product_name"), "product_id");
    if (!id || strcmp(id, from)) continue;
    const char *a = sget(x, "product_reference"), *b = sget(x, "relates_to_product_reference");
    if ((a && !strcmp(a, target)) || (b && !strcmp(b, target))) return 1;
    if ((a && reaches(rels, a, target, depth + 1)) || (b && reaches(rels, b, target, depth + 1))) return 1;
  }
  return 0;
}

static int circular(Ck *c) {
  json_t *rels = json_object_get(c->tree, "relationships"), *x;
  size_t i;
  json_array_foreach(rels, i, x) {
    const char *id = sget(json_object_get(x, "full_product_name"), "product_id");
    if (id && reaches(rels, id, id, 0))
      return fail(c, "6.1.3 Circular Definition of Product ID: %s at $.product_tree.relationships[%zu]", id, i);
  }
  return 0;
}

/* 6.1.6: a product may sit in only one of affected / not affected / fixed /
 * under investigation. */
static int contradicting(Ck *c, json_t *v, size_t vi) {
  static const int group[] = {1, 1, 1, 3, 3, 2, 4, 0};
  json_t *ps = json_object_get(v, "product_status"), *x;
  VulnMap *seen = vuln_map_new();
  size_t i;
  int rc = 0;
  for (int k = 0; status_keys[k] && !rc && seen; k++) {
    if (!group[k]) continue;
    json_array_foreach(json_object_get(ps, status_keys[k]), i, x) {
      const char *id = json_string_value(x);
      if (!id) continue;
      uint32_t g = vuln_map_put(seen, id, strlen(id), (uint32_t)group[k]);
      if (g != (uint32_t)group[k]) {
        rc = fail(c, "6.1.6 Contradicting Product Status: %s at $.vulnerabilities[%zu].product_status.%s[%zu]", id, vi, status_keys[k], i);
        break;
      }
    }
  }
  vuln_map_free(seen);
  return rc;
}

/* 6.1.8 (a vector that parses), 6.1.9 (base score and severity as
 * computed from it) and 6.1.10 (properties that agree with it) for one
 * cvss_v3 or cvss_v2 object. */
static int cvss_consistent(Ck *c, json_t *cv, int v3, size_t vi, size_t si) {
  VulnCvss x;
  char why[128];
  const char *vec = sget(cv, "vectorString"), *ver = sget(cv, "version");
  if (vuln_cvss_parse(vec, &x, why, sizeof why) || (v3 && x.version == 20) || (!v3 && x.version != 20))
    return fail(c, "6.1.8 Invalid CVSS: vectorString %s (%s) at $.vulnerabilities[%zu].scores[%zu]", vec, why, vi, si);
  int rc = 0;
  double given = json_number_value(json_object_get(cv, "baseScore"));
  const char *sev = sget(cv, "baseSeverity");
  if (fabs(given - x.base) > 0.05 || (v3 && sev && strcmp(sev, vuln_cvss3_severity(x.base))))
    rc = fail(c, "6.1.9 Invalid CVSS computation: %s gives %.1f %s, document says %.1f %s at $.vulnerabilities[%zu].scores[%zu]",
              vec, x.base, v3 ? vuln_cvss3_severity(x.base) : "", given, sev ? sev : "", vi, si);
  if (v3 && ver && strcmp(ver, x.version == 31 ? "3.1" : "3.0"))
    rc = fail(c, "6.1.10 Inconsistent CVSS: version %s but %s at $.vulnerabilities[%zu].scores[%zu]", ver, vec, vi, si);
  for (int k = 0; k < (v3 ? 8 : 6); k++) {
    const char *prop = v3 ? vuln_cvss3_props[k] : vuln_cvss2_props[k], *val = sget(cv, prop);
    if (val && strcmp(val, x.value[k]))
      rc = fail(c, "6.1.10 Inconsistent CVSS: %s is %s but the vector says %s at $.vulnerabilities[%zu].scores[%zu]",
                prop, val, x.value[k], vi, si);
  }
  return rc;
}

/* 6.1.7 (one score per CVSS version and product) and 6.1.8 (the CVSS
 * object's required members), then the vector checks above. */
static int scores(Ck *c, json_t *v, size_t vi) {
  json_t *s, *p;
  size_t i, j;
  VulnMap *seen = vuln_map_new();
  int rc = 0;
  json_array_foreach(json_object_get(v, "scores"), i, s) {
    json_t *v3 = json_object_get(s, "cvss_v3"), *v2 = json_object_get(s, "cvss_v2");
    if (v3 && (!sget(v3, "version") || !sget(v3, "vectorString") || !json_is_number(json_object_get(v3, "baseScore")) || !sget(v3, "baseSeverity")))
      rc = fail(c, "6.1.8 Invalid CVSS: cvss_v3 needs version, vectorString, baseScore, baseSeverity at $.vulnerabilities[%zu].scores[%zu]", vi, i);
    if (!rc && v2 && (!sget(v2, "version") || !sget(v2, "vectorString") || !json_is_number(json_object_get(v2, "baseScore"))))
      rc = fail(c, "6.1.8 Invalid CVSS: cvss_v2 needs version, vectorString, baseScore at $.vulnerabilities[%zu].scores[%zu]", vi, i);
    if (!rc && v3) rc = cvss_consistent(c, v3, 1, vi, i);
    if (!rc && v2) rc = cvss_consistent(c, v2, 0, vi, i);
    json_array_foreach(json_object_get(s, "products"), j, p) {
      char key[300];
      for (int k = 0; k < 2 && !rc && seen && json_is_string(p); k++) {
        json_t *cv = k ? v2 : v3;
        if (!cv) continue;
        snprintf(key, sizeof key, "%s|%s", sget(cv, "version") ? sget(cv, "version") : "", json_string_value(p));
        if (vuln_map_put(seen, key, strlen(key), (uint32_t)i) != (uint32_t)i)
          rc = fail(c, "6.1.7 Multiple Scores with same Version per Product: %s at $.vulnerabilities[%zu].scores[%zu]", json_string_value(p), vi, i);
      }
    }
    if (rc) break;
  }
  vuln_map_free(seen);
  return rc;
}

/* ---- revision history: 6.1.14, 6.1.16-6.1.22, 6.1.30 ---- */

static int is_int_ver(const char *s) {
  if (!*s || (s[0] == '0' && s[1])) return 0;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s)) return 0;
  return 1;
}

static int is_semver(const char *s) {
  for (int part = 0; part < 3; part++) {
    if (!isdigit((unsigned char)*s)) return 0;
    while (isdigit((unsigned char)*s)) s++;
    if (part < 2 && *s++ != '.') return 0;
  }
  return *s == '\0' || *s == '-' || *s == '+';
}

static int has_pre(const char *s) {
  const char *dash = strchr(s, '-'), *plus = strchr(s, '+');
  return is_semver(s) && dash && (!plus || dash < plus);
}

static long major_of(const char *s) { return strtol(s, NULL, 10); }

/* Version without build metadata (and without pre-release if drop_pre). */
static void core_ver(const char *s, char *out, size_t cap, int drop_pre) {
  size_t n = 0;
  while (s[n] && s[n] != '+' && !(drop_pre && s[n] == '-') && n + 1 < cap) {
    out[n] = s[n];
    n++;
  }
  out[n] = '\0';
}

static double date_secs(const char *s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, oh = 0, om = 0;
  char tz = 'Z';
  sscanf(s, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se);
  const char *t = strchr(s, 'T');
  const char *z = t ? t + strcspn(t, "Z+-") : NULL;
  if (z && *z && *z != 'Z' && sscanf(z + 1, "%d:%d", &oh, &om) >= 1) tz = *z;
  struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = se};
  double secs = (double)timegm(&tm);
  const char *dot = t ? strchr(t, '.') : NULL;
  if (dot && dot < z) {  /* fractional seconds decide ties (test 6.1.14-08) */
    double scale = 0.1;
    for (const char *f = dot + 1; f < z && isdigit((unsigned char)*f); f++, scale /= 10) secs += (*f - '0') * scale;
  }
  if (tz == '+') secs -= oh * 3600 + om * 60;
  if (tz == '-') secs += oh * 3600 + om * 60;
  return secs;
}

typedef struct Rev {
  const char *num;
  double date;
  size_t idx;
} Rev;

static int num_cmp(const char *a, const char *b) {
  char x[64], y[64];
  core_ver(a, x, sizeof x, 0);
  core_ver(b, y, sizeof y, 0);
  return vuln_version_cmp(x, y);
}

static int by_date(const void *a, const void *b) {
  const Rev *x = a, *y = b;
  if (x->date != y->date) return x->date < y->date ? -1 : 1;
  return num_cmp(x->num, y->num);  /* same date: the numbers decide */
}

static int by_num(const void *a, const void *b) { return num_cmp(((const Rev *)a)->num, ((const Rev *)b)->num); }

static int rev_kinds(Ck *c, const Rev *r, size_t n, const char *ver) {
  int is_int = is_int_ver(ver);
  if (!is_int && !is_semver(ver)) return fail(c, "required: /document/tracking/version is neither integer nor semantic version");
  for (size_t i = 0; i < n; i++) {
    if (!is_int_ver(r[i].num) && !is_semver(r[i].num))
      return fail(c, "required: revision number %s is neither integer nor semantic version", r[i].num);
    if (is_int_ver(r[i].num) != is_int)
      return fail(c, "6.1.30 Mixed Integer and Semantic Versioning: %s at $.document.tracking.revision_history[%zu]", r[i].num, r[i].idx);
    if (has_pre(r[i].num))
      return fail(c, "6.1.19 Revision History Entries for Pre-release Versions: %s at $.document.tracking.revision_history[%zu]", r[i].num, r[i].idx);
    for (size_t j = 0; j < i; j++)
      if (!strcmp(r[i].num, r[j].num))
        return fail(c, "6.1.22 Multiple Definition in Revision History: %s at $.document.tracking.revision_history[%zu]", r[i].num, r[i].idx);
  }
  return 0;
}

static int rev_status(Ck *c, const Rev *r, size_t n, const char *ver, const char *status) {
  int released = !strcmp(status, "final") || !strcmp(status, "interim");
  int zero = is_int_ver(ver) ? !strcmp(ver, "0") : major_of(ver) == 0;
  int rc = 0;
  if ((zero || has_pre(ver)) && strcmp(status, "draft"))
    rc = fail(c, "6.1.17 Document Status Draft: version %s needs status draft", ver);
  if (released && has_pre(ver)) rc = fail(c, "6.1.20 Non-draft Document Version: %s", ver);
  for (size_t i = 0; released && i < n; i++)
    if (is_int_ver(r[i].num) ? !strcmp(r[i].num, "0") : major_of(r[i].num) == 0)
      return fail(c, "6.1.18 Released Revision History: %s at $.document.tracking.revision_history[%zu]", r[i].num, r[i].idx);
  return rc;
}

static int rev_order(Ck *c, Rev *r, size_t n, const char *ver, const char *status) {
  char a[64], b[64];
  qsort(r, n, sizeof *r, by_date);
  for (size_t i = 1; i < n; i++)
    if (num_cmp(r[i - 1].num, r[i].num) > 0)
      return fail(c, "6.1.14 Sorted Revision History: %s after %s at $.document.tracking.revision_history[%zu]", r[i].num, r[i - 1].num, r[i].idx);
  core_ver(ver, a, sizeof a, !strcmp(status, "draft"));
  core_ver(r[n - 1].num, b, sizeof b, !strcmp(status, "draft"));
  if (strcmp(a, b)) return fail(c, "6.1.16 Latest Document Version: version %s but latest revision %s", ver, r[n - 1].num);
  qsort(r, n, sizeof *r, by_num);
  long first = is_int_ver(r[0].num) ? strtol(r[0].num, NULL, 10) : major_of(r[0].num);
  if (first > 1) return fail(c, "6.1.21 Missing Item in Revision History: first revision is %s", r[0].num);
  for (size_t i = 1; i < n; i++) {
    long p = is_int_ver(r[i].num) ? strtol(r[i - 1].num, NULL, 10) : major_of(r[i - 1].num);
    long q = is_int_ver(r[i].num) ? strtol(r[i].num, NULL, 10) : major_of(r[i].num);
    if (q - p > 1) return fail(c, "6.1.21 Missing Item in Revision History: %s follows %s", r[i].num, r[i - 1].num);
  }
  return 0;
}

static int revisions(Ck *c) {
  json_t *trk = json_object_get(c->d, "tracking"), *rh = json_object_get(trk, "revision_history"), *x;
  size_t n = json_array_size(rh), i;
  Rev *r = calloc(n, sizeof *r);
  if (!r) return fail(c, "out of memory");
  json_array_foreach(rh, i, x) r[i] = (Rev){sget(x, "number"), date_secs(sget(x, "date")), i};
  const char *ver = sget(trk, "version"), *status = sget(trk, "status");
  int rc = rev_kinds(c, r, n, ver);
  if (!rc) rc = rev_status(c, r, n, ver, status) | rev_order(c, r, n, ver, status);
  free(r);
  return rc;
}

/* ---- product helpers and branch names: 6.1.13, 6.1.25, 6.1.31 ---- */

static int helper(Ck *c, json_t *fpn) {
  json_t *h = json_object_get(fpn, "product_identification_helper"), *x, *fh;
  const char *purl = sget(h, "purl"), *id = sget(fpn, "product_id");
  size_t i, j;
  Err e = {0};
  VulnPurl *pu = purl ? malloc(sizeof *pu) : NULL;
  int bad = pu && vuln_purl_parse(purl, pu, &e);
  free(pu);
  if (bad) return fail(c, "6.1.13 PURL: %s (%s) for %s", e.msg, purl, id ? id : "?");
  json_array_foreach(json_object_get(h, "hashes"), i, x) {
    json_array_foreach(json_object_get(x, "file_hashes"), j, fh) {
      const char *alg = sget(fh, "algorithm");
      for (size_t k = 0; alg && k < j; k++) {
        const char *o = sget(json_array_get(json_object_get(x, "file_hashes"), k), "algorithm");
        if (o && !strcmp(o, alg))
          return fail(c, "6.1.25 Multiple Use of Same Hash Algorithm: %s for %s", alg, id ? id : "?");
      }
    }
  }
  return 0;
}

/* A product_version branch name must be one version, not a range. */
static int version_name(Ck *c, const char *name) {
  static const char *const words[] = {"after", "all", "before", "earlier", "later", "prior", "versions", NULL};
  if (c->lenient) return 0;
  if (strpbrk(name, "<>")) return fail(c, "6.1.31 Version Range in Product Version: \"%s\"", name);
  for (int k = 0; words[k]; k++) {
    size_t wl = strlen(words[k]);
    for (const char *p = strcasestr(name, words[k]); p; p = strcasestr(p + 1, words[k])) {
      int start = p == name || isspace((unsigned char)p[-1]);  /* "after-eight" is a name */
      int end = !p[wl] || isspace((unsigned char)p[wl]);
      if (start && end) return fail(c, "6.1.31 Version Range in Product Version: \"%s\"", name);
    }
  }
  return 0;
}

static int walk_products(Ck *c, json_t *branches, int depth) {
  json_t *b;
  size_t i;
  if (depth > 30) return 0;
  json_array_foreach(branches, i, b) {
    const char *cat = sget(b, "category"), *name = sget(b, "name");
    if (cat && name && !strcmp(cat, "product_version") && version_name(c, name)) return -1;
    json_t *p = json_object_get(b, "product");
    if (p && helper(c, p)) return -1;
    if (walk_products(c, json_object_get(b, "branches"), depth + 1)) return -1;
  }
  return 0;
}

static int products(Ck *c) {
  json_t *x;
  size_t i;
  if (walk_products(c, json_object_get(c->tree, "branches"), 0)) return -1;
  json_array_foreach(json_object_get(c->tree, "full_product_names"), i, x) if (helper(c, x)) return -1;
  json_array_foreach(json_object_get(c->tree, "relationships"), i, x)
    if (helper(c, json_object_get(x, "full_product_name"))) return -1;
  return 0;
}

/* ---- document-level: 6.1.15, 6.1.26, 6.1.28 ---- */

static const char *const profiles[] = {"csaf_base", "csaf_security_incident_response", "csaf_informational_advisory",
                                       "csaf_security_advisory", "csaf_vex", NULL};

static int category_name(Ck *c, const char *cat) {
  char norm[128];
  size_t n = 0;
  for (int k = 0; profiles[k]; k++)
    if (!strcmp(cat, profiles[k])) return 0;
  for (const char *p = cat; *p && n + 1 < sizeof norm; p++)
    if (!strchr("-_ \t", *p)) norm[n++] = (char)tolower((unsigned char)*p);
  norm[n] = '\0';
  if (!strncmp(norm, "csaf", 4)) return fail(c, "6.1.26 Prohibited Document Category Name: \"%s\" (csaf_ is reserved)", cat);
  for (int k = 1; profiles[k]; k++) {
    char pn[64];
    size_t m = 0;
    for (const char *p = profiles[k] + 5; *p; p++)
      if (*p != '_') pn[m++] = *p;
    pn[m] = '\0';
    if (!strcmp(norm, pn)) return fail(c, "6.1.26 Prohibited Document Category Name: \"%s\" resembles %s", cat, profiles[k]);
  }
  return 0;
}

/* 6.1.12: a BCP 47 tag whose two-letter primary subtag is an ISO 639-1
 * code. Three-letter primaries (ISO 639-2/3) are accepted on syntax alone;
 * the full IANA registry is not embedded. */
static int lang_ok(const char *t) {
  static const char iso639_1[] =
      " aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz "
      "ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik "
      "io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml "
      "mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd "
      "se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi "
      "vo wa wo xh yi yo za zh zu ";
  size_t n = 0;
  while (isalpha((unsigned char)t[n])) n++;
  if (n == 1 && strchr("xXiI", t[0]) && t[1] == '-') return 1;  /* private use, grandfathered */
  if (n != 2 && n != 3) return 0;
  char code[5] = {' ', (char)tolower((unsigned char)t[0]), (char)tolower((unsigned char)t[1]), ' ', '\0'};
  if (n == 2 && !strstr(iso639_1, code)) return 0;
  for (const char *p = t + n; *p; p++)  /* subtags: 1-8 alphanumerics after '-' */
    if (!isalnum((unsigned char)*p) && *p != '-') return 0;
  return 1;
}

static int document_level(Ck *c) {
  const char *lang = sget(c->d, "lang"), *src = sget(c->d, "source_lang");
  const char *pubcat = sget(json_object_get(c->d, "publisher"), "category");
  if (!strcmp(pubcat, "translator") && !src)
    return fail(c, "6.1.15 Translator: publisher is a translator but /document/source_lang is missing");
  if (lang && !lang_ok(lang)) return fail(c, "6.1.12 Language: /document/lang \"%s\" is not a valid language tag", lang);
  if (src && !lang_ok(src)) return fail(c, "6.1.12 Language: /document/source_lang \"%s\" is not a valid language tag", src);
  if (lang && src && !strcasecmp(lang, src))
    return fail(c, "6.1.28 Translation: /document/lang equals /document/source_lang (%s)", lang);
  return category_name(c, sget(c->d, "category"));
}

/* ---- per vulnerability: 6.1.23, 6.1.24, 6.1.29, 6.1.32, 6.1.33 ---- */

/* Does item x (a remediation, flag or threat) name product id directly or
 * through one of its groups? */
static int names_product(Ck *c, json_t *x, const char *id) {
  json_t *p, *g, *grp;
  size_t i, j, k;
  json_array_foreach(json_object_get(x, "product_ids"), i, p) if (json_is_string(p) && !strcmp(json_string_value(p), id)) return 1;
  json_array_foreach(json_object_get(x, "group_ids"), i, g) {
    json_array_foreach(json_object_get(c->tree, "product_groups"), j, grp) {
      if (!json_is_string(g) || !sget(grp, "group_id") || strcmp(sget(grp, "group_id"), json_string_value(g))) continue;
      json_array_foreach(json_object_get(grp, "product_ids"), k, p) if (json_is_string(p) && !strcmp(json_string_value(p), id)) return 1;
    }
  }
  return 0;
}

static int flags_and_remediations(Ck *c, json_t *v, size_t vi) {
  json_t *x, *y;
  size_t i, j;
  json_array_foreach(json_object_get(v, "remediations"), i, x) if (!json_object_get(x, "product_ids") && !json_object_get(x, "group_ids"))
    return fail(c, "6.1.29 Remediation without Product Reference at $.vulnerabilities[%zu].remediations[%zu]", vi, i);
  json_array_foreach(json_object_get(v, "flags"), i, x) if (!json_object_get(x, "product_ids") && !json_object_get(x, "group_ids"))
    return fail(c, "6.1.32 Flag without Product Reference at $.vulnerabilities[%zu].flags[%zu]", vi, i);
  json_array_foreach(json_object_get(v, "involvements"), i, x) {
    json_array_foreach(json_object_get(v, "involvements"), j, y) {
      if (j >= i) break;
      const char *p1 = sget(x, "party"), *p2 = sget(y, "party"), *d1 = sget(x, "date"), *d2 = sget(y, "date");
      if (p1 && p2 && !strcmp(p1, p2) && ((!d1 && !d2) || (d1 && d2 && date_secs(d1) == date_secs(d2))))
        return fail(c, "6.1.24 Multiple Definition in Involvements: party %s at $.vulnerabilities[%zu].involvements[%zu]", p1, vi, i);
    }
  }
  return 0;
}

static int flags_per_product(Ck *c, json_t *v, size_t vi) {
  json_t *flags = json_object_get(v, "flags");
  size_t n = json_array_size(flags);
  for (size_t i = 0; i < n; i++) {
    json_t *fi = json_array_get(flags, i), *p;
    size_t k;
    /* every product named directly or via a group in flag i */
    json_t *all = json_array();
    json_array_extend(all, json_object_get(fi, "product_ids"));
    json_t *g, *grp;
    size_t gi, gj;
    json_array_foreach(json_object_get(fi, "group_ids"), gi, g)
      json_array_foreach(json_object_get(c->tree, "product_groups"), gj, grp)
        if (json_is_string(g) && sget(grp, "group_id") && !strcmp(sget(grp, "group_id"), json_string_value(g)))
          json_array_extend(all, json_object_get(grp, "product_ids"));
    int rc = 0;
    json_array_foreach(all, k, p) {
      for (size_t j = i + 1; j < n && !rc && json_is_string(p); j++)
        if (names_product(c, json_array_get(flags, j), json_string_value(p)))
          rc = fail(c, "6.1.33 Multiple Flags with VEX Justification Codes per Product: %s at $.vulnerabilities[%zu].flags[%zu]", json_string_value(p), vi, j);
      if (rc) break;
    }
    json_decref(all);
    if (rc) return rc;
  }
  return 0;
}

/* ---- profiles: 6.1.27.1-6.1.27.11 ---- */

static int has_category(json_t *arr, const char *const *cats) {
  json_t *x;
  size_t i;
  json_array_foreach(arr, i, x) {
    const char *cat = sget(x, "category");
    for (int k = 0; cat && cats[k]; k++)
      if (!strcmp(cat, cats[k])) return 1;
  }
  return 0;
}

static int profile_doc(Ck *c, const char *cat) {
  static const char *const note_cats[] = {"description", "details", "general", "summary", NULL};
  static const char *const ref_cats[] = {"external", NULL};
  int info = !strcmp(cat, "csaf_informational_advisory"), sir = !strcmp(cat, "csaf_security_incident_response");
  int sa = !strcmp(cat, "csaf_security_advisory"), vex = !strcmp(cat, "csaf_vex");
  int rc = 0;
  if ((info || sir) && !has_category(json_object_get(c->d, "notes"), note_cats))
    rc = fail(c, "6.1.27.1 Document Notes: %s needs a note of category description, details, general or summary", cat);
  if ((info || sir) && !has_category(json_object_get(c->d, "references"), ref_cats))
    rc = fail(c, "6.1.27.2 Document References: %s needs an external reference", cat);
  if (info && c->vulns) rc = fail(c, "6.1.27.3 Vulnerabilities: %s must not have /vulnerabilities", cat);
  if ((sa || vex) && !c->tree) rc = fail(c, "6.1.27.4 Product Tree: %s needs /product_tree", cat);
  if ((sa || vex) && !c->vulns) rc = fail(c, "6.1.27.11 Vulnerabilities: %s needs /vulnerabilities", cat);
  return rc;
}

static int vex_statements(Ck *c, json_t *v, size_t vi) {
  json_t *ps = json_object_get(v, "product_status"), *p, *x;
  size_t i, j;
  json_array_foreach(json_object_get(ps, "known_not_affected"), i, p) {
    int ok = 0;
    if (!json_is_string(p)) continue;
    json_array_foreach(json_object_get(v, "flags"), j, x) ok |= names_product(c, x, json_string_value(p));
    json_array_foreach(json_object_get(v, "threats"), j, x) if (sget(x, "category") && !strcmp(sget(x, "category"), "impact"))
      ok |= names_product(c, x, json_string_value(p));
    if (!ok) return fail(c, "6.1.27.9 Impact Statement: %s is known_not_affected without flag or impact at $.vulnerabilities[%zu]", json_string_value(p), vi);
  }
  json_array_foreach(json_object_get(ps, "known_affected"), i, p) {
    int ok = 0;
    if (!json_is_string(p)) continue;
    json_array_foreach(json_object_get(v, "remediations"), j, x) ok |= names_product(c, x, json_string_value(p));
    if (!ok) return fail(c, "6.1.27.10 Action Statement: %s is known_affected without remediation at $.vulnerabilities[%zu]", json_string_value(p), vi);
  }
  return 0;
}

static int profile_vuln(Ck *c, const char *cat, json_t *v, size_t vi) {
  static const char *const vex_keys[] = {"fixed", "known_affected", "known_not_affected", "under_investigation", NULL};
  int sa = !strcmp(cat, "csaf_security_advisory"), vex = !strcmp(cat, "csaf_vex");
  json_t *ps = json_object_get(v, "product_status");
  int rc = 0, any = 0;
  if ((sa || vex) && !json_object_get(v, "notes"))
    rc = fail(c, "6.1.27.5 Vulnerability Notes: $.vulnerabilities[%zu] needs notes", vi);
  if (sa && !ps) rc = fail(c, "6.1.27.6 Product Status: $.vulnerabilities[%zu] needs product_status", vi);
  if (!vex) return rc;
  for (int k = 0; vex_keys[k]; k++) any |= json_object_get(ps, vex_keys[k]) != NULL;
  if (!any) rc = fail(c, "6.1.27.7 VEX Product Status: $.vulnerabilities[%zu] needs fixed, known_affected, known_not_affected or under_investigation", vi);
  if (!json_object_get(v, "cve") && !json_object_get(v, "ids"))
    rc = fail(c, "6.1.27.8 Vulnerability ID: $.vulnerabilities[%zu] needs cve or ids", vi);
  return rc | vex_statements(c, v, vi);
}

/* ---- driver ---- */

static int per_vuln(Ck *c) {
  json_t *v;
  size_t i;
  const char *cat = sget(c->d, "category");
  VulnMap *cves = vuln_map_new();
  int rc = cves ? 0 : fail(c, "out of memory");
  json_array_foreach(c->vulns, i, v) {
    const char *cve = sget(v, "cve");
    if (!cves) break;
    if (cve && vuln_map_put(cves, cve, strlen(cve), (uint32_t)i) != (uint32_t)i)
      rc = fail(c, "6.1.23 Multiple Use of Same CVE: %s at $.vulnerabilities[%zu]", cve, i);
    rc |= vuln_refs(c, v, i);
    rc |= contradicting(c, v, i);
    rc |= scores(c, v, i);
    rc |= flags_and_remediations(c, v, i);
    rc |= flags_per_product(c, v, i);
    rc |= profile_vuln(c, cat, v, i);
  }
  vuln_map_free(cves);
  return rc;
}

int vuln_csaf_check(json_t *doc, int lenient, char *msg, size_t cap) {
  Ck c = {doc, json_object_get(doc, "document"), json_object_get(doc, "product_tree"),
          json_object_get(doc, "vulnerabilities"), msg, cap, vuln_map_new(), vuln_map_new(), lenient};
  if (msg && cap) msg[0] = '\0';
  int rc = c.ids && c.groups ? 0 : fail(&c, "out of memory");
  if (!rc) rc = required(&c);   /* the structure the other tests walk */
  if (!rc) {
    if (define_all(&c)) rc = -1;
    else rc |= tree_refs(&c) | per_vuln(&c);  /* references need the full id sets */
    rc |= circular(&c) | products(&c) | document_level(&c) | revisions(&c);
    rc |= profile_doc(&c, sget(c.d, "category"));
  }
  vuln_map_free(c.ids);
  vuln_map_free(c.groups);
  return rc ? -1 : 0;
}
