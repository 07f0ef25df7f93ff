/* study_def.h: one row of the table of studies (src/study/registry.c).
 * A new study is one such row, in its own file next to its run code, plus
 * one line in the registry.  Private to src/study. */
#ifndef RMTMC_STUDY_DEF_H
#define RMTMC_STUDY_DEF_H

#include <stddef.h>
#include <stdio.h>

#include "rmtmc_plot.h"
#include "rmtmc_report.h"
#include "rmtmc_run.h"
#include "rmtmc_study.h"

/* What a run may call back into. */
typedef struct study_hooks {
  rmtmc_notice_fn notice;
  void *notice_ctx;
} study_hooks;

typedef struct rmtmc_study_def {
  const char *name;    /* as the command line spells it */
  const char *about;   /* one line for rmtmc --help */
  rmtmc_study_traits traits;
  const char *flags;   /* options without a value, as " name name " */
  size_t config_size, result_size;
  void (*usage)(FILE *f);
  void (*defaults)(void *cfg);
  /* 1 when `name` is an option of the study (*st set), else 0 */
  int (*option)(void *cfg, const char *name, const char *value, rmtmc_status *st, rmtmc_error *err);
  rmtmc_status (*check)(void *cfg, rmtmc_error *err);
  rmtmc_run_opts *(*run_opts)(void *cfg); /* Monte Carlo studies, else NULL */
  rmtmc_status (*run)(const void *cfg, const char *dir, const study_hooks *hooks, void *res, rmtmc_error *err);
  void (*result_free)(void *res);
  /* the result */
  int (*complete)(const void *res);        /* NULL: always complete */
  const rmtmc_run_info *(*run_info)(const void *res); /* NULL: no backend */
  const rmtmc_trials *(*trials)(const void *res);     /* NULL: no table */
  rmtmc_writer_fn json;
  int (*files)(const void *res, rmtmc_out_file *files, int cap);
  rmtmc_status (*plots)(const char *dir, const void *res, rmtmc_plot_scripts *s, rmtmc_error *err);
  rmtmc_status (*html)(const char *dir, const void *res, rmtmc_error *err);
  void (*summary)(FILE *f, const void *res);
} rmtmc_study_def;

/* The rows (each in its study's *_def.c file). */
extern const rmtmc_study_def study_def_spectrum;
extern const rmtmc_study_def study_def_theory;
extern const rmtmc_study_def study_def_contexts;
extern const rmtmc_study_def study_def_mixture;
extern const rmtmc_study_def study_def_ridge;
extern const rmtmc_study_def study_def_sweep;

/* One file for a files() list. */
void study_file(rmtmc_out_file *f, const char *name, rmtmc_writer_fn fn, const void *ctx);

#endif
