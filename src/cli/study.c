/* study.c: one command for every study: parse argv onto the library's
 * study (rmtmc_study.h), check it and every output destination before it
 * runs (exit 2, nothing written), run it with progress, write its outputs
 * (outputs.c: all or nothing), its summary and what it wrote. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* The options of the command line itself (destinations and loudness). */
static int cli_option_flag(const char *name) {
  return strcmp(name, "help") == 0 || strcmp(name, "quiet") == 0 || strcmp(name, "no-plots") == 0 ||
         strcmp(name, "gnuplot-log") == 0;
}

static int cli_option_known(const char *name) {
  return cli_option_flag(name) || strcmp(name, "json") == 0 || strcmp(name, "out") == 0 ||
         strcmp(name, "save-trials") == 0 || strcmp(name, "fail-on") == 0;
}

/* --fail-on: which verdicts make the exit status RMTMC_EXIT_VERDICT. */
enum { FAIL_ON_NONE = 0, FAIL_ON_DISAGREES = 1, FAIL_ON_INCONCLUSIVE = 2 };

static rmtmc_status parse_fail_on(const char *cmd, const rmtmc_study_traits *tr, const char *val, int *out,
                                  rmtmc_error *err) {
  if (!tr->verdict)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--fail-on: `rmtmc %s` compares nothing with the theory (no verdict)",
                           cmd);
  if (strcmp(val, "disagrees") == 0) *out = FAIL_ON_DISAGREES;
  else if (strcmp(val, "inconclusive") == 0) *out = FAIL_ON_INCONCLUSIVE;
  else
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--fail-on '%s': use disagrees (exit %d when the verdict is DISAGREES) or inconclusive "
                           "(exit %d unless it AGREES)",
                           val, RMTMC_EXIT_VERDICT, RMTMC_EXIT_VERDICT);
  return RMTMC_OK;
}

/* The exit status the verdict asks for (after every output is written). */
static int verdict_exit(const char *cmd, const rmtmc_result *res, int fail_on) {
  if (fail_on == FAIL_ON_NONE) return RMTMC_EXIT_OK;
  rmtmc_verdict v;
  rmtmc_error err;
  if (rmtmc_result_verdict(res, &v, &err) != RMTMC_OK) return RMTMC_EXIT_OK;
  rmtmc_outcome o = v.outcome;
  rmtmc_verdict_free(&v);
  if (o == RMTMC_OUTCOME_DISAGREES || (fail_on == FAIL_ON_INCONCLUSIVE && o == RMTMC_OUTCOME_INCONCLUSIVE)) {
    fprintf(stderr, "rmtmc %s: the verdict is %s (--fail-on %s): exit status %d\n", cmd, rmtmc_outcome_name(o),
            fail_on == FAIL_ON_DISAGREES ? "disagrees" : "inconclusive", RMTMC_EXIT_VERDICT);
    return RMTMC_EXIT_VERDICT;
  }
  return RMTMC_EXIT_OK;
}

/* Value-less options: the command line's, the study's, and
 * save-eigenvalues for every study (so a study without it says so). */
static int is_flag(void *ctx, const char *name) {
  if (cli_option_known(name)) return cli_option_flag(name);
  return rmtmc_study_flag(ctx, name) || strcmp(name, "save-eigenvalues") == 0;
}

typedef struct notice_ctx {
  const char *cmd;
  int quiet;
  cli_progress *prog; /* a notice ends the progress line */
} notice_ctx;

static void notice(void *ctx, int level, const char *line) {
  const notice_ctx *n = ctx;
  if (level == RMTMC_NOTICE_PROGRESS && n->quiet) return;
  cli_progress_done(n->prog);
  n->prog->shown = 0;
  fprintf(stderr, "rmtmc %s: %s\n", n->cmd, line);
}

/* A failure every rank agrees on: rank 0 says it (and drops what its
 * outputs had begun: nothing of the run is left), every rank exits the same. */
static int fail_free(const char *cmd, rmtmc_study *s, cli_outputs *o, const rmtmc_error *err, int root) {
  if (o) cli_outputs_free(o);
  int rc = root ? cli_fail(cmd, err) : cli_exit_code(err->code);
  rmtmc_study_free(s);
  return rc;
}

