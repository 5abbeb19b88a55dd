/*
 * test_discover.c - UDP discovery (src/discover/, `camsweep discover`): the requests built from
 * data/probes and what the loader refuses, the mDNS parser on guard pages with every
 * truncation and hostile records, replies through the identification engine, the per-host
 * grouping and its caps, and, in network namespaces joined by a veth pair
 * (tests/discover/run.sh), camsweep discover against camsweep-sim --mcast-if: makers, models,
 * serials and MACs against the simulator's ground truth, hostile devices on the same link
 * (garbage, lying lengths, escapes), the repeat and timeout behaviour, the inventory, and the
 * refusal to guess an interface. The namespace part needs root and skips
 * cleanly without it.
 */
#include "discover/hosts.h"
#include "ident/ident.h"
#include "scan/probe_data.h"
#include "test.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *data_dir(void)
{
	return getenv("CS_DATA_DIR") ? getenv("CS_DATA_DIR") : "data";
}

static bool load(void)
{
	struct cs_err err = {0, ""};
	if (cs_disc_load(data_dir(), &err) != CS_OK) {
		cs_test_fail(__FILE__, __LINE__, "load: %s", err.msg);
		return false;
	}
	return true;
}

static struct cs_kb *kb;
static struct cs_ident *id;

static void ident_setup(void)
{
	if (kb == NULL) {
		struct cs_kb_opts o = {data_dir(), "", NULL};
		struct cs_err err;
		if (cs_kb_load(&kb, &o, &err) != CS_OK || cs_ident_new(&id, kb) != CS_OK) {
			printf("kb: %s\n", err.msg);
			exit(2);
		}
	}
	cs_ident_reset(id);
}

/* ---- requests ---- */

TEST(discover_requests_are_built_from_the_data_files)
{
	char a[CS_DISC_REQ_MAX], b[CS_DISC_REQ_MAX];
	size_t na, nb;
	REQUIRE(load());
	CHECK_INT(cs_disc_request_count(CS_DISC_WSD), 2);
	CHECK_INT(cs_disc_request_count(CS_DISC_SADP), 1);
	CHECK_INT(cs_disc_request_count(CS_DISC_DHIP), 1);
	CHECK_INT(cs_disc_request_count(CS_DISC_SSDP), 2);
	CHECK_INT(cs_disc_request_count(CS_DISC_MDNS), 1);

	/* WS-Discovery: typed first, then untyped; a fresh MessageID on every build. */
	REQUIRE(cs_disc_request(CS_DISC_WSD, 0, NULL, a, sizeof(a), &na) == CS_OK);
	REQUIRE(cs_disc_request(CS_DISC_WSD, 0, NULL, b, sizeof(b), &nb) == CS_OK);
	struct cs_sv sa = cs_sv_make(a, na);
	CHECK(cs_sv_find(sa, CS_SV("dp0:NetworkVideoTransmitter</d:Types>")) > 0);
	CHECK(cs_sv_find(sa, CS_SV("{uuid}")) < 0);
	long at = cs_sv_find(sa, CS_SV("<a:MessageID>urn:uuid:"));
	REQUIRE(at > 0);
	CHECK(a[at + 22 + 36] == '<');		  /* 36 characters of UUID */
	CHECK(a[at + 22 + 14] == '4');		  /* version 4 */
	CHECK(na == nb && memcmp(a, b, na) != 0); /* same length, different MessageID */
	CHECK(a[na - 1] == '>');		  /* no trailing newline on the wire */
	REQUIRE(cs_disc_request(CS_DISC_WSD, 1, NULL, a, sizeof(a), &na) == CS_OK);
	CHECK(cs_sv_find(cs_sv_make(a, na), CS_SV("Types")) < 0);
	CHECK(cs_sv_find(cs_sv_make(a, na), CS_SV("/discovery/Probe</a:Action>")) > 0);
	CHECK_INT(cs_disc_request(CS_DISC_WSD, 2, NULL, a, sizeof(a), &na), CS_ENOTFOUND);

	/* SADP: the inquiry only, with an upper-case UUID. */
	REQUIRE(cs_disc_request(CS_DISC_SADP, 0, NULL, a, sizeof(a), &na) == CS_OK);
	sa = cs_sv_make(a, na);
	CHECK(cs_sv_find(sa, CS_SV("<Types>inquiry</Types>")) > 0);
	at = cs_sv_find(sa, CS_SV("<Uuid>"));
	REQUIRE(at > 0 && (size_t)at + 6 + 36 < na);
	for (size_t i = (size_t)at + 6; i < (size_t)at + 42; i++)
		CHECK(!(a[i] >= 'a' && a[i] <= 'z'));
	CHECK(a[at + 42] == '<');

	/* DHIP: the 32-byte header with the body length twice, then the search. */
	REQUIRE(cs_disc_request(CS_DISC_DHIP, 0, NULL, a, sizeof(a), &na) == CS_OK);
	REQUIRE(na > 32);
	CHECK(memcmp(a, "\x20\0\0\0DHIP", 8) == 0);
	uint32_t bl = (uint8_t)a[16] | (uint32_t)(uint8_t)a[17] << 8;
	CHECK_INT(bl, na - 32);
	CHECK(memcmp(a + 16, a + 24, 4) == 0);
	CHECK(cs_sv_find(cs_sv_make(a + 32, na - 32), CS_SV("\"DHDiscover.search\"")) > 0);
	CHECK(a[na - 1] == '}');

	/* SSDP: CRLF lines, HOST the group or the unicast target, an empty line at the end. */
	REQUIRE(cs_disc_request(CS_DISC_SSDP, 0, NULL, a, sizeof(a), &na) == CS_OK);
	sa = cs_sv_make(a, na);
	CHECK(cs_sv_iprefix(sa, CS_SV("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n")));
	CHECK(cs_sv_find(sa, CS_SV("ST: ssdp:all\r\n")) > 0);
	CHECK(na > 4 && memcmp(a + na - 4, "\r\n\r\n", 4) == 0);
	REQUIRE(cs_disc_request(CS_DISC_SSDP, 1, "192.0.2.7", a, sizeof(a), &na) == CS_OK);
	CHECK(cs_sv_find(cs_sv_make(a, na), CS_SV("HOST: 192.0.2.7:1900\r\n")) > 0);
	CHECK(cs_sv_find(cs_sv_make(a, na), CS_SV("ST: upnp:rootdevice\r\n")) > 0);

	/* mDNS: one PTR question per service line, QU bit set, id 0, not a response. */
	REQUIRE(cs_disc_request(CS_DISC_MDNS, 0, NULL, a, sizeof(a), &na) == CS_OK);
	CHECK(a[0] == 0 && a[1] == 0 && (a[2] & 0x80) == 0);
	CHECK_INT((uint8_t)a[4] << 8 | (uint8_t)a[5], 6);
	CHECK(cs_sv_find(cs_sv_make(a, na),
			 CS_SV("\x0b_axis-video\x04_tcp\x05local\0\0\x0c\x80\x01")) > 0);

	/* The --fetch GET of a UPnP description: the path goes into the request line only when
	 * it is an absolute path of printable characters without spaces. */
	REQUIRE(cs_disc_upnp_request("192.0.2.7:49152", "/rootDesc.xml", a, sizeof(a), &na) ==
		CS_OK);
	CHECK(cs_sv_iprefix(cs_sv_make(a, na),
			    CS_SV("GET /rootDesc.xml HTTP/1.1\r\nHost: 192.0.2.7:49152\r\n")));
	CHECK(na > 4 && memcmp(a + na - 4, "\r\n\r\n", 4) == 0);
	CHECK_INT(cs_disc_upnp_request("192.0.2.7", "/a b", a, sizeof(a), &na), CS_EINVAL);
	CHECK_INT(cs_disc_upnp_request("192.0.2.7", "/a\r\nX: y", a, sizeof(a), &na), CS_EINVAL);
	CHECK_INT(cs_disc_upnp_request("192.0.2.7", "rootDesc.xml", a, sizeof(a), &na), CS_EINVAL);
	CHECK_INT(cs_disc_upnp_request("192.0.2.7", "/\x7f", a, sizeof(a), &na), CS_EINVAL);

	/* Caps: a short buffer is refused, never overrun. */
	CHECK_INT(cs_disc_request(CS_DISC_WSD, 0, NULL, a, 100, &na), CS_ETOOBIG);
	CHECK_INT(cs_disc_request(CS_DISC_DHIP, 0, NULL, a, 40, &na), CS_ETOOBIG);
	cs_disc_free();
	CHECK_INT(cs_disc_request_count(CS_DISC_WSD), 0);
	CHECK_INT(cs_disc_request(CS_DISC_WSD, 0, NULL, a, sizeof(a), &na), CS_ENOTFOUND);
}

