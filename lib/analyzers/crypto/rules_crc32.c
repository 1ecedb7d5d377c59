/* CRC-32 (ISO-HDLC; ITU-T V.42, ISO 3309; as in zlib and PNG): the first 8
 * words of the byte-wise table for the reflected polynomial 0xedb88320.
 * The same as 64-bit words (gzip's ulg crc_32_tab). The MSB-first table of
 * the polynomial 0x04c11db7 (CRC-32/BZIP2, POSIX cksum: table[i] is the CRC
 * of the byte i << 24) as 32- and 64-bit words (cksum's uint_fast32_t).
 * Not cryptographic: reported so an inventory can tell checksums apart. */
#include "crypto_int.h"

static const uint32_t table[8] = {
    0x00000000, 0x77073096, 0xee0e612c, 0x990951ba, 0x076dc419, 0x706af48f, 0xe963a535, 0x9e6495a3,
};

static const uint64_t table64[8] = {
    0x00000000, 0x77073096, 0xee0e612c, 0x990951ba, 0x076dc419, 0x706af48f, 0xe963a535, 0x9e6495a3,
};
static const uint32_t msb[8] = {
    0x00000000, 0x04c11db7, 0x09823b6e, 0x0d4326d9, 0x130476dc, 0x17c56b6b, 0x1a864db2, 0x1e475005,
};
static const uint64_t msb64[8] = {
    0x00000000, 0x04c11db7, 0x09823b6e, 0x0d4326d9, 0x130476dc, 0x17c56b6b, 0x1a864db2, 0x1e475005,
};

static const pki_cry_rule rules[] = {
    {"crc32-table", PKI_CRY_CRC32, PKI_CRY_W32, table, 8, 32},
    {"crc32-table64", PKI_CRY_CRC32, PKI_CRY_W64, table64, 8, 64},
    {"crc32-msb-table", PKI_CRY_CRC32, PKI_CRY_W32, msb, 8, 32},
    {"crc32-msb-table64", PKI_CRY_CRC32, PKI_CRY_W64, msb64, 8, 64},
};
const pki_cry_table pki_cry_rules_crc32 = PKI_CRY_TABLE(rules);
