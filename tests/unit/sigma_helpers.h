/* sigma_helpers.h — shared by the Sigma engine's unit tests: build an engine
 * from YAML text, make events from "name=value" pairs, and check that the fast
 * evaluator and the reference evaluator agree on every event they see. */
#ifndef VARDE_TEST_SIGMA_HELPERS_H
#define VARDE_TEST_SIGMA_HELPERS_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/sigma.h"
#include "test.h"

static int h_bad;
static char h_reason[512];

static void h_diag(void *ctx, const char *file, int line, const char *title, const char *reason) {
  h_bad++;
  snprintf(h_reason, sizeof h_reason, "%s", reason);
}

/* Engine from YAML (all documents); NULL and h_reason set if nothing loaded. */
static SigmaEngine *h_engine(const char *yaml, int evaluator, const char *placeholders) {
  SigmaEngine *e = sigma_engine_new();
  Err err = {0};
  h_bad = 0;
  h_reason[0] = 0;
  if (placeholders) {
    FILE *f = fopen("sigma_ph.yml", "w");
    fputs(placeholders, f);
    fclose(f);
    sigma_load_placeholders(e, "sigma_ph.yml", &err);
    remove("sigma_ph.yml");
  }
  sigma_load_buffer(e, "test.yml", yaml, strlen(yaml), h_diag, NULL);
  if (sigma_compile(e, evaluator, h_diag, NULL, &err) || h_bad) {
    sigma_engine_free(e);
    return NULL;
  }
  return e;
}

/* Event from "name=value" strings; "name:=value" marks a number, "name=~" null. */
static void h_event(SigmaEvent *ev, const char *const *kv) {
  sev_reset(ev);
  for (; *kv; kv++) {
    const char *eq = strchr(*kv, '=');
    int kind = SEV_STR;
    size_t nl = (size_t)(eq - *kv);
    if (nl && (*kv)[nl - 1] == ':') { kind = SEV_NUM; nl--; }
    const char *v = eq + 1;
    if (!strcmp(v, "~")) { kind = SEV_NULL; v = ""; }
    sev_add(ev, *kv, nl, v, strlen(v), kind);
  }
}

/* Matches of one event under both evaluators; returns the fast count and
 * fails the test if the two disagree. */
static inline int h_count(SigmaEngine *fast, SigmaEngine *ref, const SigmaEvent *ev) {
  uint32_t a[64], b[64];
  SigmaMatcher *mf = sigma_matcher_new(fast), *mr = sigma_matcher_new(ref);
  size_t na = sigma_match(mf, ev, a, 64), nb = sigma_match(mr, ev, b, 64);
  sigma_matcher_free(mf);
  sigma_matcher_free(mr);
  CHECK_INT(na, nb);
  for (size_t i = 0; i < na && i < nb; i++) CHECK_INT(a[i], b[i]);
  return (int)na;
}

/* Does the single rule in yaml fire on the event given as pairs? -1 = rule rejected. */
static inline int h_fires_ph(const char *yaml, const char *ph, const char *const *kv) {
  SigmaEngine *f = h_engine(yaml, SIGMA_FAST, ph), *r = h_engine(yaml, SIGMA_REFERENCE, ph);
  int res = -1;
  if (f && r) {
    SigmaEvent ev;
    sev_init(&ev);
    h_event(&ev, kv);
    res = h_count(f, r, &ev);
    sev_free(&ev);
  }
  sigma_engine_free(f);
  sigma_engine_free(r);
  return res;
}

static inline int h_fires(const char *yaml, const char *const *kv) { return h_fires_ph(yaml, NULL, kv); }

#define EV(...) ((const char *const[]){__VA_ARGS__, NULL})
#define RULE(det) "title: t\nid: 11111111-1111-1111-1111-111111111111\nlogsource: {product: windows}\n" \
                  "detection:\n" det

#endif
