/* The diff for people: text for a terminal and Markdown for a committee's
 * papers, both from the diff document: the result and the verdict, the
 * counts, then each list (at most LIST_MAX lines each; the JSON has all).
 * Strings from the reports are hostile: control bytes are shown as '?', and
 * Markdown's special characters are escaped. */
#include "diff_int.h"

#include <string.h>

#define LIST_MAX 100

typedef struct out {
    FILE *f;
    int md;
} out;

static void put(const out *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        int c = *p < 0x20 || *p == 0x7f ? '?' : *p;
        if (o->md && strchr("\\`*_[]<>|#", c))
            fputc('\\', o->f);
        fputc(c, o->f);
    }
}

static void putf(const out *o, const char *key, const json_t *obj, const char *pre)
{
    const char *s = pki_dj_str(obj, key);
    if (s) {
        fputs(pre, o->f);
        put(o, s);
    }
}

static size_t n_of(const json_t *sec, const char *key)
{
    return json_array_size(pki_dj_arr(sec, key));
}

/* one line per element, by the list's kind */
typedef enum { L_COMP, L_PAIR, L_VULN, L_FILE, L_HARD, L_SIGN, L_FIND, L_EP, L_CC, L_CRY } lkind;

static void line(const out *o, lkind k, const json_t *e)
{
    switch (k) {
    case L_COMP:
        put(o, pki_dj_str(e, "name"));
        putf(o, "old_version", e, " ");
        putf(o, "new_version", e, " ");
        putf(o, "purl", e, "  ");
        break;
    case L_PAIR:
        put(o, pki_dj_str(e, "name"));
        putf(o, "old_version", e, " ");
        putf(o, "new_version", e, " -> ");
        putf(o, "order", e, " (order: ");
        if (pki_dj_str(e, "order"))
            fputs(")", o->f);
        break;
    case L_VULN:
        put(o, pki_dj_str(e, "id"));
        putf(o, "component", e, " in ");
        putf(o, "version", e, " ");
        putf(o, "severity", e, ", ");
        if (pki_dj_bool(e, "kev") == 1)
            fputs(", KEV", o->f);
        putf(o, "fixed", e, ", fixed in ");
        break;
    case L_FILE:
        put(o, pki_dj_str(e, "path"));
        putf(o, "type", e, " (");
        if (pki_dj_str(e, "type"))
            fputs(")", o->f);
        break;
    case L_HARD:
    case L_SIGN: {
        put(o, pki_dj_str(e, "path"));
        const char *a = k == L_HARD ? "lost" : "old_signers",
                   *b = k == L_HARD ? "gained" : "new_signers";
        if (k == L_SIGN)
            putf(o, "change", e, ": ");
        for (int s = 0; s < 2; s++) {
            const json_t *arr = pki_dj_arr(e, s ? b : a);
            size_t i;
            const json_t *v;
            fputs(s ? (k == L_HARD ? "; gained: " : " -> ") : (k == L_HARD ? ": lost: " : ": "),
                  o->f);
            if (!json_array_size(arr))
                fputs(k == L_HARD ? "-" : "(none)", o->f);
            json_array_foreach(arr, i, v)
            {
                if (i)
                    fputs(k == L_HARD ? ", " : " + ", o->f);
                put(o, json_string_value(v));
            }
        }
        break;
    }
    case L_FIND: {
        put(o, pki_dj_str(e, "rule_id"));
        fputs(" ", o->f);
        put(o, pki_dj_str(e, "path"));
        const json_t *off = json_object_get(e, "offset");
        if (json_is_integer(off))
            fprintf(o->f, " @%lld", (long long)json_integer_value(off));
        putf(o, "message", e, ": ");
        break;
    }
    case L_EP:
        put(o, pki_dj_str(e, "value"));
        putf(o, "country", e, " [");
        if (pki_dj_str(e, "country"))
            fputs("]", o->f);
        putf(o, "path", e, " in ");
        break;
    case L_CC:
        put(o, json_string_value(e));
        break;
    case L_CRY:
        put(o, pki_dj_str(e, "name"));
        putf(o, "kind", e, " (");
        fputs(")", o->f);
        putf(o, "old_status", e, ": ");
        putf(o, "new_status", e, pki_dj_str(e, "old_status") ? " -> " : ": ");
        break;
    }
}

