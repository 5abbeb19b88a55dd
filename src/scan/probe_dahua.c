/*
 * probe_dahua.c - the "dahua-dvrip" probe: Dahua's private binary protocol on TCP 37777, which
 * Dahua firmware and rebranded Dahua DVRs share (Metasploit's CVE-2013-6117 note,
 * fingerprinting-signals.md 1.6, 5.4).
 *
 * We send one 32-byte discovery hello, data/probes/dahua-dvrip-hello.hex:
 *
 *   a3 01 00 01  00*12  02 00 00 00  00*12
 *
 * the request UniversalScanner (Dahua1.cs) and mcw0's DHDiscover('dvrip') send to UDP 5050,
 * and which mcw0 lists as DVRIP's "discover" command (a3 01 / b3 00) on TCP 37777. It asks the
 * device to describe itself; it is no login and changes nothing. We never send the login
 * commands (a0 00, a0 01, a0 05), and never Metasploit's a1 "auth bypass" hello.
 *
 * Every DVRIP message starts with a 32-byte header whose first byte is the command; answers
 * have the high nibble b. The discovery answer, as UniversalScanner reads it (Dahua1.cs,
 * struct Dahua1Section1, 120 bytes):
 *
 *   0x00 u16le 0x00b3 (answer)    0x02 u16le section 2 length    0x04 u32le 0x58 (= 0x78 - 0x20)
 *   0x10 u32le 2 (version)        0x14 u16le section 3 length
 *   0x28 char[16] device type     0x38 IPv4, mask, gateway, dns (little-endian)
 *   0x78 section 2: the MAC as 17 characters "00:11:22:33:44:55", then optionally the model
 *        section 3: "key:value\r\n" lines, among them SerialNo
 *
 * That layout is documented for the UDP answer; on TCP it is unverified, and mcw0 reads the
 * 16 bytes at 0x28 as the host name rather than the device type. So each value is taken only
 * when it proves itself: the MAC only if it parses as one, the serial only from a line keyed
 * "SerialNo", and the model only tentatively (kept if a model grammar knows it).
 */
#include "scan/probe_data.h"
#include "scan/probe_int.h"

#include "proto/mac.h"

#include <string.h>

enum {
	DVRIP_HEADER_LEN = 32,
	RECOGNISE_MIN = 8, /* Metasploit compares the first 8 bytes of the answer */
	SECTION1_LEN = 0x78,
	DEVTYPE_OFF = 0x28,
	DEVTYPE_LEN = 16,
	MAC_TEXT_LEN = 17,
	VALUE_MAX = 64,
};

static int dahua_request(const struct cs_probe_target *t, int step, char *buf, size_t cap,
			 size_t *len)
{
	if (step != 0)
		return CS_ENOTFOUND;
	return cs_probe_payload("dahua-dvrip-hello", t, buf, cap, len);
}

static unsigned u16le(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (unsigned)u[0] | (unsigned)u[1] << 8;
}

static bool is_discovery_answer(const char *buf, size_t len)
{
	return len >= DVRIP_HEADER_LEN && (unsigned char)buf[0] == 0xb3 && buf[1] == 0;
}

/*
 * The answers the reference documents, by their first two bytes: b0 00 and b0 01 (mcw0's
 * login replies), b1 00 (Metasploit's DVR_RESP "b1 00 00 58 00 00 00 00"), b3 00 (the
 * discovery answer, UniversalScanner's magicResponse 0x00b3). Eight bytes at least, as
 * Metasploit reads. The second byte is checked too so that a stray binary reply that happens
 * to start with 0xb0..0xb3 on another port is not taken for Dahua.
 */
static bool dahua_recognise(const char *buf, size_t len)
{
	if (len < RECOGNISE_MIN)
		return false;
	unsigned char c = (unsigned char)buf[0], sub = (unsigned char)buf[1];
	return (c == 0xb0 && sub <= 0x01) || ((c == 0xb1 || c == 0xb3) && sub == 0x00);
}

/* The header, and for a discovery answer its three sections as the header sizes them. */
static enum cs_probe_done dahua_complete(int step, const char *buf, size_t len)
{
	if (len < DVRIP_HEADER_LEN) {
		if (len > 0 && (unsigned char)buf[0] < 0x80 && cs_probe_could_be(buf, len, "HTTP/"))
			return cs_probe_message_complete(buf, len, false);
		return CS_PROBE_MORE;
	}
	if (!is_discovery_answer(buf, len))
		return CS_PROBE_DONE;
	size_t want = SECTION1_LEN + u16le(buf + 2) + u16le(buf + 0x14);
	if (want > CS_PROBE_REPLY_MAX)
		want = CS_PROBE_REPLY_MAX;
	return len >= want ? CS_PROBE_DONE : CS_PROBE_MORE;
}

