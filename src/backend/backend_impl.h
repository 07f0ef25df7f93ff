/* backend_impl.h: what a backend implements (private to src/backend).
 *
 * A backend is one static table of rmtmc_backend_ops with labelled slots,
 * registered by one line in backend.c.  Per method it fills a table of
 * rmtmc_method_ops; a NULL method or a NULL optional entry is reported as
 * RMTMC_ERR_UNSUPPORTED by the wrappers, which also check the stage order,
 * the batch capacity and the work itself before any entry is called, and
 * apply the test hooks (rmtmc_backend_debug) common to every backend.
 * An implementation may therefore assume:
 *   - alloc gets a checked work item (rmtmc_work_check) and 1 <= cap;
 *   - sample gets 0 <= count <= cap; gram / solve / reduce / copy_eigvals
 *     come only after the method's previous stage succeeded;
 *   - batch pointers it returned come back to it only.
 * Solvers report their per-trial status through backend_check_info (one
 * rule for every backend, the test hooks applied first). */
#ifndef RMTMC_BACKEND_IMPL_H
#define RMTMC_BACKEND_IMPL_H

#include <stdint.h>

#include "rmtmc_backend.h"

typedef struct rmtmc_method_ops {
  rmtmc_status (*limits)(void *impl, const rmtmc_work *w, rmtmc_batch_limits *lim,
                         rmtmc_error *err);
  rmtmc_status (*alloc)(void *impl, const rmtmc_work *w, int64_t cap, void **batch,
                        rmtmc_error *err);
  void (*free)(void *impl, void *batch);
  /* The stages, in this order; NULL: the method has no such stage (sample
   * and reduce are required). */
  rmtmc_status (*sample)(void *impl, void *batch, uint64_t seed, uint64_t trial0,
                         int64_t count, rmtmc_error *err);
  rmtmc_status (*gram)(void *impl, void *batch, rmtmc_error *err);
  rmtmc_status (*solve)(void *impl, void *batch, rmtmc_error *err);
  rmtmc_status (*reduce)(void *impl, void *batch, double *out, int64_t *hist,
                         rmtmc_error *err);
  /* Optional. */
  rmtmc_status (*copy_sample)(void *impl, void *batch, double *x, rmtmc_error *err);
  rmtmc_status (*copy_eigvals)(void *impl, void *batch, double *ev, rmtmc_error *err);
} rmtmc_method_ops;

typedef struct rmtmc_backend_ops {
  const char *name;
  rmtmc_backend_kind kind;
  /* Open an instance; RMTMC_ERR_NO_DEVICE when the hardware is absent.
   * debug lives as long as the instance (the hooks' counters change). */
  rmtmc_status (*open)(const rmtmc_backend_opts *opts, rmtmc_backend_debug *debug,
                       void **impl, rmtmc_error *err);
  void (*close)(void *impl);
  rmtmc_status (*info)(void *impl, rmtmc_backend_info *out, rmtmc_error *err);
  void (*policy)(void *impl, rmtmc_batch_policy *p); /* optional: the defaults */
  const rmtmc_method_ops *method[RMTMC_METHOD_COUNT];
} rmtmc_backend_ops;

/* The one solver-status rule.  info[i] is the status of trial trial0 + i
 * (0 ok, > 0 no convergence, < 0 argument -info rejected); the test hooks
 * of debug (fail_solve, fail_trial) are applied to info first.  Returns
 * RMTMC_OK or the status of the first failing trial in trial order, naming
 * `solver` ("LAPACK dsyevd", "cuSOLVER syevBatched") and the trial. */
rmtmc_status backend_check_info(rmtmc_backend_debug *debug, const char *solver,
                                int *info, int64_t count, uint64_t trial0,
                                rmtmc_error *err);

/* The tables (the cuda one exists only when compiled in). */
extern const rmtmc_backend_ops rmtmc_backend_cpu_ops;
#ifdef RMTMC_HAVE_CUDA
extern const rmtmc_backend_ops rmtmc_backend_cuda_ops;
#endif

#endif
