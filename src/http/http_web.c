/* http_web.c - the web page (the files of web/, compiled into the binary at build time by
 * tools/embed.c into build/web_embed.c) and the transparency page /about. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "kb/kb.h"
#include "kb/kb_embed.h"
#include "util/util.h"

#ifndef GLUTEAL_VERSION
#define GLUTEAL_VERSION "0.1.0"
#endif

extern const struct kb_embedded_file web_embedded[];
extern const size_t web_embedded_count;

/* Latest validation figures, quoted from `gluteal eval tests/vignettes` (its last three lines) on the
 * date given; update them when the knowledge base changes. */
#define VALIDATION_DATE "2026-12-07"
#define VALIDATION_KB "kb-07b82ef2"
#define VALIDATION_CASES "26 published case vignettes (tests/vignettes)"
#define VALIDATION_HELDOUT "118 held-out published case reports (`gluteal eval tests/casereports`, written by helpers that did not see the system's output; their notes guided note-miner rules, no probability was set from them): strict top-1 50/118, top-3 74/118, red flags 22/27"
#define VALIDATION_STRICT "top-1 14/26 = 53.8%, top-3 22/26 = 84.6%"
#define VALIDATION_LENIENT "top-1 23/26 = 88.5%, top-3 25/26 = 96.2%"
#define VALIDATION_FLAGS "red flags: sensitivity 8/8 = 100.0%, specificity 15/18 = 83.3%"

char *http_about_text(const gl_kb *kb)
{
    sbuf b;
    sb_init(&b, 256 * 1024);
    sb_printf(&b,
              "# About gluteal\n\n"
              "gluteal %s, knowledge base %s: %d conditions, %d findings, %d evidence rows, %d red-flag rules.\n\n"
              "**Decision support for clinicians, not a diagnosis for patients.** Every probability comes with "
              "the knowledge-base rows and sources that produced it; red flags are rules evaluated apart from "
              "the probabilities and are always shown first.\n\n",
              GLUTEAL_VERSION, kb->version, kb->ncond, kb->nfind, kb->nrows, kb->nflag);
    sb_puts(&b, "## Intended use and users\n\n"
                "- Users: physicians, physiotherapists and other licensed clinicians assessing an adult or adolescent "
                "with pain in the buttock or posterior hip, in primary care, sports, rehabilitation (PM&R), spine or "
                "emergency settings.\n"
                "- Use: to organise the differential diagnosis (33 conditions: spine, sacroiliac joint, hip, gluteal "
                "tendons, deep gluteal nerves, hamstring origin, vessels, tumour, infection), to see which findings "
                "would change it most, and to catch red flags.\n"
                "- Not for: patients using it on their own, diagnosis without a clinician, children under 12, "
                "trauma triage, or pain whose main site is elsewhere.\n\n"
                "## Inputs and how to obtain them\n\n"
                "- Patient age and sex (required) and the setting (selects the prior probabilities).\n"
                "- Findings, each present, absent or unknown: history (ask), symptoms (ask), examination (the named "
                "test, done as its source describes), imaging and tests (from reports). Each finding has its "
                "question in the knowledge base (GET /v1/kb/findings, or `gluteal kb FINDING`).\n"
                "- Optional measurements with units (for example ischiofemoral space in mm): the published cut-off "
                "that turns each into a finding is shown with the result.\n\n"
                "## The method in plain words\n\n"
                "- Each condition starts from how common it is in the chosen setting, adjusted for age, sex and "
                "duration where studies show a difference.\n"
                "- Each finding then raises or lowers each condition by its likelihood ratio, from the finding's "
                "sensitivity in that condition and how often it occurs in buttock pain from other causes.\n"
                "- Several conditions may be present at once (up to three); a finding already explained by one "
                "condition raises another only a little. The calculation is exact over every combination.\n"
                "- An explicit \"other cause\" state catches cases the knowledge base does not cover; the result then "
                "says the case is outside its scope.\n"
                "- Red flags (cauda equina, infection, malignancy, fracture, vascular, giant cell arteritis) are "
                "separate rules that set the urgency.\n\n"
                "## Knowledge sources\n\n"
                "Every number in the knowledge base names its source and is marked `measured` (from a published "
                "study) or `estimate` (expert judgement, saying what it is anchored on). Each condition's evidence "
                "table, row by row with sources, is at GET /v1/kb/conditions/{id} and `gluteal kb CONDITION`.\n\n"
                "## Latest validation\n\n");
    sb_printf(&b,
              "Measured %s, knowledge base %s%s, on %s with `gluteal eval tests/vignettes`:\n\n"
              "- strict (the published diagnosis or its umbrella/sub-type): %s\n"
              "- lenient (also acceptable alternatives): %s\n"
              "- %s\n"
              "- %s\n\n"
              "These are small, published case reports chosen for coverage, not a clinical trial: they show "
              "where the model is weak, not its accuracy in practice.\n\n",
              VALIDATION_DATE, VALIDATION_KB,
              strcmp(kb->version, VALIDATION_KB) ? " (the running knowledge base differs: run the command again for "
                                                   "current figures)"
                                                 : "",
              VALIDATION_CASES, VALIDATION_STRICT, VALIDATION_LENIENT, VALIDATION_FLAGS, VALIDATION_HELDOUT);
    sb_puts(&b, "## Missing data\n\n"
                "- A finding not entered is unknown: it moves nothing. Unknown is never treated as absent.\n"
                "- Only age and sex are required; the setting defaults to a PM&R clinic; an unknown duration makes "
                "duration-based adjustments and rules not apply.\n"
                "- With few findings the probabilities stay close to the priors; the result lists the unknown "
                "findings that would most change the leading condition, so the next question is the most useful one.\n"
                "- Contradictory findings are accepted and reported, not silently dropped.\n");
    return sb_take(&b);
}

