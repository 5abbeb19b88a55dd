/*
 * probe_data.c - loading the request payloads from <data dir>/probes and filling them in per
 * target (see probe_data.h; the file format is in data/probes/README.md).
 *
 * A payload is kept in its wire form, e.g.
 *
 *	GET / HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: camsweep/{version}\r\n...\r\n\r\n
 *
 * with its placeholders still in it; cs_probe_payload copies it into the caller's buffer and
 * substitutes them. Everything that can be wrong with a file (bytes, line endings, request line,
 * unknown placeholders, a body without Content-Length, forbidden content) is found at start-up,
 * so that a scan never discovers a bad payload halfway through a network.
 */
#include "scan/probe_data.h"

#include "common/buf.h"
#include "common/str.h"
#include "proto/http.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#ifndef CS_VERSION
#define CS_VERSION "0.0.0"
#endif

/* Every payload a probe sends: name (file name without extension) and whether it is text. */
#define CS_PROBE_PAYLOADS(X)                                                                       \
	X("http-root", true)                                                                       \
	X("http-favicon", true)                                                                    \
	X("http-isapi-deviceinfo", true)                                                           \
	X("http-rpc2-login", true)                                                                 \
	X("onvif-get-system-date-and-time", true)                                                  \
	X("onvif-get-device-information", true)                                                    \
	X("rtsp-options", true)                                                                    \
	X("rtsp-describe", true)                                                                   \
	X("dahua-dvrip-hello", false)                                                              \
	X("ubnt-discovery", false)

const char *const cs_probe_payload_names[] = {
#define X(name, text) name,
	CS_PROBE_PAYLOADS(X)
#undef X
};
const size_t cs_probe_payload_count = CS_ARRAY_SIZE(cs_probe_payload_names);

static const bool payload_is_text[] = {
#define X(name, text) text,
	CS_PROBE_PAYLOADS(X)
#undef X
};

enum {
	NPAYLOADS = CS_ARRAY_SIZE(cs_probe_payload_names),
	PLACEHOLDER_MAX = 16, /* longest "{name}" we look for, braces included */
};

struct payload {
	char *tmpl;	 /* wire form, placeholders unfilled; owned */
	size_t len;	 /* bytes of tmpl */
	size_t body_off; /* text: where the body starts (len when there is none) */
	bool text;
	bool has_uuid;
};

static struct payload loaded[NPAYLOADS];
static bool is_loaded;

/* ---- the non-intrusive check ---- */

/*
 * What the reference documents as credentialed, state-changing or exploit traffic
 * (policy-and-controls.md 5.1-5.3; fingerprinting-signals.md 1.3, 1.1 NSE note, 5.2, 5.5 and
 * "Gaps and cautions"). Matched case-insensitively anywhere in the payload.
 */
static const struct {
	const char *needle;
	const char *why;
} forbidden[] = {
	{"Authorization:", "credentials: an Authorization header"},
	{"wsse:", "credentials: a WS-Security header"},
	{"UsernameToken", "credentials: a WS-Security UsernameToken"},
	{"password>", "credentials: a password element"},
	{"passwordType", "Dahua's second login step (passwordType)"},
	{"authorityType", "Dahua's second login step (authorityType)"},
	{"\"session\"", "a login carrying a session: Dahua's second login step"},
	{"Loopback", "CVE-2021-33044/33045 login bypass (Loopback login type)"},
	{"NetKeyboard", "CVE-2021-33044/33045 login bypass (NetKeyboard client type)"},
	{"userCheck", "Hikvision credential check (userCheck)"},
	{"/SDK/webLanguage", "CVE-2021-36260 command injection endpoint"},
	{"auth=", "CVE-2017-7921 authentication bypass parameter"},
	{"/php/ping.php", "CVE-2023-6895 command injection endpoint"},
	{"tds:Set", "an ONVIF call that changes the device"},
	{"SystemReboot", "an ONVIF reboot"},
	{"FactoryDefault", "an ONVIF factory reset"},
};

/* "password":"" is the challenge-only first step; any other value is a credential. */
static bool has_nonempty_password(struct cs_sv s)
{
	static const struct cs_sv key = CS_SV("\"password\"");
	for (;;) {
		long at = cs_sv_ifind(s, key);
		if (at < 0)
			return false;
		const char *p = s.p + at + key.n, *end = s.p + s.n;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		if (p < end && *p == ':') {
			p++;
			while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
				p++;
			if (end - p < 2 || p[0] != '"' || p[1] != '"')
				return true;
		}
		s = cs_sv_make(s.p + at + key.n, s.n - (size_t)at - key.n);
	}
}

