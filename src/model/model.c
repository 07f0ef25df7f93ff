/* model.c: entry laws, Sigma specs, Sigma^(1/2) and the population spectrum. */
#include "rmtmc_model.h"

#include <cblas.h>
#include <errno.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numfile.h"
#include "core/numparse.h"
#include "core/sysinfo.h"
#include "rmtmc_rng.h"
#include "core/blas.h"

/* Largest d for which a dense Sigma^(1/2) is formed (ar1:, matrix:). */
#define RMTMC_MAX_DENSE_SIGMA 20000

/* The largest eigenvalue of Sigma: the moments of S up to the 4th power
 * (and their sums over d) stay well within double precision. */
#define RMTMC_MAX_SIGMA_EIGENVALUE 1e60

/* A number of a spec: 1 when it parsed; otherwise 0 and *why says what is
 * wrong with it (NULL: not a number at all). */
static int parse_double(const char *s, const char *end, double *out, const char **why) {
  rmtmc_num r = rmtmc_parse_double(s, end, out);
  if (why) *why = r == RMTMC_NUM_OK || r == RMTMC_NUM_SYNTAX ? NULL : rmtmc_num_problem(r, 'd');
  return r == RMTMC_NUM_OK;
}

rmtmc_status rmtmc_entries_parse(const char *spec, rmtmc_entries *e,
                                 double *nu, rmtmc_error *err) {
  *nu = 0.0;
  if (strcmp(spec, "gaussian") == 0) {
    *e = RMTMC_ENTRIES_GAUSSIAN;
    return RMTMC_OK;
  }
  if (strcmp(spec, "rademacher") == 0) {
    *e = RMTMC_ENTRIES_RADEMACHER;
    return RMTMC_OK;
  }
  if (strcmp(spec, "complex-gaussian") == 0) {
    *e = RMTMC_ENTRIES_COMPLEX_GAUSSIAN;
    return RMTMC_OK;
  }
  if (strncmp(spec, "student:", 8) == 0) {
    double v;
    const char *why;
    if (!parse_double(spec + 8, spec + strlen(spec), &v, &why))
      return why ? rmtmc_error_set(err, RMTMC_ERR_INVALID, "--entries %s: NU %s", spec, why)
                 : rmtmc_error_set(err, RMTMC_ERR_INVALID, "--entries %s: NU must be a number, e.g. student:8", spec);
    if (!(v > 4.0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--entries %s: NU must be > 4 (finite fourth moment), got %g",
                             spec, v);
    *e = RMTMC_ENTRIES_STUDENT;
    *nu = v;
    return RMTMC_OK;
  }
  return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                         "--entries '%s' not understood: use gaussian, rademacher, student:NU (NU > 4) or complex-gaussian",
                         spec);
}

const char *rmtmc_entries_name(rmtmc_entries e) {
  switch (e) {
    case RMTMC_ENTRIES_GAUSSIAN: return "gaussian";
    case RMTMC_ENTRIES_RADEMACHER: return "rademacher";
    case RMTMC_ENTRIES_STUDENT: return "student";
    case RMTMC_ENTRIES_COMPLEX_GAUSSIAN: return "complex-gaussian";
  }
  return "?";
}

int rmtmc_entries_beta(rmtmc_entries e) { return e == RMTMC_ENTRIES_COMPLEX_GAUSSIAN ? 2 : 1; }

double rmtmc_entries_abs4(rmtmc_entries e, double nu) {
  return e == RMTMC_ENTRIES_COMPLEX_GAUSSIAN ? 2.0 : 3.0 + rmtmc_entries_kurt_excess(e, nu);
}

