/* test_backend_contract.c: the backend contract, one test body for every
 * backend (argv[1] = cpu | cuda; 77 = skipped without the backend's
 * device): the stage order is enforced (a failed stage needs a new
 * sample), entries a method lacks report RMTMC_ERR_UNSUPPORTED, the batch
 * capacity is checked, the solver-status rule names the first failing trial
 * in trial order, and the test hooks (fail_alloc, fail_solve, fail_trial)
 * behave the same everywhere; the exact fast spectrum methods (tridiagonal,
 * Bartlett) keep the same contract with their own stages. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backend/backend_impl.h"
#include "check.h"
#include "rmtmc.h"
#include "support/backend_arg.h"

static rmtmc_backend_kind kind;

static const double z_re[2] = {-1.0, 1.0}, z_im[2] = {0.0, 0.3};

static rmtmc_backend *open_with(const rmtmc_backend_debug *dbg) {
  rmtmc_backend_opts o;
  rmtmc_backend_opts_default(&o);
  o.threads = 2;
  if (dbg) o.debug = *dbg;
  rmtmc_backend *be = NULL;
  rmtmc_error err;
  if (rmtmc_backend_open(&be, kind, &o, &err) != RMTMC_OK) printf("open: %s\n", err.msg);
  return be;
}

static void expect(check_ctx *c, rmtmc_status got, rmtmc_status want, const rmtmc_error *err, const char *needle,
                   const char *what) {
  char line[900];
  int ok = got == want && (!needle || strstr(err->msg, needle) != NULL);
  snprintf(line, sizeof line, "%s: %s (%s%s%s)", what, rmtmc_status_str(got), got == RMTMC_OK ? "" : "\"",
           got == RMTMC_OK ? "" : err->msg, got == RMTMC_OK ? "" : "\"");
  check_true(c, ok, line);
}

typedef struct dense_case {
  rmtmc_model m;
  rmtmc_layout L;
  rmtmc_work w;
} dense_case;

static int dense_make(dense_case *k, rmtmc_error *err) {
  if (rmtmc_model_init(&k->m, 12, 20, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, err) !=
      RMTMC_OK)
    return 0;
  rmtmc_layout_request q = {.nz = 2, .z_re = z_re, .z_im = z_im, .zobs = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES),
                            .kmax = 2, .nbins = 8, .hist_lo = 0.0, .hist_hi = 4.0};
  if (rmtmc_layout_build(&k->L, &q, err) != RMTMC_OK) return 0;
  k->w = (rmtmc_work){.method = RMTMC_METHOD_DENSE, .model = &k->m, .layout = &k->L};
  return 1;
}

static void stages(check_ctx *c, const dense_case *k) {
  rmtmc_error err;
  rmtmc_backend *be = open_with(NULL);
  rmtmc_batch *b = NULL;
  double out[16 * 8], ev[16 * 12];
  int64_t hist[11] = {0};
  expect(c, rmtmc_batch_alloc(be, &k->w, 0, &b, &err), RMTMC_ERR_INVALID, &err, "capacity", "alloc with capacity 0");
  expect(c, rmtmc_batch_alloc(be, &k->w, 4, &b, &err), RMTMC_OK, &err, NULL, "alloc a batch of 4");
  expect(c, rmtmc_batch_gram(b, &err), RMTMC_ERR_INVALID, &err, "before sample", "gram before sample");
  expect(c, rmtmc_batch_reduce(b, out, hist, &err), RMTMC_ERR_INVALID, &err, "before sample", "reduce before sample");
  expect(c, rmtmc_batch_sample(b, 3, 0, 5, &err), RMTMC_ERR_INVALID, &err, "capacity", "sample 5 trials into 4");
  expect(c, rmtmc_batch_sample(b, 3, 0, -1, &err), RMTMC_ERR_INVALID, &err, "capacity", "sample -1 trials");
  expect(c, rmtmc_batch_sample(b, 3, 8, 4, &err), RMTMC_OK, &err, NULL, "sample trials 8..11");
  expect(c, rmtmc_batch_solve(b, &err), RMTMC_ERR_INVALID, &err, "needs gram", "solve before gram");
  expect(c, rmtmc_batch_reduce(b, out, hist, &err), RMTMC_ERR_INVALID, &err, "needs solve", "reduce after sample");
  expect(c, rmtmc_batch_copy_eigvals(b, ev, &err), RMTMC_ERR_INVALID, &err, "before solve", "copy_eigvals before solve");
  expect(c, rmtmc_batch_gram(b, &err), RMTMC_OK, &err, NULL, "gram");
  expect(c, rmtmc_batch_gram(b, &err), RMTMC_ERR_INVALID, &err, "needs sample", "gram twice");
  expect(c, rmtmc_batch_solve(b, &err), RMTMC_OK, &err, NULL, "solve: a refused call changed nothing");
  expect(c, rmtmc_batch_run(b, 3, 8, 4, out, hist, &err), RMTMC_OK, &err, NULL, "run (every stage) on trials 8..11");
  double first[16 * 8];
  memcpy(first, out, sizeof first);
  expect(c, rmtmc_batch_reduce(b, out, hist, &err), RMTMC_OK, &err, NULL, "reduce again");
  int64_t total = 0;
  for (int j = 0; j < 11; ++j) total += hist[j];
  check_true(c, memcmp(first, out, (size_t)(4 * k->L.nobs) * sizeof(double)) == 0 && total == 2 * 4 * 12,
             "a repeated reduce gives the same rows; the histogram counted 2 x 4 x 12 eigenvalues");
  expect(c, rmtmc_batch_copy_eigvals(b, ev, &err), RMTMC_OK, &err, NULL, "copy_eigvals after solve");
  int asc = 1;
  for (int t = 0; t < 4; ++t)
    for (int i = 1; i < 12; ++i) asc = asc && ev[t * 12 + i - 1] <= ev[t * 12 + i];
  check_true(c, asc, "eigenvalues ascending in each trial");
  expect(c, rmtmc_batch_sample(b, 3, 0, 0, &err), RMTMC_OK, &err, NULL, "an empty batch samples");
  rmtmc_batch_free(b);
  rmtmc_batch_free(NULL);
  rmtmc_backend_close(be);
  rmtmc_backend_close(NULL);
  check_true(c, 1, "freeing a NULL batch and closing a NULL backend are harmless");
}

static void fit_entries(check_ctx *c) {
  rmtmc_error err;
  rmtmc_model m;
  rmtmc_model_init(&m, 10, 20, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, &err);
  double grid[2] = {0.1, 1.0}, beta[10];
  for (int j = 0; j < 10; ++j) beta[j] = 0.3;
  rmtmc_fit_problem p = {.kind = RMTMC_FIT_RIDGE, .d = 10, .n = 20, .seed = 5, .ngrid = 2, .grid = grid,
                         .model = &m, .beta = beta, .noise = 0.5};
  rmtmc_work w = {.method = RMTMC_METHOD_FIT, .fit = &p};
  rmtmc_backend *be = open_with(NULL);
  rmtmc_batch *b = NULL;
  double out[4 * 6], ev[40];
  expect(c, rmtmc_batch_alloc(be, &w, 4, &b, &err), RMTMC_OK, &err, NULL, "fit: alloc");
  expect(c, rmtmc_batch_sample(b, 5, 0, 3, &err), RMTMC_OK, &err, NULL, "fit: sample");
  expect(c, rmtmc_batch_gram(b, &err), RMTMC_ERR_UNSUPPORTED, &err, "no gram stage", "fit: gram (no such stage)");
  expect(c, rmtmc_batch_solve(b, &err), RMTMC_ERR_UNSUPPORTED, &err, "no solve stage", "fit: solve (no such stage)");
  expect(c, rmtmc_batch_copy_eigvals(b, ev, &err), RMTMC_ERR_UNSUPPORTED, &err, "cannot copy",
         "fit: copy_eigvals (a NULL entry)");
  expect(c, rmtmc_batch_copy_sample(b, ev, &err), RMTMC_ERR_UNSUPPORTED, &err, "cannot copy",
         "fit: copy_sample (a NULL entry)");
  expect(c, rmtmc_batch_reduce(b, out, NULL, &err), RMTMC_OK, &err, NULL, "fit: reduce after sample");
  check_true(c, isfinite(out[0]) && out[0] > 0, "fit: the reduce wrote the outputs");
  rmtmc_batch_free(b);
  rmtmc_backend_close(be);
  /* the hooks on the fused method */
  rmtmc_backend_debug dbg;
  rmtmc_backend_debug_default(&dbg);
  dbg.fail_trial[0] = 6;
  be = open_with(&dbg);
  rmtmc_batch_alloc(be, &w, 4, &b, &err);
  expect(c, rmtmc_batch_run(b, 5, 4, 4, out, NULL, &err), RMTMC_ERR_NOCONV, &err, "trial 6",
         "fit: fail_trial 6 in trials 4..7 reports trial 6");
  expect(c, rmtmc_batch_run(b, 5, 0, 4, out, NULL, &err), RMTMC_OK, &err, NULL, "fit: trials 0..3 are fine");
  rmtmc_batch_free(b);
  rmtmc_backend_close(be);
  rmtmc_model_free(&m);
}

