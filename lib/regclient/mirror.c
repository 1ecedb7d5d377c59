/* Mirrors (docs/certificate.md, "Mirror"): the whole log in a directory,
 *   DIR/checkpoint            the signed note, byte for byte
 *   DIR/log.vkey              the log's note verifier key, one line
 *   DIR/MANIFEST              per leaf "<12-digit index> <hex leaf hash>\n"
 *   DIR/leaves/NNNNNNNNNNNN.json  each leaf's exact bytes
 * Export writes nothing into DIR until the leaves give the signed root; a
 * reader trusts nothing it has not hashed: the MANIFEST's hashes must give
 * the checkpoint's root, then each leaf file must hash to its line, so an
 * edited file is named exactly. Files are opened with O_NOFOLLOW and read
 * with a bound; names and counts must be exact. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regclient_int.h"

#define MANIFEST_LINE 78 /* 12 digits, space, 64 hex, newline */

static const char *const TOP[] = {"checkpoint", "log.vkey", "MANIFEST", "leaves"};

static void leaf_name(uint64_t i, char out[32])
{
    snprintf(out, 32, "%012llu.json", (unsigned long long)(i % 1000000000000ull));
}

/* Removes a mirror-shaped tree (files, and leaves/ holding files). */
static void rm_tree(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    int lfd = openat(fd, "leaves", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = lfd >= 0 ? fdopendir(lfd) : NULL;
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlinkat(lfd, e->d_name, 0);
    if (d)
        closedir(d);
    else if (lfd >= 0)
        close(lfd);
    unlinkat(fd, "leaves", AT_REMOVEDIR);
    for (size_t i = 0; i < 3; i++)
        unlinkat(fd, TOP[i], 0);
    close(fd);
    rmdir(path);
}

/* Reads dirfd/name (a regular file, not a symlink, 1..max bytes). */
static pk_status read_at(int dirfd, const char *dir, const char *name, size_t max, char **out,
                         size_t *len, char *err, size_t errlen)
{
    *out = NULL;
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        pki_rc_err(err, errlen, "%s/%s: %s", dir, name,
                   errno == ELOOP    ? "a symbolic link (not followed)"
                   : errno == ENOENT ? "missing"
                                     : strerror(errno));
        return PK_E_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
        (uint64_t)sb.st_size > max) {
        close(fd);
        pki_rc_err(err, errlen, "%s/%s: not a regular file of 1..%zu bytes", dir, name, max);
        return PK_E_IO;
    }
    char *b = pki_malloc((size_t)sb.st_size + 1);
    size_t got = 0;
    while (b && got < (size_t)sb.st_size) {
        ssize_t n = read(fd, b + got, (size_t)sb.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!b || got != (size_t)sb.st_size) {
        pki_free(b);
        pki_rc_err(err, errlen, "%s/%s: cannot be read", dir, name);
        return b ? PK_E_IO : PK_E_NOMEM;
    }
    b[got] = 0;
    *out = b;
    *len = got;
    return PK_OK;
}

/* ---- export ---- */

/* An existing DIR is replaced only when it is a mirror (or empty): export
 * must never swap away a directory that holds something else. */
static pk_status dir_replaceable(const char *dir, bool *exists, char *err, size_t errlen)
{
    struct stat sb;
    *exists = false;
    if (lstat(dir, &sb) != 0)
        return errno == ENOENT ? PK_OK
                               : (pki_rc_err(err, errlen, "%s: %s", dir, strerror(errno)), PK_E_IO);
    *exists = true;
    DIR *d = S_ISDIR(sb.st_mode) ? opendir(dir) : NULL;
    bool ok = d != NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        bool known = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
        for (size_t i = 0; i < 4; i++)
            known = known || !strcmp(e->d_name, TOP[i]);
        ok = ok && known;
    }
    if (d)
        closedir(d);
    if (!ok)
        pki_rc_err(err, errlen, "%s: exists and is not a parakh mirror; not replaced", dir);
    return ok ? PK_OK : PK_E_USAGE;
}

