/* The ELF analyzer's parser state, shared by elf*.c and nothing else.
 *
 * One pki_elf lives on the stack of pki_elf_analyze() for one file. Every read
 * of the file's bytes goes through pk_rd (lib/core/rd.h): a table, string or
 * note that does not fit yields PK-ELF-0008 and the parse goes on with what is
 * readable (docs/analyzers/elf.md). Record layouts follow the ELF gABI ("ELF
 * Header", "Program Header", "Sections", "Symbol Table", "Dynamic Section",
 * "Note Section") and, for GNU extensions, the Linux Standard Base and the
 * x86-64 psABI ("Program Property").
 *
 * Ownership: segs and secs are pki_calloc'd and freed by pki_elf_free(); every
 * pk_bytes in the struct borrows the file's bytes, valid during analyze() only. */
#ifndef PK_ANALYZERS_ELF_INT_H
#define PK_ANALYZERS_ELF_INT_H

#include <parakh/analyzer.h>

#include "../../core/core_int.h"
#include "../../core/rd.h"

#include <stdbool.h>

/* Caps that keep one hostile file from costing unbounded time or memory.
 * Tables are also bounded by the file's size: a count is never trusted
 * beyond the bytes that hold it. */
#define PKI_ELF_MAX_PHDRS     65535u   /* PN_XNUM can claim more; the kernel stops at 64 KiB */
#define PKI_ELF_MAX_SECTIONS  65536u   /* more only in huge -ffunction-sections objects */
#define PKI_ELF_MAX_SEC_FACTS 256u     /* sections published as facts */
#define PKI_ELF_MAX_SYMS      1000000u /* symbols walked, both tables together */
#define PKI_ELF_MAX_SYM_FACTS 5000u    /* imports, exports published (true counts apart) */
#define PKI_ELF_MAX_STR       4096u    /* longest name or path read from a string table */
#define PKI_ELF_MAX_DYN       65536u   /* dynamic entries walked */
#define PKI_ELF_MAX_NEEDED    1024u    /* DT_NEEDED entries kept */
#define PKI_ELF_MAX_NOTES     4096u    /* notes walked per note region */
#define PKI_ELF_MAX_MALFORMED 32u      /* PK-ELF-0008 findings per file */
#define PKI_ELF_MAX_CHK_FACTS 512u     /* names in hardening.fortify.fortified */

/* gABI constants parakh reads (names as in <elf.h>, which is not used so the
 * parser does not depend on the host's headers). */
enum {
    PKI_ET_REL = 1,
    PKI_ET_EXEC = 2,
    PKI_ET_DYN = 3,
    PKI_ET_CORE = 4,
    PKI_PT_LOAD = 1,
    PKI_PT_DYNAMIC = 2,
    PKI_PT_INTERP = 3,
    PKI_PT_NOTE = 4,
    PKI_PT_GNU_STACK = 0x6474e551,
    PKI_PT_GNU_RELRO = 0x6474e552,
    PKI_PT_GNU_PROPERTY = 0x6474e553,
    PKI_PF_X = 1,
    PKI_SHT_SYMTAB = 2,
    PKI_SHT_STRTAB = 3,
    PKI_SHT_DYNAMIC = 6,
    PKI_SHT_NOTE = 7,
    PKI_SHT_NOBITS = 8,
    PKI_SHT_DYNSYM = 11,
};

typedef struct pki_elf_seg {
    uint32_t type, flags;
    uint64_t off, vaddr, filesz, memsz, align;
    uint64_t hdr_off; /* where this program header sits in the file */
} pki_elf_seg;

typedef struct pki_elf_sec {
    uint32_t name, type, link, info;
    uint64_t flags, addr, off, size, align, entsize;
    uint64_t hdr_off;
} pki_elf_sec;

