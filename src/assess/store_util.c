/* store_util.c — small helpers of the assessment store: policy answers as
 * error codes, the assessment row, audit, SHA-256, dates, text checks. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "assess/store_int.h"

int st_allow(Db *db, const Principal *who, PolicyAction act, int64_t org_id, Err *e) {
  Err pe = {0};
  PolicyResult r = policy_check(db, who, act, org_id, &pe);
  if (r == POLICY_ALLOW) return 0;
  if (pe.code) return err_set(e, pe.code, "%s", pe.msg);
  if (r == POLICY_NOT_VISIBLE) return err_set(e, VERR_NOTFOUND, "Fant ikke organisasjonen.");
  return err_set(e, VERR_DENIED, "Du har ikke tilgang til dette i denne organisasjonen.");
}

int st_assessment(Db *db, int64_t org_id, int64_t fw_id, int create, int64_t *id, Err *e) {
  *id = 0;
  int rc = db_int(db, e, id, "SELECT id FROM assess_assessments WHERE org_id = ? AND framework_id = ?",
                  "ll", org_id, fw_id);
  if (rc != VERR_NOTFOUND || !create) {
    if (rc == VERR_NOTFOUND) { err_clear(e); return 0; }
    return rc;
  }
  err_clear(e);
  int64_t now = db_now();
  return db_int(db, e, id,
                "INSERT INTO assess_assessments(org_id, framework_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?) RETURNING id", "llll", org_id, fw_id, now, now);
}

int st_assessment_owner(Db *db, int64_t assessment_id, int64_t *org_id, int64_t *fw_id, Err *e) {
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, "SELECT org_id, framework_id FROM assess_assessments WHERE id = ?",
                    "l", assessment_id);
  if (!rc) rc = db_step(st, e);
  if (rc == DB_ROW) {
    *org_id = db_col_int(st, 0);
    if (fw_id) *fw_id = db_col_int(st, 1);
    rc = 0;
  } else if (rc == DB_DONE) {
    rc = err_set(e, VERR_NOTFOUND, "Fant ikke vurderingen.");
  }
  db_finalize(st);
  return rc;
}

int st_audit(Db *db, const Principal *who, int64_t org_id, const char *action, const char *type,
             int64_t obj, const char *details, Err *e) {
  char id[24];
  snprintf(id, sizeof id, "%lld", (long long)obj);
  AuditEvent ev = {.who = who, .org_id = org_id, .action = action, .object_type = type,
                   .object_id = obj ? id : NULL, .details = details};
  return audit_append(db, &ev, NULL, e);
}

void st_sha256_hex(const void *p, size_t n, char out[65]) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, p, n);
  sodium_bin2hex(out, 65, h, sizeof h);
}

static void date_at(int64_t t, char out[11]) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

void st_today(char out[11]) { date_at(db_now(), out); }
void st_date_plus(int days, char out[11]) { date_at(db_now() + (int64_t)days * 86400, out); }

int st_date_ok(const char *s) {
  if (!s || strlen(s) != 10) return 0;
  for (int i = 0; i < 10; i++) {
    if (i == 4 || i == 7) { if (s[i] != '-') return 0; }
    else if (s[i] < '0' || s[i] > '9') return 0;
  }
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return 0;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 0;
  return 1;
}

static int utf8_ok(const unsigned char *s) {
  while (*s) {
    int k = *s < 0x80 ? 0 : (*s & 0xE0) == 0xC0 ? 1 : (*s & 0xF0) == 0xE0 ? 2 : (*s & 0xF8) == 0xF0 ? 3 : -1;
    if (k < 0 || (k == 1 && *s < 0xC2)) return 0;
    s++;
    for (int i = 0; i < k; i++, s++)
      if ((*s & 0xC0) != 0x80) return 0;
  }
  return 1;
}

int st_text_ok(const char *s, size_t max, const char *what, Err *e) {
  if (!s) return 0;
  if (strlen(s) > max) return err_set(e, VERR_TOOBIG, "%s er for lang (høyst %zu tegn).", what, max);
  if (!utf8_ok((const unsigned char *)s)) return err_set(e, VERR_INVALID, "%s er ikke gyldig UTF-8.", what);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
      return err_set(e, VERR_INVALID, "%s inneholder kontrolltegn.", what);
  return 0;
}

int64_t st_ppm(double f) { return f < 0 ? -1 : (int64_t)(f * 1e6 + 0.5); }
double st_unppm(int64_t ppm) { return ppm < 0 ? -1 : (double)ppm / 1e6; }

void st_cut_utf8(char *s, size_t max) {
  size_t n = strlen(s);
  if (n <= max) return;
  while (max && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
  s[max] = 0;
}

int st_line_ok(const char *s, size_t max, const char *what, Err *e) {
  int rc = st_text_ok(s, max, what, e);
  if (!rc && s && strpbrk(s, "\r\n\t")) rc = err_set(e, VERR_INVALID, "%s kan ikke ha linjeskift.", what);
  return rc;
}
