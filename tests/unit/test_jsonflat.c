/* test_jsonflat.c - the JSON flattener on device replies, truncations, hostile JSON, '#' strip. */
#include "leaf_test.h"
#include "test.h"

#include "common/buf.h"
#include "common/err.h"
#include "proto/dhip.h"
#include "proto/jsonflat.h"

#include <stdlib.h>

static char *flatten(const char *s, size_t n, int *rc, struct cs_err *err)
{
	struct cs_buf b;
	struct cs_err scratch = {0};
	cs_buf_init(&b, 4 << 20);
	cs_buf_append(&b, "", 0);
	*rc = cs_json_flatten(cs_test_guarded(s, n), n, cs_test_leaf_collect, &b,
			      err != NULL ? err : &scratch);
	return cs_buf_steal(&b);
}

static const char notify_leaves[] =
	"mac|mac|3c:ef:8c:61:01:c0\n"
	"method|method|client.notifyDevInfo\n"
	"params/deviceInfo/AlarmInputChannels|AlarmInputChannels|1\n"
	"params/deviceInfo/AlarmOutputChannels|AlarmOutputChannels|1\n"
	"params/deviceInfo/DeviceClass|DeviceClass|IPC\n"
	"params/deviceInfo/DeviceType|DeviceType|IPC-HFW2228M-I1-V2\n"
	"params/deviceInfo/HttpPort|HttpPort|80\n"
	"params/deviceInfo/IPv4Address/DefaultGateway|DefaultGateway|192.168.1.1\n"
	"params/deviceInfo/IPv4Address/DhcpEnable|DhcpEnable|false\n"
	"params/deviceInfo/IPv4Address/IPAddress|IPAddress|192.168.1.108\n"
	"params/deviceInfo/IPv4Address/SubnetMask|SubnetMask|255.255.255.0\n"
	"params/deviceInfo/IPv6Address/DefaultGateway|DefaultGateway|\n"
	"params/deviceInfo/IPv6Address/DhcpEnable|DhcpEnable|false\n"
	"params/deviceInfo/IPv6Address/IPAddress|IPAddress|fe80::3eef:8cff:fe61:1c0/64\n"
	"params/deviceInfo/MachineName|MachineName|4J0186FPAG00123\n"
	"params/deviceInfo/Port|Port|37777\n"
	"params/deviceInfo/RemoteVideoInputChannels|RemoteVideoInputChannels|0\n"
	"params/deviceInfo/SerialNo|SerialNo|4J0186FPAG00123\n"
	"params/deviceInfo/Vendor|Vendor|General\n"
	"params/deviceInfo/Version|Version|2.800.0000018.0.R\n"
	"params/deviceInfo/VideoInputChannels|VideoInputChannels|1\n"
	"params/deviceInfo/VideoOutputChannels|VideoOutputChannels|0\n";

/* The JSON body of the DHIP fixture, copied out (caller frees). */
static char *notify_body(size_t *n)
{
	size_t len;
	struct cs_sv json;
	char *pkt = cs_test_read_fixture("dhip/notifydevinfo.bin", &len);
	if (pkt == NULL)
		return NULL;
	if (cs_dhip_parse((const unsigned char *)pkt, len, &json, NULL) != CS_OK) {
		free(pkt);
		return NULL;
	}
	char *body = cs_sv_dup(json);
	*n = json.n;
	free(pkt);
	return body;
}

TEST(json_dhip_notifydevinfo)
{
	size_t n;
	int rc;
	char *body = notify_body(&n);
	REQUIRE(body != NULL);
	char *got = flatten(body, n, &rc, NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got, notify_leaves);
	free(got);
	free(body);
}

