/*
 * input.c - from a captured reply of some kind to observations (see ident.h, cs_ident_feed).
 *
 * One function per input kind. Each uses the parsers in src/proto/ and says what it saw in
 * terms of signals; it knows nothing about makers. Structured documents (XML, JSON, key=value)
 * go through the leaf flatteners and data/fields.tsv decides which leaf is which signal, so a new
 * device document needs a line of data, not code.
 */
#include "common/hash.h"
#include "ident/ident.h"
#include "ident/ident_int.h"
#include "proto/body.h"
#include "proto/dhip.h"
#include "proto/html.h"
#include "proto/http.h"
#include "proto/jsonflat.h"
#include "proto/kvflat.h"
#include "proto/mac.h"
#include "proto/tls.h"
#include "proto/ubnt.h"
#include "proto/xmlflat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FEED_MAX_INPUT = 16 * 1024 * 1024 };

/* ---- detection ---- */

static struct cs_sv skip_ws_bom(const char *p, size_t n)
{
	struct cs_sv s = cs_sv_make(p, n);
	if (s.n >= 3 && (unsigned char)s.p[0] == 0xef && (unsigned char)s.p[1] == 0xbb &&
	    (unsigned char)s.p[2] == 0xbf)
		s.p += 3, s.n -= 3;
	while (s.n > 0 && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r' || s.p[0] == '\n'))
		s.p++, s.n--;
	return s;
}

static bool has(struct cs_sv s, const char *needle)
{
	size_t lim = s.n > 65536 ? 65536 : s.n;
	return cs_sv_ifind(cs_sv_make(s.p, lim), cs_sv_cstr(needle)) >= 0;
}

static bool looks_like_mac(struct cs_sv s)
{
	uint8_t mac[6];
	s = cs_sv_trim(s);
	return s.n >= 12 && s.n <= 17 && cs_mac_parse(s, mac) == CS_OK;
}

static bool looks_like_kv(struct cs_sv s)
{
	/* Every non-blank line of the first few is key=value with a plain key. */
	size_t lines = 0;
	const char *p = s.p, *end = s.p + (s.n > 4096 ? 4096 : s.n);
	while (p < end && lines < 8) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;
		struct cs_sv line = cs_sv_trim(cs_sv_make(p, (size_t)(le - p)));
		if (line.n > 0) {
			const char *eq = memchr(line.p, '=', line.n);
			if (eq == NULL || eq == line.p)
				return false;
			for (const char *k = line.p; k < eq; k++)
				if (!(*k == '.' || *k == '_' || *k == '-' || *k == '[' ||
				      *k == ']' || (*k >= '0' && *k <= '9') ||
				      (cs_lower((unsigned char)*k) >= 'a' &&
				       cs_lower((unsigned char)*k) <= 'z')))
					return false;
			lines++;
		}
		p = le + 1;
	}
	return lines > 0;
}

/*
 * Dahua's CGI answers: configManager's "table.<Group>.<Key>=" lines, or magicBox's short
 * replies whose every key is one of its few plain keys (sn=, deviceType=, version=, ...).
 * Dotted keys of other APIs (Axis "root.Brand.ProdNbr=") do not qualify.
 */
static bool looks_like_dahua_cgi(struct cs_sv s)
{
	static const char *const magicbox[] = {
		"sn",	  "serialNumber", "deviceType",	 "type", "version",   "hardwareVersion",
		"vendor", "updateSerial", "machineName", "name", "processor", "appAutoStart"};
	const char *p = s.p, *end = s.p + (s.n > 4096 ? 4096 : s.n);
	size_t lines = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end;
		struct cs_sv line = cs_sv_trim(cs_sv_make(p, (size_t)(le - p)));
		p = le + 1;
		if (line.n == 0)
			continue;
		if (cs_sv_iprefix(line, CS_SV("table.")))
			return true;
		const char *eq = memchr(line.p, '=', line.n);
		struct cs_sv key = cs_sv_make(line.p, eq != NULL ? (size_t)(eq - line.p) : 0);
		bool known = false;
		for (size_t i = 0; i < CS_ARRAY_SIZE(magicbox) && !known; i++)
			known = cs_sv_eq(key, cs_sv_cstr(magicbox[i]));
		if (!known)
			return false;
		lines++;
	}
	return lines > 0;
}

static bool looks_like_dn(struct cs_sv s)
{
	return cs_sv_iprefix(s, CS_SV("subject")) || cs_sv_iprefix(s, CS_SV("issuer")) ||
	       ((has(s, "CN=") || has(s, "CN =") || has(s, "O=")) &&
		memchr(s.p, '\n', s.n) == NULL);
}

