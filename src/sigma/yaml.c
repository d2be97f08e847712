/* yaml.c — reads YAML text (all documents) into a small tree of scalars,
 * sequences and maps with line numbers, using libyaml's event parser. */
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "sigma/internal.h"

#define SY_MAX_DEPTH 64
#define SY_MAX_ANCHORS 256

typedef struct Anchor {
  char *name;
  YNode *node;
} Anchor;

typedef struct Ctx {
  Arena *a;
  yaml_parser_t p;
  Anchor anchors[SY_MAX_ANCHORS];
  int nanchors;
  char *msg;
  size_t msgsz;
  int *line;
  int line0;                   /* lines of the text before this input */
  int dupline;                 /* current document: first duplicate map key */
  const char *dupkey;
} Ctx;

static int fail(Ctx *c, int line, const char *what) {
  snprintf(c->msg, c->msgsz, "%s", what);
  *c->line = line;
  return -1;
}

static int push(Ctx *c, YNode *parent, YNode *kid) {
  if (parent->n % 32 == 0) {
    YNode **items = arena_alloc(c->a, (parent->n + 32) * sizeof *items);
    if (!items) return fail(c, kid->line, "rule too large");
    if (parent->n) memcpy(items, parent->items, parent->n * sizeof *items);
    parent->items = items;
  }
  parent->items[parent->n++] = kid;
  return 0;
}

static void remember(Ctx *c, const yaml_char_t *anchor, YNode *n) {
  if (!anchor || c->nanchors >= SY_MAX_ANCHORS) return;
  c->anchors[c->nanchors].name = arena_strdup(c->a, (const char *)anchor);
  c->anchors[c->nanchors++].node = n;
}

static YNode *lookup(Ctx *c, const yaml_char_t *anchor) {
  for (int i = c->nanchors - 1; i >= 0; i--)
    if (c->anchors[i].name && !strcmp(c->anchors[i].name, (const char *)anchor))
      return c->anchors[i].node;
  return NULL;
}

static int next(Ctx *c, yaml_event_t *ev) {
  if (!yaml_parser_parse(&c->p, ev)) {
    int line = (int)c->p.problem_mark.line + 1 + c->line0;
    return fail(c, line, c->p.problem ? c->p.problem : "YAML syntax error");
  }
  return 0;
}

/* Reads one node whose first event is ev (consumed); returns it or NULL. */
static YNode *read_node(Ctx *c, yaml_event_t *ev, int depth) {
  if (depth > SY_MAX_DEPTH) {
    fail(c, (int)ev->start_mark.line + 1 + c->line0, "YAML nested too deeply");
    return NULL;
  }
  if (ev->type == YAML_ALIAS_EVENT) {
    YNode *n = lookup(c, ev->data.alias.anchor);
    if (!n) fail(c, (int)ev->start_mark.line + 1 + c->line0, "unknown YAML alias");
    return n;
  }
  YNode *n = arena_alloc(c->a, sizeof *n);
  if (!n) { fail(c, 0, "rule too large"); return NULL; }
  n->line = (int)ev->start_mark.line + 1 + c->line0;
  if (ev->type == YAML_SCALAR_EVENT) {
    n->type = Y_SCALAR;
    n->len = ev->data.scalar.length;
    n->s = arena_strndup(c->a, (const char *)ev->data.scalar.value, n->len);
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (!n->s) { fail(c, n->line, "rule too large"); return NULL; }
    remember(c, ev->data.scalar.anchor, n);
    return n;
  }
  yaml_event_type_t end;
  if (ev->type == YAML_SEQUENCE_START_EVENT) {
    n->type = Y_SEQ; end = YAML_SEQUENCE_END_EVENT;
    remember(c, ev->data.sequence_start.anchor, n);
  } else if (ev->type == YAML_MAPPING_START_EVENT) {
    n->type = Y_MAP; end = YAML_MAPPING_END_EVENT;
    remember(c, ev->data.mapping_start.anchor, n);
  } else {
    fail(c, n->line, "unexpected YAML event");
    return NULL;
  }
  for (;;) {
    yaml_event_t kev;
    if (next(c, &kev)) return NULL;
    if (kev.type == end) { yaml_event_delete(&kev); break; }
    YNode *kid = read_node(c, &kev, depth + 1);
    yaml_event_delete(&kev);
    if (!kid || push(c, n, kid)) return NULL;
    if (n->type == Y_MAP && n->n % 2 == 1 && kid->type == Y_SCALAR && !c->dupline)
      for (size_t i = 0; i + 1 < n->n; i += 2)
        if (n->items[i]->type == Y_SCALAR && n->items[i]->len == kid->len &&
            !memcmp(n->items[i]->s, kid->s, kid->len)) {
          c->dupline = kid->line;
          c->dupkey = kid->s;
          break;
        }
  }
  if (n->type == Y_MAP && n->n % 2) { fail(c, n->line, "odd map"); return NULL; }
  return n;
}