const char *cs_probe_payload_forbidden(const char *p, size_t n)
{
	struct cs_sv s = cs_sv_make(p, n);
	for (size_t i = 0; i < CS_ARRAY_SIZE(forbidden); i++)
		if (cs_sv_ifind(s, cs_sv_cstr(forbidden[i].needle)) >= 0)
			return forbidden[i].why;
	if (has_nonempty_password(s))
		return "credentials: a non-empty password";
	return NULL;
}

/* ---- placeholders ---- */

enum ph { PH_HOST, PH_PORT, PH_AUTHORITY, PH_VERSION, PH_UUID, PH_BODY_LENGTH, PH_COUNT };

static const char *const ph_names[PH_COUNT] = {
	[PH_HOST] = "host",	  [PH_PORT] = "port", [PH_AUTHORITY] = "authority",
	[PH_VERSION] = "version", [PH_UUID] = "uuid", [PH_BODY_LENGTH] = "body-length",
};

/*
 * Is there a "{word}" at p (word: lower-case letters and '-')? Returns its length including
 * braces and the word in *word, or 0. Anything else that starts with '{' is literal text.
 */
static size_t placeholder_at(const char *p, const char *end, struct cs_sv *word)
{
	const char *q = p + 1;
	if (*p != '{')
		return 0;
	while (q < end && q - p < PLACEHOLDER_MAX && ((*q >= 'a' && *q <= 'z') || *q == '-'))
		q++;
	if (q == p + 1 || q >= end || *q != '}')
		return 0;
	*word = cs_sv_make(p + 1, (size_t)(q - p - 1));
	return (size_t)(q - p) + 1;
}

static int ph_lookup(struct cs_sv word)
{
	for (int i = 0; i < PH_COUNT; i++)
		if (cs_sv_eq(word, cs_sv_cstr(ph_names[i])))
			return i;
	return -1;
}

/* Values for one request; each is NUL-terminated. */
struct fill_ctx {
	char v[PH_COUNT][48];
};

/*
 * Copy src[0..n) to buf at *o with placeholders replaced. buf NULL only counts. Returns CS_OK
 * or CS_ETOOBIG.
 */
static int fill(const char *src, size_t n, const struct fill_ctx *c, char *buf, size_t cap,
		size_t *o)
{
	const char *p = src, *end = src + n;
	while (p < end) {
		struct cs_sv word, piece;
		size_t plen = placeholder_at(p, end, &word);
		int ph = plen > 0 ? ph_lookup(word) : -1;
		if (ph >= 0) {
			piece = cs_sv_cstr(c->v[ph]);
			p += plen;
		} else {
			/* Copy up to the next '{' (or the one we just refused as a placeholder). */
			const char *brace = memchr(p + 1, '{', (size_t)(end - p - 1));
			const char *stop = brace != NULL ? brace : end;
			piece = cs_sv_make(p, (size_t)(stop - p));
			p = stop;
		}
		if (buf != NULL) {
			if (piece.n > cap - *o)
				return CS_ETOOBIG;
			memcpy(buf + *o, piece.p, piece.n);
		}
		*o += piece.n;
	}
	return CS_OK;
}

static bool dotted_quad(const char *s, size_t n)
{
	int dots = 0, digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (digits == 0)
				return false;
			dots++, digits = 0;
		} else if (s[i] >= '0' && s[i] <= '9') {
			if (++digits > 3)
				return false;
		} else {
			return false;
		}
	}
	return dots == 3 && digits > 0;
}

static int make_uuid(char out[37])
{
	unsigned char r[16];
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return CS_EIO;
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* version 4 */
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (size_t i = 0; i < sizeof(r); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[r[i] >> 4];
		out[o++] = hex[r[i] & 0x0f];
	}
	out[o] = '\0';
	return CS_OK;
}

