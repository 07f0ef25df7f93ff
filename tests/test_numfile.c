/* test_numfile.c: the bounded numeric-file reader (src/core/numfile.h):
 * text layouts, row structure, the count and byte bounds, binary content,
 * special files (/dev/zero, /dev/urandom, a FIFO, a directory) refused at
 * once, messages free of raw bytes, and NumPy .npy files of every supported
 * dtype, order and header version. */
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "core/clock.h"
#include "core/numfile.h"

static char dir[] = "/tmp/rmtmc_numfile_XXXXXX";

static const char *path_of(const char *name) {
  static char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return p;
}

static const char *write_file(const char *name, const void *data, size_t len) {
  const char *p = path_of(name);
  FILE *f = fopen(p, "wb");
  if (!f) return p;
  fwrite(data, 1, len, f);
  fclose(f);
  return p;
}

static int clean_line(const char *s) {
  for (; *s; ++s)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f) return 0;
  return 1;
}

/* Read and report: status, and whether it took under a second. */
static rmtmc_status rd(const char *path, int64_t max, rmtmc_numfile *nf, rmtmc_error *err, double *secs) {
  double t0 = rmtmc_now_seconds();
  rmtmc_error_clear(err);
  rmtmc_status st = rmtmc_numfile_read("--test ", path, max, " (hint)", nf, err);
  *secs = rmtmc_now_seconds() - t0;
  return st;
}

/* A refused file: the status, a message containing `want`, one clean line,
 * in well under a second. */
static void expect_refused(check_ctx *c, const char *what, const char *path, int64_t max, const char *want) {
  rmtmc_numfile nf;
  rmtmc_error err;
  double secs;
  rmtmc_status st = rd(path, max, &nf, &err, &secs);
  char line[900];
  int ok = st != RMTMC_OK && strstr(err.msg, want) && clean_line(err.msg) && secs < 1.0 && nf.v == NULL;
  snprintf(line, sizeof line, "%s: refused in %.3f s: %s", what, secs, err.msg);
  check_true(c, ok, line);
  rmtmc_numfile_free(&nf);
}

/* ---- .npy writer for the tests ---- */
static const char *write_npy(const char *name, int major, const char *descr, int fortran, const char *shape,
                             const void *data, size_t len) {
  char dict[256];
  int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr,
                   fortran ? "True" : "False", shape);
  size_t pre = major == 1 ? 10 : 12, total = pre + (size_t)n + 1;
  size_t pad = (64 - total % 64) % 64, hlen = (size_t)n + pad + 1;
  unsigned char head[512];
  memcpy(head, "\x93NUMPY", 6);
  head[6] = (unsigned char)major;
  head[7] = 0;
  if (major == 1) {
    head[8] = (unsigned char)(hlen & 255);
    head[9] = (unsigned char)(hlen >> 8);
  } else {
    for (int i = 0; i < 4; ++i) head[8 + i] = (unsigned char)(hlen >> (8 * i));
  }
  memcpy(head + pre, dict, (size_t)n);
  memset(head + pre + n, ' ', pad);
  head[pre + n + pad] = '\n';
  const char *p = path_of(name);
  FILE *f = fopen(p, "wb");
  fwrite(head, 1, pre + hlen, f);
  if (len) fwrite(data, 1, len, f);
  fclose(f);
  return p;
}

