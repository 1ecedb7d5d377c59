/* The CLI's own helpers: it sees only the public parakh headers. */
#ifndef PK_CLI_H
#define PK_CLI_H

#include <parakh/parakh.h>

/* Progress line on stderr, for a terminal only. */
void cli_progress(void *ud, const pk_progress *p);
void cli_progress_end(void);

#endif
