/* backend.c: choosing and opening a backend by kind. */
#include "rmtmc_backend.h"

#include <stdio.h>
#include <string.h>

int rmtmc_backend_compiled(rmtmc_backend_kind kind) {
  switch (kind) {
    case RMTMC_BACKEND_AUTO:
    case RMTMC_BACKEND_CPU: return 1;
    case RMTMC_BACKEND_CUDA:
#ifdef RMTMC_HAVE_CUDA
      return 1;
#else
      return 0;
#endif
  }
  return 0;
}

const char *rmtmc_backends_compiled(void) {
#ifdef RMTMC_HAVE_CUDA
  return "cpu,cuda";
#else
  return "cpu";
#endif
}

rmtmc_status rmtmc_backend_parse(const char *s, rmtmc_backend_kind *k,
                                 rmtmc_error *err) {
  if (strcmp(s, "auto") == 0) *k = RMTMC_BACKEND_AUTO;
  else if (strcmp(s, "cpu") == 0) *k = RMTMC_BACKEND_CPU;
  else if (strcmp(s, "cuda") == 0) *k = RMTMC_BACKEND_CUDA;
  else
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--backend '%s' not understood: use auto, cpu or cuda", s);
  return RMTMC_OK;
}

static rmtmc_status open_ops(rmtmc_backend *be, const rmtmc_backend_ops *ops,
                             rmtmc_backend_kind kind,
                             const rmtmc_backend_opts *opts, rmtmc_error *err) {
  rmtmc_status st = ops->open(opts, &be->impl, err);
  if (st == RMTMC_OK) {
    be->ops = ops;
    be->kind = kind;
  }
  return st;
}

rmtmc_status rmtmc_backend_open(rmtmc_backend *be, rmtmc_backend_kind kind,
                                const rmtmc_backend_opts *opts,
                                rmtmc_error *err) {
  rmtmc_backend_opts defaults = {0};
  if (!opts) opts = &defaults;
  memset(be, 0, sizeof *be);
  if (kind == RMTMC_BACKEND_CUDA) {
#ifdef RMTMC_HAVE_CUDA
    rmtmc_status st = open_ops(be, &rmtmc_backend_cuda_ops, kind, opts, err);
    if (st == RMTMC_ERR_NO_DEVICE && err) {
      char msg[RMTMC_ERRMSG_LEN];
      snprintf(msg, sizeof msg, "%s", err->msg);
      rmtmc_error_set(err, st, "%.400s; use --backend cpu, or auto to take a GPU only when one answers", msg);
    }
    return st;
#else
    return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED,
                           "--backend cuda: this build has no CUDA backend (nvcc was not found at configure time); rebuild with the CUDA toolkit or use --backend cpu");
#endif
  }
  if (kind == RMTMC_BACKEND_AUTO) {
#ifdef RMTMC_HAVE_CUDA
    rmtmc_error cuda_err;
    rmtmc_error_clear(&cuda_err);
    if (open_ops(be, &rmtmc_backend_cuda_ops, RMTMC_BACKEND_CUDA, opts,
                 &cuda_err) == RMTMC_OK)
      return RMTMC_OK;
    snprintf(be->note, sizeof be->note,
             "no usable CUDA device (%.180s): falling back to the CPU backend",
             cuda_err.msg);
#else
    snprintf(be->note, sizeof be->note,
             "this build has no CUDA backend: running on the CPU backend");
#endif
  }
  return open_ops(be, &rmtmc_backend_cpu_ops, RMTMC_BACKEND_CPU, opts, err);
}

void rmtmc_backend_close(rmtmc_backend *be) {
  if (!be || !be->ops) return;
  be->ops->close(be->impl);
  be->ops = NULL;
  be->impl = NULL;
}
