/* test_edge_method.c: the edge method (RMTMC_METHOD_EDGE, the partial
 * eigensolver) on one backend (argv[1] = cpu | cuda; 77 without the
 * backend's device) against a full LAPACK eigendecomposition (dsyevd /
 * zheevd with vectors) of the same trials' S, formed here from
 * rmtmc_sample_entries: the ktop largest and kbot smallest non-trivial
 * eigenvalues and the squared overlaps of their eigenvectors with the first
 * ndir coordinates, for real and complex data, d < n and d > n, a spiked
 * and a two-point Sigma; and the row's layout. */
#include <cblas.h>
#include <complex.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/reduce_common.h"
#include "check.h"
#include "rmtmc.h"
#include "support/backend_arg.h"

static rmtmc_backend_kind kind;

/* The reference row of trial t: eigenvalues and |U_ij|^2 of the full
 * eigendecomposition of S = X X^H / n. */
static int reference_row(const rmtmc_model *m, const rmtmc_edge_layout *E, uint64_t seed, uint64_t t, double *row) {
  int64_t d = m->d, n = m->n, z0 = rmtmc_structural_zeros(d, n);
  int cplx = m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN, parts = cplx ? 2 : 1;
  double *x = malloc(sizeof(double) * (size_t)(d * n * parts + 512));
  double *s = calloc((size_t)(d * d * parts + 512), sizeof(double));
  double *w = malloc(sizeof(double) * (size_t)d);
  rmtmc_sample_entries(m, seed, t, x);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < d; ++i)
      for (int p = 0; p < parts; ++p) x[(i + j * d) * parts + p] *= m->sqrt_diag[i];
  int info;
  if (cplx) {
    cblas_zherk(CblasColMajor, CblasUpper, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, x, (int)d, 0.0, s, (int)d);
    info = LAPACKE_zheevd(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)d, (lapack_complex_double *)s, (lapack_int)d, w);
  } else {
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, x, (int)d, 0.0, s, (int)d);
    info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)d, s, (lapack_int)d, w);
  }
  for (int64_t j = 0; j < E->ktop + E->kbot; ++j) {
    int top = j < E->ktop;
    int64_t k = top ? j : j - E->ktop, col = top ? d - 1 - k : z0 + k;
    row[(top ? E->top : E->bot) + k] = w[col];
    for (int64_t i = 0; E->ndir > 0 && i < E->ndir; ++i) {
      size_t at = (size_t)(i + col * d);
      double v = cplx ? s[2 * at] * s[2 * at] + s[2 * at + 1] * s[2 * at + 1] : s[at] * s[at];
      row[(top ? E->top_ovl : E->bot_ovl) + k * E->ndir + i] = v;
    }
  }
  free(x);
  free(s);
  free(w);
  return info;
}

static void run_case(check_ctx *c, rmtmc_backend *be, const char *label, int64_t d, int64_t n, const char *sigma,
                     rmtmc_entries entries, int64_t ktop, int64_t kbot, int64_t ndir, double eig_tol) {
  rmtmc_error err;
  rmtmc_model m;
  char what[256];
  if (rmtmc_model_init(&m, d, n, sigma, entries, 0.0, RMTMC_PRECISION_DOUBLE, &err) != RMTMC_OK) {
    snprintf(what, sizeof what, "%s: model (%s)", label, err.msg);
    check_true(c, 0, what);
    return;
  }
  rmtmc_edge_request req = {.ktop = ktop, .kbot = kbot, .ndir = ndir};
  rmtmc_edge_layout E;
  rmtmc_edge_layout_build(&E, &req, d, n, &err);
  rmtmc_work w = {.method = RMTMC_METHOD_EDGE, .model = &m, .edge = &E};
  const int64_t T = 5;
  const uint64_t seed = 17, t0 = 3;
  rmtmc_batch *b = NULL;
  double *out = malloc(sizeof(double) * (size_t)(T * E.nobs)), *ref = malloc(sizeof(double) * (size_t)E.nobs);
  rmtmc_status st = rmtmc_batch_alloc(be, &w, 4, &b, &err);
  double worst_e = 0.0, worst_v = 0.0;
  int ref_ok = 1;
  /* trials t0 .. t0 + T - 1 in two batches (capacity 4) */
  for (int64_t at = 0; st == RMTMC_OK && at < T; at += 4) {
    int64_t cnt = T - at < 4 ? T - at : 4;
    st = rmtmc_batch_run(b, seed, t0 + (uint64_t)at, cnt, out + at * E.nobs, NULL, &err);
  }
  for (int64_t t = 0; st == RMTMC_OK && t < T; ++t) {
    if (reference_row(&m, &E, seed, t0 + (uint64_t)t, ref) != 0) ref_ok = 0;
    for (int64_t k = 0; k < E.ktop + E.kbot; ++k) {
      double e = fabs(out[t * E.nobs + k] - ref[k]) / fmax(fabs(ref[k]), 1e-3);
      if (e > worst_e) worst_e = e;
    }
    for (int64_t k = E.ktop + E.kbot; k < E.nobs; ++k) {
      double e = fabs(out[t * E.nobs + k] - ref[k]);
      if (e > worst_v) worst_v = e;
    }
  }
  snprintf(what, sizeof what, "%s: %s edge method ran (%s)", label, rmtmc_backend_name(be),
           st == RMTMC_OK ? "ok" : err.msg);
  check_true(c, st == RMTMC_OK && ref_ok, what);
  snprintf(what, sizeof what, "%s: extreme eigenvalues vs full LAPACK (relative)", label);
  check_close(c, worst_e, 0.0, eig_tol, what);
  if (ndir > 0) {
    snprintf(what, sizeof what, "%s: overlaps |<u, e_i>|^2 vs full LAPACK", label);
    check_close(c, worst_v, 0.0, 1e-8, what);
  }
  /* the dense method has no such copy; the edge method's X is the model's */
  rmtmc_batch_free(b);
  free(out);
  free(ref);
  rmtmc_model_free(&m);
}

