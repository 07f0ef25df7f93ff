/* test_methods.c: the spectrum methods (--method) through the study API
 * (rmtmc_spectrum_run) on one backend (argv[1] = cpu | cuda; 77 = skipped
 * without the backend's device).  Fixed seeds; the two methods of a
 * comparison use different seeds (their streams overlap in counter space).
 *   (1) auto picks the documented method for each model (rmtmc_method_resolve
 *       and the result's method), and passes over the tridiagonal method when
 *       a real z is within its edge margin;
 *   (2) invalid combinations are RMTMC_ERR_INVALID with their reason, before
 *       any trial runs (nothing left allocated in the result);
 *   (3) each fast method against dense IN DISTRIBUTION: two-sample z on the
 *       mean of every per-z observable and of the moments k = 1..4
 *       (|z| <= 4), two-sample Kolmogorov-Smirnov on lambda_max and
 *       lambda_min from the per-trial tables (alpha = 0.001);
 *   (4) against the theory: the study's own z-scores (m(z) against the limit
 *       plus its 1/d bias, the exact moments; |z| <= 4) for both fast methods,
 *       and Tracy-Widom 1 for lambda_max of the tridiagonal method at
 *       d = 10^4 (Ma's centring: mean, variance, median);
 *   (5) a tridiagonal run at d = 2 x 10^5 batches several trials per call.
 * The agreement figures are printed (the closing note of issue 16 quotes
 * them). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rmtmc.h"
#include "support/backend_arg.h"
#include "support/stat_tests.h"

#define ZMAX 4.0

static rmtmc_backend_kind kind;

static void config(rmtmc_spectrum_config *c, const char *sigma, const char *entries, int64_t d, int64_t n,
                   int64_t trials, uint64_t seed, rmtmc_method method) {
  rmtmc_spectrum_config_default(c);
  c->d = d;
  c->n = n;
  c->run.trials = trials;
  c->run.seed = seed;
  c->run.backend = kind;
  c->run.threads = 2;
  c->method = method;
  snprintf(c->sigma, sizeof c->sigma, "%s", sigma);
  snprintf(c->entries, sizeof c->entries, "%s", entries);
}

/* ---------------------------------------------------------------- (1) */

typedef struct pick {
  const char *sigma, *entries;
  int64_t d, n;
  rmtmc_precision precision;
  unsigned zobs;
  rmtmc_method want;
} pick;

