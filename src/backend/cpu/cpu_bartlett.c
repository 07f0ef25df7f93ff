/* cpu_bartlett.c: the Bartlett method on the CPU, one trial per call: L from
 * the trial's stream (rules in src/backend/bartlett_common.h, shared with
 * kernels/tridiag.cu) and an m x m matrix with the non-trivial eigenvalues of
 * S = Sigma^(1/2) L L^T Sigma^(1/2) / n from triangular products (OpenBLAS
 * single-threaded as the backend sets it). */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "backend/bartlett_common.h"
#include "backend/cpu/cpu_fast.h"

void cpu_bartlett_sample(uint64_t seed, uint64_t trial, int64_t d, int64_t n,
                         double *L) {
  const int64_t m = d < n ? d : n;
  for (int64_t j = 0; j < m; ++j) {
    double *col = L + j * d;
    memset(col, 0, (size_t)j * sizeof *col);
    col[j] = rmtmc_bartlett_diag(seed, trial, j, d, n);
    /* the normals below, one Box-Muller block per pair of entries */
    for (int64_t i = j + 1; i < d;) {
      uint64_t e = (uint64_t)(i + j * d);
      double x, y;
      rmtmc_box_muller(rmtmc_stream_block(seed, trial, e >> 1), &x, &y);
      if (e & 1) {
        col[i++] = y;
      } else {
        col[i++] = x;
        if (i < d) col[i++] = y;
      }
    }
  }
}

rmtmc_status cpu_bartlett_gram(double *W, double *L, int64_t d, int64_t n,
                               const double *sqrt_diag,
                               const double *sqrt_full, double *work,
                               rmtmc_error *err) {
  const int64_t m = d < n ? d : n;
  const double rn = 1.0 / sqrt((double)n);
  if (sqrt_full) {
    /* Y = Sigma^(1/2) L: the first m columns of Sigma^(1/2) times the top
     * triangle, plus the last d - m columns times the rows below it */
    memcpy(work, sqrt_full, (size_t)(d * m) * sizeof *work);
    cblas_dtrmm(CblasColMajor, CblasRight, CblasLower, CblasNoTrans,
                CblasNonUnit, (int)d, (int)m, 1.0, L, (int)d, work, (int)d);
    if (d > m)
      cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)m,
                  (int)(d - m), 1.0, sqrt_full + m * d, (int)d, L + m, (int)d,
                  1.0, work, (int)d);
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (int)m, (int)d,
                1.0 / (double)n, work, (int)d, 0.0, W, (int)m);
    return RMTMC_OK;
  }
  /* Y = diag(sqrt_diag) L / sqrt(n), W = Y^T Y */
  for (int64_t j = 0; j < m; ++j)
    for (int64_t i = j; i < d; ++i)
      L[i + j * d] *= sqrt_diag ? sqrt_diag[i] * rn : rn;
  for (int64_t j = 0; j < m; ++j)
    memcpy(W + j * m + j, L + j * d + j, (size_t)(m - j) * sizeof *W);
  lapack_int info = LAPACKE_dlauum(LAPACK_COL_MAJOR, 'L', (lapack_int)m, W,
                                   (lapack_int)m);
  if (info != 0)
    return rmtmc_error_set(err, RMTMC_ERR_BACKEND,
                           "LAPACK dlauum rejected argument %d", (int)-info);
  if (d > m)
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (int)m, (int)(d - m),
                1.0, L + m, (int)d, 1.0, W, (int)m);
  return RMTMC_OK;
}
