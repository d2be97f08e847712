/* json.c — the zero-allocation JSON flattener behind JSON lines and M365
 * input: RFC 8259 parsing (escapes, surrogate pairs, depth limit) straight
 * into SigmaEvent fields, with the naming rules described in README.md. The
 * top-level members are decoded in place, in the JSON reader's own window or
 * in a copy in the event's store, so their fields need no copies of their own. */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/utf8.h"
#include "sigma/input/sin.h"

#define J_DEPTH 64
#define J_NAME 1024

struct SinJson {
  char name[J_NAME];
  size_t name_n;
  size_t comp[J_DEPTH + 2];   /* start of each path component in name */
  int ncomp;
  Buf str;                    /* decoded string scratch */
  Buf nv;                     /* Name of the current Name/Value object */
  SigmaEvent *ev;
  const char *base;
  const char *why;
  const char *at;
  int evtxjson;               /* evtx_dump-shaped {"Event": {...}} record */
  const char *key;            /* the current top-level member's name, NUL-ended in place */
  size_t key_n;
  unsigned seen;              /* top-level M365 markers */
  int auditdata;              /* a top-level "AuditData" string that may hold JSON */
  char hex[24];               /* a padded hex string, unpadded */
  const char *blk;            /* special_at's 64 bytes, and their special bytes */
  uint64_t blk_mask;
  const char *last_v;         /* the last scalar emitted (for Name/Value lifting) */
  size_t last_n;
  int last_kind;
};

enum { SEEN_WORKLOAD = 1, SEEN_RECORDTYPE = 2, SEEN_OPERATION = 4 };

SinJson *sin_json_new(void) {
  SinJson *j = calloc(1, sizeof *j);
  if (!j) return NULL;
  buf_init(&j->str, SIN_MAX_RECORD);
  buf_init(&j->nv, 4096);
  return j;
}

void sin_json_free(SinJson *j) {
  if (!j) return;
  buf_free(&j->str);
  buf_free(&j->nv);
  free(j);
}

static int fail(SinJson *j, const char *p, const char *why) {
  if (!j->why) { j->why = why; j->at = p; }
  return -1;
}

static const char *skip_ws(const char *p, const char *e) {
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  return p;
}

/* --- path names --------------------------------------------------------- */

static int push_comp(SinJson *j, const char *s, size_t n) {
  if (j->ncomp >= J_DEPTH + 1) return -1;
  size_t sep = j->ncomp ? 1 : 0;
  if (j->name_n + sep + n + 1 > J_NAME) return -1;
  if (sep) j->name[j->name_n++] = '.';
  j->comp[j->ncomp++] = j->name_n;
  memcpy(j->name + j->name_n, s, n);
  j->name_n += n;
  return 0;
}

static void pop_comp(SinJson *j) {
  j->ncomp--;
  j->name_n = j->comp[j->ncomp];
  if (j->ncomp) j->name_n--;   /* drop the '.' */
}

static int comp_is(const SinJson *j, int i, const char *s) {
  size_t a = j->comp[i];
  size_t b = i + 1 < j->ncomp ? j->comp[i + 1] - 1 : j->name_n;
  size_t n = strlen(s);
  return b - a == n && memcmp(j->name + a, s, n) == 0;
}

/* evtx_dump JSON ({"Event":{"System":...,"EventData":...}}) gets the same
 * names as our EVTX reader: System by path with "_" before attributes,
 * EventData/UserData by leaf. Writes the name to out; returns its length,
 * or 0 when the field is to be skipped. */
