/* fast.c — the fast evaluator. At build time every string test of every rule
 * goes into one Hyperscan database per field (keywords into their own); each
 * rule gets a witness set (atoms of which one must match for the rule to be
 * true). Per event: resolve field names through a cache, route by logsource
 * (cached per Channel+EventID), scan each relevant field once, and evaluate
 * only rules whose witness fired (plus the few without a witness). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sigma/internal.h"
#include "sigma/litset.h"

#define MAX_WITNESS 1024
#define PROGRAM_PENALTY 4   /* atom_score: literal bytes a program-name test counts less */
#define AF_HS 0x80000000u
#define AF_WIT 0x40000000u
#define AF_GWIT 0x20000000u   /* in the keyword DB of rules that apply to every route */
#define AF_GROUP 0x1fffffffu
#define ROUTE_CACHE_MAX 8192
#define NAME_CACHE_MAX (1u << 20)

typedef struct Fast {
  hs_database_t **db;       /* per group (field id; nfields = keywords): all string atoms */
  hs_database_t **wdb;      /* per group: only witness atoms (the prefilter scan); after the
                               keyword group, the keyword witnesses of logsource-wide rules */
  uint8_t *wfull;           /* witness DB failed to build: scan the full DB instead */
  hs_scratch_t *proto;
  uint32_t nfields;
  uint32_t **atom_rules;    /* rules that have this atom as witness */
  uint32_t *natom_rules;
  uint8_t *rule_kw;         /* rule uses keyword atoms */
  uint8_t *gwit;            /* per atom: keyword witness of a rule with no category/service */
  uint32_t **rule_fields;   /* distinct field ids each rule tests */
  uint32_t *nrule_fields;
  uint32_t *alias_src, *alias_dst;   /* 4688 aliases as field ids */
  uint32_t *agroup;         /* per atom: scan group | AF_HS | AF_WIT (compact, cache-friendly) */
  hs_database_t **solo;     /* per atom: a regex alone (NULL for other atoms) */
  hs_database_t **setdb;    /* per large OP_ANYSET node: its atoms alone */
  SNode **sets;             /* those nodes, in setdb order */
  uint32_t nsets, capsets;
  SLitSet **lits;           /* per field: its witness equality/prefix/suffix literals (not in wdb) */
  uint8_t *hashed;          /* per atom: in its field's lits */
  uint32_t kwmin[3];        /* shortest match of the keyword DBs: full, witness, logsource-wide */
  int nalias;
} Fast;

/* ---- regex text for a glob ---- */

static int emit(char *out, size_t cap, size_t *n, const char *s) {
  size_t l = strlen(s);
  if (*n + l + 1 > cap) return -1;
  memcpy(out + *n, s, l + 1);
  *n += l;
  return 0;
}

/* Keyword atoms are matched over all values joined by NUL bytes, so their
 * wildcards must not cross a NUL. */
static char *glob_regex(const SAtom *a) {
  int kw = a->field == SF_KEYWORD;
  const char *any = kw ? "[^\\x00]" : ".";
  size_t cap = (size_t)a->plen * 24 + 16, n = 0;
  char *out = malloc(cap), tmp[8];
  if (!out) return NULL;
  out[0] = 0;
  uint32_t i = 0, end = a->plen;
  while (i < end && a->tok[i] == GT_STAR) i++;
  int anch_start = i == 0;
  while (end > i && a->tok[end - 1] == GT_STAR) end--;
  int anch_end = end == a->plen;
  if (anch_start) emit(out, cap, &n, "\\A");
  for (; i < end; i++) {
    uint8_t c = a->pat[i];
    switch (a->tok[i]) {
    case GT_STAR: emit(out, cap, &n, any); emit(out, cap, &n, "*"); break;
    case GT_QMARK: emit(out, cap, &n, any); break;
    case GT_DASH: emit(out, cap, &n, "(?:-|/|\\xe2\\x80[\\x93-\\x95])"); break;
    default:
      if (a->ufold && c >= 0xc2) {   /* a letter folded beyond ASCII: both of its forms */
        uint32_t lo = sm_ufold_at(a, i);
        if (lo) {
          uint32_t up = sm_uupper(lo);
          char alt[64];
          snprintf(alt, sizeof alt, "(?:\\x%02x\\x%02x|\\x%02x\\x%02x)", 0xc0 | (lo >> 6), 0x80 | (lo & 63),
                   0xc0 | (up >> 6), 0x80 | (up & 63));
          emit(out, cap, &n, alt);
          i++;
          break;
        }
      }
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        tmp[0] = (char)c; tmp[1] = 0;
      } else {
        snprintf(tmp, sizeof tmp, "\\x%02x", c);
      }
      emit(out, cap, &n, tmp);
    }
  }
  if (anch_end) emit(out, cap, &n, "\\z");
  return out;
}

static int has_literal(const SAtom *a) {
  for (uint32_t i = 0; i < a->plen; i++)
    if (a->tok[i] == GT_LIT || a->tok[i] == GT_DASH) return 1;
  return 0;
}

/* Expression and flags for an atom, or NULL if Hyperscan should not take it. */
static char *atom_expr(const SAtom *a, unsigned *flags) {
  if (a->kind == A_GLOB) {
    if (!has_literal(a)) return NULL;
    if (a->field == SF_KEYWORD) {   /* joined scan: needs *...* and no NUL literal */
      if (a->plen < 2 || a->tok[0] != GT_STAR || a->tok[a->plen - 1] != GT_STAR) return NULL;
      for (uint32_t i = 0; i < a->plen; i++)
        if (a->tok[i] == GT_LIT && a->pat[i] == 0) return NULL;
    }
    *flags = HS_FLAG_DOTALL | HS_FLAG_SINGLEMATCH | (a->cased ? 0 : HS_FLAG_CASELESS);
    return glob_regex(a);
  }
  /* UTF mode (caseless regex with letters beyond ASCII): PCRE only, as
   * Hyperscan's UTF-8 mode needs valid UTF-8 input */
  if (a->kind != A_RE || a->field == SF_KEYWORD || (a->reflags & PCRE2_UTF)) return NULL;
  *flags = HS_FLAG_SINGLEMATCH;
  if (a->reflags & PCRE2_CASELESS) *flags |= HS_FLAG_CASELESS;
  if (a->reflags & PCRE2_MULTILINE) *flags |= HS_FLAG_MULTILINE;
  if (a->reflags & PCRE2_DOTALL) *flags |= HS_FLAG_DOTALL;
  hs_expr_info_t *info = NULL;
  hs_compile_error_t *ce = NULL;
  if (hs_expression_info(a->re, *flags, &info, &ce) != HS_SUCCESS) {
    hs_free_compile_error(ce);
    return NULL;
  }
  int ok = info->min_width > 0;
  free(info);
  return ok ? strdup(a->re) : NULL;
}

/* ---- database building ---- */

typedef struct Group {
  char **expr;
  unsigned *flags, *ids;
  unsigned n, cap;
} Group;

static int group_add(Group *g, char *x, unsigned fl, unsigned id) {
  if (g->n == g->cap) {
    unsigned cap = g->cap ? g->cap * 2 : 16;
    char **ne = realloc(g->expr, cap * sizeof *ne);
    if (ne) g->expr = ne;
    unsigned *nf = realloc(g->flags, cap * sizeof *nf);
    if (nf) g->flags = nf;
    unsigned *ni = realloc(g->ids, cap * sizeof *ni);
    if (ni) g->ids = ni;
    if (!ne || !nf || !ni) return -1;
    g->cap = cap;
  }
  g->expr[g->n] = x;
  g->flags[g->n] = fl;
  g->ids[g->n++] = id;
  return 0;
}

/* How a group's database is used: every atom of a field (FULL; atoms
 * Hyperscan rejects lose their hs flag), the witness prefilter (WIT), one
 * regex atom alone (SOLO), or the atoms of one large OR set (SET). */
enum { DB_WIT = 0, DB_FULL = 1, DB_SOLO = 2, DB_SET = 3 };

/* Compiles a group; expressions Hyperscan rejects are dropped (their atoms
 * are then matched directly) and the rest retried. */
static hs_database_t *group_compile(SigmaEngine *e, Group *g, int full) {
  while (g->n) {
    hs_database_t *db = NULL;
    hs_compile_error_t *ce = NULL;
    if (hs_compile_multi((const char *const *)g->expr, g->flags, g->ids, g->n, HS_MODE_BLOCK,
                         NULL, &db, &ce) == HS_SUCCESS)
      return db;
    int bad = ce ? ce->expression : -1;
    hs_free_compile_error(ce);
    if (bad < 0 || (unsigned)bad >= g->n) {
      for (unsigned i = 0; full == DB_FULL && i < g->n; i++) e->atoms[g->ids[i]].hs = 0;
      g->n = 0;
      return NULL;
    }
    if (full == DB_FULL) e->atoms[g->ids[bad]].hs = 0;
    free(g->expr[bad]);
    g->n--;
    g->expr[bad] = g->expr[g->n];
    g->flags[bad] = g->flags[g->n];
    g->ids[bad] = g->ids[g->n];
  }
  return NULL;
}

static void group_free(Group *g) {
  for (unsigned i = 0; i < g->n; i++) free(g->expr[i]);
  free(g->expr);
  free(g->flags);
  free(g->ids);
}

