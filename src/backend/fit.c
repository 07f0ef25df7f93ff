/* fit.c: the fit problem's sizes and checks (rmtmc_fit.h). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>

#include "rmtmc_fit.h"

int64_t rmtmc_fit_nout(const rmtmc_fit_problem *p) {
  switch (p->kind) {
    case RMTMC_FIT_CONTEXTS: return p->c + p->ngrid * p->k * p->c;
    case RMTMC_FIT_MIXTURE: return p->ngrid * (p->k * p->c + 1);
    case RMTMC_FIT_RIDGE: return RMTMC_FIT_RIDGE_NOUT * p->ngrid;
  }
  return 0;
}

int64_t rmtmc_fit_rank(const rmtmc_fit_problem *p) {
  if (p->kind == RMTMC_FIT_CONTEXTS) return p->c;
  return p->d < p->n ? p->d : p->n;
}

void rmtmc_fit_describe(const rmtmc_fit_problem *p, char *buf, size_t size) {
  static const char *names[] = {"?", "contexts", "mixture", "ridge"};
  const char *name = p->kind >= RMTMC_FIT_CONTEXTS && p->kind <= RMTMC_FIT_RIDGE ? names[p->kind] : names[0];
  if (p->kind == RMTMC_FIT_RIDGE)
    snprintf(buf, size, "the ridge fit (d = %lld, n = %lld)", (long long)p->d, (long long)p->n);
  else
    snprintf(buf, size, "the %s fit (d = %lld, n = %lld, c = %lld, k = %lld)", name, (long long)p->d,
             (long long)p->n, (long long)p->c, (long long)p->k);
}

void rmtmc_fit_context_starts(const rmtmc_fit_problem *p, int64_t *start) {
  start[0] = 0;
  for (int64_t a = 0; a < p->c; ++a) start[a + 1] = start[a] + p->counts[a];
}

static rmtmc_status bad(rmtmc_error *err, const char *what) {
  return rmtmc_error_set(err, RMTMC_ERR_INVALID, "fit problem: %s", what);
}

rmtmc_status rmtmc_fit_check(const rmtmc_fit_problem *p, rmtmc_error *err) {
  if (!p) return bad(err, "NULL");
  if (p->kind != RMTMC_FIT_CONTEXTS && p->kind != RMTMC_FIT_MIXTURE && p->kind != RMTMC_FIT_RIDGE)
    return bad(err, "unknown kind");
  if (p->d < 1 || p->n < 1 || p->d > 2147483647 || p->n > 2147483647)
    return bad(err, "d and n must be in 1 .. 2^31 - 1");
  if (p->ngrid < 1 || p->ngrid > RMTMC_FIT_MAX_GRID || !p->grid)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "fit problem: the grid needs 1 to %d values (got %lld)",
                           RMTMC_FIT_MAX_GRID, (long long)p->ngrid);
  for (int64_t g = 0; g < p->ngrid; ++g) {
    double x = p->grid[g];
    if (!isfinite(x) || x < 0 || (x == 0 && p->kind != RMTMC_FIT_RIDGE))
      return bad(err, "grid values must be finite and > 0 (>= 0 for ridge)");
  }
  if (p->kind == RMTMC_FIT_RIDGE) {
    if (!p->model || p->model->d != p->d || p->model->n != p->n || !p->beta)
      return bad(err, "ridge needs a model of the same d, n and beta");
    if (!p->model->sqrt_diag && !p->model->sqrt_full) return bad(err, "the model has no Sigma^(1/2)");
    if (!(p->noise >= 0) || !isfinite(p->noise)) return bad(err, "noise must be finite and >= 0");
    return RMTMC_OK;
  }
  if (p->c < 1 || p->k < 1 || p->c > 2147483647 || p->k > 2147483647 || !p->cumP)
    return bad(err, "c, k >= 1 and the label laws cumP");
  if (p->kind == RMTMC_FIT_MIXTURE) return p->M ? RMTMC_OK : bad(err, "mixture needs the means M");
  if ((p->cumA != NULL) == (p->counts != NULL)) return bad(err, "contexts need exactly one of cumA, counts");
  if (p->counts) {
    int64_t s = 0;
    for (int64_t a = 0; a < p->c; ++a) {
      if (p->counts[a] < 0) return bad(err, "negative count");
      s += p->counts[a];
    }
    if (s != p->n) return bad(err, "fixed counts must sum to n");
  }
  return RMTMC_OK;
}
