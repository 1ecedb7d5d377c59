/* The rpm analyzer's internals: the header structure parser shared by .rpm
 * files and rpmdb blobs (rpm_hdr.c), and the rpmdb.sqlite reader (rpm.c).
 *
 * Ownership: a pki_rpm_hdr borrows the bytes it was made from. */
#ifndef PK_ANALYZERS_RPM_INT_H
#define PK_ANALYZERS_RPM_INT_H

#include <parakh/analyzer.h>
#include <parakh/component.h>
#include <stdbool.h>

#include "../../core/core_int.h"

/* rpm's own limits (lib/header.c hdrchkTags/hdrchkData) */
#define PKI_RPM_MAX_TAGS 0xffffu
#define PKI_RPM_MAX_DATA (256u << 20)

enum {
    PKI_RPMTAG_NAME = 1000,
    PKI_RPMTAG_VERSION = 1001,
    PKI_RPMTAG_RELEASE = 1002,
    PKI_RPMTAG_EPOCH = 1003,
    PKI_RPMTAG_SUMMARY = 1004,
    PKI_RPMTAG_DISTRIBUTION = 1010,
    PKI_RPMTAG_VENDOR = 1011,
    PKI_RPMTAG_LICENSE = 1014,
    PKI_RPMTAG_PACKAGER = 1015,
    PKI_RPMTAG_URL = 1020,
    PKI_RPMTAG_ARCH = 1022,
    PKI_RPMTAG_SOURCERPM = 1044,
    PKI_RPMTAG_PROVIDENAME = 1047,
    PKI_RPMTAG_REQUIRENAME = 1049,
    PKI_RPMTAG_DIRINDEXES = 1116,
    PKI_RPMTAG_BASENAMES = 1117,
    PKI_RPMTAG_DIRNAMES = 1118,
};

/* A header: il index entries of 16 bytes, then dl bytes of data. */
typedef struct pki_rpm_hdr {
    const uint8_t *index;
    uint32_t il;
    const uint8_t *data;
    uint32_t dl;
} pki_rpm_hdr;

/* Parses an index+data blob starting with il/dl (no 8-byte magic), as stored
 * in rpmdb; *used receives its size. False if it does not fit in len. */
bool pki_rpm_hdr_blob(const uint8_t *p, size_t len, pki_rpm_hdr *h, size_t *used);

/* The main header of a .rpm file (lead, signature header, header). */
bool pki_rpm_hdr_file(const uint8_t *p, size_t len, pki_rpm_hdr *h);

/* The i-th string of a STRING / STRING_ARRAY / I18NSTRING tag, bounded and
 * NUL-terminated inside the data; NULL if absent or malformed. *count (NULLABLE)
 * receives the tag's count. */
const char *pki_rpm_str(const pki_rpm_hdr *h, uint32_t tag, uint32_t i, uint32_t *count);

/* Sequential reading of a string array (BASENAMES has ~10^5 entries). */
typedef struct pki_rpm_iter {
    const uint8_t *p;
    size_t left;
    uint32_t n, i;
} pki_rpm_iter;
bool pki_rpm_iter_init(const pki_rpm_hdr *h, uint32_t tag, pki_rpm_iter *it);
const char *pki_rpm_iter_next(pki_rpm_iter *it); /* NULL at the end or on a bad string */

/* An INT32 tag's i-th value; false if absent or out of bounds. */
bool pki_rpm_u32(const pki_rpm_hdr *h, uint32_t tag, uint32_t i, uint32_t *v);

/* How the header's package is emitted. */
typedef struct pki_rpm_emit {
    const char *scope;
    const char *owns; /* NULLABLE */
    const char *rule;
    uint8_t confidence;
    pk_loc loc;
    int files; /* 1: list DIRNAMES/BASENAMES as component files */
} pki_rpm_emit;

/* Emits one component for the header; no-op without a NAME. */
void pki_rpm_emit_hdr(pk_emit *out, const pki_rpm_hdr *h, const pki_rpm_emit *how);

/* rpm_bdb.c: a Berkeley DB hash file (var/lib/rpm/Packages) */
bool pki_rpm_bdb_is(const uint8_t *p, size_t len);
void pki_rpm_bdb_read(const uint8_t *p, size_t len, pk_emit *out, const pki_rpm_emit *how);

/* rpm_ndb.c: an ndb Packages.db */
bool pki_rpm_ndb_is(const uint8_t *p, size_t len);
void pki_rpm_ndb_read(const uint8_t *p, size_t len, pk_emit *out, const pki_rpm_emit *how);

#endif
