/* arena.c - bump allocation in chained blocks, reset per identification. */
#include "common/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cs_arena_block {
	struct cs_arena_block *next;
	size_t size;
	size_t used;
	max_align_t data[]; /* aligned storage */
};

enum { BLOCK_MIN = 16 * 1024 };

void cs_arena_init(struct cs_arena *a, size_t cap)
{
	a->head = NULL;
	a->spare = NULL;
	a->used_total = 0;
	a->cap = cap;
}

static void free_chain(struct cs_arena_block *b)
{
	while (b != NULL) {
		struct cs_arena_block *next = b->next;
		free(b);
		b = next;
	}
}

void cs_arena_free(struct cs_arena *a)
{
	if (a == NULL)
		return;
	free_chain(a->head);
	free_chain(a->spare);
	a->head = a->spare = NULL;
	a->used_total = 0;
}

void cs_arena_reset(struct cs_arena *a)
{
	/* Move every block to the spare list; the largest-first order does not matter. */
	while (a->head != NULL) {
		struct cs_arena_block *b = a->head;
		a->head = b->next;
		b->used = 0;
		b->next = a->spare;
		a->spare = b;
	}
	a->used_total = 0;
}

void *cs_arena_alloc(struct cs_arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	if (n > a->cap || a->used_total > a->cap - n)
		return NULL;
	struct cs_arena_block *b = a->head;
	if (b == NULL || b->size - b->used < n) {
		/* Reuse a spare block that is large enough, else allocate one. */
		struct cs_arena_block **pp = &a->spare;
		while (*pp != NULL && (*pp)->size < n)
			pp = &(*pp)->next;
		if (*pp != NULL) {
			b = *pp;
			*pp = b->next;
		} else {
			size_t size = n > BLOCK_MIN ? n : BLOCK_MIN;
			b = malloc(sizeof(*b) + size);
			if (b == NULL)
				return NULL;
			b->size = size;
		}
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	a->used_total += n;
	return p;
}

char *cs_arena_strdup(struct cs_arena *a, struct cs_sv s)
{
	char *d = cs_arena_alloc(a, s.n + 1);
	if (d == NULL)
		return NULL;
	if (s.n > 0)
		memcpy(d, s.p, s.n);
	d[s.n] = '\0';
	return d;
}

char *cs_arena_printf(struct cs_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *d = cs_arena_alloc(a, (size_t)n + 1);
	if (d == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

char *cs_arena_join(struct cs_arena *a, const struct cs_sv *parts, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += parts[i].n;
	char *d = cs_arena_alloc(a, total + 1);
	if (d == NULL)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (parts[i].n > 0)
			memcpy(d + o, parts[i].p, parts[i].n);
		o += parts[i].n;
	}
	d[o] = '\0';
	return d;
}
