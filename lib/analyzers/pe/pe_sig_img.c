/* The Authenticode image digest ("Windows Authenticode Portable Executable
 * Signature Format", "Calculating the PE Image Hash").
 *
 * The specification hashes the headers without CheckSum and the certificate
 * table's directory entry, then the sections sorted by PointerToRawData, then
 * the bytes after the last section that are not the certificate table. For an
 * image whose sections follow each other in the file (every linker's output)
 * that is the file from start to end with three holes, which is how Windows,
 * signtool and osslsigncode compute it, and how it is computed here: bytes
 * between or under sections are hashed too, so nothing in the file escapes
 * the digest except the three holes. Bytes after the certificate table are
 * hashed (they are not the table); a signed file never has any, so appended
 * data gives a mismatch. An unsigned image is padded with zeros to 8 bytes, as
 * a signer does before appending the table. */
#include "pe_sig.h"

#include <string.h>

static bool hash_range(EVP_MD_CTX *ctx, const pki_pe *pe, uint64_t from, uint64_t to)
{
    if (from > to || to > pe->data.len)
        return false;
    return to == from || EVP_DigestUpdate(ctx, pe->data.ptr + from, (size_t)(to - from)) == 1;
}

bool pki_pe_image_digest(const pki_pe *pe, const EVP_MD *md, unsigned char *out, unsigned *outlen,
                         const char **why)
{
    *why = NULL;
    if (!pe->have_opt || pe->ndirs <= PKI_PE_DIR_SECURITY) {
        *why = "no optional header or no security directory entry";
        return false;
    }
    uint64_t csum = pe->opt_off + 64; /* CheckSum: same offset in PE32 and PE32+ */
    uint64_t dirent = pe->dir_off + (uint64_t)PKI_PE_DIR_SECURITY * 8;
    uint64_t toff = pe->dir_rva[PKI_PE_DIR_SECURITY], tsize = pe->dir_size[PKI_PE_DIR_SECURITY];
    uint64_t flen = pe->data.len;
    if (!toff || !tsize) {
        toff = flen;
        tsize = 0;
    }
    if (csum + 4 > dirent || dirent + 8 > toff || toff > flen) {
        *why = "CheckSum, the security entry and the certificate table are not in file order";
        return false;
    }
    uint64_t tend = toff + tsize > flen ? flen : toff + tsize;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1 && hash_range(ctx, pe, 0, csum) &&
              hash_range(ctx, pe, csum + 4, dirent) && hash_range(ctx, pe, dirent + 8, toff) &&
              hash_range(ctx, pe, tend, flen);
    if (ok && tsize == 0 && flen % 8) {
        static const unsigned char zeros[8];
        ok = EVP_DigestUpdate(ctx, zeros, 8 - flen % 8) == 1;
    }
    ok = ok && EVP_DigestFinal_ex(ctx, out, outlen) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok && !*why)
        *why = "the digest could not be computed";
    return ok;
}
