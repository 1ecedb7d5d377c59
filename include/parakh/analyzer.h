/* parakh: the analyzer contract, the one door through which analyzers see files.
 *
 * An analyzer is a const pk_analyzer registered in lib/analyzers/analyzer_list.h.
 * Per scan: init() once (load rules, add patterns to the shared matcher), then
 * for every file: on_match() for each hit of its patterns while the bytes stream
 * past once, then analyze() if it claimed the file (or always, when claim is
 * NULL), then fini() once. Analyzers never open files and never call each other;
 * they read a pk_file and speak only through pk_emit.
 *
 * Threads: files run on worker threads. `state` (from init) is read-only during
 * the scan; per-file state is `fstate`, fstate_size zeroed bytes the walk gives
 * each analyzer for each file.
 *
 * Ownership: everything reachable from a pk_file is borrowed and valid only
 * during the callback. Strings passed to pk_emit_* and pk_fact_* are copied. */
#ifndef PARAKH_ANALYZER_H
#define PARAKH_ANALYZER_H

#include "finding.h"
#include "status.h"
#include "types.h"

#define PK_ANALYZER_ABI 1

typedef struct pk_match_reg pk_match_reg; /* pattern registration, during init only */
typedef struct pk_emit pk_emit;           /* the way out, during callbacks only */
typedef struct pk_fact pk_fact; /* a node in the file's facts tree (a JSON object/array) */

/* Detected by content, never by name. */
typedef enum pk_ftype {
    PK_FT_UNKNOWN = 0,
    PK_FT_EMPTY,
    PK_FT_TEXT,
    PK_FT_SCRIPT,
    PK_FT_ELF,
    PK_FT_PE,
    PK_FT_MZ, /* DOS executable without a PE header */
    PK_FT_MACHO,
    PK_FT_MACHO_FAT,
    PK_FT_JAVA_CLASS,
    PK_FT_DEX,
    PK_FT_WASM,
    PK_FT_ZIP,
    PK_FT_GZIP,
    PK_FT_BZIP2,
    PK_FT_XZ,
    PK_FT_LZMA,
    PK_FT_ZSTD,
    PK_FT_LZ4,
    PK_FT_7Z,
    PK_FT_RAR,
    PK_FT_CAB,
    PK_FT_AR, /* includes .deb */
    PK_FT_DEB,
    PK_FT_RPM,
    PK_FT_CPIO,
    PK_FT_TAR,
    PK_FT_ISO9660,
    PK_FT_XAR,
    PK_FT_LHA,
    PK_FT_SQUASHFS,
    PK_FT_OLE, /* compound file: MSI, old Office */
    PK_FT_MSI,
    PK_FT_PDF,
    PK_FT_PNG,
    PK_FT_JPEG,
    PK_FT_GIF,
    PK_FT_SQLITE,
    PK_FT_COUNT_
} pk_ftype;

/* Short stable name: "elf", "pe", "zip", ...; never NULL. */
PK_API const char *pk_ftype_name(pk_ftype t);
/* 1 for types parakh opens as containers (archives, compressed streams, images). */
PK_API int pk_ftype_is_container(pk_ftype t);

/* A file as analyzers see it. */
typedef struct pk_file {
    const char *vpath; /* evidence path through containers */
    const char *name;  /* last component of vpath */
    uint64_t size;
    pk_ftype type;
    unsigned depth; /* 0 for an input file, +1 per container */
    pk_bytes head;  /* the first bytes (up to 64 KiB), always available */
    /* The whole content, read-only, for analyze() only (NULL/0 in on_match).
     * Parsers must read it through pk_rd: a hostile file may claim any size. */
    pk_bytes data;
    uint8_t sha256[32];
    uint8_t sha1[20];
} pk_file;

/* A match of a registered pattern. */
typedef struct pk_hit {
    uint32_t pat; /* the id the analyzer gave when it registered the pattern */
    uint64_t end; /* offset one past the last matched byte */
} pk_hit;

typedef struct pk_analyzer {
    const char *name; /* stable: in rule IDs, findings, docs/analyzers/<name>.md */
    uint32_t abi;     /* PK_ANALYZER_ABI; the registry refuses anything else */
    size_t fstate_size;
    pk_status (*init)(pk_match_reg *reg, void **state);
    unsigned (*claim)(const pk_file *file); /* 0 = not mine, 1..100 = how sure; NULL = every file */
    void (*on_match)(const void *state, void *fstate, const pk_file *file, const pk_hit *hit,
                     pk_emit *out);
    pk_status (*analyze)(const void *state, void *fstate, const pk_file *file, pk_emit *out);
    void (*fini)(void *state);
} pk_analyzer;

