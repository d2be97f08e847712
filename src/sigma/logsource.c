/* logsource.c — which rules apply to an event: the Sigma taxonomy's Windows
 * categories (Channel + EventID) and services (Channel), Microsoft 365 and
 * syslog products, and the Security 4688 -> Sysmon field-name aliases. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sigma/internal.h"

#define SYSMON "Microsoft-Windows-Sysmon/Operational"
#define PSOP "Microsoft-Windows-PowerShell/Operational"
#define PSCORE "PowerShellCore/Operational"
#define PSCLASSIC "Windows PowerShell"

typedef struct Cat {
  const char *category, *channel;
  int ids[4];              /* 0-terminated */
} Cat;

static const Cat cats[] = {
  {"process_creation", SYSMON, {1}}, {"process_creation", "Security", {4688}},
  {"file_change", SYSMON, {2}}, {"network_connection", SYSMON, {3}},
  {"network_connection", "Security", {5156}},
  {"sysmon_status", SYSMON, {4, 16}}, {"process_termination", SYSMON, {5}},
  {"process_termination", "Security", {4689}},
  {"driver_load", SYSMON, {6}}, {"image_load", SYSMON, {7}},
  {"create_remote_thread", SYSMON, {8}}, {"raw_access_thread", SYSMON, {9}},
  {"process_access", SYSMON, {10}}, {"file_event", SYSMON, {11}},
  {"registry_add", SYSMON, {12}}, {"registry_delete", SYSMON, {12}},
  {"registry_set", SYSMON, {13}}, {"registry_rename", SYSMON, {14}},
  {"registry_event", SYSMON, {12, 13, 14}}, {"create_stream_hash", SYSMON, {15}},
  {"pipe_created", SYSMON, {17, 18}}, {"wmi_event", SYSMON, {19, 20, 21}},
  {"dns_query", SYSMON, {22}}, {"file_delete", SYSMON, {23, 26}},
  {"clipboard_capture", SYSMON, {24}}, {"process_tampering", SYSMON, {25}},
  {"file_block_executable", SYSMON, {27}}, {"file_block_shredding", SYSMON, {28}},
  {"file_executable_detected", SYSMON, {29}}, {"sysmon_error", SYSMON, {255}},
  {"ps_module", PSOP, {4103}}, {"ps_module", PSCORE, {4103}},
  {"ps_script", PSOP, {4104}}, {"ps_script", PSCORE, {4104}},
  {"ps_classic_start", PSCLASSIC, {400}}, {"ps_classic_provider_start", PSCLASSIC, {600}},
  {"ps_classic_script", PSCLASSIC, {800}},
};

typedef struct Svc {
  const char *service, *channel;
} Svc;

static const Svc svcs[] = {
  {"security", "Security"}, {"system", "System"}, {"application", "Application"},
  {"sysmon", SYSMON}, {"powershell", PSOP}, {"powershell", PSCORE},
  {"powershell-classic", PSCLASSIC},
  {"windefend", "Microsoft-Windows-Windows Defender/Operational"},
  {"taskscheduler", "Microsoft-Windows-TaskScheduler/Operational"},
  {"wmi", "Microsoft-Windows-WMI-Activity/Operational"},
  {"bits-client", "Microsoft-Windows-Bits-Client/Operational"},
  {"codeintegrity-operational", "Microsoft-Windows-CodeIntegrity/Operational"},
  {"appxdeployment-server", "Microsoft-Windows-AppXDeploymentServer/Operational"},
  {"firewall-as", "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"},
  {"msexchange-management", "MSExchange Management"},
  {"dns-client", "Microsoft-Windows-DNS Client Events/Operational"},
  {"dns-server", "DNS Server"}, {"dns-server-analytic", "Microsoft-Windows-DNS-Server/Analytical"},
  {"ntlm", "Microsoft-Windows-NTLM/Operational"},
  {"security-mitigations", "Microsoft-Windows-Security-Mitigations/Kernel Mode"},
  {"security-mitigations", "Microsoft-Windows-Security-Mitigations/User Mode"},
  {"applocker", "Microsoft-Windows-AppLocker/EXE and DLL"},
  {"applocker", "Microsoft-Windows-AppLocker/MSI and Script"},
  {"applocker", "Microsoft-Windows-AppLocker/Packaged app-Deployment"},
  {"applocker", "Microsoft-Windows-AppLocker/Packaged app-Execution"},
  {"terminalservices-localsessionmanager", "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"},
  {"smbclient-security", "Microsoft-Windows-SmbClient/Security"},
  {"smbclient-connectivity", "Microsoft-Windows-SmbClient/Connectivity"},
  {"smbserver-connectivity", "Microsoft-Windows-SMBServer/Connectivity"},
  {"shell-core", "Microsoft-Windows-Shell-Core/Operational"},
  {"printservice-operational", "Microsoft-Windows-PrintService/Operational"},
  {"printservice-admin", "Microsoft-Windows-PrintService/Admin"},
  {"openssh", "OpenSSH/Operational"},
  {"microsoft-servicebus-client", "Microsoft-ServiceBus-Client"},
  {"lsa-server", "Microsoft-Windows-LSA/Operational"},
  {"ldap", "Microsoft-Windows-LDAP-Client/Debug"},
  {"driver-framework", "Microsoft-Windows-DriverFrameworks-UserMode/Operational"},
  {"diagnosis-scripted", "Microsoft-Windows-Diagnosis-Scripted/Operational"},
  {"certificateservicesclient-lifecycle-system", "Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational"},
  {"capi2", "Microsoft-Windows-CAPI2/Operational"},
  {"appxpackaging-om", "Microsoft-Windows-AppxPackaging/Operational"},
  {"appmodel-runtime", "Microsoft-Windows-AppModel-Runtime/Admin"},
  {"iis-configuration", "Microsoft-IIS-Configuration/Operational"},
  {"vhdmp", "Microsoft-Windows-VHDMP/Operational"},
};