/* ---- compiled-database cache: serialized Hyperscan databases keyed by a
 * hash of their expressions, so a second start with the same rules skips
 * the compile. Directory: $VARDE_CACHE_DIR, else $XDG_CACHE_HOME/varde or
 * ~/.cache/varde; VARDE_CACHE_DIR=off disables it. ---- */

static uint64_t group_hash(const Group *g) {
  uint64_t h = 1469598103934665603ull;
  const char *v = hs_version();
#define MIXB(p, n) for (size_t _i = 0; _i < (n); _i++) h = (h ^ ((const uint8_t *)(p))[_i]) * 1099511628211ull
  MIXB(v, strlen(v));
  for (unsigned i = 0; i < g->n; i++) {
    MIXB(&g->ids[i], sizeof g->ids[i]);
    MIXB(&g->flags[i], sizeof g->flags[i]);
    MIXB(g->expr[i], strlen(g->expr[i]) + 1);
  }
#undef MIXB
  return h;
}

static int cache_dir(char *dir, size_t n) {
  const char *d = getenv("VARDE_CACHE_DIR"), *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
  if (d && !strcmp(d, "off")) return -1;
  if (d && *d) snprintf(dir, n, "%s", d);
  else if (x && *x) snprintf(dir, n, "%s/varde", x);
  else if (home && *home) snprintf(dir, n, "%s/.cache/varde", home);
  else return -1;
  if (!d || !*d) {   /* create ~/.cache and ~/.cache/varde if missing */
    char parent[3072];
    snprintf(parent, sizeof parent, "%s", dir);
    char *slash = strrchr(parent, '/');
    if (slash) { *slash = 0; mkdir(parent, 0700); }
  }
  mkdir(dir, 0700);
  return 0;
}

static int cache_path(uint64_t h, char *out, size_t n) {
  char dir[3072];
  if (cache_dir(dir, sizeof dir)) return -1;
  return snprintf(out, n, "%s/sigma-%016llx.hsdb", dir, (unsigned long long)h) < (int)n ? 0 : -1;
}

static atomic_int cache_added;   /* a database was stored since the last prune */

typedef struct CacheFile { char *name; time_t used; off_t size; } CacheFile;

static int by_use(const void *a, const void *b) {
  time_t x = ((const CacheFile *)a)->used, y = ((const CacheFile *)b)->used;
  return (x > y) - (x < y);
}

/* Every rule set, and every change to one, leaves its own databases: the
 * cache is kept under $VARDE_CACHE_MAX_MB (default 256) by removing the
 * least recently used (a load touches its file) until three quarters of
 * that are left. Runs after a start that stored something. */
static void cache_prune(void) {
  char dir[3072];
  const char *mx = getenv("VARDE_CACHE_MAX_MB");
  long long limit = (mx && *mx ? atoll(mx) : 256) << 20;
  DIR *d;
  if (limit <= 0 || cache_dir(dir, sizeof dir) || !(d = opendir(dir))) return;
  CacheFile *v = NULL;
  size_t n = 0, cap = 0;
  long long total = 0;
  struct dirent *de;
  time_t now = time(NULL);
  while ((de = readdir(d))) {
    size_t l = strlen(de->d_name);
    struct stat st;
    if (l > 10 && !strncmp(de->d_name, "sigma-", 6) && !strcmp(de->d_name + l - 4, ".tmp") &&
        !fstatat(dirfd(d), de->d_name, &st, 0) && st.st_mtime < now - 3600) {
      unlinkat(dirfd(d), de->d_name, 0);   /* left by a run that was stopped while writing */
      continue;
    }
    if (l < 11 || strncmp(de->d_name, "sigma-", 6) || strcmp(de->d_name + l - 5, ".hsdb") ||
        fstatat(dirfd(d), de->d_name, &st, 0) || !S_ISREG(st.st_mode))
      continue;
    if (n == cap) {
      CacheFile *nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);
      if (!nv) break;
      v = nv;
    }
    if (!(v[n].name = strdup(de->d_name))) break;
    v[n].used = st.st_mtime;
    v[n++].size = st.st_size;
    total += st.st_size;
  }
  if (total > limit) {
    qsort(v, n, sizeof *v, by_use);
    for (size_t i = 0; i < n && total > limit / 4 * 3; i++)
      if (unlinkat(dirfd(d), v[i].name, 0) == 0) total -= v[i].size;
  }
  closedir(d);
  for (size_t i = 0; i < n; i++) free(v[i].name);
  free(v);
}

/* File: "VHS1", count, kept atom ids, then the serialized database. */
static hs_database_t *cache_load(SigmaEngine *e, Group *g, uint64_t h, int full) {
  char path[4096];
  if (cache_path(h, path, sizeof path)) return NULL;
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  hs_database_t *db = NULL;
  uint32_t cnt = 0;
  char magic[4];
  uint32_t *ids = NULL;
  char *blob = NULL;
  long size = 0;
  if (fread(magic, 1, 4, fp) != 4 || memcmp(magic, "VHS1", 4) || fread(&cnt, 4, 1, fp) != 1 || cnt > g->n)
    goto out;
  ids = malloc((cnt + 1) * sizeof *ids);
  if (!ids || fread(ids, 4, cnt, fp) != cnt) goto out;
  long at = ftell(fp);
  fseek(fp, 0, SEEK_END);
  size = ftell(fp) - at;
  fseek(fp, at, SEEK_SET);
  if (size <= 0 || size > (256l << 20) || !(blob = malloc((size_t)size)) ||
      fread(blob, 1, (size_t)size, fp) != (size_t)size)
    goto out;
  if (hs_deserialize_database(blob, (size_t)size, &db) != HS_SUCCESS) { db = NULL; goto out; }
  utimensat(AT_FDCWD, path, NULL, 0);   /* recently used: kept by cache_prune */
  if (full == DB_FULL) {
    for (unsigned i = 0; i < g->n; i++) e->atoms[g->ids[i]].hs = 0;
    for (uint32_t i = 0; i < cnt; i++)
      if (ids[i] < e->natoms) e->atoms[ids[i]].hs = 1;
  } else if (cnt != g->n) {   /* a witness or solo DB must hold every atom */
    hs_free_database(db);
    db = NULL;
  }
out:
  fclose(fp);
  free(ids);
  free(blob);
  return db;
}

static void cache_store(const Group *g, uint64_t h, const hs_database_t *db) {
  char path[4096], tmp[4200], *blob = NULL;
  size_t len = 0;
  if (cache_path(h, path, sizeof path) || hs_serialize_database(db, &blob, &len) != HS_SUCCESS) return;
  snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
  FILE *fp = fopen(tmp, "wb");
  if (fp) {
    uint32_t cnt = g->n;
    int ok = fwrite("VHS1", 1, 4, fp) == 4 && fwrite(&cnt, 4, 1, fp) == 1 &&
             fwrite(g->ids, 4, cnt, fp) == cnt && fwrite(blob, 1, len, fp) == len;
    if (fclose(fp) == 0 && ok && rename(tmp, path) == 0) atomic_store(&cache_added, 1);
    else remove(tmp);
  }
  free(blob);
}

typedef struct CompileJob {
  SigmaEngine *e;
  Group *groups;
  hs_database_t **out;
  uint8_t *wfull;
  uint32_t ngroups;
  int full;
  atomic_uint next;
} CompileJob;

static void *compile_worker(void *arg) {
  CompileJob *j = arg;
  for (;;) {
    unsigned g = atomic_fetch_add(&j->next, 1);
    if (g >= j->ngroups) break;
    Group *gr = &j->groups[g];
    if (!gr->n) continue;
    unsigned want = gr->n;
    uint64_t h = group_hash(gr) ^ (uint64_t)j->full;
    hs_database_t *db = cache_load(j->e, gr, h, j->full);
    if (!db && (db = group_compile(j->e, gr, j->full))) {
      if (j->full != DB_FULL && gr->n != want) { hs_free_database(db); db = NULL; }
      else cache_store(gr, h, db);
    }
    if (j->full == DB_WIT && !db) j->wfull[g] = 1;   /* use the full DB for the prefilter */
    j->out[g] = db;
  }
  return NULL;
}

/* An atom Hyperscan takes whose direct test (PCRE) can backtrack for long. */
static int costly(const SAtom *a) {
  return a->hs && a->field != SF_KEYWORD && a->kind == A_RE;
}

/* Compiles one DB per group: all atoms Hyperscan can take (DB_FULL), only
 * the witness atoms (DB_WIT), each regex atom alone (DB_SOLO, one group per
 * atom), or the atoms of each large set (DB_SET);
 * two threads, results cached on disk. */
