/* web_scan.c — what a finding from a network scan shows beyond the others:
 * where it was seen, the CPE the scanner built, its confidence grade with
 * what that means, the evidence (banner, header, certificate) and the runs. */
#include <string.h>

#include "findings/web_int.h"
#include "html/html.h"

const char *find_scan_conf_label(const char *grade) {
  if (grade && !strcmp(grade, "high")) return "høy";
  if (grade && !strcmp(grade, "medium")) return "middels";
  return "lav";
}

static const char *conf_help(const Finding *f) {
  const char *grade = f->scan_confidence;
  if (!strcmp(f->source, "scan"))
    return "Kontrollen ble gjort mot tjenesten selv (sertifikatet, protokollen eller svaret); beviset står under.";
  if (grade && !strcmp(grade, "high")) return "Tjenesten oppga versjonen entydig.";
  if (grade && !strcmp(grade, "medium")) return "Versjonen er lest fra et banner eller en topptekst og kan være endret "
                                                "eller skjult av operatøren.";
  return "Versjonen er lest fra et banner fra en distribusjon som tilbakefører sikkerhetsrettinger (eller bare "
         "porten antydet tjenesten): sårbarheten kan allerede være rettet. Sjekk pakkeversjonen på maskinen før "
         "du handler, og merk funnet som falsk positiv med begrunnelse om den er rettet.";
}

static void run_link(WebCtx *c, const char *label, int64_t run) {
  if (!run) return;
  html_printf(&c->resp->body, "<dt>%s</dt><dd><a href=\"/org/%lld/skanning/kjoringer/%lld\">kjøring %lld</a></dd>",
              label, (long long)c->org_id, (long long)run, (long long)run);
}

void find_web_scan_facts(WebCtx *c, const Finding *f) {
  Buf *b = &c->resp->body;
  html_printf(b, "<section class=\"card\" id=\"skanning\"><h2>Funnet ved nettverksskanning</h2><dl>"
                 "<dt>Adresse og port</dt><dd>%s port %d</dd>", f->scan_addr, f->scan_port);
  if (f->scan_cpe[0]) html_printf(b, "<dt>CPE fra skanningen</dt><dd><code>%s</code></dd>", f->scan_cpe);
  html_printf(b, "<dt>Sikkerhet</dt><dd><strong>%s</strong> – %s</dd>", find_scan_conf_label(f->scan_confidence),
              conf_help(f));
  run_link(c, "Først sett i", f->scan_first_run);
  run_link(c, "Sist sett i", f->scan_last_run);
  if (f->scan_gone_run)
    html_printf(b, "<dt>Ikke sett i</dt><dd><a href=\"/org/%lld/skanning/kjoringer/%lld\">kjøring %lld</a>"
                   " – må verifiseres (historikken sier hvorfor)</dd>",
                (long long)c->org_id, (long long)f->scan_gone_run, (long long)f->scan_gone_run);
  html_printf(b, "</dl><h3>Bevis</h3><pre><code>%s</code></pre></section>",
              f->scan_evidence[0] ? f->scan_evidence : "(ingen)");
}
