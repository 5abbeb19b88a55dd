/*
 * hosts.h - discovery replies grouped by the address that sent them: one entry per host, each
 * holding copies of its distinct replies, so that a device answering five protocols (or the
 * same Probe three times) becomes one device with all its evidence.
 *
 *	struct cs_disc_hosts h;
 *	cs_disc_hosts_init(&h);
 *	cs_disc_hosts_add(&h, reply);        // from a cs_udp_reply_fn
 *	cs_disc_hosts_sort(&h);              // address order
 *	for (size_t i = 0; i < h.n; i++) ... cs_disc_hosts_observe(&h.v[i], id, &err);
 *	cs_disc_hosts_free(&h);
 *
 * Caps, because anyone on the link can answer: CS_DISC_MAX_HOSTS hosts, CS_DISC_MAX_REPLIES
 * replies per host (at most CS_DISC_MAX_PER_PROTO per protocol), CS_DISC_MAX_BYTES in all.
 * Past a cap a reply is dropped and counted in `dropped`; identical replies are kept once.
 */
#ifndef CS_DISCOVER_HOSTS_H
#define CS_DISCOVER_HOSTS_H

#include "discover/udp.h"

enum {
	CS_DISC_MAX_HOSTS = 4096,
	CS_DISC_MAX_REPLIES = 16,
	CS_DISC_MAX_PER_PROTO = 4,
	CS_DISC_MAX_BYTES = 32 << 20,
	CS_DISC_FETCH_MAX = 256 * 1024, /* bytes of one follow-up HTTP response */
};

struct cs_disc_stored {
	enum cs_disc_proto proto;
	char *data; /* owned; len bytes */
	size_t len;
};

struct cs_disc_host {
	uint32_t addr; /* host byte order */
	char ip[16];
	unsigned protos; /* bit set of protocols that answered */
	struct cs_disc_stored r[CS_DISC_MAX_REPLIES];
	size_t nr;
	/* The follow-up HTTP responses (cs_disc_hosts_fetch): [0] ONVIF GetDeviceInformation, [1]
	 * the UPnP description; NULL when not asked or not answered; owned. */
	char *fetched[2];
	size_t fetched_len[2];
};

struct cs_disc_hosts {
	struct cs_disc_host *v; /* owned */
	size_t n, cap;
	size_t bytes;	/* reply bytes held */
	size_t replies; /* replies received (kept or not) */
	size_t dropped; /* replies dropped by a cap */
	size_t bad;	/* replies that did not parse (set by cs_disc_hosts_observe callers) */
};

void cs_disc_hosts_init(struct cs_disc_hosts *h);
void cs_disc_hosts_free(struct cs_disc_hosts *h); /* safe on a zeroed or freed struct */

/* Copy reply r into its host's entry. CS_OK (also when dropped by a cap) or CS_ENOMEM. */
int cs_disc_hosts_add(struct cs_disc_hosts *h, const struct cs_udp_reply *r);

/* Sort the hosts by address. */
void cs_disc_hosts_sort(struct cs_disc_hosts *h);

/*
 * Feed every reply of host to id (after cs_ident_reset by the caller) and set its address.
 * Returns how many replies did not parse (each is still partly observed: the parsers deliver
 * what they read before an error).
 */
size_t cs_disc_host_observe(const struct cs_disc_host *host, struct cs_ident *id);

/*
 * The follow-up (fetch.c): for every host whose WS-Discovery reply advertises its own device
 * service (an XAddr http://<its address>[:port]/onvif/device_service), send the scanner's
 * onvif-get-device-information payload (no credentials); for every host whose SSDP reply
 * names a LOCATION on its own address, GET that description (upnp-description.txt). The
 * responses go to host->fetched[], which cs_disc_host_observe then feeds as HTTP. All at once,
 * one deadline of timeout_ms. Needs cs_probe_data_load and cs_disc_load first (CS_EINVAL
 * otherwise). A host that refuses or stays silent just has no follow-up.
 */
int cs_disc_hosts_fetch(struct cs_disc_hosts *hs, unsigned timeout_ms, volatile int *stop,
			struct cs_err *err);

/* "3702/wsd,37020/sadp" into buf[0..cap): the ports text of a scan link. */
void cs_disc_host_ports(const struct cs_disc_host *host, char *buf, size_t cap);

#endif
