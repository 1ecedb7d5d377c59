/* Debian security tracker data, in its two shapes:
 *
 * - the advisory lists data/DSA/list and data/DLA/list, text:
 *     [17 May 2022] DSA-5139-1 openssl - security update
 *     	{CVE-2022-1292}
 *     	[bullseye] - openssl 1.1.1n-0+deb11u2
 *     	[woody] - zlib <not-affected> (vulnerable code introduced later)
 *     	NOTE: fixed in testing at time of DSA
 * - the tracker's JSON export (security-tracker.debian.org/tracker/data/json):
 *     {"openssl": {"CVE-2022-1292": {"description": "...", "releases":
 *       {"bullseye": {"status": "resolved", "fixed_version": "1.1.1n-0+deb11u2",
 *                     "urgency": "not yet assigned", "repositories": {...}}}}}}
 *
 * Both give, per source package and release, the version that fixes a CVE:
 * one affected row "dpkg < fixed" for that release. Field by field mapping and
 * what is skipped: docs/vulndb/kev-epss-debian.md. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/core_int.h"
#include "version/version_int.h"
#include "vulndb/vdb_int.h"

#define DEB_LINE_MAX  65536u /* one list line; the longest real one is ~2 KB */
#define DEB_CVES_MAX  8192u  /* CVEs of one advisory */
#define DEB_RELS_MAX  1024u  /* release lines of one advisory */
#define DEB_PKG_MAX   128u   /* a source package name */
#define DEB_CODE_MAX  32u    /* a release codename */
#define DEB_NOTE_MAX  1024u  /* a "(...)" remark kept as the row's note */
#define DEB_TITLE_MAX 1024u
#define DEB_ID_MAX    32u
#define DEB_TEXT_MAX  65536u /* a JSON description */

typedef struct deb_span {
    const char *p;
    size_t n;
} deb_span;

/* The shared part of an affected row: which package, release and version. */
typedef struct deb_stmt {
    const char *pkg, *codename;
    const char *fixed;  /* NULL: no fixed version (open, unfixed, not affected) */
    const char *status; /* NULL = affected */
    const char *note;   /* NULLABLE */
    const char *distro; /* set by deb_prep */
    char key[PKI_VKEY_MAX];
} deb_stmt;

/* pki_cve_id_ok on s[0..n), a span of the list that is not NUL-terminated. */
static int deb_cve_ok(const char *s, size_t n)
{
    char b[32];
    if (n >= sizeof b || memchr(s, 0, n))
        return 0;
    memcpy(b, s, n);
    b[n] = 0;
    return pki_cve_id_ok(b);
}

/* Debian source package names: lowercase letters, digits, + - . (Policy 5.6.1). */
static int deb_pkg_ok(const char *s, size_t n)
{
    if (n == 0 || n > DEB_PKG_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              ((s[i] == '+' || s[i] == '-' || s[i] == '.') && i > 0)))
            return 0;
    return 1;
}

static int deb_code_ok(const char *s, size_t n)
{
    if (n == 0 || n > DEB_CODE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

/* Resolves a statement's release and package key once: 1 when the release
 * is unknown (skipped and counted: it names no distro parakh can match), 0
 * when ready, -1 when the package name gives no key. */
static int deb_prep(pki_imp *im, deb_stmt *s)
{
    s->distro = pki_debian_release(s->codename);
    if (!s->distro) {
        pki_imp_skip(im);
        return 1;
    }
    return pki_vkey_purl("deb", "debian", s->pkg, s->key, sizeof s->key) == PK_OK ? 0 : -1;
}

/* The characters of a dpkg version (Policy 5.6.12); a token with any other
 * is not a version at all. */
static int deb_verchars_ok(const char *v)
{
    for (; *v; v++)
        if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9') ||
              strchr(".+~:-", *v)))
            return 0;
    return 1;
}

