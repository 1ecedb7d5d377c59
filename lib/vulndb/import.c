/* pk_vulndb_import: one transaction over every path given. Files are
 * recognised by content (docs/vulndb.md, "Feeds"), read whole up to
 * PKI_FEED_MAX, and handed to the importer of their kind. Zip/tar archives
 * and gzip/xz/bzip2/zstd-compressed files are read through libarchive, one
 * member at a time; directories are walked in name order. A bundle written by
 * pk_vulndb_export() is read row by row through the same pki_imp_* checks as
 * any feed: another lab's database is input like any other. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db_int.h"
#include "geo_int.h"
#include "imp_curl.h"
#include "imp_nswg.h"

#define PKI_IMPORT_MAX_DEPTH   8             /* directories inside directories */
#define PKI_IMPORT_MAX_MEMBERS 2000000u      /* members of one archive */
#define PKI_IMPORT_MAX_UNPACK  (64ull << 30) /* bytes unpacked from one archive */

typedef struct ictx {
    pk_vulndb *db;
    pk_import_stats st;
    char *err;
    size_t errcap;
} ictx;

static pk_status ferr(ictx *c, pk_status st, const char *path, const char *fmt, const char *x)
{
    int n = snprintf(c->err, c->errcap, "%s: ", path);
    if (n >= 0 && (size_t)n < c->errcap)
        snprintf(c->err + n, c->errcap - (size_t)n, fmt, x ? x : "");
    return st;
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if (end - p >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
        (unsigned char)p[2] == 0xbf)
        p += 3; /* UTF-8 BOM (Excel-saved CSVs) */
    return p;
}

static int starts(const char *p, const char *end, const char *lit)
{
    size_t l = strlen(lit);
    return (size_t)(end - p) >= l && memcmp(p, lit, l) == 0;
}

/* The first line of a text file, for CSV headers. */
static int first_line_has(const char *p, const char *end, const char *needle)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
    size_t nl2 = strlen(needle);
    for (size_t i = 0; i + nl2 <= l; i++)
        if (memcmp(p + i, needle, nl2) == 0)
            return 1;
    return 0;
}

static int is_cve_key(const char *k)
{
    return strncmp(k, "CVE-", 4) == 0 || strncmp(k, "TEMP-", 5) == 0;
}

typedef enum {
    K_UNKNOWN,
    K_OSV,
    K_CVE5,
    K_NVD11,
    K_NVD20,
    K_KEV_JSON,
    K_CSAF,
    K_DEBIAN_JSON,
    K_MANIFEST,
    K_SBOM,
    K_NSWG,
    K_CMVP,
    K_TRACKERS
} jkind;

static jkind json_kind(json_t *d)
{
    if (pki_trackers_sniff(d))
        return K_TRACKERS;
    if (json_is_array(d)) {
        json_t *e = json_array_get(d, 0);
        if (json_is_object(e) && json_object_get(e, "cveMetadata"))
            return K_CVE5; /* an array of CVE 5 records */
        return json_is_object(e) && json_object_get(e, "id") && json_object_get(e, "modified")
                   ? K_OSV
                   : K_UNKNOWN;
    }
    if (!json_is_object(d))
        return K_UNKNOWN;
    if (json_object_get(d, "CVE_Items"))
        return K_NVD11;
    json_t *fmt = json_object_get(d, "format");
    if (json_is_string(fmt) && strcmp(json_string_value(fmt), "parakh-vulndb-bundle") == 0)
        return K_MANIFEST;
    if (json_object_get(d, "catalogVersion"))
        return K_KEV_JSON;
    json_t *doc = json_object_get(d, "document");
    if (json_is_object(doc) && json_object_get(doc, "csaf_version"))
        return K_CSAF;
    json_t *dt = json_object_get(d, "dataType");
    if (json_object_get(d, "cveMetadata") ||
        (json_is_string(dt) && strcmp(json_string_value(dt), "CVE_RECORD") == 0))
        return K_CVE5;
    if (json_is_string(fmt) && strcmp(json_string_value(fmt), "NVD_CVE") == 0)
        return K_NVD20;
    json_t *vs = json_object_get(d, "vulnerabilities");
    if (json_is_array(vs) && json_is_object(json_object_get(json_array_get(vs, 0), "cve")))
        return K_NVD20;
    if (json_is_string(json_object_get(d, "id")) && json_object_get(d, "sourceIdentifier") &&
        json_object_get(d, "vulnStatus"))
        return K_NVD20; /* a bare API 2.0 cve object (OSV has "modified", not these) */
    json_t *cve = json_object_get(d, "cve");
    if (json_is_object(cve) && json_object_get(cve, "id"))
        return K_NVD20; /* one CVE object as the API 2.0 nests it */
    if (json_object_get(d, "bomFormat") || json_object_get(d, "spdxVersion"))
        return K_SBOM;
    if (pki_nswg_sniff(d))
        return K_NSWG;
    if (pki_cmvp_sniff(d))
        return K_CMVP;
    if (json_object_get(d, "id") &&
        (json_object_get(d, "modified") || json_object_get(d, "affected")))
        return K_OSV;
    /* The Debian tracker's export: {"srcpkg": {"CVE-...": {...}}} */
    const char *k;
    json_t *v;
    json_object_foreach(d, k, v)
    {
        if (!json_is_object(v))
            return K_UNKNOWN;
        const char *k2;
        json_t *v2;
        json_object_foreach(v, k2, v2) return is_cve_key(k2) ? K_DEBIAN_JSON : K_UNKNOWN;
        return K_UNKNOWN;
    }
    return K_UNKNOWN;
}