TEST(json_rpc2_login_challenge)
{
	/* Dahua POST /RPC2_Login, first step: the unauthenticated challenge. */
	const char *doc = "{\"error\":{\"code\":268632079,\"message\":\"Component error: login "
			  "challenge!\"},\"id\":1,\"params\":{\"authorization\":"
			  "\"4f6c1d2e9a0b3c7d8e5f4a3b2c1d0e9f8a7b6c5d\",\"encryption\":\"Default\","
			  "\"mac\":\"3CEF8C6101C0\",\"random\":\"3734299\",\"realm\":\"Login to "
			  "4C045ADPAG60CD\"},\"result\":false,\"session\":2147483647}";
	int rc;
	char *got = flatten(doc, strlen(doc), &rc, NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got,
		  "error/code|code|268632079\n"
		  "error/message|message|Component error: login challenge!\n"
		  "id|id|1\n"
		  "params/authorization|authorization|4f6c1d2e9a0b3c7d8e5f4a3b2c1d0e9f8a7b6c5d\n"
		  "params/encryption|encryption|Default\n"
		  "params/mac|mac|3CEF8C6101C0\n"
		  "params/random|random|3734299\n"
		  "params/realm|realm|Login to 4C045ADPAG60CD\n"
		  "result|result|false\n"
		  "session|session|2147483647\n");
	free(got);
}

TEST(json_arrays_take_parent_key)
{
	/* A Reolink-style reply: a top-level array of command results. */
	const char *doc =
		"[{\"cmd\":\"GetDevInfo\",\"code\":0,\"value\":{\"DevInfo\":"
		"{\"model\":\"RLC-810A\",\"firmVer\":\"v3.1.0.956_22041503\",\"wifi\":0}}},"
		"{\"cmd\":\"GetChannelstatus\",\"value\":{\"status\":[{\"channel\":0,"
		"\"typeInfo\":\"E1 X\"},{\"channel\":1,\"typeInfo\":\"RLC-510A\"}]}}]";
	int rc;
	char *got = flatten(doc, strlen(doc), &rc, NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got, "cmd|cmd|GetDevInfo\n"
		       "code|code|0\n"
		       "value/DevInfo/model|model|RLC-810A\n"
		       "value/DevInfo/firmVer|firmVer|v3.1.0.956_22041503\n"
		       "value/DevInfo/wifi|wifi|0\n"
		       "cmd|cmd|GetChannelstatus\n"
		       "value/status/channel|channel|0\n"
		       "value/status/typeInfo|typeInfo|E1 X\n"
		       "value/status/channel|channel|1\n"
		       "value/status/typeInfo|typeInfo|RLC-510A\n");
	free(got);

	doc = "{\"ports\":[80,443],\"nested\":[[1,[2]],{\"k\":\"v\"}],\"empty\":[],\"o\":{}}";
	got = flatten(doc, strlen(doc), &rc, NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got, "ports|ports|80\nports|ports|443\nnested|nested|1\nnested|nested|2\n"
		       "nested/k|k|v\n");
	free(got);
}

TEST(json_scalars)
{
	const char *doc = "{\"i\":-5,\"r\":1.5,\"big\":1e300,\"tiny\":-0.000125,\"t\":true,"
			  "\"f\":false,\"n\":null,\"s\":\"  padded\\t \",\"u\":\"\\u00e9\\u4e2d\","
			  "\"max\":9223372036854775807}";
	int rc;
	char *got = flatten(doc, strlen(doc), &rc, NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got, "i|i|-5\nr|r|1.5\nbig|big|1e+300\ntiny|tiny|-0.000125\nt|t|true\n"
		       "f|f|false\ns|s|padded\nu|u|\xc3\xa9\xe4\xb8\xad\n"
		       "max|max|9223372036854775807\n");
	free(got);

	/* Scalars at the top level have an empty path. */
	got = flatten("42", 2, &rc, NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got, "||42\n");
	free(got);
	got = flatten("[\"a\",null]", 10, &rc, NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got, "||a\n");
	free(got);
}

