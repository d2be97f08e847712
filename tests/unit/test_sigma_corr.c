/* test_sigma_corr.c — correlation rules over hand-made event sequences:
 * event_count with a sliding (not bucketed) window, value_count, temporal,
 * temporal_ordered, value_sum/avg/percentile, aliases, generate, chains. */
#include "sigma_helpers.h"

typedef struct Got {
  int n;
  char title[16][64];
  size_t nrefs[16];
  char group[16][128];
} Got;

static void collect(void *ctx, const SigmaAlert *a) {
  Got *g = ctx;
  if (g->n >= 16) return;
  snprintf(g->title[g->n], sizeof g->title[0], "%s", a->rule->title);
  g->nrefs[g->n] = a->event ? 0 : a->nrefs;
  snprintf(g->group[g->n], sizeof g->group[0], "%s", a->group ? a->group : "");
  g->n++;
}

#define BASE(name, id, sel) "title: " name "\nid: " id "\nname: " name "\nlogsource: {product: windows}\n" \
                            "detection:\n  s: " sel "\n  condition: s\n---\n"

/* Feeds events "minute|field=value|field=value" in order; returns alerts. */
static void run(const char *yaml, const char *const *evs, Got *got, int evaluator) {
  memset(got, 0, sizeof *got);
  SigmaEngine *e = h_engine(yaml, evaluator, NULL);
  CHECK(e != NULL);
  if (!e) { fprintf(stderr, "rejected: %s\n", h_reason); return; }
  SigmaSession *s = sigma_session_new(e, collect, got);
  SigmaEvent ev;
  sev_init(&ev);
  for (; *evs; evs++) {
    char buf[8192], *save = NULL;
    snprintf(buf, sizeof buf, "%s", *evs);
    const char *kv[16];
    int n = 0;
    char *tok = strtok_r(buf, "|", &save);
    double minute = atof(tok);
    while ((tok = strtok_r(NULL, "|", &save)) && n < 15) kv[n++] = tok;
    kv[n] = NULL;
    h_event(&ev, kv);
    ev.time_ms = (int64_t)(minute * 60000);
    ev.source = "seq";
    ev.record = (uint64_t)(minute * 100);
    sigma_feed(s, &ev);
  }
  sigma_session_finish(s);
  sev_free(&ev);
  sigma_session_free(s);
  sigma_engine_free(e);
}

/* Same alerts from both evaluators; returns the fast one. */
static void run2(const char *yaml, const char *const *evs, Got *got) {
  Got ref;
  run(yaml, evs, &ref, SIGMA_REFERENCE);
  run(yaml, evs, got, SIGMA_FAST);
  CHECK_INT(got->n, ref.n);
}

static const char *fail_rule = BASE("fail", "f1", "{EventID: 4625}");

TEST(event_count) {
  char y[2048];
  snprintf(y, sizeof y, "%stitle: brute\ncorrelation:\n  type: event_count\n  rules: [fail]\n"
           "  group-by: [TargetUserName]\n  timespan: 5m\n  condition: {gte: 3}\nlevel: high\n", fail_rule);
  Got g;
  run2(y, EV("0|EventID=4625|TargetUserName=alice", "1|EventID=4625|TargetUserName=bob",
             "2|EventID=4625|TargetUserName=alice", "3|EventID=4625|TargetUserName=bob",
             "4|EventID=4625|TargetUserName=alice"), &g);
  CHECK_INT(g.n, 1);                         /* base rule is hidden (generate: false) */
  CHECK_STR(g.title[0], "brute");
  CHECK_INT(g.nrefs[0], 3);
  CHECK_STR(g.group[0], "TargetUserName=alice");
  run2(y, EV("0|EventID=4625|TargetUserName=a", "4|EventID=4625|TargetUserName=a",
             "9|EventID=4625|TargetUserName=a"), &g);
  CHECK_INT(g.n, 0);                         /* never 3 within 5 minutes */
  /* sliding, not bucketed: 4.5, 5.5, 6 fit one 5-minute window across a boundary */
  run2(y, EV("4.5|EventID=4625|TargetUserName=a", "5.5|EventID=4625|TargetUserName=a",
             "6|EventID=4625|TargetUserName=a"), &g);
  CHECK_INT(g.n, 1);
}