void sl_classify(const SigmaEvent *ev, const char *channel, size_t clen,
                 const char *eid, size_t elen, SLogsrc *out) {
  memset(out, 0, sizeof *out);
  if (ev->format == SFMT_M365) { out->product = "m365"; return; }
  if (ev->format == SFMT_SYSLOG) { out->product = "linux"; return; }
  /* EVTX without a Channel is still Windows; other JSON without one is
   * unclassified and every rule applies */
  if (!channel && ev->format != SFMT_EVTX) return;
  if (!channel) { channel = ""; clen = 0; }
  out->windows = 1;
  out->product = "windows";
  if (clen >= sizeof out->channel) clen = sizeof out->channel - 1;
  memcpy(out->channel, channel, clen);
  out->channel[clen] = 0;
  if (eid && elen && elen < 16) {
    char b[16], *end;
    memcpy(b, eid, elen);
    b[elen] = 0;
    out->eventid = strtol(b, &end, 10);
    out->has_eventid = *end == 0;
  }
  for (size_t i = 0; i < sizeof cats / sizeof cats[0] && out->ncats < 8; i++) {
    if (strcasecmp(cats[i].channel, out->channel) || !out->has_eventid) continue;
    for (int k = 0; k < 4 && cats[i].ids[k]; k++)
      if (cats[i].ids[k] == out->eventid) out->cats[out->ncats++] = cats[i].category;
  }
  for (size_t i = 0; i < sizeof svcs / sizeof svcs[0] && out->nsvcs < 4; i++)
    if (!strcasecmp(svcs[i].channel, out->channel)) out->svcs[out->nsvcs++] = svcs[i].service;
}

static int cat_applies(const char *cat, const SLogsrc *ls) {
  for (int i = 0; i < ls->ncats; i++)
    if (!strcasecmp(ls->cats[i], cat)) return 1;
  return 0;
}

static int svc_applies(const char *svc, const SLogsrc *ls) {
  for (int i = 0; i < ls->nsvcs; i++)
    if (!strcasecmp(ls->svcs[i], svc)) return 1;
  for (size_t i = 0; i < sizeof svcs / sizeof svcs[0]; i++)
    if (!strcasecmp(svcs[i].service, svc)) return 0;
  /* a service the taxonomy table does not know: accept a channel naming it */
  return ls->channel[0] && strcasestr(ls->channel, svc) != NULL;
}

int sl_rule_applies(const SRule *r, const SLogsrc *ls) {
  if (!ls->product) return 1;
  if (r->product && strcasecmp(r->product, ls->product)) return 0;
  if (!ls->windows) {
    if (!strcmp(ls->product, "linux")) return r->category == NULL;
    return r->product != NULL;            /* m365: only rules naming the product */
  }
  if (!r->product && !r->category && r->service) return svc_applies(r->service, ls);
  if (!r->product && !r->category) return 0;
  if (r->service && !svc_applies(r->service, ls)) return 0;
  if (r->category && !cat_applies(r->category, ls)) return 0;
  return 1;
}

/* Security 4688 names -> the Sysmon names process_creation rules use
 * (as pySigma's windows-audit pipeline and Hayabusa map them). */
static const char *a4688[][2] = {
  {"NewProcessName", "Image"}, {"ParentProcessName", "ParentImage"},
  {"SubjectUserName", "User"},
  {"SubjectLogonId", "LogonId"}, {"MandatoryLabel", "IntegrityLevel"},
};

const char *sl_alias_4688(const char *name) {
  for (size_t i = 0; i < sizeof a4688 / sizeof a4688[0]; i++)
    if (!strcasecmp(a4688[i][0], name)) return a4688[i][1];
  return NULL;
}
