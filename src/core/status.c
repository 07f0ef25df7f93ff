/* status.c: status descriptions and the error-context helpers. */
#include "rmtmc_status.h"

#include <stdarg.h>
#include <stdio.h>

const char *rmtmc_status_str(rmtmc_status s) {
  static const char *const text[] = {
#define RMTMC_X_TEXT(name, t) t,
      RMTMC_STATUS_LIST(RMTMC_X_TEXT)
#undef RMTMC_X_TEXT
  };
  if ((int)s < 0 || s >= RMTMC_STATUS_COUNT) return "unknown status";
  return text[s];
}

int rmtmc_status_is_input(rmtmc_status s) {
  switch (s) {
    case RMTMC_OK:
    case RMTMC_ERR_NOMEM:
    case RMTMC_ERR_NUMERIC:
    case RMTMC_ERR_NOCONV:
    case RMTMC_ERR_BACKEND:
    case RMTMC_ERR_CANCELLED: return 0;
    default: return 1;
  }
}

rmtmc_status rmtmc_error_set(rmtmc_error *err, rmtmc_status code,
                             const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

void rmtmc_error_clear(rmtmc_error *err) {
  if (err) {
    err->code = RMTMC_OK;
    err->msg[0] = '\0';
  }
}
