/* verdict.c: the one verdict of every study (include/rmtmc_verdict.h,
 * docs/verdict.md): each row judged by its rule, the outcome from the rows,
 * the verdict line and its reasons. */
#include "rmtmc_verdict.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *rmtmc_outcome_name(rmtmc_outcome o) {
  switch (o) {
    case RMTMC_OUTCOME_AGREES: return "AGREES";
    case RMTMC_OUTCOME_DISAGREES: return "DISAGREES";
    default: return "INCONCLUSIVE";
  }
}

const char *rmtmc_rule_name(rmtmc_rule r) {
  static const char *names[RMTMC_RULE_COUNT] = {"corrected", "exact", "uncorrected", "out"};
  return r >= 0 && r < RMTMC_RULE_COUNT ? names[r] : "out";
}

const char *rmtmc_rule_text(rmtmc_rule r) {
  static const char *texts[RMTMC_RULE_COUNT] = {"theory + predicted bias", "exact finite-n expectation",
                                                "theory, no bias correction", "kept out"};
  return r >= 0 && r < RMTMC_RULE_COUNT ? texts[r] : "kept out";
}

const char *rmtmc_row_verdict_name(rmtmc_row_verdict v) {
  static const char *names[4] = {"agrees", "DISAGREES", "inconclusive", "kept out"};
  return v >= 0 && v < 4 ? names[v] : "kept out";
}

void rmtmc_verdict_init(rmtmc_verdict *v, int64_t trials) {
  memset(v, 0, sizeof *v);
  v->trials = trials;
  v->worst = -1;
  v->outcome = RMTMC_OUTCOME_INCONCLUSIVE;
}

void rmtmc_verdict_free(rmtmc_verdict *v) {
  if (!v) return;
  free(v->rows);
  memset(v, 0, sizeof *v);
  v->worst = -1;
}

/* A number as a reason prints it: "inf", "-inf", "nan" spelt out. */
static const char *nonfinite(double x) { return isnan(x) ? "not a number" : (x > 0 ? "+infinite" : "-infinite"); }

/* Why the row cannot be judged ("" when it can). */
static void unjudgeable(const rmtmc_judge *j, int64_t trials, char *why, size_t len) {
  why[0] = '\0';
  if (j->cannot_judge && j->cannot_judge[0]) snprintf(why, len, "%s", j->cannot_judge);
  else if (!isfinite(j->estimate)) snprintf(why, len, "the estimate is %s", nonfinite(j->estimate));
  else if (!isfinite(j->theory)) snprintf(why, len, "the theory value is %s", nonfinite(j->theory));
  else if (trials < 2) snprintf(why, len, "no standard error from %lld trial (needs at least 2)", (long long)trials);
  else if (isnan(j->stderr_)) snprintf(why, len, "the standard error is not a number");
  else if (isinf(j->stderr_))
    snprintf(why, len, "the standard error is infinite (the trials' values overflow)");
  else if (!(j->stderr_ > 0))
    snprintf(why, len, "the standard error is 0 (every trial gave the same value), so no difference can be judged");
  else if (!isfinite(j->diff)) snprintf(why, len, "the difference from the theory is %s", nonfinite(j->diff));
  else if ((j->rule == RMTMC_RULE_CORRECTED || j->rule == RMTMC_RULE_EXACT) && !isfinite(j->offset))
    snprintf(why, len, "the predicted %s is %s", j->rule == RMTMC_RULE_EXACT ? "exact expectation" : "bias",
             nonfinite(j->offset));
}

