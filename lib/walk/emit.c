/* pk_emit: how analyzers speak; the fact tree over jansson. */
#include "emit_int.h"

#include <stdio.h>
#include <string.h>

pk_status pki_frec_init(pki_frec *r)
{
    memset(r, 0, sizeof *r);
    r->arena = pki_arena_new();
    r->str_arena = pki_arena_new();
    r->facts = json_object();
    r->components = json_array();
    if (!r->arena || !r->str_arena || !r->facts || !r->components) {
        pki_frec_fini(r);
        return PK_E_NOMEM;
    }
    return PK_OK;
}

void pki_frec_fini(pki_frec *r)
{
    pki_arena_free(r->arena);
    pki_arena_free(r->str_arena);
    json_decref(r->facts);
    json_decref(r->components);
    pki_free(r->findings);
    pki_free(r->strings);
    memset(r, 0, sizeof *r);
}

pk_status pki_frec_vfinding(pki_frec *r, const char *analyzer, const char *vpath,
                            const uint8_t *sha256, const pk_finding_spec *spec, const char *fmt,
                            va_list ap)
{
    if (r->nfind >= PKI_MAX_FINDINGS_PER_FILE) {
        r->dropped_findings++;
        return PK_OK;
    }
    if (!pki_grow((void **)&r->findings, &r->capfind, r->nfind + 1, sizeof(pk_finding)))
        return PK_E_NOMEM;
    pk_finding *f = &r->findings[r->nfind];
    memset(f, 0, sizeof *f);
    f->rule_id = pki_arena_strdup(r->arena, spec->rule_id);
    f->analyzer = pki_arena_strdup(r->arena, analyzer);
    f->severity = spec->severity;
    f->confidence = spec->confidence > 100 ? 100 : spec->confidence;
    f->vpath = pki_arena_strdup(r->arena, vpath);
    if (sha256) {
        memcpy(f->file_sha256, sha256, 32);
        f->has_sha256 = 1;
    }
    f->loc.offset = spec->loc.offset;
    f->loc.length = spec->loc.offset == PK_LOC_NONE ? 0 : spec->loc.length;
    if (spec->loc.record)
        f->loc.record = pki_arena_strdup(r->arena, spec->loc.record);
    if (spec->evidence.ptr && spec->evidence.len) {
        size_t n = spec->evidence.len > PK_EVIDENCE_MAX ? PK_EVIDENCE_MAX : spec->evidence.len;
        f->evidence.ptr = pki_arena_memdup(r->arena, spec->evidence.ptr, n);
        f->evidence.len = f->evidence.ptr ? n : 0;
    }
    f->message = pki_arena_vprintf(r->arena, fmt, ap);
    if (!f->rule_id || !f->analyzer || !f->vpath || !f->message ||
        (spec->loc.record && !f->loc.record))
        return PK_E_NOMEM;
    r->nfind++;
    return PK_OK;
}

pk_status pki_frec_finding(pki_frec *r, const char *analyzer, const char *vpath,
                           const uint8_t *sha256, const pk_finding_spec *spec, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pk_status st = pki_frec_vfinding(r, analyzer, vpath, sha256, spec, fmt, ap);
    va_end(ap);
    return st;
}

pk_status pk_emit_finding(pk_emit *out, const pk_finding_spec *spec, const char *fmt, ...)
{
    if (!out || !spec || !spec->rule_id || !fmt)
        return PK_E_MISUSE;
    va_list ap;
    va_start(ap, fmt);
    pk_status st = pki_frec_vfinding(out->rec, out->analyzer, out->file->vpath,
                                     out->file->size ? out->file->sha256 : NULL, spec, fmt, ap);
    va_end(ap);
    return st;
}

pk_bytes pk_emit_window(pk_emit *out, uint64_t from, uint64_t to)
{
    pk_bytes b = {NULL, 0};
    if (!out || !out->win || to <= from)
        return b;
    uint64_t lo = out->win_off, hi = out->win_off + out->win_len;
    if (from < lo)
        from = lo;
    if (to > hi)
        to = hi;
    if (to <= from)
        return b;
    b.ptr = out->win + (from - lo);
    b.len = (size_t)(to - from);
    return b;
}

pk_fact *pk_emit_facts(pk_emit *out)
{
    if (!out)
        return NULL;
    return pk_fact_obj((pk_fact *)out->rec->facts, out->analyzer);
}

const pk_fact *pk_emit_peer_facts(pk_emit *out, const char *analyzer)
{
    if (!out || !analyzer)
        return NULL;
    return (const pk_fact *)json_object_get(out->rec->facts, analyzer);
}

size_t pk_emit_strings(pk_emit *out, const pk_string **list)
{
    if (!out || !list)
        return 0;
    *list = out->rec->strings;
    return out->rec->nstr;
}

