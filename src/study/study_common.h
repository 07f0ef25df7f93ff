/* study_common.h: private helpers shared by the Monte Carlo studies
 * (spectrum.c, generative.c, ridge_study.c).  Nothing here is part of the
 * public API. */
#ifndef RMTMC_STUDY_COMMON_H
#define RMTMC_STUDY_COMMON_H

#include <stdint.h>

#include "core/clock.h"
#include "rmtmc_accum.h"
#include "rmtmc_fit.h"
#include "rmtmc_status.h"
#include "rmtmc_studies.h"

/* The smallest automatic batch on the CPU (trials per backend call; the
 * automatic batch is the larger of this and 4 x threads). */
#define STUDY_BATCH 64

/* Mean, standard error and standard deviation of an accumulator. */
rmtmc_stat study_stat_of(const rmtmc_welford *w);

/* Row from the accumulated (emp, theory, emp - theory) triple w[0..2]. */
void study_finish_row(rmtmc_grid_row *r, double x, const rmtmc_welford *w);
/* Record a predicted finite-size bias of the row's mean and the corrected z. */
void study_set_bias(rmtmc_grid_row *r, double bias);


/* Thread count: t when t > 0, else the number of processors (at least 1). */
int study_resolve_threads(int t);

/* Refuse work that will not fit in half the physical memory:
 * "<what> needs X GiB of memory, ...; reduce <reduce>". */
rmtmc_status study_check_memory(const char *what, double bytes,
                                const char *reduce, rmtmc_error *err);

/* A grid option --<opt>: 1 to RMTMC_STUDY_MAX_GRID values, all finite and
 * > 0. */
rmtmc_status study_check_grid(const char *opt, const double *g, int64_t ng,
                              rmtmc_error *err);

/* One trial: trial index t (global), i its index within the batch, thread
 * the OpenMP thread running it (for per-thread workspaces). */
typedef rmtmc_status (*study_trial_fn)(void *ctx, int thread, int64_t i,
                                       uint64_t t, rmtmc_error *err);

/* Runs trials b0 .. b0 + nb - 1 on `threads` OpenMP threads (dynamic
 * schedule, OpenBLAS kept single-threaded by the caller).  Returns RMTMC_OK
 * or the status of the first failing trial to report, its message in *err. */
rmtmc_status study_run_batch(int threads, int64_t b0, int64_t nb,
                             study_trial_fn fn, void *ctx, rmtmc_error *err);

/* A batch of per-trial fit outputs, trials [trial0, trial0 + count) at
 * out + i nout, handed to the study in trial order. */
typedef rmtmc_status (*study_consume_fn)(void *ctx, uint64_t trial0,
                                         int64_t count, const double *out,
                                         rmtmc_error *err);

/* The backend part of a study, in two steps so that a problem that cannot
 * run is refused before the theory is computed:
 * study_fit_open opens the backend `kind` (with `threads` CPU threads, or
 * GPU `device`),
 * asks what it can hold for the problem's sizes and chooses the batch
 * (`batch` > 0: that many trials per call, within what fits; 0: automatic),
 * also keeping the host's share, host_per_trial bytes per trial of a batch
 * (the outputs and the study's own rows), within a quarter of the memory;
 * study_fit_run allocates the batch for the now complete problem (same
 * sizes), runs trials 0 .. trials - 1 and hands each batch to `consume` in
 * trial order, reporting progress after each; study_fit_close releases
 * everything (also after a failure; closing twice is harmless). */
typedef struct study_fit {
  rmtmc_backend be;
  int64_t batch;
  int is_open;
} study_fit;

rmtmc_status study_fit_open(study_fit *f, const rmtmc_fit_problem *p,
                            rmtmc_backend_kind kind, int threads, int device,
                            int64_t batch,
                            int64_t trials, double host_per_trial,
                            rmtmc_study_run *run, rmtmc_error *err);
rmtmc_status study_fit_run(study_fit *f, const rmtmc_fit_problem *p,
                           int64_t trials, rmtmc_progress_fn progress,
                           void *progress_ctx, study_consume_fn consume,
                           void *ctx, rmtmc_error *err);
void study_fit_close(study_fit *f);

/* Study parameters: cumulative label laws cumP (k x c) of P, each column
 * ending at exactly 1. */
void study_cumulative(double *cum, const double *P, int64_t k, int64_t c);

#endif