int main(int argc, char **argv) {
  int rc = test_backend_arg(argc, argv, "test_edge_method", &kind);
  if (rc) return rc;
  check_ctx c = {0, 0};
  rmtmc_error err;
  rmtmc_backend *be = NULL;
  rmtmc_backend_opts o;
  rmtmc_backend_opts_default(&o);
  o.threads = 2;
  if (rmtmc_backend_open(&be, kind, &o, &err) != RMTMC_OK) {
    printf("open: %s\n", err.msg);
    return 1;
  }
  double tol = kind == RMTMC_BACKEND_CPU ? 1e-11 : 1e-9;
  run_case(&c, be, "real d=30 n=50 spike:3,1.5,-0.7", 30, 50, "spike:3,1.5,-0.7", RMTMC_ENTRIES_GAUSSIAN, 2, 1, 3, tol);
  run_case(&c, be, "real d=30 n=50 identity, no vectors", 30, 50, "identity", RMTMC_ENTRIES_GAUSSIAN, 1, 1, 0, tol);
  run_case(&c, be, "real d=40 n=25 (d > n) spike:4", 40, 25, "spike:4", RMTMC_ENTRIES_GAUSSIAN, 3, 2, 1, tol);
  run_case(&c, be, "complex d=24 n=40 spike:2,2", 24, 40, "spike:2,2", RMTMC_ENTRIES_COMPLEX_GAUSSIAN, 2, 2, 2, tol);
  run_case(&c, be, "complex d=30 n=20 (d > n) points:1:0.5,4:0.5", 30, 20, "points:1:0.5,4:0.5",
           RMTMC_ENTRIES_COMPLEX_GAUSSIAN, 2, 1, 0, tol);
  /* the backend contract for the edge method: stage order, no eigenvalue
   * copy, the solver-status rule through the test hooks */
  {
    rmtmc_model m;
    rmtmc_model_init(&m, 12, 20, "spike:2", RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, &err);
    rmtmc_edge_request rq = {.ktop = 1, .kbot = 1, .ndir = 1};
    rmtmc_edge_layout L;
    rmtmc_edge_layout_build(&L, &rq, 12, 20, &err);
    rmtmc_work w = {.method = RMTMC_METHOD_EDGE, .model = &m, .edge = &L};
    rmtmc_batch *b = NULL;
    double out[64], ev[64];
    check_true(&c, rmtmc_batch_alloc(be, &w, 3, &b, &err) == RMTMC_OK, "contract: edge batch allocated");
    check_true(&c, rmtmc_batch_reduce(b, out, NULL, &err) == RMTMC_ERR_INVALID, "contract: reduce before sample refused");
    check_true(&c, rmtmc_batch_sample(b, 1, 0, 2, &err) == RMTMC_OK && rmtmc_batch_solve(b, &err) == RMTMC_ERR_INVALID,
               "contract: solve before gram refused");
    check_true(&c, rmtmc_batch_copy_eigvals(b, ev, &err) == RMTMC_ERR_UNSUPPORTED,
               "contract: the edge method has no eigenvalue copy (unsupported)");
    rmtmc_batch_free(b);
    rmtmc_backend_opts oh;
    rmtmc_backend_opts_default(&oh);
    oh.threads = 2;
    oh.debug.fail_trial[0] = 4;
    rmtmc_backend *bh = NULL;
    if (rmtmc_backend_open(&bh, kind, &oh, &err) == RMTMC_OK && rmtmc_batch_alloc(bh, &w, 3, &b, &err) == RMTMC_OK) {
      rmtmc_status st = rmtmc_batch_run(b, 1, 3, 3, out, NULL, &err);
      check_true(&c, st == RMTMC_ERR_NOCONV && strstr(err.msg, "trial 4") != NULL,
                 "contract: a forced solver failure names trial 4 (fail_trial hook)");
      rmtmc_batch_free(b);
    } else {
      check_true(&c, 0, "contract: backend with hooks");
    }
    rmtmc_backend_close(bh);
    rmtmc_model_free(&m);
  }
  /* the layout and the work check */
  rmtmc_edge_request bad = {.ktop = 0, .kbot = 1, .ndir = 0};
  rmtmc_edge_layout E;
  check_true(&c, rmtmc_edge_layout_build(&E, &bad, 10, 20, &err) == RMTMC_ERR_INVALID, "layout: ktop 0 refused");
  rmtmc_edge_request big = {.ktop = 11, .kbot = 1, .ndir = 0};
  check_true(&c, rmtmc_edge_layout_build(&E, &big, 10, 20, &err) == RMTMC_ERR_INVALID, "layout: ktop > min(d, n) refused");
  rmtmc_edge_request ok = {.ktop = 2, .kbot = 3, .ndir = 4};
  check_true(&c, rmtmc_edge_layout_build(&E, &ok, 10, 20, &err) == RMTMC_OK && E.top == 0 && E.bot == 2 &&
                     E.top_ovl == 5 && E.bot_ovl == 13 && E.nobs == 25,
             "layout: offsets top 0, bot 2, top_ovl 5, bot_ovl 13, nobs 25");
  rmtmc_backend_close(be);
  return check_finish(&c);
}
