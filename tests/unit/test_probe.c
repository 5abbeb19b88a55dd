/*
 * test_probe.c - the TCP probes without a network: the exact bytes each step sends, the payload
 * loader and its refusals, completeness fed one byte at a time over real-shaped replies
 * (examples/captures), which probe recognises which reply, what observe() makes of a reply
 * with the real knowledge base, hostile input, and that no payload file asks for more than an
 * anonymous, read-only answer.
 */
#include "discover/discover.h"
#include "test.h"

#include "common/err.h"
#include "ident/ident.h"
#include "scan/probe.h"
#include "scan/probe_data.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CS_VERSION
#define CS_VERSION "0.0.0"
#endif

static const char *data_dir(void)
{
	const char *d = getenv("CS_DATA_DIR");
	return d != NULL ? d : "data";
}

static void payloads_setup(void)
{
	struct cs_err err = {0, ""};
	if (!cs_probe_data_loaded() && cs_probe_data_load(data_dir(), &err) != CS_OK) {
		printf("probe payloads: %s\n", err.msg);
		exit(2);
	}
}

static struct cs_kb *kb;
static struct cs_ident *id;

static void ident_setup(void)
{
	payloads_setup();
	if (kb == NULL) {
		struct cs_kb_opts o = {data_dir(), "", NULL};
		struct cs_err err = {0, ""};
		if (cs_kb_load(&kb, &o, &err) != CS_OK || cs_ident_new(&id, kb) != CS_OK) {
			printf("kb: %s\n", err.msg);
			exit(2);
		}
	}
	cs_ident_reset(id);
}

/* A whole file (malloc'd, NUL-terminated; caller frees), or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *p = malloc(cap + 1);
	n = fread(p, 1, cap, f);
	fclose(f);
	p[n] = '\0';
	*len = n;
	return p;
}

static char *capture(const char *name, size_t *len)
{
	char path[256];
	snprintf(path, sizeof(path), "examples/captures/%s", name);
	char *p = slurp(path, len);
	if (p == NULL)
		cs_test_fail(__FILE__, __LINE__, "cannot read %s", path);
	return p;
}

static const struct cs_probe_target t80 = {0xc000020a, 80, "192.0.2.10", false};

#define CHECK_BYTES(got, gn, want, wn) check_bytes(__LINE__, #want, got, gn, want, wn)

static void check_bytes(int line, const char *what, const char *got, size_t gn, const char *want,
			size_t wn)
{
	if (gn == wn && memcmp(got, want, wn) == 0)
		return;
	size_t at = 0;
	while (at < gn && at < wn && got[at] == want[at])
		at++;
	cs_test_fail(__FILE__, line,
		     "%s: %zu bytes, expected %zu; first difference at %zu: \"%.*s\"", what, gn, wn,
		     at, (int)(gn - at > 40 ? 40 : gn - at), got + at);
}

static void check_request(int line, const struct cs_probe *p, const struct cs_probe_target *t,
			  int step, const char *want, size_t wn)
{
	char buf[CS_PROBE_REQ_MAX];
	size_t n = 0;
	int r = p->request(t, step, buf, sizeof(buf), &n);
	if (r != CS_OK) {
		cs_test_fail(__FILE__, line, "%s step %d: %s", p->name, step, cs_strerror(r));
		return;
	}
	check_bytes(line, p->name, buf, n, want, wn);
}

#define CHECK_REQUEST(p, t, step, want) check_request(__LINE__, p, t, step, want, strlen(want))

/* ---- requests: exact bytes ---- */

#define UA "User-Agent: camsweep/" CS_VERSION "\r\n"
#define RPC2_BODY                                                                                  \
	"{\"method\":\"global.login\",\"params\":{\"userName\":\"admin\",\"password\":\"\","       \
	"\"clientType\":\"Web3.0\",\"loginType\":\"Direct\"},\"id\":1}"
#define SOAP_BODY(op)                                                                              \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<s:Envelope "                               \
	"xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "                                     \
	"xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\"><s:Body><tds:" op                    \
	"/></s:Body></s:Envelope>"

TEST(probe_http_requests_exact_bytes)
{
	payloads_setup();
	const struct cs_probe *http = cs_probe_find("http");
	REQUIRE(http != NULL);
	CHECK_REQUEST(http, &t80, 0,
		      "GET / HTTP/1.1\r\nHost: 192.0.2.10\r\n" UA
		      "Accept: */*\r\nConnection: close\r\n\r\n");
	CHECK_REQUEST(http, &t80, 1,
		      "GET /favicon.ico HTTP/1.1\r\nHost: 192.0.2.10\r\n" UA
		      "Accept: */*\r\nConnection: close\r\n\r\n");
	CHECK_REQUEST(http, &t80, 2,
		      "GET /ISAPI/System/deviceInfo HTTP/1.1\r\nHost: 192.0.2.10\r\n" UA
		      "Accept: */*\r\nConnection: close\r\n\r\n");

	char want[2048];
	snprintf(want, sizeof(want),
		 "POST /RPC2_Login HTTP/1.1\r\nHost: 192.0.2.10\r\n" UA
		 "Accept: application/json\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		 strlen(RPC2_BODY), RPC2_BODY);
	CHECK_REQUEST(http, &t80, 3, want);

	static const char *const ops[] = {"GetSystemDateAndTime", "GetDeviceInformation"};
	static const char *const bodies[] = {SOAP_BODY("GetSystemDateAndTime"),
					     SOAP_BODY("GetDeviceInformation")};
	for (int i = 0; i < 2; i++) {
		snprintf(want, sizeof(want),
			 "POST /onvif/device_service HTTP/1.1\r\nHost: 192.0.2.10\r\n" UA
			 "Content-Type: application/soap+xml; charset=utf-8; "
			 "action=\"http://www.onvif.org/ver10/device/wsdl/%s\"\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
			 ops[i], strlen(bodies[i]), bodies[i]);
		CHECK_REQUEST(http, &t80, 4 + i, want);
	}
	/* Six steps, then the conversation is over. */
	char buf[CS_PROBE_REQ_MAX];
	size_t n;
	CHECK_INT(http->request(&t80, 6, buf, sizeof(buf), &n), CS_ENOTFOUND);
	CHECK_INT(http->request(&t80, -1, buf, sizeof(buf), &n), CS_ENOTFOUND);
}

TEST(probe_rtsp_dahua_hik_requests_exact_bytes)
{
	payloads_setup();
	struct cs_probe_target t554 = {0xc000020a, 554, "192.0.2.10", false};
	const struct cs_probe *rtsp = cs_probe_find("rtsp");
	REQUIRE(rtsp != NULL);
	CHECK_REQUEST(rtsp, &t554, 0,
		      "OPTIONS rtsp://192.0.2.10:554/ RTSP/1.0\r\nCSeq: 1\r\n" UA "\r\n");
	CHECK_REQUEST(rtsp, &t554, 1,
		      "DESCRIBE rtsp://192.0.2.10:554/ RTSP/1.0\r\nCSeq: 2\r\n" UA
		      "Accept: application/sdp\r\n\r\n");

	char buf[CS_PROBE_REQ_MAX];
	size_t n = 99;
	CHECK_INT(rtsp->request(&t554, 2, buf, sizeof(buf), &n), CS_ENOTFOUND);

	/* fingerprinting-signals.md 5.4: a3 01 00 01, 12 zeros, 02 00 00 00, 12 zeros. */
	static const char hello[32] = {(char)0xa3, 0x01, 0x00, 0x01, [16] = 0x02};
	const struct cs_probe *dvrip = cs_probe_find("dahua-dvrip");
	REQUIRE(dvrip != NULL);
	struct cs_probe_target t37777 = {0xc000020a, 37777, "192.0.2.10", false};
	REQUIRE(dvrip->request(&t37777, 0, buf, sizeof(buf), &n) == CS_OK);
	CHECK_BYTES(buf, n, hello, sizeof(hello));
	CHECK_INT(dvrip->request(&t37777, 1, buf, sizeof(buf), &n), CS_ENOTFOUND);

	/* Hikvision's SDK port: we listen and never send anything. */
	const struct cs_probe *hik = cs_probe_find("hik-sdk");
	REQUIRE(hik != NULL);
	CHECK(hik->server_first);
	n = 99;
	CHECK_INT(hik->request(&t37777, 0, buf, sizeof(buf), &n), CS_OK);
	CHECK_INT(n, 0);
	CHECK_INT(hik->request(&t37777, 1, buf, sizeof(buf), &n), CS_ENOTFOUND);

	const struct cs_probe *tls = cs_probe_find("tls");
	REQUIRE(tls != NULL);
	CHECK(tls->wants_tls);
	CHECK_INT(tls->request(&t80, 0, buf, sizeof(buf), &n), CS_ENOTFOUND);
}

TEST(probe_payload_host_header_and_port)
{
	payloads_setup();
	static const struct {
		uint16_t port;
		bool tls;
		const char *host;
	} cases[] = {
		{80, false, "Host: 192.0.2.10\r\n"},
		{8080, false, "Host: 192.0.2.10:8080\r\n"},
		{443, true, "Host: 192.0.2.10\r\n"},
		{8443, true, "Host: 192.0.2.10:8443\r\n"},
		{443, false, "Host: 192.0.2.10:443\r\n"},
		{80, true, "Host: 192.0.2.10:80\r\n"},
	};
	char buf[CS_PROBE_REQ_MAX];
	size_t n;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		struct cs_probe_target t = {0xc000020a, cases[i].port, "192.0.2.10", cases[i].tls};
		REQUIRE(cs_probe_payload("http-root", &t, buf, sizeof(buf), &n) == CS_OK);
		struct cs_sv s = cs_sv_make(buf, n);
		if (cs_sv_find(s, cs_sv_cstr(cases[i].host)) < 0)
			cs_test_fail(__FILE__, __LINE__, "port %u: no '%s'", cases[i].port,
				     cases[i].host);
	}
	/* No host string: the address is written out. A host that is not a dotted quad never
	 * reaches a header line. */
	struct cs_probe_target t = {0xc6336401, 8554, "", false};
	REQUIRE(cs_probe_payload("rtsp-options", &t, buf, sizeof(buf), &n) == CS_OK);
	CHECK(cs_sv_iprefix(cs_sv_make(buf, n), CS_SV("OPTIONS rtsp://198.51.100.1:8554/ ")));
	static const char *const bad[] = {"192.0.2.1\r\nX:", "example.com", "1.2.3",
					  "1.2.3.4.5",	     "1..2.3",	    "1234.1.1.1"};
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		struct cs_probe_target b = {0, 80, "", false};
		memcpy(b.host, bad[i], strnlen(bad[i], sizeof(b.host) - 1));
		CHECK_INT(cs_probe_payload("http-root", &b, buf, sizeof(buf), &n), CS_EINVAL);
	}
	struct cs_probe_target full = {0, 80, "", false};
	memset(full.host, '1', sizeof(full.host)); /* not terminated */
	CHECK_INT(cs_probe_payload("http-root", &full, buf, sizeof(buf), &n), CS_EINVAL);
	CHECK_INT(cs_probe_payload("no-such-payload", &t80, buf, sizeof(buf), &n), CS_ENOTFOUND);
	CHECK_INT(cs_probe_payload(NULL, &t80, buf, sizeof(buf), &n), CS_ENOTFOUND);
}

