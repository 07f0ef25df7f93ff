/* mpi.c: rmtmc_comm (include/rmtmc_comm.h, src/engine/comm.h), the only
 * file of rmtmc that knows MPI.  Compiled with MPI when CMake found it
 * (RMTMC_HAVE_MPI); without it a communicator is one process, and a
 * process that a launcher started as one of several ranks is refused.
 *
 * Messages (tags below), all on a duplicate of MPI_COMM_WORLD: PROGRESS
 * (rank q -> 0: step, trials done; at most one in flight per rank), ARRIVE
 * (q -> 0: the end of q's step: a wire_head, then its part in PAYLOAD
 * chunks), STOP (0 -> q: another rank failed; empty), OUTCOME (0 -> q: the
 * step's outcome, then its payload in PAYLOAD chunks).  Rank 0 takes every
 * message of a rank in the order it was sent (MPI_ANY_TAG), so a rank's
 * progress always comes before its arrival.  Waiting polls with short
 * sleeps, so that a rank that has finished leaves its cores to the ranks
 * still running. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/comm.h"

#ifdef RMTMC_HAVE_MPI
#include <mpi.h>
#endif

struct rmtmc_comm {
  int rank, size, node_rank, node_size;
  int launched; /* started by a launcher (MPI initialised) */
  int cpu_threads; /* CPU worker threads for this rank (comm_cpu_threads) */
  int owns_mpi; /* MPI_Init was ours: MPI_Finalize is too */
  char host[256];
  int64_t seq;        /* steps (comm_exchange calls) so far */
  int stopping;       /* this rank stops its run (told by rank 0, or rank 0 decided) */
  int failed;         /* a step's outcome was a failure: every later step is too */
  rmtmc_error fail;   /* that failure */
#ifdef RMTMC_HAVE_MPI
  MPI_Comm world;
  /* ranks > 0 */
  MPI_Request prog_req;
  int64_t prog_buf[2], prog_sent, my_done;
  /* rank 0: the step under way */
  int narrived;
  int *arrived;
  struct wire_head *heads;
  comm_buf *parts;
  int64_t *done;
  MPI_Request *stop_req;
  int stop_sent;
  rmtmc_progress_fn fn;
  void *fn_ctx;
  int64_t fn_total;
#endif
  struct rmtmc_comm *alone; /* this rank by itself (comm_alone) */
  char empty; /* a valid address for empty messages */
};

/* ------------------------------------------------------------ buffers */

void comm_buf_free(comm_buf *b) {
  if (!b) return;
  free(b->data);
  b->data = NULL;
  b->len = 0;
}

void comm_pack_init(comm_pack *p, comm_buf *b) {
  p->b = b;
  p->cap = 0;
  p->failed = 0;
  b->data = NULL;
  b->len = 0;
}

void comm_pack_bytes(comm_pack *p, const void *src, size_t n) {
  if (p->failed || n == 0) return;
  comm_buf *b = p->b;
  if (b->len + n > p->cap) {
    size_t cap = p->cap ? p->cap : 256;
    while (cap < b->len + n) cap *= 2;
    unsigned char *d = realloc(b->data, cap);
    if (!d) {
      p->failed = 1;
      return;
    }
    b->data = d;
    p->cap = cap;
  }
  memcpy(b->data + b->len, src, n);
  b->len += n;
}

int comm_unpack_bytes(comm_unpack *u, void *dst, size_t n) {
  const void *src = comm_unpack_view(u, n);
  if (!src) return 0;
  if (n) memcpy(dst, src, n);
  return 1;
}

const void *comm_unpack_view(comm_unpack *u, size_t n) {
  if (u->at > u->b->len || u->b->len - u->at < n) return NULL;
  const void *p = u->b->data ? (const void *)(u->b->data + u->at) : (const void *)&u->at;
  u->at += n;
  return p;
}

/* ------------------------------------------------------ the environment */

