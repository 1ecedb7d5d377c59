/* Replays fuzz seeds as an ordinary test, with any compiler.
 *
 * Each argument is a directory of seeds; a seed is hex text (whitespace and
 * lines starting with '#' ignored), so the corpus stays reviewable and no
 * binary is committed. A file named *.bin is taken raw (for local crash files).
 * A missing directory is skipped: crashes/ exists only once a crash was found. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int run_file(const char *path, int raw)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "driver: cannot open %s\n", path);
        return 1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    int c, hi = -1, comment = 0;
    while (buf && (c = fgetc(f)) != EOF) {
        if (n + 1 >= cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
        if (raw) {
            buf[n++] = (uint8_t)c;
            continue;
        }
        if (comment) {
            comment = c != '\n';
            continue;
        }
        if (c == '#') {
            comment = 1;
            continue;
        }
        int v = hexval(c);
        if (v < 0)
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            buf[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    fclose(f);
    if (!buf)
        return 1;
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int runs = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
            size_t l = strlen(e->d_name);
            int raw = l > 4 && strcmp(e->d_name + l - 4, ".bin") == 0;
            bad += run_file(p, raw);
            runs++;
        }
        closedir(d);
    }
    printf("%d passed, %d failed\n", runs - bad, bad);
    return bad ? 1 : 0;
}
