/* json.c: a small streaming JSON writer (pretty-printed, full precision). */
#include <math.h>
#include <stdio.h>

#include "rmtmc_report.h"

static void indent(rmtmc_json *j) {
  fputc('\n', j->f);
  for (int i = 0; i < j->depth; ++i) fputs("  ", j->f);
}

static void string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; ++s) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
    else if (ch == '\n') fputs("\\n", f);
    else if (ch == '\t') fputs("\\t", f);
    else if (ch < 0x20) fprintf(f, "\\u%04x", ch);
    else fputc(ch, f);
  }
  fputc('"', f);
}

/* Separator, newline and key of the next member or element. */
static void member(rmtmc_json *j, const char *key) {
  if (!j->first[j->depth]) fputc(',', j->f);
  j->first[j->depth] = 0;
  indent(j);
  if (key) {
    string(j->f, key);
    fputs(": ", j->f);
  }
}

void rmtmc_json_begin(rmtmc_json *j, FILE *f) {
  j->f = f;
  j->depth = 0;
  fputc('{', f);
  j->first[0] = 1;
}

void rmtmc_json_end(rmtmc_json *j) {
  fputs("\n}\n", j->f);
}

void rmtmc_json_key(rmtmc_json *j, const char *key) { member(j, key); }

static void open_(rmtmc_json *j, const char *key, char c) {
  member(j, key);
  fputc(c, j->f);
  j->depth++;
  j->first[j->depth] = 1;
}

static void close_(rmtmc_json *j, char c) {
  int empty = j->first[j->depth];
  j->depth--;
  if (!empty) indent(j);
  fputc(c, j->f);
}

void rmtmc_json_object(rmtmc_json *j, const char *key) { open_(j, key, '{'); }
void rmtmc_json_object_end(rmtmc_json *j) { close_(j, '}'); }
void rmtmc_json_array(rmtmc_json *j, const char *key) { open_(j, key, '['); }
void rmtmc_json_array_end(rmtmc_json *j) { close_(j, ']'); }

void rmtmc_json_num(rmtmc_json *j, const char *key, double v) {
  member(j, key);
  if (isfinite(v)) fprintf(j->f, "%.17g", v);
  else fputs("null", j->f);
}

void rmtmc_json_int(rmtmc_json *j, const char *key, long long v) {
  member(j, key);
  fprintf(j->f, "%lld", v);
}

void rmtmc_json_uint(rmtmc_json *j, const char *key, unsigned long long v) {
  member(j, key);
  fprintf(j->f, "%llu", v);
}

void rmtmc_json_str(rmtmc_json *j, const char *key, const char *s) {
  member(j, key);
  string(j->f, s);
}

void rmtmc_json_bool(rmtmc_json *j, const char *key, int v) {
  member(j, key);
  fputs(v ? "true" : "false", j->f);
}

void rmtmc_verdict_write_json(rmtmc_json *j, const char *key, const rmtmc_verdict *v) {
  char line[768];
  rmtmc_verdict_line(v, line, sizeof line);
  rmtmc_json_object(j, key);
  rmtmc_json_str(j, "outcome", rmtmc_outcome_name(v->outcome));
  rmtmc_json_bool(j, "pass", v->outcome == RMTMC_OUTCOME_AGREES);
  rmtmc_json_num(j, "max_abs_z", v->max_abs_z);
  rmtmc_json_num(j, "threshold", RMTMC_VERDICT_Z);
  rmtmc_json_int(j, "rows", v->nrows);
  rmtmc_json_int(j, "judged", v->judged);
  rmtmc_json_int(j, "agrees", v->agrees);
  rmtmc_json_int(j, "disagrees", v->disagrees);
  rmtmc_json_int(j, "inconclusive", v->inconclusive);
  rmtmc_json_int(j, "kept_out", v->kept_out);
  rmtmc_json_object(j, "rules");
  for (int k = 0; k < RMTMC_RULE_OUT; ++k) rmtmc_json_int(j, rmtmc_rule_name((rmtmc_rule)k), v->by_rule[k]);
  rmtmc_json_object_end(j);
  rmtmc_json_str(j, "line", line);
  rmtmc_json_array(j, "warnings");
  for (int i = 0; i < v->nwarn; ++i) rmtmc_json_str(j, NULL, v->warnings[i]);
  rmtmc_json_array_end(j);
  rmtmc_json_object_end(j);
}

void rmtmc_verdict_row_json(rmtmc_json *j, const rmtmc_verdict_row *r) {
  if (!r) return;
  rmtmc_json_str(j, "rule", rmtmc_rule_name(r->rule));
  rmtmc_json_str(j, "verdict", rmtmc_row_verdict_name(r->verdict));
  rmtmc_json_str(j, "verdict_note", r->reason);
}
