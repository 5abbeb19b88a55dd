/*
 * mac.c - MAC address parsing and formatting, and recovering MACs from IPv6 and UUIDs.
 *
 * e.g. SADP "<MAC>58-50-ed-1f-e3-85</MAC>", Dahua RPC2 "mac":"3CEF8C6101C0", WS-Discovery
 * "urn:uuid:aa85c000-6324-11b3-819e-5850ed1fe385" and "http://[fe80::5a50:edff:fe1f:e385]/".
 */
#include "proto/mac.h"

#include "common/err.h"

#include <arpa/inet.h>
#include <string.h>

static int hexbyte(const char *p)
{
	int hi = cs_hexval((unsigned char)p[0]), lo = cs_hexval((unsigned char)p[1]);
	return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
}

/* Parse 12 hex digits from s into out, with sep (unless NUL) after every `every` digits. */
static int parse_groups(struct cs_sv s, char sep, size_t every, uint8_t out[6])
{
	size_t digits = 0, i = 0;
	char hex[12];

	while (i < s.n) {
		if (digits > 0 && digits % every == 0 && sep != '\0') {
			if (s.p[i] != sep)
				return CS_EPARSE;
			i++;
		}
		if (digits >= 12 || i >= s.n || cs_hexval((unsigned char)s.p[i]) < 0)
			return CS_EPARSE;
		hex[digits++] = s.p[i++];
	}
	if (digits != 12)
		return CS_EPARSE;
	for (int k = 0; k < 6; k++)
		out[k] = (uint8_t)hexbyte(hex + 2 * k);
	return CS_OK;
}

int cs_mac_parse(struct cs_sv s, uint8_t mac[6])
{
	uint8_t tmp[6];
	int r;

	s = cs_sv_trim(s);
	if (s.n == 17 && (s.p[2] == ':' || s.p[2] == '-'))
		r = parse_groups(s, s.p[2], 2, tmp);
	else if (s.n == 14 && s.p[4] == '.')
		r = parse_groups(s, '.', 4, tmp);
	else if (s.n == 12)
		r = parse_groups(s, '\0', 12, tmp);
	else
		r = CS_EPARSE;
	if (r == CS_OK)
		memcpy(mac, tmp, 6);
	return r;
}

void cs_mac_format(const uint8_t mac[6], char out[18])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 6; i++) {
		out[3 * i] = hex[mac[i] >> 4];
		out[3 * i + 1] = hex[mac[i] & 15];
		out[3 * i + 2] = i < 5 ? ':' : '\0';
	}
}

bool cs_mac_is_local(const uint8_t mac[6])
{
	return (mac[0] & 0x02) != 0;
}

bool cs_mac_is_multicast(const uint8_t mac[6])
{
	return (mac[0] & 0x01) != 0;
}

int cs_mac_from_eui64_ipv6(struct cs_sv s, uint8_t mac[6])
{
	char text[INET6_ADDRSTRLEN + 1];
	unsigned char a[16];

	const char *lb = s.p != NULL ? memchr(s.p, '[', s.n) : NULL;
	if (lb != NULL) {
		const char *rb = memchr(lb, ']', s.n - (size_t)(lb - s.p));
		if (rb == NULL)
			return CS_ENOTFOUND;
		s = cs_sv_make(lb + 1, (size_t)(rb - lb - 1));
	}
	s = cs_sv_trim(s);
	/* "fe80::...%eth0" (a zone) and "fe80::.../64" (a prefix length, as Dahua writes it). */
	for (const char *stop = "%/"; *stop != '\0'; stop++) {
		const char *at = s.p != NULL ? memchr(s.p, *stop, s.n) : NULL;
		if (at != NULL)
			s.n = (size_t)(at - s.p);
	}
	if (s.n == 0 || s.n >= sizeof(text))
		return CS_ENOTFOUND;
	cs_sv_copy(text, sizeof(text), s);
	if (inet_pton(AF_INET6, text, a) != 1)
		return CS_ENOTFOUND;
	if (a[11] != 0xff || a[12] != 0xfe)
		return CS_ENOTFOUND;
	mac[0] = a[8] ^ 0x02;
	mac[1] = a[9];
	mac[2] = a[10];
	mac[3] = a[13];
	mac[4] = a[14];
	mac[5] = a[15];
	return CS_OK;
}

int cs_mac_from_uuid(struct cs_sv s, uint8_t mac[6])
{
	static const size_t group_len[5] = {8, 4, 4, 4, 12};
	uint8_t node[6];

	s = cs_sv_trim(s);
	if (cs_sv_iprefix(s, CS_SV("urn:")))
		s = cs_sv_make(s.p + 4, s.n - 4);
	if (cs_sv_iprefix(s, CS_SV("uuid:")))
		s = cs_sv_make(s.p + 5, s.n - 5);
	if (s.n >= 2 && s.p[0] == '{' && s.p[s.n - 1] == '}')
		s = cs_sv_make(s.p + 1, s.n - 2);
	if (s.n != 36)
		return CS_ENOTFOUND;
	size_t at = 0;
	for (int g = 0; g < 5; g++) {
		if (g > 0 && s.p[at++] != '-')
			return CS_ENOTFOUND;
		for (size_t k = 0; k < group_len[g]; k++)
			if (cs_hexval((unsigned char)s.p[at++]) < 0)
				return CS_ENOTFOUND;
	}
	for (int k = 0; k < 6; k++)
		node[k] = (uint8_t)hexbyte(s.p + 24 + 2 * k);
	static const uint8_t zero[6];
	if (memcmp(node, zero, 6) == 0 || cs_mac_is_multicast(node))
		return CS_ENOTFOUND;
	memcpy(mac, node, 6);
	return CS_OK;
}
