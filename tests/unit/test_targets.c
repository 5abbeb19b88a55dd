/*
 * test_targets.c - the scan target space (every spec form, exclusions, -iL files, counts,
 * indexing, public-space counting) and the sweep order (permutation, shards, resume).
 *
 * Every address in the data is a documentation net (192.0.2/24, 198.51.100/24, 203.0.113/24)
 * or private space. The only exceptions are the whole space 0.0.0.0/0 for counting, and the
 * neighbours of reserved blocks, computed as "first address of the block - 1", which are only
 * passed to the pure function cs_targets_is_public(). Nothing here touches the network.
 */
#include "common/buf.h"
#include "common/err.h"
#include "scan/perm.h"
#include "scan/targets.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static uint32_t A(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

/* Count of one argument, or UINT64_MAX when it is refused. */
static uint64_t count_of(const char *spec)
{
	struct cs_targets t;
	struct cs_err err = {0};
	uint64_t n = UINT64_MAX;

	cs_targets_init(&t);
	if (cs_targets_add(&t, spec, &err) == CS_OK)
		n = cs_targets_count(&t);
	cs_targets_free(&t);
	return n;
}

/* The list is sorted, disjoint, non-adjacent, and its sizes add up to the count. */
static bool well_formed(const struct cs_targets *t)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < cs_targets_nranges(t); i++) {
		struct cs_ipv4_range r = cs_targets_range(t, i);
		if (r.lo > r.hi)
			return false;
		if (i > 0 && cs_targets_range(t, i - 1).hi + 1 >= r.lo)
			return false;
		sum += (uint64_t)(r.hi - r.lo) + 1;
	}
	return sum == cs_targets_count(t);
}

/* Write text to a fresh temporary file; path gets its name (caller unlinks). */
static bool write_temp(char *path, size_t cap, const char *text)
{
	snprintf(path, cap, "/tmp/cs-test-targets-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		return false;
	size_t n = strlen(text);
	bool ok = write(fd, text, n) == (ssize_t)n;
	close(fd);
	return ok;
}

TEST(targets_single_cidr_and_ranges)
{
	struct cs_targets t;
	struct cs_err err = {0};

	CHECK_INT(count_of("192.0.2.1"), 1);
	CHECK_INT(count_of("192.0.2.0/24"), 256);
	CHECK_INT(count_of("192.0.2.0/32"), 1);
	CHECK_INT(count_of("192.0.2.0/31"), 2);
	CHECK_INT(count_of("10.0.0.0/8"), 1 << 24);
	CHECK_INT(count_of("0.0.0.0/0"), (int64_t)1 << 32);
	CHECK_INT(count_of("192.0.2.10-20"), 11);
	CHECK_INT(count_of("192.0.2.5-192.0.2.5"), 1);
	CHECK_INT(count_of("10.0.2.250-10.0.3.5"), 12);
	CHECK_INT(count_of("10.0.255.255-10.1.0.0"), 2);

	/* Host bits are ignored, as nmap does: 192.0.2.77/24 is 192.0.2.0/24. */
	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t, "192.0.2.77/24", &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 256);
	CHECK_INT(cs_targets_at(&t, 0), A(192, 0, 2, 0));
	CHECK_INT(cs_targets_at(&t, 255), A(192, 0, 2, 255));
	CHECK_INT(cs_targets_at(&t, 256), 0); /* out of range */
	CHECK(cs_targets_contains(&t, A(192, 0, 2, 77)));
	CHECK(!cs_targets_contains(&t, A(192, 0, 3, 0)));
	CHECK(!cs_targets_contains(&t, A(192, 0, 1, 255)));
	cs_targets_free(&t);

	/* The whole space: the last index is the last address. */
	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t, "0.0.0.0/0", &err), CS_OK);
	CHECK_INT(cs_targets_at(&t, 0xffffffffu), 0xffffffffu);
	CHECK(cs_targets_contains(&t, 0xffffffffu));
	CHECK_INT(cs_targets_nranges(&t), 1);
	cs_targets_free(&t);

	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t, "10.0.2.250-10.0.3.5", &err), CS_OK);
	CHECK_INT(cs_targets_at(&t, 0), A(10, 0, 2, 250));
	CHECK_INT(cs_targets_at(&t, 6), A(10, 0, 3, 0));
	CHECK_INT(cs_targets_at(&t, 11), A(10, 0, 3, 5));
	cs_targets_free(&t);
	cs_targets_free(&t); /* twice is safe */
	cs_targets_free(NULL);
}

