/* IP-to-country ranges in the free CSV forms (docs/vulndb/ip-country.md):
 *   text ranges (db-ip lite country, and the like), quoted or not:
 *     1.0.0.0,1.0.0.255,AU
 *     "2001:200::","2001:200:ffff:ffff:ffff:ffff:ffff:ffff","JP"
 *   integer ranges (IP2Location LITE DB1, its IPv4 and IPv6 files):
 *     "16777216","16777471","US","United States of America"
 *     "281470698520576","281470698520831","US","United States of America"
 * Rows whose country is "-" or "ZZ" (reserved, unassigned) are skipped and
 * counted. Every other row must be well-formed: one bad row makes the file
 * malformed (line number in the message) and the import is rolled back. */
#include <string.h>

#include "core/core_int.h"
#include "vulndb/geo_int.h"

/* Integer ranges below 2^32 are IPv4: mapped into ::ffff:0:0/96 like the
 * text form, so both files of IP2Location land in the same keyspace. */
static void map_if_v4(uint8_t lo[16], uint8_t hi[16])
{
    static const uint8_t zero[12];
    if (memcmp(hi, zero, 12) != 0)
        return;
    lo[10] = lo[11] = hi[10] = hi[11] = 0xff;
}

static int cc_skip(const char *cc)
{
    return strcmp(cc, "-") == 0 || strcmp(cc, "ZZ") == 0 || strcmp(cc, "zz") == 0 || !*cc;
}

static int is_cc(const char *cc)
{
    return strlen(cc) == 2 && ((cc[0] | 0x20) >= 'a' && (cc[0] | 0x20) <= 'z') &&
           ((cc[1] | 0x20) >= 'a' && (cc[1] | 0x20) <= 'z');
}

int pki_ipcsv_sniff(const char *buf, size_t len, int *integer)
{
    pki_csv c;
    /* the first line is enough, and bounded */
    const char *nl = memchr(buf, '\n', len < 512 ? len : 512);
    if (!nl)
        return 0;
    pki_csv_init(&c, buf, (size_t)(nl - buf) + 1);
    int ok = 0;
    uint8_t a[16], b[16];
    if (pki_csv_next(&c) == 1 && c.nfield >= 3 && c.nfield <= 4 &&
        (is_cc(c.field[2]) || cc_skip(c.field[2]))) {
        if (pki_ip_parse(c.field[0], a) == 0 && pki_ip_parse(c.field[1], b) == 0) {
            ok = 1;
            *integer = 0;
        } else if (pki_ip_parse_dec(c.field[0], a) == 0 && pki_ip_parse_dec(c.field[1], b) == 0) {
            ok = 1;
            *integer = 1;
        }
    }
    pki_csv_free(&c);
    return ok;
}

pk_status pki_import_ipcsv(pki_imp *im, const char *buf, size_t len, int integer)
{
    pki_csv c;
    pki_csv_init(&c, buf, len);
    pk_status st = PK_OK;
    int r;
    char rec[48];
    while (st == PK_OK && (r = pki_csv_next(&c)) == 1) {
        snprintf(rec, sizeof rec, "line %llu", (unsigned long long)c.line);
        if (c.nfield == 1 && !c.field[0][0])
            continue; /* a blank line */
        if (c.nfield < 3) {
            st = pki_imp_fail(im, PK_E_FEED, rec, "%zu fields, expected start,end,country",
                              c.nfield);
            break;
        }
        uint8_t lo[16], hi[16];
        int bad = integer ? pki_ip_parse_dec(c.field[0], lo) || pki_ip_parse_dec(c.field[1], hi)
                          : pki_ip_parse(c.field[0], lo) || pki_ip_parse(c.field[1], hi);
        if (bad) {
            st = pki_imp_fail(im, PK_E_FEED, rec, "'%.60s' .. '%.60s' is not an address range",
                              c.field[0], c.field[1]);
            break;
        }
        if (integer)
            map_if_v4(lo, hi);
        const char *cc = c.field[2];
        if (cc_skip(cc)) {
            pki_imp_skip(im);
            continue;
        }
        if (!is_cc(cc)) {
            st = pki_imp_fail(im, PK_E_FEED, rec, "country '%.20s' is not two letters", cc);
            break;
        }
        if (memcmp(lo, hi, 16) > 0) {
            st = pki_imp_fail(im, PK_E_FEED, rec, "range start after its end");
            break;
        }
        if (im->records >= PKI_IP_MAX_RANGES) {
            st = pki_imp_fail(im, PK_E_LIMIT, NULL, "more than %u ranges", PKI_IP_MAX_RANGES);
            break;
        }
        st = pki_imp_iprange(im, lo, hi, cc);
    }
    if (st == PK_OK && r == -1)
        st = pki_imp_fail(im, PK_E_FEED, NULL, "line %llu: unterminated quote or row too long",
                          (unsigned long long)c.line);
    else if (st == PK_OK && r == -2)
        st = PK_E_NOMEM;
    pki_csv_free(&c);
    return st;
}
