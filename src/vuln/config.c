/* config.c — exact evaluation of NVD configurations (AND/OR nodes, negate,
 * vulnerable:false platform criteria, the four version bounds) for one
 * inventory item and the platforms it runs on. */
#include <string.h>

#include "vuln/match.h"
#include "vuln/version.h"

int vuln_cpematch_test(const VulnCpeMatch *m, const VulnCpe *t, unsigned relax, unsigned *relaxed) {
  unsigned rel = 0;
  if (!vuln_cpe_matches(&m->cpe, t, relax, &rel)) return 0;
  if (m->vsi || m->vse || m->vei || m->vee) {
    char v[256];
    if (!t->v[CPE_VERSION]) return 0;  /* ANY or NA cannot be placed in a range */
    vuln_cpe_unquote(t->v[CPE_VERSION], v, sizeof v);
    if (!vuln_version_in_range(v, m->vsi, m->vse, m->vei, m->vee)) return 0;
  }
  if (relaxed) *relaxed = rel;
  return 1;
}

typedef struct Eval {
  const VulnItem *it;
  unsigned relax;
} Eval;

typedef struct Hit {
  const VulnCpeMatch *m;
  unsigned relaxed;
} Hit;

/* A criterion holds if the item or one of its platforms satisfies it; a
 * vulnerable criterion satisfied by the item itself is a candidate hit. */
static int eval_match(const Eval *e, const VulnCpeMatch *m, Hit *hit) {
  unsigned rel = 0;
  int any = 0;
  if (e->it->has_cpe && vuln_cpematch_test(m, &e->it->cpe, e->relax, &rel)) {
    any = 1;
    if (m->vulnerable && !hit->m) {
      hit->m = m;
      hit->relaxed = rel;
    }
  }
  for (int i = 0; i < e->it->nplatform && !any; i++)
    any = vuln_cpematch_test(m, &e->it->platform[i], e->relax, NULL);
  return any;
}

/* Hits only count from nodes that hold and are not negated. */
static int eval_node(const Eval *e, const VulnNode *n, Hit *out, int depth) {
  Hit local = {0};
  int res = n->op_and ? 1 : 0;
  for (uint32_t i = 0; i < n->nmatch; i++) {
    int v = eval_match(e, &n->match[i], &local);
    res = n->op_and ? (res && v) : (res || v);
  }
  for (uint32_t i = 0; i < n->nchild && depth < 8; i++) {
    int v = eval_node(e, &n->child[i], &local, depth + 1);
    res = n->op_and ? (res && v) : (res || v);
  }
  if (n->negate) return !res;
  if (res && local.m && !out->m) *out = local;
  return res;
}

int vuln_config_eval(const VulnConfig *cfg, const VulnItem *it, unsigned relax,
                     const VulnCpeMatch **hit, unsigned *relaxed) {
  Eval e = {it, relax};
  Hit h = {0};
  int res = cfg->op_and ? 1 : 0;
  for (uint32_t i = 0; i < cfg->nnode; i++) {
    Hit nh = {0};
    int v = eval_node(&e, &cfg->node[i], &nh, 0);
    if (v && nh.m && !h.m) h = nh;
    res = cfg->op_and ? (res && v) : (res || v);
  }
  if (cfg->negate) return 0;  /* "not this configuration" names nothing vulnerable */
  if (!res || !h.m) return 0;
  if (hit) *hit = h.m;
  if (relaxed) *relaxed = h.relaxed;
  return 1;
}
