/* test_theory_limit.c: supports with any number of intervals, the limit
 * spectrum at the finite-d population, z = 0, the edge margin and the
 * error messages of the theory module (docs/theory.md 2.4-2.10, 6.5).
 *
 * Usage: test_theory_limit
 * Independent references: a golden-section / bisection scan of x'(u) for
 * the support (no Brent, no pruning bound), the degree-2K polynomial of
 * theory.md 2.4 for small K, Gauss-Legendre quadrature of the density for
 * masses and moments, closed forms (Marchenko-Pastur, BBP) and a 60-digit
 * mpmath solve for the spiked population.  Prints one line per check and
 * ends with "N passed, M failed"; exit 0 iff nothing failed. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc_model.h"
#include "rmtmc_theory.h"
#include "rmtmc_theory_limit.h"
#include "support/ref_cases.h"

/* ---------------- independent support: scan of x'(u) ---------------- */

typedef struct ipop {
  int k;
  const double *t, *w; /* distinct positive atoms, increasing */
  double eta;
} ipop;

static double i_psi(const ipop *p, double u) {
  double s = 0;
  for (int j = 0; j < p->k; ++j) {
    double r = p->t[j] / (p->t[j] - u);
    s += p->w[j] * r * r;
  }
  return s;
}

static double i_x(const ipop *p, double u) {
  double b = 0;
  for (int j = 0; j < p->k; ++j) b += p->w[j] * p->t[j] / (u - p->t[j]);
  return u * (1 + p->eta * b);
}

/* root of psi(u) = 1/eta in (a, b) by bisection (psi - 1/eta changes sign) */
static double i_bisect(const ipop *p, double a, double b) {
  double fa = i_psi(p, a) - 1 / p->eta;
  for (int it = 0; it < 200 && b - a > 4 * DBL_EPSILON * fabs(a); ++it) {
    double c = 0.5 * (a + b), fc = i_psi(p, c) - 1 / p->eta;
    if ((fc > 0) == (fa > 0)) {
      a = c;
      fa = fc;
    } else {
      b = c;
    }
  }
  return 0.5 * (a + b);
}

/* Support edges of a population without an atom at 0: the lower edge from
 * (-inf or 0, t_1), the upper from (t_k, inf), and in each (t_i, t_{i+1})
 * the minimum of the convex psi by golden section, a gap iff it is below
 * 1/eta.  Returns the number of intervals; edges[2i], edges[2i+1] and their
 * critical points us[2i], us[2i+1]. */
static int i_support(const ipop *p, double *edges, double *us, int cap) {
  int n = 0;
  double a, b;
  /* lower edge: psi increases from 0 on (-inf, t_1) */
  a = p->eta < 1 ? 0 : -1e6 * p->t[p->k - 1];
  b = p->t[0] * (1 - 1e-15);
  us[n] = i_bisect(p, a, b);
  edges[n] = i_x(p, us[n]);
  ++n;
  for (int i = 0; i + 1 < p->k; ++i) {
    double l = p->t[i], r = p->t[i + 1], g = 0.5 * (sqrt(5.0) - 1);
    double x1 = r - g * (r - l), x2 = l + g * (r - l);
    double f1 = i_psi(p, x1), f2 = i_psi(p, x2);
    for (int it = 0; it < 200 && x2 - x1 > 1e-15 * r; ++it) {
      if (f1 < f2) {
        r = x2;
        x2 = x1;
        f2 = f1;
        x1 = r - g * (r - l);
        f1 = i_psi(p, x1);
      } else {
        l = x1;
        x1 = x2;
        f1 = f2;
        x2 = l + g * (r - l);
        f2 = i_psi(p, x2);
      }
    }
    {
      double um = 0.5 * (x1 + x2);
      if (i_psi(p, um) < 1 / p->eta && n + 2 < cap) {
        us[n] = i_bisect(p, p->t[i] * (1 + 1e-15), um);
        edges[n] = i_x(p, us[n]);
        ++n;
        us[n] = i_bisect(p, um, p->t[i + 1] * (1 - 1e-15));
        edges[n] = i_x(p, us[n]);
        ++n;
      }
    }
  }
  a = p->t[p->k - 1] * (1 + 1e-15);
  b = 1e6 * p->t[p->k - 1];
  us[n] = i_bisect(p, a, b);
  edges[n] = i_x(p, us[n]);
  ++n;
  return n / 2;
}

/* Durand-Kerner on a real polynomial c[0] + c[1] m + ... + c[deg] m^deg. */
static int poly_real_roots(const double *c, int deg, double *roots) {
  double complex z[32];
  int nr = 0;
  for (int i = 0; i < deg; ++i) z[i] = cpow(CMPLX(0.4, 0.9), i) * 0.3;
  for (int it = 0; it < 5000; ++it) {
    double move = 0;
    for (int i = 0; i < deg; ++i) {
      double complex num = 0, den = 1;
      for (int l = deg; l >= 0; --l) num = num * z[i] + c[l] / c[deg];
      for (int l = 0; l < deg; ++l)
        if (l != i) den *= z[i] - z[l];
      z[i] -= num / den;
      move = fmax(move, cabs(num / den) / fmax(1.0, cabs(z[i])));
    }
    if (move < 1e-15) break;
  }
  for (int i = 0; i < deg; ++i)
    if (fabs(cimag(z[i])) < 1e-9 * fmax(1.0, cabs(z[i]))) roots[nr++] = creal(z[i]);
  return nr;
}

static void poly_mul_lin2(double *p, int *deg, double t) { /* p *= (1 + t m)^2 */
  for (int rep = 0; rep < 2; ++rep) {
    for (int i = *deg + 1; i >= 1; --i) p[i] += t * p[i - 1];
    ++*deg;
  }
}

static int dbl_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Edges from the polynomial of theory.md 2.4 (in m = mc):
 * prod_j (1 + t_j m)^2 - eta m^2 sum_j w_j t_j^2 prod_{l != j} (1 + t_l m)^2,
 * real roots m*, edges x(m*) = -1/m* + eta sum_j w_j t_j/(1 + t_j m*). */
