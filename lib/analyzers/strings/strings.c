/* strings: printable ASCII and UTF-16LE runs, found by the shared matcher and
 * kept on the file for later analyzers (pk_emit_strings).
 *
 * One pattern per run kind fires once at each run's end (the run of at least
 * PK_STRINGS_MIN characters followed by a byte that ends it, or the end of the
 * file), so the cost is one callback per string, not per byte; the start is
 * found by walking back through the look-back window. */
#include <parakh/analyzer.h>

#include <string.h>

#define MIN_CHARS 6
#define MAX_CHARS 4096

enum { P_ASCII_TERM, P_ASCII_EOF, P_U16 };

typedef struct fstate {
    uint64_t ascii, utf16, dropped;
    /* UTF-16LE: the end of the last run emitted, or of a run still open at the
     * end of a block (pending), whose end is found once more bytes are seen */
    uint64_t u16_end, u16_start;
    int u16_pending;
} fstate;

#define PRINT "[\\x20-\\x7e\\t]"

/* UTF-16LE runs are found from two letters followed by four more printable
 * characters: any pattern whose literal part is a lone NUL byte makes the
 * matcher verify at every zero byte (11 MB/s on zero-filled regions, which
 * firmware and disk images are full of), while letter pairs expand to
 * literals (4 GB/s). Such a pattern fires at each position inside a run;
 * runs already emitted are skipped. */
static pk_status st_init(pk_match_reg *reg, void **state)
{
    *state = NULL;
    static const struct {
        uint32_t id;
        const char *re;
    } pats[] = {
        {P_ASCII_TERM, PRINT "{6}[^\\x20-\\x7e\\t]"},
        {P_ASCII_EOF, PRINT "{6}\\z"},
        {P_U16, "[A-Za-z]\\x00[A-Za-z]\\x00(?:" PRINT "\\x00){4}"},
    };
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
        pk_status st = pk_match_add(reg, pats[i].id, pats[i].re, 0, PK_PAT_DOTALL);
        if (st != PK_OK)
            return st;
    }
    return PK_OK;
}

static int printable(uint8_t c)
{
    return (c >= 0x20 && c <= 0x7e) || c == '\t';
}

static void keep(fstate *f, pk_emit *out, uint64_t off, const char *text, size_t n, int u16)
{
    if (n < MIN_CHARS)
        return;
    if (pk_emit_string_add(out, off, text, n, u16) != PK_OK) {
        f->dropped++;
        return;
    }
    if (u16)
        f->utf16++;
    else
        f->ascii++;
}

static void ascii_hit(fstate *f, const pk_hit *hit, pk_emit *out)
{
    uint64_t end = hit->end - (hit->pat == P_ASCII_TERM ? 1 : 0); /* one past the run */
    uint64_t from = end > MAX_CHARS ? end - MAX_CHARS : 0;
    pk_bytes b = pk_emit_window(out, from, end);
    size_t i = b.len;
    while (i > 0 && printable(b.ptr[i - 1]))
        i--;
    keep(f, out, end - (b.len - i), (const char *)b.ptr + i, b.len - i, 0);
}

/* Emits the UTF-16LE run [start, end) from bytes b that begin at offset base. */
static void u16_emit(fstate *f, pk_emit *out, pk_bytes b, uint64_t base, uint64_t start,
                     uint64_t end)
{
    if (end - start > 2ull * MAX_CHARS)
        start = end - 2ull * MAX_CHARS; /* keep the last MAX_CHARS characters */
    if (start < base)
        start = base + ((base - start) & 1); /* clipped by the window: stay aligned */
    if (end > base + b.len || end <= start)
        return;
    char text[MAX_CHARS];
    size_t n = 0;
    for (uint64_t o = start; o + 1 < end && n < MAX_CHARS; o += 2)
        text[n++] = (char)b.ptr[o - base];
    keep(f, out, start, text, n, 1);
}

/* Forward from `from` while pairs are (printable, NUL); stops at the end of b. */
static uint64_t u16_forward(pk_bytes b, uint64_t base, uint64_t from)
{
    uint64_t o = from;
    while (o + 2 <= base + b.len && printable(b.ptr[o - base]) && b.ptr[o - base + 1] == 0)
        o += 2;
    return o;
}

static void u16_hit(fstate *f, const pk_hit *hit, pk_emit *out)
{
    if (hit->end <= f->u16_end)
        return; /* inside a run already handled */
    /* everything visible: the look-back window and the current block */
    pk_bytes w = pk_emit_window(out, 0, UINT64_MAX);
    uint64_t base = hit->end - (pk_emit_window(out, 0, hit->end).len);
    uint64_t start = hit->end - 12;
    while (start >= base + 2 && printable(w.ptr[start - 2 - base]) && w.ptr[start - 1 - base] == 0)
        start -= 2;
    if (f->u16_pending) {
        if (start <= f->u16_end) {
            start = f->u16_start; /* the open run goes on */
        } else {
            uint64_t e = u16_forward(w, base, f->u16_end);
            u16_emit(f, out, w, base, f->u16_start, e);
        }
        f->u16_pending = 0;
    }
    uint64_t end = u16_forward(w, base, hit->end);
    if (end + 2 > base + w.len) {
        /* the run may go on in the next block */
        f->u16_pending = 1;
        f->u16_start = start;
        f->u16_end = end;
        return;
    }
    u16_emit(f, out, w, base, start, end);
    f->u16_end = end;
}

static void st_match(const void *state, void *fs, const pk_file *file, const pk_hit *hit,
                     pk_emit *out)
{
    (void)state;
    (void)file;
    if (hit->pat == P_U16)
        u16_hit(fs, hit, out);
    else
        ascii_hit(fs, hit, out);
}

static pk_status st_analyze(const void *state, void *fs, const pk_file *file, pk_emit *out)
{
    (void)state;
    fstate *f = fs;
    if (f->u16_pending) { /* the file ended inside a run, or mapping it failed */
        pk_bytes d = file->data;
        uint64_t end = d.ptr ? u16_forward(d, 0, f->u16_end) : f->u16_end;
        if (d.ptr)
            u16_emit(f, out, d, 0, f->u16_start, end);
        f->u16_pending = 0;
    }
    if (!f->ascii && !f->utf16 && !f->dropped)
        return PK_OK;
    pk_fact *o = pk_emit_facts(out);
    if (!o)
        return PK_E_NOMEM;
    pk_fact_set_int(o, "ascii", (int64_t)f->ascii);
    pk_fact_set_int(o, "utf16le", (int64_t)f->utf16);
    if (f->dropped)
        pk_fact_set_int(o, "not_kept", (int64_t)f->dropped);
    return PK_OK;
}

const pk_analyzer pki_analyzer_strings = {
    .name = "strings",
    .abi = PK_ANALYZER_ABI,
    .fstate_size = sizeof(fstate),
    .init = st_init,
    .on_match = st_match,
    .analyze = st_analyze,
};