TEST(targets_nmap_octet_ranges)
{
	struct cs_targets t;
	struct cs_err err = {0};
	char ip[CS_IPV4_STRLEN];

	CHECK_INT(count_of("10.0.2-3.1-5"), 10);
	CHECK_INT(count_of("192.168.1.1,3,5-7"), 5);
	CHECK_INT(count_of("192.168.1,3.1"), 2);
	CHECK_INT(count_of("192.168.1.*"), 256);
	CHECK_INT(count_of("192.168.1.-"), 256);
	CHECK_INT(count_of("192.168.1.250-"), 6);
	CHECK_INT(count_of("192.168.1.-3"), 4);
	CHECK_INT(count_of("10.*.*.*"), 1 << 24);
	CHECK_INT(count_of("*.*.*.*"), (int64_t)1 << 32);
	CHECK_INT(count_of("10.0-1,5.*.1,2"), 3 * 256 * 2);
	CHECK_INT(count_of("192.168.1.1,1,1-2"), 2); /* overlaps inside an octet list */

	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t, "10.0.2-3.1-5", &err), CS_OK);
	static const char *want[] = {"10.0.2.1", "10.0.2.2", "10.0.2.3", "10.0.2.4", "10.0.2.5",
				     "10.0.3.1", "10.0.3.2", "10.0.3.3", "10.0.3.4", "10.0.3.5"};
	for (size_t i = 0; i < CS_ARRAY_SIZE(want); i++)
		CHECK_STR(cs_ipv4_format(cs_targets_at(&t, i), ip), want[i]);
	CHECK_INT(cs_targets_nranges(&t), 2);
	cs_targets_free(&t);

	/* Full trailing octets merge: one interval, not 512. */
	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t, "192.168.0-1.*", &err), CS_OK);
	CHECK_INT(cs_targets_nranges(&t), 1);
	CHECK_INT(cs_targets_count(&t), 512);
	cs_targets_free(&t);

	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t, "10.0.*.1", &err), CS_OK);
	CHECK_INT(cs_targets_nranges(&t), 256);
	CHECK_INT(cs_targets_at(&t, 7), A(10, 0, 7, 1));
	CHECK(well_formed(&t));
	cs_targets_free(&t);
}

TEST(targets_lists_in_one_argument)
{
	struct cs_targets t;
	struct cs_err err = {0};

	CHECK_INT(count_of("192.0.2.1 192.0.2.2,192.0.2.3\t198.51.100.0/30\n"), 7);
	CHECK_INT(count_of("192.0.2.1,3 192.0.2.9"), 3); /* ",3" continues the last octet */
	CHECK_INT(count_of("192.0.2.1,192.0.2.9"), 2);
	CHECK_INT(count_of("192.0.2.1, 192.0.2.9"), 2);
	CHECK_INT(count_of("192.0.2.1,5-7,203.0.113.0/31"), 6);
	CHECK_INT(count_of("192.0.2.0/24,3"), UINT64_MAX); /* "3" alone is not a spec */
	CHECK_INT(count_of(" ,192.0.2.1,, "), 1);

	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t, "203.0.113.9 192.0.2.1 198.51.100.4", &err), CS_OK);
	CHECK_INT(cs_targets_at(&t, 0), A(192, 0, 2, 1));
	CHECK_INT(cs_targets_at(&t, 1), A(198, 51, 100, 4));
	CHECK_INT(cs_targets_at(&t, 2), A(203, 0, 113, 9));
	cs_targets_free(&t);
}

