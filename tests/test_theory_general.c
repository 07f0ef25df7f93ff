/* test_theory_general.c: the general population covariance theory
 * (docs/theory.md section 2): Silverstein solver, edges, density, bin masses,
 * moments, delta(z) and the 1/d bias.
 *
 * Usage: test_theory_general path/to/reference_values.json
 * Checks every genA.* case of the reference file, the reduction to the MP
 * closed forms (H = delta_1 and delta_2 given as two equal atoms, which
 * forces the general solver), an independent polynomial root for discrete
 * H, the two-interval model t = (1, 10), eta = 0.1, atoms at 0, eta > 1,
 * error reporting, and a K = 1000 atom spectrum (timed, not asserted).
 * Prints one line per check and ends with "N passed, M failed"; exit 0 iff
 * nothing failed. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rmtmc_theory.h"
#include "support/json_mini.h"
#include "support/ref_cases.h"

static double now_s(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---------------- independent references ---------------- */

/* int_a^b x^k f(x) dx with x = a + (b-a)(1 - cos(pi s))/2 (square-root
 * endpoints become smooth), f = MP density (H = NULL, scale t) or
 * rmtmc_theory_density.  nq <= 256. */
static double integrate(const rmtmc_pop *H, double eta, double t_mp, double a,
                        double b, int k, int nq) {
  double xs[256], ws[256], s = 0;
  int i;
  rmtmc_error e;
  if (!(b > a)) return 0;
  gauss_legendre01(nq, xs, ws);
  for (i = 0; i < nq; ++i) {
    double x = a + (b - a) * (1 - cos(M_PI * xs[i])) / 2, f = 0;
    double jac = (b - a) * M_PI / 2 * sin(M_PI * xs[i]);
    if (H)
      rmtmc_theory_density(H, eta, x, NULL, &f, &e);
    else
      f = rmtmc_mp_density(eta, x / t_mp) / t_mp;
    s += ws[i] * jac * pow(x, k) * f;
  }
  return s;
}

/* Root of the discrete Silverstein polynomial (theory.md 2.2 cross-check)
 * with Im mc > 0, by Durand-Kerner on
 * (w mc + 1) prod_j (1 + t_j mc) - eta mc sum_j w_j t_j prod_{l!=j}(1+t_l mc).
 * K <= 8. Returns the number of roots in the upper half plane. */
static int poly_mc(const double *tt, const double *ww, int K, double eta,
                   double complex w, double complex *mc) {
  double complex c[10] = {0}, p[10], q[10], z[10];
  int deg = K + 1, i, j, l, it, nup = 0;
  /* c = (w mc + 1) prod (1 + t mc) */
  memset(p, 0, sizeof p);
  p[0] = 1;
  p[1] = w;
  for (j = 0; j < K; ++j) {
    for (i = deg; i >= 1; --i) p[i] = p[i] + tt[j] * p[i - 1];
  }
  for (i = 0; i <= deg; ++i) c[i] = p[i];
  for (j = 0; j < K; ++j) {
    memset(q, 0, sizeof q);
    q[1] = -eta * ww[j] * tt[j]; /* -eta w_j t_j mc */
    for (l = 0; l < K; ++l) {
      if (l == j) continue;
      for (i = deg; i >= 1; --i) q[i] = q[i] + tt[l] * q[i - 1];
    }
    for (i = 0; i <= deg; ++i) c[i] += q[i];
  }
  /* monic, highest degree first: c[i] multiplies mc^i */
  for (i = 0; i < deg; ++i) z[i] = cpow(CMPLX(0.4, 0.9), i);
  for (it = 0; it < 2000; ++it) {
    double move = 0;
    for (i = 0; i < deg; ++i) {
      double complex num = 0, den = 1;
      for (l = deg; l >= 0; --l) num = num * z[i] + c[l] / c[deg];
      for (l = 0; l < deg; ++l)
        if (l != i) den *= z[i] - z[l];
      z[i] -= num / den;
      move = fmax(move, cabs(num / den) / fmax(1.0, cabs(z[i])));
    }
    if (move < 1e-16) break;
  }
  for (i = 0; i < deg; ++i)
    if (cimag(z[i]) > 0) {
      *mc = z[i];
      ++nup;
    }
  return nup;
}

/* ---------------- reference-file cases (genA.*) ---------------- */

