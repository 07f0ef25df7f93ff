/* sweep_spike_report.c: the outputs of `rmtmc sweep --param spike`:
 * sweep.json (schema rmtmc.sweep_spike/1), sweep.csv, plot_sweep.gp (the
 * BBP picture) and the summary. */
#include <math.h>
#include <stdio.h>

#include "rmtmc.h"
#include "rmtmc_plot.h"
#include "rmtmc_report.h"
#include "rmtmc_sweep.h"
#include "report/report_common.h"

/* Point i's rows (report_edge_spike_rows: the edge study's rules). */
static int point_rows(const rmtmc_sweep_spike_point *p, report_edge_row *rows, int cap) {
  char at[64];
  snprintf(at, sizeof at, "T = %g (ell = %g)", p->value, p->ell);
  return report_edge_spike_rows(&p->row, 0, p->eta, p->n, at, rows, 0, cap);
}

void rmtmc_sweep_spike_verdict(const rmtmc_sweep_result *r, rmtmc_verdict *v) {
  rmtmc_verdict_init(v, r->config.base.run.trials);
  for (int64_t i = 0; i < r->done; ++i) {
    report_edge_row rows[4];
    int n = point_rows(&r->spike[i], rows, 4);
    int64_t first = v->nrows;
    report_edge_judge(v, rows, n);
    for (int64_t k = first; k < v->nrows; ++k) v->rows[k].src = &r->spike[i]; /* part: the row within the point */
  }
  rmtmc_verdict_finish(v);
}

