/* spectrum_report.c: JSON (schema rmtmc.spectrum/1), CSV tables and the text
 * summary of the spectrum study.  Field meanings: docs/schema.md. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rmtmc.h"
#include "rmtmc_report.h"
#include "report/report_common.h"

static const char *precision_name(rmtmc_precision p) {
  return p == RMTMC_PRECISION_SINGLE ? "single" : "double";
}

static double moment_z(const rmtmc_spectrum_result *r, int k) {
  return (r->moments[k].mean - r->moments_exact[k]) / r->moments[k].stderr_;
}

void rmtmc_spectrum_describe(const rmtmc_spectrum_config *c, char *buf, size_t len) {
  snprintf(buf, len, "d = %lld, n = %lld (eta = d/n = %.4g), %lld trials, seed %llu, sigma %s, entries %s, precision %s",
           (long long)c->d, (long long)c->n, (double)c->d / (double)c->n, (long long)c->run.trials,
           (unsigned long long)c->run.seed, c->sigma, c->entries, precision_name(c->precision));
}

void rmtmc_spectrum_verdict(const rmtmc_spectrum_result *r, rmtmc_verdict *v) {
  static const char *part[2] = {"Re", "Im"};
  rmtmc_verdict_init(v, r->config.run.trials);
  for (int q = 0; q < RMTMC_ZOBS_COUNT; ++q) {
    const rmtmc_zobs_info *o = rmtmc_zobs_describe(q);
    for (int64_t k = 0; r->zobs[q].rows && k < r->nz; ++k) {
      const rmtmc_stieltjes_row *w = &r->zobs[q].rows[k];
      char at[64], what[64];
      snprintf(at, sizeof at, "z = %.4g%+.4gi", w->z_re, w->z_im);
      int parts = w->z_im != 0.0 ? 2 : 1; /* the observables are real for real z */
      int half = parts == 2 && w->rule == RMTMC_RULE_CORRECTED && isfinite(w->bias_re) != isfinite(w->bias_im);
      for (int p = 0; p < parts; ++p) {
        const rmtmc_stat *st = p ? &w->im : &w->re;
        double th = p ? w->theory_im : w->theory_re, bias = p ? w->bias_im : w->bias_re;
        snprintf(what, sizeof what, "%s %s", part[p], o->symbol);
        rmtmc_judge j = {.what = what, .at = at, .rule = (rmtmc_rule)w->rule, .estimate = st->mean, .theory = th,
                         .diff = st->mean - th, .stderr_ = st->stderr_, .offset = half ? NAN : bias,
                         .note = half ? "the bias is known in one part only" : w->note, .src = w, .part = p};
        rmtmc_verdict_add(v, &j);
      }
    }
  }
  for (int k = 0; k < RMTMC_SPECTRUM_KMAX; ++k) {
    char what[48], at[48];
    snprintf(what, sizeof what, "(1/d) tr S^%d", k + 1);
    int exact = r->moment_rule[k] == RMTMC_RULE_EXACT;
    snprintf(at, sizeof at, exact ? "exact finite-n" : "limit");
    double th = exact ? r->moments_exact[k] : r->moments_theory[k];
    rmtmc_judge j = {.what = what, .at = at, .rule = (rmtmc_rule)r->moment_rule[k], .estimate = r->moments[k].mean,
                     .theory = th, .diff = r->moments[k].mean - th, .stderr_ = r->moments[k].stderr_,
                     .offset = 0.0, .note = r->moment_note[k], .src = &r->moments[k]};
    rmtmc_verdict_add(v, &j);
  }
  const char *edge_note =
      "informational: at finite d the extreme eigenvalues sit O(d^-2/3) from the support edges (Tracy-Widom), "
      "and a separated outlier has an O(1/n) bias";
  rmtmc_judge lo = {.what = "lambda_min", .at = "smallest non-zero", .rule = RMTMC_RULE_OUT,
                    .estimate = r->lam_min.mean, .theory = r->lam_min_theory,
                    .diff = r->lam_min.mean - r->lam_min_theory, .stderr_ = r->lam_min.stderr_, .note = edge_note,
                    .src = &r->lam_min};
  rmtmc_judge hi = {.what = "lambda_max", .at = "largest", .rule = RMTMC_RULE_OUT, .estimate = r->lam_max.mean,
                    .theory = r->lam_max_theory, .diff = r->lam_max.mean - r->lam_max_theory,
                    .stderr_ = r->lam_max.stderr_, .note = edge_note, .src = &r->lam_max};
  rmtmc_verdict_add(v, &lo);
  rmtmc_verdict_add(v, &hi);
  if (r->p_max <= 8.0)
    rmtmc_verdict_warn(v,
                       "entries %s have E|g|^8 infinite: the bias-corrected rows are unreliable for them and are "
                       "kept out of the verdict (docs/theory.md 6.6); use NU > 8 to judge m(z)",
                       r->config.entries);
  rmtmc_verdict_finish(v);
}