static const char *env_first(const char *const *names) {
  for (; *names; ++names) {
    const char *v = getenv(*names);
    if (v && *v) return v;
  }
  return NULL;
}

/* Started by an MPI launcher (or RMTMC_MPI=1; RMTMC_MPI=0: never). */
static int env_launched(void) {
  const char *forced = getenv("RMTMC_MPI");
  if (forced && strcmp(forced, "0") == 0) return 0;
  if (forced && strcmp(forced, "1") == 0) return 1;
  static const char *const marks[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE",
                                      "MV2_COMM_WORLD_SIZE", "MPI_LOCALNRANKS", "SLURM_STEP_ID", NULL};
  return env_first(marks) != NULL;
}


/* ------------------------------------------------------------ queries */

int rmtmc_comm_compiled(void) {
#ifdef RMTMC_HAVE_MPI
  return 1;
#else
  return 0;
#endif
}

void rmtmc_comm_library(char *buf, size_t cap) {
  if (cap == 0) return;
  buf[0] = '\0';
#ifdef RMTMC_HAVE_MPI
  int len = 0;
  char v[MPI_MAX_LIBRARY_VERSION_STRING];
  if (MPI_Get_library_version(v, &len) != MPI_SUCCESS) return;
  char *cut = strpbrk(v, ",\n");
  if (cut) *cut = '\0';
  snprintf(buf, cap, "%s", v);
#endif
}

int rmtmc_comm_rank(const rmtmc_comm *c) { return c ? c->rank : 0; }
int rmtmc_comm_size(const rmtmc_comm *c) { return c ? c->size : 1; }
int comm_active(const rmtmc_comm *c) { return c && c->launched && c->size > 1; }
int comm_launched(const rmtmc_comm *c) { return c && c->launched; }
int comm_node_rank(const rmtmc_comm *c) { return c ? c->node_rank : 0; }
int comm_node_size(const rmtmc_comm *c) { return c ? c->node_size : 1; }
const char *comm_host(const rmtmc_comm *c) { return c ? c->host : ""; }

void comm_share(const rmtmc_comm *c, int64_t nblocks, int64_t *first, int64_t *count) {
  int64_t k = rmtmc_comm_size(c), r = rmtmc_comm_rank(c);
  int64_t base = nblocks / k, rem = nblocks % k;
  *first = r * base + (r < rem ? r : rem);
  *count = base + (r < rem ? 1 : 0);
}

int comm_cpu_threads(const rmtmc_comm *c) { return comm_launched(c) ? c->cpu_threads : 0; }

void comm_forget_failure(rmtmc_comm *c) {
  if (!c) return;
  c->failed = 0;
  rmtmc_error_clear(&c->fail);
}

rmtmc_status rmtmc_comm_agree(rmtmc_comm *c, rmtmc_status st, rmtmc_error *err) {
  comm_buf none = {NULL, 0}, out = {NULL, 0};
  st = comm_exchange(c, st, err, &none, NULL, NULL, &out);
  comm_buf_free(&out);
  return st;
}


/* ------------------------------------------------------ without MPI */
#ifndef RMTMC_HAVE_MPI

/* The launcher's rank count and this process's rank, where it says. */
static void env_world(int *size, int *rank) {
  static const char *const sizes[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MV2_COMM_WORLD_SIZE",
                                      "SLURM_STEP_NUM_TASKS", NULL};
  static const char *const ranks[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "MV2_COMM_WORLD_RANK",
                                      "SLURM_PROCID", NULL};
  const char *s = env_first(sizes), *r = env_first(ranks);
  *size = s ? atoi(s) : 1;
  *rank = r ? atoi(r) : 0;
  if (*size < 1) *size = 1;
  if (*rank < 0) *rank = 0;
}

static rmtmc_comm *comm_single(void) {
  rmtmc_comm *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->size = c->node_size = 1;
  if (gethostname(c->host, sizeof c->host - 1) != 0) snprintf(c->host, sizeof c->host, "localhost");
  return c;
}

