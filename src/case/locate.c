/* locate.c - find the line of a key in JSON text that Jansson has already
 * accepted. Jansson reports positions only for syntax errors, but the case
 * format asks every error to name its line; this scanner only tracks strings,
 * nesting and keys, and never decides whether the text is valid. */
#include <stdbool.h>
#include <string.h>

#include "case.h"

/* Scan the string starting after the opening quote at t[i]; returns the index
 * of the closing quote (or n) and counts newlines inside (there are none in
 * valid JSON, but stay safe). */
static size_t skip_string(const char *t, size_t n, size_t i)
{
    while (i < n && t[i] != '"') {
        if (t[i] == '\\' && i + 1 < n)
            i++;
        i++;
    }
    return i;
}

static bool key_is(const char *t, size_t start, size_t end, const char *k)
{
    size_t l = strlen(k);
    return end - start == l && !memcmp(t + start, k, l);
}

int case_locate(const char *t, size_t n, const char *k1, const char *k2)
{
    int line = 1, depth = 0;
    bool in_object[64] = {false};
    bool under_k1 = false;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (c == '\n')
            line++;
        else if (c == '{' || c == '[') {
            if (depth < 63)
                in_object[++depth] = c == '{';
        } else if (c == '}' || c == ']') {
            if (depth > 0)
                depth--;
        } else if (c == '"') {
            size_t start = i + 1, end = skip_string(t, n, start);
            int at = line;
            size_t j = end + 1;
            while (j < n && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r' || t[j] == '\n'))
                line += t[j++] == '\n';
            bool is_key = j < n && t[j] == ':' && depth < 64 && in_object[depth];
            if (is_key && depth == 1) {
                under_k1 = key_is(t, start, end, k1);
                if (under_k1 && !k2)
                    return at;
            } else if (is_key && depth == 2 && under_k1 && k2 && key_is(t, start, end, k2))
                return at;
            i = j - 1;
        }
    }
    return 0;
}
