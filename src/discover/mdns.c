/*
 * mdns.c - the little of DNS that mDNS discovery needs (RFC 1035 message format, RFC 6762
 * multicast DNS, RFC 6763 DNS-SD): building a PTR query for service names and walking the
 * records of a response (see discover.h).
 *
 * e.g. a response to "_axis-video._tcp.local PTR?" carries
 *	_axis-video._tcp.local PTR  AXIS M3045-V - ACCC8E7EA36D._axis-video._tcp.local
 *	AXIS M3045-V - ACCC8E7EA36D._axis-video._tcp.local  SRV 0 0 80 axis-accc8e7ea36d.local
 *	AXIS M3045-V - ACCC8E7EA36D._axis-video._tcp.local  TXT "macaddress=ACCC8E7EA36D"
 *	axis-accc8e7ea36d.local  A 192.0.2.20
 *
 * Everything here comes from whoever answered on the link: counts, lengths and compression
 * pointers are all clamped to the bytes received.
 */
#include "discover/discover.h"

#include <string.h>

enum {
	DNS_HEADER = 12,
	MAX_JUMPS = 32,
	MAX_RECORDS = 512, /* more than any honest responder sends in one datagram */
};

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Decode the name at *off into out (dotted); advance *off past it (past the first pointer when
 * compressed). Returns 0 or CS_EPARSE. Label bytes that would not print are kept as they are:
 * renderers escape (json.h, cs_term_safe).
 */
static int read_name(const unsigned char *m, size_t n, size_t *off, char out[CS_DNS_NAME_MAX])
{
	size_t pos = *off, o = 0, end = 0;
	int jumps = 0;
	bool jumped = false;

	out[0] = '\0';
	for (;;) {
		if (pos >= n)
			return CS_EPARSE;
		unsigned len = m[pos];
		if (len == 0) {
			if (!jumped)
				end = pos + 1;
			break;
		}
		if ((len & 0xc0) == 0xc0) {
			if (pos + 1 >= n)
				return CS_EPARSE;
			size_t to = (size_t)(len & 0x3f) << 8 | m[pos + 1];
			if (!jumped)
				end = pos + 2;
			/* A pointer must go backwards; with the jump limit, no loop is possible. */
			if (to >= pos || ++jumps > MAX_JUMPS)
				return CS_EPARSE;
			pos = to;
			jumped = true;
			continue;
		}
		if ((len & 0xc0) != 0)
			return CS_EPARSE; /* 0x40 and 0x80 label types are obsolete or unused */
		if (pos + 1 + len > n)
			return CS_EPARSE;
		for (unsigned i = 0; i <= len; i++) {
			if (o + 1 >= CS_DNS_NAME_MAX)
				break; /* cut: still well formed */
			char c = i == 0 ? '.' : (char)m[pos + i];
			if (i == 0 && o == 0)
				continue;
			out[o++] = c;
		}
		pos += 1 + len;
	}
	out[o] = '\0';
	*off = end;
	return CS_OK;
}

int cs_mdns_parse(const char *p, size_t n, int (*cb)(void *ctx, const struct cs_mdns_rr *rr),
		  void *ctx)
{
	const unsigned char *m = (const unsigned char *)p;
	struct cs_mdns_rr rr;
	char skip[CS_DNS_NAME_MAX];
	size_t off = DNS_HEADER;

	if (n < DNS_HEADER || !(m[2] & 0x80))
		return CS_EPARSE; /* too short, or a query (QR bit clear) */
	unsigned qd = be16(m + 4);
	unsigned nrr = (unsigned)be16(m + 6) + be16(m + 8) + be16(m + 10);
	for (unsigned i = 0; i < qd; i++) {
		if (read_name(m, n, &off, skip) != CS_OK || off + 4 > n)
			return CS_EPARSE;
		off += 4;
	}
	if (nrr > MAX_RECORDS)
		nrr = MAX_RECORDS;
	for (unsigned i = 0; i < nrr; i++) {
		memset(&rr, 0, sizeof(rr));
		if (read_name(m, n, &off, rr.name) != CS_OK || off + 10 > n)
			return CS_EPARSE;
		rr.type = be16(m + off);
		size_t rdlen = be16(m + off + 8);
		off += 10;
		if (rdlen > n - off)
			return CS_EPARSE; /* the length lies: stop here */
		rr.rdata = p + off;
		rr.rdlen = rdlen;
		size_t roff = off;
		switch (rr.type) {
		case CS_DNS_A:
			if (rdlen != 4)
				return CS_EPARSE;
			rr.addr = (uint32_t)m[off] << 24 | (uint32_t)m[off + 1] << 16 |
				  (uint32_t)m[off + 2] << 8 | m[off + 3];
			break;
		case CS_DNS_PTR:
			/* The name must lie inside the record: parse a view that ends there. */
			if (read_name(m, off + rdlen, &roff, rr.target) != CS_OK)
				return CS_EPARSE;
			break;
		case CS_DNS_SRV:
			if (rdlen < 7)
				return CS_EPARSE;
			rr.port = be16(m + off + 4);
			roff = off + 6;
			if (read_name(m, off + rdlen, &roff, rr.target) != CS_OK)
				return CS_EPARSE;
			break;
		default: break;
		}
		off += rdlen;
		int r = cb(ctx, &rr);
		if (r != 0)
			return r;
	}
	return CS_OK;
}

int cs_mdns_build_query(const char *const *names, size_t nnames, char *buf, size_t cap, size_t *len)
{
	unsigned char *b = (unsigned char *)buf;
	size_t o = DNS_HEADER;

	if (cap < DNS_HEADER || nnames > 0xffff)
		return CS_ETOOBIG;
	memset(b, 0, DNS_HEADER);
	b[4] = (unsigned char)(nnames >> 8);
	b[5] = (unsigned char)nnames;
	for (size_t i = 0; i < nnames; i++) {
		const char *s = names[i];
		size_t sn = strlen(s);
		if (sn == 0 || sn > 253)
			return CS_EINVAL;
		while (*s != '\0') {
			const char *dot = strchr(s, '.');
			size_t l = dot != NULL ? (size_t)(dot - s) : strlen(s);
			if (l == 0 || l > 63)
				return CS_EINVAL;
			if (cap - o < l + 1)
				return CS_ETOOBIG;
			b[o++] = (unsigned char)l;
			memcpy(b + o, s, l);
			o += l;
			s += l + (dot != NULL);
		}
		if (cap - o < 5)
			return CS_ETOOBIG;
		b[o++] = 0;
		b[o++] = 0, b[o++] = CS_DNS_PTR;
		b[o++] = 0x80, b[o++] = 1; /* QU (unicast response wanted), class IN */
	}
	*len = o;
	return CS_OK;
}
