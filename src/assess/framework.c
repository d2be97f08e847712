/* framework.c — reads a framework library (YAML) into AssessFramework and
 * validates it; also accepts CISO Assistant's layout (objects.framework). */
#include "assess/framework.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/fwread.h"
#include "assess/ytree.h"

static const char *const top_keys[] = {
  "format", "urn", "version", "edition", "ref_id", "name", "description", "locale",
  "provider", "packager", "copyright", "publication_date", "notes", "translations",
  "scale", "min_score", "max_score", "scores_definition", "default_target",
  "implementation_groups_definition", "nodes", "objects", "dependencies", NULL};

/* CISO Assistant keeps the framework under objects.framework. */
static const char *const ca_fw_keys[] = {
  "urn", "ref_id", "name", "description", "annotation", "min_score", "max_score",
  "scores_definition", "implementation_groups_definition", "requirement_nodes",
  "translations", NULL};

/* Line of key's value in map m, or of the map itself when the key is absent. */
static int key_line(const AssessY *m, const char *key) {
  const AssessY *v = assess_y_get(m, key);
  return v ? v->line : m->line;
}

static int valid_urn(const char *s) {
  size_t n = strlen(s);
  if (n < 5 || n > 400 || strncmp(s, "urn:", 4)) return 0;
  for (size_t i = 4; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!(islower(c) || isdigit(c) || strchr(":._-", c))) return 0;
  }
  return 1;
}

static int valid_locale(const char *s) {
  size_t n = strlen(s), i = 0;
  while (i < n && islower((unsigned char)s[i])) i++;
  if (i < 2 || i > 3) return 0;
  if (i == n) return 1;
  if (s[i] != '-' || n - i < 3 || n - i > 5) return 0;
  for (i++; i < n; i++)
    if (!isalnum((unsigned char)s[i])) return 0;
  return 1;
}

static int valid_ref(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > ASSESS_REF_MAX) return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 0;
  return 1;
}

/* Reads a required (or optional) text field; reports a missing required one. */
static int need_str(AssessRd *r, const AssessY *m, const char *key, const char **out,
                    int required, const char *what) {
  int rc = assess_rd_str(r, assess_y_get(m, key), key, out);
  if (rc == 0 && required) {
    assess_err(r->d, m->line, "%s mangler «%s»", what, key);
    return -1;
  }
  return rc < 0 ? -1 : 0;
}

static int read_header(AssessRd *r, const AssessY *top, const AssessY *fwm) {
  AssessFramework *fw = r->fw;
  int rc = 0;
  long long v = 0;
  const char *what = "rammeverket";
  rc |= need_str(r, fwm, "urn", &fw->urn, 1, what);
  rc |= need_str(r, fwm, "name", &fw->name, 1, what);
  rc |= need_str(r, top, "locale", &fw->locale, 1, what);
  rc |= need_str(r, fwm, "ref_id", &fw->ref_id, 0, what);
  rc |= need_str(r, fwm, "description", &fw->description, 0, what);
  const char **opt[] = {&fw->edition, &fw->provider, &fw->packager, &fw->copyright,
                        &fw->publication_date, &fw->notes};
  const char *optk[] = {"edition", "provider", "packager", "copyright", "publication_date",
                        "notes"};
  for (size_t i = 0; i < 6; i++) rc |= need_str(r, top, optk[i], opt[i], 0, what);
  int got = assess_rd_int(r, assess_y_get(top, "version"), "version", 1, 1000000, &v);
  if (got == 0) assess_err(r->d, top->line, "rammeverket mangler «version» (heltall ≥ 1)");
  if (got <= 0) rc = -1;
  fw->version = (int)v;
  if (fw->urn && !valid_urn(fw->urn)) {
    assess_err(r->d, key_line(fwm, "urn"),
               "ugyldig URN «%s» (skal starte med «urn:» og bare ha a–z, 0–9 og : . _ -)",
               fw->urn);
    rc = -1;
  }
  if (fw->locale && !valid_locale(fw->locale)) {
    assess_err(r->d, key_line(top, "locale"), "ugyldig språkkode «%s» (f.eks. nb, nn, en)",
               fw->locale);
    rc = -1;
  }
  const AssessY *tr = assess_y_get(fwm, "translations");
  if (!tr) tr = assess_y_get(top, "translations");
  if (assess_rd_translations(r, tr, &fw->tr, &fw->ntr) < 0) rc = -1;
  return rc ? -1 : 0;
}

