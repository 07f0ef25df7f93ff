/* rmtmc_study.h: every study behind one opaque API: configure by option
 * name, run, read or write the result.  The command line is a thin layer on
 * it (src/cli), and so can any other front end (a Python extension: options
 * are the command line's flags without "--", values are their text).
 *
 *   rmtmc_study *s;  rmtmc_result *r;
 *   rmtmc_study_new("spectrum", &s, &err);
 *   rmtmc_study_set(s, "d", "400", &err);          (each option: status + message)
 *   rmtmc_study_check(s, &err);                     (before any output is touched)
 *   rmtmc_study_run(s, NULL, &r, &err);
 *   rmtmc_result_write_json(r, stdout, &err);
 *   rmtmc_result_free(r);  rmtmc_study_free(s);
 *
 * Studies (rmtmc_study_count / rmtmc_study_name): spectrum, theory,
 * generative contexts, generative mixture, ridge, sweep, resolvent.  The
 * typed structs (rmtmc_spectrum.h, rmtmc_studies.h, rmtmc_sweep.h,
 * rmtmc_theory_study.h, rmtmc_resolvent.h)
 * remain available to C callers (rmtmc_result_data).  Nothing here prints,
 * except into the FILE a caller passes. */
#ifndef RMTMC_STUDY_H
#define RMTMC_STUDY_H

#include <stdio.h>

#include "rmtmc_comm.h"
#include "rmtmc_plot.h"
#include "rmtmc_report.h"
#include "rmtmc_run.h"
#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rmtmc_study rmtmc_study;   /* a configured study */
typedef struct rmtmc_result rmtmc_result; /* what a run produced */

/* A line the study reports while it runs (the sweep's points): level
 * RMTMC_NOTICE_PROGRESS for progress (a quiet front end drops it),
 * RMTMC_NOTICE_INFO for what the user must see. */
enum { RMTMC_NOTICE_INFO = 0, RMTMC_NOTICE_PROGRESS = 1 };
typedef void (*rmtmc_notice_fn)(void *ctx, int level, const char *line);

/* ---- the table of studies ---- */
int rmtmc_study_count(void);
const char *rmtmc_study_name(int i);    /* "spectrum", "generative contexts", ... */
const char *rmtmc_study_summary(int i); /* one line */

/* ---- configuring ---- */
/* A study with its defaults; RMTMC_ERR_INVALID for an unknown name. */
rmtmc_status rmtmc_study_new(const char *name, rmtmc_study **s, rmtmc_error *err);
void rmtmc_study_free(rmtmc_study *s); /* NULL: no-op */
const char *rmtmc_study_name_of(const rmtmc_study *s);
/* Every option with its default, as text (the command line's --help). */
void rmtmc_study_usage(const rmtmc_study *s, FILE *f);
/* Does the option take no value (a flag such as save-eigenvalues)? */
int rmtmc_study_flag(const rmtmc_study *s, const char *option);
/* Set an option: "d" = "400", "sigma" = "ar1:0.5", "save-trials" (flag,
 * value NULL): keep the per-trial table.  RMTMC_ERR_UNSUPPORTED for an
 * option the study does not have, RMTMC_ERR_INVALID for a bad value (the
 * message names the option). */
rmtmc_status rmtmc_study_set(rmtmc_study *s, const char *option, const char *value, rmtmc_error *err);
/* Monte Carlo studies: progress after every batch; once the backend is
 * chosen, a notice (RMTMC_NOTICE_PROGRESS) with the configuration and the
 * backend, before the first trial. */
void rmtmc_study_set_progress(rmtmc_study *s, rmtmc_progress_fn fn, void *ctx);
void rmtmc_study_set_notice(rmtmc_study *s, rmtmc_notice_fn fn, void *ctx);
/* Test hooks and measurement overrides (Monte Carlo studies). */
void rmtmc_study_set_debug(rmtmc_study *s, const rmtmc_backend_debug *d);
/* Monte Carlo studies: divide the trials among the MPI ranks of c
 * (rmtmc_comm.h; NULL: this process alone).  Every rank then makes the
 * same calls with the same options; rank 0's result is the whole result,
 * the others' have the same numbers without per-trial rows, and only rank
 * 0 should write.  A study without trials runs on every rank alike. */