/* pki_imp with the feed chosen; `file` counts a file for the source row. */
static void imp_init(ictx *c, pki_imp *im, const char *path, const char *feed)
{
    memset(im, 0, sizeof *im);
    im->db = c->db;
    im->path = path;
    im->feed = feed;
    im->err = c->err;
    im->errcap = c->errcap;
    pki_vdb_seen(c->db, feed, NULL, 1);
}

static pk_status done(ictx *c, pki_imp *im, pk_status st)
{
    c->st.files++;
    c->st.records += im->records;
    c->st.skipped += im->skipped;
    return st;
}

static pk_status import_bundle(ictx *c, const char *path);

/* One feed file in memory. explicit: the user named it (an unknown kind is
 * then an error; inside a directory or archive it is passed over). */
static pk_status import_bytes(ictx *c, const char *path, const char *buf, size_t len, int explicit)
{
    const char *p = skip_ws(buf, buf + len), *end = buf + len;
    pki_imp im;
    if (p < end && (*p == '{' || *p == '[')) {
        json_error_t je;
        json_t *d = json_loadb(p, (size_t)(end - p), 0, &je);
        if (!d) {
            char m[200];
            snprintf(m, sizeof m, "line %d: %s", je.line, je.text);
            return ferr(c, PK_E_FEED, path, "not valid JSON (truncated?): %s", m);
        }
        pk_status st = PK_OK;
        jkind k = json_kind(d);
        switch (k) {
#define RUN(feed, fn)                                                                              \
    imp_init(c, &im, path, feed);                                                                  \
    st = done(c, &im, fn(&im, d));                                                                 \
    break
        case K_OSV:
            RUN("osv", pki_import_osv);
        case K_CVE5:
            RUN("cve5", pki_import_cve5);
        case K_NVD11:
            RUN("nvd", pki_import_nvd11);
        case K_NVD20:
            RUN("nvd", pki_import_nvd20);
        case K_KEV_JSON:
            RUN("kev", pki_import_kev_json);
        case K_CSAF:
            RUN("csaf", pki_import_csaf);
        case K_DEBIAN_JSON:
            RUN("debian", pki_import_debian_json);
        case K_NSWG:
            RUN("nswg", pki_import_nswg);
        case K_CMVP:
            RUN("nist-cmvp", pki_import_cmvp);
#undef RUN
        case K_TRACKERS:
            imp_init(c, &im, path, pki_trackers_sniff(d));
            st = done(c, &im, pki_import_trackers(&im, d));
            break;
        case K_MANIFEST:
            break; /* read with its parakh.db */
        case K_SBOM:
            st = explicit ? ferr(c, PK_E_FEED, path,
                                 "an SBOM is not a feed (check it with parakh vulns; give VEX "
                                 "documents with --vex)%s",
                                 NULL)
                          : PK_OK;
            break;
        default:
            if (explicit)
                st = ferr(c, PK_E_FEED, path, "JSON of no feed kind parakh knows%s", NULL);
            else
                c->st.skipped++;
        }
        json_decref(d);
        return st;
    }
    if (starts(p, end, "SQLite format 3"))
        return explicit ? import_bundle(c, path) : PK_OK;
    if (starts(p, end, "#model_version") || starts(p, end, "cve,epss,percentile")) {
        imp_init(c, &im, path, "epss");
        return done(c, &im, pki_import_epss_csv(&im, p, (size_t)(end - p)));
    }
    if (first_line_has(p, end, "cveID") && first_line_has(p, end, "vendorProject")) {
        imp_init(c, &im, path, "kev");
        return done(c, &im, pki_import_kev_csv(&im, p, (size_t)(end - p)));
    }
    if (starts(p, end, "page,first_vulnerable,last_vulnerable")) {
        imp_init(c, &im, path, "curl");
        return done(c, &im, pki_import_curl_csv(&im, p, (size_t)(end - p)));
    }
    int integer = 0;
    if (pki_ipcsv_sniff(p, (size_t)(end - p), &integer)) {
        imp_init(c, &im, path, integer ? PKI_FEED_IP_INT : PKI_FEED_IP_CSV);
        return done(c, &im, pki_import_ipcsv(&im, p, (size_t)(end - p), integer));
    }
    if (explicit)
        return ferr(c, PK_E_FEED, path, "not a feed parakh knows (%s)",
                    "OSV, NVD, CVE 5, KEV, EPSS, CSAF, Debian, curl, NIST CMVP, IP-country CSV "
                    "or .mmdb, a tracker list, or a parakh bundle");
    c->st.skipped++;
    return PK_OK;
}

