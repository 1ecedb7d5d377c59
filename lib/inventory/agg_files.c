/* Files and components: attribution, files nobody claims, binary signatures
 * inside packages, compaction, the subject. */
#include "agg_int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int alive(const pki_agg *g, size_t ci)
{
    return g->ax[ci].redirect == SIZE_MAX;
}

/* The component is this archive: it takes the archive's hashes. */
static pk_status take_artifact(pki_agg *g, size_t ci, size_t f)
{
    pk_comp *c = &g->inv->comps[ci];
    const pki_filerec *fr = &g->s->files[f];
    if (c->file_vpath || !fr->hashed)
        return PK_OK;
    char h[65];
    c->file_vpath = pki_inv_str(g->inv, fr->vpath);
    pki_hex(fr->sha256, 32, h);
    c->sha256 = pki_inv_str(g->inv, h);
    pki_hex(fr->sha1, 20, h);
    c->sha1 = pki_inv_str(g->inv, h);
    if (!c->file_vpath || !c->sha256 || !c->sha1)
        return PK_E_NOMEM;
    if (g->owner[f] == SIZE_MAX)
        g->owner[f] = ci;
    return PK_OK;
}

pk_status pki_agg_attribute(pki_agg *g)
{
    const pk_scan *s = g->s;
    pk_inventory *inv = g->inv;
    g->owner = pki_malloc((s->nfiles ? s->nfiles : 1) * sizeof *g->owner);
    if (!g->owner)
        return PK_E_NOMEM;
    for (size_t f = 0; f < s->nfiles; f++) {
        g->owner[f] = SIZE_MAX;
        if (pki_smap_put(&g->fmap, s->files[f].vpath, f) == SIZE_MAX - 1)
            return PK_E_NOMEM;
    }
    /* the component that is the file comes first */
    for (size_t ci = 0; ci < inv->n; ci++) {
        size_t f = inv->comps[ci].file_vpath ? pki_smap_get(&g->fmap, inv->comps[ci].file_vpath)
                                             : SIZE_MAX;
        if (alive(g, ci) && f != SIZE_MAX && g->owner[f] == SIZE_MAX)
            g->owner[f] = ci;
    }
    /* then files listed by a package, relative to its scope */
    pki_smap prefixes = {0};
    pk_status st = PK_OK;
    char *buf = pki_malloc(8192);
    if (!buf)
        return PK_E_NOMEM;
    for (size_t ci = 0; ci < inv->n && st == PK_OK; ci++) {
        if (!alive(g, ci))
            continue;
        for (size_t r = 0; r < g->ax[ci].nrecs && st == PK_OK; r++) {
            const json_t *rec = g->ax[ci].recs[r];
            const char *scope = jstr(rec, "scope");
            size_t i;
            json_t *v;
            json_array_foreach(json_object_get(rec, "files"), i, v)
            {
                int n = snprintf(buf, 8192, "%s%s", scope ? scope : "", json_string_value(v));
                if (n < 0 || n >= 8192)
                    continue;
                size_t f = pki_smap_get(&g->fmap, buf);
                if (f != SIZE_MAX && g->owner[f] == SIZE_MAX)
                    g->owner[f] = ci;
            }
            json_array_foreach(json_object_get(rec, "owns"), i, v)
            {
                const char *p = json_string_value(v);
                size_t pl = strlen(p);
                if (pki_smap_get(&prefixes, p) == SIZE_MAX &&
                    pki_smap_put(&prefixes, p, ci) == SIZE_MAX - 1)
                    st = PK_E_NOMEM;
                /* "x.deb!/": the component is x.deb */
                if (st == PK_OK && pl > 2 && p[pl - 1] == '/' && p[pl - 2] == '!') {
                    size_t f = pki_smap_getn(&g->fmap, p, pl - 2);
                    if (f != SIZE_MAX)
                        st = take_artifact(g, ci, f);
                }
            }
        }
    }
    pki_free(buf);
    /* then the longest owned prefix of the vpath */
    for (size_t f = 0; f < s->nfiles && st == PK_OK; f++) {
        if (g->owner[f] != SIZE_MAX || !prefixes.n)
            continue;
        const char *vp = s->files[f].vpath;
        for (size_t j = strlen(vp); j > 0; j--) {
            if (vp[j - 1] != '/')
                continue;
            size_t ci = pki_smap_getn(&prefixes, vp, j);
            if (ci != SIZE_MAX) {
                g->owner[f] = ci;
                break;
            }
        }
    }
    pki_smap_free(&prefixes);
    for (size_t f = 0; f < s->nfiles; f++)
        if (s->files[f].kind == PKI_KIND_FILE && g->owner[f] != SIZE_MAX)
            inv->st.attributed_files++;
    return st;
}

