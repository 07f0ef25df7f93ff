/* parallel.h: trials of a batch in parallel on OpenMP threads with a
 * deterministic failure: the status reported is that of the LOWEST failing
 * index, whatever the thread count or the order in which threads finish
 * (private to the library). */
#ifndef RMTMC_PARALLEL_H
#define RMTMC_PARALLEL_H

#include <stddef.h>
#include <stdint.h>

#include "rmtmc_status.h"

/* Work item i (0 <= i < count) on OpenMP thread `thread` (for per-thread
 * workspaces). */
typedef rmtmc_status (*rmtmc_item_fn)(void *ctx, int thread, int64_t i, rmtmc_error *err);

/* fn for every i on `threads` threads (dynamic schedule, one item at a
 * time).  Returns RMTMC_OK or the status and message of the lowest failing
 * i (every item runs even after a failure). */
rmtmc_status rmtmc_parallel_for(int threads, int64_t count, rmtmc_item_fn fn, void *ctx, rmtmc_error *err);

/* The most worker threads the libraries allow (OpenBLAS's MAX_THREADS,
 * OpenMP's thread limit): every loop that runs trials in parallel stays
 * within it. */
int rmtmc_thread_cap(void);
/* Worker threads: t when t > 0, else the number of processors; at most
 * rmtmc_thread_cap(), at least 1. */
int rmtmc_resolve_threads(int t);
/* When `asked` exceeds the cap, append "--threads N capped at M (...)" to
 * the note (a NUL-terminated string in a buffer of cap bytes). */
void rmtmc_thread_note(int asked, char *note, size_t cap);

#endif
