/* rmtmc_verdict.h: the one rule by which every study turns its comparison
 * rows into a verdict (docs/verdict.md).  A study lists its rows (spectrum:
 * every part of every per-z row, the moments, the extreme eigenvalues;
 * generative and ridge: every grid row; sweep: the fitted slopes); the
 * verdict judges each one and the study's JSON, summary, HTML table and the
 * command line's exit status (--fail-on) all read the same list.
 *
 * A row is judged by its rule:
 *   corrected    z = (empirical - theory - predicted finite-size bias) / se;
 *                |z| <= threshold agrees, beyond it DISAGREES;
 *   exact        z = (empirical - exact finite-n expectation) / se; the same;
 *   uncorrected  z = (empirical - theory) / se where the theory is a limit
 *                whose finite-size bias is not known here (or could not be
 *                resolved, e.g. too close to a support edge): |z| <= threshold
 *                agrees; beyond it the row is INCONCLUSIVE (the gap may be
 *                that bias), never DISAGREES;
 *   out          informational, kept out of the verdict with its reason.
 * A row that cannot be judged (non-finite estimate, theory or standard
 * error, a standard error of 0, fewer than 2 trials, a bias that is not
 * finite, or known in one part only) is INCONCLUSIVE with the reason; it
 * never counts as agreement.
 *
 * The verdict: DISAGREES when a row disagrees; else INCONCLUSIVE when a row
 * is inconclusive or no row was judged; else AGREES.  No z-score is ever
 * dropped: every row is in the list with its verdict and reason. */
#ifndef RMTMC_VERDICT_H
#define RMTMC_VERDICT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* |z| above which a row disagrees (or, uncorrected, is inconclusive). */
#define RMTMC_VERDICT_Z 4.0

typedef enum rmtmc_outcome {
  RMTMC_OUTCOME_AGREES = 0,
  RMTMC_OUTCOME_INCONCLUSIVE = 1,
  RMTMC_OUTCOME_DISAGREES = 2
} rmtmc_outcome;

typedef enum rmtmc_rule {
  RMTMC_RULE_CORRECTED = 0,
  RMTMC_RULE_EXACT = 1,
  RMTMC_RULE_UNCORRECTED = 2,
  RMTMC_RULE_OUT = 3
} rmtmc_rule;
#define RMTMC_RULE_COUNT 4

typedef enum rmtmc_row_verdict {
  RMTMC_ROW_AGREES = 0,
  RMTMC_ROW_DISAGREES = 1,
  RMTMC_ROW_INCONCLUSIVE = 2,
  RMTMC_ROW_KEPT_OUT = 3
} rmtmc_row_verdict;

/* "AGREES", "INCONCLUSIVE", "DISAGREES" */
const char *rmtmc_outcome_name(rmtmc_outcome o);
/* "corrected", "exact", "uncorrected", "out" (the JSON names) */
const char *rmtmc_rule_name(rmtmc_rule r);
/* What the rule compares with, for tables: "limit + 1/d bias", ... */
const char *rmtmc_rule_text(rmtmc_rule r);
/* "agrees", "DISAGREES", "inconclusive", "kept out" */
const char *rmtmc_row_verdict_name(rmtmc_row_verdict v);

/* One row as a study hands it to the verdict. */
typedef struct rmtmc_judge {
  const char *what;  /* "Re m(z)", "E_train" */
  const char *at;    /* "z = -1+0i", "gamma = 0.01" */
  rmtmc_rule rule;
  double estimate;   /* the empirical mean */
  double theory;     /* the theory value it is set beside */
  double diff;       /* mean over trials of empirical - theory */
  double stderr_;    /* standard error of diff */
  double offset;     /* corrected: the predicted bias; exact: exact - theory */
  double threshold;  /* 0: RMTMC_VERDICT_Z */
  const char *note;  /* why this rule (out: the reason; may be NULL) */
  const char *cannot_judge; /* non-NULL: the row cannot be judged, for this reason (INCONCLUSIVE) */
  const void *src;   /* the study's row, to find the verdict row again */
  int part;          /* 0 (real part, or a real row), 1 (imaginary part) */
} rmtmc_judge;

typedef struct rmtmc_verdict_row {
  char what[96], at[64];
  rmtmc_rule rule;
  rmtmc_row_verdict verdict;
  double z;          /* the z-score the rule judged (NAN: none) */
  double threshold;
  char reason[512];  /* why inconclusive or kept out, or a note on the rule */
  const void *src;
  int part;
} rmtmc_verdict_row;

#define RMTMC_VERDICT_MAX_WARN 4

typedef struct rmtmc_verdict {
  rmtmc_outcome outcome;
  int64_t trials;    /* trials behind the rows (reasons name them) */
  int64_t nrows, cap;
  rmtmc_verdict_row *rows;
  int64_t judged;    /* rows not kept out */
  int64_t agrees, disagrees, inconclusive, kept_out;
  int64_t by_rule[RMTMC_RULE_COUNT]; /* judged rows per rule */
  double max_abs_z;  /* largest finite |z| over the judged rows (0: none) */
  int64_t worst;     /* its row (-1: none) */
  int lost;          /* rows that could not be stored (out of memory) */
  int nwarn;
  char warnings[RMTMC_VERDICT_MAX_WARN][320];
} rmtmc_verdict;

void rmtmc_verdict_init(rmtmc_verdict *v, int64_t trials);
void rmtmc_verdict_free(rmtmc_verdict *v);
/* Judge one row and append it. */
void rmtmc_verdict_add(rmtmc_verdict *v, const rmtmc_judge *j);
/* A warning printed with the verdict (e.g. heavy-tailed entries). */
void rmtmc_verdict_warn(rmtmc_verdict *v, const char *fmt, ...);
/* The outcome from the rows (call once every row is in). */
void rmtmc_verdict_finish(rmtmc_verdict *v);
/* The row added with (src, part), NULL if none. */
const rmtmc_verdict_row *rmtmc_verdict_find(const rmtmc_verdict *v, const void *src, int part);

/* The |t| whose two-sided tail under Student's t with dof degrees of
 * freedom equals that of |z| = RMTMC_VERDICT_Z under a Gaussian (6.3e-5):
 * the threshold of a row whose standard error is itself estimated from
 * dof degrees of freedom (a fitted slope): 1.0e4 at dof = 1, 32.6 at 3,
 * 6.57 at 10, 4.47 at 40, tending to 4. */
double rmtmc_verdict_t_threshold(int64_t dof);

/* One line: "AGREES: largest |z| 1.23 <= 4 over 12 rows (...)". */
void rmtmc_verdict_line(const rmtmc_verdict *v, char *buf, size_t len);
/* The verdict line, then the reasons of the inconclusive and kept-out rows
 * (each reason once) and the warnings, indented, into f. */
void rmtmc_verdict_print(FILE *f, const rmtmc_verdict *v, const char *indent);

#ifdef __cplusplus
}
#endif
#endif
