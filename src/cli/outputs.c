/* outputs.c: the one place that writes a run's outputs (cli.h):
 * --json PATH, --out DIR (the study's data files, its gnuplot scripts and
 * pictures, report.html), --save-trials DIR (observables.npy,
 * columns.json, eigenvalues.npy), the JSON on stdout of a study that wants
 * it, and the summary on stdout. */
#include <stdio.h>

#include "cli/cli.h"

/* rmtmc_writer_fn over a result's JSON. */
static rmtmc_status result_json(FILE *f, const void *ctx, rmtmc_error *err) {
  return rmtmc_result_write_json(ctx, f, err);
}

#define MAX_FILES 16

rmtmc_status cli_write_outputs(const char *cmd, const rmtmc_result *r, const cli_outputs *o, rmtmc_error *err) {
  rmtmc_status st = RMTMC_OK;
  rmtmc_out_file files[MAX_FILES];
  if (o->json) st = rmtmc_write_atomic(o->json, result_json, r, err);
  if (st == RMTMC_OK && o->out) {
    int n = rmtmc_result_files(r, files, MAX_FILES);
    st = rmtmc_write_dir(o->out, files, n < MAX_FILES ? n : MAX_FILES, err);
    if (st == RMTMC_OK && !o->no_plots) {
      rmtmc_plot_scripts scripts;
      st = rmtmc_result_plots(r, o->out, &scripts, err);
      if (st == RMTMC_OK && scripts.count > 0) cli_run_plots(cmd, o->out, &scripts);
    }
    if (st == RMTMC_OK) st = rmtmc_result_html(r, o->out, err);
  }
  if (st == RMTMC_OK && o->trials_dir) {
    int n = rmtmc_result_trials_files(r, files);
    st = rmtmc_write_dir(o->trials_dir, files, n, err);
  }
  return st;
}
