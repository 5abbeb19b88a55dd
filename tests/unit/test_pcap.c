/*
 * test_pcap.c - `camsweep pcap` end to end: captures written here with libpcap (Ethernet with
 * VLAN tags, Linux cooked v1/v2, raw IP; IPv4 and IPv6; UDP discovery, TCP HTTP/RTSP/TLS, DHCP,
 * DNS), the built binary run on them, and its JSON lines parsed back with jansson. Also the
 * real captures in ../shared/reference/pcap when present, and --live on a namespace's lo.
 */
#include "pcap_frames.h"
#include "test.h"

#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct fr_addr hik = {{0x58, 0x50, 0xed, 0x1f, 0xe3, 0x85}, 4, {192, 168, 1, 64}, 0};
static const struct fr_addr dahua = {
	{0x3c, 0xef, 0x8c, 0x61, 0x01, 0xc0}, 4, {192, 168, 1, 108}, 0};
static const struct fr_addr pc = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}, 4, {192, 168, 1, 10}, 0};
static const struct fr_addr mcast = {
	{0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa}, 4, {239, 255, 255, 250}, 0};

static struct fr fr;

static bool have_binary(void)
{
	struct stat st;
	const char *bin = getenv("CS_TEST_BIN");
	return bin != NULL && stat(bin, &st) == 0;
}

static struct fr_addr at(struct fr_addr a, uint16_t port)
{
	a.port = port;
	return a;
}

static char *tmpdir(void)
{
	static char d[64];
	snprintf(d, sizeof(d), "/tmp/cs-pcap-XXXXXX");
	return mkdtemp(d);
}

/* Run `camsweep pcap` on args; parse every stdout line; return a JSON array of the objects. */
static json_t *run_pcap(const char *args, int *status, char **errout)
{
	char cmd[4096], *out = NULL, *err = NULL;
	snprintf(cmd, sizeof(cmd), "--data-dir data pcap --no-store --format jsonl %s", args);
	*status = cs_test_run_cli(cmd, NULL, &out, &err);
	json_t *arr = json_array();
	for (char *line = out, *nl; line != NULL && *line != '\0'; line = nl) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		json_error_t je;
		json_t *j = json_loads(line, 0, &je);
		if (j == NULL)
			cs_test_fail(__FILE__, __LINE__, "not JSON (%s): %s", je.text, line);
		else
			json_array_append_new(arr, j);
	}
	if (errout != NULL)
		*errout = err;
	else
		free(err);
	free(out);
	return arr;
}

static json_t *by_mac(json_t *arr, const char *mac)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		const char *m = json_string_value(json_object_get(o, "mac"));
		if (m != NULL && strcmp(m, mac) == 0)
			return o;
	}
	return NULL;
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static bool has_evidence(json_t *dev, const char *signal, const char *value_part)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(dev, "evidence"), i, e)
	{
		const char *s = str(e, "signal"), *v = str(e, "value");
		if (s != NULL && strcmp(s, signal) == 0 && v != NULL &&
		    strstr(v, value_part) != NULL)
			return true;
	}
	return false;
}

static bool has_port(json_t *dev, int port, const char *proto)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(dev, "ports"), i, p)
	{
		const char *pr = str(p, "proto");
		if (json_integer_value(json_object_get(p, "port")) == port && pr != NULL &&
		    strcmp(pr, proto) == 0)
			return true;
	}
	return false;
}

/* A DNS query for name from src to a resolver. */
static void dns_query(struct fr_file *w, const struct fr_addr *src, const char *name)
{
	uint8_t q[300] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
	size_t o = 12;
	const char *p = name;
	while (*p != '\0') {
		const char *dot = strchr(p, '.');
		size_t l = dot != NULL ? (size_t)(dot - p) : strlen(p);
		q[o++] = (uint8_t)l;
		memcpy(q + o, p, l);
		o += l;
		p += l + (dot != NULL);
	}
	q[o++] = 0;
	q[o++] = 0, q[o++] = 1, q[o++] = 0, q[o++] = 1;
	struct fr_addr s = at(*src, 40000), d = at(pc, 53);
	d.ip[3] = 1;
	fr_udp(&fr, &s, &d, 0, q, o);
	fr_write(w, &fr, FR_MAX);
}

