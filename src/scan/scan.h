/* scan.h — Varde's network scanner: the result types every later stage
 * (standalone output, diff, server history, findings, sensor) builds on.
 * A ScanReport owns one Arena; every string in it lives there. */
#ifndef VARDE_SCAN_H
#define VARDE_SCAN_H
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/arena.h"
#include "core/err.h"

/* Confidence of an identification or finding (QoD-like, see varde-scan.1). */
typedef enum ScanConf { SCONF_LOW = 0, SCONF_MEDIUM = 1, SCONF_HIGH = 2 } ScanConf;
typedef enum ScanSev {
  SSEV_INFO = 0, SSEV_LOW, SSEV_MEDIUM, SSEV_HIGH, SSEV_CRITICAL
} ScanSev;
typedef enum ScanPortState {
  SPORT_OPEN = 0, SPORT_CLOSED, SPORT_FILTERED
} ScanPortState;

/* A service on an open port as identified by the match rules. */
typedef struct ScanService {
  const char *name;       /* "ssh", "http", ... or NULL when unknown */
  const char *product;    /* "OpenSSH", "nginx", ... or NULL */
  const char *version;    /* "9.2p1" or NULL */
  const char *cpe;        /* CPE 2.3 formatted string or NULL */
  const char *extra;      /* distribution hint etc. or NULL */
  ScanConf conf;          /* confidence of the name/product/version */
  const char *method;     /* "banner", "probe:http", "port" ... */
  const char *evidence;   /* escaped reply bytes that produced it */
  int tls;                /* 1 when spoken over TLS */
} ScanService;

typedef struct ScanTls {
  unsigned versions;      /* bit SCAN_TLS10.. set when the version was accepted */
  const char *subject, *issuer, *san;  /* one-line, escaped */
  const char *not_before, *not_after;  /* ISO 8601 UTC */
  int64_t not_after_epoch;
  int self_signed, expired, name_mismatch;
  const char *weak;       /* comma list of weak cipher classes accepted */
  const char *chain;      /* "depth0 subject | depth1 subject ..." */
  const char *starttls;   /* NULL, or "smtp"/"imap"/"pop3" when upgraded */
} ScanTls;
enum { SCAN_TLS10 = 1, SCAN_TLS11 = 2, SCAN_TLS12 = 4, SCAN_TLS13 = 8 };

typedef struct ScanFinding {
  const char *id;         /* stable identifier: "tls-cert-expired" ... */
  const char *title;      /* Norwegian one-liner */
  ScanSev sev;
  ScanConf conf;
  const char *evidence;
} ScanFinding;

typedef struct ScanPort {
  uint16_t port;
  ScanPortState state;
  int rtt_ms;
  ScanService svc;
  ScanTls *tls;           /* NULL unless TLS was seen */
  ScanFinding *findings;
  size_t nfindings, capfindings;
} ScanPort;

typedef struct ScanHost {
  struct sockaddr_storage addr;
  socklen_t addrlen;
  char addrstr[64];
  const char *name;       /* host name the user gave, or NULL */
  ScanPort *ports;        /* open ports only (closed/filtered are counted) */
  size_t nports, capports;
  unsigned nclosed, nfiltered, nskipped;
  int timed_out;          /* per-host time-out hit */
  int unreachable;        /* EHOSTUNREACH/ENETUNREACH: no ARP/ND answer */
  int down;               /* host discovery got no answer: not port-scanned */
  int alive;              /* host discovery got an answer (SYN-ACK or RST) */
  /* written by the port-scan workers together (atomics) while a pass runs: */
  int srtt_us, rttvar_us; /* smoothed answer time (engine's adaptive time-out) */
  int rtt_known;
  int64_t first_ms;       /* first connect of this host (engine clock) */
} ScanHost;

typedef struct ScanReport {
  Arena *arena;
  ScanHost *hosts;
  size_t nhosts;
  size_t nports_planned;
  int64_t started, finished;  /* unix seconds */
  int interrupted;            /* SIGINT or global time-out */
  unsigned long connects;     /* connect() calls made */
  unsigned long refused;      /* connects refused by the scope gate */
  pthread_mutex_t lock;       /* guards arena and port/finding arrays */
} ScanReport;

const char *scan_conf_name(ScanConf c);
const char *scan_sev_name(ScanSev s);
const char *scan_state_name(ScanPortState s);
int scan_conf_parse(const char *s);   /* -1 when unknown */
int scan_sev_parse(const char *s);

/* Adds an open port with its answer time to h, under r->lock. NULL on OOM.
 * While port-scan workers still add ports, the pointer may move: write to
 * it only once the port pass is over. */
ScanPort *scan_host_add_port(ScanReport *r, ScanHost *h, uint16_t port, int rtt_ms);
/* h's address with port set, ready for connect(). */
void scan_host_sockaddr(const ScanHost *h, uint16_t port, struct sockaddr_storage *out);
/* Appends a finding; strings are copied into the arena. */
int scan_port_add_finding(ScanReport *r, ScanPort *p, const char *id,
                          const char *title, ScanSev sev, ScanConf conf,
                          const char *evidence);
/* Escapes bytes for evidence: printable ASCII kept, others as \xNN, \r \n. */
char *scan_escape(Arena *a, const unsigned char *p, size_t n, size_t max);
/* Thread-safe copy of s into the report arena (NULL stays NULL). */
const char *scan_rstrdup(ScanReport *r, const char *s);
/* Creates an empty report; hosts are filled by scan_report_set_hosts. */
int scan_report_init(ScanReport *r);
void scan_report_free(ScanReport *r);

#endif
