/* study_common.c: private helpers shared by the Monte Carlo studies
 * (study_common.h). */
#include "study/study_common.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int study_resolve_threads(int t) {
  if (t > 0) return t;
  int p = omp_get_num_procs();
  return p > 0 ? p : 1;
}

/* Physical memory in bytes (8 GB when unknown). */
static double physical_bytes(void) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? (double)pages * (double)size : 8e9;
}

rmtmc_status study_check_memory(const char *what, double bytes, const char *reduce, rmtmc_error *err) {
  double avail = 0.5 * physical_bytes();
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

void study_cumulative(double *cum, const double *P, int64_t k, int64_t c) {
  for (int64_t a = 0; a < c; ++a) {
    double s = 0.0;
    for (int64_t j = 0; j < k; ++j) cum[j + a * k] = (s += P[j + a * k]);
    cum[k - 1 + a * k] = 1.0;
  }
}

/* Automatic batch on a GPU: a 16th of the trials (so a long run reports
 * progress at least 16 times), within [64, 2048]. */
#define STUDY_GPU_BATCH_MIN 64
#define STUDY_GPU_BATCH_MAX 2048

rmtmc_status study_fit_open(study_fit *f, const rmtmc_fit_problem *p, rmtmc_backend_kind kind, int threads,
                            int device, int64_t batch, int64_t trials, double host_per_trial, rmtmc_study_run *run,
                            rmtmc_error *err) {
  rmtmc_backend_opts opts = {0};
  opts.threads = threads;
  opts.device = device;
  memset(f, 0, sizeof *f);
  memset(run, 0, sizeof *run);
  rmtmc_status st = rmtmc_backend_open(&f->be, kind, &opts, err);
  if (st != RMTMC_OK) return st;
  f->is_open = 1;
  snprintf(run->backend_note, sizeof run->backend_note, "%s", f->be.note);
  int64_t maxb = 0;
  st = rmtmc_backend_fit_max_batch(&f->be, p, &maxb, err);
  /* after the plan: the info names the eigensolver the trials run */
  if (st == RMTMC_OK) st = f->be.ops->info(f->be.impl, &run->backend, err);
  if (st != RMTMC_OK) {
    study_fit_close(f);
    return st;
  }
  if (batch <= 0 && f->be.kind == RMTMC_BACKEND_CPU) {
    batch = STUDY_BATCH > 4 * run->backend.threads ? STUDY_BATCH : 4 * run->backend.threads;
  } else if (batch <= 0) {
    batch = (trials + 15) / 16;
    if (batch < STUDY_GPU_BATCH_MIN) batch = STUDY_GPU_BATCH_MIN;
    if (batch > STUDY_GPU_BATCH_MAX) batch = STUDY_GPU_BATCH_MAX;
  }
  if (batch > maxb) batch = maxb;
  double host_cap = host_per_trial > 0 ? 0.25 * physical_bytes() / host_per_trial : 1e18;
  if ((double)batch > host_cap) batch = (int64_t)host_cap;
  if (batch > trials) batch = trials;
  if (batch < 1) batch = 1;
  run->batch = f->batch = batch;
  return RMTMC_OK;
}

rmtmc_status study_fit_run(study_fit *f, const rmtmc_fit_problem *p, int64_t trials, rmtmc_progress_fn progress,
                           void *progress_ctx, study_consume_fn consume, void *ctx, rmtmc_error *err) {
  rmtmc_fit_batch *fb = NULL;
  double *out = NULL;
  int64_t nout = rmtmc_fit_nout(p), batch = f->batch;
  rmtmc_status st = rmtmc_backend_fit_alloc(&f->be, p, batch, &fb, err);
  if (st == RMTMC_OK && !(out = malloc((size_t)(batch * nout) * sizeof(double))))
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for %lld trials x %lld outputs; lower --batch",
                         (long long)batch, (long long)nout);
  for (int64_t t0 = 0; st == RMTMC_OK && t0 < trials; t0 += batch) {
    int64_t cnt = trials - t0 < batch ? trials - t0 : batch;
    st = rmtmc_backend_fit_run(&f->be, fb, (uint64_t)t0, cnt, out, err);
    if (st == RMTMC_OK) st = consume(ctx, (uint64_t)t0, cnt, out, err);
    if (st == RMTMC_OK && progress) progress(progress_ctx, t0 + cnt, trials);
  }
  free(out);
  rmtmc_backend_fit_free(&f->be, fb);
  return st;
}

void study_fit_close(study_fit *f) {
  if (f && f->is_open) rmtmc_backend_close(&f->be);
  if (f) f->is_open = 0;
}
