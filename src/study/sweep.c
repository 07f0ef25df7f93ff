/* sweep.c: the scaling sweep: the spectrum study at each value of one size
 * parameter, resumable through DIR/points.jsonl, then log-log slopes of the
 * error of m_d(z) and of its sd beside the THEORY 6 rates.  Layout and seeds:
 * rmtmc_sweep.h; schema rmtmc.sweep/1: docs/schema.md. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rmtmc.h"
#include "rmtmc_plot.h"
#include "rmtmc_report.h"
#include "rmtmc_sweep.h"

void rmtmc_sweep_config_default(rmtmc_sweep_config *c) {
  memset(c, 0, sizeof *c);
  rmtmc_spectrum_config_default(&c->base);
  c->param = RMTMC_SWEEP_D;
  c->ratio = 2.0;
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
  s->seed = c->base.seed + (uint64_t)i;
  s->progress = NULL;
  s->progress_ctx = NULL;
}

rmtmc_status rmtmc_sweep_validate(rmtmc_sweep_config *c, rmtmc_error *err) {
  if (c->npoints < 2 || c->npoints > RMTMC_SWEEP_MAX_POINTS)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--values: give 2 to %d values (got %lld)",
                           RMTMC_SWEEP_MAX_POINTS, (long long)c->npoints);
  if (c->param == RMTMC_SWEEP_D && !(c->ratio > 0 && isfinite(c->ratio)))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--ratio must be > 0 (got %g)", c->ratio);
  if (c->base.nz == 0) {
    c->base.nz = 1;
    c->base.z_re[0] = -1.0;
    c->base.z_im[0] = 0.0;
  }
  if (c->base.nz > RMTMC_SWEEP_MAX_Z)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z: at most %d points in a sweep (got %lld)",
                           RMTMC_SWEEP_MAX_Z, (long long)c->base.nz);
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
    rmtmc_status st = rmtmc_spectrum_validate(&s, &e2);
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

/* ---- canonical config text and its hash (FNV-1a 64) ---- */
static void config_text(const rmtmc_sweep_config *c, char *out, size_t cap) {
  size_t u = 0;
#define ADD(...) u += (size_t)snprintf(out + u, u < cap ? cap - u : 0, __VA_ARGS__)
  ADD("param=%s;", c->param == RMTMC_SWEEP_D ? "d" : "n");
  if (c->param == RMTMC_SWEEP_D) ADD("ratio=%.17g;", c->ratio);
  else ADD("d=%lld;", (long long)c->base.d);
  ADD("values=");
  for (int64_t i = 0; i < c->npoints; ++i) ADD("%s%lld", i ? "," : "", (long long)c->values[i]);
  ADD(";trials=%lld;seed=%llu;sigma=%s;entries=%s;z=", (long long)c->base.trials,
      (unsigned long long)c->base.seed, c->base.sigma, c->base.entries);
  for (int64_t k = 0; k < c->base.nz; ++k) ADD("%s%.17g%+.17gi", k ? "," : "", c->base.z_re[k], c->base.z_im[k]);
  ADD(";bins=%lld;precision=%s;backend=%s", (long long)c->base.bins,
      c->base.precision == RMTMC_PRECISION_SINGLE ? "single" : "double",
      c->base.backend == RMTMC_BACKEND_CPU ? "cpu" : c->base.backend == RMTMC_BACKEND_CUDA ? "cuda" : "auto");
#undef ADD
  if (u >= cap) out[cap - 1] = '\0';
}

static uint64_t fnv1a(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; ++s) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

/* ---- points.jsonl ---- */
static void jnum(FILE *f, double v) {
  if (isfinite(v)) fprintf(f, "%.17g", v);
  else fputs("null", f);
}

static void jarr(FILE *f, const char *key, const double *v, int64_t n) {
  fprintf(f, ",\"%s\":[", key);
  for (int64_t k = 0; k < n; ++k) {
    if (k) fputc(',', f);
    jnum(f, v[k]);
  }
  fputc(']', f);
}

