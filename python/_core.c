/* _core.c: the Python extension rmtmc._core, a thin layer on the library's
 * opaque study API (rmtmc_study.h) and its closed forms (rmtmc_theory*.h).
 * The Python package (python/rmtmc) builds the user's API on it.
 *
 * Studies: run(name, options, ...) configures a study by the command line's
 * option names and values (text, as the command line passes them, so the
 * numbers are the CLI's bit for bit), runs it with the GIL released and
 * returns the library's JSON text, summary, note and per-trial table.
 * Progress: after every batch the run calls back here; with the GIL held
 * for a moment we check for signals (Ctrl-C) and call the user's callback;
 * either raising asks the library to stop (rmtmc_progress_fn returns
 * nonzero), and the exception is raised once the run has returned.
 *
 * Theory: element loops over float64 / complex128 buffers (the Python side
 * broadcasts and allocates), with the GIL released.
 *
 * Errors: rmtmc._core.InputError (a ValueError) for what the command line
 * calls bad input (rmtmc_status_is_input), rmtmc._core.Error otherwise; the
 * exception carries .status (the status name) and the library's message.
 * Nothing here prints. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rmtmc.h"
#include "rmtmc_edge_theory.h"
#include "rmtmc_theory_models.h"

static PyObject *Error;      /* rmtmc.Error (RuntimeError) */
static PyObject *InputError; /* rmtmc.InputError (Error, ValueError) */

/* Raise the exception for a failed status with the library's message. */
static PyObject *raise_status(rmtmc_status st, const char *msg) {
  PyObject *type = rmtmc_status_is_input(st) ? InputError : Error;
  PyObject *exc = PyObject_CallFunction(type, "s", msg && msg[0] ? msg : rmtmc_status_str(st));
  if (!exc) return NULL;
  PyObject *name = PyUnicode_FromString(rmtmc_status_str(st));
  if (name) {
    PyObject_SetAttrString(exc, "status", name);
    Py_DECREF(name);
  }
  PyErr_SetObject(type, exc);
  Py_DECREF(exc);
  return NULL;
}

static PyObject *raise_err(const rmtmc_error *err) { return raise_status(err->code, err->msg); }

/* ---- text from a FILE writer ---- */
typedef struct membuf {
  char *data;
  size_t size;
  FILE *f;
} membuf;

static int membuf_open(membuf *m) {
  m->data = NULL;
  m->size = 0;
  m->f = open_memstream(&m->data, &m->size);
  if (!m->f) {
    PyErr_NoMemory();
    return -1;
  }
  return 0;
}

/* Closes the stream; returns a new str (NULL with an exception set). */
static PyObject *membuf_str(membuf *m) {
  fclose(m->f);
  PyObject *s = PyUnicode_DecodeUTF8(m->data ? m->data : "", (Py_ssize_t)m->size, "replace");
  free(m->data);
  return s;
}

static void membuf_drop(membuf *m) {
  fclose(m->f);
  free(m->data);
}

/* ---- the table of studies ---- */
static PyObject *py_studies(PyObject *self, PyObject *noargs) {
  int n = rmtmc_study_count();
  PyObject *list = PyList_New(0);
  if (!list) return NULL;
  for (int i = 0; i < n; ++i) {
    rmtmc_error err;
    rmtmc_study *s = NULL;
    if (rmtmc_study_new(rmtmc_study_name(i), &s, &err) != RMTMC_OK) {
      Py_DECREF(list);
      return raise_err(&err);
    }
    rmtmc_study_traits tr;
    rmtmc_study_traits_of(s, &tr);
    membuf m;
    if (membuf_open(&m) < 0) {
      rmtmc_study_free(s);
      Py_DECREF(list);
      return NULL;
    }
    rmtmc_study_usage(s, m.f);
    PyObject *usage = membuf_str(&m);
    int save_trials = rmtmc_study_flag(s, "save-trials"), save_eig = rmtmc_study_flag(s, "save-eigenvalues");
    rmtmc_study_free(s);
    if (!usage) {
      Py_DECREF(list);
      return NULL;
    }
    PyObject *d = Py_BuildValue("{s:s,s:s,s:N,s:N,s:N,s:N,s:N,s:N,s:N}", "name", rmtmc_study_name(i), "summary",
                                rmtmc_study_summary(i), "monte_carlo", PyBool_FromLong(tr.monte_carlo),
                                "needs_dir", PyBool_FromLong(tr.needs_dir), "json_to_stdout",
                                PyBool_FromLong(tr.json_to_stdout), "eigenvalues", PyBool_FromLong(tr.eigenvalues),
                                "save_trials", PyBool_FromLong(save_trials), "save_eigenvalues",
                                PyBool_FromLong(save_eig), "usage", usage);
    if (!d || PyList_Append(list, d) < 0) {
      Py_XDECREF(d);
      Py_DECREF(list);
      return NULL;
    }
    Py_DECREF(d);
  }
  return list;
}

