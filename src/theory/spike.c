/* spike.c: the BBP phase transition of a spiked covariance
 * Sigma = I + sum_i (ell_i - 1) v_i v_i^T (docs/theory.md section 5.2;
 * Baik-Ben Arous-Peche 2005, Baik-Silverstein 2006, Paul 2007, Bai-Yao
 * 2008): rmtmc_bbp (one spike above the bulk, rmtmc_theory.h) and
 * rmtmc_spikes (several spikes, both sides, real or complex data,
 * rmtmc_edge_theory.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc_edge_theory.h"
#include "rmtmc_theory.h"

/* One spike ell >= 0 at ratio eta > 0, data type beta (1 real, 2 complex).
 * With theta = ell - 1, an outlier exists above the bulk iff
 * ell > 1 + sqrt(eta), below it iff eta < 1 and ell < 1 - sqrt(eta); then
 *   location rho = ell (1 + eta/theta)  (= 1 + theta + eta + eta/theta),
 *   overlap      (1 - eta/theta^2) / (1 + eta/theta),
 *   sqrt(n) sd   sqrt((2/beta) ell^2 (1 - eta/theta^2)).
 * Otherwise the eigenvalue sticks to the bulk edge on its side, overlap 0
 * and sd 0 (Tracy-Widom fluctuations of order n^-2/3). */
static void spike_limit(double eta, double ell, int beta, rmtmc_spike *o) {
  double s = sqrt(eta), th = ell - 1;
  memset(o, 0, sizeof *o);
  o->ell = ell;
  if (ell >= 1) {
    o->threshold = 1 + s;
    o->location = (1 + s) * (1 + s);
    if (ell > o->threshold) o->side = 1;
  } else {
    o->threshold = 1 - s;
    o->location = (1 - s) * (1 - s);
    if (eta < 1 && ell < o->threshold) o->side = -1;
  }
  if (o->side) {
    double g = 1 - eta / (th * th);
    o->location = ell * (1 + eta / th);
    o->overlap = g / (1 + eta / th);
    o->sd_sqrt_n = sqrt(2.0 / beta * ell * ell * g);
  }
}

void rmtmc_bbp(double eta, double ell, double *threshold, double *lambda1,
               double *cos2, double *sd_sqrt_n) {
  rmtmc_spike o;
  if (!(isfinite(eta) && eta > 0 && isfinite(ell) && ell >= 0)) {
    if (threshold) *threshold = NAN;
    if (lambda1) *lambda1 = NAN;
    if (cos2) *cos2 = NAN;
    if (sd_sqrt_n) *sd_sqrt_n = NAN;
    return;
  }
  /* rmtmc_bbp speaks of the top eigenvalue only: a spike below 1 leaves
   * it at the upper bulk edge */
  spike_limit(eta, ell >= 1 ? ell : 1, 1, &o);
  if (threshold) *threshold = 1 + sqrt(eta);
  if (lambda1) *lambda1 = o.location;
  if (cos2) *cos2 = o.overlap;
  if (sd_sqrt_n) *sd_sqrt_n = o.sd_sqrt_n;
}

rmtmc_status rmtmc_spikes(int64_t d, int64_t n, int beta, int64_t k,
                          const double *ell, rmtmc_spike *out,
                          rmtmc_error *err) {
  double eta;
  int64_t i, j;
  if (d < 1 || n < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "spikes: d = %lld and n = %lld must be >= 1",
                           (long long)d, (long long)n);
  if (beta != 1 && beta != 2)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "spikes: beta must be 1 (real) or 2 (complex) data (got %d)", beta);
  if (k < 0 || k > d || (k > 0 && (!ell || !out)))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "spikes: need 0 <= k <= d = %lld spikes with non-NULL arrays (got k = %lld)",
                           (long long)d, (long long)k);
  for (i = 0; i < k; ++i)
    if (!(isfinite(ell[i]) && ell[i] >= 0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "spikes: ell[%lld] = %g must be finite and >= 0 (a population eigenvalue)",
                             (long long)i, ell[i]);
  eta = (double)d / (double)n;
  for (i = 0; i < k; ++i) spike_limit(eta, ell[i], beta, &out[i]);
  for (i = 0; i < k; ++i) {
    double sd_scale = 1 / sqrt((double)n);
    out[i].sd = out[i].sd_sqrt_n * sd_scale;
    if (!out[i].side) continue;
    /* rank among the outliers on the same side: the location is increasing
     * in ell on both sides, so count the more extreme ones (ties in input
     * order) */
    out[i].rank = 1;
    for (j = 0; j < k; ++j) {
      if (j == i || out[j].side != out[i].side) continue;
      if (out[i].side > 0 ? (ell[j] > ell[i] || (ell[j] == ell[i] && j < i))
                          : (ell[j] < ell[i] || (ell[j] == ell[i] && j < i)))
        ++out[i].rank;
    }
  }
  return RMTMC_OK;
}
