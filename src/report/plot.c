/* plot.c: gnuplot scripts (and the CSV they need) for a study written with
 * --out DIR.  Each script is run from DIR and draws its picture twice, into
 * PNG and SVG.  Pictures and their conventions: docs/pictures.md.
 *
 * Labels use gnuplot's enhanced text (sub- and superscripts) and Unicode
 * symbols.  Text a user gave (a Sigma spec, a file name) never enters a
 * script: it goes into DIR/plot_labels.txt, one label per line, which the
 * script reads as data (strcol) and draws with `noenhanced`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rmtmc_plot.h"
#include "rmtmc_report.h"
#include "rmtmc_verdict.h"

/* enhanced: labels in gnuplot's enhanced text (^{...}, _{...}), font 11;
 * else plain text, font 10 (the resolvent's scripts, whose labels are
 * written as plain text). */
static void loop_begin(FILE *f, const char *stem, int width, int height, int enhanced) {
  const char *mode = enhanced ? "enhanced" : "noenhanced";
  fprintf(f,
          "do for [fmt in \"png svg\"] {\n"
          "  if (fmt eq \"png\") {\n"
          "    if (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) {\n"
          "      set terminal pngcairo size %d,%d %s font \"%s\"\n"
          "    } else {\n"
          "      set terminal png size %d,%d %s\n"
          "    }\n"
          "  } else {\n"
          "    set terminal svg size %d,%d %s dynamic font \"sans,%d\"\n"
          "  }\n"
          "  set output \"%s.\".fmt\n",
          width, height, mode, enhanced ? "sans,11" : ",10", width, height, mode, width, height, mode,
          enhanced ? 11 : 10, stem);
}

void rmtmc_plot_loop_begin(FILE *f, const char *stem, int width, int height) {
  loop_begin(f, stem, width, height, 1);
}

