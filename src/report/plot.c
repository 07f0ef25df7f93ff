/* plot.c: gnuplot scripts (and the CSV they need) for a study written with
 * --out DIR.  Each script is run from DIR and draws its picture twice, into
 * PNG and SVG.  Pictures and their conventions: docs/pictures.md. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rmtmc_plot.h"
#include "rmtmc_report.h"

void rmtmc_plot_loop_begin(FILE *f, const char *stem, int width, int height) {
  fprintf(f,
          "do for [fmt in \"png svg\"] {\n"
          "  if (fmt eq \"png\") {\n"
          "    if (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) {\n"
          "      set terminal pngcairo size %d,%d noenhanced font \",10\"\n"
          "    } else {\n"
          "      set terminal png size %d,%d noenhanced\n"
          "    }\n"
          "  } else {\n"
          "    set terminal svg size %d,%d noenhanced dynamic font \"sans,10\"\n"
          "  }\n"
          "  set output \"%s.\".fmt\n",
          width, height, width, height, width, height, stem);
}

void rmtmc_plot_loop_end(FILE *f) { fprintf(f, "  set output\n}\n"); }

void rmtmc_plot_string(FILE *f, const char *s) {
  static const char plain[] = " .,:;_+-=/()[]<>|!?%*~^"; /* noenhanced: ^ is literal */
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; ++p) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr(plain, *p))
      fputc(*p, f);
    else
      fprintf(f, "\\%03o", *p); /* octal escape: a literal byte, never a quote, backquote or newline */
  }
  fputc('"', f);
}

static void header(FILE *f, const char *script, const char *what) {
  fprintf(f,
          "# %s: written by rmtmc; %s\n"
          "# Run from this directory: gnuplot %s   (needs gnuplot, e.g. apt-get install gnuplot-nox)\n"
          "set datafile separator \",\"\n"
          "set key top right box opaque\n"
          "set grid\n",
          script, what, script);
}

static rmtmc_status write_in(const char *dir, const char *name, rmtmc_writer_fn fn,
                             const void *ctx, rmtmc_error *err) {
  char path[4096];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output path %s/%s is too long", dir, name);
  return rmtmc_write_atomic(path, fn, ctx, err);
}

static void add_script(rmtmc_plot_scripts *s, const char *name) {
  if (s && s->count < RMTMC_PLOT_MAX_SCRIPTS) snprintf(s->name[s->count++], sizeof s->name[0], "%s", name);
}

/* ------------------------------ spectrum ------------------------------ */
static rmtmc_status density_gp(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_spectrum_result *r = ctx;
  const rmtmc_spectrum_config *c = &r->config;
  header(f, "plot_density.gp", "pooled eigenvalue histogram (density.csv) vs the theory density");
  double lo = r->hist_lo, hi = r->hist_hi;
  if (r->atom > 0) lo = fmin(lo, 0.0);
  double pad = 0.03 * (hi - lo);
  fprintf(f, "set xrange [%.17g:%.17g]\n", lo - pad, hi + pad);
  fprintf(f, "set yrange [0:*]\n");
  char title[2 * RMTMC_SPEC_LEN + 256];
  snprintf(title, sizeof title, "Eigenvalues of S = X X^T / n: d = %lld, n = %lld (eta = d/n = %.4g), %lld trials, sigma %s, entries %s",
           (long long)c->d, (long long)c->n, r->eta, (long long)c->run.trials, c->sigma, c->entries);
  fputs("set title ", f);
  rmtmc_plot_string(f, title); /* user text (a file name) is data */
  fputc('\n', f);
  fprintf(f, "set xlabel \"eigenvalue lambda of S (histogram pooled over trials, %lld bins)\"\n", (long long)r->bins);
  fprintf(f, "set ylabel \"density of the a.c. part (count / (trials d bin width))\"\n");
  fprintf(f, "set style fill solid 0.35 border\n");
  for (int64_t i = 0; i < r->nint; ++i)
    for (int e = 0; e < 2; ++e)
      fprintf(f, "set arrow from %.17g, graph 0 to %.17g, graph 1 nohead dt 2 lw 1.5 lc rgb \"#555555\"\n",
              r->support[2 * i + e], r->support[2 * i + e]);
  fprintf(f, "set label 1 \"dashed: theory support edges\" at graph 0.02, graph 0.96 left\n");
  if (r->atom > 0) {
    fprintf(f, "set arrow from graph 0.3, graph 0.7 to 0, graph 0.01 head filled lw 2.5 lc rgb \"#cc0000\" front\n");
    fprintf(f, "set label 2 \"atom at 0 (not in the histogram): mass %.4g = 1 - n/d, empirical %.4g\" at graph 0.3, graph 0.73 left textcolor rgb \"#cc0000\" front\n",
            r->atom, r->atom_emp);
  }
  rmtmc_plot_loop_begin(f, "density", 1000, 620);
  fprintf(f,
          "  plot \"density.csv\" skip 1 using 3:5:($2-$1) with boxes lc rgb \"#4477aa\" title \"empirical (pooled)\", \\\n"
          "       \"density.csv\" skip 1 using 3:6 with lines lw 2.5 lc rgb \"#cc3311\" title \"theory (deterministic equivalent, eta = d/n)\"\n");
  rmtmc_plot_loop_end(f);
  return RMTMC_OK;
}

