/* META-INF/MANIFEST.MF: the main section (up to the first blank line);
 * "Name: value" lines, a continuation line starts with one space and goes on
 * the previous value. The artifact identity is a guess; the order is in
 * docs/analyzers/java.md. */
#include "java_int.h"

#include <strings.h>
#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int pki_java_split_filename(const char *file, char *name, size_t ncap, char *ver, size_t vcap)
{
    size_t n = strlen(file);
    if (n < 5 || strcasecmp(file + n - 4, ".jar") != 0)
        return 0;
    n -= 4;
    /* the version starts at the first "-<digit>" */
    for (size_t i = 1; i + 1 < n; i++) {
        if (file[i] == '-' && is_digit(file[i + 1])) {
            if (i >= ncap || n - i - 1 >= vcap)
                return 0;
            memcpy(name, file, i);
            name[i] = '\0';
            memcpy(ver, file + i + 1, n - i - 1);
            ver[n - i - 1] = '\0';
            return 1;
        }
    }
    return 0;
}

typedef struct field {
    const char *key;
    size_t off;
} field;

#define F(k, m)                                                                                    \
    {                                                                                              \
        k, offsetof(pki_jman, m)                                                                   \
    }
static const field fields[] = {
    F("Implementation-Title", it),
    F("Implementation-Version", iv),
    F("Implementation-Vendor", ivendor),
    F("Implementation-Vendor-Id", ivid),
    F("Bundle-SymbolicName", bsn),
    F("Bundle-Version", bv),
    F("Bundle-Name", bname),
    F("Bundle-Vendor", bvendor),
    F("Bundle-License", blicense),
    F("Specification-Title", st),
    F("Specification-Version", sv),
    F("Specification-Vendor", svendor),
    F("Automatic-Module-Name", amn),
};
#undef F

/* Appends bytes to a value, cut at PKI_JAVA_MAX_VALUE - 1. */
static void append(char *dst, const char *s, size_t n)
{
    size_t have = strlen(dst);
    if (have + n > PKI_JAVA_MAX_VALUE - 1)
        n = PKI_JAVA_MAX_VALUE - 1 - have;
    memcpy(dst + have, s, n);
    dst[have + n] = '\0';
}

static void parse(const uint8_t *p, size_t n, pki_jman *m)
{
    char *cur = NULL; /* the value continuation lines go on */
    size_t pos = 0;
    for (unsigned line = 0; pos < n && line < PKI_JAVA_MAX_LINES; line++) {
        const char *b = (const char *)p + pos;
        size_t len = 0;
        while (pos + len < n && b[len] != '\n' && b[len] != '\r')
            len++;
        pos += len;
        if (pos < n && p[pos] == '\r')
            pos++;
        if (pos < n && p[pos] == '\n')
            pos++;
        if (len == 0)
            break; /* end of the main section */
        if (b[0] == ' ') {
            if (cur)
                append(cur, b + 1, len - 1);
            continue;
        }
        cur = NULL;
        const char *c = memchr(b, ':', len);
        if (!c)
            continue;
        size_t kl = (size_t)(c - b), vo = kl + 1;
        if (vo < len && b[vo] == ' ')
            vo++;
        for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
            if (strlen(fields[i].key) == kl && strncasecmp(fields[i].key, b, kl) == 0) {
                cur = (char *)m + fields[i].off;
                cur[0] = '\0';
                append(cur, b + vo, len - vo);
                break;
            }
        }
    }
}

static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

static int has_space(const char *s)
{
    return strchr(s, ' ') != NULL;
}

int pki_java_manifest(const uint8_t *p, size_t n, const char *jarname, pki_jman *m)
{
    memset(m, 0, sizeof *m);
    parse(p, n, m);
    /* "org.foo.bar;singleton:=true" -> "org.foo.bar" */
    char *semi = strchr(m->bsn, ';');
    if (semi)
        *semi = '\0';
    for (size_t e = strlen(m->bsn); e && m->bsn[e - 1] == ' '; e--)
        m->bsn[e - 1] = '\0';
    m->version = nz(m->iv) ? m->iv : nz(m->bv) ? m->bv : nz(m->sv);
    int fn = jarname &&
             pki_java_split_filename(jarname, m->fname, sizeof m->fname, m->fver, sizeof m->fver);
    if (fn && m->version && strcmp(m->fver, m->version) == 0)
        m->name = m->fname; /* the file name agrees with the manifest: the artifactId */
    else if (nz(m->it) && !has_space(m->it))
        m->name = m->it;
    else if (nz(m->bsn))
        m->name = m->bsn;
    else if (nz(m->amn))
        m->name = m->amn;
    else
        m->name = nz(m->it) ? m->it : nz(m->st) ? m->st : nz(m->bname);
    /* the groupId: Implementation-Vendor-Id, else the Bundle-SymbolicName's
     * package part when the name is not the symbolic name itself */
    if (nz(m->ivid)) {
        m->group = m->ivid;
    } else if (nz(m->bsn) && m->name != m->bsn) {
        const char *dot = strrchr(m->bsn, '.');
        if (dot && dot != m->bsn) {
            memcpy(m->ns, m->bsn, (size_t)(dot - m->bsn));
            m->ns[dot - m->bsn] = '\0';
            m->group = m->ns;
        }
    }
    m->supplier = nz(m->ivendor) ? m->ivendor : nz(m->bvendor) ? m->bvendor : nz(m->svendor);
    return m->name != NULL;
}
