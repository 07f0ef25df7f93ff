/* test_theory_mp.c: the Marchenko-Pastur closed forms (docs/theory.md section 1)
 * and the BBP spike formulas (section 5.2).
 *
 * Usage: test_theory_mp path/to/reference_values.json
 * Checks every mp.* and bbp.* case of the reference file that the theory
 * API covers, to the file's tolerance, plus internal identities (branch,
 * companion, quadratic, density/transform, Narayana vs quadrature, delta
 * fixed point, bias symmetry, Schwarzian by an independent limit).
 * Prints one line per check and ends with "N passed, M failed"; exit 0 iff
 * nothing failed. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc_theory.h"
#include "support/json_mini.h"
#define REF_NAME_WIDTH 52
#include "support/ref_cases.h"

/* ---------------- independent references used below ---------------- */

/* Schwarzian of mc by the theory.md 1.9 limit
 * 2[mc'(w1)mc'(w2)/(mc(w1)-mc(w2))^2 - 1/(w1-w2)^2] -> Sch[mc](w)/3 with
 * symmetric w1,2 = w -+ h/2 (even in h), two Richardson steps; mc' from
 * theory.md 1.4: m' = -(eta m^2 + m)/(2 eta w m + w + eta - 1),
 * mc' = eta m' + (1 - eta)/w^2. */
static double mp_mcprime(double eta, double w) {
  double m = creal(rmtmc_mp_stieltjes(eta, w));
  double mp = -(eta * m * m + m) / (2 * eta * w * m + w + eta - 1);
  return eta * mp + (1 - eta) / (w * w);
}

static double sch_limit(double eta, double w, double h) {
  double w1 = w - h / 2, w2 = w + h / 2;
  double d =
      creal(rmtmc_mp_companion(eta, w1)) - creal(rmtmc_mp_companion(eta, w2));
  return 2 *
         (mp_mcprime(eta, w1) * mp_mcprime(eta, w2) / (d * d) - 1 / (h * h));
}

static double sd_by_limit(double eta, double w) {
  double h = 0.16;
  double a0 = sch_limit(eta, w, h), a1 = sch_limit(eta, w, h / 2),
         a2 = sch_limit(eta, w, h / 4), a3 = sch_limit(eta, w, h / 8);
  double b0 = (4 * a1 - a0) / 3, b1 = (4 * a2 - a1) / 3, b2 = (4 * a3 - a2) / 3;
  double c0 = (16 * b1 - b0) / 15, c1 = (16 * b2 - b1) / 15;
  return sqrt((64 * c1 - c0) / 63);
}

/* int_a^b x^k f_MP(x) dx with x = a + (b-a)(1 - cos(pi s))/2, which makes
 * the square-root edges smooth in s. */
static double mp_integral(double eta, double a, double b, int k) {
  enum { NQ = 64 };
  double xs[NQ], ws[NQ], s = 0;
  int i;
  gauss_legendre01(NQ, xs, ws);
  for (i = 0; i < NQ; ++i) {
    double x = a + (b - a) * (1 - cos(M_PI * xs[i])) / 2;
    double jac = (b - a) * M_PI / 2 * sin(M_PI * xs[i]);
    s += ws[i] * jac * pow(x, k) * rmtmc_mp_density(eta, x);
  }
  return s;
}

/* ---------------- reference-file cases ---------------- */

