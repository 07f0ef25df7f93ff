/* test_tridiag_dist.c: each fast method against the dense method IN
 * DISTRIBUTION, and the tridiagonal method against the theory at sizes the
 * dense method cannot reach.  Fixed seeds (the two methods of a comparison
 * use different seeds: their streams overlap in Philox counter space).
 *   dense        rmtmc_sample_entries, Sigma^(1/2) (dsymm or row scale),
 *                dsyrk, dsyevd, as the CPU backend does; complex data
 *                (beta = 2) by zherk + zheevd on (g1 + i g2)/sqrt 2;
 *   tridiagonal  cpu_de_sample + cpu_tridiag_reduce (O(d) statistics);
 *   bartlett     cpu_bartlett_sample + cpu_bartlett_gram + dsyevd.
 * Per trial: m_d(z) at five z (the spectrum study's default grid: two real
 * points off the support, three complex ones in the bulk), lambda_min and
 * lambda_max, moments (1/d) tr S^k, k = 1..4.
 * Assertions (|z| <= 4, KS at alpha = 0.001):
 *   fast vs dense   two-sample z on every observable's mean; two-sample KS
 *                   on lambda_max and lambda_min (d = 100..400);
 *   vs exact        E (1/d) tr S = tr Sigma / d, E (1/d) tr S^2 =
 *                   [(1 + 1/n) tr Sigma^2 + (tr Sigma)^2/n]/d (real;
 *                   1 + d/n complex, Sigma = I), both methods;
 *   vs theory       (tridiagonal, d = 10^4 and 2 x 10^4) m_d(z) against
 *                   Marchenko-Pastur plus the 1/d bias (rmtmc_mp_stieltjes,
 *                   rmtmc_mp_bias; no bias for complex data), lambda_max
 *                   against Tracy-Widom 1 (Johnstone's centring with Ma's
 *                   n - 1/2, p - 1/2: mean, variance, median). */
#include <complex.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/ref_layout.h"
#include "backend/cpu/cpu_fast.h"
#include "check.h"
#include "core/cmplx_compat.h"
#include "rmtmc_model.h"
#include "rmtmc_rng.h"
#include "rmtmc_theory.h"
#include "support/dense_ref.h"
#include "support/stat_tests.h"

#define ZMAX 4.0
#define NZ 5
#define KM 4
#define NOBS (2 * NZ + 2 + KM)
#define O_LMIN (2 * NZ)
#define O_LMAX (2 * NZ + 1)
#define O_MOM(k) (2 * NZ + 1 + (k))

typedef enum { DENSE, TRIDIAG, BARTLETT } method;
static const char *method_name[] = {"dense", "tridiagonal", "bartlett"};

typedef struct setup {
  const char *label;
  int64_t d, n;
  int beta;
  rmtmc_model model; /* real data: Sigma and its root */
  double zr[NZ], zi[NZ];
  rmtmc_layout spec;
} setup;

/* The spectrum study's default z grid for the support [lo, hi]. */
static void default_grid(setup *s, double lo, double hi) {
  double w = hi - lo;
  double re[NZ] = {-1.0, 1.5 * hi + 0.5, lo + 0.25 * w, lo + 0.5 * w, lo + 0.75 * w};
  double im[NZ] = {0.0, 0.0, 0.1 * w, 0.1 * w, 0.1 * w};
  memcpy(s->zr, re, sizeof re);
  memcpy(s->zi, im, sizeof im);
  rmtmc_layout r = ref_layout(NZ, s->zr, s->zi, KM, 0, 0.0, 0.0);
  s->spec = r;
}

static int setup_init(setup *s, const char *label, int64_t d, int64_t n, int beta, const char *sigma) {
  memset(s, 0, sizeof *s);
  s->label = label;
  s->d = d;
  s->n = n;
  s->beta = beta;
  rmtmc_error err;
  if (rmtmc_model_init(&s->model, d, n, sigma, RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE,
                       &err) != RMTMC_OK) {
    printf("model %s: %s\n", sigma, err.msg);
    return 0;
  }
  rmtmc_pop H = rmtmc_model_pop(&s->model);
  double edges[16];
  int64_t nint = 0;
  rmtmc_theory_edges(&H, (double)d / (double)n, 8, edges, &nint, &err);
  default_grid(s, edges[0], edges[2 * (nint > 8 ? 8 : nint) - 1]);
  return 1;
}

