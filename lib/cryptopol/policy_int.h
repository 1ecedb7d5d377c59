/* cryptopol: the cryptographic policy (rules/crypto-policy.tsv) and the
 * judgement of one algorithm use against it, as of a date.
 *
 * The table is data: one row per (algorithm, usage, parameter range) with a
 * status, up to two transition dates, the citation and the Common Criteria
 * SFR it concerns. The first row that matches wins. docs/crypto-policy.md
 * describes the file and the verdict model.
 *
 * Ownership: a pki_cryptopol owns a copy of the table text; every string a
 * row or a verdict points to lives in it, until pki_cryptopol_free(). The
 * built-in policy (pki_cryptopol_builtin) is parsed once per process and
 * never freed. A parsed policy is read-only: judging is thread-safe. */
#ifndef PK_CRYPTOPOL_POLICY_INT_H
#define PK_CRYPTOPOL_POLICY_INT_H

#include <parakh/status.h>
#include <stddef.h>

/* Caps: the table is small and reviewed; anything larger is a mistake. */
#define PKI_CPOL_MAX_BYTES (1u << 20)
#define PKI_CPOL_MAX_ROWS  4096u
#define PKI_CPOL_MAX_NAME  127u /* algorithm names and aliases */
#define PKI_CPOL_MAX_BITS  1000000

typedef enum pki_cpol_status {
    PKI_CPOL_UNKNOWN = 0, /* not in the table, or no row for this usage */
    PKI_CPOL_APPROVED,
    PKI_CPOL_DEPRECATED,   /* may be used, with risk; `until` says when it becomes disallowed */
    PKI_CPOL_DISALLOWED,   /* `since` says from when, if the table knows */
    PKI_CPOL_LEGACY_USE,   /* only to process already-protected data (decrypt, verify) */
    PKI_CPOL_NOT_APPROVED, /* not a FIPS-approved algorithm, mode or construction */
    PKI_CPOL_NATIONAL      /* not FIPS-approved; a national standard (SM*, GOST, ARIA, SEED) */
} pki_cpol_status;

typedef struct pki_cryptopol_row {
    const char *algorithm;    /* as written: "RSA", "AES-GCM", "P-256" */
    const char *family;       /* CycloneDX cryptography-defs family, or NULL */
    const char *usage;        /* one of the usage names below, or NULL for any */
    int bits_min, bits_max;   /* inclusive; open below: 0, above: -1; both -1: any size */
    pki_cpol_status status;   /* before the transitions below */
    char deprecated_from[11]; /* "YYYY-MM-DD" or "": approved -> deprecated on this day */
    char disallowed_from[11]; /* "YYYY-MM-DD" or "": -> disallowed on this day */
    const char *citation;     /* "SP 800-131A Rev. 2 §3 Table 2" */
    const char *sfr;          /* "FCS_COP.1" or a comma list "FCS_CKM.1,FCS_COP.1" */
    const char *note;         /* NULL or free text: caveats, uncertainty */
    int line;                 /* 1-based line in the table */
} pki_cryptopol_row;

typedef struct pki_cryptopol pki_cryptopol;

typedef struct pki_cryptopol_verdict {
    pki_cpol_status status;       /* as of the date judged */
    char since[11];               /* the day the status began, if the table says ("" else) */
    char until[11];               /* the day the status ends (next transition), or "" */
    const pki_cryptopol_row *row; /* the row that decided; NULL when UNKNOWN */
    char sfr[64];                 /* the SFR for this usage, picked from the row's list */
    unsigned ambiguous;           /* PKI_CPOL_AMBIG_*: a wildcard row decided for a missing input */
    char reason[512]; /* one line: "RSA-1024 for signature generation is disallowed since
                       * 2014-01-01 (SP 800-131A Rev. 2 §3 Table 2 ...)" */
} pki_cryptopol_verdict;

#define PKI_CPOL_AMBIG_USAGE 0x1u /* usage unknown, and the algorithm has usage-specific rows */
#define PKI_CPOL_AMBIG_BITS  0x2u /* size unknown, and the algorithm has size-specific rows */

/* Usage names (table and judge): encryption, decryption, signature-generation,
 * signature-verification, key-generation, key-agreement, key-transport,
 * key-wrap, hash, mac-generation, mac-verification, kdf, rng, protocol. For a
 * hash function, signature-generation means hashing for a signature. */

/* Parses a policy table; `name` names it in errors ("crypto-policy.tsv").
 * PK_E_FORMAT with "name:line: what" in err for any malformed line (unknown
 * status or usage, bad date or range, wrong column count, dates that do not
 * fit the status, an alias of an unknown algorithm, a missing "# version:" or
 * "# source:" header); PK_E_LIMIT over the caps above; PK_E_NOMEM. */
pk_status pki_cryptopol_parse(const char *text, size_t len, const char *name, pki_cryptopol **out,
                              char *err, size_t errcap);
void pki_cryptopol_free(pki_cryptopol *p);

/* rules/crypto-policy.tsv as embedded in the library, parsed on first use
 * (thread-safe). On failure *out is NULL and err says why. */
pk_status pki_cryptopol_builtin(const pki_cryptopol **out, char *err, size_t errcap);

/* The "# version:" and "# date:" header values ("" when no date). */
const char *pki_cryptopol_version(const pki_cryptopol *p);
const char *pki_cryptopol_date(const pki_cryptopol *p);
/* All rows in file order. */
const pki_cryptopol_row *pki_cryptopol_rows(const pki_cryptopol *p, size_t *n);

/* Judges `algorithm` (a row name, an alias, or either with a size token:
 * "AES-128-GCM", "RSA-2048", "ML-KEM-768"; case, spaces, '-' and '_' are
 * ignored) for `usage` (NULL: unknown) with `param_bits` (key, modulus or
 * curve-order length; -1: unknown, or implied by the name) as of `date`
 * ("YYYY-MM-DD"; NULL: today, UTC). An algorithm not in the table gives
 * PK_OK with status PKI_CPOL_UNKNOWN. PK_E_USAGE (reason says why) for a
 * malformed date or an unknown usage name; PK_E_MISUSE for NULL arguments. */
pk_status pki_cryptopol_judge(const pki_cryptopol *p, const char *algorithm, const char *usage,
                              int param_bits, const char *date, pki_cryptopol_verdict *out);

/* "approved", "deprecated", "disallowed", "legacy-use", "not-approved",
 * "national", "unknown". */
const char *pki_cryptopol_status_name(pki_cpol_status s);

/* 1 if s is a valid "YYYY-MM-DD" date (Gregorian, years 0001-9999). For
 * --policy-date. */
int pki_cryptopol_date_valid(const char *s);

#endif
