/* generative.c: the `generative contexts` (Proposition A) and `generative
 * mixture` (Proposition B) studies: per-trial ridge fits on a grid of gamma
 * from one eigendecomposition per trial, merged in trial order, beside the
 * deterministic equivalents (THEORY 3).  Stream layout: rmtmc_studies.h. */
#include "rmtmc_studies.h"

#include <cblas.h>
#include <errno.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc_accum.h"
#include "rmtmc_rng.h"
#include "rmtmc_theory_models.h"
#include "study/study_common.h"

/* ------------------------------------------------------------ helpers */

uint64_t rmtmc_study_seed(uint64_t seed, uint64_t q) {
  uint64_t z = seed ^ (q * 0x9E3779B97F4A7C15ull);
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

rmtmc_status rmtmc_parse_grid(const char *opt, const char *s, double *out,
                              int64_t cap, int64_t *count, rmtmc_error *err) {
  *count = 0;
  const char *p = s;
  if (!*p) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s needs at least one value", opt);
  for (;;) {
    char *end = NULL;
    errno = 0;
    double v = strtod(p, &end);
    if (end == p || errno || !isfinite(v) || (*end != ',' && *end != '\0'))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--%s '%s': not a comma-separated list of numbers", opt, s);
    if (!(v > 0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s: every value must be > 0 (got %g)", opt, v);
    if (*count >= cap)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s: at most %lld values", opt, (long long)cap);
    out[(*count)++] = v;
    if (*end == '\0') break;
    p = end + 1;
  }
  return RMTMC_OK;
}

/* Uniform entries [0, total) in (0, 1]: block e/2, words (x,y) or (z,w). */
static void fill_uniform(uint64_t seed, uint64_t trial, double *u, uint64_t total) {
  for (uint64_t p = 0; 2 * p < total; ++p) {
    rmtmc_u32x4 b = rmtmc_stream_block(seed, trial, p);
    u[2 * p] = rmtmc_u53_open0(b.x, b.y);
    if (2 * p + 1 < total) u[2 * p + 1] = rmtmc_u53_open0(b.z, b.w);
  }
}

/* First j with cum[j] >= u (cum ascending, cum[k-1] = 1 up to rounding). */
static int64_t inv_cdf(const double *cum, int64_t k, double u) {
  int64_t lo = 0, hi = k - 1;
  while (lo < hi) {
    int64_t mid = (lo + hi) / 2;
    if (cum[mid] >= u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/* P (k x c): p_a = softmax(L[a, :] / rho), L gaussian c x k (params, trial 0). */
static rmtmc_status make_P(double *P, uint64_t seed, double rho, int64_t k, int64_t c,
                           rmtmc_error *err) {
  double *L = malloc((size_t)(c * k) * sizeof(double));
  if (!L) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the logits (c x k)");
  study_fill_gaussian(rmtmc_study_seed(seed, RMTMC_Q_PARAMS), 0, L, (uint64_t)(c * k));
  for (int64_t a = 0; a < c; ++a) {
    double mx = -INFINITY, s = 0.0;
    for (int64_t j = 0; j < k; ++j) mx = fmax(mx, L[a + j * c] / rho);
    for (int64_t j = 0; j < k; ++j) s += (P[j + a * k] = exp(L[a + j * c] / rho - mx));
    for (int64_t j = 0; j < k; ++j) P[j + a * k] /= s;
  }
  free(L);
  return RMTMC_OK;
}

/* Read a whitespace-separated numeric file; rows[] gets the count per
 * non-empty line ('#' comments).  *vals, *rows malloc'd. */
static rmtmc_status read_numbers(const char *opt, const char *path, double **vals, int64_t *nv,
                                 int64_t **rows, int64_t *nr, rmtmc_error *err) {
  FILE *f = fopen(path, "r");
  if (!f) return rmtmc_error_set(err, RMTMC_ERR_IO, "--%s: cannot open %s: %s", opt, path, strerror(errno));
  int64_t capv = 256, capr = 64;
  *vals = malloc((size_t)capv * sizeof(double));
  *rows = malloc((size_t)capr * sizeof(int64_t));
  *nv = *nr = 0;
  char *line = NULL;
  size_t lcap = 0;
  int64_t lineno = 0;
  rmtmc_status st = RMTMC_OK;
  if (!*vals || !*rows) st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory reading %s", path);
  while (st == RMTMC_OK && getline(&line, &lcap, f) >= 0) {
    ++lineno;
    char *h = strchr(line, '#');
    if (h) *h = '\0';
    int64_t count = 0;
    char *p = line;
    for (;;) {
      while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ',') ++p;
      if (!*p) break;
      char *end;
      errno = 0;
      double v = strtod(p, &end);
      if (end == p || errno || !isfinite(v)) {
        int len = (int)strcspn(p, " \t\r\n,");
        st = rmtmc_error_set(err, RMTMC_ERR_PARSE, "--%s %s line %lld: '%.*s' is not a number", opt,
                             path, (long long)lineno, len > 20 ? 20 : len, p);
        break;
      }
      if (*nv == capv) {
        capv *= 2;
        double *nvp = realloc(*vals, (size_t)capv * sizeof(double));
        if (!nvp) { st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory reading %s", path); break; }
        *vals = nvp;
      }
      (*vals)[(*nv)++] = v;
      ++count;
      p = end;
    }
    if (st == RMTMC_OK && count > 0) {
      if (*nr == capr) {
        capr *= 2;
        int64_t *nrp = realloc(*rows, (size_t)capr * sizeof(int64_t));
        if (!nrp) { st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory reading %s", path); break; }
        *rows = nrp;
      }
      (*rows)[(*nr)++] = count;
    }
  }
  free(line);
  fclose(f);
  if (st == RMTMC_OK && *nv == 0) st = rmtmc_error_set(err, RMTMC_ERR_PARSE, "--%s %s holds no numbers", opt, path);
  if (st != RMTMC_OK) {
    free(*vals);
    free(*rows);
    *vals = NULL;
    *rows = NULL;
  }
  return st;
}

/* ================================================ Proposition A ======= */

void rmtmc_contexts_config_default(rmtmc_contexts_config *c) {
  memset(c, 0, sizeof *c);
  c->k = 4;
  c->context_len = 4;
  c->contexts = 0;
  c->d = 256;
  c->n = 2560;
  c->trials = 40;
  c->seed = 1;
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
  if (c->trials < 2) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--trials must be >= 2 (standard errors)");
  if (!(c->rho > 0) || !isfinite(c->rho))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--rho must be finite and > 0 (got %g)", c->rho);
  rmtmc_status st = study_check_grid("gamma", c->gamma, c->ngamma, err);
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
  int T = study_resolve_threads(c->threads);
  double dc = (double)cc, per = 8.0 * (5.0 * dc * dc + (double)c->d * dc + 4.0 * (double)c->k * dc +
                                        3.0 * (double)c->n);
  return study_check_memory("the contexts study (per thread: 5 c x c and a d x c matrix)",
                            per * T + 8.0 * (double)c->ngamma * (double)c->k * dc * 2.0, "the sizes or --threads",
                            err);
}

/* Per-trial workspace of Prop A. */
typedef struct ctx_work {
  double *Z, *H, *lam, *Bm, *Am, *Y, *u, *uc, *Ph, *alphas, *D, *m, *trC;
  int64_t *counts, *ctx;
} ctx_work;

static void ctx_work_free(ctx_work *w) {
  free(w->Z); free(w->H); free(w->lam); free(w->Bm); free(w->Am); free(w->Y); free(w->u);
  free(w->uc); free(w->Ph); free(w->alphas); free(w->D); free(w->m); free(w->trC);
  free(w->counts); free(w->ctx);
}

static int ctx_work_alloc(ctx_work *w, int64_t c, int64_t d, int64_t n, int64_t k) {
  memset(w, 0, sizeof *w);
  size_t cc = (size_t)c * (size_t)c;
  w->Z = malloc((size_t)(d * c) * sizeof(double));
  w->H = malloc(cc * sizeof(double));
  w->lam = malloc((size_t)c * sizeof(double));
  w->Bm = malloc(cc * sizeof(double));
  w->Am = malloc((size_t)(k * c) * sizeof(double));
  w->Y = malloc((size_t)(k * c) * sizeof(double));
  w->u = malloc((size_t)n * sizeof(double));
  w->uc = malloc((size_t)n * sizeof(double));
  w->Ph = malloc((size_t)(k * c) * sizeof(double));
  w->alphas = malloc((size_t)c * sizeof(double));
  w->D = malloc((size_t)c * sizeof(double));
  w->m = malloc((size_t)(k * c) * sizeof(double));
  w->trC = malloc((size_t)c * sizeof(double));
  w->counts = malloc((size_t)c * sizeof(int64_t));
  w->ctx = malloc((size_t)n * sizeof(int64_t));
  return w->Z && w->H && w->lam && w->Bm && w->Am && w->Y && w->u && w->uc && w->Ph && w->alphas &&
         w->D && w->m && w->trC && w->counts && w->ctx;
}

typedef struct ctx_shared {
  const rmtmc_contexts_config *cfg;
  int64_t c, k, d, n;
  double eta;
  const double *P, *cumP; /* k x c each */
  const double *cumA;     /* c: cumulative alpha/c (multinomial) */
  const int64_t *fixed_counts;
  int nobs; /* per gamma: 3 etrain + 3 shrink + 1 trC */
  ctx_work *ws;     /* [threads] */
  double *obs, *dev; /* [STUDY_BATCH][A_NOBS * ngamma], [STUDY_BATCH][devlen] */
  size_t devlen;    /* k c ngamma */
} ctx_shared;

#define A_NOBS 7

/* One trial of Prop A: obs[A_NOBS * ngamma], dev[k c ngamma] = phat - m. */
static rmtmc_status contexts_trial(const ctx_shared *s, ctx_work *w, uint64_t t, double *obs,
                                   double *dev, rmtmc_error *err) {
  const rmtmc_contexts_config *cfg = s->cfg;
  int64_t c = s->c, k = s->k, d = s->d, n = s->n;
  /* counts and context of each sample */
  if (cfg->counts == RMTMC_COUNTS_FIXED) {
    int64_t i = 0;
    for (int64_t a = 0; a < c; ++a) {
      w->counts[a] = s->fixed_counts[a];
      for (int64_t j = 0; j < w->counts[a]; ++j) w->ctx[i++] = a;
    }
  } else {
    fill_uniform(rmtmc_study_seed(cfg->seed, RMTMC_Q_ASSIGN), t, w->uc, (uint64_t)n);
    memset(w->counts, 0, (size_t)c * sizeof(int64_t));
    for (int64_t i = 0; i < n; ++i) {
      w->ctx[i] = inv_cdf(s->cumA, c, w->uc[i]);
      w->counts[w->ctx[i]]++;
    }
  }
  /* labels: Ybar (k x c) */
  fill_uniform(rmtmc_study_seed(cfg->seed, RMTMC_Q_LABELS), t, w->u, (uint64_t)n);
  memset(w->Y, 0, (size_t)(k * c) * sizeof(double));
  for (int64_t i = 0; i < n; ++i) {
    int64_t a = w->ctx[i];
    w->Y[inv_cdf(s->cumP + a * k, k, w->u[i]) + a * k] += 1.0;
  }
  for (int64_t a = 0; a < c; ++a)
    if (w->counts[a] > 0)
      for (int64_t j = 0; j < k; ++j) w->Y[j + a * k] /= (double)w->counts[a];
  /* contexts Z (d x c), G = Z^T Z, H = Pi^(1/2) G Pi^(1/2) */
  study_fill_gaussian(rmtmc_study_seed(cfg->seed, RMTMC_Q_FEATURES), t, w->Z, (uint64_t)(d * c));
  cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (int)c, (int)d, 1.0, w->Z, (int)d, 0.0, w->H, (int)c);
  for (int64_t j = 0; j < c; ++j)
    for (int64_t i = j + 1; i < c; ++i) w->H[j + i * c] = w->H[i + j * c];
  /* Bm = Pi^(1/2) G (kept), H = Pi^(1/2) G Pi^(1/2) */
  for (int64_t j = 0; j < c; ++j) {
    double sj = sqrt((double)w->counts[j] / (double)n);
    for (int64_t i = 0; i < c; ++i) {
      double si = sqrt((double)w->counts[i] / (double)n);
      w->Bm[i + j * c] = si * w->H[i + j * c];
      w->H[i + j * c] *= si * sj;
    }
  }
  lapack_int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)c, w->H, (lapack_int)c, w->lam);
  if (info != 0)
    return rmtmc_error_set(err, RMTMC_ERR_NUMERIC, "LAPACKE_dsyevd failed (info %d) in trial %llu",
                           (int)info, (unsigned long long)t);
  /* Phat(gamma) = Ybar Pi^(1/2) U diag(1/(lam+gamma)) U^T Pi^(1/2) G:
   * Am = (Ybar Pi^(1/2)) U (k x c); Zc = U^T Bm (c x c, reuse Z storage). */
  for (int64_t a = 0; a < c; ++a) {
    double sa = sqrt((double)w->counts[a] / (double)n);
    for (int64_t j = 0; j < k; ++j) w->Ph[j + a * k] = w->Y[j + a * k] * sa;
  }
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)k, (int)c, (int)c, 1.0, w->Ph, (int)k, w->H,
              (int)c, 0.0, w->Am, (int)k);
  double *UB = w->Z; /* d x c >= c x c when d >= c; else allocated size d c < c c */
  double *UBbuf = NULL;
  if (d < c) {
    UBbuf = malloc((size_t)(c * c) * sizeof(double));
    if (!UBbuf) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory (c x c)");
    UB = UBbuf;
  }
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)c, (int)c, (int)c, 1.0, w->H, (int)c, w->Bm,
              (int)c, 0.0, UB, (int)c);
  /* realised alphas and theory (per trial for multinomial counts) */
  rmtmc_status st = rmtmc_propA_alphas_from_counts(w->alphas, w->counts, c, err);
  for (int64_t g = 0; g < cfg->ngamma && st == RMTMC_OK; ++g) {
    double gam = cfg->gamma[g];
    rmtmc_propA_result th;
    st = rmtmc_propA_theory(&th, w->D, w->m, w->trC, NULL, s->P, w->alphas, s->eta, gam, (double)n, k, c,
                            NULL, err);
    if (st != RMTMC_OK) break;
    /* scale columns of Am by 1/(lam + gamma) into Y (free now) */
    for (int64_t i = 0; i < c; ++i) {
      double f = 1.0 / (w->lam[i] + gam);
      for (int64_t j = 0; j < k; ++j) w->Y[j + i * k] = w->Am[j + i * k] * f;
    }
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)k, (int)c, (int)c, 1.0, w->Y, (int)k, UB,
                (int)c, 0.0, w->Ph, (int)k);
    double e = 0.0, sh = 0.0, shth = 0.0, trc = 0.0;
    double *dv = dev + g * k * c;
    for (int64_t a = 0; a < c; ++a) {
      double pp = 0.0, hp = 0.0;
      for (int64_t j = 0; j < k; ++j) {
        double p = s->P[j + a * k], h = w->Ph[j + a * k];
        e += (p - h) * (p - h);
        pp += p * p;
        hp += h * p;
        dv[j + a * k] = h - w->m[j + a * k];
      }
      sh += hp / pp;
      shth += w->D[a];
      double mm = 0.0;
      for (int64_t j = 0; j < k; ++j) mm += w->m[j + a * k] * w->m[j + a * k];
      trc += w->trC[a] - mm; /* trace of the covariance C_a - m_a m_a^T */
    }
    double *o = obs + A_NOBS * g;
    o[0] = e / (double)c;
    o[1] = th.etrain;
    o[2] = o[0] - o[1];
    o[3] = sh / (double)c;
    o[4] = shth / (double)c;
    o[5] = o[3] - o[4];
    o[6] = trc / (double)c;
  }
  free(UBbuf);
  return st;
}

