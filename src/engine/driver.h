/* driver.h: the run driver every Monte Carlo study uses (private to the
 * library).  One loop for all: open the backend, choose the batch from the
 * backend's policy, run the batches in trial order with progress after
 * each, stop at the lowest failing trial, hand each batch's outputs to the
 * study's map (rows of accumulator columns), accumulate, close.
 *
 * Accumulation.  Everything a study accumulates over trials goes through
 * the driver: `nrow` Welford columns (mean, variance) and `nsum` plain sum
 * columns per trial, plus the integer histogram the backend adds to.  Trials
 * are added in trial order to a block accumulator of RMTMC_ACCUM_BLOCK
 * consecutive trials (blocks start at multiples of 64); finished blocks are
 * folded into the totals in block order (Chan's merge for the Welford
 * columns, addition for the sums).  The numbers therefore depend on (seed,
 * trials) only, and a run split into block ranges (drv_run_range, e.g. one
 * range per MPI rank) whose kept blocks are folded in block order
 * (drv_fold) gives the same bits as one run.
 *
 * MPI ranks (issue 17, run option comm with several ranks; driver_ranks.c):
 * drv_open opens every rank's backend and tells every rank where each runs
 * (run info: ranks, hosts, places) or every rank's first failure; drv_run
 * runs this rank's share of the blocks (comm_share) with drv_run_range and
 * keep_blocks, progress and a stop check after every batch (comm_tick),
 * sends the part (blocks, histogram, saved rows) to rank 0 in one message,
 * and rank 0 folds the parts in block order (drv_fold): the numbers of one
 * process.  Rank 0's result is the whole result; the other ranks receive
 * the folded totals (Welford columns, sums, histogram) but no per-trial
 * rows, so the study's finish step gives the same numbers on every rank
 * and only rank 0 writes. */
#ifndef RMTMC_DRIVER_H
#define RMTMC_DRIVER_H

#include <stdint.h>

#include "rmtmc_accum.h"
#include "rmtmc_backend.h"
#include "rmtmc_run.h"

/* What a study asks the driver to run. */
typedef struct drv_spec {
  rmtmc_work work;  /* per trial, on the backend */
  int64_t nrow;     /* Welford columns per trial */
  int64_t nsum;     /* sum columns per trial */
  /* The rows of a batch: rows (count x nrow) and sums (count x nsum) from
   * the backend's outputs (count x rmtmc_work_nout).  NULL: the outputs are
   * the rows (nrow = nout, nsum = 0).  A failure is the lowest failing
   * trial's (src/core/parallel.h). */
  rmtmc_status (*map)(void *ctx, uint64_t trial0, int64_t count, const double *out, double *rows,
                      double *sums, rmtmc_error *err);
  void *ctx;
  const rmtmc_column *columns; /* [nrow]: the per-trial table's columns */
  int64_t eig_cols;            /* d: keep eigenvalues when the run asks (dense work) */
} drv_spec;

/* Trials [64 first_block, min(trials, 64 (first_block + nblocks))), all
 * trials when nblocks = 0; keep_blocks keeps each block's accumulators. */
typedef struct drv_range {
  int64_t first_block, nblocks;
  int keep_blocks;
} drv_range;

typedef struct drv_result {
  int64_t nrow, nsum, nhist;
  rmtmc_welford *w; /* [nrow] totals */
  double *sum;      /* [nsum] totals */
  int64_t *hist;    /* [nhist] */
  int64_t trial0, ntrials; /* the trials run */
  rmtmc_trials trials;     /* kept rows / eigenvalues (run options); owned */
  int64_t nblocks;         /* kept blocks (keep_blocks), first at trial0 */
  rmtmc_welford *block_w;  /* [nblocks][nrow] */
  double *block_sum;       /* [nblocks][nsum] */
  double seconds;          /* the batches, allocation included */
} drv_result;

typedef struct drv {
  rmtmc_backend *be;
  rmtmc_run_opts opts;
  rmtmc_run_info info;
  int64_t batch;
  int ranks; /* a run divided among MPI ranks is under way */
} drv;

/* Open the backend of o, ask it what a batch of `shape` may hold (the work
 * of the run, or one of the same sizes), and choose the batch: o->batch, or
 * the policy's (rmtmc_backend.h) raised to the method's min_trials (its
 * limits), within what fits on the backend and
 * within a quarter of the host's memory at host_per_trial bytes a trial.
 * Fills d->info (after the plan: its backend info names the eigensolver
 * the trials run) except seconds; setup_seconds is the open's, and the run
 * adds its batch allocation.  On failure nothing is left open. */
rmtmc_status drv_open(drv *d, const rmtmc_run_opts *o, const rmtmc_work *shape, double host_per_trial,
                      rmtmc_error *err);
/* All the trials of d->opts. */
rmtmc_status drv_run(drv *d, const drv_spec *s, drv_result *r, rmtmc_error *err);
rmtmc_status drv_run_range(drv *d, const drv_spec *s, const drv_range *range, drv_result *r, rmtmc_error *err);
/* Close (also after a failure; closing twice is harmless). */
void drv_close(drv *d);

/* into <- the parts' kept blocks folded in block order (parts in trial
 * order, each run with keep_blocks), their histograms added and their
 * saved rows concatenated: the result of one run over all the parts'
 * trials.  into is initialised here. */
rmtmc_status drv_fold(drv_result *into, const drv_result *parts, int nparts, rmtmc_error *err);
void drv_result_free(drv_result *r);

/* ---- inside the engine ---- */
/* Zeroed totals of the given shape. */
rmtmc_status drv_result_init(drv_result *r, int64_t nrow, int64_t nsum, int64_t nhist, rmtmc_error *err);
/* A per-trial table of rows x cols doubles fits (half the physical memory). */
rmtmc_status drv_keep_check(int64_t rows, int64_t cols, rmtmc_error *err);
/* One rank's place (host, backend, device, threads), as it travels
 * between ranks. */
typedef struct drv_place {
  char host[sizeof(((rmtmc_run_place *)0)->host)];
  char backend[sizeof(((rmtmc_run_place *)0)->backend)];
  char device[sizeof(((rmtmc_run_place *)0)->device)];
  int32_t threads, rank;
} drv_place;
/* Where d's backend runs, as rank `rank`. */
void drv_place_of(const drv *d, int rank, drv_place *w);
/* The places of n ranks (in rank order) into ri's rank fields (ranks =
 * total, the ranks of the run). */
void drv_places_fill(rmtmc_run_info *ri, const drv_place *w, int n, int total);
/* driver_ranks.c: the end of drv_open (st: this rank's status so far):
 * the places of the run info, agreed by every rank; and drv_run across
 * the ranks of d->opts.comm. */
rmtmc_status drv_ranks_open(drv *d, rmtmc_status st, rmtmc_error *err);
rmtmc_status drv_ranks_run(drv *d, const drv_spec *s, drv_result *r, rmtmc_error *err);

#endif
