/* One file, one pass: read the bytes once, hashing them and feeding the shared
 * matcher; then let the format parsers and analyzers look at the mapped file;
 * then, for a container, unpack it entry by entry on an explicit stack of
 * frames (no recursion driven by input). */
#include "scan_int.h"

#include "../source/ftype_int.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK    (256u * 1024u)
#define HEAD_MAX (64u * 1024u)

typedef struct frame {
    pki_job *job;
    pki_filerec fr;
    pki_frec rec;
    pki_unpack *u;
    uint64_t deadline;
    uint64_t paused_at; /* a child runs inline on top: the deadline does not run */
} frame;

typedef struct pass_ctx {
    pk_scan *s;
    const pk_file *file;
    void **fstate;
    pk_emit *emit;
} pass_ctx;

static void on_hit(void *ctx, unsigned ix, uint32_t pat, uint64_t end)
{
    pass_ctx *p = ctx;
    const pk_analyzer *a = p->s->analyzers[ix];
    if (!a->on_match)
        return;
    pk_hit hit = {pat, end};
    p->emit->analyzer = a->name;
    a->on_match(p->s->astate[ix], p->fstate[ix], p->file, &hit, p->emit);
}

static void src_finding(pki_frec *rec, const char *vpath, const uint8_t *sha, const char *rule,
                        pk_severity sev, const char *msg)
{
    pk_finding_spec sp = {rule, sev, 100, {PK_LOC_NONE, 0, NULL}, {NULL, 0}};
    pki_frec_finding(rec, "source", vpath, sha, &sp, "%s", msg);
}

static const char *base_name(const char *vpath)
{
    const char *b = strrchr(vpath, '/');
    return b ? b + 1 : vpath;
}

/* The pass and the analyzers for one file. Fills f->fr and f->rec. Returns an
 * environment failure, else PK_OK (an unreadable file is a finding). */