/* A per-z observable's picture: its rows (CSV <key>.csv) and the text. */
typedef struct zobs_plot {
  const rmtmc_spectrum_result *r;
  int kind;
  char script[80], csv[80], stem[64];
} zobs_plot;

/* "(1/d) tr (S - zI)^-2" -> "(1/d) tr (S - zI)^{-2}" (gnuplot's superscript). */
static void gp_power(char *out, size_t size, const char *meaning) {
  size_t u = 0;
  for (const char *p = meaning; *p && u + 8 < size; ++p) {
    if (*p == '^' && p[1] == '-') {
      out[u++] = '^';
      out[u++] = '{';
      out[u++] = *++p;
      while (p[1] >= '0' && p[1] <= '9' && u + 3 < size) out[u++] = *++p;
      out[u++] = '}';
    } else {
      out[u++] = *p;
    }
  }
  out[u] = '\0';
}

static rmtmc_status zobs_gp(FILE *f, const void *ctx, rmtmc_error *err) {
  const zobs_plot *zp = ctx;
  const rmtmc_spectrum_result *r = zp->r;
  const rmtmc_spectrum_config *c = &r->config;
  const rmtmc_zobs_info *o = rmtmc_zobs_describe(zp->kind);
  const rmtmc_stieltjes_row *rows = r->zobs[zp->kind].rows;
  int m = zp->kind == RMTMC_ZOBS_STIELTJES;
  char what[160], sym[24], meaning[80];
  snprintf(sym, sizeof sym, "%.*s", (int)strcspn(o->symbol, "("), o->symbol); /* "m", "m'" */
  gp_power(meaning, sizeof meaning, o->meaning);
  snprintf(what, sizeof what, "%s estimates (%s) vs the theory", m ? "Stieltjes transform" : o->title, zp->csv);
  header(f, zp->script, what);
  fprintf(f, "set xrange [0.5:%lld.5]\n", (long long)r->nz);
  fprintf(f, "set xtics (");
  for (int64_t k = 0; k < r->nz; ++k)
    fprintf(f, "%s\"%.4g%+.4gi\" %lld", k ? ", " : "", rows[k].z_re, rows[k].z_im, (long long)(k + 1));
  fprintf(f, ") rotate by -30\n");
  fprintf(f, "set xlabel \"z (point j of the grid, in the order of %s)\"\n", zp->csv);
  fprintf(f, "set bars 2\nset key below\nset bmargin 9\nset offsets 0, 0, graph 0.08, graph 0.08\n");
  rmtmc_plot_loop_begin(f, zp->stem, 1100, 860);
  fprintf(f, "  set multiplot layout 2,2 title \"%s = %s: d = %lld, n = %lld, %lld trials; "
             "bars: mean +- 2 standard errors\"\n",
          o->symbol, meaning, (long long)c->d, (long long)c->n, (long long)c->run.trials);
  const char *part[2] = {"Re", "Im"};
  for (int im = 0; im < 2; ++im) {
    int e = 3 + im, s = 5 + im, t = 7 + im;
    fprintf(f, "  set ylabel \"%s %s\"\n  unset arrow\n", part[im], o->symbol);
    fprintf(f,
            "  plot \"%s\" skip 1 using ($0+1):%d:(2*$%d) with yerrorbars pt 7 lc rgb \"#4477aa\" title \"empirical mean\", \\\n"
            "       \"%s\" skip 1 using ($0+1):%d with points pt 6 ps 2 lw 2 lc rgb \"#cc3311\" title \"theory\"\n",
            zp->csv, e, s, zp->csv, t);
  }
  for (int im = 0; im < 2; ++im) {
    int e = 3 + im, s = 5 + im, t = 7 + im, b = 9 + im;
    fprintf(f, "  set ylabel \"%s (%s_emp - %s_theory)\"\n", part[im], sym, sym);
    fprintf(f, "  set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb \"black\"\n");
    fprintf(f,
            "  plot \"%s\" skip 1 using ($0+1):($%d-$%d):(2*$%d) with yerrorbars pt 7 lc rgb \"#4477aa\" title \"empirical - theory\", \\\n"
            "       \"%s\" skip 1 using ($0+1):%d with points pt 4 ps 1.5 lc rgb \"#228833\" title \"predicted 1/d bias %s\"\n",
            zp->csv, e, t, s, zp->csv, b, m ? "mu(z)/d" : "(d mu/dz)/d");
  }
  fprintf(f, "  unset arrow\n  unset multiplot\n");
  rmtmc_plot_loop_end(f);
  return RMTMC_OK;
}