/* ---- Markdown subset -> HTML for /about ---- */

static void html_escape(sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<':
            sb_puts(b, "&lt;");
            break;
        case '>':
            sb_puts(b, "&gt;");
            break;
        case '&':
            sb_puts(b, "&amp;");
            break;
        case '"':
            sb_puts(b, "&quot;");
            break;
        default:
            sb_putn(b, s + i, 1);
        }
    }
}

/* Inline: **bold**, `code`. */
static void inline_md(sbuf *b, const char *s, size_t n)
{
    bool strong = false, code = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '`') {
            sb_puts(b, code ? "</code>" : "<code>");
            code = !code;
        } else if (!code && s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
            sb_puts(b, strong ? "</strong>" : "<strong>");
            strong = !strong;
            i++;
        } else
            html_escape(b, s + i, 1);
    }
    if (code)
        sb_puts(b, "</code>");
    if (strong)
        sb_puts(b, "</strong>");
}

static char *about_html(const gl_kb *kb)
{
    char *md = http_about_text(kb);
    if (!md)
        return NULL;
    sbuf b;
    sb_init(&b, 512 * 1024);
    sb_puts(&b, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>About gluteal</title>"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<link rel=\"stylesheet\" href=\"/app.css\"></head><body class=\"about\"><main>"
                "<p><a href=\"/\">&larr; back to the assessment</a></p>\n");
    bool list = false, para = false;
    for (char *line = md; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        bool item = n >= 2 && line[0] == '-' && line[1] == ' ';
        if (list && !item) {
            sb_puts(&b, "</ul>\n");
            list = false;
        }
        if (n == 0) {
            if (para)
                sb_puts(&b, "</p>\n");
            para = false;
        } else if (line[0] == '#') {
            int lvl = 0;
            while (lvl < (int)n && line[lvl] == '#')
                lvl++;
            sb_printf(&b, "<h%d>", lvl);
            inline_md(&b, line + lvl + 1, n > (size_t)lvl ? n - (size_t)lvl - 1 : 0);
            sb_printf(&b, "</h%d>\n", lvl);
        } else if (item) {
            if (!list)
                sb_puts(&b, "<ul>\n");
            list = true;
            sb_puts(&b, "<li>");
            inline_md(&b, line + 2, n - 2);
            sb_puts(&b, "</li>\n");
        } else {
            if (!para)
                sb_puts(&b, "<p>");
            else
                sb_puts(&b, " ");
            para = true;
            inline_md(&b, line, n);
        }
        line = nl ? nl + 1 : NULL;
    }
    if (list)
        sb_puts(&b, "</ul>\n");
    if (para)
        sb_puts(&b, "</p>\n");
    sb_puts(&b, "</main></body></html>\n");
    free(md);
    return sb_take(&b);
}

static const char *mime(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return "application/octet-stream";
    if (!strcmp(dot, ".html"))
        return "text/html; charset=utf-8";
    if (!strcmp(dot, ".js"))
        return "text/javascript; charset=utf-8";
    if (!strcmp(dot, ".css"))
        return "text/css; charset=utf-8";
    if (!strcmp(dot, ".svg"))
        return "image/svg+xml";
    if (!strcmp(dot, ".json"))
        return "application/json";
    return "application/octet-stream";
}

static void text_body(http_resp *r, int status, const char *type, char *body)
{
    free(r->body);
    r->status = status;
    r->type = type;
    r->body = body;
    r->len = body ? strlen(body) : 0;
    if (!body)
        http_error(r, 503, "out of memory");
}

void http_web(const http_ctx *ctx, const http_req *req, http_resp *r)
{
    bool head = !strcmp(req->method, "HEAD");
    if (strcmp(req->method, "GET") && !head) {
        http_error(r, 405, "method %.16s is not allowed on %.200s", req->method, req->path);
        return;
    }
    if (!strcmp(req->path, "/about")) {
        text_body(r, 200, "text/html; charset=utf-8", about_html(ctx->kb));
        return;
    }
    if (!strcmp(req->path, "/healthz")) {
        text_body(r, 200, "text/plain; charset=utf-8", strdup("ok\n"));
        return;
    }
    const char *name = !strcmp(req->path, "/") ? "index.html" : req->path + 1;
    for (size_t i = 0; i < web_embedded_count; i++) {
        if (strcmp(web_embedded[i].name, name))
            continue;
        char *copy = malloc(web_embedded[i].len + 1);
        if (!copy) {
            http_error(r, 503, "out of memory");
            return;
        }
        memcpy(copy, web_embedded[i].data, web_embedded[i].len);
        copy[web_embedded[i].len] = 0;
        free(r->body);
        r->status = 200;
        r->type = mime(name);
        r->body = copy;
        r->len = web_embedded[i].len;
        r->cacheable = true;
        return;
    }
    http_error(r, 404, "no page %.200s", req->path);
}
