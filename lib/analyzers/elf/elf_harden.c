/* The hardening verdicts (facts.elf.hardening) and the findings PK-ELF-0001
 * to PK-ELF-0007. The verdicts follow checksec 2.6's filecheck() so the two
 * can be compared (scripts/checksec-compare.sh); where parakh differs on
 * purpose, docs/analyzers/elf.md says why. */
#include "elf_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define DF_BIND_NOW 0x8u
#define DF_1_NOW    0x1u
#define DF_1_PIE    0x08000000u

static const char *relro_of(const pki_elf *e)
{
    if (!e->relro)
        return "none";
    bool now = e->dt_bind_now || (e->dt_flags & DF_BIND_NOW) || (e->dt_flags_1 & DF_1_NOW);
    return now ? "full" : "partial";
}

/* checksec: ET_EXEC is "no"; ET_DYN is "pie" when .dynamic has DT_DEBUG (the
 * debugger hook only executables fill in), else a shared object. Linkers
 * since binutils 2.35 also mark PIEs with DF_1_PIE, which parakh accepts. */
static const char *pie_of(const pki_elf *e)
{
    switch (e->type) {
    case PKI_ET_EXEC:
        return "no";
    case PKI_ET_DYN:
        return e->dt_debug || (e->dt_flags_1 & DF_1_PIE) ? "pie" : "dso";
    case PKI_ET_REL:
        return "rel";
    default:
        return NULL;
    }
}

static void emit(pki_elf *e, const char *rule, pk_severity sev, uint8_t conf, uint64_t off,
                 uint64_t len, const char *record, pk_bytes ev, const char *msg)
{
    pk_finding_spec spec = {.rule_id = rule, .severity = sev, .confidence = conf};
    spec.loc.offset = off;
    spec.loc.length = len;
    spec.loc.record = record;
    spec.evidence = ev;
    pk_status st = pk_emit_finding(e->out, &spec, "%s", msg);
    if (st != PK_OK && e->st == PK_OK)
        e->st = st;
}

/* The bytes of a program header, as evidence. */
static pk_bytes phdr_bytes(const pki_elf *e, const pki_elf_seg *s)
{
    pk_rd r = e->rd;
    pk_bytes b = {NULL, 0};
    if (pk_rd_seek(&r, s->hdr_off) && !pk_rd_bytes(&r, e->phentsize, &b))
        b.len = 0;
    return b;
}

static void fortify_publish(pki_elf *e, pk_fact *h, char *names, size_t cap, size_t *nfort)
{
    pk_fact *f = pk_fact_obj(h, "fortify");
    pk_fact *able = pk_fact_arr(f, "fortifiable");
    size_t used = 0;
    names[0] = 0;
    *nfort = 0;
    for (size_t i = 0; e->fort_plain && i < pki_elf_nfortify_fns; i++) {
        if (!e->fort_plain[i])
            continue;
        pk_fact_push_str(able, pki_elf_fortify_fns[i]);
        if (*nfort < 8 && used + strlen(pki_elf_fortify_fns[i]) + 3 < cap)
            used += (size_t)snprintf(names + used, cap - used, "%s%s", *nfort ? ", " : "",
                                     pki_elf_fortify_fns[i]);
        (*nfort)++;
    }
    pk_fact_arr(f, "fortified"); /* present even when empty */
    pk_fact_set_bool(f, "source", e->any_chk);
}

