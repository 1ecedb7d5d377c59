/* The SBOM writers and reader on the fixture inventory of sbom_emit.c: key
 * content of CycloneDX 1.6 / 1.5 and SPDX 2.3 (licenses, hashes, evidence,
 * properties, dependencies), byte-identical reproducible output, write -> read
 * -> write round trips, the license map against the SPDX list, and the
 * reader's errors (status and message). Schema validation is in
 * tests/integration/sbom_schema.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SBOM_EMIT_NO_MAIN
#include "sbom_emit.c"

#include "core/rulefiles.h"
#include "inventory/writer_int.h"

/* Writes inv in `format` into a malloc'ed NUL-terminated buffer. */
static char *write_str(const pk_inventory *inv, const char *format, int reproducible)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    pk_sbom_opts o;
    pk_sbom_opts_default(&o);
    o.format = format;
    o.reproducible = reproducible;
    assert_int_equal(pk_inventory_write(inv, &o, f), PK_OK);
    fclose(f);
    return buf;
}

static json_t *write_json(const pk_inventory *inv, const char *format)
{
    char *s = write_str(inv, format, 1);
    json_error_t je;
    json_t *j = json_loads(s, 0, &je);
    if (!j)
        fail_msg("output is not JSON: %s", je.text);
    free(s);
    return j;
}

static json_t *find_by(json_t *arr, const char *key, const char *value)
{
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        const char *v = json_string_value(json_object_get(o, key));
        if (v && !strcmp(v, value))
            return o;
    }
    fail_msg("no element with %s = %s", key, value);
    return NULL;
}

static const char *jget(json_t *o, const char *path)
{
    json_t *j = o;
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *save = NULL, *t = strtok_r(buf, ".", &save); t; t = strtok_r(NULL, ".", &save)) {
        char *end;
        long ix = strtol(t, &end, 10);
        j = *end ? json_object_get(j, t) : json_array_get(j, (size_t)ix);
    }
    return json_string_value(j);
}

static void test_formats(void **st)
{
    (void)st;
    assert_true(pk_sbom_format_known("cyclonedx"));
    assert_true(pk_sbom_format_known("cyclonedx-1.6"));
    assert_true(pk_sbom_format_known("cyclonedx-1.5"));
    assert_true(pk_sbom_format_known("spdx"));
    assert_true(pk_sbom_format_known("spdx-2.3"));
    assert_false(pk_sbom_format_known("cyclonedx-1.4"));
    assert_false(pk_sbom_format_known("json"));
    assert_false(pk_sbom_format_known(NULL));
    pk_sbom_opts o;
    pk_sbom_opts_default(&o);
    assert_string_equal(o.format, "cyclonedx");
    assert_int_equal(o.reproducible, 0);
    pk_inventory *inv = fx_inventory();
    assert_non_null(inv);
    o.format = "xml";
    FILE *f = fopen("/dev/null", "w");
    assert_int_equal(pk_inventory_write(inv, &o, f), PK_E_USAGE);
    fclose(f);
    pk_inventory_free(inv);
}

