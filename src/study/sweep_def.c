/* sweep_def.c: the sweep's row of the table of studies: options, usage,
 * the notices of its points and its outputs. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numparse.h"
#include "rmtmc_plot.h"
#include "rmtmc_sweep.h"
#include "study/options.h"
#include "study/study_def.h"

/* The sweep's config and whether --values was given. */
typedef struct sweep_cfg {
  rmtmc_sweep_config c;
  int have_values;
} sweep_cfg;

static void usage(FILE *f) {
  fprintf(f,
          "usage: rmtmc sweep --param d|n|spike --values V1,V2,... --out DIR [options]\n"
          "\n"
          "Runs the spectrum study at each value of one size parameter and fits log-log\n"
          "slopes of |mean m_d(z) - m(z)| and of the trial-to-trial sd of m_d(z),\n"
          "m_d(z) = (1/d) tr (S - zI)^-1, beside the predicted rates (docs/theory.md 6.8: both\n"
          "O(1/d), slope -1, with n/d fixed).  With --study resolvent: the resolvent study's\n"
          "functionals instead (docs/theory.md 10.6: traces: sd slope -1; quadratic forms: sd\n"
          "slope -1/2; errors O(1/d)).\n"
          "\n"
          "  --study S          spectrum | resolvent (default spectrum)\n"
          "  --param P          d (n = ratio d), n (d fixed by --d), or spike (default d):\n"
          "                     spike runs rmtmc edge at d = --d, n = ratio d with --sigma spike:T for\n"
          "                     each T of --values (ell = 1 + T): the BBP transition of lambda_max and\n"
          "                     of the overlap |<v_hat, v>|^2 against theory (sweep.png)\n"
          "  --values LIST      comma-separated sizes, e.g. 50,100,200,400, or spike strengths T > -1\n"
          "                     for --param spike, e.g. 0.2,0.4,0.6,0.8,1,1.5,2,3 (required)\n"
          "  --ratio R          n/d for --param d and spike (default 2)\n"
          "  --d D              the fixed dimension for --param n and spike (default 500)\n"
          "  --entries LAW      for --param spike: gaussian | complex-gaussian\n"
          "  --z LIST           points for m(z), off the support (default -1); for the resolvent,\n"
          "                     real z > 0 or complex z (default 1)\n"
          "  --functionals LIST, --vector PATH, --path P\n"
          "                     with --study resolvent: as for rmtmc resolvent (diag_dev excluded)\n"
          "  --trials T         trials per point (default 200)\n"
          "  --seed S           point i (0-based) runs with seed S + i (default 1)\n"
          "  --sigma SPEC, --entries LAW, --bins K, --backend B, --device N, --threads K, --batch B,\n"
          "  --precision P      as for rmtmc spectrum\n"
          "  --out DIR          output directory (required): points.jsonl (one line per finished\n"
          "                     point; a rerun with the same config resumes from it), sweep.json\n"
          "                     (schema rmtmc.sweep/1), sweep.csv, plot_sweep.gp, sweep.png/.svg,\n"
          "                     report.html\n"
          "  --no-plots         no gnuplot script run (plot_sweep.gp is still written)\n"
          "  --gnuplot-log      keep gnuplot's own output as DIR/gnuplot.log\n"
          "  --stop-after K     stop after K newly computed points (for testing resume)\n"
          "  (mpirun -n K rmtmc sweep ... or srun: each point's trials divided among K MPI ranks, or\n"
          "  whole points on the ranks when trials < 64 K; the numbers of one process; docs/cluster.md)\n"
          "  --quiet            no summary on stdout\n"
          "  --fail-on V        exit status 3 when the verdict on the slopes is DISAGREES (V = disagrees)\n"
          "                     or not AGREES (V = inconclusive) (docs/verdict.md)\n"
          "  --help             this text\n"
          "\n"
          "Every point is checked before the first one runs. DIR keeps points.jsonl (created\n"
          "with the first finished point) from run to run; the other files are replaced as a\n"
          "whole when the sweep completes (docs/pictures.md).\n"
          "Exit codes: 0 done, 1 runtime failure (the OS reason), 2 bad input (nothing written), 3 the\n"
          "verdict --fail-on names.\n");
}