/* DER of a fixture certificate (PEM); caller frees. */
static unsigned char *fixture_der(const char *name, int *len)
{
	size_t n;
	char *pem = cs_test_read_fixture(name, &n);
	if (pem == NULL)
		return NULL;
	BIO *b = BIO_new_mem_buf(pem, (int)n);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	unsigned char *der = NULL;
	*len = x != NULL ? i2d_X509(x, &der) : -1;
	X509_free(x);
	BIO_free(b);
	free(pem);
	return *len > 0 ? der : NULL;
}

/* ServerHello, then Certificate split over two records, as a server sends them. */
static size_t tls_server_flight(uint8_t *out, const unsigned char *der, size_t dn)
{
	size_t o = 0;
	static const uint8_t sh[] = {22, 3, 3, 0, 42, 2, 0, 0, 38, 3, 3};
	memcpy(out, sh, sizeof(sh));
	memset(out + sizeof(sh), 0x11, 32);
	out[sizeof(sh) + 32] = 0;    /* session id length */
	out[sizeof(sh) + 33] = 0xc0; /* cipher suite */
	out[sizeof(sh) + 34] = 0x2f;
	out[sizeof(sh) + 35] = 0; /* compression */
	o = 5 + 42;
	/* Certificate handshake: 11, len(3), certs_len(3), cert_len(3), der */
	uint8_t hs[8192];
	size_t hl = 0;
	size_t body = 3 + 3 + dn;
	hs[hl++] = 11;
	hs[hl++] = (uint8_t)(body >> 16), hs[hl++] = (uint8_t)(body >> 8), hs[hl++] = (uint8_t)body;
	hs[hl++] = (uint8_t)((3 + dn) >> 16), hs[hl++] = (uint8_t)((3 + dn) >> 8),
	hs[hl++] = (uint8_t)(3 + dn);
	hs[hl++] = (uint8_t)(dn >> 16), hs[hl++] = (uint8_t)(dn >> 8), hs[hl++] = (uint8_t)dn;
	memcpy(hs + hl, der, dn);
	hl += dn;
	size_t half = hl / 2;
	for (int r = 0; r < 2; r++) {
		size_t a = r == 0 ? 0 : half, l = r == 0 ? half : hl - half;
		out[o] = 22, out[o + 1] = 3, out[o + 2] = 3;
		out[o + 3] = (uint8_t)(l >> 8), out[o + 4] = (uint8_t)l;
		memcpy(out + o + 5, hs + a, l);
		o += 5 + l;
	}
	return o;
}

static const char http_resp[] =
	"HTTP/1.1 401 Unauthorized\r\n"
	"Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
	"Server: App-webs/\r\n"
	"WWW-Authenticate: Digest qop=\"auth\", realm=\"IP Camera(C1234)\", "
	"nonce=\"4e5445354d7a49\"\r\n"
	"Content-Length: 0\r\n\r\n";

