/* src.c — byte sources for the Sigma input readers: plain files, standard
 * input, memory, and gzip over any of them (detected by its magic bytes,
 * multi-member), plus the growing text window that line readers use. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/utf8.h"
#include "sigma/input/sin.h"

#define ZIN 65536

/* Reads up to n bytes; with some, returns after the first read that got
 * anything (pipes and terminals deliver what is there, not full blocks). */
static ssize_t raw_read(SinSrc *s, void *buf, size_t n, Err *err, int some) {
  if (s->fd < 0) {
    size_t left = s->mem_n - s->mem_pos;
    if (n > left) n = left;
    memcpy(buf, s->mem + s->mem_pos, n);
    s->mem_pos += n;
    return (ssize_t)n;
  }
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(s->fd, (char *)buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return err_set(err, VERR_IO, "lesefeil (%s)", strerror(errno)), -1;
    if (r == 0) break;
    got += (size_t)r;
    if (some) break;
  }
  return (ssize_t)got;
}

static void gz_damage(SinSrc *s, const char *msg) {
  if (!s->damage[0]) snprintf(s->damage, sizeof s->damage, "%s", msg);
  s->zeof = 1;
}

static ssize_t gz_read(SinSrc *s, void *buf, size_t n, Err *err, int some) {
  z_stream *z = s->z;
  z->next_out = buf;
  z->avail_out = (uInt)n;
  while (z->avail_out > 0 && !s->zeof) {
    if (z->avail_in == 0) {
      if (some && z->avail_out < n) break;      /* deliver what we have */
      ssize_t r = raw_read(s, s->zin, ZIN, err, 1);
      if (r < 0) return -1;
      if (r == 0) {                             /* end of the compressed bytes */
        if (!s->zgap)
          gz_damage(s, "gzip-filen er avkortet (slutten mangler); det som kunne leses er brukt, "
                       "men hendelser fra slutten av filen mangler");
        s->zeof = 1;
        break;
      }
      z->next_in = s->zin;
      z->avail_in = (uInt)r;
    }
    if (s->zgap) {          /* after a member: the next one, or zero padding */
      while (z->avail_in && *z->next_in == 0) { z->next_in++; z->avail_in--; }
      if (!z->avail_in) continue;
      if (inflateReset(z) != Z_OK) { s->zeof = 1; break; }
      s->zgap = 0;
    }
    int rc = inflate(z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) { s->zgap = 1; continue; }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      char msg[160];
      snprintf(msg, sizeof msg, "gzip-dataene er skadet (%s); lesingen stoppet der, det som kunne "
               "leses før er brukt", z->msg ? z->msg : "ukjent feil");
      gz_damage(s, msg);
      break;
    }
    if (rc == Z_BUF_ERROR && z->avail_in == 0) continue;
    if (rc == Z_BUF_ERROR) break;
  }
  return (ssize_t)(n - z->avail_out);
}

static ssize_t base_read(SinSrc *s, void *buf, size_t n, Err *err, int some) {
  return s->z ? gz_read(s, buf, n, err, some) : raw_read(s, buf, n, err, some);
}

/* --- UTF-16 text -------------------------------------------------------- */

#define U16IN 32768

/* UTF-16 text with a byte order mark (what Windows PowerShell 5.1 writes
 * with Out-File and ">"), transcoded to UTF-8 under every text reader. */
struct SinU16 {
  int be;
  unsigned hi;                       /* a high surrogate waiting for its pair */
  int eof;
  size_t in_n, out_pos, out_n;
  unsigned char in[U16IN];           /* raw bytes not yet converted */
  char out[U16IN * 2 + 16];          /* at most 3 bytes out per 2 in, + the end */
};


/* Converts the complete units in u->in to u->out (empty before); at the end
 * a lone high surrogate or odd byte becomes U+FFFD. Unpaired surrogates
 * become U+FFFD. */
static void u16_convert(struct SinU16 *u) {
  size_t i = 0, o = 0;
  for (; i + 1 < u->in_n; i += 2) {
    unsigned c = u->be ? (unsigned)u->in[i] << 8 | u->in[i + 1] : (unsigned)u->in[i + 1] << 8 | u->in[i];
    if (u->hi) {
      unsigned hi = u->hi;
      u->hi = 0;
      if (c >= 0xDC00 && c <= 0xDFFF) {
        o += utf8_put(0x10000 + ((hi - 0xD800) << 10) + (c - 0xDC00), u->out + o);
        continue;
      }
      o += utf8_put(0xFFFD, u->out + o);
    }
    if (c >= 0xD800 && c <= 0xDBFF) u->hi = c;
    else o += utf8_put(c >= 0xDC00 && c <= 0xDFFF ? 0xFFFD : c, u->out + o);
  }
  size_t left = u->in_n - i;
  if (left) memmove(u->in, u->in + i, left);
  u->in_n = left;
  if (u->eof) {
    if (u->hi) o += utf8_put(0xFFFD, u->out + o);
    if (u->in_n) o += utf8_put(0xFFFD, u->out + o);
    u->hi = 0;
    u->in_n = 0;
  }
  u->out_pos = 0;
  u->out_n = o;
}

