/* A fixed inventory built with the builder API (several kinds, dependency
 * edges, evidence with and without offsets, an unattributed file, odd
 * characters in names and licenses), and a program that writes it as the SBOM
 * format named in argv[1] to stdout (tests/integration/sbom_schema.py checks
 * the output against the official schemas). test_sbom.c includes this file
 * with SBOM_EMIT_NO_MAIN for the same fixture. */
#include <stdio.h>
#include <string.h>

#include "inventory/inventory_int.h"

#define EV(vp, an, ru, m, conf, off, rec)                                                          \
    ((pk_cevidence){.vpath = (vp),                                                                 \
                    .analyzer = (an),                                                              \
                    .rule = (ru),                                                                  \
                    .method = (m),                                                                 \
                    .confidence = (conf),                                                          \
                    .loc = {.offset = (off), .length = 0, .record = (rec)}})

typedef struct fx_comp {
    const char *type, *ns, *name, *version, *arch, *distro, *license, *supplier, *homepage;
    const char *sha256, *sha1;
    pk_ckind kind;
} fx_comp;

/* Indices in the order added (before finish sorts them). */
enum { FX_OPENSSL, FX_LIBC, FX_REQUESTS, FX_LOG4J, FX_WEIRD, FX_DEBIAN, FX_GOAPP, FX_N };

static const fx_comp fx[FX_N] = {
    {"deb", "debian", "openssl", "3.0.11-1~deb12u2", "amd64", "debian-12", "Apache 2.0",
     "Debian OpenSSL Team <pkg-openssl-devel@lists.alioth.debian.org>", "https://www.openssl.org",
     "0f3e3a0c1c4b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6", NULL, PK_CK_LIBRARY},
    {"deb", "debian", "libc6", "2.36-9+deb12u4", "amd64", "debian-12", "GPL-2+ and LGPL-2.1+",
     "GNU Libc Maintainers", NULL, NULL, NULL, PK_CK_LIBRARY},
    {"pypi", NULL, "requests", "2.31.0", NULL, NULL, "Apache-2.0 OR (MIT AND BSD-3-clause)", NULL,
     "https://requests.readthedocs.io", NULL, NULL, PK_CK_LIBRARY},
    {"maven", "org.apache.logging.log4j", "log4j-core", "2.17.1", NULL, NULL,
     "The Apache Software License, Version 2.0", "The Apache Software Foundation", NULL, NULL,
     "779f60f3844dadc3ef597976fcb1e5127b1f343d", PK_CK_FRAMEWORK},
    {"generic", NULL, "weird name/\xc3\xbc\"<>\t\\", "1.0 beta", NULL, NULL,
     "Custom \"Weird\" License & Co, see COPYING", NULL, NULL,
     "a3f5e0c1c4b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f", NULL, PK_CK_FILE},
    {"generic", NULL, "debian", "12", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     PK_CK_OPERATING_SYSTEM},
    {"golang", "github.com/example", "agent", "v1.2.3", NULL, NULL, "MIT", "Example Corp", NULL,
     NULL, NULL, PK_CK_APPLICATION},
};

static int fx_set(pk_inventory *inv, const char **field, const char *s)
{
    if (!s)
        return 0;
    *field = pki_inv_str(inv, s);
    return *field ? 0 : -1;
}

