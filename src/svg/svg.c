/* svg.c — the server's chart drawer (bars, lines) behind svg.h: integer
 * coordinates in a fixed viewBox, text through the HTML escaper. */
#include "svg/svg.h"

#include <math.h>
#include <string.h>

#include "html/html.h"

#define BAR_W 360      /* viewBox width of a bar chart: about 1:1 on a phone */
#define BAR_ROW 44     /* label line + bar + gap */
#define LINE_W 400
#define LINE_H 230
#define PAD_L 34       /* room for y tick labels */
#define PAD_R 14
#define PAD_T 22       /* room for point labels */
#define PAD_B 28       /* x labels */

static int id_ok(const char *id) {
  if (!id || !id[0] || strlen(id) > 64) return 0;
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '-' || *p == '_'))
      return 0;
  return 1;
}

static double clamp01(double v) {
  if (!isfinite(v) || v < 0) return 0;
  return v > 1 ? 1 : v;
}

/* Writes s escaped, cut to SVG_LABEL_MAX characters (UTF-8 aware) with "…". */
static void label(Buf *b, const char *s) {
  if (!s) return;
  size_t i = 0, chars = 0, n = strlen(s);
  while (i < n && chars < SVG_LABEL_MAX) {
    i++;
    while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
    chars++;
  }
  html_escape(b, s, i);
  if (i < n) html_raw(b, "…");
}

/* <svg> with role, aria ids, <title> and <desc>. */
static void open_svg(Buf *b, const SvgChart *c, const char *cls, int w, int h) {
  html_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart %s\" viewBox=\"0 0 %d %d\" "
                 "role=\"img\" aria-labelledby=\"%s-t %s-d\"><title id=\"%s-t\">%s</title>"
                 "<desc id=\"%s-d\">%s</desc>",
              cls, w, h, c->id, c->id, c->id, c->title, c->id, c->desc ? c->desc : "");
}

static void bar_row(Buf *b, const SvgBar *r, int y) {
  html_printf(b, "<text class=\"lbl\" x=\"0\" y=\"%d\">", y + 15);
  label(b, r->label);
  html_printf(b, "</text><text class=\"val\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", BAR_W,
              y + 15, r->value_text ? r->value_text : "–");
  html_printf(b, "<rect class=\"track\" x=\"0\" y=\"%d\" width=\"%d\" height=\"12\"/>", y + 22, BAR_W);
  if (r->value >= 0 && isfinite(r->value)) {
    int w = (int)lround(clamp01(r->value) * BAR_W);
    html_printf(b, "<rect class=\"bar\" x=\"0\" y=\"%d\" width=\"%d\" height=\"12\"/>", y + 22, w);
  }
  if (r->mark >= 0 && isfinite(r->mark)) {
    int x = (int)lround(clamp01(r->mark) * (BAR_W - 4)) + 2;
    html_printf(b, "<line class=\"mark\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>", x, x, y + 18,
                y + 38);
  }
}

int svg_bars(Buf *b, const SvgChart *c, const SvgBar *bars, size_t n) {
  if (!c || !id_ok(c->id) || !c->title || n > SVG_MAX_ITEMS) return -1;
  int marks = 0;
  for (size_t i = 0; i < n; i++) marks |= bars[i].mark >= 0;
  int legend = marks && c->mark_label ? 24 : 0;
  int h = (int)n * BAR_ROW + legend;
  open_svg(b, c, "bars", BAR_W, h > 0 ? h : 1);
  for (size_t i = 0; i < n; i++) bar_row(b, &bars[i], (int)i * BAR_ROW);
  if (legend) {
    int y = (int)n * BAR_ROW + 4;
    html_printf(b, "<line class=\"mark\" x1=\"2\" x2=\"2\" y1=\"%d\" y2=\"%d\"/>"
                   "<text class=\"legend\" x=\"10\" y=\"%d\">= %s</text>",
                y, y + 16, y + 13, c->mark_label);
  }
  html_raw(b, "</svg>");
  return b->err ? -1 : 0;
}

/* --- line chart ----------------------------------------------------------- */

static int px(size_t i, size_t nx) {
  int w = LINE_W - PAD_L - PAD_R;
  if (nx <= 1) return PAD_L + w / 2;
  return PAD_L + (int)lround((double)i * w / (double)(nx - 1));
}

static int py(double v) {
  int h = LINE_H - PAD_T - PAD_B;
  return PAD_T + h - (int)lround(clamp01(v) * h);
}

