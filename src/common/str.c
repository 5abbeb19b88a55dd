/* str.c - byte-string views: comparison, search, trimming and bounded copies. */
#include "common/str.h"

#include "common/err.h"

#include <stdlib.h>
#include <string.h>

const unsigned char cs_lower_table[256] = {
#define R(i)  (unsigned char)((i) >= 'A' && (i) <= 'Z' ? (i) + 32 : (i))
#define R8(i) R(i), R(i + 1), R(i + 2), R(i + 3), R(i + 4), R(i + 5), R(i + 6), R(i + 7)
#define R64(i)                                                                                     \
	R8(i), R8(i + 8), R8(i + 16), R8(i + 24), R8(i + 32), R8(i + 40), R8(i + 48), R8(i + 56)
	R64(0), R64(64), R64(128), R64(192)
#undef R64
#undef R8
#undef R
};

struct cs_sv cs_sv_cstr(const char *s)
{
	return (struct cs_sv){s, s != NULL ? strlen(s) : 0};
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

struct cs_sv cs_sv_trim(struct cs_sv s)
{
	while (s.n > 0 && is_space((unsigned char)s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && is_space((unsigned char)s.p[s.n - 1]))
		s.n--;
	return s;
}

bool cs_sv_eq(struct cs_sv a, struct cs_sv b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool cs_sv_ieq(struct cs_sv a, struct cs_sv b)
{
	if (a.n != b.n)
		return false;
	for (size_t i = 0; i < a.n; i++)
		if (cs_lower((unsigned char)a.p[i]) != cs_lower((unsigned char)b.p[i]))
			return false;
	return true;
}

bool cs_sv_iprefix(struct cs_sv s, struct cs_sv prefix)
{
	return s.n >= prefix.n && cs_sv_ieq(cs_sv_make(s.p, prefix.n), prefix);
}

long cs_sv_ifind(struct cs_sv hay, struct cs_sv needle)
{
	if (needle.n == 0)
		return 0;
	if (needle.n > hay.n)
		return -1;
	unsigned char first = cs_lower((unsigned char)needle.p[0]);
	for (size_t i = 0; i + needle.n <= hay.n; i++) {
		if (cs_lower((unsigned char)hay.p[i]) != first)
			continue;
		if (cs_sv_ieq(cs_sv_make(hay.p + i, needle.n), needle))
			return (long)i;
	}
	return -1;
}

long cs_sv_find(struct cs_sv hay, struct cs_sv needle)
{
	if (needle.n == 0)
		return 0;
	const char *hit = memmem(hay.p, hay.n, needle.p, needle.n);
	return hit != NULL ? (long)(hit - hay.p) : -1;
}

char *cs_sv_copy(char *dst, size_t cap, struct cs_sv s)
{
	if (cap == 0)
		return dst;
	size_t n = s.n < cap - 1 ? s.n : cap - 1;
	if (n > 0)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
	return dst;
}

char *cs_sv_dup(struct cs_sv s)
{
	char *d = malloc(s.n + 1);
	if (d == NULL)
		return NULL;
	if (s.n > 0)
		memcpy(d, s.p, s.n);
	d[s.n] = '\0';
	return d;
}

int cs_parse_u64(struct cs_sv s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (s.n == 0)
		return CS_EPARSE;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c < '0' || c > '9')
			return CS_EPARSE;
		if (v > (max - (c - '0')) / 10)
			return CS_ETOOBIG;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return CS_OK;
}

int cs_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = cs_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void cs_hex_encode(char *dst, const unsigned char *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		dst[2 * i] = hex[src[i] >> 4];
		dst[2 * i + 1] = hex[src[i] & 15];
	}
	dst[2 * n] = '\0';
}

size_t cs_utf8_clip(const char *s, size_t n)
{
	size_t i = n;
	int back = 0;
	while (i > 0 && back < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
		i--;
		back++;
	}
	if (i == 0)
		return n;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	return (size_t)back + 1 < want ? i - 1 : n;
}

void cs_sv_copy_clipped(char *dst, size_t cap, const char *s, size_t n)
{
	if (cap == 0)
		return;
	if (n > cap - 1)
		n = cs_utf8_clip(s, cap - 1);
	cs_sv_copy(dst, cap, cs_sv_make(s, n));
}
