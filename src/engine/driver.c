/* driver.c: the run driver (driver.h). */
#include "engine/driver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/parallel.h"
#include "core/sysinfo.h"
#include "engine/comm.h"

void rmtmc_run_opts_default(rmtmc_run_opts *o, int64_t trials, uint64_t seed) {
  memset(o, 0, sizeof *o);
  o->trials = trials;
  o->seed = seed;
  o->backend = RMTMC_BACKEND_AUTO;
  rmtmc_backend_debug_default(&o->debug);
}

void rmtmc_trials_free(rmtmc_trials *t) {
  if (!t) return;
  free(t->data);
  free(t->columns);
  free(t->eigenvalues);
  memset(t, 0, sizeof *t);
}

void drv_close(drv *d) {
  if (!d) return;
  rmtmc_backend_close(d->be);
  d->be = NULL;
}

rmtmc_status drv_open(drv *d, const rmtmc_run_opts *o, const rmtmc_work *shape, double host_per_trial,
                      rmtmc_error *err) {
  memset(d, 0, sizeof *d);
  d->opts = *o;
  double t_open = rmtmc_now_seconds();
  rmtmc_status st = RMTMC_OK;
  if (o->trials < 1)
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--trials must be a positive integer (got %lld)",
                         (long long)o->trials);
  else if (o->batch < 0)
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--batch must be >= 0 (0 = automatic)");
  rmtmc_backend_opts bo;
  rmtmc_backend_opts_default(&bo);
  bo.threads = o->threads > 0 ? o->threads : comm_cpu_threads(o->comm); /* MPI ranks divide the cores */
  bo.device = o->device;
  bo.node_rank = comm_node_rank(o->comm);
  bo.debug = o->debug;
  if (st == RMTMC_OK) st = rmtmc_backend_open(&d->be, o->backend, &bo, err);
  rmtmc_batch_limits lim = {.max_trials = 0, .bytes_per_trial = 0.0, .min_trials = 0};
  if (st == RMTMC_OK) {
    snprintf(d->info.backend_note, sizeof d->info.backend_note, "%s", rmtmc_backend_note(d->be));
    if (rmtmc_backend_kind_of(d->be) == RMTMC_BACKEND_CPU)
      rmtmc_thread_note(o->threads, d->info.backend_note, sizeof d->info.backend_note);
    st = rmtmc_backend_limits(d->be, shape, &lim, err);
  }
  /* after the plan: the info names the eigensolver the trials run */
  if (st == RMTMC_OK) st = rmtmc_backend_info_get(d->be, &d->info.backend, err);
  /* every rank learns where every rank runs, or every rank's failure */
  st = drv_ranks_open(d, st, err);
  if (st != RMTMC_OK) {
    drv_close(d);
    return st;
  }
  /* the trials this process runs: all, or its ranks' share */
  int64_t trials = o->trials;
  if (comm_active(o->comm)) {
    int64_t first, count;
    comm_share(o->comm, (o->trials + RMTMC_ACCUM_BLOCK - 1) / RMTMC_ACCUM_BLOCK, &first, &count);
    trials = count * RMTMC_ACCUM_BLOCK;
    if (trials > o->trials - first * RMTMC_ACCUM_BLOCK) trials = o->trials - first * RMTMC_ACCUM_BLOCK;
    if (trials < 1) trials = 1;
  }
  int64_t batch = o->batch;
  if (batch <= 0) {
    rmtmc_batch_policy pol;
    rmtmc_backend_policy(d->be, &pol);
    int64_t steps = pol.progress_steps > 0 ? pol.progress_steps : 1;
    batch = (trials + steps - 1) / steps;
    if (batch < pol.min_batch) batch = pol.min_batch;
    if (batch > pol.max_batch) batch = pol.max_batch;
    if (pol.batch_bytes > 0 && lim.bytes_per_trial > 0) {
      double fit = pol.batch_bytes / lim.bytes_per_trial;
      int64_t by_bytes = fit < (double)pol.min_batch ? pol.min_batch : (fit > 1e9 ? 1000000000 : (int64_t)fit);
      if (batch > by_bytes) batch = by_bytes;
    }
    /* the method's own floor (e.g. enough O(d) trials to fill a GPU) */
    if (batch < lim.min_trials) batch = lim.min_trials;
  }
  if (batch > lim.max_trials) batch = lim.max_trials;
  double host_cap = host_per_trial > 0 ? 0.25 * rmtmc_physical_memory(8e9) / host_per_trial : 1e18;
  if ((double)batch > host_cap) batch = (int64_t)host_cap;
  if (batch > trials) batch = trials;
  if (batch < 1) batch = 1;
  d->batch = d->info.batch = batch;
  d->info.setup_seconds = rmtmc_now_seconds() - t_open;
  if (o->started) o->started(o->started_ctx, &d->info);
  return RMTMC_OK;
}

