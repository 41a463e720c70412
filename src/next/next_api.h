/* next_api.h - the gl_next object (library-internal), shared with render. */
#ifndef GL_NEXT_API_H
#define GL_NEXT_API_H

#include "next.h"

struct gl_next {
    const gl_kb *kb;
    next_list list;
};

/* One question's explanation in a sentence or two (render_next.c); free(). */
char *next_item_text(const gl_kb *kb, const next_item *it);

#endif
