/* crypto: what the names and APIs found in a file (names.c) mean, as
 * facts.crypto.names / facts.crypto.apis and findings PK-CRY-0002..0005.
 *
 * How an analyst reads a name decides the severity. One weak name in a
 * program ("aes-128-ecb", "RC4-MD5", "TLSv1") is a choice someone made; the
 * same name among dozens of its kind (libssl's cipher-suite table, libcrypto's
 * object names) is a library listing what it supports. So a file that
 * exports a crypto API (a provider), or holds many names of one kind, gets one
 * low summary per rule instead of a finding per name. An API the file imports
 * is a call to it, whatever else the file holds. */
#include "crypto_int.h"

#include <stdio.h>
#include <string.h>

#define TABLE_NAMES     8u  /* distinct names of one kind that make a table */
#define TABLE_PROTOCOLS 4u  /* distinct protocol names that make a table */
#define MAX_PER_RULE    16u /* findings per rule id and file; facts count all */
#define LIST_MAX        6u  /* names quoted in a table summary */

enum { ROLE_STRING, ROLE_IMPORTED, ROLE_EXPORTED, ROLE_OBJECT };
static const char *const roles[] = {"string", "imported", "exported", "object"};

static const char *const reasons[PKI_CRN_WEAK_COUNT] = {
    "",
    "ECB mode: equal plaintext blocks give equal ciphertext blocks (SP 800-38A)",
    "single DES: a 56-bit key, withdrawn (SP 800-131A)",
    "Triple DES: a 64-bit block, disallowed for encryption after 2023 (SP 800-131A Rev. 2)",
    "RC4: biased keystream, prohibited in TLS (RFC 7465)",
    "SSL 2.0: prohibited (RFC 6176)",
    "SSL 3.0: prohibited (RFC 7568)",
    "TLS 1.0: deprecated (RFC 8996)",
    "TLS 1.1: deprecated (RFC 8996)",
    "DTLS 1.0: deprecated (RFC 8996)",
    "an export-grade suite: 40- or 56-bit keys",
    "NULL encryption: traffic in clear",
    "anonymous key exchange: the peer is not authenticated",
};

static const char *const rule_ids[] = {"PK-CRY-0002", "PK-CRY-0003", "PK-CRY-0004", "PK-CRY-0005"};
#define NRID 4u

/* Deprecated protocols share one rule whether named or called; otherwise the
 * rule follows the kind (a strong name too, for counting a table). */
static unsigned rid(const pki_crn_rule *r)
{
    if (r->weak >= PKI_CRN_SSL2 && r->weak <= PKI_CRN_DTLS10)
        return 1;
    switch (r->kind) {
    case PKI_CRN_PROTOCOL:
        return 1;
    case PKI_CRN_SUITE:
        return 2;
    case PKI_CRN_API:
        return 3;
    default:
        return 0;
    }
}

static int in_list(const pk_fact *arr, const char *name)
{
    size_t n = pk_fact_len(arr);
    for (size_t i = 0; i < n; i++) {
        const char *s = pk_fact_str(pk_fact_at(arr, i));
        if (s && strcmp(s, name) == 0)
            return 1;
    }
    return 0;
}

static int in_dlls(const pk_fact *dlls, const char *name)
{
    size_t n = pk_fact_len(dlls);
    for (size_t i = 0; i < n; i++)
        if (in_list(pk_fact_get(pk_fact_at(dlls, i), "functions"), name))
            return 1;
    return 0;
}

/* From the format parsers' facts (they run first): ELF undefined/defined
 * dynamic symbols, PE import and export tables. */
static int api_role(pk_emit *out, const char *name)
{
    const pk_fact *elf = pk_emit_peer_facts(out, "elf"), *pe = pk_emit_peer_facts(out, "pe");
    if (elf && in_list(pk_fact_get(elf, "imports"), name))
        return ROLE_IMPORTED;
    if (pe && (in_dlls(pk_fact_get(pe, "imports"), name) ||
               in_dlls(pk_fact_get(pe, "delay_imports"), name)))
        return ROLE_IMPORTED;
    if ((elf && in_list(pk_fact_get(elf, "exports"), name)) ||
        (pe && in_list(pk_fact_get(pe, "exports"), name)))
        return ROLE_EXPORTED;
    /* a relocatable object (a static library's member) keeps its symbols in
     * .symtab, defined and referenced alike: which one is not known here */
    const char *type = pk_fact_str(pk_fact_get(elf, "type"));
    if (type && strcmp(type, "rel") == 0)
        return ROLE_OBJECT;
    return ROLE_STRING;
}

