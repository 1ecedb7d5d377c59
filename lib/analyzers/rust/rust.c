/* The rust analyzer: Rust crates in a binary. cargo-auditable's .dep-v0
 * section lists them exactly (rust_sec.c, rust_dep.c); without it, the Cargo
 * registry paths panic messages keep ("~/.cargo/registry/src/<index>/
 * <crate>-<version>/src/lib.rs") name some of them. Those paths are found by
 * the shared matcher during the one pass and kept (deduplicated, bounded) in
 * the file's state; analyze() emits them only when the section is absent. */
#include "rust_int.h"

#include <parakh/component.h>
#include <string.h>

#define RULE_PANIC  "rust-panic-path"
#define CONF_PANIC  40
#define MAX_PANIC   128u /* distinct crate@version paths kept per file */
#define MAX_SEGMENT 160u /* bytes of "<crate>-<version>" */
#define MAX_CRATE   64u
#define PANIC_PAT   0u

/* $CARGO_HOME/registry/src/<index>-<16 hex digits>/<crate>-<version>/ (any
 * CARGO_HOME: "~/.cargo", "/cargo" in CI images, C:\Users\u\.cargo); crate
 * names are [A-Za-z0-9_-] (crates.io), versions SemVer with optional
 * pre-release and build parts. */
static const char panic_re[] =
    "[/\\\\]registry[/\\\\]src[/\\\\][A-Za-z0-9._\\-]{1,80}-[0-9a-f]{16}[/\\\\]"
    "[A-Za-z0-9_\\-]{1,64}-[0-9]{1,9}\\.[0-9]{1,9}\\.[0-9]{1,9}[A-Za-z0-9.+\\-]{0,64}[/\\\\]";

typedef struct panic_hit {
    uint64_t off; /* of "<crate>-<version>" */
    uint32_t len;
    uint32_t dash; /* offset of the '-' before the version, from off */
    uint64_t hash;
} panic_hit;

typedef struct fstate {
    panic_hit hits[MAX_PANIC];
    unsigned n;
} fstate;

static pk_status rust_init(pk_match_reg *reg, void **state)
{
    *state = NULL;
    return pk_match_add(reg, PANIC_PAT, panic_re, 0, 0);
}

static bool is_exe(pk_ftype t)
{
    return t == PK_FT_ELF || t == PK_FT_PE || t == PK_FT_MACHO || t == PK_FT_MACHO_FAT;
}

static unsigned rust_claim(const pk_file *file)
{
    return is_exe(file->type) ? 50 : 0;
}

static bool digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* Whether s[0..n) starts like "1.2.3" (the rest is pre-release/build). */
static bool semver_start(const uint8_t *s, size_t n)
{
    size_t i = 0;
    for (int part = 0; part < 3; part++) {
        size_t d = i;
        while (i < n && digit(s[i]))
            i++;
        if (i == d)
            return false;
        if (part < 2) {
            if (i >= n || s[i] != '.')
                return false;
            i++;
        }
    }
    return i == n || s[i] == '-' || s[i] == '+';
}

/* Splits "<crate>-<version>" at the first '-' that a SemVer follows. */
static bool split_segment(const uint8_t *s, size_t n, size_t *dash)
{
    for (size_t i = 1; i + 1 < n && i <= MAX_CRATE; i++)
        if (s[i] == '-' && semver_start(s + i + 1, n - i - 1)) {
            *dash = i;
            return true;
        }
    return false;
}

static uint64_t fnv1a(const uint8_t *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

static void rust_match(const void *state, void *fs, const pk_file *file, const pk_hit *hit,
                       pk_emit *out)
{
    (void)state;
    fstate *f = fs;
    if (!is_exe(file->type) || f->n >= MAX_PANIC || hit->end < 2)
        return;
    uint64_t from = hit->end > MAX_SEGMENT + 1 ? hit->end - MAX_SEGMENT - 1 : 0;
    pk_bytes w = pk_emit_window(out, from, hit->end);
    if (w.len < 2)
        return;
    uint64_t base = hit->end - w.len;
    size_t end = w.len - 1, start = end; /* w.ptr[end] is the closing separator */
    while (start > 0 && w.ptr[start - 1] != '/' && w.ptr[start - 1] != '\\')
        start--;
    if (start == 0)
        return; /* the segment does not fit in the window */
    size_t dash;
    if (!split_segment(w.ptr + start, end - start, &dash))
        return;
    uint64_t h = fnv1a(w.ptr + start, end - start);
    for (unsigned i = 0; i < f->n; i++)
        if (f->hits[i].hash == h)
            return;
    f->hits[f->n++] = (panic_hit){base + start, (uint32_t)(end - start), (uint32_t)dash, h};
}

static pk_status emit_panic(const fstate *f, const pk_file *file, pk_emit *out)
{
    pk_rd rd = pk_rd_make(file->data);
    for (unsigned i = 0; i < f->n; i++) {
        const panic_hit *p = &f->hits[i];
        pk_rd seg;
        char name[MAX_CRATE + 1], version[MAX_SEGMENT + 1];
        if (!pk_rd_sub(&rd, p->off, p->len, &seg) || p->dash > MAX_CRATE || p->dash >= p->len)
            continue;
        memcpy(name, seg.p, p->dash);
        name[p->dash] = '\0';
        memcpy(version, seg.p + p->dash + 1, p->len - p->dash - 1);
        version[p->len - p->dash - 1] = '\0';
        pk_component_spec spec = {
            .type = "cargo",
            .name = name,
            .version = version,
            .kind = PK_CK_LIBRARY,
            .rule = RULE_PANIC,
            .method = PK_CM_BINARY,
            .confidence = CONF_PANIC,
            .loc = {p->off, p->len, "cargo registry path"},
            .matched = {seg.p, seg.len},
        };
        pk_component *h;
        pk_status st = pk_emit_component(out, &spec, &h);
        if (st == PK_E_LIMIT)
            return PK_OK;
        if (st != PK_OK)
            return st;
        pk_component_set(h, "language", "rust");
    }
    return PK_OK;
}

static pk_status rust_analyze(const void *state, void *fs, const pk_file *file, pk_emit *out)
{
    (void)state;
    const fstate *f = fs;
    uint64_t off, len;
    bool found = false;
    if (pki_rust_find_section(file->data, &off, &len)) {
        pk_status st = pki_rust_emit_deps(file, off, len, out, &found);
        if (st != PK_OK)
            return st;
    }
    return found ? PK_OK : emit_panic(f, file, out);
}

const pk_analyzer pki_analyzer_rust = {
    .name = "rust",
    .abi = PK_ANALYZER_ABI,
    .fstate_size = sizeof(fstate),
    .init = rust_init,
    .claim = rust_claim,
    .on_match = rust_match,
    .analyze = rust_analyze,
};
