/* cli.h: shared pieces of the command-line tool. */
#ifndef RMTMC_CLI_H
#define RMTMC_CLI_H

#include <stdint.h>

#include "rmtmc.h"
#include "rmtmc_plot.h"

/* Exit codes: 0 ok, 1 runtime failure, 2 bad input (nothing written). */
#define RMTMC_EXIT_OK 0
#define RMTMC_EXIT_FAIL 1
#define RMTMC_EXIT_USAGE 2

/* A parsed argv: --key value and --key=value, plus bare flags. */
typedef struct cli_args {
  int argc;
  char **argv;
  int pos; /* next index */
  char name_buf[128]; /* option name of a --key=value argument */
} cli_args;

/* Next option name (without "--") and its value (NULL for a bare flag when
 * no value follows or the option is listed in `flags`).  Returns 0 at the
 * end, -1 on a malformed argument (message in err). */
int cli_next(cli_args *a, const char *flags, const char **name, const char **value,
             rmtmc_error *err);

rmtmc_status cli_int64(const char *opt, const char *s, int64_t lo, int64_t *out,
                       rmtmc_error *err);
rmtmc_status cli_double(const char *opt, const char *s, double *out, rmtmc_error *err);
/* Comma-separated points a, a+bi, a-bi, bi. */
rmtmc_status cli_zlist(const char *s, int64_t cap, double *re, double *im, int64_t *nz,
                       rmtmc_error *err);
/* The directory that will hold path must exist and be writable. */
rmtmc_status cli_check_output(const char *opt, const char *path, int is_dir,
                              rmtmc_error *err);
int cli_exit_code(rmtmc_status st);
/* --out DIR of the generative and ridge studies: create DIR and write
 * DIR/result.json atomically with fn. */
rmtmc_status cli_write_result(const char *dir, rmtmc_writer_fn fn, const void *res, rmtmc_error *err);

/* Options every study shares.  Each returns 1 when `name` was one of its
 * options (setting *st), 0 otherwise. */
typedef struct cli_run {
  const char *json, *out; /* --json PATH, --out DIR (checked writable) */
  int quiet, no_plots;    /* --quiet, --no-plots */
} cli_run;
#define CLI_RUN_FLAGS " help quiet no-plots "
int cli_run_option(cli_run *r, const char *name, const char *val, rmtmc_status *st,
                   rmtmc_error *err);
/* --trials T (>= 2), --seed S, --threads K. */
int cli_trial_option(const char *name, const char *val, int64_t *trials, uint64_t *seed,
                     int *threads, rmtmc_status *st, rmtmc_error *err);
/* --backend auto|cpu|cuda, --batch B (>= 1), --device N (CUDA ordinal). */
int cli_backend_option(const char *name, const char *val, rmtmc_backend_kind *kind,
                       int64_t *batch, int *device, rmtmc_status *st, rmtmc_error *err);
/* The spectrum study's options: --d --n --sigma --entries --z (at most zcap
 * points) --bins --backend --batch --precision and the trial options. */
int cli_spectrum_option(rmtmc_spectrum_config *c, int64_t zcap, const char *name,
                        const char *val, rmtmc_status *st, rmtmc_error *err);
int cli_fail(const char *cmd, const rmtmc_error *err);

int cmd_spectrum(int argc, char **argv);
int cmd_theory(int argc, char **argv);
int cmd_generative(int argc, char **argv);
int cmd_ridge(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

/* Run gnuplot on the scripts in dir (plots.c); returns how many drew.  When
 * gnuplot is missing, says on stderr how to get the pictures. */
int cli_run_plots(const char *cmd, const char *dir, const rmtmc_plot_scripts *s);

/* Progress line on stderr (only on a terminal, after ~2 s, not with --quiet). */
typedef struct cli_progress {
  int enabled;
  double start;
  int shown;
} cli_progress;
void cli_progress_init(cli_progress *p, int quiet);
void cli_progress_update(void *ctx, int64_t done, int64_t total);
void cli_progress_done(cli_progress *p);

#endif
