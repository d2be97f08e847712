/* fuzz_scan_findings.c — libFuzzer target for a scan report on its way into
 * findings (src/scanjobs/findings.c, src/findings/scan.c): the report is
 * read into services, which are matched against a fixture feed and stored;
 * the first byte says whether the run was complete (then what it did not
 * see is moved on). Storing must never fail on any report. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/principal.h"
#include "db/db.h"
#include "findings/scan.h"
#include "org/org.h"
#include "scanjobs/scanjobs_int.h"

static Db *db;
static int64_t org, run;

static const char feed[] =
  "{\"vulnerabilities\":[{\"cve\":{\"id\":\"CVE-2099-1001\",\"lastModified\":\"2099-01-01T00:00:00.000\","
  "\"configurations\":[{\"nodes\":[{\"operator\":\"OR\",\"negate\":false,\"cpeMatch\":[{\"vulnerable\":true,"
  "\"criteria\":\"cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*\",\"versionEndExcluding\":\"9.3p2\"}]}]}]}}]}";

static int setup(void) {
  char dir[] = "/tmp/varde-fuzz-scanfind-XXXXXX", path[64];
  Err e = {0};
  Principal cli;
  FindFeedStats st = {0};
  if (!mkdtemp(dir)) return -1;
  snprintf(path, sizeof path, "%s/f.db", dir);
  auth_principal_cli(&cli);
  OrgNew o = {.kind = ORG_NATIONAL, .name = "Fuzz", .population = -1};
  if (db_open(&db, path, DB_OPEN_CREATE, &e) || org_create(db, &cli, &o, &org, &e)) return -1;
  return find_feed_store(db, FIND_FEED_NVD, "fuzz", feed, strlen(feed), NULL, NULL, NULL, &st, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!db && setup()) abort();
  if (size < 1 || size > (1u << 20)) return 0;
  ScanjobsServices c = {0};
  Err e = {0};
  if (scanjobs__services_parse(&c, (const char *)data + 1, size - 1, &e)) abort();
  FindScanRun r = {org, ++run, data[0] & 1, "10.0.0.0/8,fd00::/8", "1-65535", c.tout, c.ntout, c.v, c.n};
  if (find_scan_ingest(db, NULL, &r, NULL, &e)) {
    fprintf(stderr, "%s\n", e.msg);
    abort();
  }
  scanjobs__services_free(&c);
  return 0;
}
