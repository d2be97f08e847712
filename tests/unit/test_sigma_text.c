/* test_sigma_text.c — text log input: syslog (RFC 5424, RFC 3164 and its
 * variations, Linux audit records), the M365 audit CSV export, and format
 * detection by content. */
#include <stdio.h>
#include <string.h>

#include "sigma/input/input.h"
#include "test.h"

static int nwarn;
static SigmaPosKind last_kind;
static uint64_t last_pos;
static char last_reason[512];
static void on_warn(void *ctx, const char *file, SigmaPosKind kind, uint64_t off, const char *reason) {
  (void)ctx; (void)file;
  last_kind = kind;
  last_pos = off;
  snprintf(last_reason, sizeof last_reason, "%s", reason);
  nwarn++;
}
static const SigmaInputOpts opts = {.warn = on_warn};

static const char *get(const SigmaEvent *e, const char *name) {
  const SigmaField *f = sev_get(e, name, strlen(name));
  return f ? sev_val(e, f) : NULL;
}

/* Events of a text, copied out: evs[i] valid until the next call. */
static SigmaEvent evs[8];
static int nev;
static SigmaFormat fmt;
static int read_data(const void *text, size_t len) {
  Err err = {0};
  SigmaInput *in = sigma_input_open_mem("t", text, len, &opts, &err);
  SigmaEvent ev;
  sev_init(&ev);
  nev = 0;
  nwarn = 0;
  while (sigma_input_next(in, &ev, &err) == 1) {
    fmt = sigma_input_format(in);
    if (nev < 8) {
      SigmaEvent *d = &evs[nev];
      sev_reset(d);
      for (uint32_t i = 0; i < ev.n; i++)
        sev_add(d, sev_name(&ev, &ev.f[i]), ev.f[i].name_len, sev_val(&ev, &ev.f[i]), ev.f[i].val_len, ev.f[i].kind);
      d->record = ev.record;
      d->time_ms = ev.time_ms;
      d->format = ev.format;
    }
    nev++;
  }
  sigma_input_close(in);
  sev_free(&ev);
  return nev;
}

static int read_text(const char *text) { return read_data(text, strlen(text)); }

