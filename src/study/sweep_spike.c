/* sweep_spike.c: `rmtmc sweep --param spike`: the edge study at each spike
 * strength T (--sigma spike:T at fixed d and n = ratio d), the BBP
 * transition of the top eigenvalue and of the eigenvector overlap beside
 * the theory (rmtmc_sweep.h).  Point i runs with seed base + i. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/comm.h"
#include "rmtmc_edge_study.h"
#include "rmtmc_sweep.h"

static void point_config(const rmtmc_sweep_config *c, int64_t i, rmtmc_edge_config *e) {
  rmtmc_edge_config_default(e);
  e->d = c->base.d;
  e->n = (int64_t)llround(c->ratio * (double)c->base.d);
  if (e->n < 1) e->n = 1;
  e->run = c->base.run;
  e->run.seed = c->base.run.seed + (uint64_t)i;
  /* progress (and a stop request, which ends the sweep with
   * RMTMC_ERR_CANCELLED) comes from each point's run */
  e->run.save_trials = e->run.save_eigenvalues = 0;
  snprintf(e->entries, sizeof e->entries, "%s", c->base.entries);
  snprintf(e->sigma, sizeof e->sigma, "spike:%.17g", c->xvalues[i]);
}

rmtmc_status rmtmc_sweep_spike_validate(const rmtmc_sweep_config *c, rmtmc_error *err) {
  if (strcmp(c->base.sigma, "identity") != 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--param spike sets --sigma spike:T at each point; --sigma %s cannot be combined with it",
                           c->base.sigma);
  for (int64_t i = 0; i < c->npoints; ++i) {
    if (!(c->xvalues[i] > -1.0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values: a spike strength T must be > -1 (ell = 1 + T >= 0; got %g)",
                             c->xvalues[i]);
    for (int64_t j = 0; j < i; ++j)
      if (c->xvalues[j] == c->xvalues[i])
        return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values: %g appears twice", c->xvalues[i]);
    rmtmc_edge_config e;
    point_config(c, i, &e);
    rmtmc_error e2;
    rmtmc_status st = rmtmc_edge_validate(&e, &e2);
    if (st != RMTMC_OK)
      return rmtmc_error_set(err, st, "sweep point %lld (T = %g): %s", (long long)i, c->xvalues[i], e2.msg);
  }
  return RMTMC_OK;
}

rmtmc_status rmtmc_sweep_spike_run(const rmtmc_sweep_config *cfg, rmtmc_sweep_result *res, rmtmc_error *err) {
  memset(res, 0, sizeof *res);
  res->config = *cfg;
  rmtmc_status st = rmtmc_sweep_validate(&res->config, err);
  if (st != RMTMC_OK) return st;
  const rmtmc_sweep_config *c = &res->config;
  res->spike = calloc((size_t)c->npoints, sizeof *res->spike);
  if (!res->spike) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  /* MPI: each point's trials are divided among the ranks (the edge study) */
  res->run.ranks = rmtmc_comm_size(c->base.run.comm);
  if (comm_active(c->base.run.comm)) snprintf(res->divided, sizeof res->divided, "trials");
  for (int64_t i = 0; i < c->npoints && st == RMTMC_OK; ++i) {
    rmtmc_edge_config e;
    point_config(c, i, &e);
    rmtmc_edge_result er;
    st = rmtmc_edge_run(&e, &er, err);
    if (st != RMTMC_OK) break;
    rmtmc_sweep_spike_point *p = &res->spike[i];
    const rmtmc_edge_spike_row *s = &er.spikes[0];
    p->index = i;
    p->d = e.d;
    p->n = e.n;
    p->value = c->xvalues[i];
    p->ell = s->ell;
    p->seed = e.run.seed;
    p->threshold = s->threshold;
    p->outlier = s->side != 0;
    p->location = s->location;
    p->location_bias = s->location_bias;
    p->sd_theory = s->sd_theory;
    p->overlap_theory = s->overlap_theory;
    p->eig_mean = s->eig.mean;
    p->eig_stderr = s->eig.stderr_;
    p->eig_sd = s->eig.sd;
    p->overlap_mean = s->overlap.mean;
    p->overlap_stderr = s->overlap.stderr_;
    p->overlap_sd = s->overlap.sd;
    p->seconds = er.seconds + er.theory_seconds;
    p->eta = er.eta;
    p->row = *s;
    res->run = er.run; /* where the trials ran: the last point's */
    rmtmc_edge_result_free(&er);
    res->done = i + 1;
    if (c->on_point) {
      rmtmc_sweep_point q;
      memset(&q, 0, sizeof q);
      q.index = i;
      q.value = c->values[i];
      q.d = e.d;
      q.n = e.n;
      c->on_point(c->on_point_ctx, &q, c->npoints);
    }
  }
  if (st != RMTMC_OK) {
    rmtmc_sweep_result_free(res);
    return st;
  }
  res->complete = 1;
  return RMTMC_OK;
}