/* One page of GET /log/leaves: each leaf written, hashed and listed. */
static pk_status fetch_page(pk_rc *c, uint64_t start, uint64_t end, int lfd, pk_tlog_mem *mem,
                            char *manifest, uint64_t *got, char *err, size_t errlen)
{
    pk_rc_resp r;
    pk_status st = pk_rc_leaves(c, start, end, &r, err, errlen);
    if (st != PK_OK)
        return st;
    json_t *j = r.code == 200 ? json_loadb(r.body, r.len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    json_t *a = json_object_get(j, "leaves");
    *got = 0;
    if (r.code != 200) {
        pki_rc_err(err, errlen, "GET leaves %llu..%llu: HTTP %ld", (unsigned long long)start,
                   (unsigned long long)end, r.code);
        st = PK_E_IO;
    } else if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > end - start) {
        pki_rc_err(err, errlen, "leaves %llu..%llu: the answer holds no leaves array of 1..%llu",
                   (unsigned long long)start, (unsigned long long)end,
                   (unsigned long long)(end - start));
        st = PK_E_FORMAT;
    }
    uint8_t *buf = st == PK_OK ? pki_malloc(PK_RC_MAX_LEAF + 3) : NULL;
    if (st == PK_OK && !buf)
        st = PK_E_NOMEM;
    for (size_t k = 0; st == PK_OK && k < json_array_size(a); k++) {
        uint64_t i = start + k;
        json_t *o = json_array_get(a, k), *ji = json_object_get(o, "index");
        const char *b64 = json_string_value(json_object_get(o, "leaf"));
        size_t bl = b64 ? strlen(b64) : 0, n = SIZE_MAX;
        if (json_is_integer(ji) && (uint64_t)json_integer_value(ji) == i && bl > 0)
            n = pki_b64_decode_strict(b64, bl, buf, PK_RC_MAX_LEAF, 0);
        if (n == SIZE_MAX || n == 0) {
            pki_rc_err(err, errlen,
                       "leaf %llu: not {\"index\": %llu, \"leaf\": base64 of "
                       "1..%u bytes}",
                       (unsigned long long)i, (unsigned long long)i, PK_RC_MAX_LEAF);
            st = PK_E_FORMAT;
            break;
        }
        uint8_t h[PK_TLOG_HASH_LEN];
        char name[32], hex[65];
        pk_tlog_leaf_hash(buf, n, h);
        leaf_name(i, name);
        if ((st = pki_rc_write_file(lfd, name, buf, n, false, err, errlen)) != PK_OK ||
            (st = pk_tlog_mem_append(mem, h, NULL)) != PK_OK)
            break;
        pki_hex(h, sizeof h, hex);
        snprintf(manifest + i * MANIFEST_LINE, MANIFEST_LINE + 1, "%012llu %s\n",
                 (unsigned long long)i, hex);
        (*got)++;
    }
    pki_free(buf);
    json_decref(j);
    pk_rc_resp_clear(&r);
    return st;
}

