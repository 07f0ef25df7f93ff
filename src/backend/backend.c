/* backend.c: the registry of backends and the wrappers around their tables
 * (rmtmc_backend.h): opening by kind, the stage order, the batch capacity,
 * unsupported entries, the allocation hook and the one solver-status rule. */
#include "rmtmc_backend.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend_impl.h"

struct rmtmc_backend {
  const rmtmc_backend_ops *ops;
  void *impl;
  char note[256];
  rmtmc_backend_debug debug; /* the hooks' state, shared with the instance */
};

/* Stages reached by a batch (a failed stage sends it back to NONE). */
enum { STAGE_NONE = 0, STAGE_SAMPLED, STAGE_GRAM, STAGE_SOLVED, STAGE_REDUCED };

struct rmtmc_batch {
  rmtmc_backend *be;
  const rmtmc_method_ops *m;
  rmtmc_method method;
  const rmtmc_layout *layout; /* the spectrum methods' */
  void *impl;
  int64_t cap, count;
  uint64_t trial0;
  int stage;
};

/* ---------------------------------------------------------- registry */

/* Every backend compiled into this build, the CPU first (the fallback). */
static const rmtmc_backend_ops *const registry[] = {
    &rmtmc_backend_cpu_ops,
#ifdef RMTMC_HAVE_CUDA
    &rmtmc_backend_cuda_ops,
#endif
};
#define NREG (sizeof registry / sizeof registry[0])

static const char *const kind_names[] = {"auto", "cpu", "cuda"};
#define NKINDS (sizeof kind_names / sizeof kind_names[0])

static const rmtmc_backend_ops *find_ops(rmtmc_backend_kind kind) {
  for (size_t i = 0; i < NREG; ++i)
    if (registry[i]->kind == kind) return registry[i];
  return NULL;
}

int rmtmc_backend_compiled(rmtmc_backend_kind kind) {
  return kind == RMTMC_BACKEND_AUTO || find_ops(kind) != NULL;
}

const char *rmtmc_backends_compiled(void) {
  /* the names of the registry above, in its order */
#ifdef RMTMC_HAVE_CUDA
  return "cpu,cuda";
#else
  return "cpu";
#endif
}

const char *rmtmc_backend_kind_name(rmtmc_backend_kind kind) {
  return (size_t)kind < NKINDS ? kind_names[kind] : "?";
}

rmtmc_status rmtmc_backend_parse(const char *s, rmtmc_backend_kind *k, rmtmc_error *err) {
  for (size_t i = 0; i < NKINDS; ++i)
    if (strcmp(s, kind_names[i]) == 0) {
      *k = (rmtmc_backend_kind)i;
      return RMTMC_OK;
    }
  return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--backend '%s' not understood: use auto, cpu or cuda", s);
}

void rmtmc_backend_debug_default(rmtmc_backend_debug *d) {
  memset(d, 0, sizeof *d);
  d->fail_trial[0] = d->fail_trial[1] = -1;
}

/* A count or trial number from the environment (-1: unset or not a number >= 0). */
static long long env_count(const char *name, const char **rest) {
  const char *v = getenv(name);
  if (rest) *rest = NULL;
  if (!v || !*v) return -1;
  char *end;
  long long x = strtoll(v, &end, 10);
  if (end == v || x < 0) return -1;
  if (rest) *rest = *end == ',' ? end + 1 : NULL;
  return x;
}

void rmtmc_backend_debug_from_env(rmtmc_backend_debug *d) {
  const char *g = getenv("RMTMC_CUDA_GRAM"), *s = getenv("RMTMC_CUDA_SOLVER");
  if (g) snprintf(d->gram, sizeof d->gram, "%s", g);
  if (s) snprintf(d->solver, sizeof d->solver, "%s", s);
  /* the test hooks, for the command-line tests (e.g. one MPI rank failing) */
  long long a = env_count("RMTMC_DEBUG_FAIL_ALLOC", NULL), f = env_count("RMTMC_DEBUG_FAIL_SOLVE", NULL);
  if (a > 0) d->fail_alloc = (int)(a > 1000000 ? 1000000 : a);
  if (f > 0) d->fail_solve = (int)(f > 1000000 ? 1000000 : f);
  const char *rest;
  long long t = env_count("RMTMC_DEBUG_FAIL_TRIAL", &rest);
  if (t >= 0) d->fail_trial[0] = t;
  if (t >= 0 && rest) {
    char *end;
    long long t2 = strtoll(rest, &end, 10);
    if (end != rest && t2 >= 0) d->fail_trial[1] = t2;
  }
}

