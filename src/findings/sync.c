/* sync.c — the NVD CVE API 2.0 client behind `varde feed sync nvd`:
 * incremental by lastModStartDate/lastModEndDate in windows of at most 120
 * days, startIndex paging, the published rate limits (5 requests per 30 s
 * without a key, 50 with), back-off retries on 403/429/5xx, and a cursor
 * saved in the database after every page so an interrupted sync resumes. */
#include <curl/curl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cmds.h"
#include "db/db.h"
#include "findings/findings.h"
#include "findings/internal.h"

#define NVD_URL "https://services.nvd.nist.gov/rest/json/cves/2.0"
#define WINDOW_DAYS 120
#define PAGE_MAX ((size_t)512 << 20)

typedef struct Sync {
  Db *db;
  const FindSyncOpts *o;
  CURL *curl;
  double interval;
  struct timespec last;
  int requests;
  FindFeedStats *st;
  Buf page;
} Sync;

static size_t on_data(char *p, size_t sz, size_t n, void *ctx) {
  Buf *b = ctx;
  return buf_append(b, p, sz * n) ? 0 : sz * n;
}

static void iso(int64_t t, char *out, size_t cap) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(out, cap, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static void pace(Sync *s) {
  if (s->requests) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double gone = (double)(now.tv_sec - s->last.tv_sec) + (double)(now.tv_nsec - s->last.tv_nsec) / 1e9;
    if (gone < s->interval) usleep((useconds_t)((s->interval - gone) * 1e6));
  }
  clock_gettime(CLOCK_MONOTONIC, &s->last);
  s->requests++;
}

/* One GET with retries; 0 and the body in b, or VERR_IO. */
static int get_page(Sync *s, const char *url, Buf *b, Err *e) {
  long status = 0;
  for (int attempt = 0; attempt <= s->o->max_retries; attempt++) {
    buf_reset(b);
    pace(s);
    curl_easy_setopt(s->curl, CURLOPT_URL, url);
    CURLcode cc = curl_easy_perform(s->curl);
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
    if (cc == CURLE_OK && status == 200 && !b->err) return 0;
    int retry = cc != CURLE_OK || status == 403 || status == 429 || status >= 500;
    if (!retry) return err_set(e, VERR_IO, "NVD svarte HTTP %ld på %s", status, url);
    double wait = s->interval * pow(2, attempt);
    if (wait > 60) wait = 60;
    if (!s->o->quiet)
      fprintf(stderr, "NVD: %s (HTTP %ld); nytt forsøk om %.1f s\n", cc != CURLE_OK ? curl_easy_strerror(cc) : "avvist",
              status, wait);
    usleep((useconds_t)(wait * 1e6));
  }
  return err_set(e, VERR_IO, "NVD svarer ikke (HTTP %ld) etter %d forsøk", status, s->o->max_retries + 1);
}

/* Cursor "window_start window_end start_index", saved after each page. */
static int save_cursor(Sync *s, int64_t ws, int64_t we, int64_t idx, Err *e) {
  char v[96];
  snprintf(v, sizeof v, "%lld %lld %lld", (long long)ws, (long long)we, (long long)idx);
  return find_state_set(s->db, "nvd_cursor", v, e);
}

/* A top-level number of the response: NVD puts them before the
 * "vulnerabilities" array, so only that part is searched (a description
 * quoting the key cannot mislead it). 0 when absent. */
static long long top_number(const Buf *b, const char *key) {
  const char *s = buf_cstr(b), *arr = strstr(s, "\"vulnerabilities\"");
  size_t lim = arr ? (size_t)(arr - s) : b->n;
  const char *k = memmem(s, lim, key, strlen(key));
  const char *colon = k ? memchr(k, ':', lim - (size_t)(k - s)) : NULL;
  return colon ? strtoll(colon + 1, NULL, 10) : 0;
}

static int one_page(Sync *s, int64_t ws, int64_t we, int64_t *idx, int64_t *total, Buf *b, Err *e) {
  char a[40], z[40], url[1024];
  iso(ws, a, sizeof a);
  iso(we, z, sizeof z);
  snprintf(url, sizeof url, "%s?lastModStartDate=%s&lastModEndDate=%s&startIndex=%lld&resultsPerPage=%d",
           s->o->base_url, a, z, (long long)*idx, s->o->results_per_page);
  int rc = get_page(s, url, b, e);
  if (rc) return rc;
  long long tot = top_number(b, "\"totalResults\""), per = top_number(b, "\"resultsPerPage\"");
  rc = db_begin(s->db, e);
  if (!rc) rc = find_feed_store(s->db, FIND_FEED_NVD, url, b->p ? b->p : "", b->n, s->o->quiet ? NULL : stderr, NULL,
                                NULL, s->st, e);
  *total = tot;
  *idx += per > 0 ? per : s->o->results_per_page;
  if (!rc) rc = save_cursor(s, ws, we, *idx >= tot ? -1 : *idx, e);
  if (!rc) rc = db_commit(s->db, e);
  else db_rollback(s->db);
  return rc;
}

