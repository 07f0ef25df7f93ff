/* edge_report.c: the edge study's rows and verdict, JSON (schema
 * rmtmc.edge/1, docs/schema.md), CSV tables and text summary. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rmtmc.h"
#include "rmtmc_edge_study.h"
#include "rmtmc_report.h"
#include "report/report_common.h"

/* The rules (those of the verdict shared by the studies, docs/theory_edge.md
 * 4.2):
 *   CORRECTED    the theory carries every finite-size correction known to
 *                matter at this resolution: |z| <= RMTMC_VERDICT_Z agrees,
 *                beyond it DISAGREES;
 *   UNCORRECTED  a limit whose finite-size bias is not predicted here
 *                (first-order centring, the overlaps): |z| <= threshold
 *                agrees, beyond it INCONCLUSIVE (the gap may be that bias),
 *                unless the gap exceeds a stated bound on that bias
 *                (overlaps: 4 se + OVERLAP_BIAS_FACTOR Var/limit), which
 *                DISAGREES;
 *   OUT          informational, kept out with its reason (no outlier, the
 *                BBP critical window, Tracy-Widom refused).
 * A row without a finite z is INCONCLUSIVE.  KS rows: z is replaced by the
 * p-value, judged against KS_P_MIN, the two-sided normal tail beyond
 * RMTMC_VERDICT_Z (the same false-alarm rate). */
#define KS_P_MIN 6.334e-5
/* Measured: the overlaps' O(1/n) bias is 0.7 to 2.9 times Var/limit at
 * d = 100-200 (docs/theory_edge.md 4.2). */
#define OVERLAP_BIAS_FACTOR 5.0

enum { RULE_CORRECTED = 0, RULE_UNCORRECTED = 1, RULE_OUT = 2 };

/* One row; ok < 0: judge by |z|; else ok is the pass/fail of another test
 * (the KS p-value); bound > 0: an UNCORRECTED row beyond it disagrees. */
static int add_row(report_edge_row *rows, int n, int cap, const char *what, const char *at, double emp, double se,
                   double theory, double z, int rule, const char *note, int ok, double bound) {
  if (n >= cap) return n;
  report_edge_row *w = &rows[n];
  memset(w, 0, sizeof *w);
  snprintf(w->what, sizeof w->what, "%s", what);
  snprintf(w->at, sizeof w->at, "%s", at);
  w->emp = emp;
  w->se = se;
  w->theory = theory;
  w->z = z;
  snprintf(w->why, sizeof w->why, "%s", note ? note : "");
  w->judged = rule != RULE_OUT;
  if (!w->judged) {
    w->v = RMTMC_EDGE_INCONCLUSIVE;
    return n + 1;
  }
  int pass;
  if (ok >= 0) pass = ok;
  else if (!isfinite(z)) {
    w->v = RMTMC_EDGE_INCONCLUSIVE;
    snprintf(w->why, sizeof w->why, "no finite standard error");
    return n + 1;
  } else pass = fabs(z) <= RMTMC_VERDICT_Z;
  if (pass) w->v = RMTMC_EDGE_AGREES;
  else if (rule == RULE_CORRECTED) w->v = RMTMC_EDGE_DISAGREES;
  else if (bound > 0 && fabs(emp - theory) > bound) {
    w->v = RMTMC_EDGE_DISAGREES;
    snprintf(w->why, sizeof w->why, "%s; the difference %.3g exceeds the bound %.3g on that bias", note ? note : "",
             emp - theory, bound);
  } else {
    w->v = RMTMC_EDGE_INCONCLUSIVE;
    snprintf(w->why, sizeof w->why, "%s: the gap may be that bias", note ? note : "a limit without its finite-size bias");
  }
  return n + 1;
}

static int add(report_edge_row *rows, int n, int cap, const char *what, const char *at, double emp, double se,
               double theory, double z, int rule, const char *note) {
  return add_row(rows, n, cap, what, at, emp, se, theory, z, rule, note, -1, 0.0);
}

