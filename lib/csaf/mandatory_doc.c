/* CSAF 2.0 §6.1 mandatory tests on /document: language tags (6.1.12),
 * translator needs a source language (6.1.15), prohibited category names
 * (6.1.26), a translation differs from its source (6.1.28). */
#include "mandatory_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ISO 639-1 two-letter codes registered as language subtags in the IANA
 * Language Subtag Registry (including the deprecated in, iw, ji, jw, mo, sh).
 * Three-letter and longer subtags are checked for form only: the registry's
 * ~8,000 of them are not carried (docs/csaf-checks.md). */
static const char iso639_1[] =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy "
    "da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu "
    "hy hz ia id ie ig ii ik in io is it iu iw ja ji jv jw ka kg ki kj kk kl km kn ko kr ks ku kv "
    "kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mo mr ms mt my na nb nd ne ng nl nn no nr "
    "nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq "
    "sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu";

/* RFC 5646 §2.2.8 grandfathered tags, matched case-insensitively. */
static const char *const grandfathered[] = {
    "en-GB-oed", "i-ami",     "i-bnn",     "i-default",  "i-enochian",  "i-hak",  "i-klingon",
    "i-lux",     "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",       "i-tay",  "i-tsu",
    "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE", "art-lojban", "cel-gaulish", "no-bok", "no-nyn",
    "zh-guoyu",  "zh-hakka",  "zh-min",    "zh-min-nan", "zh-xiang",
};

static bool all(const char *p, size_t n, int (*cls)(int))
{
    for (size_t i = 0; i < n; i++)
        if (!cls((unsigned char)p[i]))
            return false;
    return true;
}

/* The RFC 5646 §2.1 langtag / privateuse / grandfathered grammar, plus the
 * two-letter language subtag looked up in ISO 639-1. */
static bool lang_ok(const char *s)
{
    size_t len = strlen(s);
    if (!len || len > 256)
        return false;
    for (size_t g = 0; g < sizeof grandfathered / sizeof grandfathered[0]; g++)
        if (!strcasecmp(s, grandfathered[g]))
            return true;
    const char *sub[64];
    size_t sl[64], n = 0;
    for (const char *p = s;;) {
        const char *e = strchr(p, '-');
        size_t k = e ? (size_t)(e - p) : strlen(p);
        if (!k || k > 8 || n == 64 || !all(p, k, isalnum))
            return false;
        sub[n] = p;
        sl[n++] = k;
        if (!e)
            break;
        p = e + 1;
    }
    size_t i = 0;
    if (sl[0] == 1 && (sub[0][0] | 0x20) == 'x')
        goto privateuse;
    if (!all(sub[0], sl[0], isalpha) || sl[0] < 2)
        return false;
    if (sl[0] == 2) {
        char two[3] = {(char)tolower((unsigned char)sub[0][0]),
                       (char)tolower((unsigned char)sub[0][1]), 0};
        const char *hit = strstr(iso639_1, two);
        if (!hit || (hit - iso639_1) % 3)
            return false;
    }
    i = 1;
    if (sl[0] <= 3) /* up to three extlang subtags */
        for (int e = 0; e < 3 && i < n && sl[i] == 3 && all(sub[i], 3, isalpha); e++)
            i++;
    if (i < n && sl[i] == 4 && all(sub[i], 4, isalpha))
        i++; /* script */
    if (i < n &&
        ((sl[i] == 2 && all(sub[i], 2, isalpha)) || (sl[i] == 3 && all(sub[i], 3, isdigit))))
        i++; /* region */
    size_t first_variant = i;
    while (i < n && ((sl[i] >= 5) || (sl[i] == 4 && isdigit((unsigned char)sub[i][0])))) {
        for (size_t k = first_variant; k < i; k++)
            if (sl[k] == sl[i] && !strncasecmp(sub[k], sub[i], sl[i]))
                return false; /* a variant twice */
        i++;
    }
    char singletons[64];
    size_t ns = 0;
    while (i < n && sl[i] == 1 && (sub[i][0] | 0x20) != 'x') {
        char sg = (char)tolower((unsigned char)sub[i][0]);
        if (memchr(singletons, sg, ns))
            return false; /* an extension twice */
        singletons[ns++] = sg;
        size_t k = ++i;
        while (i < n && sl[i] >= 2)
            i++;
        if (i == k)
            return false;
    }
    if (i == n)
        return true;
    if (sl[i] != 1 || (sub[i][0] | 0x20) != 'x')
        return false;
privateuse:
    return i + 1 < n; /* "x" and at least one 1-8 alphanumeric subtag */
}

