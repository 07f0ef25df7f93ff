/* edge_report.c: the edge study's rows and verdict, JSON (schema
 * rmtmc.edge/1, docs/schema.md), CSV tables and text summary. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rmtmc.h"
#include "rmtmc_edge_study.h"
#include "rmtmc_report.h"
#include "report/report_common.h"

/* The rules: those of the shared verdict (rmtmc_verdict.h, docs/verdict.md,
 * docs/theory.md 5.1 and 5.2.2):
 *   corrected    the theory carries every finite-size correction known to
 *                matter at this resolution (second-order Tracy-Widom
 *                centring; the outlier mean with its predicted 1/n bias);
 *   uncorrected  a limit whose finite-size bias is not predicted here
 *                (first-order centring, the overlaps): beyond |z| 4 the row
 *                is INCONCLUSIVE; an overlap whose gap exceeds a stated
 *                bound on that bias (4 se + OVERLAP_BIAS_FACTOR Var/limit)
 *                is judged corrected with the bound as its offset, so it
 *                DISAGREES;
 *   out          informational, kept out with its reason (no outlier, the
 *                BBP critical window, Tracy-Widom refused).
 * KS rows: the p-value p becomes its two-sided normal equivalent z with
 * erfc(z / sqrt 2) = p, judged like any z (|z| <= 4 exactly when p >=
 * KS_P_MIN); p = 0 gives KS_Z_CAP; a non-finite p cannot be judged. */
#define KS_P_MIN 6.334e-5
#define KS_Z_CAP 38.0
/* Measured: the overlaps' O(1/n) bias is 0.7 to 2.9 times Var/limit at
 * d = 100-200 (docs/theory.md 5.2.2). */
#define OVERLAP_BIAS_FACTOR 5.0

