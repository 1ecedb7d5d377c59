/* cbom: each asset judged against the policy as of the CBOM's date, its
 * CycloneDX properties derived, and the verdicts that matter turned into
 * findings (docs/cbom.md):
 *   PK-CRY-0010 an algorithm or protocol present that is not approved
 *   PK-CRY-0011 a key or certificate whose algorithm or size is not approved
 *   PK-CRY-0012 a shipped crypto library with no validated FIPS 140 module
 *   PK-CRY-0013 a validated module: its certificate's status as of the date */
#include "cbom_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* How much a verdict matters: 0 nothing to say, 1 worth a note, 2..4 worse. */
static int rank(pki_cpol_status s)
{
    switch (s) {
    case PKI_CPOL_NATIONAL:
        return 1;
    case PKI_CPOL_DEPRECATED:
    case PKI_CPOL_LEGACY_USE:
        return 2;
    case PKI_CPOL_NOT_APPROVED:
        return 3;
    case PKI_CPOL_DISALLOWED:
        return 4;
    default:
        return 0;
    }
}

static int has_token(const char *name, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = name; (p = strstr(p, tok)) != NULL; p++) {
        int left = p == name || p[-1] == '-' || p[-1] == ' ' || p[-1] == '/';
        int right = !p[n] || p[n] == '-' || p[n] == ' ' || p[n] == '/';
        if (left && right)
            return 1;
    }
    return 0;
}

/* The first number of 2..5 digits in a name ("AES-128-GCM" -> 128). */
static int name_bits(const char *name)
{
    for (const char *p = name; *p; p++) {
        if (!isdigit((unsigned char)*p) || (p > name && isalnum((unsigned char)p[-1])))
            continue;
        char *end;
        long v = strtol(p, &end, 10);
        if (end - p >= 2 && end - p <= 5 && (!*end || *end == '-'))
            return (int)v;
    }
    return -1;
}

/* SP 800-57 Part 1 Rev. 5 Table 2: security strength of RSA/DH moduli and EC orders. */
static int strength(const char *family, const char *name, int bits)
{
    if (bits <= 0)
        return -1;
    if (family && (!strcmp(family, "AES") || !strcmp(family, "CAMELLIA") ||
                   !strcmp(family, "ARIA") || !strcmp(family, "SM4") || !strcmp(family, "SEED")))
        return bits;
    int ifc = !strncmp(name, "RSA", 3) || !strncmp(name, "DSA", 3) || !strncmp(name, "MODP", 4) ||
              !strncmp(name, "ffdhe", 5) || !strncmp(name, "FFDHE", 5);
    if (ifc)
        return bits >= 15360  ? 256
               : bits >= 7680 ? 192
               : bits >= 3072 ? 128
               : bits >= 2048 ? 112
                              : 80;
    if (!strncmp(name, "P-", 2) || !strncmp(name, "EC", 2) || !strncmp(name, "brainpool", 9))
        return bits / 2;
    return -1;
}

typedef struct prims {
    char *(*rows)[PKI_CBOM_COLS];
    size_t n;
} prims;

static const char *prim_of(const prims *p, const char *family, int *quantum)
{
    for (size_t i = 0; family && i < p->n; i++)
        if (!strcmp(p->rows[i][0], family)) {
            if (p->rows[i][2] && !strcmp(p->rows[i][2], "0"))
                *quantum = 0;
            return p->rows[i][1];
        }
    return NULL;
}

static void derive_alg(pki_casset *a, const prims *p)
{
    const char *fam = a->judged && a->v.row ? a->v.row->family : NULL;
    const char *n = a->name;
    if (!fam) {
        if (a->curve || !strncmp(n, "P-", 2))
            fam = "EC";
        else if (!strncmp(n, "RSA", 3))
            fam = "RSA";
        else if (!strncmp(n, "MODP", 4) || !strncasecmp(n, "ffdhe", 5))
            fam = "FFDH";
    }
    a->family = fam;
    int q = -1;
    const char *prim = prim_of(p, fam, &q);
    if (fam && !strcmp(fam, "ML-KEM"))
        prim = "kem";
    /* the mode decides the primitive of block ciphers and ChaCha20 */
    static const char *const modes[] = {"ecb", "cbc", "ccm", "gcm", "cfb", "ofb", "ctr"};
    char up[8];
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        for (size_t k = 0; k < 4; k++)
            up[k] = (char)toupper((unsigned char)modes[i][k]);
        if (has_token(n, up))
            a->mode = modes[i];
    }
    if (has_token(n, "GCM") || has_token(n, "CCM") || strstr(n, "Poly1305") ||
        has_token(n, "OCB") || has_token(n, "SIV"))
        prim = strcmp(n, "Poly1305") ? "ae" : "mac";
    else if (has_token(n, "CMAC") || has_token(n, "GMAC") || !strncmp(n, "HMAC", 4))
        prim = "mac";
    a->primitive = prim ? prim : "unknown";
    a->quantum = q;
    int bits = name_bits(n);
    if (a->curve && !strncmp(a->curve, "P-", 2))
        bits = (int)strtol(a->curve + 2, NULL, 10);
    a->classical = strength(fam, n, bits);
}