static void test_cdx16(void **st)
{
    (void)st;
    pk_inventory *inv = fx_inventory();
    assert_non_null(inv);
    json_t *d = write_json(inv, "cyclonedx");
    assert_string_equal(jget(d, "bomFormat"), "CycloneDX");
    assert_string_equal(jget(d, "specVersion"), "1.6");
    assert_int_equal(json_integer_value(json_object_get(d, "version")), 1);
    assert_string_equal(jget(d, "metadata.timestamp"), "1970-01-01T00:00:00Z");
    assert_string_equal(jget(d, "metadata.component.name"), "firmware image.bin");
    assert_string_equal(jget(d, "metadata.tools.components.0.name"), "parakh");
    const char *serial = jget(d, "serialNumber");
    assert_int_equal(strlen(serial), 45);
    assert_int_equal(strncmp(serial, "urn:uuid:", 9), 0);
    assert_int_equal(serial[9 + 14], '8'); /* version nibble */
    assert_non_null(strchr("89ab", serial[9 + 19]));

    json_t *comps = json_object_get(d, "components");
    assert_int_equal(json_array_size(comps), FX_N);
    json_t *ssl = find_by(comps, "name", "openssl");
    assert_string_equal(jget(ssl, "type"), "library");
    assert_string_equal(jget(ssl, "purl"),
                        "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12");
    assert_string_equal(jget(ssl, "bom-ref"), jget(ssl, "purl"));
    assert_string_equal(jget(ssl, "licenses.0.license.id"), "Apache-2.0");
    assert_string_equal(jget(ssl, "hashes.0.alg"), "SHA-256");
    assert_string_equal(jget(ssl, "externalReferences.0.type"), "website");
    assert_string_equal(jget(ssl, "supplier.name"),
                        "Debian OpenSSL Team <pkg-openssl-devel@lists.alioth.debian.org>");
    json_t *ev = json_object_get(ssl, "evidence");
    json_t *id = json_object_get(ev, "identity");
    assert_true(json_is_array(id));
    assert_string_equal(jget(id, "0.field"), "purl");
    assert_true(json_real_value(json_object_get(json_array_get(id, 0), "confidence")) == 1.0);
    json_t *methods = json_object_get(json_array_get(id, 0), "methods");
    assert_int_equal(json_array_size(methods), 3);
    int seen_binary = 0;
    for (size_t i = 0; i < 3; i++) {
        char p[32];
        snprintf(p, sizeof(p), "%zu.technique", i);
        if (strcmp(jget(methods, p), "binary-analysis"))
            continue;
        seen_binary = 1;
        snprintf(p, sizeof(p), "%zu.value", i);
        assert_string_equal(jget(methods, p), "binsig/binsig:openssl: OpenSSL 3.0.11 19 Sep 2023");
    }
    assert_true(seen_binary);
    /* the two dpkg evidences at the same offset make one occurrence */
    json_t *occ = json_object_get(ev, "occurrences");
    assert_int_equal(json_array_size(occ), 2);
    json_t *o1 = find_by(occ, "location", "rootfs/var/lib/dpkg/status");
    assert_int_equal(json_integer_value(json_object_get(o1, "offset")), 1200);
    assert_string_equal(jget(o1, "additionalContext"), "Package: openssl");

    assert_string_equal(jget(find_by(comps, "name", "libc6"), "licenses.0.expression"),
                        "GPL-2.0-or-later AND LGPL-2.1-or-later");
    assert_string_equal(jget(find_by(comps, "name", "requests"), "licenses.0.expression"),
                        "Apache-2.0 OR (MIT AND BSD-3-Clause)");
    json_t *log4j = find_by(comps, "name", "log4j-core");
    assert_string_equal(jget(log4j, "group"), "org.apache.logging.log4j");
    assert_string_equal(jget(log4j, "type"), "framework");
    assert_string_equal(jget(log4j, "licenses.0.license.id"), "Apache-2.0");
    assert_string_equal(jget(log4j, "hashes.0.alg"), "SHA-1");

    json_t *weird = find_by(comps, "name", "weird name/\xc3\xbc\"<>\t\\");
    assert_string_equal(jget(weird, "type"), "file");
    assert_string_equal(jget(weird, "version"), "1.0 beta");
    assert_string_equal(jget(weird, "licenses.0.license.name"),
                        "Custom \"Weird\" License & Co, see COPYING");
    json_t *props = json_object_get(weird, "properties");
    assert_string_equal(jget(find_by(props, "name", "parakh:unattributed"), "value"), "true");
    assert_string_equal(jget(find_by(props, "name", "parakh:file"), "value"),
                        "rootfs/opt/weird \"dir\"/bin/weird");
    json_t *wocc =
        json_array_get(json_object_get(json_object_get(weird, "evidence"), "occurrences"), 0);
    assert_null(json_object_get(wocc, "offset"));
    assert_string_equal(jget(weird, "evidence.identity.0.methods.0.technique"), "filename");

    json_t *agent = find_by(comps, "name", "agent");
    assert_string_equal(jget(agent, "type"), "application");
    assert_string_equal(jget(find_by(json_object_get(agent, "hashes"), "alg", "SHA-512"), "alg"),
                        "SHA-512");
    props = json_object_get(agent, "properties");
    assert_string_equal(jget(find_by(props, "name", "parakh:language"), "value"), "go");
    size_t i;
    json_t *p;
    json_array_foreach(props, i, p) assert_string_not_equal(jget(p, "name"), "parakh:sha512");
    assert_string_equal(jget(find_by(comps, "name", "debian"), "type"), "operating-system");

    /* dependencies: the subject, then every component (empty dependsOn allowed) */
    json_t *deps = json_object_get(d, "dependencies");
    assert_int_equal(json_array_size(deps), FX_N + 1);
    json_t *top = json_object_get(find_by(deps, "ref", "parakh-subject"), "dependsOn");
    assert_int_equal(json_array_size(top), 5); /* all but libc6 and openssl */
    json_t *ad = json_object_get(find_by(deps, "ref", jget(agent, "bom-ref")), "dependsOn");
    assert_int_equal(json_array_size(ad), 2);
    json_t *wd = json_object_get(find_by(deps, "ref", jget(weird, "bom-ref")), "dependsOn");
    assert_true(json_is_array(wd));
    assert_int_equal(json_array_size(wd), 0);
    json_t *sd = json_object_get(find_by(deps, "ref", jget(ssl, "bom-ref")), "dependsOn");
    assert_int_equal(json_array_size(sd), 1);
    assert_string_equal(json_string_value(json_array_get(sd, 0)),
                        jget(find_by(comps, "name", "libc6"), "bom-ref"));
    json_decref(d);
    pk_inventory_free(inv);
}

