/* qr.h — QR codes as SVG for the TOTP set-up page: libqrencode builds the
 * module matrix, we write one <path> with a viewBox (no inline style). */
#ifndef VARDE_AUTH_QR_H
#define VARDE_AUTH_QR_H
#include "core/buf.h"
#include "core/err.h"

#define AUTH_QR_QUIET 4   /* quiet zone, in modules, on every side */

/* Appends an <svg> element for `text` (error correction M, byte mode) to out.
 * `title` (may be NULL) becomes an escaped <title> for screen readers.
 * *modules (may be NULL) receives the symbol's width in modules, without the
 * quiet zone. 0, or VERR_INVALID (too long) / VERR_NOMEM. */
int auth_qr_svg(const char *text, const char *title, Buf *out, int *modules, Err *e);

#endif