static pk_status analyze_file(pk_scan *s, frame *f)
{
    pki_job *j = f->job;
    pk_status st = PK_OK;
    int fd = -1;
    uint8_t *buf = NULL, *head = NULL;
    void **fstate = NULL;
    pki_match_stream *ms = NULL;
    EVP_MD_CTX *h256 = NULL, *h1 = NULL;
    pk_file file;
    memset(&file, 0, sizeof file);
    f->fr.vpath = j->vpath;
    f->fr.depth = j->depth;
    f->fr.unpacked = j->unpacked;
    f->fr.truncated = j->truncated;
    f->fr.kind = PKI_KIND_FILE;
    f->deadline = pki_now_ms() + s->opts.limits.file_time_ms;

    fd = open(j->disk_path, O_RDONLY | (j->follow ? 0 : O_NOFOLLOW) | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        char msg[512];
        snprintf(msg, sizeof msg, "The file could not be read: %s.",
                 fd < 0 ? strerror(errno) : "not a regular file");
        src_finding(&f->rec, j->vpath, NULL, "PK-SRC-0015", PK_SEV_MEDIUM, msg);
        goto out;
    }
    buf = pki_malloc(PK_MATCH_LOOKBACK + BLOCK);
    head = pki_malloc(HEAD_MAX);
    fstate = pki_calloc(s->nanalyzers, sizeof *fstate);
    h256 = EVP_MD_CTX_new();
    h1 = EVP_MD_CTX_new();
    if (!buf || !head || !fstate || !h256 || !h1) {
        st = PK_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < s->nanalyzers; i++) {
        size_t n = s->analyzers[i]->fstate_size;
        if (n && !(fstate[i] = pki_calloc(1, n))) {
            st = PK_E_NOMEM;
            goto out;
        }
    }
    if (!EVP_DigestInit_ex(h256, EVP_sha256(), NULL) || !EVP_DigestInit_ex(h1, EVP_sha1(), NULL)) {
        st = PK_E_INTERNAL;
        goto out;
    }
    if ((st = pki_match_stream_open(s->matcher, &ms)) != PK_OK)
        goto out;

    file.vpath = j->vpath;
    file.name = base_name(j->vpath);
    file.depth = j->depth;
    pk_emit emit = {.rec = &f->rec, .file = &file};
    pass_ctx pc = {s, &file, fstate, &emit};

    /* buf holds [look-back | block]: the block is read behind up to
     * PK_MATCH_LOOKBACK bytes of what came before, so hits can see them. */
    size_t keep = 0;
    uint64_t off = 0, t0 = pki_now_ms();
    for (;;) {
        ssize_t n = read(fd, buf + keep, BLOCK);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            char msg[512];
            snprintf(msg, sizeof msg, "Reading the file failed at offset %llu: %s.",
                     (unsigned long long)off, strerror(errno));
            src_finding(&f->rec, j->vpath, NULL, "PK-SRC-0015", PK_SEV_MEDIUM, msg);
            break;
        }
        if (n == 0)
            break;
        if (off == 0) {
            size_t hl = (size_t)n < HEAD_MAX ? (size_t)n : HEAD_MAX;
            memcpy(head, buf, hl);
            file.head.ptr = head;
            file.head.len = hl;
            file.type = pki_ftype_detect(file.head, (uint64_t)sb.st_size);
        }
        EVP_DigestUpdate(h256, buf + keep, (size_t)n);
        EVP_DigestUpdate(h1, buf + keep, (size_t)n);
        emit.win = buf;
        emit.win_off = off - keep;
        emit.win_len = keep + (size_t)n;
        pki_match_stream_feed(ms, buf + keep, (size_t)n, on_hit, &pc);
        off += (uint64_t)n;
        atomic_fetch_add(&s->bytes_scanned, (uint64_t)n);
        size_t have = keep + (size_t)n;
        keep = have < PK_MATCH_LOOKBACK ? have : PK_MATCH_LOOKBACK;
        memmove(buf, buf + have - keep, keep);
        if (atomic_load(&s->cancel))
            break;
        if (pki_now_ms() > f->deadline) {
            char msg[512];
            snprintf(msg, sizeof msg,
                     "Analysis took longer than the per-file limit of %u ms and stopped at offset "
                     "%llu of %llu.",
                     s->opts.limits.file_time_ms, (unsigned long long)off,
                     (unsigned long long)sb.st_size);
            src_finding(&f->rec, j->vpath, NULL, "PK-SRC-0010", PK_SEV_MEDIUM, msg);
            break;
        }
    }
    emit.win_off = off - keep;
    emit.win_len = keep;
    pki_match_stream_close(ms, on_hit, &pc);
    ms = NULL;
    emit.win = NULL;
    emit.win_len = 0;
    unsigned hl = 0;
    EVP_DigestFinal_ex(h256, f->fr.sha256, &hl);
    EVP_DigestFinal_ex(h1, f->fr.sha1, &hl);
    f->fr.hashed = 1;
    f->fr.size = off;
    atomic_fetch_add(&s->ms_pass, pki_now_ms() - t0);
    t0 = pki_now_ms();
    if (off == 0)
        file.type = PK_FT_EMPTY;
    f->fr.type = file.type;
    file.size = off;
    memcpy(file.sha256, f->fr.sha256, 32);
    memcpy(file.sha1, f->fr.sha1, 20);
    atomic_fetch_add(&s->files_done, 1);

    /* Findings made during the pass carry the hash only now known. */
    for (size_t i = 0; i < f->rec.nfind; i++) {
        if (!f->rec.findings[i].has_sha256 && off > 0 &&
            strcmp(f->rec.findings[i].vpath, j->vpath) == 0) {
            memcpy(f->rec.findings[i].file_sha256, f->fr.sha256, 32);
            f->rec.findings[i].has_sha256 = 1;
        }
    }

    /* analyze(): the parsers see the whole file, mapped read-only */
    void *map = NULL;
    if (off > 0 && !atomic_load(&s->cancel)) {
        map = mmap(NULL, (size_t)off, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED)
            map = NULL;
    }
    if (map) {
        file.data.ptr = map;
        file.data.len = (size_t)off;
        file.head.ptr = map;
        file.head.len = off < HEAD_MAX ? (size_t)off : HEAD_MAX;
    }
    for (size_t i = 0; i < s->nanalyzers && !atomic_load(&s->cancel); i++) {
        const pk_analyzer *a = s->analyzers[i];
        if (!a->analyze || (a->claim && a->claim(&file) == 0))
            continue;
        if (!map && off > 0)
            continue; /* cannot be mapped: the pass-only analyzers already ran */
        emit.analyzer = a->name;
        pk_status ast = a->analyze(s->astate[i], fstate[i], &file, &emit);
        if (ast == PK_E_NOMEM) {
            st = ast;
            break;
        }
    }
    if (map)
        munmap(map, (size_t)off);
    atomic_fetch_add(&s->ms_analyze, pki_now_ms() - t0);