static void test_cdx15(void **st)
{
    (void)st;
    pk_inventory *inv = fx_inventory();
    json_t *d = write_json(inv, "cyclonedx-1.5");
    assert_string_equal(jget(d, "specVersion"), "1.5");
    json_t *ssl = find_by(json_object_get(d, "components"), "name", "openssl");
    json_t *ev = json_object_get(ssl, "evidence");
    json_t *id = json_object_get(ev, "identity");
    assert_true(json_is_object(id));
    assert_string_equal(jget(id, "field"), "purl");
    json_t *occ = json_object_get(ev, "occurrences");
    assert_int_equal(json_array_size(occ), 2);
    size_t i;
    json_t *o;
    json_array_foreach(occ, i, o) assert_int_equal(json_object_size(o), 1);
    json_decref(d);
    pk_inventory_free(inv);
}

static void test_spdx(void **st)
{
    (void)st;
    pk_inventory *inv = fx_inventory();
    json_t *d = write_json(inv, "spdx");
    assert_string_equal(jget(d, "spdxVersion"), "SPDX-2.3");
    assert_string_equal(jget(d, "dataLicense"), "CC0-1.0");
    assert_string_equal(jget(d, "SPDXID"), "SPDXRef-DOCUMENT");
    assert_string_equal(jget(d, "creationInfo.created"), "1970-01-01T00:00:00Z");
    assert_string_equal(jget(d, "creationInfo.creators.0"), "Tool: parakh-" PK_TEST_VERSION);
    const char *ns = jget(d, "documentNamespace");
    assert_int_equal(strncmp(ns, "https://parakh.invalid/spdxdocs/firmware-image.bin-", 51), 0);
    json_t *pk = json_object_get(d, "packages");
    assert_int_equal(json_array_size(pk), FX_N + 1);
    assert_string_equal(jget(pk, "0.SPDXID"), "SPDXRef-Subject");
    size_t i;
    json_t *p;
    json_array_foreach(pk, i, p)
    {
        const char *id = jget(p, "SPDXID");
        assert_int_equal(strncmp(id, "SPDXRef-", 8), 0);
        for (const char *c = id + 8; *c; c++)
            assert_true((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
                        (*c >= '0' && *c <= '9') || *c == '.' || *c == '-');
    }
    json_t *ssl = find_by(pk, "name", "openssl");
    assert_string_equal(jget(ssl, "licenseDeclared"), "Apache-2.0");
    assert_string_equal(jget(ssl, "licenseConcluded"), "NOASSERTION");
    assert_string_equal(
        jget(ssl, "supplier"),
        "Organization: Debian OpenSSL Team <pkg-openssl-devel@lists.alioth.debian.org>");
    assert_string_equal(jget(ssl, "checksums.0.algorithm"), "SHA256");
    assert_string_equal(jget(find_by(json_object_get(ssl, "externalRefs"), "referenceType", "purl"),
                             "referenceCategory"),
                        "PACKAGE-MANAGER");
    assert_string_equal(
        jget(find_by(json_object_get(ssl, "externalRefs"), "referenceType", "cpe23Type"),
             "referenceCategory"),
        "SECURITY");
    assert_non_null(strstr(jget(ssl, "sourceInfo"), "rootfs/var/lib/dpkg/status"));
    assert_non_null(
        strstr(jget(ssl, "comment"), "dpkg/dpkg-status at rootfs/var/lib/dpkg/status@1200"));
    assert_string_equal(jget(find_by(pk, "name", "requests"), "downloadLocation"),
                        "https://files.pythonhosted.org/requests-2.31.0.tar.gz");
    assert_string_equal(jget(find_by(pk, "name", "debian"), "primaryPackagePurpose"),
                        "OPERATING_SYSTEM");
    json_t *weird = find_by(pk, "name", "weird name/\xc3\xbc\"<>\t\\");
    const char *lref = jget(weird, "licenseDeclared");
    assert_int_equal(strncmp(lref, "LicenseRef-", 11), 0);
    json_t *ex = find_by(json_object_get(d, "hasExtractedLicensingInfos"), "licenseId", lref);
    assert_string_equal(jget(ex, "extractedText"), "Custom \"Weird\" License & Co, see COPYING");
    assert_string_equal(jget(find_by(pk, "name", "debian"), "licenseDeclared"), "NOASSERTION");

    json_t *rels = json_object_get(d, "relationships");
    size_t ndesc = 0, ncont = 0, ndep = 0;
    json_array_foreach(rels, i, p)
    {
        const char *t = jget(p, "relationshipType");
        ndesc += !strcmp(t, "DESCRIBES");
        ncont += !strcmp(t, "CONTAINS");
        ndep += !strcmp(t, "DEPENDS_ON");
    }
    assert_int_equal(ndesc, 1);
    assert_int_equal(ncont, FX_N);
    assert_int_equal(ndep, 4);
    assert_null(json_object_get(d, "documentDescribes"));
    json_decref(d);
    pk_inventory_free(inv);
}

/* Distinct texts whose sanitized ids collide get distinct LicenseRefs; the
 * same text twice shares one entry. */
static void test_spdx_licenserefs(void **st)
{
    (void)st;
    pk_inventory *inv = pki_inv_new();
    const char *lic[] = {"Foo Bar", "Foo/Bar", "Foo Bar", "Foo-Bar-2", "Foo?Bar"};
    for (size_t i = 0; i < 5; i++) {
        size_t ci = pki_inv_add(inv);
        char nm[16];
        snprintf(nm, sizeof(nm), "p%zu", i);
        inv->comps[ci].type = "generic";
        inv->comps[ci].name = pki_inv_str(inv, nm);
        inv->comps[ci].license = lic[i];
    }
    assert_int_equal(pki_inv_finish(inv), PK_OK);
    json_t *d = write_json(inv, "spdx");
    json_t *pk = json_object_get(d, "packages");
    assert_string_equal(jget(find_by(pk, "name", "p0"), "licenseDeclared"), "LicenseRef-Foo-Bar");
    assert_string_equal(jget(find_by(pk, "name", "p1"), "licenseDeclared"), "LicenseRef-Foo-Bar-2");
    assert_string_equal(jget(find_by(pk, "name", "p2"), "licenseDeclared"), "LicenseRef-Foo-Bar");
    assert_string_equal(jget(find_by(pk, "name", "p3"), "licenseDeclared"),
                        "LicenseRef-Foo-Bar-2-2");
    assert_string_equal(jget(find_by(pk, "name", "p4"), "licenseDeclared"), "LicenseRef-Foo-Bar-3");
    json_t *ex = json_object_get(d, "hasExtractedLicensingInfos");
    assert_int_equal(json_array_size(ex), 4);
    assert_string_equal(jget(find_by(ex, "licenseId", "LicenseRef-Foo-Bar-2"), "extractedText"),
                        "Foo/Bar");
    json_decref(d);
    pk_inventory_free(inv);
}

static void test_determinism(void **st)
{
    (void)st;
    const char *fmts[] = {"cyclonedx", "cyclonedx-1.5", "spdx"};
    for (size_t k = 0; k < 3; k++) {
        pk_inventory *a = fx_inventory(), *b = fx_inventory();
        char *x = write_str(a, fmts[k], 1), *y = write_str(b, fmts[k], 1);
        assert_string_equal(x, y);
        char *r1 = write_str(a, fmts[k], 0), *r2 = write_str(a, fmts[k], 0);
        assert_string_not_equal(r1, r2); /* a random uuid each time */
        const char *u = strstr(r1, k < 2 ? "urn:uuid:" : "firmware-image.bin-");
        assert_non_null(u);
        u += k < 2 ? 9 : 19;
        assert_int_equal(u[14], '4');
        free(x);
        free(y);
        free(r1);
        free(r2);
        /* a changed inventory changes the derived serial */
        b->comps[0].version = "0.0.1";
        x = write_str(a, fmts[k], 1);
        y = write_str(b, fmts[k], 1);
        assert_int_not_equal(strcmp(x, y), 0);
        free(x);
        free(y);
        pk_inventory_free(a);
        pk_inventory_free(b);
    }
}

/* "name@version purl license sha256 cpe -> [dep names]" per component, in
 * inventory order; the license as the writers normalise it ("Apache 2.0" is
 * written, and so read back, as "Apache-2.0"). */
static char *summary(const pk_inventory *inv)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    for (size_t i = 0; i < pk_inventory_count(inv); i++) {
        const pk_comp *c = pk_inventory_at(inv, i);
        char lic[512];
        if (c->license && (pki_license_id(c->license, strlen(c->license), lic, sizeof(lic)) ||
                           pki_license_expr(c->license, lic, sizeof(lic))))
            fprintf(f, "[%s] ", lic);
        else
            fprintf(f, "[%s] ", c->license ? c->license : "-");
        fprintf(f, "%s@%s %s %s %s ->", c->name, c->version ? c->version : "-",
                c->purl ? c->purl : "-", c->sha256 ? c->sha256 : "-", c->cpe ? c->cpe : "-");
        for (size_t k = 0; k < c->ndeps; k++)
            fprintf(f, " %s", pk_inventory_at(inv, c->deps[k])->name);
        fprintf(f, "\n");
    }
    fclose(f);
    return buf;
}

