/* demo.c — `varde demo`'s inventories: every demo municipality (and the
 * IKS) gets realistic municipal services, systems, products with CPEs,
 * hosts, suppliers and scope, varied by municipality number and loaded
 * through inv_import, so a rerun changes nothing. Vendor and product are
 * written as CISA's KEV catalogue names them where a product is in it, so
 * the catalogue's name matches (src/findings) find them too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "inventory/inventory.h"

/* Header and the rows every municipality has. Columns as inv_export_csv. */
static const char demo_head[] =
    "type;navn;beskrivelse;kritikalitet;samfunnskritisk;eier;leverandør;drift;dataland;produsent;produkt;versjon;"
    "cpe;plattform;støtteslutt;adresser;internettvendt;avhenger_av\n";

/* A row: type;name;desc;crit;cf;owner;supplier;hosting;country;vendor;product;version;cpe;platform;eol;addr;inet;deps */
static const char *const common_rows[] = {
    "tjeneste;Saksbehandling og arkiv;Politiske saker, byggesak og postjournal;4;nei;;;;;;;;;;;;;system:Sak/arkiv",
    "tjeneste;Helse og omsorg;Hjemmetjeneste, sykehjem og legevaktsamarbeid;5;ja;;;;;;;;;;;;;system:Pasientjournal",
    "tjeneste;Skole;Grunnskole: undervisning, vurdering og foreldrekontakt;3;nei;;;;;;;;;;;;;system:Skoleplattform | system:Microsoft 365",
    "tjeneste;E-post og samhandling;E-post, Teams og kalender for ansatte;4;nei;;;;;;;;;;;;;system:E-post | system:Microsoft 365",
    "tjeneste;Kriseledelse;Kommunens kriseledelse og varsling av innbyggere;5;ja;;;;;;;;;;;;;system:E-post | system:Microsoft 365 | system:Fjerntilgang",
    "system;Microsoft 365;Exchange Online, Teams, SharePoint og OneDrive;;;IT-sjef;Microsoft Norge AS;saas;IE;;;;;;;;;programvare:Microsoft 365",
    "system;Brannmur;Perimeterbrannmur mot internett;;;IT-sjef;;onprem;NO;;;;;;;;;maskin:fw01",
    "system;Virtualisering;Vertsmaskiner for fagsystemene;;;IT-drift;;onprem;NO;;;;;;;;;programvare:VMware ESXi 7.0 U3 | maskin:esx01 | maskin:esx02",
    "programvare;Microsoft 365;;;;;;;;Microsoft;Microsoft 365;;;;;;;",
    "programvare;VMware ESXi 7.0 U3;;;;;;;;VMware;ESXi;7.0;cpe:2.3:o:vmware:esxi:7.0:update_3:*:*:*:*:*:*;;2025-10-02;;;",
    "programvare;Windows Server 2019;;;;;;;;Microsoft;Windows Server;2019;cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*;;2029-01-09;;;",
    "programvare;Windows Server 2012 R2;;;;;;;;Microsoft;Windows Server;2012 R2;cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*;;2023-10-10;;;",
    "maskin;esx01;ESXi-vert;;;;;;;;;;;;;10.10.0.11;nei;",
    "maskin;esx02;ESXi-vert;;;;;;;;;;;;;10.10.0.12;nei;",
    "maskin;dc01;Domenekontroller;;;;;;;;;;;;;10.10.1.10;nei;",
};

/* Variants chosen by municipality number: [variant][row]. */
static const char *const casemgmt[2][3] = {
    {"system;Sak/arkiv;Sak- og arkivsystem (Noark 5);;;Arkivleder;Acos AS;onprem;NO;;;;;;;;;programvare:Acos WebSak 7 | maskin:sak01 | system:Active Directory",
     "programvare;Acos WebSak 7;;;;;;;;Acos;WebSak;7.0;;;;;;maskin:sak01",
     "leverandør;Acos AS;;;;;;;;;;;;;;;;"},
    {"system;Sak/arkiv;Sak- og arkivsystem (Noark 5);;;Arkivleder;Sikri AS;saas;NO;;;;;;;;;programvare:Elements | system:Active Directory",
     "programvare;Elements;;;;;;;;Sikri;Elements;5.4;;;;;;",
     "leverandør;Sikri AS;;;;;;;;;;;;;;;;"},
};