enum cs_input_kind cs_input_detect(const char *p, size_t n)
{
	struct cs_sv s = skip_ws_bom(p, n);
	const unsigned char *u = (const unsigned char *)p;
	if (n >= 8 && memcmp(p + 4, "DHIP", 4) == 0)
		return CS_IN_DHIP;
	/* Ubiquiti discovery: version 1 reply or version 2, a payload length that matches the
	 * bytes, and a first TLV that is a MAC (0x01, 0x02) or a string field. */
	if (n >= 7 && ((u[0] == 1 && u[1] == 0) || u[0] == 2) &&
	    ((size_t)u[2] << 8 | u[3]) == n - 4 && (u[4] == 1 || u[4] == 2 || u[4] == 3))
		return CS_IN_UBNT;
	if (n >= 4 && ((u[0] == 0 && u[1] == 0 && u[2] == 1 && u[3] == 0) ||
		       (u[0] == 0x89 && u[1] == 'P' && u[2] == 'N' && u[3] == 'G')))
		return CS_IN_FAVICON;
	if (cs_sv_iprefix(s, CS_SV("RTSP/")))
		return CS_IN_RTSP;
	if (cs_sv_iprefix(s, CS_SV("NOTIFY * ")) || cs_sv_iprefix(s, CS_SV("M-SEARCH * ")))
		return CS_IN_SSDP;
	if (cs_sv_iprefix(s, CS_SV("HTTP/"))) {
		/* An SSDP search reply is an HTTP response with USN and ST headers. */
		if (has(s, "\nUSN:") && has(s, "\nST:"))
			return CS_IN_SSDP;
		return CS_IN_HTTP;
	}
	if (cs_sv_iprefix(s, CS_SV("-----BEGIN")) || (n > 4 && u[0] == 0x30 && u[1] == 0x82))
		return CS_IN_TLS;
	if (s.n > 0 && s.p[0] == '<') {
		if (has(s, "<html") || has(s, "<!doctype html") || has(s, "<head"))
			return CS_IN_HTTP; /* a page without its headers */
		if (has(s, "ProbeMatches") || has(s, "discovery/Hello") || has(s, ":Hello>"))
			return CS_IN_WSD;
		if (has(s, "GetDeviceInformationResponse"))
			return CS_IN_ONVIF;
		if (has(s, "<ProbeMatch") && (has(s, "DeviceSN") || has(s, "<Types>inquiry")))
			return CS_IN_SADP;
		if (has(s, "<DeviceInfo") && (has(s, "hikvision") || has(s, "isapi.org")))
			return CS_IN_ISAPI;
		return CS_IN_XML;
	}
	if (s.n > 0 && (s.p[0] == '{' || s.p[0] == '[')) {
		if (has(s, "notifyDevInfo") || has(s, "DHDiscover"))
			return CS_IN_DHIP;
		return CS_IN_JSON;
	}
	if (looks_like_mac(s))
		return CS_IN_MAC;
	/* "subject=CN = x, O = y" is a certificate line, not key=value. */
	if (cs_sv_iprefix(s, CS_SV("subject")) || cs_sv_iprefix(s, CS_SV("issuer")))
		return CS_IN_TLS;
	if (looks_like_kv(s))
		return looks_like_dahua_cgi(s) ? CS_IN_DAHUA_CGI : CS_IN_KV;
	if (looks_like_dn(s))
		return CS_IN_TLS;
	return CS_IN_BANNER;
}

/* ---- structured documents ---- */

struct leaf_ctx {
	struct cs_ident *id;
	const char *doc;
	const char *from; /* "onvif", ... */
	size_t matched;
};

static bool path_suffix(struct cs_sv path, const char *suffix)
{
	struct cs_sv s = cs_sv_cstr(suffix);
	if (path.n < s.n)
		return false;
	struct cs_sv tail = cs_sv_make(path.p + path.n - s.n, s.n);
	if (!cs_sv_ieq(tail, s))
		return false;
	return path.n == s.n || path.p[path.n - s.n - 1] == '/';
}

static int on_leaf(void *ctx, struct cs_sv path, struct cs_sv name, struct cs_sv value)
{
	struct leaf_ctx *c = ctx;
	const struct cs_kb *kb = cs_ident_kb(c->id);
	for (size_t i = 0; i < kb->nfields; i++) {
		const struct cs_field_map *f = &kb->fields[i];
		/* The name test first: it fails fast on length, and fails for almost every line. */
		if (f->is_path ? !path_suffix(path, f->key)
			       : (name.n != f->key_len ||
				  !cs_sv_ieq(name, cs_sv_make(f->key, f->key_len))))
			continue;
		if (!(f->doc[0] == '*' && f->doc[1] == '\0') && strcmp(f->doc, c->doc) != 0)
			continue;
		struct cs_sv parts[] = {cs_sv_cstr(c->from), CS_SV(" "),
					cs_sv_make(path.p, path.n > 200 ? 200 : path.n)};
		const char *from =
			cs_arena_join(cs_ident_arena(c->id), parts, CS_ARRAY_SIZE(parts));
		cs_ident_observe_from(c->id, f->signal, value, from, 1.0);
		c->matched++;
		break; /* first mapping wins: doc-specific lines come before generic ones */
	}
	return 0;
}

