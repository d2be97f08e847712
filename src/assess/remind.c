/* remind.c — campaign reminders: every member that has not completed an open
 * campaign near (or past) its deadline gets an in-app reminder on its task,
 * and, when SMTP is configured, an e-mail to its editors and admins. At most
 * one reminder a day per member and campaign; every one is recorded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/store_int.h"
#include "mail/mail.h"

typedef struct Due {
  int64_t cid, org;
  const char *title, *deadline, *sender, *fw, *org_name;
  int late;
} Due;

static int due_list(Db *db, int days, Arena *a, Due **out, size_t *n, Err *e) {
  char today[11], limit[11];
  st_today(today);
  st_date_plus(days, limit);
  int64_t cnt = 0;
  static const char where[] =
      " FROM assess_campaign_recipients r JOIN assess_campaigns c ON c.id = r.campaign_id"
      " JOIN organisations so ON so.id = c.sender_org JOIN organisations o ON o.id = r.org_id"
      " JOIN assess_frameworks f ON f.id = c.framework_id"
      " WHERE c.closed = 0 AND r.status < 2 AND c.deadline <= ? AND coalesce(r.reminded_at, 0) <= ?";
  char sql[900];
  snprintf(sql, sizeof sql, "SELECT count(*)%s", where);
  int rc = db_int(db, e, &cnt, sql, "sl", limit, db_now() - 86400 + 60);
  *out = NULL;
  *n = 0;
  if (rc || !cnt) return rc;
  if (cnt > 100000) cnt = 100000;
  Due *v = arena_alloc(a, sizeof *v * (size_t)cnt);
  if (!v) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  snprintf(sql, sizeof sql, "SELECT c.id, r.org_id, c.title, c.deadline, so.name, f.name, o.name, c.deadline < ?%s"
           " ORDER BY c.id, r.org_id", where);
  DbStmt *st = NULL;
  rc = db_query(db, &st, e, sql, "ssl", today, limit, db_now() - 86400 + 60);
  while (!rc && *n < (size_t)cnt && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    v[(*n)++] = (Due){db_col_int(st, 0), db_col_int(st, 1), arena_strdup(a, db_col_text(st, 2)),
                      arena_strdup(a, db_col_text(st, 3)), arena_strdup(a, db_col_text(st, 4)),
                      arena_strdup(a, db_col_text(st, 5)), arena_strdup(a, db_col_text(st, 6)),
                      (int)db_col_int(st, 7)};
  }
  db_finalize(st);
  *out = v;
  return rc < 0 ? rc : 0;
}

static void compose(const Due *d, const AssessSmtp *smtp, Buf *subj, Buf *body) {
  buf_printf(subj, "%s: %s (frist %s)", d->late ? "Fristen er passert" : "Påminnelse", d->title, d->deadline);
  for (size_t i = 0; i < subj->n; i++)   /* a title is one line, but never let one break a header */
    if (subj->p[i] == '\r' || subj->p[i] == '\n') subj->p[i] = ' ';
  buf_printf(body, "Hei,\n\n%s har bedt %s om å fullføre egenvurderingen «%s» (%s).\n", d->sender, d->org_name,
             d->title, d->fw);
  buf_printf(body, d->late ? "Fristen var %s, og vurderingen er ikke fullført ennå.\n"
                           : "Fristen er %s.\n", d->deadline);
  if (smtp->base_url) buf_printf(body, "\nLogg inn i Varde: %s\n", smtp->base_url);
  buf_lit(body, "\nDenne meldingen er sendt automatisk av Varde.\n");
}

/* What happened to each e-mail, recorded after sending (the write lock is
 * not held while talking to the SMTP server). */
typedef struct Sent {
  size_t ok, failed, n;
  char to[32][256];
  char err[32][512];
  int good[32];
} Sent;