static void auto_picks(check_ctx *c) {
  const unsigned m = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES), mdm = m | RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES_DERIV);
  const pick table[] = {
      {"identity", "gaussian", 50, 100, RMTMC_PRECISION_DOUBLE, m, RMTMC_METHOD_TRIDIAGONAL},
      {"identity", "gaussian", 100, 50, RMTMC_PRECISION_DOUBLE, m, RMTMC_METHOD_TRIDIAGONAL},
      {"points:2.5:1", "gaussian", 50, 100, RMTMC_PRECISION_DOUBLE, m, RMTMC_METHOD_TRIDIAGONAL},
      {"spike:0", "gaussian", 50, 100, RMTMC_PRECISION_DOUBLE, m, RMTMC_METHOD_TRIDIAGONAL},
      {"ar1:0.5", "gaussian", 50, 100, RMTMC_PRECISION_DOUBLE, m, RMTMC_METHOD_BARTLETT},
      {"points:1:0.5,4:0.5", "gaussian", 50, 100, RMTMC_PRECISION_DOUBLE, m, RMTMC_METHOD_BARTLETT},
      {"spike:3", "gaussian", 50, 100, RMTMC_PRECISION_DOUBLE, m, RMTMC_METHOD_BARTLETT},
      {"identity", "gaussian", 50, 100, RMTMC_PRECISION_DOUBLE, mdm, RMTMC_METHOD_BARTLETT},
      {"ar1:0.5", "gaussian", 100, 50, RMTMC_PRECISION_DOUBLE, m, RMTMC_METHOD_DENSE},
      {"identity", "gaussian", 100, 50, RMTMC_PRECISION_DOUBLE, mdm, RMTMC_METHOD_DENSE},
      {"identity", "gaussian", 50, 100, RMTMC_PRECISION_SINGLE, m, RMTMC_METHOD_DENSE},
      {"identity", "rademacher", 50, 100, RMTMC_PRECISION_DOUBLE, m, RMTMC_METHOD_DENSE},
      {"ar1:0.5", "student:8", 50, 100, RMTMC_PRECISION_DOUBLE, m, RMTMC_METHOD_DENSE},
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; ++i) {
    const pick *p = &table[i];
    rmtmc_model md;
    rmtmc_error err;
    rmtmc_entries e;
    double nu = 0.0;
    char what[512], why[256] = "";
    rmtmc_method got = RMTMC_METHOD_AUTO;
    rmtmc_status st = rmtmc_entries_parse(p->entries, &e, &nu, &err);
    if (st == RMTMC_OK) st = rmtmc_model_init(&md, p->d, p->n, p->sigma, e, nu, p->precision, &err);
    if (st == RMTMC_OK) {
      st = rmtmc_method_resolve(RMTMC_METHOD_AUTO, &md, p->zobs, NULL, &got, why, sizeof why, &err);
      rmtmc_model_free(&md);
    }
    snprintf(what, sizeof what, "auto for %s, %s, d = %lld, n = %lld%s%s: %s (%s)", p->sigma, p->entries,
             (long long)p->d, (long long)p->n, p->precision == RMTMC_PRECISION_SINGLE ? ", single" : "",
             p->zobs == mdm ? ", m and dm" : "", rmtmc_method_name(got), st == RMTMC_OK ? why : err.msg);
    check_true(c, st == RMTMC_OK && got == p->want, what);
  }
  /* through the study: the result says what ran and why */
  rmtmc_spectrum_config cfg;
  rmtmc_spectrum_result r;
  rmtmc_error err;
  char what[700];
  config(&cfg, "identity", "gaussian", 60, 120, 20, 3, RMTMC_METHOD_AUTO);
  rmtmc_status st = rmtmc_spectrum_run(&cfg, &r, &err);
  snprintf(what, sizeof what, "study, identity d = 60: auto ran %s (%s)", st == RMTMC_OK ? rmtmc_method_name(r.method) : "-",
           st == RMTMC_OK ? r.method_why : err.msg);
  check_true(c, st == RMTMC_OK && r.method == RMTMC_METHOD_TRIDIAGONAL && strstr(r.method_why, "auto"), what);
  if (st == RMTMC_OK) rmtmc_spectrum_result_free(&r);
  /* d = 8: the default grid's real point 1.5 lam_max + 0.5 is within 4 edge
   * scales of the edge: auto passes over the tridiagonal method */
  config(&cfg, "identity", "gaussian", 8, 16, 20, 3, RMTMC_METHOD_AUTO);
  st = rmtmc_spectrum_run(&cfg, &r, &err);
  snprintf(what, sizeof what, "study, identity d = 8 (real z near the edge): auto ran %s (%s)",
           st == RMTMC_OK ? rmtmc_method_name(r.method) : "-", st == RMTMC_OK ? r.method_why : err.msg);
  check_true(c, st == RMTMC_OK && r.method == RMTMC_METHOD_BARTLETT && strstr(r.method_why, "not tridiagonal"), what);
  if (st == RMTMC_OK) rmtmc_spectrum_result_free(&r);
}

/* ---------------------------------------------------------------- (2) */

typedef struct refusal {
  const char *label, *sigma, *entries, *z;
  int64_t d, n;
  rmtmc_precision precision;
  unsigned zobs;
  rmtmc_method method;
  const char *needle;
} refusal;

static void refusals(check_ctx *c) {
  const unsigned m = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES), mdm = m | RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES_DERIV);
  const refusal table[] = {
      {"tridiagonal, ar1", "ar1:0.5", "gaussian", NULL, 50, 100, RMTMC_PRECISION_DOUBLE, m, RMTMC_METHOD_TRIDIAGONAL,
       "Sigma = s2 I"},
      {"tridiagonal, spike", "spike:3", "gaussian", NULL, 50, 100, RMTMC_PRECISION_DOUBLE, m,
       RMTMC_METHOD_TRIDIAGONAL, "Sigma = s2 I"},
      {"tridiagonal, rademacher", "identity", "rademacher", NULL, 50, 100, RMTMC_PRECISION_DOUBLE, m,
       RMTMC_METHOD_TRIDIAGONAL, "Gaussian entries"},
      {"bartlett, student", "ar1:0.5", "student:8", NULL, 50, 100, RMTMC_PRECISION_DOUBLE, m,
       RMTMC_METHOD_BARTLETT, "Gaussian entries"},
      {"tridiagonal, single", "identity", "gaussian", NULL, 50, 100, RMTMC_PRECISION_SINGLE, m,
       RMTMC_METHOD_TRIDIAGONAL, "double precision"},
      {"bartlett, single", "identity", "gaussian", NULL, 50, 100, RMTMC_PRECISION_SINGLE, m, RMTMC_METHOD_BARTLETT,
       "double precision"},
      {"tridiagonal, m'(z)", "identity", "gaussian", NULL, 50, 100, RMTMC_PRECISION_DOUBLE, mdm,
       RMTMC_METHOD_TRIDIAGONAL, "m(z) only"},
      {"tridiagonal, real z near the edge", "identity", "gaussian", "-1,3.1", 100, 200, RMTMC_PRECISION_DOUBLE, m,
       RMTMC_METHOD_TRIDIAGONAL, "support edge"},
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; ++i) {
    const refusal *p = &table[i];
    rmtmc_spectrum_config cfg;
    config(&cfg, p->sigma, p->entries, p->d, p->n, 10, 1, p->method);
    cfg.precision = p->precision;
    cfg.zobs = p->zobs;
    if (p->z) {
      cfg.nz = 2;
      cfg.z_re[0] = -1.0;
      cfg.z_re[1] = 3.1;
    }
    rmtmc_spectrum_result r;
    rmtmc_error err;
    rmtmc_error_clear(&err);
    rmtmc_status st = rmtmc_spectrum_run(&cfg, &r, &err);
    char what[700];
    snprintf(what, sizeof what, "refused: %s: \"%s\"", p->label, err.msg);
    check_true(c, st == RMTMC_ERR_INVALID && strstr(err.msg, p->needle) && r.counts == NULL && r.model.d == 0, what);
    if (st == RMTMC_OK) rmtmc_spectrum_result_free(&r);
  }
}

