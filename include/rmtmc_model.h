/* rmtmc_model.h: the random-data model of a study: sizes, entry law and the
 * population covariance Sigma, parsed from the command-line specs.
 *
 * X = Sigma^(1/2) G with G (d x n) of iid unit-variance entries drawn from
 * the trial's own stream (rmtmc_rng.h), S = X X^T / n.
 *
 * Sigma specs (--sigma):
 *   identity                 Sigma = I
 *   points:L1:W1,L2:W2,...   diagonal; eigenvalue Li on a block of
 *                            round(d (W1+..+Wi)) - round(d (W1+..+W(i-1)))
 *                            consecutive coordinates, in the order given;
 *                            weights > 0 summing to 1 (within 1e-9)
 *   ar1:RHO                  Toeplitz RHO^|i-j|, |RHO| < 1
 *   spike:T1[,T2...]         identity plus spikes: coordinate i has
 *                            eigenvalue 1 + Ti (Ti > -1), the rest 1
 *   file:PATH                diagonal; one eigenvalue per line (>= 0), d lines
 *                            ('#' comments and blank lines ignored)
 *   matrix:PATH              a full Sigma: a text file of d lines of d numbers
 *                            (the rows; white space or commas, '#' comments)
 *                            or a 2-D .npy file of shape (d, d); it must be
 *                            finite, symmetric (|A_ij - A_ji| <= 1e-10
 *                            max |A|) and positive semi-definite (no
 *                            eigenvalue below -64 d eps d max |A|; smaller
 *                            negatives are rounding and set to 0)
 * The population spectrum handed to the theory is the exact finite-d one
 * (atoms of weight count/d, spikes included).  For spike: the studies take
 * the support and density of the bulk from the MP law (the spikes carry
 * weight 1/d -> 0) and the outliers from BBP (rmtmc_model_bulk_pop). */
#ifndef RMTMC_MODEL_H
#define RMTMC_MODEL_H

#include <stdint.h>

#include "rmtmc_status.h"
#include "rmtmc_theory.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rmtmc_entries {
  RMTMC_ENTRIES_GAUSSIAN = 0,
  RMTMC_ENTRIES_RADEMACHER = 1,
  RMTMC_ENTRIES_STUDENT = 2,
  /* complex Gaussian (beta = 2): g = (a + i b) / sqrt(2), a, b iid N(0, 1),
   * so E g = 0, E |g|^2 = 1, E g^2 = 0; S = X X^H / n */
  RMTMC_ENTRIES_COMPLEX_GAUSSIAN = 3
} rmtmc_entries;

typedef enum rmtmc_sigma_kind {
  RMTMC_SIGMA_IDENTITY = 0,
  RMTMC_SIGMA_POINTS,
  RMTMC_SIGMA_AR1,
  RMTMC_SIGMA_SPIKE,
  RMTMC_SIGMA_FILE,
  RMTMC_SIGMA_MATRIX
} rmtmc_sigma_kind;

typedef enum rmtmc_precision {
  RMTMC_PRECISION_DOUBLE = 0,
  RMTMC_PRECISION_SINGLE = 1
} rmtmc_precision;

#define RMTMC_SPEC_LEN 1024

/* The model.  Owns its arrays; release with rmtmc_model_free. */
typedef struct rmtmc_model {
  int64_t d, n;
  rmtmc_entries entries;
  double nu;                 /* Student-t degrees of freedom (> 4) */
  rmtmc_precision precision;
  rmtmc_sigma_kind sigma_kind;
  char sigma_spec[RMTMC_SPEC_LEN]; /* as given */
  double ar1_rho;
  /* Sigma^(1/2): diagonal (sqrt_diag, length d) when sqrt_full is NULL,
   * else the symmetric square root, column-major d x d. */
  double *sqrt_diag;
  double *sqrt_full;
  /* Population eigenvalues, ascending, length d. */
  double *pop_eigs;
  /* Population spectrum for the theory (atoms, ascending t). */
  int64_t pop_k;
  double *pop_t, *pop_w;
  /* Spikes (spike: only): ell_i = 1 + T_i, as given. */
  int64_t nspikes;
  double *spikes;
} rmtmc_model;

/* Parse "gaussian", "rademacher", "student:NU" (NU > 4), "complex-gaussian". */
rmtmc_status rmtmc_entries_parse(const char *spec, rmtmc_entries *e,
                                 double *nu, rmtmc_error *err);
const char *rmtmc_entries_name(rmtmc_entries e);
/* E g^4 - 3 of a real entry law (0, -2, 6/(nu-4)); 0 for complex Gaussian
 * entries, whose fourth cumulant E|g|^4 - 2 is 0. */
double rmtmc_entries_kurt_excess(rmtmc_entries e, double nu);
/* 1 for real entries, 2 for complex ones (the Dyson index of the data). */
int rmtmc_entries_beta(rmtmc_entries e);
/* E |g|^4 of the entry law (3 + kurt_excess for real laws, 2 for complex
 * Gaussian): the fourth moment in the exact E (1/d) tr S^2. */
double rmtmc_entries_abs4(rmtmc_entries e, double nu);

/* Build the model (validates sizes and the Sigma spec, computes Sigma^(1/2)
 * and its spectrum; rejects a Sigma that is not positive semi-definite). */
rmtmc_status rmtmc_model_init(rmtmc_model *m, int64_t d, int64_t n,
                              const char *sigma_spec, rmtmc_entries entries,
                              double nu, rmtmc_precision precision,
                              rmtmc_error *err);
void rmtmc_model_free(rmtmc_model *m);

/* Sigma's eigendecomposition Sigma = U diag(vals) U^T, for every study that
 * needs Sigma's eigenbasis.  Diagonal Sigma: vals[i] = sqrt_diag[i]^2 in
 * coordinate order and U = I.  Dense Sigma (ar1, matrix): the eigenvalues
 * (ascending, rounding-level negatives set to 0) and orthonormal
 * eigenvectors of Sigma^(1/2) Sigma^(1/2), computed on demand (LAPACK
 * dsyevd; the model does not keep a d x d basis that most studies never
 * use).  vals has d entries; vecs (d x d, column-major) may be NULL. */
rmtmc_status rmtmc_model_sigma_eigen(const rmtmc_model *m, double *vals, double *vecs,
                                     rmtmc_error *err);

/* The population spectrum as the theory wants it (borrowed arrays). */
rmtmc_pop rmtmc_model_pop(const rmtmc_model *m);

/* The population spectrum of the bulk: delta_1 for spike:, else the full
 * one.  `one` is caller storage for the atom {1, 1}. */
rmtmc_pop rmtmc_model_bulk_pop(const rmtmc_model *m, double one[2]);

/* Draw G for trial t (column-major d x n, leading dimension d) with the
 * stream layout of rmtmc_rng.h.  The CPU reference of every backend.
 * Complex entries: g holds 2 d n doubles, entry (i, j) as (re, im) at
 * g[2 (i + j d)], [.. + 1] (the layout of C99 double complex, LAPACK's and
 * cuBLAS's complex matrices); complex entry e is Gaussian block e of the
 * stream: g_e = (x + i y) / sqrt(2) with (x, y) its Box-Muller pair, i.e.
 * re and im of entry e are the real Gaussian entries 2e, 2e + 1 times
 * 1/sqrt(2). */
void rmtmc_sample_entries(const rmtmc_model *m, uint64_t seed, uint64_t trial,
                          double *g);

#ifdef __cplusplus
}
#endif
#endif