TEST(pcap_identifies_hikvision_from_sadp_http_tls_and_dns)
{
	if (!have_binary())
		return;
	char *dir = tmpdir(), path[128];
	REQUIRE(dir != NULL);
	snprintf(path, sizeof(path), "%s/hik.pcap", dir);
	struct fr_file *w = fr_open(path, 1);
	REQUIRE(w != NULL);

	/* SADP reply, 802.1Q tagged, to the multicast group. */
	size_t n;
	char *sadp = cs_test_read_fixture("sadp/probematch-ds2cd2143.xml", &n);
	REQUIRE(sadp != NULL);
	struct fr_addr s = at(hik, 37020), d = at(mcast, 37020);
	fr_udp(&fr, &s, &d, 42, sadp, n);
	fr_write(w, &fr, FR_MAX);
	free(sadp);

	/* HTTP 401 from port 80 in two segments, the second sent first (reordered). */
	struct fr_addr cli = at(pc, 50000), srv = at(hik, 80);
	fr_tcp(&fr, &cli, &srv, 0x02, 1000, NULL, 0);
	fr_write(w, &fr, FR_MAX);
	fr_tcp(&fr, &srv, &cli, 0x12, 5000, NULL, 0);
	fr_write(w, &fr, FR_MAX);
	const char req[] = "GET / HTTP/1.1\r\nHost: 192.168.1.64\r\nUser-Agent: test\r\n\r\n";
	fr_tcp(&fr, &cli, &srv, 0x18, 1001, req, sizeof(req) - 1);
	fr_write(w, &fr, FR_MAX);
	size_t half = 40;
	fr_tcp(&fr, &srv, &cli, 0x18, 5001, http_resp, half);
	fr_write(w, &fr, FR_MAX);
	fr_tcp(&fr, &srv, &cli, 0x18, 5001 + (uint32_t)half, http_resp + half,
	       sizeof(http_resp) - 1 - half);
	fr_write(w, &fr, FR_MAX);
	fr_tcp(&fr, &srv, &cli, 0x18, 5001 + 10, http_resp + 10, 20); /* a retransmission */
	fr_write(w, &fr, FR_MAX);

	/* TLS 1.2 on 443 with Hikvision's certificate. */
	int dl;
	unsigned char *der = fixture_der("tls/hikvision.pem", &dl);
	REQUIRE(der != NULL);
	static uint8_t flight[9000];
	size_t fl = tls_server_flight(flight, der, (size_t)dl);
	OPENSSL_free(der);
	struct fr_addr cli2 = at(pc, 50001), srv2 = at(hik, 443);
	fr_tcp(&fr, &cli2, &srv2, 0x02, 1, NULL, 0);
	fr_write(w, &fr, FR_MAX);
	fr_tcp(&fr, &srv2, &cli2, 0x12, 9, NULL, 0);
	fr_write(w, &fr, FR_MAX);
	for (size_t o = 0; o < fl; o += 1400) {
		size_t l = fl - o < 1400 ? fl - o : 1400;
		fr_tcp(&fr, &srv2, &cli2, 0x10, 10 + (uint32_t)o, flight + o, l);
		fr_write(w, &fr, FR_MAX);
	}

	/* The camera looks up its cloud. */
	dns_query(w, &hik, "litedev.hik-connect.com");
	fr_close(w);

	int st;
	char args[256];
	snprintf(args, sizeof(args), "%s", path);
	json_t *all = run_pcap(args, &st, NULL);
	CHECK_INT(st, 0);
	json_t *dev = by_mac(all, "58:50:ed:1f:e3:85");
	REQUIRE(dev != NULL);
	CHECK_STR(str(dev, "manufacturer"), "Hikvision");
	CHECK_STR(str(dev, "model"), "DS-2CD2143G2-I");
	CHECK_STR(str(dev, "serial"), "DS-2CD2143G2-I20220123AAWRD12345678");
	CHECK_STR(str(dev, "ip"), "192.168.1.64");
	CHECK(json_is_null(json_object_get(dev, "scan_id")));
	CHECK(has_evidence(dev, "http.server", "App-webs/"));
	CHECK(has_evidence(dev, "tls.subject", "hikvision") ||
	      has_evidence(dev, "tls.issuer", "HIKVISION") ||
	      has_evidence(dev, "tls.subject", "HIKVISION"));
	CHECK(has_port(dev, 37020, "sadp"));
	CHECK(has_port(dev, 80, "http"));
	CHECK(has_port(dev, 443, "tls"));
	json_t *cloud = json_object_get(dev, "contacts_vendor_cloud");
	REQUIRE(json_array_size(cloud) == 1);
	CHECK_STR(str(json_array_get(cloud, 0), "service"), "Hik-Connect");
	CHECK_STR(str(json_array_get(cloud, 0), "name"), "litedev.hik-connect.com");
	CHECK_STR(str(json_array_get(cloud, 0), "seen_in"), "dns");
	/* The PC only asked: it is not reported (no --all). */
	CHECK(by_mac(all, "02:00:00:00:00:01") == NULL);
	json_decref(all);
	unlink(path);
	rmdir(dir);
}

