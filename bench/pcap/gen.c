/*
 * gen.c - writes a large synthetic capture for bench/pcap/run: camera discovery (SADP, DHIP,
 * WS-Discovery, SSDP), HTTP, RTSP and TLS sessions with cameras, DNS lookups of vendor clouds and
 * of other names, and background bulk TCP and UDP between PCs and servers. Addresses are from
 * 192.0.2.0/24-style documentation ranges and private space; nothing is ever sent.
 *
 * usage: gen OUT.pcap [PACKETS]   (default 1,000,000; deterministic: fixed seed)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;
static uint64_t written, target;
static uint32_t rng = 42;
static uint8_t frame[2048];

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
	p[3] = (uint8_t)(v >> 24);
}

static void be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16), be16(p + 2, v & 0xffff);
}

struct host {
	uint8_t mac[6];
	uint8_t ip[4];
};

static void emit(size_t n)
{
	uint8_t h[16];
	le32(h, (uint32_t)(1700000000 + written / 10000));
	le32(h + 4, (uint32_t)(written % 10000) * 100);
	le32(h + 8, (uint32_t)n);
	le32(h + 12, (uint32_t)n);
	fwrite(h, 1, 16, out);
	fwrite(frame, 1, n, out);
	written++;
}

static size_t ip_hdr(const struct host *s, const struct host *d, int proto, size_t l4)
{
	memcpy(frame, d->mac, 6);
	memcpy(frame + 6, s->mac, 6);
	be16(frame + 12, 0x0800);
	uint8_t *ip = frame + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	be16(ip + 2, (unsigned)(20 + l4));
	ip[8] = 64;
	ip[9] = (uint8_t)proto;
	memcpy(ip + 12, s->ip, 4);
	memcpy(ip + 16, d->ip, 4);
	return 34;
}

static void udp(const struct host *s, const struct host *d, unsigned sp, unsigned dp, const void *p,
		size_t n)
{
	size_t o = ip_hdr(s, d, 17, 8 + n);
	be16(frame + o, sp), be16(frame + o + 2, dp), be16(frame + o + 4, (unsigned)(8 + n));
	be16(frame + o + 6, 0);
	memcpy(frame + o + 8, p, n);
	emit(o + 8 + n);
}

static void tcp(const struct host *s, const struct host *d, unsigned sp, unsigned dp, uint8_t flags,
		uint32_t seq, const void *p, size_t n)
{
	size_t o = ip_hdr(s, d, 6, 20 + n);
	memset(frame + o, 0, 20);
	be16(frame + o, sp), be16(frame + o + 2, dp);
	be32(frame + o + 4, seq);
	frame[o + 12] = 0x50;
	frame[o + 13] = flags;
	be16(frame + o + 14, 65535);
	if (n)
		memcpy(frame + o + 20, p, n);
	emit(o + 20 + n);
}

/* One TCP session: handshake, the client's bytes, the server's bytes in segments, FIN. */
static void session(const struct host *c, const struct host *s, unsigned port, const void *req,
		    size_t rn, const void *resp, size_t sn)
{
	unsigned cp = 1024 + rnd() % 60000;
	uint32_t cs = rnd(), ss = rnd();
	tcp(c, s, cp, port, 0x02, cs, NULL, 0);
	tcp(s, c, port, cp, 0x12, ss, NULL, 0);
	tcp(c, s, cp, port, 0x10, cs + 1, NULL, 0);
	if (rn)
		tcp(c, s, cp, port, 0x18, cs + 1, req, rn);
	for (size_t o = 0; o < sn; o += 1400) {
		size_t l = sn - o < 1400 ? sn - o : 1400;
		tcp(s, c, port, cp, 0x18, ss + 1 + (uint32_t)o, (const uint8_t *)resp + o, l);
		tcp(c, s, cp, port, 0x10, cs + 1 + (uint32_t)rn, NULL, 0);
	}
	tcp(s, c, port, cp, 0x11, ss + 1 + (uint32_t)sn, NULL, 0);
	tcp(c, s, cp, port, 0x11, cs + 1 + (uint32_t)rn, NULL, 0);
}

