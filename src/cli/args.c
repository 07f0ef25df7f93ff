/* args.c: option parsing helpers, output checks, exit codes, progress. */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_next(cli_args *a, const char *flags, const char **name, const char **value,
             rmtmc_error *err) {
  if (a->pos >= a->argc) return 0;
  const char *arg = a->argv[a->pos++];
  if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
    rmtmc_error_set(err, RMTMC_ERR_INVALID, "unexpected argument '%s' (options start with --)", arg);
    return -1;
  }
  char *buf = a->name_buf;
  const char *eq = strchr(arg, '=');
  if (eq) {
    size_t len = (size_t)(eq - arg - 2);
    if (len >= sizeof a->name_buf) len = sizeof a->name_buf - 1;
    memcpy(buf, arg + 2, len);
    buf[len] = '\0';
    *name = buf;
    *value = eq + 1;
    return 1;
  }
  *name = arg + 2;
  /* Bare flags: listed in `flags` as " name " */
  char key[140];
  snprintf(key, sizeof key, " %s ", *name);
  if (flags && strstr(flags, key)) {
    *value = NULL;
    return 1;
  }
  if (a->pos >= a->argc) {
    rmtmc_error_set(err, RMTMC_ERR_INVALID, "option --%s needs a value", *name);
    return -1;
  }
  *value = a->argv[a->pos++];
  return 1;
}

rmtmc_status cli_int64(const char *opt, const char *s, int64_t lo, int64_t *out,
                       rmtmc_error *err) {
  char *end = NULL;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0')
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s '%s' is not an integer", opt, s);
  if (v < lo)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s must be >= %lld (got %lld)", opt,
                           (long long)lo, v);
  *out = v;
  return RMTMC_OK;
}

rmtmc_status cli_double(const char *opt, const char *s, double *out, rmtmc_error *err) {
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (errno != 0 || end == s || *end != '\0' || !isfinite(v))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s '%s' is not a finite number", opt, s);
  *out = v;
  return RMTMC_OK;
}

/* One complex number: "a", "a+bi", "a-bi", "bi", "-bi". */
static int parse_complex(const char *s, double *re, double *im) {
  char *end = NULL;
  errno = 0;
  double a = strtod(s, &end);
  if (end == s || errno) return 0;
  if (*end == '\0') {
    *re = a;
    *im = 0.0;
    return isfinite(a);
  }
  if ((*end == 'i' || *end == 'j') && end[1] == '\0') {
    *re = 0.0;
    *im = a;
    return isfinite(a);
  }
  if (*end != '+' && *end != '-') return 0;
  const char *p = end;
  double b = strtod(p, &end);
  if (end == p || errno || (*end != 'i' && *end != 'j') || end[1] != '\0') return 0;
  *re = a;
  *im = b;
  return isfinite(a) && isfinite(b);
}

rmtmc_status cli_zlist(const char *s, int64_t cap, double *re, double *im, int64_t *nz,
                       rmtmc_error *err) {
  *nz = 0;
  const char *p = s;
  while (*p) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    char buf[64];
    if (len == 0 || len >= sizeof buf)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z '%s': empty or overlong point", s);
    memcpy(buf, p, len);
    buf[len] = '\0';
    if (*nz >= cap)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z: at most %lld points", (long long)cap);
    if (!parse_complex(buf, &re[*nz], &im[*nz]))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--z: '%s' is not a number; write real points as -1.5 and complex ones as 1+0.1i",
                             buf);
    ++*nz;
    p = comma ? comma + 1 : p + len;
  }
  if (*nz == 0) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z needs at least one point");
  return RMTMC_OK;
}

rmtmc_status cli_check_output(const char *opt, const char *path, int is_dir, rmtmc_error *err) {
  if (!path || !*path) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s needs a path", opt);
  struct stat sb;
  if (stat(path, &sb) == 0) {
    if (is_dir && !S_ISDIR(sb.st_mode))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s %s exists and is not a directory", opt, path);
    if (!is_dir && S_ISDIR(sb.st_mode))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s %s is a directory; give a file name", opt, path);
  }
  char *copy = strdup(path);
  if (!copy) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  const char *parent = dirname(copy);
  rmtmc_status st = RMTMC_OK;
  if (access(parent, W_OK) != 0)
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s %s: directory %s does not exist or is not writable",
                         opt, path, parent);
  free(copy);
  return st;
}

int cli_run_option(cli_run *r, const char *name, const char *val, rmtmc_status *st,
                   rmtmc_error *err) {
  if (strcmp(name, "quiet") == 0) r->quiet = 1;
  else if (strcmp(name, "no-plots") == 0) r->no_plots = 1;
  else if (strcmp(name, "json") == 0) *st = cli_check_output(name, r->json = val, 0, err);
  else if (strcmp(name, "out") == 0) *st = cli_check_output(name, r->out = val, 1, err);
  else return 0;
  return 1;
}

