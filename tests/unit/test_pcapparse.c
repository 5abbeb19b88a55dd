/*
 * test_pcapparse.c - the frame decoder and the DHCP, DNS and TLS parsers of src/pcap/ on hostile
 * bytes: each input is cut at every length and placed to end on a guard page (any over-read
 * crashes), then mutated at random and fed through the whole passive pipeline.
 */
#include "ident/ident.h"
#include "pcap/decode.h"
#include "pcap/passive.h"
#include "pcap/wire.h"
#include "pcap_frames.h"
#include "test.h"

#include <stdlib.h>

static struct fr fr;

static const struct fr_addr a = {{0x58, 0x50, 0xed, 1, 2, 3}, 4, {192, 168, 1, 64}, 37020};
static const struct fr_addr b = {{0x02, 0, 0, 0, 0, 9}, 4, {192, 168, 1, 9}, 53};

static size_t dns_answer(uint8_t *q)
{
	static const uint8_t m[] = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
				    /* litedev.hik-connect.com A IN */
				    7, 'l', 'i', 't', 'e', 'd', 'e', 'v', 11, 'h', 'i', 'k', '-',
				    'c', 'o', 'n', 'n', 'e', 'c', 't', 3, 'c', 'o', 'm', 0, 0, 1, 0,
				    1,
				    /* CNAME to x.hik-connect.com (compressed) */
				    0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 0, 60, 0, 4, 1, 'x', 0xc0, 0x14,
				    /* A 203.0.113.7 */
				    0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 203, 0, 113, 7};
	memcpy(q, m, sizeof(m));
	return sizeof(m);
}

TEST(pcap_dns_parses_names_and_answers)
{
	uint8_t q[256];
	struct cs_dns_info d;
	size_t n = dns_answer(q);
	REQUIRE(cs_dns_parse(q, n, &d) == CS_OK);
	CHECK(d.response);
	CHECK_INT(d.nnames, 2);
	CHECK_STR(d.names[0], "litedev.hik-connect.com");
	CHECK_STR(d.names[1], "x.hik-connect.com");
	CHECK_INT(d.naddrs, 1);
	CHECK_INT(d.addrs[0].ip[0], 203);
	/* A pointer to itself, and one forwards: refused, not followed. */
	q[12] = 0xc0, q[13] = 12;
	CHECK_INT(cs_dns_parse(q, n, &d), CS_EPARSE);
	q[13] = 200;
	CHECK_INT(cs_dns_parse(q, n, &d), CS_EPARSE);
}

TEST(pcap_parsers_on_guard_pages_at_every_length)
{
	uint8_t dns[256], dhcp[400];
	size_t ndns = dns_answer(dns);
	memset(dhcp, 0, sizeof(dhcp));
	dhcp[0] = 1, dhcp[1] = 1, dhcp[2] = 6;
	dhcp[236] = 0x63, dhcp[237] = 0x82, dhcp[238] = 0x53, dhcp[239] = 0x63;
	static const uint8_t opts[] = {53, 1,	3,   12,  4,  'c', 'a', 'm', '1', 60,
				       3,  'x', 'y', 'z', 55, 2,   1,	3,   255};
	memcpy(dhcp + 240, opts, sizeof(opts));
	size_t ndhcp = 240 + sizeof(opts);
	/* ClientHello with SNI, and a server flight with a tiny "certificate". */
	static const uint8_t ch[] = {
		22, 3, 1, 0,	62, 1, 0,   0,	 58,  3,   3,	[11 ... 42] = 7,
		0,  0, 2, 0x13, 1,  1, 0,   0,	 15,  0,   0,	0,
		11, 0, 9, 0,	0,  6, 'e', 'z', 'v', 'i', 'z', 'x'};
	static const uint8_t sv[] = {22, 3, 3, 0,  4, 2, 0, 0, 0, 22, 3,    3, 0, 14,
				     11, 0, 0, 10, 0, 0, 7, 0, 0, 4,  0x30, 2, 1, 0};
	struct cs_sv v;
	uint8_t scratch[1024];
	REQUIRE(cs_tls_client_sni(ch, sizeof(ch), &v) == CS_OK);
	CHECK(v.n == 6 && memcmp(v.p, "ezvizx", 6) == 0);
	REQUIRE(cs_tls_server_cert(sv, sizeof(sv), scratch, sizeof(scratch), &v) == CS_OK);
	CHECK_INT(v.n, 4);
	struct cs_dhcp_info di;
	REQUIRE(cs_dhcp_parse(dhcp, ndhcp, &di) == CS_OK);
	CHECK(di.hostname.n == 4 && memcmp(di.hostname.p, "cam1", 4) == 0);
	CHECK_INT(di.prl.n, 2);

	for (size_t i = 0; i <= ndns; i++) {
		struct cs_dns_info d;
		cs_dns_parse((const uint8_t *)cs_test_guarded(dns, i), i, &d);
	}
	for (size_t i = 0; i <= ndhcp; i++)
		cs_dhcp_parse((const uint8_t *)cs_test_guarded(dhcp, i), i, &di);
	for (size_t i = 0; i <= sizeof(ch); i++) {
		int r = cs_tls_client_sni((const uint8_t *)cs_test_guarded(ch, i), i, &v);
		if (i < sizeof(ch))
			CHECK(r != CS_OK);
	}
	for (size_t i = 0; i <= sizeof(sv); i++) {
		int r = cs_tls_server_cert((const uint8_t *)cs_test_guarded(sv, i), i, scratch,
					   sizeof(scratch), &v);
		if (i < sizeof(sv))
			CHECK_INT(r, CS_EAGAIN);
	}
	/* Frames of every link type, cut at every length. */
	static const int links[] = {1, 113, 276, 12, 228, 229, 0};
	struct fr_addr a6 = a, b6 = b;
	a6.ver = b6.ver = 6;
	for (int ip = 4; ip <= 6; ip += 2) {
		fr_udp(&fr, ip == 4 ? &a : &a6, ip == 4 ? &b : &b6, 5, dns, ndns);
		struct fr base = fr;
		for (size_t l = 0; l < CS_ARRAY_SIZE(links); l++) {
			fr = base;
			if (links[l] == 113 || links[l] == 276 || links[l] == 12)
				fr_relink(&fr, links[l]);
			else if (links[l] != 1)
				fr_relink(&fr, 12);
			for (size_t i = 0; i <= fr.n; i++) {
				struct cs_pkt k;
				cs_pkt_decode(links[l], (const uint8_t *)cs_test_guarded(fr.b, i),
					      i, &k);
				if (i == fr.n && (links[l] == 1 || links[l] == 113 ||
						  links[l] == 276 || links[l] == 12)) {
					CHECK_INT(k.l4, 17);
					CHECK_INT(k.plen, ndns);
				}
			}
		}
	}
}

