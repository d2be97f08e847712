/* kevname.c — findings from the KEV catalogue by name (src/vuln's
 * kevname.c finds them; confidence "name", the version not checked). */
#include <stdio.h>

#include "findings/match_int.h"

int find_kev_match_item(FindRun *r, const VulnKevNames *x, const FindItemMeta *meta, const VulnItem *it,
                        const VulnMatchList *l, Err *e) {
  VulnMatchList k = {0};
  char why[1024];
  if (vuln_kev_names_match(x, it, 0, l->m, l->n, &k)) return err_set(e, VERR_NOMEM, "tomt for minne");
  int rc = 0;
  for (size_t i = 0; !rc && i < k.n; i++) {
    r->st.matches++;
    rc = find_store_match(r, meta, it, &k.m[i], vuln_match_reason(&k.m[i], why, sizeof why), e);
  }
  vuln_match_list_free(&k);
  return rc;
}
