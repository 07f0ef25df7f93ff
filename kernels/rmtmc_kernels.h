/* rmtmc_kernels.h: C launchers of the CUDA kernels behind the cuda backend
 * (private to src/backend/cuda).  Every launcher enqueues its kernels on
 * `stream` and returns the launch status (cudaGetLastError); errors raised
 * while a kernel runs surface at the next synchronisation.
 *
 * Layouts follow rmtmc_backend.h: trial b of a batch owns X[b d n ..] (d x n,
 * column-major, leading dimension d), eigenvalues ev[b d ..] ascending, and
 * observables obs[b nobs ..]. */
#ifndef RMTMC_KERNELS_H
#define RMTMC_KERNELS_H

#include <stdint.h>

#include <cuda_runtime_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Entry laws as the kernels number them: the values of rmtmc_entries
 * (rmtmc_model.h, which is C only: its theory header uses C99 complex);
 * cuda_backend.c checks that the two agree with static asserts. */
#define RMTMC_KERNEL_GAUSSIAN 0
#define RMTMC_KERNEL_RADEMACHER 1
#define RMTMC_KERNEL_STUDENT 2

/* Draw the entries of trials [trial0, trial0 + count) of seed `seed` with the
 * stream layout of rmtmc_rng.h (cuRAND Philox subsequence = trial) into x
 * (float when `single`, else double), multiplying row i by sqrt_diag[i] when
 * sqrt_diag (device, length d) is not NULL.  entries: RMTMC_KERNEL_*;
 * nu: Student-t degrees of freedom. */
cudaError_t rmtmc_cuda_sample(void *x, int single, int64_t d, int64_t n,
                              int entries, double nu, const double *sqrt_diag,
                              uint64_t seed, uint64_t trial0, int64_t count,
                              cudaStream_t stream);

/* dst[i] = (double)src[i], i < len. */
cudaError_t rmtmc_cuda_float_to_double(double *dst, const float *src,
                                       int64_t len, cudaStream_t stream);

/* double -> float, i < len (the full Sigma^(1/2) in single precision). */
cudaError_t rmtmc_cuda_double_to_float(float *dst, const double *src,
                                       int64_t len, cudaStream_t stream);

/* The structural-zero fix-up: ev[b d + i] = 0 for i < z0, b < count. */
cudaError_t rmtmc_cuda_zero_structural(double *ev, int64_t d, int64_t z0,
                                       int64_t count, cudaStream_t stream);

/* Stieltjes transforms: obs[b nobs + 2j], obs[b nobs + 2j + 1] = Re, Im of
 * (1/d) sum_i 1 / (ev[b d + i] - z_j), z_j = z_re[j] + i z_im[j] (device). */
cudaError_t rmtmc_cuda_stieltjes(double *obs, int64_t nobs, const double *ev,
                                 int64_t d, int64_t count, const double *z_re,
                                 const double *z_im, int64_t nz,
                                 cudaStream_t stream);

/* Extreme eigenvalues and moments: obs[b nobs + off] = ev[b d + min(z0,
 * d - 1)], obs[b nobs + off + 1] = ev[b d + d - 1], obs[b nobs + off + 1 + k]
 * = (1/d) sum_i ev^k for k = 1..kmax (off = 2 nz). */
cudaError_t rmtmc_cuda_extremes_moments(double *obs, int64_t nobs, int64_t off,
                                        const double *ev, int64_t d, int64_t z0,
                                        int kmax, int64_t count,
                                        cudaStream_t stream);

/* Histogram of the non-structural eigenvalues (i >= z0) of count trials,
 * added into hist[nbins + 2] (bins..., below, above) with atomics; slots
 * from rmtmc_hist_slot (src/backend/reduce_common.h), as on the CPU. */
cudaError_t rmtmc_cuda_histogram(unsigned long long *hist, const double *ev,
                                 int64_t d, int64_t z0, int64_t count,
                                 int64_t nbins, double lo, double hi,
                                 cudaStream_t stream);

#ifdef __cplusplus
}
#endif
#endif