/* ---------------------------------------------------------------- (3), (4) */

static int column(const rmtmc_trials *t, const char *name) {
  for (int64_t j = 0; j < t->cols; ++j)
    if (strcmp(t->columns[j].name, name) == 0) return (int)j;
  return -1;
}

static double *column_copy(const rmtmc_trials *t, int j) {
  double *x = malloc((size_t)t->rows * sizeof *x);
  for (int64_t i = 0; x && i < t->rows; ++i) x[i] = t->data[i * t->cols + j];
  return x;
}

static double two_z(rmtmc_stat a, rmtmc_stat b) {
  return (a.mean - b.mean) / sqrt(a.stderr_ * a.stderr_ + b.stderr_ * b.stderr_);
}

/* The study's verdict rows: every per-z row (bias-corrected where the bias
 * is known) and the exact moments against the theory. */
static void versus_theory(check_ctx *c, const char *label, const rmtmc_spectrum_result *r) {
  char what[400];
  double worst = 0.0;
  for (int64_t j = 0; j < r->nz; ++j) {
    const rmtmc_stieltjes_row *w = &r->zobs[RMTMC_ZOBS_STIELTJES].rows[j];
    for (int im = 0; im < (w->z_im != 0.0 ? 2 : 1); ++im) {
      double z = im ? w->zscore_corr_im : w->zscore_corr_re;
      if (!isfinite(z)) z = im ? w->zscore_im : w->zscore_re;
      worst = fmax(worst, fabs(z));
      snprintf(what, sizeof what, "%s: %s m(%.4g%+.4gi) vs theory + bias/d (bias %.2g)", label, im ? "Im" : "Re",
               w->z_re, w->z_im, im ? w->bias_im : w->bias_re);
      check_z(c, z, ZMAX, what);
    }
  }
  for (int k = 0; k < 2; ++k) {
    double z = (r->moments[k].mean - r->moments_exact[k]) / r->moments[k].stderr_;
    worst = fmax(worst, fabs(z));
    snprintf(what, sizeof what, "%s: (1/d) tr S^%d vs its exact expectation %.6g", label, k + 1, r->moments_exact[k]);
    check_z(c, z, ZMAX, what);
  }
  printf("      (%s vs theory: largest |z| %.2f over %lld z points and 2 exact moments)\n", label, worst,
         (long long)r->nz);
}

static int run_saved(rmtmc_spectrum_config *cfg, rmtmc_spectrum_result *r, check_ctx *c, const char *label) {
  rmtmc_error err;
  cfg->run.save_trials = 1;
  if (rmtmc_spectrum_run(cfg, r, &err) == RMTMC_OK) return 1;
  char what[700];
  snprintf(what, sizeof what, "%s: the %s study runs (%s)", label, rmtmc_method_name(cfg->method), err.msg);
  check_true(c, 0, what);
  return 0;
}