void rmtmc_backend_opts_default(rmtmc_backend_opts *o) {
  memset(o, 0, sizeof *o);
  rmtmc_backend_debug_default(&o->debug);
}

/* ---------------------------------------------------------- open, close */

static rmtmc_status open_with(rmtmc_backend *be, const rmtmc_backend_ops *ops, const rmtmc_backend_opts *opts,
                              rmtmc_error *err) {
  be->ops = ops;
  rmtmc_status st = ops->open(opts, &be->debug, &be->impl, err);
  if (st != RMTMC_OK) be->ops = NULL;
  return st;
}

rmtmc_status rmtmc_backend_open(rmtmc_backend **out, rmtmc_backend_kind kind, const rmtmc_backend_opts *opts,
                                rmtmc_error *err) {
  *out = NULL;
  rmtmc_backend_opts defaults;
  rmtmc_backend_opts_default(&defaults);
  if (!opts) opts = &defaults;
  rmtmc_backend *be = calloc(1, sizeof *be);
  if (!be) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  be->debug = opts->debug;
  rmtmc_status st;
  if (kind == RMTMC_BACKEND_AUTO) {
    /* the first GPU backend whose device answers, else the CPU */
    int tried = 0;
    for (size_t i = 0; i < NREG && !be->ops; ++i) {
      if (registry[i]->kind == RMTMC_BACKEND_CPU) continue;
      rmtmc_error gpu_err;
      rmtmc_error_clear(&gpu_err);
      ++tried;
      if (open_with(be, registry[i], opts, &gpu_err) != RMTMC_OK)
        snprintf(be->note, sizeof be->note, "no usable CUDA device (%.196s): falling back to the CPU backend",
                 gpu_err.msg);
    }
    if (!tried) snprintf(be->note, sizeof be->note, "this build has no CUDA backend: running on the CPU backend");
    st = be->ops ? RMTMC_OK : open_with(be, find_ops(RMTMC_BACKEND_CPU), opts, err);
  } else {
    const rmtmc_backend_ops *ops = find_ops(kind);
    if (!ops) {
      st = rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED,
                           "--backend %s: this build has no %s backend (nvcc was not found at configure time); rebuild with the CUDA toolkit or use --backend cpu",
                           rmtmc_backend_kind_name(kind), rmtmc_backend_kind_name(kind));
    } else {
      st = open_with(be, ops, opts, err);
      if (st == RMTMC_ERR_NO_DEVICE && err) {
        char msg[RMTMC_ERRMSG_LEN];
        snprintf(msg, sizeof msg, "%s", err->msg);
        rmtmc_error_set(err, st, "%.400s; use --backend cpu, or auto to take a GPU only when one answers", msg);
      }
    }
  }
  if (st != RMTMC_OK) {
    free(be);
    return st;
  }
  *out = be;
  return RMTMC_OK;
}

void rmtmc_backend_close(rmtmc_backend *be) {
  if (!be) return;
  if (be->ops) be->ops->close(be->impl);
  free(be);
}

const char *rmtmc_backend_name(const rmtmc_backend *be) { return be && be->ops ? be->ops->name : "(closed)"; }

rmtmc_backend_kind rmtmc_backend_kind_of(const rmtmc_backend *be) { return be->ops->kind; }

const char *rmtmc_backend_note(const rmtmc_backend *be) { return be->note; }

rmtmc_status rmtmc_backend_info_get(const rmtmc_backend *be, rmtmc_backend_info *out, rmtmc_error *err) {
  memset(out, 0, sizeof *out);
  return be->ops->info(be->impl, out, err);
}

void rmtmc_backend_policy(const rmtmc_backend *be, rmtmc_batch_policy *p) {
  p->min_batch = 1;
  p->max_batch = (int64_t)1 << 30;
  p->progress_steps = 1;
  p->batch_bytes = 0.0;
  if (be->ops->policy) be->ops->policy(be->impl, p);
}

/* ---------------------------------------------------------- work */

const char *rmtmc_method_name(rmtmc_method m) {
  switch (m) {
    case RMTMC_METHOD_DENSE: return "dense";
    case RMTMC_METHOD_FIT: return "fit";
    case RMTMC_METHOD_RESOLVENT: return "resolvent";
    case RMTMC_METHOD_EDGE: return "edge";
    case RMTMC_METHOD_TRIDIAGONAL: return "tridiagonal";
    case RMTMC_METHOD_BARTLETT: return "bartlett";
    case RMTMC_METHOD_AUTO: return "auto";
    default: return "?";
  }
}