TEST(targets_overlaps_are_merged)
{
	struct cs_targets t;
	struct cs_err err = {0};

	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t, "192.0.2.0/25", &err), CS_OK);
	CHECK_INT(cs_targets_add(&t, "192.0.2.64-192.0.2.200 192.0.2.201", &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 202);
	CHECK_INT(cs_targets_nranges(&t), 1);
	CHECK_INT(cs_targets_add(&t, "192.0.2.0/24", &err), CS_OK);
	CHECK_INT(cs_targets_add(&t, "192.0.2.0/24", &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 256);
	CHECK_INT(cs_targets_nranges(&t), 1);
	/* Adjacent blocks touch and merge; a gap keeps them apart. */
	CHECK_INT(cs_targets_add(&t, "192.0.3.0/24 192.0.5.0/24", &err), CS_OK);
	CHECK_INT(cs_targets_nranges(&t), 2);
	CHECK_INT(cs_targets_count(&t), 768);
	CHECK(well_formed(&t));
	cs_targets_free(&t);
}

TEST(targets_exclusions)
{
	struct cs_targets t;
	struct cs_err err = {0};

	/* Excluding everything leaves nothing, and that is not an error. */
	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t, "192.0.2.0/24", &err), CS_OK);
	CHECK_INT(cs_targets_exclude(&t, "192.0.2.0/24", &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 0);
	CHECK_INT(cs_targets_nranges(&t), 0);
	CHECK(!cs_targets_contains(&t, A(192, 0, 2, 1)));
	CHECK_INT(cs_targets_at(&t, 0), 0);
	CHECK_INT(cs_targets_public_count(&t), 0);
	/* Adding more afterwards still honours the exclusion. */
	CHECK_INT(cs_targets_add(&t, "192.0.2.0/23", &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 256);
	CHECK_INT(cs_targets_at(&t, 0), A(192, 0, 3, 0));
	cs_targets_free(&t);

	/* A middle chunk splits the block in two. */
	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t, "10.0.0.0/24", &err), CS_OK);
	CHECK_INT(cs_targets_exclude(&t, "10.0.0.100-10.0.0.149", &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 206);
	CHECK_INT(cs_targets_nranges(&t), 2);
	CHECK_INT(cs_targets_at(&t, 99), A(10, 0, 0, 99));
	CHECK_INT(cs_targets_at(&t, 100), A(10, 0, 0, 150));
	CHECK_INT(cs_targets_at(&t, 205), A(10, 0, 0, 255));
	CHECK(!cs_targets_contains(&t, A(10, 0, 0, 120)));
	/* Comma lists, octet lists, and exclusions outside the targets. */
	CHECK_INT(cs_targets_exclude(&t, "10.0.0.1,10.0.0.5,172.16.0.0/12", &err), CS_OK);
	CHECK_INT(cs_targets_exclude(&t, "10.0.0.7,8", &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 202);
	/* One exclusion spanning both pieces and the gap. */
	CHECK_INT(cs_targets_exclude(&t, "10.0.0.90-10.0.0.160", &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 202 - 10 - 11);
	CHECK(well_formed(&t));
	cs_targets_free(&t);

	/* Exclusions given first apply to targets added later. */
	cs_targets_init(&t);
	CHECK_INT(cs_targets_exclude(&t, "192.168.1.0/24", &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 0);
	CHECK_INT(cs_targets_add(&t, "192.168.0.0/22", &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 768);
	CHECK(!cs_targets_contains(&t, A(192, 168, 1, 1)));
	CHECK_INT(cs_targets_at(&t, 256), A(192, 168, 2, 0));
	/* A refused exclusion changes nothing. */
	CHECK_INT(cs_targets_exclude(&t, "192.168.2.0/24 nonsense", &err), CS_EPARSE);
	CHECK(strstr(err.msg, "exclusion") != NULL);
	CHECK_INT(cs_targets_count(&t), 768);
	CHECK_INT(cs_targets_exclude(&t, "", &err), CS_EPARSE);
	cs_targets_free(&t);
}

TEST(targets_input_and_exclude_files)
{
	struct cs_targets t;
	struct cs_err err = {0};
	char path[64], xpath[64];

	REQUIRE(write_temp(path, sizeof(path),
			   "# cameras on the lab network\n"
			   "\n"
			   "192.0.2.1 192.0.2.2   # two hosts\n"
			   "198.51.100.0/29,203.0.113.5\r\n"
			   "   \t\n"
			   "10.0.0.1-3\n"
			   "10.0.1.1,3")); /* no final newline */
	REQUIRE(write_temp(xpath, sizeof(xpath),
			   "# do not touch\n"
			   "198.51.100.0/30\n"
			   "10.0.0.2 # the NVR\n"));
	cs_targets_init(&t);
	CHECK_INT(cs_targets_add_file(&t, path, &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 2 + 8 + 1 + 3 + 2);
	CHECK_INT(cs_targets_exclude_file(&t, xpath, &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 16 - 4 - 1);
	CHECK(cs_targets_contains(&t, A(198, 51, 100, 4)));
	CHECK(!cs_targets_contains(&t, A(198, 51, 100, 3)));
	CHECK(!cs_targets_contains(&t, A(10, 0, 0, 2)));
	CHECK(cs_targets_contains(&t, A(10, 0, 1, 3)));
	unlink(path);
	unlink(xpath);

	/* A bad line names the file and line, and nothing from the file is added. */
	REQUIRE(write_temp(path, sizeof(path), "192.0.2.0/24\n# fine so far\nnvr.example\n"));
	CHECK_INT(cs_targets_add_file(&t, path, &err), CS_EPARSE);
	CHECK(strstr(err.msg, path) != NULL);
	CHECK(strstr(err.msg, ":3:") != NULL);
	CHECK(strstr(err.msg, "nvr.example") != NULL);
	CHECK_INT(cs_targets_count(&t), 11);
	unlink(path);

	/* An empty or comment-only file adds nothing and is fine. */
	REQUIRE(write_temp(path, sizeof(path), "# nothing yet\n\n"));
	CHECK_INT(cs_targets_add_file(&t, path, &err), CS_OK);
	CHECK_INT(cs_targets_exclude_file(&t, path, &err), CS_OK);
	CHECK_INT(cs_targets_count(&t), 11);
	unlink(path);

	CHECK_INT(cs_targets_add_file(&t, "/nonexistent/targets.txt", &err), CS_EIO);
	CHECK(strstr(err.msg, "/nonexistent/targets.txt") != NULL);
	cs_targets_free(&t);
}

TEST(targets_file_line_cap)
{
	struct cs_targets t;
	struct cs_err err = {0};
	char path[64];
	size_t n = CS_TARGETS_MAX_LINE + 10;
	char *text = malloc(n + 1);

	REQUIRE(text != NULL);
	memset(text, ' ', n);
	memcpy(text, "192.0.2.1", 9);
	text[n] = '\0';
	REQUIRE(write_temp(path, sizeof(path), text));
	cs_targets_init(&t);
	CHECK_INT(cs_targets_add_file(&t, path, &err), CS_ETOOBIG);
	CHECK_INT(cs_targets_count(&t), 0);
	cs_targets_free(&t);
	unlink(path);
	free(text);
}

TEST(targets_malformed_specs_are_refused)
{
	static const struct {
		const char *spec;
		const char *in_msg; /* text the message must contain */
	} bad[] = {
		{"192.0.2.256", "192.0.2.256"},
		{"192.0.2.0/33", "192.0.2.0/33"},
		{"192.0.2.10-5", "backwards"},
		{"host.example", "resolve"},
		{"camera-01.example", "host names"},
		{"1.2.3", "four"},
		{"1.2.3.4.5", "four"},
		{"1.2.3.4/", "missing prefix length"},
		{"", "empty"},
		{"  \t ", "empty"},
		{"192.0.2.01", "leading zero"},
		{"192.0.2.0/024", "leading zero"},
		{"2001:db8::1", "IPv6"},
		{"192.0.2.*/24", "plain address"},
		{"192.0.2.0/24/8", "prefix length"},
		{"192.0.2.9-192.0.2.1", "backwards"},
		{"192.0.2.1-192.0.2", "four"},
		{"192.0.2.1-192.0.2.300", "300"},
		{"192.0.2.1-5-192.0.2.9", "four"},
		{"192.0.2.1-5-9", "not a number"},
		{"192.0.2..1", "four"},
		{"192..2.1", "empty octet"},
		{"fe80::1", "IPv6"},
		{"192.0.2.1.", "four"},
		{"192.0,,1.2.3", "empty item"},
		{"192.0.2.1 198.51.100.1 nvr.example", "nvr.example"},
		{"192.0.2.1+1", "'+'"},
		{"192.0.2.1\x01", "0x01"},
		{"99999999999.0.2.1", "out of range"},
	};
	struct cs_targets t;
	struct cs_err err;

	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t, "192.0.2.100", &err), CS_OK);
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		err.msg[0] = '\0';
		int r = cs_targets_add(&t, bad[i].spec, &err);
		if (r != CS_EPARSE || strstr(err.msg, bad[i].in_msg) == NULL)
			cs_test_fail(__FILE__, __LINE__, "spec '%s': r=%d msg '%s'", bad[i].spec, r,
				     err.msg);
	}
	/* Nothing from a refused argument was added, not even its good specs. */
	CHECK_INT(cs_targets_count(&t), 1);
	CHECK_INT(cs_targets_add(&t, NULL, &err), CS_EINVAL);
	cs_targets_free(&t);
}

/* A small deterministic generator (xorshift64*) for the property tests. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static unsigned rng_below(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

/*
 * Write a random spec inside 10.0.0.0/16 into buf and mark its addresses (low 16 bits) in
 * bits, computed from the parameters rather than by parsing, so the two can be compared.
 */
static void random_spec(uint64_t *s, char *buf, size_t cap, uint8_t *bits)
{
	unsigned kind = rng_below(s, 5);
	unsigned x = rng_below(s, 256), y = rng_below(s, 256);
	unsigned x2 = rng_below(s, 256), y2 = rng_below(s, 256);

	if (kind == 0) { /* CIDR */
		unsigned p = 16 + rng_below(s, 17);
		uint32_t host = p == 32 ? 0 : ((uint32_t)1 << (32 - p)) - 1;
		uint32_t lo = (x << 8 | y) & ~host & 0xffff, hi = lo | (host & 0xffff);
		snprintf(buf, cap, "10.0.%u.%u/%u", x, y, p);
		for (uint32_t a = lo; a <= hi; a++)
			bits[a] = 1;
	} else if (kind == 1) { /* last-octet range */
		unsigned a = y < y2 ? y : y2, b = y < y2 ? y2 : y;
		snprintf(buf, cap, "10.0.%u.%u-%u", x, a, b);
		for (unsigned v = a; v <= b; v++)
			bits[x << 8 | v] = 1;
	} else if (kind == 2) { /* full range */
		unsigned a = x << 8 | y, b = x2 << 8 | y2;
		if (a > b) {
			unsigned tmp = a;
			a = b;
			b = tmp;
		}
		snprintf(buf, cap, "10.0.%u.%u-10.0.%u.%u", a >> 8, a & 255, b >> 8, b & 255);
		for (unsigned v = a; v <= b; v++)
			bits[v] = 1;
	} else if (kind == 3) { /* octet ranges with a list */
		unsigned a = x < x2 ? x : x2, b = x < x2 ? x2 : x;
		if (b - a > 8)
			b = a + 8;
		unsigned c = y % 250;
		snprintf(buf, cap, "10.0.%u-%u.%u,%u-%u", a, b, y2, c, c + 5);
		for (unsigned o = a; o <= b; o++) {
			bits[o << 8 | y2] = 1;
			for (unsigned v = c; v <= c + 5; v++)
				bits[o << 8 | v] = 1;
		}
	} else { /* single address */
		snprintf(buf, cap, "10.0.%u.%u", x, y);
		bits[x << 8 | y] = 1;
	}
}

TEST(targets_at_matches_brute_force)
{
	uint8_t *inc = calloc(65536, 1), *exc = calloc(65536, 1);
	uint32_t *expect = malloc(65536 * sizeof(*expect));
	uint64_t seed = 0x5eed5eed12345ULL;
	struct cs_err err = {0};
	char spec[96];

	REQUIRE(inc != NULL && exc != NULL && expect != NULL);
	for (int round = 0; round < 8; round++) {
		struct cs_targets t;
		memset(inc, 0, 65536);
		memset(exc, 0, 65536);
		cs_targets_init(&t);
		for (int op = 0; op < 24; op++) {
			bool exclude = rng_below(&seed, 3) == 0;
			random_spec(&seed, spec, sizeof(spec), exclude ? exc : inc);
			int r = exclude ? cs_targets_exclude(&t, spec, &err)
					: cs_targets_add(&t, spec, &err);
			if (r != CS_OK)
				cs_test_fail(__FILE__, __LINE__, "'%s': %s", spec, err.msg);

			size_t n = 0;
			for (uint32_t a = 0; a < 65536; a++)
				if (inc[a] && !exc[a])
					expect[n++] = A(10, 0, 0, 0) | a;
			CHECK_INT(cs_targets_count(&t), n);
			CHECK(well_formed(&t));
			for (size_t i = 0; i < n; i++)
				if (cs_targets_at(&t, i) != expect[i]) {
					cs_test_fail(__FILE__, __LINE__, "at(%zu) after '%s'", i,
						     spec);
					break;
				}
		}
		for (uint32_t a = 0; a < 65536; a++)
			if (cs_targets_contains(&t, A(10, 0, 0, 0) | a) != (inc[a] && !exc[a])) {
				cs_test_fail(__FILE__, __LINE__, "contains(10.0.%u.%u)", a >> 8,
					     a & 255);
				break;
			}
		CHECK(!cs_targets_contains(&t, A(10, 1, 0, 0)));
		cs_targets_free(&t);
	}
	free(inc);
	free(exc);
	free(expect);
}

TEST(targets_million_ranges)
{
	struct cs_targets t;
	struct cs_err err = {0};
	struct cs_buf spec;
	uint64_t s = 42;

	cs_targets_init(&t);
	/* 256 x 256 x 16 separate single addresses in 10/8: 1,048,576 intervals. */
	REQUIRE(cs_targets_add(&t, "10.*.*.0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30", &err) ==
		CS_OK);
	CHECK_INT(cs_targets_count(&t), 1 << 20);
	CHECK_INT(cs_targets_nranges(&t), 1 << 20);
	for (int k = 0; k < 20000; k++) {
		uint64_t i = k < 2 ? (uint64_t)k * ((1 << 20) - 1) : rng_next(&s) % (1 << 20);
		uint32_t want = A(10, (i >> 12) & 255, (i >> 4) & 255, 2 * (i & 15));
		if (cs_targets_at(&t, i) != want) {
			cs_test_fail(__FILE__, __LINE__, "at(%llu)", (unsigned long long)i);
			break;
		}
	}
	CHECK(cs_targets_contains(&t, A(10, 3, 4, 30)) == true);
	CHECK(cs_targets_contains(&t, A(10, 3, 4, 31)) == false);
	CHECK(cs_targets_contains(&t, A(10, 3, 4, 32)) == false);
	/* Excluding the upper half of every /16 halves it. */
	REQUIRE(cs_targets_exclude(&t, "10.*.128-255.*", &err) == CS_OK);
	CHECK_INT(cs_targets_count(&t), 1 << 19);
	CHECK_INT(cs_targets_at(&t, 16 * 128), A(10, 1, 0, 0));
	CHECK_INT(cs_targets_public_count(&t), 0);
	CHECK(well_formed(&t));

	/* 8,388,608 intervals is past the cap: refused, and nothing changes. */
	cs_buf_init(&spec, 1024);
	cs_buf_puts(&spec, "10.*.*.0");
	for (unsigned v = 2; v < 256; v += 2)
		cs_buf_printf(&spec, ",%u", v);
	CHECK_INT(cs_targets_add(&t, spec.data, &err), CS_ETOOBIG);
	CHECK(strstr(err.msg, "ranges") != NULL);
	CHECK_INT(cs_targets_count(&t), 1 << 19);
	cs_buf_free(&spec);
	cs_targets_free(&t);
}

/* The reserved blocks, written out independently of targets.c. */
static const struct {
	uint32_t first;
	unsigned bits;
} reserved[] = {
	{0x00000000, 8},  {0x0a000000, 8},  {0x64400000, 10}, {0x7f000000, 8},
	{0xa9fe0000, 16}, {0xac100000, 12}, {0xc0000200, 24}, {0xc0a80000, 16},
	{0xc6336400, 24}, {0xcb007100, 24}, {0xe0000000, 4},  {0xf0000000, 4},
};

static bool reserved_addr(uint32_t a)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(reserved); i++)
		if (a >> (32 - reserved[i].bits) == reserved[i].first >> (32 - reserved[i].bits))
			return true;
	return false;
}

TEST(targets_public_space)
{
	struct cs_targets t;
	struct cs_err err = {0};

	for (size_t i = 0; i < CS_ARRAY_SIZE(reserved); i++) {
		uint32_t first = reserved[i].first;
		uint32_t last = first + (uint32_t)(((uint64_t)1 << (32 - reserved[i].bits)) - 1);
		CHECK(!cs_targets_is_public(first));
		CHECK(!cs_targets_is_public(last));
		/* The neighbours (computed, never used as targets) are public unless reserved. */
		if (first != 0)
			CHECK_INT(cs_targets_is_public(first - 1), !reserved_addr(first - 1));
		if (last != 0xffffffffu)
			CHECK_INT(cs_targets_is_public(last + 1), !reserved_addr(last + 1));
	}
	CHECK(!cs_targets_is_public(A(192, 0, 2, 1)));
	CHECK(!cs_targets_is_public(A(172, 31, 255, 255)));
	CHECK(!cs_targets_is_public(A(255, 255, 255, 255)));

	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t,
				 "10.0.0.0/8 192.168.0.0/16 172.16.0.0/12 192.0.2.0/24 "
				 "198.51.100.0/24 203.0.113.0/24 100.64.0.0/10",
				 &err),
		  CS_OK);
	CHECK_INT(cs_targets_public_count(&t), 0);
	cs_targets_free(&t);

	/* The whole space: 2^32 minus 592,577,280 reserved addresses. */
	cs_targets_init(&t);
	CHECK_INT(cs_targets_add(&t, "0.0.0.0/0", &err), CS_OK);
	CHECK_INT(cs_targets_public_count(&t), 3702390016LL);
	CHECK(cs_targets_public_count(&t) > CS_TARGETS_PUBLIC_LIMIT);
	/* Excluding private space does not change the public count; counts only drop. */
	CHECK_INT(cs_targets_exclude(&t, "10.0.0.0/8,192.168.0.0/16", &err), CS_OK);
	CHECK_INT(cs_targets_public_count(&t), 3702390016LL);
	CHECK_INT(cs_targets_count(&t), ((int64_t)1 << 32) - (1 << 24) - (1 << 16));
	cs_targets_free(&t);
}