/* A Debian DSA/DLA list starts "[dd Mon yyyy] DSA-" or "DLA-". */
static int sniff_debian_list(const char *p, const char *end)
{
    p = skip_ws(p, end);
    if (end - p < 20 || *p != '[')
        return 0;
    const char *rb = memchr(p, ']', (size_t)(end - p) < 16 ? (size_t)(end - p) : 16);
    return rb && end - rb > 6 && (starts(rb + 2, end, "DSA-") || starts(rb + 2, end, "DLA-"));
}

static pk_status import_mem(ictx *c, const char *path, const char *buf, size_t len, int explicit)
{
    if (pki_mmdb_sniff(buf, len)) {
        pki_imp im;
        imp_init(c, &im, path, PKI_FEED_IP_MMDB);
        return done(c, &im, pki_import_mmdb(&im, buf, len));
    }
    if (sniff_debian_list(buf, buf + len)) {
        pki_imp im;
        imp_init(c, &im, path, "debian");
        return done(c, &im, pki_import_debian_list(&im, buf, len));
    }
    return import_bytes(c, path, buf, len, explicit);
}

static int compressed_or_archive(const unsigned char *h, size_t n)
{
    static const unsigned char gz[] = {0x1f, 0x8b}, xz[] = {0xfd, '7', 'z', 'X', 'Z', 0},
                               zs[] = {0x28, 0xb5, 0x2f, 0xfd}, zip[] = {'P', 'K', 3, 4};
    return (n >= 2 && !memcmp(h, gz, 2)) || (n >= 6 && !memcmp(h, xz, 6)) ||
           (n >= 4 && !memcmp(h, zs, 4)) || (n >= 4 && !memcmp(h, zip, 4)) ||
           (n >= 3 && !memcmp(h, "BZh", 3)) || (n >= 262 && !memcmp(h + 257, "ustar", 5));
}

/* Reads one archive member (or the whole of a compressed file) into memory. */
static pk_status read_member(ictx *c, struct archive *a, const char *shown, char **out, size_t *len)
{
    size_t cap = 0, n = 0;
    char *b = NULL;
    for (;;) {
        if (!pki_grow((void **)&b, &cap, n + 65536 + 1, 1)) {
            pki_free(b);
            return PK_E_NOMEM;
        }
        la_ssize_t r = archive_read_data(a, b + n, 65536);
        if (r < 0) {
            pki_free(b);
            return ferr(c, PK_E_FEED, shown, "cannot decompress: %s", archive_error_string(a));
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > PKI_FEED_MAX) {
            pki_free(b);
            return ferr(c, PK_E_LIMIT, shown, "larger than the feed limit (1 GiB)%s", NULL);
        }
    }
    b[n] = 0;
    *out = b;
    *len = n;
    return PK_OK;
}

