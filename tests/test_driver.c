/* test_driver.c: the run driver (src/engine/driver.h), one test body for
 * every backend (argv[1] = cpu | cuda; 77 = skipped without a device):
 *   - a run split into block ranges whose kept blocks are folded in block
 *     order gives the numbers of one run (what MPI ranks will do): bit for
 *     bit on the CPU, Welford columns, sum columns, histogram and the
 *     per-trial table;
 *   - the lowest failing trial is reported whatever the batch size;
 *   - progress after every batch, ending at the trial count;
 *   - the automatic batch follows the backend's policy. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "engine/driver.h"
#include "rmtmc.h"
#include "support/backend_arg.h"

static rmtmc_backend_kind kind;
static const double z_re[2] = {-1.0, 1.0}, z_im[2] = {0.0, 0.3};

typedef struct setup {
  rmtmc_model m;
  rmtmc_layout L;
  rmtmc_work w;
} setup;

/* rows = the outputs; one sum column: Re m(-1) squared. */
static rmtmc_status map(void *ctx, uint64_t trial0, int64_t count, const double *out, double *rows, double *sums,
                        rmtmc_error *err) {
  const setup *s = ctx;
  for (int64_t i = 0; i < count; ++i) {
    memcpy(rows + i * s->L.nobs, out + i * s->L.nobs, (size_t)s->L.nobs * sizeof(double));
    sums[i] = out[i * s->L.nobs] * out[i * s->L.nobs];
  }
  return RMTMC_OK;
}

static rmtmc_status run(const setup *s, int64_t trials, int64_t batch, const rmtmc_backend_debug *dbg,
                        const drv_range *range, drv_result *r, int64_t *batch_used, rmtmc_progress_fn progress,
                        void *pctx, rmtmc_error *err) {
  rmtmc_run_opts o;
  rmtmc_run_opts_default(&o, trials, 99);
  o.backend = kind;
  o.threads = 2;
  o.batch = batch;
  o.save_trials = 1;
  o.save_eigenvalues = 1;
  o.progress = progress;
  o.progress_ctx = pctx;
  if (dbg) o.debug = *dbg;
  drv d;
  rmtmc_status st = drv_open(&d, &o, &s->w, 0.0, err);
  if (st != RMTMC_OK) return st;
  if (batch_used) *batch_used = d.batch;
  drv_spec spec = {.work = s->w, .nrow = s->L.nobs, .nsum = 1, .map = map, .ctx = (void *)s, .eig_cols = s->m.d};
  drv_range all = {0, 0, 0};
  st = drv_run_range(&d, &spec, range ? range : &all, r, err);
  drv_close(&d);
  return st;
}

static int same(const drv_result *a, const drv_result *b, int bits) {
  int ok = a->nrow == b->nrow && a->nsum == b->nsum && a->ntrials == b->ntrials;
  for (int64_t j = 0; ok && j < a->nrow; ++j)
    ok = a->w[j].n == b->w[j].n &&
         (bits ? memcmp(&a->w[j], &b->w[j], sizeof a->w[j]) == 0 : fabs(a->w[j].mean - b->w[j].mean) <= 1e-9);
  for (int64_t j = 0; ok && j < a->nsum; ++j)
    ok = bits ? memcmp(&a->sum[j], &b->sum[j], sizeof(double)) == 0 : fabs(a->sum[j] - b->sum[j]) <= 1e-9 * fabs(a->sum[j]);
  ok = ok && memcmp(a->hist, b->hist, (size_t)a->nhist * sizeof(int64_t)) == 0;
  ok = ok && a->trials.rows == b->trials.rows &&
       (!bits || memcmp(a->trials.data, b->trials.data, (size_t)(a->trials.rows * a->trials.cols) * sizeof(double)) == 0);
  ok = ok && (!bits || memcmp(a->trials.eigenvalues, b->trials.eigenvalues,
                              (size_t)(a->trials.rows * a->trials.eig_cols) * sizeof(double)) == 0);
  return ok;
}

static void ranges(check_ctx *c, const setup *s) {
  rmtmc_error err;
  drv_result full, part[3], folded;
  int bits = kind == RMTMC_BACKEND_CPU;
  int ok = run(s, 200, 0, NULL, NULL, &full, NULL, NULL, NULL, &err) == RMTMC_OK;
  /* three "ranks": blocks [0, 1), [1, 3), [3, ...) of 64 trials */
  drv_range r0 = {0, 1, 1}, r1 = {1, 2, 1}, r2 = {3, 0, 1};
  ok = ok && run(s, 200, 7, NULL, &r0, &part[0], NULL, NULL, NULL, &err) == RMTMC_OK &&
       run(s, 200, 0, NULL, &r1, &part[1], NULL, NULL, NULL, &err) == RMTMC_OK &&
       run(s, 200, 3, NULL, &r2, &part[2], NULL, NULL, NULL, &err) == RMTMC_OK;
  if (!ok) printf("run: %s\n", err.msg);
  check_true(c, ok && part[0].ntrials == 64 && part[1].ntrials == 128 && part[2].ntrials == 8 && part[2].nblocks == 1,
             "block ranges [0,1), [1,3), [3,..) of 200 trials: 64, 128 and 8 trials");
  ok = ok && drv_fold(&folded, part, 3, &err) == RMTMC_OK;
  check_true(c, ok && same(&full, &folded, bits),
             bits ? "the folded ranges give the one run's numbers bit for bit (Welford, sums, histogram, table)"
                  : "the folded ranges give the one run's numbers (to 1e-9)");
  drv_result_free(&full);
  drv_result_free(&folded);
  for (int q = 0; q < 3; ++q) drv_result_free(&part[q]);
  drv_result bad[2];
  if (run(s, 200, 0, NULL, &r0, &bad[0], NULL, NULL, NULL, &err) == RMTMC_OK &&
      run(s, 200, 0, NULL, &r2, &bad[1], NULL, NULL, NULL, &err) == RMTMC_OK) {
    check_true(c, drv_fold(&folded, bad, 2, &err) == RMTMC_ERR_INVALID, "folding ranges with a gap is refused");
    drv_result_free(&bad[0]);
    drv_result_free(&bad[1]);
  }
}

