/* binxml.c — decodes one EVTX record's binary XML (templates, substitution
 * arrays incl. optional and nested BinXml values, names cached per chunk)
 * straight into Sigma fields: System attributes as Elem_Attr, EventData by
 * Data Name, UserData and other sections by leaf element. Every read is
 * bounds-checked; recursion and work per record are capped. */
#include <stdlib.h>
#include <string.h>

#include "sigma/input/evtx.h"
#include "sigma/input/sin.h"

#define BX_DEPTH 64         /* element nesting */
#define BX_NEST 12          /* templates / BinXml values inside each other */
#define BX_BUDGET 4000000   /* tokens per record */

enum { SEC_NONE, SEC_SYS, SEC_DATA, SEC_USER, SEC_RENDER, SEC_OTHER };

typedef struct Sub { uint32_t off; uint16_t size; uint8_t type; } Sub;

typedef struct Elem {
  uint32_t name, name_len;  /* in nb */
  uint32_t text_start;      /* in text */
  uint32_t fname, fname_len;/* Data Name="..." value, in fnames */
  uint8_t sec, has_text, has_child, multi, has_fname;
} Elem;

/* A compiled template: the fields its body emits, in order, each with a
 * constant value or one substitution, so records using it skip the token
 * walk. Built by walking the body once in recording mode. */
enum { OP_CONST, OP_SUB, OP_NEST };   /* NEST: a BinXml value walked in place */
enum { CTX_LEAF, CTX_SYS, CTX_ATTR };   /* where the field came from */
typedef struct Op {
  uint32_t name, name_len;  /* in pn */
  uint32_t val, val_len;    /* OP_CONST: in pn */
  uint16_t sub;
  uint8_t kind, ctx, optional;
  uint8_t depth, sec;       /* OP_NEST: open elements and section there */
} Op;
/* keyed by definition offset and the context it runs in (depth, section) */
typedef struct Prog { uint32_t def, first, n; uint8_t depth, sec, ok, pushes; } Prog;
#define MAX_PROGS 64
#define PH 0x01             /* placeholder byte in recorded text: PH, 3 x 6-bit index, flag */

/* Name cache: open addressing on the chunk offset, entries of older chunks
 * are stale by generation (no clearing per chunk). */
#define NAME_SLOTS 4096
typedef struct NameEnt { uint32_t gen, at, off, len; } NameEnt;

struct EvtxBx {
  const uint8_t *c;
  uint32_t cn;
  uint32_t gen;
  NameEnt *names;           /* NAME_SLOTS entries */
  Buf nb, text, fnames, fld;
  Sub *subs;
  uint32_t subs_n, subs_cap;
  Elem st[BX_DEPTH];
  int depth;                /* number of open elements */
  int in_attr, attr_drop, attr_multi;
  uint32_t attr_name, attr_name_len, attr_start;
  SigmaEvent *ev;
  const char *why;
  long budget;
  int nest;
  /* compiled templates (see "programs" below), reset per chunk */
  int rec, rec_bad;         /* recording a template's fields instead of emitting */
  uint32_t rec_first;
  Op *ops;
  uint32_t ops_n, ops_cap;
  Prog progs[MAX_PROGS];
  int nprogs;
  Buf pn;                   /* op names and constant values */
  int no_progs;
};

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

EvtxBx *evtx_bx_new(void) {
  EvtxBx *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->names = calloc(NAME_SLOTS, sizeof *b->names);
  if (!b->names) { free(b); return NULL; }
  buf_init(&b->nb, 4 << 20);
  buf_init(&b->text, 16 << 20);
  buf_init(&b->fnames, 1 << 20);
  buf_init(&b->fld, 1 << 16);
  buf_init(&b->pn, 1 << 20);
  return b;
}

void evtx_bx_free(EvtxBx *b) {
  if (!b) return;
  free(b->names);
  free(b->subs);
  buf_free(&b->nb);
  buf_free(&b->text);
  buf_free(&b->fnames);
  buf_free(&b->fld);
  buf_free(&b->pn);
  free(b->ops);
  free(b);
}

void evtx_bx_programs(EvtxBx *b, int on) { b->no_progs = !on; }

