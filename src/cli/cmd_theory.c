/* cmd_theory.c: `rmtmc theory`: the closed forms alone, no simulation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "cli/cli.h"

/* 0 when dir exists as a directory or was created. */
static int mkdir_p_ok(const char *dir) {
  struct stat sb;
  if (stat(dir, &sb) == 0) return S_ISDIR(sb.st_mode) ? 0 : -1;
  return mkdir(dir, 0777);
}

typedef struct theory_out {
  const rmtmc_model *m;
  double eta;
  int64_t nint;
  double support[32];
  double atom;
  double moments[3];
  int64_t nz;
  const double *z_re, *z_im;
  double complex *mz, *mcz;
  int64_t grid;
  double *x, *f;
  double lam_top;  /* largest BBP outlier (spike:), or NAN */
} theory_out;

static void usage(FILE *f) {
  fprintf(f,
          "usage: rmtmc theory [options]\n"
          "\n"
          "Evaluate the limiting spectrum of S = X X^T / n for a population covariance\n"
          "and ratio eta = d/n: support edges, atom at 0, moments, m(z) and the density.\n"
          "\n"
          "  --sigma SPEC   population covariance (as in rmtmc spectrum; default identity)\n"
          "  --d D          dimension used to realise SPEC (default 1000)\n"
          "  --eta ETA      ratio d/n (default 0.5)\n"
          "  --z LIST       points for m(z) = integral dnu(x)/(x - z), e.g. -1,1+0.1i\n"
          "                 (default -1)\n"
          "  --grid K       density on K points across the support (default 200)\n"
          "  --json PATH    write the result (schema rmtmc.theory/1); default: stdout\n"
          "  --out DIR      write result.json, density.csv and stieltjes.csv into DIR\n"
          "  --help         this text\n");
}