static void findings(pki_elf *e, const char *relro, const char *pie, size_t nfort,
                     const char *fnames)
{
    pk_bytes none = {NULL, 0};
    uint64_t dyn_off = e->has_dyn ? e->dyn_off : PK_LOC_NONE;
    uint64_t dyn_len = e->has_dyn ? e->dyn_len : 0;
    if (e->type == PKI_ET_EXEC && pie && strcmp(pie, "no") == 0) {
        pk_rd r = e->rd;
        pk_bytes t = none;
        if (pk_rd_seek(&r, 16))
            pk_rd_bytes(&r, 2, &t);
        emit(e, "PK-ELF-0001", PK_SEV_MEDIUM, 95, 16, 2, "e_type", t,
             "executable is not position-independent (ET_EXEC): its code and data load at "
             "fixed addresses, which defeats ASLR");
    }
    if (strcmp(relro, "none") == 0)
        emit(e, "PK-ELF-0002", PK_SEV_MEDIUM, 90, e->phoff, (uint64_t)e->phnum * e->phentsize,
             "program headers", none,
             "no PT_GNU_RELRO segment: relocated data (GOT, .init_array, .data.rel.ro) stays "
             "writable for the whole run (link with -z relro -z now)");
    else if (strcmp(relro, "partial") == 0 && e->has_dyn)
        emit(e, "PK-ELF-0003", PK_SEV_LOW, 90, dyn_off, dyn_len, ".dynamic", none,
             "partial RELRO: no BIND_NOW, so the PLT part of the GOT stays writable for lazy "
             "binding (link with -z now)");
    if (!e->canary && (e->has_func || e->needs_libc))
        emit(e, "PK-ELF-0004", PK_SEV_LOW, 60, e->has_dynsym ? e->dynsym_off : PK_LOC_NONE,
             e->has_dynsym ? e->dynsym_len : 0, ".dynsym", none,
             "no stack protector: no symbol references __stack_chk_fail or __stack_chk_guard "
             "(build with -fstack-protector-strong)");
    if (e->stack && (e->stack->flags & PKI_PF_X))
        emit(e, "PK-ELF-0005", PK_SEV_HIGH, 95, e->stack->hdr_off, e->phentsize, "PT_GNU_STACK",
             phdr_bytes(e, e->stack),
             "PT_GNU_STACK asks for an executable stack (linked with -z execstack or from an "
             "object without .note.GNU-stack)");
    else if (!e->stack && e->nseg > 0)
        emit(e, "PK-ELF-0005", PK_SEV_HIGH, 50, e->phoff, (uint64_t)e->phnum * e->phentsize,
             "program headers", none,
             "no PT_GNU_STACK: the loader's default applies, an executable stack on many "
             "architectures and kernels");
    if (!e->any_chk && nfort > 0) {
        char msg[512];
        snprintf(msg, sizeof msg,
                 "not built with _FORTIFY_SOURCE although it calls %zu fortifiable libc "
                 "function%s (%s%s)",
                 nfort, nfort == 1 ? "" : "s", fnames, nfort > 8 ? ", ..." : "");
        emit(e, "PK-ELF-0006", PK_SEV_LOW, 50, e->has_dynsym ? e->dynsym_off : PK_LOC_NONE,
             e->has_dynsym ? e->dynsym_len : 0, ".dynsym", none, msg);
    }
    if (e->rpath_insecure) {
        char msg[512];
        snprintf(msg, sizeof msg,
                 "RPATH/RUNPATH \"%.*s\" has an empty, relative or world-writable entry: "
                 "libraries may be loaded from a directory an attacker controls",
                 (int)(e->rpath_bad.len > 200 ? 200 : e->rpath_bad.len),
                 (const char *)e->rpath_bad.ptr);
        emit(e, "PK-ELF-0007", PK_SEV_MEDIUM, 90, e->rpath_bad_off, e->rpath_bad.len, ".dynstr",
             e->rpath_bad, msg);
    }
}

void pki_elf_harden(pki_elf *e)
{
    pk_fact *h = pk_fact_obj(e->facts, "hardening");
    const char *relro = relro_of(e), *pie = pie_of(e);
    pk_fact_set_str(h, "relro", relro);
    pk_fact_set_bool(h, "canary", e->canary);
    /* checksec: no PT_GNU_STACK is "NX disabled" */
    pk_fact_set_bool(h, "nx", e->stack && !(e->stack->flags & PKI_PF_X));
    if (pie)
        pk_fact_set_str(h, "pie", pie);
    char fnames[256];
    size_t nfort;
    fortify_publish(e, h, fnames, sizeof fnames, &nfort);
    pk_fact *cet = pk_fact_obj(h, "cet");
    pk_fact_set_bool(cet, "ibt", e->ibt);
    pk_fact_set_bool(cet, "shstk", e->shstk);
    if (e->machine == 183) { /* EM_AARCH64 */
        pk_fact *bti = pk_fact_obj(h, "aarch64");
        pk_fact_set_bool(bti, "bti", e->bti);
        pk_fact_set_bool(bti, "pac", e->pac);
    }
    pk_fact_set_bool(h, "rpath_insecure", e->rpath_insecure);
    /* Findings judge loadable programs and libraries, not objects, core dumps
     * or files whose program headers are unreadable (PK-ELF-0008 covers those). */
    if ((e->type == PKI_ET_EXEC || e->type == PKI_ET_DYN) && e->nseg > 0)
        findings(e, relro, pie, nfort, fnames);
}