/*
 * A fragment cut out of a SOAP message (a capture that starts at <s:Body>, say) uses prefixes
 * it never declares, which a namespace-aware parser refuses. Declare every prefix it uses on a
 * wrapper element and parse again: the leaves are what matter, not the namespaces.
 */
static int flatten_fragment(const char *p, size_t n, struct leaf_ctx *c, struct cs_xml_info *info,
			    struct cs_err *err)
{
	struct cs_buf b;
	char seen[32][32];
	size_t nseen = 0;
	int r;
	cs_buf_init(&b, n + 4096);
	cs_buf_puts(&b, "<camsweep-fragment");
	for (size_t i = 1; i + 1 < n && nseen < 32; i++) {
		/* "<pfx:" or "</pfx:" or " pfx:" (an attribute): a prefix in use. */
		if (p[i - 1] != '<' && p[i - 1] != '/' && p[i - 1] != ' ')
			continue;
		size_t j = i;
		while (j < n && j - i < 31 &&
		       ((p[j] >= 'a' && p[j] <= 'z') || (p[j] >= 'A' && p[j] <= 'Z') ||
			(p[j] >= '0' && p[j] <= '9' && j > i) || p[j] == '_' || p[j] == '-'))
			j++;
		if (j == i || j + 1 >= n || p[j] != ':' || p[j + 1] == '/' ||
		    (j - i == 5 && memcmp(p + i, "xmlns", 5) == 0) ||
		    (j - i == 3 && memcmp(p + i, "xml", 3) == 0))
			continue;
		bool dup = false;
		for (size_t k = 0; k < nseen && !dup; k++)
			dup = strlen(seen[k]) == j - i && memcmp(seen[k], p + i, j - i) == 0;
		if (dup)
			continue;
		memcpy(seen[nseen], p + i, j - i);
		seen[nseen][j - i] = '\0';
		cs_buf_printf(&b, " xmlns:%s=\"urn:camsweep:undeclared:%s\"", seen[nseen],
			      seen[nseen]);
		nseen++;
	}
	cs_buf_putc(&b, '>');
	/* An XML declaration may only open a document: drop it from inside the wrapper. */
	struct cs_sv body = skip_ws_bom(p, n);
	if (cs_sv_iprefix(body, CS_SV("<?xml"))) {
		const char *q = memmem(body.p, body.n, "?>", 2);
		if (q != NULL)
			body = cs_sv_make(q + 2, body.n - (size_t)(q + 2 - body.p));
	}
	cs_buf_append(&b, body.p, body.n);
	r = cs_buf_puts(&b, "</camsweep-fragment>");
	if (r == CS_OK)
		r = cs_xml_flatten(b.data, b.len, on_leaf, c, info, err);
	cs_buf_free(&b);
	return r;
}

static int feed_xml(struct cs_ident *id, const char *doc, const char *p, size_t n,
		    struct cs_xml_info *info, struct cs_err *err)
{
	struct leaf_ctx c = {id, doc, doc, 0};
	int r = cs_xml_flatten(p, n, on_leaf, &c, info, err);
	if (r == CS_EPARSE && info->leaves == 0 && err != NULL &&
	    strstr(err->msg, "unbound prefix") != NULL)
		r = flatten_fragment(p, n, &c, info, err);
	if (info->root_ns[0] != '\0')
		cs_ident_observe_from(id, CS_SIG_DOC_NS, cs_sv_cstr(info->root_ns), doc, 1.0);
	if (info->body_ns[0] != '\0')
		cs_ident_observe_from(id, CS_SIG_DOC_NS, cs_sv_cstr(info->body_ns), doc, 1.0);
	/* A truncated document still told us what it had before the cut. */
	if (r != CS_OK && info->leaves > 0)
		return CS_OK;
	return r;
}

static int feed_json(struct cs_ident *id, const char *doc, const char *p, size_t n,
		     struct cs_err *err)
{
	struct leaf_ctx c = {id, doc, doc, 0};
	int r = cs_json_flatten(p, n, on_leaf, &c, err);
	if (r == CS_EPARSE) {
		/* Annotated captures and some devices put '#' comments in JSON: strip and retry. */
		struct cs_buf b;
		cs_buf_init(&b, n + 1);
		if (cs_json_lenient_strip(p, n, &b) == CS_OK)
			r = cs_json_flatten(b.data, b.len, on_leaf, &c, err);
		cs_buf_free(&b);
	}
	return r;
}

static int feed_kv(struct cs_ident *id, const char *doc, const char *p, size_t n,
		   struct cs_err *err)
{
	struct leaf_ctx c = {id, doc, doc, 0};
	return cs_kv_flatten(p, n, on_leaf, &c, err);
}