static pk_status export_into(pk_rc *c, const char *vkey, const char *tmp, const char *note,
                             size_t nlen, const pk_checkpoint *cp, char *err, size_t errlen)
{
    int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || mkdirat(fd, "leaves", 0755) != 0) {
        pki_rc_err(err, errlen, "%s: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        return PK_E_IO;
    }
    int lfd = openat(fd, "leaves", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    pk_tlog_mem *mem = NULL;
    char *manifest = pki_malloc(cp->size * MANIFEST_LINE + 1);
    pk_status st = lfd < 0 ? PK_E_IO : !manifest ? PK_E_NOMEM : pk_tlog_mem_new(&mem);
    for (uint64_t i = 0; st == PK_OK && i < cp->size;) {
        uint64_t end = cp->size - i > PK_RC_LEAVES_PAGE ? i + PK_RC_LEAVES_PAGE : cp->size, got = 0;
        st = fetch_page(c, i, end, lfd, mem, manifest, &got, err, errlen);
        i += got;
    }
    uint8_t root[PK_TLOG_HASH_LEN];
    if (st == PK_OK) {
        pk_tlog_store ts = pk_tlog_mem_store(mem);
        st = pk_tlog_root(&ts, cp->size, root, err, errlen);
    }
    if (st == PK_OK && memcmp(root, cp->root, sizeof root) != 0) {
        pki_rc_err(err, errlen,
                   "the %llu leaves the server sent do not give the signed "
                   "checkpoint's root: nothing written",
                   (unsigned long long)cp->size);
        st = PK_E_FORMAT;
    }
    char line[PK_NOTE_VKEY_MAX + 2];
    snprintf(line, sizeof line, "%s\n", vkey);
    if (st == PK_OK)
        st = pki_rc_write_file(fd, "checkpoint", note, nlen, false, err, errlen);
    if (st == PK_OK)
        st = pki_rc_write_file(fd, "log.vkey", line, strlen(line), false, err, errlen);
    if (st == PK_OK)
        st = pki_rc_write_file(fd, "MANIFEST", manifest, cp->size * MANIFEST_LINE, false, err,
                               errlen);
    /* one syncfs for every file written, then the directories */
    if (st == PK_OK && (syncfs(fd) != 0 || fsync(lfd) != 0 || fsync(fd) != 0)) {
        pki_rc_err(err, errlen, "%s: cannot sync: %s", tmp, strerror(errno));
        st = PK_E_IO;
    }
    pk_tlog_mem_free(mem);
    pki_free(manifest);
    if (lfd >= 0)
        close(lfd);
    close(fd);
    return st;
}

pk_status pk_rc_mirror_export(pk_rc *c, const char *vkey, const char *dirarg, uint64_t *size,
                              char *err, size_t errlen)
{
    if (!c || !vkey || !dirarg)
        return PK_E_MISUSE;
    /* "m/" names m: the temporary must be its sibling, never inside it */
    char dir[4000];
    size_t dl = strlen(dirarg);
    while (dl > 1 && dirarg[dl - 1] == '/')
        dl--;
    if (dl == 0 || dl >= sizeof dir || (dl == 1 && dirarg[0] == '/')) {
        pki_rc_err(err, errlen, "--mirror: not a usable directory name");
        return PK_E_USAGE;
    }
    memcpy(dir, dirarg, dl);
    dir[dl] = 0;
    pk_note_verifier *v = NULL;
    char e[256] = "";
    if (strlen(vkey) >= PK_NOTE_VKEY_MAX || pk_note_verifier_new(vkey, &v, e, sizeof e) != PK_OK) {
        pki_rc_err(err, errlen, "--log-key: %s", e[0] ? e : "too long");
        return PK_E_USAGE;
    }
    bool exists = false;
    pk_rc_resp r;
    memset(&r, 0, sizeof r);
    pk_checkpoint cp;
    pk_status st = dir_replaceable(dir, &exists, err, errlen);
    if (st == PK_OK)
        st = pk_rc_checkpoint(c, &r, err, errlen);
    if (st == PK_OK && r.code != 200) {
        pki_rc_err(err, errlen, "GET checkpoint: HTTP %ld", r.code);
        st = PK_E_IO;
    }
    if (st == PK_OK && pk_checkpoint_open(r.body, r.len, NULL, &v, 1, &cp, e, sizeof e) != PK_OK) {
        pki_rc_err(err, errlen, "the checkpoint is not signed by the pinned log key: %s", e);
        st = PK_E_FORMAT;
    }
    if (st == PK_OK && cp.size > PK_RC_MAX_MIRROR) {
        pki_rc_err(err, errlen, "the log holds %llu leaves, over the mirror limit of %u",
                   (unsigned long long)cp.size, PK_RC_MAX_MIRROR);
        st = PK_E_LIMIT;
    }
    char tmp[4096];
    if (st == PK_OK && (size_t)snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", dir) >= sizeof tmp) {
        pki_rc_err(err, errlen, "--mirror: path too long");
        st = PK_E_USAGE;
    }
    if (st == PK_OK && !mkdtemp(tmp)) {
        pki_rc_err(err, errlen, "%s: %s", tmp, strerror(errno));
        st = PK_E_IO;
    }
    if (st == PK_OK) {
        st = export_into(c, vkey, tmp, r.body, r.len, &cp, err, errlen);
        /* swap in atomically: readers see the old mirror or the new one */
        if (st == PK_OK && (exists ? renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE)
                                   : rename(tmp, dir)) != 0) {
            pki_rc_err(err, errlen, "%s: cannot replace: %s", dir, strerror(errno));
            st = PK_E_IO;
        }
        rm_tree(tmp); /* the failed attempt, or the old mirror after the swap */
    }
    if (st == PK_OK && size)
        *size = cp.size;
    pk_rc_resp_clear(&r);
    pk_note_verifier_free(v);
    return st;
}

