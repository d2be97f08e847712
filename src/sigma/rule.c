/* rule.c — one YAML document to one SRule: metadata (id, title, author, ...),
 * logsource, and the kind-specific part — detection, filter or correlation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma/internal.h"

static const char *dupstr(SigmaEngine *e, const YNode *doc, const char *key, const char *dflt) {
  const char *s = sy_str(doc, key);
  return s ? arena_strdup(e->arena, s) : dflt;
}

static int str_list(SigmaEngine *e, const YNode *n, char ***out, size_t *nout) {
  *nout = 0;
  *out = NULL;
  if (!n || sy_is_null(n)) return 0;
  size_t cnt = n->type == Y_SEQ ? n->n : 1;
  *out = arena_alloc(e->arena, (cnt + 1) * sizeof **out);
  if (!*out) return -1;
  for (size_t i = 0; i < cnt; i++) {
    const YNode *it = n->type == Y_SEQ ? n->items[i] : n;
    if (it->type != Y_SCALAR) return -1;
    if (!((*out)[(*nout)++] = arena_strdup(e->arena, it->s))) return -1;
  }
  return 0;
}

/* "author" may be a string or a list; joined with ", ". */
static const char *author(SigmaEngine *e, const YNode *doc) {
  const YNode *a = sy_get(doc, "author");
  if (!a || sy_is_null(a)) return "";
  if (a->type == Y_SCALAR) return arena_strdup(e->arena, a->s);
  char buf[1024] = "";
  for (size_t i = 0; i < a->n; i++)
    if (a->items[i]->type == Y_SCALAR)
      snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? ", " : "", a->items[i]->s);
  return arena_strdup(e->arena, buf);
}

static int64_t parse_span(const char *s) {
  if (!s) return -1;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (end == s || v <= 0) return -1;
  int64_t mul = 0;
  if (!strcmp(end, "s")) mul = 1000;
  else if (!strcmp(end, "m")) mul = 60000;
  else if (!strcmp(end, "h")) mul = 3600000;
  else if (!strcmp(end, "d")) mul = 86400000;
  else if (!strcmp(end, "w")) mul = 7 * 86400000LL;
  if (!mul || v > INT64_MAX / mul) return -1;
  return v * mul;
}

static int bad(char *msg, size_t sz, int *line, const YNode *n, const char *what) {
  snprintf(msg, sz, "%s", what);
  *line = n ? n->line : 0;
  return -1;
}

static int load_aliases(SigmaEngine *e, SCorr *c, const YNode *al, char *msg, size_t sz, int *line) {
  if (!al || sy_is_null(al)) return 0;
  if (al->type != Y_MAP) return bad(msg, sz, line, al, "aliases must be a map");
  c->naliases = al->n / 2;
  c->aliases = arena_alloc(e->arena, (c->naliases + 1) * sizeof *c->aliases);
  if (!c->aliases) return -1;
  for (size_t i = 0; i < c->naliases; i++) {
    SAlias *a = &c->aliases[i];
    const YNode *k = al->items[2 * i], *v = al->items[2 * i + 1];
    if (k->type != Y_SCALAR || v->type != Y_MAP) return bad(msg, sz, line, k, "invalid alias");
    a->alias = arena_strdup(e->arena, k->s);
    a->n = v->n / 2;
    a->rule_ref = arena_alloc(e->arena, (a->n + 1) * sizeof(char *));
    a->field = arena_alloc(e->arena, (a->n + 1) * sizeof(char *));
    if (!a->rule_ref || !a->field) return -1;
    for (size_t j = 0; j < a->n; j++) {
      if (v->items[2 * j]->type != Y_SCALAR || v->items[2 * j + 1]->type != Y_SCALAR)
        return bad(msg, sz, line, v, "invalid alias entry");
      a->rule_ref[j] = arena_strdup(e->arena, v->items[2 * j]->s);
      a->field[j] = arena_strdup(e->arena, v->items[2 * j + 1]->s);
    }
  }
  return 0;
}

static int load_condition(SCorr *c, const YNode *cond, char *msg, size_t sz, int *line) {
  static const char *ops[6] = {"gt", "gte", "lt", "lte", "eq", "neq"};
  int any = 0;
  if (!cond || cond->type != Y_MAP) {
    if (c->type == CT_TEMPORAL || c->type == CT_TEMPORAL_ORDERED) return 0;
    return bad(msg, sz, line, cond, "correlation condition must be a map");
  }
  for (size_t i = 0; i + 1 < cond->n; i += 2) {
    const YNode *k = cond->items[i], *v = cond->items[i + 1];
    if (k->type != Y_SCALAR || v->type != Y_SCALAR) return bad(msg, sz, line, k, "invalid condition entry");
    if (!strcmp(k->s, "field")) { c->field = v->s; continue; }
    char *end;
    double d = strtod(v->s, &end);
    if (!strcmp(k->s, "percentile")) { c->percentile = d; continue; }
    int found = 0;
    for (int o = 0; o < 6; o++)
      if (!strcmp(k->s, ops[o])) { found = 1; c->has[o] = 1; c->lim[o] = d; any = 1; }
    if (!found) return bad(msg, sz, line, k, "unknown correlation condition operator");
    if (*end || end == v->s) return bad(msg, sz, line, v, "correlation condition needs a number");
  }
  if (!any && c->type != CT_TEMPORAL && c->type != CT_TEMPORAL_ORDERED)
    return bad(msg, sz, line, cond, "correlation condition has no comparison");
  int valued = c->type == CT_VALUE_COUNT || c->type >= CT_VALUE_SUM;
  if (valued && !c->field) return bad(msg, sz, line, cond, "correlation condition needs 'field'");
  return 0;
}