static void run_case(tally *t, const json_value *c) {
  const char *id = json_str(json_get(c, "id"));
  const json_value *in = json_get(c, "inputs");
  const json_value *ex = json_get(c, "expected");
  double at, rt;
  double eta = json_num(json_get(in, "eta"), NAN);
  const json_value *tj = json_get(in, "t"), *wj = json_get(in, "weights");
  double tt[16], ww[16];
  rmtmc_pop H;
  rmtmc_error e;
  rmtmc_status st;
  char name[200];
  size_t j, K = json_len(tj);
  tol_of(c, &at, &rt);
  if (!id || K == 0 || K > 16 || json_len(wj) != K) {
    check_true(t, id ? id : "(case without id)", 0, "malformed inputs");
    return;
  }
  for (j = 0; j < K; ++j) {
    tt[j] = json_num(json_at(tj, j), NAN);
    ww[j] = json_num(json_at(wj, j), NAN);
  }
  H.k = (int64_t)K;
  H.t = tt;
  H.w = ww;
  if (starts(id, "genA.edges")) {
    double ed[8];
    int64_t n = 0;
    st = rmtmc_theory_edges(&H, eta, 4, ed, &n, &e);
    snprintf(name, sizeof name, "%s status", id);
    check_status(t, name, st, RMTMC_OK, &e);
    snprintf(name, sizeof name, "%s number of intervals", id);
    check_close(t, name, (double)n, (double)json_len(ex) / 2, 0, 0);
    for (j = 0; j < json_len(ex) && (int64_t)j < 2 * n; ++j) {
      snprintf(name, sizeof name, "%s [%zu]", id, j);
      check_close(t, name, ed[j], json_num(json_at(ex, j), NAN), at, rt);
    }
  } else if (starts(id, "genA.m.") || starts(id, "genA.mc.")) {
    double complex w = cnum(json_get(in, "w")), m = NAN, mc = NAN, g,
                   want = cnum(ex);
    st = rmtmc_theory_stieltjes(&H, eta, w, NULL, &m, &mc, &e);
    snprintf(name, sizeof name, "%s status", id);
    check_status(t, name, st, RMTMC_OK, &e);
    g = starts(id, "genA.m.") ? m : mc;
    snprintf(name, sizeof name, "%s re", id);
    check_close(t, name, creal(g), creal(want), at, rt);
    snprintf(name, sizeof name, "%s im", id);
    check_close(t, name, cimag(g), cimag(want), at, rt);
  } else if (starts(id, "genA.density.")) {
    double x = json_num(json_get(in, "x"), NAN), f = NAN;
    st = rmtmc_theory_density(&H, eta, x, NULL, &f, &e);
    check_status(t, id, st, RMTMC_OK, &e);
    check_close(t, id, f, json_num(ex, NAN), at, rt);
  } else if (starts(id, "genA.delta.z")) {
    double z = atof(id + strlen("genA.delta.z")), d = NAN;
    st = rmtmc_theory_delta(&H, eta, z, NULL, &d, &e);
    check_status(t, id, st, RMTMC_OK, &e);
    check_close(t, id, d, json_num(ex, NAN), at, rt);
  } else if (starts(id, "genA.moments")) {
    double mo[3];
    rmtmc_theory_moments(&H, eta, mo);
    for (j = 0; j < 3; ++j) {
      snprintf(name, sizeof name, "%s k=%zu", id, j + 1);
      check_close(t, name, mo[j], json_num(json_at(ex, j), NAN), at, rt);
    }
  } else {
    printf("SKIP %-58s not a quantity of the theory API\n", id);
  }
}

/* ---------------- reduction to Marchenko-Pastur ---------------- */