static const char *const ehr[2][2] = {
    {"system;Pasientjournal;Pleie- og omsorgsjournal;;;Kommuneoverlege;Tietoevry Norway AS;onprem;NO;;;;;;;;;programvare:Gerica | programvare:Windows Server 2012 R2 | maskin:journal01 | system:Active Directory",
     "programvare;Gerica;;;;;;;;Tietoevry;Gerica;2023.2;;;;;;maskin:journal01"},
    {"system;Pasientjournal;Pleie- og omsorgsjournal;;;Kommuneoverlege;Visma Enterprise AS;cloud;NO;;;;;;;;;programvare:Visma Profil | system:Active Directory",
     "programvare;Visma Profil;;;;;;;;Visma;Profil;9.6;;;;;;"},
};

static const char *const firewall[3] = {
    "programvare;FortiOS 7.2.4;;;;;;;;Fortinet;FortiOS;7.2.4;cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*;;;;;maskin:fw01",
    "programvare;Cisco ASA 9.16.4;;;;;;;;Cisco;Adaptive Security Appliance (ASA);9.16.4;cpe:2.3:a:cisco:adaptive_security_appliance_software:9.16.4:*:*:*:*:*:*:*;;;;;maskin:fw01",
    "programvare;FortiOS 7.0.12;;;;;;;;Fortinet;FortiOS;7.0.12;cpe:2.3:o:fortinet:fortios:7.0.12:*:*:*:*:*:*:*;;;;;maskin:fw01",
};

static const char *const vpn[2] = {
    "programvare;Ivanti Connect Secure 22.4R2.1;;;;;;;;Ivanti;Connect Secure;22.4R2.1;cpe:2.3:a:ivanti:connect_secure:22.4:r2.1:*:*:*:*:*:*;;;;;maskin:vpn01",
    "programvare;Pulse Connect Secure 9.1R11;;;;;;;;Ivanti;Pulse Connect Secure;9.1R11;cpe:2.3:a:pulsesecure:pulse_connect_secure:9.1:r11:*:*:*:*:*:*;;2024-12-31;;;maskin:vpn01",
};
static const char vpn_link[] = "system;Fjerntilgang;VPN for ansatte og leverandører;;;IT-sjef;;onprem;NO;;;;;;;;;"
                               "programvare:%s | maskin:vpn01 | system:Brannmur | system:Active Directory\n";
static const char ad_row[] = "system;Active Directory;Identiteter og pålogging;;;IT-drift;;onprem;NO;;;;;;;;;"
                             "programvare:Windows Server 2019 | maskin:dc01 | system:Virtualisering%s\n";
static const char remote_row[] = "tjeneste;Hjemmekontor og fjernarbeid;Tilgang til fagsystemer utenfra;3;nei;;;;;;;;;;;;;"
                                 "system:Fjerntilgang%s\n";

static const char *const school[2] = {
    "system;Skoleplattform;Læringsplattform og skoleadministrasjon;;;Skolefaglig rådgiver;Visma Enterprise AS;saas;NO;;;;;;;;;programvare:Visma Flyt Skole | programvare:itslearning",
    "system;Skoleplattform;Læringsplattform og skoleadministrasjon;;;Skolefaglig rådgiver;IST Norge AS;saas;SE;;;;;;;;;programvare:Vigilo | programvare:itslearning",
};
static const char *const school_prod[2] = {
    "programvare;Visma Flyt Skole;;;;;;;;Visma;Flyt Skole;;;;;;;",
    "programvare;Vigilo;;;;;;;;IST;Vigilo;;;;;;;",
};

