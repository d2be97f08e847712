/* json.c — see json.h. The streaming walk lexes the outer object itself and
 * lets jansson decode one member or record at a time, so a 100 MB NVD feed
 * never exists as one tree. */
#include "vuln/json.h"

#include <string.h>

const char *vj_str(Arena *a, json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  if (!json_is_string(v)) return NULL;
  return arena_strndup(a, json_string_value(v), json_string_length(v));
}

typedef struct Lex {
  const char *p;
  size_t n, i;
} Lex;

static void ws(Lex *l) {
  while (l->i < l->n && strchr(" \t\r\n", l->p[l->i]) && l->p[l->i]) l->i++;
}

/* End offset (exclusive) of the string starting at l->i, or 0. */
static size_t string_end(const Lex *l) {
  size_t i = l->i + 1;
  while (i < l->n) {
    if (l->p[i] == '\\') i += 2;
    else if (l->p[i] == '"') return i + 1;
    else i++;
  }
  return 0;
}

/* Decode one value at l->i and advance past it. */
static json_t *value(Lex *l, Err *e) {
  json_error_t je;
  json_t *v;
  size_t end;
  ws(l);
  if (l->i >= l->n) {
    err_set(e, VERR_INVALID, "unexpected end of JSON at byte %zu", l->i);
    return NULL;
  }
  char c = l->p[l->i];
  if (c == '{' || c == '[') {
    v = json_loadb(l->p + l->i, l->n - l->i, JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &je);
    if (v) {
      l->i += (size_t)je.position;
      return v;
    }
    err_set(e, VERR_INVALID, "JSON syntax error at byte %zu: %s", l->i + (size_t)je.position, je.text);
    return NULL;
  }
  if (c == '"') end = string_end(l);
  else {
    end = l->i;
    while (end < l->n && !strchr(",}] \t\r\n", l->p[end]) && l->p[end]) end++;
  }
  v = end ? json_loadb(l->p + l->i, end - l->i, JSON_DECODE_ANY, &je) : NULL;
  if (!v) {
    err_set(e, VERR_INVALID, "JSON syntax error at byte %zu", l->i);
    return NULL;
  }
  l->i = end;
  return v;
}

static int expect(Lex *l, char c, Err *e) {
  ws(l);
  if (l->i < l->n && l->p[l->i] == c) {
    l->i++;
    return 0;
  }
  return err_set(e, VERR_INVALID, "JSON: expected '%c' at byte %zu", c, l->i);
}

static int records(Lex *l, VjEach fn, void *ctx, Err *e) {
  if (expect(l, '[', e)) return e->code;
  ws(l);
  if (l->i < l->n && l->p[l->i] == ']') {
    l->i++;
    return 0;
  }
  for (size_t idx = 0;; idx++) {
    json_t *v = value(l, e);
    if (!v) return e->code;
    int rc = fn(ctx, v, idx);
    json_decref(v);
    if (rc) return rc;
    ws(l);
    if (l->i < l->n && l->p[l->i] == ',') {
      l->i++;
      continue;
    }
    return expect(l, ']', e);
  }
}

int vj_stream(const char *data, size_t len, const char *array_key, VjEach fn, void *ctx,
              json_t **top, Err *e) {
  Lex l = {data, len, 0};
  *top = json_object();
  if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) l.i = 3;
  if (expect(&l, '{', e)) return e->code;
  ws(&l);
  if (l.i < l.n && l.p[l.i] == '}') return 0;
  for (;;) {
    json_t *k = value(&l, e);
    if (!k || !json_is_string(k)) {
      json_decref(k);
      return err_set(e, VERR_INVALID, "JSON: expected a member name at byte %zu", l.i);
    }
    int rc = expect(&l, ':', e);
    if (!rc && !strcmp(json_string_value(k), array_key)) {
      rc = records(&l, fn, ctx, e);
    } else if (!rc) {
      json_t *v = value(&l, e);
      rc = v ? json_object_set_new(*top, json_string_value(k), v) : e->code;
    }
    json_decref(k);
    if (rc) return rc;
    ws(&l);
    if (l.i < l.n && l.p[l.i] == ',') {
      l.i++;
      continue;
    }
    return expect(&l, '}', e);
  }
}
