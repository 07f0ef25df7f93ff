/* sweep.c: the scaling sweep: the spectrum (or resolvent) study at each
 * value of one size parameter, resumable through DIR/points.jsonl (read and
 * written by the report layer, src/report/sweep_points.c), then log-log
 * slopes of each row's error and of its sd beside the predicted rates.
 * Layout and seeds: rmtmc_sweep.h; schema rmtmc.sweep/1: docs/schema.md. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc.h"
#include "rmtmc_sweep.h"
#include "engine/comm.h"
#include "engine/driver.h"

#include "rmtmc_resolvent.h"

void rmtmc_sweep_config_default(rmtmc_sweep_config *c) {
  memset(c, 0, sizeof *c);
  rmtmc_spectrum_config_default(&c->base);
  c->base.method = RMTMC_METHOD_DENSE; /* the sweep has no --method (yet): its points stay comparable */
  rmtmc_resolvent_config_default(&c->rbase);
  c->param = RMTMC_SWEEP_D;
  c->study = RMTMC_SWEEP_SPECTRUM;
  c->ratio = 2.0;
}

/* The resolvent's functionals in its row order (fixed ones, then vectors). */
static int rsv_funs(const rmtmc_sweep_config *c, int *f) {
  int k = 0;
  for (int q = 0; q < RMTMC_RSV_FUN_VECTOR; ++q)
    if (c->rbase.functionals & RMTMC_RSV_FUN_BIT(q)) f[k++] = q;
  for (int64_t v = 0; v < c->rbase.nvectors; ++v) f[k++] = RMTMC_RSV_FUN_VECTOR + (int)v;
  return k;
}

/* The rows of a point and their labels (label may be NULL). */
static int64_t sweep_rows(const rmtmc_sweep_config *c, char (*label)[32]) {
  if (c->study == RMTMC_SWEEP_SPECTRUM) {
    for (int64_t k = 0; label && k < c->base.nz; ++k) snprintf(label[k], sizeof label[k], "stieltjes");
    return c->base.nz;
  }
  int f[RMTMC_RSV_FUN_VECTOR + RMTMC_RSV_MAX_VECTORS];
  int nf = rsv_funs(c, f);
  int64_t r = 0;
  for (int k = 0; k < nf; ++k)
    for (int64_t j = 0; j < c->base.nz; ++j, ++r)
      if (label && r < RMTMC_SWEEP_MAX_ROWS) {
        if (f[k] >= RMTMC_RSV_FUN_VECTOR) snprintf(label[r], sizeof label[r], "quad_vector%d", f[k] - RMTMC_RSV_FUN_VECTOR + 1);
        else snprintf(label[r], sizeof label[r], "%s", rmtmc_rsv_fun_describe(f[k])->name);
      }
  return r;
}

/* The resolvent study of point i (its own options, the sweep's common ones). */
static void point_config_rsv(const rmtmc_sweep_config *c, const rmtmc_spectrum_config *s, rmtmc_resolvent_config *r) {
  *r = c->rbase;
  r->d = s->d;
  r->n = s->n;
  r->run = s->run;
  snprintf(r->sigma, sizeof r->sigma, "%s", s->sigma);
  snprintf(r->entries, sizeof r->entries, "%s", s->entries);
  r->nz = s->nz;
  memcpy(r->z_re, s->z_re, sizeof r->z_re < sizeof s->z_re ? sizeof r->z_re : sizeof s->z_re);
  memcpy(r->z_im, s->z_im, sizeof r->z_im < sizeof s->z_im ? sizeof r->z_im : sizeof s->z_im);
}

static void point_config(const rmtmc_sweep_config *c, int64_t i, rmtmc_spectrum_config *s) {
  *s = c->base;
  if (c->param == RMTMC_SWEEP_D) {
    s->d = c->values[i];
    s->n = (int64_t)llround(c->ratio * (double)c->values[i]);
    if (s->n < 1) s->n = 1;
  } else {
    s->n = c->values[i];
  }
  s->run.seed = c->base.run.seed + (uint64_t)i;
  /* progress (and a stop request: the sweep then ends with the points done
   * so far kept in points.jsonl) comes from each point's run */
  s->run.save_trials = s->run.save_eigenvalues = 0;
}

