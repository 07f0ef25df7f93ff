/* resolvent.cu: the element-wise and per-trial steps of the resolvent method
 * (src/backend/cuda/cuda_resolvent.c; layouts in
 * include/rmtmc_resolvent_method.h).  Factorisations and products are
 * cuSOLVER / cuBLAS calls on the host side; what is here follows the sums of
 * src/backend/resolvent_common.h, shared with the CPU backend, one thread
 * per (trial, output) adding the terms in the CPU's order. */
#include "backend/resolvent_common.h"
#include "rmtmc_kernels.h"
#include "rmtmc_launch.cuh"

using rmtmc_launch::blocks_for;
using rmtmc_launch::kThreads;
#define GRID_STRIDE RMTMC_GRID_STRIDE

namespace {

__global__ void k_rsv_shift(double *f, const double *s, int64_t d, double z, int64_t count) {
  GRID_STRIDE(idx, d * d * count) {
    const int64_t q = idx % (d * d);
    f[idx] = s[idx] + ((q % d) == (q / d) ? z : 0.0);
  }
}

__global__ void k_rsv_fill(double *dst, const double *src, int64_t len, int64_t d, int64_t count) {
  GRID_STRIDE(idx, len * count) {
    const int64_t q = idx % len;
    dst[idx] = src ? src[q] : ((q % d) == (q / d) ? 1.0 : 0.0);
  }
}

__global__ void k_rsv_pointers(double **ptr, double *base, int64_t stride, int64_t count) {
  GRID_STRIDE(b, count) ptr[b] = base + b * stride;
}

__global__ void k_rsv_chol_forms(double *out, int64_t nout, int64_t blk, int64_t off_form, int64_t off_form2,
                               const double *P, const double *Y, int64_t d, int64_t np, const int64_t *pairs,
                               int64_t npair, const int64_t *pairs2, int64_t npair2, int64_t count) {
  const int64_t items = npair + npair2;
  GRID_STRIDE(idx, items * count) {
    const int64_t b = idx / items, q = idx - b * items;
    const double *Yb = Y + b * d * np;
    double v;
    int64_t off;
    if (q < npair) {
      v = rsv_dot(P + pairs[2 * q] * d, Yb + pairs[2 * q + 1] * d, d);
      off = off_form + 2 * q;
    } else {
      const int64_t q2 = q - npair;
      v = rsv_dot(Yb + pairs2[2 * q2] * d, Yb + pairs2[2 * q2 + 1] * d, d);
      off = off_form2 + 2 * q2;
    }
    out[b * nout + blk + off] = v;
    out[b * nout + blk + off + 1] = 0.0;
  }
}

__global__ void k_rsv_chol_diag(double *qd, const double *V, int64_t d, int64_t count) {
  GRID_STRIDE(idx, d * count) {
    const int64_t b = idx / d, i = idx - b * d;
    qd[idx] = rsv_chol_diag(V + b * d * d, d, i);
  }
}

__global__ void k_rsv_chol_traces(double *out, int64_t nout, int64_t blk, int64_t off_tr, int64_t off_trs,
                                int64_t off_diag, const double *qd, const double *sqrt_diag, const double *qre,
                                const double *qim, int64_t d, int64_t count) {
  GRID_STRIDE(b, count) {
    const double *q = qd + b * d;
    double tr = 0.0, trs = 0.0, dev = 0.0;
    for (int64_t i = 0; i < d; ++i) {
      tr += q[i];
      if (sqrt_diag) trs += (sqrt_diag[i] * sqrt_diag[i]) * q[i];
      if (qre) dev = fmax(dev, rsv_dev(q[i], 0.0, qre[i], qim[i]));
    }
    double *o = out + b * nout + blk;
    if (off_tr >= 0) {
      o[off_tr] = tr / (double)d;
      o[off_tr + 1] = 0.0;
    }
    if (off_trs >= 0 && sqrt_diag) {
      o[off_trs] = trs / (double)d;
      o[off_trs + 1] = 0.0;
    }
    if (off_diag >= 0) o[off_diag] = dev;
  }
}

__global__ void k_rsv_frob(double *out, int64_t nout, int64_t blk, int64_t off, const double *T, int64_t d,
                         int64_t count) {
  GRID_STRIDE(b, count) {
    double s = 0.0;
    for (int64_t k = 0; k < d; ++k) s += rsv_col_norm2(T + b * d * d, d, k, d);
    out[b * nout + blk + off] = s / (double)d;
    out[b * nout + blk + off + 1] = 0.0;
  }
}

__global__ void k_rsv_weights(double *a, const double *T, const double *sqrt_diag, int64_t d, int64_t count) {
  GRID_STRIDE(idx, d * count) {
    const int64_t b = idx / d, k = idx - b * d;
    const double *Tb = T + b * d * d;
    if (!sqrt_diag) {
      a[idx] = rsv_col_norm2(Tb, d, k, d);
    } else {
      double s = 0.0;
      for (int64_t i = 0; i < d; ++i) {
        const double v = sqrt_diag[i] * Tb[i + k * d];
        s += v * v;
      }
      a[idx] = s;
    }
  }
}

__global__ void k_rsv_eig_sums(double *out, int64_t nout, int64_t blk, int64_t off_tr, int64_t off_trs,
                             int64_t off_form, int64_t off_form2, const double *lam, const double *C, const double *a,
                             int64_t d, int64_t np, const int64_t *pairs, int64_t npair, const int64_t *pairs2,
                             int64_t npair2, double zr, double zi, int64_t count) {
  const int64_t items = 2 + npair + npair2;
  GRID_STRIDE(idx, items * count) {
    const int64_t b = idx / items, q = idx - b * items;
    const double *lb = lam + b * d, *Cb = C + b * d * np;
    double re, im;
    int64_t off;
    if (q == 0) {
      if (off_tr < 0) continue;
      rsv_eig_sum(lb, NULL, NULL, d, zr, zi, 1, &re, &im);
      re /= (double)d;
      im /= (double)d;
      off = off_tr;
    } else if (q == 1) {
      if (off_trs < 0) continue;
      rsv_eig_sum(lb, a + b * d, NULL, d, zr, zi, 1, &re, &im);
      re /= (double)d;
      im /= (double)d;
      off = off_trs;
    } else if (q - 2 < npair) {
      const int64_t p = q - 2;
      rsv_eig_sum(lb, Cb + pairs[2 * p] * d, Cb + pairs[2 * p + 1] * d, d, zr, zi, 1, &re, &im);
      off = off_form + 2 * p;
    } else {
      const int64_t p = q - 2 - npair;
      rsv_eig_sum(lb, Cb + pairs2[2 * p] * d, Cb + pairs2[2 * p + 1] * d, d, zr, zi, 2, &re, &im);
      off = off_form2 + 2 * p;
    }
    out[b * nout + blk + off] = re;
    out[b * nout + blk + off + 1] = im;
  }
}

__global__ void k_rsv_eig_diag(double *qd, const double *lam, const double *W, const double *qre, const double *qim,
                             int64_t d, double zr, double zi, int64_t count) {
  GRID_STRIDE(idx, d * count) {
    const int64_t b = idx / d, i = idx - b * d;
    double re, im;
    rsv_eig_diag(lam + b * d, W + b * d * d, d, i, zr, zi, &re, &im);
    qd[idx] = rsv_dev(re, im, qre[i], qim[i]);
  }
}

__global__ void k_rsv_max(double *out, int64_t nout, int64_t blk, int64_t off, const double *qd, int64_t d,
                        int64_t count) {
  GRID_STRIDE(b, count) {
    double m = 0.0;
    for (int64_t i = 0; i < d; ++i) m = fmax(m, qd[b * d + i]);
    out[b * nout + blk + off] = m;
  }
}

} // namespace

