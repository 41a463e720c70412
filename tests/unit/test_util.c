/* test_util.c - helpers: bounded buffers, edit distance, TSV split, numbers. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "util/util.h"

void test_util(void);
void test_util(void)
{
    sbuf b;
    sb_init(&b, 16);
    sb_puts(&b, "0123456789");
    CHECK(!b.failed);
    sb_puts(&b, "0123456789"); /* passes the ceiling: refused, not truncated silently */
    CHECK(b.failed);
    CHECK(sb_take(&b) == NULL);

    CHECK(edit_distance("ex_slr", "ex_slr", 5) == 0);
    CHECK(edit_distance("ex_slrr", "ex_slr", 5) == 1);
    CHECK(edit_distance("abcdefgh", "zzzzzzzz", 3) == 3);

    char line[] = "a\tb\t\tc";
    char *f[8];
    CHECK(tsv_split(line, f, 8) == 4);
    CHECK(!strcmp(f[2], "") && !strcmp(f[3], "c"));

    double d;
    CHECK(parse_double("0.25", &d) && d == 0.25);
    CHECK(!parse_double("0.25x", &d));
    CHECK(!parse_double("", &d));
    CHECK(!parse_double("nan", &d));
}
