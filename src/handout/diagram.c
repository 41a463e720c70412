/* diagram.c - small inline SVG stick figures for the handout's exercises, one
 * per starting position (kb/plan/exercises.tsv `diagram`). A pose is data:
 * head position plus line segments (body, props such as a chair, and a
 * movement arrow), so adding a pose is adding a row. No external resources. */
#include <string.h>

#include "handout/handout.h"
#include "plan/plan.h"

enum { BODY, PROP, MOVE };

typedef struct seg {
    short x1, y1, x2, y2;
    char kind;
} seg;

typedef struct pose {
    const char *name, *label;
    short hx, hy;
    seg s[12];
} pose;

/* Coordinates in a 120 x 80 box; the floor is y = 72. A MOVE segment is drawn as an arrow
 * from (x1,y1) to (x2,y2). Unused segments are all zero. */
static const pose poses[] = {
    {"lunge_kneel", "Kneeling lunge position", 58, 12,
     {{58, 18, 60, 44, BODY}, {60, 44, 36, 46, BODY}, {36, 46, 36, 71, BODY}, {60, 44, 72, 70, BODY},
      {72, 70, 96, 71, BODY}, {58, 24, 40, 44, BODY}, {84, 30, 68, 30, MOVE}}},
    {"bridge", "Lying on your back, hips lifted", 12, 65,
     {{17, 68, 52, 47, BODY}, {52, 47, 76, 42, BODY}, {76, 42, 82, 71, BODY}, {17, 69, 40, 71, BODY},
      {52, 66, 52, 54, MOVE}}},
    {"sidelying", "Lying on your side", 12, 57,
     {{17, 60, 55, 60, BODY}, {55, 59, 100, 49, BODY}, {55, 61, 75, 70, BODY}, {75, 70, 98, 70, BODY},
      {22, 57, 45, 56, BODY}, {104, 62, 104, 48, MOVE}}},
    {"quadruped", "On hands and knees", 16, 39,
     {{22, 44, 68, 44, BODY}, {24, 44, 24, 71, BODY}, {68, 44, 68, 71, BODY}, {68, 71, 95, 71, BODY},
      {82, 58, 82, 46, MOVE}}},
    {"stand", "Standing", 60, 10,
     {{60, 16, 60, 44, BODY}, {60, 44, 54, 71, BODY}, {60, 44, 66, 71, BODY}, {60, 22, 50, 40, BODY},
      {60, 22, 70, 40, BODY}}},
    {"stand_one_leg", "Standing on one leg, holding a counter", 55, 10,
     {{55, 16, 55, 44, BODY}, {55, 44, 55, 71, BODY}, {55, 44, 58, 58, BODY}, {58, 58, 45, 61, BODY},
      {55, 22, 82, 32, BODY}, {55, 22, 46, 38, BODY}, {80, 32, 104, 32, PROP}, {100, 32, 100, 72, PROP}}},
    {"squat", "Squatting towards a chair", 44, 17,
     {{47, 23, 64, 46, BODY}, {64, 46, 44, 52, BODY}, {44, 52, 48, 71, BODY}, {48, 28, 26, 34, BODY},
      {68, 52, 94, 52, PROP}, {70, 52, 70, 72, PROP}, {92, 52, 92, 72, PROP}, {94, 52, 94, 26, PROP}}},
    {"prone", "Lying on your front", 12, 63,
     {{17, 66, 60, 66, BODY}, {60, 66, 104, 66, BODY}, {14, 70, 32, 70, BODY}, {96, 62, 96, 50, MOVE}}},
    {"plank", "Forearm plank", 14, 39,
     {{22, 46, 106, 68, BODY}, {22, 46, 22, 71, BODY}, {22, 71, 40, 71, BODY}}},
    {"supine", "Lying on your back", 12, 63,
     {{17, 66, 60, 66, BODY}, {60, 66, 104, 66, BODY}, {20, 67, 45, 69, BODY}}},
    {"supine_knees", "Lying on your back, knees to chest", 12, 63,
     {{17, 66, 55, 66, BODY}, {55, 66, 45, 42, BODY}, {45, 42, 66, 36, BODY}, {22, 64, 44, 46, BODY}}},
    {"supine_cross", "Lying on your back, one ankle crossed over the other knee", 12, 63,
     {{17, 66, 55, 66, BODY}, {55, 66, 62, 42, BODY}, {62, 42, 84, 46, BODY}, {55, 64, 78, 54, BODY},
      {78, 54, 60, 44, BODY}, {22, 64, 56, 48, BODY}}},
    {"seated", "Sitting on a chair", 40, 10,
     {{40, 16, 40, 46, BODY}, {40, 46, 68, 46, BODY}, {68, 46, 68, 71, BODY}, {40, 22, 52, 40, BODY},
      {30, 49, 62, 49, PROP}, {32, 49, 32, 72, PROP}, {60, 49, 60, 72, PROP}, {30, 49, 30, 18, PROP},
      {74, 38, 96, 38, MOVE}}},
    {"stand_step", "Standing, stepping sideways", 60, 10,
     {{60, 16, 60, 44, BODY}, {60, 44, 50, 71, BODY}, {60, 44, 70, 71, BODY}, {60, 22, 50, 40, BODY},
      {60, 22, 70, 40, BODY}, {82, 56, 104, 56, MOVE}}},
    {"stand_wall", "Standing on one leg, pressing the other knee into a wall", 52, 10,
     {{52, 16, 52, 44, BODY}, {52, 44, 50, 71, BODY}, {52, 44, 68, 54, BODY}, {68, 54, 64, 68, BODY},
      {52, 22, 42, 40, BODY}, {52, 22, 62, 38, BODY}, {76, 6, 76, 74, PROP}, {72, 50, 72, 58, PROP},
      {56, 58, 66, 58, MOVE}}},
    {"supine_band", "Lying on your back, seen from above, belt around the thighs", 14, 40,
     {{20, 40, 58, 40, BODY}, {58, 38, 104, 30, BODY}, {58, 42, 104, 50, BODY}, {26, 38, 46, 30, BODY},
      {26, 42, 46, 50, BODY}, {80, 32, 80, 48, PROP}, {88, 28, 88, 16, MOVE}, {88, 52, 88, 64, MOVE}}},
    {"supine_heel", "Lying on your back, heel resting on a step", 12, 63,
     {{17, 66, 55, 66, BODY}, {55, 66, 78, 50, BODY}, {78, 50, 98, 56, BODY}, {22, 67, 45, 69, BODY},
      {90, 59, 112, 59, PROP}, {92, 59, 92, 72, PROP}, {110, 59, 110, 72, PROP}, {100, 42, 100, 52, MOVE}}},
    {"walk", "Walking", 56, 10,
     {{56, 16, 54, 44, BODY}, {54, 44, 42, 71, BODY}, {54, 44, 68, 70, BODY}, {56, 22, 46, 38, BODY},
      {56, 22, 66, 36, BODY}, {76, 40, 100, 40, MOVE}}},
};