rmtmc_status rmtmc_plot_spectrum(const char *dir, const rmtmc_spectrum_result *r,
                                 rmtmc_plot_scripts *scripts, rmtmc_error *err) {
  if (scripts) scripts->count = 0;
  rmtmc_status st = write_in(dir, "plot_density.gp", density_gp, r, err);
  if (st == RMTMC_OK) add_script(scripts, "plot_density.gp");
  for (int k = 0; k < RMTMC_ZOBS_COUNT && st == RMTMC_OK; ++k) {
    if (!r->zobs[k].rows) continue;
    zobs_plot zp = {.r = r, .kind = k};
    const char *key = rmtmc_zobs_describe(k)->key;
    snprintf(zp.script, sizeof zp.script, "plot_%s.gp", key);
    snprintf(zp.csv, sizeof zp.csv, "%s.csv", key);
    snprintf(zp.stem, sizeof zp.stem, "%s", key);
    st = write_in(dir, zp.script, zobs_gp, &zp, err);
    if (st == RMTMC_OK) add_script(scripts, zp.script);
  }
  return st;
}

/* ----------------------- generative and ridge ------------------------- */
#define MAX_OBS 5
typedef struct curves {
  const char *title; /* study line */
  const char *xname; /* gamma | lambda */
  const char *xlabel;
  int nobs;
  const char *name[MAX_OBS];  /* short, no commas */
  const char *label[MAX_OBS]; /* axis label with the convention */
  const rmtmc_grid_row *rows[MAX_OBS];
  int64_t nrows;
} curves;

static rmtmc_status curves_csv(FILE *f, const void *ctx, rmtmc_error *err) {
  const curves *cv = ctx;
  fprintf(f, "obs,observable,%s,empirical,stderr,theory,zscore\n", cv->xname);
  for (int o = 0; o < cv->nobs; ++o)
    for (int64_t i = 0; i < cv->nrows; ++i) {
      const rmtmc_grid_row *w = &cv->rows[o][i];
      fprintf(f, "%d,%s,%.17g,%.17g,%.17g,%.17g,%.17g\n", o + 1, cv->name[o], w->x, w->emp.mean,
              w->emp.stderr_, w->theory, w->zscore);
    }
  return RMTMC_OK;
}

