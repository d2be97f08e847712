/* internal.h — what the files of src/findings share and nobody else needs:
 * integer feed state, the history writer, timing. */
#ifndef VARDE_FINDINGS_INTERNAL_H
#define VARDE_FINDINGS_INTERNAL_H
#include <stdint.h>

#include "auth/principal.h"
#include "core/buf.h"
#include "core/err.h"

typedef struct Db Db;
typedef struct DbStmt DbStmt;
typedef struct VulnCve VulnCve;
typedef struct VulnDb VulnDb;

int64_t find_state_int(Db *db, const char *name);
int find_state_set_int(Db *db, const char *name, int64_t v, Err *e);
/* One row of finding_history (inside the caller's transaction). */
int find_history_add(Db *db, const Principal *who, int64_t finding_id, const char *from, const char *to,
                     const char *note, Err *e);
double find_ms_since(const struct timespec *t0);
/* A CVE's binary configuration record (vuln_cve_cfg, load.c): the statement
 * find_cfg_put binds, and the write (gen < 0: with the stored record's
 * generation, which the statement then selects). */
int find_cfg_prepare(Db *db, DbStmt **st, Err *e);
int find_cfg_put(Db *db, DbStmt *st, Buf *b, const VulnCve *c, int64_t gen, Err *e);
/* find_load_vulndb in three steps (load.c): read and finish use the
 * database, decode does not (another thread may run it meanwhile). finish
 * hands over the VulnDb (*from_json: CVEs it added from JSON, after decode
 * had run) and frees f, as free does on any error path. */
typedef struct FindFeeds FindFeeds;
int find_feeds_read(Db *db, int64_t min_gen, FindFeeds **out, Err *e);
/* between(ctx, v), when given, runs on decode's thread once the first half
 * of the records is in v and before the second half is appended (a
 * non-zero return stops decoding): it may read v meanwhile, e.g. index it. */
int find_feeds_decode(FindFeeds *f, int (*between)(void *, VulnDb *), void *ctx, Err *e);
int find_feeds_finish(Db *db, FindFeeds *f, VulnDb **out, size_t *from_json, Err *e);
void find_feeds_free(FindFeeds *f);
VulnDb *find_feeds_db(FindFeeds *f);   /* being loaded: decode's thread only */
/* Before decode: decode only the records with a vulnerable criterion whose
 * vendor:product is in keys or has a wildcard (keys outlives decode; NULL:
 * every record). The ids of skipped records that have configurations, each
 * NUL-terminated, are then find_feeds_configured's (valid until finish). */
typedef struct VulnMap VulnMap;
void find_feeds_filter(FindFeeds *f, const VulnMap *keys);
const char *find_feeds_configured(const FindFeeds *f, size_t *len);

#endif
