/* test_sigma_json.c — JSON event input: flattening, escapes, arrays,
 * Name/Value lifting, evtx_dump-shaped records, damaged lines, gzip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#include "sigma/input/input.h"
#include "sigma/input/sin.h"
#include "test.h"

static int nwarn;
static uint64_t last_warn_off;
static SigmaPosKind last_warn_kind;
static char warn_all[8192];    /* "file|reason" lines since nwarn was last reset */
static char last_reason[512];
static void on_warn(void *ctx, const char *file, SigmaPosKind kind, uint64_t off, const char *reason) {
  (void)ctx;
  if (nwarn == 0) warn_all[0] = '\0';
  size_t l = strlen(warn_all);
  snprintf(warn_all + l, sizeof warn_all - l, "%s|%s\n", file, reason);
  snprintf(last_reason, sizeof last_reason, "%s", reason);
  nwarn++;
  last_warn_off = off;
  last_warn_kind = kind;
}
static const SigmaInputOpts opts = {.warn = on_warn};

static const char *get(const SigmaEvent *e, const char *name) {
  const SigmaField *f = sev_get(e, name, strlen(name));
  return f ? sev_val(e, f) : NULL;
}

static int count(const SigmaEvent *e, const char *name) {
  int n = 0;
  for (uint32_t i = 0; i < e->n; i++)
    if (strcmp(sev_name(e, &e->f[i]), name) == 0) n++;
  return n;
}

/* Reads all events of a memory input; returns the count, leaves a copy of
 * the last in ev (an event read is valid only until the next call). */
static int read_all(const char *text, SigmaEvent *ev, SigmaEvent *first) {
  Err err = {0};
  SigmaInput *in = sigma_input_open_mem("t.json", text, strlen(text), &opts, &err);
  SigmaEvent cur;
  sev_init(&cur);
  int n = 0, r;
  while ((r = sigma_input_next(in, &cur, &err)) == 1) {
    if (n == 0 && first) CHECK_INT(sev_copy(first, &cur), 0);
    CHECK_INT(sev_copy(ev, &cur), 0);
    n++;
  }
  CHECK_INT(r, 0);
  sigma_input_close(in);
  sev_free(&cur);
  return n;
}

TEST(flat_and_nested) {
  SigmaEvent ev;
  sev_init(&ev);
  nwarn = 0;
  int n = read_all("{\"EventID\": 4688, \"a\": {\"b\": {\"c\": \"x\"}}, \"ok\": true, \"no\": null,"
                   " \"f\": -1.5e3, \"@timestamp\": \"2024-01-02T03:04:05.678Z\"}\n", &ev, NULL);
  CHECK_INT(n, 1);
  CHECK_STR(get(&ev, "EventID"), "4688");
  CHECK_INT(sev_get(&ev, "EventID", 7)->kind, SEV_NUM);
  CHECK_STR(get(&ev, "a.b.c"), "x");
  CHECK_STR(get(&ev, "a.b"), "{\"c\": \"x\"}");
  CHECK_STR(get(&ev, "ok"), "true");
  CHECK_INT(sev_get(&ev, "no", 2)->kind, SEV_NULL);
  CHECK_STR(get(&ev, "f"), "-1.5e3");
  CHECK_INT(ev.time_ms, 1704164645678LL);
  CHECK_INT(ev.record, 1);
  CHECK_INT(ev.format, SFMT_JSON);
  CHECK_INT(nwarn, 0);
  sev_free(&ev);
}

TEST(epoch_times) {
  SigmaEvent ev;
  sev_init(&ev);
  read_all("{\"ts\": 1700000000.123456, \"uid\": \"C1\"}", &ev, NULL);
  CHECK_INT(ev.time_ms, 1700000000123LL);
  read_all("{\"timestamp\": 1700000000123}", &ev, NULL);
  CHECK_INT(ev.time_ms, 1700000000123LL);
  read_all("{\"time\": -1.5e3}", &ev, NULL);
  CHECK(ev.time_ms == INT64_MIN);
  sev_free(&ev);
}

TEST(escapes_and_surrogates) {
  SigmaEvent ev;
  sev_init(&ev);
  read_all("{\"s\": \"a\\\"b\\\\c\\/d\\n\\u00e6\\ud83d\\ude00\\ud800x\", \"k\\u0041\": 1}", &ev, NULL);
  CHECK_STR(get(&ev, "s"), "a\"b\\c/d\n\xc3\xa6\xf0\x9f\x98\x80\xef\xbf\xbdx");
  CHECK_STR(get(&ev, "kA"), "1");
  sev_free(&ev);
}

TEST(arrays_repeat) {
  SigmaEvent ev;
  sev_init(&ev);
  read_all("{\"tags\": [\"a\", \"b\", [\"c\"]], \"o\": [{\"x\": 1}, {\"x\": 2}]}", &ev, NULL);
  CHECK_INT(count(&ev, "tags"), 4);    /* a, b, c, and the raw array text */
  CHECK_INT(count(&ev, "o.x"), 2);
  CHECK_STR(get(&ev, "o"), "[{\"x\": 1}, {\"x\": 2}]");
  sev_free(&ev);
}