TEST(probe_requests_respect_the_callers_cap)
{
	payloads_setup();
	/* The longest host and port, into buffers that end on a guard page: every cap short of
	 * the request is refused, and nothing is written past it. */
	struct cs_probe_target t = {0xffffffff, 65535, "255.255.255.255", false};
	static char zeros[CS_PROBE_REQ_MAX];
	for (size_t i = 0; i < cs_nprobes; i++) {
		const struct cs_probe *p = cs_probes[i];
		for (int step = 0; step < CS_PROBE_MAX_STEPS; step++) {
			char full[CS_PROBE_REQ_MAX];
			size_t n = 0, m;
			if (p->request(&t, step, full, sizeof(full), &n) != CS_OK)
				continue;
			CHECK(n <= CS_PROBE_REQ_MAX);
			for (size_t cap = 0; cap < n; cap++) {
				char *buf = (char *)cs_test_guarded(zeros, cap);
				CHECK_INT(p->request(&t, step, buf, cap, &m), CS_ETOOBIG);
			}
			char *buf = (char *)cs_test_guarded(zeros, n);
			REQUIRE(p->request(&t, step, buf, n, &m) == CS_OK);
			CHECK_BYTES(buf, m, full, n);
		}
		/* No probe has more steps than the engine allows. */
		char b[CS_PROBE_REQ_MAX];
		size_t m;
		CHECK_INT(p->request(&t, CS_PROBE_MAX_STEPS, b, sizeof(b), &m), CS_ENOTFOUND);
	}
}

/* ---- the loader ---- */

static char tmp_root[64];

static void write_file(const char *name, const char *content, size_t n)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/probes/%s", tmp_root, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		cs_test_fail(__FILE__, __LINE__, "cannot write %s", path);
		return;
	}
	fwrite(content, 1, n, f);
	fclose(f);
}

static const char *file_name(size_t i)
{
	static char name[128];
	bool binary = strcmp(cs_probe_payload_names[i], "dahua-dvrip-hello") == 0 ||
		      strcmp(cs_probe_payload_names[i], "ubnt-discovery") == 0;
	snprintf(name, sizeof(name), "%s%s", cs_probe_payload_names[i], binary ? ".hex" : ".req");
	return name;
}

/* A copy of data/probes in a temporary directory, to break one file at a time. */
static bool make_tmp_payloads(void)
{
	char path[256];
	snprintf(tmp_root, sizeof(tmp_root), "/tmp/cs-probe-test-XXXXXX");
	if (mkdtemp(tmp_root) == NULL)
		return false;
	snprintf(path, sizeof(path), "%s/probes", tmp_root);
	if (mkdir(path, 0700) != 0)
		return false;
	for (size_t i = 0; i < cs_probe_payload_count; i++) {
		size_t n;
		snprintf(path, sizeof(path), "%s/probes/%s", data_dir(), file_name(i));
		char *p = slurp(path, &n);
		if (p == NULL)
			return false;
		write_file(file_name(i), p, n);
		free(p);
	}
	return true;
}