void rmtmc_plot_loop_begin_plain(FILE *f, const char *stem, int width, int height) {
  loop_begin(f, stem, width, height, 0);
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

/* A number for a CSV a script reads: "nan" when not finite (a gap in a
 * line), else 17 digits. */
static void csv_num(FILE *f, double v, const char *sep) {
  if (isfinite(v)) fprintf(f, "%.17g%s", v, sep);
  else fprintf(f, "nan%s", sep);
}

/* The script's first lines; plain: the key inside the plot and the default
 * grid of the plain-text scripts (loop_begin(..., 0)). */
static void header_as(FILE *f, const char *script, const char *what, int plain) {
  fprintf(f,
          "# %s: written by rmtmc; %s\n"
          "# Run from this directory: gnuplot %s   (needs gnuplot, e.g. apt-get install gnuplot-nox)\n"
          "set datafile separator \",\"\n"
          "%s\n",
          script, what, script, plain ? "set key top right box opaque\nset grid" : "set grid lc rgb \"#d8d8d8\"");
}

static void header(FILE *f, const char *script, const char *what) { header_as(f, script, what, 0); }

void rmtmc_plot_key_below(FILE *f, const char *indent, int entries, int maxcols, int rotated_tics) {
  int rows = (entries + maxcols - 1) / maxcols;
  fprintf(f, "%sset key below center horizontal box maxcols %d height 0.6\n%sset bmargin %.1f\n", indent, maxcols,
          indent, 4.2 + 1.35 * rows + (rotated_tics ? 1.4 : 0.0));
}

/* ---- user text: DIR/plot_labels.txt, read by the scripts as data ---- */
#define MAX_LABELS 4
typedef struct labels {
  int n;
  char text[MAX_LABELS][1200];
} labels;

/* Adds a label (tabs, newlines and double quotes replaced: the file is
 * data, one label per line); returns its line. */
static int label_add(labels *L, const char *fmt, const char *a, const char *b) {
  if (L->n >= MAX_LABELS) return MAX_LABELS - 1;
  char *t = L->text[L->n];
  snprintf(t, sizeof L->text[0], fmt, a, b ? b : "");
  for (char *p = t; *p; ++p)
    if (*p == '\t' || *p == '\n' || *p == '\r' || *p == '"') *p = *p == '"' ? '\'' : ' ';
  return L->n++;
}

static rmtmc_status labels_txt(FILE *f, const void *ctx, rmtmc_error *err) {
  const labels *L = ctx;
  for (int i = 0; i < L->n; ++i) fprintf(f, "%s\n", L->text[i][0] ? L->text[i] : " ");
  return RMTMC_OK;
}

/* Script lines that read label `line` of plot_labels.txt into `var`. */
static void label_read(FILE *f, int line, const char *var) {
  fprintf(f,
          "set datafile separator \"\\t\"\n"
          "set table $rmtmc_unused\n"
          "plot \"plot_labels.txt\" every ::%d::%d using (%s = strcol(1), 0):(0) with table\n"
          "unset table\n"
          "set datafile separator \",\"\n",
          line, line, var);
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

/* "(1/d) tr (S - zI)^-2" -> "(1/d) tr (S − zI)^{−2}" (enhanced text). */
static void gp_math(char *out, size_t size, const char *in) {
  size_t u = 0;
  for (const char *p = in; *p && u + 8 < size; ++p) {
    if (*p == '^' && p[1] == '-') {
      u += (size_t)snprintf(out + u, size - u, "^{\xe2\x88\x92");
      ++p;
      while (p[1] >= '0' && p[1] <= '9' && u + 3 < size) out[u++] = *++p;
      out[u++] = '}';
    } else if (*p == '-' && p[1] == ' ' && u > 0 && out[u - 1] == ' ') {
      u += (size_t)snprintf(out + u, size - u, "\xe2\x88\x92"); /* a minus sign */
    } else {
      out[u++] = *p;
    }
  }
  out[u] = '\0';
}

/* ------------------------------------------------------------------------ */
/* The density picture (spectrum study and `rmtmc theory`)                  */
/* ------------------------------------------------------------------------ */

/* What the density picture shows. */
typedef struct density_pic {
  const char *title;                 /* enhanced text, our own */
  const rmtmc_limit_spectrum *ls;
  const rmtmc_density_curve *curve;  /* the theory density (finite-d law) */
  int histogram;                     /* density.csv holds an empirical histogram */
  int64_t bins;
  double lo, hi;                     /* x range of the data */
  double ymax_data;                  /* largest histogram / bin-averaged theory value */
  double atom_emp;                   /* NAN: none */
  const rmtmc_stat *emp_top, *emp_bottom; /* empirical extremes (NULL: none) */
  int user_label;                    /* line of plot_labels.txt (-1: none) */
} density_pic;

static rmtmc_status density_curve_csv(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_density_curve *c = ctx;
  fprintf(f, "x,density\n");
  for (int64_t i = 0; i < c->n; ++i) {
    csv_num(f, c->x[i], ",");
    csv_num(f, c->f[i], "\n");
  }
  return RMTMC_OK;
}

/* Whether the density picture takes a log λ axis: a theory-only law, no
 * atom, spread over more than two decades. */
static int density_logx(int histogram, double atom, double lo, double hi) {
  return !histogram && !(atom > 0) && lo > 0 && hi >= 100.0 * lo;
}

static rmtmc_status density_gp(FILE *f, const void *ctx, rmtmc_error *err) {
  const density_pic *p = ctx;
  const rmtmc_limit_spectrum *ls = p->ls;
  header(f, "plot_density.gp",
         p->histogram ? "pooled eigenvalue histogram (density.csv) vs the theory density (density_curve.csv)"
                      : "the theory density (density.csv)");
  double lo = p->lo, hi = p->hi, atom = ls->atom;
  for (int64_t i = 0; i < ls->noutliers; ++i)
    if (ls->outliers[i].separated) {
      lo = fmin(lo, ls->outliers[i].location);
      hi = fmax(hi, ls->outliers[i].location);
    }
  if (atom > 0) lo = fmin(lo, 0.0);
  /* A law spread over more than two decades (no histogram, no atom): log λ
   * axis and λ times the density, the mass per unit of ln λ, so that every
   * part of the support shows (ar1:0.9 at eta = 0.1 spans 0.03 to 20). */
  int logx = density_logx(p->histogram, atom, lo, hi);
  double pad = 0.04 * (hi - lo), ydata = logx ? 0.0 : p->ymax_data;
  for (int64_t i = 0; i < p->curve->n; ++i) /* the curve, but not its rise at a hard edge */
    if (!(p->curve->hard_edge_at_zero && p->curve->x[i] < lo + 0.02 * (hi - lo)))
      ydata = fmax(ydata, logx ? p->curve->x[i] * p->curve->f[i] : p->curve->f[i]);
  double ymax = ydata > 0 ? 1.2 * ydata : 1.0;
  if (p->user_label >= 0) label_read(f, p->user_label, "user_text");
  if (logx)
    fprintf(f, "set logscale x\nset xrange [%.17g:%.17g]\n", lo / 1.2, hi * 1.2);
  else
    fprintf(f, "set xrange [%.17g:%.17g]\n", lo - pad, hi + pad);
  fprintf(f, "set yrange [0:%.17g]\n", ymax);
  fprintf(f, "set title \"%s\"\n", p->title);
  if (p->user_label >= 0) fprintf(f, "set label 20 user_text at graph 0.5, graph 1.02 center noenhanced front\n");
  fprintf(f, "set xlabel \"eigenvalue λ of S%s\"\n",
          p->histogram ? "  (histogram pooled over the trials)" : logx ? " (log scale)" : "");
  fprintf(f, "set ylabel \"%s\"\n", logx ? "λ × density: mass per unit of ln λ (absolutely continuous part)"
                                            : "density of the absolutely continuous part");
  fprintf(f, "set tmargin 5\nset style fill solid 0.35 border lc rgb \"#4477aa\"\n");
  if (atom > 0) { /* the atom at 0: a spike of its mass on the right axis */
    fprintf(f, "set y2range [0:1.05]\nset y2tics 0.2 nomirror\nset ytics nomirror\n"
               "set y2label \"mass of the atom at 0 (spike)\"\n");
    fprintf(f, "$atom << EOD\n0,%.17g,", atom);
    csv_num(f, p->atom_emp, "\n");
    fprintf(f, "EOD\n");
    fprintf(f, "set label 10 \"atom at 0 (spike, right axis): mass %.4g", atom);
    if (isfinite(p->atom_emp)) fprintf(f, ", empirical %.4g", p->atom_emp);
    fprintf(f, "\" at first 0, graph 0.955 offset char 0.8,0 left textcolor rgb \"#cc3311\" front\n");
  }
  /* the outliers: predicted (BBP) and, for the most extreme, empirical */
  double ytop = 0.955 * ymax;
  int nbbp = 0;
  fprintf(f, "$bbp << EOD\n");
  for (int64_t i = 0; i < ls->noutliers; ++i)
    if (ls->outliers[i].separated) {
      fprintf(f, "%.17g,%.17g,%.17g\n", ls->outliers[i].location, ytop, ls->outliers[i].ell);
      ++nbbp;
    }
  fprintf(f, "EOD\n$emp << EOD\n");
  int nemp = 0;
  double top = -INFINITY, bottom = INFINITY;
  for (int64_t i = 0; i < ls->noutliers; ++i)
    if (ls->outliers[i].separated) {
      top = fmax(top, ls->outliers[i].above ? ls->outliers[i].location : -INFINITY);
      bottom = fmin(bottom, ls->outliers[i].above ? INFINITY : ls->outliers[i].location);
    }
  if (p->emp_top && isfinite(top) && isfinite(p->emp_top->mean)) {
    fprintf(f, "%.17g,%.17g,%.17g\n", p->emp_top->mean, 0.9 * ymax, 2.0 * p->emp_top->stderr_);
    ++nemp;
  }
  if (p->emp_bottom && isfinite(bottom) && isfinite(p->emp_bottom->mean)) {
    fprintf(f, "%.17g,%.17g,%.17g\n", p->emp_bottom->mean, 0.9 * ymax, 2.0 * p->emp_bottom->stderr_);
    ++nemp;
  }
  fprintf(f, "EOD\n");
  for (int64_t i = 0, k = 0; i < ls->noutliers; ++i)
    if (ls->outliers[i].separated)
      fprintf(f, "set label %lld \"BBP: spike %.4g → %.5g\" at first %.17g, first %.17g %s offset char %s,0 "
                 "textcolor rgb \"#117733\" front\n",
              (long long)(30 + k++), ls->outliers[i].ell, ls->outliers[i].location, ls->outliers[i].location, ytop,
              ls->outliers[i].location > 0.5 * (lo + hi) ? "right" : "left",
              ls->outliers[i].location > 0.5 * (lo + hi) ? "-0.5" : "0.5");
  rmtmc_plot_key_below(f, "", p->histogram + 1 + (atom > 0) + (atom > 0 && isfinite(p->atom_emp)) + (nbbp > 0) + (nemp > 0), 2,
            0);
  rmtmc_plot_loop_begin(f, "density", 1000, 660);
  fprintf(f, "  plot ");
  const char *sep = "";
  if (p->histogram) {
    fprintf(f, "\"density.csv\" skip 1 using 3:5:($2-$1) with boxes lc rgb \"#4477aa\" title \"empirical "
               "(pooled, %lld bins)\"",
            (long long)p->bins);
    sep = ", \\\n       ";
  }
  fprintf(f, "%s\"density_curve.csv\" skip 1 using 1:%s with lines lw 2.2 lc rgb \"#cc3311\" title \"theory "
             "(finite-d population, η = d/n)%s\"",
          sep, logx ? "($1*$2)" : "2", logx ? ", λ × density" : "");
  if (atom > 0)
    fprintf(f, ", \\\n       $atom using 1:2 axes x1y2 with impulses lw 5 lc rgb \"#cc3311\" title \"atom at 0, "
               "theory (mass: right axis)\""
               "%s",
            isfinite(p->atom_emp) ? ", \\\n       $atom using 1:3 axes x1y2 with points pt 7 ps 1.4 lc rgb "
                                    "\"#4477aa\" title \"atom at 0, empirical\""
                                  : "");
  if (nbbp > 0)
    fprintf(f, ", \\\n       $bbp using 1:(0):(0):2 with vectors nohead dt 2 lw 1.5 lc rgb \"#117733\" title "
               "\"predicted outlier (BBP)\"");
  if (nemp > 0)
    fprintf(f, ", \\\n       $emp using 1:2:3 with xerrorbars pt 9 ps 1.6 lc rgb \"#882255\" title \"empirical "
               "extreme eigenvalue (mean ± 2 s.e.)\"");
  fprintf(f, "\n");
  rmtmc_plot_loop_end(f);
  return RMTMC_OK;
}

/* ------------------------------------------------------------------------ */
/* Per-z observables                                                         */
/* ------------------------------------------------------------------------ */

/* The theory along the lines of a z grid: one data set per line (two
 * blank lines apart), "nan" where the theory is not defined. */
static rmtmc_status zcurve_csv(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_zcurve *c = ctx;
  fprintf(f, "# line,z_im,z_re,theory_re,theory_im (one data set per line Im z = z_im; nan: not defined)\n");
  for (int64_t l = 0; l < c->nline; ++l) {
    if (l) fprintf(f, "\n\n");
    for (int64_t i = 0; i < c->npts; ++i) {
      int64_t q = l * c->npts + i;
      fprintf(f, "%lld,%.17g,", (long long)l, c->line_im[l]);
      csv_num(f, c->x[q], ",");
      csv_num(f, c->re[q], ",");
      csv_num(f, c->im[q], "\n");
    }
  }
  return RMTMC_OK;
}

static const char *line_color[RMTMC_ZCURVE_LINES] = {"#cc3311", "#0077bb", "#009988"};
static const char *point_color[RMTMC_ZCURVE_LINES] = {"#882255", "#33bbee", "#117733"};

/* y range [lo, hi] of values v[n] (finite ones), padded; the curve's values
 * count only within 3 times the spread of the points (it may have poles). */
static void yrange(const double *v, int64_t n, const rmtmc_zcurve *c, int part, double *lo, double *hi) {
  double a = INFINITY, b = -INFINITY;
  for (int64_t i = 0; i < n; ++i)
    if (isfinite(v[i])) {
      a = fmin(a, v[i]);
      b = fmax(b, v[i]);
    }
  if (!(b >= a)) a = -1, b = 1;
  double span = fmax(b - a, 1e-12 * fmax(1.0, fabs(a))), ca = a - 3 * span, cb = b + 3 * span;
  for (int64_t i = 0; c && i < c->nline * c->npts; ++i) {
    double y = part ? c->im[i] : c->re[i];
    if (isfinite(y) && y > ca && y < cb) {
      a = fmin(a, y);
      b = fmax(b, y);
    }
  }
  span = fmax(b - a, 1e-9 * fmax(1.0, fabs(a)));
  *lo = a - 0.08 * span;
  *hi = b + 0.08 * span;
}

/* A per-z observable's picture: its rows (CSV <key>.csv), the theory curve
 * (<key>_curve.csv) and the text. */
typedef struct zobs_plot {
  const rmtmc_spectrum_result *r;
  int kind;
  int user_label;
  char script[64], csv[80], curve_csv[80], stem[64];
} zobs_plot;

static rmtmc_status zobs_gp(FILE *f, const void *ctx, rmtmc_error *err) {
  const zobs_plot *zp = ctx;
  const rmtmc_spectrum_result *r = zp->r;
  const rmtmc_spectrum_config *c = &r->config;
  const rmtmc_zobs_info *o = rmtmc_zobs_describe(zp->kind);
  const rmtmc_zobs_table *t = &r->zobs[zp->kind];
  const rmtmc_stieltjes_row *rows = t->rows;
  const rmtmc_zcurve *cv = &t->curve;
  int m = zp->kind == RMTMC_ZOBS_STIELTJES, axis = cv->nline > 0;
  char what[200], meaning[96], sym[24];
  snprintf(sym, sizeof sym, "%.*s", (int)strcspn(o->symbol, "("), o->symbol); /* "m", "m'" */
  gp_math(meaning, sizeof meaning, o->meaning);
  snprintf(what, sizeof what, "%s estimates (%s) vs the theory%s", m ? "Stieltjes transform" : o->title, zp->csv,
           axis ? " along the lines of the z grid" : "");
  header(f, zp->script, what);
  if (zp->user_label >= 0) label_read(f, zp->user_label, "user_text");
  /* the ranges of the four panels, from the points and the curve */
  int64_t nz = r->nz;
  double vals[4][4 * RMTMC_MAX_Z];
  int64_t nv[4] = {0, 0, 0, 0};
  for (int64_t k = 0; k < nz; ++k) {
    const rmtmc_stieltjes_row *w = &rows[k];
    for (int im = 0; im < 2; ++im) {
      double e = im ? w->im.mean : w->re.mean, s = im ? w->im.stderr_ : w->re.stderr_;
      double th = im ? w->theory_im : w->theory_re, b = im ? w->bias_im : w->bias_re;
      vals[im][nv[im]++] = e - 2 * s;
      vals[im][nv[im]++] = e + 2 * s;
      vals[im][nv[im]++] = th;
      vals[2 + im][nv[2 + im]++] = e - th - 2 * s;
      vals[2 + im][nv[2 + im]++] = e - th + 2 * s;
      vals[2 + im][nv[2 + im]++] = b;
      vals[2 + im][nv[2 + im]++] = 0.0;
    }
  }
  double ylo[4], yhi[4];
  for (int q = 0; q < 4; ++q) yrange(vals[q], nv[q], q < 2 && axis ? cv : NULL, q % 2, &ylo[q], &yhi[q]);
  if (axis) {
    double x0 = cv->x[0], x1 = cv->x[cv->npts - 1];
    fprintf(f, "set xrange [%.17g:%.17g]\n", x0, x1);
    fprintf(f, "set xlabel \"Re z\"\n");
  } else {
    fprintf(f, "set xrange [0.5:%lld.5]\n", (long long)nz);
    fprintf(f, "set xtics (");
    for (int64_t k = 0; k < nz; ++k)
      fprintf(f, "%s\"%.4g%+.4gi\" %lld", k ? ", " : "", rows[k].z_re, rows[k].z_im, (long long)(k + 1));
    fprintf(f, ") rotate by -30\n");
    fprintf(f, "set xlabel \"z (the grid's points, in the order of %s)\"\n", zp->csv);
  }
  /* real z only: the imaginary parts are 0, so only the real parts are drawn */
  int parts = 1;
  for (int64_t k = 0; k < nz; ++k) parts = rows[k].z_im != 0.0 ? 2 : parts;
  int H = parts == 2 ? 980 : 560;
  fprintf(f, "set bars 2\nset offsets 0, 0, 0, 0\n");
  rmtmc_plot_loop_begin(f, zp->stem, 1200, H);
  fprintf(f, "  set multiplot layout %d,2 %s title \"%s = %s: d = %lld, n = %lld, %lld trials; bars: mean ± 2 standard "
             "errors\\n \"\n",
          parts, parts == 2 ? "rowsfirst" : "columnsfirst", o->symbol, meaning, (long long)c->d, (long long)c->n,
          (long long)c->run.trials);
  if (zp->user_label >= 0)
    fprintf(f, "  set label 20 user_text at screen 0.5, screen %.4f center noenhanced front\n", 1.0 - 38.0 / H);
  const char *part[2] = {"Re", "Im"};
  for (int im = 0; im < parts; ++im) {
    int e = 3 + im, s = 5 + im, th = 7 + im;
    rmtmc_plot_key_below(f, "  ", axis ? 2 * (int)cv->nline : 2, 2, !axis);
    fprintf(f, "  set yrange [%.17g:%.17g]\n  set ylabel \"%s %s\"\n  unset arrow\n", ylo[im], yhi[im], part[im],
            o->symbol);
    fprintf(f, "  plot ");
    if (axis) {
      for (int64_t l = 0; l < cv->nline; ++l)
        fprintf(f, "\"%s\" index %lld using 3:%d with lines lw 2 lc rgb \"%s\" title \"theory, Im z = %.4g\", \\\n"
                   "       ",
                zp->curve_csv, (long long)l, 4 + im, line_color[l], cv->line_im[l]);
      for (int64_t l = 0; l < cv->nline; ++l)
        fprintf(f, "\"%s\" skip 1 using ($2==%.17g ? $1 : NaN):%d:(2*$%d) with yerrorbars pt 7 ps 1.1 lc rgb \"%s\" "
                   "title \"empirical, Im z = %.4g\"%s",
                zp->csv, cv->line_im[l], e, s, point_color[l], cv->line_im[l],
                l + 1 < cv->nline ? ", \\\n       " : "\n");
    } else {
      fprintf(f,
              "\"%s\" skip 1 using ($0+1):%d:(2*$%d) with yerrorbars pt 7 lc rgb \"#4477aa\" title \"empirical mean\", \\\n"
              "       \"%s\" skip 1 using ($0+1):%d with points pt 6 ps 2 lw 2 lc rgb \"#cc3311\" title \"theory\"\n",
              zp->csv, e, s, zp->csv, th);
    }
    if (im == 0 && zp->user_label >= 0) fprintf(f, "  unset label 20\n");
  }
  for (int im = 0; im < parts; ++im) {
    int e = 3 + im, s = 5 + im, t = 7 + im, b = 9 + im;
    fprintf(f, "  set yrange [%.17g:%.17g]\n", ylo[2 + im], yhi[2 + im]);
    fprintf(f, "  set ylabel \"%s (%s_{emp} − %s_{theory})\"\n", part[im], sym, sym);
    fprintf(f, "  set arrow from graph 0, first 0 to graph 1, first 0 nohead lc rgb \"black\"\n");
    rmtmc_plot_key_below(f, "  ", 2, 1, !axis);
    const char *x = axis ? "1" : "($0+1)";
    fprintf(f,
            "  plot \"%s\" skip 1 using %s:($%d-$%d):(2*$%d) with yerrorbars pt 7 lc rgb \"#4477aa\" title "
            "\"empirical − theory\", \\\n"
            "       \"%s\" skip 1 using %s:%d with points pt 4 ps 1.5 lw 2 lc rgb \"#228833\" title \"predicted 1/d "
            "bias %s\"\n",
            zp->csv, x, e, t, s, zp->csv, x, b, m ? "μ(z)/d" : "μ'(z)/d");
  }
  fprintf(f, "  unset arrow\n  unset multiplot\n");
  rmtmc_plot_loop_end(f);
  return RMTMC_OK;
}

rmtmc_status rmtmc_plot_spectrum(const char *dir, const rmtmc_spectrum_result *r,
                                 rmtmc_plot_scripts *scripts, rmtmc_error *err) {
  const rmtmc_spectrum_config *c = &r->config;
  if (scripts) scripts->count = 0;
  labels L = {.n = 0};
  int user = label_add(&L, "sigma %s, entries %s", c->sigma, c->entries);
  rmtmc_status st = write_in(dir, "plot_labels.txt", labels_txt, &L, err);
  double ymax = 0.0;
  for (int64_t b = 0; b < r->bins; ++b) ymax = fmax(ymax, fmax(r->density_emp[b], r->density_theory[b]));
  char title[256];
  snprintf(title, sizeof title, "Eigenvalues of S = XX^T/n: d = %lld, n = %lld (η = d/n = %.4g), %lld trials",
           (long long)c->d, (long long)c->n, r->eta, (long long)c->run.trials);
  density_pic dp = {.title = title, .ls = &r->limit, .curve = &r->density_curve, .histogram = 1, .bins = r->bins,
                    .lo = r->hist_lo, .hi = r->hist_hi, .ymax_data = ymax, .atom_emp = r->atom_emp,
                    .emp_top = &r->lam_max, .emp_bottom = &r->lam_min, .user_label = user};
  if (st == RMTMC_OK) st = write_in(dir, "density_curve.csv", density_curve_csv, &r->density_curve, err);
  if (st == RMTMC_OK) st = write_in(dir, "plot_density.gp", density_gp, &dp, err);
  if (st == RMTMC_OK) add_script(scripts, "plot_density.gp");
  for (int k = 0; k < RMTMC_ZOBS_COUNT && st == RMTMC_OK; ++k) {
    if (!r->zobs[k].rows) continue;
    zobs_plot zp = {.r = r, .kind = k, .user_label = user};
    const char *key = rmtmc_zobs_describe(k)->key;
    snprintf(zp.script, sizeof zp.script, "plot_%s.gp", key);
    snprintf(zp.csv, sizeof zp.csv, "%s.csv", key);
    snprintf(zp.curve_csv, sizeof zp.curve_csv, "%s_curve.csv", key);
    snprintf(zp.stem, sizeof zp.stem, "%s", key);
    if (r->zobs[k].curve.nline > 0) st = write_in(dir, zp.curve_csv, zcurve_csv, &r->zobs[k].curve, err);
    if (st == RMTMC_OK) st = write_in(dir, zp.script, zobs_gp, &zp, err);
    if (st == RMTMC_OK) add_script(scripts, zp.script);
  }
  return st;
}

/* ------------------------------------------------------------------------ */
/* `rmtmc theory`                                                            */
/* ------------------------------------------------------------------------ */

typedef struct theory_pic {
  const rmtmc_theory_study_result *t;
  int user_label;
} theory_pic;

/* The p-quantile of the finite values of part im of a curve, in [a, b]
 * (bisection on the count below). */
static double curve_quantile(const rmtmc_zcurve *cv, int im, double p, double a, double b) {
  int64_t cnt = 0, n = cv->nline * cv->npts;
  for (int64_t i = 0; i < n; ++i) cnt += isfinite(im ? cv->im[i] : cv->re[i]);
  for (int it = 0; it < 60; ++it) {
    double mid = 0.5 * (a + b);
    int64_t below = 0;
    for (int64_t i = 0; i < n; ++i) {
      double y = im ? cv->im[i] : cv->re[i];
      below += isfinite(y) && y <= mid;
    }
    if (below < p * (double)cnt) a = mid;
    else b = mid;
  }
  return p < 0.5 ? a : b;
}

static rmtmc_status theory_m_gp(FILE *f, const void *ctx, rmtmc_error *err) {
  const theory_pic *tp = ctx;
  const rmtmc_theory_study_result *t = tp->t;
  const rmtmc_zcurve *cv = &t->zcurve;
  const rmtmc_theory_study_config *c = &t->config;
  header(f, "plot_stieltjes.gp", "m(z) of the limit law along the real axis and the lines of the z asked for");
  if (tp->user_label >= 0) label_read(f, tp->user_label, "user_text");
  double vals[2][3 * RMTMC_MAX_Z];
  int64_t nv = 0;
  for (int64_t k = 0; k < c->nz; ++k) {
    vals[0][nv] = t->m_re[k];
    vals[1][nv] = t->m_im[k];
    ++nv;
  }
  double ylo[2], yhi[2];
  /* the curve's own spread sets the range when the points are few */
  for (int im = 0; im < 2; ++im) {
    double a = INFINITY, b = -INFINITY;
    for (int64_t i = 0; i < cv->nline * cv->npts; ++i) {
      double y = im ? cv->im[i] : cv->re[i];
      if (isfinite(y)) {
        a = fmin(a, y);
        b = fmax(b, y);
      }
    }
    /* clip the poles and the steep rise next to a hard edge: the central
     * 96 % of the curve's values plus the points */
    double q[2] = {a, b};
    if (isfinite(a)) {
      q[0] = curve_quantile(cv, im, 0.02, a, b);
      q[1] = curve_quantile(cv, im, 0.98, a, b);
    }
    for (int64_t k = 0; k < nv; ++k)
      if (isfinite(vals[im][k])) {
        q[0] = fmin(q[0], vals[im][k]);
        q[1] = fmax(q[1], vals[im][k]);
      }
    if (!(q[1] > q[0])) q[0] -= 1, q[1] += 1;
    double span = q[1] - q[0];
    ylo[im] = q[0] - 0.1 * span;
    yhi[im] = q[1] + 0.1 * span;
  }
  fprintf(f, "set xrange [%.17g:%.17g]\nset xlabel \"Re z\"\n", cv->x[0], cv->x[cv->npts - 1]);
  rmtmc_plot_key_below(f, "", (int)cv->nline + 1, 2, 0);
  rmtmc_plot_loop_begin(f, "stieltjes", 1200, 600);
  fprintf(f, "  set multiplot layout 1,2 title \"m(z) = ∫ dν(x)/(x − z) of the limit law at η = %.4g (d = %lld, "
             "n = %lld); gaps: the support\\n \"\n",
          c->eta, (long long)t->model.d, (long long)t->model.n);
  if (tp->user_label >= 0)
    fprintf(f, "  set label 20 user_text at screen 0.5, screen %.4f center noenhanced front\n", 1.0 - 38.0 / 600.0);
  const char *part[2] = {"Re", "Im"};
  for (int im = 0; im < 2; ++im) {
    fprintf(f, "  set yrange [%.17g:%.17g]\n  set ylabel \"%s m(z)\"\n  plot ", ylo[im], yhi[im], part[im]);
    for (int64_t l = 0; l < cv->nline; ++l)
      fprintf(f, "\"stieltjes_curve.csv\" index %lld using 3:%d with lines lw 2 lc rgb \"%s\" title \"Im z = %.4g\", "
                 "\\\n       ",
              (long long)l, 4 + im, line_color[l], cv->line_im[l]);
    fprintf(f, "\"stieltjes.csv\" skip 1 using 1:%d with points pt 7 ps 1.4 lc rgb \"black\" title \"the z asked "
               "for (--z)\"\n",
            3 + im);
    if (im == 0 && tp->user_label >= 0) fprintf(f, "  unset label 20\n");
  }
  fprintf(f, "  unset multiplot\n");
  rmtmc_plot_loop_end(f);
  return RMTMC_OK;
}

rmtmc_status rmtmc_plot_theory(const char *dir, const rmtmc_theory_study_result *t, rmtmc_plot_scripts *scripts,
                               rmtmc_error *err) {
  if (scripts) scripts->count = 0;
  const rmtmc_limit_spectrum *ls = &t->limit;
  labels L = {.n = 0};
  int user = label_add(&L, "sigma %s%s", t->config.sigma, NULL);
  rmtmc_status st = write_in(dir, "plot_labels.txt", labels_txt, &L, err);
  if (ls->support.nint < 1 || t->curve.n < 1) return st;
  /* the y range: the curve without the steep rise at a hard edge */
  double ymax = 0.0;
  for (int64_t i = 0; i < t->curve.n; ++i)
    if (!(t->curve.hard_edge_at_zero && t->curve.x[i] < 0.02 * ls->support.hi[ls->support.nint - 1]))
      ymax = fmax(ymax, t->curve.f[i]);
  char title[256];
  snprintf(title, sizeof title, "Limit eigenvalue density of S = XX^T/n at η = %.4g (finite-d population, d = %lld)",
           t->config.eta, (long long)t->model.d);
  density_pic dp = {.title = title, .ls = ls, .curve = &t->curve, .histogram = 0, .lo = ls->support.lo[0],
                    .hi = ls->support.hi[ls->support.nint - 1], .ymax_data = ymax, .atom_emp = NAN,
                    .user_label = user};
  /* On a log λ axis the points shared out by width leave the low decades
   * coarse: the picture draws its own curve of 4000 points there. */
  rmtmc_density_curve fine = {0};
  if (density_logx(0, ls->atom, dp.lo, dp.hi) && t->curve.n < 4000 && st == RMTMC_OK &&
      (st = rmtmc_limit_spectrum_density(ls, RMTMC_LAW_FINITE_D, 4000, &fine, err)) == RMTMC_OK)
    dp.curve = &fine;
  theory_pic tp = {.t = t, .user_label = user};
  if (st == RMTMC_OK) st = write_in(dir, "density_curve.csv", density_curve_csv, dp.curve, err);
  if (st == RMTMC_OK) st = write_in(dir, "plot_density.gp", density_gp, &dp, err);
  rmtmc_density_curve_free(&fine);
  if (st == RMTMC_OK) add_script(scripts, "plot_density.gp");
  if (st == RMTMC_OK && t->zcurve.nline > 0) {
    st = write_in(dir, "stieltjes_curve.csv", zcurve_csv, &t->zcurve, err);
    if (st == RMTMC_OK) st = write_in(dir, "plot_stieltjes.gp", theory_m_gp, &tp, err);
    if (st == RMTMC_OK) add_script(scripts, "plot_stieltjes.gp");
  }
  return st;
}

/* ------------------------------------------------------------------------ */
/* Generative and ridge: curves over gamma or lambda                         */
/* ------------------------------------------------------------------------ */
#define MAX_OBS 5
typedef struct curves {
  const char *title; /* our own text */
  const char *xname; /* gamma | lambda */
  const char *xlabel;
  int nobs;
  const char *name[MAX_OBS];  /* short, no commas */
  const char *label[MAX_OBS]; /* axis label (enhanced text) */
  const rmtmc_grid_row *rows[MAX_OBS];
  int64_t nrows;
  const rmtmc_curve *theory;  /* theory->y[o] for observable o */
  int user_label;
  /* ridge: the optimum and the ridgeless point, marked on panel 0 */
  double lam_opt;
  const rmtmc_grid_row *opt, *ridgeless;
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

static rmtmc_status theory_curves_csv(FILE *f, const void *ctx, rmtmc_error *err) {
  const curves *cv = ctx;
  fprintf(f, "%s", cv->xname);
  for (int o = 0; o < cv->nobs; ++o) fprintf(f, ",%s", cv->name[o]);
  fprintf(f, "\n");
  for (int64_t i = 0; i < cv->theory->n; ++i) {
    csv_num(f, cv->theory->x[i], "");
    for (int o = 0; o < cv->nobs; ++o) {
      fprintf(f, ",");
      csv_num(f, o < cv->theory->nq ? cv->theory->y[o][i] : NAN, "");
    }
    fprintf(f, "\n");
  }
  return RMTMC_OK;
}

static rmtmc_status curves_gp(FILE *f, const void *ctx, rmtmc_error *err) {
  const curves *cv = ctx;
  int have_theory = cv->theory && cv->theory->n > 1;
  header(f, "plot_curves.gp", have_theory ? "empirical (curves.csv) vs the theory (theory_curves.csv)"
                                          : "empirical vs theory (curves.csv)");
  if (cv->user_label >= 0) label_read(f, cv->user_label, "user_text");
  fprintf(f, "set logscale x\nset bars 2\nset xlabel \"%s\"\nset format x \"10^{%%L}\"\n", cv->xlabel);
  double xmin = INFINITY, xmax = -INFINITY;
  for (int64_t i = 0; i < cv->nrows; ++i) {
    xmin = fmin(xmin, cv->rows[0][i].x);
    xmax = fmax(xmax, cv->rows[0][i].x);
  }
  if (isfinite(cv->lam_opt) && cv->lam_opt > 0) {
    xmin = fmin(xmin, cv->lam_opt);
    xmax = fmax(xmax, cv->lam_opt);
  }
  if (have_theory) {
    xmin = fmin(xmin, cv->theory->x[0]);
    xmax = fmax(xmax, cv->theory->x[cv->theory->n - 1]);
  }
  double x0 = xmin / 1.25, x1 = xmax * 1.25;
  if (xmin > 0 && xmax >= xmin) fprintf(f, "set xrange [%.17g:%.17g]\n", x0, x1);
  if (xmax / xmin < 100) fprintf(f, "set format x \"%%g\"\n");
  int cols = cv->nobs <= 2 ? cv->nobs : 2, rowsn = (cv->nobs + cols - 1) / cols;
  int have_opt = cv->opt && isfinite(cv->lam_opt) && isfinite(cv->opt->emp.mean);
  int have_rl = cv->ridgeless && isfinite(cv->ridgeless->emp.mean) && isfinite(cv->ridgeless->emp.stderr_);
  if (have_opt)
    fprintf(f, "$opt << EOD\n%.17g,%.17g,%.17g\nEOD\n", cv->lam_opt, cv->opt->emp.mean, 2.0 * cv->opt->emp.stderr_);
  if (have_rl)
    fprintf(f, "$ridgeless << EOD\n%.17g,%.17g,%.17g\nEOD\n", x0 * 1.08, cv->ridgeless->emp.mean,
            2.0 * cv->ridgeless->emp.stderr_);
  rmtmc_plot_loop_begin(f, "curves", 620 * cols, 440 * rowsn + 110);
  fprintf(f, "  set multiplot layout %d,%d title \"%s\\nlines: theory; points: Monte Carlo (MC) mean ± 2 standard "
             "errors\\n \"\n",
          rowsn, cols, cv->title);
  if (cv->user_label >= 0)
    fprintf(f, "  set label 20 user_text at screen 0.5, screen %.4f center noenhanced front\n",
            1.0 - 56.0 / (440.0 * rowsn + 110.0));
  for (int o = 0; o < cv->nobs; ++o) {
    fprintf(f, "  set ylabel \"%s\"\n", cv->label[o]);
    /* every panel gets the bottom margin of the fullest key, so they line up */
    fprintf(f, "  set key below center horizontal box maxcols 2 height 0.6\n  set bmargin %.1f\n",
            4.2 + 1.35 * ((2 + have_opt + (cv->ridgeless != NULL) + have_rl + 1) / 2));
    if (o == 0 && isfinite(cv->lam_opt) && cv->lam_opt > 0)
      fprintf(f, "  set arrow 1 from %.17g, graph 0 to %.17g, graph 1 nohead dt 2 lw 1.5 lc rgb \"#117733\"\n"
                 "  set label 1 \"λ* = %.4g (optimal)\" at %.17g, graph 0.95 left offset char 0.5,0 textcolor rgb "
                 "\"#117733\"\n",
              cv->lam_opt, cv->lam_opt, cv->lam_opt, cv->lam_opt);
    fprintf(f, "  plot ");
    if (have_theory)
      fprintf(f, "\"theory_curves.csv\" skip 1 using 1:%d with lines lw 2 lc rgb \"#cc3311\" title \"theory\", "
                 "\\\n       ",
              o + 2);
    fprintf(f,
            "\"curves.csv\" skip 1 using ($1==%d ? $3 : NaN):($1==%d ? $4 : NaN):(2*$5) with yerrorbars pt 7 ps 1.1 "
            "lc rgb \"#4477aa\" title \"Monte Carlo\"",
            o + 1, o + 1);
    if (!have_theory)
      fprintf(f, ", \\\n       \"curves.csv\" skip 1 using ($1==%d ? $3 : NaN):($1==%d ? $6 : NaN) with "
                 "linespoints pt 6 ps 1.5 lw 2 lc rgb \"#cc3311\" title \"theory\"",
              o + 1, o + 1);
    if (o == 0 && have_opt)
      fprintf(f, ", \\\n       $opt using 1:2:3 with yerrorbars pt 5 ps 1.3 lc rgb \"#117733\" title \"Monte Carlo "
                 "at λ*\"");
    if (o == 0 && cv->ridgeless) { /* lambda -> 0: the limit as a level, the estimate at the left border */
      fprintf(f, ", \\\n       %.17g with lines dt 3 lw 1.5 lc rgb \"#882255\" title \"ridgeless limit\"",
              cv->ridgeless->theory);
      if (have_rl)
        fprintf(f, ", \\\n       $ridgeless using 1:2:3 with yerrorbars pt 9 ps 1.4 lc rgb \"#882255\" title "
                   "\"MC, min-norm (λ → 0+)\"");
    }
    fprintf(f, "\n");
    if (o == 0) fprintf(f, "  unset arrow 1\n  unset label 1\n%s", cv->user_label >= 0 ? "  unset label 20\n" : "");
  }
  fprintf(f, "  unset multiplot\n");
  rmtmc_plot_loop_end(f);
  return RMTMC_OK;
}

static rmtmc_status write_curves(const char *dir, const curves *cv, const labels *L, rmtmc_plot_scripts *scripts,
                                 rmtmc_error *err) {
  if (scripts) scripts->count = 0;
  rmtmc_status st = write_in(dir, "curves.csv", curves_csv, cv, err);
  if (st == RMTMC_OK && L) st = write_in(dir, "plot_labels.txt", labels_txt, L, err);
  if (st == RMTMC_OK && cv->theory && cv->theory->n > 1)
    st = write_in(dir, "theory_curves.csv", theory_curves_csv, cv, err);
  if (st == RMTMC_OK) st = write_in(dir, "plot_curves.gp", curves_gp, cv, err);
  if (st == RMTMC_OK) add_script(scripts, "plot_curves.gp");
  return st;
}

rmtmc_status rmtmc_plot_contexts(const char *dir, const rmtmc_contexts_result *r,
                                 rmtmc_plot_scripts *scripts, rmtmc_error *err) {
  char title[512];
  labels L = {.n = 0};
  int user = label_add(&L, "alpha %s%s", r->config.alpha, NULL);
  snprintf(title, sizeof title,
           "generative contexts (Prop. A): c = %lld contexts, k = %lld labels, d = %lld, n = %lld, %lld trials, %s "
           "counts",
           (long long)r->c, (long long)r->config.k, (long long)r->config.d, (long long)r->config.n,
           (long long)r->config.run.trials, r->config.counts == RMTMC_COUNTS_FIXED ? "fixed" : "multinomial");
  curves cv = {.title = title, .xname = "gamma", .xlabel = "ridge γ (log scale)", .nobs = 3,
               .name = {"etrain", "shrinkage", "spread"},
               .label = {"E_{train} = (1/c) ‖P − P̂‖_F^2", "shrinkage (1/c) Σ_a ⟨p̂_a, p_a⟩ / ‖p_a‖^2",
                         "spread (1/c) Σ_a ‖p̂_a − m_a‖^2"},
               .rows = {r->etrain, r->shrink, r->spread}, .nrows = r->config.ngamma, .theory = &r->theory_curve,
               .user_label = user, .lam_opt = NAN};
  return write_curves(dir, &cv, &L, scripts, err);
}

rmtmc_status rmtmc_plot_mixture(const char *dir, const rmtmc_mixture_result *r,
                                rmtmc_plot_scripts *scripts, rmtmc_error *err) {
  char title[512];
  labels L = {.n = 0};
  int user = label_add(&L, "means %s%s", r->config.means[0] ? r->config.means : "drawn at random", NULL);
  snprintf(title, sizeof title, "generative mixture (Prop. B): c = %lld classes, k = %lld, d = %lld, n = %lld, %lld "
           "trials",
           (long long)r->c, (long long)r->config.k, (long long)r->config.d, (long long)r->config.n,
           (long long)r->config.run.trials);
  curves cv = {.title = title, .xname = "gamma", .xlabel = "ridge γ (log scale)", .nobs = 1, .name = {"etest"},
               .label = {"E_{test} = (1/c) Σ_a (‖p_a − W^T μ_a‖^2 + ‖W‖_F^2)"}, .rows = {r->etest},
               .nrows = r->config.ngamma, .theory = &r->theory_curve, .user_label = user, .lam_opt = NAN};
  return write_curves(dir, &cv, &L, scripts, err);
}

rmtmc_status rmtmc_plot_ridge(const char *dir, const rmtmc_ridge_result *r,
                              rmtmc_plot_scripts *scripts, rmtmc_error *err) {
  char title[512];
  labels L = {.n = 0};
  int user = label_add(&L, "sigma %s%s", r->config.sigma, NULL);
  snprintf(title, sizeof title, "ridge regression: d = %lld, n = %lld, ‖β‖^2 = %g, σ^2 = %g, %lld trials",
           (long long)r->config.d, (long long)r->config.n, r->config.signal, r->config.noise,
           (long long)r->config.run.trials);
  curves cv = {.title = title, .xname = "lambda", .xlabel = "ridge λ (log scale)", .nobs = 4,
               .name = {"risk", "train", "gcv", "dof"},
               .label = {"excess risk (β̂ − β)^T Σ (β̂ − β)", "training error (1/n) ‖y − Xβ̂‖^2",
                         "GCV (theory: risk + σ^2)", "1 − tr H / n (theory: λ/κ)"},
               .rows = {r->risk, r->train, r->gcv, r->dof}, .nrows = r->config.nlam, .theory = &r->theory_curve,
               .user_label = user, .lam_opt = r->lam_opt, .opt = isfinite(r->lam_opt) ? &r->risk_opt : NULL,
               .ridgeless = r->has_ridgeless ? &r->ridgeless : NULL};
  return write_curves(dir, &cv, &L, scripts, err);
}

/* -------------------------------- edge -------------------------------- */
#include "rmtmc_edge_study.h"

static void safe_spec(const char *spec, char *out, size_t len);

static rmtmc_status edge_gp(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_edge_result *r = ctx;
  const rmtmc_edge_config *c = &r->config;
  int bot = r->bottom.sorted != NULL, top = r->top.sorted != NULL;
  header_as(f, "plot_edge.gp", "standardised extreme eigenvalues (edge_density.csv, edge_samples.csv) vs Tracy-Widom", 1);
  fprintf(f, "set key top left box opaque\n");
  char title[400], sg[96];
  safe_spec(c->sigma, sg, sizeof sg); /* a file's path is user text: never in a script */
  snprintf(title, sizeof title, "d = %lld, n = %lld, %lld trials, sigma %s, entries %s", (long long)c->d,
           (long long)c->n, (long long)c->run.trials, sg, c->entries);
  loop_begin(f, "edge_hist", 1000, 620, 0);
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
  loop_begin(f, "edge_qq", 760, 700, 0);
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
  size_t k = strlen(spec);
  for (const char *p = spec; *p; ++p)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || strchr(":.,+-_", *p))) k = len;
  if (k >= len) { /* user text beyond the safe set, or too long for a title: result.json has it */
    snprintf(out, len, "(see result.json)");
    return;
  }
  memcpy(out, spec, k + 1);
}

typedef struct rsv_plot {
  const rmtmc_resolvent_result *r;
  int user_label; /* line of plot_labels.txt: sigma and entries */
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
  header_as(f, "plot_resolvent.gp", "resolvent functionals against real z (functionals.csv, resolvent_curve.csv)", 1);
  fprintf(f, "set logscale x\nset bars 2\nset key top right box opaque\nset offsets 0, 0, graph 0.1, graph 0.1\n");
  fprintf(f, "set xrange [%.17g:%.17g]\n", r->curve_z[0], r->curve_z[r->ncurve - 1]);
  fprintf(f, "set xlabel \"z (real, log scale)\"\n");
  label_read(f, P->user_label, "user_text"); /* sigma and entries: user text, data only */
  loop_begin(f, "resolvent", 420 * cols, 340 * rows + 60, 0);
  fprintf(f, "  set multiplot layout %d,%d title \"Q(z) = (S + zI)^-1: d = %lld, n = %lld, %lld trials, \" . user_text . "
             "\"; line: deterministic equivalent, points: Monte Carlo mean +- 2 standard errors\"\n",
          rows, cols, (long long)r->config.d, (long long)r->config.n, (long long)r->config.run.trials);
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
  header_as(f, "plot_resolvent_complex.gp", "resolvent functionals at the complex z (functionals.csv)", 1);
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
  label_read(f, P->user_label, "user_text"); /* sigma and entries: user text, data only */
  loop_begin(f, "resolvent_complex", 420 * cols, 360 * rows + 60, 0);
  fprintf(f, "  set multiplot layout %d,%d title \"Q(z) = (S + zI)^-1 at complex z: d = %lld, n = %lld, %lld trials, \" . "
             "user_text . \"; filled: Monte Carlo mean +- 2 standard errors, open: theory\"\n",
          rows, cols, (long long)c->d, (long long)c->n, (long long)c->run.trials);
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
  labels L = {.n = 0};
  P.user_label = label_add(&L, "sigma %s, entries %s", r->config.sigma, r->config.entries);
  int have_complex = 0;
  for (int64_t j = 0; j < r->config.nz; ++j) have_complex |= r->config.z_im[j] != 0.0;
  rmtmc_status st = RMTMC_OK;
  if (r->ncurve > 0 || have_complex) st = write_in(dir, "plot_labels.txt", labels_txt, &L, err);
  if (st == RMTMC_OK && r->ncurve > 0) {
    st = write_in(dir, "plot_resolvent.gp", resolvent_real_gp, &P, err);
    if (st == RMTMC_OK) add_script(scripts, "plot_resolvent.gp");
  }
  if (st == RMTMC_OK && have_complex) {
    st = write_in(dir, "plot_resolvent_complex.gp", resolvent_complex_gp, &P, err);
    if (st == RMTMC_OK) add_script(scripts, "plot_resolvent_complex.gp");
  }
  return st;
}