TEST(name_value_lifting) {
  SigmaEvent ev;
  sev_init(&ev);
  read_all("{\"Operation\": \"Set-Mailbox\", \"Workload\": \"Exchange\", \"RecordType\": 1,"
           " \"Parameters\": [{\"Name\": \"Identity\", \"Value\": \"bob\"},"
           " {\"Value\": \"x@y\", \"Name\": \"ForwardingSmtpAddress\"}],"
           " \"ModifiedProperties\": [{\"Name\": \"Role\", \"NewValue\": \"Admin\", \"OldValue\": \"\"}],"
           " \"ExtendedProperties\": [{\"Name\": \"RequestType\", \"Value\": \"Cmsi:Cmsi\"},"
           " {\"Name\": \"Operation\", \"Value\": \"other\"}]}", &ev, NULL);
  CHECK_STR(get(&ev, "Parameters.Identity"), "bob");
  CHECK_STR(get(&ev, "Parameters.ForwardingSmtpAddress"), "x@y");
  CHECK_STR(get(&ev, "ForwardingSmtpAddress"), "x@y");
  CHECK_STR(get(&ev, "ModifiedProperties.Role.NewValue"), "Admin");
  CHECK_STR(get(&ev, "RequestType"), "Cmsi:Cmsi");
  CHECK_STR(get(&ev, "Operation"), "Set-Mailbox");   /* existing field wins */
  CHECK(strstr(get(&ev, "Parameters"), "ForwardingSmtpAddress") != NULL);
  CHECK_INT(ev.format, SFMT_M365);
  sev_free(&ev);
}

TEST(evtx_dump_shape) {
  SigmaEvent ev;
  sev_init(&ev);
  read_all("{\"Event\": {\"#attributes\": {\"xmlns\": \"x\"}, \"System\": {\"Provider\": {\"#attributes\":"
           " {\"Name\": \"Microsoft-Windows-Sysmon\"}}, \"EventID\": 1, \"TimeCreated\": {\"#attributes\":"
           " {\"SystemTime\": \"2025-11-27T07:40:10.165324Z\"}}, \"Execution\": {\"#attributes\": {\"ProcessID\": 3544}}},"
           " \"EventData\": {\"CommandLine\": \"cmd /c\", \"Data\": [\"u1\", \"u2\"]},"
           " \"UserData\": {\"Op\": {\"#attributes\": {\"xmlns\": \"y\"}, \"PossibleCause\": \"Permanent\"}}}}", &ev, NULL);
  CHECK_STR(get(&ev, "Provider_Name"), "Microsoft-Windows-Sysmon");
  CHECK_STR(get(&ev, "EventID"), "1");
  CHECK_STR(get(&ev, "Execution_ProcessID"), "3544");
  CHECK_STR(get(&ev, "CommandLine"), "cmd /c");
  CHECK_INT(count(&ev, "Data"), 2);
  CHECK_STR(get(&ev, "PossibleCause"), "Permanent");
  CHECK(get(&ev, "xmlns") == NULL && get(&ev, "Op_xmlns") == NULL);
  CHECK_INT(ev.time_ms, 1764229210165LL);
  CHECK_INT(ev.format, SFMT_EVTX);
  sev_free(&ev);
}

TEST(bad_lines_skipped) {
  SigmaEvent ev, first;
  sev_init(&ev);
  sev_init(&first);
  nwarn = 0;
  int n = read_all("{\"a\": 1}\n{\"a\": \n\n{\"a\": 3,}\n{\"a\": \"\\x\"}\n{\"a\": 5} x\n[1]\n{\"a\": 7}\n"
                   "{\"a\": \"\\u00g0\"}\n{\"a\": \"\\u00\"}\n{\"a\": \"x\\u0\"}\n{\"a\": 7}\n", &ev, &first);
  CHECK_INT(n, 3);
  CHECK_INT(nwarn, 8);   /* the three bad \u escapes too */
  CHECK_STR(get(&first, "a"), "1");
  CHECK_STR(get(&ev, "a"), "7");
  CHECK_INT(ev.record, 12);
  sev_free(&ev);
  sev_free(&first);
}

/* Line endings, separators and blanks around the objects of JSON lines, and
 * a string cut by its line end, which must not swallow the next line. */
TEST(line_shapes) {
  SigmaEvent ev, first;
  sev_init(&ev);
  sev_init(&first);
  nwarn = 0;
  int n = read_all("{\"a\": 1},\r\n  {\"a\": 2} \r\n{\"a\": \"x\n{\"a\": \"y\"}\t,\t\n{\"a\": [1,\n2]}\n{\"a\": 6}",
                   &ev, &first);
  CHECK_INT(n, 4);
  CHECK_INT(nwarn, 3);
  CHECK_STR(get(&first, "a"), "1");
  CHECK_STR(get(&ev, "a"), "6");
  CHECK_INT(ev.record, 7);
  sev_free(&ev);
  sev_free(&first);
}

TEST(depth_limit) {
  char deep[400];
  size_t i = 0;
  deep[i++] = '{'; deep[i++] = '"'; deep[i++] = 'a'; deep[i++] = '"'; deep[i++] = ':';
  for (int k = 0; k < 100; k++) deep[i++] = '[';
  for (int k = 0; k < 100; k++) deep[i++] = ']';
  deep[i++] = '}';
  deep[i] = 0;
  SigmaEvent ev;
  sev_init(&ev);
  nwarn = 0;
  CHECK_INT(read_all(deep, &ev, NULL), 0);
  CHECK_INT(nwarn, 1);
  sev_free(&ev);
}