/* Copy data/probes into a scratch data dir, replace one file, try to load. */
static int load_with(const char *file, const char *content, struct cs_err *err)
{
	char dir[] = "/tmp/cs-disc-XXXXXX", cmd[512], path[256];
	if (mkdtemp(dir) == NULL)
		return -100;
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/probes && cp %s/probes/* %s/probes/", dir,
		 data_dir(), dir);
	if (system(cmd) != 0)
		return -100;
	snprintf(path, sizeof(path), "%s/probes/%s", dir, file);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -100;
	fputs(content, f);
	fclose(f);
	int r = cs_disc_load(dir, err);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return -100;
	return r;
}

TEST(discover_loader_refuses_intrusive_or_malformed_requests)
{
	static const struct {
		const char *file, *content, *why;
	} bad[] = {
		{"sadp-inquiry.xml",
		 "<Probe><Uuid>{uuid-upper}</Uuid><Types>activate</Types></Probe>", "inquiry"},
		{"sadp-inquiry.xml",
		 "<Probe><Uuid>{uuid}</Uuid><Types>inquiry</Types><Types>reset</Types></Probe>",
		 "exactly one"},
		{"sadp-inquiry.xml",
		 "<Probe><Types>inquiry</Types><Password>12345</Password></Probe>", "password"},
		{"dhip-search.json", "{\"method\":\"DHDiscover.setConfig\",\"params\":{}}",
		 "DHDiscover.search"},
		{"dhip-search.json",
		 "{\"method\":\"DHDiscover.search\",\"x\":{\"method\":\"magicBox.reboot\"}}",
		 "only one method"},
		{"wsd-probe.xml", "<Envelope>discovery/Probe<Body/></Envelope>", "MessageID"},
		{"wsd-probe-nvt.xml", "<Envelope><wsse:Security/>discovery/Probe<{uuid}</Envelope>",
		 "WS-Security"},
		{"ssdp-msearch-all.txt", "NOTIFY * HTTP/1.1\nHOST: {host}:1900\n\n", "M-SEARCH"},
		{"ssdp-msearch-all.txt", "M-SEARCH * HTTP/1.1\nAuthorization: Basic YTpi\n\n",
		 "Authorization"},
		{"mdns-services.txt", "_http._tcp.local\nbad..name\n", "DNS name"},
		{"mdns-services.txt", "# nothing\n", "DNS name"},
		{"wsd-probe.xml", "discovery/Probe< {uuid} \x01", "printable"},
		{"sadp-inquiry.xml", "", "empty"},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		struct cs_err err = {0, ""};
		int r = load_with(bad[i].file, bad[i].content, &err);
		if (r != CS_EDATA || strstr(err.msg, bad[i].why) == NULL)
			cs_test_fail(__FILE__, __LINE__, "case %zu (%s): r=%d '%s'", i, bad[i].file,
				     r, err.msg);
		CHECK_INT(cs_disc_request_count(CS_DISC_SADP), 0); /* nothing loaded */
	}
	/* The shipped files pass, and a missing directory is an I/O error. */
	struct cs_err err = {0, ""};
	CHECK_INT(load_with("sadp-inquiry.xml",
			    "<?xml version=\"1.0\"?><Probe><Uuid>{uuid-upper}</Uuid>"
			    "<Types>inquiry_v32</Types></Probe>\n",
			    &err),
		  CS_OK);
	CHECK_INT(cs_disc_load("/nonexistent-cs", &err), CS_EIO);
	CHECK(strstr(err.msg, "wsd-probe-nvt.xml") != NULL);
	cs_disc_free();
}

TEST(discover_protocol_lists_parse)
{
	unsigned m = 0;
	struct cs_err err = {0, ""};
	CHECK_INT(cs_disc_parse_list("wsd,SADP, mdns", &m, &err), CS_OK);
	CHECK_INT(m, (1u << CS_DISC_WSD) | (1u << CS_DISC_SADP) | (1u << CS_DISC_MDNS));
	CHECK_INT(cs_disc_parse_list("wsd,telnet", &m, &err), CS_EINVAL);
	CHECK(strstr(err.msg, "telnet") != NULL);
	CHECK_INT(cs_disc_parse_list("", &m, &err), CS_EINVAL);
	CHECK_INT(cs_disc_port(CS_DISC_DHIP), 37810);
	CHECK_INT(cs_disc_group(CS_DISC_DHIP), 0xeffffffbu);
	CHECK_INT(cs_disc_group(CS_DISC_MDNS), 0xe00000fbu);
}

/* ---- mDNS ---- */