/* Is the option of study `name` one without a value? */
static PyObject *py_is_flag(PyObject *self, PyObject *args) {
  const char *name, *option;
  if (!PyArg_ParseTuple(args, "ss", &name, &option)) return NULL;
  rmtmc_error err;
  rmtmc_study *s = NULL;
  if (rmtmc_study_new(name, &s, &err) != RMTMC_OK) return raise_err(&err);
  int f = rmtmc_study_flag(s, option);
  rmtmc_study_free(s);
  return PyBool_FromLong(f);
}

/* ---- running a study ---- */
typedef struct run_ctx {
  PyThreadState *ts;   /* the caller's thread state while the GIL is released */
  PyObject *progress;  /* callable(done, total) or None */
  PyObject *notices;   /* list the notices are appended to */
  PyObject *exc_type, *exc_value, *exc_tb; /* what stopped the run */
} run_ctx;

static void keep_exception(run_ctx *c) {
  if (!c->exc_type) PyErr_Fetch(&c->exc_type, &c->exc_value, &c->exc_tb);
  else PyErr_Clear();
}

static int on_progress(void *ctx, int64_t done, int64_t total) {
  run_ctx *c = ctx;
  PyEval_RestoreThread(c->ts);
  int stop = 0;
  if (c->exc_type) stop = 1;
  else if (PyErr_CheckSignals() < 0) { /* Ctrl-C: KeyboardInterrupt */
    keep_exception(c);
    stop = 1;
  } else if (c->progress != Py_None) {
    PyObject *r = PyObject_CallFunction(c->progress, "LL", (long long)done, (long long)total);
    if (!r) {
      keep_exception(c);
      stop = 1;
    }
    Py_XDECREF(r);
  }
  c->ts = PyEval_SaveThread();
  return stop;
}

static void on_notice(void *ctx, int level, const char *line) {
  run_ctx *c = ctx;
  PyEval_RestoreThread(c->ts);
  PyObject *t = Py_BuildValue("(is)", level, line);
  if (!t || PyList_Append(c->notices, t) < 0) PyErr_Clear();
  Py_XDECREF(t);
  c->ts = PyEval_SaveThread();
}

/* A bytearray holding n doubles (a copy). */
static PyObject *doubles(const double *p, int64_t n) {
  return PyByteArray_FromStringAndSize((const char *)p, (Py_ssize_t)((n > 0 ? n : 0) * (int64_t)sizeof(double)));
}

static PyObject *trials_dict(const rmtmc_trials *t) {
  PyObject *cols = PyList_New(0);
  if (!cols) return NULL;
  for (int64_t j = 0; j < t->cols; ++j) {
    const rmtmc_column *c = &t->columns[j];
    PyObject *d = Py_BuildValue("{s:s,s:s,s:s,s:N}", "name", c->name, "meaning", c->meaning, "param", c->param,
                                "value", PyComplex_FromDoubles(c->param_re, c->param_im));
    if (!d || PyList_Append(cols, d) < 0) {
      Py_XDECREF(d);
      Py_DECREF(cols);
      return NULL;
    }
    Py_DECREF(d);
  }
  PyObject *eig = t->eigenvalues && t->eig_cols > 0 ? doubles(t->eigenvalues, t->rows * t->eig_cols) : Py_None;
  if (eig == Py_None) Py_INCREF(eig);
  return Py_BuildValue("{s:L,s:L,s:N,s:N,s:L,s:N}", "rows", (long long)t->rows, "cols", (long long)t->cols, "data",
                       doubles(t->data, t->rows * t->cols), "columns", cols, "eig_cols", (long long)t->eig_cols,
                       "eigenvalues", eig);
}

/* run(name, options, progress, dir) -> dict
 * options: a sequence of (option, value-or-None). */