TEST(event_size_bound) {
  size_t n = 200000;
  static const char head[] = "{\"a\": [", tail[] = "]}\n{\"b\": 2}\n";
  char *big = malloc(sizeof head + 2 * n + sizeof tail);
  size_t k = sizeof head - 1;
  memcpy(big, head, k);
  for (size_t i = 0; i < n; i++) { big[k++] = '1'; big[k++] = ','; }
  memcpy(big + k - 1, tail, sizeof tail);   /* over the last comma, with the NUL */
  SigmaEvent ev;
  sev_init(&ev);
  nwarn = 0;
  CHECK_INT(read_all(big, &ev, NULL), 1);     /* the huge one is reported and skipped */
  CHECK_INT(nwarn, 1);
  CHECK_STR(get(&ev, "b"), "2");
  sev_free(&ev);
  free(big);
}

TEST(pretty_documents_and_array) {
  SigmaEvent ev, first;
  sev_init(&ev);
  sev_init(&first);
  CHECK_INT(read_all("{\n  \"a\": 1,\n  \"b\": \"}\"\n}\n{\n  \"a\": 2\n}\n", &ev, &first), 2);
  CHECK_STR(get(&first, "b"), "}");
  CHECK_INT(first.record, 1);
  CHECK_INT(ev.record, 5);
  CHECK_INT(read_all("[\n {\"a\": 1},\n {\"a\": 2}\n]\n", &ev, &first), 2);
  CHECK_STR(get(&ev, "a"), "2");
  CHECK_INT(read_all("[{\"a\": 1}, {\"a\": 2}, {\"a\": 3}]", &ev, NULL), 3);
  sev_free(&ev);
  sev_free(&first);
}

TEST(bom_and_auditdata_string) {
  SigmaEvent ev, first;
  sev_init(&ev);
  sev_init(&first);
  nwarn = 0;
  CHECK_INT(read_all("\xEF\xBB\xBF{\"a\": 1}\n{\"TimeGenerated\": \"2024-05-02T10:00:00Z\", \"AuditData\":"
                     " \"{\\\"Operation\\\": \\\"New-InboxRule\\\", \\\"Workload\\\": \\\"Exchange\\\","
                     " \\\"RecordType\\\": 1, \\\"Parameters\\\": [{\\\"Name\\\": \\\"MoveToFolder\\\","
                     " \\\"Value\\\": \\\"x\\\"}]}\"}\n", &ev, &first), 2);
  CHECK_STR(get(&first, "a"), "1");
  CHECK_STR(get(&ev, "Operation"), "New-InboxRule");
  CHECK_STR(get(&ev, "Parameters.MoveToFolder"), "x");
  CHECK_INT(ev.format, SFMT_M365);
  CHECK_INT(ev.time_ms, 1714644000000LL);
  CHECK_INT(nwarn, 0);
  sev_free(&ev);
  sev_free(&first);
}

TEST(gzip_file) {
  char dir[] = "/tmp/varde-sjson-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char path[256];
  snprintf(path, sizeof path, "%s/x.log.gz", dir);
  gzFile gz = gzopen(path, "wb");
  for (int i = 0; i < 1000; i++) gzprintf(gz, "{\"n\": %d, \"s\": \"value %d\"}\n", i, i);
  gzclose(gz);
  Err err = {0};
  SigmaInput *in = sigma_input_open(dir, &opts, &err);
  CHECK(in != NULL);
  SigmaEvent ev;
  sev_init(&ev);
  int n = 0;
  while (sigma_input_next(in, &ev, &err) == 1) {
    if (n == 999) CHECK_STR(get(&ev, "s"), "value 999");
    n++;
  }
  CHECK_INT(n, 1000);
  CHECK_STR(ev.source, path);
  sigma_input_close(in);
  sev_free(&ev);
  unlink(path);
  rmdir(dir);
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (f) { fputs(text, f); fclose(f); }
}

TEST(folder_order) {
  char dir[] = "/tmp/varde-sfold-XXXXXX", p[256];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(p, sizeof p, "%s/a", dir);
  mkdir(p, 0700);
  snprintf(p, sizeof p, "%s/b.json", dir); write_file(p, "{\"n\": 3}\n");
  snprintf(p, sizeof p, "%s/a.json", dir); write_file(p, "{\"n\": 2}\n");
  snprintf(p, sizeof p, "%s/a/c.json", dir); write_file(p, "{\"n\": 1}\n{\"n\": 1.5}\n");
  snprintf(p, sizeof p, "%s/.hidden.json", dir); write_file(p, "{\"n\": 9}\n");
  Err err = {0};
  SigmaInput *in = sigma_input_open(dir, &opts, &err);
  SigmaEvent ev;
  sev_init(&ev);
  char seq[64] = "";
  while (sigma_input_next(in, &ev, &err) == 1) {
    strcat(seq, get(&ev, "n"));
    strcat(seq, ",");
  }
  CHECK_STR(seq, "1,1.5,2,3,");
  CHECK_INT(sigma_input_stats(in)->files, 3);
  sigma_input_close(in);
  /* the same folder as work units gives the same order */
  SigmaUnitList l;
  const char *paths[] = {dir};
  CHECK(sigma_input_plan(paths, 1, 0, &l, &err) == 0);
  CHECK_INT(l.n, 3);
  CHECK(l.n == 3 && strstr(l.u[0].path, "/a/c.json") && strstr(l.u[2].path, "/b.json"));
  sigma_units_free(&l);
  sev_free(&ev);
  snprintf(p, sizeof p, "%s/a/c.json", dir); unlink(p);
  snprintf(p, sizeof p, "%s/a", dir); rmdir(p);
  const char *names[] = {"a.json", "b.json", ".hidden.json"};
  for (int i = 0; i < 3; i++) { snprintf(p, sizeof p, "%s/%s", dir, names[i]); unlink(p); }
  rmdir(dir);
  /* a path that does not exist is reported when reached, not a failed open */
  Err e2 = {0};
  SigmaInput *none = sigma_input_open("/nonexistent/varde", &opts, &e2);
  CHECK(none != NULL);
  nwarn = 0;
  CHECK_INT(sigma_input_next(none, &ev, &e2), 0);
  CHECK_INT(nwarn, 1);
  CHECK(strstr(warn_all, "/nonexistent/varde|kan ikke leses (") != NULL);
  CHECK_INT(sigma_input_stats(none)->unreadable, 1);
  sigma_input_close(none);
}

