/* Directory inputs: an explicit stack of open directories; symlinks are
 * recorded and never followed; devices, FIFOs and sockets are recorded and
 * never opened; pseudo file systems (/proc, /sys, ...) are not entered, so a
 * scan of a root file system terminates; a directory already on the stack
 * (a bind-mount loop) is not entered twice. */
#include "scan_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define DIR_DEPTH_MAX 256u

typedef struct dframe {
    DIR *d;
    dev_t dev;
    ino_t ino;
    char *disk; /* path on disk */
    char *vpath;
} dframe;

static int pseudo_fs(int fd)
{
    struct statfs sf;
    if (fstatfs(fd, &sf) != 0)
        return 0;
    switch ((unsigned long)sf.f_type) {
    case 0x9fa0:     /* proc */
    case 0x62656572: /* sysfs */
    case 0x1cd1:     /* devpts */
    case 0x64626720: /* debugfs */
    case 0x74726163: /* tracefs */
    case 0x27e0eb:   /* cgroup */
    case 0x63677270: /* cgroup2 */
    case 0x73636673: /* securityfs */
    case 0xcafe4a11: /* bpf */
    case 0x62656570: /* configfs */
    case 0x6165676c: /* pstore */
    case 0xde5e81e4: /* efivarfs */
    case 0x65735543: /* fusectl */
    case 0xf97cff8c: /* selinuxfs */
    case 0x42494e4d: /* binfmt_misc */
    case 0x0187:     /* autofs: entering may hang on a mount */
    case 0x19800202: /* mqueue */
    case 0x6e736673: /* nsfs */
        return 1;
    default:
        return 0;
    }
}

/* "%" and "!" in on-disk names are encoded so the evidence path splits one way. */
static char *vpath_child(const char *parent, const char *name)
{
    size_t pl = strlen(parent), nl = strlen(name);
    char *o = pki_malloc(pl + 1 + nl * 3 + 1);
    if (!o)
        return NULL;
    memcpy(o, parent, pl);
    size_t k = pl;
    if (k == 0 || o[k - 1] != '/')
        o[k++] = '/';
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p == '!' || *p == '%' || *p < 0x20 || *p == 0x7f) {
            o[k++] = '%';
            o[k++] = hex[*p >> 4];
            o[k++] = hex[*p & 15];
        } else {
            o[k++] = (char)*p;
        }
    }
    o[k] = 0;
    return o;
}

static char *path_child(const char *parent, const char *name)
{
    size_t pl = strlen(parent), nl = strlen(name);
    char *o = pki_malloc(pl + nl + 2);
    if (!o)
        return NULL;
    memcpy(o, parent, pl);
    size_t k = pl;
    if (k == 0 || o[k - 1] != '/')
        o[k++] = '/';
    memcpy(o + k, name, nl + 1);
    return o;
}

static pk_status record(pk_scan *s, const char *vpath, pki_kind kind, const char *target,
                        const char *rule, pk_severity sev, const char *msg)
{
    pki_filerec fr;
    memset(&fr, 0, sizeof fr);
    fr.vpath = vpath;
    fr.kind = kind;
    fr.link_target = target;
    if (!rule)
        return pki_results_add(s, &fr, NULL);
    pki_frec rec;
    pk_status st = pki_frec_init(&rec);
    if (st != PK_OK)
        return st;
    pk_finding_spec sp = {rule, sev, 100, {PK_LOC_NONE, 0, NULL}, {NULL, 0}};
    pki_frec_finding(&rec, "source", vpath, NULL, &sp, "%s", msg);
    st = pki_results_add(s, &fr, &rec);
    pki_frec_fini(&rec);
    return st;
}

static void frame_free(dframe *f)
{
    if (f->d)
        closedir(f->d);
    pki_free(f->disk);
    pki_free(f->vpath);
    memset(f, 0, sizeof *f);
}

