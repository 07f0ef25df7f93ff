/* test_theory_deriv.c: m'(w) = dm/dw and the derivative of the O(1/d) bias
 * (rmtmc_theory_deriv.h), the theory of the spectrum study's observable
 * m_d'(z) = (1/d) tr (S - zI)^-2:
 *   - the Marchenko-Pastur closed form (docs/theory.md 1.4) against the implicit
 *     differentiation of the Silverstein equation (H = delta_1 given as two
 *     equal atoms, so the general path runs), both sides of eta = 1;
 *   - the general path against central differences of m for a two-point H
 *     (real and complex w), and at w = 0 (the Cauchy-integral route);
 *   - the bias derivative against the derivative of the closed-form MP bias
 *     mu(w) = (1/4)[1/(lam_- - w) + 1/(lam_+ - w)] + 1/(2 R(w)), and
 *     against central differences of rmtmc_theory_stieltjes_bias for a
 *     two-point H with a fourth-cumulant term;
 *   - conventions: m'(w) > 0 for real w left of the support (m increasing
 *     there), m'(conj w) = conj m'(w). */
#include <complex.h>
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "rmtmc_theory.h"
#include "rmtmc_theory_deriv.h"

static double rel(double complex a, double complex b) { return cabs(a - b) / fmax(cabs(b), 1e-300); }

static void check_rel(check_ctx *c, double complex got, double complex want, double tol, const char *what) {
  char line[256];
  double e = rel(got, want);
  snprintf(line, sizeof line, "%s: got %.12g%+.12gi want %.12g%+.12gi (rel %.2g, tol %.0e)", what, creal(got),
           cimag(got), creal(want), cimag(want), e, tol);
  check_true(c, e <= tol, line);
}

static double complex fd(const rmtmc_pop *H, double eta, double complex w, double h, int bias, double kx) {
  double complex a, b;
  if (bias) {
    rmtmc_theory_stieltjes_bias(H, eta, w + h, kx, NULL, &a, NULL);
    rmtmc_theory_stieltjes_bias(H, eta, w - h, kx, NULL, &b, NULL);
  } else {
    rmtmc_theory_stieltjes(H, eta, w + h, NULL, &a, NULL, NULL);
    rmtmc_theory_stieltjes(H, eta, w - h, NULL, &b, NULL, NULL);
  }
  return (a - b) / (2.0 * h);
}

/* d/dw of the MP bias (docs/theory.md 1.9): R(w) = sqrt(w - lo) sqrt(w - hi),
 * R' = (2w - lo - hi) / (2R), so mu' = (1/4)[(lo - w)^-2 + (hi - w)^-2] - R'/(2R^2). */
static double complex mp_bias_deriv(double eta, double complex w) {
  double lo, hi;
  rmtmc_mp_edges(eta, &lo, &hi);
  double complex R = csqrt(w - lo) * csqrt(w - hi), dR = (2.0 * w - lo - hi) / (2.0 * R);
  return 0.25 * (1.0 / ((lo - w) * (lo - w)) + 1.0 / ((hi - w) * (hi - w))) - dR / (2.0 * R * R);
}