static const char *FIRST_ORDER = "first-order centring, finite-size bias";

static int side_rows(const rmtmc_edge_result *r, const rmtmc_edge_side *s, report_edge_row *rows, int n, int cap) {
  const char *edge = s->sign > 0 ? "lambda_max" : "lambda_min";
  char what[96], at[64];
  if (!s->applies) {
    snprintf(what, sizeof what, "%s: Tracy-Widom does not apply", edge);
    return add(rows, n, cap, what, "", NAN, NAN, NAN, NAN, RULE_OUT, s->scaling.note);
  }
  int fo = s->first_order ? RULE_UNCORRECTED : RULE_CORRECTED;
  const char *fo_note = s->first_order ? FIRST_ORDER : NULL;
  snprintf(at, sizeof at, "TW%d, %s scale", r->beta, s->log_scale ? "log" : "linear");
  snprintf(what, sizeof what, "%s standardised: mean", edge);
  n = add(rows, n, cap, what, at, s->z.mean, s->z.mean_se, r->tw.mean, s->z_mean, fo, fo_note);
  snprintf(what, sizeof what, "%s standardised: sd", edge);
  n = add(rows, n, cap, what, at, s->z.sd, s->z.sd_se, r->tw.sd, s->z_sd,
          s->scale_first_order ? RULE_UNCORRECTED : RULE_CORRECTED,
          s->scale_first_order ? "first-order scaling (no refined constants for complex data at the bottom edge)" : NULL);
  snprintf(what, sizeof what, "%s standardised: skewness", edge);
  n = add(rows, n, cap, what, at, s->z.skewness, s->z.skewness_se, r->tw.skewness, s->z_skew, RULE_CORRECTED, NULL);
  /* KS: judged by its p-value */
  snprintf(what, sizeof what, "%s: KS distance to TW%d", edge, r->beta);
  snprintf(at, sizeof at, "p-value %.3g", s->ks_p);
  n = add_row(rows, n, cap, what, at, s->ks, NAN, 0.0, NAN, isfinite(s->ks_p) ? fo : RULE_OUT,
              isfinite(s->ks_p) ? fo_note : "no p-value", s->ks_p >= KS_P_MIN, 0.0);
  for (int k = 0; k < RMTMC_EDGE_NQ; ++k) {
    const rmtmc_edge_qrow *q = &s->q[k];
    snprintf(what, sizeof what, "%s: P(stat <= F%d^-1(%g))", edge, r->beta, q->p);
    snprintf(at, sizeof at, "F^-1 = %.4f", q->theory);
    n = add(rows, n, cap, what, at, q->frac, q->frac_se, q->p, q->zscore, fo, fo_note);
  }
  return n;
}

