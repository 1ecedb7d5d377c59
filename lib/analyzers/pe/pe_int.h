/* The PE analyzer's internals: one parse state shared by the parser files.
 *
 * pe.c is the glue; pe_hdr.c reads the DOS/COFF/optional headers, sections and
 * data directories; pe_imp.c the import, delay-import and export tables;
 * pe_rsrc.c the resource tree and VS_VERSIONINFO; pe_sec.c the Authenticode
 * certificate table; pe_sig*.c verify it (pe_sig.h). Layouts follow the "PE Format" specification
 * (Microsoft Learn, /windows/win32/debug/pe-format); section names below cite it.
 *
 * Every byte of the file is read through pk_rd. RVAs are mapped to file offsets
 * by pki_pe_rva_rd() only, which checks the section's raw bounds and the file
 * end; a table that cannot be mapped or read to its end becomes a PK-PE-0007
 * finding naming the table and offset, and parsing goes on with the rest.
 *
 * Ownership: a pki_pe borrows the file's bytes and the pk_emit for the length
 * of one analyze() call; its section array is allocated with pki_malloc and
 * freed by pki_pe_fini(). Facts and findings are copied by pk_emit. */
#ifndef PK_ANALYZERS_PE_INT_H
#define PK_ANALYZERS_PE_INT_H

#include <parakh/analyzer.h>

#include "../../core/core_int.h"
#include "../../core/rd.h"

#include <stdbool.h>

/* Limits. Each keeps one hostile file from costing unbounded time or memory;
 * the values are well above what real toolchains produce. */
#define PKI_PE_MAX_SECTIONS      96u    /* the loader's historic limit; facts keep this many */
#define PKI_PE_ENTROPY_SAMPLE    65536u /* bytes measured per section once the budget is spent */
#define PKI_PE_MAX_IMPORT_DLLS   1024u  /* import descriptors read per table */
#define PKI_PE_MAX_IMPORT_FUNCS  10000u /* imported functions listed, all tables together */
#define PKI_PE_MAX_IMPORT_THUNKS (1u << 20) /* lookup-table entries read, listed or not */
#define PKI_PE_MAX_EXPORTS       10000u     /* exported names listed */
#define PKI_PE_MAX_NAME          512u       /* bytes of one DLL or function name */
#define PKI_PE_RSRC_DEPTH        3u         /* type, name, language: the format's three levels */
#define PKI_PE_RSRC_MAX_ENTRIES  16384u     /* resource directory entries visited in all */
#define PKI_PE_RSRC_MAX_DIRS     1024u      /* distinct resource directories (the visited set) */
#define PKI_PE_VER_MAX_CHILDREN  256u       /* children read per VS_VERSIONINFO node */
#define PKI_PE_VER_MAX_CHARS     1024u      /* UTF-16 units of one version string */
#define PKI_PE_MAX_CERT_ENTRIES  16u        /* WIN_CERTIFICATE entries read */
#define PKI_PE_MAX_PKCS7         8u         /* SignedData blobs: top level, nested, timestamps */
#define PKI_PE_MAX_CERTS         64u        /* certificates listed */
#define PKI_PE_MAX_MALFORMED     32u        /* PK-PE-0007 findings per file */

/* IMAGE_DIRECTORY_ENTRY_* ("Optional Header Data Directories"). */
enum {
    PKI_PE_DIR_EXPORT = 0,
    PKI_PE_DIR_IMPORT = 1,
    PKI_PE_DIR_RESOURCE = 2,
    PKI_PE_DIR_SECURITY = 4,
    PKI_PE_DIR_BASERELOC = 5,
    PKI_PE_DIR_LOAD_CONFIG = 10,
    PKI_PE_DIR_DELAY_IMPORT = 13,
    PKI_PE_NDIRS = 16,
};

typedef struct pki_pe_sec {
    char name[9]; /* the 8 header bytes, NUL-terminated */
    uint32_t vsize, vaddr, raw_size, raw_off, chars;
    uint64_t hdr_off; /* where its section header starts */
    double entropy;
} pki_pe_sec;

struct pki_sig_trust; /* lib/core/sigcheck.h: the --trust store */