static int tridiag(const setup *s, uint64_t seed, uint64_t t, double *obs) {
  int64_t m = s->d < s->n ? s->d : s->n;
  double *a = malloc((size_t)m * sizeof *a), *b2 = malloc((size_t)m * sizeof *b2);
  rmtmc_error err;
  int ok = a && b2;
  if (ok) {
    cpu_de_sample(seed, t, s->d, s->n, s->beta, 1.0, a, b2);
    ok = cpu_tridiag_reduce(&s->spec, s->d, s->n, a, b2, obs, NULL, &err) == RMTMC_OK;
  }
  free(a);
  free(b2);
  return ok;
}

/* obs[trials x NOBS] of one method, trials [0, trials) of seed. */
static double *run(const setup *s, method meth, uint64_t seed, int64_t trials) {
  double *obs = malloc((size_t)(trials * NOBS) * sizeof *obs);
  int bad = 0;
#pragma omp parallel for schedule(dynamic, 2) reduction(+ : bad)
  for (int64_t t = 0; t < trials; ++t) {
    double *o = obs + t * NOBS;
    if (meth == TRIDIAG) {
      bad += !tridiag(s, seed, (uint64_t)t, o);
      continue;
    }
    double *ev = malloc((size_t)s->d * sizeof *ev);
    int ok = ev && (meth == BARTLETT ? ref_bartlett_eigs(&s->model, seed, (uint64_t)t, ev)
                    : s->beta == 2  ? ref_dense_eigs_complex(s->d, s->n, seed, (uint64_t)t, ev)
                                    : ref_dense_eigs(&s->model, seed, (uint64_t)t, ev));
    if (ok) ref_reduce(&s->spec, s->d, ev, s->d > s->n ? s->d - s->n : 0, o, NULL);
    free(ev);
    bad += !ok;
  }
  if (bad) {
    free(obs);
    return NULL;
  }
  return obs;
}

static const char *obs_name(int j, char *buf, size_t len, const setup *s) {
  if (j < 2 * NZ)
    snprintf(buf, len, "%s m_d(%.3g%+.3gi)", j & 1 ? "Im" : "Re", s->zr[j / 2], s->zi[j / 2]);
  else if (j == O_LMIN) snprintf(buf, len, "lambda_min");
  else if (j == O_LMAX) snprintf(buf, len, "lambda_max");
  else snprintf(buf, len, "moment k=%d", j - 2 * NZ - 1);
  return buf;
}

/* E (1/d) tr S and E (1/d) tr S^2 for this setup. */
static void exact_moments(const setup *s, double *m1, double *m2) {
  double t1 = 0.0, t2 = 0.0, d = (double)s->d, n = (double)s->n;
  for (int64_t i = 0; i < s->d; ++i) {
    t1 += s->model.pop_eigs[i];
    t2 += s->model.pop_eigs[i] * s->model.pop_eigs[i];
  }
  *m1 = t1 / d;
  /* real: [(1 + 1/n) tr Sigma^2 + (tr Sigma)^2 / n] / d; complex (Sigma = I): 1 + d/n */
  *m2 = s->beta == 2 ? 1.0 + d / n : ((1.0 + 1.0 / n) * t2 + t1 * t1 / n) / d;
}

static void check_exact(check_ctx *c, const setup *s, const char *mname, const double *obs,
                        int64_t trials) {
  double e1, e2;
  exact_moments(s, &e1, &e2);
  char what[256];
  for (int k = 1; k <= 2; ++k) {
    sample_stat st = sample_stat_of(obs + O_MOM(k), trials, NOBS);
    snprintf(what, sizeof what, "%s %s: E (1/d) tr S^%d = %.6g (exact)", s->label, mname, k,
             k == 1 ? e1 : e2);
    check_z(c, (st.mean - (k == 1 ? e1 : e2)) / sqrt(st.var / (double)trials), ZMAX, what);
  }
}