static const char *const level_keys[] = {"score", "name", "description", NULL};

static int read_levels(AssessRd *r, const AssessY *seq, AssessScale *s) {
  if (seq->kind != AY_SEQ) {
    assess_err(r->d, seq->line, "«scores_definition» skal være en liste");
    return -1;
  }
  if (seq->n > (size_t)(s->max - s->min) + 1) {
    assess_err(r->d, seq->line, "«scores_definition» har flere nivåer enn skalaen har trinn");
    return -1;
  }
  AssessLevel *v = arena_alloc(r->a, (seq->n + 1) * sizeof *v);
  if (!v) return -1;
  int rc = 0;
  size_t k = 0;
  for (AssessY *it = seq->first; it; it = it->next) {
    if (assess_rd_keys(r, it, level_keys, "et skalanivå") < 0) { rc = -1; continue; }
    long long sc = 0;
    AssessLevel *l = &v[k++];
    if (assess_rd_int(r, assess_y_get(it, "score"), "score", -1000, 1000, &sc) <= 0) {
      if (!assess_y_get(it, "score")) assess_err(r->d, it->line, "skalanivået mangler «score»");
      rc = -1;
    }
    l->score = (int)sc;
    if (sc < s->min || sc > s->max) {
      assess_err(r->d, it->line, "skalanivået %lld ligger utenfor min_score..max_score (%d–%d)",
                 sc, s->min, s->max);
      rc = -1;
    }
    for (size_t j = 0; j + 1 < k; j++)
      if (v[j].score == l->score) {
        assess_err(r->d, it->line, "skalanivået %lld er definert to ganger", sc);
        rc = -1;
      }
    rc |= need_str(r, it, "name", &l->name, 1, "skalanivået");
    rc |= need_str(r, it, "description", &l->description, 0, "skalanivået");
  }
  s->levels = v;
  s->nlevels = k;
  return rc ? -1 : 0;
}

static int read_scale(AssessRd *r, const AssessY *top, const AssessY *fwm) {
  AssessScale *s = &r->fw->scale;
  const AssessY *name = assess_y_get(top, "scale");
  const AssessY *defs = assess_y_get(fwm, "scores_definition");
  const AssessY *ymin = assess_y_get(fwm, "min_score"), *ymax = assess_y_get(fwm, "max_score");
  const char *id = NULL;
  if (assess_rd_str(r, name, "scale", &id) < 0) return -1;
  if (id) {
    const AssessScale *b = assess_scale_builtin(id);
    if (!b) {
      assess_err(r->d, name->line, "ukjent skala «%s» (kjente: varde-modenhet, varde-sjekkliste)", id);
      return -1;
    }
    if (defs || ymin || ymax) {
      assess_err(r->d, name->line, "«scale» kan ikke brukes sammen med min_score/max_score/scores_definition");
      return -1;
    }
    *s = *b;
    return 0;
  }
  if (!ymin || !ymax) {
    assess_err(r->d, fwm->line, "rammeverket mangler skala: oppgi «scale» eller min_score og max_score");
    return -1;
  }
  long long lo = 0, hi = 0;
  int gl = assess_rd_int(r, ymin, "min_score", -1000, 1000, &lo);
  int gh = assess_rd_int(r, ymax, "max_score", -1000, 1000, &hi);
  if (gl == 0 || gh == 0)
    assess_err(r->d, (gl == 0 ? ymin : ymax)->line, "«%s» mangler verdi",
               gl == 0 ? "min_score" : "max_score");
  if (gl <= 0 || gh <= 0) return -1;
  *s = (AssessScale){.name = r->fw->name, .min = (int)lo, .max = (int)hi};
  if (defs && read_levels(r, defs, s) < 0) return -1;
  const char *bad = assess_scale_check(s);
  if (bad) {
    assess_err(r->d, (defs ? defs : ymax)->line, "ugyldig skala: %s", bad);
    return -1;
  }
  return 0;
}

