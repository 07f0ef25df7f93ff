/* cpu_backend.c: the reference backend.  Dense method: OpenBLAS dsyrk for
 * the Gram matrix, LAPACKE dsyevd (eigenvalues only) for the spectrum, the
 * observables of the layout with the shared per-eigenvalue rules
 * (reduce_common.h); trials of a batch in parallel across OpenMP threads
 * (BLAS itself single-threaded, so results do not depend on the thread
 * count).  Complex data: zherk and zheevd (a full Sigma^(1/2) through
 * zsymm).  The fit method is in cpu_fit.c, the edge method in cpu_edge.c,
 * the tridiagonal method in cpu_tridiag_method.c, the resolvent method in
 * cpu_resolvent.c; Bartlett's method (Gaussian data, any Sigma: Bartlett's
 * L from cpu_bartlett.c, the m x m matrix W, dsyevd on W, the dense
 * reduction) is below; the sample and Gram stages below
 * serve the edge method too, and their per-trial draw and Gram matrix
 * (cpu_draw_x, cpu_gram_x) the resolvent method. */
#include <cblas.h>
#include <complex.h>
#include <lapacke.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend_impl.h"
#include "backend/cpu/cpu_internal.h"
#include "backend/reduce_common.h"
#include "backend/cpu/cpu_fast.h"
#include "core/parallel.h"
#include "core/sysinfo.h"
#include "core/blas.h"


static rmtmc_status cpu_open(const rmtmc_backend_opts *opts, rmtmc_backend_debug *debug, void **impl,
                             rmtmc_error *err) {
  cpu_impl *c = calloc(1, sizeof *c);
  if (!c) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  c->threads = rmtmc_resolve_threads(opts ? opts->threads : 0); /* capped: the run's note says so */
  c->debug = debug;
  /* BLAS single-threaded while the backend is open (trials run in
   * parallel, each on one BLAS thread: rmtmc_blas_serial); the process's
   * setting comes back at close, so a front end running many studies in one
   * process (the Python package) leaves OpenBLAS as it found it. */
  c->blas_threads = 0;
#if defined(OPENBLAS_VERSION)
  c->blas_threads = openblas_get_num_threads();
#endif
  rmtmc_blas_serial();
  *impl = c;
  return RMTMC_OK;
}

static void cpu_close(void *impl) {
  cpu_impl *c = impl;
#if defined(OPENBLAS_VERSION)
  if (c && c->blas_threads > 0) openblas_set_num_threads(c->blas_threads);
#endif
  free(c);
}

static rmtmc_status cpu_info(void *impl, rmtmc_backend_info *out, rmtmc_error *err) {
  cpu_impl *c = impl;
  memset(out, 0, sizeof *out);
  snprintf(out->name, sizeof out->name, "cpu");
  snprintf(out->device, sizeof out->device, "unknown CPU");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f) {
    char line[512];
    while (fgets(line, sizeof line, f)) {
      char *colon = strchr(line, ':');
      if (strncmp(line, "model name", 10) == 0 && colon) {
        char *s = colon + 1;
        while (*s == ' ') ++s;
        s[strcspn(s, "\n")] = '\0';
        snprintf(out->device, sizeof out->device, "%s", s);
        break;
      }
    }
    fclose(f);
  }
  out->threads = c->threads;
  out->memory_bytes = rmtmc_physical_memory(0.0);
  out->device_ordinal = -1; /* not a GPU */
  snprintf(out->solver, sizeof out->solver, "%s", c->solver ? c->solver : "");
#if defined(OPENBLAS_VERSION)
  const char *v = OPENBLAS_VERSION;
  while (*v == ' ') ++v;
  snprintf(out->versions, sizeof out->versions, "%.*s; LAPACKE", (int)strcspn(v, "\n"), v);
  size_t len = strlen(out->versions);
  char *sp = strstr(out->versions, " ; ");
  if (sp) memmove(sp, sp + 1, len - (size_t)(sp - out->versions));
#else
  snprintf(out->versions, sizeof out->versions, "BLAS; LAPACKE");
#endif
  return RMTMC_OK;
}

/* Automatic batches: enough trials to keep every thread busy (4 per
 * thread) and to report progress at least 32 times on a long run, within
 * 64 MiB of batch memory (a larger batch buys nothing on a CPU). */
