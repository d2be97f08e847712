/* web_assess.c — the self-assessment pages: the frameworks an organisation
 * can assess, one framework's item tree with a save-as-you-go form per item,
 * completion into a snapshot, history, CSV export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/aweb.h"
#include "html/html.h"
#include "policy/policy.h"
#include "web/web.h"

static const char *base_of(WebCtx *c) { return arena_printf(c->a, "/org/%lld", (long long)c->org_id); }

/* A short notice after a redirect (?ok=key). */
static void flash(WebCtx *c) {
  const char *ok = web_query(c, "ok");
  if (!ok) return;
  static const struct { const char *key, *text; } msgs[] = {
      {"lagret", "Punktet er lagret."},
      {"fullfort", "Vurderingen er fullført, og et øyeblikksbilde er lagret. Utviklingen over tid "
                   "vises på oversikten."},
      {"bevis-slettet", "Dokumentasjonen er slettet."},
  };
  for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
    if (!strcmp(ok, msgs[i].key))
      html_printf(&c->resp->body, "<p class=\"notice\" role=\"status\">%s</p>", msgs[i].text);
}

/* --- the list of frameworks ---------------------------------------------- */

static void get_list(WebCtx *c) {
  AssessDash d;
  Err e = {0};
  if (assess_dash_load(c->db, &c->p, c->org_id, 0, ASSESS_DASH_FWS | ASSESS_DASH_TASKS, c->a, &d, &e)) {
    web_error_err(c, &e);
    return;
  }
  web_page_begin(c, "Egenvurdering");
  Buf *b = &c->resp->body;
  html_printf(b, "<h1>Egenvurdering – %s</h1>", d.org_name);
  html_raw(b, "<p>Velg et rammeverk. Du lagrer ett punkt om gangen og kan fortsette senere. Når "
              "alle punktene er vurdert, trykker du «Fullfør vurdering» så utviklingen over tid "
              "blir synlig.</p>");
  if (!d.nfws) html_raw(b, "<p>Ingen rammeverk er lastet inn. Be driftsansvarlig kjøre "
                          "<code>varde import framework</code>.</p>");
  if (d.ntasks) {
    html_raw(b, "<section class=\"card tasks\"><h2>Kampanjer med frist</h2>");
    assess_dash_tasks(b, c->a, &d, base_of(c));
    html_raw(b, "</section>");
  }
  assess_dash_fw_table(b, c->a, &d, base_of(c));
  assess_dash_free(&d);
  web_page_end(c);
}

/* --- one framework -------------------------------------------------------- */

typedef struct Page {
  WebCtx *c;
  AssessView v;
  AssessEvidence *ev;
  size_t nev;
  int may_write;
  const char *base;     /* /org/O/vurdering/F */
  const char *open_ref; /* item to show open (just saved) */
} Page;

static void level_choices(Page *p, size_t i) {
  Buf *b = &p->c->resp->body;
  const AssessFramework *fw = p->v.fw;
  const AssessItem *it = &p->v.items[i];
  const char *ref = fw->nodes[i].ref_id;
  html_raw(b, "<fieldset class=\"levels\"><legend>Nivå</legend>");
  for (size_t k = 0; k < fw->scale.nlevels; k++) {
    const AssessLevel *l = &fw->scale.levels[k];
    int on = it->set && !it->na && it->level == l->score;
    html_printf(b, "<div><input type=\"radio\" id=\"l-%s-%d\" name=\"level\" value=\"%d\"%s>"
                   "<label for=\"l-%s-%d\"><strong>%d %s</strong>",
                ref, l->score, l->score, on ? " checked" : "", ref, l->score, l->score, l->name);
    if (l->description) html_printf(b, " – <span class=\"hint\">%s</span>", l->description);
    html_raw(b, "</label></div>");
  }
  html_printf(b, "<div><input type=\"radio\" id=\"l-%s-na\" name=\"level\" value=\"na\"%s>"
                 "<label for=\"l-%s-na\">Ikke relevant for oss</label></div>"
                 "<div><input type=\"radio\" id=\"l-%s-x\" name=\"level\" value=\"\"%s>"
                 "<label for=\"l-%s-x\">Ikke vurdert ennå</label></div></fieldset>",
              ref, it->na ? " checked" : "", ref, ref, it->set ? "" : " checked", ref);
}