static ssize_t u16_read(SinSrc *s, void *buf, size_t n, Err *err, int some) {
  struct SinU16 *u = s->u16;
  size_t got = 0;
  while (got < n) {
    if (u->out_pos < u->out_n) {
      size_t k = u->out_n - u->out_pos;
      if (k > n - got) k = n - got;
      memcpy((char *)buf + got, u->out + u->out_pos, k);
      u->out_pos += k;
      got += k;
      continue;
    }
    if (u->eof || (some && got)) break;
    ssize_t r = base_read(s, u->in + u->in_n, U16IN - u->in_n, err, 1);
    if (r < 0) return -1;
    if (r == 0) u->eof = 1;
    u->in_n += (size_t)r;
    u16_convert(u);
  }
  return (ssize_t)got;
}

static ssize_t any_read(SinSrc *s, void *buf, size_t n, Err *err, int some) {
  if (s->u16) return u16_read(s, buf, n, err, some);
  return base_read(s, buf, n, err, some);
}

/* Fills the head: enough for detection, i.e. up to the first newline (a
 * pipe may deliver a line at a time), a full block, or the end. */
static int fill_head(SinSrc *s, Err *err) {
  for (;;) {
    ssize_t more = any_read(s, s->head + s->head_n, SIN_HEAD - s->head_n, err, 1);
    if (more < 0) return -1;
    s->head_n += (size_t)more;
    if (more == 0 || s->head_n == SIN_HEAD || (s->head_n >= 8 && memchr(s->head, '\n', s->head_n)))
      return 0;
  }
}

/* Reads the head block and switches to gzip when it starts with 1f 8b, and
 * to UTF-16 transcoding when the (unpacked) text starts with FF FE or FE FF. */
static int src_start(SinSrc *s, Err *err) {
  unsigned char m[2];
  ssize_t r = raw_read(s, m, 2, err, 0);
  if (r < 0) return -1;
  if (r == 2 && m[0] == 0x1f && m[1] == 0x8b) {
    z_stream *z = calloc(1, sizeof *z);
    s->zin = malloc(ZIN);
    if (!z || !s->zin) { free(z); return err_set(err, VERR_NOMEM, "tomt for minne"); }
    if (inflateInit2(z, 15 + 32) != Z_OK) { free(z); return err_set(err, VERR_NOMEM, "zlib kunne ikke startes"); }
    s->z = z;
    s->seekable = 0;
    memcpy(s->zin, m, 2);
    z->next_in = s->zin;
    z->avail_in = 2;
    r = 0;
  } else {
    memcpy(s->head, m, (size_t)r);
  }
  s->head_n = (size_t)r;
  if (fill_head(s, err)) return -1;
  if (s->head_n >= 2 && ((s->head[0] == 0xFF && s->head[1] == 0xFE) || (s->head[0] == 0xFE && s->head[1] == 0xFF))) {
    struct SinU16 *u = calloc(1, sizeof *u);
    if (!u) return err_set(err, VERR_NOMEM, "tomt for minne");
    u->be = s->head[0] == 0xFE;
    u->in_n = s->head_n - 2;                 /* the BOM is dropped */
    memcpy(u->in, s->head + 2, u->in_n);
    u16_convert(u);
    s->u16 = u;
    s->seekable = 0;
    s->head_n = 0;
    if (fill_head(s, err)) return -1;
  }
  return 0;
}

int sin_src_open_path(SinSrc *s, const char *path, Err *err) {
  memset(s, 0, sizeof *s);
  if (strcmp(path, "-") == 0) {
    s->fd = 0;
  } else {
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) return err_set(err, VERR_IO, "kan ikke åpnes (%s)", strerror(errno));
    s->own_fd = 1;
    struct stat st;
    s->seekable = fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode);
  }
  if (src_start(s, err)) { sin_src_close(s); return -1; }
  return 0;
}

void sin_src_open_mem(SinSrc *s, const void *p, size_t n) {
  memset(s, 0, sizeof *s);
  s->fd = -1;
  s->mem = p;
  s->mem_n = n;
  Err e;
  if (src_start(s, &e)) s->head_n = 0;   /* memory reads cannot fail */
}

