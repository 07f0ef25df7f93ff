/* main.c: the rmtmc command-line tool: the command names a study of the
 * library's table (rmtmc_study.h); cli_study does the rest. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: rmtmc COMMAND [options]\n"
          "\n"
          "GPU-accelerated Monte Carlo for random matrix theory: empirical spectra of\n"
          "sample covariance matrices beside their deterministic equivalents.\n"
          "\n"
          "commands:\n");
  for (int i = 0; i < rmtmc_study_count(); ++i) fprintf(f, "  %-20s %s\n", rmtmc_study_name(i), rmtmc_study_summary(i));
  fprintf(f,
          "\n"
          "  rmtmc COMMAND --help   options of a command\n"
          "  rmtmc --version        version and compiled-in backends\n");
}

/* `rmtmc generative` alone or with --help: the models' usage. */
static int generative_usage(int to_stdout) {
  rmtmc_study *s = NULL;
  rmtmc_error err;
  if (rmtmc_study_new("generative contexts", &s, &err) == RMTMC_OK) rmtmc_study_usage(s, to_stdout ? stdout : stderr);
  rmtmc_study_free(s);
  return to_stdout ? 0 : RMTMC_EXIT_USAGE;
}

/* A word of the command line in a message: escaped, never raw bytes. */
static const char *shown(const char *s, char *buf, size_t cap) { return rmtmc_text_escape(buf, cap, s, strlen(s)); }

/* The command in argv; only rank 0 of an MPI job prints. */
static int run_command(int argc, char **argv, rmtmc_comm *comm) {
  int root = rmtmc_comm_rank(comm) == 0;
  char buf[200];
  if (argc < 2) {
    if (root) usage(stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    if (root) usage(stdout);
    return 0;
  }
  if (strcmp(cmd, "--version") == 0) {
    char mpi[256];
    rmtmc_comm_library(mpi, sizeof mpi);
    if (root) printf("rmtmc %s (backends: %s; MPI: %s)\n", rmtmc_version(), rmtmc_backends_compiled(), mpi[0] ? mpi : "not compiled in");
    return 0;
  }
  if (strcmp(cmd, "generative") == 0) { /* two words: generative contexts|mixture */
    if (argc < 3) return root ? generative_usage(0) : RMTMC_EXIT_USAGE;
    if (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) return root ? generative_usage(1) : 0;
    char name[64];
    snprintf(name, sizeof name, "generative %s", argv[2]);
    if (strcmp(argv[2], "contexts") != 0 && strcmp(argv[2], "mixture") != 0) {
      if (root)
        fprintf(stderr, "rmtmc generative: error: unknown model '%s': use contexts or mixture\n",
                shown(argv[2], buf, sizeof buf));
      return RMTMC_EXIT_USAGE;
    }
    return cli_study(name, "generative", argc - 3, argv + 3, comm);
  }
  for (int i = 0; i < rmtmc_study_count(); ++i)
    if (strcmp(cmd, rmtmc_study_name(i)) == 0) return cli_study(cmd, cmd, argc - 2, argv + 2, comm);
  if (root) fprintf(stderr, "rmtmc: error: unknown command '%s' (see rmtmc --help)\n", shown(cmd, buf, sizeof buf));
  return 2;
}

int main(int argc, char **argv) {
  /* Under mpirun or srun every rank runs this same command (docs/cluster.md). */
  rmtmc_comm *comm = NULL;
  rmtmc_error err;
  rmtmc_error_clear(&err);
  int rc;
  if (rmtmc_comm_from_env(&argc, &argv, &comm, &err) != RMTMC_OK) {
    if (rmtmc_comm_rank(comm) == 0) fprintf(stderr, "rmtmc: error: %s\n", err.msg);
    rc = cli_exit_code(err.code);
  } else {
    rc = run_command(argc, argv, comm);
  }
  rmtmc_comm_close(comm);
  /* Standard output is part of the result: a command whose output could
   * not be written (a full disk, a closed pipe) fails, exit code 1, with
   * the OS reason. */
  errno = 0;
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "rmtmc: error: cannot write to standard output: %s\n", strerror(errno ? errno : EIO));
    return rc ? rc : RMTMC_EXIT_FAIL;
  }
  return rc;
}
