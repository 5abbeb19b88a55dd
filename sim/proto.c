/*
 * proto.c - from the bytes a client sent to the bytes the persona answers.
 *
 * HTTP and RTSP share one request parser (request line, headers, a body bounded by
 * Content-Length) and one router over the persona's route table. The binary services are
 * small: the Hikvision SDK port and other banners, Dahua's DVRIP/DHIP on 37777, and the four
 * UDP discovery protocols. Every handler reads only in[0..n), treats every byte as hostile,
 * and answers or refuses; none can fail on input. This parser is deliberately not camsweep's
 * (src/proto/http.c): the simulator must not share the scanner's bugs.
 */
#include "sim.h"

#include <string.h>

/* ---------------------------------------------------------------- HTTP / RTSP requests */

struct req {
	struct cs_sv method, target, path, query, version, body;
	struct cs_sv cseq, cseq_raw, rpc_id, cmd;
	bool rtsp;
	bool http11;
	bool conn_close;
	size_t total; /* head + body */
};

static bool is_method_char(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '-';
}

static struct cs_sv digits_prefix(struct cs_sv v, size_t max)
{
	size_t i = 0;
	v = cs_sv_trim(v);
	while (i < v.n && i < max && v.p[i] >= '0' && v.p[i] <= '9')
		i++;
	return cs_sv_make(v.p, i);
}

static struct cs_sv alnum_prefix(struct cs_sv v, size_t max)
{
	size_t i = 0;
	while (i < v.n && i < max &&
	       ((v.p[i] >= '0' && v.p[i] <= '9') || (v.p[i] >= 'A' && v.p[i] <= 'Z') ||
		(v.p[i] >= 'a' && v.p[i] <= 'z')))
		i++;
	return cs_sv_make(v.p, i);
}

/* A value echoed as it came, cut at the first byte outside [A-Za-z0-9 ._-]. */
static struct cs_sv safe_text(struct cs_sv v, size_t max)
{
	size_t i = 0;
	while (i < v.n && i < max) {
		unsigned char ch = (unsigned char)v.p[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= 'A' && ch <= 'Z') || ch == ' ' || ch == '.' || ch == '_' || ch == '-'))
			break;
		i++;
	}
	return cs_sv_make(v.p, i);
}

/* e.g. GET /ISAPI/System/deviceInfo HTTP/1.1 or OPTIONS rtsp://127.1.0.5:554/ RTSP/1.0 */
static int parse_request_line(struct cs_sv line, struct req *r)
{
	size_t i = 0, j;

	while (i < line.n && i <= 16 && is_method_char((unsigned char)line.p[i]))
		i++;
	if (i == 0 || i > 16 || i >= line.n || line.p[i] != ' ')
		return -1;
	r->method = cs_sv_make(line.p, i);
	j = ++i;
	while (j < line.n && line.p[j] != ' ' && (unsigned char)line.p[j] > 0x20 &&
	       (unsigned char)line.p[j] != 0x7f)
		j++;
	if (j == i || j - i > 2048 || j >= line.n || line.p[j] != ' ')
		return -1;
	r->target = cs_sv_make(line.p + i, j - i);
	r->version = cs_sv_make(line.p + j + 1, line.n - j - 1);
	/* HTTP/1.x, RTSP/1.0, and SIP/2.0 (nmap's SIPOptions probe, which cameras answer). */
	struct cs_sv v = r->version;
	if (v.n < 7 || v.n > 8 || v.p[v.n - 4] != '/' || v.p[v.n - 2] != '.' ||
	    v.p[v.n - 3] < '0' || v.p[v.n - 3] > '9' || v.p[v.n - 1] < '0' || v.p[v.n - 1] > '9')
		return -1;
	if (cs_sv_iprefix(v, CS_SV("RTSP/")) || cs_sv_iprefix(v, CS_SV("SIP/")))
		r->rtsp = true;
	else if (!cs_sv_iprefix(v, CS_SV("HTTP/")))
		return -1;
	r->http11 = cs_sv_eq(v, CS_SV("HTTP/1.1"));

	/* The path: an absolute URI (rtsp://host:port/path) loses its scheme and authority. */
	struct cs_sv t = r->target;
	long scheme = cs_sv_find(t, CS_SV("://"));
	if (scheme > 0 && scheme < 8) {
		struct cs_sv rest = cs_sv_make(t.p + scheme + 3, t.n - (size_t)scheme - 3);
		long slash = cs_sv_find(rest, CS_SV("/"));
		t = slash >= 0 ? cs_sv_make(rest.p + slash, rest.n - (size_t)slash) : CS_SV("/");
	}
	long q = cs_sv_find(t, CS_SV("?"));
	if (q >= 0) {
		r->query = cs_sv_make(t.p + q + 1, t.n - (size_t)q - 1);
		t.n = (size_t)q;
	}
	r->path = t;
	return 0;
}