static void cpu_policy(void *impl, rmtmc_batch_policy *p) {
  cpu_impl *c = impl;
  p->min_batch = 4 * (int64_t)c->threads;
  p->max_batch = 4096;
  p->progress_steps = 32;
  p->batch_bytes = 64.0 * 1048576.0;
}

/* ------------------------------------------ shared by the spectrum methods */

rmtmc_status cpu_limits(const rmtmc_work *w, double per, double fixed, rmtmc_batch_limits *lim, rmtmc_error *err) {
  const rmtmc_model *m = w->model;
  double avail = 0.8 * rmtmc_available_memory();
  if (fixed + per > avail)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                           "d = %lld, n = %lld needs %.2f GiB for one trial of the %s method on the CPU, but only %.2f GiB of memory is available; reduce --d/--n",
                           (long long)m->d, (long long)m->n, (fixed + per) / 1073741824.0,
                           rmtmc_method_name(w->method), avail / 1073741824.0);
  return cpu_batch_fit(m, per, fixed, lim, err);
}

rmtmc_status cpu_layout_own(cpu_layout *o, const rmtmc_layout *L, rmtmc_error *err) {
  size_t nz = (size_t)(L->nz > 0 ? L->nz : 1);
  o->L = *L;
  o->z_re = malloc(nz * sizeof(double));
  o->z_im = malloc(nz * sizeof(double));
  if (!o->z_re || !o->z_im) {
    cpu_layout_free(o);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  if (L->nz > 0) {
    memcpy(o->z_re, L->z_re, (size_t)L->nz * sizeof(double));
    memcpy(o->z_im, L->z_im, (size_t)L->nz * sizeof(double));
  }
  o->L.z_re = o->z_re;
  o->L.z_im = o->z_im;
  return RMTMC_OK;
}

void cpu_layout_free(cpu_layout *o) {
  free(o->z_re);
  free(o->z_im);
  o->z_re = o->z_im = NULL;
}

typedef struct reduce_job {
  cpu_trial_reduce_fn fn;
  void *ctx;
  int64_t nhist;
  int64_t *rows;
} reduce_job;

static rmtmc_status reduce_item(void *ctx, int thread, int64_t t, rmtmc_error *err) {
  reduce_job *j = ctx;
  return j->fn(j->ctx, thread, t, j->rows ? j->rows + t * j->nhist : NULL, err);
}

rmtmc_status cpu_reduce_trials(int threads, int64_t count, int64_t nhist, int64_t *hist, cpu_trial_reduce_fn fn,
                               void *ctx, rmtmc_error *err) {
  /* each trial counts into its own row first: no shared counters */
  reduce_job j = {.fn = fn, .ctx = ctx, .nhist = nhist, .rows = NULL};
  if (nhist > 0 && hist && count > 0) {
    j.rows = calloc((size_t)(count * nhist), sizeof *j.rows);
    if (!j.rows) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for %lld histogram rows", (long long)count);
  }
  rmtmc_status st = rmtmc_parallel_for(threads, count, reduce_item, &j, err);
  for (int64_t t = 0; st == RMTMC_OK && j.rows && t < count; ++t)
    for (int64_t q = 0; q < nhist; ++q) hist[q] += j.rows[t * nhist + q];
  free(j.rows);
  return st;
}

/* ------------------------------------------------------------ X and S */

double cpu_xs_bytes(const rmtmc_model *m) {
  double d = (double)m->d, n = (double)m->n;
  if (m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN) return 16.0 * (d * n + d * d) + 4.0;
  double b = 8.0 * (d * n + d * d) + 4.0;
  if (m->precision == RMTMC_PRECISION_SINGLE) b += 4.0 * (d * n + d * d + d);
  return b;
}

double cpu_xs_fixed_bytes(const cpu_impl *c, const rmtmc_model *m) {
  int cplx = m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN;
  double d = (double)m->d, n = (double)m->n, es = cplx ? 16.0 : 8.0;
  return es * (double)c->threads * d * n + (m->sqrt_full ? (cplx ? 24.0 : 8.0) * d * d : 0.0);
}

rmtmc_status cpu_plan_batch(const char *what, double fixed, double per, const char *reduce, rmtmc_batch_limits *lim,
                            rmtmc_error *err) {
  rmtmc_status st = rmtmc_mem_check(what, fixed + per, reduce, err);
  if (st != RMTMC_OK) return st;
  double cnt = (0.8 * rmtmc_available_memory() - fixed) / per;
  lim->max_trials = cnt > 1e9 ? 1000000000 : cnt < 1.0 ? 1 : (int64_t)cnt;
  lim->bytes_per_trial = per;
  return RMTMC_OK;
}

rmtmc_status cpu_batch_fit(const rmtmc_model *m, double per, double fixed, rmtmc_batch_limits *lim,
                           rmtmc_error *err) {
  char what[160];
  snprintf(what, sizeof what, "one trial at d = %lld, n = %lld (with the CPU threads' workspaces)", (long long)m->d,
           (long long)m->n);
  return cpu_plan_batch(what, fixed, per, "--d, --n or --threads", lim, err);
}

void cpu_batch_release(cpu_batch *b) {
  if (!b) return;
  free(b->z_re);
  free(b->z_im);
  free(b->x);
  free(b->s);
  free(b->ev);
  free(b->xf);
  free(b->sf);
  free(b->evf);
  free(b->g);
  free(b->sqrt_c);
  free(b->ws);
  free(b->info);
  free(b);
}

rmtmc_status cpu_xs_alloc(cpu_impl *c, const rmtmc_model *m, int64_t cap, cpu_batch **out, rmtmc_error *err) {
  size_t d = (size_t)m->d, n = (size_t)m->n, k = (size_t)cap;
  cpu_batch *b = calloc(1, sizeof *b);
  if (!b) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  b->m = m;
  b->cplx = m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN;
  b->cap = cap;
  b->threads = c->threads;
  size_t parts = b->cplx ? 2 : 1;
  /* PAD: OpenBLAS 0.3.21's zgemv kernels (zhetrd inside zheevd) read past
   * the end of their operands (valgrind: 16-byte reads beyond the last
   * matrix of a batch; a segmentation fault when that is the end of a
   * mapping), so X and S end in a page of slack. */
  const size_t PAD = 512;
  b->x = malloc((k * d * n * parts + PAD) * sizeof(double));
  b->s = malloc((k * d * d * parts + PAD) * sizeof(double));
  b->info = calloc(k, sizeof(int));
  if (m->sqrt_full) b->g = malloc((size_t)c->threads * d * n * parts * sizeof(double));
  if (m->sqrt_full && b->cplx) {
    b->sqrt_c = malloc(2 * d * d * sizeof(double));
    if (b->sqrt_c)
      for (size_t e = 0; e < d * d; ++e) {
        b->sqrt_c[2 * e] = m->sqrt_full[e];
        b->sqrt_c[2 * e + 1] = 0.0;
      }
  }
  if (m->precision == RMTMC_PRECISION_SINGLE) {
    b->xf = malloc(k * d * n * sizeof(float));
    b->sf = malloc(k * d * d * sizeof(float));
    b->evf = malloc(k * d * sizeof(float));
  }
  if (!b->x || !b->s || !b->info || (m->sqrt_full && !b->g) || (m->sqrt_full && b->cplx && !b->sqrt_c) ||
      (m->precision == RMTMC_PRECISION_SINGLE && (!b->xf || !b->sf || !b->evf))) {
    cpu_batch_release(b);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "cannot allocate a batch of %lld trials (d = %zu, n = %zu)",
                           (long long)cap, d, n);
  }
  *out = b;
  return RMTMC_OK;
}

