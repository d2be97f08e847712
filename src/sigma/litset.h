/* litset.h — equality/prefix/suffix literal sets of one field, matched by
 * hashing instead of a Hyperscan scan (fast path witnesses). */
#ifndef VARDE_SIGMA_LITSET_H
#define VARDE_SIGMA_LITSET_H
#include <stddef.h>
#include <stdint.h>

enum { SLIT_EQ = 0, SLIT_START = 1, SLIT_END = 2 };
#define SLIT_MAXLEN 255   /* longer literals stay with Hyperscan */

typedef struct SLitSet SLitSet;
typedef void (*slit_hit_fn)(uint32_t id, void *ctx);

SLitSet *slit_new(void);
void slit_free(SLitSet *s);
/* Adds literal lit (1..SLIT_MAXLEN bytes) of a kind; cased = 0 compares
 * with ASCII case folding (A-Z only; the fast path keeps literals with
 * letters folded beyond ASCII out of these sets). Call slit_build after the last add. */
int slit_add(SLitSet *s, int kind, const uint8_t *lit, size_t len, int cased, uint32_t id);
int slit_build(SLitSet *s);
size_t slit_count(const SLitSet *s);
/* Calls hit(id) for every literal that value v equals (EQ), starts with
 * (START) or ends with (END); an id may be reported more than once only if
 * it was added more than once. */
void slit_match(const SLitSet *s, const uint8_t *v, size_t n, slit_hit_fn hit, void *ctx);
#endif
