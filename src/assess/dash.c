/* dash.c — the director's dashboard content: loads one organisation's
 * figures (scores, trend, gaps, measures, deadlines) and renders them as HTML
 * fragments shared by the dashboard sections and the one-page report. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assess/aweb.h"
#include "html/html.h"
#include "org/org.h"
#include "svg/svg.h"

static int soft(int rc, Err *e) {   /* refusals leave a part empty */
  if (rc == VERR_NOTFOUND || rc == VERR_DENIED) {
    err_clear(e);
    return 0;
  }
  return rc;
}

static int load_fws(Db *db, const Principal *who, AssessDash *d, Arena *a, Err *e) {
  AssessFwInfo *v = NULL;
  size_t n = 0;
  int rc = assess_store_fw_list(db, a, &v, &n, e);
  if (rc) return rc;
  d->fws = arena_alloc(a, (n ? n : 1) * sizeof *d->fws);
  d->fw_total = arena_alloc(a, (n ? n : 1) * sizeof(double));
  d->fw_answered = arena_alloc(a, (n ? n : 1) * sizeof(int));
  d->fw_items = arena_alloc(a, (n ? n : 1) * sizeof(int));
  if (!d->fws || !d->fw_total || !d->fw_answered || !d->fw_items)
    return err_set(e, VERR_NOMEM, "tomt for minne");
  for (size_t i = 0; i < n; i++) {
    if (!v[i].latest) continue;
    size_t k = d->nfws++;
    d->fws[k] = v[i];
    d->fw_total[k] = -1;
    d->fw_answered[k] = 0;
    d->fw_items[k] = (int)v[i].nitems;
    AssessView vw;
    rc = assess_store_view_scores(db, who, d->org_id, v[i].id, a, &vw, e);
    if (rc) return soft(rc, e);
    d->fw_total[k] = vw.assessment_id ? vw.scores.total : -1;
    d->fw_answered[k] = vw.scores.answered + vw.scores.na;
    d->fw_items[k] = vw.scores.answered + vw.scores.na + vw.scores.open;
    assess_view_free(&vw);
  }
  return 0;
}

int assess_dash_load(Db *db, const Principal *who, int64_t org_id, int64_t fw_id, unsigned what,
                     Arena *a, AssessDash *d, Err *e) {
  memset(d, 0, sizeof *d);
  d->org_id = org_id;
  d->fw_id = fw_id;
  Org o;
  int rc = org_get(db, org_id, &o, e);
  if (rc) return rc;
  d->org_name = arena_strdup(a, o.name);
  d->population = o.population;
  if ((what & (ASSESS_DASH_SCORES | ASSESS_DASH_TREND)) && fw_id) {
    rc = soft(assess_store_view_scores(db, who, org_id, fw_id, a, &d->view, e), e);
    if (rc) return rc;
    d->have_view = d->view.fw != NULL;
  }
  if ((what & ASSESS_DASH_TREND) && fw_id &&
      (rc = soft(assess_store_snapshots(db, who, org_id, fw_id, a, &d->snaps, &d->nsnaps, e), e)))
    return rc;
  if ((what & ASSESS_DASH_GAPS) && fw_id &&
      (rc = soft(assess_store_gaps(db, who, org_id, fw_id, a, &d->gaps, &d->ngaps, e), e)))
    return rc;
  if (what & ASSESS_DASH_MEASURES) {
    rc = soft(assess_measure_list(db, who, org_id, ASSESS_ML_OVERDUE, a, &d->overdue, &d->noverdue, e), e);
    if (!rc) rc = soft(assess_measure_list(db, who, org_id, ASSESS_ML_OPEN, a, &d->open, &d->nopen, e), e);
    if (rc) return rc;
  }
  if ((what & ASSESS_DASH_TASKS) &&
      (rc = soft(assess_tasks(db, who, org_id, a, &d->tasks, &d->ntasks, e), e)))
    return rc;
  if (what & ASSESS_DASH_FWS) return load_fws(db, who, d, a, e);
  return 0;
}

void assess_dash_free(AssessDash *d) {
  if (d->have_view) assess_view_free(&d->view);
  d->have_view = 0;
}

void assess_web_scale_note(Buf *b, const AssessFramework *fw) {
  if (fw->scale.note)
    html_printf(b, "<p class=\"hint scale-note\">%s: %s</p>", fw->scale.name ? fw->scale.name : "Skala",
                fw->scale.note);
}

