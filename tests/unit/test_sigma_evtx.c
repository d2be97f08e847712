/* test_sigma_evtx.c — the EVTX reader: value rendering, the whole shared
 * corpus, a differential test against the SigmaHQ regression JSON twins,
 * corrupted chunks and records, and chunk-range work units. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "sigma/input/evtx.h"
#include "sigma/input/input.h"
#include "test.h"

static char shared[1024];
static int have_shared;

static int nwarn;
static uint64_t warn_off[64];
static SigmaPosKind warn_kind[64];
static char warn_all[8192];     /* every reason since nwarn was last reset, one per line */
static void on_warn(void *ctx, const char *file, SigmaPosKind kind, uint64_t off, const char *reason) {
  (void)ctx; (void)file;
  if (nwarn == 0) warn_all[0] = '\0';
  if (nwarn < 64) { warn_off[nwarn] = off; warn_kind[nwarn] = kind; }
  size_t l = strlen(warn_all);
  snprintf(warn_all + l, sizeof warn_all - l, "%s\n", reason);
  nwarn++;
}
static const SigmaInputOpts opts = {.warn = on_warn};

static const char *get(const SigmaEvent *e, const char *name) {
  const SigmaField *f = sev_get(e, name, strlen(name));
  return f ? sev_val(e, f) : NULL;
}

static const char *render(uint8_t type, const void *p, size_t n) {
  static Buf b;
  if (!b.max) buf_init(&b, 1 << 20);
  buf_reset(&b);
  evtx_render(&b, type, p, n, '|');
  return buf_cstr(&b);
}

TEST(value_rendering) {
  uint8_t i8 = 0xff, u16[2] = {0x34, 0x12}, i32[4] = {0xfe, 0xff, 0xff, 0xff};
  uint8_t hex32[4] = {0x1f, 0, 0, 0}, hex64[8] = {0x27, 0x55, 0x08, 0, 0, 0, 0, 0};
  uint8_t kw[8] = {0, 0, 0, 0, 0, 0, 0x20, 0x80}, zero64[8] = {0};
  CHECK_STR(render(EVT_INT8, &i8, 1), "-1");
  CHECK_STR(render(EVT_UINT8, &i8, 1), "255");
  CHECK_STR(render(EVT_UINT16, u16, 2), "4660");
  CHECK_STR(render(EVT_INT32, i32, 4), "-2");
  CHECK_STR(render(EVT_UINT32, i32, 4), "4294967294");
  CHECK_STR(render(EVT_HEXINT32, hex32, 4), "0x1f");
  CHECK_STR(render(EVT_HEXINT64, hex64, 8), "0x85527");
  CHECK_STR(render(EVT_HEXINT64, kw, 8), "0x8020000000000000");
  CHECK_STR(render(EVT_HEXINT64, zero64, 8), "0x0");
  CHECK_STR(render(EVT_SIZET, hex64, 8), "0x85527");
  uint8_t t[4] = {1, 0, 0, 0}, f[4] = {0};
  CHECK_STR(render(EVT_BOOL, t, 4), "true");
  CHECK_STR(render(EVT_BOOL, f, 4), "false");
  uint8_t guid[16] = {0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49,
                      0xa5, 0xba, 0x3e, 0x3b, 0x03, 0x28, 0xc3, 0x0d};
  CHECK_STR(render(EVT_GUID, guid, 16), "{54849625-5478-4994-A5BA-3E3B0328C30D}");
  uint8_t sid[16] = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 0x02, 0, 0};
  CHECK_STR(render(EVT_SID, sid, 16), "S-1-5-32-544");
  uint8_t sys18[12] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
  CHECK_STR(render(EVT_SID, sys18, 12), "S-1-5-18");
  /* 2021-10-20T13:39:17.3154798Z */
  uint64_t ft = 132792107573154798ULL;
  uint8_t ftb[8];
  for (int i = 0; i < 8; i++) ftb[i] = (uint8_t)(ft >> (8 * i));
  CHECK_STR(render(EVT_FILETIME, ftb, 8), "2021-10-20T13:39:17.3154798Z");
  uint8_t st[16] = {0xe5, 0x07, 10, 0, 3, 0, 20, 0, 13, 0, 39, 0, 17, 0, 0x3b, 0x01};
  CHECK_STR(render(EVT_SYSTEMTIME, st, 16), "2021-10-20T13:39:17.315Z");
  uint8_t str[10] = {'a', 0, 0xe6, 0, 0x3d, 0xd8, 0x00, 0xde, 0, 0};
  CHECK_STR(render(EVT_STRING, str, 10), "a\xc3\xa6\xf0\x9f\x98\x80");
  uint8_t arr[12] = {'x', 0, 0, 0, 'y', 0, 'z', 0, 0, 0, 0, 0};
  CHECK_STR(render(EVT_STRING | 0x80, arr, 10), "x|yz");
  uint8_t u32s[8] = {1, 0, 0, 0, 2, 0, 0, 0};
  CHECK_STR(render(EVT_UINT32 | 0x80, u32s, 8), "1|2");
  uint8_t bin[3] = {0xde, 0xad, 0x01};
  CHECK_STR(render(EVT_BINARY, bin, 3), "DEAD01");
  CHECK_STR(render(EVT_ANSI, "ab\xe6", 3), "ab\xc3\xa6");
  CHECK_STR(render(EVT_UINT64, bin, 3), "DEAD01");   /* short value: no over-read */
  uint8_t r64[8] = {0, 0, 0, 0, 0, 0, 0xf8, 0x3f};
  CHECK_STR(render(EVT_REAL64, r64, 8), "1.5");
}

