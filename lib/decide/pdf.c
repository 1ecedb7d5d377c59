/* The PDF report: the HTML page (html.c) printed by a headless Chromium, so
 * the PDF is the same page on A4 (its @media print rules).
 *
 * The page is written to a private directory (mkdtemp, 0700) together with
 * the browser's profile and log; the browser is started without a shell, in
 * its own process group (killed as a whole when done or after
 * PKI_PDF_TIMEOUT), and the directory is removed afterwards. pdf_path is
 * replaced only by a complete PDF, through a temporary name beside it. */
#include "decide_int.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PKI_PDF_TIMEOUT_MS 120000 /* a big report prints in a few seconds */
#define PKI_PDF_MAX        (1ull << 31)

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0; /* keep going: remove what can be removed */
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The log's last non-empty line, control bytes replaced, into buf. */
static void last_line(const char *log, char *buf, size_t n)
{
    char tail[4096];
    snprintf(buf, n, "(no output)");
    int fd = open(log, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    off_t end = lseek(fd, 0, SEEK_END);
    off_t from = end > (off_t)sizeof tail - 1 ? end - (off_t)sizeof tail + 1 : 0;
    ssize_t got = end > 0 ? pread(fd, tail, sizeof tail - 1, from) : 0;
    close(fd);
    if (got <= 0)
        return;
    size_t len = (size_t)got;
    while (len && (tail[len - 1] == '\n' || tail[len - 1] == '\r' || tail[len - 1] == ' '))
        len--;
    tail[len] = 0;
    char *start = memrchr(tail, '\n', len);
    start = start ? start + 1 : tail;
    for (char *p = start; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    snprintf(buf, n, "%.300s", start);
}

/* Waits for pid up to the timeout; kills the whole group either way, since
 * Chromium leaves helper processes (zygote, renderer) behind. 0 if the
 * browser exited with status 0; *timed_out says whether it had to be killed. */
static int wait_browser(pid_t pid, int *status, int *timed_out)
{
    long long deadline = now_ms() + PKI_PDF_TIMEOUT_MS;
    *timed_out = 0;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            *status = -1;
            break;
        }
        if (now_ms() >= deadline) {
            *timed_out = 1;
            kill(-pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0 && errno == EINTR)
                ;
            break;
        }
        struct timespec ts = {0, 20 * 1000000};
        nanosleep(&ts, NULL);
    }
    kill(-pid, SIGKILL); /* helpers left in the group; the group id is still ours */
    return !*timed_out && *status >= 0 && WIFEXITED(*status) && WEXITSTATUS(*status) == 0 ? 0 : -1;
}

