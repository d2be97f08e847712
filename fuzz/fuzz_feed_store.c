/* fuzz_feed_store.c — libFuzzer target for storing feeds (src/findings):
 * the first byte picks NVD, KEV, EPSS or CSAF, the rest is the document,
 * stored into a real SQLite database twice (the second time may add nothing),
 * so the compare, replace and skip paths all run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "findings/findings.h"

static Db *db;

static int setup(void) {
  char dir[] = "/tmp/varde-fuzz-feed-XXXXXX", path[64];
  Err e = {0};
  if (!mkdtemp(dir)) return -1;
  snprintf(path, sizeof path, "%s/f.db", dir);
  return db_open(&db, path, DB_OPEN_CREATE, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!db && setup()) abort();
  if (size < 1) return 0;
  FindFeedKind kind = (FindFeedKind)(data[0] % 4);
  FindFeedStats a = {0}, b = {0};
  Err e = {0};
  if (find_feed_store(db, kind, "fuzz", (const char *)data + 1, size - 1, NULL, NULL, NULL, &a, &e)) return 0;
  if (find_feed_store(db, kind, "fuzz", (const char *)data + 1, size - 1, NULL, NULL, NULL, &b, &e)) abort();
  if (b.added) abort();   /* a re-import adds nothing (duplicates inside one document may swap) */
  return 0;
}