static PyObject *py_run(PyObject *self, PyObject *args) {
  const char *name, *dir = NULL;
  PyObject *options, *progress;
  if (!PyArg_ParseTuple(args, "sOOz", &name, &options, &progress, &dir)) return NULL;
  if (progress != Py_None && !PyCallable_Check(progress)) {
    PyErr_SetString(PyExc_TypeError, "progress must be callable or None");
    return NULL;
  }
  PyObject *seq = PySequence_Fast(options, "options must be a sequence of (name, value) pairs");
  if (!seq) return NULL;
  rmtmc_error err;
  rmtmc_error_clear(&err);
  rmtmc_study *s = NULL;
  if (rmtmc_study_new(name, &s, &err) != RMTMC_OK) {
    Py_DECREF(seq);
    return raise_err(&err);
  }
  rmtmc_status st = RMTMC_OK;
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq) && st == RMTMC_OK; ++i) {
    const char *opt, *val;
    if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "sz", &opt, &val)) {
      Py_DECREF(seq);
      rmtmc_study_free(s);
      return NULL;
    }
    st = rmtmc_study_set(s, opt, val, &err);
  }
  Py_DECREF(seq);
  if (st == RMTMC_OK) st = rmtmc_study_check(s, &err);
  rmtmc_study_traits tr;
  rmtmc_study_traits_of(s, &tr);
  if (st == RMTMC_OK && tr.needs_dir && !dir)
    st = rmtmc_error_set(&err, RMTMC_ERR_INVALID, "the %s study keeps its state in a directory: pass out=DIR", name);
  if (st != RMTMC_OK) {
    rmtmc_study_free(s);
    return raise_err(&err);
  }

  run_ctx c = {.ts = NULL, .progress = progress, .notices = PyList_New(0)};
  if (!c.notices) {
    rmtmc_study_free(s);
    return NULL;
  }
  rmtmc_study_set_progress(s, on_progress, &c);
  rmtmc_study_set_notice(s, on_notice, &c);
  rmtmc_result *res = NULL;
  c.ts = PyEval_SaveThread();
  st = rmtmc_study_run(s, tr.needs_dir ? dir : NULL, &res, &err);
  PyEval_RestoreThread(c.ts);
  rmtmc_study_free(s);
  if (c.exc_type) { /* Ctrl-C or the callback's exception stopped the run */
    rmtmc_result_free(res);
    Py_DECREF(c.notices);
    PyErr_Restore(c.exc_type, c.exc_value, c.exc_tb);
    return NULL;
  }
  if (st != RMTMC_OK) {
    Py_DECREF(c.notices);
    return raise_err(&err);
  }

  PyObject *json = NULL, *summary = NULL, *trials = NULL;
  membuf m;
  if (membuf_open(&m) == 0) {
    if (rmtmc_result_write_json(res, m.f, &err) != RMTMC_OK) {
      membuf_drop(&m);
      raise_err(&err);
    } else {
      json = membuf_str(&m);
    }
  }
  if (json && membuf_open(&m) == 0) {
    rmtmc_result_summary(res, m.f);
    summary = membuf_str(&m);
  }
  const rmtmc_trials *t = rmtmc_result_trials(res);
  if (summary) {
    trials = t ? trials_dict(t) : Py_None;
    if (trials == Py_None) Py_INCREF(trials);
  }
  PyObject *out = NULL;
  if (trials)
    out = Py_BuildValue("{s:s,s:N,s:N,s:s,s:N,s:N,s:N}", "study", rmtmc_result_study(res), "json", json, "summary",
                        summary, "note", rmtmc_result_note(res), "complete",
                        PyBool_FromLong(rmtmc_result_complete(res)), "trials", trials, "notices", c.notices);
  else {
    Py_XDECREF(json);
    Py_XDECREF(summary);
    Py_DECREF(c.notices);
  }
  rmtmc_result_free(res);
  return out;
}

/* ---- theory ---- */
/* A buffer of doubles: contiguous, format 'd' (or complex 'Zd', as pairs). */
static int get_doubles(PyObject *o, Py_buffer *b, int writable, int complex_, const char *what) {
  if (PyObject_GetBuffer(o, b, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0)) < 0) return -1;
  const char *want = complex_ ? "Zd" : "d";
  if (!b->format || strcmp(b->format, want) != 0 || b->itemsize != (Py_ssize_t)(complex_ ? 2 : 1) * 8) {
    PyBuffer_Release(b);
    PyErr_Format(PyExc_TypeError, "%s: need a contiguous %s buffer", what, complex_ ? "complex128" : "float64");
    return -1;
  }
  return 0;
}

