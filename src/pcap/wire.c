/*
 * wire.c - DHCP, DNS and TLS handshake parsers for captured payloads (see wire.h).
 *
 * The rule everywhere: read a length, compare it with what is left, and stop (CS_EPARSE, or
 * CS_EAGAIN for a stream) when it does not fit. Offsets only grow, so every loop ends.
 */
#include "pcap/wire.h"

#include "common/err.h"

#include <string.h>

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* ---- DHCP ---- */

/*
 * e.g. op 01 htype 01 hlen 06 ... chaddr b0:c5:54:25:5b:0e ... magic 63 82 53 63,
 * then options: 35 01 03 (REQUEST), 0c 08 "DCS-935L", 3c 0c "udhcp 1.22.1", ff.
 */
int cs_dhcp_parse(const uint8_t *p, size_t n, struct cs_dhcp_info *out)
{
	static const uint8_t magic[4] = {0x63, 0x82, 0x53, 0x63};
	memset(out, 0, sizeof(*out));
	if (n < 240 || (p[0] != 1 && p[0] != 2) || memcmp(p + 236, magic, 4) != 0)
		return CS_EPARSE;
	out->op = p[0];
	if (p[1] == 1 && p[2] == 6) {
		out->has_chaddr = true;
		memcpy(out->chaddr, p + 28, 6);
	}
	size_t i = 240;
	while (i < n) {
		uint8_t code = p[i];
		if (code == 0) {
			i++;
			continue;
		}
		if (code == 255)
			break;
		if (i + 2 > n)
			return CS_EPARSE;
		size_t len = p[i + 1];
		if (i + 2 + len > n)
			return CS_EPARSE;
		struct cs_sv v = cs_sv_make((const char *)p + i + 2, len);
		if (code == 53 && len == 1)
			out->msgtype = p[i + 2];
		else if (code == 12)
			out->hostname = v;
		else if (code == 60)
			out->vendor = v;
		else if (code == 55)
			out->prl = v;
		i += 2 + len;
	}
	return CS_OK;
}

/* ---- DNS ---- */

/* Read the name at *off into out (lower-case, dotted); *off moves past it in the message. */
static int dns_name(const uint8_t *p, size_t n, size_t *off, char *out, size_t cap)
{
	size_t o = *off, w = 0, jumps = 0, end = 0;
	bool jumped = false;
	for (;;) {
		if (o >= n)
			return CS_EPARSE;
		uint8_t len = p[o];
		if ((len & 0xc0) == 0xc0) {
			if (o + 2 > n)
				return CS_EPARSE;
			size_t target = (size_t)(len & 0x3f) << 8 | p[o + 1];
			/* Only backwards, and not too often: no loops. */
			if (target >= o || ++jumps > 16)
				return CS_EPARSE;
			if (!jumped)
				end = o + 2;
			jumped = true;
			o = target;
			continue;
		}
		if ((len & 0xc0) != 0)
			return CS_EPARSE;
		if (len == 0) {
			if (!jumped)
				end = o + 1;
			break;
		}
		if (o + 1 + len > n)
			return CS_EPARSE;
		if (w + len + 2 > cap)
			return CS_ETOOBIG;
		if (w > 0)
			out[w++] = '.';
		for (size_t i = 0; i < len; i++) {
			unsigned char c = p[o + 1 + i];
			out[w++] = c < 0x21 || c > 0x7e ? '?' : (char)cs_lower(c);
		}
		o += 1 + len;
	}
	out[w] = '\0';
	*off = end;
	return CS_OK;
}

static void dns_add_name(struct cs_dns_info *d, const char *name)
{
	if (name[0] == '\0')
		return;
	for (size_t i = 0; i < d->nnames; i++)
		if (strcmp(d->names[i], name) == 0)
			return;
	if (d->nnames == CS_DNS_MAX_NAMES) {
		d->names_dropped++;
		return;
	}
	memcpy(d->names[d->nnames++], name, strlen(name) + 1);
}

/*
 * e.g. 12-byte header (id, flags 0x8180, qd 1, an 1), question "dev.hik-connect.com" A IN,
 * answer c0 0c 00 01 00 01 ttl rdlen 4 addr.
 */
int cs_dns_parse(const uint8_t *p, size_t n, struct cs_dns_info *d)
{
	char name[CS_DNS_NAME_MAX];
	memset(d, 0, sizeof(*d));
	if (n < 12)
		return CS_EPARSE;
	uint16_t flags = be16(p + 2), qd = be16(p + 4), an = be16(p + 6);
	if ((flags & 0x7800) != 0) /* only standard queries (opcode 0) */
		return CS_EPARSE;
	d->response = (flags & 0x8000) != 0;
	size_t off = 12;
	if (qd > 32 || an > 256)
		return CS_EPARSE;
	for (unsigned i = 0; i < qd; i++) {
		int r = dns_name(p, n, &off, name, sizeof(name));
		if (r != CS_OK)
			return r;
		if (off + 4 > n)
			return CS_EPARSE;
		off += 4;
		dns_add_name(d, name);
	}
	for (unsigned i = 0; i < an; i++) {
		int r = dns_name(p, n, &off, name, sizeof(name));
		if (r != CS_OK)
			return i > 0 ? CS_OK : r; /* keep the answers read before a bad one */
		if (off + 10 > n)
			return i > 0 ? CS_OK : CS_EPARSE;
		uint16_t type = be16(p + off), rdlen = be16(p + off + 8);
		off += 10;
		if (off + rdlen > n)
			return i > 0 ? CS_OK : CS_EPARSE;
		dns_add_name(d, name);
		if ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16)) {
			if (d->naddrs < CS_DNS_MAX_ADDRS) {
				d->addrs[d->naddrs].ver = type == 1 ? 4 : 6;
				memcpy(d->addrs[d->naddrs].ip, p + off, rdlen);
				d->naddrs++;
			}
		} else if (type == 5) {
			size_t o2 = off;
			if (dns_name(p, off + rdlen, &o2, name, sizeof(name)) == CS_OK)
				dns_add_name(d, name);
		}
		off += rdlen;
	}
	return CS_OK;
}