static void list(const out *o, const json_t *sec, const char *key, const char *title, lkind k)
{
    const json_t *a = pki_dj_arr(sec, key);
    size_t n = json_array_size(a);
    if (!n)
        return;
    fprintf(o->f, o->md ? "\n### %s (%zu)\n\n" : "\n%s (%zu):\n", title, n);
    for (size_t i = 0; i < n && i < LIST_MAX; i++) {
        fputs(o->md ? "- " : "  ", o->f);
        line(o, k, json_array_get(a, i));
        fputc('\n', o->f);
    }
    if (n > LIST_MAX)
        fprintf(o->f, "%s... and %zu more (--format json lists all)\n", o->md ? "- " : "  ",
                n - LIST_MAX);
}

/* "not compared: why" for a section that says so, else NULL */
static const char *skipped(const json_t *sec)
{
    return pki_dj_bool(sec, "compared") == 0 ? pki_dj_str(sec, "reason") : NULL;
}

static void count_row(const out *o, const char *name, const json_t *sec, const char *const *keys,
                      const char *const *words, size_t nk)
{
    fprintf(o->f, o->md ? "| %s | " : "  %-16s", name);
    const char *why = skipped(sec);
    if (why) {
        fputs("not compared: ", o->f);
        put(o, why);
    } else {
        for (size_t i = 0; i < nk; i++)
            fprintf(o->f, "%s%zu %s", i ? ", " : "", n_of(sec, keys[i]), words[i]);
    }
    fputs(o->md ? " |\n" : "\n", o->f);
}

