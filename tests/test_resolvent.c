/* test_resolvent.c: the resolvent method (rmtmc_resolvent_method.h) on one
 * backend (argv[1] = cpu | cuda; 77 = skipped without the device), trial by
 * trial against a direct dense computation done here: trial t's X replayed
 * from its stream (rmtmc_sample_entries and Sigma^(1/2)), S = X X^T / n,
 * Q(z) = (S + zI)^-1 by a complex dense solve (LAPACK zgesv) and every
 * functional from Q itself; for identity, ar1 (d > n), a matrix file and a
 * diagonal Sigma with Rademacher entries, real z (Cholesky path) and complex
 * z (eigen path).  Also: the two paths agree on real z, the numbers do not
 * depend on the batch size or the thread count (CPU: bit for bit), and the
 * CUDA backend agrees with the CPU one to rounding.  argv[2]: the matrix
 * file. */
#include <cblas.h>
#include <complex.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/cmplx_compat.h"
#include "rmtmc.h"
#include "rmtmc_resolvent_method.h"
#include "support/backend_arg.h"

static rmtmc_backend_kind kind;

#define NZ 5
static const double zr[NZ] = {0.5, 2.0, 0.4, -0.5, 1.0};
static const double zi[NZ] = {0.0, 0.0, 0.6, 0.3, 0.0};
#define NPROBE 4
#define NPAIR 5
#define NPAIR2 2
static const int64_t pairs[2 * NPAIR] = {0, 0, 1, 1, 2, 2, 0, 1, 3, 3};
static const int64_t pairs2[2 * NPAIR2] = {0, 0, 1, 2};

typedef struct rcase {
  const char *name;
  rmtmc_model m;
  double *probes, *qre, *qim;
  rmtmc_resolvent_problem p;
} rcase;

static int make_case(rcase *c, const char *name, int64_t d, int64_t n, const char *sigma, rmtmc_entries e) {
  rmtmc_error err;
  memset(c, 0, sizeof *c);
  c->name = name;
  if (rmtmc_model_init(&c->m, d, n, sigma, e, 0.0, RMTMC_PRECISION_DOUBLE, &err) != RMTMC_OK) {
    printf("model %s: %s\n", sigma, err.msg);
    return 0;
  }
  c->probes = calloc((size_t)(d * NPROBE), sizeof(double));
  c->qre = malloc((size_t)(d * NZ) * sizeof(double));
  c->qim = malloc((size_t)(d * NZ) * sizeof(double));
  double *U = malloc((size_t)(d * d) * sizeof(double)), *s = malloc((size_t)d * sizeof(double));
  rmtmc_model_sigma_eigen(&c->m, s, U, &err);
  c->probes[0] = 1.0;                                                       /* e1 */
  memcpy(c->probes + d, U + (d - 1) * d, (size_t)d * sizeof(double));       /* top eigenvector */
  double nu = 0.0, nv = 0.0;
  for (int64_t i = 0; i < d; ++i) {
    c->probes[2 * d + i] = cos(0.3 + 1.7 * (double)i);
    c->probes[3 * d + i] = 1.0 + 0.25 * (double)i;
    nu += c->probes[2 * d + i] * c->probes[2 * d + i];
    nv += c->probes[3 * d + i] * c->probes[3 * d + i];
  }
  for (int64_t i = 0; i < d; ++i) {
    c->probes[2 * d + i] /= sqrt(nu);
    c->probes[3 * d + i] /= sqrt(nv);
  }
  for (int64_t q = 0; q < d * NZ; ++q) { /* any reference diagonal */
    c->qre[q] = 0.3 + 0.01 * (double)(q % 7);
    c->qim[q] = zi[q / d] != 0.0 ? -0.2 : 0.0;
  }
  free(U);
  free(s);
  c->p = (rmtmc_resolvent_problem){.model = &c->m, .nz = NZ, .z_re = zr, .z_im = zi, .nprobe = NPROBE,
                                   .probes = c->probes, .npair = NPAIR, .pairs = pairs, .npair2 = NPAIR2,
                                   .pairs2 = pairs2, .traces = RMTMC_RSV_TRACE | RMTMC_RSV_TRACE_SIGMA,
                                   .qbar_re = c->qre, .qbar_im = c->qim, .real_path = RMTMC_RSV_PATH_AUTO};
  return 1;
}

static void free_case(rcase *c) {
  rmtmc_model_free(&c->m);
  free(c->probes);
  free(c->qre);
  free(c->qim);
}

