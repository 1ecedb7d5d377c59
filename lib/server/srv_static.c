/* parakhd: the files it serves besides the API. The lookup page comes from
 * rules/registry/ (embedded like every rule file); the OpenAPI description
 * is docs/registry-openapi.json itself, assembled into the library with
 * .incbin (PK_DATADIR is the source tree at build time), so the file a test
 * validates against is byte for byte the one served. */
#include <string.h>

#include "core/rulefiles.h"
#include "srv_int.h"

__asm__(".section .rodata\n"
        ".balign 16\n"
        "pki_openapi_start:\n"
        ".incbin \"" PK_DATADIR "/docs/registry-openapi.json\"\n"
        "pki_openapi_end:\n"
        ".byte 0\n"
        ".balign 8\n"
        "pki_openapi_len:\n"
        ".quad pki_openapi_end - pki_openapi_start\n"
        ".previous\n");
extern const unsigned char pki_openapi_start[] __asm__("pki_openapi_start");
extern const unsigned long long pki_openapi_len __asm__("pki_openapi_len");

bool pki_srv_static(const char *path, const char **ctype, const unsigned char **data, size_t *len)
{
    static const struct {
        const char *url, *file, *type;
    } files[] = {
        {"/", "registry/lookup.html", "text/html; charset=utf-8"},
        {"/lookup.js", "registry/lookup.js", "text/javascript; charset=utf-8"},
        {"/lookup.css", "registry/lookup.css", "text/css; charset=utf-8"},
    };
    if (strcmp(path, "/openapi.json") == 0) {
        *ctype = "application/json";
        *data = pki_openapi_start;
        *len = (size_t)pki_openapi_len;
        return true;
    }
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (strcmp(path, files[i].url) == 0) {
            const pki_rulefile *rf = pki_rulefile_get(files[i].file);
            if (!rf)
                return false;
            *ctype = files[i].type;
            *data = rf->data;
            *len = rf->len;
            return true;
        }
    return false;
}