static void run_mp_reduction(tally *t) {
  /* delta_1 and delta_2 written as two equal atoms: the general solver */
  double t1[2] = {1, 1}, w1[2] = {0.3, 0.7}, t2[2] = {2, 2}, w2[2] = {0.5, 0.5};
  double ts[1] = {2}, wsg[1] = {1};
  rmtmc_pop Hs[3] = {{2, t1, w1}, {2, t2, w2}, {1, ts, wsg}};
  const double scale[3] = {1, 2, 2};
  const char *label[3] = {"delta_1 (2 atoms)", "delta_2 (2 atoms)",
                          "delta_2 (1 atom, closed form)"};
  const double etas[2] = {0.5, 2.0};
  const double complex wsc[] = {
      CMPLX(2, 0.5), CMPLX(1, 1e-9),  CMPLX(0.05, 0.01), CMPLX(-1, 2),
      CMPLX(30, -4), CMPLX(3, 1e-12), CMPLX(0.3, 1e-7)};
  const double wsr[] = {-1.0, -0.2, -1e-7, 1e-3, 0.04, 0.1, 12.0, 40.0};
  char name[200];
  int h, ie;
  size_t j;
  for (h = 0; h < 3; ++h)
    for (ie = 0; ie < 2; ++ie) {
      const rmtmc_pop *H = &Hs[h];
      double eta = etas[ie], s = scale[h], lo, hi, worst = 0, worstb = 0;
      double worst_r = 0, worst_rb = 0, ed[4], worstd = 0;
      int64_t n = 0;
      rmtmc_error e;
      rmtmc_status st;
      int nreal = 0, bad = 0;
      rmtmc_mp_edges(eta, &lo, &hi);
      for (j = 0; j < sizeof wsc / sizeof *wsc; ++j) {
        double complex w = wsc[j], m, mc, mu, m0, mc0, mu0;
        st = rmtmc_theory_stieltjes(H, eta, w, NULL, &m, &mc, &e);
        if (st != RMTMC_OK) {
          bad = 1;
          printf("     %s eta %g w %g%+gi: %s\n", label[h], eta, creal(w),
                 cimag(w), e.msg);
          continue;
        }
        m0 = rmtmc_mp_stieltjes(eta, w / s) / s;
        mc0 = rmtmc_mp_companion(eta, w / s) / s;
        worst = fmax(worst, cabs(m - m0) / fmax(1.0, cabs(m0)));
        worst = fmax(worst, cabs(mc - mc0) / fmax(1.0, cabs(mc0)));
        st = rmtmc_theory_stieltjes_bias(H, eta, w, 0.0, NULL, &mu, &e);
        mu0 = rmtmc_mp_bias(eta, w / s) / s;
        if (st != RMTMC_OK) bad = 1;
        worstb = fmax(worstb, cabs(mu - mu0) / fmax(1.0, cabs(mu0)));
      }
      for (j = 0; j < sizeof wsr / sizeof *wsr; ++j) {
        double w = wsr[j];
        double complex m, mc, mu, m0, mc0, mu0;
        if (w >= s * lo && w <= s * hi) continue;
        ++nreal;
        st = rmtmc_theory_stieltjes(H, eta, w, NULL, &m, &mc, &e);
        if (st != RMTMC_OK) {
          bad = 1;
          printf("     %s eta %g w %g: %s\n", label[h], eta, w, e.msg);
          continue;
        }
        m0 = rmtmc_mp_stieltjes(eta, w / s) / s;
        mc0 = rmtmc_mp_companion(eta, w / s) / s;
        worst_r = fmax(worst_r, cabs(m - m0) / fmax(1.0, cabs(m0)));
        worst_r = fmax(worst_r, cabs(mc - mc0) / fmax(1.0, cabs(mc0)));
        if (cimag(m) != 0 || cimag(mc) != 0) bad = 1;
        st = rmtmc_theory_stieltjes_bias(H, eta, w, 0.0, NULL, &mu, &e);
        mu0 = rmtmc_mp_bias(eta, w / s) / s;
        if (st != RMTMC_OK) bad = 1;
        worst_rb = fmax(worst_rb, cabs(mu - mu0) / fmax(1.0, cabs(mu0)));
      }
      snprintf(name, sizeof name, "MP reduction %s eta %g: all solves ok",
               label[h], eta);
      check_true(t, name, !bad, "");
      snprintf(name, sizeof name, "MP reduction %s eta %g: m, mc complex w",
               label[h], eta);
      check_close(t, name, worst, 0, 1e-10, 0);
      snprintf(name, sizeof name, "MP reduction %s eta %g: m, mc real w (%d)",
               label[h], eta, nreal);
      check_close(t, name, worst_r, 0, 1e-10, 0);
      snprintf(name, sizeof name, "MP reduction %s eta %g: bias complex w",
               label[h], eta);
      check_close(t, name, worstb, 0, 1e-10, 0);
      snprintf(name, sizeof name, "MP reduction %s eta %g: bias real w",
               label[h], eta);
      check_close(t, name, worst_rb, 0, 1e-10, 0);
      st = rmtmc_theory_edges(H, eta, 2, ed, &n, &e);
      snprintf(name, sizeof name, "MP reduction %s eta %g: edges lo", label[h],
               eta);
      check_close(t, name, st == RMTMC_OK && n == 1 ? ed[0] : NAN, s * lo,
                  1e-12, 0);
      snprintf(name, sizeof name, "MP reduction %s eta %g: edges hi", label[h],
               eta);
      check_close(t, name, st == RMTMC_OK && n == 1 ? ed[1] : NAN, s * hi,
                  1e-12, 0);
      for (j = 0; j < 9; ++j) {
        double x = s * (lo + (hi - lo) * (j == 0   ? 1e-7
                                          : j == 8 ? 1 - 1e-7
                                                   : j / 8.0));
        double f = NAN, f0 = rmtmc_mp_density(eta, x / s) / s;
        rmtmc_theory_density(H, eta, x, NULL, &f, &e);
        worstd = fmax(worstd, fabs(f - f0) / f0);
      }
      /* 1e-7 from an edge the attainable relative accuracy is ~eps/1e-7 */
      snprintf(name, sizeof name, "MP reduction %s eta %g: density (rel)",
               label[h], eta);
      check_close(t, name, worstd, 0, 1e-8, 0);
    }
  {
    /* eta = 1: the lower edge is 0 */
    double ed[2];
    int64_t n = 0;
    rmtmc_error e;
    rmtmc_theory_edges(&Hs[0], 1.0, 1, ed, &n, &e);
    check_close(t, "MP reduction delta_1 eta 1: lower edge 0", ed[0], 0.0,
                1e-12, 0);
    check_close(t, "MP reduction delta_1 eta 1: upper edge 4", ed[1], 4.0,
                1e-12, 0);
  }
  {
    /* theory.md 1.9 reference values through the general function */
    const double wr[3] = {-1.0, -0.2, 4.0};
    const double want[3] = {0.051582022022490515, 0.42505723977210097,
                            -0.051582022022490515};
    double one_t[1] = {1}, one_w[1] = {1};
    rmtmc_pop H1 = {1, one_t, one_w};
    int i;
    for (i = 0; i < 3; ++i) {
      double complex mu = NAN;
      rmtmc_error e;
      rmtmc_theory_stieltjes_bias(&Hs[0], 0.5, wr[i], 0.0, NULL, &mu, &e);
      snprintf(name, sizeof name, "general bias delta_1 (2 atoms), w = %g",
               wr[i]);
      check_close(t, name, creal(mu), want[i], 1e-10, 0);
      rmtmc_theory_stieltjes_bias(&H1, 0.5, wr[i], 0.0, NULL, &mu, &e);
      snprintf(name, sizeof name, "general bias delta_1 (1 atom), w = %g",
               wr[i]);
      check_close(t, name, creal(mu), want[i], 1e-10, 0);
    }
  }
  {
    /* fourth-cumulant term: mu(kappa) - mu(0) = kappa N/D with the MP mc */
    const double complex wk[3] = {-1.0, 4.0, CMPLX(1.0, 0.3)};
    double worst = 0;
    int i;
    for (i = 0; i < 3; ++i) {
      double complex mu0, mu1, mc = rmtmc_mp_companion(0.5, wk[i]);
      double complex q = mc / (1 + mc), nd;
      rmtmc_error e;
      nd = 0.5 * q * q * q / (1 - 0.5 * q * q);
      rmtmc_theory_stieltjes_bias(&Hs[0], 0.5, wk[i], 0.0, NULL, &mu0, &e);
      rmtmc_theory_stieltjes_bias(&Hs[0], 0.5, wk[i], -2.0, NULL, &mu1, &e);
      worst = fmax(worst, cabs((mu1 - mu0) - (-2.0) * nd));
    }
    check_close(t, "bias: Pan-Zhou kurtosis term = kappa N/D (MP)", worst, 0,
                1e-12, 0);
  }
}