/* One statement for one id: "dpkg", bounds {"lt": fixed} or every version. */
static pk_status deb_emit(pki_imp *im, const char *id, const char *origin, const deb_stmt *s,
                          const char *rec)
{
    pki_spec spec;
    if (pki_spec_bounds(&spec, NULL, NULL, NULL, s->fixed) != PK_OK)
        return pki_imp_fail(im, PK_E_FEED, rec, "version %s does not fit",
                            s->fixed ? s->fixed : "");
    pki_affected a = {
        .id = id,
        .key = s->key,
        .distro = s->distro,
        .scheme = "dpkg",
        .spec = pki_spec_end(&spec),
        .fixed = s->fixed,
        .status = s->status,
        .note = s->note,
        .origin = origin,
    };
    return pki_imp_affected(im, &a);
}

/* ================= the DSA/DLA lists ================= */

typedef struct deb_rel {
    deb_span code, pkg, ver, note;
    uint64_t line;
} deb_rel;

typedef struct deb_list {
    pki_imp *im;
    uint64_t line;  /* current line, 1-based */
    int open;       /* an advisory is being read */
    uint64_t hline; /* its header line */
    char id[DEB_ID_MAX + 1];
    char date[11]; /* YYYY-MM-DD */
    deb_span title;
    deb_span *cve;
    size_t ncve, cvecap;
    deb_rel *rel;
    size_t nrel, relcap;
    char rec[DEB_ID_MAX + 48]; /* "line N" or "DSA-x-y, line N" */
} deb_list;

static const char *deb_rec(deb_list *d, uint64_t line)
{
    if (d->open)
        snprintf(d->rec, sizeof d->rec, "%s, line %llu", d->id, (unsigned long long)line);
    else
        snprintf(d->rec, sizeof d->rec, "line %llu", (unsigned long long)line);
    return d->rec;
}

static int deb_isblank(char c)
{
    return c == ' ' || c == '\t';
}

static deb_span deb_trim(const char *p, size_t n)
{
    while (n && deb_isblank(*p))
        p++, n--;
    while (n && (deb_isblank(p[n - 1]) || p[n - 1] == '\r'))
        n--;
    return (deb_span){p, n};
}

/* Next blank-separated token of *s; empty span at the end. */
static deb_span deb_token(deb_span *s)
{
    *s = deb_trim(s->p, s->n);
    size_t i = 0;
    while (i < s->n && !deb_isblank(s->p[i]))
        i++;
    deb_span t = {s->p, i};
    s->p += i;
    s->n -= i;
    return t;
}

static void deb_cpy(char *dst, deb_span s)
{
    memcpy(dst, s.p, s.n);
    dst[s.n] = 0;
}

/* "[17 May 2022] DSA-5139-1 openssl - security update": date and id checked,
 * the rest is the title. 0 or -1. */
static int deb_header(deb_list *d, deb_span l)
{
    static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *p = l.p;
    if (l.n < 16 || p[0] != '[' || p[3] != ' ' || p[7] != ' ' || p[12] != ']' || p[13] != ' ')
        return -1;
    for (int i = 1; i < 12; i++)
        if ((i < 3 || i > 7) && (p[i] < '0' || p[i] > '9'))
            return -1;
    int m = -1;
    for (int i = 0; i < 12; i++)
        if (memcmp(p + 4, mon + 3 * i, 3) == 0)
            m = i + 1;
    int day = (p[1] - '0') * 10 + (p[2] - '0');
    if (m < 0 || day < 1 || day > 31)
        return -1;
    memcpy(d->date, p + 8, 4);
    char ymd[] = {'-', (char)('0' + m / 10), (char)('0' + m % 10), '-', p[1], p[2], 0};
    memcpy(d->date + 4, ymd, sizeof ymd);
    deb_span rest = {p + 14, l.n - 14};
    deb_span id = deb_token(&rest);
    /* "DSA-5139-1", "DSA-1304", "DLA-3380-1" (and DTSA-, the testing
     * security team's old list, of the same shape) */
    size_t i = id.n > 4 && memcmp(id.p, "DTSA-", 5) == 0 ? 4 : 3;
    if (id.n > DEB_ID_MAX || i + 1 >= id.n ||
        !(memcmp(id.p, "DSA-", 4) == 0 || memcmp(id.p, "DLA-", 4) == 0 || i == 4))
        return -1;
    for (size_t j = i + 1, dash = 0; j < id.n; j++) {
        if (id.p[j] == '-' && !dash && id.p[j - 1] != '-' && j + 1 < id.n)
            dash = 1;
        else if (id.p[j] < '0' || id.p[j] > '9')
            return -1;
    }
    deb_cpy(d->id, id);
    d->title = deb_trim(rest.p, rest.n);
    if (d->title.n > DEB_TITLE_MAX)
        return -1;
    return 0;
}

