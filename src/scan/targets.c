/*
 * targets.c - target specs to address intervals, and the set algebra the scanner relies on.
 *
 * Parsing turns each spec into a run of [lo, hi] intervals in a scratch list; committing
 * merges that list into the added (or excluded) union and recomputes "added minus excluded"
 * with its prefix sums. Commit builds every new array before touching the set, so a failure
 * (bad spec, cap, allocation) leaves the set as it was. The grammar is documented with
 * examples in docs/internals/targets.md; nothing here resolves names or opens a socket.
 */
#include "scan/targets.h"

#include "common/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A scratch interval list. It may hold up to twice the cap: when full it is sorted and merged
 * in place, which frees at least half of it or proves that the cap is exceeded. That bounds the
 * memory a file of a million repeated addresses can take.
 */
struct rvec {
	struct cs_ipv4_range *v;
	size_t n, alloc;
};

#define RVEC_MAX (2 * CS_TARGETS_MAX_RANGES)

/* Where a spec came from, for error messages: "bad target '...'" or "f.txt:3: bad exclusion". */
struct spec_ctx {
	const char *where; /* "" or "path:line: " */
	const char *kind;  /* "target" or "exclusion" */
	struct cs_sv spec; /* the spec being parsed */
	struct cs_err *err;
};

/* ---- error messages ---------------------------------------------------------------------- */