static rmtmc_status parse_values_(const char *s, rmtmc_sweep_config *c, rmtmc_error *err) {
  c->npoints = 0;
  c->nonint = 0;
  const char *p = s;
  if (!*p) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values needs comma-separated values, e.g. 50,100,200");
  for (;;) {
    const char *end = strchr(p, ',');
    if (!end) end = p + strlen(p);
    if (c->npoints >= RMTMC_SWEEP_MAX_POINTS)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values: at most %d values", RMTMC_SWEEP_MAX_POINTS);
    /* sizes are integers, read as integers; the spike sweep's values are
     * real numbers (a non-integer size is refused by rmtmc_sweep_validate) */
    int64_t v = 0;
    double x = 0.0;
    rmtmc_num r = rmtmc_parse_int64(p, end, &v);
    if (r == RMTMC_NUM_OK) {
      x = (double)v;
    } else {
      rmtmc_num rd = rmtmc_parse_double(p, end, &x);
      if (rd != RMTMC_NUM_OK) {
        char one[80];
        rmtmc_text_escape(one, sizeof one, p, (size_t)(end - p));
        return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values: '%s' %s; give comma-separated values", one,
                               rd == RMTMC_NUM_SYNTAX ? "is not a number" : rmtmc_num_problem(rd, 'd'));
      }
      v = fabs(x) < 9e18 ? (int64_t)llround(x) : 0;
      c->nonint = 1; /* not written as an integer (or beyond int64) */
    }
    c->values[c->npoints] = v;
    c->xvalues[c->npoints] = x;
    ++c->npoints;
    if (*end == '\0') break;
    p = end + 1;
  }
  return RMTMC_OK;
}

static void defaults(void *cfg) {
  sweep_cfg *s = cfg;
  rmtmc_sweep_config_default(&s->c);
  s->have_values = 0;
}

static int option(void *cfg, const char *name, const char *val, rmtmc_status *st, rmtmc_error *err) {
  sweep_cfg *s = cfg;
  rmtmc_sweep_config *c = &s->c;
  if (strcmp(name, "study") == 0) {
    if (strcmp(val, "spectrum") == 0) c->study = RMTMC_SWEEP_SPECTRUM;
    else if (strcmp(val, "resolvent") == 0) c->study = RMTMC_SWEEP_RESOLVENT;
    else *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--study '%s': use spectrum or resolvent", val);
  } else if (strcmp(name, "functionals") == 0) {
    *st = rmtmc_rsv_fun_parse(val, &c->rbase.functionals, err);
  } else if (strcmp(name, "vector") == 0) {
    if (c->rbase.nvectors >= RMTMC_RSV_MAX_VECTORS)
      *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--vector: at most %d vectors", RMTMC_RSV_MAX_VECTORS);
    else if ((*st = study_opt_spec(c->rbase.vectors[c->rbase.nvectors], sizeof c->rbase.vectors[0], name, val, err)) ==
             RMTMC_OK)
      ++c->rbase.nvectors;
  } else if (strcmp(name, "path") == 0) {
    if (strcmp(val, "auto") == 0) c->rbase.path = RMTMC_RSV_PATH_AUTO;
    else if (strcmp(val, "eigen") == 0) c->rbase.path = RMTMC_RSV_PATH_EIGEN;
    else *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--path '%s': use auto or eigen", val);
  } else if (strcmp(name, "param") == 0) {
    if (strcmp(val, "d") == 0) c->param = RMTMC_SWEEP_D;
    else if (strcmp(val, "n") == 0) c->param = RMTMC_SWEEP_N;
    else if (strcmp(val, "spike") == 0) c->param = RMTMC_SWEEP_SPIKE;
    else *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--param '%s': use d, n or spike", val);
  } else if (strcmp(name, "values") == 0) {
    *st = parse_values_(val, c, err);
    s->have_values = 1;
  } else if (strcmp(name, "ratio") == 0) *st = study_opt_double(name, val, &c->ratio, err);
  else if (strcmp(name, "stop-after") == 0) *st = study_opt_int64(name, val, 1, &c->stop_after, err);
  else if (strcmp(name, "n") == 0 || strcmp(name, "json") == 0)
    *st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                          "--%s is not a sweep option: n follows from --ratio (or --values with --param n), and results go to --out DIR",
                          name);
  else if (strcmp(name, "save-trials") == 0)
    *st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                          "--save-trials is not a sweep option: run rmtmc spectrum at the point whose trials you want");
  else if (!study_opt_spectrum(&c->base, RMTMC_SWEEP_MAX_Z, 0, name, val, st, err))
    return 0;
  return 1;
}

static rmtmc_status check(void *cfg, rmtmc_error *err) {
  sweep_cfg *s = cfg;
  if (!s->have_values)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values is required (e.g. --values 50,100,200,400)");
  return rmtmc_sweep_validate(&s->c, err);
}

static void on_point(void *ctx, const rmtmc_sweep_point *p, int64_t npoints) {
  const study_hooks *h = ctx;
  char line[256];
  snprintf(line, sizeof line, "point %lld/%lld (d = %lld, n = %lld) %s", (long long)(p->index + 1),
           (long long)npoints, (long long)p->d, (long long)p->n,
           p->resumed ? "read back from points.jsonl" : "done");
  if (h->notice) h->notice(h->notice_ctx, RMTMC_NOTICE_PROGRESS, line);
}