double rmtmc_entries_kurt_excess(rmtmc_entries e, double nu) {
  switch (e) {
    case RMTMC_ENTRIES_GAUSSIAN: return 0.0;
    case RMTMC_ENTRIES_RADEMACHER: return -2.0;
    case RMTMC_ENTRIES_STUDENT: return 6.0 / (nu - 4.0);
    case RMTMC_ENTRIES_COMPLEX_GAUSSIAN: return 0.0;
  }
  return 0.0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Group the sorted eigenvalues into atoms of weight count/d. */
static rmtmc_status pop_from_eigs(rmtmc_model *m, rmtmc_error *err) {
  int64_t d = m->d;
  m->pop_t = malloc((size_t)d * sizeof(double));
  m->pop_w = malloc((size_t)d * sizeof(double));
  if (!m->pop_t || !m->pop_w)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "cannot allocate the population spectrum");
  int64_t k = 0;
  for (int64_t i = 0; i < d; ++i) {
    double t = m->pop_eigs[i];
    if (k > 0 && t == m->pop_t[k - 1]) {
      m->pop_w[k - 1] += 1.0 / (double)d;
    } else {
      m->pop_t[k] = t;
      m->pop_w[k] = 1.0 / (double)d;
      ++k;
    }
  }
  m->pop_k = k;
  return RMTMC_OK;
}

/* Diagonal Sigma from its eigenvalues in coordinate order. */
static rmtmc_status set_diagonal(rmtmc_model *m, const double *diag,
                                 rmtmc_error *err) {
  for (int64_t i = 0; i < m->d; ++i) {
    if (!(diag[i] >= 0.0) || !isfinite(diag[i]))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--sigma %s: eigenvalue %lld is %g; a covariance must be positive semi-definite (all eigenvalues >= 0)",
                             m->sigma_spec, (long long)(i + 1), diag[i]);
    if (diag[i] > RMTMC_MAX_SIGMA_EIGENVALUE)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--sigma %s: eigenvalue #%lld = %g is too large (at most %g, so that the moments of S up to "
                             "the 4th power stay within double precision); the spectrum scales with Sigma: rescale it",
                             m->sigma_spec, (long long)(i + 1), diag[i], RMTMC_MAX_SIGMA_EIGENVALUE);
    m->sqrt_diag[i] = sqrt(diag[i]);
    m->pop_eigs[i] = diag[i];
  }
  qsort(m->pop_eigs, (size_t)m->d, sizeof(double), cmp_double);
  return RMTMC_OK;
}