/* An Axis-like answer: PTR, SRV, TXT, A, with compression pointers. */
static size_t axis_response(unsigned char *m)
{
	static const unsigned char msg[] = {
		0,
		0,
		0x84,
		0,
		0,
		0,
		0,
		4,
		0,
		0,
		0,
		0,
		/* 12: _axis-video._tcp.local PTR -> "AXIS M3045-V - ACCC8E7EA36D" + ptr 12 */
		11,
		'_',
		'a',
		'x',
		'i',
		's',
		'-',
		'v',
		'i',
		'd',
		'e',
		'o',
		4,
		'_',
		't',
		'c',
		'p',
		5,
		'l',
		'o',
		'c',
		'a',
		'l',
		0,
		0,
		12,
		0,
		1,
		0,
		0,
		0x11,
		0x94,
		0,
		30,
		/* 46: rdata */
		27,
		'A',
		'X',
		'I',
		'S',
		' ',
		'M',
		'3',
		'0',
		'4',
		'5',
		'-',
		'V',
		' ',
		'-',
		' ',
		'A',
		'C',
		'C',
		'C',
		'8',
		'E',
		'7',
		'E',
		'A',
		'3',
		'6',
		'D',
		0xc0,
		12,
		/* 76: instance (ptr 46) SRV 0 0 80 axis-accc8e7ea36d.local */
		0xc0,
		46,
		0,
		33,
		0x80,
		1,
		0,
		0,
		0x11,
		0x94,
		0,
		26,
		0,
		0,
		0,
		0,
		0,
		80,
		17,
		'a',
		'x',
		'i',
		's',
		'-',
		'a',
		'c',
		'c',
		'c',
		'8',
		'e',
		'7',
		'e',
		'a',
		'3',
		'6',
		'd',
		0xc0,
		29,
		/* instance TXT macaddress=ACCC8E7EA36D */
		0xc0,
		46,
		0,
		16,
		0x80,
		1,
		0,
		0,
		0x11,
		0x94,
		0,
		24,
		23,
		'm',
		'a',
		'c',
		'a',
		'd',
		'd',
		'r',
		'e',
		's',
		's',
		'=',
		'A',
		'C',
		'C',
		'C',
		'8',
		'E',
		'7',
		'E',
		'A',
		'3',
		'6',
		'D',
		/* host (ptr to the SRV target) A 192.0.2.20 */
		0xc0,
		94,
		0,
		1,
		0x80,
		1,
		0,
		0,
		0x11,
		0x94,
		0,
		4,
		192,
		0,
		2,
		20,
	};
	memcpy(m, msg, sizeof(msg));
	return sizeof(msg);
}

struct rrs {
	size_t n;
	char names[8][CS_DNS_NAME_MAX], targets[8][CS_DNS_NAME_MAX];
	uint16_t types[8], port;
	uint32_t addr;
	unsigned sum;
};

static int collect_rr(void *ctx, const struct cs_mdns_rr *rr)
{
	struct rrs *r = ctx;
	if (r->n < 8) {
		memcpy(r->names[r->n], rr->name, sizeof(rr->name));
		memcpy(r->targets[r->n], rr->target, sizeof(rr->target));
		r->types[r->n++] = rr->type;
	}
	if (rr->type == CS_DNS_SRV)
		r->port = rr->port;
	if (rr->type == CS_DNS_A)
		r->addr = rr->addr;
	/* Touch every byte of the view: it must lie inside what was received (guard page). */
	for (size_t i = 0; i < rr->rdlen; i++)
		r->sum += (unsigned char)rr->rdata[i];
	return 0;
}

TEST(mdns_parses_records_with_compression)
{
	unsigned char m[512];
	size_t n = axis_response(m);
	struct rrs r;
	memset(&r, 0, sizeof(r));
	const char *g = cs_test_guarded(m, n);
	CHECK_INT(cs_mdns_parse(g, n, collect_rr, &r), CS_OK);
	REQUIRE(r.n == 4);
	CHECK_STR(r.names[0], "_axis-video._tcp.local");
	CHECK_STR(r.targets[0], "AXIS M3045-V - ACCC8E7EA36D._axis-video._tcp.local");
	CHECK_INT(r.types[1], CS_DNS_SRV);
	CHECK_STR(r.targets[1], "axis-accc8e7ea36d.local");
	CHECK_INT(r.port, 80);
	CHECK_INT(r.types[2], CS_DNS_TXT);
	CHECK_STR(r.names[3], "axis-accc8e7ea36d.local");
	CHECK_INT(r.addr, 0xc0000214u);

	/* Every truncation: no over-read (guard page), an error, and never more records. */
	for (size_t cut = 0; cut < n; cut++) {
		struct rrs t;
		memset(&t, 0, sizeof(t));
		g = cs_test_guarded(m, cut);
		int rc = cs_mdns_parse(g, cut, collect_rr, &t);
		if (rc != CS_EPARSE || t.n >= 4)
			cs_test_fail(__FILE__, __LINE__, "cut %zu: rc %d, %zu records", cut, rc,
				     t.n);
	}
}

TEST(mdns_survives_hostile_messages)
{
	unsigned char m[600];
	struct rrs r;
	size_t n = axis_response(m);

	/* A query (QR clear) is not a response. */
	m[2] = 0;
	CHECK_INT(cs_mdns_parse(cs_test_guarded(m, n), n, collect_rr, &r), CS_EPARSE);
	/* A pointer to itself, and a forward pointer: refused, no loop. */
	n = axis_response(m);
	m[76] = 0xc0, m[77] = 76;
	memset(&r, 0, sizeof(r));
	CHECK_INT(cs_mdns_parse(cs_test_guarded(m, n), n, collect_rr, &r), CS_EPARSE);
	CHECK_INT(r.n, 1);
	n = axis_response(m);
	m[76] = 0xc0, m[77] = 200;
	CHECK_INT(cs_mdns_parse(cs_test_guarded(m, n), n, collect_rr, &r), CS_EPARSE);
	/* A record length that lies past the end. */
	n = axis_response(m);
	m[44] = 0xff, m[45] = 0xff;
	memset(&r, 0, sizeof(r));
	CHECK_INT(cs_mdns_parse(cs_test_guarded(m, n), n, collect_rr, &r), CS_EPARSE);
	CHECK_INT(r.n, 0);
	/* Counts that claim 65535 records of each kind: only what is there is read. */
	n = axis_response(m);
	memset(m + 4, 0xff, 8);
	CHECK_INT(cs_mdns_parse(cs_test_guarded(m, n), n, collect_rr, &r), CS_EPARSE);
	/* A PTR whose name runs past its rdata: refused. */
	n = axis_response(m);
	m[45] = 10;
	CHECK_INT(cs_mdns_parse(cs_test_guarded(m, n), n, collect_rr, &r), CS_EPARSE);
	/* A name of 127 labels of 63 bytes via a pointer chain: cut at CS_DNS_NAME_MAX. */
	unsigned char big[12 + 64 * 8 + 16];
	size_t o = 12;
	memset(big, 0, sizeof(big));
	big[2] = 0x84, big[7] = 1;
	for (int i = 0; i < 8; i++) {
		big[o++] = 63;
		memset(big + o, 'a' + i, 63);
		o += 63;
	}
	big[o++] = 0;
	big[o++] = 0, big[o++] = 1, big[o++] = 0, big[o++] = 1, o += 4;
	big[o++] = 0, big[o++] = 4, o += 4;
	memset(&r, 0, sizeof(r));
	CHECK_INT(cs_mdns_parse(cs_test_guarded(big, o), o, collect_rr, &r), CS_OK);
	CHECK_INT(strlen(r.names[0]), CS_DNS_NAME_MAX - 1);
	/* Random bytes: never a crash. */
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int k = 0; k < 2000; k++) {
		size_t len = (size_t)(x % sizeof(m));
		for (size_t i = 0; i < len; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			m[i] = (unsigned char)x;
		}
		if (len > 2)
			m[2] |= 0x80;
		cs_mdns_parse(cs_test_guarded(m, len), len, collect_rr, &r);
	}
}

