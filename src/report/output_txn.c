/* output_txn.c: a run's outputs as one all-or-nothing transaction
 * (include/rmtmc_output.h). */
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE, getdents64 */
#include "rmtmc_output.h"
#include "rmtmc_version.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>


#ifndef PATH_MAX
#define PATH_MAX 4096
#endif
#ifndef NAME_MAX
#define NAME_MAX 255
#endif

/* ------------------------------------------------------------ tables */

/* A path the transaction created and must remove unless committed.  The
 * table is fixed-size so that a signal handler can walk it. */
enum { SLOT_FILE = 1, SLOT_TREE, SLOT_MKDIR };
#define SLOT_MAX 64
typedef struct slot {
  volatile sig_atomic_t live;
  int kind;
  char path[PATH_MAX];
} slot;

enum { DEST_FILE, DEST_DIR };
enum { MODE_RENAME, MODE_THROUGH, MODE_STDOUT };
enum { DONE_NONE, DONE_RENAMED, DONE_EXCHANGED, DONE_SWAPPED };

typedef struct dest {
  int kind, mode;
  char opt[32];
  char given[PATH_MAX];    /* as the user gave it */
  char shown[700];         /* "--json PATH", escaped, for messages */
  char path[PATH_MAX];     /* the destination, symlinks resolved */
  char parent[PATH_MAX];   /* the directory that holds it */
  char name[NAME_MAX + 1]; /* its last component */
  char canon[PATH_MAX];    /* canonical path (existing ancestor resolved) */
  long name_max;
  int exists;              /* at the last check */
  mode_t perm;             /* an existing regular file's permission bits */
  int tmp, old;            /* slot indices or -1 */
  char *buf;               /* staged content (MODE_THROUGH, MODE_STDOUT) */
  size_t len;
  int std_fd;              /* MODE_STDOUT: 1 or 2 */
  int written, done, backup;
  char state[NAME_MAX + 1]; /* a directory's state file, kept from run to run ("" : none) */
  int nfiles;               /* files of a committed directory (the marker's count) */
} dest;

struct rmtmc_output {
  int ndest;
  dest d[RMTMC_OUTPUT_MAX_DEST];
  slot s[SLOT_MAX];
  int nslot;
  int lock_fd[RMTMC_OUTPUT_MAX_DEST];
  int nlock;
  int begun, committed, locked;
  int fail_at, steps;
  long pid;
};

/* Counts a file-system step; the injected failure (tests) makes it fail. */
static int step(rmtmc_output *o) {
  ++o->steps;
  if (o->fail_at > 0 && o->steps == o->fail_at) {
    errno = EIO;
    return -1;
  }
  return 0;
}

static int slot_add(rmtmc_output *o, int kind, const char *path) {
  int i = 0;
  while (i < o->nslot && o->s[i].live) ++i;
  if (i == o->nslot) {
    if (o->nslot == SLOT_MAX) return -1;
    ++o->nslot;
  }
  snprintf(o->s[i].path, sizeof o->s[i].path, "%s", path);
  o->s[i].kind = kind;
  atomic_signal_fence(memory_order_seq_cst);
  o->s[i].live = 1;
  atomic_signal_fence(memory_order_seq_cst);
  return i;
}

static void slot_drop(rmtmc_output *o, int *i) {
  if (*i >= 0) o->s[*i].live = 0;
  atomic_signal_fence(memory_order_seq_cst);
  *i = -1;
}

/* Remove a directory of plain files and the directory itself, with
 * async-signal-safe calls only (getdents64 through syscall). */
struct rmtmc_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static void remove_tree_raw(const char *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0) {
    char buf[4096] __attribute__((aligned(8)));
    for (int pass = 0; pass < 16; ++pass) {
      int removed = 0, any = 0;
      if (lseek(fd, 0, SEEK_SET) != 0) break;
      for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n <= 0) break;
        for (long off = 0; off < n;) {
          struct rmtmc_dirent64 *e = (struct rmtmc_dirent64 *)(buf + off);
          off += e->d_reclen;
          const char *nm = e->d_name;
          if (nm[0] == '.' && (nm[1] == '\0' || (nm[1] == '.' && nm[2] == '\0'))) continue;
          any = 1;
          if (unlinkat(fd, nm, 0) == 0 || unlinkat(fd, nm, AT_REMOVEDIR) == 0) removed = 1;
        }
      }
      if (!any || !removed) break;
    }
    close(fd);
  }
  rmdir(path);
}

static void remove_slot(slot *s) {
  if (!s->live) return;
  if (s->kind == SLOT_FILE) unlink(s->path);
  else if (s->kind == SLOT_TREE) remove_tree_raw(s->path);
  else rmdir(s->path);
  s->live = 0;
}

/* Files and trees first, then the directories we created, deepest first. */
static void remove_all(rmtmc_output *o) {
  for (int i = 0; i < o->nslot; ++i)
    if (o->s[i].kind != SLOT_MKDIR) remove_slot(&o->s[i]);
  for (int i = o->nslot - 1; i >= 0; --i)
    if (o->s[i].kind == SLOT_MKDIR) remove_slot(&o->s[i]);
}

void rmtmc_output_cleanup_signal(rmtmc_output *o) {
  if (o) remove_all(o);
}

/* ------------------------------------------------------------ checks */

static rmtmc_status bad(const dest *d, rmtmc_error *err, const char *what) {
  return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: %s", d->shown, what);
}

static const char *kind_name(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISLNK(m)) return "a symbolic link";
  return "a regular file";
}

/* Split p into parent and name (p has no trailing slash, is not "/"). */
static void split(const char *p, char *parent, char *name) {
  const char *sl = strrchr(p, '/');
  if (!sl) {
    snprintf(parent, PATH_MAX, ".");
    snprintf(name, NAME_MAX + 1, "%s", p);
  } else {
    if (sl == p) snprintf(parent, PATH_MAX, "/");
    else snprintf(parent, PATH_MAX, "%.*s", (int)(sl - p), p);
    snprintf(name, NAME_MAX + 1, "%s", sl + 1);
  }
}

