/* study_common.c: private helpers shared by the Monte Carlo studies
 * (study_common.h). */
#include "study/study_common.h"

#include <math.h>
#include <omp.h>
#include <unistd.h>

#include "rmtmc_rng.h"

rmtmc_stat study_stat_of(const rmtmc_welford *w) {
  rmtmc_stat s;
  s.mean = w->mean;
  s.stderr_ = rmtmc_welford_stderr(w);
  s.sd = sqrt(rmtmc_welford_var(w));
  return s;
}

void study_finish_row(rmtmc_grid_row *r, double x, const rmtmc_welford *w) {
  r->x = x;
  r->emp = study_stat_of(&w[0]);
  r->theory = w[1].mean;
  r->diff = study_stat_of(&w[2]);
  r->zscore = r->diff.mean / r->diff.stderr_;
  r->bias = NAN;
  r->zscore_corrected = NAN;
}

void study_set_bias(rmtmc_grid_row *r, double bias) {
  r->bias = bias;
  r->zscore_corrected = (r->diff.mean - bias) / r->diff.stderr_;
}

void study_fill_gaussian(uint64_t seed, uint64_t trial, double *g, uint64_t total) {
  for (uint64_t p = 0; 2 * p < total; ++p) {
    double x, y;
    rmtmc_box_muller(rmtmc_stream_block(seed, trial, p), &x, &y);
    g[2 * p] = x;
    if (2 * p + 1 < total) g[2 * p + 1] = y;
  }
}

int study_resolve_threads(int t) {
  if (t > 0) return t;
  int p = omp_get_num_procs();
  return p > 0 ? p : 1;
}

rmtmc_status study_check_memory(const char *what, double bytes, const char *reduce, rmtmc_error *err) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  double avail = pages > 0 && size > 0 ? 0.5 * (double)pages * (double)size : 8e9;
  if (!(bytes <= avail))
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                           "%s needs %.3g GiB of memory, more than the %.3g GiB available; reduce %s", what,
                           bytes / 1073741824.0, avail / 1073741824.0, reduce);
  return RMTMC_OK;
}

rmtmc_status study_check_grid(const char *opt, const double *g, int64_t ng, rmtmc_error *err) {
  if (ng < 1 || ng > RMTMC_STUDY_MAX_GRID)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s needs 1 to %d values", opt, RMTMC_STUDY_MAX_GRID);
  for (int64_t i = 0; i < ng; ++i)
    if (!(g[i] > 0) || !isfinite(g[i]))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s: every value must be finite and > 0 (got %g)", opt, g[i]);
  return RMTMC_OK;
}

rmtmc_status study_run_batch(int threads, int64_t b0, int64_t nb, study_trial_fn fn, void *ctx,
                             rmtmc_error *err) {
  rmtmc_status bst = RMTMC_OK;
  rmtmc_error berr;
  rmtmc_error_clear(&berr);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int64_t i = 0; i < nb; ++i) {
    rmtmc_error e1;
    rmtmc_error_clear(&e1);
    rmtmc_status s1 = fn(ctx, omp_get_thread_num(), i, (uint64_t)(b0 + i), &e1);
    if (s1 != RMTMC_OK) {
#pragma omp critical
      {
        if (bst == RMTMC_OK) { bst = s1; berr = e1; }
      }
    }
  }
  if (bst != RMTMC_OK && err) *err = berr;
  return bst;
}
