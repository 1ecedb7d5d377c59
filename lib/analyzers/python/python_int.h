/* Internals of the python analyzer shared by its files. */
#ifndef PK_ANALYZERS_PYTHON_INT_H
#define PK_ANALYZERS_PYTHON_INT_H

#include <parakh/analyzer.h>
#include <parakh/component.h>

#include "../../core/core_int.h"

/* METADATA and RECORD files bigger than this are not read. */
#define PKI_PY_MAX_FILE (64u << 20)
/* Longest header value kept (longer ones are cut). */
#define PKI_PY_MAX_VALUE 1024u
/* Header lines read before giving up on the header block. */
#define PKI_PY_MAX_HEADERS 20000u

typedef enum pki_py_kind {
    PKI_PY_NONE = 0,
    PKI_PY_METADATA, /* *.dist-info/METADATA, *.egg-info/PKG-INFO */
    PKI_PY_EGGFILE,  /* a file named *.egg-info (PKG-INFO content) */
    PKI_PY_RECORD,   /* *.dist-info/RECORD */
} pki_py_kind;

pki_py_kind pki_py_kind_of(const pk_file *f);
/* Length of the vpath's directory part (with its trailing '/'). */
size_t pki_py_dir_len(const pk_file *f);
size_t pki_py_scope_len(const pk_file *f, pki_py_kind k);
/* PEP 503: lowercase, each run of '-', '_', '.' becomes one '-'. */
void pki_py_normalize(const char *s, size_t n, char *out, size_t cap);

pk_status pki_py_metadata(const pk_file *f, const char *scope, pk_emit *out);
pk_status pki_py_record(const pk_file *f, const char *scope, pk_emit *out);

#endif
