/* RFC 4180 CSV rows for the CSV feeds (KEV, EPSS, curl): quoted fields, ""
 * escapes, CRLF or LF. A row is at most PKI_CSV_ROW_MAX bytes and
 * PKI_CSV_FIELDS_MAX fields, so a feed without line ends cannot grow a row
 * without bound. */
#include <string.h>

#include "../core/core_int.h"
#include "vdb_int.h"

#define PKI_CSV_ROW_MAX    (1u << 20)
#define PKI_CSV_FIELDS_MAX 4096u

void pki_csv_init(pki_csv *c, const char *buf, size_t len)
{
    memset(c, 0, sizeof *c);
    c->p = buf;
    c->end = buf + len;
}

void pki_csv_free(pki_csv *c)
{
    pki_free(c->row);
    pki_free((void *)c->field);
    c->row = NULL;
    c->field = NULL;
}

static int push_byte(pki_csv *c, size_t *n, char b)
{
    if (*n + 1 >= PKI_CSV_ROW_MAX)
        return -1;
    if (!pki_grow((void **)&c->row, &c->rowcap, *n + 1, 1))
        return -2;
    c->row[(*n)++] = b;
    return 0;
}

int pki_csv_next(pki_csv *c)
{
    if (c->p >= c->end)
        return 0;
    size_t n = 0, starts_cap = 64, nf = 0;
    size_t *starts = pki_malloc(starts_cap * sizeof *starts);
    if (!starts)
        return -2;
    int rc = 1;
    c->line++;
    starts[nf++] = 0;
    for (;;) {
        if (c->p < c->end && *c->p == '"') { /* a quoted field */
            c->p++;
            for (;;) {
                if (c->p >= c->end) {
                    rc = -1; /* unterminated quote */
                    goto out;
                }
                char b = *c->p++;
                if (b == '"') {
                    if (c->p < c->end && *c->p == '"')
                        c->p++;
                    else
                        break;
                } else if (b == '\n') {
                    c->line++;
                }
                int e = push_byte(c, &n, b);
                if (e) {
                    rc = e;
                    goto out;
                }
            }
        }
        while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
            int e = push_byte(c, &n, *c->p++);
            if (e) {
                rc = e;
                goto out;
            }
        }
        int e = push_byte(c, &n, '\0');
        if (e) {
            rc = e;
            goto out;
        }
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            if (nf == PKI_CSV_FIELDS_MAX) {
                rc = -1;
                goto out;
            }
            if (nf == starts_cap) {
                if (!pki_grow((void **)&starts, &starts_cap, nf + 1, sizeof *starts)) {
                    rc = -2;
                    goto out;
                }
            }
            starts[nf++] = n;
            continue;
        }
        if (c->p < c->end && *c->p == '\r')
            c->p++;
        if (c->p < c->end && *c->p == '\n')
            c->p++;
        break;
    }
    if (!pki_grow((void **)&c->field, &c->fieldcap, nf, sizeof *c->field)) {
        rc = -2;
        goto out;
    }
    for (size_t i = 0; i < nf; i++)
        c->field[i] = c->row + starts[i];
    c->nfield = nf;
out:
    pki_free(starts);
    return rc;
}