static size_t evtx_name(const SinJson *j, char *out) {
  if (j->ncomp < 3 || !comp_is(j, 0, "Event") || j->name[j->comp[1]] == '#') return 0;
  int system = comp_is(j, 1, "System");
  int from = 2;
  if (!system) {            /* leaf name, or Leaf_attr after #attributes */
    from = j->ncomp - 1;
    while (from > 2 && (comp_is(j, from, "#text") || comp_is(j, from - 1, "#attributes")))
      from--;
  }
  size_t n = 0;
  for (int i = from; i < j->ncomp; i++) {
    size_t a = j->comp[i];
    size_t b = i + 1 < j->ncomp ? j->comp[i + 1] - 1 : j->name_n;
    if (comp_is(j, i, "#text")) continue;
    if (comp_is(j, i, "#attributes")) {
      if (i == 2 && !system) return 0;        /* EventData Name="..." */
      if (i + 1 < j->ncomp && comp_is(j, i + 1, "xmlns")) return 0;
      if (n) out[n++] = '_';
      continue;
    }
    if (n && out[n - 1] != '_') out[n++] = '.';
    memcpy(out + n, j->name + a, b - a);
    n += b - a;
  }
  return n;
}

/* Epoch seconds (Zeek "ts": 1700000000.123) or milliseconds (> 1e11) as
 * JSON number text; INT64_MIN if it is not one. */
static int64_t epoch_ms(const char *v, size_t vn) {
  int64_t whole = 0, frac = 0, scale = 100;
  size_t i = 0;
  for (; i < vn && v[i] >= '0' && v[i] <= '9'; i++) {
    if (i >= 15) return INT64_MIN;
    whole = whole * 10 + (v[i] - '0');
  }
  if (i == 0) return INT64_MIN;
  if (i < vn && v[i] == '.')
    for (i++; i < vn && v[i] >= '0' && v[i] <= '9'; i++, scale /= 10) frac += (v[i] - '0') * scale;
  if (i != vn) return INT64_MIN;                   /* exponents, signs: not a time */
  return whole > 100000000000LL ? whole : whole * 1000 + frac;
}

static void note_time(SinJson *j, const char *name, size_t nn, const char *v, size_t vn, int kind) {
  static const struct { const char *s; size_t n; } names[] = {
    {"@timestamp", 10}, {"timestamp", 9}, {"time", 4}, {"CreationTime", 12}, {"CreationDate", 12},
    {"TimeCreated_SystemTime", 22}, {"UtcTime", 7}, {"EventTime", 9}, {"TimeGenerated", 13},
    {"eventTime", 9}, {"ts", 2}, {NULL, 0}};
  /* lengths of the names above: most fields are ruled out by one test */
  const uint64_t lens = 1u << 2 | 1u << 4 | 1u << 7 | 1u << 9 | 1u << 10 | 1u << 12 | 1u << 13 | 1u << 22;
  if (j->ev->time_ms != INT64_MIN || vn < 9 || vn > 40 || nn > 22 || !(lens >> nn & 1)) return;
  for (int i = 0; names[i].s; i++)
    if (names[i].n == nn && memcmp(names[i].s, name, nn) == 0) {
      j->ev->time_ms = kind == SEV_NUM ? epoch_ms(v, vn) : sin_parse_time(v, vn);
      return;
    }
}

/* The M365 markers and the time of a top-level member name. */
static void note_top(SinJson *j, const char *name, size_t nn, const char *v, size_t vn, int kind) {
  note_time(j, name, nn, v, vn, kind);
  if (nn == 8 && memcmp(name, "Workload", 8) == 0) j->seen |= SEEN_WORKLOAD;
  if (nn == 10 && memcmp(name, "RecordType", 10) == 0) j->seen |= SEEN_RECORDTYPE;
  if (nn == 9 && memcmp(name, "Operation", 9) == 0) j->seen |= SEEN_OPERATION;
  if (nn == 9 && kind == SEV_STR && vn >= 2 && *v == '{' && memcmp(name, "AuditData", 9) == 0) j->auditdata = 1;
}

