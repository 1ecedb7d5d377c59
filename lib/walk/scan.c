/* The scan: inputs, the private temp tree, the worker pool and its queue. */
#include "scan_int.h"

#include "../analyzers/registry_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Queue bound: unpacked files wait on disk, so the queue bounds disk use too. */
#define QUEUE_MAX 64u
#define JOBS_MAX  256u

const char *pk_version(void)
{
    return PK_VERSION;
}

void pk_limits_default(pk_limits *l)
{
    l->max_depth = 16;
    l->max_total_bytes = 16ull << 30;
    l->max_file_bytes = 4ull << 30;
    l->max_ratio = 200;
    l->max_entries = 1000000;
    l->file_time_ms = 300000;
    l->disk_reserve = 512ull << 20;
}

void pk_scan_opts_default(pk_scan_opts *o)
{
    memset(o, 0, sizeof *o);
    pk_limits_default(&o->limits);
}

void pki_scan_seterr(pk_scan *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
}

const char *pk_scan_errmsg(const pk_scan *s)
{
    return s ? s->errmsg : "";
}

pk_status pk_scan_new(const pk_scan_opts *opts, pk_scan **out)
{
    if (!out)
        return PK_E_MISUSE;
    *out = NULL;
    pk_scan_opts def;
    if (!opts) {
        pk_scan_opts_default(&def);
        opts = &def;
    }
    const pk_limits *l = &opts->limits;
    if (l->max_depth == 0 || l->max_depth > 1024 || l->max_total_bytes == 0 ||
        l->max_file_bytes == 0 || l->max_ratio == 0 || l->max_entries == 0 ||
        l->file_time_ms == 0 || opts->jobs > JOBS_MAX)
        return PK_E_USAGE;
    pk_scan *s = pki_calloc(1, sizeof *s);
    if (!s)
        return PK_E_NOMEM;
    s->opts = *opts;
    s->opts.tmpdir = NULL;
    const char *td = opts->tmpdir ? opts->tmpdir : getenv("TMPDIR");
    snprintf(s->tmpdir, sizeof s->tmpdir, "%s/parakh-XXXXXX", td && *td ? td : "/tmp");
    if (s->opts.jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s->opts.jobs = n > 0 ? (unsigned)(n > (long)JOBS_MAX ? JOBS_MAX : n) : 1;
    }
    s->arena = pki_arena_new();
    s->components = json_array();
    if (!s->arena || !s->components) {
        pki_arena_free(s->arena);
        json_decref(s->components);
        pki_free(s);
        return PK_E_NOMEM;
    }
    pthread_mutex_init(&s->qmu, NULL);
    pthread_cond_init(&s->qcv, NULL);
    pthread_mutex_init(&s->rmu, NULL);
    *out = s;
    return PK_OK;
}

pk_status pk_scan_add_path(pk_scan *s, const char *path)
{
    if (!s || !path || s->ran)
        return PK_E_MISUSE;
    struct stat st;
    if (stat(path, &st) != 0) {
        pki_scan_seterr(s, "%s: %s", path, strerror(errno));
        return PK_E_IO;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) {
            pki_scan_seterr(s, "%s: %s", path, strerror(errno));
            return PK_E_IO;
        }
        closedir(d);
    } else if (S_ISREG(st.st_mode)) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            pki_scan_seterr(s, "%s: %s", path, strerror(errno));
            return PK_E_IO;
        }
        close(fd);
    } else {
        pki_scan_seterr(s, "%s: not a regular file or directory", path);
        return PK_E_IO;
    }
    if (!pki_grow((void **)&s->inputs, &s->capinputs, s->ninputs + 1, sizeof(pki_input)))
        return PK_E_NOMEM;
    char *p = pki_strdup(path);
    if (!p)
        return PK_E_NOMEM;
    /* "dir/" and "dir" name the same input; evidence paths read better without */
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = 0;
    s->inputs[s->ninputs++] = (pki_input){p, S_ISDIR(st.st_mode)};
    return PK_OK;
}

void pk_scan_cancel(pk_scan *s)
{
    if (s)
        atomic_store(&s->cancel, 1);
}

