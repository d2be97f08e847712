/* cmd_sensor.c — `varde sensor`: options, enrolment with a one-time token,
 * and the loop that delivers queued results, sends heartbeats, pulls jobs
 * and runs them. Results wait in the state directory until the server has
 * acknowledged them, so a restart or an absent server loses nothing. */
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cmds.h"
#include "scan/engine.h"
#include "sensor/loop.h"
#include "sensor/sensor.h"


static void usage(FILE *f) {
  fputs(
    "Bruk: varde sensor --server URL --state KATALOG [--enrol NØKKEL] [VALG]\n"
    "Sensor i kommunens nett: henter skannejobber fra Varde-tjeneren, kjører dem\n"
    "innenfor organisasjonens bekreftede omfang og sender resultatene tilbake.\n"
    "Resultater som ikke kan sendes, ligger i tilstandskatalogen til tjeneren svarer.\n\n"
    "  --server URL       Varde-tjeneren, https://… (http:// bare mot 127.0.0.1)\n"
    "  --state KATALOG    tilstand: nøkkel (0600), jobber og utboks (lages 0700)\n"
    "  --enrol NØKKEL     engangsnøkkel fra Skanning-siden (første oppstart)\n"
    "  --ca FIL           CA-sertifikat(er) i PEM for en privat CA\n"
    "  --interval S       sekunder mellom hver runde (standard 30)\n"
    "  --once             én runde (lever, hjerteslag, hent og kjør), så avslutt\n"
    "  -h, --help         denne teksten\n\n"
    "Avslutningskoder: 0 ok (stoppet med SIGTERM/SIGINT eller --once), 2 feil\n"
    "(ugyldige valg, registrering avvist, tilstandskatalogen kan ikke brukes).\n"
    "Se varde-sensor(1).\n", f);
}

static void on_signal(int sig) {
  (void)sig;
  sensor_stop = 1;
  scan_stop_flag = 1;
}

static int parse(int argc, char **argv, SensorOpts *o) {
  static const struct option lo[] = {
    {"help", no_argument, 0, 'h'}, {"server", required_argument, 0, 's'},
    {"state", required_argument, 0, 'd'}, {"enrol", required_argument, 0, 'e'},
    {"ca", required_argument, 0, 'c'}, {"interval", required_argument, 0, 'i'},
    {"once", no_argument, 0, '1'}, {0, 0, 0, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
    char *end;
    switch (c) {
    case 'h': usage(stdout); return 1;
    case 's': o->server = optarg; break;
    case 'd': o->state = optarg; break;
    case 'e': o->enrol = optarg; break;
    case 'c': o->ca = optarg; break;
    case '1': o->once = 1; break;
    case 'i':
      o->interval = strtol(optarg, &end, 10);
      if (*end || o->interval < 1 || o->interval > 86400) {
        fprintf(stderr, "varde sensor: ugyldig --interval «%s» (1–86400)\n", optarg);
        return 2;
      }
      break;
    default: fputs("Se `varde sensor --help`.\n", stderr); return 2;
    }
  }
  if (!o->server || !o->state || optind < argc) {
    fputs("varde sensor: trenger --server og --state. Se `varde sensor --help`.\n", stderr);
    return 2;
  }
  return 0;
}

int cmd_sensor(int argc, char **argv) {
  SensorOpts o = {.interval = 30};
  int rc = parse(argc, argv, &o);
  if (rc) return rc == 1 ? 0 : 2;
  if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT)) {
    fputs("varde sensor: kunne ikke starte libsodium/libcurl\n", stderr);
    return 2;
  }
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, NULL, _IOLBF, 0);
  rc = sensor_main(&o);
  curl_global_cleanup();
  return rc;
}