TEST(value_count_and_range) {
  char y[2048];
  snprintf(y, sizeof y, "%stitle: spray\ncorrelation:\n  type: value_count\n  rules: [fail]\n"
           "  group-by: [IpAddress]\n  timespan: 10m\n  condition: {field: TargetUserName, gte: 3}\n", fail_rule);
  Got g;
  run2(y, EV("0|EventID=4625|IpAddress=1.1.1.1|TargetUserName=a", "1|EventID=4625|IpAddress=1.1.1.1|TargetUserName=a",
             "2|EventID=4625|IpAddress=1.1.1.1|TargetUserName=b", "3|EventID=4625|IpAddress=2.2.2.2|TargetUserName=c",
             "4|EventID=4625|IpAddress=1.1.1.1|TargetUserName=c"), &g);
  CHECK_INT(g.n, 1);
  CHECK_INT(g.nrefs[0], 4);
  snprintf(y, sizeof y, "%stitle: few\ncorrelation:\n  type: event_count\n  rules: [fail]\n"
           "  timespan: 10m\n  condition: {gt: 1, lt: 3}\n", fail_rule);   /* no group-by, a range */
  run2(y, EV("0|EventID=4625", "1|EventID=4625"), &g);
  CHECK_INT(g.n, 1);
}

static const char *two_rules =
  BASE("recon", "r1", "{EventID: 1, CommandLine|contains: whoami}")
  BASE("dump", "d1", "{EventID: 10, TargetImage|endswith: lsass.exe}");

TEST(temporal_and_ordered) {
  char y[2048];
  snprintf(y, sizeof y, "%stitle: both\ncorrelation:\n  type: temporal\n  rules: [recon, dump]\n"
           "  group-by: [Computer]\n  timespan: 1h\n", two_rules);
  Got g;
  const char *const dump_first[] = {"0|EventID=10|TargetImage=c:\\lsass.exe|Computer=pc1",
                                    "5|EventID=1|CommandLine=whoami /all|Computer=pc1", NULL};
  run2(y, dump_first, &g);
  CHECK_INT(g.n, 1);
  run2(y, EV("0|EventID=10|TargetImage=c:\\lsass.exe|Computer=pc1", "5|EventID=1|CommandLine=whoami|Computer=pc2"), &g);
  CHECK_INT(g.n, 0);                         /* different groups */
  run2(y, EV("0|EventID=10|TargetImage=c:\\lsass.exe|Computer=pc1", "90|EventID=1|CommandLine=whoami|Computer=pc1"), &g);
  CHECK_INT(g.n, 0);                         /* outside the hour */
  snprintf(y, sizeof y, "%stitle: ordered\ncorrelation:\n  type: temporal_ordered\n  rules: [recon, dump]\n"
           "  group-by: [Computer]\n  timespan: 1h\n", two_rules);
  run2(y, dump_first, &g);
  CHECK_INT(g.n, 0);                         /* wrong order */
  run2(y, EV("0|EventID=1|CommandLine=whoami|Computer=pc1", "5|EventID=10|TargetImage=c:\\lsass.exe|Computer=pc1"), &g);
  CHECK_INT(g.n, 1);
}

TEST(aliases) {
  char y[2048];
  snprintf(y, sizeof y, "%s%s%stitle: joined\ncorrelation:\n  type: temporal\n  rules: [recon, dump]\n"
           "  group-by: [host]\n  timespan: 1h\n  aliases:\n    host:\n      recon: Computer\n      dump: Hostname\n",
           "", two_rules, "");
  Got g;
  run2(y, EV("0|EventID=1|CommandLine=whoami|Computer=pc1", "5|EventID=10|TargetImage=c:\\lsass.exe|Hostname=pc1"), &g);
  CHECK_INT(g.n, 1);
  CHECK_STR(g.group[0], "host=pc1");
  run2(y, EV("0|EventID=1|CommandLine=whoami|Computer=pc1", "5|EventID=10|TargetImage=c:\\lsass.exe|Hostname=pc9"), &g);
  CHECK_INT(g.n, 0);
}