int report_edge_rows(const rmtmc_edge_result *r, report_edge_row *rows, int cap) {
  int n = 0;
  n = side_rows(r, &r->top, rows, n, cap);
  if (r->model.d < r->model.n || r->bottom.applies) n = side_rows(r, &r->bottom, rows, n, cap);
  for (int64_t i = 0; i < r->nspikes; ++i) {
    const rmtmc_edge_spike_row *s = &r->spikes[i];
    char what[96], at[64];
    snprintf(at, sizeof at, "ell = %g, %s %lld%s", s->ell, s->ell >= 1 ? "top" : "bottom", (long long)s->position,
             s->multiplicity > 1 ? " (group)" : "");
    if (!s->side) {
      snprintf(what, sizeof what, "spike %lld eigenvalue (no outlier)", (long long)i);
      n = add(rows, n, cap, what, at, s->eig.mean, s->eig.stderr_, s->location, s->z_location, RULE_OUT,
              "at or inside the BBP threshold: sticks to the bulk edge (Tracy-Widom)");
      snprintf(what, sizeof what, "spike %lld overlap |<v_hat, v>|^2", (long long)i);
      n = add(rows, n, cap, what, at, s->overlap.mean, s->overlap.stderr_, 0.0, s->z_overlap, RULE_OUT,
              "at or inside the BBP threshold: the overlap tends to 0, slowly");
      continue;
    }
    char crit[160] = "";
    if (s->critical)
      snprintf(crit, sizeof crit,
               "within the BBP critical window |ell - %.4g| < sqrt(eta) n^-1/3 = %.3g: Gaussian outlier theory not reliable",
               s->threshold, sqrt(r->eta) * pow((double)r->model.n, -1.0 / 3.0));
    int out = s->critical ? RULE_OUT : RULE_CORRECTED;
    snprintf(what, sizeof what, "spike %lld outlier: mean%s", (long long)i,
             isfinite(s->z_location_corrected) ? " (z: 1/n bias corrected)" : "");
    n = add(rows, n, cap, what, at, s->eig.mean, s->eig.stderr_, s->location,
            isfinite(s->z_location_corrected) ? s->z_location_corrected : s->z_location, out, crit);
    snprintf(what, sizeof what, "spike %lld outlier: sd", (long long)i);
    n = add(rows, n, cap, what, at, s->eig.sd, s->eig_sd_se, s->sd_theory, s->z_sd, out, crit);
    snprintf(what, sizeof what, "spike %lld overlap |<v_hat, v>|^2", (long long)i);
    char note[200];
    snprintf(note, sizeof note, "first-order limit: its O(1/n) bias (order Var/limit = %.2g) is not predicted",
             s->overlap_bias_scale);
    n = add_row(rows, n, cap, what, at, s->overlap.mean, s->overlap.stderr_, s->overlap_theory, s->z_overlap,
                s->critical ? RULE_OUT : RULE_UNCORRECTED, s->critical ? crit : note, -1,
                4.0 * s->overlap.stderr_ + OVERLAP_BIAS_FACTOR * s->overlap_bias_scale);
  }
  return n;
}

rmtmc_edge_verdict rmtmc_edge_overall(const rmtmc_edge_result *r, double *max_abs_z) {
  report_edge_row rows[REPORT_EDGE_MAX_ROWS];
  int n = report_edge_rows(r, rows, REPORT_EDGE_MAX_ROWS);
  int agree = 0, disagree = 0, judged = 0;
  double mz = 0.0;
  for (int i = 0; i < n; ++i) {
    if (!rows[i].judged) continue;
    ++judged;
    if (rows[i].v == RMTMC_EDGE_AGREES) ++agree;
    if (rows[i].v == RMTMC_EDGE_DISAGREES) ++disagree;
    if (isfinite(rows[i].z) && fabs(rows[i].z) > mz) mz = fabs(rows[i].z);
  }
  if (max_abs_z) *max_abs_z = mz;
  /* DISAGREES when a row disagrees; else INCONCLUSIVE when a judged row is
   * inconclusive or none agrees; else AGREES */
  return disagree ? RMTMC_EDGE_DISAGREES : agree && agree == judged ? RMTMC_EDGE_AGREES : RMTMC_EDGE_INCONCLUSIVE;
}

/* ---- JSON ---- */

static void stat_fields(rmtmc_json *j, const char *key, double mean, double se, double theory, double z) {
  rmtmc_json_object(j, key);
  rmtmc_json_num(j, "empirical", mean);
  rmtmc_json_num(j, "stderr", se);
  rmtmc_json_num(j, "theory", theory);
  rmtmc_json_num(j, "zscore", z);
  rmtmc_json_object_end(j);
}