/* Category comparison form: ASCII lower case without white space, '-', '_'
 * or a Unicode dash (U+2010-U+2015, U+2212, U+FE58, U+FE63, U+FF0D). */
static void norm(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && o + 1 < cap) {
        if (isspace(*p) || *p == '-' || *p == '_') {
            p++;
        } else if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0x90 && p[2] <= 0x95) {
            p += 3;
        } else if (p[0] == 0xe2 && p[1] == 0x88 && p[2] == 0x92) {
            p += 3;
        } else if (p[0] == 0xef && ((p[1] == 0xb9 && (p[2] == 0x98 || p[2] == 0xa3)) ||
                                    (p[1] == 0xbc && p[2] == 0x8d))) {
            p += 3;
        } else {
            out[o++] = (char)tolower(*p++);
        }
    }
    out[o] = '\0';
}

static const char *const other_profiles[][2] = {
    {"csaf_security_incident_response", "Security incident response"},
    {"csaf_informational_advisory", "Informational Advisory"},
    {"csaf_security_advisory", "Security Advisory"},
    {"csaf_vex", "VEX"},
};

static void test_category(pki_mctx *c, const char *cat)
{
    for (size_t i = 0; i < 4; i++)
        if (!strcmp(cat, other_profiles[i][0]))
            return; /* another profile's own value: its tests apply */
    char a[256], b[64];
    norm(cat, a, sizeof a);
    for (size_t i = 0; i < 4; i++) {
        for (int k = 0; k < 2; k++) {
            norm(other_profiles[i][k], b, sizeof b);
            if (strcmp(a, b))
                continue;
            pki_csaf_add(c->r, "6.1.26", "/document/category",
                         "category %s is the name of the profile %s", cat, other_profiles[i][0]);
            return;
        }
    }
    if (!strncasecmp(cat, "csaf_", 5) && strcmp(cat, "csaf_base"))
        pki_csaf_add(c->r, "6.1.26", "/document/category",
                     "category %s uses the reserved prefix csaf_", cat);
}

void pki_m_document(pki_mctx *c)
{
    json_t *d = pki_m_obj(c->doc, "document");
    if (!d)
        return;
    const char *lang = pki_m_str(d, "lang"), *src = pki_m_str(d, "source_lang");
    if (lang && !lang_ok(lang))
        pki_csaf_add(c->r, "6.1.12", "/document/lang", "%s is not a valid language tag", lang);
    if (src && !lang_ok(src))
        pki_csaf_add(c->r, "6.1.12", "/document/source_lang", "%s is not a valid language tag",
                     src);
    const char *pubcat = pki_m_str(pki_m_obj(d, "publisher"), "category");
    if (pubcat && !strcmp(pubcat, "translator") && !src)
        pki_csaf_add(c->r, "6.1.15", "/document/source_lang",
                     "a translator's document must give source_lang");
    const char *cat = pki_m_str(d, "category");
    if (cat)
        test_category(c, cat);
    if (lang && src && !strcasecmp(lang, src))
        pki_csaf_add(c->r, "6.1.28", "/document/lang",
                     "lang and source_lang are both %s in a translation", lang);
    pki_m_profiles(c);
}
