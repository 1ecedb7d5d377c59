/* parakhd's CSAF routes (docs/csaf.md): which path is which, the method and
 * role tables, and the configuration. Checks run in the registry's order
 * (414, 404, 405, 401, 403, 415, 413, 400, then the route's own); the TLP
 * rules of the provider tree are the tree's own (srv_csaf_tree.c). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "srv_csaf_int.h"

typedef enum croute {
    C_WELLKNOWN, /* /.well-known/csaf/... */
    C_AGG,       /* /.well-known/csaf-aggregator/... */
    C_SECTXT,
    C_ADVS,     /* GET list, POST publish */
    C_MATCH,    /* POST */
    C_ADV,      /* GET versions */
    C_ADV_AFF,  /* GET */
    C_AFFECTED, /* GET */
    C_SBOM,     /* POST */
    C_INUSE,    /* GET, POST */
} croute;

typedef struct ctarget {
    croute r;
    char arg[PK_CSAF_MAX_TEXT];
    const char *rest; /* below the well-known prefix */
} ctarget;

static bool seg_arg(const char *p, size_t n, const char *prefix, const char *suffix, char *arg)
{
    size_t a = strlen(prefix), b = strlen(suffix);
    if (n <= a + b || memcmp(p, prefix, a) != 0 || memcmp(p + n - b, suffix, b) != 0)
        return false;
    size_t len = n - a - b;
    if (len >= 256 || memchr(p + a, '/', len))
        return false;
    memcpy(arg, p + a, len);
    arg[len] = 0;
    return true;
}

/* false: not a CSAF path. */
static bool parse(const char *url, size_t n, ctarget *t)
{
    memset(t, 0, sizeof *t);
    static const char wk[] = "/.well-known/csaf/", ag[] = "/.well-known/csaf-aggregator/";
    if (n >= sizeof wk - 1 && memcmp(url, wk, sizeof wk - 1) == 0) {
        t->r = C_WELLKNOWN;
        t->rest = url + sizeof wk - 1;
        return true;
    }
    if (n >= sizeof ag - 1 && memcmp(url, ag, sizeof ag - 1) == 0) {
        t->r = C_AGG;
        t->rest = url + sizeof ag - 1;
        return true;
    }
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(url, lit, n) == 0)
    if (IS("/security.txt") || IS("/.well-known/security.txt"))
        t->r = C_SECTXT;
    else if (IS("/api/v1/advisories"))
        t->r = C_ADVS;
    else if (IS("/api/v1/advisories/match"))
        t->r = C_MATCH;
    else if (IS("/api/v1/affected"))
        t->r = C_AFFECTED;
    else if (IS("/api/v1/inuse"))
        t->r = C_INUSE;
    else if (seg_arg(url, n, "/api/v1/advisories/", "/affected", t->arg))
        t->r = C_ADV_AFF;
    else if (seg_arg(url, n, "/api/v1/advisories/", "", t->arg))
        t->r = C_ADV;
    else if (seg_arg(url, n, "/api/v1/certificates/", "/sbom", t->arg))
        t->r = C_SBOM;
    else
        return false;
#undef IS
    return true;
}

static const char *allow_of(croute r)
{
    switch (r) {
    case C_ADVS:
    case C_INUSE:
        return "GET, POST";
    case C_MATCH:
    case C_SBOM:
        return "POST";
    default:
        return "GET";
    }
}

/* May role use route r with this method at all (before per-object rules)? */
static bool role_ok(croute r, bool post, pk_rstore_role role)
{
    bool org_up =
        role == PK_ROLE_ORGANISATIONAL || role == PK_ROLE_SECTORAL || role == PK_ROLE_NATIONAL;
    switch (r) {
    case C_ADVS:
        return !post || role == PK_ROLE_SECTORAL || role == PK_ROLE_NATIONAL;
    case C_MATCH:
    case C_ADV_AFF:
    case C_AFFECTED:
    case C_INUSE:
        return org_up;
    case C_SBOM:
        return role == PK_ROLE_LAB || role == PK_ROLE_NATIONAL;
    default:
        return true;
    }
}

