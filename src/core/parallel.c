/* parallel.c: rmtmc_parallel_for (parallel.h). */
#include "core/parallel.h"

#include <omp.h>

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

int rmtmc_resolve_threads(int t) {
  if (t > 0) return t;
  int p = omp_get_num_procs();
  return p > 0 ? p : 1;
}
