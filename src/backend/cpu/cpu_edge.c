/* cpu_edge.c: the edge method on the CPU (rmtmc_backend.h,
 * RMTMC_METHOD_EDGE): the extreme eigenpairs of S only, with the partial
 * eigensolver of LAPACK's dsyevr taken apart so that one reduction serves
 * both ends of the spectrum:
 *   dsytrd (zhetrd for complex data)  S = Q T Q^H, T real tridiagonal (once);
 *   dstemr (MRRR) by index range      the ktop largest and the kbot smallest
 *                                     non-trivial eigenvalues of T, with
 *                                     their eigenvectors when overlaps are
 *                                     asked for;
 *   dormtr (zunmtr)                   those eigenvectors back to S's basis.
 * dsyevr itself runs exactly these steps for one index range; two calls
 * would reduce S twice.  The row written per trial is rmtmc_edge_layout's
 * (rmtmc_layout.h).  Sampling and the Gram matrix are the dense method's
 * (cpu_backend.c); trials run in parallel on OpenMP threads with
 * single-threaded OpenBLAS, so the numbers do not depend on the thread
 * count. */
#include <cblas.h>
#include <complex.h>
#include <lapacke.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cpu/cpu_internal.h"
#include "backend/reduce_common.h"

/* Doubles of one thread's workspace: the tridiagonal (d, e, their copies,
 * tau: 2 d complex), eigenvalues, real vectors (d x kmax), their complex
 * copy (2 d kmax) and isuppz (2 kmax, stored in doubles). */
static int64_t ws_doubles(const rmtmc_model *m, const rmtmc_edge_layout *E) {
  int64_t d = m->d, k = E->ktop > E->kbot ? E->ktop : E->kbot;
  return 6 * d + 2 * d + k + 3 * d * k + 2 * k + 8;
}

static const char *edge_solver(const rmtmc_model *m) {
  return m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN ? "LAPACKE zhetrd+dstemr+zunmtr"
                                                      : "LAPACKE dsytrd+dstemr+dormtr";
}

static rmtmc_status edge_limits(void *impl, const rmtmc_work *w, rmtmc_batch_limits *lim, rmtmc_error *err) {
  cpu_impl *c = impl;
  const rmtmc_model *m = w->model;
  c->solver = edge_solver(m);
  double fixed = cpu_xs_fixed_bytes(c, m) + 8.0 * (double)c->threads * (double)ws_doubles(m, w->edge);
  return cpu_batch_fit(m, cpu_xs_bytes(m) + 8.0 * (double)w->edge->nobs, fixed, lim, err);
}

static void edge_free(void *impl, void *batch) { cpu_batch_release(batch); }

static rmtmc_status edge_alloc(void *impl, const rmtmc_work *w, int64_t cap, void **out, rmtmc_error *err) {
  cpu_impl *c = impl;
  c->solver = edge_solver(w->model);
  cpu_batch *b = NULL;
  rmtmc_status st = cpu_xs_alloc(c, w->model, cap, &b, err);
  if (st != RMTMC_OK) return st;
  b->E = *w->edge;
  b->ws_len = ws_doubles(w->model, w->edge);
  b->ev = malloc((size_t)cap * (size_t)b->E.nobs * sizeof(double));
  b->ws = malloc((size_t)c->threads * (size_t)b->ws_len * sizeof(double));
  if (!b->ev || !b->ws) {
    cpu_batch_release(b);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "cannot allocate the edge solver's workspace for %lld trials",
                           (long long)cap);
  }
  *out = b;
  return RMTMC_OK;
}

/* Eigenvalues il..iu (1-based, ascending) of the tridiagonal (dd, ee) into
 * w, with vectors into z (d x k) when want_z; dd and ee are kept (dstemr
 * works on copies). */
static lapack_int tri_range(lapack_int d, const double *dd, const double *ee, lapack_int il, lapack_int iu,
                            int want_z, double *dc, double *ec, double *w, double *z, lapack_int *isuppz) {
  memcpy(dc, dd, (size_t)d * sizeof(double));
  if (d > 1) memcpy(ec, ee, (size_t)(d - 1) * sizeof(double));
  ec[d - 1] = 0.0;
  lapack_int m = 0;
  lapack_logical tryrac = 1;
  lapack_int info = LAPACKE_dstemr(LAPACK_COL_MAJOR, want_z ? 'V' : 'N', 'I', d, dc, ec, 0.0, 0.0, il, iu, &m, w, z,
                                   d, want_z ? iu - il + 1 : 1, isuppz, &tryrac);
  if (info == 0 && m != iu - il + 1) info = 1; /* fewer eigenvalues than asked: report as no convergence */
  return info;
}

