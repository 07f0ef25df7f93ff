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
  rmtmc_status (*run)(const void *cfg, const char *dir, const study_hooks *hooks, void *res, rmtmc_error *err);
  void (*result_free)(void *res);
  /* Where the run options sit in the config, where the run's info and the
   * per-trial table sit in the result (byte offsets; -1: none). */
  ptrdiff_t run_opts_at, run_info_at, trials_at;
  /* the result */
  int (*complete)(const void *res); /* NULL: always complete */
  rmtmc_writer_fn json;
  /* the data files of --out DIR; NULL: result.json from json */
  int (*files)(const void *res, rmtmc_out_file *files, int cap);
  rmtmc_status (*plots)(const char *dir, const void *res, rmtmc_plot_scripts *s, rmtmc_error *err);
  rmtmc_status (*html)(const char *dir, const void *res, rmtmc_error *err);
  void (*summary)(FILE *f, const void *res);
} rmtmc_study_def;

/* The entries of a Monte Carlo study whose typed API follows the names
 * rmtmc_<p>_config_default, rmtmc_<p>_validate, rmtmc_<p>_run,
 * rmtmc_<p>_result_free, rmtmc_plot_<p>, rmtmc_html_<p>, rmtmc_<p>_summary,
 * rmtmc_<p>_write_json, with `run` in the config and `run`, `trials` in the
 * result: STUDY_TYPED_FNS(p, config type, result type) defines the untyped
 * entries once, STUDY_TYPED_ROW(p, ...) fills them into a row. */
#define STUDY_TYPED_FNS(p, cfg_t, res_t)                                                                        \
  static void study_##p##_defaults(void *c) { rmtmc_##p##_config_default(c); }                                 \
  static rmtmc_status study_##p##_check(void *c, rmtmc_error *e) { return rmtmc_##p##_validate(c, e); }         \
  static rmtmc_status study_##p##_run(const void *c, const char *dir, const study_hooks *h, void *r,             \
                                      rmtmc_error *e) {                                                        \
    return rmtmc_##p##_run(c, r, e);                                                                           \
  }                                                                                                            \
  static void study_##p##_free(void *r) { rmtmc_##p##_result_free(r); }                                        \
  static rmtmc_status study_##p##_plots(const char *dir, const void *r, rmtmc_plot_scripts *s, rmtmc_error *e) { \
    return rmtmc_plot_##p(dir, r, s, e);                                                                       \
  }                                                                                                            \
  static rmtmc_status study_##p##_html(const char *dir, const void *r, rmtmc_error *e) {                        \
    return rmtmc_html_##p(dir, r, e);                                                                          \
  }                                                                                                            \
  static void study_##p##_summary(FILE *f, const void *r) { rmtmc_##p##_summary(f, r); }

#define STUDY_TYPED_ROW(p, cfg_t, res_t)                                                                       \
  .config_size = sizeof(cfg_t), .result_size = sizeof(res_t), .defaults = study_##p##_defaults,               \
  .check = study_##p##_check, .run = study_##p##_run, .result_free = study_##p##_free,                         \
  .run_opts_at = offsetof(cfg_t, run), .run_info_at = offsetof(res_t, run), .trials_at = offsetof(res_t, trials), \
  .json = rmtmc_##p##_write_json, .plots = study_##p##_plots, .html = study_##p##_html,                       \
  .summary = study_##p##_summary

/* A whole row for such a study drawing trials, keeping a per-trial table
 * and writing result.json as its data file. */
#define STUDY_MC_ROW(p, cfg_t, res_t, nm, text, usage_fn, option_fn)                                          \
  {.name = nm, .about = text, .traits = {.monte_carlo = 1}, .flags = " save-trials ", .usage = usage_fn,      \
   .option = option_fn, STUDY_TYPED_ROW(p, cfg_t, res_t)}

/* The rows (each in its study's *_def.c file). */
extern const rmtmc_study_def study_def_spectrum;
extern const rmtmc_study_def study_def_theory;
extern const rmtmc_study_def study_def_contexts;
extern const rmtmc_study_def study_def_mixture;
extern const rmtmc_study_def study_def_ridge;
extern const rmtmc_study_def study_def_sweep;
extern const rmtmc_study_def study_def_resolvent;
extern const rmtmc_study_def study_def_edge;

/* One file for a files() list. */
void study_file(rmtmc_out_file *f, const char *name, rmtmc_writer_fn fn, const void *ctx);

#endif