/* The fixture inventory, finished; NULL on failure. */
static pk_inventory *fx_inventory(void)
{
    pk_inventory *inv = pki_inv_new();
    if (!inv)
        return NULL;
    inv->tool_version = "parakh test";
    inv->subject.name = pki_inv_str(inv, "firmware image.bin");
    inv->subject.sha256 =
        pki_inv_str(inv, "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592");
    int bad = 0;
    for (int i = 0; i < FX_N && !bad; i++) {
        size_t ci = pki_inv_add(inv);
        if (ci != (size_t)i)
            goto fail;
        pk_comp *c = &inv->comps[ci];
        const fx_comp *f = &fx[i];
        c->kind = f->kind;
        bad = fx_set(inv, &c->type, f->type) || fx_set(inv, &c->ns, f->ns) ||
              fx_set(inv, &c->name, f->name) || fx_set(inv, &c->version, f->version) ||
              fx_set(inv, &c->arch, f->arch) || fx_set(inv, &c->distro, f->distro) ||
              fx_set(inv, &c->license, f->license) || fx_set(inv, &c->supplier, f->supplier) ||
              fx_set(inv, &c->homepage, f->homepage) || fx_set(inv, &c->sha256, f->sha256) ||
              fx_set(inv, &c->sha1, f->sha1);
    }
    if (bad)
        goto fail;
    pk_cevidence ev[] = {
        EV("rootfs/var/lib/dpkg/status", "dpkg", "dpkg-status", PK_CM_MANIFEST, 100, 1200,
           "Package: openssl"),
        EV("rootfs/var/lib/dpkg/status", "dpkg", "dpkg-status", PK_CM_MANIFEST, 100, 1200,
           "Package: openssl"),
        EV("rootfs/usr/lib/x86_64-linux-gnu/libssl.so.3", "binsig", "binsig:openssl", PK_CM_BINARY,
           80, 4096, "OpenSSL 3.0.11 19 Sep 2023"),
    };
    for (size_t k = 0; k < sizeof(ev) / sizeof(ev[0]) && !bad; k++)
        bad = pki_inv_add_ev(inv, FX_OPENSSL, &ev[k]) != PK_OK;
    pk_cevidence e1 = EV("rootfs/var/lib/dpkg/status", "dpkg", "dpkg-status", PK_CM_MANIFEST, 100,
                         0, "Package: libc6");
    pk_cevidence e2 = EV("app.tar!/site-packages/requests-2.31.0.dist-info/METADATA", "python",
                         "python-dist-info", PK_CM_MANIFEST, 90, PK_LOC_NONE, NULL);
    pk_cevidence e3 = EV("app.tar!/lib/log4j-core-2.17.1.jar!/META-INF/maven/pom.properties",
                         "java", "maven-pom-properties", PK_CM_MANIFEST, 95, 0, "version=2.17.1");
    pk_cevidence e4 = EV("rootfs/opt/weird \"dir\"/bin/weird", "elf", "unattributed-exec",
                         PK_CM_FILENAME, 30, PK_LOC_NONE, NULL);
    pk_cevidence e5 = EV("rootfs/etc/os-release", "osrel", "os-release", PK_CM_MANIFEST, 100,
                         PK_LOC_NONE, "VERSION_ID=\"12\"");
    pk_cevidence e6 = EV("rootfs/usr/bin/agent", "golang", "go-buildinfo", PK_CM_BINARY, 100, 77,
                         "mod github.com/example/agent v1.2.3");
    bad = bad || pki_inv_add_ev(inv, FX_LIBC, &e1) || pki_inv_add_ev(inv, FX_REQUESTS, &e2) ||
          pki_inv_add_ev(inv, FX_LOG4J, &e3) || pki_inv_add_ev(inv, FX_WEIRD, &e4) ||
          pki_inv_add_ev(inv, FX_DEBIAN, &e5) || pki_inv_add_ev(inv, FX_GOAPP, &e6);
    inv->comps[FX_WEIRD].unattributed = 1;
    bad =
        bad || fx_set(inv, &inv->comps[FX_WEIRD].file_vpath, "rootfs/opt/weird \"dir\"/bin/weird");
    bad =
        bad || pki_inv_set_prop(inv, FX_GOAPP, "language", "go") ||
        pki_inv_set_prop(inv, FX_GOAPP, "sha512",
                         "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5"
                         "d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e") ||
        pki_inv_set_prop(inv, FX_REQUESTS, "download",
                         "https://files.pythonhosted.org/requests-2.31.0.tar.gz");
    /* openssl -> libc6, requests -> openssl, agent -> libc6 and openssl, a duplicate edge */
    bad = bad || pki_inv_add_dep(inv, FX_OPENSSL, FX_LIBC) ||
          pki_inv_add_dep(inv, FX_REQUESTS, FX_OPENSSL) ||
          pki_inv_add_dep(inv, FX_GOAPP, FX_LIBC) || pki_inv_add_dep(inv, FX_GOAPP, FX_OPENSSL) ||
          pki_inv_add_dep(inv, FX_GOAPP, FX_OPENSSL);
    if (bad || pki_inv_finish(inv) != PK_OK)
        goto fail;
    return inv;
fail:
    pk_inventory_free(inv);
    return NULL;
}

#ifndef SBOM_EMIT_NO_MAIN
/* "read <sbom> <format>": reads an SBOM and writes it again (the reader on
 * the official examples; its output is validated too). */
static int read_mode(const char *path, const char *format)
{
    pk_inventory *inv = NULL;
    char err[512];
    pk_status st = pk_inventory_from_sbom(path, &inv, err, sizeof(err));
    if (st != PK_OK) {
        fprintf(stderr, "%s (%s)\n", err, pk_status_str(st));
        return 3;
    }
    pk_sbom_opts o;
    pk_sbom_opts_default(&o);
    o.format = format;
    o.reproducible = 1;
    st = pk_inventory_write(inv, &o, stdout);
    fprintf(stderr, "components: %zu\n", pk_inventory_count(inv));
    pk_inventory_free(inv);
    return st == PK_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "read") && pk_sbom_format_known(argv[3]))
        return read_mode(argv[2], argv[3]);
    if (argc < 2 || !pk_sbom_format_known(argv[1])) {
        fprintf(stderr, "usage: sbom_emit cyclonedx|cyclonedx-1.5|spdx [random]\n"
                        "       sbom_emit read <sbom> cyclonedx|cyclonedx-1.5|spdx\n");
        return 2;
    }
    pk_inventory *inv = fx_inventory();
    if (!inv) {
        fprintf(stderr, "sbom_emit: cannot build the inventory\n");
        return 1;
    }
    pk_sbom_opts o;
    pk_sbom_opts_default(&o);
    o.format = argv[1];
    o.reproducible = !(argc > 2 && !strcmp(argv[2], "random"));
    pk_status st = pk_inventory_write(inv, &o, stdout);
    pk_inventory_free(inv);
    if (st != PK_OK) {
        fprintf(stderr, "sbom_emit: %s\n", pk_status_str(st));
        return 1;
    }
    return 0;
}
#endif