/* z with erfc(z / sqrt 2) = p (two-sided normal tail), p in [0, 1]. */
static double ks_z(double p) {
  if (!(p > 0.0)) return KS_Z_CAP;
  if (p >= 1.0) return 0.0;
  double lo = 0.0, hi = KS_Z_CAP;
  for (int it = 0; it < 200; ++it) {
    double mid = 0.5 * (lo + hi);
    if (erfc(mid / sqrt(2.0)) > p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

static int add(report_edge_row *rows, int n, int cap, const char *what, const char *at, double emp, double se,
               double theory, rmtmc_rule rule, double offset, const char *note) {
  if (n >= cap) return n;
  report_edge_row *w = &rows[n];
  memset(w, 0, sizeof *w);
  snprintf(w->what, sizeof w->what, "%s", what);
  snprintf(w->at, sizeof w->at, "%s", at);
  w->emp = emp;
  w->se = se;
  w->theory = theory;
  w->rule = rule;
  w->diff = emp - theory;
  w->stderr_ = se;
  w->offset = offset;
  snprintf(w->why, sizeof w->why, "%s", note ? note : "");
  return n + 1;
}

static const char *FIRST_ORDER = "first-order centring, finite-size bias";

static int side_rows(const rmtmc_edge_result *r, const rmtmc_edge_side *s, report_edge_row *rows, int n, int cap) {
  const char *edge = s->sign > 0 ? "lambda_max" : "lambda_min";
  char what[96], at[64];
  if (!s->applies) {
    snprintf(what, sizeof what, "%s: Tracy-Widom does not apply", edge);
    return add(rows, n, cap, what, "", NAN, NAN, NAN, RMTMC_RULE_OUT, 0.0, s->scaling.note);
  }
  rmtmc_rule fo = s->first_order ? RMTMC_RULE_UNCORRECTED : RMTMC_RULE_CORRECTED;
  const char *fo_note = s->first_order ? FIRST_ORDER : NULL;
  snprintf(at, sizeof at, "TW%d, %s scale", r->beta, s->log_scale ? "log" : "linear");
  snprintf(what, sizeof what, "%s standardised: mean", edge);
  n = add(rows, n, cap, what, at, s->z.mean, s->z.mean_se, r->tw.mean, fo, 0.0, fo_note);
  snprintf(what, sizeof what, "%s standardised: sd", edge);
  n = add(rows, n, cap, what, at, s->z.sd, s->z.sd_se, r->tw.sd, fo, 0.0,
          s->scale_first_order ? "first-order scaling (no refined constants for complex data at the bottom edge)"
                               : fo_note);
  snprintf(what, sizeof what, "%s standardised: skewness", edge);
  /* Skewness is free of the centring and scale, but with first-order
   * constants (a general Sigma) the finite-n shape correction is not
   * predicted either: the same rule as the mean. */
  n = add(rows, n, cap, what, at, s->z.skewness, s->z.skewness_se, r->tw.skewness, fo, 0.0, fo_note);
  /* KS: judged by the normal equivalent of its p-value */
  snprintf(what, sizeof what, "%s: KS distance to TW%d", edge, r->beta);
  snprintf(at, sizeof at, "p-value %.3g", s->ks_p);
  int before = n;
  n = add(rows, n, cap, what, at, s->ks, NAN, 0.0, fo, 0.0, fo_note);
  if (n > before) {
    report_edge_row *w = &rows[before];
    w->diff = ks_z(s->ks_p); /* the z equivalent of the p-value, standard error 1 */
    w->stderr_ = 1.0;
    if (!isfinite(s->ks_p) || !isfinite(s->ks))
      snprintf(w->cannot, sizeof w->cannot, "no finite KS distance or p-value");
  }
  for (int k = 0; k < RMTMC_EDGE_NQ; ++k) {
    const rmtmc_edge_qrow *q = &s->q[k];
    snprintf(what, sizeof what, "%s: P(stat <= F%d^-1(%g))", edge, r->beta, q->p);
    snprintf(at, sizeof at, "F^-1 = %.4f", q->theory);
    n = add(rows, n, cap, what, at, q->frac, q->frac_se, q->p, fo, 0.0, fo_note);
  }
  return n;
}

int report_edge_spike_rows(const rmtmc_edge_spike_row *s, int64_t i, double eta, int64_t nn, const char *at,
                           report_edge_row *rows, int n, int cap) {
  char what[96];
  if (!s->side) {
    snprintf(what, sizeof what, "spike %lld eigenvalue (no outlier)", (long long)i);
    n = add(rows, n, cap, what, at, s->eig.mean, s->eig.stderr_, s->location, RMTMC_RULE_OUT, 0.0,
            "at or inside the BBP threshold: sticks to the bulk edge (Tracy-Widom)");
    snprintf(what, sizeof what, "spike %lld overlap |<v_hat, v>|^2", (long long)i);
    return add(rows, n, cap, what, at, s->overlap.mean, s->overlap.stderr_, 0.0, RMTMC_RULE_OUT, 0.0,
               "at or inside the BBP threshold: the overlap tends to 0, slowly");
  }
  char crit[240] = "";
  if (s->critical)
    snprintf(crit, sizeof crit,
             "within the BBP critical window |ell - %.4g| < sqrt(eta) n^-1/3 = %.3g: Gaussian outlier theory not reliable",
             s->threshold, sqrt(eta) * pow((double)nn, -1.0 / 3.0));
  else if (s->unseparated)
    snprintf(crit, sizeof crit,
             "not separated at this d: the finite-d population (the spike one of its eigenvalues) has no separate "
             "outlier component, so that edge is a Tracy-Widom edge of it, not a BBP outlier; not judged");
  int unjudged = s->critical || s->unseparated;
  int has_bias = isfinite(s->location_bias);
  snprintf(what, sizeof what, "spike %lld outlier: mean%s", (long long)i, has_bias ? " (z: 1/n bias corrected)" : "");
  n = add(rows, n, cap, what, at, s->eig.mean, s->eig.stderr_, s->location,
          unjudged ? RMTMC_RULE_OUT : RMTMC_RULE_CORRECTED, has_bias ? s->location_bias : 0.0,
          unjudged ? crit : NULL);
  snprintf(what, sizeof what, "spike %lld outlier: sd", (long long)i);
  n = add(rows, n, cap, what, at, s->eig.sd, s->eig_sd_se, s->sd_theory,
          unjudged ? RMTMC_RULE_OUT : RMTMC_RULE_CORRECTED, 0.0, unjudged ? crit : NULL);
  snprintf(what, sizeof what, "spike %lld overlap |<v_hat, v>|^2", (long long)i);
  if (unjudged)
    return add(rows, n, cap, what, at, s->overlap.mean, s->overlap.stderr_, s->overlap_theory, RMTMC_RULE_OUT, 0.0,
               crit);
  double gap = s->overlap.mean - s->overlap_theory, allow = OVERLAP_BIAS_FACTOR * s->overlap_bias_scale;
  double bound = 4.0 * s->overlap.stderr_ + allow;
  char note[RMTMC_ERRMSG_LEN];
  if (isfinite(gap) && isfinite(bound) && fabs(gap) > bound) {
    /* beyond any bias it may carry: judged against the bound */
    snprintf(note, sizeof note,
             "the gap %.3g exceeds %g Var/limit = %.3g, the bound on its unpredicted O(1/n) bias, by more than 4 se "
             "(z: beyond that bound)",
             gap, OVERLAP_BIAS_FACTOR, allow);
    return add(rows, n, cap, what, at, s->overlap.mean, s->overlap.stderr_, s->overlap_theory, RMTMC_RULE_CORRECTED,
               copysign(allow, gap), note);
  }
  snprintf(note, sizeof note, "first-order limit: its O(1/n) bias (order Var/limit = %.2g) is not predicted",
           s->overlap_bias_scale);
  return add(rows, n, cap, what, at, s->overlap.mean, s->overlap.stderr_, s->overlap_theory, RMTMC_RULE_UNCORRECTED,
             0.0, note);
}

int report_edge_rows(const rmtmc_edge_result *r, report_edge_row *rows, int cap) {
  int n = 0;
  n = side_rows(r, &r->top, rows, n, cap);
  if (r->model.d < r->model.n || r->bottom.applies) n = side_rows(r, &r->bottom, rows, n, cap);
  for (int64_t i = 0; i < r->nspikes; ++i) {
    const rmtmc_edge_spike_row *s = &r->spikes[i];
    char at[64];
    snprintf(at, sizeof at, "ell = %g, %s %lld%s", s->ell, s->ell >= 1 ? "top" : "bottom", (long long)s->position,
             s->multiplicity > 1 ? " (group)" : "");
    n = report_edge_spike_rows(s, i, r->eta, r->model.n, at, rows, n, cap);
  }
  return n;
}

void report_edge_judge(rmtmc_verdict *v, const report_edge_row *rows, int n) {
  for (int i = 0; i < n; ++i) {
    const report_edge_row *w = &rows[i];
    rmtmc_judge j = {.what = w->what,
                     .at = w->at,
                     .rule = w->rule,
                     .estimate = w->emp,
                     .theory = w->theory,
                     .diff = w->diff,
                     .stderr_ = w->stderr_,
                     .offset = w->offset,
                     .note = w->why,
                     .cannot_judge = w->cannot[0] ? w->cannot : NULL,
                     .src = NULL,
                     .part = i};
    rmtmc_verdict_add(v, &j);
  }
}

void rmtmc_edge_verdict(const rmtmc_edge_result *r, rmtmc_verdict *v) {
  report_edge_row rows[REPORT_EDGE_MAX_ROWS];
  int n = report_edge_rows(r, rows, REPORT_EDGE_MAX_ROWS);
  rmtmc_verdict_init(v, r->config.run.trials);
  report_edge_judge(v, rows, n);
  rmtmc_verdict_finish(v);
}

/* Row i's judgement (the verdict adds the rows in order). */
static const rmtmc_verdict_row *vrow(const rmtmc_verdict *v, int i) { return i < v->nrows ? &v->rows[i] : NULL; }

void rmtmc_edge_describe(const rmtmc_edge_config *c, char *buf, size_t len) {
  snprintf(buf, len, "edge: d = %lld, n = %lld, sigma %s, entries %s, %lld trials, seed %llu", (long long)c->d,
           (long long)c->n, c->sigma, c->entries, (long long)c->run.trials, (unsigned long long)c->run.seed);
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
    rmtmc_json_bool(&j, "unseparated", s->unseparated);
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
  rmtmc_verdict v;
  rmtmc_edge_verdict(r, &v);
  rmtmc_verdict_write_json(&j, "verdict", &v);
  /* every row with its judgement (the verdict's rows, in this order) */
  rmtmc_json_array(&j, "verdict_rows");
  report_edge_row rows[REPORT_EDGE_MAX_ROWS];
  int n = report_edge_rows(r, rows, REPORT_EDGE_MAX_ROWS);
  for (int i = 0; i < n; ++i) {
    const rmtmc_verdict_row *w = vrow(&v, i);
    rmtmc_json_object(&j, NULL);
    rmtmc_json_str(&j, "quantity", rows[i].what);
    rmtmc_json_str(&j, "at", rows[i].at);
    rmtmc_json_num(&j, "empirical", rows[i].emp);
    rmtmc_json_num(&j, "stderr", rows[i].se);
    rmtmc_json_num(&j, "theory", rows[i].theory);
    rmtmc_json_num(&j, "zscore", w ? w->z : NAN);
    rmtmc_verdict_row_json(&j, w);
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_verdict_free(&v);
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
  rmtmc_verdict v;
  rmtmc_edge_verdict(res, &v);
  fprintf(f, "quantity,at,empirical,stderr,theory,zscore,verdict,rule\n");
  for (int i = 0; i < n; ++i) {
    const rmtmc_verdict_row *w = vrow(&v, i);
    fprintf(f, "\"%s\",\"%s\",%.17g,%.17g,%.17g,%.17g,%s,%s\n", rows[i].what, rows[i].at, rows[i].emp, rows[i].se,
            rows[i].theory, w ? w->z : NAN, w ? rmtmc_row_verdict_name(w->verdict) : "", rmtmc_rule_name(rows[i].rule));
  }
  rmtmc_verdict_free(&v);
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
  rmtmc_verdict v;
  rmtmc_edge_verdict(r, &v);
  fprintf(f, "\n");
  rmtmc_verdict_print(f, &v, "  ");
  rmtmc_verdict_free(&v);
}