/* Flattens one record with sin_json_flatten; 0 or -1. */
static int flat1(SinJson *j, const char *rec, SigmaEvent *ev) {
  const char *why;
  size_t at;
  sev_reset(ev);
  return sin_json_flatten(j, rec, strlen(rec), ev, &why, &at);
}

/* Escapes and closing quotes at every offset around the 16-byte blocks of
 * the string scanner, in top-level values and keys (decoded in place) and in
 * nested values (decoded into a buffer), and strings ending at the record's end. */
TEST(string_scan_block_edges) {
  static const struct { const char *esc, *dec; } es[] = {
    {"\\\\", "\\"}, {"\\\"", "\""}, {"\\/", "/"}, {"\\n", "\n"}, {"\\t", "\t"}, {"\\u00e9", "\xc3\xa9"},
    {"\\u0009", "\t"}, {"\\u007F", "\x7f"}, {"\\u0080", "\xc2\x80"}, {"\\\\x\\u0041\\\\", "\\xA\\"}, {"", ""}};
  SinJson *j = sin_json_new();
  SigmaEvent ev;
  sev_init(&ev);
  char rec[1024], want[256], pre[64], post[64];
  int bad = 0;
  for (size_t e = 0; e < sizeof es / sizeof es[0]; e++)
    for (int a = 0; a < 40; a++)
      for (int b = 0; b < 20; b++) {
        memset(pre, 'a', (size_t)a); pre[a] = '\0';
        memset(post, 'b', (size_t)b); post[b] = '\0';
        snprintf(want, sizeof want, "%s%s%s", pre, es[e].dec, post);
        snprintf(rec, sizeof rec, "{\"k\":\"%s%s%s\",\"n\":{\"m\":\"%s%s%s\"},\"%s%s%s\":1}",
                 pre, es[e].esc, post, pre, es[e].esc, post, pre, es[e].esc, post);
        if (flat1(j, rec, &ev) || !get(&ev, "k") || strcmp(get(&ev, "k"), want) ||
            !get(&ev, "n.m") || strcmp(get(&ev, "n.m"), want) || !sev_get(&ev, want, strlen(want)))
          bad++;
        snprintf(rec, sizeof rec, "{\"k\":\"%s%s%s\"}", pre, es[e].esc, post);   /* at the end */
        if (flat1(j, rec, &ev) || !get(&ev, "k") || strcmp(get(&ev, "k"), want)) bad++;
        for (int z = 0; z < 64; z += 7) {   /* at every offset of the parser's 64-byte blocks */
          snprintf(rec, sizeof rec, "{\"p\":\"%.*s\",\"k\":\"%s%s%s\",\"n\":{\"m\":\"%s%s%s\"},\"%s%s%s\":1,"
                   "\"q\":\"%070d\"}", z, "================================================================",
                   pre, es[e].esc, post, pre, es[e].esc, post, pre, es[e].esc, post, 0);
          if (flat1(j, rec, &ev) || !get(&ev, "k") || strcmp(get(&ev, "k"), want) || !get(&ev, "n.m") ||
              strcmp(get(&ev, "n.m"), want) || !sev_get(&ev, want, strlen(want)) || !get(&ev, "q") ||
              strlen(get(&ev, "q")) != 70)
            bad++;
        }
      }
  CHECK_INT(bad, 0);
  sev_free(&ev);
  sin_json_free(j);
}

/* Unterminated strings, a trailing lone backslash, and control characters at
 * every offset are errors, never reads past the record. */