static int is_executable(const pki_filerec *fr)
{
    return fr->kind == PKI_KIND_FILE && (fr->type == PK_FT_ELF || fr->type == PK_FT_PE ||
                                         fr->type == PK_FT_MACHO || fr->type == PK_FT_MACHO_FAT);
}

pk_status pki_agg_unattributed(pki_agg *g)
{
    const pk_scan *s = g->s;
    for (size_t f = 0; f < s->nfiles; f++) {
        const pki_filerec *fr = &s->files[f];
        if (!is_executable(fr) || g->owner[f] != SIZE_MAX)
            continue;
        size_t ci;
        pk_status st = pki_agg_new_comp(g, &ci);
        if (st != PK_OK)
            return st;
        pk_comp *c = &g->inv->comps[ci];
        const char *slash = strrchr(fr->vpath, '/');
        c->type = "generic";
        c->name = pki_inv_str(g->inv, slash && slash[1] ? slash + 1 : fr->vpath);
        c->kind = PK_CK_FILE;
        c->unattributed = 1;
        c->file_vpath = pki_inv_str(g->inv, fr->vpath);
        char h[65];
        pki_hex(fr->sha256, 32, h);
        c->sha256 = pki_inv_str(g->inv, h);
        pki_hex(fr->sha1, 20, h);
        c->sha1 = pki_inv_str(g->inv, h);
        if (!c->name || !c->file_vpath || !c->sha256 || !c->sha1)
            return PK_E_NOMEM;
        pk_cevidence ev = {.vpath = fr->vpath,
                           .analyzer = "inventory",
                           .rule = "unattributed-file",
                           .method = PK_CM_HASH,
                           .confidence = 100,
                           .loc = {PK_LOC_NONE, 0, NULL}};
        char rec[96];
        snprintf(rec, sizeof rec, "%s file listed by no package or manifest",
                 pk_ftype_name(fr->type));
        ev.loc.record = rec;
        if ((st = pki_inv_add_ev(g->inv, ci, &ev)) != PK_OK)
            return st;
        g->owner[f] = ci;
        g->inv->st.unattributed_files++;
    }
    return PK_OK;
}

/* "1.2.13.dfsg" and "1.2.13" agree; "1.2.13" and "1.2.1" do not. */
static int versions_agree(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la == lb)
        return strcmp(a, b) == 0;
    const char *lng = la > lb ? a : b, *sht = la > lb ? b : a;
    size_t n = la > lb ? lb : la;
    return n > 0 && strncmp(lng, sht, n) == 0 && !isdigit((unsigned char)lng[n]);
}

static int name_in(const char *name, const char *self, const char *list)
{
    if (!name)
        return 0;
    if (self && !strcasecmp(name, self))
        return 1;
    size_t nl = strlen(name);
    for (const char *p = list; p && *p;) {
        while (*p == ' ')
            p++;
        size_t l = strcspn(p, " ");
        if (l == nl && !strncasecmp(p, name, nl))
            return 1;
        p += l;
    }
    return 0;
}

/* Step 7: a version banner in a file a package ships is that package's own
 * library (one component, two pieces of evidence) when the names and versions
 * agree, else a library vendored inside it (a dependency). */
