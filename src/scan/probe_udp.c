/*
 * probe_udp.c - the UDP probes: one inquiry datagram to a live host's discovery port, and the
 * one reply it sends back, fed to identification as the matching input kind.
 *
 *   ubnt  UDP 10001  Ubiquiti discovery v1: 01 00 00 00 -> TLVs naming MAC, model, firmware
 *
 * These are the inquiries the vendors' own tools broadcast; sent unicast they reach devices on
 * routed networks where multicast does not. Only inquiries: never a command.
 */
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
