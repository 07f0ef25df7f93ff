/* eig_bench.c: the batched symmetric eigensolvers of cuSOLVER on one GPU,
 * eigenvalues only, double precision: cusolverDnXsyevBatched with
 * CUSOLVER_ALG_0 and with CUSOLVER_ALG_1 (cusolverDnSetAdvOptions,
 * CUSOLVERDN_SYEVBATCHED; rmtmc asks for ALG_1), and a loop of
 * cusolverDnXsyevd (rmtmc's syevd path), at each order d on `count`
 * matrices (the upper triangles of Gaussian matrices, drawn once with the
 * cuRAND host API).
 *
 * Validate, then time: each method's eigenvalues are compared with the
 * syevd loop's (max |w - w_syevd| / max |w_syevd| <= 1e-11) and every
 * per-matrix info must be 0 (else the row says INVALID and the exit code is
 * 1; 3 when sizes were dropped for time); then the solver alone is timed with CUDA events (the input is
 * restored by a device-to-device copy before each repetition, outside the
 * timed region), median of --reps after one warm-up.  FLOP count per matrix:
 * (4/3) d^3 (Householder tridiagonalisation; the tridiagonal eigenvalues are
 * O(d^2)).  One row per (d, method) on stdout as it is measured; --json
 * writes them all, rewritten after each size.  Sizes are dropped once --seconds have passed.
 *
 *   build/rmtmc_eig_bench [--sizes 256,512,1024,2048,4096] [--count N]
 *       [--reps 3] [--seconds 90] [--device 0] [--json PATH]
 * (count 0, the default: max(1, min(512, 2^33 / d^3)) matrices per size).
 * Not run by ctest; bench/device_check.sh runs it. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cuda_runtime_api.h>
#include <curand.h>
#include <cusolverDn.h>

#ifndef RMTMC_CUSOLVER_HAS_SYEVBATCHED
#define RMTMC_CUSOLVER_HAS_SYEVBATCHED 1
#endif

#define MAX_SIZES 16
#define MAX_REPS 32

/* A failed call: print it and return 1 from the calling function. */
#define CK_CUDA(call)                                                             \
  do {                                                                            \
    cudaError_t e_ = (call);                                                      \
    if (e_ != cudaSuccess) {                                                      \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call,        \
              cudaGetErrorString(e_));                                            \
      return 1;                                                                   \
    }                                                                             \
  } while (0)