int main(void) {
  check_ctx c = {0, 0};
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  rmtmc_numfile nf;
  rmtmc_error err;
  double secs;
  char line[600];

  /* ---- text layouts ---- */
  const char *txt = "\xef\xbb\xbf# a header comment\n\n1, 2 3\r\n  4\t5e-1 # trailing comment\n\n-6,\n";
  rmtmc_status st = rd(write_file("a.txt", txt, strlen(txt)), 100, &nf, &err, &secs);
  check_true(&c, st == RMTMC_OK && nf.count == 6 && nf.v[0] == 1 && nf.v[4] == 0.5 && nf.v[5] == -6 && !nf.more,
             "text: commas, blanks, CRLF, BOM, comments give 6 numbers in order");
  check_true(&c, st == RMTMC_OK && nf.rows == 3 && nf.row_len[0] == 3 && nf.row_len[1] == 2 && nf.row_len[2] == 1,
             "text: numbers per line 3, 2, 1 (blank and comment lines skipped)");
  rmtmc_numfile_free(&nf);

  /* A comment line of 5 MB and a number line after it. */
  size_t big = 5 << 20;
  char *lc = malloc(big + 16);
  lc[0] = '#';
  memset(lc + 1, 'x', big - 1);
  memcpy(lc + big, "\n7 8\n", 6);
  st = rd(write_file("long.txt", lc, big + 5), 2, &nf, &err, &secs);
  snprintf(line, sizeof line, "text: a 5 MB comment line is fine (%.3f s)", secs);
  check_true(&c, st == RMTMC_OK && nf.count == 2 && nf.v[1] == 8, line);
  rmtmc_numfile_free(&nf);
  /* One line of 200000 numbers. */
  char *wide = malloc(600000);
  size_t o = 0;
  for (int i = 0; i < 200000; ++i) o += (size_t)sprintf(wide + o, "%d ", i % 10);
  st = rd(write_file("wide.txt", wide, o), 200000, &nf, &err, &secs);
  check_true(&c, st == RMTMC_OK && nf.count == 200000 && nf.rows == 1 && nf.row_len[0] == 200000,
             "text: one line of 200000 numbers");
  rmtmc_numfile_free(&nf);

  /* ---- the count bound ---- */
  st = rd(write_file("five.txt", "1 2 3 4 5\n", 10), 3, &nf, &err, &secs);
  check_true(&c, st == RMTMC_OK && nf.more == 1 && nf.count == 3, "more numbers than max: stops, more = 1, 3 kept");
  rmtmc_numfile_free(&nf);
  st = rd(path_of("five.txt"), 5, &nf, &err, &secs);
  check_true(&c, st == RMTMC_OK && nf.more == 0 && nf.count == 5, "exactly max numbers: more = 0");
  rmtmc_numfile_free(&nf);
  st = rd(write_file("empty.txt", "# nothing\n\n", 11), 5, &nf, &err, &secs);
  check_true(&c, st == RMTMC_OK && nf.count == 0 && nf.rows == 0, "only comments: no numbers, no rows");
  rmtmc_numfile_free(&nf);

  /* ---- the byte bound: a sparse file larger than the budget of max = 1 ---- */
  const char *sp = path_of("sparse.txt");
  int fd = open(sp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    if (ftruncate(fd, (off_t)RMTMC_NUMFILE_BUDGET(1) + 1) != 0) perror("ftruncate");
    close(fd);
  }
  expect_refused(&c, "a text file over the byte budget", sp, 1, "may take");

  /* ---- malformed content ---- */
  expect_refused(&c, "a word", write_file("w.txt", "1\n2\nabc\n", 8), 10, "line 3: 'abc' is not a number (hint)");
  expect_refused(&c, "nan", write_file("nan.txt", "1 nan\n", 6), 10, "not a finite number");
  expect_refused(&c, "overflow", write_file("ovf.txt", "1e400\n", 6), 10, "is too large");
  expect_refused(&c, "underflow", write_file("unf.txt", "1e-400\n", 7), 10, "too close to 0");
  expect_refused(&c, "a subnormal", write_file("sub.txt", "1e-320\n", 7), 10, "smallest normal double");
  expect_refused(&c, "a NUL byte", write_file("nul.txt", "1\n\0\n", 4), 10, "not a text file of numbers");
  expect_refused(&c, "a NUL byte in a comment", write_file("nulc.txt", "# a\0b\n1\n", 8), 10,
                 "not a text file of numbers");
  expect_refused(&c, "an escape sequence", write_file("esc.txt", "1 \x1b[2J\n", 7), 10, "not a text file of numbers");
  expect_refused(&c, "high bytes in a number (echoed escaped)", write_file("hi.txt", "1 2\xff\xfe\n", 6), 10,
                 "'2\\xff\\xfe' is not a number");
  unsigned char rnd[4096];
  FILE *ur = fopen("/dev/urandom", "rb");
  if (ur && fread(rnd, 1, sizeof rnd, ur) == sizeof rnd) {
    rnd[0] = 'x'; /* not the .npy magic */
    expect_refused(&c, "a regular file of random bytes", write_file("rnd.bin", rnd, sizeof rnd), 1000, "--test ");
  }
  if (ur) fclose(ur);

  /* ---- special files: refused at once, never read ---- */
  expect_refused(&c, "/dev/zero", "/dev/zero", 1000000, "character device");
  expect_refused(&c, "/dev/urandom", "/dev/urandom", 1000000, "character device");
  const char *fifo = path_of("fifo");
  if (mkfifo(fifo, 0600) == 0) expect_refused(&c, "a FIFO without a writer", fifo, 10, "FIFO");
  else check_true(&c, 0, "mkfifo");
  expect_refused(&c, "a directory", dir, 10, "is a directory");
  expect_refused(&c, "a missing file", path_of("missing"), 10, "cannot open");
  /* A hostile name: the message stays one clean line. */
  const char *hostile = write_file("a`touch PWNED`\nb\x1b[31m.txt", "x\n", 2);
  expect_refused(&c, "a name with a newline and an escape sequence", hostile, 10, "\\x0a");

  /* ---- .npy ---- */
  double m23[6] = {1, 2, 3, 4, 5, 6};
  st = rd(write_npy("c.npy", 1, "<f8", 0, "(2, 3)", m23, sizeof m23), 100, &nf, &err, &secs);
  check_true(&c, st == RMTMC_OK && nf.npy && nf.ndim == 2 && nf.shape[0] == 2 && nf.shape[1] == 3 && nf.count == 6 &&
                     nf.v[1] == 2 && nf.v[3] == 4 && nf.rows == 2 && nf.row_len[1] == 3,
             ".npy 1.0 <f8 C order (2, 3): row-major values, 2 rows of 3");
  rmtmc_numfile_free(&nf);
  /* Fortran order: the file holds columns; v comes back row-major. */
  double f23[6] = {1, 4, 2, 5, 3, 6};
  st = rd(write_npy("f.npy", 2, "<f8", 1, "(2, 3)", f23, sizeof f23), 100, &nf, &err, &secs);
  int same = st == RMTMC_OK && nf.count == 6;
  for (int i = 0; same && i < 6; ++i) same = nf.v[i] == m23[i];
  check_true(&c, same, ".npy 2.0 <f8 Fortran order (2, 3): transposed to row-major");
  rmtmc_numfile_free(&nf);
  float f4[3] = {0.5f, -1.25f, 3.0f};
  st = rd(write_npy("f4.npy", 1, "<f4", 0, "(3,)", f4, sizeof f4), 100, &nf, &err, &secs);
  check_true(&c, st == RMTMC_OK && nf.ndim == 1 && nf.count == 3 && nf.v[1] == -1.25 && nf.rows == 1 && nf.row_len[0] == 3,
             ".npy <f4 1-D (3,): one row of 3");
  rmtmc_numfile_free(&nf);
  int32_t i4[4] = {-7, 0, 7, 2147483647};
  st = rd(write_npy("i4.npy", 3, "<i4", 0, "(4,)", i4, sizeof i4), 100, &nf, &err, &secs);
  check_true(&c, st == RMTMC_OK && nf.count == 4 && nf.v[0] == -7 && nf.v[3] == 2147483647.0, ".npy 3.0 <i4");
  rmtmc_numfile_free(&nf);
  int64_t i8[2] = {-((int64_t)1 << 40), 5};
  st = rd(write_npy("i8.npy", 1, "<i8", 0, "(2, 1)", i8, sizeof i8), 100, &nf, &err, &secs);
  check_true(&c, st == RMTMC_OK && nf.count == 2 && nf.v[0] == -1099511627776.0 && nf.rows == 2, ".npy <i8 (2, 1)");
  rmtmc_numfile_free(&nf);
  st = rd(path_of("c.npy"), 4, &nf, &err, &secs);
  check_true(&c, st == RMTMC_OK && nf.more == 1 && nf.count == 4, ".npy with more elements than max: more = 1");
  rmtmc_numfile_free(&nf);
  expect_refused(&c, ".npy big-endian", write_npy("be.npy", 1, ">f8", 0, "(6,)", m23, sizeof m23), 100, "big-endian");
  expect_refused(&c, ".npy complex dtype", write_npy("cx.npy", 1, "<c16", 0, "(3,)", m23, 48), 100, "not supported");
  expect_refused(&c, ".npy 3-D", write_npy("3d.npy", 1, "<f8", 0, "(1, 2, 3)", m23, sizeof m23), 100, "3 dimensions");
  expect_refused(&c, ".npy 0-D", write_npy("0d.npy", 1, "<f8", 0, "()", m23, 8), 100, "0 dimensions");
  expect_refused(&c, ".npy truncated data", write_npy("tr.npy", 1, "<f8", 0, "(2, 3)", m23, 40), 100, "truncated");
  expect_refused(&c, ".npy trailing bytes", write_npy("tl.npy", 1, "<f8", 0, "(5,)", m23, sizeof m23), 100, "longer");
  double bad[2] = {1.0, NAN};
  expect_refused(&c, ".npy with a NaN", write_npy("nan.npy", 1, "<f8", 0, "(2,)", bad, sizeof bad), 100, "not finite");
  expect_refused(&c, ".npy version 9", write_file("v9.npy", "\x93NUMPY\x09\x00\x10\x00", 10), 100, "version 9.0");
  expect_refused(&c, ".npy without a header", write_file("nh.npy", "\x93NUMPY\x01", 7), 100, "truncated");

  free(lc);
  free(wide);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  return check_finish(&c);
}
