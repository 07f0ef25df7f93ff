/* rmtmc_fit.h: the per-trial linear-model fits behind the generative and
 * ridge studies, as a backend runs them (rmtmc_backend.h: the fit method).
 *
 * A fit problem is a random-data model plus a regularisation grid.  For each
 * trial the backend draws the data from the trial's own streams, forms one
 * Gram matrix, takes ONE eigendecomposition (with vectors) and evaluates the
 * ridge fit at every grid point from it; only a few numbers per trial and
 * grid point come back (the layouts below).  The study layer (src/study)
 * sets them beside the theory.
 *
 *   contexts (Proposition A, THEORY 3.1): contexts z_1..z_c ~ N(0, I_d)
 *     redrawn per trial, n samples each equal to one context (fixed counts
 *     n_a in context order, or contexts drawn with P(a) = alpha_a / c),
 *     labels y ~ Cat(p_a); W = (1/n) Q(gamma) X Y^T and Phat = W^T Z =
 *     Ybar Pi G (Pi G + gamma I_c)^-1 from the c x c eigenproblem of
 *     Pi^(1/2) G Pi^(1/2), G = Z^T Z, Pi = diag(n_a / n).
 *   mixture (Proposition B, THEORY 3.2): class a = floor(c u) uniform,
 *     x = mu_a + z, z ~ N(0, I_d), y ~ Cat(p_a); eigenproblem of X X^T / n
 *     (d <= n) or of the Gram X^T X / n (d > n).
 *   ridge (THEORY 4): x = Sigma^(1/2) g, y = x^T beta + sqrt(sigma2) eps,
 *     bhat(lam) = (X^T X/n + lam I)^-1 X^T y / n (columns of X = samples
 *     here, as in the model: X is d x n); lam = 0 is the ridgeless
 *     (min-norm) estimator, the pseudo-inverse over eigenvalues above
 *     1e-12 times the largest.
 *
 * Stream layout (rmtmc_rng.h).  Quantity q of the study seed s has its own
 * seed s_q = rmtmc_stream_seed(s, q), and trial t reads cuRAND subsequence t
 * of it (rmtmc_stream_block(s_q, t, p)), so any trial can be replayed alone
 * and every backend draws the same trial.  Entry e of a quantity is
 *   gaussian: block e/2 through rmtmc_box_muller (x for even e, y for odd),
 *             the layout of rmtmc_sample_entries;
 *   uniform:  rmtmc_draw_uniform (block e/2, words (x, y) for even e and
 *             (z, w) for odd e).
 * Quantities (tag q):
 *   RMTMC_Q_PARAMS   (1) study parameters (drawn by the study, not the
 *                    backend), trial 0: the logits L (c x k, column-major,
 *                    gaussian e = a + j c, p_a = softmax(L[a, :]/rho));
 *                    trial 1: the mixture means (M d x c, column a scaled to
 *                    norm R); trial 2: ridge beta (g of length d, beta =
 *                    sqrt(R2) g/||g||); trial 3: the resolvent study's
 *                    random unit vector u (g of length d, u = g/||g||).
 *   RMTMC_Q_FEATURES (2) Z (d x c contexts), Z (d x n mixture noise), G
 *                    (d x n ridge, x_i = Sigma^(1/2) G[:, i]): gaussian
 *                    e = i + j d.
 *   RMTMC_Q_ASSIGN   (3) uniform e = i: context of sample i (multinomial
 *                    counts: rmtmc_categorical over cumA) or class (mixture:
 *                    floor(c u), at most c - 1).  Fixed counts put samples
 *                    [n_0 + .. + n_(a-1), n_0 + .. + n_a) in context a.
 *   RMTMC_Q_LABELS   (4) uniform e = i: label of sample i,
 *                    rmtmc_categorical over column a of cumP.
 *   RMTMC_Q_NOISE    (5) ridge: gaussian e = i, eps_i of sample i. */
#ifndef RMTMC_FIT_H
#define RMTMC_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "rmtmc_model.h"
#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
  RMTMC_Q_PARAMS = 1,
  RMTMC_Q_FEATURES = 2,
  RMTMC_Q_ASSIGN = 3,
  RMTMC_Q_LABELS = 4,
  RMTMC_Q_NOISE = 5
};

typedef enum rmtmc_fit_kind {
  RMTMC_FIT_CONTEXTS = 1,
  RMTMC_FIT_MIXTURE = 2,
  RMTMC_FIT_RIDGE = 3
} rmtmc_fit_kind;

/* Largest grid a fit takes (the studies add up to two points of their own
 * to a user grid of at most RMTMC_STUDY_MAX_GRID). */
#define RMTMC_FIT_MAX_GRID 72

/* The problem.  Arrays are borrowed: they must outlive every batch made
 * from the problem. */
typedef struct rmtmc_fit_problem {
  rmtmc_fit_kind kind;
  int64_t d, n;
  int64_t c, k;   /* contexts or classes, labels (contexts, mixture) */
  uint64_t seed;  /* the study seed (streams above) */
  int64_t ngrid;
  const double *grid; /* gamma > 0 (contexts, mixture) or lambda >= 0 (ridge) */
  const double *cumP; /* k x c: column a = cumulative label law p_a, last 1 */
  /* contexts: exactly one of the two */
  const double *cumA;    /* c: cumulative alpha_a / c, last 1 (multinomial) */
  const int64_t *counts; /* c: fixed counts n_a >= 0 summing to n */
  /* mixture */
  const double *M; /* d x c class means */
  /* ridge (model->d, model->n must equal d, n; double precision) */
  const rmtmc_model *model;
  const double *beta; /* d */
  double noise;       /* sigma2 >= 0 */
} rmtmc_fit_problem;

/* Per-trial output, nout doubles, trial-major (trial i at out + i nout):
 *   contexts: [0, c)  the counts n_a of the trial;
 *             then Phat for every gamma as one (ngrid k) x c column-major
 *             matrix: phat_a(gamma_g)[j] at c + (g k + j) + a ngrid k.
 *   mixture:  per gamma g at g (k c + 1): W^T M (k x c column-major, column
 *             a = W^T mu_a), then ||W||_F^2.
 *   ridge:    per lambda g at 3 g: excess risk (bhat - beta)^T Sigma
 *             (bhat - beta), training error (1/n)||y - X^T bhat||^2 and
 *             tr(H_lam)/n (the rank / n at lambda = 0). */
int64_t rmtmc_fit_nout(const rmtmc_fit_problem *p);
#define RMTMC_FIT_RIDGE_NOUT 3
#define RMTMC_FIT_RIDGE_RISK 0
#define RMTMC_FIT_RIDGE_TRAIN 1
#define RMTMC_FIT_RIDGE_TRACE 2

/* Order of the per-trial eigenproblem: c (contexts), min(d, n) otherwise. */
int64_t rmtmc_fit_rank(const rmtmc_fit_problem *p);

/* "the ridge fit (d = 300, n = 600)", "the contexts fit (d = .., n = ..,
 * c = ..)": the problem in messages. */
void rmtmc_fit_describe(const rmtmc_fit_problem *p, char *buf, size_t size);

/* Fixed counts: start[0..c] with samples [start[a], start[a+1]) in context
 * a (start[0] = 0, start[c] = n). */
void rmtmc_fit_context_starts(const rmtmc_fit_problem *p, int64_t *start);

/* Sizes, grid and arrays consistent (what every backend checks first). */
rmtmc_status rmtmc_fit_check(const rmtmc_fit_problem *p, rmtmc_error *err);

#ifdef __cplusplus
}
#endif
#endif