/* One fast method against the dense one on the same setup. */
static void compare(check_ctx *c, setup *s, method fast, int64_t trials, uint64_t seed) {
  double t0 = omp_get_wtime();
  double *a = run(s, DENSE, seed, trials), t1 = omp_get_wtime();
  double *b = run(s, fast, seed + 7919, trials), t2 = omp_get_wtime();
  char what[320], nb[96];
  if (!a || !b) {
    snprintf(what, sizeof what, "%s: both methods run", s->label);
    check_true(c, 0, what);
    free(a);
    free(b);
    return;
  }
  double worst = 0.0;
  for (int j = 0; j < NOBS; ++j) {
    if (j < 2 * NZ && (j & 1) && s->zi[j / 2] == 0.0) continue; /* real z: Im = 0 */
    sample_stat sa = sample_stat_of(a + j, trials, NOBS), sb = sample_stat_of(b + j, trials, NOBS);
    double z = two_sample_z(sb, sa);
    worst = fmax(worst, fabs(z));
    snprintf(what, sizeof what, "%s: %s vs dense, %s (%.6g vs %.6g)", s->label, method_name[fast],
             obs_name(j, nb, sizeof nb, s), sb.mean, sa.mean);
    check_z(c, z, ZMAX, what);
  }
  for (int j = O_LMIN; j <= O_LMAX; ++j) {
    double *x = malloc((size_t)trials * sizeof *x), *y = malloc((size_t)trials * sizeof *y);
    for (int64_t t = 0; t < trials; ++t) {
      x[t] = a[t * NOBS + j];
      y[t] = b[t * NOBS + j];
    }
    double D = ks_two_sample(x, trials, y, trials), sq = sqrt((double)trials / 2.0) * D;
    snprintf(what, sizeof what, "%s: %s vs dense, two-sample KS on %s: sqrt(n/2) D = %.3f (p = %.3f) <= %.3f",
             s->label, method_name[fast], j == O_LMAX ? "lambda_max" : "lambda_min", sq, ks_pvalue(sq),
             KS_C_001);
    check_true(c, sq <= KS_C_001, what);
    free(x);
    free(y);
  }
  printf("      (%s: %lld trials each, largest |z| %.2f; dense %.2f s, %s %.2f s)\n", s->label,
         (long long)trials, worst, t1 - t0, method_name[fast], t2 - t1);
  check_exact(c, s, "dense", a, trials);
  check_exact(c, s, method_name[fast], b, trials);
  free(a);
  free(b);
}

/* The tridiagonal method against the theory (Sigma = I). */
static void versus_theory(check_ctx *c, setup *s, int64_t trials, uint64_t seed) {
  double t0 = omp_get_wtime();
  double *o = run(s, TRIDIAG, seed, trials);
  printf("      (%s: %lld trials, %.2f s)\n", s->label, (long long)trials, omp_get_wtime() - t0);
  char what[320], nb[96];
  if (!o) {
    snprintf(what, sizeof what, "%s: tridiagonal method runs", s->label);
    check_true(c, 0, what);
    return;
  }
  double eta = (double)s->d / (double)s->n, d = (double)s->d;
  for (int j = 0; j < NZ; ++j) {
    double complex z = CMPLX(s->zr[j], s->zi[j]);
    double complex mth = rmtmc_mp_stieltjes(eta, z);
    double complex mu = s->beta == 1 ? rmtmc_mp_bias(eta, z) : 0.0;
    for (int part = 0; part < (s->zi[j] != 0.0 ? 2 : 1); ++part) {
      sample_stat st = sample_stat_of(o + 2 * j + part, trials, NOBS);
      double want = part ? cimag(mth + mu / d) : creal(mth + mu / d);
      double bias = part ? cimag(mu) / d : creal(mu) / d;
      snprintf(what, sizeof what, "%s: %s vs MP%s (bias/d %.2g = %.1f s.e.)", s->label,
               obs_name(2 * j + part, nb, sizeof nb, s), s->beta == 1 ? " + bias/d" : " (no bias, complex)",
               bias, bias / sqrt(st.var / (double)trials));
      check_z(c, (st.mean - want) / sqrt(st.var / (double)trials), ZMAX, what);
    }
  }
  check_exact(c, s, "tridiagonal", o, trials);
  if (s->beta == 1) {
    /* Tracy-Widom 1 (docs/theory.md 5.1.3.1, Ma's second-order centring) */
    double np = (double)s->n - 0.5, pp = (double)s->d - 0.5;
    double mu = pow(sqrt(np) + sqrt(pp), 2.0);
    double sg = (sqrt(np) + sqrt(pp)) * cbrt(1.0 / sqrt(np) + 1.0 / sqrt(pp));
    double *x = malloc((size_t)trials * sizeof *x), below = 0.0, m4 = 0.0;
    for (int64_t t = 0; t < trials; ++t) {
      x[t] = ((double)s->n * o[t * NOBS + O_LMAX] - mu) / sg;
      below += x[t] <= -1.268575;
    }
    sample_stat st = sample_stat_of(x, trials, 1);
    for (int64_t t = 0; t < trials; ++t) m4 += pow(x[t] - st.mean, 4.0);
    m4 /= (double)trials;
    double N = (double)trials;
    snprintf(what, sizeof what, "%s: lambda_max standardised, mean %.4f vs E TW1 -1.20653", s->label, st.mean);
    check_z(c, (st.mean + 1.2065335745820) / sqrt(st.var / N), ZMAX, what);
    snprintf(what, sizeof what, "%s: lambda_max standardised, variance %.4f vs Var TW1 1.60778", s->label, st.var);
    check_z(c, (st.var - 1.607781034581) / sqrt((m4 - st.var * st.var) / N), ZMAX, what);
    snprintf(what, sizeof what, "%s: P(standardised <= TW1 median -1.268575) = %.4f vs 0.5", s->label, below / N);
    check_z(c, (below / N - 0.5) / (0.5 / sqrt(N)), ZMAX, what);
    free(x);
  }
  free(o);
}

