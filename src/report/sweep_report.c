/* sweep_report.c: the sweep's outputs: sweep.json (schema rmtmc.sweep/1,
 * docs/schema.md), sweep.csv, the gnuplot script plot_sweep.gp and the text
 * summary.  The study itself (runs, resume, fits) is src/study/sweep.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rmtmc.h"
#include "rmtmc_plot.h"
#include "rmtmc_report.h"
#include "rmtmc_sweep.h"
#include "report/report_common.h"

/* ---- sweep.json, sweep.csv, plot_sweep.gp ---- */
static void fit_obj(rmtmc_json *j, const rmtmc_sweep_result *r, int64_t k, const char *obs,
                    const rmtmc_sweep_fit *F, const char *rate) {
  const rmtmc_sweep_point *p0 = &r->points[0];
  rmtmc_json_object(j, NULL);
  rmtmc_json_num(j, "z_re", p0->z_re[k]);
  rmtmc_json_num(j, "z_im", p0->z_im[k]);
  if (r->config.study == RMTMC_SWEEP_RESOLVENT) rmtmc_json_str(j, "functional", r->label[k]);
  rmtmc_json_str(j, "observable", obs);
  rmtmc_json_num(j, "slope", F->slope);
  rmtmc_json_num(j, "slope_stderr", F->stderr_);
  rmtmc_json_num(j, "intercept", F->intercept);
  rmtmc_json_int(j, "points_used", F->used);
  rmtmc_json_num(j, "predicted_slope", F->predicted);
  rmtmc_json_str(j, "predicted_rate", rate);
  rmtmc_json_object_end(j);
}