/* The resolvent method: stages sample, solve, reduce; no gram stage, no
 * copy entries; the hooks through the one solver-status rule; the backend
 * info names its solvers. */
static void resolvent_entries(check_ctx *c, const dense_case *k) {
  rmtmc_error err;
  double probes[12] = {1.0}, zr[2] = {0.5, 0.2}, zi[2] = {0.0, 0.4}, out[4 * 16], ev[48];
  int64_t pairs[2] = {0, 0};
  rmtmc_resolvent_problem p = {.model = &k->m, .nz = 2, .z_re = zr, .z_im = zi, .nprobe = 1, .probes = probes,
                               .npair = 1, .pairs = pairs, .traces = RMTMC_RSV_TRACE};
  rmtmc_work w = {.method = RMTMC_METHOD_RESOLVENT, .resolvent = &p};
  rmtmc_backend *be = open_with(NULL);
  rmtmc_batch *b = NULL;
  rmtmc_batch_limits lim;
  expect(c, rmtmc_backend_limits(be, &w, &lim, &err), RMTMC_OK, &err, NULL, "resolvent: limits");
  rmtmc_backend_info info;
  rmtmc_backend_info_get(be, &info, &err);
  check_true(c, strstr(info.solver, "potrf") != NULL, "resolvent: the backend info names the Cholesky solver");
  expect(c, rmtmc_batch_alloc(be, &w, 4, &b, &err), RMTMC_OK, &err, NULL, "resolvent: alloc");
  expect(c, rmtmc_batch_sample(b, 5, 0, 3, &err), RMTMC_OK, &err, NULL, "resolvent: sample");
  expect(c, rmtmc_batch_gram(b, &err), RMTMC_ERR_UNSUPPORTED, &err, "no gram stage", "resolvent: gram (no such stage)");
  expect(c, rmtmc_batch_copy_eigvals(b, ev, &err), RMTMC_ERR_UNSUPPORTED, &err, "cannot copy",
         "resolvent: copy_eigvals (a NULL entry)");
  expect(c, rmtmc_batch_reduce(b, out, NULL, &err), RMTMC_ERR_INVALID, &err, "needs solve", "resolvent: reduce before solve");
  expect(c, rmtmc_batch_solve(b, &err), RMTMC_OK, &err, NULL, "resolvent: solve");
  expect(c, rmtmc_batch_reduce(b, out, NULL, &err), RMTMC_OK, &err, NULL, "resolvent: reduce");
  check_true(c, isfinite(out[0]) && out[0] > 0, "resolvent: the reduce wrote the outputs");
  rmtmc_batch_free(b);
  rmtmc_backend_close(be);
  rmtmc_backend_debug dbg;
  rmtmc_backend_debug_default(&dbg);
  dbg.fail_solve = 1;
  be = open_with(&dbg);
  rmtmc_batch_alloc(be, &w, 4, &b, &err);
  expect(c, rmtmc_batch_run(b, 5, 8, 4, out, NULL, &err), RMTMC_ERR_NOCONV, &err, "trial 8 (forced",
         "resolvent: fail_solve reports the batch's first trial");
  expect(c, rmtmc_batch_run(b, 5, 8, 4, out, NULL, &err), RMTMC_OK, &err, NULL, "resolvent: fail_solve is one-shot");
  rmtmc_batch_free(b);
  rmtmc_backend_close(be);
}

