/*
 * device.c - the identity of each simulated device and the template language of its answers.
 *
 * A device's MAC, serial number, model, firmware and UUID are derived from its address, its
 * persona and the global seed by one hash (splitmix64), so the same estate always yields the
 * same devices and no two addresses look alike. The MAC is always under one of the persona
 * maker's real IEEE prefixes, because that is the signal relabelling leaves in place.
 *
 * Templates are the persona tables' way to say "this header, with this device's value":
 *
 *   e.g.  WWW-Authenticate: Digest realm="AXIS_{MACHEX}", nonce="{nonce}"\r\n
 *
 * Placeholders are {name} or {name|default}; {{ is a literal brace and any brace that does not
 * start a known placeholder is copied as it is, so JSON and script bodies need no escaping.
 */
#include "sim.h"

#include <string.h>

uint64_t sim_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void sim_format_ipv4(uint32_t addr, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255,
		 addr & 255);
}

static const char hexl[] = "0123456789abcdef";
static const char hexu[] = "0123456789ABCDEF";

static void hex_bytes(char *dst, const unsigned char *src, size_t n, const char *digits, char sep)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (sep != '\0' && i > 0)
			dst[o++] = sep;
		dst[o++] = digits[src[i] >> 4];
		dst[o++] = digits[src[i] & 15];
	}
	dst[o] = '\0';
}

static int parse_oui(const char *s, unsigned char mac[3])
{
	for (int i = 0; i < 3; i++) {
		int a = cs_hexval((unsigned char)s[2 * i]);
		int b = a < 0 ? -1 : cs_hexval((unsigned char)s[2 * i + 1]);
		if (b < 0)
			return CS_EPARSE;
		mac[i] = (unsigned char)(a << 4 | b);
	}
	return CS_OK;
}

/* Replace the serial-format wildcards in s with characters drawn from *state. */
static void fill_wildcards(char *s, uint64_t *state)
{
	static const char letters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
	static const char alnum[] = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
	for (; *s != '\0'; s++) {
		*state = sim_mix64(*state);
		switch (*s) {
		case '#': *s = (char)('0' + *state % 10); break;
		case '?': *s = letters[*state % (sizeof(letters) - 1)]; break;
		case '%': *s = hexu[*state % 16]; break;
		case '@': *s = hexl[*state % 16]; break;
		case '&': *s = alnum[*state % (sizeof(alnum) - 1)]; break;
		default: break;
		}
	}
}

/* Expand a persona-level template (serial, uuid) into dst; the result is always a string. */
static void expand_into(char *dst, size_t cap, const char *tmpl, const struct sim_device *d)
{
	struct cs_buf b;
	struct sim_ctx c = {.dev = d};

	cs_buf_init(&b, cap - 1);
	if (tmpl == NULL || sim_expand(&b, tmpl, &c, 0) != CS_OK || b.data == NULL)
		dst[0] = '\0';
	else
		cs_sv_copy(dst, cap, cs_sv_make(b.data, b.len));
	cs_buf_free(&b);
}

void sim_device_init(struct sim_device *d, uint32_t addr, const struct sim_persona *p,
		     uint64_t seed)
{
	uint64_t h = sim_mix64(sim_mix64((uint64_t)addr) ^ sim_mix64(seed));
	uint64_t st;
	size_t i;

	memset(d, 0, sizeof(*d));
	d->addr = addr;
	d->p = p;
	d->h = h;
	sim_format_ipv4(addr, d->ip);
	d->model = p->nmodels > 0 ? p->models[h % p->nmodels] : "";
	d->fw = p->nfirmwares > 0 ? p->firmwares[(h >> 8) % p->nfirmwares] : "";

	st = sim_mix64(h ^ 0x4d4143);
	i = p->nouis > 0 ? (size_t)(st % p->nouis) : 0;
	if (p->nouis > 0 && strcmp(p->ouis[i], "*") != 0 && parse_oui(p->ouis[i], d->mac) == 0) {
		d->mac[3] = (unsigned char)(st >> 16);
		d->mac[4] = (unsigned char)(st >> 24);
		d->mac[5] = (unsigned char)(st >> 32);
	} else {
		/* No registered prefix: a locally administered unicast address. */
		for (int k = 0; k < 6; k++)
			d->mac[k] = (unsigned char)(st >> (8 * k + 8));
		d->mac[0] = (unsigned char)((d->mac[0] & 0xfc) | 0x02);
	}

	st = sim_mix64(h ^ 0x594d44);
	d->ymd = (unsigned)(2019 + st % 5) * 10000 + (unsigned)(1 + (st >> 8) % 12) * 100 +
		 (unsigned)(1 + (st >> 16) % 28);
	snprintf(d->realm_id, sizeof(d->realm_id), "%c%04u", "ABCDEFGH"[(st >> 24) % 8],
		 (unsigned)((st >> 32) % 10000));
	st = sim_mix64(h ^ 0x415554);
	for (int k = 0; k < 16; k++) {
		unsigned char byte = (unsigned char)(sim_mix64(st + (uint64_t)k) >> 8);
		d->authz[2 * k] = hexl[byte >> 4];
		d->authz[2 * k + 1] = hexl[byte & 15];
	}
	d->authz[32] = '\0';

	expand_into(d->serial, sizeof(d->serial), p->serial_fmt, d);
	st = sim_mix64(h ^ 0x534e);
	fill_wildcards(d->serial, &st);
	expand_into(d->uuid, sizeof(d->uuid), p->uuid_fmt, d);
}

