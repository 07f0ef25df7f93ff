/* report_common.h: private JSON helpers shared by the study reports
 * (spectrum_report.c, studies_report.c).  Nothing here is part of the
 * public API. */
#ifndef RMTMC_REPORT_COMMON_H
#define RMTMC_REPORT_COMMON_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "rmtmc.h"
#include "rmtmc_report.h"
#include "rmtmc_edge_study.h"
#include "rmtmc_studies.h"
#include "rmtmc_theory_limit.h"
#include "rmtmc_verdict.h"

/* Opens the top object and writes "schema" and "rmtmc_version". */
static inline void report_json_begin(rmtmc_json *j, FILE *f, const char *schema) {
  rmtmc_json_begin(j, f);
  rmtmc_json_str(j, "schema", schema);
  rmtmc_json_str(j, "rmtmc_version", rmtmc_version());
}

/* The run-size keys of a study's "config" object, in schema order. */
static inline void report_json_run_size(rmtmc_json *j, int64_t d, int64_t n, double eta, int64_t trials,
                                        uint64_t seed) {
  rmtmc_json_int(j, "d", d);
  rmtmc_json_int(j, "n", n);
  rmtmc_json_num(j, "eta", eta);
  rmtmc_json_int(j, "trials", trials);
  rmtmc_json_uint(j, "seed", (unsigned long long)seed);
}

/* "mean", "stderr", "sd" of a Monte Carlo estimate (inside an open object). */
static inline void report_json_stat_fields(rmtmc_json *j, const rmtmc_stat *s) {
  rmtmc_json_num(j, "mean", s->mean);
  rmtmc_json_num(j, "stderr", s->stderr_);
  rmtmc_json_num(j, "sd", s->sd);
}

/* The "backend" object: where a study's trials ran. */
static inline void report_json_backend(rmtmc_json *j, const rmtmc_backend_info *b, const char *note,
                                       int64_t batch) {
  rmtmc_json_object(j, "backend");
  rmtmc_json_str(j, "name", b->name);
  rmtmc_json_str(j, "device", b->device);
  rmtmc_json_int(j, "threads", b->threads);
  rmtmc_json_num(j, "memory_bytes", b->memory_bytes);
  rmtmc_json_str(j, "versions", b->versions);
  rmtmc_json_str(j, "note", note);
  rmtmc_json_int(j, "batch", batch);
  if (b->device_ordinal >= 0) rmtmc_json_int(j, "device_ordinal", b->device_ordinal);
  else rmtmc_json_num(j, "device_ordinal", NAN); /* null: not a GPU */
  rmtmc_json_str(j, "compute_capability", b->compute_capability);
  rmtmc_json_str(j, "archs", b->archs);
  rmtmc_json_str(j, "solver", b->solver);
  rmtmc_json_str(j, "solver_algorithm", b->solver_algorithm);
  rmtmc_json_bool(j, "solver_alg1_refused", b->solver_alg1_refused);
  rmtmc_json_str(j, "solver_note", b->solver_note);
  rmtmc_json_object_end(j);
}

/* A number for a printed table: "n/a" for NaN, "inf" / "-inf", else fmt. */
static inline const char *report_num(char *buf, size_t len, const char *fmt, double v) {
  if (isnan(v)) snprintf(buf, len, "n/a");
  else if (isinf(v)) snprintf(buf, len, "%s", v > 0 ? "inf" : "-inf");
  else snprintf(buf, len, fmt, v);
  return buf;
}

/* The limit spectrum's members of a JSON object (spectrum_report.c):
 * "support" [[lo, hi, mass], ...] of the law at the finite-d population,
 * "bulk_support" (spikes removed), "atom_at_zero", "outliers" [...]. */
void report_json_limit(rmtmc_json *j, const rmtmc_limit_spectrum *ls);
/* "[a, b] [c, d] plus an atom of mass m at 0" (at most max intervals, then
 * "... (N intervals)"). */
void report_support_text(char *buf, size_t len, const rmtmc_support *s, double atom, int max);
/* The outliers' lines of a summary: each spike, its BBP location or why it
 * has none (emp_top / emp_bottom: the empirical extremes, NULL: none). */
void report_outliers_text(FILE *f, const rmtmc_limit_spectrum *ls, const rmtmc_stat *emp_top,
                          const rmtmc_stat *emp_bottom, const char *indent);

/* The "ranks" object: the processes (MPI ranks) that ran the trials and
 * where (docs/schema.md); divided: the sweep's "trials" or "points" (NULL:
 * no such key). */