static rmtmc_status load_alpha(const rmtmc_contexts_config *cfg, int64_t c, double *alpha,
                               rmtmc_error *err) {
  if (strcmp(cfg->alpha, "uniform") == 0) {
    for (int64_t a = 0; a < c; ++a) alpha[a] = 1.0;
    return RMTMC_OK;
  }
  double *v;
  int64_t nv, nr, *rows;
  rmtmc_status st = read_numbers("alpha", cfg->alpha + 5, &v, &nv, &rows, &nr, err);
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

/* n_a = alpha_a n / c rounded by largest remainders to sum to n. */
static void fixed_counts(int64_t *counts, const double *alpha, int64_t c, int64_t n) {
  int64_t tot = 0;
  double *rem = malloc((size_t)c * sizeof(double));
  for (int64_t a = 0; a < c; ++a) {
    double x = alpha[a] * (double)n / (double)c;
    counts[a] = (int64_t)floor(x);
    if (rem) rem[a] = x - (double)counts[a];
    tot += counts[a];
  }
  while (tot < n) { /* give one more to the largest remainder (first on ties) */
    int64_t best = 0;
    for (int64_t a = 1; a < c; ++a)
      if (rem ? rem[a] > rem[best] : 0) best = a;
    counts[best]++;
    if (rem) rem[best] = -1.0;
    tot++;
  }
  free(rem);
}

/* study_trial_fn: trial t of the batch, into row i of the batch buffers. */
static rmtmc_status contexts_batch_trial(void *ctx, int thread, int64_t i, uint64_t t, rmtmc_error *err) {
  const ctx_shared *s = ctx;
  return contexts_trial(s, &s->ws[thread], t, s->obs + (size_t)i * A_NOBS * s->cfg->ngamma,
                        s->dev + (size_t)i * s->devlen, err);
}

void rmtmc_contexts_result_free(rmtmc_contexts_result *r) {
  if (!r) return;
  free(r->P); free(r->alpha); free(r->alpha_fixed); free(r->etrain); free(r->shrink);
  free(r->phat_dev); free(r->phat_noise);
  memset(r, 0, sizeof *r);
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
  int threads = study_resolve_threads(cfg->threads);
  r->config.threads = threads;
  r->P = malloc((size_t)(k * c) * sizeof(double));
  r->alpha = malloc((size_t)c * sizeof(double));
  r->etrain = calloc((size_t)ng, sizeof(rmtmc_grid_row));
  r->shrink = calloc((size_t)ng, sizeof(rmtmc_grid_row));
  r->phat_dev = calloc((size_t)ng, sizeof(double));
  r->phat_noise = calloc((size_t)ng, sizeof(double));
  double *cumP = malloc((size_t)(k * c) * sizeof(double));
  double *cumA = malloc((size_t)c * sizeof(double));
  int64_t *fc = malloc((size_t)c * sizeof(int64_t));
  size_t devlen = (size_t)(k * c * ng);
  double *devsum = calloc(devlen, sizeof(double));
  double *obs = malloc((size_t)STUDY_BATCH * A_NOBS * (size_t)ng * sizeof(double));
  double *dev = malloc((size_t)STUDY_BATCH * devlen * sizeof(double));
  ctx_work *ws = calloc((size_t)threads, sizeof(ctx_work));
  rmtmc_accum_stream acc;
  int acc_ok = 0;
  if (!r->P || !r->alpha || !r->etrain || !r->shrink || !r->phat_dev || !r->phat_noise || !cumP || !cumA ||
      !fc || !devsum || !obs || !dev || !ws) {
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the contexts study");
    goto done;
  }
  if ((st = make_P(r->P, cfg->seed, cfg->rho, k, c, err)) != RMTMC_OK) goto done;
  if ((st = load_alpha(cfg, c, r->alpha, err)) != RMTMC_OK) goto done;
  for (int64_t a = 0; a < c; ++a) {
    double s = 0.0;
    for (int64_t j = 0; j < k; ++j) cumP[j + a * k] = (s += r->P[j + a * k]);
    cumP[k - 1 + a * k] = 1.0;
  }
  {
    double s = 0.0;
    for (int64_t a = 0; a < c; ++a) cumA[a] = (s += r->alpha[a] / (double)c);
    cumA[c - 1] = 1.0;
  }
  if (cfg->counts == RMTMC_COUNTS_FIXED) {
    fixed_counts(fc, r->alpha, c, n);
    r->alpha_fixed = malloc((size_t)c * sizeof(double));
    if (!r->alpha_fixed) { st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory"); goto done; }
    if ((st = rmtmc_propA_alphas_from_counts(r->alpha_fixed, fc, c, err)) != RMTMC_OK) goto done;
  }
  for (int i = 0; i < threads; ++i)
    if (!ctx_work_alloc(&ws[i], c, d, n, k)) {
      st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the per-thread workspace");
      goto done;
    }
  if ((st = rmtmc_accum_stream_init(&acc, A_NOBS * ng + 2, 0, err)) != RMTMC_OK) goto done;
  acc_ok = 1;
  ctx_shared sh = {cfg, c, k, d, n, r->eta, r->P, cumP, cumA, fc, A_NOBS, ws, obs, dev, devlen};
  openblas_set_num_threads(1);
  double *o1 = malloc((size_t)(A_NOBS * ng + 2) * sizeof(double));
  if (!o1) { st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory"); goto done; }
  for (int64_t b0 = 0; b0 < cfg->trials && st == RMTMC_OK; b0 += STUDY_BATCH) {
    int64_t nb = cfg->trials - b0 < STUDY_BATCH ? cfg->trials - b0 : STUDY_BATCH;
    if ((st = study_run_batch(threads, b0, nb, contexts_batch_trial, &sh, err)) != RMTMC_OK) break;
    /* extra observables: sd of the realised alpha, empty fraction */
    for (int64_t i = 0; i < nb; ++i) { /* trial order */
      memcpy(o1, obs + (size_t)i * A_NOBS * ng, (size_t)(A_NOBS * ng) * sizeof(double));
      o1[A_NOBS * ng] = o1[A_NOBS * ng + 1] = 0.0;
      if (cfg->counts == RMTMC_COUNTS_MULTINOMIAL) { /* replay the counts (cheap) */
        uint64_t t = (uint64_t)(b0 + i);
        double *u = ws[0].uc;
        int64_t *cnt = ws[0].counts;
        fill_uniform(rmtmc_study_seed(cfg->seed, RMTMC_Q_ASSIGN), t, u, (uint64_t)n);
        memset(cnt, 0, (size_t)c * sizeof(int64_t));
        for (int64_t q = 0; q < n; ++q) cnt[inv_cdf(cumA, c, u[q])]++;
        double m = (double)n / (double)c, v = 0.0, empty = 0.0;
        for (int64_t a = 0; a < c; ++a) {
          double al = (double)cnt[a] / m;
          v += (al - 1.0) * (al - 1.0);
          empty += cnt[a] == 0;
        }
        o1[A_NOBS * ng] = sqrt(v / (double)c);
        o1[A_NOBS * ng + 1] = empty / (double)c;
      }
      rmtmc_accum_stream_add(&acc, o1);
      const double *dv = dev + (size_t)i * devlen;
      for (size_t q = 0; q < devlen; ++q) devsum[q] += dv[q];
    }
    if (cfg->progress) cfg->progress(cfg->progress_ctx, b0 + nb, cfg->trials);
  }
  free(o1);
  if (st != RMTMC_OK) goto done;
  rmtmc_accum_stream_finish(&acc);
  {
    const rmtmc_welford *w = acc.total.obs;
    double T = (double)cfg->trials;
    for (int64_t g = 0; g < ng; ++g) {
      study_finish_row(&r->etrain[g], cfg->gamma[g], w + A_NOBS * g);
      study_finish_row(&r->shrink[g], cfg->gamma[g], w + A_NOBS * g + 3);
      double s2 = 0.0;
      for (int64_t q = 0; q < k * c; ++q) {
        double x = devsum[g * k * c + q] / T;
        s2 += x * x;
      }
      r->phat_dev[g] = sqrt(s2 / (double)c);
      r->phat_noise[g] = sqrt(w[A_NOBS * g + 6].mean / T);
    }
    r->alpha_mean_sd = w[A_NOBS * ng].mean;
    r->empty_fraction = w[A_NOBS * ng + 1].mean;
  }
  r->seconds = rmtmc_now_seconds() - t0;
  r->trials_per_second = (double)cfg->trials / r->seconds;
done:
  if (acc_ok) rmtmc_accum_stream_free(&acc);
  if (ws)
    for (int i = 0; i < threads; ++i) ctx_work_free(&ws[i]);
  free(ws); free(cumP); free(cumA); free(fc); free(devsum); free(obs); free(dev);
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
  c->trials = 40;
  c->seed = 1;
  c->rho = 1.0;
  c->mean_norm = 2.0;
  double g[4] = {0.01, 0.1, 0.5, 1.0};
  c->ngamma = 4;
  memcpy(c->gamma, g, sizeof g);
}

rmtmc_status rmtmc_mixture_validate(const rmtmc_mixture_config *c, rmtmc_error *err) {
  if (c->classes < 1) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--classes must be >= 1 (got %lld)", (long long)c->classes);
  if (c->k < 1) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--k must be >= 1 (got %lld)", (long long)c->k);
  if (c->d < 1 || c->n < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--d and --n must be >= 1 (got %lld and %lld)",
                           (long long)c->d, (long long)c->n);
  if (c->d > 2147483647 || c->n > 2147483647 || c->classes > 2147483647)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE, "sizes must be below 2^31 (BLAS/LAPACK index limit)");
  if (c->trials < 2) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--trials must be >= 2 (standard errors)");
  if (!(c->rho > 0) || !isfinite(c->rho))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--rho must be finite and > 0 (got %g)", c->rho);
  if (!(c->mean_norm >= 0) || !isfinite(c->mean_norm))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--mean-norm must be finite and >= 0 (got %g)", c->mean_norm);
  if (c->means[0] && strncmp(c->means, "file:", 5) != 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--means '%s' not understood: use file:PATH", c->means);
  rmtmc_status st = study_check_grid("gamma", c->gamma, c->ngamma, err);
  if (st != RMTMC_OK) return st;
  double r = (double)(c->d < c->n ? c->d : c->n), T = study_resolve_threads(c->threads);
  double per = 8.0 * (r * r + 2.0 * (double)c->d * (double)c->n + (double)c->d * (double)c->classes * 3.0 +
                      (double)c->n * 4.0 + r * (double)(c->k + c->classes) * 2.0);
  return study_check_memory("the mixture study (per thread: a min(d,n)^2 and two d x n matrices)", per * T,
                            "the sizes or --threads", err);
}

typedef struct mix_work {
  double *X, *S, *lam, *XY, *Bm, *Mv, *T, *u, *ul, *XtM;
  int64_t *cls, *lab;
} mix_work;

static void mix_work_free(mix_work *w) {
  free(w->X); free(w->S); free(w->lam); free(w->XY); free(w->Bm); free(w->Mv); free(w->T);
  free(w->u); free(w->ul); free(w->XtM); free(w->cls); free(w->lab);
}

static int mix_work_alloc(mix_work *w, int64_t c, int64_t d, int64_t n, int64_t k) {
  memset(w, 0, sizeof *w);
  int64_t r = d < n ? d : n;
  w->X = malloc((size_t)(d * n) * sizeof(double));
  w->S = malloc((size_t)(r * r) * sizeof(double));
  w->lam = malloc((size_t)r * sizeof(double));
  w->XY = malloc((size_t)((d > n ? d : n) * k) * sizeof(double));
  w->Bm = malloc((size_t)(r * k) * sizeof(double));
  w->Mv = malloc((size_t)(r * c) * sizeof(double));
  w->T = malloc((size_t)(k * c) * sizeof(double));
  w->u = malloc((size_t)n * sizeof(double));
  w->ul = malloc((size_t)n * sizeof(double));
  w->XtM = malloc((size_t)(n * c) * sizeof(double));
  w->cls = malloc((size_t)n * sizeof(int64_t));
  w->lab = malloc((size_t)n * sizeof(int64_t));
  return w->X && w->S && w->lam && w->XY && w->Bm && w->Mv && w->T && w->u && w->ul && w->XtM && w->cls &&
         w->lab;
}

typedef struct mix_shared {
  const rmtmc_mixture_config *cfg;
  int64_t c, k, d, n;
  const double *P, *cumP, *M;
  mix_work *ws; /* [threads] */
  double *obs;  /* [STUDY_BATCH][ngamma] */
} mix_shared;

/* One trial of Prop B: obs[ngamma] = E_test(gamma). */
static rmtmc_status mixture_trial(const mix_shared *s, mix_work *w, uint64_t t, double *obs,
                                  rmtmc_error *err) {
  const rmtmc_mixture_config *cfg = s->cfg;
  int64_t c = s->c, k = s->k, d = s->d, n = s->n;
  fill_uniform(rmtmc_study_seed(cfg->seed, RMTMC_Q_ASSIGN), t, w->u, (uint64_t)n);
  fill_uniform(rmtmc_study_seed(cfg->seed, RMTMC_Q_LABELS), t, w->ul, (uint64_t)n);
  for (int64_t i = 0; i < n; ++i) {
    int64_t a = (int64_t)floor(w->u[i] * (double)c);
    if (a >= c) a = c - 1;
    w->cls[i] = a;
    w->lab[i] = inv_cdf(s->cumP + a * k, k, w->ul[i]);
  }
  study_fill_gaussian(rmtmc_study_seed(cfg->seed, RMTMC_Q_FEATURES), t, w->X, (uint64_t)(d * n));
  for (int64_t i = 0; i < n; ++i) {
    const double *mu = s->M + w->cls[i] * d;
    double *x = w->X + i * d;
    for (int64_t j = 0; j < d; ++j) x[j] += mu[j];
  }
  int64_t r;
  lapack_int info;
  if (d <= n) {
    r = d;
    cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)d, (int)n, 1.0 / (double)n, w->X, (int)d, 0.0,
                w->S, (int)d);
    info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)d, w->S, (lapack_int)d, w->lam);
    if (info != 0)
      return rmtmc_error_set(err, RMTMC_ERR_NUMERIC, "LAPACKE_dsyevd failed (info %d) in trial %llu", (int)info,
                             (unsigned long long)t);
    /* XY = X Y^T / n (d x k) */
    memset(w->XY, 0, (size_t)(d * k) * sizeof(double));
    for (int64_t i = 0; i < n; ++i) {
      double *col = w->XY + w->lab[i] * d;
      const double *x = w->X + i * d;
      for (int64_t j = 0; j < d; ++j) col[j] += x[j];
    }
    for (int64_t q = 0; q < d * k; ++q) w->XY[q] /= (double)n;
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)d, (int)k, (int)d, 1.0, w->S, (int)d, w->XY,
                (int)d, 0.0, w->Bm, (int)d);
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)d, (int)c, (int)d, 1.0, w->S, (int)d, s->M,
                (int)d, 0.0, w->Mv, (int)d);
  } else {
    /* Gram K = X^T X / n = W diag(lam) W^T; the nonzero eigenvectors of S are
     * X W_i / sqrt(n lam_i): Bm_i = sqrt(lam_i/n) (W^T Y^T)_i,
     * Mv_i = (W^T X^T M)_i / sqrt(n lam_i). */
    r = n;
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (int)n, (int)d, 1.0 / (double)n, w->X, (int)d, 0.0,
                w->S, (int)n);
    info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)n, w->S, (lapack_int)n, w->lam);
    if (info != 0)
      return rmtmc_error_set(err, RMTMC_ERR_NUMERIC, "LAPACKE_dsyevd failed (info %d) in trial %llu", (int)info,
                             (unsigned long long)t);
    memset(w->Bm, 0, (size_t)(n * k) * sizeof(double));
    for (int64_t i = 0; i < n; ++i) { /* (W^T Y^T)[q, l] = sum_{lab_i = l} W[i, q] */
      double *col = w->Bm + w->lab[i] * n;
      for (int64_t q = 0; q < n; ++q) col[q] += w->S[i + q * n];
    }
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)n, (int)c, (int)d, 1.0, w->X, (int)d, s->M, (int)d,
                0.0, w->XtM, (int)n);
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)n, (int)c, (int)n, 1.0, w->S, (int)n, w->XtM,
                (int)n, 0.0, w->Mv, (int)n);
    double lmax = w->lam[n - 1];
    for (int64_t q = 0; q < n; ++q) {
      double l = w->lam[q];
      int keep = l > 1e-12 * lmax;
      double fb = keep ? sqrt(l / (double)n) : 0.0, fm = keep ? 1.0 / sqrt((double)n * l) : 0.0;
      for (int64_t j = 0; j < k; ++j) w->Bm[q + j * n] *= fb;
      for (int64_t a = 0; a < c; ++a) w->Mv[q + a * n] *= fm;
    }
  }
  /* E_test(gamma) = (1/c) sum_a ||p_a - W^T mu_a||^2 + ||W||_F^2,
   * W^T M = Bm^T diag(1/(lam+gamma)) Mv, ||W||^2 = sum_i ||Bm_i||^2/(lam_i+gamma)^2 */
  for (int64_t g = 0; g < cfg->ngamma; ++g) {
    double gam = cfg->gamma[g], wf = 0.0;
    for (int64_t a = 0; a < c; ++a)
      for (int64_t j = 0; j < k; ++j) w->T[j + a * k] = 0.0;
    for (int64_t q = 0; q < r; ++q) {
      double f = 1.0 / (w->lam[q] + gam), b2 = 0.0;
      for (int64_t j = 0; j < k; ++j) {
        double bj = w->Bm[q + j * r];
        b2 += bj * bj;
        for (int64_t a = 0; a < c; ++a) w->T[j + a * k] += bj * f * w->Mv[q + a * r];
      }
      wf += b2 * f * f;
    }
    double e = 0.0;
    for (int64_t a = 0; a < c; ++a)
      for (int64_t j = 0; j < k; ++j) {
        double x = s->P[j + a * k] - w->T[j + a * k];
        e += x * x;
      }
    obs[g] = e / (double)c + wf;
  }
  return RMTMC_OK;
}

