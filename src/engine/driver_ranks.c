/* driver_ranks.c: the run driver across MPI ranks (driver.h, rmtmc_comm.h).
 * What crosses between ranks is packed here; how it crosses is
 * src/engine/mpi.c.  Every rank runs the same binary, so numbers travel as
 * their bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "engine/comm.h"
#include "engine/driver.h"

/* ------------------------------------------------------------ places */

void drv_place_of(const drv *d, int rank, drv_place *w) {
  memset(w, 0, sizeof *w);
  if (d->opts.comm) snprintf(w->host, sizeof w->host, "%s", comm_host(d->opts.comm));
  else if (gethostname(w->host, sizeof w->host - 1) != 0) snprintf(w->host, sizeof w->host, "localhost");
  snprintf(w->backend, sizeof w->backend, "%s", d->info.backend.name);
  snprintf(w->device, sizeof w->device, "%s", d->info.backend.device);
  w->threads = d->info.backend.threads;
  w->rank = rank;
}

/* Append rank r to a place's list "0-3,6": a range grows while ranks are
 * consecutive; "..." ends a list that no longer fits. */
static void list_add(rmtmc_run_place *p, int r, int *last) {
  char *s = p->rank_list;
  size_t cap = sizeof p->rank_list, u = strlen(s);
  if (u >= 3 && strcmp(s + u - 3, "...") == 0) return;
  if (p->ranks > 0 && r == *last + 1) { /* extend the range ending in *last */
    char *dash = strrchr(s, '-'), *comma = strrchr(s, ',');
    if (dash && (!comma || dash > comma)) u = (size_t)(dash - s);
    char tail[24];
    snprintf(tail, sizeof tail, "-%d", r);
    if (u + strlen(tail) < cap) snprintf(s + u, cap - u, "%s", tail);
    else snprintf(s + (cap > 4 ? cap - 4 : 0), 4, "...");
  } else {
    char item[24];
    snprintf(item, sizeof item, "%s%d", p->ranks > 0 ? "," : "", r);
    if (u + strlen(item) < cap) snprintf(s + u, cap - u, "%s", item);
    else snprintf(s + (u + 4 <= cap ? u : cap - 4), 4, "...");
  }
  *last = r;
}

/* dst[cap] <- src, cut to fit (the fields of drv_place and
 * rmtmc_run_place have the same sizes). */
static void copy_text(char *dst, const char *src, size_t cap) {
  memcpy(dst, src, cap);
  dst[cap - 1] = '\0';
}

void drv_places_fill(rmtmc_run_info *ri, const drv_place *w, int nranks, int total) {
  int last[RMTMC_RUN_MAX_PLACES] = {0};
  ri->ranks = total;
  ri->hosts = 0;
  ri->nplaces = 0;
  ri->places_omitted = 0;
  for (int q = 0; q < nranks; ++q) {
    int seen = 0;
    for (int k = 0; k < q && !seen; ++k) seen = strcmp(w[k].host, w[q].host) == 0;
    ri->hosts += !seen;
    int at = -1;
    for (int k = 0; k < ri->nplaces && at < 0; ++k) {
      const rmtmc_run_place *p = &ri->places[k];
      if (strcmp(p->host, w[q].host) == 0 && strcmp(p->backend, w[q].backend) == 0 &&
          strcmp(p->device, w[q].device) == 0 && p->threads == w[q].threads)
        at = k;
    }
    if (at < 0 && ri->nplaces == RMTMC_RUN_MAX_PLACES) {
      ri->places_omitted++;
      continue;
    }
    if (at < 0) {
      at = ri->nplaces++;
      rmtmc_run_place *p = &ri->places[at];
      memset(p, 0, sizeof *p);
      copy_text(p->host, w[q].host, sizeof p->host);
      copy_text(p->backend, w[q].backend, sizeof p->backend);
      copy_text(p->device, w[q].device, sizeof p->device);
      p->threads = w[q].threads;
    }
    list_add(&ri->places[at], w[q].rank, &last[at]);
    ri->places[at].ranks++;
  }
}