static int fill_ctx_init(struct fill_ctx *c, const struct cs_probe_target *t, bool uuid)
{
	size_t hn = strnlen(t->host, sizeof(t->host));
	memset(c, 0, sizeof(*c));
	if (hn == 0) {
		uint32_t a = t->addr;
		snprintf(c->v[PH_HOST], sizeof(c->v[PH_HOST]), "%u.%u.%u.%u", (a >> 24) & 0xff,
			 (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
	} else if (hn < sizeof(t->host) && dotted_quad(t->host, hn)) {
		memcpy(c->v[PH_HOST], t->host, hn);
	} else {
		return CS_EINVAL; /* never let a malformed host reach a header line */
	}
	snprintf(c->v[PH_PORT], sizeof(c->v[PH_PORT]), "%u", (unsigned)t->port);
	/* host (at most 15) + ':' + port (at most 5) fits the 48 bytes of a value. */
	bool default_port = t->tls ? t->port == 443 : t->port == 80;
	char *a = c->v[PH_AUTHORITY];
	size_t hl = strlen(c->v[PH_HOST]), pl = strlen(c->v[PH_PORT]);
	memcpy(a, c->v[PH_HOST], hl);
	if (!default_port) {
		a[hl++] = ':';
		memcpy(a + hl, c->v[PH_PORT], pl);
		hl += pl;
	}
	a[hl] = '\0';
	snprintf(c->v[PH_VERSION], sizeof(c->v[PH_VERSION]), "%s", CS_VERSION);
	if (uuid)
		return make_uuid(c->v[PH_UUID]);
	return CS_OK;
}

static const struct payload *find(const char *name)
{
	if (!is_loaded || name == NULL)
		return NULL;
	for (size_t i = 0; i < NPAYLOADS; i++)
		if (strcmp(cs_probe_payload_names[i], name) == 0)
			return &loaded[i];
	return NULL;
}

int cs_probe_payload(const char *name, const struct cs_probe_target *t, char *buf, size_t cap,
		     size_t *len)
{
	const struct payload *pl = find(name);
	struct fill_ctx c;
	size_t o = 0, body_len = 0;
	int r;

	if (pl == NULL)
		return CS_ENOTFOUND;
	if (!pl->text) {
		if (pl->len > cap)
			return CS_ETOOBIG;
		memcpy(buf, pl->tmpl, pl->len);
		*len = pl->len;
		return CS_OK;
	}
	if (t == NULL)
		return CS_EINVAL;
	if ((r = fill_ctx_init(&c, t, pl->has_uuid)) != CS_OK)
		return r;
	/* The body's filled length goes into the head, which comes first: count it first. */
	fill(pl->tmpl + pl->body_off, pl->len - pl->body_off, &c, NULL, 0, &body_len);
	snprintf(c.v[PH_BODY_LENGTH], sizeof(c.v[PH_BODY_LENGTH]), "%zu", body_len);
	if ((r = fill(pl->tmpl, pl->len, &c, buf, cap, &o)) != CS_OK)
		return r;
	*len = o;
	return CS_OK;
}

const char *cs_probe_payload_template(const char *name, size_t *len)
{
	const struct payload *pl = find(name);
	if (pl == NULL)
		return NULL;
	if (len != NULL)
		*len = pl->len;
	return pl->tmpl;
}

bool cs_probe_data_loaded(void)
{
	return is_loaded;
}

/* ---- loading ---- */

/* 1-based line number of offset off in p (lines end in LF). */
static int line_of(const char *p, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off; i++)
		line += p[i] == '\n';
	return line;
}

/* Append s to out with every LF or CRLF written as CRLF. */
static int append_crlf(struct cs_buf *out, const char *s, size_t n)
{
	int r = CS_OK;
	for (size_t i = 0; i < n && r == CS_OK; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue; /* the LF that follows writes the CRLF */
		r = s[i] == '\n' ? cs_buf_append(out, "\r\n", 2) : cs_buf_putc(out, s[i]);
	}
	return r;
}

static bool allowed_method(struct cs_sv m)
{
	static const char *const ok[] = {"GET", "HEAD", "OPTIONS", "DESCRIBE", "POST"};
	for (size_t i = 0; i < CS_ARRAY_SIZE(ok); i++)
		if (cs_sv_eq(m, cs_sv_cstr(ok[i])))
			return true;
	return false;
}

static bool allowed_proto(struct cs_sv p)
{
	return cs_sv_eq(p, CS_SV("HTTP/1.1")) || cs_sv_eq(p, CS_SV("HTTP/1.0")) ||
	       cs_sv_eq(p, CS_SV("RTSP/1.0"));
}

/* Check the bytes of a .req file: printable ASCII, TAB, and LF with an optional CR before it. */
static int check_text_bytes(const char *path, const char *p, size_t n, struct cs_err *err)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;
		if (c == '\r')
			return cs_err_set(err, CS_EDATA, "%s:%d: CR not followed by LF", path,
					  line_of(p, i));
		if (c != '\n' && c != '\t' && (c < 0x20 || c > 0x7e))
			return cs_err_set(err, CS_EDATA,
					  "%s:%d: byte 0x%02x is not printable ASCII (see "
					  "data/probes/README.md)",
					  path, line_of(p, i), c);
	}
	return CS_OK;
}

