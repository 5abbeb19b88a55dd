/*
 * selftest.c - camsweep-sim --selftest: checks of the persona tables, the template language,
 * the estate parser and the protocol handlers that need no socket.
 *
 * The tables are data written by hand, so the self-test is their compiler: every placeholder
 * must be known, every Content-Length must equal the body, every HTTP and RTSP service must
 * end in a catch-all route, every MAC prefix must be six hex digits. The handlers are fed
 * every truncation of real requests and a stream of random bytes (under AddressSanitizer in
 * `make test`), in the masscan tradition of a protocol's selftest living with its code.
 */
#include "sim.h"

#include <stdlib.h>
#include <string.h>

static int failures;

#define FAIL(f, ...)                                                                               \
	do {                                                                                       \
		fprintf(f, "selftest: " __VA_ARGS__);                                              \
		fputc('\n', f);                                                                    \
		failures++;                                                                        \
	} while (0)

static bool is_name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* Every {name} or {name|default} in a template must have a value. */
static void check_placeholders(FILE *f, const char *who, const char *t)
{
	for (const char *s = t; t != NULL && (s = strchr(s, '{')) != NULL; s++) {
		if (s[1] == '{') {
			s++;
			continue;
		}
		size_t k = 1;
		while (is_name_char((unsigned char)s[k]))
			k++;
		if (k == 1 || (s[k] != '}' && s[k] != '|'))
			continue;
		if (!sim_placeholder_known(cs_sv_make(s + 1, k - 1)))
			FAIL(f, "%s: unknown placeholder {%.*s}", who, (int)(k - 1), s + 1);
	}
}

/* The rendered head ends in a blank line (when it should) and its Content-Length (any case)
 * equals the body, unless it is the lie. */
static void check_length(FILE *f, const char *who, const struct sim_resp *resp,
			 const struct sim_ctx *c, bool blank_line)
{
	struct cs_buf head, body;
	cs_buf_init(&head, SIM_RESP_CAP);
	cs_buf_init(&body, SIM_RESP_CAP);
	if (sim_expand(&head, resp->head, c, 0) != CS_OK ||
	    (resp->body != NULL && sim_expand(&body, resp->body, c, 0) != CS_OK)) {
		FAIL(f, "%s: does not expand", who);
		goto out;
	}
	cs_buf_reset(&head);
	sim_expand(&head, resp->head, c, body.len);
	if (blank_line &&
	    !(head.len >= 4 && memcmp(head.data + head.len - 4, "\r\n\r\n", 4) == 0) &&
	    !(head.len >= 2 && memcmp(head.data + head.len - 2, "\n\n", 2) == 0))
		FAIL(f, "%s: the head does not end in a blank line", who);
	long at = cs_sv_ifind(cs_sv_make(head.data, head.len), CS_SV("Content-Length:"));
	if (at >= 0) {
		struct cs_sv v = cs_sv_make(head.data + at + 15, head.len - (size_t)at - 15);
		size_t i = 0;
		while (i < v.n && v.p[i] == ' ')
			i++;
		size_t j = i;
		while (j < v.n && v.p[j] >= '0' && v.p[j] <= '9')
			j++;
		uint64_t n = 0;
		if (cs_parse_u64(cs_sv_make(v.p + i, j - i), UINT64_MAX, &n) != CS_OK)
			FAIL(f, "%s: bad Content-Length", who);
		else if (n == 1073741824u) {
			if (body.len != 100)
				FAIL(f, "%s: the lying body is %zu bytes, not 100", who, body.len);
		} else if (n != body.len && n != 0) {
			FAIL(f, "%s: Content-Length %llu but the body is %zu bytes", who,
			     (unsigned long long)n, body.len);
		} else if (n == 0 && body.len != 0) {
			FAIL(f, "%s: Content-Length 0 with a body", who);
		}
	}
out:
	cs_buf_free(&head);
	cs_buf_free(&body);
}

