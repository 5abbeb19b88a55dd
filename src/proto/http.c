/*
 * http.c - the shared HTTP/RTSP/SSDP message-head parser (see http.h).
 *
 * Scans line by line with memchr; every view is bounded by the input length, so a header that
 * claims anything about lengths is never trusted here (Content-Length is only read on request
 * and clamped by the caller's limit).
 */
#include "proto/http.h"

#include "common/err.h"

#include <string.h>

/* Returns the end of the line starting at p (exclusive of CR/LF), or NULL if no LF before end. */
static const char *line_end(const char *p, const char *end, const char **next)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));
	if (lf == NULL)
		return NULL;
	*next = lf + 1;
	return (lf > p && lf[-1] == '\r') ? lf - 1 : lf;
}

static bool is_token_char(unsigned char c)
{
	/* RFC 7230 tchar, plus '_' which real devices use. */
	return c > 0x20 && c < 0x7f && c != ':' && c != '(' && c != ')' && c != '<' && c != '>' &&
	       c != '@' && c != ',' && c != ';' && c != '\\' && c != '"' && c != '/' && c != '[' &&
	       c != ']' && c != '?' && c != '=' && c != '{' && c != '}';
}

static bool parse_proto(struct cs_sv s)
{
	/* HTTP/1.x or RTSP/1.0 (also accept HTTP/2 and lower case, seen on odd stacks). */
	return cs_sv_iprefix(s, CS_SV("HTTP/")) || cs_sv_iprefix(s, CS_SV("RTSP/"));
}

static int parse_first_line(struct cs_sv line, struct cs_http_msg *msg)
{
	const char *p = line.p, *end = line.p + line.n;
	const char *sp = memchr(p, ' ', line.n);
	if (sp == NULL)
		return CS_EPARSE;
	struct cs_sv first = cs_sv_make(p, (size_t)(sp - p));
	while (sp < end && *sp == ' ')
		sp++;
	if (parse_proto(first)) {
		/* Status line: PROTO SP 3DIGIT [SP reason] */
		msg->is_request = false;
		msg->proto = first;
		if (end - sp < 3)
			return CS_EPARSE;
		int st = 0;
		for (int i = 0; i < 3; i++) {
			if (sp[i] < '0' || sp[i] > '9')
				return CS_EPARSE;
			st = st * 10 + (sp[i] - '0');
		}
		if (sp + 3 < end && sp[3] != ' ' && sp[3] != '\t')
			return CS_EPARSE;
		msg->status = st;
		msg->reason = cs_sv_trim(cs_sv_make(sp + 3, (size_t)(end - (sp + 3))));
		return CS_OK;
	}
	/* Request line: METHOD SP target SP PROTO */
	for (size_t i = 0; i < first.n; i++)
		if (!is_token_char((unsigned char)first.p[i]))
			return CS_EPARSE;
	const char *sp2 = end;
	while (sp2 > sp && sp2[-1] != ' ')
		sp2--;
	if (sp2 <= sp)
		return CS_EPARSE;
	struct cs_sv proto = cs_sv_make(sp2, (size_t)(end - sp2));
	if (!parse_proto(proto))
		return CS_EPARSE;
	msg->is_request = true;
	msg->method = first;
	msg->target = cs_sv_trim(cs_sv_make(sp, (size_t)(sp2 - sp)));
	msg->proto = proto;
	return CS_OK;
}

long cs_http_parse(const char *buf, size_t len, struct cs_http_msg *msg,
		   struct cs_http_header *headers, size_t cap, bool lenient)
{
	const char *p = buf, *end = buf + len, *next;
	const char *stop = len > CS_HTTP_MAX_HEADER_BYTES ? buf + CS_HTTP_MAX_HEADER_BYTES : end;

	memset(msg, 0, sizeof(*msg));
	msg->headers = headers;

	/* Tolerate leading blank lines (some servers send a stray CRLF first). */
	while (p < stop && (*p == '\r' || *p == '\n'))
		p++;
	const char *le = line_end(p, stop, &next);
	if (le == NULL) {
		if (len > CS_HTTP_MAX_HEADER_BYTES)
			return CS_ETOOBIG;
		if (!lenient || p == end)
			return CS_EAGAIN;
		le = end, next = end; /* a capture holding only a first line */
	}
	if (parse_first_line(cs_sv_make(p, (size_t)(le - p)), msg) != CS_OK)
		return CS_EPARSE;
	p = next;

	for (;;) {
		le = line_end(p, stop, &next);
		if (le == NULL) {
			if (len > CS_HTTP_MAX_HEADER_BYTES && stop != end)
				return CS_ETOOBIG;
			if (!lenient)
				return CS_EAGAIN;
			return (long)(p - buf);
		}
		if (le == p) { /* blank line: end of head */
			msg->complete = true;
			return (long)(next - buf);
		}
		const char *colon = memchr(p, ':', (size_t)(le - p));
		if (colon == NULL || colon == p || *p == ' ' || *p == '\t') {
			/* Not a header (or an obsolete folded continuation): skip it. */
			msg->dropped++;
		} else if (msg->nheaders < cap) {
			struct cs_http_header *h = &headers[msg->nheaders++];
			h->name = cs_sv_trim(cs_sv_make(p, (size_t)(colon - p)));
			h->value = cs_sv_trim(cs_sv_make(colon + 1, (size_t)(le - colon - 1)));
		} else {
			msg->dropped++;
		}
		p = next;
	}
}

const struct cs_http_header *cs_http_find(const struct cs_http_msg *msg, const char *name)
{
	struct cs_sv n = cs_sv_cstr(name);
	for (size_t i = 0; i < msg->nheaders; i++)
		if (cs_sv_ieq(msg->headers[i].name, n))
			return &msg->headers[i];
	return NULL;
}

bool cs_http_auth_realm(struct cs_sv v, struct cs_sv *realm)
{
	long at = cs_sv_ifind(v, CS_SV("realm="));
	/* Require a parameter boundary before "realm" so "xrealm=" does not match. */
	while (at >= 0) {
		if (at == 0 || v.p[at - 1] == ' ' || v.p[at - 1] == ',' || v.p[at - 1] == '\t')
			break;
		struct cs_sv rest = cs_sv_make(v.p + at + 6, v.n - (size_t)at - 6);
		long again = cs_sv_ifind(rest, CS_SV("realm="));
		at = again < 0 ? -1 : at + 6 + again;
	}
	if (at < 0)
		return false;
	const char *p = v.p + at + 6, *end = v.p + v.n;
	if (p < end && *p == '"') {
		const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
		if (q == NULL)
			q = end; /* unterminated: take the rest */
		*realm = cs_sv_make(p + 1, (size_t)(q - p - 1));
	} else {
		const char *q = p;
		while (q < end && *q != ',' && *q != ' ')
			q++;
		*realm = cs_sv_make(p, (size_t)(q - p));
	}
	return true;
}

bool cs_http_content_length(const struct cs_http_msg *msg, size_t max, size_t *out)
{
	const struct cs_http_header *h = cs_http_find(msg, "Content-Length");
	uint64_t v;
	if (h == NULL || cs_parse_u64(h->value, UINT64_MAX, &v) != CS_OK)
		return false;
	*out = v > max ? max : (size_t)v;
	return true;
}