/* "{CVE-a CVE-b}" after the indent. */
static pk_status deb_cves(deb_list *d, deb_span l)
{
    pki_imp *im = d->im;
    if (l.n < 2 || l.p[l.n - 1] != '}')
        return pki_imp_fail(im, PK_E_FEED, deb_rec(d, d->line), "unterminated {CVE list}");
    deb_span s = {l.p + 1, l.n - 2};
    for (deb_span t = deb_token(&s); t.n; t = deb_token(&s)) {
        if (!deb_cve_ok(t.p, t.n))
            return pki_imp_fail(im, PK_E_FEED, deb_rec(d, d->line), "%.*s is not a CVE id",
                                (int)(t.n > 40 ? 40 : t.n), t.p);
        if (d->ncve >= DEB_CVES_MAX)
            return pki_imp_fail(im, PK_E_FEED, deb_rec(d, d->line), "more than %u CVEs",
                                DEB_CVES_MAX);
        if (!pki_grow((void **)&d->cve, &d->cvecap, d->ncve + 1, sizeof *d->cve))
            return PK_E_NOMEM;
        d->cve[d->ncve++] = t;
    }
    return PK_OK;
}

/* "[bullseye] - openssl 1.1.1n-0+deb11u2" or "... <not-affected> (why)". */
static pk_status deb_relline(deb_list *d, deb_span l)
{
    pki_imp *im = d->im;
    const char *rec = deb_rec(d, d->line);
    const char *close = memchr(l.p, ']', l.n);
    if (!close)
        return pki_imp_fail(im, PK_E_FEED, rec, "unterminated [release]");
    deb_rel r = {.code = {l.p + 1, (size_t)(close - l.p - 1)}, .line = d->line};
    deb_span s = {close + 1, l.n - (size_t)(close + 1 - l.p)};
    deb_span dash = deb_token(&s);
    r.pkg = deb_token(&s);
    r.ver = deb_token(&s);
    s = deb_trim(s.p, s.n);
    if (!deb_code_ok(r.code.p, r.code.n) || dash.n != 1 || dash.p[0] != '-' ||
        !deb_pkg_ok(r.pkg.p, r.pkg.n) || !r.ver.n || r.ver.n >= PKI_VER_MAX)
        return pki_imp_fail(im, PK_E_FEED, rec, "not \"[release] - package version\"");
    if (s.n) { /* "(medium)", "(bug #365910)", "(vulnerable code not present)" */
        if (s.n < 2 || s.p[0] != '(' || s.p[s.n - 1] != ')' || s.n - 2 > DEB_NOTE_MAX)
            return pki_imp_fail(im, PK_E_FEED, rec, "text after the version is not (a note)");
        r.note = (deb_span){s.p + 1, s.n - 2};
    }
    if (d->nrel >= DEB_RELS_MAX)
        return pki_imp_fail(im, PK_E_FEED, rec, "more than %u release lines", DEB_RELS_MAX);
    if (!pki_grow((void **)&d->rel, &d->relcap, d->nrel + 1, sizeof *d->rel))
        return PK_E_NOMEM;
    d->rel[d->nrel++] = r;
    return PK_OK;
}

