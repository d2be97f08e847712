/* diag.c — collecting and printing import diagnostics (see diag.h).
 * Bounded: at most ASSESS_DIAG_MAX messages are stored. */
#include "assess/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void assess_diags_init(AssessDiags *d, const char *file) {
  memset(d, 0, sizeof *d);
  d->file = file ? file : "-";
  d->unit = "linje";
}

void assess_diags_free(AssessDiags *d) {
  for (size_t i = 0; i < d->n; i++) free(d->v[i].msg);
  free(d->v);
  d->v = NULL;
  d->n = d->cap = 0;
}

void assess_diag_add(AssessDiags *d, int severity, int line, const char *fmt, ...) {
  if (severity == ASSESS_ERROR) d->nerr++;
  else d->nwarn++;
  if (d->n >= ASSESS_DIAG_MAX) return;
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 16;
    AssessDiag *v = realloc(d->v, cap * sizeof *v);
    if (!v) return;
    d->v = v;
    d->cap = cap;
  }
  char tmp[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  /* Messages quote the file's own text; control characters (terminal escapes,
   * line breaks) are shown as '?' so a message stays one harmless line. */
  for (char *p = tmp; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
  char *msg = strdup(tmp);
  if (!msg) return;
  d->v[d->n++] = (AssessDiag){severity, line, msg};
}

void assess_diags_print(const AssessDiags *d, FILE *f) {
  for (size_t i = 0; i < d->n; i++) {
    const AssessDiag *g = &d->v[i];
    const char *kind = g->severity == ASSESS_ERROR ? "feil" : "advarsel";
    if (g->line > 0 && !strcmp(d->unit, "linje"))
      fprintf(f, "%s:%d: %s: %s\n", d->file, g->line, kind, g->msg);
    else if (g->line > 0)
      fprintf(f, "%s: %s %d: %s: %s\n", d->file, d->unit, g->line, kind, g->msg);
    else
      fprintf(f, "%s: %s: %s\n", d->file, kind, g->msg);
  }
  int lost = d->nerr + d->nwarn - (int)d->n;
  if (lost > 0) fprintf(f, "%s: %d meldinger til er utelatt\n", d->file, lost);
}

const AssessDiag *assess_diags_find(const AssessDiags *d, const char *needle) {
  for (size_t i = 0; i < d->n; i++)
    if (strstr(d->v[i].msg, needle)) return &d->v[i];
  return NULL;
}
