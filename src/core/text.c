/* text.c: escaping user text for one-line messages (text.h). */

#include <stdio.h>
#include <string.h>

char *rmtmc_text_escape(char *dst, size_t cap, const char *src, size_t len) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  const char *more = "...";
  size_t room = cap > 4 ? cap - 4 : 0; /* keep space for "..." and the NUL */
  size_t i = 0;
  for (; i < len && src[i]; ++i) {
    unsigned char ch = (unsigned char)src[i];
    char buf[4];
    size_t n = 0;
    if (ch == '\\') {
      buf[n++] = '\\';
      buf[n++] = '\\';
    } else if (ch >= 0x20 && ch < 0x7f) {
      buf[n++] = (char)ch;
    } else {
      buf[n++] = '\\';
      buf[n++] = 'x';
      buf[n++] = hex[ch >> 4];
      buf[n++] = hex[ch & 15];
    }
    if (o + n > room) break;
    memcpy(dst + o, buf, n);
    o += n;
  }
  if (i < len && src[i] && cap > 4) {
    memcpy(dst + o, more, 3);
    o += 3;
  }
  if (cap > 0) dst[o < cap ? o : cap - 1] = '\0';
  return dst;
}
