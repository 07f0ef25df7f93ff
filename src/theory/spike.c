/* spike.c: the BBP phase transition of a rank-one spiked covariance
 * Sigma = I + (ell - 1) v v^T (docs/theory.md section 5.2; Baik-Ben Arous-Peche
 * 2005, Baik-Silverstein 2006, Paul 2007). */
#include <math.h>

#include "rmtmc_theory.h"

/* Above the threshold ell_c = 1 + sqrt(eta), with theta = ell - 1:
 *   lambda1 = ell (1 + eta/theta)  (= 1 + theta + eta + eta/theta),
 *   cos2    = (1 - eta/theta^2) / (1 + eta/theta),
 *   sqrt(n) sd(lambda1) -> sqrt(2 ell^2 (1 - eta/theta^2))  (real Gaussian).
 * At or below it: the bulk edge (1 + sqrt eta)^2, cos2 = 0, sd_sqrt_n = 0
 * (Tracy-Widom fluctuations of order n^-2/3).  eta <= 0, ell < 0 or a
 * non-finite argument gives NaN in every output. */
void rmtmc_bbp(double eta, double ell, double *threshold, double *lambda1,
               double *cos2, double *sd_sqrt_n) {
  double s, thr, th;
  if (!(isfinite(eta) && eta > 0 && isfinite(ell) && ell >= 0)) {
    if (threshold) *threshold = NAN;
    if (lambda1) *lambda1 = NAN;
    if (cos2) *cos2 = NAN;
    if (sd_sqrt_n) *sd_sqrt_n = NAN;
    return;
  }
  s = sqrt(eta);
  thr = 1.0 + s;
  if (threshold) *threshold = thr;
  if (ell <= thr) {
    if (lambda1) *lambda1 = (1.0 + s) * (1.0 + s);
    if (cos2) *cos2 = 0.0;
    if (sd_sqrt_n) *sd_sqrt_n = 0.0;
    return;
  }
  th = ell - 1.0;
  if (lambda1) *lambda1 = ell * (1.0 + eta / th);
  if (cos2) *cos2 = (1.0 - eta / (th * th)) / (1.0 + eta / th);
  if (sd_sqrt_n) *sd_sqrt_n = sqrt(2.0 * ell * ell * (1.0 - eta / (th * th)));
}