/* The same DHIP reply over IPv6 on every link type: Dahua each time. */
TEST(pcap_dhip_over_every_link_type)
{
	if (!have_binary())
		return;
	static const int links[] = {1, 113, 276, 12}; /* 12: DLT_RAW, written as LINKTYPE_RAW */
	size_t n;
	char *dhip = cs_test_read_fixture("dhip/notifydevinfo.bin", &n);
	REQUIRE(dhip != NULL);
	char *dir = tmpdir();
	REQUIRE(dir != NULL);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "%s/dhip-%d.pcap", dir, links[i]);
		struct fr_file *w = fr_open(path, links[i]);
		CHECK(w != NULL);
		if (w == NULL)
			break;
		struct fr_addr s = at(dahua, 37810), d = at(mcast, 37810);
		s.ver = d.ver = 6;
		static const uint8_t ll[16] = {0xfe, 0x80, 0,	 0,    0,    0,	   0,	 0,
					       0x3e, 0xef, 0x8c, 0xff, 0xfe, 0x61, 0x01, 0xc0};
		static const uint8_t ff02[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
						 0,    0,    0, 0, 0, 0, 0, 0x0c};
		memcpy(s.ip, ll, 16);
		memcpy(d.ip, ff02, 16);
		fr_udp(&fr, &s, &d, i == 0 ? 7 : 0, dhip, n);
		if (links[i] != 1)
			fr_relink(&fr, links[i]);
		fr_write(w, &fr, FR_MAX);
		fr_close(w);
		int st;
		json_t *all = run_pcap(path, &st, NULL);
		CHECK_INT(st, 0);
		CHECK_INT(json_array_size(all), 1);
		json_t *dev = json_array_get(all, 0);
		if (dev == NULL) {
			json_decref(all);
			break;
		}
		CHECK_STR(str(dev, "manufacturer"), "Dahua");
		CHECK(has_evidence(dev, "proto", "dhip"));
		CHECK(has_port(dev, 37810, "dhip"));
		CHECK_STR(str(dev, "ip"), "fe80::3eef:8cff:fe61:1c0");
		if (links[i] == 12) /* raw IP: no MAC from the link, only from the reply */
			CHECK_STR(str(dev, "mac"), "3c:ef:8c:61:01:c0");
		json_decref(all);
		unlink(path);
	}
	free(dhip);
	rmdir(dir);
}

TEST(pcap_dhcp_hostname_and_vendor_class)
{
	if (!have_binary())
		return;
	uint8_t b[400];
	memset(b, 0, sizeof(b));
	static const uint8_t axis[6] = {0x00, 0x40, 0x8c, 0x12, 0x34, 0x56};
	b[0] = 1, b[1] = 1, b[2] = 6;
	memcpy(b + 28, axis, 6);
	b[236] = 0x63, b[237] = 0x82, b[238] = 0x53, b[239] = 0x63;
	size_t o = 240;
	b[o++] = 53, b[o++] = 1, b[o++] = 3;
	const char host[] = "axis-00408c123456", vc[] = "AXIS,Network Camera,P1375,10.12.199";
	b[o++] = 12, b[o++] = (uint8_t)(sizeof(host) - 1);
	memcpy(b + o, host, sizeof(host) - 1), o += sizeof(host) - 1;
	b[o++] = 60, b[o++] = (uint8_t)(sizeof(vc) - 1);
	memcpy(b + o, vc, sizeof(vc) - 1), o += sizeof(vc) - 1;
	b[o++] = 55, b[o++] = 3, b[o++] = 1, b[o++] = 3, b[o++] = 6;
	b[o++] = 255;
	char *dir = tmpdir(), path[128];
	REQUIRE(dir != NULL);
	snprintf(path, sizeof(path), "%s/dhcp.pcap", dir);
	struct fr_file *w = fr_open(path, 1);
	REQUIRE(w != NULL);
	struct fr_addr s = {{0}, 4, {0, 0, 0, 0}, 68}, d = {{0}, 4, {255, 255, 255, 255}, 67};
	memcpy(s.mac, axis, 6);
	memset(d.mac, 0xff, 6);
	fr_udp(&fr, &s, &d, 0, b, o);
	fr_write(w, &fr, FR_MAX);
	fr_close(w);
	int st;
	json_t *all = run_pcap(path, &st, NULL);
	CHECK_INT(st, 0);
	json_t *dev = by_mac(all, "00:40:8c:12:34:56");
	REQUIRE(dev != NULL);
	CHECK_STR(str(dev, "manufacturer"), "Axis");
	CHECK_STR(str(dev, "model"), "P1375");
	CHECK(has_evidence(dev, "dhcp.vendor", "AXIS,Network Camera"));
	CHECK(json_is_null(json_object_get(dev, "ip"))); /* 0.0.0.0 is no address */
	json_decref(all);
	unlink(path);
	rmdir(dir);
}