int64_t rmtmc_work_nout(const rmtmc_work *w) {
  if (rmtmc_method_is_spectral(w->method)) return w->layout ? w->layout->nobs : 0;
  switch (w->method) {
    case RMTMC_METHOD_FIT: return w->fit ? rmtmc_fit_nout(w->fit) : 0;
    case RMTMC_METHOD_RESOLVENT: return w->resolvent ? rmtmc_resolvent_nout(w->resolvent) : 0;
    case RMTMC_METHOD_EDGE: return w->edge ? w->edge->nobs : 0;
    default: return 0;
  }
}

int64_t rmtmc_work_nhist(const rmtmc_work *w) {
  return rmtmc_method_is_spectral(w->method) && w->layout ? w->layout->nhist : 0;
}

rmtmc_status rmtmc_work_check(const rmtmc_work *w, rmtmc_error *err) {
  if (!w) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "no work given to the backend");
  if (w->method == RMTMC_METHOD_FIT) return rmtmc_fit_check(w->fit, err);
  if (w->method == RMTMC_METHOD_RESOLVENT) return rmtmc_resolvent_check(w->resolvent, err);
  if (!rmtmc_method_is_spectral(w->method) && w->method != RMTMC_METHOD_EDGE)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "unknown method %d", (int)w->method);
  const rmtmc_model *m = w->model;
  const rmtmc_layout *L = w->layout;
  if (!m || m->d < 1 || m->n < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "backend work: model sizes must be >= 1");
  if (m->d > INT_MAX || m->n > INT_MAX)
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE, "d = %lld, n = %lld exceed the 32-bit sizes of BLAS/LAPACK",
                           (long long)m->d, (long long)m->n);
  if (!m->sqrt_full && !m->sqrt_diag)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "backend work: the model has no Sigma^(1/2)");
  if (w->method == RMTMC_METHOD_EDGE) {
    const rmtmc_edge_layout *E = w->edge;
    int64_t k = m->d < m->n ? m->d : m->n;
    if (!E || E->ktop < 1 || E->kbot < 1 || E->ktop > k || E->kbot > k || E->ndir < 0 || E->ndir > m->d ||
        E->nobs != E->ktop + E->kbot + (E->ndir > 0 ? (E->ktop + E->kbot) * E->ndir : 0))
      return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                             "backend work: bad edge layout for d = %lld, n = %lld (build it with rmtmc_edge_layout_build)",
                             (long long)m->d, (long long)m->n);
    return RMTMC_OK;
  }
  if (!L || L->nobs < 1 || L->kmax < 0 || L->kmax > RMTMC_LAYOUT_MAX_MOMENTS || L->nz < 0 || L->nbins < 0 ||
      (L->nz > 0 && (!L->z_re || !L->z_im)))
    return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                           "backend work: bad observable layout (build it with rmtmc_layout_build)");
  return rmtmc_method_check(w->method, m, L->zobs, err);
}

static const rmtmc_method_ops *method_of(const rmtmc_backend *be, rmtmc_method m, rmtmc_error *err) {
  const rmtmc_method_ops *mo = (unsigned)m < RMTMC_METHOD_COUNT ? be->ops->method[m] : NULL;
  if (!mo)
    rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED, "the %s backend does not run the %s method", be->ops->name,
                    rmtmc_method_name(m));
  return mo;
}

rmtmc_status rmtmc_backend_limits(const rmtmc_backend *be, const rmtmc_work *w, rmtmc_batch_limits *lim,
                                  rmtmc_error *err) {
  lim->max_trials = 0;
  lim->bytes_per_trial = 0.0;
  lim->min_trials = 0;
  rmtmc_status st = rmtmc_work_check(w, err);
  if (st != RMTMC_OK) return st;
  const rmtmc_method_ops *mo = method_of(be, w->method, err);
  if (!mo) return RMTMC_ERR_UNSUPPORTED;
  return mo->limits(be->impl, w, lim, err);
}

/* ---------------------------------------------------------- batches */