static const char *const group_keys[] = {"ref_id", "name", "description", "default_selected", NULL};

static int read_groups(AssessRd *r, const AssessY *seq) {
  if (!seq || assess_y_is_null(seq)) return 0;
  if (seq->kind != AY_SEQ) {
    assess_err(r->d, seq->line, "«implementation_groups_definition» skal være en liste");
    return -1;
  }
  AssessFramework *fw = r->fw;
  if (seq->n > 100) {
    assess_err(r->d, seq->line, "mer enn 100 implementeringsgrupper");
    return -1;
  }
  fw->groups = arena_alloc(r->a, (seq->n + 1) * sizeof *fw->groups);
  if (!fw->groups) return -1;
  int rc = 0;
  for (AssessY *it = seq->first; it; it = it->next) {
    if (assess_rd_keys(r, it, group_keys, "en gruppe") < 0) { rc = -1; continue; }
    AssessGroup *g = &fw->groups[fw->ngroups++];
    rc |= need_str(r, it, "ref_id", &g->ref_id, 1, "gruppen");
    rc |= need_str(r, it, "name", &g->name, 1, "gruppen");
    rc |= need_str(r, it, "description", &g->description, 0, "gruppen");
    if (assess_rd_bool(r, assess_y_get(it, "default_selected"), "default_selected",
                       &g->default_selected) < 0) rc = -1;
    for (size_t j = 0; g->ref_id && j + 1 < fw->ngroups; j++)
      if (fw->groups[j].ref_id && !strcmp(fw->groups[j].ref_id, g->ref_id)) {
        assess_err(r->d, it->line, "gruppen «%s» er definert to ganger", g->ref_id);
        rc = -1;
      }
  }
  return rc ? -1 : 0;
}

static int group_known(const AssessFramework *fw, const char *id) {
  for (size_t i = 0; i < fw->ngroups; i++)
    if (!strcmp(fw->groups[i].ref_id, id)) return 1;
  return 0;
}

static int read_node_groups(AssessRd *r, const AssessY *seq, AssessNode *n) {
  if (!seq || assess_y_is_null(seq)) return 0;
  if (seq->kind != AY_SEQ) {
    assess_err(r->d, seq->line, "«implementation_groups» skal være en liste");
    return -1;
  }
  n->groups = arena_alloc(r->a, (seq->n + 1) * sizeof *n->groups);
  if (!n->groups) return -1;
  int rc = 0;
  for (AssessY *it = seq->first; it; it = it->next) {
    const char *g = NULL;
    if (assess_rd_str(r, it, "implementation_groups", &g) <= 0) { rc = -1; continue; }
    if (!group_known(r->fw, g)) {
      assess_err(r->d, it->line, "ukjent implementeringsgruppe «%s» (ikke i implementation_groups_definition)", g);
      rc = -1;
    }
    n->groups[n->ngroups++] = g;
  }
  return rc;
}

static const char *const cost_keys[] = {"text", "once_nok_min", "once_nok_max",
                                        "yearly_nok_min", "yearly_nok_max", NULL};