TEST(value_aggregates) {
  const char *xfer = BASE("xfer", "x1", "{EventID: 5}");
  char y[2048];
  const char *const evs[] = {"0|EventID=5|User=u|Bytes=100", "1|EventID=5|User=u|Bytes=300",
                             "2|EventID=5|User=u|Bytes=800", NULL};
  Got g;
  snprintf(y, sizeof y, "%stitle: sum\ncorrelation:\n  type: value_sum\n  rules: [xfer]\n  group-by: [User]\n"
           "  timespan: 1h\n  condition: {field: Bytes, gte: 1200}\n", xfer);
  run2(y, evs, &g);
  CHECK_INT(g.n, 1);
  snprintf(y, sizeof y, "%stitle: avg\ncorrelation:\n  type: value_avg\n  rules: [xfer]\n  group-by: [User]\n"
           "  timespan: 1h\n  condition: {field: Bytes, gt: 399}\n", xfer);
  run2(y, evs, &g);
  CHECK_INT(g.n, 1);                         /* avg reaches 400 at the third event */
  snprintf(y, sizeof y, "%stitle: avg\ncorrelation:\n  type: value_avg\n  rules: [xfer]\n  group-by: [User]\n"
           "  timespan: 1h\n  condition: {field: Bytes, gt: 500}\n", xfer);
  run2(y, evs, &g);
  CHECK_INT(g.n, 0);
  snprintf(y, sizeof y, "%stitle: p\ncorrelation:\n  type: value_percentile\n  rules: [xfer]\n  group-by: [User]\n"
           "  timespan: 1h\n  condition: {field: Bytes, percentile: 90, gte: 800}\n", xfer);
  run2(y, evs, &g);
  CHECK_INT(g.n, 1);
}

TEST(generate_and_chains) {
  char y[4096];
  snprintf(y, sizeof y, "%stitle: brute\nname: brute\ncorrelation:\n  type: event_count\n  rules: [fail]\n"
           "  group-by: [TargetUserName]\n  timespan: 5m\n  condition: {gte: 2}\n  generate: true\n", fail_rule);
  Got g;
  run2(y, EV("0|EventID=4625|TargetUserName=a", "1|EventID=4625|TargetUserName=a"), &g);
  CHECK_INT(g.n, 3);                         /* two base alerts + the correlation */
  snprintf(y, sizeof y, "%stitle: brute\nname: brute\ncorrelation:\n  type: event_count\n  rules: [fail]\n"
           "  group-by: [TargetUserName]\n  timespan: 5m\n  condition: {gte: 2}\n---\n"
           "title: repeated brute\ncorrelation:\n  type: event_count\n  rules: [brute]\n"
           "  group-by: [TargetUserName]\n  timespan: 1h\n  condition: {gte: 2}\n", fail_rule);
  run2(y, EV("0|EventID=4625|TargetUserName=a", "1|EventID=4625|TargetUserName=a",
             "10|EventID=4625|TargetUserName=a", "11|EventID=4625|TargetUserName=a"), &g);
  CHECK_INT(g.n, 1);                         /* only the outer rule alerts */
  CHECK_STR(g.title[0], "repeated brute");
  CHECK_INT(g.nrefs[0], 4);                  /* with every event of both inner alerts */
}

/* Events may come in any time order (newest-first exports, several files):
 * the windows are those of the events' times, not of their arrival. */
TEST(out_of_order) {
  char y[2048];
  snprintf(y, sizeof y, "%stitle: brute\ncorrelation:\n  type: event_count\n  rules: [fail]\n"
           "  group-by: [TargetUserName]\n  timespan: 1m\n  condition: {gte: 3}\n", fail_rule);
  Got g;
  run2(y, EV("20|EventID=4625|TargetUserName=a", "10|EventID=4625|TargetUserName=a",
             "0|EventID=4625|TargetUserName=a"), &g);
  CHECK_INT(g.n, 0);                         /* 10 minutes apart, newest first */
  run2(y, EV("30.5|EventID=4625|TargetUserName=a", "30|EventID=4625|TargetUserName=a",
             "0|EventID=4625|TargetUserName=a", "30.2|EventID=4625|TargetUserName=a"), &g);
  CHECK_INT(g.n, 1);                         /* three within a minute, however they came */
  CHECK_INT(g.nrefs[0], 3);
  /* two files: recon 10:00 and 10:10 in the first, the dump at 10:00:30 in
   * the second; the 10:10 recon must not hide the 10:00 one */
  snprintf(y, sizeof y, "%stitle: ordered\ncorrelation:\n  type: temporal_ordered\n  rules: [recon, dump]\n"
           "  group-by: [Computer]\n  timespan: 1m\n", two_rules);
  run2(y, EV("0|EventID=1|CommandLine=whoami|Computer=pc1", "10|EventID=1|CommandLine=whoami|Computer=pc1",
             "0.5|EventID=10|TargetImage=c:\\lsass.exe|Computer=pc1"), &g);
  CHECK_INT(g.n, 1);
  CHECK_INT(g.nrefs[0], 2);
}

