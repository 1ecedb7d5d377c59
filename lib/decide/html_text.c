/* Text into the HTML report: escaping, evidence paths, table cells and the
 * SVG bar charts. The only way report strings reach the page. */
#include "html_int.h"

#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (at most n bytes) and its
 * code point; 0 when malformed (bad lead or continuation byte, overlong,
 * surrogate, above U+10FFFF, cut short). */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, min = 0x80, c &= 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, min = 0x800, c &= 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, min = 0x10000, c &= 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* Code points that would let hostile text disguise itself on the page:
 * C1 controls and the bidirectional overrides and isolates ("Trojan
 * Source"), which can make a path read backwards. */
static int hidden_cp(unsigned cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void pki_html_esc(FILE *out, const char *s, size_t max)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), lim = max && n > max ? max : n, i = 0;
    while (i < lim) {
        unsigned cp = 0;
        size_t k = utf8_seq(p + i, n - i, &cp);
        if (k == 0) {
            fputs("&#xFFFD;", out);
            i++;
            continue;
        }
        if (i + k > lim && lim < n)
            break; /* do not cut a character in two at the cap */
        switch (cp) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        case '\t':
        case '\n':
        case '\r':
            fputc(' ', out);
            break;
        default:
            if (cp < 0x20 || cp == 0x7f || hidden_cp(cp))
                fputs("&#xFFFD;", out);
            else
                fwrite(p + i, 1, k, out);
        }
        i += k;
    }
    if (lim < n)
        fprintf(out, "&#x2026;<span class=\"trunc\"> (%zu bytes in all)</span>", n);
}

void pki_html_jesc(FILE *out, const json_t *o, const char *key, size_t max, const char *dflt)
{
    const char *s = pki_jstr(o, key);
    if (s)
        pki_html_esc(out, s, max);
    else if (dflt)
        fputs(dflt, out);
}

void pki_html_vpath(FILE *out, const char *vp)
{
    if (!vp)
        return;
    size_t n = strlen(vp), lim = n > PKI_HTML_VPATH ? PKI_HTML_VPATH : n, at = 0;
    char seg[PKI_HTML_VPATH + 1];
    fputs("<span class=\"mono\">", out);
    /* segments end after each '/'; "!/" is shown as the step into an archive */
    while (at < lim) {
        size_t e = at;
        while (e < lim && vp[e] != '/')
            e++;
        int nest = e < lim && e > at && vp[e - 1] == '!';
        size_t len = e - at - (size_t)nest;
        memcpy(seg, vp + at, len);
        seg[len] = 0;
        pki_html_esc(out, seg, 0);
        if (nest)
            fputs("<span class=\"nest\">!/</span>", out);
        else if (e < lim)
            fputc('/', out);
        at = e < lim ? e + 1 : e;
    }
    if (lim < n)
        fprintf(out, "&#x2026;<span class=\"trunc\"> (%zu bytes in all)</span>", n);
    fputs("</span>", out);
}

void pki_html_td(FILE *out, const json_t *o, const char *key, size_t max)
{
    fputs("<td>", out);
    pki_html_jesc(out, o, key, max, "");
    fputs("</td>", out);
}

void pki_html_td_vpath(FILE *out, const char *vp)
{
    fputs("<td>", out);
    pki_html_vpath(out, vp);
    fputs("</td>", out);
}

void pki_html_td_int(FILE *out, const json_t *v)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        fprintf(out, "<td class=\"num\" data-k=\"%lld\">%lld</td>",
                (long long)json_integer_value(v), (long long)json_integer_value(v));
    else
        fputs("<td class=\"num\" data-k=\"-1\">-</td>", out);
}

void pki_html_td_hex(FILE *out, const json_t *v)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        fprintf(out, "<td class=\"num mono\" data-k=\"%lld\">0x%llx</td>",
                (long long)json_integer_value(v), (unsigned long long)json_integer_value(v));
    else
        fputs("<td class=\"num\" data-k=\"-1\">-</td>", out);
}

