/* CVSS v2, v3.0 and v3.1 base scores from vector strings (cvss.h). The
 * vector is parsed against a table of every metric the version defines, so a
 * typo, an unknown metric or a repeated one is refused rather than ignored. */
#include <math.h>
#include <string.h>

#include "vulndb/cvss.h"

#define MAXVALS 6

typedef struct metric {
    const char *key;
    const char *vals[MAXVALS]; /* NULL-terminated when shorter */
    int base;                  /* a mandatory base metric */
} metric;

/* CVSS v3.1 specification, Table 15 (also v3.0). The base metrics come first,
 * in the order the weights below index them. */
enum { V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A, V3_NBASE };
static const metric v3_metrics[] = {
    {"AV", {"N", "A", "L", "P"}, 1},
    {"AC", {"L", "H"}, 1},
    {"PR", {"N", "L", "H"}, 1},
    {"UI", {"N", "R"}, 1},
    {"S", {"U", "C"}, 1},
    {"C", {"H", "L", "N"}, 1},
    {"I", {"H", "L", "N"}, 1},
    {"A", {"H", "L", "N"}, 1},
    {"E", {"X", "U", "P", "F", "H"}, 0},
    {"RL", {"X", "O", "T", "W", "U"}, 0},
    {"RC", {"X", "U", "R", "C"}, 0},
    {"CR", {"X", "L", "M", "H"}, 0},
    {"IR", {"X", "L", "M", "H"}, 0},
    {"AR", {"X", "L", "M", "H"}, 0},
    {"MAV", {"X", "N", "A", "L", "P"}, 0},
    {"MAC", {"X", "L", "H"}, 0},
    {"MPR", {"X", "N", "L", "H"}, 0},
    {"MUI", {"X", "N", "R"}, 0},
    {"MS", {"X", "U", "C"}, 0},
    {"MC", {"X", "N", "L", "H"}, 0},
    {"MI", {"X", "N", "L", "H"}, 0},
    {"MA", {"X", "N", "L", "H"}, 0},
};

/* CVSS v2 guide, section 2 (base, temporal, environmental). */
enum { V2_AV, V2_AC, V2_AU, V2_C, V2_I, V2_A, V2_NBASE };
static const metric v2_metrics[] = {
    {"AV", {"L", "A", "N"}, 1},
    {"AC", {"H", "M", "L"}, 1},
    {"Au", {"M", "S", "N"}, 1},
    {"C", {"N", "P", "C"}, 1},
    {"I", {"N", "P", "C"}, 1},
    {"A", {"N", "P", "C"}, 1},
    {"E", {"U", "POC", "F", "H", "ND"}, 0},
    {"RL", {"OF", "TF", "W", "U", "ND"}, 0},
    {"RC", {"UC", "UR", "C", "ND"}, 0},
    {"CDP", {"N", "L", "LM", "MH", "H", "ND"}, 0},
    {"TD", {"N", "L", "M", "H", "ND"}, 0},
    {"CR", {"L", "M", "H", "ND"}, 0},
    {"IR", {"L", "M", "H", "ND"}, 0},
    {"AR", {"L", "M", "H", "ND"}, 0},
};

#define NMETRIC_MAX 24

static int span_eq(const char *p, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(p, s, n) == 0;
}

/* Splits s[0..n) at '/' into KEY:VALUE pairs and records the index of each
 * metric's value in val[] (-1 when absent). -1 on any malformed pair. */
static int parse_metrics(const char *s, size_t n, const metric *tab, size_t ntab, int *val)
{
    for (size_t i = 0; i < ntab; i++)
        val[i] = -1;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '/')
            j++;
        const char *colon = memchr(s + i, ':', j - i);
        if (!colon)
            return -1;
        size_t klen = (size_t)(colon - (s + i));
        const char *v = colon + 1;
        size_t vlen = (size_t)((s + j) - v);
        size_t m = 0;
        while (m < ntab && !span_eq(s + i, klen, tab[m].key))
            m++;
        if (m == ntab || val[m] >= 0)
            return -1; /* unknown or repeated metric */
        int k = 0;
        while (k < MAXVALS && tab[m].vals[k] && !span_eq(v, vlen, tab[m].vals[k]))
            k++;
        if (k == MAXVALS || !tab[m].vals[k])
            return -1;
        val[m] = k;
        if (j == n)
            break;
        i = j + 1;
        if (i == n)
            return -1; /* trailing '/' */
    }
    for (size_t m = 0; m < ntab; m++)
        if (tab[m].base && val[m] < 0)
            return -1;
    return 0;
}

/* CVSS v3.1 Appendix A: the smallest number with one decimal that is >= x,
 * computed on integers so that 4.000000001 (float noise) is 4.0, not 4.1. */
