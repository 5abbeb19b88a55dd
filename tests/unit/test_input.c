/*
 * test_input.c - input kinds with the real knowledge base: detection from content, and the
 * awkward shapes real captures come in (SOAP fragments, pages without headers, compressed and
 * chunked bodies, Axis parameter trees, Dahua CGI replies).
 */
#include "ident/ident.h"
#include "test.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>

static struct cs_kb *kb;
static struct cs_ident *id;

static void setup(void)
{
	if (kb == NULL) {
		struct cs_kb_opts o = {getenv("CS_DATA_DIR") ? getenv("CS_DATA_DIR") : "data", "",
				       NULL};
		struct cs_err err;
		if (cs_kb_load(&kb, &o, &err) != CS_OK || cs_ident_new(&id, kb) != CS_OK) {
			printf("kb: %s\n", err.msg);
			exit(2);
		}
	}
	cs_ident_reset(id);
}

static void run(enum cs_input_kind kind, const char *text, struct cs_device *d)
{
	struct cs_err err = {0, ""};
	setup();
	int r = cs_ident_feed(id, kind, text, strlen(text), &err);
	if (r != CS_OK)
		cs_test_fail(__FILE__, __LINE__, "feed: %s", err.msg);
	cs_ident_finish(id, d);
}

TEST(input_detects_kinds_from_content)
{
	static const struct {
		const char *text;
		enum cs_input_kind kind;
	} cases[] = {
		{"HTTP/1.1 200 OK\r\n\r\n", CS_IN_HTTP},
		{"RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n", CS_IN_RTSP},
		{"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n", CS_IN_SSDP},
		{"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:x\r\n\r\n", CS_IN_SSDP},
		{"<?xml version=\"1.0\"?><ProbeMatch><DeviceSN>x</DeviceSN></ProbeMatch>",
		 CS_IN_SADP},
		{"<s:Envelope><s:Body><d:ProbeMatches/></s:Body></s:Envelope>", CS_IN_WSD},
		{"<Envelope><Body><GetDeviceInformationResponse/></Body></Envelope>", CS_IN_ONVIF},
		{"<DeviceInfo xmlns=\"http://www.hikvision.com/ver20/XMLSchema\"/>", CS_IN_ISAPI},
		{"<other/>", CS_IN_XML},
		{"<!DOCTYPE html><html><title>x</title></html>", CS_IN_HTTP},
		{"{\"method\":\"client.notifyDevInfo\"}", CS_IN_DHIP},
		{"{\"a\":1}", CS_IN_JSON},
		{"58:50:ed:1f:e3:85", CS_IN_MAC},
		{"5850.ed1f.e385", CS_IN_MAC},
		{"table.General.MachineName=cam\r\n", CS_IN_DAHUA_CGI},
		{"sn=4J0186FPAG00123\r\n", CS_IN_DAHUA_CGI},
		{"root.Brand.Brand=AXIS\nroot.Brand.ProdNbr=P3245-V\n", CS_IN_KV},
		{"-----BEGIN CERTIFICATE-----\n", CS_IN_TLS},
		{"subject=CN = www.hikvision.com, O = HIKVISION", CS_IN_TLS},
		{"App-webs/", CS_IN_BANNER},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum cs_input_kind k = cs_input_detect(cases[i].text, strlen(cases[i].text));
		if (k != cases[i].kind)
			cs_test_fail(__FILE__, __LINE__, "'%s': detected %s, expected %s",
				     cases[i].text, cs_input_kind_name(k),
				     cs_input_kind_name(cases[i].kind));
	}
	/* DHIP's binary header is recognised, and bytes that are nothing become a banner. */
	static const char dhip[] = "\x20\0\0\0DHIP";
	CHECK_INT(cs_input_detect(dhip, 8), CS_IN_DHIP);
	CHECK_INT(cs_input_detect("", 0), CS_IN_BANNER);
}

TEST(input_soap_fragment_with_undeclared_prefixes)
{
	struct cs_device d;
	run(CS_IN_ONVIF,
	    "  <s:Body>\n    <tds:GetDeviceInformationResponse>\n"
	    "      <tds:Manufacturer>HIKVISION</tds:Manufacturer>\n"
	    "      <tds:Model>DS-2CD2143G2-I</tds:Model>\n"
	    "    </tds:GetDeviceInformationResponse>\n  </s:Body>\n</s:Envelope>\n",
	    &d);
	CHECK_STR(d.manufacturer, "Hikvision");
	CHECK_STR(d.model, "DS-2CD2143G2-I");
}

TEST(input_axis_parameter_tree_is_vapix)
{
	struct cs_device d;
	run(CS_IN_AUTO,
	    "root.Properties.Firmware.Version=9.10.1\nroot.Properties.API.HTTP.Version=3\n"
	    "root.Properties.System.SerialNumber=ACCC12345678\n",
	    &d);
	CHECK_STR(d.manufacturer, "Axis");
	CHECK_STR(d.firmware, "9.10.1");
	CHECK(!d.covered);
}

TEST(input_magicbox_alone_does_not_claim_the_protocol)
{
	struct cs_device d;
	/* Plain keys could come from anything: no Dahua claim from the shape alone... */
	run(CS_IN_AUTO, "type=IPC\r\n", &d);
	CHECK(d.manufacturer == NULL);
	CHECK_INT(d.type, CS_DT_CAMERA);
	/* ...but the caller's word that it is Dahua's CGI is evidence. */
	run(CS_IN_DAHUA_CGI, "type=IPC\r\n", &d);
	CHECK_STR(d.manufacturer, "Dahua");
}

