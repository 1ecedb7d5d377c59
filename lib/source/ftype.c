/* Content type detection: magic numbers at fixed offsets, checked in an order
 * where the more specific signature wins (a .deb is an ar archive; a Mach-O
 * fat header shares CAFEBABE with Java classes). */
#include "ftype_int.h"

#include "../core/rd.h"

#include <string.h>

static const char *const names[PK_FT_COUNT_] = {
    [PK_FT_UNKNOWN] = "data",
    [PK_FT_EMPTY] = "empty",
    [PK_FT_TEXT] = "text",
    [PK_FT_SCRIPT] = "script",
    [PK_FT_ELF] = "elf",
    [PK_FT_PE] = "pe",
    [PK_FT_MZ] = "mz",
    [PK_FT_MACHO] = "macho",
    [PK_FT_MACHO_FAT] = "macho-fat",
    [PK_FT_JAVA_CLASS] = "java-class",
    [PK_FT_DEX] = "dex",
    [PK_FT_WASM] = "wasm",
    [PK_FT_ZIP] = "zip",
    [PK_FT_GZIP] = "gzip",
    [PK_FT_BZIP2] = "bzip2",
    [PK_FT_XZ] = "xz",
    [PK_FT_LZMA] = "lzma",
    [PK_FT_ZSTD] = "zstd",
    [PK_FT_LZ4] = "lz4",
    [PK_FT_7Z] = "7z",
    [PK_FT_RAR] = "rar",
    [PK_FT_CAB] = "cab",
    [PK_FT_AR] = "ar",
    [PK_FT_DEB] = "deb",
    [PK_FT_RPM] = "rpm",
    [PK_FT_CPIO] = "cpio",
    [PK_FT_TAR] = "tar",
    [PK_FT_ISO9660] = "iso9660",
    [PK_FT_XAR] = "xar",
    [PK_FT_LHA] = "lha",
    [PK_FT_SQUASHFS] = "squashfs",
    [PK_FT_OLE] = "ole",
    [PK_FT_MSI] = "msi",
    [PK_FT_PDF] = "pdf",
    [PK_FT_PNG] = "png",
    [PK_FT_JPEG] = "jpeg",
    [PK_FT_GIF] = "gif",
    [PK_FT_SQLITE] = "sqlite",
};

const char *pk_ftype_name(pk_ftype t)
{
    if ((unsigned)t < PK_FT_COUNT_ && names[t])
        return names[t];
    return "data";
}

static int at(pk_bytes h, size_t off, const char *magic, size_t n)
{
    return h.len >= off + n && memcmp(h.ptr + off, magic, n) == 0;
}

/* PE: "MZ", e_lfanew at 0x3c inside the head, "PE\0\0" there. */
static pk_ftype mz_kind(pk_bytes h)
{
    pk_rd r = pk_rd_make(h);
    uint32_t lfanew;
    if (!pk_rd_seek(&r, 0x3c) || !pk_rd_u32le(&r, &lfanew))
        return PK_FT_MZ;
    pk_bytes sig;
    if (pk_rd_seek(&r, lfanew) && pk_rd_bytes(&r, 4, &sig) && memcmp(sig.ptr, "PE\0\0", 4) == 0)
        return PK_FT_PE;
    return PK_FT_MZ;
}

/* OLE compound file: the root directory entry's CLSID says MSI (MS-CFB 2.6.1;
 * {000C1084-0000-0000-C000-000000000046}, also .msp/.mst variants). */
static pk_ftype ole_kind(pk_bytes h)
{
    pk_rd r = pk_rd_make(h);
    uint16_t shift;
    uint32_t dir;
    if (!pk_rd_seek(&r, 0x1e) || !pk_rd_u16le(&r, &shift) || shift < 9 || shift > 12 ||
        !pk_rd_seek(&r, 0x30) || !pk_rd_u32le(&r, &dir) || dir >= 0xfffffffau)
        return PK_FT_OLE;
    uint64_t off = ((uint64_t)dir + 1) << shift;
    pk_bytes id;
    if (!pk_rd_seek(&r, off + 0x50) || !pk_rd_bytes(&r, 16, &id))
        return PK_FT_OLE;
    static const uint8_t tail[12] = {0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46};
    if (id.ptr[1] == 0x10 && id.ptr[2] == 0x0c && id.ptr[3] == 0 &&
        memcmp(id.ptr + 4, tail, 12) == 0 &&
        (id.ptr[0] == 0x84 || id.ptr[0] == 0x86 || id.ptr[0] == 0x82))
        return PK_FT_MSI;
    return PK_FT_OLE;
}

static int looks_text(pk_bytes h)
{
    size_t n = h.len < 4096 ? h.len : 4096, bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = h.ptr[i];
        if (c == 0)
            return 0;
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b)
            bad++;
    }
    return bad * 100 <= n; /* UTF-8 and Latin text pass; binary does not */
}