static double roundup31(double x)
{
    long long i = llround(x * 100000.0);
    if (i % 10000 == 0)
        return (double)i / 100000.0;
    return (double)(i / 10000 + 1) / 10.0;
}

static double score_v3(const int *v)
{
    static const double av[] = {0.85, 0.62, 0.55, 0.2};
    static const double ac[] = {0.77, 0.44};
    static const double pr_u[] = {0.85, 0.62, 0.27};
    static const double pr_c[] = {0.85, 0.68, 0.5}; /* scope changed */
    static const double ui[] = {0.85, 0.62};
    static const double cia[] = {0.56, 0.22, 0.0};
    int changed = v[V3_S] == 1;
    double iss = 1.0 - (1.0 - cia[v[V3_C]]) * (1.0 - cia[v[V3_I]]) * (1.0 - cia[v[V3_A]]);
    double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15.0) : 6.42 * iss;
    double expl = 8.22 * av[v[V3_AV]] * ac[v[V3_AC]] * (changed ? pr_c[v[V3_PR]] : pr_u[v[V3_PR]]) *
                  ui[v[V3_UI]];
    if (impact <= 0.0)
        return 0.0;
    double sum = changed ? 1.08 * (impact + expl) : impact + expl;
    return roundup31(sum < 10.0 ? sum : 10.0);
}

static double score_v2(const int *v)
{
    static const double av[] = {0.395, 0.646, 1.0};
    static const double ac[] = {0.35, 0.61, 0.71};
    static const double au[] = {0.45, 0.56, 0.704};
    static const double cia[] = {0.0, 0.275, 0.660};
    double impact =
        10.41 * (1.0 - (1.0 - cia[v[V2_C]]) * (1.0 - cia[v[V2_I]]) * (1.0 - cia[v[V2_A]]));
    double expl = 20.0 * av[v[V2_AV]] * ac[v[V2_AC]] * au[v[V2_AU]];
    double f = impact == 0.0 ? 0.0 : 1.176;
    double s = (0.6 * impact + 0.4 * expl - 1.5) * f;
    /* round_to_1_decimal, half up; the 1e-9 absorbs float noise such as
     * 6.449999999 for a value the guide's arithmetic makes 6.45 */
    double r = floor(s * 10.0 + 0.5 + 1e-9) / 10.0;
    return r < 0.0 ? 0.0 : r;
}

static void put_version(char *out, const char *v)
{
    if (out)
        memcpy(out, v, strlen(v) + 1); /* every literal is < PKI_CVSS_VERSION_CAP */
}

int pki_cvss_base_score(const char *vector, char *version_out, double *score)
{
    if (version_out)
        version_out[0] = '\0';
    if (!vector || !score)
        return -1;
    size_t n = strnlen(vector, PKI_CVSS_VECTOR_MAX + 1);
    if (n == 0 || n > PKI_CVSS_VECTOR_MAX)
        return -1;
    int val[NMETRIC_MAX];
    _Static_assert(sizeof v3_metrics / sizeof v3_metrics[0] <= NMETRIC_MAX, "val[] too small");
    _Static_assert(sizeof v2_metrics / sizeof v2_metrics[0] <= NMETRIC_MAX, "val[] too small");
    if (n >= 9 && !memcmp(vector, "CVSS:", 5)) {
        const char *ver = vector + 5;
        if (!memcmp(ver, "4.0/", 4)) {
            put_version(version_out, "4.0");
            return -1; /* MacroVector lookup tables: see cvss.h */
        }
        if (memcmp(ver, "3.0/", 4) && memcmp(ver, "3.1/", 4))
            return -1;
        if (parse_metrics(vector + 9, n - 9, v3_metrics, sizeof v3_metrics / sizeof v3_metrics[0],
                          val))
            return -1;
        put_version(version_out, ver[2] == '0' ? "3.0" : "3.1");
        *score = score_v3(val);
        return 0;
    }
    const char *p = vector;
    if (p[0] == '(') { /* the v2 guide's examples are parenthesised */
        if (n < 2 || p[n - 1] != ')')
            return -1;
        p++;
        n -= 2;
    }
    if (parse_metrics(p, n, v2_metrics, sizeof v2_metrics / sizeof v2_metrics[0], val))
        return -1;
    put_version(version_out, "2.0");
    *score = score_v2(val);
    return 0;
}

pk_severity pki_cvss_severity(double score)
{
    if (!(score >= 0.0)) /* negative or NaN: unscored */
        return PK_SEV_MEDIUM;
    if (score < 0.05) /* 0.0 is CVSS "None" */
        return PK_SEV_INFO;
    if (score < 3.95)
        return PK_SEV_LOW;
    if (score < 6.95)
        return PK_SEV_MEDIUM;
    if (score < 8.95)
        return PK_SEV_HIGH;
    return PK_SEV_CRITICAL;
}
