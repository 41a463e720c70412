/* http_server.c - the libmicrohttpd server around http_handle: a thread pool,
 * bounded bodies (413 past 1 MiB, refused from Content-Length before reading),
 * connection limits and timeouts, security headers. Runs until SIGINT/SIGTERM. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http/http.h"
#include "util/util.h"

enum {
    CONNECTION_LIMIT = 512,          /* open connections in all */
    PER_IP_LIMIT = 128,              /* from one address */
    CONNECTION_TIMEOUT_S = 15,       /* idle connection closed after */
    HEADER_MEMORY = 64 * 1024,       /* per connection, for the request line and headers */
    DISCARD_LIMIT = 8 * 1024 * 1024, /* an oversized chunked body is dropped up to this, then cut off */
};

typedef struct conn_state {
    sbuf body;
    bool too_big;
    size_t discarded; /* bytes dropped after the limit (chunked bodies) */
} conn_state;

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    conn_state *st = *con_cls;
    if (st) {
        sb_free(&st->body);
        free(st);
        *con_cls = NULL;
    }
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    sbuf *q = cls;
    if (q->len)
        sb_puts(q, "&");
    for (int pass = 0; pass < 2; pass++) {
        const char *s = pass ? value : key;
        if (pass) {
            if (!value)
                break;
            sb_puts(q, "=");
        }
        for (; s && *s; s++) {
            unsigned char ch = (unsigned char)*s;
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || strchr("-_.~", ch))
                sb_putn(q, s, 1);
            else
                sb_printf(q, "%%%02X", ch);
        }
    }
    return MHD_YES;
}

static enum MHD_Result respond(struct MHD_Connection *c, http_resp *r)
{
    struct MHD_Response *resp = r->body ? MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE)
                                        : MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        http_resp_free(r);
        return MHD_NO;
    }
    r->body = NULL; /* now owned by the response */
    if (r->type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            r->document
                                ? "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"
                                : "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                  "frame-ancestors 'none'; base-uri 'none'");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, r->cacheable ? "max-age=60" : "no-store");
    if (r->www_auth)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, r->www_auth);
    if (r->cors) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
        MHD_add_response_header(resp, "Access-Control-Allow-Headers", "Authorization, Content-Type");
        MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    }
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    const http_ctx *ctx = cls;
    conn_state *st = *con_cls;
    if (!st) {
        st = calloc(1, sizeof *st);
        if (!st)
            return MHD_NO;
        sb_init(&st->body, HTTP_MAX_BODY);
        *con_cls = st;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && (strlen(cl) > 9 || strtoul(cl, NULL, 10) > HTTP_MAX_BODY)) {
            /* refuse before reading: MHD then closes the connection */
            http_resp r = {0};
            http_error(&r, 413, "the request body is larger than the 1 MiB limit");
            return respond(c, &r);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        /* A chunked body past the limit is read and dropped so that the client
         * gets its 413 at the end (libmicrohttpd 0.9 cannot answer mid-body);
         * one that goes on past DISCARD_LIMIT is cut off. */
        if (st->too_big)
            st->discarded += *upload_size;
        else {
            sb_putn(&st->body, upload, *upload_size);
            if (st->body.failed) {
                st->too_big = true;
                sb_free(&st->body);
            }
        }
        *upload_size = 0;
        return st->discarded > DISCARD_LIMIT ? MHD_NO : MHD_YES;
    }
    http_resp r = {0};
    if (st->too_big)
        http_error(&r, 413, "the request body is larger than the 1 MiB limit");
    else {
        sbuf q;
        sb_init(&q, 16 * 1024);
        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, &q);
        http_req req = {
            .method = method,
            .path = url,
            .query = q.failed ? NULL : q.p,
            .auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
            .host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST),
            .body = st->body.p ? st->body.p : "",
            .len = st->body.len,
        };
        http_handle(ctx, &req, &r);
        sb_free(&q);
    }
    return respond(c, &r);
}

int http_serve(const http_ctx *ctx, const char *bind_addr, int port, int threads)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG; /* epoll on Linux */
    if (strchr(bind_addr, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, bind_addr, &a6->sin6_addr) != 1) {
            fprintf(stderr, "gluteal: serve: --bind %s is not an IP address\n", bind_addr);
            return 2;
        }
        flags |= MHD_USE_IPv6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, bind_addr, &a4->sin_addr) != 1) {
            fprintf(stderr, "gluteal: serve: --bind %s is not an IP address\n", bind_addr);
            return 2;
        }
    }
    /* block the stop signals in every thread; this one waits for them */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    union {
        const http_ctx *c;
        void *v;
    } cls = {.c = ctx}; /* MHD passes it back untouched; handlers never write through it */
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, cls.v, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 0 ? threads : 4), MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)CONNECTION_LIMIT, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_LIMIT,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)HEADER_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "gluteal: serve: cannot listen on %s port %d (in use, or not allowed)\n", bind_addr, port);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    int actual = info ? info->port : port;
    fprintf(stderr, "gluteal: serving on http://%s%s%s:%d/ (Ctrl-C stops)\n", strchr(bind_addr, ':') ? "[" : "",
            bind_addr, strchr(bind_addr, ':') ? "]" : "", actual);
    fflush(stderr);
    sigdelset(&set, SIGPIPE);
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "gluteal: stopping (signal %d)\n", sig);
    MHD_stop_daemon(d);
    return 0;
}