static rmtmc_status write_json(FILE *f, const void *ctx, rmtmc_error *err) {
  const theory_out *t = ctx;
  rmtmc_json j;
  rmtmc_json_begin(&j, f);
  rmtmc_json_str(&j, "schema", "rmtmc.theory/1");
  rmtmc_json_str(&j, "rmtmc_version", rmtmc_version());
  rmtmc_json_object(&j, "config");
  rmtmc_json_str(&j, "sigma", t->m->sigma_spec);
  rmtmc_json_int(&j, "d", t->m->d);
  rmtmc_json_num(&j, "eta", t->eta);
  rmtmc_json_object_end(&j);
  rmtmc_json_array(&j, "support");
  for (int64_t i = 0; i < t->nint; ++i) {
    rmtmc_json_array(&j, NULL);
    rmtmc_json_num(&j, NULL, t->support[2 * i]);
    rmtmc_json_num(&j, NULL, t->support[2 * i + 1]);
    rmtmc_json_array_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_json_num(&j, "atom_at_zero", t->atom);
  rmtmc_json_num(&j, "top_outlier", t->lam_top);
  rmtmc_json_array(&j, "moments");
  for (int k = 0; k < 3; ++k) rmtmc_json_num(&j, NULL, t->moments[k]);
  rmtmc_json_array_end(&j);
  rmtmc_json_array(&j, "stieltjes");
  for (int64_t k = 0; k < t->nz; ++k) {
    rmtmc_json_object(&j, NULL);
    rmtmc_json_num(&j, "z_re", t->z_re[k]);
    rmtmc_json_num(&j, "z_im", t->z_im[k]);
    rmtmc_json_num(&j, "m_re", creal(t->mz[k]));
    rmtmc_json_num(&j, "m_im", cimag(t->mz[k]));
    rmtmc_json_num(&j, "mc_re", creal(t->mcz[k]));
    rmtmc_json_num(&j, "mc_im", cimag(t->mcz[k]));
    rmtmc_json_object_end(&j);
  }
  rmtmc_json_array_end(&j);
  rmtmc_json_object(&j, "density");
  rmtmc_json_array(&j, "x");
  for (int64_t i = 0; i < t->grid; ++i) rmtmc_json_num(&j, NULL, t->x[i]);
  rmtmc_json_array_end(&j);
  rmtmc_json_array(&j, "f");
  for (int64_t i = 0; i < t->grid; ++i) rmtmc_json_num(&j, NULL, t->f[i]);
  rmtmc_json_array_end(&j);
  rmtmc_json_object_end(&j);
  rmtmc_json_end(&j);
  return RMTMC_OK;
}

static rmtmc_status write_density(FILE *f, const void *ctx, rmtmc_error *err) {
  const theory_out *t = ctx;
  fprintf(f, "x,density\n");
  for (int64_t i = 0; i < t->grid; ++i) fprintf(f, "%.17g,%.17g\n", t->x[i], t->f[i]);
  return RMTMC_OK;
}

static rmtmc_status write_stieltjes(FILE *f, const void *ctx, rmtmc_error *err) {
  const theory_out *t = ctx;
  fprintf(f, "z_re,z_im,m_re,m_im,mc_re,mc_im\n");
  for (int64_t k = 0; k < t->nz; ++k)
    fprintf(f, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", t->z_re[k], t->z_im[k], creal(t->mz[k]),
            cimag(t->mz[k]), creal(t->mcz[k]), cimag(t->mcz[k]));
  return RMTMC_OK;
}

static rmtmc_status evaluate(theory_out *t, rmtmc_error *err) {
  double one[2];
  rmtmc_pop pop = rmtmc_model_pop(t->m), bulk = rmtmc_model_bulk_pop(t->m, one);
  rmtmc_status st = rmtmc_theory_edges(&bulk, t->eta, 16, t->support, &t->nint, err);
  if (st != RMTMC_OK) return st;
  t->atom = rmtmc_theory_atom(&bulk, t->eta);
  rmtmc_theory_moments(&pop, t->eta, t->moments);
  t->lam_top = NAN;
  for (int64_t i = 0; i < t->m->nspikes; ++i) {
    double l1;
    rmtmc_bbp(t->eta, t->m->spikes[i], NULL, &l1, NULL, NULL);
    if (t->m->spikes[i] > 1.0 + sqrt(t->eta) && !(l1 <= t->lam_top)) t->lam_top = l1;
  }
  for (int64_t k = 0; k < t->nz && st == RMTMC_OK; ++k)
    st = rmtmc_theory_stieltjes(&bulk, t->eta, t->z_re[k] + I * t->z_im[k], NULL, &t->mz[k],
                                &t->mcz[k], err);
  double lo = t->support[0], hi = t->support[2 * t->nint - 1];
  for (int64_t i = 0; i < t->grid && st == RMTMC_OK; ++i) {
    t->x[i] = lo + (hi - lo) * ((double)i + 0.5) / (double)t->grid;
    st = rmtmc_theory_density(&bulk, t->eta, t->x[i], NULL, &t->f[i], err);
  }
  return st;
}

int cmd_theory(int argc, char **argv) {
  rmtmc_error err;
  rmtmc_error_clear(&err);
  char sigma[RMTMC_SPEC_LEN] = "identity";
  int64_t d = 1000, grid = 200, nz = 1;
  double eta = 0.5, z_re[RMTMC_MAX_Z] = {-1.0}, z_im[RMTMC_MAX_Z] = {0.0};
  const char *json = NULL, *out = NULL;
  cli_args a = {argc, argv, 0, {0}};
  const char *name, *val;
  int r;
  rmtmc_status st = RMTMC_OK;
  while (st == RMTMC_OK && (r = cli_next(&a, " help ", &name, &val, &err)) != 0) {
    if (r < 0) return cli_fail("theory", &err);
    if (strcmp(name, "help") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(name, "sigma") == 0) {
      if (strlen(val) >= sizeof sigma) st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--sigma is too long");
      else strcpy(sigma, val);
    } else if (strcmp(name, "d") == 0) st = cli_int64(name, val, 1, &d, &err);
    else if (strcmp(name, "eta") == 0) {
      st = cli_double(name, val, &eta, &err);
      if (st == RMTMC_OK && !(eta > 0.0))
        st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--eta must be > 0 (got %g)", eta);
    } else if (strcmp(name, "z") == 0) st = cli_zlist(val, RMTMC_MAX_Z, z_re, z_im, &nz, &err);
    else if (strcmp(name, "grid") == 0) st = cli_int64(name, val, 1, &grid, &err);
    else if (strcmp(name, "json") == 0) {
      json = val;
      st = cli_check_output(name, val, 0, &err);
    } else if (strcmp(name, "out") == 0) {
      out = val;
      st = cli_check_output(name, val, 1, &err);
    } else
      st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "unknown option --%s (see rmtmc theory --help)", name);
  }
  if (st != RMTMC_OK) return cli_fail("theory", &err);
  if (grid > 10000000) return rmtmc_error_set(&err, RMTMC_ERR_INVALID, "--grid is too large"), cli_fail("theory", &err);
  rmtmc_model m;
  int64_t n = (int64_t)llround((double)d / eta);
  if (n < 1) n = 1;
  st = rmtmc_model_init(&m, d, n, sigma, RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, &err);
  if (st != RMTMC_OK) return cli_fail("theory", &err);
  theory_out t;
  memset(&t, 0, sizeof t);
  t.m = &m;
  t.eta = eta;
  t.nz = nz;
  t.z_re = z_re;
  t.z_im = z_im;
  t.grid = grid;
  t.mz = calloc((size_t)nz, sizeof *t.mz);
  t.mcz = calloc((size_t)nz, sizeof *t.mcz);
  t.x = calloc((size_t)grid, sizeof *t.x);
  t.f = calloc((size_t)grid, sizeof *t.f);
  if (!t.mz || !t.mcz || !t.x || !t.f) st = rmtmc_error_set(&err, RMTMC_ERR_NOMEM, "out of memory");
  if (st == RMTMC_OK) st = evaluate(&t, &err);
  if (st == RMTMC_OK) {
    if (json) st = rmtmc_write_atomic(json, write_json, &t, &err);
    if (st == RMTMC_OK && out) {
      char path[4096];
      struct { const char *name; rmtmc_writer_fn fn; } files[] = {
          {"result.json", write_json}, {"density.csv", write_density}, {"stieltjes.csv", write_stieltjes}};
      if (mkdir_p_ok(out) != 0) st = rmtmc_error_set(&err, RMTMC_ERR_IO, "cannot create directory %s", out);
      for (size_t i = 0; st == RMTMC_OK && i < 3; ++i) {
        snprintf(path, sizeof path, "%s/%s", out, files[i].name);
        st = rmtmc_write_atomic(path, files[i].fn, &t, &err);
      }
    }
    if (st == RMTMC_OK && !json && !out) write_json(stdout, &t, &err);
  }
  free(t.mz);
  free(t.mcz);
  free(t.x);
  free(t.f);
  rmtmc_model_free(&m);
  return st == RMTMC_OK ? 0 : cli_fail("theory", &err);
}
