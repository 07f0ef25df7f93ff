/* rmtmc_run.h: how a Monte Carlo study runs its trials, the same for every
 * study: the run options every study's config embeds, where the trials ran,
 * and the per-trial table a run keeps on request (--save-trials).
 *
 * Every study hands its trials to one run driver (src/engine/driver.c): it
 * opens the backend, takes the batch from the backend's policy (or
 * `batch`), runs the batches in trial order with progress after each,
 * stops at the lowest failing trial, and accumulates every trial's numbers
 * in fixed blocks of RMTMC_ACCUM_BLOCK trials merged in block order, so the
 * numbers depend on (seed, trials) only: bit for bit on the CPU for any
 * thread count and batch size, to rounding on a GPU.  With a communicator
 * of several MPI ranks (rmtmc_comm.h) the driver divides the blocks among
 * the ranks and rank 0 folds them in block order: the same numbers for any
 * number of ranks. */
#ifndef RMTMC_RUN_H
#define RMTMC_RUN_H

#include <stdint.h>

#include "rmtmc_backend.h"
#include "rmtmc_comm.h"
#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called after every batch with the trials done and the trials in all.
 * Return 0 to go on; anything else asks the run to stop: it ends there
 * with RMTMC_ERR_CANCELLED and no result (a front end's Ctrl-C). */
typedef int (*rmtmc_progress_fn)(void *ctx, int64_t done, int64_t total);

typedef struct rmtmc_run_opts {
  int64_t trials;
  uint64_t seed;
  rmtmc_backend_kind backend; /* auto (default), cpu or cuda */
  int threads;                /* CPU worker threads, 0 = all cores */
  int device;                 /* GPU ordinal */
  int64_t batch;              /* trials per backend call, 0 = the backend's policy */
  rmtmc_progress_fn progress; /* optional */
  void *progress_ctx;
  int save_trials;            /* keep every trial's row (rmtmc_trials) */
  int save_eigenvalues;       /* spectrum: keep every trial's eigenvalues */
  rmtmc_backend_debug debug;  /* test hooks, measurement overrides */
  rmtmc_comm *comm;           /* the MPI ranks to divide the trials among
                                 (NULL or one rank: this process alone) */
} rmtmc_run_opts;

/* The given trials and seed; backend auto, all threads, automatic batch,
 * nothing saved, no hooks. */
void rmtmc_run_opts_default(rmtmc_run_opts *o, int64_t trials, uint64_t seed);

/* Ranks that ran on the same host, backend and device. */
#define RMTMC_RUN_MAX_PLACES 16
typedef struct rmtmc_run_place {
  char host[64];
  char backend[16];   /* "cpu" or "cuda" */
  char device[256];   /* the backend's device: CPU model, or GPU name and ordinal */
  int threads;        /* CPU worker threads of each of these ranks (0 on a GPU) */
  int ranks;          /* how many ranks */
  char rank_list[64]; /* which: "0", "1-3,6" ("..." at the end when longer) */
} rmtmc_run_place;

/* Where a study's trials ran. */
typedef struct rmtmc_run_info {
  rmtmc_backend_info backend; /* the backend that ran the trials (rank 0's) */
  char backend_note[256];     /* why it is not the one asked for ("" if it is) */
  int64_t batch;              /* trials per backend call (rank 0's) */
  double seconds;             /* the trials, sampling to accumulation (wall clock) */
  double setup_seconds;       /* opening the backend (on a GPU: the CUDA
                                 context and library handles), planning and
                                 allocating the batch: paid once per run */
  int ranks;                  /* processes (MPI ranks) that ran them: 1 without MPI */
  int hosts;                  /* distinct hosts among them */
  int nplaces;                /* entries of places */
  int places_omitted;         /* ranks whose place did not fit in places */
  rmtmc_run_place places[RMTMC_RUN_MAX_PLACES]; /* in order of their lowest rank */
} rmtmc_run_info;

/* One column of the per-trial table. */
typedef struct rmtmc_column {
  char name[48];     /* e.g. "stieltjes_re", "etrain_theory" */
  char meaning[160]; /* what the number is */
  char param[8];     /* "z", "gamma", "lambda" or "" */
  double param_re, param_im; /* the z (or gamma, lambda) it belongs to */
} rmtmc_column;

/* The numbers behind a verdict, trial by trial (run option save_trials). */
typedef struct rmtmc_trials {
  int64_t rows, cols;    /* trials x columns */
  double *data;          /* C order: trial i at data + i cols */
  rmtmc_column *columns; /* [cols] */
  int64_t eig_cols;      /* d when eigenvalues were kept, else 0 */
  double *eigenvalues;   /* rows x eig_cols, C order, each row ascending */
} rmtmc_trials;

void rmtmc_trials_free(rmtmc_trials *t);

#ifdef __cplusplus
}
#endif
#endif