static pk_bytes evidence(const pki_crn_rule *r, const pki_crn_fstate *fs, size_t ix,
                         const pk_file *file, uint64_t *len)
{
    uint64_t off = fs->first[ix];
    *len = (uint64_t)r->len * (fs->utf16[ix] ? 2u : 1u);
    pk_bytes b = {(const uint8_t *)r->name, r->len};
    if (file->data.ptr && off <= file->data.len && *len <= file->data.len - off) {
        b.ptr = file->data.ptr + off;
        b.len = (size_t)*len;
    }
    return b;
}

static pk_status add_fact(pk_fact *arr, const pki_crn_rule *r, const pki_crn_fstate *fs, size_t ix,
                          int role, int table)
{
    pk_fact *e = pk_fact_push_obj(arr);
    if (!e)
        return PK_E_NOMEM;
    pk_fact_set_str(e, "name", r->name);
    if (r->kind != PKI_CRN_API)
        pk_fact_set_str(e, "kind", pki_crn_kind_name(r->kind));
    if (strcmp(r->alg, "-") != 0)
        pk_fact_set_str(e, "algorithm", r->alg);
    if (r->weak != PKI_CRN_STRONG)
        pk_fact_set_str(e, "weak", pki_crn_weak_code(r->weak));
    if (r->kind == PKI_CRN_API)
        pk_fact_set_str(e, "role", roles[role]);
    pk_fact_set_int(e, "count", fs->count[ix]);
    pk_fact_set_int(e, "offset", (int64_t)fs->first[ix]);
    pk_fact_set_str(e, "encoding", fs->utf16[ix] ? "utf16le" : "ascii");
    if (r->kind != PKI_CRN_API)
        pk_fact_set_bool(e, "table", table);
    return PK_OK;
}

static void one_finding(const pki_crn_rule *r, const pki_crn_fstate *fs, size_t ix,
                        const pk_file *file, int role, pk_emit *out)
{
    uint64_t len;
    pk_bytes ev = evidence(r, fs, ix, file, &len);
    uint64_t off = fs->first[ix];
    const char *enc = fs->utf16[ix] ? " (UTF-16LE)" : "";
    unsigned long cnt = (unsigned long)fs->count[ix];
    if (r->kind == PKI_CRN_API) {
        int imp = role == ROLE_IMPORTED, obj = role == ROLE_OBJECT;
        uint8_t conf = imp ? 90 : obj ? 40 : 60;
        pk_finding_spec spec = {
            rule_ids[rid(r)], obj ? PK_SEV_LOW : PK_SEV_MEDIUM, conf, {off, len, NULL}, ev};
        pk_emit_finding(out, &spec, "Crypto API %s (%s) %s; its name at offset %llu. %s.", r->name,
                        r->alg,
                        imp   ? "is imported: the program calls it"
                        : obj ? "is a symbol of this relocatable object: it defines or calls it"
                              : "is named but neither imported nor exported: looked up at run "
                                "time (dlsym, GetProcAddress) or linked in statically",
                        (unsigned long long)off, reasons[r->weak]);
        return;
    }
    uint8_t conf = r->len < PKI_CRN_STRICT ? 50 : 70;
    pk_finding_spec spec = {rule_ids[rid(r)], PK_SEV_MEDIUM, conf, {off, len, NULL}, ev};
    pk_emit_finding(out, &spec,
                    "%s name \"%s\" (%s) in a string%s at offset %llu (%lu in all). %s.",
                    r->kind == PKI_CRN_SUITE      ? "Weak cipher-suite"
                    : r->kind == PKI_CRN_PROTOCOL ? "Deprecated protocol"
                                                  : "Weak cipher or mode",
                    r->name, r->alg, enc, (unsigned long long)off, cnt, reasons[r->weak]);
}

/* One low finding per rule for the weak names of a table. */
static void table_finding(const pki_crn_set *set, const pki_crn_fstate *fs, const uint8_t *in_table,
                          unsigned id, const pk_file *file, pk_emit *out)
{
    size_t nweak = 0, nall = 0, first = SIZE_MAX, lo = 0;
    char list[256] = "";
    for (size_t i = 0; i < set->n && i < PKI_CRN_MAX_RULES; i++) {
        const pki_crn_rule *r = &set->rules[i];
        if (!fs->count[i] || !in_table[i])
            continue;
        if (rid(r) != id)
            continue;
        nall++;
        if (r->weak == PKI_CRN_STRONG)
            continue;
        if (nweak < LIST_MAX) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", r->name);
        }
        nweak++;
        if (first == SIZE_MAX || fs->first[i] < lo) {
            first = i;
            lo = fs->first[i];
        }
    }
    if (!nweak)
        return;
    uint64_t len;
    pk_bytes ev = evidence(&set->rules[first], fs, first, file, &len);
    pk_finding_spec spec = {rule_ids[id], PK_SEV_LOW, 30, {lo, len, NULL}, ev};
    pk_emit_finding(out, &spec,
                    "%zu weak name%s (%s%s) among the %zu names of this kind the file lists: "
                    "a table of what a library supports, not evidence that they are used.",
                    nweak, nweak == 1 ? "" : "s", list, nweak > LIST_MAX ? ", ..." : "", nall);
}