/* Follow a chain of symlinks (also dangling ones) to the final name. */
static int resolve_links(char *p) {
  for (int hop = 0; hop < 40; ++hop) {
    struct stat sb;
    if (lstat(p, &sb) != 0 || !S_ISLNK(sb.st_mode)) return 0;
    char t[PATH_MAX], q[PATH_MAX];
    ssize_t n = readlink(p, t, sizeof t - 1);
    if (n < 0) return -1;
    t[n] = '\0';
    if (t[0] == '/') {
      snprintf(p, PATH_MAX, "%s", t);
    } else {
      char par[PATH_MAX], nm[NAME_MAX + 1];
      split(p, par, nm);
      if ((size_t)snprintf(q, sizeof q, "%s/%s", par, t) >= sizeof q) {
        errno = ENAMETOOLONG;
        return -1;
      }
      snprintf(p, PATH_MAX, "%s", q);
    }
    size_t len = strlen(p);
    while (len > 1 && p[len - 1] == '/') p[--len] = '\0';
  }
  errno = ELOOP;
  return -1;
}

/* The longest existing prefix directory of p (p itself when it exists):
 * returns 0 and sets anc, or -1 when a prefix exists but is no directory
 * (anc names it). */
static int existing_ancestor(const char *p, char *anc) {
  snprintf(anc, PATH_MAX, "%s", p);
  for (;;) {
    struct stat sb;
    if (stat(anc, &sb) == 0) return S_ISDIR(sb.st_mode) ? 0 : -1;
    char *sl = strrchr(anc, '/');
    if (!sl) {
      snprintf(anc, PATH_MAX, ".");
      return 0;
    }
    if (sl == anc) {
      anc[1] = '\0';
      return 0;
    }
    *sl = '\0';
  }
}

/* Every component no longer than name_max. */
static rmtmc_status check_names(dest *d, rmtmc_error *err) {
  const char *p = d->path;
  while (*p) {
    while (*p == '/') ++p;
    size_t len = strcspn(p, "/");
    if ((long)len > d->name_max) {
      char shown[80], msg[300];
      rmtmc_text_escape(shown, 48, p, len);
      snprintf(msg, sizeof msg, "the name '%s' is %zu bytes long, more than the %ld bytes the file system allows",
               shown, len, d->name_max);
      return bad(d, err, msg);
    }
    p += len;
  }
  return RMTMC_OK;
}

static int writable_dir(const char *p) { return access(p, W_OK | X_OK) == 0; }

/* A temporary name of rmtmc (".rmtmc-tmp.<pid>.") whose writer, another
 * process, is dead: left by a kill -9.  *rest: what follows "<pid>.". */
static int dead_tmp_name(const char *nm, long self, const char **rest) {
  size_t pl = strlen(RMTMC_OUTPUT_TMP_PREFIX);
  if (strncmp(nm, RMTMC_OUTPUT_TMP_PREFIX, pl) != 0) return 0;
  char *end;
  long pid = strtol(nm + pl, &end, 10);
  if (end == nm + pl || *end != '.' || pid <= 0 || pid == self) return 0;
  if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) return 0;
  if (rest) *rest = end + 1;
  return 1;
}

/* A directory rmtmc may replace: empty, or holding only the files its
 * marker lists (no subdirectories), its state file, and temporaries of
 * dead rmtmc runs. */
static rmtmc_status check_replaceable(dest *d, rmtmc_error *err) {
  /* The marker and the listing from the same directory (one descriptor),
   * even if another run swaps the name meanwhile. */
  int dfd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dir = dfd >= 0 ? fdopendir(dfd) : NULL;
  if (!dir) {
    if (dfd >= 0) close(dfd);
    char msg[300];
    snprintf(msg, sizeof msg, "cannot read the existing directory: %s", strerror(errno));
    return bad(d, err, msg);
  }
  char *list = NULL;
  int mfd = openat(dfd, RMTMC_OUTPUT_MARKER, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (mfd >= 0) {
    list = calloc(1, 65537);
    if (list) {
      ssize_t n = read(mfd, list + 1, 65535);
      list[0] = '\n';
      list[n > 0 ? n + 1 : 1] = '\0';
    }
    close(mfd);
  }
  rmtmc_status st = RMTMC_OK;
  struct dirent *e;
  while (st == RMTMC_OK && (e = readdir(dir))) {
    const char *nm = e->d_name;
    if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0 || strcmp(nm, RMTMC_OUTPUT_MARKER) == 0) continue;
    struct stat sb;
    int plain = fstatat(dfd, nm, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode);
    if (d->state[0] && plain && strcmp(nm, d->state) == 0) continue; /* the run's own state */
    if (dead_tmp_name(nm, (long)getpid(), NULL)) continue; /* goes with the old directory */
    char key[NAME_MAX + 3];
    snprintf(key, sizeof key, "\n%s\n", nm);
    if (!list || !plain || !strstr(list, key)) {
      char shown[80], msg[600];
      rmtmc_text_escape(shown, 64, nm, strlen(nm));
      if (!list)
        snprintf(msg, sizeof msg,
                 "the directory exists, is not empty and was not written by rmtmc (it holds '%s' and no %s marker); "
                 "give a new or empty directory, or remove this one",
                 shown, RMTMC_OUTPUT_MARKER);
      else
        snprintf(msg, sizeof msg,
                 "the directory holds '%s', which the last rmtmc run into it did not write; rmtmc replaces the "
                 "directory as a whole, so move that %s out or give another directory",
                 shown, plain ? "file" : "entry");
      st = bad(d, err, msg);
    }
  }
  closedir(dir);
  free(list);
  return st;
}

