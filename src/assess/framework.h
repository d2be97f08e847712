/* framework.h — the in-memory model of a framework library (Varde's YAML format,
 * doc/framework-format.md): read, validate, export, and map between versions. */
#ifndef VARDE_ASSESS_FRAMEWORK_H
#define VARDE_ASSESS_FRAMEWORK_H
#include <stddef.h>

#include "assess/diag.h"
#include "assess/scale.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

#define ASSESS_FORMAT_ID "varde-framework/1"
#define ASSESS_REF_MAX 64 /* longest ref_id */

enum { ASSESS_IMP_NONE = 0, ASSESS_IMP_NICE = 1, ASSESS_IMP_RECOMMENDED = 2,
       ASSESS_IMP_MANDATORY = 3 };

typedef struct AssessTr {      /* a translation of name/description */
  const char *lang;
  const char *name;
  const char *description;
} AssessTr;

typedef struct AssessCost {    /* cost estimate as the source gives it */
  int present;
  const char *text;            /* the estimate in words */
  long long once_min, once_max;     /* NOK, -1 = not given */
  long long yearly_min, yearly_max; /* NOK per year, -1 = not given */
} AssessCost;

typedef struct AssessGroup {   /* implementation group (tier / baseline) */
  const char *ref_id;
  const char *name;
  const char *description;
  int default_selected;
} AssessGroup;

typedef struct AssessNode {
  const char *urn;
  const char *ref_id;
  const char *parent_urn;      /* NULL for a top-level node */
  const char *name;
  const char *description;
  const char *annotation;
  const char *typical_evidence;
  const char *source;          /* the source item this node cites */
  const char *priority;        /* publisher's priority, as text (e.g. NSM's per measure) */
  int assessable;
  double weight;               /* >= 0, default 1 */
  int importance;              /* ASSESS_IMP_* */
  int target;                  /* default target level, -1 = none */
  const char **groups;
  size_t ngroups;
  AssessTr *tr;
  size_t ntr;
  AssessCost cost;
  int parent;                  /* index into nodes, -1 = top level */
  int depth;                   /* 1 for top level */
  int line;                    /* where it was defined (0 if added by code) */
} AssessNode;

typedef struct AssessFramework {
  Arena *arena;                /* owns every string */
  const char *urn;
  int version;                 /* library revision; higher is newer */
  const char *edition;         /* publisher's version label, e.g. "2.0" */
  const char *ref_id, *name, *description, *locale;
  const char *provider, *packager, *copyright, *publication_date, *notes;
  AssessTr *tr;
  size_t ntr;
  AssessScale scale;           /* levels point into arena or a built-in */
  int default_target;          /* -1 = none */
  AssessGroup *groups;
  size_t ngroups;
  AssessNode *nodes;           /* malloc'ed, in file order */
  size_t nnodes, capnodes;
  int *by_ref;                 /* node indices sorted by ref_id (for lookup) */
} AssessFramework;

/* Reads a framework from YAML text. Diagnostics go to d (with d->file as name).
 * Returns a framework (free with assess_framework_free) if there were no
 * errors, NULL otherwise. Warnings (unknown keys…) do not fail the read. */
AssessFramework *assess_framework_parse(const char *data, size_t n, AssessDiags *d);
/* Reads a file (bounded by ASSESS_YAML_MAX_BYTES) and parses it. */
AssessFramework *assess_framework_load(const char *path, AssessDiags *d);
void assess_framework_free(AssessFramework *fw);

/* Index of the node with this ref_id, or -1. */
int assess_framework_find(const AssessFramework *fw, const char *ref_id);
/* Number of assessable nodes. */
size_t assess_framework_assessable(const AssessFramework *fw);
/* Rebuilds parent indices, depths and the ref_id index after nodes were
 * added; reports duplicates, unknown parents and cycles to d. Returns 0 or -1. */
int assess_framework_link(AssessFramework *fw, AssessDiags *d);
/* The URN a node gets when the file gives none: framework URN + ":" + ref_id
 * in URN-safe lower case (arena). */
const char *assess_framework_default_urn(AssessFramework *fw, const char *ref_id);
/* Reorders nodes depth-first (children right after their parent, keeping file
 * order among siblings) and relinks. Call after adding nodes. */
int assess_framework_sort_tree(AssessFramework *fw, AssessDiags *d);
/* Appends a node (copied; strings must already live in fw->arena). */
int assess_framework_add_node(AssessFramework *fw, const AssessNode *n);

/* Compares ref ids part by part, numbers as integers ("2.10" after "2.9"). */
int assess_refcmp(const char *a, const char *b);

/* Writes fw as YAML in Varde's format. Returns 0, or -1 with e set. */
int assess_framework_export(const AssessFramework *fw, Buf *out, Err *e);

/* Mapping proposal between two versions of one framework: same ref_id = same
 * item. Pure function; indices refer to old->nodes and new->nodes. */
typedef struct AssessMapPair { int old_idx, new_idx, changed; } AssessMapPair;
typedef struct AssessMapping {
  AssessMapPair *pairs; size_t npairs;   /* kept (changed = name, parent or assessable differ) */
  int *removed; size_t nremoved;         /* old indices without a match */
  int *added; size_t nadded;             /* new indices without a match */
} AssessMapping;
int assess_framework_map(const AssessFramework *oldf, const AssessFramework *newf,
                         AssessMapping *m, Err *e);
void assess_mapping_free(AssessMapping *m);

#endif
