/* fuzz_cfgbin.c — libFuzzer target for the binary configuration record
 * decoder (src/vuln/cfgbin.c), which reads what the database holds. Checks
 * the round trip: whatever decodes encodes back to the same bytes; and
 * that skimming (vuln_cfgbin_wanted) finds a decodable record whole. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/cfgbin.h"

static int never(void *ctx, const char *c, size_t l) {
  (void)ctx, (void)c, (void)l;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  VulnDb *db = vuln_db_new();
  VulnCfgDecoder *d = db ? vuln_cfgbin_decoder_new(db) : NULL;
  Err e = {0};
  if (d && !vuln_cfgbin_decode(d, "CVE-0000-0000", data, size, &e)) {
    Buf b;
    buf_init(&b, (size_t)1 << 26);
    if (vuln_cfgbin_encode(&db->cve[0], &b) || b.n != size || memcmp(b.p, data, size)) abort();
    uint32_t ncfg = 0;
    if (vuln_cfgbin_wanted(data, size, never, NULL, &ncfg) || ncfg != db->cve[0].ncfg) abort();
    buf_free(&b);
  }
  vuln_cfgbin_decoder_free(d);
  vuln_db_free(db);
  return 0;
}