rmtmc_status cpu_xs_sample(void *impl, void *batch, uint64_t seed, uint64_t trial0, int64_t count,
                           rmtmc_error *err) {
  cpu_batch *b = batch;
  const rmtmc_model *m = b->m;
  int64_t d = m->d, n = m->n, parts = b->cplx ? 2 : 1;
  b->seed = seed;
  b->trial0 = trial0;
  b->count = count;
#pragma omp parallel for num_threads(b->threads) schedule(dynamic, 1)
  for (int64_t t = 0; t < count; ++t) {
    double *x = b->x + (size_t)t * (size_t)(d * n * parts);
    double *g = m->sqrt_full ? b->g + (size_t)omp_get_thread_num() * (size_t)(d * n * parts) : NULL;
    if (!b->cplx) {
      cpu_draw_x(m, seed, trial0 + (uint64_t)t, g, x);
    } else if (m->sqrt_full) {
      const double one[2] = {1.0, 0.0}, zero[2] = {0.0, 0.0};
      rmtmc_sample_entries(m, seed, trial0 + (uint64_t)t, g);
      cblas_zsymm(CblasColMajor, CblasLeft, CblasUpper, (int)d, (int)n, one, b->sqrt_c, (int)d, g, (int)d, zero, x,
                  (int)d);
    } else {
      rmtmc_sample_entries(m, seed, trial0 + (uint64_t)t, x);
      for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < d; ++i)
          for (int64_t p = 0; p < 2; ++p) x[(i + j * d) * 2 + p] *= m->sqrt_diag[i];
    }
  }
  return RMTMC_OK;
}