/* Rank 0: every rank's place -> the run info's rank fields. */
static rmtmc_status places_merge(void *ctx, const comm_buf *parts, int nparts, comm_buf *outcome,
                                 rmtmc_error *err) {
  drv_place *w = calloc((size_t)nparts, sizeof *w);
  rmtmc_run_info *ri = calloc(1, sizeof *ri);
  if (!w || !ri) {
    free(w);
    free(ri);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the places of %d ranks", nparts);
  }
  for (int q = 0; q < nparts; ++q) {
    comm_unpack u = {.b = &parts[q], .at = 0};
    if (!comm_unpack_bytes(&u, &w[q], sizeof w[q])) drv_place_of(ctx, q, &w[q]); /* rank 0's own */
  }
  drv_places_fill(ri, w, nparts, nparts);
  comm_pack p;
  comm_pack_init(&p, outcome);
  comm_pack_bytes(&p, &ri->ranks, sizeof ri->ranks);
  comm_pack_bytes(&p, &ri->hosts, sizeof ri->hosts);
  comm_pack_bytes(&p, &ri->nplaces, sizeof ri->nplaces);
  comm_pack_bytes(&p, &ri->places_omitted, sizeof ri->places_omitted);
  comm_pack_bytes(&p, ri->places, (size_t)ri->nplaces * sizeof ri->places[0]);
  free(w);
  free(ri);
  if (p.failed) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  return RMTMC_OK;
}

rmtmc_status drv_ranks_open(drv *d, rmtmc_status st, rmtmc_error *err) {
  rmtmc_comm *c = d->opts.comm;
  rmtmc_run_info *ri = &d->info;
  if (!comm_active(c)) {
    if (st != RMTMC_OK) return st;
    drv_place w;
    drv_place_of(d, 0, &w);
    drv_places_fill(ri, &w, 1, 1);
    return RMTMC_OK;
  }
  comm_buf part = {NULL, 0}, out = {NULL, 0};
  if (st == RMTMC_OK && rmtmc_comm_rank(c) > 0) {
    drv_place w;
    drv_place_of(d, rmtmc_comm_rank(c), &w);
    comm_pack p;
    comm_pack_init(&p, &part);
    comm_pack_bytes(&p, &w, sizeof w);
    if (p.failed) st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  st = comm_exchange(c, st, err, &part, places_merge, d, &out);
  if (st == RMTMC_OK) {
    comm_unpack u = {.b = &out, .at = 0};
    int ok = comm_unpack_bytes(&u, &ri->ranks, sizeof ri->ranks) &&
             comm_unpack_bytes(&u, &ri->hosts, sizeof ri->hosts) &&
             comm_unpack_bytes(&u, &ri->nplaces, sizeof ri->nplaces) &&
             comm_unpack_bytes(&u, &ri->places_omitted, sizeof ri->places_omitted) && ri->nplaces >= 0 &&
             ri->nplaces <= RMTMC_RUN_MAX_PLACES &&
             comm_unpack_bytes(&u, ri->places, (size_t)ri->nplaces * sizeof ri->places[0]);
    if (!ok) st = rmtmc_error_set(err, RMTMC_ERR_BACKEND, "internal error: malformed places from rank 0");
  }
  comm_buf_free(&out);
  return st;
}

/* ------------------------------------------------------------ a run */

/* A part's shape, as it travels before its arrays. */
typedef struct wire_part {
  int64_t nrow, nsum, nhist, trial0, ntrials, nblocks, rows, cols, eig_cols;
} wire_part;

static rmtmc_status pack_part(const drv_result *r, comm_buf *b, rmtmc_error *err) {
  wire_part h = {.nrow = r->nrow, .nsum = r->nsum, .nhist = r->nhist, .trial0 = r->trial0,
                 .ntrials = r->ntrials, .nblocks = r->nblocks, .rows = r->trials.data ? r->trials.rows : 0,
                 .cols = r->trials.cols, .eig_cols = r->trials.eigenvalues ? r->trials.eig_cols : 0};
  comm_pack p;
  comm_pack_init(&p, b);
  comm_pack_bytes(&p, &h, sizeof h);
  comm_pack_bytes(&p, r->hist, (size_t)h.nhist * sizeof *r->hist);
  comm_pack_bytes(&p, r->block_w, (size_t)(h.nblocks * h.nrow) * sizeof *r->block_w);
  comm_pack_bytes(&p, r->block_sum, (size_t)(h.nblocks * h.nsum) * sizeof *r->block_sum);
  comm_pack_bytes(&p, r->trials.data, (size_t)(h.rows * h.cols) * sizeof(double));
  comm_pack_bytes(&p, r->trials.eigenvalues, (size_t)(h.rows * h.eig_cols) * sizeof(double));
  if (p.failed) {
    comm_buf_free(b);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for this rank's %lld trials' results",
                           (long long)r->ntrials);
  }
  return RMTMC_OK;
}

