/* edge_ref.h: a helper shared by the edge-theory tests (header-only):
 * compare a computed value with the number under `key` of a reference
 * case's "expected" object, naming the check "<id> <what>". */
#ifndef RMTMC_TESTS_EDGE_REF_H
#define RMTMC_TESTS_EDGE_REF_H

#include <stdio.h>

#include "support/ref_cases.h"

static inline int check_expected(tally *t, const char *id, const char *what, double got,
                                 const json_value *expected, const char *key, double abs_tol,
                                 double rel_tol) {
  char name[192];
  snprintf(name, sizeof name, "%s %s", id, what);
  return check_close(t, name, got, json_num(json_get(expected, key), NAN), abs_tol, rel_tol);
}

#endif
