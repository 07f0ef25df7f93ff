/* options.c: option values by name (options.h). */
#include "study/options.h"

#include "core/numparse.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "--opt 'text' <problem>", the text shortened and escaped. */
static rmtmc_status bad_number(const char *opt, const char *s, rmtmc_num r, char kind, rmtmc_error *err) {
  char shown[80];
  rmtmc_text_escape(shown, sizeof shown, s, strlen(s));
  return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s '%s' %s", opt, shown, rmtmc_num_problem(r, kind));
}

rmtmc_status study_opt_int64(const char *opt, const char *s, int64_t lo, int64_t *out, rmtmc_error *err) {
  int64_t v = 0;
  rmtmc_num r = rmtmc_parse_int64(s, NULL, &v);
  if (r != RMTMC_NUM_OK) return bad_number(opt, s, r, 'i', err);
  if (v < lo)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s must be >= %lld (got %lld)", opt, (long long)lo,
                           (long long)v);
  *out = v;
  return RMTMC_OK;
}

rmtmc_status study_opt_uint64(const char *opt, const char *s, uint64_t *out, rmtmc_error *err) {
  rmtmc_num r = rmtmc_parse_uint64(s, NULL, out);
  return r == RMTMC_NUM_OK ? RMTMC_OK : bad_number(opt, s, r, 'u', err);
}

rmtmc_status study_opt_double(const char *opt, const char *s, double *out, rmtmc_error *err) {
  rmtmc_num r = rmtmc_parse_double(s, NULL, out);
  return r == RMTMC_NUM_OK ? RMTMC_OK : bad_number(opt, s, r, 'd', err);
}

/* One complex number: "a", "a+bi", "a-bi", "bi", "-bi" (j for i too).
 * The split point is the sign that starts the imaginary part: a '+' or '-'
 * after the first character that does not follow an exponent's 'e'. */
static rmtmc_num parse_complex(const char *s, double *re, double *im) {
  size_t len = strlen(s);
  if (len > 0 && (s[len - 1] == 'i' || s[len - 1] == 'j')) {
    const char *split = NULL;
    for (const char *p = s + len - 2; p > s; --p)
      if ((*p == '+' || *p == '-') && p[-1] != 'e' && p[-1] != 'E') {
        split = p;
        break;
      }
    if (!split) { /* "bi" */
      *re = 0.0;
      if (len == 1) return RMTMC_NUM_SYNTAX;
      return rmtmc_parse_double(s, s + len - 1, im);
    }
    rmtmc_num r = rmtmc_parse_double(s, split, re);
    if (r != RMTMC_NUM_OK) return r;
    if (split + 1 == s + len - 1) return RMTMC_NUM_SYNTAX; /* "1+i" */
    return rmtmc_parse_double(split, s + len - 1, im);
  }
  *im = 0.0;
  return rmtmc_parse_double(s, NULL, re);
}

rmtmc_status study_opt_zlist(const char *s, int64_t cap, double *re, double *im, int64_t *nz, rmtmc_error *err) {
  *nz = 0;
  const char *p = s;
  while (*p) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    char buf[64];
    if (len == 0 || len >= sizeof buf)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z '%s': empty or overlong point", s);
    memcpy(buf, p, len);
    buf[len] = '\0';
    if (*nz >= cap) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z: at most %lld points", (long long)cap);
    rmtmc_num r = parse_complex(buf, &re[*nz], &im[*nz]);
    if (r == RMTMC_NUM_SYNTAX)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "--z: '%s' is not a number; write real points as -1.5 and complex ones as 1+0.1i", buf);
    if (r != RMTMC_NUM_OK)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z: '%s': a part of it %s", buf, rmtmc_num_problem(r, 'd'));
    ++*nz;
    p = comma ? comma + 1 : p + len;
  }
  if (*nz == 0) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--z needs at least one point");
  return RMTMC_OK;
}