/* ---- Registration (init only) ---- */

#define PK_PAT_LITERAL 0x1u /* the pattern is bytes, not a regular expression */
#define PK_PAT_NOCASE  0x2u
#define PK_PAT_DOTALL  0x4u

/* Adds one pattern to the shared matcher. `id` is the analyzer's own number,
 * returned in pk_hit.pat. For literals, `len` bytes of `pat` (may hold NUL);
 * for regexes (PCRE syntax as vectorscan accepts), a NUL-terminated string and len ignored.
 * Returns PK_E_USAGE if the pattern does not compile (message in the scan). */
PK_API pk_status pk_match_add(pk_match_reg *reg, uint32_t id, const char *pat, size_t len,
                              unsigned flags);

/* During init: the value of an analyzer option given in pk_scan_opts.options
 * as "key=value" (keys are "<analyzer>.<name>", e.g. "yara.rules"), or NULL
 * when not given. The string lives as long as the scan. */
PK_API const char *pk_reg_option(const pk_match_reg *reg, const char *key);
/* During init: why the analyzer refuses to start (an option's bad value, a
 * rule file that does not compile), for the scan's error message; the
 * analyzer then returns PK_E_USAGE (or another status) from init. */
PK_API void pk_reg_error(pk_match_reg *reg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- Emitting (callbacks only) ---- */

typedef struct pk_finding_spec {
    const char *rule_id;
    pk_severity severity;
    uint8_t confidence;
    pk_loc loc;        /* offset PK_LOC_NONE when not a byte range */
    pk_bytes evidence; /* copied, truncated to PK_EVIDENCE_MAX */
} pk_finding_spec;

/* Adds a finding on the current file with a printf-style message. */
PK_API pk_status pk_emit_finding(pk_emit *out, const pk_finding_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* In on_match: the bytes [from, to) of the current file if they are still in
 * the look-back window (the current block plus PK_MATCH_LOOKBACK bytes before
 * it); clipped to what is available, so the result may be shorter or empty. */
#define PK_MATCH_LOOKBACK 65536u
PK_API pk_bytes pk_emit_window(pk_emit *out, uint64_t from, uint64_t to);

/* The facts object of this analyzer for the current file (facts.<analyzer>),
 * created on first use. NULL on allocation failure. */
PK_API pk_fact *pk_emit_facts(pk_emit *out);
/* Facts published by an earlier analyzer on this file (read-only), or NULL. */
PK_API const pk_fact *pk_emit_peer_facts(pk_emit *out, const char *analyzer);

/* Shared strings found by the "strings" analyzer in this file (analyze() only). */
typedef struct pk_string {
    uint64_t offset;
    uint32_t len;     /* characters */
    uint8_t utf16;    /* 1: UTF-16LE in the file; text below is converted to ASCII */
    const char *text; /* NUL-terminated */
} pk_string;
PK_API size_t pk_emit_strings(pk_emit *out, const pk_string **list);
/* For the strings analyzer only: keeps a copy; returns PK_E_LIMIT when the per-file cap is reached.
 */
PK_API pk_status pk_emit_string_add(pk_emit *out, uint64_t offset, const char *text, size_t len,
                                    int utf16);

/* ---- The facts tree (a JSON value; keys and strings copied, made valid UTF-8) ---- */

PK_API pk_fact *pk_fact_obj(pk_fact *obj, const char *key); /* get or create child object */
PK_API pk_fact *pk_fact_arr(pk_fact *obj, const char *key); /* get or create child array */
PK_API pk_fact *pk_fact_push_obj(pk_fact *arr);             /* append a new object */
PK_API void pk_fact_push_str(pk_fact *arr, const char *s);
PK_API void pk_fact_push_strn(pk_fact *arr, const char *s, size_t n);
PK_API void pk_fact_set_str(pk_fact *obj, const char *key, const char *s);
PK_API void pk_fact_set_strn(pk_fact *obj, const char *key, const char *s, size_t n);
PK_API void pk_fact_set_int(pk_fact *obj, const char *key, int64_t v);
PK_API void pk_fact_set_real(pk_fact *obj, const char *key, double v);
PK_API void pk_fact_set_bool(pk_fact *obj, const char *key, int v);
PK_API size_t pk_fact_len(const pk_fact *arr);
/* Readers for peers: NULL / default when absent or of another type. */
PK_API const pk_fact *pk_fact_get(const pk_fact *obj, const char *key);
PK_API const pk_fact *pk_fact_at(const pk_fact *arr, size_t i);
PK_API const char *pk_fact_str(const pk_fact *v);
PK_API int64_t pk_fact_int(const pk_fact *v, int64_t dflt);

#endif