/* The tracker's <tags> in a version's place. */
static pk_status deb_tag(const char *tag, deb_stmt *st, int *drop)
{
    static const struct {
        const char *tag, *status;
    } tags[] = {
        {"<not-affected>", "not_affected"},
        {"<unfixed>", NULL},
        {"<end-of-life>", NULL},
        {"<no-dsa>", NULL},
        {"<ignored>", NULL},
        {"<postponed>", NULL},
        {"<undetermined>", "under_investigation"},
    };
    *drop = strcmp(tag, "<removed>") == 0; /* the package left the release */
    if (*drop)
        return PK_OK;
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (strcmp(tag, tags[i].tag) == 0) {
            st->status = tags[i].status;
            return PK_OK;
        }
    return PK_E_FEED;
}

/* One release line, for the advisory and for each of its CVEs. */
static pk_status deb_flush_rel(deb_list *d, const deb_rel *r)
{
    pki_imp *im = d->im;
    char code[DEB_CODE_MAX + 1], pkg[DEB_PKG_MAX + 1], ver[PKI_VER_MAX], note[DEB_NOTE_MAX + 32];
    deb_cpy(code, r->code);
    deb_cpy(pkg, r->pkg);
    deb_cpy(ver, r->ver);
    deb_stmt st = {.pkg = pkg, .codename = code};
    const char *rec = deb_rec(d, r->line);
    if (ver[0] == '<') {
        int drop;
        if (deb_tag(ver, &st, &drop) != PK_OK)
            return pki_imp_fail(im, PK_E_FEED, rec, "unknown tag %s", ver);
        if (drop) {
            pki_imp_skip(im);
            return PK_OK;
        }
        /* the status says not_affected / under_investigation; an affected
         * row keeps the tag's word: "end-of-life: upstream ..." */
        if (st.status)
            snprintf(note, sizeof note, "%.*s", (int)r->note.n, r->note.p);
        else
            snprintf(note, sizeof note, "%.*s%s%.*s", (int)(r->ver.n - 2), ver + 1,
                     r->note.n ? ": " : "", (int)r->note.n, r->note.p);
    } else {
        if (!deb_verchars_ok(ver))
            return pki_imp_fail(im, PK_E_FEED, rec, "%s is not a Debian version", ver);
        if (pki_ver_valid(PKI_VS_DPKG, ver) != 0) {
            /* version-shaped but not one dpkg accepts: DSA-423 (2004) names
             * the package twice. A typo in old data, not a broken file. */
            pki_imp_skip(im);
            return PK_OK;
        }
        st.fixed = ver;
        snprintf(note, sizeof note, "%.*s", (int)r->note.n, r->note.p);
    }
    st.note = note[0] ? note : NULL;
    int prep = deb_prep(im, &st);
    if (prep != 0)
        return prep > 0 ? PK_OK : pki_imp_fail(im, PK_E_FEED, rec, "package %s gives no key", pkg);
    pk_status s = deb_emit(im, d->id, d->id, &st, rec);
    for (size_t i = 0; s == PK_OK && i < d->ncve; i++) {
        char cve[32];
        deb_cpy(cve, d->cve[i]);
        s = deb_emit(im, cve, d->id, &st, rec); /* the DSA made this statement */
    }
    return s;
}

/* The advisory read so far: its row, aliases, then the statements. Emitted at
 * its end because a few old entries list the CVEs after the releases. */
static pk_status deb_flush(deb_list *d)
{
    if (!d->open)
        return PK_OK;
    pki_imp *im = d->im;
    char title[DEB_TITLE_MAX + 1];
    deb_cpy(title, d->title);
    pk_status st = pki_imp_record(im, d->date);
    if (st == PK_OK)
        st = pki_imp_advisory(im, d->id, title[0] ? title : NULL, d->date, NULL, NULL);
    for (size_t i = 0; st == PK_OK && i < d->ncve; i++) {
        char cve[32];
        deb_cpy(cve, d->cve[i]);
        st = pki_imp_alias(im, d->id, cve);
    }
    for (size_t i = 0; st == PK_OK && i < d->nrel; i++)
        st = deb_flush_rel(d, &d->rel[i]);
    d->open = 0;
    d->ncve = d->nrel = 0;
    return st;
}

