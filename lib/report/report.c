/* The reporter table. */
#include "report_int.h"

#include <string.h>

static const pki_reporter reporters[] = {
    {"json", pki_report_json},
    {"text", pki_report_text},
};

int pk_report_known(const char *format)
{
    for (size_t i = 0; format && i < sizeof reporters / sizeof reporters[0]; i++)
        if (strcmp(reporters[i].name, format) == 0)
            return 1;
    return 0;
}

const char *pk_report_formats(void)
{
    return "json, text";
}

pk_status pk_report_write(const pk_scan *s, const char *format, FILE *out)
{
    if (!s || !format || !out)
        return PK_E_MISUSE;
    for (size_t i = 0; i < sizeof reporters / sizeof reporters[0]; i++)
        if (strcmp(reporters[i].name, format) == 0)
            return reporters[i].write(s, out);
    return PK_E_USAGE;
}

const char *pki_kind_name(pki_kind k)
{
    switch (k) {
    case PKI_KIND_FILE:
        return "file";
    case PKI_KIND_SYMLINK:
        return "symlink";
    case PKI_KIND_HARDLINK:
        return "hardlink";
    case PKI_KIND_DEVICE:
        return "device";
    case PKI_KIND_FIFO:
        return "fifo";
    case PKI_KIND_SOCKET:
        return "socket";
    case PKI_KIND_OTHER:
        return "other";
    }
    return "other";
}

int pki_rule_is_limit(const char *r)
{
    static const char *const lim[] = {"PK-SRC-0006", "PK-SRC-0007", "PK-SRC-0008", "PK-SRC-0009",
                                      "PK-SRC-0010", "PK-SRC-0012", "PK-SRC-0016"};
    for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++)
        if (strcmp(r, lim[i]) == 0)
            return 1;
    return 0;
}