/* ---- jobs and queue ---- */

pki_job *pki_job_new(const char *vpath, const char *disk_path, int is_temp, unsigned depth)
{
    pki_job *j = pki_calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->vpath = pki_strdup(vpath);
    j->disk_path = pki_strdup(disk_path);
    j->is_temp = is_temp;
    j->depth = depth;
    if (!j->vpath || !j->disk_path) {
        if (is_temp)
            unlink(disk_path);
        pki_free(j->vpath);
        pki_free(j->disk_path);
        pki_free(j);
        return NULL;
    }
    return j;
}

void pki_job_free(pk_scan *s, pki_job *j)
{
    (void)s;
    if (!j)
        return;
    if (j->is_temp && j->disk_path)
        unlink(j->disk_path);
    pki_free(j->vpath);
    pki_free(j->disk_path);
    pki_free(j->anc);
    pki_free(j);
}

int pki_queue_push(pk_scan *s, pki_job *j, int block)
{
    pthread_mutex_lock(&s->qmu);
    while (s->qlen >= QUEUE_MAX) {
        if (!block || atomic_load(&s->cancel)) {
            pthread_mutex_unlock(&s->qmu);
            return 0;
        }
        pthread_cond_wait(&s->qcv, &s->qmu);
    }
    j->next = NULL;
    if (s->qtail)
        s->qtail->next = j;
    else
        s->qhead = j;
    s->qtail = j;
    s->qlen++;
    pthread_cond_broadcast(&s->qcv);
    pthread_mutex_unlock(&s->qmu);
    return 1;
}

static void *worker(void *arg)
{
    pk_scan *s = arg;
    pthread_mutex_lock(&s->qmu);
    for (;;) {
        while (!s->qhead && (s->producing || s->active > 0))
            pthread_cond_wait(&s->qcv, &s->qmu);
        if (!s->qhead)
            break;
        pki_job *j = s->qhead;
        s->qhead = j->next;
        if (!s->qhead)
            s->qtail = NULL;
        s->qlen--;
        s->active++;
        pthread_cond_broadcast(&s->qcv);
        pthread_mutex_unlock(&s->qmu);

        pk_status st = PK_OK;
        if (atomic_load(&s->cancel) || s->fatal != PK_OK)
            pki_job_free(s, j);
        else
            st = pki_process(s, j);

        pthread_mutex_lock(&s->qmu);
        if (st != PK_OK && s->fatal == PK_OK) {
            s->fatal = st;
            atomic_store(&s->cancel, 1);
        }
        s->active--;
        pthread_cond_broadcast(&s->qcv);
    }
    pthread_mutex_unlock(&s->qmu);
    return NULL;
}

/* ---- results ---- */

pk_status pki_results_add(pk_scan *s, pki_filerec *fr, pki_frec *rec)
{
    pk_status st = PK_OK;
    pthread_mutex_lock(&s->rmu);
    if (!pki_grow((void **)&s->files, &s->capfiles, s->nfiles + 1, sizeof(pki_filerec)) ||
        (rec && !pki_grow((void **)&s->findings, &s->capfind, s->nfind + rec->nfind,
                          sizeof(pk_finding)))) {
        st = PK_E_NOMEM;
        goto out;
    }
    pki_filerec *d = &s->files[s->nfiles];
    *d = *fr;
    d->vpath = pki_arena_strdup(s->arena, fr->vpath);
    d->link_target = fr->link_target ? pki_arena_strdup(s->arena, fr->link_target) : NULL;
    d->container = fr->container ? pki_arena_strdup(s->arena, fr->container) : NULL;
    if (!d->vpath || (fr->link_target && !d->link_target) || (fr->container && !d->container)) {
        st = PK_E_NOMEM;
        goto out;
    }
    d->facts = NULL;
    if (rec) {
        if (json_object_size(rec->facts) > 0)
            d->facts = json_incref(rec->facts);
        if (rec->nfind) /* memcpy from NULL is undefined even for 0 bytes */
            memcpy(s->findings + s->nfind, rec->findings, rec->nfind * sizeof(pk_finding));
        s->nfind += rec->nfind;
        s->dropped_findings += rec->dropped_findings;
        rec->nfind = 0;
        s->dropped_components += rec->dropped_components;
        if (json_array_size(rec->components) &&
            json_array_extend(s->components, rec->components) != 0) {
            st = PK_E_NOMEM;
            goto out;
        }
        /* the findings' strings live in the record's arena: keep them */
        pki_arena_splice(s->arena, rec->arena);
    }
    s->nfiles++;
out:
    pthread_mutex_unlock(&s->rmu);
    return st;
}