void drv_result_free(drv_result *r) {
  if (!r) return;
  free(r->w);
  free(r->sum);
  free(r->hist);
  free(r->block_w);
  free(r->block_sum);
  rmtmc_trials_free(&r->trials);
  memset(r, 0, sizeof *r);
}

rmtmc_status drv_result_init(drv_result *r, int64_t nrow, int64_t nsum, int64_t nhist, rmtmc_error *err) {
  memset(r, 0, sizeof *r);
  r->nrow = nrow;
  r->nsum = nsum;
  r->nhist = nhist;
  r->w = calloc((size_t)(nrow > 0 ? nrow : 1), sizeof *r->w);
  r->sum = calloc((size_t)(nsum > 0 ? nsum : 1), sizeof *r->sum);
  r->hist = calloc((size_t)(nhist > 0 ? nhist : 1), sizeof *r->hist);
  if (!r->w || !r->sum || !r->hist) {
    drv_result_free(r);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "cannot allocate accumulators for %lld observables",
                           (long long)(nrow + nsum));
  }
  return RMTMC_OK;
}

/* totals <- totals merged with one finished block. */
static void fold_block(drv_result *r, const rmtmc_welford *bw, const double *bs) {
  for (int64_t j = 0; j < r->nrow; ++j) rmtmc_welford_merge(&r->w[j], &bw[j]);
  for (int64_t j = 0; j < r->nsum; ++j) r->sum[j] += bs[j];
}

/* The per-trial table's memory, checked before it is allocated. */
rmtmc_status drv_keep_check(int64_t rows, int64_t cols, rmtmc_error *err) {
  char what[160];
  snprintf(what, sizeof what, "keeping %lld trials x %lld numbers for --save-trials", (long long)rows,
           (long long)cols);
  return rmtmc_mem_check(what, 8.0 * (double)rows * (double)cols, "--trials", err);
}

