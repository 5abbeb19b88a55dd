/*
 * perm.c - a seeded Feistel permutation with cycle-walking, and exact sharding on top of it.
 *
 * Why a Feistel network rather than zmap's multiplicative group modulo a prime: it is a
 * bijection by construction for any round function, so correctness does not rest on finding a
 * prime above n and a primitive root of it (zmap keeps a table of them); any 64-bit seed is a
 * valid key; one construction serves every n from 1 to 2^64; and successive items are not tied
 * by a fixed relation, whereas in a cyclic group each item is the previous one times the same
 * generator. The cost is a few multiplications more per item, which is nothing next to a
 * connect().
 * The domain is the next power of two, 2^k >= n, split into halves of ceil(k/2) and floor(k/2)
 * bits; an output >= n is encrypted again ("cycle-walking") until it falls in [0, n). Because
 * 2^k < 2n, that takes fewer than two passes on average.
 */
#include "scan/perm.h"

#include "common/str.h"

#include <string.h>

/* splitmix64: expands the seed into round keys. */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The round function: a keyed 64-bit mix (the splitmix64 finaliser) of one half. */
static uint64_t round_fn(uint64_t half, uint64_t key)
{
	uint64_t z = (half ^ key) + 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int cs_perm_init(struct cs_perm *p, uint64_t n, uint64_t seed)
{
	unsigned k = 0;
	uint64_t state = seed;

	if (p == NULL)
		return CS_EINVAL;
	memset(p, 0, sizeof(*p));
	while (k < 64 && ((uint64_t)1 << k) < n)
		k++;
	p->n = n;
	p->lbits = (k + 1) / 2;
	p->rbits = k / 2;
	p->lmask = ((uint64_t)1 << p->lbits) - 1; /* lbits <= 32 */
	p->rmask = ((uint64_t)1 << p->rbits) - 1;
	for (unsigned i = 0; i < CS_PERM_ROUNDS; i++)
		p->key[i] = splitmix64(&state);
	return CS_OK;
}

/*
 * One pass over the 2^k domain. Each round XORs one half with a function of the other, which
 * is undone by the same XOR, so the pass is a bijection whatever the halves' sizes.
 */
static uint64_t encrypt(const struct cs_perm *p, uint64_t x)
{
	uint64_t l = (x >> p->rbits) & p->lmask, r = x & p->rmask;

	for (unsigned i = 0; i < CS_PERM_ROUNDS; i++) {
		if (i % 2 == 0)
			l ^= round_fn(r, p->key[i]) & p->lmask;
		else
			r ^= round_fn(l, p->key[i]) & p->rmask;
	}
	return l << p->rbits | r;
}

uint64_t cs_perm_at(const struct cs_perm *p, uint64_t i)
{
	uint64_t x = i;

	if (i >= p->n)
		return i;
	/* The cycle through i returns to i, which is < n, so this ends. */
	do
		x = encrypt(p, x);
	while (x >= p->n);
	return x;
}

uint64_t cs_perm_shard_count(uint64_t n, unsigned shard, unsigned nshards)
{
	uint64_t off = (uint64_t)shard - 1;

	if (shard < 1 || shard > nshards || n <= off)
		return 0;
	return (n - off - 1) / nshards + 1;
}

int cs_perm_iter_init(struct cs_perm_iter *it, const struct cs_perm *perm, unsigned shard,
		      unsigned nshards, uint64_t start_pos)
{
	uint64_t off = (uint64_t)shard - 1, first;

	memset(it, 0, sizeof(*it));
	it->done = true;
	if (perm == NULL || shard < 1 || shard > nshards)
		return CS_EINVAL;
	it->perm = perm;
	it->step = nshards;
	it->pos = perm->n;
	if (start_pos <= off) {
		first = off;
	} else {
		uint64_t rem = (start_pos - off) % nshards;
		first = start_pos + (rem != 0 ? nshards - rem : 0);
		if (first < start_pos) /* wrapped past 2^64 */
			return CS_OK;
	}
	it->done = first >= perm->n;
	it->pos = it->done ? perm->n : first;
	return CS_OK;
}

bool cs_perm_iter_next(struct cs_perm_iter *it, uint64_t *item, uint64_t *pos)
{
	if (it->done)
		return false;
	*item = cs_perm_at(it->perm, it->pos);
	if (pos != NULL)
		*pos = it->pos;
	if (it->perm->n - it->pos <= it->step) {
		it->done = true;
		it->pos = it->perm->n; /* everything is handed out */
	} else {
		it->pos += it->step;
	}
	return true;
}

int cs_shard_parse(const char *s, unsigned *shard, unsigned *nshards, struct cs_err *err)
{
	struct cs_sv text = cs_sv_cstr(s);
	const char *slash = s != NULL ? memchr(text.p, '/', text.n) : NULL;
	uint64_t i, n;

	if (slash == NULL)
		return cs_err_set(err, CS_EPARSE, "bad shard '%.40s': expected I/N, e.g. 2/4",
				  s != NULL ? s : "");
	struct cs_sv a = cs_sv_make(text.p, (size_t)(slash - text.p));
	struct cs_sv b = cs_sv_make(slash + 1, text.n - a.n - 1);
	if (cs_parse_u64(a, UINT64_MAX, &i) == CS_EPARSE ||
	    cs_parse_u64(b, UINT64_MAX, &n) == CS_EPARSE)
		return cs_err_set(err, CS_EPARSE, "bad shard '%.40s': expected I/N, e.g. 2/4", s);
	if (cs_parse_u64(a, CS_PERM_MAX_SHARDS, &i) != CS_OK ||
	    cs_parse_u64(b, CS_PERM_MAX_SHARDS, &n) != CS_OK || i < 1 || n < 1 || i > n)
		return cs_err_set(err, CS_EINVAL,
				  "bad shard '%.40s': need 1 <= I <= N <= %u (I is 1-based)", s,
				  CS_PERM_MAX_SHARDS);
	*shard = (unsigned)i;
	*nshards = (unsigned)n;
	return CS_OK;
}