int sy_parse_at(Arena *a, const char *text, size_t n, int line0, YDocs *out, char *msg,
                size_t msgsz, int *line) {
  Ctx c = {.a = a, .msg = msg, .msgsz = msgsz, .line = line, .line0 = line0};
  YNode holder = {0}, dups = {0};
  YNode *pending = NULL;       /* root of the document being read, kept at its end */
  int rc = -1, done = 0;
  memset(out, 0, sizeof *out);
  if (!yaml_parser_initialize(&c.p)) return fail(&c, 0, "out of memory");
  yaml_parser_set_input_string(&c.p, (const unsigned char *)text, n);
  while (!done) {
    yaml_event_t ev;
    if (next(&c, &ev)) goto out;
    switch (ev.type) {
    case YAML_STREAM_END_EVENT: done = 1; break;
    case YAML_STREAM_START_EVENT: break;
    case YAML_DOCUMENT_START_EVENT: c.nanchors = 0; c.dupline = 0; c.dupkey = NULL; pending = NULL; break;
    case YAML_DOCUMENT_END_EVENT:
      if (pending) {
        /* dups: per document, a scalar node holding the first duplicate key */
        YNode *d = arena_alloc(a, sizeof *d);
        if (!d || push(&c, &holder, pending)) { yaml_event_delete(&ev); goto out; }
        memset(d, 0, sizeof *d);
        d->line = c.dupline;
        d->s = (char *)c.dupkey;
        if (push(&c, &dups, d)) { yaml_event_delete(&ev); goto out; }
      }
      pending = NULL;
      break;
    default:
      if (!(pending = read_node(&c, &ev, 0))) { yaml_event_delete(&ev); goto out; }
    }
    yaml_event_delete(&ev);
  }
  rc = 0;
out:   /* on error too: the documents completed before it */
  out->docs = holder.items;
  out->n = dups.n < holder.n ? dups.n : holder.n;
  out->dupline = arena_alloc(a, (holder.n + 1) * sizeof *out->dupline);
  out->dupkey = arena_alloc(a, (holder.n + 1) * sizeof *out->dupkey);
  if (!out->dupline || !out->dupkey) {
    out->n = 0;
    if (!rc) rc = fail(&c, 0, "rule too large");
  }
  for (size_t i = 0; i < out->n; i++) {
    out->dupline[i] = dups.items[i]->line;
    out->dupkey[i] = dups.items[i]->s;
  }
  yaml_parser_delete(&c.p);
  return rc;
}

int sy_parse(Arena *a, const char *text, size_t n, YDocs *out, char *msg, size_t msgsz, int *line) {
  return sy_parse_at(a, text, n, 0, out, msg, msgsz, line);
}

const YNode *sy_get(const YNode *map, const char *key) {
  if (!map || map->type != Y_MAP) return NULL;
  for (size_t i = 0; i + 1 < map->n; i += 2)
    if (map->items[i]->type == Y_SCALAR && !strcmp(map->items[i]->s, key))
      return map->items[i + 1];
  return NULL;
}

int sy_is_null(const YNode *n) {
  if (!n) return 1;
  if (n->type != Y_SCALAR || !n->plain) return 0;
  return n->len == 0 || !strcmp(n->s, "null") || !strcmp(n->s, "~") ||
         !strcmp(n->s, "Null") || !strcmp(n->s, "NULL");
}

const char *sy_str(const YNode *map, const char *key) {
  const YNode *v = sy_get(map, key);
  return v && v->type == Y_SCALAR && !sy_is_null(v) ? v->s : NULL;
}
