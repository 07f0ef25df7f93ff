/* cli.h: the rmtmc command-line tool.  Every command is a study of the
 * library's table (rmtmc_study.h): parse the options onto it, run it, and
 * write every output from one place (outputs.c). */
#ifndef RMTMC_CLI_H
#define RMTMC_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "rmtmc.h"
#include "rmtmc_study.h"

#define RMTMC_EXIT_OK 0
#define RMTMC_EXIT_FAIL 1
#define RMTMC_EXIT_USAGE 2
/* --fail-on: the run finished and wrote its outputs, and its verdict is the
 * one --fail-on names (docs/verdict.md) */
#define RMTMC_EXIT_VERDICT 3

/* argv iteration: --name value, --name=value, or a bare flag (is_flag). */
typedef struct cli_args {
  int argc;
  char **argv;
  int pos;
  char name_buf[128];
} cli_args;
/* 1: got an option, 0: done, -1: error (message in err). */
int cli_next(cli_args *a, int (*is_flag)(void *ctx, const char *name), void *ctx, const char **name,
             const char **value, rmtmc_error *err);
/* The directory that will hold path must exist and be writable. */
rmtmc_status cli_check_output(const char *opt, const char *path, int is_dir, rmtmc_error *err);
int cli_exit_code(rmtmc_status st);
int cli_fail(const char *cmd, const rmtmc_error *err);

/* Where a run's outputs go, and how loud it is. */
typedef struct cli_outputs {
  const char *json;       /* --json PATH */
  const char *out;        /* --out DIR */
  const char *trials_dir; /* --save-trials DIR */
  int quiet, no_plots;
} cli_outputs;

/* The one path that writes every output of a finished run: --json, --out
 * (data files, gnuplot scripts and pictures, report.html), --save-trials,
 * JSON on stdout for a study that wants it, and the summary. */
rmtmc_status cli_write_outputs(const char *cmd, const rmtmc_result *r, const cli_outputs *o, rmtmc_error *err);

/* Run gnuplot on the scripts in dir (plots.c); returns how many drew.  When
 * gnuplot is missing, says on stderr how to get the pictures. */
int cli_run_plots(const char *cmd, const char *dir, const rmtmc_plot_scripts *s);

/* Progress on stderr, not with --quiet: on a terminal one line rewritten
 * in place (after ~2 s); with lines (rank 0 of an MPI job, whose stderr is
 * the launcher's pipe to a terminal or a job's log) a whole line every
 * 10 s.  Nothing otherwise.  A count that goes back (the next run of a
 * sweep) restarts the clock. */
typedef struct cli_progress {
  int enabled, lines;
  double start, next;
  int shown;
  int64_t last, base; /* the last count; the count the clock restarted at */
} cli_progress;
void cli_progress_init(cli_progress *p, int quiet, int lines);
int cli_progress_update(void *ctx, int64_t done, int64_t total);
void cli_progress_done(cli_progress *p);

/* Run the study `name` on the options in argv (after the command words),
 * on every rank of comm (NULL: this process alone): the trials are divided
 * among the ranks, rank 0 alone prints and writes, and every rank returns
 * the same exit code. */
int cli_study(const char *name, const char *cmd, int argc, char **argv, rmtmc_comm *comm);

#endif
