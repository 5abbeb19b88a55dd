/*
 * discover.c - the discovery requests (loaded from data/probes/, filled per send) and the
 * replies as observations (see discover.h; the request files are described in
 * data/probes/README.md).
 *
 * A request file is text: printable ASCII, TAB and LF. It is kept with its placeholders and
 * filled on each send, so that every WS-Discovery Probe and SADP inquiry carries a fresh
 * UUID (devices drop a MessageID they have already answered). SSDP lines are written with
 * CRLF on the wire; the XML and JSON files are sent as they are, without the final newline.
 * The DHIP file is the JSON body: the 32-byte DHIP header in front of it is framing
 * (src/proto/dhip.h), not content.
 */
#include "discover/discover.h"

#include "common/buf.h"
#include "proto/dhip.h"
#include "scan/probe_data.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#ifndef CS_VERSION
#define CS_VERSION "0.0.0"
#endif

static const struct {
	const char *name;
	uint16_t port;
	const char *group;
} protos[CS_DISC_COUNT] = {
#define X(id, name, port, group) [CS_DISC_##id] = {name, port, group},
	CS_DISC_PROTOS(X)
#undef X
};

/* The request files, in the order they are sent: protocol and file name. */
#define CS_DISC_FILES(X)                                                                           \
	X(WSD, "wsd-probe-nvt.xml")                                                                \
	X(WSD, "wsd-probe.xml")                                                                    \
	X(SADP, "sadp-inquiry.xml")                                                                \
	X(DHIP, "dhip-search.json")                                                                \
	X(SSDP, "ssdp-msearch-all.txt")                                                            \
	X(SSDP, "ssdp-msearch-rootdevice.txt")                                                     \
	X(MDNS, "mdns-services.txt")                                                               \
	X(COUNT, "upnp-description.txt") /* not a discovery request: the --fetch follow-up */

static const struct {
	enum cs_disc_proto proto;
	const char *file;
} files[] = {
#define X(proto, file) {CS_DISC_##proto, file},
	CS_DISC_FILES(X)
#undef X
};

const char *const cs_disc_files[] = {
#define X(proto, file) file,
	CS_DISC_FILES(X)
#undef X
};
const size_t cs_disc_nfiles = CS_ARRAY_SIZE(cs_disc_files);

enum { NFILES = CS_ARRAY_SIZE(files), MAX_MDNS_NAMES = 32 };

static struct {
	char *text; /* the file after line-ending handling, placeholders unfilled; owned */
	size_t len;
} loaded[NFILES];
static bool is_loaded;

const char *cs_disc_name(enum cs_disc_proto p)
{
	return p < CS_DISC_COUNT ? protos[p].name : "?";
}

uint16_t cs_disc_port(enum cs_disc_proto p)
{
	return p < CS_DISC_COUNT ? protos[p].port : 0;
}

uint32_t cs_disc_group(enum cs_disc_proto p)
{
	struct in_addr a;
	if (p >= CS_DISC_COUNT || inet_pton(AF_INET, protos[p].group, &a) != 1)
		return 0;
	return ntohl(a.s_addr);
}

int cs_disc_parse_list(const char *s, unsigned *mask, struct cs_err *err)
{
	unsigned m = 0;
	while (s != NULL && *s != '\0') {
		const char *comma = strchr(s, ',');
		size_t n = comma != NULL ? (size_t)(comma - s) : strlen(s);
		struct cs_sv w = cs_sv_trim(cs_sv_make(s, n));
		int found = -1;
		for (int i = 0; i < CS_DISC_COUNT; i++)
			if (cs_sv_ieq(w, cs_sv_cstr(protos[i].name)))
				found = i;
		if (found < 0)
			return cs_err_set(err, CS_EINVAL,
					  "unknown protocol '%.*s' (wsd, sadp, dhip, ssdp, mdns)",
					  (int)(w.n > 32 ? 32 : w.n), w.p);
		m |= 1u << found;
		s += n + (comma != NULL);
	}
	if (m == 0)
		return cs_err_set(err, CS_EINVAL, "no protocols given");
	*mask = m;
	return CS_OK;
}