static rmtmc_status curves_gp(FILE *f, const void *ctx, rmtmc_error *err) {
  const curves *cv = ctx;
  header(f, "plot_curves.gp", "empirical vs theory curves (curves.csv)");
  fprintf(f, "set logscale x\nset bars 2\nset xlabel \"%s\"\nset key below\nset bmargin 5\nset offsets 0, 0, graph 0.08, graph 0.08\n", cv->xlabel);
  double xmin = INFINITY, xmax = -INFINITY;
  for (int64_t i = 0; i < cv->nrows; ++i) {
    xmin = fmin(xmin, cv->rows[0][i].x);
    xmax = fmax(xmax, cv->rows[0][i].x);
  }
  if (xmin > 0 && xmax >= xmin) fprintf(f, "set xrange [%.17g:%.17g]\n", xmin / 1.6, xmax * 1.6);
  int cols = cv->nobs <= 2 ? cv->nobs : 2, rowsn = (cv->nobs + cols - 1) / cols;
  rmtmc_plot_loop_begin(f, "curves", 560 * cols, 420 * rowsn + 40);
  char title[2048];
  snprintf(title, sizeof title, "%s; bars: mean +- 2 standard errors", cv->title);
  fprintf(f, "  set multiplot layout %d,%d title ", rowsn, cols);
  rmtmc_plot_string(f, title); /* the title carries user text (--sigma) */
  fputc('\n', f);
  for (int o = 0; o < cv->nobs; ++o) {
    fprintf(f, "  set ylabel \"%s\"\n", cv->label[o]);
    fprintf(f,
            "  plot \"curves.csv\" skip 1 using ($1==%d ? $3 : NaN):($1==%d ? $4 : NaN):(2*$5) with yerrorbars pt 7 lc rgb \"#4477aa\" title \"empirical\", \\\n"
            "       \"curves.csv\" skip 1 using ($1==%d ? $3 : NaN):($1==%d ? $6 : NaN) with linespoints pt 6 ps 1.5 lw 2 lc rgb \"#cc3311\" title \"theory\"\n",
            o + 1, o + 1, o + 1, o + 1);
  }
  fprintf(f, "  unset multiplot\n");
  rmtmc_plot_loop_end(f);
  return RMTMC_OK;
}

static rmtmc_status write_curves(const char *dir, const curves *cv, rmtmc_plot_scripts *scripts,
                                 rmtmc_error *err) {
  if (scripts) scripts->count = 0;
  rmtmc_status st = write_in(dir, "curves.csv", curves_csv, cv, err);
  if (st == RMTMC_OK) st = write_in(dir, "plot_curves.gp", curves_gp, cv, err);
  if (st == RMTMC_OK) add_script(scripts, "plot_curves.gp");
  return st;
}

rmtmc_status rmtmc_plot_contexts(const char *dir, const rmtmc_contexts_result *r,
                                 rmtmc_plot_scripts *scripts, rmtmc_error *err) {
  char title[1536];
  snprintf(title, sizeof title, "generative contexts (Prop A): c = %lld, k = %lld, d = %lld, n = %lld, %lld trials",
           (long long)r->c, (long long)r->config.k, (long long)r->config.d, (long long)r->config.n,
           (long long)r->config.run.trials);
  curves cv = {title, "gamma", "ridge gamma (log scale)", 2,
               {"etrain", "shrinkage"},
               {"E_train = (1/c) ||P - Phat||_F^2", "(1/c) sum_a <phat_a,p_a>/||p_a||^2"},
               {r->etrain, r->shrink}, r->config.ngamma};
  return write_curves(dir, &cv, scripts, err);
}

rmtmc_status rmtmc_plot_mixture(const char *dir, const rmtmc_mixture_result *r,
                                rmtmc_plot_scripts *scripts, rmtmc_error *err) {
  char title[1536];
  snprintf(title, sizeof title, "generative mixture (Prop B): c = %lld, k = %lld, d = %lld, n = %lld, %lld trials",
           (long long)r->c, (long long)r->config.k, (long long)r->config.d, (long long)r->config.n,
           (long long)r->config.run.trials);
  curves cv = {title, "gamma", "ridge gamma (log scale)", 1,
               {"etest"},
               {"E_test = (1/c) sum_a (||p_a - W^T mu_a||^2 + ||W||_F^2)"},
               {r->etest}, r->config.ngamma};
  return write_curves(dir, &cv, scripts, err);
}

rmtmc_status rmtmc_plot_ridge(const char *dir, const rmtmc_ridge_result *r,
                              rmtmc_plot_scripts *scripts, rmtmc_error *err) {
  char title[1536];
  snprintf(title, sizeof title, "ridge: d = %lld, n = %lld, sigma %s, ||beta||^2 = %g, sigma2 = %g, %lld trials",
           (long long)r->config.d, (long long)r->config.n, r->config.sigma, r->config.signal,
           r->config.noise, (long long)r->config.run.trials);
  curves cv = {title, "lambda", "ridge lambda (log scale)", 4,
               {"risk", "train", "gcv", "dof"},
               {"excess risk (bhat-beta)^T Sigma (bhat-beta)", "training error (1/n) ||y - X bhat||^2",
                "GCV (theory: risk + sigma2)", "1 - tr H / n (theory: lambda / kappa)"},
               {r->risk, r->train, r->gcv, r->dof}, r->config.nlam};
  return write_curves(dir, &cv, scripts, err);
}