void pki_html_thead(FILE *out, const char *id, const char *const *labels, size_t n, int filter)
{
    if (filter)
        fprintf(out,
                "<div class=\"filter\" hidden><label>Filter <input type=\"search\" "
                "data-filter=\"%s\" placeholder=\"words to match in any column\" "
                "autocomplete=\"off\"></label><output></output></div>\n",
                id);
    fprintf(out, "<div class=\"tablewrap\"><table class=\"sortable\" id=\"%s\"><thead><tr>", id);
    for (size_t i = 0; i < n; i++) {
        int num = labels[i][0] == '#', key = labels[i][0] == '~';
        fprintf(out, "<th%s scope=\"col\"><button type=\"button\" class=\"sort\">%s</button></th>",
                num   ? " class=\"num\" data-type=\"num\""
                : key ? " data-type=\"num\""
                      : "",
                labels[i] + num + key);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
}

void pki_html_tfoot(FILE *out)
{
    fputs("</tbody></table></div>\n", out);
}

static const char *const sev_names[] = {"info", "low", "medium", "high", "critical"};

int pki_html_sev_rank(const char *s)
{
    for (int i = 0; s && i < 5; i++)
        if (strcmp(s, sev_names[i]) == 0)
            return i;
    return -1;
}

const char *pki_html_sev_class(const char *s)
{
    int r = pki_html_sev_rank(s);
    return r < 0 ? NULL : sev_names[r];
}

/* Chart geometry (px): label column, bar area, value column, row height. */
enum { BAR_LABEL = 170, BAR_AREA = 300, BAR_VALUE = 110, BAR_ROW = 22 };

/* Counts from a hostile report kept to a range that prints and scales. */
static double clampv(double v)
{
    return v > 1e15 ? 1e15 : v > 0 ? v : 0;
}

void pki_html_hbar(FILE *out, const char *title, const pki_html_bar *bars, size_t n)
{
    double max = 0;
    for (size_t i = 0; i < n; i++) {
        double v = clampv(bars[i].track) > clampv(bars[i].value) ? clampv(bars[i].track)
                                                                 : clampv(bars[i].value);
        if (v > max)
            max = v;
    }
    unsigned h = (unsigned)(n ? n : 1) * BAR_ROW + 6, w = BAR_LABEL + BAR_AREA + BAR_VALUE;
    fprintf(out,
            "<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%u\" "
            "height=\"%u\" viewBox=\"0 0 %u %u\"><title>%s</title>\n",
            w, h, w, h, title);
    if (!n)
        fprintf(out, "<text x=\"0\" y=\"16\">none</text>\n");
    for (size_t i = 0; i < n; i++) {
        const pki_html_bar *b = &bars[i];
        double val = clampv(b->value), track = clampv(b->track);
        unsigned y = (unsigned)i * BAR_ROW + 3;
        double vw = max > 0 ? val / max * BAR_AREA : 0, tw = max > 0 ? track / max * BAR_AREA : 0;
        if (vw > 0 && vw < 2)
            vw = 2; /* a non-zero count stays visible */
        fprintf(out, "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">", BAR_LABEL - 8, y + 14);
        pki_html_esc(out, b->label, 24);
        fputs("</text>", out);
        if (tw > 0)
            fprintf(out, "<rect class=\"track\" x=\"%u\" y=\"%u\" width=\"%.1f\" height=\"%u\"/>",
                    BAR_LABEL, y + 2, tw, BAR_ROW - 6);
        fprintf(out, "<rect class=\"%s\" x=\"%u\" y=\"%u\" width=\"%.1f\" height=\"%u\"/>",
                b->cls ? b->cls : "c-def", BAR_LABEL, y + 2, vw, BAR_ROW - 6);
        fprintf(out, "<text class=\"val\" x=\"%.1f\" y=\"%u\">%.*f%s%s</text>\n",
                BAR_LABEL + (tw > vw ? tw : vw) + 6, y + 14, val == (long long)val ? 0 : 1, val,
                b->note ? " " : "", b->note ? b->note : "");
    }
    fputs("</svg>\n", out);
}
