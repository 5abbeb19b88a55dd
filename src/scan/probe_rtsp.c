/*
 * probe_rtsp.c - the "rtsp" probe: OPTIONS then DESCRIBE on the root URL of an RTSP port
 * (554, 8554), without credentials.
 *
 *   e.g.  RTSP/1.0 401 Unauthorized\r\n
 *         CSeq: 2\r\n
 *         WWW-Authenticate: Digest realm="IP Camera(C2183)", nonce="...", stale="FALSE"\r\n
 *
 * The Server header ("Dahua Rtsp Server"), the realm of the 401 ("Hikvision", "IP Camera(...)",
 * "device") and the Public method list identify the maker (fingerprinting-signals.md 1.1, 5.6).
 * We never SETUP or PLAY a stream and never try a route or a password (cameradar's brute force
 * is what this probe is not).
 */
#include "scan/probe_data.h"
#include "scan/probe_int.h"

static const char *const step_payload[] = {"rtsp-options", "rtsp-describe"};

static int rtsp_request(const struct cs_probe_target *t, int step, char *buf, size_t cap,
			size_t *len)
{
	if (step < 0 || (size_t)step >= CS_ARRAY_SIZE(step_payload))
		return CS_ENOTFOUND;
	return cs_probe_payload(step_payload[step], t, buf, cap, len);
}

/* The head, and a body only when Content-Length announces one (RFC 2326 12.14). */
static enum cs_probe_done rtsp_complete(int step, const char *buf, size_t len)
{
	if (!cs_probe_could_be(buf, len, "RTSP/") && cs_probe_could_be(buf, len, "HTTP/"))
		return cs_probe_message_complete(buf, len, false);
	return cs_probe_message_complete(buf, len, true);
}

static bool rtsp_recognise(const char *buf, size_t len)
{
	return cs_probe_starts_with(buf, len, "RTSP/");
}

static int rtsp_observe(struct cs_ident *id, const struct cs_probe_target *t, int step,
			const char *buf, size_t len)
{
	if (len == 0)
		return CS_OK;
	/* Some servers on an RTSP port answer in HTTP: read that as what it is. */
	if (cs_probe_starts_with(buf, len, "HTTP/"))
		return cs_probe_feed(id, CS_IN_HTTP, buf, len);
	return cs_probe_feed(id, CS_IN_RTSP, buf, len);
}

const struct cs_probe cs_probe_rtsp = {
	.name = "rtsp",
	.summary = "RTSP: OPTIONS and DESCRIBE on the root URL, no credentials (Server, realm, "
		   "Public)",
	.server_first = false,
	.wants_tls = false,
	.keeps_conn = true,
	.request = rtsp_request,
	.complete = rtsp_complete,
	.recognise = rtsp_recognise,
	.observe = rtsp_observe,
};
