/* syslog.c — syslog text input: RFC 5424 (structured data to SDID.param
 * fields), RFC 3164 with the usual variations (no PRI, no host, ISO
 * timestamps, Cisco sequence numbers) and Linux audit records
 * ("type=... msg=audit(...): key=value ...") as Sigma's linux rules expect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sigma/input/sin.h"

typedef struct SyslogFile {
  SinFile base;
  SinWin w;
  uint64_t line;
  int year;                 /* assumed year for RFC 3164 timestamps */
  int64_t now_ms;
  Buf tmp;
} SyslogFile;

typedef struct Cur { const char *p, *e; } Cur;

static int add(SigmaEvent *ev, const char *name, const char *v, size_t n, int kind) {
  return sev_add(ev, name, strlen(name), v, n, kind);
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Next space-separated token. */
static int token(Cur *c, const char **t, size_t *n) {
  if (c->p >= c->e) return 0;
  const char *s = c->p;
  while (c->p < c->e && *c->p != ' ') c->p++;
  *t = s;
  *n = (size_t)(c->p - s);
  while (c->p < c->e && *c->p == ' ') c->p++;
  return 1;
}

/* "<PRI>" → facility and severity fields. */
static int pri(Cur *c, SigmaEvent *ev) {
  if (c->p >= c->e || *c->p != '<') return 0;
  const char *q = c->p + 1;
  unsigned v = 0;
  int digits = 0;
  while (q < c->e && is_digit(*q) && digits < 3) v = v * 10 + (unsigned)(*q++ - '0'), digits++;
  if (!digits || q >= c->e || *q != '>' || v > 191) return 0;
  char t[8];
  int n = snprintf(t, sizeof t, "%u", v);
  add(ev, "priority", t, (size_t)n, SEV_NUM);
  n = snprintf(t, sizeof t, "%u", v >> 3);
  add(ev, "facility", t, (size_t)n, SEV_NUM);
  n = snprintf(t, sizeof t, "%u", v & 7);
  add(ev, "severity", t, (size_t)n, SEV_NUM);
  c->p = q + 1;
  return 1;
}

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* Two digits at p, or -1. */
static int dd(const char *p) {
  return is_digit(p[0]) && is_digit(p[1]) ? (p[0] - '0') * 10 + (p[1] - '0') : -1;
}

/* "Mmm dd [yyyy ]hh:mm:ss[.fff]" (day may be space-padded; the year is
 * there on Cisco ASA and some appliances). Returns its length; *has_year
 * tells whether year was taken from the text. */
static size_t bsd_time(const char *p, const char *e, int year, int64_t *ms, int *has_year) {
  if (e - p < 15 || p[3] != ' ') return 0;
  int mon = -1;
  for (int i = 0; i < 12; i++)
    if (memcmp(p, months + 3 * i, 3) == 0) mon = i;
  if (mon < 0) return 0;
  const char *q = p + 4;
  if (*q == ' ') q++;
  unsigned d = 0;
  while (q < e && is_digit(*q) && d < 100) d = d * 10 + (unsigned)(*q++ - '0');
  *has_year = 0;
  if (e - q >= 6 && q[0] == ' ' && is_digit(q[1]) && is_digit(q[2]) && is_digit(q[3]) && is_digit(q[4]) &&
      q[5] == ' ') {
    year = (q[1] - '0') * 1000 + (q[2] - '0') * 100 + (q[3] - '0') * 10 + (q[4] - '0');
    *has_year = 1;
    q += 5;
  }
  if (e - q < 9 || *q != ' ' || q[3] != ':' || q[6] != ':') return 0;
  int h = dd(q + 1), mi = dd(q + 4), s = dd(q + 7);
  q += 9;
  unsigned frac = 0, scale = 100;
  if (q < e && *q == '.')
    for (q++; q < e && is_digit(*q); q++, scale /= 10) frac += (unsigned)(*q - '0') * scale;
  if (d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return 0;
  *ms = (sin_days_from_civil(year, (unsigned)mon + 1, d) * 86400 + h * 3600 + mi * 60 + s) * 1000 + frac;
  return (size_t)(q - p);
}

/* RFC 5424 STRUCTURED-DATA: [id k="v" ...]...; fields "id.k". */
static int structured(SyslogFile *sf, Cur *c, SigmaEvent *ev) {
  if (c->p < c->e && *c->p == '-') { c->p++; return 0; }
  while (c->p < c->e && *c->p == '[') {
    const char *id = ++c->p;
    while (c->p < c->e && *c->p != ' ' && *c->p != ']') c->p++;
    size_t idn = (size_t)(c->p - id);
    while (c->p < c->e && *c->p == ' ') {
      c->p++;
      const char *k = c->p;
      while (c->p < c->e && *c->p != '=' && *c->p != ']') c->p++;
      size_t kn = (size_t)(c->p - k);
      if (c->p + 1 >= c->e || c->p[0] != '=' || c->p[1] != '"') return -1;
      c->p += 2;
      buf_reset(&sf->tmp);
      while (c->p < c->e && *c->p != '"') {
        if (*c->p == '\\' && c->p + 1 < c->e && strchr("\"\\]", c->p[1])) c->p++;
        buf_putc(&sf->tmp, *c->p++);
      }
      if (c->p >= c->e) return -1;
      c->p++;
      char name[512];
      int nn = snprintf(name, sizeof name, "%.*s.%.*s", (int)idn, id, (int)kn, k);
      if (nn > 0 && (size_t)nn < sizeof name)
        sev_add(ev, name, (size_t)nn, buf_cstr(&sf->tmp), sf->tmp.n, SEV_STR);
    }
    if (c->p >= c->e || *c->p != ']') return -1;
    c->p++;
  }
  return 0;
}

static void nilable(SigmaEvent *ev, const char *name, const char *t, size_t n) {
  if (!(n == 1 && t[0] == '-')) add(ev, name, t, n, SEV_STR);
}

static void message(SigmaEvent *ev, const char *p, const char *e) {
  if (e - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
  add(ev, "message", p, (size_t)(e - p), SEV_STR);
}

static int rfc5424(SyslogFile *sf, Cur *c, SigmaEvent *ev) {
  const char *t;
  size_t n;
  c->p += 2;                                  /* version "1 " */
  if (!token(c, &t, &n)) return -1;
  if (!(n == 1 && *t == '-')) {
    add(ev, "timestamp", t, n, SEV_STR);
    ev->time_ms = sin_parse_time(t, n);
  }
  static const char *const names[] = {"hostname", "program", "pid", "msgid"};
  for (int i = 0; i < 4; i++) {
    if (!token(c, &t, &n)) return -1;
    nilable(ev, names[i], t, n);
  }
  if (structured(sf, c, ev)) return -1;
  if (c->p < c->e && *c->p == ' ') c->p++;
  if (c->p < c->e) message(ev, c->p, c->e);
  return 0;
}

/* "tag[pid]: " or "tag: " at the message start. */
static void tag(Cur *c, SigmaEvent *ev) {
  const char *s = c->p, *q = s;
  if (s < c->e && *s == '%') return;            /* Cisco "%FAC-SEV-MNEMONIC:" */
  while (q < c->e && *q != ':' && *q != '[' && *q != ' ' && q - s < 64) q++;
  if (q == s || q >= c->e || (*q != ':' && *q != '[')) return;
  const char *tag_end = q, *pid = NULL, *pid_end = NULL;
  if (*q == '[') {
    pid = ++q;
    while (q < c->e && *q != ']') q++;
    if (q >= c->e) return;
    pid_end = q++;
  }
  if (q >= c->e || *q != ':') return;
  add(ev, "program", s, (size_t)(tag_end - s), SEV_STR);
  if (pid) add(ev, "pid", pid, (size_t)(pid_end - pid), SEV_STR);
  c->p = q + 1;
  if (c->p < c->e && *c->p == ' ') c->p++;
}

/* Linux audit "key=value key="quoted" ..." pairs; msg=audit(secs.ms:serial). */
static void audit_pairs(SigmaEvent *ev, const char *p, const char *e) {
  while (p < e) {
    while (p < e && *p == ' ') p++;
    const char *k = p;
    while (p < e && *p != '=' && *p != ' ') p++;
    if (p >= e || *p != '=') { while (p < e && *p != ' ') p++; continue; }
    size_t kn = (size_t)(p - k);
    const char *v = ++p, *ve;
    if (p < e && (*p == '"' || *p == '\'')) {
      char q = *p;
      v = ++p;
      while (p < e && *p != q) p++;
      ve = p;
      if (p < e) p++;
    } else {
      while (p < e && *p != ' ') p++;
      ve = p;
    }
    if (kn == 3 && memcmp(k, "msg", 3) == 0 && ve - v > 6 && memcmp(v, "audit(", 6) == 0) {
      const char *q = v + 6;
      int64_t secs = 0, frac = 0, scale = 100;
      for (int i = 0; q < ve && is_digit(*q); i++, q++)
        if (i < 12) secs = secs * 10 + (*q - '0');
      if (q < ve && *q == '.')
        for (q++; q < ve && is_digit(*q); q++, scale /= 10) frac += (*q - '0') * scale;
      ev->time_ms = secs * 1000 + frac;
      if (ve > v && ve[-1] == ':') ve--;
    }
    if (kn) sev_add(ev, k, kn, v, (size_t)(ve - v), SEV_STR);
  }
}

static int rfc3164(SyslogFile *sf, Cur *c, SigmaEvent *ev) {
  const char *q = c->p;
  while (q < c->e && is_digit(*q)) q++;      /* Cisco "123: *Mar  1 ..." */
  if (q > c->p && q + 1 < c->e && q[0] == ':' && q[1] == ' ') c->p = q + 2;
  if (c->p < c->e && (*c->p == '*' || *c->p == '.')) c->p++;
  int64_t ms;
  int has_year;
  size_t n = bsd_time(c->p, c->e, sf->year, &ms, &has_year);
  if (n && !has_year && ms > sf->now_ms + 86400000)
    bsd_time(c->p, c->e, sf->year - 1, &ms, &has_year);       /* last year's log */
  const char *t;
  size_t tn;
  if (n) {
    add(ev, "timestamp", c->p, n, SEV_STR);
    ev->time_ms = ms;
    c->p += n;
    if (c->p < c->e && *c->p == ':') c->p++;  /* Cisco "00:00:00.000:" */
  } else if (c->e - c->p >= 19 && (q = memchr(c->p, ' ', (size_t)(c->e - c->p))) &&
             (ms = sin_parse_time(c->p, (size_t)(q - c->p))) != INT64_MIN) {
    add(ev, "timestamp", c->p, (size_t)(q - c->p), SEV_STR);
    ev->time_ms = ms;
    c->p = q;
  }
  while (c->p < c->e && *c->p == ' ') c->p++;
  /* hostname unless the next token already is the tag */
  Cur save = *c;
  if (token(c, &t, &tn) && tn && t[tn - 1] != ':' && !memchr(t, '[', tn) && c->p < c->e &&
      !(t[0] == '%'))
    add(ev, "hostname", t, tn, SEV_STR);
  else
    *c = save;
  tag(c, ev);
  if (c->e - c->p >= 2 && c->p[0] == ':' && c->p[1] == ' ') c->p += 2;   /* "host : %ASA-..." */
  if (c->e - c->p > 5 && memcmp(c->p, "type=", 5) == 0) audit_pairs(ev, c->p, c->e);
  message(ev, c->p, c->e);
  return 0;
}

static int parse_line(SyslogFile *sf, const char *l, size_t n, SigmaEvent *ev) {
  Cur c = {l, l + n};
  if (n > 5 && memcmp(l, "type=", 5) == 0) {          /* audit.log */
    audit_pairs(ev, l, l + n);
    message(ev, l, l + n);
    return 0;
  }
  pri(&c, ev);
  if (c.e - c.p >= 2 && c.p[0] == '1' && c.p[1] == ' ') return rfc5424(sf, &c, ev);
  return rfc3164(sf, &c, ev);
}

static int syslog_next(SinFile *f, SigmaEvent *ev, Err *err) {
  SyslogFile *sf = (SyslogFile *)f;
  if (!sf->w.max) sin_win_init(&sf->w, f->opts->max_record);
  for (;;) {
    char *l;
    size_t n;
    int toolong;
    int r = sin_win_line(&sf->w, f->src, &l, &n, &toolong, err);
    if (r <= 0) return r;
    if (toolong) sin_warn(f, ++sf->line, "linjen er lengre enn %zu byte og er hoppet over", sf->w.max);
    sf->line++;
    if (n == 0) continue;
    sev_reset(ev);
    if (parse_line(sf, l, n, ev) < 0) {
      sin_warn(f, sf->line, "ugyldig RFC 5424-linje, hoppet over");
      continue;
    }
    ev->format = SFMT_SYSLOG;
    ev->source = f->name;
    ev->record = sf->line;
    return 1;
  }
}

static void syslog_free(SinFile *f) {
  SyslogFile *sf = (SyslogFile *)f;
  sin_win_free(&sf->w);
  buf_free(&sf->tmp);
  free(sf);
}

SinFile *sin_syslog_open(Err *err) {
  SyslogFile *sf = calloc(1, sizeof *sf);
  if (!sf) { err_set(err, VERR_NOMEM, "tomt for minne"); return NULL; }
  sf->base.next = syslog_next;
  sf->base.free = syslog_free;
  sf->base.format = SFMT_SYSLOG;
  buf_init(&sf->tmp, 1 << 20);
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  sf->year = tm.tm_year + 1900;
  sf->now_ms = (int64_t)now * 1000;
  return &sf->base;
}