static void remove_tmp_payloads(void)
{
	char path[256];
	for (size_t i = 0; i < cs_probe_payload_count; i++) {
		snprintf(path, sizeof(path), "%s/probes/%s", tmp_root, file_name(i));
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/probes", tmp_root);
	rmdir(path);
	rmdir(tmp_root);
}

static void restore(const char *name)
{
	char path[256];
	size_t n;
	snprintf(path, sizeof(path), "%s/probes/%s", data_dir(), name);
	char *p = slurp(path, &n);
	if (p != NULL)
		write_file(name, p, n);
	free(p);
}

TEST(probe_data_loader_refuses_bad_payloads)
{
	payloads_setup();
	REQUIRE(make_tmp_payloads());
	static const struct {
		const char *file, *content;
		int code;
		const char *msg;
	} cases[] = {
		{"http-root.req", "GET / HTTP/1.1\nHost: {authority}\n", CS_EDATA,
		 "does not end with an empty line"},
		{"http-root.req", "GET / HTTP/1.1\nHost: {hots}\n\n", CS_EDATA,
		 "http-root.req:2: unknown placeholder {hots}"},
		{"http-root.req", "PUT /x HTTP/1.1\nHost: {host}\n\n", CS_EDATA, "method 'PUT'"},
		{"rtsp-options.req", "SETUP rtsp://{host}/ RTSP/1.0\nCSeq: 1\n\n", CS_EDATA,
		 "method 'SETUP'"},
		{"http-root.req", "DELETE / HTTP/1.1\n\n", CS_EDATA, "method 'DELETE'"},
		{"http-root.req", "hello\n\n", CS_EDATA, "not a request line"},
		{"http-root.req", "GET / FTP/1.0\n\n", CS_EDATA, "not a request line"},
		{"http-root.req", "GET / HTTP/1.1\nno colon here\n\n", CS_EDATA, "Name: value"},
		{"http-root.req", "GET / HTTP/1.1\r\rHost: x\n\n", CS_EDATA,
		 "CR not followed by LF"},
		{"http-root.req", "GET / HTTP/1.1\nHost: \xc3\xa9\n\n", CS_EDATA,
		 "byte 0xc3 is not printable ASCII"},
		{"http-root.req", "GET / HTTP/1.1\nX: \x01\n\n", CS_EDATA,
		 "http-root.req:2: byte 0x01"},
		{"http-rpc2-login.req", "POST /RPC2_Login HTTP/1.1\n\n{}\n", CS_EDATA,
		 "needs 'Content-Length: {body-length}'"},
		{"http-rpc2-login.req",
		 "POST /RPC2_Login HTTP/1.1\nContent-Length: "
		 "{body-length}\n\n{\"n\":\"{body-length}\"}\n",
		 CS_EDATA, "misplaced"},
		{"http-isapi-deviceinfo.req",
		 "GET /ISAPI/System/deviceInfo HTTP/1.1\nAuthorization: Basic YWRtaW46MTIzNDU=\n\n",
		 CS_EDATA, "Authorization header"},
		{"http-isapi-deviceinfo.req", "GET /ISAPI/Security/userCheck HTTP/1.1\n\n",
		 CS_EDATA, "userCheck"},
		{"http-isapi-deviceinfo.req",
		 "GET /System/deviceInfo?auth=YWRtaW46MTEK HTTP/1.1\n\n", CS_EDATA,
		 "CVE-2017-7921"},
		{"http-root.req", "GET /SDK/webLanguage HTTP/1.1\n\n", CS_EDATA, "CVE-2021-36260"},
		{"http-rpc2-login.req",
		 "POST /RPC2_Login HTTP/1.1\nContent-Length: {body-length}\n\n"
		 "{\"method\":\"global.login\",\"params\":{\"userName\":\"admin\",\"password\":"
		 "\"12345\"},\"id\":1}\n",
		 CS_EDATA, "non-empty password"},
		{"http-rpc2-login.req",
		 "POST /RPC2_Login HTTP/1.1\nContent-Length: {body-length}\n\n"
		 "{\"method\":\"global.login\",\"params\":{\"userName\":\"admin\",\"password\":"
		 "\"\","
		 "\"clientType\":\"Web3.0\",\"authorityType\":\"Default\",\"passwordType\":"
		 "\"Default\"},\"id\":2,\"session\":1734}\n",
		 CS_EDATA, "second login step"},
		{"onvif-get-device-information.req",
		 "POST /onvif/device_service HTTP/1.1\nContent-Length: {body-length}\n\n"
		 "<s:Envelope><s:Header><wsse:Security/></s:Header></s:Envelope>\n",
		 CS_EDATA, "WS-Security"},
		{"onvif-get-device-information.req",
		 "POST /onvif/device_service HTTP/1.1\nContent-Length: {body-length}\n\n"
		 "<s:Body><tds:SystemReboot/></s:Body>\n",
		 CS_EDATA, "reboot"},
		{"dahua-dvrip-hello.hex", "a3 01 0", CS_EDATA, "pair of hex digits"},
		{"dahua-dvrip-hello.hex", "a3 01 zz", CS_EDATA,
		 "dahua-dvrip-hello.hex:1: expected"},
		{"dahua-dvrip-hello.hex", "# nothing\n", CS_EDATA, "no bytes"},
	};
	struct cs_err err;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		write_file(cases[i].file, cases[i].content, strlen(cases[i].content));
		memset(&err, 0, sizeof(err));
		int r = cs_probe_data_load(tmp_root, &err);
		if (r != cases[i].code || strstr(err.msg, cases[i].msg) == NULL)
			cs_test_fail(__FILE__, __LINE__, "case %zu (%s): got %d '%s', want '%s'", i,
				     cases[i].file, r, err.msg, cases[i].msg);
		restore(cases[i].file);
	}
	/* Too big, and missing. */
	static char big[CS_PROBE_FILE_MAX + 2];
	memset(big, 'a', sizeof(big));
	write_file("http-root.req", big, sizeof(big));
	CHECK_INT(cs_probe_data_load(tmp_root, &err), CS_ETOOBIG);
	CHECK(strstr(err.msg, "larger than 4096 bytes") != NULL);
	restore("http-root.req");
	char path[256];
	snprintf(path, sizeof(path), "%s/probes/rtsp-describe.req", tmp_root);
	unlink(path);
	CHECK_INT(cs_probe_data_load(tmp_root, &err), CS_EIO);
	CHECK(strstr(err.msg, "rtsp-describe.req: cannot read") != NULL);
	restore("rtsp-describe.req");
	CHECK_INT(cs_probe_data_load("/nonexistent", &err), CS_EIO);
	CHECK_INT(cs_probe_data_load(NULL, &err), CS_EINVAL);

	/* A failed load leaves what was loaded before. */
	CHECK(cs_probe_data_loaded());
	size_t n;
	const char *tmpl = cs_probe_payload_template("http-root", &n);
	REQUIRE(tmpl != NULL);
	CHECK(cs_sv_iprefix(cs_sv_make(tmpl, n), CS_SV("GET / HTTP/1.1\r\nHost: {authority}\r\n")));

	/* The pristine copy loads. */
	CHECK_INT(cs_probe_data_load(tmp_root, &err), CS_OK);
	remove_tmp_payloads();
	CHECK_INT(cs_probe_data_load(data_dir(), &err), CS_OK);
}

TEST(probe_data_loader_accepts_crlf_files_and_fills_uuid)
{
	payloads_setup();
	REQUIRE(make_tmp_payloads());
	struct cs_err err;
	char a[CS_PROBE_REQ_MAX], b[CS_PROBE_REQ_MAX];
	size_t an, bn;

	/* The same request saved with CRLF line endings gives the same bytes on the wire. */
	REQUIRE(cs_probe_payload("http-rpc2-login", &t80, a, sizeof(a), &an) == CS_OK);
	static const char crlf[] =
		"POST /RPC2_Login HTTP/1.1\r\nHost: {authority}\r\n"
		"User-Agent: camsweep/{version}\r\nAccept: application/json\r\n"
		"Content-Type: application/json\r\n"
		"Content-Length: {body-length}\r\nConnection: close\r\n\r\n" RPC2_BODY "\r\n";
	write_file("http-rpc2-login.req", crlf, sizeof(crlf) - 1);
	/* A uuid appears twice in one request: the same value both times. */
	static const char uuid[] = "GET / HTTP/1.1\nX-A: {uuid}\nX-B: {uuid}\n\n";
	write_file("http-root.req", uuid, sizeof(uuid) - 1);
	REQUIRE(cs_probe_data_load(tmp_root, &err) == CS_OK);
	REQUIRE(cs_probe_payload("http-rpc2-login", &t80, b, sizeof(b), &bn) == CS_OK);
	CHECK_BYTES(b, bn, a, an);

	REQUIRE(cs_probe_payload("http-root", &t80, a, sizeof(a), &an) == CS_OK);
	REQUIRE(an == strlen("GET / HTTP/1.1\r\nX-A: \r\nX-B: \r\n\r\n") + 72);
	const char *u1 = a + strlen("GET / HTTP/1.1\r\nX-A: ");
	const char *u2 = u1 + 36 + strlen("\r\nX-B: ");
	CHECK(memcmp(u1, u2, 36) == 0);
	CHECK(u1[8] == '-' && u1[13] == '-' && u1[14] == '4' && u1[18] == '-' && u1[23] == '-');
	CHECK(strchr("89ab", u1[19]) != NULL);
	REQUIRE(cs_probe_payload("http-root", &t80, b, sizeof(b), &bn) == CS_OK);
	CHECK(memcmp(u1, b + (u1 - a), 36) != 0); /* fresh for every request */

	remove_tmp_payloads();
	CHECK_INT(cs_probe_data_load(data_dir(), &err), CS_OK);
}

/* ---- completeness, one byte at a time ---- */

enum { NEVER = -1 }; /* the reply is only complete at EOF */

/* Feed data[0..len) for every len; complete() must say DONE exactly from done_at on. */
static void check_series(int line, const struct cs_probe *p, int step, const char *what,
			 const char *data, size_t n, long done_at)
{
	for (size_t len = 0; len <= n; len++) {
		enum cs_probe_done want =
			done_at != NEVER && len >= (size_t)done_at ? CS_PROBE_DONE : CS_PROBE_MORE;
		enum cs_probe_done got = p->complete(step, cs_test_guarded(data, len), len);
		if (got != want) {
			cs_test_fail(__FILE__, line, "%s %s: %zu of %zu bytes: %s", p->name, what,
				     len, n, got == CS_PROBE_DONE ? "DONE" : "MORE");
			return;
		}
	}
}

#define CHECK_SERIES(p, step, what, data, n, done_at)                                              \
	check_series(__LINE__, p, step, what, data, n, done_at)

TEST(probe_http_complete_over_captures_byte_by_byte)
{
	static const struct {
		const char *file;
		bool eof; /* no length: complete only at EOF */
	} caps[] = {
		{"01-hikvision-camera/http-root.txt", false},
		{"02-hikvision-nvr-old/http-root.txt", true},
		{"02-hikvision-nvr-old/isapi-401.txt", false},
		{"03-dahua-camera/http-root.txt", false},
		{"04-amcrest-relabel/http-root.txt", false},
		{"04-amcrest-relabel/rpc2-login-challenge.txt", false},
		{"05-axis-camera/http-401.txt", false},
		{"06-plain-nginx/http-root.txt", false},
		{"07-hostile-device/http-root.txt", true},
	};
	const struct cs_probe *http = cs_probe_find("http");
	REQUIRE(http != NULL);
	for (size_t i = 0; i < CS_ARRAY_SIZE(caps); i++) {
		size_t n;
		char *p = capture(caps[i].file, &n);
		if (p == NULL)
			continue;
		for (int step = 0; step < 6; step++)
			CHECK_SERIES(http, step, caps[i].file, p, n, caps[i].eof ? NEVER : (long)n);
		free(p);
	}
}

