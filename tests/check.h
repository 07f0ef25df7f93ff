/* check.h: a tiny assertion helper for the C tests: each check prints one
 * line; the program ends with "N passed, M failed" and exits non-zero on a
 * failure. */
#ifndef RMTMC_TEST_CHECK_H
#define RMTMC_TEST_CHECK_H

#include <math.h>
#include <stdio.h>

typedef struct check_ctx {
  int passed, failed;
} check_ctx;

static inline void check_true(check_ctx *c, int ok, const char *what) {
  printf("%s  %s\n", ok ? "ok  " : "FAIL", what);
  if (ok) c->passed++;
  else c->failed++;
}

/* |got - want| <= tol, printing how much of the tolerance was used. */
static inline void check_close(check_ctx *c, double got, double want, double tol,
                               const char *what) {
  double e = fabs(got - want);
  int ok = e <= tol;
  printf("%s  %-52s got %.12g want %.12g |diff| %.3g (%.0f%% of tol %.3g)\n",
         ok ? "ok  " : "FAIL", what, got, want, e, tol > 0 ? 100.0 * e / tol : 0.0, tol);
  if (ok) c->passed++;
  else c->failed++;
}

/* |z| <= zmax for a z-score. */
static inline void check_z(check_ctx *c, double z, double zmax, const char *what) {
  int ok = isfinite(z) && fabs(z) <= zmax;
  printf("%s  %-60s z = %+.3f (limit %.1f)\n", ok ? "ok  " : "FAIL", what, z, zmax);
  if (ok) c->passed++;
  else c->failed++;
}

static inline int check_finish(const check_ctx *c) {
  printf("%d passed, %d failed\n", c->passed, c->failed);
  return c->failed ? 1 : 0;
}

#endif