static void write_point_line(FILE *f, const rmtmc_sweep_point *p) {
  fprintf(f, "{\"index\":%lld,\"value\":%lld,\"d\":%lld,\"n\":%lld,\"seed\":%llu,\"nz\":%lld", (long long)p->index,
          (long long)p->value, (long long)p->d, (long long)p->n, (unsigned long long)p->seed, (long long)p->nz);
  jarr(f, "z_re", p->z_re, p->nz);
  jarr(f, "z_im", p->z_im, p->nz);
  jarr(f, "empirical_re", p->emp_re, p->nz);
  jarr(f, "empirical_im", p->emp_im, p->nz);
  jarr(f, "theory_re", p->th_re, p->nz);
  jarr(f, "theory_im", p->th_im, p->nz);
  jarr(f, "stderr_re", p->se_re, p->nz);
  jarr(f, "stderr_im", p->se_im, p->nz);
  jarr(f, "sd_re", p->sd_re, p->nz);
  jarr(f, "sd_im", p->sd_im, p->nz);
  fprintf(f, ",\"seconds\":");
  jnum(f, p->seconds);
  fprintf(f, ",\"backend\":\"%s\"}\n", p->backend); /* plain text: sweep_backend_text */
}

/* "name: device" of the backend that ran a point, as JSON-safe plain text
 * (quotes, backslashes and control characters become '?'), so that the line
 * written is the line read back. */
static void sweep_backend_text(char *dst, size_t size, const rmtmc_backend_info *b) {
  snprintf(dst, size, "%.15s: %.170s", b->name, b->device);
  for (char *q = dst; *q; ++q)
    if (*q == '"' || *q == '\\' || (unsigned char)*q < 0x20) *q = '?';
}


static int parse_num(const char **s, double *v) {
  while (**s == ' ') ++*s;
  if (strncmp(*s, "null", 4) == 0) {
    *v = NAN;
    *s += 4;
    return 1;
  }
  char *end;
  *v = strtod(*s, &end);
  if (end == *s) return 0;
  *s = end;
  return 1;
}

static const char *find_key(const char *line, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(line, pat);
  return p ? p + strlen(pat) : NULL;
}

static int get_num(const char *line, const char *key, double *v) {
  const char *p = find_key(line, key);
  return p && parse_num(&p, v);
}

static int get_arr(const char *line, const char *key, double *v, int64_t n) {
  const char *p = find_key(line, key);
  if (!p || *p != '[') return 0;
  ++p;
  for (int64_t k = 0; k < n; ++k) {
    if (k) {
      if (*p != ',') return 0;
      ++p;
    }
    if (!parse_num(&p, &v[k])) return 0;
  }
  return *p == ']';
}

/* A string value without escapes ("" when the key is absent). */
static void get_plain_str(const char *line, const char *key, char *dst, size_t size) {
  const char *p = find_key(line, key);
  dst[0] = '\0';
  if (!p || *p != '"') return;
  const char *end = strchr(p + 1, '"');
  if (!end) return;
  size_t len = (size_t)(end - p - 1);
  if (len >= size) len = size - 1;
  memcpy(dst, p + 1, len);
  dst[len] = '\0';
}

/* A complete point line of this sweep (matching its index's value and z). */
static int parse_point_line(const char *line, const rmtmc_sweep_config *c, rmtmc_sweep_point *p) {
  size_t len = strlen(line);
  if (len < 2 || line[len - 1] != '\n' || line[len - 2] != '}') return 0;
  double idx, val, d, n, seed, nz;
  if (!get_num(line, "index", &idx) || !get_num(line, "value", &val) || !get_num(line, "d", &d) ||
      !get_num(line, "n", &n) || !get_num(line, "seed", &seed) || !get_num(line, "nz", &nz))
    return 0;
  if (!(idx >= 0 && idx < (double)c->npoints) || (double)c->values[(int64_t)idx] != val ||
      nz != (double)c->base.nz)
    return 0;
  memset(p, 0, sizeof *p);
  p->index = (int64_t)idx;
  p->value = (int64_t)val;
  p->d = (int64_t)d;
  p->n = (int64_t)n;
  p->seed = (uint64_t)seed;
  p->nz = (int64_t)nz;
  if (!get_arr(line, "z_re", p->z_re, p->nz) || !get_arr(line, "z_im", p->z_im, p->nz) ||
      !get_arr(line, "empirical_re", p->emp_re, p->nz) || !get_arr(line, "empirical_im", p->emp_im, p->nz) ||
      !get_arr(line, "theory_re", p->th_re, p->nz) || !get_arr(line, "theory_im", p->th_im, p->nz) ||
      !get_arr(line, "stderr_re", p->se_re, p->nz) || !get_arr(line, "stderr_im", p->se_im, p->nz) ||
      !get_arr(line, "sd_re", p->sd_re, p->nz) || !get_arr(line, "sd_im", p->sd_im, p->nz) ||
      !get_num(line, "seconds", &p->seconds))
    return 0;
  get_plain_str(line, "backend", p->backend, sizeof p->backend);
  p->resumed = 1;
  return 1;
}

