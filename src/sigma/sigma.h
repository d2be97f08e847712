/* sigma.h — the Sigma detection engine's public API: load rules from files or
 * folders, compile them, feed flat events (event.h), receive alerts through a
 * callback. Correlation state lives inside a session; matching is thread-safe
 * per SigmaMatcher (one per worker). */
#ifndef VARDE_SIGMA_H
#define VARDE_SIGMA_H
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "sigma/event.h"

typedef struct SigmaEngine SigmaEngine;
typedef struct SigmaMatcher SigmaMatcher;
typedef struct SigmaSession SigmaSession;

/* What the engine says about one rule (valid or not). */
typedef struct SigmaRuleInfo {
  const char *id, *name, *title, *level, *status, *author, *file;
  const char **tags;
  size_t ntags;
  int is_correlation;
} SigmaRuleInfo;

/* A rule that could not be loaded: file, line (1-based, 0 if unknown), reason. */
typedef void (*SigmaDiagFn)(void *ctx, const char *file, int line, const char *title,
                            const char *reason);

/* One event that contributed to a correlation alert. */
typedef struct SigmaEventRef {
  const char *source;   /* owned by the session, valid during the callback */
  uint64_t record;
  int64_t time_ms;
} SigmaEventRef;

typedef struct SigmaAlert {
  const SigmaRuleInfo *rule;
  const SigmaEvent *event;        /* the matching event; NULL for correlations */
  const SigmaEventRef *refs;      /* correlation: contributing events */
  size_t nrefs;
  const char *group;              /* correlation: group-by values, "k=v, ..." */
  int64_t time_ms;
} SigmaAlert;

typedef void (*SigmaAlertFn)(void *ctx, const SigmaAlert *a);

enum { SIGMA_FAST = 0, SIGMA_REFERENCE = 1 };   /* evaluator choice */

SigmaEngine *sigma_engine_new(void);
void sigma_engine_free(SigmaEngine *e);
/* Placeholder values for |expand, from a YAML map name -> list of strings. */
int sigma_load_placeholders(SigmaEngine *e, const char *path, Err *err);
/* Load one YAML file or every .yml/.yaml file below a folder. Invalid rules are
 * reported through diag and skipped; returns the number of documents loaded
 * or a negative VERR_* when the path itself cannot be read. */
int sigma_load_path(SigmaEngine *e, const char *path, SigmaDiagFn diag, void *ctx);
int sigma_load_buffer(SigmaEngine *e, const char *name, const char *text, size_t n,
                      SigmaDiagFn diag, void *ctx);
/* Resolve filters and correlations, build the matchers. After this no more
 * rules can be loaded. Problems found here are reported through diag too. */
int sigma_compile(SigmaEngine *e, int evaluator, SigmaDiagFn diag, void *ctx, Err *err);
size_t sigma_rule_count(const SigmaEngine *e);

/* Per-thread matcher: writes the indexes of base rules that match into out
 * (at most cap) and returns how many matched. Allocates nothing per event. */
SigmaMatcher *sigma_matcher_new(SigmaEngine *e);
void sigma_matcher_free(SigmaMatcher *m);
size_t sigma_match(SigmaMatcher *m, const SigmaEvent *ev, uint32_t *out, size_t cap);

/* Session: turns base matches into alerts (respecting `generate`) and runs the
 * correlation state machines; one thread. Alerts of base rules come at once;
 * matches that correlations use are queued and run in time order by
 * sigma_session_flush, so events may be posted in any order. Windows of a
 * condition with an upper bound (lt, lte, eq, neq) are decided when they
 * close, the last ones by sigma_session_finish (flushes first). */
SigmaSession *sigma_session_new(SigmaEngine *e, SigmaAlertFn fn, void *ctx);
void sigma_session_free(SigmaSession *s);
void sigma_session_post(SigmaSession *s, const SigmaEvent *ev, const uint32_t *rules, size_t n);
void sigma_session_flush(SigmaSession *s);
void sigma_session_finish(SigmaSession *s);
/* Matches that correlations could not use because their event had no time. */
uint64_t sigma_session_untimed(const SigmaSession *s);
/* Convenience: match with the session's own matcher and post. */
void sigma_feed(SigmaSession *s, const SigmaEvent *ev);

const SigmaRuleInfo *sigma_rule_info(const SigmaEngine *e, uint32_t rule);

#endif
