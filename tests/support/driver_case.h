/* driver_case.h: what the run-driver tests share (test_driver.c,
 * test_mpi.c): a small dense spectrum work (d = 16, n = 24, a two-point
 * Sigma, m and m' at two z, three moments, a 12-bin histogram), its map
 * (rows = the outputs, one sum column: Re m(-1) squared) and a progress
 * log. */
#ifndef RMTMC_TEST_DRIVER_CASE_H
#define RMTMC_TEST_DRIVER_CASE_H

#include <string.h>

#include "engine/driver.h"
#include "rmtmc.h"

typedef struct drv_case {
  rmtmc_model m;
  rmtmc_layout L;
  rmtmc_work w;
} drv_case;

static inline rmtmc_status drv_case_init(drv_case *s, rmtmc_error *err) {
  static const double z_re[2] = {-1.0, 1.0}, z_im[2] = {0.0, 0.3};
  rmtmc_status st =
      rmtmc_model_init(&s->m, 16, 24, "points:1:0.5,3:0.5", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, err);
  rmtmc_layout_request q = {.nz = 2, .z_re = z_re, .z_im = z_im,
                            .zobs = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES) | RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES_DERIV),
                            .kmax = 3, .nbins = 12, .hist_lo = 0.0, .hist_hi = 8.0};
  if (st == RMTMC_OK) st = rmtmc_layout_build(&s->L, &q, err);
  s->w = (rmtmc_work){.method = RMTMC_METHOD_DENSE, .model = &s->m, .layout = &s->L};
  return st;
}

/* drv_spec.map: rows = the outputs; one sum column: Re m(-1) squared. */
static inline rmtmc_status drv_case_map(void *ctx, uint64_t trial0, int64_t count, const double *out, double *rows,
                                        double *sums, rmtmc_error *err) {
  const drv_case *s = ctx;
  for (int64_t i = 0; i < count; ++i) {
    memcpy(rows + i * s->L.nobs, out + i * s->L.nobs, (size_t)s->L.nobs * sizeof(double));
    sums[i] = out[i * s->L.nobs] * out[i * s->L.nobs];
  }
  return RMTMC_OK;
}

static inline drv_spec drv_case_spec(const drv_case *s) {
  drv_spec spec = {.work = s->w, .nrow = s->L.nobs, .nsum = 1, .map = drv_case_map, .ctx = (void *)s,
                   .eig_cols = s->m.d};
  return spec;
}

/* The run options of the tests: every trial's row and eigenvalues kept. */
static inline void drv_case_opts(rmtmc_run_opts *o, int64_t trials, uint64_t seed, rmtmc_backend_kind kind,
                                 int threads, int64_t batch, const rmtmc_backend_debug *dbg, rmtmc_progress_fn fn,
                                 void *ctx) {
  rmtmc_run_opts_default(o, trials, seed);
  o->backend = kind;
  o->threads = threads;
  o->batch = batch;
  o->save_trials = 1;
  o->save_eigenvalues = 1;
  o->progress = fn;
  o->progress_ctx = ctx;
  if (dbg) o->debug = *dbg;
}

/* Progress calls: how many, the last, and whether done grew at every call
 * (increasing) or never fell (nondecreasing); a stop is asked for once
 * stop_at trials are done (0: never). */
typedef struct progress_log {
  int calls, increasing, nondecreasing;
  int64_t last_done, last_total;
  int64_t stop_at;
} progress_log;

#define PROGRESS_LOG_INIT {0, 1, 1, 0, 0, 0}

static inline int progress_log_add(void *ctx, int64_t done, int64_t total) {
  progress_log *p = ctx;
  p->increasing = p->increasing && done > p->last_done;
  p->nondecreasing = p->nondecreasing && done >= p->last_done;
  p->calls++;
  p->last_done = done;
  p->last_total = total;
  return p->stop_at > 0 && done >= p->stop_at;
}

#endif
