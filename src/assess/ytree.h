/* ytree.h — a small YAML document tree built with libyaml, with the line of
 * every node, so framework validation can name the line of each problem. */
#ifndef VARDE_ASSESS_YTREE_H
#define VARDE_ASSESS_YTREE_H
#include <stddef.h>

#include "assess/diag.h"
#include "core/arena.h"

typedef enum { AY_SCALAR, AY_MAP, AY_SEQ } AssessYKind;

typedef struct AssessY {
  AssessYKind kind;
  int line;                 /* 1-based */
  int plain;                /* scalar written without quotes (may be int/bool/null) */
  const char *str;          /* scalar text, NUL-terminated (arena) */
  size_t len;
  struct AssessY *first;    /* children; a map alternates key, value */
  struct AssessY *last;
  struct AssessY *next;
  size_t n;                 /* number of children */
} AssessY;

#define ASSESS_YAML_MAX_BYTES ((size_t)16 << 20)
#define ASSESS_YAML_MAX_DEPTH 64
#define ASSESS_YAML_MAX_NODES 500000

/* Parses one YAML document from data[0..n). Aliases are refused (they allow
 * exponential expansion); a second document is an error. Returns the root, or
 * NULL after adding an error with its line to d. All memory comes from a. */
AssessY *assess_yaml_parse(Arena *a, const char *data, size_t n, AssessDiags *d);

/* Value for key in a map (NULL if absent or m is not a map). */
AssessY *assess_y_get(const AssessY *m, const char *key);
/* True for a plain scalar spelling null ("", "~", "null"). */
int assess_y_is_null(const AssessY *y);

#endif
