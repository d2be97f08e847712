/* cfgbin.c — encoder and bounds-checked decoder of cfgbin.h's record:
 *   "VC" version(1) 0 | cvss f64 | str vector | str cisa_due | u32 ncfg | cfg*
 *   cfg:   u8 flags (1 AND, 2 negate) | u32 nnode | node*
 *   node:  u8 flags | u32 nmatch | u32 nchild | match* | node* (children)
 *   match: u8 flags (1 vulnerable) | str criteria | str vsi vse vei vee
 *   str:   u16 length (0xffff = absent) | bytes; integers little-endian. */
#include "vuln/cfgbin.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#define STR_NONE 0xffffu
#define MAX_DEPTH 8
#define MIN_NODE 9    /* bytes of an empty node, to bound counts by what is left */
#define MIN_MATCH 11  /* flags and five string lengths */

/* ---- encoding ---- */

static void put_u8(Buf *b, unsigned v) { buf_putc(b, (int)(v & 0xff)); }

static void put_u32(Buf *b, uint32_t v) {
  unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
  buf_append(b, x, 4);
}

static int put_str(Buf *b, const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (s && n >= STR_NONE) return VERR_TOOBIG;
  uint16_t v = s ? (uint16_t)n : STR_NONE;
  unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
  buf_append(b, x, 2);
  if (n) buf_append(b, s, n);
  return 0;
}

static int put_node(Buf *b, const VulnNode *nd, int depth) {
  if (depth > MAX_DEPTH) return VERR_TOOBIG;
  put_u8(b, (nd->op_and ? 1u : 0u) | (nd->negate ? 2u : 0u));
  put_u32(b, nd->nmatch);
  put_u32(b, nd->nchild);
  int rc = 0;
  for (uint32_t i = 0; !rc && i < nd->nmatch; i++) {
    const VulnCpeMatch *m = &nd->match[i];
    put_u8(b, m->vulnerable ? 1u : 0u);
    const char *s[5] = {m->criteria, m->vsi, m->vse, m->vei, m->vee};
    for (int k = 0; !rc && k < 5; k++) rc = put_str(b, s[k]);
  }
  for (uint32_t i = 0; !rc && i < nd->nchild; i++) rc = put_node(b, &nd->child[i], depth + 1);
  return rc;
}

int vuln_cfgbin_encode(const VulnCve *c, Buf *out) {
  uint64_t bits;
  memcpy(&bits, &c->cvss, sizeof bits);
  buf_append(out, "VC", 2);
  put_u8(out, VULN_CFGBIN_VERSION);
  put_u8(out, 0);
  put_u32(out, (uint32_t)bits);
  put_u32(out, (uint32_t)(bits >> 32));
  int rc = put_str(out, c->cvss_vector);
  if (!rc) rc = put_str(out, c->cisa_due);
  put_u32(out, c->ncfg);
  for (uint32_t i = 0; !rc && i < c->ncfg; i++) {
    const VulnConfig *cf = &c->cfg[i];
    put_u8(out, (cf->op_and ? 1u : 0u) | (cf->negate ? 2u : 0u));
    put_u32(out, cf->nnode);
    for (uint32_t j = 0; !rc && j < cf->nnode; j++) rc = put_node(out, &cf->node[j], 0);
  }
  if (!rc && out->err) rc = VERR_NOMEM;
  return rc;
}

/* ---- decoding ---- */

struct VulnCfgDecoder {
  VulnDb *db;
};

typedef struct Rd {
  const unsigned char *p;
  size_t n, at;
  int bad;
  VulnCfgDecoder *d;
} Rd;

static unsigned get_u8(Rd *r) {
  if (r->bad || r->n - r->at < 1) return r->bad = 1, 0;
  return r->p[r->at++];
}

