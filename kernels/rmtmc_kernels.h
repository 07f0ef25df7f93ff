/* rmtmc_kernels.h: C launchers of the CUDA kernels behind the cuda backend
 * (private to src/backend/cuda).  Every launcher enqueues its kernels on
 * `stream` and returns the launch status (cudaGetLastError); errors raised
 * while a kernel runs surface at the next synchronisation.
 *
 * Layouts follow rmtmc_backend.h and rmtmc_layout.h: trial b of a batch owns X[b d n ..] (d x n,
 * column-major, leading dimension d), eigenvalues ev[b d ..] ascending, and
 * observables obs[b nobs ..]. */
#ifndef RMTMC_KERNELS_H
#define RMTMC_KERNELS_H

#include <stdint.h>

#include <cuda_runtime_api.h>

#include "rmtmc_layout.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Entry laws as the kernels number them: the values of rmtmc_entries
 * (rmtmc_model.h, which is C only: its theory header uses C99 complex);
 * cuda_backend.c checks that the two agree with static asserts. */
#define RMTMC_KERNEL_GAUSSIAN 0
#define RMTMC_KERNEL_RADEMACHER 1
#define RMTMC_KERNEL_STUDENT 2
#define RMTMC_KERNEL_COMPLEX_GAUSSIAN 3

/* Draw the entries of trials [trial0, trial0 + count) of seed `seed` with the
 * stream layout of rmtmc_rng.h (cuRAND Philox subsequence = trial) into x
 * (float when `single`, else double), multiplying row i by sqrt_diag[i] when
 * sqrt_diag (device, length d) is not NULL.  entries: RMTMC_KERNEL_*;
 * nu: Student-t degrees of freedom.  Complex entries fill 2 d n numbers per
 * trial ((re, im) pairs, rmtmc_model.h). */
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

/* The per-z observables of layout L (include/rmtmc_layout.h; its z_re,
 * z_im on the device): obs[b nobs + zobs_off[k] + 2j (+1)] = Re (Im) of
 * (1/d) sum_i term_k(ev[b d + i], z_j), term_k from rmtmc_obs_zterm. */
cudaError_t rmtmc_cuda_zobs(double *obs, const rmtmc_layout *L, const double *ev,
                            int64_t d, int64_t count, cudaStream_t stream);

/* Extreme eigenvalues and moments at L's offsets: obs[b nobs + lam_min] =
 * ev[b d + min(z0, d - 1)], obs[b nobs + lam_max] = ev[b d + d - 1],
 * obs[b nobs + moment + k - 1] = (1/d) sum_i ev^k for k = 1..kmax. */
cudaError_t rmtmc_cuda_extremes_moments(double *obs, const rmtmc_layout *L,
                                        const double *ev, int64_t d, int64_t z0,
                                        int64_t count, cudaStream_t stream);

/* The edge method's rows (rmtmc_edge_layout, rmtmc_layout.h; E by value)
 * from each trial's ascending eigenvalues ev[b d ..] and, when E->ndir > 0,
 * its eigenvectors vecs[b d d ..] (column j belongs to ev[j]; double, or
 * (re, im) pairs when cplx): obs[b E->nobs + ..] = the ktop largest and
 * the kbot smallest non-structural eigenvalues (from index z0) and the
 * squared moduli of their vectors' first ndir coordinates. */
cudaError_t rmtmc_cuda_edge_reduce(double *obs, const rmtmc_edge_layout *E,
                                   const double *ev, const void *vecs,
                                   int cplx, int64_t d, int64_t z0,
                                   int64_t count, cudaStream_t stream);

/* Histogram of the non-structural eigenvalues (i >= z0) of count trials,
 * added into hist[nbins + 2] (bins..., below, above) with atomics; slots
 * from rmtmc_hist_slot (src/backend/reduce_common.h), as on the CPU. */
cudaError_t rmtmc_cuda_histogram(unsigned long long *hist, const double *ev,
                                 int64_t d, int64_t z0, int64_t count,
                                 int64_t nbins, double lo, double hi,
                                 cudaStream_t stream);

/* ---- the linear-model fits (fit.cu; layouts in include/rmtmc_fit.h,
 * rules in src/backend/fit_common.h).  Per-trial arrays are contiguous with
 * the stride their size gives (trial b of an r x k matrix at b r k, ...). */