void cpu_draw_x(const rmtmc_model *m, uint64_t seed, uint64_t trial, double *g, double *x) {
  int64_t d = m->d, n = m->n;
  if (m->sqrt_full) {
    rmtmc_sample_entries(m, seed, trial, g);
    cblas_dsymm(CblasColMajor, CblasLeft, CblasUpper, (int)d, (int)n, 1.0, m->sqrt_full, (int)d, g, (int)d, 0.0, x,
                (int)d);
  } else {
    rmtmc_sample_entries(m, seed, trial, x);
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = 0; i < d; ++i) x[i + j * d] *= m->sqrt_diag[i];
  }
}

void cpu_gram_x(const rmtmc_model *m, const double *x, double *s) {
  cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)m->d, (int)m->n, 1.0 / (double)m->n, x, (int)m->d, 0.0, s,
              (int)m->d);
}

rmtmc_status cpu_xs_gram(void *impl, void *batch, rmtmc_error *err) {
  cpu_batch *b = batch;
  const rmtmc_model *m = b->m;
  int64_t d = m->d, n = m->n;
  int single = m->precision == RMTMC_PRECISION_SINGLE;
#pragma omp parallel for num_threads(b->threads) schedule(dynamic, 1)
  for (int64_t t = 0; t < b->count; ++t) {
    size_t xo = (size_t)t * (size_t)(d * n), so = (size_t)t * (size_t)(d * d);
    if (b->cplx) {
      cblas_zherk(CblasColMajor, CblasUpper, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, b->x + 2 * xo, (int)d,
                  0.0, b->s + 2 * so, (int)d);
    } else if (single) {
      for (size_t e = 0; e < (size_t)(d * n); ++e) b->xf[xo + e] = (float)b->x[xo + e];
      cblas_ssyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)d, (int)n, (float)(1.0 / (double)n), b->xf + xo,
                  (int)d, 0.0f, b->sf + so, (int)d);
    } else {
      cpu_gram_x(m, b->x + xo, b->s + so);
    }
  }
  return RMTMC_OK;
}

/* ------------------------------------------------------------ dense */

/* The eigensolver a work runs, as cpu_info reports it. */
const char *cpu_dense_solver(const rmtmc_model *m) {
  return m->entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN  ? "LAPACKE zheevd"
         : m->precision == RMTMC_PRECISION_SINGLE      ? "LAPACKE ssyevd"
                                                       : "LAPACKE dsyevd";
}

static rmtmc_status dense_limits(void *impl, const rmtmc_work *w, rmtmc_batch_limits *lim, rmtmc_error *err) {
  const rmtmc_model *m = w->model;
  ((cpu_impl *)impl)->solver = cpu_dense_solver(m);
  return cpu_batch_fit(m, cpu_xs_bytes(m) + 8.0 * (double)m->d, cpu_xs_fixed_bytes(impl, m), lim, err);
}

static void dense_free(void *impl, void *batch) { cpu_batch_release(batch); }

/* The batch's own copy of the layout and cap x d eigenvalues (dense and
 * Bartlett). */
static rmtmc_status own_layout_ev(cpu_batch *b, const rmtmc_layout *L, rmtmc_error *err) {
  cpu_layout o;
  rmtmc_status st = cpu_layout_own(&o, L, err);
  if (st != RMTMC_OK) {
    cpu_batch_release(b);
    return st;
  }
  b->L = o.L;
  b->z_re = o.z_re;
  b->z_im = o.z_im;
  b->ev = malloc((size_t)b->cap * (size_t)b->m->d * sizeof(double));
  if (!b->ev) {
    cpu_batch_release(b);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "cannot allocate a batch of %lld trials (d = %lld)",
                           (long long)b->cap, (long long)b->m->d);
  }
  return RMTMC_OK;
}

