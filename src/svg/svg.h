/* svg.h — charts drawn by the server as inline SVG: horizontal bars with a
 * marker, and a line chart over time. Every text is escaped; every chart
 * carries <title> and <desc>, prints its numbers as text and tells series
 * apart by shape and dash, never by colour alone. Capability-neutral. */
#ifndef VARDE_SVG_H
#define VARDE_SVG_H
#include <stddef.h>

#include "core/buf.h"

#define SVG_MAX_ITEMS 200     /* bars, x positions */
#define SVG_MAX_SERIES 4
#define SVG_LABEL_MAX 36      /* characters shown; longer labels end in "…" */

typedef struct SvgChart {
  const char *id;          /* unique on the page: [A-Za-z0-9_-], for aria ids */
  const char *title;       /* short name (<title>) */
  const char *desc;        /* the data in words (<desc>), for screen readers */
  const char *mark_label;  /* legend text for markers (bars), e.g. "Mål"; NULL none */
} SvgChart;

typedef struct SvgBar {
  const char *label;       /* above the bar */
  double value;            /* 0..1 of the axis; < 0 = no value (no bar) */
  double mark;             /* 0..1 marker (e.g. target); < 0 = none */
  const char *value_text;  /* right of the label, e.g. "2,7 av 5"; NULL = "–" */
} SvgBar;

/* Horizontal bars, one row per item: label and value as text, the bar below
 * on a full-width track, the marker as a black tick. Values are clamped to
 * 0..1. Returns 0, or -1 (bad id, too many items; b->err on overflow). */
int svg_bars(Buf *b, const SvgChart *c, const SvgBar *bars, size_t n);

typedef struct SvgSeries {
  const char *name;          /* legend */
  const double *v;           /* nx values, 0..1; < 0 = no value (gap) */
  const char *const *text;   /* optional per-point text above the point */
  int plain;                 /* 1: line only, no point markers (e.g. a constant target) */
} SvgSeries;

/* Line chart: x positions evenly spaced with labels xl[0..nx), y from 0 to 1
 * with nyt tick labels evenly spaced (yt[0] at 0, yt[nyt-1] at 1); at most
 * six x labels are written (first and last always). Series are told apart
 * by marker shape and dash pattern, and named in a legend. */
int svg_line(Buf *b, const SvgChart *c, const char *const *xl, size_t nx, const SvgSeries *s,
             size_t ns, const char *const *yt, size_t nyt);

#endif