/* Copy text for a message: at most 80 bytes, anything but printable ASCII shown as '?'. */
static const char *quote(struct cs_sv s, char *buf, size_t cap)
{
	size_t n = 0, max = cap > 4 ? cap - 4 : 0;
	if (max > 80)
		max = 80;
	for (size_t i = 0; i < s.n && n < max; i++) {
		unsigned char c = (unsigned char)s.p[i];
		buf[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (s.n > max && cap >= 4) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	if (cap > 0)
		buf[n < cap ? n : cap - 1] = '\0';
	return buf;
}

__attribute__((format(printf, 3, 4))) static int spec_fail(const struct spec_ctx *c, int code,
							   const char *fmt, ...)
{
	char detail[256], q[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return cs_err_set(c->err, code, "%sbad %s '%s': %s", c->where, c->kind,
			  quote(c->spec, q, sizeof(q)), detail);
}

static int cap_fail(struct cs_err *err, const char *where)
{
	return cs_err_set(err, CS_ETOOBIG,
			  "%stoo many separate address ranges (more than %zu): use wider blocks",
			  where, CS_TARGETS_MAX_RANGES);
}

/* ---- interval lists ---------------------------------------------------------------------- */

static int cmp_range(const void *a, const void *b)
{
	const struct cs_ipv4_range *x = a, *y = b;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return 0;
}

/* Whether [lo, hi] overlaps or touches *last (which starts at or before lo). */
static bool joins(const struct cs_ipv4_range *last, uint32_t lo)
{
	return last->hi == UINT32_MAX || lo <= last->hi + 1;
}

/* Append [lo, hi] to an array sorted by lo, merging with the last interval when they meet. */
static void append_merge(struct cs_ipv4_range *v, size_t *n, uint32_t lo, uint32_t hi)
{
	if (*n > 0 && joins(&v[*n - 1], lo)) {
		if (hi > v[*n - 1].hi)
			v[*n - 1].hi = hi;
		return;
	}
	v[*n].lo = lo;
	v[*n].hi = hi;
	(*n)++;
}

/* Sort and merge a scratch list in place. */
static void rv_normalize(struct rvec *rv)
{
	size_t out = 0;
	bool sorted = true;

	for (size_t i = 1; i < rv->n && sorted; i++)
		sorted = rv->v[i - 1].lo <= rv->v[i].lo;
	if (!sorted)
		qsort(rv->v, rv->n, sizeof(rv->v[0]), cmp_range);
	for (size_t i = 0; i < rv->n; i++)
		append_merge(rv->v, &out, rv->v[i].lo, rv->v[i].hi);
	rv->n = out;
}

static void rv_free(struct rvec *rv)
{
	free(rv->v);
	rv->v = NULL;
	rv->n = rv->alloc = 0;
}

/*
 * Append [lo, hi], merging with the last interval when they meet: specs expand in ascending
 * order and lists are often sorted, so a file of 65,536 consecutive addresses or a spec such
 * as 10.0.*.0-9,250-255 stays small before it is ever sorted.
 */
static int rv_push(struct rvec *rv, uint32_t lo, uint32_t hi, struct cs_err *err, const char *where)
{
	if (rv->n > 0 && rv->v[rv->n - 1].lo <= lo && joins(&rv->v[rv->n - 1], lo)) {
		if (hi > rv->v[rv->n - 1].hi)
			rv->v[rv->n - 1].hi = hi;
		return CS_OK;
	}
	if (rv->n == rv->alloc) {
		if (rv->alloc == RVEC_MAX) {
			rv_normalize(rv);
			if (rv->n > CS_TARGETS_MAX_RANGES)
				return cap_fail(err, where);
		} else {
			size_t na = rv->alloc != 0 ? rv->alloc * 2 : 64;
			if (na > RVEC_MAX)
				na = RVEC_MAX;
			struct cs_ipv4_range *nv = realloc(rv->v, na * sizeof(*nv));
			if (nv == NULL)
				return cs_err_set(err, CS_ENOMEM, "%sout of memory", where);
			rv->v = nv;
			rv->alloc = na;
		}
	}
	rv->v[rv->n].lo = lo;
	rv->v[rv->n].hi = hi;
	rv->n++;
	return CS_OK;
}

/* Allocate room for n intervals (at least one, so that NULL always means failure). */
static struct cs_ipv4_range *ranges_alloc(size_t n)
{
	return malloc((n > 0 ? n : 1) * sizeof(struct cs_ipv4_range));
}

/* Give back unused room; keeps the original block if the allocator will not shrink it. */
static struct cs_ipv4_range *ranges_shrink(struct cs_ipv4_range *v, size_t n)
{
	struct cs_ipv4_range *s = realloc(v, (n > 0 ? n : 1) * sizeof(*v));
	return s != NULL ? s : v;
}

/* *out = a union b, both sorted and merged. Caller must free *out. */
static int range_union(const struct cs_ipv4_range *a, size_t na, const struct cs_ipv4_range *b,
		       size_t nb, struct cs_ipv4_range **out, size_t *nout, const char *where,
		       struct cs_err *err)
{
	struct cs_ipv4_range *v = NULL;
	size_t n = 0, i = 0, j = 0;

	if ((v = ranges_alloc(na + nb)) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	while (i < na || j < nb) {
		const struct cs_ipv4_range *next;
		if (j == nb || (i < na && a[i].lo <= b[j].lo))
			next = &a[i++];
		else
			next = &b[j++];
		append_merge(v, &n, next->lo, next->hi);
	}
	if (n > CS_TARGETS_MAX_RANGES) {
		free(v);
		return cap_fail(err, where);
	}
	*out = ranges_shrink(v, n);
	*nout = n;
	return CS_OK;
}

/*
 * *out = a minus b (both sorted and merged), with before[i] = addresses in out[0..i) and
 * *count the total. Caller must free *out and *before.
 */
static int range_subtract(const struct cs_ipv4_range *a, size_t na, const struct cs_ipv4_range *b,
			  size_t nb, struct cs_ipv4_range **out, uint32_t **before, size_t *nout,
			  uint64_t *count, const char *where, struct cs_err *err)
{
	struct cs_ipv4_range *v = NULL;
	uint32_t *pre = NULL;
	size_t n = 0, j = 0;
	uint64_t total = 0;
	int r = CS_ENOMEM;

	/* Every interval of b splits at most one interval of a in two. */
	if ((v = ranges_alloc(na + nb)) == NULL) {
		cs_err_set(err, r, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < na; i++) {
		uint32_t cur = a[i].lo, hi = a[i].hi;
		bool left = true; /* part of a[i] at cur..hi is still to be emitted */

		while (j < nb && b[j].hi < cur)
			j++;
		for (size_t k = j; k < nb && b[k].lo <= hi; k++) {
			if (b[k].lo > cur)
				v[n++] = (struct cs_ipv4_range){cur, b[k].lo - 1};
			if (b[k].hi >= hi) {
				left = false;
				break;
			}
			cur = b[k].hi + 1; /* cannot wrap: b[k].hi < hi */
		}
		if (left)
			v[n++] = (struct cs_ipv4_range){cur, hi};
	}
	if (n > CS_TARGETS_MAX_RANGES) {
		r = cap_fail(err, where);
		goto out;
	}
	v = ranges_shrink(v, n);
	if ((pre = malloc((n > 0 ? n : 1) * sizeof(*pre))) == NULL) {
		cs_err_set(err, r, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		pre[i] = (uint32_t)total; /* below 2^32: v[i] and later are not empty */
		total += (uint64_t)(v[i].hi - v[i].lo) + 1;
	}
	*out = v;
	*before = pre;
	v = NULL; /* transferred */
	pre = NULL;
	*nout = n;
	*count = total;
	r = CS_OK;
out:
	free(v);
	free(pre);
	return r;
}

/*
 * Merge a parsed scratch list into the added (exclude == false) or excluded union and
 * recompute what is scanned. Everything new is built first; t changes only on success.
 */
static int commit(struct cs_targets *t, struct rvec *pend, bool exclude, const char *where,
		  struct cs_err *err)
{
	struct cs_ipv4_range *list = NULL, *r = NULL;
	uint32_t *before = NULL;
	size_t nlist = 0, nr = 0;
	uint64_t count = 0;
	int rc;

	rv_normalize(pend);
	if (exclude)
		rc = range_union(t->exc, t->nexc, pend->v, pend->n, &list, &nlist, where, err);
	else
		rc = range_union(t->inc, t->ninc, pend->v, pend->n, &list, &nlist, where, err);
	if (rc != CS_OK)
		goto out;
	if (exclude)
		rc = range_subtract(t->inc, t->ninc, list, nlist, &r, &before, &nr, &count, where,
				    err);
	else
		rc = range_subtract(list, nlist, t->exc, t->nexc, &r, &before, &nr, &count, where,
				    err);
	if (rc != CS_OK)
		goto out;

	if (exclude) {
		free(t->exc);
		t->exc = list;
		t->nexc = nlist;
	} else {
		free(t->inc);
		t->inc = list;
		t->ninc = nlist;
	}
	list = NULL; /* transferred */
	free(t->r);
	free(t->before);
	t->r = r;
	t->before = before;
	r = NULL; /* transferred */
	before = NULL;
	t->nr = nr;
	t->count = count;
	rc = CS_OK;
out:
	free(list);
	free(r);
	free(before);
	return rc;
}

/* ---- one spec ---------------------------------------------------------------------------- */

/* The values one octet may take, as a 256-bit set. */
struct octet_set {
	uint64_t w[4];
};

static void oset_add(struct octet_set *s, unsigned lo, unsigned hi)
{
	for (unsigned v = lo; v <= hi; v++)
		s->w[v >> 6] |= (uint64_t)1 << (v & 63);
}

static bool oset_has(const struct octet_set *s, unsigned v)
{
	return (s->w[v >> 6] >> (v & 63)) & 1;
}

static bool oset_full(const struct octet_set *s)
{
	return s->w[0] == UINT64_MAX && s->w[1] == UINT64_MAX && s->w[2] == UINT64_MAX &&
	       s->w[3] == UINT64_MAX;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t count_dots(struct cs_sv s)
{
	size_t n = 0;
	for (size_t i = 0; i < s.n; i++)
		n += s.p[i] == '.';
	return n;
}

/* A decimal 0..max without leading zeros (010 is octal to inet_aton, so it is refused). */
static int parse_num(const struct spec_ctx *c, struct cs_sv s, unsigned max, const char *what,
		     unsigned *out)
{
	char q[96];
	unsigned v = 0;

	if (s.n == 0)
		return spec_fail(c, CS_EPARSE, "missing %s", what);
	for (size_t i = 0; i < s.n; i++) {
		if (!is_digit(s.p[i]))
			return spec_fail(c, CS_EPARSE, "%s '%s' is not a number", what,
					 quote(s, q, sizeof(q)));
		v = v * 10 + (unsigned)(s.p[i] - '0');
		if (v > max)
			return spec_fail(c, CS_EPARSE, "%s '%s' is out of range (0-%u)", what,
					 quote(s, q, sizeof(q)), max);
	}
	if (s.n > 1 && s.p[0] == '0')
		return spec_fail(c, CS_EPARSE,
				 "%s '%s' has a leading zero, which some tools read as octal: "
				 "write it without",
				 what, quote(s, q, sizeof(q)));
	*out = v;
	return CS_OK;
}

/*
 * One octet field: a comma list of items, each N, N-M, N- (to 255), -M (from 0), - or *
 * (0-255), as nmap takes them. *single is set when the field is exactly one plain number.
 */
static int parse_octet_field(const struct spec_ctx *c, struct cs_sv f, struct octet_set *set,
			     bool *single, unsigned *value)
{
	size_t i = 0;
	unsigned nitems = 0;
	int r;

	memset(set, 0, sizeof(*set));
	*single = false;
	if (f.n == 0)
		return spec_fail(c, CS_EPARSE, "empty octet");
	while (i <= f.n) {
		size_t end = i;
		while (end < f.n && f.p[end] != ',')
			end++;
		struct cs_sv item = cs_sv_make(f.p + i, end - i);
		const char *dash = memchr(item.p, '-', item.n);
		unsigned lo = 0, hi = 255;

		if (item.n == 0)
			return spec_fail(c, CS_EPARSE, "empty item in an octet list");
		if (item.n == 1 && item.p[0] == '*') {
			/* 0-255 */
		} else if (dash != NULL) {
			struct cs_sv a = cs_sv_make(item.p, (size_t)(dash - item.p));
			struct cs_sv b = cs_sv_make(dash + 1, item.n - a.n - 1);
			if (a.n > 0 && (r = parse_num(c, a, 255, "octet", &lo)) != CS_OK)
				return r;
			if (b.n > 0 && (r = parse_num(c, b, 255, "octet", &hi)) != CS_OK)
				return r;
			if (lo > hi)
				return spec_fail(c, CS_EPARSE, "octet range %u-%u runs backwards",
						 lo, hi);
		} else {
			if ((r = parse_num(c, item, 255, "octet", &lo)) != CS_OK)
				return r;
			hi = lo;
			*single = nitems == 0 && end == f.n;
			*value = lo;
		}
		oset_add(set, lo, hi);
		nitems++;
		i = end + 1;
	}
	return CS_OK;
}

/*
 * Four dot-separated octet fields. *plain is set when every field is one number, and *addr
 * is then the address.
 */
static int parse_octets(const struct spec_ctx *c, struct cs_sv s, struct octet_set set[4],
			bool *plain, uint32_t *addr)
{
	size_t start = 0;
	int r;

	if (count_dots(s) != 3)
		return spec_fail(c, CS_EPARSE,
				 "not an IPv4 address: expected four dot-separated numbers");
	*plain = true;
	*addr = 0;
	for (unsigned k = 0; k < 4; k++) {
		size_t end = start;
		bool single;
		unsigned v = 0;
		while (end < s.n && s.p[end] != '.')
			end++;
		r = parse_octet_field(c, cs_sv_make(s.p + start, end - start), &set[k], &single,
				      &v);
		if (r != CS_OK)
			return r;
		*plain = *plain && single;
		*addr = *addr << 8 | v;
		start = end + 1;
	}
	return CS_OK;
}

/*
 * Expand the octet sets level by level. Octets after `level` are all full, so each run of the
 * set at `level` is one interval per combination of the octets before it.
 */
static int emit_level(const struct octet_set set[4], unsigned k, unsigned level, uint32_t base,
		      const struct cs_ipv4_range *runs, size_t nruns, struct rvec *out,
		      const struct spec_ctx *c)
{
	unsigned shift = 24 - 8 * k;
	int r;

	if (k == level) {
		uint32_t low = shift == 0 ? 0 : ((uint32_t)1 << shift) - 1;
		for (size_t i = 0; i < nruns; i++) {
			uint32_t lo = base | runs[i].lo << shift;
			uint32_t hi = base | runs[i].hi << shift | low;
			if ((r = rv_push(out, lo, hi, c->err, c->where)) != CS_OK)
				return r;
		}
		return CS_OK;
	}
	for (unsigned v = 0; v < 256; v++) {
		if (!oset_has(&set[k], v))
			continue;
		r = emit_level(set, k + 1, level, base | (uint32_t)v << shift, runs, nruns, out, c);
		if (r != CS_OK)
			return r;
	}
	return CS_OK;
}

static int emit_octets(const struct octet_set set[4], struct rvec *out, const struct spec_ctx *c)
{
	struct cs_ipv4_range runs[128]; /* at most 128 separate runs in 256 values */
	size_t nruns = 0;
	int level = 3;

	while (level >= 0 && oset_full(&set[level]))
		level--;
	if (level < 0)
		return rv_push(out, 0, UINT32_MAX, c->err, c->where);
	for (unsigned v = 0; v < 256; v++) {
		if (!oset_has(&set[level], v))
			continue;
		if (nruns > 0 && runs[nruns - 1].hi + 1 == v)
			runs[nruns - 1].hi = v;
		else
			runs[nruns++] = (struct cs_ipv4_range){v, v};
	}
	/*
	 * Each combination of the octets before `level` adds at least nruns - 1 intervals (only
	 * its first run can join the previous combination's last), so a spec such as
	 * 10.*.*.0,2,4,...,254 is refused before anything is generated.
	 */
	uint64_t combos = 1;
	for (int k = 0; k < level; k++)
		combos *= (uint64_t)__builtin_popcountll(set[k].w[0]) +
			  (uint64_t)__builtin_popcountll(set[k].w[1]) +
			  (uint64_t)__builtin_popcountll(set[k].w[2]) +
			  (uint64_t)__builtin_popcountll(set[k].w[3]);
	if (combos * (nruns - 1) > CS_TARGETS_MAX_RANGES)
		return spec_fail(c, CS_ETOOBIG, "expands to more than %zu separate ranges",
				 CS_TARGETS_MAX_RANGES);
	return emit_level(set, 0, (unsigned)level, 0, runs, nruns, out, c);
}

/*
 * One spec without separators, e.g. 192.0.2.1, 192.0.2.0/24, 192.0.2.250-192.0.3.5,
 * 192.0.2-3.1,3,5-7 or 10.*.*.1.
 */
static int parse_spec(const struct spec_ctx *c, struct rvec *out)
{
	struct cs_sv s = c->spec;
	struct octet_set set[4];
	const char *slash = memchr(s.p, '/', s.n);
	size_t ndash = 0, dash = 0;
	bool plain;
	uint32_t addr;
	int r;

	if (memchr(s.p, ':', s.n) != NULL)
		return spec_fail(c, CS_EPARSE, "IPv6 is not supported (IPv4 only)");
	for (size_t i = 0; i < s.n; i++) {
		char ch = s.p[i];
		if (is_alpha(ch) || ch == '_')
			return spec_fail(c, CS_EPARSE,
					 "host names are not accepted (camsweep does not resolve "
					 "names): give an address, range or CIDR block");
	}
	for (size_t i = 0; i < s.n; i++) {
		unsigned char ch = (unsigned char)s.p[i];
		if (!is_digit((char)ch) && ch != '.' && ch != ',' && ch != '*' && ch != '/' &&
		    ch != '-') {
			if (ch >= 0x20 && ch < 0x7f)
				return spec_fail(c, CS_EPARSE, "unexpected character '%c'", ch);
			return spec_fail(c, CS_EPARSE, "unexpected byte 0x%02x", ch);
		}
		if (ch == '-' && ndash++ == 0)
			dash = i;
	}

	/* CIDR: a plain address, '/', a prefix length. Host bits are ignored, as nmap does. */
	if (slash != NULL) {
		struct cs_sv a = cs_sv_make(s.p, (size_t)(slash - s.p));
		struct cs_sv len = cs_sv_make(slash + 1, s.n - a.n - 1);
		unsigned bits;
		if ((r = parse_octets(c, a, set, &plain, &addr)) != CS_OK)
			return r;
		if (!plain)
			return spec_fail(c, CS_EPARSE,
					 "a CIDR block needs a plain address before '/'");
		if (len.n == 0)
			return spec_fail(c, CS_EPARSE, "missing prefix length after '/'");
		if ((r = parse_num(c, len, 32, "prefix length", &bits)) != CS_OK)
			return r;
		uint32_t host = bits == 0 ? UINT32_MAX : (((uint32_t)1 << (32 - bits)) - 1);
		return rv_push(out, addr & ~host, addr | host, c->err, c->where);
	}

	/*
	 * A full range: two plain addresses around the only dash (192.0.2.250-192.0.3.5). With
	 * fewer than three dots before the dash it is an octet range (192.0.2-3.1) instead.
	 */
	if (ndash == 1 && count_dots(cs_sv_make(s.p, dash)) == 3 &&
	    count_dots(cs_sv_make(s.p + dash + 1, s.n - dash - 1)) > 0) {
		struct octet_set other[4];
		uint32_t lo, hi;
		bool plain2;
		if ((r = parse_octets(c, cs_sv_make(s.p, dash), set, &plain, &lo)) != CS_OK)
			return r;
		r = parse_octets(c, cs_sv_make(s.p + dash + 1, s.n - dash - 1), other, &plain2,
				 &hi);
		if (r != CS_OK)
			return r;
		if (!plain || !plain2)
			return spec_fail(c, CS_EPARSE,
					 "each end of an address range must be a plain address");
		if (lo > hi)
			return spec_fail(c, CS_EPARSE, "the range runs backwards");
		return rv_push(out, lo, hi, c->err, c->where);
	}

	/* An address or nmap octet ranges (192.0.2.10-20, 192.0.2-3.1,3,5-7, 10.*.*.1). */
	if ((r = parse_octets(c, s, set, &plain, &addr)) != CS_OK)
		return r;
	if (plain)
		return rv_push(out, addr, addr, c->err, c->where);
	return emit_octets(set, out, c);
}

/* ---- lists of specs ---------------------------------------------------------------------- */

/* Whether text up to the next separator is a last-octet list item ("3", "5-7", "*"). */
static bool octet_item_follows(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i] != ',' && !is_space(p[i])) {
		if (!is_digit(p[i]) && p[i] != '-' && p[i] != '*')
			return false;
		i++;
	}
	return i > 0;
}

/*
 * Split text into specs and parse each into out. Whitespace always separates; a comma
 * separates too, except inside an nmap octet list: in the first three octets always, and in
 * the last octet when what follows is another octet item rather than an address
 * ("192.0.2.1,3,5-7" is one spec, "192.0.2.1,192.0.2.9" two). *nspecs counts the specs.
 */
static int parse_list(struct cs_sv text, struct rvec *out, const char *where, const char *kind,
		      size_t *nspecs, struct cs_err *err)
{
	size_t i = 0;
	int r;

	while (i < text.n) {
		while (i < text.n && (is_space(text.p[i]) || text.p[i] == ','))
			i++;
		if (i == text.n)
			break;
		size_t start = i;
		unsigned dots = 0;
		bool octet_chars = true; /* only digits, dots, commas, '*' and '-' so far */
		while (i < text.n && !is_space(text.p[i])) {
			char ch = text.p[i];
			if (ch == ',') {
				if (!octet_chars || dots > 3)
					break;
				if (dots == 3 &&
				    !octet_item_follows(text.p + i + 1, text.n - i - 1))
					break;
			} else if (ch == '.') {
				dots++;
			} else if (!is_digit(ch) && ch != '*' && ch != '-') {
				octet_chars = false;
			}
			i++;
		}
		struct spec_ctx c = {where, kind, cs_sv_make(text.p + start, i - start), err};
		if ((r = parse_spec(&c, out)) != CS_OK)
			return r;
		(*nspecs)++;
	}
	return CS_OK;
}

static int add_text(struct cs_targets *t, const char *text, bool exclude, struct cs_err *err)
{
	struct rvec pend = {0};
	const char *kind = exclude ? "exclusion" : "target";
	size_t nspecs = 0;
	int r;

	if (t == NULL || text == NULL)
		return cs_err_set(err, CS_EINVAL, "no %s given", kind);
	if ((r = parse_list(cs_sv_cstr(text), &pend, "", kind, &nspecs, err)) != CS_OK)
		goto out;
	if (nspecs == 0) {
		r = cs_err_set(err, CS_EPARSE, "empty %s specification", kind);
		goto out;
	}
	r = commit(t, &pend, exclude, "", err);
out:
	rv_free(&pend);
	return r;
}

/*
 * Read one line (without its newline) into buf, which holds CS_TARGETS_MAX_LINE bytes.
 * Returns 1 for a line, 0 at the end of the file, CS_ETOOBIG or CS_EIO. NUL bytes are kept,
 * so that they are reported rather than silently cutting the line.
 */
static int read_line(FILE *f, char *buf, size_t *len)
{
	size_t n = 0;
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (n == CS_TARGETS_MAX_LINE)
			return CS_ETOOBIG;
		buf[n++] = (char)ch;
	}
	*len = n;
	if (ch == EOF && ferror(f))
		return CS_EIO;
	return ch == EOF && n == 0 ? 0 : 1;
}

static int add_file(struct cs_targets *t, const char *path, bool exclude, struct cs_err *err)
{
	struct rvec pend = {0};
	const char *kind = exclude ? "exclusion" : "target";
	FILE *f = NULL;
	char *line = NULL;
	size_t len, lineno = 0, nspecs = 0;
	int r = CS_EIO;

	if (t == NULL || path == NULL)
		return cs_err_set(err, CS_EINVAL, "no %s file given", kind);
	if ((line = malloc(CS_TARGETS_MAX_LINE)) == NULL) {
		r = cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	if (strcmp(path, "-") == 0) {
		f = stdin;
	} else if ((f = fopen(path, "r")) == NULL) {
		r = cs_err_set(err, CS_EIO, "cannot open %s file '%s': %s", kind, path,
			       strerror(errno));
		goto out;
	}
	while ((r = read_line(f, line, &len)) == 1) {
		char where[512];
		lineno++;
		snprintf(where, sizeof(where), "%s:%zu: ", path, lineno);
		const char *hash = memchr(line, '#', len);
		size_t n = hash != NULL ? (size_t)(hash - line) : len;
		if ((r = parse_list(cs_sv_make(line, n), &pend, where, kind, &nspecs, err)) !=
		    CS_OK)
			goto out;
	}
	if (r == CS_ETOOBIG) {
		r = cs_err_set(err, r, "%s:%zu: line longer than %d bytes", path, lineno + 1,
			       CS_TARGETS_MAX_LINE);
		goto out;
	}
	if (r == CS_EIO) {
		r = cs_err_set(err, r, "cannot read %s file '%s': %s", kind, path, strerror(errno));
		goto out;
	}
	if (pend.n > 0) {
		char where[512];
		snprintf(where, sizeof(where), "%s: ", path);
		r = commit(t, &pend, exclude, where, err);
	} else {
		r = CS_OK;
	}
out:
	if (f != NULL && f != stdin)
		fclose(f);
	free(line);
	rv_free(&pend);
	return r;
}

/* ---- the public interface ---------------------------------------------------------------- */

void cs_targets_init(struct cs_targets *t)
{
	memset(t, 0, sizeof(*t));
}

void cs_targets_free(struct cs_targets *t)
{
	if (t == NULL)
		return;
	free(t->inc);
	free(t->exc);
	free(t->r);
	free(t->before);
	memset(t, 0, sizeof(*t));
}

int cs_targets_add(struct cs_targets *t, const char *spec, struct cs_err *err)
{
	return add_text(t, spec, false, err);
}

int cs_targets_add_file(struct cs_targets *t, const char *path, struct cs_err *err)
{
	return add_file(t, path, false, err);
}

int cs_targets_exclude(struct cs_targets *t, const char *spec, struct cs_err *err)
{
	return add_text(t, spec, true, err);
}

int cs_targets_exclude_file(struct cs_targets *t, const char *path, struct cs_err *err)
{
	return add_file(t, path, true, err);
}

uint64_t cs_targets_count(const struct cs_targets *t)
{
	return t->count;
}

/* The last interval starting at or below addr, or nr if none does. */
static size_t find_range(const struct cs_targets *t, uint32_t addr)
{
	size_t lo = 0, hi = t->nr; /* answer in [lo - 1, hi) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->r[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 ? lo - 1 : t->nr;
}

uint32_t cs_targets_at(const struct cs_targets *t, uint64_t index)
{
	size_t lo = 0, hi = t->nr;

	if (index >= t->count)
		return 0;
	/* The last interval with before[i] <= index; before[0] == 0, so one exists. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->before[mid] <= index)
			lo = mid;
		else
			hi = mid;
	}
	return t->r[lo].lo + (uint32_t)(index - t->before[lo]);
}

bool cs_targets_contains(const struct cs_targets *t, uint32_t addr)
{
	size_t i = find_range(t, addr);
	return i < t->nr && addr <= t->r[i].hi;
}

size_t cs_targets_nranges(const struct cs_targets *t)
{
	return t->nr;
}

struct cs_ipv4_range cs_targets_range(const struct cs_targets *t, size_t i)
{
	return i < t->nr ? t->r[i] : (struct cs_ipv4_range){0, 0};
}

/* Address space that is not public: private, loopback, link-local, CGN, multicast, reserved. */
static const struct {
	uint32_t net;
	unsigned bits;
} non_public[] = {
	{0x00000000, 8},  /* 0/8 "this network" */
	{0x0a000000, 8},  /* 10/8 private */
	{0x64400000, 10}, /* 100.64/10 carrier-grade NAT */
	{0x7f000000, 8},  /* 127/8 loopback */
	{0xa9fe0000, 16}, /* 169.254/16 link-local */
	{0xac100000, 12}, /* 172.16/12 private */
	{0xc0000200, 24}, /* 192.0.2/24 TEST-NET-1 */
	{0xc0a80000, 16}, /* 192.168/16 private */
	{0xc6336400, 24}, /* 198.51.100/24 TEST-NET-2 */
	{0xcb007100, 24}, /* 203.0.113/24 TEST-NET-3 */
	{0xe0000000, 4},  /* 224/4 multicast */
	{0xf0000000, 4},  /* 240/4 reserved and broadcast */
};

static uint32_t prefix_mask(unsigned bits)
{
	return bits == 0 ? 0 : UINT32_MAX << (32 - bits);
}

bool cs_targets_is_public(uint32_t addr)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(non_public); i++)
		if ((addr & prefix_mask(non_public[i].bits)) == non_public[i].net)
			return false;
	return true;
}

/* How many addresses to scan are below x (x up to 2^32). */
static uint64_t count_below(const struct cs_targets *t, uint64_t x)
{
	if (x == 0 || t->nr == 0)
		return 0;
	size_t i = find_range(t, (uint32_t)(x - 1));
	if (i == t->nr)
		return 0;
	uint64_t end = (uint64_t)t->r[i].hi + 1;
	return t->before[i] + (end < x ? end : x) - t->r[i].lo;
}

uint64_t cs_targets_public_count(const struct cs_targets *t)
{
	uint64_t n = t->count;
	for (size_t i = 0; i < CS_ARRAY_SIZE(non_public); i++) {
		uint64_t lo = non_public[i].net;
		uint64_t hi = lo + ((uint64_t)1 << (32 - non_public[i].bits));
		n -= count_below(t, hi) - count_below(t, lo);
	}
	return n;
}

char *cs_ipv4_format(uint32_t addr, char *out)
{
	snprintf(out, CS_IPV4_STRLEN, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255,
		 (addr >> 8) & 255, addr & 255);
	return out;
}