/* Returns 1 with *r filled, 0 when more bytes are needed, -1 when the input is refused. */
static int parse_request(const char *in, size_t n, struct req *r)
{
	const char *nl;
	size_t pos, clen = 0;
	int r1;

	memset(r, 0, sizeof(*r));
	r->query = r->body = r->cseq = r->cseq_raw = r->rpc_id = r->cmd = CS_SV(""); /* not NULL */
	/* Refuse early what cannot become a request line, so garbage is dropped at once. */
	for (size_t i = 0; i < n && in[i] != ' '; i++)
		if (!is_method_char((unsigned char)in[i]) || i >= 16)
			return -1;
	nl = memchr(in, '\n', n);
	if (nl == NULL)
		return n >= SIM_REQ_CAP ? -1 : 0;
	struct cs_sv line = cs_sv_make(in, (size_t)(nl - in));
	if (line.n > 0 && line.p[line.n - 1] == '\r')
		line.n--;
	if ((r1 = parse_request_line(line, r)) != 0)
		return -1;
	pos = (size_t)(nl - in) + 1;
	for (;;) {
		nl = memchr(in + pos, '\n', n - pos);
		if (nl == NULL)
			return n >= SIM_REQ_CAP ? -1 : 0;
		struct cs_sv h = cs_sv_make(in + pos, (size_t)(nl - (in + pos)));
		pos = (size_t)(nl - in) + 1;
		if (h.n > 0 && h.p[h.n - 1] == '\r')
			h.n--;
		if (h.n == 0)
			break;
		long colon = cs_sv_find(h, CS_SV(":"));
		if (colon <= 0)
			continue; /* not a header: tolerated, as devices tolerate it */
		struct cs_sv name = cs_sv_make(h.p, (size_t)colon);
		struct cs_sv val = cs_sv_trim(cs_sv_make(h.p + colon + 1, h.n - (size_t)colon - 1));
		if (cs_sv_ieq(name, CS_SV("Content-Length"))) {
			uint64_t v;
			if (cs_parse_u64(val, SIM_REQ_CAP, &v) != CS_OK)
				return -1;
			clen = (size_t)v;
		} else if (cs_sv_ieq(name, CS_SV("CSeq"))) {
			r->cseq = digits_prefix(val, 9);
			r->cseq_raw = safe_text(val, 32);
		} else if (cs_sv_ieq(name, CS_SV("Connection"))) {
			r->conn_close = cs_sv_ifind(val, CS_SV("close")) >= 0;
		}
	}
	if (clen > SIM_REQ_CAP || pos + clen > SIM_REQ_CAP)
		return -1;
	if (n < pos + clen)
		return 0;
	r->body = cs_sv_make(in + pos, clen);
	r->total = pos + clen;

	/* Values some answers echo, reduced to characters that are safe anywhere. */
	long id = cs_sv_find(r->body, CS_SV("\"id\""));
	if (id >= 0) {
		struct cs_sv rest = cs_sv_make(r->body.p + id + 4, r->body.n - (size_t)id - 4);
		while (rest.n > 0 && (rest.p[0] == ' ' || rest.p[0] == ':')) {
			rest.p++;
			rest.n--;
		}
		r->rpc_id = digits_prefix(rest, 9);
	}
	for (size_t i = 0; i + 4 <= r->query.n; i++) {
		if ((i == 0 || r->query.p[i - 1] == '&') &&
		    memcmp(r->query.p + i, "cmd=", 4) == 0) {
			r->cmd = alnum_prefix(cs_sv_make(r->query.p + i + 4, r->query.n - i - 4),
					      32);
			break;
		}
	}
	return 1;
}

static bool path_match(const char *pat, struct cs_sv path)
{
	size_t n = strlen(pat);
	if (n == 1 && pat[0] == '*')
		return true;
	if (n > 0 && pat[n - 1] == '*')
		return path.n >= n - 1 && memcmp(path.p, pat, n - 1) == 0;
	return cs_sv_eq(path, cs_sv_make(pat, n));
}