static int poly_edges(const ipop *p, double *edges) {
  double c[32] = {0}, q[32], roots[32];
  int deg = 0, nr, ne = 0;
  c[0] = 1;
  for (int j = 0; j < p->k; ++j) poly_mul_lin2(c, &deg, p->t[j]);
  for (int j = 0; j < p->k; ++j) {
    int dq = 0;
    memset(q, 0, sizeof q);
    q[2] = -p->eta * p->w[j] * p->t[j] * p->t[j];
    dq = 2;
    for (int l = 0; l < p->k; ++l)
      if (l != j) poly_mul_lin2(q, &dq, p->t[l]);
    for (int i = 0; i <= dq; ++i) c[i] += q[i];
  }
  nr = poly_real_roots(c, deg, roots);
  for (int i = 0; i < nr; ++i) {
    double m = roots[i], s = 0;
    for (int j = 0; j < p->k; ++j) s += p->w[j] * p->t[j] / (1 + p->t[j] * m);
    edges[ne++] = -1 / m + p->eta * s;
  }
  qsort(edges, (size_t)ne, sizeof *edges, dbl_cmp);
  return ne;
}

/* int_a^b x^k f(x) dx, f the a.c. density of H (cos substitution). */
static double integrate(const rmtmc_pop *H, double eta, double a, double b, int k,
                        int nq) {
  double xs[256], ws[256], s = 0;
  rmtmc_error e;
  gauss_legendre01(nq, xs, ws);
  for (int i = 0; i < nq; ++i) {
    double x = a + (b - a) * (1 - cos(M_PI * xs[i])) / 2, f = 0;
    double jac = (b - a) * M_PI / 2 * sin(M_PI * xs[i]);
    rmtmc_theory_density(H, eta, x, NULL, &f, &e);
    s += ws[i] * jac * pow(x, k) * f;
  }
  return s;
}

/* the same over P equal panels (an interval holding several atoms has
 * ripples and near-gaps inside) */
static double integrate_panels(const rmtmc_pop *H, double eta, double a, double b, int k, int P,
                               int nq) {
  double q = 0;
  for (int p = 0; p < P; ++p)
    q += integrate(H, eta, a + (b - a) * p / P, a + (b - a) * (p + 1) / P, k, nq);
  return q;
}

/* ---------------- item 1: many intervals ---------------- */

static void many_intervals(tally *t, int d, double eta, int want) {
  rmtmc_model m;
  rmtmc_error e;
  rmtmc_support S = {0};
  rmtmc_status st;
  char name[200];
  if (rmtmc_model_init(&m, d, 100, "ar1:0.9", RMTMC_ENTRIES_GAUSSIAN, 0, RMTMC_PRECISION_DOUBLE,
                       &e) != RMTMC_OK) {
    check_true(t, "ar1:0.9 model", 0, e.msg);
    return;
  }
  rmtmc_pop H = rmtmc_model_pop(&m);
  ipop ip = {(int)H.k, H.t, H.w, eta};
  double *ie = malloc(sizeof(double) * 4 * (size_t)(H.k + 1)), *iu = ie + 2 * (H.k + 1);
  st = rmtmc_theory_support(&H, eta, &S, &e);
  snprintf(name, sizeof name, "ar1:0.9 d=%d eta=%g: support status", d, eta);
  check_status(t, name, st, RMTMC_OK, &e);
  int ni = i_support(&ip, ie, iu, 2 * (int)(H.k + 1));
  snprintf(name, sizeof name, "ar1:0.9 d=%d eta=%g: %d intervals (scan of x'(u): %d)", d, eta,
           (int)S.nint, ni);
  check_true(t, name, st == RMTMC_OK && S.nint == ni && S.nint == want, "");
  if (st == RMTMC_OK && S.nint == ni) {
    double worst = 0, tolw = 0, tot = 0, atom = S.atom, worstq = 0;
    for (int i = 0; i < ni; ++i) {
      double scale = fmax(1.0, S.hi[i]);
      worst = fmax(worst, fabs(S.lo[i] - ie[2 * i]) / scale);
      worst = fmax(worst, fabs(S.hi[i] - ie[2 * i + 1]) / scale);
      tolw = fmax(tolw, fmax(S.lo_tol[i], S.hi_tol[i]) / scale);
      tot += S.mass[i];
    }
    snprintf(name, sizeof name, "ar1:0.9 d=%d eta=%g: edges vs scan (rel, worst)", d, eta);
    check_close(t, name, worst, 0, 1e-12, 0);
    snprintf(name, sizeof name, "ar1:0.9 d=%d eta=%g: edge uncertainty reported <= 1e-13", d, eta);
    check_close(t, name, tolw, 0, 1e-13, 0);
    snprintf(name, sizeof name, "ar1:0.9 d=%d eta=%g: interval masses sum to 1 - atom", d, eta);
    check_close(t, name, tot, 1 - atom, 1e-12, 0);
    /* For eta < 1 the mass of an interval is the weight of the atoms t_j
     * between its two critical points (the antiderivative is constant on
     * gaps, where it counts the atoms above u): every interval against the
     * scan's critical points; the middle one (one atom) also by quadrature
     * of the density (continuation solver).  Intervals holding many atoms
     * have ripples and near-gaps that a fixed quadrature does not resolve
     * to 1e-9, hence the atom count. */
    {
      double worstc = 0;
      for (int i = 0; i < ni; ++i) {
        double c = 0;
        for (int64_t j = 0; j < H.k; ++j)
          if (H.t[j] > iu[2 * i] && H.t[j] < iu[2 * i + 1]) c += H.w[j];
        worstc = fmax(worstc, fabs(c - S.mass[i]));
      }
      snprintf(name, sizeof name, "ar1:0.9 d=%d eta=%g: every interval mass = weight of its atoms", d, eta);
      check_close(t, name, worstc, 0, 1e-12, 0);
    }
    worstq = fabs(integrate_panels(&H, eta, S.lo[ni / 2], S.hi[ni / 2], 0, 16, 32) - S.mass[ni / 2]);
    snprintf(name, sizeof name, "ar1:0.9 d=%d eta=%g: middle interval mass vs quadrature", d, eta);
    check_close(t, name, worstq, 0, 1e-9, 0);
    /* density > 0 at interval midpoints; real m(z) in every gap */
    int dens_ok = 1, gap_ok = 1;
    for (int i = 0; i < ni; ++i) {
      double f = 0, mid = 0.5 * (S.lo[i] + S.hi[i]);
      rmtmc_theory_density(&H, eta, mid, NULL, &f, &e);
      if (!(f > 0)) dens_ok = 0;
      if (i + 1 < ni) {
        double complex mz, mz2;
        double g = 0.5 * (S.hi[i] + S.lo[i + 1]);
        if (rmtmc_theory_stieltjes(&H, eta, g, NULL, &mz, NULL, &e) != RMTMC_OK ||
            rmtmc_theory_stieltjes(&H, eta, CMPLX(g, 1e-11), NULL, &mz2, NULL, &e) != RMTMC_OK ||
            fabs(creal(mz - mz2)) > 1e-7 * fabs(creal(mz)))
          gap_ok = 0;
      }
    }
    snprintf(name, sizeof name, "ar1:0.9 d=%d eta=%g: density > 0 inside every interval", d, eta);
    check_true(t, name, dens_ok, "continuation solver");
    snprintf(name, sizeof name, "ar1:0.9 d=%d eta=%g: real m(z) in every gap = m(z + 1e-11 i)", d,
             eta);
    check_true(t, name, gap_ok, "");
    if (ni > 16) { /* the capped entry point keeps its contract */
      double ed[32];
      int64_t n = 0;
      st = rmtmc_theory_edges(&H, eta, 16, ed, &n, &e);
      snprintf(name, sizeof name, "ar1:0.9 d=%d eta=%g: rmtmc_theory_edges cap 16 -> invalid, nint %lld",
               d, eta, (long long)n);
      check_true(t, name, st == RMTMC_ERR_INVALID && n == ni && ed[31] == S.hi[15], e.msg);
    }
  }
  free(ie);
  rmtmc_support_free(&S);
  rmtmc_model_free(&m);
}