void rmtmc_study_set_comm(rmtmc_study *s, rmtmc_comm *c);
/* Everything that can be checked before the run (sizes, specs, grids). */
rmtmc_status rmtmc_study_check(rmtmc_study *s, rmtmc_error *err);

typedef struct rmtmc_study_traits {
  int monte_carlo;         /* draws trials (--trials, --backend, --save-trials) */
  int needs_dir;           /* runs into a directory it keeps (the sweep: --out) */
  const char *dir_state;   /* needs_dir: the file it keeps there from run to run ("points.jsonl") */
  int json_to_stdout;      /* with neither --json nor --out, JSON goes to stdout */
  int eigenvalues;         /* can keep every trial's eigenvalues */
  int verdict;             /* compares with the theory: has a verdict (rmtmc_result_verdict) */
} rmtmc_study_traits;
void rmtmc_study_traits_of(const rmtmc_study *s, rmtmc_study_traits *t);

/* ---- running ---- */
/* dir: the directory a needs_dir study keeps its state in (else NULL). */
rmtmc_status rmtmc_study_run(rmtmc_study *s, const char *dir, rmtmc_result **r, rmtmc_error *err);

/* ---- the result ---- */
void rmtmc_result_free(rmtmc_result *r); /* NULL: no-op */
const char *rmtmc_result_study(const rmtmc_result *r);
/* 0 when the run stopped early on purpose (the sweep's --stop-after). */
int rmtmc_result_complete(const rmtmc_result *r);
/* Why the backend is not the one asked for ("" when it is, or none ran). */
const char *rmtmc_result_note(const rmtmc_result *r);
/* The typed result: rmtmc_spectrum_result, rmtmc_contexts_result,
 * rmtmc_mixture_result, rmtmc_ridge_result, rmtmc_sweep_result or
 * rmtmc_theory_study_result, by rmtmc_result_study. */
const void *rmtmc_result_data(const rmtmc_result *r);
/* The per-trial table (NULL unless save-trials was set). */
const rmtmc_trials *rmtmc_result_trials(const rmtmc_result *r);

/* The documented JSON (docs/schema*.md). */
rmtmc_status rmtmc_result_write_json(const rmtmc_result *r, FILE *f, rmtmc_error *err);
/* The data files of an output directory (result.json, CSV tables); count
 * returned, at most cap written. */
int rmtmc_result_files(const rmtmc_result *r, rmtmc_out_file *files, int cap);
/* gnuplot scripts into dir (listed in s); 0 scripts for a study without. */
rmtmc_status rmtmc_result_plots(const rmtmc_result *r, const char *dir, rmtmc_plot_scripts *s,
                                rmtmc_error *err);
/* dir/report.html, when the study has one (RMTMC_OK otherwise). */
rmtmc_status rmtmc_result_html(const rmtmc_result *r, const char *dir, rmtmc_error *err);
/* The study's verdict (rmtmc_verdict.h, docs/verdict.md): the list the
 * summary, the JSON and the HTML are written from.  RMTMC_OK with *v
 * filled (release with rmtmc_verdict_free); RMTMC_ERR_UNSUPPORTED for a
 * study without a verdict (theory) or a run that stopped early. */
rmtmc_status rmtmc_result_verdict(const rmtmc_result *r, rmtmc_verdict *v, rmtmc_error *err);
/* The human-readable summary with its verdict line. */
void rmtmc_result_summary(const rmtmc_result *r, FILE *f);
/* The files of the per-trial table (rmtmc_trials_files_list); 0 without. */
int rmtmc_result_trials_files(const rmtmc_result *r, rmtmc_out_file *files);

#ifdef __cplusplus
}
#endif
#endif