static pk_status deb_line(deb_list *d, deb_span raw)
{
    pki_imp *im = d->im;
    deb_span l = deb_trim(raw.p, raw.n);
    if (!l.n)
        return PK_OK; /* blank */
    if (!deb_isblank(raw.p[0])) {
        pk_status st = deb_flush(d);
        if (st != PK_OK)
            return st;
        if (deb_header(d, l) != 0)
            return pki_imp_fail(im, PK_E_FEED, deb_rec(d, d->line),
                                "not an advisory header \"[DD Mon YYYY] DSA-N-N ...\"");
        d->open = 1;
        d->hline = d->line;
        return PK_OK;
    }
    if (!d->open)
        return pki_imp_fail(im, PK_E_FEED, deb_rec(d, d->line), "indented line before a header");
    if (l.n >= 5 && memcmp(l.p, "NOTE:", 5) == 0)
        return PK_OK; /* free text for people */
    if (l.p[0] == '{')
        return deb_cves(d, l);
    if (l.p[0] == '[')
        return deb_relline(d, l);
    return pki_imp_fail(im, PK_E_FEED, deb_rec(d, d->line), "unrecognised line");
}

pk_status pki_import_debian_list(pki_imp *im, const char *buf, size_t len)
{
    deb_list d = {.im = im};
    pk_status st = PK_OK;
    const char *p = buf, *end = buf + len;
    while (st == PK_OK && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        d.line++;
        if (n > DEB_LINE_MAX)
            st = pki_imp_fail(im, PK_E_FEED, deb_rec(&d, d.line), "line longer than %u bytes",
                              DEB_LINE_MAX);
        else if (memchr(p, 0, n))
            st = pki_imp_fail(im, PK_E_FEED, deb_rec(&d, d.line), "NUL byte in a text list");
        else
            st = deb_line(&d, (deb_span){p, n});
        p += n + (nl ? 1 : 0);
    }
    if (st == PK_OK)
        st = deb_flush(&d);
    if (st == PK_OK && !d.hline)
        st = pki_imp_fail(im, PK_E_FEED, NULL, "no advisory in the list");
    pki_free(d.cve);
    pki_free(d.rel);
    return st;
}

/* ================= the tracker's JSON export ================= */

/* "TEMP-0000000-4C1A2B": the tracker's id for an issue with no CVE yet. */
static int deb_temp_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 8 || n > 32 || memcmp(s, "TEMP-", 5) != 0)
        return 0;
    for (size_t i = 5; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F') || s[i] == '-'))
            return 0;
    return 1;
}

/* An optional string member; NULL when absent or null. */
static pk_status deb_jstr(pki_imp *im, const json_t *o, const char *key, const char *rec,
                          const char **out)
{
    *out = NULL;
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return PK_OK;
    if (!json_is_string(v) || json_string_length(v) > DEB_TEXT_MAX ||
        strlen(json_string_value(v)) != json_string_length(v))
        return pki_imp_fail(im, PK_E_FEED, rec, "%s is not a string (or too long)", key);
    *out = json_string_value(v);
    return PK_OK;
}

/* One release of one issue: {"status": "resolved", "fixed_version": "..",
 * "urgency": "..", "nodsa": "..", "repositories": {..}}. */
