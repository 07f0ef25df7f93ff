/* resolvent_report.c: the resolvent study's JSON (schema rmtmc.resolvent/1,
 * docs/schema_resolvent.md), its CSV tables (functionals.csv,
 * resolvent_curve.csv) and its text summary. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rmtmc.h"
#include "rmtmc_report.h"
#include "rmtmc_resolvent.h"
#include "report/report_common.h"

static const char *path_name(int cholesky) { return cholesky ? "cholesky" : "eigen"; }

/* "Re quad_e1" and "z = 0.5+0.5i": a row as the verdict names it. */
static void row_names(const rmtmc_resolvent_row *w, char *what, size_t wl, char *at, size_t al) {
  snprintf(what, wl, "%s %s", w->part ? "Im" : "Re", w->name);
  if (w->z_im == 0.0) snprintf(at, al, "z = %.4g", w->z_re);
  else snprintf(at, al, "z = %.4g%+.4gi", w->z_re, w->z_im);
}

void rmtmc_resolvent_verdict(const rmtmc_resolvent_result *r, rmtmc_verdict *v) {
  rmtmc_verdict_init(v, r->config.run.trials);
  for (int64_t k = 0; k < r->nrows; ++k) {
    const rmtmc_resolvent_row *w = &r->rows[k];
    char what[96], at[64];
    row_names(w, what, sizeof what, at, sizeof at);
    rmtmc_judge j = {.what = what, .at = at, .estimate = w->emp.mean, .theory = w->theory,
                     .diff = w->emp.mean - w->theory, .stderr_ = w->emp.stderr_, .src = w, .part = 0};
    if (w->informational) {
      j.rule = RMTMC_RULE_OUT;
      j.note = w->bias_source;
    } else if (w->bias_known) {
      j.rule = RMTMC_RULE_CORRECTED;
      j.offset = w->bias;
    } else {
      j.rule = RMTMC_RULE_UNCORRECTED;
      j.note = w->bias_source;
      if (w->cannot_judge[0]) j.cannot_judge = w->cannot_judge;
    }
    rmtmc_verdict_add(v, &j);
  }
  rmtmc_verdict_finish(v);
}

void rmtmc_resolvent_describe(const rmtmc_resolvent_config *c, char *buf, size_t len) {
  snprintf(buf, len, "d = %lld, n = %lld, eta = %.4g, sigma %s, entries %s, %lld trials, seed %llu", (long long)c->d,
           (long long)c->n, (double)c->d / (double)c->n, c->sigma, c->entries, (long long)c->run.trials,
           (unsigned long long)c->run.seed);
}

static const char *row_verdict(const rmtmc_verdict *v, const rmtmc_resolvent_row *w) {
  const rmtmc_verdict_row *vr = rmtmc_verdict_find(v, w, 0);
  return vr ? rmtmc_row_verdict_name(vr->verdict) : "";
}

/* The panel (1-based) of a row's functional in the pictures: its position
 * in the report order. */
static int panel_of(const rmtmc_resolvent_result *r, int64_t k) {
  int p = 0, last = -1;
  for (int64_t q = 0; q <= k; ++q)
    if (r->rows[q].fun != last) {
      last = r->rows[q].fun;
      ++p;
    }
  return p;
}