static const pose *find_pose(const char *name)
{
    for (size_t i = 0; i < sizeof poses / sizeof *poses; i++)
        if (!strcmp(poses[i].name, name))
            return &poses[i];
    return NULL;
}

bool plan_diagram_known(const char *name) { return find_pose(name) != NULL; }

static void arrow(sbuf *b, const seg *s)
{
    /* a short arrowhead: two strokes back from the tip, along the axis (axis-aligned arrows only) */
    int dx = s->x2 > s->x1 ? -4 : s->x2 < s->x1 ? 4 : 0, dy = s->y2 > s->y1 ? -4 : s->y2 < s->y1 ? 4 : 0;
    sb_printf(b, "<path class=\"mv\" d=\"M%d %dL%d %dM%d %dL%d %dL%d %d\"/>", s->x1, s->y1, s->x2, s->y2,
              s->x2 + dx + (dy ? -3 : 0), s->y2 + dy + (dx ? -3 : 0), s->x2, s->y2, s->x2 + dx + (dy ? 3 : 0),
              s->y2 + dy + (dx ? 3 : 0));
}

void handout_diagram(sbuf *b, const char *name)
{
    const pose *p = find_pose(name);
    if (!p)
        return;
    sb_printf(b, "<svg class=\"fig\" viewBox=\"0 0 120 80\" role=\"img\" aria-label=\"%s\">", p->label);
    if (!strstr(p->label, "seen from above"))
        sb_puts(b, "<line class=\"floor\" x1=\"2\" y1=\"74\" x2=\"118\" y2=\"74\"/>");
    for (size_t i = 0; i < sizeof p->s / sizeof *p->s; i++) {
        const seg *s = &p->s[i];
        if (!s->x1 && !s->y1 && !s->x2 && !s->y2)
            break;
        if (s->kind == MOVE)
            arrow(b, s);
        else
            sb_printf(b, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", s->kind == BODY ? "bd" : "pr",
                      s->x1, s->y1, s->x2, s->y2);
    }
    sb_printf(b, "<circle class=\"hd\" cx=\"%d\" cy=\"%d\" r=\"5.5\"/></svg>", p->hx, p->hy);
}