static void axes(Buf *b, const char *const *xl, size_t nx, const char *const *yt, size_t nyt) {
  for (size_t i = 0; i < nyt; i++) {
    int y = py(nyt > 1 ? (double)i / (double)(nyt - 1) : 0);
    html_printf(b, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>"
                   "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
                PAD_L, LINE_W - PAD_R, y, y, PAD_L - 6, y + 4, yt[i]);
  }
  /* With many points, label every k-th so the labels do not collide. */
  size_t step = nx > 6 ? (nx + 5) / 6 : 1;
  for (size_t i = 0; i < nx; i++) {
    if (i % step && i != nx - 1) continue;
    const char *anchor = nx > 1 && i == 0 ? "start" : nx > 1 && i == nx - 1 ? "end" : "middle";
    html_printf(b, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"%s\">%s</text>", px(i, nx),
                LINE_H - 8, anchor, xl[i]);
  }
}

/* One marker: circle, square, triangle, diamond by series number. */
static void marker(Buf *b, size_t k, int x, int y) {
  switch (k % 4) {
  case 0: html_printf(b, "<circle cx=\"%d\" cy=\"%d\" r=\"4\"/>", x, y); break;
  case 1: html_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"8\" height=\"8\"/>", x - 4, y - 4); break;
  case 2:
    html_printf(b, "<path d=\"M%d %dL%d %dL%d %dZ\"/>", x, y - 5, x + 5, y + 4, x - 5, y + 4);
    break;
  default:
    html_printf(b, "<path d=\"M%d %dL%d %dL%d %dL%d %dZ\"/>", x, y - 5, x + 5, y, x, y + 5, x - 5, y);
  }
}

static void series(Buf *b, const SvgSeries *s, size_t k, size_t nx) {
  html_printf(b, "<g class=\"series s%zu\">", k);
  int open = 0;
  for (size_t i = 0; i < nx; i++) {
    if (s->v[i] < 0 || !isfinite(s->v[i])) {
      if (open) html_raw(b, "\"/>");
      open = 0;
      continue;
    }
    if (!open) html_printf(b, "<polyline points=\"%d,%d", px(i, nx), py(s->v[i]));
    else html_printf(b, " %d,%d", px(i, nx), py(s->v[i]));
    open = 1;
  }
  if (open) html_raw(b, "\"/>");
  for (size_t i = 0; i < nx; i++) {
    if (s->v[i] < 0 || !isfinite(s->v[i])) continue;
    if (!s->plain) marker(b, k, px(i, nx), py(s->v[i]));
    /* the outermost labels lean inwards, clear of the y axis labels */
    const char *anchor = nx > 1 && i == 0 ? "start" : nx > 1 && i == nx - 1 ? "end" : "middle";
    if (s->text && s->text[i])
      html_printf(b, "<text class=\"pt\" x=\"%d\" y=\"%d\" text-anchor=\"%s\">%s</text>",
                  px(i, nx), py(s->v[i]) - 9, anchor, s->text[i]);
  }
  html_raw(b, "</g>");
}

static void line_legend(Buf *b, const SvgSeries *s, size_t ns, int y) {
  int x = PAD_L;
  for (size_t k = 0; k < ns; k++) {
    html_printf(b, "<g class=\"series s%zu\"><line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>", k, x,
                x + 22, y, y);
    if (!s[k].plain) marker(b, k, x + 11, y);
    html_printf(b, "</g><text class=\"legend\" x=\"%d\" y=\"%d\">", x + 28, y + 4);
    label(b, s[k].name);
    html_raw(b, "</text>");
    x += 40 + 7 * (int)(s[k].name ? strlen(s[k].name) : 0);
  }
}

int svg_line(Buf *b, const SvgChart *c, const char *const *xl, size_t nx, const SvgSeries *s,
             size_t ns, const char *const *yt, size_t nyt) {
  if (!c || !id_ok(c->id) || !c->title || nx > SVG_MAX_ITEMS || ns > SVG_MAX_SERIES ||
      nyt > 20)
    return -1;
  int legend = ns > 1 ? 22 : 0;
  open_svg(b, c, "line", LINE_W, LINE_H + legend);
  axes(b, xl, nx, yt, nyt);
  for (size_t k = 0; k < ns; k++) series(b, &s[k], k, nx);
  if (legend) line_legend(b, s, ns, LINE_H + 10);
  html_raw(b, "</svg>");
  return b->err ? -1 : 0;
}