rmtmc_status rmtmc_sweep_validate(rmtmc_sweep_config *c, rmtmc_error *err) {
  if (c->npoints < 2 || c->npoints > RMTMC_SWEEP_MAX_POINTS)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values: give 2 to %d values (got %lld)",
                           RMTMC_SWEEP_MAX_POINTS, (long long)c->npoints);
  if ((c->param == RMTMC_SWEEP_D || c->param == RMTMC_SWEEP_SPIKE) && !(c->ratio > 0 && isfinite(c->ratio)))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--ratio must be > 0 (got %g)", c->ratio);
  if (c->study == RMTMC_SWEEP_RESOLVENT) {
    if (c->param == RMTMC_SWEEP_SPIKE)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--param spike runs the edge study at each spike strength; --study resolvent sweeps d or n");
    if (c->base.nz == 0) { /* the ridge point z = 1 */
      c->base.nz = 1;
      c->base.z_re[0] = 1.0;
      c->base.z_im[0] = 0.0;
    }
    if (c->rbase.functionals & RMTMC_RSV_FUN_BIT(RMTMC_RSV_FUN_DIAG_DEV))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--functionals: diag_dev is a maximum with no limiting mean to approach; leave it out of a sweep");
    if (c->base.precision != RMTMC_PRECISION_DOUBLE)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--precision single: the resolvent study runs in double precision");
  } else if (c->rbase.functionals != RMTMC_RSV_FUN_DEFAULT || c->rbase.nvectors > 0 ||
             c->rbase.path != RMTMC_RSV_PATH_AUTO) {
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--functionals, --vector and --path need --study resolvent");
  }
  if (c->param == RMTMC_SWEEP_SPIKE) return rmtmc_sweep_spike_validate(c, err);
  if (c->nonint) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values: sizes must be integers");
  if (c->base.nz == 0) {
    c->base.nz = 1;
    c->base.z_re[0] = -1.0;
    c->base.z_im[0] = 0.0;
  }
  if (c->base.nz > RMTMC_SWEEP_MAX_Z)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z: at most %d points in a sweep (got %lld)",
                           RMTMC_SWEEP_MAX_Z, (long long)c->base.nz);
  if (sweep_rows(c, NULL) > RMTMC_SWEEP_MAX_ROWS)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "a sweep follows at most %d rows (functionals x z); got %lld: fewer --functionals or --z",
                           RMTMC_SWEEP_MAX_ROWS, (long long)sweep_rows(c, NULL));
  for (int64_t i = 0; i < c->npoints; ++i) {
    if (c->values[i] < 1)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values: sizes must be >= 1 (got %lld)",
                             (long long)c->values[i]);
    for (int64_t j = 0; j < i; ++j)
      if (c->values[j] == c->values[i])
        return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values: %lld appears twice", (long long)c->values[i]);
    rmtmc_spectrum_config s;
    point_config(c, i, &s);
    rmtmc_error e2;
    rmtmc_status st;
    if (c->study == RMTMC_SWEEP_RESOLVENT) {
      rmtmc_resolvent_config rc;
      point_config_rsv(c, &s, &rc);
      st = rmtmc_resolvent_validate(&rc, &e2);
    } else {
      st = rmtmc_spectrum_validate(&s, &e2);
    }
    if (st != RMTMC_OK)
      return rmtmc_error_set(err, st, "sweep point %lld (d = %lld, n = %lld): %s", (long long)i,
                             (long long)s.d, (long long)s.n, e2.msg);
  }
  return RMTMC_OK;
}

double rmtmc_sweep_abs_error(const rmtmc_sweep_point *p, int64_t k) {
  return hypot(p->emp_re[k] - p->th_re[k], p->emp_im[k] - p->th_im[k]);
}

