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