/* lt, lte, eq and neq can only be decided once the window has closed. */
TEST(upper_bounds_wait_for_the_window) {
  char y[2048];
  snprintf(y, sizeof y, "%stitle: few\ncorrelation:\n  type: event_count\n  rules: [fail]\n"
           "  group-by: [TargetUserName]\n  timespan: 1h\n  condition: {lt: 3}\n", fail_rule);
  Got g;
  run2(y, EV("0|EventID=4625|TargetUserName=a", "10|EventID=4625|TargetUserName=a",
             "20|EventID=4625|TargetUserName=a", "30|EventID=4625|TargetUserName=a",
             "40|EventID=4625|TargetUserName=a"), &g);
  CHECK_INT(g.n, 0);                         /* five in the hour is not fewer than three */
  run2(y, EV("0|EventID=4625|TargetUserName=a", "10|EventID=4625|TargetUserName=a",
             "200|EventID=4625|TargetUserName=a", "210|EventID=4625|TargetUserName=a",
             "220|EventID=4625|TargetUserName=a", "500|EventID=4625|TargetUserName=a"), &g);
  CHECK_INT(g.n, 2);                         /* hours from 0 and from 500; not the one from 200 */
  CHECK_INT(g.nrefs[0], 2);
  CHECK_INT(g.nrefs[1], 1);
  snprintf(y, sizeof y, "%stitle: range\ncorrelation:\n  type: event_count\n  rules: [fail]\n"
           "  timespan: 1h\n  condition: {gt: 1, lt: 3}\n", fail_rule);
  run2(y, EV("0|EventID=4625", "1|EventID=4625", "2|EventID=4625", "3|EventID=4625", "4|EventID=4625"), &g);
  CHECK_INT(g.n, 0);
  snprintf(y, sizeof y, "%stitle: exactly\ncorrelation:\n  type: event_count\n  rules: [fail]\n"
           "  timespan: 1h\n  condition: {eq: 2}\n", fail_rule);
  run2(y, EV("0|EventID=4625", "1|EventID=4625", "2|EventID=4625"), &g);
  CHECK_INT(g.n, 0);
  run2(y, EV("0|EventID=4625", "1|EventID=4625"), &g);
  CHECK_INT(g.n, 1);
}

/* Group keys are whole values, and an event without a group-by field or a
 * time belongs to no window. */
TEST(groups_and_missing_values) {
  char y[2048], a[3000], b[3000], ea[3100], eb[3100];
  snprintf(y, sizeof y, "%stitle: same\ncorrelation:\n  type: event_count\n  rules: [fail]\n"
           "  group-by: [CommandLine]\n  timespan: 1h\n  condition: {gte: 2}\n", fail_rule);
  memset(a, 'x', sizeof a - 1); a[sizeof a - 1] = 0;
  memcpy(b, a, sizeof b); b[sizeof b - 2] = 'y';   /* differ only after 2,990 bytes */
  snprintf(ea, sizeof ea, "0|EventID=4625|CommandLine=%s", a);
  snprintf(eb, sizeof eb, "1|EventID=4625|CommandLine=%s", b);
  const char *const longs[] = {ea, eb, NULL};
  Got g;
  run2(y, longs, &g);
  CHECK_INT(g.n, 0);
  run2(y, EV("0|EventID=4625", "1|EventID=4625"), &g);
  CHECK_INT(g.n, 0);                         /* no CommandLine: no group */
  SigmaEngine *e = h_engine(y, SIGMA_FAST, NULL);
  CHECK(e != NULL);
  if (!e) return;
  memset(&g, 0, sizeof g);
  SigmaSession *s = sigma_session_new(e, collect, &g);
  SigmaEvent ev;
  sev_init(&ev);
  for (int i = 0; i < 2; i++) {
    sev_reset(&ev);
    sev_add(&ev, "EventID", 7, "4625", 4, SEV_STR);
    sev_add(&ev, "CommandLine", 11, "c", 1, SEV_STR);
    ev.time_ms = INT64_MIN;
    sigma_feed(s, &ev);
  }
  sigma_session_finish(s);
  CHECK_INT(g.n, 0);
  CHECK_INT((int)sigma_session_untimed(s), 2);
  sev_free(&ev);
  sigma_session_free(s);
  sigma_engine_free(e);
}

static int count_alerts;
static void count_cb(void *ctx, const SigmaAlert *a) { (void)ctx; (void)a; count_alerts++; }

