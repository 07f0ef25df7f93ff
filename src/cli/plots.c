/* plots.c: the CLI side of the pictures: run gnuplot on the scripts the
 * library wrote into an output directory (fork/exec, working directory DIR,
 * no shell), then write report.html.  gnuplot missing is not an error: the
 * study still succeeds and stderr says how to get the pictures. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

/* 0: ran, 127: gnuplot not found, other: gnuplot failed. */
static int run_gnuplot(const char *dir, const char *script) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (chdir(dir) != 0) _exit(126);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDOUT_FILENO);
    execlp("gnuplot", "gnuplot", script, (char *)NULL);
    _exit(errno == ENOENT ? 127 : 126);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  if (!WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

int cli_run_plots(const char *cmd, const char *dir, const rmtmc_plot_scripts *s) {
  int drawn = 0;
  for (int i = 0; i < s->count; ++i) {
    int rc = run_gnuplot(dir, s->name[i]);
    if (rc == 127) {
      fprintf(stderr,
              "rmtmc %s: gnuplot not found, so no pictures were drawn (the study and its data are complete).\n"
              "  To get them: install gnuplot (Debian/Ubuntu: apt-get install gnuplot-nox), then\n"
              "    cd '%s'",
              cmd, dir);
      for (int j = i; j < s->count; ++j) fprintf(stderr, " && gnuplot %s", s->name[j]);
      fprintf(stderr, "\n  (report.html embeds the pictures present when the study is written.)\n");
      return 0;
    }
    if (rc != 0)
      fprintf(stderr, "rmtmc %s: gnuplot %s failed (exit %d) in %s; the data files are complete\n", cmd,
              s->name[i], rc, dir);
    else
      ++drawn;
  }
  return drawn;
}