void rmtmc_verdict_add(rmtmc_verdict *v, const rmtmc_judge *j) {
  if (v->nrows == v->cap) {
    int64_t cap = v->cap ? 2 * v->cap : 32;
    rmtmc_verdict_row *rows = realloc(v->rows, (size_t)cap * sizeof *rows);
    if (!rows) {
      ++v->lost;
      return;
    }
    v->rows = rows;
    v->cap = cap;
  }
  rmtmc_verdict_row *r = &v->rows[v->nrows++];
  memset(r, 0, sizeof *r);
  snprintf(r->what, sizeof r->what, "%s", j->what ? j->what : "");
  snprintf(r->at, sizeof r->at, "%s", j->at ? j->at : "");
  r->rule = j->rule;
  r->threshold = j->threshold > 0 ? j->threshold : RMTMC_VERDICT_Z;
  r->src = j->src;
  r->part = j->part;
  const char *note = j->note && j->note[0] ? j->note : NULL;
  double off = j->rule == RMTMC_RULE_CORRECTED || j->rule == RMTMC_RULE_EXACT ? j->offset : 0.0;
  r->z = j->stderr_ > 0 ? (j->diff - off) / j->stderr_ : NAN;
  if (j->rule == RMTMC_RULE_OUT) {
    r->verdict = RMTMC_ROW_KEPT_OUT;
    snprintf(r->reason, sizeof r->reason, "%s", note ? note : "informational");
    return;
  }
  char why[320];
  unjudgeable(j, v->trials, why, sizeof why);
  if (!why[0] && !isfinite(r->z)) snprintf(why, sizeof why, "the z-score is %s", nonfinite(r->z));
  if (why[0]) {
    r->verdict = RMTMC_ROW_INCONCLUSIVE;
    r->z = NAN; /* no z-score to judge */
    snprintf(r->reason, sizeof r->reason, "%s%s%s", why, note ? "; " : "", note ? note : "");
    return;
  }
  if (fabs(r->z) <= r->threshold) {
    r->verdict = RMTMC_ROW_AGREES;
    snprintf(r->reason, sizeof r->reason, "%s", note ? note : "");
  } else if (j->rule == RMTMC_RULE_UNCORRECTED) {
    r->verdict = RMTMC_ROW_INCONCLUSIVE;
    snprintf(r->reason, sizeof r->reason,
             "|z| = %.3g > %.3g against a theory whose finite-size bias is not known here, so the gap may be that "
             "bias%s%s", fabs(r->z), r->threshold, note ? " (" : "", note ? note : "");
    if (note) snprintf(r->reason + strlen(r->reason), sizeof r->reason - strlen(r->reason), ")");
  } else {
    r->verdict = RMTMC_ROW_DISAGREES;
    snprintf(r->reason, sizeof r->reason, "%s", note ? note : "");
  }
}

void rmtmc_verdict_warn(rmtmc_verdict *v, const char *fmt, ...) {
  if (v->nwarn >= RMTMC_VERDICT_MAX_WARN) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(v->warnings[v->nwarn], sizeof v->warnings[0], fmt, ap);
  va_end(ap);
  for (int i = 0; i < v->nwarn; ++i)
    if (strcmp(v->warnings[i], v->warnings[v->nwarn]) == 0) return; /* each warning once */
  ++v->nwarn;
}

void rmtmc_verdict_finish(rmtmc_verdict *v) {
  v->judged = v->agrees = v->disagrees = v->inconclusive = v->kept_out = 0;
  memset(v->by_rule, 0, sizeof v->by_rule);
  v->max_abs_z = 0.0;
  v->worst = -1;
  for (int64_t i = 0; i < v->nrows; ++i) {
    const rmtmc_verdict_row *r = &v->rows[i];
    if (r->verdict == RMTMC_ROW_KEPT_OUT) {
      ++v->kept_out;
      continue;
    }
    ++v->judged;
    ++v->by_rule[r->rule];
    if (r->verdict == RMTMC_ROW_AGREES) ++v->agrees;
    else if (r->verdict == RMTMC_ROW_DISAGREES) ++v->disagrees;
    else ++v->inconclusive;
    if (isfinite(r->z) && fabs(r->z) >= v->max_abs_z) {
      v->max_abs_z = fabs(r->z);
      v->worst = i;
    }
  }
  if (v->disagrees > 0) v->outcome = RMTMC_OUTCOME_DISAGREES;
  else if (v->inconclusive > 0 || v->agrees == 0 || v->lost > 0) v->outcome = RMTMC_OUTCOME_INCONCLUSIVE;
  else v->outcome = RMTMC_OUTCOME_AGREES;
}

/* integral of cos^k over [a, pi/2] (Simpson, 2000 intervals): with
 * t = sqrt(dof) tan(theta), the Student density becomes cos^(dof-1). */
static double cos_power_tail(double k, double a) {
  const int n = 2000;
  double b = 1.57079632679489661923, h = (b - a) / n, s = 0.0;
  for (int i = 0; i <= n; ++i) {
    double w = i == 0 || i == n ? 1.0 : (i % 2 ? 4.0 : 2.0);
    s += w * pow(fmax(0.0, cos(a + h * i)), k);
  }
  return s * h / 3.0;
}

double rmtmc_verdict_t_threshold(int64_t dof) {
  if (dof < 1) return INFINITY;
  if (dof > 2000) return RMTMC_VERDICT_Z;
  double nu = (double)dof, p0 = erfc(RMTMC_VERDICT_Z / sqrt(2.0)), total = cos_power_tail(nu - 1.0, 0.0);
  double lo = RMTMC_VERDICT_Z, hi = 1e7;
  for (int it = 0; it < 200 && hi - lo > 1e-9 * lo; ++it) {
    double q = sqrt(lo * hi), tail = cos_power_tail(nu - 1.0, atan(q / sqrt(nu))) / total;
    if (tail > p0) lo = q;
    else hi = q;
  }
  return hi;
}

const rmtmc_verdict_row *rmtmc_verdict_find(const rmtmc_verdict *v, const void *src, int part) {
  for (int64_t i = 0; i < v->nrows; ++i)
    if (v->rows[i].src == src && v->rows[i].part == part) return &v->rows[i];
  return NULL;
}

