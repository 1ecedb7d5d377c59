/* Fuzz target for what a CSAF provider serves besides documents
 * (lib/csafsync/feeds.c): the first byte picks the reader (changes.csv,
 * provider-metadata.json, aggregator.json, or the path/date/folder checks);
 * the rest is its input. Every accepted result is checked against the
 * readers' promises (dates RFC 3339, fingerprints 40 upper-case hex, mirror
 * folders plain), so a reader that lets something odd through fails here.
 * Seeds: tests/fuzz/corpus/csafsync/; crashes found: tests/fuzz/crashes/csafsync/. */
#include <stdlib.h>
#include <string.h>

#include "csafsync/csafsync_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n < 1)
        return 0;
    unsigned which = d[0] % 4;
    d++;
    n--;
    char err[256];
    if (which == 0) {
        pki_csync_changes c;
        if (pki_csync_changes_parse(d, n, &c, err, sizeof err) == PK_OK) {
            for (size_t i = 0; i < c.count; i++) {
                if (!pki_csync_date_ok(c.items[i].date, strlen(c.items[i].date)))
                    abort();
                (void)pki_csync_path_ok(c.items[i].path, strlen(c.items[i].path));
            }
            pki_csync_changes_free(&c);
        }
    } else if (which == 1) {
        pki_csync_meta m;
        if (pki_csync_meta_parse(d, n, &m, err, sizeof err) == PK_OK) {
            if (!m.tlps || m.tlps > 15 || !m.publisher || !m.canonical_url)
                abort();
            for (size_t i = 0; i < m.nfprs; i++)
                if (strlen(m.fprs[i]) != 40 || strspn(m.fprs[i], "0123456789ABCDEF") != 40)
                    abort();
            char f[300];
            pki_csync_folder(m.publisher, f, sizeof f);
            if (!f[0] || strspn(f, "abcdefghijklmnopqrstuvwxyz0123456789+-_") != strlen(f))
                abort();
            pki_csync_meta_free(&m);
        }
    } else if (which == 2) {
        pki_csync_aggr a;
        if (pki_csync_aggr_parse(d, n, &a, err, sizeof err) == PK_OK) {
            for (size_t i = 0; i < a.count; i++) {
                const char *s = a.items[i].dir;
                if (!s[0] || strchr(s, '/') || !strcmp(s, ".") || !strcmp(s, ".."))
                    abort();
            }
            pki_csync_aggr_free(&a);
        }
    } else {
        char *s = malloc(n + 1);
        if (!s)
            return 0;
        memcpy(s, d, n);
        s[n] = 0;
        if (pki_csync_path_ok(s, n) && (strstr(s, "..") || s[0] == '/' || strchr(s, '\\')))
            abort();
        (void)pki_csync_date_ok(s, n);
        char f[300];
        pki_csync_folder(s, f, sizeof f);
        free(s);
    }
    return 0;
}