static void run_case(tally *t, const json_value *c) {
  const char *id = json_str(json_get(c, "id"));
  const json_value *in = json_get(c, "inputs");
  const json_value *ex = json_get(c, "expected");
  double at, rt, eta = json_num(json_get(in, "eta"), NAN);
  char name[160];
  tol_of(c, &at, &rt);
  if (!id) return;
  if (starts(id, "mp.edges.")) {
    double lo, hi;
    rmtmc_mp_edges(eta, &lo, &hi);
    snprintf(name, sizeof name, "%s lo", id);
    check_close(t, name, lo, json_num(json_at(ex, 0), NAN), at, rt);
    snprintf(name, sizeof name, "%s hi", id);
    check_close(t, name, hi, json_num(json_at(ex, 1), NAN), at, rt);
  } else if (starts(id, "mp.atom.")) {
    check_close(t, id, rmtmc_mp_atom(eta), json_num(ex, NAN), at, rt);
  } else if (starts(id, "mp.density.")) {
    double x = json_num(json_get(in, "x"), NAN);
    check_close(t, id, rmtmc_mp_density(eta, x), json_num(ex, NAN), at, rt);
  } else if (starts(id, "mp.stieltjes.") || starts(id, "mp.companion.")) {
    double complex w = cnum(json_get(in, "w")), e = cnum(ex);
    double complex g = starts(id, "mp.stieltjes.") ? rmtmc_mp_stieltjes(eta, w)
                                                   : rmtmc_mp_companion(eta, w);
    snprintf(name, sizeof name, "%s re", id);
    check_close(t, name, creal(g), creal(e), at, rt);
    snprintf(name, sizeof name, "%s im", id);
    check_close(t, name, cimag(g), cimag(e), at, rt);
  } else if (starts(id, "mp.moments.")) {
    const json_value *ks = json_get(in, "k");
    double out[16];
    size_t i, n = json_len(ks);
    rmtmc_mp_moments(eta, 16, out);
    for (i = 0; i < n; ++i) {
      int k = (int)json_num(json_at(ks, i), 0);
      snprintf(name, sizeof name, "%s k=%d", id, k);
      check_close(t, name, out[k - 1], json_num(json_at(ex, i), NAN), at, rt);
    }
  } else if (starts(id, "mp.delta.")) {
    double g = json_num(json_get(in, "gamma"), NAN);
    check_close(t, id, rmtmc_mp_delta(eta, g), json_num(ex, NAN), at, rt);
  } else if (starts(id, "mp.finite_bias.")) {
    double w = json_num(json_get(in, "w"), NAN);
    double complex mu = rmtmc_mp_bias(eta, w);
    check_close(t, id, creal(mu), json_num(ex, NAN), at, rt);
    snprintf(name, sizeof name, "%s (imaginary part)", id);
    check_close(t, name, cimag(mu), 0.0, 0.0, 0.0);
  } else if (starts(id, "mp.finite_sd.")) {
    /* The exact values 4/17, 100/89, 4/17 (theory.md 1.9), checked against
     * the file and against an independent evaluation of the limit. */
    double w = json_num(json_get(in, "w"), NAN);
    double got = rmtmc_mp_sd_coef(eta, w);
    snprintf(name, sizeof name, "%s vs limit formula", id);
    check_close(t, name, got, sd_by_limit(eta, w), 0.0, 1e-8);
    check_close(t, id, got, json_num(ex, NAN), at, rt);
  } else if (starts(id, "bbp.")) {
    double ell = json_num(json_get(in, "ell"), NAN);
    double thr, l1, c2, sd;
    const json_value *sdv = json_get(ex, "asympt_sd_sqrt_n");
    rmtmc_bbp(eta, ell, &thr, &l1, &c2, &sd);
    snprintf(name, sizeof name, "%s threshold", id);
    check_close(t, name, thr, json_num(json_get(ex, "threshold"), NAN), at, rt);
    snprintf(name, sizeof name, "%s lambda1", id);
    check_close(t, name, l1, json_num(json_get(ex, "lambda1"), NAN), at, rt);
    snprintf(name, sizeof name, "%s cos2", id);
    check_close(t, name, c2, json_num(json_get(ex, "cos2"), NAN), at, rt);
    snprintf(name, sizeof name, "%s sd_sqrt_n (null = TW regime -> 0)", id);
    check_close(t, name, sd,
                sdv && sdv->type == JSON_NUMBER ? sdv->number : 0.0, at, rt);
  } else if (starts(id, "mp.")) {
    printf(
        "SKIP %-52s not a quantity of the theory API (finite-n "
        "identity)\n",
        id);
  }
}

/* ---------------- internal identities ---------------- */