/* ---- the template language ---- */

enum { VAL_MAX = 160 };

static void uuid_from(uint64_t seed, char out[37])
{
	unsigned char b[16];
	uint64_t x = sim_mix64(seed), y = sim_mix64(x);
	for (int i = 0; i < 8; i++) {
		b[i] = (unsigned char)(x >> (8 * i));
		b[8 + i] = (unsigned char)(y >> (8 * i));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

static bool name_is(struct cs_sv n, const char *s)
{
	return cs_sv_eq(n, cs_sv_cstr(s));
}

/* "port554" or "hostport8899": the digits after prefix, as a port number. */
static bool port_suffix(struct cs_sv n, const char *prefix, unsigned *port)
{
	struct cs_sv p = cs_sv_cstr(prefix);
	uint64_t v;
	if (n.n <= p.n || memcmp(n.p, p.p, p.n) != 0)
		return false;
	if (cs_parse_u64(cs_sv_make(n.p + p.n, n.n - p.n), 65535, &v) != CS_OK || v == 0)
		return false;
	*port = (unsigned)v;
	return true;
}

/* An HTTP date ("Sun, 22 Nov 2026 09:12:01 GMT") or, hik set, the date Hikvision's RTSP
 * server writes ("Sun, Nov 22 2026 09:12:02 GMT"). */
static struct cs_sv fmt_time(char *tmp, bool hik, time_t now)
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	if (gmtime_r(&now, &tm) == NULL || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 ||
	    tm.tm_mon > 11)
		return cs_sv_make("", 0);
	if (hik)
		snprintf(tmp, VAL_MAX, "%s, %s %02d %d %02d:%02d:%02d GMT", days[tm.tm_wday],
			 months[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
	else
		snprintf(tmp, VAL_MAX, "%s, %02d %s %d %02d:%02d:%02d GMT", days[tm.tm_wday],
			 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
	return cs_sv_cstr(tmp);
}

/*
 * The value of placeholder n, formatted into tmp when it is not a string already held.
 * *known is false for a name that has no value.
 */
static struct cs_sv value(struct cs_sv n, const struct sim_ctx *c, size_t body_len, char *tmp,
			  bool *known)
{
	const struct sim_device *d = c->dev;
	struct tm tm;
	unsigned port;
	uint64_t x;

	*known = true;
	if (name_is(n, "len")) {
		snprintf(tmp, VAL_MAX, "%zu", body_len);
		return cs_sv_cstr(tmp);
	}
	if (name_is(n, "cseq"))
		return c->cseq;
	if (name_is(n, "cseq_raw"))
		return c->cseq_raw;
	if (name_is(n, "cseq_line") || name_is(n, "cseq_raw_line")) {
		struct cs_sv v = name_is(n, "cseq_line") ? c->cseq : c->cseq_raw;
		if (v.n == 0)
			return cs_sv_make("", 0);
		snprintf(tmp, VAL_MAX, "CSeq: %.*s\r\n", (int)v.n, v.p);
		return cs_sv_cstr(tmp);
	}
	if (name_is(n, "connection"))
		return cs_sv_cstr(c->keep ? "keep-alive" : "close");
	if (name_is(n, "relates_to"))
		return c->relates_to;
	if (name_is(n, "cmd"))
		return c->cmd;
	if (name_is(n, "rpc_id"))
		return c->rpc_id;
	if (name_is(n, "date"))
		return fmt_time(tmp, false, c->now);
	if (name_is(n, "hikdate"))
		return fmt_time(tmp, true, c->now);
	if (name_is(n, "year") || name_is(n, "mon") || name_is(n, "day") || name_is(n, "hour") ||
	    name_is(n, "min") || name_is(n, "sec")) {
		int v = 0;
		if (gmtime_r(&c->now, &tm) != NULL)
			v = name_is(n, "year")	 ? tm.tm_year + 1900
			    : name_is(n, "mon")	 ? tm.tm_mon + 1
			    : name_is(n, "day")	 ? tm.tm_mday
			    : name_is(n, "hour") ? tm.tm_hour
			    : name_is(n, "min")	 ? tm.tm_min
						 : tm.tm_sec;
		snprintf(tmp, VAL_MAX, "%d", v);
		return cs_sv_cstr(tmp);
	}
	if (name_is(n, "nonce") || name_is(n, "NONCE8") || name_is(n, "msgid") ||
	    name_is(n, "random") || name_is(n, "session") || name_is(n, "msgnum")) {
		x = sim_mix64(c->nonce ^ (d != NULL ? d->h : 0));
		if (name_is(n, "nonce"))
			snprintf(tmp, VAL_MAX, "%016llx%016llx", (unsigned long long)x,
				 (unsigned long long)sim_mix64(x));
		else if (name_is(n, "NONCE8"))
			snprintf(tmp, VAL_MAX, "%08llX", (unsigned long long)(x & 0xffffffffULL));
		else if (name_is(n, "msgid"))
			uuid_from(x, tmp);
		else if (name_is(n, "random"))
			snprintf(tmp, VAL_MAX, "%llu", (unsigned long long)(1000000 + x % 9000000));
		else if (name_is(n, "session"))
			snprintf(tmp, VAL_MAX, "%llu", (unsigned long long)(1 + x % 2147483646));
		else
			snprintf(tmp, VAL_MAX, "%llu", (unsigned long long)(1 + c->nonce % 9999));
		return cs_sv_cstr(tmp);
	}
	if (name_is(n, "apache_nonce")) {
		/* mod_auth_digest: base64 of the 8-byte time, then a 40-hex-digit hash. */
		static const char b64[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		uint64_t t = (uint64_t)c->now * 1000000u;
		size_t o = 0;
		for (int i = 0; i < 11; i++)
			tmp[o++] = b64[(t >> (6 * i)) & 63];
		tmp[o++] = '=';
		x = c->nonce;
		for (int i = 0; i < 40; i++) {
			if (i % 16 == 0)
				x = sim_mix64(x ^ (uint64_t)i);
			tmp[o++] = hexl[(x >> (4 * (i % 16))) & 15];
		}
		tmp[o] = '\0';
		return cs_sv_make(tmp, o);
	}
	if (port_suffix(n, "port", &port)) {
		snprintf(tmp, VAL_MAX, "%u", port + (unsigned)c->port_offset);
		return cs_sv_cstr(tmp);
	}
	if (d == NULL) {
		*known = false;
		return cs_sv_make("", 0);
	}
	if (port_suffix(n, "hostport", &port)) {
		port += (unsigned)c->port_offset;
		if (port == 80)
			snprintf(tmp, VAL_MAX, "%s", d->ip);
		else
			snprintf(tmp, VAL_MAX, "%s:%u", d->ip, port);
		return cs_sv_cstr(tmp);
	}
	if (name_is(n, "ip"))
		return cs_sv_cstr(d->ip);
	if (name_is(n, "mac") || name_is(n, "MAC") || name_is(n, "machex") ||
	    name_is(n, "MACHEX") || name_is(n, "mac_dash")) {
		bool upper = n.p[0] == 'M';
		char sep = name_is(n, "mac_dash") ? '-' : n.n == 3 ? ':' : '\0';
		hex_bytes(tmp, d->mac, 6, upper ? hexu : hexl, sep);
		return cs_sv_cstr(tmp);
	}
	if (name_is(n, "mac_tail")) {
		hex_bytes(tmp, d->mac + 4, 2, hexl, '\0');
		return cs_sv_cstr(tmp);
	}
	if (name_is(n, "ipv6ll")) {
		/* EUI-64 link-local address from the MAC, as Hikvision XAddrs carry it. */
		snprintf(tmp, VAL_MAX, "fe80::%x:%x:%x:%x",
			 (unsigned)((d->mac[0] ^ 2) << 8 | d->mac[1]),
			 (unsigned)(d->mac[2] << 8 | 0xff), (unsigned)(0xfe00 | d->mac[3]),
			 (unsigned)(d->mac[4] << 8 | d->mac[5]));
		return cs_sv_cstr(tmp);
	}
	if (name_is(n, "serial"))
		return cs_sv_cstr(d->serial);
	if (name_is(n, "model"))
		return cs_sv_cstr(d->model);
	if (name_is(n, "fw"))
		return cs_sv_cstr(d->fw);
	if (name_is(n, "fw_nospace")) {
		/* SADP writes "V5.7.3build 220112": the firmware without the space before build. */
		const char *s = d->fw, *b = strstr(s, " build");
		if (b == NULL)
			return cs_sv_cstr(s);
		snprintf(tmp, VAL_MAX, "%.*s%s", (int)(b - s), s, b + 1);
		return cs_sv_cstr(tmp);
	}
	if (name_is(n, "uuid"))
		return cs_sv_cstr(d->uuid);
	if (name_is(n, "rand_uuid")) {
		uuid_from(d->h ^ 0x55554944, tmp);
		return cs_sv_cstr(tmp);
	}
	if (name_is(n, "realm_id"))
		return cs_sv_cstr(d->realm_id);
	if (name_is(n, "authz"))
		return cs_sv_cstr(d->authz);
	if (name_is(n, "ymd") || name_is(n, "yymmdd")) {
		snprintf(tmp, VAL_MAX, "%0*u", n.n == 3 ? 8 : 6,
			 n.n == 3 ? d->ymd : d->ymd % 1000000);
		return cs_sv_cstr(tmp);
	}
	if (name_is(n, "instance")) {
		snprintf(tmp, VAL_MAX, "%llu",
			 (unsigned long long)(1000000000 + d->h % 1000000000));
		return cs_sv_cstr(tmp);
	}
	*known = false;
	return cs_sv_make("", 0);
}

bool sim_placeholder_known(struct cs_sv name)
{
	struct sim_persona p = {.name = "x"};
	struct sim_device d;
	struct sim_ctx c = {.dev = &d};
	char tmp[VAL_MAX];
	bool known;

	sim_device_init(&d, 0x7f000001, &p, 0);
	value(name, &c, 0, tmp, &known);
	return known;
}

static bool is_name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

int sim_expand(struct cs_buf *out, const char *tmpl, const struct sim_ctx *c, size_t body_len)
{
	const char *s = tmpl;
	int r = CS_OK;

	while (*s != '\0' && r == CS_OK) {
		const char *brace = strchr(s, '{');
		if (brace == NULL) {
			r = cs_buf_puts(out, s);
			break;
		}
		if (brace > s && (r = cs_buf_append(out, s, (size_t)(brace - s))) != CS_OK)
			break;
		s = brace;
		if (s[1] == '{') {
			r = cs_buf_putc(out, '{');
			s += 2;
			continue;
		}
		size_t k = 1;
		while (is_name_char((unsigned char)s[k]) && k < 40)
			k++;
		struct cs_sv name = cs_sv_make(s + 1, k - 1), def = cs_sv_make("", 0);
		if (s[k] == '|') {
			size_t j = k + 1;
			while (s[j] != '\0' && s[j] != '}' && j < k + 64)
				j++;
			def = cs_sv_make(s + k + 1, j - k - 1);
			k = j;
		}
		char tmp[VAL_MAX];
		bool known = false;
		struct cs_sv v = {"", 0};
		if (name.n > 0 && s[k] == '}')
			v = value(name, c, body_len, tmp, &known);
		if (!known) {
			r = cs_buf_putc(out, '{');
			s++;
			continue;
		}
		if (v.n == 0)
			v = def;
		r = cs_buf_append(out, v.p, v.n);
		s += k + 1;
	}
	return r;
}

int sim_render(struct cs_buf *out, const struct sim_resp *resp, const struct sim_ctx *c,
	       bool head_only)
{
	struct cs_buf body;
	int r;

	cs_buf_init(&body, SIM_RESP_CAP);
	if (resp->body != NULL && (r = sim_expand(&body, resp->body, c, 0)) != CS_OK)
		goto out;
	if ((r = sim_expand(out, resp->head, c, body.len)) != CS_OK)
		goto out;
	if (!head_only && body.len > 0)
		r = cs_buf_append(out, body.data, body.len);
out:
	cs_buf_free(&body);
	return r;
}
