/* internal.h — types shared by the Sigma engine's files (not part of the API):
 * the YAML tree, rule atoms (one value test each), boolean condition trees,
 * rules, correlations and the engine itself. */
#ifndef VARDE_SIGMA_INTERNAL_H
#define VARDE_SIGMA_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "sigma/sigma.h"

/* ---- YAML tree (yaml.c) ---- */
enum { Y_SCALAR, Y_SEQ, Y_MAP };
typedef struct YNode {
  int type, line, plain;       /* plain: unquoted scalar (null/bool detection) */
  char *s;                     /* scalar text, NUL-terminated */
  size_t len;
  struct YNode **items;        /* seq: items; map: key0, val0, key1, val1, ... */
  size_t n;                    /* number of items (2 * pairs for maps) */
} YNode;

typedef struct YDocs {
  YNode **docs;
  size_t n;
  int *dupline;                /* per document: line of its first duplicate map key, 0 none */
  const char **dupkey;         /* that key */
} YDocs;

/* Parse all documents of text into a; on error returns -1 with msg and line,
 * and out holds the documents completed before the error. sy_parse_at is for
 * text that starts after line0 lines of a file (its lines are reported so). */
int sy_parse(Arena *a, const char *text, size_t n, YDocs *out, char *msg, size_t msgsz, int *line);
int sy_parse_at(Arena *a, const char *text, size_t n, int line0, YDocs *out, char *msg,
                size_t msgsz, int *line);
const YNode *sy_get(const YNode *map, const char *key);
int sy_is_null(const YNode *n);
const char *sy_str(const YNode *map, const char *key);   /* scalar value or NULL */

/* ---- atoms: one compiled value test (atom.c) ---- */
enum {
  A_GLOB,       /* wildcard pattern over bytes: tok[] says literal/star/qmark/dash */
  A_RE,         /* PCRE2 regular expression (search) */
  A_CIDR,       /* address inside a network */
  A_NUM,        /* numeric compare */
  A_EXISTS,     /* field present == want */
  A_NULL,       /* field absent or null */
  A_FIELDREF,   /* compare with another field of the same event */
  A_TIMEPART,   /* date part of a timestamp, compared */
};
enum { GT_LIT = 0, GT_STAR = 1, GT_QMARK = 2, GT_DASH = 3 };
enum { CMP_EQ, CMP_LT, CMP_LTE, CMP_GT, CMP_GTE };
enum { TP_MINUTE, TP_HOUR, TP_DAY, TP_WEEK, TP_MONTH, TP_YEAR };
enum { FR_EQ, FR_CONTAINS, FR_STARTS, FR_ENDS };

#define SF_KEYWORD 0xffffffffu   /* atom field id of keyword (fieldless) tests */

typedef struct SAtom {
  uint32_t field;
  uint8_t kind, cased, cmp, tpart, want, frmode;
  uint8_t hs, wit;             /* in its field's Hyperscan DB / in the witness DB */
  uint8_t shape;               /* GS_*: literal-only glob shape (fast path), set by sm_glob_shape */
  uint8_t ufold;               /* glob, not cased, with letters folded beyond ASCII (sm_has_ufold) */
  uint32_t lo, ll;             /* shaped glob: offset and length of its literal in pat */
  uint32_t anc;                /* GS_CONTAINS: offset in the literal of its rarest-looking byte */
  uint32_t fref;
  double num;
  uint8_t *pat, *tok;          /* glob bytes and token kinds, plen long */
  uint32_t plen;
  char *re;                    /* regex source */
  uint32_t reflags;            /* PCRE2_CASELESS | PCRE2_MULTILINE | PCRE2_DOTALL */
  void *code;                  /* pcre2_code* (reference: no JIT) */
  void *jcode;                 /* pcre2_code* with JIT (fast path) */
  uint8_t net[16];
  int netbits, v6;
} SAtom;

/* ---- boolean trees (cond.c) ---- */
enum { OP_FALSE, OP_TRUE, OP_ATOM, OP_NOT, OP_AND, OP_OR, OP_ANYSET };
typedef struct SNode {
  uint8_t op;
  uint8_t allwit;              /* OP_ANYSET: every atom is a witness atom */
  uint32_t n;                  /* OP_ATOM: atom index; AND/OR/NOT: kid count; ANYSET: set size */
  struct SNode **kids;
  uint32_t *set;               /* OP_ANYSET (fast path only): sorted atoms of one scan group */
  uint32_t group;
  uint32_t setdb;              /* OP_ANYSET: index + 1 of its own Hyperscan database, 0 none */
} SNode;

/* ---- rules ---- */
enum { CT_EVENT_COUNT, CT_VALUE_COUNT, CT_TEMPORAL, CT_TEMPORAL_ORDERED,
       CT_VALUE_SUM, CT_VALUE_AVG, CT_VALUE_PERCENTILE };

typedef struct SAlias {       /* group-by alias: per referenced rule, its field */
  char *alias;
  char **rule_ref;            /* rule id/name per entry */
  char **field;
  size_t n;
} SAlias;

typedef struct SCorr {
  int type;
  char **refs;                /* referenced rule ids/names as written */
  size_t nrefs;
  uint32_t *ref_rules;        /* resolved rule indexes */
  char **group;               /* group-by fields (or aliases) */
  size_t ngroup;
  SAlias *aliases;
  size_t naliases;
  int64_t span_ms;
  char *field;                /* value_* : the field */
  int has[6];                 /* gt gte lt lte eq neq present */
  double lim[6];
  double percentile;
} SCorr;

