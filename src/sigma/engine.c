/* engine.c — the engine's life cycle: create, load rule files and folders
 * (reporting invalid rules without stopping), compile (apply filters, resolve
 * correlation references, build the matcher), and per-thread matchers. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sigma/internal.h"

#define RULE_FILE_MAX (8u << 20)


SigmaEngine *sigma_engine_new(void) {
  SigmaEngine *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->arena = arena_new((size_t)1 << 30);
  if (!e->arena) { free(e); return NULL; }
  e->f_channel = sf_intern(&e->fields, "Channel", 7);
  e->f_eventid = sf_intern(&e->fields, "EventID", 7);
  e->f_provider = sf_intern(&e->fields, "Provider_Name", 13);
  return e;
}

void sigma_engine_free(SigmaEngine *e) {
  if (!e) return;
  sfast_free(e);
  for (size_t i = 0; i < e->natoms; i++) {
    if (e->atoms[i].code) pcre2_code_free(e->atoms[i].code);
    if (e->atoms[i].jcode) pcre2_code_free(e->atoms[i].jcode);
  }
  for (uint32_t i = 0; i < e->fields.n; i++) free(e->fields.names[i]);
  free(e->fields.names);
  free(e->fields.hash);
  free(e->atoms);
  free(e->atom_hash);
  free(e->rules);
  arena_free(e->ph_arena);
  arena_free(e->arena);
  free(e);
}

static char *slurp(const char *path, size_t *n, size_t max) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = malloc(max + 1);
  size_t got = buf ? fread(buf, 1, max + 1, f) : 0;
  fclose(f);
  if (!buf || got > max) { free(buf); return NULL; }
  buf[got] = 0;
  *n = got;
  return buf;
}

int sigma_load_placeholders(SigmaEngine *e, const char *path, Err *err) {
  size_t n;
  char *text = slurp(path, &n, RULE_FILE_MAX), msg[256];
  int line = 0;
  if (!text) return err_set(err, VERR_IO, "kan ikke lese %s", path);
  e->ph_arena = arena_new(64u << 20);
  YDocs d;
  int rc = e->ph_arena ? sy_parse(e->ph_arena, text, n, &d, msg, sizeof msg, &line) : -1;
  free(text);
  if (rc || d.n != 1 || d.docs[0]->type != Y_MAP)
    return err_set(err, VERR_INVALID, "%s:%d: ugyldig plassholderfil", path, line);
  const YNode *inner = sy_get(d.docs[0], "placeholders");
  e->placeholders = inner && inner->type == Y_MAP ? (YNode *)inner : d.docs[0];
  return 0;
}

/* Where parsing resumes after a YAML error at line errline (1-based) of
 * text: the first document marker line ("---" alone or before a space) at
 * or after it and after offset from; n if there is none. *lines gets the
 * number of lines before it. */
static size_t next_doc(const char *text, size_t n, size_t from, int errline, int *lines) {
  int ln = 1;
  for (size_t i = 0; i < n; ln++) {
    if (i > from && ln >= errline && n - i >= 3 && !memcmp(text + i, "---", 3) &&
        (n - i == 3 || text[i + 3] == '\n' || text[i + 3] == '\r' || text[i + 3] == ' ' || text[i + 3] == '\t')) {
      *lines = ln - 1;
      return i;
    }
    const char *nl = memchr(text + i, '\n', n - i);
    if (!nl) break;
    i = (size_t)(nl - text) + 1;
  }
  return n;
}

/* Every document of text is a rule. A YAML error ends the parse at the
 * broken document, which is reported; the documents before it are kept and
 * parsing resumes at the next document marker, so one broken rule in a
 * multi-document file costs only itself. */
int sigma_load_buffer(SigmaEngine *e, const char *name, const char *text, size_t n,
                      SigmaDiagFn diag, void *ctx) {
  if (e->compiled) return VERR_INVALID;
  Arena *tmp = arena_new(256u << 20);
  char msg[512];
  int line = 0, loaded = 0, lines = 0, lasterr = 0;
  size_t pos = 0;
  const char *file = arena_strdup(e->arena, name);
  if (!tmp || !file) { arena_free(tmp); return VERR_NOMEM; }
  while (pos < n) {
    YDocs d;
    int rc = sy_parse_at(tmp, text + pos, n - pos, lines, &d, msg, sizeof msg, &line);
    char perr[512];
    int pline = line;
    if (rc) snprintf(perr, sizeof perr, "%s", msg);
    for (size_t i = 0; i < d.n; i++) {
      msg[0] = 0;
      if (d.dupline[i]) {
        snprintf(msg, sizeof msg, "duplicate key '%s'", d.dupkey[i]);
        if (diag) diag(ctx, file, d.dupline[i], sy_str(d.docs[i], "title"), msg);
      } else if (sr_load_doc(e, file, d.docs[i], msg, sizeof msg, &line)) {
        if (diag) diag(ctx, file, line, sy_str(d.docs[i], "title"), msg);
      } else {
        loaded++;
      }
    }
    if (!rc) break;
    if (pline != lasterr && diag) diag(ctx, file, pline, NULL, perr);   /* not twice for one error */
    lasterr = pline;
    pos = next_doc(text, n, pos, pline, &lines);
  }
  arena_free(tmp);
  return loaded;
}

static int has_suffix(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && !strcasecmp(s + a - b, suf);
}

static int load_file(SigmaEngine *e, const char *path, SigmaDiagFn diag, void *ctx) {
  size_t n;
  char *text = slurp(path, &n, RULE_FILE_MAX);
  if (!text) {
    if (diag) diag(ctx, path, 0, NULL, "cannot read file (missing or larger than 8 MiB)");
    return 0;
  }
  int rc = sigma_load_buffer(e, path, text, n, diag, ctx);
  free(text);
  return rc;
}

static int load_dir(SigmaEngine *e, const char *dir, SigmaDiagFn diag, void *ctx, int depth) {
  struct dirent **list;
  int n = scandir(dir, &list, NULL, alphasort), total = 0;
  if (n < 0) return VERR_IO;
  for (int i = 0; i < n; i++) {
    const char *nm = list[i]->d_name;
    char path[4096];
    struct stat st;
    if (nm[0] != '.' && snprintf(path, sizeof path, "%s/%s", dir, nm) < (int)sizeof path &&
        stat(path, &st) == 0) {
      if (S_ISDIR(st.st_mode) && depth < 32) {
        int rc = load_dir(e, path, diag, ctx, depth + 1);
        if (rc > 0) total += rc;
      } else if (S_ISREG(st.st_mode) && (has_suffix(nm, ".yml") || has_suffix(nm, ".yaml"))) {
        int rc = load_file(e, path, diag, ctx);
        if (rc > 0) total += rc;
      }
    }
    free(list[i]);
  }
  free(list);
  return total;
}

int sigma_load_path(SigmaEngine *e, const char *path, SigmaDiagFn diag, void *ctx) {
  struct stat st;
  if (e->compiled) return VERR_INVALID;
  if (stat(path, &st)) return VERR_IO;
  if (S_ISDIR(st.st_mode)) return load_dir(e, path, diag, ctx, 0);
  return load_file(e, path, diag, ctx);
}

size_t sigma_rule_count(const SigmaEngine *e) {
  size_t n = 0;
  for (size_t i = 0; i < e->nrules; i++) n += !e->rules[i].is_filter;
  return n;
}

const SigmaRuleInfo *sigma_rule_info(const SigmaEngine *e, uint32_t rule) {
  return rule < e->nrules ? &e->rules[rule].info : NULL;
}
