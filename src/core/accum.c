/* accum.c: Welford running moments, Chan's merge, block-ordered streams. */
#include "rmtmc_accum.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void rmtmc_welford_add(rmtmc_welford *w, double x) {
  w->n += 1;
  double delta = x - w->mean;
  w->mean += delta / (double)w->n;
  w->m2 += delta * (x - w->mean);
}

void rmtmc_welford_merge(rmtmc_welford *a, const rmtmc_welford *b) {
  if (b->n == 0) return;
  if (a->n == 0) {
    *a = *b;
    return;
  }
  double na = (double)a->n, nb = (double)b->n, n = na + nb;
  double delta = b->mean - a->mean;
  a->mean += delta * nb / n;
  a->m2 += b->m2 + delta * delta * na * nb / n;
  a->n += b->n;
}

double rmtmc_welford_var(const rmtmc_welford *w) {
  return w->n < 2 ? NAN : w->m2 / (double)(w->n - 1);
}

double rmtmc_welford_stderr(const rmtmc_welford *w) {
  return w->n < 2 ? NAN : sqrt(rmtmc_welford_var(w) / (double)w->n);
}

rmtmc_status rmtmc_accum_init(rmtmc_accum *a, int64_t nobs, int64_t nhist,
                              rmtmc_error *err) {
  memset(a, 0, sizeof *a);
  a->obs = calloc((size_t)(nobs > 0 ? nobs : 1), sizeof *a->obs);
  a->hist = calloc((size_t)(nhist > 0 ? nhist : 1), sizeof *a->hist);
  if (!a->obs || !a->hist) {
    rmtmc_accum_free(a);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "cannot allocate accumulators for %lld observables",
                           (long long)nobs);
  }
  a->nobs = nobs;
  a->nhist = nhist;
  return RMTMC_OK;
}

void rmtmc_accum_free(rmtmc_accum *a) {
  if (!a) return;
  free(a->obs);
  free(a->hist);
  memset(a, 0, sizeof *a);
}

void rmtmc_accum_reset(rmtmc_accum *a) {
  memset(a->obs, 0, (size_t)a->nobs * sizeof *a->obs);
  memset(a->hist, 0, (size_t)a->nhist * sizeof *a->hist);
}

void rmtmc_accum_add(rmtmc_accum *a, const double *obs) {
  for (int64_t j = 0; j < a->nobs; ++j) rmtmc_welford_add(&a->obs[j], obs[j]);
}

void rmtmc_accum_merge(rmtmc_accum *a, const rmtmc_accum *b) {
  for (int64_t j = 0; j < a->nobs; ++j) rmtmc_welford_merge(&a->obs[j], &b->obs[j]);
  for (int64_t j = 0; j < a->nhist; ++j) a->hist[j] += b->hist[j];
}

rmtmc_status rmtmc_accum_stream_init(rmtmc_accum_stream *s, int64_t nobs,
                                     int64_t nhist, rmtmc_error *err) {
  memset(s, 0, sizeof *s);
  rmtmc_status st = rmtmc_accum_init(&s->total, nobs, nhist, err);
  if (st == RMTMC_OK) st = rmtmc_accum_init(&s->block, nobs, 0, err);
  if (st != RMTMC_OK) rmtmc_accum_stream_free(s);
  return st;
}

void rmtmc_accum_stream_add(rmtmc_accum_stream *s, const double *obs) {
  rmtmc_accum_add(&s->block, obs);
  if (++s->in_block == RMTMC_ACCUM_BLOCK) rmtmc_accum_stream_finish(s);
}

void rmtmc_accum_stream_finish(rmtmc_accum_stream *s) {
  if (s->in_block == 0) return;
  for (int64_t j = 0; j < s->total.nobs; ++j)
    rmtmc_welford_merge(&s->total.obs[j], &s->block.obs[j]);
  rmtmc_accum_reset(&s->block);
  s->in_block = 0;
}

void rmtmc_accum_stream_free(rmtmc_accum_stream *s) {
  if (!s) return;
  rmtmc_accum_free(&s->total);
  rmtmc_accum_free(&s->block);
  s->in_block = 0;
}