/* Every item of [0, n) comes out exactly once. */
static bool perm_is_bijection(uint64_t n, uint64_t seed)
{
	struct cs_perm p;
	uint8_t *seen = calloc((size_t)(n / 8 + 1), 1);
	bool ok = seen != NULL && cs_perm_init(&p, n, seed) == CS_OK;

	for (uint64_t i = 0; ok && i < n; i++) {
		uint64_t x = cs_perm_at(&p, i);
		if (x >= n || (seen[x / 8] >> (x % 8) & 1))
			ok = false;
		else
			seen[x / 8] |= (uint8_t)(1 << (x % 8));
	}
	free(seen);
	return ok;
}

TEST(targets_perm_is_a_bijection)
{
	static const uint64_t sizes[] = {1,    2,     3,     4,	    5,	     7,	       13,
					 64,   100,   127,   128,   129,     1000,     4096,
					 4099, 65521, 65536, 65537, 256 * 3, 65536 * 9};
	for (size_t i = 0; i < CS_ARRAY_SIZE(sizes); i++)
		for (uint64_t seed = 0; seed < 3; seed++)
			if (!perm_is_bijection(sizes[i], seed * 0x9e3779b97f4a7c15ULL + 1))
				cs_test_fail(__FILE__, __LINE__, "n=%llu seed=%llu",
					     (unsigned long long)sizes[i],
					     (unsigned long long)seed);
	CHECK(perm_is_bijection(10000000, 7));
}