/* Reads every event of path; returns the count, errors in *errors. */
static long read_count(const char *path, uint64_t *errors) {
  Err err = {0};
  SigmaInput *in = sigma_input_open(path, &opts, &err);
  if (!in) return -1;
  SigmaEvent ev;
  sev_init(&ev);
  long n = 0;
  while (sigma_input_next(in, &ev, &err) == 1) n++;
  if (errors) *errors = sigma_input_stats(in)->errors;
  sigma_input_close(in);
  sev_free(&ev);
  return n;
}

static int ends_with(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Calls fn on every file under dir ending in suffix. */
static void each_file(const char *dir, const char *suffix, void (*fn)(const char *)) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    struct stat st;
    if (stat(p, &st)) continue;
    if (S_ISDIR(st.st_mode)) each_file(p, suffix, fn);
    else if (ends_with(p, suffix)) fn(p);
  }
  closedir(d);
}

static long corpus_files, corpus_events, corpus_errors;
static void corpus_one(const char *path) {
  uint64_t errors = 0;
  long n = read_count(path, &errors);
  corpus_files++;
  if (n > 0) corpus_events += n;
  corpus_errors += (long)errors;
  if (errors) fprintf(stderr, "# %s: %llu errors\n", path, (unsigned long long)errors);
}

TEST(whole_corpus) {
  if (!have_shared) { printf("# skipped: ../shared/data/evtx not found\n"); return; }
  char dir[1200];
  snprintf(dir, sizeof dir, "%s/data/evtx", shared);
  nwarn = 0;
  each_file(dir, ".evtx", corpus_one);
  printf("# corpus: %ld files, %ld events, %ld errors\n", corpus_files, corpus_events, corpus_errors);
  CHECK(corpus_files > 500);
  CHECK(corpus_events > 24000);
  CHECK_INT(corpus_errors, 0);
}

/* --- differential test against evtx_dump JSON twins --------------------- */

typedef struct Copy { SigmaEvent ev; } Copy;

/* Same value up to the two documented differences: evtx_dump prints GUIDs
 * without braces and times with 6 (or 9) instead of Windows' 7 fraction
 * digits. */
static int same_value(const char *json, const char *ours) {
  if (strcmp(json, ours) == 0) return 1;
  size_t a = strlen(json), b = strlen(ours);
  if (b == a + 2 && ours[0] == '{' && ours[b - 1] == '}' && strncmp(ours + 1, json, a) == 0) return 1;
  if (a >= 27 && b == 28 && json[10] == 'T' && json[a - 1] == 'Z' && strncmp(json, ours, 26) == 0) return 1;
  return 0;
}

