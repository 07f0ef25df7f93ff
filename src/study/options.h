/* options.h: option values as the studies take them by name (the command
 * line's flags without "--"; rmtmc_study_set): one parser per kind of value,
 * with the messages every study shares.  Private to src/study.
 *
 * The study_opt_* group functions return 1 when `name` was one of their
 * options (setting *st), 0 otherwise. */
#ifndef RMTMC_STUDY_OPTIONS_H
#define RMTMC_STUDY_OPTIONS_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "rmtmc_run.h"
#include "rmtmc_spectrum.h"
#include "rmtmc_status.h"

/* An integer >= lo ("--d '12x' is not an integer", "--d must be >= 1"). */
rmtmc_status study_opt_int64(const char *opt, const char *s, int64_t lo, int64_t *out, rmtmc_error *err);
/* An integer from 0 to 2^64 - 1 (a seed), read exactly. */
rmtmc_status study_opt_uint64(const char *opt, const char *s, uint64_t *out, rmtmc_error *err);
/* A finite number (normal or 0: no overflow, no underflow). */
rmtmc_status study_opt_double(const char *opt, const char *s, double *out, rmtmc_error *err);
/* Comma-separated complex points a, a+bi, a-bi, bi (at most cap). */
rmtmc_status study_opt_zlist(const char *s, int64_t cap, double *re, double *im, int64_t *nz, rmtmc_error *err);
/* Comma-separated finite numbers > 0 (a gamma or lambda grid, at most cap). */
rmtmc_status study_opt_grid(const char *opt, const char *s, double *out, int64_t cap, int64_t *count,
                            rmtmc_error *err);
/* Comma-separated finite numbers, any sign (at most cap). */
rmtmc_status study_opt_list(const char *opt, const char *s, double *out, int64_t cap, int64_t *count,
                            rmtmc_error *err);
/* A spec string into dst[cap]. */
rmtmc_status study_opt_spec(char *dst, size_t cap, const char *opt, const char *val, rmtmc_error *err);

/* The run options: --trials (>= 2), --seed, --threads, --backend, --batch
 * (>= 1), --device (CUDA ordinal), save-trials (flag: keep the per-trial
 * table). */
int study_opt_run(rmtmc_run_opts *o, const char *name, const char *val, rmtmc_status *st, rmtmc_error *err);

/* The spectrum study's options (also the sweep's): --d --n --sigma
 * --entries --z (at most zcap points) --bins --precision and the run
 * options; with_observables (the spectrum study): also --observables,
 * --method and save-eigenvalues. */
int study_opt_spectrum(rmtmc_spectrum_config *c, int64_t zcap, int with_observables, const char *name,
                       const char *val, rmtmc_status *st, rmtmc_error *err);

/* For the studies that draw real Gaussian data only (their theory is
 * real): --entries is refused with a message saying which studies take
 * other entry laws.  1 when name is "entries" (*st set). */
int study_opt_no_entries(const char *study, const char *name, rmtmc_status *st, rmtmc_error *err);

/* The usage lines of --sigma: every spec of rmtmc_model.h. */
void study_usage_sigma(FILE *f);
/* The usage lines of the run options (trials_default: the study's). */
void study_usage_run(FILE *f, const char *trials_default);
/* The usage lines of the outputs (--json, --out: out_what, --no-plots,
 * --quiet, --help) and the exit codes. */
void study_usage_outputs(FILE *f, const char *schema, const char *out_what);
/* What --out writes for the studies drawn as curves against a grid. */
#define STUDY_USAGE_CURVES                                                   \
  "write DIR/result.json, curves.csv, plot_curves.gp, the pictures\n"        \
  "                     curves.png/.svg (gnuplot) and report.html"

#endif
