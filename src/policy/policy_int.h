/* policy_int.h — shared between the single check (policy.c) and the
 * whole-tree evaluation (tree.c), so both apply the same rules. */
#ifndef VARDE_POLICY_INT_H
#define VARDE_POLICY_INT_H
#include "policy/policy.h"

PolicyResult policy__best(PolicyResult a, PolicyResult b);
AuthRole policy__role_from_text(const char *s);

#endif