/* One trial: S (upper triangle, overwritten) -> its row of the layout. */
static lapack_int edge_trial(const cpu_batch *b, double *s, double *row, double *ws) {
  const rmtmc_edge_layout *E = &b->E;
  lapack_int d = (lapack_int)b->m->d;
  int64_t z0 = rmtmc_structural_zeros(b->m->d, b->m->n), kmax = E->ktop > E->kbot ? E->ktop : E->kbot;
  int vec = E->ndir > 0;
  double *dd = ws, *ee = dd + d, *dc = ee + d, *ec = dc + d, *tau = ec + d, *w = tau + 2 * d, *z = w + kmax;
  double *zc = z + (size_t)d * (size_t)kmax;
  lapack_int *isuppz = (lapack_int *)(zc + 2 * (size_t)d * (size_t)kmax);
  lapack_int ws_lw = 0;
  lapack_int info;
  void *work = NULL;
  if (b->cplx) { /* own padded workspaces (cpu_padded_work) */
    lapack_complex_double q;
    info = LAPACKE_zhetrd_work(LAPACK_COL_MAJOR, 'U', d, (lapack_complex_double *)s, d, dd, ee,
                               (lapack_complex_double *)tau, &q, -1);
    lapack_int lw = (lapack_int)creal(q), lw2 = 0;
    if (info == 0 && vec) {
      info = LAPACKE_zunmtr_work(LAPACK_COL_MAJOR, 'L', 'U', 'N', d, (lapack_int)kmax, (lapack_complex_double *)s, d,
                                 (lapack_complex_double *)tau, (lapack_complex_double *)zc, d, &q, -1);
      lw2 = (lapack_int)creal(q);
    }
    if (lw2 > lw) lw = lw2;
    if (info == 0) info = cpu_padded_work(lw, sizeof(lapack_complex_double), 4 * (size_t)d + 64, &work);
    if (info == 0)
      info = LAPACKE_zhetrd_work(LAPACK_COL_MAJOR, 'U', d, (lapack_complex_double *)s, d, dd, ee,
                                 (lapack_complex_double *)tau, work, lw);
    ws_lw = lw;
  } else {
    info = LAPACKE_dsytrd(LAPACK_COL_MAJOR, 'U', d, s, d, dd, ee, tau);
  }
  for (int side = 0; side < 2 && info == 0; ++side) {
    int64_t k = side == 0 ? E->ktop : E->kbot;
    lapack_int il = side == 0 ? d - (lapack_int)k + 1 : (lapack_int)z0 + 1, iu = il + (lapack_int)k - 1;
    info = tri_range(d, dd, ee, il, iu, vec, dc, ec, w, z, isuppz);
    if (info == 0 && vec) { /* back to the basis of S: Q z */
      if (b->cplx) {
        for (size_t e = 0; e < (size_t)d * (size_t)k; ++e) {
          zc[2 * e] = z[e];
          zc[2 * e + 1] = 0.0;
        }
        info = LAPACKE_zunmtr_work(LAPACK_COL_MAJOR, 'L', 'U', 'N', d, (lapack_int)k, (lapack_complex_double *)s, d,
                                   (lapack_complex_double *)tau, (lapack_complex_double *)zc, d, work, ws_lw);
      } else {
        info = LAPACKE_dormtr(LAPACK_COL_MAJOR, 'L', 'U', 'N', d, (lapack_int)k, s, d, tau, z, d);
      }
    }
    if (info != 0) break;
    /* column c of z (ascending) -> position j of the row */
    for (int64_t j = 0; j < k; ++j) {
      int64_t col = side == 0 ? k - 1 - j : j;
      row[(side == 0 ? E->top : E->bot) + j] = w[col];
      if (!vec) continue;
      double *ovl = row + (side == 0 ? E->top_ovl : E->bot_ovl) + j * E->ndir;
      for (int64_t i = 0; i < E->ndir; ++i) {
        size_t at = (size_t)i + (size_t)col * (size_t)d;
        ovl[i] = b->cplx ? zc[2 * at] * zc[2 * at] + zc[2 * at + 1] * zc[2 * at + 1] : z[at] * z[at];
      }
    }
  }
  free(work);
  return info;
}

static rmtmc_status edge_solve(void *impl, void *batch, rmtmc_error *err) {
  cpu_impl *c = impl;
  cpu_batch *b = batch;
  int64_t d = b->m->d, parts = b->cplx ? 2 : 1;
#pragma omp parallel for num_threads(b->threads) schedule(dynamic, 1)
  for (int64_t t = 0; t < b->count; ++t)
    b->info[t] = edge_trial(b, b->s + (size_t)t * (size_t)(d * d * parts), b->ev + (size_t)t * (size_t)b->E.nobs,
                            b->ws + (size_t)omp_get_thread_num() * (size_t)b->ws_len);
  return backend_check_info(c->debug, b->cplx ? "LAPACK zhetrd/dstemr/zunmtr" : "LAPACK dsytrd/dstemr/dormtr",
                            b->info, b->count, b->trial0, err);
}

static rmtmc_status edge_reduce(void *impl, void *batch, double *out, int64_t *hist, rmtmc_error *err) {
  cpu_batch *b = batch;
  if (out) memcpy(out, b->ev, (size_t)(b->count * b->E.nobs) * sizeof(double));
  return RMTMC_OK;
}

const rmtmc_method_ops cpu_edge_method = {
    .limits = edge_limits,
    .alloc = edge_alloc,
    .free = edge_free,
    .sample = cpu_xs_sample,
    .gram = cpu_xs_gram,
    .solve = edge_solve,
    .reduce = edge_reduce,
    .copy_sample = cpu_xs_copy_sample,
};