/* ---- loading ---- */

static int line_of(const char *p, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off; i++)
		line += p[i] == '\n';
	return line;
}

/* The checks a file of protocol p must pass beyond the general non-intrusive one. */
static const char *proto_check(enum cs_disc_proto p, struct cs_sv s)
{
	switch (p) {
	case CS_DISC_WSD:
		if (cs_sv_find(s, CS_SV("discovery/Probe<")) < 0)
			return "a WS-Discovery request must be a Probe (Action "
			       ".../discovery/Probe)";
		if (cs_sv_find(s, CS_SV("{uuid}")) < 0)
			return "a WS-Discovery Probe needs a fresh MessageID: urn:uuid:{uuid}";
		return NULL;
	case CS_DISC_SADP: {
		/* Exactly one Types element, and it says inquiry: activate, reset, update... share
		 * the channel (fingerprinting-signals.md 5.2). */
		long at = cs_sv_find(s, CS_SV("<Types>"));
		if (at < 0 || cs_sv_find(cs_sv_make(s.p + at + 1, s.n - (size_t)at - 1),
					 CS_SV("<Types>")) >= 0)
			return "a SADP request needs exactly one <Types> element";
		struct cs_sv rest = cs_sv_make(s.p + at + 7, s.n - (size_t)at - 7);
		if (!cs_sv_iprefix(rest, CS_SV("inquiry</Types>")) &&
		    !cs_sv_iprefix(rest, CS_SV("inquiry_v32</Types>")))
			return "SADP: only <Types>inquiry</Types> may be sent";
		return NULL;
	}
	case CS_DISC_DHIP: {
		long at = cs_sv_find(s, CS_SV("\"method\""));
		if (at < 0 || cs_sv_find(s, CS_SV("\"DHDiscover.search\"")) < 0 ||
		    cs_sv_find(cs_sv_make(s.p + at + 1, s.n - (size_t)at - 1),
			       CS_SV("\"method\"")) >= 0)
			return "DHIP: only one method, DHDiscover.search, may be sent";
		return NULL;
	}
	case CS_DISC_SSDP:
		if (!cs_sv_iprefix(s, CS_SV("M-SEARCH * HTTP/1.1\r\n")) ||
		    cs_sv_find(s, CS_SV("\r\n\r\n")) != (long)s.n - 4)
			return "SSDP: the request is 'M-SEARCH * HTTP/1.1' lines ending in an "
			       "empty "
			       "line";
		return NULL;
	case CS_DISC_COUNT:
		/* The follow-up: a plain GET of the description LOCATION names, nothing else. */
		if (!cs_sv_iprefix(s, CS_SV("GET {path} HTTP/1.1\r\n")) ||
		    cs_sv_find(s, CS_SV("\r\n\r\n")) != (long)s.n - 4)
			return "the UPnP description request is 'GET {path} HTTP/1.1' lines ending "
			       "in an empty line";
		return NULL;
	default: return NULL;
	}
}