/* Check one destination against the file system as it is now. */
/* locked: the caller holds the exclusive lock on the destination's
 * directory; otherwise a shared one is taken while an existing output
 * directory is inspected, so that another run's swap is never seen
 * half-done. */
static rmtmc_status check_dest(dest *d, int locked, rmtmc_error *err) {
  const char *g = d->given;
  d->exists = 0;
  d->perm = 0;
  if (!*g) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s needs a path", d->opt);
  if (strlen(g) >= PATH_MAX - 64) {
    char msg[200];
    snprintf(msg, sizeof msg, "the path is %zu bytes long, more than the %d bytes a path may have", strlen(g),
             PATH_MAX - 64);
    return bad(d, err, msg);
  }
  /* The standard streams by any of their names: written to the descriptor
   * itself (opening /dev/stdout anew would start at offset 0 of a
   * redirected file, and renaming over it would cut the redirection). */
  static const struct {
    const char *name;
    int fd;
  } stdnames[] = {{"-", 1},           {"/dev/stdout", 1},     {"/dev/fd/1", 1}, {"/proc/self/fd/1", 1},
                  {"/dev/stderr", 2}, {"/dev/fd/2", 2},       {"/proc/self/fd/2", 2}};
  if (d->kind == DEST_FILE)
    for (size_t i = 0; i < sizeof stdnames / sizeof stdnames[0]; ++i)
      if (strcmp(g, stdnames[i].name) == 0) {
        d->mode = MODE_STDOUT;
        d->std_fd = stdnames[i].fd;
        snprintf(d->path, sizeof d->path, "%s", g);
        return RMTMC_OK;
      }
  size_t len = strlen(g);
  if (d->kind == DEST_FILE && g[len - 1] == '/')
    return bad(d, err, "the name ends with '/', which names a directory; give a file name");
  struct stat fb;
  if (d->kind == DEST_FILE && stat(g, &fb) == 0 && !S_ISREG(fb.st_mode) && !S_ISDIR(fb.st_mode)) {
    /* A device or FIFO, possibly behind symlinks (or /dev/fd/N): written
     * through its own name, which open() follows. */
    if (S_ISSOCK(fb.st_mode)) return bad(d, err, "is a socket; give a file name");
    d->mode = MODE_THROUGH;
    d->exists = 1;
    snprintf(d->path, sizeof d->path, "%s", g);
    if (access(g, W_OK) != 0) {
      char msg[300];
      snprintf(msg, sizeof msg, "is %s that cannot be written: %s", kind_name(fb.st_mode), strerror(errno));
      return bad(d, err, msg);
    }
    return RMTMC_OK;
  }
  snprintf(d->path, sizeof d->path, "%s", g);
  while (len > 1 && d->path[len - 1] == '/') d->path[--len] = '\0';
  if (resolve_links(d->path) != 0) {
    char msg[300];
    snprintf(msg, sizeof msg, "cannot follow the symbolic link: %s", strerror(errno));
    return bad(d, err, msg);
  }
  if (strcmp(d->path, "/") == 0) return bad(d, err, "the root directory cannot be an output");
  split(d->path, d->parent, d->name);
  if (strcmp(d->name, ".") == 0 || strcmp(d->name, "..") == 0) {
    /* "DIR/." or "..": use the canonical name of an existing directory. */
    char real[PATH_MAX];
    if (!realpath(d->path, real)) {
      char msg[300];
      snprintf(msg, sizeof msg, "cannot resolve: %s", strerror(errno));
      return bad(d, err, msg);
    }
    snprintf(d->path, sizeof d->path, "%s", real);
    if (strcmp(d->path, "/") == 0) return bad(d, err, "the root directory cannot be an output");
    split(d->path, d->parent, d->name);
  }
  char anc[PATH_MAX];
  if (existing_ancestor(d->kind == DEST_FILE ? d->parent : d->path, anc) != 0) {
    char shown[300], msg[400];
    rmtmc_text_escape(shown, sizeof shown, anc, strlen(anc));
    snprintf(msg, sizeof msg, "%s is not a directory", shown);
    return bad(d, err, msg);
  }
  long nm = pathconf(anc, _PC_NAME_MAX);
  d->name_max = nm > 0 ? nm : NAME_MAX;
  rmtmc_status st = check_names(d, err);
  if (st != RMTMC_OK) return st;
  /* The canonical path (for comparing destinations). */
  char real[PATH_MAX];
  if (realpath(anc, real)) {
    const char *rest = d->path + strlen(anc);
    if ((size_t)snprintf(d->canon, sizeof d->canon, "%s%s%s", real, (*rest == '/' || !*rest) ? "" : "/", rest) >=
        sizeof d->canon)
      return bad(d, err, "the path is too long");
  } else {
    snprintf(d->canon, sizeof d->canon, "%s", d->path);
  }
  struct stat sb;
  int have = lstat(d->path, &sb) == 0;
  if (!have && errno != ENOENT) {
    char msg[300];
    snprintf(msg, sizeof msg, "cannot access: %s", strerror(errno));
    return bad(d, err, msg);
  }
  char msg[600];
  if (d->kind == DEST_FILE) {
    d->mode = MODE_RENAME;
    if (have) {
      if (S_ISDIR(sb.st_mode)) return bad(d, err, "is a directory; give a file name");
      if (S_ISSOCK(sb.st_mode)) return bad(d, err, "is a socket; give a file name");
      if (!S_ISREG(sb.st_mode)) {
        snprintf(msg, sizeof msg, "is %s; give a regular file name", kind_name(sb.st_mode));
        return bad(d, err, msg);
      }
      d->exists = 1;
      d->perm = sb.st_mode & 07777;
    }
    struct stat pb;
    if (stat(d->parent, &pb) != 0 || !S_ISDIR(pb.st_mode)) {
      char shown[300];
      rmtmc_text_escape(shown, sizeof shown, d->parent, strlen(d->parent));
      snprintf(msg, sizeof msg, "directory %s does not exist", shown);
      return bad(d, err, msg);
    }
  } else {
    d->mode = MODE_RENAME;
    if (have) {
      if (!S_ISDIR(sb.st_mode)) {
        snprintf(msg, sizeof msg, "exists and is %s, not a directory", kind_name(sb.st_mode));
        return bad(d, err, msg);
      }
      d->exists = 1;
      char cwd[PATH_MAX];
      if (getcwd(cwd, sizeof cwd) && realpath(d->path, real)) {
        size_t rl = strlen(real);
        if (strcmp(cwd, real) == 0 || (strncmp(cwd, real, rl) == 0 && cwd[rl] == '/'))
          return bad(d, err, "is the current directory or one of its parents; rmtmc replaces an output directory as a "
                             "whole, so give a subdirectory");
      }
      if (!writable_dir(d->path)) {
        snprintf(msg, sizeof msg, "the existing directory is not writable (%s)", strerror(errno));
        return bad(d, err, msg);
      }
      struct stat pb;
      if (stat(d->parent, &pb) == 0 && pb.st_dev != sb.st_dev)
        return bad(d, err, "is a mount point, which cannot be replaced as a whole; give a subdirectory of it");
      int lfd = locked ? -1 : open(d->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (lfd >= 0)
        while (flock(lfd, LOCK_SH) != 0 && errno == EINTR) {
        }
      st = check_replaceable(d, err);
      if (lfd >= 0) close(lfd);
      if (st != RMTMC_OK) return st;
    }
  }
  /* Where the temporary names go: the parent, or (for a directory whose
   * parents are missing) the nearest existing ancestor, where they will
   * be created. */
  const char *where = d->parent;
  char pa[PATH_MAX];
  if (d->kind == DEST_DIR) {
    if (existing_ancestor(d->parent, pa) != 0) {
      char shown[300];
      rmtmc_text_escape(shown, sizeof shown, pa, strlen(pa));
      snprintf(msg, sizeof msg, "%s is not a directory", shown);
      return bad(d, err, msg);
    }
    where = pa;
  }
  if (!writable_dir(where)) {
    char shown[300];
    rmtmc_text_escape(shown, sizeof shown, where, strlen(where));
    snprintf(msg, sizeof msg, "directory %s is not writable (%s)%s", shown, strerror(errno),
             d->kind == DEST_DIR ? "; rmtmc builds the output directory beside it and swaps it in, so give a "
                                   "directory inside a writable one"
                                 : "");
    return bad(d, err, msg);
  }
  return RMTMC_OK;
}

/* No two destinations the same, and no file inside an output directory
 * (the directory is replaced as a whole). */
static rmtmc_status check_overlap(rmtmc_output *o, const dest *d, rmtmc_error *err) {
  if (d->mode != MODE_RENAME) return RMTMC_OK;
  for (int i = 0; i < o->ndest; ++i) {
    const dest *e = &o->d[i];
    if (e->mode != MODE_RENAME) continue;
    if (strcmp(e->canon, d->canon) == 0)
      return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s and %s are the same destination", e->shown, d->shown);
    const dest *dir = e->kind == DEST_DIR ? e : d->kind == DEST_DIR ? d : NULL;
    const dest *in = dir == e ? d : e;
    if (dir && in != dir) {
      size_t l = strlen(dir->canon);
      if (strncmp(in->canon, dir->canon, l) == 0 && in->canon[l] == '/')
        return rmtmc_error_set(err, RMTMC_ERR_INVALID,
                               "%s lies inside %s, which is replaced as a whole; put it elsewhere", in->shown,
                               dir->shown);
    }
  }
  return RMTMC_OK;
}

/* ------------------------------------------------------------ API */

rmtmc_status rmtmc_output_new(rmtmc_output **out, rmtmc_error *err) {
  rmtmc_output *o = calloc(1, sizeof *o);
  *out = o;
  if (!o) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  o->pid = (long)getpid();
  return RMTMC_OK;
}

static rmtmc_status add(rmtmc_output *o, int kind, const char *opt, const char *path, const char *state, int *id,
                        rmtmc_error *err) {
  if (o->begun || o->locked) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output destinations must be declared before begin");
  if (o->ndest == RMTMC_OUTPUT_MAX_DEST)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "at most %d output destinations", RMTMC_OUTPUT_MAX_DEST);
  dest *d = &o->d[o->ndest];
  memset(d, 0, sizeof *d);
  d->kind = kind;
  d->tmp = d->old = -1;
  snprintf(d->opt, sizeof d->opt, "%s", opt ? opt : "");
  snprintf(d->given, sizeof d->given, "%s", path ? path : "");
  if (state) snprintf(d->state, sizeof d->state, "%s", state);
  char shown[600];
  rmtmc_text_escape(shown, sizeof shown, d->given, strlen(d->given));
  if (opt && *opt) snprintf(d->shown, sizeof d->shown, "--%s %s", opt, shown);
  else snprintf(d->shown, sizeof d->shown, "%s", strcmp(d->given, "-") == 0 ? "standard output" : shown);
  if (path && strlen(path) >= sizeof d->given) {
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "--%s: the path is %zu bytes long, more than the %d bytes a path may have",
                           opt, strlen(path), PATH_MAX - 64);
  }
  rmtmc_status st = check_dest(d, 0, err);
  if (st == RMTMC_OK) st = check_overlap(o, d, err);
  if (st != RMTMC_OK) return st;
  *id = o->ndest++;
  return RMTMC_OK;
}