static void hooks(check_ctx *c, const dense_case *k) {
  rmtmc_error err;
  rmtmc_backend_debug dbg;
  rmtmc_batch *b = NULL;
  double out[16 * 8];
  int64_t hist[11] = {0};
  /* fail_alloc: one-shot */
  rmtmc_backend_debug_default(&dbg);
  dbg.fail_alloc = 1;
  rmtmc_backend *be = open_with(&dbg);
  expect(c, rmtmc_batch_alloc(be, &k->w, 4, &b, &err), RMTMC_ERR_NOMEM, &err, "forced", "fail_alloc: alloc fails");
  check_true(c, b == NULL, "fail_alloc: no batch is handed back");
  expect(c, rmtmc_batch_alloc(be, &k->w, 4, &b, &err), RMTMC_OK, &err, NULL, "fail_alloc is one-shot");
  rmtmc_batch_free(b);
  rmtmc_backend_close(be);
  /* fail_solve: one-shot, the batch needs a new sample after it */
  rmtmc_backend_debug_default(&dbg);
  dbg.fail_solve = 1;
  be = open_with(&dbg);
  b = NULL;
  rmtmc_batch_alloc(be, &k->w, 4, &b, &err);
  rmtmc_status st = rmtmc_batch_sample(b, 3, 20, 4, &err);
  if (st == RMTMC_OK) st = rmtmc_batch_gram(b, &err);
  if (st == RMTMC_OK) st = rmtmc_batch_solve(b, &err);
  expect(c, st, RMTMC_ERR_NOCONV, &err, "trial 20 (forced", "fail_solve: solve reports its first trial");
  expect(c, rmtmc_batch_reduce(b, out, hist, &err), RMTMC_ERR_INVALID, &err, "failed stage",
         "fail_solve: reduce after the failed solve is refused");
  expect(c, rmtmc_batch_run(b, 3, 20, 4, out, hist, &err), RMTMC_OK, &err, NULL, "fail_solve is one-shot");
  rmtmc_batch_free(b);
  rmtmc_backend_close(be);
  /* fail_trial: the first failing trial in trial order is reported */
  rmtmc_backend_debug_default(&dbg);
  dbg.fail_trial[0] = 38;
  dbg.fail_trial[1] = 35;
  be = open_with(&dbg);
  b = NULL;
  rmtmc_batch_alloc(be, &k->w, 16, &b, &err);
  expect(c, rmtmc_batch_run(b, 3, 32, 16, out, hist, &err), RMTMC_ERR_NOCONV, &err, "trial 35",
         "fail_trial 38 and 35 in trials 32..47: trial 35 is reported");
  expect(c, rmtmc_batch_run(b, 3, 36, 16, out, hist, &err), RMTMC_ERR_NOCONV, &err, "trial 38",
         "... and in trials 36..51: trial 38");
  expect(c, rmtmc_batch_run(b, 3, 0, 16, out, hist, &err), RMTMC_OK, &err, NULL, "... trials 0..15 are fine");
  rmtmc_batch_free(b);
  rmtmc_backend_close(be);
}

