/* rmtmc_sweep.h: the scaling sweep (`rmtmc sweep`): the spectrum study (or,
 * with study = resolvent, the resolvent study) over a list of values of one
 * size parameter, the error of each row against the theory and its
 * trial-to-trial sd at every point, and log-log slopes beside the predicted
 * rates (docs/theory.md 6.8 and 10.6, docs/pictures.md, docs/schema.md).
 * Rows: the spectrum's m_d(z) at each z; the resolvent's functionals at each
 * z (functional-major), their real and imaginary parts combined as for m.
 *
 * Seeds: point i (0-based, in the order of the values) runs with seed
 * base.run.seed + i, so points are independent and any point can be rerun
 * alone.
 *
 * MPI (base.run.comm with K > 1 ranks, rmtmc_comm.h): when the trials make
 * at least K blocks of 64, the points run one after the other, each
 * divided among every rank (as the spectrum study); with fewer, whole
 * points go to the ranks, up to K at a time, each on its rank alone.  Both
 * give one process's numbers.  Rank 0 alone reads and writes points.jsonl
 * (in point order) and tells the other ranks which points it holds, so a
 * rerun resumes on any number of ranks with the same numbers.
 *
 * Output directory:
 *   points.jsonl  the checkpoint rmtmc_sweep_run keeps (read and written by
 *                 the report layer, rmtmc_sweep_points_*): line 1: the whole
 *                 config (with the hash of the bytes of a --sigma file:) and
 *                 its hash; then one JSON line per finished point, appended
 *                 and synced as each finishes.  It is created (with dir)
 *                 when the first point is done: every point is checked
 *                 (rmtmc_spectrum_check) before that, so bad input at any
 *                 point writes nothing.  A rerun with the same config reads
 *                 the finished points back and skips them (a torn last line
 *                 is dropped, any other bad line is RMTMC_ERR_PARSE,
 *                 "corrupt"); a different config is RMTMC_ERR_INVALID.
 *   sweep.json    schema rmtmc.sweep/1, sweep.csv, plot_sweep.gp: the
 *                 writers below, once every point is done (the command line
 *                 writes them with the other outputs), and report.html. */
#ifndef RMTMC_SWEEP_H
#define RMTMC_SWEEP_H

#include <stdint.h>
#include <stdio.h>

#include "rmtmc_edge_study.h"
#include "rmtmc_resolvent.h"
#include "rmtmc_spectrum.h"
#include "rmtmc_status.h"
#include "rmtmc_verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RMTMC_SWEEP_MAX_POINTS 64
#define RMTMC_SWEEP_MAX_Z 16
/* Room for the canonical config text: two specs and the resolvent's
 * vector paths of RMTMC_SPEC_LEN each, the values, the z list, the
 * scalars and the input files' hashes. */
#define RMTMC_SWEEP_CONFIG_LEN ((2 + RMTMC_RSV_MAX_VECTORS) * RMTMC_SPEC_LEN + 8192)
/* Rows of a point: the z points (spectrum), functionals x z (resolvent). */
#define RMTMC_SWEEP_MAX_ROWS 64

typedef enum rmtmc_sweep_study {
  RMTMC_SWEEP_SPECTRUM = 0,
  RMTMC_SWEEP_RESOLVENT = 1
} rmtmc_sweep_study;

typedef enum rmtmc_sweep_param {
  RMTMC_SWEEP_D = 0, /* d varies, n = round(ratio d) */
  RMTMC_SWEEP_N = 1, /* n varies, d = base.d fixed */
  /* the spike strength T varies (--values T1,T2,..., any reals > -1): the
   * edge study (rmtmc_edge_study.h) at d = base.d, n = round(ratio d) with
   * --sigma spike:T, i.e. ell = 1 + T on coordinate 0: the BBP transition
   * of the top eigenvalue and of the overlap |<v_hat, e_0>|^2 through the
   * threshold ell = 1 + sqrt(d/n).  No checkpoint: every point is run. */
  RMTMC_SWEEP_SPIKE = 2
} rmtmc_sweep_param;

/* One point of --param spike. */
typedef struct rmtmc_sweep_spike_point {
  int64_t index, d, n;
  double value, ell;   /* T and ell = 1 + T */
  uint64_t seed;
  double threshold;    /* 1 + sqrt(eta) */
  int outlier;         /* ell beyond the threshold */
  double location;     /* BBP rho(ell), or the bulk edge (1 + sqrt eta)^2 */
  double location_bias; /* predicted O(1/n) offset (NAN below the threshold) */
  double sd_theory;    /* outlier sd (0 below) */
  double overlap_theory; /* limit of |<v_hat, v>|^2 (0 below) */
  double eig_mean, eig_stderr, eig_sd;          /* top eigenvalue */
  double overlap_mean, overlap_stderr, overlap_sd;
  double seconds;
  double eta;          /* d/n */
  rmtmc_edge_spike_row row; /* the edge study's spike row: the verdict's input */
} rmtmc_sweep_spike_point;