TEST(mdns_query_builder_checks_names)
{
	char buf[600];
	size_t n;
	const char *ok[] = {"_http._tcp.local"};
	const char *bad[] = {"a..b"};
	char longlabel[80];
	memset(longlabel, 'x', 70);
	longlabel[70] = '\0';
	const char *toolong[] = {longlabel};
	CHECK_INT(cs_mdns_build_query(ok, 1, buf, sizeof(buf), &n), CS_OK);
	CHECK_INT(n, 12 + 18 + 4);
	CHECK_INT(cs_mdns_build_query(bad, 1, buf, sizeof(buf), &n), CS_EINVAL);
	CHECK_INT(cs_mdns_build_query(toolong, 1, buf, sizeof(buf), &n), CS_EINVAL);
	CHECK_INT(cs_mdns_build_query(ok, 1, buf, 20, &n), CS_ETOOBIG);
}

/* ---- replies to observations ---- */

static char *fixture(const char *name, size_t *n)
{
	char *p = cs_test_read_fixture(name, n);
	if (p == NULL)
		cs_test_fail(__FILE__, __LINE__, "fixture %s missing", name);
	return p;
}

TEST(discover_replies_identify_through_the_input_kinds)
{
	static const struct {
		enum cs_disc_proto proto;
		const char *fixture, *maker;
	} cases[] = {
		{CS_DISC_WSD, "wsd/probematches-hikvision.xml", "Hikvision"},
		{CS_DISC_WSD, "wsd/probematches-dahua.xml", "Dahua"},
		{CS_DISC_SADP, "sadp/probematch-ds2cd2143.xml", "Hikvision"},
		{CS_DISC_DHIP, "dhip/notifydevinfo.bin", "Dahua"},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		size_t n;
		char *p = fixture(cases[i].fixture, &n);
		struct cs_device d;
		struct cs_err err = {0, ""};
		if (p == NULL)
			continue;
		CHECK(cs_disc_is_reply(cases[i].proto, p, n));
		ident_setup();
		CHECK_INT(cs_disc_observe(id, cases[i].proto, p, n, &err), CS_OK);
		cs_ident_finish(id, &d);
		CHECK_STR(d.manufacturer, cases[i].maker);
		/* Every truncation, ending on a guard page: no crash, no over-read. */
		for (size_t cut = 0; cut < n; cut += (n > 2000 ? 7 : 1)) {
			const char *g = cs_test_guarded(p, cut);
			ident_setup();
			if (cs_disc_is_reply(cases[i].proto, g, cut))
				cs_disc_observe(id, cases[i].proto, g, cut, &err);
			cs_ident_finish(id, &d);
		}
		free(p);
	}

	/* SSDP: a search response is a reply, our own M-SEARCH is not. */
	const char *ssdp = "HTTP/1.1 200 OK\r\nSERVER: Linux/4.14.0-axis1, UPnP/1.0, Portable "
			   "SDK for UPnP devices/1.6.18\r\nST: upnp:rootdevice\r\nUSN: "
			   "uuid:x::upnp:rootdevice\r\n\r\n";
	CHECK(cs_disc_is_reply(CS_DISC_SSDP, ssdp, strlen(ssdp)));
	CHECK(!cs_disc_is_reply(CS_DISC_SSDP, "M-SEARCH * HTTP/1.1\r\n\r\n", 23));
	struct cs_device d;
	struct cs_err err = {0, ""};
	ident_setup();
	CHECK_INT(cs_disc_observe(id, CS_DISC_SSDP, ssdp, strlen(ssdp), &err), CS_OK);
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Axis");

	/* mDNS: the Axis host name carries maker and MAC; the TXT record the MAC again. */
	unsigned char m[512];
	size_t n = axis_response(m);
	CHECK(cs_disc_is_reply(CS_DISC_MDNS, (const char *)m, n));
	ident_setup();
	CHECK_INT(cs_disc_observe(id, CS_DISC_MDNS, (const char *)m, n, &err), CS_OK);
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Axis");
	CHECK_STR(d.mac, "ac:cc:8e:7e:a3:6d");

	/* Our own DHIP search looped back is not a reply; garbage is not either. */
	char req[CS_DISC_REQ_MAX];
	size_t rn;
	REQUIRE(load());
	REQUIRE(cs_disc_request(CS_DISC_DHIP, 0, NULL, req, sizeof(req), &rn) == CS_OK);
	CHECK(!cs_disc_is_reply(CS_DISC_DHIP, req, rn));
	REQUIRE(cs_disc_request(CS_DISC_WSD, 0, NULL, req, sizeof(req), &rn) == CS_OK);
	CHECK(!cs_disc_is_reply(CS_DISC_WSD, req, rn));
	REQUIRE(cs_disc_request(CS_DISC_MDNS, 0, NULL, req, sizeof(req), &rn) == CS_OK);
	CHECK(!cs_disc_is_reply(CS_DISC_MDNS, req, rn));
	cs_disc_free();
	CHECK(!cs_disc_is_reply(CS_DISC_DHIP, "\x20\0\0\0DHIP", 8));
	CHECK(!cs_disc_is_reply(CS_DISC_SADP, "garbage", 7));
}