static int build_dbs(SigmaEngine *e, Fast *f, int full) {
  uint32_t ng = full == DB_SOLO ? (uint32_t)e->natoms + 1 : full == DB_SET ? f->nsets + 1
               : full == DB_WIT ? f->nfields + 2 : f->nfields + 1;
  Group *groups = calloc(ng, sizeof *groups);
  int rc = 0;
  if (!groups) return -1;
  for (uint32_t k = 0; full == DB_SET && k < f->nsets && rc == 0; k++) {
    const SNode *n = f->sets[k];
    for (uint32_t i = 0; i < n->n && rc == 0; i++) {
      unsigned fl = 0;
      char *x = atom_expr(&e->atoms[n->set[i]], &fl);
      if (!x) continue;
      if (group_add(&groups[k], x, fl, n->set[i])) { free(x); rc = -1; }
    }
  }
  for (size_t i = 0; full != DB_SET && i < e->natoms && rc == 0; i++) {
    SAtom *a = &e->atoms[i];
    unsigned fl = 0;
    if (full == DB_WIT && (!a->wit || f->hashed[i])) continue;
    if (full == DB_SOLO && !costly(a)) continue;
    char *x = atom_expr(a, &fl);
    if (!x) continue;
    if (full == DB_FULL) a->hs = 1;
    uint32_t g = full == DB_SOLO ? (uint32_t)i : a->field == SF_KEYWORD ? f->nfields : a->field;
    char *gx = full == DB_WIT && f->gwit[i] ? strdup(x) : NULL;
    if (group_add(&groups[g], x, fl, (unsigned)i)) { free(x); rc = -1; }
    if (gx && group_add(&groups[f->nfields + 1], gx, fl, (unsigned)i)) { free(gx); rc = -1; }
  }
  hs_database_t **out = full == DB_SOLO ? f->solo : full == DB_SET ? f->setdb : full == DB_FULL ? f->db : f->wdb;
  CompileJob job = {.e = e, .groups = groups, .out = out, .wfull = f->wfull, .ngroups = ng, .full = full};
  pthread_t th[2];
  int nth = 0;
  for (int i = 0; rc == 0 && i < 2; i++)
    if (pthread_create(&th[nth], NULL, compile_worker, &job) == 0) nth++;
  if (rc == 0 && nth == 0) compile_worker(&job);
  for (int i = 0; i < nth; i++) pthread_join(th[i], NULL);
  for (uint32_t g = 0; g < ng && rc == 0; g++)
    if (out[g] && hs_alloc_scratch(out[g], &f->proto) != HS_SUCCESS) rc = -1;
  for (uint32_t g = 0; g < ng; g++) group_free(&groups[g]);
  free(groups);
  return rc;
}

/* ---- witnesses ---- */

/* How selective an atom is as a prefilter: its literal bytes, but tests of
 * fields shared by whole log sources (EventID, Channel, ...) count as weak,
 * and so, less, do tests of program names: a few programs (cmd.exe,
 * powershell.exe, ...) start most processes, while a command line is as
 * varied as its literal is long. */
static int atom_score(const SigmaEngine *e, uint32_t id) {
  static const char *weak[] = {"eventid", "channel", "provider_name", "eventtype", "logontype",
                               "level", "task", "opcode", "keywords", "version", "company", "product"};
  static const char *program[] = {"image", "parentimage", "originalfilename"};
  const SAtom *a = &e->atoms[id];
  int lit = 0, common = 0;
  if (a->field != SF_KEYWORD) {
    for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++)
      if (!strcmp(e->fields.names[a->field], weak[i])) return 1;
    for (size_t i = 0; i < sizeof program / sizeof program[0]; i++)
      common |= !strcmp(e->fields.names[a->field], program[i]);
  }
  for (uint32_t i = 0; i < a->plen; i++) lit += a->tok[i] == GT_LIT;
  if (a->kind == A_RE) lit = 3;
  if (common) lit = lit > PROGRAM_PENALTY ? lit - PROGRAM_PENALTY : 1;
  return lit > 32 ? 32 : lit + 1;
}

/* Fills w with atoms one of which must be true when n is true; returns the
 * count, or -1 when no such bounded set exists. *score is the weakest
 * member's selectivity; AND keeps its most selective child's set. */
static int witness(const SigmaEngine *e, const SNode *n, uint32_t *w, int cap, int *score) {
  switch (n->op) {
  case OP_FALSE: *score = 64; return 0;
  case OP_ATOM:
    if (!e->atoms[n->n].hs || cap <= 0) return -1;
    w[0] = n->n;
    *score = atom_score(e, n->n);
    return 1;
  case OP_AND: {
    int best = -1, bs = 0;
    uint32_t tmp[MAX_WITNESS];
    for (uint32_t i = 0; i < n->n; i++) {
      int sc = 0, k = witness(e, n->kids[i], tmp, cap, &sc);
      if (k >= 0 && (best < 0 || sc > bs || (sc == bs && k < best))) {
        best = k;
        bs = sc;
        memcpy(w, tmp, (size_t)k * sizeof *w);
      }
    }
    *score = bs;
    return best;
  }
  case OP_OR: {
    int tot = 0, worst = 64;
    for (uint32_t i = 0; i < n->n; i++) {
      int sc = 0, k = witness(e, n->kids[i], w + tot, cap - tot, &sc);
      if (k < 0) return -1;
      tot += k;
      if (sc < worst) worst = sc;
    }
    *score = worst;
    return tot;
  }
  default: return -1;
  }
}

static int push_u32(uint32_t **arr, uint32_t *n, uint32_t v) {
  if ((*n & (*n - 1)) == 0 || *n == 0) {
    uint32_t cap = *n ? *n * 2 : 4;
    uint32_t *na = realloc(*arr, cap * sizeof *na);
    if (!na) return -1;
    *arr = na;
  }
  (*arr)[(*n)++] = v;
  return 0;
}

static void tree_fields(const SigmaEngine *e, const SNode *n, Fast *f, uint32_t r) {
  if (n->op == OP_ATOM) {
    const SAtom *a = &e->atoms[n->n];
    if (a->field == SF_KEYWORD) { f->rule_kw[r] = 1; return; }
    for (uint32_t i = 0; i < f->nrule_fields[r]; i++)
      if (f->rule_fields[r][i] == a->field) return;
    push_u32(&f->rule_fields[r], &f->nrule_fields[r], a->field);
    return;
  }
  for (uint32_t i = 0; (n->op == OP_AND || n->op == OP_OR || n->op == OP_NOT) && i < n->n; i++)
    tree_fields(e, n->kids[i], f, r);
}

static int build_witnesses(SigmaEngine *e, Fast *f) {
  f->atom_rules = calloc(e->natoms + 1, sizeof *f->atom_rules);
  f->natom_rules = calloc(e->natoms + 1, sizeof *f->natom_rules);
  f->rule_kw = calloc(e->nrules + 1, 1);
  f->gwit = calloc(e->natoms + 1, 1);
  f->rule_fields = calloc(e->nrules + 1, sizeof *f->rule_fields);
  f->nrule_fields = calloc(e->nrules + 1, sizeof *f->nrule_fields);
  if (!f->atom_rules || !f->natom_rules || !f->rule_kw || !f->gwit || !f->rule_fields || !f->nrule_fields)
    return -1;
  for (size_t r = 0; r < e->nrules; r++) {
    SRule *rule = &e->rules[r];
    if (rule->is_filter || rule->corr || !rule->cond) continue;
    tree_fields(e, rule->cond, f, (uint32_t)r);
    uint32_t w[MAX_WITNESS];
    int score = 0, k = witness(e, rule->cond, w, MAX_WITNESS, &score);
    rule->has_witness = k >= 0;
    if (k < 0 && getenv("VARDE_SIGMA_DEBUG")) fprintf(stderr, "no witness: %s (%s)\n", rule->info.title, rule->info.file);
    if (k > 0 && !(rule->witness = arena_alloc(e->arena, (size_t)k * sizeof *rule->witness))) return -1;
    if (k > 0) memcpy(rule->witness, w, (size_t)k * sizeof *w);
    rule->nwitness = k > 0 ? (size_t)k : 0;
    for (int i = 0; i < k; i++) {
      e->atoms[w[i]].wit = 1;
      if (e->atoms[w[i]].field == SF_KEYWORD && !rule->category && !rule->service) f->gwit[w[i]] = 1;
      if (push_u32(&f->atom_rules[w[i]], &f->natom_rules[w[i]], (uint32_t)r)) return -1;
    }
  }
  return 0;
}

/* VARDE_SIGMA_DEBUG: per large field, the witnesses hashed and those left to Hyperscan. */
static void lits_debug(const SigmaEngine *e, const Fast *f) {
  for (uint32_t g = 0; g < f->nfields; g++) {
    uint32_t rest[5] = {0};
    for (size_t i = 0; i < e->natoms; i++)
      if (e->atoms[i].field == g && e->atoms[i].wit && e->atoms[i].hs && !f->hashed[i])
        rest[e->atoms[i].kind == A_GLOB ? e->atoms[i].shape : 0]++;
    if (slit_count(f->lits[g]) > 20 || rest[0] + rest[4] > 20)
      fprintf(stderr, "lits %s: hashed %zu, scanned: generic/regex %u, contains %u, other %u\n", e->fields.names[g],
              slit_count(f->lits[g]), rest[0], rest[4], rest[1] + rest[2] + rest[3]);
  }
}

/* Witness atoms that are a literal equality, prefix or suffix go into
 * their field's literal set, answered by hashing, not into its witness
 * database (Hyperscan then only gets contains, wildcards and regexes). */
static int build_lits(SigmaEngine *e, Fast *f) {
  static const int kind[] = {[GS_EQ] = SLIT_EQ, [GS_START] = SLIT_START, [GS_END] = SLIT_END};
  if (!(f->lits = calloc(f->nfields + 1, sizeof *f->lits)) || !(f->hashed = calloc(e->natoms + 1, 1))) return -1;
  if (getenv("VARDE_SIGMA_NOLITS")) return 0;
  for (size_t i = 0; i < e->natoms; i++) {
    const SAtom *a = &e->atoms[i];
    if (!a->wit || !a->hs || a->kind != A_GLOB || a->field == SF_KEYWORD || a->ll > SLIT_MAXLEN ||
        (a->shape != GS_EQ && a->shape != GS_START && a->shape != GS_END))
      continue;
    if (!f->lits[a->field] && !(f->lits[a->field] = slit_new())) return -1;
    if (slit_add(f->lits[a->field], kind[a->shape], a->pat + a->lo, a->ll, a->cased, (uint32_t)i)) return -1;
    f->hashed[i] = 1;
  }
  for (uint32_t g = 0; g < f->nfields; g++)
    if (f->lits[g] && slit_build(f->lits[g])) return -1;
  if (getenv("VARDE_SIGMA_DEBUG")) lits_debug(e, f);
  return 0;
}