rmtmc_status study_opt_list(const char *opt, const char *s, double *out, int64_t cap, int64_t *count,
                            rmtmc_error *err) {
  *count = 0;
  const char *p = s;
  if (!*p) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s needs at least one value", opt);
  for (;;) {
    const char *end = strchr(p, ',');
    if (!end) end = p + strlen(p);
    double v = 0.0;
    rmtmc_num r = rmtmc_parse_double(p, end, &v);
    if (r == RMTMC_NUM_SYNTAX)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s '%s': not a comma-separated list of finite numbers", opt, s);
    if (r != RMTMC_NUM_OK) {
      char one[80];
      rmtmc_text_escape(one, sizeof one, p, (size_t)(end - p));
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s: the value '%s' %s", opt, one, rmtmc_num_problem(r, 'd'));
    }
    if (*count >= cap)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s: at most %lld values", opt, (long long)cap);
    out[(*count)++] = v;
    if (*end == '\0') break;
    p = end + 1;
  }
  return RMTMC_OK;
}

rmtmc_status study_opt_grid(const char *opt, const char *s, double *out, int64_t cap, int64_t *count,
                            rmtmc_error *err) {
  rmtmc_status st = study_opt_list(opt, s, out, cap, count, err);
  for (int64_t i = 0; st == RMTMC_OK && i < *count; ++i)
    if (!(out[i] > 0)) st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s: every value must be > 0 (got %g)", opt, out[i]);
  return st;
}

rmtmc_status study_opt_spec(char *dst, size_t cap, const char *opt, const char *val, rmtmc_error *err) {
  if (strlen(val) >= cap)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s is too long (at most %zu characters)", opt, cap - 1);
  strcpy(dst, val);
  return RMTMC_OK;
}

int study_opt_run(rmtmc_run_opts *o, const char *name, const char *val, rmtmc_status *st, rmtmc_error *err) {
  int64_t v = 0;
  if (strcmp(name, "trials") == 0) *st = study_opt_int64(name, val, 2, &o->trials, err);
  else if (strcmp(name, "seed") == 0) *st = study_opt_uint64(name, val, &o->seed, err); else if (strcmp(name, "threads") == 0) {
    *st = study_opt_int64(name, val, 1, &v, err);
    if (*st == RMTMC_OK && v > 1048576)
      *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--threads must be between 1 and 1048576 (got %lld)", (long long)v);
    o->threads = (int)(v > 1048576 ? 1048576 : v); /* the backend caps it at what the libraries allow */
  } else if (strcmp(name, "backend") == 0) *st = rmtmc_backend_parse(val, &o->backend, err);
  else if (strcmp(name, "batch") == 0) *st = study_opt_int64(name, val, 1, &o->batch, err);
  else if (strcmp(name, "device") == 0) {
    *st = study_opt_int64(name, val, 0, &v, err);
    if (*st == RMTMC_OK && v > 1023)
      *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--device %lld: not a CUDA device ordinal (0, 1, ...)",
                            (long long)v);
    else if (*st == RMTMC_OK) o->device = (int)v;
  } else if (strcmp(name, "save-trials") == 0) o->save_trials = 1;
  else return 0;
  return 1;
}

int study_opt_spectrum(rmtmc_spectrum_config *c, int64_t zcap, int with_observables, const char *name,
                       const char *val, rmtmc_status *st, rmtmc_error *err) {
  if (study_opt_run(&c->run, name, val, st, err)) return 1;
  if (strcmp(name, "d") == 0) *st = study_opt_int64(name, val, 1, &c->d, err);
  else if (strcmp(name, "n") == 0) *st = study_opt_int64(name, val, 1, &c->n, err);
  else if (strcmp(name, "sigma") == 0) *st = study_opt_spec(c->sigma, sizeof c->sigma, name, val, err);
  else if (strcmp(name, "entries") == 0) *st = study_opt_spec(c->entries, sizeof c->entries, name, val, err);
  else if (strcmp(name, "z") == 0) *st = study_opt_zlist(val, zcap, c->z_re, c->z_im, &c->nz, err);
  else if (strcmp(name, "bins") == 0) *st = study_opt_int64(name, val, 1, &c->bins, err);
  else if (strcmp(name, "precision") == 0) {
    if (strcmp(val, "double") == 0) c->precision = RMTMC_PRECISION_DOUBLE;
    else if (strcmp(val, "single") == 0) c->precision = RMTMC_PRECISION_SINGLE;
    else *st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "--precision '%s': use double or single", val);
  } else if (with_observables && strcmp(name, "observables") == 0) *st = rmtmc_zobs_parse(val, &c->zobs, err);
  else if (with_observables && strcmp(name, "method") == 0) *st = rmtmc_method_parse(val, &c->method, err);
  else if (with_observables && strcmp(name, "save-eigenvalues") == 0) c->run.save_eigenvalues = 1;
  else return 0;
  return 1;
}

