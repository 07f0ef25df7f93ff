/* ref_layout.h: a spectrum layout (rmtmc_layout.h) of m(z) on a z grid,
 * moments k <= kmax and a histogram, for the tests and benches that call
 * the fast methods' reducers directly. */
#ifndef RMTMC_TEST_REF_LAYOUT_H
#define RMTMC_TEST_REF_LAYOUT_H

#include <stdio.h>
#include <stdlib.h>

#include "rmtmc_layout.h"

static inline rmtmc_layout ref_layout(int64_t nz, const double *z_re, const double *z_im, int kmax,
                                      int64_t nbins, double hist_lo, double hist_hi) {
  rmtmc_layout_request q = {.nz = nz, .z_re = z_re, .z_im = z_im,
                            .zobs = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES), .kmax = kmax,
                            .nbins = nbins, .hist_lo = hist_lo, .hist_hi = hist_hi};
  rmtmc_layout L;
  rmtmc_error err;
  if (rmtmc_layout_build(&L, &q, &err) != RMTMC_OK) {
    fprintf(stderr, "ref_layout: %s\n", err.msg);
    abort();
  }
  return L;
}

#endif