static long diff_pairs, diff_events, diff_fields, diff_bad, diff_case;
static void diff_one(const char *evtx) {
  char json[4096];
  snprintf(json, sizeof json, "%.*s.json", (int)(strlen(evtx) - 5), evtx);
  if (access(json, R_OK)) return;
  diff_pairs++;
  Copy ours[64];
  int n = 0;
  Err err = {0};
  SigmaEvent ev;
  sev_init(&ev);
  SigmaInput *in = sigma_input_open(evtx, &opts, &err);
  while (in && n < 64 && sigma_input_next(in, &ev, &err) == 1) {
    sev_init(&ours[n].ev);
    CHECK_INT(sev_copy(&ours[n++].ev, &ev), 0);
  }
  sigma_input_close(in);
  in = sigma_input_open(json, &opts, &err);
  while (in && sigma_input_next(in, &ev, &err) == 1) {
    diff_events++;
    const char *rid = get(&ev, "EventRecordID");
    const SigmaEvent *o = NULL;
    for (int i = 0; i < n && rid; i++)
      if (get(&ours[i].ev, "EventRecordID") && strcmp(get(&ours[i].ev, "EventRecordID"), rid) == 0) o = &ours[i].ev;
    if (!o) { diff_bad++; fprintf(stderr, "# %s: record %s not in EVTX\n", json, rid ? rid : "?"); continue; }
    for (uint32_t i = 0; i < ev.n; i++) {
      const SigmaField *f = &ev.f[i];
      if (f->kind == SEV_NULL) continue;
      diff_fields++;
      const char *v = get(o, sev_name(&ev, f));
      if (v && !same_value(sev_val(&ev, f), v) && strcasecmp(sev_val(&ev, f), v) == 0) {
        /* one twin was edited by hand (Explorer.exe vs Explorer.EXE in the
         * EVTX); Sigma compares case-insensitively, so only count it */
        diff_case++;
        fprintf(stderr, "# %s: %s differs in case only: json \"%s\" evtx \"%s\"\n", json,
                sev_name(&ev, f), sev_val(&ev, f), v);
      } else if (!v || !same_value(sev_val(&ev, f), v)) {
        diff_bad++;
        fprintf(stderr, "# %s: %s: json \"%s\" evtx \"%s\"\n", json, sev_name(&ev, f), sev_val(&ev, f), v ? v : "(missing)");
      }
    }
  }
  sigma_input_close(in);
  for (int i = 0; i < n; i++) sev_free(&ours[i].ev);
  sev_free(&ev);
}

TEST(regression_twins) {
  if (!have_shared) { printf("# skipped: ../shared/data/sigma not found\n"); return; }
  char dir[1200];
  snprintf(dir, sizeof dir, "%s/data/sigma/regression_data", shared);
  each_file(dir, ".evtx", diff_one);
  printf("# twins: %ld pairs, %ld events, %ld fields compared, %ld differences, %ld in case only\n",
         diff_pairs, diff_events, diff_fields, diff_bad, diff_case);
  CHECK(diff_pairs > 150);
  CHECK(diff_fields > 5000);
  CHECK_INT(diff_bad, 0);
  CHECK(diff_case <= 1);
}

/* --- damage ------------------------------------------------------------- */

static const char *big_file(void) {
  static char p[1200];
  snprintf(p, sizeof p, "%s/data/evtx/DeepBlueCLI/smb-password-guessing-security.evtx", shared);
  return access(p, R_OK) == 0 ? p : NULL;
}

static int copy_file(const char *from, const char *to, long cut) {
  FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
  if (!a || !b) { if (a) fclose(a); if (b) fclose(b); return -1; }
  char buf[65536];
  size_t n;
  long total = 0;
  while ((n = fread(buf, 1, sizeof buf, a)) > 0) {
    if (cut >= 0 && total + (long)n > cut) n = (size_t)(cut - total);
    fwrite(buf, 1, n, b);
    total += (long)n;
    if (cut >= 0 && total >= cut) break;
  }
  fclose(a);
  fclose(b);
  return 0;
}

static void poke(const char *path, long off, const void *bytes, size_t n) {
  FILE *f = fopen(path, "r+b");
  if (!f) return;
  fseek(f, off, SEEK_SET);
  fwrite(bytes, 1, n, f);
  fclose(f);
}

