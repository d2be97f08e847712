/* sin.h — internals shared by the Sigma input readers: the byte source
 * (file, gzip, memory, stdin), the text window, per-format reader hooks and
 * the small helpers (time parsing, warnings) they share. Not a public API. */
#ifndef VARDE_SIGMA_SIN_H
#define VARDE_SIGMA_SIN_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/err.h"
#include "sigma/event.h"
#include "sigma/input/input.h"

#define SIN_HEAD 4096          /* bytes kept for format detection */
#define SIN_MAX_RECORD ((size_t)16 << 20)

/* A byte source: plain fd, gzip (over fd or memory) or memory. */
typedef struct SinSrc {
  int fd;                      /* -1 for memory */
  int own_fd;
  const unsigned char *mem;    /* memory source (raw bytes, maybe gzip) */
  size_t mem_n, mem_pos;
  void *z;                     /* z_stream when gzip */
  unsigned char *zin;          /* compressed input buffer (fd + gzip) */
  int zeof;                    /* inflate finished every member and input ended */
  unsigned char head[SIN_HEAD];/* first bytes, re-delivered before the rest */
  size_t head_n, head_pos;
  int seekable;                /* plain file: skip by lseek */
  uint64_t pos;                /* decompressed bytes delivered so far */
  uint64_t skipped;            /* of which skipped (chunk ranges), not read */
  int zgap;                    /* gzip: between members (or before trailing zeros) */
  struct SinU16 *u16;          /* UTF-16 text (BOM seen): transcoded to UTF-8 */
  char damage[160];            /* gzip damage or truncation seen ("" if none);
                                * the source then ends where the damage is */
} SinSrc;

int sin_src_open_path(SinSrc *s, const char *path, Err *err);
void sin_src_open_mem(SinSrc *s, const void *p, size_t n);
/* Reads up to n bytes; returns the count (short only at end), or -1 with err. */
ssize_t sin_src_read(SinSrc *s, void *buf, size_t n, Err *err);
/* The same, but returns what is available (>0) without waiting for n:
 * text readers use it so that a live pipe is read as it comes. */
ssize_t sin_src_read_some(SinSrc *s, void *buf, size_t n, Err *err);
/* Skips n bytes (lseek when possible). Returns 0, or -1 with err. */
int sin_src_skip(SinSrc *s, uint64_t n, Err *err);
void sin_src_close(SinSrc *s);
/* Detects the content format from the head bytes. */
SigmaFormat sin_detect(const unsigned char *p, size_t n);

/* A growing text window over a source, for line- and value-based readers. */
typedef struct SinWin {
  char *p;
  size_t pos, end, cap, max;
  int eof;
} SinWin;
void sin_win_init(SinWin *w, size_t max);
void sin_win_free(SinWin *w);
/* Reads more input, moving unread bytes to the front and growing up to max.
 * Returns bytes added (0 at end of input or when full), -1 on error. */
ssize_t sin_win_fill(SinWin *w, SinSrc *s, Err *err);
/* Next line without its "\n" / "\r\n". Returns 1, 0 at end, -1 on error;
 * *toolong is set when a line exceeded max (it is skipped and reported). */
int sin_win_line(SinWin *w, SinSrc *s, char **line, size_t *len, int *toolong, Err *err);

/* Per-file reader: one per format. */
typedef struct SinFile SinFile;
struct SinFile {
  int (*next)(SinFile *f, SigmaEvent *ev, Err *err);
  void (*free)(SinFile *f);
  SinSrc *src;                 /* owned by the caller */
  const char *name;
  const SigmaInputOpts *opts;
  SigmaInputStats *stats;
  SigmaFormat format;
  SigmaPosKind pos_kind;       /* what sin_warn's position counts: lines or bytes */
};
/* Reports damage at pos (a line or a byte offset, as f->pos_kind says). */
void sin_warn(SinFile *f, uint64_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Buffers a reader may keep across the files of one SigmaInput. */
typedef struct SinCache {
  struct EvtxBx *bx;           /* EVTX decoder state (name cache, scratch) */
  uint8_t *chunk;              /* 64 KiB chunk buffer */
} SinCache;
void sin_cache_free(SinCache *c);

/* cache may be NULL; when given, the reader borrows (and fills) it. */
SinFile *sin_evtx_open(uint32_t chunk_first, uint32_t chunk_count, SinCache *cache, Err *err);
SinFile *sin_json_open(Err *err);
SinFile *sin_syslog_open(Err *err);
SinFile *sin_m365csv_open(Err *err);

/* JSON flattener (json.c), shared by the JSON and M365 CSV readers. */
typedef struct SinJson SinJson;
SinJson *sin_json_new(void);
void sin_json_free(SinJson *j);
/* Parses exactly one JSON value in [p, p+n) (surrounding whitespace allowed)
 * and appends its flattened fields to ev. Returns 0, or -1 with *why set and
 * *at the byte offset of the error. */
int sin_json_flatten(SinJson *j, const char *p, size_t n, SigmaEvent *ev,
                     const char **why, size_t *at);
/* The same over the reader's own bytes, which stay put while ev is in use:
 * they are decoded in place and the fields point into them (no copy). */
int sin_json_flatten_inplace(SinJson *j, char *p, size_t n, SigmaEvent *ev,
                             const char **why, size_t *at);
/* Whether the last value flattened had a top-level "AuditData" string that
 * looks like a JSON object (a Sentinel / Log Analytics export). */
int sin_json_auditdata(const SinJson *j);
/* Returns the offset just past the JSON value starting at p[0] (an object or
 * array), 0 if the value is incomplete in [p, p+n), or -1 if malformed. */
ssize_t sin_json_span(const char *p, size_t n);

/* ISO 8601 / RFC 3339 ("2024-01-02T03:04:05.678Z", space separator, offset,
 * no zone = UTC) to ms since the epoch; INT64_MIN if not a time. */
int64_t sin_parse_time(const char *s, size_t n);
int64_t sin_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
