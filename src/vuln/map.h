/* map.h — open-addressing hash map from byte-string keys to uint32 values,
 * used for the CVE-id lookups and the matcher's vendor:product index. */
#ifndef VARDE_VULN_MAP_H
#define VARDE_VULN_MAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct VulnMap VulnMap;

VulnMap *vuln_map_new(void);
void vuln_map_free(VulnMap *m);
/* Insert key -> value if absent (the key is copied). Returns the value now
 * stored under key, or UINT32_MAX on allocation failure. */
uint32_t vuln_map_put(VulnMap *m, const char *key, size_t len, uint32_t value);
/* The same with the key's hash (vuln_map_hash) computed beforehand, so a
 * bulk load can vuln_map_prefetch a batch of slots before it inserts them. */
uint64_t vuln_map_hash(const char *key, size_t len);
void vuln_map_prefetch(const VulnMap *m, uint64_t hash);
uint32_t vuln_map_put_hashed(VulnMap *m, const char *key, size_t len, uint64_t hash, uint32_t value);
/* UINT32_MAX if absent. */
uint32_t vuln_map_get(const VulnMap *m, const char *key, size_t len);
size_t vuln_map_count(const VulnMap *m);
/* Room for n keys without growing again (a bulk load's rehashing spared).
 * 0, or -1 on allocation failure (the map is unchanged). */
int vuln_map_reserve(VulnMap *m, size_t n);

#endif
