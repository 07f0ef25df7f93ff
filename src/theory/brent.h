/* brent.h: private helpers of the theory module (mp.c, silverstein.c,
 * generative.c, ridge.c): option defaults and a bracketing root finder.
 * Everything here is static inline; nothing is exported. */
#ifndef RMTMC_THEORY_BRENT_H
#define RMTMC_THEORY_BRENT_H

#include <float.h>
#include <math.h>

#include "rmtmc_status.h"
#include "rmtmc_theory.h"

static inline double theory_tol(const rmtmc_theory_opts *o) {
  return (o && o->tol > 0) ? o->tol : RMTMC_THEORY_TOL_DEFAULT;
}

static inline int theory_max_iter(const rmtmc_theory_opts *o) {
  return (o && o->max_iter > 0) ? o->max_iter : RMTMC_THEORY_MAX_ITER_DEFAULT;
}

typedef double (*theory_fn)(double x, void *ctx);

/* Brent's zeroin (Brent 1973): root of f in the bracket [a, b] with
 * fa = f(a), fb = f(b) of opposite signs (or one of them 0).  Stops when
 * the bracket is below 4 eps |x| + rtol |x| + atol or f is exactly 0
 * (pass a tiny atol such as 1e-300 for a purely relative stop).
 * Returns RMTMC_OK, RMTMC_ERR_INVALID (no sign change / NaN in fa, fb),
 * RMTMC_ERR_NUMERIC (f returned NaN inside the bracket) or RMTMC_ERR_NOCONV
 * (max_iter reached); *root then holds the best point.  *bracket_out (if
 * not NULL) receives the last bracket width |c - b| (0 when an end point is
 * a root). */
static inline rmtmc_status theory_brent(double *root, theory_fn f, void *ctx,
                                        double a, double b, double fa,
                                        double fb, double rtol, double atol,
                                        int max_iter, double *bracket_out) {
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
    tol1 = 2.0 * DBL_EPSILON * fabs(b) + 0.5 * (rtol * fabs(b) + atol);
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
