/* plots.c: the CLI side of the pictures: run gnuplot on the scripts the
 * library wrote into an output transaction's temporary directory
 * (fork/exec, working directory that directory, no shell, nothing the user
 * typed on its command line), with gnuplot's own output captured in a log
 * file there.  gnuplot missing or failing is not an error: the study still
 * succeeds and one line on stderr says what happened. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/output_guard.h"

#define GNUPLOT_LOG "gnuplot.log"

/* 0: ran, 127: gnuplot not found, other: gnuplot failed (-1: killed). */
static int run_gnuplot(const char *dir, const char *script, int log_fd) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (chdir(dir) != 0) _exit(126);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    if (log_fd >= 0) {
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
    }
    execlp("gnuplot", "gnuplot", script, (char *)NULL);
    _exit(errno == ENOENT ? 127 : 126);
  }
  cli_output_guard_child((long)pid); /* a signal now kills gnuplot before the cleanup */
  int status = 0, w;
  while ((w = (int)waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  cli_output_guard_child(0);
  if (w < 0 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

/* The first non-blank line gnuplot wrote from offset `from` of the log,
 * escaped (gnuplot echoes script lines, which may hold user text). */
static void first_line(int log_fd, off_t from, char *out, size_t cap) {
  char buf[512];
  out[0] = '\0';
  ssize_t n = pread(log_fd, buf, sizeof buf - 1, from);
  if (n <= 0) return;
  buf[n] = '\0';
  char *p = buf;
  while (*p == '\n' || *p == ' ' || *p == '\r') ++p;
  size_t len = strcspn(p, "\n");
  rmtmc_text_escape(out, cap, p, len);
}

int cli_run_plots_in(const char *cmd, const char *workdir, const char *shown, const rmtmc_plot_scripts *s,
                     int keep_log) {
  char dir_shown[300], log_path[4200];
  rmtmc_text_escape(dir_shown, sizeof dir_shown, shown, strlen(shown));
  snprintf(log_path, sizeof log_path, "%s/%s", workdir, GNUPLOT_LOG);
  int log_fd = s->count > 0 ? open(log_path, O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0666) : -1;
  int drawn = 0, failed = 0;
  for (int i = 0; i < s->count; ++i) {
    off_t from = log_fd >= 0 ? lseek(log_fd, 0, SEEK_END) : 0;
    int rc = run_gnuplot(workdir, s->name[i], log_fd);
    if (rc == 127) {
      fprintf(stderr,
              "rmtmc %s: gnuplot not found, so no pictures were drawn (the study and its data are complete); to draw "
              "them, install gnuplot (apt-get install gnuplot-nox) and run in %s: gnuplot",
              cmd, dir_shown);
      for (int j = i; j < s->count; ++j) fprintf(stderr, " %s", s->name[j]);
      fputc('\n', stderr);
      break;
    }
    if (rc != 0) {
      char said[200];
      if (log_fd >= 0) first_line(log_fd, from, said, sizeof said);
      else said[0] = '\0';
      fprintf(stderr, "rmtmc %s: gnuplot %s failed (%s%d)%s%s; the data files are complete%s\n", cmd, s->name[i],
              rc < 0 ? "killed, " : "exit ", rc, said[0] ? ": " : "", said,
              keep_log ? "; gnuplot's output is in " GNUPLOT_LOG : "; --gnuplot-log keeps gnuplot's output in DIR/" GNUPLOT_LOG);
      ++failed;
    } else {
      ++drawn;
    }
  }
  if (log_fd >= 0) close(log_fd);
  if (!keep_log) unlink(log_path); /* never part of the output unless asked */
  (void)failed;
  return drawn;
}