rmtmc_status rmtmc_comm_from_env(int *argc, char ***argv, rmtmc_comm **out, rmtmc_error *err) {
  rmtmc_comm *c = *out = comm_single();
  if (!c) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  if (!env_launched()) return RMTMC_OK;
  int size, rank;
  env_world(&size, &rank);
  if (size <= 1) return RMTMC_OK;
  c->rank = rank; /* only so that one of the copies reports the refusal */
  return rmtmc_error_set(err, RMTMC_ERR_UNSUPPORTED,
                         "started as rank %d of %d by an MPI launcher, but this rmtmc was built without MPI: install Open MPI (scripts/deps.sh) and rebuild, or run it without mpirun (docs/cluster.md)",
                         rank, size);
}

void rmtmc_comm_close(rmtmc_comm *c) { free(c); }

rmtmc_comm *comm_alone(rmtmc_comm *c) { return c; }

rmtmc_status comm_tick(rmtmc_comm *c, int64_t done, int64_t total, rmtmc_progress_fn fn, void *ctx,
                       rmtmc_error *err) {
  if (fn) fn(ctx, done, total);
  return RMTMC_OK;
}

#else /* ------------------------------------------------------ with MPI */

enum { KIND_OK = 0, KIND_FAIL = 1, KIND_STOPPED = 2 };
enum { TAG_PROGRESS = 7101, TAG_ARRIVE, TAG_PAYLOAD, TAG_STOP, TAG_OUTCOME };
#define CHUNK ((size_t)64 << 20) /* payload bytes per message */

static void sleep_briefly(void) {
  struct timespec ts = {.tv_sec = 0, .tv_nsec = 200000}; /* 0.2 ms */
  nanosleep(&ts, NULL);
}

/* The message of rank q's failure as every rank reports it. */
static void failure_text(rmtmc_error *e, int rank, int size, rmtmc_status st, const char *msg) {
  e->code = st;
  if (rank > 0) snprintf(e->msg, sizeof e->msg, "rank %d of %d: %.480s", rank, size, msg);
  else snprintf(e->msg, sizeof e->msg, "%s", msg);
}

/* The head of an arrival or an outcome. */
typedef struct wire_head {
  int64_t seq;  /* the step */
  int64_t done; /* arrival: the rank's trials done */
  int64_t len;  /* payload bytes that follow */
  int32_t kind, status;
  char msg[RMTMC_ERRMSG_LEN];
} wire_head;

static void step_reset(rmtmc_comm *c) {
  c->stopping = 0;
  c->prog_sent = c->my_done = 0;
  if (c->rank != 0) return;
  c->narrived = c->stop_sent = 0;
  c->fn = NULL;
  c->fn_ctx = NULL;
  for (int q = 0; q < c->size; ++q) {
    c->arrived[q] = 0;
    c->done[q] = 0;
    comm_buf_free(&c->parts[q]);
    c->stop_req[q] = MPI_REQUEST_NULL;
  }
}

/* This rank's share of its node's CPUs: the CPUs it may run on (its
 * affinity mask: all of them, or those the launcher bound it to) divided
 * among the node's ranks whose masks overlap it (unbound ranks all share
 * every CPU; ranks bound to a core each have theirs; two ranks bound to
 * one socket split it); at least 1. */
static int node_cpu_share(rmtmc_comm *c, MPI_Comm node) {
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  int mine = online > 0 ? (int)online : 1, sharing = c->node_size;
#ifdef __linux__
  cpu_set_t set, *all = calloc((size_t)c->node_size, sizeof *all);
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) mine = CPU_COUNT(&set);
  if (all) {
    MPI_Allgather(&set, (int)sizeof set, MPI_BYTE, all, (int)sizeof set, MPI_BYTE, node);
    sharing = 0;
    for (int q = 0; q < c->node_size; ++q) {
      cpu_set_t both;
      CPU_AND(&both, &set, &all[q]);
      sharing += CPU_COUNT(&both) > 0;
    }
    free(all);
  }
