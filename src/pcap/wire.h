/*
 * wire.h - the small binary protocols passive identification reads from captured payloads:
 * DHCP/BOOTP (who a client says it is), DNS (which names a host looks up) and the cleartext
 * part of a TLS handshake (the server's certificate, the client's server name).
 *
 * Each parser reads only p[0..n), trusts no length it finds there, and returns views into p
 * (valid as long as p is) or fills a caller-owned struct. Nothing allocates, nothing prints.
 * Returns 0, or CS_EPARSE for bytes that are not this protocol, CS_EAGAIN when a stream parser
 * needs more bytes, CS_ENOTFOUND when the message is valid but lacks what was asked for.
 */
#ifndef CS_PCAP_WIRE_H
#define CS_PCAP_WIRE_H

#include "common/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- DHCP (RFC 2131/2132) ---- */

struct cs_dhcp_info {
	uint8_t op;	       /* 1 request (client), 2 reply (server) */
	uint8_t msgtype;       /* option 53, 0 when absent */
	bool has_chaddr;       /* htype 1 (Ethernet) and hlen 6 */
	uint8_t chaddr[6];     /* client hardware address */
	struct cs_sv hostname; /* option 12 */
	struct cs_sv vendor;   /* option 60 vendor class identifier */
	struct cs_sv prl;      /* option 55 parameter request list: one code per byte */
};

int cs_dhcp_parse(const uint8_t *p, size_t n, struct cs_dhcp_info *out);

/* ---- DNS (RFC 1035) ---- */

enum { CS_DNS_MAX_NAMES = 8, CS_DNS_MAX_ADDRS = 8, CS_DNS_NAME_MAX = 256 };

struct cs_dns_info {
	bool response;
	/* Question names, and answer owner and CNAME target names: lower-case, dotted, no
	 * trailing dot; at most CS_DNS_MAX_NAMES, later ones are counted in names_dropped. */
	char names[CS_DNS_MAX_NAMES][CS_DNS_NAME_MAX];
	size_t nnames, names_dropped;
	/* A and AAAA answers (IPv4 in the first 4 bytes) */
	struct {
		uint8_t ver;
		uint8_t ip[16];
	} addrs[CS_DNS_MAX_ADDRS];
	size_t naddrs;
};

/* Decode a DNS message over UDP (no TCP length prefix). Compression pointers are followed at
 * most 16 times per name and only backwards, so a loop cannot hang it. */
int cs_dns_parse(const uint8_t *p, size_t n, struct cs_dns_info *out);

/* ---- TLS (RFC 5246 records and handshake) ---- */

/*
 * p[0..n) is the start of one direction of a TLS connection (server to client). Collects the
 * handshake messages across records into scratch (caller-owned, cap bytes) and finds the
 * first certificate of a TLS 1.2 (or older) Certificate message: *der views scratch.
 * CS_EAGAIN when the stream stops before the certificate is complete; CS_ENOTFOUND when the
 * handshake goes on without one (TLS 1.3 encrypts it); CS_ETOOBIG when scratch is too small.
 */
int cs_tls_server_cert(const uint8_t *p, size_t n, uint8_t *scratch, size_t cap, struct cs_sv *der);

/* The server_name of a ClientHello at the start of p (one record is enough). CS_EAGAIN when
 * the record is not complete yet. *name views p. */
int cs_tls_client_sni(const uint8_t *p, size_t n, struct cs_sv *name);

#endif