static const struct sim_route *route(const struct sim_service *svc, const struct req *r)
{
	for (size_t i = 0; i < svc->nroutes; i++) {
		const struct sim_route *rt = &svc->routes[i];
		if (strcmp(rt->method, "*") != 0 && !cs_sv_eq(r->method, cs_sv_cstr(rt->method)))
			continue;
		if (!path_match(rt->path, r->path))
			continue;
		if (rt->needle != NULL && cs_sv_find(r->query, cs_sv_cstr(rt->needle)) < 0 &&
		    cs_sv_find(r->body, cs_sv_cstr(rt->needle)) < 0)
			continue;
		return rt;
	}
	return NULL;
}

/*
 * Is this the first step of a Dahua global.login (an empty password)? The second step sends
 * a password hash; the simulator never lets it succeed (fingerprinting-signals.md 5.5).
 */
static bool dahua_first_step(struct cs_sv body)
{
	long pw;
	if (cs_sv_find(body, CS_SV("global.login")) < 0)
		return false;
	pw = cs_sv_find(body, CS_SV("\"password\""));
	if (pw < 0)
		return true;
	struct cs_sv rest = cs_sv_make(body.p + pw + 10, body.n - (size_t)pw - 10);
	while (rest.n > 0 && (rest.p[0] == ' ' || rest.p[0] == ':' || rest.p[0] == '\t')) {
		rest.p++;
		rest.n--;
	}
	return rest.n >= 2 && rest.p[0] == '"' && rest.p[1] == '"';
}

static const struct sim_resp *apply_hook(const struct sim_route *rt, struct cs_sv body)
{
	if (rt->hook == SIM_HOOK_DAHUA_LOGIN)
		return dahua_first_step(body) ? rt->resp : rt->alt;
	return rt->resp;
}

