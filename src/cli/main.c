/* main.c: the rmtmc command-line tool: dispatch to the studies. */
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
          "commands:\n"
          "  spectrum   Monte Carlo study of S = X X^T / n against the theory\n"
          "  theory     evaluate the closed forms alone (no simulation)\n"
          "  generative ridge linear generative model: contexts (Prop A) or mixture (Prop B)\n"
          "  ridge      Monte Carlo of ridge regression risk, training error and GCV\n"
          "  sweep      the spectrum study over a list of sizes: error slopes vs THEORY 6 rates\n"
          "\n"
          "  rmtmc COMMAND --help   options of a command\n"
          "  rmtmc --version        version and compiled-in backends\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(cmd, "--version") == 0) {
    printf("rmtmc %s (backends: %s)\n", rmtmc_version(), rmtmc_backends_compiled());
    return 0;
  }
  if (strcmp(cmd, "spectrum") == 0) return cmd_spectrum(argc - 2, argv + 2);
  if (strcmp(cmd, "theory") == 0) return cmd_theory(argc - 2, argv + 2);
  if (strcmp(cmd, "generative") == 0) return cmd_generative(argc - 2, argv + 2);
  if (strcmp(cmd, "ridge") == 0) return cmd_ridge(argc - 2, argv + 2);
  if (strcmp(cmd, "sweep") == 0) return cmd_sweep(argc - 2, argv + 2);
  fprintf(stderr, "rmtmc: unknown command '%s' (see rmtmc --help)\n", cmd);
  return 2;
}
