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
    case RMTMC_ERR_CANCELLED:
    case RMTMC_ERR_WRITE: return 0;
    default: return 1;
  }
}

/* One clean line: every control or non-ASCII byte as \xHH (a backslash
 * stays as it is, so text already escaped is unchanged). */
static void clean_line(char *dst, size_t cap, const char *src) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)src; *p && o + 1 < cap; ++p) {
    if (*p >= 0x20 && *p < 0x7f) {
      dst[o++] = (char)*p;
    } else {
      if (o + 5 > cap) break;
      dst[o++] = '\\';
      dst[o++] = 'x';
      dst[o++] = hex[*p >> 4];
      dst[o++] = hex[*p & 15];
    }
  }
  dst[o] = '\0';
}

rmtmc_status rmtmc_error_set(rmtmc_error *err, rmtmc_status code,
                             const char *fmt, ...) {
  if (err) {
    char raw[RMTMC_ERRMSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    clean_line(err->msg, sizeof err->msg, raw);
  }
  return code;
}

void rmtmc_error_clear(rmtmc_error *err) {
  if (err) {
    err->code = RMTMC_OK;
    err->msg[0] = '\0';
  }
}
