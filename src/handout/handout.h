/* handout.h - the printable patient handout (library-internal helpers). */
#ifndef GL_HANDOUT_H
#define GL_HANDOUT_H

#include "util/util.h"

/* Append the inline SVG drawing of starting position `name` (nothing if unknown). */
void handout_diagram(sbuf *b, const char *name);

#endif
