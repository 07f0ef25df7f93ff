/* numfile.h: the one reader of numeric input files (--sigma file:,
 * --alpha file:, --means file:, later --sigma matrix:), with bounded memory
 * and time whatever the file holds.  Private to the library for now: it
 * becomes public (include/rmtmc_numfile.h) if a caller outside the library
 * needs it.
 *
 * Two formats, told apart by the first bytes:
 * - text: numbers separated by white space and/or commas; '#' starts a
 *   comment that runs to the end of its line; blank lines are skipped; a
 *   UTF-8 byte-order mark at the start is ignored.  A line or a comment may
 *   be of any length (nothing is held per line).  A NUL byte or another
 *   control character (other than tab, CR, LF, VT, FF) makes the file "not a
 *   text file of numbers".  Every number must be finite and representable
 *   as a double.
 * - NumPy .npy (format versions 1.0, 2.0 and 3.0): little-endian float64,
 *   float32, int32 or int64 ('<f8' '<f4' '<i4' '<i8'), C or Fortran order,
 *   1-D or 2-D; the values are returned in C (row-major) order.
 *
 * Bounds: the caller says how many numbers it can use (max_count).  The
 * reader keeps at most that many values, stops as soon as it finds one more
 * (out->more = 1: the caller's message says "more than"), and refuses a
 * text file larger than RMTMC_NUMFILE_BUDGET(max_count) bytes.  Only regular
 * files are read: a directory, a character device (/dev/zero,
 * /dev/urandom), a FIFO or a socket is refused at once, without reading or
 * blocking.  Messages are one line; the path and any quoted file content are
 * escaped (rmtmc_text_escape), never echoed raw. */
#ifndef RMTMC_CORE_NUMFILE_H
#define RMTMC_CORE_NUMFILE_H

#include <stdint.h>

#include "rmtmc_status.h"

/* Bytes a text file of at most n numbers may take: 16 MiB for comments and
 * layout, plus 256 bytes per number. */
#define RMTMC_NUMFILE_BUDGET(n) (16.0 * 1048576.0 + 256.0 * (double)(n))

typedef struct rmtmc_numfile {
  double *v;        /* count values in file order (row-major for .npy) */
  int64_t count;
  int64_t *row_len; /* numbers on each line that holds any (text); for .npy
                       shape[1] on each of shape[0] rows (one row for 1-D) */
  int64_t rows;
  int more;         /* 1: the file holds more than max_count numbers (only the
                       first max_count are in v) */
  int npy;          /* 1: read from a .npy file */
  int ndim;         /* .npy: 1 or 2; text: 0 */
  int64_t shape[2]; /* .npy shape (shape[1] = 1 for 1-D) */
} rmtmc_numfile;

/* Read path.  opt starts every message (e.g. "--sigma file:" or "--alpha "),
 * followed by the escaped path; hint (may be NULL) is appended to "is not a
 * number" messages (e.g. " (expected one eigenvalue per line)").
 * max_count >= 1.  Errors: RMTMC_ERR_IO (cannot open), RMTMC_ERR_PARSE (not
 * a text file of numbers, not a number, bad .npy header, too large, not a
 * regular file), RMTMC_ERR_NOMEM.  On error *out is empty; on success free
 * it with rmtmc_numfile_free. */
rmtmc_status rmtmc_numfile_read(const char *opt, const char *path, int64_t max_count,
                                const char *hint, rmtmc_numfile *out, rmtmc_error *err);

void rmtmc_numfile_free(rmtmc_numfile *f);

#endif
