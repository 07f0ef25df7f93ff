/* models_internal.h: private helpers shared by generative.c and ridge.c
 * (the theory of the generative model and of ridge regression): option
 * defaults and a bracketing root finder (Brent 1973, the zeroin algorithm).
 * Everything here is static; nothing is exported. */
#ifndef RMTMC_MODELS_INTERNAL_H
#define RMTMC_MODELS_INTERNAL_H

#include <float.h>
#include <math.h>

#include "rmtmc_status.h"
#include "rmtmc_theory.h"

static inline double models_tol(const rmtmc_theory_opts *o) {
  return (o && o->tol > 0) ? o->tol : RMTMC_THEORY_TOL_DEFAULT;
}

static inline int models_max_iter(const rmtmc_theory_opts *o) {
  return (o && o->max_iter > 0) ? o->max_iter : RMTMC_THEORY_MAX_ITER_DEFAULT;
}

typedef double (*models_fn)(double x, void *ctx);

/* Root of f in [a, b] given fa = f(a), fb = f(b) of opposite signs (or one
 * of them 0).  Stops when the bracket is below 2 eps |x| + rtol |x| / 2 (+ a
 * tiny absolute floor) or f is exactly 0.  Returns RMTMC_OK,
 * RMTMC_ERR_INVALID (no sign change / NaN) or RMTMC_ERR_NOCONV (max_iter
 * reached; *root then holds the best point).  *bracket_out (if not NULL)
 * receives the final bracket width. */
static inline rmtmc_status models_brent(double *root, models_fn f, void *ctx,
                                        double a, double b, double fa,
                                        double fb, double rtol, int max_iter,
                                        double *bracket_out) {
  double c, fc, d, e;
  int it;
  if (isnan(fa) || isnan(fb)) return RMTMC_ERR_INVALID;
  if (fa == 0) {
    *root = a;
    if (bracket_out) *bracket_out = 0;
    return RMTMC_OK;
  }
  if (fb == 0) {
    *root = b;
    if (bracket_out) *bracket_out = 0;
    return RMTMC_OK;
  }
  if ((fa > 0) == (fb > 0)) return RMTMC_ERR_INVALID;
  c = a;
  fc = fa;
  d = e = b - a;
  for (it = 0; it < max_iter; ++it) {
    double tol1, xm;
    if ((fb > 0) == (fc > 0)) {
      c = a;
      fc = fa;
      d = e = b - a;
    }
    if (fabs(fc) < fabs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    tol1 = 2.0 * DBL_EPSILON * fabs(b) + 0.5 * (rtol * fabs(b) + 1e-300);
    xm = 0.5 * (c - b);
    if (bracket_out) *bracket_out = fabs(c - b);
    if (fabs(xm) <= tol1 || fb == 0) {
      *root = b;
      return RMTMC_OK;
    }
    if (fabs(e) >= tol1 && fabs(fa) > fabs(fb)) {
      double p, q, r, s = fb / fa;
      if (a == c) {
        p = 2.0 * xm * s;
        q = 1.0 - s;
      } else {
        q = fa / fc;
        r = fb / fc;
        p = s * (2.0 * xm * q * (q - r) - (b - a) * (r - 1.0));
        q = (q - 1.0) * (r - 1.0) * (s - 1.0);
      }
      if (p > 0)
        q = -q;
      else
        p = -p;
      if (2.0 * p < fmin(3.0 * xm * q - fabs(tol1 * q), fabs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += (fabs(d) > tol1) ? d : (xm > 0 ? tol1 : -tol1);
    fb = f(b, ctx);
    if (isnan(fb)) {
      *root = b;
      return RMTMC_ERR_NUMERIC;
    }
  }
  *root = b;
  return RMTMC_ERR_NOCONV;
}

#endif