TEST(string_scan_unterminated) {
  SinJson *j = sin_json_new();
  SigmaEvent ev;
  sev_init(&ev);
  char rec[256];
  int ok = 0;
  for (int a = 0; a < 40; a++) {
    char pre[64];
    memset(pre, 'a', (size_t)a); pre[a] = '\0';
    snprintf(rec, sizeof rec, "{\"k\":\"%s", pre);
    ok += flat1(j, rec, &ev) == 0;
    snprintf(rec, sizeof rec, "{\"k\":\"%s\\", pre);
    ok += flat1(j, rec, &ev) == 0;
    snprintf(rec, sizeof rec, "{\"n\":{\"m\":\"%s", pre);
    ok += flat1(j, rec, &ev) == 0;
    snprintf(rec, sizeof rec, "{\"%s", pre);
    ok += flat1(j, rec, &ev) == 0;
    snprintf(rec, sizeof rec, "{\"k\":\"%s\tb\"}", pre);
    ok += flat1(j, rec, &ev) == 0;
    snprintf(rec, sizeof rec, "{\"k\":\"%s\\\\\tb\"}", pre);
    ok += flat1(j, rec, &ev) == 0;
  }
  CHECK_INT(ok, 0);
  sev_free(&ev);
  sin_json_free(j);
}

/* Reads all events of bytes in memory; records to rec[] (up to 16). */
static int read_bytes(const void *p, size_t n, SigmaEvent *ev, uint64_t *rec) {
  Err err = {0};
  SigmaInput *in = sigma_input_open_mem("t.json", p, n, &opts, &err);
  SigmaEvent cur;
  sev_init(&cur);
  int k = 0, r;
  while ((r = sigma_input_next(in, &cur, &err)) == 1) {
    if (rec && k < 16) rec[k] = cur.record;
    if (ev) CHECK_INT(sev_copy(ev, &cur), 0);
    k++;
  }
  CHECK_INT(r, 0);
  sigma_input_close(in);
  sev_free(&cur);
  return k;
}

/* gzip of text (one member) into a malloc'd buffer. */
static unsigned char *gzip_mem(const char *text, size_t n, size_t *out_n) {
  z_stream z = {0};
  size_t cap = n + n / 2 + 128;
  unsigned char *o = malloc(cap);
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  z.next_in = (unsigned char *)text;
  z.avail_in = (uInt)n;
  z.next_out = o;
  z.avail_out = (uInt)cap;
  deflate(&z, Z_FINISH);
  *out_n = z.total_out;
  deflateEnd(&z);
  return o;
}

/* A gzip file cut short (head -c) or with a bad checksum: what could be
 * read is kept, and the damage is reported once. */
TEST(gzip_truncated_and_corrupt) {
  char text[64 * 2000 + 1];
  size_t tn = 0;
  for (int i = 0; i < 2000; i++) tn += (size_t)sprintf(text + tn, "{\"n\": %d, \"pad\": \"%08x\"}\n", i, (unsigned)(i * 2654435761u));
  size_t gn;
  unsigned char *gz = gzip_mem(text, tn, &gn);
  SigmaEvent ev;
  sev_init(&ev);
  nwarn = 0;
  CHECK_INT(read_bytes(gz, gn, &ev, NULL), 2000);
  CHECK_INT(nwarn, 0);
  /* cut in the middle */
  nwarn = 0;
  int got = read_bytes(gz, gn / 2, &ev, NULL);
  CHECK(got > 0 && got < 2000);
  CHECK(strstr(warn_all, "gzip-filen er avkortet") != NULL);
  CHECK_INT(last_warn_kind, SPOS_NONE);
  /* cut inside the 8-byte trailer: every event is there, the file is still cut */
  nwarn = 0;
  CHECK_INT(read_bytes(gz, gn - 3, &ev, NULL), 2000);
  CHECK_INT(nwarn, 1);
  CHECK(strstr(warn_all, "gzip-filen er avkortet") != NULL);
  /* CRC of the data wrong */
  gz[gn - 8] ^= 0x55;
  nwarn = 0;
  CHECK_INT(read_bytes(gz, gn, &ev, NULL), 2000);
  CHECK_INT(nwarn, 1);
  CHECK(strstr(warn_all, "gzip-dataene er skadet") != NULL);
  gz[gn - 8] ^= 0x55;
  /* damaged deflate data in the middle */
  gz[gn / 2] ^= 0xff;
  gz[gn / 2 + 1] ^= 0xff;
  nwarn = 0;
  got = read_bytes(gz, gn, &ev, NULL);
  CHECK(got < 2000);
  CHECK(strstr(last_reason, "gzip-dataene er skadet") != NULL);   /* after the garbled lines */
  gz[gn / 2] ^= 0xff;
  gz[gn / 2 + 1] ^= 0xff;
  /* zero padding after the stream (tape blocks) is not damage */
  unsigned char *pad = calloc(1, gn + 512);
  memcpy(pad, gz, gn);
  nwarn = 0;
  CHECK_INT(read_bytes(pad, gn + 512, &ev, NULL), 2000);
  CHECK_INT(nwarn, 0);
  free(pad);
  /* cut to 10 bytes: nothing to read, still reported */
  nwarn = 0;
  CHECK_INT(read_bytes(gz, 10, &ev, NULL), 0);
  CHECK_INT(nwarn, 1);
  CHECK(strstr(warn_all, "gzip-filen er avkortet") != NULL);
  free(gz);
  sev_free(&ev);
}