/* -------------------------------- edge -------------------------------- */
#include "rmtmc_edge_study.h"

static void safe_spec(const char *spec, char *out, size_t len);

static rmtmc_status edge_gp(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_edge_result *r = ctx;
  const rmtmc_edge_config *c = &r->config;
  int bot = r->bottom.sorted != NULL, top = r->top.sorted != NULL;
  header(f, "plot_edge.gp", "standardised extreme eigenvalues (edge_density.csv, edge_samples.csv) vs Tracy-Widom");
  fprintf(f, "set key top left box opaque\n");
  char title[400], sg[96];
  safe_spec(c->sigma, sg, sizeof sg); /* a file's path is user text: never in a script */
  snprintf(title, sizeof title, "d = %lld, n = %lld, %lld trials, sigma %s, entries %s", (long long)c->d,
           (long long)c->n, (long long)c->run.trials, sg, c->entries);
  rmtmc_plot_loop_begin(f, "edge_hist", 1000, 620);
  fprintf(f, "  set title \"Standardised extreme eigenvalues vs the TW%d density: %s\"\n", r->beta, title);
  fprintf(f, "  set xlabel \"standardised statistic: (lambda_max - mu)/sigma at the top, (mu - lambda_min)/sigma at the bottom (log scale: log(lambda/mu)/tau)\"\n");
  fprintf(f, "  set ylabel \"density\"\n  set style fill transparent solid 0.35 border\n  set yrange [0:*]\n");
  fprintf(f, "  plot ");
  if (top)
    fprintf(f, "\"edge_density.csv\" skip 1 using 1:3 with boxes lc rgb \"#4477aa\" title \"lambda_max (KS p = %.3g)\", \\\n       ",
            r->top.ks_p);
  if (bot)
    fprintf(f, "\"edge_density.csv\" skip 1 using 1:4 with boxes lc rgb \"#228833\" title \"lambda_min, mirrored (KS p = %.3g)\", \\\n       ",
            r->bottom.ks_p);
  fprintf(f, "\"edge_density.csv\" skip 1 using 1:2 with lines lw 2.5 lc rgb \"#cc3311\" title \"TW%d density\"\n", r->beta);
  rmtmc_plot_loop_end(f);
  fprintf(f, "set style fill empty\nset yrange [*:*]\n");
  rmtmc_plot_loop_begin(f, "edge_qq", 760, 700);
  fprintf(f, "  set title \"QQ plot against TW%d: %s\" noenhanced\n", r->beta, title);
  fprintf(f, "  set xlabel \"TW%d quantile at (i + 1/2)/trials\"\n  set ylabel \"sample quantile of the standardised statistic\"\n", r->beta);
  fprintf(f, "  plot x with lines dt 2 lc rgb \"#555555\" title \"y = x\"");
  if (top) fprintf(f, ", \\\n       \"edge_samples.csv\" skip 1 using 2:3 with points pt 7 ps 0.5 lc rgb \"#4477aa\" title \"lambda_max\"");
  if (bot) fprintf(f, ", \\\n       \"edge_samples.csv\" skip 1 using 2:4 with points pt 7 ps 0.5 lc rgb \"#228833\" title \"lambda_min (mirrored)\"");
  fprintf(f, "\n");
  rmtmc_plot_loop_end(f);
  return RMTMC_OK;
}

/* ------------------------------ resolvent ----------------------------- */

/* Sigma's spec for a title: the built-in specs as given (only characters a
 * gnuplot string cannot misread), a file's path never (it is user text:
 * result.json has it). */
static void safe_spec(const char *spec, char *out, size_t len) {
  if (strncmp(spec, "file:", 5) == 0 || strncmp(spec, "matrix:", 7) == 0) {
    snprintf(out, len, "%s (file in result.json)", spec[0] == 'f' ? "file:" : "matrix:");
    return;
  }
  for (const char *p = spec; *p; ++p)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || strchr(":.,+-_", *p))) {
      snprintf(out, len, "(see result.json)");
      return;
    }
  snprintf(out, len, "%s", spec);
}

typedef struct rsv_plot {
  const rmtmc_resolvent_result *r;
  int npanel;
  int fun[RMTMC_RSV_FUN_VECTOR + RMTMC_RSV_MAX_VECTORS];
  const char *name[RMTMC_RSV_FUN_VECTOR + RMTMC_RSV_MAX_VECTORS];
} rsv_plot;

