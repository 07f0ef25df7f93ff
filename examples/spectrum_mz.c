/* spectrum_mz.c: a program that uses the installed rmtmc library
 * (docs/api.md): run a spectrum study and print m(z) beside its theory.
 *
 *   spectrum_mz [option=value ...]     e.g. spectrum_mz d=200 trials=100 z=-1,2+0.5i
 *
 * Options are the command line's (`rmtmc spectrum --help`) without "--".
 * Build it against an installed tree with CMake (CMakeLists.txt here:
 * find_package(rmtmc)) or with pkg-config (Makefile here). */
#include <stdio.h>
#include <string.h>

#include <rmtmc/rmtmc.h>

/* Progress after every batch; returning nonzero would stop the run. */
static int progress(void *ctx, int64_t done, int64_t total) {
  int *calls = ctx;
  ++*calls;
  (void)done;
  (void)total;
  return 0;
}

static int fail(const char *what, const rmtmc_error *err, rmtmc_study *s) {
  fprintf(stderr, "spectrum_mz: %s: %s (%s)\n", what, err->msg, rmtmc_status_str(err->code));
  rmtmc_study_free(s);
  return err->code == RMTMC_ERR_INVALID || err->code == RMTMC_ERR_UNSUPPORTED ? 2 : 1;
}

int main(int argc, char **argv) {
  if (rmtmc_version_number() != RMTMC_VERSION_NUMBER) {
    fprintf(stderr, "spectrum_mz: headers %s, library %s\n", RMTMC_VERSION, rmtmc_version());
    return 1;
  }
  printf("rmtmc %s, backends %s\n", rmtmc_version(), rmtmc_backends_compiled());

  rmtmc_error err;
  rmtmc_error_clear(&err);
  rmtmc_study *s = NULL;
  if (rmtmc_study_new("spectrum", &s, &err) != RMTMC_OK) return fail("spectrum", &err, NULL);
  /* Defaults of this example; argv may override them. */
  const char *defaults[][2] = {{"d", "200"}, {"n", "400"}, {"trials", "64"}, {"z", "-1,4.5,1+0.2i"}};
  for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; ++i)
    if (rmtmc_study_set(s, defaults[i][0], defaults[i][1], &err) != RMTMC_OK) return fail(defaults[i][0], &err, s);
  for (int i = 1; i < argc; ++i) {
    char opt[128];
    const char *eq = strchr(argv[i], '=');
    size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
    if (len >= sizeof opt) len = sizeof opt - 1;
    memcpy(opt, argv[i], len);
    opt[len] = '\0';
    if (rmtmc_study_set(s, opt, eq ? eq + 1 : NULL, &err) != RMTMC_OK) return fail(argv[i], &err, s);
  }
  if (rmtmc_study_check(s, &err) != RMTMC_OK) return fail("check", &err, s);

  int calls = 0;
  rmtmc_study_set_progress(s, progress, &calls);
  rmtmc_result *res = NULL;
  if (rmtmc_study_run(s, NULL, &res, &err) != RMTMC_OK) return fail("run", &err, s);

  /* The typed result of the spectrum study (rmtmc_spectrum.h). */
  const rmtmc_spectrum_result *r = rmtmc_result_data(res);
  const rmtmc_zobs_table *m = &r->zobs[RMTMC_ZOBS_STIELTJES];
  printf("d = %lld, n = %lld, %lld trials on %s (%d progress calls)\n", (long long)r->config.d,
         (long long)r->config.n, (long long)r->config.run.trials, r->run.backend.name, calls);
  printf("%-18s %-34s %-22s %s\n", "z", "m_d(z) (mean over trials)", "stderr (re, im)", "m(z) theory");
  for (int64_t k = 0; k < m->nz; ++k) {
    const rmtmc_stieltjes_row *row = &m->rows[k];
    char z[40], emp[48], se[40], th[48];
    snprintf(z, sizeof z, "%.4g%+.4gi", row->z_re, row->z_im);
    snprintf(emp, sizeof emp, "%.10f%+.10fi", row->re.mean, row->im.mean);
    snprintf(se, sizeof se, "%.2e, %.2e", row->re.stderr_, row->im.stderr_);
    snprintf(th, sizeof th, "%.10f%+.10fi", row->theory_re, row->theory_im);
    printf("%-18s %-34s %-22s %s\n", z, emp, se, th);
  }
  rmtmc_result_free(res);
  rmtmc_study_free(s);
  return 0;
}