static void side_json(rmtmc_json *j, const char *key, const rmtmc_edge_result *r, const rmtmc_edge_side *s) {
  rmtmc_json_object(j, key);
  rmtmc_json_bool(j, "tracy_widom_applies", s->applies);
  rmtmc_json_str(j, "note", s->scaling.note);
  rmtmc_json_num(j, "mu", s->scaling.mu);
  rmtmc_json_num(j, "sigma", s->scaling.sigma);
  rmtmc_json_num(j, "limit_edge", s->scaling.edge);
  rmtmc_json_str(j, "scale", s->log_scale ? "log" : "linear");
  rmtmc_json_bool(j, "first_order_centring", s->first_order);
  rmtmc_json_object(j, "eigenvalue");
  report_json_stat_fields(j, &s->raw);
  rmtmc_json_num(j, "theory_mean", s->raw_theory_mean);
  rmtmc_json_num(j, "theory_sd", s->raw_theory_sd);
  rmtmc_json_object_end(j);
  if (s->applies) {
    rmtmc_json_object(j, "standardised");
    stat_fields(j, "mean", s->z.mean, s->z.mean_se, r->tw.mean, s->z_mean);
    stat_fields(j, "sd", s->z.sd, s->z.sd_se, r->tw.sd, s->z_sd);
    stat_fields(j, "skewness", s->z.skewness, s->z.skewness_se, r->tw.skewness, s->z_skew);
    stat_fields(j, "excess_kurtosis", s->z.kurtosis, s->z.kurtosis_se, r->tw.excess_kurtosis,
                (s->z.kurtosis - r->tw.excess_kurtosis) / s->z.kurtosis_se);
    rmtmc_json_object_end(j);
    rmtmc_json_object(j, "ks");
    rmtmc_json_num(j, "distance", s->ks);
    rmtmc_json_num(j, "pvalue", s->ks_p);
    rmtmc_json_int(j, "n", (long long)r->config.run.trials);
    rmtmc_json_object_end(j);
    rmtmc_json_array(j, "quantiles");
    for (int k = 0; k < RMTMC_EDGE_NQ; ++k) {
      const rmtmc_edge_qrow *q = &s->q[k];
      rmtmc_json_object(j, NULL);
      rmtmc_json_num(j, "p", q->p);
      rmtmc_json_num(j, "theory", q->theory);
      rmtmc_json_num(j, "empirical", q->empirical);
      rmtmc_json_num(j, "empirical_stderr", q->empirical_se);
      rmtmc_json_num(j, "fraction_below", q->frac);
      rmtmc_json_num(j, "fraction_stderr", q->frac_se);
      rmtmc_json_num(j, "zscore", q->zscore);
      rmtmc_json_object_end(j);
    }
    rmtmc_json_array_end(j);
  }
  rmtmc_json_object_end(j);
}

static const char *correction_name(rmtmc_edge_correction c) {
  return c == RMTMC_EDGE_FIRST_ORDER ? "first-order" : c == RMTMC_EDGE_JOHNSTONE ? "johnstone" : "second-order";
}