/* interval masses when eta > 1 (lower critical point u < 0) and with an
 * atom of H at 0: they sum to the a.c. mass min(1/eta, 1 - H({0})) */
static void masses_eta_gt_1(tally *t) {
  double tA[2] = {1, 4}, wA[2] = {0.5, 0.5}, tZ[3] = {0, 1, 10}, wZ[3] = {0.2, 0.4, 0.4};
  rmtmc_pop A = {2, tA, wA}, Z = {3, tZ, wZ};
  const struct { const rmtmc_pop *H; double eta, ac; const char *what; } cases[4] = {
      {&A, 2.0, 0.5, "(1,4) eta 2"}, {&A, 0.5, 1.0, "(1,4) eta 0.5"},
      {&Z, 0.05, 0.8, "(0,1,10) eta 0.05"}, {&Z, 3.0, 1 / 3.0, "(0,1,10) eta 3"}};
  for (int k = 0; k < 4; ++k) {
    rmtmc_support S = {0};
    rmtmc_error e;
    char name[160];
    double tot = 0;
    rmtmc_status st = rmtmc_theory_support(cases[k].H, cases[k].eta, &S, &e);
    for (int64_t i = 0; i < S.nint; ++i) tot += S.mass[i];
    snprintf(name, sizeof name, "support %s: %lld interval(s), masses sum to the a.c. mass %.6g", cases[k].what,
             (long long)S.nint, cases[k].ac);
    check_close(t, name, st == RMTMC_OK ? tot : NAN, cases[k].ac, 1e-12, 0);
    snprintf(name, sizeof name, "support %s: atom = 1 - a.c. mass", cases[k].what);
    check_close(t, name, S.atom, 1 - cases[k].ac, 1e-15, 0);
    rmtmc_support_free(&S);
  }
}

static void poly_check(tally *t) {
  /* four atoms, small eta: separated intervals; the degree-8 polynomial */
  const double tt[4] = {1, 3, 10, 30}, ww[4] = {0.4, 0.3, 0.2, 0.1};
  const double etas[3] = {0.02, 0.1, 0.3};
  rmtmc_pop H = {4, tt, ww};
  for (int k = 0; k < 3; ++k) {
    ipop ip = {4, tt, ww, etas[k]};
    double pe[16];
    int ne = poly_edges(&ip, pe);
    rmtmc_support S = {0};
    rmtmc_error e;
    char name[200];
    double worst = 0;
    rmtmc_theory_support(&H, etas[k], &S, &e);
    snprintf(name, sizeof name, "4 atoms eta=%g: %lld intervals = polynomial's %d real roots / 2", etas[k],
             (long long)S.nint, ne);
    check_true(t, name, 2 * S.nint == ne, "");
    for (int i = 0; 2 * i < ne && i < S.nint; ++i) {
      worst = fmax(worst, fabs(S.lo[i] - pe[2 * i]) / S.hi[S.nint - 1]);
      worst = fmax(worst, fabs(S.hi[i] - pe[2 * i + 1]) / S.hi[S.nint - 1]);
    }
    snprintf(name, sizeof name, "4 atoms eta=%g: edges vs polynomial roots (rel)", etas[k]);
    check_close(t, name, worst, 0, 1e-9, 0);
    rmtmc_support_free(&S);
  }
}

/* ---------------- item 2: the limit spectrum ---------------- */