rmtmc_status drv_run_range(drv *d, const drv_spec *s, const drv_range *range, drv_result *r, rmtmc_error *err) {
  const rmtmc_run_opts *o = &d->opts;
  int64_t nout = rmtmc_work_nout(&s->work), nhist = rmtmc_work_nhist(&s->work);
  int64_t nrow = s->map ? s->nrow : nout, nsum = s->map ? s->nsum : 0;
  int64_t t_begin = range->first_block * RMTMC_ACCUM_BLOCK, t_end = o->trials;
  if (range->nblocks > 0 && t_begin + range->nblocks * RMTMC_ACCUM_BLOCK < t_end)
    t_end = t_begin + range->nblocks * RMTMC_ACCUM_BLOCK;
  if (range->first_block < 0 || t_begin >= o->trials)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "run driver: block %lld is past the %lld trials",
                           (long long)range->first_block, (long long)o->trials);
  int64_t ntr = t_end - t_begin, batch = d->batch;
  int keep_eig = o->save_eigenvalues && s->eig_cols > 0;
  rmtmc_status st = drv_result_init(r, nrow, nsum, nhist, err);
  if (st != RMTMC_OK) return st;
  r->trial0 = t_begin;
  r->ntrials = ntr;
  double t0 = rmtmc_now_seconds();
  if (o->save_trials) st = drv_keep_check(ntr, nrow + (keep_eig ? s->eig_cols : 0), err);
  if (st == RMTMC_OK && o->save_trials) {
    r->trials.rows = ntr;
    r->trials.cols = nrow;
    r->trials.data = malloc((size_t)(ntr * nrow) * sizeof(double));
    r->trials.columns = calloc((size_t)(nrow > 0 ? nrow : 1), sizeof(rmtmc_column));
    if (!r->trials.data || !r->trials.columns)
      st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for %lld trials' rows; lower --trials", (long long)ntr);
    else if (s->columns)
      memcpy(r->trials.columns, s->columns, (size_t)nrow * sizeof(rmtmc_column));
    if (st == RMTMC_OK && keep_eig) {
      r->trials.eig_cols = s->eig_cols;
      r->trials.eigenvalues = malloc((size_t)(ntr * s->eig_cols) * sizeof(double));
      if (!r->trials.eigenvalues)
        st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for %lld trials' eigenvalues; lower --trials",
                             (long long)ntr);
    }
  }
  int64_t nblk = (ntr + RMTMC_ACCUM_BLOCK - 1) / RMTMC_ACCUM_BLOCK;
  if (st == RMTMC_OK && range->keep_blocks) {
    r->block_w = calloc((size_t)(nblk * (nrow > 0 ? nrow : 1)), sizeof *r->block_w);
    r->block_sum = calloc((size_t)(nblk * (nsum > 0 ? nsum : 1)), sizeof *r->block_sum);
    if (!r->block_w || !r->block_sum) st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the blocks");
  }
  rmtmc_batch *b = NULL;
  double *out = NULL, *rows = NULL, *sums = NULL, *bsum = NULL;
  rmtmc_welford *bw = NULL;
  double t_alloc = rmtmc_now_seconds();
  if (st == RMTMC_OK) st = rmtmc_batch_alloc(d->be, &s->work, batch, &b, err);
  d->info.setup_seconds += rmtmc_now_seconds() - t_alloc;
  if (st == RMTMC_OK) {
    out = malloc((size_t)(batch * (nout > 0 ? nout : 1)) * sizeof(double));
    rows = s->map ? malloc((size_t)(batch * (nrow > 0 ? nrow : 1)) * sizeof(double)) : out;
    sums = malloc((size_t)(batch * (nsum > 0 ? nsum : 1)) * sizeof(double));
    bw = calloc((size_t)(nrow > 0 ? nrow : 1), sizeof *bw);
    bsum = calloc((size_t)(nsum > 0 ? nsum : 1), sizeof *bsum);
    if (!out || !rows || !sums || !bw || !bsum)
      st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for %lld trials x %lld outputs; lower --batch",
                           (long long)batch, (long long)nout);
  }
  int64_t in_block = 0, blocks_done = 0;
  for (int64_t t = t_begin; st == RMTMC_OK && t < t_end; t += batch) {
    int64_t cnt = t_end - t < batch ? t_end - t : batch;
    st = rmtmc_batch_run(b, o->seed, (uint64_t)t, cnt, out, nhist ? r->hist : NULL, err);
    if (st == RMTMC_OK && keep_eig)
      st = rmtmc_batch_copy_eigvals(b, r->trials.eigenvalues + (t - t_begin) * s->eig_cols, err);
    if (st == RMTMC_OK && s->map) st = s->map(s->ctx, (uint64_t)t, cnt, out, rows, sums, err);
    for (int64_t i = 0; st == RMTMC_OK && i < cnt; ++i) {
      const double *row = rows + i * nrow, *srow = sums + i * nsum;
      for (int64_t j = 0; j < nrow; ++j) rmtmc_welford_add(&bw[j], row[j]);
      for (int64_t j = 0; j < nsum; ++j) bsum[j] += srow[j];
      if (o->save_trials) memcpy(r->trials.data + (t - t_begin + i) * nrow, row, (size_t)nrow * sizeof(double));
      if (++in_block == RMTMC_ACCUM_BLOCK || t + i + 1 == t_end) {
        fold_block(r, bw, bsum);
        if (range->keep_blocks) {
          memcpy(r->block_w + blocks_done * nrow, bw, (size_t)nrow * sizeof *bw);
          memcpy(r->block_sum + blocks_done * nsum, bsum, (size_t)nsum * sizeof *bsum);
        }
        ++blocks_done;
        memset(bw, 0, (size_t)(nrow > 0 ? nrow : 1) * sizeof *bw);
        memset(bsum, 0, (size_t)(nsum > 0 ? nsum : 1) * sizeof *bsum);
        in_block = 0;
      }
    }
    if (st == RMTMC_OK && d->ranks) /* progress of every rank, and a stop when one failed */
      st = comm_tick(o->comm, t + cnt - t_begin, o->trials, o->progress, o->progress_ctx, err);
    else if (st == RMTMC_OK && o->progress && o->progress(o->progress_ctx, t + cnt - t_begin, ntr) != 0)
      st = rmtmc_error_set(err, RMTMC_ERR_CANCELLED, "stopped at the caller's request after %lld of %lld trials",
                           (long long)(t + cnt - t_begin), (long long)ntr);
  }
  r->nblocks = range->keep_blocks ? blocks_done : 0;
  free(out);
  if (rows != out) free(rows);
  free(sums);
  free(bw);
  free(bsum);
  rmtmc_batch_free(b);
  r->seconds = rmtmc_now_seconds() - t0;
  d->info.seconds = r->seconds;
  if (st != RMTMC_OK) drv_result_free(r);
  return st;
}

