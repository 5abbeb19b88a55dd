/* test_xmlflat.c - the XML flattener on device documents, every truncation, and hostile XML. */
#include "leaf_test.h"
#include "test.h"

#include "common/buf.h"
#include "common/err.h"
#include "proto/xmlflat.h"

#include <stdlib.h>

/* Every leaf as "path|name|value\n". */

/* Flatten s (through a guard page) and return the leaves; rc and info filled. */
static char *flatten(const char *s, size_t n, int *rc, struct cs_xml_info *info)
{
	struct cs_buf b;
	struct cs_err err = {0};
	cs_buf_init(&b, 4 << 20);
	cs_buf_append(&b, "", 0);
	*rc = cs_xml_flatten(cs_test_guarded(s, n), n, cs_test_leaf_collect, &b, info, &err);
	return cs_buf_steal(&b);
}

static char *flatten_fixture(const char *name, int *rc, struct cs_xml_info *info)
{
	size_t n;
	char *doc = cs_test_read_fixture(name, &n);
	if (doc == NULL) {
		*rc = CS_EIO;
		return NULL;
	}
	char *out = flatten(doc, n, rc, info);
	free(doc);
	return out;
}

TEST(xml_onvif_hikvision_gdi)
{
	struct cs_xml_info info;
	int rc;
	char *got = flatten_fixture("onvif/hikvision-getdeviceinformation.xml", &rc, &info);
	REQUIRE(got != NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got,
		  "Envelope/Body/GetDeviceInformationResponse/Manufacturer|Manufacturer|HIKVISION\n"
		  "Envelope/Body/GetDeviceInformationResponse/Model|Model|DS-2CD2143G2-I\n"
		  "Envelope/Body/GetDeviceInformationResponse/FirmwareVersion|FirmwareVersion|"
		  "V5.5.82 build 190909\n"
		  "Envelope/Body/GetDeviceInformationResponse/SerialNumber|SerialNumber|"
		  "DS-2CD2143G2-I20220123AAWRD12345678\n"
		  "Envelope/Body/GetDeviceInformationResponse/HardwareId|HardwareId|88\n");
	CHECK_STR(info.root, "Envelope");
	CHECK_STR(info.root_ns, "http://www.w3.org/2003/05/soap-envelope");
	CHECK_STR(info.body, "GetDeviceInformationResponse");
	CHECK_STR(info.body_ns, "http://www.onvif.org/ver10/device/wsdl");
	CHECK_INT(info.leaves, 5);
	free(got);
}

TEST(xml_onvif_dahua_gdi)
{
	struct cs_xml_info info;
	int rc;
	char *got = flatten_fixture("onvif/dahua-getdeviceinformation.xml", &rc, &info);
	REQUIRE(got != NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got,
		  "Envelope/Body/GetDeviceInformationResponse/Manufacturer|Manufacturer|Dahua\n"
		  "Envelope/Body/GetDeviceInformationResponse/Model|Model|IPC-HFW2228M-I1-V2\n"
		  "Envelope/Body/GetDeviceInformationResponse/FirmwareVersion|FirmwareVersion|"
		  "2.800.0000018.0.R, Build Date 2021-04-15\n"
		  "Envelope/Body/GetDeviceInformationResponse/SerialNumber|SerialNumber|"
		  "4J0186FPAG00123\n"
		  "Envelope/Body/GetDeviceInformationResponse/HardwareId|HardwareId|1.00\n");
	CHECK_STR(info.body, "GetDeviceInformationResponse");
	CHECK_STR(info.body_ns, "http://www.onvif.org/ver10/device/wsdl");
	free(got);
}

TEST(xml_onvif_xiongmai_gdi)
{
	struct cs_xml_info info;
	int rc;
	char *got = flatten_fixture("onvif/xiongmai-getdeviceinformation.xml", &rc, &info);
	REQUIRE(got != NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got, "Envelope/Body/GetDeviceInformationResponse/Manufacturer|Manufacturer|H264\n"
		       "Envelope/Body/GetDeviceInformationResponse/Model|Model|XM530_50X50-WG_8M\n"
		       "Envelope/Body/GetDeviceInformationResponse/FirmwareVersion|FirmwareVersion|"
		       "V5.00.R02.00030747.10010.349f17..ONVIF 16.12\n"
		       "Envelope/Body/GetDeviceInformationResponse/SerialNumber|SerialNumber|"
		       "b2f1c7a04e3d9a61\n"
		       "Envelope/Body/GetDeviceInformationResponse/HardwareId|HardwareId|00001\n");
	free(got);
}

