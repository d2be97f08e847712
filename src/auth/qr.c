/* qr.c — renders a QR code as SVG: libqrencode computes the module matrix,
 * and each row's dark runs become sub-paths of a single <path>. */
#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include "auth/qr.h"

#define QR_TEXT_MAX 1024

static void put_xml_text(Buf *out, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': buf_lit(out, "&amp;"); break;
    case '<': buf_lit(out, "&lt;"); break;
    case '>': buf_lit(out, "&gt;"); break;
    case '"': buf_lit(out, "&quot;"); break;
    case '\'': buf_lit(out, "&#39;"); break;
    default: buf_putc(out, *s);
    }
  }
}

/* Appends one "M x y h n v1 h -n z" sub-path per horizontal run of dark modules. */
static void put_modules(Buf *out, const QRcode *q) {
  for (int y = 0; y < q->width; y++) {
    const unsigned char *row = q->data + (size_t)y * q->width;
    int x = 0;
    while (x < q->width) {
      if (!(row[x] & 1)) {
        x++;
        continue;
      }
      int start = x;
      while (x < q->width && (row[x] & 1)) x++;
      buf_printf(out, "M%d %dh%dv1h-%dz", start + AUTH_QR_QUIET, y + AUTH_QR_QUIET, x - start,
                 x - start);
    }
  }
}

int auth_qr_svg(const char *text, const char *title, Buf *out, int *modules, Err *e) {
  if (!text || strlen(text) > QR_TEXT_MAX)
    return err_set(e, VERR_INVALID, "teksten er for lang for en QR-kode");
  errno = 0;
  QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!q)
    return err_set(e, errno == ENOMEM ? VERR_NOMEM : VERR_INVALID, "kunne ikke lage QR-kode");
  int size = q->width + 2 * AUTH_QR_QUIET;
  buf_printf(out,
             "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 %d %d\" "
             "role=\"img\" shape-rendering=\"crispEdges\">",
             size, size);
  if (title) {
    buf_lit(out, "<title>");
    put_xml_text(out, title);
    buf_lit(out, "</title>");
  }
  /* A white ground keeps the code scannable on a dark page. */
  buf_printf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", size,
             size);
  put_modules(out, q);
  buf_lit(out, "\"/></svg>");
  if (modules) *modules = q->width;
  QRcode_free(q);
  if (out->err) return err_set(e, VERR_TOOBIG, "QR-koden ble for stor for bufferen");
  return 0;
}