static pk_status import_archive(ictx *c, const char *path, int explicit)
{
    struct archive *a = archive_read_new();
    if (!a)
        return PK_E_NOMEM;
    archive_read_support_filter_all(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_raw(a);
    pk_status st = PK_OK;
    if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
        st = ferr(c, PK_E_FEED, path, "cannot read the archive: %s", archive_error_string(a));
        archive_read_free(a);
        return st;
    }
    struct archive_entry *e;
    uint64_t members = 0, unpacked = 0;
    char shown[4096];
    int r;
    while (st == PK_OK && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        int raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
        if (!raw && archive_entry_filetype(e) != AE_IFREG)
            continue;
        if (++members > PKI_IMPORT_MAX_MEMBERS) {
            st = ferr(c, PK_E_LIMIT, path, "more than 2,000,000 members%s", NULL);
            break;
        }
        const char *nm = raw ? "" : archive_entry_pathname(e);
        snprintf(shown, sizeof shown, "%s%s%s", path, raw ? "" : "!/", nm ? nm : "?");
        char *buf = NULL;
        size_t len = 0;
        st = read_member(c, a, shown, &buf, &len);
        if (st != PK_OK)
            break;
        unpacked += len;
        if (unpacked > PKI_IMPORT_MAX_UNPACK)
            st = ferr(c, PK_E_LIMIT, path, "more than 64 GiB unpacked%s", NULL);
        else
            st = import_mem(c, shown, buf, len, raw && explicit);
        pki_free(buf);
    }
    if (st == PK_OK && r != ARCHIVE_EOF)
        st = ferr(c, PK_E_FEED, path, "corrupt archive: %s", archive_error_string(a));
    archive_read_free(a);
    return st;
}

static pk_status import_file(ictx *c, const char *path, int explicit)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return ferr(c, PK_E_IO, path, "cannot open: %s", strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return ferr(c, PK_E_IO, path, "not a regular file%s", NULL);
    }
    unsigned char head[512];
    ssize_t hn = pread(fd, head, sizeof head, 0);
    if (hn < 0) {
        close(fd);
        return ferr(c, PK_E_IO, path, "cannot read: %s", strerror(errno));
    }
    if (compressed_or_archive(head, (size_t)hn)) {
        close(fd);
        return import_archive(c, path, explicit);
    }
    if ((uint64_t)sb.st_size > PKI_FEED_MAX) {
        close(fd);
        return ferr(c, PK_E_LIMIT, path, "larger than the feed limit (1 GiB)%s", NULL);
    }
    if (hn >= 16 && memcmp(head, "SQLite format 3", 16) == 0) {
        close(fd);
        return explicit ? import_bundle(c, path) : PK_OK;
    }
    size_t len = (size_t)sb.st_size;
    char *buf = pki_malloc(len + 1);
    if (!buf) {
        close(fd);
        return PK_E_NOMEM;
    }
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != len) {
        pki_free(buf);
        return ferr(c, PK_E_IO, path, "short read%s", NULL);
    }
    buf[len] = 0;
    pk_status st = import_mem(c, path, buf, len, explicit);
    pki_free(buf);
    return st;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static pk_status import_dir(ictx *c, const char *path, unsigned depth)
{
    if (depth > PKI_IMPORT_MAX_DEPTH)
        return ferr(c, PK_E_LIMIT, path, "directories nested deeper than 8%s", NULL);
    DIR *d = opendir(path);
    if (!d)
        return ferr(c, PK_E_IO, path, "cannot open: %s", strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    pk_status st = PK_OK;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue; /* ., .., .git, editor droppings */
        if (!pki_grow((void **)&names, &cap, n + 1, sizeof *names) ||
            !(names[n] = pki_strdup(de->d_name))) {
            st = PK_E_NOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    /* A bundle directory is imported through its database alone. */
    int bundle = 0;
    for (size_t i = 0; i < n; i++)
        bundle |= strcmp(names[i], "MANIFEST.json") == 0;
    for (size_t i = 0; i < n && st == PK_OK; i++) {
        char sub[4096];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, names[i]) >= sizeof sub) {
            st = ferr(c, PK_E_LIMIT, path, "a path longer than 4096 bytes%s", NULL);
            break;
        }
        struct stat sb;
        if (lstat(sub, &sb) != 0)
            st = ferr(c, PK_E_IO, sub, "cannot stat: %s", strerror(errno));
        else if (S_ISDIR(sb.st_mode))
            st = import_dir(c, sub, depth + 1);
        else if (S_ISREG(sb.st_mode))
            st = bundle && strcmp(names[i], "parakh.db") == 0 ? import_bundle(c, sub)
                                                              : import_file(c, sub, 0);
        /* symlinks, devices, fifos on removable media: not followed */
    }
    for (size_t i = 0; i < n; i++)
        pki_free(names[i]);
    pki_free(names);
    return st;
}