rmtmc_status rmtmc_output_add_file(rmtmc_output *o, const char *opt, const char *path, int *id, rmtmc_error *err) {
  return add(o, DEST_FILE, opt, path, NULL, id, err);
}

rmtmc_status rmtmc_output_add_dir(rmtmc_output *o, const char *opt, const char *path, int *id, rmtmc_error *err) {
  return add(o, DEST_DIR, opt, path, NULL, id, err);
}

rmtmc_status rmtmc_output_add_state_dir(rmtmc_output *o, const char *opt, const char *path, const char *state, int *id,
                                        rmtmc_error *err) {
  if (!state || !*state || strchr(state, '/') || strcmp(state, RMTMC_OUTPUT_MARKER) == 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output: '%s' is not a plain file name", state ? state : "");
  return add(o, DEST_DIR, opt, path, state, id, err);
}

static rmtmc_status write_error(const dest *d, const char *what, rmtmc_error *err) {
  return rmtmc_error_set(err, RMTMC_ERR_WRITE, "%s: %s: %s", d->shown, what, strerror(errno ? errno : EIO));
}

/* The temporary name of destination i with tag 'n' (new) or 'o' (old),
 * kept within name_max. */
static void tmp_name(const rmtmc_output *o, const dest *d, int i, char tag, const char *dir, char *out) {
  char pre[64];
  int pl = snprintf(pre, sizeof pre, "%s%ld.%c%d.", RMTMC_OUTPUT_TMP_PREFIX, o->pid, tag, i);
  long keep = d->name_max - pl;
  if (keep < 1) keep = 1;
  snprintf(out, PATH_MAX, "%s/%s%.*s", dir, pre, (int)keep, d->name);
}

/* Remove ".rmtmc-tmp.<pid>.<tag>.<name>" entries for this destination
 * whose pid is dead (left by a kill -9). */
static void remove_stale(rmtmc_output *o, const dest *d) {
  DIR *dir = opendir(d->parent);
  if (!dir) return;
  struct dirent *e;
  while ((e = readdir(dir))) {
    const char *nm = e->d_name;
    const char *tag = NULL;
    if (!dead_tmp_name(nm, o->pid, &tag)) continue;
    const char *rest = strchr(tag, '.');
    if (!rest || !rest[1]) continue;
    ++rest;
    size_t rl = strlen(rest);
    if (strncmp(rest, d->name, rl) != 0 || (rl != strlen(d->name) && (long)strlen(nm) < d->name_max)) continue;
    char p[PATH_MAX + NAME_MAX + 2];
    snprintf(p, sizeof p, "%s/%s", d->parent, nm);
    struct stat sb;
    if (lstat(p, &sb) != 0) continue;
    if (S_ISDIR(sb.st_mode)) remove_tree_raw(p);
    else unlink(p);
  }
  closedir(dir);
}

/* mkdir -p of d->parent, each directory created recorded for removal. */
static rmtmc_status make_parents(rmtmc_output *o, dest *d, rmtmc_error *err) {
  char p[PATH_MAX];
  snprintf(p, sizeof p, "%s", d->parent);
  size_t len = strlen(p);
  for (size_t i = 1; i <= len; ++i) {
    if (p[i] != '/' && p[i] != '\0') continue;
    char c = p[i];
    p[i] = '\0';
    struct stat sb;
    if (stat(p, &sb) != 0) {
      int s = slot_add(o, SLOT_MKDIR, p);
      if (s < 0) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: too many missing parent directories", d->shown);
      if (step(o) != 0 || mkdir(p, 0777) != 0) {
        int e = errno;
        slot_drop(o, &s);
        if (e != EEXIST) {
          errno = e;
          return write_error(d, "cannot create its parent directory", err);
        }
      }
    }
    p[i] = c;
  }
  return RMTMC_OK;
}

static int cmp_key(const void *a, const void *b) {
  const long long *x = a, *y = b;
  if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
  if (x[1] != y[1]) return x[1] < y[1] ? -1 : 1;
  return 0;
}

/* An exclusive flock on each directory that holds a destination, taken in
 * (device, inode) order so that two runs cannot deadlock. */
/* nearest: lock the nearest existing ancestor of each parent instead (the
 * parents are not created yet). */
static rmtmc_status lock_parents(rmtmc_output *o, int nearest, rmtmc_error *err) {
  long long key[RMTMC_OUTPUT_MAX_DEST][3];
  int n = 0;
  for (int i = 0; i < o->ndest; ++i) {
    dest *d = &o->d[i];
    if (d->mode != MODE_RENAME) continue;
    char anc[PATH_MAX];
    const char *where = d->parent;
    if (nearest && existing_ancestor(d->parent, anc) == 0) where = anc;
    int fd = open(where, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
      if (fd >= 0) close(fd);
      for (int j = 0; j < n; ++j) close((int)key[j][2]);
      return write_error(d, "cannot open its directory", err);
    }
    int dup = 0;
    for (int j = 0; j < n; ++j) dup |= key[j][0] == (long long)sb.st_dev && key[j][1] == (long long)sb.st_ino;
    if (dup) {
      close(fd);
      continue;
    }
    key[n][0] = (long long)sb.st_dev;
    key[n][1] = (long long)sb.st_ino;
    key[n][2] = fd;
    ++n;
  }
  qsort(key, (size_t)n, sizeof key[0], cmp_key);
  for (int j = 0; j < n; ++j) {
    int fd = (int)key[j][2];
    o->lock_fd[o->nlock++] = fd;
    while (flock(fd, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      if (errno == ENOLCK || errno == EOPNOTSUPP) break; /* no locks on this file system: go on unlocked */
      return rmtmc_error_set(err, RMTMC_ERR_WRITE, "cannot lock an output directory: %s", strerror(errno));
    }
  }
  return RMTMC_OK;
}

static void unlock_all(rmtmc_output *o) {
  for (int j = 0; j < o->nlock; ++j) close(o->lock_fd[j]); /* closing releases the flock */
  o->nlock = 0;
  o->locked = 0;
}

/* Create the missing parents of the directories; lock unless locked. */
static rmtmc_status take_locks(rmtmc_output *o, rmtmc_error *err) {
  rmtmc_status st = RMTMC_OK;
  for (int i = 0; st == RMTMC_OK && i < o->ndest; ++i)
    if (o->d[i].kind == DEST_DIR) st = make_parents(o, &o->d[i], err);
  if (st == RMTMC_OK && !o->locked) st = lock_parents(o, 0, err);
  if (st == RMTMC_OK) o->locked = 1;
  return st;
}

/* Early: nothing is created (a run that fails before it writes its state
 * leaves nothing); the nearest existing ancestor of each destination is
 * locked, which two runs into the same destination share. */
rmtmc_status rmtmc_output_lock(rmtmc_output *o, rmtmc_error *err) {
  if (o->begun || o->committed || o->locked)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output transaction already locked or begun");
  rmtmc_status st = lock_parents(o, 1, err);
  if (st == RMTMC_OK) o->locked = 1;
  else rmtmc_output_abort(o);
  return st;
}

/* A state file of the destination carried into its new directory: a hard
 * link (the same file), or a copy where the file system has none. */
static rmtmc_status carry_state(rmtmc_output *o, dest *d, rmtmc_error *err) {
  char from[PATH_MAX + NAME_MAX + 2], to[PATH_MAX + NAME_MAX + 2];
  snprintf(from, sizeof from, "%s/%s", d->path, d->state);
  snprintf(to, sizeof to, "%s/%s", o->s[d->tmp].path, d->state);
  struct stat sb;
  if (lstat(from, &sb) != 0 || !S_ISREG(sb.st_mode)) return RMTMC_OK; /* no state yet */
  if (step(o) != 0) return write_error(d, "cannot carry its state file into the new directory", err);
  if (link(from, to) == 0) return RMTMC_OK;
  int in = open(from, O_RDONLY | O_CLOEXEC), out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  rmtmc_status st = in < 0 || out < 0 ? write_error(d, "cannot carry its state file into the new directory", err) : RMTMC_OK;
  char buf[65536];
  while (st == RMTMC_OK) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) st = write_error(d, "cannot read its state file", err);
    if (n <= 0) break;
    for (ssize_t off = 0; st == RMTMC_OK && off < n;) {
      ssize_t k = write(out, buf + off, (size_t)(n - off));
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) st = write_error(d, "cannot copy its state file", err);
      else off += k;
    }
  }
  if (in >= 0) close(in);
  if (out >= 0) close(out);
  return st;
}