/* A part read in place: its arrays point into b (nothing to free). */
static int view_part(const comm_buf *b, drv_result *r) {
  memset(r, 0, sizeof *r);
  comm_unpack u = {.b = b, .at = 0};
  wire_part h;
  if (!comm_unpack_bytes(&u, &h, sizeof h)) return 0;
  if (h.nrow < 0 || h.nsum < 0 || h.nhist < 0 || h.nblocks < 0 || h.rows < 0 || h.cols < 0 || h.eig_cols < 0)
    return 0;
  r->nrow = h.nrow;
  r->nsum = h.nsum;
  r->nhist = h.nhist;
  r->trial0 = h.trial0;
  r->ntrials = h.ntrials;
  r->nblocks = h.nblocks;
  r->hist = (int64_t *)comm_unpack_view(&u, (size_t)h.nhist * sizeof *r->hist);
  r->block_w = (rmtmc_welford *)comm_unpack_view(&u, (size_t)(h.nblocks * h.nrow) * sizeof *r->block_w);
  r->block_sum = (double *)comm_unpack_view(&u, (size_t)(h.nblocks * h.nsum) * sizeof *r->block_sum);
  r->trials.rows = h.rows;
  r->trials.cols = h.cols;
  r->trials.eig_cols = h.eig_cols;
  r->trials.data = (double *)comm_unpack_view(&u, (size_t)(h.rows * h.cols) * sizeof(double));
  r->trials.eigenvalues = (double *)comm_unpack_view(&u, (size_t)(h.rows * h.eig_cols) * sizeof(double));
  return r->hist && r->block_w && r->block_sum && r->trials.data && r->trials.eigenvalues && u.at == b->len;
}