void evtx_bx_chunk(EvtxBx *b, const uint8_t *chunk, size_t n) {
  b->c = chunk;
  b->cn = n > EVTX_CHUNK_SIZE ? EVTX_CHUNK_SIZE : (uint32_t)n;
  if (++b->gen == 0) {                  /* wrapped: really clear */
    memset(b->names, 0, NAME_SLOTS * sizeof *b->names);
    b->gen = 1;
  }
  buf_reset(&b->nb);
  buf_reset(&b->pn);
  b->ops_n = 0;
  b->nprogs = 0;
}

static int fail(EvtxBx *b, const char *why) {
  if (!b->why) b->why = why;
  return -1;
}

#define NEED(pos, n, end) do { if ((uint64_t)(pos) + (n) > (end)) return fail(b, "avkortet binær-XML"); } while (0)

/* --- names -------------------------------------------------------------- */

/* Name at chunk offset off (cached per chunk). If it is stored inline at
 * *pos, *pos moves past it. */
static int read_name(EvtxBx *b, uint32_t off, uint32_t *pos, uint32_t end, uint32_t *nm, uint32_t *nl) {
  if ((uint64_t)off + 8 > b->cn) return fail(b, "navneforskyvning utenfor blokken");
  uint32_t nchars = rd16(b->c + off + 6);
  uint64_t size = 8 + 2 * (uint64_t)nchars + 2;
  if (off + size > b->cn) return fail(b, "navn utenfor blokken");
  if (off == *pos) {
    if (*pos + size > end) return fail(b, "avkortet navn");
    *pos += (uint32_t)size;
  }
  NameEnt *e = NULL;
  uint32_t h = (off * 2654435761u) >> 20;            /* 12 bits */
  for (int probe = 0; probe < 16; probe++) {
    NameEnt *t = &b->names[(h + (uint32_t)probe) & (NAME_SLOTS - 1)];
    if (t->gen == b->gen && t->at == off) { *nm = t->off; *nl = t->len; return 0; }
    if (t->gen != b->gen) { e = t; break; }
  }
  uint32_t start = (uint32_t)b->nb.n;                /* decode (and cache if a slot is free) */
  evtx_utf16(&b->nb, b->c + off + 8, nchars);
  buf_putc(&b->nb, '\0');
  if (b->nb.err) return fail(b, "for mange navn");
  *nm = start;
  *nl = (uint32_t)(b->nb.n - start - 1);
  if (e) *e = (NameEnt){b->gen, off, *nm, *nl};
  return 0;
}

static int name_is(const EvtxBx *b, uint32_t nm, uint32_t nl, const char *s, size_t n) {
  return nl == n && memcmp(b->nb.p + nm, s, n) == 0;
}

/* --- output ------------------------------------------------------------- */

static int record_op(EvtxBx *b, const char *name, size_t nn, const char *v, size_t vn, int ctx);
static int add_op(EvtxBx *b, const Op *op);

/* Emits field "a" or "a<sep>c" with value v (split into items when multi);
 * in recording mode, notes an op instead. */
static int emit(EvtxBx *b, const char *a, size_t an, const char *c, size_t cn,
                const char *v, size_t vn, int multi, int ctx) {
  const char *name = a;
  size_t nn = an;
  if (c) {
    buf_reset(&b->fld);
    buf_append(&b->fld, a, an);
    buf_putc(&b->fld, '_');
    buf_append(&b->fld, c, cn);
    if (b->fld.err) return fail(b, "feltnavnet er for langt");
    name = b->fld.p;
    nn = b->fld.n;
  }
  if (b->rec) return record_op(b, name, nn, v, vn, ctx);
  if (nn == 22 && memcmp(name, "TimeCreated_SystemTime", 22) == 0)
    b->ev->time_ms = sin_parse_time(v, vn);
  for (;;) {
    const char *sep = multi ? memchr(v, EVTX_ARRAY_SEP, vn) : NULL;
    size_t len = sep ? (size_t)(sep - v) : vn, keep = len;
    while (keep && (v[keep - 1] == ' ' || v[keep - 1] == '\t' || v[keep - 1] == '\r' || v[keep - 1] == '\n'))
      keep--;                               /* each array item, like a whole value */
    if (sev_add(b->ev, name, nn, v, keep, SEV_STR)) return fail(b, "hendelsen er for stor (eller tomt for minne)");
    if (!sep) return 0;
    vn -= len + 1;
    v = sep + 1;
  }
}

