/* test_mpi.c: the run driver across MPI ranks (src/engine/driver_ranks.c,
 * src/engine/mpi.c), run by tests/mpi_run.sh under `mpiexec -n 3` (label
 * mpi; 77 = skipped without MPI).  On every rank, against one process
 * running all the trials:
 *   - the same numbers bit for bit on the CPU: Welford columns, sum
 *     columns and histogram on every rank; the per-trial table and the
 *     eigenvalues, in trial order, on rank 0 (no rows elsewhere); with
 *     trial counts that leave a rank without a block, and other batches;
 *   - the run info lists every rank and where it ran;
 *   - progress is reported on rank 0 only and counts every rank's trials;
 *   - a failure on one rank (a late trial's solver, an allocation on one
 *     rank, a rank failing outside any run) reaches every rank as the same
 *     status and message, the failing rank named. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "engine/comm.h"
#include "engine/driver.h"
#include "rmtmc.h"
#include "support/driver_case.h"

static rmtmc_comm *comm;
static int rank, size;

/* Every rank checks; rank 0 prints every line, the others their failures. */
static void ck(check_ctx *c, int ok, const char *what) {
  if (rank == 0 || !ok) {
    char line[800];
    snprintf(line, sizeof line, "[rank %d] %s", rank, what);
    check_true(c, ok, line);
  } else {
    c->passed++;
  }
}

/* One run: on comm c (NULL: this process alone). */
static rmtmc_status run(const drv_case *s, rmtmc_comm *c, int64_t trials, int64_t batch, const rmtmc_backend_debug *dbg,
                        progress_log *log, drv_result *r, rmtmc_run_info *info, rmtmc_error *err) {
  rmtmc_run_opts o;
  drv_case_opts(&o, trials, 77, RMTMC_BACKEND_CPU, 1, batch, dbg, log ? progress_log_add : NULL, log);
  o.comm = c;
  drv d;
  rmtmc_status st = drv_open(&d, &o, &s->w, 0.0, err);
  if (st != RMTMC_OK) return st;
  if (info) *info = d.info;
  drv_spec spec = drv_case_spec(s);
  st = drv_run(&d, &spec, r, err);
  drv_close(&d);
  return st;
}

static int same_totals(const drv_result *a, const drv_result *b) {
  return a->nrow == b->nrow && a->nsum == b->nsum && a->nhist == b->nhist && a->ntrials == b->ntrials &&
         memcmp(a->w, b->w, (size_t)a->nrow * sizeof *a->w) == 0 &&
         memcmp(a->sum, b->sum, (size_t)a->nsum * sizeof *a->sum) == 0 &&
         memcmp(a->hist, b->hist, (size_t)a->nhist * sizeof *a->hist) == 0;
}

static int same_table(const drv_result *a, const drv_result *b) {
  const rmtmc_trials *x = &a->trials, *y = &b->trials;
  return x->rows == y->rows && x->cols == y->cols && x->eig_cols == y->eig_cols &&
         memcmp(x->data, y->data, (size_t)(x->rows * x->cols) * sizeof(double)) == 0 &&
         memcmp(x->eigenvalues, y->eigenvalues, (size_t)(x->rows * x->eig_cols) * sizeof(double)) == 0 &&
         strcmp(x->columns[0].name, y->columns[0].name) == 0;
}

static void same_numbers(check_ctx *c, const drv_case *s) {
  const int64_t trials[4] = {200, 70, 1, 64 * 7 + 5};
  const int64_t batches[4] = {0, 7, 0, 33};
  for (int q = 0; q < 4; ++q) {
    rmtmc_error err;
    drv_result one, all;
    rmtmc_status s1 = run(s, NULL, trials[q], 0, NULL, NULL, &one, NULL, &err);
    rmtmc_status s2 = run(s, comm, trials[q], batches[q], NULL, NULL, &all, NULL, &err);
    int64_t nb = (trials[q] + 63) / 64, first, count;
    comm_share(comm, nb, &first, &count);
    char what[300];
    snprintf(what, sizeof what, "%lld trials (%lld blocks, %lld here), batch %lld: totals bit for bit as one process",
             (long long)trials[q], (long long)nb, (long long)count, (long long)batches[q]);
    ck(c, s1 == RMTMC_OK && s2 == RMTMC_OK && same_totals(&one, &all), what);
    if (rank == 0)
      snprintf(what, sizeof what, "%lld trials: rank 0 holds every trial's row and eigenvalues, in trial order",
               (long long)trials[q]);
    else
      snprintf(what, sizeof what, "%lld trials: no per-trial rows off rank 0", (long long)trials[q]);
    ck(c, s1 == RMTMC_OK && s2 == RMTMC_OK && (rank == 0 ? same_table(&one, &all) : all.trials.rows == 0), what);
    if (s1 == RMTMC_OK) drv_result_free(&one);
    if (s2 == RMTMC_OK) drv_result_free(&all);
  }
}