/* Documentation: a changelog or manual naming BF_ecb_encrypt or TLSv1
 * describes the software; it neither uses nor implements them (the accuracy
 * benchmark found 38 such findings in a Debian tree, docs/crypto-accuracy.md). */
static int is_documentation(const pk_file *file)
{
    static const char *const dirs[] = {"/share/doc/", "/share/man/", "/share/info/",
                                       "/share/gtk-doc/"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (strstr(file->vpath, dirs[i]))
            return 1;
    static const char *const names[] = {"changelog", "ChangeLog", "NEWS", "CHANGES", "HISTORY"};
    for (size_t i = 0; file->name && i < sizeof names / sizeof names[0]; i++)
        if (!strncmp(file->name, names[i], strlen(names[i])))
            return 1;
    return 0;
}

pk_status pki_crn_analyze(const pki_crn_set *set, pki_crn_fstate *fs, const pk_file *file,
                          pk_emit *out)
{
    if (is_documentation(file))
        return PK_OK;
    size_t n = set->n < PKI_CRN_MAX_RULES ? set->n : PKI_CRN_MAX_RULES;
    uint8_t role[PKI_CRN_MAX_RULES] = {0}, in_table[PKI_CRN_MAX_RULES] = {0};
    size_t ndist[PKI_CRN_KIND_COUNT] = {0}, found = 0, named_apis = 0;
    int provider = 0;
    for (size_t i = 0; i < n; i++) {
        if (!fs->count[i] && fs->tail_seen[i]) {
            /* a shared string-table tail counts when the format says it is a symbol */
            if (api_role(out, set->rules[i].name) == ROLE_STRING)
                continue;
            fs->count[i] = 1;
            fs->first[i] = fs->tail_first[i];
            fs->utf16[i] = 0;
        }
        if (!fs->count[i])
            continue;
        found++;
        if (set->rules[i].kind == PKI_CRN_API) {
            role[i] = (uint8_t)api_role(out, set->rules[i].name);
            provider |= role[i] == ROLE_EXPORTED;
            named_apis += role[i] == ROLE_STRING || role[i] == ROLE_OBJECT;
        } else {
            ndist[set->rules[i].kind]++;
        }
    }
    if (!found)
        return PK_OK;
    pk_fact *facts = pk_emit_facts(out);
    pk_fact *names = NULL, *apis = NULL;
    unsigned emitted[NRID] = {0};
    int any_table[NRID] = {0};
    for (size_t i = 0; i < n; i++) {
        const pki_crn_rule *r = &set->rules[i];
        if (!fs->count[i])
            continue;
        size_t need = r->kind == PKI_CRN_PROTOCOL ? TABLE_PROTOCOLS : TABLE_NAMES;
        /* APIs only named (not imported) form a table in a provider, or when there
         * are many (bindings that load a library's functions by name) */
        int named = role[i] == ROLE_STRING || role[i] == ROLE_OBJECT;
        in_table[i] =
            (uint8_t)(r->kind == PKI_CRN_API ? named && (provider || named_apis >= TABLE_NAMES)
                                             : provider || ndist[r->kind] >= need);
        pk_fact **arr = r->kind == PKI_CRN_API ? &apis : &names;
        if (!*arr && !(*arr = pk_fact_arr(facts, r->kind == PKI_CRN_API ? "apis" : "names")))
            return PK_E_NOMEM;
        if (add_fact(*arr, r, fs, i, role[i], in_table[i]) != PK_OK)
            return PK_E_NOMEM;
        if (r->weak == PKI_CRN_STRONG || role[i] == ROLE_EXPORTED)
            continue;
        if (in_table[i]) {
            any_table[rid(r)] = 1;
            continue;
        }
        if (emitted[rid(r)]++ < MAX_PER_RULE)
            one_finding(r, fs, i, file, role[i], out);
    }
    for (unsigned id = 0; id < NRID; id++)
        if (any_table[id])
            table_finding(set, fs, in_table, id, file, out);
    return PK_OK;
}
