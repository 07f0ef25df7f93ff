/* cpu_backend.c: the reference backend.  OpenBLAS dsyrk for the Gram matrix,
 * LAPACKE dsyevd (eigenvalues only) for the spectrum, trials of a batch in
 * parallel across OpenMP threads (BLAS itself single-threaded, so results do
 * not depend on the thread count). */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/cpu/cpu_internal.h"
#include "backend/reduce_common.h"
#include "rmtmc_backend.h"

struct rmtmc_batch {
  const rmtmc_model *m;
  rmtmc_reduce_spec r;
  double *z_re, *z_im; /* owned copies of the z grid */
  int64_t cap, count;
  uint64_t seed, trial0;
  double *x;   /* cap x d x n */
  double *s;   /* cap x d x d */
  double *ev;  /* cap x d */
  float *xf, *sf, *evf; /* single precision working copies */
  double *g;   /* threads x d x n scratch for a full Sigma^(1/2) */
  int threads;
  int *info;   /* per-trial LAPACK info */
};

static rmtmc_status cpu_open(const rmtmc_backend_opts *opts, void **impl,
                             rmtmc_error *err) {
  cpu_impl *c = calloc(1, sizeof *c);
  if (!c) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  c->threads = opts && opts->threads > 0 ? opts->threads : (int)(cores > 0 ? cores : 1);
#if defined(OPENBLAS_VERSION)
  openblas_set_num_threads(1);
#endif
  *impl = c;
  return RMTMC_OK;
}

static void cpu_close(void *impl) { free(impl); }

static double physical_memory(void) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? (double)pages * (double)size : 0.0;
}

double cpu_available_memory(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  double kb = 0.0;
  if (f) {
    char line[256];
    while (fgets(line, sizeof line, f))
      if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1) break;
    fclose(f);
  }
  return kb > 0.0 ? kb * 1024.0 : physical_memory();
}

static rmtmc_status cpu_info(void *impl, rmtmc_backend_info *out,
                             rmtmc_error *err) {
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
  out->memory_bytes = physical_memory();
  out->device_ordinal = -1; /* not a GPU */
  snprintf(out->solver, sizeof out->solver, "LAPACKE syevd");
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

/* Bytes one trial needs in a batch. */
static double bytes_per_trial(const rmtmc_model *m) {
  double d = (double)m->d, n = (double)m->n;
  double b = 8.0 * (d * n + d * d + d) + 4.0;
  if (m->precision == RMTMC_PRECISION_SINGLE) b += 4.0 * (d * n + d * d + d);
  return b;
}

static rmtmc_status cpu_max_batch(void *impl, const rmtmc_model *m,
                                  const rmtmc_reduce_spec *r, int64_t *max_trials,
                                  rmtmc_error *err) {
  cpu_impl *c = impl;
  double per = bytes_per_trial(m);
  double fixed = 8.0 * (double)c->threads * (double)m->d * (double)m->n +
                 (m->sqrt_full ? 8.0 * (double)m->d * (double)m->d : 0.0);
  double avail = 0.8 * cpu_available_memory();
  if (fixed + per > avail)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                           "d = %lld, n = %lld needs %.2f GiB for one trial on the CPU, but only %.2f GiB of memory is available; reduce --d/--n",
                           (long long)m->d, (long long)m->n,
                           (fixed + per) / 1073741824.0, avail / 1073741824.0);
  double cnt = (avail - fixed) / per;
  *max_trials = cnt > 1e9 ? 1000000000 : (int64_t)cnt;
  return RMTMC_OK;
}

static void cpu_batch_free(void *impl, rmtmc_batch *b) {
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
  free(b->info);
  free(b);
}