static void run_identities(tally *t) {
  const double etas[] = {0.25, 0.5, 1.0, 2.0, 4.0};
  const double complex ws[] = {-3.0,
                               -1.0,
                               -0.2,
                               -1e-9,
                               12.0,
                               CMPLX(2, 0.5),
                               CMPLX(1, 1e-9),
                               CMPLX(0.05, 0.01),
                               CMPLX(-1, 2),
                               CMPLX(30, -4),
                               CMPLX(0.3, -1e-6)};
  char name[160];
  size_t i, j;
  double worst_comp = 0, worst_quad = 0, worst_conj = 0, worst_inf = 0;
  int branch_ok = 1;
  for (i = 0; i < sizeof etas / sizeof *etas; ++i) {
    double eta = etas[i], lo, hi;
    rmtmc_mp_edges(eta, &lo, &hi);
    for (j = 0; j < sizeof ws / sizeof *ws; ++j) {
      double complex w = ws[j], m, mc, r;
      if (cimag(w) == 0 && creal(w) >= lo && creal(w) <= hi) continue;
      if (eta >= 1 && cabs(w) < 1e-6) continue; /* atom / edge at 0 */
      m = rmtmc_mp_stieltjes(eta, w);
      mc = rmtmc_mp_companion(eta, w);
      r = eta * m - (1 - eta) / w;
      worst_comp = fmax(worst_comp, cabs(mc - r) / fmax(1.0, cabs(mc)));
      r = eta * w * m * m + (w + eta - 1) * m + 1; /* theory.md 1.3 */
      worst_quad = fmax(worst_quad, cabs(r) / (1 + cabs(eta * w * m * m) +
                                               cabs((w + eta - 1) * m)));
      worst_conj =
          fmax(worst_conj, cabs(rmtmc_mp_stieltjes(eta, conj(w)) - conj(m)));
      if (cimag(w) > 0 && !(cimag(m) > 0 && cimag(mc) > 0)) branch_ok = 0;
      if (cimag(w) == 0 && cimag(m) != 0) branch_ok = 0;
    }
    {
      double complex big = CMPLX(3e7, 1e7);
      worst_inf = fmax(worst_inf, cabs(rmtmc_mp_stieltjes(eta, big) * big + 1));
    }
  }
  check_close(t, "mp: mc = eta m - (1-eta)/w (grid, rel)", worst_comp, 0, 1e-13,
              0);
  check_close(t, "mp: quadratic eta w m^2 + (w+eta-1) m + 1 = 0", worst_quad, 0,
              1e-14, 0);
  check_close(t, "mp: m(conj w) = conj m(w)", worst_conj, 0, 1e-15, 0);
  check_close(t, "mp: w m(w) -> -1 at infinity", worst_inf, 0, 1e-6, 0);
  check_true(t, "mp: branch Im w > 0 => Im m, Im mc > 0; real w => real m",
             branch_ok, "grid of 5 eta x 11 w");

  /* cancellation-free near w = 0 (theory.md 7) */
  check_close(t, "mp: m(0) = 1/(1-eta), eta = 0.5",
              creal(rmtmc_mp_stieltjes(0.5, 0.0)), 2.0, 0, 1e-15);
  check_close(t, "mp: m(1e-13) ~ 1/(1-eta) + w/(1-eta)^3",
              creal(rmtmc_mp_stieltjes(0.5, 1e-13)), 2.0 + 8e-13, 0, 1e-14);
  check_close(t, "mp: w mc(w) -> -(1-eta) at 0, eta = 0.5",
              creal(1e-12 * rmtmc_mp_companion(0.5, 1e-12)), -0.5, 0, 1e-10);
  check_close(t, "mp: mc(0) = 1/(eta-1), eta = 2",
              creal(rmtmc_mp_companion(2.0, 0.0)), 1.0, 0, 1e-15);
  check_close(t, "mp: w m(w) -> -(1-1/eta) at 0, eta = 2",
              creal(1e-12 * rmtmc_mp_stieltjes(2.0, 1e-12)), -0.5, 0, 1e-10);

  /* density = Im m(x + i eps)/pi, and its integral/moments */
  for (i = 0; i < sizeof etas / sizeof *etas; ++i) {
    double eta = etas[i], lo, hi, worst = 0, mom[4];
    int k;
    rmtmc_mp_edges(eta, &lo, &hi);
    for (j = 1; j < 20; ++j) {
      double x = lo + (hi - lo) * j / 20.0;
      double f = rmtmc_mp_density(eta, x);
      double g = cimag(rmtmc_mp_stieltjes(eta, CMPLX(x, 1e-12))) / M_PI;
      worst = fmax(worst, fabs(f - g) / fmax(f, 1e-300));
    }
    snprintf(name, sizeof name, "mp: density = Im m(x+1e-12i)/pi, eta %g", eta);
    check_close(t, name, worst, 0, 1e-9, 0);
    snprintf(name, sizeof name, "mp: a.c. mass = min(1, 1/eta), eta %g", eta);
    check_close(t, name, mp_integral(eta, lo, hi, 0), fmin(1.0, 1.0 / eta),
                eta == 1.0 ? 1e-9 : 1e-13, 0);
    snprintf(name, sizeof name, "mp: atom + a.c. mass = 1, eta %g", eta);
    check_close(t, name, rmtmc_mp_atom(eta) + mp_integral(eta, lo, hi, 0), 1.0,
                eta == 1.0 ? 1e-9 : 1e-13, 0);
    rmtmc_mp_moments(eta, 4, mom);
    for (k = 1; k <= 4; ++k) {
      snprintf(name, sizeof name,
               "mp: Narayana moment k=%d vs quadrature, "
               "eta %g",
               k, eta);
      check_close(t, name, mom[k - 1], mp_integral(eta, lo, hi, k), 0, 1e-12);
    }
  }
  check_close(t, "mp: density outside the support", rmtmc_mp_density(0.5, 3.0),
              0, 0, 0);
  {
    double mom[4];
    rmtmc_mp_moments(0.3, 4, mom);
    check_close(t, "mp: moment 4 = 1+6eta+6eta^2+eta^3 (eta 0.3)", mom[3],
                1 + 6 * 0.3 + 6 * 0.09 + 0.027, 0, 1e-15);
  }

  /* delta(gamma) (theory.md 1.7) */
  {
    const double gs[] = {1e-8, 1e-3, 0.1, 1.0, 10.0, 1e6};
    double worst_fp = 0, worst_m = 0;
    for (i = 0; i < sizeof etas / sizeof *etas; ++i)
      for (j = 0; j < sizeof gs / sizeof *gs; ++j) {
        double eta = etas[i], g = gs[j], d = rmtmc_mp_delta(eta, g);
        double b = (1 - eta) + g; /* exact order: no cancellation */
        double res = g * d * d + b * d - eta;
        worst_fp = fmax(worst_fp, fabs(res) / (g * d * d + fabs(b * d) + eta));
        worst_m = fmax(worst_m,
                       fabs(d - eta * creal(rmtmc_mp_stieltjes(eta, -g))) / d);
      }
    check_close(t, "mp: delta solves gamma d^2 + (1+gamma-eta) d - eta = 0",
                worst_fp, 0, 1e-15, 0);
    check_close(t, "mp: delta(gamma) = eta m(-gamma)", worst_m, 0, 1e-12, 0);
    check_close(t, "mp: delta(gamma=0) = eta/(1-eta), eta 0.5",
                rmtmc_mp_delta(0.5, 0.0), 1.0, 0, 1e-15);
    check_close(t, "mp: delta ~ eta/gamma, gamma = 1e8",
                rmtmc_mp_delta(0.5, 1e8) * 1e8, 0.5, 0, 1e-7);
    check_close(t, "mp: delta(eta 2, gamma 1/2) = (1+sqrt 17)/2",
                rmtmc_mp_delta(2.0, 0.5), (1 + sqrt(17.0)) / 2, 0, 1e-15);
  }

  /* bias mu(w) (theory.md 1.9): contour formula g(w) from the closed-form mc,
   * conjugation, and the w -> lam_+ + lam_- - w antisymmetry for real w */
  {
    const double complex bw[] = {
        -1.0, -0.2, 4.0, CMPLX(2, 0.5), CMPLX(0.5, -0.3), 10.0};
    double worst = 0;
    for (i = 0; i < sizeof etas / sizeof *etas; ++i)
      for (j = 0; j < sizeof bw / sizeof *bw; ++j) {
        double eta = etas[i], lo, hi;
        double complex w = bw[j], mc, q, g;
        rmtmc_mp_edges(eta, &lo, &hi);
        if (cimag(w) == 0 && creal(w) >= lo && creal(w) <= hi) continue;
        if (eta == 1 && creal(w) < 0 && cimag(w) == 0) continue;
        mc = rmtmc_mp_companion(eta, w);
        q = mc / (1 + mc);
        g = eta * q * q * q / ((1 - eta * q * q) * (1 - eta * q * q));
        worst =
            fmax(worst, cabs(rmtmc_mp_bias(eta, w) - g) / fmax(1.0, cabs(g)));
      }
    check_close(t, "mp: bias closed form = Bai-Silverstein g(w)", worst, 0,
                1e-12, 0);
    check_close(t, "mp: bias(conj w) = conj bias(w)",
                cabs(rmtmc_mp_bias(0.5, CMPLX(1, -0.2)) -
                     conj(rmtmc_mp_bias(0.5, CMPLX(1, 0.2)))),
                0, 1e-16, 0);
    {
      double lo, hi;
      rmtmc_mp_edges(0.5, &lo, &hi);
      check_close(t, "mp: bias(w) = -bias(lam_- + lam_+ - w)",
                  creal(rmtmc_mp_bias(0.5, -1.0)),
                  -creal(rmtmc_mp_bias(0.5, lo + hi + 1.0)), 1e-15, 0);
    }
  }

  /* spread coefficient: exact values and the limit formula */
  check_close(t, "mp: sd coef eta 0.5, w = -1 equals 4/17",
              rmtmc_mp_sd_coef(0.5, -1.0), 4.0 / 17.0, 0, 1e-13);
  check_close(t, "mp: sd coef eta 0.5, w = -0.2 equals 100/89",
              rmtmc_mp_sd_coef(0.5, -0.2), 100.0 / 89.0, 0, 1e-13);
  check_close(t, "mp: sd coef eta 0.5, w = 4 equals 4/17",
              rmtmc_mp_sd_coef(0.5, 4.0), 4.0 / 17.0, 0, 1e-13);
  check_close(t, "mp: sd coef eta 2, w = -0.5 vs limit formula",
              rmtmc_mp_sd_coef(2.0, -0.5), sd_by_limit(2.0, -0.5), 0, 1e-8);
  check_close(t, "mp: sd coef eta 0.25, w = 3 vs limit formula",
              rmtmc_mp_sd_coef(0.25, 3.0), sd_by_limit(0.25, 3.0), 0, 1e-8);
  check_true(t, "mp: sd coef on the support is NaN",
             isnan(rmtmc_mp_sd_coef(0.5, 1.0)), "w = 1, eta = 0.5");

  /* BBP continuity at the threshold */
  {
    double thr, l1, c2, sd, l1b, c2b;
    rmtmc_bbp(0.5, 1.0, &thr, NULL, NULL, NULL);
    rmtmc_bbp(0.5, thr, NULL, &l1, &c2, &sd);
    rmtmc_bbp(0.5, thr * (1 + 1e-12), NULL, &l1b, &c2b, NULL);
    check_close(t, "bbp: lambda1 continuous at the threshold", l1b, l1, 0,
                1e-10);
    check_close(t, "bbp: cos2 -> 0 at the threshold", c2b, 0.0, 1e-10, 0);
    check_close(t, "bbp: sd_sqrt_n = 0 at/below the threshold", sd, 0, 0, 0);
  }
}

int main(int argc, char **argv) {
  static const char *const prefixes[] = {"mp.", "bbp.", NULL};
  tally t = {0, 0};
  json_value *root = ref_run_cases(&t, argc, argv, prefixes, run_case, 50,
                                   "reference file has mp.* and bbp.* cases",
                                   "(at least 50 expected)");
  if (!root) {
    printf("%d passed, %d failed\n", t.pass, t.fail);
    return 1;
  }
  run_identities(&t);
  json_free(root);
  printf("%d passed, %d failed\n", t.pass, t.fail);
  return t.fail ? 1 : 0;
}