static rmtmc_status points_header(FILE *f, const rmtmc_sweep_result *r) {
  fprintf(f, "{\"schema\":\"rmtmc.sweep.points/1\",\"config_hash\":\"%016llx\",\"config\":\"",
          (unsigned long long)r->config_hash);
  for (const char *s = r->config_text; *s; ++s) {
    if (*s == '"' || *s == '\\') fputc('\\', f);
    fputc(*s, f);
  }
  fprintf(f, "\"}\n");
  return RMTMC_OK;
}

typedef struct { const rmtmc_sweep_result *r; const int *have; } rewrite_ctx;

static rmtmc_status points_rewrite(FILE *f, const void *ctx, rmtmc_error *err) {
  const rewrite_ctx *rc = ctx;
  points_header(f, rc->r);
  for (int64_t i = 0; i < rc->r->config.npoints; ++i)
    if (rc->have[i]) write_point_line(f, &rc->r->points[i]);
  return RMTMC_OK;
}

/* Read finished points back; rewrite the file without torn lines. */
static rmtmc_status points_load(const char *path, rmtmc_sweep_result *r, int *have, rmtmc_error *err) {
  FILE *f = fopen(path, "r");
  if (!f) {
    if (errno == ENOENT) return RMTMC_OK;
    return rmtmc_error_set(err, RMTMC_ERR_IO, "cannot read %s: %s", path, strerror(errno));
  }
  size_t cap = 1 << 16;
  char *line = malloc(cap);
  if (!line) {
    fclose(f);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  rmtmc_status st = RMTMC_OK;
  int first = 1, dropped = 0;
  while (fgets(line, (int)cap, f)) {
    if (first) {
      first = 0;
      char want[64];
      snprintf(want, sizeof want, "\"config_hash\":\"%016llx\"", (unsigned long long)r->config_hash);
      if (!strstr(line, want)) {
        st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "%s belongs to a different sweep (config differs); use another --out or remove it",
                             path);
        break;
      }
      continue;
    }
    rmtmc_sweep_point p;
    if (parse_point_line(line, &r->config, &p) && !have[p.index]) {
      r->points[p.index] = p;
      have[p.index] = 1;
    } else
      ++dropped;
  }
  free(line);
  fclose(f);
  if (st != RMTMC_OK) return st;
  for (int64_t i = 0; i < r->config.npoints; ++i) r->resumed += have[i];
  rewrite_ctx rc = {r, have};
  return rmtmc_write_atomic(path, points_rewrite, &rc, err);
}