static bool big_body(croute r)
{
    return r == C_ADVS || r == C_MATCH || r == C_SBOM;
}

PK_API size_t pk_regsrv_max_body(const char *url)
{
    ctarget t;
    if (!url)
        return PK_REGSRV_MAX_BODY;
    const char *q = strchr(url, '?');
    size_t n = q ? (size_t)(q - url) : strlen(url);
    return parse(url, n, &t) && big_body(t.r) ? PK_REGSRV_MAX_CSAF_BODY : PK_REGSRV_MAX_BODY;
}

static bool body_type_ok(croute r, const char *ct)
{
    if (pki_srv_is_json_type(ct))
        return true;
    if (r != C_SBOM || !ct)
        return false;
    while (*ct == ' ')
        ct++;
    static const char cdx[] = "application/vnd.cyclonedx+json";
    size_t n = strcspn(ct, "; \t");
    return n == sizeof cdx - 1 && strncasecmp(ct, cdx, n) == 0;
}

int pki_srv_csaf(pk_regsrv *s, const pk_regsrv_request *rq, pk_regsrv_response *rs, bool preflight)
{
    if (!rq->url || !rq->method || rq->url[0] != '/')
        return -1;
    size_t len = strnlen(rq->url, PK_REGSRV_MAX_URL + 1);
    if (len > PK_REGSRV_MAX_URL)
        return -1; /* 414 from the registry's checks */
    const char *q = strchr(rq->url, '?');
    size_t n = q ? (size_t)(q - rq->url) : len;
    ctarget t;
    if (!parse(rq->url, n, &t))
        return -1;
    const char *allow = allow_of(t.r);
    bool post = strcmp(rq->method, "POST") == 0, get = strcmp(rq->method, "GET") == 0;
    if (!((get && strstr(allow, "GET")) || (post && strstr(allow, "POST")))) {
        pki_srv_error(rs, 405, "method %.16s not allowed here", rq->method);
        rs->allow = allow;
        return 1;
    }
    pki_caller c;
    if (pki_srv_authenticate(s, rq->authorization, &c, rs))
        return 1;
    if (!role_ok(t.r, post, c.role)) {
        if (c.role == PK_ROLE_PUBLIC)
            pki_srv_error(rs, 401, "this endpoint needs a bearer token");
        else
            pki_srv_error(rs, 403, "role %s may not do this", pk_rstore_role_str(c.role));
        return 1;
    }
    if (post && !body_type_ok(t.r, rq->content_type)) {
        pki_srv_error(rs, 415, "the body must be application/json");
        return 1;
    }
    size_t max = big_body(t.r) ? PK_REGSRV_MAX_CSAF_BODY : PK_REGSRV_MAX_BODY;
    if (post && (rq->body_too_large || rq->body_len > max)) {
        pki_srv_error(rs, 413, "the body is larger than %zu bytes", max);
        return 1;
    }
    if (preflight)
        return 0;
    if (q) {
        pki_srv_error(rs, 400, "this resource takes no query");
        return 1;
    }
    if (post && (!rq->body || rq->body_len == 0)) {
        pki_srv_error(rs, 400, "the body is empty");
        return 1;
    }
    char rest[PK_REGSRV_MAX_URL + 1];
    if (t.rest) {
        size_t off = (size_t)(t.rest - rq->url);
        memcpy(rest, t.rest, n - off);
        rest[n - off] = 0;
    }
    switch (t.r) {
    case C_WELLKNOWN:
        pki_csaf_tree_get(s, &c, "", rest, rs);
        break;
    case C_AGG:
        pki_csaf_aggregator_get(s, &c, rest, rs);
        break;
    case C_SECTXT:
        pki_csaf_security_txt(s, rs);
        break;
    case C_ADVS:
        if (post)
            pki_csaf_publish(s, &c, rq, rs);
        else
            pki_csaf_list_api(s, &c, rs);
        break;
    case C_MATCH:
        pki_csaf_match_api(s, &c, rq, rs);
        break;
    case C_ADV:
        pki_csaf_versions_api(s, &c, t.arg, rs);
        break;
    case C_ADV_AFF:
        pki_csaf_affected_api(s, &c, t.arg, rs);
        break;
    case C_AFFECTED:
        pki_csaf_affected_api(s, &c, NULL, rs);
        break;
    case C_SBOM:
        if (!pki_is_hex64(t.arg))
            pki_srv_error(rs, 404, "no certificate with that id (64 lowercase hex digits)");
        else
            pki_csaf_sbom_api(s, &c, t.arg, rq, rs);
        break;
    case C_INUSE:
        if (post)
            pki_csaf_inuse_post(s, &c, rq, rs);
        else
            pki_csaf_inuse_get(s, &c, rs);
        break;
    }
    return 1;
}