static void info_and_progress(check_ctx *c, const drv_case *s) {
  rmtmc_error err;
  drv_result r;
  rmtmc_run_info info;
  progress_log log = PROGRESS_LOG_INIT;
  rmtmc_status st = run(s, comm, 640, 8, NULL, &log, &r, &info, &err);
  char list[32], what[300];
  snprintf(list, sizeof list, "0-%d", size - 1);
  snprintf(what, sizeof what, "run info: %d ranks on %d host(s), place 1 \"%s\" x %d on %s", info.ranks, info.hosts,
           info.places[0].rank_list, info.places[0].ranks, info.places[0].host);
  ck(c, st == RMTMC_OK && info.ranks == size && info.nplaces >= 1 &&
            (info.nplaces > 1 || (info.places[0].ranks == size && strcmp(info.places[0].rank_list, list) == 0)) &&
            info.hosts >= 1 && info.places_omitted == 0,
     what);
  if (rank == 0)
    snprintf(what, sizeof what, "progress on rank 0: %d calls, non-decreasing, ending at %lld/%lld of every rank",
             log.calls, (long long)log.last_done, (long long)log.last_total);
  else
    snprintf(what, sizeof what, "no progress calls off rank 0 (%d)", log.calls);
  ck(c, st == RMTMC_OK && (rank == 0 ? log.calls > 0 && log.nondecreasing && log.last_done == 640 && log.last_total == 640
                                      : log.calls == 0),
     what);
  if (st == RMTMC_OK) drv_result_free(&r);
}

/* Every rank: status st with a message naming the rank and containing want. */
static void expect_failure(check_ctx *c, rmtmc_status st, rmtmc_status code, const rmtmc_error *err, int frank,
                           const char *want, const char *what) {
  char tag[32], line[900];
  snprintf(tag, sizeof tag, "rank %d of %d: ", frank, size);
  int named = frank == 0 ? strncmp(err->msg, "rank ", 5) != 0 : strncmp(err->msg, tag, strlen(tag)) == 0;
  snprintf(line, sizeof line, "%s: every rank gets status %d and \"%s\"", what, (int)st, err->msg);
  ck(c, st == code && named && strstr(err->msg, want) != NULL, line);
}

static void failures(check_ctx *c, const drv_case *s) {
  rmtmc_error err;
  drv_result r;
  /* a late trial of the last rank's share */
  int64_t trials = 64 * (int64_t)size * 2, first, count;
  int last = size - 1;
  { /* the last rank's share, as comm_share gives it */
    int64_t base = (trials / 64) / size, rem = (trials / 64) % size;
    first = last * base + (last < rem ? last : rem);
    count = base + (last < rem ? 1 : 0);
  }
  rmtmc_backend_debug dbg;
  rmtmc_backend_debug_default(&dbg);
  dbg.fail_trial[0] = (first + count) * 64 - 3;
  char want[64], what[200];
  snprintf(want, sizeof want, "trial %lld ", (long long)dbg.fail_trial[0]);
  rmtmc_status st = run(s, comm, trials, 0, &dbg, NULL, &r, NULL, &err);
  snprintf(what, sizeof what, "the solver fails for trial %lld on rank %d", (long long)dbg.fail_trial[0], last);
  expect_failure(c, st, RMTMC_ERR_NOCONV, &err, last, want, what);
  st = rmtmc_comm_agree(comm, RMTMC_OK, &err);
  ck(c, st == RMTMC_ERR_NOCONV, "after a failed step every later step fails at once");
  comm_forget_failure(comm);

  /* an allocation on rank 1 only */
  rmtmc_backend_debug_default(&dbg);
  dbg.fail_alloc = rank == 1;
  st = run(s, comm, 64 * 40, 0, &dbg, NULL, &r, NULL, &err);
  expect_failure(c, st, RMTMC_ERR_NOMEM, &err, 1, "forced by the fail_alloc test hook", "an allocation fails on rank 1");
  comm_forget_failure(comm);

  /* rank 1 fails before the run: it says so at its next step (an agree),
   * while the other ranks are in the run */
  if (rank == 1) {
    rmtmc_error_set(&err, RMTMC_ERR_INVALID, "bad input seen by rank 1 alone");
    st = rmtmc_comm_agree(comm, RMTMC_ERR_INVALID, &err);
  } else {
    st = run(s, comm, 64 * 40, 0, NULL, NULL, &r, NULL, &err);
    if (st == RMTMC_OK) drv_result_free(&r);
    ck(c, rmtmc_comm_agree(comm, RMTMC_OK, &err) == RMTMC_ERR_INVALID,
       "a rank's later agree returns the agreed failure at once");
  }
  expect_failure(c, st, RMTMC_ERR_INVALID, &err, 1, "bad input seen by rank 1 alone",
                 "rank 1 fails outside the run the others are in");
  comm_forget_failure(comm);

  /* and the ranks go on */
  st = run(s, comm, 130, 0, NULL, NULL, &r, NULL, &err);
  ck(c, st == RMTMC_OK && r.ntrials == 130, "after the failures a run succeeds again");
  if (st == RMTMC_OK) drv_result_free(&r);
}

int main(int argc, char **argv) {
  check_ctx c = {0, 0};
  rmtmc_error err;
  if (!rmtmc_comm_compiled()) {
    printf("this build has no MPI: skipping\n");
    return 77;
  }
  if (rmtmc_comm_from_env(&argc, &argv, &comm, &err) != RMTMC_OK) {
    printf("cannot join the MPI job: %s\n", err.msg);
    rmtmc_comm_close(comm);
    return 1;
  }
  rank = rmtmc_comm_rank(comm);
  size = rmtmc_comm_size(comm);
  if (size < 2) {
    printf("test_mpi needs at least 2 ranks (run it through tests/mpi_run.sh): skipping\n");
    rmtmc_comm_close(comm);
    return 77;
  }
  drv_case s;
  if (drv_case_init(&s, &err) != RMTMC_OK) {
    printf("set-up: %s\n", err.msg);
    rmtmc_comm_close(comm);
    return 1;
  }
  same_numbers(&c, &s);
  info_and_progress(&c, &s);
  failures(&c, &s);
  rmtmc_model_free(&s.m);
  int rc = check_finish(&c);
  rmtmc_comm_close(comm);
  return rc;
}
