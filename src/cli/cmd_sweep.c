/* cmd_sweep.c: `rmtmc sweep`: the spectrum study over a list of sizes, with
 * log-log slopes of the error of m_d(z) beside the THEORY 6 rates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "rmtmc_sweep.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: rmtmc sweep --param d|n --values V1,V2,... --out DIR [options]\n"
          "\n"
          "Runs the spectrum study at each value of one size parameter and fits log-log\n"
          "slopes of |mean m_d(z) - m(z)| and of the trial-to-trial sd of m_d(z),\n"
          "m_d(z) = (1/d) tr (S - zI)^-1, beside the predicted rates (THEORY 6: both O(1/d),\n"
          "slope -1, with n/d fixed).\n"
          "\n"
          "  --param P          d (n = ratio d) or n (d fixed by --d) (default d)\n"
          "  --values LIST      comma-separated sizes, e.g. 50,100,200,400 (required)\n"
          "  --ratio R          n/d for --param d (default 2)\n"
          "  --d D              the fixed dimension for --param n (default 500)\n"
          "  --z LIST           points for m(z), off the support (default -1)\n"
          "  --trials T         trials per point (default 200)\n"
          "  --seed S           point i (0-based) runs with seed S + i (default 1)\n"
          "  --sigma SPEC, --entries LAW, --bins K, --backend B, --device N, --threads K, --batch B,\n"
          "  --precision P      as for rmtmc spectrum\n"
          "  --out DIR          output directory (required): points.jsonl (one line per finished\n"
          "                     point; a rerun with the same config resumes from it), sweep.json\n"
          "                     (schema rmtmc.sweep/1), sweep.csv, plot_sweep.gp, sweep.png/.svg\n"
          "  --no-plots         no gnuplot script run (plot_sweep.gp is still written)\n"
          "  --stop-after K     stop after K newly computed points (for testing resume)\n"
          "  --quiet            no summary on stdout\n"
          "  --help             this text\n"
          "\n"
          "Exit codes: 0 done, 1 runtime failure, 2 bad input (no output written).\n");
}

static rmtmc_status parse_values(const char *s, rmtmc_sweep_config *c, rmtmc_error *err) {
  c->npoints = 0;
  const char *p = s;
  while (*p) {
    char *end;
    long long v = strtoll(p, &end, 10);
    if (end == p || (*end != ',' && *end != '\0'))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values '%s': give comma-separated integers", s);
    if (c->npoints >= RMTMC_SWEEP_MAX_POINTS)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values: at most %d values", RMTMC_SWEEP_MAX_POINTS);
    c->values[c->npoints++] = v;
    p = *end == ',' ? end + 1 : end;
  }
  return RMTMC_OK;
}

static void on_point(void *ctx, const rmtmc_sweep_point *p, int64_t npoints) {
  if (*(int *)ctx) return;
  fprintf(stderr, "rmtmc sweep: point %lld/%lld (d = %lld, n = %lld) %s\n", (long long)(p->index + 1),
          (long long)npoints, (long long)p->d, (long long)p->n,
          p->resumed ? "read back from points.jsonl" : "done");
}

static void on_resume(void *ctx, int64_t resumed, int64_t npoints) {
  fprintf(stderr, "rmtmc sweep: resuming: %lld points done (of %lld)\n", (long long)resumed, (long long)npoints);
}

int cmd_sweep(int argc, char **argv) {
  rmtmc_sweep_config c;
  rmtmc_sweep_config_default(&c);
  rmtmc_error err;
  rmtmc_error_clear(&err);
  cli_run run = {NULL, NULL, 0, 0};
  int have_values = 0;
  cli_args a = {argc, argv, 0, {0}};
  const char *name, *val;
  int r;
  rmtmc_status st = RMTMC_OK;
  while (st == RMTMC_OK && (r = cli_next(&a, CLI_RUN_FLAGS, &name, &val, &err)) != 0) {
    if (r < 0) return cli_fail("sweep", &err);
    if (strcmp(name, "help") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(name, "param") == 0) {
      if (strcmp(val, "d") == 0) c.param = RMTMC_SWEEP_D;
      else if (strcmp(val, "n") == 0) c.param = RMTMC_SWEEP_N;
      else st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--param '%s': use d or n", val);
    } else if (strcmp(name, "values") == 0) {
      st = parse_values(val, &c, &err);
      have_values = 1;
    } else if (strcmp(name, "ratio") == 0) st = cli_double(name, val, &c.ratio, &err);
    else if (strcmp(name, "stop-after") == 0) st = cli_int64(name, val, 1, &c.stop_after, &err);
    else if (strcmp(name, "n") == 0 || strcmp(name, "json") == 0)
      st = rmtmc_error_set(&err, RMTMC_ERR_INVALID,
                           "--%s is not a sweep option: n follows from --ratio (or --values with --param n), and results go to --out DIR",
                           name);
    else if (!cli_run_option(&run, name, val, &st, &err) &&
             !cli_spectrum_option(&c.base, RMTMC_SWEEP_MAX_Z, name, val, &st, &err))
      st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "unknown option --%s (see rmtmc sweep --help)", name);
  }
  if (st == RMTMC_OK && !have_values)
    st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--values is required (e.g. --values 50,100,200,400)");
  if (st == RMTMC_OK && !run.out) st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--out DIR is required");
  if (st == RMTMC_OK) st = rmtmc_sweep_validate(&c, &err);
  if (st != RMTMC_OK) return cli_fail("sweep", &err);

  c.on_point = on_point;
  c.on_resume = on_resume;
  c.on_point_ctx = &run.quiet;
  rmtmc_sweep_result res;
  st = rmtmc_sweep_run(&c, run.out, &res, &err);
  if (st != RMTMC_OK) return cli_fail("sweep", &err);
  if (!res.complete) {
    fprintf(stderr, "rmtmc sweep: stopped after %lld of %lld points (--stop-after); rerun to resume\n",
            (long long)res.done, (long long)c.npoints);
    rmtmc_sweep_result_free(&res);
    return 0;
  }
  if (!run.no_plots) {
    rmtmc_plot_scripts s = {1, {"plot_sweep.gp"}};
    cli_run_plots("sweep", run.out, &s);
  }
  if (!run.quiet) rmtmc_sweep_summary(stdout, &res);
  rmtmc_sweep_result_free(&res);
  return 0;
}