/* Extras for some municipalities: on-premises Exchange, Citrix, a NetApp
 * filer (ONTAP 9.8P7, in the shipped NVD page), MySQL behind the library
 * system (also in the page) and IBM's privileged-access vault on Windows. */
static const char *const exchange[] = {
    "system;E-post;Exchange på egen server;;;IT-drift;;onprem;NO;;;;;;;;;programvare:Exchange Server 2019 CU12 | maskin:mail01 | system:Active Directory",
    "programvare;Exchange Server 2019 CU12;;;;;;;;Microsoft;Exchange Server;2019 CU12;cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_12:*:*:*:*:*:*;;;;;maskin:mail01",
    "maskin;mail01;E-postserver;;;;;;;;;;;;;203.0.113.25 10.10.2.25;ja;",
};
static const char exchange_online[] =
    "system;E-post;Exchange Online i Microsoft 365;;;IT-drift;Microsoft Norge AS;saas;IE;;;;;;;;;system:Microsoft 365";
static const char *const citrix[] = {
    "system;Citrix;Publiserte fagsystemer for hjemmekontor;;;IT-drift;;onprem;NO;;;;;;;;;programvare:NetScaler ADC 13.1 | maskin:citrix01 | system:Active Directory",
    "programvare;NetScaler ADC 13.1;;;;;;;;Citrix;NetScaler ADC and Gateway;13.1-48.47;cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-48.47:*:*:*:*:*:*:*;;;;;maskin:citrix01",
    "maskin;citrix01;NetScaler Gateway;;;;;;;;;;;;;203.0.113.30;ja;",
};
static const char *const netapp[] = {
    "system;Lagring;Filområder og sikkerhetskopi;;;IT-drift;;onprem;NO;;;;;;;;;programvare:NetApp ONTAP 9.8P7 | maskin:san01",
    "programvare;NetApp ONTAP 9.8P7;;;;;;;;NetApp;ONTAP;9.8P7;cpe:2.3:a:netapp:clustered_data_ontap:9.8:p7:*:*:*:*:*:*;;;;;maskin:san01",
    "maskin;san01;Lagringssystem;;;;;;;;;;;;;10.10.0.40;nei;",
};
static const char *const library[] = {
    "tjeneste;Bibliotek;Utlån og katalog;2;nei;;;;;;;;;;;;;system:Bibliotekssystem",
    "system;Bibliotekssystem;Utlån, katalog og publikumssøk;;;Biblioteksjef;;onprem;NO;;;;;;;;;programvare:MySQL 8.0.33 | maskin:bib01",
    "programvare;MySQL 8.0.33;;;;;;;;Oracle;MySQL;8.0.33;cpe:2.3:a:oracle:mysql:8.0.33:*:*:*:*:*:*:*;;;;;maskin:bib01",
    "maskin;bib01;Bibliotekserver;;;;;;;;;;;;;10.10.3.10;nei;",
};
static const char *const pam[] = {
    "system;Privilegert tilgang;Passordhvelv for administratorer;;;IT-sjef;;onprem;NO;;;;;;;;;programvare:IBM Security Verify Privilege 11.4 | maskin:pam01",
    "programvare;IBM Security Verify Privilege 11.4;;;;;;;;IBM;Security Verify Privilege On-Premises;11.4;cpe:2.3:a:ibm:security_verify_privilege_on-premises:11.4:*:*:*:*:*:*:*;cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*;;;;maskin:pam01",
    "maskin;pam01;Passordhvelv;;;;;;;;;;;;;10.10.1.20;nei;",
};

static void rows(Buf *b, const char *const *r, size_t n) {
  for (size_t i = 0; i < n; i++) buf_printf(b, "%s\n", r[i]);
}
#define ROWS(b, arr) rows((b), (arr), sizeof(arr) / sizeof(arr)[0])

