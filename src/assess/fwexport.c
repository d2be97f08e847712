/* fwexport.c — writes an AssessFramework back as YAML in Varde's format with
 * libyaml's emitter (which owns quoting), so a read–write–read keeps everything. */
#include "assess/framework.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct Em {
  yaml_emitter_t e;
  int failed;
} Em;

static int out_handler(void *data, unsigned char *p, size_t n) {
  return buf_append((Buf *)data, p, n) == 0;
}

static void ev(Em *m, yaml_event_t *e) {
  if (!m->failed && !yaml_emitter_emit(&m->e, e)) m->failed = 1;
}

/* Text that a YAML reader would take as a number, bool or null is quoted. */
static int needs_quotes(const char *s) {
  if (!*s) return 1;
  static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "null", "~",
                                      "True", "False", "Yes", "No", "On", "Off", "Null",
                                      "TRUE", "FALSE", "YES", "NO", "ON", "OFF", "NULL", "y", "n"};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (!strcmp(s, words[i])) return 1;
  const char *p = s;
  if (*p == '-' || *p == '+' || *p == '.') p++;
  return isdigit((unsigned char)*p) != 0;
}

static void scalar(Em *m, const char *s, int plain) {
  yaml_event_t e;
  yaml_scalar_style_t st = plain || !needs_quotes(s) ? YAML_ANY_SCALAR_STYLE
                                                     : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
  yaml_scalar_event_initialize(&e, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1, st);
  ev(m, &e);
}

static void kv(Em *m, const char *k, const char *v) {
  if (!v) return;
  scalar(m, k, 1);
  scalar(m, v, 0);
}

static void kint(Em *m, const char *k, long long v) {
  char t[32];
  snprintf(t, sizeof t, "%lld", v);
  scalar(m, k, 1);
  scalar(m, t, 1);
}

static void kbool(Em *m, const char *k, int v) {
  scalar(m, k, 1);
  scalar(m, v ? "true" : "false", 1);
}