TEST(rfc5424) {
  CHECK_INT(read_text("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                      "[exampleSDID@32473 iut=\"3\" eventSource=\"Appli\\\"cation\" eventID=\"1011\"][x@1 a=\"b\\]\"] "
                      "\xEF\xBB\xBF" "An application event log entry...\n"
                      "<34>1 2003-10-11T22:14:15.003+02:00 - su 77 - - 'su root' failed\n"), 2);
  CHECK_INT(fmt, SFMT_SYSLOG);
  CHECK_STR(get(&evs[0], "facility"), "20");
  CHECK_STR(get(&evs[0], "severity"), "5");
  CHECK_STR(get(&evs[0], "hostname"), "mymachine.example.com");
  CHECK_STR(get(&evs[0], "program"), "evntslog");
  CHECK(get(&evs[0], "pid") == NULL);
  CHECK_STR(get(&evs[0], "msgid"), "ID47");
  CHECK_STR(get(&evs[0], "exampleSDID@32473.eventSource"), "Appli\"cation");
  CHECK_STR(get(&evs[0], "exampleSDID@32473.iut"), "3");
  CHECK_STR(get(&evs[0], "x@1.a"), "b]");
  CHECK_STR(get(&evs[0], "message"), "An application event log entry...");
  CHECK_INT(evs[0].time_ms, 1065910455003LL);
  CHECK_INT(evs[0].record, 1);
  CHECK(get(&evs[1], "hostname") == NULL);
  CHECK_STR(get(&evs[1], "pid"), "77");
  CHECK_STR(get(&evs[1], "message"), "'su root' failed");
  CHECK_INT(evs[1].time_ms, 1065903255003LL);
}

TEST(rfc3164_variants) {
  CHECK_INT(read_text("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8\n"
                      "Feb  5 06:25:01 host CRON[1234]: (root) CMD (command -v debian-sa1)\n"
                      "2024-03-01T10:11:12.123456+00:00 web01 named[99]: client denied AXFR from 1.2.3.4\n"
                      "<189>123: *Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console\n"
                      "Jan 10 01:02:03 sshd[7]: no host here\n"
                      "Nov 27 2025 14:00:00 asa01 : %ASA-6-302013: Built outbound TCP connection\n"), 6);
  CHECK_STR(get(&evs[0], "hostname"), "mymachine");
  CHECK_STR(get(&evs[0], "program"), "su");
  CHECK_STR(get(&evs[0], "message"), "'su root' failed for lonvick on /dev/pts/8");
  CHECK_STR(get(&evs[1], "program"), "CRON");
  CHECK_STR(get(&evs[1], "pid"), "1234");
  CHECK_STR(get(&evs[1], "timestamp"), "Feb  5 06:25:01");
  CHECK_INT(evs[1].time_ms % 86400000, (6 * 3600 + 25 * 60 + 1) * 1000LL);
  CHECK_STR(get(&evs[2], "hostname"), "web01");
  CHECK_STR(get(&evs[2], "program"), "named");
  CHECK_INT(evs[2].time_ms, 1709287872123LL);
  CHECK_STR(get(&evs[2], "message"), "client denied AXFR from 1.2.3.4");
  CHECK_STR(get(&evs[3], "severity"), "5");
  CHECK_STR(get(&evs[3], "message"), "%SYS-5-CONFIG_I: Configured from console");
  CHECK(get(&evs[4], "hostname") == NULL);
  CHECK_STR(get(&evs[4], "program"), "sshd");
  CHECK_INT(evs[5].time_ms, 1764252000000LL);
  CHECK_STR(get(&evs[5], "hostname"), "asa01");
  CHECK_STR(get(&evs[5], "timestamp"), "Nov 27 2025 14:00:00");
  CHECK_STR(get(&evs[5], "message"), "%ASA-6-302013: Built outbound TCP connection");
  CHECK_INT(nwarn, 0);
}

TEST(auditd) {
  CHECK_INT(read_text("type=EXECVE msg=audit(1364481363.243:24287): argc=3 a0=\"chmod\" a1=\"u+s\" a2=\"/tmp/x\"\n"
                      "Mar 29 14:36:03 h audispd: type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e syscall=59 key=\"susp\"\n"), 2);
  CHECK_STR(get(&evs[0], "type"), "EXECVE");
  CHECK_STR(get(&evs[0], "a0"), "chmod");
  CHECK_STR(get(&evs[0], "a1"), "u+s");
  CHECK_INT(evs[0].time_ms, 1364481363243LL);
  CHECK_STR(get(&evs[1], "type"), "SYSCALL");
  CHECK_STR(get(&evs[1], "syscall"), "59");
  CHECK_STR(get(&evs[1], "key"), "susp");
}

TEST(m365_csv) {
  const char *csv =
      "\xEF\xBB\xBF" "CreationDate,UserIds,Operations,AuditData\r\n"
      "2024-05-02T10:00:00.0000000Z,bob@x.no,Set-Mailbox,\"{\"\"CreationTime\"\":\"\"2024-05-02T10:00:00\"\","
      "\"\"Operation\"\":\"\"Set-Mailbox\"\",\"\"Workload\"\":\"\"Exchange\"\",\"\"RecordType\"\":1,"
      "\"\"Parameters\"\":[{\"\"Name\"\":\"\"ForwardingSmtpAddress\"\",\"\"Value\"\":\"\"smtp:evil@x.com\"\"}],"
      "\"\"ObjectId\"\":\n\"\"line1\\nline2\"\"}\"\r\n"
      "2024-05-02T11:00:00Z,eve@x.no,UserLoggedIn,\"{\"\"Operation\"\":\"\"UserLoggedIn\"\",\"\"Workload\"\":\"\"AzureActiveDirectory\"\","
      "\"\"RecordType\"\":15,\"\"ExtendedProperties\"\":[{\"\"Name\"\":\"\"RequestType\"\",\"\"Value\"\":\"\"Cmsi:Cmsi\"\"}]}\"\r\n"
      "2024-05-02T12:00:00Z,x,y,\"{broken\"\r\n";
  CHECK_INT(read_text(csv), 2);
  CHECK_INT(fmt, SFMT_M365);
  CHECK_INT(nwarn, 1);
  CHECK_STR(get(&evs[0], "Operation"), "Set-Mailbox");
  CHECK_STR(get(&evs[0], "Parameters.ForwardingSmtpAddress"), "smtp:evil@x.com");
  CHECK_STR(get(&evs[0], "UserIds"), "bob@x.no");
  CHECK_STR(get(&evs[0], "ObjectId"), "line1\nline2");   /* JSON escape; the row spans 2 lines */
  CHECK_INT(evs[0].time_ms, 1714644000000LL);
  CHECK_INT(evs[0].record, 2);
  CHECK_INT(evs[0].format, SFMT_M365);
  CHECK_STR(get(&evs[1], "RequestType"), "Cmsi:Cmsi");
  CHECK_STR(get(&evs[1], "Workload"), "AzureActiveDirectory");
  CHECK_INT(evs[1].record, 4);
  CHECK_INT(evs[1].time_ms, 1714647600000LL);
}

TEST(m365_json_records) {
  CHECK_INT(read_text("[{\"CreationTime\":\"2024-05-02T10:00:00\",\"Id\":\"1\",\"Operation\":\"New-InboxRule\","
                      "\"RecordType\":1,\"Workload\":\"Exchange\",\"Parameters\":[{\"Name\":\"DeleteMessage\",\"Value\":\"True\"}]}]"), 1);
  CHECK_INT(evs[0].format, SFMT_M365);
  CHECK_STR(get(&evs[0], "Parameters.DeleteMessage"), "True");
  CHECK_INT(evs[0].time_ms, 1714644000000LL);
}

TEST(detection) {
  read_text("{\"a\":1}\n");
  CHECK_INT(fmt, SFMT_JSON);
  read_text("Oct 11 22:14:15 h p: x\n");
  CHECK_INT(fmt, SFMT_SYSLOG);
  read_text("a,AuditData\n1,{}\n");
  CHECK_INT(fmt, SFMT_M365);
  CHECK_INT(read_text(""), 0);
  CHECK_INT(nwarn, 0);
  CHECK_INT(read_text("# A README next to the logs\n\nSome text.\n"), 0);
  CHECK_INT(nwarn, 1);                 /* not guessed to be syslog */
  char bin[16] = {1, 2, 3, 0, 5};
  Err err = {0};
  SigmaInput *in = sigma_input_open_mem("b", bin, sizeof bin, &opts, &err);
  SigmaEvent ev;
  sev_init(&ev);
  nwarn = 0;
  CHECK_INT(sigma_input_next(in, &ev, &err), 0);
  CHECK_INT(nwarn, 1);
  sigma_input_close(in);
  sev_free(&ev);
}

/* ASCII/Latin-1 text as UTF-16 with a BOM (what PowerShell 5.1 writes). */
static size_t to_utf16(const char *s, int be, unsigned char *out) {
  size_t o = 0;
  out[o++] = be ? 0xFE : 0xFF;
  out[o++] = be ? 0xFF : 0xFE;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    unsigned cp = *p < 0x80 ? *p++ : ((p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu));
    if (cp >= 0x80) p += 2;
    out[o++] = (unsigned char)(be ? cp >> 8 : cp & 0xFF);
    out[o++] = (unsigned char)(be ? cp & 0xFF : cp >> 8);
  }
  return o;
}