rmtmc_status rmtmc_batch_alloc(rmtmc_backend *be, const rmtmc_work *w, int64_t cap, rmtmc_batch **out,
                               rmtmc_error *err) {
  *out = NULL;
  rmtmc_status st = rmtmc_work_check(w, err);
  if (st != RMTMC_OK) return st;
  const rmtmc_method_ops *mo = method_of(be, w->method, err);
  if (!mo) return RMTMC_ERR_UNSUPPORTED;
  if (cap < 1)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "batch capacity must be >= 1 (got %lld)", (long long)cap);
  if (be->debug.fail_alloc > 0) {
    be->debug.fail_alloc--;
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM,
                           "cannot allocate a batch of %lld trials on the %s backend (forced by the fail_alloc test hook)",
                           (long long)cap, be->ops->name);
  }
  rmtmc_batch *b = calloc(1, sizeof *b);
  if (!b) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  st = mo->alloc(be->impl, w, cap, &b->impl, err);
  if (st != RMTMC_OK) {
    free(b);
    return st;
  }
  b->be = be;
  b->m = mo;
  b->method = w->method;
  b->layout = w->layout;
  b->cap = cap;
  *out = b;
  return RMTMC_OK;
}

void rmtmc_batch_free(rmtmc_batch *b) {
  if (!b) return;
  b->m->free(b->be->impl, b->impl);
  free(b);
}

int64_t rmtmc_batch_capacity(const rmtmc_batch *b) { return b->cap; }

static const char *stage_name(int s) {
  static const char *const names[] = {"(none)", "sample", "gram", "solve", "reduce"};
  return names[s];
}

/* The stage the method runs before stage s. */
static int previous_stage(const rmtmc_method_ops *m, int s) {
  if (s > STAGE_SOLVED && m->solve) return STAGE_SOLVED;
  if (s > STAGE_GRAM && m->gram) return STAGE_GRAM;
  return STAGE_SAMPLED;
}

/* May stage s run now?  (reduce may be repeated.) */
static rmtmc_status stage_ready(const rmtmc_batch *b, int s, rmtmc_error *err) {
  int prev = previous_stage(b->m, s);
  if (b->stage == prev || (s == STAGE_REDUCED && b->stage == STAGE_REDUCED)) return RMTMC_OK;
  if (b->stage == STAGE_NONE)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s backend: %s called before sample (or after a failed stage)",
                           b->be->ops->name, stage_name(s));
  return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s backend: %s called after %s; it needs %s first",
                         b->be->ops->name, stage_name(s), stage_name(b->stage), stage_name(prev));
}

static rmtmc_status stage_done(rmtmc_batch *b, int s, rmtmc_status st) {
  b->stage = st == RMTMC_OK ? s : STAGE_NONE;
  return st;
}

static rmtmc_status no_stage(const rmtmc_batch *b, int s, rmtmc_error *err) {
  return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED, "the %s method has no %s stage", rmtmc_method_name(b->method),
                         stage_name(s));
}

rmtmc_status rmtmc_batch_sample(rmtmc_batch *b, uint64_t seed, uint64_t trial0, int64_t count, rmtmc_error *err) {
  b->stage = STAGE_NONE;
  if (count < 0 || count > b->cap)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "batch of %lld trials exceeds its capacity %lld",
                           (long long)count, (long long)b->cap);
  b->count = count;
  b->trial0 = trial0;
  return stage_done(b, STAGE_SAMPLED, b->m->sample(b->be->impl, b->impl, seed, trial0, count, err));
}

rmtmc_status rmtmc_batch_gram(rmtmc_batch *b, rmtmc_error *err) {
  if (!b->m->gram) return no_stage(b, STAGE_GRAM, err);
  rmtmc_status st = stage_ready(b, STAGE_GRAM, err);
  if (st != RMTMC_OK) return st;
  return stage_done(b, STAGE_GRAM, b->m->gram(b->be->impl, b->impl, err));
}

rmtmc_status rmtmc_batch_solve(rmtmc_batch *b, rmtmc_error *err) {
  if (!b->m->solve) return no_stage(b, STAGE_SOLVED, err);
  rmtmc_status st = stage_ready(b, STAGE_SOLVED, err);
  if (st != RMTMC_OK) return st;
  return stage_done(b, STAGE_SOLVED, b->m->solve(b->be->impl, b->impl, err));
}

/* The tridiagonal method's rule for a real z (rmtmc_batch_reduce): off
 * every trial's [lambda_min, lambda_max], or the run stops, naming the
 * first such trial in trial order. */
