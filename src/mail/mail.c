/* mail.c — one message per call over SMTP (libcurl): headers built here with
 * an RFC 2047 encoded subject, the body sent as 8-bit UTF-8 text. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "mail/mail.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void init_curl(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

int mail_address_ok(const char *s) {
  if (!s || !*s || strlen(s) > 254) return 0;
  const char *at = strchr(s, '@');
  if (!at || at == s || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.')) return 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p <= ' ' || *p >= 0x7f || strchr("<>()[],;:\\\"", *p)) return 0;
  return 1;
}

static void b64(Buf *b, const unsigned char *p, size_t n) {
  static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    char q[4] = {t[v >> 18 & 63], t[v >> 12 & 63], i + 1 < n ? t[v >> 6 & 63] : '=', i + 2 < n ? t[v & 63] : '='};
    buf_append(b, q, 4);
  }
}

static int build(Buf *m, const MailConfig *cfg, const char *to, const char *subject, const char *body) {
  char date[64];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  buf_printf(m, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject:", date, cfg->from, to);
  /* RFC 2047 encoded words of at most 45 bytes (60 base64 characters) each,
   * on folded lines, never splitting a UTF-8 character. */
  const unsigned char *p = (const unsigned char *)subject;
  size_t left = strlen(subject);
  do {
    size_t k = left < 45 ? left : 45;
    while (k < left && k > 1 && (p[k] & 0xC0) == 0x80) k--;
    buf_lit(m, " =?UTF-8?B?");
    b64(m, p, k);
    buf_lit(m, "?=");
    p += k, left -= k;
    if (left) buf_lit(m, "\r\n");
  } while (left);
  buf_printf(m, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
             "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n");
  for (const char *q = body; *q; q++) {    /* bare LF -> CRLF */
    if (*q == '\n' && (q == body || q[-1] != '\r')) buf_putc(m, '\r');
    buf_putc(m, *q);
  }
  buf_lit(m, "\r\n");
  return m->err ? -1 : 0;
}

typedef struct Reader { const char *p; size_t left; } Reader;

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *ud) {
  Reader *r = ud;
  size_t n = size * nmemb < r->left ? size * nmemb : r->left;
  memcpy(dst, r->p, n);
  r->p += n;
  r->left -= n;
  return n;
}

static int transfer(const MailConfig *cfg, const char *to, const Buf *m, Err *e) {
  pthread_once(&once, init_curl);
  CURL *c = curl_easy_init();
  if (!c) return err_set(e, VERR_NOMEM, "Kunne ikke starte e-postklienten.");
  struct curl_slist *rcpt = curl_slist_append(NULL, to);
  Reader r = {m->p, m->n};
  char errbuf[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_URL, cfg->url);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, cfg->from);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(c, CURLOPT_READDATA, &r);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  /* STARTTLS when the server offers it (smtps:// is TLS from the start);
   * a user name and password may be given in the URL. */
  curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)MAIL_TIMEOUT_S);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK)
    return err_set(e, VERR_IO, "E-post til %s ble ikke sendt: %s", to, errbuf[0] ? errbuf : curl_easy_strerror(rc));
  return 0;
}

int mail_send(const MailConfig *cfg, const char *to, const char *subject, const char *body, Err *e) {
  if (!cfg || !cfg->url || (strncmp(cfg->url, "smtp://", 7) && strncmp(cfg->url, "smtps://", 8)))
    return err_set(e, VERR_INVALID, "SMTP-adressen må begynne med smtp:// eller smtps://.");
  if (!mail_address_ok(cfg->from)) return err_set(e, VERR_INVALID, "Ugyldig avsenderadresse.");
  if (!mail_address_ok(to)) return err_set(e, VERR_INVALID, "Ugyldig mottakeradresse.");
  if (!subject || strlen(subject) > MAIL_SUBJECT_MAX || strpbrk(subject, "\r\n"))
    return err_set(e, VERR_INVALID, "Emnet er for langt eller har linjeskift.");
  if (!body || strlen(body) > MAIL_BODY_MAX) return err_set(e, VERR_TOOBIG, "Meldingen er for lang.");
  Buf m;
  buf_init(&m, MAIL_BODY_MAX * 2 + 4096);
  int rc = build(&m, cfg, to, subject, body) ? err_set(e, VERR_TOOBIG, "Meldingen er for lang.")
                                             : transfer(cfg, to, &m, e);
  buf_free(&m);
  return rc;
}