/* p[0..n) without surrounding NULs and whitespace, if every byte left is printable. */
static struct cs_sv printable(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == '\0' || p[n - 1] == ' ' || p[n - 1] == '\r' ||
			 p[n - 1] == '\n' || p[n - 1] == '\t'))
		n--;
	while (n > 0 && (p[0] == '\0' || p[0] == ' ' || p[0] == '\t')) {
		p++;
		n--;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
			return cs_sv_make(p, 0);
	return cs_sv_make(p, n > VALUE_MAX ? 0 : n);
}

/* e.g. "SerialNo:4J0186FPAG00123\r\nIPv6Addr:...\r\n": the SerialNo value. */
static struct cs_sv section3_serial(const char *p, size_t n)
{
	static const struct cs_sv key = CS_SV("SerialNo:");
	const char *end = p + n;
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		const char *le = lf != NULL ? lf : end;
		struct cs_sv line = cs_sv_make(p, (size_t)(le - p));
		if (line.n > key.n && memcmp(line.p, key.p, key.n) == 0) {
			struct cs_sv v = printable(line.p + key.n, line.n - key.n);
			if (v.n > 0 && memchr(v.p, ' ', v.n) == NULL)
				return v;
		}
		p = lf != NULL ? lf + 1 : end;
	}
	return cs_sv_make(end, 0);
}

static int observe_discovery(struct cs_ident *id, const char *buf, size_t len)
{
	static const char from[] = "dahua-dvrip discovery";
	uint8_t mac[6];
	struct cs_sv model = cs_sv_make(buf, 0);
	int r = CS_OK;

	if (len >= DEVTYPE_OFF + DEVTYPE_LEN) {
		const char *dt = buf + DEVTYPE_OFF;
		const char *nul = memchr(dt, '\0', DEVTYPE_LEN);
		model = printable(dt, nul != NULL ? (size_t)(nul - dt) : DEVTYPE_LEN);
	}
	if (len > SECTION1_LEN) {
		size_t s2 = SECTION1_LEN, s2n = u16le(buf + 2);
		if (s2n > len - s2)
			s2n = len - s2;
		if (s2n >= MAC_TEXT_LEN &&
		    cs_mac_parse(cs_sv_make(buf + s2, MAC_TEXT_LEN), mac) == CS_OK)
			r = cs_ident_observe_from(id, CS_SIG_MAC,
						  cs_sv_make(buf + s2, MAC_TEXT_LEN), from, 1.0);
		if (r == CS_OK && s2n > MAC_TEXT_LEN) {
			/* UniversalScanner prefers section 2's model over the device type. */
			struct cs_sv m2 = printable(buf + s2 + MAC_TEXT_LEN, s2n - MAC_TEXT_LEN);
			if (m2.n > 0)
				model = m2;
		}
		size_t s3 = s2 + s2n, s3n = u16le(buf + 0x14);
		if (s3n > len - s3)
			s3n = len - s3;
		struct cs_sv serial = section3_serial(buf + s3, s3n);
		if (r == CS_OK && serial.n > 0)
			r = cs_ident_observe_from(id, CS_SIG_SERIAL, serial, from, 1.0);
	}
	if (r == CS_OK && model.n > 0)
		r = cs_ident_observe_tentative(id, CS_SIG_MODEL, model, from, 1.0);
	return r;
}

static int dahua_observe(struct cs_ident *id, const struct cs_probe_target *t, int step,
			 const char *buf, size_t len)
{
	int r;

	if (!dahua_recognise(buf, len)) {
		if (cs_probe_starts_with(buf, len, "HTTP/"))
			return cs_probe_feed(id, CS_IN_HTTP, buf, len);
		return CS_OK; /* not DVRIP: no evidence either way */
	}
	if ((r = cs_ident_observe(id, CS_SIG_PROTO, CS_SV("dahua-dvrip"), 1.0)) != CS_OK)
		return r;
	if (is_discovery_answer(buf, len))
		return observe_discovery(id, buf, len);
	return CS_OK;
}

const struct cs_probe cs_probe_dahua_dvrip = {
	.name = "dahua-dvrip",
	.summary = "Dahua DVRIP (37777): the 32-byte discovery hello, no login",
	.server_first = false,
	.wants_tls = false,
	.request = dahua_request,
	.complete = dahua_complete,
	.recognise = dahua_recognise,
	.observe = dahua_observe,
};
