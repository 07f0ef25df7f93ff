/* generative.c: the `generative contexts` (Proposition A) and `generative
 * mixture` (Proposition B) studies.  The trials run on a backend
 * (rmtmc_fit.h: one eigendecomposition per trial serves the whole gamma
 * grid); here the study parameters are drawn, the deterministic equivalents
 * evaluated (docs/theory.md 3) and each trial's predictions set beside them, merged
 * in trial order. */
#include "rmtmc_studies.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/blas.h"
#include "core/numfile.h"
#include "core/parallel.h"
#include "core/sysinfo.h"
#include "engine/driver.h"
#include "rmtmc_accum.h"
#include "rmtmc_rng.h"
#include "rmtmc_theory_models.h"
#include "study/study_common.h"

/* ------------------------------------------------------------ helpers */

uint64_t rmtmc_study_seed(uint64_t seed, uint64_t q) { return rmtmc_stream_seed(seed, q); }

/* P (k x c): p_a = softmax(L[a, :] / rho), L gaussian c x k (params, trial 0). */
static rmtmc_status make_P(double *P, uint64_t seed, double rho, int64_t k, int64_t c,
                           rmtmc_error *err) {
  double *L = malloc((size_t)(c * k) * sizeof(double));
  if (!L) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the logits (c x k)");
  rmtmc_fill_gaussian(rmtmc_stream_seed(seed, RMTMC_Q_PARAMS), 0, L, (uint64_t)(c * k));
  for (int64_t a = 0; a < c; ++a) {
    double mx = -INFINITY, s = 0.0;
    for (int64_t j = 0; j < k; ++j) mx = fmax(mx, L[a + j * c] / rho);
    for (int64_t j = 0; j < k; ++j) s += (P[j + a * k] = exp(L[a + j * c] / rho - mx));
    for (int64_t j = 0; j < k; ++j) P[j + a * k] /= s;
  }
  free(L);
  return RMTMC_OK;
}

/* Read a numeric file (core/numfile.h: white space or commas, '#'
 * comments, or .npy) of at most max numbers; rows[] gets the count per
 * non-empty line (per row of a 2-D .npy).  *vals, *rows malloc'd. */
static rmtmc_status read_numbers(const char *opt, const char *path, int64_t max, double **vals, int64_t *nv,
                                 int64_t **rows, int64_t *nr, rmtmc_error *err) {
  char pre[32];
  snprintf(pre, sizeof pre, "--%s ", opt);
  rmtmc_numfile nf;
  rmtmc_status st = rmtmc_numfile_read(pre, path, max, NULL, &nf, err);
  if (st != RMTMC_OK) return st;
  char shown[512];
  rmtmc_text_escape(shown, sizeof shown, path, strlen(path));
  if (nf.more)
    st = rmtmc_error_set(err, RMTMC_ERR_PARSE, "--%s %s holds more than %lld numbers, the most this study can use", opt,
                         shown, (long long)max);
  else if (nf.count == 0)
    st = rmtmc_error_set(err, RMTMC_ERR_PARSE, "--%s %s holds no numbers", opt, shown);
  if (st != RMTMC_OK) {
    rmtmc_numfile_free(&nf);
    return st;
  }
  *vals = nf.v;
  *nv = nf.count;
  *rows = nf.row_len;
  *nr = nf.rows;
  return RMTMC_OK;
}

/* ================================================ Proposition A ======= */

void rmtmc_contexts_config_default(rmtmc_contexts_config *c) {
  memset(c, 0, sizeof *c);
  c->k = 4;
  c->context_len = 4;
  c->contexts = 0;
  c->d = 256;
  c->n = 2560;
  rmtmc_run_opts_default(&c->run, 40, 1);
  c->rho = 1.0;
  strcpy(c->alpha, "uniform");
  c->counts = RMTMC_COUNTS_FIXED;
  double g[4] = {1e-3, 1e-2, 0.1, 1.0};
  c->ngamma = 4;
  memcpy(c->gamma, g, sizeof g);
}

static int64_t contexts_c(const rmtmc_contexts_config *c) {
  if (c->contexts > 0) return c->contexts;
  double v = pow((double)c->k, (double)c->context_len);
  if (!(v < 4.0e9)) return -1;
  int64_t r = 1;
  for (int64_t i = 0; i < c->context_len; ++i) r *= c->k;
  return r;
}

