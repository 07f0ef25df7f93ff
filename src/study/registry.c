/* registry.c: the table of studies and the opaque study / result handles
 * (rmtmc_study.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/study_def.h"

/* The table: one line per study. */
static const rmtmc_study_def *const studies[] = {
    &study_def_spectrum, &study_def_theory, &study_def_contexts,
    &study_def_mixture,  &study_def_ridge,  &study_def_sweep, &study_def_resolvent,
    &study_def_edge,
};
#define NSTUDIES ((int)(sizeof studies / sizeof studies[0]))

struct rmtmc_study {
  const rmtmc_study_def *def;
  void *cfg;
  study_hooks hooks;
};

struct rmtmc_result {
  const rmtmc_study_def *def;
  void *res;
  rmtmc_trials_files tf; /* the per-trial files' context */
};

/* The run options of a configured study, NULL for one without trials. */
static rmtmc_run_opts *run_opts(const rmtmc_study *s) {
  return s->def->run_opts_at >= 0 ? (rmtmc_run_opts *)((char *)s->cfg + s->def->run_opts_at) : NULL;
}

int rmtmc_study_count(void) { return NSTUDIES; }

const char *rmtmc_study_name(int i) { return i >= 0 && i < NSTUDIES ? studies[i]->name : NULL; }

const char *rmtmc_study_summary(int i) { return i >= 0 && i < NSTUDIES ? studies[i]->about : NULL; }

void study_file(rmtmc_out_file *f, const char *name, rmtmc_writer_fn fn, const void *ctx) {
  snprintf(f->name, sizeof f->name, "%s", name);
  f->fn = fn;
  f->ctx = ctx;
}

rmtmc_status rmtmc_study_new(const char *name, rmtmc_study **out, rmtmc_error *err) {
  *out = NULL;
  const rmtmc_study_def *def = NULL;
  for (int i = 0; i < NSTUDIES; ++i)
    if (strcmp(studies[i]->name, name) == 0) def = studies[i];
  if (!def) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "unknown study '%s' (see rmtmc --help)", name);
  rmtmc_study *s = calloc(1, sizeof *s);
  void *cfg = calloc(1, def->config_size);
  if (!s || !cfg) {
    free(s);
    free(cfg);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  def->defaults(cfg);
  s->def = def;
  s->cfg = cfg;
  *out = s;
  return RMTMC_OK;
}

void rmtmc_study_free(rmtmc_study *s) {
  if (!s) return;
  free(s->cfg);
  free(s);
}

const char *rmtmc_study_name_of(const rmtmc_study *s) { return s->def->name; }

void rmtmc_study_usage(const rmtmc_study *s, FILE *f) { s->def->usage(f); }

int rmtmc_study_flag(const rmtmc_study *s, const char *option) {
  char key[140];
  snprintf(key, sizeof key, " %s ", option);
  return s->def->flags && strstr(s->def->flags, key) != NULL;
}

rmtmc_status rmtmc_study_set(rmtmc_study *s, const char *option, const char *value, rmtmc_error *err) {
  rmtmc_status st = RMTMC_OK;
  int flag = rmtmc_study_flag(s, option);
  if (!flag && !value) /* a value-less option the study does not have */
    return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED, "unknown option --%s (see rmtmc %s --help)", option,
                           strncmp(s->def->name, "generative", 10) == 0 ? "generative" : s->def->name);
  if (!s->def->option(s->cfg, option, value, &st, err))
    return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED, "unknown option --%s (see rmtmc %s --help)", option,
                           strncmp(s->def->name, "generative", 10) == 0 ? "generative" : s->def->name);
  return st;
}

void rmtmc_study_set_progress(rmtmc_study *s, rmtmc_progress_fn fn, void *ctx) {
  rmtmc_run_opts *o = run_opts(s);
  if (o) {
    o->progress = fn;
    o->progress_ctx = ctx;
  }
}