/* Adds the field; vref: v is NUL-ended in the record and may be referenced. */
static int emit_field(SinJson *j, const char *v, size_t vn, int kind, int vref) {
  const char *name = j->name;
  size_t nn = j->name_n;
  char tmp[J_NAME];
  if (j->evtxjson) {
    nn = evtx_name(j, tmp);
    if (!nn) return 0;
    name = tmp;
  }
  if (j->ncomp == 1) note_top(j, name, nn, v, vn, kind);
  else if (j->evtxjson) note_time(j, name, nn, v, vn, kind);
  j->last_v = v;
  j->last_n = vn;
  j->last_kind = kind;
  int r = vref && j->key && j->ncomp == 1 && !j->evtxjson ? sev_add_ref(j->ev, j->key, j->key_n, v, vn, kind)
                                                           : sev_add(j->ev, name, nn, v, vn, kind);
  if (r) return fail(j, v, "hendelsen er for stor (eller tomt for minne)");
  return 0;
}

static int emit(SinJson *j, const char *v, size_t vn, int kind) {
  return emit_field(j, v, vn, kind, 0);
}

/* Exporters other than the EVTX one write hex numbers padded
 * ("SubjectLogonId": "0x00000000000003e7", "0x000003E7"); the EVTX reader
 * renders them as Windows' XML view does ("0x3e7", lower case, no padding),
 * which is what Sigma rules compare against. A string that is exactly "0x"
 * and 8 or 16 hex digits starting with 0 is rewritten that way to out (which
 * may be s: it writes no further than it has read); returns the new length,
 * or 0 when the string is anything else. Callers test s[2] == '0' first. */
static size_t hex_unpad(char *out, const char *s, size_t n) {
  if ((n != 10 && n != 18) || s[0] != '0' || s[1] != 'x') return 0;
  for (size_t i = 2; i < n; i++) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return 0;
  }
  size_t i = 2;
  while (i + 1 < n && s[i] == '0') i++;
  size_t o = 2;
  out[0] = '0';
  out[1] = 'x';
  for (; i < n; i++) out[o++] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] + ('a' - 'A') : s[i]);
  return o;
}

static inline int maybe_hex(const char *s, size_t n) {
  return n >= 10 && s[2] == '0' && s[0] == '0' && s[1] == 'x';
}

/* A decoded string in place (NUL-ended, ours to change): unpadded if hex. */
static inline void hex_inplace(const char *v, size_t *vn) {
  if (!maybe_hex(v, *vn)) return;
  size_t m = hex_unpad((char *)v, v, *vn);
  if (m) { ((char *)v)[m] = '\0'; *vn = m; }
}

/* --- scalars ------------------------------------------------------------ */

static inline int hexdig(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    int d = hexdig(p[i]);
    if (d < 0) return -1;
    v = v << 4 | (unsigned)d;
  }
  *out = v;
  return 0;
}


/* One escape at p (after the backslash): its bytes (never more than the
 * escape's own length) to u, their count to *un; advances *pp. */
static int unescape_to(SinJson *j, const char **pp, const char *e, char u[4], size_t *un) {
  const char *p = *pp;
  if (p >= e) return fail(j, p, "tekststrengen slutter ikke");
  char c = *p++, o;
  switch (c) {
  case '"': case '\\': case '/': o = c; break;
  case 'b': o = '\b'; break;
  case 'f': o = '\f'; break;
  case 'n': o = '\n'; break;
  case 'r': o = '\r'; break;
  case 't': o = '\t'; break;
  default: o = 0; break;
  }
  if (o) { u[0] = o; *un = 1; *pp = p; return 0; }
  if (c != 'u' || e - p < 4) return fail(j, p, "ugyldig escape-sekvens");
  unsigned cp, lo;
  if (hex4(p, &cp)) return fail(j, p, "ugyldig \\u-escape");
  p += 4;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (e - p >= 6 && p[0] == '\\' && p[1] == 'u' && !hex4(p + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      p += 6;
    } else {
      cp = 0xFFFD;             /* lone high surrogate */
    }
  } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
    cp = 0xFFFD;               /* lone low surrogate */
  }
  *un = utf8_put(cp, u);
  *pp = p;
  return 0;
}

static int unescape(SinJson *j, const char **pp, const char *e, Buf *b) {
  char u[4];
  size_t un;
  if (unescape_to(j, pp, e, u, &un)) return -1;
  buf_append(b, u, un);
  return 0;
}

