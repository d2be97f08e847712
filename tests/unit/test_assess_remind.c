/* test_assess_remind.c — campaign reminders in-app and by e-mail, against a
 * tiny SMTP sink this test runs itself on 127.0.0.1 (a thread speaking just
 * enough SMTP for libcurl: EHLO, MAIL, RCPT, DATA, QUIT). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "assess/assess_store.h"
#include "db/db.h"
#include "test.h"

/* ---- the sink ---- */
static int lsock;
static unsigned short port;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char got_rcpt[16][128], got_msg[16][4096];
static int nmsg;

static int read_line(int fd, char *out, size_t cap) {
  size_t n = 0;
  char ch;
  while (n + 1 < cap && read(fd, &ch, 1) == 1) {
    out[n++] = ch;
    if (ch == '\n') break;
  }
  out[n] = 0;
  return (int)n;
}

static void say(int fd, const char *s) {
  if (write(fd, s, strlen(s)) < 0) return;
}

static void session(int fd) {
  char line[1024], rcpt[128] = "";
  say(fd, "220 sink ESMTP\r\n");
  while (read_line(fd, line, sizeof line) > 0) {
    if (!strncasecmp(line, "EHLO", 4) || !strncasecmp(line, "HELO", 4)) say(fd, "250 sink\r\n");
    else if (!strncasecmp(line, "MAIL", 4)) say(fd, "250 ok\r\n");
    else if (!strncasecmp(line, "RCPT", 4)) {
      if (strstr(line, "avvis")) { say(fd, "550 no such user\r\n"); continue; }
      snprintf(rcpt, sizeof rcpt, "%.127s", line);
      say(fd, "250 ok\r\n");
    } else if (!strncasecmp(line, "DATA", 4)) {
      say(fd, "354 go on\r\n");
      char msg[4096] = "";
      while (read_line(fd, line, sizeof line) > 0 && strcmp(line, ".\r\n"))
        strncat(msg, line, sizeof msg - strlen(msg) - 1);
      pthread_mutex_lock(&mu);
      if (nmsg < 16) {
        snprintf(got_rcpt[nmsg], sizeof got_rcpt[0], "%s", rcpt);
        snprintf(got_msg[nmsg], sizeof got_msg[0], "%s", msg);
        nmsg++;
      }
      pthread_mutex_unlock(&mu);
      say(fd, "250 queued\r\n");
    } else if (!strncasecmp(line, "QUIT", 4)) {
      say(fd, "221 bye\r\n");
      break;
    } else {
      say(fd, "250 ok\r\n");
    }
  }
  close(fd);
}

static void *sink(void *arg) {
  (void)arg;
  for (;;) {
    int fd = accept(lsock, NULL, NULL);
    if (fd < 0) return NULL;
    session(fd);
  }
}

static void sink_start(void) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  lsock = socket(AF_INET, SOCK_STREAM, 0);
  if (lsock < 0 || bind(lsock, (struct sockaddr *)&a, sizeof a) || listen(lsock, 8) ||
      getsockname(lsock, (struct sockaddr *)&a, &len)) {
    perror("sink");
    exit(2);
  }
  port = ntohs(a.sin_port);
  pthread_t t;
  pthread_create(&t, NULL, sink, NULL);
  pthread_detach(t);
}

/* The Subject header of msg, its RFC 2047 base64 words decoded and joined. */
static void subject_of(const char *msg, char *out, size_t cap) {
  static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t n = 0;
  const char *p = strstr(msg, "Subject:");
  out[0] = 0;
  while (p && (p = strstr(p, "=?UTF-8?B?")) && p < strstr(msg, "MIME-Version")) {
    p += 10;
    unsigned v = 0;
    int bits = 0;
    for (; *p && *p != '?'; p++) {
      const char *c = strchr(t, *p);
      if (!c || *p == '=') continue;
      v = v << 6 | (unsigned)(c - t);
      bits += 6;
      if (bits >= 8 && n + 1 < cap) out[n++] = (char)(v >> (bits - 8)), bits -= 8;
    }
  }
  out[n] = 0;
}

/* ---- the database ---- */
static char tdir[] = "/tmp/varde-test-remind-XXXXXX";
static Db *db;
static Principal cli;
static int64_t region, muni_a, muni_b, nsm;

static int64_t org(const char *kind, const char *name, int64_t parent) {
  int64_t id = 0;
  Err e = {0};
  db_int(db, &e, &id, "INSERT INTO organisations(kind, name, parent_id, created_at, updated_at)"
         " VALUES (?, ?, nullif(?, 0), 1, 1) RETURNING id", "ssl", kind, name, parent);
  return id;
}

static void member(const char *name, const char *email, int64_t o, const char *role, int disabled) {
  int64_t uid = 0;
  Err e = {0};
  db_int(db, &e, &uid, "INSERT INTO users(username, email, disabled, password_hash, password_changed_at,"
         " created_at, updated_at) VALUES (?, ?, ?, 'x', 1, 1, 1) RETURNING id", "ssi", name, email, disabled);
  db_exec(db, &e, "INSERT INTO memberships VALUES (?, ?, ?, 1)", "lls", uid, o, role);
}

