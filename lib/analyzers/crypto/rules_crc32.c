/* CRC-32 (ISO-HDLC; ITU-T V.42, ISO 3309; as in zlib and PNG): the first 8
 * words of the byte-wise table for the reflected polynomial 0xedb88320.
 * Not cryptographic: reported so an inventory can tell checksums apart. */
#include "crypto_int.h"

static const uint32_t table[8] = {
    0x00000000, 0x77073096, 0xee0e612c, 0x990951ba, 0x076dc419, 0x706af48f, 0xe963a535, 0x9e6495a3,
};

static const pki_cry_rule rules[] = {
    {"crc32-table", PKI_CRY_CRC32, PKI_CRY_W32, table, 8, 32},
};
const pki_cry_table pki_cry_rules_crc32 = PKI_CRY_TABLE(rules);