static void pair(rmtmc_json *j, const char *key, double re, double im) {
  rmtmc_json_object(j, key);
  rmtmc_json_num(j, "re", re);
  rmtmc_json_num(j, "im", im);
  rmtmc_json_object_end(j);
}

static void stat_obj(rmtmc_json *j, const char *key, const rmtmc_stat *s, double theory, const rmtmc_verdict *v) {
  rmtmc_json_object(j, key);
  report_json_stat_fields(j, s);
  rmtmc_json_num(j, "theory", theory);
  rmtmc_json_num(j, "difference", s->mean - theory);
  rmtmc_verdict_row_json(j, rmtmc_verdict_find(v, s, 0));
  rmtmc_json_object_end(j);
}

rmtmc_status rmtmc_spectrum_write_json(FILE *f, const void *result, rmtmc_error *err) {
  const rmtmc_spectrum_result *r = result;
  const rmtmc_spectrum_config *c = &r->config;
  rmtmc_json j;
  report_json_begin(&j, f, "rmtmc.spectrum/1");

  rmtmc_json_object(&j, "config");
  report_json_run_size(&j, c->d, c->n, r->eta, c->run.trials, c->run.seed);
  rmtmc_json_str(&j, "sigma", c->sigma);
  rmtmc_json_str(&j, "entries", c->entries);
  rmtmc_json_array(&j, "z");
  for (int64_t k = 0; k < c->nz; ++k) pair(&j, NULL, c->z_re[k], c->z_im[k]);
  rmtmc_json_array_end(&j);
  rmtmc_json_int(&j, "bins", c->bins);
  rmtmc_json_str(&j, "backend", rmtmc_backend_kind_name(c->run.backend));
  rmtmc_json_int(&j, "threads", c->run.threads);
  rmtmc_json_int(&j, "device", c->run.device);
  rmtmc_json_int(&j, "batch", c->run.batch);
  rmtmc_json_str(&j, "precision", precision_name(c->precision));
  rmtmc_json_str(&j, "method", rmtmc_method_name(c->method));
  rmtmc_json_array(&j, "observables");
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k)
    if (c->zobs & RMTMC_ZOBS_BIT(k)) rmtmc_json_str(&j, NULL, rmtmc_zobs_describe(k)->option);
  rmtmc_json_array_end(&j);
  rmtmc_json_object_end(&j);

  report_json_backend(&j, &r->run.backend, r->run.backend_note, r->run.batch);
  report_json_ranks(&j, &r->run, NULL);

  rmtmc_json_object(&j, "method");
  rmtmc_json_str(&j, "name", rmtmc_method_name(r->method));
  rmtmc_json_str(&j, "requested", rmtmc_method_name(c->method));
  rmtmc_json_str(&j, "why", r->method_why);
  rmtmc_json_object_end(&j);

  rmtmc_verdict v;
  rmtmc_spectrum_verdict(r, &v);
  rmtmc_json_object(&j, "theory");
  report_json_limit(&j, &r->limit);
  rmtmc_json_int(&j, "population_atoms", r->model.pop_k);
  static const char *bias_names[3] = {"gaussian", "diagonal", "general"};
  rmtmc_json_str(&j, "bias_formula", bias_names[r->bias_kind]);
  rmtmc_json_num(&j, "entries_moments_below", r->p_max);
  rmtmc_json_object_end(&j);

  for (int q = 0; q < RMTMC_ZOBS_COUNT; ++q) { /* "stieltjes", then the others asked for */
    const rmtmc_zobs_table *t = &r->zobs[q];
    if (!t->rows) continue;
    rmtmc_json_array(&j, rmtmc_zobs_describe(q)->key);
    for (int64_t k = 0; k < t->nz; ++k) {
      const rmtmc_stieltjes_row *row = &t->rows[k];
      rmtmc_json_object(&j, NULL);
      rmtmc_json_num(&j, "z_re", row->z_re);
      rmtmc_json_num(&j, "z_im", row->z_im);
      pair(&j, "empirical", row->re.mean, row->im.mean);
      pair(&j, "stderr", row->re.stderr_, row->im.stderr_);
      pair(&j, "sd", row->re.sd, row->im.sd);
      pair(&j, "theory", row->theory_re, row->theory_im);
      pair(&j, "bias", row->bias_re, row->bias_im);
      pair(&j, "zscore", row->zscore_re, row->zscore_im);
      pair(&j, "zscore_corrected", row->zscore_corr_re, row->zscore_corr_im);
      rmtmc_json_str(&j, "rule", rmtmc_rule_name((rmtmc_rule)row->rule));
      rmtmc_json_str(&j, "note", row->note);
      rmtmc_json_object(&j, "verdict");
      for (int p = 0; p < 2; ++p) {
        const rmtmc_verdict_row *vr = rmtmc_verdict_find(&v, row, p);
        rmtmc_json_str(&j, p ? "im" : "re", vr ? rmtmc_row_verdict_name(vr->verdict) : "");
      }
      rmtmc_json_object_end(&j);
      rmtmc_json_object_end(&j);
    }
    rmtmc_json_array_end(&j);
  }

  rmtmc_json_object(&j, "edges");
  stat_obj(&j, "lambda_min", &r->lam_min, r->lam_min_theory, &v);
  stat_obj(&j, "lambda_max", &r->lam_max, r->lam_max_theory, &v);
  rmtmc_json_object_end(&j);

  rmtmc_json_array(&j, "moments");
  for (int k = 0; k < RMTMC_SPECTRUM_KMAX; ++k) {
    rmtmc_json_object(&j, NULL);
    rmtmc_json_int(&j, "k", k + 1);
    rmtmc_json_num(&j, "mean", r->moments[k].mean);
    rmtmc_json_num(&j, "stderr", r->moments[k].stderr_);
    rmtmc_json_num(&j, "theory", r->moments_theory[k]);
    rmtmc_json_num(&j, "exact", r->moments_exact[k]);
    rmtmc_json_num(&j, "zscore_exact", moment_z(r, k));
    rmtmc_verdict_row_json(&j, rmtmc_verdict_find(&v, &r->moments[k], 0));
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);

  rmtmc_json_object(&j, "density");
  rmtmc_json_num(&j, "lo", r->hist_lo);
  rmtmc_json_num(&j, "hi", r->hist_hi);
  rmtmc_json_int(&j, "bins", r->bins);
  double w = (r->hist_hi - r->hist_lo) / (double)r->bins;
  rmtmc_json_array(&j, "centers");
  for (int64_t b = 0; b < r->bins; ++b) rmtmc_json_num(&j, NULL, r->hist_lo + w * ((double)b + 0.5));
  rmtmc_json_array_end(&j);
  rmtmc_json_array(&j, "empirical");
  for (int64_t b = 0; b < r->bins; ++b) rmtmc_json_num(&j, NULL, r->density_emp[b]);
  rmtmc_json_array_end(&j);
  rmtmc_json_array(&j, "theory");
  for (int64_t b = 0; b < r->bins; ++b) rmtmc_json_num(&j, NULL, r->density_theory[b]);
  rmtmc_json_array_end(&j);
  rmtmc_json_array(&j, "counts");
  for (int64_t b = 0; b < r->bins; ++b) rmtmc_json_int(&j, NULL, r->counts[b]);
  rmtmc_json_array_end(&j);
  rmtmc_json_int(&j, "below", r->counts[r->bins]);
  rmtmc_json_int(&j, "above", r->counts[r->bins + 1]);
  rmtmc_json_num(&j, "atom_empirical", r->atom_emp);
  rmtmc_json_num(&j, "atom_theory", r->atom);
  rmtmc_json_num(&j, "l1", r->l1);
  rmtmc_json_num(&j, "ks", r->ks);
  rmtmc_json_object_end(&j);

  rmtmc_verdict_write_json(&j, "verdict", &v);
  rmtmc_verdict_free(&v);

  rmtmc_json_object(&j, "timing");
  rmtmc_json_num(&j, "seconds", r->seconds);
  rmtmc_json_num(&j, "trials_per_second", r->trials_per_second);
  rmtmc_json_num(&j, "seconds_per_trial", r->seconds / (double)c->run.trials);
  rmtmc_json_num(&j, "theory_seconds", r->theory_seconds);
  rmtmc_json_num(&j, "setup_seconds", r->run.setup_seconds);
  rmtmc_json_object_end(&j);
  rmtmc_json_end(&j);
  return RMTMC_OK;
}

