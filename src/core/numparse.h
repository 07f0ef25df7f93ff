/* numparse.h: numbers from text, exactly (private to the library).  Every
 * option value, spec field, sweep checkpoint field and numeric-file token
 * goes through these, so that overflow, underflow and non-finite values get
 * the same correct message everywhere.
 *
 * The text is [s, end) (end NULL: up to the NUL) and must be the number
 * alone: no white space, no trailing characters. */
#ifndef RMTMC_CORE_NUMPARSE_H
#define RMTMC_CORE_NUMPARSE_H

#include <stdint.h>

typedef enum rmtmc_num {
  RMTMC_NUM_OK = 0,
  RMTMC_NUM_SYNTAX,    /* not a number (not an integer) at all */
  RMTMC_NUM_NONFINITE, /* nan, inf */
  RMTMC_NUM_OVERFLOW,  /* beyond the largest double / int64 / uint64 */
  RMTMC_NUM_UNDERFLOW, /* a double closer to 0 than the smallest normal double (0 itself is fine);
                          an integer below INT64_MIN */
  RMTMC_NUM_NEGATIVE   /* a negative value for an unsigned integer */
} rmtmc_num;

/* A finite double, normal or zero (hexadecimal floats accepted). */
rmtmc_num rmtmc_parse_double(const char *s, const char *end, double *out);
/* A decimal integer (optional sign). */
rmtmc_num rmtmc_parse_int64(const char *s, const char *end, int64_t *out);
/* A decimal integer from 0 to 18446744073709551615 (optional '+'). */
rmtmc_num rmtmc_parse_uint64(const char *s, const char *end, uint64_t *out);

/* What is wrong, to follow the quoted text in a message: "is not a
 * number", "is too large: beyond 1.7976931348623157e+308, the largest
 * double", ...; kind: 'd' double, 'i' int64, 'u' uint64. */
const char *rmtmc_num_problem(rmtmc_num r, char kind);

#endif