/* The one solver-status rule (backend_check_info). */
static void info_rule(check_ctx *c) {
  rmtmc_error err;
  int a[4] = {0, 0, 3, -2};
  expect(c, backend_check_info(NULL, "X solver", a, 4, 10, &err), RMTMC_ERR_NOCONV, &err,
         "X solver did not converge for trial 12 (info 3)", "info > 0 first: no convergence, naming trial0 + i");
  int b[3] = {0, -2, 5};
  expect(c, backend_check_info(NULL, "X solver", b, 3, 10, &err), RMTMC_ERR_BACKEND, &err,
         "rejected argument 2 for trial 11", "info < 0 first: a rejected argument");
  int z[3] = {0, 0, 0};
  expect(c, backend_check_info(NULL, "X solver", z, 3, 10, &err), RMTMC_OK, &err, NULL, "all zero: ok");
}

static void describe(check_ctx *c, const dense_case *k) {
  rmtmc_error err;
  rmtmc_backend *be = open_with(NULL);
  rmtmc_backend_info info;
  rmtmc_status st = rmtmc_backend_info_get(be, &info, &err);
  char line[600];
  snprintf(line, sizeof line, "info: %s, %s (%s)", info.name, info.device, info.versions);
  check_true(c, st == RMTMC_OK && strcmp(info.name, rmtmc_backend_name(be)) == 0 && info.memory_bytes > 0, line);
  rmtmc_batch_policy p;
  rmtmc_backend_policy(be, &p);
  snprintf(line, sizeof line, "policy: batches of %lld..%lld trials, >= %lld progress steps, %.3g bytes",
           (long long)p.min_batch, (long long)p.max_batch, (long long)p.progress_steps, p.batch_bytes);
  check_true(c, p.min_batch >= 1 && p.max_batch >= p.min_batch && p.progress_steps >= 1, line);
  rmtmc_batch_limits lim;
  st = rmtmc_backend_limits(be, &k->w, &lim, &err);
  snprintf(line, sizeof line, "limits d=12 n=20: %lld trials, %.3g bytes per trial", (long long)lim.max_trials,
           lim.bytes_per_trial);
  check_true(c, st == RMTMC_OK && lim.max_trials >= 16 && lim.bytes_per_trial > 0, line);
  rmtmc_model big;
  if (rmtmc_model_init(&big, 150000, 150000, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, &err) ==
      RMTMC_OK) {
    rmtmc_work w = k->w;
    w.model = &big;
    expect(c, rmtmc_backend_limits(be, &w, &lim, &err), RMTMC_ERR_TOO_LARGE, &err, "150000",
           "limits d = n = 150000: too large, naming the sizes");
    rmtmc_model_free(&big);
  }
  rmtmc_work bad = k->w;
  bad.layout = NULL;
  expect(c, rmtmc_backend_limits(be, &bad, &lim, &err), RMTMC_ERR_INVALID, &err, "layout", "a work without a layout");
  rmtmc_backend_close(be);
}

