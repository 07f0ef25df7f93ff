/* cpu_resolvent.c: the resolvent method on the CPU (the reference the CUDA
 * backend is tested against; paths in include/rmtmc_resolvent_method.h).
 * Trials of a batch run in parallel on OpenMP threads, one trial per thread
 * at a time with single-threaded OpenBLAS, so a trial's numbers do not
 * depend on the thread count.  Per trial, in the solve stage:
 *   X and S = X X^T / n exactly as the dense method draws and forms them
 *   (cpu_draw_x, cpu_gram_x: the upper triangle);
 *   each real z: F = S + zI, LAPACK dpotrf ('U': F = U^T U), dpotrs against
 *   the probes (Y = Q P), and when a trace or the diagonal is asked for
 *   dtrtri (V = U^-1 in F) and, for a dense Sigma, dtrmm (T = Sigma^(1/2) V);
 *   complex z (or every z on the eigen path): one dsyevd with vectors of a
 *   copy of S, C = W^T P (dgemm), the weights a_k = ||Sigma^(1/2) w_k||^2
 *   (dsymm) when (1/d) tr Sigma Q is asked for;
 *   the sums of src/backend/resolvent_common.h.
 * The per-trial workspace is per thread (2 d n + 3 d^2 + 2 d nprobe + 2 d
 * doubles at most); a batch holds only the outputs. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cpu/cpu_internal.h"
#include "backend/resolvent_common.h"
#include "core/parallel.h"
#include "core/sysinfo.h"

typedef struct rsv_ws {
  double *g, *x, *s, *f, *t, *y, *c, *lam, *a;
} rsv_ws;

typedef struct cpu_rsv_batch {
  rmtmc_resolvent_problem p;
  rmtmc_resolvent_offsets o;
  int64_t cap, nout;
  int threads, eigen, inverse, dense_t;
  rsv_ws *ws;       /* [threads] */
  double *out;      /* cap x nout */
  int *info_chol;   /* [cap] the first failing potrf/potrs/trtri info of each trial */
  int *info_eig;    /* [cap] dsyevd info */
  uint64_t seed, trial0;
  int64_t count;
} cpu_rsv_batch;

/* Doubles of one thread's workspace. */
static double ws_doubles(const rmtmc_resolvent_problem *p) {
  const rmtmc_model *m = p->model;
  double d = (double)m->d, n = (double)m->n, np = (double)(p->nprobe > 0 ? p->nprobe : 1);
  int dense_t = m->sqrt_full && (p->traces & RMTMC_RSV_TRACE_SIGMA);
  return (m->sqrt_full ? d * n : 0.0) + d * n + 2.0 * d * d + (dense_t ? d * d : 0.0) + 2.0 * d * np + 2.0 * d;
}

static void ws_free(rsv_ws *w) {
  double *v[] = {w->g, w->x, w->s, w->f, w->t, w->y, w->c, w->lam, w->a};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; ++i) free(v[i]);
  memset(w, 0, sizeof *w);
}

static double *dalloc(int64_t count, int *ok) {
  double *q = malloc((size_t)(count > 0 ? count : 1) * sizeof(double));
  if (!q) *ok = 0;
  return q;
}

static int ws_alloc(rsv_ws *w, const cpu_rsv_batch *b) {
  const rmtmc_model *m = b->p.model;
  int64_t d = m->d, n = m->n, np = b->p.nprobe;
  int ok = 1;
  memset(w, 0, sizeof *w);
  if (m->sqrt_full) w->g = dalloc(d * n, &ok);
  w->x = dalloc(d * n, &ok);
  w->s = dalloc(d * d, &ok);
  w->f = dalloc(d * d, &ok);
  if (b->dense_t) w->t = dalloc(d * d, &ok);
  w->y = dalloc(d * np, &ok);
  w->c = dalloc(d * np, &ok);
  w->lam = dalloc(d, &ok);
  w->a = dalloc(d, &ok);
  if (!ok) ws_free(w);
  return ok;
}

/* F = the upper triangle of S (+ z on the diagonal). */
static void copy_upper(double *f, const double *s, int64_t d, double z) {
  for (int64_t j = 0; j < d; ++j) {
    memcpy(f + j * d, s + j * d, (size_t)(j + 1) * sizeof(double));
    f[j + j * d] += z;
  }
}

/* The forms of one z block from the probes P and Y = Q P (real z) or from
 * the coordinates C = W^T P (eigen path). */