pk_status pk_emit_string_add(pk_emit *out, uint64_t offset, const char *text, size_t len, int utf16)
{
    pki_frec *r = out->rec;
    if (r->nstr >= PKI_MAX_STRINGS_PER_FILE || r->str_bytes + len > PKI_MAX_STRING_BYTES_PER_FILE) {
        r->dropped_strings++;
        return PK_E_LIMIT;
    }
    if (!pki_grow((void **)&r->strings, &r->capstr, r->nstr + 1, sizeof(pk_string)))
        return PK_E_NOMEM;
    char *t = pki_arena_strndup(r->str_arena, text, len);
    if (!t)
        return PK_E_NOMEM;
    pk_string *s = &r->strings[r->nstr++];
    s->offset = offset;
    s->len = (uint32_t)len;
    s->utf16 = utf16 ? 1 : 0;
    s->text = t;
    r->str_bytes += len;
    return PK_OK;
}

/* ---- facts ---- */

static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    uint32_t min;
    if (c < 0x80)
        return c ? 1 : 0; /* NUL is not kept in JSON strings */
    if ((c & 0xe0) == 0xc0)
        need = 2, min = 0x80;
    else if ((c & 0xf0) == 0xe0)
        need = 3, min = 0x800;
    else if ((c & 0xf8) == 0xf0)
        need = 4, min = 0x10000;
    else
        return 0;
    if (need > n)
        return 0;
    uint32_t cp = c & (0x7f >> need);
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need;
}

json_t *pki_json_str(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, bad = 0;
    while (i < n) {
        size_t k = utf8_seq(u + i, n - i);
        if (!k) {
            bad++;
            k = 1;
        }
        i += k;
    }
    if (!bad)
        return json_stringn(s, n);
    char *buf = pki_malloc(n + bad * 3 + 1);
    if (!buf)
        return NULL;
    size_t o = 0;
    for (i = 0; i < n;) {
        size_t k = utf8_seq(u + i, n - i);
        if (!k) {
            memcpy(buf + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        } else {
            memcpy(buf + o, u + i, k);
            o += k;
            i += k;
        }
    }
    json_t *j = json_stringn(buf, o);
    pki_free(buf);
    return j;
}

static pk_fact *child(pk_fact *obj, const char *key, int want_arr)
{
    json_t *o = (json_t *)obj;
    if (!json_is_object(o) || !key)
        return NULL;
    json_t *c = json_object_get(o, key);
    if (c)
        return (want_arr ? json_is_array(c) : json_is_object(c)) ? (pk_fact *)c : NULL;
    c = want_arr ? json_array() : json_object();
    if (!c || json_object_set_new(o, key, c) != 0)
        return NULL;
    return (pk_fact *)c;
}

pk_fact *pk_fact_obj(pk_fact *obj, const char *key)
{
    return child(obj, key, 0);
}

pk_fact *pk_fact_arr(pk_fact *obj, const char *key)
{
    return child(obj, key, 1);
}

pk_fact *pk_fact_push_obj(pk_fact *arr)
{
    json_t *c = json_object();
    if (!c || !json_is_array((json_t *)arr) || json_array_append_new((json_t *)arr, c) != 0)
        return NULL;
    return (pk_fact *)c;
}

void pk_fact_push_strn(pk_fact *arr, const char *s, size_t n)
{
    if (json_is_array((json_t *)arr) && s)
        json_array_append_new((json_t *)arr, pki_json_str(s, n));
}

void pk_fact_push_str(pk_fact *arr, const char *s)
{
    if (s)
        pk_fact_push_strn(arr, s, strlen(s));
}

static void set(pk_fact *obj, const char *key, json_t *v)
{
    if (json_is_object((json_t *)obj) && key && v)
        json_object_set_new((json_t *)obj, key, v);
    else
        json_decref(v);
}

void pk_fact_set_strn(pk_fact *obj, const char *key, const char *s, size_t n)
{
    if (s)
        set(obj, key, pki_json_str(s, n));
}

void pk_fact_set_str(pk_fact *obj, const char *key, const char *s)
{
    if (s)
        pk_fact_set_strn(obj, key, s, strlen(s));
}

void pk_fact_set_int(pk_fact *obj, const char *key, int64_t v)
{
    set(obj, key, json_integer((json_int_t)v));
}

void pk_fact_set_real(pk_fact *obj, const char *key, double v)
{
    set(obj, key, json_real(v));
}

void pk_fact_set_bool(pk_fact *obj, const char *key, int v)
{
    set(obj, key, json_boolean(v));
}

size_t pk_fact_len(const pk_fact *arr)
{
    return json_is_array((const json_t *)arr) ? json_array_size((const json_t *)arr) : 0;
}

const pk_fact *pk_fact_get(const pk_fact *obj, const char *key)
{
    if (!json_is_object((const json_t *)obj) || !key)
        return NULL;
    return (const pk_fact *)json_object_get((const json_t *)obj, key);
}

const pk_fact *pk_fact_at(const pk_fact *arr, size_t i)
{
    if (!json_is_array((const json_t *)arr))
        return NULL;
    return (const pk_fact *)json_array_get((const json_t *)arr, i);
}

const char *pk_fact_str(const pk_fact *v)
{
    return json_is_string((const json_t *)v) ? json_string_value((const json_t *)v) : NULL;
}

int64_t pk_fact_int(const pk_fact *v, int64_t dflt)
{
    return json_is_integer((const json_t *)v) ? (int64_t)json_integer_value((const json_t *)v)
                                              : dflt;
}