/* First byte in [p, e) that is '"', '\\' or a control character; e if none.
 * 16 bytes at a time with SSE2, else 8 with SWAR bit tricks. */
static const char *scan_plain(const char *p, const char *e) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
  const __m128i ctl = _mm_set1_epi8(0x1F);
  while (e - p >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash));
    /* unsigned v <= 0x1F  <=>  max(v, 0x1F) == 0x1F */
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
    int m = _mm_movemask_epi8(hit);
    if (m) return p + __builtin_ctz((unsigned)m);
    p += 16;
  }
#else
  const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  while (e - p >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    uint64_t t = ((q - ones) & ~q) | ((b - ones) & ~b) | (w - ones * 0x20);
    if (t & ~w & highs) break;
    p += 8;
  }
#endif
  while (p < e && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) p++;
  return p;
}

#ifdef __SSE2__
/* Bit i: p[i] is '"', '\\' or a control character (64 bytes from p). */
static inline uint64_t special_mask64(const char *p) {
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1F);
  uint64_t m = 0;
  for (int i = 0; i < 4; i++) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
    m |= (uint64_t)(uint32_t)_mm_movemask_epi8(hit) << (16 * i);
  }
  return m;
}
#endif

/* scan_plain for the parser over the record [j->base, e): the special
 * bytes of 64 bytes are found at once and kept, so the strings that follow
 * in them (most keys and values are short) cost a shift and a bit search
 * each, not a scan of their own. Bytes are only ever rewritten behind the
 * parse, so a kept mask stays true for the bytes ahead of it. */
static inline const char *special_at(SinJson *j, const char *p, const char *e) {
#ifdef __SSE2__
  for (;;) {
    uintptr_t off = (uintptr_t)p - (uintptr_t)j->blk;
    if (j->blk && off < 64) {
      uint64_t m = j->blk_mask >> off;
      if (m) return p + __builtin_ctzll(m);
      p = j->blk + 64;
    }
    if (e - p >= 64) {
      j->blk = p;
    } else if (e - j->base >= 64 && j->blk != e - 64) {
      j->blk = e - 64;   /* the record's last 64 bytes; bits behind p are not used */
    } else {
      break;
    }
    j->blk_mask = special_mask64(j->blk);
  }
#else
  (void)j;
#endif
  return scan_plain(p, e);
}

/* Parses a string at p ('"'); sets *s and *n to its text: a slice of the input
 * when it has no escapes, else decoded into b (reset first). */
static int parse_string(SinJson *j, const char **pp, const char *e, Buf *b,
                        const char **s, size_t *n) {
  const char *p = *pp + 1, *start = p;
  p = special_at(j, p, e);
  if (p < e && *p == '"') { *s = start; *n = (size_t)(p - start); *pp = p + 1; return 0; }
  buf_reset(b);
  buf_append(b, start, (size_t)(p - start));
  while (p < e && *p != '"') {
    if ((unsigned char)*p < 0x20) return fail(j, p, "kontrolltegn i tekststreng");
    if (*p == '\\') {
      p++;
      if (unescape(j, &p, e, b)) return -1;
      continue;
    }
    const char *q = special_at(j, p, e);
    buf_append(b, p, (size_t)(q - p));
    p = q;
  }
  if (p >= e) return fail(j, p, "tekststrengen slutter ikke");
  if (b->err) return fail(j, p, "tekststrengen er for lang");
  *s = b->p ? b->p : "";
  *n = b->n;
  *pp = p + 1;
  return 0;
}

/* Copies n bytes from s down to d (d <= s; the two may overlap), 8 at a
 * time: the plain runs between escapes are short, a call costs more. */
static inline void copy_down(char *d, const char *s, size_t n) {
  for (; n >= 8; n -= 8, d += 8, s += 8) {
    uint64_t x;
    memcpy(&x, s, 8);
    memcpy(d, &x, 8);
  }
  for (size_t i = 0; i < n; i++) d[i] = s[i];
}

