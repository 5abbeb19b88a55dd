/* markers.c - single-pass multi-literal search (see markers.h for the design). */
#include "ident/markers.h"

#include "common/err.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct marker {
	char *lower; /* folded copy */
	size_t n;
	int id;
	uint16_t key;
};

struct cs_marker_set {
	uint64_t bitmap[65536 / 64];
	struct marker *m; /* sorted by key after the first scan preparation */
	size_t n, cap;
	/* For each 16-bit key with markers: range [start, end) in m. Built lazily. */
	uint32_t *start;
	bool sorted;
};

static uint16_t key_of(unsigned char a, unsigned char b)
{
	return (uint16_t)(cs_lower(a) << 8 | cs_lower(b));
}

struct cs_marker_set *cs_markers_new(void)
{
	return calloc(1, sizeof(struct cs_marker_set));
}

void cs_markers_free(struct cs_marker_set *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->m[i].lower);
	free(s->m);
	free(s->start);
	free(s);
}

size_t cs_markers_count(const struct cs_marker_set *s)
{
	return s != NULL ? s->n : 0;
}

int cs_markers_add(struct cs_marker_set *s, struct cs_sv marker, int id)
{
	if (marker.n < 2)
		return CS_EINVAL;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct marker *m = realloc(s->m, cap * sizeof(*m));
		if (m == NULL)
			return CS_ENOMEM;
		s->m = m;
		s->cap = cap;
	}
	char *lower = malloc(marker.n);
	if (lower == NULL)
		return CS_ENOMEM;
	for (size_t i = 0; i < marker.n; i++)
		lower[i] = (char)cs_lower((unsigned char)marker.p[i]);
	struct marker *m = &s->m[s->n++];
	m->lower = lower;
	m->n = marker.n;
	m->id = id;
	m->key = key_of((unsigned char)lower[0], (unsigned char)lower[1]);
	s->bitmap[m->key >> 6] |= 1ull << (m->key & 63);
	s->sorted = false;
	return CS_OK;
}

static int cmp_marker(const void *a, const void *b)
{
	const struct marker *x = a, *y = b;
	return (int)x->key - (int)y->key;
}

int cs_markers_prepare(struct cs_marker_set *s)
{
	qsort(s->m, s->n, sizeof(*s->m), cmp_marker);
	free(s->start);
	s->start = calloc(65537, sizeof(uint32_t));
	if (s->start == NULL)
		return CS_ENOMEM;
	size_t j = 0;
	for (uint32_t k = 0; k <= 65536; k++) {
		s->start[k] = (uint32_t)j;
		while (k < 65536 && j < s->n && s->m[j].key == k)
			j++;
	}
	s->sorted = true;
	return CS_OK;
}

static bool match_at(const struct marker *m, const unsigned char *p, size_t left)
{
	if (m->n > left)
		return false;
	for (size_t i = 2; i < m->n; i++)
		if (cs_lower(p[i]) != (unsigned char)m->lower[i])
			return false;
	return true;
}

void cs_markers_scan(const struct cs_marker_set *cs, struct cs_sv text,
		     void (*hit)(void *ctx, int id), void *ctx)
{
	const struct cs_marker_set *s = cs;
	/* An unprepared set finds nothing rather than mutating shared state here. */
	if (s == NULL || s->n == 0 || text.n < 2 || !s->sorted || s->start == NULL)
		return;
	/* Each marker reports once; a small bitset over marker positions tracks that. */
	enum { SEEN_WORDS = 64 };
	uint64_t seen[SEEN_WORDS] = {0};
	const unsigned char *p = (const unsigned char *)text.p;
	size_t n = text.n;
	for (size_t i = 0; i + 1 < n; i++) {
		uint16_t k = key_of(p[i], p[i + 1]);
		if (!(s->bitmap[k >> 6] & (1ull << (k & 63))))
			continue;
		for (uint32_t j = s->start[k]; j < s->start[k + 1]; j++) {
			if (j < SEEN_WORDS * 64 && (seen[j >> 6] & (1ull << (j & 63))))
				continue;
			if (match_at(&s->m[j], p + i, n - i)) {
				if (j < SEEN_WORDS * 64)
					seen[j >> 6] |= 1ull << (j & 63);
				hit(ctx, s->m[j].id);
			}
		}
	}
}
