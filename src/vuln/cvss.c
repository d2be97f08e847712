/* cvss.c — CVSS v3.0/v3.1 and v2.0 base-score equations (FIRST
 * specifications), including each version's rounding rule. */
#include "vuln/cvss.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const vuln_cvss3_props[8] = {"attackVector", "attackComplexity", "privilegesRequired", "userInteraction",
                                         "scope", "confidentialityImpact", "integrityImpact", "availabilityImpact"};
const char *const vuln_cvss2_props[6] = {"accessVector", "accessComplexity", "authentication",
                                         "confidentialityImpact", "integrityImpact", "availabilityImpact"};

typedef struct Val {
  char code;
  const char *name;
  double w;
} Val;

typedef struct Metric {
  const char *key;
  Val v[4];
} Metric;

static const Metric m3[8] = {
    {"AV", {{'N', "NETWORK", 0.85}, {'A', "ADJACENT_NETWORK", 0.62}, {'L', "LOCAL", 0.55}, {'P', "PHYSICAL", 0.2}}},
    {"AC", {{'L', "LOW", 0.77}, {'H', "HIGH", 0.44}}},
    {"PR", {{'N', "NONE", 0.85}, {'L', "LOW", 0.62}, {'H', "HIGH", 0.27}}},
    {"UI", {{'N', "NONE", 0.85}, {'R', "REQUIRED", 0.62}}},
    {"S", {{'U', "UNCHANGED", 0}, {'C', "CHANGED", 1}}},
    {"C", {{'H', "HIGH", 0.56}, {'L', "LOW", 0.22}, {'N', "NONE", 0}}},
    {"I", {{'H', "HIGH", 0.56}, {'L', "LOW", 0.22}, {'N', "NONE", 0}}},
    {"A", {{'H', "HIGH", 0.56}, {'L', "LOW", 0.22}, {'N', "NONE", 0}}},
};

static const Metric m2[6] = {
    {"AV", {{'L', "LOCAL", 0.395}, {'A', "ADJACENT_NETWORK", 0.646}, {'N', "NETWORK", 1.0}}},
    {"AC", {{'H', "HIGH", 0.35}, {'M', "MEDIUM", 0.61}, {'L', "LOW", 0.71}}},
    {"Au", {{'M', "MULTIPLE", 0.45}, {'S', "SINGLE", 0.56}, {'N', "NONE", 0.704}}},
    {"C", {{'N', "NONE", 0}, {'P', "PARTIAL", 0.275}, {'C', "COMPLETE", 0.660}}},
    {"I", {{'N', "NONE", 0}, {'P', "PARTIAL", 0.275}, {'C', "COMPLETE", 0.660}}},
    {"A", {{'N', "NONE", 0}, {'P', "PARTIAL", 0.275}, {'C', "COMPLETE", 0.660}}},
};

/* v3.1 Roundup: the smallest one-decimal number >= x, computed on integers
 * to avoid floating-point surprises (specification, Appendix A). */
static double roundup31(double x) {
  long i = lround(x * 100000.0);
  return i % 10000 == 0 ? (double)i / 100000.0 : (double)(i / 10000 + 1) / 10.0;
}

static double roundup30(double x) { return ceil(x * 10.0 - 1e-9) / 10.0; }

/* Read "K:V" pairs; base metrics land in idx[], others are skipped. */
static int read_metrics(const char *p, const Metric *ms, int n, int *idx, char *why, size_t cap) {
  for (int k = 0; k < n; k++) idx[k] = -1;
  while (*p) {
    const char *colon = strchr(p, ':'), *slash = strchr(p, '/');
    if (!colon || (slash && slash < colon) || !colon[1]) return snprintf(why, cap, "malformed metric near \"%.20s\"", p), -1;
    size_t kl = (size_t)(colon - p);
    for (int k = 0; k < n; k++) {
      if (strlen(ms[k].key) != kl || strncmp(ms[k].key, p, kl)) continue;
      if (idx[k] >= 0) return snprintf(why, cap, "metric %s given twice", ms[k].key), -1;
      for (int v = 0; v < 4 && ms[k].v[v].name; v++)
        if (ms[k].v[v].code == colon[1] && (colon[2] == '/' || !colon[2])) idx[k] = v;
      if (idx[k] < 0) return snprintf(why, cap, "bad value for %s", ms[k].key), -1;
    }
    p = slash ? slash + 1 : p + strlen(p);
  }
  for (int k = 0; k < n; k++)
    if (idx[k] < 0) return snprintf(why, cap, "base metric %s missing", ms[k].key), -1;
  return 0;
}

static double base3(const int *x, int v31) {
  int changed = x[4] == 1;
  double pr = m3[2].v[x[2]].w;
  if (changed && x[2] == 1) pr = 0.68;
  if (changed && x[2] == 2) pr = 0.5;
  double iss = 1 - (1 - m3[5].v[x[5]].w) * (1 - m3[6].v[x[6]].w) * (1 - m3[7].v[x[7]].w);
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
  double expl = 8.22 * m3[0].v[x[0]].w * m3[1].v[x[1]].w * pr * m3[3].v[x[3]].w;
  if (impact <= 0) return 0;
  double raw = changed ? 1.08 * (impact + expl) : impact + expl;
  if (raw > 10) raw = 10;
  return v31 ? roundup31(raw) : roundup30(raw);
}

static double base2(const int *x) {
  double impact = 10.41 * (1 - (1 - m2[3].v[x[3]].w) * (1 - m2[4].v[x[4]].w) * (1 - m2[5].v[x[5]].w));
  double expl = 20 * m2[0].v[x[0]].w * m2[1].v[x[1]].w * m2[2].v[x[2]].w;
  double f = impact == 0 ? 0 : 1.176;
  return round(((0.6 * impact) + (0.4 * expl) - 1.5) * f * 10.0) / 10.0;
}

int vuln_cvss_parse(const char *vector, VulnCvss *out, char *why, size_t cap) {
  int idx[8];
  memset(out, 0, sizeof *out);
  if (!vector) return snprintf(why, cap, "no vector"), -1;
  if (!strncmp(vector, "CVSS:3.0/", 9) || !strncmp(vector, "CVSS:3.1/", 9)) {
    out->version = vector[7] == '1' ? 31 : 30;
    if (read_metrics(vector + 9, m3, 8, idx, why, cap)) return -1;
    for (int k = 0; k < 8; k++) out->value[k] = m3[k].v[idx[k]].name;
    out->base = base3(idx, out->version == 31);
    return 0;
  }
  if (!strncmp(vector, "CVSS:", 5)) return snprintf(why, cap, "unsupported CVSS version"), -1;
  out->version = 20;
  if (read_metrics(vector, m2, 6, idx, why, cap)) return -1;
  for (int k = 0; k < 6; k++) out->value[k] = m2[k].v[idx[k]].name;
  out->base = base2(idx);
  return 0;
}

const char *vuln_cvss3_severity(double s) {
  return s == 0 ? "NONE" : s < 4.0 ? "LOW" : s < 7.0 ? "MEDIUM" : s < 9.0 ? "HIGH" : "CRITICAL";
}