#define CK_STATUS(lib, call)                                                      \
  do {                                                                            \
    int s_ = (int)(call);                                                         \
    if (s_ != 0) {                                                                \
      fprintf(stderr, "%s:%d: %s failed: %s status %d\n", __FILE__, __LINE__,     \
              #call, lib, s_);                                                    \
      return 1;                                                                   \
    }                                                                             \
  } while (0)

typedef enum method { M_ALG0 = 0, M_ALG1, M_SYEVD, M_COUNT } method;
static const char *const method_name[M_COUNT] = {"syevBatched ALG_0", "syevBatched ALG_1",
                                                 "Xsyevd loop"};

typedef struct row {
  int64_t d, count;
  method m;
  int ran;          /* 0: not run (see note) */
  double ms_median, ms_min; /* the whole batch */
  double gflops;    /* (4/3) d^3 count / median time */
  double max_rel_diff; /* vs the syevd loop */
  int alg_status;   /* cusolverDnSetAdvOptions' status (syevBatched) */
  char note[160];
} row;

typedef struct bench {
  cusolverDnHandle_t h;
  cudaStream_t stream;
  cudaEvent_t t0, t1;
  int64_t d, count;
  double *a0, *a, *w; /* device: input, work copy, eigenvalues */
  int *info;
  double *w_ref, *w_host; /* host: the syevd loop's eigenvalues, this method's */
  int *info_host;
} bench;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Enqueue method m on every matrix (a, w, info) with params p and the
 * workspaces. */
static int run_method(bench *b, method m, cusolverDnParams_t p, void *ws, size_t ws_bytes,
                      void *ws_host, size_t ws_host_bytes) {
  const int64_t d = b->d;
  if (m == M_SYEVD) {
    for (int64_t i = 0; i < b->count; ++i)
      CK_STATUS("cuSOLVER", cusolverDnXsyevd(b->h, p, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_UPPER, d,
                                             CUDA_R_64F, b->a + i * d * d, d, CUDA_R_64F, b->w + i * d,
                                             CUDA_R_64F, ws, ws_bytes, ws_host, ws_host_bytes, b->info + i));
    return 0;
  }
#if RMTMC_CUSOLVER_HAS_SYEVBATCHED
  /* at most 16384 matrices a call, as the backend does */
  for (int64_t t0 = 0; t0 < b->count; t0 += 16384) {
    int64_t k = b->count - t0 < 16384 ? b->count - t0 : 16384;
    CK_STATUS("cuSOLVER", cusolverDnXsyevBatched(b->h, p, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_UPPER, d,
                                                 CUDA_R_64F, b->a + t0 * d * d, d, CUDA_R_64F, b->w + t0 * d,
                                                 CUDA_R_64F, ws, ws_bytes, ws_host, ws_host_bytes,
                                                 b->info + t0, k));
  }
  return 0;
#else
  fprintf(stderr, "cusolverDnXsyevBatched is not in this toolkit\n");
  return 1;
#endif
}

/* Validate then time one method at one size. */
static int measure(bench *b, method m, int reps, row *r) {
  const int64_t d = b->d, n = b->count;
  memset(r, 0, sizeof *r);
  r->d = d;
  r->count = n;
  r->m = m;
  cusolverDnParams_t p;
  CK_STATUS("cuSOLVER", cusolverDnCreateParams(&p));
  if (m != M_SYEVD) {
#if RMTMC_CUSOLVER_HAS_SYEVBATCHED
    r->alg_status = (int)cusolverDnSetAdvOptions(p, CUSOLVERDN_SYEVBATCHED,
                                                 m == M_ALG0 ? CUSOLVER_ALG_0 : CUSOLVER_ALG_1);
    if (r->alg_status != 0)
      snprintf(r->note, sizeof r->note, "cusolverDnSetAdvOptions refused %s (status %d): the library default ran",
               m == M_ALG0 ? "ALG_0" : "ALG_1", r->alg_status);
#else
    snprintf(r->note, sizeof r->note, "no cusolverDnXsyevBatched in this toolkit");
    cusolverDnDestroyParams(p);
    return 0;
#endif
  }
  size_t wsb = 0, wshb = 0;
  if (m == M_SYEVD)
    CK_STATUS("cuSOLVER", cusolverDnXsyevd_bufferSize(b->h, p, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_UPPER, d,
                                                      CUDA_R_64F, b->a, d, CUDA_R_64F, b->w, CUDA_R_64F, &wsb,
                                                      &wshb));
#if RMTMC_CUSOLVER_HAS_SYEVBATCHED
  else
    CK_STATUS("cuSOLVER", cusolverDnXsyevBatched_bufferSize(b->h, p, CUSOLVER_EIG_MODE_NOVECTOR,
                                                            CUBLAS_FILL_MODE_UPPER, d, CUDA_R_64F, b->a, d,
                                                            CUDA_R_64F, b->w, CUDA_R_64F, &wsb, &wshb,
                                                            n < 16384 ? n : 16384));
#endif
  void *ws = NULL, *wsh = NULL;
  CK_CUDA(cudaMalloc(&ws, wsb > 0 ? wsb : 1));
  wsh = malloc(wshb > 0 ? wshb : 1);
  if (!wsh) return 1;
  const size_t bytes = (size_t)(n * d * d) * sizeof(double);
  /* warm-up and validation */
  CK_CUDA(cudaMemcpyAsync(b->a, b->a0, bytes, cudaMemcpyDeviceToDevice, b->stream));
  CK_CUDA(cudaMemsetAsync(b->info, 0xff, (size_t)n * sizeof(int), b->stream)); /* poisoned */
  double t_warm = now();
  if (run_method(b, m, p, ws, wsb, wsh, wshb)) return 1;
  CK_CUDA(cudaStreamSynchronize(b->stream));
  t_warm = now() - t_warm;
  CK_CUDA(cudaMemcpy(b->info_host, b->info, (size_t)n * sizeof(int), cudaMemcpyDeviceToHost));
  CK_CUDA(cudaMemcpy(b->w_host, b->w, (size_t)(n * d) * sizeof(double), cudaMemcpyDeviceToHost));
  int64_t bad = 0;
  for (int64_t i = 0; i < n; ++i) bad += b->info_host[i] != 0;
  if (m == M_SYEVD) memcpy(b->w_ref, b->w_host, (size_t)(n * d) * sizeof(double));
  double scale = 0.0, diff = 0.0;
  for (int64_t i = 0; i < n * d; ++i) {
    double s = fabs(b->w_ref[i]), e = fabs(b->w_host[i] - b->w_ref[i]);
    if (!(s <= scale)) scale = s;
    if (!(e <= diff)) diff = e; /* NaN sticks */
  }
  r->max_rel_diff = scale > 0 ? diff / scale : diff;
  if (bad)
    snprintf(r->note + strlen(r->note), sizeof r->note - strlen(r->note), "%sINVALID: %lld matrices with info != 0",
             r->note[0] ? "; " : "", (long long)bad);
  /* the solvers agree to rounding: a few hundred ulps of the largest |w| */
  int agree = r->max_rel_diff <= 1e-11;
  if (!agree)
    snprintf(r->note + strlen(r->note), sizeof r->note - strlen(r->note),
             "%sINVALID: eigenvalues differ from the syevd loop's", r->note[0] ? "; " : "");
  /* timing: the solver alone */
  if (t_warm > 5.0 && reps > 1) reps = 1;
  double ms[MAX_REPS];
  for (int k = 0; k < reps; ++k) {
    CK_CUDA(cudaMemcpyAsync(b->a, b->a0, bytes, cudaMemcpyDeviceToDevice, b->stream));
    CK_CUDA(cudaEventRecord(b->t0, b->stream));
    if (run_method(b, m, p, ws, wsb, wsh, wshb)) return 1;
    CK_CUDA(cudaEventRecord(b->t1, b->stream));
    CK_CUDA(cudaEventSynchronize(b->t1));
    float f = 0.0f;
    CK_CUDA(cudaEventElapsedTime(&f, b->t0, b->t1));
    ms[k] = (double)f;
  }
  qsort(ms, (size_t)reps, sizeof ms[0], cmp_double);
  r->ms_min = ms[0];
  r->ms_median = reps % 2 ? ms[reps / 2] : 0.5 * (ms[reps / 2 - 1] + ms[reps / 2]);
  r->gflops = (4.0 / 3.0) * (double)d * (double)d * (double)d * (double)n / (r->ms_median * 1e-3) / 1e9;
  r->ran = bad == 0 && agree;
  cudaFree(ws);
  free(wsh);
  cusolverDnDestroyParams(p);
  return 0;
}

static int one_size(bench *b, curandGenerator_t gen, int reps, row *rows, int *nrows) {
  const int64_t d = b->d, n = b->count;
  size_t len = (size_t)(n * d * d);
  CK_CUDA(cudaMalloc((void **)&b->a0, (len + 1) * sizeof(double))); /* cuRAND draws pairs */
  CK_CUDA(cudaMalloc((void **)&b->a, len * sizeof(double)));
  CK_CUDA(cudaMalloc((void **)&b->w, (size_t)(n * d) * sizeof(double)));
  CK_CUDA(cudaMalloc((void **)&b->info, (size_t)n * sizeof(int)));
  b->w_ref = malloc((size_t)(n * d) * sizeof(double));
  b->w_host = malloc((size_t)(n * d) * sizeof(double));
  b->info_host = malloc((size_t)n * sizeof(int));
  if (!b->w_ref || !b->w_host || !b->info_host) return 1;
  CK_STATUS("cuRAND", curandGenerateNormalDouble(gen, b->a0, len + (len & 1), 0.0, 1.0));
  CK_CUDA(cudaDeviceSynchronize());
  /* syevd first: the reference of the others */
  const method order[M_COUNT] = {M_SYEVD, M_ALG0, M_ALG1};
  for (int k = 0; k < M_COUNT; ++k) {
    row *r = &rows[(*nrows)++];
    if (measure(b, order[k], reps, r)) return 1;
    printf("d=%5lld  %6lld matrices  %-18s %10.3f ms (min %.3f)  %8.2f ms/matrix  %8.1f GFLOP/s  max rel diff vs syevd %.2e%s%s\n",
           (long long)d, (long long)n, method_name[r->m], r->ms_median, r->ms_min, r->ms_median / (double)n,
           r->gflops, r->max_rel_diff, r->note[0] ? "  NOTE: " : "", r->note);
    fflush(stdout);
  }
  cudaFree(b->a0);
  cudaFree(b->a);
  cudaFree(b->w);
  cudaFree(b->info);
  free(b->w_ref);
  free(b->w_host);
  free(b->info_host);
  return 0;
}

static void write_json(const char *path, const row *rows, int nrows, const char *device, int dev) {
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "cannot write %s\n", path);
    return;
  }
  fprintf(f, "{\n  \"bench\": \"rmtmc eig_bench\",\n  \"device\": \"%s\",\n  \"device_ordinal\": %d,\n"
             "  \"flops_per_matrix\": \"(4/3) d^3\",\n  \"rows\": [\n", device, dev);
  for (int i = 0; i < nrows; ++i) {
    const row *r = &rows[i];
    fprintf(f, "    {\"d\": %lld, \"count\": %lld, \"method\": \"%s\", \"ok\": %s, \"ms_median\": %.6g, "
               "\"ms_min\": %.6g, \"gflops\": %.6g, \"max_rel_diff_vs_syevd\": %.3e, \"alg_status\": %d, "
               "\"note\": \"%s\"}%s\n",
            (long long)r->d, (long long)r->count, method_name[r->m], r->ran ? "true" : "false", r->ms_median,
            r->ms_min, r->gflops, r->max_rel_diff, r->alg_status, r->note, i + 1 < nrows ? "," : "");
  }
  fprintf(f, "  ]\n}\n");
  fclose(f);
}