TEST(discover_hostile_replies_never_crash)
{
	/* Lying DHIP lengths, XML bombs, binary noise, through the whole observe path. */
	static const char *const hostile[] = {
		"\x20\0\0\0DHIP\0\0\0\0\0\0\0\0\xff\xff\xff\x7f\0\0\0\0\x01\0\0\0\0\0\0\0{\"mac\":",
		"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a "
		"\"aaaa\">]><ProbeMatch>&a;</ProbeMatch>",
		"<ProbeMatch><DeviceSN>\xff\xfe</DeviceSN>",
		"HTTP/1.1 200 OK\r\nSERVER: \x1b[31mevil\r\nST:",
		"ProbeMatches<<<<<<<>>>>>",
	};
	struct cs_err err = {0, ""};
	struct cs_device d;
	for (size_t i = 0; i < CS_ARRAY_SIZE(hostile); i++) {
		for (int p = 0; p < CS_DISC_COUNT; p++) {
			size_t n = strlen(hostile[i]) + (i == 0 ? 32 : 0);
			const char *g = cs_test_guarded(hostile[i], n);
			ident_setup();
			cs_disc_observe(id, (enum cs_disc_proto)p, g, n, &err);
			cs_ident_finish(id, &d);
		}
	}
	/* A 64 KiB WS-Discovery reply of nested elements. */
	size_t big = CS_DISC_REPLY_MAX;
	char *b = malloc(big);
	REQUIRE(b != NULL);
	for (size_t i = 0; i < big; i++)
		b[i] = "<ProbeMatches>"[i % 14];
	ident_setup();
	CHECK(cs_disc_observe(id, CS_DISC_WSD, cs_test_guarded(b, big), big, &err) != CS_OK);
	cs_ident_finish(id, &d);
	CHECK(d.manufacturer == NULL);
	free(b);
}

/* ---- grouping ---- */

TEST(discover_hosts_group_dedupe_and_cap)
{
	struct cs_disc_hosts h;
	char data[64];
	cs_disc_hosts_init(&h);
	struct cs_udp_reply r = {.addr = 0xc0000207u, .proto = CS_DISC_WSD, .data = data};
	/* The same reply three times is kept once; different replies of one protocol up to 4. */
	memset(data, 'a', sizeof(data));
	r.len = 10;
	for (int i = 0; i < 3; i++)
		CHECK_INT(cs_disc_hosts_add(&h, &r), CS_OK);
	REQUIRE(h.n == 1);
	CHECK_INT(h.v[0].nr, 1);
	for (int i = 0; i < 10; i++) {
		data[0] = (char)('b' + i);
		cs_disc_hosts_add(&h, &r);
	}
	CHECK_INT(h.v[0].nr, CS_DISC_MAX_PER_PROTO);
	r.proto = CS_DISC_SADP;
	cs_disc_hosts_add(&h, &r);
	CHECK_INT(h.v[0].nr, CS_DISC_MAX_PER_PROTO + 1);
	CHECK_INT(h.v[0].protos, (1u << CS_DISC_WSD) | (1u << CS_DISC_SADP));
	CHECK_STR(h.v[0].ip, "192.0.2.7");
	char ports[64];
	cs_disc_host_ports(&h.v[0], ports, sizeof(ports));
	CHECK_STR(ports, "3702/wsd,37020/sadp");
	cs_disc_host_ports(&h.v[0], ports, 12);
	CHECK_STR(ports, "3702/wsd");
	/* Many hosts: capped, in address order after sorting. */
	for (uint32_t a = 0; a < CS_DISC_MAX_HOSTS + 50; a++) {
		r.addr = 0xc6336400u + (CS_DISC_MAX_HOSTS + 50 - a);
		cs_disc_hosts_add(&h, &r);
	}
	CHECK_INT(h.n, CS_DISC_MAX_HOSTS);
	CHECK(h.dropped >= 50);
	cs_disc_hosts_sort(&h);
	for (size_t i = 1; i < h.n; i++)
		if (h.v[i - 1].addr >= h.v[i].addr) {
			cs_test_fail(__FILE__, __LINE__, "not sorted at %zu", i);
			break;
		}
	cs_disc_hosts_free(&h);
	cs_disc_hosts_free(&h); /* a freed struct frees again safely */
}

/* ---- the whole command, in two namespaces joined by a veth pair ---- */

static char outdir[64];

static bool run_link(void)
{
	static int done = -1;
	if (done >= 0)
		return done == 1;
	const char *sim = getenv("CS_SIM_BIN");
	struct stat st;
	if (geteuid() != 0 || sim == NULL || stat(sim, &st) != 0 ||
	    system("unshare -n sh -c 'ip link add t0 type veth peer name t1' 2>/dev/null") != 0) {
		printf("SKIP discover link tests: need root, unshare, veth and CS_SIM_BIN\n");
		done = 0;
		return false;
	}
	snprintf(outdir, sizeof(outdir), "/tmp/cs-disc-XXXXXX");
	if (mkdtemp(outdir) == NULL)
		return false;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "unshare -n bash tests/discover/run.sh %s", outdir);
	done = system(cmd) == 0;
	return done == 1;
}

static char *slurp(const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return strdup("");
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

static long num(const char *name)
{
	char *s = slurp(name);
	long v = strtol(s, NULL, 10);
	if (*s == '\0')
		v = -1;
	free(s);
	return v;
}

/* The simulator's ground truth for the estate address 127.0.0.h. */
static bool truth(int h, char *mac, char *serial, char *model)
{
	char cmd[256], line[1024], want[32];
	snprintf(cmd, sizeof(cmd), "%s --estate tests/discover/estate --dump",
		 getenv("CS_SIM_BIN"));
	snprintf(want, sizeof(want), "127.0.0.%d\t", h);
	FILE *f = popen(cmd, "r");
	bool found = false;
	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, want, strlen(want)) != 0)
			continue;
		/* address persona maker label type mac serial model ports */
		char *col[9] = {0};
		char *p = line;
		for (int i = 0; i < 9 && p != NULL; i++) {
			col[i] = p;
			p = strchr(p, '\t');
			if (p != NULL)
				*p++ = '\0';
		}
		if (col[7] != NULL) {
			snprintf(mac, 32, "%s", col[5]);
			snprintf(serial, 64, "%s", col[6]);
			snprintf(model, 64, "%s", col[7]);
			found = true;
		}
	}
	pclose(f);
	return found;
}