static int cmp_file(const void *a, const void *b)
{
    const pki_filerec *x = a, *y = b;
    return strcmp(x->vpath, y->vpath);
}

int pki_finding_cmp(const void *a, const void *b)
{
    const pk_finding *x = a, *y = b;
    int c = strcmp(x->vpath, y->vpath);
    if (c)
        return c;
    if (x->loc.offset != y->loc.offset)
        return x->loc.offset < y->loc.offset ? -1 : 1;
    c = strcmp(x->rule_id, y->rule_id);
    if (c)
        return c;
    return strcmp(x->message, y->message);
}

size_t pk_scan_findings(const pk_scan *s, const pk_finding **list)
{
    if (!s || !list)
        return 0;
    *list = s->findings;
    return s->nfind;
}

size_t pk_scan_file_count(const pk_scan *s)
{
    return s ? s->nfiles : 0;
}

/* ---- the temp tree ---- */

static void tmp_remove(pk_scan *s)
{
    if (!s->tmp_made)
        return;
    /* flat by construction: files only, named f<n> */
    DIR *d = opendir(s->tmpdir);
    if (d) {
        struct dirent *e;
        int dfd = dirfd(d);
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlinkat(dfd, e->d_name, 0);
        closedir(d);
    }
    rmdir(s->tmpdir);
    s->tmp_made = 0;
}

static void utc_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static pk_status start_analyzers(pk_scan *s)
{
    s->nanalyzers = pki_analyzers(&s->analyzers);
    s->astate = pki_calloc(s->nanalyzers, sizeof(void *));
    pki_match_builder *b = pki_match_builder_new();
    if (!s->astate || !b) {
        pki_match_builder_free(b);
        return PK_E_NOMEM;
    }
    pk_status st = PK_OK;
    pki_match_builder_options(b, s->opts.options, s->opts.noptions);
    for (size_t i = 0; i < s->nanalyzers && st == PK_OK; i++) {
        const pk_analyzer *a = s->analyzers[i];
        if (a->abi != PK_ANALYZER_ABI) {
            pki_scan_seterr(s, "analyzer %s has ABI %u, expected %u", a->name, a->abi,
                            PK_ANALYZER_ABI);
            st = PK_E_INTERNAL;
        } else if (a->init) {
            st = a->init(pki_match_builder_reg(b, (unsigned)i), &s->astate[i]);
            if (st != PK_OK)
                pki_scan_seterr(s, "analyzer %s failed to start: %s", a->name,
                                pki_match_builder_error(b)[0] ? pki_match_builder_error(b)
                                                              : pk_status_str(st));
        }
    }
    char err[512] = "";
    if (st == PK_OK && (st = pki_match_compile(b, &s->matcher, err, sizeof err)) != PK_OK)
        pki_scan_seterr(s, "matcher: %s", err);
    pki_match_builder_free(b);
    return st;
}

static void stop_analyzers(pk_scan *s)
{
    for (size_t i = 0; s->astate && i < s->nanalyzers; i++)
        if (s->analyzers[i]->fini)
            s->analyzers[i]->fini(s->astate[i]);
    pki_free(s->astate);
    s->astate = NULL;
    pki_match_free(s->matcher);
    s->matcher = NULL;
}

static void report_progress(pk_scan *s)
{
    if (!s->opts.progress)
        return;
    pk_progress p = {atomic_load(&s->files_done), atomic_load(&s->bytes_scanned),
                     pki_now_ms() - s->started_ms};
    s->opts.progress(s->opts.progress_ud, &p);
}

