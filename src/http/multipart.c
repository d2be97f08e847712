/* multipart.c — multipart/form-data bodies (RFC 7578), as a browser sends a
 * form with a file input: text fields join the form parameters (so the
 * CSRF field works as for urlencoded forms), file fields become HttpFiles.
 * Bounded: at most HTTP_MAX_PARAMS parts, part headers of at most 8 KiB. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"

#define MP_HEADERS_MAX 8192

/* The boundary parameter of a multipart/form-data content type (1-70
 * characters, possibly quoted), copied into out; -1 if absent or bad. */
static int boundary_of(const char *ct, char out[72]) {
  const char *p = ct ? strcasestr(ct, "boundary=") : NULL;
  if (!p) return -1;
  p += 9;
  size_t n;
  if (*p == '"') {
    const char *q = strchr(++p, '"');
    if (!q) return -1;
    n = (size_t)(q - p);
  } else n = strcspn(p, "; \t");
  if (n == 0 || n > 70) return -1;
  memcpy(out, p, n);
  out[n] = '\0';
  return 0;
}

/* Value of parameter `key` in a Content-Disposition value ("form-data;
 * name=\"x\"; filename=\"y.csv\""); NULL if absent. */
static char *disp_param(Arena *a, const char *v, size_t vn, const char *key) {
  size_t kl = strlen(key);
  for (size_t i = 0; i + kl + 1 < vn; i++) {
    if (v[i] != ';') continue;
    size_t j = i + 1;
    while (j < vn && (v[j] == ' ' || v[j] == '\t')) j++;
    if (j + kl + 1 > vn || strncasecmp(v + j, key, kl) || v[j + kl] != '=') continue;
    j += kl + 1;
    if (j < vn && v[j] == '"') {
      const char *q = memchr(v + j + 1, '"', vn - j - 1);
      return q ? arena_strndup(a, v + j + 1, (size_t)(q - (v + j + 1))) : NULL;
    }
    size_t e = j;
    while (e < vn && v[e] != ';' && v[e] != ' ' && v[e] != '\t') e++;
    return arena_strndup(a, v + j, e - j);
  }
  return NULL;
}

typedef struct Part {
  char *name, *filename, *ctype;
} Part;

/* Reads the part's header lines in [h, h+n). -1 when malformed. */
static int part_headers(Arena *a, const char *h, size_t n, Part *p) {
  memset(p, 0, sizeof *p);
  for (size_t i = 0; i < n;) {
    const char *eol = memmem(h + i, n - i, "\r\n", 2);
    size_t len = eol ? (size_t)(eol - (h + i)) : n - i;
    const char *line = h + i, *colon = memchr(line, ':', len);
    if (!colon) return -1;
    const char *v = colon + 1;
    while (v < line + len && (*v == ' ' || *v == '\t')) v++;
    size_t vn = (size_t)(line + len - v), kn = (size_t)(colon - line);
    if (kn == 19 && !strncasecmp(line, "Content-Disposition", 19)) {
      if (vn < 9 || strncasecmp(v, "form-data", 9)) return -1;
      p->name = disp_param(a, v, vn, "name");
      p->filename = disp_param(a, v, vn, "filename");
    } else if (kn == 12 && !strncasecmp(line, "Content-Type", 12)) {
      p->ctype = arena_strndup(a, v, vn);
    }
    i += len + 2;
  }
  return p->name && *p->name ? 0 : -1;
}

static int push_param(Arena *a, HttpParams *form, size_t *cap, const char *k, const char *v) {
  if (form->n == *cap) {
    size_t nc = *cap ? *cap * 2 : 8;
    HttpParam *b = arena_alloc(a, nc * sizeof *b);
    if (!b) return -1;
    if (form->n) memcpy(b, form->v, form->n * sizeof *b);
    form->v = b;
    *cap = nc;
  }
  form->v[form->n++] = (HttpParam){k, v};
  return 0;
}

static int push_file(Arena *a, HttpFiles *files, size_t *cap, const HttpFile *f) {
  if (files->n == *cap) {
    size_t nc = *cap ? *cap * 2 : 4;
    HttpFile *b = arena_alloc(a, nc * sizeof *b);
    if (!b) return -1;
    if (files->n) memcpy(b, files->v, files->n * sizeof *b);
    files->v = b;
    *cap = nc;
  }
  files->v[files->n++] = *f;
  return 0;
}

/* One part whose headers start at pos; sets *next past its closing delimiter. */
static int one_part(Arena *a, const char *body, size_t n, size_t pos, const char *delim, size_t dl,
                    HttpParams *form, size_t *fcap, HttpFiles *files, size_t *filecap, size_t *next) {
  const char *hend = memmem(body + pos, n - pos, "\r\n\r\n", 4);
  if (!hend || (size_t)(hend - (body + pos)) > MP_HEADERS_MAX) return -1;
  Part p;
  if (part_headers(a, body + pos, (size_t)(hend - (body + pos)), &p)) return -1;
  size_t cstart = (size_t)(hend + 4 - body);
  const char *end = memmem(body + cstart, n - cstart, delim, dl);
  if (!end) return -1;
  size_t clen = (size_t)(end - (body + cstart));
  char *data = arena_strndup(a, body + cstart, clen);
  if (!data) return -1;
  *next = (size_t)(end - body) + dl;
  if (p.filename) {
    HttpFile f = {p.name, p.filename, p.ctype, data, clen};
    return push_file(a, files, filecap, &f);
  }
  if (memchr(body + cstart, '\0', clen)) return -1;   /* as for urlencoded forms */
  return push_param(a, form, fcap, p.name, data);
}

int http_parse_multipart(Arena *a, const char *ct, const char *body, size_t n, HttpParams *form, HttpFiles *files) {
  char b[72], delim[80];
  size_t fcap = 0, filecap = 0, pos, parts = 0;
  form->v = NULL;
  form->n = 0;
  files->v = NULL;
  files->n = 0;
  if (boundary_of(ct, b)) return -1;
  int dl = snprintf(delim, sizeof delim, "\r\n--%s", b);
  /* The first delimiter may open the body (no CRLF before it). */
  if (n >= (size_t)dl - 2 && !memcmp(body, delim + 2, (size_t)dl - 2)) pos = (size_t)dl - 2;
  else {
    const char *first = memmem(body, n, delim, (size_t)dl);
    if (!first) return -1;
    pos = (size_t)(first - body) + (size_t)dl;
  }
  for (;;) {
    if (pos + 2 <= n && body[pos] == '-' && body[pos + 1] == '-') return 0;  /* close delimiter */
    while (pos < n && (body[pos] == ' ' || body[pos] == '\t')) pos++;
    if (pos + 2 > n || body[pos] != '\r' || body[pos + 1] != '\n' || ++parts > HTTP_MAX_PARAMS) return -1;
    if (one_part(a, body, n, pos + 2, delim, (size_t)dl, form, &fcap, files, &filecap, &pos)) return -1;
  }
}

const HttpFile *http_file(const HttpFiles *f, const char *field) {
  for (size_t i = 0; f && i < f->n; i++)
    if (!strcmp(f->v[i].field, field)) return &f->v[i];
  return NULL;
}