/* Events per chunk via one-chunk work units. */
static long chunk_events(const char *path, uint32_t chunk) {
  SigmaUnitList l;
  Err err = {0};
  const char *p = path;
  if (sigma_input_plan(&p, 1, 1, &l, &err)) return -1;
  long n = -1;
  if (chunk < l.n) {
    SigmaInput *in = sigma_input_open_unit(&l.u[chunk], &opts, &err);
    SigmaEvent ev;
    sev_init(&ev);
    n = 0;
    while (sigma_input_next(in, &ev, &err) == 1) n++;
    sigma_input_close(in);
    sev_free(&ev);
  }
  sigma_units_free(&l);
  return n;
}

TEST(corrupted_chunk_and_record) {
  const char *src = big_file();
  if (!src) { printf("# skipped: corpus file not found\n"); return; }
  char dir[] = "/tmp/varde-evtx-XXXXXX", path[256];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/damaged.evtx", dir);
  long total = read_count(src, NULL), c1 = chunk_events(src, 1);
  CHECK(total > 1000 && c1 > 10);
  /* 1: flip a byte in chunk 1's header: that chunk is reported and skipped */
  CHECK(copy_file(src, path, -1) == 0);
  long chunk1 = 4096 + 65536;
  poke(path, chunk1 + 20, "\x77", 1);
  nwarn = 0;
  uint64_t errors;
  CHECK_INT(read_count(path, &errors), total - c1);
  CHECK_INT(nwarn, 1);
  CHECK_INT(warn_off[0], chunk1);
  /* 2: also break one record signature in chunk 2: only that record is lost
   * (the chunk's data checksum fails too, which is reported) */
  long chunk2 = chunk1 + 65536;
  poke(path, chunk2 + 512, "XX", 2);
  nwarn = 0;
  CHECK_INT(read_count(path, &errors), total - c1 - 1);
  CHECK_INT(nwarn, 3);
  CHECK_INT(warn_off[1], chunk2);
  CHECK_INT(warn_off[2], chunk2 + 512);
  /* 3: garbage inside a record's binary XML: that record is skipped */
  CHECK(copy_file(src, path, -1) == 0);
  uint8_t junk[64];
  memset(junk, 0xEE, sizeof junk);
  poke(path, chunk1 + 512 + 24, junk, sizeof junk);
  nwarn = 0;
  long n3 = read_count(path, &errors);
  CHECK(n3 >= total - c1 && n3 < total);   /* records sharing a damaged template fail too */
  CHECK(nwarn >= 2 && warn_off[0] == (uint64_t)chunk1 && warn_off[1] == (uint64_t)(chunk1 + 512));
  /* 4: cut in the middle of chunk 3: chunks 0-2 are read whole */
  CHECK(copy_file(src, path, 4096 + 3 * 65536 + 1000) == 0);
  long c0 = chunk_events(src, 0), c2 = chunk_events(src, 2);
  nwarn = 0;
  long n4 = read_count(path, &errors);
  CHECK(n4 >= c0 + c1 + c2);
  /* 5: a file of random bytes after a valid header never crashes */
  CHECK(copy_file(src, path, 4096) == 0);
  FILE *f = fopen(path, "ab");
  srand(7);
  for (int i = 0; i < 3 * 65536; i++) fputc(rand() & 0xff, f);
  fclose(f);
  CHECK_INT(read_count(path, &errors), 0);
  unlink(path);
  rmdir(dir);
}

TEST(gzip_evtx) {
  const char *src = big_file();
  if (!src) { printf("# skipped: corpus file not found\n"); return; }
  char dir[] = "/tmp/varde-evtxgz-XXXXXX", path[256];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/security.evtx.gz", dir);
  FILE *in = fopen(src, "rb");
  gzFile gz = gzopen(path, "wb1");
  char buf[65536];
  size_t n;
  while (in && (n = fread(buf, 1, sizeof buf, in)) > 0) gzwrite(gz, buf, (unsigned)n);
  if (in) fclose(in);
  gzclose(gz);
  nwarn = 0;
  CHECK_INT(read_count(path, NULL), read_count(src, NULL));
  CHECK_INT(nwarn, 0);
  unlink(path);
  rmdir(dir);
}