static void spike_case(tally *t) {
  rmtmc_model m;
  rmtmc_error e;
  rmtmc_limit_spectrum ls;
  rmtmc_status st;
  unsigned char flag[8] = {0};
  double complex mz, mc;
  rmtmc_model_init(&m, 400, 800, "spike:3", RMTMC_ENTRIES_GAUSSIAN, 0, RMTMC_PRECISION_DOUBLE, &e);
  rmtmc_pop H = rmtmc_model_pop(&m);
  for (int64_t j = 0; j < H.k; ++j)
    for (int64_t i = 0; i < m.nspikes; ++i)
      if (H.t[j] == m.spikes[i] && H.t[j] != 1.0) flag[j] = 1;
  st = rmtmc_limit_spectrum_init(&ls, &H, flag, 0.5, 400, &e);
  check_status(t, "spike:3 d=400 eta=0.5: limit spectrum", st, RMTMC_OK, &e);
  if (st != RMTMC_OK) return;
  st = rmtmc_limit_spectrum_stieltjes(&ls, -1.0, &mz, &mc, &e);
  /* 60-digit mpmath solve of the Silverstein equation for H_d =
   * (399/400) delta_1 + (1/400) delta_4: 0.560863851070518500341503610711 */
  check_close(t, "spike:3 m(-1) at the finite-d population (issue: 0.5608639)", creal(mz),
              0.560863851070518500341503610711, 1e-14, 0);
  check_close(t, "spike:3 mc(-1) (mpmath 0.780431925535259250)", creal(mc),
              0.780431925535259250170751805356, 1e-14, 0);
  {
    double complex ref;
    rmtmc_theory_stieltjes(&H, 0.5, -1.0, NULL, &ref, NULL, &e);
    check_close(t, "spike:3 m(-1) = rmtmc_theory_stieltjes(H_d)", creal(mz), creal(ref), 0, 0);
    check_true(t, "spike:3 m(-1) differs from the spike-free MP 0.5615528",
               fabs(creal(mz) - creal(rmtmc_mp_stieltjes(0.5, -1.0))) > 6e-4, "gap 6.9e-4");
  }
  /* bulk = MP(0.5); full support: the bulk and a small outlier interval */
  {
    double lo, hi, thr, l1, c2, sd, mom[3];
    rmtmc_mp_edges(0.5, &lo, &hi);
    rmtmc_bbp(0.5, 4.0, &thr, &l1, &c2, &sd);
    check_true(t, "spike:3 bulk support = MP(0.5) edges",
               ls.bulk.nint == 1 && fabs(ls.bulk.lo[0] - lo) < 1e-14 && fabs(ls.bulk.hi[0] - hi) < 1e-13,
               "");
    check_true(t, "spike:3 one separated outlier above the bulk",
               ls.noutliers == 1 && ls.outliers[0].separated && ls.outliers[0].above, "");
    check_close(t, "spike:3 outlier location = rmtmc_bbp lambda1 (4.6667)", ls.outliers[0].location, l1,
                1e-14, 0);
    check_close(t, "spike:3 outlier threshold = 1 + sqrt(eta)", ls.outliers[0].threshold, thr, 1e-14, 0);
    check_close(t, "spike:3 outlier cos2 = rmtmc_bbp", ls.outliers[0].cos2, c2, 1e-14, 0);
    check_close(t, "spike:3 outlier sqrt(n) sd = rmtmc_bbp", ls.outliers[0].sd_sqrt_n, sd, 1e-13, 0);
    check_close(t, "spike:3 outlier weight 1/d", ls.outliers[0].weight, 1.0 / 400, 1e-17, 0);
    check_true(t, "spike:3 finite-d support: 2 intervals, the outlier inside the second",
               ls.support.nint == 2 && ls.support.lo[1] < l1 && l1 < ls.support.hi[1], "");
    check_close(t, "spike:3 mass of the outlier interval = 1/d", ls.support.mass[1], 1.0 / 400, 1e-14, 0);
    rmtmc_theory_moments(&H, 0.5, mom);
    check_close(t, "spike:3 moments k=1..3 = rmtmc_theory_moments(H_d)",
                fabs(ls.moments[0] - mom[0]) + fabs(ls.moments[1] - mom[1]) + fabs(ls.moments[2] - mom[2]), 0,
                1e-13, 0);
  }
  /* the bias goes through the same population */
  {
    double complex off, coef, ref;
    rmtmc_limit_spectrum_bias(&ls, -1.0, 0.0, NULL, &off, &coef, &e);
    rmtmc_theory_stieltjes_bias(&H, 0.5, -1.0, 0.0, NULL, &ref, &e);
    check_close(t, "spike:3 bias offset = mu(H_d)/d", creal(off), creal(ref) / 400, 0, 1e-15);
  }
  rmtmc_limit_spectrum_free(&ls);
  rmtmc_model_free(&m);
  /* a spike below the bulk (ell = 0.1) and one absorbed by it (ell = 1.5) */
  {
    double tt[3] = {0.1, 1.0, 1.5}, ww[3] = {0.01, 0.98, 0.01};
    unsigned char fl[3] = {1, 0, 1};
    rmtmc_pop H2 = {3, tt, ww};
    st = rmtmc_limit_spectrum_init(&ls, &H2, fl, 0.5, 100, &e);
    check_status(t, "spikes 0.1 and 1.5 (eta 0.5): limit spectrum", st, RMTMC_OK, &e);
    if (st == RMTMC_OK) {
      check_true(t, "spike 0.1: separated below, location ell (1 + eta/(ell - 1)) = 0.04444",
                 ls.outliers[0].separated && !ls.outliers[0].above &&
                     fabs(ls.outliers[0].location - 0.1 * (1 + 0.5 / (0.1 - 1))) < 1e-15,
                 "");
      check_close(t, "spike 0.1: threshold 1 - sqrt(eta)", ls.outliers[0].threshold, 1 - sqrt(0.5), 1e-14, 0);
      check_true(t, "spike 1.5 < 1 + sqrt(0.5): absorbed by the bulk (no outlier)",
                 !ls.outliers[1].separated && isnan(ls.outliers[1].location) && ls.outliers[1].cos2 == 0, "");
      rmtmc_limit_spectrum_free(&ls);
    }
    st = rmtmc_limit_spectrum_init(&ls, &H2, (unsigned char[3]){1, 1, 1}, 0.5, 100, &e);
    check_status(t, "every atom a spike is refused", st, RMTMC_ERR_INVALID, &e);
  }
}

/* Fourth moment of the limit law by quadrature of the density (two-point
 * population, one interval) and the Narayana value for H = delta_1. */
