/* scale.c — Varde's own maturity scale and the checklist scale (see scale.h).
 * The maturity scale is Varde's: NSM publishes no maturity model or level names. */
#include "assess/scale.h"

#include <string.h>

static const AssessLevel maturity_levels[] = {
  {0, "Ikke etablert", "Tiltaket finnes ikke, eller ingen vet om det gjøres."},
  {1, "Tilfeldig", "Gjøres av og til, avhengig av enkeltpersoner og uten beskrivelse."},
  {2, "Gjentakbar", "Gjøres jevnlig på samme måte, men er lite beskrevet og lite fulgt opp."},
  {3, "Definert", "Beskrevet, forankret i ledelsen og gjennomført i hele virksomheten."},
  {4, "Styrt", "Måles og følges opp jevnlig; avvik oppdages og rettes."},
  {5, "Forbedrende", "Evalueres og forbedres systematisk ut fra erfaring og trusselbilde."},
};

const AssessScale assess_scale_maturity = {
  "varde-modenhet",
  "Vardes modenhetsskala 0–5",
  "Dette er Vardes egen skala. NSM publiserer ingen modenhetsmodell for grunnprinsippene.",
  0, 5, maturity_levels, sizeof maturity_levels / sizeof maturity_levels[0],
};

static const AssessLevel checklist_levels[] = {
  {0, "Nei", "Er ikke på plass."},
  {1, "Delvis", "Er delvis på plass, eller bare for en del av virksomheten."},
  {2, "Ja", "Er på plass og kan dokumenteres."},
};

const AssessScale assess_scale_checklist = {
  "varde-sjekkliste",
  "Sjekkliste: ja / delvis / nei / ikke relevant",
  NULL,
  0, 2, checklist_levels, sizeof checklist_levels / sizeof checklist_levels[0],
};

const AssessScale *assess_scale_builtin(const char *id) {
  if (!id) return NULL;
  if (!strcmp(id, assess_scale_maturity.id)) return &assess_scale_maturity;
  if (!strcmp(id, assess_scale_checklist.id)) return &assess_scale_checklist;
  return NULL;
}

const AssessLevel *assess_scale_level(const AssessScale *s, int score) {
  for (size_t i = 0; i < s->nlevels; i++)
    if (s->levels[i].score == score) return &s->levels[i];
  return NULL;
}

double assess_scale_fraction(const AssessScale *s, int score) {
  if (s->max <= s->min) return 0.0;
  if (score <= s->min) return 0.0;
  if (score >= s->max) return 1.0;
  return (double)(score - s->min) / (double)(s->max - s->min);
}

const char *assess_scale_check(const AssessScale *s) {
  if (s->min < 0) return "min_score kan ikke være negativ";
  if (s->min >= s->max) return "min_score må være mindre enn max_score";
  if (s->max - s->min > 1000) return "skalaen kan ha høyst 1000 trinn";
  for (size_t i = 0; i < s->nlevels; i++) {
    const AssessLevel *l = &s->levels[i];
    if (l->score < s->min || l->score > s->max) return "et nivå ligger utenfor min_score..max_score";
    if (!l->name || !*l->name) return "et nivå mangler navn";
    for (size_t j = 0; j < i; j++)
      if (s->levels[j].score == l->score) return "to nivåer har samme score";
  }
  return NULL;
}
