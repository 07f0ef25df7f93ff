/* test_numparse.c: numbers from text, exactly (src/core/numparse.h): every
 * int64 and uint64 boundary, doubles that overflow, underflow (subnormal or
 * flushed to 0) or are not finite, and text that is not the number alone. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core/numparse.h"

static void dbl(check_ctx *c, const char *s, rmtmc_num want, double val) {
  double v = -12345.0;
  rmtmc_num r = rmtmc_parse_double(s, NULL, &v);
  char line[200];
  snprintf(line, sizeof line, "double '%s': %s", s, rmtmc_num_problem(r, 'd'));
  check_true(c, r == want && (r != RMTMC_NUM_OK || v == val), line);
}

static void i64(check_ctx *c, const char *s, rmtmc_num want, int64_t val) {
  int64_t v = 0;
  rmtmc_num r = rmtmc_parse_int64(s, NULL, &v);
  char line[200];
  snprintf(line, sizeof line, "int64 '%s': %s", s, rmtmc_num_problem(r, 'i'));
  check_true(c, r == want && (r != RMTMC_NUM_OK || v == val), line);
}

static void u64(check_ctx *c, const char *s, rmtmc_num want, uint64_t val) {
  uint64_t v = 0;
  rmtmc_num r = rmtmc_parse_uint64(s, NULL, &v);
  char line[200];
  snprintf(line, sizeof line, "uint64 '%s': %s", s, rmtmc_num_problem(r, 'u'));
  check_true(c, r == want && (r != RMTMC_NUM_OK || v == val), line);
}

int main(void) {
  check_ctx c = {0, 0};
  dbl(&c, "1.5", RMTMC_NUM_OK, 1.5);
  dbl(&c, "-0", RMTMC_NUM_OK, 0.0);
  dbl(&c, "0e500", RMTMC_NUM_OK, 0.0);
  dbl(&c, "2.2250738585072014e-308", RMTMC_NUM_OK, DBL_MIN);
  dbl(&c, "1.7976931348623157e308", RMTMC_NUM_OK, DBL_MAX);
  dbl(&c, "0x1p-2", RMTMC_NUM_OK, 0.25);
  dbl(&c, "1e-320", RMTMC_NUM_UNDERFLOW, 0);
  dbl(&c, "0x1p-1074", RMTMC_NUM_UNDERFLOW, 0); /* exact subnormal: strtod sets no ERANGE */
  dbl(&c, "-1e-400", RMTMC_NUM_UNDERFLOW, 0);
  dbl(&c, "0x0.0000000001p-1060", RMTMC_NUM_UNDERFLOW, 0);
  dbl(&c, "1e400", RMTMC_NUM_OVERFLOW, 0);
  dbl(&c, "-1e400", RMTMC_NUM_OVERFLOW, 0);
  dbl(&c, "nan", RMTMC_NUM_NONFINITE, 0);
  dbl(&c, "-inf", RMTMC_NUM_NONFINITE, 0);
  dbl(&c, "", RMTMC_NUM_SYNTAX, 0);
  dbl(&c, " 2", RMTMC_NUM_SYNTAX, 0);
  dbl(&c, "2 ", RMTMC_NUM_SYNTAX, 0);
  dbl(&c, "1e", RMTMC_NUM_SYNTAX, 0);
  dbl(&c, "2,3", RMTMC_NUM_SYNTAX, 0);
  char big[500];
  memset(big, '1', 450);
  big[450] = '\0';
  dbl(&c, big, RMTMC_NUM_OVERFLOW, 0);
  big[10] = 'x';
  dbl(&c, big, RMTMC_NUM_SYNTAX, 0);
  {
    double v;
    const char *s = "3.25:0.5";
    check_true(&c, rmtmc_parse_double(s, s + 4, &v) == RMTMC_NUM_OK && v == 3.25, "double over a span [s, end)");
  }
  i64(&c, "0", RMTMC_NUM_OK, 0);
  i64(&c, "+5", RMTMC_NUM_OK, 5);
  i64(&c, "-3", RMTMC_NUM_OK, -3);
  i64(&c, "9223372036854775807", RMTMC_NUM_OK, INT64_MAX);
  i64(&c, "-9223372036854775808", RMTMC_NUM_OK, INT64_MIN);
  i64(&c, "9223372036854775808", RMTMC_NUM_OVERFLOW, 0);
  i64(&c, "-9223372036854775809", RMTMC_NUM_UNDERFLOW, 0);
  i64(&c, "1e3", RMTMC_NUM_SYNTAX, 0);
  i64(&c, "1.5", RMTMC_NUM_SYNTAX, 0);
  i64(&c, "0x10", RMTMC_NUM_SYNTAX, 0);
  i64(&c, " 7", RMTMC_NUM_SYNTAX, 0);
  i64(&c, "7 ", RMTMC_NUM_SYNTAX, 0);
  i64(&c, "-", RMTMC_NUM_SYNTAX, 0);
  memset(big, '9', 450);
  big[450] = '\0';
  i64(&c, big, RMTMC_NUM_OVERFLOW, 0);
  u64(&c, "18446744073709551615", RMTMC_NUM_OK, UINT64_MAX);
  u64(&c, "9007199254740993", RMTMC_NUM_OK, 9007199254740993ULL);
  u64(&c, "18446744073709551616", RMTMC_NUM_OVERFLOW, 0);
  u64(&c, "-1", RMTMC_NUM_NEGATIVE, 0);
  u64(&c, "-0", RMTMC_NUM_OK, 0);
  u64(&c, "+7", RMTMC_NUM_OK, 7);
  u64(&c, "1e5", RMTMC_NUM_SYNTAX, 0);
  u64(&c, "", RMTMC_NUM_SYNTAX, 0);
  return check_finish(&c);
}