static void forms_chol(const cpu_rsv_batch *b, const double *Y, double *blk) {
  const rmtmc_resolvent_problem *p = &b->p;
  int64_t d = p->model->d;
  for (int64_t q = 0; q < p->npair; ++q) {
    blk[b->o.form + 2 * q] = rsv_dot(p->probes + p->pairs[2 * q] * d, Y + p->pairs[2 * q + 1] * d, d);
    blk[b->o.form + 2 * q + 1] = 0.0;
  }
  for (int64_t q = 0; q < p->npair2; ++q) {
    blk[b->o.form2 + 2 * q] = rsv_dot(Y + p->pairs2[2 * q] * d, Y + p->pairs2[2 * q + 1] * d, d);
    blk[b->o.form2 + 2 * q + 1] = 0.0;
  }
}

/* Real z_j by the Cholesky path; the first nonzero LAPACK info into *info. */
static void chol_z(const cpu_rsv_batch *b, rsv_ws *w, int64_t j, double *blk, int *info) {
  const rmtmc_resolvent_problem *p = &b->p;
  const rmtmc_model *m = p->model;
  int64_t d = m->d, np = p->nprobe;
  double z = p->z_re[j];
  copy_upper(w->f, w->s, d, z);
  int st = (int)LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', (lapack_int)d, w->f, (lapack_int)d);
  if (st == 0 && np > 0 && (p->npair > 0 || p->npair2 > 0)) {
    memcpy(w->y, p->probes, (size_t)(d * np) * sizeof(double));
    st = (int)LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'U', (lapack_int)d, (lapack_int)np, w->f, (lapack_int)d, w->y,
                             (lapack_int)d);
    if (st == 0) forms_chol(b, w->y, blk);
  }
  if (st == 0 && b->inverse) st = (int)LAPACKE_dtrtri(LAPACK_COL_MAJOR, 'U', 'N', (lapack_int)d, w->f, (lapack_int)d);
  if (st != 0) {
    if (!*info) *info = st;
    return;
  }
  if (!b->inverse) return;
  /* V = U^-1 in the upper triangle of F: Q_ii = ||row i of V||^2 */
  double tr = 0.0, trs = 0.0, dev = 0.0;
  for (int64_t i = 0; i < d; ++i) {
    double q = rsv_chol_diag(w->f, d, i);
    tr += q;
    if (!m->sqrt_full) trs += (m->sqrt_diag[i] * m->sqrt_diag[i]) * q;
    if (p->qbar_re) dev = fmax(dev, rsv_dev(q, 0.0, p->qbar_re[i + j * d], p->qbar_im[i + j * d]));
  }
  if (b->dense_t) { /* ||Sigma^(1/2) V||_F^2 */
    memcpy(w->t, m->sqrt_full, (size_t)(d * d) * sizeof(double));
    cblas_dtrmm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, (int)d, (int)d, 1.0, w->f, (int)d,
                w->t, (int)d);
    for (int64_t k = 0; k < d; ++k) trs += rsv_col_norm2(w->t, d, k, d);
  }
  if (b->o.trace >= 0) {
    blk[b->o.trace] = tr / (double)d;
    blk[b->o.trace + 1] = 0.0;
  }
  if (b->o.trace_sigma >= 0) {
    blk[b->o.trace_sigma] = trs / (double)d;
    blk[b->o.trace_sigma + 1] = 0.0;
  }
  if (b->o.diag >= 0) blk[b->o.diag] = dev;
}