rmtmc_status rmtmc_spectrum_write_csv_zobs(FILE *f, const void *table, rmtmc_error *err) {
  const rmtmc_zobs_table *t = table;
  fprintf(f, "z_re,z_im,empirical_re,empirical_im,stderr_re,stderr_im,theory_re,theory_im,bias_re,bias_im,zscore_re,zscore_im,zscore_corrected_re,zscore_corrected_im\n");
  for (int64_t k = 0; k < t->nz; ++k) {
    const rmtmc_stieltjes_row *w = &t->rows[k];
    fprintf(f, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
            w->z_re, w->z_im, w->re.mean, w->im.mean, w->re.stderr_, w->im.stderr_,
            w->theory_re, w->theory_im, w->bias_re, w->bias_im, w->zscore_re,
            w->zscore_im, w->zscore_corr_re, w->zscore_corr_im);
  }
  return RMTMC_OK;
}

rmtmc_status rmtmc_spectrum_write_csv_edges(FILE *f, const void *result, rmtmc_error *err) {
  const rmtmc_spectrum_result *r = result;
  fprintf(f, "edge,mean,stderr,sd,theory\n");
  fprintf(f, "lambda_min,%.17g,%.17g,%.17g,%.17g\n", r->lam_min.mean, r->lam_min.stderr_,
          r->lam_min.sd, r->lam_min_theory);
  fprintf(f, "lambda_max,%.17g,%.17g,%.17g,%.17g\n", r->lam_max.mean, r->lam_max.stderr_,
          r->lam_max.sd, r->lam_max_theory);
  return RMTMC_OK;
}