rmtmc_status rmtmc_sweep_write_json(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_sweep_result *r = ctx;
  const rmtmc_sweep_config *c = &r->config;
  const char *pn = c->param == RMTMC_SWEEP_D ? "d" : "n";
  rmtmc_json j;
  rmtmc_json_begin(&j, f);
  rmtmc_json_str(&j, "schema", "rmtmc.sweep/1");
  rmtmc_json_str(&j, "rmtmc_version", rmtmc_version());
  rmtmc_json_object(&j, "config");
  rmtmc_json_str(&j, "param", pn);
  if (c->param == RMTMC_SWEEP_D) rmtmc_json_num(&j, "ratio", c->ratio);
  else rmtmc_json_int(&j, "d", c->base.d);
  rmtmc_json_array(&j, "values");
  for (int64_t i = 0; i < c->npoints; ++i) rmtmc_json_int(&j, NULL, c->values[i]);
  rmtmc_json_array_end(&j);
  rmtmc_json_int(&j, "trials", c->base.run.trials);
  rmtmc_json_uint(&j, "seed", (unsigned long long)c->base.run.seed);
  rmtmc_json_str(&j, "seed_rule", "point i (0-based) runs with seed + i");
  rmtmc_json_str(&j, "sigma", c->base.sigma);
  rmtmc_json_str(&j, "entries", c->base.entries);
  rmtmc_json_array(&j, "z");
  for (int64_t k = 0; k < c->base.nz; ++k) {
    rmtmc_json_object(&j, NULL);
    rmtmc_json_num(&j, "re", c->base.z_re[k]);
    rmtmc_json_num(&j, "im", c->base.z_im[k]);
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_json_str(&j, "precision", c->base.precision == RMTMC_PRECISION_SINGLE ? "single" : "double");
  rmtmc_json_str(&j, "backend", rmtmc_backend_kind_name(c->base.run.backend));
  if (c->study == RMTMC_SWEEP_RESOLVENT) {
    rmtmc_json_str(&j, "study", "resolvent");
    rmtmc_json_array(&j, "functionals");
    for (int64_t k = 0; k < r->nz; k += c->base.nz) rmtmc_json_str(&j, NULL, r->label[k]);
    rmtmc_json_array_end(&j);
    rmtmc_json_array(&j, "vectors");
    for (int64_t v = 0; v < c->rbase.nvectors; ++v) rmtmc_json_str(&j, NULL, c->rbase.vectors[v]);
    rmtmc_json_array_end(&j);
    rmtmc_json_str(&j, "path", c->rbase.path == RMTMC_RSV_PATH_EIGEN ? "eigen" : "auto");
  }
  char hash[20];
  snprintf(hash, sizeof hash, "%016llx", (unsigned long long)r->config_hash);
  rmtmc_json_str(&j, "config_hash", hash);
  rmtmc_json_object_end(&j);

  rmtmc_json_array(&j, "points");
  for (int64_t i = 0; i < c->npoints; ++i) {
    const rmtmc_sweep_point *p = &r->points[i];
    rmtmc_json_object(&j, NULL);
    rmtmc_json_int(&j, "index", p->index);
    rmtmc_json_int(&j, "value", p->value);
    rmtmc_json_int(&j, "d", p->d);
    rmtmc_json_int(&j, "n", p->n);
    rmtmc_json_uint(&j, "seed", (unsigned long long)p->seed);
    rmtmc_json_str(&j, "backend", p->backend);
    int rsv = c->study == RMTMC_SWEEP_RESOLVENT;
    rmtmc_json_array(&j, rsv ? "functionals" : "stieltjes");
    for (int64_t k = 0; k < p->nz; ++k) {
      rmtmc_json_object(&j, NULL);
      if (rsv) rmtmc_json_str(&j, "name", r->label[k]);
      rmtmc_json_num(&j, "z_re", p->z_re[k]);
      rmtmc_json_num(&j, "z_im", p->z_im[k]);
      rmtmc_json_object(&j, "empirical");
      rmtmc_json_num(&j, "re", p->emp_re[k]);
      rmtmc_json_num(&j, "im", p->emp_im[k]);
      rmtmc_json_object_end(&j);
      rmtmc_json_object(&j, "theory");
      rmtmc_json_num(&j, "re", p->th_re[k]);
      rmtmc_json_num(&j, "im", p->th_im[k]);
      rmtmc_json_object_end(&j);
      rmtmc_json_object(&j, "stderr");
      rmtmc_json_num(&j, "re", p->se_re[k]);
      rmtmc_json_num(&j, "im", p->se_im[k]);
      rmtmc_json_object_end(&j);
      rmtmc_json_object(&j, "sd");
      rmtmc_json_num(&j, "re", p->sd_re[k]);
      rmtmc_json_num(&j, "im", p->sd_im[k]);
      rmtmc_json_object_end(&j);
      rmtmc_json_num(&j, "abs_error", rmtmc_sweep_abs_error(p, k));
      rmtmc_json_num(&j, "sd_abs", rmtmc_sweep_sd(p, k));
      rmtmc_json_object_end(&j);
    }
    rmtmc_json_array_end(&j);
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);

  char rate_e[64], rate_s[64];
  snprintf(rate_e, sizeof rate_e, "O(1/%s)%s", pn, c->param == RMTMC_SWEEP_D ? " (THEORY 6)" : " (heuristic)");
  rmtmc_json_array(&j, "slopes");
  for (int64_t k = 0; k < r->nz; ++k) {
    if (c->param != RMTMC_SWEEP_D) snprintf(rate_s, sizeof rate_s, "O(n^-1/2) (heuristic)");
    else if (r->sd_fit[k].predicted == -1.0) snprintf(rate_s, sizeof rate_s, "O(1/d) (THEORY 6)");
    else snprintf(rate_s, sizeof rate_s, "O(d^-1/2) (theory.md 10.6)");
    fit_obj(&j, r, k, "mean_abs_error", &r->err_fit[k], rate_e);
    fit_obj(&j, r, k, "sd", &r->sd_fit[k], rate_s);
  }
  rmtmc_json_array_end(&j);

  rmtmc_json_object(&j, "run");
  rmtmc_json_int(&j, "resumed_points", r->resumed);
  rmtmc_json_array(&j, "point_seconds");
  double tot = 0;
  for (int64_t i = 0; i < c->npoints; ++i) {
    rmtmc_json_num(&j, NULL, r->points[i].seconds);
    tot += r->points[i].seconds;
  }
  rmtmc_json_array_end(&j);
  rmtmc_json_num(&j, "seconds", tot);
  rmtmc_json_object_end(&j);
  report_json_ranks(&j, &r->run, r->divided[0] ? r->divided : "none");
  rmtmc_json_end(&j);
  return RMTMC_OK;
}

rmtmc_status rmtmc_sweep_write_csv(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_sweep_result *r = ctx;
  int rsv = r->config.study == RMTMC_SWEEP_RESOLVENT;
  fprintf(f, "point,value,d,n,z_index,z_re,z_im,empirical_re,empirical_im,theory_re,theory_im,abs_error,stderr_re,stderr_im,sd%s\n",
          rsv ? ",functional" : "");
  for (int64_t i = 0; i < r->config.npoints; ++i) {
    const rmtmc_sweep_point *p = &r->points[i];
    for (int64_t k = 0; k < p->nz; ++k) {
      fprintf(f, "%lld,%lld,%lld,%lld,%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g",
              (long long)i, (long long)p->value, (long long)p->d, (long long)p->n, (long long)(k + 1),
              p->z_re[k], p->z_im[k], p->emp_re[k], p->emp_im[k], p->th_re[k], p->th_im[k],
              rmtmc_sweep_abs_error(p, k), p->se_re[k], p->se_im[k], rmtmc_sweep_sd(p, k));
      if (rsv) fprintf(f, ",%s", r->label[k]);
      fprintf(f, "\n");
    }
  }
  return RMTMC_OK;
}

rmtmc_status rmtmc_sweep_write_gnuplot(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_sweep_result *r = ctx;
  const char *pn = r->config.param == RMTMC_SWEEP_D ? "d" : "n";
  fprintf(f,
          "# plot_sweep.gp: written by rmtmc; log-log scaling of the error of m_d(z) (sweep.csv)\n"
          "# Run from this directory: gnuplot plot_sweep.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)\n"
          "set datafile separator \",\"\nset grid\nset logscale xy\nset key below maxrows 2\nset bmargin 10\n");
  fprintf(f, "set xtics (");
  for (int64_t i = 0; i < r->config.npoints; ++i) fprintf(f, "%s%lld", i ? ", " : "", (long long)r->config.values[i]);
  fprintf(f, ")\n");
  int64_t vmin = r->config.values[0], vmax = vmin;
  for (int64_t i = 1; i < r->config.npoints; ++i) {
    if (r->config.values[i] < vmin) vmin = r->config.values[i];
    if (r->config.values[i] > vmax) vmax = r->config.values[i];
  }
  fprintf(f, "set xrange [%.17g:%.17g]\n", (double)vmin / 1.3, (double)vmax * 1.3);
  if (r->config.param == RMTMC_SWEEP_D)
    fprintf(f, "set xlabel \"dimension d (n = %.4g d)\"\n", r->config.ratio);
  else
    fprintf(f, "set xlabel \"samples n (d = %lld fixed)\"\n", (long long)r->config.base.d);
  rmtmc_plot_loop_begin(f, "sweep", 1100, 600);
  int rsv = r->config.study == RMTMC_SWEEP_RESOLVENT;
  if (rsv)
    fprintf(f, "  set multiplot layout 1,2 title \"functionals of Q(z) = (S + zI)^{-1} vs their deterministic equivalents: %lld trials per point; lines: least-squares fits\"\n",
            (long long)r->config.base.run.trials);
  else
    fprintf(f, "  set multiplot layout 1,2 title \"m_d(z) = (1/d) tr (S - zI)^{-1} vs its limit m(z): %lld trials per point; lines: least-squares fits\"\n",
            (long long)r->config.base.run.trials);
  for (int which = 0; which < 2; ++which) {
    if (rsv)
      fprintf(f, "  set ylabel \"%s\"\n", which == 0 ? "|mean over trials - theory|" : "trial-to-trial sd");
    else
      fprintf(f, "  set ylabel \"%s\"\n", which == 0 ? "|mean over trials of m_d(z) - m(z)|" : "trial-to-trial sd of m_d(z)");
    fprintf(f, "  plot ");
    for (int64_t k = 0; k < r->nz; ++k) {
      const rmtmc_sweep_fit *F = which == 0 ? &r->err_fit[k] : &r->sd_fit[k];
      char zl[80];
      if (rsv)
        snprintf(zl, sizeof zl, "%s, z = %.4g%+.4gi", r->label[k], r->points[0].z_re[k], r->points[0].z_im[k]);
      else
        snprintf(zl, sizeof zl, "z = %.4g%+.4gi", r->points[0].z_re[k], r->points[0].z_im[k]);
      fprintf(f, "%s\"sweep.csv\" skip 1 using ($5==%lld ? $2 : NaN):($5==%lld ? $%d : NaN) with points pt %d ps 1.5 lc %lld title \"%s\"",
              k ? ", \\\n       " : "", (long long)(k + 1), (long long)(k + 1), which == 0 ? 12 : 15, 7 + (int)(k % 4) * 2,
              (long long)(k + 1), zl);
      if (isfinite(F->slope))
        fprintf(f, ", \\\n       exp(%.17g)*x**(%.17g) with lines lc %lld title \"fit slope %.3f (predicted %g)\"",
                F->intercept, F->slope, (long long)(k + 1), F->slope, F->predicted);
    }
    fprintf(f, "\n");
  }
  fprintf(f, "  unset multiplot\n");
  rmtmc_plot_loop_end(f);
  (void)pn;
  return RMTMC_OK;
}

void rmtmc_sweep_summary(FILE *f, const rmtmc_sweep_result *r) {
  const rmtmc_sweep_config *c = &r->config;
  const char *pn = c->param == RMTMC_SWEEP_D ? "d" : "n";
  if (c->param == RMTMC_SWEEP_D)
    fprintf(f, "rmtmc sweep over d (n = %g d), %lld trials per point, sigma %s, entries %s\n", c->ratio,
            (long long)c->base.run.trials, c->base.sigma, c->base.entries);
  else
    fprintf(f, "rmtmc sweep over n (d = %lld), %lld trials per point, sigma %s, entries %s\n",
            (long long)c->base.d, (long long)c->base.run.trials, c->base.sigma, c->base.entries);
  /* where the points ran: one line, or a pointer to sweep.json when a
   * resumed sweep's points ran on different backends */
  const char *where = NULL;
  int differ = 0;
  for (int64_t i = 0; i < c->npoints; ++i) {
    const char *b = r->points[i].backend;
    if (!b[0]) continue;
    if (!where) where = b;
    else if (strcmp(where, b) != 0) differ = 1;
  }
  if (differ) fprintf(f, "  backends differ between points (a resumed sweep): see sweep.json points[].backend\n");
  else if (where) fprintf(f, "  backend %s\n", where);
  int rsv = c->study == RMTMC_SWEEP_RESOLVENT;
  if (rsv) fprintf(f, "  study resolvent: functionals of Q(z) = (S + zI)^-1\n");
  fprintf(f, "  %-8s %-8s %-8s %-18s %-14s %-14s\n", pn, "d", "n", "z", "|mean error|", rsv ? "sd" : "sd of m_d");
  for (int64_t i = 0; i < c->npoints; ++i)
    for (int64_t k = 0; k < r->nz; ++k) {
      const rmtmc_sweep_point *p = &r->points[i];
      char zs[80];
      if (rsv) snprintf(zs, sizeof zs, "%s %.4g%+.4gi", r->label[k], p->z_re[k], p->z_im[k]);
      else snprintf(zs, sizeof zs, "%.4g%+.4gi", p->z_re[k], p->z_im[k]);
      fprintf(f, "  %-8lld %-8lld %-8lld %-18s %-14.4e %-14.4e\n", (long long)p->value, (long long)p->d,
              (long long)p->n, zs, rmtmc_sweep_abs_error(p, k), rmtmc_sweep_sd(p, k));
    }
  fprintf(f, "\n  log-log slopes against %s (fit +- standard error) beside the predicted rates\n", pn);
  fprintf(f, "  %-18s %-16s %-18s %-10s %s\n", "z", "observable", "slope", "predicted", "rate");
  for (int64_t k = 0; k < r->nz; ++k) {
    char zs[80];
    if (rsv) snprintf(zs, sizeof zs, "%s %.4g%+.4gi", r->label[k], r->points[0].z_re[k], r->points[0].z_im[k]);
    else snprintf(zs, sizeof zs, "%.4g%+.4gi", r->points[0].z_re[k], r->points[0].z_im[k]);
    for (int o = 0; o < 2; ++o) {
      const rmtmc_sweep_fit *F = o ? &r->sd_fit[k] : &r->err_fit[k];
      char sl[40];
      snprintf(sl, sizeof sl, "%.3f +- %.3f", F->slope, F->stderr_);
      const char *rate = c->param != RMTMC_SWEEP_D ? (o ? "O(n^-1/2), heuristic" : "O(1/n), heuristic")
                         : (o && F->predicted == -0.5 ? "O(d^-1/2), theory.md 10.6" : "O(1/d), THEORY 6");
      fprintf(f, "  %-18s %-16s %-18s %-10.2f %s\n", zs, o ? "sd" : "mean_abs_error", sl, F->predicted, rate);
    }
  }
}