TEST(discover_finds_the_devices_on_a_veth_link)
{
	if (!run_link())
		return;
	CHECK_INT(num("all.rc"), 0);
	CHECK_INT(num("sim.rc"), 0); /* the sanitised simulator exits cleanly */
	static const struct {
		int h;
		const char *maker, *brand, *protos;
	} want[] = {
		{10, "Hikvision", NULL, "wsd,sadp,ssdp,mdns"},
		{11, "Dahua", NULL, "wsd,dhip,ssdp"},
		{12, "Axis", NULL, "wsd,mdns"},
		{13, "Dahua", "Amcrest", "wsd,dhip,ssdp"},
		{14, "Hikvision", "LTS", "wsd,sadp,ssdp,mdns"},
	};
	char *all = slurp("all.jsonl");
	size_t lines = 0;
	for (char *p = all; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	/* One device per address, whatever the repeats: five real ones and three hostile ones. */
	CHECK_INT(lines, CS_ARRAY_SIZE(want) + 3);
	for (char *p = all, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		json_t *j = json_loadb(p, (size_t)(nl - p), 0, NULL);
		if (j == NULL)
			cs_test_fail(__FILE__, __LINE__, "not JSON: %.60s", p);
		json_decref(j);
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(want); i++) {
		char ip[32], mac[32] = "", serial[64] = "", model[64] = "";
		snprintf(ip, sizeof(ip), "\"ip\":\"198.51.100.%d\"", want[i].h);
		char *line = strstr(all, ip);
		if (line == NULL) {
			cs_test_fail(__FILE__, __LINE__, "no device at %s", ip);
			continue;
		}
		char *end = strchr(line, '\n');
		json_t *j = json_loadb(line - 1, (size_t)(end - line + 1), 0, NULL);
		REQUIRE(j != NULL);
		CHECK_STR(json_string_value(json_object_get(j, "manufacturer")), want[i].maker);
		CHECK_STR(json_string_value(json_object_get(j, "brand")), want[i].brand);
		CHECK(json_integer_value(json_object_get(j, "scan_id")) == 1);
		char protos[64] = "";
		json_t *a = json_object_get(j, "protocols"), *v;
		size_t k;
		json_array_foreach(a, k, v)
		{
			size_t o = strlen(protos);
			snprintf(protos + o, sizeof(protos) - o, "%s%s", k ? "," : "",
				 json_string_value(v));
		}
		CHECK_STR(protos, want[i].protos);
		CHECK(json_array_size(json_object_get(j, "ports")) == json_array_size(a));
		REQUIRE(truth(want[i].h, mac, serial, model));
		CHECK_STR(json_string_value(json_object_get(j, "mac")), mac);
		CHECK_STR(json_string_value(json_object_get(j, "model")), model);
		if (strcmp(serial, "-") != 0 && want[i].h != 12) /* Axis says no serial here */
			CHECK_STR(json_string_value(json_object_get(j, "serial")), serial);
		CHECK_STR(json_string_value(json_object_get(j, "covered_status")),
			  want[i].h == 12 ? "not_covered" : "covered");
		json_decref(j);
	}
	free(all);
	char *err = slurp("all.err");
	CHECK(strstr(err, "from 8 addresses") != NULL);
	CHECK(strstr(err, "did not parse") != NULL); /* the lying lengths */
	free(err);
	/* Recorded like a scan: five devices in the inventory. */
	char *devs = slurp("devices.json");
	json_t *dj = json_loads(devs, 0, NULL);
	CHECK(dj != NULL && json_array_size(dj) == 8);
	json_decref(dj);
	free(devs);
	/* CSV has the scan's columns. */
	char *csv = slurp("all.csv");
	CHECK(strncmp(csv, "ip,ports,manufacturer,brand,model,device_type", 45) == 0);
	CHECK(strstr(csv, "\"198.51.100.13\",\"3702/wsd,37810/dhip,1900/ssdp\",\"Dahua\","
			  "\"Amcrest\"") != NULL);
	free(csv);
	/* The table is terminal-safe: the hostile device's escapes never reach it. */
	char *table = slurp("all.table");
	CHECK(strstr(table, "198.51.100.17") != NULL);
	CHECK(strstr(table, "198.51.100.10   Hikvision") != NULL);
	CHECK(strchr(table, 0x1b) == NULL && strchr(table, 0x07) == NULL);
	CHECK(strstr(table, "\xc2\x9b") == NULL);
	free(table);
}

TEST(discover_repeat_timeout_and_protocol_choice)
{
	if (!run_link())
		return;
	/* Three rounds, each to the group and to broadcast: six SADP answers from one camera;
	 * --repeat 1: two more. */
	CHECK_INT(num("all.sadp"), 6);
	CHECK_INT(num("one.sadp") - num("all.sadp"), 2);
	/* --protocols sadp: only the two Hikvision devices, only SADP. */
	CHECK_INT(num("one.rc"), 0);
	char *one = slurp("one.jsonl");
	CHECK(strstr(one, "\"ip\":\"198.51.100.10\"") != NULL);
	CHECK(strstr(one, "\"ip\":\"198.51.100.14\"") != NULL);
	CHECK(strstr(one, "198.51.100.11") == NULL);
	CHECK(strstr(one, "\"wsd\"") == NULL);
	free(one);
	/* --timeout 0.5 returns after about half a second, not before and not much after. */
	CHECK_INT(num("quick.rc"), 0);
	long ms = num("quick.ms");
	if (ms < 450 || ms > 3000)
		cs_test_fail(__FILE__, __LINE__, "--timeout 0.5 took %ld ms", ms);
	/* Two interfaces up and none named: refused, saying why. */
	CHECK_INT(num("two.rc"), 2);
	char *two = slurp("two.err");
	CHECK(strstr(two, "2 interfaces are up (cs0, cs2)") != NULL);
	CHECK(strstr(two, "--interface") != NULL);
	free(two);
}

TEST(discover_usage_errors)
{
	char *out = NULL, *err = NULL;
	CHECK_INT(cs_test_run_cli("discover --protocols wsd,telnet", NULL, &out, &err), 2);
	CHECK(err != NULL && strstr(err, "telnet") != NULL);
	free(out), free(err);
	CHECK_INT(cs_test_run_cli("discover --timeout 0", NULL, &out, &err), 2);
	free(out), free(err);
	CHECK_INT(cs_test_run_cli("discover --repeat 11", NULL, &out, &err), 2);
	free(out), free(err);
	CHECK_INT(cs_test_run_cli("discover --interface no-such-if0 --no-store", NULL, &out, &err),
		  2);
	CHECK(err != NULL && strstr(err, "no-such-if0") != NULL);
	free(out), free(err);
	CHECK_INT(cs_test_run_cli("discover 192.0.2.1", NULL, &out, &err), 2);
	free(out), free(err);
}

TEST(discover_request_files_ask_only_what_anyone_may)
{
	/* Independently of the loader: each file exists, passes the denylist, and asks only. */
	for (size_t i = 0; i < cs_disc_nfiles; i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/probes/%s", data_dir(), cs_disc_files[i]);
		FILE *f = fopen(path, "r");
		if (f == NULL) {
			cs_test_fail(__FILE__, __LINE__, "%s missing", path);
			continue;
		}
		char buf[4097];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		CHECK(cs_probe_payload_forbidden(buf, n) == NULL);
		if (strncmp(cs_disc_files[i], "sadp", 4) == 0)
			CHECK(strstr(buf, "<Types>inquiry</Types>") != NULL);
		if (strncmp(cs_disc_files[i], "dhip", 4) == 0)
			CHECK(strstr(buf, "\"method\":\"DHDiscover.search\"") != NULL);
		if (strncmp(cs_disc_files[i], "ssdp", 4) == 0)
			CHECK(strncmp(buf, "M-SEARCH * HTTP/1.1\n", 20) == 0);
	}
}

/* ---- unicast, for the scanner: in a namespace of its own, against the loopback estate ---- */

struct uni {
	unsigned seen[8][CS_DISC_COUNT]; /* per address index */
	size_t total, foreign;
	struct cs_disc_hosts hosts;
};

static const uint32_t uni_addrs[] = {0x7f370001u, 0x7f370005u, 0x7f37000au, 0x7f370063u};

static int on_uni(void *ctx, const struct cs_udp_reply *r)
{
	struct uni *u = ctx;
	size_t i = 0;
	while (i < CS_ARRAY_SIZE(uni_addrs) && uni_addrs[i] != r->addr)
		i++;
	if (i == CS_ARRAY_SIZE(uni_addrs))
		u->foreign++;
	else
		u->seen[i][r->proto]++;
	u->total++;
	return cs_disc_hosts_add(&u->hosts, r) == CS_OK ? 0 : 1;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The body of the unicast test, run in a fresh network namespace; returns failures. */
static int unicast_in_namespace(void)
{
	int bad = 0, pfd[2];
	if (system("ip link set lo up") != 0 || pipe(pfd) != 0)
		return 100;
	pid_t sim = fork();
	if (sim == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		execl(getenv("CS_SIM_BIN"), "camsweep-sim", "--estate", "sim/demo.estate",
		      "--quiet", "--ports", "3702,37020,37810", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	char line[256];
	ssize_t k = read(pfd[0], line, sizeof(line) - 1);
	if (k <= 0 || strstr((line[k] = '\0', line), "ready") == NULL)
		bad += 50;
	if (!load())
		bad += 50;
	ident_setup();
	struct uni u;
	memset(&u, 0, sizeof(u));
	cs_disc_hosts_init(&u.hosts);
	struct cs_err err = {0, ""};
	uint64_t t0 = mono_ms();
	/* 4 addresses at 10 a second: the last goes out at 300 ms; then 400 ms of listening. */
	int r = cs_udp_probe_hosts(uni_addrs, CS_ARRAY_SIZE(uni_addrs), CS_DISC_ALL, 10, 400, NULL,
				   on_uni, &u, &err);
	uint64_t took = mono_ms() - t0;
	bad += r != CS_OK;
	bad += took < 650 || took > 2500;
	/* Hikvision camera: WS-Discovery (two Probes, two answers) and SADP; Dahua camera: WSD and
	 * DHIP; Axis: WSD only; the silent address: nothing. */
	bad += u.seen[0][CS_DISC_WSD] != 2 || u.seen[0][CS_DISC_SADP] != 1 ||
	       u.seen[0][CS_DISC_DHIP] != 0;
	bad += u.seen[1][CS_DISC_WSD] != 2 || u.seen[1][CS_DISC_DHIP] != 1 ||
	       u.seen[1][CS_DISC_SADP] != 0;
	bad += u.seen[2][CS_DISC_WSD] != 2 || u.seen[2][CS_DISC_SADP] != 0;
	for (int p = 0; p < CS_DISC_COUNT; p++)
		bad += u.seen[3][p] != 0;
	bad += u.foreign != 0;
	/* The grouped replies identify each host. */
	cs_disc_hosts_sort(&u.hosts);
	static const char *const makers[] = {"Hikvision", "Dahua", "Axis"};
	bad += u.hosts.n != 3;
	for (size_t i = 0; i < u.hosts.n && i < 3; i++) {
		struct cs_device d;
		ident_setup();
		bad += cs_disc_host_observe(&u.hosts.v[i], id) != 0;
		cs_ident_finish(id, &d);
		bad += d.manufacturer == NULL || strcmp(d.manufacturer, makers[i]) != 0;
	}
	/* Only lo here: discover has no interface to choose and says so, sending nothing. */
	char *out = NULL, *errs = NULL;
	bad += cs_test_run_cli("discover --no-store --timeout 0.2", NULL, &out, &errs) != 2;
	bad += errs == NULL || strstr(errs, "no interface other than loopback") == NULL;
	free(out), free(errs);
	/* A stop flag set before the start: returns at once, nothing collected. */
	volatile int stop = 1;
	t0 = mono_ms();
	cs_udp_probe_hosts(uni_addrs, CS_ARRAY_SIZE(uni_addrs), CS_DISC_ALL, 1, 5000, &stop, on_uni,
			   &u, &err);
	bad += mono_ms() - t0 > 1500;
	cs_disc_hosts_free(&u.hosts);
	cs_disc_free();
	kill(sim, SIGTERM);
	int st = 0;
	waitpid(sim, &st, 0);
	bad += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	if (bad != 0)
		printf("unicast: %zu replies, took %llu ms, r=%d %s\n", u.total,
		       (unsigned long long)took, r, err.msg);
	fflush(stdout);
	return bad;
}

TEST(discover_unicast_probes_hosts_for_the_scanner)
{
	const char *sim = getenv("CS_SIM_BIN");
	struct stat st;
	if (geteuid() != 0 || sim == NULL || stat(sim, &st) != 0) {
		printf("SKIP discover unicast test: need root and CS_SIM_BIN\n");
		return;
	}
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		if (unshare(CLONE_NEWNET) != 0)
			_exit(77); /* not allowed here: skip */
		_exit(unicast_in_namespace() == 0 ? 0 : 10);
	}
	int status = 0;
	waitpid(child, &status, 0);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	if (code == 77)
		printf("SKIP discover unicast test: no network namespace here\n");
	else
		CHECK_INT(code, 0);
}

/* Does the device line of ip in a jsonl file have evidence (signal, value)? -1: no such line. */
static int has_evidence(const char *file, const char *ip, const char *signal, const char *value)
{
	char *all = slurp(file), key[48];
	int found = -1;
	snprintf(key, sizeof(key), "\"ip\":\"%s\"", ip);
	char *line = strstr(all, key);
	char *end = line != NULL ? strchr(line, '\n') : NULL;
	json_t *j = end != NULL ? json_loadb(line - 1, (size_t)(end - line + 1), 0, NULL) : NULL;
	if (j != NULL) {
		json_t *e;
		size_t i;
		found = 0;
		json_array_foreach(json_object_get(j, "evidence"), i, e)
		{
			const char *s = json_string_value(json_object_get(e, "signal"));
			const char *v = json_string_value(json_object_get(e, "value"));
			if (s != NULL && v != NULL && strcmp(s, signal) == 0 &&
			    strcmp(v, value) == 0)
				found = 1;
		}
	}
	json_decref(j);
	free(all);
	return found;
}

TEST(discover_fetch_follows_xaddrs_to_the_same_host_only)
{
	if (!run_link())
		return;
	CHECK_INT(num("fetch.rc"), 0);
	/* Each real device's advertised device service got one POST; the LTS relabel answers
	 * GetDeviceInformation anonymously, the others refuse. */
	char *log = slurp("sim.log");
	for (int h = 10; h <= 14; h++) {
		char want[64];
		snprintf(want, sizeof(want), "POST /onvif/device_service -> 198.51.100.%d:80/tcp",
			 h);
		CHECK(strstr(log, want) != NULL);
	}
	CHECK(strstr(log, "198.51.100.14:80/tcp hikvision-relabel 200") != NULL);
	CHECK(strstr(log, ":80/tcp garbage") == NULL && strstr(log, ":80/tcp lying") == NULL);
	free(log);
	/* SSDP LOCATION: the Hikvision and Dahua devices' UPnP descriptions were read, and the
	 * manufacturer in it is evidence only with --fetch. */
	log = slurp("sim.log");
	CHECK(strstr(log, "GET (description) -> 198.51.100.10:49152/tcp hikvision-camera 200"));
	CHECK(strstr(log, "GET (description) -> 198.51.100.11:49152/tcp dahua-camera 200"));
	CHECK(strstr(log, "-> 198.51.100.12:49152") == NULL); /* Axis: no SSDP, no LOCATION */
	free(log);
	CHECK_INT(has_evidence("fetch.jsonl", "198.51.100.10", "vendor", "Hikvision"), 1);
	CHECK_INT(has_evidence("all.jsonl", "198.51.100.10", "vendor", "Hikvision"), 0);
	/* Its firmware as GetDeviceInformation spells it is evidence only with --fetch. */
	CHECK_INT(has_evidence("fetch.jsonl", "198.51.100.14", "firmware", "V5.5.82 build 190909"),
		  1);
	CHECK_INT(has_evidence("all.jsonl", "198.51.100.14", "firmware", "V5.5.82 build 190909"),
		  0);
}

/* On loopback, no root needed: an XAddr naming another address (or another path) is never
 * followed; one naming the replying address gets exactly the anonymous POST. */
TEST(discover_fetch_refuses_xaddrs_elsewhere)
{
	struct cs_err err = {0, ""};
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	sa.sin_addr.s_addr = htonl(0x7f000001u);
	REQUIRE(lfd >= 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	REQUIRE(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(lfd, 8) == 0);
	REQUIRE(getsockname(lfd, (struct sockaddr *)&sa, &sl) == 0);
	unsigned port = ntohs(sa.sin_port);
	REQUIRE(cs_probe_data_load(data_dir(), &err) == CS_OK);

	struct cs_disc_hosts h;
	cs_disc_hosts_init(&h);
	char reply[512];
	static const struct {
		const char *scheme, *host, *path;
	} xaddrs[] = {
		{"http", "127.0.0.2", "/onvif/device_service"},	 /* another host */
		{"http", "127.0.0.1", "/onvif/other_service"},	 /* another path */
		{"https", "127.0.0.1", "/onvif/device_service"}, /* not plain http */
		{"http", "127.0.0.10", "/onvif/device_service"}, /* a longer address */
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(xaddrs); i++) {
		int n = snprintf(
			reply, sizeof(reply),
			"<ProbeMatches><d:XAddrs>%s://%s:%u%s http://[fe80::1]/x</d:XAddrs>",
			xaddrs[i].scheme, xaddrs[i].host, port, xaddrs[i].path);
		struct cs_udp_reply r = {
			.addr = 0x7f000001u, .proto = CS_DISC_WSD, .data = reply, .len = (size_t)n};
		cs_disc_hosts_add(&h, &r);
	}
	static const struct {
		const char *host, *path;
		bool port_zero;
	} locations[] = {
		{"127.0.0.2", "/d.xml", false}, /* another host */
		{"127.0.0.1", "", false},	/* no path */
		{"127.0.0.1", "/x", true},	/* port 0 */
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(locations); i++) {
		int n = snprintf(
			reply, sizeof(reply),
			"HTTP/1.1 200 OK\r\nLOCATION: http://%s:%u%s\r\nST: upnp:rootdevice"
			"\r\n\r\n",
			locations[i].host, locations[i].port_zero ? 0u : port, locations[i].path);
		struct cs_udp_reply r = {.addr = 0x7f000001u,
					 .proto = CS_DISC_SSDP,
					 .data = reply,
					 .len = (size_t)n};
		cs_disc_hosts_add(&h, &r);
	}
	REQUIRE(load());
	CHECK_INT(cs_disc_hosts_fetch(&h, 300, NULL, &err), CS_OK);
	cs_disc_free();
	struct pollfd p = {lfd, POLLIN, 0};
	CHECK_INT(poll(&p, 1, 0), 0); /* nobody connected */
	CHECK(h.v[0].fetched[0] == NULL && h.v[0].fetched[1] == NULL);

	cs_disc_hosts_free(&h);

	/* The same host's own XAddr: one connection, the payload's POST, the answer kept. */
	cs_disc_hosts_init(&h);
	int n = snprintf(reply, sizeof(reply),
			 "<ProbeMatches><d:XAddrs>http://127.0.0.1:%u/onvif/device_service"
			 "</d:XAddrs>",
			 port);
	struct cs_udp_reply r = {
		.addr = 0x7f000001u, .proto = CS_DISC_WSD, .data = reply, .len = (size_t)n};
	cs_disc_hosts_add(&h, &r);
	pid_t child = fork();
	if (child == 0) {
		alarm(5); /* never outlive a broken fetch */
		int c = accept(lfd, NULL, NULL);
		char req[4096];
		ssize_t k = recv(c, req, sizeof(req) - 1, 0);
		req[k > 0 ? k : 0] = '\0';
		int ok = strncmp(req, "POST /onvif/device_service HTTP/1.1\r\n", 37) == 0 &&
			 strstr(req, "Authorization") == NULL;
		const char *ans = "HTTP/1.1 200 OK\r\nServer: test\r\nContent-Length: 0\r\n\r\n";
		if (send(c, ans, strlen(ans), 0) < 0)
			ok = 0;
		close(c);
		_exit(ok ? 0 : 1);
	}
	REQUIRE(h.n == 1 && h.v[0].nr == 1);
	CHECK_INT(cs_disc_hosts_fetch(&h, 2000, NULL, &err), CS_OK);
	int st = 0;
	waitpid(child, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(h.v[0].fetched[0] != NULL && strncmp(h.v[0].fetched[0], "HTTP/1.1 200 OK", 15) == 0);
	cs_disc_hosts_free(&h);
	cs_probe_data_free();
	close(lfd);
}
