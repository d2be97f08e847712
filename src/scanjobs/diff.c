/* diff.c — the difference between two stored runs of an organisation,
 * computed by src/scan's diff over the reports the sensor sent. */
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "scan/diff.h"
#include "scanjobs/scanjobs.h"

int scanjobs_prev_run(Db *db, int64_t org, int64_t run, int64_t *prev, Err *e) {
  *prev = 0;
  int rc = db_int(db, e, prev, "SELECT coalesce(max(p.id), 0) FROM scan_runs p JOIN scan_runs r"
                  " ON r.id = ? AND r.org_id = ? WHERE p.org_id = r.org_id AND p.id < r.id AND"
                  " p.schedule_id IS r.schedule_id", "ll", run, org);
  return rc == VERR_NOTFOUND ? 0 : rc;
}

static int load(Db *db, int64_t org, int64_t run, ScanSnap *s, Err *e) {
  char *report = NULL;
  int rc = db_text(db, e, &report, "SELECT report FROM scan_runs WHERE id = ? AND org_id = ?", "ll",
                   run, org);
  if (rc == VERR_NOTFOUND) return err_set(e, VERR_NOTFOUND, "Fant ikke kjøringen.");
  if (rc) return rc;
  rc = scan_snap_parse(s, report ? report : "", report ? strlen(report) : 0, e);
  free(report);
  return rc;
}

int scanjobs_run_diff(Db *db, int64_t org, int64_t old, int64_t cur, ScanSnap *a, ScanSnap *b,
                      ScanDiff *out, Err *e) {
  memset(a, 0, sizeof *a);
  memset(b, 0, sizeof *b);
  memset(out, 0, sizeof *out);
  int rc = load(db, org, old, a, e);
  if (rc == 0) rc = load(db, org, cur, b, e);
  if (rc == 0 && scan_diff(a, b, out)) rc = err_set(e, VERR_NOMEM, "tomt for minne");
  return rc;
}