#endif
  int t = mine / (sharing > 0 ? sharing : 1);
  return t < 1 ? 1 : t;
}

rmtmc_status rmtmc_comm_from_env(int *argc, char ***argv, rmtmc_comm **out, rmtmc_error *err) {
  rmtmc_comm *c = *out = calloc(1, sizeof *c);
  if (!c) return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory");
  c->size = c->node_size = 1;
  if (gethostname(c->host, sizeof c->host - 1) != 0) snprintf(c->host, sizeof c->host, "localhost");
  c->prog_req = MPI_REQUEST_NULL;
  if (!env_launched()) return RMTMC_OK;
  int inited = 0, provided = 0;
  MPI_Initialized(&inited);
  if (!inited) {
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
      return rmtmc_error_set(err, RMTMC_ERR_BACKEND, "MPI_Init failed: running as one process is not possible here");
    c->owns_mpi = 1;
  }
  MPI_Comm_dup(MPI_COMM_WORLD, &c->world);
  MPI_Comm_rank(c->world, &c->rank);
  MPI_Comm_size(c->world, &c->size);
  MPI_Comm node;
  MPI_Comm_split_type(c->world, MPI_COMM_TYPE_SHARED, c->rank, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &c->node_rank);
  MPI_Comm_size(node, &c->node_size);
  c->cpu_threads = node_cpu_share(c, node);
  MPI_Comm_free(&node);
  int len = 0;
  char name[MPI_MAX_PROCESSOR_NAME];
  if (MPI_Get_processor_name(name, &len) == MPI_SUCCESS && len > 0) snprintf(c->host, sizeof c->host, "%s", name);
  c->launched = 1;
  c->alone = calloc(1, sizeof *c->alone);
  if (!c->alone) MPI_Abort(c->world, 1);
  *c->alone = (rmtmc_comm){.rank = 0, .size = 1, .node_rank = c->node_rank, .node_size = c->node_size,
                           .launched = 1, .cpu_threads = c->cpu_threads, .prog_req = MPI_REQUEST_NULL};
  memcpy(c->alone->host, c->host, sizeof c->host);
  if (c->rank == 0) {
    size_t k = (size_t)c->size;
    c->arrived = calloc(k, sizeof *c->arrived);
    c->heads = calloc(k, sizeof *c->heads);
    c->parts = calloc(k, sizeof *c->parts);
    c->done = calloc(k, sizeof *c->done);
    c->stop_req = calloc(k, sizeof *c->stop_req);
    if (!c->arrived || !c->heads || !c->parts || !c->done || !c->stop_req) MPI_Abort(c->world, 1);
    step_reset(c);
  }
  return RMTMC_OK;
}

void rmtmc_comm_close(rmtmc_comm *c) {
  if (!c) return;
  if (c->launched) {
    if (c->prog_req != MPI_REQUEST_NULL) MPI_Wait(&c->prog_req, MPI_STATUS_IGNORE);
    if (c->rank == 0) step_reset(c);
    MPI_Comm_free(&c->world);
    int fin = 0;
    MPI_Finalized(&fin);
    if (c->owns_mpi && !fin) MPI_Finalize();
  }
  free(c->alone);
  free(c->arrived);
  free(c->heads);
  free(c->parts);
  free(c->done);
  free(c->stop_req);
  free(c);
}

rmtmc_comm *comm_alone(rmtmc_comm *c) { return c && c->alone ? c->alone : c; }

/* A head and its payload (in chunks) to dest. */
static void send_msg(rmtmc_comm *c, int dest, int tag, wire_head *h, const comm_buf *payload) {
  h->len = payload ? (int64_t)payload->len : 0;
  MPI_Send(h, (int)sizeof *h, MPI_BYTE, dest, tag, c->world);
  for (size_t at = 0; at < (size_t)h->len; at += CHUNK) {
    size_t n = (size_t)h->len - at < CHUNK ? (size_t)h->len - at : CHUNK;
    MPI_Send(payload->data + at, (int)n, MPI_BYTE, dest, TAG_PAYLOAD, c->world);
  }
}

