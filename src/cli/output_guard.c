/* output_guard.c: signal handling for the output transaction
 * (output_guard.h).  The handler runs on whichever thread the kernel picks;
 * on an OpenMP worker it forwards the signal to the thread that runs the
 * transaction (whose commit blocks these signals for its few renames), so
 * the cleanup never runs beside a commit. */
#define _GNU_SOURCE /* gettid, tgkill via syscall */
#include "cli/output_guard.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const int guarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
#define NSIG_GUARDED (sizeof guarded_signals / sizeof guarded_signals[0])

static rmtmc_output *volatile guarded;
static volatile pid_t child;
static volatile pid_t owner_tid;
static struct sigaction previous[NSIG_GUARDED];
static int installed;

static void on_signal(int sig) {
  pid_t tid = (pid_t)syscall(SYS_gettid);
  if (tid != owner_tid) {
    syscall(SYS_tgkill, (pid_t)getpid(), owner_tid, sig);
    return;
  }
  pid_t c = child;
  if (c > 0) {
    kill(c, SIGKILL);
    while (waitpid(c, NULL, 0) < 0 && errno == EINTR) {
    }
  }
  rmtmc_output *o = guarded;
  if (o) rmtmc_output_cleanup_signal(o);
  struct sigaction dfl;
  sigemptyset(&dfl.sa_mask);
  dfl.sa_flags = 0;
  dfl.sa_handler = SIG_DFL;
  sigaction(sig, &dfl, NULL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  raise(sig);
  _exit(128 + sig);
}

void cli_output_guard(rmtmc_output *o) {
  owner_tid = (pid_t)syscall(SYS_gettid);
  guarded = o;
  if (installed) return;
  struct sigaction sa;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < NSIG_GUARDED; ++i) sigaddset(&sa.sa_mask, guarded_signals[i]);
  sa.sa_flags = 0;
  sa.sa_handler = on_signal;
  for (size_t i = 0; i < NSIG_GUARDED; ++i) {
    sigaction(guarded_signals[i], NULL, &previous[i]);
    if (previous[i].sa_handler != SIG_IGN) sigaction(guarded_signals[i], &sa, NULL); /* an ignored signal stays ignored */
  }
  installed = 1;
}

void cli_output_guard_child(long pid) { child = (pid_t)pid; }

void cli_output_unguard(void) {
  if (installed)
    for (size_t i = 0; i < NSIG_GUARDED; ++i) sigaction(guarded_signals[i], &previous[i], NULL);
  installed = 0;
  guarded = NULL;
}