TEST(utf16_csv_and_syslog) {
  static unsigned char b[8192];
  const char *csv =
      "CreationDate,UserIds,Operations,AuditData\r\n"
      "2024-05-02T10:00:00Z,bjørn@x.no,New-InboxRule,\"{\"\"Operation\"\":\"\"New-InboxRule\"\",\"\"Workload\"\":\"\"Exchange\"\","
      "\"\"RecordType\"\":1,\"\"Parameters\"\":[{\"\"Name\"\":\"\"Name\"\",\"\"Value\"\":\"\"fwd\"\"}]}\"\r\n";
  for (int be = 0; be < 2; be++) {
    size_t n = to_utf16(csv, be, b);
    CHECK_INT(read_data(b, n), 1);
    CHECK_INT(fmt, SFMT_M365);
    CHECK_INT(nwarn, 0);
    CHECK_STR(get(&evs[0], "UserIds"), "bjørn@x.no");
    CHECK_STR(get(&evs[0], "Parameters.Name"), "fwd");
    CHECK_INT(evs[0].record, 2);
  }
  size_t n = to_utf16("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8\n", 1, b);
  CHECK_INT(read_data(b, n), 1);
  CHECK_INT(fmt, SFMT_SYSLOG);
  CHECK_STR(get(&evs[0], "program"), "su");
  CHECK_STR(get(&evs[0], "hostname"), "mymachine");
}