static int status_of(const char *p, size_t n)
{
	/* "HTTP/1.1 401 ..." */
	const char *sp = memchr(p, ' ', n < 16 ? n : 16);
	if (sp == NULL || (size_t)(sp - p) + 4 > n)
		return 0;
	if (sp[1] < '0' || sp[1] > '9' || sp[2] < '0' || sp[2] > '9' || sp[3] < '0' || sp[3] > '9')
		return 0;
	return (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
}

static int http_rtsp(const struct sim_service *svc, const struct sim_ctx *c0, const char *in,
		     size_t n, struct cs_buf *out, struct sim_answer *a)
{
	struct req r;
	struct sim_ctx c = *c0;
	const struct sim_route *rt;
	const struct sim_resp *resp;
	size_t skip = 0, start = out->len;

	/* Empty lines before a request line are ignored (RFC 9112 2.2). */
	while (skip < n && skip < 64 && (in[skip] == '\r' || in[skip] == '\n'))
		skip++;
	int pr = parse_request(in + skip, n - skip, &r);
	if (pr <= 0)
		return pr;
	a->consumed = skip + r.total;
	cs_sv_copy(a->method, sizeof(a->method), r.method);
	cs_sv_copy(a->path, sizeof(a->path), r.path);
	if ((rt = route(svc, &r)) == NULL || (resp = apply_hook(rt, r.body)) == NULL)
		return -1;
	c.cseq = r.cseq;
	c.cseq_raw = r.cseq_raw;
	c.rpc_id = r.rpc_id;
	c.cmd = r.cmd;
	c.keep = svc->kind == SIM_HTTP && (resp->flags & SIM_R_KEEP) != 0 && r.http11 &&
		 !r.conn_close;
	if (sim_render(out, resp, &c, cs_sv_eq(r.method, CS_SV("HEAD"))) != CS_OK)
		return -1;
	a->status = status_of(out->data + start, out->len - start);

	if (svc->kind == SIM_RTSP)
		a->after = r.rtsp && (resp->flags & SIM_R_CLOSE) == 0 ? SIM_AFTER_READ
								      : SIM_AFTER_CLOSE;
	else
		a->after = c.keep ? SIM_AFTER_READ : SIM_AFTER_CLOSE;
	switch (svc->mode) {
	case SIM_TRICKLE:
		a->trickle = true;
		a->after = SIM_AFTER_CLOSE;
		break;
	case SIM_ENDLESS:
		a->endless = true;
		a->after = SIM_AFTER_HOLD;
		break;
	case SIM_RESET:
		a->reset = true;
		a->after = SIM_AFTER_RST;
		break;
	case SIM_LIE: a->after = SIM_AFTER_HOLD; break;
	default: break;
	}
	return 1;
}

int sim_proto_endless_line(struct cs_buf *out, unsigned n)
{
	return cs_buf_printf(out, "X-Padding-%06u: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
			     n % 1000000);
}

/* ---------------------------------------------------------------- Dahua 37777 */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put_le32(unsigned char *p, uint32_t v)
{
	put_le16(p, v & 0xffff);
	put_le16(p + 2, v >> 16);
}

static const unsigned char dhip_magic[8] = {0x20, 0, 0, 0, 'D', 'H', 'I', 'P'};

/* A DHIP frame: 32-byte header (fingerprinting-signals.md 5.3), then the JSON. */
static int dhip_frame(struct cs_buf *out, const char *tmpl, const struct sim_ctx *c, uint32_t id)
{
	struct cs_buf json;
	unsigned char h[32] = {0};
	int r;

	cs_buf_init(&json, SIM_RESP_CAP);
	if ((r = sim_expand(&json, tmpl, c, 0)) != CS_OK)
		goto out;
	memcpy(h, dhip_magic, 8);
	put_le32(h + 12, id);
	put_le32(h + 16, (uint32_t)json.len);
	put_le32(h + 24, (uint32_t)json.len);
	if ((r = cs_buf_append(out, h, sizeof(h))) == CS_OK)
		r = cs_buf_append(out, json.data, json.len);
out:
	cs_buf_free(&json);
	return r;
}

/*
 * The DVRIP discovery answer, 0xb3 (fingerprinting-signals.md 5.4: UniversalScanner and mcw0
 * parse it): a 32-byte header whose byte 2 is the length of section 2 and whose u16 at 0x14 is
 * the length of section 3, 88 bytes of binary settings, the MAC as text followed by the model,
 * then key:value lines. UNVERIFIED against a capture; the IPv4 fields are little-endian as
 * UniversalScanner reads them.
 */
static int dvrip_discover(struct cs_buf *out, const struct sim_ctx *c)
{
	const struct sim_device *d = c->dev;
	unsigned char s1[120] = {0};
	char s2[96], s3[96];
	unsigned off = (unsigned)c->port_offset;
	int n2, n3, r;

	n2 = snprintf(s2, sizeof(s2), "%02x:%02x:%02x:%02x:%02x:%02x%s", d->mac[0], d->mac[1],
		      d->mac[2], d->mac[3], d->mac[4], d->mac[5], d->model);
	n3 = snprintf(s3, sizeof(s3), "SerialNo:%s\r\n", d->serial);
	if (n2 < 0 || n3 < 0 || (size_t)n2 >= sizeof(s2) || (size_t)n3 >= sizeof(s3) || n2 > 255)
		return CS_ETOOBIG;
	s1[0] = 0xb3;
	s1[2] = (unsigned char)n2;
	put_le16(s1 + 0x14, (unsigned)n3);
	unsigned char *p = s1 + 32;
	put_le16(p + 0, 2);
	put_le16(p + 2, 800);
	put_le16(p + 4, 0);
	put_le16(p + 6, 16);
	memcpy(p + 8, d->model, strnlen(d->model, 15));
	put_le32(p + 24, d->addr);
	put_le32(p + 28, 0xff000000u);
	put_le32(p + 32, 0x7f000001u);
	put_le32(p + 36, 0x7f000001u);
	put_le16(p + 62, 80 + off);
	put_le16(p + 64, 443 + off);
	put_le16(p + 66, 37777 + off);
	put_le16(p + 68, 10);
	put_le16(p + 70, 37778 + off);
	put_le16(p + 72, 37778 + off);
	put_le32(p + 76, 0xefff2a2au); /* 239.255.42.42 */
	put_le16(p + 80, 36666);
	if ((r = cs_buf_append(out, s1, sizeof(s1))) == CS_OK &&
	    (r = cs_buf_append(out, s2, (size_t)n2)) == CS_OK)
		r = cs_buf_append(out, s3, (size_t)n3);
	return r;
}

static int dvrip(const struct sim_service *svc, const struct sim_ctx *c, const char *in, size_t n,
		 struct cs_buf *out, struct sim_answer *a)
{
	const unsigned char *u = (const unsigned char *)in;
	unsigned char h[32] = {0};
	int r;

	if (n > 0 && u[0] != 0x20 && u[0] != 0xa0 && u[0] != 0xa3)
		return -1;
	if (n < 32)
		return 0;
	a->status = u[0] << 8 | u[1];
	if (memcmp(u, dhip_magic, 8) == 0) {
		/* DHIP over TCP: global.login's first step gets the RPC2_Login challenge. */
		uint32_t blen = le32(u + 16);
		const struct sim_resp *resp;
		struct sim_ctx cc = *c;
		struct req rq;
		if (blen > SIM_REQ_CAP - 32)
			return -1;
		if (n < 32 + blen)
			return 0;
		memset(&rq, 0, sizeof(rq));
		rq.body = cs_sv_make(in + 32, blen);
		long id = cs_sv_find(rq.body, CS_SV("\"id\":"));
		if (id >= 0)
			cc.rpc_id = digits_prefix(
				cs_sv_make(rq.body.p + id + 5, rq.body.n - (size_t)id - 5), 9);
		if (svc->nroutes == 0 || (resp = apply_hook(&svc->routes[0], rq.body)) == NULL ||
		    resp->body == NULL)
			return -1;
		if (dhip_frame(out, resp->body, &cc, le32(u + 12)) != CS_OK)
			return -1;
		a->consumed = 32 + blen;
		a->after = SIM_AFTER_READ;
		return 1;
	}
	if (u[0] == 0xa0 && u[1] == 0x01) {
		/* Realm request: b0 01, payload length at 4, "Realm:...\r\nRandom:...\r\n". */
		struct cs_buf text;
		cs_buf_init(&text, 1024);
		r = svc->tmpl != NULL ? sim_expand(&text, svc->tmpl, c, 0) : CS_OK;
		h[0] = 0xb0;
		h[1] = 0x01;
		put_le32(h + 4, (uint32_t)text.len);
		memcpy(h + 24, u + 24, 8);
		if (r == CS_OK && (r = cs_buf_append(out, h, sizeof(h))) == CS_OK && text.len > 0)
			r = cs_buf_append(out, text.data, text.len);
		cs_buf_free(&text);
		if (r != CS_OK)
			return -1;
		a->consumed = 32;
		a->after = SIM_AFTER_READ;
		return 1;
	}
	if (u[0] == 0xa0 && (u[1] == 0x00 || u[1] == 0x05)) {
		/* A login attempt: always "authentication failed, 4 tries left" (mcw0's codes),
		 * then the connection closes. The simulator never accepts a login. */
		size_t ext = u[1] == 0x05 ? le32(u + 4) : 0;
		if (ext > SIM_REQ_CAP - 32)
			return -1;
		if (n < 32 + ext)
			return 0;
		h[0] = 0xb0;
		h[8] = 0x01;
		h[24] = 0x06;
		h[26] = 0xf9;
		h[29] = 4;
		if (cs_buf_append(out, h, sizeof(h)) != CS_OK)
			return -1;
		a->consumed = 32 + ext;
		a->after = SIM_AFTER_CLOSE;
		return 1;
	}
	if (u[0] == 0xa3 && u[1] == 0x01) {
		if (dvrip_discover(out, c) != CS_OK)
			return -1;
		a->consumed = 32;
		a->after = SIM_AFTER_READ;
		return 1;
	}
	return -1;
}

/* ---------------------------------------------------------------- TCP entry points */

int sim_proto_connect(const struct sim_service *svc, const struct sim_ctx *c, struct cs_buf *out)
{
	if (svc->kind == SIM_HOLD || svc->mode == SIM_NEVER)
		return SIM_AFTER_HOLD;
	if (svc->mode == SIM_GARBAGE) {
		/* Random bytes, 512 to 2559 of them, then the connection closes. */
		uint64_t x = sim_mix64(c->nonce ^ (c->dev != NULL ? c->dev->h : 0));
		size_t len = 512 + (size_t)(x % 2048);
		for (size_t i = 0; i < len; i += 8) {
			unsigned char b[8];
			x = sim_mix64(x);
			for (int k = 0; k < 8; k++)
				b[k] = (unsigned char)(x >> (8 * k));
			if (cs_buf_append(out, b, len - i < 8 ? len - i : 8) != CS_OK)
				break;
		}
		return SIM_AFTER_CLOSE;
	}
	if (svc->kind == SIM_BANNER && svc->ngreet > 0)
		cs_buf_append(out, svc->greet, svc->ngreet);
	return SIM_AFTER_READ;
}

int sim_proto_tcp(const struct sim_service *svc, const struct sim_ctx *c, const char *in, size_t n,
		  struct cs_buf *out, struct sim_answer *a)
{
	memset(a, 0, sizeof(*a));
	switch (svc->kind) {
	case SIM_HTTP:
	case SIM_RTSP: return http_rtsp(svc, c, in, n, out, a);
	case SIM_DVRIP: return dvrip(svc, c, in, n, out, a);
	case SIM_BANNER:
		if (n == 0)
			return 0;
		if (svc->nreply > 0 && cs_buf_append(out, svc->reply, svc->nreply) != CS_OK)
			return -1;
		a->consumed = n;
		a->after = SIM_AFTER_CLOSE;
		return 1;
	default: a->consumed = n; return 0;
	}
}

/* ---------------------------------------------------------------- UDP */

/* The text of the first element whose name ends in tag (e.g. "MessageID" matches
 * <wsa:MessageID>), or an empty view. */
static struct cs_sv element_text(struct cs_sv msg, const char *tag)
{
	struct cs_sv t = cs_sv_cstr(tag);
	for (size_t i = 0; i + t.n + 1 < msg.n; i++) {
		if (memcmp(msg.p + i, t.p, t.n) != 0 || msg.p[i + t.n] != '>')
			continue;
		if (i == 0 || (msg.p[i - 1] != '<' && msg.p[i - 1] != ':'))
			continue;
		size_t s = i + t.n + 1, e = s;
		while (e < msg.n && msg.p[e] != '<')
			e++;
		return cs_sv_trim(cs_sv_make(msg.p + s, e - s));
	}
	return cs_sv_make("", 0);
}

/* A MessageID or Uuid safe to echo into XML: its prefix of [A-Za-z0-9:._-], at most 128. */
static struct cs_sv safe_id(struct cs_sv v)
{
	size_t i = 0;
	while (i < v.n && i < 128) {
		unsigned char ch = (unsigned char)v.p[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= 'A' && ch <= 'Z') || ch == ':' || ch == '.' || ch == '_' || ch == '-'))
			break;
		i++;
	}
	return cs_sv_make(v.p, i);
}

