/*
 * decode.h - one captured frame to the fields passive identification needs: source and
 * destination MAC (when the link layer has them), IPv4/IPv6 addresses, the UDP or TCP ports
 * and the transport payload, or an ARP sender.
 *
 * The frame is hostile and may be cut short by the capture's snaplen: every length is checked
 * against the bytes captured, lengths claimed by headers are clamped to them (truncated is set),
 * and nothing beyond p[0..n) is read. Nothing is copied: the views point into the frame.
 * Link types are numbered as libpcap's DLT_* values, so this file does not need libpcap.
 */
#ifndef CS_PCAP_DECODE_H
#define CS_PCAP_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cs_link {
	CS_LINK_NULL = 0,     /* BSD loopback: 4-byte address family in host order */
	CS_LINK_ETHER = 1,    /* Ethernet II / 802.3, with 802.1Q and QinQ tags */
	CS_LINK_RAW = 12,     /* raw IPv4 or IPv6 (DLT_RAW on Linux) */
	CS_LINK_RAW14 = 14,   /* DLT_RAW on some BSDs */
	CS_LINK_RAW101 = 101, /* LINKTYPE_RAW as written in files */
	CS_LINK_SLL = 113,    /* Linux cooked capture v1 */
	CS_LINK_IPV4 = 228,
	CS_LINK_IPV6 = 229,
	CS_LINK_SLL2 = 276, /* Linux cooked capture v2 */
};

enum { CS_PKT_MAX_VLAN = 4 };

struct cs_pkt {
	const uint8_t *src_mac, *dst_mac; /* NULL when the link layer gives none */
	uint16_t ethertype;		  /* of the innermost header; 0 when unknown */
	uint8_t nvlan;			  /* 802.1Q/802.1ad tags skipped */
	uint16_t vlan;			  /* the outermost VLAN id, when nvlan > 0 */
	uint8_t ipver;			  /* 0 (no IP), 4 or 6 */
	uint8_t src_ip[16], dst_ip[16];	  /* IPv4 in the first 4 bytes */
	uint8_t l4;			  /* 6 TCP, 17 UDP, 0 otherwise (or not decoded) */
	bool frag_later;		  /* a non-first IP fragment: no transport header */
	bool frag_first;		  /* the first fragment of a datagram: payload is partial */
	bool truncated;			  /* some header claimed more bytes than were captured */
	uint16_t sport, dport;
	uint8_t tcp_flags; /* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 */
	uint32_t seq;
	const uint8_t *payload; /* transport payload (or the link payload for non-IP frames) */
	size_t plen;
	/* ARP (ethertype 0x0806, Ethernet/IPv4 only) */
	bool arp;
	const uint8_t *arp_sha, *arp_spa; /* sender hardware and protocol address */
};

enum { CS_TCP_FIN = 0x01, CS_TCP_SYN = 0x02, CS_TCP_RST = 0x04, CS_TCP_ACK = 0x10 };

/*
 * Decode one frame of link type link. Returns 0 when something was decoded (possibly only the
 * link layer), CS_EUNSUPP for an unknown link type, CS_EPARSE when even the link header is
 * incomplete. *out is always reset first.
 */
int cs_pkt_decode(int link, const uint8_t *p, size_t n, struct cs_pkt *out);

/* Is this address private, link-local, loopback or otherwise not routed on the Internet? */
bool cs_ip_is_local(int ipver, const uint8_t *ip);

#endif