/* Records of a JSON array are numbered by position, whatever its layout. */
TEST(array_positions) {
  uint64_t rec[16];
  nwarn = 0;
  const char *compact = "[{\"a\": 1}, {\"a\": 2}, {\"a\": 3}]";
  CHECK_INT(read_bytes(compact, strlen(compact), NULL, rec), 3);
  CHECK(rec[0] == 1 && rec[1] == 2 && rec[2] == 3);
  const char *pretty = "[\n  {\n    \"a\": 1\n  },\n  {\n    \"a\": 2\n  }\n]\n";
  CHECK_INT(read_bytes(pretty, strlen(pretty), NULL, rec), 2);
  CHECK(rec[0] == 1 && rec[1] == 2);
  const char *lines = "[\n{\"a\": 1},\n{\"a\": 2},\n{\"a\": 3}\n]\n";
  CHECK_INT(read_bytes(lines, strlen(lines), NULL, rec), 3);
  CHECK(rec[0] == 1 && rec[1] == 2 && rec[2] == 3);
  /* a bad element keeps its place in the count; warnings give its line */
  const char *bad = "[\n{\"a\": 1},\n{\"a\": },\n{\"a\": 3}\n]\n";
  nwarn = 0;
  CHECK_INT(read_bytes(bad, strlen(bad), NULL, rec), 2);
  CHECK(rec[0] == 1 && rec[1] == 3);
  CHECK_INT(nwarn, 1);
  CHECK_INT(last_warn_kind, SPOS_LINE);
  CHECK_INT(last_warn_off, 3);
  /* not an array: JSON lines keep line numbers */
  const char *jl = "{\"a\": 1}\n\n{\"a\": 2}\n";
  CHECK_INT(read_bytes(jl, strlen(jl), NULL, rec), 2);
  CHECK(rec[0] == 1 && rec[1] == 3);
}

/* New-InboxRule: a parameter called "Name" must not mix with the pairs' own
 * Name entries. */
TEST(name_value_named_name) {
  SigmaEvent ev;
  sev_init(&ev);
  const char *rec = "{\"Workload\": \"Exchange\", \"RecordType\": 1, \"Operation\": \"New-InboxRule\","
                    " \"Parameters\": [{\"Name\": \"Name\", \"Value\": \"fwd\"},"
                    " {\"Name\": \"ForwardTo\", \"Value\": \"x@evil.example\"},"
                    " {\"Name\": \"Value\", \"Value\": \"v\"}]}";
  nwarn = 0;
  CHECK_INT(read_all(rec, &ev, NULL), 1);
  CHECK_INT(nwarn, 0);
  CHECK_INT(count(&ev, "Parameters.Name"), 1);
  CHECK_STR(get(&ev, "Parameters.Name"), "fwd");
  CHECK_INT(count(&ev, "Parameters.Value"), 1);
  CHECK_STR(get(&ev, "Parameters.Value"), "v");
  CHECK_STR(get(&ev, "Parameters.ForwardTo"), "x@evil.example");
  CHECK_STR(get(&ev, "ForwardTo"), "x@evil.example");
  CHECK_STR(get(&ev, "Name"), "fwd");
  CHECK(strstr(get(&ev, "Parameters"), "\"Name\": \"Name\"") != NULL);   /* whole text kept */
  sev_free(&ev);
}

/* Padded hex from non-EVTX exporters becomes what the EVTX reader renders. */
TEST(hex_unpadded) {
  SigmaEvent ev;
  sev_init(&ev);
  const char *rec = "{\"SubjectLogonId\": \"0x00000000000003e7\", \"TargetLogonId\": \"0x000003E7\","
                    " \"Zero\": \"0x00000000\", \"n\": {\"x\": \"0x0000000A\", \"l\": [\"0x00000001\"]},"
                    " \"e\": \"0x\\u003000003e7\","
                    " \"Keep1\": \"0x3E7\", \"Keep2\": \"0x00003e7\", \"Keep3\": \"0x8020000000000000\","
                    " \"Keep4\": \"0x0000000g\", \"Keep5\": \"0x0000003e7\", \"Keep6\": \"0X000003E7\","
                    " \"Keep7\": \"x0x000003E7\", \"Keep8\": \"0x80000000\"}";
  CHECK_INT(read_all(rec, &ev, NULL), 1);
  CHECK_STR(get(&ev, "SubjectLogonId"), "0x3e7");
  CHECK_STR(get(&ev, "TargetLogonId"), "0x3e7");
  CHECK_STR(get(&ev, "Zero"), "0x0");
  CHECK_STR(get(&ev, "n.x"), "0xa");
  CHECK_STR(get(&ev, "n.l"), "0x1");
  CHECK_STR(get(&ev, "e"), "0x3e7");
  CHECK_STR(get(&ev, "Keep1"), "0x3E7");
  CHECK_STR(get(&ev, "Keep2"), "0x00003e7");
  CHECK_STR(get(&ev, "Keep3"), "0x8020000000000000");
  CHECK_STR(get(&ev, "Keep4"), "0x0000000g");
  CHECK_STR(get(&ev, "Keep5"), "0x0000003e7");
  CHECK_STR(get(&ev, "Keep6"), "0X000003E7");
  CHECK_STR(get(&ev, "Keep7"), "x0x000003E7");
  CHECK_STR(get(&ev, "Keep8"), "0x80000000");
  /* the raw text of a nested object is left as written */
  CHECK(strstr(get(&ev, "n"), "0x0000000A") != NULL);
  /* the same in an M365 CSV / AuditData path (sin_json_flatten) and a Name/Value pair */
  SinJson *j = sin_json_new();
  const char *why;
  size_t at;
  const char *r2 = "{\"P\": [{\"Name\": \"LogonId\", \"Value\": \"0x000003E7\"}]}";
  sev_reset(&ev);
  CHECK_INT(sin_json_flatten(j, r2, strlen(r2), &ev, &why, &at), 0);
  CHECK_STR(get(&ev, "P.LogonId"), "0x3e7");
  CHECK_STR(get(&ev, "LogonId"), "0x3e7");
  sin_json_free(j);
  sev_free(&ev);
}