static bool types_accepted(struct cs_sv types, const char *accept)
{
	const char *w = accept;
	if (types.n == 0 || accept == NULL)
		return true;
	while (*w != '\0') {
		const char *bar = strchr(w, '|');
		size_t len = bar != NULL ? (size_t)(bar - w) : strlen(w);
		if (len > 0 && cs_sv_find(types, cs_sv_make(w, len)) >= 0)
			return true;
		w += len + (bar != NULL);
	}
	return false;
}

static int wsd(const struct sim_service *svc, const struct sim_ctx *c, struct cs_sv msg,
	       struct cs_buf *out)
{
	struct sim_ctx cc = *c;

	/* Only a Probe is answered: never a ProbeMatches, Hello or Bye (no reply loops). */
	if (cs_sv_find(msg, CS_SV("ProbeMatch")) >= 0 || cs_sv_find(msg, CS_SV("Resolve")) >= 0)
		return 0;
	if (cs_sv_find(msg, CS_SV("discovery/Probe<")) < 0 &&
	    cs_sv_find(msg, CS_SV("<Probe")) < 0 && cs_sv_find(msg, CS_SV(":Probe>")) < 0 &&
	    cs_sv_find(msg, CS_SV(":Probe ")) < 0 && cs_sv_find(msg, CS_SV(":Probe/")) < 0)
		return 0;
	if (!types_accepted(element_text(msg, "Types"), svc->types))
		return 0;
	cc.relates_to = safe_id(element_text(msg, "MessageID"));
	return sim_expand(out, svc->tmpl, &cc, 0) == CS_OK ? 1 : 0;
}