/* The outputs of trials [t0, t0 + count) on backend kind k. */
static int run(rmtmc_backend_kind k, const rmtmc_resolvent_problem *p, int threads, int64_t cap, uint64_t seed,
               uint64_t t0, int64_t count, double *out) {
  rmtmc_backend_opts o;
  rmtmc_backend_opts_default(&o);
  o.threads = threads;
  rmtmc_backend *be = NULL;
  rmtmc_batch *b = NULL;
  rmtmc_error err;
  rmtmc_work w = {.method = RMTMC_METHOD_RESOLVENT, .resolvent = p};
  int ok = rmtmc_backend_open(&be, k, &o, &err) == RMTMC_OK && rmtmc_batch_alloc(be, &w, cap, &b, &err) == RMTMC_OK;
  int64_t nout = rmtmc_resolvent_nout(p);
  for (int64_t at = 0; ok && at < count; at += cap) {
    int64_t c = count - at < cap ? count - at : cap;
    ok = rmtmc_batch_run(b, seed, t0 + (uint64_t)at, c, out + at * nout, NULL, &err) == RMTMC_OK;
  }
  if (!ok) printf("run: %s\n", err.msg);
  rmtmc_batch_free(b);
  rmtmc_backend_close(be);
  return ok;
}

/* The dense reference of trial t: out as the method lays it out. */
static void dense_trial(const rcase *c, uint64_t seed, uint64_t t, double *out) {
  const rmtmc_model *m = &c->m;
  int64_t d = m->d, n = m->n;
  rmtmc_resolvent_offsets o;
  rmtmc_resolvent_offsets_of(&c->p, &o);
  double *g = malloc((size_t)(d * n) * sizeof(double)), *x = malloc((size_t)(d * n) * sizeof(double));
  double *S = malloc((size_t)(d * d) * sizeof(double)), *Sig = malloc((size_t)(d * d) * sizeof(double));
  double complex *A = malloc((size_t)(d * d) * sizeof(double complex)),
                 *Q = malloc((size_t)(d * d) * sizeof(double complex));
  lapack_int *piv = malloc((size_t)d * sizeof(lapack_int));
  rmtmc_sample_entries(m, seed, t, g);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < d; ++i) {
      double v = 0.0;
      if (m->sqrt_full)
        for (int64_t k = 0; k < d; ++k) v += m->sqrt_full[i + k * d] * g[k + j * d];
      else
        v = m->sqrt_diag[i] * g[i + j * d];
      x[i + j * d] = v;
    }
  for (int64_t j = 0; j < d; ++j)
    for (int64_t i = 0; i < d; ++i) {
      double v = 0.0, sv = 0.0;
      for (int64_t k = 0; k < n; ++k) v += x[i + k * d] * x[j + k * d];
      S[i + j * d] = v / (double)n;
      if (m->sqrt_full)
        for (int64_t k = 0; k < d; ++k) sv += m->sqrt_full[i + k * d] * m->sqrt_full[k + j * d];
      else
        sv = i == j ? m->sqrt_diag[i] * m->sqrt_diag[i] : 0.0;
      Sig[i + j * d] = sv;
    }
  for (int64_t jz = 0; jz < NZ; ++jz) {
    double complex z = CMPLX(zr[jz], zi[jz]);
    for (int64_t q = 0; q < d * d; ++q) {
      A[q] = S[q] + ((q % d) == (q / d) ? z : 0.0);
      Q[q] = (q % d) == (q / d) ? 1.0 : 0.0;
    }
    LAPACKE_zgesv(LAPACK_COL_MAJOR, (lapack_int)d, (lapack_int)d, (lapack_complex_double *)A, (lapack_int)d, piv,
                  (lapack_complex_double *)Q, (lapack_int)d);
    double *blk = out + jz * o.per_z;
    double complex tr = 0.0, trs = 0.0;
    double dev = 0.0;
    for (int64_t i = 0; i < d; ++i) {
      tr += Q[i + i * d];
      for (int64_t k = 0; k < d; ++k) trs += Sig[i + k * d] * Q[k + i * d];
      dev = fmax(dev, cabs(Q[i + i * d] - CMPLX(c->qre[i + jz * d], c->qim[i + jz * d])));
    }
    blk[o.trace] = creal(tr) / (double)d;
    blk[o.trace + 1] = cimag(tr) / (double)d;
    blk[o.trace_sigma] = creal(trs) / (double)d;
    blk[o.trace_sigma + 1] = cimag(trs) / (double)d;
    for (int q = 0; q < NPAIR + NPAIR2; ++q) {
      const int64_t *pr = q < NPAIR ? pairs + 2 * q : pairs2 + 2 * (q - NPAIR);
      const double *a = c->probes + pr[0] * d, *b = c->probes + pr[1] * d;
      /* a^T Q b, or a^T Q^2 b = (Q a) . (Q b) without a conjugate (Q is complex symmetric) */
      double complex f = 0.0;
      for (int64_t j = 0; j < d; ++j) {
        double complex qa = 0.0, qb = 0.0;
        for (int64_t k = 0; k < d; ++k) {
          qa += Q[j + k * d] * a[k];
          qb += Q[j + k * d] * b[k];
        }
        f += q < NPAIR ? a[j] * qb : qa * qb;
      }
      int64_t off = q < NPAIR ? o.form + 2 * q : o.form2 + 2 * (q - NPAIR);
      blk[off] = creal(f);
      blk[off + 1] = cimag(f);
    }
    blk[o.diag] = dev;
  }
  free(g);
  free(x);
  free(S);
  free(Sig);
  free(A);
  free(Q);
  free(piv);
}