/* UTF-8 (BMP and pairs) to UTF-16 with a BOM. */
static size_t utf16(const char *s, int be, unsigned char *out) {
  size_t o = 0;
  unsigned u[2];
  out[o++] = be ? 0xFE : 0xFF;
  out[o++] = be ? 0xFF : 0xFE;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    unsigned cp;
    if (*p < 0x80) cp = *p++;
    else if (*p < 0xE0) { cp = (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu); p += 2; }
    else if (*p < 0xF0) { cp = (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu); p += 3; }
    else { cp = (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu); p += 4; }
    int k = 1;
    if (cp >= 0x10000) { u[0] = 0xD800 + ((cp - 0x10000) >> 10); u[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF); k = 2; }
    else u[0] = cp;
    for (int i = 0; i < k; i++) {
      out[o++] = (unsigned char)(be ? u[i] >> 8 : u[i] & 0xFF);
      out[o++] = (unsigned char)(be ? u[i] & 0xFF : u[i] >> 8);
    }
  }
  return o;
}

/* What Windows PowerShell 5.1 writes with Out-File and ">": UTF-16 with a
 * BOM, read as UTF-8 by every text reader, plain or gzip-compressed. */
TEST(utf16_json) {
  static unsigned char b[1 << 16];
  SigmaEvent ev;
  sev_init(&ev);
  uint64_t rec[16];
  const char *lines = "{\"User\": \"Bjørn Ærlig\", \"Emoji\": \"\xF0\x9F\x98\x80\"}\r\n{\"User\": \"å\"}\r\n";
  for (int be = 0; be < 2; be++) {
    size_t n = utf16(lines, be, b);
    nwarn = 0;
    CHECK_INT(read_bytes(b, n, &ev, rec), 2);
    CHECK_INT(nwarn, 0);
    CHECK_STR(get(&ev, "User"), "å");
    CHECK(rec[1] == 2);
  }
  size_t n = utf16(lines, 0, b);
  CHECK_INT(read_bytes(b, n, &ev, NULL), 2);
  CHECK_INT(read_bytes(b, n - 4, NULL, NULL), 2);   /* without the last CRLF */
  /* first event's fields */
  SigmaEvent first;
  sev_init(&first);
  Err err = {0};
  SigmaInput *in = sigma_input_open_mem("u.json", b, n, &opts, &err);
  CHECK_INT(sigma_input_next(in, &first, &err), 1);
  CHECK_STR(get(&first, "User"), "Bjørn Ærlig");
  CHECK_STR(get(&first, "Emoji"), "\xF0\x9F\x98\x80");
  sigma_input_close(in);
  /* a ConvertTo-Json array, big-endian, gzip-compressed, over several reads */
  char arr[40000];
  size_t an = 0;
  an += (size_t)sprintf(arr, "[\r\n");
  for (int i = 0; i < 300; i++)
    an += (size_t)sprintf(arr + an, "    {\r\n        \"Operation\":  \"Op%d\",\r\n        \"UserId\":  \"æøå%d\"\r\n    }%s\r\n",
                          i, i, i < 299 ? "," : "");
  an += (size_t)sprintf(arr + an, "]\r\n");
  n = utf16(arr, 1, b);
  size_t gn;
  unsigned char *gz = gzip_mem((const char *)b, n, &gn);
  nwarn = 0;
  CHECK_INT(read_bytes(gz, gn, &ev, rec), 300);
  CHECK_INT(nwarn, 0);
  CHECK_STR(get(&ev, "UserId"), "æøå299");
  CHECK(rec[0] == 1 && rec[1] == 2);
  free(gz);
  /* unpaired surrogates and an odd last byte become U+FFFD */
  unsigned char bad[] = {0xFF, 0xFE, '{', 0, '"', 0, 'a', 0, '"', 0, ':', 0, '"', 0,
                         0x3D, 0xD8, 'x', 0, 0x00, 0xDE, '"', 0, '}', 0, '\n', 0, 'z'};
  nwarn = 0;
  CHECK_INT(read_bytes(bad, sizeof bad - 1, &ev, NULL), 1);
  CHECK_STR(get(&ev, "a"), "\xEF\xBF\xBDx\xEF\xBF\xBD");
  CHECK_INT(read_bytes(bad, sizeof bad, &ev, NULL), 1);   /* "z" + odd byte: a bad line, reported */
  sev_free(&first);
  sev_free(&ev);
}

static int count_units_failed(const SigmaUnitList *l) {
  int n = 0;
  for (size_t i = 0; i < l->n; i++) n += l->u[i].error != NULL;
  return n;
}

/* A folder tree with a link loop, a missing path and an empty folder among
 * the inputs: each is reported and skipped, everything else is read, and the
 * caller can tell that some input could not be read. */