double rmtmc_sweep_sd(const rmtmc_sweep_point *p, int64_t k) {
  return hypot(p->sd_re[k], isfinite(p->sd_im[k]) ? p->sd_im[k] : 0.0);
}

/* ---- what a checkpoint belongs to: the canonical config text (every
 * option that changes a number, in full) with the FNV-1a 64 hash of the
 * bytes of every input file (a --sigma file:), and the hash of that text ---- */
static uint64_t fnv1a_bytes(uint64_t h, const unsigned char *b, size_t n) {
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ULL;
  return h;
}

static uint64_t fnv1a(const char *s) { return fnv1a_bytes(1469598103934665603ULL, (const unsigned char *)s, strlen(s)); }

/* The hash of a file's bytes (at most `limit` of them: the reader refuses a
 * larger file anyway). */
static rmtmc_status file_hash(const char *opt, const char *path, double limit, uint64_t *h, rmtmc_error *err) {
  char shown[200];
  rmtmc_text_escape(shown, sizeof shown, path, strlen(path));
  FILE *f = fopen(path, "rb");
  if (!f) return rmtmc_error_set(err, RMTMC_ERR_IO, "%s%s: cannot open: %s", opt, shown, strerror(errno));
  unsigned char buf[65536];
  size_t n;
  double total = 0.0;
  *h = 1469598103934665603ULL;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0 && total <= limit) {
    *h = fnv1a_bytes(*h, buf, n);
    total += (double)n;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) return rmtmc_error_set(err, RMTMC_ERR_IO, "%s%s: cannot read it", opt, shown);
  return RMTMC_OK;
}

static rmtmc_status config_text(const rmtmc_sweep_config *c, char *out, size_t cap, rmtmc_error *err) {
  size_t u = 0;
#define ADD(...) u += (size_t)snprintf(out + u, u < cap ? cap - u : 0, __VA_ARGS__)
  ADD("param=%s;", c->param == RMTMC_SWEEP_D ? "d" : "n");
  if (c->param == RMTMC_SWEEP_D) ADD("ratio=%.17g;", c->ratio);
  else ADD("d=%lld;", (long long)c->base.d);
  ADD("values=");
  for (int64_t i = 0; i < c->npoints; ++i) ADD("%s%lld", i ? "," : "", (long long)c->values[i]);
  ADD(";trials=%lld;seed=%llu;sigma=%s;entries=%s;z=", (long long)c->base.run.trials,
      (unsigned long long)c->base.run.seed, c->base.sigma, c->base.entries);
  for (int64_t k = 0; k < c->base.nz; ++k) ADD("%s%.17g%+.17gi", k ? "," : "", c->base.z_re[k], c->base.z_im[k]);
  ADD(";bins=%lld;precision=%s;backend=%s", (long long)c->base.bins,
      c->base.precision == RMTMC_PRECISION_SINGLE ? "single" : "double", rmtmc_backend_kind_name(c->base.run.backend));
  if (c->study == RMTMC_SWEEP_RESOLVENT) { /* (the spectrum's text, and so its hash, unchanged) */
    ADD(";study=resolvent;functionals=%u;path=%d;vectors=", c->rbase.functionals, c->rbase.path);
    for (int64_t v = 0; v < c->rbase.nvectors; ++v) ADD("%s%s", v ? "|" : "", c->rbase.vectors[v]);
  }
  {
    int64_t dmax = 1;
    for (int64_t i = 0; i < c->npoints; ++i) {
      rmtmc_spectrum_config s;
      point_config(c, i, &s);
      if (s.d > dmax) dmax = s.d;
    }
    /* the bytes of every input file: a Sigma file or matrix, the
     * resolvent's vectors (the reader refuses larger files anyway) */
    double dd = (double)dmax, room = 16.0 * 1048576.0;
    rmtmc_status st = RMTMC_OK;
    uint64_t h = 0;
    if (strncmp(c->base.sigma, "file:", 5) == 0) {
      st = file_hash("--sigma file:", c->base.sigma + 5, room + 256.0 * dd, &h, err);
      if (st == RMTMC_OK) ADD(";sigma_file_fnv1a64=%016llx", (unsigned long long)h);
    } else if (strncmp(c->base.sigma, "matrix:", 7) == 0) {
      st = file_hash("--sigma matrix:", c->base.sigma + 7, room + 256.0 * dd * dd, &h, err);
      if (st == RMTMC_OK) ADD(";sigma_matrix_fnv1a64=%016llx", (unsigned long long)h);
    }
    for (int64_t v = 0; st == RMTMC_OK && c->study == RMTMC_SWEEP_RESOLVENT && v < c->rbase.nvectors; ++v) {
      st = file_hash("--vector ", c->rbase.vectors[v], room + 256.0 * dd, &h, err);
      if (st == RMTMC_OK) ADD(";vector%lld_fnv1a64=%016llx", (long long)v + 1, (unsigned long long)h);
    }
    if (st != RMTMC_OK) return st;
  }
#undef ADD
  if (u >= cap) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "internal: the sweep's config text needs %zu bytes", u);
  return RMTMC_OK;
}

