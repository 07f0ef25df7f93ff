/* rmtmc_report.h: writing results: a small streaming JSON writer, atomic
 * file output (temp file then rename) and output directories, the NumPy
 * files of the per-trial tables, and the spectrum study's JSON, CSV and text
 * summary.  Schemas are documented in docs/schema.md. */
#ifndef RMTMC_REPORT_H
#define RMTMC_REPORT_H

#include <stdio.h>

#include "rmtmc_run.h"
#include "rmtmc_spectrum.h"
#include "rmtmc_status.h"
#include "rmtmc_verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- JSON writer: numbers with 17 significant digits, NaN/inf as null ---- */
typedef struct rmtmc_json {
  FILE *f;
  int depth;
  int first[64]; /* per nesting level: no member written yet */
} rmtmc_json;

void rmtmc_json_begin(rmtmc_json *j, FILE *f);   /* opens the top object */
void rmtmc_json_end(rmtmc_json *j);              /* closes it, newline */
void rmtmc_json_key(rmtmc_json *j, const char *key);
void rmtmc_json_object(rmtmc_json *j, const char *key); /* key NULL in arrays */
void rmtmc_json_object_end(rmtmc_json *j);
void rmtmc_json_array(rmtmc_json *j, const char *key);
void rmtmc_json_array_end(rmtmc_json *j);
void rmtmc_json_num(rmtmc_json *j, const char *key, double v);
void rmtmc_json_int(rmtmc_json *j, const char *key, long long v);
void rmtmc_json_uint(rmtmc_json *j, const char *key, unsigned long long v); /* seeds: every uint64 exactly */
void rmtmc_json_str(rmtmc_json *j, const char *key, const char *s);
void rmtmc_json_bool(rmtmc_json *j, const char *key, int v);

/* ---- atomic output ---- */
typedef rmtmc_status (*rmtmc_writer_fn)(FILE *f, const void *ctx, rmtmc_error *err);
/* Write path through fn into a temporary file beside it, then rename; on
 * failure no file is left behind. */
rmtmc_status rmtmc_write_atomic(const char *path, rmtmc_writer_fn fn,
                                const void *ctx, rmtmc_error *err);

/* One file of an output directory: its name in the directory, its writer
 * and the writer's context. */
typedef struct rmtmc_out_file {
  char name[64];
  rmtmc_writer_fn fn;
  const void *ctx;
} rmtmc_out_file;

/* Write the files into dir, each atomically; a directory that does not
 * exist yet is assembled under a temporary name and renamed once complete
 * (on failure nothing is left). */
rmtmc_status rmtmc_write_dir(const char *dir, const rmtmc_out_file *files,
                             int nfiles, rmtmc_error *err);

/* ---- per-trial tables (--save-trials DIR; docs/per_trial.md) ----
 * NumPy .npy format 1.0: little-endian float64, C order, shape (rows, cols). */
rmtmc_status rmtmc_npy_write(FILE *f, const double *data, int64_t rows,
                             int64_t cols, rmtmc_error *err);
/* The files of a per-trial table: observables.npy (rows x cols),
 * columns.json (schema rmtmc.columns/1: each column's name, meaning and the
 * z, gamma or lambda it belongs to) and, when t holds eigenvalues,
 * eigenvalues.npy (rows x d, each row ascending).  Returns the count
 * written into files (at most 3); the contexts point into t. */
typedef struct rmtmc_trials_files {
  const char *study;      /* "spectrum", ... */
  const rmtmc_trials *t;
  uint64_t seed;
} rmtmc_trials_files;
int rmtmc_trials_files_list(const rmtmc_trials_files *tf, rmtmc_out_file *files);

/* ---- the spectrum study ---- */
rmtmc_status rmtmc_spectrum_write_json(FILE *f, const void *result, rmtmc_error *err);
/* CSV tables: <key>.csv of each per-z observable (ctx: its
 * rmtmc_zobs_table; stieltjes.csv for m), edges.csv, moments.csv,
 * density.csv (ctx: the result). */
rmtmc_status rmtmc_spectrum_write_csv_zobs(FILE *f, const void *table, rmtmc_error *err);
rmtmc_status rmtmc_spectrum_write_csv_edges(FILE *f, const void *result, rmtmc_error *err);
rmtmc_status rmtmc_spectrum_write_csv_moments(FILE *f, const void *result, rmtmc_error *err);
rmtmc_status rmtmc_spectrum_write_csv_density(FILE *f, const void *result, rmtmc_error *err);
/* The files of --out DIR: result.json and the CSV tables (count returned;
 * at most 4 + RMTMC_ZOBS_COUNT). */
int rmtmc_spectrum_files(const rmtmc_spectrum_result *r, rmtmc_out_file *files, int cap);
/* Human-readable summary with a verdict line (to a caller's stream). */
void rmtmc_spectrum_summary(FILE *f, const rmtmc_spectrum_result *r);
/* "rmtmc spectrum: d = 500, n = 1000 (eta = d/n = 0.5), 200 trials, seed 1,
 * sigma identity, entries gaussian" (the summary's first line). */
void rmtmc_spectrum_describe(const rmtmc_spectrum_config *c, char *buf, size_t len);

/* The verdict (rmtmc_verdict.h) over every part of every per-z row
 * (rule from the row), the moments (exact, or kept out) and the extreme
 * eigenvalues (kept out); the JSON, summary and HTML read it.  Release
 * with rmtmc_verdict_free. */
void rmtmc_spectrum_verdict(const rmtmc_spectrum_result *r, rmtmc_verdict *v);

/* ---- verdicts in JSON (docs/schema.md "verdict") ---- */
/* "key": {"outcome", "pass", "max_abs_z", "threshold", counts, "rules",
 * "line", "warnings"} */
void rmtmc_verdict_write_json(rmtmc_json *j, const char *key, const rmtmc_verdict *v);
/* "rule", "verdict", "verdict_note" of one row, inside an open object
 * (nothing when r is NULL). */
void rmtmc_verdict_row_json(rmtmc_json *j, const rmtmc_verdict_row *r);

#ifdef __cplusplus
}
#endif
#endif