static void test_roundtrip(void **st)
{
    (void)st;
    const char *fmts[] = {"cyclonedx", "cyclonedx-1.5", "spdx"};
    pk_inventory *inv = fx_inventory();
    char *want = summary(inv);
    for (size_t k = 0; k < 3; k++) {
        char path[] = "/tmp/pk-sbom-rt-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        FILE *f = fdopen(fd, "w");
        pk_sbom_opts o;
        pk_sbom_opts_default(&o);
        o.format = fmts[k];
        o.reproducible = 1;
        assert_int_equal(pk_inventory_write(inv, &o, f), PK_OK);
        fclose(f);
        pk_inventory *back = NULL;
        char err[256];
        pk_status s = pk_inventory_from_sbom(path, &back, err, sizeof(err));
        if (s != PK_OK)
            fail_msg("%s: %s", fmts[k], err);
        char *got = summary(back);
        assert_string_equal(got, want);
        assert_string_equal(pk_inventory_subject(back)->name, "firmware image.bin");
        /* what the reader keeps beyond identity */
        for (size_t i = 0; i < pk_inventory_count(back); i++) {
            const pk_comp *c = pk_inventory_at(back, i);
            assert_int_equal(c->nev, 1);
            assert_string_equal(c->ev[0].analyzer, "sbom");
            assert_string_equal(c->ev[0].rule, k < 2 ? "cyclonedx" : "spdx");
            assert_string_equal(c->ev[0].vpath, path);
            if (!strcmp(c->name, "log4j-core"))
                assert_int_equal(c->kind, PK_CK_FRAMEWORK);
            if (k < 2 && !strcmp(c->name, "weird name/\xc3\xbc\"<>\t\\")) {
                assert_true(c->unattributed);
                assert_string_equal(c->file_vpath, "rootfs/opt/weird \"dir\"/bin/weird");
            }
        }
        free(got);
        /* write again: the same components and edges */
        pk_inventory *again = NULL;
        char *x = write_str(back, fmts[k], 1);
        FILE *g = fopen(path, "w");
        fputs(x, g);
        fclose(g);
        assert_int_equal(pk_inventory_from_sbom(path, &again, err, sizeof(err)), PK_OK);
        got = summary(again);
        assert_string_equal(got, want);
        free(got);
        free(x);
        pk_inventory_free(again);
        pk_inventory_free(back);
        unlink(path);
    }
    free(want);
    pk_inventory_free(inv);
}