out:
    if (ms)
        pki_match_stream_close(ms, NULL, NULL);
    EVP_MD_CTX_free(h256);
    EVP_MD_CTX_free(h1);
    if (fstate)
        for (size_t i = 0; i < s->nanalyzers; i++)
            pki_free(fstate[i]);
    pki_free(fstate);
    pki_free(buf);
    pki_free(head);
    if (fd >= 0)
        close(fd);
    return st;
}

static pki_kind kind_of(pki_ent_kind k)
{
    switch (k) {
    case PKI_ENT_SYMLINK:
        return PKI_KIND_SYMLINK;
    case PKI_ENT_HARDLINK:
        return PKI_KIND_HARDLINK;
    case PKI_ENT_CHARDEV:
    case PKI_ENT_BLOCKDEV:
        return PKI_KIND_DEVICE;
    case PKI_ENT_FIFO:
        return PKI_KIND_FIFO;
    case PKI_ENT_SOCKET:
        return PKI_KIND_SOCKET;
    case PKI_ENT_FILE:
        return PKI_KIND_FILE;
    default:
        return PKI_KIND_OTHER;
    }
}

static void add_diag(frame *f, const pki_unpack_diag *d)
{
    if (!d->spec.rule_id)
        return;
    /* about the container itself: its hash is known, so the finding carries it */
    const uint8_t *sha = f->fr.hashed && strcmp(d->vpath, f->job->vpath) == 0 ? f->fr.sha256 : NULL;
    pki_frec_finding(&f->rec, "source", d->vpath, sha, &d->spec, "%s", d->message);
}

/* Decides whether the frame's file is opened as a container. */
static pk_status open_container(pk_scan *s, frame *f)
{
    pki_job *j = f->job;
    pk_ftype t = f->fr.type;
    if (!(pk_ftype_is_container(t) || t == PK_FT_PE) || atomic_load(&s->cancel))
        return PK_OK;
    const pk_limits *lim = &s->opts.limits;
    if (j->depth >= lim->max_depth) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "Nesting depth limit of %u reached: this %s container was not opened.",
                 lim->max_depth, pk_ftype_name(t));
        src_finding(&f->rec, j->vpath, f->fr.sha256, "PK-SRC-0006", PK_SEV_HIGH, msg);
        return PK_OK;
    }
    for (unsigned i = 0; i < j->nanc; i++) {
        if (memcmp(j->anc[i], f->fr.sha256, 32) == 0) {
            src_finding(&f->rec, j->vpath, f->fr.sha256, "PK-SRC-0011", PK_SEV_HIGH,
                        "Recursive archive: this container is byte-identical to one that holds "
                        "it (a quine); it was not opened again.");
            return PK_OK;
        }
    }
    pki_unpack_diag d;
    pk_status st = pki_unpack_open(&s->env, j->disk_path, j->vpath, t, f->fr.size, &f->u, &d);
    add_diag(f, &d);
    return st;
}

static pk_status frame_start(pk_scan *s, frame *f, pki_job *j)
{
    memset(f, 0, sizeof *f);
    f->job = j;
    pk_status st = pki_frec_init(&f->rec);
    if (st != PK_OK)
        return st;
    if ((st = analyze_file(s, f)) != PK_OK)
        return st;
    return open_container(s, f);
}