rmtmc_status rmtmc_spectrum_write_csv_moments(FILE *f, const void *result, rmtmc_error *err) {
  const rmtmc_spectrum_result *r = result;
  fprintf(f, "k,mean,stderr,theory,exact,zscore_exact\n");
  for (int k = 0; k < RMTMC_SPECTRUM_KMAX; ++k)
    fprintf(f, "%d,%.17g,%.17g,%.17g,%.17g,%.17g\n", k + 1, r->moments[k].mean,
            r->moments[k].stderr_, r->moments_theory[k], r->moments_exact[k], moment_z(r, k));
  return RMTMC_OK;
}

rmtmc_status rmtmc_spectrum_write_csv_density(FILE *f, const void *result, rmtmc_error *err) {
  const rmtmc_spectrum_result *r = result;
  double w = (r->hist_hi - r->hist_lo) / (double)r->bins;
  fprintf(f, "bin_lo,bin_hi,center,count,empirical_density,theory_density\n");
  for (int64_t b = 0; b < r->bins; ++b)
    fprintf(f, "%.17g,%.17g,%.17g,%lld,%.17g,%.17g\n", r->hist_lo + w * (double)b,
            r->hist_lo + w * (double)(b + 1), r->hist_lo + w * ((double)b + 0.5),
            (long long)r->counts[b], r->density_emp[b], r->density_theory[b]);
  return RMTMC_OK;
}