/* ---- TLP × role (docs/csaf.md "Who may read what") ---- */

static const char *const tlp_uc[] = {"WHITE", "GREEN", "AMBER", "RED"};
static const char *const tlp_lc[] = {"white", "green", "amber", "red"};

int pki_csaf_tlp(const char *t)
{
    for (int i = 0; t && i < 4; i++)
        if (!strcmp(t, tlp_uc[i]) || !strcmp(t, tlp_lc[i]))
            return i;
    return -1;
}

const char *pki_csaf_tlp_lc(int i)
{
    return i >= 0 && i < 4 ? tlp_lc[i] : "white";
}

unsigned pki_csaf_tlp_status(pk_rstore_role role, int tlp)
{
    /* the highest TLP index each role reads; public reads WHITE only */
    int max;
    switch (role) {
    case PK_ROLE_NATIONAL:
    case PK_ROLE_SECTORAL:
        max = 3;
        break;
    case PK_ROLE_ORGANISATIONAL:
        max = 2;
        break;
    case PK_ROLE_LAB:
        max = 1;
        break;
    default:
        max = 0;
    }
    if (tlp >= 0 && tlp <= max)
        return 200;
    return role == PK_ROLE_PUBLIC ? 401 : 403;
}

bool pki_csaf_tlp_refuse(pk_rstore_role role, int tlp, pk_regsrv_response *rs)
{
    unsigned st = pki_csaf_tlp_status(role, tlp);
    if (st == 200)
        return false;
    if (st == 401) {
        pki_srv_error(rs, 401, "TLP:%s needs a bearer token", tlp >= 0 ? tlp_uc[tlp] : "?");
        rs->www_authenticate = true;
    } else {
        pki_srv_error(rs, 403, "role %s may not read TLP:%s", pk_rstore_role_str(role),
                      tlp >= 0 ? tlp_uc[tlp] : "?");
    }
    return true;
}

void pki_csaf_raw(pk_regsrv_response *rs, unsigned status, const char *ctype, const void *p,
                  size_t n)
{
    pk_regsrv_response_clear(rs);
    rs->body = pki_malloc(n + 1);
    if (!rs->body) {
        pki_srv_error(rs, 500, "out of memory");
        return;
    }
    if (n)
        memcpy(rs->body, p, n);
    rs->body[n] = 0;
    rs->body_len = n;
    rs->status = status;
    rs->content_type = ctype;
    rs->no_store = true;
}

/* ---- configuration ---- */

static const pki_csaf_srv defaults = {.base_url = "https://localhost"};

const pki_csaf_srv *pki_csaf_cfg(const pk_regsrv *s)
{
    /* set once, possibly while serving (parakhd learns port 0's number
     * after the start): published atomically */
    const pki_csaf_srv *c = __atomic_load_n(&s->csaf, __ATOMIC_ACQUIRE);
    return c ? c : &defaults;
}

static void cfg_free(pki_csaf_srv *c)
{
    if (!c)
        return;
    pki_free(c->base_url);
    json_decref(c->publisher);
    pk_csaf_free(c->pubkey);
    pki_free(c->schema_dir);
    pki_free(c->tmpdir);
    pthread_mutex_destroy(&c->sign_lock);
    pki_free(c);
}

void pki_srv_csaf_free(pk_regsrv *s)
{
    cfg_free(s->csaf);
    s->csaf = NULL;
}