/* The payload of a head from src.  Without memory for it, the chunks are
 * still taken (the messages must go) and RMTMC_ERR_NOMEM returned. */
static rmtmc_status recv_payload(rmtmc_comm *c, int src, int64_t len, comm_buf *b, rmtmc_error *err) {
  b->data = NULL;
  b->len = 0;
  if (len <= 0) return RMTMC_OK;
  unsigned char *dst = malloc((size_t)len), *scratch = NULL;
  if (!dst) scratch = malloc(CHUNK);
  if (!dst && !scratch) MPI_Abort(c->world, 1); /* cannot even drain: the node is out of memory */
  for (size_t at = 0; at < (size_t)len; at += CHUNK) {
    size_t n = (size_t)len - at < CHUNK ? (size_t)len - at : CHUNK;
    MPI_Recv(dst ? dst + at : scratch, (int)n, MPI_BYTE, src, TAG_PAYLOAD, c->world, MPI_STATUS_IGNORE);
  }
  free(scratch);
  if (!dst)
    return rmtmc_error_set(err, RMTMC_ERR_NOMEM, "out of memory for %.3g MiB from rank %d", (double)len / 1048576.0,
                           src);
  b->data = dst;
  b->len = (size_t)len;
  return RMTMC_OK;
}

/* Rank 0: the trials done on every rank, to the run's progress callback. */
static void report(rmtmc_comm *c) {
  if (!c->fn) return;
  int64_t all = 0;
  for (int q = 0; q < c->size; ++q) all += c->done[q];
  c->fn(c->fn_ctx, all, c->fn_total);
}

/* Rank 0: tell every rank still running to stop (once a step). */
static void root_stop(rmtmc_comm *c) {
  c->stopping = 1;
  if (c->stop_sent) return;
  c->stop_sent = 1;
  for (int q = 1; q < c->size; ++q)
    if (!c->arrived[q]) MPI_Isend(&c->empty, 0, MPI_BYTE, q, TAG_STOP, c->world, &c->stop_req[q]);
}

/* Rank 0: one message that probe ms found (progress or an arrival). */
static void root_take(rmtmc_comm *c, const MPI_Status *ms) {
  int q = ms->MPI_SOURCE;
  if (ms->MPI_TAG == TAG_PROGRESS) {
    int64_t buf[2];
    MPI_Recv(buf, 2, MPI_INT64_T, q, TAG_PROGRESS, c->world, MPI_STATUS_IGNORE);
    if (buf[0] == c->seq && !c->arrived[q]) {
      c->done[q] = buf[1];
      report(c);
    }
    return;
  }
  if (ms->MPI_TAG != TAG_ARRIVE) { /* nothing else comes to rank 0: drop it */
    MPI_Recv(NULL, 0, MPI_BYTE, q, ms->MPI_TAG, c->world, MPI_STATUS_IGNORE);
    return;
  }
  wire_head *h = &c->heads[q];
  MPI_Recv(h, (int)sizeof *h, MPI_BYTE, q, TAG_ARRIVE, c->world, MPI_STATUS_IGNORE);
  rmtmc_error e;
  rmtmc_error_clear(&e);
  if (recv_payload(c, q, h->len, &c->parts[q], &e) != RMTMC_OK) {
    h->kind = KIND_FAIL; /* rank 0 cannot hold the part: the step fails */
    h->status = (int32_t)e.code;
    snprintf(h->msg, sizeof h->msg, "%s", e.msg);
  }
  c->arrived[q] = 1;
  c->narrived++;
  c->done[q] = h->done;
  report(c);
  if (h->kind != KIND_OK) root_stop(c);
}

static void root_drain(rmtmc_comm *c) {
  for (;;) {
    int flag = 0;
    MPI_Status ms;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, c->world, &flag, &ms);
    if (!flag) return;
    root_take(c, &ms);
  }
}