TEST(json_every_truncation)
{
	size_t n, full = 0;
	char *body = notify_body(&n);
	REQUIRE(body != NULL);
	CHECK_INT(cs_json_flatten(cs_test_guarded(body, n), n, cs_test_leaf_count, &full, NULL), 0);
	CHECK_INT(full, 22);
	for (size_t i = 0; i < n; i++) {
		size_t leaves = 0;
		struct cs_err err = {0};
		int rc = cs_json_flatten(cs_test_guarded(body, i), i, cs_test_leaf_count, &leaves,
					 &err);
		if (rc != CS_EPARSE || leaves != 0) {
			cs_test_fail(__FILE__, __LINE__, "cut at %zu: rc %d, %zu leaves", i, rc,
				     leaves);
			break;
		}
	}
	free(body);
}

TEST(json_too_big)
{
	size_t n = CS_FLAT_MAX_INPUT + 1, leaves = 0;
	char *doc = malloc(n);
	struct cs_err err = {0};
	REQUIRE(doc != NULL);
	memset(doc, ' ', n);
	memcpy(doc, "{\"a\":1}", 7);
	CHECK_INT(cs_json_flatten(cs_test_guarded(doc, n), n, cs_test_leaf_count, &leaves, &err),
		  CS_ETOOBIG);
	CHECK_INT(leaves, 0);
	CHECK_INT(cs_json_flatten(cs_test_guarded(doc, n - 1), n - 1, cs_test_leaf_count, &leaves,
				  &err),
		  0);
	CHECK_INT(leaves, 1);
	free(doc);
}

static char *nested_json(int depth)
{
	struct cs_buf b;
	cs_buf_init(&b, 1 << 20);
	for (int i = 0; i < depth; i++)
		cs_buf_puts(&b, i % 2 ? "[" : "{\"k\":");
	cs_buf_puts(&b, "1");
	for (int i = depth - 1; i >= 0; i--)
		cs_buf_puts(&b, i % 2 ? "]" : "}");
	return cs_buf_steal(&b);
}

TEST(json_deep_nesting)
{
	struct cs_err err = {0};
	size_t leaves = 0;
	char *ok = nested_json(CS_FLAT_MAX_DEPTH), *deep = nested_json(CS_FLAT_MAX_DEPTH + 1);
	char *deeper = nested_json(200000);

	CHECK_INT(cs_json_flatten(cs_test_guarded(ok, strlen(ok)), strlen(ok), cs_test_leaf_count,
				  &leaves, &err),
		  0);
	CHECK_INT(leaves, 1);
	leaves = 0;
	CHECK_INT(cs_json_flatten(cs_test_guarded(deep, strlen(deep)), strlen(deep),
				  cs_test_leaf_count, &leaves, &err),
		  CS_ETOOBIG);
	CHECK_INT(leaves, 0);
	/* jansson stops this itself (at 2048 levels), before our walk would. */
	int rc = cs_json_flatten(cs_test_guarded(deeper, strlen(deeper)), strlen(deeper),
				 cs_test_leaf_count, &leaves, &err);
	CHECK(rc == CS_EPARSE || rc == CS_ETOOBIG);
	free(ok);
	free(deep);
	free(deeper);
}