TEST(targets_perm_huge_spaces)
{
	struct cs_perm p;
	uint64_t n = UINT64_MAX, prev = UINT64_MAX;

	/* 2^32 addresses x 65536 ports, and the largest n of all: values stay in range. */
	CHECK_INT(cs_perm_init(&p, (uint64_t)1 << 48, 1), CS_OK);
	for (uint64_t i = 0; i < 1000; i++)
		CHECK(cs_perm_at(&p, i * 1234567) < ((uint64_t)1 << 48));
	CHECK_INT(cs_perm_init(&p, n, 1), CS_OK);
	for (uint64_t i = n - 100; i < n; i++) {
		uint64_t x = cs_perm_at(&p, i);
		CHECK(x < n && x != prev);
		prev = x;
	}
	CHECK_INT(cs_perm_init(NULL, 1, 1), CS_EINVAL);
}

TEST(targets_perm_seeds_and_determinism)
{
	struct cs_perm a, b, c;
	size_t differ = 0, same = 0;
	bool swapped = false, kept = false;

	cs_perm_init(&a, 1000, 1);
	cs_perm_init(&b, 1000, 2);
	cs_perm_init(&c, 1000, 1);
	for (uint64_t i = 0; i < 1000; i++) {
		differ += cs_perm_at(&a, i) != cs_perm_at(&b, i);
		same += cs_perm_at(&a, i) == cs_perm_at(&c, i);
	}
	CHECK(differ > 950);
	CHECK_INT(same, 1000);
	/* Even for n = 2 the seed picks between both orders. */
	for (uint64_t seed = 0; seed < 64; seed++) {
		cs_perm_init(&a, 2, seed);
		if (cs_perm_at(&a, 0) == 1)
			swapped = true;
		else
			kept = true;
	}
	CHECK(swapped && kept);
	/* The order is not the identity. */
	cs_perm_init(&a, 65536, 99);
	same = 0;
	for (uint64_t i = 0; i < 65536; i++)
		same += cs_perm_at(&a, i) == i;
	CHECK(same < 20);
}