TEST(xml_wsd_hikvision)
{
	struct cs_xml_info info;
	int rc;
	char *got = flatten_fixture("wsd/probematches-hikvision.xml", &rc, &info);
	REQUIRE(got != NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(
		got,
		"Envelope/Header/"
		"MessageID|MessageID|urn:uuid:3f2a7c10-1dd2-11b2-8d6e-5850ed1fe385\n"
		"Envelope/Header/RelatesTo|RelatesTo|uuid:8d1b5f3e-2c4a-4e6b-9f0d-7a3c1e5b2d48\n"
		"Envelope/Header/To|To|http://schemas.xmlsoap.org/ws/2004/08/addressing/role/"
		"anonymous\n"
		"Envelope/Header/Action|Action|http://schemas.xmlsoap.org/ws/2005/04/discovery/"
		"ProbeMatches\n"
		"Envelope/Header/AppSequence/@InstanceId|@InstanceId|1646130104\n"
		"Envelope/Header/AppSequence/@MessageNumber|@MessageNumber|12\n"
		"Envelope/Body/ProbeMatches/ProbeMatch/EndpointReference/Address|Address|"
		"urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385\n"
		"Envelope/Body/ProbeMatches/ProbeMatch/Types|Types|dn:NetworkVideoTransmitter "
		"tds:Device\n"
		"Envelope/Body/ProbeMatches/ProbeMatch/Scopes|Scopes|"
		"onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming "
		"onvif://www.onvif.org/Profile/G onvif://www.onvif.org/Profile/T "
		"onvif://www.onvif.org/MAC/58:50:ed:1f:e3:85 "
		"onvif://www.onvif.org/hardware/DS-2CD2143G2-I "
		"onvif://www.onvif.org/name/HIKVISION%20DS-2CD2143G2-I "
		"onvif://www.onvif.org/location/city/hangzhou\n"
		"Envelope/Body/ProbeMatches/ProbeMatch/XAddrs|XAddrs|"
		"http://192.168.1.64/onvif/device_service "
		"http://[fe80::5a50:edff:fe1f:e385]/onvif/device_service\n"
		"Envelope/Body/ProbeMatches/ProbeMatch/MetadataVersion|MetadataVersion|10\n");
	CHECK_STR(info.root, "Envelope");
	CHECK_STR(info.body, "ProbeMatches");
	CHECK_STR(info.body_ns, "http://schemas.xmlsoap.org/ws/2005/04/discovery");
	free(got);
}

TEST(xml_wsd_dahua)
{
	struct cs_xml_info info;
	int rc;
	char *got = flatten_fixture("wsd/probematches-dahua.xml", &rc, &info);
	REQUIRE(got != NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got,
		  "Envelope/Header/"
		  "MessageID|MessageID|urn:uuid:0a6b3c52-7e19-4f84-9d21-c5e8f7a41b30\n"
		  "Envelope/Header/To|To|urn:schemas-xmlsoap-org:ws:2005:04:discovery\n"
		  "Envelope/Header/Action|Action|http://schemas.xmlsoap.org/ws/2005/04/discovery/"
		  "ProbeMatches\n"
		  "Envelope/Header/"
		  "RelatesTo|RelatesTo|urn:uuid:8d1b5f3e-2c4a-4e6b-9f0d-7a3c1e5b2d48\n"
		  "Envelope/Body/ProbeMatches/ProbeMatch/EndpointReference/Address|Address|"
		  "uuid:7d3c1a52-94be-4f07-8e61-0b2d9c4f1e83\n"
		  "Envelope/Body/ProbeMatches/ProbeMatch/Types|Types|dn:NetworkVideoTransmitter "
		  "tds:Device\n"
		  "Envelope/Body/ProbeMatches/ProbeMatch/Scopes|Scopes|"
		  "onvif://www.onvif.org/location/country/china onvif://www.onvif.org/name/Dahua "
		  "onvif://www.onvif.org/hardware/IPC-HFW2228M-I1-V2 "
		  "onvif://www.onvif.org/Profile/Streaming "
		  "onvif://www.onvif.org/type/Network_Video_Transmitter "
		  "onvif://www.onvif.org/extension/unique_identifier/1 "
		  "onvif://www.onvif.org/Profile/T\n"
		  "Envelope/Body/ProbeMatches/ProbeMatch/XAddrs|XAddrs|"
		  "http://192.168.1.108/onvif/device_service\n"
		  "Envelope/Body/ProbeMatches/ProbeMatch/MetadataVersion|MetadataVersion|1\n");
	CHECK_STR(info.body, "ProbeMatches");
	free(got);
}

TEST(xml_sadp_probematch)
{
	struct cs_xml_info info;
	int rc;
	char *got = flatten_fixture("sadp/probematch-ds2cd2143.xml", &rc, &info);
	REQUIRE(got != NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(info.root, "ProbeMatch");
	CHECK_STR(info.root_ns, "");
	CHECK_STR(info.body, "");
	CHECK_STR(info.body_ns, "");
	CHECK_INT(info.leaves, 30);
	CHECK(strstr(got, "ProbeMatch/Uuid|Uuid|0E1C9A52-7F3B-4D2E-A6C1-5B8D2F4E9A17\n"
			  "ProbeMatch/Types|Types|inquiry\n"
			  "ProbeMatch/DeviceType|DeviceType|138\n"
			  "ProbeMatch/DeviceDescription|DeviceDescription|DS-2CD2143G2-I\n"
			  "ProbeMatch/DeviceSN|DeviceSN|DS-2CD2143G2-I20220123AAWRD12345678\n"
			  "ProbeMatch/CommandPort|CommandPort|8000\n"
			  "ProbeMatch/HttpPort|HttpPort|80\n"
			  "ProbeMatch/MAC|MAC|58-50-ed-1f-e3-85\n") == got);
	CHECK(strstr(got, "ProbeMatch/SoftwareVersion|SoftwareVersion|V5.5.82build 190909\n") !=
	      NULL);
	CHECK(strstr(got, "ProbeMatch/SDKOverTLSPort|SDKOverTLSPort|8443\n") != NULL);
	free(got);
}

TEST(xml_isapi_deviceinfo)
{
	struct cs_xml_info info;
	int rc;
	char *got = flatten_fixture("isapi/deviceinfo.xml", &rc, &info);
	REQUIRE(got != NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(info.root, "DeviceInfo");
	CHECK_STR(info.root_ns, "http://www.hikvision.com/ver20/XMLSchema");
	CHECK(strstr(got, "DeviceInfo/@version|@version|2.0\n"
			  "DeviceInfo/deviceName|deviceName|IP CAMERA\n") == got);
	CHECK(strstr(got,
		     "DeviceInfo/model|model|DS-2CD2143G2-I\n"
		     "DeviceInfo/serialNumber|serialNumber|DS-2CD2143G2-I20220123AAWRD12345678\n"
		     "DeviceInfo/macAddress|macAddress|58:50:ed:1f:e3:85\n"
		     "DeviceInfo/firmwareVersion|firmwareVersion|V5.5.82\n"
		     "DeviceInfo/firmwareReleasedDate|firmwareReleasedDate|build 190909\n") !=
	      NULL);
	CHECK_INT(info.leaves, 21);
	free(got);
}

/* Every prefix of every fixture, ending at a guard page: an error or fewer leaves, no crash. */
TEST(xml_every_truncation)
{
	static const char *const names[] = {
		"onvif/hikvision-getdeviceinformation.xml",
		"onvif/dahua-getdeviceinformation.xml",
		"onvif/xiongmai-getdeviceinformation.xml",
		"wsd/probematches-hikvision.xml",
		"wsd/probematches-dahua.xml",
		"sadp/probematch-ds2cd2143.xml",
		"isapi/deviceinfo.xml",
	};
	for (size_t f = 0; f < CS_ARRAY_SIZE(names); f++) {
		size_t n, full = 0;
		char *doc = cs_test_read_fixture(names[f], &n);
		REQUIRE(doc != NULL);
		CHECK_INT(cs_xml_flatten(cs_test_guarded(doc, n), n, cs_test_leaf_count, &full,
					 NULL, NULL),
			  0);
		for (size_t i = 0; i < n; i++) {
			size_t leaves = 0;
			struct cs_err err = {0};
			int rc = cs_xml_flatten(cs_test_guarded(doc, i), i, cs_test_leaf_count,
						&leaves, NULL, &err);
			/* Only the final newline may go without breaking the document. */
			if (rc != CS_EPARSE && !(rc == 0 && i == n - 1 && doc[i] == '\n')) {
				cs_test_fail(__FILE__, __LINE__, "%s cut at %zu: rc %d", names[f],
					     i, rc);
				break;
			}
			if (leaves > full) {
				cs_test_fail(__FILE__, __LINE__, "%s cut at %zu: %zu leaves",
					     names[f], i, leaves);
				break;
			}
		}
		free(doc);
	}
}

TEST(xml_too_big)
{
	size_t n = CS_FLAT_MAX_INPUT + 1;
	char *doc = malloc(n);
	struct cs_err err = {0};
	size_t leaves = 0;
	REQUIRE(doc != NULL);
	memset(doc, ' ', n);
	memcpy(doc, "<a>", 3);
	memcpy(doc + n - 4, "</a>", 4);
	CHECK_INT(
		cs_xml_flatten(cs_test_guarded(doc, n), n, cs_test_leaf_count, &leaves, NULL, &err),
		CS_ETOOBIG);
	CHECK_INT(err.code, CS_ETOOBIG);
	CHECK_INT(leaves, 0);
	/* Exactly at the cap is fine. */
	n = CS_FLAT_MAX_INPUT;
	memcpy(doc + n - 4, "</a>", 4);
	CHECK_INT(
		cs_xml_flatten(cs_test_guarded(doc, n), n, cs_test_leaf_count, &leaves, NULL, &err),
		0);
	free(doc);
}

static char *nested(int depth)
{
	struct cs_buf b;
	cs_buf_init(&b, 1 << 20);
	for (int i = 0; i < depth; i++)
		cs_buf_puts(&b, "<e>");
	cs_buf_puts(&b, "x");
	for (int i = 0; i < depth; i++)
		cs_buf_puts(&b, "</e>");
	return cs_buf_steal(&b);
}

TEST(xml_deep_nesting)
{
	struct cs_err err = {0};
	size_t leaves = 0;
	char *ok = nested(CS_FLAT_MAX_DEPTH), *deep = nested(CS_FLAT_MAX_DEPTH + 1);
	char *deeper = nested(100000);

	CHECK_INT(cs_xml_flatten(cs_test_guarded(ok, strlen(ok)), strlen(ok), cs_test_leaf_count,
				 &leaves, NULL, &err),
		  0);
	CHECK_INT(leaves, 1);
	CHECK_INT(cs_xml_flatten(cs_test_guarded(deep, strlen(deep)), strlen(deep),
				 cs_test_leaf_count, &leaves, NULL, &err),
		  CS_ETOOBIG);
	CHECK(strstr(err.msg, "nested") != NULL);
	CHECK_INT(cs_xml_flatten(cs_test_guarded(deeper, strlen(deeper)), strlen(deeper),
				 cs_test_leaf_count, &leaves, NULL, &err),
		  CS_ETOOBIG);
	free(ok);
	free(deep);
	free(deeper);
}

TEST(xml_entities_refused)
{
	static const char *const docs[] = {
		/* billion laughs */
		"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n<lolz>&lol9;</lolz>\n",
		/* external entity (XXE) */
		"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
		"<r>&xxe;</r>",
		/* parameter entity */
		"<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://192.0.2.1/x.dtd\"> %p;]><r/>",
		/* one harmless-looking entity: still refused */
		"<!DOCTYPE r [<!ENTITY a \"b\">]><r>&a;</r>",
		/* an entity never declared */
		"<r>&undeclared;</r>",
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(docs); i++) {
		struct cs_err err = {0};
		size_t leaves = 0;
		int rc = cs_xml_flatten(cs_test_guarded(docs[i], strlen(docs[i])), strlen(docs[i]),
					cs_test_leaf_count, &leaves, NULL, &err);
		CHECK_INT(rc, CS_EPARSE);
		CHECK_INT(leaves, 0);
		CHECK(strstr(err.msg, "entity") != NULL);
	}
	/* A DOCTYPE without declarations is allowed, and so are the predefined entities. */
	const char *ok = "<!DOCTYPE r><r a=\"&lt;&amp;&gt;\">&quot;&#x48;&#105;&apos;</r>";
	int rc;
	char *got = flatten(ok, strlen(ok), &rc, NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got, "r/@a|@a|<&>\nr|r|\"Hi'\n");
	free(got);
}

TEST(xml_huge_values_are_cut)
{
	size_t n = 600 * 1024;
	char *doc = malloc(n + 64);
	struct cs_buf b;
	struct cs_err err = {0};
	REQUIRE(doc != NULL);

	/* A 600 KiB attribute. */
	size_t at = 0;
	memcpy(doc, "<r a=\"", 6), at = 6;
	memset(doc + at, 'A', n - 20), at += n - 20;
	memcpy(doc + at, "\"/>", 3), at += 3;
	cs_buf_init(&b, 1 << 20);
	CHECK_INT(
		cs_xml_flatten(cs_test_guarded(doc, at), at, cs_test_leaf_collect, &b, NULL, &err),
		0);
	CHECK_INT(b.len, strlen("r/@a|@a|") + CS_FLAT_MAX_VALUE + 1);
	cs_buf_free(&b);

	/* Text of two-byte characters after one ASCII byte: the cut must not split a character. */
	at = 0;
	memcpy(doc, "<r>x", 4), at = 4;
	for (size_t i = 0; i < 5000; i++, at += 2)
		memcpy(doc + at, "\xc3\xa9", 2);
	memcpy(doc + at, "</r>", 4), at += 4;
	cs_buf_init(&b, 1 << 20);
	CHECK_INT(
		cs_xml_flatten(cs_test_guarded(doc, at), at, cs_test_leaf_collect, &b, NULL, &err),
		0);
	CHECK_INT(b.len, strlen("r|r|") + CS_FLAT_MAX_VALUE - 1 + 1);
	CHECK(b.len > 2 && (unsigned char)b.data[b.len - 2] == 0xa9);
	cs_buf_free(&b);
	free(doc);
}

TEST(xml_bad_bytes)
{
#define D(lit)                                                                                     \
	{                                                                                          \
		(lit), sizeof(lit) - 1                                                             \
	}
	static const struct {
		const char *doc;
		size_t n;
	} bad[] = {
		D("<r>a\0b</r>"),		/* NUL inside text */
		D("<r\0>x</r>"),		/* NUL inside a tag */
		D("<r>\xff\xfe</r>"),		/* invalid UTF-8 */
		D("<r>\xc0\xaf</r>"),		/* overlong encoding */
		D("<r>\xed\xa0\x80</r>"),	/* surrogate */
		D("<r>\x01</r>"),		/* control character */
		D(""),				/* nothing */
		D("just text"),			/* no element */
		D("<r></s>"),			/* mismatched tag */
		D("<r/><r/>"),			/* two roots */
		D("<s:Body><x>1</x></s:Body>"), /* unbound prefix (a quoted fragment) */
		D("<?xml version=\"1.0\" encoding=\"KOI8-R\"?><r/>"), /* unknown encoding */
	};
#undef D
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		struct cs_err err = {0};
		size_t leaves = 0;
		int rc = cs_xml_flatten(cs_test_guarded(bad[i].doc, bad[i].n), bad[i].n,
					cs_test_leaf_count, &leaves, NULL, &err);
		if (rc != CS_EPARSE)
			cs_test_fail(__FILE__, __LINE__, "bad[%zu]: rc %d", i, rc);
		CHECK(strstr(err.msg, "line") != NULL);
	}
}

TEST(xml_leaf_limit)
{
	struct cs_buf b;
	struct cs_err err = {0};
	size_t leaves = 0;
	cs_buf_init(&b, 1 << 20);
	cs_buf_puts(&b, "<r>");
	for (int i = 0; i <= CS_FLAT_MAX_LEAVES; i++)
		cs_buf_puts(&b, "<v>1</v>");
	cs_buf_puts(&b, "</r>");
	CHECK_INT(cs_xml_flatten(cs_test_guarded(b.data, b.len), b.len, cs_test_leaf_count, &leaves,
				 NULL, &err),
		  CS_ETOOBIG);
	CHECK_INT(leaves, CS_FLAT_MAX_LEAVES);
	cs_buf_free(&b);
}

TEST(xml_long_path)
{
	struct cs_buf b;
	struct cs_err err = {0};
	size_t leaves = 0;
	cs_buf_init(&b, 1 << 20);
	cs_buf_puts(&b, "<r><");
	for (int i = 0; i < CS_FLAT_MAX_PATH; i++)
		cs_buf_putc(&b, 'n');
	cs_buf_puts(&b, ">1</");
	for (int i = 0; i < CS_FLAT_MAX_PATH; i++)
		cs_buf_putc(&b, 'n');
	cs_buf_puts(&b, "></r>");
	CHECK_INT(cs_xml_flatten(cs_test_guarded(b.data, b.len), b.len, cs_test_leaf_count, &leaves,
				 NULL, &err),
		  CS_ETOOBIG);
	CHECK_INT(leaves, 0);
	cs_buf_free(&b);
}

static int stop_after_two(void *ctx, struct cs_sv path, struct cs_sv name, struct cs_sv value)
{
	size_t *n = ctx;
	(void)path, (void)name, (void)value;
	return ++*n == 2 ? 42 : 0;
}

TEST(xml_callback_stops_walk)
{
	const char *doc = "<r><a>1</a><b>2</b><c>3</c></r>";
	struct cs_err err = {0};
	size_t n = 0;
	CHECK_INT(cs_xml_flatten(cs_test_guarded(doc, strlen(doc)), strlen(doc), stop_after_two, &n,
				 NULL, &err),
		  42);
	CHECK_INT(n, 2);
}

TEST(xml_text_and_namespaces)
{
	static const struct {
		const char *doc, *want;
	} cases[] = {
		/* mixed content: own text only, trimmed, after the children */
		{"<a> x <b> y </b> z </a>", "a/b|b|y\na|a|x  z\n"},
		/* whitespace-only and empty elements give nothing */
		{"<a>\n  <b/>\n  <c>  </c>\n</a>", ""},
		/* default namespace, prefixed attribute, CDATA */
		{"<a xmlns=\"urn:x\" xmlns:p=\"urn:p\"><b p:k=\" v \"><![CDATA[<raw>]]></b></a>",
		 "a/b/@k|@k|v\na/b|b|<raw>\n"},
		/* SOAP 1.1 envelope with the SOAP-ENV prefix */
		{"<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\">"
		 "<SOAP-ENV:Body><m:R xmlns:m=\"urn:m\"><m:V>1</m:V></m:R></SOAP-ENV:Body>"
		 "</SOAP-ENV:Envelope>",
		 "Envelope/Body/R/V|V|1\n"},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		int rc;
		char *got = flatten(cases[i].doc, strlen(cases[i].doc), &rc, NULL);
		CHECK_INT(rc, 0);
		CHECK_STR(got, cases[i].want);
		free(got);
	}
	struct cs_xml_info info;
	int rc;
	char *got = flatten(cases[3].doc, strlen(cases[3].doc), &rc, &info);
	CHECK_STR(info.root_ns, "http://schemas.xmlsoap.org/soap/envelope/");
	CHECK_STR(info.body, "R");
	CHECK_STR(info.body_ns, "urn:m");
	free(got);
}

TEST(xml_chinese_encodings)
{
	const char *doc = "<?xml version=\"1.0\" encoding=\"GB2312\"?>"
			  "<r><n>\xb4\xf3\xbb\xaa DH-IPC</n><m>\xd6\xd0</m></r>";
	int rc;
	char *got = flatten(doc, strlen(doc), &rc, NULL);
	CHECK_INT(rc, 0);
	CHECK_STR(got, "r/n|n|\xef\xbf\xbd\xef\xbf\xbd DH-IPC\nr/m|m|\xef\xbf\xbd\n");
	free(got);
}

TEST(xml_info_fields_are_capped)
{
	struct cs_buf b;
	struct cs_xml_info info;
	struct cs_err err = {0};
	size_t leaves = 0;
	cs_buf_init(&b, 1 << 20);
	cs_buf_puts(&b, "<r xmlns=\"urn:");
	for (int i = 0; i < 1000; i++)
		cs_buf_puts(&b, "\xc3\xa9");
	cs_buf_puts(&b, "\"/>");
	CHECK_INT(cs_xml_flatten(cs_test_guarded(b.data, b.len), b.len, cs_test_leaf_count, &leaves,
				 &info, &err),
		  0);
	CHECK_INT(strlen(info.root_ns), sizeof(info.root_ns) - 2); /* 4 + 2k bytes: 254 fit */
	CHECK_STR(info.root, "r");
	cs_buf_free(&b);
}
