/*
 * discover.h - the UDP discovery protocols cameras answer (ONVIF WS-Discovery, Hikvision SADP,
 * Dahua DHIP, SSDP, mDNS): the requests camsweep sends, whether a datagram is a reply, and
 * turning a reply into observations for the identification engine.
 *
 * Usage:
 *
 *	if (cs_disc_load(kb->data_dirs[0], &err) != CS_OK)  // once: data/probes/ files
 *		fail(err.msg);
 *	for (size_t i = 0; i < cs_disc_request_count(CS_DISC_WSD); i++)
 *		cs_disc_request(CS_DISC_WSD, i, NULL, buf, sizeof(buf), &len); // fresh MessageID
 *	...
 *	if (cs_disc_is_reply(CS_DISC_WSD, reply, n))
 *		cs_disc_observe(id, CS_DISC_WSD, reply, n, &err);
 *	cs_disc_free();
 *
 * Every request is read from a data file (data/probes/README.md says which) and passes the
 * same non-intrusive check as the TCP payloads (cs_probe_payload_forbidden), plus a check per
 * protocol: SADP only ever carries <Types>inquiry</Types> and DHIP only DHDiscover.search,
 * because the same channels carry activate, reset and reboot commands. Loading and freeing are
 * not thread-safe; building requests is, once loaded. The sockets are in udp.h.
 */
#ifndef CS_DISCOVER_H
#define CS_DISCOVER_H

#include "common/err.h"
#include "common/str.h"
#include "ident/ident.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* id, name, UDP port, multicast group (dotted quad) */
#define CS_DISC_PROTOS(X)                                                                          \
	X(WSD, "wsd", 3702, "239.255.255.250")                                                     \
	X(SADP, "sadp", 37020, "239.255.255.250")                                                  \
	X(DHIP, "dhip", 37810, "239.255.255.251")                                                  \
	X(SSDP, "ssdp", 1900, "239.255.255.250")                                                   \
	X(MDNS, "mdns", 5353, "224.0.0.251")

enum cs_disc_proto {
#define X(id, name, port, group) CS_DISC_##id,
	CS_DISC_PROTOS(X)
#undef X
		CS_DISC_COUNT
};

enum {
	CS_DISC_REQ_MAX = 4096,	   /* bytes of one request */
	CS_DISC_REPLY_MAX = 65536, /* bytes of one reply datagram we keep */
	CS_DISC_ALL = (1u << CS_DISC_COUNT) - 1,
};

const char *cs_disc_name(enum cs_disc_proto p);
uint16_t cs_disc_port(enum cs_disc_proto p);
/* The protocol's multicast group, host byte order. */
uint32_t cs_disc_group(enum cs_disc_proto p);

/*
 * Parse a comma-separated list of protocol names ("wsd,sadp") into a bit set (1 << proto).
 * CS_EINVAL with the unknown name in err.
 */
int cs_disc_parse_list(const char *s, unsigned *mask, struct cs_err *err);

/*
 * Load the request files from <data_dir>/probes. A missing, oversized, malformed or refused
 * file is CS_EIO, CS_ETOOBIG or CS_EDATA with "path:line: why" in err; nothing is loaded then.
 */
int cs_disc_load(const char *data_dir, struct cs_err *err);
void cs_disc_free(void); /* safe when nothing is loaded */

/* The request files under <data dir>/probes/, in the order they are sent. */
extern const char *const cs_disc_files[];
extern const size_t cs_disc_nfiles;

/* How many requests protocol p sends per round (0 when not loaded). */
size_t cs_disc_request_count(enum cs_disc_proto p);

/*
 * Write request i of protocol p into buf[0..cap), its length into *len. dest is the dotted
 * quad the request goes to (SSDP's HOST header), NULL for the multicast group. Every call
 * draws a fresh UUID where the request has one. CS_ENOTFOUND (no such request or nothing
 * loaded), CS_ETOOBIG (cap short), CS_EIO (no random bytes).
 */
int cs_disc_request(enum cs_disc_proto p, size_t i, const char *dest, char *buf, size_t cap,
		    size_t *len);

/*
 * The --fetch follow-up for SSDP (data/probes/upnp-description.txt): a GET of path with Host
 * authority ("192.0.2.7:49152"). CS_EINVAL when path is not an absolute path of printable
 * characters without spaces (at most 512), CS_ENOTFOUND when nothing is loaded, CS_ETOOBIG.
 */
int cs_disc_upnp_request(const char *authority, const char *path, char *buf, size_t cap,
			 size_t *len);

/*
 * Is p[0..n), received from the protocol's port, a reply (rather than someone's request, our
 * own looped-back multicast, or noise)? Cheap checks only; the parsers judge the rest.
 */
bool cs_disc_is_reply(enum cs_disc_proto proto, const char *p, size_t n);

/*
 * Feed one reply to the identification engine: WS-Discovery, SADP, DHIP and SSDP through the
 * input kinds of input.c; mDNS through cs_mdns_parse (host names, instance names and TXT
 * key=value pairs). CS_EPARSE (detail in err) when the reply does not parse.
 */
int cs_disc_observe(struct cs_ident *id, enum cs_disc_proto proto, const char *p, size_t n,
		    struct cs_err *err);

/* ---- mDNS (mdns.c) ---- */

enum {
	CS_DNS_A = 1,
	CS_DNS_PTR = 12,
	CS_DNS_TXT = 16,
	CS_DNS_AAAA = 28,
	CS_DNS_SRV = 33,
	CS_DNS_NAME_MAX = 256, /* a decoded name, dotted, with its NUL */
};

struct cs_mdns_rr {
	char name[CS_DNS_NAME_MAX]; /* owner, dotted, no trailing dot */
	uint16_t type;
	char target[CS_DNS_NAME_MAX]; /* PTR and SRV: the name pointed to; "" otherwise */
	uint16_t port;		      /* SRV */
	uint32_t addr;		      /* A, host byte order */
	const char *rdata;	      /* the record's data: a view into the message */
	size_t rdlen;		      /* clamped to the message */
};

/*
 * Walk the records (answers, authority, additional) of the DNS message p[0..n), calling cb for
 * each. Names follow compression pointers (at most 32 jumps, never forward into a loop) and are
 * cut at CS_DNS_NAME_MAX. Counts and lengths from the message are never trusted beyond n.
 * Returns 0 after every record, the callback's non-zero value when it stops the walk, or
 * CS_EPARSE when the message is not a DNS response or breaks off (records before the break
 * were delivered).
 */
int cs_mdns_parse(const char *p, size_t n, int (*cb)(void *ctx, const struct cs_mdns_rr *rr),
		  void *ctx);

/*
 * Write a legacy-unicast mDNS query (id 0, one PTR question per name, QU bit set so that
 * responders answer the sender directly) into buf[0..cap). names are dotted service names.
 * CS_EINVAL for a label longer than 63 bytes or a name longer than 253, CS_ETOOBIG when cap
 * is short.
 */
int cs_mdns_build_query(const char *const *names, size_t nnames, char *buf, size_t cap,
			size_t *len);

#endif