static pk_status push_dir(pk_scan *s, dframe *stack, unsigned *top, const char *disk,
                          const char *vpath)
{
    /* The input the user named is followed if it is a symlink (/proc/self);
     * nothing below it ever is. */
    int fd = open(disk, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (*top ? O_NOFOLLOW : 0));
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        char msg[512];
        snprintf(msg, sizeof msg, "The directory could not be read: %s.", strerror(errno));
        if (fd >= 0)
            close(fd);
        return record(s, vpath, PKI_KIND_OTHER, NULL, "PK-SRC-0015", PK_SEV_MEDIUM, msg);
    }
    if (pseudo_fs(fd)) {
        close(fd);
        return record(s, vpath, PKI_KIND_OTHER, NULL, "PK-SRC-0017", PK_SEV_INFO,
                      "A pseudo file system (proc, sysfs, ...) was not entered.");
    }
    for (unsigned i = 0; i < *top; i++) {
        if (stack[i].dev == st.st_dev && stack[i].ino == st.st_ino) {
            close(fd);
            return record(s, vpath, PKI_KIND_OTHER, NULL, "PK-SRC-0018", PK_SEV_LOW,
                          "The directory is its own ancestor (a bind-mount loop); not entered "
                          "again.");
        }
    }
    if (*top >= DIR_DEPTH_MAX) {
        close(fd);
        return record(s, vpath, PKI_KIND_OTHER, NULL, "PK-SRC-0006", PK_SEV_MEDIUM,
                      "Directory nesting deeper than 256 levels; not entered.");
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return PK_E_NOMEM;
    }
    dframe *f = &stack[(*top)++];
    f->d = d;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->disk = pki_strdup(disk);
    f->vpath = pki_strdup(vpath);
    if (!f->disk || !f->vpath)
        return PK_E_NOMEM;
    return PK_OK;
}

pk_status pki_dirwalk(pk_scan *s, const char *root)
{
    dframe *stack = pki_calloc(DIR_DEPTH_MAX + 1, sizeof *stack);
    if (!stack)
        return PK_E_NOMEM;
    unsigned top = 0;
    pk_status st = push_dir(s, stack, &top, root, root);
    while (st == PK_OK && top > 0 && !atomic_load(&s->cancel)) {
        dframe *f = &stack[top - 1];
        errno = 0;
        struct dirent *e = readdir(f->d);
        if (!e) {
            frame_free(f);
            top--;
            continue;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *disk = path_child(f->disk, e->d_name);
        char *vp = vpath_child(f->vpath, e->d_name);
        if (!disk || !vp) {
            pki_free(disk);
            pki_free(vp);
            st = PK_E_NOMEM;
            break;
        }
        struct stat sb;
        if (fstatat(dirfd(f->d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            char msg[512];
            snprintf(msg, sizeof msg, "The entry could not be examined: %s.", strerror(errno));
            st = record(s, vp, PKI_KIND_OTHER, NULL, "PK-SRC-0015", PK_SEV_MEDIUM, msg);
        } else if (S_ISDIR(sb.st_mode)) {
            st = push_dir(s, stack, &top, disk, vp);
        } else if (S_ISREG(sb.st_mode)) {
            pki_job *j = pki_job_new(vp, disk, 0, 0);
            if (!j)
                st = PK_E_NOMEM;
            else
                pki_queue_push(s, j, 1);
        } else if (S_ISLNK(sb.st_mode)) {
            char target[4096];
            ssize_t n = readlinkat(dirfd(f->d), e->d_name, target, sizeof target - 1);
            target[n > 0 ? n : 0] = 0;
            st = record(s, vp, PKI_KIND_SYMLINK, target, NULL, PK_SEV_INFO, NULL);
        } else {
            pki_kind k = S_ISFIFO(sb.st_mode)                           ? PKI_KIND_FIFO
                         : S_ISSOCK(sb.st_mode)                         ? PKI_KIND_SOCKET
                         : (S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode)) ? PKI_KIND_DEVICE
                                                                        : PKI_KIND_OTHER;
            st = record(s, vp, k, NULL, NULL, PK_SEV_INFO, NULL);
        }
        pki_free(disk);
        pki_free(vp);
    }
    while (top > 0)
        frame_free(&stack[--top]);
    pki_free(stack);
    return st;
}