rmtmc_status drv_run(drv *d, const drv_spec *s, drv_result *r, rmtmc_error *err) {
  if (comm_active(d->opts.comm)) return drv_ranks_run(d, s, r, err);
  drv_range all = {.first_block = 0, .nblocks = 0, .keep_blocks = 0};
  return drv_run_range(d, s, &all, r, err);
}

rmtmc_status drv_fold(drv_result *into, const drv_result *parts, int nparts, rmtmc_error *err) {
  if (nparts < 1) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "drv_fold: no parts");
  const drv_result *p0 = &parts[0];
  rmtmc_status st = drv_result_init(into, p0->nrow, p0->nsum, p0->nhist, err);
  if (st != RMTMC_OK) return st;
  into->trial0 = p0->trial0;
  int64_t rows = 0, eig = p0->trials.eig_cols;
  int save = p0->trials.data != NULL;
  for (int q = 0; q < nparts; ++q) {
    const drv_result *p = &parts[q];
    if (p->nrow != p0->nrow || p->nsum != p0->nsum || p->nhist != p0->nhist ||
        p->trial0 != into->trial0 + into->ntrials || (p->ntrials > 0 && p->nblocks < 1))
      st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "drv_fold: part %d does not continue the trials of the parts before it (or kept no blocks)", q);
    if (st != RMTMC_OK) break;
    for (int64_t k = 0; k < p->nblocks; ++k) fold_block(into, p->block_w + k * p->nrow, p->block_sum + k * p->nsum);
    for (int64_t j = 0; j < p->nhist; ++j) into->hist[j] += p->hist[j];
    into->ntrials += p->ntrials;
    into->seconds += p->seconds;
    rows += p->trials.rows;
  }
  if (st == RMTMC_OK && save) {
    rmtmc_trials *t = &into->trials;
    t->rows = rows;
    t->cols = p0->trials.cols;
    t->eig_cols = eig;
    t->data = malloc((size_t)(rows * t->cols > 0 ? rows * t->cols : 1) * sizeof(double));
    t->columns = malloc((size_t)(t->cols > 0 ? t->cols : 1) * sizeof(rmtmc_column));
    t->eigenvalues = eig ? malloc((size_t)(rows * eig) * sizeof(double)) : NULL;
    if (!t->data || !t->columns || (eig && !t->eigenvalues)) {
      st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the trials' rows");
    } else {
      memcpy(t->columns, p0->trials.columns, (size_t)t->cols * sizeof(rmtmc_column));
      int64_t at = 0;
      for (int q = 0; q < nparts; ++q) {
        const rmtmc_trials *pt = &parts[q].trials;
        memcpy(t->data + at * t->cols, pt->data, (size_t)(pt->rows * t->cols) * sizeof(double));
        if (eig) memcpy(t->eigenvalues + at * eig, pt->eigenvalues, (size_t)(pt->rows * eig) * sizeof(double));
        at += pt->rows;
      }
    }
  }
  if (st != RMTMC_OK) drv_result_free(into);
  return st;
}
