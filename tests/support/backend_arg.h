/* backend_arg.h: the backend a "one test body, every backend" program runs
 * on, from argv[1] (cpu | cuda).  Returns 0 to go on, else the exit code:
 * 2 for a bad argument, 77 (ctest's skip code) when the backend's device or
 * the backend itself is absent, 1 when it fails to open. */
#ifndef RMTMC_TEST_BACKEND_ARG_H
#define RMTMC_TEST_BACKEND_ARG_H

#include <stdio.h>

#include "rmtmc_backend.h"

static inline int test_backend_arg(int argc, char **argv, const char *prog, rmtmc_backend_kind *kind) {
  rmtmc_error err;
  if (argc < 2 || rmtmc_backend_parse(argv[1], kind, &err) != RMTMC_OK) {
    printf("usage: %s cpu|cuda\n", prog);
    return 2;
  }
  rmtmc_backend *be = NULL;
  rmtmc_status st = rmtmc_backend_open(&be, *kind, NULL, &err);
  if (st == RMTMC_ERR_NO_DEVICE || st == RMTMC_ERR_UNSUPPORTED) {
    printf("backend %s not available (%s): skipping\n", argv[1], err.msg);
    return 77;
  }
  if (st != RMTMC_OK) {
    printf("cannot open backend %s: %s\n", argv[1], err.msg);
    return 1;
  }
  rmtmc_backend_close(be);
  return 0;
}

#endif