pk_status pk_scan_run(pk_scan *s)
{
    if (!s || s->ran)
        return PK_E_MISUSE;
    s->ran = 1;
    s->started_ms = pki_now_ms();
    utc_now(s->started_utc, sizeof s->started_utc);
    if (!mkdtemp(s->tmpdir)) {
        pki_scan_seterr(s, "cannot create a temporary directory from %s: %s", s->tmpdir,
                        strerror(errno));
        return PK_E_IO;
    }
    s->tmp_made = 1;
    s->env = (pki_unpack_env){&s->opts.limits, s->tmpdir,  &s->total_bytes,   &s->total_entries,
                              &s->tmp_seq,     &s->cancel, &s->stop_unpacking};
    pk_status st = start_analyzers(s);
    if (st != PK_OK) {
        stop_analyzers(s);
        tmp_remove(s);
        return st;
    }
    pthread_t *th = pki_calloc(s->opts.jobs, sizeof *th);
    if (!th) {
        stop_analyzers(s);
        tmp_remove(s);
        return PK_E_NOMEM;
    }
    s->producing = 1;
    unsigned started = 0;
    for (; started < s->opts.jobs; started++)
        if (pthread_create(&th[started], NULL, worker, s) != 0)
            break;
    if (started == 0) {
        pki_free(th);
        stop_analyzers(s);
        tmp_remove(s);
        pki_scan_seterr(s, "cannot start worker threads");
        return PK_E_INTERNAL;
    }

    for (size_t i = 0; i < s->ninputs && !atomic_load(&s->cancel); i++) {
        pki_input *in = &s->inputs[i];
        if (in->is_dir) {
            pk_status d = pki_dirwalk(s, in->path); /* the root itself may be a symlink */
            if (d != PK_OK && st == PK_OK)
                st = d;
        } else {
            pki_job *j = pki_job_new(in->path, in->path, 0, 0);
            if (!j) {
                st = PK_E_NOMEM;
                break;
            }
            /* as for a directory root: the path the user named is followed if
             * it is a symlink (libssl.so.3); nothing found below ever is */
            j->follow = 1;
            pki_queue_push(s, j, 1);
        }
    }

    pthread_mutex_lock(&s->qmu);
    s->producing = 0;
    pthread_cond_broadcast(&s->qcv);
    while (s->qhead || s->active > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&s->qcv, &s->qmu, &ts);
        pthread_mutex_unlock(&s->qmu);
        report_progress(s);
        pthread_mutex_lock(&s->qmu);
    }
    pthread_mutex_unlock(&s->qmu);
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pki_free(th);
    report_progress(s);
    stop_analyzers(s);
    tmp_remove(s);

    /* qsort(NULL, 0) is undefined: an empty scan has no arrays */
    if (s->nfiles)
        qsort(s->files, s->nfiles, sizeof *s->files, cmp_file);
    if (s->nfind)
        qsort(s->findings, s->nfind, sizeof *s->findings, pki_finding_cmp);
    s->finished_ms = pki_now_ms();
    utc_now(s->finished_utc, sizeof s->finished_utc);
    if (st == PK_OK && s->fatal != PK_OK)
        st = s->fatal;
    if (st == PK_OK && atomic_load(&s->cancel))
        st = PK_E_CANCELED;
    if (st != PK_OK && !s->errmsg[0])
        pki_scan_seterr(s, "%s", pk_status_str(st));
    return st;
}

void pk_scan_free(pk_scan *s)
{
    if (!s)
        return;
    tmp_remove(s);
    for (size_t i = 0; i < s->ninputs; i++)
        pki_free(s->inputs[i].path);
    pki_free(s->inputs);
    for (size_t i = 0; i < s->nfiles; i++)
        json_decref(s->files[i].facts);
    json_decref(s->components);
    pki_free(s->files);
    pki_free(s->findings);
    pki_arena_free(s->arena);
    pthread_mutex_destroy(&s->qmu);
    pthread_cond_destroy(&s->qcv);
    pthread_mutex_destroy(&s->rmu);
    pki_free(s);
}