static void moments_check(tally *t) {
  double tt[2] = {1, 4}, ww[2] = {0.5, 0.5}, nar[4];
  rmtmc_pop H = {2, tt, ww};
  rmtmc_limit_spectrum ls;
  rmtmc_error e;
  double q = 0;
  rmtmc_limit_spectrum_init(&ls, &H, NULL, 0.5, 0, &e);
  q = integrate_panels(&H, 0.5, ls.support.lo[0], ls.support.hi[0], 4, 60, 32);
  check_close(t, "two-point (1,4) eta 0.5: 4th moment = quadrature of the density", ls.moments[3], q, 0, 1e-9);
  rmtmc_limit_spectrum_free(&ls);
  {
    double one_t[2] = {1, 1}, one_w[2] = {0.5, 0.5};
    rmtmc_pop I2 = {2, one_t, one_w};
    rmtmc_limit_spectrum_init(&ls, &I2, NULL, 0.7, 0, &e);
    rmtmc_mp_moments(0.7, 4, nar);
    check_close(t, "delta_1 eta 0.7: 4th moment = Narayana", ls.moments[3], nar[3], 0, 1e-15);
    rmtmc_limit_spectrum_free(&ls);
  }
}

static void density_curve(tally *t) {
  const double etas[4] = {0.5, 0.999, 1.0, 3.0};
  double t1[2] = {1, 1}, w1[2] = {0.5, 0.5}; /* MP through the general solver */
  rmtmc_pop H = {2, t1, w1};
  char name[200];
  for (int k = 0; k < 4; ++k) {
    double eta = etas[k], lo, hi, worst = 0, trap = 0, minstep = INFINITY;
    rmtmc_limit_spectrum ls;
    rmtmc_density_curve c = {0};
    rmtmc_error e;
    int zero_ok = 1, pos_ok = 1, inc = 1;
    rmtmc_limit_spectrum_init(&ls, &H, NULL, eta, 0, &e);
    lo = ls.support.lo[0]; /* the general solver's edges (= MP to 1e-16) */
    hi = ls.support.hi[0];
    rmtmc_status st = rmtmc_limit_spectrum_density(&ls, RMTMC_LAW_FINITE_D, 400, &c, &e);
    snprintf(name, sizeof name, "density curve MP eta %g: %lld points", eta, (long long)c.n);
    check_true(t, name, st == RMTMC_OK && c.n >= 400, e.msg);
    for (int64_t i = 0; i < c.n; ++i) {
      double f0 = rmtmc_mp_density(eta, c.x[i]);
      if (i > 0) {
        if (!(c.x[i] > c.x[i - 1])) inc = 0;
        trap += 0.5 * (c.f[i] + c.f[i - 1]) * (c.x[i] - c.x[i - 1]);
        minstep = fmin(minstep, c.x[i] - c.x[i - 1]);
      }
      if ((c.x[i] == lo || c.x[i] == hi) && c.f[i] != 0) zero_ok = 0;
      if (c.x[i] > lo && c.x[i] < hi && !(c.f[i] > 0)) pos_ok = 0;
      if (c.x[i] > lo && c.x[i] < hi && f0 > 0) worst = fmax(worst, fabs(c.f[i] - f0) / f0);
    }
    snprintf(name, sizeof name, "density curve MP eta %g: x increasing, f = 0 at soft edges, > 0 inside", eta);
    check_true(t, name, inc && zero_ok && pos_ok, "");
    /* 1e-8 W from an edge the attainable relative accuracy is ~eps/1e-8 */
    snprintf(name, sizeof name, "density curve MP eta %g: f vs closed form (rel, worst)", eta);
    check_close(t, name, worst, 0, 1e-6, 0);
    snprintf(name, sizeof name, "density curve MP eta %g: trapezoid integral ~ a.c. mass min(1,1/eta)", eta);
    check_close(t, name, trap, fmin(1.0, 1.0 / eta), eta >= 0.99 ? 2e-2 : 2e-3, 0);
    snprintf(name, sizeof name, "density curve MP eta %g: refined at the edges (min step <= 1e-7 W)", eta);
    check_true(t, name, minstep <= 1e-7 * (hi - lo), "");
    if (eta == 1.0) {
      check_true(t, "density curve eta 1: hard edge at 0 flagged, no point at x = 0",
                 c.hard_edge_at_zero && c.x[0] > 0 && isfinite(c.f[0]) && c.f[0] > c.f[5], "");
    }
    if (eta == 0.999) {
      /* lower edge 2.5e-7: the curve must sample inside its sqrt region */
      check_true(t, "density curve eta 0.999: points between lo and 2 lo (the steep rise)",
                 c.n > 3 && c.x[1] - lo < lo, "");
    }
    if (eta == 3.0)
      check_close(t, "density curve eta 3: atom 1 - 1/eta", c.atom, 1 - 1 / 3.0, 1e-15, 0);
    rmtmc_density_curve_free(&c);
    rmtmc_limit_spectrum_free(&ls);
  }
  /* a spiked population: exactly zero along the gap to the outlier */
  {
    double tt[2] = {1, 4}, ww[2] = {399.0 / 400, 1.0 / 400};
    unsigned char fl[2] = {0, 1};
    rmtmc_pop Hs = {2, tt, ww};
    rmtmc_limit_spectrum ls;
    rmtmc_density_curve c = {0}, cb = {0};
    rmtmc_error e;
    int gap_zero = 1;
    rmtmc_limit_spectrum_init(&ls, &Hs, fl, 0.5, 400, &e);
    rmtmc_limit_spectrum_density(&ls, RMTMC_LAW_FINITE_D, 300, &c, &e);
    rmtmc_limit_spectrum_density(&ls, RMTMC_LAW_BULK, 300, &cb, &e);
    for (int64_t i = 0; i < c.n; ++i)
      if (c.x[i] >= ls.support.hi[0] && c.x[i] <= ls.support.lo[1] && c.f[i] != 0) gap_zero = 0;
    check_true(t, "density curve spike:3: f = 0 at both ends of the gap to the outlier interval", gap_zero, "");
    check_true(t, "density curve spike:3: bulk law curve ends at the MP edge",
               cb.n > 0 && cb.x[cb.n - 1] == ls.bulk.hi[0], "");
    rmtmc_density_curve_free(&c);
    rmtmc_density_curve_free(&cb);
    rmtmc_limit_spectrum_free(&ls);
  }
}

/* ---------------- item 3: z = 0 ---------------- */

