/* rmtmc_plot.h: pictures and the one-page HTML report of a study written
 * with --out DIR (docs/pictures.md).
 *
 * The library only writes files: gnuplot scripts beside the data (they read
 * the CSV files in DIR and write PNG and SVG pictures when run from DIR),
 * the CSV those scripts need, and DIR/report.html, which embeds the PNG
 * pictures present in DIR as base64 data URIs (and is still complete, with
 * a note in place of each picture, when none exist).  Running gnuplot is the
 * caller's business (the CLI does it in src/cli/plots.c). */
#ifndef RMTMC_PLOT_H
#define RMTMC_PLOT_H

#include <stdio.h>

#include "rmtmc_resolvent.h"
#include "rmtmc_spectrum.h"
#include "rmtmc_status.h"
#include "rmtmc_studies.h"
#include "rmtmc_theory_study.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A list of script names written into DIR (relative to DIR, run from DIR). */
#define RMTMC_PLOT_MAX_SCRIPTS 8
typedef struct rmtmc_plot_scripts {
  int count;
  char name[RMTMC_PLOT_MAX_SCRIPTS][64];
} rmtmc_plot_scripts;

/* Spectrum study: DIR/plot_density.gp (density.png/.svg: pooled histogram vs
 * the theory density, support edges, the atom at 0 when d > n) and, per
 * per-z observable, DIR/plot_<key>.gp (plot_stieltjes.gp: stieltjes.png/.svg,
 * Re and Im of m(z) with 2-standard-error bars vs the theory, against the
 * index of z; plot_stieltjes_derivative.gp likewise for m'(z)).  They read
 * density.csv and <key>.csv (rmtmc_spectrum_files). */
rmtmc_status rmtmc_plot_spectrum(const char *dir, const rmtmc_spectrum_result *r,
                                 rmtmc_plot_scripts *scripts, rmtmc_error *err);

/* Generative and ridge studies: DIR/curves.csv (columns obs, observable, x,
 * empirical, stderr, theory, zscore; one row per observable and grid point)
 * and DIR/plot_curves.gp (curves.png/.svg: one panel per observable,
 * empirical with 2-s.e. bars vs theory against gamma or lambda, log x). */
rmtmc_status rmtmc_plot_contexts(const char *dir, const rmtmc_contexts_result *r,
                                 rmtmc_plot_scripts *scripts, rmtmc_error *err);
rmtmc_status rmtmc_plot_mixture(const char *dir, const rmtmc_mixture_result *r,
                                rmtmc_plot_scripts *scripts, rmtmc_error *err);
rmtmc_status rmtmc_plot_ridge(const char *dir, const rmtmc_ridge_result *r,
                              rmtmc_plot_scripts *scripts, rmtmc_error *err);

/* `rmtmc theory`: DIR/plot_density.gp (density.png/.svg: the density of
 * the law at the finite-d population on its refined grid, the atom at 0 as
 * a labelled spike, the outliers' BBP locations) and DIR/plot_stieltjes.gp
 * with stieltjes_curve.csv (stieltjes.png/.svg: m along the real axis off
 * the support and along the lines of the complex z, the z asked for
 * marked). */
rmtmc_status rmtmc_plot_theory(const char *dir, const rmtmc_theory_study_result *r,
                               rmtmc_plot_scripts *scripts, rmtmc_error *err);
/* Edge study: DIR/plot_edge.gp (edge_hist.png/.svg: histogram of the
 * standardised lambda_max (and lambda_min) against the TW_beta density;
 * edge_qq.png/.svg: sample quantiles against TW_beta quantiles).  They read
 * edge_density.csv and edge_samples.csv (rmtmc_edge_files). */
struct rmtmc_edge_result;
rmtmc_status rmtmc_plot_edge(const char *dir, const struct rmtmc_edge_result *r,
                             rmtmc_plot_scripts *scripts, rmtmc_error *err);
rmtmc_status rmtmc_html_edge(const char *dir, const struct rmtmc_edge_result *r,
                             rmtmc_error *err);
/* Resolvent study: DIR/plot_resolvent.gp (resolvent.png/.svg: every
 * functional against the real z, the theory as a curve from
 * resolvent_curve.csv, Monte Carlo means with 2-standard-error bars from
 * functionals.csv, log z) when a real z was given, and
 * DIR/plot_resolvent_complex.gp (resolvent_complex.png/.svg: Re and Im of
 * every functional at each complex z, empirical with bars vs theory points)
 * when a complex z was. */
rmtmc_status rmtmc_plot_resolvent(const char *dir, const rmtmc_resolvent_result *r,
                                  rmtmc_plot_scripts *scripts, rmtmc_error *err);

/* DIR/report.html (single file).  Pictures: the PNG files named in the
 * writers above, embedded when present in DIR. */
rmtmc_status rmtmc_html_spectrum(const char *dir, const rmtmc_spectrum_result *r,
                                 rmtmc_error *err);
rmtmc_status rmtmc_html_contexts(const char *dir, const rmtmc_contexts_result *r,
                                 rmtmc_error *err);
rmtmc_status rmtmc_html_mixture(const char *dir, const rmtmc_mixture_result *r,
                                rmtmc_error *err);
rmtmc_status rmtmc_html_ridge(const char *dir, const rmtmc_ridge_result *r,
                              rmtmc_error *err);
rmtmc_status rmtmc_html_theory(const char *dir, const rmtmc_theory_study_result *r,
                               rmtmc_error *err);
rmtmc_status rmtmc_html_resolvent(const char *dir, const rmtmc_resolvent_result *r,
                                  rmtmc_error *err);

/* Shared with the sweep's script: opens a gnuplot loop that draws what
 * follows twice, into STEM.png (pngcairo when gnuplot has it, else png) and
 * STEM.svg; close it with rmtmc_plot_loop_end. */
void rmtmc_plot_loop_begin(FILE *f, const char *stem, int width, int height);
/* The same for a script whose labels are plain text (noenhanced, font 10):
 * the resolvent, edge and spike-sweep pictures. */
void rmtmc_plot_loop_begin_plain(FILE *f, const char *stem, int width, int height);
void rmtmc_plot_loop_end(FILE *f);
/* The key below the plot (never over the data), at most maxcols entries a
 * row, with the bottom margin it needs (gnuplot's own estimate lets a
 * boxed key touch the x label); rotated_tics: room for rotated x tics. */
void rmtmc_plot_key_below(FILE *f, const char *indent, int entries, int maxcols, int rotated_tics);

/* Write s as one gnuplot double-quoted string whose every byte other than
 * letters, digits and " .,:;_+-=/()[]<>|!?%*~^" is an octal escape, so that
 * no user text (a file name in a title) can close the string, start a new
 * command or a backquote substitution: user text is data. */
void rmtmc_plot_string(FILE *f, const char *s);

#ifdef __cplusplus
}
#endif
#endif