static int parse_req(const char *path, const char *p, size_t n, struct payload *out,
		     struct cs_err *err)
{
	struct cs_buf w;
	struct cs_http_header hdr[CS_HTTP_MAX_HEADERS];
	struct cs_http_msg m;
	const char *line = p, *end = p + n, *body = NULL;
	int r;

	cs_buf_init(&w, 2 * CS_PROBE_FILE_MAX);
	if ((r = check_text_bytes(path, p, n, err)) != CS_OK)
		goto out;
	/* The head: every line written with CRLF, up to and including the empty line. */
	while (line < end) {
		const char *lf = memchr(line, '\n', (size_t)(end - line));
		const char *next = lf != NULL ? lf + 1 : end;
		size_t ln = (size_t)((lf != NULL ? lf : end) - line);
		if (ln > 0 && line[ln - 1] == '\r')
			ln--;
		if ((r = cs_buf_append(&w, line, ln)) != CS_OK ||
		    (r = cs_buf_append(&w, "\r\n", 2)) != CS_OK)
			goto out;
		line = next;
		if (ln == 0) {
			body = next;
			break;
		}
	}
	if (body == NULL) {
		r = cs_err_set(err, CS_EDATA, "%s: the head does not end with an empty line", path);
		goto out;
	}
	out->body_off = w.len;
	/* The body: the rest, without the file's final line ending. */
	size_t bn = (size_t)(end - body);
	if (bn > 0 && body[bn - 1] == '\n')
		bn--;
	if (bn > 0 && body[bn - 1] == '\r')
		bn--;
	if ((r = append_crlf(&w, body, bn)) != CS_OK)
		goto out;

	long head = cs_http_parse(w.data, out->body_off, &m, hdr, CS_ARRAY_SIZE(hdr), false);
	if (head != (long)out->body_off || !m.is_request || !allowed_proto(m.proto)) {
		r = cs_err_set(err, CS_EDATA,
			       "%s:1: not a request line 'METHOD target HTTP/1.1' (or RTSP/1.0)",
			       path);
		goto out;
	}
	if (m.dropped > 0) {
		r = cs_err_set(err, CS_EDATA, "%s: a head line is not 'Name: value'", path);
		goto out;
	}
	if (!allowed_method(m.method)) {
		r = cs_err_set(err, CS_EDATA,
			       "%s:1: method '%.*s' refused: only GET, HEAD, OPTIONS, DESCRIBE "
			       "and POST, which change nothing",
			       path, (int)(m.method.n > 32 ? 32 : m.method.n), m.method.p);
		goto out;
	}
	const struct cs_http_header *cl = cs_http_find(&m, "Content-Length");
	if (w.len > out->body_off && (cl == NULL || !cs_sv_eq(cl->value, CS_SV("{body-length}")))) {
		r = cs_err_set(err, CS_EDATA,
			       "%s: a request with a body needs 'Content-Length: {body-length}'",
			       path);
		goto out;
	}
	/* Placeholders: every {word} must be one we know, and {body-length} only in the head. */
	for (size_t i = 0; i < w.len; i++) {
		struct cs_sv word;
		size_t plen = placeholder_at(w.data + i, w.data + w.len, &word);
		int ph = plen > 0 ? ph_lookup(word) : -2;
		if (ph == -1 || (ph == PH_BODY_LENGTH && i >= out->body_off)) {
			/* Wire lines match file lines one to one, so the line number is right. */
			r = cs_err_set(err, CS_EDATA, "%s:%d: %s placeholder {%.*s}", path,
				       line_of(w.data, i),
				       ph == -1 ? "unknown" : "misplaced (only in the head)",
				       (int)word.n, word.p);
			goto out;
		}
		out->has_uuid |= ph == PH_UUID;
	}
	const char *why = cs_probe_payload_forbidden(w.data, w.len);
	if (why != NULL) {
		r = cs_err_set(err, CS_EDATA, "%s: refused, must never be sent: %s", path, why);
		goto out;
	}
	out->len = w.len;
	out->tmpl = cs_buf_steal(&w); /* transferred */
	out->text = true;
	r = CS_OK;
out:
	cs_buf_free(&w);
	return r;
}