TEST(chunk_units_same_order) {
  const char *src = big_file();
  if (!src) { printf("# skipped: corpus file not found\n"); return; }
  SigmaUnitList l;
  Err err = {0};
  CHECK(sigma_input_plan(&src, 1, 7, &l, &err) == 0);
  CHECK(l.n > 3);
  SigmaInput *whole = sigma_input_open(src, &opts, &err);
  SigmaEvent a, b;
  sev_init(&a);
  sev_init(&b);
  long n = 0, same = 0;
  uint64_t bytes = 0;
  for (size_t u = 0; u < l.n; u++) {
    SigmaInput *in = sigma_input_open_unit(&l.u[u], &opts, &err);
    while (sigma_input_next(in, &b, &err) == 1) {
      n++;
      if (sigma_input_next(whole, &a, &err) == 1 && a.record == b.record && a.n == b.n) same++;
    }
    bytes += sigma_input_stats(in)->bytes;
    sigma_input_close(in);
  }
  struct stat st;
  CHECK(stat(src, &st) == 0);
  /* every unit reads the 4 KiB file header, and nothing it skips */
  CHECK_INT(bytes, (uint64_t)st.st_size + 4096 * (l.n - 1));
  CHECK_INT(sigma_input_next(whole, &a, &err), 0);
  CHECK(n > 1000);
  CHECK_INT(same, n);
  sigma_input_close(whole);
  sigma_units_free(&l);
  sev_free(&a);
  sev_free(&b);
}

TEST(system_and_eventdata_fields) {
  const char *src = big_file();
  if (!src) { printf("# skipped: corpus file not found\n"); return; }
  Err err = {0};
  SigmaInput *in = sigma_input_open(src, &opts, &err);
  SigmaEvent ev;
  sev_init(&ev);
  CHECK_INT(sigma_input_next(in, &ev, &err), 1);
  CHECK_STR(get(&ev, "Channel"), "Security");
  CHECK_STR(get(&ev, "Provider_Name"), "Microsoft-Windows-Security-Auditing");
  CHECK_STR(get(&ev, "Provider_Guid"), "{54849625-5478-4994-A5BA-3E3B0328C30D}");
  CHECK(get(&ev, "EventID") && get(&ev, "Execution_ProcessID") && get(&ev, "Computer"));
  CHECK(get(&ev, "TimeCreated_SystemTime") != NULL);
  CHECK(ev.time_ms > 1400000000000LL);
  CHECK_INT(ev.format, SFMT_EVTX);
  CHECK(ev.record > 0);
  CHECK_STR(ev.source, src);
  sigma_input_close(in);
  sev_free(&ev);
}

/* Every record of a file decoded twice: with compiled templates and with
 * the plain token walk; both must give the same fields in the same order. */
static long prog_records, prog_diffs;
static void programs_one(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return;
  static uint8_t chunk[65536];
  EvtxBx *fast = evtx_bx_new(), *slow = evtx_bx_new();
  evtx_bx_programs(slow, 0);
  SigmaEvent a, b;
  sev_init(&a);
  sev_init(&b);
  fseek(f, 4096, SEEK_SET);
  while (fread(chunk, 1, sizeof chunk, f) == sizeof chunk) {
    if (memcmp(chunk, "ElfChnk", 8) != 0) continue;
    evtx_bx_chunk(fast, chunk, sizeof chunk);
    evtx_bx_chunk(slow, chunk, sizeof chunk);
    uint32_t end = (uint32_t)chunk[48] | (uint32_t)chunk[49] << 8 | (uint32_t)chunk[50] << 16;
    for (uint32_t r = 512; r + 28 <= end && end <= sizeof chunk;) {
      uint32_t size = (uint32_t)chunk[r + 4] | (uint32_t)chunk[r + 5] << 8 | (uint32_t)chunk[r + 6] << 16;
      if (memcmp(chunk + r, "**\0\0", 4) != 0 || size < 28 || r + size > end) break;
      const char *w1 = NULL, *w2 = NULL;
      sev_reset(&a);
      sev_reset(&b);
      int r1 = evtx_bx_record(fast, r + 24, size - 28, &a, &w1);
      int r2 = evtx_bx_record(slow, r + 24, size - 28, &b, &w2);
      prog_records++;
      int same = r1 == r2 && a.n == b.n && a.time_ms == b.time_ms;
      for (uint32_t i = 0; same && i < a.n; i++)
        same = strcmp(sev_name(&a, &a.f[i]), sev_name(&b, &b.f[i])) == 0 &&
               strcmp(sev_val(&a, &a.f[i]), sev_val(&b, &b.f[i])) == 0;
      if (!same && prog_diffs++ < 5) fprintf(stderr, "# %s: chunk record at %u differs\n", path, r);
      r += size;
    }
  }
  sev_free(&a);
  sev_free(&b);
  evtx_bx_free(fast);
  evtx_bx_free(slow);
  fclose(f);
}

