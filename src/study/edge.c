/* edge.c: the `edge` study (rmtmc_edge_study.h): the theory's centring and
 * scaling and the spikes' limits, the edge method's trials through the
 * run driver, the per-trial standardised statistics, then the moments, the
 * Kolmogorov-Smirnov test, the quantile table and the spike rows. */
#include "rmtmc_edge_study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/comm.h"
#include "engine/driver.h"
#include "rmtmc_stats.h"
#include "rmtmc_theory.h"
#include "study/study_common.h"

const double rmtmc_edge_probs[RMTMC_EDGE_NQ] = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99};

/* Per-trial columns: the two extreme eigenvalues, their standardised
 * statistics, then per spike its (group-mean) eigenvalue and overlap. */
enum { COL_LMAX = 0, COL_LMIN, COL_ZTOP, COL_ZBOT, COL_SPIKES };

void rmtmc_edge_config_default(rmtmc_edge_config *c) {
  memset(c, 0, sizeof *c);
  c->d = 200;
  c->n = 400;
  rmtmc_run_opts_default(&c->run, 1000, 1);
  strcpy(c->sigma, "identity");
  strcpy(c->entries, "gaussian");
  c->correction = RMTMC_EDGE_SECOND_ORDER;
  c->scale = -1;
  c->bins = 40;
}

rmtmc_status rmtmc_edge_validate(const rmtmc_edge_config *c, rmtmc_error *err) {
  if (c->d < 1 || c->n < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--d and --n must be positive integers (got %lld and %lld)",
                           (long long)c->d, (long long)c->n);
  if (c->d > 2147483647 || c->n > 2147483647)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE, "--d and --n must be below 2^31 (BLAS/LAPACK index limit)");
  if (c->d < 2)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--d must be >= 2 for edge statistics (got %lld)", (long long)c->d);
  rmtmc_status st = study_check_run(&c->run, 3, err);
  if (st != RMTMC_OK) return st;
  if (c->bins < 1 || c->bins > 100000)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--bins must be between 1 and 100000 (got %lld)", (long long)c->bins);
  if (c->scale < -1 || c->scale > 1) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--scale: use auto, linear or log");
  rmtmc_entries e;
  double nu;
  st = rmtmc_entries_parse(c->entries, &e, &nu, err);
  if (st != RMTMC_OK) return st;
  if (e != RMTMC_ENTRIES_GAUSSIAN && e != RMTMC_ENTRIES_COMPLEX_GAUSSIAN)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "--entries %s: the edge study's theory (Tracy-Widom centring constants, outlier fluctuations) is for Gaussian data: use gaussian or complex-gaussian",
                           c->entries);
  return RMTMC_OK;
}

/* ---- spikes: sides, positions, groups ---- */

/* Where spike i's sample eigenvalues sit: its side's order (descending ell
 * above 1, ascending below), the first position of its group of equal ell
 * and the group's size. */
typedef struct spike_pos {
  int top;           /* ell >= 1: counted from lambda_max */
  int64_t first, r;  /* 0-based first position of the group, its size */
} spike_pos;

static void spike_positions(const double *ell, int64_t k, spike_pos *p, int64_t *ntop, int64_t *nbot) {
  *ntop = *nbot = 0;
  for (int64_t i = 0; i < k; ++i) {
    p[i].top = ell[i] >= 1.0;
    int64_t before = 0, same = 0;
    for (int64_t j = 0; j < k; ++j) {
      if ((ell[j] >= 1.0) != p[i].top) continue;
      if (ell[j] == ell[i]) ++same;
      else if (p[i].top ? ell[j] > ell[i] : ell[j] < ell[i]) ++before;
    }
    p[i].first = before;
    p[i].r = same;
    if (p[i].top) ++*ntop;
    else ++*nbot;
  }
}

