/* The signing analyzer: signatures that span a container's members, checked
 * on the container itself before the walk unpacks it. Today: signed jars
 * (and any zip with META-INF/X.RSA, .DSA or .EC: APK v1 signatures included),
 * sig_jar.c; and the OpenPGP signatures of .rpm and .deb packages, read
 * and reported (sig_pgp.c). Authenticode is the pe analyzer's (pe_sig*.c). */
#include "signing_int.h"

static pk_status signing_init(pk_match_reg *reg, void **state)
{
    pki_sig_trust *t = NULL;
    pk_status st = pki_sig_trust_init(reg, &t);
    *state = t;
    return st;
}

static void signing_fini(void *state)
{
    pki_sig_trust_free(state);
}

static unsigned signing_claim(const pk_file *file)
{
    return file->type == PK_FT_ZIP || file->type == PK_FT_RPM || file->type == PK_FT_DEB ||
                   file->type == PK_FT_AR
               ? 40
               : 0;
}

static pk_status signing_analyze(const void *state, void *fstate, const pk_file *file, pk_emit *out)
{
    (void)fstate;
    pk_status st = PK_OK;
    pki_sig_trust empty = {0};
    const pki_sig_trust *t = state ? state : &empty;
    if (!t->store) {
        empty.store = X509_STORE_new();
        if (!empty.store)
            return PK_E_NOMEM;
    }
    if (file->type == PK_FT_RPM)
        pki_sgn_rpm(file->data, out, &st);
    else if (file->type == PK_FT_DEB || file->type == PK_FT_AR)
        pki_sgn_deb(file->data, out, &st);
    else
        pki_sgn_jar(file->data, t, out, &st);
    X509_STORE_free(empty.store);
    return st;
}

const pk_analyzer pki_analyzer_signing = {
    .name = "signing",
    .abi = PK_ANALYZER_ABI,
    .init = signing_init,
    .claim = signing_claim,
    .analyze = signing_analyze,
    .fini = signing_fini,
};