/* "9 theory + predicted bias, 2 exact finite-n expectation" */
static void rules_text(const rmtmc_verdict *v, char *buf, size_t len) {
  size_t u = 0;
  buf[0] = '\0';
  for (int k = 0; k < RMTMC_RULE_OUT && u < len; ++k)
    if (v->by_rule[k] > 0)
      u += (size_t)snprintf(buf + u, len - u, "%s%lld against the %s", u ? ", " : "", (long long)v->by_rule[k],
                            rmtmc_rule_text((rmtmc_rule)k));
}

void rmtmc_verdict_line(const rmtmc_verdict *v, char *buf, size_t len) {
  char rules[256], out[64] = "";
  rules_text(v, rules, sizeof rules);
  if (v->kept_out > 0)
    snprintf(out, sizeof out, "; %lld row%s kept out", (long long)v->kept_out, v->kept_out == 1 ? "" : "s");
  const rmtmc_verdict_row *w = v->worst >= 0 ? &v->rows[v->worst] : NULL;
  switch (v->outcome) {
    case RMTMC_OUTCOME_AGREES:
      snprintf(buf, len, "AGREES: largest |z| %.2f <= %.3g over %lld row%s (%s)%s", v->max_abs_z,
               w ? w->threshold : RMTMC_VERDICT_Z, (long long)v->judged, v->judged == 1 ? "" : "s", rules, out);
      break;
    case RMTMC_OUTCOME_DISAGREES: {
      const rmtmc_verdict_row *d = NULL;
      for (int64_t i = 0; i < v->nrows; ++i)
        if (v->rows[i].verdict == RMTMC_ROW_DISAGREES && (!d || fabs(v->rows[i].z) > fabs(d->z))) d = &v->rows[i];
      snprintf(buf, len, "DISAGREES: |z| = %.2f > %.3g at %s, %s (against the %s); %lld of %lld rows disagree%s",
               fabs(d->z), d->threshold, d->what, d->at, rmtmc_rule_text(d->rule), (long long)v->disagrees,
               (long long)v->judged, out);
      break;
    }
    default:
      if (v->judged == 0 || v->agrees + v->inconclusive == 0)
        snprintf(buf, len, "INCONCLUSIVE: no row could be judged%s", out);
      else if (v->lost > 0)
        snprintf(buf, len, "INCONCLUSIVE: %d rows were lost (out of memory)", v->lost);
      else if (v->agrees == 0)
        snprintf(buf, len, "INCONCLUSIVE: none of the %lld rows could be judged (reasons below)%s",
                 (long long)v->judged, out);
      else
        snprintf(buf, len, "INCONCLUSIVE: %lld of %lld rows could not be judged (reasons below); the other %lld agree%s",
                 (long long)v->inconclusive, (long long)v->judged, (long long)v->agrees, out);
  }
}

/* The rows sharing one reason and verdict, listed once. */
static void print_group(FILE *f, const rmtmc_verdict *v, int64_t first, const char *indent, unsigned char *done) {
  const rmtmc_verdict_row *r0 = &v->rows[first];
  const char *head = r0->verdict == RMTMC_ROW_KEPT_OUT ? "kept out"
                     : r0->verdict == RMTMC_ROW_INCONCLUSIVE ? "inconclusive"
                                                              : "note";
  int64_t count = 0;
  fprintf(f, "%s  %s: ", indent, head);
  for (int64_t i = first; i < v->nrows; ++i) {
    const rmtmc_verdict_row *r = &v->rows[i];
    if (done[i] || r->verdict != r0->verdict || strcmp(r->reason, r0->reason) != 0) continue;
    done[i] = 1;
    if (count < 6) fprintf(f, "%s%s%s%s", count ? "; " : "", r->what, r->at[0] ? " at " : "", r->at);
    ++count;
  }
  if (count > 6) fprintf(f, " and %lld more", (long long)(count - 6));
  fprintf(f, ":\n%s    %s\n", indent, r0->reason);
}

void rmtmc_verdict_print(FILE *f, const rmtmc_verdict *v, const char *indent) {
  char line[768];
  rmtmc_verdict_line(v, line, sizeof line);
  fprintf(f, "%sverdict: %s\n", indent, line);
  unsigned char *done = calloc((size_t)(v->nrows > 0 ? v->nrows : 1), 1);
  if (!done) return;
  static const rmtmc_row_verdict order[3] = {RMTMC_ROW_INCONCLUSIVE, RMTMC_ROW_KEPT_OUT, RMTMC_ROW_AGREES};
  for (int o = 0; o < 3; ++o)
    for (int64_t i = 0; i < v->nrows; ++i)
      if (!done[i] && v->rows[i].verdict == order[o] && v->rows[i].reason[0]) print_group(f, v, i, indent, done);
  free(done);
  for (int i = 0; i < v->nwarn; ++i) fprintf(f, "%s  warning: %s\n", indent, v->warnings[i]);
}