/* The predicted O(1/n) offset of the mean outlier eigenvalue from rho(ell)
 * (docs/theory.md 5.2.1): the bulk seen by the outlier has d - k
 * coordinates (ratio eta' = (d - k)/n), the other spikes repel it by
 * (1/n) sum_j ell ell_j / (ell - ell_j), and the bulk's Stieltjes bias
 * mu(lambda)/n (real data; 0 for complex) moves the root of
 * 1 = -ell m~(lambda) by -mu ell^2 x'(ell) / n. */
static double location_bias(const rmtmc_model *m, int beta, double ell, double rho) {
  double n = (double)m->n, k = (double)m->nspikes, eta1 = ((double)m->d - k) / n, th = ell - 1.0;
  double lam = ell * (1.0 + eta1 / th);
  double rep = 0.0;
  for (int64_t j = 0; j < m->nspikes; ++j)
    if (m->spikes[j] != ell) rep += ell * m->spikes[j] / (ell - m->spikes[j]);
  rep /= n;
  double st = 0.0;
  if (beta == 1) {
    double complex mu = rmtmc_mp_bias(eta1, lam);
    st = -creal(mu) * ell * ell * (1.0 - eta1 / (th * th)) / n;
  }
  return lam + rep + st - rho;
}

/* ---- the trials ---- */

typedef struct edge_map_ctx {
  const rmtmc_edge_result *r;
  const rmtmc_edge_layout *E;
  spike_pos pos[RMTMC_EDGE_MAX_SPIKES];
} edge_map_ctx;

static rmtmc_status edge_map(void *ctx, uint64_t trial0, int64_t count, const double *out, double *rows,
                             double *sums, rmtmc_error *err) {
  const edge_map_ctx *c = ctx;
  const rmtmc_edge_result *r = c->r;
  const rmtmc_edge_layout *E = c->E;
  int64_t ncol = COL_SPIKES + 2 * r->nspikes;
  for (int64_t t = 0; t < count; ++t) {
    const double *o = out + t * E->nobs;
    double *row = rows + t * ncol;
    row[COL_LMAX] = o[E->top];
    row[COL_LMIN] = o[E->bot];
    row[COL_ZTOP] = r->top.applies ? rmtmc_edge_z(&r->top.scaling, o[E->top], r->top.log_scale) : NAN;
    row[COL_ZBOT] = r->bottom.applies ? rmtmc_edge_z(&r->bottom.scaling, o[E->bot], r->bottom.log_scale) : NAN;
    for (int64_t i = 0; i < r->nspikes; ++i) {
      const spike_pos *p = &c->pos[i];
      int64_t off = p->top ? E->top : E->bot, ovl = p->top ? E->top_ovl : E->bot_ovl;
      double s = 0.0, v = 0.0;
      for (int64_t q = p->first; q < p->first + p->r; ++q) {
        s += o[off + q];
        v += o[ovl + q * E->ndir + i];
      }
      row[COL_SPIKES + 2 * i] = s / (double)p->r;
      row[COL_SPIKES + 2 * i + 1] = v;
    }
  }
  return RMTMC_OK;
}

