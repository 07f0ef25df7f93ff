/* numfile.c: bounded reader of numeric text files and NumPy .npy files
 * (numfile.h). */
#include "core/numfile.h"

#include "core/numparse.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#define CHUNK 65536       /* bytes read at a time */
#define TOKEN_MAX 256     /* longest token looked at as a number */
#define NPY_HEADER_MAX (1 << 20)

typedef struct reader {
  int fd;
  char label[700]; /* opt + escaped path */
  const char *hint;
  int64_t max;
  int64_t capv, capr;
  rmtmc_numfile *out;
  rmtmc_error *err;
} reader;

static const char *kind_name(mode_t m) {
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a FIFO (named pipe) or pipe";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

/* Room for one more element in *p (capacity *cap, at most limit): 0 or -1. */
static int grow(void **p, int64_t *cap, int64_t used, int64_t limit, size_t size) {
  if (used < *cap) return 0;
  int64_t n = *cap ? 2 * *cap : 64;
  if (n > limit) n = limit;
  void *q = realloc(*p, (size_t)n * size);
  if (!q) return -1;
  *p = q;
  *cap = n;
  return 0;
}

/* 0: stored, 1: one more than max (stop), -1: out of memory. */
static int push_value(reader *r, double x) {
  rmtmc_numfile *o = r->out;
  if (o->count >= r->max) {
    o->more = 1;
    return 1;
  }
  if (grow((void **)&o->v, &r->capv, o->count, r->max, sizeof(double)) != 0) return -1;
  o->v[o->count++] = x;
  return 0;
}

static int push_row(reader *r, int64_t len) {
  rmtmc_numfile *o = r->out;
  if (grow((void **)&o->row_len, &r->capr, o->rows, INT64_MAX, sizeof(int64_t)) != 0) return -1;
  o->row_len[o->rows++] = len;
  return 0;
}

static rmtmc_status nomem(reader *r) {
  return rmtmc_error_set(r->err, RMTMC_ERR_NOMEM, "%s: out of memory while reading it", r->label);
}

/* ------------------------------------------------------------- text */

static int is_sep(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' || c == ',';
}

static int is_binary(unsigned char c) {
  return c == 0x7f || (c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\v' && c != '\f');
}

/* 0: stored, 1: stop (max reached), otherwise an error status. */
static int finish_token(reader *r, char *tok, size_t len, int toolong, int64_t line,
                        rmtmc_status *st) {
  char shown[64];
  tok[len] = '\0';
  double v = 0.0;
  rmtmc_num num = toolong ? RMTMC_NUM_SYNTAX : rmtmc_parse_double(tok, tok + len, &v);
  if (num != RMTMC_NUM_OK) {
    rmtmc_text_escape(shown, sizeof shown, tok, len);
    if (num == RMTMC_NUM_SYNTAX)
      *st = rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s line %lld: '%s' is not a number%s", r->label,
                            (long long)line, shown, r->hint ? r->hint : "");
    else
      *st = rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s line %lld: '%s' %s", r->label, (long long)line, shown,
                            rmtmc_num_problem(num, 'd'));
    return 2;
  }
  int p = push_value(r, v);
  if (p < 0) {
    *st = nomem(r);
    return 2;
  }
  return p;
}

