/* event.h — the flat event that every log parser (EVTX, JSON lines, M365,
 * syslog) produces and the Sigma engine reads. Field names are flattened
 * ("a.b.c" for nested JSON; EVTX System attributes joined with "_", EventData
 * by their Name). Copied strings live in reusable store blocks, so filling an
 * event allocates nothing once the store has grown to the largest event
 * seen; a parser may also point fields at its own input (sev_add_ref). */
#ifndef VARDE_SIGMA_EVENT_H
#define VARDE_SIGMA_EVENT_H
#include <stddef.h>
#include <stdint.h>

enum { SEV_STR = 0, SEV_NUM = 1, SEV_BOOL = 2, SEV_NULL = 3 };

typedef struct SigmaField {
  const char *name, *val;        /* NUL-terminated; valid until the event is reset */
  uint32_t name_len, val_len;
  uint8_t kind;                  /* SEV_* (a number keeps its text form in val) */
} SigmaField;

typedef enum SigmaFormat {
  SFMT_UNKNOWN = 0, SFMT_EVTX, SFMT_JSON, SFMT_M365, SFMT_SYSLOG
} SigmaFormat;

typedef struct SevBlock SevBlock;   /* one block of the string store (event.c) */

typedef struct SigmaEvent {
  SigmaField *f;
  uint32_t n, cap;
  SevBlock *blocks, *cur;        /* store blocks (kept across resets), the one filling */
  size_t store_n;                /* bytes stored since the last reset */
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
/* Makes room for one more field (event.c); 0, or -1 past SEV_MAX_FIELDS. */
int sev_field_room(SigmaEvent *e);

/* Append a field without copying: name[name_len] and val[val_len] must be
 * NUL bytes, and both must stay unchanged until the event is reset. Inline:
 * parsers call it once per field. */
static inline int sev_add_ref(SigmaEvent *e, const char *name, size_t name_len,
                              const char *val, size_t val_len, int kind) {
  if (name_len > UINT32_MAX / 4 || val_len > UINT32_MAX / 4) return -1;
  if ((e->n >= e->cap || e->n >= SEV_MAX_FIELDS) && sev_field_room(e)) return -1;
  SigmaField *f = &e->f[e->n++];
  f->name = name;
  f->val = val;
  f->name_len = (uint32_t)name_len;
  f->val_len = (uint32_t)val_len;
  f->kind = (uint8_t)kind;
  return 0;
}

/* n bytes of the event's own store (for a parser's working copy of a
 * record), valid until the event is reset; NULL past SEV_MAX_STORE. */
char *sev_store(SigmaEvent *e, size_t n);

static inline const char *sev_name(const SigmaEvent *e, const SigmaField *f) {
  (void)e;
  return f->name;
}
static inline const char *sev_val(const SigmaEvent *e, const SigmaField *f) {
  (void)e;
  return f->val;
}
/* First field with this exact name (case-sensitive), or NULL. */
const SigmaField *sev_get(const SigmaEvent *e, const char *name, size_t name_len);
/* dst (reset first) becomes a copy of src's fields, format, record and time
 * that owns its strings (source is left NULL): for keeping an event past the
 * next read. 0, or -1 when out of memory or too large. */
int sev_copy(SigmaEvent *dst, const SigmaEvent *src);

#endif
