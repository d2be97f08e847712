/* demo.c — the findings part of `varde demo`: the shipped KEV catalogue,
 * the EPSS example and the NVD fixture page imported, then matched against
 * the demo inventories. Idempotent: a rerun imports nothing new and the
 * match changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db.h"
#include "findings/findings.h"

/* shared: --shared, else $VARDE_SHARED, ../shared, or next to the build dir. */
static int feed_path(const char *shared, const char *rel, char *out, size_t cap) {
  char exe[2048];
  const char *cands[4] = {shared, getenv("VARDE_SHARED"), "../shared", NULL};
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 32);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) strcpy(slash, "/../../shared");
    cands[3] = exe;
  }
  struct stat sb;
  for (int i = 0; i < 4; i++) {
    if (!cands[i] || !*cands[i]) continue;
    snprintf(out, cap, "%s/%s", cands[i], rel);
    if (!stat(out, &sb)) return 0;
  }
  return -1;
}

int find_demo(Db *db, const Principal *who, const char *shared, Err *e) {
  static const struct {
    FindFeedKind kind;
    const char *rel;
  } feeds[] = {{FIND_FEED_NVD, "data/nvd/api2-page-38-cves.json"},
               {FIND_FEED_KEV, "data/kev/known_exploited_vulnerabilities.json"},
               {FIND_FEED_EPSS, "data/epss/example-1.csv"}};
  FindFeedStats st = {0};
  for (size_t i = 0; i < sizeof feeds / sizeof feeds[0]; i++) {
    char path[4096];
    if (feed_path(shared, feeds[i].rel, path, sizeof path)) {
      fprintf(stderr, "varde demo: fant ikke %s; hopper over.\n", feeds[i].rel);
      continue;
    }
    Buf b;
    buf_init(&b, (size_t)64 << 20);
    int rc = find_read_file(path, &b, e);
    if (!rc) rc = find_feed_store(db, feeds[i].kind, path, b.p ? b.p : "", b.n, NULL, NULL, NULL, &st, e);
    buf_free(&b);
    if (rc) return rc;
  }
  FindMatchStats m = {0};
  int rc = find_match_incremental(db, who, &m, e);
  if (rc) return rc;
  int64_t n = 0, orgs = 0;
  db_int(db, e, &n, "SELECT count(*) FROM findings WHERE status IN ('open','in_progress')", "");
  db_int(db, e, &orgs, "SELECT count(DISTINCT org_id) FROM findings", "");
  printf("Sårbarhetsdata: %zu nye poster; %lld aktive funn i %lld organisasjoner (%zu nye nå).\n\n",
         st.added + st.updated, (long long)n, (long long)orgs, m.created);
  return 0;
}
