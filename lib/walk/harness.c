/* Runs one analyzer over raw bytes, for unit tests and fuzz targets. */
#include "harness_int.h"

#include "../match/match_int.h"
#include "../source/ftype_int.h"

#include <string.h>

typedef struct hctx {
    const pk_analyzer *a;
    const void *state;
    void *fstate;
    const pk_file *file;
    pk_emit *emit;
} hctx;

static void on_hit(void *ctx, unsigned analyzer_ix, uint32_t pat, uint64_t end)
{
    hctx *h = ctx;
    (void)analyzer_ix;
    pk_hit hit = {pat, end};
    if (h->a->on_match)
        h->a->on_match(h->state, h->fstate, h->file, &hit, h->emit);
}

/* Compiling the patterns takes far longer than matching a fuzz input, so each
 * analyzer's state and matcher are made once per process and kept (read-only,
 * as during a scan; still reachable at exit, so not a leak). Tests and fuzz
 * targets are single-threaded. */
#define CACHE_MAX 16
static struct {
    const pk_analyzer *a;
    void *state;
    pki_matcher *m;
} cache[CACHE_MAX];

static pk_status prepare(const pk_analyzer *a, void **state, pki_matcher **m)
{
    for (size_t i = 0; i < CACHE_MAX; i++) {
        if (cache[i].a == a) {
            *state = cache[i].state;
            *m = cache[i].m;
            return PK_OK;
        }
    }
    *state = NULL;
    *m = NULL;
    if (!a->init)
        return PK_OK;
    pki_match_builder *b = pki_match_builder_new();
    if (!b)
        return PK_E_NOMEM;
    pk_status st = a->init(pki_match_builder_reg(b, 0), state);
    if (st == PK_OK)
        st = pki_match_compile(b, m, NULL, 0);
    pki_match_builder_free(b);
    if (st != PK_OK) {
        if (a->fini)
            a->fini(*state);
        *state = NULL;
        return st;
    }
    for (size_t i = 0; i < CACHE_MAX; i++) {
        if (!cache[i].a) {
            cache[i].a = a;
            cache[i].state = *state;
            cache[i].m = *m;
            break;
        }
    }
    return PK_OK;
}

pk_status pki_harness_run(const pk_analyzer *a, pk_bytes data, const char *vpath, pki_frec *rec)
{
    pk_status st = PK_OK;
    void *state = NULL, *fstate = NULL;
    pki_matcher *m = NULL;
    pk_file file;
    memset(&file, 0, sizeof file);
    file.vpath = vpath;
    file.name = strrchr(vpath, '/') ? strrchr(vpath, '/') + 1 : vpath;
    file.size = data.len;
    file.head.ptr = data.ptr;
    file.head.len = data.len < 4096 ? data.len : 4096;
    file.type = pki_ftype_detect(file.head, data.len);
    pk_emit emit = {.rec = rec, .file = &file, .analyzer = a->name};

    if (a->fstate_size) {
        fstate = pki_calloc(1, a->fstate_size);
        if (!fstate)
            return PK_E_NOMEM;
    }
    st = prepare(a, &state, &m);
    if (st != PK_OK)
        goto out;
    if (m && pki_match_npatterns(m) > 0) {
        hctx h = {a, state, fstate, &file, &emit};
        pki_match_stream *s = NULL;
        st = pki_match_stream_open(m, &s);
        if (st != PK_OK)
            goto out;
        emit.win = data.ptr;
        emit.win_off = 0;
        emit.win_len = data.len;
        pki_match_stream_feed(s, data.ptr, data.len, on_hit, &h);
        pki_match_stream_close(s, on_hit, &h);
        emit.win = NULL;
        emit.win_len = 0;
    }
    if (a->analyze && (!a->claim || a->claim(&file) > 0)) {
        file.data = data;
        st = a->analyze(state, fstate, &file, &emit);
    }
out:
    pki_free(fstate);
    return st;
}