/* Assignment modes and the ridge output width (cuda_fit.c checks them
 * against rmtmc_fit.h, which is C only). */
#define RMTMC_KERNEL_FIT_CONTEXTS 1
#define RMTMC_KERNEL_FIT_MIXTURE 2
#define RMTMC_KERNEL_FIT_RIDGE_NOUT 3

/* Context (contexts: fixed counts through start[c + 1], else drawn from
 * cumA) or class (mixture) and label of sample i of each trial; written to
 * cls / lab [count n] and counted into cnt [count c] and ycnt [count k c]
 * (label + context k) when those are not NULL (zeroed by the caller). */
cudaError_t rmtmc_cuda_fit_assign(int mode, int64_t n, int64_t c, int64_t k,
                                  const double *cumP, const double *cumA,
                                  const int64_t *start, uint64_t seed_assign,
                                  uint64_t seed_labels, uint64_t trial0,
                                  int64_t count, int *cls, int *lab, int *cnt,
                                  int *ycnt, cudaStream_t stream);
/* X[:, i] += M[:, cls_i] (X d x n per trial). */
cudaError_t rmtmc_cuda_fit_add_means(double *X, const int *cls, const double *M,
                                     int64_t d, int64_t n, int64_t count,
                                     cudaStream_t stream);
/* Yt (n x k per trial) = one-hot of the labels. */
cudaError_t rmtmc_cuda_fit_onehot(double *Yt, const int *lab, int64_t n,
                                  int64_t k, int64_t count, cudaStream_t stream);
/* Contexts: with s_a = sqrt(n_a / n) and A = G (c x c): Bm = diag(s) G,
 * A = diag(s) G diag(s). */
cudaError_t rmtmc_cuda_fit_ctx_scale(double *A, double *Bm, const int *cnt,
                                     int64_t c, int64_t n, int64_t count,
                                     cudaStream_t stream);
/* Contexts: Ph (k x c at b ldb) = Ybar diag(s) from the label counts, and
 * out[b nout + a] = n_a. */
cudaError_t rmtmc_cuda_fit_ctx_labels(double *Ph, int64_t ldb, double *out,
                                      int64_t nout, const int *cnt,
                                      const int *ycnt, int64_t c, int64_t k,
                                      int64_t n, int64_t count,
                                      cudaStream_t stream);
/* Contexts: Ys ((ng k) x c) row g k + j = Am row j / (lam + gamma_g). */
cudaError_t rmtmc_cuda_fit_ctx_grid(double *Ys, const double *Am,
                                    const double *lam, const double *grid,
                                    int64_t ng, int64_t k, int64_t c,
                                    int64_t count, cudaStream_t stream);
/* Mixture, Gram side: rows q of Bm (r x k) and Mv (r x c) times
 * fit_gram_factors of lam_q. */
cudaError_t rmtmc_cuda_fit_gram_scale(double *Bm, double *Mv, const double *lam,
                                      int64_t r, int64_t n, int64_t k,
                                      int64_t c, int64_t count,
                                      cudaStream_t stream);
/* Mixture: out[b nout + g (k c + 1) + o] = fit_mixture_value(.., o). */
cudaError_t rmtmc_cuda_fit_mixture_grid(double *out, int64_t nout,
                                        const double *Bm, const double *Mv,
                                        const double *lam, const double *grid,
                                        int64_t ng, int64_t r, int64_t k,
                                        int64_t c, int64_t count,
                                        cudaStream_t stream);
/* yy[b] = ||y_b||^2 / n. */
cudaError_t rmtmc_cuda_fit_sumsq(double *yy, const double *y, int64_t n,
                                 int64_t count, cudaStream_t stream);
/* Ridge: yt = v^2 / lam above the rank threshold (by_lam), else v^2. */
cudaError_t rmtmc_cuda_fit_ridge_yt(double *yt, const double *v,
                                    const double *lam, int64_t r, int by_lam,
                                    int64_t count, cudaStream_t stream);