TEST(targets_perm_spreads_neighbours)
{
	/* A /16: successive positions should rarely fall in the same /24 (chance 255/65535). */
	struct cs_targets t;
	struct cs_perm p;
	struct cs_err err = {0};
	unsigned same24 = 0;

	cs_targets_init(&t);
	REQUIRE(cs_targets_add(&t, "10.20.0.0/16", &err) == CS_OK);
	for (uint64_t seed = 1; seed <= 3; seed++) {
		same24 = 0;
		cs_perm_init(&p, cs_targets_count(&t), seed);
		uint32_t prev = cs_targets_at(&t, cs_perm_at(&p, 0));
		for (uint64_t i = 1; i < cs_targets_count(&t); i++) {
			uint32_t cur = cs_targets_at(&t, cs_perm_at(&p, i));
			same24 += (cur >> 8) == (prev >> 8);
			prev = cur;
		}
		CHECK(same24 < 600); /* expected about 255 of 65,535 */
	}
	cs_targets_free(&t);
}

TEST(targets_shards_cover_exactly_once)
{
	static const uint64_t sizes[] = {0, 1, 2, 5, 100, 1001, 65537};
	static const unsigned shardings[] = {1, 2, 3, 7, 16};
	uint8_t *seen = malloc(65537);

	REQUIRE(seen != NULL);
	for (size_t si = 0; si < CS_ARRAY_SIZE(sizes); si++) {
		uint64_t n = sizes[si];
		struct cs_perm p;
		cs_perm_init(&p, n, 0xc0ffee + n);
		for (size_t hi = 0; hi < CS_ARRAY_SIZE(shardings); hi++) {
			unsigned ns = shardings[hi];
			uint64_t total = 0;
			memset(seen, 0, 65537);
			for (unsigned s = 1; s <= ns; s++) {
				struct cs_perm_iter it;
				uint64_t item, pos, got = 0;
				REQUIRE(cs_perm_iter_init(&it, &p, s, ns, 0) == CS_OK);
				while (cs_perm_iter_next(&it, &item, &pos)) {
					if (pos % ns != s - 1 || item != cs_perm_at(&p, pos) ||
					    item >= n || seen[item]++) {
						cs_test_fail(__FILE__, __LINE__,
							     "n=%llu shard %u/%u pos %llu",
							     (unsigned long long)n, s, ns,
							     (unsigned long long)pos);
						break;
					}
					got++;
				}
				CHECK_INT(got, cs_perm_shard_count(n, s, ns));
				total += got;
			}
			CHECK_INT(total, n);
		}
	}
	free(seen);
	CHECK_INT(cs_perm_shard_count(10, 0, 4), 0);
	CHECK_INT(cs_perm_shard_count(10, 5, 4), 0);
	CHECK_INT(cs_perm_shard_count(10, 3, 4), 2); /* positions 2 and 6 */
	CHECK_INT(cs_perm_shard_count(2, 3, 4), 0);
	CHECK_INT(cs_perm_shard_count(3, 3, 4), 1);
}

