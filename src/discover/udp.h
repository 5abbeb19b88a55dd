/*
 * udp.h - sending the discovery requests (discover.h) and collecting what comes back: to the
 * multicast groups and broadcast of one interface (`camsweep discover`), or unicast to a list
 * of addresses (the scanner's UDP phase).
 *
 * Replies are handed to a callback as they arrive, with the sender's address and which
 * protocol's socket they came in on; the callback decides what to keep. Nothing here
 * identifies or prints. Both functions block for about timeout_ms; they use one socket per
 * protocol and poll(2), and close everything before returning.
 */
#ifndef CS_DISCOVER_UDP_H
#define CS_DISCOVER_UDP_H

#include "common/err.h"
#include "discover/discover.h"

#include <net/if.h>
#include <stdint.h>

struct cs_udp_reply {
	uint32_t addr;		  /* sender, host byte order */
	uint16_t port;		  /* sender's port */
	enum cs_disc_proto proto; /* the request this answers */
	const char *data;	  /* the datagram; valid during the callback only */
	size_t len;		  /* at most CS_DISC_REPLY_MAX (longer datagrams are cut: trunc) */
	bool trunc;
};

/* Return 0 to go on, non-zero to stop collecting (that value is returned). */
typedef int (*cs_udp_reply_fn)(void *ctx, const struct cs_udp_reply *r);

struct cs_disc_iface {
	char name[IF_NAMESIZE];
	int index;
	uint32_t addr; /* its first IPv4 address, host byte order */
	uint32_t mask;
};

/*
 * Choose the interface to discover on. want non-NULL: that interface, which must be up and
 * have an IPv4 address. want NULL: the one non-loopback interface that is up with an IPv4
 * address; CS_EINVAL naming them when there are several (multicast goes out of one interface,
 * and guessing could send it onto the wrong network), or none.
 */
int cs_disc_pick_interface(const char *want, struct cs_disc_iface *out, struct cs_err *err);

struct cs_disc_opts {
	const struct cs_disc_iface *iface;
	unsigned protos;     /* bit set of 1 << enum cs_disc_proto */
	unsigned timeout_ms; /* collect for this long after the first round is sent */
	unsigned repeat;     /* rounds of requests (each with fresh UUIDs), at least 1 */
	volatile int *stop;  /* set from a signal handler to stop early; may be NULL */
	bool broadcast;	     /* also send DHIP and SADP to 255.255.255.255 (default on) */
};

/*
 * Send every loaded request of the chosen protocols to their multicast groups on o->iface
 * (IP_MULTICAST_IF, SO_BINDTODEVICE where permitted, TTL 1), o->repeat rounds spread over the
 * first half of the timeout, and call cb for each reply received until the timeout: on the
 * sending sockets, and for SADP also on 37020 joined to its group (where devices answer). Returns
 * CS_OK, the callback's non-zero value, or CS_EIO (detail in err) when a socket cannot be set
 * up; when it returns an error before sending, cb is never called.
 */
int cs_disc_multicast(const struct cs_disc_opts *o, cs_udp_reply_fn cb, void *ctx,
		      struct cs_err *err);

/*
 * Unicast: send the requests of the chosen protocols (WS-Discovery, SADP, DHIP, SSDP; mDNS
 * too when asked) to each of addrs[0..n) (host byte order), at most rate addresses per second
 * (0: no limit), and call cb for each reply from one of those addresses until timeout_ms after
 * the last send. stop as above. Returns CS_OK, the callback's value, or CS_EIO/CS_ENOMEM.
 */
int cs_udp_probe_hosts(const uint32_t *addrs, size_t n, unsigned protos, unsigned rate,
		       unsigned timeout_ms, volatile int *stop, cs_udp_reply_fn cb, void *ctx,
		       struct cs_err *err);

#endif