static int load_one(const char *dir, size_t i, struct cs_err *err)
{
	char path[PATH_MAX];
	struct cs_buf raw, w;
	enum cs_disc_proto p = files[i].proto;
	int r;

	cs_buf_init(&raw, CS_PROBE_FILE_MAX);
	cs_buf_init(&w, 2 * CS_PROBE_FILE_MAX);
	if ((size_t)snprintf(path, sizeof(path), "%s/probes/%s", dir, files[i].file) >=
	    sizeof(path)) {
		r = cs_err_set(err, CS_ETOOBIG, "%s: data directory path too long", dir);
		goto out;
	}
	errno = 0;
	if ((r = cs_buf_read_file(&raw, path)) != CS_OK) {
		r = cs_err_set(err, r, "%s: cannot read: %s", path,
			       r == CS_ETOOBIG ? "larger than 4096 bytes"
			       : errno != 0    ? strerror(errno)
					       : cs_strerror(r));
		goto out;
	}
	for (size_t k = 0; k < raw.len; k++) {
		unsigned char c = (unsigned char)raw.data[k];
		if (c == '\r' && k + 1 < raw.len && raw.data[k + 1] == '\n')
			continue; /* CRLF in the file is read as LF */
		if (c != '\n' && c != '\t' && (c < 0x20 || c > 0x7e)) {
			r = cs_err_set(err, CS_EDATA, "%s:%d: byte 0x%02x is not printable ASCII",
				       path, line_of(raw.data, k), c);
			goto out;
		}
		if ((p == CS_DISC_SSDP || p == CS_DISC_COUNT) && c == '\n')
			r = cs_buf_append(&w, "\r\n", 2);
		else
			r = cs_buf_putc(&w, (char)c);
		if (r != CS_OK)
			goto out;
	}
	/* XML and JSON: the editor's final newline is not sent. */
	if (p != CS_DISC_SSDP && p != CS_DISC_MDNS && p != CS_DISC_COUNT)
		while (w.len > 0 && (w.data[w.len - 1] == '\n' || w.data[w.len - 1] == ' '))
			w.len--;
	if (w.len == 0) {
		r = cs_err_set(err, CS_EDATA, "%s: empty", path);
		goto out;
	}
	const char *why = cs_probe_payload_forbidden(w.data, w.len);
	if (why == NULL)
		why = proto_check(p, cs_sv_make(w.data, w.len));
	if (why != NULL) {
		r = cs_err_set(err, CS_EDATA, "%s: refused, must never be sent: %s", path, why);
		goto out;
	}
	if ((r = cs_buf_putc(&w, '\0')) != CS_OK)
		goto out;
	loaded[i].len = w.len - 1;
	loaded[i].text = cs_buf_steal(&w); /* transferred */
	r = CS_OK;
out:
	cs_buf_free(&raw);
	cs_buf_free(&w);
	return r;
}

void cs_disc_free(void)
{
	for (size_t i = 0; i < NFILES; i++)
		free(loaded[i].text);
	memset(loaded, 0, sizeof(loaded));
	is_loaded = false;
}

int cs_disc_load(const char *data_dir, struct cs_err *err)
{
	int r = CS_OK;

	cs_disc_free();
	if (data_dir == NULL || *data_dir == '\0')
		return cs_err_set(err, CS_EINVAL, "no data directory for the discovery requests");
	for (size_t i = 0; i < NFILES; i++)
		if ((r = load_one(data_dir, i, err)) != CS_OK) {
			cs_disc_free();
			return r;
		}
	/* mDNS: check the names now, so that a bad line stops start-up, not a send. */
	char q[CS_DISC_REQ_MAX];
	size_t qn;
	for (size_t i = 0; i < NFILES; i++) {
		if (files[i].proto != CS_DISC_MDNS)
			continue;
		is_loaded = true;
		if ((r = cs_disc_request(CS_DISC_MDNS, 0, NULL, q, sizeof(q), &qn)) != CS_OK) {
			r = cs_err_set(err, CS_EDATA,
				       "%s/probes/%s: a service name is not a DNS name (labels of "
				       "1-63 bytes, at most %d names)",
				       data_dir, files[i].file, MAX_MDNS_NAMES);
			cs_disc_free();
			return r;
		}
	}
	is_loaded = true;
	return CS_OK;
}

size_t cs_disc_request_count(enum cs_disc_proto p)
{
	size_t n = 0;
	for (size_t i = 0; is_loaded && i < NFILES; i++)
		n += files[i].proto == p;
	return n;
}

/* ---- building ---- */