static uint32_t get_u32(Rd *r) {
  if (r->bad || r->n - r->at < 4) return r->bad = 1, 0;
  const unsigned char *x = r->p + r->at;
  r->at += 4;
  return (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24;
}

/* A string's bytes in place (*len; NULL if absent). */
static const char *get_raw(Rd *r, size_t *len, int *absent) {
  *absent = 1;
  *len = 0;
  if (r->bad || r->n - r->at < 2) return r->bad = 1, NULL;
  size_t l = (size_t)r->p[r->at] | (size_t)r->p[r->at + 1] << 8;
  r->at += 2;
  if (l == STR_NONE) return NULL;
  if (r->n - r->at < l || memchr(r->p + r->at, 0, l)) return r->bad = 1, NULL;
  const char *s = (const char *)r->p + r->at;
  r->at += l;
  *absent = 0;
  *len = l;
  return s;
}

static const char *get_str(Rd *r) {
  size_t l;
  int absent;
  const char *s = get_raw(r, &l, &absent);
  if (absent) return NULL;
  const char *c = arena_strndup(r->d->db->arena, s, l);
  if (!c) r->bad = 1;
  return c;
}

/* The criterion (s, l) parsed; -1 if it does not parse. It is parsed on
 * the stack and kept in one arena block with only the bytes its values use
 * (the parser's store is sized for the worst case: twice the string). */
static int parse_criteria(VulnCfgDecoder *d, const char *s, size_t l, VulnCpeMatch *out) {
  char str[VULN_CPE_MAX + 1], store[2 * VULN_CPE_MAX + 16];
  Err e = {0};
  if (l > VULN_CPE_MAX) return -1;   /* the parser refuses it too */
  memcpy(str, s, l);
  str[l] = '\0';
  if (vuln_cpe_parse(str, &out->cpe, store, sizeof store, &e)) return -1;
  size_t used = 0;   /* every value the parser sets lies in store */
  for (int i = 0; i < CPE_NATTR; i++)
    if (out->cpe.v[i]) {
      size_t end = (size_t)(out->cpe.v[i] - store) + strlen(out->cpe.v[i]) + 1;
      used = end > used ? end : used;
    }
  char *mem = arena_alloc(d->db->arena, l + 1 + used);
  if (!mem) return -1;
  memcpy(mem, str, l + 1);
  memcpy(mem + l + 1, store, used);
  for (int i = 0; i < CPE_NATTR; i++)
    if (out->cpe.v[i]) out->cpe.v[i] = mem + l + 1 + (out->cpe.v[i] - store);
  out->criteria = mem;
  return 0;
}

static void get_match(Rd *r, VulnCpeMatch *m) {
  unsigned f = get_u8(r);
  size_t l;
  int absent;
  const char *s = get_raw(r, &l, &absent);
  if (f > 1 || absent || r->bad || parse_criteria(r->d, s, l, m)) {
    r->bad = 1;
    return;
  }
  m->vulnerable = f & 1;
  m->vsi = get_str(r);
  m->vse = get_str(r);
  m->vei = get_str(r);
  m->vee = get_str(r);
}

/* A count of elements of at least `min` bytes each: at most what is left. */
static uint32_t get_count(Rd *r, size_t min) {
  uint32_t c = get_u32(r);
  if (!r->bad && c > (r->n - r->at) / min) r->bad = 1;
  return r->bad ? 0 : c;
}

static void get_node(Rd *r, VulnNode *nd, int depth) {
  unsigned f = get_u8(r);
  nd->op_and = f & 1;
  nd->negate = (f & 2) != 0;
  nd->nmatch = get_count(r, MIN_MATCH);
  nd->nchild = get_count(r, MIN_NODE);
  if (r->bad || f > 3 || depth > MAX_DEPTH || nd->nmatch + (uint64_t)nd->nchild == 0) {
    r->bad = 1;
    return;
  }
  Arena *a = r->d->db->arena;
  nd->match = arena_alloc(a, sizeof *nd->match * (nd->nmatch + 1));
  nd->child = arena_alloc(a, sizeof *nd->child * (nd->nchild + 1));
  if (!nd->match || !nd->child) r->bad = 1;
  for (uint32_t i = 0; !r->bad && i < nd->nmatch; i++) get_match(r, &nd->match[i]);
  for (uint32_t i = 0; !r->bad && i < nd->nchild; i++) get_node(r, &nd->child[i], depth + 1);
}

static void get_configs(Rd *r, VulnCve *c) {
  c->ncfg = get_count(r, 5);
  c->cfg = arena_alloc(r->d->db->arena, sizeof *c->cfg * (c->ncfg + 1));
  if (!c->cfg) r->bad = 1;
  for (uint32_t i = 0; !r->bad && i < c->ncfg; i++) {
    VulnConfig *cf = &c->cfg[i];
    unsigned f = get_u8(r);
    cf->op_and = f & 1;
    cf->negate = (f & 2) != 0;
    cf->nnode = get_count(r, MIN_NODE);
    if (f > 3 || !cf->nnode) r->bad = 1;
    cf->node = r->bad ? NULL : arena_alloc(r->d->db->arena, sizeof *cf->node * cf->nnode);
    if (!cf->node) r->bad = 1;
    for (uint32_t j = 0; !r->bad && j < cf->nnode; j++) get_node(r, &cf->node[j], 0);
  }
}

int vuln_cfgbin_decode(VulnCfgDecoder *d, const char *id, const void *p, size_t n, Err *e) {
  VulnDb *db = d->db;
  Rd r = {p, n, 0, 0, d};
  if (!p || n < 4 || memcmp(p, "VC", 2) || r.p[2] != VULN_CFGBIN_VERSION || r.p[3])
    return err_set(e, VERR_INVALID, "%s: not a version %d configuration record", id, VULN_CFGBIN_VERSION);
  if (db->ncve == db->capcve) {
    size_t nc = db->capcve ? db->capcve * 2 : 1024;
    VulnCve *c = realloc(db->cve, nc * sizeof *c);
    if (!c) return err_set(e, VERR_NOMEM, "out of memory");
    db->cve = c;
    db->capcve = nc;
  }
  VulnCve *c = &db->cve[db->ncve];
  memset(c, 0, sizeof *c);
  r.at = 4;
  uint64_t lo = get_u32(&r), hi = get_u32(&r), bits = lo | hi << 32;
  memcpy(&c->cvss, &bits, sizeof bits);
  c->cvss_vector = get_str(&r);
  c->cisa_due = get_str(&r);
  get_configs(&r, c);
  c->id = r.bad ? NULL : arena_strdup(db->arena, id);
  if (r.bad || r.at != n || !c->id || c->cvss != c->cvss || c->cvss > 10 || c->cvss < -1)
    return err_set(e, VERR_INVALID, "%s: malformed configuration record (byte %zu of %zu)", id, r.at, n);
  db->ncve++;
  return 0;
}

/* ---- skimming: the vulnerable criteria, nothing decoded ---- */

typedef struct Skim {
  Rd r;
  int (*want)(void *, const char *, size_t);
  void *ctx;
  int wanted;
} Skim;

static void skim_str(Rd *r) {
  size_t l;
  int absent;
  get_raw(r, &l, &absent);
}

static void skim_node(Skim *k, int depth) {
  Rd *r = &k->r;
  unsigned f = get_u8(r);
  uint32_t nm = get_count(r, MIN_MATCH), nc = get_count(r, MIN_NODE);
  if (r->bad || f > 3 || depth > MAX_DEPTH || nm + (uint64_t)nc == 0) {
    r->bad = 1;
    return;
  }
  for (uint32_t i = 0; !r->bad && !k->wanted && i < nm; i++) {
    unsigned mf = get_u8(r);
    size_t l;
    int absent;
    const char *c = get_raw(r, &l, &absent);
    if (mf > 1 || absent) r->bad = 1;
    else if ((mf & 1) && k->want(k->ctx, c, l)) k->wanted = 1;
    for (int j = 0; j < 4; j++) skim_str(r);
  }
  for (uint32_t i = 0; !r->bad && !k->wanted && i < nc; i++) skim_node(k, depth + 1);
}

int vuln_cfgbin_wanted(const void *p, size_t n, int (*want)(void *, const char *, size_t), void *ctx,
                       uint32_t *ncfg) {
  Skim k = {{p, n, 0, 0, NULL}, want, ctx, 0};
  Rd *r = &k.r;
  *ncfg = 0;
  if (!p || n < 12 || memcmp(p, "VC", 2) || r->p[2] != VULN_CFGBIN_VERSION || r->p[3]) return 1;
  r->at = 12;   /* magic, version and the CVSS score */
  skim_str(r);
  skim_str(r);
  *ncfg = get_count(r, 5);
  for (uint32_t i = 0; !r->bad && !k.wanted && i < *ncfg; i++) {
    unsigned f = get_u8(r);
    uint32_t nn = get_count(r, MIN_NODE);
    if (f > 3 || !nn) r->bad = 1;
    for (uint32_t j = 0; !r->bad && !k.wanted && j < nn; j++) skim_node(&k, 0);
  }
  return k.wanted || r->bad || r->at != n;
}

VulnCfgDecoder *vuln_cfgbin_decoder_new(VulnDb *db) {
  VulnCfgDecoder *d = calloc(1, sizeof *d);
  if (d) d->db = db;
  return d;
}

void vuln_cfgbin_decoder_free(VulnCfgDecoder *d) { free(d); }