/* A file cut in the middle of a record, a snaplen shorter than the frames, a TCP gap. */
TEST(pcap_truncated_capture_keeps_what_was_read)
{
	if (!have_binary())
		return;
	char *dir = tmpdir(), path[128];
	REQUIRE(dir != NULL);
	snprintf(path, sizeof(path), "%s/cut.pcap", dir);
	struct fr_file *w = fr_open(path, 1);
	REQUIRE(w != NULL);
	const char notify[] = "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
			      "SERVER: Linux,    UPnP/1.0 DCS-935L/1.0\r\nNTS: ssdp:alive\r\n\r\n";
	static const struct fr_addr dl = {
		{0xb0, 0xc5, 0x54, 0x25, 0x5b, 0x0e}, 4, {192, 168, 0, 20}, 1900};
	struct fr_addr d = at(mcast, 1900);
	fr_udp(&fr, &dl, &d, 0, notify, sizeof(notify) - 1);
	fr_write(w, &fr, FR_MAX);
	/* An RTSP reply after a gap: nothing of it may be used. */
	struct fr_addr cli = at(pc, 40000), srv = at(dahua, 554);
	fr_tcp(&fr, &srv, &cli, 0x18, 100, "RTSP/1.0 200", 12);
	fr_write(w, &fr, FR_MAX);
	const char rest[] = " OK\r\nServer: Dahua Rtsp Server\r\n\r\n";
	fr_tcp(&fr, &srv, &cli, 0x18, 100 + 12 + 50, rest, sizeof(rest) - 1);
	fr_write(w, &fr, FR_MAX);
	/* A frame cut to 30 bytes by the snaplen. */
	fr_udp(&fr, &dl, &d, 0, notify, sizeof(notify) - 1);
	fr_write(w, &fr, 30);
	fr_udp(&fr, &dl, &d, 0, notify, sizeof(notify) - 1);
	fr_write(w, &fr, FR_MAX);
	fr_close(w);
	struct stat sb;
	REQUIRE(stat(path, &sb) == 0);
	REQUIRE(truncate(path, sb.st_size - 20) == 0);
	int st;
	char *err = NULL;
	json_t *all = run_pcap(path, &st, &err);
	CHECK_INT(st, 0);
	CHECK(err != NULL && strstr(err, "cut short") != NULL);
	json_t *dev = by_mac(all, "b0:c5:54:25:5b:0e");
	REQUIRE(dev != NULL);
	CHECK_STR(str(dev, "manufacturer"), "D-Link");
	CHECK_STR(str(dev, "model"), "DCS-935L");
	/* The Dahua side said nothing usable: only its MAC, and "Dahua Rtsp Server" never. */
	json_t *dh = by_mac(all, "3c:ef:8c:61:01:c0");
	CHECK(dh == NULL || !has_evidence(dh, "rtsp.server", "Dahua"));
	free(err);
	json_decref(all);
	unlink(path);
	rmdir(dir);
}

TEST(pcap_usage_and_bad_files)
{
	if (!have_binary())
		return;
	char *out, *err;
	CHECK_INT(cs_test_run_cli("pcap", NULL, &out, &err), 2);
	free(out), free(err);
	CHECK_INT(cs_test_run_cli("pcap --live lo x.pcap", NULL, &out, &err), 2);
	free(out), free(err);
	CHECK_INT(cs_test_run_cli("pcap --no-store --count 5 x.pcap", NULL, &out, &err), 2);
	free(out), free(err);
	CHECK_INT(cs_test_run_cli("--data-dir data pcap --no-store /nonexistent.pcap", NULL, &out,
				  &err),
		  1);
	CHECK(strstr(err, "/nonexistent.pcap") != NULL);
	free(out), free(err);
	/* Not a capture at all. */
	CHECK_INT(cs_test_run_cli("--data-dir data pcap --no-store data/makers.tsv", NULL, &out,
				  &err),
		  1);
	free(out), free(err);
}

