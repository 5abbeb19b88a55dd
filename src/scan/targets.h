/*
 * targets.h - the IPv4 target space of `camsweep scan`: what the user asked for (addresses,
 * ranges, CIDR blocks, nmap octet ranges, -iL files) minus what they excluded (--exclude,
 * --exclude-file), held as a sorted list of disjoint address intervals with prefix sums.
 *
 * The scanner never walks the list in order: it draws positions from a permutation (perm.h) and
 * turns each into an address with cs_targets_at(), which is O(log n) in the number of intervals.
 * Nothing here resolves names or touches the network. The accepted formats and their limits are
 * described in docs/internals/targets.md.
 *
 * Every mutating call either succeeds completely or leaves the set exactly as it was, and
 * leaves it ready to query: the query functions take a const pointer and cannot fail.
 */
#ifndef CS_TARGETS_H
#define CS_TARGETS_H

#include "common/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The most separate intervals a list (targets, exclusions, or their difference) may hold. An
 * interval costs 20 bytes (it is kept in the added list and in the scanned list with its prefix
 * sum), so the cap bounds memory at about 80 MiB, and twice that while a change is built. A spec
 * such as `10.*.*.0,2,4,...,30` (1,048,576 intervals) fits; `10.*.*.0,2,...,254` (8,388,608)
 * does not.
 */
#define CS_TARGETS_MAX_RANGES ((size_t)1 << 22)

/* The longest line cs_targets_add_file() and cs_targets_exclude_file() accept. */
#define CS_TARGETS_MAX_LINE 65536

/* Room for a dotted quad and its NUL. */
#define CS_IPV4_STRLEN 16

/* An inclusive interval of IPv4 addresses in host byte order. */
struct cs_ipv4_range {
	uint32_t lo, hi;
};

struct cs_targets {
	/* Every list below is sorted, disjoint and non-adjacent (touching intervals are merged). */
	struct cs_ipv4_range *inc; /* the union of everything added */
	size_t ninc;
	struct cs_ipv4_range *exc; /* the union of everything excluded */
	size_t nexc;
	struct cs_ipv4_range *r; /* inc minus exc: the addresses to scan */
	size_t nr;
	/* before[i]: addresses in r[0..i), below 2^32 because r[i] is not empty. */
	uint32_t *before;
	uint64_t count; /* addresses in r, at most 2^32 */
};

/* An empty set. A zeroed struct is also a valid empty set. */
void cs_targets_init(struct cs_targets *t);
/* Frees everything and leaves t empty; no-op on NULL or an already freed set. */
void cs_targets_free(struct cs_targets *t);

/*
 * Add one command-line argument: one or more specs separated by whitespace or commas, e.g.
 * "192.0.2.1", "192.0.2.0/24", "192.0.2.10-20", "192.0.2.250-192.0.3.5", "192.0.2-3.1,3,5-7",
 * "10.*.*.1". Host names and IPv6 are refused. On any malformed spec nothing is added and
 * err says which text was wrong (CS_EPARSE); an argument with no spec at all is CS_EPARSE too.
 * CS_ETOOBIG past CS_TARGETS_MAX_RANGES intervals; CS_ENOMEM if allocation fails.
 */
int cs_targets_add(struct cs_targets *t, const char *spec, struct cs_err *err);

/*
 * Add every spec in a file (-iL; "-" reads stdin): any number of specs per line separated by
 * whitespace or commas, '#' starts a comment, blank lines are ignored. Errors name the file and
 * line; on any error nothing from the file is added. An empty file adds nothing and succeeds.
 * CS_EIO if the file cannot be read, CS_ETOOBIG for a line over CS_TARGETS_MAX_LINE bytes.
 */
int cs_targets_add_file(struct cs_targets *t, const char *path, struct cs_err *err);

/*
 * Exclude the specs in one argument (--exclude: same grammar as cs_targets_add) or a file
 * (--exclude-file: same grammar as cs_targets_add_file). Exclusions apply to everything added
 * before or after them. Excluding everything is not an error; count becomes 0.
 */
int cs_targets_exclude(struct cs_targets *t, const char *spec, struct cs_err *err);
int cs_targets_exclude_file(struct cs_targets *t, const char *path, struct cs_err *err);

/* How many addresses will be scanned (0 to 2^32). */
uint64_t cs_targets_count(const struct cs_targets *t);

/*
 * The index-th address to scan in ascending order, 0 <= index < cs_targets_count(t);
 * O(log n). Returns 0 for an index out of range (a caller bug: check the count first).
 */
uint32_t cs_targets_at(const struct cs_targets *t, uint64_t index);

/* Whether addr (host byte order) will be scanned; O(log n). */
bool cs_targets_contains(const struct cs_targets *t, uint32_t addr);

/* The intervals that will be scanned, ascending: valid until the next modifying call. */
size_t cs_targets_nranges(const struct cs_targets *t);
struct cs_ipv4_range cs_targets_range(const struct cs_targets *t, size_t i);

/*
 * Whether addr is public address space: not in 0/8, 10/8, 100.64/10, 127/8, 169.254/16,
 * 172.16/12, 192.168/16, 224/4, 240/4, nor the documentation nets 192.0.2/24, 198.51.100/24 and
 * 203.0.113/24. The scanner demands --yes before sweeping more than CS_TARGETS_PUBLIC_LIMIT
 * public addresses.
 */
bool cs_targets_is_public(uint32_t addr);
#define CS_TARGETS_PUBLIC_LIMIT ((uint64_t)65536)

/* How many of the addresses to scan are public (cs_targets_is_public); O(log n). */
uint64_t cs_targets_public_count(const struct cs_targets *t);

/* Write addr as a dotted quad into out (at least CS_IPV4_STRLEN bytes); returns out. */
char *cs_ipv4_format(uint32_t addr, char *out);

#endif