static int build_aliases(SigmaEngine *e, Fast *f) {
  static const char *src[] = {"NewProcessName", "ParentProcessName", "SubjectUserName",
                              "SubjectLogonId", "MandatoryLabel"};
  f->alias_src = calloc(8, sizeof *f->alias_src);
  f->alias_dst = calloc(8, sizeof *f->alias_dst);
  if (!f->alias_src || !f->alias_dst) return -1;
  for (size_t i = 0; i < sizeof src / sizeof src[0]; i++) {
    const char *dst = sl_alias_4688(src[i]);
    uint32_t d = sf_find(&e->fields, dst, strlen(dst));
    if (d == UINT32_MAX) continue;
    uint32_t s = sf_intern(&e->fields, src[i], strlen(src[i]));
    if (s == UINT32_MAX) return -1;
    f->alias_src[f->nalias] = s;
    f->alias_dst[f->nalias++] = d;
  }
  return 0;
}

static int u32cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

#define SET_MIN 4
#define SET_DIRECT_MAX 16   /* larger sets get their own database */

static int add_set(Fast *f, SNode *set) {
  if (f->nsets == f->capsets) {
    uint32_t cap = f->capsets ? f->capsets * 2 : 16;
    SNode **ns = realloc(f->sets, cap * sizeof *ns);
    if (!ns) return -1;
    f->sets = ns;
    f->capsets = cap;
  }
  f->sets[f->nsets++] = set;
  set->setdb = f->nsets;
  return 0;
}

/* A rough cost of evaluating a node when its rule is a candidate: a witness
 * atom's answer is already known from the prefilter scan, a literal compare
 * is cheap, a search through a value less so, a regex or a keyword search
 * over every value the most. */
static uint32_t atom_cost(const SigmaEngine *e, const Fast *f, uint32_t a) {
  const SAtom *at = &e->atoms[a];
  if ((f->agroup[a] & (AF_HS | AF_WIT)) == (AF_HS | AF_WIT)) return 1;
  if (at->field == SF_KEYWORD) return 40;
  if (at->kind == A_RE) return 20;
  if (at->kind != A_GLOB) return 3;
  return at->shape == GS_CONTAINS ? 8 : at->shape == GS_GENERIC ? 12 : 3;
}

static uint32_t node_cost(const SigmaEngine *e, const Fast *f, const SNode *n) {
  uint32_t c = 0;
  switch (n->op) {
  case OP_ATOM: return atom_cost(e, f, n->n);
  case OP_ANYSET:
    if (n->allwit) return 2;
    if (n->group == f->nfields) return 40;
    if (n->n > SET_DIRECT_MAX) return 16;
    for (uint32_t i = 0; i < n->n; i++) c += atom_cost(e, f, n->set[i]);
    return c;
  case OP_AND: case OP_OR: case OP_NOT:
    for (uint32_t i = 0; i < n->n && c < 100000; i++) c += node_cost(e, f, n->kids[i]);
    return c;
  default: return 0;
  }
}

/* AND and OR are evaluated left to right and stop at the first answer, so
 * the cheap children go first (the result does not depend on the order);
 * in an AND, a NOT (a rule's filter, rarely true) stays behind the tests
 * that can end the evaluation early. */
static void order_kids(const SigmaEngine *e, const Fast *f, SNode *n) {
  uint32_t cost[64];
  if ((n->op != OP_AND && n->op != OP_OR) || n->n < 2 || n->n > 64) return;
  for (uint32_t i = 0; i < n->n; i++)
    cost[i] = node_cost(e, f, n->kids[i]) + (n->op == OP_AND && n->kids[i]->op == OP_NOT ? 1000000 : 0);
  for (uint32_t i = 1; i < n->n; i++)   /* stable insertion sort */
    for (uint32_t j = i; j > 0 && cost[j - 1] > cost[j]; j--) {
      uint32_t t = cost[j]; cost[j] = cost[j - 1]; cost[j - 1] = t;
      SNode *k = n->kids[j]; n->kids[j] = n->kids[j - 1]; n->kids[j - 1] = k;
    }
}

/* Rewrites OR nodes with many Hyperscan atoms of one field into OP_ANYSET
 * nodes (a sorted atom set answered from the event's hit list). Trees are
 * rebuilt, never changed in place, since filters share subtrees. */
static SNode *fold_sets(SigmaEngine *e, Fast *f, SNode *n) {
  if (n->op != OP_AND && n->op != OP_OR && n->op != OP_NOT) return n;
  SNode *c = sn_new(e->arena, n->op, n->n);
  if (!c) return NULL;
  for (uint32_t i = 0; i < n->n; i++)
    if (!(c->kids[i] = fold_sets(e, f, n->kids[i]))) return NULL;
  if (n->op != OP_OR) {
    order_kids(e, f, c);
    return c;
  }
  uint32_t *grp = malloc((n->n + 1) * sizeof *grp), k = 0;
  if (!grp) return NULL;
  for (uint32_t i = 0; i < c->n; i++) {   /* each group once, in first-seen order */
    SNode *kid = c->kids[i];
    if (kid->op != OP_ATOM || !(f->agroup[kid->n] & AF_HS)) continue;
    uint32_t g = f->agroup[kid->n] & AF_GROUP, j = 0;
    while (j < k && grp[j] != g) j++;
    if (j == k) grp[k++] = g;
  }
  for (uint32_t gi = 0; gi < k; gi++) {
    uint32_t g = grp[gi], cnt = 0;
    for (uint32_t i = 0; i < c->n; i++)
      cnt += c->kids[i]->op == OP_ATOM && (f->agroup[c->kids[i]->n] & (AF_HS | AF_GROUP)) == (AF_HS | g);
    if (cnt < SET_MIN) continue;
    SNode *set = sn_new(e->arena, OP_ANYSET, cnt);
    if (!set || !(set->set = arena_alloc(e->arena, cnt * sizeof *set->set))) { free(grp); return NULL; }
    set->group = g;
    set->allwit = 1;
    uint32_t w = 0, m = 0;
    for (uint32_t i = 0; i < c->n; i++) {
      SNode *kid = c->kids[i];
      if (kid->op == OP_ATOM && (f->agroup[kid->n] & (AF_HS | AF_GROUP)) == (AF_HS | g)) {
        set->set[m++] = kid->n;
        if (!(f->agroup[kid->n] & AF_WIT)) set->allwit = 0;
      } else {
        c->kids[w++] = kid;
      }
    }
    qsort(set->set, cnt, sizeof *set->set, u32cmp);
    if (cnt > SET_DIRECT_MAX && g != f->nfields && add_set(f, set)) { free(grp); return NULL; }
    c->kids[w++] = set;
    c->n = w;
  }
  free(grp);
  order_kids(e, f, c);
  return c->n == 1 ? c->kids[0] : c;
}

/* The shortest text each keyword database can match: values shorter than
 * that are left out of its joined scan. A keyword atom is a glob whose
 * tokens other than '*' each take at least one byte. */
static void kw_minlens(const SigmaEngine *e, Fast *f) {
  uint32_t *k = f->kwmin;
  k[0] = k[1] = k[2] = UINT32_MAX;
  for (size_t i = 0; i < e->natoms; i++) {
    const SAtom *a = &e->atoms[i];
    uint32_t n = 0;
    if (a->field != SF_KEYWORD || !a->hs) continue;
    for (uint32_t t = 0; t < a->plen; t++) n += a->tok[t] != GT_STAR;
    if (n < k[0]) k[0] = n;
    if (a->wit && n < k[1]) k[1] = n;
    if (f->gwit[i] && n < k[2]) k[2] = n;
  }
  for (int i = 0; i < 3; i++) if (k[i] == UINT32_MAX) k[i] = 0;
}