static void setup(void) {
  if (!mkdtemp(tdir)) exit(2);
  char path[300];
  snprintf(path, sizeof path, "%s/r.db", tdir);
  Err e = {0};
  if (db_open(&db, path, DB_OPEN_CREATE, &e)) exit(2);
  auth_principal_cli(&cli);
  int64_t nat = org("national", "Senteret", 0);
  region = org("region", "Region Test", nat);
  muni_a = org("municipality", "Aby kommune", region);
  muni_b = org("municipality", "Bby kommune", region);
  member("a_editor", "editor@aby.example", muni_a, "editor", 0);
  member("a_admin", "admin@aby.example", muni_a, "admin", 0);
  member("a_viewer", "viewer@aby.example", muni_a, "viewer", 0);
  member("a_gone", "gone@aby.example", muni_a, "editor", 1);
  member("b_editor", "avvis@bby.example", muni_b, "editor", 0);
  if (assess_store_ship(db, &cli, NULL, &e) ||
      assess_store_fw_find(db, "urn:varde:framework:nsm-grunnprinsipper", 0, &nsm, &e)) {
    fprintf(stderr, "%s\n", e.msg);
    exit(2);
  }
}

TEST(reminders_by_mail_and_in_app) {
  Err e = {0};
  int64_t late = 0, later = 0;
  CHECK_INT(assess_campaign_publish(db, &cli, region, nsm, "Kartlegging", "Svar nå", "2020-05-01", &late, &e), 0);
  CHECK_INT(assess_campaign_publish(db, &cli, region, nsm, "Neste år", "", "2099-01-01", &later, &e), 0);
  CHECK_INT(assess_campaign_publish(db, &cli, region, nsm, "To\r\nBcc: x@evil.example", "", "2099-01-01", NULL, &e),
            VERR_INVALID);   /* a title is one line: it ends up in a mail header */
  char url[64];
  snprintf(url, sizeof url, "smtp://127.0.0.1:%u", port);
  AssessSmtp smtp = {url, "varde@example.org", "https://varde.example/"};
  AssessRemindStats st;
  CHECK_INT(assess_campaign_remind(db, &smtp, 7, &st, &e), 0);
  CHECK_INT(st.tasks, 2);          /* both members, only the campaign that is due */
  CHECK_INT(st.mails, 2);          /* editor and admin of Aby; not the viewer, not the disabled */
  CHECK_INT(st.mail_errors, 1);    /* Bby's address is refused by the server */
  pthread_mutex_lock(&mu);
  CHECK_INT(nmsg, 2);
  int to_editor = 0, to_admin = 0;
  for (int i = 0; i < nmsg; i++) {
    to_editor += strstr(got_rcpt[i], "editor@aby.example") != NULL;
    to_admin += strstr(got_rcpt[i], "admin@aby.example") != NULL;
    CHECK(strstr(got_msg[i], "Subject: =?UTF-8?B?") != NULL);
    CHECK(strstr(got_msg[i], "Aby kommune") != NULL);
    CHECK(strstr(got_msg[i], "Fristen var 2020-05-01") != NULL);
    CHECK(strstr(got_msg[i], "https://varde.example/") != NULL);
    char subj[256];
    subject_of(got_msg[i], subj, sizeof subj);
    CHECK_STR(subj, "Fristen er passert: Kartlegging (frist 2020-05-01)");
    CHECK(strstr(got_msg[i], "?=\r\n =?UTF-8?B?") != NULL);   /* folded: no encoded word over 75 */
  }
  pthread_mutex_unlock(&mu);
  CHECK_INT(to_editor, 1);
  CHECK_INT(to_admin, 1);
  int64_t failed = -1;
  db_int(db, &e, &failed, "SELECT count(*) FROM assess_reminders WHERE channel = 'email' AND ok = 0"
         " AND address = 'avvis@bby.example' AND error <> ''", "");
  CHECK_INT(failed, 1);
  /* The task shows the reminder; a second run the same day sends nothing. */
  Arena *a = arena_new(0);
  AssessTask *t;
  size_t n;
  CHECK_INT(assess_tasks(db, &cli, muni_a, a, &t, &n, &e), 0);
  CHECK_INT(n, 2);
  int reminded = 0;
  for (size_t i = 0; i < n; i++) reminded += t[i].campaign_id == late && t[i].reminded_at > 0 && t[i].late;
  CHECK_INT(reminded, 1);
  CHECK_INT(assess_campaign_remind(db, &smtp, 7, &st, &e), 0);
  CHECK_INT(st.tasks, 0);
  CHECK_INT(nmsg, 2);
  arena_free(a);
}

TEST(in_app_only_without_smtp_and_unreachable_server) {
  Err e = {0};
  Db *d = db;
  db_exec(d, &e, "UPDATE assess_campaign_recipients SET reminded_at = NULL", "");
  AssessRemindStats st;
  CHECK_INT(assess_campaign_remind(db, NULL, 7, &st, &e), 0);
  CHECK_INT(st.tasks, 2);
  CHECK_INT(st.mails, 0);
  db_exec(d, &e, "UPDATE assess_campaign_recipients SET reminded_at = NULL", "");
  AssessSmtp dead = {"smtp://127.0.0.1:1", "varde@example.org", NULL};
  CHECK_INT(assess_campaign_remind(db, &dead, 7, &st, &e), 0);   /* a dead server is recorded, not fatal */
  CHECK_INT(st.tasks, 2);
  CHECK_INT(st.mail_errors, 3);
  AssessSmtp bad = {"http://127.0.0.1:1", "varde@example.org", NULL};
  db_exec(d, &e, "UPDATE assess_campaign_recipients SET reminded_at = NULL", "");
  CHECK_INT(assess_campaign_remind(db, &bad, 7, &st, &e), 0);
  CHECK_INT(st.mails, 0);
  CHECK_INT(assess_campaign_remind(db, NULL, 400, &st, &e), VERR_INVALID);
}

int main(void) {
  sink_start();
  setup();
  RUN(reminders_by_mail_and_in_app);
  RUN(in_app_only_without_smtp_and_unreachable_server);
  db_close(db);
  char cmd[100];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tdir);
  if (system(cmd)) return 2;
  return TEST_DONE();
}