pk_status pki_agg_binsig(pki_agg *g)
{
    pk_inventory *inv = g->inv;
    size_t n = inv->n;
    for (size_t ci = 0; ci < n; ci++) {
        pk_comp *c = &inv->comps[ci];
        if (!alive(g, ci) || !c->nev || !c->ev[0].rule || strncmp(c->ev[0].rule, "binsig:", 7))
            continue;
        const char *known =
            g->ax[ci].nrecs ? jstr(json_object_get(g->ax[ci].recs[0], "attrs"), "known_as") : NULL;
        size_t keep = 0, last = SIZE_MAX;
        for (size_t e = 0; e < c->nev; e++) {
            size_t f = c->ev[e].vpath ? pki_smap_get(&g->fmap, c->ev[e].vpath) : SIZE_MAX;
            size_t o = f != SIZE_MAX ? pki_agg_resolve(g, g->owner[f]) : SIZE_MAX;
            pk_status st;
            if (o != SIZE_MAX && o != ci) {
                const pk_comp *pc = &inv->comps[o];
                char up[256];
                pki_upstream_version(pc->source_version ? pc->source_version : pc->version, up,
                                     sizeof up);
                if (!pc->unattributed && c->version && pc->version &&
                    (name_in(pc->name, c->name, known) ||
                     name_in(pc->source_name, c->name, known)) &&
                    versions_agree(up, c->version)) {
                    pk_cevidence ev = c->ev[e];
                    if ((st = pki_inv_add_ev(inv, o, &ev)) != PK_OK)
                        return st;
                    c = &inv->comps[ci];
                    last = o;
                    continue;
                }
                if ((st = pki_inv_add_dep(inv, o, ci)) != PK_OK)
                    return st;
            }
            c->ev[keep++] = c->ev[e];
        }
        c->nev = keep;
        if (!keep && last != SIZE_MAX) {
            g->ax[ci].redirect = last;
            inv->st.merged++;
        }
    }
    return PK_OK;
}

pk_status pki_agg_compact(pki_agg *g)
{
    pk_inventory *inv = g->inv;
    size_t *map = pki_malloc((inv->n ? inv->n : 1) * sizeof *map);
    if (!map)
        return PK_E_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < inv->n; i++) {
        if (alive(g, i)) {
            map[i] = k;
            inv->comps[k] = inv->comps[i];
            inv->cx[k] = inv->cx[i];
            k++;
        } else {
            map[i] = SIZE_MAX;
            pki_free(inv->comps[i].ev);
            pki_free((void *)inv->comps[i].props);
        }
    }
    size_t e2 = 0;
    for (size_t e = 0; e < inv->nedges; e++) {
        size_t a = pki_agg_resolve(g, inv->edges[e][0]);
        size_t b = pki_agg_resolve(g, inv->edges[e][1]);
        if (a == SIZE_MAX || b == SIZE_MAX || map[a] == SIZE_MAX || map[b] == SIZE_MAX ||
            map[a] == map[b])
            continue;
        inv->edges[e2][0] = map[a];
        inv->edges[e2][1] = map[b];
        e2++;
    }
    inv->nedges = e2;
    inv->n = k;
    pki_free(map);
    return PK_OK;
}

pk_status pki_agg_subject(pki_agg *g)
{
    const pk_scan *s = g->s;
    pk_inventory *inv = g->inv;
    char name[512];
    if (s->ninputs == 1) {
        const char *p = s->inputs[0].path;
        size_t l = strlen(p);
        while (l > 1 && p[l - 1] == '/')
            l--;
        size_t b = l;
        while (b > 0 && p[b - 1] != '/')
            b--;
        snprintf(name, sizeof name, "%.*s", (int)(l - b), p + b);
        size_t f = pki_smap_get(&g->fmap, p);
        if (!s->inputs[0].is_dir && f != SIZE_MAX && s->files[f].hashed) {
            char h[65];
            pki_hex(s->files[f].sha256, 32, h);
            inv->subject.sha256 = pki_inv_str(inv, h);
        }
    } else {
        snprintf(name, sizeof name, "%zu inputs", s->ninputs);
    }
    inv->subject.name = pki_inv_str(inv, name[0] ? name : "input");
    char tv[64];
    snprintf(tv, sizeof tv, "%s", pk_version());
    inv->tool_version = pki_inv_str(inv, tv);
    return inv->subject.name && inv->tool_version ? PK_OK : PK_E_NOMEM;
}

void pki_agg_fini(pki_agg *g)
{
    for (size_t i = 0; g->ax && i < g->nax; i++)
        pki_free(g->ax[i].recs);
    pki_free(g->ax);
    pki_free(g->owner);
    pki_free(g->name_next);
    pki_smap_free(&g->names);
    pki_smap_free(&g->ids);
    pki_smap_free(&g->fmap);
}
