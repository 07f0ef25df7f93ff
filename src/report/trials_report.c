/* trials_report.c: the per-trial tables of --save-trials DIR
 * (docs/per_trial.md): observables.npy, columns.json, eigenvalues.npy. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rmtmc.h"
#include "rmtmc_report.h"

/* One double as 8 little-endian bytes, whatever the host's byte order. */
static void put_le64(FILE *f, double v) {
  uint64_t u;
  unsigned char b[8];
  memcpy(&u, &v, sizeof u);
  for (int i = 0; i < 8; ++i) b[i] = (unsigned char)(u >> (8 * i));
  fwrite(b, 1, 8, f);
}

rmtmc_status rmtmc_npy_write(FILE *f, const double *data, int64_t rows, int64_t cols, rmtmc_error *err) {
  /* NPY 1.0: magic, version 1.0, header length (uint16 LE), then the
   * header dict padded with spaces and ended by a newline so that the data
   * start on a multiple of 64 bytes. */
  char dict[128];
  int n = snprintf(dict, sizeof dict, "{'descr': '<f8', 'fortran_order': False, 'shape': (%lld, %lld), }",
                   (long long)rows, (long long)cols);
  size_t total = 10 + (size_t)n + 1;
  size_t pad = (64 - total % 64) % 64;
  size_t hlen = (size_t)n + pad + 1;
  if (hlen > 65535) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "npy header too long");
  unsigned char head[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hlen & 0xff),
                            (unsigned char)(hlen >> 8)};
  fwrite(head, 1, sizeof head, f);
  fwrite(dict, 1, (size_t)n, f);
  for (size_t i = 0; i < pad; ++i) fputc(' ', f);
  fputc('\n', f);
  for (int64_t i = 0; i < rows * cols; ++i) put_le64(f, data[i]);
  return RMTMC_OK;
}

static rmtmc_status observables_npy(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_trials *t = ((const rmtmc_trials_files *)ctx)->t;
  return rmtmc_npy_write(f, t->data, t->rows, t->cols, err);
}

static rmtmc_status eigenvalues_npy(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_trials *t = ((const rmtmc_trials_files *)ctx)->t;
  return rmtmc_npy_write(f, t->eigenvalues, t->rows, t->eig_cols, err);
}

/* "key": {"file": FILE, "shape": [rows, cols], ... (left open) */
static void npy_object(rmtmc_json *j, const char *key, const char *file, int64_t rows, int64_t cols) {
  rmtmc_json_object(j, key);
  rmtmc_json_str(j, "file", file);
  rmtmc_json_str(j, "format", "NumPy .npy 1.0, little-endian float64, C order");
  rmtmc_json_array(j, "shape");
  rmtmc_json_int(j, NULL, rows);
  rmtmc_json_int(j, NULL, cols);
  rmtmc_json_array_end(j);
}

static rmtmc_status columns_json(FILE *f, const void *ctx, rmtmc_error *err) {
  const rmtmc_trials_files *tf = ctx;
  const rmtmc_trials *t = tf->t;
  rmtmc_json j;
  rmtmc_json_begin(&j, f);
  rmtmc_json_str(&j, "schema", "rmtmc.columns/1");
  rmtmc_json_str(&j, "rmtmc_version", rmtmc_version());
  rmtmc_json_str(&j, "study", tf->study);
  rmtmc_json_uint(&j, "seed", (unsigned long long)tf->seed);
  rmtmc_json_int(&j, "trials", t->rows);
  npy_object(&j, "observables", "observables.npy", t->rows, t->cols);
  rmtmc_json_str(&j, "rows", "trial t = 0, 1, ..., trials - 1 (the trial index of the seed's streams)");
  rmtmc_json_array(&j, "columns");
  for (int64_t c = 0; c < t->cols; ++c) {
    const rmtmc_column *col = &t->columns[c];
    rmtmc_json_object(&j, NULL);
    rmtmc_json_int(&j, "index", c);
    rmtmc_json_str(&j, "name", col->name);
    rmtmc_json_str(&j, "meaning", col->meaning);
    if (strcmp(col->param, "z") == 0) {
      rmtmc_json_num(&j, "z_re", col->param_re);
      rmtmc_json_num(&j, "z_im", col->param_im);
    } else if (col->param[0]) {
      rmtmc_json_num(&j, col->param, col->param_re);
    }
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_json_object_end(&j);
  if (t->eigenvalues) {
    npy_object(&j, "eigenvalues", "eigenvalues.npy", t->rows, t->eig_cols);
    rmtmc_json_str(&j, "order", "ascending in each row; the max(0, d - n) structural zeros are exactly 0");
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_end(&j);
  return RMTMC_OK;
}

int rmtmc_trials_files_list(const rmtmc_trials_files *tf, rmtmc_out_file *files) {
  static const struct {
    const char *name;
    rmtmc_writer_fn fn;
  } all[3] = {{"observables.npy", observables_npy}, {"columns.json", columns_json}, {"eigenvalues.npy", eigenvalues_npy}};
  int n = tf->t->eigenvalues ? 3 : 2;
  for (int i = 0; i < n; ++i) {
    snprintf(files[i].name, sizeof files[i].name, "%s", all[i].name);
    files[i].fn = all[i].fn;
    files[i].ctx = tf;
  }
  return n;
}
