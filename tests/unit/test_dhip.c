/* test_dhip.c - DHIP framing: the fixture, every truncation, lying lengths, the search request. */
#include "test.h"

#include "common/err.h"
#include "proto/dhip.h"
#include "proto/jsonflat.h"

#include <stdint.h>
#include <stdlib.h>

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* A packet with the given length fields around body (caller frees). */
static unsigned char *packet(uint32_t len, uint32_t len2, const char *body, size_t bn, size_t *n)
{
	unsigned char *p = calloc(1, CS_DHIP_HEADER_LEN + bn);
	memcpy(p, "\x20\0\0\0DHIP", 8);
	put_le32(p + 0x08, 0x11223344);
	put_le32(p + 0x0c, 7);
	put_le32(p + 0x10, len);
	put_le32(p + 0x18, len2);
	memcpy(p + CS_DHIP_HEADER_LEN, body, bn);
	*n = CS_DHIP_HEADER_LEN + bn;
	return p;
}

static int count(void *ctx, struct cs_sv path, struct cs_sv name, struct cs_sv value)
{
	size_t *n = ctx;
	(void)path, (void)name, (void)value;
	(*n)++;
	return 0;
}

TEST(dhip_notifydevinfo_fixture)
{
	size_t n, leaves = 0;
	struct cs_sv json;
	struct cs_dhip_header hdr;
	char *pkt = cs_test_read_fixture("dhip/notifydevinfo.bin", &n);
	REQUIRE(pkt != NULL);
	CHECK_INT(n, 651);
	const unsigned char *p = (const unsigned char *)cs_test_guarded(pkt, n);
	CHECK_INT(cs_dhip_parse(p, n, &json, &hdr), 0);
	CHECK(hdr.framed);
	CHECK_INT(hdr.len, 619);
	CHECK_INT(hdr.len2, 619);
	CHECK_INT(hdr.body_len, 619);
	CHECK_INT(hdr.session, 0);
	CHECK_INT(hdr.id, 0);
	CHECK(!hdr.truncated);
	CHECK(!hdr.len_mismatch);
	CHECK_INT(json.n, 619);
	CHECK(json.p == (const char *)p + 32);
	CHECK(json.p[0] == '{' && json.p[json.n - 1] == '}');
	CHECK_INT(cs_json_flatten(json.p, json.n, count, &leaves, NULL), 0);
	CHECK_INT(leaves, 22);
	free(pkt);
}

TEST(dhip_every_truncation)
{
	size_t n;
	char *pkt = cs_test_read_fixture("dhip/notifydevinfo.bin", &n);
	REQUIRE(pkt != NULL);
	for (size_t i = 0; i < n; i++) {
		struct cs_sv json;
		struct cs_dhip_header hdr;
		int rc = cs_dhip_parse((const unsigned char *)cs_test_guarded(pkt, i), i, &json,
				       &hdr);
		int want = i == 0 ? CS_EPARSE : i < CS_DHIP_HEADER_LEN ? CS_EAGAIN : 0;
		if (rc != want) {
			cs_test_fail(__FILE__, __LINE__, "cut at %zu: rc %d", i, rc);
			break;
		}
		if (rc == 0 && (!hdr.truncated || hdr.body_len != i - CS_DHIP_HEADER_LEN ||
				json.n > hdr.body_len)) {
			cs_test_fail(__FILE__, __LINE__, "cut at %zu: body %zu", i, hdr.body_len);
			break;
		}
		/* A truncated body never parses as JSON, and never crashes trying. */
		size_t leaves = 0;
		if (rc == 0 && cs_json_flatten(json.p, json.n, count, &leaves, NULL) == 0) {
			cs_test_fail(__FILE__, __LINE__, "cut at %zu parsed", i);
			break;
		}
	}
	free(pkt);
}

TEST(dhip_lying_lengths)
{
	static const char body[] = "{\"method\":\"client.notifyDevInfo\"}";
	size_t bn = sizeof(body) - 1, n;
	struct cs_sv json;
	struct cs_dhip_header hdr;
	static const struct {
		uint32_t len, len2;
		size_t use;
		bool truncated, mismatch;
	} cases[] = {
		{0xffffffffu, 0xffffffffu, sizeof(body) - 1, true, false}, /* claims 4 GiB */
		{0x80000000u, 0x80000000u, sizeof(body) - 1, true, false},
		{10, sizeof(body) - 1, 10, false, true},		 /* smaller one fits */
		{sizeof(body) - 1, 5000, sizeof(body) - 1, false, true}, /* smaller one fits */
		{5000, 6000, sizeof(body) - 1, true, true},		 /* neither fits */
		{0xffffffffu, 3, 3, false, true},
		{0, 0, 0, false, false}, /* empty body */
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		unsigned char *p = packet(cases[i].len, cases[i].len2, body, bn, &n);
		const unsigned char *g = (const unsigned char *)cs_test_guarded(p, n);
		CHECK_INT(cs_dhip_parse(g, n, &json, &hdr), 0);
		CHECK_INT(hdr.body_len, cases[i].use);
		CHECK_INT(hdr.truncated, cases[i].truncated);
		CHECK_INT(hdr.len_mismatch, cases[i].mismatch);
		CHECK_INT(hdr.len, cases[i].len);
		CHECK_INT(hdr.len2, cases[i].len2);
		CHECK_INT(hdr.session, 0x11223344);
		CHECK_INT(hdr.id, 7);
		CHECK(json.n <= n - CS_DHIP_HEADER_LEN);
		if (json.n > 0)
			CHECK(json.p >= (const char *)g + 32 &&
			      json.p + json.n <= (const char *)g + n);
		free(p);
	}
}

