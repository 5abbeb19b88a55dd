/* test_http.c - the shared HTTP/RTSP/SSDP head parser: real shapes, truncation, hostility. */
#include "common/err.h"
#include "proto/http.h"
#include "test.h"

#include <stdlib.h>

static const char hik_rtsp[] = "RTSP/1.0 401 Unauthorized\r\n"
			       "CSeq: 1\r\n"
			       "WWW-Authenticate: Digest realm=\"Hikvision\", "
			       "nonce=\"0123456789abcdef0123456789abcdef\", stale=\"FALSE\"\r\n"
			       "WWW-Authenticate: Basic realm=\"/\"\r\n"
			       "Date:  Sun, Nov 22 2026 10:00:00 GMT\r\n"
			       "\r\n";

TEST(http_parses_rtsp_401)
{
	struct cs_http_header h[16];
	struct cs_http_msg m;
	const char *p = cs_test_guarded(hik_rtsp, sizeof(hik_rtsp) - 1);
	long n = cs_http_parse(p, sizeof(hik_rtsp) - 1, &m, h, 16, false);
	CHECK_INT(n, sizeof(hik_rtsp) - 1);
	CHECK(!m.is_request);
	CHECK_INT(m.status, 401);
	CHECK(cs_sv_eq(m.proto, CS_SV("RTSP/1.0")));
	CHECK_INT(m.nheaders, 4);
	CHECK(m.complete);
	const struct cs_http_header *a = cs_http_find(&m, "www-authenticate");
	REQUIRE(a != NULL);
	struct cs_sv realm;
	CHECK(cs_http_auth_realm(a->value, &realm));
	CHECK(cs_sv_eq(realm, CS_SV("Hikvision")));
}

TEST(http_every_truncation_is_safe)
{
	struct cs_http_header h[16];
	struct cs_http_msg m;
	size_t len = sizeof(hik_rtsp) - 1;
	for (size_t cut = 0; cut < len; cut++) {
		const char *p = cs_test_guarded(hik_rtsp, cut);
		long n = cs_http_parse(p, cut, &m, h, 16, false);
		CHECK(n == CS_EAGAIN || n == CS_EPARSE);
		n = cs_http_parse(p, cut, &m, h, 16, true);
		CHECK(n <= (long)cut);
		CHECK(!m.complete);
	}
}

TEST(http_bare_lf_and_request_lines)
{
	static const char notify[] = "NOTIFY * HTTP/1.1\nHOST: 239.255.255.250:1900\nSERVER: "
				     "Linux,    UPnP/1.0 DCS-935L/1.0\nNT: upnp:rootdevice\n\n";
	struct cs_http_header h[8];
	struct cs_http_msg m;
	long n = cs_http_parse(cs_test_guarded(notify, sizeof(notify) - 1), sizeof(notify) - 1, &m,
			       h, 8, false);
	CHECK_INT(n, sizeof(notify) - 1);
	CHECK(m.is_request);
	CHECK(cs_sv_eq(m.method, CS_SV("NOTIFY")));
	CHECK(cs_sv_eq(m.target, CS_SV("*")));
	const struct cs_http_header *s = cs_http_find(&m, "server");
	REQUIRE(s != NULL);
	CHECK(cs_sv_eq(s->value, CS_SV("Linux,    UPnP/1.0 DCS-935L/1.0")));
}

TEST(http_rejects_garbage_first_line)
{
	struct cs_http_header h[4];
	struct cs_http_msg m;
	static const char *bad[] = {"\x16\x03\x01\x02\x00\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n",
				    "hello world\r\n\r\n", "GET\r\n\r\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(cs_http_parse(bad[i], strlen(bad[i]), &m, h, 4, true), CS_EPARSE);
}

TEST(http_endless_headers_are_capped)
{
	/* 100,000 headers: the parser stores what fits, counts the rest and refuses past 64 KiB. */
	size_t cap = 100000 * 8 + 64;
	char *big = malloc(cap);
	size_t o = (size_t)snprintf(big, cap, "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i < 100000; i++)
		o += (size_t)snprintf(big + o, cap - o, "X-%d: y\r\n", i % 10);
	struct cs_http_header h[16];
	struct cs_http_msg m;
	CHECK_INT(cs_http_parse(cs_test_guarded(big, o), o, &m, h, 16, false), CS_ETOOBIG);
	CHECK_INT(cs_http_parse(big, 2000, &m, h, 16, true) > 0, 1);
	CHECK_INT(m.nheaders, 16);
	CHECK(m.dropped > 0);
	free(big);
}

TEST(http_realm_extraction_edge_cases)
{
	struct cs_sv r;
	CHECK(cs_http_auth_realm(
		CS_SV("Digest qop=\"auth\", realm=\"IP Camera(C2183)\", nonce=\"x\""), &r));
	CHECK(cs_sv_eq(r, CS_SV("IP Camera(C2183)")));
	CHECK(cs_http_auth_realm(CS_SV("Basic realm=device"), &r));
	CHECK(cs_sv_eq(r, CS_SV("device")));
	CHECK(!cs_http_auth_realm(CS_SV("Basic xrealm=\"no\""), &r));
	CHECK(cs_http_auth_realm(CS_SV("Basic realm=\"unterminated"), &r));
	CHECK(cs_sv_eq(r, CS_SV("unterminated")));
	CHECK(!cs_http_auth_realm(CS_SV("Negotiate"), &r));
}

TEST(http_content_length_is_clamped)
{
	static const char resp[] =
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n";
	struct cs_http_header h[4];
	struct cs_http_msg m;
	size_t len = 0;
	REQUIRE(cs_http_parse(resp, sizeof(resp) - 1, &m, h, 4, false) > 0);
	CHECK(!cs_http_content_length(&m, 100, &len)); /* overflow is malformed */
	static const char resp2[] = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n";
	REQUIRE(cs_http_parse(resp2, sizeof(resp2) - 1, &m, h, 4, false) > 0);
	CHECK(cs_http_content_length(&m, 100, &len));
	CHECK_INT(len, 100);
}