/* The population of a theory call: atoms t and weights w (float64). */
typedef struct pop_bufs {
  Py_buffer t, w;
  rmtmc_pop pop;
} pop_bufs;

static int pop_get(PyObject *t, PyObject *w, pop_bufs *p) {
  if (get_doubles(t, &p->t, 0, 0, "atoms") < 0) return -1;
  if (get_doubles(w, &p->w, 0, 0, "weights") < 0) {
    PyBuffer_Release(&p->t);
    return -1;
  }
  if (p->t.len != p->w.len) {
    PyBuffer_Release(&p->t);
    PyBuffer_Release(&p->w);
    PyErr_SetString(PyExc_ValueError, "atoms and weights differ in length");
    return -1;
  }
  p->pop = (rmtmc_pop){.k = (int64_t)(p->t.len / 8), .t = p->t.buf, .w = p->w.buf};
  return 0;
}

static void pop_release(pop_bufs *p) {
  PyBuffer_Release(&p->t);
  PyBuffer_Release(&p->w);
}

/* The error of element i of a vectorised call, in the user's terms. */
static PyObject *raise_at(const rmtmc_error *err, Py_ssize_t i, Py_ssize_t n) {
  if (n <= 1) return raise_err(err);
  char msg[RMTMC_ERRMSG_LEN + 48];
  snprintf(msg, sizeof msg, "element %zd: %s", i, err->msg);
  return raise_status(err->code, msg);
}

/* population(spec, d) -> (t, w, t_full, w_full, spikes): a Sigma spec as the
 * studies realise it at dimension d; (t, w) is the bulk the theory command
 * uses (delta_1 for spike:), (t_full, w_full) the whole finite-d spectrum. */
static PyObject *py_population(PyObject *self, PyObject *args) {
  const char *spec;
  long long d;
  if (!PyArg_ParseTuple(args, "sL", &spec, &d)) return NULL;
  rmtmc_model m;
  rmtmc_error err;
  rmtmc_status st;
  Py_BEGIN_ALLOW_THREADS
  st = rmtmc_model_init(&m, (int64_t)d, (int64_t)d, spec, RMTMC_ENTRIES_GAUSSIAN, 0.0, RMTMC_PRECISION_DOUBLE, &err);
  Py_END_ALLOW_THREADS
  if (st != RMTMC_OK) return raise_err(&err);
  double one[2];
  rmtmc_pop bulk = rmtmc_model_bulk_pop(&m, one), full = rmtmc_model_pop(&m);
  PyObject *r = Py_BuildValue("(NNNNN)", doubles(bulk.t, bulk.k), doubles(bulk.w, bulk.k), doubles(full.t, full.k),
                              doubles(full.w, full.k), doubles(m.spikes, m.nspikes));
  rmtmc_model_free(&m);
  return r;
}

/* One element of a vectorised closed form: out (1 or 2 doubles) from the
 * population, eta and in (1 or 2 doubles). */
typedef rmtmc_status (*elem_fn)(const rmtmc_pop *H, double eta, const double *in, double *out, double extra,
                                rmtmc_error *err);

static rmtmc_status elem_stieltjes(const rmtmc_pop *H, double eta, const double *in, double *out, double companion,
                                   rmtmc_error *err) {
  double complex m, mc;
  rmtmc_status st = rmtmc_theory_stieltjes(H, eta, in[0] + I * in[1], NULL, &m, &mc, err);
  double complex v = companion != 0.0 ? mc : m;
  out[0] = creal(v);
  out[1] = cimag(v);
  return st;
}

static rmtmc_status elem_bias(const rmtmc_pop *H, double eta, const double *in, double *out, double kurt,
                              rmtmc_error *err) {
  double complex mu = 0.0;
  rmtmc_status st = rmtmc_theory_stieltjes_bias(H, eta, in[0] + I * in[1], kurt, NULL, &mu, err);
  out[0] = creal(mu);
  out[1] = cimag(mu);
  return st;
}

static rmtmc_status elem_density(const rmtmc_pop *H, double eta, const double *in, double *out, double unused,
                                 rmtmc_error *err) {
  return rmtmc_theory_density(H, eta, in[0], NULL, out, err);
}

/* (t, w, eta[n], in[n], out[n], extra): f on every element, the GIL
 * released; in and out complex (pairs of doubles) when complex_. */
