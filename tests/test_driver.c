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
#include "support/driver_case.h"
#include "support/backend_arg.h"

static rmtmc_backend_kind kind;

static rmtmc_status run(const drv_case *s, int64_t trials, int64_t batch, const rmtmc_backend_debug *dbg,
                        const drv_range *range, drv_result *r, int64_t *batch_used, rmtmc_progress_fn progress,
                        void *pctx, rmtmc_error *err) {
  rmtmc_run_opts o;
  drv_case_opts(&o, trials, 99, kind, 2, batch, dbg, progress, pctx);
  drv d;
  rmtmc_status st = drv_open(&d, &o, &s->w, 0.0, err);
  if (st != RMTMC_OK) return st;
  if (batch_used) *batch_used = d.batch;
  drv_spec spec = drv_case_spec(s);
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

static void ranges(check_ctx *c, const drv_case *s) {
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

static void failures(check_ctx *c, const drv_case *s) {
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

static void progress_and_policy(check_ctx *c, const drv_case *s) {
  rmtmc_error err;
  drv_result r;
  progress_log log = PROGRESS_LOG_INIT;
  int64_t used = 0;
  rmtmc_status st = run(s, 640, 0, NULL, NULL, &r, &used, progress_log_add, &log, &err);
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
  check_true(c, st == RMTMC_OK && log.increasing && log.last_done == 640 && log.last_total == 640 &&
                    log.calls == (int)((640 + used - 1) / used) &&
                    log.calls >= (pol.progress_steps < 640 / pol.min_batch ? pol.progress_steps : 640 / pol.min_batch),
             what);
  if (st == RMTMC_OK) drv_result_free(&r);

  /* A progress callback that asks to stop: the run ends after that batch,
   * with RMTMC_ERR_CANCELLED and nothing left allocated. */
  progress_log stop = PROGRESS_LOG_INIT;
  stop.stop_at = 2 * used;
  st = run(s, 640, 0, NULL, NULL, &r, &used, progress_log_add, &stop, &err);
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
  drv_case s;
  if (drv_case_init(&s, &err) != RMTMC_OK) {
    printf("set-up: %s\n", err.msg);
    return 1;
  }
  ranges(&c, &s);
  failures(&c, &s);
  progress_and_policy(&c, &s);
  rmtmc_model_free(&s.m);
  return check_finish(&c);
}
