/* rpm header structures over untrusted bytes: every index entry's offset and
 * count is checked against the data size, strings must end in a NUL inside
 * the data, and counts are capped (rpm's own hdrchk limits). */
#include "rpm_int.h"

#include <string.h>

#define TYPE_INT32        4
#define TYPE_STRING       6
#define TYPE_STRING_ARRAY 8
#define TYPE_I18NSTRING   9
#define MAX_FILES         1000000u
#define MAX_DIRS          200000u
#define MAX_DEPS          4096u
#define PATH_MAX_LEN      4096u

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool pki_rpm_hdr_blob(const uint8_t *p, size_t len, pki_rpm_hdr *h, size_t *used)
{
    if (!p || len < 8)
        return false;
    uint32_t il = be32(p), dl = be32(p + 4);
    if (il == 0 || il > PKI_RPM_MAX_TAGS || dl > PKI_RPM_MAX_DATA)
        return false;
    uint64_t need = 8 + (uint64_t)il * 16 + dl;
    if (need > len)
        return false;
    h->index = p + 8;
    h->il = il;
    h->data = p + 8 + (size_t)il * 16;
    h->dl = dl;
    if (used)
        *used = (size_t)need;
    return true;
}

static const uint8_t hdr_magic[4] = {0x8e, 0xad, 0xe8, 0x01};

bool pki_rpm_hdr_file(const uint8_t *p, size_t len, pki_rpm_hdr *h)
{
    static const uint8_t lead_magic[4] = {0xed, 0xab, 0xee, 0xdb};
    if (!p || len < 96 + 16 || memcmp(p, lead_magic, 4) != 0)
        return false;
    size_t off = 96, used;
    if (memcmp(p + off, hdr_magic, 4) != 0 ||
        !pki_rpm_hdr_blob(p + off + 8, len - off - 8, h, &used))
        return false;
    off += 8 + used;
    off = (off + 7) & ~(size_t)7; /* the signature header is padded to 8 bytes */
    if (off > len || len - off < 16 || memcmp(p + off, hdr_magic, 4) != 0)
        return false;
    return pki_rpm_hdr_blob(p + off + 8, len - off - 8, h, NULL);
}

/* The index entry for tag: its type, data offset and count, all checked. */
static bool entry(const pki_rpm_hdr *h, uint32_t tag, uint32_t *type, uint32_t *off,
                  uint32_t *count)
{
    for (uint32_t i = 0; i < h->il; i++) {
        const uint8_t *e = h->index + (size_t)i * 16;
        if (be32(e) != tag)
            continue;
        *type = be32(e + 4);
        *off = be32(e + 8);
        *count = be32(e + 12);
        return *off<h->dl && * count> 0 && *count <= PKI_RPM_MAX_DATA;
    }
    return false;
}

bool pki_rpm_iter_init(const pki_rpm_hdr *h, uint32_t tag, pki_rpm_iter *it)
{
    uint32_t type, off, count;
    memset(it, 0, sizeof *it);
    if (!entry(h, tag, &type, &off, &count))
        return false;
    if (type != TYPE_STRING && type != TYPE_STRING_ARRAY && type != TYPE_I18NSTRING)
        return false;
    it->p = h->data + off;
    it->left = h->dl - off;
    it->n = type == TYPE_STRING ? 1 : count;
    return true;
}

const char *pki_rpm_iter_next(pki_rpm_iter *it)
{
    if (it->i >= it->n || !it->left)
        return NULL;
    const uint8_t *nul = memchr(it->p, 0, it->left);
    if (!nul)
        return NULL;
    const char *s = (const char *)it->p;
    size_t n = (size_t)(nul - it->p) + 1;
    it->p += n;
    it->left -= n;
    it->i++;
    return s;
}

const char *pki_rpm_str(const pki_rpm_hdr *h, uint32_t tag, uint32_t i, uint32_t *count)
{
    pki_rpm_iter it;
    if (count)
        *count = 0;
    if (!pki_rpm_iter_init(h, tag, &it))
        return NULL;
    if (count)
        *count = it.n;
    const char *s = NULL;
    for (uint32_t k = 0; k <= i; k++)
        if (!(s = pki_rpm_iter_next(&it)))
            return NULL;
    return s;
}

bool pki_rpm_u32(const pki_rpm_hdr *h, uint32_t tag, uint32_t i, uint32_t *v)
{
    uint32_t type, off, count;
    if (!entry(h, tag, &type, &off, &count) || type != TYPE_INT32 || i >= count)
        return false;
    uint64_t at = (uint64_t)off + (uint64_t)i * 4;
    if (at + 4 > h->dl)
        return false;
    *v = be32(h->data + at);
    return true;
}

