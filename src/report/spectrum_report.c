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

/* z-score used by the verdict: bias-corrected where the bias is known. */
static double row_z(const rmtmc_stieltjes_row *row, int im) {
  double zc = im ? row->zscore_corr_im : row->zscore_corr_re;
  double z = im ? row->zscore_im : row->zscore_re;
  return isfinite(zc) ? zc : z;
}

double rmtmc_spectrum_max_abs_z(const rmtmc_spectrum_result *r) {
  double mx = 0.0;
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k)
    for (int64_t j = 0; r->zobs[k].rows && j < r->nz; ++j)
      for (int im = 0; im < 2; ++im) {
        double z = row_z(&r->zobs[k].rows[j], im);
        if (isfinite(z) && fabs(z) > mx) mx = fabs(z);
      }
  for (int k = 0; k < RMTMC_SPECTRUM_KMAX; ++k) {
    double z = moment_z(r, k);
    if (isfinite(z) && fabs(z) > mx) mx = fabs(z);
  }
  return mx;
}

static void pair(rmtmc_json *j, const char *key, double re, double im) {
  rmtmc_json_object(j, key);
  rmtmc_json_num(j, "re", re);
  rmtmc_json_num(j, "im", im);
  rmtmc_json_object_end(j);
}

static void stat_obj(rmtmc_json *j, const char *key, const rmtmc_stat *s, double theory) {
  rmtmc_json_object(j, key);
  report_json_stat_fields(j, s);
  rmtmc_json_num(j, "theory", theory);
  rmtmc_json_num(j, "difference", s->mean - theory);
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

  rmtmc_json_object(&j, "theory");
  rmtmc_json_array(&j, "support");
  for (int64_t i = 0; i < r->nint; ++i) {
    rmtmc_json_array(&j, NULL);
    rmtmc_json_num(&j, NULL, r->support[2 * i]);
    rmtmc_json_num(&j, NULL, r->support[2 * i + 1]);
    rmtmc_json_array_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_json_num(&j, "atom_at_zero", r->atom);
  rmtmc_json_int(&j, "population_atoms", r->model.pop_k);
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
      rmtmc_json_object_end(&j);
    }
    rmtmc_json_array_end(&j);
  }

  rmtmc_json_object(&j, "edges");
  stat_obj(&j, "lambda_min", &r->lam_min, r->lam_min_theory);
  stat_obj(&j, "lambda_max", &r->lam_max, r->lam_max_theory);
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

  double mz = rmtmc_spectrum_max_abs_z(r);
  rmtmc_json_object(&j, "verdict");
  rmtmc_json_num(&j, "max_abs_z", mz);
  rmtmc_json_num(&j, "threshold", RMTMC_VERDICT_Z);
  rmtmc_json_bool(&j, "pass", mz <= RMTMC_VERDICT_Z);
  rmtmc_json_object_end(&j);

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