/* The exact fast spectrum methods (tridiagonal, Bartlett): their stages,
 * their validity, their limits and the real-z rule of the tridiagonal one. */
static void fast_methods(check_ctx *c, const dense_case *k) {
  rmtmc_error err;
  rmtmc_model ar1, rad;
  rmtmc_model_init(&ar1, 12, 20, "ar1:0.5", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, &err);
  rmtmc_model_init(&rad, 12, 20, "identity", RMTMC_ENTRIES_RADEMACHER, 0.0, RMTMC_PRECISION_DOUBLE, &err);
  rmtmc_work tri = {.method = RMTMC_METHOD_TRIDIAGONAL, .model = &k->m, .layout = &k->L};
  rmtmc_work bar = {.method = RMTMC_METHOD_BARTLETT, .model = &ar1, .layout = &k->L};
  rmtmc_backend *be = open_with(NULL);
  rmtmc_batch *b = NULL;
  double out[8 * 16], again[8 * 16], ev[8 * 12];
  int64_t hist[11] = {0};
  /* tridiagonal: sample -> reduce, eigenvalues from the band */
  expect(c, rmtmc_batch_alloc(be, &tri, 4, &b, &err), RMTMC_OK, &err, NULL, "tridiagonal: alloc");
  expect(c, rmtmc_batch_copy_eigvals(b, ev, &err), RMTMC_ERR_INVALID, &err, "before sample",
         "tridiagonal: copy_eigvals before sample");
  expect(c, rmtmc_batch_sample(b, 3, 8, 4, &err), RMTMC_OK, &err, NULL, "tridiagonal: sample");
  expect(c, rmtmc_batch_gram(b, &err), RMTMC_ERR_UNSUPPORTED, &err, "no gram stage", "tridiagonal: no gram stage");
  expect(c, rmtmc_batch_solve(b, &err), RMTMC_ERR_UNSUPPORTED, &err, "no solve stage", "tridiagonal: no solve stage");
  expect(c, rmtmc_batch_copy_sample(b, ev, &err), RMTMC_ERR_UNSUPPORTED, &err, "cannot copy",
         "tridiagonal: no X to copy");
  expect(c, rmtmc_batch_copy_eigvals(b, ev, &err), RMTMC_OK, &err, NULL, "tridiagonal: copy_eigvals after sample");
  expect(c, rmtmc_batch_reduce(b, out, hist, &err), RMTMC_OK, &err, NULL, "tridiagonal: reduce after sample");
  int64_t total = 0;
  for (int j = 0; j < 11; ++j) total += hist[j];
  double worst = 0.0;
  int asc = 1;
  for (int t = 0; t < 4; ++t) {
    const double *e = ev + t * 12, *o = out + t * k->L.nobs;
    for (int i = 1; i < 12; ++i) asc = asc && e[i - 1] <= e[i];
    worst = fmax(worst, fabs(o[k->L.lam_max] - e[11]) / e[11]);
    worst = fmax(worst, fabs(o[k->L.lam_min] - e[0]) / e[11]);
  }
  char line[300];
  snprintf(line, sizeof line, "tridiagonal: dsterf's eigenvalues ascending; extremes of the reduce = theirs (%.1e rel)",
           worst);
  check_true(c, asc && worst < 1e-13, line);
  check_true(c, total == 4 * 12, "tridiagonal: the histogram counted 4 x 12 eigenvalues");
  expect(c, rmtmc_batch_run(b, 3, 8, 4, again, hist, &err), RMTMC_OK, &err, NULL, "tridiagonal: run");
  check_true(c, memcmp(out, again, (size_t)(4 * k->L.nobs) * sizeof(double)) == 0,
             "tridiagonal: the same trials give the same rows");
  rmtmc_batch_free(b);
  /* a real z inside a trial's spectrum stops the run, naming the trial */
  double zr[1] = {1.0}, zi[1] = {0.0};
  rmtmc_layout_request q = {.nz = 1, .z_re = zr, .z_im = zi, .zobs = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES),
                            .kmax = 2};
  rmtmc_layout Lin;
  rmtmc_layout_build(&Lin, &q, &err);
  rmtmc_work inside = {.method = RMTMC_METHOD_TRIDIAGONAL, .model = &k->m, .layout = &Lin};
  b = NULL;
  rmtmc_batch_alloc(be, &inside, 4, &b, &err);
  expect(c, rmtmc_batch_run(b, 3, 40, 4, out, NULL, &err), RMTMC_ERR_NUMERIC, &err, "trial 40",
         "tridiagonal: real z = 1 inside the spectrum: the first trial is named");
  rmtmc_batch_free(b);
  /* Bartlett: sample -> gram -> solve -> reduce */
  b = NULL;
  expect(c, rmtmc_batch_alloc(be, &bar, 4, &b, &err), RMTMC_OK, &err, NULL, "bartlett: alloc (full Sigma^(1/2))");
  expect(c, rmtmc_batch_sample(b, 3, 0, 4, &err), RMTMC_OK, &err, NULL, "bartlett: sample");
  expect(c, rmtmc_batch_reduce(b, out, hist, &err), RMTMC_ERR_INVALID, &err, "needs solve",
         "bartlett: reduce after sample");
  expect(c, rmtmc_batch_solve(b, &err), RMTMC_ERR_INVALID, &err, "needs gram", "bartlett: solve before gram");
  expect(c, rmtmc_batch_gram(b, &err), RMTMC_OK, &err, NULL, "bartlett: gram");
  expect(c, rmtmc_batch_solve(b, &err), RMTMC_OK, &err, NULL, "bartlett: solve");
  expect(c, rmtmc_batch_reduce(b, out, hist, &err), RMTMC_OK, &err, NULL, "bartlett: reduce");
  expect(c, rmtmc_batch_copy_eigvals(b, ev, &err), RMTMC_OK, &err, NULL, "bartlett: copy_eigvals");
  expect(c, rmtmc_batch_copy_sample(b, ev, &err), RMTMC_ERR_UNSUPPORTED, &err, "cannot copy",
         "bartlett: no X to copy");
  rmtmc_batch_free(b);
  /* validity: what each method is exact for (rmtmc_work_check) */
  rmtmc_work w = tri;
  w.model = &ar1;
  expect(c, rmtmc_batch_alloc(be, &w, 4, &b, &err), RMTMC_ERR_INVALID, &err, "Sigma = s2 I",
         "tridiagonal with ar1:0.5 is refused");
  w.model = &rad;
  expect(c, rmtmc_batch_alloc(be, &w, 4, &b, &err), RMTMC_ERR_INVALID, &err, "Gaussian",
         "tridiagonal with Rademacher entries is refused");
  w = bar;
  w.model = &rad;
  expect(c, rmtmc_batch_alloc(be, &w, 4, &b, &err), RMTMC_ERR_INVALID, &err, "Gaussian",
         "bartlett with Rademacher entries is refused");
  rmtmc_layout Ldm = k->L;
  Ldm.zobs |= RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES_DERIV);
  Ldm.zobs_off[RMTMC_ZOBS_STIELTJES_DERIV] = Ldm.nobs;
  Ldm.nobs += 2 * Ldm.nz;
  w = tri;
  w.layout = &Ldm;
  expect(c, rmtmc_batch_alloc(be, &w, 4, &b, &err), RMTMC_ERR_INVALID, &err, "m(z) only",
         "tridiagonal with m'(z) asked for is refused");
  /* the test hooks on the Bartlett solver */
  rmtmc_backend_close(be);
  rmtmc_backend_debug dbg;
  rmtmc_backend_debug_default(&dbg);
  dbg.fail_trial[0] = 6;
  be = open_with(&dbg);
  b = NULL;
  rmtmc_batch_alloc(be, &bar, 4, &b, &err);
  expect(c, rmtmc_batch_run(b, 3, 4, 4, out, hist, &err), RMTMC_ERR_NOCONV, &err, "trial 6",
         "bartlett: fail_trial 6 in trials 4..7 reports trial 6");
  rmtmc_batch_free(b);
  /* limits: O(d) memory per trial lets d = 10^6 batch many trials */
  rmtmc_model big;
  if (rmtmc_model_init(&big, 1000000, 2000000, "identity", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE,
                       &err) == RMTMC_OK) {
    rmtmc_batch_limits lim;
    w = tri;
    w.model = &big;
    rmtmc_status st = rmtmc_backend_limits(be, &w, &lim, &err);
    snprintf(line, sizeof line, "tridiagonal d = 10^6: %lld trials fit, %.4g bytes per trial (16 d = 1.6e7)",
             (long long)lim.max_trials, lim.bytes_per_trial);
    check_true(c, st == RMTMC_OK && lim.max_trials >= 64 && lim.bytes_per_trial >= 1.6e7 && lim.bytes_per_trial < 1.7e7,
               line);
    w.method = RMTMC_METHOD_DENSE;
    expect(c, rmtmc_backend_limits(be, &w, &lim, &err), RMTMC_ERR_TOO_LARGE, &err, "1000000",
           "dense d = 10^6: too large");
    rmtmc_model_free(&big);
  }
  rmtmc_backend_close(be);
  rmtmc_model_free(&ar1);
  rmtmc_model_free(&rad);
}

int main(int argc, char **argv) {
  check_ctx c = {0, 0};
  int rc = test_backend_arg(argc, argv, "test_backend_contract", &kind);
  if (rc != 0) return rc;
  rmtmc_error err;
  dense_case k;
  if (!dense_make(&k, &err)) {
    printf("setup: %s\n", err.msg);
    return 1;
  }
  describe(&c, &k);
  stages(&c, &k);
  fit_entries(&c);
  resolvent_entries(&c, &k);
  hooks(&c, &k);
  info_rule(&c);
  fast_methods(&c, &k);
  rmtmc_model_free(&k.m);
  return check_finish(&c);
}