static rmtmc_status dense_alloc(void *impl, const rmtmc_work *w, int64_t cap, void **out, rmtmc_error *err) {
  cpu_impl *c = impl;
  const rmtmc_model *m = w->model;
  c->solver = cpu_dense_solver(m);
  cpu_batch *b = NULL;
  rmtmc_status st = cpu_xs_alloc(c, m, cap, &b, err);
  if (st == RMTMC_OK) st = own_layout_ev(b, w->layout, err);
  if (st != RMTMC_OK) return st;
  *out = b;
  return RMTMC_OK;
}

int cpu_padded_work(int query, size_t elem, size_t pad, void **out) {
  *out = malloc(((size_t)(query > 1 ? query : 1) + pad) * elem);
  return *out ? 0 : -1011; /* LAPACK_WORK_MEMORY_ERROR */
}

/* zheevd (eigenvalues only) with workspaces of our own, padded: OpenBLAS
 * 0.3.21's zgemv reads past the end of zhetrd's work array (valgrind), so
 * LAPACKE's exactly sized one is not used. */
static lapack_int zheevd_padded(lapack_int d, double *a, double *w) {
  lapack_complex_double qw;
  double qrw;
  lapack_int qiw, info;
  info = LAPACKE_zheevd_work(LAPACK_COL_MAJOR, 'N', 'U', d, (lapack_complex_double *)a, d, w, &qw, -1, &qrw, -1,
                             &qiw, -1);
  if (info != 0) return info;
  lapack_int lw = (lapack_int)creal(qw), lrw = (lapack_int)qrw, liw = qiw;
  size_t pad = 4 * (size_t)d + 64;
  void *work = NULL, *rwork = NULL, *iwork = NULL;
  info = cpu_padded_work(lw, sizeof(lapack_complex_double), pad, &work);
  if (info == 0) info = cpu_padded_work(lrw, sizeof(double), pad, &rwork);
  if (info == 0) info = cpu_padded_work(liw, sizeof(lapack_int), pad, &iwork);
  if (info == 0)
    info = LAPACKE_zheevd_work(LAPACK_COL_MAJOR, 'N', 'U', d, (lapack_complex_double *)a, d, w, work, lw, rwork, lrw,
                               iwork, liw);
  free(work);
  free(rwork);
  free(iwork);
  return info;
}

/* Eigenvalues ascending; the max(0, d - n) structural zeros set to 0. */
static rmtmc_status dense_solve(void *impl, void *batch, rmtmc_error *err) {
  cpu_impl *c = impl;
  cpu_batch *b = batch;
  const rmtmc_model *m = b->m;
  int64_t d = m->d, z0 = rmtmc_structural_zeros(m->d, m->n);
  int single = m->precision == RMTMC_PRECISION_SINGLE;
#pragma omp parallel for num_threads(b->threads) schedule(dynamic, 1)
  for (int64_t t = 0; t < b->count; ++t) {
    size_t so = (size_t)t * (size_t)(d * d), eo = (size_t)t * (size_t)d;
    if (b->cplx) {
      b->info[t] = zheevd_padded((lapack_int)d, b->s + 2 * so, b->ev + eo);
    } else if (single) {
      b->info[t] = LAPACKE_ssyevd(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)d, b->sf + so, (lapack_int)d, b->evf + eo);
      for (int64_t i = 0; i < d; ++i) b->ev[eo + (size_t)i] = (double)b->evf[eo + (size_t)i];
    } else {
      b->info[t] = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)d, b->s + so, (lapack_int)d, b->ev + eo);
    }
    for (int64_t i = 0; i < z0; ++i) b->ev[eo + (size_t)i] = 0.0;
  }
  return backend_check_info(c->debug, b->cplx ? "LAPACK zheevd" : single ? "LAPACK ssyevd" : "LAPACK dsyevd", b->info,
                            b->count, b->trial0, err);
}