static size_t dns_msg(uint8_t *q, const char *name, int answer)
{
	size_t o = 12;
	memset(q, 0, 12);
	be16(q, rnd() & 0xffff);
	be16(q + 2, answer ? 0x8180 : 0x0100);
	be16(q + 4, 1);
	be16(q + 6, answer ? 1 : 0);
	for (const char *p = name; *p;) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		q[o++] = (uint8_t)l;
		memcpy(q + o, p, l);
		o += l;
		p += l + (dot != NULL);
	}
	q[o++] = 0;
	be16(q + o, 1), be16(q + o + 2, 1);
	o += 4;
	if (answer) {
		static const uint8_t a[] = {0xc0, 0x0c, 0, 1, 0,   1, 0,   0,
					    0,	  60,	0, 4, 203, 0, 113, 9};
		memcpy(q + o, a, sizeof(a));
		o += sizeof(a);
	}
	return o;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen OUT.pcap [PACKETS]\n");
		return 2;
	}
	target = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
	if ((out = fopen(argv[1], "wb")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	uint8_t gh[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0};
	le32(gh + 16, 65535);
	le32(gh + 20, 1);
	fwrite(gh, 1, 24, out);

	enum { NCAM = 200, NPC = 100, NSRV = 50 };
	static struct host cam[NCAM], pc[NPC], srv[NSRV],
		router = {{0x02, 0, 0, 0, 0, 1}, {192, 168, 0, 1}};
	static const uint8_t ouis[4][3] = {
		{0x58, 0x50, 0xed}, {0xc0, 0x56, 0xe3}, {0x3c, 0xef, 0x8c}, {0xe0, 0x50, 0x8b}};
	for (int i = 0; i < NCAM; i++) {
		memcpy(cam[i].mac, ouis[i % 4], 3);
		cam[i].mac[3] = 0x10, cam[i].mac[4] = (uint8_t)(i >> 8), cam[i].mac[5] = (uint8_t)i;
		cam[i].ip[0] = 10, cam[i].ip[1] = 1, cam[i].ip[2] = (uint8_t)(i / 250),
		cam[i].ip[3] = (uint8_t)(1 + i % 250);
	}
	for (int i = 0; i < NPC; i++) {
		pc[i].mac[0] = 0x02, pc[i].mac[1] = 0x11, pc[i].mac[5] = (uint8_t)i;
		pc[i].ip[0] = 10, pc[i].ip[1] = 2, pc[i].ip[3] = (uint8_t)(1 + i);
	}
	for (int i = 0; i < NSRV; i++) {
		memcpy(srv[i].mac, router.mac, 6);
		srv[i].ip[0] = 198, srv[i].ip[1] = 51, srv[i].ip[2] = 100,
		srv[i].ip[3] = (uint8_t)(1 + i);
	}
	struct host mc = {{0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa}, {239, 255, 255, 250}};
	char sadp[1024], http[3000], rtsp[512], ssdp[512], wsd[1500], tls[1600];
	uint8_t dhip[600], dns[300];
	static const char body_hik[] = "<!DOCTYPE html><html><head><title>Hikvision</title>"
				       "<script src=\"/doc/script/lib/seajs/sea.js\"></script>";
	static uint8_t bulk[1400];
	for (size_t i = 0; i < sizeof(bulk); i++)
		bulk[i] = (uint8_t)rnd();
	uint32_t bseq = 1;

	while (written < target) {
		uint32_t r = rnd() % 100;
		/* Cameras 0,1 mod 4 have Hikvision prefixes, 2,3 mod 4 Dahua's. */
		struct host *hk = &cam[4 * (rnd() % (NCAM / 4)) + rnd() % 2];
		struct host *dh = &cam[4 * (rnd() % (NCAM / 4)) + 2 + rnd() % 2];
		struct host *c = &cam[rnd() % NCAM], *p = &pc[rnd() % NPC], *s = &srv[rnd() % NSRV];
		int n;
		if (r < 3) {
			n = snprintf(sadp, sizeof(sadp),
				     "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ProbeMatch><Uuid>"
				     "%08X-0000-0000-0000-000000000000</Uuid><Types>inquiry</Types>"
				     "<DeviceType>138</DeviceType><DeviceDescription>DS-2CD2143G2-I"
				     "</DeviceDescription><DeviceSN>DS-2CD2143G2-I20220123AAWRD%08u"
				     "</DeviceSN><MAC>%02x-%02x-%02x-%02x-%02x-%02x</MAC>"
				     "<SoftwareVersion>V5.5.82build 190909</SoftwareVersion>"
				     "</ProbeMatch>",
				     rnd(), (unsigned)(hk - cam), hk->mac[0], hk->mac[1],
				     hk->mac[2], hk->mac[3], hk->mac[4], hk->mac[5]);
			udp(hk, &mc, 37020, 37020, sadp, (size_t)n);
		} else if (r < 5) {
			n = snprintf(
				(char *)dhip + 32, sizeof(dhip) - 32,
				"{\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\",\"method\":\"client."
				"notifyDevInfo\",\"params\":{\"deviceInfo\":{\"DeviceType\":"
				"\"IPC-HFW2431S-S-S2\",\"SerialNo\":\"6J0%06uPAG\",\"Vendor\":"
				"\"Dahua\",\"Version\":\"2.800.0000000.16.R\"}}}",
				dh->mac[0], dh->mac[1], dh->mac[2], dh->mac[3], dh->mac[4],
				dh->mac[5], (unsigned)(dh - cam));
			memset(dhip, 0, 32);
			dhip[0] = 0x20;
			memcpy(dhip + 4, "DHIP", 4);
			le32(dhip + 16, (uint32_t)n);
			le32(dhip + 24, (uint32_t)n);
			udp(dh, &mc, 37810, 37810, dhip, 32 + (size_t)n);
		} else if (r < 7) {
			n = snprintf(
				ssdp, sizeof(ssdp),
				"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-"
				"CONTROL: max-age=1800\r\nLOCATION: http://10.1.0.%u/desc.xml\r\n"
				"SERVER: Linux/3.10 UPnP/1.0 IPCamera/1.0\r\nNT: upnp:rootdevice"
				"\r\nNTS: ssdp:alive\r\nUSN: uuid:%08x::upnp:rootdevice\r\n\r\n",
				hk->ip[3], rnd());
			udp(hk, &mc, 1900, 1900, ssdp, (size_t)n);
		} else if (r < 8) {
			n = snprintf(
				wsd, sizeof(wsd),
				"<?xml version=\"1.0\" encoding=\"UTF-8\"?><s:Envelope xmlns:s="
				"\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://"
				"schemas.xmlsoap.org/ws/2004/08/addressing\" xmlns:d=\"http://"
				"schemas.xmlsoap.org/ws/2005/04/discovery\"><s:Header><a:Action>"
				"http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches"
				"</a:Action></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch>"
				"<d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>onvif://"
				"www.onvif.org/name/HIKVISION%%20DS-2CD2143G2-I onvif://www.onvif"
				".org/hardware/DS-2CD2143G2-I</d:Scopes><d:XAddrs>http://10.1.0."
				"%u/onvif/device_service</d:XAddrs></d:ProbeMatch>"
				"</d:ProbeMatches></s:Body></s:Envelope>",
				hk->ip[3]);
			udp(hk, p, 3702, 3702, wsd, (size_t)n);
		} else if (r < 12) {
			static const char req[] = "GET / HTTP/1.1\r\nHost: cam\r\nUser-Agent: "
						  "Mozilla/5.0\r\nAccept: */*\r\n\r\n";
			n = snprintf(http, sizeof(http),
				     "HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Type: text/"
				     "html\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
				     sizeof(body_hik) - 1, body_hik);
			session(p, hk, 80, req, sizeof(req) - 1, http, (size_t)n);
		} else if (r < 14) {
			static const char req[] = "OPTIONS rtsp://cam/ RTSP/1.0\r\nCSeq: 1\r\n\r\n";
			n = snprintf(rtsp, sizeof(rtsp),
				     "RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Dahua Rtsp Server\r\n"
				     "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n");
			session(p, dh, 554, req, sizeof(req) - 1, rtsp, (size_t)n);
		} else if (r < 16) {
			/* ServerHello, then a Certificate with a 900-byte blob */
			size_t o = 0;
			static const uint8_t sh[] = {22, 3, 3, 0, 42, 2, 0, 0, 38, 3, 3};
			memcpy(tls, sh, sizeof(sh));
			memset(tls + sizeof(sh), 0x11, 35);
			tls[sizeof(sh) + 32] = 0;
			o = 47;
			size_t dn = 900, body = 6 + dn;
			uint8_t *t = (uint8_t *)tls + o;
			t[0] = 22, t[1] = 3, t[2] = 3;
			be16(t + 3, (unsigned)(4 + body));
			t[5] = 11, t[6] = 0;
			be16(t + 7, (unsigned)body);
			t[9] = 0;
			be16(t + 10, (unsigned)(3 + dn));
			t[12] = 0;
			be16(t + 13, (unsigned)dn);
			t[15] = 0x30, t[16] = 0x82;
			memset(t + 17, 0x5a, dn - 2);
			o += 15 + dn;
			session(p, c, 443, NULL, 0, tls, o);
		} else if (r < 20) {
			static const char *const names[] = {"litedev.hik-connect.com",
							    "www.easy4ip.com", "www.example.com",
							    "api.example.org", "xmeye.net"};
			const char *nm = names[rnd() % 5];
			struct host *q = rnd() % 2 ? c : p;
			size_t l = dns_msg(dns, nm, 0);
			udp(q, &router, 30000 + rnd() % 30000, 53, dns, l);
			l = dns_msg(dns, nm, 1);
			udp(&router, q, 53, 30000 + rnd() % 30000, dns, l);
		} else if (r < 90) {
			/* Background bulk: one long download from a server to a PC. */
			struct host *a = &pc[0], *b = &srv[0];
			for (int k = 0; k < 8; k++, bseq += sizeof(bulk))
				tcp(b, a, 443, 51000, 0x10, bseq, bulk, sizeof(bulk));
			tcp(a, b, 51000, 443, 0x10, 1, NULL, 0);
		} else {
			static const char noise[] = "background datagram";
			udp(p, s, 40000 + rnd() % 1000, 5000 + rnd() % 100, noise,
			    sizeof(noise) - 1);
		}
	}
	fclose(out);
	fprintf(stderr, "gen: %llu packets\n", (unsigned long long)written);
	return 0;
}
