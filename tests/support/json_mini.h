/* json_mini.h: a small JSON reader for the tests (not part of the library).
 *
 * Parses a complete JSON text (RFC 8259: objects, arrays, numbers, strings
 * with escapes including \uXXXX, true, false, null) into a tree of
 * json_value nodes; lookups by key and by index.  Object keys keep their
 * order; a repeated key returns its first occurrence. */
#ifndef RMTMC_TESTS_JSON_MINI_H
#define RMTMC_TESTS_JSON_MINI_H

#include <stddef.h>

typedef enum json_type {
  JSON_NULL,
  JSON_BOOL,
  JSON_NUMBER,
  JSON_STRING,
  JSON_ARRAY,
  JSON_OBJECT
} json_type;

typedef struct json_value {
  json_type type;
  int boolean;               /* JSON_BOOL */
  double number;             /* JSON_NUMBER */
  char *string;              /* JSON_STRING (UTF-8, NUL-terminated) */
  size_t count;              /* JSON_ARRAY / JSON_OBJECT: number of items */
  struct json_value **items; /* JSON_ARRAY / JSON_OBJECT: values */
  char **keys;               /* JSON_OBJECT: keys, parallel to items */
} json_value;

/* Parse text (len bytes; NUL not required).  Returns NULL on error and
 * writes "line L, column C: what" into err (errlen bytes) if err != NULL. */
json_value *json_parse(const char *text, size_t len, char *err, size_t errlen);
/* Read and parse a whole file; NULL on I/O or parse error (message in err). */
json_value *json_parse_file(const char *path, char *err, size_t errlen);
/* Free a tree (NULL is a no-op). */
void json_free(json_value *v);

/* Member of an object by key, or NULL (also when obj is not an object). */
const json_value *json_get(const json_value *obj, const char *key);
/* Element i of an array, or NULL. */
const json_value *json_at(const json_value *arr, size_t i);
/* Number value, or fallback when v is not a number. */
double json_num(const json_value *v, double fallback);
/* String value, or NULL when v is not a string. */
const char *json_str(const json_value *v);
/* Number of elements of an array or members of an object (0 otherwise). */
size_t json_len(const json_value *v);

#endif