rmtmc_status rmtmc_output_begin(rmtmc_output *o, rmtmc_error *err) {
  if (o->begun || o->committed) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output transaction already begun");
  o->begun = 1;
  rmtmc_status st = take_locks(o, err);
  /* Under the lock, the destinations as they are now (another run may have
   * written them since they were declared). */
  for (int i = 0; st == RMTMC_OK && i < o->ndest; ++i) {
    dest *d = &o->d[i];
    st = check_dest(d, 1, err);
    if (st == RMTMC_OK && d->mode == MODE_RENAME) remove_stale(o, d);
  }
  for (int i = 0; st == RMTMC_OK && i < o->ndest; ++i) {
    dest *d = &o->d[i];
    if (d->kind != DEST_DIR) continue;
    char tmp[PATH_MAX];
    tmp_name(o, d, i, 'n', d->parent, tmp);
    d->tmp = slot_add(o, SLOT_TREE, tmp);
    if (d->tmp < 0) st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "too many temporary files");
    else if (step(o) != 0 || mkdir(tmp, 0777) != 0) {
      st = write_error(d, "cannot create a temporary directory beside it", err);
      slot_drop(o, &d->tmp);
    } else if (d->state[0] && d->exists)
      st = carry_state(o, d, err);
  }
  if (st != RMTMC_OK) rmtmc_output_abort(o);
  return st;
}