int sfast_build(SigmaEngine *e, Err *err) {
  Fast *f = calloc(1, sizeof *f);
  if (!f) return err_set(err, VERR_NOMEM, "out of memory");
  e->fast = f;
  if (build_aliases(e, f)) return err_set(err, VERR_NOMEM, "out of memory");
  f->nfields = e->fields.n;
  f->db = calloc(f->nfields + 1, sizeof *f->db);
  f->wdb = calloc(f->nfields + 2, sizeof *f->wdb);
  f->wfull = calloc(f->nfields + 2, 1);
  f->solo = calloc(e->natoms + 1, sizeof *f->solo);
  if (!f->db || !f->wdb || !f->wfull || !f->solo) return err_set(err, VERR_NOMEM, "out of memory");
  for (size_t i = 0; i < e->natoms; i++) {
    SAtom *a = &e->atoms[i];
    sm_glob_shape(a);
    if (a->kind == A_RE && a->code) {
      int ec;
      PCRE2_SIZE off;
      a->jcode = pcre2_compile((PCRE2_SPTR)a->re, PCRE2_ZERO_TERMINATED, a->reflags, &ec, &off, NULL);
      if (a->jcode) pcre2_jit_compile(a->jcode, PCRE2_JIT_COMPLETE);
    }
  }
  if (build_dbs(e, f, DB_FULL)) return err_set(err, VERR_NOMEM, "Hyperscan: could not build databases");
  if (build_witnesses(e, f) || build_lits(e, f)) return err_set(err, VERR_NOMEM, "out of memory");
  if (build_dbs(e, f, DB_WIT) || build_dbs(e, f, DB_SOLO))
    return err_set(err, VERR_NOMEM, "Hyperscan: could not build databases");
  if (!(f->agroup = calloc(e->natoms + 1, sizeof *f->agroup))) return err_set(err, VERR_NOMEM, "out of memory");
  kw_minlens(e, f);
  for (size_t i = 0; i < e->natoms; i++) {
    const SAtom *a = &e->atoms[i];
    f->agroup[i] = (a->field == SF_KEYWORD ? f->nfields : a->field) | (a->hs ? AF_HS : 0) | (a->wit ? AF_WIT : 0) |
                   (f->gwit[i] && f->wdb[f->nfields + 1] ? AF_GWIT : 0);
  }
  for (size_t r = 0; r < e->nrules; r++)
    if (e->rules[r].cond && !e->rules[r].is_filter && !e->rules[r].corr &&
        !(e->rules[r].cond = fold_sets(e, f, e->rules[r].cond)))
      return err_set(err, VERR_NOMEM, "out of memory");
  if (!(f->setdb = calloc(f->nsets + 1, sizeof *f->setdb))) return err_set(err, VERR_NOMEM, "out of memory");
  if (build_dbs(e, f, DB_SET)) return err_set(err, VERR_NOMEM, "Hyperscan: could not build databases");
  if (atomic_exchange(&cache_added, 0)) cache_prune();
  return 0;
}

void sfast_free(SigmaEngine *e) {
  Fast *f = e->fast;
  if (!f) return;
  for (uint32_t i = 0; i <= f->nfields; i++) {
    hs_free_database(f->db[i]);
    hs_free_database(f->wdb[i]);
  }
  if (f->wdb) hs_free_database(f->wdb[f->nfields + 1]);
  for (size_t i = 0; f->solo && i <= e->natoms; i++) hs_free_database(f->solo[i]);
  free(f->solo);
  for (uint32_t i = 0; f->setdb && i < f->nsets; i++) hs_free_database(f->setdb[i]);
  free(f->setdb);
  free(f->sets);
  free(f->wdb);
  free(f->wfull);
  free(f->agroup);
  for (uint32_t g = 0; f->lits && g < f->nfields; g++) slit_free(f->lits[g]);
  free(f->lits);
  free(f->hashed);
  hs_free_scratch(f->proto);
  for (size_t i = 0; i <= e->natoms; i++) free(f->atom_rules[i]);
  for (size_t i = 0; i <= e->nrules; i++) free(f->rule_fields[i]);
  free(f->atom_rules);
  free(f->natom_rules);
  free(f->rule_kw);
  free(f->gwit);
  free(f->rule_fields);
  free(f->nrule_fields);
  free(f->alias_src);
  free(f->alias_dst);
  free(f->db);
  free(f);
  e->fast = NULL;
}

/* ---- per-thread matcher ---- */

typedef struct Route {
  char *key;
  size_t klen;
  uint64_t *rules;          /* bitset over rule indexes */
  uint32_t *always;         /* applicable rules without a witness */
  uint32_t nalways;
  uint32_t *fields;         /* field ids worth scanning */
  uint32_t nfields;
  uint32_t *direct;         /* witness atoms matched one by one (their field has few) */
  uint32_t ndirect;
  int keywords, is4688;
  int kwall;                /* a keyword witness of a rule with a category or service */
  int exact;                /* the key holds the event's only Channel and EventID, whole */
} Route;

typedef struct NameEnt {
  char *name;
  uint32_t len, nid;
  uint32_t id[2];
} NameEnt;

typedef struct Entry { uint32_t field, next; } Entry;

typedef struct PosEnt {      /* what field i of the previous event was named */
  const char *name;          /* the name cache's copy (stable), NULL if none */
  uint32_t len, nid, id[2];
} PosEnt;

struct SigmaMatcherFast {
  SigmaEngine *e;
  Fast *f;
  hs_scratch_t *scratch;
  pcre2_match_data *md;
  uint32_t gen;
  uint32_t *slot_gen, *slot_first;     /* per field id */
  uint32_t *wscan_gen, *fscan_gen;     /* per group: witness / full scan done */
  uint32_t gscan_gen;                  /* keyword witnesses of logsource-wide rules scanned */
  uint32_t *atom_gen, *res_gen;        /* hs hit / direct result memo */
  uint8_t *res_val;
  uint32_t *rule_gen;
  uint32_t *matched, nmatched;         /* atoms hit this event */
  uint32_t *cand, ncand;
  Entry *ent;
  uint32_t nent, capent;
  NameEnt *names;
  uint32_t nnames, capnames;
  Route **routes;
  uint32_t nroutes, caproutes;
  Route scratch_route;
  Route *last;                         /* route of the previous event */
  const SigmaEvent *ev;
  SEvView view;
  PosEnt *pos;                          /* events from one source repeat their layout */
  uint32_t cappos;
  char *join;                          /* all values joined by NUL (keywords) */
  size_t joincap;
  uint64_t st_events, st_cand, st_hits, st_scans, st_match, st_full;   /* VARDE_SIGMA_DEBUG */
  uint32_t *st_rule, *st_field, *st_ffield;
};
typedef struct SigmaMatcherFast MF;

static uint32_t hash_bytes(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
  return h;
}

SigmaMatcher *sfast_matcher_new(SigmaEngine *e) {
  MF *m = calloc(1, sizeof *m);
  Fast *f = e->fast;
  if (!m) return NULL;
  m->e = e;
  m->f = f;
  size_t na = e->natoms + 1, nf = e->fields.n + 1, nr = e->nrules + 1;
  m->slot_gen = calloc(nf, 4); m->slot_first = calloc(nf, 4);
  m->wscan_gen = calloc(nf, 4); m->fscan_gen = calloc(nf, 4);
  m->atom_gen = calloc(na, 4); m->res_gen = calloc(na, 4); m->res_val = calloc(na, 1);
  m->rule_gen = calloc(nr, 4); m->matched = calloc(na, 4); m->cand = calloc(nr, 4);
  m->md = pcre2_match_data_create(1, NULL);
  if (getenv("VARDE_SIGMA_DEBUG")) { m->st_rule = calloc(nr, 4); m->st_field = calloc(nf, 4); m->st_ffield = calloc(nf, 4); }
  if (!m->slot_gen || !m->slot_first || !m->wscan_gen || !m->fscan_gen || !m->atom_gen || !m->res_gen || !m->res_val || !m->rule_gen ||
      !m->matched || !m->cand || !m->md || (f->proto && hs_clone_scratch(f->proto, &m->scratch))) {
    sfast_matcher_free((SigmaMatcher *)m);
    return NULL;
  }
  return (SigmaMatcher *)m;
}

static void route_free(Route *r) {
  if (!r) return;
  free(r->key); free(r->rules); free(r->always); free(r->fields); free(r->direct);
}

void sfast_matcher_free(SigmaMatcher *sm) {
  MF *m = (MF *)sm;
  if (!m) return;
  if (getenv("VARDE_SIGMA_DEBUG") && m->st_events) {
    fprintf(stderr, "matcher: events=%llu candidates/event=%.2f atom hits/event=%.2f scans/event=%.2f matches/event=%.3f full-field scans/event=%.2f\n",
            (unsigned long long)m->st_events, (double)m->st_cand / m->st_events, (double)m->st_hits / m->st_events,
            (double)m->st_scans / m->st_events, (double)m->st_match / m->st_events, (double)m->st_full / m->st_events);
    for (size_t r = 0; m->st_rule && r < m->e->nrules; r++)
      if (m->st_rule[r] > m->st_events / 50) fprintf(stderr, "  candidate %u times: %s\n", m->st_rule[r], m->e->rules[r].info.title);
  }
  for (uint32_t i = 0; m->st_field && i < m->e->fields.n; i++)
    if (m->st_field[i] > m->st_events / 20) fprintf(stderr, "  witness scans of %s: %u\n", m->e->fields.names[i], m->st_field[i]);
  for (uint32_t i = 0; m->st_ffield && i <= m->e->fields.n; i++)
    if (m->st_ffield[i] > m->st_events / 100)
      fprintf(stderr, "  full scans of %s: %u\n", i < m->e->fields.n ? m->e->fields.names[i] : "(keywords)", m->st_ffield[i]);
  free(m->st_rule);
  free(m->st_field);
  free(m->st_ffield);
  free(m->join);
  free(m->pos);
  hs_free_scratch(m->scratch);
  pcre2_match_data_free(m->md);
  free(m->slot_gen); free(m->slot_first); free(m->wscan_gen); free(m->fscan_gen); free(m->atom_gen); free(m->res_gen); free(m->res_val);
  free(m->rule_gen); free(m->matched); free(m->cand); free(m->ent);
  for (uint32_t i = 0; i < m->capnames; i++) free(m->names[i].name);
  free(m->names);
  for (uint32_t i = 0; i < m->caproutes; i++) { route_free(m->routes[i]); free(m->routes[i]); }
  free(m->routes);
  route_free(&m->scratch_route);
  free(m);
}