/* Every z of the eigen path from one eigendecomposition. */
static void eigen_all(const cpu_rsv_batch *b, rsv_ws *w, double *out, int *info) {
  const rmtmc_resolvent_problem *p = &b->p;
  const rmtmc_model *m = p->model;
  int64_t d = m->d, np = p->nprobe;
  copy_upper(w->f, w->s, d, 0.0);
  int st = (int)LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)d, w->f, (lapack_int)d, w->lam);
  if (st != 0) {
    *info = st;
    return;
  }
  if (np > 0)
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)d, (int)np, (int)d, 1.0, w->f, (int)d, p->probes,
                (int)d, 0.0, w->c, (int)d);
  if (p->traces & RMTMC_RSV_TRACE_SIGMA) { /* a_k = w_k^T Sigma w_k */
    if (m->sqrt_full) {
      cblas_dsymm(CblasColMajor, CblasLeft, CblasUpper, (int)d, (int)d, 1.0, m->sqrt_full, (int)d, w->f, (int)d, 0.0,
                  w->t, (int)d);
      for (int64_t k = 0; k < d; ++k) w->a[k] = rsv_col_norm2(w->t, d, k, d);
    } else {
      for (int64_t k = 0; k < d; ++k) {
        double s = 0.0;
        for (int64_t i = 0; i < d; ++i) {
          double v = m->sqrt_diag[i] * w->f[i + k * d];
          s += v * v;
        }
        w->a[k] = s;
      }
    }
  }
  for (int64_t j = 0; j < p->nz; ++j) {
    if (rmtmc_resolvent_uses_cholesky(p, j)) continue;
    double *blk = out + j * b->o.per_z, zr = p->z_re[j], zi = p->z_im[j], re, im;
    if (b->o.trace >= 0) {
      rsv_eig_sum(w->lam, NULL, NULL, d, zr, zi, 1, &re, &im);
      blk[b->o.trace] = re / (double)d;
      blk[b->o.trace + 1] = im / (double)d;
    }
    if (b->o.trace_sigma >= 0) {
      rsv_eig_sum(w->lam, w->a, NULL, d, zr, zi, 1, &re, &im);
      blk[b->o.trace_sigma] = re / (double)d;
      blk[b->o.trace_sigma + 1] = im / (double)d;
    }
    for (int64_t q = 0; q < p->npair; ++q) {
      rsv_eig_sum(w->lam, w->c + p->pairs[2 * q] * d, w->c + p->pairs[2 * q + 1] * d, d, zr, zi, 1, &re, &im);
      blk[b->o.form + 2 * q] = re;
      blk[b->o.form + 2 * q + 1] = im;
    }
    for (int64_t q = 0; q < p->npair2; ++q) {
      rsv_eig_sum(w->lam, w->c + p->pairs2[2 * q] * d, w->c + p->pairs2[2 * q + 1] * d, d, zr, zi, 2, &re, &im);
      blk[b->o.form2 + 2 * q] = re;
      blk[b->o.form2 + 2 * q + 1] = im;
    }
    if (b->o.diag >= 0) {
      double dev = 0.0;
      for (int64_t i = 0; i < d; ++i) {
        rsv_eig_diag(w->lam, w->f, d, i, zr, zi, &re, &im);
        dev = fmax(dev, rsv_dev(re, im, p->qbar_re[i + j * d], p->qbar_im[i + j * d]));
      }
      blk[b->o.diag] = dev;
    }
  }
}

typedef struct rsv_job {
  cpu_rsv_batch *b;
} rsv_job;

/* rmtmc_item_fn: trial i of the batch. */
static rmtmc_status rsv_item(void *ctx, int thread, int64_t i, rmtmc_error *err) {
  cpu_rsv_batch *b = ((rsv_job *)ctx)->b;
  rsv_ws *w = &b->ws[thread];
  const rmtmc_resolvent_problem *p = &b->p;
  double *out = b->out + i * b->nout;
  for (int64_t k = 0; k < b->nout; ++k) out[k] = NAN;
  cpu_draw_x(p->model, b->seed, b->trial0 + (uint64_t)i, w->g, w->x);
  cpu_gram_x(p->model, w->x, w->s);
  for (int64_t j = 0; j < p->nz && !b->info_chol[i]; ++j)
    if (rmtmc_resolvent_uses_cholesky(p, j)) chol_z(b, w, j, out + j * b->o.per_z, &b->info_chol[i]);
  if (b->eigen && !b->info_chol[i]) eigen_all(b, w, out, &b->info_eig[i]);
  return RMTMC_OK;
}

/* ------------------------------------------------ the method's entries */

/* The LAPACK solvers the trials run (cpu_info reports them). */
static const char *rsv_solver(const rmtmc_resolvent_problem *p) {
  int chol = 0;
  for (int64_t j = 0; j < p->nz; ++j) chol |= rmtmc_resolvent_uses_cholesky(p, j);
  if (!rmtmc_resolvent_needs_eigen(p)) return "LAPACKE dpotrf";
  return chol ? "LAPACKE dpotrf+dsyevd" : "LAPACKE dsyevd";
}

static rmtmc_status rsv_limits(void *impl, const rmtmc_work *wk, rmtmc_batch_limits *lim, rmtmc_error *err) {
  cpu_impl *ci = impl;
  const rmtmc_resolvent_problem *p = wk->resolvent;
  ci->solver = rsv_solver(p);
  double fixed = 8.0 * (double)ci->threads * ws_doubles(p), per = 8.0 * (double)rmtmc_resolvent_nout(p) + 8.0;
  char what[160];
  snprintf(what, sizeof what, "the resolvent of d = %lld, n = %lld on %d CPU threads (a workspace each)",
           (long long)p->model->d, (long long)p->model->n, ci->threads);
  return cpu_plan_batch(what, fixed, per, "--d, --n or --threads", lim, err);
}