typedef struct rmtmc_sweep_point {
  int64_t index, value, d, n;
  uint64_t seed;
  int64_t nz; /* rows (the z points of the spectrum; functionals x z of the resolvent) */
  double z_re[RMTMC_SWEEP_MAX_ROWS], z_im[RMTMC_SWEEP_MAX_ROWS];
  double emp_re[RMTMC_SWEEP_MAX_ROWS], emp_im[RMTMC_SWEEP_MAX_ROWS];
  double th_re[RMTMC_SWEEP_MAX_ROWS], th_im[RMTMC_SWEEP_MAX_ROWS];
  double se_re[RMTMC_SWEEP_MAX_ROWS], se_im[RMTMC_SWEEP_MAX_ROWS];
  double sd_re[RMTMC_SWEEP_MAX_ROWS], sd_im[RMTMC_SWEEP_MAX_ROWS];
  double seconds;
  char backend[192]; /* where it ran: "cuda: NVIDIA H200 (GPU 0, sm_90, 132 SMs)"
                        ("" when read back from a points.jsonl without it) */
  int resumed; /* read back from points.jsonl */
} rmtmc_sweep_point;

/* |mean m_d - m| (complex modulus) and the sd of m_d (sqrt(sd_re^2 + sd_im^2)). */
double rmtmc_sweep_abs_error(const rmtmc_sweep_point *p, int64_t k);
double rmtmc_sweep_sd(const rmtmc_sweep_point *p, int64_t k);

typedef void (*rmtmc_sweep_point_fn)(void *ctx, const rmtmc_sweep_point *p, int64_t npoints);

typedef struct rmtmc_sweep_config {
  rmtmc_spectrum_config base; /* run (trials, seed, backend, ...), sigma,
                                 entries, z (nz 0: z = -1), bins, precision;
                                 d for --param n */
  rmtmc_sweep_param param;
  rmtmc_sweep_study study; /* spectrum (default) or resolvent */
  /* the resolvent's own options (functionals, vectors, path; its d, n,
   * sigma, entries, z and run options come from base) */
  rmtmc_resolvent_config rbase;
  double ratio; /* n/d for RMTMC_SWEEP_D (default 2) */
  int64_t npoints;
  int64_t values[RMTMC_SWEEP_MAX_POINTS];
  double xvalues[RMTMC_SWEEP_MAX_POINTS]; /* the same values as given (reals for --param spike) */
  int nonint;                             /* some value is not an integer */
  int64_t stop_after; /* test hook: return after this many new points (0: off) */
  rmtmc_sweep_point_fn on_point; /* optional: after each point (computed or read back) */
  /* optional: once, before any computation, when points were read back */
  void (*on_resume)(void *ctx, int64_t resumed, int64_t npoints);
  void *on_point_ctx;
} rmtmc_sweep_config;

void rmtmc_sweep_config_default(rmtmc_sweep_config *c);
/* Resolves the z grid (default -1) and checks every point's config. */
rmtmc_status rmtmc_sweep_validate(rmtmc_sweep_config *c, rmtmc_error *err);

/* Least-squares line log y = a + slope log x over the points. */
typedef struct rmtmc_sweep_fit {
  double slope, stderr_, intercept; /* stderr_: NAN with fewer than 3 points */
  int64_t used;                     /* points with finite y > 0 */
  double predicted;                 /* predicted rate (docs/theory.md 6.8) */
} rmtmc_sweep_fit;

typedef struct rmtmc_sweep_result {
  rmtmc_sweep_config config;
  char config_text[RMTMC_SWEEP_CONFIG_LEN]; /* canonical config line of points.jsonl, in full */
  uint64_t config_hash;
  int64_t done, resumed;
  int complete; /* every point done and sweep.json written */
  rmtmc_sweep_point *points; /* [npoints], valid where done */
  rmtmc_sweep_spike_point *spike; /* --param spike: [npoints] (points NULL) */
  int64_t nz;                /* rows */
  char label[RMTMC_SWEEP_MAX_ROWS][32]; /* each row's observable ("stieltjes", "quad_e1") */
  rmtmc_sweep_fit err_fit[RMTMC_SWEEP_MAX_ROWS], sd_fit[RMTMC_SWEEP_MAX_ROWS];
  rmtmc_run_info run; /* where the points computed in this run ran (the
                         last point's, or every rank's for whole points;
                         ranks alone when every point was read back) */
  char divided[8];    /* MPI: "trials" (each point's trials over the ranks)
                         or "points" (whole points); "" for one process */
} rmtmc_sweep_result;