static void target_select(Page *p, size_t i) {
  Buf *b = &p->c->resp->body;
  const AssessFramework *fw = p->v.fw;
  const char *ref = fw->nodes[i].ref_id;
  int own = p->v.items[i].target;
  int def = fw->nodes[i].target >= 0 ? fw->nodes[i].target : fw->default_target;
  html_printf(b, "<div><label for=\"t-%s\">Mål</label><select id=\"t-%s\" name=\"target\">", ref, ref);
  if (def >= 0)
    html_printf(b, "<option value=\"\">Standard: %s</option>", assess_web_level(p->c->a, fw, def));
  else
    html_raw(b, "<option value=\"\">Ingen mål</option>");
  for (size_t k = 0; k < fw->scale.nlevels; k++) {
    int s = fw->scale.levels[k].score;
    html_printf(b, "<option value=\"%d\"%s>%s</option>", s, own == s ? " selected" : "",
                assess_web_level(p->c->a, fw, s));
  }
  html_raw(b, "</select></div>");
}

static void item_form(Page *p, size_t i) {
  WebCtx *c = p->c;
  Buf *b = &c->resp->body;
  const AssessItem *it = &p->v.items[i];
  const char *ref = p->v.fw->nodes[i].ref_id;
  html_printf(b, "<form class=\"item-form\" method=\"post\" action=\"%s/punkt\" "
                 "enctype=\"multipart/form-data\">", p->base);
  web_csrf_field(c);
  html_printf(b, "<input type=\"hidden\" name=\"ref\" value=\"%s\">", ref);
  level_choices(p, i);
  html_raw(b, "<div class=\"fields\">");
  target_select(p, i);
  html_printf(b, "<div><label for=\"r-%s\">Ansvarlig</label><input type=\"text\" id=\"r-%s\" "
                 "name=\"responsible\" maxlength=\"200\" value=\"%s\"></div>"
                 "<div><label for=\"d-%s\">Vurdert dato</label><input type=\"date\" id=\"d-%s\" "
                 "name=\"date\" value=\"%s\"></div></div>",
              ref, ref, it->responsible, ref, ref, it->assessed_on);
  html_printf(b, "<label for=\"c-%s\">Kommentar</label><textarea id=\"c-%s\" name=\"comment\" "
                 "maxlength=\"4000\" rows=\"3\">%s</textarea>", ref, ref, it->comment);
  html_printf(b, "<fieldset class=\"evidence-in\"><legend>Legg ved dokumentasjon (valgfritt)</legend>"
                 "<div><label for=\"f-%s\">Fil, høyst 10 MB</label><input type=\"file\" id=\"f-%s\" "
                 "name=\"bevis\"></div><div><label for=\"u-%s\">eller lenke (https://…)</label>"
                 "<input type=\"url\" id=\"u-%s\" name=\"lenke\"></div><div><label for=\"ut-%s\">"
                 "Lenketekst</label><input type=\"text\" id=\"ut-%s\" name=\"lenketekst\" "
                 "maxlength=\"200\"></div></fieldset>", ref, ref, ref, ref, ref, ref);
  html_printf(b, "<button type=\"submit\">Lagre punkt %s</button></form>", ref);
}

