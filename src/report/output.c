/* output.c: atomic file output (temporary file, fsync, then rename) and output
 * directories (assembled under a temporary name when new). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rmtmc_report.h"

rmtmc_status rmtmc_write_atomic(const char *path, rmtmc_writer_fn fn,
                                const void *ctx, rmtmc_error *err) {
  /* The temporary name beside it: ".rmtmc-tmp.<pid>.w.<name>" (the prefix
   * of rmtmc_output.h, so a name left by a kill -9 is recognisable). */
  size_t len = strlen(path) + 64;
  char *tmp = malloc(len);
  if (!tmp) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
  snprintf(tmp, len, "%.*s.rmtmc-tmp.%ld.w.%.200s", (int)(base - path), path, (long)getpid(), base);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    rmtmc_status st = rmtmc_error_set(err, RMTMC_ERR_WRITE, "cannot write %s: %s", path,
                                      strerror(errno));
    free(tmp);
    return st;
  }
  rmtmc_status st = fn(f, ctx, err);
  /* Write errors (a full disk, a lost permission) carry the OS reason. */
  if (st == RMTMC_OK && (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0))
    st = rmtmc_error_set(err, RMTMC_ERR_WRITE, "error while writing %s: %s", path, strerror(errno ? errno : EIO));
  if (fclose(f) != 0 && st == RMTMC_OK)
    st = rmtmc_error_set(err, RMTMC_ERR_WRITE, "cannot close %s: %s", path, strerror(errno));
  if (st == RMTMC_OK && rename(tmp, path) != 0)
    st = rmtmc_error_set(err, RMTMC_ERR_WRITE, "cannot rename %s to %s: %s", tmp, path,
                         strerror(errno));
  if (st != RMTMC_OK) remove(tmp);
  free(tmp);
  return st;
}

rmtmc_status rmtmc_write_dir(const char *dir, const rmtmc_out_file *files, int nfiles, rmtmc_error *err) {
  struct stat sb;
  int existed = stat(dir, &sb) == 0;
  if (existed && !S_ISDIR(sb.st_mode))
    return rmtmc_error_set(err, RMTMC_ERR_WRITE, "%s exists and is not a directory", dir);
  /* A new directory is assembled under a temporary name, then renamed. */
  size_t len = strlen(dir) + 32;
  char *target = malloc(len), *path = malloc(len + 80);
  if (!target || !path) {
    free(target);
    free(path);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  if (existed) snprintf(target, len, "%s", dir);
  else snprintf(target, len, "%s.tmp.%ld", dir, (long)getpid());
  rmtmc_status st = RMTMC_OK;
  if (!existed && mkdir(target, 0777) != 0)
    st = rmtmc_error_set(err, RMTMC_ERR_WRITE, "cannot create directory %s: %s", dir, strerror(errno));
  for (int i = 0; st == RMTMC_OK && i < nfiles; ++i) {
    snprintf(path, len + 80, "%s/%s", target, files[i].name);
    st = rmtmc_write_atomic(path, files[i].fn, files[i].ctx, err);
  }
  if (!existed) {
    if (st == RMTMC_OK && rename(target, dir) != 0)
      st = rmtmc_error_set(err, RMTMC_ERR_WRITE, "cannot rename %s to %s: %s", target, dir, strerror(errno));
    if (st != RMTMC_OK) {
      for (int i = 0; i < nfiles; ++i) {
        snprintf(path, len + 80, "%s/%s", target, files[i].name);
        remove(path);
      }
      rmdir(target);
    }
  }
  free(target);
  free(path);
  return st;
}
