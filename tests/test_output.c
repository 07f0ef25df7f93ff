/* test_output.c: the output transaction (include/rmtmc_output.h).
 * - destinations checked before any work: every bad destination refused;
 * - all-or-nothing: a failure injected at every file-system step of a run
 *   (begin, writes, commit) leaves the file system exactly as it was;
 * - an output directory is replaced as a whole (old pictures disappear),
 *   and a directory rmtmc did not write is never touched;
 * - special destinations: /dev/null stays a device, a FIFO is written
 *   through, a symlink's target is written and the link stays, "-" is
 *   standard output; /dev/full fails with the OS reason and commits nothing;
 * - the signal-time cleanup removes every temporary path;
 * - stale temporaries of dead processes are removed, live ones kept;
 * - two processes committing into the same destinations never mix. */
#define _DEFAULT_SOURCE /* mknod, makedev */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "rmtmc_output.h"

static char root[] = "/tmp/rmtmc_output_XXXXXX";

static const char *P(const char *rel) {
  static char buf[8][4096];
  static int k = 0;
  k = (k + 1) % 8;
  snprintf(buf[k], sizeof buf[k], "%s/%s", root, rel);
  return buf[k];
}

static void put(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

static int slurp(const char *path, char *out, size_t cap) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(out, 1, cap - 1, f);
  out[n] = '\0';
  fclose(f);
  return (int)n;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A recursive listing "path=content;" of dir, sorted (small files). */
static void snapshot(const char *dir, char *out, size_t cap) {
  char *names[256];
  int n = 0;
  DIR *d = opendir(dir);
  out[0] = '\0';
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp_str);
  size_t len = 0;
  for (int i = 0; i < n; ++i) {
    char p[4096], content[512];
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    struct stat sb;
    lstat(p, &sb);
    if (S_ISDIR(sb.st_mode)) {
      char sub[8192];
      snapshot(p, sub, sizeof sub);
      len += (size_t)snprintf(out + len, cap - len, "%s/{%s}", names[i], sub);
    } else if (S_ISREG(sb.st_mode)) {
      slurp(p, content, sizeof content);
      len += (size_t)snprintf(out + len, cap - len, "%s=%s;", names[i], content);
    } else {
      len += (size_t)snprintf(out + len, cap - len, "%s(mode %o);", names[i], (unsigned)(sb.st_mode & S_IFMT));
    }
    free(names[i]);
    if (len >= cap) len = cap - 1;
  }
}

static int count_tmp(const char *dir) {
  int n = 0;
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strncmp(e->d_name, RMTMC_OUTPUT_TMP_PREFIX, strlen(RMTMC_OUTPUT_TMP_PREFIX)) == 0) ++n;
  closedir(d);
  return n;
}

typedef struct text {
  const char *s;
} text;

static rmtmc_status write_text(FILE *f, const void *ctx, rmtmc_error *err) {
  (void)err;
  fputs(((const text *)ctx)->s, f);
  return RMTMC_OK;
}

/* One run: --json J, --out D (and optionally --out D2 with missing
 * parents), each file carrying `tag`. */
static rmtmc_status run(const char *json, const char *dir, const char *dir2, const char *tag, int fail_at,
                        int *steps, rmtmc_error *err) {
  rmtmc_output *o;
  int js = -1, od = -1, od2 = -1;
  rmtmc_status st = rmtmc_output_new(&o, err);
  if (st == RMTMC_OK && json) st = rmtmc_output_add_file(o, "json", json, &js, err);
  if (st == RMTMC_OK && dir) st = rmtmc_output_add_dir(o, "out", dir, &od, err);
  if (st == RMTMC_OK && dir2) st = rmtmc_output_add_dir(o, "out2", dir2, &od2, err);
  rmtmc_output_fail_at(o, fail_at);
  text t = {tag};
  if (st == RMTMC_OK) st = rmtmc_output_begin(o, err);
  if (st == RMTMC_OK && json) st = rmtmc_output_write_file(o, js, write_text, &t, err);
  if (st == RMTMC_OK && dir) st = rmtmc_output_write_in(o, od, "result.json", write_text, &t, err);
  if (st == RMTMC_OK && dir) st = rmtmc_output_write_in(o, od, "table.csv", write_text, &t, err);
  if (st == RMTMC_OK && dir2) st = rmtmc_output_write_in(o, od2, "result.json", write_text, &t, err);
  if (st == RMTMC_OK) st = rmtmc_output_commit(o, err);
  if (steps) *steps = rmtmc_output_fail_at(o, 0);
  rmtmc_output_free(o);
  return st;
}

