/* test_reproducible.c: a study's numbers do not depend on the thread count or
 * the batch size (the per-trial table neither), and any trial replayed
 * alone gives the same eigenvalues. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rmtmc.h"

static int same_result(const rmtmc_spectrum_result *a, const rmtmc_spectrum_result *b) {
  int ok = a->nz == b->nz && a->bins == b->bins;
  for (int k = 0; ok && k < RMTMC_ZOBS_COUNT; ++k) {
    const rmtmc_stieltjes_row *x = a->zobs[k].rows, *y = b->zobs[k].rows;
    ok = (x == NULL) == (y == NULL);
    for (int64_t j = 0; ok && x && j < a->nz; ++j)
      ok = memcmp(&x[j].re, &y[j].re, sizeof(rmtmc_stat)) == 0 && memcmp(&x[j].im, &y[j].im, sizeof(rmtmc_stat)) == 0;
  }
  ok = ok && memcmp(&a->lam_min, &b->lam_min, sizeof a->lam_min) == 0 &&
       memcmp(&a->lam_max, &b->lam_max, sizeof a->lam_max) == 0 &&
       memcmp(a->moments, b->moments, sizeof a->moments) == 0 &&
       memcmp(a->counts, b->counts, (size_t)(a->bins + 3) * sizeof(int64_t)) == 0;
  /* the per-trial table, bit for bit */
  ok = ok && a->trials.rows == b->trials.rows && a->trials.cols == b->trials.cols &&
       memcmp(a->trials.data, b->trials.data, (size_t)(a->trials.rows * a->trials.cols) * sizeof(double)) == 0 &&
       a->trials.eig_cols == b->trials.eig_cols &&
       memcmp(a->trials.eigenvalues, b->trials.eigenvalues,
              (size_t)(a->trials.rows * a->trials.eig_cols) * sizeof(double)) == 0;
  return ok;
}

static void study(check_ctx *c, const char *sigma, const char *entries, int64_t d, int64_t n) {
  rmtmc_spectrum_config cfg;
  rmtmc_spectrum_config_default(&cfg);
  cfg.method = RMTMC_METHOD_DENSE; /* this test's method; the fast ones: test_methods.c */
  cfg.d = d;
  cfg.n = n;
  cfg.run.trials = 150; /* crosses the 64-trial accumulation blocks */
  cfg.run.seed = 2024;
  cfg.run.backend = RMTMC_BACKEND_CPU;
  cfg.run.save_trials = 1;
  cfg.run.save_eigenvalues = 1;
  cfg.zobs = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES) | RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES_DERIV);
  strcpy(cfg.sigma, sigma);
  strcpy(cfg.entries, entries);
  const int threads[3] = {1, 2, 2};
  const int64_t batch[3] = {1, 7, 0};
  rmtmc_spectrum_result res[3];
  rmtmc_error err;
  int ran = 1;
  for (int k = 0; k < 3; ++k) {
    cfg.run.threads = threads[k];
    cfg.run.batch = batch[k];
    if (rmtmc_spectrum_run(&cfg, &res[k], &err) != RMTMC_OK) {
      printf("study failed: %s\n", err.msg);
      ran = 0;
    }
  }
  char what[200];
  snprintf(what, sizeof what,
           "%s/%s d=%lld n=%lld: identical numbers and per-trial tables for threads 1,2,2 and batch 1,7,auto(%lld)",
           sigma, entries, (long long)d, (long long)n, ran ? (long long)res[2].run.batch : -1LL);
  check_true(c, ran && same_result(&res[0], &res[1]) && same_result(&res[0], &res[2]), what);
  if (ran) {
    /* the table's rows are the trials the accumulators saw: row means */
    const rmtmc_trials *t = &res[0].trials;
    double s = 0.0;
    for (int64_t i = 0; i < t->rows; ++i) s += t->data[i * t->cols];
    snprintf(what, sizeof what, "%s: the mean of the table's first column is the reported mean (%.12g)", sigma,
             res[0].zobs[0].rows[0].re.mean);
    check_close(c, s / (double)t->rows, res[0].zobs[0].rows[0].re.mean, 1e-12, what);
    for (int k = 0; k < 3; ++k) rmtmc_spectrum_result_free(&res[k]);
  }
}

/* Trials 10..14 in one batch vs trial 12 alone. */
static void replay(check_ctx *c, const char *sigma) {
  rmtmc_model m;
  rmtmc_error err;
  rmtmc_model_init(&m, 30, 45, sigma, RMTMC_ENTRIES_GAUSSIAN, 0, RMTMC_PRECISION_DOUBLE, &err);
  rmtmc_backend_opts opts;
  rmtmc_backend_opts_default(&opts);
  opts.threads = 2;
  rmtmc_backend *be = NULL;
  rmtmc_backend_open(&be, RMTMC_BACKEND_CPU, &opts, &err);
  double zr = -1.0, zi = 0.0;
  rmtmc_layout_request req = {.nz = 1, .z_re = &zr, .z_im = &zi, .zobs = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES),
                              .kmax = 2, .nbins = 10, .hist_lo = 0.0, .hist_hi = 5.0};
  rmtmc_layout L;
  rmtmc_layout_build(&L, &req, &err);
  rmtmc_work w = {.method = RMTMC_METHOD_DENSE, .model = &m, .layout = &L};
  rmtmc_batch *b5 = NULL, *b1 = NULL;
  double ev5[5 * 30], ev1[30], obs[5 * 6];
  int64_t hist[13] = {0};
  int ok = rmtmc_batch_alloc(be, &w, 5, &b5, &err) == RMTMC_OK && rmtmc_batch_alloc(be, &w, 1, &b1, &err) == RMTMC_OK &&
           rmtmc_batch_run(b5, 77, 10, 5, obs, hist, &err) == RMTMC_OK &&
           rmtmc_batch_copy_eigvals(b5, ev5, &err) == RMTMC_OK &&
           rmtmc_batch_run(b1, 77, 12, 1, obs, hist, &err) == RMTMC_OK &&
           rmtmc_batch_copy_eigvals(b1, ev1, &err) == RMTMC_OK;
  char what[128];
  snprintf(what, sizeof what, "%s: trial 12 replayed alone = trial 12 inside a batch", sigma);
  check_true(c, ok && memcmp(ev5 + 2 * 30, ev1, sizeof ev1) == 0, what);
  rmtmc_batch_free(b5);
  rmtmc_batch_free(b1);
  rmtmc_backend_close(be);
  rmtmc_model_free(&m);
}

int main(void) {
  check_ctx c = {0, 0};
  study(&c, "identity", "gaussian", 40, 60);
  study(&c, "ar1:0.5", "student:6", 30, 20);
  study(&c, "points:1:0.5,3:0.5", "rademacher", 25, 50);
  replay(&c, "identity");
  replay(&c, "ar1:0.3");
  return check_finish(&c);
}