int cli_study(const char *name, const char *cmd, int argc, char **argv, rmtmc_comm *comm) {
  int root = rmtmc_comm_rank(comm) == 0;
  rmtmc_error err;
  rmtmc_error_clear(&err);
  rmtmc_study *s = NULL;
  if (rmtmc_study_new(name, &s, &err) != RMTMC_OK) return root ? cli_fail(cmd, &err) : cli_exit_code(err.code);
  rmtmc_study_traits tr;
  rmtmc_study_traits_of(s, &tr);
  rmtmc_backend_debug dbg;
  rmtmc_backend_debug_default(&dbg);
  rmtmc_backend_debug_from_env(&dbg);
  rmtmc_study_set_debug(s, &dbg);
  rmtmc_study_set_comm(s, comm);
  cli_outputs o = {.json = NULL, .out = NULL, .trials_dir = NULL, .quiet = 0, .no_plots = 0, .gnuplot_log = 0,
                   .txn = NULL, .js = -1, .od = -1, .td = -1, .json_on_stdout = 0};
  int save_eig = 0, help = 0, fail_on = FAIL_ON_NONE;
  cli_args a = {.argc = argc, .argv = argv, .pos = 0};
  const char *opt, *val;
  int r;
  rmtmc_status st = RMTMC_OK;
  /* Every rank parses the same argv alike; destinations are checked once
   * every option is known (cli_outputs_declare), by rank 0. */
  while (st == RMTMC_OK && !help && (r = cli_next(&a, is_flag, s, &opt, &val, &err)) != 0) {
    if (r < 0) st = err.code != RMTMC_OK ? err.code : RMTMC_ERR_INVALID;
    else if (strcmp(opt, "help") == 0) help = 1;
    else if (strcmp(opt, "quiet") == 0) o.quiet = 1;
    else if (strcmp(opt, "no-plots") == 0) o.no_plots = 1;
    else if (strcmp(opt, "gnuplot-log") == 0) o.gnuplot_log = 1;
    else if (strcmp(opt, "json") == 0 && !tr.needs_dir) o.json = val;
    else if (strcmp(opt, "out") == 0) o.out = val;
    else if (strcmp(opt, "fail-on") == 0)
      st = parse_fail_on(cmd, &tr, val, &fail_on, &err);
    else if (strcmp(opt, "save-trials") == 0) {
      if (!rmtmc_study_flag(s, "save-trials"))
        st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--save-trials: `rmtmc %s` runs no Monte Carlo trials", cmd);
      if (st == RMTMC_OK) o.trials_dir = val;
      if (st == RMTMC_OK) st = rmtmc_study_set(s, "save-trials", NULL, &err);
    } else {
      st = rmtmc_study_set(s, opt, val, &err);
      if (strcmp(opt, "save-eigenvalues") == 0 && st == RMTMC_OK) save_eig = 1;
      if (st == RMTMC_ERR_UNSUPPORTED) { /* unknown option: bad input */
        st = RMTMC_ERR_INVALID;
        err.code = st;
      }
    }
  }
  if (st == RMTMC_OK && help) {
    if (root) rmtmc_study_usage(s, stdout);
    rmtmc_study_free(s);
    return 0;
  }
  if (st == RMTMC_OK && save_eig && !o.trials_dir)
    st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--save-eigenvalues needs --save-trials DIR (where they go)");
  if (st == RMTMC_OK) st = rmtmc_study_check(s, &err);
  if (st == RMTMC_OK && tr.needs_dir && !o.out) st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--out DIR is required");
  if (st == RMTMC_OK && o.gnuplot_log && (!o.out || o.no_plots))
    st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--gnuplot-log keeps gnuplot's output in --out DIR: it needs --out and pictures");
  st = rmtmc_comm_agree(comm, st, &err);
  if (st != RMTMC_OK) return fail_free(cmd, s, NULL, &err, root);
  /* Every destination against the file system, before the study. */
  if (root) st = cli_outputs_declare(&o, &tr, &err);
  st = rmtmc_comm_agree(comm, st, &err);
  if (st != RMTMC_OK) return fail_free(cmd, s, &o, &err, root);

  cli_progress prog;
  cli_progress_init(&prog, o.quiet || !root, rmtmc_comm_size(comm) > 1);
  notice_ctx nc = {.cmd = cmd, .quiet = o.quiet, .prog = &prog};
  if (root) { /* progress counts every rank's trials (rmtmc_comm.h) */
    rmtmc_study_set_progress(s, cli_progress_update, &prog);
    rmtmc_study_set_notice(s, notice, &nc);
  }
  rmtmc_result *res = NULL;
  st = rmtmc_study_run(s, tr.needs_dir ? o.out : NULL, &res, &err);
  cli_progress_done(&prog);
  st = rmtmc_comm_agree(comm, st, &err); /* a rank that failed outside a run says so here */
  if (st != RMTMC_OK) {
    rmtmc_result_free(res);
    return fail_free(cmd, s, &o, &err, root);
  }
  if (!rmtmc_result_complete(res)) { /* stopped early on purpose: nothing more to write (the state stays) */
    rmtmc_result_free(res);
    cli_outputs_free(&o);
    rmtmc_study_free(s);
    return 0;
  }
  /* The backend note (a CUDA fall-back, capped threads) is a line of the
   * summary; --quiet silences it with the rest. */
  if (root) st = cli_write_outputs(cmd, res, &o, &err);
  st = rmtmc_comm_agree(comm, st, &err); /* every rank exits with rank 0's outcome */
  if (st == RMTMC_OK && root && !o.quiet) {
    FILE *f = cli_outputs_stream(&o);
    rmtmc_result_summary(res, f);
    cli_outputs_report(cmd, &o, f);
  }
  /* The verdict is rank 0's to judge; the launcher reports its non-zero exit. */
  int rc = st == RMTMC_OK && root ? verdict_exit(cmd, res, fail_on) : RMTMC_EXIT_OK;
  rmtmc_result_free(res);
  if (st != RMTMC_OK) return fail_free(cmd, s, &o, &err, root);
  cli_outputs_free(&o);
  rmtmc_study_free(s);
  return rc;
}