TEST(json_hostile_bytes)
{
#define D(lit)                                                                                     \
	{                                                                                          \
		(lit), sizeof(lit) - 1                                                             \
	}
	static const struct {
		const char *doc;
		size_t n;
	} bad[] = {
		D("{\"a\":\"x\0y\"}"),	       /* raw NUL in a string */
		D("{\"a\":1}\0"),	       /* trailing NUL (DHIP strips these, JSON does not) */
		D("{\"a\":\"\xff\xfe\"}"),     /* invalid UTF-8 */
		D("{\"a\":\"\xc0\xaf\"}"),     /* overlong */
		D("{\"a\":\"\xed\xa0\x80\"}"), /* encoded surrogate */
		D("{\"a\":1} {\"b\":2}"),      /* trailing document */
		D("{\"a\":1,}"),	       /* trailing comma */
		D("{'a':1}"),		       /* single quotes */
		D("{\"a\":99999999999999999999999}"), /* integer too big for jansson */
		D(""),
		D("   "),
	};
#undef D
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		struct cs_err err = {0};
		size_t leaves = 0;
		int rc = cs_json_flatten(cs_test_guarded(bad[i].doc, bad[i].n), bad[i].n,
					 cs_test_leaf_count, &leaves, &err);
		if (rc != CS_EPARSE || leaves != 0)
			cs_test_fail(__FILE__, __LINE__, "bad[%zu]: rc %d", i, rc);
		CHECK(strstr(err.msg, "line") != NULL);
	}
	/* An escaped NUL is allowed and stays in the value. */
	struct cs_buf b;
	cs_buf_init(&b, 1024);
	const char *doc = "{\"a\":\"x\\u0000y\"}";
	CHECK_INT(cs_json_flatten(cs_test_guarded(doc, strlen(doc)), strlen(doc),
				  cs_test_leaf_collect, &b, NULL),
		  0);
	CHECK_INT(b.len, 8);
	CHECK(memcmp(b.data, "a|a|x\0y\n", 8) == 0);
	cs_buf_free(&b);
}

TEST(json_bom_and_whitespace)
{
	const char *doc = "\xef\xbb\xbf\r\n {\"a\":\"b\"} \r\n";
	int rc;
	char *got = flatten(doc, strlen(doc), &rc, NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got, "a|a|b\n");
	free(got);
}

TEST(json_leaf_limit)
{
	struct cs_buf b;
	struct cs_err err = {0};
	size_t leaves = 0;
	cs_buf_init(&b, 1 << 20);
	cs_buf_puts(&b, "[");
	for (int i = 0; i <= CS_FLAT_MAX_LEAVES; i++)
		cs_buf_puts(&b, i ? ",1" : "1");
	cs_buf_puts(&b, "]");
	CHECK_INT(cs_json_flatten(cs_test_guarded(b.data, b.len), b.len, cs_test_leaf_count,
				  &leaves, &err),
		  CS_ETOOBIG);
	CHECK_INT(leaves, CS_FLAT_MAX_LEAVES);
	cs_buf_free(&b);
}

TEST(json_long_key_path)
{
	struct cs_buf b;
	struct cs_err err = {0};
	size_t leaves = 0;
	cs_buf_init(&b, 1 << 20);
	for (int i = 0; i < 40; i++) {
		cs_buf_puts(&b, "{\"");
		for (int k = 0; k < 60; k++)
			cs_buf_putc(&b, 'k');
		cs_buf_puts(&b, "\":");
	}
	cs_buf_puts(&b, "1");
	for (int i = 0; i < 40; i++)
		cs_buf_puts(&b, "}");
	CHECK_INT(cs_json_flatten(cs_test_guarded(b.data, b.len), b.len, cs_test_leaf_count,
				  &leaves, &err),
		  CS_ETOOBIG);
	CHECK_INT(leaves, 0);
	cs_buf_free(&b);
}

static int stop_at_second(void *ctx, struct cs_sv path, struct cs_sv name, struct cs_sv value)
{
	size_t *n = ctx;
	(void)path, (void)name, (void)value;
	return ++*n == 2 ? 7 : 0;
}

TEST(json_callback_stops_walk)
{
	const char *doc = "{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"e\":4}";
	size_t n = 0;
	CHECK_INT(cs_json_flatten(cs_test_guarded(doc, strlen(doc)), strlen(doc), stop_at_second,
				  &n, NULL),
		  7);
	CHECK_INT(n, 2);
}

