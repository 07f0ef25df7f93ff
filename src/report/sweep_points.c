/* sweep_points.c: the sweep's checkpoint DIR/points.jsonl (rmtmc_sweep.h):
 * the header line with the config and its hash, one line per finished
 * point (appended and synced as each finishes), read back on a rerun.  The
 * file is created with its first point (so a run that fails before any
 * point leaves nothing); a torn last line (a run killed while appending) is
 * dropped; any other line that does not read back is reported as corrupt.
 * Integers are parsed as integers (seeds as uint64, exactly).  The sweep
 * itself (src/study/sweep.c) only orchestrates. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/numparse.h"
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

#define POINTS_NAME "points.jsonl"
#define POINTS_SCHEMA "rmtmc.sweep.points/1"
/* No checkpoint is larger: 64 points of 64 rows, a header of a few KiB. */
#define POINTS_MAX_BYTES (16.0 * 1048576.0)

/* A number of a field: null (NaN) or a finite double. */
static int parse_num(const char **s, double *v) {
  if (strncmp(*s, "null", 4) == 0) {
    *v = NAN;
    *s += 4;
    return 1;
  }
  const char *e = *s;
  while (*e && strchr("0123456789+-.eE", *e)) ++e;
  if (e == *s || rmtmc_parse_double(*s, e, v) != RMTMC_NUM_OK) return 0;
  *s = e;
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
  return p && parse_num(&p, v) && (*p == ',' || *p == '}');
}

/* The digits of an integer field (up to ',' or '}'). */
static const char *int_end(const char *p) {
  const char *e = p;
  if (*e == '-') ++e;
  while (*e >= '0' && *e <= '9') ++e;
  return (*e == ',' || *e == '}') ? e : NULL;
}

/* An integer field, parsed as an integer. */
static int get_int(const char *line, const char *key, int64_t *v) {
  const char *p = find_key(line, key), *e = p ? int_end(p) : NULL;
  return e && rmtmc_parse_int64(p, e, v) == RMTMC_NUM_OK;
}

