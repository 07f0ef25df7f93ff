/* rmtmc_layout.h: the per-trial observables of the spectrum methods, laid
 * out once.  A study asks for what it wants (rmtmc_layout_request: a z grid
 * and the per-z observables, the number of moments, the pooled histogram);
 * rmtmc_layout_build turns the request into named offsets, and every
 * backend (the CPU reducer and the CUDA kernels alike) writes a trial's row
 * of nobs doubles at those offsets, with the per-eigenvalue arithmetic of
 * src/backend/obs_common.h.  Nothing else in the engine spells an offset.
 *
 * Row of one trial (doubles):
 *   zobs[k] + 2 j, zobs[k] + 2 j + 1   Re, Im of per-z observable k at z_j
 *                                       (k in rmtmc_zobs; -1 when not asked)
 *   lam_min, lam_max                    smallest non-trivial and largest
 *                                       eigenvalue (the max(0, d - n)
 *                                       structural zeros are skipped)
 *   moment + k - 1                      (1/d) tr S^k, k = 1..kmax
 * Histogram counts are summed over a batch instead: nhist = nbins + 3 int64
 * values [bins..., below, above, zeros] where `zeros` counts the structural
 * zero eigenvalues (set to exactly 0 and not binned); nhist = 0 without a
 * histogram.
 *
 * Plain C without complex.h: the CUDA kernels include it too. */
#ifndef RMTMC_LAYOUT_H
#define RMTMC_LAYOUT_H

#include <stdint.h>

#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Per-z observables (one complex value per z, two doubles). */
typedef enum rmtmc_zobs {
  RMTMC_ZOBS_STIELTJES = 0,       /* m_d(z)  = (1/d) tr (S - zI)^-1 */
  RMTMC_ZOBS_STIELTJES_DERIV = 1, /* m_d'(z) = (1/d) tr (S - zI)^-2 */
  RMTMC_ZOBS_COUNT
} rmtmc_zobs;

#define RMTMC_ZOBS_BIT(k) (1u << (k))
#define RMTMC_LAYOUT_MAX_MOMENTS 8

typedef struct rmtmc_layout_request {
  int64_t nz;            /* z points */
  const double *z_re;    /* z_j = z_re[j] + i z_im[j] */
  const double *z_im;
  unsigned zobs;         /* which per-z observables: RMTMC_ZOBS_BIT(k) | ... */
  int kmax;              /* moments k = 1..kmax (0..RMTMC_LAYOUT_MAX_MOMENTS) */
  int64_t nbins;         /* pooled histogram: nbins bins of [hist_lo, hist_hi) (0: none) */
  double hist_lo, hist_hi;
} rmtmc_layout_request;

typedef struct rmtmc_layout {
  int64_t nz;
  const double *z_re, *z_im; /* borrowed from the request */
  unsigned zobs;
  int kmax;
  int64_t nbins;
  double hist_lo, hist_hi;
  /* offsets (doubles) in a trial's row */
  int64_t zobs_off[RMTMC_ZOBS_COUNT]; /* -1: not in the row */
  int64_t lam_min, lam_max, moment;
  int64_t nobs;  /* doubles per trial */
  int64_t nhist; /* histogram slots (nbins + 3, or 0) */
} rmtmc_layout;

/* Offsets in the order per-z observables (in rmtmc_zobs order), lam_min,
 * lam_max, moments.  RMTMC_ERR_INVALID for a bad request (negative sizes, a
 * z grid missing, kmax out of range, an empty histogram range). */
rmtmc_status rmtmc_layout_build(rmtmc_layout *L, const rmtmc_layout_request *req,
                                rmtmc_error *err);

/* ---- the edge method (RMTMC_METHOD_EDGE): extreme eigenpairs only ----
 * A trial's row holds the ktop largest eigenvalues (descending: top + 0 is
 * lambda_max), the kbot smallest non-trivial ones (ascending from the first
 * eigenvalue after the max(0, d - n) structural zeros: bot + 0 is
 * lambda_min), and, with ndir > 0, the squared overlaps of their unit
 * eigenvectors u with the first ndir coordinate vectors e_i (the spike
 * directions of `--sigma spike:`):
 *   top + j                    j < ktop: lambda_(d - j) (1-based ascending index d - j)
 *   bot + j                    j < kbot: lambda_(z0 + 1 + j)
 *   top_ovl + j ndir + i       |<u_(d - j), e_i>|^2,     i < ndir
 *   bot_ovl + j ndir + i       |<u_(z0 + 1 + j), e_i>|^2
 * (top_ovl, bot_ovl are -1 when ndir = 0: no eigenvectors are computed). */
typedef struct rmtmc_edge_request {
  int64_t ktop; /* >= 1 */
  int64_t kbot; /* >= 1 */
  int64_t ndir; /* >= 0, <= d */
} rmtmc_edge_request;

typedef struct rmtmc_edge_layout {
  int64_t ktop, kbot, ndir;
  int64_t top, bot, top_ovl, bot_ovl; /* offsets (doubles) */
  int64_t nobs;                       /* doubles per trial */
} rmtmc_edge_layout;

/* RMTMC_ERR_INVALID unless 1 <= ktop, kbot <= min(d, n) and 0 <= ndir <= d. */
rmtmc_status rmtmc_edge_layout_build(rmtmc_edge_layout *L, const rmtmc_edge_request *req,
                                     int64_t d, int64_t n, rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
