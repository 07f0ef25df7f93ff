/* json_mini.c: recursive-descent JSON parser for the tests (see json_mini.h).
 */
#include "json_mini.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
  const char *s;
  size_t n, i;
  char *err;
  size_t errlen;
  int failed;
  int depth;
} parser;

static void p_fail(parser *p, const char *fmt, ...) {
  size_t k, line = 1, col = 1;
  if (p->failed) return;
  p->failed = 1;
  if (!p->err || p->errlen == 0) return;
  for (k = 0; k < p->i && k < p->n; ++k) {
    if (p->s[k] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  {
    va_list ap;
    int off = snprintf(p->err, p->errlen, "line %zu, column %zu: ", line, col);
    if (off < 0 || (size_t)off >= p->errlen) return;
    va_start(ap, fmt);
    vsnprintf(p->err + off, p->errlen - (size_t)off, fmt, ap);
    va_end(ap);
  }
}

static void p_ws(parser *p) {
  while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
                         p->s[p->i] == '\n' || p->s[p->i] == '\r'))
    ++p->i;
}

static json_value *v_new(json_type t) {
  json_value *v = (json_value *)calloc(1, sizeof *v);
  if (v) v->type = t;
  return v;
}

void json_free(json_value *v) {
  size_t k;
  if (!v) return;
  free(v->string);
  for (k = 0; k < v->count; ++k) {
    json_free(v->items[k]);
    if (v->keys) free(v->keys[k]);
  }
  free(v->items);
  free(v->keys);
  free(v);
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int p_hex4(parser *p, unsigned *out) {
  unsigned v = 0;
  int k;
  if (p->i + 4 > p->n) return 0;
  for (k = 0; k < 4; ++k) {
    int h = hexval(p->s[p->i + (size_t)k]);
    if (h < 0) return 0;
    v = v * 16 + (unsigned)h;
  }
  p->i += 4;
  *out = v;
  return 1;
}

/* Appends the UTF-8 encoding of code point cp to buf (room checked by the
 * caller: at most 4 bytes). */
static size_t utf8_put(char *buf, unsigned cp) {
  if (cp < 0x80) {
    buf[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    buf[0] = (char)(0xC0 | (cp >> 6));
    buf[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    buf[0] = (char)(0xE0 | (cp >> 12));
    buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  buf[0] = (char)(0xF0 | (cp >> 18));
  buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  buf[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Parses a string starting at the opening quote; returns a malloc'd copy. */
static char *p_string(parser *p) {
  size_t start, cap, len = 0;
  char *out;
  if (p->i >= p->n || p->s[p->i] != '"') {
    p_fail(p, "expected '\"'");
    return NULL;
  }
  start = ++p->i;
  cap = 16;
  while (p->i < p->n && p->s[p->i] != '"') { /* upper bound of the size */
    if (p->s[p->i] == '\\') ++p->i;
    ++p->i;
  }
  cap += p->i - start;
  p->i = start;
  out = (char *)malloc(cap);
  if (!out) {
    p_fail(p, "out of memory");
    return NULL;
  }
  while (p->i < p->n) {
    unsigned char c = (unsigned char)p->s[p->i++];
    if (c == '"') {
      out[len] = '\0';
      return out;
    }
    if (c < 0x20) {
      p_fail(p, "control character in string");
      break;
    }
    if (c != '\\') {
      out[len++] = (char)c;
      continue;
    }
    if (p->i >= p->n) break;
    c = (unsigned char)p->s[p->i++];
    switch (c) {
      case '"':
        out[len++] = '"';
        break;
      case '\\':
        out[len++] = '\\';
        break;
      case '/':
        out[len++] = '/';
        break;
      case 'b':
        out[len++] = '\b';
        break;
      case 'f':
        out[len++] = '\f';
        break;
      case 'n':
        out[len++] = '\n';
        break;
      case 'r':
        out[len++] = '\r';
        break;
      case 't':
        out[len++] = '\t';
        break;
      case 'u': {
        unsigned cp, lo;
        if (!p_hex4(p, &cp)) {
          p_fail(p, "bad \\u escape");
          free(out);
          return NULL;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF && p->i + 1 < p->n &&
            p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
          size_t save = p->i;
          p->i += 2;
          if (p_hex4(p, &lo) && lo >= 0xDC00 && lo <= 0xDFFF)
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          else
            p->i = save;
        }
        /* an escape is 6 input bytes and at most 4 output bytes */
        len += utf8_put(out + len, cp);
        break;
      }
      default:
        p_fail(p, "bad escape '\\%c'", c);
        free(out);
        return NULL;
    }
  }
  p_fail(p, "unterminated string");
  free(out);
  return NULL;
}

static json_value *p_value(parser *p);

static int p_push(parser *p, json_value *v, json_value *item, char *key,
                  size_t *cap) {
  if (v->count == *cap) {
    size_t nc = *cap ? 2 * *cap : 8;
    json_value **ni = (json_value **)realloc(v->items, nc * sizeof *ni);
    if (!ni) goto nomem;
    v->items = ni;
    if (v->type == JSON_OBJECT) {
      char **nk = (char **)realloc(v->keys, nc * sizeof *nk);
      if (!nk) goto nomem;
      v->keys = nk;
    }
    *cap = nc;
  }
  v->items[v->count] = item;
  if (v->type == JSON_OBJECT) v->keys[v->count] = key;
  ++v->count;
  return 1;
nomem:
  p_fail(p, "out of memory");
  json_free(item);
  free(key);
  return 0;
}

static json_value *p_array(parser *p) {
  json_value *v = v_new(JSON_ARRAY);
  size_t cap = 0;
  if (!v) {
    p_fail(p, "out of memory");
    return NULL;
  }
  ++p->i; /* '[' */
  p_ws(p);
  if (p->i < p->n && p->s[p->i] == ']') {
    ++p->i;
    return v;
  }
  for (;;) {
    json_value *item = p_value(p);
    if (!item || !p_push(p, v, item, NULL, &cap)) break;
    p_ws(p);
    if (p->i < p->n && p->s[p->i] == ',') {
      ++p->i;
      continue;
    }
    if (p->i < p->n && p->s[p->i] == ']') {
      ++p->i;
      return v;
    }
    p_fail(p, "expected ',' or ']' in array");
    break;
  }
  json_free(v);
  return NULL;
}

static json_value *p_object(parser *p) {
  json_value *v = v_new(JSON_OBJECT);
  size_t cap = 0;
  if (!v) {
    p_fail(p, "out of memory");
    return NULL;
  }
  ++p->i; /* '{' */
  p_ws(p);
  if (p->i < p->n && p->s[p->i] == '}') {
    ++p->i;
    return v;
  }
  for (;;) {
    char *key;
    json_value *item;
    p_ws(p);
    key = p_string(p);
    if (!key) break;
    p_ws(p);
    if (p->i >= p->n || p->s[p->i] != ':') {
      p_fail(p, "expected ':' after key \"%s\"", key);
      free(key);
      break;
    }
    ++p->i;
    item = p_value(p);
    if (!item) {
      free(key);
      break;
    }
    if (!p_push(p, v, item, key, &cap)) break;
    p_ws(p);
    if (p->i < p->n && p->s[p->i] == ',') {
      ++p->i;
      continue;
    }
    if (p->i < p->n && p->s[p->i] == '}') {
      ++p->i;
      return v;
    }
    p_fail(p, "expected ',' or '}' in object");
    break;
  }
  json_free(v);
  return NULL;
}

static json_value *p_number(parser *p) {
  size_t j = p->i;
  char buf[64];
  json_value *v;
  if (j < p->n && p->s[j] == '-') ++j;
  if (j >= p->n || !(p->s[j] >= '0' && p->s[j] <= '9')) {
    p_fail(p, "unexpected character '%c'", p->i < p->n ? p->s[p->i] : '?');
    return NULL;
  }
  while (j < p->n &&
         ((p->s[j] >= '0' && p->s[j] <= '9') || p->s[j] == '.' ||
          p->s[j] == 'e' || p->s[j] == 'E' || p->s[j] == '+' || p->s[j] == '-'))
    ++j;
  if (j - p->i >= sizeof buf) {
    p_fail(p, "number too long");
    return NULL;
  }
  memcpy(buf, p->s + p->i, j - p->i);
  buf[j - p->i] = '\0';
  v = v_new(JSON_NUMBER);
  if (!v) {
    p_fail(p, "out of memory");
    return NULL;
  }
  {
    char *end;
    v->number = strtod(buf, &end);
    if (*end != '\0') {
      p_fail(p, "malformed number '%s'", buf);
      json_free(v);
      return NULL;
    }
  }
  p->i = j;
  return v;
}

static int p_lit(parser *p, const char *lit) {
  size_t k = strlen(lit);
  if (p->i + k <= p->n && memcmp(p->s + p->i, lit, k) == 0) {
    p->i += k;
    return 1;
  }
  return 0;
}

static json_value *p_value(parser *p) {
  json_value *v = NULL;
  p_ws(p);
  if (p->i >= p->n) {
    p_fail(p, "unexpected end of input");
    return NULL;
  }
  if (++p->depth > 200) {
    p_fail(p, "nesting deeper than 200");
    return NULL;
  }
  switch (p->s[p->i]) {
    case '{':
      v = p_object(p);
      break;
    case '[':
      v = p_array(p);
      break;
    case '"': {
      char *s = p_string(p);
      if (s) {
        v = v_new(JSON_STRING);
        if (v)
          v->string = s;
        else
          free(s);
      }
      break;
    }
    default:
      if (p_lit(p, "true")) {
        if ((v = v_new(JSON_BOOL))) v->boolean = 1;
      } else if (p_lit(p, "false")) {
        v = v_new(JSON_BOOL);
      } else if (p_lit(p, "null")) {
        v = v_new(JSON_NULL);
      } else {
        v = p_number(p);
      }
  }
  --p->depth;
  return v;
}

json_value *json_parse(const char *text, size_t len, char *err, size_t errlen) {
  parser p;
  json_value *v;
  p.s = text;
  p.n = len;
  p.i = 0;
  p.err = err;
  p.errlen = errlen;
  p.failed = 0;
  p.depth = 0;
  if (err && errlen) err[0] = '\0';
  v = p_value(&p);
  if (v) {
    p_ws(&p);
    if (p.i != p.n) {
      p_fail(&p, "trailing characters after the JSON value");
      json_free(v);
      v = NULL;
    }
  }
  return v;
}

json_value *json_parse_file(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long sz;
  size_t got;
  json_value *v;
  if (!f) {
    if (err) snprintf(err, errlen, "cannot open %s", path);
    return NULL;
  }
  if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0) {
    if (err) snprintf(err, errlen, "cannot size %s", path);
    fclose(f);
    return NULL;
  }
  buf = (char *)malloc((size_t)sz + 1);
  if (!buf) {
    if (err) snprintf(err, errlen, "out of memory reading %s", path);
    fclose(f);
    return NULL;
  }
  got = fread(buf, 1, (size_t)sz, f);
  fclose(f);
  v = json_parse(buf, got, err, errlen);
  free(buf);
  return v;
}

const json_value *json_get(const json_value *obj, const char *key) {
  size_t k;
  if (!obj || obj->type != JSON_OBJECT || !key) return NULL;
  for (k = 0; k < obj->count; ++k)
    if (strcmp(obj->keys[k], key) == 0) return obj->items[k];
  return NULL;
}

const json_value *json_at(const json_value *arr, size_t i) {
  if (!arr || arr->type != JSON_ARRAY || i >= arr->count) return NULL;
  return arr->items[i];
}

double json_num(const json_value *v, double fallback) {
  return (v && v->type == JSON_NUMBER) ? v->number : fallback;
}

const char *json_str(const json_value *v) {
  return (v && v->type == JSON_STRING) ? v->string : NULL;
}

size_t json_len(const json_value *v) {
  return (v && (v->type == JSON_ARRAY || v->type == JSON_OBJECT)) ? v->count
                                                                  : 0;
}
