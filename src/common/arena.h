/*
 * arena.h - a bump allocator for everything that lives as long as one identification.
 *
 * Identifying a device creates many small strings (derived values, evidence text). They all die
 * together, so they come from an arena that is reset between devices: no per-string free, no
 * leaks on error paths, and no allocator traffic on the hot path once the arena has grown.
 * The arena has a cap like every other buffer; allocation past it returns NULL.
 */
#ifndef CS_ARENA_H
#define CS_ARENA_H

#include "common/str.h"

#include <stddef.h>

struct cs_arena_block;

struct cs_arena {
	struct cs_arena_block *head;  /* block being filled */
	struct cs_arena_block *spare; /* blocks kept for reuse after a reset */
	size_t used_total;
	size_t cap;
};

void cs_arena_init(struct cs_arena *a, size_t cap);
void cs_arena_free(struct cs_arena *a);
void cs_arena_reset(struct cs_arena *a); /* frees nothing; makes all memory reusable */
void *cs_arena_alloc(struct cs_arena *a, size_t n);
/* NUL-terminated copy of s; NULL when over the cap. Valid until the next reset. */
char *cs_arena_strdup(struct cs_arena *a, struct cs_sv s);
/* Concatenate n views into one NUL-terminated arena string (no printf on the hot path). */
char *cs_arena_join(struct cs_arena *a, const struct cs_sv *parts, size_t n);
char *cs_arena_printf(struct cs_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
