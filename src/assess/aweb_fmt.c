/* aweb_fmt.c — Norwegian number, money, date and level formatting for the
 * assessment pages and the report, and the choice of the dashboard's framework. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assess/aweb.h"
#include "db/db.h"

const char *assess_web_dec(Arena *a, double v) {
  char t[48];
  snprintf(t, sizeof t, "%.1f", isfinite(v) ? v : 0.0);
  for (char *p = t; *p; p++)
    if (*p == '.') *p = ',';
  return arena_strdup(a, t);
}

const char *assess_web_score(Arena *a, const AssessFramework *fw, double fraction) {
  if (fraction < 0 || !isfinite(fraction)) return "–";
  const char *v = assess_web_dec(a, assess_score_on_scale(fw, fraction));
  return arena_printf(a, "%s av %d", v ? v : "?", fw->scale.max);
}

const char *assess_web_pct(Arena *a, double fraction) {
  if (fraction < 0 || !isfinite(fraction)) return "–";
  return arena_printf(a, "%ld %%", lround(fraction * 100.0));
}

const char *assess_web_nok(Arena *a, long long v) {
  if (v < 0) return "–";
  char digits[32], out[64];
  snprintf(digits, sizeof digits, "%lld", v);
  size_t n = strlen(digits), o = 0;
  for (size_t i = 0; i < n; i++) {   /* groups and "kr" joined by no-break spaces */
    if (i && (n - i) % 3 == 0) out[o++] = '\xC2', out[o++] = '\xA0';
    out[o++] = digits[i];
  }
  out[o] = '\0';
  return arena_printf(a, "%s\xC2\xA0kr", out);
}

const char *assess_web_date(Arena *a, int64_t t) {
  if (t <= 0) return "–";
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm)) return "–";
  return arena_printf(a, "%02d.%02d.%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
}

const char *assess_web_ymd(Arena *a, const char *ymd) {
  if (!ymd || !ymd[0]) return "–";
  int y, m, d;
  char tail;
  if (strlen(ymd) != 10 || sscanf(ymd, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return ymd;
  return arena_printf(a, "%02d.%02d.%04d", d, m, y);
}

const char *assess_web_level(Arena *a, const AssessFramework *fw, int level) {
  const AssessLevel *l = assess_scale_level(&fw->scale, level);
  if (!l) return arena_printf(a, "%d", level);
  return arena_printf(a, "%d %s", level, l->name);
}

int assess_web_main_fw(Db *db, Arena *a, const char *want, int64_t *fw_id, Err *e) {
  AssessFwInfo *v = NULL;
  size_t n = 0;
  int rc = assess_store_fw_list(db, a, &v, &n, e);
  if (rc) return rc;
  int64_t id = want ? strtoll(want, NULL, 10) : 0;
  int64_t pick = 0;
  for (size_t i = 0; i < n; i++) {
    if (id > 0 && v[i].id == id) {
      *fw_id = id;
      return 0;
    }
    if (!pick && v[i].latest && !strcmp(v[i].urn, ASSESS_MAIN_URN)) pick = v[i].id;
  }
  if (!pick && n) pick = v[0].id;
  if (!pick) return err_set(e, VERR_NOTFOUND, "Ingen rammeverk er lastet inn ennå.");
  *fw_id = pick;
  return 0;
}