static int finish_attr(EvtxBx *b) {
  if (!b->in_attr) return 0;
  b->in_attr = 0;
  int rc = 0;
  Elem *e = b->depth ? &b->st[b->depth - 1] : NULL;
  const char *an = b->nb.p + b->attr_name;
  size_t al = b->attr_name_len;
  const char *v = b->text.p ? b->text.p + b->attr_start : "";
  size_t vn = b->text.n - b->attr_start;
  while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t' || v[vn - 1] == '\r' || v[vn - 1] == '\n')) vn--;
  int xmlns = al >= 5 && memcmp(an, "xmlns", 5) == 0 && (al == 5 || an[5] == ':');
  if (!e || b->attr_drop || xmlns || b->depth < 2) goto out;
  const char *en = b->nb.p + e->name;
  if (e->sec != SEC_SYS && name_is(b, e->name, e->name_len, "Data", 4) && al == 4 &&
      memcmp(an, "Name", 4) == 0) {
    if (b->rec && memchr(v, PH, vn)) b->rec_bad = 1;   /* field name from a value */
    e->fname = (uint32_t)b->fnames.n;
    e->fname_len = (uint32_t)vn;
    e->has_fname = 1;
    buf_append(&b->fnames, v, vn);
    if (b->fnames.err) rc = fail(b, "for mange navn");
    goto out;
  }
  rc = emit(b, en, e->name_len, an, al, v, vn, b->attr_multi, CTX_ATTR);
out:
  b->text.n = b->attr_start;
  if (b->text.p) b->text.p[b->text.n] = '\0';
  return rc;
}

static int push_elem(EvtxBx *b, uint32_t nm, uint32_t nl) {
  if (finish_attr(b)) return -1;
  if (b->depth >= BX_DEPTH) return fail(b, "elementer nøstet for dypt");
  Elem *e = &b->st[b->depth];
  memset(e, 0, sizeof *e);
  e->name = nm;
  e->name_len = nl;
  e->text_start = (uint32_t)b->text.n;
  if (b->depth == 1) {
    e->sec = name_is(b, nm, nl, "System", 6) ? SEC_SYS
           : name_is(b, nm, nl, "EventData", 9) ? SEC_DATA
           : name_is(b, nm, nl, "UserData", 8) ? SEC_USER
           : name_is(b, nm, nl, "RenderingInfo", 13) ? SEC_RENDER : SEC_OTHER;
  } else if (b->depth > 1) {
    e->sec = b->st[1].sec;
  }
  if (b->depth) b->st[b->depth - 1].has_child = 1;
  e->fname = (uint32_t)b->fnames.n;
  b->depth++;
  return 0;
}

static int pop_elem(EvtxBx *b) {
  if (finish_attr(b)) return -1;
  if (b->depth == 0) return fail(b, "slutt-tagg uten element");
  Elem *e = &b->st[--b->depth];
  const char *v = b->text.p ? b->text.p + e->text_start : "";
  size_t vn = b->text.n - e->text_start;
  const char *en = b->nb.p + e->name;
  int rc = 0;
  while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t' || v[vn - 1] == '\r' || v[vn - 1] == '\n')) vn--;
  if (b->depth >= 2) {
    if (e->sec == SEC_SYS) {
      if (e->has_text) rc = emit(b, en, e->name_len, NULL, 0, v, vn, e->multi, CTX_SYS);
    } else if (!e->has_child) {
      if (e->has_fname && e->fname_len)
        rc = emit(b, b->fnames.p + e->fname, e->fname_len, NULL, 0, v, vn, e->multi, CTX_LEAF);
      else if (e->sec == SEC_RENDER)
        rc = emit(b, "RenderingInfo", 13, en, e->name_len, v, vn, e->multi, CTX_LEAF);
      else
        rc = emit(b, en, e->name_len, NULL, 0, v, vn, e->multi, CTX_LEAF);
    }
  }
  b->text.n = e->text_start;
  if (b->text.p) b->text.p[b->text.n] = '\0';
  b->fnames.n = e->fname;
  return rc;
}

/* Marks that text was added to the current attribute or element. */
static void got_text(EvtxBx *b, int multi) {
  if (b->in_attr) { b->attr_multi |= multi; return; }
  if (b->depth) {
    b->st[b->depth - 1].has_text = 1;
    b->st[b->depth - 1].multi |= multi;
  }
}

static void put_cp(Buf *t, uint32_t cp) {
  uint8_t u[2] = {(uint8_t)(cp & 0xFF), (uint8_t)(cp >> 8)};
  evtx_utf16(t, u, 1);
}

/* --- tokens ------------------------------------------------------------- */