/* One fast method against dense on the same model, through the study. */
static void versus_dense(check_ctx *c, const char *label, const char *sigma, int64_t d, int64_t n, int64_t trials,
                         uint64_t seed, rmtmc_method fast) {
  rmtmc_spectrum_config ca, cb;
  rmtmc_spectrum_result a, b;
  config(&ca, sigma, "gaussian", d, n, trials, seed, RMTMC_METHOD_DENSE);
  config(&cb, sigma, "gaussian", d, n, trials, seed + 7919, fast);
  if (!run_saved(&ca, &a, c, label)) return;
  if (!run_saved(&cb, &b, c, label)) {
    rmtmc_spectrum_result_free(&a);
    return;
  }
  char what[400];
  snprintf(what, sizeof what, "%s: the fast study ran %s", label, rmtmc_method_name(b.method));
  check_true(c, b.method == fast && a.method == RMTMC_METHOD_DENSE, what);
  double worst = 0.0;
  for (int64_t j = 0; j < a.nz; ++j) {
    const rmtmc_stieltjes_row *x = &a.zobs[RMTMC_ZOBS_STIELTJES].rows[j], *y = &b.zobs[RMTMC_ZOBS_STIELTJES].rows[j];
    for (int im = 0; im < (x->z_im != 0.0 ? 2 : 1); ++im) {
      double z = im ? two_z(y->im, x->im) : two_z(y->re, x->re);
      worst = fmax(worst, fabs(z));
      snprintf(what, sizeof what, "%s: %s vs dense, %s m(%.4g%+.4gi) (%.6f vs %.6f)", label, rmtmc_method_name(fast),
               im ? "Im" : "Re", x->z_re, x->z_im, im ? y->im.mean : y->re.mean, im ? x->im.mean : x->re.mean);
      check_z(c, z, ZMAX, what);
    }
  }
  for (int k = 0; k < RMTMC_SPECTRUM_KMAX; ++k) {
    double z = two_z(b.moments[k], a.moments[k]);
    worst = fmax(worst, fabs(z));
    snprintf(what, sizeof what, "%s: %s vs dense, (1/d) tr S^%d (%.6f vs %.6f)", label, rmtmc_method_name(fast), k + 1,
             b.moments[k].mean, a.moments[k].mean);
    check_z(c, z, ZMAX, what);
  }
  double ksmax = 0.0;
  const char *edge[2] = {"lambda_min", "lambda_max"};
  for (int e = 0; e < 2; ++e) {
    int ja = column(&a.trials, edge[e]), jb = column(&b.trials, edge[e]);
    double *x = ja >= 0 ? column_copy(&a.trials, ja) : NULL, *y = jb >= 0 ? column_copy(&b.trials, jb) : NULL;
    if (!x || !y) {
      check_true(c, 0, "per-trial extremes kept");
      free(x);
      free(y);
      continue;
    }
    double D = ks_two_sample(x, trials, y, trials), t = sqrt((double)trials / 2.0) * D;
    ksmax = fmax(ksmax, t);
    snprintf(what, sizeof what, "%s: %s vs dense, two-sample KS on %s: sqrt(n/2) D = %.3f (p = %.3f) <= %.3f", label,
             rmtmc_method_name(fast), edge[e], t, ks_pvalue(t), KS_C_001);
    check_true(c, t <= KS_C_001, what);
    free(x);
    free(y);
  }
  printf("      (%s: %lld trials each; largest |z| %.2f, largest KS sqrt(n/2) D %.3f (p = %.3f); dense %.2f s, %s "
         "%.2f s)\n",
         label, (long long)trials, worst, ksmax, ks_pvalue(ksmax), a.seconds, rmtmc_method_name(fast), b.seconds);
  versus_theory(c, label, &b);
  rmtmc_spectrum_result_free(&a);
  rmtmc_spectrum_result_free(&b);
}