/* What a one-letter escape (\n, \") stands for; 0 for the others. */
static const char esc1[256] = {['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
                               ['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t'};

/* parse_string decoding in place (in the event's copy of the record): the
 * text ends with a NUL where the closing quote or the decoded bytes end. */
static int parse_string_insitu(SinJson *j, const char **pp, const char *e, const char **s, size_t *n) {
  char *start = (char *)*pp + 1, *p = (char *)special_at(j, start, e);
  if (p < e && *p == '"') {
    *p = '\0';
    *s = start; *n = (size_t)(p - start); *pp = p + 1;
    return 0;
  }
  char *w = p;   /* decoded bytes never outrun the input: w <= p */
  while (p < e && *p != '"') {
    if ((unsigned char)*p < 0x20) return fail(j, p, "kontrolltegn i tekststreng");
    if (*p == '\\' && p + 1 < e && esc1[(unsigned char)p[1]]) {
      *w++ = esc1[(unsigned char)p[1]];   /* the common escapes (Windows paths), without a call */
      p += 2;
      continue;
    }
    int hi, lo;   /* \u0009 and the like: one ASCII byte */
    if (*p == '\\' && e - p >= 6 && p[1] == 'u' && p[2] == '0' && p[3] == '0' &&
        (hi = hexdig(p[4])) >= 0 && hi < 8 && (lo = hexdig(p[5])) >= 0) {
      *w++ = (char)(hi << 4 | lo);
      p += 6;
      continue;
    }
    if (*p == '\\') {
      const char *q = p + 1;
      char u[4];
      size_t un;
      if (unescape_to(j, &q, e, u, &un)) return -1;
      memcpy(w, u, un);
      w += un;
      p = (char *)q;
      continue;
    }
    const char *q = special_at(j, p, e);
    copy_down(w, p, (size_t)(q - p));
    w += q - p;
    p = (char *)q;
  }
  if (p >= e) return fail(j, p, "tekststrengen slutter ikke");
  *w = '\0';
  *s = start; *n = (size_t)(w - start); *pp = p + 1;
  return 0;
}

static int parse_number(SinJson *j, const char **pp, const char *e) {
  const char *p = *pp;
  if (p < e && *p == '-') p++;
  if (p >= e) return fail(j, p, "ugyldig tall");
  if (*p == '0') p++;
  else if (*p >= '1' && *p <= '9') while (p < e && *p >= '0' && *p <= '9') p++;
  else return fail(j, p, "ugyldig tall");
  if (p < e && *p == '.') {
    p++;
    if (p >= e || *p < '0' || *p > '9') return fail(j, p, "ugyldig tall");
    while (p < e && *p >= '0' && *p <= '9') p++;
  }
  if (p < e && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < e && (*p == '+' || *p == '-')) p++;
    if (p >= e || *p < '0' || *p > '9') return fail(j, p, "ugyldig tall");
    while (p < e && *p >= '0' && *p <= '9') p++;
  }
  int r = emit(j, *pp, (size_t)(p - *pp), SEV_NUM);
  *pp = p;
  return r;
}

static int parse_literal(SinJson *j, const char **pp, const char *e) {
  const char *p = *pp;
  size_t left = (size_t)(e - p);
  if (left >= 4 && memcmp(p, "true", 4) == 0) { *pp = p + 4; return emit(j, "true", 4, SEV_BOOL); }
  if (left >= 5 && memcmp(p, "false", 5) == 0) { *pp = p + 5; return emit(j, "false", 5, SEV_BOOL); }
  if (left >= 4 && memcmp(p, "null", 4) == 0) { *pp = p + 4; return emit(j, "", 0, SEV_NULL); }
  return fail(j, p, "uventet tegn");
}

/* --- containers --------------------------------------------------------- */

static int parse_value(SinJson *j, const char **pp, const char *e, int depth, int in_array);

/* Skips one value without emitting (for the Name/Value pre-scan). */
static int skip_value(SinJson *j, const char **pp, const char *e) {
  const char *p = *pp;
  if (p < e && (*p == '{' || *p == '[')) {
    ssize_t n = sin_json_span(p, (size_t)(e - p));
    if (n <= 0) return fail(j, p, "ugyldig nøstet verdi");
    *pp = p + n;
    return 0;
  }
  if (p < e && *p == '"') {
    const char *s; size_t n;
    return parse_string(j, pp, e, &j->str, &s, &n);
  }
  while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' &&
         *p != '\r' && *p != '\t') p++;
  if (p == *pp) return fail(j, p, "verdi mangler");
  *pp = p;
  return 0;
}