typedef struct pki_pe {
    pk_bytes data;
    const struct pki_sig_trust *trust; /* the analyzer's state; NULL: empty store */
    pk_rd rd;                          /* over the whole file */
    pk_emit *out;
    pk_fact *facts; /* facts.pe; NULL if out of memory (pk_fact_* accept NULL) */
    unsigned nbad;  /* PK-PE-0007 emitted so far */
    pk_status st;   /* the first environment failure (out of memory); analyze() returns it */

    uint32_t pe_off; /* e_lfanew */
    uint16_t machine, nsec_hdr, opt_size, chars;
    uint32_t timestamp;
    uint64_t opt_off; /* start of the optional header */
    bool have_opt;    /* the optional header's fixed part was read */
    bool pe32_plus;
    uint32_t entry, size_of_headers;
    uint64_t image_base;
    uint16_t subsystem, dll_chars;
    uint64_t dll_chars_off;
    uint32_t ndirs;
    uint32_t dir_rva[PKI_PE_NDIRS], dir_size[PKI_PE_NDIRS];
    uint64_t dir_off; /* file offset of the data directory array */

    unsigned imports_listed;  /* import functions listed so far (both import tables) */
    uint64_t imports_counted; /* lookup-table entries read so far (both import tables) */

    pki_pe_sec *secs;
    uint32_t nsecs; /* section headers read (at most PKI_PE_MAX_SECTIONS) */
} pki_pe;

/* Where a malformed structure was found, for the standalone version parser. */
typedef struct pki_pe_bad {
    const char *what; /* static string naming the structure */
    uint64_t off;     /* offset inside the parsed bytes */
} pki_pe_bad;

/* pe.c */
/* pk_emit_finding, remembering an out-of-memory status in pe->st. */
void pki_pe_finding(pki_pe *pe, const pk_finding_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Emits PK-PE-0007 for `table` at file offset `off` (PK_LOC_NONE if unknown). */
void pki_pe_malformed(pki_pe *pe, const char *table, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A reader over the file bytes from rva's offset to the end of the raw data of
 * the section holding it (or the headers), clipped to the file. False, with
 * out untouched, when the RVA maps to no raw byte. *off gets the file offset. */
bool pki_pe_rva_rd(const pki_pe *pe, uint32_t rva, pk_rd *out, uint64_t *off);
/* Reads a NUL-terminated name at rva (at most PKI_PE_MAX_NAME bytes). */
bool pki_pe_rva_str(const pki_pe *pe, uint32_t rva, pk_bytes *out);

/* pe_hdr.c: false when the headers are too damaged to go on (a finding was emitted). */
bool pki_pe_parse_headers(pki_pe *pe);
void pki_pe_facts_headers(pki_pe *pe);   /* machine, hardening, sections, directories */
void pki_pe_check_hardening(pki_pe *pe); /* PK-PE-0001/2/3/6 */
void pki_pe_check_sections(pki_pe *pe);  /* PK-PE-0005/8 */
void pki_pe_overlay(pki_pe *pe);
/* Shannon entropy in bits per byte, 0..8. */
double pki_pe_entropy(pk_bytes b);

/* pe_imp.c */
void pki_pe_parse_imports(pki_pe *pe);
void pki_pe_parse_delay_imports(pki_pe *pe);
void pki_pe_parse_exports(pki_pe *pe);

/* pe_rsrc.c */
void pki_pe_parse_resources(pki_pe *pe);
/* Parses a VS_VERSIONINFO block into `out` (fields as documented in
 * docs/analyzers/pe.md). Returns false when the block is malformed; what was
 * readable is still in `out`, and *bad (if not NULL) says what and where. */
bool pki_pe_version_parse(pk_bytes b, pk_fact *out, PK_NULLABLE pki_pe_bad *bad);
/* Converts n UTF-16LE bytes (odd trailing byte ignored) to UTF-8 in dst
 * (capacity cap, NUL-terminated); stops at a NUL unit. Lone surrogates become
 * U+FFFD. Returns the UTF-8 length. */
size_t pki_pe_utf16_to_utf8(pk_bytes src, char *dst, size_t cap);

/* pe_sec.c: the certificate table; calls pe_sig.c to verify each signature */
void pki_pe_parse_security(pki_pe *pe);
/* pe_sig.c: the analyzer's init and fini (the trust store, option "trust.dir") */
pk_status pki_pe_sig_init(pk_match_reg *reg, void **state);
void pki_pe_sig_fini(void *state);

/* pe_comp.c: a component from facts.pe.version (after pki_pe_parse_resources) */
void pki_pe_components(pki_pe *pe);

#endif