/* fn into an open descriptor, flushed, fsync'ed and closed. */
static rmtmc_status write_fd(rmtmc_output *o, const dest *d, int fd, const char *what, rmtmc_writer_fn fn,
                             const void *ctx, rmtmc_error *err) {
  FILE *f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    return write_error(d, what, err);
  }
  errno = 0;
  rmtmc_status st = fn(f, ctx, err);
  if (st == RMTMC_OK && (fflush(f) != 0 || ferror(f))) st = write_error(d, what, err);
  if (st == RMTMC_OK && (step(o) != 0 || fsync(fileno(f)) != 0)) st = write_error(d, what, err);
  if (fclose(f) != 0 && st == RMTMC_OK) st = write_error(d, what, err);
  return st;
}

rmtmc_status rmtmc_output_write_file(rmtmc_output *o, int id, rmtmc_writer_fn fn, const void *ctx, rmtmc_error *err) {
  if (!o->begun || id < 0 || id >= o->ndest || o->d[id].kind != DEST_FILE)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output: no such file destination (or not begun)");
  dest *d = &o->d[id];
  if (d->mode != MODE_RENAME) {
    free(d->buf);
    d->buf = NULL;
    d->len = 0;
    FILE *f = open_memstream(&d->buf, &d->len);
    if (!f) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
    rmtmc_status st = fn(f, ctx, err);
    if (fclose(f) != 0 && st == RMTMC_OK) st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
    d->written = st == RMTMC_OK;
    return st;
  }
  if (d->tmp < 0) {
    char tmp[PATH_MAX];
    tmp_name(o, d, id, 'n', d->parent, tmp);
    d->tmp = slot_add(o, SLOT_FILE, tmp);
    if (d->tmp < 0) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "too many temporary files");
  }
  const char *tmp = o->s[d->tmp].path;
  int fd = step(o) != 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) {
    rmtmc_status st = write_error(d, "cannot create a temporary file beside it", err);
    unlink(tmp);
    slot_drop(o, &d->tmp);
    return st;
  }
  if (d->exists && d->perm) (void)fchmod(fd, d->perm);
  rmtmc_status st = write_fd(o, d, fd, "cannot write", fn, ctx, err);
  if (st != RMTMC_OK) {
    unlink(tmp);
    slot_drop(o, &d->tmp);
  }
  d->written = st == RMTMC_OK;
  return st;
}