rmtmc_status rmtmc_resolvent_write_json(FILE *f, const void *result, rmtmc_error *err) {
  const rmtmc_resolvent_result *r = result;
  const rmtmc_resolvent_config *c = &r->config;
  rmtmc_verdict v;
  rmtmc_resolvent_verdict(r, &v);
  rmtmc_json j;
  report_json_begin(&j, f, "rmtmc.resolvent/1");
  rmtmc_json_object(&j, "config");
  report_json_run_size(&j, c->d, c->n, r->eta, c->run.trials, c->run.seed);
  rmtmc_json_str(&j, "sigma", c->sigma);
  rmtmc_json_str(&j, "entries", c->entries);
  rmtmc_json_int(&j, "device", c->run.device);
  rmtmc_json_array(&j, "z");
  for (int64_t k = 0; k < c->nz; ++k) {
    rmtmc_json_object(&j, NULL);
    rmtmc_json_num(&j, "re", c->z_re[k]);
    rmtmc_json_num(&j, "im", c->z_im[k]);
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_json_array(&j, "functionals");
  int last = -1;
  for (int64_t k = 0; k < r->nrows; ++k)
    if (r->rows[k].fun != last) {
      last = r->rows[k].fun;
      rmtmc_json_str(&j, NULL, r->rows[k].name);
    }
  rmtmc_json_array_end(&j);
  rmtmc_json_array(&j, "vectors");
  for (int64_t v = 0; v < c->nvectors; ++v) rmtmc_json_str(&j, NULL, c->vectors[v]);
  rmtmc_json_array_end(&j);
  rmtmc_json_str(&j, "path", c->path == RMTMC_RSV_PATH_EIGEN ? "eigen" : "auto");
  rmtmc_json_object_end(&j);

  rmtmc_json_object(&j, "parameters");
  rmtmc_json_num(&j, "sigma_top_eigenvalue", r->sigma_top);
  rmtmc_json_int(&j, "top_eigenvector_coordinate", r->top_index);
  rmtmc_json_str(&j, "random_vector", "u = g/||g||, g the Gaussian entries 0..d-1 of trial 3 of the seed's RMTMC_Q_PARAMS stream");
  rmtmc_json_array(&j, "vector_norms");
  for (int64_t v = 0; v < c->nvectors; ++v) rmtmc_json_num(&j, NULL, r->vector_norms[v]);
  rmtmc_json_array_end(&j);
  rmtmc_json_object_end(&j);

  rmtmc_json_array(&j, "theory");
  for (int64_t k = 0; k < c->nz; ++k) {
    const rmtmc_resolvent_zinfo *z = &r->zinfo[k];
    rmtmc_json_object(&j, NULL);
    rmtmc_json_num(&j, "z_re", z->z_re);
    rmtmc_json_num(&j, "z_im", z->z_im);
    rmtmc_json_str(&j, "path", path_name(z->cholesky));
    rmtmc_json_object(&j, "delta");
    rmtmc_json_num(&j, "re", z->delta_re);
    rmtmc_json_num(&j, "im", z->delta_im);
    rmtmc_json_object_end(&j);
    rmtmc_json_object(&j, "kappa");
    rmtmc_json_num(&j, "re", z->kappa_re);
    rmtmc_json_num(&j, "im", z->kappa_im);
    rmtmc_json_object_end(&j);
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);

  rmtmc_json_array(&j, "functionals");
  for (int64_t k = 0; k < r->nrows; ++k) {
    const rmtmc_resolvent_row *w = &r->rows[k];
    rmtmc_json_object(&j, NULL);
    rmtmc_json_str(&j, "name", w->name);
    rmtmc_json_str(&j, "part", w->part ? "im" : "re");
    rmtmc_json_num(&j, "z_re", w->z_re);
    rmtmc_json_num(&j, "z_im", w->z_im);
    rmtmc_json_str(&j, "path", path_name(w->cholesky));
    rmtmc_json_object(&j, "empirical");
    report_json_stat_fields(&j, &w->emp);
    rmtmc_json_object_end(&j);
    rmtmc_json_num(&j, "theory", w->theory);
    rmtmc_json_num(&j, "difference", w->emp.mean - w->theory);
    rmtmc_json_num(&j, "zscore", w->zscore);
    rmtmc_json_num(&j, "bias", w->bias);
    rmtmc_json_str(&j, "bias_source", w->bias_source);
    rmtmc_json_num(&j, "zscore_corrected", w->zscore_corrected);
    rmtmc_json_object(&j, "fluctuation");
    rmtmc_json_num(&j, "order", w->order);
    rmtmc_json_num(&j, "scaled_sd", w->scaled_sd);
    rmtmc_json_num(&j, "sd_theory", w->sd_theory);
    rmtmc_json_object_end(&j);
    rmtmc_verdict_row_json(&j, rmtmc_verdict_find(&v, w, 0));
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);

  rmtmc_verdict_write_json(&j, "verdict", &v);
  rmtmc_verdict_free(&v);

  rmtmc_json_object(&j, "timing");
  rmtmc_json_num(&j, "seconds", r->seconds);
  rmtmc_json_num(&j, "trials_per_second", r->trials_per_second);
  rmtmc_json_num(&j, "theory_seconds", r->theory_seconds);
  rmtmc_json_object_end(&j);
  report_json_backend(&j, &r->run.backend, r->run.backend_note, r->run.batch);
  rmtmc_json_end(&j);
  if (ferror(f)) return rmtmc_error_set(err, RMTMC_ERR_IO, "write error");
  return RMTMC_OK;
}

rmtmc_status rmtmc_resolvent_write_csv(FILE *f, const void *result, rmtmc_error *err) {
  const rmtmc_resolvent_result *r = result;
  rmtmc_verdict v;
  rmtmc_resolvent_verdict(r, &v);
  fprintf(f, "panel,zindex,name,part,z_re,z_im,path,empirical,stderr,sd,theory,bias,zscore,zscore_corrected,order,"
             "scaled_sd,sd_theory,verdict,cindex\n");
  for (int64_t k = 0; k < r->nrows; ++k) {
    const rmtmc_resolvent_row *w = &r->rows[k];
    int64_t ci = 0; /* position among the complex z (1-based; 0 for a real z) */
    for (int64_t j = 0; w->z_im != 0.0 && j <= w->zi; ++j) ci += r->config.z_im[j] != 0.0;
    fprintf(f, "%d,%lld,%s,%s,%.17g,%.17g,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%s,%lld\n",
            panel_of(r, k), (long long)(w->zi + 1), w->name, w->part ? "im" : "re", w->z_re, w->z_im, path_name(w->cholesky), w->emp.mean,
            w->emp.stderr_, w->emp.sd, w->theory, w->bias, w->zscore, w->zscore_corrected, w->order, w->scaled_sd,
            w->sd_theory, row_verdict(&v, w), (long long)ci);
  }
  rmtmc_verdict_free(&v);
  return RMTMC_OK;
}

/* The name of curve functional k (as the rows spell it). */
static void curve_name(const rmtmc_resolvent_result *r, int k, char *out, size_t len) {
  int f = r->curve_fun[k];
  if (f >= RMTMC_RSV_FUN_VECTOR) snprintf(out, len, "quad_vector%d", f - RMTMC_RSV_FUN_VECTOR + 1);
  else snprintf(out, len, "%s", rmtmc_rsv_fun_describe(f)->name);
}

rmtmc_status rmtmc_resolvent_write_curve_csv(FILE *f, const void *result, rmtmc_error *err) {
  const rmtmc_resolvent_result *r = result;
  fprintf(f, "z");
  for (int k = 0; k < r->ncurve_fun; ++k) {
    char nm[32];
    curve_name(r, k, nm, sizeof nm);
    fprintf(f, ",%s", nm);
  }
  fprintf(f, "\n");
  for (int64_t i = 0; i < r->ncurve; ++i) {
    fprintf(f, "%.17g", r->curve_z[i]);
    for (int k = 0; k < r->ncurve_fun; ++k) fprintf(f, ",%.17g", r->curve[k * r->ncurve + i]);
    fprintf(f, "\n");
  }
  return RMTMC_OK;
}

void rmtmc_resolvent_summary(FILE *f, const rmtmc_resolvent_result *r) {
  const rmtmc_resolvent_config *c = &r->config;
  fprintf(f, "resolvent Q(z) = (S + zI)^-1: d = %lld, n = %lld, eta = %.4g, sigma %s, entries %s, %lld trials, seed %llu\n",
          (long long)c->d, (long long)c->n, r->eta, c->sigma, c->entries, (long long)c->run.trials,
          (unsigned long long)c->run.seed);
  report_backend_line(f, &r->run);
  for (int64_t k = 0; k < c->nz; ++k) {
    const rmtmc_resolvent_zinfo *z = &r->zinfo[k];
    char zs[48], ds[64], ks[64];
    if (z->z_im == 0.0) {
      snprintf(zs, sizeof zs, "%.6g", z->z_re);
      snprintf(ds, sizeof ds, "%.8g", z->delta_re);
      snprintf(ks, sizeof ks, "%.8g", z->kappa_re);
    } else {
      snprintf(zs, sizeof zs, "%.4g%+.4gi", z->z_re, z->z_im);
      snprintf(ds, sizeof ds, "%.8g%+.8gi", z->delta_re, z->delta_im);
      snprintf(ks, sizeof ks, "%.8g%+.8gi", z->kappa_re, z->kappa_im);
    }
    fprintf(f, "  z = %-12s (%s of S%s)  delta = %-26s kappa = %s\n", zs, z->cholesky ? "Cholesky" : "eigenvectors",
            z->cholesky ? " + zI" : "", ds, ks);
  }
  rmtmc_verdict v;
  rmtmc_resolvent_verdict(r, &v);
  fprintf(f, "  %-16s %-12s %-3s %-15s %-10s %-15s %-8s %-9s %-11s %-12s %s\n", "functional", "z", "", "empirical",
          "stderr", "theory", "judged z", "sd scale", "rule", "verdict", "O(1/d) bias");
  for (int64_t k = 0; k < r->nrows; ++k) {
    const rmtmc_resolvent_row *w = &r->rows[k];
    const rmtmc_verdict_row *vr = rmtmc_verdict_find(&v, w, 0);
    char zs[32], js[16] = "-";
    if (w->z_im == 0.0) snprintf(zs, sizeof zs, "%.4g", w->z_re);
    else snprintf(zs, sizeof zs, "%.4g%+.4gi", w->z_re, w->z_im);
    if (vr && isfinite(vr->z)) snprintf(js, sizeof js, "%+.2f", vr->z);
    fprintf(f, "  %-16s %-12s %-3s %-15.9g %-10.3g %-15.9g %-8s %-9.3g %-11s %-12s ", w->name, zs, w->part ? "im" : "re",
            w->emp.mean, w->emp.stderr_, w->theory, js, w->scaled_sd, vr ? rmtmc_rule_name(vr->rule) : "",
            vr ? rmtmc_row_verdict_name(vr->verdict) : "");
    if (w->informational) fprintf(f, "-\n");
    else if (w->bias_known) fprintf(f, "%.3g (raw z %+.2f)\n", w->bias, w->zscore);
    else fprintf(f, "unknown\n");
  }
  fprintf(f, "  (judged z: bias-corrected where the O(1/d) bias is known, raw where not; sd scale: the sd over trials\n"
             "   times d for traces, times d^1/2 for quadratic forms: O(1) at every d when the fluctuations scale as\n"
             "   predicted)\n");
  fprintf(f, "time: %.2f s (%.1f trials/s)\n", r->seconds, r->trials_per_second);
  rmtmc_verdict_print(f, &v, "");
  rmtmc_verdict_free(&v);
}