static pk_status add_finding(pk_cbom *c, const char *rule, pk_severity sev, const pki_caocc *o,
                             const char *msg)
{
    if (c->nf >= PKI_CBOM_MAX_FIND)
        return PK_OK;
    if (!pki_grow((void **)&c->f, &c->capf, c->nf + 1, sizeof *c->f))
        return PK_E_NOMEM;
    pk_finding *f = &c->f[c->nf];
    memset(f, 0, sizeof *f);
    f->rule_id = rule;
    f->analyzer = "cryptopol";
    f->severity = sev;
    f->confidence = o->confidence;
    f->vpath = o->vpath;
    if (o->has_sha256) {
        memcpy(f->file_sha256, o->sha256, 32);
        f->has_sha256 = 1;
    }
    f->loc.offset = o->offset;
    f->loc.length = o->offset == PK_LOC_NONE ? 0 : o->length;
    if (o->what) {
        size_t n = strlen(o->what);
        f->evidence.ptr = (const uint8_t *)o->what;
        f->evidence.len = n > PK_EVIDENCE_MAX ? PK_EVIDENCE_MAX : n;
    }
    f->message = pki_arena_strdup(c->arena, msg);
    if (!f->message)
        return PK_E_NOMEM;
    c->nf++;
    return PK_OK;
}

/* Which occurrences a finding may stand on. An algorithm seen in a key or
 * certificate is judged there (PK-CRY-0011). A name in a provider's table
 * and an exported API say what a library offers, not what the product uses:
 * they stay in the CBOM, and the analyzer's table summary (PK-CRY-0002..0005)
 * already names the weak ones. */
static int evidence_of_use(const pki_casset *a, const pki_caocc *o)
{
    if (a->kind != PKI_CA_ALG && a->kind != PKI_CA_PROTO)
        return 1;
    return o->how != PKI_HOW_KEY && o->how != PKI_HOW_CERT && o->how != PKI_HOW_NAME_TABLE &&
           o->how != PKI_HOW_API_EXPORT;
}

/* One finding per file an asset was seen in, on the first occurrence there
 * that no analyzer finding already covers. */
