/* aweb.h — what the assessment pages share: number and date formatting in
 * Norwegian, the framework a dashboard shows, and the dashboard/report
 * renderers that both the web pages and `varde report` use. */
#ifndef VARDE_ASSESS_AWEB_H
#define VARDE_ASSESS_AWEB_H
#include <stdint.h>

#include "assess/assess_store.h"
#include "core/arena.h"
#include "core/buf.h"

#define ASSESS_MAIN_URN "urn:varde:framework:nsm-grunnprinsipper"

/* "2,7 av 5" (fraction on fw's scale, one decimal), "–" when < 0. */
const char *assess_web_score(Arena *a, const AssessFramework *fw, double fraction);
/* "54 %" (no decimals), "–" when < 0. */
const char *assess_web_pct(Arena *a, double fraction);
/* "1,5" — one decimal with a comma. */
const char *assess_web_dec(Arena *a, double v);
/* "150 000 kr" with no-break spaces, "–" when < 0. */
const char *assess_web_nok(Arena *a, long long v);
/* "27.11.2026" from Unix seconds (local time); "–" for 0. */
const char *assess_web_date(Arena *a, int64_t t);
/* "27.11.2026" from "2026-11-27"; "–" for ""; the text itself if malformed. */
const char *assess_web_ymd(Arena *a, const char *ymd);
/* "2 Gjentakbar" for a level on fw's scale ("Ikke relevant" for na). */
const char *assess_web_level(Arena *a, const AssessFramework *fw, int level);

/* The framework a dashboard shows: `want` (a framework id as text, may be
 * NULL) if it is stored, else the latest NSM basic principles, else the
 * first stored framework. VERR_NOTFOUND when none is stored. */
int assess_web_main_fw(Db *db, Arena *a, const char *want, int64_t *fw_id, Err *e);

/* --- the director's dashboard / report content (dash.c) ---------------- */

typedef struct AssessDash {
  int64_t org_id, fw_id;
  const char *org_name;
  long long population;
  AssessView view;              /* scores of the main framework */
  int have_view;
  AssessSnapshot *snaps;        /* oldest first */
  size_t nsnaps;
  AssessGapRow *gaps;           /* biggest first */
  size_t ngaps;
  AssessMeasure *overdue;       /* overdue measures */
  size_t noverdue;
  AssessMeasure *open;          /* open measures (planned or active) */
  size_t nopen;
  AssessTask *tasks;            /* campaigns due */
  size_t ntasks;
  AssessFwInfo *fws;            /* every latest framework, for the overview */
  size_t nfws;
  double *fw_total;             /* per fws entry: latest score, -1 none */
  int *fw_answered, *fw_items;
} AssessDash;

enum { ASSESS_DASH_SCORES = 1, ASSESS_DASH_TREND = 2, ASSESS_DASH_GAPS = 4,
       ASSESS_DASH_MEASURES = 8, ASSESS_DASH_TASKS = 16, ASSESS_DASH_FWS = 32,
       ASSESS_DASH_ALL = 63 };

/* Loads the parts named in `what` for org (the principal's rights apply:
 * parts it may not read are left empty, not errors). */
int assess_dash_load(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, unsigned what,
                     Arena *a, AssessDash *d, Err *e);
void assess_dash_free(AssessDash *d);

/* Renderers (HTML fragments into b). base is the link prefix, e.g.
 * "/org/12" on the web, NULL offline (no links). */
void assess_dash_maturity(Buf *b, Arena *a, const AssessDash *d, const char *base);
void assess_dash_trend(Buf *b, Arena *a, const AssessDash *d);
void assess_dash_gaps(Buf *b, Arena *a, const AssessDash *d, const char *base, size_t max,
                      const char *csrf);
void assess_dash_measures(Buf *b, Arena *a, const AssessDash *d, const char *base, size_t max);
void assess_dash_tasks(Buf *b, Arena *a, const AssessDash *d, const char *base);
void assess_dash_fw_table(Buf *b, Arena *a, const AssessDash *d, const char *base);
/* The note every page showing the 0–5 scale carries. */
void assess_web_scale_note(Buf *b, const AssessFramework *fw);

/* The one-page report (report.c): an <article class="report"> with the
 * headline figures, maturity bars, trend, top gaps, overdue measures and
 * deadlines. */
void assess_report_body(Buf *b, Arena *a, const AssessDash *d, int64_t now);
/* The same content as CSV rows (section;item;value;detail). */
void assess_report_csv(Buf *b, Arena *a, const AssessDash *d);

/* --- fragment cache (aweb_cache.c) -------------------------------------------
 * The dashboard sections, the regional view and the report are read far more
 * often than the data changes. A fragment is cached under a key that names
 * the page part, the user, the session (forms carry its CSRF token), the
 * organisation and the query, so nothing is shared between users; it is
 * valid for one version: the newest audit entry other than signing in and
 * out (every change these pages show — answers, snapshots, measures,
 * campaigns, sharing, memberships, organisations — is audited in the same
 * transaction, so a log-in does not empty the cache), the newest stored
 * framework and measure layer, and the day (overdue and late depend on the
 * date). At most 1024 fragments of at most 1 MiB. VARDE_PAGE_CACHE=0 turns
 * it off (the benchmark reports both). */
int assess_cache_enabled(void);
int assess_cache_version(Db *db, int64_t now, char *out, size_t cap, Err *e);
/* Appends the fragment to out and returns 1 on a hit. */
int assess_cache_get(const char *key, const char *version, Buf *out);
void assess_cache_put(const char *key, const char *version, const char *body, size_t n);

/* Sends out as a CSV download named `name` (web pages). */
typedef struct WebCtx WebCtx;
void assess_web_send_csv(WebCtx *c, Buf *out, const char *name);
/* Runs render(c), or replays its cached output (see the cache above). */
void assess_web_cached(WebCtx *c, const char *part, void (*render)(WebCtx *c));

/* Route tables and sections of the pages (one per file). */
void assess_web_routes_assessment(void);
void assess_web_routes_measures(void);
void assess_web_routes_campaigns(void);
void assess_web_routes_dashboard(void);
void assess_web_routes_region(void);
void assess_web_routes_csv(void);
/* The sentence shown instead of a total over too few organisations. */
void assess_web_k_note(Buf *b, size_t n);

#endif
