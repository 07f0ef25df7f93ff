/* rmtmc_report.h: writing results: a small streaming JSON writer, atomic
 * file output (temp file then rename), and the spectrum study's JSON, CSV
 * and text summary.  Schemas are documented in docs/schema.md. */
#ifndef RMTMC_REPORT_H
#define RMTMC_REPORT_H

#include <stdio.h>

#include "rmtmc_spectrum.h"
#include "rmtmc_status.h"

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
void rmtmc_json_str(rmtmc_json *j, const char *key, const char *s);
void rmtmc_json_bool(rmtmc_json *j, const char *key, int v);

/* ---- atomic output ---- */
typedef rmtmc_status (*rmtmc_writer_fn)(FILE *f, const void *ctx, rmtmc_error *err);
/* Write path through fn into a temporary file beside it, then rename; on
 * failure no file is left behind. */
rmtmc_status rmtmc_write_atomic(const char *path, rmtmc_writer_fn fn,
                                const void *ctx, rmtmc_error *err);

/* ---- the spectrum study ---- */
rmtmc_status rmtmc_spectrum_write_json(FILE *f, const void *result, rmtmc_error *err);
/* CSV tables: stieltjes.csv, edges.csv, moments.csv, density.csv. */
rmtmc_status rmtmc_spectrum_write_csv_stieltjes(FILE *f, const void *result, rmtmc_error *err);
rmtmc_status rmtmc_spectrum_write_csv_edges(FILE *f, const void *result, rmtmc_error *err);
rmtmc_status rmtmc_spectrum_write_csv_moments(FILE *f, const void *result, rmtmc_error *err);
rmtmc_status rmtmc_spectrum_write_csv_density(FILE *f, const void *result, rmtmc_error *err);
/* Write result.json and the CSV files into dir (created if missing); each
 * file atomically, and a new directory only appears once complete. */
rmtmc_status rmtmc_spectrum_write_dir(const char *dir,
                                      const rmtmc_spectrum_result *r,
                                      rmtmc_error *err);
/* Human-readable summary with a verdict line (to a caller's stream). */
void rmtmc_spectrum_summary(FILE *f, const rmtmc_spectrum_result *r);

/* Verdict: the largest |z-score| over the Stieltjes rows (bias-corrected
 * where the bias is known) and the exact moments; pass iff <= threshold. */
double rmtmc_spectrum_max_abs_z(const rmtmc_spectrum_result *r);
#define RMTMC_VERDICT_Z 4.0

#ifdef __cplusplus
}
#endif
#endif