typedef struct pki_elf {
    const pk_file *file;
    pk_emit *out;
    pk_fact *facts;
    pk_status st; /* first environment failure (PK_E_NOMEM); input problems are findings */
    pk_rd rd;     /* the whole file */
    int is64, big;
    uint8_t osabi;
    uint16_t type, machine, phentsize, shentsize;
    uint32_t phnum, shstrndx; /* after PN_XNUM / SHN_XINDEX resolution */
    uint64_t shnum;
    uint64_t entry, phoff, shoff;
    unsigned nmalformed;

    pki_elf_seg *seg;
    size_t nseg;
    pki_elf_sec *sec;
    size_t nsec;
    const pki_elf_sec *shstr; /* NULL when names are unreadable */

    /* program header summary; NULL when absent */
    const pki_elf_seg *interp, *relro, *stack, *dynamic;

    /* dynamic section */
    bool has_dyn, dt_debug, dt_bind_now, needs_libc;
    uint64_t dt_flags, dt_flags_1;
    uint64_t dyn_off, dyn_len;
    bool have_strtab, have_strsz, have_symtab, have_syment, have_hash, have_gnu_hash;
    uint64_t dt_strtab, dt_strsz, dt_symtab, dt_syment, dt_hash, dt_gnu_hash;
    bool rpath_insecure;
    uint64_t rpath_bad_off; /* file offset of the first insecure path string */
    pk_bytes rpath_bad;

    /* symbols */
    bool has_symtab, has_dynsym, canary, has_func, any_chk;
    uint64_t nimports, nexports, nsyms_walked;
    uint64_t dynsym_off, dynsym_len;
    uint8_t *fort_chk;   /* per pki_elf_fortify_fns entry: __X_chk seen in .dynsym */
    uint8_t *fort_plain; /* per entry: X imported as is */
    size_t nchk_facts;

    /* notes */
    bool ibt, shstk, bti, pac;
} pki_elf;

/* elf.c: the analyzer table entry and the driver */
extern const pk_analyzer pki_analyzer_elf;

/* elf_hdr.c: headers, tables, strings, address mapping */
bool pki_elf_hdr_parse(pki_elf *e);
void pki_elf_shdrs_parse(pki_elf *e);
void pki_elf_phdrs_parse(pki_elf *e);
void pki_elf_sections_publish(pki_elf *e);
void pki_elf_malformed(pki_elf *e, const char *table, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void pki_elf_fact_u64(pk_fact *obj, const char *key, uint64_t v);
bool pki_elf_rd_u16(const pki_elf *e, pk_rd *r, uint16_t *v);
bool pki_elf_rd_u32(const pki_elf *e, pk_rd *r, uint32_t *v);
bool pki_elf_rd_u64(const pki_elf *e, pk_rd *r, uint64_t *v);
bool pki_elf_rd_addr(const pki_elf *e, pk_rd *r, uint64_t *v); /* 4 or 8 bytes by class */
bool pki_elf_str(const pk_rd *tab, uint64_t off, pk_bytes *out);
/* A reader over the file bytes of section s; false for NOBITS or out of bounds. */
bool pki_elf_sec_rd(const pki_elf *e, const pki_elf_sec *s, pk_rd *out);
bool pki_elf_sec_name(const pki_elf *e, const pki_elf_sec *s, pk_bytes *out);
/* Maps a virtual address through the PT_LOAD segments: file offset of va and
 * the bytes the segment holds from there; false when no segment maps it. */
bool pki_elf_va2off(const pki_elf *e, uint64_t va, uint64_t *off, uint64_t *avail);

/* elf_dyn.c */
void pki_elf_dyn_parse(pki_elf *e);
/* The dynamic string table (DT_STRTAB, or the section .dynamic links to). */
bool pki_elf_dynstr(const pki_elf *e, pk_rd *out, uint64_t *file_off);

/* elf_sym.c */
void pki_elf_syms_parse(pki_elf *e);
extern const char *const pki_elf_fortify_fns[];
extern const size_t pki_elf_nfortify_fns;

/* elf_note.c */
void pki_elf_notes_parse(pki_elf *e);

/* elf_harden.c */
void pki_elf_harden(pki_elf *e);

#endif