/* One trial's row of the layout from its ascending eigenvalues. */
static void reduce_trial(const rmtmc_layout *L, int64_t d, int64_t n, const double *ev, double *obs,
                         int64_t *hist) {
  int64_t z0 = rmtmc_structural_zeros(d, n);
  for (int k = 0; k < RMTMC_ZOBS_COUNT; ++k) {
    if (L->zobs_off[k] < 0) continue;
    for (int64_t j = 0; j < L->nz; ++j) {
      double s_re = 0.0, s_im = 0.0;
      for (int64_t i = 0; i < d; ++i) {
        double r_re, r_im, t_re, t_im;
        rmtmc_obs_resolvent(ev[i], L->z_re[j], L->z_im[j], &r_re, &r_im);
        rmtmc_obs_zterm(k, r_re, r_im, &t_re, &t_im);
        s_re += t_re;
        s_im += t_im;
      }
      obs[L->zobs_off[k] + 2 * j] = s_re / (double)d;
      obs[L->zobs_off[k] + 2 * j + 1] = s_im / (double)d;
    }
  }
  obs[L->lam_min] = ev[rmtmc_obs_lam_min_index(d, z0)];
  obs[L->lam_max] = ev[d - 1];
  double acc[RMTMC_LAYOUT_MAX_MOMENTS] = {0.0};
  for (int64_t i = 0; i < d; ++i) rmtmc_obs_powers(ev[i], L->kmax, acc);
  for (int k = 0; k < L->kmax; ++k) obs[L->moment + k] = acc[k] / (double)d;
  if (L->nbins > 0) {
    for (int64_t i = z0; i < d; ++i) hist[rmtmc_hist_slot(ev[i], L->nbins, L->hist_lo, L->hist_hi)] += 1;
    hist[L->nbins + 2] += z0;
  }
}

static rmtmc_status dense_reduce(void *impl, void *batch, double *obs, int64_t *hist, rmtmc_error *err) {
  cpu_batch *b = batch;
  const rmtmc_model *m = b->m;
  int64_t nobs = b->L.nobs;
  /* Histogram counts are integers: per-trial counts summed in any order give
   * the same total; each trial counts into its own row first. */
  int64_t nh = b->L.nhist;
  int64_t *h = nh && hist ? calloc((size_t)(b->count * nh), sizeof *h) : NULL;
  if (nh && hist && !h) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
#pragma omp parallel for num_threads(b->threads) schedule(dynamic, 4)
  for (int64_t t = 0; t < b->count; ++t)
    reduce_trial(&b->L, m->d, m->n, b->ev + (size_t)t * (size_t)m->d, obs + (size_t)(t * nobs),
                 h ? h + t * nh : NULL);
  for (int64_t t = 0; t < b->count && h; ++t)
    for (int64_t j = 0; j < nh; ++j) hist[j] += h[t * nh + j];
  free(h);
  return RMTMC_OK;
}

rmtmc_status cpu_xs_copy_sample(void *impl, void *batch, double *x, rmtmc_error *err) {
  cpu_batch *b = batch;
  memcpy(x, b->x, (size_t)(b->count * b->m->d * b->m->n * (b->cplx ? 2 : 1)) * sizeof(double));
  return RMTMC_OK;
}

static rmtmc_status dense_copy_eigvals(void *impl, void *batch, double *ev, rmtmc_error *err) {
  cpu_batch *b = batch;
  memcpy(ev, b->ev, (size_t)(b->count * b->m->d) * sizeof(double));
  return RMTMC_OK;
}

static const rmtmc_method_ops cpu_dense = {
    .limits = dense_limits,
    .alloc = dense_alloc,
    .free = dense_free,
    .sample = cpu_xs_sample,
    .gram = cpu_xs_gram,
    .solve = dense_solve,
    .reduce = dense_reduce,
    .copy_sample = cpu_xs_copy_sample,
    .copy_eigvals = dense_copy_eigvals,
};

/* ------------------------------------------------------------ Bartlett */

/* x = L (d x k), s = W (k x k), k = min(d, n); a full Sigma^(1/2) needs a
 * d x k product per thread (cpu_bartlett_gram). */
static rmtmc_status bartlett_limits(void *impl, const rmtmc_work *w, rmtmc_batch_limits *lim, rmtmc_error *err) {
  cpu_impl *c = impl;
  const rmtmc_model *m = w->model;
  double d = (double)m->d, k = (double)(m->d < m->n ? m->d : m->n);
  double per = 8.0 * (d * k + k * k + d) + 4.0;
  double fixed = m->sqrt_full ? 8.0 * (double)c->threads * d * k + 8.0 * d * d : 0.0;
  c->solver = "LAPACKE dsyevd"; /* on W, order min(d, n) */
  return cpu_limits(w, per, fixed, lim, err);
}