static int plain_name(const char *nm) {
  return *nm && !strchr(nm, '/') && strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0 &&
         strncmp(nm, RMTMC_OUTPUT_TMP_PREFIX, strlen(RMTMC_OUTPUT_TMP_PREFIX)) != 0;
}

rmtmc_status rmtmc_output_write_in(rmtmc_output *o, int id, const char *name, rmtmc_writer_fn fn, const void *ctx,
                                   rmtmc_error *err) {
  if (!o->begun || id < 0 || id >= o->ndest || o->d[id].kind != DEST_DIR || o->d[id].tmp < 0)
    return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output: no such directory destination (or not begun)");
  if (!plain_name(name)) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output: '%s' is not a plain file name", name);
  dest *d = &o->d[id];
  char p[PATH_MAX + NAME_MAX + 2], what[NAME_MAX + 32];
  snprintf(p, sizeof p, "%s/%s", o->s[d->tmp].path, name);
  snprintf(what, sizeof what, "cannot write %s", name);
  int fd = step(o) != 0 ? -1 : open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) return write_error(d, what, err);
  return write_fd(o, d, fd, what, fn, ctx, err);
}

const char *rmtmc_output_dir(const rmtmc_output *o, int id) {
  if (!o || id < 0 || id >= o->ndest || o->d[id].kind != DEST_DIR || o->d[id].tmp < 0) return NULL;
  return o->s[o->d[id].tmp].path;
}

int rmtmc_output_files(const rmtmc_output *o, int id) {
  if (!o || id < 0 || id >= o->ndest) return 0;
  return o->d[id].kind == DEST_DIR ? o->d[id].nfiles : (o->committed ? 1 : 0);
}

const char *rmtmc_output_path(const rmtmc_output *o, int id) {
  if (!o || id < 0 || id >= o->ndest) return NULL;
  return o->d[id].given;
}

/* The marker: a comment line, then one name per line. */
typedef struct marker_ctx {
  char *names;
} marker_ctx;

static rmtmc_status write_marker(FILE *f, const void *ctx, rmtmc_error *err) {
  const marker_ctx *m = ctx;
  fprintf(f, "# rmtmc output directory: the files of one run, listed below (rmtmc %s). The next rmtmc run into "
             "this directory replaces it as a whole.\n%s",
          RMTMC_VERSION, m->names ? m->names : "");
  return RMTMC_OK;
}

/* fsync every file of the new directory, list them in the marker, fsync
 * the directory. */
static rmtmc_status seal_dir(rmtmc_output *o, int id, rmtmc_error *err) {
  dest *d = &o->d[id];
  const char *tmp = o->s[d->tmp].path;
  DIR *dir = opendir(tmp);
  if (!dir) return write_error(d, "cannot read the new directory", err);
  size_t cap = 4096, len = 0;
  char *names = malloc(cap);
  rmtmc_status st = names ? RMTMC_OK : rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  struct dirent *e;
  while (st == RMTMC_OK && (e = readdir(dir))) {
    const char *nm = e->d_name;
    if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0 || strcmp(nm, RMTMC_OUTPUT_MARKER) == 0) continue;
    int fd = openat(dirfd(dir), nm, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
      if (fd >= 0) close(fd);
      errno = EISDIR;
      st = write_error(d, "the new directory holds something that is not a plain file", err);
      break;
    }
    if (step(o) != 0 || fsync(fd) != 0) st = write_error(d, "cannot sync a file", err);
    close(fd);
    size_t nl = strlen(nm);
    if (st == RMTMC_OK) ++d->nfiles;
    if (st == RMTMC_OK && !strchr(nm, '\n')) {
      if (len + nl + 2 > cap) {
        cap = 2 * (len + nl + 2);
        char *nn = realloc(names, cap);
        if (!nn) {
          st = rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
          break;
        }
        names = nn;
      }
      memcpy(names + len, nm, nl);
      len += nl;
      names[len++] = '\n';
      names[len] = '\0';
    }
  }
  closedir(dir);
  if (names) names[len] = '\0';
  marker_ctx m = {names};
  if (st == RMTMC_OK) st = rmtmc_output_write_in(o, id, RMTMC_OUTPUT_MARKER, write_marker, &m, err);
  free(names);
  if (st == RMTMC_OK) {
    int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || step(o) != 0 || fsync(fd) != 0) st = write_error(d, "cannot sync the new directory", err);
    if (fd >= 0) close(fd);
  }
  return st;
}

/* Written-through destinations (devices, FIFOs, standard output). */
static rmtmc_status write_through(rmtmc_output *o, dest *d, rmtmc_error *err) {
  int fd = d->mode == MODE_STDOUT ? d->std_fd : -1;
  if (d->mode == MODE_STDOUT) fflush(d->std_fd == 1 ? stdout : stderr);
  else if (step(o) == 0) {
    do fd = open(d->path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
  }
  if (fd < 0) return write_error(d, "cannot open", err);
  rmtmc_status st = RMTMC_OK;
  size_t off = 0;
  while (off < d->len) {
    ssize_t k = write(fd, d->buf + off, d->len - off);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      if (k == 0) errno = EIO;
      st = write_error(d, "cannot write", err);
      break;
    }
    off += (size_t)k;
  }
  if (d->mode != MODE_STDOUT && close(fd) != 0 && st == RMTMC_OK) st = write_error(d, "cannot write", err);
  return st;
}