int study_opt_no_entries(const char *study, const char *name, rmtmc_status *st, rmtmc_error *err) {
  if (strcmp(name, "entries") != 0) return 0;
  *st = rmtmc_error_set(err, RMTMC_ERR_INVALID,
                        "--entries: rmtmc %s draws real Gaussian data only (its theory is for real data); other entry laws, complex-gaussian included, are taken by rmtmc spectrum, edge and sweep",
                        study);
  return 1;
}

void study_usage_sigma(FILE *f) {
  fprintf(f,
          "  --sigma SPEC       population covariance (default identity):\n"
          "                       identity | points:L1:W1,L2:W2,... | ar1:RHO | spike:T1[,T2...]\n"
          "                       | file:PATH (one eigenvalue per line, d lines)\n"
          "                       | matrix:PATH (a full symmetric PSD Sigma: d lines of d numbers, or a\n"
          "                         2-D .npy of shape (d, d))\n");
}

/* The options every Monte Carlo study shares, in its usage text. */
void study_usage_run(FILE *f, const char *trials_default) {
  fprintf(f,
          "  --trials T         independent trials (default %s)\n"
          "  --seed S           seed; trial t of seed S is the same on every backend and can be replayed alone\n"
          "                     (default 1)\n"
          "  --backend B        auto | cpu | cuda (default auto: the GPU when one answers, else the CPU)\n"
          "  --device N         which GPU (CUDA ordinal, default 0; MPI ranks: N + the rank on its node,\n"
          "                     mod the GPUs); the result names it, its compute capability and the eigensolver\n"
          "  --threads K        CPU worker threads (default: all cores; an MPI rank: its share of them)\n"
          "  --batch B          trials per backend call (default: the backend's policy, within what fits in\n"
          "                     memory and --trials: trials/32 within [4 x threads, 4096] and 64 MiB of\n"
          "                     batch memory on the CPU, trials/16 within [64, 2048] on a GPU)\n"
          "  --save-trials DIR  also write every trial's numbers: DIR/observables.npy (trials x columns,\n"
          "                     float64) and DIR/columns.json (docs/per_trial.md)\n"
          "  (mpirun -n K rmtmc ... or srun: the trials divided among K MPI ranks, one per GPU, with the\n"
          "  numbers of one process; docs/cluster.md)\n",
          trials_default);
}

void study_usage_outputs(FILE *f, const char *schema, const char *out_what) {
  fprintf(f,
          "  --json PATH        write the result (schema %s)\n"
          "  --out DIR          %s\n"
          "  --no-plots         with --out: no gnuplot scripts or pictures (report.html still written)\n"
          "  --gnuplot-log      with --out: keep gnuplot's own output as DIR/gnuplot.log\n"
          "  --quiet            no summary on stdout, no progress on stderr\n"
          "  --fail-on V        make the exit status 3 when the verdict is DISAGREES (V = disagrees) or is not\n"
          "                     AGREES (V = inconclusive: DISAGREES or INCONCLUSIVE); the outputs are written\n"
          "                     either way (default: the exit status does not depend on the verdict;\n"
          "                     docs/verdict.md)\n"
          "  --help             this text\n"
          "\n"
          "--json - writes the JSON to standard output (the summary then goes to stderr).\n"
          "Outputs are all-or-nothing: checked before the study, written under temporary\n"
          "names, all committed at the end (--out DIR and its parents are created).\n"
          "Exit codes: 0 done, 1 runtime failure (the OS reason), 2 bad input (no output written), 3 the verdict\n"
          "--fail-on names.\n",
          schema, out_what);
}
