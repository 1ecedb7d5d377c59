/* Where a provider tree is read from: an upstream over HTTP(S) (libcurl, as
 * lib/regclient/http.c: http and https only, redirects never followed (CSAF
 * requirement 6 forbids them), a cap on every body counted as it arrives,
 * timeouts, the bearer token read from a file into one header) or a bundle
 * directory (each component opened with O_NOFOLLOW, by exact names). */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csafsync_int.h"

#define MAX_TOKEN 4096u

struct pki_csync_fetch {
    int dirfd;  /* bundle: the root, else -1 */
    char *base; /* URL without a trailing '/', or the directory */
    CURL *h;
    struct curl_slist *hdr;
    char auth[MAX_TOKEN + 32]; /* "Authorization: Bearer ..." or "" */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_rc = CURLE_FAILED_INIT;
static void curl_init(void)
{
    curl_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void wipe(void *p, size_t n)
{
    volatile unsigned char *b = p;
    while (n--)
        *b++ = 0;
}

static pk_status read_token(const char *path, char *out, size_t cap, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        pki_csync_err(err, errlen, "token file %s: %s", path, strerror(errno));
        return PK_E_IO;
    }
    char buf[MAX_TOKEN + 2];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    bool ok = n > 0 && (size_t)n <= MAX_TOKEN;
    for (ssize_t i = 0; ok && i < n; i++)
        ok = buf[i] > 0x20 && buf[i] < 0x7f;
    if (ok)
        snprintf(out, cap, "Authorization: Bearer %.*s", (int)n, buf);
    else
        pki_csync_err(err, errlen, "token file %s: not one line of printable characters", path);
    wipe(buf, sizeof buf);
    return ok ? PK_OK : PK_E_USAGE;
}

pk_status pki_csync_fetch_url(const char *base, const pk_csaf_sync_opts *o, pki_csync_fetch **out,
                              char *err, size_t errlen)
{
    *out = NULL;
    pthread_once(&curl_once, curl_init);
    if (curl_rc != CURLE_OK) {
        pki_csync_err(err, errlen, "libcurl: %s", curl_easy_strerror(curl_rc));
        return PK_E_INTERNAL;
    }
    size_t n = strlen(base);
    if (!(strncasecmp(base, "https://", 8) == 0 && n > 8) &&
        !(strncasecmp(base, "http://", 7) == 0 && n > 7)) {
        pki_csync_err(err, errlen, "%.80s: only http:// and https:// URLs", base);
        return PK_E_USAGE;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)base[i] <= 0x20 || base[i] == 0x7f || base[i] == '?' || base[i] == '#') {
            pki_csync_err(err, errlen,
                          "upstream URL: a space, control character, query or "
                          "fragment");
            return PK_E_USAGE;
        }
    if (n > PKI_CSYNC_MAX_URL) {
        pki_csync_err(err, errlen, "upstream URL: over %u bytes", PKI_CSYNC_MAX_URL);
        return PK_E_USAGE;
    }
    pki_csync_fetch *f = pki_calloc(1, sizeof *f);
    if (!f)
        return PK_E_NOMEM;
    f->dirfd = -1;
    while (n > 0 && base[n - 1] == '/')
        n--;
    f->base = pki_strndup(base, n);
    f->h = curl_easy_init();
    pk_status st = (f->base && f->h) ? PK_OK : PK_E_NOMEM;
    if (st == PK_OK && o->token_path)
        st = read_token(o->token_path, f->auth, sizeof f->auth, err, errlen);
    struct curl_slist *t = NULL;
    if (st == PK_OK && f->auth[0] && !(t = curl_slist_append(f->hdr, f->auth)))
        st = PK_E_NOMEM;
    if (t)
        f->hdr = t;
    if (st != PK_OK) {
        pki_csync_fetch_free(f);
        return st;
    }
    long to = o->timeout_s ? (long)o->timeout_s : 30;
    CURL *h = f->h;
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, to < 10 ? to : 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, to);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "parakh/" PK_VERSION);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, f->hdr);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    if (o->cacert)
        curl_easy_setopt(h, CURLOPT_CAINFO, o->cacert);
    *out = f;
    return PK_OK;
}

pk_status pki_csync_fetch_dir(const char *dir, pki_csync_fetch **out, char *err, size_t errlen)
{
    *out = NULL;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        pki_csync_err(err, errlen, "bundle %s: %s", dir, strerror(errno));
        return PK_E_IO;
    }
    pki_csync_fetch *f = pki_calloc(1, sizeof *f);
    if (!f || !(f->base = pki_strdup(dir))) {
        pki_free(f);
        close(fd);
        return PK_E_NOMEM;
    }
    f->dirfd = fd;
    *out = f;
    return PK_OK;
}

void pki_csync_fetch_free(pki_csync_fetch *f)
{
    if (!f)
        return;
    if (f->dirfd >= 0)
        close(f->dirfd);
    if (f->h)
        curl_easy_cleanup(f->h);
    curl_slist_free_all(f->hdr); /* curl's copy of the token: freed, not wiped */
    wipe(f->auth, sizeof f->auth);
    pki_free(f->base);
    pki_free(f);
}

void pki_csync_where(const pki_csync_fetch *f, const char *rel, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s", f->base, rel);
}

typedef struct sink {
    uint8_t *buf;
    size_t len, cap, max;
    bool over, nomem;
} sink;

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
    sink *s = ud;
    size_t n = sz * nm;
    if (n > s->max - s->len) {
        s->over = true;
        return 0; /* aborts the transfer: nothing past the cap is kept */
    }
    if (!pki_grow((void **)&s->buf, &s->cap, s->len + n + 1, 1)) {
        s->nomem = true;
        return 0;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->buf[s->len] = 0;
    return n;
}