static void failures(check_ctx *c, const setup *s) {
  rmtmc_backend_debug dbg;
  rmtmc_backend_debug_default(&dbg);
  dbg.fail_trial[0] = 100;
  dbg.fail_trial[1] = 70;
  const int64_t batches[4] = {1, 7, 64, 0};
  for (int q = 0; q < 4; ++q) {
    rmtmc_error err;
    drv_result r;
    int64_t used = 0;
    rmtmc_status st = run(s, 150, batches[q], &dbg, NULL, &r, &used, NULL, NULL, &err);
    char what[700];
    snprintf(what, sizeof what, "failing trials 100 and 70, batch %lld: trial 70 reported (%s)", (long long)used,
             err.msg);
    check_true(c, st == RMTMC_ERR_NOCONV && strstr(err.msg, "trial 70 ") != NULL, what);
    if (st == RMTMC_OK) drv_result_free(&r);
  }
}

typedef struct progress_log {
  int calls;
  int64_t last_done, last_total;
  int monotone;
  int64_t stop_at; /* ask to stop once this many trials are done (0: never) */
} progress_log;

static int on_progress(void *ctx, int64_t done, int64_t total) {
  progress_log *p = ctx;
  p->monotone = p->monotone && done > p->last_done;
  p->calls++;
  p->last_done = done;
  p->last_total = total;
  return p->stop_at > 0 && done >= p->stop_at;
}

static void progress_and_policy(check_ctx *c, const setup *s) {
  rmtmc_error err;
  drv_result r;
  progress_log log = {0, 0, 0, 1, 0};
  int64_t used = 0;
  rmtmc_status st = run(s, 640, 0, NULL, NULL, &r, &used, on_progress, &log, &err);
  rmtmc_batch_policy pol;
  rmtmc_backend *be = NULL;
  rmtmc_backend_opts o;
  rmtmc_backend_opts_default(&o);
  o.threads = 2;
  rmtmc_backend_open(&be, kind, &o, &err);
  rmtmc_backend_policy(be, &pol);
  rmtmc_backend_close(be);
  int64_t want = (640 + pol.progress_steps - 1) / pol.progress_steps;
  if (want < pol.min_batch) want = pol.min_batch;
  if (want > pol.max_batch) want = pol.max_batch;
  char what[300];
  snprintf(what, sizeof what, "640 trials: automatic batch %lld = trials/%lld within [%lld, %lld]", (long long)used,
           (long long)pol.progress_steps, (long long)pol.min_batch, (long long)pol.max_batch);
  check_true(c, st == RMTMC_OK && used == want, what);
  snprintf(what, sizeof what, "progress after every batch: %d calls, ending at %lld/%lld", log.calls,
           (long long)log.last_done, (long long)log.last_total);
  check_true(c, st == RMTMC_OK && log.monotone && log.last_done == 640 && log.last_total == 640 &&
                    log.calls == (int)((640 + used - 1) / used) &&
                    log.calls >= (pol.progress_steps < 640 / pol.min_batch ? pol.progress_steps : 640 / pol.min_batch),
             what);
  if (st == RMTMC_OK) drv_result_free(&r);

  /* A progress callback that asks to stop: the run ends after that batch,
   * with RMTMC_ERR_CANCELLED and nothing left allocated. */
  progress_log stop = {0, 0, 0, 1, 2 * used};
  st = run(s, 640, 0, NULL, NULL, &r, &used, on_progress, &stop, &err);
  snprintf(what, sizeof what, "stop request after %lld trials: status %d after %d calls at %lld (%s)",
           (long long)(2 * used), (int)st, stop.calls, (long long)stop.last_done, err.msg);
  check_true(c, st == RMTMC_ERR_CANCELLED && stop.calls == 2 && stop.last_done == 2 * used &&
                    strstr(err.msg, "stopped at the caller's request") != NULL, what);
  if (st == RMTMC_OK) drv_result_free(&r);
}

int main(int argc, char **argv) {
  check_ctx c = {0, 0};
  int rc = test_backend_arg(argc, argv, "test_driver", &kind);
  if (rc != 0) return rc;
  rmtmc_error err;
  setup s;
  rmtmc_model_init(&s.m, 16, 24, "points:1:0.5,3:0.5", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, &err);
  rmtmc_layout_request q = {.nz = 2, .z_re = z_re, .z_im = z_im,
                            .zobs = RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES) | RMTMC_ZOBS_BIT(RMTMC_ZOBS_STIELTJES_DERIV),
                            .kmax = 3, .nbins = 12, .hist_lo = 0.0, .hist_hi = 8.0};
  rmtmc_layout_build(&s.L, &q, &err);
  s.w = (rmtmc_work){.method = RMTMC_METHOD_DENSE, .model = &s.m, .layout = &s.L};
  ranges(&c, &s);
  failures(&c, &s);
  progress_and_policy(&c, &s);
  rmtmc_model_free(&s.m);
  return check_finish(&c);
}