/* ---- HTTP, RTSP and SSDP ---- */

static void observe_favicon(struct cs_ident *id, const char *p, size_t n, const char *from)
{
	char md5[33];
	int32_t mmh3;
	char num[16];
	if (cs_md5_hex(p, n, md5) == CS_OK)
		cs_ident_observe_from(id, CS_SIG_FAVICON_MD5, cs_sv_cstr(md5), from, 1.0);
	if (cs_favicon_mmh3(p, n, &mmh3) == CS_OK) {
		snprintf(num, sizeof(num), "%d", (int)mmh3);
		cs_ident_observe_from(id, CS_SIG_FAVICON_MMH3, cs_sv_cstr(num), from, 1.0);
	}
}

/* Append s to a fixed buffer, cutting at the end. */
static void put(char *buf, size_t cap, size_t *o, struct cs_sv s)
{
	size_t n = s.n < cap - 1 - *o ? s.n : cap - 1 - *o;
	memcpy(buf + *o, s.p, n);
	*o += n;
}

/* The header block's shape: what the order and case of header names say about the stack.
 * e.g. "no-server;upper-case-headers;order=CONNECTION,CONTENT-LENGTH,CONTENT-TYPE" */
static void observe_shape(struct cs_ident *id, enum cs_signal sig, const struct cs_http_msg *m,
			  bool want_server)
{
	char shape[512];
	size_t o = 0;
	bool all_upper = m->nheaders > 0, all_lower = m->nheaders > 0;
	for (size_t i = 0; i < m->nheaders; i++) {
		struct cs_sv nm = m->headers[i].name;
		for (size_t k = 0; k < nm.n; k++) {
			unsigned char c = (unsigned char)nm.p[k];
			if (c >= 'a' && c <= 'z')
				all_upper = false;
			if (c >= 'A' && c <= 'Z')
				all_lower = false;
		}
	}
	if (want_server && cs_http_find(m, "Server") == NULL)
		put(shape, sizeof(shape), &o, CS_SV("no-server;"));
	if (all_upper)
		put(shape, sizeof(shape), &o, CS_SV("upper-case-headers;"));
	if (all_lower)
		put(shape, sizeof(shape), &o, CS_SV("lower-case-headers;"));
	put(shape, sizeof(shape), &o, CS_SV("order="));
	for (size_t i = 0; i < m->nheaders; i++) {
		struct cs_sv nm = m->headers[i].name;
		if (i > 0)
			put(shape, sizeof(shape), &o, CS_SV(","));
		put(shape, sizeof(shape), &o, cs_sv_make(nm.p, nm.n > 40 ? 40 : nm.n));
	}
	cs_ident_observe(id, sig, cs_sv_make(shape, o), 1.0);
}

static void observe_body(struct cs_ident *id, const char *body, size_t n,
			 const struct cs_http_msg *m, struct cs_err *err)
{
	const struct cs_http_header *ct = m != NULL ? cs_http_find(m, "Content-Type") : NULL;
	struct cs_sv s = skip_ws_bom(body, n);
	const unsigned char *u = (const unsigned char *)body;
	bool image = (ct != NULL && cs_sv_iprefix(ct->value, CS_SV("image/"))) ||
		     (n >= 4 && ((u[0] == 0 && u[1] == 0 && u[2] == 1 && u[3] == 0) ||
				 (u[0] == 0x89 && u[1] == 'P' && u[2] == 'N' && u[3] == 'G')));
	if (n == 0)
		return;
	if (image) {
		observe_favicon(id, body, n, "http body (image)");
		return;
	}
	cs_ident_observe(id, CS_SIG_HTTP_BODY, cs_sv_make(body, n), 1.0);
	struct cs_sv title;
	if (cs_html_title(body, n, &title) == CS_OK) {
		char dec[1024];
		size_t dn = cs_html_decode_entities(title.p, title.n, dec, sizeof(dec));
		cs_ident_observe(id, CS_SIG_HTTP_TITLE, cs_sv_make(dec, dn), 1.0);
	}
	/* Device-information endpoints answer with documents: read them as such. */
	struct cs_err ignored;
	if (s.n > 0 && s.p[0] == '<' && !has(s, "<html")) {
		struct cs_xml_info info;
		memset(&info, 0, sizeof(info));
		enum cs_input_kind k = cs_input_detect(s.p, s.n);
		const char *doc = k == CS_IN_ISAPI ? "isapi" : k == CS_IN_ONVIF ? "onvif" : "xml";
		if (k == CS_IN_ISAPI)
			cs_ident_observe_from(id, CS_SIG_PROTO, CS_SV("isapi"), "http body", 1.0);
		feed_xml(id, doc, s.p, s.n, &info, &ignored);
	} else if (s.n > 0 && (s.p[0] == '{' || s.p[0] == '[')) {
		feed_json(id, "json", s.p, s.n, &ignored);
	} else if (looks_like_kv(s)) {
		feed_kv(id, "kv", s.p, s.n, &ignored);
	}
	(void)err;
}