int main(void) {
  check_ctx c = {0, 0};
#if defined(OPENBLAS_VERSION)
  openblas_set_num_threads(1); /* trials run in parallel instead */
#endif
  setup s;
  /* tridiagonal vs dense */
  if (setup_init(&s, "real d=100 n=200", 100, 200, 1, "identity")) compare(&c, &s, TRIDIAG, 2000, 11);
  rmtmc_model_free(&s.model);
  if (setup_init(&s, "real d=300 n=150 (d > n)", 300, 150, 1, "identity")) compare(&c, &s, TRIDIAG, 600, 12);
  rmtmc_model_free(&s.model);
  if (setup_init(&s, "real d=400 n=800", 400, 800, 1, "identity")) compare(&c, &s, TRIDIAG, 300, 13);
  rmtmc_model_free(&s.model);
  if (setup_init(&s, "complex d=100 n=150", 100, 150, 2, "identity")) compare(&c, &s, TRIDIAG, 1000, 14);
  rmtmc_model_free(&s.model);
  /* Bartlett vs dense */
  if (setup_init(&s, "ar1:0.5 d=100 n=300 (full root)", 100, 300, 1, "ar1:0.5"))
    compare(&c, &s, BARTLETT, 1000, 15);
  rmtmc_model_free(&s.model);
  if (setup_init(&s, "points d=200 n=400 (diagonal)", 200, 400, 1, "points:1:0.5,4:0.5"))
    compare(&c, &s, BARTLETT, 600, 16);
  rmtmc_model_free(&s.model);
  if (setup_init(&s, "points d=150 n=100 (d > n, trapezoidal)", 150, 100, 1, "points:1:0.5,4:0.5"))
    compare(&c, &s, BARTLETT, 600, 17);
  rmtmc_model_free(&s.model);
  /* tridiagonal vs theory, beyond the dense method's reach in a test */
  if (setup_init(&s, "real d=1e4 n=2e4", 10000, 20000, 1, "identity")) versus_theory(&c, &s, 600, 21);
  rmtmc_model_free(&s.model);
  if (setup_init(&s, "real d=2e4 n=1e4 (d > n)", 20000, 10000, 1, "identity")) versus_theory(&c, &s, 400, 22);
  rmtmc_model_free(&s.model);
  if (setup_init(&s, "complex d=1e4 n=2e4", 10000, 20000, 2, "identity")) versus_theory(&c, &s, 400, 23);
  rmtmc_model_free(&s.model);
  return check_finish(&c);
}