/* For an object inside an array: finds a string member "Name" and copies
 * its value to j->nv. Returns 1 if found, 0 if not, -1 on a syntax error. */
static int find_nv_name(SinJson *j, const char *p, const char *e) {
  p = skip_ws(p + 1, e);
  if (p < e && *p == '}') return 0;
  for (;;) {
    const char *k; size_t kn;
    if (p >= e || *p != '"' || parse_string(j, &p, e, &j->str, &k, &kn)) return -1;
    int is_name = kn == 4 && memcmp(k, "Name", 4) == 0;
    p = skip_ws(p, e);
    if (p >= e || *p++ != ':') return -1;
    p = skip_ws(p, e);
    if (is_name && p < e && *p == '"') {
      const char *s; size_t n;
      if (parse_string(j, &p, e, &j->str, &s, &n)) return -1;
      buf_reset(&j->nv);
      buf_append(&j->nv, s, n);
      return j->nv.err || n == 0 ? 0 : 1;
    }
    if (skip_value(j, &p, e)) return -1;
    p = skip_ws(p, e);
    if (p < e && *p == ',') { p = skip_ws(p + 1, e); continue; }
    return 0;
  }
}

/* Extra fields for a member of a Name/Value object: "Parent.<Name>" for
 * Value, "Parent.<Name>.<Key>" for other members, and for top-level arrays
 * (M365 Parameters, ExtendedProperties) also the bare "<Name>" for Value,
 * unless the event already has such a field. The current name is "Parent". */
static int emit_nv(SinJson *j, const char *key, size_t kn, const char *v, size_t vn, int kind) {
  if (kn == 4 && memcmp(key, "Name", 4) == 0) return 0;
  int is_value = kn == 5 && memcmp(key, "Value", 5) == 0;
  int top = j->ncomp == 1, pushed = 0, r = 0;
  if (push_comp(j, j->nv.p, j->nv.n)) return 0;
  pushed++;
  if (!is_value) {
    if (push_comp(j, key, kn)) goto out;
    pushed++;
  }
  r = emit(j, v, vn, kind);
  if (!r && is_value && top && !j->evtxjson && !sev_get(j->ev, j->nv.p, j->nv.n))
    if (sev_add(j->ev, j->nv.p, j->nv.n, v, vn, kind)) r = fail(j, v, "tomt for minne");
out:
  while (pushed--) pop_comp(j);
  return r;
}

/* A member of a Name/Value object: parsed as usual, then lifted. */
static int parse_nv_member(SinJson *j, const char **pp, const char *e, int depth,
                           const char *obj) {
  char key[J_NAME];
  size_t a = j->comp[j->ncomp - 1], kn = j->name_n - a;
  memcpy(key, j->name + a, kn);
  const char *start = *pp;
  uint32_t before = j->ev->n;
  if (parse_value(j, pp, e, depth, 0)) return -1;
  pop_comp(j);
  if (*start == '{' || *start == '[') {
    if (find_nv_name(j, obj, e) != 1) return 0;   /* nested objects reused j->nv */
    return emit_nv(j, key, kn, start, (size_t)(*pp - start), SEV_STR);
  }
  if (j->ev->n != before + 1) return 0;
  /* The pair's Name and Value are given lifted only: kept raw as repeated
   * "Parent.Name" / "Parent.Value" fields they would mix with the lifted
   * ones when a pair is called "Name" or "Value" (New-InboxRule's
   * {"Name":"Name","Value":"fwd"} is Parameters.Name = "fwd", nothing else).
   * The parent's whole JSON text still has them for |contains rules. */
  if ((kn == 4 && memcmp(key, "Name", 4) == 0) || (kn == 5 && memcmp(key, "Value", 5) == 0))
    j->ev->n = before;
  return emit_nv(j, key, kn, j->last_v, j->last_n, j->last_kind);
}