pk_status pki_diff_write_text(const json_t *doc, FILE *f, int md)
{
    out o = {f, md};
    const json_t *old = pki_dj_obj(doc, "old"), *nw = pki_dj_obj(doc, "new");
    const json_t *cp = pki_dj_obj(doc, "components"), *vu = pki_dj_obj(doc, "vulnerabilities"),
                 *fi = pki_dj_obj(doc, "files"), *ha = pki_dj_obj(doc, "hardening"),
                 *si = pki_dj_obj(doc, "signers"), *ca = pki_dj_obj(doc, "capabilities"),
                 *se = pki_dj_obj(doc, "secrets"), *ep = pki_dj_obj(doc, "endpoints"),
                 *cc = pki_dj_obj(ep, "countries"), *cr = pki_dj_obj(doc, "crypto"),
                 *vd = pki_dj_obj(doc, "verdict");
    const char *ol = pki_dj_str(old, "label"), *nl = pki_dj_str(nw, "label");
    fputs(md ? "# What the update changed\n\n" : "parakh diff: ", f);
    if (md)
        fputs("**Old:** ", f);
    put(&o, ol ? ol : json_string_value(json_array_get(pki_dj_arr(old, "inputs"), 0)));
    fputs(md ? "  \n**New:** " : " -> ", f);
    put(&o, nl ? nl : json_string_value(json_array_get(pki_dj_arr(nw, "inputs"), 0)));
    fputs(md ? "\n\n**Result:** " : "\nRESULT: ", f);
    if (json_is_true(json_object_get(doc, "worse"))) {
        fputs("WORSE (", f);
        size_t i;
        const json_t *v;
        json_array_foreach(pki_dj_arr(doc, "worse_because"), i, v)
        {
            fputs(i ? ", " : "", f);
            put(&o, json_string_value(v));
        }
        fputs(")", f);
    } else {
        fputs("nothing security-relevant got worse", f);
    }
    fputs(md ? "  \n**Verdict:** " : "\nverdict: ", f);
    if (pki_dj_str(vd, "old") && pki_dj_str(vd, "new")) {
        put(&o, pki_dj_str(vd, "old"));
        fputs(" -> ", f);
        put(&o, pki_dj_str(vd, "new"));
        putf(&o, "profile", vd, " (profile ");
        if (pki_dj_str(vd, "profile"))
            fputs(")", f);
    } else {
        fputs("not assessed", f);
        putf(&o, "reason", vd, ": ");
    }
    fputs(md ? "\n\n## Counts\n\n| part | changes |\n|---|---|\n" : "\n\ncounts:\n", f);
    static const char *const CK[] = {"added", "removed", "upgraded", "downgraded", "changed"};
    static const char *const VK[] = {"introduced", "fixed", "now_kev"};
    static const char *const VW[] = {"introduced", "fixed", "now in KEV"};
    static const char *const FK[] = {"added", "removed", "changed"};
    static const char *const HK[] = {"regressed", "improved"};
    static const char *const SK[] = {"changed"};
    static const char *const NK[] = {"new", "gone"};
    static const char *const XK[] = {"new", "gone", "status_changed"};
    static const char *const XW[] = {"new", "gone", "verdict changed"};
    count_row(&o, "components", cp, CK, CK, 5);
    count_row(&o, "vulnerabilities", vu, VK, VW, 3);
    count_row(&o, "files", fi, FK, FK, 3);
    count_row(&o, "hardening", ha, HK, HK, 2);
    count_row(&o, "signers", si, SK, SK, 1);
    count_row(&o, "capabilities", ca, NK, NK, 2);
    count_row(&o, "secrets/keys", se, NK, NK, 2);
    count_row(&o, "endpoints", ep, NK, NK, 2);
    count_row(&o, "countries", cc, NK, NK, 2);
    count_row(&o, "crypto", cr, XK, XW, 3);
    if (md)
        fputs("\n## Changes\n", f);
    list(&o, vu, "introduced", "vulnerabilities introduced", L_VULN);
    list(&o, vu, "now_kev", "vulnerabilities now known exploited (KEV)", L_VULN);
    list(&o, ha, "regressed", "hardening regressed", L_HARD);
    list(&o, si, "changed", "signer changes", L_SIGN);
    list(&o, cp, "downgraded", "components downgraded", L_PAIR);
    list(&o, ca, "new", "new capabilities", L_FIND);
    list(&o, se, "new", "new secrets and keys", L_FIND);
    list(&o, cc, "new", "new countries", L_CC);
    list(&o, cr, "new", "new cryptography", L_CRY);
    list(&o, cr, "status_changed", "cryptography verdict changed", L_CRY);
    list(&o, cp, "upgraded", "components upgraded", L_PAIR);
    list(&o, cp, "changed", "components changed (versions not ordered)", L_PAIR);
    list(&o, cp, "added", "components added", L_COMP);
    list(&o, cp, "removed", "components removed", L_COMP);
    list(&o, vu, "fixed", "vulnerabilities fixed", L_VULN);
    list(&o, ha, "improved", "hardening improved", L_HARD);
    list(&o, ca, "gone", "capabilities gone", L_FIND);
    list(&o, se, "gone", "secrets and keys gone", L_FIND);
    list(&o, ep, "new", "new endpoints", L_EP);
    list(&o, ep, "gone", "endpoints gone", L_EP);
    list(&o, cc, "gone", "countries gone", L_CC);
    list(&o, cr, "gone", "cryptography gone", L_CRY);
    list(&o, fi, "added", "files added", L_FILE);
    list(&o, fi, "removed", "files removed", L_FILE);
    list(&o, fi, "changed", "files changed", L_FILE);
    if (fflush(f) != 0 || ferror(f))
        return PK_E_IO;
    return PK_OK;
}