static rmtmc_status cpu_batch_alloc(void *impl, const rmtmc_model *m,
                                    const rmtmc_reduce_spec *r, int64_t cap,
                                    rmtmc_batch **out, rmtmc_error *err) {
  cpu_impl *c = impl;
  size_t d = (size_t)m->d, n = (size_t)m->n, k = (size_t)cap;
  rmtmc_batch *b = calloc(1, sizeof *b);
  if (!b) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  b->m = m;
  b->r = *r;
  b->cap = cap;
  b->threads = c->threads;
  size_t nz = (size_t)(r->nz > 0 ? r->nz : 1);
  b->z_re = malloc(nz * sizeof(double));
  b->z_im = malloc(nz * sizeof(double));
  b->x = malloc(k * d * n * sizeof(double));
  b->s = malloc(k * d * d * sizeof(double));
  b->ev = malloc(k * d * sizeof(double));
  b->info = calloc(k, sizeof(int));
  if (m->sqrt_full) b->g = malloc((size_t)c->threads * d * n * sizeof(double));
  if (m->precision == RMTMC_PRECISION_SINGLE) {
    b->xf = malloc(k * d * n * sizeof(float));
    b->sf = malloc(k * d * d * sizeof(float));
    b->evf = malloc(k * d * sizeof(float));
  }
  if (!b->z_re || !b->z_im || !b->x || !b->s || !b->ev || !b->info ||
      (m->sqrt_full && !b->g) ||
      (m->precision == RMTMC_PRECISION_SINGLE && (!b->xf || !b->sf || !b->evf))) {
    cpu_batch_free(impl, b);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "cannot allocate a batch of %lld trials (d = %zu, n = %zu)",
                           (long long)cap, d, n);
  }
  if (r->nz > 0) {
    memcpy(b->z_re, r->z_re, (size_t)r->nz * sizeof(double));
    memcpy(b->z_im, r->z_im, (size_t)r->nz * sizeof(double));
  }
  b->r.z_re = b->z_re;
  b->r.z_im = b->z_im;
  *out = b;
  return RMTMC_OK;
}

static rmtmc_status cpu_sample(void *impl, rmtmc_batch *b, uint64_t seed,
                               uint64_t trial0, int64_t count, rmtmc_error *err) {
  if (count < 0 || count > b->cap)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "batch of %lld trials exceeds its capacity %lld",
                           (long long)count, (long long)b->cap);
  const rmtmc_model *m = b->m;
  int64_t d = m->d, n = m->n;
  b->seed = seed;
  b->trial0 = trial0;
  b->count = count;
#pragma omp parallel for num_threads(b->threads) schedule(dynamic, 1)
  for (int64_t t = 0; t < count; ++t) {
    double *x = b->x + (size_t)t * (size_t)(d * n);
    if (m->sqrt_full) {
      double *g = b->g + (size_t)omp_get_thread_num() * (size_t)(d * n);
      rmtmc_sample_entries(m, seed, trial0 + (uint64_t)t, g);
      cblas_dsymm(CblasColMajor, CblasLeft, CblasUpper, (int)d, (int)n, 1.0,
                  m->sqrt_full, (int)d, g, (int)d, 0.0, x, (int)d);
    } else {
      rmtmc_sample_entries(m, seed, trial0 + (uint64_t)t, x);
      for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < d; ++i) x[i + j * d] *= m->sqrt_diag[i];
    }
  }
  return RMTMC_OK;
}

static rmtmc_status cpu_gram(void *impl, rmtmc_batch *b, rmtmc_error *err) {
  const rmtmc_model *m = b->m;
  int64_t d = m->d, n = m->n;
  int single = m->precision == RMTMC_PRECISION_SINGLE;
#pragma omp parallel for num_threads(b->threads) schedule(dynamic, 1)
  for (int64_t t = 0; t < b->count; ++t) {
    size_t xo = (size_t)t * (size_t)(d * n), so = (size_t)t * (size_t)(d * d);
    if (single) {
      for (size_t e = 0; e < (size_t)(d * n); ++e) b->xf[xo + e] = (float)b->x[xo + e];
      cblas_ssyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)d, (int)n,
                  (float)(1.0 / (double)n), b->xf + xo, (int)d, 0.0f, b->sf + so, (int)d);
    } else {
      cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)d, (int)n,
                  1.0 / (double)n, b->x + xo, (int)d, 0.0, b->s + so, (int)d);
    }
  }
  return RMTMC_OK;
}

static rmtmc_status cpu_solve(void *impl, rmtmc_batch *b, rmtmc_error *err) {
  const rmtmc_model *m = b->m;
  int64_t d = m->d;
  int single = m->precision == RMTMC_PRECISION_SINGLE;
#pragma omp parallel for num_threads(b->threads) schedule(dynamic, 1)
  for (int64_t t = 0; t < b->count; ++t) {
    size_t so = (size_t)t * (size_t)(d * d), eo = (size_t)t * (size_t)d;
    if (single) {
      b->info[t] = LAPACKE_ssyevd(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)d,
                                  b->sf + so, (lapack_int)d, b->evf + eo);
      for (int64_t i = 0; i < d; ++i) b->ev[eo + (size_t)i] = (double)b->evf[eo + (size_t)i];
    } else {
      b->info[t] = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)d,
                                  b->s + so, (lapack_int)d, b->ev + eo);
    }
  }
  for (int64_t t = 0; t < b->count; ++t) {
    if (b->info[t] > 0)
      return rmtmc_error_set(err, RMTMC_ERR_NOCONV,
                             "LAPACK syevd did not converge for trial %llu (info %d)",
                             (unsigned long long)(b->trial0 + (uint64_t)t), b->info[t]);
    if (b->info[t] < 0)
      return rmtmc_error_set(err, RMTMC_ERR_BACKEND,
                             "LAPACK syevd rejected argument %d for trial %llu",
                             -b->info[t], (unsigned long long)(b->trial0 + (uint64_t)t));
  }
  return RMTMC_OK;
}