static int make_uuid(char out[37], bool upper)
{
	unsigned char r[16];
	const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
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

/*
 * Copy src with {uuid}, {uuid-upper}, {host}, {authority}, {path} (when path is not NULL) and
 * {version} filled in; other braces as they are.
 */
static int fill(const char *src, size_t n, const char *host, const char *path, struct cs_buf *out)
{
	char uuid[37], uuid_upper[37];
	bool have_uuid = false;
	int r = CS_OK;

	for (size_t i = 0; i < n && r == CS_OK; i++) {
		struct cs_sv rest = cs_sv_make(src + i, n - i);
		const char *val = NULL;
		size_t skip = 0;
		if (src[i] == '{') {
			if (cs_sv_iprefix(rest, CS_SV("{uuid}")) ||
			    cs_sv_iprefix(rest, CS_SV("{uuid-upper}"))) {
				bool up = rest.n > 6 && src[i + 5] == '-';
				if (!have_uuid) {
					/* One UUID per request, in both spellings. */
					if ((r = make_uuid(uuid, false)) != CS_OK)
						return r;
					for (size_t k = 0; k < sizeof(uuid); k++)
						uuid_upper[k] =
							(char)(uuid[k] >= 'a' && uuid[k] <= 'f'
								       ? uuid[k] - 32
								       : uuid[k]);
					have_uuid = true;
				}
				val = up ? uuid_upper : uuid;
				skip = up ? 12 : 6;
			} else if (cs_sv_iprefix(rest, CS_SV("{host}")) ||
				   cs_sv_iprefix(rest, CS_SV("{authority}"))) {
				val = host, skip = src[i + 1] == 'h' ? 6 : 11;
			} else if (cs_sv_iprefix(rest, CS_SV("{path}")) && path != NULL) {
				val = path, skip = 6;
			} else if (cs_sv_iprefix(rest, CS_SV("{version}"))) {
				val = CS_VERSION, skip = 9;
			}
		}
		if (val != NULL) {
			r = cs_buf_puts(out, val);
			i += skip - 1;
		} else {
			r = cs_buf_putc(out, src[i]);
		}
	}
	return r;
}

static int build_mdns(const char *text, size_t n, char *buf, size_t cap, size_t *len)
{
	const char *names[MAX_MDNS_NAMES];
	char store[CS_DISC_REQ_MAX];
	size_t nn = 0, o = 0;
	const char *p = text, *end = text + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct cs_sv line = cs_sv_trim(cs_sv_make(p, (size_t)((nl ? nl : end) - p)));
		p = nl != NULL ? nl + 1 : end;
		if (line.n == 0 || line.p[0] == '#')
			continue;
		if (nn == MAX_MDNS_NAMES || line.n + 1 > sizeof(store) - o)
			return CS_EINVAL;
		while (line.n > 0 && line.p[line.n - 1] == '.')
			line.n--; /* "_http._tcp.local." is the same name */
		memcpy(store + o, line.p, line.n);
		store[o + line.n] = '\0';
		names[nn++] = store + o;
		o += line.n + 1;
	}
	if (nn == 0)
		return CS_EINVAL;
	return cs_mdns_build_query(names, nn, buf, cap, len);
}