/* An INT32 array: its first byte and count, checked against the data. */
static bool u32_arr(const pki_rpm_hdr *h, uint32_t tag, const uint8_t **p, uint32_t *n)
{
    uint32_t type, off, count;
    if (!entry(h, tag, &type, &off, &count) || type != TYPE_INT32 ||
        (uint64_t)count * 4 > h->dl - off)
        return false;
    *p = h->data + off;
    *n = count;
    return true;
}

/* ---- the component ---- */

/* The purl namespace from the vendor or distribution text. */
static const char *rpm_ns(const char *vendor, const char *dist)
{
    static const char *const map[][2] = {
        {"fedora", "fedora"},
        {"red hat", "redhat"},
        {"centos", "centos"},
        {"rocky", "rocky"},
        {"alma", "almalinux"},
        {"amazon", "amazon"},
        {"opensuse", "opensuse"},
        {"suse", "suse"},
        {"oracle", "oracle"},
        {"openeuler", "openeuler"},
        {"mariner", "mariner"},
        {"azure linux", "azurelinux"},
        {"openmandriva", "openmandriva"},
        {"mageia", "mageia"},
        {"photon", "photon"},
    };
    const char *src[2] = {vendor, dist};
    for (int s = 0; s < 2; s++) {
        if (!src[s])
            continue;
        char low[256];
        size_t n = 0;
        for (; src[s][n] && n + 1 < sizeof low; n++) {
            char c = src[s][n];
            low[n] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        low[n] = '\0';
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
            if (strstr(low, map[i][0]))
                return map[i][1];
    }
    return NULL;
}

/* A capability that names a package: not rpmlib(), not a file, not foo(bar). */
static int plain_name(const char *s)
{
    return *s && *s != '/' && !strchr(s, '(') && !strchr(s, ' ') && strlen(s) < 256;
}

static void emit_files(pk_component *c, const pki_rpm_hdr *h)
{
    pki_rpm_iter dirs, base;
    if (!pki_rpm_iter_init(h, PKI_RPMTAG_DIRNAMES, &dirs) ||
        !pki_rpm_iter_init(h, PKI_RPMTAG_BASENAMES, &base))
        return;
    uint32_t nd = dirs.n > MAX_DIRS ? MAX_DIRS : dirs.n;
    const char **dv = pki_calloc(nd, sizeof *dv);
    char *path = pki_malloc(PATH_MAX_LEN);
    if (!dv || !path) {
        pki_free(dv);
        pki_free(path);
        return;
    }
    uint32_t have = 0, ni = 0;
    const uint8_t *idx = NULL;
    const char *s;
    if (!u32_arr(h, PKI_RPMTAG_DIRINDEXES, &idx, &ni))
        ni = 0;
    while (have < nd && (s = pki_rpm_iter_next(&dirs)))
        dv[have++] = s;
    for (uint32_t i = 0; i < MAX_FILES && (s = pki_rpm_iter_next(&base)); i++) {
        if (i >= ni)
            break;
        uint32_t di = be32(idx + (size_t)i * 4);
        if (di >= have)
            continue;
        size_t a = strlen(dv[di]), b = strlen(s);
        if (a + b + 1 > PATH_MAX_LEN)
            continue;
        memcpy(path, dv[di], a);
        memcpy(path + a, s, b + 1);
        if (pk_component_file(c, path) == PK_E_LIMIT)
            break;
    }
    pki_free(dv);
    pki_free(path);
}

/* "name-version-release.src.rpm" -> source_name, source_version. */
static void set_source(pk_component *c, const char *srpm)
{
    char b[512];
    size_t n = srpm ? strlen(srpm) : 0;
    if (n == 0 || n >= sizeof b)
        return;
    memcpy(b, srpm, n + 1);
    static const char *const sfx[] = {".src.rpm", ".nosrc.rpm"};
    for (int i = 0; i < 2; i++) {
        size_t m = strlen(sfx[i]);
        if (n > m && strcmp(b + n - m, sfx[i]) == 0) {
            b[n - m] = '\0';
            break;
        }
    }
    char *r = strrchr(b, '-');
    if (!r)
        return;
    *r = '\0';
    char *v = strrchr(b, '-');
    *r = '-';
    if (!v || v == b)
        return;
    *v = '\0';
    pk_component_set(c, "source_name", b);
    pk_component_set(c, "source_version", v + 1);
}

void pki_rpm_emit_hdr(pk_emit *out, const pki_rpm_hdr *h, const pki_rpm_emit *how)
{
    const char *name = pki_rpm_str(h, PKI_RPMTAG_NAME, 0, NULL);
    if (!name || !*name || strlen(name) > 512)
        return;
    const char *ver = pki_rpm_str(h, PKI_RPMTAG_VERSION, 0, NULL);
    const char *rel = pki_rpm_str(h, PKI_RPMTAG_RELEASE, 0, NULL);
    const char *arch = pki_rpm_str(h, PKI_RPMTAG_ARCH, 0, NULL);
    const char *vendor = pki_rpm_str(h, PKI_RPMTAG_VENDOR, 0, NULL);
    const char *dist = pki_rpm_str(h, PKI_RPMTAG_DISTRIBUTION, 0, NULL);
    char version[1024] = "", record[600];
    if (ver && strlen(ver) < 500) {
        size_t a = strlen(ver);
        memcpy(version, ver, a + 1);
        if (rel && *rel && strlen(rel) < 500) {
            version[a] = '-';
            memcpy(version + a + 1, rel, strlen(rel) + 1);
        }
    }
    memcpy(record, "Package: ", 9);
    memcpy(record + 9, name, strlen(name) + 1);
    pk_component_spec s = {
        .type = "rpm",
        .ns = rpm_ns(vendor, dist),
        .name = name,
        .version = version[0] ? version : NULL,
        .arch = arch && *arch && strlen(arch) < 64 ? arch : NULL,
        .kind = strncmp(name, "lib", 3) == 0 ? PK_CK_LIBRARY : PK_CK_APPLICATION,
        .scope = how->scope,
        .rule = how->rule,
        .method = PK_CM_MANIFEST,
        .confidence = how->confidence,
        .loc = {how->loc.offset, how->loc.length, record},
    };
    pk_component *c = NULL;
    if (pk_emit_component(out, &s, &c) != PK_OK || !c)
        return;
    uint32_t epoch;
    if (pki_rpm_u32(h, PKI_RPMTAG_EPOCH, 0, &epoch)) {
        char e[16];
        size_t n = 0;
        char tmp[16];
        do {
            tmp[n++] = (char)('0' + epoch % 10);
            epoch /= 10;
        } while (epoch);
        for (size_t i = 0; i < n; i++)
            e[i] = tmp[n - 1 - i];
        e[n] = '\0';
        pk_component_set(c, "epoch", e);
    }
    pk_component_set(c, "license", pki_rpm_str(h, PKI_RPMTAG_LICENSE, 0, NULL));
    pk_component_set(c, "supplier", vendor);
    pk_component_set(c, "author", pki_rpm_str(h, PKI_RPMTAG_PACKAGER, 0, NULL));
    pk_component_set(c, "homepage", pki_rpm_str(h, PKI_RPMTAG_URL, 0, NULL));
    pk_component_set(c, "description", pki_rpm_str(h, PKI_RPMTAG_SUMMARY, 0, NULL));
    pk_component_set(c, "distribution", dist);
    const char *srpm = pki_rpm_str(h, PKI_RPMTAG_SOURCERPM, 0, NULL);
    pk_component_set(c, "sourcerpm", srpm);
    set_source(c, srpm);
    pki_rpm_iter it;
    const char *r, *prev = NULL;
    if (pki_rpm_iter_init(h, PKI_RPMTAG_REQUIRENAME, &it))
        for (uint32_t i = 0; i < MAX_DEPS && (r = pki_rpm_iter_next(&it)); i++) {
            if (plain_name(r) && (!prev || strcmp(prev, r) != 0) && strcmp(r, name) != 0)
                pk_component_dep(c, r, NULL);
            prev = r;
        }
    char *prov = pki_malloc(8192);
    if (prov && pki_rpm_iter_init(h, PKI_RPMTAG_PROVIDENAME, &it)) {
        size_t pl = 0;
        prov[0] = '\0';
        for (uint32_t i = 0; i < MAX_DEPS && (r = pki_rpm_iter_next(&it)); i++) {
            size_t n = strlen(r);
            if (!plain_name(r) || strcmp(r, name) == 0 || pl + n + 2 > 8192)
                continue;
            if (pl)
                prov[pl++] = ' ';
            memcpy(prov + pl, r, n + 1);
            pl += n;
        }
        pk_component_set(c, "provides", prov);
    }
    pki_free(prov);
    if (how->owns)
        pk_component_owns(c, how->owns);
    if (how->files)
        emit_files(c, h);
}
