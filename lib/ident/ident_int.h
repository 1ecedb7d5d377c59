/* Package identifiers for SBOM and vulnerability matching: Package URL (purl,
 * package-url/purl-spec PURL-SPECIFICATION.rst and PURL-TYPES.rst) and the CPE
 * 2.3 formatted string (NISTIR 7695 section 6.2). docs/internals/ident.md says
 * which rules are applied and where the spec was ambiguous.
 *
 * Ownership: nothing here allocates. Build functions write a NUL-terminated
 * string into the caller's out[outlen]; parse functions write every decoded
 * field into the caller's buf[buflen] and point the struct's fields into it, so
 * the parsed struct borrows buf and is valid while buf is. A struct passed to a
 * build function is borrowed for the call only.
 *
 * Status: PK_E_USAGE for invalid input (not a purl or CPE, a string longer than
 * PKI_IDENT_MAX bytes, a field that breaks the spec's rules); PK_E_MISUSE for a
 * NULL argument or an out/buf too small for this input (PKI_IDENT_OUT_MAX bytes
 * always suffice for an input or struct of at most PKI_IDENT_MAX bytes). On
 * failure out is "" and the parsed struct is zeroed. */
#ifndef PK_IDENT_IDENT_INT_H
#define PK_IDENT_IDENT_INT_H

#include <parakh/status.h>
#include <parakh/types.h>
#include <stddef.h>

/* Longest identifier or field accepted, in bytes, without the NUL: the longest
 * purl or CPE seen in NVD and distro SBOMs is under 1 KiB. */
#define PKI_IDENT_MAX 4096
/* Enough for any build output (percent-encoding triples a byte) and any parse
 * buffer (CPE quoting doubles a byte) from inputs of at most PKI_IDENT_MAX. */
#define PKI_IDENT_OUT_MAX (3 * PKI_IDENT_MAX + 64)
/* Most qualifiers in one purl; more is PK_E_USAGE. */
#define PKI_PURL_MAX_QUALS 32

typedef struct pki_purl_qual {
    const char *key;   /* lowercase on output of parse; build lowercases */
    const char *value; /* decoded; an empty or NULL value drops the pair */
} pki_purl_qual;

/* Decoded components. NULL and "" both mean absent; type and name are required.
 * ns is the namespace, segments joined with '/'; subpath likewise. */
typedef struct pki_purl {
    const char *type;
    const char *ns;
    const char *name;
    const char *version;
    const char *subpath;
    size_t nquals;
    pki_purl_qual quals[PKI_PURL_MAX_QUALS];
} pki_purl;

/* Writes the canonical purl of p (type-specific normalisation, qualifiers sorted
 * by key, percent-encoding) to out. */
pk_status pki_purl_build(PK_BORROW const pki_purl *p, PK_OUT char *out, size_t outlen);
/* Parses s (NUL-terminated, at most PKI_IDENT_MAX bytes) into out, whose strings
 * live in buf. Qualifiers come back in input order with lowercase keys. */
pk_status pki_purl_parse(PK_BORROW const char *s, PK_OUT pki_purl *out, PK_OUT char *buf,
                         size_t buflen);

/* The eleven WFN attributes in formatted-string order. */
typedef enum pki_cpe_attr_ix {
    PKI_CPE_PART = 0,
    PKI_CPE_VENDOR,
    PKI_CPE_PRODUCT,
    PKI_CPE_VERSION,
    PKI_CPE_UPDATE,
    PKI_CPE_EDITION,
    PKI_CPE_LANGUAGE,
    PKI_CPE_SW_EDITION,
    PKI_CPE_TARGET_SW,
    PKI_CPE_TARGET_HW,
    PKI_CPE_OTHER,
    PKI_CPE_NATTR
} pki_cpe_attr_ix;

typedef enum pki_cpe_kind {
    PKI_CPE_ANY = 0, /* logical ANY, bound as "*" (a zeroed attribute is ANY) */
    PKI_CPE_NA = 1,  /* logical NA, bound as "-" */
    PKI_CPE_VALUE = 2,
} pki_cpe_kind;

/* v is a WFN value string (NISTIR 7695 5.3.2): letters, digits and '_' as they
 * are, every other printable character quoted with '\' ("8\.0", "c\+\+"), and
 * an unquoted '*' or run of '?' only at the start or end (wildcards). Use
 * pki_cpe_quote() to turn a plain name into one. */
typedef struct pki_cpe_attr {
    pki_cpe_kind kind;
    const char *v; /* used only when kind is PKI_CPE_VALUE */
} pki_cpe_attr;

typedef struct pki_cpe {
    pki_cpe_attr a[PKI_CPE_NATTR];
} pki_cpe;

/* Binds c to a formatted string "cpe:2.3:part:vendor:...:other" (6.2.2). part
 * is "a", "o", "h", ANY or NA. */
pk_status pki_cpe_build(PK_BORROW const pki_cpe *c, PK_OUT char *out, size_t outlen);
/* Unbinds a formatted string (6.2.3) into WFN values stored in buf. Case is
 * kept: CPE name matching (NISTIR 7696) compares case-insensitively. */
pk_status pki_cpe_parse(PK_BORROW const char *s, PK_OUT pki_cpe *out, PK_OUT char *buf,
                        size_t buflen);
/* Quotes a plain string (no wildcards) as a WFN value: every character other
 * than a letter, digit or '_' gets a '\'. PK_E_USAGE for an empty string, a
 * non-printable or non-ASCII byte, or a lone "-" (not a valid WFN value). */
pk_status pki_cpe_quote(PK_BORROW const char *plain, PK_OUT char *out, size_t outlen);

#endif
