/* bartlett_common.h: the Bartlett method's draw rule, shared by the CPU
 * sampler (src/backend/cpu/cpu_bartlett.c) and the CUDA kernel
 * (kernels/tridiag.cu): plain C, RMTMC_HD.
 *
 * The model (docs/theory.md 7.1, Bartlett).  For real Gaussian G (d x n), G G^T has the law
 * of L L^T with L d x m (m = min(d, n)) lower triangular (trapezoidal when
 * d > n), independent entries
 *     L_jj ~ chi_{n - j}        j = 0..m-1 (0-based)
 *     L_ij ~ N(0, 1)            i > j
 *     L_ij = 0                  i < j,
 * so S = Sigma^(1/2) G G^T Sigma^(1/2) / n has the law of
 * Sigma^(1/2) L L^T Sigma^(1/2) / n for any Sigma (any square root).
 *
 * Stream layout of the Bartlett method (trial t of seed s), L column-major
 * with leading dimension d, entry index e = i + j d:
 *   below the diagonal  the dense method's normal of entry e: Box-Muller of
 *                       block e/2, x for even e, y for odd e
 *                       (rmtmc_draw_gaussian);
 *   diagonal j          the Gamma variate (rmtmc_rng.h, 16 blocks) at block
 *                       ceil(d m / 2) + 16 j, L_jj = sqrt(2 Gamma((n-j)/2)).
 * The blocks of the normals of the upper triangle are never read.  This is
 * not the dense method's draw (it reads d n normals): the two agree in
 * distribution, not draw for draw. */
#ifndef RMTMC_BARTLETT_COMMON_H
#define RMTMC_BARTLETT_COMMON_H

#include <stdint.h>

#include "rmtmc_rng.h"

/* First block of diagonal j's Gamma variate. */
RMTMC_HD uint64_t rmtmc_bartlett_diag_block(int64_t d, int64_t n, int64_t j) {
  uint64_t m = (uint64_t)(d < n ? d : n);
  return ((uint64_t)d * m + 1) / 2 + (uint64_t)RMTMC_GAMMA_BLOCKS * (uint64_t)j;
}

/* L_jj ~ chi_{n - j}. */
RMTMC_HD double rmtmc_bartlett_diag(uint64_t seed, uint64_t trial, int64_t j,
                                    int64_t d, int64_t n) {
  return sqrt(2.0 * rmtmc_gamma_at(seed, trial,
                                   rmtmc_bartlett_diag_block(d, n, j),
                                   0.5 * (double)(n - j)));
}

/* Entry (i, j) of L (i < d, j < min(d, n)). */
RMTMC_HD double rmtmc_bartlett_entry(uint64_t seed, uint64_t trial, int64_t i,
                                     int64_t j, int64_t d, int64_t n) {
  if (i < j) return 0.0;
  if (i == j) return rmtmc_bartlett_diag(seed, trial, j, d, n);
  return rmtmc_draw_gaussian(seed, trial, (uint64_t)(i + j * d));
}

#endif