static void z_zero(tally *t) {
  double t1[1] = {1}, w1[1] = {1}, t2[2] = {1, 1}, w2[2] = {0.5, 0.5};
  rmtmc_pop H1 = {1, t1, w1}, H2 = {2, t2, w2};
  const rmtmc_pop *Hs[2] = {&H1, &H2};
  for (int h = 0; h < 2; ++h) {
    double complex m = NAN, mc = NAN;
    rmtmc_error e;
    char name[200];
    rmtmc_status st = rmtmc_theory_stieltjes(Hs[h], 0.5, 0.0, NULL, &m, &mc, &e);
    snprintf(name, sizeof name, "z = 0, eta 0.5 (%s): status ok", h ? "2 atoms" : "1 atom");
    check_status(t, name, st, RMTMC_OK, &e);
    snprintf(name, sizeof name, "z = 0, eta 0.5 (%s): m(0) = 1/(1 - eta) = 2", h ? "2 atoms" : "1 atom");
    check_close(t, name, creal(m), 2.0, 0, 1e-15);
    snprintf(name, sizeof name, "z = 0, eta 0.5 (%s): mc(0) is the pole +inf", h ? "2 atoms" : "1 atom");
    check_true(t, name, isinf(creal(mc)) && creal(mc) > 0 && cimag(mc) == 0, "");
    st = rmtmc_theory_stieltjes(Hs[h], 2.0, 0.0, NULL, &m, &mc, &e);
    snprintf(name, sizeof name, "z = 0, eta 2 (%s): m pole, mc(0) = 1/(eta - 1) = 1", h ? "2 atoms" : "1 atom");
    check_true(t, name, st == RMTMC_OK && isinf(creal(m)) && fabs(creal(mc) - 1.0) < 1e-15, "");
    st = rmtmc_theory_stieltjes(Hs[h], 1.0, 0.0, NULL, &m, &mc, &e);
    snprintf(name, sizeof name, "z = 0, eta 1 (%s): on the support (hard edge), refused", h ? "2 atoms" : "1 atom");
    check_true(t, name, st == RMTMC_ERR_INVALID && strstr(e.msg, "support") != NULL, e.msg);
  }
  {
    double complex mu;
    rmtmc_error e;
    rmtmc_status st = rmtmc_theory_stieltjes_bias(&H2, 0.5, 0.0, 0.0, NULL, &mu, &e);
    check_status(t, "z = 0, eta 0.5: the 1/d bias is defined there", st, RMTMC_OK, &e);
    check_close(t, "z = 0, eta 0.5: bias (2 atoms) = closed form mp_bias(0)", creal(mu), creal(rmtmc_mp_bias(0.5, 0.0)),
                1e-13, 0);
  }
}

/* ---------------- item 4: edge margin ---------------- */

static void edge_margin(tally *t) {
  double t2[2] = {1, 1}, w2[2] = {0.5, 0.5};
  rmtmc_pop H = {2, t2, w2};
  double lo, hi;
  rmtmc_edge_margin M;
  rmtmc_error e;
  char name[220];
  rmtmc_mp_edges(0.5, &lo, &hi);
  /* one ulp above the top edge: the case of issue 11 (corrected z 1.1e14) */
  rmtmc_theory_edge_margin(&H, 0.5, 200, nextafter(hi, INFINITY), 0.1, &M, &e);
  snprintf(name, sizeof name, "margin: z one ulp above lam+ untrusted (bias rel err %.3g, min_dist %.3g)",
           M.bias_rel_err, M.min_dist);
  check_true(t, name, !M.trusted && M.bias_rel_err > 1 && M.edge == hi, "");
  rmtmc_theory_edge_margin(&H, 0.5, 200, -1.0, 0.1, &M, &e);
  snprintf(name, sizeof name, "margin: z = -1 trusted (binding edge %.4g: dist %.3g > min_dist %.3g)", M.edge,
           M.dist, M.min_dist);
  check_true(t, name, M.trusted && M.dist > M.min_dist, "");
  /* the finite-d scale: ell_d = (3/(2 c d))^(2/3), 2.8 x the Tracy-Widom
   * scale sigma = lam+^(2/3) eta^(1/2) d^(-2/3) for Sigma = I */
  rmtmc_theory_edge_margin(&H, 0.5, 200, hi + 1.0, 0.1, &M, &e);
  {
    double tw = pow(hi, 2.0 / 3.0) * sqrt(0.5) * pow(200.0, -2.0 / 3.0);
    check_close(t, "margin: ell_d at lam+ = (3 pi/2)^(2/3) x Tracy-Widom scale", M.scale_d, pow(1.5 * M_PI, 2.0 / 3.0) * tw,
                0, 1e-9);
  }
  {
    rmtmc_edge_margin M8, Mr;
    rmtmc_theory_edge_margin(&H, 0.5, 1600, hi + 1.0, 0.1, &M8, &e);
    check_close(t, "margin: min_dist scales as d^(-2/3) (d 200 -> 1600: ratio 4)", M.min_dist / M8.min_dist, 4.0, 0,
                1e-6);
    rmtmc_theory_edge_margin(&H, 0.5, 200, hi + 1.0, 0.1 / 8, &Mr, &e);
    check_close(t, "margin: min_dist scales as rel^(-2/3) (rel / 8: ratio 4)", Mr.min_dist / M.min_dist, 4.0, 0, 1e-6);
    rmtmc_theory_edge_margin(&H, 0.5, 200, hi + 1.01 * M.min_dist, 0.1, &Mr, &e);
    int a = Mr.trusted;
    rmtmc_theory_edge_margin(&H, 0.5, 200, hi + 0.99 * M.min_dist, 0.1, &Mr, &e);
    check_true(t, "margin: trusted exactly beyond min_dist", a && !Mr.trusted, "");
  }
  /* the rounding terms bound the actual errors (d = 0: the limit only):
   * general solver (two equal atoms) vs the MP closed forms, from 1 ulp to
   * 1e-2 above lam+ and below lam- */
  {
    int bound_ok = 1, trust_ok = 1;
    double worst_ratio = 0;
    for (int side = 0; side < 2; ++side)
      for (int p = 0; p <= 14; ++p) {
        double dist = p == 0 ? 0 : pow(10.0, -16.0 + p), z;
        double complex m, m0, mu, mu0;
        double ev, eb;
        if (side == 0)
          z = p == 0 ? nextafter(hi, INFINITY) : hi + dist * hi;
        else
          z = p == 0 ? nextafter(lo, 0) : lo - dist * lo;
        if (rmtmc_theory_edge_margin(&H, 0.5, 0, z, 1e-6, &M, &e) != RMTMC_OK) {
          bound_ok = 0;
          continue;
        }
        if (rmtmc_theory_stieltjes(&H, 0.5, z, NULL, &m, NULL, &e) != RMTMC_OK ||
            rmtmc_theory_stieltjes_bias(&H, 0.5, z, 0.0, NULL, &mu, &e) != RMTMC_OK)
          continue; /* within rounding of the edge: refused, which is right */
        if (!(M.value_rel_err < 1 && M.bias_rel_err < 1)) continue; /* no digits claimed */
        m0 = rmtmc_mp_stieltjes(0.5, z);
        mu0 = rmtmc_mp_bias(0.5, z);
        ev = cabs(m - m0) / cabs(m0);
        eb = cabs(mu - mu0) / cabs(mu0);
        /* the closed forms carry their own rounding ~ eps / sqrt(dist) */
        if (ev > 4 * M.value_rel_err + 1e-15 || eb > 4 * M.bias_rel_err + 1e-14) bound_ok = 0;
        worst_ratio = fmax(worst_ratio, fmax(ev / M.value_rel_err, eb / fmax(M.bias_rel_err, 1e-300)));
        if (M.trusted && (ev > 1e-6 || eb > 1e-6)) trust_ok = 0;
      }
    snprintf(name, sizeof name, "margin: estimated rounding errors bound the actual ones (worst actual/est %.3g)",
             worst_ratio);
    check_true(t, name, bound_ok, "");
    check_true(t, "margin: where trusted (rel 1e-6), value and bias agree with the closed forms to 1e-6", trust_ok, "");
  }
  /* hard edge (eta = 1): ell_d = 1/(2 c0 d)^2 with c0 = 1/pi */
  {
    rmtmc_theory_edge_margin(&H, 1.0, 100, -0.01, 0.1, &M, &e);
    check_true(t, "margin eta 1: the hard edge at 0 binds for z = -0.01", M.hard_edge && M.edge == 0, "");
    check_close(t, "margin eta 1: hard-edge scale pi^2/(4 d^2)", M.scale_d, M_PI * M_PI / (4.0 * 100 * 100), 0,
                1e-12);
  }
  /* complex z inside the bulk close to the axis */
  {
    rmtmc_theory_edge_margin(&H, 0.5, 200, CMPLX(1.0, 1e-4), 0.1, &M, &e);
    check_true(t, "margin: z = 1 + 1e-4 i inside the bulk at d = 200 untrusted", !M.trusted, "");
    rmtmc_theory_edge_margin(&H, 0.5, 200, CMPLX(1.0, 0.3), 0.1, &M, &e);
    check_true(t, "margin: z = 1 + 0.3 i trusted", M.trusted, "");
  }
  {
    rmtmc_status st = rmtmc_theory_edge_margin(&H, 0.5, 200, 1.0, 0.1, &M, &e);
    check_true(t, "margin: real z on the support -> untrusted, status ok", st == RMTMC_OK && !M.trusted, "");
  }
}

