/*
 * probe_http.c - the "http" probe: six polite questions to a web port (80, 81, 8080; 443 and
 * 8443 inside TLS), each on its own connection, whose answers name the firmware's maker.
 *
 *   step 0  GET /                          Server header, header shape, title, body markers
 *   step 1  GET /favicon.ico               favicon MD5 / MurmurHash3 (fingerprinting-signals 1.7)
 *   step 2  GET /ISAPI/System/deviceInfo   unauthenticated: Hikvision's 401 and its realm
 *   step 3  POST /RPC2_Login               Dahua's login *challenge* only (code 268632079)
 *   step 4  ONVIF GetSystemDateAndTime     the one ONVIF call devices answer anonymously
 *   step 5  ONVIF GetDeviceInformation     maker, model, firmware when a device answers anonymously
 *
 * The bytes are in data/probes/NAME.req (probe_data.c). No step carries credentials; step 3 is
 * the first half of a login whose second half we never send (fingerprinting-signals.md 5.5).
 * The engine decides whether to run every step; this file only answers for each one.
 */
#include "scan/probe_data.h"
#include "scan/probe_int.h"

#include "proto/http.h"

#include <stdint.h>
#include <string.h>

enum http_step {
	STEP_ROOT,
	STEP_FAVICON,
	STEP_ISAPI,
	STEP_RPC2,
	STEP_ONVIF_TIME,
	STEP_ONVIF_INFO,
};

/* When a later step is worth asking, given what the host has said so far (http_wanted). */
enum ask {
	ASK_ALWAYS,  /* the answer can add model, firmware or serial whatever we know */
	ASK_UNSURE,  /* only while the maker is unknown or named by a label alone */
	ASK_UNKNOWN, /* only while no maker is named at all */
};

static const struct {
	const char *payload; /* data/probes/NAME.req */
	enum ask ask;
	const char *also_for; /* ...and also when this maker is named: its answer has more */
} steps[] = {
	[STEP_ROOT] = {"http-root", ASK_ALWAYS, NULL},
	[STEP_FAVICON] = {"http-favicon", ASK_UNKNOWN, NULL},
	[STEP_ISAPI] = {"http-isapi-deviceinfo", ASK_UNSURE, NULL},
	/* The challenge carries the serial ("realm":"Login to <serial>") and the MAC. */
	[STEP_RPC2] = {"http-rpc2-login", ASK_UNSURE, "Dahua"},
	[STEP_ONVIF_TIME] = {"onvif-get-system-date-and-time", ASK_UNSURE, NULL},
	[STEP_ONVIF_INFO] = {"onvif-get-device-information", ASK_ALWAYS, NULL},
};

/* Dahua's "Component error: login challenge!" (fingerprinting-signals.md 5.5). */
#define RPC2_CHALLENGE_CODE "268632079"

enum {
	CHUNK_LINE_MAX = 1024, /* a chunk-size line longer than this is not one */
};

/* ---- helpers shared with the other probes (probe_int.h) ---- */

static size_t skip_crlf(const char *buf, size_t len)
{
	size_t i = 0;
	while (i < len && (buf[i] == '\r' || buf[i] == '\n'))
		i++;
	return i;
}

bool cs_probe_starts_with(const char *buf, size_t len, const char *proto)
{
	size_t i = skip_crlf(buf, len), n = strlen(proto);
	return len - i >= n && cs_sv_iprefix(cs_sv_make(buf + i, len - i), cs_sv_make(proto, n));
}

bool cs_probe_could_be(const char *buf, size_t len, const char *proto)
{
	size_t i = skip_crlf(buf, len), n = strlen(proto);
	size_t m = len - i < n ? len - i : n;
	return cs_sv_iprefix(cs_sv_make(proto, n), cs_sv_make(buf + i, m));
}

int cs_probe_feed(struct cs_ident *id, enum cs_input_kind kind, const char *buf, size_t len)
{
	struct cs_err err;
	int r = cs_ident_feed(id, kind, buf, len, &err);
	return r == CS_ENOMEM ? r : CS_OK;
}

/*
 * Walk a chunked body, e.g. "1a;ext=1\r\n<26 bytes>\r\n0\r\nTrailer: x\r\n\r\n", without
 * copying it. DONE at the end of the trailers, MORE when it stops short, DONE when it is
 * malformed (more bytes cannot repair it; the engine observes what there is).
 */
