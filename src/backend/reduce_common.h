/* reduce_common.h: the per-eigenvalue arithmetic of the spectrum
 * observables (include/rmtmc_layout.h), shared by every backend: plain C,
 * also compiled by nvcc, so the CPU reducer and the CUDA kernels evaluate
 * the same formulas (they may add the terms in different orders).
 *
 * Adding a per-z observable: a value in rmtmc_zobs and a case in
 * rmtmc_obs_zterm below; both backends pick it up from the layout. */
#ifndef RMTMC_REDUCE_COMMON_H
#define RMTMC_REDUCE_COMMON_H

#include <float.h>
#include <math.h>
#include <stdint.h>

#include "rmtmc_layout.h"
#include "rmtmc_rng.h" /* RMTMC_HD */

/* Number of structural zero eigenvalues of S = X X^T / n (rank <= n). */
RMTMC_HD int64_t rmtmc_structural_zeros(int64_t d, int64_t n) {
  return d > n ? d - n : 0;
}

/* Index of the smallest non-trivial eigenvalue among d ascending ones with
 * z0 structural zeros first (the last one when all are zeros). */
RMTMC_HD int64_t rmtmc_obs_lam_min_index(int64_t d, int64_t z0) {
  return z0 < d ? z0 : d - 1;
}

/* Histogram slot of eigenvalue x: 0..nbins-1, nbins = below, nbins+1 = above. */
RMTMC_HD int64_t rmtmc_hist_slot(double x, int64_t nbins, double lo, double hi) {
  if (x < lo) return nbins;
  if (!(x < hi)) return nbins + 1;
  int64_t b = (int64_t)((x - lo) / (hi - lo) * (double)nbins);
  return b < 0 ? 0 : (b >= nbins ? nbins - 1 : b);
}

/* libgcc's guard of a complex division against overflow and underflow:
 * halve everything when the larger part of the divisor, *big (c or d), is
 * near the largest double, scale up by 1/eps when it or the dividend is
 * tiny.  Powers of two: exact wherever nothing over- or underflows. */
RMTMC_HD void rmtmc_cdiv_scale(double *a, double *b, double *c, double *d, const double *big) {
  const double RBIG = DBL_MAX / 2, RMIN = DBL_MIN, RMIN2 = DBL_EPSILON;
  const double RMINSCAL = 1.0 / DBL_EPSILON, RMAX2 = RBIG * RMIN2;
  if (fabs(*big) >= RBIG) {
    *a /= 2; *b /= 2; *c /= 2; *d /= 2;
  }
  if (fabs(*big) < RMIN2 || (fabs(*a) < RMIN && fabs(*b) < RMAX2 && fabs(*big) < RMAX2) ||
      (fabs(*b) < RMIN && fabs(*a) < RMAX2 && fabs(*big) < RMAX2)) {
    *a *= RMINSCAL; *b *= RMINSCAL; *c *= RMINSCAL; *d *= RMINSCAL;
  }
}

/* (a + ib) / (c + id), computed as C99 complex division is computed by
 * GCC's runtime (libgcc __divdc3, GCC >= 12: Smith's method with scaling
 * against overflow and underflow, and the C99 Annex G recovery of
 * infinities), so the CPU reference keeps the values of the plain C
 * expression `1.0 / (lambda - z)` it used before, bit for bit
 * (tests/test_layout.c), and the GPU evaluates the same formula. */
RMTMC_HD void rmtmc_cdiv(double a, double b, double c, double d, double *re, double *im) {
  double denom, ratio, x, y;
  if (fabs(c) < fabs(d)) {
    rmtmc_cdiv_scale(&a, &b, &c, &d, &d);
    ratio = c / d;
    denom = (c * ratio) + d;
    if (fabs(ratio) > DBL_MIN) {
      x = ((a * ratio) + b) / denom;
      y = ((b * ratio) - a) / denom;
    } else {
      x = ((c * (a / d)) + b) / denom;
      y = ((c * (b / d)) - a) / denom;
    }
  } else {
    rmtmc_cdiv_scale(&a, &b, &c, &d, &c);
    ratio = d / c;
    denom = (d * ratio) + c;
    if (fabs(ratio) > DBL_MIN) {
      x = ((b * ratio) + a) / denom;
      y = (b - (a * ratio)) / denom;
    } else {
      x = (a + (d * (b / c))) / denom;
      y = (b - (d * (a / c))) / denom;
    }
  }
  if (isnan(x) && isnan(y)) { /* infinities and zeros that came out as NaN */
    if (c == 0.0 && d == 0.0 && (!isnan(a) || !isnan(b))) {
      x = copysign(INFINITY, c) * a;
      y = copysign(INFINITY, c) * b;
    } else if ((isinf(a) || isinf(b)) && isfinite(c) && isfinite(d)) {
      a = copysign(isinf(a) ? 1.0 : 0.0, a);
      b = copysign(isinf(b) ? 1.0 : 0.0, b);
      x = INFINITY * (a * c + b * d);
      y = INFINITY * (b * c - a * d);
    } else if ((isinf(c) || isinf(d)) && isfinite(a) && isfinite(b)) {
      c = copysign(isinf(c) ? 1.0 : 0.0, c);
      d = copysign(isinf(d) ? 1.0 : 0.0, d);
      x = 0.0 * (a * c + b * d);
      y = 0.0 * (b * c - a * d);
    }
  }
  *re = x;
  *im = y;
}

/* The resolvent term r = 1 / (lambda - z), z = zr + i zi (lambda - z has
 * the imaginary part -zi, as C's real-minus-complex gives). */
RMTMC_HD void rmtmc_obs_resolvent(double lam, double zr, double zi, double *re, double *im) {
  rmtmc_cdiv(1.0, 0.0, lam - zr, -zi, re, im);
}

/* The term of per-z observable k (rmtmc_zobs) from r = 1 / (lambda - z):
 *   RMTMC_ZOBS_STIELTJES        r          (m_d(z)  = mean over eigenvalues)
 *   RMTMC_ZOBS_STIELTJES_DERIV  r^2        (m_d'(z) = (1/d) tr (S - zI)^-2) */
RMTMC_HD void rmtmc_obs_zterm(int k, double r_re, double r_im, double *t_re, double *t_im) {
  switch (k) {
    case RMTMC_ZOBS_STIELTJES_DERIV:
      *t_re = r_re * r_re - r_im * r_im;
      *t_im = 2.0 * (r_re * r_im);
      break;
    default: /* RMTMC_ZOBS_STIELTJES */
      *t_re = r_re;
      *t_im = r_im;
      break;
  }
}

/* Power sums: acc[k - 1] += lambda^k, k = 1..kmax (powers by repeated
 * multiplication, as both backends form them). */
RMTMC_HD void rmtmc_obs_powers(double lam, int kmax, double *acc) {
  double p = 1.0;
  for (int k = 0; k < kmax; ++k) {
    p *= lam;
    acc[k] += p;
  }
}

#endif
