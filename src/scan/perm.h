/*
 * perm.h - the order in which a sweep visits its items: a seeded pseudo-random permutation of
 * [0, n) in O(1) memory, cut into exact shards that can be resumed from a saved position.
 *
 * The scanner numbers its work items 0..n-1 (for example address index times port count plus
 * port index, or just address indexes when every port of a host is probed together), then asks
 * for the item at position 0, 1, 2, ... of the permuted order. Consecutive positions land far
 * apart in item space, so no subnet is hammered, and the same seed and n always give the same
 * order, which is what makes sharding across machines and --resume exact. Design notes are in
 * docs/internals/targets.md.
 */
#ifndef CS_PERM_H
#define CS_PERM_H

#include "common/err.h"

#include <stdbool.h>
#include <stdint.h>

/* Feistel rounds (half-updates). Persisted orders depend on it: never change it silently. */
#define CS_PERM_ROUNDS 6

/* The most shards cs_shard_parse() accepts. */
#define CS_PERM_MAX_SHARDS 65536u

/* A keyed bijection on [0, n): plain data, no allocation, safe to copy and share read-only. */
struct cs_perm {
	uint64_t n;
	unsigned lbits, rbits; /* the Feistel halves: lbits + rbits = ceil(log2(n)) */
	uint64_t lmask, rmask;
	uint64_t key[CS_PERM_ROUNDS];
};

/* Set up the permutation of [0, n) for seed; n may be 0 (nothing to visit). CS_EINVAL: no p. */
int cs_perm_init(struct cs_perm *p, uint64_t n, uint64_t seed);

/*
 * The item at position i of the permuted order, for 0 <= i < n: a bijection on [0, n).
 * Costs CS_PERM_ROUNDS mixes per Feistel pass and fewer than two passes on average. An i
 * outside [0, n) (a caller bug) is returned unchanged.
 */
uint64_t cs_perm_at(const struct cs_perm *p, uint64_t i);

/*
 * Shard `shard` of `nshards` (1-based, as --shard I/N shows it) owns the positions i of the
 * permuted order with i % nshards == shard - 1. Returns how many of the positions [0, n) it
 * owns, or 0 when the shard is not valid. cs_perm_shard_count(pos, ...) is how many positions
 * before pos the shard owns, i.e. its progress when resuming at pos.
 */
uint64_t cs_perm_shard_count(uint64_t n, unsigned shard, unsigned nshards);

/*
 * Walks one shard's positions in ascending order. pos is a resume watermark at any moment:
 * every position of the shard before it has been handed out (and, once done, pos == n).
 */
struct cs_perm_iter {
	const struct cs_perm *perm; /* borrowed: must outlive the iterator */
	uint64_t pos;		    /* the next position to hand out; n when done */
	uint64_t step;		    /* nshards */
	bool done;
};

/*
 * Start walking shard `shard` of `nshards` at the first of its positions >= start_pos. Pass
 * start_pos = 0 for a fresh sweep; to resume, pass a position such that every position before
 * it is complete (the last completed position + 1 when work finishes in order). Positions are
 * global (the same numbering in every shard), so a saved position stays meaningful only for
 * the same seed, n and shard. CS_EINVAL unless 1 <= shard <= nshards.
 */
int cs_perm_iter_init(struct cs_perm_iter *it, const struct cs_perm *perm, unsigned shard,
		      unsigned nshards, uint64_t start_pos);

/* The next item and its position; false when the shard is exhausted. */
bool cs_perm_iter_next(struct cs_perm_iter *it, uint64_t *item, uint64_t *pos);

/*
 * Parse --shard "I/N" with 1 <= I <= N <= CS_PERM_MAX_SHARDS (decimal, no spaces).
 * CS_EPARSE for malformed text, CS_EINVAL for numbers out of range; err says which.
 */
int cs_shard_parse(const char *s, unsigned *shard, unsigned *nshards, struct cs_err *err);

#endif