/* Random mutations of real-looking frames through the whole pipeline, with tiny caps. */
TEST(pcap_mutation_smoke)
{
	struct cs_passive *pa = NULL;
	struct cs_passive_opts o = {64, 16, 1024};
	REQUIRE(cs_passive_new(&pa, &o, NULL, NULL) == CS_OK);
	uint8_t dns[256];
	size_t ndns = dns_answer(dns);
	static const char http[] =
		"HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Length: 4\r\n\r\n"
		"<a/>";
	static const uint8_t tls[] = {22, 3, 3, 0,  4, 2, 0, 0, 0, 22, 3,    3, 0, 14,
				      11, 0, 0, 10, 0, 0, 7, 0, 0, 4,  0x30, 2, 1, 0};
	struct fr base[4];
	struct fr_addr s = a, d = b;
	fr_udp(&base[0], &s, &d, 1, dns, ndns);
	s.port = 80, d.port = 50000;
	fr_tcp(&base[1], &s, &d, 0x18, 1, http, sizeof(http) - 1);
	s.port = 443;
	fr_tcp(&base[2], &s, &d, 0x18, 1, tls, sizeof(tls));
	s.port = 37810;
	fr_udp(&base[3], &s, &d, 0,
	       "\x20\0\0\0DHIP\0\0\0\0\0\0\0\0\x02\0\0\0\0\0\0\0\x02\0\0\0\0\0\0\0{}", 34);
	unsigned seed = 12345;
	for (int round = 0; round < 20000; round++) {
		fr = base[round % 4];
		int flips = 1 + (int)((seed = seed * 1103515245 + 12345) >> 16) % 4;
		for (int f = 0; f < flips; f++) {
			seed = seed * 1103515245 + 12345;
			size_t at = (seed >> 8) % fr.n;
			fr.b[at] ^= (uint8_t)(1u << ((seed >> 4) % 8));
		}
		seed = seed * 1103515245 + 12345;
		size_t cut = (seed >> 8) % (fr.n + 1);
		cs_passive_frame(pa, round % 7 == 0 ? 113 : 1,
				 (const uint8_t *)cs_test_guarded(fr.b, cut), cut);
	}
	const struct cs_passive_stats *st = cs_passive_stats(pa);
	CHECK_INT(st->packets, 20000);
	CHECK(st->hosts <= 64);
	cs_passive_free(pa);
}

