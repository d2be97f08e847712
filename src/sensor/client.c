/* client.c — the sensor's HTTP(S) client on libcurl: server certificate
 * verification always on (a private CA with --ca), plain http only to a
 * loopback server, bounded replies, no redirects. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "sensor/sensor.h"

static int loopback_url(const char *u) {
  const char *h = u + 7;   /* after "http://" */
  static const char *const ok[] = {"127.0.0.1", "localhost", "[::1]"};
  for (size_t i = 0; i < 3; i++) {
    size_t n = strlen(ok[i]);
    if (!strncmp(h, ok[i], n) && (h[n] == ':' || h[n] == '/' || h[n] == '\0')) return 1;
  }
  return 0;
}

int sensor_http_init(SensorHttp *h, const char *url, const char *ca, int allow_http, Err *e) {
  memset(h, 0, sizeof *h);
  size_t n = url ? strlen(url) : 0;
  while (n && url[n - 1] == '/') n--;
  if (n == 0 || n >= sizeof h->base) return err_set(e, VERR_INVALID, "mangler eller for lang --server");
  if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
    return err_set(e, VERR_INVALID, "--server må begynne med https://");
  if (!strncmp(url, "http://", 7) && !allow_http && !loopback_url(url))
    return err_set(e, VERR_INVALID, "ukryptert http er bare tillatt mot 127.0.0.1/localhost "
                   "(bruk https://, eventuelt --ca FIL)");
  memcpy(h->base, url, n);
  h->base[n] = '\0';
  h->ca = ca;
  h->cred[0] = '\0';
  h->curl = curl_easy_init();
  return h->curl ? 0 : err_set(e, VERR_NOMEM, "libcurl kunne ikke startes");
}

void sensor_http_free(SensorHttp *h) {
  if (h->curl) curl_easy_cleanup(h->curl);
  h->curl = NULL;
}

static size_t on_data(char *p, size_t size, size_t nmemb, void *ctx) {
  Buf *b = ctx;
  size_t n = size * nmemb;
  return buf_append(b, p, n) == 0 && !b->err ? n : 0;
}

static void setup(SensorHttp *h, CURL *c, const char *url, struct curl_slist *hdr, Buf *resp) {
  curl_easy_reset(c);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (h->ca) curl_easy_setopt(c, CURLOPT_CAINFO, h->ca);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "varde-sensor/" VARDE_VERSION);
}

int sensor_http_call(SensorHttp *h, const char *method, const char *path, const char *body,
                     Buf *resp, long *status, Err *e) {
  char url[1024], auth[96];
  *status = 0;
  snprintf(url, sizeof url, "%s%s", h->base, path);
  struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
  hdr = curl_slist_append(hdr, "Accept: application/json");
  if (h->cred[0]) {
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", h->cred);
    hdr = curl_slist_append(hdr, auth);
  }
  buf_reset(resp);
  setup(h, h->curl, url, hdr, resp);
  if (!strcmp(method, "POST")) {
    curl_easy_setopt(h->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body ? body : "");
    curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? strlen(body) : 0));
  }
  CURLcode rc = curl_easy_perform(h->curl);
  curl_slist_free_all(hdr);
  if (rc != CURLE_OK)
    return err_set(e, VERR_IO, "%s %s: %s", method, path, curl_easy_strerror(rc));
  curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, status);
  return 0;
}
