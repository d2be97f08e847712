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

/* Advice by check id (or the start of it). */
static const char *check_advice(const char *id) {
  static const struct { const char *id, *advice; } t[] = {
      {"tls-cert-expired", "Forny sertifikatet og installer det på tjenesten. Sett opp automatisk fornying (for "
                           "eksempel ACME) eller en påminnelse i god tid før neste utløp."},
      {"tls-cert-expiring", "Forny sertifikatet før det går ut, og sett opp automatisk fornying eller en påminnelse."},
      {"tls-cert-self-signed", "Bytt til et sertifikat fra en utsteder klientene stoler på (kommunens egen CA for "
                               "interne tjenester, ellers en offentlig CA), så brukerne ikke lærer å klikke forbi "
                               "advarsler."},
      {"tls-cert-untrusted", "Installer hele sertifikatkjeden (også mellomliggende sertifikater) på tjenesten, eller "
                             "bytt til en utsteder klientene stoler på."},
      {"tls-cert-name-mismatch", "Utsted sertifikatet for navnet brukerne faktisk bruker (som Subject Alternative "
                                 "Name)."},
      {"tls-version-", "Slå av TLS 1.0 og 1.1 i tjenestens oppsett og behold TLS 1.2 og 1.3."},
      {"tls-weak-cipher-", "Fjern svake chiffer (RC4, 3DES, NULL, EXPORT) fra tjenestens liste; bruk leverandørens "
                           "anbefalte moderne oppsett."},
      {"http-missing-hsts", "Legg til toppteksten Strict-Transport-Security (for eksempel max-age=31536000) på "
                            "HTTPS-svarene."},
      {"http-missing-csp", "Legg til en Content-Security-Policy som begrenser hvor skript og innhold kan lastes fra."},
      {"http-missing-xcto", "Legg til toppteksten X-Content-Type-Options: nosniff."},
      {"http-missing-frame-options", "Legg til X-Frame-Options: DENY (eller CSP frame-ancestors) så andre nettsteder "
                                     "ikke kan ramme inn siden."},
      {"http-server-version", "Skjul versjonsnummeret i svarene (server_tokens off i nginx, ServerTokens Prod i "
                              "Apache) og hold programvaren oppdatert."},
      {"http-powered-by", "Fjern X-Powered-By fra svarene (i rammeverkets eller webtjenerens oppsett)."},
      {"http-git-exposed", "Fjern katalogen fra webroten straks, og bytt alle passord og nøkler den inneholdt: regn "
                           "dem som lekket."},
      {"http-env-exposed", "Fjern fila fra webroten straks, og bytt alle passord og nøkler den inneholdt: regn dem "
                           "som lekket."},
      {"http-actuator-env", "Steng endepunktet for andre enn driftsnettet, og bytt hemmeligheter det kan ha vist."},
      {"http-", "Steng siden for andre enn driftsnettet (brannmur eller webtjenerens tilgangsliste) og krev sterk "
                "innlogging."},
      {"cleartext-telnet", "Slå av Telnet og bruk SSH; bytt passord som kan ha gått i klartekst."},
      {"ssh-protocol-1", "Slå av SSH-protokoll 1 (bare versjon 2), eller oppgrader utstyret."},
      {"rdp-no-nla", "Krev nettverksnivåautentisering (NLA) og TLS i RDP-oppsettet, og nå RDP bare gjennom VPN."},
      {"redis-no-auth", "Krev passord (requirepass eller ACL), bind Redis til en intern adresse og steng porten i "
                        "brannmuren."},
      {"smtp-no-starttls", "Slå på STARTTLS med et gyldig sertifikat, så e-post og innlogging ikke går i klartekst."},
      {"imap-no-starttls", "Slå på STARTTLS (eller bruk IMAPS på port 993) og krev kryptering før innlogging."},
      {"pop3-no-starttls", "Slå på STARTTLS (eller bruk POP3S på port 995) og krev kryptering før innlogging."},
  };
  for (size_t i = 0; id && i < sizeof t / sizeof t[0]; i++)
    if (!strncmp(id, t[i].id, strlen(t[i].id))) return t[i].advice;
  return NULL;
}

const char *find_check_advice(const Finding *f) {
  return !strcmp(f->source, "scan") ? check_advice(f->vuln_id) : NULL;
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
  const char *advice = find_check_advice(f);
  if (advice) html_printf(b, "<dt>Hva bør gjøres</dt><dd>%s</dd>", advice);
  run_link(c, "Først sett i", f->scan_first_run);
  run_link(c, "Sist sett i", f->scan_last_run);
  if (f->scan_gone_run)
    html_printf(b, "<dt>Ikke sett i</dt><dd><a href=\"/org/%lld/skanning/kjoringer/%lld\">kjøring %lld</a>"
                   " – må verifiseres (historikken sier hvorfor)</dd>",
                (long long)c->org_id, (long long)f->scan_gone_run, (long long)f->scan_gone_run);
  html_printf(b, "</dl><h3>Bevis</h3><pre><code>%s</code></pre></section>",
              f->scan_evidence[0] ? f->scan_evidence : "(ingen)");
}
