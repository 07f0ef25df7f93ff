/* rmtmc_comm.h: the processes a study runs on (MPI ranks, issue 17).
 *
 * A study whose run options carry a communicator of K > 1 ranks runs on
 * all of them: every rank calls the same study with the same options, the
 * run driver divides the trials' 64-trial blocks among the ranks (rank r a
 * contiguous range, the lower ranks one block more when they do not divide
 * evenly), each rank runs its blocks on its own backend (a GPU rank takes
 * GPU (device + local rank) mod the node's GPUs; CPU ranks divide the
 * node's cores), and rank 0 folds the ranks' blocks in block order: the
 * numbers are those of one process, bit for bit on the CPU, for any K.
 * Rank 0 holds the whole result (per-trial table included, in trial order);
 * the other ranks hold the same accumulated numbers but no per-trial rows,
 * and write nothing.  One message per rank at the end of a run, and one
 * small progress message per batch (never per trial): ranks never wait on
 * each other while they run.  Progress callbacks run on rank 0 only and
 * count the trials of every rank.
 *
 * Failures: a rank that fails tells rank 0, rank 0 stops the others at
 * their next batch, and every rank returns the same status and message
 * (the lowest failing rank's, i.e. the lowest failing trial's), so exactly
 * one process reports it and no output is written.
 *
 * The layer is compiled with MPI when CMake finds it (RMTMC_ENABLE_MPI,
 * default ON; rmtmc_comm_compiled); without it a communicator is always a
 * single process and nothing here needs MPI.  No MPI type appears in this
 * header.  docs/cluster.md: how to launch, how the work is divided, what is
 * reproducible. */
#ifndef RMTMC_COMM_H
#define RMTMC_COMM_H

#include <stddef.h>

#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rmtmc_comm rmtmc_comm;

/* 1 when this build has MPI. */
int rmtmc_comm_compiled(void);
/* buf <- the MPI library's name and version ("Open MPI v4.1.4"), "" without
 * MPI. */
void rmtmc_comm_library(char *buf, size_t cap);

/* For the command line (like rmtmc_backend_debug_from_env, the library
 * never reads the environment by itself): join the MPI job this process
 * was started in, when the environment says it was (mpirun / mpiexec of
 * Open MPI, MPICH or MVAPICH, Slurm's srun through PMI or PMIx), or when
 * RMTMC_MPI=1; RMTMC_MPI=0 never starts MPI.  Otherwise, or in a build
 * without MPI, *c is a single process.  A build without MPI started by a
 * launcher with more than one rank is refused (RMTMC_ERR_UNSUPPORTED), so
 * that K copies do not each run the whole study and write the same files.
 * *c is set on success and on failure (a single process); close it. */
rmtmc_status rmtmc_comm_from_env(int *argc, char ***argv, rmtmc_comm **c, rmtmc_error *err);
/* Leave MPI (when this communicator started it) and free.  NULL: no-op. */
void rmtmc_comm_close(rmtmc_comm *c);

/* This process's rank and the number of ranks (NULL: 0 and 1). */
int rmtmc_comm_rank(const rmtmc_comm *c);
int rmtmc_comm_size(const rmtmc_comm *c);

/* Collective: every rank passes its status and error; every rank gets back
 * the same: RMTMC_OK when all passed RMTMC_OK, else the lowest failing
 * rank's status and message (prefixed "rank R of K: " when R > 0).  Once a
 * collective call has failed, every later one returns that failure at
 * once.  A single process returns st unchanged. */
rmtmc_status rmtmc_comm_agree(rmtmc_comm *c, rmtmc_status st, rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