int rmtmc_spectrum_files(const rmtmc_spectrum_result *r, rmtmc_out_file *files, int cap) {
  int n = 0;
#define ADD_FILE(nm, writer, context)                                   \
  do {                                                                 \
    if (n < cap) {                                                     \
      snprintf(files[n].name, sizeof files[n].name, "%s", nm);         \
      files[n].fn = writer;                                            \
      files[n].ctx = context;                                          \
    }                                                                  \
    ++n;                                                               \
  } while (0)
  ADD_FILE("result.json", rmtmc_spectrum_write_json, r);
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k)
    if (r->zobs[k].rows) {
      char name[64];
      snprintf(name, sizeof name, "%s.csv", rmtmc_zobs_describe(k)->key);
      ADD_FILE(name, rmtmc_spectrum_write_csv_zobs, &r->zobs[k]);
      if (k == RMTMC_ZOBS_STIELTJES) { /* the order of the files before the observables were a list */
        ADD_FILE("edges.csv", rmtmc_spectrum_write_csv_edges, r);
        ADD_FILE("moments.csv", rmtmc_spectrum_write_csv_moments, r);
        ADD_FILE("density.csv", rmtmc_spectrum_write_csv_density, r);
      }
    }
#undef ADD_FILE
  return n;
}

void report_support_text(char *buf, size_t len, const rmtmc_support *s, double atom, int max) {
  size_t u = 0;
  buf[0] = '\0';
  for (int64_t i = 0; i < s->nint && i < max && u < len; ++i)
    u += (size_t)snprintf(buf + u, len - u, "%s[%.6g, %.6g]", i ? " " : "", s->lo[i], s->hi[i]);
  if (s->nint > max && u < len) u += (size_t)snprintf(buf + u, len - u, " ... (%lld intervals)", (long long)s->nint);
  if (atom > 0 && u < len) snprintf(buf + u, len - u, " plus an atom of mass %.6g at 0", atom);
}

void report_json_limit(rmtmc_json *j, const rmtmc_limit_spectrum *ls) {
  for (int b = 0; b < 2; ++b) {
    const rmtmc_support *S = b ? &ls->bulk : &ls->support;
    rmtmc_json_array(j, b ? "bulk_support" : "support");
    for (int64_t i = 0; i < S->nint; ++i) {
      rmtmc_json_array(j, NULL);
      rmtmc_json_num(j, NULL, S->lo[i]);
      rmtmc_json_num(j, NULL, S->hi[i]);
      rmtmc_json_num(j, NULL, S->mass[i]);
      rmtmc_json_array_end(j);
    }
    rmtmc_json_array_end(j);
  }
  rmtmc_json_num(j, "atom_at_zero", ls->atom);
  rmtmc_json_array(j, "outliers");
  for (int64_t i = 0; i < ls->noutliers; ++i) {
    const rmtmc_outlier *o = &ls->outliers[i];
    rmtmc_json_object(j, NULL);
    rmtmc_json_num(j, "spike", o->ell);
    rmtmc_json_num(j, "weight", o->weight);
    rmtmc_json_bool(j, "separated", o->separated);
    rmtmc_json_bool(j, "above", o->above);
    rmtmc_json_num(j, "threshold", o->threshold);
    rmtmc_json_num(j, "location", o->location);
    rmtmc_json_num(j, "cos2", o->cos2);
    rmtmc_json_num(j, "sd_sqrt_n", o->sd_sqrt_n);
    rmtmc_json_object_end(j);
  }
  rmtmc_json_array_end(j);
}

void report_outliers_text(FILE *f, const rmtmc_limit_spectrum *ls, const rmtmc_stat *emp_top,
                          const rmtmc_stat *emp_bottom, const char *indent) {
  double top = -INFINITY, bottom = INFINITY;
  for (int64_t i = 0; i < ls->noutliers; ++i)
    if (ls->outliers[i].separated) {
      top = fmax(top, ls->outliers[i].location);
      bottom = fmin(bottom, ls->outliers[i].location);
    }
  for (int64_t i = 0; i < ls->noutliers; ++i) {
    const rmtmc_outlier *o = &ls->outliers[i];
    char thr[48];
    report_num(thr, sizeof thr, "%.6g", o->threshold);
    fprintf(f, "%sspike %.6g (weight %.3g): ", indent, o->ell, o->weight);
    if (o->separated) {
      fprintf(f, "outlier %s the bulk at %.6g (BBP; threshold %s, cos^2 %.4f)", o->above ? "above" : "below",
              o->location, thr, o->cos2);
      const rmtmc_stat *e = o->above ? emp_top : emp_bottom;
      if (e && o->location == (o->above ? top : bottom)) {
        char m[32], se[32];
        fprintf(f, "; empirical %s %s +- %s", o->above ? "lambda_max" : "lambda_min",
                report_num(m, sizeof m, "%.6g", e->mean), report_num(se, sizeof se, "%.2g", e->stderr_));
      }
      fputc('\n', f);
    } else {
      fprintf(f, "no outlier: inside the BBP threshold %s, its eigenvalue sticks to the bulk edge\n", thr);
    }
  }
}

