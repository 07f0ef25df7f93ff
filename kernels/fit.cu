/* fit.cu: the element-wise and per-trial steps of the linear-model fits
 * (src/backend/cuda/cuda_fit.c; layouts in include/rmtmc_fit.h).  Matrix
 * products are cuBLAS calls on the host side; what is here follows the
 * rules of src/backend/fit_common.h, shared with the CPU backend, so the two
 * draw the same labels and evaluate the grid with the same expressions.
 *
 * The uniforms of the contexts, classes and labels come from the trial's own
 * Philox4x32-10 stream through rmtmc_draw_uniform (rmtmc_rng.h), the same
 * function the CPU calls: block e/2 of subsequence t, which is what cuRAND's
 * curand4 returns after curand_init(seed, t, 4 (e/2)). */
#include "backend/fit_common.h"
#include "rmtmc_kernels.h"
#include "rmtmc_launch.cuh"
#include "rmtmc_rng.h"

using rmtmc_launch::blocks_for;
using rmtmc_launch::kThreads;
#define GRID_STRIDE RMTMC_GRID_STRIDE

namespace {

__global__ void fit_assign(int mode, int64_t n, int64_t c, int64_t k,
                           const double *cumP, const double *cumA,
                           const int64_t *start, uint64_t seed_assign,
                           uint64_t seed_labels, uint64_t trial0, int64_t count,
                           int *cls, int *lab, int *cnt, int *ycnt) {
  GRID_STRIDE(idx, n * count) {
    const int64_t b = idx / n, i = idx - b * n;
    const uint64_t t = trial0 + (uint64_t)b;
    int64_t a;
    if (mode == RMTMC_KERNEL_FIT_MIXTURE)
      a = fit_uniform_class(rmtmc_draw_uniform(seed_assign, t, (uint64_t)i), c);
    else if (start)
      a = fit_fixed_context(start, c, i);
    else
      a = rmtmc_categorical(cumA, c, rmtmc_draw_uniform(seed_assign, t, (uint64_t)i));
    const int64_t l =
        rmtmc_categorical(cumP + a * k, k, rmtmc_draw_uniform(seed_labels, t, (uint64_t)i));
    if (cls) cls[idx] = (int)a;
    if (lab) lab[idx] = (int)l;
    if (cnt) atomicAdd(cnt + b * c + a, 1);
    if (ycnt) atomicAdd(ycnt + b * k * c + l + a * k, 1);
  }
}

__global__ void fit_add_means(double *X, const int *cls, const double *M,
                              int64_t d, int64_t n, int64_t count) {
  GRID_STRIDE(idx, d * n * count) {
    const int64_t j = idx % d, bi = idx / d; /* bi = b n + i */
    X[idx] += M[j + (int64_t)cls[bi] * d];
  }
}

__global__ void fit_onehot(double *Yt, const int *lab, int64_t n, int64_t k,
                           int64_t count) {
  GRID_STRIDE(idx, n * k * count) {
    const int64_t b = idx / (n * k), q = idx - b * n * k;
    const int64_t l = q / n, i = q - l * n;
    Yt[idx] = lab[b * n + i] == l ? 1.0 : 0.0;
  }
}

__global__ void fit_ctx_scale(double *A, double *Bm, const int *cnt, int64_t c,
                              int64_t n, int64_t count) {
  GRID_STRIDE(idx, c * c * count) {
    const int64_t b = idx / (c * c), q = idx - b * c * c;
    const int64_t i = q % c, j = q / c;
    const double si = sqrt((double)cnt[b * c + i] / (double)n);
    const double sj = sqrt((double)cnt[b * c + j] / (double)n);
    const double g = A[idx];
    Bm[idx] = si * g;
    A[idx] = g * (si * sj);
  }
}

__global__ void fit_ctx_labels(double *Ph, int64_t ldb, double *out,
                               int64_t nout, const int *cnt, const int *ycnt,
                               int64_t c, int64_t k, int64_t n, int64_t count) {
  GRID_STRIDE(idx, k * c * count) {
    const int64_t b = idx / (k * c), q = idx - b * k * c;
    const int64_t a = q / k;
    const int na = cnt[b * c + a];
    const double sa = sqrt((double)na / (double)n);
    Ph[b * ldb + q] = na > 0 ? (double)ycnt[idx] / (double)na * sa : 0.0;
    if (q % k == 0) out[b * nout + a] = (double)na;
  }
}

__global__ void fit_ctx_grid(double *Ys, const double *Am, const double *lam,
                             const double *grid, int64_t ng, int64_t k,
                             int64_t c, int64_t count) {
  const int64_t per = ng * k * c;
  GRID_STRIDE(idx, per * count) {
    const int64_t b = idx / per, q = idx - b * per;
    const int64_t row = q % (ng * k), i = q / (ng * k);
    const int64_t g = row / k, j = row - g * k;
    const double f = 1.0 / (lam[b * c + i] + grid[g]);
    Ys[idx] = Am[b * k * c + j + i * k] * f;
  }
}

__global__ void fit_gram_scale(double *Bm, double *Mv, const double *lam,
                               int64_t r, double n, int64_t k, int64_t c,
                               int64_t count) {
  GRID_STRIDE(idx, r * count) {
    const int64_t b = idx / r, q = idx - b * r;
    double fb, fm;
    fit_gram_factors(lam[idx], fit_rank_thr(lam[b * r + r - 1]), n, &fb, &fm);
    for (int64_t j = 0; j < k; ++j) Bm[b * r * k + q + j * r] *= fb;
    for (int64_t a = 0; a < c; ++a) Mv[b * r * c + q + a * r] *= fm;
  }
}

__global__ void fit_mixture_grid(double *out, int64_t nout, const double *Bm,
                                 const double *Mv, const double *lam,
                                 const double *grid, int64_t ng, int64_t r,
                                 int64_t k, int64_t c, int64_t count) {
  const int64_t per = k * c + 1;
  GRID_STRIDE(idx, per * ng * count) {
    const int64_t b = idx / (per * ng), q = idx - b * per * ng;
    const int64_t g = q / per, o = q - g * per;
    out[b * nout + q] = fit_mixture_value(Bm + b * r * k, Mv + b * r * c,
                                          lam + b * r, r, k, c, grid[g], o);
  }
}

__global__ void fit_sumsq(double *yy, const double *y, int64_t n, int64_t count) {
  GRID_STRIDE(b, count) {
    double s = 0.0;
    for (int64_t i = 0; i < n; ++i) s += y[b * n + i] * y[b * n + i];
    yy[b] = s / (double)n;
  }
}

__global__ void fit_ridge_yt(double *yt, const double *v, const double *lam,
                             int64_t r, int by_lam, int64_t count) {
  GRID_STRIDE(idx, r * count) {
    const int64_t b = idx / r;
    const double x = v[idx];
    if (!by_lam)
      yt[idx] = x * x;
    else
      yt[idx] = lam[idx] > fit_rank_thr(lam[b * r + r - 1]) ? x * x / lam[idx] : 0.0;
  }
}

__global__ void fit_ridge_coef(double *E, const double *v, const double *lam,
                               const double *grid, int64_t ng, int64_t r,
                               int64_t count) {
  GRID_STRIDE(idx, r * ng * count) {
    const int64_t b = idx / (r * ng), q = idx - b * r * ng;
    const int64_t g = q / r, i = q - g * r;
    const double thr = fit_rank_thr(lam[b * r + r - 1]);
    E[idx] = v[b * r + i] * fit_inv(lam[b * r + i], grid[g], thr);
  }
}

__global__ void fit_sub_beta(double *BH, const double *beta, int64_t d,
                             int64_t total) {
  GRID_STRIDE(idx, total) BH[idx] -= beta[idx % d];
}

__global__ void fit_ridge_out(double *out, int64_t nout, const double *BH,
                              const double *SE, const double *sqrt_diag,
                              const double *lam, const double *yt,
                              const double *yy, const double *grid, int64_t ng,
                              int64_t d, int64_t r, double n, int64_t count) {
  GRID_STRIDE(idx, ng * count) {
    const int64_t b = idx / ng, g = idx - b * ng;
    const double *lb = lam + b * r, *ytb = yt + b * r;
    double risk = 0.0;
    for (int64_t j = 0; j < d; ++j) {
      const int64_t e = b * d * ng + j + g * d;
      const double x = SE ? SE[e] : sqrt_diag[j] * BH[e];
      risk += x * x;
    }
    double ysum = 0.0;
    for (int64_t i = 0; i < r; ++i) ysum += ytb[i];
    const double yperp = yy[b] - ysum > 0 ? yy[b] - ysum : 0.0;
    double *o = out + b * nout + RMTMC_KERNEL_FIT_RIDGE_NOUT * g;
    o[0] = risk;
    fit_ridge_scalars(lb, ytb, r, yperp, grid[g], fit_rank_thr(lb[r - 1]), n,
                      &o[1], &o[2]);
  }
}

} // namespace