/* ---- offline verification ---- */

typedef struct mirror {
    const char *dir;
    int fd, lfd;
    uint64_t n;
    uint8_t (*hash)[PK_TLOG_HASH_LEN]; /* the MANIFEST's, proved by the root */
    pk_tlog_mem *mem;
    pki_rc_leaf *keep; /* candidates, revocations, supersessions */
    size_t nkeep, capkeep;
    uint64_t *kidx;
} mirror;

/* Names exactly the expected files: top level, then leaves/ (count = n). */
static pk_status check_names(mirror *m, char *err, size_t errlen)
{
    DIR *d = fdopendir(dup(m->fd));
    if (!d) {
        pki_rc_err(err, errlen, "%s: %s", m->dir, strerror(errno));
        return PK_E_IO;
    }
    pk_status st = PK_OK;
    for (struct dirent *e; st == PK_OK && (e = readdir(d));) {
        bool known = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
        for (size_t i = 0; i < 4; i++)
            known = known || !strcmp(e->d_name, TOP[i]);
        if (!known) {
            pki_rc_err(err, errlen, "%s/%.200s: an unexpected file in the mirror", m->dir,
                       e->d_name);
            st = PK_E_IO;
        }
    }
    closedir(d);
    return st;
}

static pk_status check_leaf_names(mirror *m, char *err, size_t errlen)
{
    uint8_t *seen = pki_calloc(m->n / 8 + 1, 1);
    DIR *d = seen ? fdopendir(dup(m->lfd)) : NULL;
    if (!d) {
        pki_free(seen);
        pki_rc_err(err, errlen, "%s/leaves: %s", m->dir, strerror(errno));
        return PK_E_IO;
    }
    pk_status st = PK_OK;
    uint64_t count = 0;
    for (struct dirent *e; st == PK_OK && (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        const char *nm = e->d_name;
        uint64_t i = 0;
        bool ok = strlen(nm) == 17 && strcmp(nm + 12, ".json") == 0;
        for (size_t k = 0; ok && k < 12; k++) {
            ok = nm[k] >= '0' && nm[k] <= '9';
            i = i * 10 + (uint64_t)(nm[k] - '0');
        }
        if (!ok || i >= m->n) {
            pki_rc_err(err, errlen,
                       "%s/leaves/%.200s: an unexpected file in the mirror "
                       "(the checkpoint has %llu leaves)",
                       m->dir, nm, (unsigned long long)m->n);
            st = PK_E_IO;
        } else {
            seen[i / 8] |= (uint8_t)(1u << (i % 8));
            count++;
        }
    }
    closedir(d);
    for (uint64_t i = 0; st == PK_OK && count != m->n && i < m->n; i++)
        if (!(seen[i / 8] & (1u << (i % 8)))) {
            char name[32];
            leaf_name(i, name);
            pki_rc_err(err, errlen, "%s/leaves/%s: missing", m->dir, name);
            st = PK_E_IO;
        }
    pki_free(seen);
    return st;
}

/* MANIFEST: exactly n lines; their hashes must give the signed root. */
static pk_status read_manifest(mirror *m, const pk_checkpoint *cp, pk_rc_verdict *v, char *err,
                               size_t errlen)
{
    char *b = NULL;
    size_t len = 0;
    pk_status st = PK_OK;
    struct stat sb;
    if (m->n == 0) { /* an empty log: an empty MANIFEST (read_at wants bytes) */
        if (fstatat(m->fd, "MANIFEST", &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode) ||
            sb.st_size != 0) {
            pki_rc_err(err, errlen, "%s/MANIFEST: missing or not an empty file", m->dir);
            return PK_E_IO;
        }
    } else if ((st = read_at(m->fd, m->dir, "MANIFEST", m->n * MANIFEST_LINE, &b, &len, err,
                             errlen)) != PK_OK) {
        return st;
    }
    if (len != m->n * MANIFEST_LINE) {
        pki_free(b);
        pki_rc_err(err, errlen,
                   "%s/MANIFEST: %zu bytes, not %llu lines for the checkpoint's "
                   "%llu leaves",
                   m->dir, len, (unsigned long long)m->n, (unsigned long long)m->n);
        return PK_E_IO;
    }
    m->hash = pki_calloc(m->n + 1, PK_TLOG_HASH_LEN);
    if (!m->hash || (st = pk_tlog_mem_new(&m->mem)) != PK_OK) {
        pki_free(b);
        return PK_E_NOMEM;
    }
    for (uint64_t i = 0; st == PK_OK && i < m->n; i++) {
        const char *l = b + i * MANIFEST_LINE;
        char want[24], hex[65];
        snprintf(want, sizeof want, "%012llu ", (unsigned long long)i);
        memcpy(hex, l + 13, 64);
        hex[64] = 0;
        if (memcmp(l, want, 13) != 0 || l[77] != '\n' || strspn(hex, "0123456789abcdef") != 64 ||
            pk_sha256_from_hex(hex, m->hash[i])) {
            pki_rc_err(err, errlen, "%s/MANIFEST: line %llu is not \"%012llu <64 hex>\"", m->dir,
                       (unsigned long long)i + 1, (unsigned long long)i);
            st = PK_E_IO;
        } else {
            st = pk_tlog_mem_append(m->mem, m->hash[i], NULL);
        }
    }
    pki_free(b);
    uint8_t root[PK_TLOG_HASH_LEN];
    pk_tlog_store ts = pk_tlog_mem_store(m->mem);
    if (st == PK_OK && (st = pk_tlog_root(&ts, m->n, root, err, errlen)) == PK_OK &&
        memcmp(root, cp->root, sizeof root) != 0)
        pki_rc_inconsistent(v,
                            "%s/MANIFEST: its leaf hashes do not give the root of the signed "
                            "checkpoint (size %llu)",
                            m->dir, (unsigned long long)m->n);
    return st;
}

static pki_rc_leaf *keep_slot(mirror *m, uint64_t index)
{
    if (m->nkeep == m->capkeep) {
        size_t cap = m->capkeep ? 2 * m->capkeep : 16;
        pki_rc_leaf *k = pki_realloc(m->keep, cap * sizeof *k);
        uint64_t *ki = k ? pki_realloc(m->kidx, cap * sizeof *ki) : NULL;
        if (k)
            m->keep = k;
        if (!ki)
            return NULL;
        m->kidx = ki;
        m->capkeep = cap;
    }
    m->kidx[m->nkeep] = index;
    return &m->keep[m->nkeep++];
}

static bool names_file(const pk_cert *c, const char *hex)
{
    for (size_t i = 0; i < pk_cert_subjects(c); i++) {
        const char *h = NULL;
        if (pk_cert_subject(c, i, &h) && h && strcmp(h, hex) == 0)
            return true;
    }
    return false;
}

/* Each leaf: read, hashed against the proved MANIFEST, parsed; records go
 * into t, what concerns the file is kept. */
static pk_status read_leaves(mirror *m, const char *hex, pk_trust *t, pk_rc_verdict *v, char *err,
                             size_t errlen)
{
    pk_status st = PK_OK;
    for (uint64_t i = 0; st == PK_OK && v->state != PK_CERT_LOG_INCONSISTENT && i < m->n; i++) {
        char name[32], path[4200], *b = NULL, e[400] = "";
        size_t len = 0;
        leaf_name(i, name);
        snprintf(path, sizeof path, "%s/leaves", m->dir);
        if ((st = read_at(m->lfd, path, name, PK_RC_MAX_LEAF, &b, &len, err, errlen)) != PK_OK)
            break;
        uint8_t h[PK_TLOG_HASH_LEN];
        pk_tlog_leaf_hash((const uint8_t *)b, len, h);
        pki_rc_leaf l;
        if (memcmp(h, m->hash[i], sizeof h) != 0)
            pki_rc_inconsistent(v,
                                "%s/%s: not the logged leaf %llu (its hash is not the one the "
                                "signed root covers)",
                                path, name, (unsigned long long)i);
        else if (pki_rc_leaf_parse((const uint8_t *)b, len, &l, e, sizeof e) != PK_OK)
            pki_rc_inconsistent(v, "%s/%s: %s", path, name, e);
        pki_free(b);
        if (v->state == PK_CERT_LOG_INCONSISTENT)
            break;
        /* kept: the certificates naming the file, and the revocations and
         * superseding certificates of those seen before (a log appends
         * them after the certificate), so memory follows the answer */
        bool keep = l.kind == PKI_RC_CERT && names_file(l.cert, hex);
        for (size_t k = 0; !keep && k < m->nkeep; k++) {
            const pki_rc_leaf *o = &m->keep[k];
            keep = o->kind == PKI_RC_CERT && o->cert &&
                   ((l.kind == PKI_RC_REVOKE && !strcmp(l.id, o->id)) ||
                    (l.kind == PKI_RC_CERT && !strcmp(l.supersedes, o->id)));
        }
        if (l.kind == PKI_RC_ACCR || l.kind == PKI_RC_SUSP)
            pk_trust_add(t, l.envelope, l.envlen, NULL, 0); /* not root-signed: left out */
        if (keep && l.kind == PKI_RC_CERT && !names_file(l.cert, hex)) { /* for its supersedes */
            pk_cert_free(l.cert);
            l.cert = NULL;
        }
        pki_free(l.envelope);
        l.envelope = NULL;
        pki_rc_leaf *slot = keep ? keep_slot(m, i) : NULL;
        if (keep && !slot)
            st = PK_E_NOMEM;
        if (slot)
            *slot = l;
        else
            pki_rc_leaf_clear(&l);
    }
    return st;
}

/* The kept checkpoint against the mirror's leaves: its root recomputed. */
static void check_kept(mirror *m, const pk_checkpoint *cp, const pk_checkpoint *old,
                       const char *state, pk_rc_verdict *v)
{
    uint8_t root[PK_TLOG_HASH_LEN];
    pk_tlog_store ts = pk_tlog_mem_store(m->mem);
    if (strcmp(old->origin, cp->origin) != 0)
        pki_rc_inconsistent(v,
                            "%s/checkpoint: origin \"%.100s\", the kept checkpoint's is "
                            "\"%.100s\"",
                            m->dir, cp->origin, old->origin);
    else if (old->size > cp->size)
        pki_rc_inconsistent(v,
                            "%s/checkpoint: size %llu, smaller than the checkpoint kept in %s "
                            "(size %llu): a rolled-back or forked log",
                            m->dir, (unsigned long long)cp->size, state,
                            (unsigned long long)old->size);
    else if (pk_tlog_root(&ts, old->size, root, NULL, 0) != PK_OK ||
             memcmp(root, old->root, sizeof root) != 0)
        pki_rc_inconsistent(v,
                            "the mirror's first %llu leaves do not give the root of the "
                            "checkpoint kept in %s: the log was rewritten (a fork)",
                            (unsigned long long)old->size, state);
}

static pk_status mirror_run(const pk_rc_check *in, mirror *m, pk_note_verifier *log,
                            pk_rc_verdict *v, char *err, size_t errlen)
{
    char *note = NULL, e[300] = "";
    size_t nlen = 0;
    pk_checkpoint cp, old;
    bool have = false;
    pk_status st = check_names(m, err, errlen);
    if (st == PK_OK)
        st = read_at(m->fd, m->dir, "checkpoint", PK_NOTE_MAX_LEN, &note, &nlen, err, errlen);
    if (st != PK_OK)
        return st;
    if (pk_checkpoint_open(note, nlen, NULL, &log, 1, &cp, e, sizeof e) != PK_OK) {
        pki_rc_inconsistent(v, "%s/checkpoint: not signed by the log key: %s", m->dir, e);
        goto out;
    }
    v->checkpoint_size = m->n = cp.size;
    if (m->n > PK_RC_MAX_MIRROR) {
        pki_rc_err(err, errlen, "%s/checkpoint: %llu leaves, over the mirror limit of %u", m->dir,
                   (unsigned long long)m->n, PK_RC_MAX_MIRROR);
        st = PK_E_IO;
        goto out;
    }
    m->lfd = openat(m->fd, "leaves", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (m->lfd < 0) {
        pki_rc_err(err, errlen, "%s/leaves: %s", m->dir,
                   errno == ENOTDIR || errno == ELOOP ? "not a directory" : strerror(errno));
        st = PK_E_IO;
        goto out;
    }
    if ((st = check_leaf_names(m, err, errlen)) != PK_OK ||
        (st = read_manifest(m, &cp, v, err, errlen)) != PK_OK ||
        v->state == PK_CERT_LOG_INCONSISTENT)
        goto out;
    if (in->state_dir && (st = pki_rc_state_load(in->state_dir, log, &old, &have, err, errlen)))
        goto out;
    if (have)
        check_kept(m, &cp, &old, in->state_dir, v);
    char hex[65];
    pki_hex(in->sha256, 32, hex);
    pk_trust *t = NULL;
    if (v->state != PK_CERT_LOG_INCONSISTENT && (st = pk_trust_new(in->root, &t)) == PK_OK &&
        (st = read_leaves(m, hex, t, v, err, errlen)) == PK_OK &&
        v->state != PK_CERT_LOG_INCONSISTENT) {
        pki_rc_cand *c = pki_calloc(m->nkeep + 1, sizeof *c);
        size_t nc = 0;
        for (size_t k = m->nkeep; c && k-- > 0;) { /* newest first */
            pki_rc_leaf *l = &m->keep[k];
            if (l->kind != PKI_RC_CERT || !l->cert)
                continue;
            c[nc] = (pki_rc_cand){.leaf = l, .index = m->kidx[k]};
            for (size_t j = 0; j < m->nkeep; j++) {
                const pki_rc_leaf *o = &m->keep[j];
                if (!c[nc].rev && o->kind == PKI_RC_REVOKE && !strcmp(o->id, l->id))
                    c[nc].rev = o;
                if (!c[nc].sup && o->kind == PKI_RC_CERT && !strcmp(o->supersedes, l->id) &&
                    !strcmp(o->lab, l->lab))
                    c[nc].sup = o;
            }
            nc++;
        }
        if (!c)
            st = PK_E_NOMEM;
        else if (!in->state_dir ||
                 (st = pki_rc_state_save(in->state_dir, log, note, nlen, err, errlen)) == PK_OK)
            pki_rc_judge(c, nc, t, in->sha256, in->date, v);
        pki_free(c);
    }
    pk_trust_free(t);
out:
    pki_free(note);
    return st;
}

pk_status pk_rc_mirror_verify(const pk_rc_check *in, const char *dir, pk_rc_verdict *v, char *err,
                              size_t errlen)
{
    if (!in || !in->root || !in->sha256 || !dir || !v)
        return PK_E_MISUSE;
    memset(v, 0, sizeof *v);
    mirror m = {.dir = dir, .lfd = -1};
    m.fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (m.fd < 0) {
        pki_rc_err(err, errlen, "%s: %s", dir,
                   errno == ENOTDIR || errno == ELOOP ? "not a directory" : strerror(errno));
        return PK_E_IO;
    }
    pk_note_verifier *log = in->log, *own = NULL;
    pk_status st = PK_OK;
    if (!log) {
        char *vk = NULL, e[256] = "";
        size_t n = 0;
        st = read_at(m.fd, dir, "log.vkey", PK_NOTE_VKEY_MAX + 1, &vk, &n, err, errlen);
        while (st == PK_OK && n > 0 && (vk[n - 1] == '\n' || vk[n - 1] == '\r'))
            vk[--n] = 0;
        if (st == PK_OK && pk_note_verifier_new(vk, &own, e, sizeof e) != PK_OK) {
            pki_rc_err(err, errlen, "%s/log.vkey: %s", dir, e);
            st = PK_E_IO;
        }
        pki_free(vk);
        log = own;
    }
    if (st == PK_OK)
        st = mirror_run(in, &m, log, v, err, errlen);
    for (size_t k = 0; k < m.nkeep; k++)
        pki_rc_leaf_clear(&m.keep[k]);
    pki_free(m.keep);
    pki_free(m.kidx);
    pki_free(m.hash);
    pk_tlog_mem_free(m.mem);
    pk_note_verifier_free(own);
    if (m.lfd >= 0)
        close(m.lfd);
    close(m.fd);
    return st;
}
