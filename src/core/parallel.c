/* parallel.c: rmtmc_parallel_for (parallel.h). */
#include "core/parallel.h"

#include <cblas.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

rmtmc_status rmtmc_parallel_for(int threads, int64_t count, rmtmc_item_fn fn, void *ctx, rmtmc_error *err) {
  int64_t bad = count;
  rmtmc_error berr;
  rmtmc_error_clear(&berr);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int64_t i = 0; i < count; ++i) {
    rmtmc_error e1;
    rmtmc_error_clear(&e1);
    rmtmc_status s1 = fn(ctx, omp_get_thread_num(), i, &e1);
    if (s1 != RMTMC_OK) {
#pragma omp critical(rmtmc_parallel_for)
      {
        if (i < bad) {
          bad = i;
          berr = e1;
          berr.code = s1;
        }
      }
    }
  }
  if (bad == count) return RMTMC_OK;
  if (err) *err = berr;
  return berr.code;
}

/* Every worker calls OpenBLAS (single-threaded) at the same time, and each
 * call takes one of OpenBLAS's preallocated per-thread buffers; a build for
 * MAX_THREADS = T has about 2T of them (Debian: T = 64), and past that
 * OpenBLAS 0.3.21 falls back to an "auxiliary array" that races and crashes
 * (seen with --threads 1024 and 4096).  So workers are capped at T, read
 * from openblas_get_config(), and at OpenMP's thread limit. */
int rmtmc_thread_cap(void) {
  int cap = omp_get_thread_limit();
  if (cap < 1) cap = 1;
#if defined(OPENBLAS_VERSION)
  const char *cfg = openblas_get_config();
  const char *m = cfg ? strstr(cfg, "MAX_THREADS=") : NULL;
  int t = m ? atoi(m + 12) : 0;
  if (t < 1) t = 64; /* not reported: the smallest common build */
  if (t < cap) cap = t;
#endif
  return cap;
}

int rmtmc_resolve_threads(int t) {
  int p = omp_get_num_procs();
  int r = t > 0 ? t : (p > 0 ? p : 1), cap = rmtmc_thread_cap();
  return r < cap ? r : cap;
}

void rmtmc_thread_note(int asked, char *note, size_t cap) {
  int limit = rmtmc_thread_cap();
  if (asked <= limit || cap == 0) return;
  char mine[128];
  snprintf(mine, sizeof mine, "--threads %d capped at %d (the most the BLAS library allows)", asked, limit);
  size_t len = strlen(note);
  if (len == 0) snprintf(note, cap, "%s", mine);
  else if (len + 2 < cap) snprintf(note + len, cap - len, "; %s", mine);
}