/*
 * The body as the server meant it: chunked transfer coding undone, gzip or deflate content
 * coding inflated (up to BODY_CAP bytes, so a decompression bomb stops there), and never more
 * than Content-Length or the bytes actually captured.
 */
enum { BODY_CAP = 1 << 20 };

static void feed_http_body(struct cs_ident *id, struct cs_sv body, const struct cs_http_msg *m,
			   struct cs_err *err)
{
	const struct cs_http_header *te = cs_http_find(m, "Transfer-Encoding");
	const struct cs_http_header *ce = cs_http_find(m, "Content-Encoding");
	struct cs_buf chunks, plain;
	size_t len = body.n;
	cs_buf_init(&chunks, BODY_CAP);
	cs_buf_init(&plain, BODY_CAP);
	if (te != NULL && cs_sv_ifind(te->value, CS_SV("chunked")) >= 0) {
		cs_body_dechunk(body, &chunks);
		body = cs_sv_make(chunks.data != NULL ? chunks.data : "", chunks.len);
	} else if (cs_http_content_length(m, body.n, &len) && len < body.n) {
		body.n = len;
	}
	if (ce != NULL && (cs_sv_ifind(ce->value, CS_SV("gzip")) >= 0 ||
			   cs_sv_ifind(ce->value, CS_SV("deflate")) >= 0)) {
		cs_body_inflate(body, &plain);
		body = cs_sv_make(plain.data != NULL ? plain.data : "", plain.len);
	}
	observe_body(id, body.p, body.n, m, err);
	cs_buf_free(&chunks);
	cs_buf_free(&plain);
}

static int feed_http_like(struct cs_ident *id, enum cs_input_kind kind, const char *p, size_t n,
			  struct cs_err *err)
{
	struct cs_http_header hdr[CS_HTTP_MAX_HEADERS];
	struct cs_http_msg m;
	long head = cs_http_parse(p, n, &m, hdr, CS_ARRAY_SIZE(hdr), true);
	if (head < 0) {
		struct cs_sv s = skip_ws_bom(p, n);
		if (kind == CS_IN_HTTP && s.n > 0 && s.p[0] == '<') {
			observe_body(id, p, n, NULL, err);
			return CS_OK;
		}
		return cs_err_set(err, head == CS_ETOOBIG ? CS_ETOOBIG : CS_EPARSE,
				  "not an %s message: %s", cs_input_kind_name(kind),
				  head == CS_ETOOBIG ? "header block too large" : "bad first line");
	}
	bool rtsp = kind == CS_IN_RTSP;
	if (!m.is_request && !rtsp && kind != CS_IN_SSDP) {
		/* "HTTP/1.1 302 Redirect", rebuilt from the parsed parts. */
		char st[128],
			code[4] = {(char)('0' + m.status / 100 % 10),
				   (char)('0' + m.status / 10 % 10), (char)('0' + m.status % 10)};
		size_t o = 0;
		put(st, sizeof(st), &o, cs_sv_make(m.proto.p, m.proto.n > 16 ? 16 : m.proto.n));
		put(st, sizeof(st), &o, CS_SV(" "));
		put(st, sizeof(st), &o, cs_sv_make(code, 3));
		put(st, sizeof(st), &o, CS_SV(" "));
		put(st, sizeof(st), &o, cs_sv_make(m.reason.p, m.reason.n > 64 ? 64 : m.reason.n));
		cs_ident_observe(id, CS_SIG_HTTP_STATUS, cs_sv_make(st, o), 1.0);
	}
	for (size_t i = 0; i < m.nheaders; i++) {
		struct cs_sv nm = m.headers[i].name, v = m.headers[i].value;
		if (!rtsp && kind != CS_IN_SSDP) {
			/* "Name: value", built without printf: this runs for every header. */
			char line[600];
			size_t a = nm.n > 64 ? 64 : nm.n, b = v.n > 500 ? 500 : v.n;
			memcpy(line, nm.p, a);
			line[a] = ':';
			line[a + 1] = ' ';
			memcpy(line + a + 2, v.p, b);
			cs_ident_observe(id, CS_SIG_HTTP_HEADER, cs_sv_make(line, a + 2 + b), 1.0);
		}
		if (cs_sv_ieq(nm, CS_SV("Server"))) {
			cs_ident_observe(id,
					 rtsp		      ? CS_SIG_RTSP_SERVER
					 : kind == CS_IN_SSDP ? CS_SIG_UPNP_SERVER
							      : CS_SIG_HTTP_SERVER,
					 v, 1.0);
		} else if (cs_sv_ieq(nm, CS_SV("WWW-Authenticate"))) {
			struct cs_sv realm;
			cs_ident_observe(id, rtsp ? CS_SIG_RTSP_AUTH : CS_SIG_HTTP_AUTH, v, 1.0);
			if (cs_http_auth_realm(v, &realm))
				cs_ident_observe(id, rtsp ? CS_SIG_RTSP_REALM : CS_SIG_HTTP_REALM,
						 realm, 1.0);
		} else if (cs_sv_ieq(nm, CS_SV("Public")) && rtsp) {
			cs_ident_observe(id, CS_SIG_RTSP_PUBLIC, v, 1.0);
		} else if (cs_sv_ieq(nm, CS_SV("Location")) ||
			   cs_sv_ieq(nm, CS_SV("Content-Location"))) {
			cs_ident_observe(id, CS_SIG_HTTP_LOCATION, v, 1.0);
		} else if (cs_sv_ieq(nm, CS_SV("Set-Cookie"))) {
			const char *eq = memchr(v.p, '=', v.n);
			if (eq != NULL)
				cs_ident_observe(id, CS_SIG_HTTP_COOKIE,
						 cs_sv_make(v.p, (size_t)(eq - v.p)), 1.0);
		} else if (cs_sv_ieq(nm, CS_SV("User-Agent")) && kind == CS_IN_SSDP) {
			cs_ident_observe(id, CS_SIG_UPNP_SERVER, v, 1.0);
		}
	}
	observe_shape(id, rtsp ? CS_SIG_RTSP_SHAPE : CS_SIG_HTTP_SHAPE, &m, !rtsp);
	if (kind == CS_IN_HTTP && m.complete)
		feed_http_body(id, cs_sv_make(p + head, n - (size_t)head), &m, err);
	return CS_OK;
}

