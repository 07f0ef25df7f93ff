/* test_studies.c: the generative (Prop A, Prop B) and ridge studies against
 * their deterministic equivalents with fixed seeds (|z| <= 4 from the
 * standard error of the per-trial differences), one test body for every
 * backend (argv[1] = cpu | cuda; 77 = skipped without the backend's
 * device); and reproducibility: the same numbers for any batch size (and,
 * on the CPU, any thread count), bit for bit on the CPU. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "support/backend_arg.h"
#include "rmtmc_model.h"
#include "rmtmc_studies.h"
#include "rmtmc_theory.h"

#define ZMAX 4.0

static rmtmc_backend_kind kind;

static void rows_z(check_ctx *c, const char *what, const char *x, const rmtmc_grid_row *r, int64_t n) {
  char buf[200];
  for (int64_t i = 0; i < n; ++i) {
    snprintf(buf, sizeof buf, "%s %s=%g: %.5f +- %.5f vs %.5f", what, x, r[i].x, r[i].emp.mean,
             r[i].emp.stderr_, r[i].theory);
    check_z(c, r[i].zscore, ZMAX, buf);
  }
}

static void prop_a(check_ctx *c, rmtmc_counts_kind counts) {
  rmtmc_contexts_config cfg;
  rmtmc_contexts_config_default(&cfg);
  cfg.contexts = 200;
  cfg.d = 200;
  cfg.n = 2000;
  cfg.run.trials = 30;
  cfg.run.seed = 7;
  cfg.counts = counts;
  cfg.run.threads = 2;
  cfg.run.backend = kind;
  rmtmc_contexts_result r;
  rmtmc_error err;
  rmtmc_status st = rmtmc_contexts_run(&cfg, &r, &err);
  check_true(c, st == RMTMC_OK, counts == RMTMC_COUNTS_FIXED ? "Prop A (fixed counts) runs" : "Prop A (multinomial) runs");
  if (st != RMTMC_OK) { printf("  %s\n", err.msg); return; }
  const char *tag = counts == RMTMC_COUNTS_FIXED ? "Prop A fixed E_train" : "Prop A multinomial E_train";
  rows_z(c, tag, "gamma", r.etrain, cfg.ngamma);
  rows_z(c, counts == RMTMC_COUNTS_FIXED ? "Prop A fixed shrinkage" : "Prop A multinomial shrinkage", "gamma",
         r.shrink, cfg.ngamma);
  rows_z(c, counts == RMTMC_COUNTS_FIXED ? "Prop A fixed spread vs tr(C_a - m_a m_a^T)"
                                         : "Prop A multinomial spread vs tr(C_a - m_a m_a^T)",
         "gamma", r.spread, cfg.ngamma);
  /* Mean of phat_a against m_a: under the theory, (phat_dev / noise floor)^2
   * is an average of k c squared standardised means, about chi^2_f / f with
   * f >= (k - 1) c effective degrees of freedom (the k label coordinates of
   * a context are correlated); 4 standard deviations of it: */
  double lim2 = 1.0 + 4.0 * sqrt(2.0 / (double)((r.config.k - 1) * r.c));
  for (int64_t g = 0; g < cfg.ngamma; ++g) {
    char buf[200];
    double q2 = r.phat_dev[g] * r.phat_dev[g] / (r.phat_noise[g] * r.phat_noise[g]);
    snprintf(buf, sizeof buf, "Prop A ||mean phat_a - m_a||^2 / noise floor^2 = %.3f <= %.3f (gamma %g)", q2, lim2,
             cfg.gamma[g]);
    check_true(c, q2 <= lim2, buf);
  }
  printf("  (%.1f trials/s)\n", r.trials_per_second);
  rmtmc_contexts_result_free(&r);
}

/* E_test carries an O(1/n) bias (about +0.55/n at gamma = 1 here,
 * docs/generative.md); at 40 trials it moves z by about +1.5, within the
 * |z| <= 4 the test allows, which is not widened for it. */
static void prop_b(check_ctx *c, int64_t d, int64_t n) {
  rmtmc_mixture_config cfg;
  rmtmc_mixture_config_default(&cfg);
  cfg.classes = 3;
  cfg.k = 4;
  cfg.d = d;
  cfg.n = n;
  cfg.run.trials = 40;
  cfg.run.seed = 11;
  cfg.run.threads = 2;
  cfg.run.backend = kind;
  rmtmc_mixture_result r;
  rmtmc_error err;
  rmtmc_status st = rmtmc_mixture_run(&cfg, &r, &err);
  check_true(c, st == RMTMC_OK, "Prop B runs");
  if (st != RMTMC_OK) { printf("  %s\n", err.msg); return; }
  char tag[64];
  snprintf(tag, sizeof tag, "Prop B E_test (d=%lld n=%lld)", (long long)d, (long long)n);
  rows_z(c, tag, "gamma", r.etest, cfg.ngamma);
  printf("  (%.1f trials/s)\n", r.trials_per_second);
  rmtmc_mixture_result_free(&r);
}

