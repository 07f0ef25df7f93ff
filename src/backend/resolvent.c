/* resolvent.c: the resolvent problem's layout and checks
 * (rmtmc_resolvent_method.h). */
#include <limits.h>
#include <math.h>
#include <stddef.h>

#include "rmtmc_resolvent_method.h"

void rmtmc_resolvent_offsets_of(const rmtmc_resolvent_problem *p, rmtmc_resolvent_offsets *o) {
  int64_t at = 0;
  o->trace = p->traces & RMTMC_RSV_TRACE ? (at += 2) - 2 : -1;
  o->trace_sigma = p->traces & RMTMC_RSV_TRACE_SIGMA ? (at += 2) - 2 : -1;
  o->form = p->npair > 0 ? at : -1;
  at += 2 * p->npair;
  o->form2 = p->npair2 > 0 ? at : -1;
  at += 2 * p->npair2;
  o->diag = p->qbar_re ? at++ : -1;
  o->per_z = at;
}

int64_t rmtmc_resolvent_nout(const rmtmc_resolvent_problem *p) {
  rmtmc_resolvent_offsets o;
  rmtmc_resolvent_offsets_of(p, &o);
  return p->nz * o.per_z;
}

int rmtmc_resolvent_uses_cholesky(const rmtmc_resolvent_problem *p, int64_t j) {
  return p->z_im[j] == 0.0 && p->real_path != RMTMC_RSV_PATH_EIGEN;
}

int rmtmc_resolvent_needs_eigen(const rmtmc_resolvent_problem *p) {
  for (int64_t j = 0; j < p->nz; ++j)
    if (!rmtmc_resolvent_uses_cholesky(p, j)) return 1;
  return 0;
}

int rmtmc_resolvent_needs_inverse(const rmtmc_resolvent_problem *p) {
  return p->traces != 0 || p->qbar_re != NULL;
}

static rmtmc_status bad(rmtmc_error *err, const char *what) {
  return rmtmc_error_set(err, RMTMC_ERR_INVALID, "resolvent problem: %s", what);
}

static rmtmc_status check_pairs(const int64_t *pairs, int64_t n, int64_t nprobe, rmtmc_error *err) {
  if (n < 0 || n > RMTMC_RSV_MAX_PAIRS) return bad(err, "too many pairs of probes");
  if (n > 0 && !pairs) return bad(err, "pairs missing");
  for (int64_t q = 0; q < 2 * n; ++q)
    if (pairs[q] < 0 || pairs[q] >= nprobe) return bad(err, "a pair names a probe that does not exist");
  return RMTMC_OK;
}

rmtmc_status rmtmc_resolvent_check(const rmtmc_resolvent_problem *p, rmtmc_error *err) {
  if (!p) return bad(err, "NULL");
  const rmtmc_model *m = p->model;
  if (!m || m->d < 1 || m->n < 1) return bad(err, "the model and its sizes (>= 1) are needed");
  if (m->d > INT_MAX || m->n > INT_MAX)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE, "d = %lld, n = %lld exceed the 32-bit sizes of BLAS/LAPACK",
                           (long long)m->d, (long long)m->n);
  if (!m->sqrt_full && !m->sqrt_diag) return bad(err, "the model has no Sigma^(1/2)");
  if (m->precision != RMTMC_PRECISION_DOUBLE) return bad(err, "the resolvent method runs in double precision only");
  if (p->nz < 1 || p->nz > RMTMC_RSV_MAX_Z || !p->z_re || !p->z_im) return bad(err, "1 to 64 points z are needed");
  for (int64_t j = 0; j < p->nz; ++j) {
    if (!isfinite(p->z_re[j]) || !isfinite(p->z_im[j])) return bad(err, "every z must be finite");
    if (p->z_im[j] == 0.0 && !(p->z_re[j] > 0.0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "resolvent problem: real z = %g must be > 0 (S + zI can be singular otherwise)",
                             p->z_re[j]);
  }
  if (p->nprobe < 0 || p->nprobe > RMTMC_RSV_MAX_PROBES || (p->nprobe > 0 && !p->probes))
    return bad(err, "0 to 64 probe vectors");
  rmtmc_status st = check_pairs(p->pairs, p->npair, p->nprobe, err);
  if (st == RMTMC_OK) st = check_pairs(p->pairs2, p->npair2, p->nprobe, err);
  if (st != RMTMC_OK) return st;
  if (p->traces & ~(RMTMC_RSV_TRACE | RMTMC_RSV_TRACE_SIGMA)) return bad(err, "unknown trace bits");
  if ((p->qbar_re != NULL) != (p->qbar_im != NULL)) return bad(err, "qbar needs both parts");
  if (p->real_path < RMTMC_RSV_PATH_AUTO || p->real_path > RMTMC_RSV_PATH_EIGEN) return bad(err, "unknown path");
  if (rmtmc_resolvent_nout(p) < 1) return bad(err, "nothing to compute");
  return RMTMC_OK;
}
