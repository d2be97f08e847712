/* evtx.c — the EVTX file layer: file header, 64 KiB chunks ("ElfChnk",
 * header and data CRC32 checks) and event records ("**\0\0", size copies);
 * damaged chunks and records are reported with their file offset and
 * skipped, and reading goes on with the next record or chunk. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "sigma/input/evtx.h"
#include "sigma/input/sin.h"

#define FILE_HEADER 4096
#define CHUNK_HEADER 512

typedef struct EvtxFile {
  SinFile base;
  uint8_t *chunk;
  uint32_t first, count;    /* chunk range; count 0 = to the end */
  uint32_t done;            /* chunks read so far */
  int started, have, ended;
  uint32_t rec, rec_end, got;
  uint64_t chunk_off;       /* file offset of the loaded chunk */
  uint32_t declared;        /* chunks the file header says the file has */
  EvtxBx *bx;
  SinCache *cache;          /* when set, chunk and bx belong to it */
} EvtxFile;

static inline uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* The file ended after `present` chunks (counted from the first): warns
 * when the file header declared more. Only a reader that reaches the end of
 * the file can tell, so a chunk range that ends earlier says nothing. */
static void truncated(EvtxFile *x, uint32_t present, int partial) {
  uint64_t have = (uint64_t)x->first + present;
  if (x->declared > have)
    sin_warn(&x->base, FILE_HEADER + have * EVTX_CHUNK_SIZE,
             "EVTX-filen er avkortet: filhodet oppgir %u blokker (chunks), men filen har %llu%s; "
             "hendelsene i resten mangler (kopier filen på nytt)",
             x->declared, (unsigned long long)have,
             partial ? " (den siste ufullstendig)" : "");
}

/* The record number users see: System/EventRecordID as the record renders
 * it (Event Viewer, wevtutil, evtx_dump). Exported logs renumber the record
 * headers from 1 but keep EventRecordID, so the header's id is only the
 * fallback. System fields come first: only the first few are looked at. */
static uint64_t record_id(const SigmaEvent *ev, uint64_t header_id) {
  uint32_t n = ev->n < 24 ? ev->n : 24;
  for (uint32_t i = 0; i < n; i++) {
    const SigmaField *f = &ev->f[i];
    if (f->name_len != 13 || memcmp(sev_name(ev, f), "EventRecordID", 13) != 0) continue;
    const char *v = sev_val(ev, f);
    uint64_t id = 0;
    if (f->val_len == 0 || f->val_len > 19) return header_id;
    for (uint32_t k = 0; k < f->val_len; k++) {
      if (v[k] < '0' || v[k] > '9') return header_id;
      id = id * 10 + (uint64_t)(v[k] - '0');
    }
    return id;
  }
  return header_id;
}

static int start(EvtxFile *x, Err *err) {
  uint8_t h[FILE_HEADER];
  x->started = 1;
  ssize_t n = sin_src_read(x->base.src, h, sizeof h, err);
  if (n < 0) return -1;
  if (n < 128 || memcmp(h, "ElfFile", 8) != 0)
    return err_set(err, VERR_INVALID, "ikke en lesbar EVTX-fil: filhodet er %s (%zd byte)",
                   n < 128 ? "avkortet" : "ødelagt", n);
  x->declared = (uint32_t)h[42] | (uint32_t)h[43] << 8;
  if ((uint32_t)crc32(0, h, 120) != rd32(h + 124))
    sin_warn(&x->base, 0, "sjekksummen i filhodet stemmer ikke (filen ble kanskje ikke lukket ordentlig); "
             "leser videre");
  if (n < FILE_HEADER) { truncated(x, 0, 0); x->ended = 1; return 0; }
  x->chunk_off = FILE_HEADER + (uint64_t)x->first * EVTX_CHUNK_SIZE;
  if (x->first && sin_src_skip(x->base.src, (uint64_t)x->first * EVTX_CHUNK_SIZE, err)) return -1;
  return 0;
}