int cs_disc_request(enum cs_disc_proto p, size_t i, const char *dest, char *buf, size_t cap,
		    size_t *len)
{
	struct cs_buf w;
	size_t k = 0, fi = NFILES;
	int r;

	for (size_t f = 0; is_loaded && f < NFILES; f++)
		if (files[f].proto == p && k++ == i) {
			fi = f;
			break;
		}
	if (fi == NFILES)
		return CS_ENOTFOUND;
	if (p == CS_DISC_MDNS)
		return build_mdns(loaded[fi].text, loaded[fi].len, buf, cap, len);
	cs_buf_init(&w, CS_DISC_REQ_MAX);
	if ((r = fill(loaded[fi].text, loaded[fi].len, dest != NULL ? dest : protos[p].group, NULL,
		      &w)) != CS_OK)
		goto out;
	if (p == CS_DISC_DHIP) {
		/* The 32-byte header (dhip.h): size, magic, session 0, id 0, length twice. */
		unsigned char h[CS_DHIP_HEADER_LEN] = {0x20, 0, 0, 0, 'D', 'H', 'I', 'P'};
		uint32_t bl = (uint32_t)w.len;
		for (int b = 0; b < 4; b++)
			h[16 + b] = h[24 + b] = (unsigned char)(bl >> (8 * b));
		if (w.len + sizeof(h) > cap) {
			r = CS_ETOOBIG;
			goto out;
		}
		memcpy(buf, h, sizeof(h));
		memcpy(buf + sizeof(h), w.data, w.len);
		*len = w.len + sizeof(h);
	} else {
		if (w.len > cap) {
			r = CS_ETOOBIG;
			goto out;
		}
		memcpy(buf, w.data, w.len);
		*len = w.len;
	}
	r = CS_OK;
out:
	cs_buf_free(&w);
	return r;
}

int cs_disc_upnp_request(const char *authority, const char *path, char *buf, size_t cap,
			 size_t *len)
{
	struct cs_buf w;
	size_t fi = NFILES;
	int r;

	for (size_t f = 0; is_loaded && f < NFILES; f++)
		if (files[f].proto == CS_DISC_COUNT)
			fi = f;
	if (fi == NFILES)
		return CS_ENOTFOUND;
	/* The path goes into a request line: printable, no spaces, absolute, bounded. */
	size_t pn = strlen(path);
	if (pn == 0 || pn > 512 || path[0] != '/' || strlen(authority) > 21)
		return CS_EINVAL;
	for (size_t i = 0; i < pn; i++)
		if ((unsigned char)path[i] <= 0x20 || (unsigned char)path[i] >= 0x7f)
			return CS_EINVAL;
	cs_buf_init(&w, CS_DISC_REQ_MAX);
	if ((r = fill(loaded[fi].text, loaded[fi].len, authority, path, &w)) == CS_OK) {
		if (w.len > cap) {
			r = CS_ETOOBIG;
		} else {
			memcpy(buf, w.data, w.len);
			*len = w.len;
		}
	}
	cs_buf_free(&w);
	return r;
}

/* ---- replies ---- */

bool cs_disc_is_reply(enum cs_disc_proto proto, const char *p, size_t n)
{
	struct cs_sv s = cs_sv_make(p, n > 4096 ? 4096 : n);
	switch (proto) {
	case CS_DISC_WSD:
		/* The Body comes after the Header; search the whole datagram. */
		return cs_sv_find(cs_sv_make(p, n), CS_SV("ProbeMatch")) >= 0;
	case CS_DISC_SADP:
		return cs_sv_find(s, CS_SV("<ProbeMatch")) >= 0 ||
		       cs_sv_find(s, CS_SV("<DeviceSN>")) >= 0;
	case CS_DISC_DHIP: {
		struct cs_sv json;
		if (cs_dhip_parse((const unsigned char *)p, n, &json, NULL) != CS_OK)
			return false;
		return cs_sv_find(json, CS_SV("DHDiscover.search")) < 0 ||
		       cs_sv_find(json, CS_SV("deviceInfo")) >= 0;
	}
	case CS_DISC_SSDP:
		return cs_sv_iprefix(s, CS_SV("HTTP/1.1 200")) ||
		       cs_sv_iprefix(s, CS_SV("HTTP/1.0 200")) ||
		       cs_sv_iprefix(s, CS_SV("NOTIFY "));
	case CS_DISC_MDNS: return n >= 12 && ((const unsigned char *)p)[2] & 0x80;
	default: return false;
	}
}

struct mdns_obs {
	struct cs_ident *id;
	struct cs_buf txt; /* TXT strings as key=value lines, fed as one kv document */
	int r;
};

