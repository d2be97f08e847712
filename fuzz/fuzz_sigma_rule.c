/* fuzz_sigma_rule.c — libFuzzer target for the Sigma rule loader: arbitrary
 * YAML through loading, compiling (Hyperscan included) and matching one
 * event with both evaluators, which must agree; then the event, at three
 * times out of order, through a session, so correlation rules run too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/sigma.h"

static void quiet(void *ctx, const char *file, int line, const char *title, const char *reason) {
  (void)ctx; (void)file; (void)line; (void)title; (void)reason;
}

static void fill(SigmaEvent *ev) {
  static const char *kv[][2] = {
    {"Channel", "Microsoft-Windows-Sysmon/Operational"}, {"EventID", "1"},
    {"Image", "C:\\Windows\\System32\\cmd.exe"}, {"CommandLine", "cmd.exe /c whoami -all"},
    {"User", "NT AUTHORITY\\SYSTEM"}, {"DestinationIp", "10.1.2.3"}, {"Count", "42"},
    {"UtcTime", "2024-03-15 22:07:09.123"}};
  for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
    sev_add(ev, kv[i][0], strlen(kv[i][0]), kv[i][1], strlen(kv[i][1]), SEV_STR);
}

static void count(void *ctx, const SigmaAlert *a) { (void)a; ++*(size_t *)ctx; }

static void correlate(SigmaEngine *e, SigmaEvent *ev) {
  static const int64_t times[] = {600000, 0, 30000};
  size_t alerts = 0;
  SigmaSession *s = sigma_session_new(e, count, &alerts);
  if (!s) return;
  for (size_t i = 0; i < 3; i++) {
    ev->time_ms = times[i];
    sigma_feed(s, ev);
  }
  sigma_session_finish(s);
  sigma_session_free(s);
}

static size_t run(const char *text, size_t n, int evaluator, SigmaEvent *ev, uint32_t *out) {
  SigmaEngine *e = sigma_engine_new();
  Err err = {0};
  size_t k = 0;
  if (!e) return 0;
  sigma_load_buffer(e, "fuzz.yml", text, n, quiet, NULL);
  if (sigma_compile(e, evaluator, quiet, NULL, &err) == 0) {
    SigmaMatcher *m = sigma_matcher_new(e);
    if (m) k = sigma_match(m, ev, out, 256);
    sigma_matcher_free(m);
    if (evaluator == SIGMA_FAST) correlate(e, ev);
  }
  sigma_engine_free(e);
  return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 16384) return 0;
  setenv("VARDE_CACHE_DIR", "off", 1);
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = 0;
  SigmaEvent ev;
  sev_init(&ev);
  fill(&ev);
  uint32_t a[256], b[256];
  size_t na = run(text, size, SIGMA_FAST, &ev, a), nb = run(text, size, SIGMA_REFERENCE, &ev, b);
  if (na != nb || memcmp(a, b, na * sizeof *a)) abort();   /* evaluators disagree */
  sev_free(&ev);
  free(text);
  return 0;
}