void rmtmc_spectrum_summary(FILE *f, const rmtmc_spectrum_result *r) {
  const rmtmc_spectrum_config *c = &r->config;
  const rmtmc_limit_spectrum *ls = &r->limit;
  char line[1600], a[48], b[48], e[48], z1[32], z2[32];
  rmtmc_verdict v;
  rmtmc_spectrum_verdict(r, &v);
  rmtmc_spectrum_describe(c, line, sizeof line);
  fprintf(f, "rmtmc spectrum: %s\n", line);
  report_backend_line(f, &r->run);
  fprintf(f, "  method %s (%s)\n", rmtmc_method_name(r->method), r->method_why);
  report_support_text(line, sizeof line, &ls->support, r->atom, 8);
  fprintf(f, "  limiting support (at the finite-d population, eta = d/n): %s\n", line);
  if (ls->noutliers > 0) {
    report_support_text(line, sizeof line, &ls->bulk, ls->bulk.atom, 8);
    fprintf(f, "  bulk support (spikes removed): %s\n", line);
    report_outliers_text(f, ls, &r->lam_max, &r->lam_min, "  ");
  }
  static const char *bias_text[3] = {
      "the Gaussian CLT mean (Bai-Silverstein; docs/theory.md 6.1)",
      "the Gaussian CLT mean plus the fourth-cumulant term, diagonal Sigma (docs/theory.md 6.1-6.2)",
      "the Gaussian CLT mean plus the fourth-cumulant term for a dense Sigma (docs/theory.md 6.1, 6.3)"};
  for (int q = 0; q < RMTMC_ZOBS_COUNT; ++q) {
    const rmtmc_zobs_info *o = rmtmc_zobs_describe(q);
    if (!r->zobs[q].rows) continue;
    fprintf(f, "\n  %s %s = %s (mean over trials +- standard error)\n", o->title, o->symbol, o->meaning);
    fprintf(f, "  %-20s %-32s %-24s %-9s %-9s %-12s %s\n", "z", "empirical", "theory", "z-score", "judged z", "rule",
            "verdict");
    for (int64_t k = 0; k < r->nz; ++k) {
      const rmtmc_stieltjes_row *w = &r->zobs[q].rows[k];
      char zs[32], em[160], th[112];
      snprintf(zs, sizeof zs, "%.4g%+.4gi", w->z_re, w->z_im);
      double se = fmax(w->re.stderr_, w->z_im != 0.0 ? w->im.stderr_ : 0.0);
#define FIXED(v) (fabs(v) < 1e6 ? "%.6f" : "%.6e")
      snprintf(em, sizeof em, "%s%s%si +- %s", report_num(a, sizeof a, FIXED(w->re.mean), w->re.mean),
               w->im.mean >= 0 || !isfinite(w->im.mean) ? "+" : "",
               report_num(b, sizeof b, FIXED(w->im.mean), w->im.mean), report_num(e, sizeof e, "%.1e", se));
      snprintf(th, sizeof th, "%s%s%si", report_num(a, sizeof a, FIXED(w->theory_re), w->theory_re),
               w->theory_im >= 0 ? "+" : "", report_num(b, sizeof b, FIXED(w->theory_im), w->theory_im));
#undef FIXED
      /* the largest |z| over the parts, raw and as judged */
      const rmtmc_verdict_row *vr[2] = {rmtmc_verdict_find(&v, w, 0), rmtmc_verdict_find(&v, w, 1)};
      double raw = fabs(w->zscore_re), judged = vr[0] ? fabs(vr[0]->z) : NAN;
      if (w->z_im != 0.0) {
        raw = isnan(raw) || fabs(w->zscore_im) > raw ? fabs(w->zscore_im) : raw;
        if (vr[1] && (isnan(judged) || fabs(vr[1]->z) > judged)) judged = fabs(vr[1]->z);
      }
      /* the part to show: the more severe verdict */
      static const int severity[4] = {[RMTMC_ROW_AGREES] = 1, [RMTMC_ROW_DISAGREES] = 3,
                                      [RMTMC_ROW_INCONCLUSIVE] = 2, [RMTMC_ROW_KEPT_OUT] = 0};
      const rmtmc_verdict_row *worst =
          vr[1] && (!vr[0] || severity[vr[1]->verdict] > severity[vr[0]->verdict]) ? vr[1] : vr[0];
      fprintf(f, "  %-20s %-32s %-24s %-9s %-9s %-12s %s\n", zs, em, th, report_num(z1, sizeof z1, "%.2f", raw),
              w->rule == RMTMC_RULE_OUT ? "-" : report_num(z2, sizeof z2, "%.2f", judged),
              rmtmc_rule_name((rmtmc_rule)w->rule),
              worst ? rmtmc_row_verdict_name(worst->verdict) : "");
    }
  }
  fprintf(f, "  (bias: %s)\n", bias_text[r->bias_kind]);
  fprintf(f, "\n  moments (1/d) tr S^k: empirical, limit theory, exact finite-n expectation\n");
  for (int k = 0; k < RMTMC_SPECTRUM_KMAX; ++k) {
    const rmtmc_verdict_row *vr = rmtmc_verdict_find(&v, &r->moments[k], 0);
    char lim[32], ex[32], zz[32], mm[32], ms[32];
    fprintf(f, "    k=%d  %s +- %s   limit %s   exact %s   z %s   %s\n", k + 1,
            report_num(mm, sizeof mm, "%.6f", r->moments[k].mean),
            report_num(ms, sizeof ms, "%.1e", r->moments[k].stderr_),
            report_num(lim, sizeof lim, "%.6f", r->moments_theory[k]),
            report_num(ex, sizeof ex, "%.6f", r->moments_exact[k]),
            report_num(zz, sizeof zz, "%+.2f", moment_z(r, k)), vr ? rmtmc_row_verdict_name(vr->verdict) : "");
  }
  fprintf(f, "\n  extreme eigenvalues (informational: finite-d shifts of order d^-2/3 are expected at the edges)\n");
  fprintf(f, "    lambda_min %s +- %s   theory %s\n", report_num(a, sizeof a, "%.6f", r->lam_min.mean),
          report_num(b, sizeof b, "%.1e", r->lam_min.stderr_), report_num(e, sizeof e, "%.6f", r->lam_min_theory));
  fprintf(f, "    lambda_max %s +- %s   theory %s\n", report_num(a, sizeof a, "%.6f", r->lam_max.mean),
          report_num(b, sizeof b, "%.1e", r->lam_max.stderr_), report_num(e, sizeof e, "%.6f", r->lam_max_theory));
  fprintf(f, "\n  pooled eigenvalue distribution vs theory (%lld bins on [%.4g, %.4g]): L1 = %.4f, KS = %.4f\n",
          (long long)r->bins, r->hist_lo, r->hist_hi, r->l1, r->ks);
  fprintf(f, "  time: %.3f s for %lld trials (%.1f trials/s), theory %.3f s\n", r->seconds,
          (long long)c->run.trials, r->trials_per_second, r->theory_seconds);
  fprintf(f, "\n");
  rmtmc_verdict_print(f, &v, "  ");
  fprintf(f, "  rules: corrected = against the limit + the predicted O(1/d) bias; exact = against the exact finite-n "
             "expectation; uncorrected = against the limit where no bias can be applied (|z| > %.0f is then "
             "inconclusive, not a disagreement); out = shown, not judged (docs/verdict.md)\n",
          RMTMC_VERDICT_Z);
  rmtmc_verdict_free(&v);
}