/* The tridiagonal method at d = 10^4 against the theory and Tracy-Widom 1. */
static void tridiag_theory(check_ctx *c, int64_t d, int64_t n, int64_t trials, uint64_t seed) {
  rmtmc_spectrum_config cfg;
  rmtmc_spectrum_result r;
  char label[96], what[400];
  snprintf(label, sizeof label, "tridiagonal d = %lld, n = %lld", (long long)d, (long long)n);
  config(&cfg, "identity", "gaussian", d, n, trials, seed, RMTMC_METHOD_TRIDIAGONAL);
  if (!run_saved(&cfg, &r, c, label)) return;
  printf("      (%s: %lld trials, %.2f s, batch %lld)\n", label, (long long)trials, r.seconds, (long long)r.run.batch);
  versus_theory(c, label, &r);
  /* lambda_max standardised with Ma's second-order centring (THEORY 5.1) */
  int j = column(&r.trials, "lambda_max");
  double np = (double)n - 0.5, pp = (double)d - 0.5;
  double mu = pow(sqrt(np) + sqrt(pp), 2.0), sg = (sqrt(np) + sqrt(pp)) * cbrt(1.0 / sqrt(np) + 1.0 / sqrt(pp));
  double *x = malloc((size_t)trials * sizeof *x), below = 0.0, m4 = 0.0, N = (double)trials;
  for (int64_t t = 0; j >= 0 && t < trials; ++t) {
    x[t] = ((double)n * r.trials.data[t * r.trials.cols + j] - mu) / sg;
    below += x[t] <= -1.268575;
  }
  sample_stat st = sample_stat_of(x, trials, 1);
  for (int64_t t = 0; t < trials; ++t) m4 += pow(x[t] - st.mean, 4.0);
  m4 /= N;
  snprintf(what, sizeof what, "%s: lambda_max standardised, mean %.4f vs E TW1 -1.20653", label, st.mean);
  check_z(c, (st.mean + 1.2065335745820) / sqrt(st.var / N), ZMAX, what);
  snprintf(what, sizeof what, "%s: lambda_max standardised, variance %.4f vs Var TW1 1.60778", label, st.var);
  check_z(c, (st.var - 1.607781034581) / sqrt((m4 - st.var * st.var) / N), ZMAX, what);
  snprintf(what, sizeof what, "%s: P(standardised <= TW1 median -1.268575) = %.4f vs 0.5", label, below / N);
  check_z(c, (below / N - 0.5) / (0.5 / sqrt(N)), ZMAX, what);
  free(x);
  rmtmc_spectrum_result_free(&r);
}

/* The Bartlett method against the theory at a size where the dense method
 * would take 4 times longer (n = 4 d). */
static void bartlett_theory(check_ctx *c) {
  rmtmc_spectrum_config cfg;
  rmtmc_spectrum_result r;
  config(&cfg, "ar1:0.5", "gaussian", 200, 800, 300, 41, RMTMC_METHOD_BARTLETT);
  if (!run_saved(&cfg, &r, c, "bartlett ar1:0.5 d = 200, n = 800")) return;
  printf("      (bartlett ar1:0.5 d = 200, n = 800: 300 trials, %.2f s)\n", r.seconds);
  versus_theory(c, "bartlett ar1:0.5 d = 200, n = 800", &r);
  rmtmc_spectrum_result_free(&r);
}

/* ---------------------------------------------------------------- (5) */

static void large_d(check_ctx *c) {
  rmtmc_spectrum_config cfg;
  rmtmc_spectrum_result r;
  rmtmc_error err;
  config(&cfg, "identity", "gaussian", 200000, 400000, 8, 51, RMTMC_METHOD_AUTO);
  rmtmc_status st = rmtmc_spectrum_run(&cfg, &r, &err);
  char what[600];
  snprintf(what, sizeof what, "d = 2e5, n = 4e5, 8 trials: %s runs, batch %lld (%s)",
           st == RMTMC_OK ? rmtmc_method_name(r.method) : "-", st == RMTMC_OK ? (long long)r.run.batch : -1LL,
           st == RMTMC_OK ? "ok" : err.msg);
  check_true(c, st == RMTMC_OK && r.method == RMTMC_METHOD_TRIDIAGONAL && r.run.batch >= 2, what);
  if (st != RMTMC_OK) return;
  const rmtmc_stieltjes_row *w = &r.zobs[RMTMC_ZOBS_STIELTJES].rows[0];
  snprintf(what, sizeof what, "d = 2e5: m(-1) = %.10f vs the limit + bias/d %.10f (8 trials)", w->re.mean,
           w->theory_re + w->bias_re);
  check_true(c, fabs(w->re.mean - w->theory_re - w->bias_re) < 1e-5, what);
  rmtmc_spectrum_result_free(&r);
}

int main(int argc, char **argv) {
  check_ctx c = {0, 0};
  int rc = test_backend_arg(argc, argv, "test_methods", &kind);
  if (rc != 0) return rc;
  auto_picks(&c);
  refusals(&c);
  versus_dense(&c, "identity d=100 n=200", "identity", 100, 200, 1500, 11, RMTMC_METHOD_TRIDIAGONAL);
  versus_dense(&c, "identity d=240 n=120 (d > n)", "identity", 240, 120, 600, 12, RMTMC_METHOD_TRIDIAGONAL);
  versus_dense(&c, "ar1:0.5 d=100 n=300 (full root)", "ar1:0.5", 100, 300, 1000, 13, RMTMC_METHOD_BARTLETT);
  versus_dense(&c, "points d=150 n=100 (d > n)", "points:1:0.5,4:0.5", 150, 100, 600, 14, RMTMC_METHOD_BARTLETT);
  tridiag_theory(&c, 10000, 20000, 400, 21);
  bartlett_theory(&c);
  large_d(&c);
  return check_finish(&c);
}