int cli_trial_option(const char *name, const char *val, int64_t *trials, uint64_t *seed,
                     int *threads, rmtmc_status *st, rmtmc_error *err) {
  int64_t v = 0;
  if (strcmp(name, "trials") == 0) *st = cli_int64(name, val, 2, trials, err);
  else if (strcmp(name, "seed") == 0) {
    *st = cli_int64(name, val, 0, &v, err);
    *seed = (uint64_t)v;
  } else if (strcmp(name, "threads") == 0) {
    *st = cli_int64(name, val, 1, &v, err);
    *threads = (int)(v > 4096 ? 4096 : v);
  } else
    return 0;
  return 1;
}

int cli_backend_option(const char *name, const char *val, rmtmc_backend_kind *kind,
                       int64_t *batch, int *device, rmtmc_status *st, rmtmc_error *err) {
  int64_t v = 0;
  if (strcmp(name, "backend") == 0) *st = rmtmc_backend_parse(val, kind, err);
  else if (strcmp(name, "batch") == 0) *st = cli_int64(name, val, 1, batch, err);
  else if (strcmp(name, "device") == 0) {
    *st = cli_int64(name, val, 0, &v, err);
    if (*st == RMTMC_OK && v > 1023) *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--device %lld: not a CUDA ordinal", (long long)v);
    *device = (int)v;
  } else return 0;
  return 1;
}

static rmtmc_status copy_spec(char *dst, size_t cap, const char *name, const char *val,
                              rmtmc_error *err) {
  if (strlen(val) >= cap)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s is too long (at most %zu characters)",
                           name, cap - 1);
  strcpy(dst, val);
  return RMTMC_OK;
}

int cli_spectrum_option(rmtmc_spectrum_config *c, int64_t zcap, const char *name,
                        const char *val, rmtmc_status *st, rmtmc_error *err) {
  if (cli_trial_option(name, val, &c->trials, &c->seed, &c->backend_opts.threads, st, err))
    return 1;
  if (strcmp(name, "d") == 0) *st = cli_int64(name, val, 1, &c->d, err);
  else if (strcmp(name, "n") == 0) *st = cli_int64(name, val, 1, &c->n, err);
  else if (strcmp(name, "sigma") == 0) *st = copy_spec(c->sigma, sizeof c->sigma, name, val, err);
  else if (strcmp(name, "entries") == 0) *st = copy_spec(c->entries, sizeof c->entries, name, val, err);
  else if (strcmp(name, "z") == 0) *st = cli_zlist(val, zcap, c->z_re, c->z_im, &c->nz, err);
  else if (strcmp(name, "bins") == 0) *st = cli_int64(name, val, 1, &c->bins, err);
  else if (cli_backend_option(name, val, &c->backend, &c->batch, &c->backend_opts.device, st, err)) {
  } else if (strcmp(name, "precision") == 0) {
    if (strcmp(val, "double") == 0) c->precision = RMTMC_PRECISION_DOUBLE;
    else if (strcmp(val, "single") == 0) c->precision = RMTMC_PRECISION_SINGLE;
    else *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--precision '%s': use double or single", val);
  } else
    return 0;
  return 1;
}

int cli_exit_code(rmtmc_status st) {
  switch (st) {
    case RMTMC_OK: return RMTMC_EXIT_OK;
    case RMTMC_ERR_NOMEM:
    case RMTMC_ERR_NUMERIC:
    case RMTMC_ERR_NOCONV:
    case RMTMC_ERR_BACKEND: return RMTMC_EXIT_FAIL;
    default: return RMTMC_EXIT_USAGE;
  }
}

int cli_fail(const char *cmd, const rmtmc_error *err) {
  fprintf(stderr, "rmtmc %s: error: %s\n", cmd, err->msg[0] ? err->msg : rmtmc_status_str(err->code));
  return cli_exit_code(err->code);
}

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_init(cli_progress *p, int quiet) {
  p->enabled = !quiet && isatty(STDERR_FILENO);
  p->start = wall();
  p->shown = 0;
}

void cli_progress_update(void *ctx, int64_t done, int64_t total) {
  cli_progress *p = ctx;
  if (!p->enabled) return;
  double el = wall() - p->start;
  if (el < 2.0 && !p->shown) return;
  double rate = (double)done / el, left = rate > 0 ? (double)(total - done) / rate : 0.0;
  fprintf(stderr, "\r  trials %lld/%lld (%3.0f%%)  %.1f trials/s  %.0f s left   ", (long long)done,
          (long long)total, 100.0 * (double)done / (double)total, rate, left);
  fflush(stderr);
  p->shown = 1;
}

void cli_progress_done(cli_progress *p) {
  if (p->shown) fputc('\n', stderr);
}

rmtmc_status cli_write_result(const char *dir, rmtmc_writer_fn fn, const void *res, rmtmc_error *err) {
  char path[4096];
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return rmtmc_error_set(err, RMTMC_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
  snprintf(path, sizeof path, "%s/result.json", dir);
  return rmtmc_write_atomic(path, fn, res, err);
}