/* Ridge: E (r x ng) = v_i fit_inv(lam_i, lambda_g). */
cudaError_t rmtmc_cuda_fit_ridge_coef(double *E, const double *v,
                                      const double *lam, const double *grid,
                                      int64_t ng, int64_t r, int64_t count,
                                      cudaStream_t stream);
/* BH (d x ng per trial) -= beta in every column. */
cudaError_t rmtmc_cuda_fit_sub_beta(double *BH, const double *beta, int64_t d,
                                    int64_t ng, int64_t count,
                                    cudaStream_t stream);
/* Ridge outputs per (trial, lambda): risk from SE = Sigma^(1/2) BH (full)
 * or sqrt_diag BH (SE NULL), training error and tr(H)/n. */
cudaError_t rmtmc_cuda_fit_ridge_out(double *out, int64_t nout,
                                     const double *BH, const double *SE,
                                     const double *sqrt_diag, const double *lam,
                                     const double *yt, const double *yy,
                                     const double *grid, int64_t ng, int64_t d,
                                     int64_t r, int64_t n, int64_t count,
                                     cudaStream_t stream);

/* ---- the resolvent method (resolvent.cu; sums in
 * src/backend/resolvent_common.h, layouts in include/rmtmc_resolvent_method.h,
 * whose offsets are passed as plain integers: blk is the z block's offset in
 * a trial's nout outputs, an offset < 0 is skipped).  Per-trial arrays are
 * contiguous with the stride their size gives. */

/* f_b = s_b + z I (every entry of the d x d matrices). */
cudaError_t rmtmc_cuda_rsv_shift(double *f, const double *s, int64_t d, double z, int64_t count,
                                 cudaStream_t stream);
/* dst_b = src (len doubles), or the d x d identity when src is NULL. */
cudaError_t rmtmc_cuda_rsv_fill(double *dst, const double *src, int64_t len, int64_t d, int64_t count,
                                cudaStream_t stream);
/* ptr[b] = base + b stride (the pointer arrays of the batched calls). */
cudaError_t rmtmc_cuda_rsv_pointers(double **ptr, double *base, int64_t stride, int64_t count,
                                    cudaStream_t stream);
/* Cholesky path: a^T Q b = P_a . Y_b for the pairs, a^T Q^2 b = Y_a . Y_b for
 * pairs2 (Y = Q P, d x np per trial; imaginary parts 0). */
cudaError_t rmtmc_cuda_rsv_chol_forms(double *out, int64_t nout, int64_t blk, int64_t off_form, int64_t off_form2,
                                      const double *P, const double *Y, int64_t d, int64_t np, const int64_t *pairs,
                                      int64_t npair, const int64_t *pairs2, int64_t npair2, int64_t count,
                                      cudaStream_t stream);
/* Cholesky path: qd[b d + i] = ||row i of V_b||^2 = Q_ii (V = U^-1 upper). */
cudaError_t rmtmc_cuda_rsv_chol_diag(double *qd, const double *V, int64_t d, int64_t count, cudaStream_t stream);
/* Cholesky path, from qd: (1/d) tr Q at off_tr, (1/d) tr Sigma Q at off_trs
 * for a diagonal Sigma (sqrt_diag), max_i |Q_ii - qbar_i| at off_diag (qre,
 * qim: this z's reference diagonal). */
cudaError_t rmtmc_cuda_rsv_chol_traces(double *out, int64_t nout, int64_t blk, int64_t off_tr, int64_t off_trs,
                                       int64_t off_diag, const double *qd, const double *sqrt_diag,
                                       const double *qre, const double *qim, int64_t d, int64_t count,
                                       cudaStream_t stream);
/* ||T_b||_F^2 / d at off (T = Sigma^(1/2) V: (1/d) tr Sigma Q, dense Sigma). */
cudaError_t rmtmc_cuda_rsv_frob(double *out, int64_t nout, int64_t blk, int64_t off, const double *T, int64_t d,
                                int64_t count, cudaStream_t stream);
/* Eigen path weights a_k = w_k^T Sigma w_k: ||column k of T||^2 (T =
 * Sigma^(1/2) W, sqrt_diag NULL) or sum_i s_i W_ik^2 (T = W). */
cudaError_t rmtmc_cuda_rsv_weights(double *a, const double *T, const double *sqrt_diag, int64_t d, int64_t count,
                                   cudaStream_t stream);