static int exchange(const char *a, const char *b) {
#ifdef RENAME_EXCHANGE
  return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
  errno = ENOSYS;
  return -1;
#endif
}

static void sync_dir(const char *p) {
  int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

/* Put destination i in place; d->done says what to undo. */
static int place(rmtmc_output *o, int i) {
  dest *d = &o->d[i];
  const char *tmp = o->s[d->tmp].path;
  if (d->kind == DEST_DIR && d->exists) {
    if (step(o) != 0) return -1;
    if (exchange(tmp, d->path) == 0) {
      d->done = DONE_EXCHANGED; /* tmp now holds the old directory */
      return 0;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP && errno != ENOTSUP) return -1;
    char old[PATH_MAX];
    tmp_name(o, d, i, 'o', d->parent, old);
    d->old = slot_add(o, SLOT_TREE, old);
    if (d->old < 0 || rename(d->path, old) != 0) return -1;
    if (rename(tmp, d->path) != 0) {
      int e = errno;
      rename(old, d->path);
      errno = e;
      return -1;
    }
    d->done = DONE_SWAPPED;
    return 0;
  }
  if (d->kind == DEST_FILE && d->exists) {
    char bak[PATH_MAX];
    tmp_name(o, d, i, 'o', d->parent, bak);
    d->old = slot_add(o, SLOT_FILE, bak);
    d->backup = d->old >= 0 && link(d->path, bak) == 0;
  }
  if (step(o) != 0 || rename(tmp, d->path) != 0) return -1;
  d->done = DONE_RENAMED;
  return 0;
}

/* Undo place(i). */
static void unplace(rmtmc_output *o, int i) {
  dest *d = &o->d[i];
  const char *tmp = o->s[d->tmp].path;
  switch (d->done) {
    case DONE_EXCHANGED: exchange(tmp, d->path); break;
    case DONE_SWAPPED:
      rename(d->path, tmp);
      rename(o->s[d->old].path, d->path);
      break;
    case DONE_RENAMED:
      if (d->kind == DEST_DIR) rename(d->path, tmp);
      else if (d->backup) rename(o->s[d->old].path, d->path);
      else if (!d->exists) unlink(d->path);
      break;
  }
  d->done = DONE_NONE;
}

rmtmc_status rmtmc_output_commit(rmtmc_output *o, rmtmc_error *err) {
  if (!o->begun || o->committed) return rmtmc_error_set(err, RMTMC_ERR_INVALID, "output transaction not begun");
  rmtmc_status st = RMTMC_OK;
  for (int i = 0; st == RMTMC_OK && i < o->ndest; ++i) {
    dest *d = &o->d[i];
    if (d->kind == DEST_FILE && !d->written)
      st = rmtmc_error_set(err, RMTMC_ERR_INVALID, "%s: nothing was written to it", d->shown);
    else if (d->kind == DEST_DIR)
      st = seal_dir(o, i, err);
  }
  for (int i = 0; st == RMTMC_OK && i < o->ndest; ++i)
    if (o->d[i].mode != MODE_RENAME) st = write_through(o, &o->d[i], err);
  if (st == RMTMC_OK) {
    sigset_t block, saved;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGQUIT);
    pthread_sigmask(SIG_BLOCK, &block, &saved);
    int failed = -1;
    /* Directories first (an exchange is undone by another), then files. */
    for (int pass = 0; pass < 2 && failed < 0; ++pass)
      for (int i = 0; i < o->ndest && failed < 0; ++i) {
        dest *d = &o->d[i];
        if (d->mode != MODE_RENAME || (pass == 0) != (d->kind == DEST_DIR)) continue;
        if (place(o, i) != 0) failed = i;
      }
    if (failed >= 0) {
      st = write_error(&o->d[failed], "cannot move the output into place", err);
      for (int pass = 1; pass >= 0; --pass)
        for (int i = o->ndest - 1; i >= 0; --i) {
          dest *d = &o->d[i];
          if (d->mode == MODE_RENAME && (pass == 0) == (d->kind == DEST_DIR)) unplace(o, i);
        }
    } else {
      for (int i = 0; i < o->ndest; ++i) {
        dest *d = &o->d[i];
        if (d->mode != MODE_RENAME) continue;
        sync_dir(d->parent);
        /* Renamed: the temporary name is gone.  Exchanged or swapped: it
         * (or the 'o' name) holds the old directory, removed below. */
        if (d->done == DONE_RENAMED || d->done == DONE_SWAPPED) slot_drop(o, &d->tmp);
      }
      for (int i = 0; i < o->nslot; ++i)
        if (o->s[i].kind == SLOT_MKDIR) o->s[i].live = 0; /* the parents are output now */
      o->committed = 1;
    }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
  }
  /* Success: remove the old directories and backups.  Failure: everything. */
  remove_all(o);
  unlock_all(o);
  o->begun = 0;
  return st;
}

void rmtmc_output_abort(rmtmc_output *o) {
  if (!o) return;
  remove_all(o);
  unlock_all(o);
  for (int i = 0; i < o->ndest; ++i) {
    free(o->d[i].buf);
    o->d[i].buf = NULL;
    o->d[i].len = 0;
    o->d[i].tmp = o->d[i].old = -1;
    o->d[i].written = 0;
  }
  o->begun = 0;
}

void rmtmc_output_free(rmtmc_output *o) {
  if (!o) return;
  if (!o->committed) rmtmc_output_abort(o);
  unlock_all(o);
  for (int i = 0; i < o->ndest; ++i) free(o->d[i].buf);
  free(o);
}

int rmtmc_output_fail_at(rmtmc_output *o, int s) {
  if (!o) return 0;
  o->fail_at = s;
  return o->steps;
}