/* "axis-accc8e7ea36d.local" -> "axis-accc8e7ea36d"; instance names lose their service part. */
static struct cs_sv host_part(const char *name)
{
	struct cs_sv s = cs_sv_cstr(name);
	long at = cs_sv_find(s, CS_SV("._"));
	if (at >= 0)
		return cs_sv_make(s.p, (size_t)at); /* "AXIS M3045-V - ACCC8E7EA36D._http._tcp" */
	if (s.n > 6 && cs_sv_ieq(cs_sv_make(s.p + s.n - 6, 6), CS_SV(".local")))
		s.n -= 6;
	return s;
}

static int on_rr(void *ctx, const struct cs_mdns_rr *rr)
{
	struct mdns_obs *o = ctx;
	const unsigned char *t = (const unsigned char *)rr->rdata;
	int r = CS_OK;

	switch (rr->type) {
	case CS_DNS_PTR:
		/* The instance name is the device's chosen name ("HIKVISION DS-2CD... - 7330..."). */
		if (rr->target[0] != '\0')
			r = cs_ident_observe_from(o->id, CS_SIG_HOSTNAME, host_part(rr->target),
						  "mdns.ptr", 0.8);
		break;
	case CS_DNS_SRV:
		if (rr->target[0] != '\0')
			r = cs_ident_observe_from(o->id, CS_SIG_HOSTNAME, host_part(rr->target),
						  "mdns.srv", 0.9);
		break;
	case CS_DNS_A:
		r = cs_ident_observe_from(o->id, CS_SIG_HOSTNAME, host_part(rr->name), "mdns.a",
					  0.9);
		break;
	case CS_DNS_TXT:
		/* <len><key=value>...; each string becomes a line of the kv document. */
		for (size_t i = 0; i < rr->rdlen && r == CS_OK;) {
			size_t l = t[i];
			if (l > rr->rdlen - i - 1)
				l = rr->rdlen - i - 1;
			const char *sp = rr->rdata + i + 1;
			if (l > 0 && memchr(sp, '=', l) != NULL && memchr(sp, '\n', l) == NULL &&
			    memchr(sp, '\r', l) == NULL) {
				if ((r = cs_buf_append(&o->txt, sp, l)) == CS_OK)
					r = cs_buf_putc(&o->txt, '\n');
			}
			i += 1 + l;
		}
		if (r == CS_ETOOBIG || r == CS_ENOMEM)
			r = CS_OK; /* keep what fit */
		break;
	default: break;
	}
	return r;
}

int cs_disc_observe(struct cs_ident *id, enum cs_disc_proto proto, const char *p, size_t n,
		    struct cs_err *err)
{
	switch (proto) {
	case CS_DISC_WSD: return cs_ident_feed(id, CS_IN_WSD, p, n, err);
	case CS_DISC_SADP: return cs_ident_feed(id, CS_IN_SADP, p, n, err);
	case CS_DISC_DHIP: return cs_ident_feed(id, CS_IN_DHIP, p, n, err);
	case CS_DISC_SSDP: return cs_ident_feed(id, CS_IN_SSDP, p, n, err);
	case CS_DISC_MDNS: {
		struct mdns_obs o = {id, {0}, CS_OK};
		cs_buf_init(&o.txt, 16384);
		int r = cs_mdns_parse(p, n, on_rr, &o);
		cs_ident_observe_from(id, CS_SIG_PROTO, CS_SV("mdns"), "mdns", 1.0);
		if (o.txt.len > 0) {
			struct cs_err kerr;
			cs_ident_feed(id, CS_IN_KV, o.txt.data, o.txt.len, &kerr);
		}
		cs_buf_free(&o.txt);
		if (r != CS_OK)
			return cs_err_set(err, CS_EPARSE, "mDNS reply does not parse");
		return CS_OK;
	}
	default: return cs_err_set(err, CS_EINVAL, "unknown discovery protocol");
	}
}
