/* multipart.c — a bounded multipart/form-data parser (RFC 7578) for file
 * uploads: text fields join the form, files point into the request body. */
#include <string.h>
#include <strings.h>

#include "http/http.h"

#define MP_MAX_BOUNDARY 70       /* RFC 2046 */
#define MP_MAX_HEADER_BLOCK 8192 /* one part's headers */

typedef struct MpPart {
  const char *name, *filename, *ctype;
} MpPart;

/* Value of parameter `key` in a header like `form-data; name="x"` or a
 * Content-Type; quoted strings may hold \-escapes. NULL if absent/bad. */
static char *header_param(Arena *a, const char *h, size_t n, const char *key) {
  size_t kl = strlen(key), i = 0;
  while (i < n) {
    while (i < n && h[i] != ';') {
      if (h[i] == '"') {        /* skip over a quoted value of another param */
        for (i++; i < n && h[i] != '"'; i++)
          if (h[i] == '\\') i++;
      }
      i++;
    }
    if (i >= n) return NULL;
    i++;
    while (i < n && (h[i] == ' ' || h[i] == '\t')) i++;
    if (n - i <= kl || strncasecmp(h + i, key, kl) || h[i + kl] != '=') continue;
    i += kl + 1;
    char *out = arena_alloc(a, n - i + 1);
    if (!out) return NULL;
    size_t o = 0;
    if (i < n && h[i] == '"') {
      for (i++; i < n && h[i] != '"'; i++) {
        if (h[i] == '\\' && i + 1 < n) i++;
        out[o++] = h[i];
      }
      if (i >= n) return NULL;   /* unterminated quote */
    } else {
      while (i < n && h[i] != ';' && h[i] != ' ' && h[i] != '\t') out[o++] = h[i++];
    }
    out[o] = '\0';
    return memchr(out, '\0', o) ? NULL : out;
  }
  return NULL;
}

/* The boundary from a multipart/form-data Content-Type, or NULL. */
static char *boundary_of(Arena *a, const char *ct) {
  if (!http_content_type_is(ct, "multipart/form-data")) return NULL;
  char *b = header_param(a, ct, strlen(ct), "boundary");
  if (!b) return NULL;
  size_t n = strlen(b);
  if (n == 0 || n > MP_MAX_BOUNDARY) return NULL;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)b[i] < 0x20 || (unsigned char)b[i] >= 0x7f) return NULL;
  return b;
}

/* Browsers write a '"' inside a quoted name as %22 (WHATWG form encoding). */
static void unescape_quote(char *s) {
  char *o = s;
  for (char *p = s; *p; p++) {
    if (p[0] == '%' && p[1] == '2' && p[2] == '2') {
      *o++ = '"';
      p += 2;
    } else {
      *o++ = *p;
    }
  }
  *o = '\0';
}

/* Only the last path component: some browsers send C:\path\name.pdf. */
static const char *base_name(const char *f) {
  const char *s = f;
  for (const char *p = f; *p; p++)
    if (*p == '/' || *p == '\\') s = p + 1;
  return s;
}

/* Reads one part's header lines in [h, h+n) (ends before the blank line). */
static int part_headers(Arena *a, const char *h, size_t n, MpPart *p) {
  memset(p, 0, sizeof *p);
  size_t i = 0;
  while (i < n) {
    const char *eol = memmem(h + i, n - i, "\r\n", 2);
    size_t ll = eol ? (size_t)(eol - (h + i)) : n - i;
    const char *line = h + i;
    const char *colon = memchr(line, ':', ll);
    if (!colon) return -1;
    size_t nl = (size_t)(colon - line);
    const char *v = colon + 1;
    size_t vl = ll - nl - 1;
    while (vl && (*v == ' ' || *v == '\t')) v++, vl--;
    if (nl == 19 && !strncasecmp(line, "Content-Disposition", 19)) {
      if (vl < 9 || strncasecmp(v, "form-data", 9)) return -1;
      p->name = header_param(a, v, vl, "name");
      p->filename = header_param(a, v, vl, "filename");
      if (p->name) unescape_quote((char *)p->name);
      if (p->filename) unescape_quote((char *)p->filename);
    } else if (nl == 12 && !strncasecmp(line, "Content-Type", 12)) {
      p->ctype = arena_strndup(a, v, vl);
      if (!p->ctype || memchr(v, '\0', vl)) return -1;
    }
    i += ll + 2;
  }
  return p->name && p->name[0] ? 0 : -1;
}

