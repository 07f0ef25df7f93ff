/* rmtmc_status.h: status codes and error messages shared by every layer.
 *
 * Every public rmtmc call returns an rmtmc_status (0 = RMTMC_OK) and, when
 * it fails, fills the rmtmc_error passed as its last argument (which may be
 * NULL) with one line that says what went wrong and what to fix.
 * The library never prints and never exits. */
#ifndef RMTMC_STATUS_H
#define RMTMC_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X-macro: the enum and the static descriptions cannot drift apart. */
#define RMTMC_STATUS_LIST(X)                                                  \
  X(RMTMC_OK, "ok")                                                           \
  X(RMTMC_ERR_INVALID, "invalid argument")                                    \
  X(RMTMC_ERR_NOMEM, "out of memory")                                         \
  X(RMTMC_ERR_TOO_LARGE, "problem too large for the available memory")        \
  X(RMTMC_ERR_IO, "input/output error")                                       \
  X(RMTMC_ERR_PARSE, "malformed input")                                       \
  X(RMTMC_ERR_NUMERIC, "numerical failure")                                   \
  X(RMTMC_ERR_NOCONV, "iteration did not converge")                           \
  X(RMTMC_ERR_BACKEND, "backend library failure")                             \
  X(RMTMC_ERR_NO_DEVICE, "no device available")                               \
  X(RMTMC_ERR_UNSUPPORTED, "not supported by this build or backend")        \
  X(RMTMC_ERR_CANCELLED, "stopped at the caller's request")                  \
  X(RMTMC_ERR_WRITE, "an output could not be written")

typedef enum rmtmc_status {
#define RMTMC_X_ENUM(name, text) name,
  RMTMC_STATUS_LIST(RMTMC_X_ENUM)
#undef RMTMC_X_ENUM
  RMTMC_STATUS_COUNT
} rmtmc_status;

#define RMTMC_ERRMSG_LEN 512

/* The error context: the failing status and a one-line message. */
typedef struct rmtmc_error {
  rmtmc_status code;
  char msg[RMTMC_ERRMSG_LEN];
} rmtmc_error;

/* Static description of a status code ("invalid argument"). */
const char *rmtmc_status_str(rmtmc_status s);

/* Is s a failure of the input (wrong sizes, specs, values, files, a model
 * too large, a backend this build or machine lacks) rather than of the run
 * (memory, numerics, a backend library, a stop request)?  The command line
 * exits 2 for the first kind and 1 for the second; the Python package
 * raises InputError and Error. */
int rmtmc_status_is_input(rmtmc_status s);

/* Fill err (if not NULL) with code and a printf-style message; returns code,
 * so callers write `return rmtmc_error_set(err, RMTMC_ERR_INVALID, ...);`. */
rmtmc_status rmtmc_error_set(rmtmc_error *err, rmtmc_status code,
                             const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reset err to RMTMC_OK with an empty message. */
void rmtmc_error_clear(rmtmc_error *err);

/* User text in a one-line message: copy at most `len` bytes of src
 * (stopping at a NUL) into dst (capacity cap >= 1, always NUL-terminated),
 * printable ASCII as is and every other byte as \xHH (a backslash as \\),
 * so the result never carries raw bytes from a file, an argument or a
 * terminal-control sequence.  When it does not fit it ends with "...".
 * Returns dst.  (rmtmc_error_set also turns any control or non-ASCII byte
 * of a message into \xHH, so every message is one clean line.) */
char *rmtmc_text_escape(char *dst, size_t cap, const char *src, size_t len);

#ifdef __cplusplus
}
#endif
#endif
