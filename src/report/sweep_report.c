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
                    const rmtmc_sweep_fit *F, const char *rate, const rmtmc_verdict *v) {
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
  rmtmc_verdict_row_json(j, rmtmc_verdict_find(v, F, 0));
  rmtmc_json_object_end(j);
}

/* The predicted rates, as the summary and the JSON name them (F: the fit,
 * whose predicted slope says which rate: the resolvent's quadratic forms
 * have sd ~ d^-1/2). */
static const char *rate_text(const rmtmc_sweep_config *c, int sd, const rmtmc_sweep_fit *F) {
  if (c->param != RMTMC_SWEEP_D) return sd ? "O(n^-1/2) (heuristic)" : "O(1/n) (heuristic)";
  if (sd && F->predicted == -0.5) return "O(d^-1/2) (docs/theory.md 10.6)";
  return "O(1/d) (docs/theory.md 6.8)";
}

void rmtmc_sweep_verdict(const rmtmc_sweep_result *r, rmtmc_verdict *v) {
  rmtmc_verdict_init(v, r->config.base.run.trials);
  for (int64_t k = 0; r->points && k < r->nz; ++k)
    for (int o = 0; o < 2; ++o) {
      const rmtmc_sweep_fit *F = o ? &r->sd_fit[k] : &r->err_fit[k];
      char at[64], note[200] = "", cannot[200] = "";
      snprintf(at, sizeof at, "z = %.4g%+.4gi", r->points[0].z_re[k], r->points[0].z_im[k]);
      int64_t dof = F->used - 2;
      double se = F->stderr_;
      rmtmc_rule rule = RMTMC_RULE_UNCORRECTED;
      if (r->config.param != RMTMC_SWEEP_D) {
        rule = RMTMC_RULE_OUT;
        snprintf(note, sizeof note, "informational: with d fixed and n growing the predicted rate is a heuristic");
      } else if (dof < 3) {
        snprintf(cannot, sizeof cannot,
                 "a slope fitted to %lld points has %lld degree%s of freedom, too few to judge it: give at least "
                 "5 values", (long long)F->used, (long long)(dof > 0 ? dof : 0), dof == 1 ? "" : "s");
      }
      char what[96];
      if (r->config.study == RMTMC_SWEEP_RESOLVENT)
        snprintf(what, sizeof what, "log-log slope of %s of %s", o ? "the sd" : "|mean - theory|", r->label[k]);
      else
        snprintf(what, sizeof what, "%s", o ? "log-log slope of the sd of m_d(z)" : "log-log slope of |mean m_d(z) - m(z)|");
      rmtmc_judge j = {.what = what,
                       .at = at, .rule = rule, .estimate = F->slope, .theory = F->predicted,
                       .diff = F->slope - F->predicted, .stderr_ = se,
                       .threshold = dof >= 1 ? rmtmc_verdict_t_threshold(dof) : 0.0, .note = note,
                       .cannot_judge = cannot, .src = F};
      rmtmc_verdict_add(v, &j);
    }
  rmtmc_verdict_finish(v);
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

  rmtmc_verdict v;
  rmtmc_sweep_verdict(r, &v);
  rmtmc_json_array(&j, "slopes");
  for (int64_t k = 0; k < r->nz; ++k) {
    fit_obj(&j, r, k, "mean_abs_error", &r->err_fit[k], rate_text(c, 0, &r->err_fit[k]), &v);
    fit_obj(&j, r, k, "sd", &r->sd_fit[k], rate_text(c, 1, &r->sd_fit[k]), &v);
  }
  rmtmc_json_array_end(&j);
  rmtmc_verdict_write_json(&j, "verdict", &v);
  rmtmc_verdict_free(&v);

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

/* Standard error of |mean error|: the two parts' standard errors combined
 * (conservative near 0, where |.| is not smooth). */
static double abs_error_se(const rmtmc_sweep_point *p, int64_t k) {
  return hypot(p->se_re[k], isfinite(p->se_im[k]) ? p->se_im[k] : 0.0);
}

rmtmc_status rmtmc_sweep_write_csv(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_sweep_result *r = ctx;
  int rsv = r->config.study == RMTMC_SWEEP_RESOLVENT;
  fprintf(f, "point,value,d,n,z_index,z_re,z_im,empirical_re,empirical_im,theory_re,theory_im,abs_error,stderr_re,"
             "stderr_im,sd,abs_error_stderr,sd_stderr%s\n",
          rsv ? ",functional" : "");
  for (int64_t i = 0; i < r->config.npoints; ++i) {
    const rmtmc_sweep_point *p = &r->points[i];
    for (int64_t k = 0; k < p->nz; ++k) {
      fprintf(f, "%lld,%lld,%lld,%lld,%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g",
              (long long)i, (long long)p->value, (long long)p->d, (long long)p->n, (long long)(k + 1),
              p->z_re[k], p->z_im[k], p->emp_re[k], p->emp_im[k], p->th_re[k], p->th_im[k],
              rmtmc_sweep_abs_error(p, k), p->se_re[k], p->se_im[k], rmtmc_sweep_sd(p, k), abs_error_se(p, k),
              rmtmc_sweep_sd(p, k) / sqrt(2.0 * fmax(1.0, (double)r->config.base.run.trials - 1.0)));
      if (rsv) fprintf(f, ",%s", r->label[k]);
      fprintf(f, "\n");
    }
  }
  return RMTMC_OK;
}

/* The point through which the predicted rate is drawn: the geometric means
 * of the values and of y over the points with y > 0. */
static int geo_center(const rmtmc_sweep_result *r, int64_t k, int sd, double *gx, double *gy) {
  double sx = 0, sy = 0;
  int m = 0;
  for (int64_t i = 0; i < r->config.npoints; ++i) {
    double y = sd ? rmtmc_sweep_sd(&r->points[i], k) : rmtmc_sweep_abs_error(&r->points[i], k);
    if (isfinite(y) && y > 0 && r->points[i].value > 0) {
      sx += log((double)r->points[i].value);
      sy += log(y);
      ++m;
    }
  }
  if (m == 0) return 0;
  *gx = exp(sx / m);
  *gy = exp(sy / m);
  return 1;
}

rmtmc_status rmtmc_sweep_write_gnuplot(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_sweep_result *r = ctx;
  static const char *color[8] = {"#0077bb", "#cc3311", "#009988", "#ee7733", "#33bbee", "#ee3377", "#555555", "#882255"};
  fprintf(f,
          "# plot_sweep.gp: written by rmtmc; log-log scaling of the error of m_d(z) (sweep.csv)\n"
          "# Run from this directory: gnuplot plot_sweep.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)\n"
          "set datafile separator \",\"\nset grid lc rgb \"#dddddd\"\nset logscale xy\nset bars 2\n"
          "set format y \"10^{%%L}\"\n");
  int64_t vmin = r->config.values[0], vmax = vmin;
  for (int64_t i = 1; i < r->config.npoints; ++i) {
    if (r->config.values[i] < vmin) vmin = r->config.values[i];
    if (r->config.values[i] > vmax) vmax = r->config.values[i];
  }
  if (r->config.npoints <= 8) { /* the sizes themselves as ticks, unless they would crowd */
    fprintf(f, "set xtics (");
    for (int64_t i = 0; i < r->config.npoints; ++i) fprintf(f, "%s\"%lld\" %lld", i ? ", " : "",
                                                          (long long)r->config.values[i], (long long)r->config.values[i]);
    fprintf(f, ") rotate by -30\n");
  } else {
    fprintf(f, "set format x \"%%g\"\n");
  }
  fprintf(f, "set xrange [%.17g:%.17g]\n", (double)vmin / 1.25, (double)vmax * 1.25);
  if (r->config.param == RMTMC_SWEEP_D)
    fprintf(f, "set xlabel \"dimension d (n = %.4g d)\"\n", r->config.ratio);
  else
    fprintf(f, "set xlabel \"samples n (d = %lld fixed)\"\n", (long long)r->config.base.d);
  rmtmc_plot_loop_begin(f, "sweep", 1250, 640);
  int rsv = r->config.study == RMTMC_SWEEP_RESOLVENT;
  if (rsv)
    fprintf(f, "  set multiplot layout 1,2 title \"functionals of Q(z) = (S + zI)^{−1} against their deterministic "
               "equivalents: %lld trials per point; bars: ± 2 standard errors; solid: least-squares fit, dashed: "
               "predicted slope\\n \"\n",
            (long long)r->config.base.run.trials);
  else
    fprintf(f, "  set multiplot layout 1,2 title \"m_d(z) = (1/d) tr (S − zI)^{−1} against its limit m(z): %lld trials "
               "per point; bars: ± 2 standard errors; solid: least-squares fit, dashed: predicted slope\\n \"\n",
            (long long)r->config.base.run.trials);
  for (int which = 0; which < 2; ++which) {
    if (rsv)
      fprintf(f, "  set ylabel \"%s\"\n", which == 0 ? "|mean over trials − theory|" : "trial-to-trial sd");
    else
      fprintf(f, "  set ylabel \"%s\"\n",
              which == 0 ? "|mean over trials of m_d(z) − m(z)|" : "trial-to-trial sd of m_d(z)");
    rmtmc_plot_key_below(f, "  ", 3 * (int)r->nz, 3, r->config.npoints <= 8);
    fprintf(f, "  plot ");
    for (int64_t k = 0; k < r->nz; ++k) {
      const rmtmc_sweep_fit *F = which == 0 ? &r->err_fit[k] : &r->sd_fit[k];
      const char *col = color[k % 8];
      int y = which == 0 ? 12 : 15, e = which == 0 ? 16 : 17;
      char zl[80];
      if (rsv) /* our own label (the functional's name from the study's table), not user text */
        snprintf(zl, sizeof zl, "%s, z = %.4g%+.4gi", r->label[k], r->points[0].z_re[k], r->points[0].z_im[k]);
      else
        snprintf(zl, sizeof zl, "z = %.4g%+.4gi", r->points[0].z_re[k], r->points[0].z_im[k]);
      /* the lower bar stops at a twentieth of the point on the log axis */
      fprintf(f, "%s\"sweep.csv\" skip 1 using ($5==%lld ? $2 : NaN):%d:(($%d-2*$%d) > $%d/20 ? $%d-2*$%d : $%d/20):"
                 "($%d+2*$%d) with yerrorbars pt %d ps 1.3 lc rgb \"%s\" title \"%s\"%s",
              k ? ", \\\n       " : "", (long long)(k + 1), y, y, e, y, y, e, y, y, e, 7 + (int)(k % 4) * 2, col, zl,
              rsv ? " noenhanced" : "");
      if (isfinite(F->slope))
        fprintf(f, ", \\\n       exp(%.17g)*x**(%.17g) with lines lw 1.6 lc rgb \"%s\" title \"fit: slope %.3f\"",
                F->intercept, F->slope, col, F->slope);
      double gx, gy;
      if (geo_center(r, k, which, &gx, &gy))
        fprintf(f, ", \\\n       %.17g*(x/%.17g)**(%.17g) with lines dt 2 lw 1.4 lc rgb \"%s\" title \"predicted "
                   "slope %.3g\"",
                gy, gx, F->predicted, col, F->predicted);
    }
    fprintf(f, "\n");
  }
  fprintf(f, "  unset multiplot\n");
  rmtmc_plot_loop_end(f);
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
  fprintf(f, "  %-8s %-8s %-24s %-14s %-14s\n", "d", "n", rsv ? "functional, z" : "z", "|mean error|",
          rsv ? "sd" : "sd of m_d");
  for (int64_t i = 0; i < c->npoints; ++i)
    for (int64_t k = 0; k < r->nz; ++k) {
      const rmtmc_sweep_point *p = &r->points[i];
      char zs[80];
      if (rsv) snprintf(zs, sizeof zs, "%s %.4g%+.4gi", r->label[k], p->z_re[k], p->z_im[k]);
      else snprintf(zs, sizeof zs, "%.4g%+.4gi", p->z_re[k], p->z_im[k]);
      char e1[32], e2[32];
      fprintf(f, "  %-8lld %-8lld %-24s %-14s %-14s\n", (long long)p->d, (long long)p->n, zs,
              report_num(e1, sizeof e1, "%.4e", rmtmc_sweep_abs_error(p, k)),
              report_num(e2, sizeof e2, "%.4e", rmtmc_sweep_sd(p, k)));
    }
  rmtmc_verdict v;
  rmtmc_sweep_verdict(r, &v);
  fprintf(f, "\n  log-log slopes against %s (fit +- standard error) beside the predicted rates\n", pn);
  fprintf(f, "  %-18s %-16s %-18s %-10s %-28s %s\n", "z", "observable", "slope", "predicted", "rate", "verdict");
  for (int64_t k = 0; k < r->nz; ++k) {
    char zs[80];
    if (rsv) snprintf(zs, sizeof zs, "%s %.4g%+.4gi", r->label[k], r->points[0].z_re[k], r->points[0].z_im[k]);
    else snprintf(zs, sizeof zs, "%.4g%+.4gi", r->points[0].z_re[k], r->points[0].z_im[k]);
    for (int o = 0; o < 2; ++o) {
      const rmtmc_sweep_fit *F = o ? &r->sd_fit[k] : &r->err_fit[k];
      const rmtmc_verdict_row *vr = rmtmc_verdict_find(&v, F, 0);
      char sl[80], a[32], b[32];
      snprintf(sl, sizeof sl, "%s +- %s", report_num(a, sizeof a, "%.3f", F->slope),
               report_num(b, sizeof b, "%.3f", F->stderr_));
      fprintf(f, "  %-18s %-16s %-18s %-10.2f %-28s %s\n", zs, o ? "sd" : "mean_abs_error", sl, F->predicted,
              rate_text(c, o, F), vr ? rmtmc_row_verdict_name(vr->verdict) : "");
    }
  }
  fprintf(f, "\n");
  rmtmc_verdict_print(f, &v, "  ");
  rmtmc_verdict_free(&v);
}