static int push_param(Arena *a, HttpParams *f, size_t *cap, const char *k, const char *v) {
  if (f->n >= HTTP_MAX_PARAMS) return -1;
  if (f->n >= *cap) {
    size_t nc = *cap ? *cap * 2 : 8;
    HttpParam *nv = arena_alloc(a, nc * sizeof *nv);
    if (!nv) return -1;
    if (f->n) memcpy(nv, f->v, f->n * sizeof *nv);
    f->v = nv;
    *cap = nc;
  }
  f->v[f->n].name = k;
  f->v[f->n++].value = v;
  return 0;
}

static int push_file(Arena *a, HttpFiles *fs, const MpPart *p, const char *d, size_t n) {
  if (fs->n >= HTTP_MAX_FILES) return -1;
  if (!fs->v && !(fs->v = arena_alloc(a, HTTP_MAX_FILES * sizeof *fs->v))) return -1;
  HttpFile *f = &fs->v[fs->n++];
  f->field = p->name;
  f->filename = base_name(p->filename);
  f->content_type = p->ctype ? p->ctype : "application/octet-stream";
  f->data = d;
  f->len = n;
  return 0;
}

/* Stores one part: a file when it has a filename, else a text field. */
static int store_part(Arena *a, const MpPart *p, const char *d, size_t n, HttpParams *form,
                      size_t *cap, HttpFiles *files) {
  if (p->filename) {
    if (!p->filename[0] && n == 0) return 0;   /* empty file input: nothing chosen */
    return push_file(a, files, p, d, n);
  }
  if (memchr(d, '\0', n)) return -1;
  char *v = arena_strndup(a, d, n);
  return v ? push_param(a, form, cap, p->name, v) : -1;
}

int http_parse_multipart(Arena *a, const char *content_type, const char *body, size_t n,
                         HttpParams *form, HttpFiles *files) {
  form->v = NULL, form->n = 0;
  files->v = NULL, files->n = 0;
  char *b = boundary_of(a, content_type);
  if (!b) return -1;
  const char *delim = arena_printf(a, "\r\n--%s", b);
  if (!delim) return -1;
  size_t dl = strlen(delim), cap = 0;
  /* The first delimiter may start the body without the leading CRLF. */
  const char *p;
  if (n >= dl - 2 && !memcmp(body, delim + 2, dl - 2)) p = body + dl - 2;
  else if ((p = memmem(body, n, delim, dl))) p += dl;
  else return -1;
  const char *end = body + n;
  for (;;) {
    if (end - p >= 2 && p[0] == '-' && p[1] == '-') return 0;   /* close delimiter */
    while (p < end && (*p == ' ' || *p == '\t')) p++;           /* transport padding */
    if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return -1;
    p += 2;
    size_t room = (size_t)(end - p) < MP_MAX_HEADER_BLOCK ? (size_t)(end - p) : MP_MAX_HEADER_BLOCK;
    const char *hend = memmem(p, room, "\r\n\r\n", 4);
    if (!hend) return -1;
    MpPart part;
    if (part_headers(a, p, (size_t)(hend - p), &part)) return -1;
    const char *data = hend + 4;
    const char *next = memmem(data, (size_t)(end - data), delim, dl);
    if (!next) return -1;
    if (store_part(a, &part, data, (size_t)(next - data), form, &cap, files)) return -1;
    p = next + dl;
  }
}

const HttpFile *http_file(const HttpReq *r, const char *field) {
  for (size_t i = 0; i < r->files.n; i++)
    if (!strcmp(r->files.v[i].field, field)) return &r->files.v[i];
  return NULL;
}