/* Field ids of an event field name, through the per-matcher cache. */
static const NameEnt *name_ids(MF *m, const char *s, uint32_t n) {
  static const NameEnt none = {0};
  if ((m->nnames + 1) * 2 > m->capnames && m->capnames < NAME_CACHE_MAX) {
    uint32_t cap = m->capnames ? m->capnames * 2 : 1024;
    NameEnt *nn = calloc(cap, sizeof *nn);
    if (nn) {
      for (uint32_t i = 0; i < m->capnames; i++) {
        if (!m->names[i].name) continue;
        uint32_t k = hash_bytes(m->names[i].name, m->names[i].len) & (cap - 1);
        while (nn[k].name) k = (k + 1) & (cap - 1);
        nn[k] = m->names[i];
      }
      free(m->names);
      m->names = nn;
      m->capnames = cap;
    }
  }
  if (!m->capnames) return &none;
  uint32_t mask = m->capnames - 1, k = hash_bytes(s, n) & mask;
  for (; m->names[k].name; k = (k + 1) & mask)
    if (m->names[k].len == n && !memcmp(m->names[k].name, s, n)) return &m->names[k];
  NameEnt ne = {.len = n};
  ne.nid = (uint32_t)sf_resolve(&m->e->fields, s, n, ne.id);
  if ((m->nnames + 1) * 2 > m->capnames || !(ne.name = malloc(n + 1))) {
    static __thread NameEnt tmp;
    tmp = ne;
    return &tmp;
  }
  memcpy(ne.name, s, n);
  ne.name[n] = 0;
  m->names[k] = ne;
  m->nnames++;
  return &m->names[k];
}

static int link_field(MF *m, uint32_t fid, uint32_t fi) {
  if (m->nent == m->capent) {
    uint32_t cap = m->capent ? m->capent * 2 : 256;
    Entry *ne = realloc(m->ent, cap * sizeof *ne);
    if (!ne) return -1;
    m->ent = ne;
    m->capent = cap;
  }
  /* append keeping event order: walk to the tail (few values per field) */
  Entry *en = &m->ent[m->nent];
  en->field = fi;
  en->next = UINT32_MAX;
  if (m->slot_gen[fid] != m->gen) {
    m->slot_gen[fid] = m->gen;
    m->slot_first[fid] = m->nent;
  } else {
    uint32_t k = m->slot_first[fid];
    while (m->ent[k].next != UINT32_MAX) k = m->ent[k].next;
    m->ent[k].next = m->nent;
  }
  m->nent++;
  return 0;
}

static size_t values(const SEvView *v, uint32_t fid, const SigmaField **out, size_t cap) {
  const MF *m = v->priv;
  if (fid >= m->e->fields.n || m->slot_gen[fid] != m->gen) return 0;
  size_t n = 0;
  for (uint32_t k = m->slot_first[fid]; k != UINT32_MAX && n < cap; k = m->ent[k].next)
    out[n++] = &m->ev->f[m->ent[k].field];
  return n;
}

/* Channel and EventID are the route's key, so a witness on them is decided
 * once per route: 1 true, 0 false, -1 not such a witness. */
static int route_witness(MF *m, const SRule *rule, const SigmaField *ch, const SigmaField *id) {
  SigmaEngine *e = m->e;
  int any = 0;
  for (size_t k = 0; k < rule->nwitness; k++) {
    const SAtom *a = &e->atoms[rule->witness[k]];
    const SigmaField *f = a->field == e->f_channel ? ch : a->field == e->f_eventid ? id : NULL;
    if (a->field != e->f_channel && a->field != e->f_eventid) return -1;
    if (f && sm_atom_value(a, m->ev, f, NULL)) any = 1;
  }
  return any;
}

/* A rule's condition with only the route's Channel and EventID known:
 * 0 false for every event of the route, 1 true, 2 depends on the event. */
static int tri_atom(MF *m, uint32_t ai, const SigmaField *ch, const SigmaField *id) {
  const SAtom *a = &m->e->atoms[ai];
  if (a->field != m->e->f_channel && a->field != m->e->f_eventid) return 2;
  if (a->kind != A_GLOB && a->kind != A_RE && a->kind != A_NUM && a->kind != A_CIDR && a->kind != A_TIMEPART)
    return 2;
  const SigmaField *f = a->field == m->e->f_channel ? ch : id;
  return f ? sm_atom_value(a, m->ev, f, m->md) : 0;
}

static int tri_eval(MF *m, const SNode *n, const SigmaField *ch, const SigmaField *id) {
  int r, t;
  switch (n->op) {
  case OP_FALSE: return 0;
  case OP_TRUE: return 1;
  case OP_ATOM: return tri_atom(m, n->n, ch, id);
  case OP_NOT: t = tri_eval(m, n->kids[0], ch, id); return t == 2 ? 2 : !t;
  case OP_ANYSET:
    r = 0;
    for (uint32_t i = 0; i < n->n; i++) {
      if ((t = tri_atom(m, n->set[i], ch, id)) == 1) return 1;
      if (t == 2) r = 2;
    }
    return r;
  case OP_AND: case OP_OR:
    r = n->op == OP_AND;
    for (uint32_t i = 0; i < n->n; i++) {
      t = tri_eval(m, n->kids[i], ch, id);
      if (t == !(n->op == OP_AND)) return t;   /* AND: a false kid; OR: a true one */
      if (t == 2) r = 2;
    }
    return r;
  default: return 2;
  }
}

#define DIRECT_MAX 3

/* Splits the route's witness fields: a field with at most DIRECT_MAX
 * witness atoms (among this route's rules) has them matched one by one,
 * which is cheaper than a Hyperscan call; the others are scanned. */
static int route_split(MF *m, Route *r, uint32_t *cnt, uint32_t **atoms) {
  SigmaEngine *e = m->e;
  uint32_t k = 0;
  r->direct = malloc((size_t)r->nfields * DIRECT_MAX * sizeof *r->direct + sizeof *r->direct);
  if (!r->direct) return -1;
  for (uint32_t i = 0; i < r->nfields; i++) {
    uint32_t fid = r->fields[i];
    if (cnt[fid] <= DIRECT_MAX && e->atoms[atoms[fid][0]].kind == A_GLOB) {
      int globs = 1;
      for (uint32_t j = 0; j < cnt[fid]; j++) globs &= e->atoms[atoms[fid][j]].kind == A_GLOB;
      if (globs) {
        for (uint32_t j = 0; j < cnt[fid]; j++) r->direct[r->ndirect++] = atoms[fid][j];
        continue;
      }
    }
    r->fields[k++] = fid;
  }
  r->nfields = k;
  return 0;
}

static int route_fill(MF *m, Route *r, const SLogsrc *ls, const SigmaField *ch, const SigmaField *id) {
  SigmaEngine *e = m->e;
  size_t words = (e->nrules + 64) / 64;
  r->rules = calloc(words, 8);
  r->always = malloc((e->nrules + 1) * sizeof *r->always);
  uint32_t *cnt = calloc(e->fields.n + 1, sizeof *cnt);          /* witness atoms per field */
  uint32_t **atoms = calloc(e->fields.n + 1, sizeof *atoms);     /* first DIRECT_MAX of them */
  r->fields = malloc((e->fields.n + 1) * sizeof *r->fields);
  int rc = -1;
  if (!r->rules || !r->always || !cnt || !atoms || !r->fields) goto out;
  r->is4688 = ls->windows && ls->has_eventid && ls->eventid == 4688 && !strcmp(ls->channel, "Security");
  for (size_t i = 0; i < e->nrules; i++) {
    const SRule *rule = &e->rules[i];
    if (rule->is_filter || rule->corr || !rule->cond || !sl_rule_applies(rule, ls)) continue;
    if (r->exact && tri_eval(m, rule->cond, ch, id) == 0) continue;   /* can never match here */
    int rw = rule->has_witness ? route_witness(m, rule, ch, id) : 1;
    if (rw == 0 && !r->exact) rw = 1;      /* decided per event, not per route */
    if (rw == 0) continue;                 /* can never match on this route */
    r->rules[i / 64] |= 1ull << (i % 64);
    if (rw == 1) { r->always[r->nalways++] = (uint32_t)i; continue; }
    for (size_t k = 0; k < rule->nwitness; k++) {   /* fields of this rule's witnesses */
      uint32_t a = rule->witness[k], fid = e->atoms[a].field, j = 0;
      if (fid == SF_KEYWORD) {
        r->keywords = 1;
        r->kwall |= rule->category || rule->service;
        continue;
      }
      if (!cnt[fid]) {
        r->fields[r->nfields++] = fid;
        if (!(atoms[fid] = malloc(DIRECT_MAX * sizeof **atoms))) goto out;
      }
      while (j < cnt[fid] && j < DIRECT_MAX && atoms[fid][j] != a) j++;
      if (j < cnt[fid] && j < DIRECT_MAX) continue;   /* already counted */
      if (cnt[fid] < DIRECT_MAX) atoms[fid][cnt[fid]] = a;
      cnt[fid]++;
    }
  }
  rc = route_split(m, r, cnt, atoms);
out:
  for (uint32_t i = 0; atoms && i <= e->fields.n; i++) free(atoms[i]);
  free(atoms);
  free(cnt);
  return rc;
}