void rmtmc_spectrum_summary(FILE *f, const rmtmc_spectrum_result *r) {
  const rmtmc_spectrum_config *c = &r->config;
  fprintf(f, "rmtmc spectrum: d = %lld, n = %lld (eta = d/n = %.4g), %lld trials, seed %llu\n",
          (long long)c->d, (long long)c->n, r->eta, (long long)c->run.trials,
          (unsigned long long)c->run.seed);
  fprintf(f, "  sigma %s, entries %s, precision %s\n", c->sigma, c->entries,
          precision_name(c->precision));
  report_backend_line(f, &r->run);
  fprintf(f, "  method %s (%s)\n", rmtmc_method_name(r->method), r->method_why);
  fprintf(f, "  limiting support:");
  for (int64_t i = 0; i < r->nint; ++i)
    fprintf(f, " [%.6g, %.6g]", r->support[2 * i], r->support[2 * i + 1]);
  if (r->atom > 0) fprintf(f, " plus an atom of mass %.6g at 0", r->atom);
  fprintf(f, "\n");
  for (int q = 0; q < RMTMC_ZOBS_COUNT; ++q) {
  const rmtmc_zobs_info *o = rmtmc_zobs_describe(q);
  if (!r->zobs[q].rows) continue;
  fprintf(f, "\n  %s %s = %s (mean over trials +- standard error)\n", o->title, o->symbol, o->meaning);
  fprintf(f, "  %-20s %-30s %-24s %-10s %s\n", "z", "empirical", "theory", "z-score", "z-score (1/d bias corrected)");
  for (int64_t k = 0; k < r->nz; ++k) {
    const rmtmc_stieltjes_row *w = &r->zobs[q].rows[k];
    char zs[32], em[64], th[48], z1[32], z2[32];
    snprintf(zs, sizeof zs, "%.4g%+.4gi", w->z_re, w->z_im);
    snprintf(em, sizeof em, "%.6f%+.6fi +- %.1e", w->re.mean, w->im.mean,
             fmax(w->re.stderr_, w->z_im != 0.0 ? w->im.stderr_ : 0.0));
    snprintf(th, sizeof th, "%.6f%+.6fi", w->theory_re, w->theory_im);
    double a = fabs(w->zscore_re), b = isfinite(w->zscore_im) ? fabs(w->zscore_im) : 0.0;
    snprintf(z1, sizeof z1, "%.2f", fmax(a, b));
    double ca = fabs(w->zscore_corr_re), cb = isfinite(w->zscore_corr_im) ? fabs(w->zscore_corr_im) : 0.0;
    if (isfinite(ca)) snprintf(z2, sizeof z2, "%.2f", fmax(ca, cb));
    else snprintf(z2, sizeof z2, "n/a");
    fprintf(f, "  %-20s %-30s %-24s %-10s %s\n", zs, em, th, z1, z2);
  }
  }
  fprintf(f, "\n  moments (1/d) tr S^k: empirical, limit theory, exact finite-n expectation\n");
  for (int k = 0; k < RMTMC_SPECTRUM_KMAX; ++k)
    fprintf(f, "    k=%d  %.6f +- %.1e   limit %.6f   exact %s%.6f\n", k + 1, r->moments[k].mean,
            r->moments[k].stderr_, r->moments_theory[k], isfinite(r->moments_exact[k]) ? "" : "(n/a) ",
            r->moments_exact[k]);
  fprintf(f, "\n  extreme eigenvalues (finite-d shifts of order d^-2/3 are expected at the edges)\n");
  fprintf(f, "    lambda_min %.6f +- %.1e   theory %.6f\n", r->lam_min.mean, r->lam_min.stderr_,
          r->lam_min_theory);
  fprintf(f, "    lambda_max %.6f +- %.1e   theory %.6f\n", r->lam_max.mean, r->lam_max.stderr_,
          r->lam_max_theory);
  fprintf(f, "\n  pooled eigenvalue distribution vs theory (%lld bins on [%.4g, %.4g]): L1 = %.4f, KS = %.4f\n",
          (long long)r->bins, r->hist_lo, r->hist_hi, r->l1, r->ks);
  fprintf(f, "  time: %.3f s for %lld trials (%.1f trials/s), theory %.3f s\n", r->seconds,
          (long long)c->run.trials, r->trials_per_second, r->theory_seconds);
  double mz = rmtmc_spectrum_max_abs_z(r);
  int kinds = 0;
  for (int q = 0; q < RMTMC_ZOBS_COUNT; ++q) kinds += r->zobs[q].rows != NULL;
  if (kinds > 1)
    fprintf(f, "\n  verdict: %s: largest |z-score| %.2f %s %.1f over %lld z points of %d observables and the exact moments\n",
            mz <= RMTMC_VERDICT_Z ? "AGREES" : "DISAGREES", mz, mz <= RMTMC_VERDICT_Z ? "<=" : ">", RMTMC_VERDICT_Z,
            (long long)r->nz, kinds);
  else
    fprintf(f, "\n  verdict: %s: largest |z-score| %.2f %s %.1f over %lld Stieltjes points and the exact moments\n",
            mz <= RMTMC_VERDICT_Z ? "AGREES" : "DISAGREES", mz,
            mz <= RMTMC_VERDICT_Z ? "<=" : ">", RMTMC_VERDICT_Z, (long long)r->nz);
}
