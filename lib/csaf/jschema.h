/* Internal to the JSON Schema validator (jschema*.c): the compiled form of a
 * schema. jschema.c compiles (pki_jschema_load), jschema_val.c validates,
 * jschema_fmt.c holds formats, the ECMA-262 pattern translation and JSON
 * equality.
 *
 * Ownership: every js_node belongs to its pki_jschema (nodes[]); json_t and
 * strings a node points to are borrowed from the schema documents the
 * pki_jschema keeps alive. Nothing changes after loading. */
#ifndef PK_CSAF_JSCHEMA_H
#define PK_CSAF_JSCHEMA_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "csaf_int.h"

/* pki_csaf_add() stops listing after this many issues (check.c). */
#define PKI_CSAF_MAX_ISSUES 1000u

enum {
    PKI_JT_NULL = 1u,
    PKI_JT_BOOL = 2u,
    PKI_JT_OBJECT = 4u,
    PKI_JT_ARRAY = 8u,
    PKI_JT_NUMBER = 16u,
    PKI_JT_INTEGER = 32u,
    PKI_JT_STRING = 64u,
};

typedef enum pki_jfmt { PKI_JF_NONE = 0, PKI_JF_DATETIME, PKI_JF_URI } pki_jfmt;

typedef struct js_node js_node;

typedef struct js_prop {
    const char *name;
    js_node *node;
} js_prop;

typedef struct js_list {
    js_node **v;
    size_t n;
} js_list;

#define PKI_JS_NONE SIZE_MAX

struct js_node {
    json_t *src;    /* the schema object (or true/false) this was compiled from */
    int boolean;    /* -1: an object schema; 0/1: the schema false/true */
    unsigned types; /* PKI_JT_* bits; 0 = any */
    js_node *ref;
    js_prop *props;
    size_t nprops;
    const char **required;
    size_t nrequired;
    js_node *addl; /* additionalProperties (may be a false schema) */
    js_node *items;
    size_t min_items, max_items; /* PKI_JS_NONE when absent */
    int unique;
    json_t *enum_, *const_;
    pcre2_code *re;
    const char *re_src;
    size_t min_len, max_len;
    size_t min_props, max_props;
    int has_min, has_max, has_mult;
    json_t *minimum, *maximum, *mult;
    js_list any, one, all;
    pki_jfmt format;
};

struct pki_jschema {
    json_t *docs[4]; /* indexed by pki_jschema_which */
    js_node *root[4];
    js_node **nodes;
    size_t nnodes, cap;
    pcre2_match_context *mctx;
};

/* Compiles an ECMA-262 pattern into PCRE2 with the same meaning for what
 * JSON Schemas use ('.', \s and \S as ECMA defines them, '$' only at the
 * end). NULL with err set when the pattern uses what cannot be translated. */
pcre2_code *pki_js_pattern(const char *ecma, char *err, size_t errlen);
int pki_js_datetime(const char *s, size_t n);
int pki_js_uri(const char *s, size_t n);
/* JSON Schema equality (1 and 1.0 are equal; member order does not count). */
int pki_js_equal(json_t *a, json_t *b, unsigned depth);
/* A hash consistent with pki_js_equal. */
uint64_t pki_js_hash(json_t *a, unsigned depth);
/* Compares two numbers: <0, 0, >0. */
int pki_js_numcmp(json_t *a, json_t *b);

#endif
