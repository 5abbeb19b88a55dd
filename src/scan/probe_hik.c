/*
 * probe_hik.c - the "hik-sdk" probe: Hikvision's SDK/iVMS control port (TCP 8000), read only.
 *
 * We connect and listen: a Hikvision SDK port answers with a fixed 16-byte message, which nmap
 * matches (nmap-service-probes, fingerprinting-signals.md 1.1):
 *
 *   l.1821   00 00 00 10 00 00 00 1e 00 00 00 1e 00 00 00 00   "Hikvision IPCam control port"
 *   l.14039  00 00 00 10 00 00 00 0d 00 00 00 0d 00 00 00 00   "hik-connect" (HikVision camera
 *                                                              control)
 *
 * Nothing is ever sent on this port: no SDK login, no command. If the port stays silent, the
 * engine's wait ends the conversation (or the engine tries HTTP, which some devices serve on
 * 8000); if it greets in HTTP or text, that is read as what it is.
 */
#include "scan/probe_int.h"

#include <string.h>

enum { GREETING_LEN = 16, BANNER_MAX = 256 };

static const unsigned char greeting_sdk[GREETING_LEN] = {0, 0, 0, 0x10, 0, 0, 0, 0x1e,
							 0, 0, 0, 0x1e, 0, 0, 0, 0};
static const unsigned char greeting_connect[GREETING_LEN] = {0, 0, 0, 0x10, 0, 0, 0, 0x0d,
							     0, 0, 0, 0x0d, 0, 0, 0, 0};

static int hik_request(const struct cs_probe_target *t, int step, char *buf, size_t cap,
		       size_t *len)
{
	if (step != 0)
		return CS_ENOTFOUND;
	*len = 0; /* server first: we only read */
	return CS_OK;
}

/* Is buf[0..len) a prefix of (or all of) a greeting? */
static bool greeting_prefix(const char *buf, size_t len)
{
	size_t n = len < GREETING_LEN ? len : GREETING_LEN;
	return memcmp(buf, greeting_sdk, n) == 0 || memcmp(buf, greeting_connect, n) == 0;
}

static enum cs_probe_done hik_complete(int step, const char *buf, size_t len)
{
	if (len == 0)
		return CS_PROBE_MORE;
	if (greeting_prefix(buf, len))
		return len >= GREETING_LEN ? CS_PROBE_DONE : CS_PROBE_MORE;
	if (cs_probe_could_be(buf, len, "HTTP/"))
		return cs_probe_message_complete(buf, len, false);
	/* Some other greeting: 16 bytes, or its first line, is what we read of it. */
	if (len >= GREETING_LEN || memchr(buf, '\n', len) != NULL)
		return CS_PROBE_DONE;
	return CS_PROBE_MORE;
}

/* As nmap matches them: l.1821 only at the start, l.14039 anchored at both ends. */
static bool hik_recognise(const char *buf, size_t len)
{
	return (len >= GREETING_LEN && memcmp(buf, greeting_sdk, GREETING_LEN) == 0) ||
	       (len == GREETING_LEN && memcmp(buf, greeting_connect, GREETING_LEN) == 0);
}

/* The first line of a printable greeting, or an empty view. */
static struct cs_sv text_banner(const char *buf, size_t len)
{
	size_t n = 0;
	while (n < len && n < BANNER_MAX && buf[n] != '\r' && buf[n] != '\n') {
		unsigned char c = (unsigned char)buf[n];
		if (c != '\t' && (c < 0x20 || c > 0x7e))
			return cs_sv_make(buf, 0);
		n++;
	}
	return cs_sv_make(buf, n);
}

static int hik_observe(struct cs_ident *id, const struct cs_probe_target *t, int step,
		       const char *buf, size_t len)
{
	if (len == 0)
		return CS_OK;
	if (hik_recognise(buf, len)) {
		bool sdk = memcmp(buf, greeting_sdk, GREETING_LEN) == 0;
		return cs_ident_observe(id, CS_SIG_PROTO,
					sdk ? CS_SV("hik-sdk-8000") : CS_SV("hik-connect"), 1.0);
	}
	if (cs_probe_starts_with(buf, len, "HTTP/"))
		return cs_probe_feed(id, CS_IN_HTTP, buf, len);
	struct cs_sv b = text_banner(buf, len);
	if (b.n > 0)
		return cs_probe_feed(id, CS_IN_BANNER, b.p, b.n);
	return CS_OK;
}

const struct cs_probe cs_probe_hik_sdk = {
	.name = "hik-sdk",
	.summary = "Hikvision SDK port (8000): reads the 16-byte greeting, sends nothing",
	.server_first = true,
	.wants_tls = false,
	.request = hik_request,
	.complete = hik_complete,
	.recognise = hik_recognise,
	.observe = hik_observe,
};