rmtmc_status comm_tick(rmtmc_comm *c, int64_t done, int64_t total, rmtmc_progress_fn fn, void *ctx,
                       rmtmc_error *err) {
  if (!comm_active(c)) {
    if (fn) fn(ctx, done, total);
    return RMTMC_OK;
  }
  if (c->rank == 0) {
    c->fn = fn;
    c->fn_ctx = ctx;
    c->fn_total = total;
    c->done[0] = done;
    root_drain(c);
    report(c);
  } else {
    c->my_done = done;
    int flag = 1;
    if (c->prog_req != MPI_REQUEST_NULL) MPI_Test(&c->prog_req, &flag, MPI_STATUS_IGNORE);
    if (flag && done > c->prog_sent) {
      c->prog_buf[0] = c->seq;
      c->prog_buf[1] = done;
      MPI_Isend(c->prog_buf, 2, MPI_INT64_T, 0, TAG_PROGRESS, c->world, &c->prog_req);
      c->prog_sent = done;
    }
    MPI_Status ms;
    MPI_Iprobe(0, TAG_STOP, c->world, &flag, &ms);
    if (flag) {
      MPI_Recv(&c->empty, 0, MPI_BYTE, 0, TAG_STOP, c->world, MPI_STATUS_IGNORE);
      c->stopping = 1;
    }
  }
  if (c->stopping) return rmtmc_error_set(err, RMTMC_ERR_BACKEND, "stopped: another rank failed");
  return RMTMC_OK;
}

/* Rank q > 0: the step's end. */
static rmtmc_status rank_exchange(rmtmc_comm *c, rmtmc_status st, rmtmc_error *err, comm_buf *part,
                                  comm_buf *outcome) {
  if (c->prog_req != MPI_REQUEST_NULL) MPI_Wait(&c->prog_req, MPI_STATUS_IGNORE);
  wire_head h;
  memset(&h, 0, sizeof h);
  h.seq = c->seq;
  h.done = c->my_done;
  h.kind = st == RMTMC_OK ? KIND_OK : (c->stopping ? KIND_STOPPED : KIND_FAIL);
  h.status = (int32_t)st;
  if (st != RMTMC_OK) snprintf(h.msg, sizeof h.msg, "%s", err->msg[0] ? err->msg : rmtmc_status_str(st));
  send_msg(c, 0, TAG_ARRIVE, &h, st == RMTMC_OK ? part : NULL);
  comm_buf_free(part);
  wire_head o;
  for (;;) { /* rank 0's outcome; a stop that crossed our arrival is dropped */
    int flag = 0;
    MPI_Status ms;
    MPI_Iprobe(0, MPI_ANY_TAG, c->world, &flag, &ms);
    if (!flag) {
      sleep_briefly();
      continue;
    }
    if (ms.MPI_TAG == TAG_OUTCOME) {
      MPI_Recv(&o, (int)sizeof o, MPI_BYTE, 0, TAG_OUTCOME, c->world, MPI_STATUS_IGNORE);
      break;
    }
    MPI_Recv(&c->empty, 0, MPI_BYTE, 0, ms.MPI_TAG, c->world, MPI_STATUS_IGNORE);
  }
  if (o.kind != KIND_OK) {
    c->failed = 1;
    c->fail.code = (rmtmc_status)o.status;
    snprintf(c->fail.msg, sizeof c->fail.msg, "%s", o.msg);
    *err = c->fail;
    return c->fail.code;
  }
  /* Without memory for the outcome this rank fails alone; it says so at
   * the next step, which every rank then fails. */
  return recv_payload(c, 0, o.len, outcome, err);
}

