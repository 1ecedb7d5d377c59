/* parakhd's CSAF side (docs/csaf.md): the configuration, the TLP × role
 * table, and the pieces srv_csaf.c (routing), srv_csaf_tree.c (the
 * provider tree) and srv_csaf_api.c (the JSON API) share. */
#ifndef PK_SERVER_SRV_CSAF_INT_H
#define PK_SERVER_SRV_CSAF_INT_H

#include <parakh/csaf.h>
#include <parakh/csaf_store.h>
#include <parakh/csaf_sync.h>

#include "srv_int.h"

typedef struct pki_csaf_srv {
    char *base_url;            /* no trailing '/' */
    json_t *publisher;         /* {name, namespace, category, ...} */
    pk_csaf_signer *signer;    /* NULLABLE, borrowed; used under sign_lock */
    pthread_mutex_t sign_lock; /* one GPGME context: one signature at a time */
    char fpr[64];              /* the signer's fingerprint ("" when none) */
    uint8_t *pubkey;           /* ASCII-armoured public key (pk_csaf_free) */
    size_t pubkey_len;
    char *schema_dir, *tmpdir; /* NULLABLE */
} pki_csaf_srv;

/* The configuration in force: s->csaf, or the defaults. */
const pki_csaf_srv *pki_csaf_cfg(const pk_regsrv *s);

/* TLP index 0..3 of "WHITE".."RED" (or lower case); -1 when unknown. */
int pki_csaf_tlp(const char *t);
/* Lower-case name of TLP index i ("white", ...). */
const char *pki_csaf_tlp_lc(int i);
/* The TLP × role table: 200 when role may read TLP i, else 401 (public)
 * or 403. */
unsigned pki_csaf_tlp_status(pk_rstore_role role, int tlp);
/* Fills rs with the refusal of the TLP table for (role, tlp); false when
 * role may read it. */
bool pki_csaf_tlp_refuse(pk_rstore_role role, int tlp, pk_regsrv_response *rs);

/* A raw body (copied) with this status and content type. */
void pki_csaf_raw(pk_regsrv_response *rs, unsigned status, const char *ctype, const void *p,
                  size_t n);

/* The provider tree: path is below "/.well-known/csaf/" (folder "") or
 * "/.well-known/csaf-aggregator/" (folder NULL: decided from the path). */
void pki_csaf_tree_get(pk_regsrv *s, const pki_caller *c, const char *folder, const char *rest,
                       pk_regsrv_response *rs);
void pki_csaf_aggregator_get(pk_regsrv *s, const pki_caller *c, const char *rest,
                             pk_regsrv_response *rs);
void pki_csaf_security_txt(pk_regsrv *s, pk_regsrv_response *rs);

/* The API (srv_csaf_api.c). */
void pki_csaf_publish(pk_regsrv *s, const pki_caller *c, const pk_regsrv_request *rq,
                      pk_regsrv_response *rs);
void pki_csaf_list_api(pk_regsrv *s, const pki_caller *c, pk_regsrv_response *rs);
void pki_csaf_versions_api(pk_regsrv *s, const pki_caller *c, const char *file,
                           pk_regsrv_response *rs);
void pki_csaf_affected_api(pk_regsrv *s, const pki_caller *c, const char *PK_NULLABLE file,
                           pk_regsrv_response *rs);
void pki_csaf_match_api(pk_regsrv *s, const pki_caller *c, const pk_regsrv_request *rq,
                        pk_regsrv_response *rs);
void pki_csaf_sbom_api(pk_regsrv *s, const pki_caller *c, const char *cert_id,
                       const pk_regsrv_request *rq, pk_regsrv_response *rs);
void pki_csaf_inuse_post(pk_regsrv *s, const pki_caller *c, const pk_regsrv_request *rq,
                         pk_regsrv_response *rs);
void pki_csaf_inuse_get(pk_regsrv *s, const pki_caller *c, pk_regsrv_response *rs);
/* A hit as docs/csaf.md writes it. */
json_t *pki_csaf_hit_json(const pk_csaf_hit_row *h);

#endif
