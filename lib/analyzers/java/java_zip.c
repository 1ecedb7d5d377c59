/* A jar's central directory, read only to decide whether the file-name rule
 * is needed: the entries themselves are unpacked and analysed by the walk. */
#include "java_int.h"

#include "../../core/rd.h"

#include <string.h>
#include <zlib.h>

#define EOCD_SIG  0x06054b50u
#define CDIR_SIG  0x02014b50u
#define LOCAL_SIG 0x04034b50u

/* The offset of the end-of-central-directory record, searched backwards over
 * the comment's maximum length; -1 if none. */
static long find_eocd(pk_bytes z)
{
    if (z.len < 22)
        return -1;
    size_t lo = z.len > 22 + 65535 ? z.len - 22 - 65535 : 0;
    for (size_t i = z.len - 22 + 1; i-- > lo;) {
        const uint8_t *b = z.ptr + i;
        if (b[0] == 0x50 && b[1] == 0x4b && b[2] == 5 && b[3] == 6)
            return (long)i;
    }
    return -1;
}

/* Inflates (or copies) the entry at local header `off` into out; its length or 0. */
static size_t entry_bytes(pk_bytes z, uint32_t off, uint16_t method, uint32_t csize, uint8_t *out,
                          size_t cap)
{
    pk_rd r = pk_rd_make(z);
    uint32_t sig;
    uint16_t nl, el;
    if (!pk_rd_seek(&r, off) || !pk_rd_u32le(&r, &sig) || sig != LOCAL_SIG ||
        !pk_rd_seek(&r, (uint64_t)off + 26) || !pk_rd_u16le(&r, &nl) || !pk_rd_u16le(&r, &el) ||
        !pk_rd_skip(&r, (uint64_t)nl + el))
        return 0;
    pk_bytes data;
    size_t avail = pk_rd_left(&r);
    if (!pk_rd_bytes(&r, csize < avail ? csize : avail, &data))
        return 0;
    if (method == 0) {
        size_t n = data.len < cap ? data.len : cap;
        memcpy(out, data.ptr, n);
        return n;
    }
    if (method != 8)
        return 0;
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit2(&s, -15) != Z_OK)
        return 0;
    s.next_in = (Bytef *)data.ptr;
    s.avail_in = (uInt)(data.len > 0x7fffffffu ? 0x7fffffffu : data.len);
    s.next_out = out;
    s.avail_out = (uInt)cap;
    int rc = inflate(&s, Z_FINISH);
    size_t got = cap - s.avail_out;
    inflateEnd(&s);
    return (rc == Z_STREAM_END || rc == Z_BUF_ERROR || rc == Z_OK) ? got : 0;
}

static int is_pom_properties(const uint8_t *name, size_t n)
{
    static const char pre[] = "META-INF/maven/", suf[] = "/pom.properties";
    return n > sizeof pre - 1 + sizeof suf - 1 && memcmp(name, pre, sizeof pre - 1) == 0 &&
           memcmp(name + n - (sizeof suf - 1), suf, sizeof suf - 1) == 0;
}

int pki_java_zip_has_identity(pk_bytes z, const char *jarname)
{
    long eocd = find_eocd(z);
    if (eocd < 0)
        return 0;
    pk_rd r = pk_rd_make(z);
    uint16_t total;
    uint32_t cdsize, cdoff;
    if (!pk_rd_seek(&r, (uint64_t)eocd + 10) || !pk_rd_u16le(&r, &total) ||
        !pk_rd_u32le(&r, &cdsize) || !pk_rd_u32le(&r, &cdoff) || !pk_rd_seek(&r, cdoff))
        return 0;
    int found = 0;
    for (unsigned i = 0; i < total && i < PKI_JAVA_MAX_ENTRIES && !found; i++) {
        uint32_t sig, csize, lho;
        uint16_t method, nl, el, cl;
        pk_bytes name;
        size_t at = r.pos;
        if (!pk_rd_u32le(&r, &sig) || sig != CDIR_SIG || !pk_rd_seek(&r, at + 10) ||
            !pk_rd_u16le(&r, &method) || !pk_rd_seek(&r, at + 20) || !pk_rd_u32le(&r, &csize) ||
            !pk_rd_seek(&r, at + 28) || !pk_rd_u16le(&r, &nl) || !pk_rd_u16le(&r, &el) ||
            !pk_rd_u16le(&r, &cl) || !pk_rd_seek(&r, at + 42) || !pk_rd_u32le(&r, &lho) ||
            !pk_rd_bytes(&r, nl, &name) || !pk_rd_skip(&r, (uint64_t)el + cl))
            break;
        if (is_pom_properties(name.ptr, name.len)) {
            found = 1;
        } else if (name.len == 20 && memcmp(name.ptr, "META-INF/MANIFEST.MF", 20) == 0) {
            uint8_t *buf = pki_malloc(PKI_JAVA_MAX_INFLATE);
            pki_jman *m = pki_malloc(sizeof *m);
            if (buf && m) {
                size_t n = entry_bytes(z, lho, method, csize, buf, PKI_JAVA_MAX_INFLATE);
                found = n && pki_java_manifest(buf, n, jarname, m);
            }
            pki_free(m);
            pki_free(buf);
        }
    }
    return found;
}
