/* render.h - output of a result (library-internal helpers). */
#ifndef GL_RENDER_H
#define GL_RENDER_H

#include <jansson.h>

#include "gluteal.h"

/* The result as a Jansson object (caller decrefs); the HTTP service embeds it. */
json_t *render_result_object(const gl_result *r);

#endif
