/* crypto: algorithm, mode, protocol and cipher-suite names and crypto API
 * function names in strings (rules/crypto/names.tsv, apis.tsv). Each name is
 * one pattern of the shared matcher, so the file is still read once; the
 * boundaries are checked here on the look-back window. An import's name is a
 * string of the dynamic string table (ELF) or the hint/name table (PE), so the
 * same patterns find APIs; names_report.c asks the elf and pe facts whether
 * the file imports or exports them. */
#include "../../core/core_int.h"
#include "../../core/rulefiles.h"
#include "crypto_int.h"

#include <stdio.h>
#include <string.h>

static const char *const kinds[PKI_CRN_KIND_COUNT] = {"cipher", "mode", "protocol", "suite", "api"};
static const char *const weaks[PKI_CRN_WEAK_COUNT] = {"-",      "ecb",  "des",   "3des",  "rc4",
                                                      "ssl2",   "ssl3", "tls10", "tls11", "dtls10",
                                                      "export", "null", "anon"};

const char *pki_crn_kind_name(unsigned k)
{
    return k < PKI_CRN_KIND_COUNT ? kinds[k] : "?";
}

const char *pki_crn_weak_code(unsigned w)
{
    return w < PKI_CRN_WEAK_COUNT ? weaks[w] : "?";
}

static int lookup(const char *const *tab, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(tab[i]) == len && memcmp(tab[i], s, len) == 0)
            return (int)i;
    return -1;
}

static int is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Inside a name: a byte next to it that is one of these continues a longer word
 * ("TLSv1" in "TLSv1.2", "RC4-MD5" in "EXP-RC4-MD5", "DES_set_key" in "DES_set_key_unchecked"). */
static int is_word(uint8_t c)
{
    return is_alnum(c) || c == '_' || c == '.' || c == '-';
}

/* Around a short name, only these count as the end of a string or a list item. */
static int is_delim(uint8_t c)
{
    return c == 0 || (c != '!' && memchr("\t\n\r \"':,;=()[]{}<>|/+", c, 21) != NULL);
}

static uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static pk_status parse_line(pki_crn_rule *r, const char *line, size_t len, const char **why)
{
    const char *f[6];
    size_t fl[6], nf = 0, i = 0;
    while (nf < 6) {
        size_t j = i;
        while (j < len && line[j] != '\t')
            j++;
        f[nf] = line + i;
        fl[nf++] = j - i;
        if (j >= len)
            break;
        i = j + 1;
    }
    *why = "6 tab-separated fields expected";
    if (nf != 6 || i + fl[5] != len)
        return PK_E_USAGE;
    memset(r, 0, sizeof *r);
    *why = "name: 3 to 48 bytes of [A-Za-z0-9_./-], starting and ending with a letter or digit";
    if (fl[0] < 3 || fl[0] > PKI_CRN_NAME_MAX || !is_alnum((uint8_t)f[0][0]) ||
        !is_alnum((uint8_t)f[0][fl[0] - 1]))
        return PK_E_USAGE;
    for (size_t k = 0; k < fl[0]; k++)
        if (!is_word((uint8_t)f[0][k]) && f[0][k] != '/')
            return PK_E_USAGE;
    memcpy(r->name, f[0], fl[0]);
    r->len = (uint8_t)fl[0];
    int k = lookup(kinds, PKI_CRN_KIND_COUNT, f[1], fl[1]);
    *why = "kind: cipher, mode, protocol, suite or api";
    if (k < 0)
        return PK_E_USAGE;
    r->kind = (uint8_t)k;
    *why = "algorithm: 1 to 24 bytes";
    if (fl[2] < 1 || fl[2] > PKI_CRN_ALG_MAX)
        return PK_E_USAGE;
    memcpy(r->alg, f[2], fl[2]);
    int w = lookup(weaks, PKI_CRN_WEAK_COUNT, f[3], fl[3]);
    *why = "weak: - or a reason (ecb, des, 3des, rc4, ssl2, ssl3, tls10, tls11, dtls10, export, "
           "null, anon)";
    if (w < 0)
        return PK_E_USAGE;
    r->weak = (uint8_t)w;
    static const char *const cases[] = {"exact", "nocase"};
    static const char *const encs[] = {"", "ascii", "utf16", "both"};
    int c = lookup(cases, 2, f[4], fl[4]), e = lookup(encs, 4, f[5], fl[5]);
    *why = "case: exact or nocase; enc: ascii, utf16 or both";
    if (c < 0 || e <= 0)
        return PK_E_USAGE;
    r->nocase = (uint8_t)c;
    r->enc = (uint8_t)e;
    return PK_OK;
}

pk_status pki_crn_parse(pki_crn_set *set, const char *text, size_t len, char *err, size_t errlen)
{
    /* one allocation for the whole file (at most a rule per line): init runs
     * once per scan, and test_oom fails each allocation in turn */
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    if (lines > PKI_CRN_MAX_RULES - set->n)
        lines = PKI_CRN_MAX_RULES - set->n;
    pki_crn_rule *nr = pki_realloc(set->rules, (set->n + lines + 1) * sizeof *nr);
    if (!nr)
        return PK_E_NOMEM;
    set->rules = nr;
    size_t cap = set->n + lines, pos = 0, lineno = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        const char *line = text + pos;
        size_t ll = end - pos;
        pos = end + 1;
        lineno++;
        if (ll && line[ll - 1] == '\r')
            ll--;
        if (ll == 0 || line[0] == '#')
            continue;
        const char *why = "";
        pki_crn_rule r;
        if (set->n >= PKI_CRN_MAX_RULES || set->n >= cap)
            why = "more than 512 rules";
        else if (parse_line(&r, line, ll, &why) == PK_OK)
            why = NULL;
        for (size_t i = 0; !why && i < set->n; i++)
            if (strcmp(set->rules[i].name, r.name) == 0)
                why = "duplicate name";
        if (why) {
            if (err && errlen)
                snprintf(err, errlen, "line %zu: %s", lineno, why);
            return PK_E_USAGE;
        }
        set->rules[set->n++] = r;
    }
    return PK_OK;
}

