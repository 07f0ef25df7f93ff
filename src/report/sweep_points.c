/* sweep_points.c: the sweep's checkpoint DIR/points.jsonl (rmtmc_sweep.h):
 * the header line with the config and its hash, one line per finished
 * point (appended and flushed as each finishes), read back on a rerun.  The
 * sweep itself (src/study/sweep.c) only orchestrates. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rmtmc_report.h"
#include "rmtmc_sweep.h"

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

static void write_point_line(FILE *f, const rmtmc_sweep_result *r, const rmtmc_sweep_point *p) {
  fprintf(f, "{\"index\":%lld,\"value\":%lld,\"d\":%lld,\"n\":%lld,\"seed\":%llu,\"nz\":%lld", (long long)p->index,
          (long long)p->value, (long long)p->d, (long long)p->n, (unsigned long long)p->seed, (long long)p->nz);
  if (r->config.study == RMTMC_SWEEP_RESOLVENT) { /* the rows' functionals (rebuilt from the config on reading) */
    fprintf(f, ",\"functional\":[");
    for (int64_t k = 0; k < p->nz; ++k) fprintf(f, "%s\"%s\"", k ? "," : "", r->label[k]);
    fputc(']', f);
  }
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
  fprintf(f, ",\"backend\":\"%s\"}\n", p->backend); /* plain text (src/study/sweep.c) */
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

/* An integer field, parsed as an integer (a seed above 2^53 keeps every
 * digit). */
static int get_int(const char *line, const char *key, long long *v) {
  const char *p = find_key(line, key);
  if (!p) return 0;
  char *end;
  errno = 0;
  *v = strtoll(p, &end, 10);
  return end != p && errno == 0 && (*end == ',' || *end == '}');
}

static int get_uint(const char *line, const char *key, unsigned long long *v) {
  const char *p = find_key(line, key);
  if (!p || *p == '-') return 0;
  char *end;
  errno = 0;
  *v = strtoull(p, &end, 10);
  return end != p && errno == 0 && (*end == ',' || *end == '}');
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

/* A complete point line of this sweep (matching its index's value and its
 * number of rows). */
static int parse_point_line(const char *line, const rmtmc_sweep_config *c, int64_t rows, rmtmc_sweep_point *p) {
  size_t len = strlen(line);
  if (len < 2 || line[len - 1] != '\n' || line[len - 2] != '}') return 0;
  long long idx, val, d, n, nz;
  unsigned long long seed;
  if (!get_int(line, "index", &idx) || !get_int(line, "value", &val) || !get_int(line, "d", &d) ||
      !get_int(line, "n", &n) || !get_uint(line, "seed", &seed) || !get_int(line, "nz", &nz))
    return 0;
  if (!(idx >= 0 && idx < c->npoints) || c->values[idx] != val || nz != rows || nz > RMTMC_SWEEP_MAX_ROWS)
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
    if (rc->have[i]) write_point_line(f, rc->r, &rc->r->points[i]);
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
    if (parse_point_line(line, &r->config, r->nz, &p) && !have[p.index]) {
      r->points[p.index] = p;
      have[p.index] = 1;
    } else
      ++dropped;
  }
  free(line);
  fclose(f);
  if (st != RMTMC_OK) return st;
  for (int64_t i = 0; i < r->config.npoints; ++i) r->resumed += have[i];
  rewrite_ctx rc = {.r = r, .have = have};
  return rmtmc_write_atomic(path, points_rewrite, &rc, err);
}


/* The directory and the file path (DIR created when missing). */
static rmtmc_status points_path(const char *dir, char *path, size_t size, int create, rmtmc_error *err) {
  if (create && mkdir(dir, 0777) != 0 && errno != EEXIST)
    return rmtmc_error_set(err, RMTMC_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
  if ((size_t)snprintf(path, size, "%s/points.jsonl", dir) >= size)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output path %s is too long", dir);
  return RMTMC_OK;
}

rmtmc_status rmtmc_sweep_points_resume(const char *dir, rmtmc_sweep_result *res, int *have, rmtmc_error *err) {
  char path[4096];
  rmtmc_status st = points_path(dir, path, sizeof path, 1, err);
  if (st != RMTMC_OK) return st;
  struct stat sb;
  if (stat(path, &sb) == 0) return points_load(path, res, have, err);
  rewrite_ctx rc = {.r = res, .have = have};
  return rmtmc_write_atomic(path, points_rewrite, &rc, err);
}

rmtmc_status rmtmc_sweep_points_append(const char *dir, const rmtmc_sweep_result *res, const rmtmc_sweep_point *p,
                                       rmtmc_error *err) {
  char path[4096];
  rmtmc_status st = points_path(dir, path, sizeof path, 0, err);
  if (st != RMTMC_OK) return st;
  FILE *out = fopen(path, "a");
  if (!out) return rmtmc_error_set(err, RMTMC_ERR_IO, "cannot append to %s: %s", path, strerror(errno));
  write_point_line(out, res, p);
  if (fflush(out) != 0 || ferror(out)) st = rmtmc_error_set(err, RMTMC_ERR_IO, "cannot append to %s", path);
  if (st == RMTMC_OK) fsync(fileno(out));
  if (fclose(out) != 0 && st == RMTMC_OK) st = rmtmc_error_set(err, RMTMC_ERR_IO, "cannot close %s", path);
  return st;
}