static int read_cost(AssessRd *r, const AssessY *m, AssessCost *c) {
  c->once_min = c->once_max = c->yearly_min = c->yearly_max = -1;
  if (!m || assess_y_is_null(m)) return 0;
  if (assess_rd_keys(r, m, cost_keys, "«cost»") < 0) return -1;
  c->present = 1;
  long long *dst[] = {&c->once_min, &c->once_max, &c->yearly_min, &c->yearly_max};
  int rc = need_str(r, m, "text", &c->text, 1, "«cost»");
  for (int i = 0; i < 4; i++)
    if (assess_rd_int(r, assess_y_get(m, cost_keys[i + 1]), cost_keys[i + 1], 0,
                      1000000000000LL, dst[i]) < 0) rc = -1;
  if ((c->once_min > c->once_max && c->once_max >= 0) ||
      (c->yearly_min > c->yearly_max && c->yearly_max >= 0)) {
    assess_err(r->d, m->line, "kostnadsestimatet har min større enn max");
    rc = -1;
  }
  return rc;
}

static const char *const node_keys[] = {
  "urn", "ref_id", "parent_urn", "name", "description", "annotation", "typical_evidence",
  "source", "priority", "assessable", "weight", "importance", "target",
  "implementation_groups", "translations", "cost", "depth", NULL};

static int read_importance(AssessRd *r, const AssessY *y, int *out) {
  const char *s = NULL;
  int rc = assess_rd_str(r, y, "importance", &s);
  if (rc <= 0) return rc;
  if (!strcmp(s, "mandatory")) *out = ASSESS_IMP_MANDATORY;
  else if (!strcmp(s, "recommended")) *out = ASSESS_IMP_RECOMMENDED;
  else if (!strcmp(s, "nice_to_have")) *out = ASSESS_IMP_NICE;
  else {
    assess_err(r->d, y->line, "«importance» skal være mandatory, recommended eller nice_to_have, ikke «%s»", s);
    return -1;
  }
  return 1;
}

/* The default node URN: framework URN + ":" + ref_id in URN-safe lower case. */
const char *assess_framework_default_urn(AssessFramework *fw, const char *ref) {
  const char *base = fw->urn ? fw->urn : "urn:x";
  char *u = arena_printf(fw->arena, "%s:%s", base, ref);
  if (!u) return NULL;
  for (char *p = u + strlen(base) + 1; *p; p++) {
    unsigned char c = (unsigned char)*p;
    *p = isupper(c) ? (char)tolower(c) : (isalnum(c) && c < 128) || strchr("._-", c) ? *p : '-';
  }
  return u;
}

static int read_node_text(AssessRd *r, const AssessY *m, AssessNode *n) {
  int rc = 0;
  const char *keys[] = {"urn", "parent_urn", "description", "annotation", "typical_evidence",
                        "source", "priority"};
  const char **dst[] = {&n->urn, &n->parent_urn, &n->description, &n->annotation,
                        &n->typical_evidence, &n->source, &n->priority};
  for (size_t i = 0; i < 7; i++) rc |= need_str(r, m, keys[i], dst[i], 0, "noden");
  rc |= need_str(r, m, "ref_id", &n->ref_id, !(r->ca && n->urn), "noden");
  const char *tail = n->urn ? strrchr(n->urn, ':') : NULL;
  if (!n->ref_id && r->ca && tail && tail[1]) /* CA headings may lack ref_id: use the URN's tail */
    n->ref_id = tail + 1;
  else if (!n->ref_id && r->ca && n->urn) {
    assess_err(r->d, m->line, "noden mangler «ref_id»");
    rc = -1;
  }
  rc |= need_str(r, m, "name", &n->name, !n->description, "noden");
  if (n->urn && !valid_urn(n->urn)) {
    assess_err(r->d, key_line(m, "urn"), "ugyldig URN «%s»", n->urn);
    rc = -1;
  }
  if (n->ref_id && !valid_ref(n->ref_id)) {
    assess_err(r->d, key_line(m, "ref_id"),
               "ugyldig ref_id (1–%d tegn, uten linjeskift eller kontrolltegn)", ASSESS_REF_MAX);
    return -1;
  }
  if (!n->urn && n->ref_id) {
    n->urn = assess_framework_default_urn(r->fw, n->ref_id);
    if (n->urn && !valid_urn(n->urn)) {
      assess_err(r->d, m->line, "kan ikke lage en gyldig URN av ref_id «%s»; oppgi «urn»", n->ref_id);
      return -1;
    }
  }
  if (!n->urn) rc = -1;
  return rc ? -1 : 0;
}