static int walk(EvtxBx *b, uint32_t pos, uint32_t end, uint32_t sbase, uint32_t nsubs, uint32_t *out);

/* Open start element: token, dependency id (absent in some writers' nested
 * fragments), data size, name offset, inline name, attribute list size. */
static int open_elem(EvtxBx *b, uint32_t *ppos, uint32_t end) {
  uint32_t pos = *ppos;
  uint8_t tok = b->c[pos];
  NEED(pos, 11, end);
  uint32_t p = pos + 3;
  uint32_t name_off = rd32(b->c + p + 4);
  if (name_off != p + 8 && (name_off >= pos || name_off < 512 + 24)) {
    p = pos + 1;
    name_off = rd32(b->c + p + 4);
  }
  p += 8;
  uint32_t nm, nl;
  if (read_name(b, name_off, &p, end, &nm, &nl)) return -1;
  if (tok & 0x40) {
    NEED(p, 4, end);
    p += 4;
  }
  *ppos = p;
  return push_elem(b, nm, nl);
}

static int substitute(EvtxBx *b, uint16_t id, int optional, uint32_t sbase, uint32_t nsubs) {
  if (b->rec) {                                   /* placeholder for the op */
    if (!b->in_attr && (b->depth == 1 || b->depth == 2)) {
      Op op = {0};
      op.kind = OP_NEST;
      op.sub = id;
      op.depth = (uint8_t)b->depth;
      op.sec = b->depth == 2 ? b->st[1].sec : SEC_NONE;
      if (add_op(b, &op)) b->rec_bad = 1;
    }
    char ph[5] = {PH, (char)(0x40 | (id >> 12)), (char)(0x40 | ((id >> 6) & 63)),
                  (char)(0x40 | (id & 63)), optional ? 'O' : 'N'};
    buf_append(&b->text, ph, 5);
    got_text(b, 0);
    return 0;
  }
  if (id >= nsubs) return 0;                      /* Windows renders nothing */
  Sub s = b->subs[sbase + id];
  if (s.type == EVT_NULL || s.size == 0) {
    if (optional && b->in_attr) b->attr_drop = 1;
    return 0;
  }
  if (s.type == EVT_BINXML) {
    if (++b->nest > BX_NEST) return fail(b, "binær-XML nøstet for dypt");
    uint32_t out;
    int r = walk(b, s.off, s.off + s.size, 0, 0, &out);
    b->nest--;
    return r;
  }
  int multi = evtx_render(&b->text, s.type, b->c + s.off, s.size, EVTX_ARRAY_SEP);
  if (b->text.err) return fail(b, "verdien er for stor");
  got_text(b, multi);
  return 0;
}

/* --- programs ------------------------------------------------------------ */

static int add_op(EvtxBx *b, const Op *op) {
  if (b->ops_n == b->ops_cap) {
    uint32_t cap = b->ops_cap ? b->ops_cap * 2 : 256;
    Op *o = realloc(b->ops, cap * sizeof *o);
    if (!o) return -1;
    b->ops = o;
    b->ops_cap = cap;
  }
  b->ops[b->ops_n++] = *op;
  return 0;
}

/* Recording mode: the value of a field is constant text, or exactly one
 * placeholder; anything else (text around a substitution, two of them)
 * makes the template fall back to the walker. */
static int record_op(EvtxBx *b, const char *name, size_t nn, const char *v, size_t vn, int ctx) {
  Op op = {0};
  op.ctx = (uint8_t)ctx;
  if (vn == 5 && v[0] == PH) {
    op.kind = OP_SUB;
    op.sub = (uint16_t)((v[1] & 63) << 12 | (v[2] & 63) << 6 | (v[3] & 63));
    op.optional = v[4] == 'O';
  } else if (memchr(v, PH, vn)) {
    b->rec_bad = 1;
    return 0;
  } else {
    op.kind = OP_CONST;
    op.val = (uint32_t)b->pn.n;
    op.val_len = (uint32_t)vn;
    buf_append(&b->pn, v, vn);
  }
  op.name = (uint32_t)b->pn.n;
  op.name_len = (uint32_t)nn;
  buf_append(&b->pn, name, nn);
  if (b->pn.err || add_op(b, &op)) b->rec_bad = 1;
  return 0;
}

static uint8_t cur_sec(const EvtxBx *b) { return b->depth >= 2 ? b->st[1].sec : SEC_NONE; }