TEST(programs_equal_walker) {
  if (!have_shared) { printf("# skipped: ../shared/data/evtx not found\n"); return; }
  char dir[1200];
  snprintf(dir, sizeof dir, "%s/data/evtx", shared);
  each_file(dir, ".evtx", programs_one);
  snprintf(dir, sizeof dir, "%s/data/sigma/regression_data", shared);
  each_file(dir, ".evtx", programs_one);
  printf("# compiled templates vs token walk: %ld records, %ld differences\n", prog_records, prog_diffs);
  CHECK(prog_records > 24000);
  CHECK_INT(prog_diffs, 0);
}

/* A file cut short: the header says how many chunks there should be, and
 * the reader says how many it found (and keeps what it could read). */
TEST(truncated_file_reported) {
  const char *src = big_file();
  if (!src) { printf("# skipped: corpus file not found\n"); return; }
  FILE *f = fopen(src, "rb");
  uint8_t h[64];
  CHECK(f && fread(h, 1, sizeof h, f) == sizeof h);
  if (f) fclose(f);
  unsigned declared = h[42] | h[43] << 8;
  CHECK(declared >= 4);
  char dir[] = "/tmp/varde-evtxcut-XXXXXX", path[256], want[128];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/cut.evtx", dir);
  static const struct { long cut; unsigned have; int partial; } cuts[] = {
    {2000, 0, 0}, {4096, 0, 0}, {4096 + 2 * 65536, 2, 0}, {4096 + 2 * 65536 + 3000, 3, 1}};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    CHECK(copy_file(src, path, cuts[i].cut) == 0);
    nwarn = 0;
    uint64_t errors = 0;
    long n = read_count(path, &errors);
    long whole = 0;
    for (unsigned c = 0; c < cuts[i].have - (unsigned)cuts[i].partial && c < 64; c++) whole += chunk_events(src, c);
    CHECK(n >= whole);
    snprintf(want, sizeof want, "filhodet oppgir %u blokker (chunks), men filen har %u%s", declared,
             cuts[i].have, cuts[i].partial ? " (den siste ufullstendig)" : "");
    if (!strstr(warn_all, want)) printf("# cut %ld: want \"%s\", got:\n%s", cuts[i].cut, want, warn_all);
    CHECK(strstr(warn_all, "EVTX-filen er avkortet") != NULL);
    CHECK(strstr(warn_all, want) != NULL);
    CHECK(errors >= 1);
  }
  /* split into one-chunk work units, the last unit finds the cut */
  CHECK(copy_file(src, path, 4096 + 3 * 65536) == 0);
  SigmaUnitList l;
  Err perr = {0};
  const char *pp = path;
  CHECK_INT(sigma_input_plan(&pp, 1, 1, &l, &perr), 0);
  CHECK_INT(l.n, 3);
  nwarn = 0;
  for (size_t i = 0; i < l.n; i++) {
    SigmaInput *ui = sigma_input_open_unit(&l.u[i], &opts, &perr);
    SigmaEvent uev;
    sev_init(&uev);
    while (sigma_input_next(ui, &uev, &perr) == 1) {}
    sigma_input_close(ui);
    sev_free(&uev);
    CHECK_INT(nwarn, i == 2 ? 1 : 0);
  }
  snprintf(want, sizeof want, "filhodet oppgir %u blokker (chunks), men filen har 3;", declared);
  CHECK(strstr(warn_all, want) != NULL);
  sigma_units_free(&l);
  /* cut at 100 bytes: not an EVTX file, and an input that could not be read */
  CHECK(copy_file(src, path, 100) == 0);
  Err err = {0};
  SigmaInput *in = sigma_input_open(path, &opts, &err);
  SigmaEvent ev;
  sev_init(&ev);
  nwarn = 0;
  CHECK_INT(sigma_input_next(in, &ev, &err), 0);
  CHECK_INT(nwarn, 1);
  CHECK(strstr(warn_all, "ikke en lesbar EVTX-fil") != NULL);
  CHECK_INT(sigma_input_stats(in)->unreadable, 1);
  sigma_input_close(in);
  /* read as a work unit, the failure is the reader's error, with the path */
  SigmaUnit u = {path, 0, 0, NULL, 0};
  in = sigma_input_open_unit(&u, &opts, &err);
  CHECK(in != NULL);
  nwarn = 0;
  CHECK_INT(sigma_input_next(in, &ev, &err), -1);
  CHECK(strstr(err.msg, path) && strstr(err.msg, "ikke en lesbar EVTX-fil"));
  CHECK_INT(nwarn, 0);
  CHECK_INT(sigma_input_stats(in)->unreadable, 1);
  sigma_input_close(in);
  sev_free(&ev);
  unlink(path);
  rmdir(dir);
}