extern "C" cudaError_t rmtmc_cuda_fit_assign(
    int mode, int64_t n, int64_t c, int64_t k, const double *cumP,
    const double *cumA, const int64_t *start, uint64_t seed_assign,
    uint64_t seed_labels, uint64_t trial0, int64_t count, int *cls, int *lab,
    int *cnt, int *ycnt, cudaStream_t stream) {
  if (count <= 0 || n <= 0) return cudaSuccess;
  fit_assign<<<blocks_for(n * count), kThreads, 0, stream>>>(
      mode, n, c, k, cumP, cumA, start, seed_assign, seed_labels, trial0, count,
      cls, lab, cnt, ycnt);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_fit_add_means(double *X, const int *cls,
                                                const double *M, int64_t d,
                                                int64_t n, int64_t count,
                                                cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  fit_add_means<<<blocks_for(d * n * count), kThreads, 0, stream>>>(X, cls, M, d, n, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_fit_onehot(double *Yt, const int *lab,
                                             int64_t n, int64_t k,
                                             int64_t count,
                                             cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  fit_onehot<<<blocks_for(n * k * count), kThreads, 0, stream>>>(Yt, lab, n, k, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_fit_ctx_scale(double *A, double *Bm,
                                                const int *cnt, int64_t c,
                                                int64_t n, int64_t count,
                                                cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  fit_ctx_scale<<<blocks_for(c * c * count), kThreads, 0, stream>>>(A, Bm, cnt, c, n, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_fit_ctx_labels(double *Ph, int64_t ldb,
                                                 double *out, int64_t nout,
                                                 const int *cnt,
                                                 const int *ycnt, int64_t c,
                                                 int64_t k, int64_t n,
                                                 int64_t count,
                                                 cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  fit_ctx_labels<<<blocks_for(k * c * count), kThreads, 0, stream>>>(
      Ph, ldb, out, nout, cnt, ycnt, c, k, n, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_fit_ctx_grid(double *Ys, const double *Am,
                                               const double *lam,
                                               const double *grid, int64_t ng,
                                               int64_t k, int64_t c,
                                               int64_t count,
                                               cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  fit_ctx_grid<<<blocks_for(ng * k * c * count), kThreads, 0, stream>>>(
      Ys, Am, lam, grid, ng, k, c, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_fit_gram_scale(double *Bm, double *Mv,
                                                 const double *lam, int64_t r,
                                                 int64_t n, int64_t k,
                                                 int64_t c, int64_t count,
                                                 cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  fit_gram_scale<<<blocks_for(r * count), kThreads, 0, stream>>>(
      Bm, Mv, lam, r, (double)n, k, c, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_fit_mixture_grid(
    double *out, int64_t nout, const double *Bm, const double *Mv,
    const double *lam, const double *grid, int64_t ng, int64_t r, int64_t k,
    int64_t c, int64_t count, cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  fit_mixture_grid<<<blocks_for((k * c + 1) * ng * count), kThreads, 0, stream>>>(
      out, nout, Bm, Mv, lam, grid, ng, r, k, c, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_fit_sumsq(double *yy, const double *y,
                                            int64_t n, int64_t count,
                                            cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  fit_sumsq<<<blocks_for(count), kThreads, 0, stream>>>(yy, y, n, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_fit_ridge_yt(double *yt, const double *v,
                                               const double *lam, int64_t r,
                                               int by_lam, int64_t count,
                                               cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  fit_ridge_yt<<<blocks_for(r * count), kThreads, 0, stream>>>(yt, v, lam, r, by_lam, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_fit_ridge_coef(double *E, const double *v,
                                                 const double *lam,
                                                 const double *grid,
                                                 int64_t ng, int64_t r,
                                                 int64_t count,
                                                 cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  fit_ridge_coef<<<blocks_for(r * ng * count), kThreads, 0, stream>>>(E, v, lam, grid, ng, r, count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_fit_sub_beta(double *BH, const double *beta,
                                               int64_t d, int64_t ng,
                                               int64_t count,
                                               cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  fit_sub_beta<<<blocks_for(d * ng * count), kThreads, 0, stream>>>(BH, beta, d, d * ng * count);
  return cudaGetLastError();
}

extern "C" cudaError_t rmtmc_cuda_fit_ridge_out(
    double *out, int64_t nout, const double *BH, const double *SE,
    const double *sqrt_diag, const double *lam, const double *yt,
    const double *yy, const double *grid, int64_t ng, int64_t d, int64_t r,
    int64_t n, int64_t count, cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  fit_ridge_out<<<blocks_for(ng * count), kThreads, 0, stream>>>(
      out, nout, BH, SE, sqrt_diag, lam, yt, yy, grid, ng, d, r, (double)n, count);
  return cudaGetLastError();
}
