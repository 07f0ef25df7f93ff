/* text.h: private helper for putting user text into one-line messages
 * (not part of the public API). */
#ifndef RMTMC_CORE_TEXT_H
#define RMTMC_CORE_TEXT_H

#include <stddef.h>

/* Copy at most `len` bytes of src (stopping at a NUL) into dst (capacity
 * cap >= 1, always NUL-terminated), printable ASCII as is and every other
 * byte as \xHH (a backslash as \\), so the result is one clean line that
 * never carries raw bytes from a file or a terminal-control sequence.  When
 * the escaped text does not fit, it ends with "...".  Returns dst. */
char *rmtmc_text_escape(char *dst, size_t cap, const char *src, size_t len);

#endif
