/* numparse.c: numbers from text (numparse.h). */
#include "core/numparse.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A NUL-terminated copy of [s, end) in buf (cap bytes), or NULL when it
 * does not fit (no number is that long). */
static const char *span(const char *s, const char *end, char *buf, size_t cap) {
  size_t len = end ? (size_t)(end - s) : strlen(s);
  if (len >= cap) return NULL;
  memcpy(buf, s, len);
  buf[len] = '\0';
  return buf;
}

static int bad_start(const char *t) {
  return *t == '\0' || *t == ' ' || *t == '\t' || *t == '\n' || *t == '\r' || *t == '\v' || *t == '\f';
}

/* Does the decimal or hexadecimal text have a nonzero digit (before any
 * exponent)? */
static int nonzero_digits(const char *t) {
  int hex = 0;
  if (*t == '+' || *t == '-') ++t;
  if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    hex = 1;
    t += 2;
  }
  for (; *t; ++t) {
    if (!hex && (*t == 'e' || *t == 'E')) break;
    if (hex && (*t == 'p' || *t == 'P')) break;
    if ((*t >= '1' && *t <= '9') || (hex && ((*t >= 'a' && *t <= 'f') || (*t >= 'A' && *t <= 'F')))) return 1;
  }
  return 0;
}

rmtmc_num rmtmc_parse_double(const char *s, const char *end, double *out) {
  char buf[400];
  const char *t = span(s, end, buf, sizeof buf);
  if (!t) {
    /* Longer than any sensible number: judge its characters only. */
    size_t len = end ? (size_t)(end - s) : strlen(s);
    for (size_t i = 0; i < len; ++i)
      if (!strchr("0123456789+-.eE", s[i])) return RMTMC_NUM_SYNTAX;
    return RMTMC_NUM_OVERFLOW;
  }
  if (bad_start(t)) return RMTMC_NUM_SYNTAX;
  char *stop = NULL;
  errno = 0;
  double v = strtod(t, &stop);
  int range = errno == ERANGE;
  if (stop == t || *stop != '\0') return RMTMC_NUM_SYNTAX;
  if (isnan(v) || (isinf(v) && !range)) return RMTMC_NUM_NONFINITE;
  if (isinf(v)) return RMTMC_NUM_OVERFLOW;
  if ((v != 0.0 && fabs(v) < DBL_MIN) || (v == 0.0 && range && nonzero_digits(t))) return RMTMC_NUM_UNDERFLOW;
  *out = v;
  return RMTMC_NUM_OK;
}

/* An integer too long for any buffer: syntax, or out of range by its sign. */
static rmtmc_num long_integer(const char *s, const char *end, rmtmc_num negative) {
  size_t len = end ? (size_t)(end - s) : strlen(s);
  for (size_t i = 0; i < len; ++i)
    if (!((s[i] >= '0' && s[i] <= '9') || (i == 0 && (s[i] == '-' || s[i] == '+')))) return RMTMC_NUM_SYNTAX;
  return s[0] == '-' ? negative : RMTMC_NUM_OVERFLOW;
}

rmtmc_num rmtmc_parse_int64(const char *s, const char *end, int64_t *out) {
  char buf[400];
  const char *t = span(s, end, buf, sizeof buf);
  if (!t) return long_integer(s, end, RMTMC_NUM_UNDERFLOW);
  const char *d = t + (*t == '+' || *t == '-');
  if (*d < '0' || *d > '9') return RMTMC_NUM_SYNTAX;
  char *stop = NULL;
  errno = 0;
  long long v = strtoll(t, &stop, 10);
  if (*stop != '\0') return RMTMC_NUM_SYNTAX;
  if (errno == ERANGE) return v < 0 ? RMTMC_NUM_UNDERFLOW : RMTMC_NUM_OVERFLOW;
  *out = (int64_t)v;
  return RMTMC_NUM_OK;
}

rmtmc_num rmtmc_parse_uint64(const char *s, const char *end, uint64_t *out) {
  char buf[400];
  const char *t = span(s, end, buf, sizeof buf);
  if (!t) return long_integer(s, end, RMTMC_NUM_NEGATIVE);
  int neg = *t == '-';
  const char *d = t + (*t == '+' || neg);
  if (*d < '0' || *d > '9') return RMTMC_NUM_SYNTAX;
  for (const char *q = d; *q; ++q)
    if (*q < '0' || *q > '9') return RMTMC_NUM_SYNTAX;
  if (neg) {
    for (const char *q = d; *q; ++q)
      if (*q != '0') return RMTMC_NUM_NEGATIVE;
    *out = 0; /* -0 */
    return RMTMC_NUM_OK;
  }
  char *stop = NULL;
  errno = 0;
  unsigned long long v = strtoull(d, &stop, 10);
  if (errno == ERANGE) return RMTMC_NUM_OVERFLOW;
  *out = (uint64_t)v;
  return RMTMC_NUM_OK;
}

const char *rmtmc_num_problem(rmtmc_num r, char kind) {
  switch (r) {
    case RMTMC_NUM_OK: return "is fine";
    case RMTMC_NUM_SYNTAX:
      return kind == 'd' ? "is not a number" : kind == 'u' ? "is not an integer from 0 to 18446744073709551615"
                                                           : "is not an integer";
    case RMTMC_NUM_NONFINITE: return "is not a finite number";
    case RMTMC_NUM_OVERFLOW:
      return kind == 'd'   ? "is too large: beyond 1.7976931348623157e+308, the largest double"
             : kind == 'u' ? "is too large: the largest value is 18446744073709551615 (2^64 - 1)"
                           : "is too large: the largest integer is 9223372036854775807";
    case RMTMC_NUM_UNDERFLOW:
      return kind == 'd' ? "is too close to 0: below 2.2250738585072014e-308, the smallest normal double"
                         : "is too small: the smallest integer is -9223372036854775808";
    case RMTMC_NUM_NEGATIVE: return "is negative: give an integer from 0 to 18446744073709551615";
  }
  return "is not a number";
}