/* E-mails the editors and admins of d->org that have an address (at most 32). */
static int mail_org(Db *db, const AssessSmtp *smtp, const Due *d, Sent *s, Err *e) {
  Buf subj, body;
  buf_init(&subj, 1024);
  buf_init(&body, 16384);
  compose(d, smtp, &subj, &body);
  MailConfig mc = {smtp->url, smtp->from};
  DbStmt *st = NULL;
  int rc = db_query(db, &st, e, "SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = ?"
                    " AND m.role IN ('editor','admin') AND u.disabled = 0 AND u.email IS NOT NULL AND u.email <> ''"
                    " ORDER BY u.id LIMIT 32", "l", d->org);
  while (!rc && s->n < 32 && (rc = db_step(st, e)) == DB_ROW) {
    rc = 0;
    snprintf(s->to[s->n], sizeof s->to[0], "%s", db_col_text(st, 0));
    s->n++;
  }
  db_finalize(st);
  for (size_t i = 0; rc >= 0 && i < s->n; i++) {
    Err me = {0};
    s->good[i] = mail_send(&mc, s->to[i], buf_cstr(&subj), buf_cstr(&body), &me) == 0;
    snprintf(s->err[i], sizeof s->err[0], "%s", s->good[i] ? "" : me.msg);
    s->good[i] ? s->ok++ : s->failed++;
  }
  buf_free(&subj);
  buf_free(&body);
  return rc < 0 ? rc : 0;
}

static int record(Db *db, const Due *d, const Sent *s, Err *e) {
  int rc = db_exec(db, e, "UPDATE assess_campaign_recipients SET reminded_at = ?, reminders = reminders + 1"
                   " WHERE campaign_id = ? AND org_id = ?", "lll", db_now(), d->cid, d->org);
  if (!rc) rc = db_exec(db, e, "INSERT INTO assess_reminders(campaign_id, org_id, channel, ok, at)"
                        " VALUES (?, ?, 'app', 1, ?)", "lll", d->cid, d->org, db_now());
  for (size_t i = 0; !rc && i < s->n; i++)
    rc = db_exec(db, e, "INSERT INTO assess_reminders(campaign_id, org_id, channel, address, ok, error, at)"
                 " VALUES (?, ?, 'email', ?, ?, ?, ?)", "llsisl", d->cid, d->org, s->to[i], s->good[i], s->err[i],
                 db_now());
  char det[120];
  snprintf(det, sizeof det, "campaign=%lld late=%d mails=%zu failed=%zu", (long long)d->cid, d->late, s->ok, s->failed);
  if (!rc) rc = st_audit(db, NULL, d->org, "assess.campaign.remind", "campaign", d->cid, det, e);
  return rc;
}

static int remind_one(Db *db, const AssessSmtp *smtp, const Due *d, AssessRemindStats *stats, Err *e) {
  Sent *s = calloc(1, sizeof *s);
  if (!s) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  int rc = smtp && smtp->url ? mail_org(db, smtp, d, s, e) : 0;
  if (!rc) rc = db_begin(db, e);
  if (!rc) {
    rc = record(db, d, s, e);
    if (!rc) rc = db_commit(db, e);
    if (rc) db_rollback(db);
  }
  if (!rc) stats->tasks++, stats->mails += s->ok, stats->mail_errors += s->failed;
  free(s);
  return rc;
}

int assess_campaign_remind(Db *db, const AssessSmtp *smtp, int days, AssessRemindStats *st, Err *e) {
  memset(st, 0, sizeof *st);
  if (days < 0 || days > 365) return err_set(e, VERR_INVALID, "Antall dager må være 0–365.");
  Arena *a = arena_new(0);
  if (!a) return err_set(e, VERR_NOMEM, "Tomt for minne.");
  Due *v = NULL;
  size_t n = 0;
  int rc = due_list(db, days, a, &v, &n, e);
  for (size_t i = 0; !rc && i < n; i++) rc = remind_one(db, smtp, &v[i], st, e);
  arena_free(a);
  return rc;
}