/* Run (or resume) the sweep with its checkpoint in dir (created if
 * missing); res->complete when every point is done (the fits computed). */
rmtmc_status rmtmc_sweep_run(const rmtmc_sweep_config *cfg, const char *dir,
                             rmtmc_sweep_result *res, rmtmc_error *err);

/* The checkpoint dir/points.jsonl (src/report/sweep_points.c).  resume:
 * read the finished points of res->config (same config hash) into
 * res->points, have[i] = 1 and res->resumed counted; a missing file is no
 * error (nothing is created); a torn last line is dropped (the file
 * rewritten without it); a header of another config is RMTMC_ERR_INVALID
 * naming the first field that differs; any other line that does not read
 * back is RMTMC_ERR_PARSE ("corrupt", with its line number).  append: one
 * finished point, synced; the first one creates dir (and its parents) and
 * the file with its header. */
rmtmc_status rmtmc_sweep_points_resume(const char *dir, rmtmc_sweep_result *res,
                                       int *have, rmtmc_error *err);
rmtmc_status rmtmc_sweep_points_append(const char *dir, const rmtmc_sweep_result *res,
                                       const rmtmc_sweep_point *p, rmtmc_error *err);
void rmtmc_sweep_result_free(rmtmc_sweep_result *res);
/* Writers of the finished sweep (rmtmc_writer_fn shape, ctx = the result):
 * sweep.json, sweep.csv, plot_sweep.gp (src/report/sweep_report.c). */
rmtmc_status rmtmc_sweep_write_json(FILE *f, const void *result, rmtmc_error *err);
rmtmc_status rmtmc_sweep_write_csv(FILE *f, const void *result, rmtmc_error *err);
rmtmc_status rmtmc_sweep_write_gnuplot(FILE *f, const void *result, rmtmc_error *err);
void rmtmc_sweep_summary(FILE *f, const rmtmc_sweep_result *r);
/* The verdict over the fitted slopes (docs/verdict.md): with n/d fixed,
 * each slope against its predicted rate -1 (rule uncorrected: the rates are
 * asymptotic, so a slope off by more than the Student-t threshold of its
 * fit is inconclusive; fewer than 5 points cannot be judged); with d fixed
 * the rates are heuristics, kept out.  Release with rmtmc_verdict_free. */
void rmtmc_sweep_verdict(const rmtmc_sweep_result *r, rmtmc_verdict *v);
/* DIR/report.html of a finished sweep (html.c). */
rmtmc_status rmtmc_html_sweep(const char *dir, const rmtmc_sweep_result *r, rmtmc_error *err);
/* --param spike (src/study/sweep_spike.c, src/report/sweep_spike_report.c):
 * the run, and sweep.json (schema rmtmc.sweep_spike/1), sweep.csv,
 * plot_sweep.gp (sweep.png/.svg: overlap and top eigenvalue against ell with
 * the BBP curves and the threshold) and the summary. */
rmtmc_status rmtmc_sweep_spike_validate(const rmtmc_sweep_config *cfg, rmtmc_error *err);
rmtmc_status rmtmc_sweep_spike_run(const rmtmc_sweep_config *cfg, rmtmc_sweep_result *res, rmtmc_error *err);
rmtmc_status rmtmc_sweep_spike_write_json(FILE *f, const void *result, rmtmc_error *err);
rmtmc_status rmtmc_sweep_spike_write_csv(FILE *f, const void *result, rmtmc_error *err);
rmtmc_status rmtmc_sweep_spike_write_gnuplot(FILE *f, const void *result, rmtmc_error *err);
void rmtmc_sweep_spike_summary(FILE *f, const rmtmc_sweep_result *r);
/* The verdict of --param spike (docs/verdict.md): at every point the edge
 * study's spike rows (the top eigenvalue's mean with its 1/n bias and sd,
 * corrected; the overlap, uncorrected; no outlier and the BBP critical
 * window kept out), at "T = value".  Release with rmtmc_verdict_free. */
void rmtmc_sweep_spike_verdict(const rmtmc_sweep_result *r, rmtmc_verdict *v);

#ifdef __cplusplus
}
#endif
#endif