static void rsv_panels(rsv_plot *P, const rmtmc_resolvent_result *r) {
  P->r = r;
  P->npanel = 0;
  int last = -1;
  for (int64_t k = 0; k < r->nrows; ++k)
    if (r->rows[k].fun != last) {
      last = r->rows[k].fun;
      P->fun[P->npanel] = last;
      P->name[P->npanel++] = r->rows[k].name;
    }
}

static rmtmc_status resolvent_real_gp(FILE *f, const void *ctx, rmtmc_error *err) {
  const rsv_plot *P = ctx;
  const rmtmc_resolvent_result *r = P->r;
  int cols = P->npanel < 3 ? P->npanel : 3, rows = (P->npanel + cols - 1) / cols;
  header(f, "plot_resolvent.gp", "resolvent functionals against real z (functionals.csv, resolvent_curve.csv)");
  fprintf(f, "set logscale x\nset bars 2\nset key top right box opaque\nset offsets 0, 0, graph 0.1, graph 0.1\n");
  fprintf(f, "set xrange [%.17g:%.17g]\n", r->curve_z[0], r->curve_z[r->ncurve - 1]);
  fprintf(f, "set xlabel \"z (real, log scale)\"\n");
  rmtmc_plot_loop_begin(f, "resolvent", 420 * cols, 340 * rows + 60);
  char sg[96];
  safe_spec(r->config.sigma, sg, sizeof sg);
  fprintf(f, "  set multiplot layout %d,%d title \"Q(z) = (S + zI)^-1: d = %lld, n = %lld, %lld trials, sigma %s, entries %s; "
             "line: deterministic equivalent, points: Monte Carlo mean +- 2 standard errors\"\n",
          rows, cols, (long long)r->config.d, (long long)r->config.n, (long long)r->config.run.trials, sg,
          r->config.entries);
  for (int p = 0; p < P->npanel; ++p) {
    const rmtmc_rsv_fun_info *fi = rmtmc_rsv_fun_describe(P->fun[p]);
    int col = -1;
    for (int k = 0; k < r->ncurve_fun; ++k)
      if (r->curve_fun[k] == P->fun[p]) col = k + 2;
    fprintf(f, "  set title \"%s = %s\"\n  set ylabel \"\"\n", P->name[p], fi->symbol);
    if (col > 0)
      fprintf(f,
              "  plot \"resolvent_curve.csv\" skip 1 using 1:%d with lines lw 2 lc rgb \"#cc3311\" title \"theory\", \\\n"
              "       \"functionals.csv\" skip 1 using ($1==%d && $6==0 ? $5 : NaN):($1==%d && $6==0 ? $8 : NaN):(2*$9) "
              "with yerrorbars pt 7 ps 0.8 lc rgb \"#4477aa\" title \"Monte Carlo\"\n",
              col, p + 1, p + 1);
    else /* diag_dev: no curve (theory 0) */
      fprintf(f,
              "  plot 0 with lines lw 2 lc rgb \"#cc3311\" title \"theory (limit 0)\", \\\n"
              "       \"functionals.csv\" skip 1 using ($1==%d && $6==0 ? $5 : NaN):($1==%d && $6==0 ? $8 : NaN):(2*$9) "
              "with yerrorbars pt 7 ps 0.8 lc rgb \"#4477aa\" title \"Monte Carlo\"\n",
              p + 1, p + 1);
  }
  fprintf(f, "  unset multiplot\n");
  rmtmc_plot_loop_end(f);
  return RMTMC_OK;
}

rmtmc_status rmtmc_plot_edge(const char *dir, const rmtmc_edge_result *r, rmtmc_plot_scripts *scripts,
                             rmtmc_error *err) {
  if (scripts) scripts->count = 0;
  if (!r->top.sorted && !r->bottom.sorted) return RMTMC_OK; /* no Tracy-Widom edge to draw */
  rmtmc_status st = write_in(dir, "plot_edge.gp", edge_gp, r, err);
  if (st == RMTMC_OK) add_script(scripts, "plot_edge.gp");
  return st;
}

