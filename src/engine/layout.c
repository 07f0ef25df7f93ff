/* layout.c: the per-trial observable layout of the spectrum methods
 * (rmtmc_layout.h), built in this one place. */
#include "rmtmc_layout.h"

#include <math.h>
#include <string.h>

rmtmc_status rmtmc_layout_build(rmtmc_layout *L, const rmtmc_layout_request *r, rmtmc_error *err) {
  memset(L, 0, sizeof *L);
  if (r->nz < 0 || (r->nz > 0 && (!r->z_re || !r->z_im)))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "observable layout: %lld z points without a z grid",
                           (long long)r->nz);
  if (r->kmax < 0 || r->kmax > RMTMC_LAYOUT_MAX_MOMENTS)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "observable layout: moments 1..%d (got kmax %d)",
                           RMTMC_LAYOUT_MAX_MOMENTS, r->kmax);
  if (r->nbins < 0 || (r->nbins > 0 && !(r->hist_lo < r->hist_hi && isfinite(r->hist_lo) && isfinite(r->hist_hi))))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "observable layout: histogram of %lld bins on [%g, %g)",
                           (long long)r->nbins, r->hist_lo, r->hist_hi);
  if (r->zobs >> RMTMC_ZOBS_COUNT)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "observable layout: unknown per-z observable");
  L->nz = r->nz;
  L->z_re = r->z_re;
  L->z_im = r->z_im;
  L->zobs = r->nz > 0 ? r->zobs : 0u;
  L->kmax = r->kmax;
  L->nbins = r->nbins;
  L->hist_lo = r->hist_lo;
  L->hist_hi = r->hist_hi;
  int64_t off = 0;
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) {
    L->zobs_off[k] = -1;
    if (L->zobs & RMTMC_ZOBS_BIT(k)) {
      L->zobs_off[k] = off;
      off += 2 * r->nz;
    }
  }
  L->lam_min = off++;
  L->lam_max = off++;
  L->moment = off;
  off += r->kmax;
  L->nobs = off;
  L->nhist = r->nbins > 0 ? r->nbins + 3 : 0;
  return RMTMC_OK;
}

rmtmc_status rmtmc_edge_layout_build(rmtmc_edge_layout *L, const rmtmc_edge_request *r, int64_t d, int64_t n,
                                     rmtmc_error *err) {
  memset(L, 0, sizeof *L);
  int64_t m = d < n ? d : n;
  if (d < 1 || n < 1 || r->ktop < 1 || r->kbot < 1 || r->ktop > m || r->kbot > m || r->ndir < 0 || r->ndir > d)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "edge layout: need 1 <= ktop, kbot <= min(d, n) = %lld and 0 <= ndir <= d = %lld (got ktop %lld, kbot %lld, ndir %lld)",
                           (long long)m, (long long)d, (long long)r->ktop, (long long)r->kbot, (long long)r->ndir);
  L->ktop = r->ktop;
  L->kbot = r->kbot;
  L->ndir = r->ndir;
  int64_t off = 0;
  L->top = off;
  off += r->ktop;
  L->bot = off;
  off += r->kbot;
  L->top_ovl = L->bot_ovl = -1;
  if (r->ndir > 0) {
    L->top_ovl = off;
    off += r->ktop * r->ndir;
    L->bot_ovl = off;
    off += r->kbot * r->ndir;
  }
  L->nobs = off;
  return RMTMC_OK;
}