static rmtmc_status parse_points(rmtmc_model *m, const char *list, double *diag,
                                 rmtmc_error *err) {
  /* points:L1:W1,L2:W2,... */
  double cum = 0.0;
  int64_t start = 0, npts = 0;
  const char *p = list;
  double wsum = 0.0;
  /* First pass: weights sum. */
  for (const char *q = list; *q;) {
    const char *comma = strchr(q, ',');
    const char *end = comma ? comma : q + strlen(q);
    const char *colon = memchr(q, ':', (size_t)(end - q));
    double L, W;
    const char *why = NULL;
    if (!colon || !parse_double(q, colon, &L, &why) || !parse_double(colon + 1, end, &W, &why)) {
      if (why)
        return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--sigma points:%s: the point '%.*s': a number in it %s", list,
                               (int)(end - q), q, why);
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--sigma points:%s: each point must read EIGENVALUE:WEIGHT, e.g. points:1:0.5,4:0.5",
                             list);
    }
    if (!(W > 0.0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--sigma points:%s: weight %g must be > 0", list, W);
    if (!(L >= 0.0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--sigma points:%s: eigenvalue %g < 0; a covariance must be positive semi-definite",
                             list, L);
    wsum += W;
    ++npts;
    q = comma ? comma + 1 : end;
  }
  if (npts == 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--sigma points: needs at least one EIGENVALUE:WEIGHT pair");
  if (fabs(wsum - 1.0) > 1e-9)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--sigma points:%s: weights sum to %.12g, they must sum to 1",
                           list, wsum);
  while (*p) {
    const char *comma = strchr(p, ',');
    const char *end = comma ? comma : p + strlen(p);
    const char *colon = memchr(p, ':', (size_t)(end - p));
    double L = 0.0, W = 0.0;
    parse_double(p, colon, &L, NULL);
    parse_double(colon + 1, end, &W, NULL);
    cum += W;
    int64_t stop = comma ? (int64_t)llround(cum * (double)m->d) : m->d;
    if (stop > m->d) stop = m->d;
    for (int64_t i = start; i < stop; ++i) diag[i] = L;
    start = stop;
    p = comma ? comma + 1 : end;
  }
  return RMTMC_OK;
}

static rmtmc_status parse_file(rmtmc_model *m, const char *path, double *diag,
                               rmtmc_error *err) {
  rmtmc_numfile nf;
  rmtmc_status st = rmtmc_numfile_read("--sigma file:", path, m->d, " (expected one eigenvalue per line)",
                                       &nf, err);
  if (st != RMTMC_OK) return st;
  if (nf.more || nf.count != m->d) {
    char shown[512];
    rmtmc_text_escape(shown, sizeof shown, path, strlen(path));
    st = rmtmc_error_set(err, RMTMC_ERR_PARSE,
                         "--sigma file:%s holds %s%lld eigenvalues but --d is %lld: give one eigenvalue per dimension",
                         shown, nf.more ? "more than " : "", (long long)nf.count, (long long)m->d);
  } else {
    memcpy(diag, nf.v, (size_t)m->d * sizeof(double));
  }
  rmtmc_numfile_free(&nf);
  return st;
}

/* A dense Sigma (d x d, column-major, symmetric, in v; v is overwritten):
 * its eigenvalues into pop_eigs (ascending) and the symmetric square root
 * V diag(sqrt lambda) V^T into sqrt_full.  Eigenvalues below neg_tol are
 * refused (not positive semi-definite); rounding-level negatives down to
 * -neg_tol are set to 0.  what names the spec in messages. */
static rmtmc_status dense_sigma(rmtmc_model *m, double *v, double neg_tol, const char *what,
                                rmtmc_error *err) {
  int64_t d = m->d;
  m->sqrt_full = malloc((size_t)(d * d) * sizeof(double));
  if (!m->sqrt_full)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "cannot allocate the %lld x %lld covariance", (long long)d,
                           (long long)d);
  rmtmc_blas_serial();
  lapack_int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)d, v, (lapack_int)d, m->pop_eigs);
  if (info != 0)
    return rmtmc_error_set(err, RMTMC_ERR_NUMERIC, "--sigma %s: eigendecomposition failed (LAPACK dsyevd info %d)",
                           what, (int)info);
  if (m->pop_eigs[0] < -neg_tol)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--sigma %s: Sigma is not positive semi-definite: its smallest eigenvalue is %.6g (largest %.6g); a covariance needs all eigenvalues >= 0",
                           what, m->pop_eigs[0], m->pop_eigs[d - 1]);
  /* Clamp the rounding-level negatives of a PSD matrix; sqrt = V diag V^T. */
  for (int64_t i = 0; i < d; ++i)
    if (m->pop_eigs[i] < 0.0) m->pop_eigs[i] = 0.0;
  for (int64_t j = 0; j < d; ++j)
    for (int64_t i = 0; i <= j; ++i) {
      double s = 0.0;
      for (int64_t k = 0; k < d; ++k)
        s += v[i + k * d] * sqrt(m->pop_eigs[k]) * v[j + k * d];
      m->sqrt_full[i + j * d] = s;
      m->sqrt_full[j + i * d] = s;
    }
  return RMTMC_OK;
}

static rmtmc_status dense_size_check(const rmtmc_model *m, const char *kind, rmtmc_error *err) {
  if (m->d > RMTMC_MAX_DENSE_SIGMA)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                           "--sigma %s d = %lld is above %d, the largest d for which a dense Sigma^(1/2) is formed",
                           kind, (long long)m->d, RMTMC_MAX_DENSE_SIGMA);
  return RMTMC_OK;
}