TEST(input_page_without_headers)
{
	struct cs_device d;
	run(CS_IN_AUTO,
	    "<!DOCTYPE html><html><head><title>WEB SERVICE</title>"
	    "<script src=\"jsBase/lib/jquery.js?version=@WebVersion@\"></script></head></html>",
	    &d);
	CHECK_STR(d.manufacturer, "Dahua");
}

TEST(input_model_with_maker_prefix)
{
	struct cs_device d;
	run(CS_IN_MODEL, "Dahua IPC-HFW2431S-S-S2", &d);
	CHECK_STR(d.manufacturer, "Dahua");
	CHECK_STR(d.model, "IPC-HFW2431S-S-S2");
	run(CS_IN_MODEL, "DS-7608NI-K2", &d);
	CHECK_STR(d.manufacturer, "Hikvision");
	CHECK_INT(d.type, CS_DT_NVR);
	CHECK_INT(cs_ident_feed(id, CS_IN_MODEL, "two\nlines", 9, NULL), CS_EPARSE);
}

TEST(input_truncated_and_hostile_http_never_crash)
{
	char *resp =
		cs_test_read_fixture("../../examples/captures/03-dahua-camera/http-root.txt", NULL);
	REQUIRE(resp != NULL);
	size_t n = strlen(resp);
	for (size_t cut = 0; cut <= n; cut += 3) {
		struct cs_device d;
		setup();
		const char *p = cs_test_guarded(resp, cut);
		cs_ident_feed(id, CS_IN_HTTP, p, cut, NULL);
		cs_ident_feed(id, CS_IN_AUTO, p, cut, NULL);
		cs_ident_finish(id, &d);
	}
	free(resp);
	/* Every byte value in a Server header and a body. */
	char hostile[600];
	size_t o = (size_t)snprintf(hostile, sizeof(hostile), "HTTP/1.1 200 OK\r\nServer: ");
	for (int c = 1; c < 256; c++)
		if (c != '\n')
			hostile[o++] = (char)c;
	memcpy(hostile + o, "\r\n\r\n<title>", 11);
	o += 11;
	struct cs_device d;
	setup();
	CHECK_INT(cs_ident_feed(id, CS_IN_HTTP, cs_test_guarded(hostile, o), o, NULL), CS_OK);
	cs_ident_finish(id, &d);
	CHECK(d.manufacturer == NULL);
}

/* A DER certificate whose subject is CN=<cn>, O=<org>. Caller frees with OPENSSL_free. */
static unsigned char *cert_der(const char *cn, const char *org, EVP_PKEY *key, size_t *n)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	unsigned char *der = NULL;
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)org, -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, name);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	X509_sign(x, key, EVP_sha256());
	int len = i2d_X509(x, &der);
	*n = len > 0 ? (size_t)len : 0;
	X509_NAME_free(name);
	X509_free(x);
	return der;
}

static const char *tls_subject(const struct cs_device *d)
{
	for (size_t i = 0; i < d->nevidence; i++)
		if (d->evidence[i].signal == CS_SIG_TLS_SUBJECT)
			return d->evidence[i].value;
	return NULL;
}

/*
 * A context remembers the last few certificates it read (a scan identifies a host again as
 * each reply arrives): whatever order certificates come in, more of them than it remembers,
 * certificates of the same length that differ in one byte, each reads as itself, and one that
 * names no maker never borrows another's.
 */
TEST(input_remembered_certificates_read_as_themselves)
{
	enum { N = 7 };
	EVP_PKEY *key = EVP_EC_gen("P-256");
	unsigned char *der[N];
	size_t len[N];
	char cn[N][32];
	REQUIRE(key != NULL);
	for (int k = 0; k < N; k++) {
		snprintf(cn[k], sizeof(cn[k]), "memo-test-%d", k); /* same length, one byte apart */
		der[k] = cert_der(cn[k], k < N - 1 ? "HIKVISION" : "Example", key, &len[k]);
		REQUIRE(der[k] != NULL && len[k] > 0);
	}
	static const int order[] = {0, 1, 0, 2, 3, 4, 5, 6, 0, 6, 1, 1, 5, 2, 0, 3, 4};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int k = order[i];
		struct cs_device d;
		struct cs_err err = {0, ""};
		setup();
		CHECK_INT(cs_ident_feed(id, CS_IN_TLS,
					cs_test_guarded((const char *)der[k], len[k]), len[k],
					&err),
			  CS_OK);
		cs_ident_finish(id, &d);
		/* A subject is evidence when it names a maker: the last one names none. */
		const char *subject = tls_subject(&d);
		char want[64];
		snprintf(want, sizeof(want), "CN=%s,O=HIKVISION", cn[k]);
		if (k < N - 1) {
			CHECK(subject != NULL && strcmp(subject, want) == 0);
			CHECK(d.manufacturer != NULL && strcmp(d.manufacturer, "Hikvision") == 0);
		} else {
			CHECK(subject == NULL);
			CHECK(d.manufacturer == NULL);
		}
		if (cs_test_failed_now())
			printf("  at step %zu (certificate %d): %s\n", i, k,
			       subject ? subject : "none");
	}
	for (int k = 0; k < N; k++)
		OPENSSL_free(der[k]);
	EVP_PKEY_free(key);
}
