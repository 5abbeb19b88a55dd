/*
 * probe_udp.c - the UDP probes: one inquiry datagram to a live host's discovery port, and the
 * one reply it sends back, fed to identification as the matching input kind.
 *
 *   ubnt  UDP 10001  Ubiquiti discovery v1: 01 00 00 00 -> TLVs naming MAC, model, firmware
 *   wsd   UDP 3702   ONVIF WS-Discovery Probe for NetworkVideoTransmitter -> ProbeMatches
 *   sadp  UDP 37020  Hikvision SADP inquiry -> ProbeMatch (model, serial, MAC, firmware)
 *   dhip  UDP 37810  Dahua DHDiscover.search -> client.notifyDevInfo
 *   ssdp  UDP 1900   SSDP M-SEARCH ssdp:all -> the device's search reply
 *
 * The discovery requests are the ones `camsweep discover` multicasts (src/discover/, their
 * bytes in data/probes/); here the first request of each protocol goes to one address.
 * These are the inquiries the vendors' own tools broadcast; sent unicast they reach devices on
 * routed networks where multicast does not. Only inquiries: never a command.
 */
#include "discover/discover.h"
#include "scan/probe_data.h"
#include "scan/probe_int.h"

static enum cs_probe_done udp_complete(int step, const char *buf, size_t len)
{
	return CS_PROBE_DONE; /* one datagram is one whole reply */
}

static bool udp_recognise(const char *buf, size_t len)
{
	return false; /* never offered a TCP reply */
}

static int ubnt_request(const struct cs_probe_target *t, int step, char *buf, size_t cap,
			size_t *len)
{
	if (step != 0)
		return CS_ENOTFOUND;
	return cs_probe_payload("ubnt-discovery", t, buf, cap, len);
}

static int ubnt_observe(struct cs_ident *id, const struct cs_probe_target *t, int step,
			const char *buf, size_t len)
{
	return len > 0 ? cs_probe_feed(id, CS_IN_UBNT, buf, len) : CS_OK;
}

const struct cs_probe cs_probe_ubnt = {
	.name = "ubnt",
	.summary = "Ubiquiti discovery inquiry (UDP 10001): MAC, model, firmware",
	.udp_port = 10001,
	.request = ubnt_request,
	.complete = udp_complete,
	.recognise = udp_recognise,
	.observe = ubnt_observe,
};

/* The discovery protocols: one request (the protocol's first), one reply. */
#define DISC_PROBE(ID, NAME, PORT, SUMMARY)                                                        \
	static int ID##_request(const struct cs_probe_target *t, int step, char *buf, size_t cap,  \
				size_t *len)                                                       \
	{                                                                                          \
		if (step != 0)                                                                     \
			return CS_ENOTFOUND;                                                       \
		return cs_disc_request(CS_DISC_##ID, 0, t->host, buf, cap, len);                   \
	}                                                                                          \
	static int ID##_observe(struct cs_ident *id, const struct cs_probe_target *t, int step,    \
				const char *buf, size_t len)                                       \
	{                                                                                          \
		struct cs_err err;                                                                 \
		if (len == 0 || !cs_disc_is_reply(CS_DISC_##ID, buf, len))                         \
			return CS_OK;                                                              \
		int r = cs_disc_observe(id, CS_DISC_##ID, buf, len, &err);                         \
		return r == CS_ENOMEM ? r : CS_OK;                                                 \
	}                                                                                          \
	const struct cs_probe cs_probe_udp_##ID = {                                                \
		.name = NAME,                                                                      \
		.summary = SUMMARY,                                                                \
		.udp_port = PORT,                                                                  \
		.request = ID##_request,                                                           \
		.complete = udp_complete,                                                          \
		.recognise = udp_recognise,                                                        \
		.observe = ID##_observe,                                                           \
	};

DISC_PROBE(WSD, "wsd", 3702, "ONVIF WS-Discovery Probe, unicast (UDP 3702): scopes, XAddrs")
DISC_PROBE(SADP, "sadp", 37020, "Hikvision SADP inquiry, unicast (UDP 37020)")
DISC_PROBE(DHIP, "dhip", 37810, "Dahua DHIP DHDiscover.search, unicast (UDP 37810)")
DISC_PROBE(SSDP, "ssdp", 1900, "SSDP M-SEARCH, unicast (UDP 1900)")