/* Reads `text` from a file; returns the status, the message in err. */
static pk_status read_text(const char *text, size_t len, char *err, size_t cap)
{
    char path[] = "/tmp/pk-sbom-err-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    pk_inventory *inv = (pk_inventory *)1;
    pk_status s = pk_inventory_from_sbom(path, &inv, err, cap);
    if (s == PK_OK)
        pk_inventory_free(inv);
    else
        assert_null(inv);
    unlink(path);
    return s;
}

#define EXPECT(text, status, msg)                                                                  \
    do {                                                                                           \
        char err_[512];                                                                            \
        assert_int_equal(read_text(text, strlen(text), err_, sizeof(err_)), status);               \
        if (!strstr(err_, msg))                                                                    \
            fail_msg("message \"%s\" lacks \"%s\"", err_, msg);                                    \
    } while (0)

static void test_reader_errors(void **st)
{
    (void)st;
    char err[512];
    pk_inventory *inv = NULL;
    assert_int_equal(pk_inventory_from_sbom("/nonexistent/sbom.json", &inv, err, sizeof(err)),
                     PK_E_IO);
    assert_string_equal(err, "/nonexistent/sbom.json: cannot open: No such file or directory");
    assert_int_equal(pk_inventory_from_sbom("/tmp", &inv, err, sizeof(err)), PK_E_IO);
    assert_non_null(strstr(err, "not a regular file"));
    EXPECT("hello", PKI_SBOM_E_FORMAT, ": not JSON (line 1");
    EXPECT("{\"a\": 1}", PKI_SBOM_E_FORMAT,
           ": not a CycloneDX or SPDX JSON document (no bomFormat or spdxVersion)");
    EXPECT("[1, 2]", PKI_SBOM_E_FORMAT, "no bomFormat or spdxVersion");
    EXPECT("{\"bomFormat\": \"CycloneDX\", \"components\": [{\"type\": \"library\", \"na",
           PKI_SBOM_E_FORMAT, "not JSON");
    EXPECT("{\"bomFormat\": \"SWID\"}", PKI_SBOM_E_FORMAT, "bomFormat is \"SWID\"");
    EXPECT("{\"spdxVersion\": \"SPDX-3.0\"}", PKI_SBOM_E_FORMAT, "is not SPDX 2.x");
    EXPECT("{\"bomFormat\": \"CycloneDX\", \"components\": {}}", PKI_SBOM_E_FORMAT, "wrong type");
    EXPECT("{\"bomFormat\": \"CycloneDX\", \"components\": [5]}", PKI_SBOM_E_FORMAT,
           "components[0] (depth 1) is not an object");
    EXPECT("{\"bomFormat\": \"CycloneDX\", \"components\": [{\"type\": \"library\", \"name\": 7}]}",
           PKI_SBOM_E_FORMAT, "components[0] (depth 1) has a member of the wrong type");
    EXPECT("{\"bomFormat\": \"CycloneDX\", \"components\": [{\"type\": \"library\"}]}",
           PKI_SBOM_E_FORMAT, "has no name");
    EXPECT("{\"bomFormat\": \"CycloneDX\", \"dependencies\": [{\"ref\": 1}]}", PKI_SBOM_E_FORMAT,
           "dependencies[0] is not a {ref, dependsOn} object");
    EXPECT("{\"spdxVersion\": \"SPDX-2.3\", \"packages\": \"x\"}", PKI_SBOM_E_FORMAT, "wrong type");
    EXPECT("{\"spdxVersion\": \"SPDX-2.2\", \"packages\": [{\"SPDXID\": \"SPDXRef-a\"}]}",
           PKI_SBOM_E_FORMAT, "packages[0] has no SPDXID or name");
    EXPECT("{\"spdxVersion\": \"SPDX-2.2\", \"relationships\": [{\"spdxElementId\": []}]}",
           PKI_SBOM_E_FORMAT, "relationships[0] has the wrong type");

    /* components nested one level past the cap: PK_E_LIMIT; at the cap: read */
    for (int depth = PKI_SBOM_MAX_DEPTH; depth <= PKI_SBOM_MAX_DEPTH + 1; depth++) {
        size_t cap = (size_t)depth * 64 + 64, o = 0;
        char *doc = malloc(cap);
        o += (size_t)snprintf(doc + o, cap - o, "{\"bomFormat\":\"CycloneDX\",\"components\":");
        for (int i = 0; i < depth; i++)
            o += (size_t)snprintf(doc + o, cap - o, "[{\"name\":\"c%d\",\"components\":", i);
        o += (size_t)snprintf(doc + o, cap - o, "[]");
        for (int i = 0; i < depth; i++)
            o += (size_t)snprintf(doc + o, cap - o, "}]");
        o += (size_t)snprintf(doc + o, cap - o, "}");
        pk_status s = read_text(doc, o, err, sizeof(err));
        if (depth == PKI_SBOM_MAX_DEPTH)
            assert_int_equal(s, PK_OK);
        else {
            assert_int_equal(s, PK_E_LIMIT);
            assert_non_null(strstr(err, "components nested more than 64 deep"));
        }
        free(doc);
    }
    /* JSON nested deeper than jansson parses */
    size_t n = 5000;
    char *deep = malloc(2 * n + 1);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    assert_int_equal(read_text(deep, 2 * n, err, sizeof(err)), PKI_SBOM_E_FORMAT);
    assert_non_null(strstr(err, "not JSON"));
    free(deep);
}