/* ---------------- general H ---------------- */

static void run_general(tally *t) {
  double tA[2] = {1, 4}, wA[2] = {0.5, 0.5};
  double tB[2] = {1, 10}, wB[2] = {0.5, 0.5};
  double tZ[2] = {0, 1}, wZ[2] = {0.5, 0.5};
  rmtmc_pop A = {2, tA, wA}, B = {2, tB, wB}, Z = {2, tZ, wZ};
  rmtmc_error e;
  rmtmc_status st;
  char name[200];
  size_t j;

  /* Silverstein residual, Im mc > 0, polynomial cross-check */
  {
    const double complex ws[] = {CMPLX(3, 0.1),    CMPLX(0.5, 0.01),
                                 CMPLX(12, 1e-3),  CMPLX(-1, 0.5),
                                 CMPLX(0.2, 1e-8), CMPLX(9.2, 1e-6)};
    double worst_res = 0, worst_poly = 0;
    int up_ok = 1, one_root = 1;
    for (j = 0; j < sizeof ws / sizeof *ws; ++j) {
      double complex m, mc, r, pm = NAN;
      st = rmtmc_theory_stieltjes(&A, 0.5, ws[j], NULL, &m, &mc, &e);
      if (st != RMTMC_OK) up_ok = 0;
      r = ws[j] + 1.0 / mc -
          0.5 * (0.5 * 1 / (1 + mc) + 0.5 * 4 / (1 + 4 * mc));
      worst_res = fmax(worst_res, cabs(r) / cabs(ws[j]));
      if (!(cimag(mc) > 0 && cimag(m) > 0)) up_ok = 0;
      if (poly_mc(tA, wA, 2, 0.5, ws[j], &pm) != 1) one_root = 0;
      worst_poly = fmax(worst_poly, cabs(pm - mc) / cabs(mc));
    }
    check_close(t, "genA: Silverstein residual |w + 1/mc - eta sum ...|/|w|",
                worst_res, 0, 1e-13, 0);
    check_true(t, "genA: Im m > 0 and Im mc > 0 for Im w > 0", up_ok,
               "6 points down to Im w = 1e-8");
    check_true(t, "genA: polynomial has exactly one root in C+", one_root,
               "theory.md 2.2 cross-check");
    check_close(t, "genA: mc = polynomial root in C+ (rel)", worst_poly, 0,
                1e-10, 0);
  }

  /* real w: off the support, continuity with w + i0, on the support */
  {
    const double wr[] = {-1.0, -0.01, 0.05, 9.5, 20.0};
    double worst = 0;
    for (j = 0; j < sizeof wr / sizeof *wr; ++j) {
      double complex m, mc, m2, mc2;
      rmtmc_theory_stieltjes(&A, 0.5, wr[j], NULL, &m, &mc, &e);
      rmtmc_theory_stieltjes(&A, 0.5, CMPLX(wr[j], 1e-10), NULL, &m2, &mc2, &e);
      /* m(w + i eps) = m(w) + i eps m'(w) + O(eps^2): real parts agree */
      worst = fmax(worst, fabs(creal(m - m2)) / fabs(creal(m)) +
                              fabs(creal(mc - mc2)) / fabs(creal(mc)));
      if (cimag(m) != 0 || cimag(mc) != 0) worst = INFINITY;
    }
    check_close(t, "genA: real w off the support = Re m(w + 1e-10 i) (rel)",
                worst, 0, 1e-12, 0);
    st = rmtmc_theory_stieltjes(&A, 0.5, 1.5, NULL, NULL, NULL, &e);
    check_status(t, "genA: real w = 1.5 on the support rejected", st,
                 RMTMC_ERR_INVALID, &e);
    check_true(t, "genA: message names the support",
               st == RMTMC_ERR_INVALID && strstr(e.msg, "support") != NULL,
               e.msg);
    st = rmtmc_theory_stieltjes_bias(&A, 0.5, 2.0, 0.0, NULL,
                                     &(double complex){0}, &e);
    check_status(t, "genA: bias at real w on the support rejected", st,
                 RMTMC_ERR_INVALID, &e);
    {
      double complex m = NAN;
      st = rmtmc_theory_stieltjes(&A, 0.5, 0.0, NULL, &m, NULL, &e);
      check_status(t, "genA: m(0) without mc", st, RMTMC_OK, &e);
      check_close(t, "genA: m(0) = h_{-1}/(1 - eta) = 1.25", creal(m), 1.25, 0,
                  1e-14);
      {
        double complex mc = 0;
        st = rmtmc_theory_stieltjes(&A, 0.5, 0.0, NULL, &m, &mc, &e);
        check_status(t, "genA: m(0) and mc(0) together", st, RMTMC_OK, &e);
        check_true(t, "genA: mc(0) is the pole of the companion atom (+inf)",
                   isinf(creal(mc)) && cimag(mc) == 0 && creal(m) == 1.25,
                   "m(0) = 1.25 finite, mc(0) = +inf");
        /* eta = 2: m has the pole of the atom 1 - 1/eta; mc(0) = -1/u with
         * 1 + 2 B(u) = 0, i.e. u^2 = 4, u = -2: mc(0) = 1/2 */
        st = rmtmc_theory_stieltjes(&A, 2.0, 0.0, NULL, &m, &mc, &e);
        check_status(t, "genA eta 2: z = 0 (atom of the limit law)", st,
                     RMTMC_OK, &e);
        check_true(t, "genA eta 2: m(0) is the pole of the atom (+inf)",
                   isinf(creal(m)) && cimag(m) == 0, "");
        check_close(t, "genA eta 2: mc(0) = 1/2", creal(mc), 0.5, 0, 1e-14);
        st = rmtmc_theory_stieltjes_bias(&A, 2.0, 0.0, 0.0, NULL,
                                         &(double complex){0}, &e);
        check_status(t, "genA eta 2: the bias at the pole z = 0 is refused",
                     st, RMTMC_ERR_INVALID, &e);
      }
    }
  }

  /* bin masses: total, independent quadrature, warm vs cold start */
  {
    double be[41], ms[40], one[1], tot = 0, worst = 0, worst_ws = 0, ed[2];
    int64_t n = 0;
    rmtmc_theory_edges(&A, 0.5, 1, ed, &n, &e);
    for (j = 0; j <= 40; ++j) be[j] = 10.0 * j / 40.0;
    st = rmtmc_theory_bin_masses(&A, 0.5, 40, be, NULL, ms, &e);
    check_status(t, "genA: bin masses status", st, RMTMC_OK, &e);
    for (j = 0; j < 40; ++j) {
      double q = integrate(&A, 0.5, 1, fmax(be[j], ed[0]),
                           fmin(be[j + 1], ed[1]), 0, 32);
      tot += ms[j];
      worst = fmax(worst, fabs(ms[j] - q));
      rmtmc_theory_bin_masses(&A, 0.5, 1, be + j, NULL, one, &e);
      worst_ws = fmax(worst_ws, fabs(one[0] - ms[j]));
    }
    check_close(t, "genA: sum of bin masses = 1", tot, 1.0, 1e-12, 0);
    check_close(t, "genA: bin masses vs quadrature of the density", worst, 0,
                1e-9, 0);
    check_close(t, "genA: bin masses one call vs one bin per call", worst_ws, 0,
                1e-12, 0);
    {
      double m1 = 0, m2 = 0, a, b;
      int p;
      for (p = 0; p < 40; ++p) { /* composite over 40 panels */
        a = ed[0] + (ed[1] - ed[0]) * p / 40.0;
        b = ed[0] + (ed[1] - ed[0]) * (p + 1) / 40.0;
        m1 += integrate(&A, 0.5, 1, a, b, 1, 24);
        m2 += integrate(&A, 0.5, 1, a, b, 2, 24);
      }
      check_close(t, "genA: first moment by quadrature of the density", m1, 2.5,
                  0, 1e-9);
      check_close(t, "genA: second moment by quadrature of the density", m2,
                  11.625, 0, 1e-9);
    }
  }
  {
    double be[61], ms[60], worst = 0, tot = 0, lo, hi;
    double t1[2] = {1, 1}, w1[2] = {0.5, 0.5};
    rmtmc_pop H1 = {2, t1, w1};
    const double etas[2] = {0.5, 2.0};
    int ie;
    for (ie = 0; ie < 2; ++ie) {
      double eta = etas[ie];
      rmtmc_mp_edges(eta, &lo, &hi);
      for (j = 0; j <= 60; ++j) be[j] = -0.1 + 6.2 * j / 60.0;
      st = rmtmc_theory_bin_masses(&H1, eta, 60, be, NULL, ms, &e);
      worst = 0;
      tot = 0;
      for (j = 0; j < 60; ++j) {
        double q = integrate(NULL, eta, 1, fmax(be[j], lo), fmin(be[j + 1], hi),
                             0, 48);
        worst = fmax(worst, fabs(ms[j] - q));
        tot += ms[j];
      }
      snprintf(name, sizeof name,
               "MP (general solver) eta %g: bin masses vs closed form", eta);
      check_close(t, name, st == RMTMC_OK ? worst : NAN, 0, 1e-10, 0);
      snprintf(name, sizeof name,
               "MP (general solver) eta %g: total = min(1, 1/eta)", eta);
      check_close(t, name, tot, fmin(1.0, 1.0 / eta), 1e-12, 0);
    }
  }

  /* two-interval model t = (1, 10), eta = 0.1 (theory.md 2.12) */
  {
    double ed[4], be[3] = {0, 4, 20}, ms[2], mg[1];
    const double want[4] = {0.56090, 1.42726, 6.08526, 15.02659};
    int64_t n = 0;
    st = rmtmc_theory_edges(&B, 0.1, 2, ed, &n, &e);
    check_status(t, "two-point (1,10) eta 0.1: edges", st, RMTMC_OK, &e);
    check_close(t, "two-point (1,10) eta 0.1: two intervals", (double)n, 2, 0,
                0);
    for (j = 0; j < 4; ++j) {
      snprintf(name, sizeof name, "two-point (1,10) eta 0.1: edge %zu", j);
      check_close(t, name, ed[j], want[j], 5.1e-6, 0);
    }
    st = rmtmc_theory_bin_masses(&B, 0.1, 2, be, NULL, ms, &e);
    check_close(t, "two-point (1,10) eta 0.1: mass of the first interval",
                ms[0], 0.5, 1e-10, 0);
    check_close(t, "two-point (1,10) eta 0.1: mass of the second interval",
                ms[1], 0.5, 1e-10, 0);
    {
      double gb[2] = {ed[1], ed[2]};
      rmtmc_theory_bin_masses(&B, 0.1, 1, gb, NULL, mg, &e);
      check_close(t, "two-point (1,10) eta 0.1: no mass in the gap", mg[0], 0,
                  1e-12, 0);
    }
    {
      double complex m, m2;
      st = rmtmc_theory_stieltjes(&B, 0.1, 3.0, NULL, &m, NULL, &e);
      rmtmc_theory_stieltjes(&B, 0.1, CMPLX(3.0, 1e-10), NULL, &m2, NULL, &e);
      check_status(t, "two-point: real w = 3 in the gap accepted", st, RMTMC_OK,
                   &e);
      check_close(t, "two-point: m(3) = m(3 + 1e-10 i)", cabs(m - m2), 0, 1e-8,
                  0);
      st = rmtmc_theory_stieltjes(&B, 0.1, 10.0, NULL, &m, NULL, &e);
      check_status(t, "two-point: real w = 10 on the 2nd interval rejected", st,
                   RMTMC_ERR_INVALID, &e);
    }
    {
      double f = -1;
      rmtmc_theory_density(&B, 0.1, 3.0, NULL, &f, &e);
      check_close(t, "two-point: density in the gap", f, 0, 1e-12, 0);
    }
    st = rmtmc_theory_edges(&B, 0.1, 1, ed, &n, &e);
    check_status(t, "two-point: cap = 1 for 2 intervals", st, RMTMC_ERR_INVALID,
                 &e);
    check_close(t, "two-point: cap = 1 reports nint = 2", (double)n, 2, 0, 0);
  }

  /* moments */
  {
    double mo[3], nar[3], t1[2] = {1, 1}, w1[2] = {0.25, 0.75};
    rmtmc_pop H1 = {2, t1, w1};
    rmtmc_theory_moments(&A, 0.5, mo);
    check_close(t, "moments two-point (1,4) eta 0.5 k=1", mo[0], 2.5, 0, 1e-15);
    check_close(t, "moments two-point (1,4) eta 0.5 k=2", mo[1], 11.625, 0,
                1e-15);
    check_close(t, "moments two-point (1,4) eta 0.5 k=3", mo[2], 68.28125, 0,
                1e-15);
    rmtmc_theory_moments(&H1, 0.7, mo);
    rmtmc_mp_moments(0.7, 3, nar);
    check_close(t, "moments delta_1 = Narayana k=3", mo[2], nar[2], 0, 1e-15);
  }

  /* delta(z): theory.md 0 identity 1 + delta = 1/(z mc(-z)), one-atom scaling */
  {
    const double zs[3] = {1.0, 0.1, 1e-3};
    const double etas[2] = {0.5, 2.0};
    double worst = 0, d, ts2[1] = {2}, wsg[1] = {1};
    rmtmc_pop T2 = {1, ts2, wsg};
    int i, k;
    for (i = 0; i < 3; ++i)
      for (k = 0; k < 2; ++k) {
        double complex mc;
        rmtmc_theory_delta(&A, etas[k], zs[i], NULL, &d, &e);
        rmtmc_theory_stieltjes(&A, etas[k], -zs[i], NULL, NULL, &mc, &e);
        worst = fmax(worst, fabs((1 + d) * zs[i] * creal(mc) - 1));
      }
    check_close(t, "delta: 1 + delta(z) = 1/(z mc(-z)) (genA, 6 cases)", worst,
                0, 1e-12, 0);
    rmtmc_theory_delta(&T2, 0.5, 0.3, NULL, &d, &e);
    check_close(t, "delta: Sigma = 2I equals mp_delta(eta, z/2)", d,
                rmtmc_mp_delta(0.5, 0.15), 0, 1e-13);
    st = rmtmc_theory_delta(&A, 0.5, 0.0, NULL, &d, &e);
    check_status(t, "delta: z = 0 rejected", st, RMTMC_ERR_INVALID, &e);
  }

  /* atom at 0: H = delta_0/2 + delta_1/2 is MP with eta (1 - h0) */
  {
    const double etas[2] = {0.5, 2.0};
    int k;
    for (k = 0; k < 2; ++k) {
      double eta = etas[k], ee = eta * 0.5, lo, hi, ed[2], tot = 0;
      double be[2] = {-1, 20}, ms[1], worst = 0;
      const double complex ws[4] = {CMPLX(1, 0.2), CMPLX(0.01, 0.01), -1.0,
                                    30.0};
      int64_t n = 0;
      rmtmc_mp_edges(ee, &lo, &hi);
      check_close(t, "atom at 0: rmtmc_theory_atom = max(h0, 1 - 1/eta)",
                  rmtmc_theory_atom(&Z, eta), fmax(0.5, 1 - 1 / eta), 0, 0);
      rmtmc_theory_edges(&Z, eta, 1, ed, &n, &e);
      snprintf(name, sizeof name, "atom at 0, eta %g: edges = MP(eta/2) lo",
               eta);
      check_close(t, name, ed[0], lo, 1e-12, 0);
      snprintf(name, sizeof name, "atom at 0, eta %g: edges = MP(eta/2) hi",
               eta);
      check_close(t, name, ed[1], hi, 1e-12, 0);
      for (j = 0; j < 4; ++j) {
        double complex m,
            m0 = -0.5 / ws[j] + 0.5 * rmtmc_mp_stieltjes(ee, ws[j]);
        st = rmtmc_theory_stieltjes(&Z, eta, ws[j], NULL, &m, NULL, &e);
        worst =
            fmax(worst, st == RMTMC_OK ? cabs(m - m0) / cabs(m0) : INFINITY);
      }
      snprintf(name, sizeof name,
               "atom at 0, eta %g: m = -h0/w + (1-h0) m_MP(eta/2)", eta);
      check_close(t, name, worst, 0, 1e-10, 0);
      rmtmc_theory_bin_masses(&Z, eta, 1, be, NULL, ms, &e);
      tot = ms[0];
      snprintf(name, sizeof name, "atom at 0, eta %g: a.c. mass = 1/2", eta);
      check_close(t, name, tot, 0.5, 1e-12, 0);
    }
    {
      /* eta (1 - h0) = 1: lower edge at 0 */
      double ed[2];
      int64_t n = 0;
      double t3[2] = {0, 1}, w3[2] = {0.5, 0.5};
      rmtmc_pop Z3 = {2, t3, w3};
      rmtmc_theory_edges(&Z3, 2.0, 1, ed, &n, &e);
      check_close(t, "atom at 0, eta (1-h0) = 1: lower edge 0", ed[0], 0, 1e-12,
                  0);
      check_close(t, "atom at 0, eta (1-h0) = 1: upper edge 4", ed[1], 4, 1e-12,
                  0);
    }
  }

  /* eta > 1 with genA: a.c. mass 1/eta */
  {
    double be[2] = {0, 100}, ms[1];
    st = rmtmc_theory_bin_masses(&A, 2.0, 1, be, NULL, ms, &e);
    check_close(t, "genA eta 2: a.c. mass = 1/eta", ms[0], 0.5, 1e-12, 0);
    check_close(t, "genA eta 2: atom = 1 - 1/eta", rmtmc_theory_atom(&A, 2.0),
                0.5, 0, 0);
  }

  /* input validation */
  {
    double tb[2] = {1, 4}, wb[2] = {0.5, 0.6}, tn[2] = {-1, 4}, ed[2];
    rmtmc_pop Bad = {2, tb, wb}, Neg = {2, tn, wA};
    int64_t n;
    double be[3] = {0, 2, 1}, ms[2];
    st = rmtmc_theory_edges(&Bad, 0.5, 1, ed, &n, &e);
    check_status(t, "invalid: weights summing to 1.1", st, RMTMC_ERR_INVALID,
                 &e);
    st = rmtmc_theory_edges(&Neg, 0.5, 1, ed, &n, &e);
    check_status(t, "invalid: negative atom", st, RMTMC_ERR_INVALID, &e);
    st = rmtmc_theory_edges(&A, -0.5, 1, ed, &n, &e);
    check_status(t, "invalid: eta < 0", st, RMTMC_ERR_INVALID, &e);
    st = rmtmc_theory_bin_masses(&A, 0.5, 2, be, NULL, ms, &e);
    check_status(t, "invalid: decreasing bin edges", st, RMTMC_ERR_INVALID, &e);
  }
}

