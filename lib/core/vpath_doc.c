/* Documentation files by path and name, shared by the endpoints analyzer
 * (no findings for links in them) and the endpoints' join (lib/geo: an
 * endpoint seen only in them is a reference, not a data flow). Measured on
 * /usr/share/doc and Debian's openssh-client and curl: gist links, DDNS and
 * storage URLs and contributors' e-mail addresses in change logs. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core_int.h"

int pki_doc_path(const char *vpath)
{
    static const char *const DIRS[] = {"/doc/", "/docs/", "/man/", "/info/", "/examples/"};
    static const char *const NAMES[] = {"changelog", "news",    "readme",  "thanks",  "authors",
                                        "copyright", "changes", "history", "license", "copying"};
    static const char *const EXTS[] = {".md", ".html", ".htm", ".rst", ".txt", ".pdf", ".tex"};
    char v[1024];
    snprintf(v, sizeof v, "/%s", vpath ? vpath : "");
    for (size_t i = 0; i < sizeof DIRS / sizeof DIRS[0]; i++)
        if (strstr(v, DIRS[i]))
            return 1;
    /* the last component: after the last '/' or "!/" of a container */
    const char *name = strrchr(v, '/');
    name = name ? name + 1 : v;
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
        if (strncasecmp(name, NAMES[i], strlen(NAMES[i])) == 0)
            return 1;
    size_t nl = strlen(name);
    for (size_t i = 0; i < sizeof EXTS / sizeof EXTS[0]; i++) {
        size_t el = strlen(EXTS[i]);
        if (nl > el && strcasecmp(name + nl - el, EXTS[i]) == 0)
            return 1;
    }
    return 0;
}