static int routes_grow(MF *m) {
  uint32_t cap = m->caproutes ? m->caproutes * 2 : 64;
  Route **nr = calloc(cap, sizeof *nr);
  if (!nr) return -1;
  for (uint32_t i = 0; i < m->caproutes; i++) {
    if (!m->routes[i]) continue;
    uint32_t j = hash_bytes(m->routes[i]->key, m->routes[i]->klen) & (cap - 1);
    while (nr[j]) j = (j + 1) & (cap - 1);
    nr[j] = m->routes[i];
  }
  free(m->routes);
  m->routes = nr;
  m->caproutes = cap;
  return 0;
}

/* The cached route of an event (by format, Channel and EventID); when the
 * cache is full, a scratch route is rebuilt for each such event. */
/* Key marks per field: absent, exactly one value kept whole, or not exact. */
static char key_mark(const SigmaField *const *f, size_t n, size_t max) {
  return n == 0 ? '0' : n == 1 && f[0]->val_len <= max ? '1' : '2';
}

static Route *route_get(MF *m, const SigmaEvent *ev) {
  SigmaEngine *e = m->e;
  const SigmaField *chs[2] = {NULL, NULL}, *ids[2] = {NULL, NULL};
  size_t nch = values(&m->view, e->f_channel, chs, 2), nid = values(&m->view, e->f_eventid, ids, 2);
  const SigmaField *ch = chs[0], *id = ids[0];
  char key[300];
  size_t cl = ch ? ch->val_len : 0, il = id ? id->val_len : 0;
  if (cl > 200) cl = 200;
  if (il > 64) il = 64;
  int kl = 0;   /* format | mark channel | mark eventid, built by hand: this runs per event */
  key[kl++] = (char)('0' + (int)ev->format);
  key[kl++] = key_mark(chs, nch, 200);
  if (cl) memcpy(key + kl, sev_val(ev, ch), cl);
  kl += (int)cl;
  key[kl++] = key_mark(ids, nid, 64);
  if (il) memcpy(key + kl, sev_val(ev, id), il);
  kl += (int)il;
  if (m->last && m->last->klen == (size_t)kl && !memcmp(m->last->key, key, (size_t)kl)) return m->last;
  uint32_t mask = m->caproutes - 1, k = 0;
  if (m->caproutes) {
    for (k = hash_bytes(key, (size_t)kl) & mask; m->routes[k]; k = (k + 1) & mask)
      if (m->routes[k]->klen == (size_t)kl && !memcmp(m->routes[k]->key, key, (size_t)kl))
        return m->last = m->routes[k];
  }
  SLogsrc ls;
  sl_classify(ev, ch ? sev_val(ev, ch) : NULL, ch ? ch->val_len : 0, id ? sev_val(ev, id) : NULL,
              id ? id->val_len : 0, &ls);
  if (m->nroutes + 1 > ROUTE_CACHE_MAX || (m->nroutes + 1) * 2 > m->caproutes) {
    if (m->nroutes + 1 <= ROUTE_CACHE_MAX && routes_grow(m) == 0) return route_get(m, ev);
    route_free(&m->scratch_route);
    memset(&m->scratch_route, 0, sizeof m->scratch_route);
    m->scratch_route.exact = key[1] != '2' && key[2 + cl] != '2';
    return route_fill(m, &m->scratch_route, &ls, ch, id) ? NULL : &m->scratch_route;
  }
  Route *r = calloc(1, sizeof *r);
  if (r) r->exact = key[1] != '2' && key[2 + cl] != '2';
  if (!r || !(r->key = malloc((size_t)kl + 1)) || route_fill(m, r, &ls, ch, id)) {
    if (r) { route_free(r); free(r); }
    return NULL;
  }
  memcpy(r->key, key, (size_t)kl);
  r->klen = (size_t)kl;
  m->routes[k] = r;
  m->nroutes++;
  return r;
}

static int on_hit(unsigned id, unsigned long long from, unsigned long long to, unsigned fl, void *ctx) {
  MF *m = ctx;
  if (m->atom_gen[id] != m->gen) {
    m->atom_gen[id] = m->gen;
    m->matched[m->nmatched++] = id;
  }
  return 0;
}

static void scan_value(MF *m, hs_database_t *db, const SigmaField *f) {
  if (f->kind == SEV_NULL || f->val_len == 0) return;
  m->st_scans++;
  hs_scan(db, sev_val(m->ev, f), f->val_len, 0, m->scratch, on_hit, m);
}

/* One scan over every value joined by NUL. No keyword expression can match
 * a NUL byte (atom_expr), so no match spans two values, and a value that
 * holds a NUL itself is searched exactly as it would be alone. Returns 0
 * when out of memory (then the caller scans value by value). */
static int scan_joined(MF *m, hs_database_t *db) {
  const SigmaEvent *ev = m->ev;
  const Fast *fa = m->f;
  uint32_t minlen = db == fa->wdb[fa->nfields + 1] ? fa->kwmin[2] : db == fa->wdb[fa->nfields] ? fa->kwmin[1] : fa->kwmin[0];
  size_t need = ev->n + 1;
  for (uint32_t i = 0; i < ev->n; i++) need += ev->f[i].val_len;
  if (need > m->joincap) {
    size_t cap = m->joincap ? m->joincap : 4096;
    while (cap < need) cap *= 2;
    char *nj = realloc(m->join, cap);
    if (!nj) return 0;
    m->join = nj;
    m->joincap = cap;
  }
  size_t n = 0;
  for (uint32_t i = 0; i < ev->n; i++) {
    const SigmaField *f = &ev->f[i];
    if (f->kind == SEV_NULL || !f->val_len || f->val_len < minlen) continue;   /* too short to match */
    memcpy(m->join + n, sev_val(ev, f), f->val_len);
    n += f->val_len;
    m->join[n++] = 0;
  }
  m->st_scans++;
  if (n) hs_scan(db, m->join, (unsigned)n, 0, m->scratch, on_hit, m);
  return 1;
}

static hs_database_t *wdb_of(const Fast *f, uint32_t g) {
  return f->wdb[g] ? f->wdb[g] : f->wfull[g] ? f->db[g] : NULL;
}

/* Scans group g (a field, or all values for keywords) with db. */
static void scan_group(MF *m, hs_database_t *db, uint32_t g) {
  if (!db) return;
  if (g == m->f->nfields) {
    if (scan_joined(m, db)) return;
    for (uint32_t i = 0; i < m->ev->n; i++) scan_value(m, db, &m->ev->f[i]);
    return;
  }
  if (m->slot_gen[g] != m->gen) return;
  for (uint32_t k = m->slot_first[g]; k != UINT32_MAX; k = m->ent[k].next)
    scan_value(m, db, &m->ev->f[m->ent[k].field]);
}

static void on_lit(uint32_t id, void *ctx) { on_hit(id, 0, 0, 0, ctx); }

/* The witness scan of field g: its witness database and its literal set. */
static void wit_scan(MF *m, uint32_t g) {
  const SLitSet *ls = m->f->lits[g];
  m->wscan_gen[g] = m->gen;
  scan_group(m, wdb_of(m->f, g), g);
  if (!ls || m->slot_gen[g] != m->gen) return;
  for (uint32_t k = m->slot_first[g]; k != UINT32_MAX; k = m->ent[k].next) {
    const SigmaField *fl = &m->ev->f[m->ent[k].field];
    if (fl->kind != SEV_NULL && fl->val_len) slit_match(ls, (const uint8_t *)sev_val(m->ev, fl), fl->val_len, on_lit, m);
  }
}

static void ensure_scan(MF *m, uint32_t g, int wit_ok) {
  if (wit_ok && m->wscan_gen[g] == m->gen) return;
  if (m->fscan_gen[g] != m->gen) {   /* first need of this field: scan it fully, once */
    m->fscan_gen[g] = m->gen;
    m->st_full++;
    if (m->st_ffield) m->st_ffield[g]++;
    scan_group(m, m->f->db[g], g);
  }
}

#define SOLO_MIN_BYTES 64   /* shorter values: a direct test costs less than a scan call */

static int on_solo(unsigned id, unsigned long long from, unsigned long long to, unsigned fl, void *ctx) {
  *(int *)ctx = 1;
  return 1;   /* one match answers the atom: stop */
}

/* Whether a small database (a regex atom alone, or one large set) matches
 * any value of field fid: linear time, where PCRE can backtrack for long
 * over patterns like '\+.*\+.*\+...', and far cheaper than a scan with
 * the field's whole database when nothing else needs it. */
static int solo_match(MF *m, hs_database_t *db, uint32_t fid) {
  int hit = 0;
  if (m->slot_gen[fid] != m->gen) return 0;
  for (uint32_t k = m->slot_first[fid]; k != UINT32_MAX && !hit; k = m->ent[k].next) {
    const SigmaField *f = &m->ev->f[m->ent[k].field];
    if (f->kind != SEV_NULL && f->val_len)
      hs_scan(db, sev_val(m->ev, f), f->val_len, 0, m->scratch, on_solo, &hit);
  }
  return hit;
}

/* Total length of field fid's values in this event. */
static size_t field_bytes(const MF *m, uint32_t fid) {
  size_t n = 0;
  if (m->slot_gen[fid] != m->gen) return 0;
  for (uint32_t k = m->slot_first[fid]; k != UINT32_MAX; k = m->ent[k].next) n += m->ev->f[m->ent[k].field].val_len;
  return n;
}