/* Mean target of the assessable items below node p, as a fraction; -1 none. */
static double branch_target(const AssessView *v, int p) {
  const AssessFramework *fw = v->fw;
  double sum = 0;
  int n = 0;
  for (size_t i = 0; i < fw->nnodes; i++) {
    if (!fw->nodes[i].assessable || v->ans[i].na) continue;
    int q = (int)i;
    while (q >= 0 && q != p) q = fw->nodes[q].parent;
    if (q != p) continue;
    int t = assess_target(fw, v->ans, i);
    if (t < 0) continue;
    sum += assess_scale_fraction(&fw->scale, t);
    n++;
  }
  return n ? sum / n : -1;
}

static void maturity_bars(Buf *b, Arena *a, const AssessView *v) {
  const AssessFramework *fw = v->fw;
  size_t n = 0;
  for (size_t i = 0; i < fw->nnodes; i++) n += fw->nodes[i].parent < 0;
  SvgBar *bars = arena_alloc(a, (n ? n : 1) * sizeof *bars);
  Buf desc;
  buf_init(&desc, 1 << 16);
  size_t k = 0;
  for (size_t i = 0; i < fw->nnodes && bars; i++) {
    const AssessNode *nd = &fw->nodes[i];
    if (nd->parent >= 0) continue;
    double s = v->scores.node[i].score, t = branch_target(v, (int)i);
    bars[k].label = arena_printf(a, "%s %s", nd->ref_id, nd->name);
    bars[k].value = s;
    bars[k].mark = t;
    bars[k].value_text = assess_web_score(a, fw, s);
    buf_printf(&desc, "%s%s: %s", k ? "; " : "", bars[k].label, bars[k].value_text);
    if (t >= 0) buf_printf(&desc, ", mål %s", assess_web_dec(a, assess_score_on_scale(fw, t)));
    k++;
  }
  SvgChart c = {"modenhet-kategori", "Modenhet per kategori", buf_cstr(&desc), "Mål (gjennomsnitt)"};
  if (bars) svg_bars(b, &c, bars, k);
  buf_free(&desc);
}

void assess_dash_maturity(Buf *b, Arena *a, const AssessDash *d, const char *base) {
  if (!d->have_view || !d->view.assessment_id) {
    html_raw(b, "<p>Det er ikke gjort noen egenvurdering ennå.</p>");
    if (base && d->fw_id)
      html_printf(b, "<p><a class=\"button\" href=\"%s/vurdering/%lld\">Start egenvurderingen</a></p>",
                  base, (long long)d->fw_id);
    return;
  }
  const AssessView *v = &d->view;
  const AssessFramework *fw = v->fw;
  double on = v->scores.total >= 0 ? assess_score_on_scale(fw, v->scores.total) : -1;
  html_printf(b, "<div class=\"headline\"><p class=\"big\"><span class=\"num\">%s</span> av %d</p>"
                 "<p>Samlet modenhet i «%s» (%s av skalaen). Besvart %d av %d punkter",
              on >= 0 ? assess_web_dec(a, on) : "–", fw->scale.max, fw->name,
              assess_web_pct(a, v->scores.total), v->scores.answered + v->scores.na,
              v->scores.answered + v->scores.na + v->scores.open);
  if (v->scores.na) html_printf(b, ", %d av dem ikke relevante", v->scores.na);
  html_printf(b, ". Sist fullført: %s.</p></div>", assess_web_date(a, v->last_snapshot_at));
  maturity_bars(b, a, v);
  assess_web_scale_note(b, fw);
  if (base)
    html_printf(b, "<p class=\"no-print\"><a href=\"%s/vurdering/%lld\">Til egenvurderingen</a></p>",
                base, (long long)d->fw_id);
}

static const char *year_of(Arena *a, int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  return localtime_r(&tt, &tm) ? arena_printf(a, "%d", tm.tm_year + 1900) : "?";
}

/* 1 when no two snapshots share a year: the axis then says just the year. */
static int distinct_years(const AssessSnapshot *s, size_t n) {
  for (size_t i = 1; i < n; i++) {
    time_t x = (time_t)s[i - 1].at, y = (time_t)s[i].at;
    struct tm tx, ty;
    if (!localtime_r(&x, &tx) || !localtime_r(&y, &ty) || tx.tm_year == ty.tm_year) return 0;
  }
  return 1;
}