/* 802.1ad outer + 802.1Q inner tag; an IPv6 non-first fragment; an IPv4 one. */
TEST(pcap_decode_qinq_and_fragments)
{
	struct cs_pkt k;
	static const uint8_t pl[] = "x";
	fr_udp(&fr, &a, &b, 100, pl, 1);
	/* Make the tag 802.1ad and add an inner 802.1Q tag (vlan 200). */
	memmove(fr.b + 20, fr.b + 16, fr.n - 16);
	fr.b[12] = 0x88, fr.b[13] = 0xa8;
	fr.b[16] = 0x81, fr.b[17] = 0x00, fr.b[18] = 0x00, fr.b[19] = 200;
	fr.n += 4;
	REQUIRE(cs_pkt_decode(1, fr.b, fr.n, &k) == CS_OK);
	CHECK_INT(k.nvlan, 2);
	CHECK_INT(k.vlan, 100);
	CHECK_INT(k.l4, 17);
	CHECK_INT(k.dport, 53);
	CHECK_INT(k.plen, 1);

	/* IPv4: offset 185 (x8 bytes), not the first fragment. */
	fr_udp(&fr, &a, &b, 0, pl, 1);
	fr.b[14 + 6] = 0x00, fr.b[14 + 7] = 185;
	REQUIRE(cs_pkt_decode(1, fr.b, fr.n, &k) == CS_OK);
	CHECK(k.frag_later);
	CHECK_INT(k.l4, 0);

	/* IPv6 with a fragment header at offset 1448. */
	struct fr_addr a6 = a, b6 = b;
	a6.ver = b6.ver = 6;
	fr_udp(&fr, &a6, &b6, 0, pl, 1);
	size_t ip = 14;
	memmove(fr.b + ip + 48, fr.b + ip + 40, fr.n - ip - 40);
	fr.b[ip + 6] = 44;
	uint8_t *fh = fr.b + ip + 40;
	fh[0] = 17, fh[1] = 0, fh[2] = (uint8_t)((1448 >> 8) & 0xff),
	fh[3] = (uint8_t)(1448 & 0xf8);
	fh[4] = fh[5] = fh[6] = 0, fh[7] = 1;
	fr.b[ip + 5] += 8;
	fr.n += 8;
	REQUIRE(cs_pkt_decode(1, fr.b, fr.n, &k) == CS_OK);
	CHECK_INT(k.ipver, 6);
	CHECK(k.frag_later);
	CHECK_INT(k.l4, 0);
	/* The first fragment (offset 0, more to come) is decoded and marked. */
	fh[2] = 0, fh[3] = 1;
	REQUIRE(cs_pkt_decode(1, fr.b, fr.n, &k) == CS_OK);
	CHECK(k.frag_first);
	CHECK_INT(k.l4, 17);
}

static int count_host(void *ctx, const struct cs_passive_host *h, struct cs_device *d)
{
	(void)h, (void)d;
	(*(int *)ctx)++;
	return 0;
}

/* The host and flow caps hold, and evicting a flow finishes it rather than losing it. */
TEST(pcap_caps_hosts_and_flows)
{
	struct cs_kb *kb = NULL;
	struct cs_ident *id = NULL;
	struct cs_passive *pa = NULL;
	struct cs_kb_opts ko = {getenv("CS_DATA_DIR") ? getenv("CS_DATA_DIR") : "data", "", NULL};
	REQUIRE(cs_kb_load(&kb, &ko, NULL) == CS_OK);
	REQUIRE(cs_ident_new(&id, kb) == CS_OK);
	struct cs_passive_opts o = {3, 2, 4096};
	REQUIRE(cs_passive_new(&pa, &o, NULL, NULL) == CS_OK);
	static const char resp[] = "HTTP/1.1 200 OK\r\nServer: App-webs/\r\n"
				   "Content-Length: 100\r\n\r\n";
	/* Three servers answer; their heads are complete but the bodies never come. */
	for (int i = 0; i < 3; i++) {
		struct fr_addr s = a, c = b;
		s.mac[5] = (uint8_t)i, s.ip[3] = (uint8_t)(70 + i), s.port = 80, c.port = 40000;
		fr_tcp(&fr, &s, &c, 0x18, 1, resp, sizeof(resp) - 1);
		cs_passive_frame(pa, 1, fr.b, fr.n);
	}
	/* More senders than the host table holds. */
	for (int i = 0; i < 5; i++) {
		struct fr_addr s = a;
		s.mac[4] = 0x77, s.mac[5] = (uint8_t)i;
		fr_udp(&fr, &s, &b, 0, "y", 1);
		cs_passive_frame(pa, 1, fr.b, fr.n);
	}
	const struct cs_passive_stats *st = cs_passive_stats(pa);
	CHECK_INT(st->hosts, 3);
	CHECK(st->hosts_dropped >= 5);
	CHECK_INT(st->flows, 3);
	CHECK_INT(st->flows_evicted, 1);
	int n = 0;
	CHECK_INT(cs_passive_finish(pa, id, count_host, &n), 0);
	CHECK_INT(n, 3); /* each server still reported: the evicted flow was analysed */
	cs_passive_free(pa);
	cs_ident_free(id);
	cs_kb_free(kb);
}