/* The totals every rank receives: shape, then Welford columns, sums, histogram. */
static rmtmc_status pack_totals(const drv_result *r, comm_buf *b, rmtmc_error *err) {
  int64_t h[5] = {r->nrow, r->nsum, r->nhist, r->trial0, r->ntrials};
  comm_pack p;
  comm_pack_init(&p, b);
  comm_pack_bytes(&p, h, sizeof h);
  comm_pack_bytes(&p, r->w, (size_t)r->nrow * sizeof *r->w);
  comm_pack_bytes(&p, r->sum, (size_t)r->nsum * sizeof *r->sum);
  comm_pack_bytes(&p, r->hist, (size_t)r->nhist * sizeof *r->hist);
  if (p.failed) {
    comm_buf_free(b);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  return RMTMC_OK;
}

static rmtmc_status unpack_totals(const comm_buf *b, drv_result *r, rmtmc_error *err) {
  comm_unpack u = {.b = b, .at = 0};
  int64_t h[5];
  if (!comm_unpack_bytes(&u, h, sizeof h) || h[0] < 0 || h[1] < 0 || h[2] < 0)
    return rmtmc_error_set(err, RMTMC_ERR_BACKEND, "internal error: malformed totals from rank 0");
  rmtmc_status st = drv_result_init(r, h[0], h[1], h[2], err);
  if (st != RMTMC_OK) return st;
  r->trial0 = h[3];
  r->ntrials = h[4];
  if (!comm_unpack_bytes(&u, r->w, (size_t)r->nrow * sizeof *r->w) ||
      !comm_unpack_bytes(&u, r->sum, (size_t)r->nsum * sizeof *r->sum) ||
      !comm_unpack_bytes(&u, r->hist, (size_t)r->nhist * sizeof *r->hist)) {
    drv_result_free(r);
    return rmtmc_error_set(err, RMTMC_ERR_BACKEND, "internal error: malformed totals from rank 0");
  }
  return RMTMC_OK;
}

typedef struct fold_ctx {
  drv_result *mine;  /* rank 0's own part */
  drv_result folded; /* rank 0: the whole result */
} fold_ctx;

/* Rank 0: the parts in rank order (= block order) folded; the totals go to every rank. */
static rmtmc_status fold_merge(void *ctx, const comm_buf *parts, int nparts, comm_buf *outcome, rmtmc_error *err) {
  fold_ctx *f = ctx;
  drv_result *v = calloc((size_t)nparts, sizeof *v);
  if (!v) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  v[0] = *f->mine; /* a shallow copy: still owned by mine */
  rmtmc_status st = RMTMC_OK;
  for (int q = 1; q < nparts && st == RMTMC_OK; ++q)
    if (!view_part(&parts[q], &v[q]))
      st = rmtmc_error_set(err, RMTMC_ERR_BACKEND, "internal error: malformed results from rank %d", q);
  if (st == RMTMC_OK) st = drv_fold(&f->folded, v, nparts, err);
  free(v);
  if (st == RMTMC_OK) st = pack_totals(&f->folded, outcome, err);
  return st;
}

rmtmc_status drv_ranks_run(drv *d, const drv_spec *s, drv_result *r, rmtmc_error *err) {
  rmtmc_comm *c = d->opts.comm;
  const rmtmc_run_opts *o = &d->opts;
  int rank = rmtmc_comm_rank(c);
  double t0 = rmtmc_now_seconds();
  memset(r, 0, sizeof *r);
  int64_t nout = rmtmc_work_nout(&s->work), nhist = rmtmc_work_nhist(&s->work);
  int64_t nrow = s->map ? s->nrow : nout, nsum = s->map ? s->nsum : 0;
  int64_t first, count;
  comm_share(c, (o->trials + RMTMC_ACCUM_BLOCK - 1) / RMTMC_ACCUM_BLOCK, &first, &count);
  drv_result mine;
  memset(&mine, 0, sizeof mine);
  rmtmc_status st = RMTMC_OK;
  /* rank 0 will hold every trial's row: refuse early when they cannot fit */
  if (rank == 0 && o->save_trials)
    st = drv_keep_check(o->trials, nrow + (o->save_eigenvalues ? s->eig_cols : 0), err);
  d->ranks = 1;
  if (st == RMTMC_OK && count > 0) {
    drv_range range = {.first_block = first, .nblocks = count, .keep_blocks = 1};
    st = drv_run_range(d, s, &range, &mine, err);
  } else if (st == RMTMC_OK) { /* no block here: an empty part where the trials end */
    st = drv_result_init(&mine, nrow, nsum, nhist, err);
    mine.trial0 = o->trials;
  }
  d->ranks = 0;
  comm_buf part = {NULL, 0}, out = {NULL, 0};
  if (st == RMTMC_OK && rank > 0) {
    st = pack_part(&mine, &part, err);
    drv_result_free(&mine);
  }
  fold_ctx f = {.mine = &mine};
  memset(&f.folded, 0, sizeof f.folded);
  st = comm_exchange(c, st, err, &part, fold_merge, &f, &out);
  drv_result_free(&mine);
  if (rank == 0 && st == RMTMC_OK) *r = f.folded;
  else if (rank == 0) drv_result_free(&f.folded);
  else if (st == RMTMC_OK) st = unpack_totals(&out, r, err);
  comm_buf_free(&out);
  r->seconds = d->info.seconds = rmtmc_now_seconds() - t0;
  return st;
}
