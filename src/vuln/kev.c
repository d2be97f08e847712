/* kev.c — CISA Known Exploited Vulnerabilities catalogue (JSON) and FIRST
 * EPSS daily scores (CSV with a #model_version comment line). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vuln/json.h"
#include "vuln/vuln.h"

typedef struct Ctx {
  VulnDb *db;
  const char *file;
  VulnReport *r;
} Ctx;

static int valid_date(const char *s) {
  return s && strlen(s) == 10 && isdigit((unsigned char)s[0]) && s[4] == '-' && s[7] == '-' &&
         isdigit((unsigned char)s[5]) && isdigit((unsigned char)s[8]);
}

static int kev_one(void *ctx, json_t *v, size_t index) {
  static const char *const req[] = {"cveID", "vendorProject", "product", "vulnerabilityName",
                                    "dateAdded", "shortDescription", "requiredAction", "dueDate"};
  Ctx *c = ctx;
  char path[64];
  snprintf(path, sizeof path, "$.vulnerabilities[%zu]", index);
  for (size_t k = 0; k < sizeof req / sizeof req[0]; k++)
    if (!json_is_string(json_object_get(v, req[k]))) {
      vuln_report(c->r, c->file, path, "missing required string %s; skipped", req[k]);
      return 0;
    }
  const char *id = json_string_value(json_object_get(v, "cveID"));
  const char *due = json_string_value(json_object_get(v, "dueDate"));
  if (strncmp(id, "CVE-", 4) || !valid_date(due) ||
      !valid_date(json_string_value(json_object_get(v, "dateAdded")))) {
    vuln_report(c->r, c->file, path, "bad cveID or date (want CVE-… and YYYY-MM-DD); skipped");
    return 0;
  }
  VulnDb *db = c->db;
  if (db->nkev == db->capkev) {
    size_t nc = db->capkev ? db->capkev * 2 : 1024;
    VulnKev *k = realloc(db->kev, nc * sizeof *k);
    if (!k) return VERR_NOMEM;
    db->kev = k;
    db->capkev = nc;
  }
  Arena *a = db->arena;
  VulnKev *k = &db->kev[db->nkev++];
  k->cve = vj_str(a, v, "cveID");
  k->vendor = vj_str(a, v, "vendorProject");
  k->product = vj_str(a, v, "product");
  k->name = vj_str(a, v, "vulnerabilityName");
  k->added = vj_str(a, v, "dateAdded");
  k->due = vj_str(a, v, "dueDate");
  k->action = vj_str(a, v, "requiredAction");
  const char *rw = json_string_value(json_object_get(v, "knownRansomwareCampaignUse"));
  k->ransomware = rw && !strcasecmp(rw, "Known");
  return k->cve && k->due ? 0 : VERR_NOMEM;
}

int vuln_kev_load(VulnDb *db, const char *name, const char *data, size_t len, VulnReport *r, Err *e) {
  Ctx c = {db, name, r};
  json_t *top = NULL;
  Err je = {0};
  int rc = vj_stream(data, len, "vulnerabilities", kev_one, &c, &top, &je);
  json_decref(top);
  if (rc) return err_set(e, rc, "%s: %s", name, rc == VERR_NOMEM ? "out of memory" : je.msg);
  return 0;
}

/* ---- EPSS ---- */

static int parse_prob(const char *s, double *out) {
  char *end;
  errno = 0;
  double d = strtod(s, &end);
  if (end == s || *end || errno || !(d >= 0.0 && d <= 1.0)) return -1;
  *out = d;
  return 0;
}

static int epss_row(Ctx *c, char *line, size_t lineno) {
  char *f[4] = {line, NULL, NULL, NULL};
  int nf = 1;
  for (char *p = line; *p && nf < 4; p++)
    if (*p == ',') {
      *p = '\0';
      f[nf++] = p + 1;
    }
  char where[48];
  snprintf(where, sizeof where, "line %zu", lineno);
  double score, pct;
  if (nf != 3 || strncmp(f[0], "CVE-", 4) || parse_prob(f[1], &score) || parse_prob(f[2], &pct)) {
    vuln_report(c->r, c->file, where, "want CVE-id,epss,percentile with values 0..1; skipped");
    return 0;
  }
  VulnDb *db = c->db;
  if (db->nepss == db->capepss) {
    size_t nc = db->capepss ? db->capepss * 2 : 4096;
    VulnEpss *x = realloc(db->epss, nc * sizeof *x);
    if (!x) return VERR_NOMEM;
    db->epss = x;
    db->capepss = nc;
  }
  VulnEpss *x = &db->epss[db->nepss++];
  x->cve = arena_strdup(db->arena, f[0]);
  x->score = score;
  x->percentile = pct;
  return x->cve ? 0 : VERR_NOMEM;
}

static int epss_line(Ctx *c, char *line, size_t lineno) {
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\r' || line[n - 1] == ' ')) line[--n] = '\0';
  if (!n) return 0;
  if (line[0] == '#') {
    char *m = strstr(line, "model_version:");
    if (m) {
      char *end = strchr(m, ',');
      c->db->epss_model = arena_strndup(c->db->arena, m + 14, end ? (size_t)(end - m - 14) : strlen(m + 14));
    }
    return 0;
  }
  if (!strncasecmp(line, "cve,", 4)) return 0;  /* header */
  return epss_row(c, line, lineno);
}

int vuln_epss_load(VulnDb *db, const char *name, const char *data, size_t len, VulnReport *r, Err *e) {
  Ctx c = {db, name, r};
  char line[256];
  size_t lineno = 1, i = 0;
  if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) i = 3;
  while (i < len) {
    const char *nl = memchr(data + i, '\n', len - i);
    size_t l = nl ? (size_t)(nl - data - i) : len - i;
    if (l >= sizeof line || memchr(data + i, '\0', l)) {
      char where[48];
      snprintf(where, sizeof where, "line %zu", lineno);
      vuln_report(r, name, where, "line too long or binary; skipped");
    } else {
      memcpy(line, data + i, l);
      line[l] = '\0';
      int rc = epss_line(&c, line, lineno);
      if (rc) return err_set(e, rc, "%s: out of memory", name);
    }
    i += l + 1;
    lineno++;
  }
  return 0;
}
