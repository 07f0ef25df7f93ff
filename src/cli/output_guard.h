/* output_guard.h: the CLI side of the output transaction's signal safety
 * (rmtmc_output.h).  While a transaction is guarded, SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT and SIGPIPE remove every temporary path of the
 * transaction and then end the process with that signal, as if unhandled.
 * The CLI runs one transaction at a time: one static slot. */
#ifndef RMTMC_CLI_OUTPUT_GUARD_H
#define RMTMC_CLI_OUTPUT_GUARD_H

#include "rmtmc_output.h"

/* Guard o (from the thread that runs the transaction); replaces any
 * previous guard. */
void cli_output_guard(rmtmc_output *o);
/* A child process writing into the transaction's directories (gnuplot):
 * the handler kills and reaps it before removing anything.  0: none. */
void cli_output_guard_child(long pid);
/* Stop guarding and restore the previous signal dispositions. */
void cli_output_unguard(void);

#endif