static enum cs_probe_done chunked_complete(const char *p, size_t n)
{
	size_t i = 0;
	for (;;) {
		const char *lf = memchr(p + i, '\n', n - i);
		if (lf == NULL)
			return n - i > CHUNK_LINE_MAX ? CS_PROBE_DONE : CS_PROBE_MORE;
		size_t line_end = (size_t)(lf - p), size = 0, digits = 0;
		while (i < line_end && cs_hexval((unsigned char)p[i]) >= 0) {
			if (++digits > sizeof(size_t) * 2 - 1)
				return CS_PROBE_DONE; /* no chunk is that large */
			size = size << 4 | (size_t)cs_hexval((unsigned char)p[i]);
			i++;
		}
		if (digits == 0)
			return CS_PROBE_DONE;
		/* The rest of the line is whitespace or ";extensions" (RFC 9112 7.1.1). */
		if (i < line_end && p[i] != ';' && p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return CS_PROBE_DONE;
		i = line_end + 1;
		if (size == 0) {
			/* Trailer lines, then an empty line. */
			for (;;) {
				lf = memchr(p + i, '\n', n - i);
				if (lf == NULL)
					return CS_PROBE_MORE;
				size_t ll = (size_t)(lf - (p + i));
				if (ll == 0 || (ll == 1 && p[i] == '\r'))
					return CS_PROBE_DONE;
				i += ll + 1;
			}
		}
		if (n - i < size)
			return CS_PROBE_MORE;
		i += size;
		/* The CRLF (or bare LF) that closes the chunk's data. */
		if (i < n && p[i] == '\r')
			i++;
		if (i >= n)
			return CS_PROBE_MORE;
		if (p[i] != '\n')
			return CS_PROBE_DONE;
		i++;
	}
}

enum cs_probe_done cs_probe_message_complete(const char *buf, size_t len, bool rtsp)
{
	const char *proto = rtsp ? "RTSP/" : "HTTP/";
	struct cs_http_header hdr[CS_HTTP_MAX_HEADERS];
	struct cs_http_msg m;
	size_t off = 0;

