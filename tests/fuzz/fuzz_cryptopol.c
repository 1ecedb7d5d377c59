/* Fuzz target for the cryptographic policy (lib/cryptopol/policy.c): the
 * input is parsed as a policy table; its lines are also judged as algorithm
 * names (with a usage, size and date picked from the input's bytes) against
 * the built-in table and, when the input parsed, against the input's own
 * table. Seeds: the .hex files in tests/fuzz/corpus/cryptopol/; crashes
 * found: tests/fuzz/crashes/cryptopol/. */
#include <stdint.h>
#include <string.h>

#include "cryptopol/policy_int.h"

#define FUZZ_MAX_INPUT (1u << 16) /* the real table is 30 KiB */
#define FUZZ_MAX_NAMES 32

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static const char *const fz_usages[] = {NULL,
                                        "encryption",
                                        "signature-generation",
                                        "signature-verification",
                                        "key-agreement",
                                        "hash",
                                        "mac-verification",
                                        "protocol",
                                        "bogus"};
static const char *const fz_dates[] = {NULL,         "2013-12-31", "2026-11-26",
                                       "2031-01-01", "2036-01-01", "2024-02-30"};
static const int fz_bits[] = {-1, 0, 80, 112, 1024, 2048, 3072, 1000001, -7};

static void check(const pki_cryptopol *p, const char *name, unsigned pick)
{
    pki_cryptopol_verdict v;
    const char *u = fz_usages[pick % (sizeof fz_usages / sizeof fz_usages[0])];
    const char *date = fz_dates[(pick >> 4) % (sizeof fz_dates / sizeof fz_dates[0])];
    int bits = fz_bits[(pick >> 8) % (sizeof fz_bits / sizeof fz_bits[0])];
    pk_status st = pki_cryptopol_judge(p, name, u, bits, date, &v);
    if (memchr(v.reason, 0, sizeof v.reason) == NULL || !v.reason[0])
        __builtin_trap(); /* always a terminated, non-empty reason */
    if (st == PK_OK &&
        ((v.row == NULL) != (v.status == PKI_CPOL_UNKNOWN) || v.status > PKI_CPOL_NATIONAL))
        __builtin_trap();
    if (st != PK_OK && st != PK_E_USAGE)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (n > FUZZ_MAX_INPUT)
        n = FUZZ_MAX_INPUT;
    const pki_cryptopol *builtin = NULL;
    if (pki_cryptopol_builtin(&builtin, NULL, 0) != PK_OK)
        __builtin_trap();
    pki_cryptopol *p = NULL;
    char err[256] = "";
    pk_status st = pki_cryptopol_parse((const char *)d, n, "fuzz.tsv", &p, err, sizeof err);
    if (st != PK_OK && (p || !err[0]))
        __builtin_trap(); /* a failure leaves no policy and says why */
    if (st == PK_OK) {
        size_t nr;
        const pki_cryptopol_row *rows = pki_cryptopol_rows(p, &nr);
        for (size_t i = 0; i < nr && i < FUZZ_MAX_NAMES; i++)
            check(p, rows[i].algorithm, (unsigned)i * 0x111u);
    }
    /* each line, up to 200 bytes, as a name */
    size_t at = 0;
    for (int k = 0; k < FUZZ_MAX_NAMES && at < n; k++) {
        const uint8_t *nl = memchr(d + at, '\n', n - at);
        size_t len = nl ? (size_t)(nl - (d + at)) : n - at;
        char name[201];
        size_t cp = len < 200 ? len : 200;
        memcpy(name, d + at, cp);
        name[cp] = 0;
        unsigned pick = (unsigned)k * 0x135u + (cp ? (uint8_t)name[0] : 0u);
        check(builtin, name, pick);
        if (p)
            check(p, name, pick >> 1);
        at += len + 1;
    }
    pki_cryptopol_free(p);
    return 0;
}
