/* yara rule loading: finds the rule files under --rules, keeps include
 * directives inside the rules directory, compiles everything once.
 *
 * The rules are the analyst's, not the deliverable's, but they still must not
 * make parakh read arbitrary files: symbolic links and includes are followed
 * only when they resolve inside the rules directory (the file's own directory
 * for a single file), and counts and sizes are capped. The directory walk
 * uses an explicit work list, not recursion. */
#include "yara_int.h"

#include "../../core/core_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t lib_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned lib_refs;

pk_status pki_yara_lib_ref(void)
{
    pk_status st = PK_OK;
    pthread_mutex_lock(&lib_mu);
    /* yr_initialize() counts too, but without a lock */
    if (lib_refs == 0 && yr_initialize() != ERROR_SUCCESS)
        st = PK_E_NOMEM;
    else
        lib_refs++;
    pthread_mutex_unlock(&lib_mu);
    return st;
}

void pki_yara_lib_unref(void)
{
    pthread_mutex_lock(&lib_mu);
    if (lib_refs > 0 && --lib_refs == 0)
        yr_finalize();
    pthread_mutex_unlock(&lib_mu);
}

typedef struct inc_ent {
    char *raw; /* the name as written in the include directive (libyara's file name) */
    char *dir; /* the real directory it resolved to, for its own includes */
} inc_ent;

typedef struct loader {
    const char *user; /* the path as given (for messages) */
    int single;       /* a file, not a directory */
    char root[PATH_MAX];
    size_t rootlen;
    char **files; /* relative to root; sorted */
    size_t nfiles, capfiles;
    uint64_t total;
    /* while compiling */
    const char *top_display;
    char top_dir[PATH_MAX];
    inc_ent *inc;
    size_t ninc, capinc;
    char why[2300]; /* why the include callback refused, for the error */
    char *err;
    size_t errlen;
    unsigned nerr;
    int nomem;
} loader;

static pk_status fail(loader *ld, pk_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static pk_status fail(loader *ld, pk_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ld->err, ld->errlen, fmt, ap);
    va_end(ap);
    return st;
}

static int inside(const loader *ld, const char *real)
{
    if (ld->rootlen == 1) /* the root is "/" */
        return 1;
    return strncmp(real, ld->root, ld->rootlen) == 0 && real[ld->rootlen] == '/';
}

static int rule_ext(const char *name)
{
    const char *d = strrchr(name, '.');
    return d && d != name &&
           (!strcasecmp(d, ".yar") || !strcasecmp(d, ".yara") || !strcasecmp(d, ".rules"));
}

static int add_file(loader *ld, const char *rel)
{
    if (!pki_grow((void **)&ld->files, &ld->capfiles, ld->nfiles + 1, sizeof *ld->files))
        return -1;
    if (!(ld->files[ld->nfiles] = pki_strdup(rel)))
        return -1;
    ld->nfiles++;
    return 0;
}

static int join(char *out, size_t n, const char *a, const char *b)
{
    int k = a[0] ? snprintf(out, n, "%s/%s", a, b) : snprintf(out, n, "%s", b);
    return k >= 0 && (size_t)k < n ? 0 : -1;
}

typedef struct dir_job {
    char *rel; /* relative to the root; "" for the root */
    unsigned depth;
} dir_job;

typedef struct dir_stack {
    dir_job *v;
    size_t n, cap;
} dir_stack;

/* One directory entry: a subdirectory goes on the work list, a rule file (or
 * a symbolic link to one inside the root) on the file list. Symbolic links to
 * directories are not followed (no loops, no escapes). */