/* Dense AR(1) Sigma = rho^|i-j|: symmetric square root by eigendecomposition. */
static rmtmc_status build_ar1(rmtmc_model *m, double rho, rmtmc_error *err) {
  int64_t d = m->d;
  rmtmc_status st = dense_size_check(m, "ar1:", err);
  if (st != RMTMC_OK) return st;
  double *v = malloc((size_t)(d * d) * sizeof(double));
  if (!v)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "cannot allocate the %lld x %lld covariance", (long long)d,
                           (long long)d);
  for (int64_t j = 0; j < d; ++j)
    for (int64_t i = 0; i < d; ++i) v[i + j * d] = pow(rho, (double)llabs(i - j));
  /* Toeplitz rho^|i-j| is positive definite for |rho| < 1: any negative
   * eigenvalue is rounding */
  st = dense_sigma(m, v, INFINITY, m->sigma_spec, err);
  free(v);
  return st;
}

/* Relative asymmetry max |A_ij - A_ji| / max |A_ij| a matrix file may have
 * (rounding of a file written with fewer digits), and the PSD tolerance: an
 * eigenvalue below -RMTMC_PSD_TOL d eps lambda_max is a real negative one. */
#define RMTMC_SYM_TOL 1e-10
#define RMTMC_PSD_TOL 64.0

/* matrix:PATH: a full symmetric positive semi-definite Sigma, d x d, from a
 * text file (d rows of d numbers) or a 2-D .npy file (core/numfile.h). */
static rmtmc_status build_matrix(rmtmc_model *m, const char *path, rmtmc_error *err) {
  int64_t d = m->d;
  rmtmc_status st = dense_size_check(m, "matrix:", err);
  if (st != RMTMC_OK) return st;
  char shown[512];
  rmtmc_text_escape(shown, sizeof shown, path, strlen(path));
  rmtmc_numfile nf;
  st = rmtmc_numfile_read("--sigma matrix:", path, d * d, " (expected d rows of d numbers)", &nf, err);
  if (st != RMTMC_OK) return st;
  st = RMTMC_OK;
  if (nf.more || nf.count != d * d) {
    st = rmtmc_error_set(err, RMTMC_ERR_PARSE,
                         "--sigma matrix:%s holds %s%lld numbers but --d %lld needs a %lld x %lld matrix (%lld numbers)",
                         shown, nf.more ? "more than " : "", (long long)nf.count, (long long)d, (long long)d,
                         (long long)d, (long long)(d * d));
  } else if (nf.npy && (nf.ndim != 2 || nf.shape[0] != d || nf.shape[1] != d)) {
    st = rmtmc_error_set(err, RMTMC_ERR_PARSE,
                         "--sigma matrix:%s is a %d-D .npy array of %lld numbers; give a 2-D array of shape (%lld, %lld)",
                         shown, nf.ndim, (long long)nf.count, (long long)d, (long long)d);
  } else if (!nf.npy) {
    for (int64_t i = 0; i < nf.rows && st == RMTMC_OK; ++i)
      if (nf.row_len[i] != d)
        st = rmtmc_error_set(err, RMTMC_ERR_PARSE,
                             "--sigma matrix:%s: line %lld of numbers holds %lld numbers; each of the d = %lld lines (the rows of Sigma) must hold d numbers",
                             shown, (long long)(i + 1), (long long)nf.row_len[i], (long long)d);
  }
  if (st != RMTMC_OK) {
    rmtmc_numfile_free(&nf);
    return st;
  }
  /* nf.v is in row-major order: entry (i, j) at i d + j */
  const double *a = nf.v;
  double amax = 0.0, worst = 0.0;
  int64_t wi = 0, wj = 0;
  for (int64_t i = 0; i < d; ++i)
    for (int64_t j = 0; j < d; ++j) amax = fmax(amax, fabs(a[i * d + j]));
  for (int64_t i = 0; i < d; ++i)
    for (int64_t j = i + 1; j < d; ++j) {
      double e = fabs(a[i * d + j] - a[j * d + i]);
      if (e > worst) {
        worst = e;
        wi = i;
        wj = j;
      }
    }
  if (!(amax > 0.0))
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--sigma matrix:%s: Sigma is zero; give at least one positive variance",
                         shown);
  else if (worst > RMTMC_SYM_TOL * amax)
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                         "--sigma matrix:%s is not symmetric: entry (%lld, %lld) is %.17g but (%lld, %lld) is %.17g; a covariance matrix is symmetric",
                         shown, (long long)(wi + 1), (long long)(wj + 1), a[wi * d + wj], (long long)(wj + 1),
                         (long long)(wi + 1), a[wj * d + wi]);
  double *v = st == RMTMC_OK ? malloc((size_t)(d * d) * sizeof(double)) : NULL;
  if (st == RMTMC_OK && !v)
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "cannot allocate the %lld x %lld covariance", (long long)d,
                         (long long)d);
  if (st == RMTMC_OK) {
    for (int64_t j = 0; j < d; ++j)
      for (int64_t i = 0; i < d; ++i) v[i + j * d] = 0.5 * (a[i * d + j] + a[j * d + i]);
    char what[600];
    snprintf(what, sizeof what, "matrix:%s", shown);
    /* the tolerance scales with the largest eigenvalue, bounded by d amax */
    st = dense_sigma(m, v, RMTMC_PSD_TOL * (double)d * DBL_EPSILON * (double)d * amax, what, err);
    if (st == RMTMC_OK && !(m->pop_eigs[d - 1] > 0.0))
      st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--sigma %s: Sigma is zero", what);
  }
  free(v);
  rmtmc_numfile_free(&nf);
  return st;
}

