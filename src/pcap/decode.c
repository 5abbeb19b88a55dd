/*
 * decode.c - link, network and transport headers of a captured frame (see decode.h).
 *
 * Layers are peeled one at a time with a cursor (p, n) that only ever shrinks; each step checks
 * its header length against n before reading it. A length field larger than what was captured
 * is clamped and noted (truncated), never believed.
 */
#include "pcap/decode.h"

#include "common/err.h"

#include <string.h>

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void decode_udp(const uint8_t *p, size_t n, struct cs_pkt *k)
{
	/* e.g. 9d 1c 0e 76 00 2c 00 00: ports 40220 -> 3702, length 44 */
	if (n < 8) {
		k->truncated = true;
		return;
	}
	size_t len = be16(p + 4);
	k->l4 = 17;
	k->sport = be16(p);
	k->dport = be16(p + 2);
	if (len < 8 || len > n) {
		/* Zero (a jumbogram) or more than captured: keep what is there. */
		if (len > n)
			k->truncated = true;
		len = n;
	}
	k->payload = p + 8;
	k->plen = len - 8;
}

static void decode_tcp(const uint8_t *p, size_t n, struct cs_pkt *k)
{
	if (n < 20) {
		k->truncated = true;
		return;
	}
	size_t off = (size_t)(p[12] >> 4) * 4;
	if (off < 20 || off > n) {
		k->truncated = true;
		return;
	}
	k->l4 = 6;
	k->sport = be16(p);
	k->dport = be16(p + 2);
	k->seq = be32(p + 4);
	k->tcp_flags = p[13];
	k->payload = p + off;
	k->plen = n - off;
}

static void decode_l4(int proto, const uint8_t *p, size_t n, struct cs_pkt *k)
{
	if (proto == 17)
		decode_udp(p, n, k);
	else if (proto == 6)
		decode_tcp(p, n, k);
}

static void decode_ipv4(const uint8_t *p, size_t n, struct cs_pkt *k)
{
	if (n < 20 || (p[0] >> 4) != 4) {
		k->truncated = n < 20;
		return;
	}
	size_t ihl = (size_t)(p[0] & 0x0f) * 4, tot = be16(p + 2);
	if (ihl < 20 || ihl > n) {
		k->truncated = true;
		return;
	}
	if (tot > n) {
		k->truncated = true;
		tot = n;
	} else if (tot < ihl) {
		tot = n; /* TSO captures write 0 here */
	}
	k->ipver = 4;
	memcpy(k->src_ip, p + 12, 4);
	memcpy(k->dst_ip, p + 16, 4);
	uint16_t frag = be16(p + 6);
	if ((frag & 0x1fff) != 0) {
		k->frag_later = true;
		return;
	}
	k->frag_first = (frag & 0x2000) != 0;
	decode_l4(p[9], p + ihl, tot - ihl, k);
}

static void decode_ipv6(const uint8_t *p, size_t n, struct cs_pkt *k)
{
	if (n < 40 || (p[0] >> 4) != 6) {
		k->truncated = n < 40;
		return;
	}
	size_t plen = be16(p + 4);
	int next = p[6];
	k->ipver = 6;
	memcpy(k->src_ip, p + 8, 16);
	memcpy(k->dst_ip, p + 24, 16);
	p += 40;
	n -= 40;
	if (plen > n) {
		k->truncated = true;
		plen = n;
	} else if (plen == 0) {
		plen = n;
	}
	n = plen;
	/* Extension headers; eight is more than any real packet carries. */
	for (int i = 0; i < 8; i++) {
		size_t hl;
		if (next == 0 || next == 43 || next == 60) {
			if (n < 8)
				goto cut;
			hl = ((size_t)p[1] + 1) * 8;
		} else if (next == 51) {
			if (n < 8)
				goto cut;
			hl = ((size_t)p[1] + 2) * 4;
		} else if (next == 44) {
			if (n < 8)
				goto cut;
			uint16_t off = be16(p + 2);
			if ((off & 0xfff8) != 0) {
				k->frag_later = true;
				return;
			}
			k->frag_first = (off & 1) != 0;
			hl = 8;
		} else {
			decode_l4(next, p, n, k);
			return;
		}
		if (hl > n)
			goto cut;
		next = p[0];
		p += hl;
		n -= hl;
	}
	return;
cut:
	k->truncated = true;
}

