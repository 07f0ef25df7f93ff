/* study_common.h: private helpers shared by the Monte Carlo studies
 * (spectrum.c, generative.c, ridge_study.c).  Nothing here is part of the
 * public API. */
#ifndef RMTMC_STUDY_COMMON_H
#define RMTMC_STUDY_COMMON_H

#include <stdint.h>

#include "core/clock.h"
#include "rmtmc_accum.h"
#include "rmtmc_status.h"
#include "rmtmc_studies.h"

/* Trials are run in batches of this many (parallel within a batch, merged
 * in trial order between batches). */
#define STUDY_BATCH 64

/* Mean, standard error and standard deviation of an accumulator. */
rmtmc_stat study_stat_of(const rmtmc_welford *w);

/* Row from the accumulated (emp, theory, emp - theory) triple w[0..2]. */
void study_finish_row(rmtmc_grid_row *r, double x, const rmtmc_welford *w);
/* Record a predicted finite-size bias of the row's mean and the corrected z. */
void study_set_bias(rmtmc_grid_row *r, double bias);

/* Gaussian entries [0, total) of (seed, trial), layout of
 * rmtmc_sample_entries. */
void study_fill_gaussian(uint64_t seed, uint64_t trial, double *g,
                         uint64_t total);

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

#endif