/* SADP: only the read-only inquiry is answered; activate, reset, update... get nothing. */
static int sadp(const struct sim_service *svc, const struct sim_ctx *c, struct cs_sv msg,
		struct cs_buf *out)
{
	struct sim_ctx cc = *c;
	struct cs_sv types = element_text(msg, "Types");

	if (!cs_sv_ieq(types, CS_SV("inquiry")) && !cs_sv_ieq(types, CS_SV("inquiry_v32")))
		return 0;
	cc.relates_to = safe_id(element_text(msg, "Uuid"));
	return sim_expand(out, svc->tmpl, &cc, 0) == CS_OK ? 1 : 0;
}

static int dhip_udp(const struct sim_service *svc, const struct sim_ctx *c, const char *in,
		    size_t n, struct cs_buf *out)
{
	const unsigned char *u = (const unsigned char *)in;
	if (n < 32 || memcmp(u, dhip_magic, 8) != 0)
		return 0;
	uint32_t blen = le32(u + 16);
	if (blen > n - 32)
		return 0;
	if (cs_sv_find(cs_sv_make(in + 32, blen), CS_SV("DHDiscover.search")) < 0)
		return 0;
	return dhip_frame(out, svc->tmpl, c, 0) == CS_OK ? 1 : 0;
}

static int tlv(struct cs_buf *out, unsigned type, const void *v, size_t n)
{
	unsigned char h[3] = {(unsigned char)type, (unsigned char)(n >> 8), (unsigned char)n};
	int r = cs_buf_append(out, h, 3);
	return r == CS_OK ? cs_buf_append(out, v, n) : r;
}