static void decode_ethertype(uint16_t et, const uint8_t *p, size_t n, struct cs_pkt *k)
{
	k->ethertype = et;
	k->payload = p;
	k->plen = n;
	if (et == 0x0800) {
		k->payload = NULL, k->plen = 0;
		decode_ipv4(p, n, k);
	} else if (et == 0x86dd) {
		k->payload = NULL, k->plen = 0;
		decode_ipv6(p, n, k);
	} else if (et == 0x0806) {
		/* htype 1, ptype 0x0800, hlen 6, plen 4: the only ARP we read. */
		if (n >= 28 && be16(p) == 1 && be16(p + 2) == 0x0800 && p[4] == 6 && p[5] == 4) {
			k->arp = true;
			k->arp_sha = p + 8;
			k->arp_spa = p + 14;
		} else if (n < 28) {
			k->truncated = true;
		}
	}
}

static int decode_ether(const uint8_t *p, size_t n, struct cs_pkt *k)
{
	if (n < 14)
		return CS_EPARSE;
	k->dst_mac = p;
	k->src_mac = p + 6;
	uint16_t et = be16(p + 12);
	p += 14;
	n -= 14;
	/* 802.1Q (0x8100), 802.1ad (0x88a8) and the pre-standard QinQ 0x9100. */
	while (et == 0x8100 || et == 0x88a8 || et == 0x9100) {
		if (n < 4 || k->nvlan == CS_PKT_MAX_VLAN) {
			k->truncated = n < 4;
			return 0;
		}
		if (k->nvlan == 0)
			k->vlan = be16(p) & 0x0fff;
		k->nvlan++;
		et = be16(p + 2);
		p += 4;
		n -= 4;
	}
	if (et < 0x0600) /* an 802.3 length: LLC, nothing we read */
		return 0;
	decode_ethertype(et, p, n, k);
	return 0;
}

static void decode_raw(const uint8_t *p, size_t n, struct cs_pkt *k)
{
	if (n < 1)
		return;
	if ((p[0] >> 4) == 4)
		decode_ethertype(0x0800, p, n, k);
	else if ((p[0] >> 4) == 6)
		decode_ethertype(0x86dd, p, n, k);
}

int cs_pkt_decode(int link, const uint8_t *p, size_t n, struct cs_pkt *k)
{
	memset(k, 0, sizeof(*k));
	switch (link) {
	case CS_LINK_ETHER: return decode_ether(p, n, k);
	case CS_LINK_RAW:
	case CS_LINK_RAW14:
	case CS_LINK_RAW101: decode_raw(p, n, k); return 0;
	case CS_LINK_IPV4: decode_ethertype(0x0800, p, n, k); return 0;
	case CS_LINK_IPV6: decode_ethertype(0x86dd, p, n, k); return 0;
	case CS_LINK_NULL: {
		if (n < 4)
			return CS_EPARSE;
		/* The family in the capturing host's order: accept either. */
		uint32_t le = (uint32_t)p[0] | (uint32_t)p[1] << 8, be = be32(p);
		uint32_t af = le != 0 ? le : be;
		if (af == 2)
			decode_ethertype(0x0800, p + 4, n - 4, k);
		else if (af == 24 || af == 28 || af == 30 || af == 10)
			decode_ethertype(0x86dd, p + 4, n - 4, k);
		return 0;
	}
	case CS_LINK_SLL: {
		/* type(2) arphrd(2) addrlen(2) addr(8) protocol(2) */
		if (n < 16)
			return CS_EPARSE;
		if (be16(p + 2) == 1 && be16(p + 4) == 6)
			k->src_mac = p + 6;
		decode_ethertype(be16(p + 14), p + 16, n - 16, k);
		return 0;
	}
	case CS_LINK_SLL2: {
		/* protocol(2) reserved(2) ifindex(4) arphrd(2) pkttype(1) addrlen(1) addr(8) */
		if (n < 20)
			return CS_EPARSE;
		if (be16(p + 8) == 1 && p[11] == 6)
			k->src_mac = p + 12;
		decode_ethertype(be16(p), p + 20, n - 20, k);
		return 0;
	}
	default: return CS_EUNSUPP;
	}
}

bool cs_ip_is_local(int ipver, const uint8_t *a)
{
	if (ipver == 4) {
		return a[0] == 10 || a[0] == 127 || a[0] == 0 ||
		       (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
		       (a[0] == 169 && a[1] == 254) || (a[0] == 100 && (a[1] & 0xc0) == 64) ||
		       a[0] >= 224;
	}
	if (ipver == 6) {
		/* Anything outside 2000::/3 (link-local, ULA, loopback, multicast, unspecified). */
		return (a[0] & 0xe0) != 0x20;
	}
	return true;
}