void assess_dash_trend(Buf *b, Arena *a, const AssessDash *d) {
  if (!d->have_view) return;
  const AssessFramework *fw = d->view.fw;
  size_t n = d->nsnaps > SVG_MAX_ITEMS ? SVG_MAX_ITEMS : d->nsnaps;
  size_t off = d->nsnaps - n;
  if (n < 2) {
    html_printf(b, "<p>Utviklingen vises når vurderingen er fullført minst to ganger (nå: %zu).</p>",
                d->nsnaps);
    return;
  }
  const char **xl = arena_alloc(a, n * sizeof *xl);
  const char **tx = arena_alloc(a, n * sizeof *tx);
  double *v = arena_alloc(a, n * sizeof *v), *tv = arena_alloc(a, n * sizeof *tv);
  if (!xl || !tx || !v || !tv) return;
  Buf desc;
  buf_init(&desc, 1 << 16);
  double target = branch_target(&d->view, -1);
  int by_year = distinct_years(d->snaps + off, n);
  for (size_t i = 0; i < n; i++) {
    const AssessSnapshot *s = &d->snaps[off + i];
    xl[i] = by_year ? year_of(a, s->at) : assess_web_date(a, s->at);
    v[i] = s->total;
    tv[i] = target;
    tx[i] = s->total >= 0 ? assess_web_dec(a, assess_score_on_scale(fw, s->total)) : NULL;
    buf_printf(&desc, "%s%s: %s", i ? "; " : "", xl[i], tx[i] ? tx[i] : "ingen poeng");
  }
  const char **yt = arena_alloc(a, (size_t)(fw->scale.max - fw->scale.min + 1) * sizeof *yt);
  size_t nyt = 0;
  for (int l = fw->scale.min; yt && l <= fw->scale.max && nyt < 20; l++)
    yt[nyt++] = arena_printf(a, "%d", l);
  SvgSeries s[2] = {{"Samlet modenhet", v, tx, 0}, {"Mål", tv, NULL, 1}};
  SvgChart c = {"modenhet-trend", "Samlet modenhet ved hver fullførte vurdering", buf_cstr(&desc), NULL};
  svg_line(b, &c, xl, n, s, target >= 0 ? 2 : 1, yt, nyt);
  buf_free(&desc);
}

static const char *importance_label(int imp) {
  switch (imp) {
  case ASSESS_IMP_MANDATORY: return "Påkrevd";
  case ASSESS_IMP_NICE: return "Fint å ha";
  default: return "Anbefalt";
  }
}

void assess_dash_gaps(Buf *b, Arena *a, const AssessDash *d, const char *base, size_t max,
                      const char *csrf) {
  if (!d->have_view) return;
  const AssessFramework *fw = d->view.fw;
  if (!d->ngaps) {
    html_raw(b, "<p>Ingen besvarte punkter ligger under målet.</p>");
    return;
  }
  html_raw(b, "<div class=\"table-wrap\"><table class=\"gaps\"><thead><tr><th scope=\"col\">Punkt</th>"
              "<th scope=\"col\">Nå</th><th scope=\"col\">Mål</th><th scope=\"col\">Viktighet</th>"
              "<th scope=\"col\">Tiltak</th></tr></thead><tbody>");
  for (size_t i = 0; i < d->ngaps && i < max; i++) {
    const AssessGapRow *g = &d->gaps[i];
    html_printf(b, "<tr><th scope=\"row\">%s %s</th><td>%s</td><td>%s</td><td>%s</td><td>", g->ref_id,
                g->name, assess_web_level(a, fw, g->g.level), assess_web_level(a, fw, g->g.target),
                importance_label(g->g.importance));
    if (g->measure_id && base)
      html_printf(b, "<a href=\"%s/tiltak/%lld\">Se tiltaket</a>", base, (long long)g->measure_id);
    else if (g->measure_id)
      html_raw(b, "Tiltak finnes");
    else if (base && csrf)
      html_printf(b, "<form method=\"post\" action=\"%s/tiltak/fra-gap\"><input type=\"hidden\" "
                     "name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"rammeverk\" value=\"%lld\">"
                     "<input type=\"hidden\" name=\"punkt\" value=\"%s\"><button type=\"submit\" "
                     "aria-label=\"Lag tiltak for %s\">Lag tiltak</button></form>",
                  base, csrf, (long long)d->fw_id, g->ref_id, g->ref_id);
    else
      html_raw(b, "Ingen ennå");
    html_raw(b, "</td></tr>");
  }
  html_raw(b, "</tbody></table></div>");
  if (d->ngaps > max) html_printf(b, "<p class=\"hint\">%zu gap til i alt.</p>", d->ngaps - max);
}