static rmtmc_status read_text(reader *r, unsigned char *buf, ssize_t n, double budget) {
  char tok[TOKEN_MAX + 1];
  size_t tlen = 0;
  int toolong = 0, in_comment = 0;
  int64_t line = 1, on_line = 0;
  double total = 0.0;
  rmtmc_status st = RMTMC_OK;
  size_t start = 0;
  if (n >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf) start = 3; /* UTF-8 BOM */
  for (;;) {
    total += (double)n;
    if (total > budget)
      return rmtmc_error_set(r->err, RMTMC_ERR_PARSE,
                             "%s is larger than the %.0f bytes a text file of at most %lld numbers may take",
                             r->label, budget, (long long)r->max);
    for (ssize_t i = (ssize_t)start; i < n; ++i) {
      unsigned char c = buf[i];
      if (is_binary(c))
        return rmtmc_error_set(r->err, RMTMC_ERR_PARSE,
                               "%s is not a text file of numbers (byte 0x%02x on line %lld)", r->label, c,
                               (long long)line);
      if (in_comment) {
        if (c != '\n') continue;
        in_comment = 0;
      }
      if (c == '#' || is_sep(c)) {
        if (tlen > 0) {
          int f = finish_token(r, tok, tlen, toolong, line, &st);
          if (f == 1) return RMTMC_OK;
          if (f) return st;
          ++on_line;
          tlen = 0;
          toolong = 0;
        }
        if (c == '#') in_comment = 1;
        if (c == '\n') {
          if (on_line > 0 && push_row(r, on_line) < 0) return nomem(r);
          on_line = 0;
          ++line;
        }
        continue;
      }
      if (tlen < TOKEN_MAX) tok[tlen++] = (char)c;
      else toolong = 1;
    }
    start = 0;
    do n = read(r->fd, buf, CHUNK);
    while (n < 0 && errno == EINTR);
    if (n < 0) return rmtmc_error_set(r->err, RMTMC_ERR_IO, "%s: cannot read: %s", r->label, strerror(errno));
    if (n == 0) break;
  }
  if (tlen > 0) {
    int f = finish_token(r, tok, tlen, toolong, line, &st);
    if (f == 1) return RMTMC_OK;
    if (f) return st;
    ++on_line;
  }
  if (on_line > 0 && push_row(r, on_line) < 0) return nomem(r);
  return RMTMC_OK;
}

/* -------------------------------------------------------------- .npy */

