/* parakh: how analyzers report software components (the SBOM's raw evidence).
 *
 * An analyzer that recognises a component (a package database record, a
 * manifest, build info in a binary, a version banner) calls pk_emit_component()
 * once per component and per piece of evidence, from on_match() or analyze().
 * It does not deduplicate, resolve dependencies or decide which files nobody
 * claims: the inventory (include/parakh/inventory.h) does that after the walk,
 * over every file of the scan.
 *
 * Ownership: every string is copied; a pk_component handle is valid until the
 * next pk_emit_component() call or the callback's return, whichever is first. */
#ifndef PARAKH_COMPONENT_H
#define PARAKH_COMPONENT_H

#include "finding.h"
#include "status.h"
#include "types.h"

typedef struct pk_emit pk_emit;
typedef struct pk_component pk_component;

/* CycloneDX component types that parakh produces. */
typedef enum pk_ckind {
    PK_CK_LIBRARY = 0,
    PK_CK_APPLICATION,
    PK_CK_FRAMEWORK,
    PK_CK_OPERATING_SYSTEM,
    PK_CK_FIRMWARE,
    PK_CK_FILE,
    PK_CK_COUNT_
} pk_ckind;

/* "library", "application", ...: the CycloneDX enum value; never NULL. */
PK_API const char *pk_ckind_name(pk_ckind k);

/* How the evidence was obtained; becomes the CycloneDX evidence technique. */
typedef enum pk_cmethod {
    PK_CM_MANIFEST = 0, /* a package database or manifest: "manifest-analysis" */
    PK_CM_BINARY,       /* build info or a version banner in a binary: "binary-analysis" */
    PK_CM_FILENAME,     /* only a file name: "filename" */
    PK_CM_HASH,         /* a known hash: "hash-comparison" */
    PK_CM_OTHER,
    PK_CM_COUNT_
} pk_cmethod;

PK_API const char *pk_cmethod_name(pk_cmethod m);

/* Flags of a component. */
#define PK_CF_SELF 0x1u /* the current file is the component (its hashes are the component's) */
#define PK_CF_CLAIM                                                                                \
    0x2u /* ownership only: adds files/owns to the component with the same                         \
            identity and scope found elsewhere; never a component alone */

typedef struct pk_component_spec {
    /* identity: purl fields (type as in PURL-TYPES: deb, rpm, apk, pypi, npm, maven,
     * golang, cargo, nuget, generic). name is required; version NULL = unknown. */
    const char *type;
    const char *ns; /* NULLABLE: namespace ("debian", a Maven groupId, an npm "@scope") */
    const char *name;
    const char *version;
    const char *arch;   /* NULLABLE: purl qualifier arch */
    const char *distro; /* NULLABLE: purl qualifier distro ("debian-12") */
    pk_ckind kind;
    unsigned flags;
    /* Where names of dependencies and installed files are resolved: the vpath
     * of the root directory the database describes, ending in '/' or "!/"
     * ("img.tar!/", "rootfs/"), or of the manifest's project. NULL: the current
     * file's vpath. */
    const char *scope;
    /* the evidence: the rule or technique id, how, where, how sure */
    const char *rule; /* "dpkg-status", "binsig:openssl", ... stable, documented */
    pk_cmethod method;
    uint8_t confidence; /* 0..100 */
    pk_loc loc;         /* in the current file */
    pk_bytes matched;   /* NULLABLE: the bytes that matched (copied, <= PK_EVIDENCE_MAX) */
} pk_component_spec;

/* Adds a component (with one piece of evidence) for the current file.
 * *handle (NULLABLE) receives a handle for the setters below, valid until the
 * next pk_emit_component() or the callback's return. PK_E_MISUSE without a name or type; PK_E_LIMIT
 * past the per-file cap (the component is dropped and counted). */
PK_API pk_status pk_emit_component(pk_emit *out, const pk_component_spec *spec,
                                   pk_component **handle);

/* Optional attributes. key is one of: "license" (as declared; the writer maps
 * SPDX ids and keeps the rest as text), "supplier", "author", "description",
 * "homepage", "source_name", "source_version" (the source package), "cpe_vendor",
 * "cpe_product" (override the CPE map), "cpe" (a full CPE 2.3 string),
 * "sha256"/"sha1"/"md5" (hex, of the component's distributed artifact),
 * "language", "group" (CycloneDX group for display). Unknown keys are kept as
 * properties "parakh:<key>". A NULL or empty value is ignored. */
PK_API void pk_component_set(pk_component *c, const char *key, const char *value);

/* A dependency on a component of the same type, by name. `name` may hold dpkg
 * alternatives separated by '|' (the first present wins). `version` (NULLABLE)
 * is the exact version when the evidence knows it (npm lock, Go build info),
 * else NULL: then the one component of that name in the same scope is taken. */
PK_API pk_status pk_component_dep(pk_component *c, const char *name, const char *version);

/* A file the component installs, as a path inside its scope ("/usr/bin/ls" or
 * "usr/bin/ls"; "./" and leading '/' are ignored). Used to attribute files and to
 * resolve ELF DT_NEEDED to the package that ships the library. */
PK_API pk_status pk_component_file(pk_component *c, const char *path);

/* Every file whose vpath starts with `vpath_prefix` belongs to the component
 * (a .deb's or a jar's content: "a/x.deb!/", a node_modules/<pkg>/ directory). */
PK_API pk_status pk_component_owns(pk_component *c, const char *vpath_prefix);

/* The vpath of the file `levels` containers above the current file (0: the
 * file itself; 1: the archive holding it), written into buf. PK_E_LIMIT if the
 * file is not that deep or buf is too small. For "x.deb!/control.tar.xz!/control"
 * and levels 2: "x.deb". */
PK_API pk_status pk_vpath_up(const char *vpath, unsigned levels, char *buf, size_t cap);

#endif