static void ridge(check_ctx *c, const char *sigma, int64_t d, int64_t n) {
  rmtmc_ridge_config cfg;
  rmtmc_ridge_config_default(&cfg);
  strcpy(cfg.sigma, sigma);
  cfg.d = d;
  cfg.n = n;
  cfg.run.trials = 40;
  cfg.run.seed = 5;
  cfg.run.threads = 2;
  cfg.run.backend = kind;
  rmtmc_ridge_result r;
  rmtmc_error err;
  rmtmc_status st = rmtmc_ridge_run(&cfg, &r, &err);
  check_true(c, st == RMTMC_OK, "ridge runs");
  if (st != RMTMC_OK) { printf("  %s\n", err.msg); return; }
  char tag[128];
  snprintf(tag, sizeof tag, "ridge %s d=%lld n=%lld risk", sigma, (long long)d, (long long)n);
  rows_z(c, tag, "lambda", r.risk, cfg.nlam);
  snprintf(tag, sizeof tag, "ridge %s GCV - (R_emp + sigma2)", sigma);
  rows_z(c, tag, "lambda", r.gcv_gap, cfg.nlam);
  /* 1 - tr H/n = 1 - eta + eta lam m_d(-lam) is a linear spectral statistic:
   * its mean carries an O(1/n) bias as large as its fluctuations, predicted
   * by the Bai-Silverstein mean (real Gaussian rows): E - limit ~ lam mu(-lam)/n
   * with mu = rmtmc_theory_stieltjes_bias.  z-test after removing it. */
  rmtmc_model m;
  st = rmtmc_model_init(&m, d, n, sigma, RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, &err);
  check_true(c, st == RMTMC_OK, "ridge: population spectrum for the bias");
  rmtmc_pop pop = rmtmc_model_pop(&m);
  for (int64_t g = 0; st == RMTMC_OK && g < cfg.nlam; ++g) {
    double lam = cfg.lam[g];
    double complex mu = 0.0;
    st = rmtmc_theory_stieltjes_bias(&pop, (double)d / (double)n, -lam, 0.0, NULL, &mu, &err);
    check_true(c, st == RMTMC_OK, "ridge: bias of m_d(-lambda)");
    double bias = lam * creal(mu) / (double)n;
    snprintf(tag, sizeof tag, "ridge %s: reported 1/n bias of 1 - trH/n (lambda %g)", sigma, lam);
    check_close(c, r.dof[g].bias, bias, 1e-12 * fabs(bias), tag);
    snprintf(tag, sizeof tag, "ridge %s 1 - trH/n vs lam/kappa + lam mu(-lam)/n (lambda %g)", sigma, lam);
    check_z(c, r.dof[g].zscore_corrected, ZMAX, tag);
  }
  rmtmc_model_free(&m);
  /* the theory's optimal lambda and the ridgeless estimator */
  if (isfinite(r.lam_opt)) {
    snprintf(tag, sizeof tag, "ridge %s risk at the optimal lambda %.4g: %.5f +- %.5f vs %.5f", sigma, r.lam_opt,
             r.risk_opt.emp.mean, r.risk_opt.emp.stderr_, r.risk_opt.theory);
    check_z(c, r.risk_opt.zscore, ZMAX, tag);
  }
  if (r.has_ridgeless && isfinite(r.ridgeless.zscore_corrected)) {
    snprintf(tag, sizeof tag, "ridge %s ridgeless risk %.5f +- %.5f vs exact finite-n %.5f", sigma,
             r.ridgeless.emp.mean, r.ridgeless.emp.stderr_, r.ridgeless.theory + r.ridgeless.bias);
    check_z(c, r.ridgeless.zscore_corrected, ZMAX, tag);
  }
  printf("  (%.1f trials/s)\n", r.trials_per_second);
  rmtmc_ridge_result_free(&r);
}

/* Bit for bit on the CPU; to rounding (1e-9 relative) on a GPU, where
 * cuBLAS may pick other kernels for other batch sizes. */
static int same_rows(const rmtmc_grid_row *a, const rmtmc_grid_row *b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double x[3] = {a[i].emp.mean, a[i].emp.stderr_, a[i].theory}, y[3] = {b[i].emp.mean, b[i].emp.stderr_,
                                                                              b[i].theory};
    for (int q = 0; q < 3; ++q)
      if (kind == RMTMC_BACKEND_CPU ? x[q] != y[q] : !(fabs(x[q] - y[q]) <= 1e-9 * fabs(x[q])))
        return 0;
  }
  return 1;
}

