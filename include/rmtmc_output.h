/* rmtmc_output.h: a run's outputs as one all-or-nothing transaction.
 *
 * A run declares its destinations before any work starts (--json PATH,
 * --out DIR, ...); each is checked there and then against the real file
 * system, so a destination that cannot be written is a bad-input error
 * (RMTMC_ERR_INVALID, exit code 2) before the study runs.  After the study
 * the run begins the transaction, writes every file under a temporary name
 * and commits; only the commit makes the outputs appear, all together.  A
 * write failure at any point (RMTMC_ERR_WRITE, exit code 1, the message
 * carries the OS reason) or an abort leaves nothing behind: no output, no
 * temporary file, no directory the run created.
 *
 * Destinations
 * - A file (--json PATH).  A regular file or a new name is written to a
 *   temporary file beside it, fsync'ed and renamed over it (keeping an
 *   existing file's permission bits).  A character device, a FIFO or "-"
 *   (standard output) is written through at commit time (the content is
 *   staged in memory until then; a FIFO waits for its reader).  A symlink is
 *   resolved and its target written; the link stays.  The parent directory
 *   must exist; a directory, a name ending in '/', a socket, a name longer
 *   than NAME_MAX or a path longer than PATH_MAX is refused.
 * - A directory (--out DIR).  DIR and its missing parents are created, as
 *   mkdir -p would, but only at commit.  The run builds a fresh directory
 *   under a temporary name beside DIR (pictures and report included) and
 *   swaps it in as a whole (renameat2 RENAME_EXCHANGE, or two renames where
 *   the file system has no exchange), so after a run DIR holds exactly that
 *   run's files.  Every DIR written this way holds a marker file,
 *   RMTMC_OUTPUT_MARKER, naming the files of the run.  An existing DIR is
 *   replaced only when it is empty or holds nothing but the files its
 *   marker names; any other non-empty directory (one rmtmc did not write,
 *   or one where someone added a file) is refused with a message, so a run
 *   never deletes a user's files.  The current directory and its ancestors
 *   are refused too.
 *
 * - A directory with state (the sweep's --out DIR, which keeps its
 *   checkpoint points.jsonl between runs): as a directory, except that its
 *   state file may be there without the marker (a run stopped before its
 *   outputs were written) and is carried (hard-linked, else copied) into the
 *   new directory at begin(), so that it survives the swap.  The study that
 *   keeps state writes it during its run, after rmtmc_output_lock().
 *
 * Temporary names are ".rmtmc-tmp.<pid>.<tag>.<name>" beside the
 * destination: hidden, never a name rmtmc writes as output, and carrying
 * the writer's pid.  begin() removes such names for the same destination
 * whose pid is no longer alive (left by a kill -9).
 *
 * Concurrency: begin() takes an exclusive flock on the directory that holds
 * each destination (in a fixed order, released at commit or abort), so two
 * runs into the same destinations write one after the other, never mixed;
 * the second waits.
 *
 * Signals: the library installs no handler and keeps no globals.  A caller
 * that handles SIGINT/SIGTERM keeps the transaction in one static pointer
 * and calls rmtmc_output_cleanup_signal() from its handler, which removes
 * every temporary path of the transaction with async-signal-safe calls
 * only.  The commit's renames run with SIGINT, SIGTERM, SIGHUP and SIGQUIT
 * blocked (microseconds), so a signal never lands between them.
 *
 * Typical use (one run):
 *   rmtmc_output *o; int js, od;
 *   rmtmc_output_new(&o, err);
 *   rmtmc_output_add_file(o, "json", json_path, &js, err);  // before the study
 *   rmtmc_output_add_dir(o, "out", out_dir, &od, err);
 *   ... run the study ...
 *   rmtmc_output_begin(o, err);
 *   rmtmc_output_write_file(o, js, write_json, result, err);
 *   some_writer(rmtmc_output_dir(o, od), result, err); // writes into the temp dir
 *   rmtmc_output_commit(o, err);
 *   rmtmc_output_free(o);                                  // aborts if not committed
 */
#ifndef RMTMC_OUTPUT_H
#define RMTMC_OUTPUT_H