/* Point i as its run will see it (with its backend's limits too). */
static rmtmc_status check_point(const rmtmc_sweep_config *c, int64_t i, int open_backend, rmtmc_error *err) {
  rmtmc_spectrum_config s;
  point_config(c, i, &s);
  if (c->study == RMTMC_SWEEP_RESOLVENT) {
    /* the resolvent's z (its own convention) were validated with its
     * options (rmtmc_sweep_validate); here the model, its memory and the
     * sizes, with the spectrum's z = -1 (never on a spectrum) */
    s.nz = 1;
    s.z_re[0] = -1.0;
    s.z_im[0] = 0.0;
  }
  rmtmc_error e2;
  rmtmc_status st = rmtmc_spectrum_check(&s, open_backend, &e2);
  if (st != RMTMC_OK)
    return rmtmc_error_set(err, st, "sweep point %lld (d = %lld, n = %lld): %s", (long long)i, (long long)s.d,
                           (long long)s.n, e2.msg);
  return RMTMC_OK;
}

/* Every point before anything is computed or written: the specs (a Sigma
 * file read), the model's memory, the theory's support (a real z on it),
 * and the backend's limits at the largest point. */
static rmtmc_status check_points(const rmtmc_sweep_config *c, rmtmc_error *err) {
  int64_t big = 0;
  double most = -1.0;
  rmtmc_status st = RMTMC_OK;
  for (int64_t i = 0; i < c->npoints && st == RMTMC_OK; ++i) {
    rmtmc_spectrum_config s;
    point_config(c, i, &s);
    double bytes = (double)s.d * ((double)s.n + (double)s.d);
    if (bytes > most) {
      most = bytes;
      big = i;
    }
    st = check_point(c, i, 0, err);
  }
  return st == RMTMC_OK ? check_point(c, big, 1, err) : st;
}

/* ---- fits ---- */
static rmtmc_sweep_fit fit(const double *x, const double *y, int64_t n, double predicted) {
  rmtmc_sweep_fit F = {.slope = NAN, .stderr_ = NAN, .intercept = NAN, .used = 0, .predicted = predicted};
  double lx[RMTMC_SWEEP_MAX_POINTS], ly[RMTMC_SWEEP_MAX_POINTS];
  int64_t m = 0;
  for (int64_t i = 0; i < n; ++i)
    if (isfinite(y[i]) && y[i] > 0 && x[i] > 0) {
      lx[m] = log(x[i]);
      ly[m] = log(y[i]);
      ++m;
    }
  F.used = m;
  if (m < 2) return F;
  double mx = 0, my = 0;
  for (int64_t i = 0; i < m; ++i) { mx += lx[i]; my += ly[i]; }
  mx /= (double)m;
  my /= (double)m;
  double sxx = 0, sxy = 0;
  for (int64_t i = 0; i < m; ++i) {
    sxx += (lx[i] - mx) * (lx[i] - mx);
    sxy += (lx[i] - mx) * (ly[i] - my);
  }
  if (!(sxx > 0)) return F;
  F.slope = sxy / sxx;
  F.intercept = my - F.slope * mx;
  if (m >= 3) {
    double rss = 0;
    for (int64_t i = 0; i < m; ++i) {
      double e = ly[i] - F.intercept - F.slope * lx[i];
      rss += e * e;
    }
    F.stderr_ = sqrt(rss / (double)(m - 2) / sxx);
  }
  return F;
}