/* ---------------- item 5: the general-Sigma fourth-cumulant term -------- */

/* Deterministic checks of rmtmc_theory_stieltjes_bias_sigma (the simulation
 * check is test_theory_kurtosis): a diagonal root reduces to Pan-Zhou; a
 * fully delocalised Sigma = Hd diag(s) Hd^T (Hd the normalised Hadamard
 * matrix, v2 = 1/d) gives Nk = -eta mean_k(s/(u-s)) mean_k(s/(u-s)^2). */
static void bias_sigma(tally *t) {
  enum { D = 8 };
  const double s[D] = {0.5, 1, 1.5, 2, 3, 4, 6, 9};
  double A[D * D], Hd[D * D], w[D];
  rmtmc_entry_mixing mx;
  rmtmc_error e;
  const double eta = 0.3, kx = -2.0;
  const double complex zs[3] = {-1.0, CMPLX(2.0, 0.5), 40.0};
  double worst = 0, worst2 = 0, rows = 0;
  rmtmc_pop H = {D, s, w};
  for (int i = 0; i < D; ++i) w[i] = 1.0 / D;
  memset(A, 0, sizeof A);
  for (int i = 0; i < D; ++i) A[i + i * D] = sqrt(s[i]);
  rmtmc_entry_mixing_from_root(&mx, A, D, &e);
  for (int k = 0; k < 3; ++k) {
    double complex mu, mu0;
    rmtmc_theory_stieltjes_bias_sigma(&mx, eta, zs[k], kx, NULL, &mu, &e);
    rmtmc_theory_stieltjes_bias(&H, eta, zs[k], kx, NULL, &mu0, &e);
    worst = fmax(worst, cabs(mu - mu0) / cabs(mu0));
  }
  rmtmc_entry_mixing_free(&mx);
  check_close(t, "bias_sigma: a diagonal Sigma^(1/2) gives the Pan-Zhou term", worst, 0, 1e-13, 0);
  /* Sylvester-Hadamard, normalised; A = Hd diag(sqrt s) Hd^T */
  for (int i = 0; i < D; ++i)
    for (int j = 0; j < D; ++j) Hd[i + j * D] = (__builtin_popcount((unsigned)(i & j)) % 2 ? -1.0 : 1.0) / sqrt((double)D);
  for (int i = 0; i < D; ++i)
    for (int j = 0; j < D; ++j) {
      double acc = 0;
      for (int k = 0; k < D; ++k) acc += Hd[i + k * D] * sqrt(s[k]) * Hd[j + k * D];
      A[i + j * D] = acc;
    }
  rmtmc_entry_mixing_from_root(&mx, A, D, &e);
  for (int i = 0; i < D; ++i) {
    double r = 0, c = 0;
    for (int k = 0; k < D; ++k) {
      r += mx.v2[i + k * D];
      c += mx.v2[k + i * D];
    }
    rows = fmax(rows, fmax(fabs(r - 1), fabs(c - 1)));
  }
  check_close(t, "entry mixing: v2 doubly stochastic (row and column sums 1)", rows, 0, 1e-13, 0);
  for (int k = 0; k < 3; ++k) {
    double complex mu, m0, mc, u, a = 0, b = 0, n = 0, p = 0, want;
    rmtmc_theory_stieltjes_bias_sigma(&mx, eta, zs[k], kx, NULL, &mu, &e);
    rmtmc_theory_stieltjes(&H, eta, zs[k], NULL, &m0, &mc, &e);
    u = -1.0 / mc;
    for (int j = 0; j < D; ++j) {
      double complex r = 1.0 / (u - s[j]);
      a += s[j] * r / D;
      b += s[j] * r * r / D;
      n += s[j] * s[j] * r * r * r / D;
      p += s[j] * s[j] * r * r / D;
    }
    n *= -eta;
    want = n / ((1 - eta * p) * (1 - eta * p)) + kx * (-eta * a * b) / (1 - eta * p);
    worst2 = fmax(worst2, cabs(mu - want) / cabs(want));
  }
  rmtmc_entry_mixing_free(&mx);
  check_close(t, "bias_sigma: delocalised (Hadamard) Sigma, Nk = -eta mean(a) mean(b)", worst2, 0, 1e-12, 0);
}

