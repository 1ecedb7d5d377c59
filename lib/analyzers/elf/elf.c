/* The ELF analyzer's glue: the table entry and the order of the parse.
 * Parsing lives in elf_hdr.c (headers, tables), elf_dyn.c (dynamic section),
 * elf_sym.c (symbols), elf_note.c (notes) and elf_harden.c (verdicts and
 * findings); docs/analyzers/elf.md lists the facts and rules. */
#include "elf_int.h"

#include <string.h>

static unsigned elf_claim(const pk_file *file)
{
    return file->type == PK_FT_ELF ? 90 : 0;
}

static void elf_free(pki_elf *e)
{
    pki_free(e->seg);
    pki_free(e->sec);
    pki_free(e->fort_chk);
    pki_free(e->fort_plain);
}

/* Each step reads what it can and reports what it cannot (PK-ELF-0008);
 * only an environment failure (e->st) stops the parse. Section headers come
 * before program headers because PN_XNUM keeps the real count in section 0. */
static pk_status elf_analyze(const void *state, void *fstate, const pk_file *file, pk_emit *out)
{
    (void)state;
    (void)fstate;
    pki_elf e;
    memset(&e, 0, sizeof e);
    e.file = file;
    e.out = out;
    e.rd = pk_rd_make(file->data);
    e.facts = pk_emit_facts(out);
    if (!e.facts)
        return PK_E_NOMEM;
    if (pki_elf_hdr_parse(&e)) {
        void (*const steps[])(pki_elf *) = {
            pki_elf_shdrs_parse, pki_elf_phdrs_parse, pki_elf_sections_publish, pki_elf_dyn_parse,
            pki_elf_notes_parse, pki_elf_syms_parse,  pki_elf_harden,
        };
        for (size_t i = 0; i < sizeof steps / sizeof steps[0] && e.st == PK_OK; i++)
            steps[i](&e);
    }
    elf_free(&e);
    return e.st;
}

const pk_analyzer pki_analyzer_elf = {
    .name = "elf",
    .abi = PK_ANALYZER_ABI,
    .claim = elf_claim,
    .analyze = elf_analyze,
};