static int read_node(AssessRd *r, const AssessY *m, AssessNode *n) {
  *n = (AssessNode){.weight = 1.0, .target = -1, .parent = -1, .line = m->line};
  if (assess_rd_keys(r, m, node_keys, "en node") < 0) return -1;
  int rc = read_node_text(r, m, n);
  const AssessY *ya = assess_y_get(m, "assessable");
  int got = assess_rd_bool(r, ya, "assessable", &n->assessable);
  if (got == 0) assess_err(r->d, m->line, "noden %s mangler «assessable» (true/false)",
                           n->ref_id ? n->ref_id : "");
  if (got <= 0) rc = -1;
  if (assess_rd_num(r, assess_y_get(m, "weight"), "weight", &n->weight) < 0) rc = -1;
  else if (n->weight < 0 || n->weight > 1000) {
    assess_err(r->d, key_line(m, "weight"), "«weight» skal ligge mellom 0 og 1000");
    rc = -1;
  }
  if (read_importance(r, assess_y_get(m, "importance"), &n->importance) < 0) rc = -1;
  long long t = -1;
  const AssessY *yt = assess_y_get(m, "target");
  if (assess_rd_int(r, yt, "target", r->fw->scale.min, r->fw->scale.max, &t) < 0) rc = -1;
  n->target = (int)t;
  if (yt && t >= 0 && !n->assessable)
    assess_warn(r->d, yt->line, "«target» på en node som ikke er vurderbar brukes ikke");
  if (read_node_groups(r, assess_y_get(m, "implementation_groups"), n) < 0) rc = -1;
  if (assess_rd_translations(r, assess_y_get(m, "translations"), &n->tr, &n->ntr) < 0) rc = -1;
  if (read_cost(r, assess_y_get(m, "cost"), &n->cost) < 0) rc = -1;
  return rc;
}

static int read_nodes(AssessRd *r, const AssessY *seq, const AssessY *where) {
  if (!seq || assess_y_is_null(seq)) {
    assess_err(r->d, where->line, "rammeverket mangler «nodes» (listen over punkter)");
    return -1;
  }
  if (seq->kind != AY_SEQ) {
    assess_err(r->d, seq->line, "«nodes» skal være en liste");
    return -1;
  }
  int rc = 0;
  for (AssessY *it = seq->first; it; it = it->next) {
    AssessNode n;
    if (read_node(r, it, &n) < 0) { rc = -1; continue; }
    if (assess_framework_add_node(r->fw, &n) < 0) return -1;
  }
  return rc;
}

/* Finds the map holding the framework itself: the top (Varde) or
 * objects.framework (CISO Assistant). Sets *nodes to the node list. */
static const AssessY *framework_map(AssessRd *r, const AssessY *top, const AssessY **nodes) {
  const AssessY *objs = assess_y_get(top, "objects");
  if (!objs) {
    const char *fmt = NULL;
    if (assess_rd_str(r, assess_y_get(top, "format"), "format", &fmt) < 0) return NULL;
    if (!fmt) assess_warn(r->d, top->line, "«format: %s» mangler; antar dette formatet", ASSESS_FORMAT_ID);
    else if (strcmp(fmt, ASSESS_FORMAT_ID)) {
      assess_err(r->d, key_line(top, "format"), "ukjent format «%s» (forventet %s)",
                 fmt, ASSESS_FORMAT_ID);
      return NULL;
    }
    *nodes = assess_y_get(top, "nodes");
    return top;
  }
  static const char *const obj_keys[] = {"framework", NULL};
  if (assess_rd_keys(r, objs, obj_keys, "objects") < 0) return NULL; /* others: warnings */
  const AssessY *fwm = assess_y_get(objs, "framework");
  if (!fwm || fwm->kind != AY_MAP) {
    assess_err(r->d, objs->line, "«objects» har ingen «framework»");
    return NULL;
  }
  if (assess_rd_keys(r, fwm, ca_fw_keys, "objects.framework") < 0) return NULL;
  r->ca = 1;
  *nodes = assess_y_get(fwm, "requirement_nodes");
  return fwm;
}