typedef struct SRule {
  SigmaRuleInfo info;
  const char *product, *category, *service;
  SNode *cond;
  int line;
  int generate;               /* emits its own alerts */
  int referenced;             /* used by a correlation */
  int is_filter;
  SCorr *corr;
  /* filter document: targets and its own condition tree */
  char **ftargets;
  size_t nftargets;
  int ftarget_any;
  /* compile results */
  uint32_t *witness;          /* hyperscan atoms of which one must match */
  size_t nwitness;
  int has_witness;
  int uses_keywords;
  uint32_t *ref_by;           /* correlations that reference this rule */
  size_t nref_by;
} SRule;

/* ---- field names ---- */
typedef struct SFieldTab {
  char **names;               /* lower-case interned rule field names */
  uint32_t n, cap;
  uint32_t *hash;             /* open addressing: index+1, 0 empty */
  uint32_t hcap;
} SFieldTab;

uint32_t sf_intern(SFieldTab *t, const char *name, size_t len);
uint32_t sf_find(const SFieldTab *t, const char *name, size_t len);   /* UINT32_MAX if absent */
/* Canonical Sigma names of a flattened event field name: writes up to two field ids. */
int sf_resolve(const SFieldTab *t, const char *raw, size_t len, uint32_t out[2]);
/* The short Sigma name of an event field (canonical, else the raw name), NUL-terminated. */
size_t sf_short(const char *raw, size_t len, char *buf, size_t cap);

/* ---- the engine ---- */
struct SigmaEngine {
  Arena *arena;
  SRule *rules;
  size_t nrules, caprules;
  SAtom *atoms;
  size_t natoms, capatoms;
  uint32_t *atom_hash;        /* dedupe table */
  size_t atom_hcap;
  SFieldTab fields;
  uint32_t f_channel, f_eventid, f_provider;   /* reserved field ids */
  YNode *placeholders;        /* map name -> list */
  Arena *ph_arena;
  int compiled, evaluator;
  void *fast;                 /* fast.c state */
  void *unused;
};

/* Helpers shared by rule loading and compiling. */
uint32_t sa_add(SigmaEngine *e, const SAtom *a);   /* deduplicated */
int sa_prepare_regex(SAtom *a, char *msg, size_t msgsz);
SNode *sn_new(Arena *a, int op, uint32_t n);

/* Loading (rule.c, detection.c). */
int sr_load_doc(SigmaEngine *e, const char *file, const YNode *doc, char *msg, size_t msgsz, int *line);
SNode *sd_detection(SigmaEngine *e, const YNode *det, const char *cond, char *msg, size_t msgsz, int *line);
int sd_value_atoms(SigmaEngine *e, const char *key, const YNode *val, SNode **out, char *msg, size_t msgsz);

/* Condition parser (cond.c): names of identifiers and their trees. */
SNode *sc_parse(Arena *a, const char *cond, char **names, SNode **trees, size_t n,
                char *msg, size_t msgsz);

/* Value matching (match.c), used by both evaluators. */
typedef struct SEvView {          /* the event as seen by atom evaluation */
  const SigmaEvent *ev;
  const SFieldTab *ft;
  /* lookup of values of field id; returns count, fills idx (event field indexes) */
  size_t (*values)(const struct SEvView *v, uint32_t fid, const SigmaField **out, size_t cap);
  void *priv;
} SEvView;
int sm_glob(const SAtom *a, const char *s, size_t n);
/* Glob shapes the fast path matches without backtracking: a literal that must
 * equal, start, end or occur in the value. */
enum { GS_GENERIC = 0, GS_EQ, GS_START, GS_END, GS_CONTAINS };
void sm_glob_shape(SAtom *a);
/* Case folding beyond ASCII (Latin-1 Supplement and Latin Extended-A
 * letters, all two bytes in UTF-8): lower/upper form of a code point with a
 * case pair, 0 otherwise; the lower form of the letter starting at glob
 * position i of a case-insensitive atom, 0 if none; whether an atom has one. */
uint32_t sm_ulower(uint32_t cp);
uint32_t sm_uupper(uint32_t cp);
uint32_t sm_ufold_at(const SAtom *a, uint32_t i);
int sm_has_ufold(const SAtom *a);
int sm_atom(const SAtom *a, const SEvView *v, void *md);
int sm_atom_value(const SAtom *a, const SigmaEvent *ev, const SigmaField *f, void *md);

/* Logsource (logsource.c). */
typedef struct SLogsrc {
  const char *product;
  int windows;
  char channel[128];
  long eventid;
  int has_eventid;
  const char *cats[8];        /* taxonomy categories of this Channel+EventID */
  int ncats;
  const char *svcs[4];        /* services naming this Channel */
  int nsvcs;
} SLogsrc;
void sl_classify(const SigmaEvent *ev, const char *channel, size_t clen,
                 const char *eid, size_t elen, SLogsrc *out);
int sl_rule_applies(const SRule *r, const SLogsrc *ls);
/* Windows 4688 -> Sysmon names: alias of a field name for this event, or NULL. */
const char *sl_alias_4688(const char *name);

/* Evaluation of a rule tree with a callback for atoms. */
typedef int (*SAtomFn)(void *ctx, uint32_t atom);
int sn_eval(const SNode *n, SAtomFn fn, void *ctx);

/* Reference evaluator (reference.c) and fast matcher (fast.c). */
size_t sref_match(SigmaEngine *e, const SigmaEvent *ev, uint32_t *out, size_t cap);
int sfast_build(SigmaEngine *e, Err *err);
void sfast_free(SigmaEngine *e);
SigmaMatcher *sfast_matcher_new(SigmaEngine *e);
void sfast_matcher_free(SigmaMatcher *m);
size_t sfast_match(SigmaMatcher *m, const SigmaEvent *ev, uint32_t *out, size_t cap);

#endif