static const unsigned char NPY_MAGIC[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

static int read_at(int fd, void *dst, size_t len, off_t off) {
  size_t got = 0;
  while (got < len) {
    ssize_t k = pread(fd, (char *)dst + got, len - got, off + (off_t)got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    got += (size_t)k;
  }
  return 0;
}

/* Pointer just after "KEY": (single or double quotes), or NULL. */
static const char *npy_key(const char *h, const char *key) {
  char a[32], b[32];
  snprintf(a, sizeof a, "'%s'", key);
  snprintf(b, sizeof b, "\"%s\"", key);
  const char *p = strstr(h, a);
  if (!p) p = strstr(h, b);
  if (!p) return NULL;
  p += strlen(a);
  while (*p == ' ') ++p;
  if (*p != ':') return NULL;
  ++p;
  while (*p == ' ') ++p;
  return p;
}

typedef enum { NPY_F8, NPY_F4, NPY_I4, NPY_I8 } npy_type;

static rmtmc_status npy_header(reader *r, const char *h, npy_type *type, int *fortran,
                               int *ndim, int64_t shape[2]) {
  const char *p = npy_key(h, "descr");
  char descr[24] = {0}, shown[64];
  if (p && (*p == '\'' || *p == '"')) {
    char q = *p++;
    size_t k = 0;
    while (*p && *p != q && k < sizeof descr - 1) descr[k++] = *p++;
    if (*p != q) p = NULL;
  } else
    p = NULL;
  if (!p)
    return rmtmc_error_set(r->err, RMTMC_ERR_PARSE,
                           "%s: the .npy header has no simple 'descr' (structured arrays are not supported)", r->label);
  if (strcmp(descr, "<f8") == 0) *type = NPY_F8;
  else if (strcmp(descr, "<f4") == 0) *type = NPY_F4;
  else if (strcmp(descr, "<i4") == 0) *type = NPY_I4;
  else if (strcmp(descr, "<i8") == 0) *type = NPY_I8;
  else {
    rmtmc_text_escape(shown, sizeof shown, descr, strlen(descr));
    return rmtmc_error_set(r->err, RMTMC_ERR_PARSE,
                           "%s: .npy dtype '%s' is not supported; save the array as little-endian float64 ('<f8'), float32, int32 or int64%s",
                           r->label, shown, descr[0] == '>' ? " (this one is big-endian)" : "");
  }
  p = npy_key(h, "fortran_order");
  if (p && strncmp(p, "True", 4) == 0) *fortran = 1;
  else if (p && strncmp(p, "False", 5) == 0) *fortran = 0;
  else return rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s: the .npy header has no 'fortran_order'", r->label);
  p = npy_key(h, "shape");
  if (!p || *p != '(') return rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s: the .npy header has no 'shape'", r->label);
  ++p;
  *ndim = 0;
  shape[0] = shape[1] = 1;
  for (;;) {
    while (*p == ' ') ++p;
    if (*p == ')') break;
    if (*p < '0' || *p > '9')
      return rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s: the .npy header's 'shape' is malformed", r->label);
    int64_t v = 0;
    while (*p >= '0' && *p <= '9') {
      if (v > ((int64_t)1 << 50))
        return rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s: the .npy shape is absurdly large", r->label);
      v = 10 * v + (*p++ - '0');
    }
    if (*ndim < 2) shape[*ndim] = v;
    ++*ndim;
    while (*p == ' ') ++p;
    if (*p == ',') ++p;
    else if (*p != ')')
      return rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s: the .npy header's 'shape' is malformed", r->label);
  }
  if (*ndim < 1 || *ndim > 2)
    return rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s: the .npy array has %d dimensions; give a 1-D or 2-D array",
                           r->label, *ndim);
  return RMTMC_OK;
}

static double npy_value(const unsigned char *b, npy_type t) {
  uint64_t u = 0;
  int size = (t == NPY_F8 || t == NPY_I8) ? 8 : 4;
  for (int i = size - 1; i >= 0; --i) u = (u << 8) | b[i]; /* little-endian on any host */
  switch (t) {
    case NPY_F8: {
      double x;
      memcpy(&x, &u, 8);
      return x;
    }
    case NPY_F4: {
      uint32_t w = (uint32_t)u;
      float x;
      memcpy(&x, &w, 4);
      return (double)x;
    }
    case NPY_I4: return (double)(int32_t)(uint32_t)u;
    case NPY_I8: return (double)(int64_t)u;
  }
  return NAN;
}

static rmtmc_status read_npy(reader *r, const unsigned char *pre, ssize_t npre, const struct stat *sb) {
  rmtmc_numfile *o = r->out;
  if (npre < 10)
    return rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s: the .npy file is truncated (no header)", r->label);
  int major = pre[6], minor = pre[7];
  size_t hlen, hoff;
  if (major == 1) {
    hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
    hoff = 10;
  } else if ((major == 2 || major == 3) && npre >= 12) {
    hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    hoff = 12;
  } else
    return rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s: .npy format version %d.%d is not supported (1.0, 2.0 or 3.0)",
                           r->label, major, minor);
  if (hlen > NPY_HEADER_MAX)
    return rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s: the .npy header is implausibly long (%zu bytes)", r->label, hlen);
  char *h = malloc(hlen + 1);
  if (!h) return nomem(r);
  if (read_at(r->fd, h, hlen, (off_t)hoff) != 0) {
    free(h);
    return rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s: the .npy file is truncated (header)", r->label);
  }
  h[hlen] = '\0';
  for (size_t i = 0; i < hlen; ++i)
    if (h[i] == '\0') h[i] = ' ';
  npy_type type = NPY_F8;
  int fortran = 0, ndim = 0;
  int64_t shape[2];
  rmtmc_status st = npy_header(r, h, &type, &fortran, &ndim, shape);
  free(h);
  if (st != RMTMC_OK) return st;
  size_t isz = (type == NPY_F8 || type == NPY_I8) ? 8 : 4;
  double count = (double)shape[0] * (double)shape[1], need = (double)(hoff + hlen) + count * (double)isz;
  if ((double)sb->st_size != need) {
    char sh[64];
    if (ndim == 2) snprintf(sh, sizeof sh, "(%lld, %lld)", (long long)shape[0], (long long)shape[1]);
    else snprintf(sh, sizeof sh, "(%lld,)", (long long)shape[0]);
    return rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s: the .npy file is %s: %lld bytes, but its header (shape %s) needs %.0f",
                           r->label, (double)sb->st_size < need ? "truncated" : "longer than its header says",
                           (long long)sb->st_size, sh, need);
  }
  o->npy = 1;
  o->ndim = ndim;
  o->shape[0] = shape[0];
  o->shape[1] = shape[1];
  int64_t total = (int64_t)count, keep = total;
  if (total > r->max) {
    o->more = 1;
    keep = r->max;
  }
  if (keep > 0) {
    o->v = malloc((size_t)keep * sizeof(double));
    if (!o->v) return nomem(r);
  }
  /* Values in file order; a Fortran-order 2-D array is transposed below. */
  unsigned char *buf = malloc(CHUNK);
  if (!buf) return nomem(r);
  off_t off = (off_t)(hoff + hlen);
  int64_t done = 0, per = (int64_t)(CHUNK / isz);
  if (fortran && ndim == 2 && o->more) keep = 0; /* the caller refuses it anyway */
  while (st == RMTMC_OK && done < keep) {
    int64_t k = keep - done < per ? keep - done : per;
    if (read_at(r->fd, buf, (size_t)k * isz, off) != 0) {
      st = rmtmc_error_set(r->err, RMTMC_ERR_IO, "%s: cannot read: %s", r->label, errno ? strerror(errno) : "short read");
      break;
    }
    for (int64_t i = 0; i < k; ++i) {
      double x = npy_value(buf + (size_t)i * isz, type);
      if (!isfinite(x)) {
        st = rmtmc_error_set(r->err, RMTMC_ERR_PARSE, "%s: element %lld of the array is not finite (NaN or infinity)",
                             r->label, (long long)(done + i + 1));
        break;
      }
      o->v[done + i] = x;
    }
    done += k;
    off += (off_t)((size_t)k * isz);
  }
  free(buf);
  if (st != RMTMC_OK) return st;
  o->count = keep;
  if (o->more) return RMTMC_OK;
  if (fortran && ndim == 2 && total > 0) {
    double *t = malloc((size_t)total * sizeof(double));
    if (!t) return nomem(r);
    for (int64_t j = 0; j < shape[1]; ++j)
      for (int64_t i = 0; i < shape[0]; ++i) t[i * shape[1] + j] = o->v[i + j * shape[0]];
    free(o->v);
    o->v = t;
  }
  int64_t nrows = ndim == 2 ? shape[0] : 1;
  if (total > 0)
    for (int64_t i = 0; i < nrows; ++i)
      if (push_row(r, ndim == 2 ? shape[1] : shape[0]) < 0) return nomem(r);
  return RMTMC_OK;
}