static int read_all(AssessRd *r, const AssessY *top) {
  if (assess_rd_keys(r, top, top_keys, "rammeverket") < 0) return -1;
  const AssessY *nodes = NULL;
  const AssessY *fwm = framework_map(r, top, &nodes);
  if (!fwm) return -1;
  int rc = read_header(r, top, fwm);
  if (read_scale(r, top, fwm) < 0) return -1;
  long long t = -1;
  if (assess_rd_int(r, assess_y_get(top, "default_target"), "default_target", r->fw->scale.min,
                    r->fw->scale.max, &t) < 0) rc = -1;
  r->fw->default_target = (int)t;
  if (read_groups(r, assess_y_get(fwm, "implementation_groups_definition")) < 0) return -1;
  /* Header errors do not stop here: the nodes are read too, so one run
   * reports every problem in the file. */
  if (read_nodes(r, nodes, fwm) < 0 || rc < 0) return -1;
  if (assess_framework_link(r->fw, r->d) < 0) return -1;
  if (assess_framework_assessable(r->fw) == 0) {
    assess_err(r->d, fwm->line, "rammeverket har ingen vurderbare punkter (assessable: true)");
    return -1;
  }
  return 0;
}

AssessFramework *assess_framework_parse(const char *data, size_t n, AssessDiags *d) {
  AssessFramework *fw = calloc(1, sizeof *fw);
  if (!fw) return NULL;
  fw->default_target = -1;
  fw->arena = arena_new(0);
  if (!fw->arena) {
    free(fw);
    return NULL;
  }
  int nerr = d->nerr;
  AssessRd r = {fw, d, fw->arena, 0};
  const AssessY *top = assess_yaml_parse(fw->arena, data, n, d);
  if (top && top->kind != AY_MAP) assess_err(d, top->line, "toppnivået skal være en tabell (map)");
  else if (top && read_all(&r, top) < 0 && d->nerr == nerr)
    assess_err(d, top->line, "rammeverket kunne ikke leses (for stort eller internt avbrudd)");
  if (d->nerr > nerr || !top) {
    assess_framework_free(fw);
    return NULL;
  }
  return fw;
}

AssessFramework *assess_framework_load(const char *path, AssessDiags *d) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    assess_err(d, 0, "kan ikke åpne filen");
    return NULL;
  }
  Buf b;
  buf_init(&b, ASSESS_YAML_MAX_BYTES);
  char tmp[65536];
  size_t k;
  while ((k = fread(tmp, 1, sizeof tmp, f)) > 0 && !b.err) buf_append(&b, tmp, k);
  int ioerr = ferror(f);
  fclose(f);
  AssessFramework *fw = NULL;
  if (ioerr) assess_err(d, 0, "lesefeil");
  else if (b.err) assess_err(d, 0, "filen er større enn %zu byte", ASSESS_YAML_MAX_BYTES);
  else fw = assess_framework_parse(buf_cstr(&b), b.n, d);
  buf_free(&b);
  return fw;
}

void assess_framework_free(AssessFramework *fw) {
  if (!fw) return;
  arena_free(fw->arena);
  free(fw->nodes);
  free(fw->by_ref);
  free(fw);
}