pk_status pki_crn_load(pki_crn_set *set)
{
    static const char *const files[] = {"crypto/names.tsv", "crypto/apis.tsv"};
    set->rules = NULL;
    set->n = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        const pki_rulefile *rf = pki_rulefile_get(files[i]);
        if (!rf)
            return PK_E_USAGE; /* the build embeds rules/: a missing file is a build bug */
        pk_status st = pki_crn_parse(set, (const char *)rf->data, rf->len, NULL, 0);
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}

void pki_crn_free(pki_crn_set *set)
{
    if (!set)
        return;
    pki_free(set->rules);
    set->rules = NULL;
    set->n = 0;
}

/* The name, then a byte that is no word character (or the end of the file):
 * the trailing boundary is part of the match so on_match sees it even when the
 * name ends a block; the leading one is checked on the look-back window. */
size_t pki_crn_pattern(const pki_crn_rule *r, int utf16, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < r->len; i++) {
        uint8_t c = (uint8_t)r->name[i];
        int n = is_alnum(c) ? snprintf(out + o, cap - o, "%c%s", c, utf16 ? "\\x00" : "")
                            : snprintf(out + o, cap - o, "\\x%02x%s", c, utf16 ? "\\x00" : "");
        if (n < 0 || (size_t)n >= cap - o)
            return 0;
        o += (size_t)n;
    }
    int n = snprintf(out + o, cap - o, "(?:[^A-Za-z0-9_.\\x2d]%s|\\z)", utf16 ? "\\x00" : "");
    if (n < 0 || (size_t)n >= cap - o)
        return 0;
    return o + (size_t)n;
}

pk_status pki_crn_register(const pki_crn_set *set, pk_match_reg *reg)
{
    for (size_t i = 0; i < set->n; i++) {
        const pki_crn_rule *r = &set->rules[i];
        for (int u = 0; u < 2; u++) {
            if (!(r->enc & (u ? PKI_CRN_ENC_UTF16 : PKI_CRN_ENC_ASCII)))
                continue;
            char pat[PKI_CRN_NAME_MAX * 8 + 64];
            if (!pki_crn_pattern(r, u, pat, sizeof pat))
                return PK_E_USAGE;
            pk_status st = pk_match_add(reg, PKI_CRN_PAT_BASE + (uint32_t)(i * 2 + (size_t)u), pat,
                                        0, r->nocase ? PK_PAT_NOCASE : 0);
            if (st != PK_OK)
                return st;
        }
    }
    return PK_OK;
}

/* One unit (byte, or UTF-16LE code unit) at p: its ASCII byte, or -1 for a
 * UTF-16 unit outside ASCII. */
static int unit(const uint8_t *p, size_t w)
{
    return w == 2 && p[1] != 0 ? -1 : p[0];
}

void pki_crn_match(const pki_crn_set *set, pki_crn_fstate *fs, uint32_t pat, uint64_t end,
                   pk_emit *out)
{
    size_t ix = (pat - PKI_CRN_PAT_BASE) / 2;
    size_t w = (pat & 1u) ? 2 : 1;
    if (pat < PKI_CRN_PAT_BASE || ix >= set->n || ix >= PKI_CRN_MAX_RULES)
        return;
    const pki_crn_rule *r = &set->rules[ix];
    size_t nb = r->len * w;
    if (end < nb)
        return;
    uint64_t from = end >= nb + 2 * w ? end - nb - 2 * w : 0;
    pk_bytes win = pk_emit_window(out, from, end);
    if (!win.ptr || win.len < nb)
        return;
    const uint8_t *p = win.ptr;
    size_t L = win.len; /* p[L - 1] is the byte at end - 1 */
    /* the last unit is the name's own last character (matched at the end of
     * the file) or the boundary after it */
    int last = unit(p + L - w, w);
    size_t tail = last >= 0 && is_word((uint8_t)last) ? 0 : w;
    if (L < nb + tail)
        return;
    size_t s = L - tail - nb;
    for (size_t i = 0; i < r->len; i++) {
        int c = unit(p + s + i * w, w);
        if (c < 0 || lower((uint8_t)c) != lower((uint8_t)r->name[i]))
            return; /* cannot happen for a hit of this pattern; guards the arithmetic */
    }
    int strict = r->len < PKI_CRN_STRICT;
    if (tail && strict && (last < 0 || !is_delim((uint8_t)last)))
        return;
    uint64_t start = end - tail - nb;
    if (start > 0) {
        if (s < w)
            return; /* the byte before is not in the window: only after a hostile gap */
        int c = unit(p + s - w, w);
        if (c >= 0 && is_word((uint8_t)c) && r->kind == PKI_CRN_API && w == 1 && tail &&
            p[L - 1] == 0 && !fs->tail_seen[ix]) {
            fs->tail_seen[ix] = 1;
            fs->tail_first[ix] = start;
        }
        /* '!' negates in cipher lists ("HIGH:!RC4"): a name excluded is not used */
        if (c >= 0 && (is_word((uint8_t)c) || c == '!'))
            return;
        if (strict && (c < 0 || !is_delim((uint8_t)c)))
            return;
    }
    if (fs->count[ix] == 0) {
        fs->first[ix] = start;
        fs->utf16[ix] = w == 2;
    }
    if (fs->count[ix] < UINT32_MAX)
        fs->count[ix]++;
}