/*
 * Ubiquiti discovery v1: "01 00 00 00" in; out "01 00 <u16 length>" and TLVs (type, u16
 * length, value): 02 MAC+IPv4, 01 MAC, 0a uptime, 0b hostname, 0c model, 03 firmware, 14
 * full model. nmap's matches read the model from 0x0c; the other values are UNVERIFIED.
 */
static int ubnt(const struct sim_ctx *c, const char *in, size_t n, struct cs_buf *out)
{
	const struct sim_device *d = c->dev;
	static const unsigned char probe[4] = {1, 0, 0, 0};
	unsigned char macip[10], up[4] = {0, 0, 0x1c, 0x20};
	char dashed[64], fw[96];
	size_t start = out->len, i;
	int r;

	if (n != 4 || memcmp(in, probe, 4) != 0)
		return 0;
	for (i = 0; d->model[i] != '\0' && i + 1 < sizeof(dashed); i++)
		dashed[i] = d->model[i] == ' ' ? '-' : d->model[i];
	dashed[i] = '\0';
	snprintf(fw, sizeof(fw), "UVC.s5l.v%s.0.220114.1600", d->fw);
	memcpy(macip, d->mac, 6);
	macip[6] = (unsigned char)(d->addr >> 24);
	macip[7] = (unsigned char)(d->addr >> 16);
	macip[8] = (unsigned char)(d->addr >> 8);
	macip[9] = (unsigned char)d->addr;
	if ((r = cs_buf_append(out, "\x01\x00\x00\x00", 4)) != CS_OK ||
	    (r = tlv(out, 0x02, macip, 10)) != CS_OK || (r = tlv(out, 0x01, d->mac, 6)) != CS_OK ||
	    (r = tlv(out, 0x0a, up, 4)) != CS_OK ||
	    (r = tlv(out, 0x0b, dashed, strlen(dashed))) != CS_OK ||
	    (r = tlv(out, 0x0c, dashed, strlen(dashed))) != CS_OK ||
	    (r = tlv(out, 0x03, fw, strlen(fw))) != CS_OK ||
	    (r = tlv(out, 0x14, d->model, strlen(d->model))) != CS_OK)
		return 0;
	size_t len = out->len - start - 4;
	out->data[start + 2] = (char)(len >> 8);
	out->data[start + 3] = (char)len;
	return 1;
}

int sim_proto_udp(const struct sim_service *svc, const struct sim_ctx *c, const char *in, size_t n,
		  struct cs_buf *out)
{
	struct cs_sv msg = cs_sv_make(in, n);
	if (n == 0 || n > SIM_REQ_CAP)
		return 0;
	switch (svc->kind) {
	case SIM_UDP_WSD: return wsd(svc, c, msg, out);
	case SIM_UDP_SADP: return sadp(svc, c, msg, out);
	case SIM_UDP_DHIP: return dhip_udp(svc, c, in, n, out);
	case SIM_UDP_UBNT: return ubnt(c, in, n, out);
	default: return 0;
	}
}
