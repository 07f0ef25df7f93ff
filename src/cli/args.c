/* args.c: argv iteration, exit codes, the error line, progress. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_next(cli_args *a, int (*is_flag)(void *ctx, const char *name), void *ctx, const char **name,
             const char **value, rmtmc_error *err) {
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
  if (is_flag && is_flag(ctx, *name)) {
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

/* 2: the user's input (options, input files, sizes that do not fit, a
 * device that is not there, a destination that cannot be written);
 * 1: the run failed for another reason (memory, numerics, a library, a
 * write that failed at write time). */
int cli_exit_code(rmtmc_status st) {
  if (st == RMTMC_OK) return RMTMC_EXIT_OK;
  return rmtmc_status_is_input(st) ? RMTMC_EXIT_USAGE : RMTMC_EXIT_FAIL;
}

int cli_fail(const char *cmd, const rmtmc_error *err) {
  /* One clean line: rmtmc_error_set escaped every control and non-ASCII byte. */
  fflush(stdout);
  fprintf(stderr, "rmtmc %s: error: %s\n", cmd, err->msg[0] ? err->msg : rmtmc_status_str(err->code));
  return cli_exit_code(err->code);
}

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_init(cli_progress *p, int quiet, int lines) {
  p->lines = lines;
  p->enabled = !quiet && (lines || isatty(STDERR_FILENO));
  p->start = wall();
  p->next = 10.0;
  p->shown = 0;
  p->last = p->base = 0;
}

int cli_progress_update(void *ctx, int64_t done, int64_t total) {
  cli_progress *p = ctx;
  if (!p->enabled) return 0;
  if (done < p->last) { /* a new run: time it from here */
    p->start = wall();
    p->base = done;
  }
  p->last = done;
  double el = wall() - p->start;
  if (p->lines ? el < p->next : el < 2.0 && !p->shown) return 0;
  double rate = el > 0 ? (double)(done - p->base) / el : 0.0, left = rate > 0 ? (double)(total - done) / rate : 0.0;
  fprintf(stderr, "%s  trials %lld/%lld (%3.0f%%)  %.1f trials/s  %.0f s left%s", p->lines ? "" : "\r", (long long)done,
          (long long)total, 100.0 * (double)done / (double)total, rate, left, p->lines ? "\n" : "   ");
  fflush(stderr);
  p->shown = 1;
  while (p->next <= el) p->next += 10.0;
  return 0;
}

void cli_progress_done(cli_progress *p) {
  if (p->shown && !p->lines) fputc('\n', stderr);
}