/* ---------------- K = 1000 atoms (AR(1)-like spectrum) ---------------- */

static void run_large(tally *t, int K, int nbins, int check_quad) {
  double *tt = (double *)malloc((size_t)K * sizeof *tt);
  double *ww = (double *)malloc((size_t)K * sizeof *ww);
  double *be = (double *)malloc((size_t)(nbins + 1) * sizeof *be);
  double *ms = (double *)malloc((size_t)nbins * sizeof *ms);
  double rho = 0.5, ed[8], t0, t1, t2, tot = 0, worst = 0;
  int64_t n = 0;
  rmtmc_pop H;
  rmtmc_error e;
  rmtmc_status st;
  char name[200];
  int j;
  if (!tt || !ww || !be || !ms) {
    check_true(t, "large K: allocation", 0, "out of memory");
    goto out;
  }
  /* eigenvalues of the AR(1) Toeplitz covariance (rho^|i-j|) on the
   * symbol: (1 - rho^2)/(1 - 2 rho cos theta + rho^2), theta_j = pi j/(K+1) */
  for (j = 0; j < K; ++j) {
    double th = M_PI * (j + 1) / (K + 1);
    tt[j] = (1 - rho * rho) / (1 - 2 * rho * cos(th) + rho * rho);
    ww[j] = 1.0 / K;
  }
  H.k = K;
  H.t = tt;
  H.w = ww;
  t0 = now_s();
  st = rmtmc_theory_edges(&H, 0.5, 4, ed, &n, &e);
  t1 = now_s();
  snprintf(name, sizeof name, "K = %d atoms: edges (eta 0.5)", K);
  check_status(t, name, st, RMTMC_OK, &e);
  if (st != RMTMC_OK) goto out;
  for (j = 0; j <= nbins; ++j)
    be[j] = ed[0] - 0.05 + (ed[2 * n - 1] - ed[0] + 0.1) * j / nbins;
  st = rmtmc_theory_bin_masses(&H, 0.5, nbins, be, NULL, ms, &e);
  t2 = now_s();
  snprintf(name, sizeof name, "K = %d atoms: %d bin masses", K, nbins);
  check_status(t, name, st, RMTMC_OK, &e);
  printf(
      "TIME K = %d atoms, eta 0.5: %lld interval(s) [%.6f, %.6f]; edges "
      "%.1f ms, %d bin masses %.1f ms (not asserted)\n",
      K, (long long)n, ed[0], ed[2 * n - 1], 1e3 * (t1 - t0), nbins,
      1e3 * (t2 - t1));
  for (j = 0; j < nbins; ++j) tot += ms[j];
  snprintf(name, sizeof name, "K = %d atoms: total mass 1", K);
  check_close(t, name, tot, 1.0, 1e-9, 0);
  if (check_quad) {
    int idx[5] = {0, 1, nbins / 3, nbins / 2, nbins - 2};
    for (j = 0; j < 5; ++j) {
      int b = idx[j];
      double q = integrate(&H, 0.5, 1, fmax(be[b], ed[0]),
                           fmin(be[b + 1], ed[2 * n - 1]), 0, 24);
      worst = fmax(worst, fabs(q - ms[b]));
    }
    snprintf(name, sizeof name, "K = %d atoms: 5 bins vs density quadrature",
             K);
    check_close(t, name, worst, 0, 1e-9, 0);
    {
      const double complex ws[3] = {CMPLX(1, 1e-6), CMPLX(0.3, 0.01),
                                    CMPLX(-2, 1)};
      double res = 0;
      int ok = 1, i, l;
      for (i = 0; i < 3; ++i) {
        double complex m, mc, s = 0;
        st = rmtmc_theory_stieltjes(&H, 0.5, ws[i], NULL, &m, &mc, &e);
        if (st != RMTMC_OK || !(cimag(mc) > 0)) ok = 0;
        for (l = 0; l < K; ++l) s += ww[l] * tt[l] / (1 + tt[l] * mc);
        res = fmax(res, cabs(ws[i] + 1.0 / mc - 0.5 * s) / cabs(ws[i]));
      }
      snprintf(name, sizeof name, "K = %d atoms: Silverstein residual", K);
      check_close(t, name, ok ? res : NAN, 0, 1e-12, 0);
    }
  }
out:
  free(tt);
  free(ww);
  free(be);
  free(ms);
}

int main(int argc, char **argv) {
  static const char *const prefixes[] = {"genA.", NULL};
  tally t = {0, 0};
  json_value *root =
      ref_run_cases(&t, argc, argv, prefixes, run_case, 10,
                    "reference file has genA.* cases", "(at least 10 expected)");
  if (!root) {
    printf("%d passed, %d failed\n", t.pass, t.fail);
    return 1;
  }
  json_free(root);
  run_mp_reduction(&t);
  run_general(&t);
  run_large(&t, 1000, 100, 1);
  run_large(&t, 10000, 400, 0);
  printf("%d passed, %d failed\n", t.pass, t.fail);
  return t.fail ? 1 : 0;
}