/* Recorded in the inventory like a scan, then listed by `devices`. */
TEST(pcap_stores_devices)
{
	if (!have_binary())
		return;
	char *dir = tmpdir(), path[128], db[128], cmd[512];
	REQUIRE(dir != NULL);
	snprintf(path, sizeof(path), "%s/s.pcap", dir);
	snprintf(db, sizeof(db), "%s/inv.db", dir);
	struct fr_file *w = fr_open(path, 1);
	REQUIRE(w != NULL);
	size_t n;
	char *sadp = cs_test_read_fixture("sadp/probematch-ds2cd2143.xml", &n);
	REQUIRE(sadp != NULL);
	struct fr_addr s = at(hik, 37020), d = at(mcast, 37020);
	fr_udp(&fr, &s, &d, 0, sadp, n);
	fr_write(w, &fr, FR_MAX);
	free(sadp);
	fr_close(w);
	char *out, *err;
	snprintf(cmd, sizeof(cmd), "--data-dir data --db %s pcap --format jsonl %s", db, path);
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, &err), 0);
	json_t *j = json_loads(out, 0, NULL);
	CHECK(j != NULL && json_integer_value(json_object_get(j, "scan_id")) > 0);
	json_decref(j);
	free(out), free(err);
	snprintf(cmd, sizeof(cmd), "--data-dir data --db %s devices --format json", db);
	CHECK_INT(cs_test_run_cli(cmd, NULL, &out, &err), 0);
	CHECK(strstr(out, "DS-2CD2143G2-I20220123AAWRD12345678") != NULL);
	free(out), free(err);
	unlink(path);
	unlink(db);
	rmdir(dir);
}

TEST(pcap_real_captures_when_present)
{
	const char *ref = cs_test_shared_reference();
	char path[1024];
	struct stat sb;
	if (!have_binary() || ref == NULL)
		return;
	snprintf(path, sizeof(path), "%s/pcap/iotsentinel_D-LinkCam_DCS-935L_Setup-A-1-STA.pcap",
		 ref);
	if (stat(path, &sb) != 0) {
		printf("SKIP pcap real captures: not present\n");
		return;
	}
	int st;
	json_t *all = run_pcap(path, &st, NULL);
	CHECK_INT(st, 0);
	json_t *cam = by_mac(all, "b0:c5:54:25:5b:0e");
	REQUIRE(cam != NULL);
	CHECK_STR(str(cam, "manufacturer"), "D-Link");
	CHECK_STR(str(cam, "model"), "DCS-935L");
	CHECK_STR(str(cam, "device_type"), "camera");
	CHECK(has_evidence(cam, "hostname", "DCS-935L"));
	json_decref(all);
	/* VLC's RTSP server on a PC is not a camera. */
	snprintf(path, sizeof(path), "%s/pcap/ndpi_rtsp_vlc_server.pcap", ref);
	if (stat(path, &sb) == 0) {
		all = run_pcap(path, &st, NULL);
		CHECK_INT(st, 0);
		size_t i;
		json_t *o;
		json_array_foreach(all, i, o) CHECK(strcmp(str(o, "device_type"), "camera") != 0);
		json_decref(all);
	}
}

/* --live on lo inside a new network namespace, with an SSDP NOTIFY sent to 127.0.0.1. */
TEST(pcap_live_on_loopback_namespace)
{
	if (!have_binary())
		return;
	if (geteuid() != 0 || system("unshare -n true 2>/dev/null") != 0) {
		printf("SKIP pcap --live: needs root and unshare\n");
		return;
	}
	char *dir = tmpdir(), script[128], outp[128], cmd[1024];
	REQUIRE(dir != NULL);
	snprintf(script, sizeof(script), "%s/live.sh", dir);
	snprintf(outp, sizeof(outp), "%s/out.jsonl", dir);
	FILE *f = fopen(script, "w");
	REQUIRE(f != NULL);
	fprintf(f, "ip link set lo up\n"
		   "\"$1\" --data-dir data pcap --no-store --format jsonl --live lo --duration 3 "
		   "-o \"$2\" &\n"
		   "sleep 1\n"
		   "printf 'NOTIFY * HTTP/1.1\\r\\nHOST: 127.0.0.1:1900\\r\\n"
		   "SERVER: Linux,    UPnP/1.0 DCS-935L/1.0\\r\\nNTS: ssdp:alive\\r\\n\\r\\n' "
		   ">\"$2.msg\"\n"
		   "# cat sends the file in one write, so one datagram\n"
		   "for i in 1 2 3; do cat \"$2.msg\" >/dev/udp/127.0.0.1/1900; sleep 0.2; done\n"
		   "wait\n");
	fclose(f);
	snprintf(cmd, sizeof(cmd), "unshare -n bash %s %s %s", script, getenv("CS_TEST_BIN"), outp);
	CHECK_INT(system(cmd), 0);
	json_error_t je;
	json_t *j = json_load_file(outp, JSON_DISABLE_EOF_CHECK, &je);
	REQUIRE(j != NULL);
	CHECK_STR(str(j, "ip"), "127.0.0.1");
	CHECK_STR(str(j, "manufacturer"), "D-Link");
	CHECK(has_port(j, 1900, "ssdp"));
	json_decref(j);
	unlink(script);
	unlink(outp);
	snprintf(cmd, sizeof(cmd), "%s.msg", outp);
	unlink(cmd);
	rmdir(dir);
}