/* An annotated capture in the style of the Xiongmai (Besder) broadcast: not strict JSON. */
static const char annotated[] =
	"{\n"
	"  \"NetWork.NetCommon\":\n"
	"  {\n"
	"    \"BuildDate\": \"2020-11-24 16:47:14\",\n"
	"    \"ChannelNum\": 1,\n"
	"    \"GateWay\": \"0x0101A8C0\", # Gateway IP, bytes in little-endian order\n"
	"    \"HostIP\": \"0x6501A8C0\", # Camera IP, \"quoted\" words in a comment\n"
	"    \"HostName\": \"camera_#1 \\\"x\\\"\",\n"
	"    \"SN\": \"a1b2c3d4e5f60718\",\n"
	"    \"Version\": \"V5.00.R02.00030747.10010.349f17.0000000\"\n"
	"  },\n"
	"  # a whole-line comment with a stray \" quote\n"
	"  \"Ret\": 100,\n"
	"  \"SessionID\": \"0x00000000\"\n"
	"}\n";

TEST(json_lenient_strip)
{
	struct cs_buf clean;
	struct cs_err err = {0};
	size_t leaves = 0;
	int rc;

	CHECK_INT(cs_json_flatten(cs_test_guarded(annotated, sizeof(annotated) - 1),
				  sizeof(annotated) - 1, cs_test_leaf_count, &leaves, &err),
		  CS_EPARSE);
	cs_buf_init(&clean, 1 << 20);
	CHECK_INT(cs_json_lenient_strip(cs_test_guarded(annotated, sizeof(annotated) - 1),
					sizeof(annotated) - 1, &clean),
		  0);
	CHECK(strstr(clean.data, "\"GateWay\": \"0x0101A8C0\", \n") != NULL);
	CHECK(strstr(clean.data, "#1") != NULL); /* inside a string: kept */
	CHECK(strstr(clean.data, "whole-line") == NULL);
	char *got = flatten(clean.data, clean.len, &rc, &err);
	CHECK_INT(rc, 0);
	CHECK_STR(got, "NetWork.NetCommon/BuildDate|BuildDate|2020-11-24 16:47:14\n"
		       "NetWork.NetCommon/ChannelNum|ChannelNum|1\n"
		       "NetWork.NetCommon/GateWay|GateWay|0x0101A8C0\n"
		       "NetWork.NetCommon/HostIP|HostIP|0x6501A8C0\n"
		       "NetWork.NetCommon/HostName|HostName|camera_#1 \"x\"\n"
		       "NetWork.NetCommon/SN|SN|a1b2c3d4e5f60718\n"
		       "NetWork.NetCommon/Version|Version|V5.00.R02.00030747.10010.349f17.0000000\n"
		       "Ret|Ret|100\n"
		       "SessionID|SessionID|0x00000000\n");
	free(got);
	cs_buf_free(&clean);

	/* An unterminated string ends at the newline, so later comments are still found. */
	const char *odd = "{\"a\": \"x\n# c\n}";
	cs_buf_init(&clean, 1024);
	CHECK_INT(cs_json_lenient_strip(odd, strlen(odd), &clean), 0);
	CHECK_STR(clean.data, "{\"a\": \"x\n\n}");
	cs_buf_free(&clean);

	/* A comment at the very end, with no newline. */
	cs_buf_init(&clean, 1024);
	CHECK_INT(cs_json_lenient_strip(cs_test_guarded("[1] # end", 9), 9, &clean), 0);
	CHECK_STR(clean.data, "[1] ");
	cs_buf_free(&clean);

	/* The output buffer's cap is honoured. */
	cs_buf_init(&clean, 16);
	CHECK_INT(cs_json_lenient_strip(annotated, sizeof(annotated) - 1, &clean), CS_ETOOBIG);
	cs_buf_free(&clean);

	/* Every truncation strips without reading past the end. */
	for (size_t i = 0; i < sizeof(annotated) - 1; i++) {
		cs_buf_init(&clean, 1 << 20);
		rc = cs_json_lenient_strip(cs_test_guarded(annotated, i), i, &clean);
		cs_buf_free(&clean);
		if (rc != 0) {
			cs_test_fail(__FILE__, __LINE__, "strip of %zu bytes: rc %d", i, rc);
			break;
		}
	}
}