/* max over outputs of |a - b| / (|b| + floor), the floor at 1e-3 of the
 * block's largest value (imaginary parts of real z are 0 on both sides). */
static double worst_rel(const double *a, const double *b, int64_t count, int64_t nout) {
  double w = 0.0, scale = 0.0;
  for (int64_t q = 0; q < count * nout; ++q) scale = fmax(scale, fabs(b[q]));
  for (int64_t q = 0; q < count * nout; ++q) {
    double e = fabs(a[q] - b[q]) / (fabs(b[q]) + 1e-3 * scale);
    if (!(e <= w)) w = e; /* NaN counts as the worst */
  }
  return w;
}

static void against_dense(check_ctx *c, rcase *rc) {
  const int64_t T = 6;
  const uint64_t seed = 17, t0 = 5;
  int64_t nout = rmtmc_resolvent_nout(&rc->p);
  double *got = malloc((size_t)(T * nout) * sizeof(double)), *want = malloc((size_t)(T * nout) * sizeof(double));
  char line[300];
  int ok = run(kind, &rc->p, 2, 4, seed, t0, T, got);
  for (int64_t t = 0; t < T; ++t) dense_trial(rc, seed, t0 + (uint64_t)t, want + t * nout);
  double w = ok ? worst_rel(got, want, T, nout) : INFINITY;
  snprintf(line, sizeof line, "%s: %s backend, trials 5..10, every functional and z against the dense Q(z): worst relative error %.2g",
           rc->name, rmtmc_backend_kind_name(kind), w);
  check_true(c, w < 1e-9, line);
  /* the eigen path for the real z too */
  rmtmc_resolvent_problem pe = rc->p;
  pe.real_path = RMTMC_RSV_PATH_EIGEN;
  double *eig = malloc((size_t)(T * nout) * sizeof(double));
  ok = run(kind, &pe, 2, 4, seed, t0, T, eig);
  w = ok ? worst_rel(eig, got, T, nout) : INFINITY;
  snprintf(line, sizeof line, "%s: real z through the eigendecomposition agree with the Cholesky path: %.2g", rc->name, w);
  check_true(c, w < 1e-10, line);
  if (kind == RMTMC_BACKEND_CPU) {
    double *other = malloc((size_t)(T * nout) * sizeof(double));
    ok = run(kind, &rc->p, 1, 1, seed, t0, T, other);
    check_true(c, ok && memcmp(other, got, (size_t)(T * nout) * sizeof(double)) == 0,
               "CPU: 1 thread, batches of 1 give the same bits as 2 threads, batches of 4");
    free(other);
  } else {
    double *cpu = malloc((size_t)(T * nout) * sizeof(double));
    ok = run(RMTMC_BACKEND_CPU, &rc->p, 2, 4, seed, t0, T, cpu);
    w = ok ? worst_rel(got, cpu, T, nout) : INFINITY;
    snprintf(line, sizeof line, "%s: CUDA against the CPU backend, trial for trial: %.2g", rc->name, w);
    check_true(c, w < 1e-10, line);
    double *big = malloc((size_t)(T * nout) * sizeof(double));
    ok = run(kind, &rc->p, 0, 6, seed, t0, T, big);
    w = ok ? worst_rel(big, got, T, nout) : INFINITY;
    snprintf(line, sizeof line, "%s: CUDA, one batch of 6 against batches of 4: %.2g", rc->name, w);
    check_true(c, w < 1e-12, line);
    free(cpu);
    free(big);
  }
  free(eig);
  free(got);
  free(want);
}

/* Only some functionals: the outputs shrink, the asked ones are unchanged. */
static void subsets(check_ctx *c, rcase *rc) {
  rmtmc_resolvent_problem q = rc->p;
  q.traces = 0;
  q.qbar_re = q.qbar_im = NULL;
  q.npair2 = 0;
  rmtmc_resolvent_offsets of, oq;
  rmtmc_resolvent_offsets_of(&rc->p, &of);
  rmtmc_resolvent_offsets_of(&q, &oq);
  int64_t nf = rmtmc_resolvent_nout(&rc->p), nq = rmtmc_resolvent_nout(&q);
  double *full = malloc((size_t)(2 * nf) * sizeof(double)), *part = malloc((size_t)(2 * nq) * sizeof(double));
  int ok = run(kind, &rc->p, 2, 2, 9, 0, 2, full) && run(kind, &q, 2, 2, 9, 0, 2, part);
  double w = 0.0;
  for (int64_t t = 0; ok && t < 2; ++t)
    for (int64_t j = 0; j < NZ; ++j)
      for (int64_t k = 0; k < 2 * NPAIR; ++k)
        w = fmax(w, fabs(part[t * nq + j * oq.per_z + oq.form + k] - full[t * nf + j * of.per_z + of.form + k]));
  char line[200];
  snprintf(line, sizeof line, "forms alone (no traces, no diagonal: no inverse): %lld outputs, the same forms (%.2g)",
           (long long)nq, w);
  check_true(c, ok && nq == NZ * 2 * NPAIR && w < 1e-12, line);
  free(full);
  free(part);
}

