/* comm.h: the library's side of rmtmc_comm (include/rmtmc_comm.h),
 * private.  The run driver and the sweep call these; only src/engine/mpi.c
 * knows MPI.  Every rank calls the collective entries (comm_exchange,
 * rmtmc_comm_agree) in the same order; comm_tick is called by every rank
 * after each of its batches while a run is distributed.
 *
 * The protocol (one step = one comm_exchange):
 *   while they run, ranks > 0 send rank 0 their trial count after a batch
 *   (at most one small message in flight; never one per trial) and look for
 *   rank 0's stop; rank 0 reads those counts (progress of every rank) and
 *   any early failure after each of its batches, and on a failure tells the
 *   ranks still running to stop;
 *   at the end every rank > 0 sends rank 0 one message: its status and its
 *   part; rank 0 collects all, merges the parts (comm_merge_fn) when every
 *   rank succeeded, and sends every rank the outcome: the merged payload,
 *   or the failure of the lowest failing rank. */
#ifndef RMTMC_ENGINE_COMM_H
#define RMTMC_ENGINE_COMM_H

#include <stddef.h>
#include <stdint.h>

#include "rmtmc_comm.h"
#include "rmtmc_run.h"

/* Bytes handed between ranks (owned; free with comm_buf_free). */
typedef struct comm_buf {
  unsigned char *data;
  size_t len;
} comm_buf;

void comm_buf_free(comm_buf *b);

/* More than one rank: runs are divided. */
int comm_active(const rmtmc_comm *c);
/* Started by an MPI launcher (even as its only rank). */
int comm_launched(const rmtmc_comm *c);
/* This rank's place among the ranks of its node (0 and 1 alone). */
int comm_node_rank(const rmtmc_comm *c);
int comm_node_size(const rmtmc_comm *c);
/* The host this rank runs on. */
const char *comm_host(const rmtmc_comm *c);

/* This rank by itself (one rank, no messages), placed as in c: a run on it
 * takes this rank's share of the node's cores and its GPU.  Owned by c;
 * NULL for NULL. */
rmtmc_comm *comm_alone(rmtmc_comm *c);

/* The blocks [*first, *first + *count) of nblocks that this rank runs:
 * contiguous ranges in rank order, the lower ranks one more when the
 * blocks do not divide evenly (rank 0 never has none when nblocks > 0). */
void comm_share(const rmtmc_comm *c, int64_t nblocks, int64_t *first, int64_t *count);
/* CPU worker threads for a rank when none were asked for: the CPUs it may
 * run on (all, or those the launcher bound it to) divided among the node's
 * ranks that may run on them too; at least 1.  0 for a process not started
 * by a launcher (the backend's own default: every core). */
int comm_cpu_threads(const rmtmc_comm *c);

/* After each batch of a distributed run: done = this rank's trials so far
 * out of total trials of the whole run.  Rank 0 calls fn (when not NULL)
 * with the trials done on every rank.  Not RMTMC_OK: the run must stop
 * (another rank failed; the real failure comes from comm_exchange). */
rmtmc_status comm_tick(rmtmc_comm *c, int64_t done, int64_t total, rmtmc_progress_fn fn, void *ctx,
                       rmtmc_error *err);

/* Rank 0's merge: parts[q] is rank q's part (parts[0] rank 0's own) -> the
 * outcome every rank receives. */
typedef rmtmc_status (*comm_merge_fn)(void *ctx, const comm_buf *parts, int nparts, comm_buf *outcome,
                                      rmtmc_error *err);

/* Collective.  Every rank passes its status (err) and its part (taken
 * over: emptied here, also on failure).  When every rank passed RMTMC_OK,
 * rank 0 runs merge (NULL: the outcome is rank 0's part) and every rank
 * gets the outcome in *outcome (zeroed first) and RMTMC_OK; otherwise every
 * rank gets the agreed failure (rmtmc_comm_agree) and no outcome.  A
 * single process: merge on its own part. */
rmtmc_status comm_exchange(rmtmc_comm *c, rmtmc_status st, rmtmc_error *err, comm_buf *part, comm_merge_fn merge,
                           void *ctx, comm_buf *outcome);

/* Forget an agreed failure, so that later steps run again.  Safe only
 * where every rank calls it at the same point of the program after the
 * failure (the tests do). */
void comm_forget_failure(rmtmc_comm *c);

/* ---- packing numbers into a comm_buf (same binary on every rank) ---- */
typedef struct comm_pack {
  comm_buf *b;
  size_t cap;
  int failed; /* out of memory */
} comm_pack;

void comm_pack_init(comm_pack *p, comm_buf *b);
void comm_pack_bytes(comm_pack *p, const void *src, size_t n);

/* Reading a comm_buf back: comm_unpack_bytes fails (returns 0) past its end. */
typedef struct comm_unpack {
  const comm_buf *b;
  size_t at;
} comm_unpack;

int comm_unpack_bytes(comm_unpack *u, void *dst, size_t n);
/* A pointer to the next n bytes (NULL past the end), consumed. */
const void *comm_unpack_view(comm_unpack *u, size_t n);

#endif
