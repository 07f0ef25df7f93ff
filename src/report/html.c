/* html.c: the one-page report DIR/report.html of a study written with
 * --out DIR: configuration, backend, the theory-vs-empirical table with
 * z-scores and a verdict per row (|z| <= RMTMC_VERDICT_Z agrees), timing,
 * and the PNG pictures present in DIR embedded as base64 data URIs. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc.h"
#include "rmtmc_plot.h"
#include "rmtmc_report.h"
#include "report/report_common.h"
#include "rmtmc_sweep.h"

static void esc(FILE *f, const char *s) {
  for (; *s; ++s) {
    if (*s == '<') fputs("&lt;", f);
    else if (*s == '>') fputs("&gt;", f);
    else if (*s == '&') fputs("&amp;", f);
    else if (*s == '"') fputs("&quot;", f);
    else fputc(*s, f);
  }
}

/* Embed DIR/name as a base64 PNG; a note when it is missing. */
static void image(FILE *f, const char *dir, const char *name, const char *alt) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *in = fopen(path, "rb");
  if (!in) {
    fprintf(f, "<p class=\"note\">Picture %s not available: install gnuplot (apt-get install gnuplot-nox), "
               "run <code>gnuplot plot_*.gp</code> in this directory, and write the study again.</p>\n", name);
    return;
  }
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  fprintf(f, "<figure><img alt=\"");
  esc(f, alt);
  fprintf(f, "\" src=\"data:image/png;base64,");
  unsigned char b[3];
  size_t n;
  while ((n = fread(b, 1, 3, in)) > 0) {
    unsigned v = (unsigned)b[0] << 16 | (n > 1 ? (unsigned)b[1] << 8 : 0) | (n > 2 ? b[2] : 0);
    char o[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63], n > 1 ? tab[v >> 6 & 63] : '=', n > 2 ? tab[v & 63] : '='};
    fwrite(o, 1, 4, f);
    if (n < 3) break;
  }
  fclose(in);
  fprintf(f, "\"><figcaption>");
  esc(f, alt);
  fprintf(f, " (%s; SVG beside it)</figcaption></figure>\n", name);
}