static void columns(rmtmc_column *col, const rmtmc_edge_result *r) {
  study_column(&col[COL_LMAX], "lambda_max", "largest eigenvalue of S", "", 0, 0);
  study_column(&col[COL_LMIN], "lambda_min", "smallest non-trivial eigenvalue of S (structural zeros skipped)", "", 0,
               0);
  study_column(&col[COL_ZTOP], "tw_top", "standardised lambda_max (-> TW_beta; NaN when Tracy-Widom does not apply)",
               "", 0, 0);
  study_column(&col[COL_ZBOT], "tw_bottom",
               "standardised lambda_min, mirrored (-> TW_beta; NaN when Tracy-Widom does not apply)", "", 0, 0);
  for (int64_t i = 0; i < r->nspikes; ++i) {
    char name[48], meaning[160];
    snprintf(name, sizeof name, "spike%lld_eigenvalue", (long long)i);
    snprintf(meaning, sizeof meaning, "sample eigenvalue of spike %lld (ell = %g; mean over its group of equal spikes)",
             (long long)i, r->spikes[i].ell);
    study_column(&col[COL_SPIKES + 2 * i], name, meaning, "", 0, 0);
    snprintf(name, sizeof name, "spike%lld_overlap", (long long)i);
    snprintf(meaning, sizeof meaning, "|<v_hat, e_%lld>|^2 summed over its group's eigenvectors", (long long)i);
    study_column(&col[COL_SPIKES + 2 * i + 1], name, meaning, "", 0, 0);
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* One edge's statistics from the kept trials (column col). */
static rmtmc_status finish_side(rmtmc_edge_result *r, rmtmc_edge_side *sd, rmtmc_tw *tw, const rmtmc_trials *t,
                                int col, int col_raw, const rmtmc_welford *w, rmtmc_error *err) {
  int64_t T = t->rows;
  sd->raw = study_stat_of(&w[col_raw]);
  sd->raw_theory_mean = sd->log_scale ? sd->scaling.mean_log : sd->scaling.mean_lin;
  sd->raw_theory_sd = sd->log_scale ? sd->scaling.sd_log : sd->scaling.sd_lin;
  if (!sd->applies) return RMTMC_OK;
  sd->sorted = malloc((size_t)T * sizeof(double));
  double *cdf = malloc((size_t)T * sizeof(double));
  if (!sd->sorted || !cdf) {
    free(cdf);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for %lld trials' statistics", (long long)T);
  }
  for (int64_t i = 0; i < T; ++i) sd->sorted[i] = t->data[i * t->cols + col];
  for (int64_t i = 0; i < T; ++i)
    if (!isfinite(sd->sorted[i])) {
      free(cdf);
      return rmtmc_error_set(err, RMTMC_ERR_NUMERIC,
                             "trial %lld: the standardised %s is not finite (eigenvalue %g)", (long long)i,
                             sd->sign > 0 ? "lambda_max" : "lambda_min", t->data[i * t->cols + col_raw]);
    }
  qsort(sd->sorted, (size_t)T, sizeof(double), cmp_double);
  rmtmc_status st = rmtmc_moments_estimate(sd->sorted, T, &sd->z, err);
  if (st == RMTMC_OK) st = rmtmc_tw_table(tw, r->beta, T, sd->sorted, cdf, NULL, err);
  if (st == RMTMC_OK) {
    sd->z_mean = (sd->z.mean - r->tw.mean) / sd->z.mean_se;
    sd->z_sd = (sd->z.sd - r->tw.sd) / sd->z.sd_se;
    sd->z_skew = (sd->z.skewness - r->tw.skewness) / sd->z.skewness_se;
    sd->ks = rmtmc_ks_distance(T, cdf);
    sd->ks_p = rmtmc_ks_pvalue(T, sd->ks);
  }
  for (int k = 0; k < RMTMC_EDGE_NQ && st == RMTMC_OK; ++k) {
    rmtmc_edge_qrow *q = &sd->q[k];
    q->p = rmtmc_edge_probs[k];
    st = rmtmc_tw_quantile(tw, r->beta, q->p, &q->theory, err);
    if (st != RMTMC_OK) break;
    q->empirical = rmtmc_sample_quantile(sd->sorted, T, q->p);
    rmtmc_tw_point pt;
    st = rmtmc_tw_eval(tw, r->beta, q->theory, 1, &pt, err);
    if (st != RMTMC_OK) break;
    q->empirical_se = sqrt(q->p * (1.0 - q->p) / (double)T) / pt.pdf;
    int64_t below = 0;
    while (below < T && sd->sorted[below] <= q->theory) ++below;
    q->frac = (double)below / (double)T;
    q->frac_se = sqrt(q->p * (1.0 - q->p) / (double)T);
    q->zscore = (q->frac - q->p) / q->frac_se;
  }
  free(cdf);
  return st;
}

static rmtmc_status finish_spikes(rmtmc_edge_result *r, const rmtmc_trials *t, const rmtmc_welford *w,
                                  rmtmc_error *err) {
  double *x = malloc((size_t)t->rows * sizeof(double));
  if (!x) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  for (int64_t i = 0; i < r->nspikes; ++i) {
    rmtmc_edge_spike_row *s = &r->spikes[i];
    int col = COL_SPIKES + 2 * (int)i;
    s->eig = study_stat_of(&w[col]);
    s->overlap = study_stat_of(&w[col + 1]);
    for (int64_t k = 0; k < t->rows; ++k) x[k] = t->data[k * t->cols + col];
    rmtmc_moments_est me;
    rmtmc_error e2;
    s->eig_sd_se = rmtmc_moments_estimate(x, t->rows, &me, &e2) == RMTMC_OK ? me.sd_se : NAN;
    s->z_location = (s->eig.mean - s->location) / s->eig.stderr_;
    s->z_location_corrected = isfinite(s->location_bias)
                                  ? (s->eig.mean - s->location - s->location_bias) / s->eig.stderr_
                                  : NAN;
    s->z_sd = s->side ? (s->eig.sd - s->sd_theory) / s->eig_sd_se : NAN;
    s->z_overlap = (s->overlap.mean - s->overlap_theory) / s->overlap.stderr_;
    s->overlap_bias_scale = s->side ? s->overlap.sd * s->overlap.sd / s->overlap_theory : NAN;
  }
  free(x);
  return RMTMC_OK;
}

/* The theory before any trial: scaling of both edges, the spikes. */
static rmtmc_status theory_setup(rmtmc_edge_result *r, rmtmc_tw *tw, spike_pos *pos, rmtmc_edge_request *req,
                                 rmtmc_error *err) {
  const rmtmc_edge_config *c = &r->config;
  const rmtmc_model *m = &r->model;
  rmtmc_status st = rmtmc_tw_moments_get(tw, r->beta, &r->tw, err);
  rmtmc_pop pop = rmtmc_model_pop(m);
  if (st == RMTMC_OK)
    st = rmtmc_edge_scaling_compute(&pop, m->d, m->n, r->beta, c->correction, &r->tw, &r->scaling, err);
  if (st != RMTMC_OK) return st;
  rmtmc_edge_side *side[2] = {&r->top, &r->bottom};
  const rmtmc_edge *sc[2] = {&r->scaling.top, &r->scaling.bottom};
  for (int k = 0; k < 2; ++k) {
    rmtmc_edge_side *s = side[k];
    s->sign = k == 0 ? 1 : -1;
    s->scaling = *sc[k];
    s->applies = sc[k]->status == RMTMC_OK;
    s->log_scale = c->scale < 0 ? sc[k]->log_scale : c->scale;
    /* second-order constants exist for white data only, and for complex
     * data at the top edge only (docs/theory.md 5.1.3) */
    s->scale_first_order = r->beta == 2 && k == 1;
    s->first_order = !r->scaling.white || c->correction != RMTMC_EDGE_SECOND_ORDER || s->scale_first_order;
  }
  int64_t ntop = 0, nbot = 0, mn = m->d < m->n ? m->d : m->n;
  r->nspikes = m->sigma_kind == RMTMC_SIGMA_SPIKE ? m->nspikes : 0;
  req->ktop = req->kbot = 1;
  req->ndir = 0;
  if (r->nspikes > 0) {
    rmtmc_spike sp[RMTMC_EDGE_MAX_SPIKES];
    st = rmtmc_spikes(m->d, m->n, r->beta, r->nspikes, m->spikes, sp, err);
    if (st != RMTMC_OK) return st;
    spike_positions(m->spikes, r->nspikes, pos, &ntop, &nbot);
    if (ntop > mn || nbot > mn)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--sigma %s: %lld spikes on one side, but S has only min(d, n) = %lld non-trivial eigenvalues",
                             c->sigma, (long long)(ntop > nbot ? ntop : nbot), (long long)mn);
    for (int64_t i = 0; i < r->nspikes; ++i) {
      rmtmc_edge_spike_row *s = &r->spikes[i];
      s->index = i;
      s->ell = m->spikes[i];
      s->side = sp[i].side;
      s->position = pos[i].first + 1;
      s->multiplicity = pos[i].r;
      s->threshold = sp[i].threshold;
      s->location = sp[i].location;
      s->sd_theory = sp[i].sd / sqrt((double)pos[i].r);
      s->overlap_theory = sp[i].overlap;
      s->location_bias = s->side ? location_bias(m, r->beta, s->ell, s->location) : NAN;
      s->critical = s->side && fabs(s->ell - s->threshold) < sqrt(r->eta) * pow((double)m->n, -1.0 / 3.0);
      /* At small d a spike holds a real fraction of the population: when the
       * population's own edge theory finds no separate component for it
       * (Tracy-Widom applies at that edge), BBP's outlier is not what the
       * finite-d model predicts either. */
      s->unseparated = s->side > 0 ? r->top.applies : s->side < 0 ? r->bottom.applies : 0;
    }
    req->ktop = ntop > 1 ? ntop : 1;
    req->kbot = nbot > 1 ? nbot : 1;
    req->ndir = r->nspikes;
  }
  return RMTMC_OK;
}

/* MPI: the KS test, the quantiles and the sample moments need every trial's
 * row, which only rank 0 holds after the run (the driver sends the other
 * ranks the folded totals only); rank 0 sends its rows to every rank, so
 * that the finish step gives the same numbers everywhere (docs/extending.md,
 * MPI ranks).  *rows views acc's table on rank 0 and in one process, a copy
 * (*own, freed by the caller) on the other ranks.  Collective: every rank
 * calls it, failed or not. */
static rmtmc_status share_rows(rmtmc_comm *comm, rmtmc_status st, const rmtmc_trials *acc, rmtmc_trials *rows,
                               double **own, rmtmc_error *err) {
  *own = NULL;
  memset(rows, 0, sizeof *rows);
  if (st == RMTMC_OK) {
    rows->rows = acc->rows;
    rows->cols = acc->cols;
    rows->data = acc->data;
  }
  if (!comm_active(comm)) return st;
  int root = rmtmc_comm_rank(comm) == 0;
  comm_buf part = {NULL, 0}, out = {NULL, 0};
  if (st == RMTMC_OK && root) {
    comm_pack p;
    comm_pack_init(&p, &part);
    comm_pack_bytes(&p, &acc->rows, sizeof acc->rows);
    comm_pack_bytes(&p, &acc->cols, sizeof acc->cols);
    comm_pack_bytes(&p, acc->data, (size_t)acc->rows * (size_t)acc->cols * sizeof(double));
    if (p.failed) st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the trials' rows");
  }
  st = comm_exchange(comm, st, err, &part, NULL, NULL, &out);
  if (st == RMTMC_OK && !root) {
    comm_unpack u = {.b = &out, .at = 0};
    int64_t nr = 0, nc = 0;
    const void *src = NULL;
    if (comm_unpack_bytes(&u, &nr, sizeof nr) && comm_unpack_bytes(&u, &nc, sizeof nc) && nr >= 0 && nc >= 0)
      src = comm_unpack_view(&u, (size_t)nr * (size_t)nc * sizeof(double));
    if (!src || nr * nc == 0) {
      st = rmtmc_error_set(err, RMTMC_ERR_BACKEND, "internal error: malformed trial rows from rank 0");
    } else if (!(*own = malloc((size_t)nr * (size_t)nc * sizeof(double)))) {
      st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for the trials' rows");
    } else {
      memcpy(*own, src, (size_t)nr * (size_t)nc * sizeof(double));
      rows->rows = nr;
      rows->cols = nc;
      rows->data = *own;
    }
  }
  comm_buf_free(&out);
  /* a failure on one rank (out of memory) must reach every rank */
  return rmtmc_comm_agree(comm, st, err);
}

rmtmc_status rmtmc_edge_run(const rmtmc_edge_config *cfg, rmtmc_edge_result *r, rmtmc_error *err) {
  memset(r, 0, sizeof *r);
  rmtmc_status st = rmtmc_edge_validate(cfg, err);
  if (st != RMTMC_OK) return st;
  r->config = *cfg;
  rmtmc_entries entries;
  double nu;
  rmtmc_entries_parse(cfg->entries, &entries, &nu, err);
  st = rmtmc_model_init(&r->model, cfg->d, cfg->n, cfg->sigma, entries, nu, RMTMC_PRECISION_DOUBLE, err);
  if (st != RMTMC_OK) return st;
  if (r->model.sigma_kind == RMTMC_SIGMA_SPIKE && r->model.nspikes > RMTMC_EDGE_MAX_SPIKES) {
    st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--sigma %s: at most %d spikes in the edge study", cfg->sigma,
                         RMTMC_EDGE_MAX_SPIKES);
    rmtmc_model_free(&r->model);
    return st;
  }
  r->beta = rmtmc_entries_beta(entries);
  r->eta = (double)cfg->d / (double)cfg->n;
  rmtmc_tw *tw = NULL;
  double t0 = rmtmc_now_seconds();
  st = rmtmc_tw_create(&tw, err);
  edge_map_ctx mc = {.r = r};
  rmtmc_edge_request req;
  if (st == RMTMC_OK) st = theory_setup(r, tw, mc.pos, &req, err);
  r->theory_seconds = rmtmc_now_seconds() - t0;
  rmtmc_edge_layout E;
  if (st == RMTMC_OK) st = rmtmc_edge_layout_build(&E, &req, cfg->d, cfg->n, err);
  mc.E = &E;
  int64_t ncol = COL_SPIKES + 2 * r->nspikes;
  rmtmc_column *cols = st == RMTMC_OK ? calloc((size_t)ncol, sizeof *cols) : NULL;
  if (st == RMTMC_OK && !cols) st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  drv_result acc;
  memset(&acc, 0, sizeof acc);
  if (st == RMTMC_OK) {
    columns(cols, r);
    rmtmc_work work = {.method = RMTMC_METHOD_EDGE, .model = &r->model, .edge = &E};
    rmtmc_run_opts o = cfg->run;
    o.save_trials = 1; /* the KS test and the quantiles need every trial */
    o.save_eigenvalues = 0;
    drv d;
    double t1 = rmtmc_now_seconds();
    st = drv_open(&d, &o, &work, 8.0 * (double)(E.nobs + ncol), err);
    if (st == RMTMC_OK) {
      r->run = d.info;
      drv_spec spec = {.work = work, .nrow = ncol, .map = edge_map, .ctx = &mc, .columns = cols};
      st = drv_run(&d, &spec, &acc, err);
      r->run.seconds = d.info.seconds;
    }
    drv_close(&d);
    r->seconds = rmtmc_now_seconds() - t1;
    r->trials_per_second = (double)cfg->run.trials / r->seconds;
  }
  free(cols);
  rmtmc_trials rows;
  double *own_rows;
  st = share_rows(cfg->run.comm, st, &acc.trials, &rows, &own_rows, err);
  t0 = rmtmc_now_seconds();
  if (st == RMTMC_OK) st = finish_side(r, &r->top, tw, &rows, COL_ZTOP, COL_LMAX, acc.w, err);
  if (st == RMTMC_OK) st = finish_side(r, &r->bottom, tw, &rows, COL_ZBOT, COL_LMIN, acc.w, err);
  if (st == RMTMC_OK) st = finish_spikes(r, &rows, acc.w, err);
  r->theory_seconds += rmtmc_now_seconds() - t0;
  free(own_rows);
  if (st == RMTMC_OK && cfg->run.save_trials) {
    r->trials = acc.trials; /* moved */
    memset(&acc.trials, 0, sizeof acc.trials);
  }
  drv_result_free(&acc);
  rmtmc_tw_free(tw);
  if (st != RMTMC_OK) rmtmc_edge_result_free(r);
  return st;
}

void rmtmc_edge_result_free(rmtmc_edge_result *r) {
  if (!r) return;
  rmtmc_model_free(&r->model);
  free(r->top.sorted);
  free(r->bottom.sorted);
  rmtmc_trials_free(&r->trials);
  memset(r, 0, sizeof *r);
}