/* The predicted rates of row label (theory.md 6.8, 10.6).  With n/d fixed:
 * E m_d - m = mu(w)/d and sd(m_d) ~ sqrt(Sch/3)/d; the resolvent's traces
 * likewise, its quadratic forms sd ~ d^-1/2 (bias O(1/d)).  With d fixed and
 * n growing (heuristic): the bias is O(1/n), sd ~ n^-1/2. */
static void predicted_rates(rmtmc_sweep_param p, const char *label, double *err_rate, double *sd_rate) {
  int trace = strcmp(label, "stieltjes") == 0 || strcmp(label, "trace") == 0 || strcmp(label, "trace_sigma") == 0 ||
              strcmp(label, "delta") == 0;
  *err_rate = -1.0;
  *sd_rate = p == RMTMC_SWEEP_D ? (trace ? -1.0 : -0.5) : -0.5;
}

static void compute_fits(rmtmc_sweep_result *r) {
  double x[RMTMC_SWEEP_MAX_POINTS], ye[RMTMC_SWEEP_MAX_POINTS], ys[RMTMC_SWEEP_MAX_POINTS];
  double pe, ps;
  for (int64_t k = 0; k < r->nz; ++k) {
    predicted_rates(r->config.param, r->label[k], &pe, &ps);
    for (int64_t i = 0; i < r->config.npoints; ++i) {
      x[i] = (double)r->points[i].value;
      ye[i] = rmtmc_sweep_abs_error(&r->points[i], k);
      ys[i] = rmtmc_sweep_sd(&r->points[i], k);
    }
    r->err_fit[k] = fit(x, ye, r->config.npoints, pe);
    r->sd_fit[k] = fit(x, ys, r->config.npoints, ps);
  }
}

/* ---- the run ---- */
/* "name: device" of the backend that ran a point, as JSON-safe plain text
 * (quotes, backslashes and control characters become '?'), so that the line
 * written to points.jsonl is the line read back. */
static void backend_text(char *dst, size_t size, const rmtmc_backend_info *b) {
  snprintf(dst, size, "%.15s: %.170s", b->name, b->device);
  for (char *q = dst; *q; ++q)
    if (*q == '"' || *q == '\\' || (unsigned char)*q < 0x20) *q = '?';
}

/* MPI: rank 0's points read back (have, the points, the count) to every
 * rank, or rank 0's failure to read them. */