static PyObject *elementwise(PyObject *args, int complex_, elem_fn f) {
  PyObject *to, *wo, *eo, *io, *oo;
  double extra = 0.0;
  if (!PyArg_ParseTuple(args, "OOOOO|d", &to, &wo, &eo, &io, &oo, &extra)) return NULL;
  pop_bufs p;
  Py_buffer e, in, out;
  if (pop_get(to, wo, &p) < 0) return NULL;
  if (get_doubles(eo, &e, 0, 0, "eta") < 0) goto fail0;
  if (get_doubles(io, &in, 0, complex_, "input") < 0) goto fail1;
  if (get_doubles(oo, &out, 1, complex_, "out") < 0) goto fail2;
  Py_ssize_t n = e.len / 8, bad = -1, k = complex_ ? 2 : 1;
  if (in.len != n * k * 8 || out.len != n * k * 8) {
    PyBuffer_Release(&out);
    PyErr_SetString(PyExc_ValueError, "eta, input and out differ in length");
    goto fail2;
  }
  rmtmc_error err;
  const double *ev = e.buf, *iv = in.buf;
  double *ov = out.buf;
  Py_BEGIN_ALLOW_THREADS
  for (Py_ssize_t i = 0; i < n; ++i)
    if (f(&p.pop, ev[i], iv + k * i, ov + k * i, extra, &err) != RMTMC_OK) {
      bad = i;
      break;
    }
  Py_END_ALLOW_THREADS
  PyBuffer_Release(&out);
  PyBuffer_Release(&in);
  PyBuffer_Release(&e);
  pop_release(&p);
  if (bad >= 0) return raise_at(&err, bad, n);
  Py_RETURN_NONE;
fail2:
  PyBuffer_Release(&in);
fail1:
  PyBuffer_Release(&e);
fail0:
  pop_release(&p);
  return NULL;
}

/* stieltjes(t, w, eta[n], z[n] complex, out[n] complex, companion) */
static PyObject *py_stieltjes(PyObject *self, PyObject *args) { return elementwise(args, 1, elem_stieltjes); }
/* bias(t, w, eta[n], z[n] complex, out[n] complex, kurt_excess): mu(z) */
static PyObject *py_bias(PyObject *self, PyObject *args) { return elementwise(args, 1, elem_bias); }
/* density(t, w, eta[n], x[n], out[n]) */
static PyObject *py_density(PyObject *self, PyObject *args) { return elementwise(args, 0, elem_density); }

/* support(t, w, eta) -> (lo, hi, mass, atom, hard_edge_at_zero) */
static PyObject *py_support(PyObject *self, PyObject *args) {
  PyObject *to, *wo;
  double eta;
  if (!PyArg_ParseTuple(args, "OOd", &to, &wo, &eta)) return NULL;
  pop_bufs p;
  if (pop_get(to, wo, &p) < 0) return NULL;
  rmtmc_support sup;
  rmtmc_error err;
  rmtmc_status st;
  Py_BEGIN_ALLOW_THREADS
  st = rmtmc_theory_support(&p.pop, eta, &sup, &err);
  Py_END_ALLOW_THREADS
  pop_release(&p);
  if (st != RMTMC_OK) return raise_err(&err);
  PyObject *r = Py_BuildValue("(NNNdN)", doubles(sup.lo, sup.nint), doubles(sup.hi, sup.nint),
                              doubles(sup.mass, sup.nint), sup.atom, PyBool_FromLong(sup.hard_edge_at_zero));
  rmtmc_support_free(&sup);
  return r;
}

/* moments(t, w, eta) -> (m1, m2, m3) */
static PyObject *py_moments(PyObject *self, PyObject *args) {
  PyObject *to, *wo;
  double eta;
  if (!PyArg_ParseTuple(args, "OOd", &to, &wo, &eta)) return NULL;
  pop_bufs p;
  if (pop_get(to, wo, &p) < 0) return NULL;
  double m[3];
  rmtmc_theory_moments(&p.pop, eta, m);
  pop_release(&p);
  return Py_BuildValue("(ddd)", m[0], m[1], m[2]);
}

/* ridge(t, count, r2, n, sigma2, lam[k], out[k x 9]): kappa, df1, df2,
 * lam_over_kappa, bias, variance, risk, train, gcv for each lam. */