static int parse_hex(const char *path, const char *p, size_t n, struct payload *out,
		     struct cs_err *err)
{
	struct cs_buf w;
	int r = CS_OK;

	cs_buf_init(&w, CS_PROBE_REQ_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '#') {
			while (i + 1 < n && p[i + 1] != '\n')
				i++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			continue;
		} else if (cs_hexval(c) >= 0 && i + 1 < n &&
			   cs_hexval((unsigned char)p[i + 1]) >= 0) {
			char byte = (char)(cs_hexval(c) << 4 | cs_hexval((unsigned char)p[i + 1]));
			if ((r = cs_buf_putc(&w, byte)) != CS_OK) {
				r = cs_err_set(err, r, "%s: more than %d bytes", path,
					       (int)CS_PROBE_REQ_MAX);
				goto out;
			}
			i++;
		} else {
			r = cs_err_set(err, CS_EDATA,
				       "%s:%d: expected a pair of hex digits, found '%c'", path,
				       line_of(p, i), c >= 0x20 && c < 0x7f ? c : '?');
			goto out;
		}
	}
	if (w.len == 0) {
		r = cs_err_set(err, CS_EDATA, "%s: no bytes", path);
		goto out;
	}
	const char *why = cs_probe_payload_forbidden(w.data, w.len);
	if (why != NULL) {
		r = cs_err_set(err, CS_EDATA, "%s: refused, must never be sent: %s", path, why);
		goto out;
	}
	out->len = w.len;
	out->body_off = w.len;
	out->tmpl = cs_buf_steal(&w); /* transferred */
	out->text = false;
	r = CS_OK;
out:
	cs_buf_free(&w);
	return r;
}

static int load_one(const char *dir, size_t i, struct payload *out, struct cs_err *err)
{
	char path[PATH_MAX];
	struct cs_buf raw;
	bool text = payload_is_text[i];
	int r;

	cs_buf_init(&raw, CS_PROBE_FILE_MAX);
	if ((size_t)snprintf(path, sizeof(path), "%s/probes/%s%s", dir, cs_probe_payload_names[i],
			     text ? ".req" : ".hex") >= sizeof(path)) {
		r = cs_err_set(err, CS_ETOOBIG, "%s: data directory path too long", dir);
		goto out;
	}
	errno = 0;
	if ((r = cs_buf_read_file(&raw, path)) != CS_OK) {
		if (r == CS_ETOOBIG)
			r = cs_err_set(err, r, "%s: larger than %d bytes", path,
				       (int)CS_PROBE_FILE_MAX);
		else
			r = cs_err_set(err, r, "%s: cannot read: %s", path,
				       errno != 0 ? strerror(errno) : cs_strerror(r));
		goto out;
	}
	r = text ? parse_req(path, raw.data, raw.len, out, err)
		 : parse_hex(path, raw.data, raw.len, out, err);
out:
	cs_buf_free(&raw);
	return r;
}

int cs_probe_data_load(const char *data_dir, struct cs_err *err)
{
	struct payload fresh[NPAYLOADS];
	int r = CS_OK;

	memset(fresh, 0, sizeof(fresh));
	if (data_dir == NULL || *data_dir == '\0') {
		r = cs_err_set(err, CS_EINVAL, "no data directory for the probe payloads");
		goto out;
	}
	for (size_t i = 0; i < NPAYLOADS; i++)
		if ((r = load_one(data_dir, i, &fresh[i], err)) != CS_OK)
			goto out;
	cs_probe_data_free();
	memcpy(loaded, fresh, sizeof(loaded));
	memset(fresh, 0, sizeof(fresh)); /* transferred */
	is_loaded = true;
	r = CS_OK;
out:
	for (size_t i = 0; i < NPAYLOADS; i++)
		free(fresh[i].tmpl);
	return r;
}

void cs_probe_data_free(void)
{
	for (size_t i = 0; i < NPAYLOADS; i++)
		free(loaded[i].tmpl);
	memset(loaded, 0, sizeof(loaded));
	is_loaded = false;
}