/* ---- TLS ---- */

/*
 * Records: 16 03 03 LL LL <handshake bytes>; handshake messages: type(1) len(3) body.
 * Certificate (11): certificates_len(3), then cert_len(3) DER, ...
 */
int cs_tls_server_cert(const uint8_t *p, size_t n, uint8_t *scratch, size_t cap, struct cs_sv *der)
{
	size_t off = 0, have = 0;
	if (n >= 1 && p[0] != 22)
		return CS_EPARSE;
	if (n >= 2 && p[1] != 3)
		return CS_EPARSE;
	for (;;) {
		/* Walk the handshake messages gathered so far. */
		size_t h = 0;
		while (h + 4 <= have) {
			uint8_t type = scratch[h];
			size_t len = be24(scratch + h + 1);
			if (type == 11) {
				if (h + 4 + len > have) {
					if (h + 4 + len > cap)
						return CS_ETOOBIG;
					break; /* need more records */
				}
				const uint8_t *b = scratch + h + 4;
				if (len < 6)
					return CS_ENOTFOUND;
				size_t total = be24(b), first = be24(b + 3);
				if (total + 3 > len || first + 6 > len || first < 2)
					return CS_EPARSE;
				*der = cs_sv_make((const char *)b + 6, first);
				return CS_OK;
			}
			if (type == 14 || type == 12 || type == 13 || type == 20)
				return CS_ENOTFOUND; /* past where the certificate would be */
			if (h + 4 + len > have) {
				if (h + 4 + len > cap)
					return CS_ETOOBIG;
				break;
			}
			h += 4 + len;
		}
		/* The next record. */
		if (off + 5 > n)
			return CS_EAGAIN;
		uint8_t ct = p[off];
		size_t rl = be16(p + off + 3);
		if (p[off + 1] != 3)
			return CS_EPARSE;
		if (ct == 20 || ct == 23 || ct == 21)
			return CS_ENOTFOUND; /* ChangeCipherSpec, data, alert: no certificate */
		if (ct != 22 || rl == 0 || rl > 18432)
			return CS_EPARSE;
		if (off + 5 + rl > n)
			return CS_EAGAIN;
		if (have + rl > cap)
			return CS_ETOOBIG;
		memcpy(scratch + have, p + off + 5, rl);
		have += rl;
		off += 5 + rl;
	}
}

int cs_tls_client_sni(const uint8_t *p, size_t n, struct cs_sv *name)
{
	if (n < 5)
		return CS_EAGAIN;
	if (p[0] != 22 || p[1] != 3)
		return CS_EPARSE;
	size_t rl = be16(p + 3);
	if (5 + rl > n)
		return CS_EAGAIN;
	const uint8_t *h = p + 5;
	size_t hn = rl;
	if (hn < 4 || h[0] != 1)
		return CS_EPARSE;
	size_t len = be24(h + 1);
	if (len + 4 < hn)
		hn = len + 4;
	/* type(1) len(3) version(2) random(32) */
	size_t o = 4 + 2 + 32;
	if (o + 1 > hn)
		return CS_EPARSE;
	o += 1 + h[o]; /* session id */
	if (o + 2 > hn)
		return CS_EPARSE;
	o += 2 + be16(h + o); /* cipher suites */
	if (o + 1 > hn)
		return CS_EPARSE;
	o += 1 + h[o]; /* compression methods */
	if (o + 2 > hn)
		return CS_ENOTFOUND;
	size_t ext_end = o + 2 + be16(h + o);
	if (ext_end > hn)
		ext_end = hn;
	o += 2;
	while (o + 4 <= ext_end) {
		uint16_t type = be16(h + o);
		size_t el = be16(h + o + 2);
		o += 4;
		if (o + el > ext_end)
			return CS_EPARSE;
		if (type == 0) {
			/* list_len(2) name_type(1) name_len(2) name */
			if (el < 5 || h[o + 2] != 0)
				return CS_EPARSE;
			size_t nl = be16(h + o + 3);
			if (5 + nl > el || nl == 0)
				return CS_EPARSE;
			*name = cs_sv_make((const char *)h + o + 5, nl);
			return CS_OK;
		}
		o += el;
	}
	return CS_ENOTFOUND;
}
