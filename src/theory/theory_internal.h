/* theory_internal.h: private helpers of the spectral theory module
 * (mp.c, silverstein.c): a bracketing root finder, the normalised
 * population and its support.  Nothing here is part of the public API.
 *
 * Notation (THEORY.md section 2).  The Silverstein equation
 *   w = -1/mc + eta sum_j w_j t_j / (1 + t_j mc)
 * is solved in the variable u = -1/mc (a Moebius change of variable, so
 * Im mc > 0 <=> Im u > 0):
 *   w = x(u) = u (1 + eta B(u)),  B(u) = sum_j w_j t_j / (u - t_j),
 *   x'(u) = 1 - eta psi(u),       psi(u) = sum_j w_j t_j^2 / (u - t_j)^2,
 *   mc = -1/u,   m = -A(u) / (1 + eta B(u)),  A(u) = sum_j w_j / (u - t_j).
 * x(u) has simple poles at the atoms t_j > 0 only (u = 0 is m = infinity, a
 * regular point), which keeps w near 0 free of cancellation. */
#ifndef RMTMC_THEORY_INTERNAL_H
#define RMTMC_THEORY_INTERNAL_H

#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdint.h>

#include "rmtmc_status.h"
#include "rmtmc_theory.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* C11 CMPLX (exact real and imaginary parts, signed zeros kept); some C
 * libraries define it only for GCC.  double complex has the layout of
 * double[2] (C11 6.2.5p13). */
#ifndef CMPLX
static inline double complex theory_cmplx(double re, double im) {
  union {
    double complex z;
    double a[2];
  } v;
  v.a[0] = re;
  v.a[1] = im;
  return v.z;
}
#define CMPLX(re, im) theory_cmplx((re), (im))
#endif

static inline double theory_tol(const rmtmc_theory_opts *o) {
  return (o && o->tol > 0) ? o->tol : RMTMC_THEORY_TOL_DEFAULT;
}

static inline int theory_max_iter(const rmtmc_theory_opts *o) {
  return (o && o->max_iter > 0) ? o->max_iter : RMTMC_THEORY_MAX_ITER_DEFAULT;
}

typedef double (*theory_fn)(double x, void *ctx);

/* Brent's zeroin (Brent 1973): root of f in the bracket [a, b] with
 * fa = f(a), fb = f(b) of opposite signs (or one of them 0).  Stops when
 * the bracket is below 4 eps |x| + rtol |x| + atol or f is exactly 0.
 * Returns RMTMC_OK, RMTMC_ERR_INVALID (no sign change / NaN) or
 * RMTMC_ERR_NOCONV (max_iter reached; *root then holds the best point). */
static inline rmtmc_status theory_brent(double *root, theory_fn f, void *ctx,
                                        double a, double b, double fa,
                                        double fb, double rtol, double atol,
                                        int max_iter) {
  double c, fc, d, e;
  int it;
  if (isnan(fa) || isnan(fb)) return RMTMC_ERR_INVALID;
  if (fa == 0) {
    *root = a;
    return RMTMC_OK;
  }
  if (fb == 0) {
    *root = b;
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

/* Normalised population: the distinct positive atoms sorted increasingly
 * with merged weights (renormalised to sum 1 together with h0), and the
 * weight h0 of the atom at t = 0. */
typedef struct theory_pop {
  int64_t k;       /* number of distinct positive atoms (may be 0) */
  double *t;       /* [k], increasing, owned */
  double *w;       /* [k], owned */
  double h0;       /* H({0}) */
  double tmax;     /* largest atom (0 when k == 0) */
  int one_atom;    /* the caller gave exactly one atom t > 0 (k == 1) */
  double t_single; /* that atom */
} theory_pop;

/* Support of the absolutely continuous part of the limit law (THEORY 2.2,
 * Silverstein-Choi): n intervals [lo[i], hi[i]], with the real critical
 * points ulo[i], uhi[i] of x(u) (x(ulo[i]) = lo[i], x(uhi[i]) = hi[i]). */
typedef struct theory_support {
  int64_t n;
  double *lo, *hi, *ulo, *uhi; /* one allocation, owned by lo */
} theory_support;

#endif