static void le32w(FILE *f, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	fwrite(b, 1, 4, f);
}

/* pcapng (section header, interface description, one enhanced packet block), written by hand:
 * libpcap's dumper only writes pcap. */
TEST(pcap_reads_pcapng)
{
	if (!have_binary())
		return;
	char *dir = tmpdir(), path[128];
	REQUIRE(dir != NULL);
	snprintf(path, sizeof(path), "%s/ssdp.pcapng", dir);
	const char notify[] = "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
			      "SERVER: Linux,    UPnP/1.0 DCS-935L/1.0\r\nNTS: ssdp:alive\r\n\r\n";
	static const struct fr_addr dl = {
		{0xb0, 0xc5, 0x54, 0x25, 0x5b, 0x0e}, 6, {0xfe, 0x80, [15] = 1}, 1900};
	struct fr_addr d = at(mcast, 1900);
	d.ver = 6;
	memset(d.ip, 0, 16);
	d.ip[0] = 0xff, d.ip[1] = 0x02, d.ip[15] = 0x0c;
	fr_udp(&fr, &dl, &d, 0, notify, sizeof(notify) - 1);
	FILE *f = fopen(path, "wb");
	REQUIRE(f != NULL);
	le32w(f, 0x0a0d0d0a), le32w(f, 28), le32w(f, 0x1a2b3c4d), le32w(f, 1);
	le32w(f, 0xffffffff), le32w(f, 0xffffffff), le32w(f, 28);
	le32w(f, 1), le32w(f, 20), le32w(f, 1), le32w(f, 65535), le32w(f, 20);
	size_t pad = (4 - fr.n % 4) % 4;
	uint32_t tot = (uint32_t)(32 + fr.n + pad);
	le32w(f, 6), le32w(f, tot), le32w(f, 0), le32w(f, 0), le32w(f, 0);
	le32w(f, (uint32_t)fr.n), le32w(f, (uint32_t)fr.n);
	fwrite(fr.b, 1, fr.n, f);
	fwrite("\0\0\0", 1, pad, f);
	le32w(f, tot);
	fclose(f);
	int st;
	json_t *all = run_pcap(path, &st, NULL);
	CHECK_INT(st, 0);
	json_t *dev = by_mac(all, "b0:c5:54:25:5b:0e");
	REQUIRE(dev != NULL);
	CHECK_STR(str(dev, "model"), "DCS-935L");
	CHECK_STR(str(dev, "ip"), "fe80::1");
	json_decref(all);
	unlink(path);
	rmdir(dir);
}

/* Vendor cloud contacts by TLS server name, HTTP Host, and a connection to an address that a
 * DNS answer gave for a cloud name (the connecting host never asked DNS itself). */