static long days_over(const char *ymd, int64_t now) {
  struct tm tm = {0};
  if (!ymd || sscanf(ymd, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  time_t t = timegm(&tm);
  return t > 0 && now > t ? (long)((now - t) / 86400) : 0;
}

void assess_dash_measures(Buf *b, Arena *a, const AssessDash *d, const char *base, size_t max) {
  long long once = -1, yearly = -1;   /* -1: no measure has an estimate */
  for (size_t i = 0; i < d->nopen; i++) {
    if (d->open[i].cost_once >= 0) once = (once < 0 ? 0 : once) + d->open[i].cost_once;
    if (d->open[i].cost_yearly >= 0) yearly = (yearly < 0 ? 0 : yearly) + d->open[i].cost_yearly;
  }
  if (!d->nopen) {
    html_raw(b, "<p>Ingen åpne tiltak.</p>");
    return;
  }
  html_printf(b, "<p><strong>%zu</strong> åpne tiltak, <strong>%zu</strong> over fristen. "
                 "Anslått kostnad for de åpne: %s engangs og %s per år%s.</p>",
              d->nopen, d->noverdue, assess_web_nok(a, once), assess_web_nok(a, yearly),
              once < 0 || yearly < 0 ? " (– = ikke anslått)" : "");
  if (!d->noverdue) return;
  int64_t now = time(NULL);
  html_raw(b, "<ul class=\"overdue\">");
  for (size_t i = 0; i < d->noverdue && i < max; i++) {
    const AssessMeasure *m = &d->overdue[i];
    html_raw(b, "<li>");
    if (base) html_printf(b, "<a href=\"%s/tiltak/%lld\">%s</a>", base, (long long)m->id, m->title);
    else html_printf(b, "%s", m->title);
    html_printf(b, " <span class=\"late\">frist %s, %ld dager over</span>", assess_web_ymd(a, m->deadline),
                days_over(m->deadline, now));
    if (m->owner && m->owner[0]) html_printf(b, " · ansvarlig: %s", m->owner);
    html_raw(b, "</li>");
  }
  html_raw(b, "</ul>");
}

void assess_dash_tasks(Buf *b, Arena *a, const AssessDash *d, const char *base) {
  if (!d->ntasks) {
    html_raw(b, "<p>Ingen åpne kampanjer venter på svar.</p>");
    return;
  }
  html_raw(b, "<ul class=\"tasks\">");
  for (size_t i = 0; i < d->ntasks; i++) {
    const AssessTask *t = &d->tasks[i];
    html_raw(b, "<li>");
    if (base)
      html_printf(b, "<a href=\"%s/vurdering/%lld\">%s</a>", base, (long long)t->fw_id, t->title);
    else
      html_printf(b, "%s", t->title);
    html_printf(b, " – fra %s, %s. <span class=\"%s\">Frist %s%s</span>", t->sender_name, t->fw_name,
                t->late ? "late" : "due", assess_web_ymd(a, t->deadline),
                t->late ? " (passert)" : "");
    if (t->status == ASSESS_RECIP_STARTED) html_raw(b, " · påbegynt");
    html_raw(b, "</li>");
  }
  html_raw(b, "</ul>");
}

void assess_dash_fw_table(Buf *b, Arena *a, const AssessDash *d, const char *base) {
  if (!d->nfws) return;
  html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Rammeverk</th>"
              "<th scope=\"col\">Resultat</th><th scope=\"col\">Besvart</th></tr></thead><tbody>");
  for (size_t i = 0; i < d->nfws; i++) {
    html_raw(b, "<tr><th scope=\"row\">");
    if (base)
      html_printf(b, "<a href=\"%s/vurdering/%lld\">%s</a>", base, (long long)d->fws[i].id, d->fws[i].name);
    else
      html_printf(b, "%s", d->fws[i].name);
    html_printf(b, "</th><td>%s</td><td>%d av %d</td></tr>", assess_web_pct(a, d->fw_total[i]),
                d->fw_answered[i], d->fw_items[i]);
  }
  html_raw(b, "</tbody></table></div>");
}