/* Records the frame's file and releases the frame. */
static pk_status frame_end(pk_scan *s, frame *f)
{
    pk_status st = PK_OK;
    if (f->u) {
        f->fr.container = pki_unpack_format(f->u);
        f->fr.container_entries = pki_unpack_entries(f->u);
    }
    if (f->fr.vpath)
        st = pki_results_add(s, &f->fr, &f->rec);
    pki_unpack_close(f->u);
    pki_frec_fini(&f->rec);
    pki_job_free(s, f->job);
    memset(f, 0, sizeof *f);
    return st;
}

static pki_job *child_job(frame *f, const pki_unpacked *e)
{
    pki_job *c = pki_job_new(e->vpath, e->disk_path, 1, f->job->depth + 1);
    if (!c)
        return NULL;
    c->unpacked = 1;
    c->nanc = f->job->nanc + 1;
    c->anc = pki_malloc(c->nanc * sizeof *c->anc);
    if (!c->anc) {
        pki_job_free(NULL, c);
        return NULL;
    }
    if (f->job->nanc)
        memcpy(c->anc, f->job->anc, f->job->nanc * sizeof *c->anc);
    memcpy(c->anc[f->job->nanc], f->fr.sha256, 32);
    return c;
}

static void resume(frame *stack, unsigned top)
{
    if (top > 0 && stack[top - 1].paused_at) {
        stack[top - 1].deadline += pki_now_ms() - stack[top - 1].paused_at;
        stack[top - 1].paused_at = 0;
    }
}

pk_status pki_process(pk_scan *s, pki_job *job)
{
    unsigned cap = s->opts.limits.max_depth + 2;
    frame *stack = pki_calloc(cap, sizeof *stack);
    if (!stack) {
        pki_job_free(s, job);
        return PK_E_NOMEM;
    }
    unsigned top = 0;
    pk_status st = frame_start(s, &stack[top++], job);
    while (st == PK_OK && top > 0) {
        frame *f = &stack[top - 1];
        if (!f->u) {
            st = frame_end(s, f);
            top--;
            resume(stack, top);
            continue;
        }
        pki_unpacked e;
        pki_unpack_diag d[PKI_UNPACK_DIAGS];
        /* the deadline of a container pauses while its children run inline */
        uint64_t t0 = pki_now_ms();
        int r = pki_unpack_next(f->u, &e, d, f->deadline);
        atomic_fetch_add(&s->ms_unpack, pki_now_ms() - t0);
        for (unsigned i = 0; i < PKI_UNPACK_DIAGS; i++)
            add_diag(f, &d[i]);
        if (r < 0) {
            st = (pk_status)-r;
            if (st == PK_E_IO)
                pki_scan_seterr(s, "writing to the temporary directory %s failed: %s", s->tmpdir,
                                strerror(errno));
            break;
        }
        if (r == 0) {
            st = frame_end(s, f);
            top--;
            resume(stack, top);
            continue;
        }
        if (e.kind == PKI_ENT_DIR)
            continue; /* returned only for its hostile name, already reported */
        if (e.kind != PKI_ENT_FILE || !e.disk_path) {
            pki_filerec fr;
            memset(&fr, 0, sizeof fr);
            fr.vpath = e.vpath;
            fr.kind = kind_of(e.kind);
            fr.link_target = e.link_target;
            fr.depth = f->job->depth + 1;
            fr.unpacked = 0; /* recorded, not created */
            st = pki_results_add(s, &fr, NULL);
            continue;
        }
        pki_job *c = child_job(f, &e);
        if (!c) {
            st = PK_E_NOMEM;
            break;
        }
        c->truncated = e.truncated;
        if (pki_queue_push(s, c, 0))
            continue;
        /* queue full: run the child here, on top of its container */
        if (top >= cap) {
            pki_job_free(s, c);
            continue;
        }
        f->paused_at = pki_now_ms();
        st = frame_start(s, &stack[top++], c);
    }
    while (top > 0) {
        pk_status st2 = frame_end(s, &stack[--top]);
        if (st == PK_OK)
            st = st2;
    }
    pki_free(stack);
    return st;
}