static inline void report_json_ranks(rmtmc_json *j, const rmtmc_run_info *run, const char *divided) {
  rmtmc_json_object(j, "ranks");
  rmtmc_json_int(j, "count", run->ranks);
  rmtmc_json_int(j, "hosts", run->hosts);
  rmtmc_json_array(j, "devices");
  for (int k = 0; k < run->nplaces; ++k) {
    const rmtmc_run_place *p = &run->places[k];
    rmtmc_json_object(j, NULL);
    rmtmc_json_str(j, "host", p->host);
    rmtmc_json_str(j, "backend", p->backend);
    rmtmc_json_str(j, "device", p->device);
    rmtmc_json_int(j, "threads", p->threads);
    rmtmc_json_int(j, "ranks", p->ranks);
    rmtmc_json_str(j, "rank_list", p->rank_list);
    rmtmc_json_object_end(j);
  }
  rmtmc_json_array_end(j);
  rmtmc_json_int(j, "ranks_not_listed", run->places_omitted);
  if (divided) rmtmc_json_str(j, "divided", divided);
  rmtmc_json_object_end(j);
}

/* The eigensolver as the summary and the HTML name it: "syevBatched
 * (CUSOLVER_ALG_1)", "LAPACKE dsyevd"; "" when none was planned. */
static inline const char *report_solver_text(const rmtmc_backend_info *b, char *buf, size_t size) {
  if (b->solver[0] && b->solver_algorithm[0]) snprintf(buf, size, "%s (%s)", b->solver, b->solver_algorithm);
  else snprintf(buf, size, "%s", b->solver);
  return buf;
}

/* "  backend cpu (DEVICE, 2 threads), batch B", the note line, if any, and
 * the eigensolver line (with its algorithm and why it is not the one asked
 * for, if so). */
void report_backend_line(FILE *f, const rmtmc_run_info *run);

/* The rows a generative or ridge study reports, in report order, each set
 * with its label and its verdict rule: `rule` for a row with no predicted
 * bias (uncorrected, or out with `note` as the reason), `biased_rule` for a
 * row whose bias is set (corrected, or exact when the bias is the exact
 * finite-n expectation minus the limit).  The one place that decides what
 * the verdict uses: the JSON, the summary and the HTML table all read the
 * verdict built from it (studies_report.c). */
#define REPORT_MAX_SETS 6
typedef struct report_rowset {
  const char *label;
  const rmtmc_grid_row *rows;
  int64_t n;
  rmtmc_rule rule, biased_rule;
  const char *note;
} report_rowset;
typedef struct report_rows {
  const char *xname; /* "gamma" or "lambda" */
  int nsets;
  report_rowset set[REPORT_MAX_SETS];
} report_rows;

void report_rows_contexts(report_rows *s, const rmtmc_contexts_result *r);
void report_rows_mixture(report_rows *s, const rmtmc_mixture_result *r);
void report_rows_ridge(report_rows *s, const rmtmc_ridge_result *r);
/* The verdict over the sets' rows (release with rmtmc_verdict_free). */
void report_rows_verdict(const report_rows *s, int64_t trials, rmtmc_verdict *v);

/* The edge study's rows, in report order, each as the shared verdict
 * judges it (rmtmc_verdict.h; edge_report.c): rmtmc_edge_verdict adds them
 * in this order, so row i is the verdict's row i.  JSON, summary, CSV and
 * HTML read this list and that verdict. */
typedef struct report_edge_row {
  char what[96], at[64];
  double emp, se, theory;     /* shown */
  rmtmc_rule rule;
  double diff, stderr_, offset; /* judged: z = (diff - offset) / stderr_ */
  char why[RMTMC_ERRMSG_LEN];   /* the rule's note, or the reason of an out row */
  char cannot[128];             /* non-empty: the row cannot be judged (INCONCLUSIVE) */
} report_edge_row;
#define REPORT_EDGE_MAX_ROWS (2 * (4 + RMTMC_EDGE_NQ) + 3 * RMTMC_EDGE_MAX_SPIKES + 4)
/* One spike's rows (mean, sd and overlap of its outlier; or the two
 * informational rows of a spike without one), at "at": shared with
 * `rmtmc sweep --param spike` (sweep_spike_report.c). */
int report_edge_spike_rows(const rmtmc_edge_spike_row *s, int64_t i, double eta, int64_t n, const char *at,
                           report_edge_row *rows, int k, int cap);
/* Add rows[0..n) to v (v initialised; not finished). */
void report_edge_judge(rmtmc_verdict *v, const report_edge_row *rows, int n);
int report_edge_rows(const rmtmc_edge_result *r, report_edge_row *rows, int cap);

#endif