static rmtmc_status parse_spikes(rmtmc_model *m, const char *list, double *diag,
                                 rmtmc_error *err) {
  int64_t cnt = 1;
  for (const char *q = list; *q; ++q) cnt += (*q == ',');
  if (*list == '\0')
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--sigma spike: needs at least one THETA, e.g. spike:3");
  if (cnt > m->d)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--sigma spike:%s: %lld spikes but d = %lld", list,
                           (long long)cnt, (long long)m->d);
  m->spikes = malloc((size_t)cnt * sizeof(double));
  if (!m->spikes) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  for (int64_t i = 0; i < m->d; ++i) diag[i] = 1.0;
  const char *p = list;
  for (int64_t i = 0; i < cnt; ++i) {
    const char *comma = strchr(p, ',');
    const char *end = comma ? comma : p + strlen(p);
    double th;
    const char *why;
    if (!parse_double(p, end, &th, &why))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--sigma spike:%s: '%.*s' %s", list, (int)(end - p), p,
                             why ? why : "is not a number");
    if (!(th > -1.0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--sigma spike:%s: THETA = %g gives eigenvalue 1 + THETA < 0; a covariance must be positive semi-definite",
                             list, th);
    m->spikes[i] = 1.0 + th;
    diag[i] = 1.0 + th;
    p = end + (comma ? 1 : 0);
  }
  m->nspikes = cnt;
  return RMTMC_OK;
}

