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

static const char *backend_kind_name(rmtmc_backend_kind k) {
  return k == RMTMC_BACKEND_CPU ? "cpu" : k == RMTMC_BACKEND_CUDA ? "cuda" : "auto";
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
  for (int64_t j = 0; j < r->nz; ++j)
    for (int im = 0; im < 2; ++im) {
      double z = row_z(&r->rows[j], im);
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
  report_json_run_size(&j, c->d, c->n, r->eta, c->trials, c->seed);
  rmtmc_json_str(&j, "sigma", c->sigma);
  rmtmc_json_str(&j, "entries", c->entries);
  rmtmc_json_array(&j, "z");
  for (int64_t k = 0; k < c->nz; ++k) pair(&j, NULL, c->z_re[k], c->z_im[k]);
  rmtmc_json_array_end(&j);
  rmtmc_json_int(&j, "bins", c->bins);
  rmtmc_json_str(&j, "backend", backend_kind_name(c->backend));
  rmtmc_json_int(&j, "threads", c->backend_opts.threads);
  rmtmc_json_int(&j, "device", c->backend_opts.device);
  rmtmc_json_int(&j, "batch", c->batch);
  rmtmc_json_str(&j, "precision", precision_name(c->precision));
  rmtmc_json_object_end(&j);

  report_json_backend(&j, &r->backend, r->backend_note, r->batch);

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

  rmtmc_json_array(&j, "stieltjes");
  for (int64_t k = 0; k < r->nz; ++k) {
    const rmtmc_stieltjes_row *row = &r->rows[k];
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
  rmtmc_json_num(&j, "seconds_per_trial", r->seconds / (double)c->trials);
  rmtmc_json_num(&j, "theory_seconds", r->theory_seconds);
  rmtmc_json_num(&j, "setup_seconds", r->setup_seconds);
  rmtmc_json_object_end(&j);
  rmtmc_json_end(&j);
  return RMTMC_OK;
}

rmtmc_status rmtmc_spectrum_write_csv_stieltjes(FILE *f, const void *result, rmtmc_error *err) {
  const rmtmc_spectrum_result *r = result;
  fprintf(f, "z_re,z_im,empirical_re,empirical_im,stderr_re,stderr_im,theory_re,theory_im,bias_re,bias_im,zscore_re,zscore_im,zscore_corrected_re,zscore_corrected_im\n");
  for (int64_t k = 0; k < r->nz; ++k) {
    const rmtmc_stieltjes_row *w = &r->rows[k];
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

rmtmc_status rmtmc_spectrum_write_dir(const char *dir, const rmtmc_spectrum_result *r,
                                      rmtmc_error *err) {
  static const struct {
    const char *name;
    rmtmc_writer_fn fn;
  } files[] = {{"result.json", rmtmc_spectrum_write_json},
               {"stieltjes.csv", rmtmc_spectrum_write_csv_stieltjes},
               {"edges.csv", rmtmc_spectrum_write_csv_edges},
               {"moments.csv", rmtmc_spectrum_write_csv_moments},
               {"density.csv", rmtmc_spectrum_write_csv_density}};
  struct stat sb;
  int existed = stat(dir, &sb) == 0;
  if (existed && !S_ISDIR(sb.st_mode))
    return rmtmc_error_set(err, RMTMC_ERR_IO, "--out %s exists and is not a directory", dir);
  /* A new directory is assembled under a temporary name, then renamed. */
  size_t len = strlen(dir) + 32;
  char *target = malloc(len), *path = malloc(len + 32);
  if (!target || !path) {
    free(target);
    free(path);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  if (existed) snprintf(target, len, "%s", dir);
  else snprintf(target, len, "%s.tmp.%ld", dir, (long)getpid());
  rmtmc_status st = RMTMC_OK;
  if (!existed && mkdir(target, 0777) != 0)
    st = rmtmc_error_set(err, RMTMC_ERR_IO, "cannot create directory %s: %s", dir,
                         strerror(errno));
  for (size_t i = 0; st == RMTMC_OK && i < sizeof files / sizeof files[0]; ++i) {
    snprintf(path, len + 32, "%s/%s", target, files[i].name);
    st = rmtmc_write_atomic(path, files[i].fn, r, err);
  }
  if (!existed) {
    if (st == RMTMC_OK && rename(target, dir) != 0)
      st = rmtmc_error_set(err, RMTMC_ERR_IO, "cannot rename %s to %s: %s", target, dir,
                           strerror(errno));
    if (st != RMTMC_OK) {
      for (size_t i = 0; i < sizeof files / sizeof files[0]; ++i) {
        snprintf(path, len + 32, "%s/%s", target, files[i].name);
        remove(path);
      }
      rmdir(target);
    }
  }
  free(target);
  free(path);
  return st;
}

void rmtmc_spectrum_summary(FILE *f, const rmtmc_spectrum_result *r) {
  const rmtmc_spectrum_config *c = &r->config;
  fprintf(f, "rmtmc spectrum: d = %lld, n = %lld (eta = d/n = %.4g), %lld trials, seed %llu\n",
          (long long)c->d, (long long)c->n, r->eta, (long long)c->trials,
          (unsigned long long)c->seed);
  fprintf(f, "  sigma %s, entries %s, precision %s\n", c->sigma, c->entries,
          precision_name(c->precision));
  fprintf(f, "  backend %s (%s, %d threads), batch %lld\n", r->backend.name, r->backend.device,
          r->backend.threads, (long long)r->batch);
  if (r->backend_note[0]) fprintf(f, "  note: %s\n", r->backend_note);
  report_solver_lines(f, &r->backend);
  fprintf(f, "  limiting support:");
  for (int64_t i = 0; i < r->nint; ++i)
    fprintf(f, " [%.6g, %.6g]", r->support[2 * i], r->support[2 * i + 1]);
  if (r->atom > 0) fprintf(f, " plus an atom of mass %.6g at 0", r->atom);
  fprintf(f, "\n\n  Stieltjes transform m(z) = (1/d) tr (S - zI)^-1 (mean over trials +- standard error)\n");
  fprintf(f, "  %-20s %-30s %-24s %-10s %s\n", "z", "empirical", "theory", "z-score", "z-score (1/d bias corrected)");
  for (int64_t k = 0; k < r->nz; ++k) {
    const rmtmc_stieltjes_row *w = &r->rows[k];
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
          (long long)c->trials, r->trials_per_second, r->theory_seconds);
  double mz = rmtmc_spectrum_max_abs_z(r);
  fprintf(f, "\n  verdict: %s: largest |z-score| %.2f %s %.1f over %lld Stieltjes points and the exact moments\n",
          mz <= RMTMC_VERDICT_Z ? "AGREES" : "DISAGREES", mz,
          mz <= RMTMC_VERDICT_Z ? "<=" : ">", RMTMC_VERDICT_Z, (long long)r->nz);
}