static pk_status per_file(pk_cbom *c, const pki_casset *a, const char *rule, pk_severity sev,
                          const char *const *covering, const char *what_kind)
{
    for (size_t i = 0; i < a->nocc; i++) {
        const pki_caocc *o = &a->occ[i];
        if (!evidence_of_use(a, o))
            continue;
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = !strcmp(a->occ[k].vpath, o->vpath);
        if (seen)
            continue;
        const pki_caocc *use = NULL;
        for (size_t k = i; k < a->nocc && !use; k++)
            if (!strcmp(a->occ[k].vpath, o->vpath) && evidence_of_use(a, &a->occ[k]) &&
                !pki_cbom_scan_finding(c, o->vpath, a->occ[k].offset, covering))
                use = &a->occ[k];
        if (!use)
            continue;
        char msg[1024];
        snprintf(msg, sizeof msg, "%s %s (%s `%s`): %s; concerns %s. Judged as of %s (policy %s).",
                 what_kind, a->name, pki_cbom_how_name(use->how), use->what ? use->what : "",
                 a->v.reason, a->v.sfr[0] ? a->v.sfr : "FCS_COP.1", c->date,
                 pki_cryptopol_version(c->pol));
        pk_status st = add_finding(c, rule, sev, use, msg);
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}

static pk_status lib_findings(pk_cbom *c, const pki_casset *a)
{
    if (a->linked || !a->nocc)
        return PK_OK;
    char msg[1024], cert[400] = "";
    const char *ver = a->lib_version ? a->lib_version : "(version unknown)";
    if (a->cert[0] && a->cert_status[0])
        snprintf(cert, sizeof cert, " CMVP certificate #%s (%s, %s, %s%s%s)", a->cert,
                 a->cert_module[0] ? a->cert_module : "?", a->cert_standard, a->cert_status,
                 a->cert_sunset[0] ? ", sunset " : "", a->cert_sunset);
    else if (a->cert[0])
        snprintf(cert, sizeof cert,
                 " CMVP certificate #%s (%s; status not checked: no CMVP list in the knowledge "
                 "base)",
                 a->cert, a->cert_module);
    if (a->validated == 1) {
        int ended = (a->cert_status[0] && strcmp(a->cert_status, "Active") != 0) ||
                    (a->cert_sunset[0] && strcmp(a->cert_sunset, c->date) <= 0);
        snprintf(msg, sizeof msg,
                 "%s %s %s is a validated FIPS 140 module version:%s%s. Judged as of %s.", a->lib,
                 a->name, ver, cert,
                 ended ? "; the certificate is no longer valid for new procurement" : "", c->date);
        return add_finding(c, "PK-CRY-0013", ended ? PK_SEV_MEDIUM : PK_SEV_INFO, &a->occ[0], msg);
    }
    snprintf(msg, sizeof msg, "%s %s %s: no validated FIPS 140 module found for this %s (%s).%s%s",
             a->lib, a->name, ver, a->validated == 0 ? "version" : "build", a->fips_note,
             cert[0] ? " The CMVP lists:" : "", cert);
    return add_finding(c, "PK-CRY-0012", PK_SEV_LOW, &a->occ[0], msg);
}

pk_status pki_cbom_judge(pk_cbom *c)
{
    prims p = {0};
    p.rows = pki_calloc(PKI_CBOM_RULES, sizeof *p.rows);
    if (!p.rows)
        return PK_E_NOMEM;
    pk_status st = pki_cbom_load(c, "crypto/primitives.tsv", 3, 4, p.rows, &p.n);
    /* algorithms and protocols first: certificates and keys take their verdicts */
    for (size_t i = 0; st == PK_OK && i < c->na; i++) {
        pki_casset *a = c->a[i];
        if ((a->kind != PKI_CA_ALG && a->kind != PKI_CA_PROTO) || !a->policy_name)
            continue;
        st = pki_cryptopol_judge(c->pol, a->policy_name, a->usage, a->bits, c->date, &a->v);
        a->judged = st == PK_OK;
        if (a->kind == PKI_CA_ALG)
            derive_alg(a, &p);
    }
    for (size_t i = 0; st == PK_OK && i < c->na; i++) {
        pki_casset *a = c->a[i];
        const char *refs[2] = {a->kind == PKI_CA_CERT ? a->key_ref : a->alg_ref,
                               a->kind == PKI_CA_CERT ? a->sig_ref : NULL};
        if (a->kind != PKI_CA_CERT && a->kind != PKI_CA_KEY)
            continue;
        for (int r = 0; r < 2; r++) {
            const pki_casset *x = refs[r] ? pki_cbom_find(c, refs[r]) : NULL;
            if (x && x->judged && (!a->judged || rank(x->v.status) > rank(a->v.status))) {
                a->v = x->v;
                a->judged = 1;
            }
        }
    }
    static const char *const names_rules[] = {"PK-CRY-0002", "PK-CRY-0003", "PK-CRY-0004",
                                              "PK-CRY-0005", NULL};
    static const char *const key_rules[] = {"PK-KEY-0003", NULL};
    for (size_t i = 0; st == PK_OK && i < c->na; i++) {
        const pki_casset *a = c->a[i];
        int r = a->judged ? rank(a->v.status) : 0;
        pk_severity sev = r == 4 ? PK_SEV_MEDIUM : PK_SEV_LOW;
        switch (a->kind) {
        case PKI_CA_ALG:
        case PKI_CA_PROTO:
            if (r >= 1)
                st = per_file(c, a, "PK-CRY-0010", sev, names_rules,
                              a->kind == PKI_CA_ALG ? "Algorithm" : "Protocol");
            break;
        case PKI_CA_CERT:
        case PKI_CA_KEY:
            if (r >= 2)
                st = per_file(c, a, "PK-CRY-0011", sev, key_rules,
                              a->kind == PKI_CA_CERT ? "Certificate" : "Key");
            break;
        case PKI_CA_LIB:
            st = lib_findings(c, a);
            break;
        }
    }
    pki_free(p.rows);
    if (st == PK_OK && c->nf > 1)
        qsort(c->f, c->nf, sizeof *c->f, pki_finding_cmp);
    return st;
}
