/* test_sigma_json.c — JSON event input: flattening, escapes, arrays,
 * Name/Value lifting, evtx_dump-shaped records, damaged lines, gzip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "sigma/input/input.h"
#include "sigma/input/sin.h"
#include "test.h"

static int nwarn;
static uint64_t last_warn_off;
static void on_warn(void *ctx, const char *file, uint64_t off, const char *reason) {
  (void)ctx; (void)file; (void)reason;
  nwarn++;
  last_warn_off = off;
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
  int n = read_all("{\"a\": 1}\n{\"a\": \n\n{\"a\": 3,}\n{\"a\": \"\\x\"}\n{\"a\": 5} x\n[1]\n{\"a\": 7}\n", &ev, &first);
  CHECK_INT(n, 2);
  CHECK_INT(nwarn, 5);
  CHECK_STR(get(&first, "a"), "1");
  CHECK_STR(get(&ev, "a"), "7");
  CHECK_INT(ev.record, 8);
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
  Err e2 = {0};
  CHECK(sigma_input_open("/nonexistent/varde", &opts, &e2) == NULL);
  CHECK(e2.code == VERR_IO);
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
    {"\\\\", "\\"}, {"\\\"", "\""}, {"\\/", "/"}, {"\\n", "\n"}, {"\\u00e9", "\xc3\xa9"}, {"", ""}};
  SinJson *j = sin_json_new();
  SigmaEvent ev;
  sev_init(&ev);
  char rec[512], want[256], pre[64], post[64];
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
  return TEST_DONE();
}