/* ---- the other kinds ---- */

/* ---- certificates, and the memo of the last few read (ident_int.h) ---- */

enum {
	CERT_MEMO_N = 4,		/* certificates remembered */
	CERT_MEMO_MAX_INPUT = 16 * 1024 /* larger inputs are read each time */
};

struct cs_cert_memo {
	struct {
		unsigned char *bytes; /* the input as given; NULL: the entry is unused */
		size_t n;
		struct cs_tls_cert cert;
	} e[CERT_MEMO_N];
	unsigned next; /* the entry to replace next (the oldest) */
};

void cs_cert_memo_free(struct cs_cert_memo *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < CS_ARRAY_SIZE(m->e); i++)
		free(m->e[i].bytes);
	free(m);
}

static const struct cs_tls_cert *memo_find(const struct cs_cert_memo *m, const char *p, size_t n)
{
	if (m == NULL)
		return NULL;
	for (size_t i = 0; i < CS_ARRAY_SIZE(m->e); i++)
		if (m->e[i].bytes != NULL && m->e[i].n == n && memcmp(m->e[i].bytes, p, n) == 0)
			return &m->e[i].cert;
	return NULL;
}

/* Remember what p[0..n) said; a failure to remember only costs a later re-read. */
static void memo_add(struct cs_ident *id, const char *p, size_t n, const struct cs_tls_cert *c)
{
	struct cs_cert_memo **mp = cs_ident_cert_memo(id);
	if (n > CERT_MEMO_MAX_INPUT)
		return;
	if (*mp == NULL && (*mp = calloc(1, sizeof(**mp))) == NULL)
		return;
	struct cs_cert_memo *m = *mp;
	unsigned char *copy = malloc(n > 0 ? n : 1);
	if (copy == NULL)
		return;
	memcpy(copy, p, n);
	unsigned i = m->next;
	m->next = (m->next + 1) % CERT_MEMO_N;
	free(m->e[i].bytes);
	m->e[i].bytes = copy;
	m->e[i].n = n;
	m->e[i].cert = *c;
}

static int feed_tls(struct cs_ident *id, const char *p, size_t n, struct cs_err *err)
{
	struct cs_tls_cert parsed;
	const struct cs_tls_cert *cert = memo_find(*cs_ident_cert_memo(id), p, n);
	struct cs_sv s = skip_ws_bom(p, n);
	int r;
	const unsigned char *u = (const unsigned char *)p;
	if (cert == NULL) {
		memset(&parsed, 0, sizeof(parsed));
		bool whole = cs_sv_iprefix(s, CS_SV("-----BEGIN")) ||
			     (n > 4 && u[0] == 0x30 && u[1] == 0x82);
		if (whole)
			r = cs_tls_parse_pem(p, n, &parsed, err);
		else
			r = cs_tls_parse_dn_line(s.p, s.n, &parsed);
		if (r != CS_OK)
			return err != NULL && err->code == r
				       ? r
				       : cs_err_set(err, r, "not a certificate or DN");
		if (whole)
			memo_add(id, p, n, &parsed);
		cert = &parsed;
	}
	if (cert->subject[0] != '\0')
		cs_ident_observe(id, CS_SIG_TLS_SUBJECT, cs_sv_cstr(cert->subject), 1.0);
	if (cert->issuer[0] != '\0')
		cs_ident_observe(id, CS_SIG_TLS_ISSUER, cs_sv_cstr(cert->issuer), 1.0);
	for (int i = 0; i < cert->nsan; i++)
		cs_ident_observe(id, CS_SIG_TLS_SAN, cs_sv_cstr(cert->san[i].value), 1.0);
	return CS_OK;
}

