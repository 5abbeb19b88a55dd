/*
 * http.h - one zero-copy parser for the header block of HTTP, RTSP and SSDP messages.
 *
 * The three protocols share a grammar after the first line, so one parser serves them all.
 * Like picohttpparser, it returns views into the caller's buffer and fills a header array whose
 * capacity the caller owns; it never allocates and never copies.
 *
 *   e.g.  RTSP/1.0 401 Unauthorized\r\n
 *         CSeq: 1\r\n
 *         WWW-Authenticate: Digest realm="Hikvision", nonce="..."\r\n\r\n
 *
 * Devices are sloppy: bare LF line endings, trailing spaces, header lines without a colon and
 * stray bytes are tolerated (such lines are skipped and counted); a first line that is neither
 * a status line nor a request line is malformed.
 */
#ifndef CS_HTTP_H
#define CS_HTTP_H

#include "common/str.h"

#include <stdbool.h>
#include <stddef.h>

enum {
	CS_HTTP_MAX_HEADER_BYTES = 64 * 1024, /* a header block larger than this is refused */
	CS_HTTP_MAX_HEADERS = 64,	      /* a convenient array size for callers */
};

struct cs_http_header {
	struct cs_sv name;
	struct cs_sv value; /* trimmed */
};

struct cs_http_msg {
	bool is_request;
	struct cs_sv proto;		/* "HTTP/1.1", "RTSP/1.0" */
	int status;			/* responses: 100..999 */
	struct cs_sv reason;		/* responses */
	struct cs_sv method;		/* requests: "NOTIFY", "M-SEARCH", "GET" */
	struct cs_sv target;		/* requests */
	struct cs_http_header *headers; /* caller's array */
	size_t nheaders;		/* out: headers stored */
	size_t dropped;			/* out: headers beyond capacity, or unparseable lines */
	bool complete;			/* out: the blank line ending the block was seen */
};

/*
 * Parse the message head in buf[0..len). headers/cap is the caller's array.
 * Returns the number of bytes of the head (including the blank line) when it is complete;
 * CS_EAGAIN when more bytes are needed (unless lenient, see below); CS_EPARSE when the first
 * line is not HTTP/RTSP; CS_ETOOBIG when the head exceeds CS_HTTP_MAX_HEADER_BYTES.
 * With lenient set, an incomplete head (a capture cut short) is parsed as far as whole lines
 * go and the length of those lines is returned, with msg->complete false.
 */
long cs_http_parse(const char *buf, size_t len, struct cs_http_msg *msg,
		   struct cs_http_header *headers, size_t cap, bool lenient);

/* First header named name (case-insensitive), or NULL. */
const struct cs_http_header *cs_http_find(const struct cs_http_msg *msg, const char *name);

/*
 * Extract the realm="..." parameter of a WWW-Authenticate value. Returns false when there is
 * none. The view points into value (quotes stripped).
 */
bool cs_http_auth_realm(struct cs_sv value, struct cs_sv *realm);

/* Content-Length as a number, clamped to max; false when absent or malformed. */
bool cs_http_content_length(const struct cs_http_msg *msg, size_t max, size_t *out);

#endif