rmtmc_status rmtmc_sweep_spike_write_json(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_sweep_result *r = ctx;
  const rmtmc_sweep_config *c = &r->config;
  rmtmc_json j;
  rmtmc_json_begin(&j, f);
  rmtmc_json_str(&j, "schema", "rmtmc.sweep_spike/1");
  rmtmc_json_str(&j, "rmtmc_version", rmtmc_version());
  rmtmc_json_object(&j, "config");
  rmtmc_json_str(&j, "param", "spike");
  rmtmc_json_int(&j, "d", c->base.d);
  rmtmc_json_num(&j, "ratio", c->ratio);
  rmtmc_json_array(&j, "values");
  for (int64_t i = 0; i < c->npoints; ++i) rmtmc_json_num(&j, NULL, c->xvalues[i]);
  rmtmc_json_array_end(&j);
  rmtmc_json_int(&j, "trials", c->base.run.trials);
  rmtmc_json_int(&j, "seed", (long long)c->base.run.seed);
  rmtmc_json_str(&j, "seed_rule", "point i (0-based) runs with seed + i");
  rmtmc_json_str(&j, "entries", c->base.entries);
  rmtmc_json_str(&j, "backend", rmtmc_backend_kind_name(c->base.run.backend));
  rmtmc_json_object_end(&j);
  rmtmc_verdict v;
  rmtmc_sweep_spike_verdict(r, &v);
  rmtmc_json_array(&j, "points");
  for (int64_t i = 0; i < r->done; ++i) {
    const rmtmc_sweep_spike_point *p = &r->spike[i];
    rmtmc_json_object(&j, NULL);
    rmtmc_json_int(&j, "index", p->index);
    rmtmc_json_num(&j, "value", p->value);
    rmtmc_json_num(&j, "ell", p->ell);
    rmtmc_json_int(&j, "d", p->d);
    rmtmc_json_int(&j, "n", p->n);
    rmtmc_json_int(&j, "seed", (long long)p->seed);
    rmtmc_json_num(&j, "threshold", p->threshold);
    rmtmc_json_bool(&j, "outlier", p->outlier);
    rmtmc_json_object(&j, "eigenvalue");
    rmtmc_json_num(&j, "mean", p->eig_mean);
    rmtmc_json_num(&j, "stderr", p->eig_stderr);
    rmtmc_json_num(&j, "sd", p->eig_sd);
    rmtmc_json_num(&j, "theory", p->location);
    rmtmc_json_num(&j, "bias", p->location_bias);
    rmtmc_json_num(&j, "theory_sd", p->sd_theory);
    rmtmc_json_object_end(&j);
    rmtmc_json_object(&j, "overlap");
    rmtmc_json_num(&j, "mean", p->overlap_mean);
    rmtmc_json_num(&j, "stderr", p->overlap_stderr);
    rmtmc_json_num(&j, "sd", p->overlap_sd);
    rmtmc_json_num(&j, "theory", p->overlap_theory);
    rmtmc_json_object_end(&j);
    rmtmc_json_num(&j, "seconds", p->seconds);
    /* the point's rows (the edge study's spike rows) with their judgements */
    report_edge_row rows[4];
    int n = point_rows(p, rows, 4);
    rmtmc_json_array(&j, "verdict_rows");
    for (int k = 0; k < n; ++k) {
      const rmtmc_verdict_row *w = rmtmc_verdict_find(&v, p, k);
      rmtmc_json_object(&j, NULL);
      rmtmc_json_str(&j, "quantity", rows[k].what);
      rmtmc_json_num(&j, "empirical", rows[k].emp);
      rmtmc_json_num(&j, "stderr", rows[k].se);
      rmtmc_json_num(&j, "theory", rows[k].theory);
      rmtmc_json_num(&j, "zscore", w ? w->z : NAN);
      rmtmc_verdict_row_json(&j, w);
      rmtmc_json_object_end(&j);
    }
    rmtmc_json_array_end(&j);
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_verdict_write_json(&j, "verdict", &v);
  rmtmc_verdict_free(&v);
  report_json_ranks(&j, &r->run, r->divided[0] ? r->divided : "none");
  rmtmc_json_end(&j);
  return RMTMC_OK;
}

rmtmc_status rmtmc_sweep_spike_write_csv(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_sweep_result *r = ctx;
  fprintf(f, "value,ell,d,n,threshold,outlier,eig_mean,eig_stderr,eig_sd,eig_theory,eig_bias,eig_theory_sd,"
             "overlap_mean,overlap_stderr,overlap_theory\n");
  for (int64_t i = 0; i < r->done; ++i) {
    const rmtmc_sweep_spike_point *p = &r->spike[i];
    fprintf(f, "%.17g,%.17g,%lld,%lld,%.17g,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", p->value,
            p->ell, (long long)p->d, (long long)p->n, p->threshold, p->outlier, p->eig_mean, p->eig_stderr, p->eig_sd,
            p->location, p->location_bias, p->sd_theory, p->overlap_mean, p->overlap_stderr, p->overlap_theory);
  }
  return RMTMC_OK;
}

rmtmc_status rmtmc_sweep_spike_write_gnuplot(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_sweep_result *r = ctx;
  const rmtmc_sweep_config *c = &r->config;
  int64_t d = c->base.d, n = r->done > 0 ? r->spike[0].n : 1;
  double eta = (double)d / (double)n, thr = 1.0 + sqrt(eta), lo = INFINITY, hi = -INFINITY;
  for (int64_t i = 0; i < r->done; ++i) {
    lo = fmin(lo, r->spike[i].ell);
    hi = fmax(hi, r->spike[i].ell);
  }
  if (!(lo < hi)) {
    lo = 1.0;
    hi = 1.0 + 3.0 * sqrt(eta);
  }
  double pad = 0.04 * (hi - lo);
  fprintf(f,
          "# plot_sweep.gp: written by rmtmc; the BBP transition (sweep.csv) against theory\n"
          "# Run from this directory: gnuplot plot_sweep.gp   (needs gnuplot, e.g. apt-get install gnuplot-nox)\n"
          "set datafile separator \",\"\n"
          "set grid\nset bars 2\nset key top left box opaque\n"
          "eta = %.17g\nthr = %.17g\n"
          "overlap(l) = l > thr ? (1 - eta/(l-1)**2)/(1 + eta/(l-1)) : 0\n"
          "rho(l) = l > thr ? l*(1 + eta/(l-1)) : (1 + sqrt(eta))**2\n"
          "set xrange [%.17g:%.17g]\nset samples 800\n"
          "set arrow 1 from thr, graph 0 to thr, graph 1 nohead dt 2 lw 1.5 lc rgb \"#555555\"\n",
          eta, thr, lo - pad, hi + pad);
  rmtmc_plot_loop_begin_plain(f, "sweep", 1000, 900);
  fprintf(f,
          "  set multiplot layout 2,1 title \"BBP phase transition: d = %lld, n = %lld (eta = %.4g), %lld trials per point, entries %s\\n"
          "bars: mean +- 2 standard errors; dashed: threshold 1 + sqrt(eta) = %.4g\"\n",
          (long long)d, (long long)n, eta, (long long)c->base.run.trials, c->base.entries, thr);
  fprintf(f,
          "  set ylabel \"overlap |<v_hat_1, v>|^2\"\n  set xlabel \"\"\n  set yrange [-0.03:1.03]\n"
          "  plot overlap(x) with lines lw 2.5 lc rgb \"#cc3311\" title \"limit (1 - eta/theta^2)/(1 + eta/theta), 0 below the threshold\", \\\n"
          "       \"sweep.csv\" skip 1 using 2:13:(2*$14) with yerrorbars pt 7 lc rgb \"#4477aa\" title \"empirical\"\n");
  fprintf(f,
          "  set ylabel \"top eigenvalue lambda_max\"\n  set xlabel \"population spike ell = 1 + T\"\n  set yrange [*:*]\n"
          "  plot rho(x) with lines lw 2.5 lc rgb \"#cc3311\" title \"rho(ell) = ell (1 + eta/(ell - 1)); bulk edge (1 + sqrt eta)^2 below\", \\\n"
          "       \"sweep.csv\" skip 1 using 2:7:(2*$8) with yerrorbars pt 7 lc rgb \"#4477aa\" title \"empirical mean\", \\\n"
          "       \"sweep.csv\" skip 1 using 2:($7 - 2*$9):($7 + 2*$9) with filledcurves fs transparent solid 0.15 lc rgb \"#4477aa\" title \"trial-to-trial mean +- 2 sd\"\n");
  fprintf(f, "  unset multiplot\n");
  rmtmc_plot_loop_end(f);
  return RMTMC_OK;
}

void rmtmc_sweep_spike_summary(FILE *f, const rmtmc_sweep_result *r) {
  const rmtmc_sweep_config *c = &r->config;
  int64_t n = r->done > 0 ? r->spike[0].n : 0;
  fprintf(f, "rmtmc sweep --param spike: d = %lld, n = %lld, %lld trials per point, entries %s\n",
          (long long)c->base.d, (long long)n, (long long)c->base.run.trials, c->base.entries);
  if (r->done > 0) fprintf(f, "  BBP threshold ell = 1 + sqrt(d/n) = %.4f\n", r->spike[0].threshold);
  fprintf(f, "  %-8s %-8s %-30s %-12s %-26s %s\n", "T", "ell", "lambda_max (mean +- se)", "theory", "overlap (mean +- se)",
          "theory");
  for (int64_t i = 0; i < r->done; ++i) {
    const rmtmc_sweep_spike_point *p = &r->spike[i];
    char a[48], b[48];
    snprintf(a, sizeof a, "%.5f +- %.1e", p->eig_mean, p->eig_stderr);
    snprintf(b, sizeof b, "%.4f +- %.1e", p->overlap_mean, p->overlap_stderr);
    fprintf(f, "  %-8.4g %-8.4g %-30s %-12.5f %-26s %.4f%s\n", p->value, p->ell, a, p->location, b, p->overlap_theory,
            p->outlier ? "" : "  (no outlier)");
  }
  rmtmc_verdict v;
  rmtmc_sweep_spike_verdict(r, &v);
  fprintf(f, "\n");
  rmtmc_verdict_print(f, &v, "  ");
  rmtmc_verdict_free(&v);
}