static void item_evidence(Page *p, const char *ref) {
  Buf *b = &p->c->resp->body;
  int shown = 0;
  for (size_t k = 0; k < p->nev; k++) {
    const AssessEvidence *ev = &p->ev[k];
    if (strcmp(ev->ref_id, ref)) continue;
    if (!shown++) html_raw(b, "<h4>Dokumentasjon</h4><ul class=\"evidence\">");
    if (!strcmp(ev->kind, "link"))
      html_printf(b, "<li><a href=\"%s\" rel=\"noopener noreferrer\">%s</a> <span class=\"hint\">lenke",
                  ev->url, ev->name && ev->name[0] ? ev->name : ev->url);
    else
      html_printf(b, "<li><a href=\"/org/%lld/bevis/%lld\">%s</a> <span class=\"hint\">%lld byte, "
                     "SHA-256 %s…", (long long)p->c->org_id, (long long)ev->id, ev->name,
                  (long long)ev->size, arena_strndup(p->c->a, ev->sha256, 12));
    html_printf(b, ", lagt til %s av %s</span>", assess_web_date(p->c->a, ev->created_at), ev->created_by);
    if (p->may_write) {
      html_printf(b, " <form class=\"inline-del\" method=\"post\" action=\"/org/%lld/bevis/%lld/slett\">",
                  (long long)p->c->org_id, (long long)ev->id);
      web_csrf_field(p->c);
      html_printf(b, "<button type=\"submit\" class=\"small\" aria-label=\"Slett %s\">Slett</button></form>",
                  ev->name && ev->name[0] ? ev->name : "dokumentasjonen");
    }
    html_raw(b, "</li>");
  }
  if (shown) html_raw(b, "</ul>");
}

static void item_summary(Page *p, size_t i) {
  Buf *b = &p->c->resp->body;
  Arena *a = p->c->a;
  const AssessFramework *fw = p->v.fw;
  const AssessItem *it = &p->v.items[i];
  const AssessNode *n = &fw->nodes[i];
  html_printf(b, "<summary><span class=\"ref\">%s</span> <span class=\"name\">%s</span> "
                 "<span class=\"state\">", n->ref_id, n->name);
  if (!it->set) html_raw(b, "Ikke vurdert");
  else if (it->na) html_raw(b, "Ikke relevant");
  else html_printf(b, "Nivå %s", assess_web_level(a, fw, it->level));
  int t = assess_target(fw, p->v.ans, i);
  if (t >= 0 && !it->na) html_printf(b, " · mål %d", t);
  if (it->set && !it->na && t >= 0 && it->level < t) html_raw(b, " <span class=\"badge gap\">under målet</span>");
  if (it->needs_review) html_raw(b, " <span class=\"badge review\">vurder på nytt</span>");
  if (it->n_evidence) html_printf(b, " <span class=\"badge\">%d vedlegg</span>", it->n_evidence);
  html_raw(b, "</span></summary>");
}

static void item(Page *p, size_t i) {
  Buf *b = &p->c->resp->body;
  Arena *a = p->c->a;
  const AssessNode *n = &p->v.fw->nodes[i];
  const AssessItem *it = &p->v.items[i];
  int open = p->open_ref && !strcmp(p->open_ref, n->ref_id);
  html_printf(b, "<details class=\"item depth%d\" id=\"p-%s\"%s>", n->depth > 3 ? 3 : n->depth,
              n->ref_id, open ? " open" : "");
  item_summary(p, i);
  html_raw(b, "<div class=\"item-body\">");
  if (n->description) html_printf(b, "<p class=\"desc\">%s</p>", n->description);
  if (n->source) html_printf(b, "<p class=\"hint\">Kilde: %s</p>", n->source);
  if (it->updated_at)
    html_printf(b, "<p class=\"hint\">Sist endret %s av %s.</p>", assess_web_date(a, it->updated_at),
                it->updated_by);
  if (it->needs_review)
    html_raw(b, "<p class=\"notice\">Et tiltak knyttet til dette punktet er fullført. Vurder om "
                "nivået bør heves.</p>");
  if (p->may_write) item_form(p, i);
  else if (it->comment[0]) html_printf(b, "<p><strong>Kommentar:</strong> %s</p>", it->comment);
  item_evidence(p, n->ref_id);
  html_printf(b, "<p class=\"item-links\"><a href=\"%s/historikk?punkt=%s\">Historikk for punkt %s</a>",
              p->base, n->ref_id, n->ref_id);
  if (p->may_write && it->set && !it->na && assess_target(p->v.fw, p->v.ans, i) > it->level)
    html_printf(b, " · <a href=\"/org/%lld/tiltak/ny?rammeverk=%lld&amp;punkt=%s\">Lag tiltak for "
                   "gapet</a>", (long long)p->c->org_id, (long long)p->v.fw_id, n->ref_id);
  html_raw(b, "</p></div></details>");
}

