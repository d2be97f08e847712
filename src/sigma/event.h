/* event.h — the flat event that every log parser (EVTX, JSON lines, M365,
 * syslog) produces and the Sigma engine reads. Field names are flattened
 * ("a.b.c" for nested JSON; EVTX System attributes joined with "_", EventData
 * by their Name). Strings live in one reusable store, so filling an event
 * allocates nothing once the buffers have grown to the largest event seen. */
#ifndef VARDE_SIGMA_EVENT_H
#define VARDE_SIGMA_EVENT_H
#include <stddef.h>
#include <stdint.h>

enum { SEV_STR = 0, SEV_NUM = 1, SEV_BOOL = 2, SEV_NULL = 3 };

typedef struct SigmaField {
  uint32_t name_off, name_len;   /* offsets into SigmaEvent.store */
  uint32_t val_off, val_len;
  uint8_t kind;                  /* SEV_* (a number keeps its text form in val) */
} SigmaField;

typedef enum SigmaFormat {
  SFMT_UNKNOWN = 0, SFMT_EVTX, SFMT_JSON, SFMT_M365, SFMT_SYSLOG
} SigmaFormat;

typedef struct SigmaEvent {
  SigmaField *f;
  uint32_t n, cap;
  char *store;
  size_t store_n, store_cap;
  SigmaFormat format;
  const char *source;            /* file name (not owned) */
  uint64_t record;               /* EVTX record id, or line number */
  int64_t time_ms;               /* event time, ms since epoch UTC; INT64_MIN if unknown */
} SigmaEvent;

void sev_init(SigmaEvent *e);
void sev_free(SigmaEvent *e);
void sev_reset(SigmaEvent *e);   /* keeps memory */
/* Bounds on one event, so hostile input cannot make it grow without end. */
#define SEV_MAX_FIELDS 100000u
#define SEV_MAX_STORE ((size_t)64 << 20)

/* Append a field; name and value are copied. Returns 0, or -1 when out of
 * memory or when the event would pass SEV_MAX_FIELDS / SEV_MAX_STORE. */
int sev_add(SigmaEvent *e, const char *name, size_t name_len,
            const char *val, size_t val_len, int kind);

static inline const char *sev_name(const SigmaEvent *e, const SigmaField *f) {
  return e->store + f->name_off;
}
static inline const char *sev_val(const SigmaEvent *e, const SigmaField *f) {
  return e->store + f->val_off;
}
/* First field with this exact name (case-sensitive), or NULL. */
const SigmaField *sev_get(const SigmaEvent *e, const char *name, size_t name_len);

#endif