/* One trial's observables from its ascending eigenvalues (zeros fixed up). */
static void reduce_trial(const rmtmc_reduce_spec *r, int64_t d, int64_t n,
                         double *ev, double *obs, int64_t *hist) {
  int64_t z0 = rmtmc_structural_zeros(d, n);
  for (int64_t i = 0; i < z0; ++i) ev[i] = 0.0;
  for (int64_t j = 0; j < r->nz; ++j) {
    double complex z = r->z_re[j] + I * r->z_im[j], s = 0.0;
    for (int64_t i = 0; i < d; ++i) s += 1.0 / (ev[i] - z);
    s /= (double)d;
    obs[2 * j] = creal(s);
    obs[2 * j + 1] = cimag(s);
  }
  obs[RMTMC_OBS_LAMMIN(r)] = ev[z0 < d ? z0 : d - 1];
  obs[RMTMC_OBS_LAMMAX(r)] = ev[d - 1];
  for (int k = 1; k <= r->kmax; ++k) obs[RMTMC_OBS_MOMENT(r, k)] = 0.0;
  for (int64_t i = 0; i < d; ++i) {
    double p = 1.0;
    for (int k = 1; k <= r->kmax; ++k) {
      p *= ev[i];
      obs[RMTMC_OBS_MOMENT(r, k)] += p;
    }
  }
  for (int k = 1; k <= r->kmax; ++k) obs[RMTMC_OBS_MOMENT(r, k)] /= (double)d;
  if (r->nbins > 0) {
    for (int64_t i = z0; i < d; ++i)
      hist[rmtmc_hist_slot(ev[i], r->nbins, r->hist_lo, r->hist_hi)] += 1;
    hist[r->nbins + 2] += z0;
  }
}

static rmtmc_status cpu_reduce(void *impl, rmtmc_batch *b, double *obs,
                               int64_t *hist, rmtmc_error *err) {
  const rmtmc_model *m = b->m;
  int64_t nobs = rmtmc_reduce_nobs(&b->r);
  /* Histogram counts are integers: per-trial counts summed in any order give
   * the same total; each trial counts into its own row first. */
  int64_t nh = b->r.nbins > 0 ? b->r.nbins + 3 : 0;
  int64_t *h = nh ? calloc((size_t)(b->count * nh), sizeof *h) : NULL;
  if (nh && !h) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
#pragma omp parallel for num_threads(b->threads) schedule(dynamic, 4)
  for (int64_t t = 0; t < b->count; ++t)
    reduce_trial(&b->r, m->d, m->n, b->ev + (size_t)t * (size_t)m->d,
                 obs + (size_t)(t * nobs), h ? h + t * nh : NULL);
  for (int64_t t = 0; t < b->count && h; ++t)
    for (int64_t j = 0; j < nh; ++j) hist[j] += h[t * nh + j];
  free(h);
  return RMTMC_OK;
}

static rmtmc_status cpu_copy_sample(void *impl, rmtmc_batch *b, double *x,
                                    rmtmc_error *err) {
  memcpy(x, b->x, (size_t)(b->count * b->m->d * b->m->n) * sizeof(double));
  return RMTMC_OK;
}

static rmtmc_status cpu_copy_eigvals(void *impl, rmtmc_batch *b, double *ev,
                                     rmtmc_error *err) {
  memcpy(ev, b->ev, (size_t)(b->count * b->m->d) * sizeof(double));
  return RMTMC_OK;
}

const rmtmc_backend_ops rmtmc_backend_cpu_ops = {
    /* .name         = */ "cpu",
    /* .open         = */ cpu_open,
    /* .close        = */ cpu_close,
    /* .info         = */ cpu_info,
    /* .max_batch    = */ cpu_max_batch,
    /* .batch_alloc  = */ cpu_batch_alloc,
    /* .batch_free   = */ cpu_batch_free,
    /* .sample       = */ cpu_sample,
    /* .gram         = */ cpu_gram,
    /* .solve        = */ cpu_solve,
    /* .reduce       = */ cpu_reduce,
    /* .copy_sample  = */ cpu_copy_sample,
    /* .copy_eigvals = */ cpu_copy_eigvals,
    /* .fit_max_batch = */ cpu_fit_max_batch,
    /* .fit_alloc    = */ cpu_fit_alloc,
    /* .fit_free     = */ cpu_fit_free,
    /* .fit_run      = */ cpu_fit_run,
};