static void check_personas(FILE *f)
{
	if (sim_npersonas >= 255)
		FAIL(f, "too many personas for the one-byte estate map");
	for (size_t i = 0; i < sim_npersonas; i++) {
		const struct sim_persona *p = sim_personas[i];
		struct sim_device d;
		struct sim_ctx c = {.dev = &d, .now = 1795000000, .nonce = 7, .cseq = CS_SV("3")};
		char who[128];

		for (size_t j = 0; j < i; j++)
			if (strcmp(sim_personas[j]->name, p->name) == 0)
				FAIL(f, "persona %s twice", p->name);
		if (p->nouis == 0)
			FAIL(f, "%s: no MAC prefix", p->name);
		for (size_t k = 0; k < p->nouis; k++) {
			const char *o = p->ouis[k];
			bool ok = strcmp(o, "*") == 0 || strlen(o) == 6;
			for (size_t m = 0; ok && strcmp(o, "*") != 0 && m < 6; m++)
				ok = cs_hexval((unsigned char)o[m]) >= 0;
			if (!ok)
				FAIL(f, "%s: bad MAC prefix '%s'", p->name, o);
		}
		sim_device_init(&d, 0x7f370001u + (uint32_t)i, p, 1);
		if (strcmp(p->maker, "-") != 0 && d.serial[0] == '\0')
			FAIL(f, "%s: no serial number", p->name);
		if (strchr(d.serial, '{') != NULL || strchr(d.uuid, '{') != NULL)
			FAIL(f, "%s: serial or uuid template not expanded", p->name);
		check_placeholders(f, p->name, p->serial_fmt);
		check_placeholders(f, p->name, p->uuid_fmt);
		for (size_t k = 0; k < p->nsvcs; k++) {
			const struct sim_service *svc = &p->svcs[k];
			snprintf(who, sizeof(who), "%s port %u", p->name, svc->port);
			check_placeholders(f, who, svc->tmpl);
			if (sim_kind_is_udp(svc->kind) && svc->kind != SIM_UDP_UBNT &&
			    svc->tmpl == NULL)
				FAIL(f, "%s: UDP service without a template", who);
			if ((svc->kind == SIM_HTTP || svc->kind == SIM_RTSP) &&
			    (svc->nroutes == 0 ||
			     strcmp(svc->routes[svc->nroutes - 1].path, "*") != 0 ||
			     strcmp(svc->routes[svc->nroutes - 1].method, "*") != 0))
				FAIL(f, "%s: the last route must be the catch-all * *", who);
			for (size_t m = 0; m < svc->nroutes; m++) {
				const struct sim_route *rt = &svc->routes[m];
				const struct sim_resp *rs[2] = {rt->resp, rt->alt};
				for (int q = 0; q < 2; q++) {
					if (rs[q] == NULL)
						continue;
					snprintf(who, sizeof(who), "%s port %u route %s %s%s",
						 p->name, svc->port, rt->method, rt->path,
						 q ? " (alt)" : "");
					check_placeholders(f, who, rs[q]->head);
					check_placeholders(f, who, rs[q]->body);
					check_length(f, who, rs[q], &c,
						     svc->mode != SIM_ENDLESS &&
							     svc->kind != SIM_DVRIP);
				}
				if (rt->hook != SIM_HOOK_NONE && rt->alt == NULL)
					FAIL(f, "%s: hook without an alternative answer", who);
			}
		}
	}
}

static void check_expand(FILE *f)
{
	static const struct {
		const char *tmpl, *want;
	} cases[] = {
		{"a{len}b", "a42b"},
		{"{cseq|-1}", "-1"},
		{"{cseq_line}x", "x"},
		{"{{literal}", "{literal}"},
		{"{\"json\":{\"a\":1}}", "{\"json\":{\"a\":1}}"},
		{"{unknown_name}", "{unknown_name}"},
		{"{ip}", "127.1.2.3"},
		{"{port80}/{hostport80}", "80/127.1.2.3"},
		{"{connection}", "close"},
		{"{", "{"},
		{"x{ip", "x{ip"},
		{"{ip|", "{ip|"},
	};
	struct sim_persona p = {.name = "t", .ouis = (const char *const[]){"5850ED"}, .nouis = 1};
	struct sim_device d;
	struct sim_ctx c = {.dev = &d};

	sim_device_init(&d, 0x7f010203u, &p, 0);
	if (d.mac[0] != 0x58 || d.mac[1] != 0x50 || d.mac[2] != 0xed)
		FAIL(f, "the MAC is not under the persona's prefix");
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		struct cs_buf b;
		cs_buf_init(&b, 1024);
		if (sim_expand(&b, cases[i].tmpl, &c, 42) != CS_OK ||
		    strcmp(b.data != NULL ? b.data : "", cases[i].want) != 0)
			FAIL(f, "expand '%s' gave '%s', not '%s'", cases[i].tmpl,
			     b.data != NULL ? b.data : "", cases[i].want);
		cs_buf_free(&b);
	}
	/* A cap is honoured. */
	struct cs_buf small;
	cs_buf_init(&small, 4);
	if (sim_expand(&small, "{ip}", &c, 0) == CS_OK)
		FAIL(f, "expansion past the cap did not fail");
	cs_buf_free(&small);
}