/* ---------------- item 5: rows an entry law allows (theory.md 6.6) ------- */

static void reliability(tally *t) {
  char why[300];
  int ok = 1;
  /* gaussian / rademacher: every row */
  for (int k = 1; k <= 4; ++k) ok &= rmtmc_theory_row_reliable(RMTMC_ROW_MOMENT, k, INFINITY, why, sizeof why);
  ok &= rmtmc_theory_row_reliable(RMTMC_ROW_STIELTJES_CORRECTED, 0, INFINITY, why, sizeof why);
  check_true(t, "reliable rows: gaussian/rademacher (p_max = inf) allow every row", ok && why[0] == 0, "");
  /* student:NU: moment k needs NU > 4k, the corrected Stieltjes row NU > 8 */
  check_true(t, "student:5: moment 1 reliable, moment 2 not",
             rmtmc_theory_row_reliable(RMTMC_ROW_MOMENT, 1, 5, NULL, 0) &&
                 !rmtmc_theory_row_reliable(RMTMC_ROW_MOMENT, 2, 5, why, sizeof why),
             why);
  check_true(t, "student:9: moment 2 reliable, moment 3 not",
             rmtmc_theory_row_reliable(RMTMC_ROW_MOMENT, 2, 9, NULL, 0) &&
                 !rmtmc_theory_row_reliable(RMTMC_ROW_MOMENT, 3, 9, NULL, 0),
             "");
  check_true(t, "student:7: raw Stieltjes row reliable, the bias-corrected one not",
             rmtmc_theory_row_reliable(RMTMC_ROW_STIELTJES, 0, 7, NULL, 0) &&
                 !rmtmc_theory_row_reliable(RMTMC_ROW_STIELTJES_CORRECTED, 0, 7, why, sizeof why) &&
                 strstr(why, "NU > 8") != NULL,
             why);
  check_true(t, "student:9: the bias-corrected Stieltjes row reliable",
             rmtmc_theory_row_reliable(RMTMC_ROW_STIELTJES_CORRECTED, 0, 9, NULL, 0), "");
}

/* ---------------- messages in the user's terms ---------------- */

static void messages(tally *t) {
  static const char *const banned[] = {"pass mc", "max_iter", "raise", "bracket", "Brent", "phi ", NULL};
  double tA[2] = {1, 4}, wA[2] = {0.5, 0.5}, tb[2] = {-1, 4}, wb[2] = {0.5, 0.6};
  rmtmc_pop A = {2, tA, wA}, Neg = {2, tb, wA}, Bad = {2, tA, wb};
  rmtmc_error e[8];
  double complex m, mc;
  double d;
  int n = 0, clean = 1;
  rmtmc_theory_stieltjes(&A, 0.5, 1.5, NULL, &m, &mc, &e[n++]);
  rmtmc_theory_stieltjes(&Neg, 0.5, -1.0, NULL, &m, &mc, &e[n++]);
  rmtmc_theory_stieltjes(&Bad, 0.5, -1.0, NULL, &m, &mc, &e[n++]);
  rmtmc_theory_stieltjes(&A, -1.0, -1.0, NULL, &m, &mc, &e[n++]);
  rmtmc_theory_delta(&A, 0.5, -1.0, NULL, &d, &e[n++]);
  rmtmc_theory_stieltjes_bias(&A, 2.0, 0.0, 0.0, NULL, &m, &e[n++]);
  rmtmc_theory_stieltjes_bias(&A, 0.5, -1.0, -3.0, NULL, &m, &e[n++]);
  for (int i = 0; i < n; ++i) {
    for (const char *const *b = banned; *b; ++b)
      if (strstr(e[i].msg, *b)) clean = 0;
    printf("     message %d: %s\n", i, e[i].msg);
  }
  check_true(t, "theory error messages name quantities, not solver internals", clean, "");
  check_true(t, "on-support message names z, the interval and the way out",
             strstr(e[0].msg, "z = 1.5") && strstr(e[0].msg, "support interval") && strstr(e[0].msg, "imaginary"),
             e[0].msg);
}

int main(void) {
  tally t = {0, 0};
  many_intervals(&t, 200, 0.1, 26);
  many_intervals(&t, 200, 0.05, 39);
  many_intervals(&t, 1000, 0.05, 60);
  many_intervals(&t, 1000, 0.01, 185);
  poly_check(&t);
  masses_eta_gt_1(&t);
  spike_case(&t);
  moments_check(&t);
  density_curve(&t);
  z_zero(&t);
  edge_margin(&t);
  bias_sigma(&t);
  reliability(&t);
  messages(&t);
  printf("%d passed, %d failed\n", t.pass, t.fail);
  return t.fail ? 1 : 0;
}