static void category_head(Page *p, size_t i) {
  Buf *b = &p->c->resp->body;
  const AssessNode *n = &p->v.fw->nodes[i];
  double s = p->v.scores.node[i].score;
  html_printf(b, "<section class=\"card category\" id=\"k-%s\"><h2>%s %s <span class=\"score\">%s"
                 "</span></h2>", n->ref_id, n->ref_id, n->name, assess_web_score(p->c->a, p->v.fw, s));
  Buf ex;
  buf_init(&ex, 1 << 14);
  if (!assess_score_explain(p->v.fw, p->v.ans, &p->v.scores, (int)i, &ex))
    html_printf(b, "<p class=\"hint explain\">%s</p>", buf_cstr(&ex));
  buf_free(&ex);
}

static void tree(Page *p) {
  Buf *b = &p->c->resp->body;
  const AssessFramework *fw = p->v.fw;
  int in_section = 0;
  for (size_t i = 0; i < fw->nnodes; i++) {
    const AssessNode *n = &fw->nodes[i];
    if (n->depth == 1 && !n->assessable) {
      if (in_section) html_raw(b, "</section>");
      category_head(p, i);
      in_section = 1;
      continue;
    }
    if (!in_section) {
      html_raw(b, "<section class=\"card category\">");
      in_section = 1;
    }
    if (n->assessable) item(p, i);
    else html_printf(b, "<h3>%s %s</h3>", n->ref_id, n->name);
  }
  if (in_section) html_raw(b, "</section>");
}

static void scale_box(Page *p) {
  Buf *b = &p->c->resp->body;
  const AssessScale *s = &p->v.fw->scale;
  /* the note (Varde's own scale, NSM publishes none) stays visible */
  html_printf(b, "<div class=\"card scale\"><details><summary>%s – hva nivåene betyr</summary><dl class=\"levels\">",
              s->name ? s->name : "Skalaen");
  for (size_t k = 0; k < s->nlevels; k++)
    html_printf(b, "<div><dt>%d %s</dt><dd>%s</dd></div>", s->levels[k].score, s->levels[k].name,
                s->levels[k].description ? s->levels[k].description : "");
  html_raw(b, "</dl></details>");
  assess_web_scale_note(b, p->v.fw);
  html_raw(b, "</div>");
}

static void summary_box(Page *p) {
  WebCtx *c = p->c;
  Buf *b = &c->resp->body;
  const AssessScores *s = &p->v.scores;
  html_printf(b, "<section class=\"card summary\"><p class=\"big\"><span class=\"num\">%s</span></p>"
                 "<p>Besvart %d av %d punkter (%d ikke relevante). Sist fullført: %s.</p>",
              assess_web_score(c->a, p->v.fw, s->total), s->answered + s->na,
              s->answered + s->na + s->open, s->na, assess_web_date(c->a, p->v.last_snapshot_at));
  html_raw(b, "<details class=\"rule\"><summary>Slik regnes det ut</summary>");
  html_printf(b, "<p>%s</p>", assess_score_rule_nb);
  Buf ex;
  buf_init(&ex, 1 << 14);
  if (!assess_score_explain(p->v.fw, p->v.ans, &p->v.scores, -1, &ex))
    html_printf(b, "<p><strong>Totalt:</strong> %s</p>", buf_cstr(&ex));
  buf_free(&ex);
  html_raw(b, "</details><div class=\"actions\">");
  if (p->may_write) {
    html_printf(b, "<form method=\"post\" action=\"%s/fullfor\">", p->base);
    web_csrf_field(c);
    html_raw(b, "<button type=\"submit\">Fullfør vurdering</button></form>");
  }
  html_printf(b, "<a href=\"%s/historikk\">Historikk</a><a href=\"%s/eksport.csv\">Last ned som CSV</a>"
                 "</div>", p->base, p->base);
  if (p->may_write)
    html_raw(b, "<p class=\"hint\">«Fullfør vurdering» lagrer et øyeblikksbilde av alle svar og "
                "poeng, slik at utviklingen over tid blir synlig. Du kan fortsatt endre svar etterpå.</p>");
  html_raw(b, "</section>");
}