static void test_reader_fields(void **st)
{
    (void)st;
    const char *doc =
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"metadata\":{\"component\":"
        "{\"type\":\"firmware\",\"name\":\"fw\",\"bom-ref\":\"root\"}},\"components\":["
        "{\"type\":\"library\",\"bom-ref\":\"a\",\"name\":\"zlib\",\"version\":\"1.3\","
        "\"purl\":\"pkg:deb/debian/zlib1g@1:1.3?arch=arm64\",\"licenses\":[{\"license\":{\"id\":"
        "\"Zlib\"}}],\"hashes\":[{\"alg\":\"SHA-256\",\"content\":"
        "\"ABCDEF0123456789abcdef0123456789"
        "abcdef0123456789abcdef0123456789\"}],\"supplier\":{\"name\":\"Debian\"},"
        "\"components\":[{\"type\":\"file\",\"bom-ref\":\"b\",\"name\":\"libz.so.1\"}]}],"
        "\"dependencies\":[{\"ref\":\"root\",\"dependsOn\":[\"a\"]},{\"ref\":\"a\",\"dependsOn\":"
        "[\"b\",\"nope\"]}]}";
    char path[] = "/tmp/pk-sbom-f-XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, doc, strlen(doc)), (ssize_t)strlen(doc));
    close(fd);
    pk_inventory *inv = NULL;
    char err[256];
    assert_int_equal(pk_inventory_from_sbom(path, &inv, err, sizeof(err)), PK_OK);
    unlink(path);
    assert_int_equal(pk_inventory_count(inv), 2);
    assert_string_equal(pk_inventory_subject(inv)->name, "fw");
    const pk_comp *z = NULL, *f = NULL;
    for (size_t i = 0; i < 2; i++) {
        const pk_comp *c = pk_inventory_at(inv, i);
        if (!strcmp(c->name, "zlib"))
            z = c;
        else
            f = c;
    }
    assert_non_null(z);
    assert_non_null(f);
    assert_string_equal(z->type, "deb");
    assert_string_equal(z->ns, "debian");
    assert_string_equal(z->version, "1.3");
    assert_string_equal(z->arch, "arm64");
    assert_string_equal(z->license, "Zlib");
    assert_string_equal(z->supplier, "Debian");
    assert_string_equal(z->sha256,
                        "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    assert_string_equal(z->ev[0].loc.record, "a");
    assert_int_equal(z->ndeps, 1);
    assert_ptr_equal(pk_inventory_at(inv, z->deps[0]), f);
    assert_int_equal(f->kind, PK_CK_FILE);
    assert_string_equal(f->type, "generic");
    assert_string_equal(inv->source_format, "CycloneDX 1.4");
    pk_inventory_free(inv);
}

static void test_licenses(void **st)
{
    (void)st;
    char buf[256];
    assert_true(pki_license_id("GPLv2+", 6, buf, sizeof(buf)));
    assert_string_equal(buf, "GPL-2.0-or-later");
    assert_true(pki_license_id(" mit license ", 13, buf, sizeof(buf)));
    assert_string_equal(buf, "MIT");
    assert_true(pki_license_id("psf", 3, buf, sizeof(buf)));
    assert_string_equal(buf, "PSF-2.0");
    assert_false(pki_license_id("GPLv2++", 7, buf, sizeof(buf)));
    assert_true(pki_license_expr("(GPLv2+ or MIT) and Apache 2.0", buf, sizeof(buf)) == 0);
    assert_true(pki_license_expr("(GPL-2+ or MIT) and ISC", buf, sizeof(buf)));
    assert_string_equal(buf, "(GPL-2.0-or-later OR MIT) AND ISC");
    assert_true(pki_license_expr("GPL-2.0 WITH Classpath-exception-2.0", buf, sizeof(buf)));
    assert_string_equal(buf, "GPL-2.0-only WITH Classpath-exception-2.0");
    assert_true(pki_license_expr("MIT OR LicenseRef-acme-1.0", buf, sizeof(buf)));
    const char *bad[] = {"MIT AND",
                         "(MIT",
                         "MIT)",
                         "GPL-2.0 WITH MIT",
                         "AND MIT",
                         "MIT MIT",
                         "Classpath-exception-2.0 OR MIT",
                         "MIT OR Foo",
                         ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (pki_license_expr(bad[i], buf, sizeof(buf)))
            fail_msg("\"%s\" accepted as an expression", bad[i]);
    pki_sanitize_id("a b/c\xc3\xbc.d-e", buf, sizeof(buf));
    assert_string_equal(buf, "a-b-c--.d-e");

    /* every id of rules/licenses.tsv is on the SPDX list the CycloneDX schema uses */
    const char *shared = getenv("PK_SHARED");
    char path[1024];
    snprintf(path, sizeof(path), "%s/schemas/cyclonedx/spdx.schema.json",
             shared ? shared : "/work/shared/data");
    json_error_t je;
    json_t *schema = json_load_file(path, 0, &je);
    if (!schema)
        fail_msg("%s: %s", path, je.text);
    json_t *en = json_object_get(schema, "enum");
    assert_true(json_array_size(en) > 500);
    const pki_rulefile *rf = pki_rulefile_get("licenses.tsv");
    assert_non_null(rf);
    size_t nids = 0;
    const char *p = (const char *)rf->data, *end = p + rf->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *tab = memchr(p, '\t', (size_t)(le - p));
        if (*p != '#' && le > p) {
            if (!tab)
                fail_msg("licenses.tsv: a line without a tab: %.*s", (int)(le - p), p);
            char id[128];
            snprintf(id, sizeof(id), "%.*s", (int)(le - tab - 1), tab + 1);
            int found = 0;
            size_t i;
            json_t *v;
            json_array_foreach(en, i, v) found |= !strcmp(json_string_value(v), id);
            if (!found)
                fail_msg("licenses.tsv: \"%s\" is not an SPDX license id", id);
            nids++;
        }
        p = le + 1;
    }
    assert_true(nids > 100);
    json_decref(schema);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_cdx16),
        cmocka_unit_test(test_cdx15),
        cmocka_unit_test(test_spdx),
        cmocka_unit_test(test_spdx_licenserefs),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_reader_errors),
        cmocka_unit_test(test_reader_fields),
        cmocka_unit_test(test_licenses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
