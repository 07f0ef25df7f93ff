/* reduce_common.h: the per-trial reduction rules shared by every backend
 * (plain C, also compiled by nvcc).  See rmtmc_backend.h for the layout. */
#ifndef RMTMC_REDUCE_COMMON_H
#define RMTMC_REDUCE_COMMON_H

#include <stdint.h>

#include "rmtmc_rng.h" /* RMTMC_HD */

/* Number of structural zero eigenvalues of S = X X^T / n (rank <= n). */
RMTMC_HD int64_t rmtmc_structural_zeros(int64_t d, int64_t n) {
  return d > n ? d - n : 0;
}

/* Histogram slot of eigenvalue x: 0..nbins-1, nbins = below, nbins+1 = above. */
RMTMC_HD int64_t rmtmc_hist_slot(double x, int64_t nbins, double lo, double hi) {
  if (x < lo) return nbins;
  if (!(x < hi)) return nbins + 1;
  int64_t b = (int64_t)((x - lo) / (hi - lo) * (double)nbins);
  return b < 0 ? 0 : (b >= nbins ? nbins - 1 : b);
}

#endif
