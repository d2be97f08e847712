/* fuzz_evtx.c — libFuzzer target for the EVTX reader. The input is one
 * chunk; the target wraps it in a valid file header and recomputes the
 * chunk's CRC32s so mutations reach the record and BinXml parsers. */
#include <stdlib.h>
#include <zlib.h>

#include "sigma_fuzz_common.h"

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  enum { HDR = 4096, CHUNK = 65536 };
  if (size > CHUNK) size = CHUNK;
  uint8_t *f = calloc(1, HDR + CHUNK);
  if (!f) return 0;
  memcpy(f, "ElfFile", 8);
  f[32] = 128;                          /* header size */
  f[36] = 1; f[38] = 3;                 /* version 3.1 */
  f[41] = 0x10;                         /* block size 4096 */
  f[42] = 1;                            /* one chunk */
  put32(f + 124, (uint32_t)crc32(0, f, 120));
  uint8_t *c = f + HDR;
  memcpy(c, data, size);
  if (size >= 512) {
    memcpy(c, "ElfChnk", 8);
    uint32_t free_off = (uint32_t)c[48] | (uint32_t)c[49] << 8 | (uint32_t)c[50] << 16 | (uint32_t)c[51] << 24;
    if (free_off >= 512 && free_off <= CHUNK)
      put32(c + 52, (uint32_t)crc32(0, c + 512, free_off - 512));
    uint32_t crc = (uint32_t)crc32(0, c, 120);
    put32(c + 124, (uint32_t)crc32(crc, c + 128, 512 - 128));
  }
  sigma_fuzz_run(f, HDR + (size >= 512 ? CHUNK : size), SFMT_EVTX);
  free(f);
  return 0;
}
