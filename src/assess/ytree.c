/* ytree.c — libyaml event stream → AssessY tree (see ytree.h).
 * Bounded in bytes, depth and node count; every refusal names its line. */
#include "assess/ytree.h"

#include <string.h>
#include <yaml.h>

typedef struct Builder {
  Arena *a;
  AssessDiags *d;
  AssessY *stack[ASSESS_YAML_MAX_DEPTH + 1];
  int depth;
  AssessY *root;
  size_t nodes;
  int docs;
} Builder;

static AssessY *new_node(Builder *b, AssessYKind kind, const yaml_mark_t *m) {
  if (++b->nodes > ASSESS_YAML_MAX_NODES) {
    assess_err(b->d, (int)m->line + 1, "for mange YAML-noder (grense %d)", ASSESS_YAML_MAX_NODES);
    return NULL;
  }
  AssessY *y = arena_alloc(b->a, sizeof *y);
  if (!y) {
    assess_err(b->d, (int)m->line + 1, "filen er for stor til å leses inn");
    return NULL;
  }
  y->kind = kind;
  y->line = (int)m->line + 1;
  return y;
}

/* Hangs y under the open container, or makes it the root. */
static int attach(Builder *b, AssessY *y) {
  if (b->depth == 0) {
    b->root = y;
    return 0;
  }
  AssessY *p = b->stack[b->depth - 1];
  if (p->last) p->last->next = y;
  else p->first = y;
  p->last = y;
  p->n++;
  return 0;
}

static int on_scalar(Builder *b, const yaml_event_t *ev) {
  AssessY *y = new_node(b, AY_SCALAR, &ev->start_mark);
  if (!y) return -1;
  y->len = ev->data.scalar.length;
  y->str = arena_strndup(b->a, (const char *)ev->data.scalar.value, y->len);
  if (!y->str) {
    assess_err(b->d, y->line, "filen er for stor til å leses inn");
    return -1;
  }
  if (memchr(y->str, '\0', y->len)) {
    assess_err(b->d, y->line, "tekst inneholder NUL-tegn");
    return -1;
  }
  y->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  return attach(b, y);
}

static int on_open(Builder *b, AssessYKind kind, const yaml_event_t *ev) {
  if (b->depth >= ASSESS_YAML_MAX_DEPTH) {
    assess_err(b->d, (int)ev->start_mark.line + 1, "YAML er nøstet for dypt (grense %d)",
               ASSESS_YAML_MAX_DEPTH);
    return -1;
  }
  AssessY *y = new_node(b, kind, &ev->start_mark);
  if (!y || attach(b, y)) return -1;
  b->stack[b->depth++] = y;
  return 0;
}

/* Handles one event; returns 1 at stream end, 0 to go on, -1 on error. */
static int on_event(Builder *b, const yaml_event_t *ev) {
  int line = (int)ev->start_mark.line + 1;
  switch (ev->type) {
  case YAML_STREAM_END_EVENT: return 1;
  case YAML_DOCUMENT_START_EVENT:
    if (++b->docs > 1) {
      assess_err(b->d, line, "filen har mer enn ett YAML-dokument");
      return -1;
    }
    return 0;
  case YAML_ALIAS_EVENT:
    assess_err(b->d, line, "YAML-alias (*%s) støttes ikke; skriv verdien ut",
               (const char *)ev->data.alias.anchor);
    return -1;
  case YAML_SCALAR_EVENT: return on_scalar(b, ev);
  case YAML_SEQUENCE_START_EVENT: return on_open(b, AY_SEQ, ev);
  case YAML_MAPPING_START_EVENT: return on_open(b, AY_MAP, ev);
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT: b->depth--; return 0;
  default: return 0;
  }
}

AssessY *assess_yaml_parse(Arena *a, const char *data, size_t n, AssessDiags *d) {
  if (n > ASSESS_YAML_MAX_BYTES) {
    assess_err(d, 0, "filen er større enn %zu byte", ASSESS_YAML_MAX_BYTES);
    return NULL;
  }
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    assess_err(d, 0, "kunne ikke starte YAML-leseren");
    return NULL;
  }
  yaml_parser_set_input_string(&p, (const unsigned char *)data, n);
  Builder b = {.a = a, .d = d};
  int rc = 0;
  while (rc == 0) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&p, &ev)) {
      int line = (int)p.problem_mark.line + 1;
      if (p.context)
        assess_err(d, line, "ugyldig YAML: %s %s (som startet på linje %d)",
                   p.problem ? p.problem : "ukjent feil", p.context, (int)p.context_mark.line + 1);
      else
        assess_err(d, line, "ugyldig YAML: %s", p.problem ? p.problem : "ukjent feil");
      rc = -1;
      break;
    }
    rc = on_event(&b, &ev);
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&p);
  if (rc < 0) return NULL;
  if (!b.root) assess_err(d, 1, "filen er tom");
  return b.root;
}

AssessY *assess_y_get(const AssessY *m, const char *key) {
  if (!m || m->kind != AY_MAP) return NULL;
  for (AssessY *k = m->first; k && k->next; k = k->next->next)
    if (k->kind == AY_SCALAR && !strcmp(k->str, key)) return k->next;
  return NULL;
}

int assess_y_is_null(const AssessY *y) {
  if (!y) return 1;
  if (y->kind != AY_SCALAR || !y->plain) return 0;
  return y->len == 0 || !strcmp(y->str, "~") || !strcmp(y->str, "null") ||
         !strcmp(y->str, "Null") || !strcmp(y->str, "NULL");
}