rmtmc_status rmtmc_edge_write_json(FILE *f, const void *res, rmtmc_error *err) {
  const rmtmc_edge_result *r = res;
  const rmtmc_edge_config *c = &r->config;
  rmtmc_json j;
  report_json_begin(&j, f, "rmtmc.edge/1");
  rmtmc_json_object(&j, "config");
  report_json_run_size(&j, c->d, c->n, r->eta, c->run.trials, c->run.seed);
  rmtmc_json_str(&j, "sigma", c->sigma);
  rmtmc_json_str(&j, "entries", c->entries);
  rmtmc_json_int(&j, "beta", r->beta);
  rmtmc_json_str(&j, "correction", correction_name(c->correction));
  rmtmc_json_str(&j, "scale", c->scale < 0 ? "auto" : c->scale ? "log" : "linear");
  rmtmc_json_str(&j, "backend", rmtmc_backend_kind_name(c->run.backend));
  rmtmc_json_int(&j, "threads", c->run.threads);
  rmtmc_json_int(&j, "batch", c->run.batch);
  rmtmc_json_object_end(&j);
  report_json_backend(&j, &r->run.backend, r->run.backend_note, r->run.batch);
  report_json_ranks(&j, &r->run, NULL);
  rmtmc_json_object(&j, "tracy_widom");
  rmtmc_json_int(&j, "beta", r->beta);
  rmtmc_json_num(&j, "mean", r->tw.mean);
  rmtmc_json_num(&j, "sd", r->tw.sd);
  rmtmc_json_num(&j, "skewness", r->tw.skewness);
  rmtmc_json_num(&j, "excess_kurtosis", r->tw.excess_kurtosis);
  rmtmc_json_object_end(&j);
  side_json(&j, "top", r, &r->top);
  side_json(&j, "bottom", r, &r->bottom);
  /* The QQ table of the first Tracy-Widom edge (top, else bottom): sample
   * quantiles of the standardised statistic against TW_beta's. */
  const rmtmc_edge_side *qs = r->top.applies ? &r->top : r->bottom.applies ? &r->bottom : NULL;
  rmtmc_json_array(&j, "qq");
  for (int k = 0; qs && k < RMTMC_EDGE_NQ; ++k) {
    rmtmc_json_object(&j, NULL);
    rmtmc_json_num(&j, "p", qs->q[k].p);
    rmtmc_json_str(&j, "edge", qs->sign > 0 ? "top" : "bottom");
    rmtmc_json_object(&j, "empirical");
    rmtmc_json_num(&j, "mean", qs->q[k].empirical);
    rmtmc_json_num(&j, "stderr", qs->q[k].empirical_se);
    rmtmc_json_object_end(&j);
    rmtmc_json_num(&j, "theory", qs->q[k].theory);
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_json_array(&j, "spikes");
  for (int64_t i = 0; i < r->nspikes; ++i) {
    const rmtmc_edge_spike_row *s = &r->spikes[i];
    rmtmc_json_object(&j, NULL);
    rmtmc_json_int(&j, "index", s->index);
    rmtmc_json_num(&j, "ell", s->ell);
    rmtmc_json_int(&j, "side", s->side);
    rmtmc_json_int(&j, "position", s->position);
    rmtmc_json_int(&j, "multiplicity", s->multiplicity);
    rmtmc_json_num(&j, "threshold", s->threshold);
    rmtmc_json_bool(&j, "critical_window", s->critical);
    rmtmc_json_object(&j, "eigenvalue");
    report_json_stat_fields(&j, &s->eig);
    rmtmc_json_num(&j, "sd_stderr", s->eig_sd_se);
    rmtmc_json_num(&j, "theory", s->location);
    rmtmc_json_num(&j, "bias", s->location_bias);
    rmtmc_json_num(&j, "theory_sd", s->sd_theory);
    rmtmc_json_num(&j, "zscore", s->z_location);
    rmtmc_json_num(&j, "zscore_corrected", s->z_location_corrected);
    rmtmc_json_num(&j, "zscore_sd", s->z_sd);
    rmtmc_json_object_end(&j);
    rmtmc_json_object(&j, "overlap");
    report_json_stat_fields(&j, &s->overlap);
    rmtmc_json_num(&j, "theory", s->overlap_theory);
    rmtmc_json_num(&j, "zscore", s->z_overlap);
    rmtmc_json_object_end(&j);
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);
  double mz;
  rmtmc_edge_verdict v = rmtmc_edge_overall(r, &mz);
  rmtmc_json_object(&j, "verdict");
  rmtmc_json_str(&j, "overall", rmtmc_edge_verdict_name(v));
  rmtmc_json_num(&j, "max_abs_z", mz);
  rmtmc_json_num(&j, "threshold", RMTMC_VERDICT_Z);
  rmtmc_json_num(&j, "ks_pvalue_threshold", KS_P_MIN);
  rmtmc_json_array(&j, "rows");
  report_edge_row rows[REPORT_EDGE_MAX_ROWS];
  int n = report_edge_rows(r, rows, REPORT_EDGE_MAX_ROWS);
  for (int i = 0; i < n; ++i) {
    rmtmc_json_object(&j, NULL);
    rmtmc_json_str(&j, "quantity", rows[i].what);
    rmtmc_json_str(&j, "at", rows[i].at);
    rmtmc_json_str(&j, "verdict", rows[i].judged ? rmtmc_edge_verdict_name(rows[i].v) : "INFORMATIONAL");
    rmtmc_json_str(&j, "why", rows[i].why);
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_json_object_end(&j);
  rmtmc_json_object(&j, "timing");
  rmtmc_json_num(&j, "seconds", r->seconds);
  rmtmc_json_num(&j, "trials_per_second", r->trials_per_second);
  rmtmc_json_num(&j, "theory_seconds", r->theory_seconds);
  rmtmc_json_object_end(&j);
  rmtmc_json_end(&j);
  return RMTMC_OK;
}

/* ---- CSV ---- */

static rmtmc_status csv_rows(FILE *f, const void *res, rmtmc_error *err) {
  report_edge_row rows[REPORT_EDGE_MAX_ROWS];
  int n = report_edge_rows(res, rows, REPORT_EDGE_MAX_ROWS);
  fprintf(f, "quantity,at,empirical,stderr,theory,zscore,verdict\n");
  for (int i = 0; i < n; ++i)
    fprintf(f, "\"%s\",\"%s\",%.17g,%.17g,%.17g,%.17g,%s\n", rows[i].what, rows[i].at, rows[i].emp, rows[i].se,
            rows[i].theory, rows[i].z, rows[i].judged ? rmtmc_edge_verdict_name(rows[i].v) : "INFORMATIONAL");
  return RMTMC_OK;
}

/* Sorted standardised statistics beside the TW quantiles at the plotting
 * positions (i + 1/2)/T (QQ plot); a column of NaN for an edge without. */
static rmtmc_status csv_samples(FILE *f, const void *res, rmtmc_error *err) {
  const rmtmc_edge_result *r = res;
  int64_t T = r->config.run.trials;
  rmtmc_tw *tw = NULL;
  rmtmc_status st = rmtmc_tw_create(&tw, err);
  if (st != RMTMC_OK) return st;
  /* at most 2000 rows: every (T/2000)-th order statistic */
  int64_t step = T > 2000 ? (T + 1999) / 2000 : 1;
  fprintf(f, "p,tw_quantile,top,bottom\n");
  for (int64_t i = 0; i < T && st == RMTMC_OK; i += step) {
    double p = ((double)i + 0.5) / (double)T, q;
    st = rmtmc_tw_quantile(tw, r->beta, p, &q, err);
    fprintf(f, "%.17g,%.17g,%.17g,%.17g\n", p, q, r->top.sorted ? r->top.sorted[i] : NAN,
            r->bottom.sorted ? r->bottom.sorted[i] : NAN);
  }
  rmtmc_tw_free(tw);
  return st;
}

/* Histogram of the standardised statistics on a common grid beside the
 * TW density at the bin centres. */
static rmtmc_status csv_density(FILE *f, const void *res, rmtmc_error *err) {
  const rmtmc_edge_result *r = res;
  int64_t T = r->config.run.trials, B = r->config.bins;
  double lo = -6.0, hi = 4.0;
  rmtmc_tw *tw = NULL;
  rmtmc_status st = rmtmc_tw_create(&tw, err);
  if (st != RMTMC_OK) return st;
  const rmtmc_edge_side *sd[2] = {&r->top, &r->bottom};
  for (int k = 0; k < 2; ++k)
    if (sd[k]->sorted) {
      lo = fmin(lo, sd[k]->sorted[0]);
      hi = fmax(hi, sd[k]->sorted[T - 1]);
    }
  double w = (hi - lo) / (double)B;
  fprintf(f, "center,tw_density,top_density,bottom_density\n");
  int64_t at[2] = {0, 0};
  for (int64_t b = 0; b < B && st == RMTMC_OK; ++b) {
    double a = lo + w * (double)b, e = b + 1 == B ? hi : a + w, c = 0.5 * (a + e);
    double dens[2];
    for (int k = 0; k < 2; ++k) {
      dens[k] = NAN;
      if (!sd[k]->sorted) continue;
      int64_t cnt = 0;
      while (at[k] < T && (sd[k]->sorted[at[k]] < e || b + 1 == B)) {
        ++at[k];
        ++cnt;
      }
      dens[k] = (double)cnt / ((double)T * w);
    }
    rmtmc_tw_point pt;
    st = rmtmc_tw_eval(tw, r->beta, c, 1, &pt, err);
    fprintf(f, "%.17g,%.17g,%.17g,%.17g\n", c, pt.pdf, dens[0], dens[1]);
  }
  rmtmc_tw_free(tw);
  return st;
}

int rmtmc_edge_files(const rmtmc_edge_result *r, rmtmc_out_file *files, int cap) {
  const struct {
    const char *name;
    rmtmc_writer_fn fn;
  } list[] = {{"result.json", rmtmc_edge_write_json},
              {"edge_rows.csv", csv_rows},
              {"edge_samples.csv", csv_samples},
              {"edge_density.csv", csv_density}};
  int n = (int)(sizeof list / sizeof list[0]);
  for (int i = 0; i < n && i < cap; ++i) {
    snprintf(files[i].name, sizeof files[i].name, "%s", list[i].name);
    files[i].fn = list[i].fn;
    files[i].ctx = r;
  }
  return n;
}

/* ---- summary ---- */

void rmtmc_edge_summary(FILE *f, const rmtmc_edge_result *r) {
  const rmtmc_edge_config *c = &r->config;
  fprintf(f, "rmtmc edge: d = %lld, n = %lld (eta = d/n = %.4g), %lld trials, seed %llu\n", (long long)c->d,
          (long long)c->n, r->eta, (long long)c->run.trials, (unsigned long long)c->run.seed);
  fprintf(f, "  sigma %s, entries %s (beta = %d, TW%d), centring %s\n", c->sigma, c->entries, r->beta, r->beta,
          correction_name(c->correction));
  report_backend_line(f, &r->run);
  const rmtmc_edge_side *sd[2] = {&r->top, &r->bottom};
  for (int k = 0; k < 2; ++k) {
    const rmtmc_edge_side *s = sd[k];
    const char *edge = k == 0 ? "lambda_max" : "lambda_min";
    if (k == 1 && !(r->model.d < r->model.n)) continue;
    if (!s->applies) {
      fprintf(f, "\n  %s: %.6f +- %.1e; Tracy-Widom does not apply: %s\n", edge, s->raw.mean, s->raw.stderr_,
              s->scaling.note);
      continue;
    }
    fprintf(f, "\n  %s: %.6f +- %.1e (sd %.4g); predicted %.6f (sd %.4g): mu = %.6f, sigma = %.4g (%s scale)\n",
            edge, s->raw.mean, s->raw.stderr_, s->raw.sd, s->raw_theory_mean, s->raw_theory_sd, s->scaling.mu,
            s->scaling.sigma, s->log_scale ? "log" : "linear");
    fprintf(f, "    %s\n", s->scaling.note);
    fprintf(f, "    standardised: mean %.4f +- %.4f (TW%d %.4f, z %+.2f%s), sd %.4f +- %.4f (%.4f, z %+.2f), skewness %.3f +- %.3f (%.3f, z %+.2f)\n",
            s->z.mean, s->z.mean_se, r->beta, r->tw.mean, s->z_mean, s->first_order ? "; first-order centring, finite-size bias" : "",
            s->z.sd, s->z.sd_se, r->tw.sd, s->z_sd, s->z.skewness, s->z.skewness_se, r->tw.skewness, s->z_skew);
    fprintf(f, "    Kolmogorov-Smirnov vs TW%d: D = %.4f, p-value = %.4g (%lld trials)\n", r->beta, s->ks, s->ks_p,
            (long long)c->run.trials);
    fprintf(f, "    quantiles p: F^-1(p) | sample quantile | fraction below F^-1(p) +- binomial se (z)\n");
    for (int q = 0; q < RMTMC_EDGE_NQ; ++q)
      fprintf(f, "      %.2f: %8.4f | %8.4f | %.4f +- %.4f (%+.2f)\n", s->q[q].p, s->q[q].theory, s->q[q].empirical,
              s->q[q].frac, s->q[q].frac_se, s->q[q].zscore);
  }
  if (r->nspikes > 0) {
    fprintf(f, "\n  spikes (BBP; eigenvalue: mean over trials +- se; overlap |<v_hat, v>|^2)\n");
    for (int64_t i = 0; i < r->nspikes; ++i) {
      const rmtmc_edge_spike_row *s = &r->spikes[i];
      if (!s->side) {
        fprintf(f, "    spike %lld ell = %g: no outlier (threshold %.4g): eigenvalue %.5f +- %.1e (bulk edge %.5f), overlap %.4f +- %.1e (limit 0)\n",
                (long long)i, s->ell, s->threshold, s->eig.mean, s->eig.stderr_, s->location, s->overlap.mean,
                s->overlap.stderr_);
        continue;
      }
      fprintf(f, "    spike %lld ell = %g (%s %lld%s): eigenvalue %.5f +- %.1e vs %.5f (1/n bias %+.2e, z %+.2f), sd %.4f vs %.4f (z %+.2f); overlap %.4f +- %.1e vs %.4f (z %+.2f)\n",
              (long long)i, s->ell, s->side > 0 ? "top" : "bottom", (long long)s->position,
              s->multiplicity > 1 ? ", group mean" : "", s->eig.mean, s->eig.stderr_, s->location, s->location_bias,
              isfinite(s->z_location_corrected) ? s->z_location_corrected : s->z_location, s->eig.sd, s->sd_theory,
              s->z_sd, s->overlap.mean, s->overlap.stderr_, s->overlap_theory, s->z_overlap);
    }
  }
  fprintf(f, "\n  time: %.3f s for %lld trials (%.1f trials/s), theory %.3f s\n", r->seconds,
          (long long)c->run.trials, r->trials_per_second, r->theory_seconds);
  double mz;
  rmtmc_edge_verdict v = rmtmc_edge_overall(r, &mz);
  report_edge_row rows[REPORT_EDGE_MAX_ROWS];
  int n = report_edge_rows(r, rows, REPORT_EDGE_MAX_ROWS), cnt[3] = {0, 0, 0}, out = 0;
  for (int i = 0; i < n; ++i) {
    if (rows[i].judged) cnt[rows[i].v]++;
    else ++out;
  }
  fprintf(f, "\n  verdict: %s: %d rows agree, %d disagree, %d inconclusive (|z| <= %.0f, KS p >= %.2g; largest judged |z| %.2f); %d informational\n",
          rmtmc_edge_verdict_name(v), cnt[RMTMC_EDGE_AGREES], cnt[RMTMC_EDGE_DISAGREES], cnt[RMTMC_EDGE_INCONCLUSIVE],
          RMTMC_VERDICT_Z, KS_P_MIN, mz, out);
  for (int i = 0; i < n; ++i)
    if (rows[i].judged && rows[i].v != RMTMC_EDGE_AGREES) {
      char zt[32] = ""; /* a KS row has its p-value in `at`, no z */
      if (isfinite(rows[i].z)) snprintf(zt, sizeof zt, ": z %+.2f", rows[i].z);
      fprintf(f, "    %s: %s (%s)%s%s%s\n", rows[i].v == RMTMC_EDGE_DISAGREES ? "disagrees" : "inconclusive",
              rows[i].what, rows[i].at, zt, rows[i].why[0] ? "; " : "", rows[i].why);
    }
}
