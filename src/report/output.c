/* output.c: atomic file output (temporary file, then rename). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rmtmc_report.h"

rmtmc_status rmtmc_write_atomic(const char *path, rmtmc_writer_fn fn,
                                const void *ctx, rmtmc_error *err) {
  size_t len = strlen(path) + 32;
  char *tmp = malloc(len);
  if (!tmp) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "w");
  if (!f) {
    rmtmc_status st = rmtmc_error_set(err, RMTMC_ERR_IO, "cannot write %s: %s", path,
                                      strerror(errno));
    free(tmp);
    return st;
  }
  rmtmc_status st = fn(f, ctx, err);
  if (ferror(f) && st == RMTMC_OK)
    st = rmtmc_error_set(err, RMTMC_ERR_IO, "error while writing %s", path);
  if (fclose(f) != 0 && st == RMTMC_OK)
    st = rmtmc_error_set(err, RMTMC_ERR_IO, "cannot close %s: %s", path, strerror(errno));
  if (st == RMTMC_OK && rename(tmp, path) != 0)
    st = rmtmc_error_set(err, RMTMC_ERR_IO, "cannot rename %s to %s: %s", tmp, path,
                         strerror(errno));
  if (st != RMTMC_OK) remove(tmp);
  free(tmp);
  return st;
}
