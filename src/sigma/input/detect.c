/* detect.c — format detection by content (EVTX magic, JSON, M365 CSV export,
 * syslog) and the ISO 8601 time parser the text readers share. */
#include <string.h>

#include "sigma/input/sin.h"

static int is_month(const unsigned char *p, size_t n) {
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (n < 4 || p[3] != ' ') return 0;
  for (int i = 0; i < 12; i++)
    if (memcmp(p, months + 3 * i, 3) == 0) return 1;
  return 0;
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* "YYYY-MM-DD" followed by 'T' or ' ' */
static int is_iso_date(const unsigned char *p, size_t n) {
  return n >= 11 && is_digit(p[0]) && is_digit(p[1]) && is_digit(p[2]) && is_digit(p[3]) &&
         p[4] == '-' && is_digit(p[5]) && is_digit(p[6]) && p[7] == '-' && is_digit(p[8]) &&
         is_digit(p[9]) && (p[10] == 'T' || p[10] == ' ');
}

static int is_text(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t') return 0;
  return 1;
}

SigmaFormat sin_detect(const unsigned char *p, size_t n) {
  if (n >= 8 && memcmp(p, "ElfFile", 8) == 0) return SFMT_EVTX;
  if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) { p += 3; n -= 3; }
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
  p += i;
  n -= i;
  if (n == 0) return SFMT_UNKNOWN;
  if (p[0] == '{' || p[0] == '[') return SFMT_JSON;
  const unsigned char *nl = memchr(p, '\n', n);
  size_t first = nl ? (size_t)(nl - p) : n;
  if (memmem(p, first, "AuditData", 9) && memchr(p, ',', first)) return SFMT_M365;
  if (p[0] == '<' && n > 2 && is_digit(p[1])) return SFMT_SYSLOG;
  if (is_month(p, n) || is_iso_date(p, n)) return SFMT_SYSLOG;
  if (n > 5 && memcmp(p, "type=", 5) == 0 && is_text(p, first)) return SFMT_SYSLOG;   /* audit.log */
  return SFMT_UNKNOWN;   /* other text (READMEs next to logs) is not guessed at */
}

int64_t sin_days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int num(const char *s, size_t n, size_t at, size_t len, unsigned *out) {
  unsigned v = 0;
  if (at + len > n) return -1;
  for (size_t i = at; i < at + len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  *out = v;
  return 0;
}

int64_t sin_parse_time(const char *s, size_t n) {
  unsigned y, mo, d, h, mi, se = 0, ms = 0;
  if (!is_iso_date((const unsigned char *)s, n)) return INT64_MIN;
  if (num(s, n, 0, 4, &y) || num(s, n, 5, 2, &mo) || num(s, n, 8, 2, &d) ||
      num(s, n, 11, 2, &h) || n < 16 || s[13] != ':' || num(s, n, 14, 2, &mi))
    return INT64_MIN;
  size_t i = 16;
  if (i < n && s[i] == ':') {
    if (num(s, n, 17, 2, &se)) return INT64_MIN;
    i = 19;
    if (i < n && (s[i] == '.' || s[i] == ',')) {
      unsigned scale = 100;
      for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        ms += (unsigned)(s[i] - '0') * scale;
        scale /= 10;
      }
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return INT64_MIN;
  int64_t t = (sin_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se) * 1000 + ms;
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    unsigned oh, om = 0;
    if (num(s, n, i + 1, 2, &oh)) return t;
    size_t j = i + 3;
    if (j < n && s[j] == ':') j++;
    num(s, n, j, 2, &om);
    int64_t off = ((int64_t)oh * 60 + om) * 60000;
    t += s[i] == '+' ? -off : off;
  }
  return t;
}
