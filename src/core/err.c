/* err.c — fill an Err (see err.h). */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int err_set(Err *e, int code, const char *fmt, ...) {
  if (!e) return code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  e->code = code;
  return code;
}

void err_clear(Err *e) {
  if (!e) return;
  e->code = 0;
  e->msg[0] = '\0';
}