/* The internet-facing hosts get addresses from the documentation ranges. */
static void hosts_and_scope(Buf *b, unsigned v) {
  buf_printf(b, "maskin;fw01;Brannmur;;;;;;;;;;;;;198.51.100.%u 10.10.0.1;ja;\n", 1 + v % 200);
  buf_printf(b, "maskin;vpn01;VPN-konsentrator;;;;;;;;;;;;;198.51.100.%u;ja;\n", 2 + v % 200);
  buf_printf(b, "maskin;sak01;Sak/arkiv-server;;;;;;;;;;;;;10.10.1.30;nei;\n");
  buf_printf(b, "maskin;journal01;Journalserver;;;;;;;;;;;;;10.10.1.40;nei;\n");
  buf_printf(b, "omfang;198.51.100.0/24;Kommunens offentlige adresser (demo);;;;;;;;;;;;;;;\n");
  buf_printf(b, "omfang;203.0.113.0/24;Publiserte tjenester (demo);;;;;;;;;;;;;;;\n");
  buf_printf(b, "omfang;10.10.0.0/16;Internt servernett (demo);;;;;;;;;;;;;;;\n");
}

static void municipality_csv(Buf *b, unsigned v) {
  buf_puts(b, demo_head);
  ROWS(b, common_rows);
  buf_printf(b, ad_row, v % 5 == 0 ? " | system:Privilegert tilgang" : "");
  buf_printf(b, remote_row, v % 2 == 0 ? " | system:Citrix" : "");
  buf_printf(b, "%s%s\n", casemgmt[v % 2][0], v % 4 == 0 ? " | system:Lagring" : "");
  rows(b, casemgmt[v % 2] + 1, 2);
  rows(b, ehr[(v / 2) % 2], 2);
  const char *fw = firewall[v % 3], *vp = vpn[(v / 3) % 2];
  buf_printf(b, "%s\n%s\n", fw, vp);
  char name[64];
  snprintf(name, sizeof name, "%.*s", (int)(strchr(vp + 12, ';') - (vp + 12)), vp + 12);
  buf_printf(b, vpn_link, name);
  buf_printf(b, "%s\n%s\n", school[v % 2], school_prod[v % 2]);
  buf_puts(b, "programvare;itslearning;;;;;;;;itslearning;itslearning;;;;;;;\n");
  if (v % 3 != 2) ROWS(b, exchange);
  else buf_printf(b, "%s\n", exchange_online);
  if (v % 2 == 0) ROWS(b, citrix);
  if (v % 4 == 0) ROWS(b, netapp);
  if (v % 3 == 0) ROWS(b, library);
  if (v % 5 == 0) ROWS(b, pam);
  hosts_and_scope(b, v);
}

static int one(Db *db, const Principal *who, int64_t org, unsigned v, size_t *created, Err *e) {
  Buf csv;
  InvImportResult r;
  buf_init(&csv, (size_t)1 << 20);
  municipality_csv(&csv, v);
  int rc = csv.err ? err_set(e, VERR_NOMEM, "for lite minne") : inv_import(db, who, org, "demo", csv.p, csv.n, false, &r, e);
  buf_free(&csv);
  if (rc) return rc;
  if (r.errors) rc = err_set(e, VERR_INVALID, "demo-inventaret har feil: %.300s", buf_cstr(&r.log));
  *created += r.created;
  inv_import_result_free(&r);
  return rc;
}

int inv_demo(Db *db, const Principal *who, size_t *created, Err *e) {
  DbStmt *st;
  int64_t ids[1024];
  unsigned nr[1024];
  size_t n = 0;
  *created = 0;
  int rc = db_query(db, &st, e,
                    "SELECT id, coalesce(kommunenummer, id) FROM organisations WHERE kind IN ('municipality', 'iks')"
                    " ORDER BY id", "");
  if (rc) return rc;
  while (n < 1024 && (rc = db_step(st, e)) == DB_ROW) {
    ids[n] = db_col_int(st, 0);
    nr[n++] = (unsigned)strtoul(db_col_text(st, 1), NULL, 10);
  }
  db_finalize(st);
  for (size_t i = 0; rc >= 0 && i < n; i++) rc = one(db, who, ids[i], nr[i], created, e);
  return rc < 0 ? rc : 0;
}