static void on_resume(void *ctx, int64_t resumed, int64_t npoints) {
  const study_hooks *h = ctx;
  char line[128];
  snprintf(line, sizeof line, "resuming: %lld points done (of %lld)", (long long)resumed, (long long)npoints);
  if (h->notice) h->notice(h->notice_ctx, RMTMC_NOTICE_INFO, line);
}

static rmtmc_status run(const void *cfg, const char *dir, const study_hooks *h, void *res, rmtmc_error *err) {
  rmtmc_sweep_config c = ((const sweep_cfg *)cfg)->c;
  if (!dir) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--out DIR is required");
  c.on_point = on_point;
  c.on_resume = on_resume;
  c.on_point_ctx = (void *)h;
  rmtmc_sweep_result *r = res;
  if (c.param == RMTMC_SWEEP_SPIKE) return rmtmc_sweep_spike_run(&c, r, err);
  rmtmc_status st = rmtmc_sweep_run(&c, dir, r, err);
  if (st == RMTMC_OK && !r->complete && h->notice) {
    char line[160];
    snprintf(line, sizeof line, "stopped after %lld of %lld points (--stop-after); rerun to resume", (long long)r->done,
             (long long)c.npoints);
    h->notice(h->notice_ctx, RMTMC_NOTICE_INFO, line);
  }
  return st;
}

static void result_free(void *res) { rmtmc_sweep_result_free(res); }
static int complete(const void *res) { return ((const rmtmc_sweep_result *)res)->complete; }

static int files(const void *res, rmtmc_out_file *f, int cap) {
  if (((const rmtmc_sweep_result *)res)->config.param == RMTMC_SWEEP_SPIKE) {
    if (cap >= 3) {
      study_file(&f[0], "sweep.json", rmtmc_sweep_spike_write_json, res);
      study_file(&f[1], "sweep.csv", rmtmc_sweep_spike_write_csv, res);
      study_file(&f[2], "plot_sweep.gp", rmtmc_sweep_spike_write_gnuplot, res);
    }
    return 3;
  }
  if (cap >= 3) {
    study_file(&f[0], "sweep.json", rmtmc_sweep_write_json, res);
    study_file(&f[1], "sweep.csv", rmtmc_sweep_write_csv, res);
    study_file(&f[2], "plot_sweep.gp", rmtmc_sweep_write_gnuplot, res);
  }
  return 3;
}

/* plot_sweep.gp is one of the data files (written even with --no-plots). */
static rmtmc_status plots(const char *dir, const void *res, rmtmc_plot_scripts *s, rmtmc_error *err) {
  s->count = 1;
  snprintf(s->name[0], sizeof s->name[0], "plot_sweep.gp");
  return RMTMC_OK;
}

static void summary(FILE *f, const void *res) {
  const rmtmc_sweep_result *r = res;
  if (r->config.param == RMTMC_SWEEP_SPIKE) rmtmc_sweep_spike_summary(f, r);
  else rmtmc_sweep_summary(f, r);
}

static rmtmc_status write_json(FILE *f, const void *res, rmtmc_error *err) {
  const rmtmc_sweep_result *r = res;
  return r->config.param == RMTMC_SWEEP_SPIKE ? rmtmc_sweep_spike_write_json(f, res, err)
                                              : rmtmc_sweep_write_json(f, res, err);
}
/* --param spike: the edge study's spike rows at every point
 * (rmtmc_sweep_spike_verdict); no report.html. */
static void verdict(const void *res, rmtmc_verdict *v) {
  const rmtmc_sweep_result *r = res;
  if (r->config.param != RMTMC_SWEEP_SPIKE) {
    rmtmc_sweep_verdict(r, v);
    return;
  }
  rmtmc_sweep_spike_verdict(r, v);
}
static rmtmc_status html(const char *dir, const void *res, rmtmc_error *err) {
  const rmtmc_sweep_result *r = res;
  return r->config.param == RMTMC_SWEEP_SPIKE ? RMTMC_OK : rmtmc_html_sweep(dir, res, err);
}

const rmtmc_study_def study_def_sweep = {
    .name = "sweep",
    .about = "the spectrum (or resolvent) study over a list of sizes: error and sd slopes vs the rates",
    .traits = {.needs_dir = 1, .verdict = 1, .dir_state = "points.jsonl"},
    .flags = " save-trials ", /* refused with a message (option) */
    .config_size = sizeof(sweep_cfg),
    .result_size = sizeof(rmtmc_sweep_result),
    .usage = usage,
    .defaults = defaults,
    .option = option,
    .check = check,
    .run_opts_at = offsetof(sweep_cfg, c.base.run),
    .run_info_at = -1,
    .trials_at = -1,
    .run = run,
    .result_free = result_free,
    .complete = complete,
    .json = write_json,
    .files = files,
    .plots = plots,
    .summary = summary,
    .verdict = verdict,
    .html = html,
};
