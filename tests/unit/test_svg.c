/* test_svg.c — the server-drawn charts: escaped text, title and desc, bar
 * widths and marker positions from the values, gaps in lines, bad input. */
#include <string.h>

#include "svg/svg.h"
#include "test.h"

static int count(const char *h, const char *needle) {
  int n = 0;
  for (const char *p = h; (p = strstr(p, needle)); p++) n++;
  return n;
}

TEST(bars) {
  Buf b;
  buf_init(&b, 1 << 20);
  SvgChart c = {"m1", "Modenhet <per> kategori", "Identifisere: 2,5 av 5", "Mål"};
  SvgBar bars[] = {
      {"Identifisere & kartlegge", 0.5, 0.6, "2,5 av 5"},
      {"<script>x</script>", 1.7, -1, NULL},   /* clamped, escaped, no marker */
      {"Ubesvart", -1, 0.6, "–"},
  };
  CHECK_INT(svg_bars(&b, &c, bars, 3), 0);
  const char *h = buf_cstr(&b);
  CHECK(strstr(h, "<title id=\"m1-t\">Modenhet &lt;per&gt; kategori</title>") != NULL);
  CHECK(strstr(h, "<desc id=\"m1-d\">Identifisere: 2,5 av 5</desc>") != NULL);
  CHECK(strstr(h, "aria-labelledby=\"m1-t m1-d\"") != NULL);
  CHECK(strstr(h, "role=\"img\"") != NULL);
  CHECK(strstr(h, "Identifisere &amp; kartlegge") != NULL);
  CHECK(strstr(h, "<script>") == NULL);
  CHECK(strstr(h, "&lt;script&gt;x&lt;/script&gt;") != NULL);
  CHECK(strstr(h, "class=\"bar\" x=\"0\" y=\"22\" width=\"180\"") != NULL);
  CHECK(strstr(h, "class=\"bar\" x=\"0\" y=\"66\" width=\"360\"") != NULL);   /* clamped */
  CHECK_INT(count(h, "class=\"bar\""), 2);                                   /* none for -1 */
  CHECK_INT(count(h, "class=\"mark\""), 3);                                  /* 2 + legend */
  CHECK(strstr(h, "x1=\"216\" x2=\"216\"") != NULL);                         /* 0.6 of 356 + 2 */
  CHECK(strstr(h, "= Mål</text>") != NULL);
  CHECK(strstr(h, "viewBox=\"0 0 360 156\"") != NULL);                       /* 3 rows + legend */
  buf_free(&b);
}

TEST(long_label_is_cut) {
  Buf b;
  buf_init(&b, 1 << 20);
  SvgChart c = {"x", "t", NULL, NULL};
  char lbl[200];
  memset(lbl, 0, sizeof lbl);
  for (int i = 0; i < 60; i++) strcat(lbl, "ø");
  SvgBar bar = {lbl, 0.1, -1, "1"};
  CHECK_INT(svg_bars(&b, &c, &bar, 1), 0);
  char want[200] = "";
  for (int i = 0; i < SVG_LABEL_MAX; i++) strcat(want, "ø");
  strcat(want, "…</text>");
  CHECK(strstr(buf_cstr(&b), want) != NULL);
  buf_free(&b);
}

TEST(line) {
  Buf b;
  buf_init(&b, 1 << 20);
  SvgChart c = {"trend", "Utvikling", "2022: 40 %, 2024: 60 %", NULL};
  const char *xl[] = {"2022", "2023", "2024"};
  double v1[] = {0.4, -1, 0.6};
  double v2[] = {0.6, 0.6, 0.6};
  const char *t1[] = {"2,0", NULL, "3,0"};
  SvgSeries s[] = {{"Samlet", v1, t1, 0}, {"Mål & plan", v2, NULL, 1}};
  const char *yt[] = {"0", "1", "2", "3", "4", "5"};
  CHECK_INT(svg_line(&b, &c, xl, 3, s, 2, yt, 6), 0);
  const char *h = buf_cstr(&b);
  /* the gap splits series 0 into two one-point polylines */
  CHECK_INT(count(h, "<polyline"), 3);
  CHECK_INT(count(h, "<circle"), 2 + 1);       /* two points + legend marker */
  CHECK_INT(count(h, "<rect"), 0);              /* the plain series has no markers */
  CHECK(strstr(h, ">2,0</text>") != NULL && strstr(h, ">3,0</text>") != NULL);
  CHECK(strstr(h, "Mål &amp; plan") != NULL);
  CHECK(strstr(h, ">2024</text>") != NULL);
  /* y axis: value 0.4 on a plot of height 180 from y=22 → 22 + 180 − 72 = 130 */
  CHECK(strstr(h, "points=\"34,130\"") != NULL);
  buf_free(&b);
}

TEST(bad_input) {
  Buf b;
  buf_init(&b, 1 << 20);
  SvgChart bad = {"a\"b", "t", NULL, NULL};
  SvgBar bar = {"x", 0.5, -1, NULL};
  CHECK_INT(svg_bars(&b, &bad, &bar, 1), -1);
  SvgChart none = {NULL, "t", NULL, NULL};
  CHECK_INT(svg_bars(&b, &none, &bar, 1), -1);
  SvgChart ok = {"ok", "t", NULL, NULL};
  CHECK_INT(svg_bars(&b, &ok, &bar, SVG_MAX_ITEMS + 1), -1);
  double nan_v[] = {0.0 / 0.0};
  SvgSeries s = {"s", nan_v, NULL, 0};
  const char *xl[] = {"x"};
  CHECK_INT(svg_line(&b, &ok, xl, 1, &s, 1, NULL, 0), 0);
  CHECK(strstr(buf_cstr(&b), "nan") == NULL);
  buf_free(&b);
}

int main(void) {
  RUN(bars);
  RUN(long_label_is_cut);
  RUN(line);
  RUN(bad_input);
  return TEST_DONE();
}