#define LAUNCH(work, kernel, ...)                                          \
  do {                                                                     \
    if ((work) <= 0) return cudaSuccess;                                   \
    kernel<<<blocks_for(work), kThreads, 0, stream>>>(__VA_ARGS__);        \
    return cudaGetLastError();                                             \
  } while (0)

extern "C" cudaError_t rmtmc_cuda_rsv_shift(double *f, const double *s, int64_t d, double z, int64_t count,
                                            cudaStream_t stream) {
  LAUNCH(d * d * count, k_rsv_shift, f, s, d, z, count);
}

extern "C" cudaError_t rmtmc_cuda_rsv_fill(double *dst, const double *src, int64_t len, int64_t d, int64_t count,
                                           cudaStream_t stream) {
  LAUNCH(len * count, k_rsv_fill, dst, src, len, d, count);
}

extern "C" cudaError_t rmtmc_cuda_rsv_pointers(double **ptr, double *base, int64_t stride, int64_t count,
                                               cudaStream_t stream) {
  LAUNCH(count, k_rsv_pointers, ptr, base, stride, count);
}

extern "C" cudaError_t rmtmc_cuda_rsv_chol_forms(double *out, int64_t nout, int64_t blk, int64_t off_form,
                                                 int64_t off_form2, const double *P, const double *Y, int64_t d,
                                                 int64_t np, const int64_t *pairs, int64_t npair,
                                                 const int64_t *pairs2, int64_t npair2, int64_t count,
                                                 cudaStream_t stream) {
  LAUNCH((npair + npair2) * count, k_rsv_chol_forms, out, nout, blk, off_form, off_form2, P, Y, d, np, pairs, npair,
         pairs2, npair2, count);
}