TEST(plan_skips_unreadable) {
  char dir[] = "/tmp/varde-splan-XXXXXX", p[512], q[512];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(p, sizeof p, "%s/a.json", dir); write_file(p, "{\"n\": 1}\n");
  snprintf(p, sizeof p, "%s/sub", dir); mkdir(p, 0700);
  snprintf(p, sizeof p, "%s/sub/b.json", dir); write_file(p, "{\"n\": 2}\n");
  snprintf(p, sizeof p, "%s/sub/up", dir); CHECK(symlink("..", p) == 0);       /* loop */
  snprintf(p, sizeof p, "%s/self", dir); CHECK(symlink("self", p) == 0);       /* ELOOP */
  snprintf(p, sizeof p, "%s/empty.log", dir); write_file(p, "");               /* fine */
  snprintf(p, sizeof p, "%s/notes.txt", dir); write_file(p, "just some notes\n");
  snprintf(p, sizeof p, "%s/locked", dir); mkdir(p, 0000);
  snprintf(q, sizeof q, "%s/none", dir); mkdir(q, 0700);                       /* empty folder */
  const char *paths[] = {dir, "/nonexistent/varde-x", q};
  SigmaUnitList l;
  Err err = {0};
  CHECK_INT(sigma_input_plan(paths, 3, 0, &l, &err), 0);
  int root = geteuid() == 0;        /* root opens the locked folder anyway */
  CHECK_INT(l.skipped, (size_t)(root ? 4 : 5));
  CHECK_INT(count_units_failed(&l), (int)l.skipped);
  /* every unit in order; the readable ones read as work units */
  int events = 0, failed = 0, unreadable = 0;
  for (size_t i = 0; i < l.n; i++) {
    SigmaInput *in = sigma_input_open_unit(&l.u[i], &opts, &err);
    SigmaEvent ev;
    sev_init(&ev);
    int r;
    nwarn = 0;
    while ((r = sigma_input_next(in, &ev, &err)) == 1) events++;
    if (r < 0) {
      failed++;
      CHECK(strncmp(err.msg, l.u[i].path, strlen(l.u[i].path)) == 0);
    }
    unreadable += (int)sigma_input_stats(in)->unreadable;
    sigma_input_close(in);
    sev_free(&ev);
  }
  CHECK_INT(events, 2);
  CHECK_INT(failed, (int)l.skipped);   /* notes.txt, of unknown format in a folder, is passed over */
  CHECK_INT(unreadable, failed);
  sigma_units_free(&l);
  /* the same through sigma_input_open: warnings name path and reason */
  SigmaInput *in = sigma_input_open(dir, &opts, &err);
  SigmaEvent ev;
  sev_init(&ev);
  nwarn = 0;
  events = 0;
  while (sigma_input_next(in, &ev, &err) == 1) events++;
  CHECK_INT(events, 2);
  CHECK_INT(sigma_input_stats(in)->unreadable, (uint64_t)(root ? 2 : 3));
  snprintf(p, sizeof p, "%s/self|symbolsk lenke i løkke (", dir);
  CHECK(strstr(warn_all, p) != NULL);
  snprintf(p, sizeof p, "%s/sub/up|symbolsk lenke i løkke: mappen er allerede under lesing", dir);
  CHECK(strstr(warn_all, p) != NULL);
  snprintf(p, sizeof p, "%s/notes.txt|ikke en loggfil (ukjent format)", dir);
  CHECK(strstr(warn_all, p) != NULL);
  if (!root) {
    snprintf(p, sizeof p, "%s/locked|mappen kan ikke leses (", dir);
    CHECK(strstr(warn_all, p) != NULL);
  }
  CHECK(strstr(warn_all, "empty.log") == NULL);
  sigma_input_close(in);
  in = sigma_input_open(q, &opts, &err);
  nwarn = 0;
  CHECK_INT(sigma_input_next(in, &ev, &err), 0);
  CHECK(strstr(warn_all, "ingen loggfiler funnet i mappen") != NULL);
  sigma_input_close(in);
  sev_free(&ev);
  const char *rm[] = {"a.json", "sub/b.json", "sub/up", "self", "empty.log", "notes.txt"};
  for (int i = 0; i < 6; i++) { snprintf(p, sizeof p, "%s/%s", dir, rm[i]); unlink(p); }
  const char *rd[] = {"sub", "locked", "none"};
  for (int i = 0; i < 3; i++) { snprintf(p, sizeof p, "%s/%s", dir, rd[i]); rmdir(p); }
  rmdir(dir);
}

int main(void) {
  RUN(flat_and_nested);
  RUN(epoch_times);
  RUN(escapes_and_surrogates);
  RUN(arrays_repeat);
  RUN(name_value_lifting);
  RUN(evtx_dump_shape);
  RUN(bad_lines_skipped);
  RUN(line_shapes);
  RUN(depth_limit);
  RUN(event_size_bound);
  RUN(pretty_documents_and_array);
  RUN(bom_and_auditdata_string);
  RUN(gzip_file);
  RUN(folder_order);
  RUN(string_scan_block_edges);
  RUN(string_scan_unterminated);
  RUN(gzip_truncated_and_corrupt);
  RUN(array_positions);
  RUN(name_value_named_name);
  RUN(hex_unpadded);
  RUN(utf16_json);
  RUN(plan_skips_unreadable);
  return TEST_DONE();
}
