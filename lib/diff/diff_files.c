/* Files added, removed and changed (by their path inside the deliverable),
 * executables whose hardening regressed, and signer changes of signed PE
 * files (docs/diff.md). Facts are read defensively: an analyzer may add or
 * drop keys between versions, and a missing key is "unknown", never "lost". */
#include "diff_int.h"

#include <string.h>

static int collect(pki_diffctx *c, const pki_diff_side *s, pki_dents *d)
{
    size_t i;
    const json_t *v;
    json_array_foreach(pki_dj_arr(s->doc, "files"), i, v)
    {
        const char *vp = pki_dj_str(v, "vpath");
        if (!vp)
            continue;
        const char *k = pki_diff_norm(c, s, vp);
        if (!k || pki_dents_add(d, k, NULL, v, vp))
            return -1;
    }
    pki_dents_sort(d);
    return 0;
}

static json_t *file_json(const pki_dent *o, const pki_dent *n)
{
    json_t *j = json_object();
    const json_t *any = n ? n->obj : o->obj;
    const char *t = pki_dj_str(any, "type");
    int bad = !j || pki_dj_set(j, "path", pki_dj_s(n ? n->key : o->key)) ||
              (o && pki_dj_set(j, "old_vpath", pki_dj_s(o->vpath))) ||
              (n && pki_dj_set(j, "new_vpath", pki_dj_s(n->vpath))) ||
              (t && pki_dj_set(j, "type", pki_dj_s(t)));
    const json_t *szo = o ? json_object_get(o->obj, "size") : NULL,
                 *szn = n ? json_object_get(n->obj, "size") : NULL;
    bad = bad || (json_is_integer(szo) && pki_dj_set(j, "old_size", json_copy((json_t *)szo))) ||
          (json_is_integer(szn) && pki_dj_set(j, "new_size", json_copy((json_t *)szn))) ||
          (o && pki_dj_str(o->obj, "sha256") &&
           pki_dj_set(j, "old_sha256", pki_dj_s(pki_dj_str(o->obj, "sha256")))) ||
          (n && pki_dj_str(n->obj, "sha256") &&
           pki_dj_set(j, "new_sha256", pki_dj_s(pki_dj_str(n->obj, "sha256"))));
    if (bad) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static int str_differ(const char *a, const char *b)
{
    return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

/* ---- hardening ---- */

static int relro_rank(const char *s)
{
    return !s                      ? -1
           : !strcmp(s, "full")    ? 2
           : !strcmp(s, "partial") ? 1
           : !strcmp(s, "none")    ? 0
                                   : -1;
}

static int pie_rank(const char *s)
{
    /* dso and rel are not executables' PIE property: not compared */
    return !s ? -1 : !strcmp(s, "pie") ? 1 : !strcmp(s, "no") ? 0 : -1;
}

/* fortified: 1, not: 0, unknown: -1 */
static int fortified(const json_t *h)
{
    const json_t *f = pki_dj_obj(h, "fortify");
    if (!f)
        return -1;
    const json_t *fa = pki_dj_arr(f, "fortified");
    if (fa && json_array_size(fa))
        return 1;
    int src = pki_dj_bool(f, "source");
    return src == 1 ? 1 : fa || src == 0 ? 0 : -1;
}

/* Adds name to lost or gained when the property went from a to b (ranks;
 * -1 unknown, never compared). */
static int cmp_prop(json_t *lost, json_t *gained, const char *name, int a, int b)
{
    if (a < 0 || b < 0 || a == b)
        return 0;
    return pki_dj_push(a > b ? lost : gained, json_string(name));
}

static int hardening(pki_diffctx *c, json_t *reg, json_t *imp, const pki_dent *o, const pki_dent *n)
{
    const json_t *fo = pki_dj_obj(o->obj, "facts"), *fn = pki_dj_obj(n->obj, "facts");
    json_t *lost = json_array(), *gained = json_array();
    int bad = !lost || !gained;
    const char *fmt = NULL;
    const json_t *eo = pki_dj_obj(fo, "elf"), *en = pki_dj_obj(fn, "elf");
    const json_t *po = pki_dj_obj(fo, "pe"), *pn = pki_dj_obj(fn, "pe");
    const json_t *mo = pki_dj_obj(fo, "macho"), *mn = pki_dj_obj(fn, "macho");
    if (eo && en) {
        fmt = "elf";
        const json_t *ho = pki_dj_obj(eo, "hardening"), *hn = pki_dj_obj(en, "hardening");
        int ro = relro_rank(pki_dj_str(ho, "relro")), rn = relro_rank(pki_dj_str(hn, "relro"));
        bad = bad || cmp_prop(lost, gained, "pie", pie_rank(pki_dj_str(ho, "pie")),
                              pie_rank(pki_dj_str(hn, "pie")));
        if (!bad && ro >= 0 && rn >= 0 && ro != rn)
            bad = pki_dj_push(ro > rn ? lost : gained,
                              json_string(ro == 2 && rn == 1   ? "relro:full->partial"
                                          : ro == 2 && rn == 0 ? "relro:full->none"
                                          : ro == 1 && rn == 0 ? "relro:partial->none"
                                          : rn == 2 && ro == 1 ? "relro:partial->full"
                                          : rn == 2            ? "relro:none->full"
                                                               : "relro:none->partial"));
        bad = bad ||
              cmp_prop(lost, gained, "canary", pki_dj_bool(ho, "canary"),
                       pki_dj_bool(hn, "canary")) ||
              cmp_prop(lost, gained, "nx", pki_dj_bool(ho, "nx"), pki_dj_bool(hn, "nx")) ||
              cmp_prop(lost, gained, "fortify", fortified(ho), fortified(hn)) ||
              cmp_prop(lost, gained, "cet.ibt", pki_dj_bool(pki_dj_obj(ho, "cet"), "ibt"),
                       pki_dj_bool(pki_dj_obj(hn, "cet"), "ibt")) ||
              cmp_prop(lost, gained, "cet.shstk", pki_dj_bool(pki_dj_obj(ho, "cet"), "shstk"),
                       pki_dj_bool(pki_dj_obj(hn, "cet"), "shstk"));
    } else if (po && pn) {
        static const char *const PE[] = {"aslr", "high_entropy_va", "nx",
                                         "cfg",  "safeseh",         "force_integrity"};
        fmt = "pe";
        const json_t *ho = pki_dj_obj(po, "hardening"), *hn = pki_dj_obj(pn, "hardening");
        for (size_t i = 0; !bad && i < sizeof PE / sizeof PE[0]; i++)
            bad = cmp_prop(lost, gained, PE[i], pki_dj_bool(ho, PE[i]), pki_dj_bool(hn, PE[i]));
    } else if (mo && mn) {
        fmt = "macho";
        bad = bad || cmp_prop(lost, gained, "pie", pki_dj_bool(mo, "pie"), pki_dj_bool(mn, "pie"));
    }
    if (!bad && fmt && (json_array_size(lost) || json_array_size(gained))) {
        json_t *j = json_object();
        bad = !j || pki_dj_set(j, "path", pki_dj_s(n->key)) ||
              pki_dj_set(j, "old_vpath", pki_dj_s(o->vpath)) ||
              pki_dj_set(j, "new_vpath", pki_dj_s(n->vpath)) ||
              pki_dj_set(j, "format", json_string(fmt)) || json_object_set(j, "lost", lost) ||
              json_object_set(j, "gained", gained) ||
              pki_dj_push(json_array_size(lost) ? reg : imp, j);
        if (!bad && json_array_size(lost))
            pki_diff_mark(c, PKI_W_HARDENING);
    }
    json_decref(lost);
    json_decref(gained);
    return bad ? -1 : 0;
}

/* ---- signers ---- */

typedef struct sigstate {
    int present;      /* -1 unknown (no pe facts) */
    int ok;           /* every signature verified: 1, some failed: 0, unknown: -1 */
    json_t *subjects; /* sorted signer subjects */
    json_t *serials;
} sigstate;

static int str_cmp_j(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

static json_t *sorted_unique(json_t *a)
{
    size_t n = json_array_size(a);
    json_t **v = n ? pki_malloc(n * sizeof *v) : NULL;
    json_t *out = json_array();
    if ((n && !v) || !out) {
        pki_free(v);
        json_decref(out);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = json_array_get(a, i);
    if (n > 1)
        qsort(v, n, sizeof *v, str_cmp_j);
    for (size_t i = 0; i < n; i++)
        if ((i == 0 || strcmp(json_string_value(v[i]), json_string_value(v[i - 1])) != 0) &&
            json_array_append(out, v[i])) {
            json_decref(out);
            out = NULL;
            break;
        }
    pki_free(v);
    return out;
}

static int sig_read(const json_t *file, sigstate *s)
{
    const json_t *pe = pki_dj_obj(pki_dj_obj(file, "facts"), "pe");
    json_t *subj = json_array(), *ser = json_array();
    memset(s, 0, sizeof *s);
    s->present = -1;
    s->ok = -1;
    if (!subj || !ser)
        goto fail;
    if (pe) {
        const json_t *sig = pki_dj_obj(pe, "signature");
        s->present = sig && pki_dj_bool(sig, "present") == 1;
        const json_t *sigs = pki_dj_arr(sig, "signatures");
        size_t i;
        const json_t *v;
        json_array_foreach(sigs, i, v)
        {
            const char *role = pki_dj_str(v, "role");
            if (role && strcmp(role, "signature") != 0 && strcmp(role, "nested") != 0)
                continue;
            const json_t *sg = pki_dj_obj(v, "signer");
            const char *su = pki_dj_str(sg, "subject"), *se = pki_dj_str(sg, "serial");
            if ((su && pki_dj_push(subj, pki_dj_s(su))) || (se && pki_dj_push(ser, pki_dj_s(se))))
                goto fail;
            int d = pki_dj_bool(v, "digest_ok"), g = pki_dj_bool(v, "signature_ok");
            if (d == 0 || g == 0)
                s->ok = 0;
            else if (d == 1 && g == 1 && s->ok != 0)
                s->ok = 1;
        }
        if (!sigs) {
            /* an older report: the certificates a SignerInfo names */
            json_array_foreach(pki_dj_arr(sig, "certificates"), i, v)
            {
                const char *role = pki_dj_str(v, "role");
                if (pki_dj_bool(v, "signer") != 1 || (role && !strcmp(role, "timestamp")))
                    continue;
                const char *su = pki_dj_str(v, "subject"), *se = pki_dj_str(v, "serial");
                if ((su && pki_dj_push(subj, pki_dj_s(su))) ||
                    (se && pki_dj_push(ser, pki_dj_s(se))))
                    goto fail;
            }
        }
    }
    s->subjects = sorted_unique(subj);
    s->serials = sorted_unique(ser);
    json_decref(subj);
    json_decref(ser);
    return s->subjects && s->serials ? 0 : -1;
fail:
    json_decref(subj);
    json_decref(ser);
    return -1;
}

static int signers(pki_diffctx *c, json_t *list, const pki_dent *o, const pki_dent *n)
{
    sigstate a, b;
    if (sig_read(o->obj, &a))
        return -1;
    if (sig_read(n->obj, &b)) {
        json_decref(a.subjects);
        json_decref(a.serials);
        return -1;
    }
    const char *what = NULL;
    int worse = 0;
    if (a.present == 1 && b.present == 0) {
        what = "signature-removed", worse = 1;
    } else if (a.present == 0 && b.present == 1) {
        what = "signature-added";
    } else if (a.present == 1 && b.present == 1) {
        if (!json_equal(a.subjects, b.subjects))
            what = "signer-changed", worse = 1;
        else if (a.ok == 1 && b.ok == 0)
            what = "signature-no-longer-verifies", worse = 1;
        else if (!json_equal(a.serials, b.serials))
            what = "certificate-changed"; /* same subject: a renewed certificate */
    }
    int bad = 0;
    if (what) {
        json_t *j = json_object();
        bad = !j || pki_dj_set(j, "path", pki_dj_s(n->key)) ||
              pki_dj_set(j, "old_vpath", pki_dj_s(o->vpath)) ||
              pki_dj_set(j, "new_vpath", pki_dj_s(n->vpath)) ||
              pki_dj_set(j, "change", json_string(what)) ||
              pki_dj_set(j, "worse", json_boolean(worse)) ||
              json_object_set(j, "old_signers", a.subjects) ||
              json_object_set(j, "new_signers", b.subjects) || pki_dj_push(list, j);
        if (worse)
            pki_diff_mark(c, PKI_W_SIGNER);
    }
    json_decref(a.subjects);
    json_decref(a.serials);
    json_decref(b.subjects);
    json_decref(b.serials);
    return bad ? -1 : 0;
}

int pki_diff_files(pki_diffctx *c)
{
    json_t *sec = pki_diff_section(c, "files"), *hs = pki_diff_section(c, "hardening"),
           *ss = pki_diff_section(c, "signers");
    json_t *added = pki_diff_list(sec, "added"), *removed = pki_diff_list(sec, "removed"),
           *changed = pki_diff_list(sec, "changed"), *reg = pki_diff_list(hs, "regressed"),
           *imp = pki_diff_list(hs, "improved"), *sg = pki_diff_list(ss, "changed");
    pki_dents o = {0}, n = {0};
    int bad = !added || !removed || !changed || !reg || !imp || !sg || collect(c, &c->o, &o) ||
              collect(c, &c->n, &n);
    size_t i = 0, j = 0;
    while (!bad && (i < o.n || j < n.n)) {
        int r = i >= o.n ? 1 : j >= n.n ? -1 : strcmp(o.v[i].key, n.v[j].key);
        if (r < 0) {
            bad = pki_dj_push(removed, file_json(&o.v[i], NULL));
        } else if (r > 0) {
            bad = pki_dj_push(added, file_json(NULL, &n.v[j]));
        } else {
            const json_t *a = o.v[i].obj, *b = n.v[j].obj;
            if (str_differ(pki_dj_str(a, "kind"), pki_dj_str(b, "kind")) ||
                str_differ(pki_dj_str(a, "sha256"), pki_dj_str(b, "sha256")) ||
                str_differ(pki_dj_str(a, "link_target"), pki_dj_str(b, "link_target")))
                bad = pki_dj_push(changed, file_json(&o.v[i], &n.v[j]));
            bad =
                bad || hardening(c, reg, imp, &o.v[i], &n.v[j]) || signers(c, sg, &o.v[i], &n.v[j]);
        }
        /* a path listed twice on one side (several inputs of the same
         * name): the first counts, the repeats are skipped */
        const char *ko = r <= 0 ? o.v[i].key : NULL, *kn = r >= 0 ? n.v[j].key : NULL;
        while (ko && i < o.n && strcmp(o.v[i].key, ko) == 0)
            i++;
        while (kn && j < n.n && strcmp(n.v[j].key, kn) == 0)
            j++;
    }
    pki_dents_free(&o);
    pki_dents_free(&n);
    return bad ? -1 : 0;
}