/* Runs the browser over dir/report.html; PK_OK when it exited cleanly. */
static pk_status run_browser(const char *browser, const char *dir, char *err, size_t errlen)
{
    size_t dl = strlen(dir) + 64;
    char *prof = pki_malloc(dl), *pdfarg = pki_malloc(dl), *url = pki_malloc(dl),
         *log = pki_malloc(dl);
    pk_status st = PK_E_NOMEM;
    if (!prof || !pdfarg || !url || !log)
        goto out;
    snprintf(prof, dl, "--user-data-dir=%s/profile", dir);
    snprintf(pdfarg, dl, "--print-to-pdf=%s/out.pdf", dir);
    snprintf(url, dl, "file://%s/report.html", dir);
    snprintf(log, dl, "%s/browser.log", dir);
    char *argv[20];
    int n = 0;
    argv[n++] = (char *)browser;
    static const char *const flags[] = {"--headless",
                                        "--disable-gpu",
                                        "--no-first-run",
                                        "--disable-background-networking",
                                        "--disable-component-update",
                                        "--disable-sync",
                                        "--disable-quic",
                                        "--no-pdf-header-footer"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        argv[n++] = (char *)flags[i];
    if (geteuid() == 0)
        argv[n++] = "--no-sandbox"; /* Chromium's sandbox refuses to run as root */
    argv[n++] = prof;
    argv[n++] = pdfarg;
    argv[n++] = url;
    argv[n] = NULL;

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    /* its chatter goes to the log, quoted in err on failure */
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawnattr_setpgroup(&at, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int rc = posix_spawnp(&pid, browser, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0) {
        if (rc == ENOENT)
            pki_dec_err(err, errlen,
                        "Chromium not found: '%.200s' is not on PATH (install the chromium "
                        "package, or set PARAKH_CHROMIUM to the browser)",
                        browser);
        else
            pki_dec_err(err, errlen, "cannot run '%.200s': %s", browser, strerror(rc));
        st = PK_E_IO;
        goto out;
    }
    int status = 0, timed_out = 0;
    if (wait_browser(pid, &status, &timed_out) != 0) {
        char line[320];
        last_line(log, line, sizeof line);
        if (timed_out)
            pki_dec_err(err, errlen,
                        "'%.200s' did not finish within %d s and was killed; its "
                        "last line: %s",
                        browser, PKI_PDF_TIMEOUT_MS / 1000, line);
        else if (status >= 0 && WIFSIGNALED(status))
            pki_dec_err(err, errlen, "'%.200s' was killed by signal %d; its last line: %s", browser,
                        WTERMSIG(status), line);
        else
            pki_dec_err(err, errlen, "'%.200s' exited with status %d; its last line: %s", browser,
                        status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1, line);
        st = PK_E_IO;
        goto out;
    }
    st = PK_OK;
out:
    pki_free(prof);
    pki_free(pdfarg);
    pki_free(url);
    pki_free(log);
    return st;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Copies the browser's PDF to pdf_path through "<pdf_path>.tmp<pid>", after
 * checking it is one. */
static pk_status place_pdf(const char *dir, const char *pdf_path, char *err, size_t errlen)
{
    size_t dl = strlen(dir) + 16, pl = strlen(pdf_path) + 32;
    char *src = pki_malloc(dl), *tmp = pki_malloc(pl), *log = pki_malloc(dl + 8), buf[65536];
    pk_status st = PK_E_NOMEM;
    int in = -1, outfd = -1;
    if (!src || !tmp || !log)
        goto out;
    snprintf(src, dl, "%s/out.pdf", dir);
    snprintf(log, dl + 8, "%s/browser.log", dir);
    snprintf(tmp, pl, "%s.tmp%ld", pdf_path, (long)getpid());
    st = PK_E_IO;
    in = open(src, O_RDONLY | O_CLOEXEC);
    ssize_t got = in >= 0 ? read(in, buf, 5) : -1;
    if (got != 5 || memcmp(buf, "%PDF-", 5) != 0) {
        char line[320];
        last_line(log, line, sizeof line);
        pki_dec_err(err, errlen, "the browser made %s; its last line: %s",
                    in < 0 ? "no PDF" : "a file that is not a PDF", line);
        goto out;
    }
    outfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (outfd < 0) {
        pki_dec_err(err, errlen, "cannot write %.300s: %s", tmp, strerror(errno));
        goto out;
    }
    unsigned long long total = 5;
    int ok = write_all(outfd, buf, 5) == 0;
    while (ok) {
        got = read(in, buf, sizeof buf);
        if (got == 0)
            break;
        if (got < 0 && errno == EINTR)
            continue;
        total += got > 0 ? (unsigned long long)got : 0;
        ok = got > 0 && total <= PKI_PDF_MAX && write_all(outfd, buf, (size_t)got) == 0;
    }
    if (!ok || fsync(outfd) != 0) {
        pki_dec_err(err, errlen, "cannot write %.300s: %s", tmp,
                    total > PKI_PDF_MAX ? "PDF over 2 GiB" : strerror(errno));
        goto out;
    }
    if (close(outfd) != 0 || rename(tmp, pdf_path) != 0) {
        outfd = -1;
        pki_dec_err(err, errlen, "cannot write %.300s: %s", pdf_path, strerror(errno));
        goto out;
    }
    outfd = -1;
    st = PK_OK;
out:
    if (in >= 0)
        close(in);
    if (outfd >= 0)
        close(outfd);
    if (st != PK_OK && tmp)
        unlink(tmp);
    pki_free(src);
    pki_free(tmp);
    pki_free(log);
    return st;
}

pk_status pk_assessment_pdf(const pk_assessment *a, const char *pdf_path, const char *browser,
                            const char *tmpdir, char *err, size_t errlen)
{
    if (!a || !pdf_path || !*pdf_path)
        return PK_E_MISUSE;
    if (err && errlen)
        err[0] = 0;
    if (!browser || !*browser)
        browser = getenv("PARAKH_CHROMIUM");
    if (!browser || !*browser)
        browser = "chromium";
    const char *base = tmpdir && *tmpdir ? tmpdir : getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    size_t bl = strlen(base) + 64;
    char *dir = pki_malloc(bl), *page = pki_malloc(bl);
    if (!dir || !page) {
        pki_free(dir);
        pki_free(page);
        return PK_E_NOMEM;
    }
    snprintf(dir, bl, "%s/parakh-pdf-XXXXXX", base);
    pk_status st = PK_E_IO;
    if (!mkdtemp(dir)) { /* mode 0700 */
        pki_dec_err(err, errlen, "cannot make a temporary directory in %.300s: %s", base,
                    strerror(errno));
        pki_free(dir);
        pki_free(page);
        return PK_E_IO;
    }
    snprintf(page, bl, "%s/report.html", dir);
    int fd = open(page, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        pki_dec_err(err, errlen, "cannot write %.300s: %s", page, strerror(errno));
        if (fd >= 0)
            close(fd);
        goto out;
    }
    st = pki_dec_write_html(a->doc, a->report, f);
    if (fclose(f) != 0 && st == PK_OK)
        st = PK_E_IO;
    if (st != PK_OK) {
        pki_dec_err(err, errlen, "cannot write the page %.300s: %s", page, pk_status_str(st));
        goto out;
    }
    if ((st = run_browser(browser, dir, err, errlen)) != PK_OK)
        goto out;
    st = place_pdf(dir, pdf_path, err, errlen);
out:
    rm_tree(dir);
    pki_free(dir);
    pki_free(page);
    return st;
}