static pk_status publisher_of(const char *text, json_t **out, char *err, size_t errlen)
{
    json_error_t je;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(j)) {
        json_decref(j);
        snprintf(err, errlen, "CSAF publisher: not a JSON object (%s, line %d)", je.text, je.line);
        return PK_E_FORMAT;
    }
    static const char *const need[] = {"name", "namespace", "category"};
    static const char *const known[] = {"name", "namespace", "category", "contact_details",
                                        "issuing_authority"};
    for (size_t i = 0; i < 3; i++)
        if (!json_is_string(json_object_get(j, need[i]))) {
            snprintf(err, errlen, "CSAF publisher: '%s' (a string) is required", need[i]);
            json_decref(j);
            return PK_E_FORMAT;
        }
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        bool ok = false;
        for (size_t i = 0; i < 5 && !ok; i++)
            ok = !strcmp(k, known[i]);
        if (!ok || !json_is_string(v) || json_string_length(v) == 0 ||
            json_string_length(v) > 1000) {
            snprintf(err, errlen, "CSAF publisher: member '%.40s' unknown, empty or not a string",
                     k);
            json_decref(j);
            return PK_E_FORMAT;
        }
    }
    *out = j;
    return PK_OK;
}

PK_API pk_status pk_regsrv_csaf_setup(pk_regsrv *s, const pk_regsrv_csaf *c, char *err,
                                      size_t errlen)
{
    if (!s || !c || !c->base_url || strncmp(c->base_url, "https://", 8) != 0 ||
        strlen(c->base_url) > 512) {
        snprintf(err, errlen, "CSAF: the base URL must be https://host[:port]");
        return PK_E_USAGE;
    }
    pki_csaf_srv *x = pki_calloc(1, sizeof *x);
    if (!x)
        return PK_E_NOMEM;
    pthread_mutex_init(&x->sign_lock, NULL);
    pk_status st = PK_OK;
    x->base_url = pki_strdup(c->base_url);
    if (x->base_url) {
        size_t n = strlen(x->base_url);
        while (n > 8 && x->base_url[n - 1] == '/')
            x->base_url[--n] = 0;
    }
    x->schema_dir = c->schema_dir ? pki_strdup(c->schema_dir) : NULL;
    x->tmpdir = c->tmpdir ? pki_strdup(c->tmpdir) : NULL;
    if (!x->base_url || (c->schema_dir && !x->schema_dir) || (c->tmpdir && !x->tmpdir))
        st = PK_E_NOMEM;
    if (st == PK_OK && c->publisher_json)
        st = publisher_of(c->publisher_json, &x->publisher, err, errlen);
    x->signer = c->signer;
    if (st == PK_OK && c->signer) {
        snprintf(x->fpr, sizeof x->fpr, "%s", pk_csaf_signer_fpr(c->signer));
        st = pk_csaf_signer_pubkey(c->signer, &x->pubkey, &x->pubkey_len, err, errlen);
    }
    if (st == PK_OK) {
        /* loads (and caches) the schemas once, now, so a missing one stops
         * the start rather than the first publish */
        static const char probe[] = "{}";
        pk_csaf_result *r = NULL;
        st = pk_csaf_check((const uint8_t *)probe, 2, x->schema_dir, &r, err, errlen);
        pk_csaf_result_free(r);
    }
    if (st != PK_OK) {
        cfg_free(x);
        return st;
    }
    if (s->csaf) {
        cfg_free(x);
        snprintf(err, errlen, "CSAF: already configured");
        return PK_E_MISUSE;
    }
    __atomic_store_n(&s->csaf, x, __ATOMIC_RELEASE);
    return PK_OK;
}

/* ---- what the registry's lookups add ---- */

uint64_t pki_srv_csaf_gen(pk_rstore *st)
{
    uint64_t g = 0;
    char e[256];
    if (pk_csaf_gen(st, &g, e, sizeof e) != PK_OK)
        return UINT64_MAX; /* a failing database: a key no answer is cached under twice */
    return g;
}