static int all_zero(const uint8_t *p, size_t n) {
  return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* Checks the loaded chunk's header; returns 1 if its records can be read. */
static int check_chunk(EvtxFile *x) {
  const uint8_t *c = x->chunk;
  if (memcmp(c, "ElfChnk", 8) != 0) {
    if (!all_zero(c, x->got)) sin_warn(&x->base, x->chunk_off, "blokken (chunk) har feil signatur og er hoppet over");
    return 0;
  }
  uint32_t crc = (uint32_t)crc32(0, c, 120);
  crc = (uint32_t)crc32(crc, c + 128, CHUNK_HEADER - 128);
  if (crc != rd32(c + 124)) {
    sin_warn(&x->base, x->chunk_off, "sjekksummen i blokkhodet (chunk) stemmer ikke; blokken er hoppet over");
    return 0;
  }
  uint32_t free_off = rd32(c + 48);
  if (free_off < CHUNK_HEADER || free_off > x->got) {
    sin_warn(&x->base, x->chunk_off, "blokkens (chunk) slutt på dataene (%u) er utenfor blokken; leser til blokkens slutt", free_off);
    free_off = x->got;
  } else if ((uint32_t)crc32(0, c + CHUNK_HEADER, free_off - CHUNK_HEADER) != rd32(c + 52)) {
    sin_warn(&x->base, x->chunk_off, "sjekksummen for postene i blokken (chunk) stemmer ikke; postene kontrolleres én og én");
  }
  x->rec = CHUNK_HEADER;
  x->rec_end = free_off;
  return 1;
}

/* Loads the next chunk of the range. Returns 1, 0 at the end, -1 on error. */
static int load_chunk(EvtxFile *x, Err *err) {
  for (;;) {
    if (x->ended) return 0;
    if (x->count && x->done >= x->count) {
      /* the last range of a split file (a plain file: only those are
       * split) ends where the file ends; then chunks may be missing */
      struct stat st;
      SinSrc *sr = x->base.src;
      x->ended = 1;
      if (x->first + x->count < x->declared && sr->seekable && fstat(sr->fd, &st) == 0 &&
          (uint64_t)st.st_size <= FILE_HEADER + ((uint64_t)x->first + x->count) * EVTX_CHUNK_SIZE)
        truncated(x, x->done, 0);
      return 0;
    }
    if (x->done) x->chunk_off += EVTX_CHUNK_SIZE;
    ssize_t n = sin_src_read(x->base.src, x->chunk, EVTX_CHUNK_SIZE, err);
    if (n < 0) return -1;
    x->done++;
    if (n == 0) { truncated(x, x->done - 1, 0); x->ended = 1; return 0; }
    if (n < CHUNK_HEADER) {
      if (!all_zero(x->chunk, (size_t)n))
        sin_warn(&x->base, x->chunk_off, "avkortet blokk (chunk) på slutten av filen (%zd byte); hoppet over", n);
      truncated(x, x->done - 1, 0);
      x->ended = 1;
      return 0;
    }
    if (n < EVTX_CHUNK_SIZE) {
      memset(x->chunk + n, 0, EVTX_CHUNK_SIZE - (size_t)n);
      truncated(x, x->done, 1);
      x->ended = 1;
    }
    x->got = (uint32_t)n;
    if (check_chunk(x)) {
      evtx_bx_chunk(x->bx, x->chunk, EVTX_CHUNK_SIZE);
      return 1;
    }
  }
}

/* Finds the next record signature after a damaged one. */
static void resync(EvtxFile *x) {
  const uint8_t *c = x->chunk;
  for (uint32_t p = x->rec + 1; p + 24 <= x->rec_end; p++)
    if (c[p] == '*' && c[p + 1] == '*' && c[p + 2] == 0 && c[p + 3] == 0) { x->rec = p; return; }
  x->rec = x->rec_end;
}

/* Decodes the record at x->rec. Returns 1 with ev filled, 0 when skipped. */
static int record(EvtxFile *x, SigmaEvent *ev) {
  const uint8_t *c = x->chunk;
  uint32_t r = x->rec, size = rd32(c + r + 4);
  uint64_t at = x->chunk_off + r;
  if (memcmp(c + r, "**\0\0", 4) != 0 || size < 28 || size > x->rec_end - r ||
      rd32(c + r + size - 4) != size) {
    if (!all_zero(c + r, x->rec_end - r)) sin_warn(&x->base, at, "skadet posthode (record); hopper til neste post");
    resync(x);
    return 0;
  }
  x->rec = r + size;
  uint64_t id = rd64(c + r + 8);
  sev_reset(ev);
  const char *why = NULL;
  if (evtx_bx_record(x->bx, r + 24, size - 28, ev, &why)) {
    sin_warn(&x->base, at, "post %llu: %s; posten er hoppet over", (unsigned long long)id, why);
    return 0;
  }
  ev->format = SFMT_EVTX;
  ev->source = x->base.name;
  ev->record = record_id(ev, id);
  if (ev->time_ms == INT64_MIN) {
    uint64_t ft = rd64(c + r + 16);
    ev->time_ms = (int64_t)(ft / 10000) - 11644473600000LL;
  }
  return 1;
}

static int evtx_next(SinFile *f, SigmaEvent *ev, Err *err) {
  EvtxFile *x = (EvtxFile *)f;
  if (!x->started && start(x, err)) return -1;
  for (;;) {
    if (!x->have || x->rec + 24 > x->rec_end) {
      int r = load_chunk(x, err);
      if (r <= 0) return r;
      x->have = 1;
      continue;
    }
    if (record(x, ev)) return 1;
  }
}

static void evtx_free(SinFile *f) {
  EvtxFile *x = (EvtxFile *)f;
  if (!x->cache) {
    evtx_bx_free(x->bx);
    free(x->chunk);
  }
  free(x);
}

void sin_cache_free(SinCache *c) {
  evtx_bx_free(c->bx);
  free(c->chunk);
  c->bx = NULL;
  c->chunk = NULL;
}

SinFile *sin_evtx_open(uint32_t chunk_first, uint32_t chunk_count, SinCache *cache, Err *err) {
  EvtxFile *x = calloc(1, sizeof *x);
  if (x && cache) {
    if (!cache->chunk) cache->chunk = malloc(EVTX_CHUNK_SIZE);
    if (!cache->bx) cache->bx = evtx_bx_new();
    x->cache = cache;
    x->chunk = cache->chunk;
    x->bx = cache->bx;
  } else if (x) {
    x->chunk = malloc(EVTX_CHUNK_SIZE);
    x->bx = evtx_bx_new();
  }
  if (!x || !x->chunk || !x->bx) {
    if (x && !cache) { free(x->chunk); evtx_bx_free(x->bx); }
    free(x);
    err_set(err, VERR_NOMEM, "tomt for minne");
    return NULL;
  }
  x->first = chunk_first;
  x->count = chunk_count;
  x->base.next = evtx_next;
  x->base.free = evtx_free;
  x->base.format = SFMT_EVTX;
  return &x->base;
}