static pk_status deb_json_rel(pki_imp *im, const char *pkg, const char *id, const char *code,
                              const json_t *r, const char *rec)
{
    if (!json_is_object(r) || !deb_code_ok(code, strlen(code)))
        return pki_imp_fail(im, PK_E_FEED, rec, "release %.32s is not an object", code);
    const char *status, *fixed, *urgency, *nodsa;
    pk_status st;
    if ((st = deb_jstr(im, r, "status", rec, &status)) != PK_OK ||
        (st = deb_jstr(im, r, "fixed_version", rec, &fixed)) != PK_OK ||
        (st = deb_jstr(im, r, "urgency", rec, &urgency)) != PK_OK ||
        (st = deb_jstr(im, r, "nodsa", rec, &nodsa)) != PK_OK)
        return st;
    if (!status)
        return pki_imp_fail(im, PK_E_FEED, rec, "%s: no status", code);
    deb_stmt s = {.pkg = pkg, .codename = code};
    char note[DEB_NOTE_MAX];
    snprintf(note, sizeof note, "%s%s%s", urgency ? urgency : "", urgency && nodsa ? "; " : "",
             nodsa ? nodsa : "");
    if (strcmp(status, "resolved") == 0) {
        if (!fixed || pki_ver_valid(PKI_VS_DPKG, fixed) != 0)
            return pki_imp_fail(im, PK_E_FEED, rec, "%s: resolved without a valid fixed_version",
                                code);
        if (strcmp(fixed, "0") == 0) /* the tracker's "never affected" */
            s.status = "not_affected";
        else
            s.fixed = fixed;
    } else if (strcmp(status, "undetermined") == 0) {
        s.status = "under_investigation";
    } else if (strcmp(status, "open") != 0) {
        return pki_imp_fail(im, PK_E_FEED, rec, "%s: unknown status %.32s", code, status);
    } /* open: affected in every version, no fix yet */
    s.note = note[0] ? note : NULL;
    int prep = deb_prep(im, &s);
    if (prep != 0)
        return prep > 0 ? PK_OK : pki_imp_fail(im, PK_E_FEED, rec, "package %s gives no key", pkg);
    return deb_emit(im, id, NULL, &s, rec);
}

/* One issue of one package: {"description":.., "scope":.., "releases":{..}}. */
static pk_status deb_json_issue(pki_imp *im, const char *pkg, const char *id, const json_t *v)
{
    char rec[DEB_PKG_MAX + 48];
    snprintf(rec, sizeof rec, "%s/%.40s", pkg, id);
    if (!(pki_cve_id_ok(id) || deb_temp_ok(id)))
        return pki_imp_fail(im, PK_E_FEED, rec, "not a CVE or TEMP id");
    if (!json_is_object(v))
        return pki_imp_fail(im, PK_E_FEED, rec, "not an object");
    const char *desc;
    pk_status st = deb_jstr(im, v, "description", rec, &desc);
    if (st != PK_OK)
        return st;
    const json_t *rels = json_object_get(v, "releases");
    if (rels && !json_is_object(rels))
        return pki_imp_fail(im, PK_E_FEED, rec, "releases is not an object");
    if ((st = pki_imp_record(im, NULL)) != PK_OK ||
        (st = pki_imp_advisory(im, id, desc && desc[0] ? desc : NULL, NULL, NULL, NULL)) != PK_OK)
        return st;
    if (!rels || json_object_size(rels) == 0) {
        pki_imp_skip(im);
        return PK_OK;
    }
    const char *code;
    const json_t *r;
    json_object_foreach((json_t *)rels, code, r)
    {
        if ((st = deb_json_rel(im, pkg, id, code, r, rec)) != PK_OK)
            return st;
    }
    return PK_OK;
}

pk_status pki_import_debian_json(pki_imp *im, json_t *doc)
{
    if (!json_is_object(doc))
        return pki_imp_fail(im, PK_E_FEED, NULL, "tracker JSON is not an object");
    const char *pkg, *id;
    json_t *issues, *v;
    json_object_foreach(doc, pkg, issues)
    {
        if (!deb_pkg_ok(pkg, strlen(pkg)))
            return pki_imp_fail(im, PK_E_FEED, NULL, "%.64s is not a source package name", pkg);
        if (!json_is_object(issues))
            return pki_imp_fail(im, PK_E_FEED, pkg, "not an object of issues");
        json_object_foreach(issues, id, v)
        {
            pk_status st = deb_json_issue(im, pkg, id, v);
            if (st != PK_OK)
                return st;
        }
    }
    return PK_OK;
}