static int run(Sync *s, Err *e) {
  int64_t now = s->o->end ? s->o->end : db_now();
  int64_t ws = s->o->start ? s->o->start : now - (int64_t)WINDOW_DAYS * 86400, we = 0, idx = 0;
  char *cur = NULL;
  int pages = 0, rc = find_state_get(s->db, "nvd_cursor", &cur, e);
  if (rc) return rc;
  long long a, b, c;
  if (cur && sscanf(cur, "%lld %lld %lld", &a, &b, &c) == 3) {
    ws = c < 0 ? b : a;        /* a finished window: continue from its end */
    idx = c < 0 ? 0 : c;
    we = c < 0 ? 0 : b;
  }
  free(cur);
  while (ws < now) {
    if (!we) we = ws + (int64_t)WINDOW_DAYS * 86400 < now ? ws + (int64_t)WINDOW_DAYS * 86400 : now;
    int64_t total = 0;
    do {
      if (s->o->max_pages && pages++ >= s->o->max_pages) return err_set(e, VERR_BUSY, "stoppet etter %d sider", s->o->max_pages);
      rc = one_page(s, ws, we, &idx, &total, &s->page, e);
      if (rc) return rc;
      if (!s->o->quiet) fprintf(stderr, "NVD: %lld av %lld i vinduet\n", (long long)(idx < total ? idx : total), (long long)total);
    } while (idx < total);
    ws = we;
    we = 0;
    idx = 0;
  }
  return 0;
}

int find_sync_nvd(Db *db, const FindSyncOpts *o, FindFeedStats *st, Err *e) {
  FindSyncOpts d = *o;
  if (!d.base_url) d.base_url = NVD_URL;
  if (d.results_per_page <= 0 || d.results_per_page > 2000) d.results_per_page = 2000;
  if (d.max_retries <= 0) d.max_retries = 5;
  Sync s = {db, &d, curl_easy_init(), 0, {0, 0}, 0, st, {0}};
  buf_init(&s.page, PAGE_MAX);
  /* 5 (or 50 with a key) requests per rolling 30 s: space them evenly. */
  s.interval = d.min_interval >= 0 ? d.min_interval : d.api_key ? 30.0 / 50 : 30.0 / 5;
  if (!s.curl) return err_set(e, VERR_NOMEM, "libcurl kunne ikke starte");
  struct curl_slist *h = NULL;
  char key[256];
  if (d.api_key) {
    snprintf(key, sizeof key, "apiKey: %s", d.api_key);
    h = curl_slist_append(h, key);
  }
  curl_easy_setopt(s.curl, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(s.curl, CURLOPT_USERAGENT, "varde/" VARDE_VERSION);
  curl_easy_setopt(s.curl, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(s.curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(s.curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(s.curl, CURLOPT_WRITEDATA, &s.page);
  curl_easy_setopt(s.curl, CURLOPT_PROTOCOLS_STR, "http,https");
  int rc = run(&s, e);
  curl_slist_free_all(h);
  curl_easy_cleanup(s.curl);
  buf_free(&s.page);
  return rc;
}

int find_cmd_feed(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'},       {"base-url", required_argument, 0, 'b'},
                                       {"api-key", required_argument, 0, 'k'},  {"since", required_argument, 0, 's'},
                                       {"interval", required_argument, 0, 'i'}, {"max-pages", required_argument, 0, 'm'},
                                       {"per-page", required_argument, 0, 'p'}, {"help", no_argument, 0, 'h'},
                                       {0}};
  const char *path = db_default_path();
  FindSyncOpts o = {.min_interval = -1, .api_key = getenv("NVD_API_KEY")};
  int c;
  int64_t v;
  optind = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 'd') path = optarg;
    else if (c == 'b') o.base_url = optarg;
    else if (c == 'k') o.api_key = optarg;
    else if (c == 'i') o.min_interval = atof(optarg);
    else if (c == 'm' && !cli_parse_int(optarg, 1, 1000000, &v)) o.max_pages = (int)v;
    else if (c == 'p' && !cli_parse_int(optarg, 1, 2000, &v)) o.results_per_page = (int)v;
    else if (c == 's') {
      struct tm tm = {0};
      if (!strptime(optarg, "%Y-%m-%d", &tm)) return cli_usage_error("feed", "--since skrives ÅÅÅÅ-MM-DD");
      o.start = (int64_t)timegm(&tm);
    } else if (c == 'h') {
      printf("Bruk: varde feed sync nvd [--db FIL] [--api-key NØKKEL] [--since ÅÅÅÅ-MM-DD] [--base-url URL]\n"
             "Henter nye og endrede CVE-er fra NVDs API 2.0 (lastModStartDate/-EndDate, vinduer på 120 dager,\n"
             "startIndex-sider), innen NVDs grenser: 5 kall per 30 s uten nøkkel, 50 med (NVD_API_KEY).\n"
             "403/429/5xx prøves igjen med økende ventetid. Posisjonen lagres etter hver side, så en avbrutt\n"
             "synkronisering fortsetter der den slapp. Uten --since: de siste 120 dagene.\n"
             "  --interval S    sekunder mellom kall (standard fra grensene)\n"
             "  --max-pages N   stopp etter N sider (fortsett senere)\n"
             "Avslutningskoder: 0 ok, 2 feil.\n");
      return CLI_OK;
    } else return cli_usage_error("feed", "ukjent eller ugyldig valg.");
  }
  if (optind + 2 != argc || strcmp(argv[optind], "sync") || strcmp(argv[optind + 1], "nvd"))
    return cli_usage_error("feed", "bruk: varde feed sync nvd. Se --help.");
  Db *db = NULL;
  int rc = cli_open("feed", path, 0, &db);
  if (rc) return rc;
  FindFeedStats st = {0};
  Err e = {0};
  rc = find_sync_nvd(db, &o, &st, &e);
  printf("%zu poster: %zu nye, %zu endret, %zu uendret, %zu feil hoppet over.\n", st.records, st.added, st.updated,
         st.unchanged, st.bad);
  db_close(db);
  return rc ? cli_fail("feed", &e) : CLI_OK;
}