static pki_csync_got get_url(pki_csync_fetch *f, const char *rel, size_t max, uint8_t **buf,
                             size_t *len, char *err, size_t errlen)
{
    char url[PKI_CSYNC_MAX_URL + 512];
    if ((size_t)snprintf(url, sizeof url, "%s%s", f->base, rel) >= sizeof url) {
        pki_csync_err(err, errlen, "the URL is too long");
        return PKI_GOT_FAIL;
    }
    sink s = {.max = max};
    curl_easy_setopt(f->h, CURLOPT_URL, url);
    curl_easy_setopt(f->h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    curl_easy_setopt(f->h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(f->h, CURLOPT_WRITEDATA, &s);
    CURLcode cc = curl_easy_perform(f->h);
    long code = 0;
    curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &code);
    pki_csync_got g = PKI_GOT_OK;
    if (s.over || cc == CURLE_FILESIZE_EXCEEDED) {
        pki_csync_err(err, errlen, "the answer is over the limit of %zu bytes", max);
        g = PKI_GOT_FAIL;
    } else if (s.nomem) {
        pki_csync_err(err, errlen, "out of memory");
        g = PKI_GOT_FAIL;
    } else if (cc != CURLE_OK) {
        pki_csync_err(err, errlen, "%s", curl_easy_strerror(cc));
        g = PKI_GOT_FAIL;
    } else if (code == 404 || code == 410) {
        pki_csync_err(err, errlen, "HTTP %ld: not served", code);
        g = PKI_GOT_ABSENT;
    } else if (code == 401 || code == 403) {
        pki_csync_err(err, errlen, "HTTP %ld: not readable with this token", code);
        g = PKI_GOT_DENIED;
    } else if (code >= 300 && code < 400) {
        pki_csync_err(err, errlen, "HTTP %ld: a redirect, not followed", code);
        g = PKI_GOT_FAIL;
    } else if (code != 200) {
        pki_csync_err(err, errlen, "HTTP %ld", code);
        g = PKI_GOT_FAIL;
    }
    if (g != PKI_GOT_OK) {
        pki_free(s.buf);
        return g;
    }
    if (!s.buf && !(s.buf = pki_calloc(1, 1))) {
        pki_csync_err(err, errlen, "out of memory");
        return PKI_GOT_FAIL;
    }
    *buf = s.buf;
    *len = s.len;
    return PKI_GOT_OK;
}

/* One path component the puller may open: no "." or "..", no separators. */
static bool comp_ok(const char *c, size_t n)
{
    if (!n || n > 255 || (c[0] == '.' && (n == 1 || (n == 2 && c[1] == '.'))))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= 'A' && c[i] <= 'Z') ||
              (c[i] >= '0' && c[i] <= '9') || c[i] == '.' || c[i] == '_' || c[i] == '-' ||
              c[i] == '+'))
            return false;
    return true;
}

static pki_csync_got got_errno(int e, const char *rel, char *err, size_t errlen)
{
    if (e == ENOENT || e == ENOTDIR) {
        pki_csync_err(err, errlen, "no such file");
        return PKI_GOT_ABSENT;
    }
    pki_csync_err(err, errlen, "%s: %s", rel,
                  e == ELOOP ? "a symbolic link, not followed" : strerror(e));
    return PKI_GOT_FAIL;
}

static pki_csync_got get_dir(pki_csync_fetch *f, const char *rel, size_t max, uint8_t **buf,
                             size_t *len, char *err, size_t errlen)
{
    int dfd = f->dirfd, fd = -1;
    const char *p = rel;
    while (*p == '/')
        p++;
    for (;;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char comp[256];
        if (!comp_ok(p, n)) {
            if (dfd != f->dirfd)
                close(dfd);
            pki_csync_err(err, errlen, "%s: not a plain path", rel);
            return PKI_GOT_FAIL;
        }
        memcpy(comp, p, n);
        comp[n] = 0;
        int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (e ? O_DIRECTORY : O_NONBLOCK);
        int nfd = openat(dfd, comp, flags);
        int saved = errno;
        if (dfd != f->dirfd)
            close(dfd);
        if (nfd < 0)
            return got_errno(saved, rel, err, errlen);
        if (!e) {
            fd = nfd;
            break;
        }
        dfd = nfd;
        p = e + 1;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        pki_csync_err(err, errlen, "%s: not a regular file", rel);
        return PKI_GOT_FAIL;
    }
    if ((uint64_t)sb.st_size > max) {
        close(fd);
        pki_csync_err(err, errlen, "%s: over the limit of %zu bytes", rel, max);
        return PKI_GOT_FAIL;
    }
    size_t n = (size_t)sb.st_size, got = 0;
    uint8_t *b = pki_malloc(n + 1);
    if (!b) {
        close(fd);
        pki_csync_err(err, errlen, "out of memory");
        return PKI_GOT_FAIL;
    }
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != n) {
        pki_free(b);
        pki_csync_err(err, errlen, "%s: short read", rel);
        return PKI_GOT_FAIL;
    }
    b[n] = 0;
    *buf = b;
    *len = n;
    return PKI_GOT_OK;
}

pki_csync_got pki_csync_get(pki_csync_fetch *f, const char *rel, size_t max, uint8_t **buf,
                            size_t *len, char *err, size_t errlen)
{
    *buf = NULL;
    *len = 0;
    return f->dirfd >= 0 ? get_dir(f, rel, max, buf, len, err, errlen)
                         : get_url(f, rel, max, buf, len, err, errlen);
}
