/* cli.h: the rmtmc command-line tool.  Every command is a study of the
 * library's table (rmtmc_study.h): parse the options onto it, check it and
 * every output destination (exit 2 before the study runs), run it, and write
 * every output from one place (outputs.c) as one all-or-nothing transaction
 * (rmtmc_output.h). */
#ifndef RMTMC_CLI_H
#define RMTMC_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "rmtmc.h"
#include "rmtmc_output.h"
#include "rmtmc_study.h"

#define RMTMC_EXIT_OK 0
#define RMTMC_EXIT_FAIL 1  /* the run failed (disk full, permission denied at write time: the OS reason) */
#define RMTMC_EXIT_USAGE 2 /* the user's input is wrong (the message says what to fix) */
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
int cli_exit_code(rmtmc_status st);
/* "rmtmc CMD: error: MESSAGE" (one clean line) on stderr; the exit code. */
int cli_fail(const char *cmd, const rmtmc_error *err);

/* Where a run's outputs go, how loud it is, and the transaction that
 * writes them. */
typedef struct cli_outputs {
  const char *json;       /* --json PATH ("-": standard output) */
  const char *out;        /* --out DIR */
  const char *trials_dir; /* --save-trials DIR */
  int quiet, no_plots, gnuplot_log;
  rmtmc_output *txn;      /* the destinations, declared before the study */
  int js, od, td;         /* their ids (-1: none) */
  int json_on_stdout;     /* the JSON owns standard output (--json -, theory's default) */
} cli_outputs;

/* Declare every destination of the run and check it against the file
 * system now, before the study (a bad destination is the user's input:
 * RMTMC_ERR_INVALID, exit 2); guard them against signals.  A study that
 * keeps state in its --out DIR (the sweep) gets the lock now, so that
 * concurrent runs into the same DIR run one after the other. */
rmtmc_status cli_outputs_declare(cli_outputs *o, const rmtmc_study_traits *tr, rmtmc_error *err);
/* The one path that writes every output of a finished run: --json, --out
 * (data files, gnuplot scripts and pictures, report.html), --save-trials,
 * JSON on stdout for a study that wants it, all built under temporary
 * names and committed together. */
rmtmc_status cli_write_outputs(const char *cmd, const rmtmc_result *r, cli_outputs *o, rmtmc_error *err);
/* The stream for the summary: stdout, or stderr when the JSON owns stdout. */
FILE *cli_outputs_stream(const cli_outputs *o);
/* After the commit: one line saying what was written. */
void cli_outputs_report(const char *cmd, const cli_outputs *o, FILE *f);
/* Abort what was not committed (nothing is left), stop guarding, free. */
void cli_outputs_free(cli_outputs *o);

/* Run gnuplot on the scripts in workdir (an output transaction's temporary
 * directory; shown: the final --out DIR for messages), with gnuplot's own
 * output captured in workdir/gnuplot.log, removed unless keep_log
 * (plots.c).  Returns how many drew.  When gnuplot is missing or fails,
 * says so in one line on stderr; the study still succeeds. */
int cli_run_plots_in(const char *cmd, const char *workdir, const char *shown, const rmtmc_plot_scripts *s,
                     int keep_log);

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
