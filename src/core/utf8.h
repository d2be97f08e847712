/* utf8.h — UTF-8 validation shared by the readers and writers that must not
 * pass invalid text on. */
#ifndef VARDE_CORE_UTF8_H
#define VARDE_CORE_UTF8_H
#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. n > 0. */
static inline size_t utf8_seq(const unsigned char *s, size_t n) {
  if (s[0] < 0x80) return 1;
  size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
  if (!len || s[0] > 0xF4 || len > n) return 0;
  for (size_t i = 1; i < len; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  if (len == 3 && s[0] == 0xE0 && s[1] < 0xA0) return 0;  /* overlong */
  if (len == 3 && s[0] == 0xED && s[1] >= 0xA0) return 0; /* surrogate */
  if (len == 4 && s[0] == 0xF0 && s[1] < 0x90) return 0;  /* overlong */
  if (len == 4 && s[0] == 0xF4 && s[1] >= 0x90) return 0; /* > U+10FFFF */
  return len;
}

#endif