TEST(many_groups) {
  char y[2048];
  snprintf(y, sizeof y, "%stitle: pairs\ncorrelation:\n  type: event_count\n  rules: [fail]\n"
           "  group-by: [TargetUserName]\n  timespan: 1h\n  condition: {gte: 2}\n", fail_rule);
  SigmaEngine *e = h_engine(y, SIGMA_FAST, NULL);
  CHECK(e != NULL);
  if (!e) return;
  count_alerts = 0;
  SigmaSession *s = sigma_session_new(e, count_cb, NULL);
  SigmaEvent ev;
  sev_init(&ev);
  for (int round = 0; round < 2; round++)      /* 3000 users, each fails twice */
    for (int u = 0; u < 3000; u++) {
      char name[32];
      snprintf(name, sizeof name, "user%d", u);
      sev_reset(&ev);
      sev_add(&ev, "EventID", 7, "4625", 4, SEV_STR);
      sev_add(&ev, "TargetUserName", 14, name, strlen(name), SEV_STR);
      ev.time_ms = (int64_t)(round * 3000 + u) * 100;
      sigma_feed(s, &ev);
    }
  sigma_session_finish(s);
  CHECK_INT(count_alerts, 3000);
  sev_free(&ev);
  sigma_session_free(s);
  sigma_engine_free(e);
}

TEST(bad_correlations) {
  char y[2048];
  snprintf(y, sizeof y, "%stitle: c\ncorrelation:\n  type: event_count\n  rules: [nosuch]\n  timespan: 5m\n"
           "  condition: {gte: 2}\n", fail_rule);
  CHECK(h_engine(y, SIGMA_FAST, NULL) == NULL);
  CHECK(strstr(h_reason, "nosuch") != NULL);
  snprintf(y, sizeof y, "%stitle: c\ncorrelation:\n  type: event_count\n  rules: [fail]\n  timespan: 5x\n"
           "  condition: {gte: 2}\n", fail_rule);
  CHECK(h_engine(y, SIGMA_FAST, NULL) == NULL);
  snprintf(y, sizeof y, "%stitle: c\ncorrelation:\n  type: value_count\n  rules: [fail]\n  timespan: 5m\n"
           "  condition: {gte: 2}\n", fail_rule);
  CHECK(h_engine(y, SIGMA_FAST, NULL) == NULL);   /* value_count needs field */
  snprintf(y, sizeof y, "%stitle: c\ncorrelation:\n  type: sometimes\n  rules: [fail]\n  timespan: 5m\n", fail_rule);
  CHECK(h_engine(y, SIGMA_FAST, NULL) == NULL);
}

/* rules: may name a rule by its id as well as by its name. */
TEST(reference_by_id) {
  const char *base = "title: fail\nid: 5f0c3a52-1d1e-4d8e-9a51-3a8c7f1b2e90\nname: failed_logon\n"
                     "logsource: {product: windows}\ndetection:\n  s: {EventID: 4625}\n  condition: s\n---\n";
  char y[2048];
  snprintf(y, sizeof y, "%stitle: by_id\ncorrelation:\n  type: event_count\n"
           "  rules: [5f0c3a52-1d1e-4d8e-9a51-3a8c7f1b2e90]\n  group-by: [TargetUserName]\n"
           "  timespan: 5m\n  condition: {gte: 2}\n", base);
  Got g;
  run2(y, EV("0|EventID=4625|TargetUserName=a", "1|EventID=4625|TargetUserName=a"), &g);
  CHECK_INT(g.n, 1);
  CHECK_STR(g.title[0], "by_id");
  CHECK_INT(g.nrefs[0], 2);
  run2(y, EV("0|EventID=4625|TargetUserName=a", "1|EventID=4624|TargetUserName=a"), &g);
  CHECK_INT(g.n, 0);
  /* the title is neither: a correlation naming it references nothing */
  snprintf(y, sizeof y, "%stitle: by_title\ncorrelation:\n  type: event_count\n  rules: [fail]\n"
           "  group-by: [TargetUserName]\n  timespan: 5m\n  condition: {gte: 2}\n", base);
  CHECK(h_engine(y, SIGMA_FAST, NULL) == NULL);
  CHECK(strstr(h_reason, "unknown rule") != NULL);
}

int main(void) {
  RUN(event_count);
  RUN(value_count_and_range);
  RUN(temporal_and_ordered);
  RUN(aliases);
  RUN(value_aggregates);
  RUN(generate_and_chains);
  RUN(out_of_order);
  RUN(upper_bounds_wait_for_the_window);
  RUN(groups_and_missing_values);
  RUN(many_groups);
  RUN(bad_correlations);
  RUN(reference_by_id);
  return TEST_DONE();
}