/* A CSV row with fewer columns than the header is reported with its line. */
TEST(csv_short_row) {
  const char *csv = "CreationDate,UserIds,Operations,AuditData\n"
                    "2024-05-02T10:00:00Z,a,Op,\"{\"\"Operation\"\":\"\"Op\"\"}\"\n"
                    "2024-05-02T11:00:00Z,b\n"
                    "2024-05-02T12:00:00Z,c,Op,\"{\"\"Operation\"\":\"\"Op2\"\"}\"\n";
  CHECK_INT(read_text(csv), 2);
  CHECK_INT(nwarn, 1);
  CHECK_INT(last_kind, SPOS_LINE);
  CHECK_INT(last_pos, 3);
  CHECK(strstr(last_reason, "CSV-raden har 2 kolonner, overskriften 4") != NULL);
  CHECK_STR(get(&evs[1], "Operation"), "Op2");
  /* AuditData present, a later column missing: kept, and reported */
  CHECK_INT(read_text("AuditData,UserIds,Operations\n\"{\"\"Operation\"\":\"\"X\"\"}\",u\n"), 1);
  CHECK_INT(nwarn, 1);
  CHECK_INT(last_pos, 2);
  CHECK_STR(get(&evs[0], "UserIds"), "u");
}

/* Positions say what they count. */
TEST(warning_positions) {
  char w[48];
  CHECK_STR(sigma_input_where(w, sizeof w, SPOS_LINE, 3), ", linje 3");
  CHECK_STR(sigma_input_where(w, sizeof w, SPOS_BYTE, 4096), ", byte 4096");
  CHECK_STR(sigma_input_where(w, sizeof w, SPOS_NONE, 0), "");
  read_text("Oct 11 22:14:15 h p: x\n<34>1 bad\n");
  CHECK_INT(nwarn, 1);
  CHECK_INT(last_kind, SPOS_LINE);
  CHECK_INT(last_pos, 2);
  read_text("# A README next to the logs\n");
  CHECK_INT(last_kind, SPOS_NONE);
  CHECK(strstr(last_reason, "ukjent loggformat") != NULL);
}

int main(void) {
  for (int i = 0; i < 8; i++) sev_init(&evs[i]);
  RUN(rfc5424);
  RUN(rfc3164_variants);
  RUN(auditd);
  RUN(m365_csv);
  RUN(m365_json_records);
  RUN(detection);
  RUN(utf16_csv_and_syslog);
  RUN(csv_short_row);
  RUN(warning_positions);
  for (int i = 0; i < 8; i++) sev_free(&evs[i]);
  return TEST_DONE();
}