static bool all_hex(struct cs_sv s)
{
	for (size_t i = 0; i < s.n; i++)
		if (cs_hexval((unsigned char)s.p[i]) < 0)
			return false;
	return s.n > 0;
}

/* One line of unknown origin: try it as every kind of banner there is. */
static int feed_banner(struct cs_ident *id, const char *p, size_t n)
{
	static const enum cs_signal as[] = {
		CS_SIG_BANNER,	    CS_SIG_HTTP_SERVER, CS_SIG_HTTP_TITLE,    CS_SIG_RTSP_SERVER,
		CS_SIG_TELNET,	    CS_SIG_FTP,		CS_SIG_SNMP_SYSDESCR, CS_SIG_SIP_UA,
		CS_SIG_DHCP_VENDOR, CS_SIG_UPNP_SERVER, CS_SIG_DNS_VERSION,
	};
	struct cs_sv s = cs_sv_trim(cs_sv_make(p, n));
	if (s.n == 0)
		return CS_EPARSE;
	for (size_t i = 0; i < CS_ARRAY_SIZE(as); i++)
		cs_ident_observe_from(id, as[i], s, "banner", 1.0);
	/* A WWW-Authenticate value, or just a realm. */
	struct cs_sv realm;
	if (cs_sv_iprefix(s, CS_SV("Basic ")) || cs_sv_iprefix(s, CS_SV("Digest "))) {
		cs_ident_observe_from(id, CS_SIG_HTTP_AUTH, s, "banner", 1.0);
		if (cs_http_auth_realm(s, &realm)) {
			cs_ident_observe_from(id, CS_SIG_HTTP_REALM, realm, "banner", 1.0);
			cs_ident_observe_from(id, CS_SIG_RTSP_REALM, realm, "banner", 1.0);
		}
	} else {
		cs_ident_observe_from(id, CS_SIG_HTTP_REALM, s, "banner", 1.0);
	}
	if (s.n == 32 && all_hex(s))
		cs_ident_observe_from(id, CS_SIG_FAVICON_MD5, s, "banner", 1.0);
	if (s.n == 62 && all_hex(s))
		cs_ident_observe_from(id, CS_SIG_TLS_JARM, s, "banner", 1.0);
	if (looks_like_dn(s)) {
		struct cs_tls_cert cert;
		memset(&cert, 0, sizeof(cert));
		if (cs_tls_parse_dn_line(s.p, s.n, &cert) == CS_OK && cert.subject[0] != '\0')
			cs_ident_observe_from(id, CS_SIG_TLS_SUBJECT, cs_sv_cstr(cert.subject),
					      "banner", 1.0);
	}
	if (looks_like_mac(s))
		cs_ident_observe_from(id, CS_SIG_MAC, s, "banner", 1.0);
	/* It may be a bare model number: keep it only if a model grammar recognises it. */
	cs_ident_observe_tentative(id, CS_SIG_MODEL, s, "banner", 0.9);
	return CS_OK;
}

/* A model as written in an asset register, possibly "Maker Model". */
static int feed_model(struct cs_ident *id, const char *p, size_t n)
{
	struct cs_sv s = cs_sv_trim(cs_sv_make(p, n));
	if (s.n == 0 || memchr(s.p, '\n', s.n) != NULL)
		return CS_EPARSE;
	const char *sp = memchr(s.p, ' ', s.n);
	if (sp != NULL) {
		struct cs_sv first = cs_sv_make(s.p, (size_t)(sp - s.p));
		if (cs_kb_maker_find(cs_ident_kb(id), first) >= 0) {
			cs_ident_observe_from(id, CS_SIG_VENDOR, first, "model", 1.0);
			s = cs_sv_trim(cs_sv_make(sp + 1, s.n - first.n - 1));
		}
	}
	return cs_ident_observe_from(id, CS_SIG_MODEL, s, "model", 1.0);
}

/* Ubiquiti's discovery reply (UDP 10001): the protocol itself names the maker. */
static int feed_ubnt(struct cs_ident *id, const char *p, size_t n, struct cs_err *err)
{
	struct leaf_ctx c = {id, "ubnt", "ubnt", 0};
	struct cs_ubnt_info info;
	int r = cs_ubnt_parse((const unsigned char *)p, n, on_leaf, &c, &info);
	if (r != CS_OK)
		return cs_err_set(err, r, "not a Ubiquiti discovery reply");
	return cs_ident_observe_from(id, CS_SIG_PROTO, CS_SV("ubnt-discovery"), "ubnt", 1.0);
}