static PyObject *py_ridge(PyObject *self, PyObject *args) {
  PyObject *to, *co, *lo, *oo;
  double r2, n, sigma2;
  if (!PyArg_ParseTuple(args, "OOdddOO", &to, &co, &r2, &n, &sigma2, &lo, &oo)) return NULL;
  pop_bufs p;
  Py_buffer lam, out;
  if (pop_get(to, co, &p) < 0) return NULL;
  if (get_doubles(lo, &lam, 0, 0, "lam") < 0) {
    pop_release(&p);
    return NULL;
  }
  if (get_doubles(oo, &out, 1, 0, "out") < 0) {
    PyBuffer_Release(&lam);
    pop_release(&p);
    return NULL;
  }
  rmtmc_ridge_problem pb = {.natoms = p.pop.k, .s = p.pop.t, .count = p.pop.w, .b2 = NULL, .r2 = r2, .n = n,
                            .sigma2 = sigma2};
  Py_ssize_t k = lam.len / 8, bad = -1;
  rmtmc_error err;
  const double *lv = lam.buf;
  double *ov = out.buf;
  Py_BEGIN_ALLOW_THREADS
  for (Py_ssize_t i = 0; i < k; ++i) {
    rmtmc_ridge_limits l;
    if (rmtmc_ridge_theory(&l, &pb, lv[i], NULL, &err) != RMTMC_OK) {
      bad = i;
      break;
    }
    double *o = ov + 9 * i;
    o[0] = l.kappa, o[1] = l.df1, o[2] = l.df2, o[3] = l.lam_over_kappa, o[4] = l.bias;
    o[5] = l.variance, o[6] = l.risk, o[7] = l.train, o[8] = l.gcv;
  }
  Py_END_ALLOW_THREADS
  PyBuffer_Release(&out);
  PyBuffer_Release(&lam);
  pop_release(&p);
  if (bad >= 0) return raise_at(&err, bad, k);
  Py_RETURN_NONE;
}

/* tracy_widom(beta, s[n], cdf[n], pdf[n] or None) */
static PyObject *py_tracy_widom(PyObject *self, PyObject *args) {
  int beta;
  PyObject *so, *co, *po;
  if (!PyArg_ParseTuple(args, "iOOO", &beta, &so, &co, &po)) return NULL;
  Py_buffer s, cdf, pdf;
  int want_pdf = po != Py_None;
  if (get_doubles(so, &s, 0, 0, "s") < 0) return NULL;
  if (get_doubles(co, &cdf, 1, 0, "cdf") < 0) {
    PyBuffer_Release(&s);
    return NULL;
  }
  if (want_pdf && get_doubles(po, &pdf, 1, 0, "pdf") < 0) {
    PyBuffer_Release(&cdf);
    PyBuffer_Release(&s);
    return NULL;
  }
  rmtmc_error err;
  rmtmc_tw *tw = NULL;
  rmtmc_status st;
  Py_BEGIN_ALLOW_THREADS
  st = rmtmc_tw_create(&tw, &err);
  if (st == RMTMC_OK)
    st = rmtmc_tw_table(tw, beta, (int64_t)(s.len / 8), s.buf, cdf.buf, want_pdf ? pdf.buf : NULL, &err);
  rmtmc_tw_free(tw);
  Py_END_ALLOW_THREADS
  if (want_pdf) PyBuffer_Release(&pdf);
  PyBuffer_Release(&cdf);
  PyBuffer_Release(&s);
  if (st != RMTMC_OK) return raise_err(&err);
  Py_RETURN_NONE;
}

/* tracy_widom_quantile(beta, p[n], out[n]) */
static PyObject *py_tracy_widom_quantile(PyObject *self, PyObject *args) {
  int beta;
  PyObject *po, *oo;
  if (!PyArg_ParseTuple(args, "iOO", &beta, &po, &oo)) return NULL;
  Py_buffer p, out;
  if (get_doubles(po, &p, 0, 0, "p") < 0) return NULL;
  if (get_doubles(oo, &out, 1, 0, "out") < 0) {
    PyBuffer_Release(&p);
    return NULL;
  }
  rmtmc_error err;
  rmtmc_tw *tw = NULL;
  rmtmc_status st;
  Py_ssize_t n = p.len / 8, bad = -1;
  const double *pv = p.buf;
  double *ov = out.buf;
  Py_BEGIN_ALLOW_THREADS
  st = rmtmc_tw_create(&tw, &err);
  for (Py_ssize_t i = 0; st == RMTMC_OK && i < n; ++i)
    if ((st = rmtmc_tw_quantile(tw, beta, pv[i], &ov[i], &err)) != RMTMC_OK) bad = i;
  rmtmc_tw_free(tw);
  Py_END_ALLOW_THREADS
  PyBuffer_Release(&out);
  PyBuffer_Release(&p);
  if (st != RMTMC_OK) return bad >= 0 ? raise_at(&err, bad, n) : raise_err(&err);
  Py_RETURN_NONE;
}