TEST(targets_perm_resume_continues_exactly)
{
	enum { N = 10007, SHARDS = 3, SHARD = 2 };
	struct cs_perm p;
	struct cs_perm_iter it;
	uint64_t items[N / SHARDS + 2], poss[N / SHARDS + 2], item, pos;
	size_t m = 0;

	cs_perm_init(&p, N, 2024);
	REQUIRE(cs_perm_iter_init(&it, &p, SHARD, SHARDS, 0) == CS_OK);
	while (m < CS_ARRAY_SIZE(items) && cs_perm_iter_next(&it, &items[m], &poss[m]))
		m++;
	REQUIRE(m == cs_perm_shard_count(N, SHARD, SHARDS));

	const uint64_t starts[] = {0,	  1, 2,	    poss[100],	    poss[100] + 1, poss[m - 1],
				   N - 1, N, N + 5, UINT64_MAX - 1, UINT64_MAX};
	for (size_t k = 0; k < CS_ARRAY_SIZE(starts); k++) {
		size_t j = 0;
		while (j < m && poss[j] < starts[k])
			j++;
		/* Progress at the resume point is how many of the shard's positions precede it. */
		if (starts[k] <= N)
			CHECK_INT(cs_perm_shard_count(starts[k], SHARD, SHARDS), j);
		REQUIRE(cs_perm_iter_init(&it, &p, SHARD, SHARDS, starts[k]) == CS_OK);
		while (cs_perm_iter_next(&it, &item, &pos)) {
			if (j >= m || item != items[j] || pos != poss[j]) {
				cs_test_fail(__FILE__, __LINE__, "resume at %llu diverges",
					     (unsigned long long)starts[k]);
				break;
			}
			j++;
		}
		CHECK_INT(j, m);
		CHECK_INT(it.pos, N); /* the watermark once the shard is done */
	}
	CHECK_INT(cs_perm_iter_init(&it, &p, 0, 3, 0), CS_EINVAL);
	CHECK_INT(cs_perm_iter_init(&it, &p, 4, 3, 0), CS_EINVAL);
	CHECK(!cs_perm_iter_next(&it, &item, &pos));
}