static void check_estates(FILE *f)
{
	static const struct {
		const char *text;
		bool ok;
		const char *addr;
		const char *persona; /* NULL: silent */
	} cases[] = {
		{"127.1.0.0/24 hikvision-camera\n127.1.0.5 dahua-nvr\n", true, "127.1.0.5",
		 "dahua-nvr"},
		{"127.1.0.0/24 hikvision-camera\n127.1.0.5 dahua-nvr\n", true, "127.1.0.6",
		 "hikvision-camera"},
		{"127.1.0.0/24 axis # comment\n127.1.0.0/25 silent\n", true, "127.1.0.9", NULL},
		{"127.1.0.0/24 axis\n127.1.0.0/25 silent\n", true, "127.1.0.200", "axis"},
		{"# only a comment\n\n   \n", true, "127.0.0.1", NULL},
		{"127.1.0.0/24 mix seed=7 live=0%\n", true, "127.1.0.7", NULL},
		{"127.1.0.0/24 mix seed=7 live=100% personas=nginx\n", true, "127.1.0.7", "nginx"},
		{"127.1.0.0/24 mix seed=7 live=100% personas=nginx\n", true, "127.1.0.0", NULL},
		{"10.0.0.0/24 nginx\n", false, NULL, NULL},
		{"0.0.0.0/0 nginx\n", false, NULL, NULL},
		{"127.1.0.5/24 nginx\n", false, NULL, NULL},
		{"127.1.0.0/24 no-such-persona\n", false, NULL, NULL},
		{"127.1.0.0/24\n", false, NULL, NULL},
		{"127.1.0.0/33 nginx\n", false, NULL, NULL},
		{"127.1.0.0/24 mix live=101%\n", false, NULL, NULL},
		{"127.1.0.0/24 mix colour=red\n", false, NULL, NULL},
		{"127.1.0.0/24 nginx extra\n", false, NULL, NULL},
		{"127.1.0.300 nginx\n", false, NULL, NULL},
		{"127.0.0.0/7 nginx\n", false, NULL, NULL},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		struct sim_estate es;
		struct cs_err e = {0};
		int r = sim_estate_parse(&es, cases[i].text, strlen(cases[i].text), "t", &e);
		if ((r == CS_OK) != cases[i].ok) {
			FAIL(f, "estate %zu: parse %s (%s)", i, r == CS_OK ? "succeeded" : "failed",
			     e.msg);
		} else if (r == CS_OK && cases[i].addr != NULL) {
			uint32_t a = 0;
			sim_parse_ipv4(cs_sv_cstr(cases[i].addr), &a);
			const struct sim_persona *p = sim_estate_lookup(&es, a);
			const char *got = p != NULL ? p->name : NULL;
			if ((got == NULL) != (cases[i].persona == NULL) ||
			    (got != NULL && strcmp(got, cases[i].persona) != 0))
				FAIL(f, "estate %zu: %s is %s, not %s", i, cases[i].addr,
				     got != NULL ? got : "silent",
				     cases[i].persona != NULL ? cases[i].persona : "silent");
		}
		if (r == CS_OK)
			sim_estate_free(&es);
	}
	/* A mix is deterministic and about as live as asked. */
	const char *mix = "127.9.0.0/16 mix seed=42 live=6%\n";
	struct sim_estate a, b;
	if (sim_estate_parse(&a, mix, strlen(mix), "t", NULL) == CS_OK) {
		if (sim_estate_parse(&b, mix, strlen(mix), "t", NULL) == CS_OK) {
			if (memcmp(a.map + 0x090000, b.map + 0x090000, 65536) != 0)
				FAIL(f, "a mix is not deterministic");
			sim_estate_free(&b);
		}
		size_t n = sim_estate_count(&a);
		if (n < 3500 || n > 4400)
			FAIL(f, "a 6%% mix of a /16 has %zu live devices", n);
		sim_estate_free(&a);
	}
	unsigned bp = 0;
	if (sim_parse_percent(CS_SV("6.25%"), &bp) != CS_OK || bp != 625)
		FAIL(f, "6.25%% is %u basis points", bp);
	if (sim_parse_percent(CS_SV("6.5"), &bp) != CS_OK || bp != 650)
		FAIL(f, "6.5 is %u basis points", bp);
}

