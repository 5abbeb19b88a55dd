/*
 * markers.h - search one body for many literal markers in a single pass.
 *
 * Page bodies are the largest thing identification reads, and dozens of rules look for a
 * literal string in them ("doc/page/login.asp", "@WebVersion@", ...). Running each rule over the
 * body would read it dozens of times; instead every marker is indexed by its first two bytes
 * (case-folded) in a 64 Kibit bitmap that fits in L1, the body is scanned once, and only the
 * positions whose two bytes start some marker are compared in full.
 */
#ifndef CS_MARKERS_H
#define CS_MARKERS_H

#include "common/str.h"

#include <stddef.h>

struct cs_marker_set;

struct cs_marker_set *cs_markers_new(void);
void cs_markers_free(struct cs_marker_set *m);
/* Add a marker (at least 2 bytes, matched case-insensitively) with an id returned on a hit. */
int cs_markers_add(struct cs_marker_set *m, struct cs_sv marker, int id);
/* Index the markers; call once after the last add, before any scan. */
int cs_markers_prepare(struct cs_marker_set *m);
/* Call hit(ctx, id) once for every marker present in text (each id at most once). */
void cs_markers_scan(const struct cs_marker_set *m, struct cs_sv text,
		     void (*hit)(void *ctx, int id), void *ctx);
size_t cs_markers_count(const struct cs_marker_set *m);

#endif