static void stages(check_ctx *c, rcase *rc) {
  rmtmc_backend *be = NULL;
  rmtmc_batch *b = NULL;
  rmtmc_error err;
  rmtmc_work w = {.method = RMTMC_METHOD_RESOLVENT, .resolvent = &rc->p};
  rmtmc_backend_open(&be, kind, NULL, &err);
  rmtmc_batch_alloc(be, &w, 3, &b, &err);
  double out[3 * 200];
  check_true(c, rmtmc_batch_solve(b, &err) == RMTMC_ERR_INVALID, "solve before sample is refused");
  check_true(c, rmtmc_batch_sample(b, 1, 0, 3, &err) == RMTMC_OK, "sample");
  check_true(c, rmtmc_batch_gram(b, &err) == RMTMC_ERR_UNSUPPORTED && strstr(err.msg, "no gram stage"),
             "the resolvent method has no gram stage");
  check_true(c, rmtmc_batch_reduce(b, out, NULL, &err) == RMTMC_ERR_INVALID, "reduce before solve is refused");
  check_true(c, rmtmc_batch_solve(b, &err) == RMTMC_OK && rmtmc_batch_reduce(b, out, NULL, &err) == RMTMC_OK,
             "solve, then reduce");
  rmtmc_batch_free(b);
  rmtmc_backend_close(be);
  /* the one solver-status rule through the hooks */
  rmtmc_backend_opts o;
  rmtmc_backend_opts_default(&o);
  o.debug.fail_trial[0] = 7;
  rmtmc_backend_open(&be, kind, &o, &err);
  rmtmc_batch_alloc(be, &w, 3, &b, &err);
  rmtmc_status st = rmtmc_batch_run(b, 1, 6, 3, out, NULL, &err);
  check_true(c, st == RMTMC_ERR_NOCONV && strstr(err.msg, "trial 7") && strstr(err.msg, "potrf"), err.msg);
  rmtmc_batch_free(b);
  rmtmc_backend_close(be);
  /* real z <= 0 is refused before any work */
  rmtmc_resolvent_problem bad = rc->p;
  double zb[1] = {0.0}, zbi[1] = {0.0};
  bad.nz = 1;
  bad.z_re = zb;
  bad.z_im = zbi;
  bad.qbar_re = bad.qbar_im = NULL;
  rmtmc_work wb = {.method = RMTMC_METHOD_RESOLVENT, .resolvent = &bad};
  rmtmc_backend_open(&be, kind, NULL, &err);
  st = rmtmc_batch_alloc(be, &wb, 3, &b, &err);
  check_true(c, st == RMTMC_ERR_INVALID && strstr(err.msg, "must be > 0"), err.msg);
  rmtmc_backend_close(be);
}

int main(int argc, char **argv) {
  check_ctx c = {0, 0};
  int rc = test_backend_arg(argc, argv, "test_resolvent", &kind);
  if (rc != 0) return rc;
  const char *path = argc > 2 ? argv[2] : "tests/data/resolvent_sigma12.txt";
  char spec[4200];
  snprintf(spec, sizeof spec, "matrix:%s", path);
  rcase cs[4];
  if (!make_case(&cs[0], "identity d 20 n 30", 20, 30, "identity", RMTMC_ENTRIES_GAUSSIAN) ||
      !make_case(&cs[1], "ar1:0.5 d 16 n 10", 16, 10, "ar1:0.5", RMTMC_ENTRIES_GAUSSIAN) ||
      !make_case(&cs[2], "matrix file d 12 n 20", 12, 20, spec, RMTMC_ENTRIES_GAUSSIAN) ||
      !make_case(&cs[3], "points rademacher d 18 n 12", 18, 12, "points:1:0.5,3:0.5", RMTMC_ENTRIES_RADEMACHER))
    return 1;
  for (int k = 0; k < 4; ++k) against_dense(&c, &cs[k]);
  subsets(&c, &cs[1]);
  stages(&c, &cs[0]);
  for (int k = 0; k < 4; ++k) free_case(&cs[k]);
  return check_finish(&c);
}
