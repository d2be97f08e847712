/* demo.h — shared state of `varde demo` between the organisation part
 * (demo_orgs.c) and the users part (cmd_demo.c). Private to src/cli. */
#ifndef VARDE_CLI_DEMO_H
#define VARDE_CLI_DEMO_H
#include <stdint.h>

#include "auth/principal.h"
#include "core/err.h"

typedef struct Db Db;

#define DEMO_NATIONAL "Nasjonalt kommunalt cybersikkerhetssenter (KommuneCERT)"
#define DEMO_REGION_INNLANDET "Region Innlandet (RCSK)"
#define DEMO_REGION_NORDLAND "Region Nordland (RCSK)"
#define DEMO_IKS "Innlandet IKT-samarbeid IKS (demo)"
#define DEMO_SUPPLIER "Fjordsky Fagsystemer AS (demo)"

typedef struct DemoCtx {
  Db *db;
  Principal cli;
  int64_t national, region_inn, region_nor, municipality, iks, supplier;
  int orgs_added, users_added;
} DemoCtx;

int demo_orgs(DemoCtx *c, const char *shared, Err *e);
int demo_sharing(DemoCtx *c, Err *e);

#endif