static void rsv_free(void *impl, void *batch) {
  cpu_rsv_batch *b = batch;
  if (!b) return;
  if (b->ws)
    for (int i = 0; i < b->threads; ++i) ws_free(&b->ws[i]);
  free(b->ws);
  free(b->out);
  free(b->info_chol);
  free(b->info_eig);
  free(b);
}

static rmtmc_status rsv_alloc(void *impl, const rmtmc_work *wk, int64_t cap, void **out, rmtmc_error *err) {
  cpu_impl *ci = impl;
  const rmtmc_resolvent_problem *p = wk->resolvent;
  ci->solver = rsv_solver(p);
  cpu_rsv_batch *b = calloc(1, sizeof *b);
  if (!b) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  b->p = *p;
  rmtmc_resolvent_offsets_of(p, &b->o);
  b->cap = cap;
  b->nout = rmtmc_resolvent_nout(p);
  b->threads = ci->threads;
  b->eigen = rmtmc_resolvent_needs_eigen(p);
  b->inverse = rmtmc_resolvent_needs_inverse(p);
  b->dense_t = p->model->sqrt_full && (p->traces & RMTMC_RSV_TRACE_SIGMA);
  b->ws = calloc((size_t)b->threads, sizeof(rsv_ws));
  b->out = malloc((size_t)(cap * b->nout) * sizeof(double));
  b->info_chol = calloc((size_t)cap, sizeof(int));
  b->info_eig = calloc((size_t)cap, sizeof(int));
  int ok = b->ws && b->out && b->info_chol && b->info_eig;
  for (int i = 0; ok && i < b->threads; ++i) ok = ws_alloc(&b->ws[i], b);
  if (!ok) {
    rsv_free(impl, b);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the resolvent workspace (%d threads x %.3g GiB)",
                           ci->threads, 8.0 * ws_doubles(p) / 1073741824.0);
  }
  *out = b;
  return RMTMC_OK;
}

/* The trials to run; the work happens in the solve stage. */
static rmtmc_status rsv_sample(void *impl, void *batch, uint64_t seed, uint64_t trial0, int64_t count,
                               rmtmc_error *err) {
  cpu_rsv_batch *b = batch;
  b->seed = seed;
  b->trial0 = trial0;
  b->count = count;
  return RMTMC_OK;
}

static rmtmc_status rsv_solve(void *impl, void *batch, rmtmc_error *err) {
  cpu_impl *ci = impl;
  cpu_rsv_batch *b = batch;
#if defined(OPENBLAS_VERSION)
  openblas_set_num_threads(1);
#endif
  memset(b->info_chol, 0, (size_t)b->count * sizeof(int));
  memset(b->info_eig, 0, (size_t)b->count * sizeof(int));
  rsv_job j = {.b = b};
  rmtmc_status st = rmtmc_parallel_for(b->threads, b->count, rsv_item, &j, err);
  if (st != RMTMC_OK) return st;
  int chol = 0;
  for (int64_t k = 0; k < b->p.nz; ++k) chol |= rmtmc_resolvent_uses_cholesky(&b->p, k);
  if (chol)
    st = backend_check_info(ci->debug, "LAPACK dpotrf (S + zI, real z)", b->info_chol, b->count, b->trial0, err);
  if (st == RMTMC_OK && b->eigen)
    st = backend_check_info(ci->debug, "LAPACK dsyevd (eigenvectors of S)", b->info_eig, b->count, b->trial0, err);
  return st;
}

static rmtmc_status rsv_reduce(void *impl, void *batch, double *out, int64_t *hist, rmtmc_error *err) {
  cpu_rsv_batch *b = batch;
  if (out) memcpy(out, b->out, (size_t)(b->count * b->nout) * sizeof(double));
  return RMTMC_OK;
}

const rmtmc_method_ops cpu_resolvent_method = {
    .limits = rsv_limits,
    .alloc = rsv_alloc,
    .free = rsv_free,
    .sample = rsv_sample,
    .gram = NULL,
    .solve = rsv_solve,
    .reduce = rsv_reduce,
    .copy_sample = NULL,
    .copy_eigvals = NULL,
};
