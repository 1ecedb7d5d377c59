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

enum { P_ASCII_TERM, P_ASCII_EOF, P_U16_TERM, P_U16_EOF, P_U16_EOF1 };

typedef struct fstate {
    uint64_t ascii, utf16, dropped;
} fstate;

#define PRINT "[\\x20-\\x7e\\t]"

static pk_status st_init(pk_match_reg *reg, void **state)
{
    *state = NULL;
    static const struct {
        uint32_t id;
        const char *re;
    } pats[] = {
        {P_ASCII_TERM, PRINT "{6}[^\\x20-\\x7e\\t]"},
        {P_ASCII_EOF, PRINT "{6}\\z"},
        {P_U16_TERM, "(?:" PRINT "\\x00){6}(?:[^\\x20-\\x7e\\t][\\x00-\\xff]|" PRINT "[^\\x00])"},
        {P_U16_EOF, "(?:" PRINT "\\x00){6}\\z"},
        {P_U16_EOF1, "(?:" PRINT "\\x00){6}[\\x00-\\xff]\\z"},
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

static void st_match(const void *state, void *fs, const pk_file *file, const pk_hit *hit,
                     pk_emit *out)
{
    (void)state;
    (void)file;
    fstate *f = fs;
    int u16 = hit->pat >= P_U16_TERM;
    uint64_t end = hit->end; /* one past the run */
    if (hit->pat == P_ASCII_TERM)
        end -= 1;
    else if (hit->pat == P_U16_TERM)
        end -= 2;
    else if (hit->pat == P_U16_EOF1)
        end -= 1;
    unsigned w = u16 ? 2 : 1;
    uint64_t from = end > (uint64_t)MAX_CHARS * w ? end - (uint64_t)MAX_CHARS * w : 0;
    pk_bytes b = pk_emit_window(out, from, end);
    if (b.len < (size_t)MIN_CHARS * w)
        return;
    /* walk back to the run's start */
    size_t i = b.len;
    if (!u16) {
        while (i > 0 && printable(b.ptr[i - 1]))
            i--;
    } else {
        if (b.len % 2) { /* the window clipped the start: keep pairs aligned to the end */
            b.ptr++;
            b.len--;
        }
        i = b.len;
        while (i >= 2 && b.ptr[i - 1] == 0 && printable(b.ptr[i - 2]))
            i -= 2;
    }
    size_t nbytes = b.len - i;
    char text[MAX_CHARS + 1];
    size_t n = 0;
    for (size_t k = i; k < b.len; k += w)
        text[n++] = (char)b.ptr[k];
    if (n < MIN_CHARS)
        return;
    uint64_t off = end - nbytes;
    if (pk_emit_string_add(out, off, text, n, u16) != PK_OK) {
        f->dropped++;
        return;
    }
    if (u16)
        f->utf16++;
    else
        f->ascii++;
}

static pk_status st_analyze(const void *state, void *fs, const pk_file *file, pk_emit *out)
{
    (void)state;
    (void)file;
    fstate *f = fs;
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