rmtmc_status rmtmc_model_init(rmtmc_model *m, int64_t d, int64_t n,
                              const char *sigma_spec, rmtmc_entries entries,
                              double nu, rmtmc_precision precision,
                              rmtmc_error *err) {
  memset(m, 0, sizeof *m);
  if (d < 1 || n < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "sizes must be positive: got --d %lld --n %lld",
                           (long long)d, (long long)n);
  if (strlen(sigma_spec) >= RMTMC_SPEC_LEN)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--sigma spec is too long");
  if (entries == RMTMC_ENTRIES_COMPLEX_GAUSSIAN && precision == RMTMC_PRECISION_SINGLE)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--precision single is not available with --entries complex-gaussian (complex data run in double precision)");
  /* Everything below proportional to d, counted before any of it is
   * allocated: pop_eigs, sqrt_diag, diag, pop_t, pop_w and a file's values;
   * for ar1 the dense Sigma, its square root and dsyevd's workspace. */
  double dd = (double)d, bytes = 6.0 * 8.0 * dd;
  if ((strncmp(sigma_spec, "ar1:", 4) == 0 || strncmp(sigma_spec, "matrix:", 7) == 0) && d <= RMTMC_MAX_DENSE_SIGMA)
    bytes += 8.0 * (5.0 * dd * dd + 6.0 * dd); /* matrix: also the file's values */
  char what[96];
  snprintf(what, sizeof what, "the population covariance for d = %lld", (long long)d);
  rmtmc_status mst = rmtmc_mem_check(what, bytes, "--d", err);
  if (mst != RMTMC_OK) return mst;
  m->d = d;
  m->n = n;
  m->entries = entries;
  m->nu = nu;
  m->precision = precision;
  strcpy(m->sigma_spec, sigma_spec);
  m->pop_eigs = malloc((size_t)d * sizeof(double));
  m->sqrt_diag = malloc((size_t)d * sizeof(double));
  double *diag = malloc((size_t)d * sizeof(double));
  rmtmc_status st = RMTMC_OK;
  if (!m->pop_eigs || !m->sqrt_diag || !diag) {
    st = rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                         "cannot allocate the population spectrum for d = %lld",
                         (long long)d);
    goto done;
  }
  if (strcmp(sigma_spec, "identity") == 0) {
    m->sigma_kind = RMTMC_SIGMA_IDENTITY;
    for (int64_t i = 0; i < d; ++i) diag[i] = 1.0;
  } else if (strncmp(sigma_spec, "points:", 7) == 0) {
    m->sigma_kind = RMTMC_SIGMA_POINTS;
    st = parse_points(m, sigma_spec + 7, diag, err);
  } else if (strncmp(sigma_spec, "spike:", 6) == 0) {
    m->sigma_kind = RMTMC_SIGMA_SPIKE;
    st = parse_spikes(m, sigma_spec + 6, diag, err);
  } else if (strncmp(sigma_spec, "file:", 5) == 0) {
    m->sigma_kind = RMTMC_SIGMA_FILE;
    st = parse_file(m, sigma_spec + 5, diag, err);
  } else if (strncmp(sigma_spec, "matrix:", 7) == 0) {
    m->sigma_kind = RMTMC_SIGMA_MATRIX;
    free(m->sqrt_diag);
    m->sqrt_diag = NULL;
    st = build_matrix(m, sigma_spec + 7, err);
    if (st == RMTMC_OK) st = pop_from_eigs(m, err);
    goto done;
  } else if (strncmp(sigma_spec, "ar1:", 4) == 0) {
    m->sigma_kind = RMTMC_SIGMA_AR1;
    double rho;
    const char *why;
    if (!parse_double(sigma_spec + 4, sigma_spec + strlen(sigma_spec), &rho, &why)) {
      st = why ? rmtmc_error_set(err, RMTMC_ERR_INVALID, "--sigma %s: RHO %s", sigma_spec, why)
               : rmtmc_error_set(err, RMTMC_ERR_INVALID, "--sigma %s: RHO must be a number, e.g. ar1:0.5", sigma_spec);
    } else if (!(fabs(rho) < 1.0)) {
      st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--sigma %s: |RHO| must be < 1 (otherwise Sigma is not positive definite)",
                           sigma_spec);
    } else {
      m->ar1_rho = rho;
      free(m->sqrt_diag);
      m->sqrt_diag = NULL;
      st = build_ar1(m, rho, err);
      if (st == RMTMC_OK) st = pop_from_eigs(m, err);
    }
    goto done;
  } else {
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                         "--sigma '%s' not understood: use identity, points:L1:W1,..., ar1:RHO, spike:T1[,T2...], file:PATH or matrix:PATH",
                         sigma_spec);
    goto done;
  }
  if (st == RMTMC_OK) st = set_diagonal(m, diag, err);
  if (st == RMTMC_OK) st = pop_from_eigs(m, err);
  if (st == RMTMC_OK && m->pop_eigs[d - 1] <= 0.0)
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                         "--sigma %s: Sigma is zero; give at least one positive eigenvalue",
                         sigma_spec);