/* A top-level string member ("Name": "text"), decoded in place and
 * referenced: the same field as parse_value gives, without the path. */
static int parse_top_string(SinJson *j, const char **pp, const char *e, const char *k, size_t kn) {
  const char *v;
  size_t vn;
  if (kn + 1 > J_NAME) return fail(j, *pp, "feltnavnet er for langt eller for dypt nøstet");
  if (parse_string_insitu(j, pp, e, &v, &vn)) return -1;
  hex_inplace(v, &vn);
  note_top(j, k, kn, v, vn, SEV_STR);
  j->last_v = v;
  j->last_n = vn;
  j->last_kind = SEV_STR;
  if (sev_add_ref(j->ev, k, kn, v, vn, SEV_STR)) return fail(j, v, "hendelsen er for stor (eller tomt for minne)");
  return 0;
}

static int parse_object(SinJson *j, const char **pp, const char *e, int depth, int in_array) {
  const char *obj = *pp;
  const char *p = skip_ws(*pp + 1, e);
  int nv = 0;
  if (in_array && j->ncomp > 0) {
    nv = find_nv_name(j, *pp, e);
    if (nv < 0) nv = 0;
  }
  if (p < e && *p == '}') { *pp = p + 1; return 0; }
  for (;;) {
    const char *k; size_t kn;
    if (p >= e || *p != '"') return fail(j, p, "forventet et feltnavn");
    if (depth == 0) {   /* names of top-level members: decoded in place */
      if (parse_string_insitu(j, &p, e, &k, &kn)) return -1;
      j->key = k;
      j->key_n = kn;
    } else if (parse_string(j, &p, e, &j->str, &k, &kn)) {
      return -1;
    }
    if (j->ncomp == 0 && depth == 0 && kn == 5 && memcmp(k, "Event", 5) == 0) j->evtxjson = 1;
    p = skip_ws(p, e);
    if (p >= e || *p != ':') return fail(j, p, "forventet ':'");
    p = skip_ws(p + 1, e);
    if (depth == 0 && j->ncomp == 0 && !j->evtxjson && p < e && *p == '"') {
      if (parse_top_string(j, &p, e, k, kn)) return -1;   /* the common member: no path to build */
    } else if (push_comp(j, k, kn)) {
      return fail(j, p, "feltnavnet er for langt eller for dypt nøstet");
    } else if (!nv) {
      if (parse_value(j, &p, e, depth + 1, 0)) return -1;
      pop_comp(j);
    } else if (parse_nv_member(j, &p, e, depth + 1, obj)) {
      return -1;
    }
    p = skip_ws(p, e);
    if (p < e && *p == ',') { p = skip_ws(p + 1, e); continue; }
    if (p < e && *p == '}') { *pp = p + 1; return 0; }
    return fail(j, p, "forventet ',' eller '}'");
  }
}

static int parse_array(SinJson *j, const char **pp, const char *e, int depth) {
  const char *p = skip_ws(*pp + 1, e);
  if (p < e && *p == ']') { *pp = p + 1; return 0; }
  for (;;) {
    if (parse_value(j, &p, e, depth + 1, 1)) return -1;
    p = skip_ws(p, e);
    if (p < e && *p == ',') { p = skip_ws(p + 1, e); continue; }
    if (p < e && *p == ']') { *pp = p + 1; return 0; }
    return fail(j, p, "forventet ',' eller ']'");
  }
}