/* bbp(eta, ell) -> (threshold, lambda1, cos2, sd_sqrt_n) */
static PyObject *py_bbp(PyObject *self, PyObject *args) {
  double eta, ell, th, l1, c2, sd;
  if (!PyArg_ParseTuple(args, "dd", &eta, &ell)) return NULL;
  rmtmc_bbp(eta, ell, &th, &l1, &c2, &sd);
  return Py_BuildValue("(dddd)", th, l1, c2, sd);
}

static PyObject *py_version(PyObject *self, PyObject *noargs) {
  return Py_BuildValue("(si)", rmtmc_version(), rmtmc_version_number());
}

static PyObject *py_backends(PyObject *self, PyObject *noargs) { return PyUnicode_FromString(rmtmc_backends_compiled()); }

static PyMethodDef methods[] = {
    {"studies", py_studies, METH_NOARGS, "The table of studies: name, summary, traits, usage text."},
    {"is_flag", py_is_flag, METH_VARARGS, "is_flag(study, option): does the option take no value?"},
    {"run", py_run, METH_VARARGS, "run(study, options, progress, dir) -> dict (json, summary, note, trials, ...)."},
    {"population", py_population, METH_VARARGS, "population(sigma_spec, d) -> (t, w, t_full, w_full, spikes)."},
    {"stieltjes", py_stieltjes, METH_VARARGS, "stieltjes(t, w, eta, z, out, companion)."},
    {"bias", py_bias, METH_VARARGS, "bias(t, w, eta, z, out, kurt_excess)."},
    {"density", py_density, METH_VARARGS, "density(t, w, eta, x, out)."},
    {"support", py_support, METH_VARARGS, "support(t, w, eta) -> (lo, hi, mass, atom, hard_edge_at_zero)."},
    {"moments", py_moments, METH_VARARGS, "moments(t, w, eta) -> (m1, m2, m3)."},
    {"ridge", py_ridge, METH_VARARGS, "ridge(s, count, r2, n, sigma2, lam, out)."},
    {"tracy_widom", py_tracy_widom, METH_VARARGS, "tracy_widom(beta, s, cdf, pdf)."},
    {"tracy_widom_quantile", py_tracy_widom_quantile, METH_VARARGS, "tracy_widom_quantile(beta, p, out)."},
    {"bbp", py_bbp, METH_VARARGS, "bbp(eta, ell) -> (threshold, lambda1, cos2, sd_sqrt_n)."},
    {"version", py_version, METH_NOARGS, "(version text, version number) of the library."},
    {"backends", py_backends, METH_NOARGS, "The compiled-in backends, e.g. 'cpu,cuda'."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_core", "rmtmc's C engine (see the rmtmc package).", -1,
                                    methods};

PyMODINIT_FUNC PyInit__core(void) {
  PyObject *m = PyModule_Create(&module);
  if (!m) return NULL;
  Error = PyErr_NewExceptionWithDoc("rmtmc.Error", "A run of the library failed (its status and message).",
                                    PyExc_RuntimeError, NULL);
  PyObject *bases = Error ? PyTuple_Pack(2, Error, PyExc_ValueError) : NULL;
  InputError = bases ? PyErr_NewExceptionWithDoc("rmtmc.InputError",
                                                 "Bad input: wrong sizes, specs or values (the library's message).",
                                                 bases, NULL)
                     : NULL;
  Py_XDECREF(bases);
  if (!InputError || PyModule_AddObject(m, "Error", Error) < 0) {
    Py_XDECREF(Error);
    Py_XDECREF(InputError);
    Py_DECREF(m);
    return NULL;
  }
  Py_INCREF(Error); /* the module holds one reference, this file another */
  if (PyModule_AddObject(m, "InputError", InputError) < 0) {
    Py_DECREF(InputError);
    Py_DECREF(m);
    return NULL;
  }
  Py_INCREF(InputError);
  PyModule_AddIntConstant(m, "VERSION_NUMBER", RMTMC_VERSION_NUMBER);
  return m;
}
