/* arena.h — per-request (or per-job) region allocator, freed in one go.
 * Bounded: allocations beyond the limit return NULL instead of growing forever. */
#ifndef VARDE_ARENA_H
#define VARDE_ARENA_H
#include <stdarg.h>
#include <stddef.h>

typedef struct Arena Arena;

Arena *arena_new(size_t limit);          /* limit = total bytes allowed, 0 = 64 MiB */
void arena_free(Arena *a);
void *arena_alloc(Arena *a, size_t n);   /* zeroed, 16-byte aligned; NULL past limit */
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t arena_used(const Arena *a);
/* Moves every allocation of `from` into `a` (they now live and die with a)
 * and frees `from`; a's limit is not checked. For work split over threads,
 * each with an arena of its own. */
void arena_adopt(Arena *a, Arena *from);

#endif
