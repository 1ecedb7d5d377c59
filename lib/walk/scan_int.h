/* The scan's internals: the job queue, the workers, and the results the
 * reporters read.
 *
 * Ownership: the scan owns its results: file records (facts json, strings in
 * the results arena) and findings (strings in the results arena). Jobs own
 * their vpath and, for unpacked files, their temp file, which the worker
 * unlinks when the job is done. */
#ifndef PK_WALK_SCAN_INT_H
#define PK_WALK_SCAN_INT_H

#include <parakh/analyzer.h>
#include <parakh/scan.h>
#include <pthread.h>
#include <stdatomic.h>

#include "../core/core_int.h"
#include "../match/match_int.h"
#include "../source/unpack_int.h"
#include "emit_int.h"

#include <jansson.h>

/* Record kinds: regular files and the non-regular entries parakh records. */
typedef enum pki_kind {
    PKI_KIND_FILE = 0,
    PKI_KIND_SYMLINK,
    PKI_KIND_HARDLINK,
    PKI_KIND_DEVICE,
    PKI_KIND_FIFO,
    PKI_KIND_SOCKET,
    PKI_KIND_OTHER,
} pki_kind;

typedef struct pki_filerec {
    const char *vpath; /* in the results arena */
    const char *link_target;
    pki_kind kind;
    uint64_t size;
    uint8_t sha256[32], sha1[20];
    int hashed;
    pk_ftype type;
    unsigned depth;
    int unpacked;          /* extracted from a container */
    int truncated;         /* only a prefix was extracted */
    const char *container; /* format name if opened as a container, else NULL */
    uint64_t container_entries;
    json_t *facts; /* owned; NULL when empty */
} pki_filerec;

typedef struct pki_input {
    char *path;
    int is_dir;
} pki_input;

typedef struct pki_job pki_job;

struct pk_scan {
    pk_scan_opts opts;
    pki_input *inputs;
    size_t ninputs, capinputs;
    char errmsg[1024];
    char tmpdir[4096];
    int tmp_made;

    /* analyzers and the shared matcher, fixed once the run starts */
    const pk_analyzer *const *analyzers;
    size_t nanalyzers;
    void **astate;
    pki_matcher *matcher;

    /* shared counters and flags */
    atomic_int cancel;
    atomic_int stop_unpacking;
    _Atomic uint64_t total_bytes, total_entries, tmp_seq;
    _Atomic uint64_t files_done, bytes_scanned;
    /* summed over workers, in ms: reading+hashing+matching, parsers, unpacking */
    _Atomic uint64_t ms_pass, ms_analyze, ms_unpack;
    pki_unpack_env env;

    /* the job queue */
    pthread_mutex_t qmu;
    pthread_cond_t qcv;
    pki_job *qhead, *qtail;
    size_t qlen, active;
    int producing;
    pk_status fatal; /* first environment failure of a worker */

    /* results, under rmu */
    pthread_mutex_t rmu;
    pki_arena *arena;
    pki_filerec *files;
    size_t nfiles, capfiles;
    pk_finding *findings;
    size_t nfind, capfind;
    size_t dropped_findings;
    json_t *components; /* every file's component records (component.c), in arrival order */
    size_t dropped_components;
    uint64_t started_ms, finished_ms;
    char started_utc[32], finished_utc[32];
    int ran;
};

/* Queue (scan.c). A job takes ownership of vpath and disk_path copies. */
struct pki_job {
    struct pki_job *next;
    char *vpath;
    char *disk_path;
    int is_temp;
    unsigned depth;
    int unpacked;
    int truncated;
    int follow; /* a file input the user named: followed if it is a symlink */
    /* the sha256 of every container above, to catch an archive that holds itself */
    uint8_t (*anc)[32];
    unsigned nanc;
};

pki_job *pki_job_new(const char *vpath, const char *disk_path, int is_temp, unsigned depth);
void pki_job_free(pk_scan *s, pki_job *j); /* unlinks a temp file */
/* Queues a job; when block is 0 and the queue is full, returns 0 and the caller
 * keeps the job (to process it itself). Returns 1 when queued. */
int pki_queue_push(pk_scan *s, pki_job *j, int block);

/* Processes one job to the end, including unpacking and nested files, on the
 * calling thread (pass.c). Returns an environment failure, else PK_OK. */
pk_status pki_process(pk_scan *s, pki_job *j);

/* The order of findings everywhere (qsort): vpath, offset, rule id, message. */
int pki_finding_cmp(const void *a, const void *b);

/* Adds a record (copied) and the record's findings (moved) to the results. */
pk_status pki_results_add(pk_scan *s, pki_filerec *fr, pki_frec *rec);

/* Walks a directory input, queueing its regular files (dirwalk.c). */
pk_status pki_dirwalk(pk_scan *s, const char *root);

void pki_scan_seterr(pk_scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