/* Eigen path, one z: the traces and every form from lam, C = W^T P and a. */
cudaError_t rmtmc_cuda_rsv_eig_sums(double *out, int64_t nout, int64_t blk, int64_t off_tr, int64_t off_trs,
                                    int64_t off_form, int64_t off_form2, const double *lam, const double *C,
                                    const double *a, int64_t d, int64_t np, const int64_t *pairs, int64_t npair,
                                    const int64_t *pairs2, int64_t npair2, double zr, double zi, int64_t count,
                                    cudaStream_t stream);
/* Eigen path, one z: qd[b d + i] = |Q_ii - qbar_i|, Q_ii = sum_k W_ik^2 r_k. */
cudaError_t rmtmc_cuda_rsv_eig_diag(double *qd, const double *lam, const double *W, const double *qre,
                                    const double *qim, int64_t d, double zr, double zi, int64_t count,
                                    cudaStream_t stream);
/* max_i qd[b d + i] at off. */
cudaError_t rmtmc_cuda_rsv_max(double *out, int64_t nout, int64_t blk, int64_t off, const double *qd, int64_t d,
                               int64_t count, cudaStream_t stream);

/* ---- the exact fast samplers (tridiag.cu; rules and stream layouts in
 * src/backend/tridiag_common.h and src/backend/bartlett_common.h, shared
 * with the CPU driver src/backend/cpu/cpu_tridiag.c / cpu_bartlett.c) ---- */

/* Threads of a tridiag_reduce block (one block per trial). */
#define RMTMC_KERNEL_TRIDIAG_THREADS 128

/* The band of T = s2 B B^T / n (Dumitriu-Edelman) for trials [trial0,
 * trial0 + count): trial b's diagonal at a[b ld .. b ld + m) and squared
 * off-diagonal at b2[b ld .. b ld + m - 1), m = min(d, n) <= ld; beta 1
 * (real) or 2 (complex).  One thread per row. */
cudaError_t rmtmc_cuda_de_sample(double *a, double *b2, int64_t ld, int64_t d,
                                 int64_t n, int beta, double s2, uint64_t seed,
                                 uint64_t trial0, int64_t count,
                                 cudaStream_t stream);

/* Bartlett's L for trials [trial0, trial0 + count): trial b at L[b d m ..]
 * (d x m column-major, leading dimension d, zeros above the diagonal,
 * m = min(d, n)), row i times sqrt_diag[i] when sqrt_diag (device, length d)
 * is not NULL.  S then needs Sigma^(1/2) L (L^T Sigma^(1/2)) / n from cuBLAS
 * (cpu_bartlett_gram is the reference). */
cudaError_t rmtmc_cuda_bartlett_sample(double *L, int64_t d, int64_t n,
                                       const double *sqrt_diag, uint64_t seed,
                                       uint64_t trial0, int64_t count,
                                       cudaStream_t stream);

/* Per-trial observables of S (d x d) from the bands (layout of
 * rmtmc_cuda_de_sample) at the offsets of layout L (include/rmtmc_layout.h;
 * its z_re, z_im on the device; m(z) the only per-z observable):
 * obs[b nobs + zobs_off[m] + 2j (+1)] = Re (Im) m_d(z_j),
 * obs[b nobs + lam_min], [.. + lam_max] = lambda_min, lambda_max of T,
 * obs[b nobs + moment + k - 1] = (1/d) tr T^k, k = 1..kmax (kmax <= 8); and
 * the histogram of T's eigenvalues on L's bins added into hist[nbins + 2]
 * (bins..., below, above; the d - m structural zeros are the caller's, as
 * for rmtmc_cuda_histogram).  One block of RMTMC_KERNEL_TRIDIAG_THREADS
 * threads per trial; cudaErrorInvalidValue for a bad argument. */
cudaError_t rmtmc_cuda_tridiag_reduce(double *obs, const rmtmc_layout *L,
                                      unsigned long long *hist, const double *a,
                                      const double *b2, int64_t ld, int64_t d,
                                      int64_t n, int64_t count,
                                      cudaStream_t stream);

#ifdef __cplusplus
}
#endif
#endif
