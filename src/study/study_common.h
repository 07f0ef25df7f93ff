/* study_common.h: private helpers shared by the Monte Carlo studies
 * (spectrum.c, generative.c, ridge_study.c).  Nothing here is part of the
 * public API.  The trials themselves run through the run driver
 * (src/engine/driver.h). */
#ifndef RMTMC_STUDY_COMMON_H
#define RMTMC_STUDY_COMMON_H

#include <complex.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/sysinfo.h"
#include "rmtmc_accum.h"
#include "rmtmc_fit.h"
#include "rmtmc_run.h"
#include "rmtmc_status.h"
#include "rmtmc_studies.h"
#include "rmtmc_theory_limit.h"

/* Trials per batch the host-memory estimates of the studies assume (the
 * driver caps a larger batch to the memory). */
#define STUDY_BATCH 64

/* Mean, standard error and standard deviation of an accumulator. */
rmtmc_stat study_stat_of(const rmtmc_welford *w);

/* Row from the accumulated (emp, theory, emp - theory) triple w[0..2]. */
void study_finish_row(rmtmc_grid_row *r, double x, const rmtmc_welford *w);
/* Record a predicted finite-size bias of the row's mean and the corrected z. */
void study_set_bias(rmtmc_grid_row *r, double bias);

/* A grid option --<opt>: 1 to RMTMC_STUDY_MAX_GRID values, all finite and
 * > 0. */
rmtmc_status study_check_grid(const char *opt, const double *g, int64_t ng,
                              rmtmc_error *err);

/* The run options every study checks the same way (trials >= min_trials). */
rmtmc_status study_check_run(const rmtmc_run_opts *o, int64_t min_trials, rmtmc_error *err);

/* Study parameters: cumulative label laws cumP (k x c) of P, each column
 * ending at exactly 1. */
void study_cumulative(double *cum, const double *P, int64_t k, int64_t c);

/* The per-trial table's column c: name, meaning and its grid value. */
void study_column(rmtmc_column *c, const char *name, const char *meaning, const char *param, double re,
                  double im);

/* The (emp, theory, difference) columns of grid point g (at x): names
 * "<name>_<param><g>", "<name>_theory_<param><g>", "<name>_diff_<param><g>"
 * (e.g. etrain_gamma0) from the row's meaning. */
void study_grid_columns(rmtmc_column *c, const char *name, const char *meaning, const char *param, int64_t g,
                        double x);

/* A theory curve of nq observables on RMTMC_CURVE_POINTS log-spaced points
 * over [min(g)/1.25, max(g)*1.25] (also covering extra > 0 when finite);
 * y set to NAN. */
rmtmc_status study_curve_alloc(rmtmc_curve *c, int nq, const double *g, int64_t ng, double extra, rmtmc_error *err);

/* The limit spectrum at the model's finite-d population (rmtmc_model_pop,
 * spikes flagged: an atom equal to a spike of spike: that is not 1) and
 * eta; the one piece of code through which the spectrum study and
 * `rmtmc theory` evaluate the theory (rmtmc_theory_limit.h). */
rmtmc_status study_limit_spectrum(const rmtmc_model *m, double eta, rmtmc_limit_spectrum *ls, rmtmc_error *err);

/* A per-z theory function (spectrum_obs.h) */
typedef rmtmc_status (*study_ztheory_fn)(const rmtmc_limit_spectrum *ls, double complex w, double complex *v,
                                         rmtmc_error *err);

/* The lines of a z grid for pictures: its distinct imaginary parts
 * (line_im[RMTMC_ZCURVE_LINES]; returns their count, 0 when there are more
 * than RMTMC_ZCURVE_LINES) and a range [*x0, *x1] of real parts covering the
 * points (or the support when they share one real part). */
int study_zgrid_lines(const rmtmc_limit_spectrum *ls, const double *re, const double *im, int64_t nz,
                      double *line_im, double *x0, double *x1);

/* The theory fn along the lines Im z = line_im[l], Re z in [x0, x1]: npts
 * points plus two beside each support edge in range; NAN on the support
 * (real lines), at poles and where fn fails.  On failure c is empty. */
rmtmc_status study_zcurve(rmtmc_zcurve *c, const rmtmc_limit_spectrum *ls, study_ztheory_fn fn, const double *line_im,
                          int nline, double x0, double x1, int64_t npts, rmtmc_error *err);

#endif
