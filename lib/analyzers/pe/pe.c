/* The PE analyzer: glue, the malformed-structure finding and RVA mapping.
 * Parsing lives in pe_hdr.c, pe_imp.c, pe_rsrc.c and pe_sec.c (verified by
 * pe_sig*.c, whose init loads the trust store); pe_comp.c
 * turns the version resource into a component. */
#include "pe_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pki_pe_finding(pki_pe *pe, const pk_finding_spec *spec, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pk_status st = pk_emit_finding(pe->out, spec, "%s", msg);
    if (st != PK_OK && pe->st == PK_OK)
        pe->st = st;
}

void pki_pe_malformed(pki_pe *pe, const char *table, uint64_t off, const char *fmt, ...)
{
    if (pe->nbad >= PKI_PE_MAX_MALFORMED)
        return;
    pe->nbad++;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pk_finding_spec spec = {
        .rule_id = "PK-PE-0007",
        .severity = PK_SEV_MEDIUM,
        .confidence = 100,
        .loc = {.offset = off, .length = 0, .record = table},
    };
    if (off != PK_LOC_NONE && off < pe->data.len) {
        size_t n = pe->data.len - (size_t)off;
        spec.evidence.ptr = pe->data.ptr + off;
        spec.evidence.len = n < 16 ? n : 16;
    }
    if (off == PK_LOC_NONE)
        pki_pe_finding(pe, &spec, "Malformed PE %s: %s.", table, msg);
    else
        pki_pe_finding(pe, &spec, "Malformed PE %s at offset 0x%llx: %s.", table,
                       (unsigned long long)off, msg);
}

bool pki_pe_rva_rd(const pki_pe *pe, uint32_t rva, pk_rd *out, uint64_t *offp)
{
    uint64_t off = 0, end = 0;
    bool found = false;
    for (uint32_t i = 0; i < pe->nsecs; i++) {
        const pki_pe_sec *s = &pe->secs[i];
        uint64_t span = s->vsize > s->raw_size ? s->vsize : s->raw_size;
        if (rva < s->vaddr || (uint64_t)rva - s->vaddr >= span)
            continue;
        uint64_t delta = (uint64_t)rva - s->vaddr;
        if (delta >= s->raw_size)
            return false; /* in the zero-filled virtual tail: no file bytes */
        off = (uint64_t)s->raw_off + delta;
        end = (uint64_t)s->raw_off + s->raw_size;
        found = true;
        break;
    }
    if (!found) {
        /* "An RVA below SizeOfHeaders addresses the headers themselves." */
        if (rva >= pe->size_of_headers)
            return false;
        off = rva;
        end = pe->size_of_headers;
    }
    if (end > pe->data.len)
        end = pe->data.len;
    if (off >= end)
        return false;
    if (!pk_rd_sub(&pe->rd, off, end - off, out))
        return false;
    if (offp)
        *offp = off;
    return true;
}

bool pki_pe_rva_str(const pki_pe *pe, uint32_t rva, pk_bytes *out)
{
    pk_rd r;
    return pki_pe_rva_rd(pe, rva, &r, NULL) && pk_rd_cstr_at(&r, 0, PKI_PE_MAX_NAME, out);
}

static unsigned pe_claim(const pk_file *file)
{
    return file->type == PK_FT_PE ? 90 : 0;
}

static pk_status pe_analyze(const void *state, void *fstate, const pk_file *file, pk_emit *out)
{
    (void)fstate;
    pki_pe pe;
    memset(&pe, 0, sizeof pe);
    pe.trust = state;
    pe.data = file->data;
    pe.rd = pk_rd_make(file->data);
    pe.out = out;
    pe.facts = pk_emit_facts(out);
    if (!pe.facts)
        return PK_E_NOMEM;
    if (pki_pe_parse_headers(&pe)) {
        pki_pe_facts_headers(&pe);
        pki_pe_check_hardening(&pe);
        pki_pe_check_sections(&pe);
        pki_pe_parse_imports(&pe);
        pki_pe_parse_delay_imports(&pe);
        pki_pe_parse_exports(&pe);
        pki_pe_parse_resources(&pe);
        pki_pe_components(&pe);
        pki_pe_parse_security(&pe);
        pki_pe_overlay(&pe);
    }
    pki_free(pe.secs);
    return pe.st;
}

const pk_analyzer pki_analyzer_pe = {
    .name = "pe",
    .abi = PK_ANALYZER_ABI,
    .init = pki_pe_sig_init,
    .claim = pe_claim,
    .analyze = pe_analyze,
    .fini = pki_pe_sig_fini,
};