static int load_corr(SigmaEngine *e, SRule *r, const YNode *cb, char *msg, size_t sz, int *line) {
  static const char *types[] = {"event_count", "value_count", "temporal", "temporal_ordered",
                                "value_sum", "value_avg", "value_percentile"};
  SCorr *c = arena_alloc(e->arena, sizeof *c);
  if (!c) return -1;
  r->corr = c;
  c->type = -1;
  c->percentile = 50;
  const char *t = sy_str(cb, "type");
  for (int i = 0; t && i < 7; i++)
    if (!strcmp(t, types[i])) c->type = i;
  if (c->type < 0) return bad(msg, sz, line, cb, "unknown correlation type");
  if (str_list(e, sy_get(cb, "rules"), &c->refs, &c->nrefs) || c->nrefs == 0)
    return bad(msg, sz, line, cb, "correlation needs 'rules'");
  if (str_list(e, sy_get(cb, "group-by"), &c->group, &c->ngroup))
    return bad(msg, sz, line, cb, "invalid group-by");
  const char *span = sy_str(cb, "timespan");
  if (!span) span = sy_str(cb, "timeframe");
  if ((c->span_ms = parse_span(span)) < 0) return bad(msg, sz, line, cb, "missing or invalid timespan");
  if (load_aliases(e, c, sy_get(cb, "aliases"), msg, sz, line)) return -1;
  if (load_condition(c, sy_get(cb, "condition"), msg, sz, line)) return -1;
  if (c->field && !(c->field = arena_strdup(e->arena, c->field))) return -1;
  const char *gen = sy_str(cb, "generate");
  if (gen && (!strcmp(gen, "true") || !strcmp(gen, "yes"))) r->generate = 2;   /* refs keep alerts */
  return 0;
}

static int add_rule(SigmaEngine *e, SRule **out) {
  if (e->nrules == e->caprules) {
    size_t cap = e->caprules ? e->caprules * 2 : 1024;
    SRule *nr = realloc(e->rules, cap * sizeof *nr);
    if (!nr) return -1;
    e->rules = nr;
    e->caprules = cap;
  }
  *out = &e->rules[e->nrules];
  memset(*out, 0, sizeof **out);
  return 0;
}

int sr_load_doc(SigmaEngine *e, const char *file, const YNode *doc, char *msg, size_t sz, int *line) {
  SRule r = {0};
  *line = doc ? doc->line : 0;
  if (!doc || doc->type != Y_MAP) return bad(msg, sz, line, doc, "document is not a map");
  r.info.file = file;
  r.info.id = dupstr(e, doc, "id", "");
  r.info.name = dupstr(e, doc, "name", "");
  r.info.title = dupstr(e, doc, "title", NULL);
  r.info.level = dupstr(e, doc, "level", "");
  r.info.status = dupstr(e, doc, "status", "");
  r.info.author = author(e, doc);
  r.line = doc->line;
  r.generate = 1;
  if (!r.info.title) return bad(msg, sz, line, doc, "missing title");
  char **tags;
  if (str_list(e, sy_get(doc, "tags"), &tags, &r.info.ntags)) return bad(msg, sz, line, doc, "invalid tags");
  r.info.tags = (const char **)tags;
  const YNode *ls = sy_get(doc, "logsource");
  r.product = dupstr(e, ls, "product", NULL);
  r.category = dupstr(e, ls, "category", NULL);
  r.service = dupstr(e, ls, "service", NULL);
  const YNode *cb = sy_get(doc, "correlation"), *fb = sy_get(doc, "filter");
  if (cb) {
    r.info.is_correlation = 1;
    if (cb->type != Y_MAP) return bad(msg, sz, line, cb, "correlation must be a map");
    if (load_corr(e, &r, cb, msg, sz, line)) return -1;
  } else if (fb) {
    if (!ls || ls->type != Y_MAP) return bad(msg, sz, line, doc, "missing logsource");
    r.is_filter = 1;
    const YNode *tr = sy_get(fb, "rules");
    char **t;
    if (str_list(e, tr, &t, &r.nftargets)) return bad(msg, sz, line, tr, "invalid filter rules");
    r.ftargets = t;
    r.ftarget_any = !tr || sy_is_null(tr) || (r.nftargets == 1 && !strcmp(t[0], "any"));
    if (!(r.cond = sd_detection(e, fb, "filter", msg, sz, line))) return -1;
  } else {
    if (!ls || ls->type != Y_MAP) return bad(msg, sz, line, doc, "missing logsource");
    if (!(r.cond = sd_detection(e, sy_get(doc, "detection"), "detection", msg, sz, line))) return -1;
  }
  SRule *slot;
  if (add_rule(e, &slot)) return bad(msg, sz, line, doc, "out of memory");
  *slot = r;
  e->nrules++;
  return 0;
}