static ssize_t src_read(SinSrc *s, void *buf, size_t n, Err *err, int some) {
  size_t got = 0;
  if (s->head_pos < s->head_n) {
    got = s->head_n - s->head_pos;
    if (got > n) got = n;
    memcpy(buf, s->head + s->head_pos, got);
    s->head_pos += got;
  }
  if (got < n && !(some && got)) {
    ssize_t r = any_read(s, (char *)buf + got, n - got, err, some);
    if (r < 0) return -1;
    got += (size_t)r;
  }
  s->pos += got;
  return (ssize_t)got;
}

ssize_t sin_src_read(SinSrc *s, void *buf, size_t n, Err *err) { return src_read(s, buf, n, err, 0); }
ssize_t sin_src_read_some(SinSrc *s, void *buf, size_t n, Err *err) { return src_read(s, buf, n, err, 1); }

int sin_src_skip(SinSrc *s, uint64_t n, Err *err) {
  s->skipped += n;
  uint64_t inhead = s->head_n - s->head_pos;
  if (inhead > n) inhead = n;
  s->head_pos += inhead;
  s->pos += inhead;
  n -= inhead;
  if (!n) return 0;
  if (s->seekable) {
    if (lseek(s->fd, (off_t)n, SEEK_CUR) < 0) return err_set(err, VERR_IO, "kan ikke hoppe fram i filen (%s)", strerror(errno));
    s->pos += n;
    return 0;
  }
  char tmp[8192];
  while (n) {
    ssize_t r = sin_src_read(s, tmp, n < sizeof tmp ? n : sizeof tmp, err);
    if (r < 0) return -1;
    if (r == 0) return 0;
    n -= (uint64_t)r;
  }
  return 0;
}

void sin_src_close(SinSrc *s) {
  if (s->z) { inflateEnd(s->z); free(s->z); }
  free(s->zin);
  free(s->u16);
  if (s->own_fd) close(s->fd);
  memset(s, 0, sizeof *s);
  s->fd = -1;
}

/* --- text window -------------------------------------------------------- */

void sin_win_init(SinWin *w, size_t max) {
  memset(w, 0, sizeof *w);
  w->max = max ? max : SIN_MAX_RECORD;
}

void sin_win_free(SinWin *w) {
  free(w->p);
  memset(w, 0, sizeof *w);
}

ssize_t sin_win_fill(SinWin *w, SinSrc *s, Err *err) {
  if (w->eof) return 0;
  if (w->pos > 0) {
    memmove(w->p, w->p + w->pos, w->end - w->pos);
    w->end -= w->pos;
    w->pos = 0;
  }
  if (w->end == w->cap) {
    if (w->cap >= w->max + 1) return 0;   /* full: caller reports "too long" */
    size_t cap = w->cap ? w->cap * 2 : 65536;
    if (cap > w->max + 1) cap = w->max + 1;
    char *p = realloc(w->p, cap + 1);
    if (!p) return err_set(err, VERR_NOMEM, "tomt for minne"), -1;
    w->p = p;
    w->cap = cap;
  }
  ssize_t r = sin_src_read_some(s, w->p + w->end, w->cap - w->end, err);
  if (r < 0) return -1;
  if (r == 0) w->eof = 1;
  w->end += (size_t)r;
  w->p[w->end] = '\0';
  return r;
}

int sin_win_line(SinWin *w, SinSrc *s, char **line, size_t *len, int *toolong, Err *err) {
  size_t scanned = 0;
  *toolong = 0;
  for (;;) {
    char *start = w->p ? w->p + w->pos : NULL;
    size_t avail = w->end - w->pos;
    char *nl = avail > scanned ? memchr(start + scanned, '\n', avail - scanned) : NULL;
    if (nl || (w->eof && avail)) {
      size_t n = nl ? (size_t)(nl - start) : avail;
      w->pos += nl ? n + 1 : n;
      if (n && start[n - 1] == '\r') n--;
      *line = start;
      *len = n;
      return 1;
    }
    if (w->eof) return 0;
    scanned = avail;
    ssize_t r = sin_win_fill(w, s, err);
    if (r < 0) return -1;
    if (r == 0 && !w->eof) {          /* window full: drop up to the next newline */
      *toolong = 1;
      w->pos = w->end;
      scanned = 0;
      for (;;) {
        r = sin_win_fill(w, s, err);
        if (r < 0) return -1;
        char *q = memchr(w->p + w->pos, '\n', w->end - w->pos);
        if (q) { w->pos = (size_t)(q - w->p) + 1; break; }
        w->pos = w->end;
        if (w->eof) break;
      }
    }
  }
}