extern "C" cudaError_t rmtmc_cuda_rsv_chol_diag(double *qd, const double *V, int64_t d, int64_t count,
                                                cudaStream_t stream) {
  LAUNCH(d * count, k_rsv_chol_diag, qd, V, d, count);
}

extern "C" cudaError_t rmtmc_cuda_rsv_chol_traces(double *out, int64_t nout, int64_t blk, int64_t off_tr,
                                                  int64_t off_trs, int64_t off_diag, const double *qd,
                                                  const double *sqrt_diag, const double *qre, const double *qim,
                                                  int64_t d, int64_t count, cudaStream_t stream) {
  LAUNCH(count, k_rsv_chol_traces, out, nout, blk, off_tr, off_trs, off_diag, qd, sqrt_diag, qre, qim, d, count);
}

extern "C" cudaError_t rmtmc_cuda_rsv_frob(double *out, int64_t nout, int64_t blk, int64_t off, const double *T,
                                           int64_t d, int64_t count, cudaStream_t stream) {
  LAUNCH(count, k_rsv_frob, out, nout, blk, off, T, d, count);
}

extern "C" cudaError_t rmtmc_cuda_rsv_weights(double *a, const double *T, const double *sqrt_diag, int64_t d,
                                              int64_t count, cudaStream_t stream) {
  LAUNCH(d * count, k_rsv_weights, a, T, sqrt_diag, d, count);
}

extern "C" cudaError_t rmtmc_cuda_rsv_eig_sums(double *out, int64_t nout, int64_t blk, int64_t off_tr,
                                               int64_t off_trs, int64_t off_form, int64_t off_form2,
                                               const double *lam, const double *C, const double *a, int64_t d,
                                               int64_t np, const int64_t *pairs, int64_t npair, const int64_t *pairs2,
                                               int64_t npair2, double zr, double zi, int64_t count,
                                               cudaStream_t stream) {
  LAUNCH((2 + npair + npair2) * count, k_rsv_eig_sums, out, nout, blk, off_tr, off_trs, off_form, off_form2, lam, C, a,
         d, np, pairs, npair, pairs2, npair2, zr, zi, count);
}

extern "C" cudaError_t rmtmc_cuda_rsv_eig_diag(double *qd, const double *lam, const double *W, const double *qre,
                                               const double *qim, int64_t d, double zr, double zi, int64_t count,
                                               cudaStream_t stream) {
  LAUNCH(d * count, k_rsv_eig_diag, qd, lam, W, qre, qim, d, zr, zi, count);
}

extern "C" cudaError_t rmtmc_cuda_rsv_max(double *out, int64_t nout, int64_t blk, int64_t off, const double *qd,
                                          int64_t d, int64_t count, cudaStream_t stream) {
  LAUNCH(count, k_rsv_max, out, nout, blk, off, qd, d, count);
}