/* Links to the categories with their scores, so a long framework is easy to walk. */
static void toc(Page *p) {
  Buf *b = &p->c->resp->body;
  const AssessFramework *fw = p->v.fw;
  int n = 0;
  for (size_t i = 0; i < fw->nnodes; i++) {
    const AssessNode *nd = &fw->nodes[i];
    if (nd->depth != 1 || nd->assessable) continue;
    if (!n++) html_raw(b, "<nav class=\"card toc\" aria-label=\"Kategorier\"><ul>");
    const AssessNodeScore *s = &p->v.scores.node[i];
    html_printf(b, "<li><a href=\"#k-%s\">%s %s</a> <span class=\"hint\">%s · %d av %d vurdert</span></li>",
                nd->ref_id, nd->ref_id, nd->name, assess_web_score(p->c->a, fw, s->score), s->answered + s->na,
                s->answered + s->na + s->open);
  }
  if (n) html_raw(b, "</ul></nav>");
}

static void get_assessment(WebCtx *c) {
  Page p = {.c = c};
  Err e = {0};
  if (assess_store_view(c->db, &c->p, c->org_id, c->args[0], c->a, &p.v, &e)) {
    web_error_err(c, &e);
    return;
  }
  if (assess_evidence_list(c->db, &c->p, c->org_id, c->args[0], NULL, c->a, &p.ev, &p.nev, &e)) {
    assess_view_free(&p.v);
    web_error_err(c, &e);
    return;
  }
  p.may_write = web_may(c, POLICY_WRITE, c->org_id);
  p.base = arena_printf(c->a, "/org/%lld/vurdering/%lld", (long long)c->org_id, (long long)c->args[0]);
  p.open_ref = web_query(c, "punkt");
  web_page_begin(c, p.v.fw->name);
  html_printf(&c->resp->body, "<p class=\"crumbs\"><a href=\"/org/%lld/vurdering\">Egenvurdering</a></p>"
                              "<h1>%s</h1>", (long long)c->org_id, p.v.fw->name);
  flash(c);
  summary_box(&p);
  toc(&p);
  scale_box(&p);
  tree(&p);
  assess_view_free(&p.v);
  web_page_end(c);
}

/* --- saving one item -------------------------------------------------------- */

