/* maintenance.c — online backup (VACUUM INTO a temporary file, then rename,
 * so a half-written copy never carries the final name) and integrity checks. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db.h"
#include "db/db_int.h"

int db_backup(Db *db, const char *dest, Err *e) {
  struct stat sb;
  if (!dest || !*dest) return err_set(e, VERR_INVALID, "Mangler filnavn for sikkerhetskopien.");
  if (stat(dest, &sb) == 0)
    return err_set(e, VERR_CONFLICT, "«%s» finnes allerede; velg et nytt filnavn (varde overskriver ikke).", dest);
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", dest);
  char *slash = strrchr(dir, '/');
  if (slash) *(slash == dir ? slash + 1 : slash) = '\0';
  else snprintf(dir, sizeof dir, ".");
  if (access(dir, W_OK) != 0)
    return err_set(e, VERR_IO, "Kan ikke skrive sikkerhetskopien: mappen «%s» finnes ikke eller er skrivebeskyttet.",
                   dir);
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dest, (long)getpid()) >= (int)sizeof tmp)
    return err_set(e, VERR_INVALID, "Filnavnet er for langt.");
  unlink(tmp);
  /* VACUUM INTO reads one consistent snapshot, so writers may keep working. */
  int rc = db_exec(db, e, "VACUUM INTO ?", "s", tmp);
  if (rc) {
    unlink(tmp);
    return rc;
  }
  if (rename(tmp, dest) != 0) {
    unlink(tmp);
    return err_set(e, VERR_IO, "Kunne ikke gi sikkerhetskopien navnet «%s».", dest);
  }
  return 0;
}

static int collect(Db *db, Buf *report, Err *e, const char *sql, int *problems, int skip_ok) {
  DbStmt *st;
  int rc = db_prepare(db, &st, e, sql);
  if (rc) return rc;
  while ((rc = db_step(st, e)) == DB_ROW) {
    if (skip_ok && !strcmp(db_col_text(st, 0), "ok")) continue;
    (*problems)++;
    if (skip_ok) {
      buf_printf(report, "integritet: %s\n", db_col_text(st, 0));
    } else {
      buf_printf(report, "fremmednøkkel: tabell %s rad %lld peker på manglende rad i %s\n", db_col_text(st, 0),
                 (long long)db_col_int(st, 1), db_col_text(st, 2));
    }
  }
  db_finalize(st);
  return rc < 0 ? rc : 0;
}

int db_integrity_check(Db *db, Buf *report, Err *e) {
  int problems = 0;
  int rc = collect(db, report, e, "PRAGMA integrity_check(100)", &problems, 1);
  if (!rc) rc = collect(db, report, e, "PRAGMA foreign_key_check", &problems, 0);
  if (rc) return rc;
  if (problems) return err_set(e, VERR_CONFLICT, "Databasen har %d integritetsfeil.", problems);
  return 0;
}