/* A lone atom whose field has not been scanned fully is cheaper to match
 * directly than by scanning the field with its whole database; a regex
 * over long values goes to its own database instead. */
static int eval_atom(MF *m, uint32_t a) {
  uint32_t info = m->f->agroup[a], g = info & AF_GROUP;
  if ((info & AF_HS) && (((info & AF_WIT) && m->wscan_gen[g] == m->gen) || m->fscan_gen[g] == m->gen ||
                         ((info & AF_GWIT) && m->gscan_gen == m->gen)))
    return m->atom_gen[a] == m->gen;
  if (m->res_gen[a] != m->gen) {
    m->res_gen[a] = m->gen;
    hs_database_t *solo = m->f->solo[a];
    if (solo && field_bytes(m, g) >= SOLO_MIN_BYTES) m->res_val[a] = (uint8_t)solo_match(m, solo, g);
    else m->res_val[a] = (uint8_t)sm_atom(&m->e->atoms[a], &m->view, m->md);
  }
  return m->res_val[a];
}

static int in_set(const uint32_t *set, uint32_t n, uint32_t a) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (set[mid] < a) lo = mid + 1; else hi = mid;
  }
  return lo < n && set[lo] == a;
}

static int eval_atom(MF *m, uint32_t a);

/* A small set on a field not scanned fully yet is cheaper to match atom by
 * atom (memoised) than with a scan of the field's whole database. */
static int eval_set(MF *m, const SNode *n) {
  uint32_t g = n->group;
  int scanned = m->fscan_gen[g] == m->gen || (n->allwit && m->wscan_gen[g] == m->gen);
  hs_database_t *own = n->setdb ? m->f->setdb[n->setdb - 1] : NULL;
  if (!scanned && own) return solo_match(m, own, g);   /* cheaper than the field's whole database */
  if (!scanned && !n->allwit && n->n <= SET_DIRECT_MAX) {
    for (uint32_t i = 0; i < n->n; i++)
      if (eval_atom(m, n->set[i])) return 1;
    return 0;
  }
  ensure_scan(m, g, n->allwit);
  if (n->n <= m->nmatched) {
    for (uint32_t i = 0; i < n->n; i++)
      if (m->atom_gen[n->set[i]] == m->gen) return 1;
    return 0;
  }
  for (uint32_t i = 0; i < m->nmatched; i++) {
    uint32_t a = m->matched[i];
    if ((m->f->agroup[a] & AF_GROUP) == n->group && in_set(n->set, n->n, a)) return 1;
  }
  return 0;
}

static int eval_node(MF *m, const SNode *n) {
  switch (n->op) {
  case OP_ATOM: return eval_atom(m, n->n);
  case OP_ANYSET: return eval_set(m, n);
  case OP_AND:
    for (uint32_t i = 0; i < n->n; i++)
      if (!eval_node(m, n->kids[i])) return 0;
    return 1;
  case OP_OR:
    for (uint32_t i = 0; i < n->n; i++)
      if (eval_node(m, n->kids[i])) return 1;
    return 0;
  case OP_NOT: return !eval_node(m, n->kids[0]);
  case OP_TRUE: return 1;
  default: return 0;
  }
}

/* Whether the n bytes at a and b are equal: field names are mostly 4 to
 * 16 bytes, compared as two words that may overlap, without a call. */
static inline int same_name(const char *a, const char *b, uint32_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t a0, b0, a1, b1;
    memcpy(&a0, a, 8); memcpy(&b0, b, 8); memcpy(&a1, a + n - 8, 8); memcpy(&b1, b + n - 8, 8);
    return a0 == b0 && a1 == b1;
  }
  if (n >= 4 && n < 8) {
    uint32_t a0, b0, a1, b1;
    memcpy(&a0, a, 4); memcpy(&b0, b, 4); memcpy(&a1, a + n - 4, 4); memcpy(&b1, b + n - 4, 4);
    return a0 == b0 && a1 == b1;
  }
  return memcmp(a, b, n) == 0;
}

static void new_event(MF *m, const SigmaEvent *ev) {
  if (++m->gen == 0) {   /* wrapped: clear the stamps */
    size_t na = m->e->natoms + 1;
    memset(m->slot_gen, 0, (m->e->fields.n + 1) * 4);
    memset(m->wscan_gen, 0, (m->e->fields.n + 1) * 4);
    m->gscan_gen = 0;
    memset(m->fscan_gen, 0, (m->e->fields.n + 1) * 4);
    memset(m->atom_gen, 0, na * 4);
    memset(m->res_gen, 0, na * 4);
    memset(m->rule_gen, 0, (m->e->nrules + 1) * 4);
    m->gen = 1;
  }
  m->ev = ev;
  m->nent = m->nmatched = m->ncand = 0;
  m->view = (SEvView){.ev = ev, .ft = &m->e->fields, .values = values, .priv = m};
  if (ev->n > m->cappos) {
    PosEnt *np = realloc(m->pos, ev->n * sizeof *np);
    if (np) {
      memset(np + m->cappos, 0, (ev->n - m->cappos) * sizeof *np);
      m->pos = np;
      m->cappos = ev->n;
    }
  }
  for (uint32_t i = 0; i < ev->n; i++) {
    const char *nm = sev_name(ev, &ev->f[i]);
    uint32_t len = ev->f[i].name_len;
    PosEnt *p = i < m->cappos ? &m->pos[i] : NULL;
    if (!p || !p->name || p->len != len || !same_name(p->name, nm, len)) {
      const NameEnt *ne = name_ids(m, nm, len);
      if (p) *p = (PosEnt){.name = ne->name, .len = len, .nid = ne->nid, .id = {ne->id[0], ne->id[1]}};
      for (uint32_t k = 0; k < ne->nid; k++) link_field(m, ne->id[k], i);
      continue;
    }
    for (uint32_t k = 0; k < p->nid; k++) link_field(m, p->id[k], i);
  }
}

static void add_aliases(MF *m) {
  Fast *f = m->f;
  for (int i = 0; i < f->nalias; i++) {
    uint32_t s = f->alias_src[i];
    if (m->slot_gen[s] != m->gen) continue;
    uint32_t first = m->slot_first[s], cnt = 0, idx[16];
    for (uint32_t k = first; k != UINT32_MAX && cnt < 16; k = m->ent[k].next) idx[cnt++] = m->ent[k].field;
    for (uint32_t k = 0; k < cnt; k++) link_field(m, f->alias_dst[i], idx[k]);
  }
}

size_t sfast_match(SigmaMatcher *sm, const SigmaEvent *ev, uint32_t *out, size_t cap) {
  MF *m = (MF *)sm;
  Fast *f = m->f;
  new_event(m, ev);
  Route *r = route_get(m, ev);
  if (!r) return 0;
  if (r->is4688) add_aliases(m);
  for (uint32_t i = 0; i < r->nfields; i++) {
    uint32_t fid = r->fields[i];
    if (m->st_field && m->slot_gen[fid] == m->gen) m->st_field[fid]++;
    wit_scan(m, fid);
  }
  for (uint32_t i = 0; i < r->ndirect; i++) {   /* exact, so they count as hits */
    uint32_t a = r->direct[i];
    if (m->atom_gen[a] == m->gen || m->slot_gen[m->e->atoms[a].field] != m->gen) continue;
    m->res_gen[a] = m->gen;
    m->res_val[a] = (uint8_t)sm_atom(&m->e->atoms[a], &m->view, m->md);
    if (m->res_val[a]) { m->atom_gen[a] = m->gen; m->matched[m->nmatched++] = a; }
  }
  if (r->keywords && !r->kwall && f->wdb[f->nfields + 1]) {   /* few, long literals: cheaper */
    m->gscan_gen = m->gen;
    scan_group(m, f->wdb[f->nfields + 1], f->nfields);
  } else if (r->keywords) {
    m->wscan_gen[f->nfields] = m->gen;
    scan_group(m, wdb_of(f, f->nfields), f->nfields);
  }
  for (uint32_t i = 0; i < m->nmatched; i++) {
    uint32_t a = m->matched[i];
    for (uint32_t k = 0; k < f->natom_rules[a]; k++) {
      uint32_t rule = f->atom_rules[a][k];
      if (m->rule_gen[rule] == m->gen || !(r->rules[rule / 64] >> (rule % 64) & 1)) continue;
      m->rule_gen[rule] = m->gen;
      m->cand[m->ncand++] = rule;
    }
  }
  for (uint32_t i = 0; i < r->nalways; i++) {   /* may also have been marked by a hit */
    uint32_t rule = r->always[i];
    if (m->rule_gen[rule] == m->gen) continue;
    m->rule_gen[rule] = m->gen;
    m->cand[m->ncand++] = rule;
  }
  size_t n = 0;
  m->st_events++;
  m->st_cand += m->ncand;
  m->st_hits += m->nmatched;
  if (m->st_rule) for (uint32_t i = 0; i < m->ncand; i++) m->st_rule[m->cand[i]]++;
  for (uint32_t i = 0; i < m->ncand && n < cap; i++)
    if (eval_node(m, m->e->rules[m->cand[i]].cond)) out[n++] = m->cand[i];
  m->st_match += n;
  for (size_t i = 1; i < n; i++)   /* ascending rule order */
    for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) { uint32_t t = out[j]; out[j] = out[j - 1]; out[j - 1] = t; }
  return n;
}