/* Rank 0: collect every rank's end, decide, send the outcome. */
static rmtmc_status root_exchange(rmtmc_comm *c, rmtmc_status st, rmtmc_error *err, comm_buf *part,
                                  comm_merge_fn merge, void *ctx, comm_buf *outcome) {
  wire_head *h0 = &c->heads[0];
  memset(h0, 0, sizeof *h0);
  h0->seq = c->seq;
  h0->kind = st == RMTMC_OK ? KIND_OK : (c->stopping ? KIND_STOPPED : KIND_FAIL);
  h0->status = (int32_t)st;
  if (st != RMTMC_OK) snprintf(h0->msg, sizeof h0->msg, "%s", err->msg[0] ? err->msg : rmtmc_status_str(st));
  c->parts[0] = *part;
  part->data = NULL;
  part->len = 0;
  c->arrived[0] = 1;
  if (h0->kind != KIND_OK) root_stop(c);
  while (c->narrived < c->size - 1) {
    int flag = 0;
    MPI_Status ms;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, c->world, &flag, &ms);
    if (flag) root_take(c, &ms);
    else sleep_briefly();
  }
  MPI_Waitall(c->size, c->stop_req, MPI_STATUSES_IGNORE);
  /* the lowest failing rank's failure (the lowest failing trial's) */
  rmtmc_error e;
  rmtmc_error_clear(&e);
  int ok = 1;
  for (int q = 0; q < c->size && ok; ++q)
    if (c->heads[q].kind == KIND_FAIL) {
      failure_text(&e, q, c->size, (rmtmc_status)c->heads[q].status, c->heads[q].msg);
      ok = 0;
    }
  for (int q = 0; q < c->size && ok; ++q)
    if (c->heads[q].kind != KIND_OK || c->heads[q].seq != c->seq) {
      rmtmc_error_set(&e, RMTMC_ERR_BACKEND, "internal error: rank %d is at step %lld, rank 0 at step %lld", q,
                      (long long)c->heads[q].seq, (long long)c->seq);
      ok = 0;
    }
  comm_buf res = {NULL, 0};
  if (ok && merge) {
    if (merge(ctx, c->parts, c->size, &res, &e) != RMTMC_OK) ok = 0;
  } else if (ok) {
    res = c->parts[0];
    c->parts[0].data = NULL;
    c->parts[0].len = 0;
  }
  wire_head o;
  memset(&o, 0, sizeof o);
  o.seq = c->seq;
  o.kind = ok ? KIND_OK : KIND_FAIL;
  o.status = ok ? RMTMC_OK : (int32_t)e.code;
  if (!ok) snprintf(o.msg, sizeof o.msg, "%s", e.msg);
  for (int q = 1; q < c->size; ++q) send_msg(c, q, TAG_OUTCOME, &o, ok ? &res : NULL);
  if (!ok) {
    comm_buf_free(&res);
    c->failed = 1;
    c->fail = e;
    *err = e;
    return e.code;
  }
  *outcome = res;
  return RMTMC_OK;
}

#endif /* RMTMC_HAVE_MPI */

rmtmc_status comm_exchange(rmtmc_comm *c, rmtmc_status st, rmtmc_error *err, comm_buf *part, comm_merge_fn merge,
                           void *ctx, comm_buf *outcome) {
  rmtmc_error local;
  if (!err) err = &local;
  if (st == RMTMC_OK) rmtmc_error_clear(err);
  outcome->data = NULL;
  outcome->len = 0;
  if (c && c->failed) {
    comm_buf_free(part);
    *err = c->fail;
    return c->fail.code;
  }
  if (!comm_active(c)) {
    if (st == RMTMC_OK && merge) st = merge(ctx, part, 1, outcome, err);
    else if (st == RMTMC_OK) {
      *outcome = *part;
      part->data = NULL;
      part->len = 0;
    }
    comm_buf_free(part);
    return st;
  }
#ifdef RMTMC_HAVE_MPI
  st = c->rank == 0 ? root_exchange(c, st, err, part, merge, ctx, outcome) : rank_exchange(c, st, err, part, outcome);
  step_reset(c);
  c->seq++;
  return st;
#else
  return st;
#endif
}