void rmtmc_study_set_notice(rmtmc_study *s, rmtmc_notice_fn fn, void *ctx) {
  s->hooks.notice = fn;
  s->hooks.notice_ctx = ctx;
}

void rmtmc_study_set_debug(rmtmc_study *s, const rmtmc_backend_debug *d) {
  rmtmc_run_opts *o = run_opts(s);
  if (o) o->debug = *d;
}

void rmtmc_study_set_comm(rmtmc_study *s, rmtmc_comm *c) {
  rmtmc_run_opts *o = run_opts(s);
  if (o) o->comm = c;
}

rmtmc_status rmtmc_study_check(rmtmc_study *s, rmtmc_error *err) {
  return s->def->check ? s->def->check(s->cfg, err) : RMTMC_OK;
}

void rmtmc_study_traits_of(const rmtmc_study *s, rmtmc_study_traits *t) { *t = s->def->traits; }

rmtmc_status rmtmc_study_run(rmtmc_study *s, const char *dir, rmtmc_result **out, rmtmc_error *err) {
  *out = NULL;
  rmtmc_result *r = calloc(1, sizeof *r);
  void *res = calloc(1, s->def->result_size);
  if (!r || !res) {
    free(r);
    free(res);
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  }
  rmtmc_status st = s->def->run(s->cfg, dir, &s->hooks, res, err);
  if (st != RMTMC_OK) {
    free(res);
    free(r);
    return st;
  }
  r->def = s->def;
  r->res = res;
  const rmtmc_run_opts *o = run_opts(s);
  r->tf.study = s->def->name;
  r->tf.t = s->def->trials_at >= 0 ? (const rmtmc_trials *)((const char *)res + s->def->trials_at) : NULL;
  r->tf.seed = o ? o->seed : 0;
  *out = r;
  return RMTMC_OK;
}

void rmtmc_result_free(rmtmc_result *r) {
  if (!r) return;
  r->def->result_free(r->res);
  free(r->res);
  free(r);
}

const char *rmtmc_result_study(const rmtmc_result *r) { return r->def->name; }

int rmtmc_result_complete(const rmtmc_result *r) { return r->def->complete ? r->def->complete(r->res) : 1; }

const char *rmtmc_result_note(const rmtmc_result *r) {
  const rmtmc_run_info *ri =
      r->def->run_info_at >= 0 ? (const rmtmc_run_info *)((const char *)r->res + r->def->run_info_at) : NULL;
  return ri ? ri->backend_note : "";
}

const void *rmtmc_result_data(const rmtmc_result *r) { return r->res; }

const rmtmc_trials *rmtmc_result_trials(const rmtmc_result *r) {
  return r->tf.t && r->tf.t->data ? r->tf.t : NULL;
}

rmtmc_status rmtmc_result_write_json(const rmtmc_result *r, FILE *f, rmtmc_error *err) {
  return r->def->json(f, r->res, err);
}

int rmtmc_result_files(const rmtmc_result *r, rmtmc_out_file *files, int cap) {
  if (r->def->files) return r->def->files(r->res, files, cap);
  if (cap >= 1) study_file(&files[0], "result.json", r->def->json, r->res);
  return 1;
}

rmtmc_status rmtmc_result_plots(const rmtmc_result *r, const char *dir, rmtmc_plot_scripts *s, rmtmc_error *err) {
  s->count = 0;
  return r->def->plots ? r->def->plots(dir, r->res, s, err) : RMTMC_OK;
}

rmtmc_status rmtmc_result_html(const rmtmc_result *r, const char *dir, rmtmc_error *err) {
  return r->def->html ? r->def->html(dir, r->res, err) : RMTMC_OK;
}

void rmtmc_result_summary(const rmtmc_result *r, FILE *f) {
  if (r->def->summary) r->def->summary(f, r->res);
}

int rmtmc_result_trials_files(const rmtmc_result *r, rmtmc_out_file *files) {
  return rmtmc_result_trials(r) ? rmtmc_trials_files_list(&r->tf, files) : 0;
}
