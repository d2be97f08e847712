/* check.c — organisation kinds and field checks (name, kommunenummer,
 * organisasjonsnummer with its MOD11 check digit), with Norwegian messages. */
#include <string.h>

#include "org/org.h"

static const char *const kind_names[ORG_N_KINDS] = {"national", "region", "municipality",
                                                    "county", "iks", "supplier"};
static const char *const kind_labels[ORG_N_KINDS] = {"Nasjonalt senter", "Region", "Kommune",
                                                     "Fylkeskommune", "IKS", "Leverandør"};
static const char *const kind_norsk[ORG_N_KINDS] = {"nasjonal", "region", "kommune",
                                                    "fylkeskommune", "iks", "leverandør"};

const char *org_kind_name(OrgKind k) { return (unsigned)k < ORG_N_KINDS ? kind_names[k] : "?"; }
const char *org_kind_label(OrgKind k) { return (unsigned)k < ORG_N_KINDS ? kind_labels[k] : "?"; }

int org_kind_parse(const char *s, OrgKind *out) {
  for (int i = 0; s && i < ORG_N_KINDS; i++)
    if (!strcmp(s, kind_names[i]) || !strcmp(s, kind_norsk[i])) {
      *out = (OrgKind)i;
      return 0;
    }
  return VERR_INVALID;
}

static int all_digits(const char *s, size_t n) {
  if (strlen(s) != n) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

int org_check_name(const char *name, Err *e) {
  if (!name || !*name) return err_set(e, VERR_INVALID, "Organisasjonen må ha et navn.");
  size_t n = strlen(name);
  if (n > ORG_NAME_MAX) return err_set(e, VERR_INVALID, "Navnet er for langt (høyst %d tegn).", ORG_NAME_MAX);
  if (name[0] == ' ' || name[n - 1] == ' ')
    return err_set(e, VERR_INVALID, "Navnet kan ikke begynne eller slutte med mellomrom.");
  for (const unsigned char *p = (const unsigned char *)name; *p; p++)
    if (*p < 0x20 || *p == 0x7f) return err_set(e, VERR_INVALID, "Navnet inneholder kontrolltegn.");
  return 0;
}

int org_check_kommunenummer(const char *nr, OrgKind kind, Err *e) {
  if (!nr || !*nr) return 0;
  if (kind == ORG_COUNTY) {
    if (!all_digits(nr, 2)) return err_set(e, VERR_INVALID, "Fylkesnummer må være to sifre, f.eks. 34.");
    return 0;
  }
  if (kind != ORG_MUNICIPALITY)
    return err_set(e, VERR_INVALID, "Bare kommuner og fylkeskommuner har kommune- eller fylkesnummer.");
  if (!all_digits(nr, 4)) return err_set(e, VERR_INVALID, "Kommunenummer må være fire sifre, f.eks. 3442.");
  return 0;
}

int org_check_orgnr(const char *orgnr, Err *e) {
  static const int w[8] = {3, 2, 7, 6, 5, 4, 3, 2};
  if (!orgnr || !*orgnr) return 0;
  if (!all_digits(orgnr, 9)) return err_set(e, VERR_INVALID, "Organisasjonsnummer må være ni sifre.");
  int sum = 0;
  for (int i = 0; i < 8; i++) sum += (orgnr[i] - '0') * w[i];
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10 || check != orgnr[8] - '0')
    return err_set(e, VERR_INVALID, "Organisasjonsnummeret %s har feil kontrollsiffer.", orgnr);
  return 0;
}