/* ------------------------------------------------------------ entry */

rmtmc_status rmtmc_numfile_read(const char *opt, const char *path, int64_t max_count,
                                const char *hint, rmtmc_numfile *out, rmtmc_error *err) {
  memset(out, 0, sizeof *out);
  reader r;
  memset(&r, 0, sizeof r);
  r.out = out;
  r.err = err;
  r.hint = hint;
  r.max = max_count < 1 ? 1 : max_count;
  char shown[512];
  rmtmc_text_escape(shown, sizeof shown, path, strlen(path));
  snprintf(r.label, sizeof r.label, "%s%s", opt, shown);
  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  r.fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (r.fd < 0) return rmtmc_error_set(err, RMTMC_ERR_IO, "%s: cannot open: %s", r.label, strerror(errno));
  struct stat sb;
  rmtmc_status st = RMTMC_OK;
  unsigned char *buf = NULL;
  if (fstat(r.fd, &sb) != 0)
    st = rmtmc_error_set(err, RMTMC_ERR_IO, "%s: cannot stat: %s", r.label, strerror(errno));
  else if (S_ISDIR(sb.st_mode))
    st = rmtmc_error_set(err, RMTMC_ERR_PARSE, "%s is a directory; give a text file of numbers", r.label);
  else if (!S_ISREG(sb.st_mode))
    st = rmtmc_error_set(err, RMTMC_ERR_PARSE, "%s is %s, not a regular file; give a text file of numbers",
                         r.label, kind_name(sb.st_mode));
  else if (!(buf = malloc(CHUNK)))
    st = nomem(&r);
  ssize_t n = 0;
  if (st == RMTMC_OK) {
    do n = read(r.fd, buf, CHUNK);
    while (n < 0 && errno == EINTR);
    if (n < 0) st = rmtmc_error_set(err, RMTMC_ERR_IO, "%s: cannot read: %s", r.label, strerror(errno));
  }
  if (st == RMTMC_OK) {
    if (n >= 6 && memcmp(buf, NPY_MAGIC, 6) == 0) {
      st = read_npy(&r, buf, n, &sb);
    } else {
      double budget = RMTMC_NUMFILE_BUDGET(r.max);
      if ((double)sb.st_size > budget)
        st = rmtmc_error_set(err, RMTMC_ERR_PARSE,
                             "%s is %lld bytes, more than the %.0f bytes a text file of at most %lld numbers may take",
                             r.label, (long long)sb.st_size, budget, (long long)r.max);
      else
        st = read_text(&r, buf, n, budget);
    }
  }
  free(buf);
  close(r.fd);
  if (st != RMTMC_OK) rmtmc_numfile_free(out);
  return st;
}

void rmtmc_numfile_free(rmtmc_numfile *f) {
  if (!f) return;
  free(f->v);
  free(f->row_len);
  memset(f, 0, sizeof *f);
}