pk_status pk_vulndb_import(pk_vulndb *db, const char *const *paths, size_t n, pk_import_stats *st,
                           char *err, size_t errcap)
{
    char dummy[8];
    if (!err || !errcap) {
        err = dummy;
        errcap = sizeof dummy;
    }
    err[0] = 0;
    if (!db || (!paths && n))
        return PK_E_MISUSE;
    if (db->readonly) {
        snprintf(err, errcap, "%s: opened read-only", db->path);
        return PK_E_MISUSE;
    }
    ictx c = {.db = db, .err = err, .errcap = errcap};
    pk_status s = pki_vdb_prepare_writes(db, err, errcap);
    if (s == PK_OK)
        s = pki_vdb_exec(db, "BEGIN IMMEDIATE", err, errcap);
    if (s != PK_OK)
        return s;
    char now[32];
    pki_vdb_now(now, sizeof now);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db->h, "INSERT INTO import_log(at, paths) VALUES(?1, ?2)", -1, &q,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, n ? paths[0] : "", -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE)
            s = PK_E_FEED;
    } else {
        s = PK_E_FEED;
    }
    sqlite3_finalize(q);
    if (s != PK_OK)
        snprintf(err, errcap, "%s: %s", db->path, sqlite3_errmsg(db->h));
    db->gen = sqlite3_last_insert_rowid(db->h);
    db->nseen = 0;
    for (size_t i = 0; i < n && s == PK_OK; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) != 0)
            s = ferr(&c, PK_E_IO, paths[i], "cannot read: %s", strerror(errno));
        else if (S_ISDIR(sb.st_mode))
            s = import_dir(&c, paths[i], 0);
        else
            s = import_file(&c, paths[i], 1);
    }
    if (s == PK_OK)
        s = pki_vdb_update_sources(db, err, errcap);
    if (s == PK_OK) {
        char sql[160];
        snprintf(sql, sizeof sql,
                 "UPDATE import_log SET records = %llu, skipped = %llu WHERE gen = %lld",
                 (unsigned long long)c.st.records, (unsigned long long)c.st.skipped,
                 (long long)db->gen);
        s = pki_vdb_exec(db, sql, err, errcap);
    }
    if (s == PK_OK)
        s = pki_vdb_exec(db, "COMMIT", err, errcap);
    if (s != PK_OK) {
        char keep[8];
        pki_vdb_exec(db, "ROLLBACK", keep, sizeof keep); /* err keeps the first reason */
    }
    db->gen = 0;
    if (st)
        *st = c.st;
    return s;
}

static pk_status import_bundle(ictx *c, const char *path)
{
    return pki_vdb_import_bundle(c->db, path, &c->st, c->err, c->errcap);
}

pk_status pki_imp_jstr(pki_imp *im, const json_t *o, const char *key, const char *rec, size_t max,
                       const char **out)
{
    *out = NULL;
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return PK_OK;
    if (!json_is_string(v))
        return pki_imp_fail(im, PK_E_FEED, rec, "%s is not a string", key);
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > max || strlen(s) != n)
        return pki_imp_fail(im, PK_E_FEED, rec, "%s is too long or holds a NUL", key);
    *out = n ? s : NULL;
    return PK_OK;
}

pk_status pki_imp_jarr(pki_imp *im, const json_t *o, const char *key, const char *rec, size_t max,
                       json_t **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return PK_OK;
    if (!json_is_array(v) || json_array_size(v) > max)
        return pki_imp_fail(im, PK_E_FEED, rec, "%s is not an array of at most %zu", key, max);
    *out = v;
    return PK_OK;
}