/* Feed a handler every prefix of a request, then random bytes: nothing may go wrong. */
static void feed(const struct sim_service *svc, const struct sim_ctx *c, const char *req, size_t n)
{
	struct cs_buf out;
	struct sim_answer a;
	cs_buf_init(&out, SIM_RESP_CAP);
	for (size_t k = 0; k <= n; k++) {
		char *copy = malloc(k + 1);
		if (copy == NULL)
			break;
		memcpy(copy, req, k);
		cs_buf_reset(&out);
		if (sim_kind_is_udp(svc->kind))
			sim_proto_udp(svc, c, copy, k, &out);
		else
			sim_proto_tcp(svc, c, copy, k, &out, &a);
		free(copy);
	}
	cs_buf_free(&out);
}

static void check_handlers(FILE *f)
{
#define REQ(lit)                                                                                   \
	{                                                                                          \
		lit, sizeof(lit) - 1                                                               \
	}
	static const struct {
		const char *p;
		size_t n;
	} reqs[] = {
		REQ("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		REQ("HEAD / HTTP/1.0\r\n\r\n"),
		REQ("GET /ISAPI/System/deviceInfo HTTP/1.1\r\nConnection: close\r\n\r\n"),
		REQ("POST /RPC2_Login HTTP/1.1\r\nContent-Length: "
		    "105\r\n\r\n{\"method\":\"global.login\","
		    "\"params\":{\"userName\":\"admin\",\"password\":\"\",\"clientType\":\"Web3."
		    "0\"},\"id\":1}"),
		REQ("POST /onvif/device_service HTTP/1.1\r\nContent-Length: 40\r\n\r\n"
		    "<s:Body><GetSystemDateAndTime/></s:Body>"),
		REQ("OPTIONS rtsp://127.0.0.1:554/ RTSP/1.0\r\nCSeq: 2\r\n\r\n"),
		REQ("DESCRIBE rtsp://127.0.0.1/Streaming/Channels/101 RTSP/1.0\r\nCSeq: 3\r\n\r\n"),
		REQ("GET /api.cgi?cmd=GetDevInfo HTTP/1.1\r\n\r\n"),
		REQ("GET / HTTP/1.1\nContent-Length: 99999999999999999999\n\n"),
		REQ("\x20\0\0\0DHIP\0\0\0\0\0\0\0\0\x20\0\0\0\0\0\0\0\x20\0\0\0\0\0\0\0"
		    "{\"method\":\"global.login\"}      "),
		REQ("\xa0\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x05\x02\x01\x01\0\0\xa1"
		    "\xaa"),
		REQ("\xa3\x01\0\x01\0\0\0\0\0\0\0\0\0\0\0\0\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
		REQ("\xa0\x05\0\0\x04\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0abcd"),
		REQ("<Probe><MessageID>uuid:1</MessageID><Types>dn:NetworkVideoTransmitter</"
		    "Types></Probe>"),
		REQ("<Probe><Uuid>A</Uuid><Types>inquiry</Types></Probe>"),
		REQ("\x01\0\0\0"),
	};
	uint64_t x = 12345;
	char junk[1024];

	for (size_t i = 0; i < sim_npersonas; i++) {
		const struct sim_persona *p = sim_personas[i];
		struct sim_device d;
		struct sim_ctx c = {.dev = &d, .now = 1795000000, .nonce = 1};
		sim_device_init(&d, 0x7f370100u + (uint32_t)i, p, 1);
		for (size_t k = 0; k < p->nsvcs; k++) {
			const struct sim_service *svc = &p->svcs[k];
			for (size_t q = 0; q < CS_ARRAY_SIZE(reqs); q++)
				feed(svc, &c, reqs[q].p, reqs[q].n);
			for (int round = 0; round < 8; round++) {
				for (size_t b = 0; b < sizeof(junk); b++) {
					x = sim_mix64(x);
					junk[b] = (char)x;
				}
				feed(svc, &c, junk, 64);
				struct cs_buf out;
				struct sim_answer a;
				cs_buf_init(&out, SIM_RESP_CAP);
				if (sim_kind_is_udp(svc->kind))
					sim_proto_udp(svc, &c, junk, sizeof(junk), &out);
				else
					sim_proto_tcp(svc, &c, junk, sizeof(junk), &out, &a);
				cs_buf_free(&out);
			}
		}
	}
}

int sim_selftest(FILE *f)
{
	failures = 0;
	check_expand(f);
	check_personas(f);
	check_estates(f);
	check_handlers(f);
	fprintf(f, "selftest: %s (%d failures)\n", failures == 0 ? "ok" : "FAILED", failures);
	return failures == 0 ? 0 : 1;
}