static rmtmc_status resolvent_complex_gp(FILE *f, const void *ctx, rmtmc_error *err) {
  const rsv_plot *P = ctx;
  const rmtmc_resolvent_result *r = P->r;
  const rmtmc_resolvent_config *c = &r->config;
  int cols = P->npanel < 3 ? P->npanel : 3, rows = (P->npanel + cols - 1) / cols;
  header(f, "plot_resolvent_complex.gp", "resolvent functionals at the complex z (functionals.csv)");
  int64_t nc = 0;
  for (int64_t j = 0; j < c->nz; ++j) nc += c->z_im[j] != 0.0;
  fprintf(f, "set bars 2\nset offsets 0, 0, graph 0.12, graph 0.12\nset xrange [0.5:%lld.5]\n", (long long)nc);
  fprintf(f, "set xtics (");
  int64_t at = 0;
  for (int64_t j = 0; j < c->nz; ++j)
    if (c->z_im[j] != 0.0) {
      ++at;
      fprintf(f, "%s\"%.4g%+.4gi\" %lld", at > 1 ? ", " : "", c->z_re[j], c->z_im[j], (long long)at);
    }
  fprintf(f, ")\nset xlabel \"z\"\n");
  rmtmc_plot_loop_begin(f, "resolvent_complex", 420 * cols, 360 * rows + 60);
  char sg[96];
  safe_spec(c->sigma, sg, sizeof sg);
  fprintf(f, "  set multiplot layout %d,%d title \"Q(z) = (S + zI)^-1 at complex z: d = %lld, n = %lld, %lld trials, sigma %s; "
             "filled: Monte Carlo mean +- 2 standard errors, open: theory\"\n",
          rows, cols, (long long)c->d, (long long)c->n, (long long)c->run.trials, sg);
  for (int p = 0; p < P->npanel; ++p) {
    const rmtmc_rsv_fun_info *fi = rmtmc_rsv_fun_describe(P->fun[p]);
    fprintf(f, "  set title \"%s = %s\"\n", P->name[p], fi->symbol);
    fprintf(f, p == 0 ? "  set key top right box opaque font \",8\"\n" : "  unset key\n");
    for (int im = 0; im < 2; ++im) {
      const char *part = im ? "im" : "re";
      double dx = im ? 0.1 : -0.1;
      fprintf(f, "%s\"functionals.csv\" skip 1 using ($1==%d && $6!=0 && strcol(4) eq \"%s\" ? $19%+.1f : NaN):"
                 "($1==%d && $6!=0 && strcol(4) eq \"%s\" ? $8 : NaN):(2*$9) with yerrorbars pt %d lc rgb \"%s\" "
                 "title \"%s, Monte Carlo\", \\\n",
              im ? "       " : "  plot ", p + 1, part, dx, p + 1, part, im ? 5 : 7, im ? "#228833" : "#4477aa",
              im ? "Im" : "Re");
      fprintf(f, "       \"functionals.csv\" skip 1 using ($1==%d && $6!=0 && strcol(4) eq \"%s\" ? $19%+.1f : NaN):"
                 "($1==%d && $6!=0 && strcol(4) eq \"%s\" ? $11 : NaN) with points pt %d ps 2 lw 2 lc rgb \"%s\" "
                 "title \"%s, theory\"%s\n",
              p + 1, part, dx, p + 1, part, im ? 4 : 6, im ? "#ee7733" : "#cc3311", im ? "Im" : "Re",
              im ? "" : ", \\");
    }
  }
  fprintf(f, "  unset multiplot\n");
  rmtmc_plot_loop_end(f);
  return RMTMC_OK;
}

rmtmc_status rmtmc_plot_resolvent(const char *dir, const rmtmc_resolvent_result *r, rmtmc_plot_scripts *scripts,
                                  rmtmc_error *err) {
  if (scripts) scripts->count = 0;
  rsv_plot P;
  rsv_panels(&P, r);
  int have_complex = 0;
  for (int64_t j = 0; j < r->config.nz; ++j) have_complex |= r->config.z_im[j] != 0.0;
  rmtmc_status st = RMTMC_OK;
  if (r->ncurve > 0) {
    st = write_in(dir, "plot_resolvent.gp", resolvent_real_gp, &P, err);
    if (st == RMTMC_OK) add_script(scripts, "plot_resolvent.gp");
  }
  if (st == RMTMC_OK && have_complex) {
    st = write_in(dir, "plot_resolvent_complex.gp", resolvent_complex_gp, &P, err);
    if (st == RMTMC_OK) add_script(scripts, "plot_resolvent_complex.gp");
  }
  return st;
}