TEST(probe_http_complete_chunked_interim_and_bodiless)
{
	const struct cs_probe *http = cs_probe_find("http");
	REQUIRE(http != NULL);
	/* The first chunk's data holds "0\r\n\r\n": a naive search would stop there. */
	static const char chunked[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
				      "Content-Length: 3\r\n\r\n"
				      "c;name=value\r\n<p>0\r\n\r\n</p>\r\n"
				      "5\r\nhello\r\n"
				      "0\r\nX-Trailer: 1\r\n\r\n";
	CHECK_SERIES(http, 0, "chunked", chunked, sizeof(chunked) - 1, sizeof(chunked) - 1);
	static const char bare_lf[] = "HTTP/1.1 200 OK\nTransfer-Encoding: Chunked\n\n"
				      "A\nabcdefghij\n0\n\n";
	CHECK_SERIES(http, 0, "chunked, bare LF", bare_lf, sizeof(bare_lf) - 1,
		     sizeof(bare_lf) - 1);
	static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\n"
				      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
	CHECK_SERIES(http, 3, "100 Continue", interim, sizeof(interim) - 1, sizeof(interim) - 1);
	static const char no_content[] = "HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n";
	CHECK_SERIES(http, 0, "204", no_content, sizeof(no_content) - 1, sizeof(no_content) - 1);
	static const char not_modified[] =
		"HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n";
	CHECK_SERIES(http, 1, "304", not_modified, sizeof(not_modified) - 1,
		     sizeof(not_modified) - 1);
	static const char empty[] = "\r\nHTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
	CHECK_SERIES(http, 0, "CL 0 after a stray CRLF", empty, sizeof(empty) - 1,
		     sizeof(empty) - 1);
	static const char no_length[] = "HTTP/1.1 200 OK\r\nServer: App-webs/\r\n\r\n<html></html>";
	CHECK_SERIES(http, 0, "no length", no_length, sizeof(no_length) - 1, NEVER);
	static const char huge[] =
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nx";
	CHECK_SERIES(http, 0, "absurd length", huge, sizeof(huge) - 1, NEVER);
	static const char lying[] = "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nshort";
	CHECK_SERIES(http, 0, "long length", lying, sizeof(lying) - 1, NEVER);

	/* Malformed chunking cannot be repaired by waiting. */
	static const char bad_chunk[] =
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
	CHECK_INT(http->complete(0, bad_chunk, sizeof(bad_chunk) - 1), CS_PROBE_DONE);
	static const char bad_end[] =
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY";
	CHECK_INT(http->complete(0, bad_end, sizeof(bad_end) - 1), CS_PROBE_DONE);
	static const char giant[] =
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n";
	CHECK_INT(http->complete(0, giant, sizeof(giant) - 1), CS_PROBE_DONE);

	/* Not HTTP at all: DONE at the first byte that rules it out. */
	static const char ssh[] = "SSH-2.0-OpenSSH_9.2p1\r\n";
	CHECK_SERIES(http, 0, "ssh", ssh, sizeof(ssh) - 1, 1);
	static const char alert[] = "\x15\x03\x01\x00\x02\x02\x46";
	CHECK_SERIES(http, 0, "tls alert", alert, sizeof(alert) - 1, 1);
	static const char garbage[] = "HTTP/1.1 2x0 OK\r\n\r\n";
	CHECK_INT(http->complete(0, garbage, sizeof(garbage) - 1), CS_PROBE_DONE);

	/* A reply that fills the engine's buffer is as complete as it will get. */
	char *big = malloc(CS_PROBE_REPLY_MAX);
	REQUIRE(big != NULL);
	memset(big, 'a', CS_PROBE_REPLY_MAX);
	memcpy(big, "HTTP/1.1 200 OK\r\n\r\n", 19);
	CHECK_INT(http->complete(0, big, CS_PROBE_REPLY_MAX - 1), CS_PROBE_MORE);
	CHECK_INT(http->complete(0, big, CS_PROBE_REPLY_MAX), CS_PROBE_DONE);
	free(big);
}

TEST(probe_rtsp_complete_byte_by_byte)
{
	const struct cs_probe *rtsp = cs_probe_find("rtsp");
	REQUIRE(rtsp != NULL);
	static const char *const files[] = {"01-hikvision-camera/rtsp-describe-401.txt",
					    "03-dahua-camera/rtsp-options.txt"};
	for (size_t i = 0; i < CS_ARRAY_SIZE(files); i++) {
		size_t n;
		char *p = capture(files[i], &n);
		if (p == NULL)
			continue;
		CHECK_SERIES(rtsp, (int)i, files[i], p, n, (long)n);
		free(p);
	}
	/* DESCRIBE's SDP body is announced by Content-Length. */
	static const char sdp[] = "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\n"
				  "Content-Length: 11\r\n\r\nv=0\r\no=- \r\n";
	CHECK_SERIES(rtsp, 1, "sdp", sdp, sizeof(sdp) - 1, sizeof(sdp) - 1);
	/* An HTTP answer on the RTSP port is read as HTTP. */
	static const char http[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\nno";
	CHECK_SERIES(rtsp, 0, "http on 554", http, sizeof(http) - 1, sizeof(http) - 1);
}

static const char greeting_sdk[16] = {0, 0, 0, 0x10, 0, 0, 0, 0x1e, 0, 0, 0, 0x1e, 0, 0, 0, 0};
static const char greeting_connect[16] = {0, 0, 0, 0x10, 0, 0, 0, 0x0d, 0, 0, 0, 0x0d, 0, 0, 0, 0};

/*
 * A DVRIP discovery answer laid out as UniversalScanner reads the UDP one (Dahua1.cs): 120-byte
 * section 1, section 2 (MAC text, then the model), section 3 (key:value lines).
 */
static size_t dvrip_answer(char *out, size_t cap, const char *sec2, const char *sec3)
{
	size_t s2 = strlen(sec2), s3 = strlen(sec3), n = 0x78 + s2 + s3;
	if (n > cap)
		return 0;
	memset(out, 0, 0x78);
	out[0] = (char)0xb3;
	out[2] = (char)(s2 & 0xff), out[3] = (char)(s2 >> 8);
	out[4] = 0x58;
	out[0x10] = 2;
	out[0x14] = (char)(s3 & 0xff), out[0x15] = (char)(s3 >> 8);
	memcpy(out + 0x28, "IPC-HFW2431S", 12);
	memcpy(out + 0x38, "\x6c\x02\x00\xc0", 4); /* 192.0.2.108, little-endian */
	memcpy(out + 0x78, sec2, s2);
	memcpy(out + 0x78 + s2, sec3, s3);
	return n;
}

#define DVRIP_SEC2 "3c:ef:8c:61:01:c0IPC-HFW2431S-S-S2"
#define DVRIP_SEC3 "SerialNo:4J0186FPAG00123\r\nIPv6Addr:::\r\n"

TEST(probe_hik_and_dahua_complete_byte_by_byte)
{
	const struct cs_probe *hik = cs_probe_find("hik-sdk");
	const struct cs_probe *dvrip = cs_probe_find("dahua-dvrip");
	REQUIRE(hik != NULL && dvrip != NULL);
	CHECK_SERIES(hik, 0, "sdk greeting", greeting_sdk, 16, 16);
	CHECK_SERIES(hik, 0, "hik-connect greeting", greeting_connect, 16, 16);
	static const char banner[] = "220 ready\r\n";
	CHECK_SERIES(hik, 0, "text banner", banner, sizeof(banner) - 1, sizeof(banner) - 1);
	static const char binary[20] = {1, 2, 3};
	CHECK_SERIES(hik, 0, "binary", binary, sizeof(binary), 16);

	char ans[512];
	size_t n = dvrip_answer(ans, sizeof(ans), DVRIP_SEC2, DVRIP_SEC3);
	REQUIRE(n > 0x78);
	CHECK_SERIES(dvrip, 0, "discovery answer", ans, n, (long)n);
	/* Metasploit's DVR_RESP, then zeros to a full header. */
	static const char b1[32] = {(char)0xb1, 0, 0, 0x58};
	CHECK_SERIES(dvrip, 0, "b1 answer", b1, sizeof(b1), 32);
	/* Lengths that claim more than the engine keeps wait only for what it keeps. */
	char *big = calloc(1, CS_PROBE_REPLY_MAX);
	REQUIRE(big != NULL);
	big[0] = (char)0xb3, big[2] = (char)0xff, big[3] = (char)0xff;
	big[0x14] = (char)0xff, big[0x15] = (char)0xff;
	CHECK_INT(dvrip->complete(0, big, CS_PROBE_REPLY_MAX - 1), CS_PROBE_MORE);
	CHECK_INT(dvrip->complete(0, big, CS_PROBE_REPLY_MAX), CS_PROBE_DONE);
	free(big);

	const struct cs_probe *tls = cs_probe_find("tls");
	REQUIRE(tls != NULL);
	static const char alert[] = "\x15\x03\x03\x00\x02\x02\x28";
	CHECK_SERIES(tls, 0, "alert", alert, sizeof(alert) - 1, sizeof(alert) - 1);
	CHECK_INT(tls->complete(0, "HTTP/1.1", 8), CS_PROBE_DONE);
}

/* ---- recognise: each reply claimed by exactly the right probe ---- */

static void check_recognised(int line, const char *what, const char *p, size_t n, const char *want)
{
	int claims = 0;
	const char *guarded = cs_test_guarded(p, n);
	for (size_t i = 0; i < cs_nprobes; i++)
		claims += cs_probes[i]->recognise(guarded, n);
	const struct cs_probe *r = cs_probe_recognise(guarded, n);
	const char *got = r != NULL ? r->name : NULL;
	if (claims != (want != NULL ? 1 : 0) || (got == NULL) != (want == NULL) ||
	    (got != NULL && strcmp(got, want) != 0))
		cs_test_fail(__FILE__, line, "%s: recognised as %s by %d probes, expected %s", what,
			     got != NULL ? got : "nothing", claims,
			     want != NULL ? want : "nothing");
}

#define CHECK_RECOGNISED(what, p, n, want) check_recognised(__LINE__, what, p, n, want)

TEST(probe_recognise_every_capture_kind)
{
	static const struct {
		const char *file, *probe;
	} caps[] = {
		{"01-hikvision-camera/http-root.txt", "http"},
		{"01-hikvision-camera/rtsp-describe-401.txt", "rtsp"},
		{"01-hikvision-camera/sadp.xml", NULL},
		{"02-hikvision-nvr-old/http-root.txt", "http"},
		{"02-hikvision-nvr-old/isapi-401.txt", "http"},
		{"03-dahua-camera/dhip-reply.json", NULL},
		{"03-dahua-camera/http-root.txt", "http"},
		{"03-dahua-camera/rtsp-options.txt", "rtsp"},
		{"04-amcrest-relabel/http-root.txt", "http"},
		{"04-amcrest-relabel/rpc2-login-challenge.txt", "http"},
		{"05-axis-camera/http-401.txt", "http"},
		{"05-axis-camera/mac.txt", NULL},
		{"06-plain-nginx/http-root.txt", "http"},
		{"07-hostile-device/http-root.txt", "http"},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(caps); i++) {
		size_t n;
		char *p = capture(caps[i].file, &n);
		if (p == NULL)
			continue;
		CHECK_RECOGNISED(caps[i].file, p, n, caps[i].probe);
		free(p);
	}
	size_t n;
	char *dhip = cs_test_read_fixture("dhip/notifydevinfo.bin", &n);
	REQUIRE(dhip != NULL);
	CHECK_RECOGNISED("DHIP packet", dhip, n, NULL);
	free(dhip);

	char ans[512];
	n = dvrip_answer(ans, sizeof(ans), DVRIP_SEC2, DVRIP_SEC3);
	static const char b1[8] = {(char)0xb1, 0, 0, 0x58};
	static const char b0[32] = {(char)0xb0, 0x01};
	static const char b2[32] = {(char)0xb2, 0x00};
	static const char b3_text[32] = {(char)0xb3, 'x'};
	static const char hello[] = "\x16\x03\x03\x00\x5d\x02\x00\x00\x59\x03\x03";
	static const char alert[] = "\x15\x03\x01\x00\x02\x02\x46";
	static const char ssl2[] = "\x16\x02\x00\x00\x10";
	char greeting_more[17];
	memcpy(greeting_more, greeting_sdk, 16);
	greeting_more[16] = 'x';
	char connect_more[17];
	memcpy(connect_more, greeting_connect, 16);
	connect_more[16] = 'x';

	CHECK_RECOGNISED("hik sdk greeting", greeting_sdk, 16, "hik-sdk");
	CHECK_RECOGNISED("hik sdk greeting and more", greeting_more, 17, "hik-sdk");
	CHECK_RECOGNISED("hik-connect greeting", greeting_connect, 16, "hik-sdk");
	CHECK_RECOGNISED("hik-connect greeting and more (nmap anchors it)", connect_more, 17, NULL);
	CHECK_RECOGNISED("greeting cut short", greeting_sdk, 15, NULL);
	CHECK_RECOGNISED("DVRIP discovery answer", ans, n, "dahua-dvrip");
	CHECK_RECOGNISED("DVRIP b1 answer", b1, sizeof(b1), "dahua-dvrip");
	CHECK_RECOGNISED("DVRIP b0 01 answer", b0, sizeof(b0), "dahua-dvrip");
	CHECK_RECOGNISED("b2 00", b2, sizeof(b2), NULL);
	CHECK_RECOGNISED("b3 then text", b3_text, sizeof(b3_text), NULL);
	CHECK_RECOGNISED("DVRIP 7 bytes", b1, 7, NULL);
	CHECK_RECOGNISED("TLS ServerHello", hello, sizeof(hello) - 1, "tls");
	CHECK_RECOGNISED("TLS alert", alert, sizeof(alert) - 1, "tls");
	CHECK_RECOGNISED("SSLv2-ish", ssl2, sizeof(ssl2) - 1, NULL);
	CHECK_RECOGNISED("ssh", "SSH-2.0-OpenSSH_9.2p1\r\n", 23, NULL);
	CHECK_RECOGNISED("lower-case http", "http/1.0 200 OK\r\n\r\n", 19, "http");
	CHECK_RECOGNISED("HTTP after a stray CRLF", "\r\nHTTP/1.0 200 OK\r\n\r\n", 21, "http");
	CHECK_RECOGNISED("HTT", "HTT", 3, NULL);
	CHECK_RECOGNISED("empty", "", 0, NULL);
	CHECK(cs_probe_recognise(NULL, 0) == NULL);
}

/* ---- observe: what identification concludes ---- */

static bool has_evidence(const struct cs_device *d, enum cs_signal s, const char *value)
{
	for (size_t i = 0; i < d->nevidence; i++)
		if (d->evidence[i].signal == s && strcmp(d->evidence[i].value, value) == 0)
			return true;
	return false;
}

/* Feed a capture file to probe p's observe for step. */
static void observe_capture(const char *probe, int step, const char *file)
{
	size_t n;
	char *p = capture(file, &n);
	const struct cs_probe *pr = cs_probe_find(probe);
	if (p == NULL || pr == NULL)
		return;
	CHECK_INT(pr->observe(id, &t80, step, cs_test_guarded(p, n), n), CS_OK);
	free(p);
}

TEST(probe_observe_names_hikvision)
{
	struct cs_device d;
	ident_setup();
	observe_capture("http", 0, "01-hikvision-camera/http-root.txt");
	observe_capture("rtsp", 1, "01-hikvision-camera/rtsp-describe-401.txt");
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Hikvision");

	ident_setup();
	observe_capture("http", 0, "02-hikvision-nvr-old/http-root.txt");
	observe_capture("http", 2, "02-hikvision-nvr-old/isapi-401.txt");
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Hikvision");
	CHECK_STR(cs_devtype_name(d.type), "nvr");

	/* The SDK port's greeting alone names Hikvision. */
	const struct cs_probe *hik = cs_probe_find("hik-sdk");
	REQUIRE(hik != NULL);
	ident_setup();
	CHECK_INT(hik->observe(id, &t80, 0, cs_test_guarded(greeting_sdk, 16), 16), CS_OK);
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Hikvision");
	CHECK(has_evidence(&d, CS_SIG_PROTO, "hik-sdk-8000"));

	ident_setup();
	CHECK_INT(hik->observe(id, &t80, 0, cs_test_guarded(greeting_connect, 16), 16), CS_OK);
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Hikvision");
	CHECK(has_evidence(&d, CS_SIG_PROTO, "hik-connect"));

	/* ONVIF GetDeviceInformation answered anonymously, through the http probe's step 5. */
	size_t n;
	char *xml = cs_test_read_fixture("onvif/hikvision-getdeviceinformation.xml", &n);
	REQUIRE(xml != NULL);
	char *reply = malloc(n + 256);
	int hn = snprintf(reply, 256,
			  "HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; "
			  "charset=utf-8\r\nContent-Length: %zu\r\n\r\n",
			  n);
	memcpy(reply + hn, xml, n);
	const struct cs_probe *http = cs_probe_find("http");
	ident_setup();
	CHECK_INT(
		http->observe(id, &t80, 5, cs_test_guarded(reply, (size_t)hn + n), (size_t)hn + n),
		CS_OK);
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Hikvision");
	CHECK_STR(d.model, "DS-2CD2143G2-I");
	free(reply);
	free(xml);
}

TEST(probe_observe_names_dahua)
{
	struct cs_device d;
	ident_setup();
	observe_capture("http", 0, "03-dahua-camera/http-root.txt");
	observe_capture("rtsp", 0, "03-dahua-camera/rtsp-options.txt");
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Dahua");

	/* The RPC2 login challenge: Dahua's protocol, the MAC's OUI, and the relabel. */
	ident_setup();
	observe_capture("http", 3, "04-amcrest-relabel/rpc2-login-challenge.txt");
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Dahua");
	CHECK_STR(d.brand, "Amcrest");
	CHECK_STR(d.mac, "9c:8e:cd:0a:1b:2c");
	CHECK(has_evidence(&d, CS_SIG_PROTO, "dahua-rpc2"));

	/* The same JSON answered at another step, or without the challenge code, is no
	 * evidence of the RPC2 protocol. */
	ident_setup();
	observe_capture("http", 0, "04-amcrest-relabel/rpc2-login-challenge.txt");
	cs_ident_finish(id, &d);
	CHECK(!has_evidence(&d, CS_SIG_PROTO, "dahua-rpc2"));
	static const char *const not_challenge[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: "
		"36\r\n\r\n{\"error\":{\"code\":2686320790},\"id\":1}",
		"HTTP/1.1 200 OK\r\nContent-Length: "
		"35\r\n\r\n{\"error\":{\"code\":268632078},\"id\":1}",
		"HTTP/1.1 200 OK\r\nContent-Length: 31\r\n\r\n{\"error\":{\"msg\":\"268632079\"}}",
		"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX-Code: \"code\":268632079\r\n\r\n",
	};
	const struct cs_probe *http = cs_probe_find("http");
	for (size_t i = 0; i < CS_ARRAY_SIZE(not_challenge); i++) {
		ident_setup();
		size_t n = strlen(not_challenge[i]);
		CHECK_INT(http->observe(id, &t80, 3, cs_test_guarded(not_challenge[i], n), n),
			  CS_OK);
		cs_ident_finish(id, &d);
		if (has_evidence(&d, CS_SIG_PROTO, "dahua-rpc2"))
			cs_test_fail(__FILE__, __LINE__, "case %zu taken for the challenge", i);
	}
	/* Cut short after the code, with spaces around the colon: still the challenge. */
	static const char cut[] = "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n"
				  "{\"error\" : { \"code\" : 268632079 , \"mess";
	ident_setup();
	CHECK_INT(
		http->observe(id, &t80, 3, cs_test_guarded(cut, sizeof(cut) - 1), sizeof(cut) - 1),
		CS_OK);
	cs_ident_finish(id, &d);
	CHECK(has_evidence(&d, CS_SIG_PROTO, "dahua-rpc2"));
	CHECK_STR(d.manufacturer, "Dahua");

	/* DVRIP on 37777: the protocol, and from the discovery answer the MAC, model, serial. */
	const struct cs_probe *dvrip = cs_probe_find("dahua-dvrip");
	char ans[512];
	size_t n = dvrip_answer(ans, sizeof(ans), DVRIP_SEC2, DVRIP_SEC3);
	ident_setup();
	CHECK_INT(dvrip->observe(id, &t80, 0, cs_test_guarded(ans, n), n), CS_OK);
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Dahua");
	CHECK(has_evidence(&d, CS_SIG_PROTO, "dahua-dvrip"));
	CHECK_STR(d.mac, "3c:ef:8c:61:01:c0");
	CHECK_STR(d.serial, "4J0186FPAG00123");
	CHECK_STR(d.model, "IPC-HFW2431S-S-S2");

	/* Metasploit's short b1 answer: the protocol only. */
	static const char b1[32] = {(char)0xb1, 0, 0, 0x58};
	ident_setup();
	CHECK_INT(dvrip->observe(id, &t80, 0, cs_test_guarded(b1, sizeof(b1)), sizeof(b1)), CS_OK);
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Dahua");
	CHECK(d.mac == NULL && d.serial == NULL);

	/* A section 2 that is no MAC, and section lengths that lie, give no MAC and no crash. */
	n = dvrip_answer(ans, sizeof(ans), "not-a-mac-address-at-all", "SerialNo:\r\nx");
	ans[2] = (char)0xff, ans[0x14] = (char)0xff;
	ident_setup();
	CHECK_INT(dvrip->observe(id, &t80, 0, cs_test_guarded(ans, n), n), CS_OK);
	cs_ident_finish(id, &d);
	CHECK(d.mac == NULL && d.serial == NULL);
}

TEST(probe_observe_others_are_not_chinese_makers)
{
	struct cs_device d;
	ident_setup();
	observe_capture("http", 0, "05-axis-camera/http-401.txt");
	cs_ident_finish(id, &d);
	CHECK_STR(d.manufacturer, "Axis");

	ident_setup();
	observe_capture("http", 0, "06-plain-nginx/http-root.txt");
	observe_capture("http", 1, "06-plain-nginx/http-root.txt");
	cs_ident_finish(id, &d);
	CHECK(d.manufacturer == NULL);

	ident_setup();
	observe_capture("http", 0, "07-hostile-device/http-root.txt");
	cs_ident_finish(id, &d);
	CHECK(d.manufacturer == NULL);

	/* A TLS record says nothing by itself, and a silent port nothing at all. */
	for (size_t i = 0; i < cs_nprobes; i++) {
		ident_setup();
		CHECK_INT(cs_probes[i]->observe(id, &t80, 0, "", 0), CS_OK);
		cs_ident_finish(id, &d);
		CHECK_INT(d.nevidence, 0);
	}
}

/* A knowledge base with one extra rule: the MD5 of our test icon names Axis. */
static const char icon[] = "\x00\x00\x01\x00\x01\x00\x10\x10\x00\x00\x01\x00 camsweep test icon";
#define ICON_MD5 "7cb81956fe94cf6687778fd0604167d5"

TEST(probe_observe_hashes_exactly_the_favicon)
{
	char udir[] = "/tmp/cs-probe-kb-XXXXXX", sub[128];
	REQUIRE(mkdtemp(udir) != NULL);
	snprintf(sub, sizeof(sub), "%s/fingerprints", udir);
	mkdir(sub, 0700);
	snprintf(sub, sizeof(sub), "%s/fingerprints/test-icon.rules", udir);
	FILE *f = fopen(sub, "w");
	REQUIRE(f != NULL);
	fputs("test-icon\tfavicon.md5\teq\t" ICON_MD5 "\t0.9\tmaker=Axis\ttest_probe.c\n", f);
	fclose(f);
	struct cs_kb *k = NULL;
	struct cs_ident *i2 = NULL;
	struct cs_kb_opts o = {data_dir(), udir, NULL};
	struct cs_err err;
	int r = cs_kb_load(&k, &o, &err);
	unlink(sub);
	snprintf(sub, sizeof(sub), "%s/fingerprints", udir);
	rmdir(sub);
	rmdir(udir);
	REQUIRE(r == CS_OK);
	REQUIRE(cs_ident_new(&i2, k) == CS_OK);
	payloads_setup();

	const struct cs_probe *http = cs_probe_find("http");
	size_t in = sizeof(icon) - 1;
	char reply[512];
	struct cs_device d;
	static const struct {
		const char *head;
		size_t body; /* bytes of the icon sent */
		bool named;
	} cases[] = {
		/* Content-Type says text: the favicon step hashes it all the same. */
		{"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 31\r\n\r\n", 31,
		 true},
		{"HTTP/1.0 200 OK\r\nContent-Type: image/x-icon\r\n\r\n", 31, true}, /* EOF */
		{"HTTP/1.1 200 OK\r\nContent-Length: 31\r\n\r\n", 20, false},	     /* cut short */
		{"HTTP/1.1 404 Not Found\r\nContent-Length: 31\r\n\r\n", 31, false},
		{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, false},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		size_t hn = strlen(cases[i].head);
		memcpy(reply, cases[i].head, hn);
		memcpy(reply + hn, icon, cases[i].body);
		cs_ident_reset(i2);
		CHECK_INT(http->observe(i2, &t80, 1, cs_test_guarded(reply, hn + cases[i].body),
					hn + cases[i].body),
			  CS_OK);
		cs_ident_finish(i2, &d);
		if ((d.manufacturer != NULL && strcmp(d.manufacturer, "Axis") == 0) !=
		    cases[i].named)
			cs_test_fail(__FILE__, __LINE__, "case %zu: manufacturer %s", i,
				     d.manufacturer != NULL ? d.manufacturer : "(none)");
	}
	/* Chunked: the HTTP path undoes the coding and hashes the icon (ICO magic). */
	int hn = snprintf(reply, sizeof(reply),
			  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%zx\r\n", in);
	memcpy(reply + hn, icon, in);
	memcpy(reply + (size_t)hn + in, "\r\n0\r\n\r\n", 7);
	size_t total = (size_t)hn + in + 7;
	CHECK_INT(http->complete(1, reply, total), CS_PROBE_DONE);
	cs_ident_reset(i2);
	CHECK_INT(http->observe(i2, &t80, 1, cs_test_guarded(reply, total), total), CS_OK);
	cs_ident_finish(i2, &d);
	CHECK_STR(d.manufacturer, "Axis");
	cs_ident_free(i2);
	cs_kb_free(k);
}

/* ---- hostile input ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Every callback of every probe on p[0..n), at every step, on guarded memory. */
static void poke_all(const char *p, size_t n)
{
	for (size_t i = 0; i < cs_nprobes; i++) {
		const struct cs_probe *pr = cs_probes[i];
		for (int step = 0; step < CS_PROBE_MAX_STEPS; step++) {
			const char *g = cs_test_guarded(p, n);
			enum cs_probe_done d = pr->complete(step, g, n);
			CHECK(d == CS_PROBE_MORE || d == CS_PROBE_DONE);
			(void)pr->recognise(g, n);
			int r = pr->observe(id, &t80, step, g, n);
			CHECK(r == CS_OK);
		}
	}
}

TEST(probe_hostile_and_truncated_replies_never_crash)
{
	ident_setup();
	static const char *const files[] = {
		"01-hikvision-camera/http-root.txt",
		"01-hikvision-camera/rtsp-describe-401.txt",
		"02-hikvision-nvr-old/isapi-401.txt",
		"03-dahua-camera/rtsp-options.txt",
		"04-amcrest-relabel/rpc2-login-challenge.txt",
		"07-hostile-device/http-root.txt",
	};
	char ans[512];
	size_t an = dvrip_answer(ans, sizeof(ans), DVRIP_SEC2, DVRIP_SEC3);
	/* Every truncation of real replies. */
	for (size_t f = 0; f < CS_ARRAY_SIZE(files); f++) {
		size_t n;
		char *p = capture(files[f], &n);
		if (p == NULL)
			continue;
		for (size_t cut = 0; cut <= n; cut += 7)
			poke_all(p, cut);
		free(p);
	}
	for (size_t cut = 0; cut <= an; cut++)
		poke_all(ans, cut);
	/* Hand-made hostility. */
	static const char *const evil[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nx",
		"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nab",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100",
		"HTTP/1.1 999 \r\n\r\n",
		"RTSP/1.0 200 OK\r\nContent-Length: 4294967296\r\n\r\n",
		"\r\n\r\n\r\n\r\n",
		"HTTP/1.1 200 OK\r\n\x01\x02: \x7f\r\n\r\n{\"code\":268632079",
		"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{\"code\"",
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(evil); i++)
		poke_all(evil[i], strlen(evil[i]));
	/* Random bytes, and real replies with random bytes overwritten. */
	char buf[700];
	size_t base_n;
	char *base = capture("03-dahua-camera/http-root.txt", &base_n);
	REQUIRE(base != NULL);
	for (int iter = 0; iter < 400; iter++) {
		size_t n = rng() % sizeof(buf);
		if (iter % 2 == 0) {
			for (size_t i = 0; i < n; i++)
				buf[i] = rng() % 4 == 0 ? "\r\n:0\xb3\x16"[rng() % 6] : (char)rng();
		} else {
			const char *src = iter % 4 == 1 ? base : ans;
			size_t sn = iter % 4 == 1 ? base_n : an;
			n = n < sn ? n : sn;
			memcpy(buf, src, n);
			for (int k = 0; k < 4 && n > 0; k++)
				buf[rng() % n] = (char)rng();
		}
		poke_all(buf, n);
		if (cs_test_failed_now())
			break;
	}
	free(base);
}

/* ---- what the payload files may contain ---- */

/* Case-insensitive substring search in a NUL-terminated text. */
static bool contains(const char *hay, const char *needle)
{
	return cs_sv_ifind(cs_sv_cstr(hay), cs_sv_cstr(needle)) >= 0;
}

TEST(probe_payload_files_ask_only_what_anyone_may)
{
	char dirpath[256];
	snprintf(dirpath, sizeof(dirpath), "%s/probes", data_dir());
	DIR *dir = opendir(dirpath);
	REQUIRE(dir != NULL);
	size_t seen = 0;
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		const char *name = de->d_name;
		size_t nl = strlen(name);
		bool req = nl > 4 && strcmp(name + nl - 4, ".req") == 0;
		bool hex = nl > 4 && strcmp(name + nl - 4, ".hex") == 0;
		if (name[0] == '.' || strcmp(name, "README.md") == 0)
			continue;
		/* UDP discovery requests: declared and checked by test_discover.c. */
		bool udp = false;
		for (size_t i = 0; i < cs_disc_nfiles; i++)
			udp |= strcmp(cs_disc_files[i], name) == 0;
		if (udp)
			continue;
		if (!req && !hex) {
			cs_test_fail(__FILE__, __LINE__, "unexpected file data/probes/%s", name);
			continue;
		}
		/* Every file is one the probes declare: nothing sits there unreviewed. */
		bool declared = false;
		for (size_t i = 0; i < cs_probe_payload_count; i++)
			declared |= strcmp(file_name(i), name) == 0;
		if (!declared)
			cs_test_fail(__FILE__, __LINE__, "data/probes/%s is not a declared payload",
				     name);
		seen++;
		char path[512];
		size_t n;
		snprintf(path, sizeof(path), "%s/%s", dirpath, name);
		char *p = slurp(path, &n);
		REQUIRE(p != NULL);
		if (hex) {
			/* The binary payloads: exactly fingerprinting-signals.md 5.4's DVRIP hello,
			 * and nmap's UbiquitiDiscoveryv1 inquiry. */
			const char *want = strcmp(name, "ubnt-discovery.hex") == 0
						   ? "01000000"
						   : "a3010001"
						     "000000000000000000000000"
						     "02000000"
						     "000000000000000000000000";
			char digits[256];
			size_t dn = 0;
			for (size_t i = 0; i < n && dn + 1 < sizeof(digits); i++) {
				if (p[i] == '#')
					while (i < n && p[i] != '\n')
						i++;
				else if (cs_hexval((unsigned char)p[i]) >= 0)
					digits[dn++] = p[i];
			}
			digits[dn] = '\0';
			CHECK_STR(digits, want);
			free(p);
			continue;
		}
		static const char *const never[] = {
			"Authorization",  "wsse",	   "UsernameToken",
			"passwordType",	  "authorityType", "\"session\"",
			"Loopback",	  "NetKeyboard",   "userCheck",
			"/SDK/",	  "auth=",	   "/Security/",
			"/php/",	  "snapshot",	   "reboot",
			"FactoryDefault", "tds:Set",	   "config",
			"/PSIA/",	  "cgi-bin",	   "system.multicall",
		};
		for (size_t i = 0; i < CS_ARRAY_SIZE(never); i++)
			if (contains(p, never[i]))
				cs_test_fail(__FILE__, __LINE__, "data/probes/%s contains '%s'",
					     name, never[i]);
		/* A password may appear only empty: the challenge-only first login step. */
		for (const char *q = p; (q = strstr(q, "\"password\"")) != NULL; q++)
			if (strncmp(q, "\"password\":\"\"", 13) != 0)
				cs_test_fail(__FILE__, __LINE__, "data/probes/%s: a password",
					     name);
		/* Only the methods and targets documented in docs/scan.md. */
		static const char *const lines[] = {
			"GET / HTTP/1.1\n",
			"GET /favicon.ico HTTP/1.1\n",
			"GET /ISAPI/System/deviceInfo HTTP/1.1\n",
			"POST /RPC2_Login HTTP/1.1\n",
			"POST /onvif/device_service HTTP/1.1\n",
			"OPTIONS rtsp://{host}:{port}/ RTSP/1.0\n",
			"DESCRIBE rtsp://{host}:{port}/ RTSP/1.0\n",
		};
		bool known = false;
		for (size_t i = 0; i < CS_ARRAY_SIZE(lines); i++)
			known |= strncmp(p, lines[i], strlen(lines[i])) == 0;
		if (!known)
			cs_test_fail(__FILE__, __LINE__, "data/probes/%s: unexpected request line",
				     name);
		/* Dahua's login: one call, the first step, exactly as fingerprinting-signals 5.5. */
		if (contains(p, "global.login")) {
			CHECK_STR(name, "http-rpc2-login.req");
			CHECK(strstr(p, "\n\n" RPC2_BODY "\n") != NULL);
			CHECK(strstr(strstr(p, "global.login") + 1, "global.login") == NULL);
		}
		free(p);
	}
	closedir(dir);
	CHECK_INT(seen, cs_probe_payload_count);

	/* The loader's own check agrees, on the loaded (wire-form) payloads too. */
	payloads_setup();
	for (size_t i = 0; i < cs_probe_payload_count; i++) {
		size_t n;
		const char *t = cs_probe_payload_template(cs_probe_payload_names[i], &n);
		REQUIRE(t != NULL);
		CHECK(cs_probe_payload_forbidden(t, n) == NULL);
	}
}

TEST(probe_payload_forbidden_examples)
{
	static const struct {
		const char *text;
		bool forbidden;
	} cases[] = {
		{"{\"password\":\"\"}", false},
		{"{\"password\" : \"\"}", false},
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", false},
		{"{\"password\":\"admin\"}", true},
		{"{\"password\" :\"x\"}", true},
		{"{\"password\":null}", true},
		{"{\"Password\":\"x\"}", true},
		{"GET / HTTP/1.1\r\nauthorization: Digest x\r\n\r\n", true},
		{"PUT /SDK/webLanguage HTTP/1.1\r\n\r\n", true},
		{"GET /Security/users?auth=YWRtaW46MTEK HTTP/1.1\r\n\r\n", true},
		{"GET /ISAPI/Security/userCheck HTTP/1.1\r\n\r\n", true},
		{"<wsse:Security><wsse:UsernameToken/></wsse:Security>", true},
		{"<tt:Password>12345</tt:Password>", true},
		{"{\"clientType\":\"NetKeyboard\"}", true},
		{"{\"loginType\":\"Loopback\"}", true},
		{"<tds:SetSystemFactoryDefault/>", true},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		const char *why = cs_probe_payload_forbidden(cases[i].text, strlen(cases[i].text));
		if ((why != NULL) != cases[i].forbidden)
			cs_test_fail(__FILE__, __LINE__, "'%s': %s", cases[i].text,
				     why != NULL ? why : "allowed");
	}
}

/* ---- the registry ---- */

TEST(probe_registry_ports_and_names)
{
	CHECK_INT(cs_nprobes, 5);
	for (size_t i = 0; i < cs_nprobes; i++) {
		const struct cs_probe *p = cs_probes[i];
		REQUIRE(p != NULL && p->name != NULL && p->summary != NULL);
		CHECK(p->request != NULL && p->complete != NULL && p->recognise != NULL &&
		      p->observe != NULL);
		CHECK(cs_probe_find(p->name) == p);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(cs_probes[j]->name, p->name) != 0);
	}
	CHECK(cs_probe_find("nope") == NULL);
	CHECK(cs_probe_find(NULL) == NULL);

	static const struct {
		uint16_t port;
		const char *probe;
		bool tls;
	} ports[] = {
		{80, "http", false},   {81, "http", false},	 {8080, "http", false},
		{443, "http", true},   {8443, "http", true},	 {554, "rtsp", false},
		{8554, "rtsp", false}, {8000, "hik-sdk", false}, {37777, "dahua-dvrip", false},
		{22, NULL, false},     {0, NULL, false},	 {65535, NULL, false},
		{37810, NULL, false},
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(ports); i++) {
		bool tls = !ports[i].tls;
		const struct cs_probe *p = cs_probe_for_port(ports[i].port, &tls);
		const char *got = p != NULL ? p->name : NULL;
		if ((got == NULL) != (ports[i].probe == NULL) ||
		    (got != NULL && strcmp(got, ports[i].probe) != 0) || tls != ports[i].tls)
			cs_test_fail(__FILE__, __LINE__, "port %u: %s tls=%d", ports[i].port,
				     got != NULL ? got : "NULL", tls);
	}
	CHECK(cs_probe_for_port(443, NULL) == cs_probe_find("http"));

	/* The default ports, in order (the first ones decide whether an address is in use: the
	 * ports nearly every camera answers come first), and each has a probe to start with. */
	static const uint16_t want[] = {80, 554, 443, 8000, 37777, 81, 8080, 8443, 8554};
	CHECK_INT(cs_ndefault_ports, CS_ARRAY_SIZE(want));
	for (size_t i = 0; i < cs_ndefault_ports && i < CS_ARRAY_SIZE(want); i++) {
		CHECK_INT(cs_default_ports[i], want[i]);
		CHECK(cs_probe_for_port(cs_default_ports[i], NULL) != NULL);
	}
	/* Every payload the probes name is loaded, and every loaded payload is used. */
	payloads_setup();
	CHECK_INT(cs_probe_payload_count, 10);
}

/* Which later questions the http probe still asks, given what a host has said. */
TEST(probe_http_skips_only_questions_that_cannot_change_the_verdict)
{
	const struct cs_probe *p = cs_probe_find("http");
	REQUIRE(p != NULL && p->wanted != NULL);
	const struct cs_probe_hint none = {NULL, false};
	const struct cs_probe_hint hik_hw = {"Hikvision", true};
	const struct cs_probe_hint dahua_hw = {"Dahua", true};
	const struct cs_probe_hint label = {"Hikvision", false}; /* a brand on a label only */
	/* step: 1 favicon, 2 ISAPI, 3 RPC2, 4 ONVIF time, 5 ONVIF device information */
	static const struct {
		int step;
		bool none, hik_hw, dahua_hw, label;
	} want[] = {
		{1, true, false, false, false}, {2, true, false, false, true},
		{3, true, false, true, true},	{4, true, false, false, true},
		{5, true, true, true, true},	{6, true, true, true, true}, /* no such step */
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(want); i++) {
		int s = want[i].step;
		if (p->wanted(s, &none) != want[i].none ||
		    p->wanted(s, &hik_hw) != want[i].hik_hw ||
		    p->wanted(s, &dahua_hw) != want[i].dahua_hw ||
		    p->wanted(s, &label) != want[i].label)
			cs_test_fail(__FILE__, __LINE__, "step %d: %d %d %d %d", s,
				     p->wanted(s, &none), p->wanted(s, &hik_hw),
				     p->wanted(s, &dahua_hw), p->wanted(s, &label));
	}
	/* The other probes ask everything they have. */
	CHECK(cs_probe_find("rtsp")->wanted == NULL);
}

/* The UDP probes: registered apart from the TCP ones, each with its port and one inquiry. */
TEST(probe_udp_probes_send_one_inquiry)
{
	struct cs_err err;
	const char *dd = getenv("CS_DATA_DIR") ? getenv("CS_DATA_DIR") : "data";
	REQUIRE(cs_probe_data_load(dd, &err) == CS_OK);
	REQUIRE(cs_disc_load(dd, &err) == CS_OK);
	struct cs_probe_target t = {0x7f000001, 10001, "127.0.0.1", false};
	char buf[CS_PROBE_REQ_MAX];
	size_t len = 0;
	CHECK(cs_nudp_probes >= 1);
	for (size_t i = 0; i < cs_nudp_probes; i++) {
		const struct cs_probe *p = cs_udp_probes[i];
		CHECK(p->udp_port != 0);
		CHECK(!p->recognise("HTTP/1.1 200 OK\r\n\r\n", 19));
		CHECK_INT(p->request(&t, 0, buf, sizeof(buf), &len), CS_OK);
		CHECK(len > 0);
		CHECK_INT(p->request(&t, 1, buf, sizeof(buf), &len), CS_ENOTFOUND);
		for (size_t k = 0; k < cs_nprobes; k++)
			CHECK(cs_probes[k] != p);
	}
	for (size_t i = 0; i < cs_ndefault_udp_probes; i++) {
		bool known = false;
		for (size_t k = 0; k < cs_nudp_probes; k++)
			known |= strcmp(cs_udp_probes[k]->name, cs_default_udp_probes[i]) == 0;
		CHECK(known);
	}
	const struct cs_probe *ubnt = NULL;
	for (size_t k = 0; k < cs_nudp_probes; k++)
		if (strcmp(cs_udp_probes[k]->name, "ubnt") == 0)
			ubnt = cs_udp_probes[k];
	REQUIRE(ubnt != NULL);
	CHECK_INT(ubnt->udp_port, 10001);
	CHECK_INT(ubnt->request(&t, 0, buf, sizeof(buf), &len), CS_OK);
	CHECK_INT(len, 4);
	CHECK(memcmp(buf, "\x01\x00\x00\x00", 4) == 0);
	cs_probe_data_free();
	cs_disc_free();
}