/* Walks a template body in recording mode from the current element stack;
 * the program is cached (also when it cannot be compiled, so that is tried
 * once per chunk and context). */
static Prog *compile(EvtxBx *b, uint32_t def, uint32_t body, uint32_t bsize) {
  if (b->nprogs >= MAX_PROGS) return NULL;
  Prog *pg = &b->progs[b->nprogs++];
  *pg = (Prog){def, b->ops_n, 0, (uint8_t)b->depth, cur_sec(b), 0, 0};
  long budget = b->budget;
  uint32_t subs_n = b->subs_n;
  size_t text_n = b->text.n, fnames_n = b->fnames.n;
  int depth = b->depth;
  uint8_t had_child = depth ? b->st[depth - 1].has_child : 0;
  if (depth) b->st[depth - 1].has_child = 0;
  b->rec = 1;
  b->rec_bad = 0;
  b->nest++;
  uint32_t out;
  int r = walk(b, body, body + bsize, 0, 0, &out);
  b->nest--;
  b->rec = 0;
  pg->ok = r == 0 && !b->rec_bad && b->depth == depth;
  pg->n = b->ops_n - pg->first;
  pg->pushes = depth ? b->st[depth - 1].has_child : 0;
  if (depth) b->st[depth - 1].has_child = had_child;
  if (!pg->ok) b->ops_n = pg->first;
  /* leave no trace of the recording walk */
  b->why = NULL;
  b->depth = depth;
  b->in_attr = 0;
  b->budget = budget;
  b->subs_n = subs_n;
  b->text.n = text_n;
  b->fnames.n = fnames_n;
  return pg;
}

/* OP_NEST: a BinXml value in the content of <Event> or a section element;
 * the elements above it are stood in for (only their section matters). */
static int run_nest(EvtxBx *b, const Op *op, const Sub *s) {
  int depth = b->depth;
  for (int i = depth; i < op->depth; i++) {
    memset(&b->st[i], 0, sizeof b->st[i]);
    b->st[i].sec = i == 1 ? op->sec : SEC_NONE;
    b->st[i].text_start = (uint32_t)b->text.n;
    b->st[i].fname = (uint32_t)b->fnames.n;
  }
  if (op->depth > depth) b->depth = op->depth;
  if (++b->nest > BX_NEST) return fail(b, "binær-XML nøstet for dypt");
  uint32_t out;
  int r = walk(b, s->off, s->off + s->size, 0, 0, &out);
  b->nest--;
  if (r == 0 && b->depth != (op->depth > depth ? op->depth : depth)) r = fail(b, "ubalansert binær-XML-verdi");
  b->depth = depth;
  return r;
}

/* Emits one op's field for this instance. */
static int run_op(EvtxBx *b, const Op *op, uint32_t base, uint32_t count) {
  const char *name = op->kind == OP_NEST ? "" : b->pn.p + op->name;   /* pn holds it */
  if (op->kind == OP_CONST) return emit(b, name, op->name_len, NULL, 0, b->pn.p + op->val, op->val_len, 0, op->ctx);
  int null = op->sub >= count;
  Sub s = {0, 0, 0};
  if (!null) {
    s = b->subs[base + op->sub];
    null = s.type == EVT_NULL || s.size == 0;
  }
  if (op->kind == OP_NEST) return !null && s.type == EVT_BINXML ? run_nest(b, op, &s) : 0;
  if (null) {
    if (op->ctx == CTX_SYS || (op->ctx == CTX_ATTR && op->optional && op->sub < count)) return 0;
    return emit(b, name, op->name_len, NULL, 0, "", 0, 0, op->ctx);
  }
  size_t start = b->text.n;
  int multi = evtx_render(&b->text, s.type, b->c + s.off, s.size, EVTX_ARRAY_SEP);
  if (b->text.err) return fail(b, "verdien er for stor");
  const char *v = b->text.p ? b->text.p + start : "";
  size_t vn = b->text.n - start;
  while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t' || v[vn - 1] == '\r' || v[vn - 1] == '\n')) vn--;
  int r = emit(b, name, op->name_len, NULL, 0, v, vn, multi, op->ctx);
  b->text.n = start;
  return r;
}

/* Runs the template's program for this instance. Returns 0 (done), -1
 * (error), or 1 when the walker must do it (no program, or a BinXml value
 * where the program expects a plain one). */
