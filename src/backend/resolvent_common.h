/* resolvent_common.h: the per-trial arithmetic of the resolvent method
 * (include/rmtmc_resolvent_method.h) shared by every backend: plain C, also
 * compiled by nvcc, so the CPU (src/backend/cpu/cpu_resolvent.c) and the
 * CUDA kernels (kernels/resolvent.cu) evaluate the same sums in the same
 * order once the factorisations are done (those come from different
 * libraries, so the two agree to rounding, not bit for bit).
 *
 * Arrays of one trial, column-major with leading dimension d:
 *   eigen path: lam[d] ascending, W (d x d) the eigenvectors, the
 *     coordinates C = W^T P (d x nprobe) and the weights a_k =
 *     (W^T Sigma W)_kk; r_k = 1/(lambda_k + z) (rsv_r);
 *   Cholesky path: P (d x nprobe) the probes, Y = Q P (d x nprobe), V =
 *     U^-1 upper triangular (Q = V V^T). */
#ifndef RMTMC_RESOLVENT_COMMON_H
#define RMTMC_RESOLVENT_COMMON_H

#include <math.h>
#include <stdint.h>

#include "backend/reduce_common.h"

/* r = 1/(lambda + z): the resolvent term at the Stieltjes point w = -z. */
RMTMC_HD void rsv_r(double lam, double zr, double zi, double *re, double *im) {
  rmtmc_obs_resolvent(lam, -zr, -zi, re, im);
}

/* Eigen path: sum_k wa_k wb_k r_k^power (power 1 or 2) with the weights
 * wa, wb (stride 1; NULL: 1): the traces (wa = NULL or the weights a_k,
 * wb = NULL) and the forms (columns of C). */
RMTMC_HD void rsv_eig_sum(const double *lam, const double *wa, const double *wb, int64_t d, double zr, double zi,
                          int power, double *re, double *im) {
  double sr = 0.0, si = 0.0;
  for (int64_t k = 0; k < d; ++k) {
    double rr, ri, w = 1.0;
    rsv_r(lam[k], zr, zi, &rr, &ri);
    if (power == 2) {
      double t = rr * rr - ri * ri;
      ri = 2.0 * (rr * ri);
      rr = t;
    }
    if (wa) w = wa[k];
    if (wb) w *= wb[k];
    sr += w * rr;
    si += w * ri;
  }
  *re = sr;
  *im = si;
}

/* Eigen path: Q_ii = sum_k W_ik^2 r_k. */
RMTMC_HD void rsv_eig_diag(const double *lam, const double *W, int64_t d, int64_t i, double zr, double zi, double *re,
                           double *im) {
  double sr = 0.0, si = 0.0;
  for (int64_t k = 0; k < d; ++k) {
    double rr, ri, w = W[i + k * d];
    rsv_r(lam[k], zr, zi, &rr, &ri);
    sr += (w * w) * rr;
    si += (w * w) * ri;
  }
  *re = sr;
  *im = si;
}

/* sum_i x_i y_i (stride 1). */
RMTMC_HD double rsv_dot(const double *x, const double *y, int64_t d) {
  double s = 0.0;
  for (int64_t i = 0; i < d; ++i) s += x[i] * y[i];
  return s;
}

/* Cholesky path: Q_ii = ||row i of V||^2 for V = U^-1 upper triangular
 * (entries j >= i; below the diagonal V is not read). */
RMTMC_HD double rsv_chol_diag(const double *V, int64_t d, int64_t i) {
  double s = 0.0;
  for (int64_t j = i; j < d; ++j) s += V[i + j * d] * V[i + j * d];
  return s;
}

/* Cholesky path: ||column j of T||^2 over rows [0, rows) (T = Sigma^(1/2) V is
 * upper triangular in its columns' support only for a diagonal Sigma, so the
 * dense case reads all d rows). */
RMTMC_HD double rsv_col_norm2(const double *T, int64_t d, int64_t j, int64_t rows) {
  double s = 0.0;
  for (int64_t i = 0; i < rows; ++i) s += T[i + j * d] * T[i + j * d];
  return s;
}

/* |q - qbar| for the diagonal deviation (complex modulus). */
RMTMC_HD double rsv_dev(double qr, double qi, double br, double bi) {
  return hypot(qr - br, qi - bi);
}

#endif
