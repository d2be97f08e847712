/* err.h — Varde's one error convention: functions return 0 or a negative
 * VERR_* code, and put a human-readable message (Norwegian for users where it
 * reaches the UI, English for logs is acceptable) on an Err the caller passed. */
#ifndef VARDE_ERR_H
#define VARDE_ERR_H

typedef struct Err {
  int code;
  char msg[512];
} Err;

enum {
  VERR_OK = 0,
  VERR_INVALID = -1,   /* bad input from outside */
  VERR_NOTFOUND = -2,
  VERR_DENIED = -3,
  VERR_CONFLICT = -4,
  VERR_IO = -5,        /* disk, network */
  VERR_DB = -6,
  VERR_NOMEM = -7,
  VERR_TOOBIG = -8,
  VERR_BUSY = -9,
};

/* Sets e (may be NULL) and returns code, so `return err_set(e, VERR_INVALID, ...)` reads well. */
int err_set(Err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void err_clear(Err *e);

#endif
