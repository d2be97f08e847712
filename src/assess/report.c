/* report.c — the one-page report for a director (HTML, printed on one A4
 * page) and the same figures as CSV; shared by /org/N/rapport and
 * `varde report`. */
#include <string.h>

#include "assess/aweb.h"
#include "html/html.h"

static void figures(Buf *b, Arena *a, const AssessDash *d) {
  const char *score = "–", *done = "–";
  if (d->have_view && d->view.assessment_id) {
    score = assess_web_score(a, d->view.fw, d->view.scores.total);
    done = assess_web_date(a, d->view.last_snapshot_at);
  }
  html_printf(b, "<dl class=\"figures\"><div><dt>Samlet modenhet</dt><dd>%s</dd></div>"
                 "<div><dt>Sist fullført</dt><dd>%s</dd></div>"
                 "<div><dt>Gap mot målet</dt><dd>%zu</dd></div>"
                 "<div><dt>Åpne tiltak</dt><dd>%zu</dd></div>"
                 "<div><dt>Over fristen</dt><dd>%zu</dd></div>"
                 "<div><dt>Kampanjer med frist</dt><dd>%zu</dd></div></dl>",
              score, done, d->ngaps, d->nopen, d->noverdue, d->ntasks);
}

void assess_report_body(Buf *b, Arena *a, const AssessDash *d, int64_t now) {
  html_printf(b, "<article class=\"report\"><header><h1>Informasjonssikkerhet: %s</h1><p class=\"hint\">"
                 "Statusrapport til kommunedirektøren, %s.", d->org_name, assess_web_date(a, now));
  if (d->have_view) html_printf(b, " Rammeverk: %s.", d->view.fw->name);
  html_raw(b, "</p></header>");
  figures(b, a, d);
  html_raw(b, "<div class=\"report-grid\"><section><h2>Modenhet per kategori</h2>");
  assess_dash_maturity(b, a, d, NULL);
  html_raw(b, "</section><section><h2>Utvikling</h2>");
  assess_dash_trend(b, a, d);
  if (!d->have_view) html_raw(b, "<p>Ingen vurdering ennå.</p>");
  html_raw(b, "</section></div><section><h2>Største gap mot målet</h2>");
  assess_dash_gaps(b, a, d, NULL, 5, NULL);
  html_raw(b, "</section><div class=\"report-grid\"><section><h2>Tiltak</h2>");
  assess_dash_measures(b, a, d, NULL, 5);
  html_raw(b, "</section><section><h2>Frister fra region og nasjonalt senter</h2>");
  assess_dash_tasks(b, a, d, NULL);
  html_raw(b, "</section></div><footer class=\"hint\">Laget av Varde. Tallene er kommunens egen vurdering "
              "på Vardes modenhetsskala 0–5 (NSM publiserer ingen modenhetsskala).</footer></article>");
}

/* One CSV field, quoted when needed (";" separated, Norwegian Excel). A
 * text that Excel would run as a formula (=, +, -, @ first) gets a leading
 * apostrophe, so a title typed by a user cannot become one. */
static void field(Buf *b, const char *s) {
  if (!s) s = "";
  const char *lead = strchr("=+-@\t\r", s[0]) && s[0] ? "'" : "";
  if (!strpbrk(s, ";\"\r\n")) {
    buf_puts(b, lead);
    buf_puts(b, s);
    return;
  }
  buf_putc(b, '"');
  buf_puts(b, lead);
  for (const char *p = s; *p; p++) {
    if (*p == '"') buf_putc(b, '"');
    buf_putc(b, *p);
  }
  buf_putc(b, '"');
}

static void row(Buf *b, const char *sec, const char *item, const char *val, const char *detail) {
  field(b, sec);
  buf_putc(b, ';');
  field(b, item);
  buf_putc(b, ';');
  field(b, val);
  buf_putc(b, ';');
  field(b, detail);
  buf_puts(b, "\r\n");
}

static void csv_scores(Buf *b, Arena *a, const AssessDash *d) {
  const AssessView *v = &d->view;
  const AssessFramework *fw = v->fw;
  row(b, "modenhet", "samlet", assess_web_score(a, fw, v->scores.total), fw->name);
  for (size_t i = 0; i < fw->nnodes; i++)
    if (fw->nodes[i].parent < 0)
      row(b, "kategori", arena_printf(a, "%s %s", fw->nodes[i].ref_id, fw->nodes[i].name),
          assess_web_score(a, fw, v->scores.node[i].score), "");
  for (size_t i = 0; i < d->nsnaps; i++)
    row(b, "utvikling", assess_web_date(a, d->snaps[i].at), assess_web_score(a, fw, d->snaps[i].total), "");
  for (size_t i = 0; i < d->ngaps; i++)
    row(b, "gap", arena_printf(a, "%s %s", d->gaps[i].ref_id, d->gaps[i].name),
        assess_web_level(a, fw, d->gaps[i].g.level),
        arena_printf(a, "mål %s", assess_web_level(a, fw, d->gaps[i].g.target)));
}

void assess_report_csv(Buf *b, Arena *a, const AssessDash *d) {
  buf_puts(b, "\xEF\xBB\xBF");   /* BOM: Excel reads UTF-8 */
  row(b, "del", "punkt", "verdi", "detalj");
  row(b, "organisasjon", d->org_name, "", "");
  if (d->have_view && d->view.assessment_id) csv_scores(b, a, d);
  for (size_t i = 0; i < d->nopen; i++)
    row(b, d->open[i].overdue ? "tiltak over fristen" : "tiltak", d->open[i].title,
        assess_mstatus_label(d->open[i].status), arena_printf(a, "frist %s", d->open[i].deadline));
  for (size_t i = 0; i < d->ntasks; i++)
    row(b, "kampanje", d->tasks[i].title, d->tasks[i].late ? "frist passert" : "åpen",
        arena_printf(a, "frist %s, fra %s", d->tasks[i].deadline, d->tasks[i].sender_name));
}