static int run_prog(EvtxBx *b, uint32_t def, uint32_t body, uint32_t bsize, uint32_t base, uint32_t count) {
  Prog *pg = NULL;
  uint8_t sec = cur_sec(b);
  for (int i = 0; i < b->nprogs; i++) {
    Prog *p = &b->progs[i];
    if (p->def == def && p->depth == b->depth && p->sec == sec) { pg = p; break; }
  }
  if (!pg && !(pg = compile(b, def, body, bsize))) return 1;
  if (!pg->ok) return 1;
  const Op *ops = pg->n ? b->ops + pg->first : NULL;
  for (uint32_t i = 0; i < pg->n; i++)
    if (ops[i].kind == OP_SUB && ops[i].sub < count && b->subs[base + ops[i].sub].type == EVT_BINXML) return 1;
  if (pg->pushes) b->st[b->depth - 1].has_child = 1;
  if (++b->nest > BX_NEST) return fail(b, "maler nøstet for dypt");
  b->budget -= (long)pg->n;
  if (b->budget < 0) return fail(b, "binær-XML for kompleks");
  for (uint32_t i = 0; i < pg->n; i++) {
    Op op = b->ops[pg->first + i];   /* a nested compile may move b->ops */
    if (run_op(b, &op, base, count)) return -1;
  }
  b->nest--;
  return 0;
}

/* Reads a substitution array at p (count, descriptors, values) onto the
 * substitution stack; *vals_end is where the values end. */
static int read_subs(EvtxBx *b, uint32_t p, uint32_t end, uint32_t *count_out, uint32_t *vals_end) {
  NEED(p, 4, end);
  uint32_t count = rd32(b->c + p);
  p += 4;
  if (count > (end - p) / 4) return fail(b, "substitusjonstabell utenfor posten");
  uint32_t vals = p + 4 * count, base = b->subs_n;
  if (base + count > b->subs_cap) {
    uint32_t cap = b->subs_cap ? b->subs_cap : 256;
    while (cap < base + count) cap *= 2;
    Sub *s = realloc(b->subs, cap * sizeof *s);
    if (!s) return fail(b, "tomt for minne");
    b->subs = s;
    b->subs_cap = cap;
  }
  for (uint32_t i = 0; i < count; i++) {
    uint16_t size = rd16(b->c + p + 4 * i);
    NEED(vals, size, end);
    b->subs[base + i] = (Sub){vals, size, b->c[p + 4 * i + 2]};
    vals += size;
  }
  b->subs_n = base + count;
  *count_out = count;
  *vals_end = vals;
  return 0;
}

/* Template instance at *ppos: definition (inline or earlier in the chunk),
 * then the substitution array; the body runs as a compiled program when it
 * can, else it is walked with the array. */
static int template_instance(EvtxBx *b, uint32_t *ppos, uint32_t end) {
  uint32_t pos = *ppos;
  NEED(pos, 10, end);
  uint32_t def = rd32(b->c + pos + 6), p = pos + 10;
  if ((uint64_t)def + 24 > b->cn) return fail(b, "malforskyvning utenfor blokken");
  uint32_t body = def + 24, bsize = rd32(b->c + def + 20);
  if ((uint64_t)body + bsize > b->cn) return fail(b, "mal utenfor blokken");
  if (def == p) {
    NEED(p, 24 + (uint64_t)bsize, end);
    p = body + bsize;
  }
  uint32_t base = b->subs_n, count, vals;
  if (read_subs(b, p, end, &count, &vals)) return -1;
  int r = 1;
  if (b->rec) {
    b->rec_bad = 1;
    r = fail(b, "mal inne i en mal");
  } else if (!b->in_attr && !b->no_progs) {
    r = run_prog(b, def, body, bsize, base, count);
  }
  if (r == 1) {
    if (++b->nest > BX_NEST) return fail(b, "maler nøstet for dypt");
    uint32_t out;
    r = walk(b, body, body + bsize, base, count, &out);
    b->nest--;
  }
  b->subs_n = base;
  *ppos = vals;
  return r;
}