static rmtmc_status load_means(const rmtmc_mixture_config *cfg, int64_t d, double **M, int64_t *c,
                               rmtmc_error *err) {
  if (!cfg->means[0]) {
    *c = cfg->classes;
    *M = malloc((size_t)(d * *c) * sizeof(double));
    if (!*M) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the means");
    study_fill_gaussian(rmtmc_study_seed(cfg->seed, RMTMC_Q_PARAMS), 1, *M, (uint64_t)(d * *c));
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
  rmtmc_status st = read_numbers("means", path, &v, &nv, &rows, &nr, err);
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

/* study_trial_fn: trial t of the batch, into row i of the batch buffer. */
static rmtmc_status mixture_batch_trial(void *ctx, int thread, int64_t i, uint64_t t, rmtmc_error *err) {
  const mix_shared *s = ctx;
  return mixture_trial(s, &s->ws[thread], t, s->obs + i * s->cfg->ngamma, err);
}

void rmtmc_mixture_result_free(rmtmc_mixture_result *r) {
  if (!r) return;
  free(r->P); free(r->M); free(r->G); free(r->etest); free(r->theory_first); free(r->theory_trC);
  memset(r, 0, sizeof *r);
}

rmtmc_status rmtmc_mixture_run(const rmtmc_mixture_config *cfg, rmtmc_mixture_result *r, rmtmc_error *err) {
  memset(r, 0, sizeof *r);
  rmtmc_status st = rmtmc_mixture_validate(cfg, err);
  if (st != RMTMC_OK) return st;
  double t0 = rmtmc_now_seconds();
  r->config = *cfg;
  int64_t k = cfg->k, d = cfg->d, n = cfg->n, ng = cfg->ngamma, c;
  int threads = study_resolve_threads(cfg->threads);
  r->config.threads = threads;
  r->eta = (double)d / (double)n;
  mix_work *ws = NULL;
  double *cumP = NULL, *obs = NULL;
  rmtmc_propB_result *th = NULL;
  rmtmc_accum_stream acc;
  int acc_ok = 0;
  if ((st = load_means(cfg, d, &r->M, &c, err)) != RMTMC_OK) goto done;
  r->c = c;
  r->config.classes = c;
  r->P = malloc((size_t)(k * c) * sizeof(double));
  r->G = malloc((size_t)(c * c) * sizeof(double));
  r->etest = calloc((size_t)ng, sizeof(rmtmc_grid_row));
  r->theory_first = calloc((size_t)ng, sizeof(double));
  r->theory_trC = calloc((size_t)ng, sizeof(double));
  cumP = malloc((size_t)(k * c) * sizeof(double));
  obs = malloc((size_t)(STUDY_BATCH * ng) * sizeof(double));
  th = malloc((size_t)ng * sizeof(rmtmc_propB_result));
  ws = calloc((size_t)threads, sizeof(mix_work));
  if (!r->P || !r->G || !r->etest || !r->theory_first || !r->theory_trC || !cumP || !obs || !th || !ws) {
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the mixture study");
    goto done;
  }
  if ((st = make_P(r->P, cfg->seed, cfg->rho, k, c, err)) != RMTMC_OK) goto done;
  for (int64_t a = 0; a < c; ++a) {
    double s = 0.0;
    for (int64_t j = 0; j < k; ++j) cumP[j + a * k] = (s += r->P[j + a * k]);
    cumP[k - 1 + a * k] = 1.0;
  }
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)c, (int)c, (int)d, 1.0, r->M, (int)d, r->M, (int)d,
              0.0, r->G, (int)c);
  for (int64_t a = 0; a < c; ++a) /* exact symmetry */
    for (int64_t b = a + 1; b < c; ++b) r->G[b + a * c] = r->G[a + b * c];
  if ((st = rmtmc_propB_grid(th, cfg->gamma, r->P, r->G, r->eta, ng, k, c, err)) != RMTMC_OK) goto done;
  for (int i = 0; i < threads; ++i)
    if (!mix_work_alloc(&ws[i], c, d, n, k)) {
      st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the per-thread workspace");
      goto done;
    }
  if ((st = rmtmc_accum_stream_init(&acc, 3 * ng, 0, err)) != RMTMC_OK) goto done;
  acc_ok = 1;
  mix_shared sh = {cfg, c, k, d, n, r->P, cumP, r->M, ws, obs};
  openblas_set_num_threads(1);
  for (int64_t b0 = 0; b0 < cfg->trials && st == RMTMC_OK; b0 += STUDY_BATCH) {
    int64_t nb = cfg->trials - b0 < STUDY_BATCH ? cfg->trials - b0 : STUDY_BATCH;
    if ((st = study_run_batch(threads, b0, nb, mixture_batch_trial, &sh, err)) != RMTMC_OK) break;
    double o3[3 * RMTMC_STUDY_MAX_GRID];
    for (int64_t i = 0; i < nb; ++i) {
      for (int64_t g = 0; g < ng; ++g) {
        o3[3 * g] = obs[i * ng + g];
        o3[3 * g + 1] = th[g].etest;
        o3[3 * g + 2] = o3[3 * g] - th[g].etest;
      }
      rmtmc_accum_stream_add(&acc, o3);
    }
    if (cfg->progress) cfg->progress(cfg->progress_ctx, b0 + nb, cfg->trials);
  }
  if (st != RMTMC_OK) goto done;
  rmtmc_accum_stream_finish(&acc);
  for (int64_t g = 0; g < ng; ++g) {
    study_finish_row(&r->etest[g], cfg->gamma[g], acc.total.obs + 3 * g);
    r->theory_first[g] = th[g].first_term;
    r->theory_trC[g] = th[g].mean_trC;
  }
  r->seconds = rmtmc_now_seconds() - t0;
  r->trials_per_second = (double)cfg->trials / r->seconds;
done:
  if (acc_ok) rmtmc_accum_stream_free(&acc);
  if (ws)
    for (int i = 0; i < threads; ++i) mix_work_free(&ws[i]);
  free(ws); free(cumP); free(obs); free(th);
  if (st != RMTMC_OK) rmtmc_mixture_result_free(r);
  return st;
}
