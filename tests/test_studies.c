/* test_studies.c: the generative (Prop A, Prop B) and ridge studies against
 * their deterministic equivalents with fixed seeds (|z| <= 4 from the
 * standard error of the per-trial differences), and reproducibility across
 * thread counts. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rmtmc_model.h"
#include "rmtmc_studies.h"
#include "rmtmc_theory.h"

#define ZMAX 4.0

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
  cfg.trials = 30;
  cfg.seed = 7;
  cfg.counts = counts;
  cfg.threads = 2;
  rmtmc_contexts_result r;
  rmtmc_error err;
  rmtmc_status st = rmtmc_contexts_run(&cfg, &r, &err);
  check_true(c, st == RMTMC_OK, counts == RMTMC_COUNTS_FIXED ? "Prop A (fixed counts) runs" : "Prop A (multinomial) runs");
  if (st != RMTMC_OK) { printf("  %s\n", err.msg); return; }
  const char *tag = counts == RMTMC_COUNTS_FIXED ? "Prop A fixed E_train" : "Prop A multinomial E_train";
  rows_z(c, tag, "gamma", r.etrain, cfg.ngamma);
  rows_z(c, counts == RMTMC_COUNTS_FIXED ? "Prop A fixed shrinkage" : "Prop A multinomial shrinkage", "gamma",
         r.shrink, cfg.ngamma);
  for (int64_t g = 0; g < cfg.ngamma; ++g) {
    char buf[200];
    snprintf(buf, sizeof buf, "Prop A rms ||mean phat_a - m_a|| = %.4f within 2x its noise floor %.4f (gamma %g)",
             r.phat_dev[g], r.phat_noise[g], cfg.gamma[g]);
    check_true(c, r.phat_dev[g] <= 2.0 * r.phat_noise[g], buf);
  }
  printf("  (%.1f trials/s)\n", r.trials_per_second);
  rmtmc_contexts_result_free(&r);
}

static void prop_b(check_ctx *c, int64_t d, int64_t n) {
  rmtmc_mixture_config cfg;
  rmtmc_mixture_config_default(&cfg);
  cfg.classes = 3;
  cfg.k = 4;
  cfg.d = d;
  cfg.n = n;
  cfg.trials = 40;
  cfg.seed = 11;
  cfg.threads = 2;
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
  cfg.trials = 40;
  cfg.seed = 5;
  cfg.threads = 2;
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
  printf("  (%.1f trials/s)\n", r.trials_per_second);
  rmtmc_ridge_result_free(&r);
}

static int same_rows(const rmtmc_grid_row *a, const rmtmc_grid_row *b, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (a[i].emp.mean != b[i].emp.mean || a[i].emp.stderr_ != b[i].emp.stderr_ || a[i].theory != b[i].theory)
      return 0;
  return 1;
}

static void reproducible(check_ctx *c) {
  rmtmc_error err;
  {
    rmtmc_contexts_result r1, r2;
    rmtmc_contexts_config cfg;
    rmtmc_contexts_config_default(&cfg);
    cfg.contexts = 60; cfg.d = 50; cfg.n = 300; cfg.trials = 70; cfg.counts = RMTMC_COUNTS_MULTINOMIAL;
    cfg.threads = 1;
    int ok = rmtmc_contexts_run(&cfg, &r1, &err) == RMTMC_OK;
    cfg.threads = 2;
    ok = ok && rmtmc_contexts_run(&cfg, &r2, &err) == RMTMC_OK;
    ok = ok && same_rows(r1.etrain, r2.etrain, cfg.ngamma) && same_rows(r1.shrink, r2.shrink, cfg.ngamma) &&
         memcmp(r1.phat_dev, r2.phat_dev, (size_t)cfg.ngamma * sizeof(double)) == 0;
    check_true(c, ok, "Prop A: identical numbers with --threads 1 and 2 (70 trials, two blocks)");
    rmtmc_contexts_result_free(&r1);
    rmtmc_contexts_result_free(&r2);
  }
  {
    rmtmc_mixture_result r1, r2;
    rmtmc_mixture_config cfg;
    rmtmc_mixture_config_default(&cfg);
    cfg.d = 80; cfg.n = 60; cfg.trials = 70; cfg.threads = 1; /* n < d: the Gram path */
    int ok = rmtmc_mixture_run(&cfg, &r1, &err) == RMTMC_OK;
    cfg.threads = 2;
    ok = ok && rmtmc_mixture_run(&cfg, &r2, &err) == RMTMC_OK && same_rows(r1.etest, r2.etest, cfg.ngamma);
    check_true(c, ok, "Prop B: identical numbers with --threads 1 and 2 (n < d)");
    rmtmc_mixture_result_free(&r1);
    rmtmc_mixture_result_free(&r2);
  }
  {
    rmtmc_ridge_result r1, r2;
    rmtmc_ridge_config cfg;
    rmtmc_ridge_config_default(&cfg);
    cfg.d = 60; cfg.n = 40; cfg.trials = 70; cfg.threads = 1; strcpy(cfg.sigma, "ar1:0.5");
    int ok = rmtmc_ridge_run(&cfg, &r1, &err) == RMTMC_OK;
    cfg.threads = 2;
    ok = ok && rmtmc_ridge_run(&cfg, &r2, &err) == RMTMC_OK && same_rows(r1.risk, r2.risk, cfg.nlam) &&
         same_rows(r1.gcv, r2.gcv, cfg.nlam);
    check_true(c, ok, "ridge: identical numbers with --threads 1 and 2 (ar1, d > n)");
    rmtmc_ridge_result_free(&r1);
    rmtmc_ridge_result_free(&r2);
  }
}

int main(void) {
  check_ctx c = {0, 0};
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
