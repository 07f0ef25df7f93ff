/* rmtmc_accum.h: mergeable accumulators (running mean / variance per
 * observable, Welford; histogram counts).  The same merge (Chan et al.)
 * combines partial results of threads, GPUs and MPI ranks.
 *
 * Reproducibility: the engine adds trials to a block accumulator of
 * RMTMC_ACCUM_BLOCK consecutive trials, in trial order, and merges finished
 * blocks in block order; the result therefore depends on the seed and the
 * trial count only, not on the batch size or the number of workers. */
#ifndef RMTMC_ACCUM_H
#define RMTMC_ACCUM_H

#include <stdint.h>

#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RMTMC_ACCUM_BLOCK 64

typedef struct rmtmc_welford {
  int64_t n;
  double mean;
  double m2; /* sum of squared deviations from the mean */
} rmtmc_welford;

void rmtmc_welford_add(rmtmc_welford *w, double x);
/* a <- a merged with b (Chan's parallel update). */
void rmtmc_welford_merge(rmtmc_welford *a, const rmtmc_welford *b);
/* Unbiased sample variance (NAN when n < 2). */
double rmtmc_welford_var(const rmtmc_welford *w);
/* Standard error of the mean sqrt(var / n) (NAN when n < 2). */
double rmtmc_welford_stderr(const rmtmc_welford *w);

/* A vector of observables plus histogram counts. */
typedef struct rmtmc_accum {
  int64_t nobs;
  rmtmc_welford *obs;
  int64_t nhist;
  int64_t *hist;
} rmtmc_accum;

rmtmc_status rmtmc_accum_init(rmtmc_accum *a, int64_t nobs, int64_t nhist,
                              rmtmc_error *err);
void rmtmc_accum_free(rmtmc_accum *a);
void rmtmc_accum_reset(rmtmc_accum *a);
/* Add one trial's observables (nobs doubles). */
void rmtmc_accum_add(rmtmc_accum *a, const double *obs);
/* a <- a merged with b (same shapes). */
void rmtmc_accum_merge(rmtmc_accum *a, const rmtmc_accum *b);

/* The block-ordered accumulation described above: feed trials in order;
 * rmtmc_accum_stream_finish merges the last partial block. */
typedef struct rmtmc_accum_stream {
  rmtmc_accum total;
  rmtmc_accum block;
  int64_t in_block;
} rmtmc_accum_stream;

rmtmc_status rmtmc_accum_stream_init(rmtmc_accum_stream *s, int64_t nobs,
                                     int64_t nhist, rmtmc_error *err);
void rmtmc_accum_stream_add(rmtmc_accum_stream *s, const double *obs);
void rmtmc_accum_stream_finish(rmtmc_accum_stream *s);
void rmtmc_accum_stream_free(rmtmc_accum_stream *s);

#ifdef __cplusplus
}
#endif
#endif
