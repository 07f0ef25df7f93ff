/* outputs.c: the one place that writes a run's outputs (cli.h), as one
 * transaction (rmtmc_output.h): --json PATH ("-" and devices written
 * through), --out DIR (the study's data files, its gnuplot scripts and
 * pictures, report.html; the sweep's checkpoint carried along),
 * --save-trials DIR (observables.npy, columns.json, eigenvalues.npy), and
 * the JSON on stdout of a study that wants it.  Every destination is
 * declared and checked before the study; everything is built under
 * temporary names and appears at the commit, all together; a failure or a
 * signal leaves nothing. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output_guard.h"

/* rmtmc_writer_fn over a result's JSON. */
static rmtmc_status result_json(FILE *f, const void *ctx, rmtmc_error *err) {
  return rmtmc_result_write_json(ctx, f, err);
}

#define MAX_FILES 32

rmtmc_status cli_outputs_declare(cli_outputs *o, const rmtmc_study_traits *tr, rmtmc_error *err) {
  o->js = o->od = o->td = -1;
  rmtmc_status st = rmtmc_output_new(&o->txn, err);
  if (st == RMTMC_OK && o->json) st = rmtmc_output_add_file(o->txn, "json", o->json, &o->js, err);
  if (st == RMTMC_OK && !o->json && !o->out && tr->json_to_stdout)
    st = rmtmc_output_add_file(o->txn, "", "-", &o->js, err); /* the default: "standard output" in messages */
  if (st == RMTMC_OK && o->out) {
    if (tr->needs_dir && tr->dir_state)
      st = rmtmc_output_add_state_dir(o->txn, "out", o->out, tr->dir_state, &o->od, err);
    else
      st = rmtmc_output_add_dir(o->txn, "out", o->out, &o->od, err);
  }
  if (st == RMTMC_OK && o->trials_dir) st = rmtmc_output_add_dir(o->txn, "save-trials", o->trials_dir, &o->td, err);
  if (st == RMTMC_OK) {
    /* The JSON owns standard output when it goes there by any name ("-",
     * /dev/stdout, a link to it, the file stdout is redirected to). */
    const char *j = o->js >= 0 ? (o->json ? o->json : "-") : NULL;
    struct stat a, b;
    o->json_on_stdout = j && (strcmp(j, "-") == 0 || (stat(j, &a) == 0 && fstat(STDOUT_FILENO, &b) == 0 &&
                                                      a.st_dev == b.st_dev && a.st_ino == b.st_ino));
    cli_output_guard(o->txn); /* from now on a signal removes whatever the run created */
  }
  /* The sweep writes its checkpoint into DIR while it runs: lock now. */
  if (st == RMTMC_OK && tr->needs_dir && o->od >= 0) st = rmtmc_output_lock(o->txn, err);
  return st;
}

rmtmc_status cli_write_outputs(const char *cmd, const rmtmc_result *r, cli_outputs *o, rmtmc_error *err) {
  rmtmc_out_file files[MAX_FILES];
  rmtmc_status st = rmtmc_output_begin(o->txn, err);
  if (st == RMTMC_OK && o->js >= 0) st = rmtmc_output_write_file(o->txn, o->js, result_json, r, err);
  if (st == RMTMC_OK && o->od >= 0) {
    const char *dir = rmtmc_output_dir(o->txn, o->od); /* becomes --out DIR at the commit */
    int n = rmtmc_result_files(r, files, MAX_FILES);
    if (n > MAX_FILES) st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "internal: %d output files, at most %d", n, MAX_FILES);
    if (st == RMTMC_OK) st = rmtmc_write_dir(dir, files, n, err);
    if (st == RMTMC_OK && !o->no_plots) {
      rmtmc_plot_scripts scripts;
      st = rmtmc_result_plots(r, dir, &scripts, err);
      if (st == RMTMC_OK && scripts.count > 0) cli_run_plots_in(cmd, dir, o->out, &scripts, o->gnuplot_log);
    }
    if (st == RMTMC_OK) st = rmtmc_result_html(r, dir, err);
  }
  if (st == RMTMC_OK && o->td >= 0) {
    int n = rmtmc_result_trials_files(r, files);
    st = rmtmc_write_dir(rmtmc_output_dir(o->txn, o->td), files, n, err);
  }
  if (st == RMTMC_OK) st = rmtmc_output_commit(o->txn, err);
  return st;
}

FILE *cli_outputs_stream(const cli_outputs *o) { return o->json_on_stdout ? stderr : stdout; }

void cli_outputs_report(const char *cmd, const cli_outputs *o, FILE *f) {
  /* The JSON on standard output speaks for itself. */
  int json_file = o->js >= 0 && !o->json_on_stdout;
  if (!o->txn || (!json_file && o->od < 0 && o->td < 0)) return;
  fprintf(f, "wrote:");
  const char *sep = " ";
  if (json_file) {
    char p[300];
    const char *j = o->json ? o->json : "-";
    rmtmc_text_escape(p, sizeof p, j, strlen(j));
    fprintf(f, "%s--json %s", sep, p);
    sep = "; ";
  }
  const struct {
    int id;
    const char *opt, *path;
  } dirs[2] = {{o->od, "out", o->out}, {o->td, "save-trials", o->trials_dir}};
  for (int k = 0; k < 2; ++k) {
    if (dirs[k].id < 0) continue;
    char p[300];
    rmtmc_text_escape(p, sizeof p, dirs[k].path, strlen(dirs[k].path));
    fprintf(f, "%s--%s %s (%d files)", sep, dirs[k].opt, p, rmtmc_output_files(o->txn, dirs[k].id));
    sep = "; ";
  }
  fputc('\n', f);
  (void)cmd;
}

void cli_outputs_free(cli_outputs *o) {
  cli_output_unguard();
  rmtmc_output_free(o->txn); /* aborts unless committed: nothing is left */
  o->txn = NULL;
}