TEST(targets_shard_parse)
{
	static const struct {
		const char *s;
		int r;
		unsigned i, n;
	} cases[] = {
		{"2/4", CS_OK, 2, 4},
		{"1/1", CS_OK, 1, 1},
		{"65536/65536", CS_OK, 65536, 65536},
		{"0/4", CS_EINVAL, 0, 0},
		{"5/4", CS_EINVAL, 0, 0},
		{"1/65537", CS_EINVAL, 0, 0},
		{"1/0", CS_EINVAL, 0, 0},
		{"99999999999999999999999/2", CS_EINVAL, 0, 0},
		{"4", CS_EPARSE, 0, 0},
		{"/4", CS_EPARSE, 0, 0},
		{"2/", CS_EPARSE, 0, 0},
		{"a/b", CS_EPARSE, 0, 0},
		{"2/4x", CS_EPARSE, 0, 0},
		{"-1/4", CS_EPARSE, 0, 0},
		{" 2/4", CS_EPARSE, 0, 0},
		{"2/4/8", CS_EPARSE, 0, 0},
		{"", CS_EPARSE, 0, 0},
	};
	struct cs_err err;

	for (size_t k = 0; k < CS_ARRAY_SIZE(cases); k++) {
		unsigned i = 0, n = 0;
		err.msg[0] = '\0';
		int r = cs_shard_parse(cases[k].s, &i, &n, &err);
		if (r != cases[k].r || (r == CS_OK && (i != cases[k].i || n != cases[k].n)) ||
		    (r != CS_OK && strstr(err.msg, "shard") == NULL))
			cs_test_fail(__FILE__, __LINE__, "'%s': r=%d %u/%u msg '%s'", cases[k].s, r,
				     i, n, err.msg);
	}
	unsigned i, n;
	CHECK_INT(cs_shard_parse(NULL, &i, &n, &err), CS_EPARSE);
}
