/* strmap.c - string-to-int hash map with linear probing (see strmap.h). */
#include "common/strmap.h"

#include "common/err.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

uint64_t cs_hash64(const void *p, size_t n)
{
	/* Eight bytes per step, then a murmur3-style finaliser: every observation is hashed once
	 * for de-duplication, so this is on the hot path. Not for adversarial hash-flooding
	 * resistance: tables here are bounded and probe counts capped by their callers. */
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = mix(h ^ w) + 0x9e3779b97f4a7c15ull;
		s += 8;
		n -= 8;
	}
	uint64_t w = 0;
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)s[i] << (8 * i);
	return mix(h ^ w);
}

void cs_strmap_init(struct cs_strmap *m)
{
	m->slots = NULL;
	m->nslots = 0;
	m->count = 0;
}

void cs_strmap_free(struct cs_strmap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nslots; i++)
		free(m->slots[i].key);
	free(m->slots);
	cs_strmap_init(m);
}

static struct cs_strmap_slot *find_slot(struct cs_strmap_slot *slots, size_t nslots,
					struct cs_sv key, uint64_t h)
{
	size_t i = (size_t)h & (nslots - 1);
	for (;;) {
		struct cs_strmap_slot *s = &slots[i];
		if (s->key == NULL ||
		    (s->hash == h && s->keylen == key.n && memcmp(s->key, key.p, key.n) == 0))
			return s;
		i = (i + 1) & (nslots - 1);
	}
}

static int grow(struct cs_strmap *m)
{
	size_t n = m->nslots ? m->nslots * 2 : 64;
	struct cs_strmap_slot *slots = calloc(n, sizeof(*slots));
	if (slots == NULL)
		return CS_ENOMEM;
	for (size_t i = 0; i < m->nslots; i++) {
		struct cs_strmap_slot *old = &m->slots[i];
		if (old->key == NULL)
			continue;
		*find_slot(slots, n, cs_sv_make(old->key, old->keylen), old->hash) = *old;
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = n;
	return CS_OK;
}

int cs_strmap_put(struct cs_strmap *m, struct cs_sv key, int value)
{
	if ((m->count + 1) * 2 > m->nslots) {
		int r = grow(m);
		if (r != CS_OK)
			return r;
	}
	uint64_t h = cs_hash64(key.p, key.n);
	struct cs_strmap_slot *s = find_slot(m->slots, m->nslots, key, h);
	if (s->key == NULL) {
		if ((s->key = cs_sv_dup(key)) == NULL)
			return CS_ENOMEM;
		s->keylen = key.n;
		s->hash = h;
		m->count++;
	}
	s->value = value;
	return CS_OK;
}

int cs_strmap_get(const struct cs_strmap *m, struct cs_sv key, int *value)
{
	if (m->nslots == 0)
		return 0;
	uint64_t h = cs_hash64(key.p, key.n);
	struct cs_strmap_slot *s = find_slot(m->slots, m->nslots, key, h);
	if (s->key == NULL)
		return 0;
	*value = s->value;
	return 1;
}