static void expect_refused(check_ctx *c, const char *what, int is_dir, const char *path, const char *want) {
  rmtmc_output *o;
  rmtmc_error err;
  rmtmc_error_clear(&err);
  int id;
  rmtmc_output_new(&o, &err);
  rmtmc_status st = is_dir ? rmtmc_output_add_dir(o, "out", path, &id, &err) : rmtmc_output_add_file(o, "json", path, &id, &err);
  rmtmc_output_free(o);
  char line[900];
  snprintf(line, sizeof line, "refused before the study: %s: %s", what, err.msg);
  check_true(c, st == RMTMC_ERR_INVALID && strstr(err.msg, want) != NULL, line);
}

int main(void) {
  check_ctx c = {0, 0};
  if (!mkdtemp(root)) return 1;
  rmtmc_error err;
  char snap[16384], snap2[16384], buf[4096], line[1200];
  int steps = 0;
  umask(022);

  /* ---- a first run: parents created, marker written ---- */
  rmtmc_status st = run(P("r.json"), P("res/deep/out"), NULL, "run1", 0, &steps, &err);
  check_true(&c, st == RMTMC_OK, "first run commits (out with two missing parents)");
  slurp(P("res/deep/out/" RMTMC_OUTPUT_MARKER), buf, sizeof buf);
  check_true(&c, strstr(buf, "\nresult.json\n") && strstr(buf, "\ntable.csv\n"), "marker lists the run's files");
  check_true(&c, count_tmp(root) == 0 && count_tmp(P("res/deep")) == 0, "no temporary names left");

  /* ---- pre-study checks ---- */
  char longname[400];
  memset(longname, 'x', 300);
  longname[300] = '\0';
  char longpath[5000];
  size_t lp = 0;
  while (lp < 4200) lp += (size_t)snprintf(longpath + lp, sizeof longpath - lp, "%s/abcdefgh", lp ? "" : root);
  put(P("file.json"), "x");
  mkdir(P("mine"), 0777);
  put(P("mine/notes.txt"), "my notes");
  expect_refused(&c, "file in a missing directory", 0, P("nodir/r.json"), "does not exist");
  expect_refused(&c, "name longer than NAME_MAX", 0, P(longname), "more than the 255 bytes");
  expect_refused(&c, "name longer than NAME_MAX (dir)", 1, P(longname), "more than the 255 bytes");
  expect_refused(&c, "path longer than PATH_MAX", 1, longpath, "bytes a path may have");
  expect_refused(&c, "--json ending in /", 0, P("new.json/"), "ends with '/'");
  expect_refused(&c, "--out file.json/ (a regular file)", 1, P("file.json/"), "not a directory");
  expect_refused(&c, "--out below a regular file", 1, P("file.json/sub"), "is not a directory");
  expect_refused(&c, "--json naming a directory", 0, P("mine"), "is a directory");
  expect_refused(&c, "--out a directory rmtmc did not write", 1, P("mine"), "was not written by rmtmc");
  expect_refused(&c, "--out the root directory", 1, "/", "root directory");
  expect_refused(&c, "empty path", 0, "", "needs a path");
  {
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) && chdir(P("res/deep/out")) == 0) {
      expect_refused(&c, "--out . (the current directory)", 1, ".", "current directory");
      expect_refused(&c, "--out .. (a parent of it)", 1, "..", "current directory");
      if (chdir(cwd) != 0) return 1;
    }
  }
  int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa = {0};
  sa.sun_family = AF_UNIX;
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", P("sock"));
  if (sfd >= 0 && bind(sfd, (struct sockaddr *)&sa, sizeof sa) == 0) expect_refused(&c, "a socket", 0, P("sock"), "socket");
  if (sfd >= 0) close(sfd);
  if (geteuid() != 0) {
    mkdir(P("ro"), 0555);
    expect_refused(&c, "file in a read-only directory", 0, P("ro/r.json"), "not writable");
  } else {
    printf("skip  read-only directory check (running as root, which may write anywhere; the shell test uses a read-only mount)\n");
  }
  {
    rmtmc_output *o;
    int a, b;
    rmtmc_output_new(&o, &err);
    rmtmc_output_add_dir(o, "out", P("res/deep/out"), &a, &err);
    st = rmtmc_output_add_file(o, "json", P("res/deep/out/r.json"), &b, &err);
    snprintf(line, sizeof line, "refused: --json inside --out: %s", err.msg);
    check_true(&c, st == RMTMC_ERR_INVALID && strstr(err.msg, "inside"), line);
    rmtmc_output_free(o);
    check_true(&c, access(P("nodir"), F_OK) != 0 && access(P("new.json"), F_OK) != 0 && count_tmp(root) == 0,
               "refusals create nothing");
  }
  /* A file added to an rmtmc directory protects it. */
  put(P("res/deep/out/mine.txt"), "keep me");
  expect_refused(&c, "--out an rmtmc directory holding a foreign file", 1, P("res/deep/out"), "'mine.txt'");
  unlink(P("res/deep/out/mine.txt"));

  /* ---- a stale directory with old pictures is replaced as a whole ---- */
  put(P("res/deep/out/density.png"), "old picture");
  /* Make the picture part of the last run (as gnuplot's would be). */
  slurp(P("res/deep/out/" RMTMC_OUTPUT_MARKER), buf, sizeof buf);
  strcat(buf, "density.png\n");
  put(P("res/deep/out/" RMTMC_OUTPUT_MARKER), buf);
  st = run(P("r.json"), P("res/deep/out"), NULL, "run2", 0, NULL, &err);
  snapshot(P("res/deep/out"), snap, sizeof snap);
  check_true(&c, st == RMTMC_OK && !strstr(snap, "density.png") && strstr(snap, "result.json=run2;"),
             "rerun without pictures: the old picture is gone, the new result is there");

  /* ---- all-or-nothing under a failure at every step ---- */
  put(P("old.json"), "old json");
  chmod(P("old.json"), 0640);
  snapshot(root, snap, sizeof snap);
  int total = 0, clean = 1, failures = 0;
  for (int k = 1; k < 200; ++k) {
    st = run(P("old.json"), P("res/deep/out"), P("new/a/b"), "run3", k, &steps, &err);
    if (st == RMTMC_OK) {
      total = k - 1;
      break;
    }
    ++failures;
    snapshot(root, snap2, sizeof snap2);
    if (strcmp(snap, snap2) != 0 || st != RMTMC_ERR_WRITE || !strstr(err.msg, "Input/output error")) {
      if (clean)
      printf("      step %d: status %d '%s'\n      before %s\n      after  %s\n", k, (int)st, err.msg, snap, snap2);
      clean = 0;
    }
  }
  snprintf(line, sizeof line, "a failure at each of the %d steps leaves the tree exactly as it was (exit-1 status, OS reason)", total);
  check_true(&c, clean && total > 10 && failures == total, line);
  struct stat sb;
  stat(P("old.json"), &sb);
  slurp(P("old.json"), buf, sizeof buf);
  check_true(&c, strcmp(buf, "run3") == 0 && (sb.st_mode & 0777) == 0640, "then it commits; the replaced file keeps its mode 0640");
  snapshot(P("new/a/b"), snap2, sizeof snap2);
  check_true(&c, strstr(snap2, "result.json=run3;") != NULL, "and --out new/a/b was created with its parents");

  /* ---- the signal-time cleanup ---- */
  {
    rmtmc_output *o;
    int js, od;
    text t = {"sig"};
    rmtmc_output_new(&o, &err);
    rmtmc_output_add_file(o, "json", P("sig.json"), &js, &err);
    rmtmc_output_add_dir(o, "out", P("sig1/sig2/out"), &od, &err);
    rmtmc_output_begin(o, &err);
    rmtmc_output_write_file(o, js, write_text, &t, &err);
    rmtmc_output_write_in(o, od, "result.json", write_text, &t, &err);
    put(P("sig1/sig2/x.tmp"), "");
    unlink(P("sig1/sig2/x.tmp"));
    snprintf(buf, sizeof buf, "%s/picture.png", rmtmc_output_dir(o, od));
    put(buf, "drawn by another program");
    int before = count_tmp(root) + count_tmp(P("sig1/sig2"));
    rmtmc_output_cleanup_signal(o);
    rmtmc_output_free(o);
    check_true(&c, before == 2 && count_tmp(root) == 0 && access(P("sig1"), F_OK) != 0 && access(P("sig.json"), F_OK) != 0,
               "signal cleanup removes the temporary file, the temporary directory (with a foreign file) and the created parents");
  }

  /* ---- stale temporaries ---- */
  {
    pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, NULL, 0);
    char dead[512], live[512], other[512];
    snprintf(dead, sizeof dead, "%s/.rmtmc-tmp.%ld.n1.out", P("res/deep"), (long)child);
    snprintf(live, sizeof live, "%s/.rmtmc-tmp.%ld.n1.out", P("res/deep"), (long)getppid());
    snprintf(other, sizeof other, "%s/.rmtmc-tmp.%ld.n1.other", P("res/deep"), (long)child);
    mkdir(dead, 0777);
    snprintf(buf, sizeof buf, "%s/result.json", dead);
    put(buf, "half");
    put(live, "");
    put(other, "");
    st = run(NULL, P("res/deep/out"), NULL, "run4", 0, NULL, &err);
    check_true(&c, st == RMTMC_OK && access(dead, F_OK) != 0 && access(live, F_OK) == 0 && access(other, F_OK) == 0,
               "stale temporaries of a dead pid for this destination removed; a live pid's and another name's kept");
    unlink(live);
    unlink(other);
  }

  /* ---- special destinations ---- */
  /* As root: private nodes with the numbers of /dev/null and /dev/full, so
   * that a regression can never replace the machine's own. */
  const char *null = "/dev/null", *full = "/dev/full";
  if (geteuid() == 0 && mknod(P("null"), S_IFCHR | 0666, makedev(1, 3)) == 0 &&
      mknod(P("full"), S_IFCHR | 0666, makedev(1, 7)) == 0) {
    null = P("null");
    full = P("full");
  }
  st = run(null, NULL, NULL, "to null", 0, NULL, &err);
  stat(null, &sb);
  check_true(&c, st == RMTMC_OK && S_ISCHR(sb.st_mode), "--json on a /dev/null node: written through, it stays a character device");
  st = run(full, P("full-out"), NULL, "to full", 0, NULL, &err);
  stat(full, &sb);
  snprintf(line, sizeof line, "--json on a /dev/full node: write error with the OS reason, nothing committed: %s", err.msg);
  check_true(&c, st == RMTMC_ERR_WRITE && strstr(err.msg, "No space left on device") && access(P("full-out"), F_OK) != 0 &&
                     S_ISCHR(sb.st_mode), line);
  symlink("target.json", P("link.json"));
  st = run(P("link.json"), NULL, NULL, "via link", 0, NULL, &err);
  lstat(P("link.json"), &sb);
  slurp(P("target.json"), buf, sizeof buf);
  check_true(&c, st == RMTMC_OK && S_ISLNK(sb.st_mode) && strcmp(buf, "via link") == 0,
             "a dangling symlink: its target is created and written, the link stays");
  st = run(P("link.json"), NULL, NULL, "via link 2", 0, NULL, &err);
  lstat(P("link.json"), &sb);
  slurp(P("target.json"), buf, sizeof buf);
  check_true(&c, st == RMTMC_OK && S_ISLNK(sb.st_mode) && strcmp(buf, "via link 2") == 0,
             "a symlink to a file: the target is replaced, the link stays");
  mkdir(P("outdir-target"), 0777);
  symlink("outdir-target", P("outdir-link"));
  st = run(NULL, P("outdir-link"), NULL, "dir via link", 0, NULL, &err);
  lstat(P("outdir-link"), &sb);
  slurp(P("outdir-target/result.json"), buf, sizeof buf);
  check_true(&c, st == RMTMC_OK && S_ISLNK(sb.st_mode) && strcmp(buf, "dir via link") == 0,
             "--out through a symlink to a directory: the target is replaced, the link stays");
  if (mkfifo(P("fifo"), 0600) == 0) {
    pid_t reader = fork();
    if (reader == 0) {
      int in = open(P("fifo"), O_RDONLY), out = open(P("fifo.got"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      char b[256];
      ssize_t n;
      while ((n = read(in, b, sizeof b)) > 0)
        if (write(out, b, (size_t)n) != n) break;
      _exit(0);
    }
    st = run(P("fifo"), NULL, NULL, "through a fifo", 0, NULL, &err);
    waitpid(reader, NULL, 0);
    lstat(P("fifo"), &sb);
    slurp(P("fifo.got"), buf, sizeof buf);
    check_true(&c, st == RMTMC_OK && S_ISFIFO(sb.st_mode) && strcmp(buf, "through a fifo") == 0,
               "a FIFO: written through to its reader, still a FIFO");
  }
  {
    fflush(stdout);
    int saved = dup(1), fd = open(P("stdout.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    close(fd);
    st = run("-", NULL, NULL, "on stdout", 0, NULL, &err);
    rmtmc_status st2 = run("/dev/stdout", NULL, NULL, " and again", 0, NULL, &err);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    slurp(P("stdout.txt"), buf, sizeof buf);
    check_true(&c, st == RMTMC_OK && st2 == RMTMC_OK && strcmp(buf, "on stdout and again") == 0,
               "'-' and /dev/stdout (redirected to a file) are written to standard output itself");
  }

  /* ---- a directory with state (the sweep's points.jsonl) ---- */
  {
    rmtmc_output *o;
    int od;
    text t = {"final"};
    /* lock early, then the run writes its state, then the outputs */
    rmtmc_output_new(&o, &err);
    st = rmtmc_output_add_state_dir(o, "out", P("st1/st2/sweep"), "points.jsonl", &od, &err);
    if (st == RMTMC_OK) st = rmtmc_output_lock(o, &err);
    check_true(&c, st == RMTMC_OK && access(P("st1"), F_OK) != 0,
               "state dir: lock() creates nothing (the run creates its directory with its state)");
    mkdir(P("st1"), 0777);
    mkdir(P("st1/st2"), 0777);
    mkdir(P("st1/st2/sweep"), 0777);
    put(P("st1/st2/sweep/points.jsonl"), "state v1");
    if (st == RMTMC_OK) st = rmtmc_output_begin(o, &err);
    if (st == RMTMC_OK) st = rmtmc_output_write_in(o, od, "sweep.json", write_text, &t, &err);
    if (st == RMTMC_OK) st = rmtmc_output_commit(o, &err);
    int nf = rmtmc_output_files(o, od);
    rmtmc_output_free(o);
    snapshot(P("st1/st2/sweep"), snap2, sizeof snap2);
    snprintf(line, sizeof line, "state dir: the state file is carried into the committed directory beside the run's "
             "files (%d files): %s", nf, snap2);
    check_true(&c, st == RMTMC_OK && nf == 2 && strstr(snap2, "points.jsonl=state v1;") && strstr(snap2, "sweep.json=final;") &&
                   count_tmp(P("st1/st2")) == 0, line);
    slurp(P("st1/st2/sweep/" RMTMC_OUTPUT_MARKER), buf, sizeof buf);
    check_true(&c, strstr(buf, "\npoints.jsonl\n") != NULL, "state dir: the marker lists the state file");
    /* a directory holding only a state file (a run stopped before its outputs) */
    mkdir(P("st3"), 0777);
    put(P("st3/points.jsonl"), "partial");
    rmtmc_output_new(&o, &err);
    st = rmtmc_output_add_state_dir(o, "out", P("st3"), "points.jsonl", &od, &err);
    rmtmc_output_free(o);
    check_true(&c, st == RMTMC_OK, "state dir: a directory holding only its state file is accepted");
    expect_refused(&c, "a plain --out into a directory holding only a state file", 1, P("st3"), "was not written by rmtmc");
    put(P("st3/notes.txt"), "mine");
    rmtmc_output_new(&o, &err);
    st = rmtmc_output_add_state_dir(o, "out", P("st3"), "points.jsonl", &od, &err);
    rmtmc_output_free(o);
    check_true(&c, st == RMTMC_ERR_INVALID && strstr(err.msg, "notes.txt"), "state dir: a foreign file is refused");
    /* lock, nothing written, abort: the created parents go; with state written inside they stay */
    rmtmc_output_new(&o, &err);
    rmtmc_output_add_state_dir(o, "out", P("st4/a/sweep"), "points.jsonl", &od, &err);
    st = rmtmc_output_lock(o, &err);
    rmtmc_output_free(o);
    check_true(&c, st == RMTMC_OK && access(P("st4"), F_OK) != 0, "state dir: lock then abort leaves nothing");
    rmtmc_output_new(&o, &err);
    rmtmc_output_add_state_dir(o, "out", P("st5/a/sweep"), "points.jsonl", &od, &err);
    st = rmtmc_output_lock(o, &err);
    mkdir(P("st5"), 0777);
    mkdir(P("st5/a"), 0777);
    mkdir(P("st5/a/sweep"), 0777);
    put(P("st5/a/sweep/points.jsonl"), "one point");
    rmtmc_output_free(o);
    slurp(P("st5/a/sweep/points.jsonl"), buf, sizeof buf);
    check_true(&c, st == RMTMC_OK && strcmp(buf, "one point") == 0, "state dir: abort after state was written keeps it");
  }

  /* ---- two processes into the same destinations ---- */
  {
    pid_t kids[2];
    for (int k = 0; k < 2; ++k) {
      kids[k] = fork();
      if (kids[k] == 0) {
        rmtmc_error e;
        char tag[32];
        int bad_runs = 0;
        for (int i = 0; i < 40; ++i) {
          snprintf(tag, sizeof tag, "proc%d-run%d", k, i);
          if (run(P("both.json"), P("both"), NULL, tag, 0, NULL, &e) != RMTMC_OK) {
            fprintf(stderr, "child %d run %d: %s\n", k, i, e.msg);
            ++bad_runs;
          }
        }
        _exit(bad_runs ? 1 : 0);
      }
    }
    int ok = 1;
    for (int k = 0; k < 2; ++k) {
      int status;
      waitpid(kids[k], &status, 0);
      ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    char a[256], b[256], cc[256];
    slurp(P("both.json"), a, sizeof a);
    slurp(P("both/result.json"), b, sizeof b);
    slurp(P("both/table.csv"), cc, sizeof cc);
    snprintf(line, sizeof line, "2 processes x 40 runs into the same --json and --out: all succeed, the last run's files agree (%s, %s, %s), no temporaries",
             a, b, cc);
    check_true(&c, ok && strcmp(a, b) == 0 && strcmp(b, cc) == 0 && count_tmp(root) == 0, line);
  }

  snprintf(buf, sizeof buf, "rm -rf '%s'", root);
  if (system(buf) != 0) return 1;
  return check_finish(&c);
}