static void open_map(Em *m) {
  yaml_event_t e;
  yaml_mapping_start_event_initialize(&e, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
  ev(m, &e);
}
static void close_map(Em *m) {
  yaml_event_t e;
  yaml_mapping_end_event_initialize(&e);
  ev(m, &e);
}
static void open_seq(Em *m, int flow) {
  yaml_event_t e;
  yaml_sequence_start_event_initialize(&e, NULL, NULL, 1,
                                       flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
  ev(m, &e);
}
static void close_seq(Em *m) {
  yaml_event_t e;
  yaml_sequence_end_event_initialize(&e);
  ev(m, &e);
}

static void put_translations(Em *m, const AssessTr *tr, size_t n) {
  if (!n) return;
  scalar(m, "translations", 1);
  open_map(m);
  for (size_t i = 0; i < n; i++) {
    scalar(m, tr[i].lang, 0);
    open_map(m);
    kv(m, "name", tr[i].name);
    kv(m, "description", tr[i].description);
    close_map(m);
  }
  close_map(m);
}

static void put_scale(Em *m, const AssessFramework *fw) {
  const AssessScale *s = &fw->scale;
  if (s->id) {
    kv(m, "scale", s->id);
    return;
  }
  kint(m, "min_score", s->min);
  kint(m, "max_score", s->max);
  if (!s->nlevels) return;
  scalar(m, "scores_definition", 1);
  open_seq(m, 0);
  for (size_t i = 0; i < s->nlevels; i++) {
    open_map(m);
    kint(m, "score", s->levels[i].score);
    kv(m, "name", s->levels[i].name);
    kv(m, "description", s->levels[i].description);
    close_map(m);
  }
  close_seq(m);
}

static void put_groups(Em *m, const AssessFramework *fw) {
  if (!fw->ngroups) return;
  scalar(m, "implementation_groups_definition", 1);
  open_seq(m, 0);
  for (size_t i = 0; i < fw->ngroups; i++) {
    const AssessGroup *g = &fw->groups[i];
    open_map(m);
    kv(m, "ref_id", g->ref_id);
    kv(m, "name", g->name);
    kv(m, "description", g->description);
    if (g->default_selected) kbool(m, "default_selected", 1);
    close_map(m);
  }
  close_seq(m);
}

static void put_cost(Em *m, const AssessCost *c) {
  if (!c->present) return;
  scalar(m, "cost", 1);
  open_map(m);
  kv(m, "text", c->text);
  const long long v[] = {c->once_min, c->once_max, c->yearly_min, c->yearly_max};
  const char *k[] = {"once_nok_min", "once_nok_max", "yearly_nok_min", "yearly_nok_max"};
  for (int i = 0; i < 4; i++)
    if (v[i] >= 0) kint(m, k[i], v[i]);
  close_map(m);
}

static void put_node(Em *m, const AssessNode *n) {
  open_map(m);
  kv(m, "urn", n->urn);
  kv(m, "ref_id", n->ref_id);
  kv(m, "parent_urn", n->parent_urn);
  kv(m, "name", n->name);
  kv(m, "description", n->description);
  kv(m, "annotation", n->annotation);
  kv(m, "typical_evidence", n->typical_evidence);
  kv(m, "source", n->source);
  kv(m, "priority", n->priority);
  kbool(m, "assessable", n->assessable);
  if (n->weight != 1.0) {
    char t[40];
    snprintf(t, sizeof t, "%.15g", n->weight);
    if (strtod(t, NULL) != n->weight) snprintf(t, sizeof t, "%.17g", n->weight); /* exact */
    scalar(m, "weight", 1);
    scalar(m, t, 1);
  }
  static const char *const imp[] = {NULL, "nice_to_have", "recommended", "mandatory"};
  if (n->importance > 0 && n->importance <= 3) kv(m, "importance", imp[n->importance]);
  if (n->target >= 0) kint(m, "target", n->target);
  if (n->ngroups) {
    scalar(m, "implementation_groups", 1);
    open_seq(m, 1);
    for (size_t i = 0; i < n->ngroups; i++) scalar(m, n->groups[i], 0);
    close_seq(m);
  }
  put_translations(m, n->tr, n->ntr);
  put_cost(m, &n->cost);
  close_map(m);
}

static void put_header(Em *m, const AssessFramework *fw) {
  kv(m, "format", ASSESS_FORMAT_ID);
  kv(m, "urn", fw->urn);
  kint(m, "version", fw->version);
  kv(m, "edition", fw->edition);
  kv(m, "ref_id", fw->ref_id);
  kv(m, "name", fw->name);
  kv(m, "description", fw->description);
  kv(m, "locale", fw->locale);
  kv(m, "provider", fw->provider);
  kv(m, "packager", fw->packager);
  kv(m, "copyright", fw->copyright);
  kv(m, "publication_date", fw->publication_date);
  kv(m, "notes", fw->notes);
  put_translations(m, fw->tr, fw->ntr);
  put_scale(m, fw);
  if (fw->default_target >= 0) kint(m, "default_target", fw->default_target);
  put_groups(m, fw);
}

int assess_framework_export(const AssessFramework *fw, Buf *out, Err *e) {
  Em m = {0};
  if (!yaml_emitter_initialize(&m.e)) return err_set(e, VERR_NOMEM, "kunne ikke starte YAML-skriveren");
  yaml_emitter_set_output(&m.e, out_handler, out);
  yaml_emitter_set_unicode(&m.e, 1);
  yaml_emitter_set_width(&m.e, 100);
  yaml_emitter_set_indent(&m.e, 2);
  yaml_event_t x;
  yaml_stream_start_event_initialize(&x, YAML_UTF8_ENCODING);
  ev(&m, &x);
  yaml_document_start_event_initialize(&x, NULL, NULL, NULL, 1);
  ev(&m, &x);
  open_map(&m);
  put_header(&m, fw);
  scalar(&m, "nodes", 1);
  open_seq(&m, 0);
  for (size_t i = 0; i < fw->nnodes; i++) put_node(&m, &fw->nodes[i]);
  close_seq(&m);
  close_map(&m);
  yaml_document_end_event_initialize(&x, 1);
  ev(&m, &x);
  yaml_stream_end_event_initialize(&x);
  ev(&m, &x);
  int failed = m.failed;
  const char *problem = m.e.problem;
  yaml_emitter_delete(&m.e);
  if (out->err) return err_set(e, VERR_TOOBIG, "YAML-utdata ble for store");
  if (failed) return err_set(e, VERR_INVALID, "YAML-skriving feilet: %s", problem ? problem : "?");
  return 0;
}