static int parse_value(SinJson *j, const char **pp, const char *e, int depth, int in_array) {
  const char *p = *pp;
  if (depth > J_DEPTH) return fail(j, p, "for dypt nøstet");
  if (p >= e) return fail(j, p, "verdi mangler");
  switch (*p) {
  case '{': case '[': {
    int r = *p == '{' ? parse_object(j, pp, e, depth, in_array) : parse_array(j, pp, e, depth);
    if (r) return r;
    /* the raw text of a nested container, for rules that search it whole
     * (e.g. Parameters|contains); not for array elements or evtx_dump JSON */
    if (depth > 0 && !in_array && !j->evtxjson)
      return emit(j, p, (size_t)(*pp - p), SEV_STR);
    return 0;
  }
  case '"': {
    const char *s; size_t n;
    if (depth == 1 && !in_array && j->ncomp == 1) {   /* a top-level member: in place */
      if (parse_string_insitu(j, pp, e, &s, &n)) return -1;
      hex_inplace(s, &n);
      return emit_field(j, s, n, SEV_STR, 1);
    }
    if (parse_string(j, pp, e, &j->str, &s, &n)) return -1;
    if (maybe_hex(s, n)) {      /* s may be the input, which a pre-scan reads again: copy */
      size_t m = hex_unpad(j->hex, s, n);
      if (m) { s = j->hex; n = m; }
    }
    return emit(j, s, n, SEV_STR);
  }
  case '-': case '0': case '1': case '2': case '3': case '4':
  case '5': case '6': case '7': case '8': case '9':
    return parse_number(j, pp, e);
  default:
    return parse_literal(j, pp, e);
  }
}

/* p is the event's own copy of the record (decoded in place). */
static int flatten(SinJson *j, char *p, size_t n, SigmaEvent *ev, const char **why, size_t *at) {
  const char *e = p + n;
  j->key = NULL;
  j->ev = ev;
  j->base = p;
  j->why = NULL;
  j->at = NULL;
  j->name_n = 0;
  j->ncomp = 0;
  j->evtxjson = 0;
  j->seen = 0;
  j->auditdata = 0;
  j->blk = NULL;
  const char *q = skip_ws(p, e);
  if (q >= e || *q != '{') {
    fail(j, q, "forventet et JSON-objekt");
  } else if (parse_value(j, &q, e, 0, 0) == 0) {
    q = skip_ws(q, e);
    if (q != e) fail(j, q, "tekst etter JSON-verdien");
  }
  if (j->why) {
    *why = j->why;
    *at = (size_t)(j->at - p);
    return -1;
  }
  if (j->evtxjson) ev->format = SFMT_EVTX;
  else if (j->seen == (SEEN_WORKLOAD | SEEN_RECORDTYPE | SEEN_OPERATION)) ev->format = SFMT_M365;
  else ev->format = SFMT_JSON;
  return 0;
}

int sin_json_flatten(SinJson *j, const char *p, size_t n, SigmaEvent *ev,
                     const char **why, size_t *at) {
  char *own = sev_store(ev, n);
  if (!own) {
    *why = "hendelsen er for stor (eller tomt for minne)";
    *at = 0;
    return -1;
  }
  if (n) memcpy(own, p, n);
  return flatten(j, own, n, ev, why, at);
}

int sin_json_flatten_inplace(SinJson *j, char *p, size_t n, SigmaEvent *ev,
                             const char **why, size_t *at) {
  return flatten(j, p, n, ev, why, at);
}

int sin_json_auditdata(const SinJson *j) {
  return j->auditdata;
}

ssize_t sin_json_span(const char *p, size_t n) {
  int depth = 0;
  for (size_t i = 0; i < n; i++) {
    char c = p[i];
    if (c == '"') {
      for (i++; i < n && p[i] != '"'; i++)
        if (p[i] == '\\') i++;
      if (i >= n) return 0;
    } else if (c == '{' || c == '[') {
      if (++depth > J_DEPTH) return -1;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return (ssize_t)(i + 1);
      if (depth < 0) return -1;
    } else if (depth == 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      return -1;
    }
  }
  return 0;
}
