/* elf_facts PATH...: prints, one JSON line per file, what the ELF analyzer
 * publishes: {"file": PATH, "elf": facts.elf, "findings": [rule ids]}.
 * A stand-in for the CLI used by scripts/checksec-compare.sh, and handy to
 * look at one file's facts while working on the analyzer.
 * Exit status: 0, or 1 if some path could not be read. */
#include "analyzers/elf/elf_int.h"
#include "walk/harness_int.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int one(const char *path)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        if (fd >= 0)
            close(fd);
        return 1;
    }
    size_t n = (size_t)st.st_size;
    void *m = n ? mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (n && m == MAP_FAILED) {
        perror(path);
        return 1;
    }
    pki_frec rec;
    pk_bytes b = {m, n};
    if (pki_frec_init(&rec) != PK_OK ||
        pki_harness_run(&pki_analyzer_elf, b, path, &rec) != PK_OK) {
        fprintf(stderr, "%s: analyzer failed\n", path);
        if (n)
            munmap(m, n);
        return 1;
    }
    json_t *o = json_object();
    json_t *ids = json_array();
    json_object_set_new(o, "file", json_string(path));
    json_t *elf = json_object_get(rec.facts, "elf");
    json_object_set(o, "elf", elf ? elf : json_null());
    for (size_t i = 0; i < rec.nfind; i++)
        json_array_append_new(ids, json_string(rec.findings[i].rule_id));
    json_object_set_new(o, "findings", ids);
    char *s = json_dumps(o, JSON_COMPACT);
    if (s)
        puts(s);
    free(s);
    json_decref(o);
    pki_frec_fini(&rec);
    if (n)
        munmap(m, n);
    return 0;
}

int main(int argc, char **argv)
{
    int bad = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: elf_facts FILE...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++)
        bad |= one(argv[i]);
    return bad;
}