done:
  free(diag);
  if (st != RMTMC_OK) rmtmc_model_free(m);
  return st;
}

void rmtmc_model_free(rmtmc_model *m) {
  if (!m) return;
  free(m->sqrt_diag);
  free(m->sqrt_full);
  free(m->pop_eigs);
  free(m->pop_t);
  free(m->pop_w);
  free(m->spikes);
  memset(m, 0, sizeof *m);
}

rmtmc_status rmtmc_model_sigma_eigen(const rmtmc_model *m, double *vals, double *vecs, rmtmc_error *err) {
  int64_t d = m->d;
  if (!m->sqrt_full) {
    for (int64_t j = 0; j < d; ++j) vals[j] = m->sqrt_diag[j] * m->sqrt_diag[j];
    if (vecs) {
      memset(vecs, 0, (size_t)(d * d) * sizeof(double));
      for (int64_t j = 0; j < d; ++j) vecs[j + j * d] = 1.0;
    }
    return RMTMC_OK;
  }
  double *U = vecs ? vecs : malloc((size_t)(d * d) * sizeof(double));
  if (!U) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for Sigma's eigenvectors (d x d)");
  rmtmc_blas_serial();
  cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)d, (int)d, 1.0, m->sqrt_full, (int)d, 0.0, U, (int)d);
  lapack_int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', (lapack_int)d, U, (lapack_int)d, vals);
  if (!vecs) free(U);
  if (info != 0)
    return rmtmc_error_set(err, RMTMC_ERR_NUMERIC, "the eigendecomposition of Sigma failed (LAPACK dsyevd info %d)",
                           (int)info);
  for (int64_t j = 0; j < d; ++j)
    if (vals[j] < 0) vals[j] = 0.0;
  return RMTMC_OK;
}

rmtmc_pop rmtmc_model_pop(const rmtmc_model *m) {
  rmtmc_pop p;
  p.k = m->pop_k;
  p.t = m->pop_t;
  p.w = m->pop_w;
  return p;
}

rmtmc_pop rmtmc_model_bulk_pop(const rmtmc_model *m, double one[2]) {
  if (m->sigma_kind != RMTMC_SIGMA_SPIKE) return rmtmc_model_pop(m);
  one[0] = 1.0;
  one[1] = 1.0;
  rmtmc_pop p = {.k = 1, .t = &one[0], .w = &one[1]};
  return p;
}

void rmtmc_sample_entries(const rmtmc_model *m, uint64_t seed, uint64_t trial,
                          double *g) {
  uint64_t total = (uint64_t)m->d * (uint64_t)m->n;
  switch (m->entries) {
    case RMTMC_ENTRIES_GAUSSIAN:
      rmtmc_fill_gaussian(seed, trial, g, total);
      break;
    case RMTMC_ENTRIES_RADEMACHER:
      for (uint64_t q = 0; 4 * q < total; ++q) {
        rmtmc_u32x4 b = rmtmc_stream_block(seed, trial, q);
        uint32_t w[4] = {b.x, b.y, b.z, b.w};
        for (uint64_t l = 0; l < 4 && 4 * q + l < total; ++l)
          g[4 * q + l] = rmtmc_rademacher_from_word(w[l]);
      }
      break;
    case RMTMC_ENTRIES_STUDENT:
      for (uint64_t e = 0; e < total; ++e)
        g[e] = rmtmc_draw_student(seed, trial, e, m->nu);
      break;
    case RMTMC_ENTRIES_COMPLEX_GAUSSIAN:
      rmtmc_fill_gaussian(seed, trial, g, 2 * total);
      for (uint64_t e = 0; e < 2 * total; ++e) g[e] *= RMTMC_SQRT1_2;
      break;
  }
}
