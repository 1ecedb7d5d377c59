/* One progress line on a terminal: files, bytes, rate. */
#include "cli.h"

#include <stdio.h>

static int drawn;

void cli_progress(void *ud, const pk_progress *p)
{
    (void)ud;
    double mib = (double)p->bytes / (1024.0 * 1024.0);
    double secs = p->elapsed_ms ? (double)p->elapsed_ms / 1000.0 : 0.001;
    fprintf(stderr, "\r\033[K  %llu files  %.1f MiB  %.1f MiB/s  %.0f s",
            (unsigned long long)p->files, mib, mib / secs, secs);
    fflush(stderr);
    drawn = 1;
}

void cli_progress_end(void)
{
    if (drawn)
        fprintf(stderr, "\r\033[K");
    drawn = 0;
}