#include "rmtmc_report.h"
#include "rmtmc_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The marker file in every output directory (one file name per line after
 * a comment line). */
#define RMTMC_OUTPUT_MARKER ".rmtmc-output"
/* The prefix of every temporary name. */
#define RMTMC_OUTPUT_TMP_PREFIX ".rmtmc-tmp."
#define RMTMC_OUTPUT_MAX_DEST 8

typedef struct rmtmc_output rmtmc_output;

/* A new, empty transaction.  Free it with rmtmc_output_free (NULL is a
 * harmless no-op), which aborts it unless it was committed. */
rmtmc_status rmtmc_output_new(rmtmc_output **o, rmtmc_error *err);
void rmtmc_output_free(rmtmc_output *o);

/* Declare a destination and check it now.  opt names it in messages
 * ("json" gives "--json PATH: ..."; "" a destination no option named: "-"
 * is then "standard output").  *id identifies it later. */
rmtmc_status rmtmc_output_add_file(rmtmc_output *o, const char *opt, const char *path, int *id,
                                   rmtmc_error *err);
rmtmc_status rmtmc_output_add_dir(rmtmc_output *o, const char *opt, const char *path, int *id,
                                  rmtmc_error *err);
/* A directory whose file `state` (one plain name) is kept from run to run. */
rmtmc_status rmtmc_output_add_state_dir(rmtmc_output *o, const char *opt, const char *path, const char *state,
                                        int *id, rmtmc_error *err);

/* For a run that writes state into a directory destination while it runs:
 * take the locks now (held until commit or abort; on the nearest existing
 * ancestor of each destination, nothing is created), so that concurrent
 * runs into the same destinations run one after the other.  Optional:
 * begin() takes them otherwise. */
rmtmc_status rmtmc_output_lock(rmtmc_output *o, rmtmc_error *err);

/* Start writing: lock (unless locked), check the destinations again,
 * remove stale temporaries, create the temporary directories. */
rmtmc_status rmtmc_output_begin(rmtmc_output *o, rmtmc_error *err);

/* Write file destination id through fn (staged; appears at commit). */
rmtmc_status rmtmc_output_write_file(rmtmc_output *o, int id, rmtmc_writer_fn fn, const void *ctx,
                                     rmtmc_error *err);
/* Write `name` (one plain file name) inside directory destination id. */
rmtmc_status rmtmc_output_write_in(rmtmc_output *o, int id, const char *name, rmtmc_writer_fn fn,
                                   const void *ctx, rmtmc_error *err);
/* The temporary directory that becomes directory destination id at commit:
 * hand it to writers that take a directory, or run a program in it.  NULL
 * before begin() or for a file destination. */
const char *rmtmc_output_dir(const rmtmc_output *o, int id);
/* After commit: the files a directory destination holds (its marker
 * excluded), 1 for a committed file destination. */
int rmtmc_output_files(const rmtmc_output *o, int id);
/* The destination as the user gave it (for messages), or NULL. */
const char *rmtmc_output_path(const rmtmc_output *o, int id);

/* Make every output appear: fsync, write the marker, write the
 * written-through destinations, then swap the directories and rename the
 * files into place (rolled back together if one of them fails). */
rmtmc_status rmtmc_output_commit(rmtmc_output *o, rmtmc_error *err);
/* Remove everything the transaction created (idempotent). */
void rmtmc_output_abort(rmtmc_output *o);

/* For a signal handler: remove every temporary path and every directory
 * the transaction created, using only open, close, unlink, unlinkat,
 * rmdir and getdents64 on the transaction's fixed tables (no allocation,
 * no locks, no stdio).  The transaction must not be used afterwards except
 * by rmtmc_output_free. */
void rmtmc_output_cleanup_signal(rmtmc_output *o);

/* Test hook: make the step-th file-system operation of the transaction
 * (counted from 1 across begin, writes and commit) fail with EIO; 0 turns
 * it off.  Returns the number of steps counted so far. */
int rmtmc_output_fail_at(rmtmc_output *o, int step);

#ifdef __cplusplus
}
#endif
#endif
