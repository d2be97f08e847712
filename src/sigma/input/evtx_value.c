/* evtx_value.c — renders EVTX substitution values (all BinXml value types
 * and their arrays) as the text Windows shows in its XML view: hex without
 * padding, GUIDs braced upper-case, SIDs as S-1-..., times in UTC ISO 8601. */
#include <stdio.h>
#include <string.h>

#include "sigma/input/evtx.h"

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* Converts up to n units into o (room for 3 bytes per unit); returns the
 * bytes written and sets *used to the units consumed. */
static size_t utf16_block(char *o, const uint8_t *p, size_t n, size_t *used) {
  char *start = o;
  size_t i = 0;
  for (; i < n; i++) {
    uint32_t c = rd16(p + 2 * i);
    if (c < 0x80) {
      if (c) *o++ = (char)c;                 /* NUL units are dropped */
      continue;
    }
    if (c < 0x800) {
      *o++ = (char)(0xC0 | c >> 6);
      *o++ = (char)(0x80 | (c & 0x3F));
      continue;
    }
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n) {
      uint32_t lo = rd16(p + 2 * i + 2);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        i++;
        *o++ = (char)(0xF0 | c >> 18);
        *o++ = (char)(0x80 | ((c >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *o++ = (char)(0x80 | (c & 0x3F));
        continue;
      }
    }
    if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;
    *o++ = (char)(0xE0 | c >> 12);
    *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
    *o++ = (char)(0x80 | (c & 0x3F));
  }
  *used = i;
  return (size_t)(o - start);
}

void evtx_utf16(Buf *b, const uint8_t *p, size_t nchars) {
  char tmp[3 * 512 + 8];
  while (nchars) {
    size_t take = nchars > 512 ? 512 : nchars, used;
    size_t n = utf16_block(tmp, p, take, &used);
    buf_append(b, tmp, n);
    p += 2 * used;
    nchars -= used;
  }
}

static char *w_u64(char *o, uint64_t v) {
  char t[24];
  int i = 24;
  do { t[--i] = (char)('0' + v % 10); v /= 10; } while (v);
  memcpy(o, t + i, (size_t)(24 - i));
  return o + (24 - i);
}

static char *w_i64(char *o, int64_t v) {
  if (v < 0) { *o++ = '-'; return w_u64(o, (uint64_t)0 - (uint64_t)v); }
  return w_u64(o, (uint64_t)v);
}

static char *w_hex(char *o, uint64_t v) {
  static const char hx[] = "0123456789abcdef";
  char t[20];
  int i = 20;
  do { t[--i] = hx[v & 15]; v >>= 4; } while (v);
  *o++ = '0';
  *o++ = 'x';
  memcpy(o, t + i, (size_t)(20 - i));
  return o + (20 - i);
}

/* v as exactly w digits (decimal) or upper-case hex digits */
static char *w_dec(char *o, unsigned v, int w) {
  for (int i = w - 1; i >= 0; i--) { o[i] = (char)('0' + v % 10); v /= 10; }
  return o + w;
}
static char *w_hexw(char *o, uint32_t v, int w) {
  static const char hx[] = "0123456789ABCDEF";
  for (int i = w - 1; i >= 0; i--) { o[i] = hx[v & 15]; v >>= 4; }
  return o + w;
}

static char *w_guid(char *o, const uint8_t *p) {
  *o++ = '{';
  o = w_hexw(o, rd32(p), 8);
  *o++ = '-';
  o = w_hexw(o, rd16(p + 4), 4);
  *o++ = '-';
  o = w_hexw(o, rd16(p + 6), 4);
  *o++ = '-';
  o = w_hexw(o, (uint32_t)p[8] << 8 | p[9], 4);
  *o++ = '-';
  for (int i = 10; i < 16; i++) o = w_hexw(o, p[i], 2);
  *o++ = '}';
  return o;
}

static char *w_datetime(char *o, int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s) {
  o = w_dec(o, (unsigned)(y < 0 ? 0 : y > 9999 ? 9999 : y), 4);
  *o++ = '-';
  o = w_dec(o, mo, 2);
  *o++ = '-';
  o = w_dec(o, d, 2);
  *o++ = 'T';
  o = w_dec(o, h, 2);
  *o++ = ':';
  o = w_dec(o, mi, 2);
  *o++ = ':';
  return w_dec(o, s, 2);
}

static char *w_filetime(char *o, uint64_t ft) {
  uint64_t secs = ft / 10000000, frac = ft % 10000000;
  int64_t days = (int64_t)(secs / 86400) - 134774;   /* 1601 -> 1970 */
  uint64_t sod = secs % 86400;
  /* civil from days (H. Hinnant's algorithm) */
  int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = (int64_t)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  o = w_datetime(o, y, m, d, (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60), (unsigned)(sod % 60));
  *o++ = '.';
  o = w_dec(o, (unsigned)frac, 7);
  *o++ = 'Z';
  return o;
}

void evtx_filetime(Buf *b, uint64_t ft) {
  char t[40];
  buf_append(b, t, (size_t)(w_filetime(t, ft) - t));
}

static char *w_systemtime(char *o, const uint8_t *p) {
  o = w_datetime(o, rd16(p), rd16(p + 2) % 100, rd16(p + 6) % 100, rd16(p + 8) % 100,
                 rd16(p + 10) % 100, rd16(p + 12) % 100);
  *o++ = '.';
  o = w_dec(o, rd16(p + 14) % 1000, 3);
  *o++ = 'Z';
  return o;
}

/* Returns the SID's length, 0 if it does not fit in n bytes. */
static size_t put_sid(Buf *b, const uint8_t *p, size_t n) {
  if (n < 8) return 0;
  size_t len = 8 + 4 * (size_t)p[1];
  if (len > n) return 0;
  uint64_t auth = 0;
  for (int i = 2; i < 8; i++) auth = auth << 8 | p[i];
  char t[8 + 21 + 256 * 11], *o = t;
  *o++ = 'S';
  *o++ = '-';
  o = w_u64(o, p[0]);
  *o++ = '-';
  o = w_u64(o, auth);
  for (size_t i = 0; i < p[1]; i++) {
    *o++ = '-';
    o = w_u64(o, rd32(p + 8 + 4 * i));
  }
  buf_append(b, t, (size_t)(o - t));
  return len;
}

static void put_binary(Buf *b, const uint8_t *p, size_t n) {
  static const char hx[] = "0123456789ABCDEF";
  char t[1024];
  while (n) {
    size_t k = n > 512 ? 512 : n;
    for (size_t i = 0; i < k; i++) {
      t[2 * i] = hx[p[i] >> 4];
      t[2 * i + 1] = hx[p[i] & 15];
    }
    buf_append(b, t, 2 * k);
    p += k;
    n -= k;
  }
}

static void put_real(Buf *b, double v) {
  char t[40];
  int n = snprintf(t, sizeof t, "%.9g", v);
  buf_append(b, t, (size_t)n);
}

/* Fixed element size of a type, 0 if variable. */
static size_t type_size(uint8_t t) {
  switch (t) {
  case EVT_INT8: case EVT_UINT8: return 1;
  case EVT_INT16: case EVT_UINT16: return 2;
  case EVT_INT32: case EVT_UINT32: case EVT_HEXINT32: case EVT_REAL32: case EVT_BOOL: return 4;
  case EVT_INT64: case EVT_UINT64: case EVT_HEXINT64: case EVT_REAL64: case EVT_FILETIME: return 8;
  case EVT_GUID: case EVT_SYSTEMTIME: return 16;
  default: return 0;
  }
}

/* One fixed-size scalar of type t at p (n >= type_size(t)). */
static void put_fixed(Buf *b, uint8_t t, const uint8_t *p) {
  char tmp[48], *o = tmp;
  switch (t) {
  case EVT_INT8: o = w_i64(o, (int8_t)p[0]); break;
  case EVT_UINT8: o = w_u64(o, p[0]); break;
  case EVT_INT16: o = w_i64(o, (int16_t)rd16(p)); break;
  case EVT_UINT16: o = w_u64(o, rd16(p)); break;
  case EVT_INT32: o = w_i64(o, (int32_t)rd32(p)); break;
  case EVT_UINT32: o = w_u64(o, rd32(p)); break;
  case EVT_INT64: o = w_i64(o, (int64_t)rd64(p)); break;
  case EVT_UINT64: o = w_u64(o, rd64(p)); break;
  case EVT_HEXINT32: o = w_hex(o, rd32(p)); break;
  case EVT_HEXINT64: o = w_hex(o, rd64(p)); break;
  case EVT_BOOL: o += rd32(p) ? (memcpy(o, "true", 4), 4) : (memcpy(o, "false", 5), 5); break;
  case EVT_FILETIME: o = w_filetime(o, rd64(p)); break;
  case EVT_GUID: o = w_guid(o, p); break;
  case EVT_SYSTEMTIME: o = w_systemtime(o, p); break;
  case EVT_REAL32: { float f; uint32_t u = rd32(p); memcpy(&f, &u, 4); put_real(b, f); return; }
  case EVT_REAL64: { double d; uint64_t u = rd64(p); memcpy(&d, &u, 8); put_real(b, d); return; }
  }
  buf_append(b, tmp, (size_t)(o - tmp));
}

static void put_ansi(Buf *b, const uint8_t *p, size_t n) {
  char t[1024];
  while (n) {
    size_t k = n > 512 ? 512 : n, o = 0;
    for (size_t i = 0; i < k; i++) {
      if (p[i] == 0) continue;
      if (p[i] < 0x80) { t[o++] = (char)p[i]; continue; }
      t[o++] = (char)(0xC0 | p[i] >> 6);                 /* Latin-1 */
      t[o++] = (char)(0x80 | (p[i] & 0x3F));
    }
    buf_append(b, t, o);
    p += k;
    n -= k;
  }
}

/* Array items separated by sep (a byte that never occurs in values). */
static void put_array(Buf *b, uint8_t t, const uint8_t *p, size_t n, char sep) {
  size_t es = type_size(t), first = 1;
  if (t == EVT_STRING || t == EVT_ANSI) {
    size_t unit = t == EVT_STRING ? 2 : 1, start = 0;
    for (size_t i = 0; i + unit <= n; i += unit) {
      int nul = unit == 2 ? rd16(p + i) == 0 : p[i] == 0;
      if (!nul && i + unit < n) continue;
      size_t end = nul ? i : i + unit;
      if (!first) buf_putc(b, sep);
      first = 0;
      if (unit == 2) evtx_utf16(b, p + start, (end - start) / 2);
      else put_ansi(b, p + start, end - start);
      start = i + unit;
    }
    return;
  }
  if (t == EVT_SID) {
    for (size_t off = 0; off < n;) {
      if (!first) buf_putc(b, sep);
      first = 0;
      size_t used = put_sid(b, p + off, n - off);
      if (!used) break;
      off += used;
    }
    return;
  }
  if (es == 0) { put_binary(b, p, n); return; }
  for (size_t off = 0; off + es <= n; off += es) {
    if (!first) buf_putc(b, sep);
    first = 0;
    put_fixed(b, t, p + off);
  }
}

int evtx_render(Buf *b, uint8_t type, const uint8_t *p, size_t n, char sep) {
  if (type & 0x80) { put_array(b, type & 0x7F, p, n, sep); return 1; }
  size_t es = type_size(type);
  if (es) {
    if (n < es) { put_binary(b, p, n); return 0; }
    put_fixed(b, type, p);
    return 0;
  }
  switch (type) {
  case EVT_NULL: break;
  case EVT_STRING: evtx_utf16(b, p, n / 2); break;
  case EVT_ANSI: put_ansi(b, p, n); break;
  case EVT_SIZET:
    if (n == 4) put_fixed(b, EVT_HEXINT32, p);
    else if (n == 8) put_fixed(b, EVT_HEXINT64, p);
    else put_binary(b, p, n);
    break;
  case EVT_SID: if (!put_sid(b, p, n)) put_binary(b, p, n); break;
  default: put_binary(b, p, n); break;   /* binary, EvtHandle, EvtXml, unknown */
  }
  return 0;
}