static rmtmc_status bartlett_alloc(void *impl, const rmtmc_work *w, int64_t cap, void **out, rmtmc_error *err) {
  cpu_impl *c = impl;
  const rmtmc_model *m = w->model;
  size_t d = (size_t)m->d, k = (size_t)(m->d < m->n ? m->d : m->n), nc = (size_t)cap;
  c->solver = "LAPACKE dsyevd";
  cpu_batch *b = calloc(1, sizeof *b);
  if (!b) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  b->m = m;
  b->cap = cap;
  b->k = (int64_t)k;
  b->threads = c->threads;
  b->x = malloc(nc * d * k * sizeof(double));
  b->s = malloc(nc * k * k * sizeof(double));
  b->info = calloc(nc, sizeof(int));
  if (m->sqrt_full) b->g = malloc((size_t)c->threads * d * k * sizeof(double));
  if (!b->x || !b->s || !b->info || (m->sqrt_full && !b->g)) {
    cpu_batch_release(b);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "cannot allocate a batch of %lld trials (d = %zu, k = %zu)",
                           (long long)cap, d, k);
  }
  rmtmc_status st = own_layout_ev(b, w->layout, err);
  if (st != RMTMC_OK) return st;
  *out = b;
  return RMTMC_OK;
}

static rmtmc_status bartlett_sample(void *impl, void *batch, uint64_t seed, uint64_t trial0, int64_t count,
                                    rmtmc_error *err) {
  cpu_batch *b = batch;
  const int64_t d = b->m->d, n = b->m->n, dk = d * b->k;
  b->seed = seed;
  b->trial0 = trial0;
  b->count = count;
#pragma omp parallel for num_threads(b->threads) schedule(dynamic, 1)
  for (int64_t t = 0; t < count; ++t) cpu_bartlett_sample(seed, trial0 + (uint64_t)t, d, n, b->x + t * dk);
  return RMTMC_OK;
}

static rmtmc_status bartlett_gram_one(void *ctx, int thread, int64_t t, rmtmc_error *err) {
  cpu_batch *b = ctx;
  const rmtmc_model *m = b->m;
  const int64_t d = m->d, k = b->k;
  return cpu_bartlett_gram(b->s + t * k * k, b->x + t * d * k, d, m->n, m->sqrt_full ? NULL : m->sqrt_diag,
                           m->sqrt_full, m->sqrt_full ? b->g + (int64_t)thread * d * k : NULL, err);
}

/* W of every trial: its eigenvalues are the non-trivial ones of S. */
static rmtmc_status bartlett_gram(void *impl, void *batch, rmtmc_error *err) {
  cpu_batch *b = batch;
  return rmtmc_parallel_for(b->threads, b->count, bartlett_gram_one, b, err);
}

/* dsyevd on W (lower triangle) into the top k eigenvalues; the d - k
 * structural zeros below them, exactly 0. */
static rmtmc_status bartlett_solve(void *impl, void *batch, rmtmc_error *err) {
  cpu_impl *c = impl;
  cpu_batch *b = batch;
  const int64_t d = b->m->d, k = b->k;
#pragma omp parallel for num_threads(b->threads) schedule(dynamic, 1)
  for (int64_t t = 0; t < b->count; ++t) {
    double *ev = b->ev + t * d;
    b->info[t] = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'N', 'L', (lapack_int)k, b->s + t * k * k, (lapack_int)k,
                                ev + (d - k));
    for (int64_t i = 0; i < d - k; ++i) ev[i] = 0.0;
  }
  return backend_check_info(c->debug, "LAPACK dsyevd", b->info, b->count, b->trial0, err);
}

static const rmtmc_method_ops cpu_bartlett = {
    .limits = bartlett_limits,
    .alloc = bartlett_alloc,
    .free = dense_free,
    .sample = bartlett_sample,
    .gram = bartlett_gram,
    .solve = bartlett_solve,
    .reduce = dense_reduce,
    .copy_eigvals = dense_copy_eigvals,
};

const rmtmc_backend_ops rmtmc_backend_cpu_ops = {
    .name = "cpu",
    .kind = RMTMC_BACKEND_CPU,
    .open = cpu_open,
    .close = cpu_close,
    .info = cpu_info,
    .policy = cpu_policy,
    .method = {[RMTMC_METHOD_DENSE] = &cpu_dense, [RMTMC_METHOD_FIT] = &cpu_fit_method,
               [RMTMC_METHOD_RESOLVENT] = &cpu_resolvent_method, [RMTMC_METHOD_EDGE] = &cpu_edge_method,
               [RMTMC_METHOD_TRIDIAGONAL] = &cpu_tridiag_method, [RMTMC_METHOD_BARTLETT] = &cpu_bartlett},
};