int main(void) {
  check_ctx c = {0, 0};
  rmtmc_error err;
  double one_t[1] = {1.0}, one_w[1] = {1.0}, two_t[2] = {1.0, 1.0}, two_w[2] = {0.5, 0.5};
  rmtmc_pop mp = {1, one_t, one_w}, mp2 = {2, two_t, two_w};
  const double etas[2] = {0.5, 2.0};
  const double complex ws[4] = {-1.0, -0.2, 1.0 + 0.3 * I, 9.0};
  for (int e = 0; e < 2; ++e)
    for (int k = 0; k < 4; ++k) {
      double complex a, b;
      rmtmc_status s1 = rmtmc_theory_stieltjes_deriv(&mp, etas[e], ws[k], NULL, &a, &err);
      rmtmc_status s2 = rmtmc_theory_stieltjes_deriv(&mp2, etas[e], ws[k], NULL, &b, &err);
      char what[160];
      snprintf(what, sizeof what, "MP eta=%g w=%g%+gi: closed form = implicit differentiation", etas[e], creal(ws[k]),
               cimag(ws[k]));
      if (s1 != RMTMC_OK || s2 != RMTMC_OK) {
        check_true(&c, 0, what);
        continue;
      }
      check_rel(&c, a, b, 1e-11, what);
    }
  /* two-point H of docs/theory.md 2.12 */
  double t[2] = {1.0, 4.0}, w2[2] = {0.5, 0.5};
  rmtmc_pop H = {2, t, w2};
  const double complex hw[4] = {-1.0, -0.05, 2.0 + 0.5 * I, 12.0};
  for (int k = 0; k < 4; ++k) {
    double complex a;
    rmtmc_theory_stieltjes_deriv(&H, 0.5, hw[k], NULL, &a, &err);
    char what[160];
    snprintf(what, sizeof what, "two-point H, eta=0.5, w=%g%+gi: m' = central difference of m", creal(hw[k]),
             cimag(hw[k]));
    check_rel(&c, a, fd(&H, 0.5, hw[k], 1e-5, 0, 0.0), 1e-7, what);
  }
  double complex a0, conj_a;
  rmtmc_status st = rmtmc_theory_stieltjes_deriv(&H, 0.5, 0.0, NULL, &a0, &err);
  check_true(&c, st == RMTMC_OK, "two-point H at w = 0 (eta < 1): evaluated (Cauchy integral of m)");
  check_rel(&c, a0, fd(&H, 0.5, 0.0, 1e-5, 0, 0.0), 1e-7, "two-point H at w = 0: m'(0) = central difference");
  double complex mp0;
  rmtmc_theory_stieltjes_deriv(&mp, 0.5, 0.0, NULL, &mp0, &err);
  check_rel(&c, mp0, 1.0 / pow(0.5, 3.0), 1e-12, "MP eta=0.5: m'(0) = 1/(1 - eta)^3 (the limit of (1/d) tr S^-2)");
  rmtmc_theory_stieltjes_deriv(&H, 0.5, -1.0, NULL, &a0, &err);
  check_true(&c, creal(a0) > 0 && cimag(a0) == 0.0, "real w left of the support: m'(w) real and > 0");
  rmtmc_theory_stieltjes_deriv(&H, 0.5, 2.0 + 0.5 * I, NULL, &a0, &err);
  rmtmc_theory_stieltjes_deriv(&H, 0.5, 2.0 - 0.5 * I, NULL, &conj_a, &err);
  check_rel(&c, conj_a, conj(a0), 1e-13, "m'(conj w) = conj m'(w)");
  st = rmtmc_theory_stieltjes_deriv(&H, 0.5, 1.0, NULL, &a0, &err);
  check_true(&c, st == RMTMC_ERR_INVALID, "real w on the support is refused");
  /* the bias */
  for (int e = 0; e < 2; ++e)
    for (int k = 0; k < 4; ++k) {
      if (etas[e] > 1 && k == 1) continue; /* -0.2: near the atom's pole at 0 for eta > 1 is fine, but keep clear */
      double complex a;
      st = rmtmc_theory_stieltjes_deriv_bias(&mp, etas[e], ws[k], 0.0, NULL, &a, &err);
      char what[160];
      snprintf(what, sizeof what, "MP eta=%g w=%g%+gi: bias derivative = d/dw of theory.md 1.9's mu", etas[e],
               creal(ws[k]), cimag(ws[k]));
      if (st != RMTMC_OK) {
        printf("  (%s)\n", err.msg);
        check_true(&c, 0, what);
        continue;
      }
      check_rel(&c, a, mp_bias_deriv(etas[e], ws[k]), 1e-9, what);
    }
  for (int k = 0; k < 4; ++k) {
    double complex a;
    st = rmtmc_theory_stieltjes_deriv_bias(&H, 0.5, hw[k], -2.0, NULL, &a, &err);
    char what[160];
    snprintf(what, sizeof what, "two-point H, Rademacher (kurt -2), w=%g%+gi: bias derivative = central difference",
             creal(hw[k]), cimag(hw[k]));
    check_rel(&c, a, fd(&H, 0.5, hw[k], 1e-5, 1, -2.0), 1e-6, what);
  }
  st = rmtmc_theory_stieltjes_deriv_bias(&H, 0.5, 0.0, 0.0, NULL, &a0, &err);
  check_true(&c, st != RMTMC_OK, "bias derivative at w = 0: not evaluated (the bias is left unknown)");
  return check_finish(&c);
}