/* The record number is System/EventRecordID, as Event Viewer shows it, for
 * every record of the corpus (exported logs renumber the record headers). */
static long rid_records, rid_mismatch;
static void rid_one(const char *path) {
  Err err = {0};
  SigmaInput *in = sigma_input_open(path, &opts, &err);
  SigmaEvent ev;
  sev_init(&ev);
  while (in && sigma_input_next(in, &ev, &err) == 1) {
    const char *id = get(&ev, "EventRecordID");
    if (!id) continue;        /* a forwarder's own event has none: the header's id */
    rid_records++;
    if (strtoull(id, NULL, 10) != ev.record) {
      if (rid_mismatch++ < 5) printf("# %s: record %llu, EventRecordID %s\n", path, (unsigned long long)ev.record, id ? id : "-");
    }
  }
  sigma_input_close(in);
  sev_free(&ev);
}

TEST(record_is_event_record_id) {
  if (!have_shared) { printf("# skipped: ../shared/data/evtx not found\n"); return; }
  char dir[1200];
  snprintf(dir, sizeof dir, "%s/data/evtx", shared);
  each_file(dir, ".evtx", rid_one);
  printf("# %ld records with EventRecordID, %ld with record != EventRecordID\n", rid_records, rid_mismatch);
  CHECK(rid_records > 24000);
  CHECK_INT(rid_mismatch, 0);
  /* the audit's example: the third record of this exported log is 636580 */
  char p[1300];
  snprintf(p, sizeof p, "%s/DeepBlueCLI/Powershell-Invoke-Obfuscation-encoding-menu.evtx", dir);
  Err err = {0};
  SigmaInput *in = sigma_input_open(p, &opts, &err);
  SigmaEvent ev;
  sev_init(&ev);
  for (int i = 0; i < 3; i++) CHECK_INT(sigma_input_next(in, &ev, &err), 1);
  CHECK_INT(ev.record, 636580);
  sigma_input_close(in);
  sev_free(&ev);
}

int main(void) {
  const char *s = getenv("VARDE_SHARED");
  snprintf(shared, sizeof shared, "%s", s ? s : "../shared");
  char probe[1200];
  snprintf(probe, sizeof probe, "%s/data/evtx", shared);
  have_shared = access(probe, R_OK) == 0;
  RUN(value_rendering);
  RUN(whole_corpus);
  RUN(regression_twins);
  RUN(corrupted_chunk_and_record);
  RUN(gzip_evtx);
  RUN(chunk_units_same_order);
  RUN(system_and_eventdata_fields);
  RUN(programs_equal_walker);
  RUN(truncated_file_reported);
  RUN(record_is_event_record_id);
  return TEST_DONE();
}