/* A uint64 field (a seed above 2^53 keeps every digit). */
static int get_uint(const char *line, const char *key, uint64_t *v) {
  const char *p = find_key(line, key), *e = p ? int_end(p) : NULL;
  return e && rmtmc_parse_uint64(p, e, v) == RMTMC_NUM_OK;
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

/* A point line of this sweep (its index's value, d, n, seed and number of
 * rows: the z points of the spectrum, functionals x z of the resolvent);
 * NULL when it reads back, else what is wrong with it. */
static const char *parse_point_line(const char *line, const rmtmc_sweep_config *c, int64_t rows,
                                    rmtmc_sweep_point *p) {
  size_t len = strlen(line);
  if (len < 2 || line[0] != '{' || line[len - 1] != '}') return "not a JSON object on one line";
  int64_t idx, val, d, n, nz;
  uint64_t seed;
  if (!get_int(line, "index", &idx) || !get_int(line, "value", &val) || !get_int(line, "d", &d) ||
      !get_int(line, "n", &n) || !get_uint(line, "seed", &seed) || !get_int(line, "nz", &nz))
    return "index, value, d, n, seed or nz missing or not an integer";
  if (!(idx >= 0 && idx < c->npoints)) return "its index is not a point of this sweep";
  if (c->values[idx] != val) return "its value is not the value of its index in --values";
  if (nz != rows || nz > RMTMC_SWEEP_MAX_ROWS) return "its number of rows (z points) is not this sweep's";
  memset(p, 0, sizeof *p);
  p->index = idx;
  p->value = val;
  p->d = d;
  p->n = n;
  p->seed = seed;
  p->nz = nz;
  if (seed != c->base.run.seed + (uint64_t)idx) return "its seed is not the seed of its index";
  if (!get_arr(line, "z_re", p->z_re, p->nz) || !get_arr(line, "z_im", p->z_im, p->nz) ||
      !get_arr(line, "empirical_re", p->emp_re, p->nz) || !get_arr(line, "empirical_im", p->emp_im, p->nz) ||
      !get_arr(line, "theory_re", p->th_re, p->nz) || !get_arr(line, "theory_im", p->th_im, p->nz) ||
      !get_arr(line, "stderr_re", p->se_re, p->nz) || !get_arr(line, "stderr_im", p->se_im, p->nz) ||
      !get_arr(line, "sd_re", p->sd_re, p->nz) || !get_arr(line, "sd_im", p->sd_im, p->nz) ||
      !get_num(line, "seconds", &p->seconds))
    return "an array of numbers is missing or malformed";
  get_plain_str(line, "backend", p->backend, sizeof p->backend);
  p->resumed = 1;
  return NULL;
}

/* The header: schema, hash and the config text as a JSON string. */
static void points_header(FILE *f, const rmtmc_sweep_result *r) {
  fprintf(f, "{\"schema\":\"" POINTS_SCHEMA "\",\"config_hash\":\"%016llx\",\"config\":\"",
          (unsigned long long)r->config_hash);
  for (const unsigned char *s = (const unsigned char *)r->config_text; *s; ++s) {
    if (*s == '"' || *s == '\\') fprintf(f, "\\%c", *s);
    else if (*s < 0x20 || *s == 0x7f) fprintf(f, "\\u%04x", *s);
    else fputc(*s, f);
  }
  fprintf(f, "\"}\n");
}

/* The config text of a header line (its JSON string unescaped). */
static void header_config(const char *line, char *out, size_t cap) {
  const char *p = find_key(line, "config");
  size_t o = 0;
  if (p && *p == '"')
    for (++p; *p && *p != '"' && o + 1 < cap; ++p) {
      if (*p == '\\' && p[1] == 'u' && strlen(p) >= 6) {
        out[o++] = (char)strtol((char[]){p[2], p[3], p[4], p[5], 0}, NULL, 16);
        p += 5;
      } else if (*p == '\\' && p[1]) {
        out[o++] = *++p;
      } else {
        out[o++] = *p;
      }
    }
  out[o] = '\0';
}

/* "it has K=A where this run has K=B": the first field that differs. */
static void first_difference(const char *old, const char *now, char *out, size_t cap) {
  for (;;) {
    size_t lo = strcspn(old, ";"), ln = strcspn(now, ";");
    if (lo != ln || strncmp(old, now, lo) != 0) {
      char a[100], b[100];
      rmtmc_text_escape(a, sizeof a, old, lo);
      rmtmc_text_escape(b, sizeof b, now, ln);
      snprintf(out, cap, "it has %s where this run has %s", lo ? a : "(nothing)", ln ? b : "(nothing)");
      return;
    }
    if (!old[lo] || !now[ln]) break;
    old += lo + 1;
    now += ln + 1;
  }
  snprintf(out, cap, "its config hash differs");
}

typedef struct {
  const char *data;
  size_t len;
} bytes_ctx;

static rmtmc_status write_bytes(FILE *f, const void *ctx, rmtmc_error *err) {
  const bytes_ctx *b = ctx;
  if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
    return rmtmc_error_set(err, RMTMC_ERR_WRITE, "cannot write: %s", strerror(errno ? errno : EIO));
  return RMTMC_OK;
}

static rmtmc_status points_path(const char *dir, char *path, size_t size, rmtmc_error *err) {
  if ((size_t)snprintf(path, size, "%s/" POINTS_NAME, dir) >= size)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output path %s is too long", dir);
  return RMTMC_OK;
}

rmtmc_status rmtmc_sweep_points_resume(const char *dir, rmtmc_sweep_result *r, int *have, rmtmc_error *err) {
  char path[4200];
  rmtmc_status st = points_path(dir, path, sizeof path, err);
  if (st != RMTMC_OK) return st;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return RMTMC_OK; /* nothing to resume; created with the first point */
    return rmtmc_error_set(err, RMTMC_ERR_IO, "cannot read %s: %s", path, strerror(errno));
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (double)sb.st_size > POINTS_MAX_BYTES) {
    close(fd);
    return rmtmc_error_set(err, RMTMC_ERR_PARSE, "%s is not a sweep checkpoint (%s); remove it to start again", path,
                           S_ISREG(sb.st_mode) ? "far larger than any checkpoint" : "not a regular file");
  }
  size_t size = (size_t)sb.st_size;
  char *data = malloc(size + 1);
  if (!data) {
    close(fd);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  size_t got = 0;
  while (got < size) {
    ssize_t k = read(fd, data + got, size - got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    got += (size_t)k;
  }
  close(fd);
  data[got] = '\0';
  size_t complete = 0; /* bytes of complete lines */
  int64_t lineno = 0;
  for (size_t at = 0; st == RMTMC_OK && at < got;) {
    char *nl = memchr(data + at, '\n', got - at);
    if (!nl) break; /* a torn last line: dropped below */
    *nl = '\0';
    char *line = data + at;
    ++lineno;
    if (lineno == 1) {
      char want[64], old[RMTMC_SWEEP_CONFIG_LEN], why[300];
      snprintf(want, sizeof want, "\"config_hash\":\"%016llx\"", (unsigned long long)r->config_hash);
      static const char lead[] = "{\"schema\":\"" POINTS_SCHEMA "\"";
      if (strncmp(line, lead, sizeof lead - 1) != 0 ||
          !find_key(line, "config_hash"))
        st = rmtmc_error_set(err, RMTMC_ERR_PARSE,
                             "%s is corrupt: line 1 is not a sweep checkpoint header; remove the file to start again",
                             path);
      else if (!strstr(line, want)) {
        header_config(line, old, sizeof old);
        first_difference(old, r->config_text, why, sizeof why);
        st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "%s belongs to a different sweep (%s); use another --out, or remove the directory to "
                             "start again",
                             path, why);
      }
    } else {
      rmtmc_sweep_point p;
      const char *why = parse_point_line(line, &r->config, r->nz, &p);
      if (!why && have[p.index] && memcmp(&r->points[p.index], &p, sizeof p) != 0)
        why = "a second, different line for the same point";
      if (why)
        st = rmtmc_error_set(err, RMTMC_ERR_PARSE,
                             "%s is corrupt: line %lld does not read back (%s); remove that line (or the file) and "
                             "rerun to recompute the point",
                             path, (long long)lineno, why);
      else if (!have[p.index]) {
        r->points[p.index] = p;
        have[p.index] = 1;
      }
    }
    *nl = '\n';
    at = (size_t)(nl - data) + 1;
    complete = at;
  }
  if (st == RMTMC_OK && lineno == 0 && got > 0)
    st = rmtmc_error_set(err, RMTMC_ERR_PARSE,
                         "%s is corrupt: it has no complete header line; remove the file to start again", path);
  if (st == RMTMC_OK) {
    for (int64_t i = 0; i < r->config.npoints; ++i) r->resumed += have[i];
    if (complete < got) { /* the torn tail of a killed append: rewrite without it */
      bytes_ctx b = {.data = data, .len = complete};
      st = rmtmc_write_atomic(path, write_bytes, &b, err);
    }
  }
  free(data);
  return st;
}

/* mkdir -p dir. */
static rmtmc_status make_dirs(const char *dir, rmtmc_error *err) {
  char p[4200];
  snprintf(p, sizeof p, "%s", dir);
  size_t len = strlen(p);
  for (size_t i = 1; i <= len; ++i) {
    if (p[i] != '/' && p[i] != '\0') continue;
    char c = p[i];
    p[i] = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
      return rmtmc_error_set(err, RMTMC_ERR_WRITE, "cannot create %s: %s", p, strerror(errno));
    p[i] = c;
  }
  return RMTMC_OK;
}

typedef struct {
  const rmtmc_sweep_result *r;
  const rmtmc_sweep_point *p;
} first_ctx;

static rmtmc_status write_first(FILE *f, const void *ctx, rmtmc_error *err) {
  const first_ctx *c = ctx;
  points_header(f, c->r);
  write_point_line(f, c->r, c->p);
  return RMTMC_OK;
}

rmtmc_status rmtmc_sweep_points_append(const char *dir, const rmtmc_sweep_result *r, const rmtmc_sweep_point *p,
                                       rmtmc_error *err) {
  char path[4200];
  rmtmc_status st = points_path(dir, path, sizeof path, err);
  if (st != RMTMC_OK) return st;
  struct stat sb;
  if (lstat(path, &sb) != 0) { /* the first point: DIR and the file with its header */
    st = make_dirs(dir, err);
    first_ctx c = {.r = r, .p = p};
    return st == RMTMC_OK ? rmtmc_write_atomic(path, write_first, &c, err) : st;
  }
  FILE *out = fopen(path, "a");
  if (!out) return rmtmc_error_set(err, RMTMC_ERR_WRITE, "cannot append to %s: %s", path, strerror(errno));
  errno = 0;
  write_point_line(out, r, p);
  if (fflush(out) != 0 || ferror(out) || fsync(fileno(out)) != 0)
    st = rmtmc_error_set(err, RMTMC_ERR_WRITE, "cannot append to %s: %s", path, strerror(errno ? errno : EIO));
  if (fclose(out) != 0 && st == RMTMC_OK)
    st = rmtmc_error_set(err, RMTMC_ERR_WRITE, "cannot close %s: %s", path, strerror(errno));
  return st;
}
