/* fit_common.h: the per-trial rules of the linear-model fits shared by every
 * backend (plain C, also compiled by nvcc): which context or class a sample
 * has, its label, and the grid evaluation from one eigendecomposition.  See
 * include/rmtmc_fit.h for the model and the output layouts. */
#ifndef RMTMC_FIT_COMMON_H
#define RMTMC_FIT_COMMON_H

#include <math.h>
#include <stdint.h>

#include "rmtmc_rng.h" /* RMTMC_HD, rmtmc_categorical */

/* Fixed counts: the context a of sample i, start[a] <= i < start[a + 1]
 * (start[0] = 0, start[c] = n, ascending; empty contexts skipped). */
RMTMC_HD int64_t fit_fixed_context(const int64_t *start, int64_t c, int64_t i) {
  int64_t lo = 0, hi = c - 1; /* largest a with start[a] <= i */
  while (lo < hi) {
    int64_t mid = (lo + hi + 1) / 2;
    if (start[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/* Mixture: the class of a sample from its uniform u in (0, 1]. */
RMTMC_HD int64_t fit_uniform_class(double u, int64_t c) {
  int64_t a = (int64_t)floor(u * (double)c);
  return a >= c ? c - 1 : a;
}

/* 1 / (lam_i + l) for l > 0; for l = 0 the pseudo-inverse 1 / lam_i above
 * the rank threshold thr, else 0. */
RMTMC_HD double fit_inv(double lam_i, double l, double thr) {
  if (l > 0) return 1.0 / (lam_i + l);
  return lam_i > thr ? 1.0 / lam_i : 0.0;
}

/* The residual factor 1 - lam_i / (lam_i + l) = l / (lam_i + l) (l > 0),
 * 0 or 1 at l = 0 (fitted or not). */
RMTMC_HD double fit_resid(double lam_i, double l, double thr) {
  if (l > 0) return l / (lam_i + l);
  return lam_i > thr ? 0.0 : 1.0;
}

/* The fitted factor lam_i / (lam_i + l) (l > 0), 1 or 0 at l = 0. */
RMTMC_HD double fit_fitted(double lam_i, double l, double thr) {
  if (l > 0) return lam_i / (lam_i + l);
  return lam_i > thr ? 1.0 : 0.0;
}

/* Eigenvalues at or below this fraction of a trial's largest one count as
 * zero (ridgeless pseudo-inverse, Gram-side eigenvectors of the mixture). */
#define FIT_RANK_TOL 1e-12

/* Rank threshold of a trial from its largest eigenvalue. */
RMTMC_HD double fit_rank_thr(double lam_max) {
  return FIT_RANK_TOL * (lam_max > 0 ? lam_max : 0.0);
}

/* Gram side (d > n) of the mixture: the eigenvectors of S are X w_q /
 * sqrt(n lam_q); factors that turn W^T Y^T and W^T X^T M into their
 * S-side coordinates (0 below the rank threshold). */
RMTMC_HD void fit_gram_factors(double lam_q, double thr, double n, double *fb,
                               double *fm) {
  int keep = lam_q > thr;
  *fb = keep ? sqrt(lam_q / n) : 0.0;
  *fm = keep ? 1.0 / sqrt(n * lam_q) : 0.0;
}

/* Mixture, one output o of gamma gam from the r eigenpairs:
 * o < k c: (W^T M)[j, a] = sum_q Bm[q, j] Mv[q, a] / (lam_q + gam),
 *          o = j + a k;
 * o = k c: ||W||_F^2 = sum_q ||Bm[q, :]||^2 / (lam_q + gam)^2.
 * Bm (r x k) and Mv (r x c) column-major with leading dimension r. */
RMTMC_HD double fit_mixture_value(const double *Bm, const double *Mv,
                                  const double *lam, int64_t r, int64_t k,
                                  int64_t c, double gam, int64_t o) {
  double s = 0.0;
  if (o < k * c) {
    int64_t j = o % k, a = o / k;
    for (int64_t q = 0; q < r; ++q)
      s += Bm[q + j * r] * Mv[q + a * r] / (lam[q] + gam);
    return s;
  }
  for (int64_t q = 0; q < r; ++q) {
    double f = 1.0 / (lam[q] + gam), b2 = 0.0;
    for (int64_t j = 0; j < k; ++j) b2 += Bm[q + j * r] * Bm[q + j * r];
    s += b2 * f * f;
  }
  return s;
}

/* Ridge, the training error and tr(H)/n at l from the eigenvalues lam[r],
 * the squared coordinates yt[r] of y/sqrt(n) on the eigendirections (0 for
 * those below the rank threshold) and the rest yperp of ||y||^2/n. */
RMTMC_HD void fit_ridge_scalars(const double *lam, const double *yt, int64_t r,
                                double yperp, double l, double thr, double n,
                                double *train, double *trace) {
  double tr = 0.0, e = yperp;
  for (int64_t i = 0; i < r; ++i) {
    double g = fit_resid(lam[i], l, thr);
    e += g * g * yt[i];
    tr += fit_fitted(lam[i], l, thr);
  }
  *train = e;
  *trace = tr / n;
}

#endif