/* Parses the item form into in. 0, or a Norwegian message. */
static const char *parse_item(WebCtx *c, const AssessFramework *fw, AssessAnswerIn *in) {
  memset(in, 0, sizeof *in);
  in->ref_id = web_form(c, "ref");
  if (!in->ref_id[0] || assess_framework_find(fw, in->ref_id) < 0) return "Ukjent punkt.";
  const char *lv = http_param(&c->req->form, "level");
  if (!lv) return "Velg et nivå.";
  in->fields = ASSESS_F_LEVEL | ASSESS_F_NA | ASSESS_F_TARGET | ASSESS_F_COMMENT |
               ASSESS_F_RESPONSIBLE | ASSESS_F_DATE;
  in->level = -1;
  if (!strcmp(lv, "na")) in->na = 1;
  else if (lv[0]) {
    char *end;
    long l = strtol(lv, &end, 10);
    if (*end || !assess_scale_level(&fw->scale, (int)l)) return "Ugyldig nivå.";
    in->level = (int)l;
  }
  const char *t = web_form(c, "target");
  in->target = -1;
  if (t[0]) {
    char *end;
    long l = strtol(t, &end, 10);
    if (*end || !assess_scale_level(&fw->scale, (int)l)) return "Ugyldig mål.";
    in->target = (int)l;
  }
  in->comment = web_form(c, "comment");
  in->responsible = web_form(c, "responsible");
  in->assessed_on = web_form(c, "date");
  const char *url = web_form(c, "lenke");
  if (url[0] && strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
    return "Lenken må begynne med https:// eller http://.";
  const HttpFile *f = http_file(c->req, "bevis");
  if (f && f->len > ASSESS_EVIDENCE_MAX) return "Filen er større enn 10 MB.";
  return NULL;
}

static int save_evidence(WebCtx *c, int64_t fw, const char *ref, Err *e) {
  int64_t id;
  const HttpFile *f = http_file(c->req, "bevis");
  if (f && assess_evidence_add_file(c->db, &c->p, c->org_id, fw, ref, f->filename, f->content_type,
                                    f->data, f->len, &id, e))
    return -1;
  const char *url = web_form(c, "lenke");
  if (url[0] && assess_evidence_add_link(c->db, &c->p, c->org_id, fw, ref, web_form(c, "lenketekst"),
                                         url, &id, e))
    return -1;
  return 0;
}

static void post_item(WebCtx *c) {
  const AssessFramework *fw = NULL;
  Err e = {0};
  int64_t fw_id = c->args[0];
  if (assess_store_fw_load(c->db, fw_id, c->org_id, &fw, &e)) {
    web_error_err(c, &e);
    return;
  }
  AssessAnswerIn in;
  const char *bad = parse_item(c, fw, &in);
  char ref[ASSESS_REF_MAX + 1];
  snprintf(ref, sizeof ref, "%s", in.ref_id ? in.ref_id : "");
  assess_store_fw_release(fw);
  if (bad) {
    web_error(c, 400, bad);
    return;
  }
  if (assess_store_save(c->db, &c->p, c->org_id, fw_id, &in, &e)) {
    web_error_err(c, &e);
    return;
  }
  if (save_evidence(c, fw_id, ref, &e)) {
    web_error(c, e.code == VERR_TOOBIG ? 413 : 400,
              arena_printf(c->a, "Svaret ble lagret, men dokumentasjonen ikke: %s", e.msg));
    return;
  }
  Buf to;
  buf_init(&to, 4096);
  buf_printf(&to, "/org/%lld/vurdering/%lld?ok=lagret&punkt=", (long long)c->org_id, (long long)fw_id);
  html_urlenc(&to, ref);
  buf_puts(&to, "#p-");
  html_urlenc(&to, ref);
  http_resp_redirect(c->resp, arena_strdup(c->a, buf_cstr(&to)));
  buf_free(&to);
}

static void post_complete(WebCtx *c) {
  Err e = {0};
  int64_t snap = 0;
  if (assess_store_complete(c->db, &c->p, c->org_id, c->args[0], &snap, &e)) {
    web_error_err(c, &e);
    return;
  }
  http_resp_redirect(c->resp, arena_printf(c->a, "/org/%lld/vurdering/%lld?ok=fullfort",
                                           (long long)c->org_id, (long long)c->args[0]));
}

/* --- history, export, evidence ---------------------------------------------- */

static void get_history(WebCtx *c) {
  AssessFwInfo fi;
  AssessHist *h = NULL;
  size_t n = 0;
  Err e = {0};
  const char *ref = web_query(c, "punkt");
  if (ref && !ref[0]) ref = NULL;
  if (assess_store_fw_info(c->db, c->a, c->args[0], &fi, &e) ||
      assess_store_history(c->db, &c->p, c->org_id, c->args[0], ref, 500, c->a, &h, &n, &e)) {
    web_error_err(c, &e);
    return;
  }
  web_page_begin(c, "Historikk");
  Buf *b = &c->resp->body;
  html_printf(b, "<p class=\"crumbs\"><a href=\"/org/%lld/vurdering/%lld\">%s</a></p><h1>Historikk%s%s</h1>",
              (long long)c->org_id, (long long)c->args[0], fi.name, ref ? " for punkt " : "", ref);
  html_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Tid</th><th scope=\"col\">"
              "Bruker</th><th scope=\"col\">Punkt</th><th scope=\"col\">Felt</th><th scope=\"col\">Fra"
              "</th><th scope=\"col\">Til</th></tr></thead><tbody>");
  for (size_t i = 0; i < n; i++)
    html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
                web_time(c, h[i].at), h[i].username, h[i].ref_id, h[i].field, h[i].old_value,
                h[i].new_value);
  if (!n) html_raw(b, "<tr><td colspan=\"6\">Ingen endringer ennå.</td></tr>");
  html_raw(b, "</tbody></table></div>");
  web_page_end(c);
}