TEST(dhip_padding_and_bare_json)
{
	static const char padded[] = "\r\n{\"a\":1}\n\0\0\0\0";
	size_t n;
	struct cs_sv json;
	struct cs_dhip_header hdr;

	unsigned char *p =
		packet(sizeof(padded) - 1, sizeof(padded) - 1, padded, sizeof(padded) - 1, &n);
	CHECK_INT(cs_dhip_parse((const unsigned char *)cs_test_guarded(p, n), n, &json, &hdr), 0);
	CHECK(json.n == 7 && memcmp(json.p, "{\"a\":1}", 7) == 0);
	CHECK_INT(hdr.body_len, sizeof(padded) - 1);
	free(p);

	/* A bare body, as TCP JSON-RPC captures or an already-unframed datagram hold. */
	CHECK_INT(cs_dhip_parse((const unsigned char *)cs_test_guarded(padded, sizeof(padded) - 1),
				sizeof(padded) - 1, &json, &hdr),
		  0);
	CHECK(!hdr.framed);
	CHECK(json.n == 7 && memcmp(json.p, "{\"a\":1}", 7) == 0);
	/* hdr may be NULL. */
	CHECK_INT(cs_dhip_parse((const unsigned char *)"{}", 2, &json, NULL), 0);
	CHECK_INT(json.n, 2);
}

TEST(dhip_not_dhip)
{
#define D(lit)                                                                                     \
	{                                                                                          \
		(lit), sizeof(lit) - 1                                                             \
	}
	static const struct {
		const char *p;
		size_t n;
	} cases[] = {
		D(""),
		D("   "),
		D("\x20\0\0\0DHIX"
		  "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0{}"), /* magic */
		D("\x24\0\0\0DHIP"
		  "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0{}"), /* size */
		D("HTTP/1.1 200 OK\r\n"),
		D("[1,2]"),
		D("\xff\xff\xff\xff\xff\xff\xff\xff"),
	};
#undef D
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		struct cs_sv json;
		struct cs_dhip_header hdr;
		int rc = cs_dhip_parse(
			(const unsigned char *)cs_test_guarded(cases[i].p, cases[i].n), cases[i].n,
			&json, &hdr);
		if (rc != CS_EPARSE)
			cs_test_fail(__FILE__, __LINE__, "case %zu: rc %d", i, rc);
		CHECK_INT(json.n, 0);
	}
	/* A proper prefix of a header asks for more. */
	struct cs_sv json;
	CHECK_INT(cs_dhip_parse((const unsigned char *)cs_test_guarded("\x20\0\0\0DH", 6), 6, &json,
				NULL),
		  CS_EAGAIN);
}

TEST(dhip_build_search)
{
	static const char body[] = "{\"method\":\"DHDiscover.search\",\"params\":{\"mac\":\"\","
				   "\"uni\":1}}";
	unsigned char buf[256];
	size_t len = 0;
	struct cs_sv json;
	struct cs_dhip_header hdr;

	CHECK_INT(cs_dhip_build_search(buf, sizeof(buf), &len), 0);
	CHECK_INT(len, 32 + sizeof(body) - 1);
	CHECK(memcmp(buf, "\x20\0\0\0DHIP\0\0\0\0\0\0\0\0", 16) == 0);
	CHECK(buf[0x10] == sizeof(body) - 1 && buf[0x11] == 0 && buf[0x12] == 0 && buf[0x13] == 0);
	CHECK(memcmp(buf + 0x10, buf + 0x18, 4) == 0);
	CHECK(memcmp(buf + 0x14, "\0\0\0\0", 4) == 0 && memcmp(buf + 0x1c, "\0\0\0\0", 4) == 0);
	CHECK(memcmp(buf + 32, body, sizeof(body) - 1) == 0);

	CHECK_INT(cs_dhip_parse(buf, len, &json, &hdr), 0);
	CHECK(hdr.framed && !hdr.truncated && !hdr.len_mismatch);
	CHECK(json.n == sizeof(body) - 1 && memcmp(json.p, body, json.n) == 0);

	CHECK_INT(cs_dhip_build_search(buf, len - 1, &len), CS_ETOOBIG);
	CHECK_INT(cs_dhip_build_search(buf, 0, &len), CS_ETOOBIG);
}