	if (len >= CS_PROBE_REPLY_MAX)
		return CS_PROBE_DONE; /* the engine keeps no more than this anyway */
	for (;;) {
		const char *p = buf + off;
		size_t n = len - off;
		if (!cs_probe_could_be(p, n, proto))
			return CS_PROBE_DONE;
		long head = cs_http_parse(p, n, &m, hdr, CS_ARRAY_SIZE(hdr), false);
		if (head == CS_EAGAIN)
			return CS_PROBE_MORE;
		if (head < 0 || m.is_request)
			return CS_PROBE_DONE;
		if (!rtsp && m.status >= 100 && m.status < 200 && m.status != 101) {
			off += (size_t)head; /* "100 Continue" and friends: the answer follows */
			continue;
		}
		if ((m.status >= 100 && m.status < 200) || m.status == 204 || m.status == 304)
			return CS_PROBE_DONE;
		size_t body = n - (size_t)head, want;
		const struct cs_http_header *te = cs_http_find(&m, "Transfer-Encoding");
		if (!rtsp && te != NULL && cs_sv_ifind(te->value, CS_SV("chunked")) >= 0)
			return chunked_complete(p + head, body);
		if (cs_http_content_length(&m, SIZE_MAX, &want))
			return body >= want ? CS_PROBE_DONE : CS_PROBE_MORE;
		return rtsp ? CS_PROBE_DONE : CS_PROBE_MORE;
	}
}

/* ---- the probe ---- */

static int http_request(const struct cs_probe_target *t, int step, char *buf, size_t cap,
			size_t *len)
{
	if (step < 0 || (size_t)step >= CS_ARRAY_SIZE(steps))
		return CS_ENOTFOUND;
	return cs_probe_payload(steps[step].payload, t, buf, cap, len);
}

/*
 * Ask the favicon only of a device nobody has named, the maker-specific questions (ISAPI,
 * RPC2, ONVIF's clock) while the maker is unknown or only a label, and GetDeviceInformation
 * always (model, firmware, serial). A relabelled camera is a label until hardware speaks, so
 * it is asked everything.
 */
static bool http_wanted(int step, const struct cs_probe_hint *hint)
{
	if (step < 0 || (size_t)step >= CS_ARRAY_SIZE(steps))
		return true; /* request() ends the conversation */
	if (steps[step].also_for != NULL && hint->maker != NULL &&
	    strcmp(hint->maker, steps[step].also_for) == 0)
		return true;
	switch (steps[step].ask) {
	case ASK_ALWAYS: return true;
	case ASK_UNSURE: return hint->maker == NULL || !hint->hardware;
	case ASK_UNKNOWN: return hint->maker == NULL;
	}
	return true;
}

static enum cs_probe_done http_complete(int step, const char *buf, size_t len)
{
	return cs_probe_message_complete(buf, len, false);
}

/* e.g. "HTTP/1.1 200 OK\r\n" (after stray blank lines some servers send first). */
static bool http_recognise(const char *buf, size_t len)
{
	return cs_probe_starts_with(buf, len, "HTTP/");
}

/*
 * The favicon's bytes are the evidence: hash exactly the body the server meant. The head goes
 * in as HTTP too (Server and friends; identification drops what step 0 already said). A body
 * cut short hashes to nothing anyone knows, so it is left out; a chunked or compressed one is
 * left to the HTTP path, which undoes the coding and hashes image bodies itself.
 */
static int observe_favicon(struct cs_ident *id, const char *buf, size_t len)
{
	struct cs_http_header hdr[CS_HTTP_MAX_HEADERS];
	struct cs_http_msg m;
	size_t want;
	int r;

	long head = cs_http_parse(buf, len, &m, hdr, CS_ARRAY_SIZE(hdr), false);
	if (head < 0)
		return cs_probe_feed(id, CS_IN_HTTP, buf, len);
	if ((r = cs_probe_feed(id, CS_IN_HTTP, buf, (size_t)head)) != CS_OK)
		return r;
	if (m.status != 200)
		return CS_OK;
	const char *body = buf + head;
	size_t n = len - (size_t)head;
	const struct cs_http_header *te = cs_http_find(&m, "Transfer-Encoding");
	const struct cs_http_header *ce = cs_http_find(&m, "Content-Encoding");
	if ((te != NULL && !cs_sv_ieq(te->value, CS_SV("identity"))) ||
	    (ce != NULL && !cs_sv_ieq(ce->value, CS_SV("identity"))))
		return cs_probe_feed(id, CS_IN_HTTP, buf, len);
	if (cs_http_content_length(&m, SIZE_MAX, &want)) {
		if (n < want)
			return CS_OK;
		n = want;
	}
	if (n == 0)
		return CS_OK;
	return cs_probe_feed(id, CS_IN_FAVICON, body, n);
}

/*
 * Is this Dahua's login challenge? e.g.
 *   {"error":{"code":268632079,"message":"Component error: login challenge!"},"id":1,
 *    "params":{"authorization":"...","mac":"3CEF8C6101C0","realm":"Login to 4C045ADPAG60CD"},...}
 * A token scan rather than a JSON parse, so that a reply cut short still counts: the key
 * "code", a colon, and exactly that number.
 */
static bool rpc2_challenge(const char *buf, size_t len)
{
	struct cs_http_header hdr[CS_HTTP_MAX_HEADERS];
	struct cs_http_msg m;
	static const struct cs_sv key = CS_SV("\"code\""), code = CS_SV(RPC2_CHALLENGE_CODE);

	long head = cs_http_parse(buf, len, &m, hdr, CS_ARRAY_SIZE(hdr), true);
	if (head < 0 || !m.complete)
		return false;
	struct cs_sv s = cs_sv_make(buf + head, len - (size_t)head);
	for (;;) {
		long at = cs_sv_find(s, key);
		if (at < 0)
			return false;
		const char *p = s.p + at + key.n, *end = s.p + s.n;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		if (p < end && *p == ':') {
			p++;
			while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
				p++;
			if ((size_t)(end - p) >= code.n && memcmp(p, code.p, code.n) == 0 &&
			    ((size_t)(end - p) == code.n || p[code.n] < '0' || p[code.n] > '9'))
				return true;
		}
		s = cs_sv_make(s.p + at + key.n, s.n - (size_t)at - key.n);
	}
}

static int http_observe(struct cs_ident *id, const struct cs_probe_target *t, int step,
			const char *buf, size_t len)
{
	int r;

	if (len == 0)
		return CS_OK;
	switch (step) {
	case STEP_FAVICON: return observe_favicon(id, buf, len);
	case STEP_RPC2:
		/* The JSON (MAC, "Login to <serial>" realm) goes through the HTTP path. */
		if ((r = cs_probe_feed(id, CS_IN_HTTP, buf, len)) != CS_OK)
			return r;
		if (rpc2_challenge(buf, len))
			return cs_ident_observe_from(id, CS_SIG_PROTO, CS_SV("dahua-rpc2"),
						     "http body", 1.0);
		return CS_OK;
	default:
		/* The root page, ISAPI's 401 and ONVIF's SOAP: the HTTP path reads them all. */
		return cs_probe_feed(id, CS_IN_HTTP, buf, len);
	}
}

const struct cs_probe cs_probe_http = {
	.name = "http",
	.summary = "HTTP: home page, favicon, unauthenticated ISAPI and ONVIF device queries, "
		   "Dahua RPC2 login challenge",
	.server_first = false,
	.wants_tls = false, /* the port decides (443, 8443): cs_probe_for_port */
	.request = http_request,
	.complete = http_complete,
	.recognise = http_recognise,
	.observe = http_observe,
	.wanted = http_wanted,
};