rmtmc_status rmtmc_contexts_validate(const rmtmc_contexts_config *c, rmtmc_error *err) {
  if (c->k < 1) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--k must be >= 1 (got %lld)", (long long)c->k);
  if (c->contexts == 0 && c->context_len < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--context-len must be >= 1 (got %lld)", (long long)c->context_len);
  if (c->contexts < 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--contexts must be >= 1 (got %lld)", (long long)c->contexts);
  if (c->d < 1 || c->n < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--d and --n must be >= 1 (got %lld and %lld)",
                           (long long)c->d, (long long)c->n);
  rmtmc_status st = study_check_run(&c->run, 2, err);
  if (st != RMTMC_OK) return st;
  if (!(c->rho > 0) || !isfinite(c->rho))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--rho must be finite and > 0 (got %g)", c->rho);
  st = study_check_grid("gamma", c->gamma, c->ngamma, err);
  if (st != RMTMC_OK) return st;
  int64_t cc = contexts_c(c);
  if (cc < 1)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                           "c = K^L = %lld^%lld contexts is too large for memory; lower --k or --context-len",
                           (long long)c->k, (long long)c->context_len);
  if (cc > 2147483647 || c->d > 2147483647 || c->n > 2147483647)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE, "c, d and n must be below 2^31 (BLAS/LAPACK index limit)");
  if (strcmp(c->alpha, "uniform") != 0 && strncmp(c->alpha, "file:", 5) != 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--alpha '%s' not understood: use uniform or file:PATH", c->alpha);
  /* What the study holds on the host (the backend checks its own memory):
   * P and its CDF, the phat deviation sums, and the backend's outputs and
   * the per-trial deviations of at least a CPU batch of trials (a larger
   * batch is capped to the memory by the run driver). */
  double kc = (double)c->k * (double)cc, ng = (double)c->ngamma;
  double host = 8.0 * (4.0 * kc + ng * kc + STUDY_BATCH * ((double)cc + 2.0 * ng * kc));
  return rmtmc_mem_check("the contexts study (host side: c x k label laws and per-trial predictions)", host,
                            "--contexts, --k or --context-len", err);
}

static rmtmc_status load_alpha(const rmtmc_contexts_config *cfg, int64_t c, double *alpha,
                               rmtmc_error *err) {
  if (strcmp(cfg->alpha, "uniform") == 0) {
    for (int64_t a = 0; a < c; ++a) alpha[a] = 1.0;
    return RMTMC_OK;
  }
  double *v;
  int64_t nv, nr, *rows;
  rmtmc_status st = read_numbers("alpha", cfg->alpha + 5, c, &v, &nv, &rows, &nr, err);
  if (st != RMTMC_OK) return st;
  double sum = 0.0;
  if (nv != c)
    st = rmtmc_error_set(err, RMTMC_ERR_PARSE, "--alpha %s holds %lld numbers, need c = %lld (one per context)",
                         cfg->alpha + 5, (long long)nv, (long long)c);
  for (int64_t a = 0; a < nv && st == RMTMC_OK; ++a) {
    if (!(v[a] >= 0))
      st = rmtmc_error_set(err, RMTMC_ERR_PARSE, "--alpha %s: entry %lld = %g is negative", cfg->alpha + 5,
                           (long long)(a + 1), v[a]);
    sum += v[a];
  }
  if (st == RMTMC_OK && !(sum > 0))
    st = rmtmc_error_set(err, RMTMC_ERR_PARSE, "--alpha %s: the weights sum to 0", cfg->alpha + 5);
  if (st == RMTMC_OK)
    for (int64_t a = 0; a < c; ++a) alpha[a] = v[a] * (double)c / sum; /* mean 1 */
  free(v);
  free(rows);
  return st;
}

/* A context's remainder in the largest-remainder rounding. */
typedef struct count_rem {
  double r;
  int64_t a;
} count_rem;

/* Larger remainder first, the lower context first on ties. */
static int remainder_cmp(const void *x, const void *y) {
  const count_rem *p = x, *q = y;
  if (p->r != q->r) return p->r > q->r ? -1 : 1;
  return (p->a > q->a) - (p->a < q->a);
}

/* n_a = alpha_a n / c rounded by largest remainders to sum to n. */
static rmtmc_status fixed_counts(int64_t *counts, const double *alpha, int64_t c, int64_t n, rmtmc_error *err) {
  count_rem *rem = malloc((size_t)c * sizeof(count_rem));
  if (!rem) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the fixed counts of %lld contexts", (long long)c);
  int64_t tot = 0;
  for (int64_t a = 0; a < c; ++a) {
    double x = alpha[a] * (double)n / (double)c;
    counts[a] = (int64_t)floor(x);
    rem[a].r = x - (double)counts[a];
    rem[a].a = a;
    tot += counts[a];
  }
  qsort(rem, (size_t)c, sizeof(count_rem), remainder_cmp);
  for (int64_t q = 0; tot < n; ++q, ++tot) counts[rem[q % c].a]++;
  free(rem);
  return RMTMC_OK;
}

void rmtmc_contexts_result_free(rmtmc_contexts_result *r) {
  if (!r) return;
  free(r->P); free(r->alpha); free(r->alpha_fixed); free(r->etrain); free(r->shrink);
  free(r->phat_dev); free(r->phat_noise); free(r->spread);
  rmtmc_curve_free(&r->theory_curve);
  rmtmc_trials_free(&r->trials);
  memset(r, 0, sizeof *r);
}

#define A_NOBS 9 /* per gamma: (emp, theory, diff) of E_train, of the
                    shrinkage and of the spread of phat around m; then
                    two more: the sd of the realised alpha and the
                    fraction of empty contexts; the sums: phat - m */

/* Host side of Prop A: the theory (once for fixed counts, per trial at the
 * realised counts for multinomial ones) and each trial's comparison. */
typedef struct ctx_post {
  const rmtmc_contexts_config *cfg;
  int64_t c, k, n, ng, nout, nrow; /* nrow = A_NOBS ng + 2 */
  double eta;
  const double *P;
  /* fixed counts: the theory per gamma ([ng], [ng][c], [ng][k c], [ng][c]) */
  rmtmc_propA_result *th;
  double *Dg, *mg, *trCg;
  /* multinomial: per-thread scratch [threads][c] (m: [threads][k c]) */
  double *alphas, *D, *m, *trC;
  int64_t *cnt;
  /* the batch being mapped: outputs, rows ([count][nrow]), deviations
   * ([count][k c ng], the driver's sum columns) */
  const double *out;
  double *obs, *dev;
  int threads;
} ctx_post;

static void ctx_post_free(ctx_post *s) {
  free(s->th); free(s->Dg); free(s->mg); free(s->trCg);
  free(s->alphas); free(s->D); free(s->m); free(s->trC); free(s->cnt);
}

/* rmtmc_item_fn: row i of the batch from the backend's output. */
static rmtmc_status contexts_post_trial(void *ctx, int thread, int64_t i, rmtmc_error *err) {
  const ctx_post *s = ctx;
  int64_t c = s->c, k = s->k, ng = s->ng, kc = k * c, ld = ng * k;
  const double *o = s->out + i * s->nout;
  double *obs = s->obs + i * s->nrow, *dev = s->dev + i * kc * ng;
  int multi = s->cfg->counts == RMTMC_COUNTS_MULTINOMIAL;
  double *alphas = s->alphas + thread * c, *D = s->D + thread * c, *m = s->m + thread * kc;
  double *trC = s->trC + thread * c;
  int64_t *cnt = s->cnt + thread * c;
  rmtmc_status st = RMTMC_OK;
  if (multi) {
    for (int64_t a = 0; a < c; ++a) cnt[a] = (int64_t)o[a];
    st = rmtmc_propA_alphas_from_counts(alphas, cnt, c, err);
  }
  for (int64_t g = 0; g < ng && st == RMTMC_OK; ++g) {
    rmtmc_propA_result th;
    const double *Dq = D, *mq = m, *trq = trC;
    if (multi) {
      st = rmtmc_propA_theory(&th, D, m, trC, NULL, s->P, alphas, s->eta, s->cfg->gamma[g], (double)s->n, k, c,
                              NULL, err);
      if (st != RMTMC_OK) break; /* the theory's message names the argument */
    } else {
      th = s->th[g];
      Dq = s->Dg + g * c;
      mq = s->mg + g * kc;
      trq = s->trCg + g * c;
    }
    double e = 0.0, sh = 0.0, shth = 0.0, trc = 0.0, spread = 0.0, *dv = dev + g * kc;
    for (int64_t a = 0; a < c; ++a) {
      double pp = 0.0, hp = 0.0, mm = 0.0;
      for (int64_t j = 0; j < k; ++j) {
        double p = s->P[j + a * k], h = o[c + (g * k + j) + a * ld];
        e += (p - h) * (p - h);
        pp += p * p;
        hp += h * p;
        dv[j + a * k] = h - mq[j + a * k];
        spread += dv[j + a * k] * dv[j + a * k];
        mm += mq[j + a * k] * mq[j + a * k];
      }
      sh += hp / pp;
      shth += Dq[a];
      trc += trq[a] - mm; /* trace of the covariance C_a - m_a m_a^T */
    }
    double *row = obs + A_NOBS * g;
    row[0] = e / (double)c;
    row[1] = th.etrain;
    row[2] = row[0] - row[1];
    row[3] = sh / (double)c;
    row[4] = shth / (double)c;
    row[5] = row[3] - row[4];
    row[6] = spread / (double)c;
    row[7] = trc / (double)c;
    row[8] = row[6] - row[7];
  }
  /* spread of the realised alpha and the fraction of empty contexts */
  double v = 0.0, empty = 0.0, mean = (double)s->n / (double)c;
  for (int64_t a = 0; multi && a < c; ++a) {
    double al = o[a] / mean;
    v += (al - 1.0) * (al - 1.0);
    empty += o[a] == 0.0;
  }
  obs[A_NOBS * ng] = multi ? sqrt(v / (double)c) : 0.0;
  obs[A_NOBS * ng + 1] = multi ? empty / (double)c : 0.0;
  return st;
}

/* drv_spec map: the rows in parallel (the driver adds them in trial order). */
static rmtmc_status contexts_map(void *ctx, uint64_t trial0, int64_t count, const double *out, double *rows,
                                 double *sums, rmtmc_error *err) {
  ctx_post *s = ctx;
  s->out = out;
  s->obs = rows;
  s->dev = sums;
  return rmtmc_parallel_for(s->threads, count, contexts_post_trial, s, err);
}

/* The per-trial table's columns of the contexts rows. */
static void contexts_columns(rmtmc_column *col, const rmtmc_contexts_config *c) {
  for (int64_t g = 0; g < c->ngamma; ++g) {
    rmtmc_column *q = col + A_NOBS * g;
    study_grid_columns(q, "etrain", "E_train = (1/c)||P - Phat||_F^2", "gamma", g, c->gamma[g]);
    study_grid_columns(q + 3, "shrinkage", "(1/c) sum_a <phat_a,p_a>/||p_a||^2 vs (1/c) sum_a D_a", "gamma", g,
                       c->gamma[g]);
    study_grid_columns(q + 6, "phat_spread", "(1/c) sum_a ||phat_a - m_a||^2 vs (1/c) sum_a tr(C_a - m_a m_a^T)",
                       "gamma", g, c->gamma[g]);
  }
  study_column(&col[A_NOBS * c->ngamma], "alpha_sd", "sd over contexts of the realised alpha_a = c n_a / n (multinomial; 0 for fixed counts)", "", 0, 0);
  study_column(&col[A_NOBS * c->ngamma + 1], "empty_fraction", "fraction of contexts with n_a = 0 (multinomial; 0 for fixed counts)", "", 0, 0);
}

/* The theory over a fine gamma grid for the picture: at the realised
 * alpha of the fixed counts, or at the nominal alpha (multinomial counts:
 * the rows' theory is the mean over the trials' realised counts). */
static rmtmc_status contexts_curve(rmtmc_contexts_result *r, rmtmc_error *err) {
  const rmtmc_contexts_config *cfg = &r->config;
  int64_t c = r->c, k = cfg->k;
  rmtmc_curve *cv = &r->theory_curve;
  rmtmc_status st = study_curve_alloc(cv, 3, cfg->gamma, cfg->ngamma, NAN, err);
  if (st != RMTMC_OK || cv->n == 0) return st;
  double *D = malloc((size_t)c * sizeof(double)), *m = malloc((size_t)(k * c) * sizeof(double));
  double *trC = malloc((size_t)c * sizeof(double));
  if (!D || !m || !trC) {
    free(D); free(m); free(trC);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the theory curve");
  }
  const double *alphas = r->alpha_fixed ? r->alpha_fixed : r->alpha;
  for (int64_t i = 0; i < cv->n; ++i) {
    rmtmc_propA_result th;
    if (rmtmc_propA_theory(&th, D, m, trC, NULL, r->P, alphas, r->eta, cv->x[i], (double)cfg->n, k, c, NULL, NULL) !=
        RMTMC_OK)
      continue;
    double sh = 0.0, spread = 0.0;
    for (int64_t a = 0; a < c; ++a) {
      double mm = 0.0;
      for (int64_t j = 0; j < k; ++j) mm += m[j + a * k] * m[j + a * k];
      sh += D[a];
      spread += trC[a] - mm;
    }
    cv->y[0][i] = th.etrain;
    cv->y[1][i] = sh / (double)c;
    cv->y[2][i] = spread / (double)c;
  }
  free(D); free(m); free(trC);
  return RMTMC_OK;
}

rmtmc_status rmtmc_contexts_run(const rmtmc_contexts_config *cfg, rmtmc_contexts_result *r,
                                rmtmc_error *err) {
  memset(r, 0, sizeof *r);
  rmtmc_status st = rmtmc_contexts_validate(cfg, err);
  if (st != RMTMC_OK) return st;
  double t0 = rmtmc_now_seconds();
  r->config = *cfg;
  int64_t c = contexts_c(cfg), k = cfg->k, d = cfg->d, n = cfg->n, ng = cfg->ngamma;
  r->c = c;
  r->eta = (double)d / (double)c;
  int threads = rmtmc_resolve_threads(cfg->run.threads);
  int multi = cfg->counts == RMTMC_COUNTS_MULTINOMIAL;
  ctx_post s;
  memset(&s, 0, sizeof s);
  s.cfg = &r->config;
  s.c = c; s.k = k; s.n = n; s.ng = ng; s.eta = r->eta; s.threads = threads;
  s.nrow = A_NOBS * ng + 2;
  drv dv;
  memset(&dv, 0, sizeof dv);
  drv_result acc;
  memset(&acc, 0, sizeof acc);
  r->P = malloc((size_t)(k * c) * sizeof(double));
  r->alpha = malloc((size_t)c * sizeof(double));
  r->etrain = calloc((size_t)ng, sizeof(rmtmc_grid_row));
  r->shrink = calloc((size_t)ng, sizeof(rmtmc_grid_row));
  r->phat_dev = calloc((size_t)ng, sizeof(double));
  r->phat_noise = calloc((size_t)ng, sizeof(double));
  r->spread = calloc((size_t)ng, sizeof(rmtmc_grid_row));
  double *cumP = malloc((size_t)(k * c) * sizeof(double));
  double *cumA = multi ? malloc((size_t)c * sizeof(double)) : NULL;
  int64_t *fc = multi ? NULL : malloc((size_t)c * sizeof(int64_t));
  rmtmc_column *cols = calloc((size_t)s.nrow, sizeof(rmtmc_column));
  size_t tc = (size_t)threads * (size_t)c;
  if (multi) {
    s.alphas = malloc(tc * sizeof(double));
    s.D = malloc(tc * sizeof(double));
    s.m = malloc(tc * (size_t)k * sizeof(double));
    s.trC = malloc(tc * sizeof(double));
    s.cnt = malloc(tc * sizeof(int64_t));
  } else {
    s.th = malloc((size_t)ng * sizeof(rmtmc_propA_result));
    s.Dg = malloc((size_t)(ng * c) * sizeof(double));
    s.mg = malloc((size_t)(ng * k * c) * sizeof(double));
    s.trCg = malloc((size_t)(ng * c) * sizeof(double));
  }
  if (!r->P || !r->alpha || !r->etrain || !r->shrink || !r->phat_dev || !r->phat_noise || !r->spread || !cumP ||
      !cols || (multi && (!cumA || !s.alphas || !s.D || !s.m || !s.trC || !s.cnt)) ||
      (!multi && (!fc || !s.th || !s.Dg || !s.mg || !s.trCg))) {
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the contexts study");
    goto done;
  }
  s.P = r->P;
  if ((st = make_P(r->P, cfg->run.seed, cfg->rho, k, c, err)) != RMTMC_OK) goto done;
  if ((st = load_alpha(cfg, c, r->alpha, err)) != RMTMC_OK) goto done;
  study_cumulative(cumP, r->P, k, c);
  if (multi) {
    double sum = 0.0;
    for (int64_t a = 0; a < c; ++a) cumA[a] = (sum += r->alpha[a] / (double)c);
    cumA[c - 1] = 1.0;
  } else {
    if ((st = fixed_counts(fc, r->alpha, c, n, err)) != RMTMC_OK) goto done;
  }
  rmtmc_fit_problem p = {0};
  p.kind = RMTMC_FIT_CONTEXTS;
  p.d = d; p.n = n; p.c = c; p.k = k; p.seed = cfg->run.seed;
  p.ngrid = ng; p.grid = r->config.gamma;
  p.cumP = cumP; p.cumA = cumA; p.counts = fc;
  s.nout = rmtmc_fit_nout(&p);
  rmtmc_work work = {.method = RMTMC_METHOD_FIT, .fit = &p};
  if ((st = drv_open(&dv, &r->config.run, &work, 8.0 * (double)(s.nout + s.nrow + k * c * ng), err)) != RMTMC_OK)
    goto done;
  r->run = dv.info;
  if (!multi) { /* the theory at the realised alpha_a = c n_a / n, once */
    r->alpha_fixed = malloc((size_t)c * sizeof(double));
    if (!r->alpha_fixed) { st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory"); goto done; }
    if ((st = rmtmc_propA_alphas_from_counts(r->alpha_fixed, fc, c, err)) != RMTMC_OK) goto done;
    for (int64_t g = 0; g < ng && st == RMTMC_OK; ++g)
      st = rmtmc_propA_theory(&s.th[g], s.Dg + g * c, s.mg + g * k * c, s.trCg + g * c, NULL, r->P, r->alpha_fixed,
                              r->eta, cfg->gamma[g], (double)n, k, c, NULL, err);
    if (st != RMTMC_OK) goto done;
  }
  contexts_columns(cols, &r->config);
  drv_spec spec = {.work = work, .nrow = s.nrow, .nsum = k * c * ng, .map = contexts_map, .ctx = &s,
                   .columns = cols};
  if ((st = drv_run(&dv, &spec, &acc, err)) != RMTMC_OK) goto done;
  r->run = dv.info; /* with the run's times */
  {
    const rmtmc_welford *w = acc.w;
    double T = (double)cfg->run.trials;
    for (int64_t g = 0; g < ng; ++g) {
      study_finish_row(&r->etrain[g], cfg->gamma[g], w + A_NOBS * g);
      study_finish_row(&r->shrink[g], cfg->gamma[g], w + A_NOBS * g + 3);
      study_finish_row(&r->spread[g], cfg->gamma[g], w + A_NOBS * g + 6);
      double s2 = 0.0;
      for (int64_t q = 0; q < k * c; ++q) {
        double x = acc.sum[g * k * c + q] / T;
        s2 += x * x;
      }
      r->phat_dev[g] = sqrt(s2 / (double)c);
      r->phat_noise[g] = sqrt(w[A_NOBS * g + 7].mean / T);
    }
    r->alpha_mean_sd = w[A_NOBS * ng].mean;
    r->empty_fraction = w[A_NOBS * ng + 1].mean;
  }
  if ((st = contexts_curve(r, err)) != RMTMC_OK) goto done;
  r->trials = acc.trials; /* moved */
  memset(&acc.trials, 0, sizeof acc.trials);
  r->seconds = rmtmc_now_seconds() - t0;
  r->trials_per_second = (double)cfg->run.trials / r->seconds;
done:
  drv_close(&dv);
  drv_result_free(&acc);
  ctx_post_free(&s);
  free(cumP); free(cumA); free(fc); free(cols);
  if (st != RMTMC_OK) rmtmc_contexts_result_free(r);
  return st;
}

/* ================================================ Proposition B ======= */

void rmtmc_mixture_config_default(rmtmc_mixture_config *c) {
  memset(c, 0, sizeof *c);
  c->classes = 3;
  c->k = 4;
  c->d = 300;
  c->n = 600;
  rmtmc_run_opts_default(&c->run, 40, 1);
  c->rho = 1.0;
  c->mean_norm = 2.0;
  double g[4] = {0.01, 0.1, 0.5, 1.0};
  c->ngamma = 4;
  memcpy(c->gamma, g, sizeof g);
}

/* The host holds the means (d x c), G and the theory's c x c workspace, and
 * the label laws; the backend checks its own memory for the per-trial work.
 * c comes from --classes, or from the number of means in a --means file. */
static rmtmc_status mixture_host_check(int64_t d, int64_t c, int64_t k, const char *reduce, rmtmc_error *err) {
  double dc = (double)c;
  double host = 8.0 * ((double)d * dc + 2.0 * dc * dc + 6.0 * (double)k * dc);
  return rmtmc_mem_check("the mixture study (host side: the class means and their c x c Gram matrix)", host, reduce,
                         err);
}

rmtmc_status rmtmc_mixture_validate(const rmtmc_mixture_config *c, rmtmc_error *err) {
  if (c->classes < 1) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--classes must be >= 1 (got %lld)", (long long)c->classes);
  if (c->k < 1) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--k must be >= 1 (got %lld)", (long long)c->k);
  if (c->d < 1 || c->n < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--d and --n must be >= 1 (got %lld and %lld)",
                           (long long)c->d, (long long)c->n);
  if (c->d > 2147483647 || c->n > 2147483647 || c->classes > 2147483647)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE, "sizes must be below 2^31 (BLAS/LAPACK index limit)");
  rmtmc_status st = study_check_run(&c->run, 2, err);
  if (st != RMTMC_OK) return st;
  if (!(c->rho > 0) || !isfinite(c->rho))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--rho must be finite and > 0 (got %g)", c->rho);
  if (!(c->mean_norm >= 0) || !isfinite(c->mean_norm))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--mean-norm must be finite and >= 0 (got %g)", c->mean_norm);
  if (c->means[0] && strncmp(c->means, "file:", 5) != 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--means '%s' not understood: use file:PATH", c->means);
  st = study_check_grid("gamma", c->gamma, c->ngamma, err);
  if (st != RMTMC_OK) return st;
  return mixture_host_check(c->d, c->classes, c->k, "--d or --classes", err);
}

/* The most numbers a means file may hold: c means of d numbers, with c such
 * that the means (8 d c bytes) and the c x c matrices of the theory (8 c^2)
 * fit in the available memory. */
static int64_t means_max_count(int64_t d) {
  double a = rmtmc_available_memory() / 8.0, dd = (double)d;
  double c = floor(0.5 * (sqrt(dd * dd + 4.0 * a) - dd));
  if (c > 2147483647.0) c = 2147483647.0;
  if (c < 1.0) c = 1.0;
  return (int64_t)fmin(c * dd, 1e15);
}

static rmtmc_status load_means(const rmtmc_mixture_config *cfg, int64_t d, double **M, int64_t *c,
                               rmtmc_error *err) {
  if (!cfg->means[0]) {
    *c = cfg->classes;
    *M = malloc((size_t)(d * *c) * sizeof(double));
    if (!*M) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the means");
    rmtmc_fill_gaussian(rmtmc_stream_seed(cfg->run.seed, RMTMC_Q_PARAMS), 1, *M, (uint64_t)(d * *c));
    for (int64_t a = 0; a < *c; ++a) {
      double s = 0.0;
      for (int64_t j = 0; j < d; ++j) s += (*M)[j + a * d] * (*M)[j + a * d];
      s = sqrt(s);
      for (int64_t j = 0; j < d; ++j) (*M)[j + a * d] *= cfg->mean_norm / s;
    }
    return RMTMC_OK;
  }
  double *v;
  int64_t nv, nr, *rows;
  const char *path = cfg->means + 5;
  rmtmc_status st = read_numbers("means", path, means_max_count(d), &v, &nv, &rows, &nr, err);
  if (st != RMTMC_OK) return st;
  for (int64_t i = 0; i < nr && st == RMTMC_OK; ++i)
    if (rows[i] != d)
      st = rmtmc_error_set(err, RMTMC_ERR_PARSE,
                           "--means %s: mean %lld has %lld numbers, need d = %lld (one mean per line)", path,
                           (long long)(i + 1), (long long)rows[i], (long long)d);
  if (st == RMTMC_OK) {
    *c = nr;
    *M = v; /* row i of the file = column i of M (d x c column-major) */
    v = NULL;
  }
  free(v);
  free(rows);
  return st;
}

void rmtmc_mixture_result_free(rmtmc_mixture_result *r) {
  if (!r) return;
  free(r->P); free(r->M); free(r->G); free(r->etest); free(r->theory_first); free(r->theory_trC);
  rmtmc_curve_free(&r->theory_curve);
  rmtmc_trials_free(&r->trials);
  memset(r, 0, sizeof *r);
}

/* Host side of Prop B: E_test of each trial from W^T M and ||W||_F^2. */
typedef struct mix_post {
  int64_t c, k, ng, nout;
  const double *P;
  const rmtmc_propB_result *th;
} mix_post;

/* drv_spec map: per gamma (E_test, theory, difference),
 * E_test(gamma) = (1/c) sum_a ||p_a - W^T mu_a||^2 + ||W||_F^2. */
static rmtmc_status mixture_map(void *ctx, uint64_t trial0, int64_t count, const double *out, double *rows,
                                double *sums, rmtmc_error *err) {
  const mix_post *s = ctx;
  int64_t kc = s->k * s->c;
  for (int64_t i = 0; i < count; ++i) {
    const double *o = out + i * s->nout;
    double *o3 = rows + i * 3 * s->ng;
    for (int64_t g = 0; g < s->ng; ++g) {
      const double *T = o + g * (kc + 1);
      double e = 0.0;
      for (int64_t q = 0; q < kc; ++q) e += (s->P[q] - T[q]) * (s->P[q] - T[q]);
      e = e / (double)s->c + T[kc];
      o3[3 * g] = e;
      o3[3 * g + 1] = s->th[g].etest;
      o3[3 * g + 2] = e - s->th[g].etest;
    }
  }
  return RMTMC_OK;
}

rmtmc_status rmtmc_mixture_run(const rmtmc_mixture_config *cfg, rmtmc_mixture_result *r, rmtmc_error *err) {
  memset(r, 0, sizeof *r);
  rmtmc_status st = rmtmc_mixture_validate(cfg, err);
  if (st != RMTMC_OK) return st;
  double t0 = rmtmc_now_seconds();
  r->config = *cfg;
  int64_t k = cfg->k, d = cfg->d, n = cfg->n, ng = cfg->ngamma, c;
  r->eta = (double)d / (double)n;
  double *cumP = NULL;
  rmtmc_propB_result *th = NULL;
  rmtmc_column *cols = NULL;
  drv dv;
  memset(&dv, 0, sizeof dv);
  drv_result acc;
  memset(&acc, 0, sizeof acc);
  mix_post s;
  memset(&s, 0, sizeof s);
  if ((st = load_means(cfg, d, &r->M, &c, err)) != RMTMC_OK) goto done;
  if (cfg->means[0] && (st = mixture_host_check(d, c, k, "the number of means in --means", err)) != RMTMC_OK)
    goto done;
  r->c = c;
  r->config.classes = c;
  r->P = malloc((size_t)(k * c) * sizeof(double));
  r->G = malloc((size_t)(c * c) * sizeof(double));
  r->etest = calloc((size_t)ng, sizeof(rmtmc_grid_row));
  r->theory_first = calloc((size_t)ng, sizeof(double));
  r->theory_trC = calloc((size_t)ng, sizeof(double));
  cumP = malloc((size_t)(k * c) * sizeof(double));
  th = malloc((size_t)ng * sizeof(rmtmc_propB_result));
  cols = calloc((size_t)(3 * ng), sizeof(rmtmc_column));
  if (!r->P || !r->G || !r->etest || !r->theory_first || !r->theory_trC || !cumP || !th || !cols) {
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the mixture study");
    goto done;
  }
  if ((st = make_P(r->P, cfg->run.seed, cfg->rho, k, c, err)) != RMTMC_OK) goto done;
  study_cumulative(cumP, r->P, k, c);
  rmtmc_fit_problem p = {0};
  p.kind = RMTMC_FIT_MIXTURE;
  p.d = d; p.n = n; p.c = c; p.k = k; p.seed = cfg->run.seed;
  p.ngrid = ng; p.grid = r->config.gamma;
  p.cumP = cumP; p.M = r->M;
  rmtmc_work work = {.method = RMTMC_METHOD_FIT, .fit = &p};
  if ((st = drv_open(&dv, &r->config.run, &work, 8.0 * (double)rmtmc_fit_nout(&p), err)) != RMTMC_OK) goto done;
  r->run = dv.info;
  rmtmc_blas_serial();
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)c, (int)c, (int)d, 1.0, r->M, (int)d, r->M, (int)d,
              0.0, r->G, (int)c);
  for (int64_t a = 0; a < c; ++a) /* exact symmetry */
    for (int64_t b = a + 1; b < c; ++b) r->G[b + a * c] = r->G[a + b * c];
  if ((st = rmtmc_propB_grid(th, cfg->gamma, r->P, r->G, r->eta, ng, k, c, err)) != RMTMC_OK) goto done;
  s.c = c; s.k = k; s.ng = ng; s.P = r->P; s.th = th; s.nout = rmtmc_fit_nout(&p);
  for (int64_t g = 0; g < ng; ++g)
    study_grid_columns(cols + 3 * g, "etest", "E_test (expectation over the test noise)", "gamma", g, cfg->gamma[g]);
  drv_spec spec = {.work = work, .nrow = 3 * ng, .map = mixture_map, .ctx = &s, .columns = cols};
  if ((st = drv_run(&dv, &spec, &acc, err)) != RMTMC_OK) goto done;
  r->run = dv.info; /* with the run's times */
  for (int64_t g = 0; g < ng; ++g) {
    study_finish_row(&r->etest[g], cfg->gamma[g], acc.w + 3 * g);
    r->theory_first[g] = th[g].first_term;
    r->theory_trC[g] = th[g].mean_trC;
  }
  /* the theory over a fine gamma grid, for the picture */
  if ((st = study_curve_alloc(&r->theory_curve, 1, cfg->gamma, ng, NAN, err)) != RMTMC_OK) goto done;
  for (int64_t i = 0; i < r->theory_curve.n; ++i) {
    rmtmc_propB_result pb;
    if (rmtmc_propB_theory(&pb, NULL, NULL, r->P, r->G, r->eta, r->theory_curve.x[i], k, c, NULL) == RMTMC_OK)
      r->theory_curve.y[0][i] = pb.etest;
  }
  r->trials = acc.trials; /* moved */
  memset(&acc.trials, 0, sizeof acc.trials);
  r->seconds = rmtmc_now_seconds() - t0;
  r->trials_per_second = (double)cfg->run.trials / r->seconds;
done:
  drv_close(&dv);
  drv_result_free(&acc);
  free(cumP); free(th); free(cols);
  if (st != RMTMC_OK) rmtmc_mixture_result_free(r);
  return st;
}
