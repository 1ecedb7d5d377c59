/* capabilities: the rule set (rules/capabilities.json) as the analyzer and
 * its tests see it.
 *
 * A rule is a conjunction of groups; a group holds when at least `min` of
 * its terms hold in one file. A term is an imported function, an API name
 * (imported, or its NUL-terminated name in the file for GetProcAddress/dlsym),
 * a literal string (ASCII and/or UTF-16LE), a regular expression, or a
 * section name. Strings, API names and regexes are "needles": one pattern of
 * the shared matcher each (two for ASCII+UTF-16), shared by every term that
 * names the same needle.
 *
 * Ownership: pki_cap_load fills a pki_cap_set the caller owns; the set owns
 * every string in it; pki_cap_free releases them. Read-only during a scan. */
#ifndef PK_ANALYZERS_CAP_INT_H
#define PK_ANALYZERS_CAP_INT_H

#include <parakh/analyzer.h>

#include <stddef.h>
#include <stdint.h>

#define PKI_CAP_MAX_RULES   96u
#define PKI_CAP_MAX_GROUPS  384u
#define PKI_CAP_MAX_TERMS   1024u
#define PKI_CAP_MAX_NEEDLES 320u /* distinct strings, API names and regexes */
#define PKI_CAP_MAX_ATTACK  4u
#define PKI_CAP_TEXT_MAX    200u  /* bytes of a term's text */
#define PKI_CAP_REGEX_MAX   1024u /* bytes of a regex */

typedef enum pki_cap_kind {
    PKI_CAP_IMPORT,   /* an imported function (ELF, PE, PE delay-load) */
    PKI_CAP_API,      /* imported, or its name as a C string in the file */
    PKI_CAP_STRING,   /* a literal */
    PKI_CAP_REGEX,    /* a regular expression (ASCII) */
    PKI_CAP_SECTION,  /* an ELF or PE section name */
    PKI_CAP_RESOLVED, /* an API name as a C string and NOT imported: resolved at run time */
} pki_cap_kind;

#define PKI_CAP_ENC_ASCII 1u
#define PKI_CAP_ENC_UTF16 2u

typedef struct pki_cap_needle {
    char *text; /* literal bytes (NUL-free) or the regex */
    size_t len;
    uint8_t kind; /* PKI_CAP_API, PKI_CAP_STRING or PKI_CAP_REGEX */
    uint8_t enc;  /* PKI_CAP_ENC_* */
    uint8_t nocase;
} pki_cap_needle;

typedef struct pki_cap_term {
    uint8_t kind;
    uint16_t needle; /* for API, RESOLVED, STRING, REGEX */
    char *text;      /* IMPORT/API: "name" or "dll!name"; SECTION: the name; else the needle's */
} pki_cap_term;

typedef struct pki_cap_group {
    uint16_t first, n; /* terms[first .. first+n) */
    uint16_t min;
} pki_cap_group;

/* Files a rule looks at, by detected type. */
#define PKI_CAP_T_BINARY 1u /* ELF, PE, MZ, Mach-O, and every type not below */
#define PKI_CAP_T_TEXT   2u /* text and scripts */

typedef struct pki_cap_rule {
    char id[16];
    char *name;
    char *attack[PKI_CAP_MAX_ATTACK];
    uint8_t nattack;
    uint8_t severity; /* pk_severity */
    uint8_t confidence;
    uint8_t types;        /* PKI_CAP_T_* */
    uint32_t max_imports; /* 0: no limit */
    uint16_t gfirst, ng;
} pki_cap_rule;

typedef struct pki_cap_set {
    size_t nrules, ngroups, nterms, nneedles;
    pki_cap_rule rules[PKI_CAP_MAX_RULES];
    pki_cap_group groups[PKI_CAP_MAX_GROUPS];
    pki_cap_term terms[PKI_CAP_MAX_TERMS];
    pki_cap_needle needles[PKI_CAP_MAX_NEEDLES];
} pki_cap_set;

/* Parses a rule file (JSON text of `len` bytes) into a new set (*out, the
 * caller frees it with pki_cap_free). On PK_E_USAGE, err says which rule and
 * why. */
pk_status pki_cap_parse(const char *text, size_t len, pki_cap_set **out, char *err, size_t errlen);
/* The embedded rules/capabilities.json. */
pk_status pki_cap_load(pki_cap_set **out, char *err, size_t errlen);
void pki_cap_free(pki_cap_set *set);

/* Pattern ids: needle * 2 + (1 for the UTF-16LE form). */
pk_status pki_cap_register(const pki_cap_set *set, pk_match_reg *reg);

#endif