static void begin(FILE *f, const char *title, int with_verdict) {
  fprintf(f,
          "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  esc(f, title);
  fprintf(f,
          "</title>\n<style>\n"
          "body{font-family:sans-serif;max-width:1150px;margin:1em auto;padding:0 1em;color:#222}\n"
          "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;"
          "text-align:right;font-variant-numeric:tabular-nums}th{background:#f0f0f0}td.l,th.l{text-align:left}\n"
          ".ok{color:#1a7f37;font-weight:bold}.bad{color:#c00;font-weight:bold}.na{color:#777}\n"
          ".note{color:#555;font-style:italic}img{max-width:100%%;border:1px solid #ddd}\n"
          "</style>\n</head>\n<body>\n<h1>");
  esc(f, title);
  if (!with_verdict) {
    fprintf(f, "</h1>\n<p>rmtmc %s.</p>\n", rmtmc_version());
    return;
  }
  fprintf(f, "</h1>\n<p>rmtmc %s. Verdict per row (docs/verdict.md): z = (empirical mean - reference) / standard "
             "error; rule <i>corrected</i>: the reference is the theory plus its predicted finite-size bias, "
             "<i>exact</i>: the exact finite-n expectation (|z| &gt; %.0f DISAGREES); <i>uncorrected</i>: the theory "
             "where no finite-size bias is known (|z| &gt; %.0f is inconclusive); a row that cannot be judged is "
             "inconclusive, with the reason.</p>\n",
          rmtmc_version(), RMTMC_VERDICT_Z, RMTMC_VERDICT_Z);
}

static void end(FILE *f) { fprintf(f, "</body>\n</html>\n"); }

static void kv(FILE *f, const char *k, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  fprintf(f, "<tr><th class=\"l\">");
  esc(f, k);
  fprintf(f, "</th><td class=\"l\">");
  esc(f, buf);
  fprintf(f, "</td></tr>\n");
}

/* Where the trials ran: backend, device, libraries, note, eigensolver. */
static void run_rows(FILE *f, const rmtmc_run_info *run) {
  const rmtmc_backend_info *b = &run->backend;
  kv(f, "backend", "%s", b->name);
  if (b->threads > 0)
    kv(f, "device", "%s (%d threads), batch %lld", b->device, b->threads, (long long)run->batch);
  else
    kv(f, "device", "%s, batch %lld", b->device, (long long)run->batch);
  if (b->device_ordinal >= 0)
    kv(f, "GPU", "ordinal %d, compute capability %s, code %s", b->device_ordinal, b->compute_capability, b->archs);
  kv(f, "libraries", "%s", b->versions);
  if (run->backend_note[0]) kv(f, "note", "%s", run->backend_note);
  char solver[128];
  if (b->solver[0]) kv(f, "eigensolver", "%s", report_solver_text(b, solver, sizeof solver));
  if (b->solver_note[0]) kv(f, "eigensolver note", "%s", b->solver_note);
  if (run->ranks > 1) {
    kv(f, "MPI ranks", "%d on %d host%s", run->ranks, run->hosts, run->hosts == 1 ? "" : "s");
    for (int k = 0; k < run->nplaces; ++k)
      kv(f, run->places[k].ranks > 1 ? "ranks" : "rank", "%s: %s on %s (%s)", run->places[k].rank_list,
         run->places[k].backend, run->places[k].host, run->places[k].device);
  }
}

/* The reasons of a table, each once, numbered as footnotes. */
typedef struct notes {
  int n;
  const char *text[64];
} notes;

static int note_id(notes *ns, const char *text) {
  if (!text || !text[0]) return 0;
  for (int i = 0; i < ns->n; ++i)
    if (strcmp(ns->text[i], text) == 0) return i + 1;
  if (ns->n >= 64) return 0;
  ns->text[ns->n++] = text;
  return ns->n;
}

static void notes_list(FILE *f, const notes *ns) {
  if (ns->n == 0) return;
  fprintf(f, "<ol class=\"note\">\n");
  for (int i = 0; i < ns->n; ++i) {
    fprintf(f, "<li>");
    esc(f, ns->text[i]);
    fprintf(f, "</li>\n");
  }
  fprintf(f, "</ol>\n");
}

static void verdict_cell(FILE *f, const rmtmc_verdict_row *v, notes *ns) {
  if (!v) {
    fprintf(f, "<td></td><td></td>");
    return;
  }
  static const char *cls[4] = {"ok", "bad", "na", "na"};
  int id = note_id(ns, v->reason);
  fprintf(f, "<td class=\"l\">%s</td><td class=\"%s\">%s", rmtmc_rule_name(v->rule), cls[v->verdict],
          rmtmc_row_verdict_name(v->verdict));
  if (id) fprintf(f, " <sup>[%d]</sup>", id);
  fprintf(f, "</td>");
}

static void num(FILE *f, double v) {
  if (isfinite(v)) fprintf(f, "<td>%.6g</td>", v);
  else fprintf(f, "<td class=\"na\">%s</td>", isnan(v) ? "n/a" : (v > 0 ? "inf" : "-inf"));
}

static void row(FILE *f, const char *what, const char *at, double emp, double se, double th,
                const rmtmc_verdict_row *v, notes *ns) {
  fprintf(f, "<tr><td class=\"l\">");
  esc(f, what);
  fprintf(f, "</td><td class=\"l\">");
  esc(f, at);
  fprintf(f, "</td>");
  num(f, emp);
  num(f, se);
  num(f, th);
  num(f, emp - th);
  double z = v ? v->z : NAN;
  if (isfinite(z)) fprintf(f, "<td>%+.2f</td>", z);
  else fprintf(f, "<td class=\"na\">n/a</td>");
  verdict_cell(f, v, ns);
  fprintf(f, "</tr>\n");
}

static void table_head(FILE *f, const char *xname) {
  fprintf(f, "<table>\n<tr><th class=\"l\">quantity</th><th class=\"l\">%s</th><th>empirical mean</th>"
             "<th>standard error</th><th>theory</th><th>difference</th><th>z</th><th class=\"l\">rule</th>"
             "<th>verdict</th></tr>\n",
          xname);
}

static void overall(FILE *f, const rmtmc_verdict *v) {
  static const char *cls[3] = {"ok", "na", "bad"};
  char line[768];
  rmtmc_verdict_line(v, line, sizeof line);
  fprintf(f, "<p>Overall: <span class=\"%s\">%s</span></p>\n", cls[v->outcome], rmtmc_outcome_name(v->outcome));
  fprintf(f, "<p>");
  esc(f, line);
  fprintf(f, "</p>\n");
  for (int i = 0; i < v->nwarn; ++i) {
    fprintf(f, "<p class=\"bad\">Warning: ");
    esc(f, v->warnings[i]);
    fprintf(f, "</p>\n");
  }
}

static rmtmc_status write_html(const char *dir, rmtmc_writer_fn fn, const void *ctx, rmtmc_error *err) {
  char path[4096];
  if ((size_t)snprintf(path, sizeof path, "%s/report.html", dir) >= sizeof path)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output path %s is too long", dir);
  return rmtmc_write_atomic(path, fn, ctx, err);
}

/* ------------------------------ spectrum ------------------------------ */
typedef struct { const char *dir; const rmtmc_spectrum_result *r; } spec_ctx;

static rmtmc_status spectrum_html(FILE *f, const void *ctx, rmtmc_error *err) {
  const spec_ctx *sc = ctx;
  const rmtmc_spectrum_result *r = sc->r;
  const rmtmc_spectrum_config *c = &r->config;
  begin(f, "rmtmc spectrum: S = X X\u1d40 / n against its deterministic equivalent", 1);
  fprintf(f, "<h2>Configuration</h2>\n<table>\n");
  kv(f, "d, n", "d = %lld, n = %lld, eta = d/n = %.6g", (long long)c->d, (long long)c->n, r->eta);
  kv(f, "trials, seed", "%lld trials, seed %llu", (long long)c->run.trials, (unsigned long long)c->run.seed);
  kv(f, "population covariance Sigma", "%s", c->sigma);
  kv(f, "entries", "%s", c->entries);
  kv(f, "precision", "%s", c->precision == RMTMC_PRECISION_SINGLE ? "single" : "double");
  run_rows(f, &r->run);
  char sup[1024];
  report_support_text(sup, sizeof sup, &r->limit.support, r->atom, 12);
  kv(f, "limiting support", "%s (at the finite-d population, eta = d/n)", sup);
  if (r->limit.noutliers > 0) {
    report_support_text(sup, sizeof sup, &r->limit.bulk, r->limit.bulk.atom, 12);
    kv(f, "bulk support", "%s (spikes removed)", sup);
    for (int64_t i = 0; i < r->limit.noutliers; ++i) {
      const rmtmc_outlier *o = &r->limit.outliers[i];
      char k[48];
      snprintf(k, sizeof k, "spike %.6g", o->ell);
      if (o->separated)
        kv(f, k, "outlier %s the bulk at %.6g (BBP location; threshold %.6g)", o->above ? "above" : "below",
           o->location, o->threshold);
      else
        kv(f, k, "no outlier (inside the BBP threshold %.6g): its eigenvalue sticks to the bulk edge", o->threshold);
    }
  }
  fprintf(f, "</table>\n");

  rmtmc_verdict v;
  rmtmc_spectrum_verdict(r, &v);
  notes ns = {.n = 0};
  fprintf(f, "<h2>Theory vs empirical</h2>\n");
  fprintf(f, "<p>m(z) = (1/d) tr (S - zI)<sup>-1</sup>; theory: the Silverstein equation at eta = d/n and the "
             "finite-d population spectrum (spikes included). Rule <i>corrected</i> subtracts the predicted O(1/d) "
             "bias mu(z)/d (the theory column shows the limit). Moments: z against the exact finite-n "
             "expectation. Extreme eigenvalues are informational: offsets of order d<sup>-2/3</sup> are expected "
             "at soft edges.</p>\n");
  table_head(f, "at");
  for (int q = 0; q < RMTMC_ZOBS_COUNT; ++q) {
    const rmtmc_zobs_info *o = rmtmc_zobs_describe(q);
    for (int64_t k = 0; r->zobs[q].rows && k < r->nz; ++k) {
      const rmtmc_stieltjes_row *w = &r->zobs[q].rows[k];
      char at[64], what[96];
      snprintf(at, sizeof at, "z = %.4g%+.4gi", w->z_re, w->z_im);
      snprintf(what, sizeof what, "Re %s", o->symbol);
      row(f, what, at, w->re.mean, w->re.stderr_, w->theory_re, rmtmc_verdict_find(&v, w, 0), &ns);
      snprintf(what, sizeof what, "Im %s", o->symbol);
      if (w->z_im != 0.0) row(f, what, at, w->im.mean, w->im.stderr_, w->theory_im, rmtmc_verdict_find(&v, w, 1), &ns);
    }
  }
  static const char *power[4] = {"\u00b9", "\u00b2", "\u00b3", "\u2074"};
  for (int k = 0; k < RMTMC_SPECTRUM_KMAX; ++k) {
    char what[64], at[64];
    snprintf(what, sizeof what, "(1/d) tr S%s", power[k]);
    int exact = isfinite(r->moments_exact[k]);
    snprintf(at, sizeof at, exact ? "exact finite-n" : "limit (no exact value)");
    double th = exact ? r->moments_exact[k] : r->moments_theory[k];
    row(f, what, at, r->moments[k].mean, r->moments[k].stderr_, th, rmtmc_verdict_find(&v, &r->moments[k], 0), &ns);
  }
  row(f, "lambda_min", "smallest non-zero", r->lam_min.mean, r->lam_min.stderr_, r->lam_min_theory,
      rmtmc_verdict_find(&v, &r->lam_min, 0), &ns);
  row(f, "lambda_max", "largest", r->lam_max.mean, r->lam_max.stderr_, r->lam_max_theory,
      rmtmc_verdict_find(&v, &r->lam_max, 0), &ns);
  fprintf(f, "</table>\n");
  notes_list(f, &ns);
  fprintf(f, "<p>Pooled eigenvalue distribution vs theory (%lld bins on [%.4g, %.4g]): L1 = %.4g, KS = %.4g; "
             "atom at 0: empirical %.4g, theory %.4g.</p>\n",
          (long long)r->bins, r->hist_lo, r->hist_hi, r->l1, r->ks, r->atom_emp, r->atom);
  overall(f, &v);
  rmtmc_verdict_free(&v);

  fprintf(f, "<h2>Pictures</h2>\n");
  image(f, sc->dir, "density.png", "pooled eigenvalue density vs theory");
  for (int q = 0; q < RMTMC_ZOBS_COUNT; ++q)
    if (r->zobs[q].rows) {
      char png[80], alt[96];
      snprintf(png, sizeof png, "%s.png", rmtmc_zobs_describe(q)->key);
      snprintf(alt, sizeof alt, "%s estimates vs theory", q == RMTMC_ZOBS_STIELTJES ? "Stieltjes transform" : rmtmc_zobs_describe(q)->title);
      image(f, sc->dir, png, alt);
    }

  fprintf(f, "<h2>Timing</h2>\n<table>\n");
  kv(f, "Monte Carlo", "%.3f s for %lld trials (%.1f trials/s, %.3g s per trial)", r->seconds,
     (long long)c->run.trials, r->trials_per_second, r->seconds / (double)c->run.trials);
  kv(f, "theory", "%.3f s", r->theory_seconds);
  fprintf(f, "</table>\n<p>Data: result.json (schema rmtmc.spectrum/1)");
  for (int q = 0; q < RMTMC_ZOBS_COUNT; ++q)
    if (r->zobs[q].rows) fprintf(f, ", %s.csv", rmtmc_zobs_describe(q)->key);
  fprintf(f, ", edges.csv, moments.csv, density.csv.</p>\n");
  end(f);
  return RMTMC_OK;
}

rmtmc_status rmtmc_html_spectrum(const char *dir, const rmtmc_spectrum_result *r, rmtmc_error *err) {
  spec_ctx sc = {.dir = dir, .r = r};
  return write_html(dir, spectrum_html, &sc, err);
}

/* ----------------------- generative and ridge ------------------------- */
typedef struct {
  const char *dir, *title, *config;
  report_rows rows; /* what the table shows and the verdict uses */
  double seconds, tps;
  const rmtmc_run_info *run;
  int64_t trials;
} grid_ctx;

static rmtmc_status grid_html(FILE *f, const void *ctx, rmtmc_error *err) {
  const grid_ctx *g = ctx;
  begin(f, g->title, 1);
  fprintf(f, "<h2>Configuration</h2>\n<table>\n");
  kv(f, "study", "%s", g->config);
  run_rows(f, g->run);
  fprintf(f, "</table>\n<h2>Theory vs empirical</h2>\n");
  table_head(f, g->rows.xname);
  rmtmc_verdict v;
  notes ns = {.n = 0};
  report_rows_verdict(&g->rows, g->trials, &v);
  for (int o = 0; o < g->rows.nsets; ++o) {
    const report_rowset *set = &g->rows.set[o];
    for (int64_t i = 0; i < set->n; ++i) {
      const rmtmc_grid_row *w = &set->rows[i];
      char at[64];
      snprintf(at, sizeof at, "%s = %.4g", g->rows.xname, w->x);
      row(f, set->label, at, w->emp.mean, w->emp.stderr_, w->theory, rmtmc_verdict_find(&v, w, 0), &ns);
    }
  }
  fprintf(f, "</table>\n");
  notes_list(f, &ns);
  overall(f, &v);
  rmtmc_verdict_free(&v);
  fprintf(f, "<h2>Pictures</h2>\n");
  image(f, g->dir, "curves.png", "empirical vs theory curves");
  fprintf(f, "<h2>Timing</h2>\n<table>\n");
  kv(f, "Monte Carlo", "%.3f s for %lld trials (%.1f trials/s)", g->seconds, (long long)g->trials, g->tps);
  fprintf(f, "</table>\n<p>Data: result.json, curves.csv.</p>\n");
  end(f);
  return RMTMC_OK;
}

rmtmc_status rmtmc_html_contexts(const char *dir, const rmtmc_contexts_result *r, rmtmc_error *err) {
  const rmtmc_contexts_config *c = &r->config;
  char conf[1600];
  snprintf(conf, sizeof conf, "contexts (Prop A): c = %lld, k = %lld, d = %lld, n = %lld, eta = d/c = %.4g, rho = %g, alpha %s, %s counts, %lld trials, seed %llu",
           (long long)r->c, (long long)c->k, (long long)c->d, (long long)c->n, r->eta, c->rho, c->alpha,
           c->counts == RMTMC_COUNTS_FIXED ? "fixed" : "multinomial", (long long)c->run.trials,
           (unsigned long long)c->run.seed);
  grid_ctx g = {.dir = dir, .title = "rmtmc generative contexts (Proposition A)", .config = conf,
                .seconds = r->seconds, .tps = r->trials_per_second, .run = &r->run, .trials = c->run.trials};
  report_rows_contexts(&g.rows, r);
  return write_html(dir, grid_html, &g, err);
}

rmtmc_status rmtmc_html_mixture(const char *dir, const rmtmc_mixture_result *r, rmtmc_error *err) {
  const rmtmc_mixture_config *c = &r->config;
  char conf[1600];
  snprintf(conf, sizeof conf, "mixture (Prop B, corrected): c = %lld, k = %lld, d = %lld, n = %lld, eta = d/n = %.4g, rho = %g, means %s, %lld trials, seed %llu",
           (long long)r->c, (long long)c->k, (long long)c->d, (long long)c->n, r->eta, c->rho,
           c->means[0] ? c->means : "random", (long long)c->run.trials, (unsigned long long)c->run.seed);
  grid_ctx g = {.dir = dir, .title = "rmtmc generative mixture (Proposition B)", .config = conf,
                .seconds = r->seconds, .tps = r->trials_per_second, .run = &r->run, .trials = c->run.trials};
  report_rows_mixture(&g.rows, r);
  return write_html(dir, grid_html, &g, err);
}

rmtmc_status rmtmc_html_ridge(const char *dir, const rmtmc_ridge_result *r, rmtmc_error *err) {
  const rmtmc_ridge_config *c = &r->config;
  char conf[1600];
  snprintf(conf, sizeof conf, "ridge: d = %lld, n = %lld, eta = d/n = %.4g, sigma %s, ||beta||^2 = %g, sigma2 = %g, %lld trials, seed %llu",
           (long long)c->d, (long long)c->n, r->eta, c->sigma, c->signal, c->noise, (long long)c->run.trials,
           (unsigned long long)c->run.seed);
  grid_ctx g = {.dir = dir, .title = "rmtmc ridge regression", .config = conf, .seconds = r->seconds,
                .tps = r->trials_per_second, .run = &r->run, .trials = c->run.trials};
  report_rows_ridge(&g.rows, r);
  return write_html(dir, grid_html, &g, err);
}

/* ------------------------------ theory -------------------------------- */
typedef struct { const char *dir; const rmtmc_theory_study_result *t; } theory_ctx;

/* A transform's value in a cell: "pole" where it has one. */
static void value_cell(FILE *f, double re, double im, int pole) {
  if (pole) fprintf(f, "<td class=\"na\">pole</td>");
  else if (!isfinite(re) || !isfinite(im)) fprintf(f, "<td class=\"na\">n/a</td>");
  else fprintf(f, "<td>%.10g %s %.10g i</td>", re, im < 0 ? "&minus;" : "+", fabs(im));
}

static rmtmc_status theory_html(FILE *f, const void *ctx, rmtmc_error *err) {
  const theory_ctx *tc = ctx;
  const rmtmc_theory_study_result *t = tc->t;
  const rmtmc_theory_study_config *c = &t->config;
  const rmtmc_limit_spectrum *ls = &t->limit;
  begin(f, "rmtmc theory: the limit spectrum of S = X X\u1d40 / n", 0);
  fprintf(f, "<h2>Configuration</h2>\n<table>\n");
  kv(f, "population covariance Sigma", "%s, realised at d = %lld", c->sigma, (long long)t->model.d);
  kv(f, "eta = d/n", "%.10g (n = %lld: the spectrum study at these d and n uses the same population and code)",
     c->eta, (long long)t->model.n);
  char sup[4096];
  report_support_text(sup, sizeof sup, &ls->support, t->atom, 40);
  kv(f, "support", "%s", sup);
  if (ls->noutliers > 0) {
    report_support_text(sup, sizeof sup, &ls->bulk, ls->bulk.atom, 40);
    kv(f, "bulk support", "%s (spikes removed)", sup);
    for (int64_t i = 0; i < ls->noutliers; ++i) {
      const rmtmc_outlier *o = &ls->outliers[i];
      char k[48];
      snprintf(k, sizeof k, "spike %.6g", o->ell);
      if (o->separated)
        kv(f, k, "outlier %s the bulk at %.10g (BBP; threshold %.6g, cos^2 %.4f)", o->above ? "above" : "below",
           o->location, o->threshold, o->cos2);
      else
        kv(f, k, "no outlier (inside the BBP threshold %.6g)", o->threshold);
    }
  }
  fprintf(f, "</table>\n<h2>Moments</h2>\n<table>\n<tr><th>k</th><th>lim (1/d) tr S<sup>k</sup></th></tr>\n");
  for (int k = 0; k < 4; ++k) fprintf(f, "<tr><td>%d</td><td>%.12g</td></tr>\n", k + 1, t->moments[k]);
  fprintf(f, "</table>\n<h2>Stieltjes transform</h2>\n<p>m(z) = &int; d&nu;(x)/(x &minus; z); companion "
             "mc(z) = eta m(z) &minus; (1 &minus; eta)/z.</p>\n<table>\n<tr><th>z</th><th>m(z)</th><th>mc(z)</th></tr>\n");
  for (int64_t k = 0; k < c->nz; ++k) {
    fprintf(f, "<tr><td>%.6g %s %.6g i</td>", c->z_re[k], c->z_im[k] < 0 ? "&minus;" : "+", fabs(c->z_im[k]));
    value_cell(f, t->m_re[k], t->m_im[k], t->m_pole[k]);
    value_cell(f, t->mc_re[k], t->mc_im[k], t->mc_pole[k]);
    fprintf(f, "</tr>\n");
  }
  fprintf(f, "</table>\n<h2>Pictures</h2>\n");
  image(f, tc->dir, "density.png", "density of the limit law at the finite-d population");
  image(f, tc->dir, "stieltjes.png", "m(z) along the real axis and the lines of the z asked for");
  fprintf(f, "<p>Data: result.json (schema rmtmc.theory/1), density.csv, stieltjes.csv.</p>\n");
  end(f);
  return RMTMC_OK;
}

/* -------------------------------- edge -------------------------------- */
typedef struct { const char *dir; const rmtmc_edge_result *r; } edge_ctx;

static rmtmc_status edge_html(FILE *f, const void *ctx, rmtmc_error *err) {
  const edge_ctx *ec = ctx;
  const rmtmc_edge_result *r = ec->r;
  const rmtmc_edge_config *c = &r->config;
  begin(f, "rmtmc edge: extreme eigenvalues against Tracy-Widom and BBP", 0);
  fprintf(f, "<h2>Configuration</h2>\n<table>\n");
  kv(f, "d, n", "d = %lld, n = %lld, eta = d/n = %.6g", (long long)c->d, (long long)c->n, r->eta);
  kv(f, "trials, seed", "%lld trials, seed %llu", (long long)c->run.trials, (unsigned long long)c->run.seed);
  kv(f, "population covariance Sigma", "%s", c->sigma);
  kv(f, "entries", "%s (beta = %d: TW%d)", c->entries, r->beta, r->beta);
  kv(f, "top edge", "%s", r->top.scaling.note);
  if (c->d < c->n) kv(f, "bottom edge", "%s", r->bottom.scaling.note);
  run_rows(f, &r->run);
  fprintf(f, "</table>\n<h2>Theory vs empirical</h2>\n");
  fprintf(f, "<p>Standardised statistic: (lambda_max - mu)/sigma at the top, (mu - lambda_min)/sigma at the bottom "
             "(log scale: log(lambda/mu)/tau), against TW<sub>beta</sub>. The rules are the shared verdict's "
             "(docs/verdict.md): a KS row's z is the two-sided normal equivalent of its p-value; a row whose "
             "finite-size bias the theory does not predict (first-order centring for a general Sigma, the overlaps) "
             "is uncorrected: it agrees within |z| &le; 4 and is inconclusive beyond; out rows (no outlier, the BBP "
             "critical window) are kept out with their reason.</p>\n");
  table_head(f, "at");
  report_edge_row rows[REPORT_EDGE_MAX_ROWS];
  int n = report_edge_rows(r, rows, REPORT_EDGE_MAX_ROWS);
  rmtmc_verdict v;
  rmtmc_edge_verdict(r, &v);
  notes ns = {0};
  for (int i = 0; i < n; ++i)
    row(f, rows[i].what, rows[i].at, rows[i].emp, rows[i].se, rows[i].theory, i < v.nrows ? &v.rows[i] : NULL, &ns);
  fprintf(f, "</table>\n");
  notes_list(f, &ns);
  overall(f, &v);
  rmtmc_verdict_free(&v);
  fprintf(f, "<h2>Pictures</h2>\n");
  if (r->top.sorted || r->bottom.sorted) {
    image(f, ec->dir, "edge_hist.png", "standardised extreme eigenvalues vs the Tracy-Widom density");
    image(f, ec->dir, "edge_qq.png", "QQ plot against Tracy-Widom");
  } else {
    fprintf(f, "<p class=\"note\">No picture: neither edge is a Tracy-Widom edge here (the extreme eigenvalues "
               "are outliers); the spike rows above are the comparison. The BBP transition against the spike "
               "strength: rmtmc sweep --param spike (docs/pictures.md).</p>\n");
  }
  fprintf(f, "<h2>Timing</h2>\n<table>\n");
  kv(f, "Monte Carlo", "%.3f s for %lld trials (%.1f trials/s)", r->seconds, (long long)c->run.trials,
     r->trials_per_second);
  kv(f, "theory", "%.3f s", r->theory_seconds);
  fprintf(f, "</table>\n<p>Data: result.json (schema rmtmc.edge/1), edge_rows.csv, edge_samples.csv, "
             "edge_density.csv.</p>\n");
  end(f);
  return RMTMC_OK;
}

/* ------------------------------ resolvent ----------------------------- */
typedef struct { const char *dir; const rmtmc_resolvent_result *r; } rsv_ctx;

static rmtmc_status resolvent_html(FILE *f, const void *ctx, rmtmc_error *err) {
  const rsv_ctx *rc = ctx;
  const rmtmc_resolvent_result *r = rc->r;
  const rmtmc_resolvent_config *c = &r->config;
  begin(f, "rmtmc resolvent: Q(z) = (S + zI)^-1 against its deterministic equivalent", 1);
  fprintf(f, "<h2>Configuration</h2>\n<table>\n");
  kv(f, "d, n", "d = %lld, n = %lld, eta = d/n = %.6g", (long long)c->d, (long long)c->n, r->eta);
  kv(f, "trials, seed", "%lld trials, seed %llu", (long long)c->run.trials, (unsigned long long)c->run.seed);
  kv(f, "population covariance Sigma", "%s (largest eigenvalue %.6g)", c->sigma, r->sigma_top);
  kv(f, "entries", "%s", c->entries);
  for (int64_t v = 0; v < c->nvectors; ++v) {
    char key[32];
    snprintf(key, sizeof key, "--vector %lld", (long long)(v + 1));
    kv(f, key, "%s (norm %.6g before normalising)", c->vectors[v], r->vector_norms[v]);
  }
  run_rows(f, &r->run);
  fprintf(f, "</table>\n<h2>The equivalent at each z</h2>\n<table>\n<tr><th class=\"l\">z</th><th class=\"l\">path</th>"
             "<th>delta(z)</th><th>kappa = z (1 + delta)</th></tr>\n");
  for (int64_t j = 0; j < c->nz; ++j) {
    const rmtmc_resolvent_zinfo *z = &r->zinfo[j];
    fprintf(f, "<tr><td class=\"l\">%.6g%+.6gi</td><td class=\"l\">%s</td><td>%.8g%+.8gi</td><td>%.8g%+.8gi</td></tr>\n",
            z->z_re, z->z_im, z->cholesky ? "Cholesky of S + zI" : "eigendecomposition of S", z->delta_re, z->delta_im,
            z->kappa_re, z->kappa_im);
  }
  fprintf(f, "</table>\n<h2>Theory vs empirical</h2>\n");
  fprintf(f, "<p>Qbar(z) = (Sigma/(1 + delta) + zI)<sup>-1</sup>, delta = (1/n) tr Sigma Qbar (docs/theory.md 10). "
             "The judged z subtracts the predicted O(1/d) bias where it is known (rule corrected; the theory column "
             "shows the limit); where it is not known the raw z-score is judged (rule uncorrected). diag_dev is a "
             "maximum over the diagonal, positive at every finite d: kept out.</p>\n");
  table_head(f, "at");
  rmtmc_verdict v;
  notes ns = {.n = 0};
  rmtmc_resolvent_verdict(r, &v);
  for (int64_t k = 0; k < r->nrows; ++k) {
    const rmtmc_resolvent_row *w = &r->rows[k];
    const rmtmc_verdict_row *vr = rmtmc_verdict_find(&v, w, 0);
    row(f, vr ? vr->what : w->name, vr ? vr->at : "", w->emp.mean, w->emp.stderr_, w->theory, vr, &ns);
  }
  fprintf(f, "</table>\n");
  notes_list(f, &ns);
  overall(f, &v);
  rmtmc_verdict_free(&v);
  fprintf(f, "<h2>Fluctuations</h2>\n<p>sd of each functional over the trials, times d (traces) or d<sup>1/2</sup> "
             "(quadratic forms): O(1) when the fluctuations scale as predicted; the prediction where it is known "
             "(Gaussian entries, Sigma = s2 I, real z).</p>\n<table>\n<tr><th class=\"l\">functional</th>"
             "<th class=\"l\">at</th><th>sd</th><th>sd d<sup>-order</sup></th><th>predicted sd</th></tr>\n");
  for (int64_t k = 0; k < r->nrows; ++k) {
    const rmtmc_resolvent_row *w = &r->rows[k];
    fprintf(f, "<tr><td class=\"l\">%s %s</td><td class=\"l\">z = %.4g%+.4gi</td>", w->part ? "Im" : "Re", w->name,
            w->z_re, w->z_im);
    num(f, w->emp.sd);
    num(f, w->scaled_sd);
    num(f, w->sd_theory);
    fprintf(f, "</tr>\n");
  }
  fprintf(f, "</table>\n<h2>Pictures</h2>\n");
  if (r->ncurve > 0) image(f, rc->dir, "resolvent.png", "resolvent functionals against real z vs theory");
  int have_complex = 0;
  for (int64_t j = 0; j < c->nz; ++j) have_complex |= c->z_im[j] != 0.0;
  if (have_complex) image(f, rc->dir, "resolvent_complex.png", "resolvent functionals at complex z vs theory");
  fprintf(f, "<h2>Timing</h2>\n<table>\n");
  kv(f, "Monte Carlo", "%.3f s for %lld trials (%.1f trials/s, %.3g s per trial)", r->seconds,
     (long long)c->run.trials, r->trials_per_second, r->seconds / (double)c->run.trials);
  kv(f, "theory", "%.3f s", r->theory_seconds);
  fprintf(f, "</table>\n<p>Data: result.json (schema rmtmc.resolvent/1), functionals.csv, resolvent_curve.csv.</p>\n");
  end(f);
  return RMTMC_OK;
}

rmtmc_status rmtmc_html_theory(const char *dir, const rmtmc_theory_study_result *t, rmtmc_error *err) {
  theory_ctx tc = {.dir = dir, .t = t};
  return write_html(dir, theory_html, &tc, err);
}

/* ------------------------------ sweep --------------------------------- */
typedef struct { const char *dir; const rmtmc_sweep_result *r; } sweep_ctx;

static rmtmc_status sweep_html(FILE *f, const void *ctx, rmtmc_error *err) {
  const sweep_ctx *sc = ctx;
  const rmtmc_sweep_result *r = sc->r;
  const rmtmc_sweep_config *c = &r->config;
  begin(f, "rmtmc sweep: the error of m_d(z) against its limit as the size grows", 1);
  fprintf(f, "<h2>Configuration</h2>\n<table>\n");
  if (c->param == RMTMC_SWEEP_D) kv(f, "parameter", "d varies, n = %.6g d", c->ratio);
  else kv(f, "parameter", "n varies, d = %lld fixed", (long long)c->base.d);
  char vals[1024] = "";
  size_t u = 0;
  for (int64_t i = 0; i < c->npoints && u < sizeof vals - 24; ++i)
    u += (size_t)snprintf(vals + u, sizeof vals - u, "%s%lld", i ? ", " : "", (long long)c->values[i]);
  kv(f, "values", "%s", vals);
  kv(f, "trials, seed", "%lld trials per point, point i runs with seed %llu + i", (long long)c->base.run.trials,
     (unsigned long long)c->base.run.seed);
  kv(f, "population covariance Sigma", "%s", c->base.sigma);
  kv(f, "entries", "%s", c->base.entries);
  fprintf(f, "</table>\n<h2>Points</h2>\n<table>\n<tr><th>d</th><th>n</th><th class=\"l\">z</th><th>|mean error|</th>"
             "<th>standard error</th><th>sd of m_d</th></tr>\n");
  for (int64_t i = 0; i < c->npoints; ++i)
    for (int64_t k = 0; k < r->nz; ++k) {
      const rmtmc_sweep_point *p = &r->points[i];
      fprintf(f, "<tr><td>%lld</td><td>%lld</td><td class=\"l\">%.4g%+.4gi</td>", (long long)p->d, (long long)p->n,
              p->z_re[k], p->z_im[k]);
      num(f, rmtmc_sweep_abs_error(p, k));
      num(f, hypot(p->se_re[k], isfinite(p->se_im[k]) ? p->se_im[k] : 0.0));
      num(f, rmtmc_sweep_sd(p, k));
      fprintf(f, "</tr>\n");
    }
  rmtmc_verdict v;
  notes ns = {.n = 0};
  rmtmc_sweep_verdict(r, &v);
  fprintf(f, "</table>\n<h2>Slopes against the predicted rates</h2>\n<table>\n<tr><th class=\"l\">quantity</th>"
             "<th class=\"l\">at</th><th>fitted slope</th><th>standard error</th><th>predicted</th><th>difference</th>"
             "<th>z</th><th class=\"l\">rule</th><th>verdict</th></tr>\n");
  for (int64_t k = 0; k < r->nz; ++k)
    for (int o = 0; o < 2; ++o) {
      const rmtmc_sweep_fit *F = o ? &r->sd_fit[k] : &r->err_fit[k];
      const rmtmc_verdict_row *vr = rmtmc_verdict_find(&v, F, 0);
      row(f, vr ? vr->what : "", vr ? vr->at : "", F->slope, F->stderr_, F->predicted, vr, &ns);
    }
  fprintf(f, "</table>\n");
  notes_list(f, &ns);
  overall(f, &v);
  rmtmc_verdict_free(&v);
  fprintf(f, "<h2>Pictures</h2>\n");
  image(f, sc->dir, "sweep.png", "log-log scaling of the error of m_d(z) and of its sd");
  fprintf(f, "<p>Data: sweep.json (schema rmtmc.sweep/1), sweep.csv, points.jsonl.</p>\n");
  end(f);
  return RMTMC_OK;
}

rmtmc_status rmtmc_html_sweep(const char *dir, const rmtmc_sweep_result *r, rmtmc_error *err) {
  sweep_ctx sc = {.dir = dir, .r = r};
  return write_html(dir, sweep_html, &sc, err);
}

rmtmc_status rmtmc_html_edge(const char *dir, const rmtmc_edge_result *r, rmtmc_error *err) {
  edge_ctx ec = {.dir = dir, .r = r};
  return write_html(dir, edge_html, &ec, err);
}

rmtmc_status rmtmc_html_resolvent(const char *dir, const rmtmc_resolvent_result *r, rmtmc_error *err) {
  rsv_ctx rc = {.dir = dir, .r = r};
  return write_html(dir, resolvent_html, &rc, err);
}