static int feed_dhip(struct cs_ident *id, const char *p, size_t n, struct cs_err *err)
{
	struct cs_sv json;
	struct cs_dhip_header hdr;
	int r = cs_dhip_parse((const unsigned char *)p, n, &json, &hdr);
	if (r != CS_OK)
		return cs_err_set(err, r, "not a DHIP message: %s", cs_strerror(r));
	cs_ident_observe_from(id, CS_SIG_PROTO, CS_SV("dhip"), "dhip", 1.0);
	return feed_json(id, "dhip", json.p, json.n, err);
}

int cs_ident_feed(struct cs_ident *id, enum cs_input_kind kind, const char *p, size_t n,
		  struct cs_err *err)
{
	struct cs_xml_info info;
	int r;
	if (n > FEED_MAX_INPUT)
		return cs_err_set(err, CS_ETOOBIG, "input larger than %d bytes", FEED_MAX_INPUT);
	bool detected = kind == CS_IN_AUTO;
	if (detected)
		kind = cs_input_detect(p, n);
	memset(&info, 0, sizeof(info));
	switch (kind) {
	case CS_IN_HTTP:
	case CS_IN_RTSP:
	case CS_IN_SSDP: return feed_http_like(id, kind, p, n, err);
	case CS_IN_ONVIF:
		cs_ident_observe_from(id, CS_SIG_PROTO, CS_SV("onvif"), "onvif", 1.0);
		return feed_xml(id, "onvif", p, n, &info, err);
	case CS_IN_WSD:
		cs_ident_observe_from(id, CS_SIG_PROTO, CS_SV("ws-discovery"), "wsd", 1.0);
		return feed_xml(id, "wsd", p, n, &info, err);
	case CS_IN_SADP:
		r = feed_xml(id, "sadp", p, n, &info, err);
		if (r == CS_OK && strcmp(info.root, "ProbeMatch") == 0)
			cs_ident_observe_from(id, CS_SIG_PROTO, CS_SV("sadp"), "sadp", 1.0);
		else if (r == CS_OK)
			r = cs_err_set(err, CS_EPARSE, "not a SADP ProbeMatch (root element <%s>)",
				       info.root);
		return r;
	case CS_IN_ISAPI:
		r = feed_xml(id, "isapi", p, n, &info, err);
		if (r == CS_OK)
			cs_ident_observe_from(id, CS_SIG_PROTO, CS_SV("isapi"), "isapi", 1.0);
		return r;
	case CS_IN_XML: return feed_xml(id, "xml", p, n, &info, err);
	case CS_IN_DHIP: return feed_dhip(id, p, n, err);
	case CS_IN_UBNT: return feed_ubnt(id, p, n, err);
	case CS_IN_JSON: return feed_json(id, "json", p, n, err);
	case CS_IN_DAHUA_CGI:
		r = feed_kv(id, "dahua-cgi", p, n, err);
		/* The protocol claim needs the caller's word (--as dahua-cgi) or configManager's own
		 * "table." shape: magicBox's plain keys alone could come from anywhere. */
		if (r == CS_OK && (!detected || has(cs_sv_make(p, n), "table.")))
			cs_ident_observe_from(id, CS_SIG_PROTO, CS_SV("dahua-cgi"), "dahua-cgi",
					      1.0);
		return r;
	case CS_IN_KV:
		r = feed_kv(id, "kv", p, n, err);
		/* Axis's param.cgi answers with its parameter tree: root.Brand..., root.Properties... */
		if (r == CS_OK && (cs_sv_iprefix(skip_ws_bom(p, n), CS_SV("root.Brand.")) ||
				   cs_sv_iprefix(skip_ws_bom(p, n), CS_SV("root.Properties."))))
			cs_ident_observe_from(id, CS_SIG_PROTO, CS_SV("vapix"), "kv root.* tree",
					      1.0);
		return r;
	case CS_IN_TLS: return feed_tls(id, p, n, err);
	case CS_IN_MAC: {
		uint8_t mac[6];
		struct cs_sv s = cs_sv_trim(cs_sv_make(p, n));
		if (cs_mac_parse(s, mac) != CS_OK)
			return cs_err_set(err, CS_EPARSE, "not a MAC address");
		return cs_ident_observe_from(id, CS_SIG_MAC, s, "mac", 1.0);
	}
	case CS_IN_MODEL:
		r = feed_model(id, p, n);
		return r == CS_OK ? r : cs_err_set(err, r, "a model is one non-empty line");
	case CS_IN_BANNER:
		r = feed_banner(id, p, n);
		return r == CS_OK ? r : cs_err_set(err, r, "empty banner");
	case CS_IN_FAVICON: observe_favicon(id, p, n, "favicon"); return CS_OK;
	case CS_IN_AUTO:
	case CS_IN_COUNT: break;
	}
	return cs_err_set(err, CS_EINVAL, "unknown input kind");
}
