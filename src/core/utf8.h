/* utf8.h — UTF-8 validation and encoding shared by the readers and writers
 * that must not pass invalid text on. */
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

/* Writes code point cp (at most U+10FFFF) as UTF-8 into u; returns the
 * bytes written, 1 to 4. */
static inline size_t utf8_put(unsigned cp, char u[4]) {
  if (cp < 0x80) { u[0] = (char)cp; return 1; }
  if (cp < 0x800) { u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

#endif
