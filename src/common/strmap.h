/*
 * strmap.h - an open-addressing hash map from byte strings to ints, for the knowledge base.
 *
 * Keys are copied into the map's own storage. Built once at start-up, read on the hot path,
 * so lookups are a hash and (usually) one comparison.
 */
#ifndef CS_STRMAP_H
#define CS_STRMAP_H

#include "common/str.h"

#include <stddef.h>
#include <stdint.h>

struct cs_strmap_slot {
	char *key; /* NULL: empty */
	size_t keylen;
	uint64_t hash;
	int value;
};

struct cs_strmap {
	struct cs_strmap_slot *slots;
	size_t nslots; /* power of two */
	size_t count;
};

void cs_strmap_init(struct cs_strmap *m);
void cs_strmap_free(struct cs_strmap *m);
/* Insert or replace. */
int cs_strmap_put(struct cs_strmap *m, struct cs_sv key, int value);
/* Returns 1 and sets *value when found, else 0. */
int cs_strmap_get(const struct cs_strmap *m, struct cs_sv key, int *value);

uint64_t cs_hash64(const void *p, size_t n);

#endif
