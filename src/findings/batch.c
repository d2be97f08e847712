/* batch.c — a full run's new findings written FIND_BATCH rows per INSERT
 * (one statement execution opens the table's cursors once for all of them),
 * with ids the run assigns itself; their creation entries come from
 * created_by (no history rows, schema.c migration 8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "findings/internal.h"
#include "findings/match_int.h"

#define FIND_BATCH 64
#define FCOLS 25   /* bound values of one findings row */

typedef struct Pending {
  int64_t id, due;
  FindItemMeta meta;
  const VulnItem *it;      /* the run's items and feeds outlive the batch */
  VulnMatch m;
  char why[1024];
} Pending;

struct FindBatch {
  Pending row[FIND_BATCH];
  size_t n;
  int64_t next_id, created_by;
  DbStmt *ins;             /* FIND_BATCH rows */
  DbStmt *ins1;            /* one findings row */
};

static int prepare_rows(Db *db, DbStmt **st, Err *e, const char *head, const char *tuple) {
  Buf b;
  buf_init(&b, 1 << 20);
  buf_puts(&b, head);
  for (int i = 0; i < FIND_BATCH; i++) {
    if (i) buf_putc(&b, ',');
    buf_puts(&b, tuple);
  }
  int rc = b.err ? err_set(e, VERR_NOMEM, "tomt for minne") : db_prepare(db, st, e, buf_cstr(&b));
  buf_free(&b);
  return rc;
}

#define INSERT_HEAD                                                                                         \
  "INSERT INTO findings (id, org_id, product_id, vuln_id, source, advisory, product_name, cvss, cvss_vector,"     \
  " kev, kev_due, ransomware, epss, epss_pct, internet, criticality, priority, class, confidence, reason,"        \
  " matched, status, first_seen, due_at, updated_at, kev_added, created_by) VALUES "
#define INSERT_ROW "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1,'open',?,?,?,?,?)"

int find_batch_open(FindRun *r, Err *e) {
  FindBatch *b = calloc(1, sizeof *b);
  if (!b) return err_set(e, VERR_NOMEM, "tomt for minne");
  r->batch = b;
  int rc = db_int(r->db, e, &b->next_id, "SELECT coalesce(max(id), 0) + 1 FROM findings", "");
  if (!rc) rc = prepare_rows(r->db, &b->ins, e, INSERT_HEAD, INSERT_ROW);
  if (!rc) rc = db_prepare(r->db, &b->ins1, e, INSERT_HEAD INSERT_ROW);
  return rc;
}

/* Row k of a findings statement, its values from parameter 1 + k * FCOLS. */
/* Its strings are bound in place: the row, the run's items and feeds stay
 * as they are until the statement has run (find_batch_flush). */
static void bind_finding(FindRun *r, DbStmt *st, int k, const Pending *p) {
  int o = k * FCOLS;
  db_bind_int(st, o + 1, p->id);
  db_bind_int(st, o + 2, p->meta.org_id);
  db_bind_int(st, o + 3, p->meta.product_id);
  db_bind_text_static(st, o + 4, p->m.id);
  db_bind_text_static(st, o + 5, find_src_name(p->m.source));
  db_bind_text_static(st, o + 6, p->m.advisory);
  db_bind_text_static(st, o + 7, p->it->name);
  find_bind_annotations(st, o + 8, &p->m, p->it);
  db_bind_text_static(st, o + 20, p->why);
  db_bind_int(st, o + 21, r->now);
  db_bind_int(st, o + 22, p->due);
  db_bind_int(st, o + 23, r->now);
  db_bind_text_static(st, o + 24, find_kev_added(r, &p->m));
  db_bind_int(st, o + 25, r->batch->created_by);
}

static int step(DbStmt *st, Err *e) {
  int rc = db_step(st, e);
  db_reset(st);
  return rc < 0 ? rc : 0;
}

/* What is pending: a full batch through the prepared statements, a
 * shorter one row at a time through the run's own. */
int find_batch_flush(FindRun *r, Err *e) {
  FindBatch *b = r->batch;
  if (!b || !b->n) return 0;
  int full = b->n == FIND_BATCH, rc = 0;
  if (full) {
    db_reset(b->ins);
    for (size_t k = 0; k < b->n; k++) bind_finding(r, b->ins, (int)k, &b->row[k]);
    rc = step(b->ins, e);
  }
  for (size_t k = 0; !full && !rc && k < b->n; k++) {
    db_reset(b->ins1);
    bind_finding(r, b->ins1, 0, &b->row[k]);
    rc = step(b->ins1, e);
  }
  b->n = 0;
  return rc;
}

/* A new finding for the batch: its id now, its rows at the next flush. */
int find_batch_add(FindRun *r, const FindItemMeta *meta, const VulnItem *it, const VulnMatch *m, const char *why,
                   int64_t due, int64_t *id, Err *e) {
  FindBatch *b = r->batch;
  if (!b->created_by) {   /* the run's row, once it creates something */
    int rc = find_run_creator(r, &b->created_by, e);
    if (rc) return rc;
  }
  if (b->n == FIND_BATCH) {
    int rc = find_batch_flush(r, e);
    if (rc) return rc;
  }
  Pending *p = &b->row[b->n++];
  p->id = *id = b->next_id++;
  p->due = due;
  p->meta = *meta;
  p->it = it;
  p->m = *m;
  snprintf(p->why, sizeof p->why, "%s", why);
  r->st.created++;
  return 0;
}

void find_batch_close(FindRun *r) {
  if (!r->batch) return;
  db_finalize(r->batch->ins);
  db_finalize(r->batch->ins1);
  free(r->batch);
  r->batch = NULL;
}