static rmtmc_status share_resumed(rmtmc_comm *comm, rmtmc_status st, rmtmc_sweep_result *res, int *have,
                                  rmtmc_error *err) {
  if (!comm_active(comm)) return st;
  size_t np = (size_t)res->config.npoints;
  comm_buf part = {NULL, 0}, out = {NULL, 0};
  if (st == RMTMC_OK && rmtmc_comm_rank(comm) == 0) {
    comm_pack p;
    comm_pack_init(&p, &part);
    comm_pack_bytes(&p, &res->resumed, sizeof res->resumed);
    comm_pack_bytes(&p, have, np * sizeof *have);
    comm_pack_bytes(&p, res->points, np * sizeof *res->points);
    if (p.failed) st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  st = comm_exchange(comm, st, err, &part, NULL, NULL, &out);
  if (st == RMTMC_OK) {
    comm_unpack u = {.b = &out, .at = 0};
    if (!comm_unpack_bytes(&u, &res->resumed, sizeof res->resumed) || !comm_unpack_bytes(&u, have, np * sizeof *have) ||
        !comm_unpack_bytes(&u, res->points, np * sizeof *res->points))
      st = rmtmc_error_set(err, RMTMC_ERR_BACKEND, "internal error: malformed sweep points from rank 0");
  }
  comm_buf_free(&out);
  return st;
}
/* The swept study at point i on comm (NULL: this process alone): the
 * spectrum study's Stieltjes rows, or the resolvent study's rows
 * (functional, z) with the real part and, for complex z, the imaginary
 * part; nrows is the number of rows every point has. */
static rmtmc_status run_point(const rmtmc_sweep_config *c, int64_t i, int64_t nrows, rmtmc_comm *comm,
                              rmtmc_sweep_point *p, rmtmc_run_info *run, rmtmc_error *err) {
  rmtmc_spectrum_config sc;
  point_config(c, i, &sc);
  sc.run.comm = comm;
  memset(p, 0, sizeof *p);
  p->index = i;
  p->value = c->values[i];
  p->d = sc.d;
  p->n = sc.n;
  p->seed = sc.run.seed;
  p->nz = nrows;
  if (c->study == RMTMC_SWEEP_RESOLVENT) {
    rmtmc_resolvent_config rc;
    point_config_rsv(c, &sc, &rc);
    rmtmc_resolvent_result rr;
    rmtmc_status st = rmtmc_resolvent_run(&rc, &rr, err);
    if (st != RMTMC_OK) return st;
    int64_t at = -1, last_f = -1, last_z = -1;
    for (int64_t k = 0; k < rr.nrows; ++k) {
      const rmtmc_resolvent_row *w = &rr.rows[k];
      if (w->fun != last_f || w->zi != last_z) {
        ++at;
        last_f = w->fun;
        last_z = w->zi;
        if (at >= RMTMC_SWEEP_MAX_ROWS) break;
        p->z_re[at] = w->z_re;
        p->z_im[at] = w->z_im;
        p->emp_im[at] = p->th_im[at] = p->se_im[at] = p->sd_im[at] = 0.0; /* real z: as the spectrum's */
      }
      if (w->part == 0) {
        p->emp_re[at] = w->emp.mean;
        p->th_re[at] = w->theory;
        p->se_re[at] = w->emp.stderr_;
        p->sd_re[at] = w->emp.sd;
      } else {
        p->emp_im[at] = w->emp.mean;
        p->th_im[at] = w->theory;
        p->se_im[at] = w->emp.stderr_;
        p->sd_im[at] = w->emp.sd;
      }
    }
    p->seconds = rr.seconds + rr.theory_seconds;
    backend_text(p->backend, sizeof p->backend, &rr.run.backend);
    *run = rr.run;
    rmtmc_resolvent_result_free(&rr);
    if (at + 1 != nrows)
      return rmtmc_error_set(err, RMTMC_ERR_NUMERIC, "sweep point %lld: %lld rows, expected %lld", (long long)i,
                             (long long)(at + 1), (long long)nrows);
    return RMTMC_OK;
  }
  rmtmc_spectrum_result sr;
  rmtmc_status st = rmtmc_spectrum_run(&sc, &sr, err);
  if (st != RMTMC_OK) return st;
  p->nz = sr.nz;
  for (int64_t k = 0; k < sr.nz; ++k) {
    const rmtmc_stieltjes_row *w = &sr.zobs[RMTMC_ZOBS_STIELTJES].rows[k];
    p->z_re[k] = w->z_re;
    p->z_im[k] = w->z_im;
    p->emp_re[k] = w->re.mean;
    p->emp_im[k] = w->im.mean;
    p->th_re[k] = w->theory_re;
    p->th_im[k] = w->theory_im;
    p->se_re[k] = w->re.stderr_;
    p->se_im[k] = w->im.stderr_;
    p->sd_re[k] = w->re.sd;
    p->sd_im[k] = w->im.sd;
  }
  p->seconds = sr.seconds + sr.theory_seconds;
  backend_text(p->backend, sizeof p->backend, &sr.run.backend);
  *run = sr.run;
  rmtmc_spectrum_result_free(&sr);
  return RMTMC_OK;
}

/* A point done: checkpointed (rank 0: what is appended, %.17g, reads back
 * to the same doubles, so a resumed run goes on with bit-identical
 * numbers), counted, announced.  A failure on rank 0 reaches the other
 * ranks at their next collective step. */
static rmtmc_status point_done(const rmtmc_sweep_config *c, const char *dir, int root, const rmtmc_sweep_result *res,
                               rmtmc_sweep_point *p, int *have, int64_t *fresh, rmtmc_error *err) {
  if (root) {
    rmtmc_status st = rmtmc_sweep_points_append(dir, res, p, err);
    if (st != RMTMC_OK) return st;
  }
  have[p->index] = 1;
  ++*fresh;
  if (c->on_point) c->on_point(c->on_point_ctx, p, c->npoints);
  return RMTMC_OK;
}

/* MPI with fewer trial blocks than ranks: whole points over the ranks, in
 * rounds of up to one point per rank (the lowest pending points, so the
 * checkpoint keeps the order of one process); each point runs on its rank
 * alone (the same numbers as one process).  Rank 0 gathers each round's
 * points and where they ran. */
typedef struct point_part {
  rmtmc_sweep_point p;
  drv_place place;
} point_part;

static rmtmc_status concat_parts(void *ctx, const comm_buf *parts, int nparts, comm_buf *outcome, rmtmc_error *err) {
  comm_pack pk;
  comm_pack_init(&pk, outcome);
  for (int q = 0; q < nparts; ++q) comm_pack_bytes(&pk, parts[q].data, parts[q].len);
  return pk.failed ? rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory") : RMTMC_OK;
}

static rmtmc_status run_rounds(const rmtmc_sweep_config *c, const char *dir, rmtmc_sweep_result *res, int *have,
                               int64_t *fresh, rmtmc_error *err) {
  rmtmc_comm *comm = c->base.run.comm;
  int k = rmtmc_comm_size(comm), rank = rmtmc_comm_rank(comm), root = rank == 0;
  int64_t *idx = calloc((size_t)k, sizeof *idx);
  drv_place *places = calloc((size_t)k, sizeof *places);
  int *placed = calloc((size_t)k, sizeof *placed);
  rmtmc_status st = idx && places && placed ? RMTMC_OK : rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  st = rmtmc_comm_agree(comm, st, err);
  while (st == RMTMC_OK) {
    int n = 0;
    for (int64_t i = 0; i < c->npoints && n < k; ++i)
      if (!have[i] && (c->stop_after <= 0 || *fresh + n < c->stop_after)) idx[n++] = i;
    if (n == 0) break;
    comm_buf part = {NULL, 0}, out = {NULL, 0};
    rmtmc_status mine = RMTMC_OK;
    if (rank < n) {
      point_part pp;
      rmtmc_run_info ri;
      memset(&pp, 0, sizeof pp);
      mine = run_point(c, idx[rank], res->nz, comm_alone(comm), &pp.p, &ri, err);
      if (mine == RMTMC_OK) {
        snprintf(pp.place.host, sizeof pp.place.host, "%s", ri.places[0].host);
        snprintf(pp.place.backend, sizeof pp.place.backend, "%s", ri.places[0].backend);
        snprintf(pp.place.device, sizeof pp.place.device, "%s", ri.places[0].device);
        pp.place.threads = ri.places[0].threads;
        pp.place.rank = rank;
        comm_pack pk;
        comm_pack_init(&pk, &part);
        comm_pack_bytes(&pk, &pp, sizeof pp);
        if (pk.failed) mine = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
      }
    }
    st = comm_exchange(comm, mine, err, &part, concat_parts, NULL, &out);
    if (st == RMTMC_OK && out.len != (size_t)n * sizeof(point_part))
      st = rmtmc_error_set(err, RMTMC_ERR_BACKEND, "internal error: %zu bytes of sweep points from rank 0", out.len);
    for (int q = 0; q < n && st == RMTMC_OK; ++q) {
      point_part pp;
      memcpy(&pp, out.data + (size_t)q * sizeof pp, sizeof pp);
      res->points[idx[q]] = pp.p;
      if (!placed[q]) places[q] = pp.place;
      placed[q] = 1;
      st = point_done(c, dir, root, res, &res->points[idx[q]], have, fresh, err);
    }
    comm_buf_free(&out);
  }
  int np = 0;
  for (int q = 0; q < k && places; ++q)
    if (placed && placed[q]) places[np++] = places[q];
  if (np > 0) drv_places_fill(&res->run, places, np, k);
  free(idx);
  free(places);
  free(placed);
  return st;
}

rmtmc_status rmtmc_sweep_run(const rmtmc_sweep_config *cfg, const char *dir, rmtmc_sweep_result *res,
                             rmtmc_error *err) {
  memset(res, 0, sizeof *res);
  res->config = *cfg;
  rmtmc_status st = rmtmc_sweep_validate(&res->config, err);
  if (st != RMTMC_OK) return st;
  const rmtmc_sweep_config *c = &res->config;
  res->nz = sweep_rows(c, res->label);
  /* Everything is checked before the first write (the checkpoint is
   * created only when the first point is done). */
  st = check_points(c, err);
  if (st == RMTMC_OK) st = config_text(c, res->config_text, sizeof res->config_text, err);
  if (st != RMTMC_OK) return st;
  res->config_hash = fnv1a(res->config_text);
  res->points = calloc((size_t)c->npoints, sizeof *res->points);
  int *have = calloc((size_t)c->npoints, sizeof *have);
  if (!res->points || !have) {
    free(have);
    rmtmc_sweep_result_free(res);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  /* MPI: rank 0 keeps the checkpoint and tells the other ranks what it
   * holds; each point's trials are divided among the ranks when every rank
   * gets a block of them, else whole points go to the ranks */
  rmtmc_comm *comm = c->base.run.comm;
  int root = rmtmc_comm_rank(comm) == 0;
  if (root) st = rmtmc_sweep_points_resume(dir, res, have, err);
  st = share_resumed(comm, st, res, have, err);
  res->run.ranks = rmtmc_comm_size(comm);
  int by_points = comm_active(comm) && (c->base.run.trials + RMTMC_ACCUM_BLOCK - 1) / RMTMC_ACCUM_BLOCK < rmtmc_comm_size(comm);
  if (comm_active(comm)) snprintf(res->divided, sizeof res->divided, "%s", by_points ? "points" : "trials");
  int64_t fresh = 0;
  if (st == RMTMC_OK && res->resumed > 0 && c->on_resume) c->on_resume(c->on_point_ctx, res->resumed, c->npoints);
  for (int64_t i = 0; i < c->npoints && st == RMTMC_OK; ++i)
    if (have[i] && c->on_point) c->on_point(c->on_point_ctx, &res->points[i], c->npoints);
  if (st == RMTMC_OK && by_points) st = run_rounds(c, dir, res, have, &fresh, err);
  for (int64_t i = 0; i < c->npoints && st == RMTMC_OK && !by_points; ++i) {
    if (have[i]) continue;
    if (c->stop_after > 0 && fresh >= c->stop_after) break;
    st = run_point(c, i, res->nz, comm, &res->points[i], &res->run, err);
    if (st == RMTMC_OK) st = point_done(c, dir, root, res, &res->points[i], have, &fresh, err);
  }
  for (int64_t i = 0; i < c->npoints; ++i) res->done += have[i];
  free(have);
  if (st != RMTMC_OK) {
    rmtmc_sweep_result_free(res);
    return st;
  }
  if (res->done < c->npoints) return RMTMC_OK; /* stopped early (stop_after) */
  compute_fits(res);
  res->complete = 1;
  return RMTMC_OK;
}

void rmtmc_sweep_result_free(rmtmc_sweep_result *res) {
  if (!res) return;
  free(res->points);
  free(res->spike);
  res->points = NULL;
  res->spike = NULL;
}