static rmtmc_status real_z_outside(const rmtmc_batch *b, const double *out, rmtmc_error *err) {
  const rmtmc_layout *L = b->layout;
  for (int64_t t = 0; out && L && t < b->count; ++t) {
    const double *row = out + t * L->nobs, lo = row[L->lam_min], hi = row[L->lam_max];
    for (int64_t j = 0; j < L->nz; ++j) {
      double z = L->z_re[j];
      if (L->z_im[j] != 0.0 || !(z >= lo && z <= hi)) continue;
      return rmtmc_error_set(err, RMTMC_ERR_NUMERIC,
                             "trial %llu: the real z = %.6g lies inside this trial's spectrum [%.6g, %.6g], where the "
                             "tridiagonal method's recurrence for m(z) is not accurate; choose a real z farther from "
                             "the support, give it an imaginary part, or use --method dense",
                             (unsigned long long)(b->trial0 + (uint64_t)t), z, lo, hi);
    }
  }
  return RMTMC_OK;
}

rmtmc_status rmtmc_batch_reduce(rmtmc_batch *b, double *out, int64_t *hist, rmtmc_error *err) {
  rmtmc_status st = stage_ready(b, STAGE_REDUCED, err);
  if (st != RMTMC_OK) return st;
  st = b->m->reduce(b->be->impl, b->impl, out, hist, err);
  if (st == RMTMC_OK && b->method == RMTMC_METHOD_TRIDIAGONAL) st = real_z_outside(b, out, err);
  return stage_done(b, STAGE_REDUCED, st);
}

rmtmc_status rmtmc_batch_run(rmtmc_batch *b, uint64_t seed, uint64_t trial0, int64_t count, double *out,
                             int64_t *hist, rmtmc_error *err) {
  rmtmc_status st = rmtmc_batch_sample(b, seed, trial0, count, err);
  if (st == RMTMC_OK && b->m->gram) st = rmtmc_batch_gram(b, err);
  if (st == RMTMC_OK && b->m->solve) st = rmtmc_batch_solve(b, err);
  if (st == RMTMC_OK) st = rmtmc_batch_reduce(b, out, hist, err);
  return st;
}

/* An optional copy entry: what it copies, the stage it needs. */
static rmtmc_status copy_out(rmtmc_batch *b, rmtmc_status (*fn)(void *, void *, double *, rmtmc_error *),
                             const char *what, int needs, double *dst, rmtmc_error *err) {
  if (!fn)
    return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED, "the %s backend cannot copy the %s of the %s method",
                           b->be->ops->name, what, rmtmc_method_name(b->method));
  if (b->stage < needs)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s backend: copying the %s before %s", b->be->ops->name, what,
                           stage_name(needs));
  return fn(b->be->impl, b->impl, dst, err);
}

rmtmc_status rmtmc_batch_copy_sample(rmtmc_batch *b, double *x, rmtmc_error *err) {
  return copy_out(b, b->m->copy_sample, "samples", STAGE_SAMPLED, x, err);
}

rmtmc_status rmtmc_batch_copy_eigvals(rmtmc_batch *b, double *ev, rmtmc_error *err) {
  /* after the stage before reduce (solve, or sample for a method without one) */
  return copy_out(b, b->m->copy_eigvals, "eigenvalues", previous_stage(b->m, STAGE_REDUCED), ev, err);
}

/* ---------------------------------------------------------- solver status */

/* info value a test hook writes: reported as forced. */
#define INFO_FORCED INT_MAX

rmtmc_status backend_check_info(rmtmc_backend_debug *debug, const char *solver, int *info, int64_t count,
                                uint64_t trial0, rmtmc_error *err) {
  if (debug && count > 0) {
    if (debug->fail_solve > 0) {
      debug->fail_solve--;
      info[0] = INFO_FORCED;
    }
    for (int k = 0; k < 2; ++k) {
      int64_t t = debug->fail_trial[k];
      if (t >= 0 && (uint64_t)t >= trial0 && (uint64_t)t < trial0 + (uint64_t)count) info[(uint64_t)t - trial0] = INFO_FORCED;
    }
  }
  for (int64_t i = 0; i < count; ++i) {
    unsigned long long t = (unsigned long long)(trial0 + (uint64_t)i);
    if (info[i] == INFO_FORCED)
      return rmtmc_error_set(err, RMTMC_ERR_NOCONV, "%s did not converge for trial %llu (forced by a test hook)", solver,
                             t);
    if (info[i] > 0)
      return rmtmc_error_set(err, RMTMC_ERR_NOCONV, "%s did not converge for trial %llu (info %d)", solver, t, info[i]);
    if (info[i] < 0)
      return rmtmc_error_set(err, RMTMC_ERR_BACKEND, "%s rejected argument %d for trial %llu", solver, -info[i], t);
  }
  return RMTMC_OK;
}