static pk_status walk_entry(loader *ld, dir_stack *ds, int dfd, const char *rel, const char *name,
                            unsigned depth)
{
    char child[PATH_MAX], full[PATH_MAX], real[PATH_MAX];
    struct stat sb;
    if (join(child, sizeof child, rel, name) != 0 || join(full, sizeof full, ld->root, child) != 0)
        return fail(ld, PK_E_USAGE, "%s/%s: path too long", ld->user, rel);
    if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
        return fail(ld, PK_E_USAGE, "%s/%s: %s", ld->user, child, strerror(errno));
    if (S_ISDIR(sb.st_mode)) {
        if (depth + 1 > PKI_YARA_MAX_DEPTH)
            return fail(ld, PK_E_USAGE, "%s/%s: more than %u directory levels", ld->user, child,
                        PKI_YARA_MAX_DEPTH);
        if (!pki_grow((void **)&ds->v, &ds->cap, ds->n + 1, sizeof *ds->v))
            return PK_E_NOMEM;
        if (!(ds->v[ds->n].rel = pki_strdup(child)))
            return PK_E_NOMEM;
        ds->v[ds->n++].depth = depth + 1;
        return PK_OK;
    }
    if (!rule_ext(name))
        return PK_OK;
    if (S_ISLNK(sb.st_mode)) {
        /* followed only to a regular file inside the rules directory */
        if (!realpath(full, real))
            return fail(ld, PK_E_USAGE, "%s/%s: %s", ld->user, child, strerror(errno));
        if (!inside(ld, real))
            return fail(ld, PK_E_USAGE,
                        "%s/%s: a symbolic link to %s, outside the rules directory %s", ld->user,
                        child, real, ld->root);
        if (stat(real, &sb) != 0 || !S_ISREG(sb.st_mode))
            return PK_OK;
    } else if (!S_ISREG(sb.st_mode)) {
        return PK_OK;
    }
    if (ld->nfiles >= PKI_YARA_MAX_FILES)
        return fail(ld, PK_E_USAGE, "%s: more than %u rule files", ld->user, PKI_YARA_MAX_FILES);
    return add_file(ld, child) == 0 ? PK_OK : PK_E_NOMEM;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static pk_status walk(loader *ld)
{
    dir_stack ds = {0};
    pk_status st = PK_OK;
    if (!pki_grow((void **)&ds.v, &ds.cap, 1, sizeof *ds.v) || !(ds.v[0].rel = pki_strdup(""))) {
        pki_free(ds.v);
        return PK_E_NOMEM;
    }
    ds.v[0].depth = 0;
    ds.n = 1;
    while (ds.n > 0 && st == PK_OK) {
        dir_job job = ds.v[--ds.n];
        char full[PATH_MAX];
        int fd = -1;
        if (join(full, sizeof full, ld->root, job.rel) != 0)
            st = fail(ld, PK_E_USAGE, "%s/%s: path too long", ld->user, job.rel);
        else if ((fd = open(full, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
            st = fail(ld, PK_E_USAGE, "%s/%s: %s", ld->user, job.rel, strerror(errno));
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        if (fd >= 0 && !d) {
            close(fd);
            st = fail(ld, PK_E_USAGE, "%s/%s: %s", ld->user, job.rel, strerror(errno));
        }
        struct dirent *e;
        while (d && st == PK_OK && (e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                st = walk_entry(ld, &ds, dirfd(d), job.rel, e->d_name, job.depth);
        if (d)
            closedir(d);
        pki_free(job.rel);
    }
    while (ds.n > 0)
        pki_free(ds.v[--ds.n].rel);
    pki_free(ds.v);
    if (st == PK_OK && ld->nfiles == 0)
        st = fail(ld, PK_E_USAGE, "%s: no rule files (*.yar, *.yara, *.rules) in the directory",
                  ld->user);
    if (st == PK_OK)
        qsort(ld->files, ld->nfiles, sizeof *ld->files, cmp_str);
    return st;
}

/* The whole file at fd, NUL-terminated; NULL with ld->why set. */
static char *read_all(loader *ld, int fd, const char *what)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(ld->why, sizeof ld->why, "%.1024s is not a regular file", what);
        return NULL;
    }
    if ((uint64_t)sb.st_size > PKI_YARA_MAX_FILE ||
        ld->total + (uint64_t)sb.st_size > PKI_YARA_MAX_TOTAL) {
        snprintf(ld->why, sizeof ld->why,
                 "%.1024s: over the size limit (%u bytes a file, %llu in all)", what,
                 PKI_YARA_MAX_FILE, (unsigned long long)PKI_YARA_MAX_TOTAL);
        return NULL;
    }
    size_t n = (size_t)sb.st_size, got = 0;
    char *buf = pki_malloc(n + 1);
    if (!buf) {
        ld->nomem = 1;
        snprintf(ld->why, sizeof ld->why, "out of memory");
        return NULL;
    }
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    ld->total += got;
    return buf;
}

static void dir_of(const char *real, char *out, size_t n)
{
    const char *slash = strrchr(real, '/');
    size_t k = slash ? (size_t)(slash - real) : 0;
    if (k == 0)
        k = slash ? 1 : 0; /* "/x" lives in "/" */
    if (k >= n)
        k = n - 1;
    memcpy(out, real, k);
    out[k] = '\0';
}

/* libyara's include callback: the included file, read by us, only if it
 * resolves inside the rules directory. Relative names are relative to the
 * including file. NULL refuses (libyara then reports the include line). */
static const char *on_include(const char *name, const char *calling, const char *ns, void *ud)
{
    loader *ld = ud;
    (void)ns;
    ld->why[0] = '\0';
    const char *base = ld->top_dir;
    if (calling && ld->top_display && strcmp(calling, ld->top_display) != 0)
        for (size_t i = ld->ninc; i-- > 0;)
            if (!strcmp(ld->inc[i].raw, calling)) {
                base = ld->inc[i].dir;
                break;
            }
    char cand[PATH_MAX], real[PATH_MAX];
    int k = name[0] == '/' ? snprintf(cand, sizeof cand, "%s", name)
                           : snprintf(cand, sizeof cand, "%s/%s", base, name);
    if (k < 0 || (size_t)k >= sizeof cand) {
        snprintf(ld->why, sizeof ld->why, "include path too long");
        return NULL;
    }
    if (!realpath(cand, real)) {
        snprintf(ld->why, sizeof ld->why, "%.1024s: %s", cand, strerror(errno));
        return NULL;
    }
    if (!inside(ld, real)) {
        snprintf(ld->why, sizeof ld->why, "%.1024s is outside the rules directory %.1024s", real,
                 ld->root);
        return NULL;
    }
    int fd = open(real, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(ld->why, sizeof ld->why, "%.1024s: %s", real, strerror(errno));
        return NULL;
    }
    char *buf = read_all(ld, fd, real);
    close(fd);
    if (!buf)
        return NULL;
    if (!pki_grow((void **)&ld->inc, &ld->capinc, ld->ninc + 1, sizeof *ld->inc)) {
        pki_free(buf);
        ld->nomem = 1;
        return NULL;
    }
    inc_ent *e = &ld->inc[ld->ninc];
    e->raw = pki_strdup(name);
    e->dir = pki_malloc(PATH_MAX);
    if (!e->raw || !e->dir) {
        pki_free(e->raw);
        pki_free(e->dir);
        pki_free(buf);
        ld->nomem = 1;
        return NULL;
    }
    dir_of(real, e->dir, PATH_MAX);
    ld->ninc++;
    return buf;
}

static void on_include_free(const char *p, void *ud)
{
    (void)ud;
    pki_free((void *)p);
}

/* Keeps the first error as "file:line: message"; warnings are not errors. */
static void on_compile_msg(int level, const char *file, int line, const YR_RULE *rule,
                           const char *msg, void *ud)
{
    loader *ld = ud;
    (void)rule;
    if (level != YARA_ERROR_LEVEL_ERROR || ld->nerr++ > 0)
        return;
    const char *f = file ? file : (ld->top_display ? ld->top_display : ld->user);
    if (ld->why[0])
        snprintf(ld->err, ld->errlen, "%s:%d: %s (%s)", f, line, msg ? msg : "error", ld->why);
    else
        snprintf(ld->err, ld->errlen, "%s:%d: %s", f, line, msg ? msg : "error");
}

static void clear_includes(loader *ld)
{
    for (size_t i = 0; i < ld->ninc; i++) {
        pki_free(ld->inc[i].raw);
        pki_free(ld->inc[i].dir);
    }
    ld->ninc = 0;
}

static pk_status compile_one(loader *ld, YR_COMPILER *c, size_t i)
{
    char full[PATH_MAX], display[PATH_MAX], real[PATH_MAX];
    const char *rel = ld->files[i];
    const char *ns = rel;
    if (ld->single) {
        snprintf(display, sizeof display, "%s", ld->user);
        const char *slash = strrchr(ld->user, '/');
        ns = slash ? slash + 1 : ld->user;
        if (join(full, sizeof full, ld->root, rel) != 0)
            return fail(ld, PK_E_USAGE, "%s: path too long", ld->user);
    } else if (join(full, sizeof full, ld->root, rel) != 0 ||
               snprintf(display, sizeof display, "%s%s%s", ld->user,
                        ld->user[strlen(ld->user) - 1] == '/' ? "" : "/",
                        rel) >= (int)sizeof display) {
        return fail(ld, PK_E_USAGE, "%s/%s: path too long", ld->user, rel);
    }
    if (!realpath(full, real))
        return fail(ld, PK_E_USAGE, "%s: %s", display, strerror(errno));
    int fd = open(real, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(ld, PK_E_USAGE, "%s: %s", display, strerror(errno));
    ld->why[0] = '\0';
    char *text = read_all(ld, fd, display);
    close(fd);
    if (!text)
        return ld->nomem ? PK_E_NOMEM : fail(ld, PK_E_USAGE, "%s", ld->why);
    ld->top_display = display;
    dir_of(real, ld->top_dir, sizeof ld->top_dir);
    clear_includes(ld);
    /* read by us (size caps); libyara's messages then carry no file name
     * for this top file, so on_compile_msg uses top_display */
    int nerr = yr_compiler_add_string(c, text, ns);
    pki_free(text);
    if (nerr == 0)
        return PK_OK;
    if (!ld->err[0])
        fail(ld, PK_E_USAGE, "%s: does not compile", display);
    return ld->nomem ? PK_E_NOMEM : PK_E_USAGE;
}

static void loader_free(loader *ld)
{
    clear_includes(ld);
    pki_free(ld->inc);
    for (size_t i = 0; i < ld->nfiles; i++)
        pki_free(ld->files[i]);
    pki_free(ld->files);
}

pk_status pki_yara_compile(const char *path, YR_RULES **out, unsigned *nfiles, char *err,
                           size_t errlen)
{
    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.user = path;
    ld.err = err;
    ld.errlen = errlen;
    *out = NULL;
    *nfiles = 0;
    if (errlen)
        err[0] = '\0';
    if (!path || !path[0])
        return fail(&ld, PK_E_USAGE, "yara.rules: empty path");
    struct stat sb;
    char real[PATH_MAX];
    if (stat(path, &sb) != 0 || !realpath(path, real))
        return fail(&ld, PK_E_USAGE, "%s: %s", path, strerror(errno));
    pk_status st = PK_OK;
    if (S_ISDIR(sb.st_mode)) {
        snprintf(ld.root, sizeof ld.root, "%s", real);
        ld.rootlen = strlen(ld.root);
        st = walk(&ld);
    } else if (S_ISREG(sb.st_mode)) {
        /* a single file: includes may reach its own directory */
        ld.single = 1;
        dir_of(real, ld.root, sizeof ld.root);
        ld.rootlen = strlen(ld.root);
        const char *slash = strrchr(real, '/');
        st = add_file(&ld, slash ? slash + 1 : real) == 0 ? PK_OK : PK_E_NOMEM;
    } else {
        st = fail(&ld, PK_E_USAGE, "%s: not a rule file or a directory", path);
    }
    YR_COMPILER *c = NULL;
    if (st == PK_OK && yr_compiler_create(&c) != ERROR_SUCCESS)
        st = PK_E_NOMEM;
    if (st == PK_OK) {
        yr_compiler_set_callback(c, on_compile_msg, &ld);
        yr_compiler_set_include_callback(c, on_include, on_include_free, &ld);
        /* conventional externals (as in YARA scanners that walk files) */
        static const char *const ext[] = {"filename", "filepath", "extension", "filetype"};
        for (size_t i = 0; i < sizeof ext / sizeof ext[0] && st == PK_OK; i++)
            if (yr_compiler_define_string_variable(c, ext[i], "") != ERROR_SUCCESS)
                st = PK_E_NOMEM;
    }
    for (size_t i = 0; st == PK_OK && i < ld.nfiles; i++)
        st = compile_one(&ld, c, i);
    if (st == PK_OK && yr_compiler_get_rules(c, out) != ERROR_SUCCESS) {
        *out = NULL;
        st = PK_E_NOMEM;
    }
    if (c)
        yr_compiler_destroy(c);
    if (st == PK_OK)
        *nfiles = (unsigned)ld.nfiles;
    loader_free(&ld);
    return st;
}
