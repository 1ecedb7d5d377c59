/* Status and severity names. A switch with no default: the compiler flags a
 * status without a message. */
#include <parakh/status.h>

#include <string.h>

const char *pk_status_str(pk_status s)
{
    switch (s) {
    case PK_OK:
        return "success";
    case PK_E_MISUSE:
        return "the library was called in a way its API does not allow";
    case PK_E_NOMEM:
        return "out of memory";
    case PK_E_IO:
        return "a file could not be read or written";
    case PK_E_FEED:
        return "a feed or the knowledge base is unreadable";
    case PK_E_USAGE:
        return "an option value is unknown or out of range";
    case PK_E_LIMIT:
        return "an internal limit stopped the run";
    case PK_E_CANCELED:
        return "the run was canceled";
    case PK_E_INTERNAL:
        return "a library parakh depends on failed unexpectedly";
    case PK_E_FORMAT:
        return "an input document is malformed or of an unknown kind";
    }
    return "unknown status";
}

static const char *const sev_names[] = {"info", "low", "medium", "high", "critical"};

const char *pk_severity_str(pk_severity s)
{
    if ((unsigned)s < sizeof sev_names / sizeof sev_names[0])
        return sev_names[s];
    return "unknown";
}

int pk_severity_parse(const char *name, pk_severity *out)
{
    for (unsigned i = 0; i < sizeof sev_names / sizeof sev_names[0]; i++) {
        if (strcmp(name, sev_names[i]) == 0) {
            *out = (pk_severity)i;
            return 0;
        }
    }
    return -1;
}
