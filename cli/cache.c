/* Where the compiled matcher database is kept between runs (lib/match/diskcache.c). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const char *cli_cache_option(void)
{
    static char opt[4096 + 16];
    const char *d = getenv("PARAKH_CACHE_DIR"), *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    int n;
    if (d)
        n = *d ? snprintf(opt, sizeof opt, "match.cache=%s", d) : -1;
    else if (x && *x == '/')
        n = snprintf(opt, sizeof opt, "match.cache=%s/parakh", x);
    else if (h && *h == '/')
        n = snprintf(opt, sizeof opt, "match.cache=%s/.cache/parakh", h);
    else
        n = -1;
    return n > 0 && (size_t)n < sizeof opt ? opt : NULL;
}