/* ---- fits ---- */
static rmtmc_sweep_fit fit(const double *x, const double *y, int64_t n, double predicted) {
  rmtmc_sweep_fit F = {NAN, NAN, NAN, 0, predicted};
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

static void predicted_rates(rmtmc_sweep_param p, double *err_rate, double *sd_rate) {
  /* THEORY 6: with n/d fixed, E m_d - m = mu(w)/d and sd(m_d) ~ sqrt(Sch/3)/d.
   * With d fixed and n growing (not in THEORY 6; heuristic): the bias is
   * O(1/n) and the CLT variance of tr scales with eta, sd ~ 1/sqrt(d n). */
  *err_rate = -1.0;
  *sd_rate = p == RMTMC_SWEEP_D ? -1.0 : -0.5;
}

static void compute_fits(rmtmc_sweep_result *r) {
  double x[RMTMC_SWEEP_MAX_POINTS], ye[RMTMC_SWEEP_MAX_POINTS], ys[RMTMC_SWEEP_MAX_POINTS];
  double pe, ps;
  predicted_rates(r->config.param, &pe, &ps);
  for (int64_t k = 0; k < r->nz; ++k) {
    for (int64_t i = 0; i < r->config.npoints; ++i) {
      x[i] = (double)r->points[i].value;
      ye[i] = rmtmc_sweep_abs_error(&r->points[i], k);
      ys[i] = rmtmc_sweep_sd(&r->points[i], k);
    }
    r->err_fit[k] = fit(x, ye, r->config.npoints, pe);
    r->sd_fit[k] = fit(x, ys, r->config.npoints, ps);
  }
}

static rmtmc_status write_in(const char *dir, const char *name, rmtmc_writer_fn fn, const void *ctx,
                             rmtmc_error *err) {
  char path[4096];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output path %s/%s is too long", dir, name);
  return rmtmc_write_atomic(path, fn, ctx, err);
}

/* ---- the run ---- */
rmtmc_status rmtmc_sweep_run(const rmtmc_sweep_config *cfg, const char *dir, rmtmc_sweep_result *res,
                             rmtmc_error *err) {
  memset(res, 0, sizeof *res);
  res->config = *cfg;
  rmtmc_status st = rmtmc_sweep_validate(&res->config, err);
  if (st != RMTMC_OK) return st;
  const rmtmc_sweep_config *c = &res->config;
  res->nz = c->base.nz;
  config_text(c, res->config_text, sizeof res->config_text);
  res->config_hash = fnv1a(res->config_text);
  res->points = calloc((size_t)c->npoints, sizeof *res->points);
  int *have = calloc((size_t)c->npoints, sizeof *have);
  if (!res->points || !have) {
    free(have);
    rmtmc_sweep_result_free(res);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    free(have);
    rmtmc_sweep_result_free(res);
    return rmtmc_error_set(err, RMTMC_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/points.jsonl", dir);
  struct stat sb;
  if (stat(path, &sb) == 0) st = points_load(path, res, have, err);
  else {
    rewrite_ctx rc = {res, have};
    st = rmtmc_write_atomic(path, points_rewrite, &rc, err);
  }
  FILE *out = NULL;
  if (st == RMTMC_OK && !(out = fopen(path, "a")))
    st = rmtmc_error_set(err, RMTMC_ERR_IO, "cannot append to %s: %s", path, strerror(errno));
  int64_t fresh = 0;
  if (st == RMTMC_OK && res->resumed > 0 && c->on_resume) c->on_resume(c->on_point_ctx, res->resumed, c->npoints);
  for (int64_t i = 0; i < c->npoints && st == RMTMC_OK; ++i)
    if (have[i] && c->on_point) c->on_point(c->on_point_ctx, &res->points[i], c->npoints);
  for (int64_t i = 0; i < c->npoints && st == RMTMC_OK; ++i) {
    if (have[i]) continue;
    if (c->stop_after > 0 && fresh >= c->stop_after) break;
    rmtmc_spectrum_config sc;
    point_config(c, i, &sc);
    rmtmc_spectrum_result sr;
    st = rmtmc_spectrum_run(&sc, &sr, err);
    if (st != RMTMC_OK) break;
    rmtmc_sweep_point *p = &res->points[i];
    memset(p, 0, sizeof *p);
    p->index = i;
    p->value = c->values[i];
    p->d = sc.d;
    p->n = sc.n;
    p->seed = sc.seed;
    p->nz = sr.nz;
    for (int64_t k = 0; k < sr.nz; ++k) {
      const rmtmc_stieltjes_row *w = &sr.rows[k];
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
    sweep_backend_text(p->backend, sizeof p->backend, &sr.backend);
    rmtmc_spectrum_result_free(&sr);
    /* What is appended is what a resumed run reads back: round-trip it so
     * both runs go on with bit-identical numbers. */
    write_point_line(out, p);
    if (fflush(out) != 0 || ferror(out)) {
      st = rmtmc_error_set(err, RMTMC_ERR_IO, "cannot append to %s", path);
      break;
    }
    fsync(fileno(out));
    have[i] = 1;
    ++fresh;
    if (c->on_point) c->on_point(c->on_point_ctx, p, c->npoints);
  }
  if (out && fclose(out) != 0 && st == RMTMC_OK)
    st = rmtmc_error_set(err, RMTMC_ERR_IO, "cannot close %s", path);
  for (int64_t i = 0; i < c->npoints; ++i) res->done += have[i];
  free(have);
  if (st != RMTMC_OK) {
    rmtmc_sweep_result_free(res);
    return st;
  }
  if (res->done < c->npoints) return RMTMC_OK; /* stopped early (stop_after) */
  compute_fits(res);
  st = write_in(dir, "sweep.json", rmtmc_sweep_write_json, res, err);
  if (st == RMTMC_OK) st = write_in(dir, "sweep.csv", rmtmc_sweep_write_csv, res, err);
  if (st == RMTMC_OK) st = write_in(dir, "plot_sweep.gp", rmtmc_sweep_write_gnuplot, res, err);
  if (st != RMTMC_OK) {
    rmtmc_sweep_result_free(res);
    return st;
  }
  res->complete = 1;
  return RMTMC_OK;
}

void rmtmc_sweep_result_free(rmtmc_sweep_result *res) {
  if (!res) return;
  free(res->points);
  res->points = NULL;
}
