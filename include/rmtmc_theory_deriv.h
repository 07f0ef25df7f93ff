/* rmtmc_theory_deriv.h: the derivative of the Stieltjes transform of the
 * limit law, m'(w) = dm/dw = lim (1/d) tr (S - wI)^-2, and the O(1/d) bias
 * of its finite-d counterpart (the spectrum study's observable
 * RMTMC_ZOBS_STIELTJES_DERIV).  Conventions of rmtmc_theory.h. */
#ifndef RMTMC_THEORY_DERIV_H
#define RMTMC_THEORY_DERIV_H

#include <complex.h>

#include "rmtmc_status.h"
#include "rmtmc_theory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Marchenko-Pastur (Sigma = I), theory.md 1.4:
 * m'(w) = -(eta m^2 + m) / (2 eta w m + w + eta - 1), m = rmtmc_mp_stieltjes;
 * NaN where the denominator vanishes (the support edges) or eta <= 0. */
double complex rmtmc_mp_stieltjes_deriv(double eta, double complex w);

/* m'(w) for a general population H (w off the support, real or complex):
 * one atom t: the closed form above at w / t, divided by t^2; otherwise
 * implicit differentiation of the Silverstein equation
 *   w = -1/mc + eta sum_j w_j t_j / (1 + t_j mc):
 *   mc' = 1 / (1/mc^2 - eta sum_j w_j t_j^2 / (1 + t_j mc)^2),
 *   m'  = -m/w + (mc'/w) sum_j w_j t_j / (1 + t_j mc)^2,
 * and at w = 0 (where mc has its pole) the Cauchy integral of m over a
 * circle inside the distance to the support.  Errors as
 * rmtmc_theory_stieltjes (a real w on the support is RMTMC_ERR_INVALID). */
rmtmc_status rmtmc_theory_stieltjes_deriv(const rmtmc_pop *H, double eta,
                                          double complex w,
                                          const rmtmc_theory_opts *opts,
                                          double complex *dm,
                                          rmtmc_error *err);

/* The bias coefficient of m_d'(w): E m_d'(w) = m'(w) + dmu(w)/d + o(1/d),
 * dmu = d/dw of the coefficient mu of rmtmc_theory_stieltjes_bias (the
 * Bai-Silverstein mean is linear in the test function and
 * d/dw 1/(x - w) = 1/(x - w)^2), computed as the Cauchy integral of mu over
 * a circle of radius a quarter of the distance from w to the support and
 * to 0 (32 nodes: the rule converges like 4^-32).  Same validity as that
 * function (kurt_excess: diagonal Sigma).  w = 0, or a w whose circle
 * cannot be drawn, is RMTMC_ERR_UNSUPPORTED: the bias is then unknown. */
rmtmc_status rmtmc_theory_stieltjes_deriv_bias(const rmtmc_pop *H, double eta,
                                               double complex w,
                                               double kurt_excess,
                                               const rmtmc_theory_opts *opts,
                                               double complex *dmu,
                                               rmtmc_error *err);

/* The same for any Sigma: the Cauchy integral of the bias coefficient of
 * rmtmc_theory_stieltjes_bias_sigma with the entry mixing mx of a dense
 * Sigma (theory.md 6.3), so the fourth-cumulant term of m_d'(w) is exact
 * for any Sigma; H is Sigma's spectrum (it places the circle).  mx NULL
 * (or diagonal): rmtmc_theory_stieltjes_deriv_bias. */
rmtmc_status rmtmc_theory_stieltjes_deriv_bias_mixing(const rmtmc_pop *H,
                                                      const rmtmc_entry_mixing *mx,
                                                      double eta, double complex w,
                                                      double kurt_excess,
                                                      const rmtmc_theory_opts *opts,
                                                      double complex *dmu,
                                                      rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