TEST(pcap_cloud_contacts_sni_host_and_connect)
{
	if (!have_binary())
		return;
	char *dir = tmpdir(), path[128];
	REQUIRE(dir != NULL);
	snprintf(path, sizeof(path), "%s/cloud.pcap", dir);
	struct fr_file *w = fr_open(path, 1);
	REQUIRE(w != NULL);
	struct fr_addr cloud = {{0x02, 0, 0, 0, 0, 0xfe}, 4, {203, 0, 113, 9}, 443};
	/* Dahua camera: a ClientHello naming an Imou server. Up to the extensions' length: */
	static const uint8_t head[52] = {22, 3, 1, 0,	 0, 1, 0, 0, 0, 3, 3, [11 ... 42] = 7,
					 0,  0, 2, 0x13, 1, 1, 0};
	static const char name[] = "p2p.imoulife.com";
	struct fr_addr s = at(dahua, 41000);
	uint8_t chn[200];
	size_t o = sizeof(head);
	memcpy(chn, head, sizeof(head));
	size_t nl = sizeof(name) - 1;
	chn[o++] = 0, chn[o++] = 0;			    /* ext type server_name */
	chn[o++] = 0, chn[o++] = (uint8_t)(nl + 5);	    /* ext len */
	chn[o++] = 0, chn[o++] = (uint8_t)(nl + 3);	    /* list len */
	chn[o++] = 0, chn[o++] = 0, chn[o++] = (uint8_t)nl; /* host_name, len */
	memcpy(chn + o, name, nl);
	o += nl;
	chn[3] = 0, chn[4] = (uint8_t)(o - 5);
	chn[6] = 0, chn[7] = 0, chn[8] = (uint8_t)(o - 9);
	chn[50] = 0, chn[51] = (uint8_t)(o - 52);
	fr_tcp(&fr, &s, &cloud, 0x02, 7, NULL, 0);
	fr_write(w, &fr, FR_MAX);
	fr_tcp(&fr, &s, &cloud, 0x18, 8, chn, o);
	fr_write(w, &fr, FR_MAX);
	/* Hikvision camera: HTTP request with a Host header of EZVIZ's cloud. */
	const char req[] = "POST /api HTTP/1.1\r\nHost: litedev.ezvizlife.com:80\r\n\r\n";
	struct fr_addr hs = at(hik, 42000), hd = cloud;
	hd.port = 80;
	fr_tcp(&fr, &hs, &hd, 0x18, 1, req, sizeof(req) - 1);
	fr_write(w, &fr, FR_MAX);
	/* The resolver answers the PC: xmeye.net is 198.51.100.77; a third camera connects. */
	uint8_t ans[] = {0x12, 0x34, 0x81, 0x80, 0,   1,   0,	1, 0, 0,   0,  0,   5,	  'x',	'm',
			 'e',  'y',  'e',  3,	 'n', 'e', 't', 0, 0, 1,   0,  1,   0xc0, 0x0c, 0,
			 1,    0,    1,	   0,	 0,   0,   60,	0, 4, 198, 51, 100, 77};
	struct fr_addr res = at(pc, 53), q = at(pc, 33333);
	res.ip[3] = 1, res.mac[5] = 0x53;
	fr_udp(&fr, &res, &q, 0, ans, sizeof(ans));
	fr_write(w, &fr, FR_MAX);
	struct fr_addr xm = {{0x00, 0x12, 0x41, 0, 0, 1}, 4, {192, 168, 1, 150}, 43000};
	struct fr_addr xs = {{0x02, 0, 0, 0, 0, 0xfe}, 4, {198, 51, 100, 77}, 34567};
	fr_tcp(&fr, &xm, &xs, 0x02, 1, NULL, 0);
	fr_write(w, &fr, FR_MAX);
	fr_close(w);
	int st;
	json_t *all = run_pcap(path, &st, NULL);
	CHECK_INT(st, 0);
	struct {
		const char *mac, *service, *seen;
	} want[] = {{"3c:ef:8c:61:01:c0", "Imou cloud", "tls-sni"},
		    {"58:50:ed:1f:e3:85", "EZVIZ cloud", "http-host"},
		    {"00:12:41:00:00:01", "XMEye cloud", "connect"}};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		json_t *dev = by_mac(all, want[i].mac);
		CHECK(dev != NULL);
		if (dev == NULL)
			continue;
		json_t *c = json_array_get(json_object_get(dev, "contacts_vendor_cloud"), 0);
		CHECK_STR(str(c, "service"), want[i].service);
		CHECK_STR(str(c, "seen_in"), want[i].seen);
	}
	/* The PC is flagged too: it received the answer for xmeye.net. */
	json_t *p = by_mac(all, "02:00:00:00:00:01");
	CHECK(p != NULL && json_array_size(json_object_get(p, "contacts_vendor_cloud")) == 1);
	if (cs_test_failed_now())
		json_dumpf(all, stdout, JSON_INDENT(1));
	json_decref(all);
	unlink(path);
	rmdir(dir);
}