static int is_tar(pk_bytes h)
{
    if (at(h, 257, "ustar", 5))
        return 1;
    /* old v7 tar: checksum field of octal digits and a valid sum */
    if (h.len < 512)
        return 0;
    unsigned long sum = 0, want = 0;
    for (int i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h.ptr[i];
    int digits = 0;
    for (int i = 148; i < 156; i++) {
        uint8_t c = h.ptr[i];
        if (c >= '0' && c <= '7') {
            want = want * 8 + (c - '0');
            digits++;
        } else if (c != ' ' && c != 0) {
            return 0;
        }
    }
    return digits > 0 && sum == want && h.ptr[0] != 0;
}

pk_ftype pki_ftype_detect(pk_bytes h, uint64_t size)
{
    if (size == 0)
        return PK_FT_EMPTY;
    if (at(h, 0, "\177ELF", 4))
        return PK_FT_ELF;
    if (at(h, 0, "MZ", 2))
        return mz_kind(h);
    if (at(h, 0, "\xfe\xed\xfa\xce", 4) || at(h, 0, "\xce\xfa\xed\xfe", 4) ||
        at(h, 0, "\xfe\xed\xfa\xcf", 4) || at(h, 0, "\xcf\xfa\xed\xfe", 4))
        return PK_FT_MACHO;
    if (at(h, 0, "\xca\xfe\xba\xbe", 4) && h.len >= 8) {
        /* fat Mach-O counts architectures (small); a class file has a version >= 45 */
        uint32_t v = (uint32_t)h.ptr[4] << 24 | (uint32_t)h.ptr[5] << 16 | (uint32_t)h.ptr[6] << 8 |
                     h.ptr[7];
        return v < 45 ? PK_FT_MACHO_FAT : PK_FT_JAVA_CLASS;
    }
    if (at(h, 0, "PK\3\4", 4) || at(h, 0, "PK\5\6", 4) || at(h, 0, "PK\7\10", 4))
        return PK_FT_ZIP;
    if (at(h, 0, "\x1f\x8b", 2))
        return PK_FT_GZIP;
    if (at(h, 0, "BZh", 3))
        return PK_FT_BZIP2;
    if (at(h, 0,
           "\xfd"
           "7zXZ\0",
           6))
        return PK_FT_XZ;
    if (at(h, 0, "\x28\xb5\x2f\xfd", 4))
        return PK_FT_ZSTD;
    if (at(h, 0, "\x04\x22\x4d\x18", 4))
        return PK_FT_LZ4;
    if (at(h, 0, "7z\xbc\xaf\x27\x1c", 6))
        return PK_FT_7Z;
    if (at(h, 0, "Rar!\x1a\x07", 6))
        return PK_FT_RAR;
    if (at(h, 0, "MSCF\0\0\0\0", 8))
        return PK_FT_CAB;
    if (at(h, 0, "!<arch>\n", 8))
        return at(h, 8, "debian-binary", 13) ? PK_FT_DEB : PK_FT_AR;
    if (at(h, 0, "\xed\xab\xee\xdb", 4))
        return PK_FT_RPM;
    if (at(h, 0, "070707", 6) || at(h, 0, "070701", 6) || at(h, 0, "070702", 6) ||
        at(h, 0, "\xc7\x71", 2) || at(h, 0, "\x71\xc7", 2))
        return PK_FT_CPIO;
    if (at(h, 0, "hsqs", 4) || at(h, 0, "sqsh", 4))
        return PK_FT_SQUASHFS;
    if (at(h, 0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
        return ole_kind(h);
    if (at(h, 0, "xar!", 4))
        return PK_FT_XAR;
    if (h.len >= 7 && h.ptr[2] == '-' && h.ptr[3] == 'l' && (h.ptr[4] == 'h' || h.ptr[4] == 'z') &&
        h.ptr[6] == '-')
        return PK_FT_LHA;
    if (at(h, 0x8001, "CD001", 5) || at(h, 0x8801, "CD001", 5) || at(h, 0x9001, "CD001", 5))
        return PK_FT_ISO9660;
    if (at(h, 0, "%PDF-", 5))
        return PK_FT_PDF;
    if (at(h, 0, "\x89PNG\r\n\x1a\n", 8))
        return PK_FT_PNG;
    if (at(h, 0, "\xff\xd8\xff", 3))
        return PK_FT_JPEG;
    if (at(h, 0, "GIF87a", 6) || at(h, 0, "GIF89a", 6))
        return PK_FT_GIF;
    if (at(h, 0, "SQLite format 3\0", 16))
        return PK_FT_SQLITE;
    if (at(h, 0, "dex\n", 4))
        return PK_FT_DEX;
    if (at(h, 0, "\0asm", 4))
        return PK_FT_WASM;
    if (is_tar(h))
        return PK_FT_TAR;
    if (at(h, 0, "\x5d\x00\x00", 3))
        return PK_FT_LZMA;
    if (at(h, 0, "#!", 2))
        return PK_FT_SCRIPT;
    if (looks_text(h))
        return PK_FT_TEXT;
    return PK_FT_UNKNOWN;
}

int pk_ftype_is_container(pk_ftype t)
{
    switch (t) {
    case PK_FT_ZIP:
    case PK_FT_GZIP:
    case PK_FT_BZIP2:
    case PK_FT_XZ:
    case PK_FT_LZMA:
    case PK_FT_ZSTD:
    case PK_FT_LZ4:
    case PK_FT_7Z:
    case PK_FT_RAR:
    case PK_FT_CAB:
    case PK_FT_AR:
    case PK_FT_DEB:
    case PK_FT_RPM:
    case PK_FT_CPIO:
    case PK_FT_TAR:
    case PK_FT_ISO9660:
    case PK_FT_XAR:
    case PK_FT_LHA:
    case PK_FT_SQUASHFS:
    case PK_FT_OLE:
    case PK_FT_MSI:
        return 1;
    default:
        return 0;
    }
}
