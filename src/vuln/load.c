/* load.c — reading feed files: gzip by magic number, feed kind by content,
 * directories walked for advisories, then the per-kind loader. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

#include "core/buf.h"
#include "vuln/vuln.h"

#define VULN_FILE_MAX ((size_t)2 << 30)  /* 2 GiB after decompression */

static int read_all(const char *path, Buf *b, Err *e) {
  gzFile f = gzopen(path, "rb");  /* reads plain files transparently too */
  if (!f) return err_set(e, VERR_IO, "%s: %s", path, strerror(errno));
  char tmp[65536];
  int n;
  gzbuffer(f, 1 << 17);
  while ((n = gzread(f, tmp, sizeof tmp)) > 0) buf_append(b, tmp, (size_t)n);
  int zerr = 0;
  const char *zmsg = n < 0 ? gzerror(f, &zerr) : NULL;
  gzclose(f);
  if (n < 0) return err_set(e, VERR_IO, "%s: read/gunzip failed: %s", path, zmsg ? zmsg : "?");
  if (b->err) return err_set(e, VERR_TOOBIG, "%s: larger than %zu bytes", path, VULN_FILE_MAX);
  return 0;
}

/* Look for a JSON member name near the start of the document. */
static int has_key(const char *data, size_t len, const char *key) {
  size_t look = len < 4096 ? len : 4096;
  return memmem(data, look, key, strlen(key)) != NULL;
}

VulnFeedKind vuln_detect(const char *data, size_t len) {
  size_t i = 0;
  if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) i = 3;
  while (i < len && strchr(" \t\r\n", data[i]) && data[i]) i++;
  if (i < len && (data[i] == '#' || (len - i >= 8 && !strncasecmp(data + i, "cve,epss", 8))))
    return VULN_FEED_EPSS;
  if (i >= len || data[i] != '{') return VULN_FEED_UNKNOWN;
  if (has_key(data, len, "\"csaf_version\"")) return VULN_FEED_CSAF;
  if (has_key(data, len, "\"catalogVersion\"") || has_key(data, len, "\"cveID\"")) return VULN_FEED_KEV;
  if (has_key(data, len, "\"NVD_CVE\"") || has_key(data, len, "\"vulnerabilities\"")) return VULN_FEED_NVD;
  if (has_key(data, len, "\"document\"")) return VULN_FEED_CSAF;
  return VULN_FEED_UNKNOWN;
}

int vuln_load_buffer(VulnDb *db, const char *name, const char *data, size_t len, VulnReport *r, Err *e) {
  switch (vuln_detect(data, len)) {
    case VULN_FEED_NVD: return vuln_nvd_load(db, name, data, len, r, e);
    case VULN_FEED_KEV: return vuln_kev_load(db, name, data, len, r, e);
    case VULN_FEED_EPSS: return vuln_epss_load(db, name, data, len, r, e);
    case VULN_FEED_CSAF: return vuln_csaf_load(db, name, data, len, r, e);
    default:
      err_set(e, VERR_INVALID, "%s: not an NVD, KEV, EPSS or CSAF document", name);
      return VULN_NOT_A_FEED;
  }
}

static int wanted(const char *n) {
  size_t l = strlen(n);
  return (l > 5 && !strcmp(n + l - 5, ".json")) || (l > 8 && !strcmp(n + l - 8, ".json.gz")) ||
         (l > 4 && !strcmp(n + l - 4, ".csv")) || (l > 7 && !strcmp(n + l - 7, ".csv.gz"));
}

static int load_dir(VulnDb *db, const char *path, VulnReport *r, Err *e, int depth) {
  if (depth > 16) return 0;
  DIR *d = opendir(path);
  if (!d) return err_set(e, VERR_IO, "%s: %s", path, strerror(errno));
  struct dirent *de;
  int bad = 0;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    char sub[4096];
    struct stat st;
    if (snprintf(sub, sizeof sub, "%s/%s", path, de->d_name) >= (int)sizeof sub || stat(sub, &st)) continue;
    if (S_ISDIR(st.st_mode)) {
      bad |= load_dir(db, sub, r, e, depth + 1) != 0;
    } else if (wanted(de->d_name)) {
      Err fe = {0};
      int rc = vuln_load_path(db, sub, r, &fe);
      if (rc == VULN_NOT_A_FEED) vuln_warn(r, sub, "ignored: not an NVD, KEV, EPSS or CSAF document");
      else if (rc) vuln_report(r, sub, "$", "%s", fe.msg);
    }
  }
  closedir(d);
  return bad ? VERR_IO : 0;
}

int vuln_load_path(VulnDb *db, const char *path, VulnReport *r, Err *e) {
  struct stat st;
  if (stat(path, &st)) return err_set(e, VERR_IO, "%s: %s", path, strerror(errno));
  if (S_ISDIR(st.st_mode)) return load_dir(db, path, r, e, 0);
  Buf b;
  buf_init(&b, VULN_FILE_MAX);
  int rc = read_all(path, &b, e);
  if (!rc) rc = vuln_load_buffer(db, path, b.p ? b.p : "", b.n, r, e);
  buf_free(&b);
  return rc;
}