/* Character data tokens: value text, CDATA, character and entity refs. */
static int text_token(EvtxBx *b, uint32_t *ppos, uint32_t end) {
  uint32_t pos = *ppos, nm, nl, n;
  const uint8_t *c = b->c;
  switch (c[pos]) {
  case 0x05: case 0x45:                       /* value: type byte, then a string */
  case 0x07: case 0x47: {                     /* CDATA */
    uint32_t hdr = (c[pos] & 0x0f) == 0x05 ? 4 : 3;
    NEED(pos, hdr, end);
    n = rd16(c + pos + hdr - 2);
    NEED(pos, hdr + 2 * (uint64_t)n, end);
    evtx_utf16(&b->text, c + pos + hdr, n);
    got_text(b, 0);
    *ppos = pos + hdr + 2 * n;
    return 0;
  }
  case 0x08: case 0x48:
    NEED(pos, 3, end);
    put_cp(&b->text, rd16(c + pos + 1));
    got_text(b, 0);
    *ppos = pos + 3;
    return 0;
  default: {                                  /* 0x09/0x49 entity reference */
    NEED(pos, 5, end);
    *ppos = pos + 5;
    if (read_name(b, rd32(c + pos + 1), ppos, end, &nm, &nl)) return -1;
    static const char *const ent[] = {"amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", NULL};
    for (int i = 0; ent[i]; i += 2)
      if (name_is(b, nm, nl, ent[i], strlen(ent[i]))) buf_puts(&b->text, ent[i + 1]);
    got_text(b, 0);
    return 0;
  }
  }
}

/* One token at *ppos (not EOF). */
static int token(EvtxBx *b, uint32_t *ppos, uint32_t end, uint32_t sbase, uint32_t nsubs) {
  uint32_t pos = *ppos, nm, nl, n;
  const uint8_t *c = b->c;
  switch (c[pos]) {
  case 0x0f: NEED(pos, 4, end); *ppos = pos + 4; return 0;
  case 0x0c: return template_instance(b, ppos, end);
  case 0x01: case 0x41: return open_elem(b, ppos, end);
  case 0x02: *ppos = pos + 1; return finish_attr(b);
  case 0x03: case 0x04: *ppos = pos + 1; return pop_elem(b);
  case 0x05: case 0x45: case 0x07: case 0x47: case 0x08: case 0x48: case 0x09: case 0x49:
    return text_token(b, ppos, end);
  case 0x06: case 0x46:
    if (finish_attr(b)) return -1;
    NEED(pos, 5, end);
    *ppos = pos + 5;
    if (read_name(b, rd32(c + pos + 1), ppos, end, &nm, &nl)) return -1;
    b->in_attr = 1;
    b->attr_drop = b->attr_multi = 0;
    b->attr_name = nm;
    b->attr_name_len = nl;
    b->attr_start = (uint32_t)b->text.n;
    return 0;
  case 0x0a:                                  /* processing instruction target */
    NEED(pos, 5, end);
    *ppos = pos + 5;
    return read_name(b, rd32(c + pos + 1), ppos, end, &nm, &nl);
  case 0x0b:                                  /* processing instruction data */
    NEED(pos, 3, end);
    n = rd16(c + pos + 1);
    NEED(pos, 3 + 2 * (uint64_t)n, end);
    *ppos = pos + 3 + 2 * n;
    return 0;
  case 0x0d: case 0x0e:
    NEED(pos, 4, end);
    *ppos = pos + 4;
    return substitute(b, rd16(c + pos + 1), c[pos] == 0x0e, sbase, nsubs);
  default:
    return fail(b, "ukjent binær-XML-token");
  }
}

static int walk(EvtxBx *b, uint32_t pos, uint32_t end, uint32_t sbase, uint32_t nsubs, uint32_t *out) {
  if (end > b->cn) return fail(b, "binær-XML utenfor posten");
  while (pos < end) {
    if (b->c[pos] == 0x00) { *out = pos + 1; return 0; }
    if (--b->budget < 0) return fail(b, "binær-XML for kompleks");
    if (token(b, &pos, end, sbase, nsubs)) return -1;
  }
  *out = pos;
  return 0;
}

int evtx_bx_record(EvtxBx *b, uint32_t off, uint32_t len, SigmaEvent *ev, const char **why) {
  b->ev = ev;
  b->why = NULL;
  b->depth = 0;
  b->in_attr = 0;
  b->nest = 0;
  b->subs_n = 0;
  b->budget = BX_BUDGET;
  buf_reset(&b->text);
  buf_reset(&b->fnames);
  uint32_t out;
  int r = walk(b, off, off + len, 0, 0, &out);
  if (r == 0 && b->depth) r = fail(b, "elementet slutter ikke");
  if (r == 0 && (b->text.err || b->fnames.err)) r = fail(b, "verdien er for stor");
  if (r) *why = b->why;
  return r;
}