/* Runs (threads, batch) = (1, auto), (2, 1), (2, 7) must agree (the thread
 * count matters on the CPU only). */
static const int run_threads[3] = {1, 2, 2};
static const int64_t run_batch[3] = {0, 1, 7};

static void reproducible(check_ctx *c) {
  rmtmc_error err;
  const char *what = kind == RMTMC_BACKEND_CPU ? "bit for bit with (threads, batch) = (1, auto), (2, 1), (2, 7)"
                                               : "to 1e-9 with batch = auto, 1, 7";
  char msg[256];
  {
    rmtmc_contexts_result r[3];
    rmtmc_contexts_config cfg;
    rmtmc_contexts_config_default(&cfg);
    cfg.contexts = 60; cfg.d = 50; cfg.n = 300; cfg.run.trials = 70; cfg.counts = RMTMC_COUNTS_MULTINOMIAL;
    cfg.run.backend = kind;
    int ok = 1, ran = 0;
    for (int q = 0; q < 3 && ok; ++q, ++ran) {
      cfg.run.threads = run_threads[q];
      cfg.run.batch = run_batch[q];
      ok = rmtmc_contexts_run(&cfg, &r[q], &err) == RMTMC_OK;
    }
    for (int q = 1; q < ran && ok; ++q)
      ok = same_rows(r[0].etrain, r[q].etrain, cfg.ngamma) && same_rows(r[0].shrink, r[q].shrink, cfg.ngamma) &&
           same_rows(r[0].spread, r[q].spread, cfg.ngamma);
    snprintf(msg, sizeof msg, "Prop A (multinomial, 70 trials): the same numbers %s", what);
    check_true(c, ok, msg);
    for (int q = 0; q < ran; ++q) rmtmc_contexts_result_free(&r[q]);
  }
  {
    rmtmc_mixture_result r[3];
    rmtmc_mixture_config cfg;
    rmtmc_mixture_config_default(&cfg);
    cfg.d = 80; cfg.n = 60; cfg.run.trials = 70; /* n < d: the Gram path */
    cfg.run.backend = kind;
    int ok = 1, ran = 0;
    for (int q = 0; q < 3 && ok; ++q, ++ran) {
      cfg.run.threads = run_threads[q];
      cfg.run.batch = run_batch[q];
      ok = rmtmc_mixture_run(&cfg, &r[q], &err) == RMTMC_OK;
    }
    for (int q = 1; q < ran && ok; ++q) ok = same_rows(r[0].etest, r[q].etest, cfg.ngamma);
    snprintf(msg, sizeof msg, "Prop B (n < d): the same numbers %s", what);
    check_true(c, ok, msg);
    for (int q = 0; q < ran; ++q) rmtmc_mixture_result_free(&r[q]);
  }
  {
    rmtmc_ridge_result r[3];
    rmtmc_ridge_config cfg;
    rmtmc_ridge_config_default(&cfg);
    cfg.d = 60; cfg.n = 40; cfg.run.trials = 70; strcpy(cfg.sigma, "ar1:0.5");
    cfg.run.backend = kind;
    int ok = 1, ran = 0;
    for (int q = 0; q < 3 && ok; ++q, ++ran) {
      cfg.run.threads = run_threads[q];
      cfg.run.batch = run_batch[q];
      ok = rmtmc_ridge_run(&cfg, &r[q], &err) == RMTMC_OK;
    }
    for (int q = 1; q < ran && ok; ++q)
      ok = same_rows(r[0].risk, r[q].risk, cfg.nlam) && same_rows(r[0].gcv, r[q].gcv, cfg.nlam) &&
           same_rows(&r[0].ridgeless, &r[q].ridgeless, 1);
    snprintf(msg, sizeof msg, "ridge (ar1, d > n): the same numbers %s", what);
    check_true(c, ok, msg);
    for (int q = 0; q < ran; ++q) rmtmc_ridge_result_free(&r[q]);
  }
}

int main(int argc, char **argv) {
  check_ctx c = {0, 0};
  int rc = test_backend_arg(argc, argv, "test_studies", &kind);
  if (rc != 0) return rc;
  prop_a(&c, RMTMC_COUNTS_FIXED);
  prop_a(&c, RMTMC_COUNTS_MULTINOMIAL);
  prop_b(&c, 300, 600);
  prop_b(&c, 400, 200);
  ridge(&c, "identity", 300, 600);
  ridge(&c, "points:0.5:0.5,2:0.5", 300, 600);
  ridge(&c, "ar1:0.5", 200, 400);
  ridge(&c, "identity", 400, 200);
  reproducible(&c);
  return check_finish(&c);
}