int main(int argc, char **argv) {
  int64_t sizes[MAX_SIZES] = {256, 512, 1024, 2048, 4096}, count = 0;
  int nsizes = 5, reps = 3, dev = 0;
  double seconds = 90.0;
  const char *json = NULL;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) {
      fprintf(stderr, "usage: %s [--sizes LIST] [--count N] [--reps R] [--seconds S] [--device N] [--json PATH]\n",
              argv[0]);
      return 2;
    }
    ++i;
    if (strcmp(a, "--sizes") == 0) {
      nsizes = 0;
      for (char *s = (char *)v; *s && nsizes < MAX_SIZES;) {
        char *end;
        long long x = strtoll(s, &end, 10);
        if (end == s || x < 1 || x > 46340) {
          fprintf(stderr, "--sizes: '%s' is not a list of orders 1..46340\n", v);
          return 2;
        }
        sizes[nsizes++] = x;
        s = *end == ',' ? end + 1 : end;
      }
    } else if (strcmp(a, "--count") == 0) count = atoll(v);
    else if (strcmp(a, "--reps") == 0) reps = atoi(v);
    else if (strcmp(a, "--seconds") == 0) seconds = atof(v);
    else if (strcmp(a, "--device") == 0) dev = atoi(v);
    else if (strcmp(a, "--json") == 0) json = v;
    else {
      fprintf(stderr, "unknown option %s\n", a);
      return 2;
    }
  }
  if (reps < 1) reps = 1;
  if (reps > MAX_REPS) reps = MAX_REPS;
  double start = now();
  CK_CUDA(cudaSetDevice(dev));
  struct cudaDeviceProp prop;
  CK_CUDA(cudaGetDeviceProperties(&prop, dev));
  printf("eig_bench on GPU %d: %s (sm_%d%d), eigenvalues only, double; time of the solver calls alone, median of %d\n",
         dev, prop.name, prop.major, prop.minor, reps);
  bench b;
  memset(&b, 0, sizeof b);
  CK_CUDA(cudaStreamCreateWithFlags(&b.stream, cudaStreamNonBlocking));
  CK_CUDA(cudaEventCreate(&b.t0));
  CK_CUDA(cudaEventCreate(&b.t1));
  CK_STATUS("cuSOLVER", cusolverDnCreate(&b.h));
  CK_STATUS("cuSOLVER", cusolverDnSetStream(b.h, b.stream));
  curandGenerator_t gen;
  CK_STATUS("cuRAND", curandCreateGenerator(&gen, CURAND_RNG_PSEUDO_PHILOX4_32_10));
  CK_STATUS("cuRAND", curandSetPseudoRandomGeneratorSeed(gen, 20240607ull));
  CK_STATUS("cuRAND", curandSetStream(gen, b.stream));
  row rows[MAX_SIZES * M_COUNT];
  int nrows = 0, rc = 0;
  for (int s = 0; s < nsizes; ++s) {
    if (now() - start > seconds) {
      printf("d=%lld and larger dropped: the %.0f s budget is spent\n", (long long)sizes[s], seconds);
      rc = 3;
      break;
    }
    int64_t d = sizes[s], n = count;
    if (n <= 0) {
      double c = 8589934592.0 / ((double)d * (double)d * (double)d);
      n = c < 1.0 ? 1 : c > 512.0 ? 512 : (int64_t)c;
    }
    b.d = d;
    b.count = n;
    if (one_size(&b, gen, reps, rows, &nrows)) {
      rc = 1;
      break;
    }
    if (json) write_json(json, rows, nrows, prop.name, dev); /* a run cut short keeps what it did */
  }
  for (int i = 0; i < nrows; ++i)
    if (strstr(rows[i].note, "INVALID")) rc = 1;
  if (json) write_json(json, rows, nrows, prop.name, dev);
  curandDestroyGenerator(gen);
  cusolverDnDestroy(b.h);
  cudaStreamDestroy(b.stream);
  return rc;
}
