/* test_reproducible.c: a study's numbers do not depend on the thread count or
 * the batch size, and any trial replayed alone gives the same eigenvalues. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rmtmc.h"

static int same_result(const rmtmc_spectrum_result *a, const rmtmc_spectrum_result *b) {
  int ok = a->nz == b->nz && a->bins == b->bins;
  for (int64_t j = 0; ok && j < a->nz; ++j)
    ok = memcmp(&a->rows[j].re, &b->rows[j].re, sizeof(rmtmc_stat)) == 0 &&
         memcmp(&a->rows[j].im, &b->rows[j].im, sizeof(rmtmc_stat)) == 0;
  ok = ok && memcmp(&a->lam_min, &b->lam_min, sizeof a->lam_min) == 0 &&
       memcmp(&a->lam_max, &b->lam_max, sizeof a->lam_max) == 0 &&
       memcmp(a->moments, b->moments, sizeof a->moments) == 0 &&
       memcmp(a->counts, b->counts, (size_t)(a->bins + 3) * sizeof(int64_t)) == 0;
  return ok;
}

static void study(check_ctx *c, const char *sigma, const char *entries, int64_t d, int64_t n) {
  rmtmc_spectrum_config cfg;
  rmtmc_spectrum_config_default(&cfg);
  cfg.d = d;
  cfg.n = n;
  cfg.trials = 150; /* crosses the 64-trial accumulation blocks */
  cfg.seed = 2024;
  cfg.backend = RMTMC_BACKEND_CPU;
  strcpy(cfg.sigma, sigma);
  strcpy(cfg.entries, entries);
  const int threads[3] = {1, 2, 2};
  const int64_t batch[3] = {1, 7, 0};
  rmtmc_spectrum_result res[3];
  rmtmc_error err;
  int ran = 1;
  for (int k = 0; k < 3; ++k) {
    cfg.backend_opts.threads = threads[k];
    cfg.batch = batch[k];
    if (rmtmc_spectrum_run(&cfg, &res[k], &err) != RMTMC_OK) {
      printf("study failed: %s\n", err.msg);
      ran = 0;
    }
  }
  char what[160];
  snprintf(what, sizeof what, "%s/%s d=%lld n=%lld: identical numbers for threads 1,2,2 and batch 1,7,auto(%lld)",
           sigma, entries, (long long)d, (long long)n, ran ? (long long)res[2].batch : -1LL);
  check_true(c, ran && same_result(&res[0], &res[1]) && same_result(&res[0], &res[2]), what);
  if (ran)
    for (int k = 0; k < 3; ++k) rmtmc_spectrum_result_free(&res[k]);
}

/* Trials 10..14 in one batch vs trial 12 alone. */
static void replay(check_ctx *c, const char *sigma) {
  rmtmc_model m;
  rmtmc_error err;
  rmtmc_model_init(&m, 30, 45, sigma, RMTMC_ENTRIES_GAUSSIAN, 0, RMTMC_PRECISION_DOUBLE, &err);
  rmtmc_backend be;
  rmtmc_backend_opts opts = {2, 0, 0, 0};
  rmtmc_backend_open(&be, RMTMC_BACKEND_CPU, &opts, &err);
  double zr = -1.0, zi = 0.0;
  rmtmc_reduce_spec spec = {1, &zr, &zi, 2, 10, 0.0, 5.0};
  rmtmc_batch *b5 = NULL, *b1 = NULL;
  double ev5[5 * 30], ev1[30], obs[5 * 6];
  int64_t hist[13] = {0};
  int ok = be.ops->batch_alloc(be.impl, &m, &spec, 5, &b5, &err) == RMTMC_OK &&
           be.ops->batch_alloc(be.impl, &m, &spec, 1, &b1, &err) == RMTMC_OK &&
           be.ops->sample(be.impl, b5, 77, 10, 5, &err) == RMTMC_OK &&
           be.ops->gram(be.impl, b5, &err) == RMTMC_OK && be.ops->solve(be.impl, b5, &err) == RMTMC_OK &&
           be.ops->reduce(be.impl, b5, obs, hist, &err) == RMTMC_OK &&
           be.ops->copy_eigvals(be.impl, b5, ev5, &err) == RMTMC_OK &&
           be.ops->sample(be.impl, b1, 77, 12, 1, &err) == RMTMC_OK &&
           be.ops->gram(be.impl, b1, &err) == RMTMC_OK && be.ops->solve(be.impl, b1, &err) == RMTMC_OK &&
           be.ops->reduce(be.impl, b1, obs, hist, &err) == RMTMC_OK &&
           be.ops->copy_eigvals(be.impl, b1, ev1, &err) == RMTMC_OK;
  char what[128];
  snprintf(what, sizeof what, "%s: trial 12 replayed alone = trial 12 inside a batch", sigma);
  check_true(c, ok && memcmp(ev5 + 2 * 30, ev1, sizeof ev1) == 0, what);
  be.ops->batch_free(be.impl, b5);
  be.ops->batch_free(be.impl, b1);
  rmtmc_backend_close(&be);
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