/* Types a browser may show inline; everything else downloads as bytes. */
static const char *safe_type(const char *ct) {
  static const char *const ok[] = {"application/pdf", "image/png", "image/jpeg", "text/plain",
                                   "text/csv"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    if (http_content_type_is(ct, ok[i])) return ok[i];
  return "application/octet-stream";
}

static void get_evidence(WebCtx *c) {
  AssessEvidence ev;
  Err e = {0};
  if (assess_evidence_get(c->db, &c->p, c->args[0], c->a, &ev, &e) || ev.org_id != c->org_id ||
      strcmp(ev.kind, "file")) {
    web_error(c, 404, "Fant ikke dokumentasjonen.");
    return;
  }
  c->resp->content_type = safe_type(ev.content_type);
  Buf fn;
  buf_init(&fn, 4096);
  html_urlenc(&fn, ev.name);   /* percent-encoded: an RFC 5987 value */
  http_resp_header(c->resp, "Content-Disposition",
                   arena_printf(c->a, "attachment; filename=\"bevis-%lld\"; filename*=UTF-8''%s",
                                (long long)ev.id, buf_cstr(&fn)));
  buf_free(&fn);
  http_resp_header(c->resp, "Content-Security-Policy", "sandbox");
  c->resp->body.max = ASSESS_EVIDENCE_MAX + 1;
  buf_append(&c->resp->body, ev.data, (size_t)ev.size);
}

static void post_evidence_delete(WebCtx *c) {
  AssessEvidence ev;
  Err e = {0};
  if (assess_evidence_get(c->db, &c->p, c->args[0], c->a, &ev, &e) || ev.org_id != c->org_id) {
    web_error(c, 404, "Fant ikke dokumentasjonen.");
    return;
  }
  if (assess_evidence_delete(c->db, &c->p, c->args[0], &e)) {
    web_error_err(c, &e);
    return;
  }
  Buf to;
  buf_init(&to, 4096);
  buf_printf(&to, "/org/%lld/vurdering/%lld?ok=bevis-slettet&punkt=", (long long)c->org_id,
             (long long)ev.fw_id);
  html_urlenc(&to, ev.ref_id);
  http_resp_redirect(c->resp, arena_strdup(c->a, buf_cstr(&to)));
  buf_free(&to);
}

static const WebRoute routes[] = {
    {"GET", "/org/{org}/vurdering", get_list, POLICY_READ, 0},
    {"GET", "/org/{org}/vurdering/{id}", get_assessment, POLICY_READ, 0},
    {"POST", "/org/{org}/vurdering/{id}/punkt", post_item, POLICY_WRITE, WEB_CSRF},
    {"POST", "/org/{org}/vurdering/{id}/fullfor", post_complete, POLICY_WRITE, WEB_CSRF},
    {"GET", "/org/{org}/vurdering/{id}/historikk", get_history, POLICY_READ, 0},
    {"GET", "/org/{org}/bevis/{id}", get_evidence, POLICY_READ, 0},
    {"POST", "/org/{org}/bevis/{id}/slett", post_evidence_delete, POLICY_WRITE, WEB_CSRF},
    {NULL, NULL, NULL, 0, 0},
};

void assess_web_routes_assessment(void) {
  web_register_routes(routes);
  web_register_nav(&(WebNav){"Egenvurdering", "/org/{org}/vurdering", POLICY_READ, 22});
}
